//! The endpoints: evaluation (one profile, or JSON Lines of them), the guide, health, reload,
//! the OpenAPI description and the JSON Schemas it points to; the limits every request meets;
//! and errors as JSON with the status they deserve.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, MatchedPath, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use practice_guide::{Error, EvaluationOptions, Filter, PreparedProfile, Problem};
use serde::{Deserialize, Serialize};
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use super::state::{App, Loaded, Reload};
use super::{Limits, log, openapi, page};

/// The header naming the content hash of the guide that answered.
pub(crate) const CONTENT_HASH: &str = "x-guide-content-hash";

/// Every route, behind the limits, the access check and the request log.
pub(crate) fn router(app: Arc<App>, limits: Limits) -> Router {
    let api = Router::new()
        .route(
            "/evaluate",
            post(evaluate).layer(DefaultBodyLimit::max(limits.profile_bytes)),
        )
        .route(
            "/evaluate/batch",
            post(batch).layer(DefaultBodyLimit::max(limits.batch_bytes)),
        )
        .route("/guide", get(guide))
        .route("/admin/reload", post(reload))
        .route("/schema/profile.json", get(profile_schema))
        .route_layer(middleware::from_fn_with_state(Arc::clone(&app), authorize));
    Router::new()
        .merge(api)
        .route("/health", get(health))
        .route("/openapi.json", get(openapi_json))
        .route("/schema/evaluation.json", get(evaluation_schema))
        .route("/schema/compact-evaluation.json", get(compact_schema))
        .merge(page::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(Arc::clone(&app), finish))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_time,
        ))
        .layer(GlobalConcurrencyLimitLayer::new(limits.concurrent_requests))
        .layer(middleware::from_fn(log_request))
        .with_state(app)
}

/// An error answered as JSON: `{"error": {"status", "message", "problems"?}}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    problems: Option<Error>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            problems: None,
        }
    }

    /// A profile, options or rules that did not fit: 400 (or `status`) with the located problems.
    fn problems(status: StatusCode, message: impl Into<String>, err: Error) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            problems: Some(err),
        }
    }

    fn body(&self) -> ErrorBody<'_> {
        ErrorBody {
            status: self.status.as_u16(),
            message: &self.message,
            problems: self.problems.as_ref().map(Error::problems),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
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
        let body = serde_json::to_string(&Wrapped { error: self.body() }).unwrap_or_default();
        (self.status, json_type(), body).into_response()
    }
}

fn json_type() -> [(header::HeaderName, HeaderValue); 1] {
    [(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    )]
}

/// How a result is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Format {
    /// The evaluation as JSON, with what would change each result.
    #[default]
    Json,
    /// The compact form: ids and what is said of the family, the guide's texts left out.
    Compact,
    /// The report as Markdown (not in a batch).
    Markdown,
}

/// The query of `POST /evaluate` and `POST /evaluate/batch`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    min_evidence: Option<String>,
    audience: Option<String>,
    #[serde(default)]
    skip_open: bool,
    /// Add what would change each result that does not apply (exact, but costly: 25–60 ms a
    /// family on the embedded guide).
    #[serde(default)]
    changes: bool,
    #[serde(default)]
    format: Format,
}

impl Options {
    fn filter(&self, loaded: &Loaded) -> Result<Filter, ApiError> {
        let mut options = EvaluationOptions::new();
        if let Some(level) = &self.min_evidence {
            options = options.min_evidence(level.clone());
        }
        if let Some(audience) = &self.audience {
            options = options.audience(audience.clone());
        }
        if self.skip_open {
            options = options.skip_open();
        }
        loaded.guide().filter(&options).map_err(|err| {
            ApiError::problems(
                StatusCode::BAD_REQUEST,
                "the options do not fit the guide",
                err,
            )
        })
    }
}

/// What a profile's body is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Json,
    Yaml,
    JsonLines,
}

/// The body's syntax from its `Content-Type`, if it is one `accepted` allows.
fn syntax(headers: &HeaderMap, accepted: &[Syntax]) -> Result<Syntax, ApiError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    let syntax = match given.as_deref() {
        Some("application/json") => Some(Syntax::Json),
        Some("application/yaml" | "application/x-yaml" | "text/yaml" | "text/x-yaml") => {
            Some(Syntax::Yaml)
        }
        Some("application/x-ndjson" | "application/jsonl" | "application/json-lines") => {
            Some(Syntax::JsonLines)
        }
        _ => None,
    };
    match syntax {
        Some(s) if accepted.contains(&s) => Ok(s),
        _ => {
            let wanted = if accepted.contains(&Syntax::JsonLines) {
                "application/x-ndjson (one JSON profile a line)"
            } else {
                "application/json or application/yaml"
            };
            let given = given.unwrap_or_else(|| "none".to_owned());
            Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("the Content-Type is {given}; send {wanted}"),
            ))
        }
    }
}

