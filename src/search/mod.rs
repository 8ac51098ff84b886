//! The search core shared by the CLI and the HTTP service: validate a request, detect the
//! query's language, query the index, group translations, count facets, cut snippets.

mod cache;
mod collect;
mod expand;
mod query;
mod snippet;
mod suggest;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument};

pub use cache::{Kept, ResponseCache};
pub use query::{MAX_WORDS, ParsedQuery};
pub use snippet::escape_html;
pub use suggest::{Suggestion, Suggestions};

use crate::document::{About, Passage, group_id};
use crate::index::{DocumentEntry, OpenIndex};
use crate::language::{Detection, Detector, Lang};
use collect::{BestPassages, DocMatch};
use query::Analyzers;

/// Longest accepted query, in bytes.
pub const MAX_QUERY_BYTES: usize = 512;
pub const MAX_LIMIT: usize = 50;
pub const DEFAULT_LIMIT: usize = 10;
/// Deepest page: nobody reads past it, and it bounds the work per request.
pub const MAX_OFFSET: usize = 1000;

/// A request a person can get wrong: the message says what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    #[error("{0}")]
    BadRequest(String),
    #[error("search failed: {0}")]
    Internal(String),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(error: tantivy::TantivyError) -> Self {
        SearchError::Internal(error.to_string())
    }
}

/// What to search for, and how.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchRequest {
    pub query: String,
    /// The query's language when the caller knows it; `None` to detect it.
    pub lang: Option<Lang>,
    /// The interface's language: favoured when the query's is unsure.
    pub ui: Lang,
    /// Only documents of this type.
    pub doc_type: Option<String>,
    /// Only documents in this language.
    pub doc_lang: Option<Lang>,
    pub limit: usize,
    pub offset: usize,
    /// One hit per document and its translations (the default), or one per version.
    pub group: bool,
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            lang: None,
            ui: Lang::Fr,
            doc_type: None,
            doc_lang: None,
            limit: DEFAULT_LIMIT,
            offset: 0,
            group: true,
        }
    }
}

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
    pub took_ms: f64,
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

/// An opened index with everything a search needs that does not depend on the query.
pub struct Engine {
    open: OpenIndex,
    searcher: Searcher,
    detector: Arc<Detector>,
    analyzers: Analyzers,
    /// The versions of each document: `<type>/<key>` → positions in the manifest's list.
    versions: HashMap<String, Vec<usize>>,
    titles: suggest::Titles,
    synonyms: crate::synonyms::Matcher,
    responses: ResponseCache,
}

impl Engine {
    pub fn new(open: OpenIndex, detector: Arc<Detector>) -> Engine {
        let mut versions: HashMap<String, Vec<usize>> = HashMap::new();
        for (position, doc) in open.manifest.documents.iter().enumerate() {
            versions
                .entry(doc.about.group())
                .or_default()
                .push(position);
        }
        Engine {
            searcher: open.reader.searcher(),
            titles: suggest::Titles::new(&open.manifest.documents),
            synonyms: crate::synonyms::Matcher::new(&open.synonyms),
            open,
            detector,
            analyzers: Analyzers::default(),
            versions,
            responses: ResponseCache::new(0),
        }
    }

    /// Keeps up to `capacity` recent responses to answer repeated searches from memory
    /// (see [`ResponseCache`] for what that keeps, and how briefly).
    pub fn with_response_cache(mut self, capacity: usize) -> Engine {
        self.responses = ResponseCache::new(capacity);
        self
    }

    /// The response to `request` if one is kept: a lookup, quick enough for async code.
    pub fn kept(&self, request: &SearchRequest) -> Option<Arc<Kept>> {
        self.responses.get(request)
    }

    /// How many responses the cache holds.
    pub fn cached_responses(&self) -> usize {
        self.responses.len()
    }

    /// Forgets the cached responses that have had their time.
    pub fn expire_responses(&self) {
        self.responses.expire();
    }

    pub fn manifest(&self) -> &crate::index::Manifest {
        &self.open.manifest
    }

