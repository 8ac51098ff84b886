//! Reading the corpus folder into [`Document`]s.
//!
//! The corpus is `corpus/<type>/<lang>/<file>` (the language folder is optional). Files at
//! the top of the folder (`README.md`, `synonyms.toml`) are not documents. Each supported
//! format has its own module that turns bytes into a `Draft`; this module walks the
//! folder, fills in what a format did not say (type from the folder, key from the file
//! name, language from the folder or from the text) and reports every file it skipped,
//! with the reason, instead of stopping.

mod html;
mod markdown;
mod pdf;
mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::document::{About, Document, SectionLink, passages_from_sections, slug};
use crate::language::{Detector, Lang};

/// Files larger than this are skipped unless configured otherwise.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// The file at the top of the corpus holding synonym groups.
pub const SYNONYMS_FILE: &str = "synonyms.toml";

/// How to read the corpus: what the command line and the server may change.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Larger files are skipped ([`SkipReason::TooLarge`]), so that one huge file cannot
    /// exhaust memory.
    pub max_file_bytes: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// What was read: the documents, and the files that were not.
#[derive(Debug, Default)]
pub struct Corpus {
    /// Every document read, in the order of their paths, with unique ids.
    pub documents: Vec<Document>,
    /// Every file that is not among them, with the reason, to report to the editors.
    pub skipped: Vec<Skipped>,
}

/// A file that could not be indexed, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// The file, under the corpus folder.
    pub path: PathBuf,
    /// What is wrong with it, and what to do about it.
    pub reason: SkipReason,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// Why a file was skipped. Each message says what to do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SkipReason {
    /// The system could not read the file (permissions, I/O); with its message.
    #[error("cannot read the file ({0})")]
    Unreadable(String),
    /// A text format (Markdown, HTML, plain text) in another encoding.
    #[error("not UTF-8 text: save it as UTF-8")]
    NotUtf8,
    /// The YAML between the `---` lines does not parse; with the parser's message.
    #[error("malformed front matter: {0}")]
    FrontMatter(String),
    /// No section holds any text.
    #[error("no text to index")]
    Empty,
    /// A PDF whose pages are images: nothing to search until it has been through OCR.
    #[error("the PDF holds no extractable text (a scan? run OCR on it first)")]
    PdfWithoutText,
    /// A PDF the extractor cannot read; with its message.
    #[error("cannot read the PDF: {0}")]
    Pdf(String),
    /// A language other than the three, as the file gave it.
    #[error("unsupported language {0:?}: use fr, en or es")]
    UnsupportedLanguage(String),
    /// No language given by the file or its folder, and none detected in its text.
    #[error("cannot tell the language: add `lang: fr|en|es` to its front matter")]
    UnknownLanguage,
    /// A type or key that would not be safe in ids and URLs.
    #[error("invalid {field} {value:?}: use lowercase letters, digits, `-` or `_`")]
    InvalidName {
        /// `type` or `key`.
        field: &'static str,
        /// As the file or its path gave it.
        value: String,
    },
    /// Another file, earlier in path order, already gave a document this id.
    #[error("same id {id} as {}: give one of them another key", first.display())]
    DuplicateId {
        /// `<type>/<lang>/<key>`.
        id: String,
        /// The file that was kept.
        first: PathBuf,
    },
    /// Over [`LoadOptions::max_file_bytes`].
    #[error("{size} bytes is over the {limit}-byte limit")]
    TooLarge {
        /// The file's size, in bytes.
        size: u64,
        /// The limit in use, in bytes.
        limit: u64,
    },
    /// An extension none of the format parsers reads.
    #[error("unsupported file type: use .md, .html, .txt or .pdf")]
    UnsupportedFormat,
}

/// The corpus folder itself is missing or unreadable: nothing can be done.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the corpus folder {}: {source}", path.display())]
pub struct CorpusError {
    /// The corpus folder, as given.
    pub path: PathBuf,
    /// What the system said.
    pub source: std::io::Error,
}

/// What a format parser found in a file; the rest is filled in by [`load`].
#[derive(Debug, Default)]
struct Draft {
    key: Option<String>,
    lang: Option<String>,
    doc_type: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    source_url: Option<String>,
    updated: Option<String>,
    /// (heading, text); an empty heading for text before the first heading.
    sections: Vec<(String, String)>,
    /// Links to other documents found in the sections' texts.
    links: Vec<SectionLink>,
}

