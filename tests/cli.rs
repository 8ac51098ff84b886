//! The `guide-search` binary end to end: index, search, errors, PDF, staleness, and an
//! index build killed midway.

mod common;

use std::path::Path;

use common::{pdf, run, run_lab, search_json, shipped_corpus, shipped_index, write_files};
use serde_json::Value;

fn ids(response: &Value) -> Vec<&str> {
    response["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect()
}

fn assert_first(query: &str, extra: &[&str], expected: &str) {
    let response = search_json(query, extra);
    let found = ids(&response);
    assert_eq!(found.first(), Some(&expected), "{query}: {found:?}");
}

/// `--corpus DIR --index DIR`.
fn dirs<'a>(corpus: &'a Path, index: &'a Path) -> [&'a str; 4] {
    [
        "--corpus",
        corpus.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ]
}

/// Whether a hit's snippet marks `word`, whole.
fn highlights(hit: &Value, word: &str) -> bool {
    hit["snippet"]
        .as_str()
        .unwrap()
        .contains(&format!("<mark>{word}</mark>"))
}

#[test]
fn trousse_medicolegale_without_accents_finds_french_results_highlighting_the_word() {
    let response = search_json("trousse medicolegale", &[]);
    let first = &response["hits"][0];
    assert_eq!(first["lang"], "fr", "{response:#}");
    assert_eq!(first["id"], "guide/fr/designated-centres");
    assert!(highlights(first, "médicolégale"), "{first:#}");
    assert!(
        first["url"]
            .as_str()
            .unwrap()
            .starts_with("/docs/guide/fr/designated-centres#")
    );
    assert_eq!(first["translations"]["en"], "guide/en/designated-centres");
    assert_eq!(first["translations"]["es"], "guide/es/designated-centres");
}

#[test]
fn one_search_per_language_finds_the_right_section() {
    for (query, ui, expected) in [
        (
            "porter plainte à la police",
            "fr",
            "guide/fr/police-complaint",
        ),
        (
            "how do I file a police complaint",
            "en",
            "guide/en/police-complaint",
        ),
        (
            "¿cómo presentar una denuncia a la policía?",
            "es",
            "guide/es/police-complaint",
        ),
        (
            "qu'est-ce que le consentement sexuel",
            "fr",
            "guide/fr/consent",
        ),
        ("what is consent", "en", "guide/en/consent"),
        ("edad de consentimiento", "es", "guide/es/consent"),
    ] {
        assert_first(query, &["--ui", ui], expected);
    }
}

#[test]
fn acronyms_find_their_committee() {
    for (query, expected) in [
        ("TACMES", "committee/fr/tacmes"),
        ("SPVM", "committee/fr/comite-spvm"),
        ("CPIMCD", "committee/fr/cpimcd"),
    ] {
        assert_first(query, &[], expected);
    }
}

#[test]
fn filters_grouping_and_facets() {
    let grouped = search_json("victime", &["--ui", "fr"]);
    let all = search_json("victime", &["--all-versions", "--limit", "50"]);
    assert!(all["total"].as_u64() > grouped["total"].as_u64());
    let partners = search_json("victime", &["--type", "partner", "--doc-lang", "en"]);
    for hit in partners["hits"].as_array().unwrap() {
        assert_eq!(
            (hit["type"].as_str(), hit["lang"].as_str()),
            (Some("partner"), Some("en"))
        );
    }
    // Facets count each choice with the other filter applied, not its own.
    assert_eq!(partners["facets"]["lang"]["en"], partners["total"]);
    assert!(partners["facets"]["type"]["guide"].as_u64().unwrap() > 0);
}

