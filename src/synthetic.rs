//! Synthetic corpora, to measure how the costs grow with the corpus
//! (`guide-search gen-corpus`, `cargo bench --bench scale`).
//!
//! A [`Model`] learns from a real corpus, per language: its words ranked by frequency, and
//! the lengths of its titles, headings and passages; and the number of passages of its
//! documents. Synthetic documents draw their words from that vocabulary with a Zipf
//! distribution (the `k`-th most frequent word with a probability in `1/k`, as in natural
//! text) and their lengths from the real ones. The text means nothing, but the index sees
//! what it sees in the guide: the same words, accents, elisions and compounds, sentences
//! and passages of the same lengths, every document in French, English and Spanish. The
//! same seed writes the same corpus.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::corpus::{CorpusError, LoadOptions};
use crate::document::Document;
use crate::language::Lang;

/// Why a synthetic corpus could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SyntheticError {
    /// The model corpus could not be read.
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    /// The model corpus has no words in one of the three languages.
    #[error("the model corpus has no {0} text to learn from")]
    NoText(Lang),
    /// The output folder already holds files.
    #[error("{} is not empty: give a new folder, generated files would mix with others", .0.display())]
    NotEmpty(PathBuf),
    /// A folder or file could not be written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

/// What synthetic documents are drawn from.
pub struct Model {
    languages: Vec<(Lang, Language)>,
    /// The type of each real document group, so that types keep their proportions.
    types: Vec<String>,
    passages_per_document: Vec<usize>,
}

/// One language's words and lengths.
struct Language {
    /// Most frequent first.
    words: Vec<String>,
    /// `cumulative[k]`: the Zipf weights of words `0..=k`.
    cumulative: Vec<f64>,
    title_words: Vec<usize>,
    heading_words: Vec<usize>,
    passage_words: Vec<usize>,
}

/// What [`write()`] wrote, for the command's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Markdown files, one per document and language.
    pub documents: usize,
    /// Passages under a heading, across those files.
    pub passages: usize,
    /// The files' total size.
    pub bytes: u64,
}

impl Model {
    /// Learns each language's words and lengths from a real corpus's documents; fails if
    /// a language has no text.
    pub fn learn(documents: &[Document]) -> Result<Model, SyntheticError> {
        let mut languages = Vec::new();
        for lang in Lang::ALL {
            let of_lang: Vec<&Document> =
                documents.iter().filter(|d| d.about.lang == lang).collect();
            languages.push((lang, Language::learn(lang, &of_lang)?));
        }
        let mut groups: Vec<(String, String)> = documents
            .iter()
            .map(|d| (d.about.group(), d.about.doc_type.clone()))
            .collect();
        groups.sort();
        groups.dedup();
        Ok(Model {
            languages,
            types: groups.into_iter().map(|(_, doc_type)| doc_type).collect(),
            passages_per_document: documents.iter().map(|d| d.passages.len().max(1)).collect(),
        })
    }

    /// The Markdown files of one group of translations, as (path in the corpus, text).
    fn group(&self, number: usize, random: &mut Random) -> Vec<(PathBuf, String)> {
        let doc_type = &self.types[number % self.types.len()];
        let passages = *random.pick(&self.passages_per_document);
        let key = format!("synthetic-{number}");
        self.languages
            .iter()
            .map(|(lang, language)| {
                let path = Path::new(doc_type)
                    .join(lang.code())
                    .join(format!("{key}.md"));
                let text = language.markdown(&key, *lang, doc_type, passages, random);
                (path, text)
            })
            .collect()
    }
}

impl Language {
    fn learn(lang: Lang, documents: &[&Document]) -> Result<Language, SyntheticError> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let passages = documents.iter().flat_map(|d| &d.passages);
        for passage in passages.clone() {
            for word in words(&passage.text) {
                *counts.entry(word).or_default() += 1;
            }
        }
        let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        if ranked.is_empty() {
            return Err(SyntheticError::NoText(lang));
        }
        let cumulative = (1..=ranked.len())
            .scan(0.0, |sum, rank| {
                *sum += 1.0 / rank as f64;
                Some(*sum)
            })
            .collect();
        let lengths = |texts: Vec<&str>| -> Vec<usize> {
            texts.iter().map(|t| words(t).count().max(1)).collect()
        };
        Ok(Language {
            words: ranked.into_iter().map(|(w, _)| w.to_lowercase()).collect(),
            cumulative,
            title_words: lengths(documents.iter().map(|d| d.about.title.as_str()).collect()),
            heading_words: lengths(passages.clone().map(|p| p.heading.as_str()).collect()),
            passage_words: lengths(passages.map(|p| p.text.as_str()).collect()),
        })
    }

    fn word(&self, random: &mut Random) -> &str {
        let total = self.cumulative.last().copied().unwrap_or_default();
        let drawn = random.unit() * total;
        let rank = self.cumulative.partition_point(|&c| c < drawn);
        &self.words[rank.min(self.words.len() - 1)]
    }

    /// `count` words, capitalised and cut into sentences.
    fn sentences(&self, count: usize, random: &mut Random, out: &mut String) {
        let mut left_in_sentence = 0;
        for n in 0..count {
            let word = self.word(random);
            if left_in_sentence == 0 {
                if n > 0 {
                    out.push_str(". ");
                }
                left_in_sentence = 8 + random.below(17);
                capitalised(word, out);
            } else {
                out.push(' ');
                out.push_str(word);
            }
            left_in_sentence -= 1;
        }
        out.push('.');
    }

    fn markdown(
        &self,
        key: &str,
        lang: Lang,
        doc_type: &str,
        passages: usize,
        random: &mut Random,
    ) -> String {
        let mut title = String::new();
        self.sentences(*random.pick(&self.title_words), random, &mut title);
        title.pop();
        let mut text =
            format!("---\nkey: {key}\nlang: {lang}\ntype: {doc_type}\ntitle: \"{title}\"\n---\n");
        for _ in 0..passages {
            text.push_str("\n## ");
            self.sentences(*random.pick(&self.heading_words), random, &mut text);
            text.pop();
            text.push_str("\n\n");
            self.sentences(*random.pick(&self.passage_words), random, &mut text);
            text.push('\n');
        }
        text
    }
}

