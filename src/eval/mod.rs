//! Relevance evaluation, built in: judged queries, nDCG@10, MRR@10 and success@3 per
//! language and per kind of query, for guide-search and for two baselines a small site
//! might use instead; and the accuracy of query-language detection on short inputs.
//!
//! Results are compared by document, whatever the language of the version shown: a
//! French query answered by the French or the English version of the right document
//! finds the right document. Translations of one document count once.

pub mod baselines;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::corpus::LoadOptions;
use crate::document::Document;
use crate::index::{self, IndexError};
use crate::language::{Detector, Lang};
use crate::search::{Engine, SearchRequest};

/// Ranks considered by the metrics.
const DEPTH: usize = 10;

/// A query with the documents a person typing it would want, graded.
#[derive(Debug, Clone, Deserialize)]
pub struct JudgedQuery {
    /// The query as a person would type it.
    pub q: String,
    /// The language the person reads (the interface's) and types in.
    pub lang: Lang,
    /// What the query tests (`question`, `typo`, `acronym`…), to score each kind apart.
    pub kind: String,
    /// Document id → grade. The highest grade given marks the answer (2 in the tuned
    /// set, 3 in the blind one); lower grades are useful documents.
    pub relevant: BTreeMap<String, u8>,
    /// False for a query with no language of its own (an acronym, a name, a number).
    #[serde(default = "yes")]
    pub own_language: bool,
}

fn yes() -> bool {
    true
}

/// The judged sets in `tests/relevance/`: the queries the engine was tuned on, and the
/// blind set's slices (tune on dev, dev2, dev3 and dev4, later rounds written as the earlier
/// ones wore out; report test).
pub const SLICES: [(&str, &str); 6] = [
    ("tuned", "queries.toml"),
    ("dev", "blind-dev.toml"),
    ("dev2", "blind-dev-2.toml"),
    ("dev3", "blind-dev-3.toml"),
    ("dev4", "blind-dev-4.toml"),
    ("test", "blind-test.toml"),
];

/// The file of a slice, under `dir`.
pub fn slice_path(dir: &Path, slice: &str) -> Option<std::path::PathBuf> {
    SLICES
        .iter()
        .find(|(name, _)| *name == slice)
        .map(|(_, file)| dir.join(file))
}

#[derive(Deserialize)]
struct QueryFile {
    query: Vec<JudgedQuery>,
}

/// Why an evaluation's data could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// A queries file is not valid TOML of judged queries.
    #[error("invalid queries file {path}: {message}")]
    Queries {
        /// The file.
        path: String,
        /// What the TOML parser said.
        message: String,
    },
}

