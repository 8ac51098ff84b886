//! The phrases of the synonym groups, found once: for each multiword term of a group
//! (`morning-after pill`, `trousse médico-légale`), on each field a query searches it in,
//! the passages that have it with the score tantivy's phrase query gives them.
//!
//! A query's synonyms bring in dozens of such phrases, and a phrase query is the dearest
//! clause to start (the postings and positions of every word, on every search); the
//! synonym groups are known before any search, so their phrases are found when the
//! engine is made, and a search reads their passages from a list. What is kept comes
//! from the organisation's synonyms and the index alone: it never depends on a search.
//! An index of more than [`MAX_PASSAGES`] passages (finding every phrase would delay its
//! start by seconds) finds none beforehand, and past [`MAX_KEPT_MATCHES`] the remaining
//! phrases are not kept: those are searched as phrases.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::index::SegmentId;
use tantivy::query::{
    Bm25StatisticsProvider, EnableScoring, Explanation, PhraseQuery, Query, Scorer, Weight,
};
use tantivy::schema::Field;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

/// The most passages kept, all phrases together (8 bytes each): 8 MB.
pub const MAX_KEPT_MATCHES: usize = 1_000_000;

/// The largest index whose phrases are found beforehand. The shipped corpus has 442
/// passages, and its 3,063 phrases (with duplicates) take 7 ms to find.
pub const MAX_PASSAGES: u64 = 20_000;

/// A phrase on one field: its terms' texts, each with its position from the first.
pub type Phrase = (Field, Vec<(usize, String)>);

/// The phrases found, each with its passages and their scores.
#[derive(Default)]
pub struct KnownPhrases {
    phrases: FxHashMap<Phrase, Arc<Matches>>,
}

/// A phrase's passages in one segment, in order, with their scores (boost 1).
type SegmentMatches = Arc<[(DocId, Score)]>;

/// A phrase's passages in each segment.
#[derive(Debug)]
struct Matches {
    by_segment: Vec<(SegmentId, SegmentMatches)>,
}

impl KnownPhrases {
    /// Finds each of `phrases` (scored with `statistics`, as searches are), until
    /// [`MAX_KEPT_MATCHES`] passages are kept; none in an index of more than
    /// [`MAX_PASSAGES`] passages. A phrase that cannot be searched is left to be searched
    /// as a phrase.
    pub fn find(
        searcher: &Searcher,
        statistics: &dyn Bm25StatisticsProvider,
        phrases: impl IntoIterator<Item = Phrase>,
    ) -> KnownPhrases {
        Self::find_within(searcher, statistics, phrases, MAX_KEPT_MATCHES)
    }

    fn find_within(
        searcher: &Searcher,
        statistics: &dyn Bm25StatisticsProvider,
        phrases: impl IntoIterator<Item = Phrase>,
        max_kept: usize,
    ) -> KnownPhrases {
        let mut known = KnownPhrases::default();
        if searcher.num_docs() > MAX_PASSAGES {
            return known;
        }
        let mut kept = 0;
        for phrase in phrases {
            if phrase.1.len() < 2 || known.phrases.contains_key(&phrase) {
                continue;
            }
            let Ok(matches) = search(searcher, statistics, &phrase) else {
                continue;
            };
            kept += (matches.by_segment.iter())
                .map(|(_, m)| m.len())
                .sum::<usize>();
            if kept > max_kept {
                break;
            }
            known.phrases.insert(phrase, Arc::new(matches));
        }
        known
    }

    /// The query for `phrase` if it was found, scoring as its phrase query would.
    pub fn query(&self, phrase: &Phrase) -> Option<Box<dyn Query>> {
        let matches = self.phrases.get(phrase)?;
        let (field, positioned) = phrase;
        Some(Box::new(KnownPhraseQuery {
            terms: (positioned.iter())
                .map(|(_, text)| Term::from_field_text(*field, text))
                .collect(),
            matches: matches.clone(),
        }))
    }
}

/// The phrase query's passages and scores in every segment.
fn search(
    searcher: &Searcher,
    statistics: &dyn Bm25StatisticsProvider,
    (field, positioned): &Phrase,
) -> tantivy::Result<Matches> {
    let terms = (positioned.iter())
        .map(|(at, text)| (*at, Term::from_field_text(*field, text)))
        .collect();
    let scoring = EnableScoring::enabled_from_statistics_provider(statistics, searcher);
    let weight = PhraseQuery::new_with_offset(terms).weight(scoring)?;
    let mut by_segment = Vec::new();
    for reader in searcher.segment_readers() {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut found = Vec::new();
        while scorer.doc() != TERMINATED {
            found.push((scorer.doc(), scorer.score()));
            scorer.advance();
        }
        by_segment.push((reader.segment_id(), found.into()));
    }
    Ok(Matches { by_segment })
}

/// A phrase whose passages were found beforehand.
#[derive(Clone, Debug)]
struct KnownPhraseQuery {
    /// Its terms, for the excerpts that mark them.
    terms: Vec<Term>,
    matches: Arc<Matches>,
}

