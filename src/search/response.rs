//! What a search and a document view answer: the shapes the API serialises and the
//! pages render.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::document::{About, Passage};
use crate::language::Lang;

#[derive(Debug, Clone, Serialize)]
pub struct SearchResponse {
    pub query: String,
    pub language: LanguageReport,
    pub total: usize,
    pub hits: Vec<Hit>,
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

#[derive(Debug, Clone, Serialize)]
pub struct LanguageReport {
    /// The query's language, when detection is sure or the caller said it.
    pub detected: Option<Lang>,
    pub confidence: f64,
    /// The languages whose fields were searched, the most likely first.
    pub searched: Vec<Lang>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub key: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    pub lang: Lang,
    pub title: String,
    /// Heading of the best passage.
    pub heading: String,
    /// Link to the document view, at the best passage.
    pub url: String,
    /// HTML: escaped text with `<mark>` around matches.
    pub snippet: String,
    pub score: f32,
    /// The other versions of this document: language → id.
    pub translations: BTreeMap<Lang, String>,
}

/// Matching documents counted by type and by language. Each count applies the other
/// filter but not its own, so that every choice shows what it would give.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    #[serde(rename = "type")]
    pub doc_type: BTreeMap<String, usize>,
    pub lang: BTreeMap<Lang, usize>,
}

/// A whole document, as the document view and `/api/documents` show it.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    pub id: String,
    #[serde(flatten)]
    pub about: About,
    pub url: String,
    pub passages: Vec<Passage>,
    pub translations: BTreeMap<Lang, Link>,
}

/// Another document, by id, title and link.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub id: String,
    pub title: String,
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