/// Reads every document under `dir`. Files are parsed on every core (rayon), then kept
/// in the order of their paths, the first of two with one id winning.
pub fn load(dir: &Path, options: &LoadOptions, detector: &Detector) -> Result<Corpus, CorpusError> {
    use rayon::prelude::*;
    let read: Vec<(PathBuf, Result<Option<Document>, SkipReason>)> = files(dir)?
        .into_par_iter()
        .map(|file| {
            let relative = file.path.strip_prefix(dir).unwrap_or(&file.path);
            let result = match file.error {
                Some(reason) => Err(reason),
                None => read_document(dir, relative, options, detector),
            };
            (file.path, result)
        })
        .collect();
    let mut corpus = Corpus::default();
    let mut first_path_of_id: HashMap<String, PathBuf> = HashMap::new();
    for (path, result) in read {
        match result {
            Ok(Some(document)) => match first_path_of_id.get(&document.id()) {
                Some(first) => corpus.skipped.push(Skipped {
                    path,
                    reason: SkipReason::DuplicateId {
                        id: document.id(),
                        first: first.clone(),
                    },
                }),
                None => {
                    first_path_of_id.insert(document.id(), path);
                    corpus.documents.push(document);
                }
            },
            Ok(None) => {}
            Err(reason) => corpus.skipped.push(Skipped { path, reason }),
        }
    }
    Ok(corpus)
}

/// What one file adds to the fingerprint: its length and hash, or why it is unreadable.
type FileHash = Result<(u64, blake3::Hash), String>;

/// A hash of every file of the corpus (paths, sizes, contents), to tell when an index is
/// stale. Unreadable files count by their error, so fixing one changes the fingerprint.
pub fn fingerprint(dir: &Path) -> Result<String, CorpusError> {
    use rayon::prelude::*;
    // Each file is read and hashed on any core; the hashes are combined in path order.
    let hashed: Vec<(PathBuf, FileHash)> = files(dir)?
        .into_par_iter()
        .map(|file| {
            let read = std::fs::read(&file.path)
                .map(|bytes| (bytes.len() as u64, blake3::hash(&bytes)))
                .map_err(|error| error.to_string());
            (file.path, read)
        })
        .collect();
    let mut hasher = blake3::Hasher::new();
    for (path, read) in hashed {
        let relative = path.strip_prefix(dir).unwrap_or(&path);
        hasher.update(relative.to_string_lossy().as_bytes());
        hasher.update(&[0]);
        match read {
            Ok((length, hash)) => {
                hasher.update(&length.to_le_bytes());
                hasher.update(hash.as_bytes());
            }
            Err(error) => {
                hasher.update(error.as_bytes());
            }
        }
    }
    Ok(hasher.finalize().to_hex().to_string())
}

struct CorpusFile {
    path: PathBuf,
    error: Option<SkipReason>,
}

/// Every file under `dir`, in a stable order, following symbolic links; hidden files and
/// folders are left out. A folder that cannot be read (or a link loop) is one entry with
/// its error.
fn files(dir: &Path) -> Result<Vec<CorpusFile>, CorpusError> {
    std::fs::read_dir(dir).map_err(|source| CorpusError {
        path: dir.to_path_buf(),
        source,
    })?;
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
        });
    let mut files = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => files.push(CorpusFile {
                path: entry.into_path(),
                error: None,
            }),
            Ok(_) => {}
            Err(error) => files.push(CorpusFile {
                path: error.path().unwrap_or(dir).to_path_buf(),
                error: Some(SkipReason::Unreadable(
                    error
                        .io_error()
                        .map_or_else(|| error.to_string(), ToString::to_string),
                )),
            }),
        }
    }
    Ok(files)
}

