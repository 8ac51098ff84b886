//! Highlighted excerpts of the passage a hit points to.
//!
//! tantivy's snippets escape the text and wrap matches in tags we choose; matches are
//! found by each field's own analyzer, so a stemmed or folded match highlights the word
//! as written (`médicolégale` for `medicolegale`), whole.

use std::collections::HashMap;

use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::{Snippet, SnippetGenerator};

/// About 200 characters of context (tantivy counts bytes).
const SNIPPET_BYTES: usize = 220;
const MARK_OPEN: &str = "<mark>";
const MARK_CLOSE: &str = "</mark>";

/// Snippet generators for one query, made on first use per field.
pub struct Snippets<'a> {
    searcher: &'a Searcher,
    query: &'a dyn Query,
    max_bytes: usize,
    generators: HashMap<Field, Option<SnippetGenerator>>,
}

impl<'a> Snippets<'a> {
    /// For excerpts of about 200 characters.
    pub fn new(searcher: &'a Searcher, query: &'a dyn Query) -> Self {
        Self::with_max_bytes(searcher, query, SNIPPET_BYTES)
    }

    /// For whole texts.
    pub fn whole(searcher: &'a Searcher, query: &'a dyn Query) -> Self {
        Self::with_max_bytes(searcher, query, usize::MAX / 2)
    }

    fn with_max_bytes(searcher: &'a Searcher, query: &'a dyn Query, max_bytes: usize) -> Self {
        Snippets {
            searcher,
            query,
            max_bytes,
            generators: HashMap::new(),
        }
    }

    /// The best fragment of `text` for the terms the query has on the first of `fields`
    /// that matches anything in it.
    fn best(&mut self, text: &str, fields: &[Field]) -> Option<Snippet> {
        for &field in fields {
            let (searcher, query, max_bytes) = (self.searcher, self.query, self.max_bytes);
            let generator = self.generators.entry(field).or_insert_with(|| {
                let mut generator = SnippetGenerator::create(searcher, query, field).ok()?;
                generator.set_max_num_chars(max_bytes);
                Some(generator)
            });
            if let Some(generator) = generator {
                let snippet = generator.snippet(text);
                if !snippet.highlighted().is_empty() {
                    return Some(snippet);
                }
            }
        }
        None
    }

    /// The best excerpt of `text`, else its beginning; HTML-escaped but for the `<mark>` tags.
    pub fn excerpt(&mut self, text: &str, fields: &[Field]) -> String {
        match self.best(text, fields) {
            Some(mut snippet) => {
                snippet.set_snippet_prefix_postfix(MARK_OPEN, MARK_CLOSE);
                snippet.to_html()
            }
            None => escape_html(beginning(text, SNIPPET_BYTES)),
        }
    }

    /// All of `text`, HTML-escaped, the query's terms in `<mark>` tags.
    pub fn mark_all(&mut self, text: &str, fields: &[Field]) -> String {
        let Some(snippet) = self.best(text, fields) else {
            return escape_html(text);
        };
        let start = snippet.fragment_range().start;
        let mut out = String::with_capacity(text.len() + 64);
        let mut done = 0;
        for range in snippet.highlighted() {
            let (from, to) = (start + range.start, start + range.end);
            out.push_str(&escape_html(&text[done..from]));
            out.push_str(MARK_OPEN);
            out.push_str(&escape_html(&text[from..to]));
            out.push_str(MARK_CLOSE);
            done = to;
        }
        out.push_str(&escape_html(&text[done..]));
        out
    }
}

/// At most `max` bytes of `text`, cut after a whole word.
fn beginning(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &text[..end];
    cut.rfind(char::is_whitespace)
        .map_or(cut, |space| &cut[..space])
}

/// Text made safe to put in HTML, as tantivy escapes its snippets.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beginnings_end_on_whole_words_and_characters() {
        assert_eq!(beginning("court", 10), "court");
        assert_eq!(beginning("une évaluation médicale", 12), "une");
        assert_eq!(beginning("éééé", 3), "é");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape_html(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;y&#x27;"
        );
    }
}
