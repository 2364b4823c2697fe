//! The endpoints: evaluation (one profile; JSON Lines of them in [`batch`]), the
//! guide, health, reload, the OpenAPI description and the JSON Schemas it points to; and the
//! layers every request passes: the request log, the security headers, the access checks, the
//! cap on requests in flight and the time limit.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{MatchedPath, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use practice_guide::{Filter, PreparedProfile};
use tokio::sync::Semaphore;
use tower_http::timeout::TimeoutLayer;

use super::access::{self, Access};
use super::batch;
use super::connections::body_timeout;
use super::error::ApiError;
pub(crate) use super::request::{Format, Options, Syntax};
use super::state::{App, Loaded, Reload};
use super::{Limits, log, openapi, page};

/// The header naming the content hash of the guide that answered.
pub(crate) const CONTENT_HASH: &str = "x-guide-content-hash";

/// The most bytes of a reload's body (which says nothing: it is empty, or `{}`).
const RELOAD_BYTES: usize = 1024;

/// Every route, behind the request log, the security headers, the access checks, the cap on
/// requests in flight and the time limit (outermost first).
pub(crate) fn router(app: Arc<App>, access: Access, limits: Limits) -> Router {
    let api = Router::new()
        .route("/evaluate", post(evaluate).layer(Extension(limits)))
        .route(
            "/evaluate/batch",
            post(batch::answer).layer(Extension(batch::Slots::new(limits))),
        )
        .route("/guide", get(guide))
        .route("/admin/reload", post(reload))
        .route("/schema/profile.json", get(profile_schema))
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&app),
            access::authorize,
        ));
    let admission = Admission {
        free: Arc::new(Semaphore::new(limits.requests)),
        limits,
    };
    Router::new()
        .merge(api)
        .route("/health", get(health))
        .route("/openapi.json", get(openapi_json))
        .route("/schema/evaluation.json", get(evaluation_schema))
        .route("/schema/compact-evaluation.json", get(compact_schema))
        .merge(page::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_time,
        ))
        .layer(middleware::from_fn_with_state(admission, admit))
        .layer(middleware::from_fn_with_state(access, access::guard))
        .layer(middleware::from_fn_with_state(Arc::clone(&app), finish))
        .layer(middleware::from_fn(log_request))
        .with_state(app)
}

impl Options {
    pub(crate) fn filter(&self, loaded: &Loaded) -> Result<Filter, ApiError> {
        let options = self.evaluation_options();
        loaded.guide().filter(&options).map_err(|err| {
            ApiError::problems(
                StatusCode::BAD_REQUEST,
                "the options do not fit the guide",
                err,
            )
        })
    }
}

/// The body's syntax from its `Content-Type`, if it is one `accepted` allows.
pub(crate) fn syntax(headers: &HeaderMap, accepted: &[Syntax]) -> Result<Syntax, ApiError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    match given.and_then(Syntax::of) {
        Some(s) if accepted.contains(&s) => Ok(s),
        _ => {
            let wanted = if accepted.contains(&Syntax::JsonLines) {
                "application/x-ndjson (one JSON profile a line)"
            } else if accepted.contains(&Syntax::Yaml) {
                "application/json or application/yaml"
            } else {
                "application/json"
            };
            let given = given.map_or_else(
                || "none".to_owned(),
                |v| {
                    v.split(';')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_ascii_lowercase()
                },
            );
            Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("the Content-Type is {given}; send {wanted}"),
            ))
        }
    }
}

/// The body as text: at most `limit` bytes (413), each part arriving within the body timeout
/// (408), UTF-8 (400). A client that waits for a go-ahead (`Expect: 100-continue`, as curl does
/// for a large body) is refused before it sends a body its length says is too long; one that is
/// already sending is read up to the limit first, since closing on a body still arriving can
/// lose the answer on the way (a TCP reset).
async fn text(headers: &HeaderMap, body: Body, limit: usize) -> Result<String, ApiError> {
    let over = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the body is over {} KiB, the most this endpoint takes",
                limit / 1024
            ),
        )
    };
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let waits = headers
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    if waits && announced.is_some_and(|length| length > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return Err(over());
    }
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.is::<LengthLimitError>() => return Err(over()),
        Err(err) => {
            return Err(match body_timeout(&*err) {
                Some(timeout) => ApiError::new(StatusCode::REQUEST_TIMEOUT, timeout.to_string()),
                None => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("cannot read the body: {err}"),
                ),
            });
        }
    };
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "the body is not UTF-8 text"))
}

