//! Highlighted excerpts of the passage a hit points to.
//!
//! tantivy's snippets escape the text and wrap matches in tags we choose; matches are
//! found by each field's own analyzer, so a stemmed or folded match highlights the word
//! as written (`médicolégale` for `medicolegale`), whole.

use std::collections::HashMap;

use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;

/// About 200 characters of context (tantivy counts bytes).
const SNIPPET_BYTES: usize = 220;
const MARK_OPEN: &str = "<mark>";
const MARK_CLOSE: &str = "</mark>";

/// Snippet generators for one query, made on first use per field.
pub struct Snippets<'a> {
    searcher: &'a Searcher,
    query: &'a dyn Query,
    generators: HashMap<Field, Option<SnippetGenerator>>,
}

impl<'a> Snippets<'a> {
    pub fn new(searcher: &'a Searcher, query: &'a dyn Query) -> Self {
        Snippets {
            searcher,
            query,
            generators: HashMap::new(),
        }
    }

    /// The best excerpt of `text` for the terms the query has on any of `fields` (tried
    /// in order), else the text's beginning; HTML-escaped but for the `<mark>` tags.
    pub fn excerpt(&mut self, text: &str, fields: &[Field]) -> String {
        for &field in fields {
            let (searcher, query) = (self.searcher, self.query);
            let generator = self.generators.entry(field).or_insert_with(|| {
                let mut generator = SnippetGenerator::create(searcher, query, field).ok()?;
                generator.set_max_num_chars(SNIPPET_BYTES);
                Some(generator)
            });
            if let Some(generator) = generator {
                let mut snippet = generator.snippet(text);
                if !snippet.highlighted().is_empty() {
                    snippet.set_snippet_prefix_postfix(MARK_OPEN, MARK_CLOSE);
                    return snippet.to_html();
                }
            }
        }
        escape_html(beginning(text, SNIPPET_BYTES))
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
