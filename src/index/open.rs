//! Opening the current generation: its index, its analyzers, the ordinals' tables, and
//! what was written beside it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::{Index, IndexReader, ReloadPolicy};

use super::generations::{current_generation, read_json, read_manifest};
use super::{
    Fields, IndexError, Manifest, Ordinals, SYNONYMS, VOCABULARY, Vocabulary, compatible, schema,
};
use crate::analysis;
use crate::synonyms::Synonyms;

/// An opened generation, ready to search.
pub struct OpenIndex {
    /// The tantivy index, with the analyzers registered.
    pub index: Index,
    /// The analyzers registered, whose memos of the corpus's words queries read.
    pub analyzers: analysis::IndexAnalyzers,
    /// Never reloaded: a generation does not change once built.
    pub reader: IndexReader,
    /// Read from the reader's segments, which never change (`ReloadPolicy::Manual`).
    pub ordinals: Arc<Ordinals>,
    /// The schema's fields, looked up once.
    pub fields: Fields,
    /// What the index was built from: documents, types, skipped files.
    pub manifest: Manifest,
    /// The corpus's words, for completions and corrections.
    pub vocabulary: Vocabulary,
    /// The synonym groups the index was built with.
    pub synonyms: Synonyms,
    /// The generation's folder.
    pub generation: PathBuf,
}

/// Opens the current generation of `index_dir`.
pub fn open(index_dir: &Path) -> Result<OpenIndex, IndexError> {
    let generation = current_generation(index_dir)?;
    let manifest = read_manifest(&generation)?;
    if !compatible(&manifest) {
        return Err(IndexError::Incompatible(index_dir.into()));
    }
    let index = Index::open_in_dir(&generation)?;
    let fields = schema::fields_of(&index.schema())
        .map_err(|_| IndexError::Incompatible(index_dir.into()))?;
    let analyzers = analysis::register(&index);
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let ordinals = Arc::new(Ordinals::read(&reader.searcher(), &fields)?);
    Ok(OpenIndex {
        index,
        analyzers,
        reader,
        ordinals,
        fields,
        manifest,
        vocabulary: read_json(&generation.join(VOCABULARY))?,
        synonyms: read_json(&generation.join(SYNONYMS))?,
        generation,
    })
}
