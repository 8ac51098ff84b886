//! Words searched besides those typed, each weighted below the literal words:
//! - the last word as a prefix (search-as-you-type), unless the query ends with a space:
//!   `trousse médicol` also searches `médicolégale`;
//! - corrections of words the vocabulary does not have, from the vocabulary (the corpus's
//!   words and its synonyms'): one edit for words of 5 to 8 characters, two from 9, a
//!   transposition counting as one; never for shorter words, acronyms or numbers. Words it
//!   has are never "corrected": better to find nothing than something wrong;
//! - the other terms of synonym and concept groups, in their own languages, for the words
//!   as typed and as corrected.

use std::cell::RefCell;

use crate::analysis::{EveryAnalysis, is_acronym};
use crate::index::{Vocabulary, Word};
use crate::synonyms::{Expansion, Matcher};

use super::query::{Alternative, Analyzers, ParsedQuery};

const PREFIX_WEIGHT: f32 = 0.5;
/// A last word that is a whole word already is more likely finished than being typed.
const WHOLE_WORD_PREFIX_WEIGHT: f32 = 0.1;
/// The closest correction of a misspelt word is the word the person meant: it weighs as a
/// typed word (dev slice: typo MRR@10 0.906 → 0.915 against 0.5); the next one less.
const BEST_CORRECTION_WEIGHT: f32 = 1.0;
const CORRECTION_WEIGHT: f32 = 0.5;
/// A synonym weighs below the words typed. Dev slice, with the second round of blind
/// synonyms: MRR@10 0.891 at 0.3, 0.892 at 0.4, 0.896 at 0.7, 0.901 at 1 (as much as a typed
/// word, which the issue rules out); the 200 first queries 0.965, 0.962, 0.950, 0.948.
const SYNONYM_WEIGHT: f32 = 0.7;
/// Completions searched for the last word.
const MAX_COMPLETIONS: usize = 8;
/// Corrections searched for one unknown word.
const MAX_CORRECTIONS: usize = 2;
const MIN_PREFIX_CHARS: usize = 2;

/// What a query expands to.
#[derive(Debug, Default, PartialEq)]
pub struct Expanded {
    pub alternatives: Vec<Alternative>,
    /// The query with its unknown words corrected, when any was.
    pub did_you_mean: Option<String>,
}

/// How many edits a word of this many characters tolerates; `None` for none.
pub(super) fn tolerated_edits(word: &str) -> Option<usize> {
    let length = word.chars().count();
    let acronym = is_acronym(word);
    let number = word.chars().any(|c| c.is_numeric());
    match length {
        _ if acronym || number => None,
        0..=4 => None,
        5..=8 => Some(1),
        _ => Some(2),
    }
}

/// The corpus's vocabulary, with the corrections of a search's unknown words found once:
/// the query's language is weighed from them before its query is expanded with them, and
/// a query relaxed because it found nothing is expanded again. Made for one search and
/// dropped with it.
pub struct Corrections<'v> {
    pub vocabulary: &'v Vocabulary,
    /// The corrections found: folded word, tolerated edits, nearest words.
    found: RefCell<Vec<Found<'v>>>,
}

type Found<'v> = (String, usize, Vec<&'v Word>);

impl<'v> Corrections<'v> {
    pub fn new(vocabulary: &'v Vocabulary) -> Self {
        Corrections {
            vocabulary,
            found: RefCell::default(),
        }
    }

    /// The words nearest `folded` (at most [`MAX_CORRECTIONS`], within `edits`), closest
    /// and most frequent first.
    pub fn of(&self, folded: &str, edits: usize) -> Vec<&'v Word> {
        let mut found = self.found.borrow_mut();
        if let Some((_, _, near)) = found.iter().find(|(w, e, _)| w == folded && *e == edits) {
            return near.clone();
        }
        let near = self.vocabulary.near(folded, edits, MAX_CORRECTIONS);
        found.push((folded.to_string(), edits, near.clone()));
        near
    }
}

