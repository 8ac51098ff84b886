//! The relevance evaluation as a test: on each judged set of `tests/relevance/`,
//! guide-search must stay above the floors of `tests/relevance/floor.toml`, ahead of both
//! baselines on every kind of query, and find something for every query; on the blind
//! set, its first hit must be in the query's language under an interface in another. On
//! the test slice, the floors include the relevance issue's targets in each language and
//! for each kind of query (`[test.each]`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use guide_search::corpus::{self, LoadOptions};
use guide_search::eval::{self, Ranker, baselines};
use guide_search::language::{Detector, Lang};

mod common;

#[derive(serde::Deserialize)]
struct Floor {
    ndcg_at_10: f64,
    mrr_at_10: f64,
    success_at_3: BTreeMap<Lang, f64>,
    /// Share of runs whose first hit is in the query's language (queries of a language of
    /// their own, under the two other interfaces), in each language.
    first_hit_in_query_language: Option<f64>,
    /// The targets for the test slice (#14): MRR@10 and nDCG@10 in each language,
    /// MRR@10 for each kind of query, and the share of first hits in the query's language
    /// over all its languages' runs.
    #[serde(default)]
    each: Option<EachFloor>,
}

#[derive(serde::Deserialize)]
struct EachFloor {
    ndcg_at_10_in_each_language: f64,
    mrr_at_10_in_each_language: f64,
    mrr_at_10_in_each_kind: f64,
    first_hit_in_query_language_in_all: f64,
}

#[test]
fn relevance_stays_above_its_floors_and_ahead_of_the_baselines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/relevance");
    let floors: BTreeMap<String, Floor> =
        toml::from_str(&std::fs::read_to_string(root.join("floor.toml")).unwrap()).unwrap();

    let detector = Arc::new(Detector::new());
    let dir = tempfile::tempdir().unwrap();
    let corpus_dir = common::shipped_corpus();
    let engine = eval::engine_over(&corpus_dir, dir.path(), detector.clone()).unwrap();
    let documents = corpus::load(&corpus_dir, &LoadOptions::default(), &detector)
        .unwrap()
        .documents;
    let fts5 = baselines::Fts5::new(&documents).unwrap();
    let tantivy = baselines::TantivyDefault::new(&documents).unwrap();

    for (slice, _) in eval::SLICES {
        let floor = &floors[slice];
        let queries = eval::load_queries(&eval::slice_path(&root, slice).unwrap()).unwrap();
        assert!(queries.len() >= 150, "{slice}: {} queries", queries.len());
        let ours = eval::evaluate(&engine, &queries);
        let others: Vec<_> = [&fts5 as &dyn Ranker, &tantivy]
            .iter()
            .map(|r| eval::evaluate(*r, &queries))
            .collect();
        let table = eval::table(&[&[ours.clone()][..], &others].concat());
        assert!(
            ours.overall.ndcg >= floor.ndcg_at_10,
            "{slice}: nDCG@10 below its floor:\n{table}"
        );
        assert!(
            ours.overall.mrr >= floor.mrr_at_10,
            "{slice}: MRR@10 below its floor:\n{table}"
        );
        for (lang, minimum) in &floor.success_at_3 {
            assert!(
                ours.by_lang[lang].success_at_3 >= *minimum,
                "{slice}: success@3 in {lang} below its floor:\n{table}"
            );
        }
        for (kind, scores) in &ours.by_kind {
            for other in &others {
                assert!(
                    scores.ndcg > other.by_kind[kind].ndcg,
                    "{slice}: {kind}: not ahead of {}:\n{table}",
                    other.name
                );
            }
        }
        // Each query under the two other interfaces: where its first hit is, for the
        // slices with a floor on it.
        let counts = if floor.first_hit_in_query_language.is_some() || floor.each.is_some() {
            eval::language_of_results(&engine, &queries)
        } else {
            Default::default()
        };
        if let Some(each) = &floor.each {
            for (lang, scores) in &ours.by_lang {
                assert!(
                    scores.ndcg >= each.ndcg_at_10_in_each_language
                        && scores.mrr >= each.mrr_at_10_in_each_language,
                    "{slice}: nDCG@10 or MRR@10 in {lang} below its floor:\n{table}"
                );
            }
            for (kind, scores) in &ours.by_kind {
                assert!(
                    scores.mrr >= each.mrr_at_10_in_each_kind,
                    "{slice}: MRR@10 of {kind} queries below its floor:\n{table}"
                );
            }
            let (right, runs) = (counts.iter().filter(|(lang, _)| lang.is_some()))
                .fold((0, 0), |(r, n), (_, (right, runs))| (r + right, n + runs));
            let share = right as f64 / runs as f64;
            assert!(
                share >= each.first_hit_in_query_language_in_all,
                "{slice}: first hit in the query's language {share:.3} in all, below {}:\n{}",
                each.first_hit_in_query_language_in_all,
                eval::language_table(&counts)
            );
        }
        let empty = eval::without_results(&engine, &queries);
        assert!(
            empty.is_empty(),
            "{slice}: no result for {:?}",
            empty.iter().map(|q| &q.q).collect::<Vec<_>>()
        );
        if let Some(minimum) = floor.first_hit_in_query_language {
            for (lang, (right, runs)) in counts.iter().filter(|(lang, _)| lang.is_some()) {
                let share = *right as f64 / *runs as f64;
                assert!(
                    share >= minimum,
                    "{slice}: first hit in the query's language ({lang:?}) {share:.3} < {minimum}:\n{}",
                    eval::language_table(&counts)
                );
            }
        }
    }
}
