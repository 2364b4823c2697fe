//! `POST /evaluate/batch`, streamed: JSON Lines in, JSON Lines out, in bounded memory whatever
//! the batch's length.
//!
//! Three stages joined by bounded queues: a task reads the body as it arrives and cuts it into
//! lines (at most `batch_read_ahead` bytes of them waiting), a blocking thread evaluates them in
//! order (at most `batch_answers_ahead` answers waiting), and the answer's body takes the
//! answers as hyper sends them. A client that reads slowly stalls the evaluation, which stalls
//! the reading, which stalls the client's sending: nothing piles up. A batch holds one of
//! `--max-batches` slots from its start to its last answer.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body::{Body as _, Frame};
use practice_guide::Filter;
use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use super::api::{self, Format, Options, Syntax};
use super::connections::body_timeout;
use super::error::{ApiError, ErrorBody};
use super::request::{Cut, Cutter};
use super::state::{App, Loaded};
use super::{Limits, log};

/// The batches answered at once, and the limits each meets.
#[derive(Clone)]
pub(crate) struct Slots {
    free: Arc<Semaphore>,
    limits: Limits,
}

impl Slots {
    pub(crate) fn new(limits: Limits) -> Slots {
        Slots {
            free: Arc::new(Semaphore::new(limits.batches)),
            limits,
        }
    }
}

/// `POST /evaluate/batch`: one answer line per profile line, in order, each written as soon as
/// it is evaluated; a profile that does not fit the guide answers on its line with its problems
/// and line number. What goes wrong with the batch itself once answering has begun (its body
/// stops arriving, it runs over the most lines) is its last line: `{"error": {...}}`, without
/// a line number.
pub(crate) async fn answer(
    State(app): State<Arc<App>>,
    Extension(slots): Extension<Slots>,
    query: Result<Query<Options>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let loaded = app.current();
    let options = api::options(query)?;
    api::syntax(&headers, &[Syntax::JsonLines])?;
    if options.format == Format::Markdown {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "a batch answers in JSON Lines: format is json or compact",
        ));
    }
    let filter = options.filter(&loaded)?;
    let Ok(slot) = Arc::clone(&slots.free).try_acquire_owned() else {
        let mut refused = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "{} batches are being answered, the most at once (--max-batches); send this one \
                 when one of them has finished",
                slots.limits.batches
            ),
        )
        .into_response();
        refused
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return Ok(refused);
    };
    let limits = slots.limits;
    let read_ahead = Arc::new(Semaphore::new(limits.batch_read_ahead));
    let (lines, to_answer) = mpsc::unbounded_channel();
    let (answers, to_send) = mpsc::channel(limits.batch_answers_ahead);
    tokio::spawn(read_lines(body, limits, Arc::clone(&read_ahead), lines));
    let evaluation = Evaluation {
        loaded: Arc::clone(&loaded),
        options,
        filter,
        limits,
    };
    tokio::task::spawn_blocking(move || {
        evaluation.answer_lines(to_answer, &answers);
        // The reader stops at its next line if it is still reading.
        read_ahead.close();
        drop(slot);
    });
    Ok(api::answer(
        &loaded,
        StatusCode::OK,
        "application/x-ndjson",
        Body::new(Answers(to_send)),
    ))
}

/// A piece of the batch, cut by the reader, in order.
struct Piece {
    /// The line's number, from 1, blank lines counted.
    number: usize,
    what: What,
    /// The share of the read-ahead the line holds until it is answered.
    _held: Option<OwnedSemaphorePermit>,
}

enum What {
    /// A line (a profile, presumably), its end of line taken off.
    Line(Vec<u8>),
    /// A line over the limit of a profile (not kept).
    TooLong,
    /// The batch cannot go on: the last answer line.
    Stop(ApiError),
}

