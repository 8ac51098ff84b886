//! The real binary serving the shipped corpus on a loopback port.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// A `guide-search serve` process, stopped when dropped.
struct Server {
    child: Child,
    base: String,
    /// Everything it wrote to stderr, read by a thread that ends with the process.
    log: Arc<Mutex<Vec<String>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Stops the server with SIGTERM, as a service manager would; returns whether it
    /// exited cleanly, and its whole log.
    fn terminate(mut self) -> (bool, Vec<String>) {
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

fn start(index: &std::path::Path, extra: &[&str]) -> Server {
    let corpus = common::shipped_corpus();
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
    let mut child = common::guide_search(&args)
        .env("RUST_LOG", "info,guide_search=debug")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut base = None;
    for line in lines.by_ref().map_while(Result::ok) {
        log.lock().unwrap().push(line.clone());
        if let Some((_, url)) = line.split_once("listening on ") {
            base = Some(url.trim().to_string());
            break;
        }
    }
    let base = base.expect("the server says where it listens");
    // Keep reading stderr so that the server never blocks on a full pipe.
    let sink = log.clone();
    let reader = std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    Server {
        child,
        base,
        log,
        reader: Some(reader),
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn read(mut response: ureq::http::Response<ureq::Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

fn get(server: &Server, path: &str) -> (u16, Value) {
    read(
        agent()
            .get(&format!("{}{path}", server.base))
            .call()
            .unwrap(),
    )
}

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
    let (status, body) = get(&server, "/no/such/page");
    assert_eq!(
        (status, &body["error"]["code"]),
        (404, &Value::from("not_found"))
    );

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

    let failures: Vec<Vec<String>> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let (server, done) = (&server, &reindexes_done);
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    let mut sent = 0;
                    // Until both reindexes are over, and at least a fixed number of requests.
                    while sent < MIN_REQUESTS_PER_CLIENT
                        || !done.load(std::sync::atomic::Ordering::Acquire)
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
            let response = agent()
                .post(&format!("{}/api/admin/reindex", server.base))
                .header("Authorization", "Bearer test-token")
                .send_empty()
                .unwrap();
            assert_eq!(read(response).0, 202);
            while generation(&server) == before {
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
}
