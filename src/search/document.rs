//! Whole documents: a document's passages in order with its translations, and its
//! passages highlighted for a query, for the document view.

use std::ops::Range;

use tantivy::TantivyDocument;
use tantivy::schema::Value;

use crate::document::{About, Passage};
use crate::language::Lang;

use super::engine::{Engine, stored_text};
use super::expand::Corrections;
use super::request::{SearchError, validate_query};
use super::response::{DocumentView, Link, document_url};
use super::snippet::Snippets;

impl Engine {
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
                    links: serde_json::from_str(&text(fields.links)).unwrap_or_default(),
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

    /// Where the terms of `q` (searched in `lang`) are in each passage's text: byte
    /// ranges, sorted and apart, to be marked.
    pub fn highlight(&self, passages: &[Passage], lang: Lang, q: &str) -> Vec<Vec<Range<usize>>> {
        let languages = [(lang, 1.0)];
        let query: Box<dyn tantivy::query::Query> = match validate_query(q) {
            Ok(()) => {
                let parsed = crate::search::ParsedQuery::parse(q);
                self.query(
                    &parsed,
                    &languages,
                    None,
                    &Corrections::new(&self.open.vocabulary),
                )
                .0
                .query
            }
            Err(_) => Box::new(tantivy::query::EmptyQuery),
        };
        let mut snippets = Snippets::whole(&self.searcher, &self.terms, &*query, &self.kept_terms);
        let fields = self.excerpt_fields(lang);
        passages
            .iter()
            .map(|p| snippets.marks(&p.text, &fields))
            .collect()
    }
}

/// The public link of a document's view.
fn about_url(about: &About) -> String {
    document_url(&about.doc_type, about.lang, &about.key, "")
}