/// Reads a file of judged queries (`[[query]]` tables in TOML).
pub fn load_queries(path: &Path) -> Result<Vec<JudgedQuery>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let file: QueryFile = toml::from_str(&text).map_err(|e| EvalError::Queries {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(file.query)
}

/// An engine over `corpus`, its index built into `index_dir` first: what the
/// evaluation, the tests and the benchmarks search.
pub fn engine_over(
    corpus: &Path,
    index_dir: &Path,
    detector: Arc<Detector>,
) -> Result<Engine, IndexError> {
    index::build(
        corpus,
        index_dir,
        &LoadOptions::default(),
        &detector,
        &mut (),
    )?;
    Ok(Engine::new(index::open(index_dir)?, detector))
}

/// The distinct lowercase words of four letters or more of `documents` (titles, headings
/// and texts), sorted: what the random query mix of the benchmarks draws from
/// (`benches/profile.rs` in process, `scripts/load-peers.sh` over HTTP).
pub fn mix_words(documents: &[Document]) -> Vec<String> {
    let mut words = BTreeSet::new();
    for document in documents {
        for passage in &document.passages {
            for text in [&document.about.title, &passage.heading, &passage.text] {
                for word in text.split(|c: char| !c.is_alphabetic()) {
                    if word.chars().count() >= 4 {
                        words.insert(word.to_lowercase());
                    }
                }
            }
        }
    }
    words.into_iter().collect()
}

/// Something that ranks documents for a query: guide-search or a baseline.
pub trait Ranker {
    /// Heads the system's column in the results table.
    fn name(&self) -> &str;
    /// Document ids, best first.
    fn rank(&self, query: &JudgedQuery) -> Vec<String>;
}

impl Ranker for Engine {
    fn name(&self) -> &str {
        "guide-search"
    }

    fn rank(&self, query: &JudgedQuery) -> Vec<String> {
        let request = SearchRequest {
            ui: query.lang,
            limit: DEPTH,
            ..SearchRequest::new(&query.q)
        };
        self.search(&request)
            .map(|response| response.hits.into_iter().map(|hit| hit.id).collect())
            .unwrap_or_default()
    }
}

/// A query whose answer is not first: where the answer is (`None`: not in the first ten)
/// and what came before it, with grades.
#[derive(Debug, Clone)]
pub struct Miss {
    /// The query missed.
    pub query: JudgedQuery,
    /// The answer's rank, from 0, among distinct documents; `None` if not in the first ten.
    pub rank: Option<usize>,
    /// The documents ranked above it (the first three if it is missing), with their grades.
    pub above: Vec<(String, u8)>,
}

/// The queries of `queries` whose answer `ranker` does not put first.
pub fn misses(ranker: &dyn Ranker, queries: &[JudgedQuery]) -> Vec<Miss> {
    let mut found = Vec::new();
    for query in queries {
        let ranked = distinct_documents(&ranker.rank(query));
        let grades = grades_by_document(&query.relevant);
        let grade = |doc: &str| grades.get(doc).copied().unwrap_or(0);
        let answer = query.relevant.values().copied().max().unwrap_or(0);
        let rank = ranked.iter().position(|doc| grade(doc) == answer);
        if rank != Some(0) {
            let above = ranked
                .iter()
                .take(rank.unwrap_or(3).min(DEPTH))
                .map(|doc| (doc.clone(), grade(doc)))
                .collect();
            found.push(Miss {
                query: query.clone(),
                rank,
                above,
            });
        }
    }
    found
}

/// The misses as lines: the query, where its answer came, what came before.
pub fn misses_report(misses: &[Miss]) -> String {
    let mut out = String::new();
    for miss in misses {
        let rank = miss.rank.map_or("not in the first 10".to_string(), |r| {
            format!("answer at {}", r + 1)
        });
        let above: Vec<String> = miss
            .above
            .iter()
            .map(|(doc, grade)| format!("{doc} ({grade})"))
            .collect();
        let _ = writeln!(
            out,
            "{} [{} {}] {rank}; above: {}",
            miss.query.q,
            miss.query.lang,
            miss.query.kind,
            above.join(", ")
        );
    }
    out
}

/// The grade of each document, whatever the language of the version judged.
fn grades_by_document(relevant: &BTreeMap<String, u8>) -> BTreeMap<String, u8> {
    let mut grades: BTreeMap<String, u8> = BTreeMap::new();
    for (id, grade) in relevant {
        let best = grades.entry(document_of(id)).or_default();
        *best = (*best).max(*grade);
    }
    grades
}

/// Documents in order of first appearance, whatever the language of the version shown.
fn distinct_documents(ranked: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    ranked
        .iter()
        .map(|id| document_of(id))
        .filter(|doc| seen.insert(doc.clone()))
        .take(DEPTH)
        .collect()
}

/// Under an interface in another language than the query's, how often the first hit is
/// in the query's language, per query language: (right, runs). Queries with no language
/// of their own (acronyms, names) are counted apart, under `None`.
pub fn language_of_results(
    engine: &Engine,
    queries: &[JudgedQuery],
) -> BTreeMap<Option<Lang>, (usize, usize)> {
    let mut counts: BTreeMap<Option<Lang>, (usize, usize)> = BTreeMap::new();
    for (query, _, right) in first_hit_languages(engine, queries) {
        let count = counts
            .entry(query.own_language.then_some(query.lang))
            .or_default();
        count.0 += usize::from(right);
        count.1 += 1;
    }
    counts
}

/// Each query run under each interface language other than its own: the interface, and
/// whether the first hit is in the query's language.
fn first_hit_languages<'q>(
    engine: &Engine,
    queries: &'q [JudgedQuery],
) -> Vec<(&'q JudgedQuery, Lang, bool)> {
    let mut runs = Vec::new();
    for query in queries {
        for ui in Lang::ALL.into_iter().filter(|ui| *ui != query.lang) {
            let request = SearchRequest {
                ui,
                limit: 1,
                ..SearchRequest::new(&query.q)
            };
            let first = engine
                .search(&request)
                .ok()
                .and_then(|r| r.hits.into_iter().next());
            runs.push((query, ui, first.is_some_and(|hit| hit.lang == query.lang)));
        }
    }
    runs
}

