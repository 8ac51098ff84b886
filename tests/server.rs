//! The real binary serving the shipped corpus on a loopback port.

mod common;

use common::{Server, agent, get, read, start};
use serde_json::Value;

#[test]
fn serves_search_health_and_json_errors_over_http() {
    let server = start(common::shipped_index(), &[]);
    assert_eq!(get(&server, "/healthz").0, 200);
    assert_eq!(get(&server, "/readyz").0, 200);

    let (status, body) = get(
        &server,
        "/api/search?q=trousse%20m%C3%A9dicol%C3%A9gale&ui=fr",
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["hits"][0]["id"], "guide/fr/designated-centres");
    assert!(body["took_ms"].is_number());

    for path in [
        "/api/search?q=",
        "/api/search?q=aide&limit=99",
        "/api/search?q=aide&lang=de",
        "/api/search?q=aide&offset=-1",
    ] {
        let (status, body) = get(&server, path);
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error"]["code"], "bad_request", "{path}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let (status, body) = get(&server, "/api/no/such/endpoint");
    assert_eq!(
        (status, &body["error"]["code"]),
        (404, &Value::from("not_found"))
    );
    // A person who mistypes an address gets a page, in their language.
    let (status, body) = get(&server, "/no/such/page?ui=en");
    let page = body.as_str().unwrap_or_default();
    assert_eq!(status, 404);
    assert!(page.contains("This page does not exist."), "{page}");

    // Graceful shutdown on SIGTERM, and nothing identifying in the log.
    let (clean, log) = server.terminate();
    assert!(clean, "{log:?}");
    assert!(
        log.iter().any(|line| line.contains("shutting down")),
        "{log:?}"
    );
    for line in log.iter().filter(|line| !line.contains("listening on")) {
        for private in ["trousse", "dicol", "aide", "127.0.0.1"] {
            assert!(!line.contains(private), "the log shows {private:?}: {line}");
        }
    }
}

#[test]
fn searches_never_fail_while_reindexes_run() {
    let index = tempfile::tempdir().unwrap();
    let server = start(
        index.path(),
        &["--admin-token", "test-token", "--rate-limit", "0"],
    );
    let generation = |server: &Server| {
        get(server, "/readyz").1["index"]["generation"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let reindexes_done = std::sync::atomic::AtomicBool::new(false);
    const CLIENTS: usize = 4;
    const MIN_REQUESTS_PER_CLIENT: usize = 25;
    let queries = [
        "trousse medicolegale",
        "rape kit",
        "denuncia policía",
        "consentement",
        "TACMES",
        "aide",
    ];

    // However things go, nothing here runs past this.
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let failures: Vec<Vec<String>> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let (server, done) = (&server, &reindexes_done);
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    let mut sent = 0;
                    // Until both reindexes are over, and at least a fixed number of requests.
                    while (sent < MIN_REQUESTS_PER_CLIENT
                        || !done.load(std::sync::atomic::Ordering::Acquire))
                        && std::time::Instant::now() < give_up
                    {
                        let q = queries[(client + sent) % queries.len()].replace(' ', "%20");
                        let (status, body) = get(server, &format!("/api/search?q={q}"));
                        if status != 200 || body["hits"].as_array().is_none_or(Vec::is_empty) {
                            failures.push(format!("{q}: {status} {body}"));
                        }
                        sent += 1;
                    }
                    failures
                })
            })
            .collect();
        for _ in 0..2 {
            let before = generation(&server);
            // The previous reindex's job ends just after its index is in use: until then a
            // new one is refused with a 409, which says to ask again.
            loop {
                let response = agent()
                    .post(&format!("{}/api/admin/reindex", server.base))
                    .header("Authorization", "Bearer test-token")
                    .send_empty()
                    .unwrap();
                match read(response).0 {
                    202 => break,
                    409 if std::time::Instant::now() < give_up => {
                        std::thread::sleep(std::time::Duration::from_millis(20))
                    }
                    status => panic!("a reindex was answered {status}"),
                }
            }
            while generation(&server) == before {
                assert!(
                    std::time::Instant::now() < give_up,
                    "the reindex never completed"
                );
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
        reindexes_done.store(true, std::sync::atomic::Ordering::Release);
        clients.into_iter().map(|c| c.join().unwrap()).collect()
    });
    let failures: Vec<String> = failures.into_iter().flatten().collect();
    assert!(
        failures.is_empty(),
        "{} failed requests: {failures:?}",
        failures.len()
    );
    // The admin token, used for two reindexes, is nowhere in the log.
    let (_, log) = server.terminate();
    assert!(
        log.iter().any(|line| line.contains("reindex complete")),
        "{log:?}"
    );
    assert!(
        !log.iter().any(|line| line.contains("test-token")),
        "{log:?}"
    );
}

