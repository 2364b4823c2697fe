//! The service's errors, answered as JSON with the status they deserve:
//! `{"error": {"status", "message", "problems"?}}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use practice_guide::Error;
use practice_guide::error::Problem;
use serde::Serialize;

/// An error answered as JSON: `{"error": {"status", "message", "problems"?}}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    problems: Option<Error>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            problems: None,
        }
    }

    /// A profile, options or rules that did not fit: 400 (or `status`) with the located problems.
    pub(crate) fn problems(status: StatusCode, message: impl Into<String>, err: Error) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            problems: Some(err),
        }
    }

    /// What goes under `"error"`: in an error's answer, or on a batch's line.
    pub(crate) fn body(&self) -> ErrorBody<'_> {
        ErrorBody {
            status: self.status.as_u16(),
            message: &self.message,
            problems: self.problems.as_ref().map(Error::problems),
        }
    }

    /// The error as its answer's body: `{"error": {...}}`.
    pub(crate) fn to_json(&self) -> String {
        // An error always serializes.
        serde_json::to_string(&Wrapped { error: self.body() }).unwrap_or_default()
    }
}

/// What goes under `"error"`.
#[derive(Serialize)]
pub(crate) struct ErrorBody<'a> {
    status: u16,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    problems: Option<&'a [Problem]>,
}

#[derive(Serialize)]
struct Wrapped<'a> {
    error: ErrorBody<'a>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let content_type = HeaderValue::from_static("application/json");
        let body = self.to_json();
        (self.status, [(header::CONTENT_TYPE, content_type)], body).into_response()
    }
}
