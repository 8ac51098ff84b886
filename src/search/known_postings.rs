//! The index's postings, scored, found once: for every term of every text field, and for
//! every multiword term of the synonym groups (`morning-after pill`, `trousse
//! médico-légale`) on each field a query searches it in, the passages that have it with
//! the score tantivy's term or phrase query gives them (BM25, boost 1); and for every
//! term, its passages on a language's title, summary, heading and text together, each
//! with the weighted sum of its scores there (a plain word's clause).
//!
//! A search's clauses are dozens of terms and phrases in three languages and several
//! fields; started as tantivy queries, each walks a term dictionary, decodes postings
//! and makes its BM25 weight on every search, and a phrase also reads positions. On a
//! small index all of that is done when the engine is made, and a search reads lists,
//! summed as one clause ([`KnownSum`]) instead of a union of dozens of scorers.
//! What is kept comes from the index and the organisation's synonyms alone: it never
//! depends on a search. An index of more than [`MAX_PASSAGES`] passages (the work would
//! delay its start by seconds) finds none beforehand, and past [`MAX_KEPT_ENTRIES`] the
//! remaining terms and phrases are not kept: those are searched by tantivy's queries.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::index::SegmentId;
use tantivy::query::{
    Bm25StatisticsProvider, EnableScoring, Explanation, PhraseQuery, Query, Scorer, TermQuery,
    Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

/// The most entries kept, all phrases and terms together: a passage (8 bytes), or a
/// segment's list of a term or phrase (about 100 bytes with the term). About 50 MB at
/// most.
pub const MAX_KEPT_ENTRIES: usize = 2_000_000;

/// The largest index whose postings are found beforehand. The shipped corpus (442
/// passages; its terms, its synonym phrases and their sums over each language's fields)
/// is ready to search about 220 ms after the server starts (about 110 of them for lingua's
/// answers for its words, see `Engine::detect_every_word`).
pub const MAX_PASSAGES: u64 = 20_000;

/// A phrase on one field: its terms' texts, each with its position from the first.
pub type Phrase = (Field, Vec<(usize, String)>);

/// Fields a word is searched on together, each with its weight.
pub type WeightedFields = Vec<(Field, f32)>;

/// The terms and phrases found, each with its passages and their scores.
#[derive(Default)]
pub struct KnownPostings {
    /// By field id: a term's text → its passages.
    terms: Vec<FxHashMap<Box<str>, Arc<Matches>>>,
    /// For each set of weighted fields a search sums a word over (a language's title,
    /// summary, heading and text): a term's text → its query on all of them.
    weighted: Vec<(WeightedFields, FxHashMap<Box<str>, KnownQuery>)>,
    phrases: FxHashMap<Phrase, Arc<Matches>>,
}

/// The passages of a term or phrase in one segment, in order, with their scores (boost 1).
type SegmentMatches = Arc<[(DocId, Score)]>;

/// The passages of a term or phrase in each segment.
#[derive(Debug)]
struct Matches {
    by_segment: Vec<(SegmentId, SegmentMatches)>,
}

impl Matches {
    /// What it counts for against [`MAX_KEPT_ENTRIES`]: a passage, or a segment's list.
    fn entries(&self) -> usize {
        (self.by_segment.iter())
            .map(|(_, found)| found.len().max(1))
            .sum()
    }

    /// Its passages in segment `segment`, if that segment was searched.
    fn in_segment(&self, segment: SegmentId) -> Option<&SegmentMatches> {
        let (_, found) = self.by_segment.iter().find(|(id, _)| *id == segment)?;
        Some(found)
    }
}

/// A phrase's terms, each with its position from the first.
pub fn phrase_terms((field, positioned): &Phrase) -> Vec<(usize, Term)> {
    (positioned.iter())
        .map(|(at, text)| (*at, Term::from_field_text(*field, text)))
        .collect()
}

impl KnownPostings {
    /// Finds each of `phrases`, then every term of the text fields (phrases first: they
    /// cost searches the most), scored with `statistics` as searches are, then each
    /// term's weighted sum over each set of fields of `weighted`, until
    /// [`MAX_KEPT_ENTRIES`] entries are kept; none in an index of more than
    /// [`MAX_PASSAGES`] passages. What cannot be searched, or comes past the limit, is
    /// left to tantivy's queries.
    pub fn find(
        searcher: &Searcher,
        statistics: &dyn Bm25StatisticsProvider,
        phrases: impl IntoIterator<Item = Phrase>,
        weighted: &[WeightedFields],
    ) -> KnownPostings {
        Self::find_within(searcher, statistics, phrases, weighted, MAX_KEPT_ENTRIES)
    }

    fn find_within(
        searcher: &Searcher,
        statistics: &dyn Bm25StatisticsProvider,
        phrases: impl IntoIterator<Item = Phrase>,
        weighted: &[WeightedFields],
        max_kept: usize,
    ) -> KnownPostings {
        let mut known = KnownPostings::default();
        if searcher.num_docs() > MAX_PASSAGES {
            return known;
        }
        let scoring = EnableScoring::enabled_from_statistics_provider(statistics, searcher);
        let mut kept = 0;
        // `Err` once the limit is passed; `Ok(None)` for a query that cannot be searched.
        let mut keep = |query: &dyn Query| -> Result<Option<Arc<Matches>>, ()> {
            let Ok(matches) = search(searcher, scoring, query) else {
                return Ok(None);
            };
            kept += matches.entries();
            if kept > max_kept {
                return Err(());
            }
            Ok(Some(Arc::new(matches)))
        };
        for phrase in phrases {
            if phrase.1.len() < 2 || known.phrases.contains_key(&phrase) {
                continue;
            }
            match keep(&PhraseQuery::new_with_offset(phrase_terms(&phrase))) {
                Ok(Some(matches)) => _ = known.phrases.insert(phrase, matches),
                Ok(None) => {}
                Err(()) => return known,
            }
        }
        for (field, entry) in searcher.schema().fields() {
            let with_freqs = (entry.field_type().get_index_record_option())
                .is_some_and(|option| option.has_freq());
            if !with_freqs {
                continue;
            }
            let id = field.field_id() as usize;
            (known.terms).resize_with(known.terms.len().max(id + 1), FxHashMap::default);
            for text in texts_of(searcher, field) {
                let term = Term::from_field_text(field, &text);
                match keep(&TermQuery::new(term, IndexRecordOption::WithFreqs)) {
                    Ok(Some(matches)) => _ = known.terms[id].insert(text.into(), matches),
                    Ok(None) => {}
                    Err(()) => return known,
                }
            }
        }
        for fields in weighted {
            let mut queries = FxHashMap::default();
            for text in known.texts_on(fields) {
                let Some(query) = known.sum_on(fields, text) else {
                    continue;
                };
                kept += query.matches.entries();
                if kept > max_kept {
                    break;
                }
                queries.insert(text.into(), query);
            }
            known.weighted.push((fields.clone(), queries));
        }
        known
    }

    /// The texts of the terms found on any of `fields`, each once.
    fn texts_on(&self, fields: &[(Field, f32)]) -> Vec<&str> {
        let mut texts: Vec<&str> = (fields.iter())
            .filter_map(|(field, _)| self.terms.get(field.field_id() as usize))
            .flat_map(|terms| terms.keys().map(|text| &**text))
            .collect();
        texts.sort_unstable();
        texts.dedup();
        texts
    }

    /// The query for `text` on each of `fields`, weighted, from the terms found on them;
    /// `None` if none of the fields has it (or one is not a text field).
    fn sum_on(&self, fields: &[(Field, f32)], text: &str) -> Option<KnownQuery> {
        let mut lists = Vec::with_capacity(fields.len());
        for &(field, weight) in fields {
            lists.push((self.terms.get(field.field_id() as usize)?.get(text), weight));
        }
        let segments = lists.iter().find_map(|(matches, _)| *matches)?;
        let by_segment = (segments.by_segment.iter())
            .map(|&(segment, _)| {
                let in_segment: Vec<(&[(DocId, Score)], f32)> = (lists.iter())
                    .filter_map(|&(matches, weight)| {
                        Some((&matches?.in_segment(segment)?[..], weight))
                    })
                    .collect();
                (segment, weighted_sum(&in_segment))
            })
            .collect();
        Some(KnownQuery {
            terms: (fields.iter())
                .map(|&(field, _)| Term::from_field_text(field, text))
                .collect(),
            positions: false,
            matches: Arc::new(Matches { by_segment }),
        })
    }

    /// The passages of segment `segment` that have `term`, if its passages were found.
    pub fn passages(&self, segment: SegmentId, term: &Term) -> Option<&[(DocId, Score)]> {
        let value = term.value();
        let terms = self.terms.get(term.field().field_id() as usize)?;
        let matches = terms.get(value.as_str()?)?;
        Some(matches.in_segment(segment)?)
    }

    /// The query for `text` on `field` if it was found, scoring as its term query does
    /// (but for the last bit of a float: the boost multiplies the score, not the weight).
    pub fn term(&self, field: Field, text: &str) -> Option<KnownQuery> {
        let matches = self.terms.get(field.field_id() as usize)?.get(text)?;
        Some(KnownQuery {
            terms: [Term::from_field_text(field, text)].into(),
            positions: false,
            matches: matches.clone(),
        })
    }

    /// The query for `text` on each of `fields`, weighted (one of the sets given when the
    /// postings were found): every passage that has it on one of them, scored with the
    /// sum of its weighted scores there. That is what a union of the fields' boosted term
    /// queries gives (but for the last bits of a float), as one list: one clause to walk
    /// instead of one per field.
    pub fn weighted_term(&self, fields: &[(Field, f32)], text: &str) -> Option<KnownQuery> {
        let (_, queries) = self.weighted.iter().find(|(set, _)| set == fields)?;
        queries.get(text).cloned()
    }

    /// The query of a form as a search has it: a phrase, or a single term (a phrase of
    /// one word), if it was found.
    pub fn form(&self, phrase: &Phrase) -> Option<KnownQuery> {
        match phrase.1.as_slice() {
            [(_, one)] => self.term(phrase.0, one),
            _ => self.phrase(phrase),
        }
    }

    /// The query for `phrase` if it was found, scoring as its phrase query does (but for
    /// the last bit of a float).
    pub fn phrase(&self, phrase: &Phrase) -> Option<KnownQuery> {
        let matches = self.phrases.get(phrase)?;
        let (field, positioned) = phrase;
        Some(KnownQuery {
            terms: (positioned.iter())
                .map(|(_, text)| Term::from_field_text(*field, text))
                .collect(),
            positions: true,
            matches: matches.clone(),
        })
    }
}

/// Lists of passages in order, each with its weight, as one list in order: each passage
/// once, with the sum of its weighted scores (in the lists' order).
fn weighted_sum(lists: &[(&[(DocId, Score)], f32)]) -> SegmentMatches {
    let mut next = vec![0; lists.len()];
    let mut summed =
        Vec::with_capacity(lists.iter().map(|(list, _)| list.len()).max().unwrap_or(0));
    loop {
        let heads = lists
            .iter()
            .zip(&next)
            .filter_map(|((list, _), &at)| list.get(at));
        let Some(doc) = heads.map(|(doc, _)| *doc).min() else {
            return summed.into();
        };
        let mut score = 0.0;
        for ((list, weight), at) in lists.iter().zip(&mut next) {
            if let Some(&(head, found)) = list.get(*at)
                && head == doc
            {
                score += weight * found;
                *at += 1;
            }
        }
        summed.push((doc, score));
    }
}

/// The texts of `field`'s terms in every segment (those that are not text are skipped).
fn texts_of(searcher: &Searcher, field: Field) -> Vec<String> {
    let mut texts = Vec::new();
    for reader in searcher.segment_readers() {
        let Ok(index) = reader.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = index.terms().stream() else {
            continue;
        };
        while stream.advance() {
            if let Ok(text) = std::str::from_utf8(stream.key()) {
                texts.push(text.to_string());
            }
        }
    }
    texts.sort_unstable();
    texts.dedup();
    texts
}

/// A query's passages and scores (boost 1) in every segment.
fn search(
    searcher: &Searcher,
    scoring: EnableScoring<'_>,
    query: &dyn Query,
) -> tantivy::Result<Matches> {
    let weight = query.weight(scoring)?;
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

/// The passages a query found beforehand matches: a term's or a phrase's, or a word's on
/// several fields.
#[derive(Clone, Debug)]
pub struct KnownList(Arc<Matches>);

impl KnownList {
    /// Its passages in segment `segment`, in order, if that segment was searched.
    pub fn in_segment(&self, segment: SegmentId) -> Option<&[(DocId, Score)]> {
        Some(self.0.in_segment(segment)?)
    }
}

/// A term or phrase whose passages were found beforehand, as a query.
#[derive(Clone, Debug)]
pub struct KnownQuery {
    /// Its terms, for the excerpts that mark them.
    terms: Arc<[Term]>,
    /// Whether it is a phrase, whose terms' positions matter.
    positions: bool,
    matches: Arc<Matches>,
}

impl KnownQuery {
    /// The passages it matches, for coverage.
    pub fn passages(&self) -> KnownList {
        KnownList(self.matches.clone())
    }
}

impl Query for KnownQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(KnownWeight(self.matches.clone())))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        // As tantivy's: a phrase needs its terms' positions, a term does not.
        for term in self.terms.iter() {
            visitor(term, self.positions);
        }
    }
}

