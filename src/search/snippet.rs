//! Highlighted excerpts of the passage a hit points to, and whole passages highlighted.
//!
//! The passage is read once, word by word, by its field's own analyzer (the index's,
//! with its memo of the corpus's words), so a stemmed or folded match highlights the word
//! as written (`médicolégale` for `medicolegale`), whole. The window is chosen as tantivy's
//! snippet generator chooses it (the fragment whose matched terms are rarest in the index,
//! the first of equals), without its copies of every token. The HTML is ours: analyzers
//! that give several tokens at the same offsets (compounds, inclusive writing, elisions)
//! report duplicate or overlapping ranges, which are merged before marking; an excerpt is
//! flattened to one line of plain words (no list dashes), starts and ends on whole words,
//! and says with `…` where the passage was cut.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::collapse_overlapped_ranges;
use tantivy::tokenizer::TextAnalyzer;

use super::kept_terms::KeptTerms;
use super::term_statistics::TermStatistics;

/// About 200 characters of context (tantivy counts bytes).
const SNIPPET_BYTES: usize = 220;
const MARK_OPEN: &str = "<mark>";
const MARK_CLOSE: &str = "</mark>";
const ELLIPSIS: &str = "…";

/// Excerpts for one query: each field's terms and analyzer, found on first use.
pub struct Snippets<'a> {
    searcher: &'a Searcher,
    /// The index's terms, for their document frequencies.
    statistics: &'a TermStatistics,
    query: &'a dyn Query,
    kept: &'a KeptTerms,
    max_bytes: usize,
    fields: HashMap<Field, Option<FieldTerms>>,
}

/// The query's terms on one field, each weighed by its rarity in the index (as tantivy's
/// snippet generator weighs them), and the analyzer that gives a text's terms on it.
struct FieldTerms {
    field: Field,
    terms: Vec<String>,
    weights: Vec<f32>,
    analyzer: TextAnalyzer,
}

impl FieldTerms {
    /// `None` when the query has no term on `field` that the index has.
    fn of(
        searcher: &Searcher,
        statistics: &TermStatistics,
        query: &dyn Query,
        field: Field,
    ) -> Option<FieldTerms> {
        let mut weights: BTreeMap<String, f32> = BTreeMap::new();
        query.query_terms(&mut |term, _| {
            if term.field() != field {
                return;
            }
            let value = term.value();
            let Some(text) = value.as_str() else {
                return;
            };
            if weights.contains_key(text) {
                return;
            }
            let doc_freq = statistics.passages_with(field, text);
            if doc_freq > 0 {
                weights.insert(text.to_string(), 1.0 / (1.0 + doc_freq as f32));
            }
        });
        if weights.is_empty() {
            return None;
        }
        let analyzer = searcher.index().tokenizer_for_field(field).ok()?;
        let (terms, weights) = weights.into_iter().unzip();
        Some(FieldTerms {
            field,
            terms,
            weights,
            analyzer,
        })
    }

    /// The window of at most `max_bytes` with the highest weight of matched terms (the
    /// first of equals), cut where a token would pass the limit, and the matches in it.
    fn best(&mut self, text: &str, max_bytes: usize, kept: &KeptTerms) -> Option<Found> {
        let analysed = kept.analyse(self.field, text, &mut self.analyzer, &self.terms);
        let weight_of: Vec<(u32, f32)> = (analysed.numbers.iter().zip(&self.weights))
            .filter_map(|(number, &weight)| Some(((*number)?, weight)))
            .collect();
        if weight_of.is_empty() {
            return None;
        }
        let mut best: Option<(f32, Found)> = None;
        let mut current = (0.0, Found::at(0));
        let mut keep = |(score, found): (f32, Found)| {
            if score > 0.0 && best.as_ref().is_none_or(|(top, _)| score > *top) {
                best = Some((score, found));
            }
        };
        for token in analysed.terms.iter() {
            let bytes = token.bytes();
            if bytes.end - current.1.window.start > max_bytes {
                keep(std::mem::replace(
                    &mut current,
                    (0.0, Found::at(bytes.start)),
                ));
            }
            current.1.window.end = bytes.end;
            if let Some(&(_, weight)) = weight_of.iter().find(|(n, _)| *n == token.term) {
                current.0 += weight;
                current.1.marks.push(bytes);
            }
        }
        keep(current);
        best.map(|(_, found)| found)
    }
}

/// Where the query's words are in a text: the best window and the matches in it, as
/// byte ranges of the whole text.
#[derive(Debug, Clone, PartialEq)]
struct Found {
    window: Range<usize>,
    marks: Vec<Range<usize>>,
}

impl Found {
    /// An empty window at `start`.
    fn at(start: usize) -> Found {
        Found {
            window: start..start,
            marks: Vec::new(),
        }
    }
}