    /// The name of the index generation this engine reads.
    pub fn generation(&self) -> String {
        let name = self.open.generation.file_name().unwrap_or_default();
        name.to_string_lossy().into_owned()
    }

    /// Checks a request against the limits and this index's types.
    pub fn validate(&self, request: &SearchRequest) -> Result<(), SearchError> {
        let bad = |message: String| Err(SearchError::BadRequest(message));
        if request.query.trim().is_empty() {
            return bad("the query `q` is empty: type a few words".into());
        }
        if request.query.len() > MAX_QUERY_BYTES {
            return bad(format!(
                "the query is {} bytes long; the limit is {MAX_QUERY_BYTES}",
                request.query.len()
            ));
        }
        if !(1..=MAX_LIMIT).contains(&request.limit) {
            return bad(format!("`limit` must be between 1 and {MAX_LIMIT}"));
        }
        if request.offset > MAX_OFFSET {
            return bad(format!("`offset` must be at most {MAX_OFFSET}"));
        }
        if let Some(doc_type) = &request.doc_type
            && !self.open.manifest.types.contains(doc_type)
        {
            return bad(format!(
                "unknown type {doc_type:?}: use one of {}",
                self.open.manifest.types.join(", ")
            ));
        }
        Ok(())
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse, SearchError> {
        let started = Instant::now();
        if let Some(kept) = self.kept(request) {
            return Ok(kept.response(started));
        }
        let response = self.search_index(request, started)?;
        self.responses.insert(request, &response);
        Ok(response)
    }

    fn search_index(
        &self,
        request: &SearchRequest,
        started: Instant,
    ) -> Result<SearchResponse, SearchError> {
        self.validate(request)?;
        let parsed = ParsedQuery::parse(&request.query);
        let detection = match request.lang {
            Some(lang) => Detection {
                best: Some(lang),
                confidence: 1.0,
            },
            None => self.detector.detect(&request.query),
        };
        let languages = weigh_languages(&detection, request.ui);
        let known = |word: &str| self.known(word, &languages);
        let expanded = expand::expand(
            &request.query,
            &parsed,
            &self.open.vocabulary,
            &self.synonyms,
            &known,
        );
        let query = query::build(
            &parsed,
            &expanded.alternatives,
            &languages,
            &self.open.fields,
            &self.analyzers,
        );
        let collector = BestPassages(self.open.ordinals.clone());
        let matches = self.searcher.search(&*query, &collector)?;

        let type_ord = request
            .doc_type
            .as_ref()
            .and_then(|t| self.open.manifest.types.iter().position(|known| known == t))
            .map(|ord| ord as u64);
        let lang_ord = request.doc_lang.map(Lang::ordinal);
        let facets = self.facets(matches.iter(), type_ord, lang_ord, request.group);
        let filtered = matches.into_iter().filter(|m| {
            type_ord.is_none_or(|t| m.type_ord == t) && lang_ord.is_none_or(|l| m.lang_ord == l)
        });
        let preference = preference(detection.sure(), request.ui);
        let ranked = if request.group {
            group(filtered, self.open.ordinals.groups, &preference)
        } else {
            filtered.collect()
        };
        let total = ranked.len();
        let ranked = best_first(ranked, request.offset + request.limit);

        let mut snippets = snippet::Snippets::new(&self.searcher, &*query);
        let hits = ranked
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .map(|m| self.hit(&m, &mut snippets))
            .collect::<Result<Vec<Hit>, SearchError>>()?;
        Ok(SearchResponse {
            query: request.query.clone(),
            language: LanguageReport {
                detected: detection.sure().or(request.lang),
                confidence: detection.confidence,
                searched: languages.iter().map(|(lang, _)| *lang).collect(),
            },
            total,
            hits,
            facets,
            did_you_mean: expanded.did_you_mean,
            took_ms: milliseconds_since(started),
        })
    }

    /// Whether the text of one of `languages` has `word`, as that language analyses it.
    fn known(&self, word: &str, languages: &[(Lang, f32)]) -> bool {
        languages.iter().any(|&(lang, _)| {
            let body = self.open.fields.of(lang).body;
            self.analyzers
                .analyse(Some(lang), word)
                .iter()
                .any(|token| {
                    let term = tantivy::Term::from_field_text(body, &token.text);
                    self.searcher.doc_freq(&term).is_ok_and(|n| n > 0)
                })
        })
    }

    /// Completions of the last word and matching titles, for search-as-you-type.
    pub fn suggest(&self, query: &str, ui: Lang) -> Result<Suggestions, SearchError> {
        validate_query(query)?;
        Ok(suggest::suggest(
            query,
            ui,
            &self.open.vocabulary,
            &self.titles,
        ))
    }

    /// A whole document: its passages in order and its translations; `None` if unknown.
    pub fn document(
        &self,
        doc_type: &str,
        lang: Lang,
        key: &str,
    ) -> Result<Option<DocumentView>, SearchError> {
        let id = crate::document::document_id(doc_type, lang, key);
        let Some(entry) = self.versions(doc_type, key).find(|d| d.about.lang == lang) else {
            return Ok(None);
        };
        let fields = &self.open.fields;
        let query = tantivy::query::TermQuery::new(
            tantivy::Term::from_field_text(fields.doc_id, &id),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let found = self.searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(entry.passages.max(1)).order_by_score(),
        )?;
        let mut passages = Vec::with_capacity(found.len());
        for (_, address) in found {
            let stored: TantivyDocument = self.searcher.doc(address)?;
            let rank = stored
                .get_first(fields.passage)
                .and_then(|v| v.as_u64())
                .unwrap_or_default();
            let text = |field| stored_text(&stored, field);
            passages.push((
                rank,
                Passage {
                    heading: text(fields.heading),
                    anchor: text(fields.anchor),
                    text: text(fields.text),
                },
            ));
        }
        passages.sort_by_key(|(rank, _)| *rank);
        let translations = self
            .versions(doc_type, key)
            .filter(|other| other.about.lang != lang)
            .map(|other| {
                let link = Link {
                    id: other.id.clone(),
                    title: other.about.title.clone(),
                    url: about_url(&other.about),
                };
                (other.about.lang, link)
            })
            .collect();
        Ok(Some(DocumentView {
            id,
            about: entry.about.clone(),
            url: about_url(&entry.about),
            passages: passages.into_iter().map(|(_, p)| p).collect(),
            translations,
        }))
    }

    /// The passages' texts as HTML, escaped, with the terms of `q` (searched in `lang`)
    /// in `<mark>` tags.
    pub fn highlight(&self, passages: &[Passage], lang: Lang, q: &str) -> Vec<String> {
        let languages = [(lang, 1.0)];
        let query: Box<dyn tantivy::query::Query> = if validate_query(q).is_ok() {
            let parsed = ParsedQuery::parse(q);
            let known = |word: &str| self.known(word, &languages);
            let expanded =
                expand::expand(q, &parsed, &self.open.vocabulary, &self.synonyms, &known);
            query::build(
                &parsed,
                &expanded.alternatives,
                &languages,
                &self.open.fields,
                &self.analyzers,
            )
        } else {
            Box::new(tantivy::query::EmptyQuery)
        };
        let mut snippets = snippet::Snippets::whole(&self.searcher, &*query);
        let fields = [self.open.fields.of(lang).body, self.open.fields.names];
        passages
            .iter()
            .map(|p| snippets.mark_all(&p.text, &fields))
            .collect()
    }

    /// Every language version of a document.
    fn versions(&self, doc_type: &str, key: &str) -> impl Iterator<Item = &DocumentEntry> {
        let positions = self.versions.get(&group_id(doc_type, key));
        positions
            .into_iter()
            .flatten()
            .map(|&p| &self.open.manifest.documents[p])
    }

    /// Counts by type are of results as shown (translations grouped or not); counts by
    /// language are of versions in that language.
    fn facets<'a>(
        &self,
        matches: impl Iterator<Item = &'a DocMatch>,
        type_ord: Option<u64>,
        lang_ord: Option<u64>,
        grouped: bool,
    ) -> Facets {
        let mut facets = Facets::default();
        let mut counted = vec![false; self.open.ordinals.groups];
        for m in matches {
            if lang_ord.is_none_or(|l| m.lang_ord == l)
                && (!grouped || !std::mem::replace(&mut counted[m.group_ord as usize], true))
                && let Some(name) = self.open.manifest.types.get(m.type_ord as usize)
            {
                *facets.doc_type.entry(name.clone()).or_default() += 1;
            }
            if type_ord.is_none_or(|t| m.type_ord == t)
                && let Some(lang) = Lang::from_ordinal(m.lang_ord)
            {
                *facets.lang.entry(lang).or_default() += 1;
            }
        }
        facets
    }