/// Reads the body as it arrives and cuts it into lines, each sent once there is room for it in
/// the read-ahead; stops at the end of the body, at an error, or when the evaluation has
/// stopped.
async fn read_lines(
    mut body: Body,
    limits: Limits,
    read_ahead: Arc<Semaphore>,
    lines: mpsc::UnboundedSender<Piece>,
) {
    let mut cutter = Cutter::new(limits.profile_bytes, limits.batch_lines);
    loop {
        let frame = tokio::select! {
            frame = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)) => frame,
            () = lines.closed() => return,
        };
        let ended = frame.is_none();
        let cut = match frame {
            None => pieces(cutter.end(), limits),
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => pieces(cutter.cut(&data), limits),
                // Trailers: nothing to evaluate.
                Err(_) => continue,
            },
            Some(Err(err)) => {
                let stop = if let Some(timeout) = body_timeout(&err) {
                    ApiError::new(
                        StatusCode::REQUEST_TIMEOUT,
                        format!("{timeout}; the lines before were answered"),
                    )
                } else {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        format!(
                            "cannot read the rest of the batch ({err}); the lines before were answered"
                        ),
                    )
                };
                vec![(cutter.lines() + 1, What::Stop(stop))]
            }
        };
        for (number, what) in cut {
            let stops = matches!(what, What::Stop(_));
            let held = match &what {
                What::Line(line) => {
                    let share = u32::try_from(line.len().max(1)).unwrap_or(u32::MAX);
                    match Arc::clone(&read_ahead).acquire_many_owned(share).await {
                        Ok(permit) => Some(permit),
                        // The evaluation has stopped.
                        Err(_) => return,
                    }
                }
                _ => None,
            };
            let piece = Piece {
                number,
                what,
                _held: held,
            };
            if lines.send(piece).is_err() || stops {
                return;
            }
        }
        if ended {
            return;
        }
    }
}

/// [`Cutter`]'s cuts as the reader sends them: one past the most lines is the batch's last
/// answer.
fn pieces(cuts: Vec<(usize, Cut)>, limits: Limits) -> Vec<(usize, What)> {
    cuts.into_iter()
        .map(|(number, cut)| (number, piece_of(cut, limits)))
        .collect()
}

fn piece_of(cut: Cut, limits: Limits) -> What {
    match cut {
        Cut::Line(line) => What::Line(line),
        Cut::TooLong => What::TooLong,
        Cut::TooMany => What::Stop(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the batch is over {} lines, the most in one batch; the lines after were not read \
                 (send them in another batch)",
                limits.batch_lines
            ),
        )),
    }
}

/// What the evaluating thread needs: the guide the batch started on, its options.
struct Evaluation {
    loaded: Arc<Loaded>,
    options: Options,
    filter: Filter,
    limits: Limits,
}

impl Evaluation {
    /// Answers the lines in order until the last, or until the client has gone.
    fn answer_lines(
        &self,
        mut lines: mpsc::UnboundedReceiver<Piece>,
        answers: &mpsc::Sender<Bytes>,
    ) {
        while let Some(piece) = lines.blocking_recv() {
            let stops = matches!(piece.what, What::Stop(_));
            let mut line = self.answer_line(piece.number, &piece.what);
            drop(piece);
            line.push('\n');
            if answers.blocking_send(Bytes::from(line)).is_err() {
                log("a batch's client went away before its last answer");
                return;
            }
            if stops {
                return;
            }
        }
    }

    fn answer_line(&self, number: usize, what: &What) -> String {
        let text = match what {
            What::Line(bytes) => std::str::from_utf8(bytes)
                .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "the line is not UTF-8 text")),
            What::TooLong => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the line is over {} KiB, the most for a profile",
                    self.limits.profile_bytes / 1024
                ),
            )),
            What::Stop(stop) => return stop.to_json(),
        };
        let guide = self.loaded.guide();
        let read = text.and_then(|text| {
            guide
                .read_profile_json(&format!("line {number}"), text)
                .map_err(|err| {
                    ApiError::problems(
                        StatusCode::BAD_REQUEST,
                        "the profile does not fit the guide",
                        err,
                    )
                })
        });
        match read {
            Ok(family) => {
                let how = (self.options.format, self.options.changes);
                api::evaluated(&self.loaded, &family, &self.filter, how, self.limits)
                    .unwrap_or_else(|error| line_error(number, &error))
            }
            Err(error) => line_error(number, &error),
        }
    }
}

/// `{"line": N, "error": {...}}`: what went wrong with one line.
fn line_error(line: usize, error: &ApiError) -> String {
    #[derive(Serialize)]
    struct LineError<'a> {
        line: usize,
        error: ErrorBody<'a>,
    }
    let line = LineError {
        line,
        error: error.body(),
    };
    // An error always serializes.
    serde_json::to_string(&line).unwrap_or_default()
}

/// The answer's body: the answer lines as the evaluation makes them.
struct Answers(mpsc::Receiver<Bytes>);

impl http_body::Body for Answers {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.get_mut()
            .0
            .poll_recv(cx)
            .map(|line| line.map(|line| Ok(Frame::data(line))))
    }
}
