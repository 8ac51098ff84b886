//! What a search and a document view answer: the shapes the API serialises and the
//! pages render.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::document::{About, Passage};
use crate::language::Lang;

/// The answer to a search: one page of hits, with what the page shows around them.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResponse {
    /// The query as typed, to show it back.
    pub query: String,
    /// Which language the query was taken to be in, and which were searched.
    pub language: LanguageReport,
    /// How many hits there are in all pages, after the filters.
    pub total: usize,
    /// This page's hits, best first.
    pub hits: Vec<Hit>,
    /// Counts to refine the search by type or language.
    pub facets: Facets,
    /// The query with its unknown words corrected from the corpus's vocabulary, if any was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
    /// How the query was relaxed to find something, when it found nothing as typed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relaxed: Option<Relaxation>,
    /// When nothing matched: guide sections to start from, in the interface's language.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub starting_points: Vec<Link>,
    /// How long the answer took, in milliseconds; the last field of the JSON.
    pub took_ms: f64,
}

/// The steps by which a query that found nothing is relaxed, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relaxation {
    /// Quoted phrases searched as plain words, and nothing excluded.
    PhrasesAsWords,
    /// Every word also as the beginning of a longer one, and stop words counted too.
    EveryWord,
}

/// What the search made of the query's language.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageReport {
    /// The query's language, when its words and lingua tell it, or the caller said it;
    /// `null` for a query with no language of its own (the interface's is shown).
    pub detected: Option<Lang>,
    /// Lingua's confidence in its best guess, from 0 to 1; 1 when the caller said the
    /// language or the words alone decided it (lingua is then not asked).
    pub confidence: f64,
    /// The languages whose fields were searched, the most likely first.
    pub searched: Vec<Lang>,
}

/// One document found, at its best passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The version shown, `<type>/<lang>/<key>`.
    pub id: String,
    /// Shared by the document's translations.
    pub key: String,
    /// `guide`, `committee`, `partner`…
    #[serde(rename = "type")]
    pub doc_type: String,
    /// The language of the version shown.
    pub lang: Lang,
    /// The document's title, to head the result.
    pub title: String,
    /// Heading of the best passage.
    pub heading: String,
    /// Link to the document view, at the best passage.
    pub url: String,
    /// HTML: escaped text with `<mark>` around matches.
    pub snippet: String,
    /// Relevance, for ordering only: comparable within one response, not across.
    pub score: f32,
    /// The other versions of this document: language → id.
    pub translations: BTreeMap<Lang, String>,
}

/// Matching documents counted by type and by language. Each count applies the other
/// filter but not its own, so that every choice shows what it would give.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    /// Type → matching documents of that type.
    #[serde(rename = "type")]
    pub doc_type: BTreeMap<String, usize>,
    /// Language → matching documents in that language.
    pub lang: BTreeMap<Lang, usize>,
}

/// A whole document, as the document view and `/api/documents` show it.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    /// `<type>/<lang>/<key>`.
    pub id: String,
    /// What describes the document, apart from its text.
    #[serde(flatten)]
    pub about: About,
    /// The document's view on this site.
    pub url: String,
    /// Its text, in order, each passage with its anchor.
    pub passages: Vec<Passage>,
    /// The other versions of this document, by language.
    pub translations: BTreeMap<Lang, Link>,
}

/// Another document, by id, title and link.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// `<type>/<lang>/<key>`.
    pub id: String,
    /// The document's title, as the link's words.
    pub title: String,
    /// The document's view on this site.
    pub url: String,
}

/// The public link of a document's view, at a passage.
pub fn document_url(doc_type: &str, lang: Lang, key: &str, anchor: &str) -> String {
    let base = format!("/docs/{doc_type}/{lang}/{key}");
    if anchor.is_empty() {
        base
    } else {
        format!("{base}#{anchor}")
    }
}
