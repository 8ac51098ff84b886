//! Synonym and concept groups (`corpus/synonyms.toml`), edited by the organisation.
//!
//! Each group lists terms per language. A query containing one of its terms also
//! searches the group's other terms, each in its own language's fields, weighted below the
//! literal words: within a language, synonyms (`DPJ` / `protection de la jeunesse`);
//! across languages, one concept (`centre désigné` / `designated centre` /
//! `centro designado`), so that a query finds the right document even in another
//! language's words. The groups are read when the index is built and kept with it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use rustc_hash::FxHashMap;

use crate::analysis::{
    APOSTROPHES, AnalysedToken, EveryAnalysis, IndexAnalyzers, is_acronym, is_stop_word, tokens,
    word_of_offset,
};
use crate::language::Lang;

/// The groups as the organisation wrote them; kept with the index it was built with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Synonyms {
    groups: Vec<Group>,
}

/// Terms by language, as written in the file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Each language's terms; a language may have none, or several synonyms.
    #[serde(flatten)]
    pub terms: BTreeMap<Lang, Vec<String>>,
}

#[derive(Deserialize)]
struct SynonymsFile {
    #[serde(default)]
    group: Vec<Group>,
}

/// One term of a group to search too: its language, its text, and the typed words it
/// stands for (positions among the query's words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// The term's place among [`Synonyms::terms`]: what was worked out for it beforehand
    /// is found by it.
    pub id: usize,
    /// The term's language: it is searched in that language's fields.
    pub lang: Lang,
    /// The term as written in the file.
    pub text: String,
    /// The query's words it stands for, by position.
    pub words: Range<usize>,
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

    /// The number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Every term of every group, with its language, in the order of [`Expansion::id`].
    pub fn terms(&self) -> impl Iterator<Item = (Lang, &str)> {
        (self.groups.iter())
            .flat_map(|group| &group.terms)
            .flat_map(|(lang, terms)| terms.iter().map(|term| (*lang, term.as_str())))
    }

    /// Whether there are no groups: then no query is expanded.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// The words of a term the file writes between double quotes (`'"im a guy"'`): a reader's
/// words rather than the guide's, which mean something only whole. Such a term matches a
/// query only as written, every word of it, stop words included (`im a guy`, not any
/// `guy`), and is never searched itself.
pub(crate) fn written_only(term: &str) -> Option<&str> {
    term.strip_prefix('"')?.strip_suffix('"')
}

/// The groups ready to match queries: each term as the sequence of stems its own
/// language's analyzer makes of it, so that a term matches its plurals, its feminine, its
/// forms without accents and whatever separates its words (`morning-after pill` =
/// `morning after pill`), and stop words do not count (`pilule du lendemain` =
/// `pilule lendemain`).
pub struct Matcher {
    /// Each group, with each of its terms as it is compared (in the group's order), and
    /// the id of its first term ([`Expansion::id`]).
    groups: Vec<(Group, Vec<Term>, usize)>,
    /// Where each term starts, by analyzer ([`Key::analyzer`]): its first stem → (group,
    /// term) positions. A query is matched by looking up its own stems, not by walking
    /// every term.
    starts: [FxHashMap<String, Vec<(usize, usize)>>; 4],
}

/// A term as it is compared: how, and the sequence of stems or words.
type Term = (Key, Vec<String>);

/// How a term is compared with a query: by its stems in its language, or by its words as
/// written, folded, for a term whose stems would match far more than it means: stems that
/// are all stop words (`what to do`; `queer`, which French stems to `que`; the acronym
/// `ITS`, stemmed `it`), or a single common stem left of several words (`que faire` →
/// `fair`). A single rarer stem left of several words is compared by its word as written
/// (`mon fils` → `fils`, not the stem `fil` that `j'file pas` has too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Stems(Lang),
    Words,
    /// As written too, but only against a word typed in capitals: `ITS` (sexually
    /// transmitted infections, in French and Spanish) is not the English `its`.
    Acronym,
}

/// A text's stems (or words), each with the byte offset it starts at.
type Positioned = Vec<(String, usize)>;

/// The stems of a text, from its tokens (`found`), one per position: the parts of a
/// compound rather than its joined form. With each stem, the byte offset it starts at.
fn stems(found: &[AnalysedToken]) -> Positioned {
    let mut stems = Vec::with_capacity(found.len());
    for (i, token) in found.iter().enumerate() {
        let same_position = |j: usize| found.get(j).is_some_and(|t| t.position == token.position);
        let is_joined_compound = same_position(i + 1) && (i == 0 || !same_position(i - 1));
        if !is_joined_compound {
            stems.push((token.text.clone(), token.offsets.start));
        }
    }
    stems
}

/// Every way a term can be compared, in the order of [`Key::analyzer`].
const KEYS: [Key; 4] = [
    Key::Stems(Lang::Fr),
    Key::Stems(Lang::En),
    Key::Stems(Lang::Es),
    Key::Words,
];

