//! The HTTP service: a JSON search API and health endpoints over the current [`Engine`].
//!
//! [`app`] builds the router from a [`State`], so handlers are tested without a socket;
//! [`serve`] binds it and shuts down gracefully. Queries are sensitive: nothing here logs
//! query text or client addresses.

use std::sync::Arc;

use arc_swap::ArcSwapOption;
use axum::extract::{Query, State as Extract};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::language::Lang;
use crate::search::{DEFAULT_LIMIT, Engine, SearchError, SearchRequest};

/// What handlers share: the engine in use, swapped whole when an index is rebuilt.
#[derive(Clone, Default)]
pub struct State {
    engine: Arc<ArcSwapOption<Engine>>,
}

impl State {
    pub fn with_engine(engine: Engine) -> State {
        let state = State::default();
        state.install(engine);
        state
    }

    /// Makes `engine` the one that answers from the next request on.
    pub fn install(&self, engine: Engine) {
        self.engine.store(Some(Arc::new(engine)));
    }
}

pub fn app(state: State) -> Router {
    Router::new()
        .route("/api/search", get(search))
        .route("/healthz", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/readyz", get(ready))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
        })
        .with_state(state)
}

/// Serves `state` on `listener` until SIGINT or SIGTERM; requests in flight complete.
pub async fn serve(listener: tokio::net::TcpListener, state: State) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn ready(Extract(state): Extract<State>) -> Response {
    match state.engine.load_full() {
        Some(_) => Json(json!({"status": "ready"})).into_response(),
        None => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "the index is not loaded yet",
        )
        .into_response(),
    }
}

/// The query string of `/api/search`. Every field is a string so that a malformed value
/// gets our JSON error, not the extractor's plain-text one.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SearchParams {
    q: Option<String>,
    lang: Option<String>,
    ui: Option<String>,
    #[serde(rename = "type")]
    doc_type: Option<String>,
    doc_lang: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
    group: Option<String>,
}

impl SearchParams {
    fn request(self) -> Result<SearchRequest, ApiError> {
        let mut request = SearchRequest::new(self.q.unwrap_or_default());
        request.lang = match self.lang.as_deref() {
            None | Some("auto") | Some("") => None,
            Some(code) => Some(lang_param("lang", code)?),
        };
        request.ui = self
            .ui
            .as_deref()
            .map(|code| lang_param("ui", code))
            .transpose()?
            .unwrap_or(Lang::Fr);
        request.doc_type = self.doc_type.filter(|t| !t.is_empty());
        request.doc_lang = self
            .doc_lang
            .as_deref()
            .map(|code| lang_param("doc_lang", code))
            .transpose()?;
        request.limit = number_param("limit", self.limit, DEFAULT_LIMIT)?;
        request.offset = number_param("offset", self.offset, 0)?;
        request.group = match self.group.as_deref() {
            None | Some("true") => true,
            Some("false") => false,
            Some(_) => return Err(ApiError::bad_request("`group` must be true or false")),
        };
        Ok(request)
    }
}

fn lang_param(name: &str, code: &str) -> Result<Lang, ApiError> {
    code.parse().map_err(|_| {
        ApiError::bad_request(format!(
            "`{name}` must be fr, en or es{}",
            if name == "lang" { " (or auto)" } else { "" }
        ))
    })
}

fn number_param(name: &str, value: Option<String>, default: usize) -> Result<usize, ApiError> {
    value.map_or(Ok(default), |v| {
        v.parse()
            .map_err(|_| ApiError::bad_request(format!("`{name}` must be a whole number")))
    })
}

async fn search(
    Extract(state): Extract<State>,
    params: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result = async {
        let Query(params) = params.map_err(|_| ApiError::bad_request("malformed query string"))?;
        let request = params.request()?;
        let engine = state.engine.load_full().ok_or_else(not_ready)?;
        tokio::task::spawn_blocking(move || engine.search(&request))
            .await
            .map_err(|e| ApiError::internal(&e.to_string()))?
            .map_err(ApiError::from)
    };
    match result.await {
        Ok(response) => Json(response).into_response(),
        Err(error) => error.into_response(),
    }
}

fn not_ready() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "not_ready",
        "the index is not loaded yet",
    )
}

/// A JSON error: `{"error": {"code", "message"}}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// The detail goes to the log, never to the client.
    fn internal(detail: &str) -> Self {
        tracing::error!(detail, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side",
        )
    }
}

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> Self {
        match error {
            SearchError::BadRequest(message) => ApiError::bad_request(message),
            SearchError::Internal(detail) => ApiError::internal(&detail),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"code": self.code, "message": self.message}});
        (self.status, Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    fn engine() -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus/guide/fr");
        std::fs::create_dir_all(&corpus).unwrap();
        std::fs::write(
            corpus.join("aide.md"),
            "---\ntitle: Aide\n---\n## Écoute\nUne ligne d'écoute répond jour et nuit.\n",
        )
        .unwrap();
        let detector = Arc::new(crate::language::Detector::new());
        let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
        crate::index::build(&corpus, &index, &Default::default(), &detector, &mut ()).unwrap();
        let engine = Engine::new(crate::index::open(&index).unwrap(), detector);
        (dir, engine)
    }

    async fn get(app: Router, uri: &str) -> (StatusCode, serde_json::Value) {
        let response = app
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn readiness_follows_the_engine() {
        let state = State::default();
        assert_eq!(
            get(app(state.clone()), "/readyz").await.0,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            get(app(state.clone()), "/api/search?q=aide").await.0,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(get(app(state.clone()), "/healthz").await.0, StatusCode::OK);
        let (_dir, engine) = engine();
        state.install(engine);
        assert_eq!(get(app(state), "/readyz").await.0, StatusCode::OK);
    }

    #[tokio::test]
    async fn search_answers_json_and_bad_input_gets_400() {
        let (_dir, engine) = engine();
        let app = app(State::with_engine(engine));
        let (status, body) = get(
            app.clone(),
            "/api/search?q=ecoute&ui=fr&lang=auto&group=false",
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["hits"][0]["id"], "guide/fr/aide");
        assert_eq!(body["hits"][0]["url"], "/docs/guide/fr/aide#écoute");
        let long = "a".repeat(513);
        for uri in [
            "/api/search",
            "/api/search?q=%20%20",
            &format!("/api/search?q={long}"),
            "/api/search?q=aide&limit=0",
            "/api/search?q=aide&limit=51",
            "/api/search?q=aide&limit=ten",
            "/api/search?q=aide&lang=de",
            "/api/search?q=aide&ui=xx",
            "/api/search?q=aide&type=nope",
            "/api/search?q=aide&group=maybe",
        ] {
            let (status, body) = get(app.clone(), uri).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
            assert_eq!(body["error"]["code"], "bad_request", "{uri}");
        }
        // Invalid UTF-8 is decoded with replacement characters: a query that finds nothing.
        let (status, body) = get(app.clone(), "/api/search?q=%FF%FE").await;
        assert_eq!(
            (status, &body["total"]),
            (StatusCode::OK, &serde_json::json!(0))
        );
        let (status, body) = get(app, "/nope").await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (StatusCode::NOT_FOUND, &serde_json::json!("not_found"))
        );
    }
}
