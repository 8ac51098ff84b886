//! The relevance evaluation as a test: guide-search on the judged queries must stay above
//! the floors recorded in `tests/relevance/floor.toml`, and ahead of both baselines on
//! every kind of query.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use guide_search::corpus::{self, LoadOptions};
use guide_search::eval::{self, Ranker, baselines};
use guide_search::index;
use guide_search::language::{Detector, Lang};
use guide_search::search::Engine;

mod common;

#[derive(serde::Deserialize)]
struct Floor {
    ndcg_at_10: f64,
    mrr_at_10: f64,
    success_at_3: BTreeMap<Lang, f64>,
}

#[test]
fn relevance_stays_above_its_floor_and_ahead_of_the_baselines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/relevance");
    let floor: Floor =
        toml::from_str(&std::fs::read_to_string(root.join("floor.toml")).unwrap()).unwrap();
    let queries = eval::load_queries(&root.join("queries.toml")).unwrap();
    assert!(queries.len() >= 150);

    let detector = Arc::new(Detector::new());
    let dir = tempfile::tempdir().unwrap();
    let corpus_dir = common::shipped_corpus();
    index::build(
        &corpus_dir,
        dir.path(),
        &LoadOptions::default(),
        &detector,
        &mut (),
    )
    .unwrap();
    let engine = Engine::new(index::open(dir.path()).unwrap(), detector.clone());
    let documents = corpus::load(&corpus_dir, &LoadOptions::default(), &detector)
        .unwrap()
        .documents;
    let fts5 = baselines::Fts5::new(&documents).unwrap();
    let tantivy = baselines::TantivyDefault::new(&documents).unwrap();

    let ours = eval::evaluate(&engine, &queries);
    let others: Vec<_> = [&fts5 as &dyn Ranker, &tantivy]
        .iter()
        .map(|r| eval::evaluate(*r, &queries))
        .collect();
    let table = eval::table(&[&[ours.clone()][..], &others].concat());

    assert!(
        ours.overall.ndcg >= floor.ndcg_at_10,
        "nDCG@10 below its floor:\n{table}"
    );
    assert!(
        ours.overall.mrr >= floor.mrr_at_10,
        "MRR@10 below its floor:\n{table}"
    );
    for (lang, minimum) in &floor.success_at_3 {
        assert!(
            ours.by_lang[lang].success_at_3 >= *minimum,
            "success@3 in {lang} below its floor:\n{table}"
        );
    }
    for (kind, scores) in &ours.by_kind {
        for other in &others {
            assert!(
                scores.ndcg > other.by_kind[kind].ndcg,
                "{kind}: not ahead of {}:\n{table}",
                other.name
            );
        }
    }
}
