//! The corpus's words (and its synonyms'), for completions, corrections and the query's
//! language: each folded form (what the neutral analyzer indexes, `medicolegale`) with
//! the spelling most used in the texts (`médicolégale`) and how often it occurs.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use crate::analysis;
use crate::document::Document;
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

/// The edit distance to one word, a transposition of neighbours counting as one edit
/// (optimal string alignment), counted row by row and given up once every cell of a row
/// is past the bound: a far word costs a row or two. Its rows are reused from word to word.
struct Distance {
    to: Vec<char>,
    from: Vec<char>,
    /// The rows before the previous one, the previous one and the current one.
    rows: [Vec<usize>; 3],
}

impl Distance {
    fn to(word: &str) -> Distance {
        let to: Vec<char> = word.chars().collect();
        let row = vec![0; to.len() + 1];
        Distance {
            to,
            from: Vec::new(),
            rows: [row.clone(), row.clone(), row],
        }
    }

    /// The distance from `word`, if at most `bound`.
    fn from(&mut self, word: &str, bound: usize) -> Option<usize> {
        self.from.clear();
        self.from.extend(word.chars());
        let (a, b) = (&self.from, &self.to);
        let [before, previous, current] = &mut self.rows;
        for (j, cell) in previous.iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            current[0] = i;
            for j in 1..=b.len() {
                let substitution = previous[j - 1] + usize::from(a[i - 1] != b[j - 1]);
                let mut cell = substitution.min(previous[j] + 1).min(current[j - 1] + 1);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    cell = cell.min(before[j - 2] + 1);
                }
                current[j] = cell;
            }
            if current.iter().all(|&cell| cell > bound) {
                return None;
            }
            std::mem::swap(before, previous);
            std::mem::swap(previous, current);
        }
        Some(previous[b.len()]).filter(|&distance| distance <= bound)
    }
}

/// The shortest word [`Vocabulary::split`] finds in a word typed without a space: shorter
/// ones (`de`, `la`, `to`) would split many a misspelt word into nonsense.
const MIN_SPLIT_CHARS: usize = 3;

/// Words sorted by folded form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Vocabulary {
    words: Vec<Word>,
    /// Each word's shape and position in `words`, shortest first, for
    /// [`Vocabulary::near`]: made on first use (or [`Vocabulary::prepare`]), never stored.
    #[serde(skip)]
    shapes: OnceLock<Vec<(Shape, u32)>>,
    /// Each folded form → its position in `words`, for [`Vocabulary::get`]: a search
    /// looks up every word it has, and a binary search over the words touches a dozen of
    /// them apart in memory. Made on first use (or [`Vocabulary::prepare`]), never stored.
    #[serde(skip)]
    positions: OnceLock<FxHashMap<Box<str>, u32>>,
}

impl PartialEq for Vocabulary {
    fn eq(&self, other: &Vocabulary) -> bool {
        self.words == other.words
    }
}

/// What a word is made of, for telling at once that it is too far from another: its
/// letters as bits (a letter's code modulo 64, so two letters may share one) and its
/// length in characters.
#[derive(Debug, Clone, Copy)]
struct Shape {
    letters: u64,
    chars: usize,
}

impl Shape {
    fn of(word: &str) -> Shape {
        let letters = word.chars().fold(0, |bits, c| bits | 1 << (c as u32 % 64));
        Shape {
            letters,
            chars: word.chars().count(),
        }
    }

    /// Whether `self` and `other` can be `edits` apart: an edit adds or removes at most
    /// one letter and one character. Never false for words that are (letters sharing a
    /// bit only make it say yes more often).
    fn may_be_within(self, other: Shape, edits: usize) -> bool {
        let missing = |a: u64, b: u64| (a & !b).count_ones() as usize;
        self.chars.abs_diff(other.chars) <= edits
            && missing(self.letters, other.letters) <= edits
            && missing(other.letters, self.letters) <= edits
    }
}

