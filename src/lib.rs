//! guide-search: multilingual (French, English, Spanish) search over an information guide
//! for people affected by sexual violence, and the committees its organisation sits on.
//!
//! The data flows through one module per stage (see `ARCHITECTURE.md`):
//! [`corpus`] files → [`document`]s → [`analysis`] → [`index`] → [`search`] → the
//! [`server`] and the command line. With the `lab` feature, the laboratory: relevance
//! evaluation (`eval`) and synthetic corpora (`synthetic`).

#![warn(missing_docs)]

pub mod allocator;
pub mod analysis;
pub mod corpus;
pub mod document;
#[cfg(feature = "lab")]
pub mod eval;
pub mod index;
pub mod language;
pub mod search;
pub mod server;
pub mod synonyms;
#[cfg(feature = "lab")]
pub mod synthetic;