/// Markup in the corpus is text: escaped in snippets, results pages and document views.
#[test]
fn markup_in_the_corpus_is_shown_as_text_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = common::hostile_corpus(dir.path());
    let index = dir.path().join("index");
    let server = common::start_on(&corpus, &index, &[]);
    let body = |path: &str| {
        let mut response = agent()
            .get(&format!("{}{path}", server.base))
            .call()
            .unwrap();
        response.body_mut().read_to_string().unwrap()
    };
    let api: Value = serde_json::from_str(&body("/api/search?q=pi%C3%A8ge")).unwrap();
    // JSON carries titles as text; snippets are HTML and must be escaped.
    let snippets: Vec<String> = api["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["snippet"].as_str().unwrap().to_string())
        .collect();
    let page = body("/search?q=pi%C3%A8ge");
    let documents = [
        body("/docs/guide/fr/piege?q=pi%C3%A8ge"),
        body("/docs/guide/fr/piege-texte?q=pi%C3%A8ge"),
    ];
    let snippets = snippets.join("\n");
    for (name, text) in [
        ("snippets", &snippets),
        ("results page", &page),
        ("document", &documents[0]),
        ("text document", &documents[1]),
    ] {
        for raw in ["<script>window", "<img src=x", "javascript:"] {
            assert!(!text.contains(raw), "{name} contains {raw:?}:\n{text}");
        }
        assert!(
            text.contains("&lt;script&gt;"),
            "{name} shows the markup as text: {text}"
        );
    }
    assert!(snippets.contains("<mark>piège</mark>"), "{snippets}");
}

/// A server killed (SIGKILL) while an admin reindex runs, at several points of the build:
/// the index it leaves loads and answers as before, and the next start removes what the
/// killed build left.
#[test]
fn a_server_killed_during_a_reindex_restarts_on_a_whole_index() {
    let index = tempfile::tempdir().unwrap();
    let args = ["--admin-token", "t", "--rate-limit", "0"];
    let query = "/api/search?q=trousse%20medicolegale";
    let ids = |body: &Value| {
        body["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].clone())
            .collect::<Vec<_>>()
    };
    let before = {
        let server = start(index.path(), &args);
        ids(&get(&server, query).1)
    };
    for point in ["corpus-read", "segments-written", "renamed"] {
        let corpus = common::shipped_corpus();
        let stop = [("GUIDE_SEARCH_STOP_AT", point)];
        let mut server = common::start_with(&corpus, index.path(), &args, &stop);
        let response = agent()
            .post(&format!("{}/api/admin/reindex", server.base))
            .header("Authorization", "Bearer t")
            .send_empty()
            .unwrap();
        assert_eq!(read(response).0, 202);
        server.wait_for_log(&format!("stopped at {point}"));
        server.kill();
        let restarted = start(index.path(), &args);
        assert_eq!(ids(&get(&restarted, query).1), before, "killed at {point}");
        let leftovers: Vec<_> = std::fs::read_dir(index.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".building-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

/// Several clients search while reindexes run, for a while (`GUIDE_SEARCH_SOAK_SECONDS`;
/// 120 in CI, 10 elsewhere): no request fails and resident memory stays flat.
#[test]
fn soak_searches_and_reindexes_without_failures_or_growth() {
    let seconds: u64 = std::env::var("GUIDE_SEARCH_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if std::env::var("CI").as_deref() == Ok("true") {
            120
        } else {
            10
        });
    let index = tempfile::tempdir().unwrap();
    let server = start(index.path(), &["--admin-token", "t", "--rate-limit", "0"]);
    let resident_kb = || {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", server.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    let queries = [
        "trousse medicolegale",
        "rape kit",
        "denuncia",
        "consentement",
        "TACMES",
        "aide",
        "harcelement sexeul",
    ];
    // Warm up, then measure from there.
    for q in queries {
        get(&server, &format!("/api/search?q={}", q.replace(' ', "%20")));
    }
    let start_kb = resident_kb();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let (sent, failed, reindexes, mid_kb) = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..4)
            .map(|client| {
                let server = &server;
                scope.spawn(move || {
                    let (mut sent, mut failed) = (0u64, Vec::new());
                    while std::time::Instant::now() < deadline {
                        let q =
                            queries[(client + sent as usize) % queries.len()].replace(' ', "%20");
                        let (status, body) = get(server, &format!("/api/search?q={q}"));
                        if status != 200 {
                            failed.push(format!("{q}: {status} {body}"));
                        }
                        sent += 1;
                    }
                    (sent, failed)
                })
            })
            .collect();
        let mut reindexes = 0;
        let halfway = deadline - std::time::Duration::from_secs(seconds / 2);
        let mut mid_kb = None;
        while std::time::Instant::now() < deadline {
            if mid_kb.is_none() && std::time::Instant::now() >= halfway {
                mid_kb = Some(resident_kb());
            }
            let response = agent()
                .post(&format!("{}/api/admin/reindex", server.base))
                .header("Authorization", "Bearer t")
                .send_empty()
                .unwrap();
            let status = read(response).0;
            assert!(status == 202 || status == 409, "reindex: {status}");
            reindexes += u64::from(status == 202);
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
        let results: Vec<_> = clients.into_iter().map(|c| c.join().unwrap()).collect();
        let sent: u64 = results.iter().map(|(s, _)| s).sum();
        let failed: Vec<String> = results.into_iter().flat_map(|(_, f)| f).collect();
        (sent, failed, reindexes, mid_kb.unwrap_or_else(resident_kb))
    });
    let end_kb = resident_kb();
    eprintln!(
        "soak: {seconds} s, {sent} searches, {reindexes} reindexes, {} failed; resident memory {start_kb} kB at start, \
         {mid_kb} kB halfway, {end_kb} kB at the end",
        failed.len()
    );
    assert!(failed.is_empty(), "{failed:?}");
    // The allocator keeps some of what the first reindexes free, so memory rises at first;
    // a leak would go on rising through the second half.
    assert!(
        end_kb <= mid_kb + mid_kb / 5 + 8 * 1024,
        "resident memory still growing: {mid_kb} kB halfway, {end_kb} kB at the end"
    );
}
