//! In-process search latency on the shipped corpus, per kind of query, snippets and facets
//! included, no response cache; a repeated search from the cache; language detection and
//! suggestions on their own. `cargo bench --bench search` (the growth with the corpus is
//! `benches/scale.rs`).

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use guide_search::eval;
use guide_search::language::{Detector, Lang};
use guide_search::search::{Engine, SearchRequest};

/// The deployed binary's allocator, so that searches here cost what they cost there.
#[global_allocator]
static ALLOCATOR: guide_search::allocator::Allocator = guide_search::allocator::Allocator;

/// (kind, query, interface language)
const QUERIES: [(&str, &str, Lang); 8] = [
    ("keywords", "trousse médicolégale", Lang::Fr),
    ("no accents", "trousse medicolegale delai", Lang::Fr),
    (
        "question",
        "how do I file a complaint with the police",
        Lang::En,
    ),
    ("typo", "harcelement sexeul", Lang::Fr),
    ("prefix", "explotación sex", Lang::Es),
    ("phrase", "\"centre désigné\" trousse", Lang::Fr),
    ("acronym", "TACMES", Lang::Fr),
    ("cross-language", "rape kit", Lang::Fr),
];

fn engine() -> (tempfile::TempDir, Engine) {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let engine = eval::engine_over(&corpus, dir.path(), Arc::new(Detector::new()))
        .expect("the shipped corpus indexes and opens");
    (dir, engine)
}

fn search(c: &mut Criterion) {
    let (_dir, engine) = engine();
    let mut group = c.benchmark_group("search");
    for (kind, query, ui) in QUERIES {
        let request = SearchRequest {
            ui,
            ..SearchRequest::new(query)
        };
        group.bench_function(kind, |b| {
            b.iter(|| engine.search(black_box(&request)).expect("a search"))
        });
    }
    group.finish();
    c.bench_function("suggest/trousse médicol", |b| {
        b.iter(|| {
            engine
                .suggest(black_box("trousse médicol"), Lang::Fr)
                .expect("suggestions")
        })
    });
}

/// A repeated search, answered from the response cache (as the server does).
fn repeated_search(c: &mut Criterion) {
    let (_dir, engine) = engine();
    let engine = engine.with_response_cache(100);
    let request = SearchRequest::new("trousse médicolégale");
    c.bench_function("search/keywords, repeated (cache)", |b| {
        b.iter(|| engine.search(black_box(&request)).expect("a search"))
    });
}

fn detection(c: &mut Criterion) {
    let detector = Detector::new();
    let mut group = c.benchmark_group("detect");
    for (kind, text) in [
        ("one word", "consentement"),
        ("question", "comment porter plainte à la police"),
    ] {
        group.bench_function(kind, |b| b.iter(|| detector.detect(black_box(text))));
    }
    group.finish();
}

criterion_group!(benches, search, repeated_search, detection);
criterion_main!(benches);
