//! Building the index from the corpus, atomically, and opening it.
//!
//! An index folder holds generations: `gen-<time>-<pid>/`, each a complete tantivy index
//! with a `manifest.json`, and a `CURRENT` file naming the one in use. A build writes into
//! a fresh `.building-<time>-<pid>/` folder, commits, waits for merges, writes the
//! manifest, renames the folder to its generation name and only then replaces `CURRENT`
//! (write a temporary file, then rename it over). A crash or a kill at any point leaves
//! the previous generation in use; leftovers of dead builds and old generations are
//! removed at the start of the next build.

mod ordinals;
mod schema;
mod vocabulary;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

pub use ordinals::{DocumentOrdinals, Ordinals};
pub use schema::{Fields, LangFields, schema};
pub use vocabulary::{Vocabulary, Word};

use crate::analysis::{self, ANALYSIS_VERSION};
use crate::corpus::{self, Corpus, LoadOptions, Skipped};
use crate::document::{About, Document};
use crate::language::{Detector, Lang};
use crate::synonyms::Synonyms;

/// Bump when the schema or what is stored changes; with [`ANALYSIS_VERSION`] it decides
/// whether an index on disk can be used.
pub const FORMAT_VERSION: u32 = 5;

const CURRENT: &str = "CURRENT";
const MANIFEST: &str = "manifest.json";
const VOCABULARY: &str = "vocabulary.json";
const SYNONYMS: &str = "synonyms.json";
const GENERATION_PREFIX: &str = "gen-";
const BUILDING_PREFIX: &str = ".building-";
/// Memory for each of tantivy's indexing threads.
const WRITER_MEMORY_PER_THREAD: usize = 32 * 1024 * 1024;
/// Below this many passages one indexing thread is as fast as two, and a reindex in a
/// long-running server spreads its allocations over fewer malloc arenas (the soak test
/// saw resident memory grow reindex after reindex with more threads). At 100k passages a
/// second thread takes the build from 6.7 s to 4.4 s on two cores.
const PASSAGES_PER_EXTRA_THREAD: usize = 20_000;

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

/// Builds the index when it is missing or stale; says why it did, or `None` when the
/// index on disk was fresh. Either way, what killed builds left behind is removed.
pub fn ensure(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &LoadOptions,
    detector: &Detector,
    progress: &mut dyn Progress,
) -> Result<Option<(&'static str, BuildReport)>, IndexError> {
    let why = match freshness(corpus_dir, index_dir)? {
        Freshness::Fresh => {
            remove_leftovers(index_dir)?;
            return Ok(None);
        }
        Freshness::Missing => "there is no index yet",
        Freshness::Stale(why) => why,
    };
    Ok(Some((
        why,
        build(corpus_dir, index_dir, options, detector, progress)?,
    )))
}

/// Progress of a build, for a progress bar.
pub trait Progress {
    fn documents_read(&mut self, total: usize);
    fn document_indexed(&mut self);
}

/// For callers that do not show progress.
impl Progress for () {
    fn documents_read(&mut self, _: usize) {}
    fn document_indexed(&mut self) {}
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub generation: PathBuf,
    pub manifest: Manifest,
    pub skipped: Vec<Skipped>,
    pub elapsed: Duration,
}

/// Builds a new generation from the corpus and makes it current.
pub fn build(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &LoadOptions,
    detector: &Detector,
    progress: &mut dyn Progress,
) -> Result<BuildReport, IndexError> {
    let started = Instant::now();
    std::fs::create_dir_all(index_dir).map_err(io(index_dir))?;
    remove_leftovers(index_dir)?;
    let fingerprint = corpus::fingerprint(corpus_dir)?;
    let corpus = corpus::load(corpus_dir, options, detector)?;
    if corpus.documents.is_empty() {
        return Err(IndexError::NothingToIndex {
            skipped: corpus.skipped.len(),
        });
    }
    progress.documents_read(corpus.documents.len());

    let name = generation_name();
    let building = index_dir.join(format!("{BUILDING_PREFIX}{name}"));
    std::fs::create_dir(&building).map_err(io(&building))?;
    let (mut manifest, vocabulary) = write_index(&building, &corpus, progress)?;
    manifest.fingerprint = fingerprint;
    manifest.build_millis = started.elapsed().as_millis() as u64;
    // A broken synonyms file is reported like a broken document; the index builds without it.
    let synonyms_path = corpus_dir.join(corpus::SYNONYMS_FILE);
    let synonyms = Synonyms::load(&synonyms_path).unwrap_or_else(|reason| {
        manifest.skipped.push(SkippedEntry {
            path: synonyms_path.display().to_string(),
            reason: format!("invalid synonyms file, not used: {reason}"),
        });
        Synonyms::default()
    });
    write_atomically(
        &building.join(SYNONYMS),
        &serde_json::to_vec(&synonyms).expect("serialisable"),
    )?;
    write_atomically(
        &building.join(VOCABULARY),
        &serde_json::to_vec(&vocabulary).expect("serialisable"),
    )?;
    write_atomically(
        &building.join(MANIFEST),
        &serde_json::to_vec_pretty(&manifest).expect("serialisable"),
    )?;

    let generation = index_dir.join(format!("{GENERATION_PREFIX}{name}"));
    std::fs::rename(&building, &generation).map_err(io(&generation))?;
    sync_dir(index_dir)?;
    let file_name = generation.file_name().expect("a name").to_string_lossy();
    write_atomically(&index_dir.join(CURRENT), file_name.as_bytes())?;
    remove_leftovers(index_dir)?;
    Ok(BuildReport {
        generation,
        manifest,
        skipped: corpus.skipped,
        elapsed: started.elapsed(),
    })
}

