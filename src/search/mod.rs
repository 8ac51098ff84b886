//! The search core shared by the CLI and the HTTP service: validate a request
//! (`request`), detect the query's language and build the query (`query`, `expand`),
//! collect each document's best passage (`collect`) and each document's coverage of the
//! typed words (`coverage`), rank and group translations (`rank`),
//! count facets and cut snippets (`engine`, `snippet`, from the terms of the passages
//! shown, kept in `kept_terms`) into a response (`response`); and
//! suggestions while typing (`suggest`), whole documents (`document`) and recent
//! responses kept for repeated searches (`cache`).

mod cache;
mod collect;
mod coverage;
mod document;
mod engine;
mod expand;
mod kept_terms;
mod known_postings;
mod query;
mod rank;
mod request;
mod response;
mod snippet;
mod suggest;
mod term_statistics;

pub use cache::{Kept, ResponseCache};
pub use engine::{Engine, StageTimes};
pub use query::{MAX_WORDS, ParsedQuery};
pub use request::{
    DEFAULT_LIMIT, Invalid, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_BYTES, SearchError, SearchRequest,
    validate_query,
};
pub use response::{DocumentView, Facets, Hit, LanguageReport, Link, SearchResponse, document_url};
pub use snippet::escape_html;
pub use suggest::{Suggestion, Suggestions};

#[cfg(test)]
mod tests;
