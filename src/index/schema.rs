//! The index's fields. One tantivy document per passage.
//!
//! Each passage's text goes into the fields of its own language (analysed by that
//! language's chain) and into the neutral `names` field (folded, not stemmed: names,
//! acronyms, exact forms and prefixes). The raw texts are stored for display, and small
//! integers are kept as fast fields so that grouping, filters and facets never need to
//! load a stored document.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::analyzer_name;
use crate::language::Lang;

/// The text fields of one language.
#[derive(Debug, Clone, Copy)]
pub struct LangFields {
    /// The document's title, analysed by this language's chain.
    pub title: Field,
    /// The document's summary (what it covers, in its author's words), analysed by this
    /// language's chain.
    pub summary: Field,
    /// The passage's heading, analysed by this language's chain.
    pub heading: Field,
    /// The passage's text, analysed by this language's chain.
    pub body: Field,
}

/// Every field of the schema, looked up once, to write and read passages.
#[derive(Debug, Clone)]
pub struct Fields {
    /// `<type>/<lang>/<key>`, indexed as one term to fetch a document's passages.
    pub doc_id: Field,
    /// `<type>/<key>`: the translations of one document share it.
    pub group: Field,
    /// Stored: the document's type, as results show it.
    pub doc_type: Field,
    /// Stored: the document's language code.
    pub lang: Field,
    /// Stored: the document's key, for links to it.
    pub key: Field,
    /// Stored: the document's title as written, for display.
    pub title: Field,
    /// Stored: the passage's heading as written, for display.
    pub heading: Field,
    /// Stored: so that a result links to `…#anchor`.
    pub anchor: Field,
    /// Stored: the passage's text as written, for snippets and the document's view.
    pub text: Field,
    /// The passage's links to other documents, as JSON (stored only when there are some).
    pub links: Field,
    /// Rank of the passage in its document.
    pub passage: Field,
    /// Fast: number of the document (distinct per id), of its group, its type and language.
    pub doc_ord: Field,
    /// Fast: number of the document's group, to show translations once.
    pub group_ord: Field,
    /// Fast: number of the type in [`Manifest::types`](super::Manifest::types), for
    /// filters and facets.
    pub type_ord: Field,
    /// Fast: [`Lang::ordinal`] of the document's language, for filters and facets.
    pub lang_ord: Field,
    /// Per language, in [`Lang::ALL`] order.
    pub by_lang: [LangFields; 3],
    /// Neutral analysis of title, heading and text.
    pub names: Field,
}

impl Fields {
    /// The text fields of one language.
    pub fn of(&self, lang: Lang) -> LangFields {
        self.by_lang[lang.ordinal() as usize]
    }
}

/// The schema of every index, with its fields.
pub fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let analysed = |lang: Option<Lang>| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer_name(lang))
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let mut lang_fields = |lang: Lang| LangFields {
        title: builder.add_text_field(&format!("title_{lang}"), analysed(Some(lang))),
        summary: builder.add_text_field(&format!("summary_{lang}"), analysed(Some(lang))),
        heading: builder.add_text_field(&format!("heading_{lang}"), analysed(Some(lang))),
        body: builder.add_text_field(&format!("body_{lang}"), analysed(Some(lang))),
    };
    let by_lang = Lang::ALL.map(&mut lang_fields);
    let fields = Fields {
        by_lang,
        names: builder.add_text_field("names", analysed(None)),
        doc_id: builder.add_text_field("doc_id", STRING | STORED),
        group: builder.add_text_field("group", STRING),
        doc_type: builder.add_text_field("type", STORED),
        lang: builder.add_text_field("lang", STORED),
        key: builder.add_text_field("key", STORED),
        title: builder.add_text_field("title", STORED),
        heading: builder.add_text_field("heading", STORED),
        anchor: builder.add_text_field("anchor", STORED),
        text: builder.add_text_field("text", STORED),
        links: builder.add_text_field("links", STORED),
        passage: builder.add_u64_field("passage", STORED),
        doc_ord: builder.add_u64_field("doc_ord", FAST),
        group_ord: builder.add_u64_field("group_ord", FAST),
        type_ord: builder.add_u64_field("type_ord", FAST | INDEXED),
        lang_ord: builder.add_u64_field("lang_ord", FAST | INDEXED),
    };
    (builder.build(), fields)
}

/// The fields of an opened index, found by name.
pub fn fields_of(schema: &Schema) -> tantivy::Result<Fields> {
    let (expected, fields) = self::schema();
    if *schema != expected {
        return Err(tantivy::TantivyError::SchemaError(
            "the index was built with another schema".into(),
        ));
    }
    Ok(fields)
}
