//! The index's terms, read once when an engine is made: for each segment and field, every
//! term with where its postings are (`TermInfo`), in a hash table.
//!
//! A search asks about many terms: each typed word, its completions, corrections and
//! synonyms, in three languages and several fields, first whether the field has it, then
//! how many passages do (its weight), then where its postings are (coverage). Asked of
//! tantivy's term dictionaries, each question is a walk of a finite-state transducer;
//! asked here, a hash lookup. The table is made from the index alone, before any search:
//! what it holds never depends on what was searched. An index with more terms than
//! [`MAX_TERMS`] gets no table, and the term dictionaries answer as before.

use rustc_hash::FxHashMap;
use tantivy::postings::TermInfo;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Searcher, SegmentOrdinal, Term};

/// The most terms (all segments and fields together) the table holds: about 80 bytes
/// each, 40 MB at most. The shipped corpus has about 60,000.
pub const MAX_TERMS: usize = 500_000;

/// A field's terms in one segment: a term's bytes → where its postings are.
type FieldTerms = FxHashMap<Box<[u8]>, TermInfo>;

/// By segment, then field id: each field's terms.
type Table = Vec<Vec<FieldTerms>>;

/// The terms of every indexed field of every segment, with the figures BM25 weighs them by.
pub struct TermStatistics {
    searcher: Searcher,
    /// `None` when the index has more than `MAX_TERMS` terms.
    table: Option<Table>,
    /// By field id: the number of tokens in the field over all passages.
    total_tokens: Vec<Option<u64>>,
}

impl TermStatistics {
    /// Reads every term dictionary of the searcher's segments (unless there are too
    /// many terms; see [`MAX_TERMS`]). What cannot be read here is asked of the term
    /// dictionaries when a search needs it, where it is reported.
    pub fn new(searcher: &Searcher) -> TermStatistics {
        Self::with_limit(searcher, MAX_TERMS)
    }

    fn with_limit(searcher: &Searcher, max_terms: usize) -> TermStatistics {
        let fields: Vec<Field> = (searcher.schema().fields())
            .filter(|(_, entry)| entry.is_indexed())
            .map(|(field, _)| field)
            .collect();
        let field_count = fields.iter().map(|f| f.field_id() as usize + 1).max();
        let mut total_tokens = vec![None; field_count.unwrap_or(0)];
        for &field in &fields {
            total_tokens[field.field_id() as usize] = searcher.total_num_tokens(field).ok();
        }
        TermStatistics {
            table: read_terms(searcher, &fields, total_tokens.len(), max_terms).unwrap_or(None),
            searcher: searcher.clone(),
            total_tokens,
        }
    }

    /// Where `term`'s postings are in segment `segment` (`None` if it has none there).
    pub fn term_info(
        &self,
        segment: SegmentOrdinal,
        term: &Term,
    ) -> tantivy::Result<Option<TermInfo>> {
        match &self.table {
            Some(segments) => Ok(lookup(segments, segment, term).cloned()),
            None => Ok(self
                .searcher
                .segment_reader(segment)
                .inverted_index(term.field())?
                .get_term_info(term)?),
        }
    }

    /// How many passages have `text` as a term of `field` (a text field), without making
    /// the term: a query asks it of every form of every word on every field.
    pub fn passages_with(&self, field: Field, text: &str) -> u64 {
        let Some(segments) = &self.table else {
            let term = Term::from_field_text(field, text);
            return self.searcher.doc_freq(&term).unwrap_or(0);
        };
        summed_doc_freq(segments, field, text.as_bytes())
    }

    /// The share of all passages that have `text` as a term of `field`.
    pub fn share(&self, field: Field, text: &str) -> f32 {
        let passages = self.total_num_docs().unwrap_or(0).max(1);
        self.passages_with(field, text) as f32 / passages as f32
    }

    /// Calls `f` with the passages of segment `segment` that have `term`, in order, a
    /// block at a time.
    pub fn for_each_passage_with(
        &self,
        segment: SegmentOrdinal,
        term: &Term,
        mut f: impl FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        let Some(info) = self.term_info(segment, term)? else {
            return Ok(());
        };
        let mut postings = self
            .searcher
            .segment_reader(segment)
            .inverted_index(term.field())?
            .read_block_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
        while !postings.docs().is_empty() {
            f(postings.docs());
            postings.advance();
        }
        Ok(())
    }
}

/// Every term of `fields` in every segment, or `None` past `max_terms`.
fn read_terms(
    searcher: &Searcher,
    fields: &[Field],
    field_count: usize,
    max_terms: usize,
) -> tantivy::Result<Option<Table>> {
    let mut count = 0;
    let mut segments = Vec::new();
    for reader in searcher.segment_readers() {
        let mut by_field: Vec<FieldTerms> = vec![FxHashMap::default(); field_count];
        for &field in fields {
            let inverted_index = reader.inverted_index(field)?;
            let dictionary = inverted_index.terms();
            count += dictionary.num_terms();
            if count > max_terms {
                return Ok(None);
            }
            let terms = &mut by_field[field.field_id() as usize];
            terms.reserve(dictionary.num_terms());
            let mut stream = dictionary.stream()?;
            while stream.advance() {
                terms.insert(stream.key().into(), stream.value().clone());
            }
        }
        segments.push(by_field);
    }
    Ok(Some(segments))
}