/// Writes the index of `corpus` into `dir`; counts the corpus's vocabulary on the way.
fn write_index(
    dir: &Path,
    corpus: &Corpus,
    progress: &mut dyn Progress,
) -> Result<(Manifest, Vocabulary), IndexError> {
    let (schema, fields) = schema::schema();
    let index = Index::create_in_dir(dir, schema)?;
    analysis::register(&index);
    let passage_count: usize = corpus.documents.iter().map(|d| d.passages.len()).sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = (1 + passage_count / PASSAGES_PER_EXTRA_THREAD).min(cores);
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(threads, threads * WRITER_MEMORY_PER_THREAD)?;
    // Every segment is merged into one at the end: merging some of them on the way is
    // work done twice.
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));

    let mut types: Vec<String> = corpus
        .documents
        .iter()
        .map(|d| d.about.doc_type.clone())
        .collect();
    types.sort();
    types.dedup();
    let mut groups: Vec<String> = corpus.documents.iter().map(|d| d.about.group()).collect();
    groups.sort();
    groups.dedup();
    let ordinal = |list: &[String], value: &str| {
        list.binary_search_by(|v| v.as_str().cmp(value))
            .expect("listed") as u64
    };

    let mut text_bytes = 0;
    let mut passages = 0;
    for (doc_ord, document) in corpus.documents.iter().enumerate() {
        let about = &document.about;
        let lang_fields = fields.of(about.lang);
        for (rank, passage) in document.passages.iter().enumerate() {
            let mut doc = TantivyDocument::new();
            doc.add_text(fields.doc_id, document.id());
            doc.add_text(fields.group, about.group());
            doc.add_text(fields.doc_type, &about.doc_type);
            doc.add_text(fields.lang, about.lang.code());
            doc.add_text(fields.key, &about.key);
            doc.add_text(fields.title, &about.title);
            doc.add_text(fields.heading, &passage.heading);
            doc.add_text(fields.anchor, &passage.anchor);
            doc.add_text(fields.text, &passage.text);
            if !passage.links.is_empty() {
                let links = serde_json::to_string(&passage.links).expect("links serialise");
                doc.add_text(fields.links, &links);
            }
            doc.add_u64(fields.passage, rank as u64);
            doc.add_u64(fields.doc_ord, doc_ord as u64);
            doc.add_u64(fields.group_ord, ordinal(&groups, &about.group()));
            doc.add_u64(fields.type_ord, ordinal(&types, &about.doc_type));
            doc.add_u64(fields.lang_ord, about.lang.ordinal());
            doc.add_text(lang_fields.title, &about.title);
            doc.add_text(lang_fields.heading, &passage.heading);
            doc.add_text(lang_fields.body, &passage.text);
            for text in [&about.title, &passage.heading, &passage.text] {
                doc.add_text(fields.names, text);
            }
            writer.add_document(doc)?;
            text_bytes += (passage.heading.len() + passage.text.len()) as u64;
            passages += 1;
        }
        progress.document_indexed();
    }
    writer.commit()?;
    // One segment per generation: it is never written again, and one segment is the
    // fastest to search. The merge runs on one core: the vocabulary is counted on another
    // meanwhile (1M passages: about ten seconds each).
    let segments = index.searchable_segment_ids()?;
    let vocabulary = std::thread::scope(|scope| -> Result<Vocabulary, IndexError> {
        let counting = scope.spawn(|| Vocabulary::of(&corpus.documents));
        if segments.len() > 1 {
            writer.merge(&segments).wait()?;
        }
        writer.wait_merging_threads()?;
        Ok(counting.join().expect("counting words does not panic"))
    })?;
    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        analysis_version: ANALYSIS_VERSION,
        fingerprint: String::new(),
        built_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs(),
        build_millis: 0,
        text_bytes,
        passages,
        types,
        documents: corpus.documents.iter().map(entry).collect(),
        skipped: corpus
            .skipped
            .iter()
            .map(|s| SkippedEntry {
                path: s.path.display().to_string(),
                reason: s.reason.to_string(),
            })
            .collect(),
    };
    Ok((manifest, vocabulary))
}

