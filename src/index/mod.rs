//! The index: its schema (`schema`), a build from the corpus (`build`), the generation
//! store that makes builds atomic (`generations`), opening the generation in use (`open`),
//! and what is kept beside each: the manifest (here), the vocabulary (`vocabulary`) and
//! the passages' ordinals read at opening (`ordinals`).

mod build;
mod generations;
mod open;
mod ordinals;
mod schema;
mod vocabulary;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use build::{BuildReport, Progress, build, ensure};
pub use generations::current_generation;
pub use open::{OpenIndex, open};
pub use ordinals::{DocumentOrdinals, Ordinals};
pub use schema::{Fields, LangFields, schema};
pub use vocabulary::{Vocabulary, Word};

use crate::analysis::ANALYSIS_VERSION;
use crate::corpus;
use crate::document::About;
use crate::language::Lang;
use generations::read_manifest;

/// Bump when the schema or what is stored changes; with [`ANALYSIS_VERSION`] it decides
/// whether an index on disk can be used.
pub const FORMAT_VERSION: u32 = 7;

/// What a generation keeps beside its index, besides the manifest.
const VOCABULARY: &str = "vocabulary.json";
const SYNONYMS: &str = "synonyms.json";

/// Why an index could not be built or opened.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The corpus folder could not be read.
    #[error(transparent)]
    Corpus(#[from] corpus::CorpusError),
    /// Every file of the corpus was skipped: the index in use, if any, is kept.
    #[error(
        "nothing to index: no document could be read from the corpus ({skipped} files skipped)"
    )]
    NothingToIndex {
        /// How many files were skipped.
        skipped: usize,
    },
    /// No generation is current in the index folder: it was never built.
    #[error("no index in {}: run `guide-search index` first", .0.display())]
    Missing(PathBuf),
    /// The index in the folder has another format or analysis version: rebuild it.
    #[error("the index in {} was built by another version of guide-search: run `guide-search index` again", .0.display())]
    Incompatible(PathBuf),
    /// A file or folder of the index could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A JSON file kept beside the index (manifest, vocabulary, synonyms) does not parse.
    #[error("invalid index file {}: {source}", path.display())]
    Manifest {
        /// The file.
        path: PathBuf,
        /// What the JSON parser said.
        source: serde_json::Error,
    },
    /// tantivy failed to write, merge or open the index.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What an index was built from, stored beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// The [`FORMAT_VERSION`] it was built with.
    pub format_version: u32,
    /// The [`ANALYSIS_VERSION`] it was built with.
    pub analysis_version: u32,
    /// [`corpus::fingerprint`] of the corpus it was built from.
    pub fingerprint: String,
    /// Seconds since the Unix epoch.
    pub built_at: u64,
    /// How long the build took, in milliseconds.
    pub build_millis: u64,
    /// The size of the passages' headings and texts, in bytes.
    pub text_bytes: u64,
    /// How many passages were indexed: one tantivy document each.
    pub passages: usize,
    /// Type names, indexed by the `type_ord` fast field.
    pub types: Vec<String>,
    /// Every document indexed, in the corpus's order (indexed by the `doc_ord` fast field).
    pub documents: Vec<DocumentEntry>,
    /// The files left out, and a synonyms file that could not be used.
    pub skipped: Vec<SkippedEntry>,
}

/// One indexed document, as listed in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentEntry {
    /// `<type>/<lang>/<key>`.
    pub id: String,
    /// What describes the document, apart from its text.
    #[serde(flatten)]
    pub about: About,
    /// How many passages it has.
    pub passages: usize,
}

/// A file left out of the index, as listed in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SkippedEntry {
    /// The file.
    pub path: String,
    /// Why it was left out, as shown to the editors.
    pub reason: String,
}

impl Manifest {
    /// Documents per type and language, for summaries.
    pub fn counts(&self) -> BTreeMap<(String, Lang), usize> {
        let mut counts = BTreeMap::new();
        for doc in &self.documents {
            *counts
                .entry((doc.about.doc_type.clone(), doc.about.lang))
                .or_default() += 1;
        }
        counts
    }
}

/// Whether the index on disk matches the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Built by this version from the corpus as it is: usable as is.
    Fresh,
    /// There is no index yet.
    Missing,
    /// To rebuild; with the reason, to tell the person.
    Stale(&'static str),
}