#[test]
fn bad_requests_are_one_clear_line_and_a_failure() {
    let index = shipped_index().to_str().unwrap();
    let corpus = shipped_corpus();
    let corpus = corpus.to_str().unwrap();
    for (args, message) in [
        (vec!["search", "  "], "empty"),
        (vec!["search", "aide", "--limit", "0"], "limit"),
        (vec!["search", "aide", "--type", "nope"], "unknown type"),
        (vec!["search", "aide", "--lang", "de"], "fr, en or es"),
    ] {
        let mut args = args.clone();
        args.extend(["--corpus", corpus, "--index", index]);
        let (ok, _, stderr) = run(&args);
        assert!(!ok, "{args:?}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn broken_files_are_listed_and_strict_fails() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    write_files(
        &corpus,
        &[
            (
                "guide/fr/ok.md",
                "---\ntitle: Aide\n---\n## Écoute\nUne ligne d'écoute répond jour et nuit.\n"
                    .as_bytes(),
            ),
            ("guide/fr/broken.md", b"---\ntitle: [oops\n---\n"),
            ("guide/fr/junk.md", b"\xff\xfe\x00binary"),
            ("guide/fr/truncated.pdf", &pdf(&["Texte"])[..40]),
            ("guide/fr/scan.pdf", &pdf(&[""])),
        ],
    );
    // A file that cannot be read: a link to nothing.
    #[cfg(unix)]
    std::os::unix::fs::symlink("/nonexistent/guide.md", corpus.join("guide/fr/gone.md")).unwrap();
    let index = dir.path().join("index");
    let args = [&["index"][..], &dirs(&corpus, &index)].concat();
    let (ok, _, stderr) = run(&args);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("Indexed 1 documents"), "{stderr}");
    for (file, reason) in [
        ("broken.md", "front matter"),
        ("junk.md", "UTF-8"),
        ("truncated.pdf", "PDF"),
        ("scan.pdf", "no extractable text"),
        #[cfg(unix)]
        ("gone.md", "cannot read"),
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(file) && l.contains(reason)),
            "{file}: {stderr}"
        );
    }
    let (ok, _, stderr) = run(&[&args[..], &["--strict"]].concat());
    assert!(!ok && stderr.contains("--strict"), "{stderr}");
}

#[test]
fn nothing_to_index_fails() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    write_files(&corpus, &[("guide/fr/empty.md", b"")]);
    let index = dir.path().join("index");
    let (ok, _, stderr) = run(&[&["index"][..], &dirs(&corpus, &index)].concat());
    assert!(!ok);
    assert!(
        stderr.contains("empty.md") && stderr.contains("nothing could be indexed"),
        "{stderr}"
    );
}

#[test]
fn a_multi_page_pdf_is_indexed_with_its_page_text() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let guide = pdf(&[
        "Guide d'information pour les victimes\nCe guide explique vos droits et les ressources disponibles.",
        "La trousse medicolegale\nElle peut etre faite dans un centre designe, dans les cinq jours.",
    ]);
    write_files(&corpus, &[("guide/fr/guide-imprime.pdf", &guide)]);
    let index = dir.path().join("index");
    let paths = dirs(&corpus, &index);
    let (ok, stdout, stderr) =
        run(&[&["search", "trousse medicolegale", "--json"][..], &paths].concat());
    assert!(ok, "{stderr}");
    let response: Value = serde_json::from_str(&stdout).unwrap();
    let hit = &response["hits"][0];
    assert_eq!(hit["id"], "guide/fr/guide-imprime");
    assert_eq!(hit["title"], "Guide d'information pour les victimes");
    assert_eq!(hit["heading"], "Page 2");
    assert!(hit["url"].as_str().unwrap().ends_with("#page-2"));
}

#[test]
fn search_rebuilds_a_stale_index() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    let paths = dirs(&corpus, &index);
    write_files(
        &corpus,
        &[(
            "guide/en/a.md",
            b"---\ntitle: Helpline\n---\nThe helpline answers every call.\n",
        )],
    );
    let (ok, _, stderr) = run(&[&["search", "helpline"][..], &paths].concat());
    assert!(ok && stderr.contains("there is no index yet"), "{stderr}");
    let (ok, _, stderr) = run(&[&["search", "helpline"][..], &paths].concat());
    assert!(
        ok && !stderr.contains("Building"),
        "a fresh index is not rebuilt: {stderr}"
    );
    write_files(
        &corpus,
        &[(
            "guide/en/b.md",
            b"---\ntitle: Shelter\n---\nA shelter offers a safe place.\n",
        )],
    );
    let (ok, stdout, stderr) = run(&[&["search", "shelter", "--json"][..], &paths].concat());
    assert!(ok && stderr.contains("the corpus has changed"), "{stderr}");
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap()["hits"][0]["id"],
        "guide/en/b"
    );
}

/// The points a build passes, in order (see `index::build::checkpoint`); a kill before
/// the last leaves the previous generation current, a kill at it the new one.
const BUILD_POINTS: [&str; 5] = [
    "corpus-read",
    "segments-written",
    "manifest-written",
    "renamed",
    "current",
];