impl Key {
    /// The language whose analyzer compares by this key (`None`: the neutral one).
    fn lang(self) -> Option<Lang> {
        match self {
            Key::Stems(lang) => Some(lang),
            Key::Words | Key::Acronym => None,
        }
    }

    /// Where its analyzer stands among [`IndexAnalyzers::LANGS`].
    fn analyzer(self) -> usize {
        IndexAnalyzers::slot(self.lang())
    }
}

/// How `term`, of `lang`, is compared with queries ([`Key`]), and its sequence of stems
/// or words. `stems_of` analyses a text by a key; `common` is [`Matcher::new`]'s.
fn compared(
    lang: Lang,
    term: &str,
    stems_of: &mut dyn FnMut(Key, &str) -> Positioned,
    common: &dyn Fn(Lang, &str) -> bool,
) -> Term {
    let as_written = |sequence: Positioned| {
        (sequence.into_iter())
            .map(|(word, _)| without_apostrophes(&word))
            .collect()
    };
    if let Some(words) = written_only(term) {
        return (Key::Words, as_written(stems_of(Key::Words, words)));
    }
    let stemmed = stems_of(Key::Stems(lang), term);
    let by_stems = |sequence: Positioned| {
        (
            Key::Stems(lang),
            sequence.into_iter().map(|(stem, _)| stem).collect(),
        )
    };
    // A term whose stems are all stop words of some language (none, a loanword the stemmer
    // mangles: French `queer` → `que`, or an acronym: French `ITS` → `it`) would match any
    // query with those words: it is compared by its words as written.
    let stop =
        |(stem, _): &(String, usize)| Lang::ALL.into_iter().any(|other| is_stop_word(other, stem));
    let key = if is_acronym(term) {
        Key::Acronym
    } else {
        Key::Words
    };
    if stemmed.iter().all(stop) {
        return (key, as_written(stems_of(key, term)));
    }
    let [(stem, at)] = stemmed.as_slice() else {
        return by_stems(stemmed);
    };
    let written = stems_of(Key::Words, term);
    if written.len() == 1 {
        return by_stems(stemmed);
    }
    // So is a term of several words left with one stem that many texts have (`qué hacer`
    // → `hac`, `que faire` → `fair`): it would match every query with `hace` or `faire`.
    if common(lang, stem) {
        return (key, as_written(written));
    }
    // A term of several words left with one rarer stem stands on that word, typed as
    // written: its stem alone reaches other words (`mon fils` → `fil`, as in `j'file pas`;
    // `ma faute` → `faut`, as in `il faut`). But a compound's parts all start where it
    // does (`follow-up` → `follow`, `up`), and its stem does not say which part it is: such
    // a term keeps its stems.
    let mut starting_there = written.iter().filter(|(_, start)| start == at);
    match (starting_there.next(), starting_there.next()) {
        (Some(word), None) => (Key::Words, as_written(vec![word.clone()])),
        _ => by_stems(stemmed),
    }
}

/// A word as terms compared as written meet it: without apostrophes, which people type or
/// leave out (`i'm`, `im`, `i’m`).
fn without_apostrophes(word: &str) -> String {
    word.replace(APOSTROPHES, "")
}

impl Matcher {
    /// Analyses every term of every group, once, when an index is opened, with the
    /// index's analyzers (`registered`): their memos learn the groups' words, which
    /// queries then read, and a query's synonyms, searched, are analysed from memory.
    /// `common(lang, stem)` tells a stem that too many of the language's texts have to
    /// stand for a term of several words alone.
    pub fn new(
        synonyms: &Synonyms,
        registered: &IndexAnalyzers,
        common: &dyn Fn(Lang, &str) -> bool,
    ) -> Matcher {
        let mut learning = KEYS.map(|key| registered.for_corpus(key.lang()));
        let mut stems_of =
            |key: Key, term: &str| stems(&tokens(&mut learning[key.analyzer()], term));
        let mut first_id = 0;
        let groups: Vec<(Group, Vec<Term>, usize)> = synonyms
            .groups
            .iter()
            .map(|group| {
                let keys = group
                    .terms
                    .iter()
                    .flat_map(|(lang, terms)| terms.iter().map(move |term| (*lang, term)))
                    .map(|(lang, term)| compared(lang, term, &mut stems_of, common))
                    .collect::<Vec<_>>();
                let id = first_id;
                first_id += keys.len();
                (group.clone(), keys, id)
            })
            .collect();
        let mut starts: [FxHashMap<String, Vec<(usize, usize)>>; 4] = Default::default();
        for (g, (_, terms, _)) in groups.iter().enumerate() {
            for (t, (key, sequence)) in terms.iter().enumerate() {
                if let Some(first) = sequence.first() {
                    starts[key.analyzer()]
                        .entry(first.clone())
                        .or_default()
                        .push((g, t));
                }
            }
        }
        Matcher { groups, starts }
    }

