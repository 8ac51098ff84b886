//! guide-search: multilingual (French, English, Spanish) search over an information guide
//! for people affected by sexual violence, and the committees its organisation sits on.
//!
//! The data flows through one module per stage (see `ARCHITECTURE.md`):
//! [`corpus`] files → [`document`]s → [`analysis`] → [`index`] → [`search`] → the
//! [`server`] and the command line. With the `lab` feature, the laboratory: relevance
//! evaluation (`eval`) and synthetic corpora (`synthetic`).

#![warn(missing_docs)]

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

/// Every program built on this crate allocates with jemalloc.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read when the process starts: two arenas (two cores), and the
/// memory a reindex frees handed back to the system at once.
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: MallocConf =
    MallocConf(c"narenas:2,dirty_decay_ms:0,muzzy_decay_ms:0".as_ptr());

/// A C string jemalloc reads (`const char *malloc_conf`).
#[repr(transparent)]
struct MallocConf(*const std::ffi::c_char);

// SAFETY: the pointer is to a static string, never written.
unsafe impl Sync for MallocConf {}
