//! Synonym and concept groups (`corpus/synonyms.toml`), edited by the organisation.
//!
//! Each group lists terms per language. A query containing one of its terms also
//! searches the group's other terms, each in its own language's fields, weighted below the
//! literal words: within a language, synonyms (`DPJ` / `protection de la jeunesse`);
//! across languages, one concept (`centre désigné` / `designated centre` /
//! `centro designado`), so that a query finds the right document even in another
//! language's words. The groups are read when the index is built and kept with it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::analysis::{analyzer, tokens};
use crate::language::Lang;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Synonyms {
    groups: Vec<Group>,
}

/// Terms by language, as written in the file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Group {
    #[serde(flatten)]
    pub terms: BTreeMap<Lang, Vec<String>>,
}

#[derive(Deserialize)]
struct SynonymsFile {
    #[serde(default)]
    group: Vec<Group>,
}

/// One term of a group to search too: its language and text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expansion {
    pub lang: Lang,
    pub text: String,
}

impl Synonyms {
    /// Reads the file; a missing file means no groups.
    pub fn load(path: &Path) -> Result<Synonyms, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Synonyms::default()),
            Err(e) => return Err(e.to_string()),
        };
        let file: SynonymsFile = toml::from_str(&text).map_err(|e| e.to_string())?;
        Ok(Synonyms { groups: file.group })
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// The groups ready to match queries: each term as its sequence of neutral tokens.
pub struct Matcher {
    groups: Vec<(Group, Vec<Vec<String>>)>,
}

fn neutral_tokens(text: &str) -> Vec<String> {
    let mut found = tokens(&mut analyzer(None), text);
    found.dedup_by_key(|t| t.position);
    found.into_iter().map(|t| t.text).collect()
}

impl Matcher {
    pub fn new(synonyms: &Synonyms) -> Matcher {
        let groups = synonyms
            .groups
            .iter()
            .map(|group| {
                let sequences = group
                    .terms
                    .values()
                    .flatten()
                    .map(|term| neutral_tokens(term))
                    .collect();
                (group.clone(), sequences)
            })
            .collect();
        Matcher { groups }
    }

    /// The other terms of every group one of whose terms appears, word for word, in `query`.
    pub fn expand(&self, query: &str) -> Vec<Expansion> {
        let typed = neutral_tokens(query);
        let mut found = Vec::new();
        for (group, sequences) in &self.groups {
            let present: Vec<&Vec<String>> = sequences
                .iter()
                .filter(|seq| {
                    !seq.is_empty() && typed.windows(seq.len()).any(|w| w == seq.as_slice())
                })
                .collect();
            if present.is_empty() {
                continue;
            }
            for (lang, terms) in &group.terms {
                for term in terms {
                    if !present.contains(&&neutral_tokens(term)) {
                        found.push(Expansion {
                            lang: *lang,
                            text: term.clone(),
                        });
                    }
                }
            }
        }
        found.sort();
        found.dedup();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[[group]]
fr = ["trousse médicolégale", "kit médicolégal"]
en = ["rape kit", "forensic kit"]

[[group]]
fr = ["DPJ", "protection de la jeunesse"]
"#;

    fn matcher() -> Matcher {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synonyms.toml");
        std::fs::write(&path, FILE).unwrap();
        Matcher::new(&Synonyms::load(&path).unwrap())
    }

    fn expand(query: &str) -> Vec<(Lang, String)> {
        matcher()
            .expand(query)
            .into_iter()
            .map(|e| (e.lang, e.text))
            .collect()
    }

    #[test]
    fn a_term_brings_its_group_in_every_language() {
        assert_eq!(
            expand("Rape Kit délai"),
            [
                (Lang::Fr, "kit médicolégal".into()),
                (Lang::Fr, "trousse médicolégale".into()),
                (Lang::En, "forensic kit".into())
            ]
        );
        assert_eq!(
            expand("la trousse medicolegale"),
            expand("trousse médicolégale")
        );
        assert_eq!(
            expand("signalement à la dpj"),
            [(Lang::Fr, "protection de la jeunesse".to_string())]
        );
    }

    #[test]
    fn only_whole_terms_match() {
        assert!(expand("kit").is_empty());
        assert!(expand("rape").is_empty());
    }

    #[test]
    fn a_missing_file_is_no_groups_and_a_broken_one_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            Synonyms::load(&dir.path().join("none.toml"))
                .unwrap()
                .is_empty()
        );
        let broken = dir.path().join("broken.toml");
        std::fs::write(&broken, "[[group]\nfr = 1").unwrap();
        assert!(Synonyms::load(&broken).is_err());
    }
}