impl Vocabulary {
    /// Counts the words of the documents' titles, summaries, headings and texts, and
    /// those of `synonym_terms` in their language: words people type that the guide may
    /// not use (`sister`, `boyfriend`), so that a misspelling of one is corrected to it
    /// (and its group searched) and its language is known.
    pub fn of<'a>(
        documents: &'a [Document],
        synonym_terms: impl IntoIterator<Item = (Lang, &'a str)>,
    ) -> Vocabulary {
        // Words as written → occurrences: one hash lookup per word of the corpus, no
        // allocation; each distinct written word is then analysed once.
        let mut written_counts: FxHashMap<&str, [u64; 3]> = FxHashMap::default();
        for document in documents {
            let lang = document.about.lang.ordinal() as usize;
            let texts = std::iter::once(&document.about.title)
                .chain(&document.about.summary)
                .chain(document.passages.iter().flat_map(|p| [&p.heading, &p.text]));
            for text in texts {
                analysis::for_each_word(text, |word| {
                    written_counts.entry(word).or_default()[lang] += 1
                });
            }
        }
        for (lang, term) in synonym_terms {
            analysis::for_each_word(term, |word| {
                written_counts.entry(word).or_default()[lang.ordinal() as usize] += 1
            });
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
        Vocabulary {
            words,
            shapes: OnceLock::new(),
            positions: OnceLock::new(),
        }
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
        let at = self.positions().get(folded)?;
        Some(&self.words[*at as usize])
    }

    /// The two corpus words a word typed without the space between them stands for
    /// (`rapekit` → `rape` and `kit`, `trousseivac` → `trousse` and `ivac`), each of at
    /// least `MIN_SPLIT_CHARS`; of several ways to split it, the one whose rarer word is
    /// the most frequent.
    pub fn split(&self, folded: &str) -> Option<(&Word, &Word)> {
        let mut best: Option<(&Word, &Word)> = None;
        for (at, _) in folded.char_indices().skip(MIN_SPLIT_CHARS) {
            let (left, right) = folded.split_at(at);
            if right.chars().count() < MIN_SPLIT_CHARS {
                break;
            }
            let (Some(left), Some(right)) = (self.get(left), self.get(right)) else {
                continue;
            };
            let rarer = |(l, r): (&Word, &Word)| l.count.min(r.count);
            if best.is_none_or(|b| rarer((left, right)) > rarer(b)) {
                best = Some((left, right));
            }
        }
        best
    }

    /// Makes the lookup tables now, rather than in the first search that needs them.
    pub fn prepare(&self) {
        self.positions();
        self.shapes();
    }

    fn positions(&self) -> &FxHashMap<Box<str>, u32> {
        self.positions.get_or_init(|| {
            (self.words.iter().enumerate())
                .map(|(i, word)| (word.folded.as_str().into(), i as u32))
                .collect()
        })
    }

    fn shapes(&self) -> &[(Shape, u32)] {
        self.shapes.get_or_init(|| {
            let mut shapes: Vec<(Shape, u32)> = (self.words.iter().enumerate())
                .map(|(i, word)| (Shape::of(&word.folded), i as u32))
                .collect();
            shapes.sort_by_key(|(shape, _)| shape.chars);
            shapes
        })
    }

    /// Words within `max_edits` (at most 2) of `folded`, a transposition of neighbours
    /// counting as one edit (optimal string alignment); closest and most frequent first
    /// (in alphabetical order among equals), at most `limit`.
    ///
    /// Most words are told apart by their shapes alone (length and letters, see
    /// `Shape`); the distance is counted for the few others.
    pub fn near(&self, folded: &str, max_edits: usize, limit: usize) -> Vec<&Word> {
        let edits = max_edits.min(2);
        let typed = Shape::of(folded);
        let shapes = self.shapes();
        // Only words of a length within the edits.
        let from = shapes.partition_point(|(s, _)| s.chars + edits < typed.chars);
        let to = shapes.partition_point(|(s, _)| s.chars <= typed.chars + edits);
        let mut distance = Distance::to(folded);
        let mut found: Vec<(usize, &Word)> = (shapes[from..to].iter())
            .filter(|(shape, _)| typed.may_be_within(*shape, edits))
            .map(|&(_, i)| &self.words[i as usize])
            .filter_map(|word| Some((distance.from(&word.folded, edits)?, word)))
            .collect();
        found.sort_by(|a, b| {
            let (a_edits, a_word, b_edits, b_word) = (a.0, a.1, b.0, b.1);
            (a_edits.cmp(&b_edits))
                .then(b_word.count.cmp(&a_word.count))
                .then(a_word.folded.cmp(&b_word.folded))
        });
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

    /// Words of the summary and of the synonyms count, each in its language.
    #[test]
    fn summaries_and_synonyms_words_count_in_their_language() {
        let mut document = Document::example("Un texte.");
        document.about.summary = Some("Un résumé.".into());
        let synonyms = [(Lang::En, "best friend"), (Lang::Es, "mejor amiga")];
        let vocabulary = Vocabulary::of(&[document], synonyms);
        let table = [
            ("texte", [1, 0, 0]),
            ("resume", [1, 0, 0]),
            ("friend", [0, 1, 0]),
            ("amiga", [0, 0, 1]),
        ];
        for (folded, by_lang) in table {
            let word = vocabulary.get(folded);
            assert_eq!(word.map(|w| w.by_lang), Some(by_lang), "{folded}");
        }
    }

    #[test]
    fn completions_show_the_usual_spelling_most_frequent_first() {
        let vocabulary = Vocabulary::of(
            &[Document::example(
                "La trousse médicolégale, la trousse médicosociale, l'intervention médicosociale et la médecine. Medicolegale. Médicolégale.",
            )],
            [],
        );
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
        let split =
            |typed| (vocabulary.split(typed)).map(|(l, r)| format!("{} {}", l.surface, r.surface));
        assert_eq!(
            split("trousseintervention").as_deref(),
            Some("trousse intervention")
        );
        assert_eq!(split("trousse"), None, "no two words make it");
        assert_eq!(
            split("latrousse"),
            None,
            "no word shorter than three letters"
        );
        let intervention = vocabulary.completions("interv", 1);
        assert_eq!(intervention[0].surface, "intervention");
        assert!(vocabulary.completions("zzz", 5).is_empty());
    }

    proptest::proptest! {
        /// The words found are exactly those a plain edit distance finds, closest, then
        /// most frequent, then first in alphabetical order first; with letters that share
        /// a bit of the shapes (`p` and `0`, `q` and `1`: their codes are 64 apart).
        #[test]
        fn near_words_are_those_within_the_edits(
            words in proptest::collection::vec("[apq01]{1,6}", 1..40),
            typed in "[apq01]{1,6}",
            edits in 1usize..=2,
        ) {
            let vocabulary = Vocabulary::of(&[Document::example(&words.join(" "))], []);
            let found: Vec<&str> = (vocabulary.near(&typed, edits, usize::MAX).into_iter())
                .map(|w| w.folded.as_str())
                .collect();
            let mut expected: Vec<(usize, std::cmp::Reverse<u64>, &str)> = (vocabulary.words())
                .map(|w| (strsim::osa_distance(&w.folded, &typed), std::cmp::Reverse(w.count), w.folded.as_str()))
                .filter(|(distance, _, _)| *distance <= edits)
                .collect();
            expected.sort();
            let expected: Vec<&str> = expected.into_iter().map(|(_, _, w)| w).collect();
            proptest::prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn near_words_within_one_or_two_edits() {
        let vocabulary = Vocabulary::of(
            &[Document::example(
                "zz zzz abc abcd abd abdx abx bbc xabc xyz yyyy",
            )],
            [],
        );
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
