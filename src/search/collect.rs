//! A collector that keeps, for every matching document, its best passage.
//!
//! The index holds passages; results are documents (or groups of translations). Reading
//! four small fast fields per match is enough to group, filter and count facets without
//! loading any stored text; only the page of hits shown is loaded afterwards.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// The best passage of one matching document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DocMatch {
    pub doc_ord: u64,
    pub group_ord: u64,
    pub type_ord: u64,
    pub lang_ord: u64,
    pub score: Score,
    pub passage: DocAddress,
}

/// Collects [`DocMatch`]es keyed by document ordinal.
pub struct BestPassages;

pub struct SegmentBestPassages {
    segment: SegmentOrdinal,
    columns: [Column<u64>; 4],
    best: HashMap<u64, DocMatch>,
}

const COLUMNS: [&str; 4] = ["doc_ord", "group_ord", "type_ord", "lang_ord"];

impl Collector for BestPassages {
    type Fruit = HashMap<u64, DocMatch>;
    type Child = SegmentBestPassages;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentBestPassages> {
        let fast = reader.fast_fields();
        let columns = [
            fast.u64(COLUMNS[0])?,
            fast.u64(COLUMNS[1])?,
            fast.u64(COLUMNS[2])?,
            fast.u64(COLUMNS[3])?,
        ];
        Ok(SegmentBestPassages {
            segment,
            columns,
            best: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<HashMap<u64, DocMatch>>,
    ) -> tantivy::Result<HashMap<u64, DocMatch>> {
        let mut fruits = fruits.into_iter();
        let mut merged = fruits.next().unwrap_or_default();
        for fruit in fruits {
            for found in fruit.into_values() {
                keep_best(&mut merged, found);
            }
        }
        Ok(merged)
    }
}

fn keep_best(best: &mut HashMap<u64, DocMatch>, found: DocMatch) {
    best.entry(found.doc_ord)
        .and_modify(|kept| {
            if found.score > kept.score {
                *kept = found;
            }
        })
        .or_insert(found);
}

impl SegmentCollector for SegmentBestPassages {
    type Fruit = HashMap<u64, DocMatch>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let [doc_ord, group_ord, type_ord, lang_ord] = self
            .columns
            .each_ref()
            .map(|c| c.first(doc).unwrap_or_default());
        keep_best(
            &mut self.best,
            DocMatch {
                doc_ord,
                group_ord,
                type_ord,
                lang_ord,
                score,
                passage: DocAddress::new(self.segment, doc),
            },
        );
    }

    fn harvest(self) -> HashMap<u64, DocMatch> {
        self.best
    }
}