#[test]
fn a_build_killed_at_any_point_leaves_a_whole_index_answering() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let corpus = shipped_corpus();
    let paths = dirs(&corpus, &index);
    let query = |label: &str| {
        let (ok, stdout, stderr) =
            run(&[&["search", "trousse medicolegale", "--json"][..], &paths].concat());
        assert!(ok, "{label}: {stderr}");
        assert!(
            !stderr.contains("Building"),
            "{label}: the index was rebuilt instead of used: {stderr}"
        );
        let response: Value = serde_json::from_str(&stdout).unwrap();
        ids(&response)
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let current = || std::fs::read_to_string(index.join("CURRENT")).unwrap();
    let (ok, _, stderr) = run(&[&["index"][..], &paths].concat());
    assert!(ok, "{stderr}");
    let before = query("before");
    for point in BUILD_POINTS {
        let previous = current();
        let mut child = common::guide_search(&[&["index"][..], &paths].concat())
            .env("GUIDE_SEARCH_STOP_AT", point)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let (said, heard) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in stderr.lines().map_while(Result::ok) {
                let _ = said.send(line);
            }
        });
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match heard.recv_timeout(left) {
                Ok(line) if line == format!("stopped at {point}") => break,
                Ok(_) => {}
                Err(e) => panic!("the build never reached {point}: {e}"),
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let switched = current() != previous;
        assert_eq!(switched, point == "current", "killed at {point}");
        assert_eq!(query(&format!("after a build killed at {point}")), before);
    }
    // The next build removes what the killed ones left.
    let (ok, _, stderr) = run(&[&["index"][..], &paths].concat());
    assert!(ok, "{stderr}");
    let left: Vec<String> = std::fs::read_dir(&index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".building-") || name.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn typos_are_tolerated_and_a_correction_is_offered() {
    // The English stemmer already reads "consentment" as "consent": no correction needed.
    let response = search_json("consentment", &["--ui", "en"]);
    assert_eq!(
        ids(&response).first(),
        Some(&"guide/en/consent"),
        "{response:#}"
    );
    assert!(response.get("did_you_mean").is_none());
    let response = search_json("harcelement sexeul", &["--ui", "fr"]);
    assert_eq!(
        ids(&response).first(),
        Some(&"guide/fr/harassment-and-cyberviolence")
    );
    assert_eq!(response["did_you_mean"], "harcelement sexuel");
}

#[test]
fn nonsense_finds_nothing_rather_than_something_wrong() {
    let response = search_json("xqzwvy blorptak", &[]);
    assert_eq!(response["total"], 0, "{response:#}");
}

#[test]
fn the_last_word_is_a_prefix_while_typing() {
    let response = search_json("trousse médicol", &["--ui", "fr"]);
    let first = &response["hits"][0];
    assert_eq!(first["id"], "guide/fr/designated-centres");
    assert!(highlights(first, "médicolégale"), "{first:#}");
    // Followed by a space, the word is finished: not a prefix (at most a typo of `médical`).
    // ("trousse" alone now brings "trousse médicolégale" as a synonym: left out here.)
    let finished = search_json("médicol ", &["--ui", "fr"]);
    for hit in finished["hits"].as_array().unwrap() {
        assert!(!highlights(hit, "médicolégale"), "{hit:#}");
    }
}

#[test]
fn synonyms_cross_languages() {
    // No French text says "revenge porn": the concept group leads to the French section.
    let response = search_json("revenge porn", &["--lang", "fr", "--doc-lang", "fr"]);
    assert_eq!(
        ids(&response).first(),
        Some(&"guide/fr/harassment-and-cyberviolence"),
        "{response:#}"
    );
}

#[test]
fn gen_corpus_writes_a_corpus_that_indexes_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("synthetic");
    let index = dir.path().join("index");
    let corpus_arg = corpus.to_str().unwrap();
    let (ok, _, stderr) = run_lab(&["gen-corpus", "--docs", "30", "--out", corpus_arg]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("Wrote 30 documents"), "{stderr}");
    let mut args = vec!["index", "--strict"];
    args.extend(dirs(&corpus, &index));
    let (ok, _, stderr) = run(&args);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("Indexed 30 documents"), "{stderr}");
    // The guide's most frequent content words are everywhere in it.
    let mut args = vec!["search", "--json", "victimes"];
    args.extend(dirs(&corpus, &index));
    let (ok, stdout, stderr) = run(&args);
    assert!(ok, "{stderr}");
    let response: Value = serde_json::from_str(&stdout).unwrap();
    assert!(response["total"].as_u64().unwrap() > 0, "{stdout}");

    let (ok, _, stderr) = run_lab(&["gen-corpus", "--docs", "3", "--out", corpus_arg]);
    assert!(!ok && stderr.contains("is not empty"), "{stderr}");
}
