//! Search-as-you-type suggestions: completions of the last word from the corpus's own
//! vocabulary, and titles that match what is typed so far.

use serde::Serialize;

use crate::analysis::{analyzer, tokens};
use crate::index::{DocumentEntry, Vocabulary};
use crate::language::Lang;

/// How many completions and how many titles, at most.
const MAX_COMPLETIONS: usize = 5;
const MAX_TITLES: usize = 5;
/// Shorter last words are not completed: too many words would match.
const MIN_PREFIX_CHARS: usize = 2;

/// One thing to propose while a person types: the query completed, or a title.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// What to show, and to search for if chosen.
    pub text: String,
    /// For a title: the document it leads to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// The suggestions for what is typed so far, as the API returns them.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestions {
    /// Completions first, then titles; empty when nothing fits.
    pub suggestions: Vec<Suggestion>,
}

/// Titles, folded into words once, to match typed prefixes against.
pub struct Titles {
    entries: Vec<(Vec<String>, DocumentEntry)>,
}

impl Titles {
    pub fn new(documents: &[DocumentEntry]) -> Titles {
        let mut neutral = analyzer(None);
        let entries = documents
            .iter()
            .map(|doc| {
                (
                    tokens(&mut neutral, &doc.about.title)
                        .into_iter()
                        .map(|t| t.text)
                        .collect(),
                    doc.clone(),
                )
            })
            .collect();
        Titles { entries }
    }
}

pub fn suggest(query: &str, ui: Lang, vocabulary: &Vocabulary, titles: &Titles) -> Suggestions {
    let mut neutral = analyzer(None);
    let mut typed: Vec<String> = tokens(&mut neutral, query)
        .into_iter()
        .map(|t| t.text)
        .collect();
    typed.dedup();
    let completing = !query.ends_with(char::is_whitespace);
    let mut suggestions = Vec::new();

    if let (true, Some(last)) = (completing, typed.last())
        && last.chars().count() >= MIN_PREFIX_CHARS
    {
        // Everything up to the last word, which the completion replaces.
        let head = query
            .trim_end()
            .trim_end_matches(|c: char| !c.is_whitespace());
        for word in vocabulary.completions(last, MAX_COMPLETIONS) {
            suggestions.push(Suggestion {
                text: format!("{head}{}", word.surface),
                id: None,
            });
        }
    }

    if !typed.is_empty() {
        let matches = |title_words: &[String]| {
            typed.iter().enumerate().all(|(i, word)| {
                let is_last = i + 1 == typed.len();
                title_words.iter().any(|t| {
                    if is_last && completing {
                        t.starts_with(word.as_str())
                    } else {
                        t == word
                    }
                })
            })
        };
        let mut found: Vec<&DocumentEntry> = titles
            .entries
            .iter()
            .filter(|(words, _)| matches(words))
            .map(|(_, doc)| doc)
            .collect();
        // The interface's language first, then the usual order; one version per document.
        found.sort_by_key(|doc| (doc.about.lang != ui, doc.about.lang, doc.id.clone()));
        let mut seen = std::collections::HashSet::new();
        found.retain(|doc| seen.insert(doc.about.group()));
        suggestions.extend(found.into_iter().take(MAX_TITLES).map(|doc| Suggestion {
            text: doc.about.title.clone(),
            id: Some(doc.id.clone()),
        }));
    }
    Suggestions { suggestions }
}