pub(crate) fn options(query: Result<Query<Options>, QueryRejection>) -> Result<Options, ApiError> {
    query
        .map(|Query(options)| options)
        .map_err(|rejection| ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text()))
}

/// `POST /evaluate`: one profile, as JSON or YAML.
async fn evaluate(
    State(app): State<Arc<App>>,
    Extension(limits): Extension<Limits>,
    query: Result<Query<Options>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let loaded = app.current();
    let options = options(query)?;
    let syntax = syntax(&headers, &[Syntax::Json, Syntax::Yaml])?;
    let text = text(&headers, body, limits.profile_bytes).await?;
    let work = {
        let loaded = Arc::clone(&loaded);
        move || evaluate_one(&loaded, (&options, limits), syntax, &text)
    };
    let (content_type, body) = blocking(work).await??;
    Ok(answer(&loaded, StatusCode::OK, content_type, body))
}

fn evaluate_one(
    loaded: &Loaded,
    (options, limits): (&Options, Limits),
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
            evaluated(loaded, &family, &filter, (format, options.changes), limits)?,
        )),
    }
}

/// The evaluation of `family` as JSON, full (with what would change each result, if asked) or
/// compact. What would change the results is searched for at most `--changes-budget`: past it,
/// the answer is a 503 that says so, and the thread is free for the next request.
pub(crate) fn evaluated(
    loaded: &Loaded,
    family: &PreparedProfile<'_>,
    filter: &Filter,
    (format, changes): (Format, bool),
    limits: Limits,
) -> Result<String, ApiError> {
    let json = if format == Format::Compact {
        serde_json::to_string(&family.evaluate_filtered(filter).compact())
    } else if changes {
        let counterfactuals = loaded.counterfactuals();
        let deadline = Instant::now() + limits.changes_time;
        let evaluation = counterfactuals
            .evaluate_filtered_before(family, filter, deadline)
            .map_err(|_| over_budget(limits))?;
        serde_json::to_string(&evaluation)
    } else {
        serde_json::to_string(&family.evaluate_filtered(filter))
    };
    // Results always serialize.
    Ok(json.unwrap_or_default())
}

/// What would change the results took longer than its budget.
fn over_budget(limits: Limits) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "what would change the results was not found within the budget of {} \
             (--changes-budget): ask without changes=true, or start the service with a larger \
             --changes-budget",
            crate::serve::shown(limits.changes_time)
        ),
    )
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
pub(crate) fn answer(
    loaded: &Loaded,
    status: StatusCode,
    content_type: &'static str,
    body: impl IntoResponse,
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
/// its problems, and the guide loaded before keeps serving. It takes no parameters: its body is
/// empty (with no `Content-Type`, or `application/json`) or `{}`.
async fn reload(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = text(&headers, body, RELOAD_BYTES).await?;
    let empty = body.trim().is_empty();
    let bare = empty && !headers.contains_key(header::CONTENT_TYPE);
    if !bare {
        syntax(&headers, &[Syntax::Json])?;
        let nothing = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&body)
            .is_ok_and(|members| members.is_empty());
        if !empty && !nothing {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "a reload takes no parameters: send an empty body or {}",
            ));
        }
    }
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

/// The cap on requests in flight: one past it waits up to the queue time for its turn, then is
/// answered 503.
#[derive(Clone)]
struct Admission {
    free: Arc<Semaphore>,
    limits: Limits,
}

async fn admit(State(admission): State<Admission>, request: Request, next: Next) -> Response {
    let turn = Arc::clone(&admission.free).acquire_owned();
    match tokio::time::timeout(admission.limits.queue_time, turn).await {
        Ok(Ok(_turn)) => next.run(request).await,
        _ => {
            let mut busy = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the service is handling {} requests, the most at once (--max-requests); \
                     try again in a moment",
                    admission.limits.requests
                ),
            )
            .into_response();
            busy.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            busy
        }
    }
}

/// Every response names the guide serving and carries the security headers; an error without a
/// body (a timeout) gets a JSON one.
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
    access::secure(response.headers_mut());
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