/// Reads one file; `Ok(None)` for files that are not documents (at the corpus's top).
fn read_document(
    root: &Path,
    relative: &Path,
    options: &LoadOptions,
    detector: &Detector,
) -> Result<Option<Document>, SkipReason> {
    let folders: Vec<String> = relative
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let Some(type_folder) = folders.first() else {
        return Ok(None);
    };
    let path = root.join(relative);
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let size = std::fs::metadata(&path)
        .map_err(|e| SkipReason::Unreadable(e.to_string()))?
        .len();
    if size > options.max_file_bytes {
        return Err(SkipReason::TooLarge {
            size,
            limit: options.max_file_bytes,
        });
    }
    let read = || std::fs::read(&path).map_err(|e| SkipReason::Unreadable(e.to_string()));
    let draft = match extension.as_str() {
        "md" | "markdown" => markdown::parse(&utf8(read()?)?)?,
        "html" | "htm" => html::parse(&utf8(read()?)?),
        "txt" => text::parse(&utf8(read()?)?),
        "pdf" => pdf::parse(&read()?)?,
        _ => return Err(SkipReason::UnsupportedFormat),
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder_lang = folders
        .get(1)
        .and_then(|folder| folder.parse::<Lang>().ok());
    complete(draft, type_folder, &stem, folder_lang, detector).map(Some)
}

fn utf8(bytes: Vec<u8>) -> Result<String, SkipReason> {
    let mut text = String::from_utf8(bytes).map_err(|_| SkipReason::NotUtf8)?;
    if text.starts_with('\u{feff}') {
        text.remove(0);
    }
    Ok(text)
}

/// Fills in what the file did not say and checks the result.
fn complete(
    draft: Draft,
    type_folder: &str,
    stem: &str,
    folder_lang: Option<Lang>,
    detector: &Detector,
) -> Result<Document, SkipReason> {
    let doc_type = checked_name("type", draft.doc_type.unwrap_or_else(|| slug(type_folder)))?;
    let key = checked_name("key", draft.key.unwrap_or_else(|| slug(stem)))?;
    let mut passages = passages_from_sections(draft.sections, &draft.links);
    if passages.is_empty() {
        return Err(SkipReason::Empty);
    }
    let title = draft
        .title
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| key.clone());
    for passage in &mut passages {
        if passage.heading.is_empty() {
            passage.heading = title.clone();
        }
    }
    let mut document = Document {
        about: About {
            doc_type,
            lang: Lang::Fr,
            key,
            title,
            summary: draft.summary,
            source_url: draft.source_url,
            updated: draft.updated,
        },
        passages,
    };
    document.about.lang = match draft.lang {
        Some(code) => code
            .parse()
            .map_err(|_| SkipReason::UnsupportedLanguage(code))?,
        None => match folder_lang {
            Some(lang) => lang,
            None => detector
                .detect(&document.full_text())
                .best
                .ok_or(SkipReason::UnknownLanguage)?,
        },
    };
    Ok(document)
}