impl<'a> Snippets<'a> {
    /// For excerpts of about 200 characters, with the terms of the passages shown so far
    /// (`kept`).
    pub fn new(
        searcher: &'a Searcher,
        statistics: &'a TermStatistics,
        query: &'a dyn Query,
        kept: &'a KeptTerms,
    ) -> Self {
        Self::with_max_bytes(searcher, statistics, query, kept, SNIPPET_BYTES)
    }

    /// For whole texts.
    pub fn whole(
        searcher: &'a Searcher,
        statistics: &'a TermStatistics,
        query: &'a dyn Query,
        kept: &'a KeptTerms,
    ) -> Self {
        Self::with_max_bytes(searcher, statistics, query, kept, usize::MAX / 2)
    }

    fn with_max_bytes(
        searcher: &'a Searcher,
        statistics: &'a TermStatistics,
        query: &'a dyn Query,
        kept: &'a KeptTerms,
        max_bytes: usize,
    ) -> Self {
        Snippets {
            searcher,
            statistics,
            query,
            kept,
            max_bytes,
            fields: HashMap::new(),
        }
    }

    /// The best window of `text` for the terms the query has on the first of `fields`
    /// that matches anything in it.
    fn best(&mut self, text: &str, fields: &[Field]) -> Option<Found> {
        let (searcher, statistics, query) = (self.searcher, self.statistics, self.query);
        let max_bytes = self.max_bytes;
        fields.iter().find_map(|&field| {
            let terms = self
                .fields
                .entry(field)
                .or_insert_with(|| FieldTerms::of(searcher, statistics, query, field));
            terms.as_mut()?.best(text, max_bytes, self.kept)
        })
    }

    /// The best excerpt of `text`, else its beginning, as one line of words; HTML-escaped
    /// but for the `<mark>` tags, with `…` where the text was cut.
    pub fn excerpt(&mut self, text: &str, fields: &[Field]) -> String {
        let found = self.best(text, fields).unwrap_or_else(|| Found {
            window: 0..beginning(text, SNIPPET_BYTES).len(),
            marks: Vec::new(),
        });
        excerpt_html(text, &found)
    }

    /// Where the query's terms are in all of `text`: byte ranges on character boundaries,
    /// sorted, none overlapping another.
    pub fn marks(&mut self, text: &str, fields: &[Field]) -> Vec<Range<usize>> {
        let found = self.best(text, fields).map(|f| f.marks).unwrap_or_default();
        merged(text, &found)
    }
}

/// `marks` (byte ranges, in any order, possibly duplicate or overlapping, possibly past
/// the end) as ranges of `text` that can be marked: sorted, apart, on character
/// boundaries.
fn merged(text: &str, marks: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut done = 0;
    collapse_overlapped_ranges(marks)
        .into_iter()
        .filter_map(|mark| {
            let (from, to) = (
                mark.start.min(text.len()).max(done),
                mark.end.min(text.len()),
            );
            let markable = from < to && text.is_char_boundary(from) && text.is_char_boundary(to);
            markable.then(|| {
                done = to;
                from..to
            })
        })
        .collect()
}

/// `text` escaped, with `marks` in `<mark>` tags; each stretch of text goes through
/// `escape` (which escapes it).
fn marked_html(text: &str, marks: &[Range<usize>], escape: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut done = 0;
    for mark in merged(text, marks) {
        out.push_str(&escape(&text[done..mark.start]));
        out.push_str(MARK_OPEN);
        out.push_str(&escape(&text[mark.clone()]));
        out.push_str(MARK_CLOSE);
        done = mark.end;
    }
    out.push_str(&escape(&text[done..]));
    out
}

/// The window of `found`, widened to whole words, as one line with its marks.
fn excerpt_html(text: &str, found: &Found) -> String {
    let window = whole_words(text, found.window.clone());
    let marks: Vec<Range<usize>> = found
        .marks
        .iter()
        .filter(|m| m.start >= window.start && m.end <= window.end)
        .map(|m| m.start - window.start..m.end - window.start)
        .collect();
    let inner = marked_html(&text[window.clone()], &marks, |part| {
        escape_html(&one_line(part))
    });
    let inner = inner.trim();
    let cut_before = !text[..window.start].trim().is_empty();
    let cut_after = !text[window.end..].trim().is_empty();
    let mut out = String::with_capacity(inner.len() + 8);
    if cut_before {
        out.push_str(ELLIPSIS);
        out.push(' ');
    }
    out.push_str(inner.strip_prefix("- ").unwrap_or(inner));
    if cut_after {
        out.push(' ');
        out.push_str(ELLIPSIS);
    }
    out
}

/// `range` widened so that it neither starts nor ends inside a word.
fn whole_words(text: &str, range: Range<usize>) -> Range<usize> {
    let (mut start, mut end) = (range.start.min(text.len()), range.end.min(text.len()));
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let in_word = |c: char| !c.is_whitespace();
    start = text[..start]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| in_word(c))
        .last()
        .map_or(start, |(i, _)| i);
    end += text[end..]
        .char_indices()
        .take_while(|&(_, c)| in_word(c))
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    start..end
}

