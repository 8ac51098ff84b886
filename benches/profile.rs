//! Where a computed search spends its time, stage by stage: every judged query of
//! `tests/relevance/` (the tuned set and both blind slices) under each interface
//! language, no response cache, on the shipped corpus. Prints p50, p99 and the mean of
//! each stage and of the whole search, serialisation included.
//! `cargo bench --bench profile`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use guide_search::eval::{self, SLICES};
use guide_search::language::{Detector, Lang};
use guide_search::search::{SearchRequest, StageTimes};

/// Measured passes over the queries, after one to warm up.
const PASSES: usize = 3;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let engine = eval::engine_over(&root.join("corpus"), dir.path(), Arc::new(Detector::new()))
        .expect("the shipped corpus indexes and opens");
    let mut requests = Vec::new();
    for (slice, _) in SLICES {
        let path = eval::slice_path(&root.join("tests/relevance"), slice).expect("a slice");
        for query in eval::load_queries(&path).expect("judged queries") {
            for ui in Lang::ALL {
                requests.push(SearchRequest {
                    ui,
                    ..SearchRequest::new(&query.q)
                });
            }
        }
    }
    // Stage times, serialisation, whole search.
    let mut samples: Vec<(StageTimes, Duration, Duration)> = Vec::new();
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
    println!(
        "{} searches ({} queries × 3 interface languages × {PASSES} passes), in µs:\n",
        samples.len(),
        requests.len() / 3
    );
    println!("{:<14} {:>8} {:>8} {:>8}", "stage", "p50", "p99", "mean");
    type Sample = (StageTimes, Duration, Duration);
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
