//! The service's handlers and layers, driven with `oneshot` (no socket).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::limits::{MAX_RATE_LIMIT, RateLimit};
use super::*;

const CORPUS: [(&str, &str); 2] = [
    (
        "guide/fr/aide.md",
        "---\ntitle: \"Trouver de l'aide\"\n---\n## Écoute\nUne ligne d'écoute répond jour et nuit.\n\n## Trousse médicolégale\nLa trousse médicolégale se fait dans un centre désigné.\n",
    ),
    (
        "guide/en/aide.md",
        "---\ntitle: Finding help\n---\n## Listening\nInfo-aide, a helpline, answers day and night.\n",
    ),
];

/// A state over a small index built in a temporary folder, with these settings.
fn state_with(settings: Settings) -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in CORPUS {
        let path = dir.path().join("corpus").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let settings = Settings {
        corpus_dir: dir.path().join("corpus"),
        index_dir: dir.path().join("index"),
        ..settings
    };
    let detector = Arc::new(Detector::new());
    crate::index::build(
        &settings.corpus_dir,
        &settings.index_dir,
        &settings.load_options,
        &detector,
        &mut (),
    )
    .unwrap();
    let engine = Engine::new(
        crate::index::open(&settings.index_dir).unwrap(),
        detector.clone(),
    );
    let state = AppState::new(settings, detector);
    state.install(engine);
    (dir, state)
}

/// Settings for tests: `oneshot` requests have no client address to rate-limit by.
fn settings() -> Settings {
    Settings {
        rate_limit: 0,
        ..Settings::default()
    }
}

fn default_state() -> (tempfile::TempDir, AppState) {
    state_with(settings())
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    (status, body)
}

fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn health_and_readiness_follow_the_engine() {
    let empty = app(AppState::new(settings(), Arc::new(Detector::new())));
    let (status, body) = get(&empty, "/readyz").await;
    assert_error(status, &body, StatusCode::SERVICE_UNAVAILABLE, "not_ready");
    let (status, body) = get(&empty, "/api/search?q=aide").await;
    assert_error(status, &body, StatusCode::SERVICE_UNAVAILABLE, "not_ready");
    assert_eq!(get(&empty, "/healthz").await.0, StatusCode::OK);

    let (_dir, state) = default_state();
    let (status, body) = get(&app(state), "/readyz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["index"]["documents"], 2);
}

#[tokio::test]
async fn search_answers_the_documented_shape() {
    let (_dir, state) = default_state();
    let app = app(state);
    let (status, body) = get(&app, "/api/search?q=medicolegale&ui=fr&lang=auto").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for field in ["query", "language", "total", "hits", "facets", "took_ms"] {
        assert!(body.get(field).is_some(), "{field} missing: {body}");
    }
    let hit = &body["hits"][0];
    assert_eq!(hit["id"], "guide/fr/aide");
    assert_eq!(hit["url"], "/docs/guide/fr/aide#trousse-médicolégale");
    assert_eq!(hit["translations"], json!({"en": "guide/en/aide"}));
    assert!(
        hit["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>médicolégale</mark>")
    );
    assert_eq!(body["facets"]["type"], json!({"guide": 1}));

    let (_, all) = get(&app, "/api/search?q=aide&group=false&limit=50").await;
    let (_, grouped) = get(&app, "/api/search?q=aide").await;
    assert_eq!(
        (all["total"].as_u64(), grouped["total"].as_u64()),
        (Some(2), Some(1))
    );
}

#[tokio::test]
async fn bad_search_input_gets_a_json_400() {
    let (_dir, state) = default_state();
    let app = app(state);
    let long = "a".repeat(513);
    for uri in [
        "/api/search",
        "/api/search?q=%20%20",
        &format!("/api/search?q={long}"),
        "/api/search?q=aide&limit=0",
        "/api/search?q=aide&limit=51",
        "/api/search?q=aide&limit=ten",
        "/api/search?q=aide&offset=-1",
        "/api/search?q=aide&offset=5000",
        "/api/search?q=aide&lang=de",
        "/api/search?q=aide&ui=xx",
        "/api/search?q=aide&doc_lang=it",
        "/api/search?q=aide&type=nope",
        "/api/search?q=aide&group=maybe",
        "/api/suggest",
        &format!("/api/suggest?q={long}"),
        "/api/suggest?q=ai&ui=de",
    ] {
        let (status, body) = get(&app, uri).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");
    }
    // Invalid UTF-8 is decoded with replacement characters: a query that finds nothing.
    let (status, body) = get(&app, "/api/search?q=%FF%FE").await;
    assert_eq!((status, &body["total"]), (StatusCode::OK, &json!(0)));
}

#[tokio::test]
async fn suggestions_complete_the_last_word_and_match_titles() {
    let (_dir, state) = default_state();
    let app = app(state);
    let (status, body) = get(&app, "/api/suggest?q=trousse%20medicol&ui=fr").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["suggestions"][0],
        json!({"text": "trousse médicolégale"})
    );
    let (_, body) = get(&app, "/api/suggest?q=trouver%20de%20l%27ai&ui=en").await;
    let titles: Vec<&Value> = body["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s.get("id").is_some())
        .collect();
    assert_eq!(
        titles,
        [&json!({"text": "Trouver de l'aide", "id": "guide/fr/aide"})]
    );
    // A query ending with a space is not completed.
    let (_, body) = get(&app, "/api/suggest?q=medicol%20").await;
    assert_eq!(body["suggestions"], json!([]));
}

#[tokio::test]
async fn documents_are_whole_with_translations_or_404() {
    let (_dir, state) = default_state();
    let app = app(state);
    let (status, body) = get(&app, "/api/documents/guide/fr/aide").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["title"], "Trouver de l'aide");
    let anchors: Vec<&str> = body["passages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["anchor"].as_str().unwrap())
        .collect();
    assert_eq!(anchors, ["écoute", "trousse-médicolégale"]);
    assert_eq!(body["translations"]["en"]["id"], "guide/en/aide");
    for uri in [
        "/api/documents/guide/es/aide",
        "/api/documents/guide/xx/aide",
        "/api/documents/nope/fr/aide",
    ] {
        let (status, body) = get(&app, uri).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    }
}

fn reindex_request(token: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/api/admin/reindex");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn reindex_needs_the_token_and_swaps_the_index() {
    let (_dir, without_token) = default_state();
    let (status, _, body) = send(&app(without_token), reindex_request(Some("anything"))).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");

    let (dir, state) = state_with(Settings {
        admin_token: Some("s3cret".into()),
        ..settings()
    });
    let app = app(state.clone());
    for token in [None, Some("wrong"), Some("s3cre"), Some("s3cret2")] {
        let (status, _, body) = send(&app, reindex_request(token)).await;
        assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
        assert!(!body.to_string().contains("s3cret"));
    }
    std::fs::create_dir_all(dir.path().join("corpus/guide/es")).unwrap();
    std::fs::write(
        dir.path().join("corpus/guide/es/aide.md"),
        "---\ntitle: Ayuda\n---\nUna línea de ayuda responde día y noche.\n",
    )
    .unwrap();
    let before = state.engine().unwrap().generation();
    let (status, _, _) = send(&app, reindex_request(Some("s3cret"))).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // The build runs in the background: wait for the swap, a minute at most.
    swapped(&state, &before).await;
    let (_, body) = get(&app, "/api/search?q=ayuda&doc_lang=es").await;
    assert_eq!(body["hits"][0]["id"], "guide/es/aide");
}

#[tokio::test]
async fn router_and_layer_errors_are_json_too() {
    let (_dir, state) = state_with(Settings {
        max_body_bytes: 8,
        admin_token: Some("t".into()),
        ..settings()
    });
    let app = app(state);
    let (status, body) = get(&app, "/api/no/such/endpoint").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, _, body) = send(
        &app,
        Request::post("/api/search?q=a")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    let request = Request::post("/api/admin/reindex")
        .header(header::AUTHORIZATION, "Bearer t")
        .header(header::CONTENT_LENGTH, "100")
        .body(Body::from("x".repeat(100)))
        .unwrap();
    let (status, _, body) = send(&app, request).await;
    assert_error(
        status,
        &body,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
}

#[tokio::test]
async fn each_client_is_rate_limited_with_retry_after() {
    let (_dir, state) = state_with(Settings {
        rate_limit: 1,
        ..Settings::default()
    });
    let app = app(state);
    let from = |ip: [u8; 4]| {
        let mut request = Request::get("/healthz").body(Body::empty()).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 4000))));
        request
    };
    // A burst of two, then 429 for this client only.
    assert_eq!(send(&app, from([10, 0, 0, 1])).await.0, StatusCode::OK);
    assert_eq!(send(&app, from([10, 0, 0, 1])).await.0, StatusCode::OK);
    let (status, headers, body) = send(&app, from([10, 0, 0, 1])).await;
    assert_error(status, &body, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(headers.contains_key(header::RETRY_AFTER));
    assert_eq!(send(&app, from([10, 0, 0, 2])).await.0, StatusCode::OK);
}