    fn hit(&self, found: &DocMatch, snippets: &mut snippet::Snippets) -> Result<Hit, SearchError> {
        let stored: TantivyDocument = self.searcher.doc(found.passage)?;
        let text = |field| stored_text(&stored, field);
        let fields = &self.open.fields;
        let lang = text(fields.lang)
            .parse::<Lang>()
            .map_err(|e| SearchError::Internal(e.to_string()))?;
        let (doc_type, key, anchor) =
            (text(fields.doc_type), text(fields.key), text(fields.anchor));
        let id = crate::document::document_id(&doc_type, lang, &key);
        let translations = self
            .versions(&doc_type, &key)
            .filter(|other| other.about.lang != lang)
            .map(|other| (other.about.lang, other.id.clone()))
            .collect();
        let lang_fields = fields.of(lang);
        Ok(Hit {
            url: document_url(&doc_type, lang, &key, &anchor),
            snippet: snippets.excerpt(&text(fields.text), &[lang_fields.body, fields.names]),
            title: text(fields.title),
            heading: text(fields.heading),
            score: found.score,
            id,
            key,
            doc_type,
            lang,
            translations,
        })
    }
}

/// Milliseconds to the microsecond: `0.004`, not `0.0040160000000000005`.
fn milliseconds_since(started: Instant) -> f64 {
    started.elapsed().as_micros() as f64 / 1000.0
}