impl Query for KnownPhraseQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(KnownPhraseWeight(self.matches.clone())))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in &self.terms {
            visitor(term, true);
        }
    }
}

struct KnownPhraseWeight(Arc<Matches>);

impl Weight for KnownPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let segment = reader.segment_id();
        let matches = (self.0.by_segment.iter())
            .find(|(id, _)| *id == segment)
            .map_or_else(|| Arc::from([]), |(_, matches)| matches.clone());
        Ok(Box::new(KnownPhraseScorer {
            matches,
            at: 0,
            boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "passage {doc} does not have the phrase"
            )));
        }
        Ok(Explanation::new("phrase found beforehand", scorer.score()))
    }
}

/// The passages of a phrase in one segment, in order.
struct KnownPhraseScorer {
    matches: SegmentMatches,
    at: usize,
    boost: Score,
}

impl DocSet for KnownPhraseScorer {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.matches.len());
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.matches
            .get(self.at)
            .map_or(TERMINATED, |(doc, _)| *doc)
    }

    fn size_hint(&self) -> u32 {
        self.matches.len() as u32
    }
}

impl Scorer for KnownPhraseScorer {
    fn score(&mut self) -> Score {
        self.matches
            .get(self.at)
            .map_or(0.0, |(_, score)| score * self.boost)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::BoostQuery;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{DocAddress, Index, IndexWriter, doc};

    use super::*;

    /// Two segments of passages on one field.
    fn passages() -> (Searcher, Field) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let segments: [&[&str]; 2] = [
            &[
                "the morning after pill",
                "after the morning",
                "pill pill morning after pill",
            ],
            &[
                "a morning after",
                "morning after pill and morning after pill",
                "nothing",
            ],
        ];
        for passages in segments {
            for passage in passages {
                writer.add_document(doc!(text => *passage)).unwrap();
            }
            writer.commit().unwrap();
        }
        (index.reader().unwrap().searcher(), text)
    }

    fn phrase(field: Field, words: &[&str]) -> Phrase {
        let positioned = words.iter().enumerate();
        (
            field,
            positioned.map(|(at, w)| (at, w.to_string())).collect(),
        )
    }

    /// Passages and scores, best first.
    fn found(searcher: &Searcher, query: &dyn Query) -> Vec<(f32, DocAddress)> {
        searcher
            .search(query, &TopDocs::with_limit(10).order_by_score())
            .unwrap()
    }

    /// A phrase found beforehand finds the passages its phrase query finds, with the same
    /// scores, boosted alike; its terms are there for the excerpts; a phrase found nowhere
    /// finds nothing, and one never asked for is left to its phrase query.
    #[test]
    fn a_known_phrase_scores_as_its_phrase_query() {
        let (searcher, text) = passages();
        let pill = phrase(text, &["morning", "after", "pill"]);
        let absent = phrase(text, &["pill", "the"]);
        let known = KnownPhrases::find(&searcher, &searcher, [pill.clone(), absent.clone()]);
        let terms: Vec<(usize, Term)> = (pill.1.iter())
            .map(|(at, w)| (*at, Term::from_field_text(text, w)))
            .collect();
        let phrase_query = PhraseQuery::new_with_offset(terms.clone());
        let known_query = known.query(&pill).unwrap();
        for boost in [1.0, 0.4] {
            let expected = found(
                &searcher,
                &BoostQuery::new(Box::new(phrase_query.clone()), boost),
            );
            let got = found(&searcher, &BoostQuery::new(known_query.box_clone(), boost));
            assert_eq!(expected.len(), 3);
            // The boost multiplies the score here, the phrase's weight there: the last
            // bit may differ.
            let passages =
                |found: &[(f32, DocAddress)]| found.iter().map(|f| f.1).collect::<Vec<_>>();
            assert_eq!(passages(&got), passages(&expected));
            for ((got, _), (expected, _)) in got.iter().zip(&expected) {
                assert!(
                    (got - expected).abs() <= 1e-6 * expected,
                    "{got} ≠ {expected}"
                );
            }
        }
        let mut visited = Vec::new();
        known_query.query_terms(&mut |term, positions| visited.push((term.clone(), positions)));
        assert_eq!(
            visited,
            terms
                .into_iter()
                .map(|(_, t)| (t, true))
                .collect::<Vec<_>>()
        );
        assert!(found(&searcher, &*known.query(&absent).unwrap()).is_empty());
        assert!(
            known.query(&phrase(text, &["after", "pill"])).is_none(),
            "never asked for"
        );
    }

    /// Past the limit of passages kept, phrases are left to their phrase queries.
    #[test]
    fn phrases_past_the_limit_are_not_kept() {
        let (searcher, text) = passages();
        let (pill, morning) = (
            phrase(text, &["morning", "after", "pill"]),
            phrase(text, &["the", "morning"]),
        );
        let known =
            KnownPhrases::find_within(&searcher, &searcher, [pill.clone(), morning.clone()], 3);
        assert!(known.query(&pill).is_some());
        assert!(known.query(&morning).is_none());
    }
}
