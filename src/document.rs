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
    #[serde(flatten)]
    pub about: About,
    pub passages: Vec<Passage>,
}

/// What describes a document, apart from its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct About {
    /// `guide`, `committee`, `partner`, or the corpus folder it came from.
    #[serde(rename = "type")]
    pub doc_type: String,
    pub lang: Lang,
    /// Shared by the translations of one document.
    pub key: String,
    pub title: String,
    pub summary: Option<String>,
    /// The page this text is published at on the organisation's site, if any.
    pub source_url: Option<String>,
    pub updated: Option<String>,
}

/// A part of a document under one heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// The passage's heading; the document's title for text before the first heading.
    pub heading: String,
    /// Unique within the document; empty for text before the first heading.
    pub anchor: String,
    pub text: String,
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
            }],
        }
    }
}

pub fn document_id(doc_type: &str, lang: Lang, key: &str) -> String {
    format!("{doc_type}/{lang}/{key}")
}

pub fn group_id(doc_type: &str, key: &str) -> String {
    format!("{doc_type}/{key}")
}

/// Collects (heading, text) sections into passages with unique anchors, dropping
/// sections that hold no text.
pub fn passages_from_sections(sections: Vec<(String, String)>) -> Vec<Passage> {
    let mut used = std::collections::HashSet::new();
    sections
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(heading, text)| {
            let anchor = unique_anchor(&slug(&heading), &mut used);
            Passage {
                heading: heading.trim().to_string(),
                anchor,
                text: text.trim().to_string(),
            }
        })
        .collect()
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
        let passages = passages_from_sections(vec![
            ("Intro".into(), "a".into()),
            ("Aide".into(), "b".into()),
            ("Vide".into(), "  ".into()),
            ("Aide".into(), "c".into()),
        ]);
        let anchors: Vec<&str> = passages.iter().map(|p| p.anchor.as_str()).collect();
        assert_eq!(anchors, ["intro", "aide", "aide-2"]);
    }
}