/// Whether the index in `index_dir` is usable for the corpus in `corpus_dir`, or needs
/// building.
pub fn freshness(corpus_dir: &Path, index_dir: &Path) -> Result<Freshness, IndexError> {
    let manifest = match current_generation(index_dir) {
        Ok(generation) => read_manifest(&generation)?,
        Err(IndexError::Missing(_)) => return Ok(Freshness::Missing),
        Err(error) => return Err(error),
    };
    Ok(if !compatible(&manifest) {
        Freshness::Stale("built by another version of guide-search")
    } else if manifest.fingerprint != corpus::fingerprint(corpus_dir)? {
        Freshness::Stale("the corpus has changed")
    } else {
        Freshness::Fresh
    })
}

fn compatible(manifest: &Manifest) -> bool {
    manifest.format_version == FORMAT_VERSION && manifest.analysis_version == ANALYSIS_VERSION
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::LoadOptions;
    use crate::language::Detector;
    use generations::BUILDING_PREFIX;

    fn corpus_with(dir: &Path, files: &[(&str, &str)]) {
        for (relative, text) in files {
            let path = dir.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }

    const DOC: (&str, &str) = (
        "guide/fr/consent.md",
        "---\ntitle: Le consentement\n---\n## Définition\nUn accord libre et éclairé.\n",
    );

    fn build_quietly(corpus: &Path, index: &Path) -> Result<BuildReport, IndexError> {
        build(
            corpus,
            index,
            &LoadOptions::default(),
            &Detector::new(),
            &mut (),
        )
    }

    #[test]
    fn a_build_becomes_current_and_fresh_until_the_corpus_changes() {
        let dir = tempfile::tempdir().unwrap();
        let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
        corpus_with(&corpus, &[DOC]);
        assert_eq!(freshness(&corpus, &index).unwrap(), Freshness::Missing);
        let report = build_quietly(&corpus, &index).unwrap();
        assert_eq!(current_generation(&index).unwrap(), report.generation);
        assert_eq!(freshness(&corpus, &index).unwrap(), Freshness::Fresh);
        let opened = open(&index).unwrap();
        assert_eq!(opened.reader.searcher().num_docs(), 1);
        assert_eq!(opened.manifest.documents[0].id, "guide/fr/consent");

        corpus_with(
            &corpus,
            &[("guide/fr/consent.md", "---\ntitle: Autre\n---\nTexte.\n")],
        );
        assert_eq!(
            freshness(&corpus, &index).unwrap(),
            Freshness::Stale("the corpus has changed")
        );
    }

    #[test]
    fn an_interrupted_build_leaves_the_previous_generation_in_use_and_is_cleaned_up() {
        let dir = tempfile::tempdir().unwrap();
        let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
        corpus_with(&corpus, &[DOC]);
        let first = build_quietly(&corpus, &index).unwrap().generation;
        // What a build killed midway leaves: a half-written folder of a dead process.
        let dead = index.join(format!("{BUILDING_PREFIX}000000000000001-999999999"));
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join("meta.json"), "{ half").unwrap();
        std::fs::write(index.join("CURRENT.tmp"), "gen-half").unwrap();
        assert_eq!(current_generation(&index).unwrap(), first);
        assert_eq!(open(&index).unwrap().reader.searcher().num_docs(), 1);

        let second = build_quietly(&corpus, &index).unwrap().generation;
        let third = build_quietly(&corpus, &index).unwrap().generation;
        assert!(!dead.exists());
        assert!(
            !first.exists(),
            "generations older than the previous one are removed"
        );
        assert!(second.exists() && third.exists());
        assert_eq!(current_generation(&index).unwrap(), third);
    }

    #[test]
    fn builds_at_once_into_one_folder_take_turns() {
        let dir = tempfile::tempdir().unwrap();
        let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
        corpus_with(&corpus, &[DOC]);
        std::thread::scope(|scope| {
            let builders: Vec<_> = (0..4)
                .map(|_| {
                    scope.spawn(|| {
                        (0..3)
                            .map(|_| build_quietly(&corpus, &index).map(|_| ()))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for builder in builders {
                for built in builder.join().unwrap() {
                    built.unwrap();
                }
            }
        });
        assert_eq!(open(&index).unwrap().reader.searcher().num_docs(), 1);
        let left: Vec<String> = std::fs::read_dir(&index)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".tmp") || name.starts_with(BUILDING_PREFIX))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn an_empty_corpus_is_an_error_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
        corpus_with(&corpus, &[("guide/fr/empty.md", "")]);
        let error = build_quietly(&corpus, &index).unwrap_err();
        assert!(
            matches!(error, IndexError::NothingToIndex { skipped: 1 }),
            "{error}"
        );
        assert!(matches!(open(&index), Err(IndexError::Missing(_))));
    }
}