/// The queries of a language of their own whose first hit is in another language under
/// an interface in another language, as lines.
pub fn language_misses(engine: &Engine, queries: &[JudgedQuery]) -> String {
    let mut out = String::new();
    for (query, ui, right) in first_hit_languages(engine, queries) {
        if query.own_language && !right {
            let _ = writeln!(out, "{} [{}] under ui={ui}", query.q, query.lang);
        }
    }
    out
}

/// The queries for which `engine` finds nothing at all.
pub fn without_results<'q>(engine: &Engine, queries: &'q [JudgedQuery]) -> Vec<&'q JudgedQuery> {
    queries
        .iter()
        .filter(|query| {
            let request = SearchRequest {
                ui: query.lang,
                ..SearchRequest::new(&query.q)
            };
            engine.search(&request).is_ok_and(|r| r.total == 0)
        })
        .collect()
}

/// The language measure as lines.
pub fn language_table(counts: &BTreeMap<Option<Lang>, (usize, usize)>) -> String {
    let mut out = String::from("query language       runs  first hit in it\n");
    for (lang, (right, runs)) in counts {
        let name = lang.map_or("(none: names…)".to_string(), |l| l.code().to_string());
        let share = if *runs == 0 {
            0.0
        } else {
            *right as f64 / *runs as f64
        };
        let _ = writeln!(out, "{name:<18} {runs:>6} {share:>16.3}");
    }
    out
}

/// `<type>/<lang>/<key>` → `<type>/<key>`: the document, whatever its language.
fn document_of(id: &str) -> String {
    let mut parts = id.splitn(3, '/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(doc_type), Some(_), Some(key)) => format!("{doc_type}/{key}"),
        _ => id.to_string(),
    }
}

/// Metrics averaged over queries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Scores {
    /// nDCG@10: how well the graded documents are ordered, from 0 to 1.
    pub ndcg: f64,
    /// MRR@10: the mean of 1 / the answer's rank, 0 when it is not in the first ten.
    pub mrr: f64,
    /// The share of queries whose answer is among the first three documents.
    pub success_at_3: f64,
    /// How many queries the averages are over, to merge scores with the right weights.
    pub queries: usize,
}

impl Scores {
    fn add(&mut self, other: &Scores) {
        let n = self.queries as f64;
        let total = n + other.queries as f64;
        let mean = |a: f64, b: f64| (a * n + b * other.queries as f64) / total;
        *self = Scores {
            ndcg: mean(self.ndcg, other.ndcg),
            mrr: mean(self.mrr, other.mrr),
            success_at_3: mean(self.success_at_3, other.success_at_3),
            queries: self.queries + other.queries,
        };
    }
}

