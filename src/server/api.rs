//! The JSON endpoints.
//!
//! Query strings are read as strings and checked here, so that a malformed value gets
//! our JSON error and a message saying what is allowed. Searches run on the blocking
//! pool: they are CPU work; but a response the cache keeps is a lookup, answered at once.

use std::time::Instant;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use subtle::ConstantTimeEq;

use super::AppState;
use super::error::ApiError;
use crate::language::Lang;
use crate::search::{DEFAULT_LIMIT, Engine, Invalid, SearchRequest, SearchResponse};

/// The query string of `/api/search`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchParams {
    pub q: Option<String>,
    pub lang: Option<String>,
    pub ui: Option<String>,
    #[serde(rename = "type")]
    pub doc_type: Option<String>,
    pub doc_lang: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
    pub group: Option<String>,
}

impl SearchParams {
    pub fn request(self) -> Result<SearchRequest, ApiError> {
        let mut request = SearchRequest::new(self.q.unwrap_or_default());
        request.lang = match self.lang.as_deref() {
            None | Some("auto" | "") => None,
            Some(code) => Some(lang_param("lang", code)?),
        };
        request.ui = ui_param(self.ui.as_deref())?;
        request.doc_type = self.doc_type.filter(|t| !t.is_empty());
        request.doc_lang = match self.doc_lang.as_deref() {
            None | Some("") => None,
            Some(code) => Some(lang_param("doc_lang", code)?),
        };
        request.limit = number_param("limit", self.limit, DEFAULT_LIMIT)?;
        request.offset = number_param("offset", self.offset, 0)?;
        request.group = match self.group.as_deref() {
            None | Some("true") => true,
            Some("false") => false,
            Some(_) => return Err(parameter("`group` must be true or false")),
        };
        Ok(request)
    }
}

fn lang_param(name: &str, code: &str) -> Result<Lang, ApiError> {
    let auto = if name == "lang" { " (or auto)" } else { "" };
    code.parse()
        .map_err(|_| parameter(format!("`{name}` must be fr, en or es{auto}")))
}

fn ui_param(code: Option<&str>) -> Result<Lang, ApiError> {
    code.filter(|c| !c.is_empty())
        .map_or(Ok(Lang::Fr), |code| lang_param("ui", code))
}

fn number_param(name: &str, value: Option<String>, default: usize) -> Result<usize, ApiError> {
    value.filter(|v| !v.is_empty()).map_or(Ok(default), |v| {
        v.parse()
            .map_err(|_| parameter(format!("`{name}` must be a whole number")))
    })
}

fn params<T>(params: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    params
        .map(|Query(p)| p)
        .map_err(|_| parameter("malformed query string"))
}

fn parameter(message: impl Into<String>) -> ApiError {
    Invalid::Parameter(message.into()).into()
}

/// Runs CPU work on the engine in use, in one of the search slots: a 503 if none is free
/// within a moment. A panic in the work is a 500.
///
/// Where searches are quick ([`Engine::searches_quickly`]), the work runs right here, on
/// the async thread: handing it to a blocking thread cost more than the search itself
/// (over HTTP, a random mix at 32 connections: 3,600 searches/s handed over, 8,300 run
/// here). Elsewhere it runs on a blocking thread, so that a slow search never stalls the
/// connections this thread serves; the slot is then held until the work ends, even if
/// the request that asked for it was answered (by a timeout) in the meantime.
pub(super) async fn with_engine<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let engine = state.engine().ok_or_else(ApiError::not_ready)?;
    let slot = state.search_slots.take().await.ok_or_else(ApiError::busy)?;
    if engine.searches_quickly() {
        let _slot = slot;
        return std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&engine)))
            .map_err(|_| ApiError::internal("the engine's work panicked"))?;
    }
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        work(&engine)
    })
    .await
    .map_err(|e| ApiError::internal(&e.to_string()))?
}

/// A search as the results page runs it: from the cache when it has the response (a
/// lookup, done here), else on a blocking thread.
pub(super) async fn run_search(
    state: &AppState,
    request: SearchRequest,
) -> Result<SearchResponse, ApiError> {
    let started = Instant::now();
    let engine = state.engine().ok_or_else(ApiError::not_ready)?;
    if let Some(kept) = engine.kept(&request) {
        return Ok(kept.response(started));
    }
    with_engine(state, move |engine| Ok(engine.search(&request)?)).await
}

pub async fn search(
    State(state): State<AppState>,
    query: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let request = params(query)?.request()?;
    if state.settings.log_queries {
        tracing::debug!(query = %request.query, "search");
    }
    // The same path as the page's, but a kept response goes out as the JSON it was kept as.
    let started = Instant::now();
    let engine = state.engine().ok_or_else(ApiError::not_ready)?;
    if let Some(kept) = engine.kept(&request) {
        let json = [(header::CONTENT_TYPE, "application/json")];
        return Ok((json, kept.json(started)).into_response());
    }
    let response = with_engine(&state, move |engine| Ok(engine.search(&request)?)).await?;
    Ok(Json(response).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SuggestParams {
    q: Option<String>,
    ui: Option<String>,
}

pub async fn suggest(
    State(state): State<AppState>,
    query: Result<Query<SuggestParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let SuggestParams { q, ui } = params(query)?;
    let ui = ui_param(ui.as_deref())?;
    let q = q.unwrap_or_default();
    let suggestions = with_engine(&state, move |engine| Ok(engine.suggest(&q, ui)?)).await?;
    Ok(Json(suggestions).into_response())
}

pub async fn document(
    State(state): State<AppState>,
    Path((doc_type, lang, key)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let missing = || ApiError::not_found(format!("no document {doc_type}/{lang}/{key}"));
    let Ok(parsed) = lang.parse::<Lang>() else {
        return Err(missing());
    };
    let (t, k) = (doc_type.clone(), key.clone());
    let view = with_engine(&state, move |engine| Ok(engine.document(&t, parsed, &k)?)).await?;
    view.map(|v| Json(v).into_response()).ok_or_else(missing)
}

pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

pub async fn readyz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let engine = state.engine().ok_or_else(ApiError::not_ready)?;
    let manifest = engine.manifest();
    Ok(Json(json!({
        "status": "ready",
        "index": {
            "generation": engine.generation(),
            "built_at": manifest.built_at,
            "documents": manifest.documents.len(),
            "passages": manifest.passages,
        },
    })))
}

/// `POST /api/admin/reindex`: rebuilds from the corpus in the background and swaps the
/// new index in once it is complete.
pub async fn reindex(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Some(expected) = state.settings.admin_token.as_deref() else {
        return Err(ApiError::not_found(
            "the admin API is not enabled on this server",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid `Authorization: Bearer <token>` header is required",
        ));
    }
    if !state.start_reindex() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "busy",
            "a reindex is already running",
        ));
    }
    Ok((StatusCode::ACCEPTED, Json(json!({"status": "started"}))).into_response())
}

pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}
