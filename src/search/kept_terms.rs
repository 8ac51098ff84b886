//! The terms of the passages, kept once analysed.
//!
//! An excerpt needs every term of its passage and where each stands. Analysing a passage
//! again for every search that shows it was most of the cost of a page of hits: the same
//! few hundred passages are shown again and again. So each field's analysis of a text is
//! kept (the text, and its terms as numbers and byte ranges) for the life of the engine
//! (one index generation), up to [`MAX_TEXTS`] texts; past it, the kept texts are
//! forgotten and kept again as they are shown. Only the corpus's texts and their terms
//! are kept, never a query's words. When every passage fits, the engine keeps them all
//! when it is made, so that what is kept never tells what was searched or shown; on a
//! larger corpus the table holds the passages shown since it was last emptied.

use std::collections::hash_map::Entry;
use std::ops::Range;
use std::sync::{Arc, PoisonError, RwLock};

use rustc_hash::FxHashMap;
use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;

/// Texts kept, all fields together: far more than the guide's passages (about 450, in two
/// fields each). Each costs its text and 12 bytes a word: about 2 kB for a passage of
/// the guide's length, so some 16 MB when full.
pub const MAX_TEXTS: usize = 8192;

/// One term of a text: its number, and the bytes of the text it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    pub term: u32,
    pub from: u32,
    pub to: u32,
}

impl Located {
    pub fn bytes(&self) -> Range<usize> {
        self.from as usize..self.to as usize
    }
}

/// The texts analysed so far, per field, and the numbers of their terms.
#[derive(Default)]
pub struct KeptTerms {
    state: RwLock<State>,
}

#[derive(Default)]
struct State {
    /// Each term met in a kept text → its number. Numbers are only compared, within the
    /// state that gave them.
    numbers: FxHashMap<Box<str>, u32>,
    texts: FxHashMap<Field, FxHashMap<Box<str>, Arc<[Located]>>>,
    kept: usize,
}

impl State {
    fn lookup(&self, field: Field, text: &str, wanted: &[String]) -> Option<Analysed> {
        let terms = self.texts.get(&field)?.get(text)?.clone();
        let numbers = wanted
            .iter()
            .map(|w| self.numbers.get(w.as_str()).copied())
            .collect();
        Some(Analysed { terms, numbers })
    }
}

/// A text's terms in order, and the numbers of the terms asked for (`None` for a term no
/// kept text has).
#[derive(Default)]
pub struct Analysed {
    pub terms: Arc<[Located]>,
    pub numbers: Vec<Option<u32>>,
}

impl KeptTerms {
    /// How many texts are kept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .kept
    }

    /// The terms `analyzer` (the field's) makes of `text`, from memory when it can, with
    /// the numbers of the `wanted` terms.
    pub fn analyse(
        &self,
        field: Field,
        text: &str,
        analyzer: &mut TextAnalyzer,
        wanted: &[String],
    ) -> Analysed {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = state.lookup(field, text, wanted) {
            return found;
        }
        drop(state);
        // Byte ranges are kept in 32 bits: a text past 4 GiB (never a passage) is not
        // kept, and shown without highlights.
        if u32::try_from(text.len()).is_err() {
            return Analysed::default();
        }
        let mut tokens = Vec::new();
        {
            // The analyzer's memo is locked while its stream lives: not while ours is.
            let mut stream = analyzer.token_stream(text);
            while let Some(token) = stream.next() {
                tokens.push((token.text.clone(), token.offset_from, token.offset_to));
            }
        }
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if state.kept >= MAX_TEXTS {
            *state = State::default();
        }
        let State {
            numbers,
            texts,
            kept,
        } = &mut *state;
        let terms: Arc<[Located]> = tokens
            .into_iter()
            .map(|(term, from, to)| {
                let next = numbers.len() as u32;
                Located {
                    term: *numbers.entry(term.into()).or_insert(next),
                    // Within the text, checked above to fit in 32 bits.
                    from: from as u32,
                    to: to as u32,
                }
            })
            .collect();
        if let Entry::Vacant(entry) = texts.entry(field).or_default().entry(text.into()) {
            entry.insert(terms);
            *kept += 1;
        }
        state
            .lookup(field, text, wanted)
            .expect("the text was just kept")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyzer;
    use crate::language::Lang;

    #[test]
    fn gives_the_analyzers_terms_from_memory_or_not() {
        let kept = KeptTerms::default();
        let field = Field::from_field_id(0);
        let mut french = analyzer(Some(Lang::Fr));
        let text = "Les victimes et la victime";
        for _ in 0..2 {
            let found = kept.analyse(
                field,
                text,
                &mut french,
                &["victim".into(), "absent".into()],
            );
            let located: Vec<(u32, Range<usize>)> =
                found.terms.iter().map(|t| (t.term, t.bytes())).collect();
            assert_eq!(located, [(0, 4..12), (0, 19..26)]);
            assert_eq!(found.numbers, [Some(0), None]);
        }
    }

    #[test]
    fn forgets_everything_when_full_and_keeps_going() {
        let kept = KeptTerms::default();
        let field = Field::from_field_id(0);
        let mut neutral = analyzer(None);
        for i in 0..=MAX_TEXTS {
            kept.analyse(field, &format!("mot{i}"), &mut neutral, &[]);
        }
        let state = kept.state.read().unwrap();
        assert_eq!(state.kept, 1);
        assert_eq!(state.numbers.len(), 1);
    }
}