    /// The other terms of every group one of whose terms appears in `words` (the query's
    /// words), each with the words it stands for. `analysed`: the words joined by spaces,
    /// as every query analyzer took them apart.
    pub fn expand(&self, words: &[String], analysed: &EveryAnalysis) -> Vec<Expansion> {
        // Each term found, by group: which term, and the words it covers.
        let mut matched: BTreeMap<usize, Vec<(usize, Range<usize>)>> = BTreeMap::new();
        let word_at = word_of_offset(words);
        for key in KEYS {
            // The query's stems (or words), each with the word it comes from.
            let typed: Vec<(String, usize)> = stems(analysed.of(key.lang()))
                .into_iter()
                .map(|(stem, offset)| match key {
                    Key::Stems(_) => (stem, word_at(offset)),
                    Key::Words | Key::Acronym => (without_apostrophes(&stem), word_at(offset)),
                })
                .collect();
            for (at, (stem, _)) in typed.iter().enumerate() {
                let Some(candidates) = self.starts[key.analyzer()].get(stem) else {
                    continue;
                };
                for &(group, term) in candidates {
                    let (term_key, sequence) = &self.groups[group].1[term];
                    let Some(window) = typed.get(at..at + sequence.len()) else {
                        continue;
                    };
                    let as_typed = *term_key != Key::Acronym
                        || window.iter().all(|&(_, word)| is_acronym(&words[word]));
                    if as_typed && window.iter().map(|(s, _)| s).eq(sequence.iter()) {
                        let covered = window[0].1..window[window.len() - 1].1 + 1;
                        matched.entry(group).or_default().push((term, covered));
                    }
                }
            }
        }
        let mut found = Vec::new();
        for (group, matched) in matched {
            let Some(words) = matched
                .iter()
                .map(|(_, words)| words.clone())
                .reduce(|a, b| a.start.min(b.start)..a.end.max(b.end))
            else {
                continue;
            };
            let (group, _, first_id) = &self.groups[group];
            let terms = (group.terms.iter())
                .flat_map(|(lang, terms)| terms.iter().map(move |term| (*lang, term)));
            for (i, (lang, text)) in terms.enumerate() {
                if !matched.iter().any(|(term, _)| *term == i) && written_only(text).is_none() {
                    found.push(Expansion {
                        id: first_id + i,
                        lang,
                        text: text.clone(),
                        words: words.clone(),
                    });
                }
            }
        }
        found.sort_by(|a, b| (a.lang, &a.text).cmp(&(b.lang, &b.text)));
        found.dedup_by(|a, b| a.lang == b.lang && a.text == b.text);
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

    /// The matcher of a synonyms file's `text`, with the stems `common` says are common.
    fn matcher_of(text: &str, common: &dyn Fn(Lang, &str) -> bool) -> Matcher {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synonyms.toml");
        std::fs::write(&path, text).unwrap();
        Matcher::new(
            &Synonyms::load(&path).unwrap(),
            &IndexAnalyzers::default(),
            common,
        )
    }

    /// A query's words, as the engine hands them over.
    fn words(query: &str) -> Vec<String> {
        query.split_whitespace().map(String::from).collect()
    }

    /// What `matcher` brings for `query`, analysed as the engine analyses it.
    fn expand_query(matcher: &Matcher, query: &str) -> Vec<Expansion> {
        let analyzers = IndexAnalyzers::default();
        let joined = words(query).join(" ");
        let analysed =
            IndexAnalyzers::LANGS.map(|lang| tokens(&mut analyzers.for_queries(lang), &joined));
        matcher.expand(&words(query), &EveryAnalysis(analysed))
    }

    /// Checks how many terms `matcher` brings for each query of `table`.
    fn assert_expansions(matcher: &Matcher, table: &[(&str, usize)]) {
        for (query, count) in table {
            let found = expand_query(matcher, query);
            assert_eq!(found.len(), *count, "{query}: {found:?}");
        }
    }

    fn matcher() -> Matcher {
        matcher_of(FILE, &|_, _| false)
    }

    fn expand(query: &str) -> Vec<(Lang, String)> {
        expand_query(&matcher(), query)
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

    /// Query, and the terms it should bring: forms, separators and stop words do not matter.
    #[test]
    fn terms_match_in_any_form() {
        let file = r#"
[[group]]
en = ["morning-after pill", "emergency contraception"]
fr = ["pilule du lendemain"]
es = ["violación"]
"#;
        let matcher = matcher_of(file, &|_, _| false);
        let table: &[(&str, usize, Range<usize>)] = &[
            ("morning after pill", 3, 0..3),
            ("MORNING-AFTER PILLS", 3, 0..2),
            ("need morning after pill now", 3, 1..4),
            ("ayúdame morning after pill", 3, 1..4),
            ("pilules lendemain", 3, 0..2),
            ("violaciones que hacer", 3, 0..1),
            ("violacion", 3, 0..1),
            ("morning pill", 0, 0..0),
        ];
        for (query, count, covered) in table {
            let found = expand_query(&matcher, query);
            assert_eq!(found.len(), *count, "{query}: {found:?}");
            assert!(
                found.iter().all(|e| e.words == *covered),
                "{query}: {found:?}"
            );
        }
    }

    /// French and Spanish stem `queer` as `que`, French `ITS` as `it`: compared by their
    /// stems, they would match every query with `qué` or `it`. A term whose stems are all
    /// stop words of some language is compared as written, and an acronym only with a
    /// word typed in capitals (English `its` is a stop word, not `ITS`).
    #[test]
    fn a_term_that_stems_to_stop_words_matches_only_as_written() {
        let file = "[[group]]\nfr = [\"queer\", \"queers\"]\nes = [\"queer\", \"LGBTQ+\"]\n\n[[group]]\nfr = [\"ITS\", \"ITSS\"]\n";
        let matcher = matcher_of(file, &|_, _| false);
        let found = |query: &str| expand_query(&matcher, query).len();
        assert_eq!(found("qué hago"), 0);
        assert_eq!(found("que hacer"), 0);
        assert_eq!(found("is it rape"), 0);
        assert_eq!(
            found("its my fault"),
            0,
            "an acronym matches in capitals only"
        );
        assert!(found("dépistage ITS") > 0);
        assert!(found("persona queer") > 0);
    }

    /// `que faire` is left with the stem `fair` (`que` is a stop word): too common a stem
    /// to stand for the term, so the term is compared as written.
    #[test]
    fn a_term_left_with_one_common_stem_matches_only_as_written() {
        let file = "[[group]]\nfr = [\"que faire\", \"premières heures\"]\n\n[[group]]\nfr = [\"trousse\", \"kit\"]\n";
        let found = |common: &dyn Fn(Lang, &str) -> bool, query: &str| {
            expand_query(&matcher_of(file, common), query).len()
        };
        let faire_is_common = |_: Lang, stem: &str| stem == "fair";
        assert_eq!(found(&faire_is_common, "faire une plainte"), 0);
        assert_eq!(found(&|_, _| true, "une trousse"), 1, "a term of one word");
        assert_eq!(found(&faire_is_common, "que faire maintenant"), 1);
        assert_eq!(
            found(&|_, _| false, "faire une plainte"),
            1,
            "a rare stem matches alone"
        );
    }

    /// A term whose stop words leave one stem stands on that word as written: French stems
    /// `fils` (son) and `file` (Québec's `j'file pas`, I feel unwell) alike, `faute`
    /// (fault) and `faut` (must) alike. A compound keeps its stems: `follow-up` is not `up`.
    #[test]
    fn a_term_left_with_one_stem_matches_that_word_as_written() {
        let file = "[[group]]\nfr = [\"mon fils\", \"mon garçon\"]\n\n[[group]]\nfr = [\"ma faute\", \"culpabilité\"]\n\n[[group]]\nen = [\"follow-up\", \"aftercare\"]\n";
        let matcher = matcher_of(file, &|_, _| false);
        let table: &[(&str, usize)] = &[
            ("mon fils", 1),
            ("mes fils ados", 1),
            ("FILS", 1),
            ("c'est ma faute", 1),
            ("est-ce de ma faute", 1),
            ("j'file pas depuis", 0),
            ("il faut porter plainte", 0),
            ("give it up", 0),
            ("a follow up", 1),
        ];
        assert_expansions(&matcher, table);
    }

    /// A term between double quotes matches only whole and as written, stop words
    /// included, whatever its capitals and apostrophes; it brings its group's other terms
    /// but is never brought itself.
    #[test]
    fn a_quoted_term_matches_only_whole() {
        let file = r#"
[[group]]
en = ['"im a guy"', "male victim"]
fr = ['"je suis un gars"', "\"j'suis un gars\""]
"#;
        let matcher = matcher_of(file, &|_, _| false);
        let table: &[(&str, usize)] = &[
            ("im a guy and she forced me", 1),
            ("I'm a guy", 1),
            ("i’m a guy", 1),
            ("IM A GUY", 1),
            ("je suis un gars pis", 1),
            ("j'suis un gars", 1),
            ("a guy forced me", 0),
            ("im the guy", 0),
            ("un gars m'a suivie", 0),
            ("male victims", 0),
        ];
        assert_expansions(&matcher, table);
        assert_eq!(written_only("\"im a guy\""), Some("im a guy"));
        assert_eq!(written_only("male victim"), None);
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
