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
pub const FORMAT_VERSION: u32 = 5;

/// What a generation keeps beside its index, besides the manifest.
const VOCABULARY: &str = "vocabulary.json";
const SYNONYMS: &str = "synonyms.json";

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Corpus(#[from] corpus::CorpusError),
    #[error(
        "nothing to index: no document could be read from the corpus ({skipped} files skipped)"
    )]
    NothingToIndex { skipped: usize },
    #[error("no index in {}: run `guide-search index` first", .0.display())]
    Missing(PathBuf),
    #[error("the index in {} was built by another version of guide-search: run `guide-search index` again", .0.display())]
    Incompatible(PathBuf),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid index file {}: {source}", path.display())]
    Manifest {
        path: PathBuf,
        source: serde_json::Error,
    },
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
    pub format_version: u32,
    pub analysis_version: u32,
    /// [`corpus::fingerprint`] of the corpus it was built from.
    pub fingerprint: String,
    /// Seconds since the Unix epoch.
    pub built_at: u64,
    pub build_millis: u64,
    pub text_bytes: u64,
    pub passages: usize,
    /// Type names, indexed by the `type_ord` fast field.
    pub types: Vec<String>,
    pub documents: Vec<DocumentEntry>,
    pub skipped: Vec<SkippedEntry>,
}

/// One indexed document, as listed in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentEntry {
    pub id: String,
    #[serde(flatten)]
    pub about: About,
    pub passages: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SkippedEntry {
    pub path: String,
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
    Fresh,
    Missing,
    Stale(&'static str),
}

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
