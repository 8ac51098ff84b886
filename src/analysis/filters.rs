//! Token filters that tantivy does not ship: French elision, the English possessive, and
//! the splitting of hyphenated and inclusive-writing compounds.
//!
//! All three are one mechanism, [`Rewrite`]: a filter that passes each token through a
//! rule which may change it and add alternatives at the same position. Offsets
//! are never touched, so highlights always cover whole words of the original text.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::words::{APOSTROPHES, INCLUSIVE_DOTS};

/// Rewrites one token in place and pushes its alternatives, if any, to the vector.
pub type Rule = fn(&mut Token, &mut Vec<Token>);

/// A token filter applying one [`Rule`] to every token.
#[derive(Clone, Copy)]
pub struct Rewrite(pub Rule);

impl TokenFilter for Rewrite {
    type Tokenizer<T: Tokenizer> = RewriteFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RewriteFilter<T> {
        RewriteFilter {
            rule: self.0,
            inner: tokenizer,
            pending: Vec::new(),
        }
    }
}

#[derive(Clone)]
pub struct RewriteFilter<T> {
    rule: Rule,
    inner: T,
    pending: Vec<Token>,
}

impl<T: Tokenizer> Tokenizer for RewriteFilter<T> {
    type TokenStream<'a> = RewriteStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.pending.clear();
        RewriteStream {
            rule: self.rule,
            tail: self.inner.token_stream(text),
            pending: &mut self.pending,
            emitting_pending: false,
        }
    }
}

pub struct RewriteStream<'a, S> {
    rule: Rule,
    tail: S,
    /// Alternatives added by the rule, in reverse order so that `pop` yields them in order.
    pending: &'a mut Vec<Token>,
    emitting_pending: bool,
}

impl<S: TokenStream> TokenStream for RewriteStream<'_, S> {
    fn advance(&mut self) -> bool {
        if self.emitting_pending {
            self.pending.pop();
        }
        if !self.pending.is_empty() {
            self.emitting_pending = true;
            return true;
        }
        self.emitting_pending = false;
        if !self.tail.advance() {
            return false;
        }
        (self.rule)(self.tail.token_mut(), self.pending);
        self.pending.reverse();
        true
    }

    fn token(&self) -> &Token {
        match self.pending.last() {
            Some(token) if self.emitting_pending => token,
            _ => self.tail.token(),
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.pending.last_mut() {
            Some(token) if self.emitting_pending => token,
            _ => self.tail.token_mut(),
        }
    }
}

/// French articles and conjunctions that drop their vowel before another word.
const FRENCH_ELIDED: [&str; 13] = [
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
];

/// `l'harmonie` → `harmonie`, `jusqu'à` → `à`; `aujourd'hui` stays whole.
/// Expects lowercase text.
pub fn french_elision(token: &mut Token, _: &mut Vec<Token>) {
    if let Some((head, tail)) = token.text.split_once(APOSTROPHES)
        && FRENCH_ELIDED.contains(&head)
        && !tail.is_empty()
    {
        token.text = tail.to_string();
    }
}

/// `victim's` → `victim`, `victims'` → `victims`. Expects lowercase text.
pub fn english_possessive(token: &mut Token, _: &mut Vec<Token>) {
    for suffix in ["'s", "’s"] {
        if let Some(stem) = token.text.strip_suffix(suffix) {
            token.text.truncate(stem.len());
            return;
        }
    }
    if token.text.ends_with(APOSTROPHES) {
        let end = token.text.trim_end_matches(APOSTROPHES).len();
        token.text.truncate(end);
    }
}

/// Splits compounds so that every spelling meets:
/// - `médico-légale` → `médicolégale` (the token) plus `médico` and `légale` at the same
///   position, so the joined spelling and each part are found;
/// - `intervenant·e·s` (or `⋅`, `.`) → `intervenants`, plus `intervenantes`.
///
/// Expects lowercase text.
pub fn split_compounds(token: &mut Token, extra: &mut Vec<Token>) {
    if token.text.contains(INCLUSIVE_DOTS) {
        let mut parts = token.text.split(INCLUSIVE_DOTS);
        let base = parts.next().unwrap_or_default().to_string();
        let endings: String = parts.collect();
        let plural = if endings.ends_with(['s', 'x']) {
            "s"
        } else {
            ""
        };
        let feminine = format!("{base}{endings}");
        token.text = format!("{base}{plural}");
        if feminine != token.text {
            extra.push(Token {
                text: feminine,
                ..token.clone()
            });
        }
    }
    if token.text.contains('-') {
        for part in token.text.split('-').filter(|part| !part.is_empty()) {
            extra.push(Token {
                text: part.to_string(),
                ..token.clone()
            });
        }
        token.text.retain(|c| c != '-');
    }
}
