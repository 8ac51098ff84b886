//! Errors, answered as JSON to programs and as pages to people.
//!
//! The API (`/api/…`, the health checks, assets) answers `{"error": {"code", "message"}}`;
//! every other address is a page a person opened, and an error there is a page too, in
//! the reader's language, with the search box and the helpline (see `pages::error_page`).
//! User errors (a bad query, an unknown document) say what to do; internal errors answer
//! a generic 500 and leave the detail in the log. Errors produced outside our handlers
//! (the router's 404 and 405, the timeout, the body limit, the rate limit, a panic) get
//! the same treatment from [`answer_errors`], which keeps their status and headers.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::Settings;
use super::pages;
use crate::search::{Invalid, SearchError};

/// An error a handler answers: JSON for programs, a page for people.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// What was wrong with the request, for a page to say it in the reader's language.
    invalid: Option<Invalid>,
}

impl ApiError {
    /// An error with its HTTP status, a stable code for programs (`not_found`…) and a
    /// message for the client.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            invalid: None,
        }
    }

    /// The HTTP status it is answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// What was wrong with the request, when that is the error.
    pub fn invalid(&self) -> Option<&Invalid> {
        self.invalid.as_ref()
    }

    /// A 404, the message naming what is missing.
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// A 503 while no index is loaded yet.
    pub fn not_ready() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "the index is not loaded yet: try again shortly",
        )
    }

    /// Every search slot is taken: the client should try again in a moment.
    pub fn busy() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "the service is busy: try again in a moment",
        )
    }

    /// The detail goes to the log, never to the client.
    pub fn internal(detail: &str) -> Self {
        tracing::error!(detail, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side",
        )
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError {
            invalid: Some(invalid.clone()),
            ..ApiError::new(StatusCode::BAD_REQUEST, "bad_request", invalid.to_string())
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> Self {
        match error {
            SearchError::BadRequest(invalid) => invalid.into(),
            SearchError::Internal(detail) => ApiError::internal(&detail),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_error(self.status, self.code, &self.message)
    }
}

fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": message}});
    with_retry_after((status, Json(body)).into_response())
}

/// A 503 says when to try again: in a second.
fn with_retry_after(mut response: Response) -> Response {
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .entry(header::RETRY_AFTER)
            .or_insert(HeaderValue::from_static("1"));
    }
    response
}

/// Whether `path` is a page a person opens (else a program's endpoint or an asset).
pub fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/assets/")
        || matches!(path, "/api" | "/healthz" | "/readyz" | "/widget.js"))
}

/// Gives every error response that is neither JSON nor a page yet (404 and 405 from the
/// router, 408, 413, 429 from the layers, a caught panic) the body its address calls for:
/// a page in the reader's language for a page, our JSON otherwise. Status and headers
/// (`Retry-After`…) are kept.
pub async fn answer_errors(
    State(settings): State<Arc<Settings>>,
    request: Request,
    next: Next,
) -> Response {
    let reader = is_page(request.uri().path())
        .then(|| pages::reader_language(request.uri().query(), request.headers()));
    let response = next.run(request).await;
    let status = response.status();
    let rendered = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes().starts_with(b"application/json") || v.as_bytes().starts_with(b"text/html")
        });
    if !(status.is_client_error() || status.is_server_error()) || rendered {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let answer = match reader {
        Some(ui) => pages::error_page(&settings.exit_url, ui, status, None),
        None => {
            let (code, message) = generic(status);
            json_error(status, code, message)
        }
    };
    let (answer_parts, body) = answer.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.extend(answer_parts.headers);
    with_retry_after(Response::from_parts(parts, body))
}

/// The code and message of an error that our handlers did not word themselves.
fn generic(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND => ("not_found", "no such page or endpoint"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this endpoint does not accept that method",
        ),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long: try again"),
        StatusCode::SERVICE_UNAVAILABLE => (
            "unavailable",
            "the service is busy or the request took too long: try again in a moment",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
        StatusCode::TOO_MANY_REQUESTS => (
            "rate_limited",
            "too many requests: wait a moment and try again",
        ),
        s if s.is_client_error() => ("bad_request", "the request could not be understood"),
        _ => ("internal", "something went wrong on our side"),
    }
}

/// A handler that panicked: logged, answered with a bare 500 that [`answer_errors`]
/// turns into a page or JSON.
pub fn panic_response(_: Box<dyn std::any::Any + Send>) -> Response {
    tracing::error!("internal error: a request handler panicked");
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}