/// Lines joined by spaces, and the list dashes the corpus keeps at line starts dropped:
/// an excerpt is read as one sentence.
pub(super) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push(' ');
            // A dash alone is a list item's marker whose words the window cut off.
            if line.trim() != "-" {
                out.push_str(line.strip_prefix("- ").unwrap_or(line));
            }
        } else {
            out.push_str(line);
        }
    }
    if !out.contains("  ") {
        return out;
    }
    let mut spaced = String::with_capacity(out.len());
    for c in out.chars() {
        if !(c == ' ' && spaced.ends_with(' ')) {
            spaced.push(c);
        }
    }
    spaced
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
    // The stretches between the characters to escape are copied whole: those characters
    // are ASCII, so they never fall inside another character's bytes.
    let mut done = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escaped = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.push_str(&text[done..at]);
        out.push_str(escaped);
        done = at + 1;
    }
    out.push_str(&text[done..]);
    out
}

#[cfg(test)]
// Tables of ranges, some with one range: that is the case they test.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    /// Text, the window and marks found, and the excerpt expected.
    type ExcerptRow = (
        &'static str,
        Range<usize>,
        &'static [Range<usize>],
        &'static str,
    );

    #[test]
    fn beginnings_end_on_whole_words_and_characters() {
        assert_eq!(beginning("court", 10), "court");
        assert_eq!(beginning("une évaluation médicale", 12), "une");
        assert_eq!(beginning("éééé", 3), "é");
    }

    #[test]
    fn lines_are_joined_with_single_spaces_and_no_list_dashes() {
        let table = [
            ("un mot", "un mot"),
            ("un  mot   ici", "un mot ici"),
            (" devant et après ", " devant et après "),
            ("Avant.\n\n- un point\n- deux", "Avant. un point deux"),
            ("fin de ligne \n suite", "fin de ligne suite"),
            ("une liste\n-\n- coupée", "une liste coupée"),
            ("- au début", "- au début"),
        ];
        for (text, expected) in table {
            assert_eq!(one_line(text), expected, "{text:?}");
        }
    }

    #[test]
    fn escapes_markup() {
        let table = [
            (
                r#"<script>alert("x")</script> & 'y'"#,
                "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;y&#x27;",
            ),
            ("é<à>ñ&", "é&lt;à&gt;ñ&amp;"),
            ("rien à changer", "rien à changer"),
            ("", ""),
        ];
        for (text, expected) in table {
            assert_eq!(escape_html(text), expected, "{text:?}");
        }
    }

    /// Text, the ranges an analyzer reported, and the HTML expected.
    #[test]
    fn duplicate_and_overlapping_ranges_are_marked_once() {
        let text = "la médico-légale <b>";
        let table: &[(&[Range<usize>], &str)] = &[
            (&[], "la médico-légale &lt;b&gt;"),
            (&[3..18, 3..18], "la <mark>médico-légale</mark> &lt;b&gt;"),
            (
                &[3..18, 3..10, 11..18],
                "la <mark>médico-légale</mark> &lt;b&gt;",
            ),
            (
                &[11..18, 3..10],
                "la <mark>médico</mark>-<mark>légale</mark> &lt;b&gt;",
            ),
            (&[0..2, 1..3], "<mark>la </mark>médico-légale &lt;b&gt;"),
            // Inside a character: not marked rather than cut.
            (&[4..5], "la médico-légale &lt;b&gt;"),
            (&[19..40], "la médico-légale <mark>&lt;b&gt;</mark>"),
        ];
        for (ranges, expected) in table {
            assert_eq!(
                marked_html(text, ranges, escape_html),
                *expected,
                "{ranges:?}"
            );
        }
    }

    #[test]
    fn excerpts_are_one_line_of_whole_words_cut_with_an_ellipsis() {
        let table: &[ExcerptRow] = &[
            (
                "Tout le texte.",
                0..14,
                &[5..7],
                "Tout <mark>le</mark> texte.",
            ),
            (
                "Avant.\n\n- un point\n- une trousse\n\nAprès.",
                10..33,
                &[25..32],
                "… un point une <mark>trousse</mark> …",
            ),
            (
                "- premier point\n- second",
                0..15,
                &[2..9],
                "<mark>premier</mark> point …",
            ),
            ("commencement du milieu", 3..15, &[], "commencement du …"),
            (
                "un mot coupé là",
                4..9,
                &[3..6],
                "… <mark>mot</mark> coupé …",
            ),
        ];
        for (text, window, marks, expected) in table {
            let found = Found {
                window: window.clone(),
                marks: marks.to_vec(),
            };
            assert_eq!(excerpt_html(text, &found), *expected, "{text:?}");
        }
    }
}
