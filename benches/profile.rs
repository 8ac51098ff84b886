//! Where a computed search spends its time, stage by stage, on the shipped corpus, no
//! response cache, each query under each interface language. Two sets of queries:
//! - every judged query of `tests/relevance/` (the tuned set and the blind slices);
//! - a random mix of one to three words drawn from the corpus's words, as
//!   `scripts/load-peers.sh` sends over HTTP (seeded, so the same every run). Its words
//!   often come from several languages, which leaves the language undecided by the words.
//!
//! Prints p50, p99 and the mean of each stage and of the whole search, serialisation
//! included. `cargo bench --bench profile`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use guide_search::corpus::{self, LoadOptions};
use guide_search::eval::{self, SLICES};
use guide_search::language::{Detector, Lang};
use guide_search::search::{Engine, SearchRequest, StageTimes};

/// Measured passes over the queries, after one to warm up.
const PASSES: usize = 3;
/// Queries of the random mix (each run under the three interface languages).
const MIX_QUERIES: usize = 1_000;
/// The random mix's seed.
const MIX_SEED: u64 = 19_585;

/// Stage times, serialisation, whole search.
type Sample = (StageTimes, Duration, Duration);

/// The deployed binary's allocator, so that searches here cost what they cost there.
#[global_allocator]
static ALLOCATOR: guide_search::allocator::Allocator = guide_search::allocator::Allocator;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let detector = Arc::new(Detector::new());
    let dir = tempfile::tempdir().expect("a temporary folder");
    let engine = eval::engine_over(&root.join("corpus"), dir.path(), detector.clone())
        .expect("the shipped corpus indexes and opens");
    let mut judged = Vec::new();
    for (slice, _) in SLICES {
        let path = eval::slice_path(&root.join("tests/relevance"), slice).expect("a slice");
        for query in eval::load_queries(&path).expect("judged queries") {
            judged.push(query.q);
        }
    }
    let corpus = corpus::load(&root.join("corpus"), &LoadOptions::default(), &detector)
        .expect("the shipped corpus loads");
    let mix = random_mix(&eval::mix_words(&corpus.documents));
    for (name, queries) in [("judged queries", &judged), ("random mix", &mix)] {
        let samples = measure(&engine, queries);
        println!(
            "{name}: {} searches ({} queries × 3 interface languages × {PASSES} passes), in µs:\n",
            samples.len(),
            queries.len()
        );
        print_stages(&samples);
        println!();
    }
}

/// `MIX_QUERIES` queries of one to three of `words`, drawn with a xorshift generator.
fn random_mix(words: &[String]) -> Vec<String> {
    let mut state = MIX_SEED;
    let mut next = |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below as u64) as usize
    };
    (0..MIX_QUERIES)
        .map(|_| {
            let length = 1 + next(3);
            let query: Vec<&str> = (0..length)
                .map(|_| words[next(words.len())].as_str())
                .collect();
            query.join(" ")
        })
        .collect()
}

/// Each query under each interface language, one pass to warm up, then `PASSES` timed.
fn measure(engine: &Engine, queries: &[String]) -> Vec<Sample> {
    let requests: Vec<SearchRequest> = (queries.iter())
        .flat_map(|q| {
            Lang::ALL.map(|ui| SearchRequest {
                ui,
                ..SearchRequest::new(q)
            })
        })
        .collect();
    let mut samples = Vec::new();
    for pass in 0..=PASSES {
        for request in &requests {
            let started = Instant::now();
            let (response, times) = engine.search_timed(request).expect("a search");
            let searched = started.elapsed();
            let json = serde_json::to_vec(&response).expect("serialisable");
            std::hint::black_box(json);
            let total = started.elapsed();
            if pass > 0 {
                samples.push((times, total - searched, total));
            }
        }
    }
    samples
}

fn print_stages(samples: &[Sample]) {
    println!("{:<14} {:>8} {:>8} {:>8}", "stage", "p50", "p99", "mean");
    type Stage = (&'static str, fn(&Sample) -> Duration);
    let stages: [Stage; 9] = [
        ("parse", |s| s.0.parse),
        ("language", |s| s.0.language),
        ("query", |s| s.0.query),
        ("collect", |s| s.0.collect),
        ("coverage", |s| s.0.coverage),
        ("rank", |s| s.0.rank),
        ("hits", |s| s.0.hits),
        ("serialise", |s| s.1),
        ("total", |s| s.2),
    ];
    for (name, stage) in stages {
        let mut micros: Vec<f64> = samples
            .iter()
            .map(|s| stage(s).as_nanos() as f64 / 1000.0)
            .collect();
        micros.sort_by(f64::total_cmp);
        let at = |q: f64| micros[((micros.len() - 1) as f64 * q).round() as usize];
        let mean = micros.iter().sum::<f64>() / micros.len() as f64;
        println!("{name:<14} {:>8.1} {:>8.1} {mean:>8.1}", at(0.50), at(0.99));
    }
}