/// The body as text: within the limit, and UTF-8.
fn text(body: Result<Bytes, BytesRejection>) -> Result<String, ApiError> {
    let bytes = body.map_err(|rejection| {
        let status = rejection.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "the body is over the service's limit".to_owned()
        } else {
            format!("cannot read the body: {}", rejection.body_text())
        };
        ApiError::new(status, message)
    })?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "the body is not UTF-8 text"))
}

/// What an evaluation request brings: its options, its body's syntax (one of `accepted`) and
/// its text.
fn read(
    query: Result<Query<Options>, QueryRejection>,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    accepted: &[Syntax],
) -> Result<(Options, Syntax, String), ApiError> {
    Ok((options(query)?, syntax(headers, accepted)?, text(body)?))
}

fn options(query: Result<Query<Options>, QueryRejection>) -> Result<Options, ApiError> {
    query
        .map(|Query(options)| options)
        .map_err(|rejection| ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text()))
}

/// `POST /evaluate`: one profile, as JSON or YAML.
async fn evaluate(
    State(app): State<Arc<App>>,
    query: Result<Query<Options>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let loaded = app.current();
    let (options, syntax, text) = read(query, &headers, body, &[Syntax::Json, Syntax::Yaml])?;
    let work = {
        let loaded = Arc::clone(&loaded);
        move || evaluate_one(&loaded, &options, syntax, &text)
    };
    let (content_type, body) = blocking(work).await??;
    Ok(answer(&loaded, StatusCode::OK, content_type, body))
}

fn evaluate_one(
    loaded: &Loaded,
    options: &Options,
    syntax: Syntax,
    text: &str,
) -> Result<(&'static str, String), ApiError> {
    let filter = options.filter(loaded)?;
    let guide = loaded.guide();
    let family = match syntax {
        Syntax::Yaml => guide.read_profile("profile", text),
        _ => guide.read_profile_json("profile", text),
    }
    .map_err(|err| {
        ApiError::problems(
            StatusCode::BAD_REQUEST,
            "the profile does not fit the guide",
            err,
        )
    })?;
    match options.format {
        Format::Markdown => Ok((
            "text/markdown; charset=utf-8",
            family.evaluate_filtered(&filter).to_markdown(),
        )),
        format => Ok((
            "application/json",
            evaluated(loaded, &family, &filter, (format, options.changes)),
        )),
    }
}

/// The evaluation of `family` as JSON, full (with what would change each result, if asked) or
/// compact.
fn evaluated(
    loaded: &Loaded,
    family: &PreparedProfile<'_>,
    filter: &Filter,
    (format, changes): (Format, bool),
) -> String {
    let mut evaluation = family.evaluate_filtered(filter);
    let json = if format == Format::Compact {
        serde_json::to_string(&evaluation.compact())
    } else {
        if changes {
            evaluation.changes = loaded.counterfactuals().changes(family, &evaluation);
        }
        serde_json::to_string(&evaluation)
    };
    // Results always serialize.
    json.unwrap_or_default()
}

/// `POST /evaluate/batch`: JSON Lines in, JSON Lines out, one line per profile; a profile that
/// does not fit the guide answers on its line with its problems and line number.
async fn batch(
    State(app): State<Arc<App>>,
    query: Result<Query<Options>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let loaded = app.current();
    let (options, _, text) = read(query, &headers, body, &[Syntax::JsonLines])?;
    if options.format == Format::Markdown {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "a batch answers in JSON Lines: format is json or compact",
        ));
    }
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    if lines > super::LIMITS.batch_profiles {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the batch has {lines} profiles; send at most {} at a time",
                super::LIMITS.batch_profiles
            ),
        ));
    }
    let work = {
        let loaded = Arc::clone(&loaded);
        move || evaluate_lines(&loaded, &options, &text)
    };
    let body = blocking(work).await??;
    Ok(answer(
        &loaded,
        StatusCode::OK,
        "application/x-ndjson",
        body,
    ))
}

fn evaluate_lines(loaded: &Loaded, options: &Options, text: &str) -> Result<String, ApiError> {
    let filter = options.filter(loaded)?;
    let mut out = String::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        let origin = format!("line {number}");
        match loaded.guide().read_profile_json(&origin, line) {
            Ok(family) => {
                let how = (options.format, options.changes);
                out.push_str(&evaluated(loaded, &family, &filter, how));
            }
            Err(err) => {
                #[derive(Serialize)]
                struct LineError<'a> {
                    line: usize,
                    error: ErrorBody<'a>,
                }
                let error = ApiError::problems(
                    StatusCode::BAD_REQUEST,
                    "the profile does not fit the guide",
                    err,
                );
                let line = LineError {
                    line: number,
                    error: error.body(),
                };
                out.push_str(&serde_json::to_string(&line).unwrap_or_default());
            }
        }
        out.push('\n');
    }
    Ok(out)
}