struct KnownWeight(Arc<Matches>);

impl Weight for KnownWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let segment = reader.segment_id();
        let matches = (self.0.in_segment(segment)).map_or_else(|| Arc::from([]), Arc::clone);
        Ok(Box::new(KnownScorer {
            matches,
            at: 0,
            boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_found(self.scorer(reader, 1.0)?, doc, "found beforehand")
    }
}

/// Queries found beforehand, each with its boost, as one: every passage one of them has,
/// scored with the sum of their boosted scores, as a union of the boosted queries scores
/// it (but for the last bits of a float). A search's clauses on a small index are mostly
/// such lists: summed in an array the size of a segment, they cost no union of dozens of
/// scorers. (Only the postings of an index of at most [`MAX_PASSAGES`] passages are found
/// beforehand, so the array stays small.)
#[derive(Clone, Debug, Default)]
pub struct KnownSum {
    parts: Vec<(KnownQuery, Score)>,
}

impl KnownSum {
    /// Adds `query`, its scores multiplied by `boost`.
    pub fn add(&mut self, query: KnownQuery, boost: Score) {
        self.parts.push((query, boost));
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }
}

impl Query for KnownSum {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let parts = (self.parts.iter())
            .map(|(query, boost)| (query.matches.clone(), *boost))
            .collect();
        Ok(Box::new(KnownSumWeight(parts)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (query, _) in &self.parts {
            query.query_terms(visitor);
        }
    }
}

struct KnownSumWeight(Vec<(Arc<Matches>, Score)>);

impl Weight for KnownSumWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let segment = reader.segment_id();
        let mut sums: Vec<Option<Score>> = vec![None; reader.max_doc() as usize];
        for (matches, part_boost) in &self.0 {
            for &(passage, score) in matches
                .in_segment(segment)
                .into_iter()
                .flat_map(|m| m.iter())
            {
                let sum = sums[passage as usize].get_or_insert(0.0);
                *sum += score * part_boost;
            }
        }
        let matches: SegmentMatches = (sums.into_iter().enumerate())
            .filter_map(|(passage, sum)| Some((passage as DocId, sum?)))
            .collect();
        Ok(Box::new(KnownScorer {
            matches,
            at: 0,
            boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_found(self.scorer(reader, 1.0)?, doc, "found beforehand, summed")
    }
}

/// The score `scorer` gives passage `doc`, explained as `what`; an error if it does not
/// match it.
fn explain_found(
    mut scorer: Box<dyn Scorer>,
    doc: DocId,
    what: &'static str,
) -> tantivy::Result<Explanation> {
    if scorer.doc() > doc || scorer.seek(doc) != doc {
        return Err(tantivy::TantivyError::InvalidArgument(format!(
            "passage {doc} has none of the terms or phrases"
        )));
    }
    Ok(Explanation::new(what, scorer.score()))
}

/// The passages of a term or phrase in one segment, in order.
struct KnownScorer {
    matches: SegmentMatches,
    at: usize,
    boost: Score,
}

impl DocSet for KnownScorer {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.matches.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let rest = &self.matches[self.at..];
        self.at += rest.partition_point(|(doc, _)| *doc < target);
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

impl Scorer for KnownScorer {
    fn score(&mut self) -> Score {
        self.matches
            .get(self.at)
            .map_or(0.0, |(_, score)| score * self.boost)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{DocAddress, Index, IndexWriter, doc};

    use super::*;

    /// Two segments of passages: a text, and some with a title.
    fn passages() -> (Searcher, Field) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let title = schema.add_text_field("title", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let segments: [&[(&str, &str)]; 2] = [
            &[
                ("the morning after pill", "pill"),
                ("after the morning", ""),
                ("pill pill morning after pill", "after"),
            ],
            &[
                ("a morning after", "the morning"),
                ("morning after pill and morning after pill", ""),
                ("nothing", "nothing but a title"),
            ],
        ];
        for passages in segments {
            for (passage, title_text) in passages {
                writer
                    .add_document(doc!(text => *passage, title => *title_text))
                    .unwrap();
            }
            writer.commit().unwrap();
        }
        (index.reader().unwrap().searcher(), text)
    }

    /// The fixture's second field.
    fn title(searcher: &Searcher) -> Field {
        searcher.schema().get_field("title").unwrap()
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

    /// `known` finds what `query` finds, with the same scores, boosted alike.
    fn assert_scores_as(searcher: &Searcher, known: &dyn Query, query: &dyn Query) {
        for boost in [1.0, 0.4] {
            let expected = found(searcher, &BoostQuery::new(query.box_clone(), boost));
            let got = found(searcher, &BoostQuery::new(known.box_clone(), boost));
            assert!(!expected.is_empty());
            // The boost multiplies the score here, the weight there: the last bit may
            // differ.
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
    }

    /// The terms a query visits, and whether it wants their positions.
    fn visited(query: &dyn Query) -> Vec<(Term, bool)> {
        let mut visited = Vec::new();
        query.query_terms(&mut |term, positions| visited.push((term.clone(), positions)));
        visited
    }

    /// Every term found beforehand scores as its term query, and lists the passages that
    /// have it; a phrase asked for scores as its phrase query; their terms are there for
    /// the excerpts. A phrase found nowhere finds
    /// nothing; one never asked for, and a term the index lacks, are left to tantivy's
    /// queries.
    #[test]
    fn known_terms_and_phrases_score_as_their_queries() {
        let (searcher, text) = passages();
        let pill = phrase(text, &["morning", "after", "pill"]);
        let absent = phrase(text, &["pill", "the"]);
        let known = KnownPostings::find(&searcher, &searcher, [pill.clone(), absent.clone()], &[]);
        for word in ["the", "morning", "after", "pill", "a", "and", "nothing"] {
            let term = Term::from_field_text(text, word);
            let known_term = known.term(text, word).unwrap();
            assert_scores_as(
                &searcher,
                &known_term,
                &TermQuery::new(term.clone(), IndexRecordOption::WithFreqs),
            );
            assert_eq!(visited(&known_term), [(term.clone(), false)]);
            let passages: usize = (searcher.segment_readers().iter())
                .map(|reader| known.passages(reader.segment_id(), &term).unwrap().len())
                .sum();
            assert_eq!(passages as u64, searcher.doc_freq(&term).unwrap(), "{word}");
        }
        assert!(known.term(text, "absent").is_none());
        let terms: Vec<(usize, Term)> = (pill.1.iter())
            .map(|(at, w)| (*at, Term::from_field_text(text, w)))
            .collect();
        let known_pill = known.phrase(&pill).unwrap();
        assert_scores_as(
            &searcher,
            &known_pill,
            &PhraseQuery::new_with_offset(terms.clone()),
        );
        let expected: Vec<(Term, bool)> = terms.into_iter().map(|(_, t)| (t, true)).collect();
        assert_eq!(visited(&known_pill), expected);
        assert!(found(&searcher, &known.phrase(&absent).unwrap()).is_empty());
        assert!(
            known.phrase(&phrase(text, &["after", "pill"])).is_none(),
            "never asked for"
        );
    }

    /// A word on several weighted fields scores as the union of its boosted term queries,
    /// passage by passage, and visits each field's term for the excerpts; only the sets
    /// of fields asked for are found.
    #[test]
    fn weighted_terms_score_as_the_union_of_their_fields() {
        let (searcher, text) = passages();
        let weighted = vec![(title(&searcher), 3.0), (text, 1.0)];
        let known = KnownPostings::find(&searcher, &searcher, [], std::slice::from_ref(&weighted));
        for word in ["the", "morning", "after", "pill", "a", "nothing", "title"] {
            let terms = weighted
                .iter()
                .map(|&(field, _)| Term::from_field_text(field, word));
            let union = BooleanQuery::union(
                (terms.clone().zip(&weighted))
                    .map(|(term, &(_, boost))| {
                        let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                        Box::new(BoostQuery::new(Box::new(query), boost)) as Box<dyn Query>
                    })
                    .collect(),
            );
            let known_word = known.weighted_term(&weighted, word).unwrap();
            assert_scores_as(&searcher, &known_word, &union);
            let expected: Vec<(Term, bool)> = terms.map(|term| (term, false)).collect();
            assert_eq!(visited(&known_word), expected, "{word}");
        }
        assert!(known.weighted_term(&weighted, "absent").is_none());
        assert!(known.weighted_term(&[(text, 1.0)], "pill").is_none());
    }

    /// Known lists seek as postings do: a known phrase required beside a term query
    /// finds what the phrase query required beside it finds.
    #[test]
    fn known_lists_seek_in_intersections() {
        let (searcher, text) = passages();
        let pill = phrase(text, &["morning", "after", "pill"]);
        let known = KnownPostings::find(&searcher, &searcher, [pill.clone()], &[]);
        let with = |first: Box<dyn Query>| {
            let and = Term::from_field_text(text, "and");
            BooleanQuery::intersection(vec![
                first,
                Box::new(TermQuery::new(and, IndexRecordOption::WithFreqs)),
            ])
        };
        let expected = with(Box::new(PhraseQuery::new_with_offset(phrase_terms(&pill))));
        assert_scores_as(
            &searcher,
            &with(Box::new(known.phrase(&pill).unwrap())),
            &expected,
        );
    }

    /// Known queries summed score as the union of their boosted queries, passage by
    /// passage, in every segment, and visit all their terms for the excerpts.
    #[test]
    fn known_sums_score_as_the_union_of_their_queries() {
        let (searcher, text) = passages();
        let pill = phrase(text, &["morning", "after", "pill"]);
        let known = KnownPostings::find(&searcher, &searcher, [pill.clone()], &[]);
        let (title, the) = (title(&searcher), Term::from_field_text(text, "the"));
        let mut sum = KnownSum::default();
        sum.add(known.phrase(&pill).unwrap(), 0.5);
        sum.add(known.term(text, "the").unwrap(), 2.0);
        sum.add(known.term(title, "title").unwrap(), 1.5);
        let boosted = |query: Box<dyn Query>, boost| Box::new(BoostQuery::new(query, boost)) as _;
        let term = |term| Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
        let union = BooleanQuery::union(vec![
            boosted(
                Box::new(PhraseQuery::new_with_offset(phrase_terms(&pill))),
                0.5,
            ),
            boosted(term(the.clone()), 2.0),
            boosted(term(Term::from_field_text(title, "title")), 1.5),
        ]);
        assert_scores_as(&searcher, &sum, &union);
        assert_eq!(visited(&sum).len(), 5);
        assert!(visited(&sum).contains(&(the, false)));
    }

    /// A sum required beside a term, or beside an excluded term, finds what the union of
    /// its queries finds there, with the same scores.
    #[test]
    fn known_sums_seek_beside_required_and_excluded_terms() {
        let (searcher, text) = passages();
        let known = KnownPostings::find(&searcher, &searcher, [], &[]);
        let term = |word| {
            Box::new(TermQuery::new(
                Term::from_field_text(text, word),
                IndexRecordOption::WithFreqs,
            ))
        };
        let mut sum = KnownSum::default();
        let mut union: Vec<Box<dyn Query>> = Vec::new();
        for (word, boost) in [("morning", 1.0), ("after", 2.0), ("the", 0.5)] {
            sum.add(known.term(text, word).unwrap(), boost);
            union.push(Box::new(BoostQuery::new(term(word), boost)));
        }
        let union = BooleanQuery::union(union);
        for (occur, word) in [(Occur::Must, "and"), (Occur::MustNot, "pill")] {
            let beside = |first: Box<dyn Query>| {
                BooleanQuery::new(vec![
                    (Occur::Must, first),
                    (occur, term(word) as Box<dyn Query>),
                ])
            };
            assert_scores_as(
                &searcher,
                &beside(Box::new(sum.clone())),
                &beside(Box::new(union.clone())),
            );
        }
    }

    /// Past the limit of entries kept, the rest is left to tantivy's queries: here the
    /// terms, with room for the phrase only.
    #[test]
    fn what_passes_the_limit_is_not_kept() {
        let (searcher, text) = passages();
        let pill = phrase(text, &["morning", "after", "pill"]);
        let all = KnownPostings::find(&searcher, &searcher, [pill.clone()], &[]);
        let entries = all.phrases[&pill].entries();
        let known = KnownPostings::find_within(&searcher, &searcher, [pill.clone()], &[], entries);
        assert!(known.phrase(&pill).is_some());
        assert!(all.term(text, "pill").is_some() && known.term(text, "pill").is_none());
    }
}
