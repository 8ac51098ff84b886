//! The ordinals each passage carries in fast fields (its document's, and that document's
//! group, type and language), read into plain tables when an index opens.
//!
//! The search collector looks up a passage's document for every match, which for a common
//! word is most of the index; a table lookup costs a fraction of decoding a column. The
//! tables take four bytes per passage and twelve per document.

use std::sync::Arc;

use tantivy::Searcher;
use tantivy::columnar::ColumnValues;

use super::schema::Fields;

/// The ordinals of one document, as `write_index` numbered them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocumentOrdinals {
    /// Its group of translations, by number.
    pub group: u32,
    /// Its type, an index into the manifest's types.
    pub doc_type: u32,
    /// Its language, [`Lang::ordinal`](crate::language::Lang::ordinal).
    pub lang: u32,
}

/// The tables the collector looks passages' documents up in, instead of fast fields.
pub struct Ordinals {
    /// Per segment (in the searcher's order), per passage: its document's ordinal.
    pub document_of: Vec<Arc<[u32]>>,
    /// Per document ordinal.
    pub documents: Vec<DocumentOrdinals>,
    /// How many groups of translations there are (group ordinals are below this).
    pub groups: usize,
}

impl Ordinals {
    /// Reads the tables from the fast fields of every segment of `searcher`.
    pub fn read(searcher: &Searcher, fields: &Fields) -> tantivy::Result<Ordinals> {
        let mut ordinals = Ordinals {
            document_of: Vec::new(),
            documents: Vec::new(),
            groups: 0,
        };
        let schema = searcher.schema();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let column = |field| -> tantivy::Result<Arc<dyn ColumnValues<u64>>> {
                Ok(fast
                    .u64(schema.get_field_name(field))?
                    .first_or_default_col(0))
            };
            let document = column(fields.doc_ord)?;
            let [group, doc_type, lang] = [
                column(fields.group_ord)?,
                column(fields.type_ord)?,
                column(fields.lang_ord)?,
            ];
            let document_of: Arc<[u32]> = (0..segment.max_doc())
                .map(|passage| document.get_val(passage) as u32)
                .collect();
            for (passage, &ord) in document_of.iter().enumerate() {
                let passage = passage as u32;
                let ord = ord as usize;
                if ord >= ordinals.documents.len() {
                    ordinals
                        .documents
                        .resize(ord + 1, DocumentOrdinals::default());
                }
                let about = DocumentOrdinals {
                    group: group.get_val(passage) as u32,
                    doc_type: doc_type.get_val(passage) as u32,
                    lang: lang.get_val(passage) as u32,
                };
                ordinals.groups = ordinals.groups.max(about.group as usize + 1);
                ordinals.documents[ord] = about;
            }
            ordinals.document_of.push(document_of);
        }
        Ok(ordinals)
    }
}
