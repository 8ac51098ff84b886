//! A word-by-word memo in front of an analyzer, for the texts of the corpus.
//!
//! Every filter of our chains looks at one word at a time, so analysing a text gives the
//! same tokens as analysing each of its words on its own. Words repeat (a few hundred make
//! most of any text), yet the chain lowercases, splits, folds and stems each occurrence
//! again: profiling put half of a search in the snippet generator doing just that to the
//! passages it shows. The memo keeps each word's tokens, so the chain runs once per
//! distinct word: when indexing, and when cutting snippets.
//!
//! The memo only ever learns the corpus's texts: queries are analysed through a reader of
//! the memo ([`Memoized::reader`]), which uses the words it has and forgets the others
//! with the query, so that no word anybody searched for stays in memory.

use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};

use rustc_hash::FxHashMap;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use super::words::{WordStream, WordTokenizer};

/// Distinct words kept per analyzer (about 150 bytes each); past it, new words are
/// analysed every time. Far more than the guide's ten thousand.
const MAX_WORDS: usize = 200_000;

/// Each word as written → the tokens the chain makes of it alone. Fx hashing: the keys
/// are the corpus's own words, short, looked up once per word of every text. Shared, so
/// that a stream holds its current word's tokens without a second lookup per token.
type Memo = FxHashMap<Box<str>, Arc<[Token]>>;

/// `chain` (which must start with [`WordTokenizer`]) with a memo of the words it analysed.
/// Clones share the memo.
#[derive(Clone)]
pub struct Memoized {
    chain: TextAnalyzer,
    words: WordTokenizer,
    shared: Arc<RwLock<Memo>>,
    /// Words met in the current text and missing from the shared memo; added to it at the
    /// end of the text, under one write lock, if this analyzer learns.
    fresh: Memo,
    learns: bool,
}

impl Memoized {
    pub fn new(chain: TextAnalyzer) -> Memoized {
        Memoized {
            chain,
            words: WordTokenizer::default(),
            shared: Arc::default(),
            fresh: Memo::default(),
            learns: true,
        }
    }

    /// The same analyzer and memo, but never adding to the memo: for queries.
    pub fn reader(&self) -> Memoized {
        Memoized {
            fresh: Memo::default(),
            learns: false,
            ..self.clone()
        }
    }
}

impl Tokenizer for Memoized {
    type TokenStream<'a> = MemoStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MemoStream<'a> {
        self.fresh.clear();
        MemoStream {
            words: self.words.token_stream(text),
            known: Some(self.shared.read().unwrap_or_else(PoisonError::into_inner)),
            shared: self.learns.then_some(&*self.shared),
            fresh: &mut self.fresh,
            chain: &mut self.chain,
            pieces: None,
            next_piece: 0,
            token: Token::default(),
        }
    }
}

pub struct MemoStream<'a> {
    words: WordStream<'a>,
    /// Held for the whole text: one lock per text, not per word. So one thread must not
    /// open a stream of a clone while its own stream is open: with a writer waiting, the
    /// second read would wait for it, and it for the first. Each stream is read to its
    /// end and dropped before another is opened: tantivy's when indexing, the kept terms'
    /// for snippets, and the queries' readers.
    known: Option<RwLockReadGuard<'a, Memo>>,
    /// Where the fresh words go at the end of the text; `None` for a reader.
    shared: Option<&'a RwLock<Memo>>,
    fresh: &'a mut Memo,
    chain: &'a mut TextAnalyzer,
    /// The current word's tokens, and which of them comes next.
    pieces: Option<Arc<[Token]>>,
    next_piece: usize,
    token: Token,
}

/// The tokens `chain` makes of one word alone.
fn analyse(chain: &mut TextAnalyzer, word: &str) -> Arc<[Token]> {
    let mut stream = chain.token_stream(word);
    let mut tokens = Vec::new();
    while let Some(token) = stream.next() {
        tokens.push(token.clone());
    }
    tokens.into()
}