/// The query rules shared by search and suggestions.
fn validate_query(query: &str) -> Result<(), SearchError> {
    if query.trim().is_empty() {
        return Err(SearchError::BadRequest(
            "the query `q` is empty: type a few words".into(),
        ));
    }
    if query.len() > MAX_QUERY_BYTES {
        return Err(SearchError::BadRequest(format!(
            "the query is {} bytes long; the limit is {MAX_QUERY_BYTES}",
            query.len()
        )));
    }
    Ok(())
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
fn about_url(about: &About) -> String {
    document_url(&about.doc_type, about.lang, &about.key, "")
}

pub fn document_url(doc_type: &str, lang: Lang, key: &str, anchor: &str) -> String {
    let base = format!("/docs/{doc_type}/{lang}/{key}");
    if anchor.is_empty() {
        base
    } else {
        format!("{base}#{anchor}")
    }
}

fn stored_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Weight of a language the query is less likely to be in, when detection is unsure.
const UNLIKELY_LANGUAGE_WEIGHT: f32 = 0.7;

/// Which languages to search, most likely first, with their weights: only the query's
/// language when it is sure (or given); otherwise all three, favouring the detected
/// language and the interface's.
fn weigh_languages(detection: &Detection, ui: Lang) -> Vec<(Lang, f32)> {
    if let Some(lang) = detection.sure() {
        return vec![(lang, 1.0)];
    }
    preference(detection.best, ui)
        .into_iter()
        .map(|lang| {
            let likely = Some(lang) == detection.best || lang == ui;
            (
                lang,
                if likely {
                    1.0
                } else {
                    UNLIKELY_LANGUAGE_WEIGHT
                },
            )
        })
        .collect()
}

/// The order in which versions of a document are preferred: the query's language when it
/// is sure, the interface's, then French, English, Spanish.
fn preference(query_lang: Option<Lang>, ui: Lang) -> Vec<Lang> {
    let mut order: Vec<Lang> = query_lang
        .into_iter()
        .chain([ui])
        .chain(Lang::ALL)
        .collect();
    let mut seen = Vec::new();
    order.retain(|lang| {
        let first = !seen.contains(lang);
        seen.push(*lang);
        first
    });
    order
}

/// One match per group of translations: the version in the most preferred language,
/// carrying the best score of any version. Group ordinals are below `groups`.
fn group(
    matches: impl Iterator<Item = DocMatch>,
    groups: usize,
    preference: &[Lang],
) -> Vec<DocMatch> {
    let rank = |m: &DocMatch| {
        preference
            .iter()
            .position(|l| l.ordinal() == m.lang_ord)
            .unwrap_or(usize::MAX)
    };
    let mut by_group: Vec<Option<(DocMatch, f32)>> = vec![None; groups];
    for m in matches {
        match &mut by_group[m.group_ord as usize] {
            Some((shown, best)) => {
                *best = best.max(m.score);
                if rank(&m) < rank(shown) {
                    *shown = m;
                }
            }
            empty => *empty = Some((m, m.score)),
        }
    }
    by_group
        .into_iter()
        .flatten()
        .map(|(shown, best)| DocMatch {
            score: best,
            ..shown
        })
        .collect()
}

/// The first `wanted` matches, best score first; ties in document order, so that results
/// are stable. Only those are sorted: a common word can match every document.
fn best_first(mut matches: Vec<DocMatch>, wanted: usize) -> Vec<DocMatch> {
    let order =
        |a: &DocMatch, b: &DocMatch| b.score.total_cmp(&a.score).then(a.doc_ord.cmp(&b.doc_ord));
    if wanted < matches.len() {
        matches.select_nth_unstable_by(wanted, order);
        matches.truncate(wanted);
    }
    matches.sort_by(order);
    matches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preference_starts_with_query_then_interface() {
        assert_eq!(
            preference(Some(Lang::Es), Lang::En),
            [Lang::Es, Lang::En, Lang::Fr]
        );
        assert_eq!(preference(None, Lang::En), [Lang::En, Lang::Fr, Lang::Es]);
        assert_eq!(
            preference(Some(Lang::Fr), Lang::Fr),
            [Lang::Fr, Lang::En, Lang::Es]
        );
    }

    #[test]
    fn unsure_detection_searches_every_language() {
        let unsure = Detection {
            best: Some(Lang::En),
            confidence: 0.5,
        };
        assert_eq!(
            weigh_languages(&unsure, Lang::Fr),
            [
                (Lang::En, 1.0),
                (Lang::Fr, 1.0),
                (Lang::Es, UNLIKELY_LANGUAGE_WEIGHT)
            ]
        );
        let sure = Detection {
            best: Some(Lang::Es),
            confidence: 0.99,
        };
        assert_eq!(weigh_languages(&sure, Lang::Fr), [(Lang::Es, 1.0)]);
    }

    fn doc(doc_ord: u64, group_ord: u64, lang: Lang, score: f32) -> DocMatch {
        DocMatch {
            doc_ord,
            group_ord,
            type_ord: 0,
            lang_ord: lang.ordinal(),
            score,
            passage: tantivy::DocAddress::new(0, doc_ord as u32),
        }
    }

    #[test]
    fn grouping_shows_the_preferred_version_with_the_best_score() {
        let matches = vec![
            doc(0, 7, Lang::Fr, 1.0),
            doc(1, 7, Lang::En, 3.0),
            doc(2, 8, Lang::Es, 2.0),
        ];
        let grouped = best_first(
            group(matches.into_iter(), 9, &[Lang::Fr, Lang::En, Lang::Es]),
            10,
        );
        assert_eq!(
            grouped,
            [
                DocMatch {
                    score: 3.0,
                    ..doc(0, 7, Lang::Fr, 1.0)
                },
                doc(2, 8, Lang::Es, 2.0)
            ]
        );
    }
}
