//! guide-search: multilingual (French, English, Spanish) search over an information guide
//! for people affected by sexual violence, and the committees its organisation sits on.
//!
//! The data flows through one module per stage (see `ARCHITECTURE.md`):
//! [`corpus`] files → [`document`]s → [`analysis`] → [`index`] → [`search`] → the CLI.

pub mod analysis;
pub mod cli;
pub mod corpus;
pub mod document;
pub mod eval;
pub mod index;
pub mod language;
pub mod search;
pub mod server;
pub mod synonyms;
pub mod synthetic;
