//! The corpus's words, for completions: each folded form (what the neutral analyzer
//! indexes, `medicolegale`) with the spelling most used in the texts (`médicolégale`) and
//! how often it occurs.

use std::sync::OnceLock;

use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder};
use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use crate::analysis;
use crate::document::Document;
#[cfg(doc)]
use crate::language::Lang;

/// One word of the corpus, under its folded form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    /// The neutral form: lowercase, folded.
    pub folded: String,
    /// The most frequent spelling in the corpus, lowercase.
    pub surface: String,
    /// Occurrences in the whole corpus, all spellings: frequent words are proposed first.
    pub count: u64,
    /// Occurrences in the documents of each language, in [`Lang::ALL`] order: which
    /// language a word belongs to, as the corpus uses it.
    pub by_lang: [u64; 3],
}

/// Words sorted by folded form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Vocabulary {
    words: Vec<Word>,
}

impl Vocabulary {
    /// Counts the words of the documents' titles, headings and texts.
    pub fn of(documents: &[Document]) -> Vocabulary {
        // Words as written → occurrences: one hash lookup per word of the corpus, no
        // allocation; each distinct written word is then analysed once.
        let mut written_counts: FxHashMap<&str, [u64; 3]> = FxHashMap::default();
        for document in documents {
            let lang = document.about.lang.ordinal() as usize;
            let texts = std::iter::once(&document.about.title)
                .chain(document.passages.iter().flat_map(|p| [&p.heading, &p.text]));
            for text in texts {
                analysis::for_each_word(text, |word| {
                    written_counts.entry(word).or_default()[lang] += 1
                });
            }
        }
        // Folded form → (spelling → occurrences, occurrences per language). The folded
        // form is the first token the neutral chain makes of a word: a compound whole, not
        // its parts.
        let mut neutral = analysis::analyzer(None);
        let mut counts: FxHashMap<String, (FxHashMap<String, u64>, [u64; 3])> =
            FxHashMap::default();
        for (written, occurrences) in written_counts {
            let mut stream = neutral.token_stream(written);
            if let Some(token) = stream.next() {
                let (spellings, by_lang) = counts.entry(token.text.clone()).or_default();
                *spellings.entry(surface(written, &token.text)).or_default() +=
                    occurrences.iter().sum::<u64>();
                for (total, n) in by_lang.iter_mut().zip(occurrences) {
                    *total += n;
                }
            }
        }
        let mut words: Vec<Word> = counts
            .into_iter()
            .map(|(folded, (spellings, by_lang))| {
                let count = spellings.values().sum();
                // On a tie, the accented spelling: texts drop accents more often than add them.
                let accents = |s: &str| s.chars().filter(|c| !c.is_ascii()).count();
                let (surface, _) = spellings
                    .into_iter()
                    .max_by(|a, b| {
                        a.1.cmp(&b.1)
                            .then(accents(&a.0).cmp(&accents(&b.0)))
                            .then(b.0.cmp(&a.0))
                    })
                    .expect("at least one spelling");
                Word {
                    folded,
                    surface,
                    count,
                    by_lang,
                }
            })
            .collect();
        words.sort_by(|a, b| a.folded.cmp(&b.folded));
        Vocabulary { words }
    }

    /// The most frequent words starting with `prefix` (a folded form), at most `limit`.
    pub fn completions(&self, prefix: &str, limit: usize) -> Vec<&Word> {
        let start = self.words.partition_point(|w| w.folded.as_str() < prefix);
        let mut found: Vec<&Word> = self.words[start..]
            .iter()
            .take_while(|w| w.folded.starts_with(prefix))
            .collect();
        found.sort_by(|a, b| b.count.cmp(&a.count).then(a.folded.cmp(&b.folded)));
        found.truncate(limit);
        found
    }

    /// Whether the corpus has this word (a folded form).
    pub fn contains(&self, folded: &str) -> bool {
        self.get(folded).is_some()
    }

    /// The corpus's word of this folded form, if it has it.
    pub fn get(&self, folded: &str) -> Option<&Word> {
        self.words
            .binary_search_by(|w| w.folded.as_str().cmp(folded))
            .ok()
            .map(|i| &self.words[i])
    }

    /// Words within `max_edits` (at most 2) of `folded`, a transposition counting as one
    /// edit; closest and most frequent first, at most `limit`.
    ///
    /// A Levenshtein automaton walks the sorted words like a trie: once a prefix cannot
    /// lead to a match, every word that starts with it is skipped at once, so a typo costs
    /// a few thousand steps, not an edit distance per word of the corpus.
    pub fn near(&self, folded: &str, max_edits: usize, limit: usize) -> Vec<&Word> {
        let dfa = levenshtein(max_edits).build_dfa(folded);
        let mut found: Vec<(u8, &Word)> = Vec::new();
        let mut next = 0;
        while let Some(word) = self.words.get(next) {
            let bytes = word.folded.as_bytes();
            let mut state = dfa.initial_state();
            let dead_end = bytes.iter().position(|&byte| {
                state = dfa.transition(state, byte);
                state == levenshtein_automata::SINK_STATE
            });
            match dead_end {
                Some(at) => {
                    let hopeless = &bytes[..=at];
                    next += run_length(&self.words[next..], |w| {
                        w.folded.as_bytes().starts_with(hopeless)
                    });
                }
                None => {
                    if let Distance::Exact(edits) = dfa.distance(state) {
                        found.push((edits, word));
                    }
                    next += 1;
                }
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.count.cmp(&a.1.count)));
        found.into_iter().take(limit).map(|(_, w)| w).collect()
    }