/// Types and keys become URL segments and ids: keep them to a safe alphabet.
fn checked_name(field: &'static str, value: String) -> Result<String, SkipReason> {
    let valid = !value.is_empty()
        && value.len() <= 100
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if valid {
        Ok(value)
    } else {
        Err(SkipReason::InvalidName { field, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, relative: &str, bytes: &[u8]) {
        let path = dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    fn reasons(corpus: &Corpus) -> Vec<(String, SkipReason)> {
        let mut reasons: Vec<_> = corpus
            .skipped
            .iter()
            .map(|s| {
                (
                    s.path.file_name().unwrap().to_string_lossy().into_owned(),
                    s.reason.clone(),
                )
            })
            .collect();
        reasons.sort_by(|a, b| a.0.cmp(&b.0));
        reasons
    }

    const GOOD_MD: &str = "---\nkey: consent\nlang: fr\ntype: guide\ntitle: \"Le consentement\"\n---\n\nIntro.\n\n## Définition\n\nLe consentement est un accord libre.\n";

    #[test]
    fn broken_files_are_reported_and_the_rest_is_indexed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "README.md", b"# Not a document");
        write(root, "guide/fr/consent.md", GOOD_MD.as_bytes());
        write(root, "guide/fr/copy.md", GOOD_MD.as_bytes());
        write(root, "guide/fr/latin1.md", b"caf\xe9 cr\xe8me");
        write(
            root,
            "guide/fr/bad-front.md",
            b"---\nkey: [unclosed\n---\ntext\n",
        );
        write(root, "guide/fr/empty.txt", b"");
        write(
            root,
            "guide/fr/german.md",
            b"---\nlang: de\n---\nHallo Welt\n",
        );
        write(
            root,
            "guide/fr/Bad Name.md",
            b"---\nkey: \"Bad Name\"\n---\ntext\n",
        );
        write(root, "guide/fr/image.png", b"\x89PNG");
        write(root, "guide/fr/big.txt", &vec![b'a'; 2000]);
        let corpus = load(
            root,
            &LoadOptions {
                max_file_bytes: 1000,
            },
            &Detector::new(),
        )
        .unwrap();

        let ids: Vec<String> = corpus.documents.iter().map(Document::id).collect();
        assert_eq!(ids, ["guide/fr/consent"]);
        let reasons = reasons(&corpus);
        let names: Vec<&str> = reasons.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Bad Name.md",
                "bad-front.md",
                "big.txt",
                "copy.md",
                "empty.txt",
                "german.md",
                "image.png",
                "latin1.md"
            ]
        );
        assert!(matches!(
            reasons[0].1,
            SkipReason::InvalidName { field: "key", .. }
        ));
        assert!(matches!(reasons[1].1, SkipReason::FrontMatter(_)));
        assert_eq!(
            reasons[2].1,
            SkipReason::TooLarge {
                size: 2000,
                limit: 1000
            }
        );
        assert!(
            matches!(&reasons[3].1, SkipReason::DuplicateId { id, .. } if id == "guide/fr/consent")
        );
        assert_eq!(reasons[4].1, SkipReason::Empty);
        assert_eq!(reasons[5].1, SkipReason::UnsupportedLanguage("de".into()));
        assert_eq!(reasons[6].1, SkipReason::UnsupportedFormat);
        assert_eq!(reasons[7].1, SkipReason::NotUtf8);
    }

    #[test]
    fn type_key_and_language_come_from_the_path_and_the_text() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "partner/en/Info Line.txt",
            b"The helpline\n\nIt answers day and night.",
        );
        write(
            dir.path(),
            "notes/hotline.txt",
            "Ligne d'écoute\n\nLa ligne répond jour et nuit, gratuitement et en toute confidentialité, à toutes les personnes qui en ont besoin.".as_bytes(),
        );
        let corpus = load(dir.path(), &LoadOptions::default(), &Detector::new()).unwrap();
        let ids: Vec<String> = corpus.documents.iter().map(Document::id).collect();
        assert_eq!(ids, ["notes/fr/hotline", "partner/en/info-line"]);
        assert_eq!(corpus.documents[1].about.title, "The helpline");
        assert!(corpus.skipped.is_empty(), "{:?}", corpus.skipped);
    }

    #[test]
    fn markdown_headings_become_passages_with_anchors() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "guide/fr/consent.md", GOOD_MD.as_bytes());
        let corpus = load(dir.path(), &LoadOptions::default(), &Detector::new()).unwrap();
        let document = &corpus.documents[0];
        let passages: Vec<(&str, &str, &str)> = document
            .passages
            .iter()
            .map(|p| (p.heading.as_str(), p.anchor.as_str(), p.text.as_str()))
            .collect();
        assert_eq!(
            passages,
            [
                ("Le consentement", "", "Intro."),
                (
                    "Définition",
                    "définition",
                    "Le consentement est un accord libre."
                )
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "guide/fr/consent.md", GOOD_MD.as_bytes());
        std::os::unix::fs::symlink(dir.path().join("guide"), dir.path().join("guide/fr/loop"))
            .unwrap();
        let corpus = load(dir.path(), &LoadOptions::default(), &Detector::new()).unwrap();
        assert_eq!(corpus.documents.len(), 1);
        assert_eq!(corpus.skipped.len(), 1);
        assert!(matches!(
            corpus.skipped[0].reason,
            SkipReason::Unreadable(_)
        ));
    }

    #[test]
    fn fingerprint_changes_with_any_file() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "guide/fr/consent.md", GOOD_MD.as_bytes());
        let before = fingerprint(dir.path()).unwrap();
        assert_eq!(before, fingerprint(dir.path()).unwrap());
        write(dir.path(), "synonyms.toml", b"");
        let after = fingerprint(dir.path()).unwrap();
        assert_ne!(before, after);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Whatever a file holds, every parser answers (a draft or a reason), never panics.
        #[test]
        fn parsers_never_panic_on_any_text(text in proptest::prelude::any::<String>()) {
            let _ = markdown::parse(&text);
            let _ = html::parse(&text);
            let _ = text::parse(&text);
            let _ = markdown::parse(&format!("---\n{text}\n---\n{text}"));
            let _ = html::parse(&format!("<html lang=\"{text}\"><title>{text}</title><h1>{text}</h1>"));
        }

        #[test]
        fn the_pdf_parser_never_panics_on_any_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096)) {
            let _ = pdf::parse(&bytes);
            let mut pdf_like = b"%PDF-1.4\n".to_vec();
            pdf_like.extend_from_slice(&bytes);
            let _ = pdf::parse(&pdf_like);
        }
    }

    #[test]
    fn a_missing_corpus_folder_is_an_error() {
        let error = load(
            Path::new("/nonexistent/corpus"),
            &LoadOptions::default(),
            &Detector::new(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("/nonexistent/corpus"));
    }
}