fn entry(document: &Document) -> DocumentEntry {
    DocumentEntry {
        id: document.id(),
        about: document.about.clone(),
        passages: document.passages.len(),
    }
}

/// A time-ordered, unique name: sorting generations by name sorts them by age.
fn generation_name() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    format!("{millis:015}-{}", std::process::id())
}

/// Writes a file so that readers see either the old content or the new, never a part.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), IndexError> {
    use std::io::Write;
    let temporary = path.with_extension("tmp");
    let mut file = std::fs::File::create(&temporary).map_err(io(&temporary))?;
    file.write_all(bytes).map_err(io(&temporary))?;
    file.sync_all().map_err(io(&temporary))?;
    std::fs::rename(&temporary, path).map_err(io(path))?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Makes renames inside `dir` durable.
fn sync_dir(dir: &Path) -> Result<(), IndexError> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))?;
    Ok(())
}

/// Removes folders of builds whose process is gone, and generations older than the
/// previous one (kept a while for readers that still have it open). Runs before a build,
/// for what a killed build left, and after, for the generation it made old.
fn remove_leftovers(index_dir: &Path) -> Result<(), IndexError> {
    let current = current_generation(index_dir).ok();
    let mut generations = Vec::new();
    for entry in std::fs::read_dir(index_dir).map_err(io(index_dir))? {
        let entry = entry.map_err(io(index_dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(build) = name.strip_prefix(BUILDING_PREFIX) {
            if !process_alive(build) {
                std::fs::remove_dir_all(entry.path()).map_err(io(&entry.path()))?;
            }
        } else if name.starts_with(GENERATION_PREFIX) {
            generations.push(entry.path());
        }
    }
    generations.sort();
    if let Some(current) = &current {
        generations.retain(|g| g != current);
    }
    generations.pop(); // the newest other one stays, as the previous generation
    for old in generations {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    Ok(())
}

/// Whether the process that named a build folder `<time>-<pid>` still runs.
fn process_alive(build_name: &str) -> bool {
    let pid = build_name.rsplit('-').next().unwrap_or_default();
    if pid == std::process::id().to_string() {
        return true;
    }
    if cfg!(target_os = "linux") {
        !pid.is_empty() && Path::new("/proc").join(pid).exists()
    } else {
        false
    }
}

/// The folder of the generation in use.
pub fn current_generation(index_dir: &Path) -> Result<PathBuf, IndexError> {
    let pointer = index_dir.join(CURRENT);
    let name = match std::fs::read_to_string(&pointer) {
        Ok(name) => name,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(IndexError::Missing(index_dir.into()));
        }
        Err(e) => return Err(io(&pointer)(e)),
    };
    let generation = index_dir.join(name.trim());
    if !name.trim().starts_with(GENERATION_PREFIX) || !generation.is_dir() {
        return Err(IndexError::Missing(index_dir.into()));
    }
    Ok(generation)
}

fn read_manifest(generation: &Path) -> Result<Manifest, IndexError> {
    read_json(&generation.join(MANIFEST))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, IndexError> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    serde_json::from_slice(&bytes).map_err(|source| IndexError::Manifest {
        path: path.to_path_buf(),
        source,
    })
}

/// An opened generation, ready to search.
pub struct OpenIndex {
    pub index: Index,
    pub reader: IndexReader,
    /// Read from the reader's segments, which never change (`ReloadPolicy::Manual`).
    pub ordinals: Arc<Ordinals>,
    pub fields: Fields,
    pub manifest: Manifest,
    pub vocabulary: Vocabulary,
    pub synonyms: Synonyms,
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
    analysis::register(&index);
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let ordinals = Arc::new(Ordinals::read(&reader.searcher(), &fields)?);
    Ok(OpenIndex {
        index,
        reader,
        ordinals,
        fields,
        manifest,
        vocabulary: read_json(&generation.join(VOCABULARY))?,
        synonyms: read_json(&generation.join(SYNONYMS))?,
        generation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