    /// Every word, in the order of their folded forms.
    pub fn words(&self) -> impl Iterator<Item = &Word> {
        self.words.iter()
    }

    /// The number of distinct folded words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the corpus has no words at all.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// How many of the first `words` are `in_run`, given that those that are come first:
/// searched from the start, by doubling steps then halving, so that a short run costs a
/// few comparisons whatever the length of `words`.
fn run_length(words: &[Word], in_run: impl Fn(&Word) -> bool) -> usize {
    let mut step = 1;
    while step < words.len() && in_run(&words[step]) {
        step *= 2;
    }
    let from = step / 2;
    let to = step.min(words.len());
    from + words[from..to].partition_point(&in_run)
}

/// The automaton builder for `max_edits` (1 or 2; more is clamped to 2), made once: it
/// takes milliseconds.
fn levenshtein(max_edits: usize) -> &'static LevenshteinAutomatonBuilder {
    static BUILDERS: [OnceLock<LevenshteinAutomatonBuilder>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let edits = max_edits.min(2);
    BUILDERS[edits].get_or_init(|| LevenshteinAutomatonBuilder::new(edits as u8, true))
}

/// The word as written, lowercase, without an elided article (`l'harmonie` → `harmonie`).
fn surface(written: &str, folded: &str) -> String {
    let written = written.to_lowercase();
    match written.split_once(['\'', '’']) {
        Some((_, rest)) if !folded.contains(['\'', '’']) => rest.to_string(),
        _ => written,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_show_the_usual_spelling_most_frequent_first() {
        let vocabulary = Vocabulary::of(&[Document::example(
            "La trousse médicolégale, la trousse médicosociale, l'intervention médicosociale et la médecine. Medicolegale. Médicolégale.",
        )]);
        let completions: Vec<(&str, u64)> = vocabulary
            .completions("medic", 5)
            .into_iter()
            .map(|w| (w.surface.as_str(), w.count))
            .collect();
        assert_eq!(completions, [("médicolégale", 3), ("médicosociale", 2)]);
        assert_eq!(
            vocabulary.completions("medicol", 5)[0].surface,
            "médicolégale"
        );
        assert!(vocabulary.contains("medicolegale") && !vocabulary.contains("medicol"));
        let near: Vec<&str> = vocabulary
            .near("medicolgale", 1, 5)
            .into_iter()
            .map(|w| w.surface.as_str())
            .collect();
        assert_eq!(near, ["médicolégale"]);
        let swapped: Vec<&str> = vocabulary
            .near("trosuse", 1, 5)
            .into_iter()
            .map(|w| w.surface.as_str())
            .collect();
        assert_eq!(swapped, ["trousse"], "a transposition is one edit");
        let intervention = vocabulary.completions("interv", 1);
        assert_eq!(intervention[0].surface, "intervention");
        assert!(vocabulary.completions("zzz", 5).is_empty());
    }

    proptest::proptest! {
        /// The galloping search ends where a binary search of the whole list would.
        #[test]
        fn runs_end_where_a_binary_search_says(run in 1usize..300, rest in 0usize..300) {
            let words: Vec<Word> = (0..run + rest)
                .map(|i| Word {
                    folded: if i < run { "a" } else { "b" }.into(),
                    surface: String::new(),
                    count: 1,
                    by_lang: [1, 0, 0],
                })
                .collect();
            let in_run = |w: &Word| w.folded == "a";
            proptest::prop_assert_eq!(run_length(&words, in_run), words.partition_point(in_run));
        }
    }

    #[test]
    fn near_words_survive_the_skipping_of_hopeless_prefixes() {
        let vocabulary = Vocabulary::of(&[Document::example(
            "zz zzz abc abcd abd abdx abx bbc xabc xyz yyyy",
        )]);
        let near = |word, edits| {
            let mut found: Vec<&str> = vocabulary
                .near(word, edits, 20)
                .into_iter()
                .map(|w| w.folded.as_str())
                .collect();
            found.sort();
            found
        };
        assert_eq!(near("abc", 1), ["abc", "abcd", "abd", "abx", "bbc", "xabc"]);
        assert_eq!(near("bac", 1), ["abc", "bbc"]);
        assert_eq!(
            near("abc", 2),
            ["abc", "abcd", "abd", "abdx", "abx", "bbc", "xabc"]
        );
        assert_eq!(near("zzzz", 2), ["zz", "zzz"]);
    }
}