impl TokenStream for MemoStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let piece = self.pieces.as_ref().and_then(|p| p.get(self.next_piece));
            if let Some(piece) = piece {
                let word = self.words.token();
                self.next_piece += 1;
                self.token.offset_from = word.offset_from + piece.offset_from;
                self.token.offset_to = word.offset_from + piece.offset_to;
                self.token.position = word.position.wrapping_add(piece.position);
                self.token.position_length = piece.position_length;
                self.token.text.clear();
                self.token.text.push_str(&piece.text);
                return true;
            }
            if !self.words.advance() {
                return false;
            }
            self.next_piece = 0;
            let text = self.words.token().text.as_str();
            let known = (self.known.as_ref().and_then(|memo| memo.get(text)))
                .or_else(|| self.fresh.get(text));
            self.pieces = Some(match known {
                Some(pieces) => pieces.clone(),
                None => {
                    let pieces = analyse(self.chain, text);
                    self.fresh.insert(text.into(), pieces.clone());
                    pieces
                }
            });
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl Drop for MemoStream<'_> {
    fn drop(&mut self) {
        // Our read lock first, or the write lock below would wait for it forever.
        drop(self.known.take());
        let Some(shared) = self.shared.filter(|_| !self.fresh.is_empty()) else {
            // A reader forgets the words it met with the text: a query's.
            self.fresh.clear();
            return;
        };
        let mut memo = shared.write().unwrap_or_else(PoisonError::into_inner);
        let room = MAX_WORDS.saturating_sub(memo.len());
        memo.extend(self.fresh.drain().take(room));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{analyzer, tokens};
    use super::*;
    use crate::language::Lang;

    const TEXTS: [&str; 4] = [
        "L'aide médico-légale aux victimes, aujourd'hui : les intervenant·e·s l'accompagnent.",
        "The victim's rights, the victims' rights; a survivor-centred approach. Don't wait!",
        "Los derechos de las víctimas: atención médico-legal, sin costo, todos los días.",
        "Un mot très long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; puis AIDE, Aide, aide.",
    ];

    #[test]
    fn gives_the_tokens_of_the_chain_alone_from_memory_or_not() {
        for lang in Lang::ALL.map(Some).into_iter().chain([None]) {
            let mut memoized = TextAnalyzer::from(Memoized::new(analyzer(lang)));
            for text in TEXTS {
                let expected = tokens(&mut analyzer(lang), text);
                // The first pass fills the memo, the second reads it.
                assert_eq!(tokens(&mut memoized, text), expected, "{lang:?}: {text}");
                assert_eq!(tokens(&mut memoized, text), expected, "{lang:?}: {text}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        /// On any text, including words a chain would split differently alone.
        #[test]
        fn any_text_gives_the_chains_tokens(text in proptest::prelude::any::<String>()) {
            for lang in Lang::ALL.map(Some).into_iter().chain([None]) {
                let mut memoized = TextAnalyzer::from(Memoized::new(analyzer(lang)));
                let expected = tokens(&mut analyzer(lang), &text);
                proptest::prop_assert_eq!(tokens(&mut memoized, &text), expected.clone());
                proptest::prop_assert_eq!(tokens(&mut memoized, &text), expected);
            }
        }
    }

    #[test]
    fn readers_use_the_memo_and_never_add_to_it() {
        let memoized = Memoized::new(analyzer(Some(Lang::Fr)));
        tokens(&mut TextAnalyzer::from(memoized.clone()), "les victimes");
        let mut reader = TextAnalyzer::from(memoized.reader());
        assert_eq!(
            tokens(&mut reader, "victimes inconnues"),
            tokens(&mut analyzer(Some(Lang::Fr)), "victimes inconnues")
        );
        let memo = memoized.shared.read().unwrap();
        assert_eq!(memo.len(), 2, "what the reader met is forgotten");
        assert!(!memo.contains_key("inconnues"));
    }

    #[test]
    fn clones_share_one_memo() {
        let memoized = Memoized::new(analyzer(Some(Lang::Fr)));
        let mut clone = TextAnalyzer::from(memoized.clone());
        tokens(&mut clone, "les victimes");
        let memo = memoized.shared.read().unwrap();
        assert_eq!(memo.len(), 2, "both words, stop word included");
        assert!(memo["les"].is_empty());
    }
}
