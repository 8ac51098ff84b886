//! A document of the corpus, in one language, cut into passages.
//!
//! Every input format (Markdown, HTML, plain text, PDF) becomes a [`Document`]; from here
//! on nothing knows where it came from. Search hits point to the best passage, so a result
//! links to `…#anchor`.

use serde::{Deserialize, Serialize};

use crate::language::Lang;

/// One document in one language: one version of a key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Its type, language, key, title and other metadata.
    #[serde(flatten)]
    pub about: About,
    /// Its text, in order; what search indexes and hits point to.
    pub passages: Vec<Passage>,
}

/// What describes a document, apart from its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct About {
    /// `guide`, `committee`, `partner`, or the corpus folder it came from.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// The language the document is written in.
    pub lang: Lang,
    /// Shared by the translations of one document.
    pub key: String,
    /// Shown in search results and as the document's heading.
    pub title: String,
    /// One sentence shown under the title, if the document has one.
    pub summary: Option<String>,
    /// The page this text is published at on the organisation's site, if any.
    pub source_url: Option<String>,
    /// The date of the last revision (`YYYY-MM-DD`), as the front matter gives it.
    pub updated: Option<String>,
}

/// A part of a document under one heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// The passage's heading; the document's title for text before the first heading.
    pub heading: String,
    /// Unique within the document; empty for text before the first heading.
    pub anchor: String,
    /// The passage's plain text, trimmed, without its heading.
    pub text: String,
    /// Words of the text that link to another document, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<TextLink>,
}

/// Words of a passage's text that lead to another document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextLink {
    /// The words, as a byte range of the passage's text.
    pub start: usize,
    /// Where the words end: the byte just past them.
    pub end: usize,
    /// The document's address on this site, `/docs/<type>/<lang>/<key>`.
    pub to: String,
}

/// A link a parser found in the text of a section: its words and where it leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionLink {
    /// The section's position among those parsed.
    pub section: usize,
    /// The link's text, to be found again in the section's text.
    pub words: String,
    /// The link's target, as written; kept only if it is a document's address.
    pub to: String,
}

/// Whether `to` is the address of a document's view on this site: the only links the
/// corpus may make (no other site, no script).
pub fn is_document_address(to: &str) -> bool {
    let parts: Vec<&str> = to.split('/').collect();
    matches!(parts.as_slice(), ["", "docs", doc_type, lang, key]
        if [doc_type, lang, key].iter().all(|p| !p.is_empty()))
        && to
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '_'))
}

impl About {
    /// `<type>/<lang>/<key>`, e.g. `guide/fr/consent`.
    pub fn id(&self) -> String {
        document_id(&self.doc_type, self.lang, &self.key)
    }

    /// `<type>/<key>`: shared by the translations of one document.
    pub fn group(&self) -> String {
        group_id(&self.doc_type, &self.key)
    }
}

impl Document {
    /// `<type>/<lang>/<key>`, e.g. `guide/fr/consent`.
    pub fn id(&self) -> String {
        self.about.id()
    }

    /// The document's text, passages joined, for language detection and counts.
    pub fn full_text(&self) -> String {
        let parts: Vec<&str> = self.passages.iter().map(|p| p.text.as_str()).collect();
        parts.join("\n\n")
    }

    /// A French guide document with one passage of `text`, for tests.
    #[cfg(test)]
    pub(crate) fn example(text: &str) -> Document {
        Document {
            about: About {
                doc_type: "guide".into(),
                lang: Lang::Fr,
                key: "k".into(),
                title: "Titre".into(),
                summary: None,
                source_url: None,
                updated: None,
            },
            passages: vec![Passage {
                heading: "Aide".into(),
                anchor: "aide".into(),
                text: text.into(),
                links: Vec::new(),
            }],
        }
    }
}

/// A document's id, `<type>/<lang>/<key>`, from its parts.
pub fn document_id(doc_type: &str, lang: Lang, key: &str) -> String {
    format!("{doc_type}/{lang}/{key}")
}

/// The id shared by a document's translations, `<type>/<key>`, from its parts.
pub fn group_id(doc_type: &str, key: &str) -> String {
    format!("{doc_type}/{key}")
}

