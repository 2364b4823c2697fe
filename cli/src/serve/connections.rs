//! The accept loop and what a connection may take: at most so many open, each closed when its
//! request head is slow to come, when it sits idle, or when its client stops taking an answer;
//! a request body that stops arriving fails its request; and a graceful stop.
//!
//! This is hyper's HTTP/1 connection driven by our own loop rather than `axum::serve`, which
//! offers none of these timeouts. Nor does hyper's own `header_read_timeout` fit: it runs from
//! the moment a connection waits for a head, so it is the idle timeout and the header timeout
//! in one. Here a connection is watched through its phases: waiting for a head (from
//! connecting, or from the first byte after an idle spell), busy with requests (their bodies
//! timed by [`TimedBody`], their answers by the socket's write timeout), or idle.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

use super::{Limits, log};

/// Answers connections on `listener` with `router` until `stop` resolves; then takes no new
/// connection, lets those open finish their requests for at most the shutdown time, and
/// returns.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.connections));
    let (stopping, stopped) = watch::channel(false);
    let mut open = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            Some(_) = open.join_next(), if !open.is_empty() => {}
            accepted = accept(&listener, &slots) => {
                let Some((stream, slot)) = accepted else { continue };
                let connection = Connection::new(limits, stopped.clone(), slot);
                open.spawn(connection.serve(stream, router.clone()));
            }
        }
    }
    drop(listener);
    log(&format!(
        "stopping: {} connection(s) open, given up to {} to finish",
        open.len(),
        seconds(limits.shutdown_time)
    ));
    let _ = stopping.send(true);
    let drained = tokio::time::timeout(limits.shutdown_time, async {
        while open.join_next().await.is_some() {}
    })
    .await;
    match drained {
        Ok(()) => log("stopped: every request under way was answered"),
        Err(_) => {
            log(&format!(
                "stopped: {} connection(s) cut at the shutdown timeout",
                open.len()
            ));
            open.shutdown().await;
        }
    }
}

/// A time as the log and the errors write it: `10 s`, `0.5 s`.
pub(crate) fn seconds(time: Duration) -> String {
    format!("{} s", time.as_secs_f64())
}

/// The next connection, once one of the slots is free (until then, clients wait in the
/// system's listen queue); `None` if accepting failed (it is logged, and retried).
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> Option<(TcpStream, OwnedSemaphorePermit)> {
    // The semaphore is never closed.
    let slot = Arc::clone(slots).acquire_owned().await.ok()?;
    match listener.accept().await {
        Ok((stream, _)) => {
            // Answers are small and written whole: no reason to wait for more to send.
            let _ = stream.set_nodelay(true);
            Some((stream, slot))
        }
        Err(err) => {
            // Out of file descriptors, say: wait a little rather than spin.
            log(&format!("cannot accept a connection: {err}"));
            tokio::time::sleep(Duration::from_millis(100)).await;
            None
        }
    }
}

/// One connection: its watch, its limits, and its slot (given back when it closes).
struct Connection {
    watch: Arc<Watch>,
    limits: Limits,
    stopping: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
}

impl Connection {
    fn new(limits: Limits, stopping: watch::Receiver<bool>, slot: OwnedSemaphorePermit) -> Self {
        Connection {
            watch: Arc::new(Watch::new(limits)),
            limits,
            stopping,
            _slot: slot,
        }
    }

    async fn serve(mut self, stream: TcpStream, router: Router) {
        let io = TimedIo {
            stream,
            watch: Arc::clone(&self.watch),
            write_time: self.limits.write_time,
            stalled: None,
        };
        let watch = Arc::clone(&self.watch);
        let body_time = self.limits.body_time;
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let busy = Busy::start(&watch);
            let request = request.map(|body| Body::new(TimedBody::new(body, body_time)));
            let answered = router.clone().oneshot(request);
            async move {
                let response = answered.await?;
                Ok::<_, std::convert::Infallible>(
                    response.map(|body| Body::new(Tracked { body, _busy: busy })),
                )
            }
        });
        let connection = http1::Builder::new()
            .header_read_timeout(None)
            .serve_connection(TokioIo::new(io), service);
        tokio::pin!(connection);
        let mut stopping = false;
        loop {
            tokio::select! {
                // An error here is a client gone or a write timeout: the connection is over.
                _ = connection.as_mut() => return,
                _ = self.stopping.wait_for(|stop| *stop), if !stopping => {
                    stopping = true;
                    // An idle connection closes now, a busy one after its answer.
                    connection.as_mut().graceful_shutdown();
                }
                expired = self.watch.expired() => {
                    if let Phase::Head(_) = expired {
                        log(&format!(
                            "closed a connection whose request head took over {} (--header-timeout)",
                            seconds(self.limits.header_time)
                        ));
                    }
                    return;
                }
            }
        }
    }
}

/// Where a connection is, and since when.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for a request head to be complete: since connecting, or since its first byte.
    Head(Instant),
    /// Answering this many requests (hyper answers one at a time, but counts are cheap).
    Busy(usize),
    /// Between requests, since the last answer ended.
    Idle(Instant),
}

/// A connection's phase, kept by its socket (a byte read), its requests (begun and answered),
/// and read by the connection's task, which closes it when its time in a phase is up.
struct Watch {
    phase: Mutex<Phase>,
    changed: Notify,
    header_time: Duration,
    idle_time: Duration,
}

