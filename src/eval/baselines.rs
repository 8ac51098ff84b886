//! Two baselines a small site might use instead of guide-search, indexing the same
//! documents whole (title and text): SQLite FTS5 with accent-insensitive tokens and BM25,
//! and tantivy with its default tokenizer and query parser.

use rusqlite::Connection;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{STORED, STRING, Schema, TEXT, Value};
use tantivy::{Index, TantivyDocument};

use super::{DEPTH, JudgedQuery, Ranker};
use crate::document::Document;

/// How many documents a baseline returns: enough for translations to be skipped.
const FETCH: usize = DEPTH * 3;

/// SQLite FTS5, `unicode61 remove_diacritics 2`, ranked by BM25; any query word may match.
pub struct Fts5 {
    connection: Connection,
}

impl Fts5 {
    /// Indexes `documents` in an in-memory database.
    pub fn new(documents: &[Document]) -> rusqlite::Result<Fts5> {
        let connection = Connection::open_in_memory()?;
        connection.execute_batch(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2');",
        )?;
        for document in documents {
            connection.execute(
                "INSERT INTO docs (id, title, body) VALUES (?1, ?2, ?3)",
                (document.id(), &document.about.title, document.full_text()),
            )?;
        }
        Ok(Fts5 { connection })
    }
}

impl Ranker for Fts5 {
    fn name(&self) -> &str {
        "SQLite FTS5"
    }

    fn rank(&self, query: &JudgedQuery) -> Vec<String> {
        // Each word quoted (FTS5 syntax is not for visitors), any of them may match.
        let words: Vec<String> = query
            .q
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{w}\""))
            .collect();
        if words.is_empty() {
            return Vec::new();
        }
        let run = || -> rusqlite::Result<Vec<String>> {
            let mut statement = self.connection.prepare_cached(
                "SELECT id FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs) LIMIT ?2",
            )?;
            let rows = statement.query_map((words.join(" OR "), FETCH as i64), |row| row.get(0))?;
            rows.collect()
        };
        run().unwrap_or_default()
    }
}

/// tantivy out of the box: the default tokenizer (no stemming, no folding), the query
/// parser over title and text, any word may match.
pub struct TantivyDefault {
    index: Index,
    parser: QueryParser,
    id: tantivy::schema::Field,
}

impl TantivyDefault {
    /// Indexes `documents` in an in-memory index.
    pub fn new(documents: &[Document]) -> tantivy::Result<TantivyDefault> {
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STRING | STORED);
        let title = builder.add_text_field("title", TEXT);
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer::<TantivyDocument>(15_000_000)?;
        for document in documents {
            let mut doc = TantivyDocument::new();
            doc.add_text(id, document.id());
            doc.add_text(title, &document.about.title);
            doc.add_text(body, document.full_text());
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let parser = QueryParser::for_index(&index, vec![title, body]);
        Ok(TantivyDefault { index, parser, id })
    }
}

impl Ranker for TantivyDefault {
    fn name(&self) -> &str {
        "tantivy default"
    }

    fn rank(&self, query: &JudgedQuery) -> Vec<String> {
        let (parsed, _) = self.parser.parse_query_lenient(&query.q);
        let Ok(reader) = self.index.reader() else {
            return Vec::new();
        };
        let searcher = reader.searcher();
        let Ok(found) = searcher.search(&parsed, &TopDocs::with_limit(FETCH).order_by_score())
        else {
            return Vec::new();
        };
        found
            .into_iter()
            .filter_map(|(_, address)| {
                let doc: TantivyDocument = searcher.doc(address).ok()?;
                Some(doc.get_first(self.id)?.as_str()?.to_string())
            })
            .collect()
    }
}