/// Scores of one ranking: grades by document, translations counted once.
pub fn score(ranked: &[String], relevant: &BTreeMap<String, u8>) -> Scores {
    let grades = grades_by_document(relevant);
    let shown: Vec<u8> = distinct_documents(ranked)
        .iter()
        .map(|doc| grades.get(doc).copied().unwrap_or(0))
        .collect();
    let gain =
        |grade: u8, rank: usize| (2f64.powi(grade.into()) - 1.0) / (rank as f64 + 2.0).log2();
    let dcg: f64 = shown
        .iter()
        .enumerate()
        .map(|(rank, &g)| gain(g, rank))
        .sum();
    let mut ideal: Vec<u8> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(DEPTH)
        .enumerate()
        .map(|(rank, &g)| gain(g, rank))
        .sum();
    let answer = grades.values().copied().max().unwrap_or(0);
    let first_answer = shown.iter().position(|&g| answer > 0 && g == answer);
    Scores {
        ndcg: if idcg > 0.0 { dcg / idcg } else { 0.0 },
        mrr: first_answer.map_or(0.0, |rank| 1.0 / (rank as f64 + 1.0)),
        success_at_3: if first_answer.is_some_and(|rank| rank < 3) {
            1.0
        } else {
            0.0
        },
        queries: 1,
    }
}

/// One system's scores, overall, per language and per kind.
#[derive(Debug, Clone, Serialize)]
pub struct SystemReport {
    /// The system's [`Ranker::name`].
    pub name: String,
    /// Over all the queries.
    pub overall: Scores,
    /// Per language of the query.
    pub by_lang: BTreeMap<Lang, Scores>,
    /// Per kind of query ([`JudgedQuery::kind`]).
    pub by_kind: BTreeMap<String, Scores>,
}

/// Scores `ranker` on every query of `queries`.
pub fn evaluate(ranker: &dyn Ranker, queries: &[JudgedQuery]) -> SystemReport {
    let mut report = SystemReport {
        name: ranker.name().to_string(),
        overall: Scores::default(),
        by_lang: BTreeMap::new(),
        by_kind: BTreeMap::new(),
    };
    for query in queries {
        let scores = score(&ranker.rank(query), &query.relevant);
        report.overall.add(&scores);
        report.by_lang.entry(query.lang).or_default().add(&scores);
        report
            .by_kind
            .entry(query.kind.clone())
            .or_default()
            .add(&scores);
    }
    report
}

/// The systems side by side: one row per slice, three metrics per system.
pub fn table(reports: &[SystemReport]) -> String {
    let mut out = String::new();
    let _ = write!(out, "{:<20} {:>4}", "slice", "n");
    for report in reports {
        let _ = write!(out, " | {:^23}", report.name);
    }
    let _ = write!(out, "\n{:<20} {:>4}", "", "");
    for _ in reports {
        let _ = write!(out, " | {:>7} {:>7} {:>7}", "nDCG@10", "MRR@10", "S@3");
    }
    out.push('\n');
    let Some(first) = reports.first() else {
        return out;
    };
    let mut rows: Vec<(String, Vec<Scores>)> =
        vec![("all".into(), reports.iter().map(|r| r.overall).collect())];
    for lang in first.by_lang.keys() {
        rows.push((
            format!("lang {lang}"),
            reports.iter().map(|r| r.by_lang[lang]).collect(),
        ));
    }
    for kind in first.by_kind.keys() {
        rows.push((
            format!("kind {kind}"),
            reports.iter().map(|r| r.by_kind[kind]).collect(),
        ));
    }
    for (label, scores) in rows {
        let _ = write!(out, "{label:<20} {:>4}", scores[0].queries);
        for s in scores {
            let _ = write!(
                out,
                " | {:>7.3} {:>7.3} {:>7.3}",
                s.ndcg, s.mrr, s.success_at_3
            );
        }
        out.push('\n');
    }
    out
}

/// Detection accuracy on one file of the language test data.
#[derive(Debug, Clone, Serialize)]
pub struct DetectionRow {
    /// The samples' language, the right answer.
    pub lang: Lang,
    /// The inputs' length: `single-words`, `word-pairs` or `sentences`.
    pub length: String,
    /// The number of samples (non-empty lines) in the file.
    pub samples: usize,
    /// Share of samples whose most likely language is right.
    pub accuracy: f64,
    /// Share of samples detected surely ([`crate::language::SURE`]).
    pub sure: f64,
    /// Share of the surely detected samples whose language is right.
    pub sure_accuracy: f64,
}