fn lookup<'t>(segments: &'t Table, segment: SegmentOrdinal, term: &Term) -> Option<&'t TermInfo> {
    lookup_bytes(
        segments,
        segment,
        term.field(),
        term.serialized_value_bytes(),
    )
}

/// How many passages of all segments have the term of `field` whose value is `bytes`.
fn summed_doc_freq(segments: &Table, field: Field, bytes: &[u8]) -> u64 {
    (0..segments.len() as SegmentOrdinal)
        .filter_map(|segment| lookup_bytes(segments, segment, field, bytes))
        .map(|info| u64::from(info.doc_freq))
        .sum()
}

fn lookup_bytes<'t>(
    segments: &'t Table,
    segment: SegmentOrdinal,
    field: Field,
    bytes: &[u8],
) -> Option<&'t TermInfo> {
    segments
        .get(segment as usize)?
        .get(field.field_id() as usize)?
        .get(bytes)
}

/// The same figures as the searcher's own (tantivy's `impl Bm25StatisticsProvider for
/// Searcher`), so that scores are the same to the bit.
impl Bm25StatisticsProvider for TermStatistics {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        match self.total_tokens.get(field.field_id() as usize) {
            Some(&Some(tokens)) => Ok(tokens),
            _ => self.searcher.total_num_tokens(field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self
            .searcher
            .segment_readers()
            .iter()
            .map(|r| u64::from(r.max_doc()))
            .sum())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let Some(segments) = &self.table else {
            return self.searcher.doc_freq(term);
        };
        Ok(summed_doc_freq(
            segments,
            term.field(),
            term.serialized_value_bytes(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use tantivy::schema::{STRING, Schema, TEXT};
    use tantivy::{Index, IndexWriter, doc};

    use super::*;

    /// An index of two segments, with a term in both, terms in one, and two fields.
    fn two_segments() -> (Searcher, Vec<Term>) {
        let mut schema = Schema::builder();
        let (text, key) = (
            schema.add_text_field("text", TEXT),
            schema.add_text_field("key", STRING),
        );
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let segments: [&[(&str, &str)]; 2] = [
            &[("rape kit hospital", "a"), ("kit kit", "b")],
            &[("hospital forms", "a"), ("police", "c")],
        ];
        for passages in segments {
            for (words, name) in passages {
                writer
                    .add_document(doc!(text => *words, key => *name))
                    .unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        let terms = ["rape", "kit", "hospital", "forms", "police", "absent"]
            .map(|word| Term::from_field_text(text, word))
            .into_iter()
            .chain(["a", "b", "c", "rape"].map(|name| Term::from_field_text(key, name)))
            .collect();
        (searcher, terms)
    }

    /// With its table or without (an index past the limit), the figures are the
    /// searcher's own, term by term and segment by segment.
    #[test]
    fn the_figures_are_the_searchers_own() {
        let (searcher, terms) = two_segments();
        assert_eq!(searcher.segment_readers().len(), 2);
        for statistics in [
            TermStatistics::new(&searcher),
            TermStatistics::with_limit(&searcher, 3),
        ] {
            assert_eq!(
                statistics.total_num_docs().unwrap(),
                Bm25StatisticsProvider::total_num_docs(&searcher).unwrap()
            );
            for term in &terms {
                let field = term.field();
                assert_eq!(
                    statistics.total_num_tokens(field).unwrap(),
                    searcher.total_num_tokens(field).unwrap()
                );
                assert_eq!(
                    statistics.doc_freq(term).unwrap(),
                    searcher.doc_freq(term).unwrap(),
                    "{term:?}"
                );
                let value = term.value();
                assert_eq!(
                    statistics.passages_with(field, value.as_str().unwrap()),
                    searcher.doc_freq(term).unwrap(),
                    "{term:?}"
                );
                for (segment, reader) in searcher.segment_readers().iter().enumerate() {
                    let expected = reader
                        .inverted_index(field)
                        .unwrap()
                        .get_term_info(term)
                        .unwrap();
                    let segment = segment as SegmentOrdinal;
                    assert_eq!(statistics.term_info(segment, term).unwrap(), expected);
                    let mut passages = Vec::new();
                    (statistics.for_each_passage_with(segment, term, |docs| {
                        passages.extend_from_slice(docs)
                    }))
                    .unwrap();
                    assert_eq!(
                        passages.len() as u32,
                        expected.map_or(0, |info| info.doc_freq)
                    );
                }
            }
        }
        assert!(TermStatistics::new(&searcher).table.is_some());
        assert!(TermStatistics::with_limit(&searcher, 3).table.is_none());
    }
}
