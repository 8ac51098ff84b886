//! What a search asks for, and the one place that checks it against the limits.

use crate::language::Lang;

/// Longest accepted query, in bytes.
pub const MAX_QUERY_BYTES: usize = 512;
/// Most hits on one page, to bound the work and the response per request.
pub const MAX_LIMIT: usize = 50;
/// Hits on a page when the request does not say.
pub const DEFAULT_LIMIT: usize = 10;
/// Deepest page: nobody reads past it, and it bounds the work per request.
pub const MAX_OFFSET: usize = 1000;

/// A search that could not be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// The request is at fault: the message says what to change.
    #[error("{0}")]
    BadRequest(#[from] Invalid),
    /// The index is: the detail is for the log, not for the person searching.
    #[error("search failed: {0}")]
    Internal(String),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(error: tantivy::TantivyError) -> Self {
        SearchError::Internal(error.to_string())
    }
}

/// What is wrong with a request, in words that say what is allowed. The pages show each
/// case in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// Nothing but whitespace to search for.
    #[error("the query `q` is empty: type a few words")]
    EmptyQuery,
    /// Over [`MAX_QUERY_BYTES`]; with the query's length in bytes.
    #[error("the query is {0} bytes long; the limit is {MAX_QUERY_BYTES}")]
    QueryTooLong(usize),
    /// A page of no hits, or of more than [`MAX_LIMIT`].
    #[error("`limit` must be between 1 and {MAX_LIMIT}")]
    Limit,
    /// A page deeper than [`MAX_OFFSET`].
    #[error("`offset` must be at most {MAX_OFFSET}")]
    Offset,
    /// A type filter naming no type of the index.
    #[error("unknown type {given:?}: use one of {known}")]
    UnknownType {
        /// The type asked for.
        given: String,
        /// The index's types, comma-separated, to choose from.
        known: String,
    },
    /// A parameter that could not be read as what it must be (a language, a number…).
    #[error("{0}")]
    Parameter(String),
}

/// What to search for, and how.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchRequest {
    /// What the person typed, in the lenient query syntax.
    pub query: String,
    /// The query's language when the caller knows it; `None` to detect it.
    pub lang: Option<Lang>,
    /// The interface's language: favoured when the query's is unsure.
    pub ui: Lang,
    /// Only documents of this type.
    pub doc_type: Option<String>,
    /// Only documents in this language.
    pub doc_lang: Option<Lang>,
    /// Hits per page, 1 to [`MAX_LIMIT`].
    pub limit: usize,
    /// Hits to skip, for the following pages; at most [`MAX_OFFSET`].
    pub offset: usize,
    /// One hit per document and its translations (the default), or one per version.
    pub group: bool,
}

impl SearchRequest {
    /// A search for `query` with the defaults: language detected, French interface, no
    /// filter, the first page, translations grouped.
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

    /// Checks the request against the limits and the index's document `types`.
    pub fn validate(&self, types: &[String]) -> Result<(), Invalid> {
        validate_query(&self.query)?;
        if !(1..=MAX_LIMIT).contains(&self.limit) {
            return Err(Invalid::Limit);
        }
        if self.offset > MAX_OFFSET {
            return Err(Invalid::Offset);
        }
        if let Some(doc_type) = &self.doc_type
            && !types.contains(doc_type)
        {
            return Err(Invalid::UnknownType {
                given: doc_type.clone(),
                known: types.join(", "),
            });
        }
        Ok(())
    }
}

/// The rules for what a person typed, shared by searches, suggestions and highlighting.
pub fn validate_query(query: &str) -> Result<(), Invalid> {
    if query.trim().is_empty() {
        return Err(Invalid::EmptyQuery);
    }
    if query.len() > MAX_QUERY_BYTES {
        return Err(Invalid::QueryTooLong(query.len()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_outside_the_limits_say_what_is_wrong() {
        let types = ["guide".to_string()];
        let table: &[(SearchRequest, Option<Invalid>)] = &[
            (SearchRequest::new("aide"), None),
            (SearchRequest::new(" \t"), Some(Invalid::EmptyQuery)),
            (
                SearchRequest::new("a".repeat(513)),
                Some(Invalid::QueryTooLong(513)),
            ),
            (
                SearchRequest {
                    limit: 0,
                    ..SearchRequest::new("aide")
                },
                Some(Invalid::Limit),
            ),
            (
                SearchRequest {
                    offset: MAX_OFFSET + 1,
                    ..SearchRequest::new("aide")
                },
                Some(Invalid::Offset),
            ),
            (
                SearchRequest {
                    doc_type: Some("nope".into()),
                    ..SearchRequest::new("aide")
                },
                Some(Invalid::UnknownType {
                    given: "nope".into(),
                    known: "guide".into(),
                }),
            ),
        ];
        for (request, expected) in table {
            assert_eq!(request.validate(&types).err(), *expected, "{request:?}");
        }
    }
}