/// Words are taken apart by the neutral analyzer of `analyzers`; `analysed` is the words,
/// joined, as every analyzer took them apart. `known(word)` tells
/// whether a searched language's index has the word in some form (a stemmed `raped` is
/// `rape`): such a word is never corrected. `every_word`: complete every word, not only
/// the last (a query relaxed because it found nothing).
pub fn expand(
    parsed: &ParsedQuery,
    analysed: &EveryAnalysis,
    corrections: &Corrections,
    synonyms: &Matcher,
    analyzers: &Analyzers,
    known: &dyn Fn(&str) -> bool,
    every_word: bool,
) -> Expanded {
    let vocabulary = corrections.vocabulary;
    let mut expanded = Expanded::default();
    let completing = parsed.ends_typing;
    let mut corrected_words = Vec::new();
    let mut any_correction = false;
    for (i, word) in parsed.words.iter().enumerate() {
        let is_last = i + 1 == parsed.words.len();
        // A completion or a correction of this word, searched in every language.
        let instead = |text: String, weight: f32| Alternative {
            text,
            lang: None,
            words: i..i + 1,
            synonym: None,
            weight,
        };
        let mut corrected = word.clone();
        let found = analyzers.analyse(None, word);
        for token in found {
            let mut completions = Vec::new();
            let completed = (is_last && completing) || every_word;
            if completed && token.text.chars().count() >= MIN_PREFIX_CHARS {
                completions = vocabulary
                    .completions(&token.text, MAX_COMPLETIONS + 1)
                    .into_iter()
                    .filter(|w| w.folded != token.text)
                    .take(MAX_COMPLETIONS)
                    .collect();
            }
            let unknown = !vocabulary.contains(&token.text) && !known(&word[token.offsets.clone()]);
            for completion in &completions {
                let weight = if unknown {
                    PREFIX_WEIGHT
                } else {
                    WHOLE_WORD_PREFIX_WEIGHT
                };
                (expanded.alternatives).push(instead(completion.surface.clone(), weight));
            }
            // An unknown word that is two of the corpus's words without the space between
            // them (`rapekit`) is those two words, rather than a misspelling of a third.
            let split = (unknown && completions.is_empty())
                .then(|| vocabulary.split(&token.text))
                .flatten();
            if let Some((left, right)) = split {
                let both = format!("{} {}", left.surface, right.surface);
                corrected = corrected.replacen(&word[token.offsets.clone()], &both, 1);
                any_correction = true;
                (expanded.alternatives).push(instead(both, BEST_CORRECTION_WEIGHT));
                continue;
            }
            // An unknown last word with completions is being typed, not misspelt.
            if let (true, true, Some(edits)) = (
                unknown,
                completions.is_empty(),
                tolerated_edits(&word[token.offsets.clone()]),
            ) {
                let near = corrections.of(&token.text, edits);
                if let Some(best) = near.first() {
                    corrected = corrected.replacen(&word[token.offsets.clone()], &best.surface, 1);
                    any_correction = true;
                }
                for (rank, word) in near.into_iter().enumerate() {
                    let weight = if rank == 0 {
                        BEST_CORRECTION_WEIGHT
                    } else {
                        CORRECTION_WEIGHT
                    };
                    (expanded.alternatives).push(instead(word.surface.clone(), weight));
                }
            }
        }
        corrected_words.push(corrected);
    }
    if any_correction {
        expanded.did_you_mean = Some(corrected_words.join(" "));
    }
    // The groups of the words as typed, and of the corrected words: `sistr` is `sister`,
    // a loved one. A term both bring is searched once, for the words of both.
    let mut found = synonyms.expand(&parsed.words, analysed);
    if any_correction {
        let corrected = analyzers.every(&corrected_words.join(" "));
        for synonym in synonyms.expand(&corrected_words, &corrected) {
            let same = |s: &&mut Expansion| s.lang == synonym.lang && s.text == synonym.text;
            match found.iter_mut().find(same) {
                Some(known) => {
                    known.words = known.words.start.min(synonym.words.start)
                        ..known.words.end.max(synonym.words.end);
                }
                None => found.push(synonym),
            }
        }
    }
    for synonym in found {
        expanded.alternatives.push(Alternative {
            text: synonym.text,
            lang: Some(synonym.lang),
            words: synonym.words,
            synonym: Some(synonym.id),
            weight: SYNONYM_WEIGHT,
        });
    }
    expanded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::IndexAnalyzers;
    use crate::document::Document;
    use crate::synonyms::Synonyms;

    fn vocabulary() -> Vocabulary {
        let text = "La trousse médicolégale et le consentement. Harcèlement sexuel. Violence.";
        Vocabulary::of(&[Document::example(text)], [])
    }

    fn expand_(query: &str) -> Expanded {
        let matcher = Matcher::new(&Synonyms::default(), &IndexAnalyzers::default(), &|_, _| {
            false
        });
        let parsed = ParsedQuery::parse(query);
        expand(
            &parsed,
            &Analyzers::default().analyse_words(&parsed),
            &Corrections::new(&vocabulary()),
            &matcher,
            &Analyzers::default(),
            &|word| word == "sexuels",
            false,
        )
    }

    fn texts(expanded: &Expanded) -> Vec<(&str, f32)> {
        expanded
            .alternatives
            .iter()
            .map(|a| (a.text.as_str(), a.weight))
            .collect()
    }

    #[test]
    fn the_last_word_is_completed_unless_followed_by_a_space() {
        assert_eq!(
            texts(&expand_("trousse médicol")),
            [("médicolégale", PREFIX_WEIGHT)]
        );
        assert!(texts(&expand_("trousse médicol ")).is_empty());
        assert!(
            texts(&expand_("m")).is_empty(),
            "one character is too short to complete"
        );
    }

    #[test]
    fn unknown_words_are_corrected_within_the_tolerated_edits() {
        let expanded = expand_("consentment harcelement sexeul ");
        assert_eq!(
            texts(&expanded),
            [
                ("consentement", BEST_CORRECTION_WEIGHT),
                ("sexuel", BEST_CORRECTION_WEIGHT)
            ]
        );
        assert_eq!(
            expanded.did_you_mean.as_deref(),
            Some("consentement harcelement sexuel")
        );
    }

    #[test]
    fn two_words_typed_without_a_space_are_those_words() {
        let expanded = expand_("tromssetrousse harcèlementsexuel ");
        assert_eq!(
            texts(&expanded),
            [("harcèlement sexuel", BEST_CORRECTION_WEIGHT)]
        );
        assert_eq!(
            expanded.did_you_mean.as_deref(),
            Some("tromssetrousse harcèlement sexuel")
        );
    }

    /// The synonyms' words are in the vocabulary: a misspelling of one is corrected to it,
    /// and the group of the corrected word is searched.
    #[test]
    fn a_misspelt_synonym_is_corrected_and_brings_its_group() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synonyms.toml");
        std::fs::write(&path, "[[group]]\nfr = [\"proche\", \"frangine\"]\n").unwrap();
        let synonyms = Synonyms::load(&path).unwrap();
        let text = "Soutenir un proche.";
        let vocabulary = Vocabulary::of(&[Document::example(text)], synonyms.terms());
        let matcher = Matcher::new(&synonyms, &IndexAnalyzers::default(), &|_, _| false);
        let expand_ = |query: &str| {
            let parsed = ParsedQuery::parse(query);
            expand(
                &parsed,
                &Analyzers::default().analyse_words(&parsed),
                &Corrections::new(&vocabulary),
                &matcher,
                &Analyzers::default(),
                &|_| false,
                false,
            )
        };
        let expanded = expand_("soutenir ma franigne ");
        assert_eq!(
            expanded.did_you_mean.as_deref(),
            Some("soutenir ma frangine")
        );
        let found = texts(&expanded);
        assert!(
            found.contains(&("frangine", BEST_CORRECTION_WEIGHT)),
            "{found:?}"
        );
        assert!(found.contains(&("proche", SYNONYM_WEIGHT)), "{found:?}");
        // Typed and corrected, the same group: its terms once, for both words.
        let twice = expand_("frangine franigne ");
        let proche: Vec<&Alternative> = (twice.alternatives.iter())
            .filter(|a| a.text == "proche")
            .collect();
        assert_eq!(proche.len(), 1, "{:?}", twice.alternatives);
        assert_eq!(proche[0].words, 0..2);
    }

    #[test]
    fn no_correction_for_short_words_acronyms_numbers_or_too_many_edits() {
        for query in [
            "trou ",
            "viol ",
            "VIOLENCX ",
            "violenc3 ",
            "vilonece ",
            "xyzxyzxyz ",
            "sexuels ",
        ] {
            let expanded = expand_(query);
            assert!(
                expanded.alternatives.is_empty() && expanded.did_you_mean.is_none(),
                "{query}: {expanded:?}"
            );
        }
    }

    /// A word's corrections are found once per search, and are the vocabulary's own,
    /// for each number of edits apart.
    #[test]
    fn corrections_are_the_vocabularys_found_once() {
        let vocabulary = vocabulary();
        let corrections = Corrections::new(&vocabulary);
        for (word, edits) in [
            ("consentment", 2),
            ("consentment", 1),
            ("sexeul", 1),
            ("consentment", 2),
        ] {
            let expected = vocabulary.near(word, edits, MAX_CORRECTIONS);
            assert_eq!(corrections.of(word, edits), expected, "{word}, {edits}");
        }
        assert_eq!(
            corrections.found.borrow().len(),
            3,
            "each word and edits once"
        );
    }

    #[test]
    fn tolerated_edits_follow_word_length() {
        let table = [
            ("viol", None),
            ("sexuel", Some(1)),
            ("consentement", Some(2)),
            ("TACMES", None),
            ("2022", None),
        ];
        for (word, edits) in table {
            assert_eq!(tolerated_edits(word), edits, "{word}");
        }
    }
}
