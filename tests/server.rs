//! The real binary serving the shipped corpus on a loopback port.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use serde_json::Value;

/// A `guide-search serve` process, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    let corpus = common::shipped_corpus();
    let index = common::shipped_index();
    let mut child = common::guide_search(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--corpus",
        corpus.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ])
    .env("RUST_LOG", "info")
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut lines = stderr.lines();
    let base = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.split_once("listening on ")
                .map(|(_, url)| url.trim().to_string())
        })
        .expect("the server says where it listens");
    // Keep draining stderr so that the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, base }
}

fn get(server: &Server, path: &str) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent.get(&format!("{}{path}", server.base)).call().unwrap();
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

#[test]
fn serves_search_health_and_json_errors_over_http() {
    let server = start();
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
}