#[tokio::test]
async fn security_headers_and_cors_for_configured_origins_only() {
    let (_dir, state) = state_with(Settings {
        allowed_origins: vec!["https://www.example.org".into()],
        ..settings()
    });
    let app = app(state);
    let request = |origin: &str| {
        Request::get("/api/search?q=aide")
            .header(header::ORIGIN, origin)
            .body(Body::empty())
            .unwrap()
    };
    let (_, headers, _) = send(&app, request("https://www.example.org")).await;
    assert_eq!(
        headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://www.example.org"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    assert!(
        headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    assert!(!headers.contains_key(header::SET_COOKIE));
    let (_, headers, _) = send(&app, request("https://evil.example")).await;
    assert!(!headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));

    let (_dir, default) = default_state();
    let (_, headers, _) = send(&super::app(default), request("https://www.example.org")).await;
    assert!(
        !headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        "no origin is allowed by default"
    );
}

/// The OpenAPI document describes exactly the routes of the API the router serves, and
/// each answers something other than "no such page".
#[tokio::test]
async fn the_openapi_document_describes_exactly_the_routes() {
    let (_dir, state) = default_state();
    let app = app(state);
    let (status, document) = get(&app, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    documented.sort();
    let mut served: Vec<(String, String)> = api_routes()
        .iter()
        .map(|(method, path, _)| (method.to_string(), path.to_string()))
        .collect();
    served.sort();
    assert_eq!(documented, served);
    for (method, path, _) in api_routes() {
        let sample = path
            .replace("{type}", "guide")
            .replace("{lang}", "fr")
            .replace("{key}", "aide");
        let sample = if sample == "/api/search" || sample == "/api/suggest" {
            format!("{sample}?q=ai")
        } else {
            sample
        };
        let request = Request::builder()
            .method(method)
            .uri(&sample)
            .body(Body::empty())
            .unwrap();
        let (status, _, body) = send(&app, request).await;
        assert!(
            status != StatusCode::METHOD_NOT_ALLOWED
                && body["error"]["message"] != "no such page or endpoint",
            "{sample}: {status} {body}"
        );
    }
}

/// Everything a public search box meets gets a 200 with results or a JSON 400: never a
/// 5xx, a panic or a hang.
#[tokio::test]
async fn the_bad_input_battery_gets_200_or_400() {
    let (_dir, state) = default_state();
    let app = app(state);
    let long_word = "a".repeat(500);
    let queries: Vec<String> = vec![
        String::new(),
        "   ".into(),
        "x".repeat(10 * 1024),
        "mot ".repeat(1000),
        "aide ".repeat(100),
        "\u{0}\u{1}\u{7}\u{1b}[31m aide \u{7f}".into(),
        "مساعدة العنف الجنسي".into(),
        "\u{202e}ediA\u{202c} aide".into(),
        "😢🆘 aide 👩‍👩‍👧".into(),
        "e\u{301}coute a\u{300}\u{300}\u{300}\u{300}".into(),
        "<script>alert(1)</script>".into(),
        "\"><img src=x onerror=alert(1)>".into(),
        "'; DROP TABLE docs; --".into(),
        "\" OR 1=1 --".into(),
        "\"((( -- AND OR ~^* :".into(),
        "title:aide AND body:*".into(),
        "-\"\" - -- \"\"\"".into(),
        long_word,
        "aide~2 aide^10 aide* ?aide".into(),
    ];
    for query in &queries {
        let encoded = serde_urlencoded::to_string([("q", query.as_str())]).unwrap();
        for path in ["/api/search", "/api/suggest", "/search"] {
            let uri = format!("{path}?{encoded}");
            let (status, headers, text) = send_text(&app, request(&uri)).await;
            assert!(
                status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
                "{path} {query:?}: {status} {text}"
            );
            // Programs get JSON, people get a page, whatever the outcome.
            let expected = if path.starts_with("/api") {
                "application/json"
            } else {
                "text/html; charset=utf-8"
            };
            assert_eq!(content_type(&headers), expected, "{path} {query:?}");
            if path.starts_with("/api") && status == StatusCode::BAD_REQUEST {
                let body: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(body["error"]["code"], "bad_request", "{query:?}");
            }
        }
    }
    // Raw bytes that are not UTF-8, and a malformed escape.
    for uri in [
        "/api/search?q=%FF%FE%00",
        "/api/search?q=%E2%28%A1",
        "/api/search?q=%",
        "/api/search?q=%zz",
        "/search?q=%FF%FE%00",
        "/search?q=%",
        "/docs/guide/fr/%FF",
    ] {
        let (status, headers, text) = send_text(&app, request(uri)).await;
        assert!(
            status == StatusCode::OK
                || status == StatusCode::BAD_REQUEST
                || (uri.starts_with("/docs") && status == StatusCode::NOT_FOUND),
            "{uri}: {status} {text}"
        );
        let json = content_type(&headers) == "application/json";
        assert_eq!(json, uri.starts_with("/api"), "{uri}: {headers:?}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// The query entry point: any text, any options, gives results or a bad-request
    /// error that says what to change, never an internal error or a panic.
    #[test]
    fn any_query_gets_results_or_a_bad_request(
        q in proptest::prelude::any::<String>(),
        limit in 0usize..60,
        offset in 0usize..1200,
        group in proptest::prelude::any::<bool>(),
    ) {
        static ENGINE: std::sync::OnceLock<(tempfile::TempDir, AppState)> = std::sync::OnceLock::new();
        let (_, state) = ENGINE.get_or_init(default_state);
        let engine = state.engine().unwrap();
        let request = crate::search::SearchRequest { limit, offset, group, ..crate::search::SearchRequest::new(q.clone()) };
        match engine.search(&request) {
            Ok(response) => proptest::prop_assert!(response.hits.len() <= limit),
            Err(crate::search::SearchError::BadRequest(invalid)) => proptest::prop_assert!(!invalid.to_string().is_empty()),
            Err(error) => proptest::prop_assert!(false, "{q:?}: {error}"),
        }
        proptest::prop_assert!(engine.suggest(&q, crate::language::Lang::En).is_ok() || validate_fails(&q));
    }
}

fn validate_fails(q: &str) -> bool {
    q.trim().is_empty() || q.len() > crate::search::MAX_QUERY_BYTES
}

/// A router behind the service's limits, with a route that holds its request until
/// released (saying when it has started) and one that answers at once.
struct HeldOpen {
    app: Router,
    started: std::sync::Arc<tokio::sync::Notify>,
    release: std::sync::Arc<tokio::sync::Notify>,
}

fn held_open(settings: &Settings) -> HeldOpen {
    let started = std::sync::Arc::new(tokio::sync::Notify::new());
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let (on_start, on_release) = (started.clone(), release.clone());
    let routes = Router::new()
        .route(
            "/api/wait",
            axum::routing::get(move || {
                let (on_start, on_release) = (on_start.clone(), on_release.clone());
                async move {
                    on_start.notify_one();
                    on_release.notified().await;
                    "done"
                }
            }),
        )
        .route("/api/fast", axum::routing::get(|| async { "fast" }));
    HeldOpen {
        app: bounded(routes, settings, &RateLimit::new(settings)),
        started,
        release,
    }
}

fn request(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn a_request_over_the_time_limit_gets_a_503_that_says_when_to_come_back() {
    let settings = Settings {
        request_timeout: Duration::from_millis(50),
        ..settings()
    };
    // The handler never finishes unless released: whatever the timing, the limit answers.
    let held = held_open(&settings);
    let (status, headers, body) = send(&held.app, request("/api/wait")).await;
    assert_error(
        status,
        &body,
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
    );
    assert_eq!(headers[header::RETRY_AFTER], "1");
    assert_eq!(
        send(&held.app, request("/api/fast")).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn searches_beyond_the_free_slots_get_a_503_that_says_when_to_come_back() {
    let (_dir, state) = state_with(Settings {
        search_workers: 1,
        cached_responses: 0,
        ..settings()
    });
    let app = app(state.clone());
    let held = state.search_slots.take().await.expect("the only slot");
    for uri in ["/api/search?q=aide", "/api/suggest?q=ai"] {
        let (status, headers, body) = send(&app, request(uri)).await;
        assert_error(status, &body, StatusCode::SERVICE_UNAVAILABLE, "busy");
        assert_eq!(headers[header::RETRY_AFTER], "1");
    }
    let answer = send_text(&app, request("/docs/guide/fr/aide?ui=en")).await;
    assert_error_page(
        &answer,
        StatusCode::SERVICE_UNAVAILABLE,
        crate::language::Lang::En,
        super::i18n::strings(crate::language::Lang::En).error_busy,
    );
    drop(held);
    assert_eq!(get(&app, "/api/search?q=aide").await.0, StatusCode::OK);
}

/// On the shipped corpus, searches run on the async thread: with the one blocking thread
/// busy, a search, a suggestion and a results page are still answered.
#[test]
fn quick_searches_do_not_wait_for_a_blocking_thread() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let (_dir, state) = state_with(Settings {
            cached_responses: 0,
            ..settings()
        });
        let app = app(state);
        let (release, released) = std::sync::mpsc::channel::<()>();
        let busy = tokio::task::spawn_blocking(move || {
            released.recv_timeout(std::time::Duration::from_secs(30))
        });
        for uri in ["/api/search?q=aide", "/api/suggest?q=ai", "/search?q=aide"] {
            let answer = tokio::time::timeout(
                std::time::Duration::from_secs(10),
                app.clone().oneshot(request(uri)),
            )
            .await;
            let status = answer
                .expect("answered without a blocking thread")
                .map(|r| r.status());
            assert_eq!(status.ok(), Some(StatusCode::OK), "{uri}");
        }
        release.send(()).expect("the blocking job waits");
        busy.await
            .expect("the blocking job ends")
            .expect("released in time");
    });
}

#[tokio::test]
async fn the_rate_limiter_forgets_quiet_clients() {
    let (_dir, state) = state_with(Settings {
        rate_limit: MAX_RATE_LIMIT,
        ..settings()
    });
    let app = app(state.clone());
    for host in 1..=50u8 {
        let mut request = request("/healthz");
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, host], 4000))));
        assert_eq!(send(&app, request).await.0, StatusCode::OK);
    }
    assert_eq!(state.rate_limit.clients(), 50);
    // At a million requests a second, a client's allowance is whole again within
    // microseconds: the maintenance timer's pass forgets them all.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        state.forget_expired();
        if state.rate_limit.clients() == 0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "clients still kept");
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn any_rate_limit_is_a_working_limit() {
    for rate_limit in [1, MAX_RATE_LIMIT, u32::MAX] {
        let (_dir, state) = state_with(Settings {
            rate_limit,
            ..settings()
        });
        let mut request = request("/healthz");
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 4000))));
        assert_eq!(send(&app(state), request).await.0, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_reindex_that_panicked_does_not_block_the_next() {
    let (_dir, state) = state_with(settings());
    assert!(state.start_job(|_| panic!("injected")));
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while state.reindexing.load(Ordering::Acquire) {
        assert!(std::time::Instant::now() < deadline, "the flag stayed up");
        tokio::task::yield_now().await;
    }
    let before = state.engine().unwrap().generation();
    assert!(state.start_reindex(), "a new reindex starts");
    swapped(&state, &before).await;
}

/// Waits until the engine in use is not of generation `before`, a minute at most.
async fn swapped(state: &AppState, before: &str) {
    tokio::time::timeout(Duration::from_secs(60), async {
        while state.engine().unwrap().generation() == before {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the new index is in use within a minute");
}

#[tokio::test]
async fn requests_over_the_concurrency_cap_wait_their_turn() {
    let settings = Settings {
        max_concurrent_requests: 1,
        ..settings()
    };
    let held = held_open(&settings);
    // One request holds the only slot...
    let first = tokio::spawn(held.app.clone().oneshot(request("/api/wait")));
    held.started.notified().await;
    // ...so even a quick one cannot finish until it is released.
    let quick = tokio::spawn(held.app.clone().oneshot(request("/api/fast")));
    // On this one-thread runtime, a request that could run would be done after a few turns.
    for _ in 0..100 {
        tokio::task::yield_now().await;
    }
    assert!(
        !quick.is_finished(),
        "a request ran beyond the concurrency cap"
    );
    held.release.notify_one();
    assert_eq!(first.await.unwrap().unwrap().status(), StatusCode::OK);
    assert_eq!(quick.await.unwrap().unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn repeated_searches_are_answered_alike_from_memory_unless_told_not_to_keep_any() {
    let (_dir, state) = default_state();
    let router = app(state.clone());
    let uri = "/api/search?q=trousse%20medicolegale";
    let (_, mut first) = get(&router, uri).await;
    let (_, mut again) = get(&router, uri).await;
    for body in [&mut first, &mut again] {
        body.as_object_mut().unwrap().remove("took_ms");
    }
    assert_eq!(first, again);
    assert!(!first["hits"].as_array().unwrap().is_empty());
    assert_eq!(state.engine().unwrap().cached_responses(), 1);

    let (_dir, state) = state_with(Settings {
        cached_responses: 0,
        ..settings()
    });
    get(&app(state.clone()), uri).await;
    assert_eq!(state.engine().unwrap().cached_responses(), 0);
}

/// The body of a response, as text, with its status and headers.
async fn send_text(
    app: &Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

fn content_type(headers: &axum::http::HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// An error page: HTML in `lang`, with the status's words, the search box, the helpline
/// and the security headers.
fn assert_error_page(
    (status, headers, body): &(StatusCode, axum::http::HeaderMap, String),
    expected: StatusCode,
    lang: crate::language::Lang,
    words: &str,
) {
    assert_eq!(*status, expected, "{body}");
    assert!(
        content_type(headers).starts_with("text/html"),
        "{headers:?}"
    );
    assert!(body.contains(&format!("<html lang=\"{lang}\"")), "{body}");
    // A screen reader reads the title first: never an empty query's bare dash.
    let title = body
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next());
    assert!(
        title.is_some_and(|t| t.starts_with(char::is_alphanumeric)),
        "{title:?}"
    );
    assert!(
        body.contains(&maud::html! { (words) }.into_string()),
        "{words:?} not in {body}"
    );
    assert!(
        body.contains("<form class=\"search\""),
        "no search box: {body}"
    );
    assert!(
        body.contains("1 888 933-9007") && body.contains("911"),
        "no helpline: {body}"
    );
    for name in [
        header::CONTENT_SECURITY_POLICY,
        header::X_CONTENT_TYPE_OPTIONS,
        header::REFERRER_POLICY,
    ] {
        assert!(headers.contains_key(&name), "{name} missing");
    }
}

#[tokio::test]
async fn pages_answer_errors_as_pages_in_the_readers_language() {
    use crate::language::Lang::{En, Es, Fr};
    let (_dir, state) = state_with(Settings {
        admin_token: Some("t".into()),
        ..settings()
    });
    let app = app(state);
    let text = super::i18n::strings;
    let table: &[(&str, Option<&str>, StatusCode, crate::language::Lang, &str)] = &[
        (
            "/search?q=&ui=es",
            None,
            StatusCode::BAD_REQUEST,
            Es,
            text(Es).error_empty_query,
        ),
        (
            "/search?q=+++",
            Some("en-CA,en;q=0.9"),
            StatusCode::BAD_REQUEST,
            En,
            text(En).error_empty_query,
        ),
        (
            &*Box::leak(format!("/search?q={}&ui=fr", "é".repeat(300)).into_boxed_str()),
            None,
            StatusCode::BAD_REQUEST,
            Fr,
            text(Fr).error_query_too_long,
        ),
        (
            "/search?q=aide&offset=5000&ui=en",
            None,
            StatusCode::BAD_REQUEST,
            En,
            text(En).error_no_such_results_page,
        ),
        (
            "/search?q=aide&offset=18446744073709551615&ui=en",
            None,
            StatusCode::BAD_REQUEST,
            En,
            text(En).error_no_such_results_page,
        ),
        (
            "/search?q=aide&offset=184467440737095516150&ui=es",
            None,
            StatusCode::BAD_REQUEST,
            Es,
            text(Es).error_bad_address,
        ),
        (
            "/search?q=aide&type=nope",
            None,
            StatusCode::BAD_REQUEST,
            Fr,
            text(Fr).error_bad_address,
        ),
        (
            "/search?q=aide&doc_lang=it&ui=en",
            None,
            StatusCode::BAD_REQUEST,
            En,
            text(En).error_bad_address,
        ),
        (
            "/docs/guide/fr/nope?ui=es",
            None,
            StatusCode::NOT_FOUND,
            Es,
            text(Es).not_found,
        ),
        (
            "/docs/guide/xx/aide",
            Some("es"),
            StatusCode::NOT_FOUND,
            Es,
            text(Es).not_found,
        ),
        (
            "/no/such/page?ui=en",
            None,
            StatusCode::NOT_FOUND,
            En,
            text(En).not_found_hint,
        ),
        (
            "/docs/guide",
            None,
            StatusCode::NOT_FOUND,
            Fr,
            text(Fr).not_found,
        ),
    ];
    for (uri, accept_language, status, lang, words) in table {
        let mut request = Request::get(*uri);
        if let Some(accepted) = accept_language {
            request = request.header(header::ACCEPT_LANGUAGE, *accepted);
        }
        let answer = send_text(&app, request.body(Body::empty()).unwrap()).await;
        assert_error_page(&answer, *status, *lang, words);
    }
    let answer = send_text(
        &app,
        Request::post("/search?q=aide&ui=en")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_error_page(
        &answer,
        StatusCode::METHOD_NOT_ALLOWED,
        En,
        text(En).error_bad_address,
    );
    // The API keeps its JSON.
    let (status, headers, _) = send_text(&app, request("/api/search?q=")).await;
    assert_eq!(
        (status, content_type(&headers)),
        (StatusCode::BAD_REQUEST, "application/json")
    );
    let (status, headers, _) = send_text(&app, request("/assets/nope.js")).await;
    assert_eq!(
        (status, content_type(&headers)),
        (StatusCode::NOT_FOUND, "application/json")
    );
}

async fn boom() -> &'static str {
    panic!("injected")
}

#[tokio::test]
async fn layer_errors_on_pages_are_pages_and_on_the_api_json() {
    use crate::language::Lang::Es;
    let text = super::i18n::strings(Es);
    let settings = Settings {
        request_timeout: Duration::from_millis(50),
        ..settings()
    };
    let routes = Router::new()
        .route("/boom", axum::routing::get(boom))
        .route("/api/boom", axum::routing::get(boom))
        .route("/slow", axum::routing::get(std::future::pending::<&str>));
    let app = bounded(routes, &settings, &RateLimit::new(&settings));
    let answer = send_text(&app, request("/boom?ui=es")).await;
    assert_error_page(
        &answer,
        StatusCode::INTERNAL_SERVER_ERROR,
        Es,
        text.error_internal_title,
    );
    let answer = send_text(&app, request("/slow?ui=es")).await;
    assert_error_page(
        &answer,
        StatusCode::SERVICE_UNAVAILABLE,
        Es,
        text.error_busy,
    );
    assert_eq!(answer.1[header::RETRY_AFTER], "1");
    let (status, _, body) = send(&app, request("/api/boom")).await;
    assert_error(status, &body, StatusCode::INTERNAL_SERVER_ERROR, "internal");
}

#[tokio::test]
async fn a_document_that_cannot_be_shown_is_a_500_never_a_404() {
    let (_dir, state) = default_state();
    let failed =
        super::api::with_engine(&state, |_| -> Result<(), ApiError> { panic!("injected") }).await;
    assert_eq!(
        super::pages::shown(failed.map(|()| Ok(None))).err(),
        Some(StatusCode::INTERNAL_SERVER_ERROR)
    );
    let broken = crate::search::SearchError::Internal("injected".into());
    assert_eq!(
        super::pages::shown(Ok(Err(broken))).err(),
        Some(StatusCode::INTERNAL_SERVER_ERROR)
    );
    assert_eq!(
        super::pages::shown(Ok(Ok(None))).err(),
        Some(StatusCode::NOT_FOUND)
    );
}

#[tokio::test]
async fn nothing_found_is_never_a_dead_end() {
    let (_dir, state) = default_state();
    let app = app(state);
    let (status, _, body) = send_text(&app, request("/search?q=zzzqqq&ui=en")).await;
    assert_eq!(status, StatusCode::OK);
    let text = super::i18n::strings(crate::language::Lang::En);
    for expected in [text.no_results, text.help_numbers, text.help_danger] {
        assert!(
            body.contains(&maud::html! { (expected) }.into_string()),
            "{expected:?} not in {body}"
        );
    }
    // This corpus has none of the guide sections to start from (the shipped one's are
    // followed by the click-through test).
    let (_, json) = get(&app, "/api/search?q=zzzqqq").await;
    assert_eq!(
        (&json["total"], json.get("starting_points")),
        (&json!(0), None)
    );
}

/// A document opened from results links back to them, with their filters and place and
/// its query encoded (and the link escaped); with no query, or one the search would
/// refuse, it has no such link; a place or a language that is not one is left out.
#[tokio::test]
async fn a_document_opened_from_results_links_back_to_them() {
    let (_dir, state) = default_state();
    let app = app(state);
    let (_, _, results) = send_text(
        &app,
        request("/search?q=trousse&ui=fr&type=guide&doc_lang=fr"),
    )
    .await;
    let opened = "/docs/guide/fr/aide?q=trousse&amp;ui=fr&amp;type=guide&amp;doc_lang=fr#";
    assert!(results.contains(opened), "{results}");
    let too_long = "a".repeat(crate::search::MAX_QUERY_BYTES + 1);
    let table: [(&str, Option<&str>); 7] = [
        ("q=trousse&ui=en", Some("/search?q=trousse&amp;ui=en\"")),
        (
            "q=trousse&ui=fr&type=guide&doc_lang=fr&offset=10",
            Some("/search?q=trousse&amp;ui=fr&amp;type=guide&amp;doc_lang=fr&amp;offset=10\""),
        ),
        (
            "q=trousse&ui=fr&doc_lang=xx&offset=-3",
            Some("/search?q=trousse&amp;ui=fr\""),
        ),
        (
            "q=a%26b+%3Cb%3E%22x%22&ui=fr",
            Some("/search?q=a%26b+%3Cb%3E%22x%22&amp;ui=fr\""),
        ),
        ("q=+++&ui=fr", None),
        ("ui=fr", None),
        (&format!("q={too_long}&ui=fr"), None),
    ];
    for (params, back) in table {
        let (status, _, page) =
            send_text(&app, request(&format!("/docs/guide/fr/aide?{params}"))).await;
        assert_eq!(status, StatusCode::OK, "{params}");
        match back {
            Some(link) => assert!(
                page.contains(&format!(r#"<p class="back"><a href="{link}"#)),
                "{params}: {page}"
            ),
            None => assert!(!page.contains(r#"class="back""#), "{params}"),
        }
    }
}
