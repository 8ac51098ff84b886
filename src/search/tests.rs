//! Highlighting cannot fail: arbitrary queries over the shipped corpus's texts, through
//! the document view's marking and the results' excerpts.

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;

use super::snippet::one_line;
use super::{Engine, SearchRequest};
use crate::language::{Detector, Lang};

/// The shipped corpus, indexed once for all cases, and its words.
fn shipped() -> &'static (tempfile::TempDir, Engine, Vec<String>) {
    static SHIPPED: OnceLock<(tempfile::TempDir, Engine, Vec<String>)> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let engine =
            crate::eval::engine_over(&corpus, dir.path(), Arc::new(Detector::new())).unwrap();
        // The words as written, punctuation and all.
        let mut words = std::collections::BTreeSet::new();
        for entry in &engine.manifest().documents {
            let about = &entry.about;
            let document = engine
                .document(&about.doc_type, about.lang, &about.key)
                .unwrap()
                .unwrap();
            for passage in &document.passages {
                words.extend(passage.text.split_whitespace().map(str::to_string));
            }
        }
        let words = words.into_iter().collect();
        (dir, engine, words)
    })
}

/// What the engine keeps of the corpus does not depend on what was searched: when every
/// passage fits in the kept terms, all are kept before the first search (their terms and
/// stored fields), and searches add nothing.
#[test]
fn every_passage_is_kept_before_any_search() {
    let (_, engine, _) = shipped();
    let passages = engine.manifest().passages;
    assert_eq!(
        engine.kept_terms.len(),
        2 * passages,
        "two fields per passage"
    );
    assert_eq!(
        engine.stored.len(),
        passages,
        "every passage read once, for the hits"
    );
    for query in [
        "trousse médicolégale",
        "rape kit",
        "zzqx inconnu",
        "denuncia",
    ] {
        engine.search(&SearchRequest::new(query)).unwrap();
    }
    assert_eq!(engine.kept_terms.len(), 2 * passages);
}

/// The text of highlighted HTML: tags dropped, entities decoded; `None` if the marks are
/// unbalanced or nested.
fn unmarked(html: &str) -> Option<String> {
    let mut open = false;
    let mut text = String::new();
    for (i, part) in html.split("<mark>").enumerate() {
        if i > 0 {
            if open {
                return None;
            }
            open = true;
        }
        let mut pieces = part.split("</mark>");
        text.push_str(pieces.next().unwrap_or_default());
        for piece in pieces {
            if !open {
                return None;
            }
            open = false;
            text.push_str(piece);
        }
    }
    (!open).then(|| {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&amp;", "&")
    })
}

