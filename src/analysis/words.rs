//! The word tokenizer shared by every analyzer.
//!
//! A word is a run of letters, digits and combining marks, possibly joined by
//! - an apostrophe (`l'aide`, `aujourd'hui`) or a hyphen (`médico-légale`, `Info-aide`)
//!   followed by a letter or digit; a trailing apostrophe stays (`victims'`);
//! - an inclusive-writing dot (`·`, `⋅` or `.`) followed by a known ending and the end of
//!   the word (`intervenant·e·s`, `intervenant.e.s`). The list of endings keeps
//!   `www.example.com` or `fin.Début` from being read as one word.
//!
//! Written by hand rather than as a regular expression: tantivy's `RegexTokenizer` clones
//! its regex for every text, which throws away the regex's cache each time.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The apostrophes people type: straight and curly.
pub(crate) const APOSTROPHES: [char; 2] = ['\'', '’'];
/// The dots that inclusive French writing puts between a word and its feminine and plural
/// endings: middle dot, dot operator, full stop.
pub(super) const INCLUSIVE_DOTS: [char; 3] = ['·', '⋅', '.'];
const INCLUSIVE_ENDINGS: [&str; 16] = [
    "e", "s", "es", "x", "ne", "nes", "le", "les", "euse", "euses", "rice", "rices", "trice",
    "trices", "ve", "ves",
];

#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordStream<'a> {
    text: &'a str,
    cursor: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            cursor: 0,
            token: &mut self.token,
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// The byte length of the word at the start of `rest`, which starts with a word character.
fn word_length(rest: &str) -> usize {
    let run = |s: &str| s.find(|c: char| !is_word_char(c)).unwrap_or(s.len());
    let mut end = run(rest);
    loop {
        let mut tail = rest[end..].chars();
        let Some(joiner) = tail.next() else {
            return end;
        };
        let after = &rest[end + joiner.len_utf8()..];
        let next_is_word = after.starts_with(|c: char| c.is_alphanumeric());
        if (APOSTROPHES.contains(&joiner) || joiner == '-') && next_is_word {
            end += joiner.len_utf8() + run(after);
        } else if INCLUSIVE_DOTS.contains(&joiner) && next_is_word {
            let ending_length = run(after);
            if !INCLUSIVE_ENDINGS.contains(&&after[..ending_length]) {
                return end;
            }
            end += joiner.len_utf8() + ending_length;
        } else if APOSTROPHES.contains(&joiner) {
            return end + joiner.len_utf8();
        } else {
            return end;
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(start) = self.text[self.cursor..]
            .find(is_word_char)
            .map(|i| self.cursor + i)
        else {
            self.cursor = self.text.len();
            return false;
        };
        let end = start + word_length(&self.text[start..]);
        self.token.text.clear();
        self.token.text.push_str(&self.text[start..end]);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        self.cursor = end;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut tokenizer = WordTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            assert_eq!(&text[token.offset_from..token.offset_to], token.text);
            out.push(token.text.clone());
        }
        out
    }

    #[test]
    fn words_and_their_joiners() {
        let table: &[(&str, &[&str])] = &[
            ("l'aide, aujourd'hui", &["l'aide", "aujourd'hui"]),
            ("l’aide", &["l’aide"]),
            ("médico-légale Info-aide", &["médico-légale", "Info-aide"]),
            ("a - b -- c-", &["a", "b", "c"]),
            (
                "intervenant·e·s intervenant⋅e⋅s intervenant.e.s",
                &["intervenant·e·s", "intervenant⋅e⋅s", "intervenant.e.s"],
            ),
            ("expert·e", &["expert·e"]),
            (
                "fin.Début www.example.com",
                &["fin", "Début", "www", "example", "com"],
            ),
            ("victims' rights", &["victims'", "rights"]),
            ("1 888 933-9007", &["1", "888", "933-9007"]),
            ("e\u{301}coute", &["e\u{301}coute"]),
            ("¿Qué? ¡Sí!", &["Qué", "Sí"]),
            ("", &[]),
            ("  ...  ", &[]),
        ];
        for (text, expected) in table {
            assert_eq!(words(text), *expected, "{text:?}");
        }
    }
}