/// The words of `text` as written, without the punctuation around them.
fn words(text: &str) -> impl Iterator<Item = &str> + Clone {
    text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '·')))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
}

fn capitalised(word: &str, out: &mut String) {
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}

/// Writes `documents` synthetic documents (in groups of three translations) into `out`,
/// which must be new or empty.
pub fn write(
    model: &Model,
    documents: usize,
    out: &Path,
    seed: u64,
) -> Result<Written, SyntheticError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SyntheticError::Io { path, source }
    };
    if out
        .read_dir()
        .is_ok_and(|mut entries| entries.next().is_some())
    {
        return Err(SyntheticError::NotEmpty(out.into()));
    }
    let mut random = Random(seed);
    let mut written = Written {
        documents: 0,
        passages: 0,
        bytes: 0,
    };
    let mut folders = std::collections::HashSet::new();
    'groups: for number in 0.. {
        for (path, text) in model.group(number, &mut random) {
            if written.documents == documents {
                break 'groups;
            }
            let path = out.join(path);
            let folder = path.parent().expect("a folder");
            if folders.insert(folder.to_path_buf()) {
                std::fs::create_dir_all(folder).map_err(io(folder))?;
            }
            std::fs::write(&path, &text).map_err(io(&path))?;
            written.documents += 1;
            written.passages += text.matches("\n## ").count();
            written.bytes += text.len() as u64;
        }
    }
    Ok(written)
}

/// Learns from the corpus in `model_dir`, then writes `documents` synthetic documents
/// into `out`.
pub fn generate(
    model_dir: &Path,
    documents: usize,
    out: &Path,
    seed: u64,
) -> Result<Written, SyntheticError> {
    let detector = crate::language::Detector::new();
    let model_corpus = crate::corpus::load(model_dir, &LoadOptions::default(), &detector)?;
    write(
        &Model::learn(&model_corpus.documents)?,
        documents,
        out,
        seed,
    )
}

/// SplitMix64: a few lines for reproducible draws, where cryptographic quality is beside
/// the point.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus;
    use crate::language::Detector;

    fn model() -> Model {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let shipped = corpus::load(&dir, &LoadOptions::default(), &Detector::new()).unwrap();
        Model::learn(&shipped.documents).unwrap()
    }

    #[test]
    fn writes_readable_translated_documents_in_the_guides_words() {
        let model = model();
        let out = tempfile::tempdir().unwrap();
        let written = write(&model, 7, out.path(), 1).unwrap();
        assert_eq!(written.documents, 7);
        let loaded = corpus::load(out.path(), &LoadOptions::default(), &Detector::new()).unwrap();
        assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
        assert_eq!(loaded.documents.len(), 7);
        let passages: usize = loaded.documents.iter().map(|d| d.passages.len()).sum();
        assert_eq!(passages, written.passages);
        let versions = loaded
            .documents
            .iter()
            .filter(|d| d.about.key == "synthetic-0")
            .count();
        assert_eq!(versions, 3, "fr, en and es of each document");
        let french = (loaded.documents.iter())
            .find(|d| d.about.key == "synthetic-0" && d.about.lang == Lang::Fr)
            .unwrap();
        let model_fr = &model.languages[0].1;
        for word in words(&french.passages[0].text) {
            assert!(model_fr.words.contains(&word.to_lowercase()), "{word}");
        }

        let again = tempfile::tempdir().unwrap();
        write(&model, 7, again.path(), 1).unwrap();
        let text = |dir: &Path| std::fs::read_to_string(dir.join("committee/es/synthetic-0.md"));
        assert_eq!(
            text(out.path()).ok(),
            text(again.path()).ok(),
            "same seed, same corpus"
        );
        assert!(matches!(
            write(&model, 1, out.path(), 1),
            Err(SyntheticError::NotEmpty(_))
        ));
    }

    #[test]
    fn frequent_words_are_drawn_most() {
        let model = model();
        let french = &model.languages[0].1;
        let mut random = Random(7);
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for _ in 0..10_000 {
            *counts.entry(french.word(&mut random)).or_default() += 1;
        }
        let first = counts[french.words[0].as_str()];
        let tenth = counts.get(french.words[9].as_str()).copied().unwrap_or(0);
        // Zipf: the first word about ten times as often as the tenth.
        assert!(
            (5..20).contains(&(first / tenth.max(1))),
            "{first} vs {tenth}"
        );
    }
}