impl Watch {
    fn new(limits: Limits) -> Watch {
        Watch {
            phase: Mutex::new(Phase::Head(Instant::now())),
            changed: Notify::new(),
            header_time: limits.header_time,
            idle_time: limits.idle_time,
        }
    }

    fn change(&self, change: impl FnOnce(Phase) -> Phase) {
        let mut phase = self.phase.lock().unwrap_or_else(PoisonError::into_inner);
        *phase = change(*phase);
        drop(phase);
        self.changed.notify_one();
    }

    /// Bytes came in: an idle connection is now sending a head.
    fn read_some(&self) {
        let phase = *self.phase.lock().unwrap_or_else(PoisonError::into_inner);
        if let Phase::Idle(_) = phase {
            self.change(|phase| match phase {
                Phase::Idle(_) => Phase::Head(Instant::now()),
                other => other,
            });
        }
    }

    /// The phase, and when the connection's time in it is up (`None`: busy, no limit here).
    fn deadline(&self) -> (Phase, Option<Instant>) {
        let phase = *self.phase.lock().unwrap_or_else(PoisonError::into_inner);
        let deadline = match phase {
            Phase::Head(since) => Some(since + self.header_time),
            Phase::Idle(since) => Some(since + self.idle_time),
            Phase::Busy(_) => None,
        };
        (phase, deadline)
    }

    /// Resolves when the connection's time in its phase is up, with that phase.
    async fn expired(&self) -> Phase {
        loop {
            let changed = self.changed.notified();
            match self.deadline() {
                (_, Some(deadline)) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(deadline) => {
                            let (phase, deadline) = self.deadline();
                            if deadline.is_some_and(|d| d <= Instant::now()) {
                                return phase;
                            }
                        }
                        () = changed => {}
                    }
                }
                (_, None) => changed.await,
            }
        }
    }
}

/// A request begun on a connection; answered when dropped (with its answer's body).
struct Busy(Arc<Watch>);

impl Busy {
    fn start(watch: &Arc<Watch>) -> Busy {
        watch.change(|phase| match phase {
            Phase::Busy(n) => Phase::Busy(n + 1),
            _ => Phase::Busy(1),
        });
        Busy(Arc::clone(watch))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.change(|phase| match phase {
            Phase::Busy(n) if n > 1 => Phase::Busy(n - 1),
            _ => Phase::Idle(Instant::now()),
        });
    }
}

/// An answer's body, which ends its request when it has been sent (or dropped).
struct Tracked {
    body: Body,
    _busy: Busy,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A request body whose next part did not arrive in time.
#[derive(Debug)]
pub(crate) struct BodyTimeout(Duration);

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the body stopped arriving: nothing came for {} (the service's --body-timeout)",
            seconds(self.0)
        )
    }
}

impl std::error::Error for BodyTimeout {}

/// A request body that fails with [`BodyTimeout`] when its next part takes longer than `wait`
/// to arrive. Only time spent waiting on the client counts, not time the service takes before
/// asking for more.
pub(crate) struct TimedBody {
    body: Incoming,
    wait: Duration,
    waiting: Option<Pin<Box<Sleep>>>,
}

impl TimedBody {
    fn new(body: Incoming, wait: Duration) -> TimedBody {
        TimedBody {
            body,
            wait,
            waiting: None,
        }
    }
}

impl http_body::Body for TimedBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.body).poll_frame(cx) {
            Poll::Pending => {
                let wait = this.wait;
                let waiting = this
                    .waiting
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(wait)));
                match waiting.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout(wait))))),
                    Poll::Pending => Poll::Pending,
                }
            }
            Poll::Ready(frame) => {
                this.waiting = None;
                Poll::Ready(frame.map(|frame| frame.map_err(Into::into)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A connection's socket: bytes read move the watch on; a write the client does not take
/// within the write time fails (and so closes the connection).
struct TimedIo {
    stream: TcpStream,
    watch: Arc<Watch>,
    write_time: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl TimedIo {
    fn timed<T>(
        &mut self,
        cx: &mut Context<'_>,
        write: impl FnOnce(Pin<&mut TcpStream>, &mut Context<'_>) -> Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match write(Pin::new(&mut self.stream), cx) {
            Poll::Pending => {
                let time = self.write_time;
                let stalled = self
                    .stalled
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(time)));
                match stalled.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        log(&format!(
                            "closed a connection whose client took none of its answer for {} \
                             (--write-timeout)",
                            seconds(time)
                        ));
                        Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            "the client took nothing for the write timeout",
                        )))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
            ready => {
                self.stalled = None;
                ready
            }
        }
    }
}

impl AsyncRead for TimedIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let read = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(read, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.watch.read_some();
        }
        read
    }
}

impl AsyncWrite for TimedIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .timed(cx, |stream, cx| stream.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .timed(cx, |stream, cx| stream.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().timed(cx, AsyncWrite::poll_flush)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().timed(cx, AsyncWrite::poll_shutdown)
    }
}

/// The [`BodyTimeout`] that is, or caused, `err`.
pub(crate) fn body_timeout<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a BodyTimeout> {
    let mut cause = Some(err);
    while let Some(err) = cause {
        if let Some(timeout) = err.downcast_ref::<BodyTimeout>() {
            return Some(timeout);
        }
        cause = err.source();
    }
    None
}
