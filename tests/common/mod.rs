//! Helpers shared by the integration tests: the real binary, the shipped corpus, and
//! corpora made on the spot.
#![allow(dead_code)] // each test file uses its own part of these helpers

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

/// The shipped corpus of the repository.
pub fn shipped_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// The `guide-search` binary with `args`.
pub fn guide_search(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guide-search"));
    command.args(args).env("RUST_LOG", "warn");
    command
}

/// Runs the binary; returns (exit success, stdout, stderr).
pub fn run(args: &[&str]) -> (bool, String, String) {
    outcome(guide_search(args))
}

/// Runs the laboratory's binary, `guide-search-lab`; returns (exit success, stdout, stderr).
pub fn run_lab(args: &[&str]) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guide-search-lab"));
    command.args(args);
    outcome(command)
}

fn outcome(mut command: Command) -> (bool, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the binary runs");
    (
        status.success(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// An index of the shipped corpus, built once per test binary and shared read-only.
pub fn shipped_index() -> &'static Path {
    static INDEX: OnceLock<tempfile::TempDir> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let (ok, _, stderr) = run(&[
                "index",
                "--corpus",
                shipped_corpus().to_str().unwrap(),
                "--index",
                dir.path().to_str().unwrap(),
            ]);
            assert!(ok, "indexing the shipped corpus failed: {stderr}");
            dir
        })
        .path()
}

/// `search --json` on the shipped corpus.
pub fn search_json(query: &str, extra: &[&str]) -> serde_json::Value {
    let corpus = shipped_corpus();
    let mut args = vec![
        "search",
        query,
        "--json",
        "--corpus",
        corpus.to_str().unwrap(),
        "--index",
        shipped_index().to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let (ok, stdout, stderr) = run(&args);
    assert!(ok, "search {query:?} failed: {stderr}");
    serde_json::from_str(&stdout).expect("search --json prints JSON")
}

/// Writes files into `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (relative, bytes) in files {
        let path = dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// A corpus whose two French documents are full of markup meant to run in a browser:
/// `<script>` setting `window.__xss`, `onerror` handlers, a `javascript:` link.
pub fn hostile_corpus(dir: &Path) -> PathBuf {
    let corpus = dir.join("corpus");
    let markdown = "---\ntitle: \"Piège <script>window.__xss=1</script>\"\n---\n\n## Titre \"><img src=x onerror=alert(1)>\n\n\
                    Un piège <script>window.__xss=2</script> et \"><img src=x onerror=alert(1)> et [un lien](javascript:alert(1)) piégé.\n";
    let plain = "Piège en texte\nCe piège <script>window.__xss=3</script> reste du texte \"><img src=x onerror=window.__xss=4>.";
    write_files(
        &corpus,
        &[
            ("guide/fr/piege.md", markdown.as_bytes()),
            ("guide/fr/piege-texte.txt", plain.as_bytes()),
        ],
    );
    corpus
}

/// A real PDF with one page of text per item of `pages`, made with lopdf.
pub fn pdf(pages: &[&str]) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};

    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    for text in pages {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 12.into()]),
            Operation::new("TL", vec![16.into()]),
            Operation::new("Td", vec![50.into(), 780.into()]),
        ];
        for line in text.lines() {
            operations.push(Operation::new("Tj", vec![Object::string_literal(line)]));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// A `guide-search serve` process, stopped when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    /// Everything it wrote to stderr, read by a thread that ends with the process.
    log: Arc<Mutex<Vec<String>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until the server has logged `line`, for a minute at most.
    pub fn wait_for_log(&self, line: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !self.log.lock().unwrap().iter().any(|l| l.contains(line)) {
            assert!(
                std::time::Instant::now() < deadline,
                "the server never logged {line:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// Kills the server outright (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stops the server with SIGTERM, as a service manager would; returns whether it
    /// exited cleanly, and its whole log.
    pub fn terminate(mut self) -> (bool, Vec<String>) {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = self.child.wait().unwrap();
        self.reader.take().unwrap().join().unwrap();
        let log = self.log.lock().unwrap().clone();
        (status.success(), log)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `guide-search serve` on the shipped corpus and `index`, on a free loopback port.
pub fn start(index: &Path, extra: &[&str]) -> Server {
    start_on(&shipped_corpus(), index, extra)
}

/// `guide-search serve` on `corpus` and `index`, on a free loopback port.
pub fn start_on(corpus: &Path, index: &Path, extra: &[&str]) -> Server {
    start_with(corpus, index, extra, &[])
}

/// `guide-search serve` on `corpus` and `index`, with `env` set, on a free loopback port.
pub fn start_with(corpus: &Path, index: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
    let mut args = vec![
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--corpus",
        corpus.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let mut child = guide_search(&args)
        .env("RUST_LOG", "info,guide_search=debug")
        .envs(env.iter().copied())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // One thread reads the server's stderr for as long as it runs (so that the server
    // never blocks on a full pipe), keeping every line; the test waits, a minute at most,
    // for the one that says where it listens.
    let lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let log = Arc::new(Mutex::new(Vec::new()));
    let (listening, base) = std::sync::mpsc::channel();
    let sink = log.clone();
    let reader = std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if let Some((_, url)) = line.split_once("listening on ") {
                let _ = listening.send(url.trim().to_string());
            }
            sink.lock().unwrap().push(line);
        }
    });
    let base = base
        .recv_timeout(std::time::Duration::from_secs(60))
        .unwrap_or_else(|_| {
            panic!(
                "the server never said where it listens: {:?}",
                log.lock().unwrap()
            )
        });
    Server {
        child,
        base,
        log,
        reader: Some(reader),
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

pub fn read(mut response: ureq::http::Response<ureq::Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

pub fn get(server: &Server, path: &str) -> (u16, Value) {
    read(
        agent()
            .get(&format!("{}{path}", server.base))
            .call()
            .unwrap(),
    )
}