/// Measures detection on `dir/<lang>/{single-words,word-pairs,sentences}.txt`.
pub fn detection_accuracy(detector: &Detector, dir: &Path) -> Result<Vec<DetectionRow>, EvalError> {
    let mut rows = Vec::new();
    for lang in Lang::ALL {
        for length in ["single-words", "word-pairs", "sentences"] {
            let path = dir.join(lang.code()).join(format!("{length}.txt"));
            let text = std::fs::read_to_string(&path).map_err(|source| EvalError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let (mut samples, mut right, mut sure, mut sure_right) = (0, 0, 0, 0);
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let detection = detector.detect(line);
                samples += 1;
                right += usize::from(detection.best == Some(lang));
                if let Some(found) = detection.sure() {
                    sure += 1;
                    sure_right += usize::from(found == lang);
                }
            }
            let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
            rows.push(DetectionRow {
                lang,
                length: length.to_string(),
                samples,
                accuracy: share(right, samples),
                sure: share(sure, samples),
                sure_accuracy: share(sure_right, sure),
            });
        }
    }
    Ok(rows)
}

/// The detection measure as lines, one per language and length.
pub fn detection_table(rows: &[DetectionRow]) -> String {
    let mut out = format!(
        "{:<4} {:<14} {:>6} {:>9} {:>7} {:>13}\n",
        "lang", "input", "n", "accuracy", "sure", "sure accuracy"
    );
    for row in rows {
        let _ = writeln!(
            out,
            "{:<4} {:<14} {:>6} {:>9.3} {:>7.3} {:>13.3}",
            row.lang.code(),
            row.length,
            row.samples,
            row.accuracy,
            row.sure,
            row.sure_accuracy
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relevant(pairs: &[(&str, u8)]) -> BTreeMap<String, u8> {
        pairs.iter().map(|(id, g)| (id.to_string(), *g)).collect()
    }

    /// Titles, headings and texts; four letters or more, in lower case, once each, sorted.
    #[test]
    fn the_mix_draws_from_the_corpus_words_of_four_letters_or_more() {
        let document = Document::example("Le kit médico-légal, le KIT: après l'aide.");
        assert_eq!(
            mix_words(&[document]),
            ["aide", "après", "légal", "médico", "titre"]
        );
    }

    #[test]
    fn perfect_and_empty_rankings() {
        let judged = relevant(&[("guide/fr/a", 2), ("guide/fr/b", 1)]);
        let perfect = score(&["guide/fr/a".into(), "guide/fr/b".into()], &judged);
        assert_eq!(
            (perfect.ndcg, perfect.mrr, perfect.success_at_3),
            (1.0, 1.0, 1.0)
        );
        let nothing = score(&[], &judged);
        assert_eq!(
            (nothing.ndcg, nothing.mrr, nothing.success_at_3),
            (0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn another_language_version_counts_and_translations_count_once() {
        let judged = relevant(&[("guide/fr/a", 2)]);
        let shown = [
            "guide/en/b".to_string(),
            "guide/en/b".into(),
            "guide/es/b".into(),
            "guide/en/a".into(),
        ];
        let scores = score(&shown, &judged);
        assert_eq!(scores.mrr, 0.5, "b's versions count once, so a is second");
        assert_eq!(scores.success_at_3, 1.0);
    }

    #[test]
    fn means_weigh_every_query_alike() {
        let mut total = Scores::default();
        total.add(&Scores {
            ndcg: 1.0,
            mrr: 1.0,
            success_at_3: 1.0,
            queries: 1,
        });
        total.add(&Scores {
            ndcg: 0.0,
            mrr: 0.0,
            success_at_3: 0.0,
            queries: 3,
        });
        assert_eq!((total.ndcg, total.queries), (0.25, 4));
    }
}
