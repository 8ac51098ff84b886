//! Errors as the API answers them: always JSON, `{"error": {"code", "message"}}`.
//!
//! User errors (a bad query, an unknown document) say what to do; internal errors answer
//! a generic 500 and leave the detail in the log. Errors produced outside our handlers
//! (by the router, the timeout, the body limit, the rate limit) get the same JSON body
//! from [`json_errors`].

use axum::Json;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::search::SearchError;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn not_ready() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "the index is not loaded yet: try again shortly",
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

/// Gives every error response that is not JSON yet (404 and 405 from the router, 408,
/// 413, 429 from the layers) our JSON body, keeping its status and headers.
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("not_found", "no such page or endpoint"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this endpoint does not accept that method",
        ),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long: try again"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
        StatusCode::TOO_MANY_REQUESTS => (
            "rate_limited",
            "too many requests: wait a moment and try again",
        ),
        s if s.is_client_error() => ("bad_request", "the request could not be understood"),
        _ => ("internal", "something went wrong on our side"),
    };
    let (mut parts, _) = response.into_parts();
    let body = json!({"error": {"code": code, "message": message}}).to_string();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// A handler that panicked: logged, answered with a generic JSON 500.
pub fn panic_response(_: Box<dyn std::any::Any + Send>) -> Response {
    ApiError::internal("a request handler panicked").into_response()
}
