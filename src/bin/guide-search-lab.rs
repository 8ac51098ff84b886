//! `guide-search-lab`: the laboratory's commands, kept out of the product's binary
//! (`cargo run --release --features lab --bin guide-search-lab -- …`, or `cargo lab …`).
//! `eval` measures relevance on judged queries beside two baselines, and query-language
//! detection; `gen-corpus` writes synthetic corpora to measure cost at scale.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use guide_search::corpus::LoadOptions;
use guide_search::eval;
use guide_search::index;
use guide_search::language::Detector;
use guide_search::search::Engine;

/// The laboratory of guide-search: relevance evaluation and synthetic corpora.
#[derive(Parser)]
#[command(version, about)]
struct Lab {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Measure relevance on judged queries, beside SQLite FTS5 and tantivy's defaults.
    Eval {
        /// A judged set of `tests/relevance/`: `tuned` (the queries the weights were tuned
        /// on), `dev`, `dev2`, `dev3` and `dev4` (the blind set's slices to tune on) or `test`
        /// (its frozen slice, the figures to report). All six when neither this nor
        /// `--queries` is given.
        #[arg(long, conflicts_with = "queries")]
        slice: Option<String>,
        /// A file of judged queries instead of a slice.
        #[arg(long)]
        queries: Option<PathBuf>,
        /// Also list each query whose answer is not first: where it came, what came before.
        #[arg(long)]
        misses: bool,
        /// Also measure query-language detection on this folder of test data
        /// (`<lang>/single-words.txt`, `word-pairs.txt`, `sentences.txt`).
        #[arg(long)]
        language_data: Option<PathBuf>,
        /// The corpus folder.
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// The index folder (built first if missing or stale).
        #[arg(long, default_value = "index")]
        index: PathBuf,
    },
    /// Write a synthetic corpus drawn from a real one, to measure cost at scale: its
    /// words (Zipf-distributed), lengths and languages (see docs/performance.md).
    GenCorpus {
        /// How many documents (a third in each language; about five passages each).
        #[arg(long)]
        docs: usize,
        /// A new or empty folder to write into.
        #[arg(long)]
        out: PathBuf,
        /// The corpus to learn from.
        #[arg(long, default_value = "corpus")]
        from: PathBuf,
        /// The same seed writes the same corpus.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    match run(Lab::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(lab: Lab) -> Result<()> {
    match lab.command {
        Command::Eval {
            slice,
            queries,
            misses,
            language_data,
            corpus,
            index,
        } => {
            let detector = Arc::new(Detector::new());
            let options = LoadOptions::default();
            index::ensure(&corpus, &index, &options, &detector, &mut ())?;
            let engine = Engine::new(index::open(&index)?, detector.clone());
            let documents = guide_search::corpus::load(&corpus, &options, &detector)?.documents;
            let fts5 = eval::baselines::Fts5::new(&documents)
                .context("building the SQLite FTS5 baseline")?;
            let tantivy = eval::baselines::TantivyDefault::new(&documents)
                .context("building the tantivy baseline")?;
            let rankers: [&dyn eval::Ranker; 3] = [&engine, &fts5, &tantivy];
            let dir = PathBuf::from("tests/relevance");
            let sets: Vec<PathBuf> = match (queries, slice) {
                (Some(path), _) => vec![path],
                (None, Some(name)) => {
                    vec![eval::slice_path(&dir, &name).with_context(|| {
                        format!("no slice {name:?}: use tuned, dev, dev2, dev3, dev4 or test")
                    })?]
                }
                (None, None) => eval::SLICES
                    .iter()
                    .map(|(_, file)| dir.join(file))
                    .collect(),
            };
            for path in sets {
                let judged = eval::load_queries(&path)?;
                let reports: Vec<_> = rankers
                    .iter()
                    .map(|r| eval::evaluate(*r, &judged))
                    .collect();
                println!(
                    "Relevance on {} judged queries ({}):\n",
                    judged.len(),
                    path.display()
                );
                print!("{}", eval::table(&reports));
                let empty = eval::without_results(&engine, &judged);
                println!("\nQueries without any result: {}", empty.len());
                for query in empty {
                    println!("  {} [{} {}]", query.q, query.lang, query.kind);
                }
                println!("\nUnder an interface in another language:\n");
                print!(
                    "{}",
                    eval::language_table(&eval::language_of_results(&engine, &judged))
                );
                if misses {
                    println!("\nAnswers not first:\n");
                    print!("{}", eval::misses_report(&eval::misses(&engine, &judged)));
                    println!("\nFirst hit in another language than the query's:\n");
                    print!("{}", eval::language_misses(&engine, &judged));
                }
                println!();
            }
            if let Some(dir) = language_data {
                println!(
                    "Query-language detection (lingua, fr/en/es) on {}:\n",
                    dir.display()
                );
                print!(
                    "{}",
                    eval::detection_table(&eval::detection_accuracy(&detector, &dir)?)
                );
            }
            Ok(())
        }
        Command::GenCorpus {
            docs,
            out,
            from,
            seed,
        } => {
            let written = guide_search::synthetic::generate(&from, docs, &out, seed)?;
            eprintln!(
                "Wrote {} documents ({} passages, {:.1} MB) to {}",
                written.documents,
                written.passages,
                written.bytes as f64 / 1e6,
                out.display()
            );
            Ok(())
        }
    }
}