/// A query: arbitrary text, or a few of the corpus's own words in any form.
fn query() -> impl Strategy<Value = String> {
    let words = &shipped().2;
    let word = prop::sample::select(words.clone());
    prop_oneof![
        any::<String>(),
        prop::collection::vec(word.clone(), 1..5).prop_map(|w| w.join(" ")),
        (prop::collection::vec(word, 1..4), "[-·'’ ]{0,2}[a-zé]{0,3}")
            .prop_map(|(w, tail)| format!("{}{tail}", w.join("-"))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every passage of every document, marked for any query, has its marks in order,
    /// apart and on character boundaries; every excerpt of the hits is a stretch of its
    /// passage.
    #[test]
    fn highlighting_any_query_keeps_the_text(q in query(), lang in prop::sample::select(Lang::ALL.to_vec())) {
        let engine = &shipped().1;
        for entry in &engine.manifest().documents {
            let about = &entry.about;
            if about.lang != lang {
                continue;
            }
            let document = engine.document(&about.doc_type, about.lang, &about.key).unwrap().unwrap();
            let marked = engine.highlight(&document.passages, lang, &q);
            for (passage, marks) in document.passages.iter().zip(&marked) {
                let mut done = 0;
                for mark in marks {
                    let text = &passage.text;
                    prop_assert!(done <= mark.start && mark.start < mark.end && mark.end <= text.len(), "{marks:?}");
                    prop_assert!(text.is_char_boundary(mark.start) && text.is_char_boundary(mark.end));
                    done = mark.end;
                }
            }
        }
        let request = SearchRequest { ui: lang, ..SearchRequest::new(q.clone()) };
        let Ok(response) = engine.search(&request) else { return Ok(()) };
        for hit in response.hits {
            let text = unmarked(&hit.snippet);
            prop_assert!(text.is_some(), "unbalanced marks: {}", hit.snippet);
            let text = text.unwrap();
            let excerpt = text.trim_start_matches("… ").trim_end_matches(" …");
            let document = engine.document(&hit.doc_type, hit.lang, &hit.key).unwrap().unwrap();
            let anchor = hit.url.split_once('#').map_or("", |(_, a)| a);
            let passage = document.passages.iter().find(|p| p.anchor == anchor).unwrap();
            let line = one_line(&passage.text);
            prop_assert!(line.contains(excerpt), "{excerpt:?} is not in {line:?}");
            prop_assert!(!excerpt.starts_with("- ") && !excerpt.contains("\n"), "{excerpt:?}");
        }
    }
}

/// Every language searched, French first.
const FRENCH_FIRST: [(Lang, f32); 3] = [(Lang::Fr, 1.0), (Lang::En, 0.7), (Lang::Es, 0.7)];

/// The query for `parsed` and its `alternatives` on the shipped corpus, in `languages`,
/// with `postings` found beforehand and `synonyms` worked out.
fn build_against(
    languages: &[(Lang, f32)],
    parsed: &super::ParsedQuery,
    alternatives: &[super::query::Alternative],
    postings: &super::known_postings::KnownPostings,
    synonyms: &super::query::SynonymForms,
) -> super::query::Built {
    let (_, engine, _) = shipped();
    let share = |field, text: &str| engine.terms.share(field, text);
    let against = super::query::Against {
        fields: &engine.open.fields,
        analyzers: &engine.analyzers,
        share: &share,
        postings,
        synonyms,
    };
    let analysed = engine.analyzers.analyse_words(parsed);
    super::query::build(parsed, &analysed, alternatives, languages, &against, false)
}

/// The synonyms worked out when the engine is made are searched exactly as they would be
/// worked out during a search: the same query, the same coverage of the documents.
#[test]
fn prepared_synonyms_build_the_same_query() {
    let (_, engine, _) = shipped();
    let unprepared = super::query::SynonymForms::default();
    for text in [
        "rape kit",
        "trousse médicolégale délai",
        "morning after pill",
        "mi novio me obligó",
    ] {
        let parsed = super::ParsedQuery::parse(text);
        let corrections = super::expand::Corrections::new(&engine.open.vocabulary);
        let (_, expanded) = engine.query(&parsed, &FRENCH_FIRST, None, &corrections);
        assert!(
            expanded.alternatives.iter().any(|a| a.synonym.is_some()),
            "{text}"
        );
        let built = |synonyms| {
            let alternatives = &expanded.alternatives;
            let built = build_against(
                &FRENCH_FIRST,
                &parsed,
                alternatives,
                &engine.postings,
                synonyms,
            );
            let postings = super::coverage::Postings {
                searcher: &engine.searcher,
                known: &engine.postings,
                terms: &engine.terms,
            };
            let coverage = super::coverage::of(postings, &engine.open.ordinals, &built.words);
            (format!("{:?}", built.query), coverage.unwrap())
        };
        assert_eq!(built(&engine.synonym_forms), built(&unprepared), "{text}");
    }
}

/// Plain words read from the lists found beforehand (a word's fields summed into one
/// list) find the passages, with the scores, that tantivy's queries on each field find
/// (the path of an index too large for the lists).
#[test]
fn known_lists_score_as_the_fields_queries() {
    use tantivy::collector::TopDocs;
    let (_, engine, _) = shipped();
    let none = super::known_postings::KnownPostings::default();
    for text in [
        "consentement",
        "trousse médicolégale délai",
        "what to do after rape",
    ] {
        let parsed = super::ParsedQuery::parse(text);
        let found = |postings| {
            let built = build_against(&FRENCH_FIRST, &parsed, &[], postings, &engine.synonym_forms);
            let top = TopDocs::with_limit(20).order_by_score();
            (engine.searcher)
                .search_with_statistics_provider(&*built.query, &top, &engine.terms)
                .unwrap()
        };
        let (known, computed) = (found(&engine.postings), found(&none));
        assert!(!known.is_empty(), "{text}");
        assert_eq!(known.len(), computed.len(), "{text}");
        for ((a, _), (b, _)) in known.iter().zip(&computed) {
            assert!((a - b).abs() <= 1e-4 * b, "{text}: {a} ≠ {b}");
        }
    }
}

/// A word that only a document's summary has finds that document.
#[test]
fn a_word_only_in_a_summary_finds_its_document() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
    for (key, summary) in [
        ("alpha", "Tout sur les zibelines."),
        ("beta", "Autre chose."),
    ] {
        let path = corpus.join(format!("guide/fr/{key}.md"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = format!("---\ntitle: Titre {key}\nsummary: \"{summary}\"\n---\nUn texte.\n");
        std::fs::write(&path, text).unwrap();
    }
    let engine = crate::eval::engine_over(&corpus, &index, Arc::new(Detector::new())).unwrap();
    let response = engine.search(&SearchRequest::new("zibelines")).unwrap();
    let ids: Vec<&str> = response.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["guide/fr/alpha"]);
}

/// A word the query's own language drops as a stop word is searched in no language:
/// English `its` is not the French acronym `ITS` (stemmed `it`), unless the query is
/// French.
#[test]
fn the_query_languages_stop_words_are_searched_in_no_language() {
    let (_, engine, _) = shipped();
    let parsed = super::ParsedQuery::parse("its");
    let typed = |languages: &[(Lang, f32)]| {
        let built = build_against(
            languages,
            &parsed,
            &[],
            &engine.postings,
            &engine.synonym_forms,
        );
        built.words[0].typed.len() + built.words[0].typed_known.len()
    };
    assert_eq!(
        typed(&[(Lang::En, 1.0), (Lang::Fr, 0.7), (Lang::Es, 0.7)]),
        0
    );
    assert!(typed(&FRENCH_FIRST) > 0);
}

/// Words of the corpus are detected from the answers found when the engine was made, as
/// lingua detects them: a word typed alone exactly, whatever the case or the spaces around
/// it (but for the last bits of a float: lingua sums its languages' figures in no set
/// order); several words, combined, within a few hundredths (over the judged queries whose
/// words are all known: 809 of 812 with lingua's language, half within 0.003).
#[test]
fn known_words_are_detected_as_lingua_detects_them() {
    let (_, engine, _) = shipped();
    assert!(engine.word_detections.contains_key("consentement"));
    const ALONE: f64 = 1e-9;
    const TOGETHER: f64 = 0.03;
    for (text, tolerance) in [
        ("consentement", ALONE),
        ("Consentement", ALONE),
        (" VIOL ", ALONE),
        ("rape", ALONE),
        ("violación", ALONE),
        ("violacion", ALONE),
        ("harcelement sexuel au travail", TOGETHER),
        ("delai pour porter plainte agression sexuelle", TOGETHER),
        (
            "my boyfriend keeps pressuring me for sex until I give in",
            TOGETHER,
        ),
        (
            "Do I have to go to the police to get checked at the hospital?",
            TOGETHER,
        ),
        ("que cuenta como agresion sexual", TOGETHER),
        ("como apoyar a mi pareja que fue violada", TOGETHER),
        ("universidad universidad", TOGETHER),
    ] {
        let (found, lingua) = (engine.detect(text), engine.detector.detect(text));
        assert_eq!(found.best, lingua.best, "{text}");
        let off = (found.confidence - lingua.confidence).abs();
        assert!(
            off < tolerance,
            "{text}: {found:?} against lingua's {lingua:?}"
        );
    }
}

/// A query of one or two words names a whole subject: the overview comes before a section
/// that has its words for a narrower reason (the reactions after an assault).
#[test]
fn a_broad_query_finds_the_overview_first() {
    let (_, engine, _) = shipped();
    for query in ["agresion sexual", "agresión sexual"] {
        let request = SearchRequest {
            ui: Lang::Es,
            ..SearchRequest::new(query)
        };
        let first = &engine.search(&request).unwrap().hits[0];
        assert_eq!(first.id, "guide/es/what-is-sexual-assault", "{query}");
    }
}

/// A French query stays French under another interface, though some of its words are
/// another language's stop words without their accents (`si`: Spanish `sí`) or with their
/// apostrophe dropped (`dont`: English `don't`): as signs of a language, stop words count
/// only as their lists write them.
#[test]
fn french_words_that_are_other_languages_stop_words_keep_a_query_french() {
    let (_, engine, _) = shipped();
    for query in [
        "que faire si agressée",
        "aide dont besoin",
        "plainte si mineure",
    ] {
        for ui in [Lang::En, Lang::Es] {
            let request = SearchRequest {
                ui,
                ..SearchRequest::new(query)
            };
            let response = engine.search(&request).unwrap();
            assert_eq!(
                response.language.detected,
                Some(Lang::Fr),
                "{query} ({ui:?})"
            );
            assert_eq!(response.hits[0].lang, Lang::Fr, "{query} ({ui:?})");
        }
    }
}
