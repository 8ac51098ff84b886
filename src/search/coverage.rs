//! How much of the query each document covers: the typed words it has.
//!
//! A passage's score says how well it matches; a document's coverage says how many of the
//! query's words the whole document has, as typed (or corrected, or completed), or through
//! a synonym, each word weighed by its rarity. It is read from the postings found when the
//! engine was made, else from the index's as they are stored (passages only: no
//! positions, frequencies, weights or scorers), for every typed word apart. A synonym of
//! several words counts for the passages that have all its words, wherever they stand:
//! what a document is about, not a match to show.

use std::sync::Arc;

use tantivy::{DocId, Searcher, SegmentOrdinal, Term};

use crate::index::Ordinals;

use super::collect::documents_of_segment;
use super::known_postings::{KnownList, KnownPostings};
use super::query::WordTerms;
use super::request::SearchError;
use super::term_statistics::TermStatistics;

/// Where coverage reads which passages have a term.
#[derive(Clone, Copy)]
pub struct Postings<'a> {
    pub searcher: &'a Searcher,
    /// The postings found when the engine was made, read first.
    pub known: &'a KnownPostings,
    /// The index's, for the others.
    pub terms: &'a TermStatistics,
}

impl Postings<'_> {
    /// Calls `f` with each passage of segment `segment` that has `term`, in order.
    fn for_each_passage_with(
        &self,
        segment: SegmentOrdinal,
        term: &Term,
        mut f: impl FnMut(DocId),
    ) -> Result<(), SearchError> {
        let id = self.searcher.segment_reader(segment).segment_id();
        match self.known.passages(id, term) {
            Some(known) => known.iter().for_each(|&(passage, _)| f(passage)),
            None => (self.terms).for_each_passage_with(segment, term, |passages| {
                passages.iter().for_each(|&passage| f(passage))
            })?,
        }
        Ok(())
    }

    /// The passages of segment `segment` that have `term`, in order.
    fn passages_with(
        &self,
        segment: SegmentOrdinal,
        term: &Term,
    ) -> Result<Vec<DocId>, SearchError> {
        let mut having = Vec::new();
        self.for_each_passage_with(segment, term, |passage| having.push(passage))?;
        Ok(having)
    }
}

/// What a typed word found only through a synonym counts for, in a document's coverage.
const SYNONYM_COVERAGE: f32 = 0.5;

/// The coverage of each document, by document ordinal: one for each typed word it has
/// (as typed, corrected or completed), part of one for a word it has only through a
/// synonym; a word weighs more the fewer documents have it.
pub fn of(
    postings: Postings,
    ordinals: &Ordinals,
    words: &[WordTerms],
) -> Result<Vec<f32>, SearchError> {
    let mut coverage = vec![0.0; ordinals.documents.len()];
    let documents = coverage.len().max(1) as f32;
    for word in words {
        let typed = documents_having(postings, ordinals, &word.typed, &word.typed_known)?;
        let mut synonym = documents_having(postings, ordinals, &word.synonym, &[])?;
        if !word.synonym_documents.is_empty() {
            synonym.resize(coverage.len(), false);
        }
        for &doc in word.synonym_documents.iter().flat_map(|d| d.iter()) {
            synonym[doc as usize] = true;
        }
        let having = typed.iter().filter(|&&f| f).count() as f32;
        // A word most documents have tells them apart less than a rare one.
        let weight = (1.0 + documents / (1.0 + having)).ln();
        for (doc, credit) in coverage.iter_mut().enumerate() {
            if typed.get(doc).copied().unwrap_or(false) {
                *credit += weight;
            } else if synonym.get(doc).copied().unwrap_or(false) {
                *credit += SYNONYM_COVERAGE * weight;
            }
        }
    }
    Ok(coverage)
}

/// The documents (by ordinal, in order) that have all of `terms` in one passage,
/// wherever they stand there: what a synonym's form counts for, found once.
pub fn documents_with(
    postings: Postings,
    ordinals: &Ordinals,
    terms: &[Term],
) -> Result<Arc<[u32]>, SearchError> {
    let found = documents_having(postings, ordinals, &[terms.into()], &[])?;
    Ok((found.into_iter().enumerate())
        .filter_map(|(doc, has)| has.then_some(doc as u32))
        .collect())
}

/// Which documents have a passage with one of `forms` (each a term, or the terms of a
/// phrase, all needed) or in one of the `known` lists, by document ordinal (empty if there
/// are none). The index has no deleted passages (a generation is built whole), so the
/// postings are the passages.
fn documents_having(
    postings: Postings,
    ordinals: &Ordinals,
    forms: &[Arc<[Term]>],
    known: &[KnownList],
) -> Result<Vec<bool>, SearchError> {
    if forms.is_empty() && known.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = vec![false; ordinals.documents.len()];
    for segment in 0..postings.searcher.segment_readers().len() as SegmentOrdinal {
        let document_of = documents_of_segment(ordinals, segment)?;
        let id = postings.searcher.segment_reader(segment).segment_id();
        for list in known {
            for &(passage, _) in list.in_segment(id).unwrap_or_default() {
                found[document_of[passage as usize] as usize] = true;
            }
        }
        for form in forms {
            let mark = |passage: DocId| {
                found[document_of[passage as usize] as usize] = true;
            };
            match &form[..] {
                [] => {}
                [term] => postings.for_each_passage_with(segment, term, mark)?,
                [first, rest @ ..] => {
                    let mut having = postings.passages_with(segment, first)?;
                    for term in rest {
                        having = both(&having, &postings.passages_with(segment, term)?);
                    }
                    having.into_iter().for_each(mark);
                }
            }
        }
    }
    Ok(found)
}

/// The passages in both ordered lists.
fn both(a: &[DocId], b: &[DocId]) -> Vec<DocId> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        match x.cmp(&y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(x);
                (i, j) = (i + 1, j + 1);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::both;

    #[test]
    fn both_lists_keep_what_they_share() {
        let table: &[(&[u32], &[u32], &[u32])] = &[
            (&[], &[1, 2], &[]),
            (&[1, 3, 5, 7], &[2, 3, 4, 7, 9], &[3, 7]),
            (&[4], &[4], &[4]),
            (&[1, 2], &[3, 4], &[]),
        ];
        for (a, b, expected) in table {
            assert_eq!(both(a, b), *expected, "{a:?} ∩ {b:?}");
        }
    }
}
