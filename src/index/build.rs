//! Building a generation from the corpus: one tantivy document per passage, one segment,
//! the manifest, the vocabulary and the synonyms beside it; then made current.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tantivy::{Index, TantivyDocument};

use super::generations::{self, MANIFEST, remove_leftovers, write_atomically};
use super::{
    DocumentEntry, FORMAT_VERSION, Freshness, IndexError, Manifest, SYNONYMS, SkippedEntry,
    VOCABULARY, Vocabulary, freshness, schema,
};
use crate::analysis::{self, ANALYSIS_VERSION};
use crate::corpus::{self, Corpus, LoadOptions, Skipped};
use crate::document::Document;
use crate::language::Detector;
use crate::synonyms::Synonyms;

/// Memory for each of tantivy's indexing threads.
const WRITER_MEMORY_PER_THREAD: usize = 32 * 1024 * 1024;
/// Below this many passages one indexing thread is as fast as two, and a reindex in a
/// long-running server spreads its allocations over fewer malloc arenas (the soak test
/// saw resident memory grow reindex after reindex with more threads). At 100k passages a
/// second thread takes the build from 6.7 s to 4.4 s on two cores.
const PASSAGES_PER_EXTRA_THREAD: usize = 20_000;

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
    /// The corpus has been read: `total` documents are to be indexed.
    fn documents_read(&mut self, total: usize);
    /// One more document is indexed.
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
    /// The new generation's folder, now current.
    pub generation: PathBuf,
    /// What the new generation was built from, as written beside it.
    pub manifest: Manifest,
    /// The corpus's files left out, with their reasons.
    pub skipped: Vec<Skipped>,
    /// How long the whole build took.
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
    let _locked = generations::lock(index_dir)?;
    remove_leftovers(index_dir)?;
    let fingerprint = corpus::fingerprint(corpus_dir)?;
    let corpus = corpus::load(corpus_dir, options, detector)?;
    checkpoint("corpus-read");
    if corpus.documents.is_empty() {
        return Err(IndexError::NothingToIndex {
            skipped: corpus.skipped.len(),
        });
    }
    progress.documents_read(corpus.documents.len());

    let (building, generation) = generations::new_build(index_dir)?;
    // A broken synonyms file is reported like a broken document; the index builds without it.
    let synonyms_path = corpus_dir.join(corpus::SYNONYMS_FILE);
    let (synonyms, synonyms_error) = match Synonyms::load(&synonyms_path) {
        Ok(synonyms) => (synonyms, None),
        Err(reason) => (Synonyms::default(), Some(reason)),
    };
    let (mut manifest, vocabulary) = write_index(&building, &corpus, &synonyms, progress)?;
    manifest.fingerprint = fingerprint;
    manifest.build_millis = started.elapsed().as_millis() as u64;
    if let Some(reason) = synonyms_error {
        manifest.skipped.push(SkippedEntry {
            path: synonyms_path.display().to_string(),
            reason: format!("invalid synonyms file, not used: {reason}"),
        });
    }
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
    checkpoint("manifest-written");
    generations::make_current(index_dir, &building, &generation)?;
    checkpoint("current");
    remove_leftovers(index_dir)?;
    Ok(BuildReport {
        generation,
        manifest,
        skipped: corpus.skipped,
        elapsed: started.elapsed(),
    })
}

/// Writes the index of `corpus` into `dir`; counts the corpus's vocabulary (and the
/// synonyms' words) on the way.
fn write_index(
    dir: &Path,
    corpus: &Corpus,
    synonyms: &Synonyms,
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
            if let Some(summary) = &about.summary {
                doc.add_text(lang_fields.summary, summary);
            }
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
    checkpoint("segments-written");
    // One segment per generation: it is never written again, and one segment is the
    // fastest to search. The merge runs on one core: the vocabulary is counted on another
    // meanwhile (1M passages: about ten seconds each).
    let segments = index.searchable_segment_ids()?;
    let vocabulary = std::thread::scope(|scope| -> Result<Vocabulary, IndexError> {
        let counting = scope.spawn(|| Vocabulary::of(&corpus.documents, synonyms.terms()));
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

/// Where a build stands, for the crash tests: with the `lab` feature, a build whose
/// `GUIDE_SEARCH_STOP_AT` names this point says so on stderr and waits there to be killed.
/// Without it (the product), nothing.
pub(super) fn checkpoint(point: &str) {
    #[cfg(feature = "lab")]
    if std::env::var("GUIDE_SEARCH_STOP_AT").is_ok_and(|at| at == point) {
        eprintln!("stopped at {point}");
        loop {
            std::thread::park();
        }
    }
    #[cfg(not(feature = "lab"))]
    let _ = point;
}