/// Collects (heading, text) sections into passages with unique anchors, dropping
/// sections that hold no text; each link is found in its section's text, in order (a
/// link whose words are not there is dropped).
pub fn passages_from_sections(
    sections: Vec<(String, String)>,
    links: &[SectionLink],
) -> Vec<Passage> {
    let mut used = std::collections::HashSet::new();
    sections
        .into_iter()
        .enumerate()
        .filter(|(_, (_, text))| !text.trim().is_empty())
        .map(|(position, (heading, text))| {
            let anchor = unique_anchor(&slug(&heading), &mut used);
            let text = text.trim().to_string();
            let links = links.iter().filter(|l| l.section == position);
            Passage {
                heading: heading.trim().to_string(),
                anchor,
                links: found_in(&text, links),
                text,
            }
        })
        .collect()
}

/// Where each link's words are in `text`, each looked for after the previous one.
fn found_in<'a>(text: &str, links: impl Iterator<Item = &'a SectionLink>) -> Vec<TextLink> {
    let mut from = 0;
    let mut found = Vec::new();
    for link in links {
        let words = link.words.trim();
        if words.is_empty() || !is_document_address(&link.to) {
            continue;
        }
        if let Some(at) = text[from..].find(words) {
            let start = from + at;
            from = start + words.len();
            found.push(TextLink {
                start,
                end: from,
                to: link.to.clone(),
            });
        }
    }
    found
}

fn unique_anchor(base: &str, used: &mut std::collections::HashSet<String>) -> String {
    if base.is_empty() {
        return String::new();
    }
    let mut anchor = base.to_string();
    let mut n = 2;
    while !used.insert(anchor.clone()) {
        anchor = format!("{base}-{n}");
        n += 1;
    }
    anchor
}

/// A URL fragment for a heading: lowercase letters and digits, words joined by `-`.
/// Accented letters stay (browsers handle them), so French headings stay readable.
pub fn slug(heading: &str) -> String {
    let mut slug = String::new();
    for c in heading.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_and_join_words() {
        for (heading, expected) in [
            ("Où trouver de l'aide", "où-trouver-de-l-aide"),
            ("  What is consent?  ", "what-is-consent"),
            ("911 — en cas d'urgence", "911-en-cas-d-urgence"),
            ("", ""),
            ("???", ""),
        ] {
            assert_eq!(slug(heading), expected);
        }
    }

    #[test]
    fn anchors_are_unique_and_empty_sections_dropped() {
        let passages = passages_from_sections(
            vec![
                ("Intro".into(), "a".into()),
                ("Aide".into(), "b".into()),
                ("Vide".into(), "  ".into()),
                ("Aide".into(), "c".into()),
            ],
            &[],
        );
        let anchors: Vec<&str> = passages.iter().map(|p| p.anchor.as_str()).collect();
        assert_eq!(anchors, ["intro", "aide", "aide-2"]);
    }

    #[test]
    fn links_are_found_in_their_sections_text_in_order() {
        let link = |section, words: &str, to: &str| SectionLink {
            section,
            words: words.into(),
            to: to.into(),
        };
        let passages = passages_from_sections(
            vec![
                ("".into(), " ".into()),
                ("A".into(), "le consentement, puis le consentement".into()),
            ],
            &[
                link(1, "consentement", "/docs/guide/fr/consent"),
                link(1, "consentement", "/docs/guide/fr/other"),
                link(1, "absent", "/docs/guide/fr/x"),
                link(1, "puis", "https://example.org/"),
                link(1, "le", "javascript:alert(1)"),
            ],
        );
        let found: Vec<(usize, usize, &str)> = passages[0]
            .links
            .iter()
            .map(|l| (l.start, l.end, l.to.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (3, 15, "/docs/guide/fr/consent"),
                (25, 37, "/docs/guide/fr/other")
            ]
        );
    }

    #[test]
    fn only_addresses_of_document_views_are_links() {
        for (to, expected) in [
            ("/docs/guide/fr/consent", true),
            ("/docs/committee/es/comite-spvm", true),
            ("/docs/guide/fr", false),
            ("/docs/guide/fr/a/b", false),
            ("https://example.org/docs/a/b/c", false),
            ("javascript:alert(1)", false),
            ("/docs/guide/fr/x\"onclick=", false),
            ("//evil.example/docs/a/b", false),
        ] {
            assert_eq!(is_document_address(to), expected, "{to}");
        }
    }
}