/// Runs `work` off the request threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the evaluation failed"))
}

/// A response naming the guide that made it.
fn answer(
    loaded: &Loaded,
    status: StatusCode,
    content_type: &'static str,
    body: String,
) -> Response {
    let mut response = (status, [(header::CONTENT_TYPE, content_type)], body).into_response();
    name_guide(&mut response, loaded);
    response
}

fn name_guide(response: &mut Response, loaded: &Loaded) {
    if let Ok(hash) = HeaderValue::from_str(loaded.guide().content_hash()) {
        response.headers_mut().insert(CONTENT_HASH, hash);
    }
}

/// `GET /guide`: the guide's own description: metadata, vocabulary, rules, evidence, sources.
async fn guide(State(app): State<Arc<App>>) -> Response {
    let loaded = app.current();
    let body = loaded.described().to_owned();
    answer(&loaded, StatusCode::OK, "application/json", body)
}

/// `GET /schema/profile.json`: the JSON Schema of a profile for the guide serving.
async fn profile_schema(State(app): State<Arc<App>>) -> Response {
    let loaded = app.current();
    let body = loaded.guide().profile_schema().to_string();
    answer(&loaded, StatusCode::OK, "application/schema+json", body)
}

async fn evaluation_schema() -> Response {
    schema(openapi::EVALUATION_SCHEMA)
}

async fn compact_schema() -> Response {
    schema(openapi::COMPACT_SCHEMA)
}

fn schema(text: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "application/schema+json")], text).into_response()
}

/// `GET /health`: the service answers, and with which guide.
async fn health(State(app): State<Arc<App>>) -> Response {
    let loaded = app.current();
    let guide = loaded.guide();
    let body = serde_json::json!({
        "status": "ok",
        "guide": {
            "id": guide.id(),
            "version": guide.version(),
            "content_hash": guide.content_hash(),
        },
        "overlay": guide.overlay().map(|o| serde_json::json!({
            "id": o.metadata().id,
            "content_hash": o.metadata().content_hash,
        })),
    });
    answer(
        &loaded,
        StatusCode::OK,
        "application/json",
        body.to_string(),
    )
}

/// `POST /admin/reload`: re-reads the rules; a folder that fails to load is refused (422) with
/// its problems, and the guide loaded before keeps serving.
async fn reload(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let outcome = {
        let app = Arc::clone(&app);
        blocking(move || app.reload()).await?
    };
    Ok(match outcome {
        Reload::Done(loaded, previous) => {
            let body = serde_json::json!({
                "status": "reloaded",
                "content_hash": loaded.guide().content_hash(),
                "previous_content_hash": previous.guide().content_hash(),
            });
            answer(
                &loaded,
                StatusCode::OK,
                "application/json",
                body.to_string(),
            )
        }
        Reload::Refused(err, serving) => {
            let message = format!(
                "the rules did not load; the guide loaded before (content hash {}) keeps serving",
                serving.guide().content_hash()
            );
            let mut response =
                ApiError::problems(StatusCode::UNPROCESSABLE_ENTITY, message, err).into_response();
            name_guide(&mut response, &serving);
            response
        }
    })
}

async fn openapi_json(State(app): State<Arc<App>>) -> Response {
    let loaded = app.current();
    let body = openapi::text(loaded.guide());
    answer(&loaded, StatusCode::OK, "application/json", body)
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such endpoint (see /openapi.json)",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this endpoint does not answer that method (see /openapi.json)",
    )
}

/// With a token configured, an API request must carry it as `Authorization: Bearer TOKEN`.
async fn authorize(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let Some(token) = app.token() else {
        return next.run(request).await;
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if given.is_some_and(|given| same(given.as_bytes(), token.as_bytes())) {
        return next.run(request).await;
    }
    let mut response = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "this service needs its access token: send Authorization: Bearer TOKEN",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Compares in time that depends only on the lengths.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Every response names the guide serving and is not to be cached; an error without a body (a
/// timeout) gets a JSON one.
async fn finish(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if response.status().is_client_error() || response.status().is_server_error() {
        let has_type = response.headers().contains_key(header::CONTENT_TYPE);
        if !has_type {
            let status = response.status();
            let reason = status.canonical_reason().unwrap_or("error").to_lowercase();
            response = ApiError::new(status, reason).into_response();
        }
    }
    if !response.headers().contains_key(CONTENT_HASH) {
        name_guide(&mut response, &app.current());
    }
    // What is said of a family is not for a browser's or a proxy's cache either.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// One line per request: method, route, status, time. Never the body, the query or an
/// unmatched path, which could carry what a family said.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "-".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    log(&format!(
        "{method} {route} {} {:.1} ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    ));
    response
}
