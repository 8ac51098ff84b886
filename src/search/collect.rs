//! A collector that keeps, for every matching document, its best passage.
//!
//! The index holds passages; results are documents (or groups of translations). For each
//! match the collector looks up the passage's document in the index's [`Ordinals`] and
//! keeps the best score per document in a table indexed by document ordinal: no column
//! to decode, no hashing, no allocation per match, which matters when a common word
//! matches a million passages. Group, type and language come from the same tables: enough
//! to group, filter and count facets without loading any stored text. Only the page of
//! hits shown is loaded afterwards.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::Ordinals;

/// The best passage of one matching document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DocMatch {
    pub doc_ord: u64,
    /// How much of the query the document covers (see `Engine::coverage`).
    pub coverage: f32,
    pub group_ord: u64,
    pub type_ord: u64,
    pub lang_ord: u64,
    pub score: Score,
    pub passage: DocAddress,
}

/// Collects one [`DocMatch`] per matching document, in document order.
pub struct BestPassages(pub Arc<Ordinals>);

pub struct SegmentBestPassages {
    segment: SegmentOrdinal,
    document_of: Arc<[u32]>,
    ordinals: Arc<Ordinals>,
    /// Per document ordinal: the best score so far and its passage (`NO_MATCH` if none).
    best: Vec<(Score, DocId)>,
}

const NO_MATCH: Score = Score::NEG_INFINITY;

/// The document of each passage of `segment`.
pub(super) fn documents_of_segment(
    ordinals: &Ordinals,
    segment: SegmentOrdinal,
) -> tantivy::Result<&Arc<[u32]>> {
    ordinals.document_of.get(segment as usize).ok_or_else(|| {
        tantivy::TantivyError::InternalError(format!("no ordinals for segment {segment}"))
    })
}

impl Collector for BestPassages {
    type Fruit = Vec<DocMatch>;
    type Child = SegmentBestPassages;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<SegmentBestPassages> {
        let document_of = documents_of_segment(&self.0, segment)?;
        Ok(SegmentBestPassages {
            segment,
            document_of: document_of.clone(),
            ordinals: self.0.clone(),
            best: vec![(NO_MATCH, 0); self.0.documents.len()],
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<DocMatch>>) -> tantivy::Result<Vec<DocMatch>> {
        if fruits.len() == 1 {
            return Ok(fruits.into_iter().flatten().collect());
        }
        let mut best: FxHashMap<u64, DocMatch> = FxHashMap::default();
        for found in fruits.into_iter().flatten() {
            best.entry(found.doc_ord)
                .and_modify(|kept| {
                    if found.score > kept.score {
                        *kept = found;
                    }
                })
                .or_insert(found);
        }
        let mut merged: Vec<DocMatch> = best.into_values().collect();
        merged.sort_by_key(|m| m.doc_ord);
        Ok(merged)
    }
}

impl SegmentCollector for SegmentBestPassages {
    type Fruit = Vec<DocMatch>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let document = self.document_of[doc as usize] as usize;
        let kept = &mut self.best[document];
        if score > kept.0 {
            *kept = (score, doc);
        }
    }

    fn harvest(self) -> Vec<DocMatch> {
        (self.best.iter().zip(&self.ordinals.documents).enumerate())
            .filter(|(_, ((score, _), _))| *score > NO_MATCH)
            .map(|(doc_ord, (&(score, doc), about))| DocMatch {
                doc_ord: doc_ord as u64,
                coverage: 0.0,
                group_ord: about.group.into(),
                type_ord: about.doc_type.into(),
                lang_ord: about.lang.into(),
                score,
                passage: DocAddress::new(self.segment, doc),
            })
            .collect()
    }
}
