//! `serve`: the guide as a JSON service on HTTP, and a practitioner's page at `/`.
//!
//! - [`request`]: how a request reads, apart from HTTP: the query's options, the body's syntax,
//!   a batch cut into lines (compiled as it is by the `serve_request` fuzz target).
//! - [`state`]: the loaded guide (with its counterfactuals, built once) behind a lock that a
//!   reload swaps; a reload that fails leaves the old guide serving.
//! - [`connections`]: the accept loop: connections capped and watched for their header, body,
//!   idle and write timeouts, and a graceful stop on SIGTERM or Ctrl-C.
//! - [`access`]: who may ask: the Host allow-list, same-origin state changes, the access
//!   token, and the security headers on every response.
//! - [`api`]: the endpoints, their limits and their JSON errors.
//! - [`batch`]: `POST /evaluate/batch`, streamed: JSON Lines read, evaluated and written a line
//!   at a time, in bounded memory.
//! - [`openapi`]: the OpenAPI description of the endpoints (committed as `cli/openapi.json`).
//! - [`page`]: the practitioner's page and its script and style, embedded in the binary.
//!
//! Nothing about a family is logged: a request's line names its method, route, status and
//! duration, never its body or query.

mod request;
mod state;
mod access;
mod api;
mod error;
mod batch;
mod connections;
mod openapi;
mod page;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::diagnostics;
use crate::output::{Outcome, failed, outln};
use crate::sources::{GuideArgs, Refusal};

/// Serve the guide over HTTP: a JSON API and a practitioner's page
///
/// Answers `POST /evaluate` (a profile as JSON or YAML), `POST /evaluate/batch` (JSON Lines,
/// answered a line at a time as they are evaluated), `GET /guide`, `GET /health` and
/// `GET /openapi.json`, and serves a practitioner's page at `/`. Every response names the
/// content hash of the guide that answered (`X-Guide-Content-Hash`).
///
/// It listens on 127.0.0.1:8080 unless told otherwise, and refuses an address other machines
/// can reach unless an access token is configured (`--token-file`, or the environment variable
/// PRACTICE_GUIDE_TOKEN); with a token, every API request needs `Authorization: Bearer TOKEN`.
/// It answers only requests addressed to `localhost`, `127.0.0.1` or `[::1]` (any port) or to a name
/// given with `--allow-host` (421 otherwise), and a request other than GET or HEAD only from
/// its own page or from outside a browser (an `Origin` other than its own: 403).
///
/// The rules reload without a restart on SIGHUP or `POST /admin/reload`: a folder that fails to
/// load is refused with its problems, and the guide already loaded keeps serving. SIGTERM or
/// Ctrl-C stops it: no new connection is taken, the requests under way finish (for at most
/// `--shutdown-timeout`), and it exits with 0.
///
/// Nothing about a family is written to the log, to disk or to metrics.
///
/// Limits (a time is `500ms`, `10s`, `2m`, or a number of seconds):
///
///   request head        all of it within --header-timeout of the first byte (or of connecting)
///   request body        each part within --body-timeout of the one before
///   idle connection     closed after --idle-timeout with no request
///   slow reader         an answer not taken for --write-timeout ends its connection
///   connections         at most --max-connections open; more wait to be accepted
///   requests            at most --max-requests handled at once; more wait up to 2 s, then 503
///   batches             at most --max-batches at once; more are refused (503)
///   a request           30 s to answer (408); a batch's lines are answered as they come
///   what would change   --changes-budget a family to find (503; in a batch, on its line)
///   a profile           256 KiB (413), also each line of a batch
///   a batch             100,000 lines; held in at most 16 MiB, whatever its length
///
/// Examples:
///
///   practice-guide serve
///
///   practice-guide serve --rules rules/my-guide --overlay rules/overlays/my-borough
///
///   PRACTICE_GUIDE_TOKEN=$(openssl rand -hex 24) practice-guide serve --listen 0.0.0.0:8080 \
///       --allow-host guide.example.org
///
///   curl -s -X POST http://127.0.0.1:8080/evaluate -H 'Content-Type: application/yaml' \
///        --data-binary @examples/profiles/family-help.yaml
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct Args {
    // The guide's folders, re-read on each reload.
    #[command(flatten)]
    guide: GuideArgs,
    /// The address to listen on; port 0 picks a free port (the address is printed).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// A file holding the access token (else the environment variable PRACTICE_GUIDE_TOKEN).
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// A host name (or address) clients may use for the service, besides localhost, 127.0.0.1
    /// and `[::1]`; repeat it for more.
    #[arg(long = "allow-host", value_name = "NAME", value_parser = access::host_name)]
    allow_hosts: Vec<String>,
    /// The longest a client may take to send a request's head (from its first byte, or from
    /// connecting); then the connection is closed.
    #[arg(long, value_name = "TIME", default_value = "10s", value_parser = duration)]
    header_timeout: Duration,
    /// The longest the service waits for the next part of a request's body (408).
    #[arg(long, value_name = "TIME", default_value = "10s", value_parser = duration)]
    body_timeout: Duration,
    /// The longest a connection stays open with no request on it.
    #[arg(long, value_name = "TIME", default_value = "60s", value_parser = duration)]
    idle_timeout: Duration,
    /// The longest the service waits for a client to take the next part of an answer; then the
    /// connection is closed.
    #[arg(long, value_name = "TIME", default_value = "30s", value_parser = duration)]
    write_timeout: Duration,
    /// On SIGTERM or Ctrl-C, the longest the requests under way have to finish.
    #[arg(long, value_name = "TIME", default_value = "10s", value_parser = duration)]
    shutdown_timeout: Duration,
    /// The longest the search for what would change a family's results (`changes=true`) may
    /// take; past it, that family is answered 503 (in a batch, on its line).
    #[arg(long, value_name = "TIME", default_value = "1s", value_parser = duration)]
    changes_budget: Duration,
    /// The most connections open at once; more wait to be accepted.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// The most requests handled at once; more wait up to 2 s for their turn, then 503.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
    max_requests: u32,
    /// The most batches answered at once; more are refused (503).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..))]
    max_batches: u32,
    /// Print the OpenAPI description of the service (for the guide given) and exit.
    #[arg(long)]
    print_openapi: bool,
}

/// The limits a request meets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The largest body of `POST /evaluate`, and the longest line of a batch, in bytes.
    pub(crate) profile_bytes: usize,
    /// The most lines (blank ones counted) in one batch.
    pub(crate) batch_lines: usize,
    /// The most bytes of a batch's lines read ahead of their evaluation.
    pub(crate) batch_read_ahead: usize,
    /// The most answer lines of a batch made ahead of the client taking them.
    pub(crate) batch_answers_ahead: usize,
    /// The longest a request may take to be answered (a batch: to start answering).
    pub(crate) request_time: Duration,
    /// The longest the search for what would change a family's results may take.
    pub(crate) changes_time: Duration,
    /// The longest a request waits for its turn when the most requests are being handled.
    pub(crate) queue_time: Duration,
    /// The longest a client may take to send a request's head.
    pub(crate) header_time: Duration,
    /// The longest the service waits for the next part of a body.
    pub(crate) body_time: Duration,
    /// The longest a connection stays open with no request on it.
    pub(crate) idle_time: Duration,
    /// The longest the service waits for a client to take the next part of an answer.
    pub(crate) write_time: Duration,
    /// On stopping, the longest the requests under way have to finish.
    pub(crate) shutdown_time: Duration,
    /// The most connections open at once.
    pub(crate) connections: usize,
    /// The most requests handled at once.
    pub(crate) requests: usize,
    /// The most batches answered at once.
    pub(crate) batches: usize,
}

impl Limits {
    fn of(args: &Args) -> Limits {
        let count = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
        Limits {
            profile_bytes: 256 * 1024,
            batch_lines: 100_000,
            batch_read_ahead: 4 * 1024 * 1024,
            batch_answers_ahead: 16,
            request_time: Duration::from_secs(30),
            changes_time: args.changes_budget,
            queue_time: Duration::from_secs(2),
            header_time: args.header_timeout,
            body_time: args.body_timeout,
            idle_time: args.idle_timeout,
            write_time: args.write_timeout,
            shutdown_time: args.shutdown_timeout,
            connections: count(args.max_connections),
            requests: count(args.max_requests),
            batches: count(args.max_batches),
        }
    }
}

impl Limits {
    /// The threads that evaluate (and reload): two a core for requests, one a batch (which
    /// holds its thread while it waits for its client). More would not evaluate faster, and
    /// each thread keeps memory of its own (a soak test saw the service grow from 28 MB with
    /// 8 to 48 MB with tokio's default of up to 512).
    fn evaluating_threads(&self) -> usize {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        2 * cores + self.batches
    }
}

/// A time as the flags take it: `250ms`, `1s`, `1.5s`.
pub(crate) fn shown(time: Duration) -> String {
    if time < Duration::from_secs(1) {
        format!("{}ms", time.as_secs_f64() * 1000.0)
    } else {
        format!("{}s", time.as_secs_f64())
    }
}

/// A time given as `500ms`, `10s`, `2m`, or a number of seconds; more than zero.
fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let scale = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        _ => {
            return Err(format!(
                "`{unit}` is not a unit of time: write 500ms, 10s or 2m"
            ));
        }
    };
    let seconds = number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n > 0.0)
        .map(|n| n * scale)
        .ok_or_else(|| format!("`{text}` is not a time over zero: write 500ms, 10s or 2m"))?;
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("`{text}` is too long a time"))
}

pub(crate) fn run(args: &Args) -> Outcome {
    let sources = state::Sources {
        rules: args.guide.rules.clone(),
        overlay: args.guide.overlay.dir.clone(),
    };
    let loaded = match sources.load() {
        Ok(loaded) => loaded,
        Err(err) => {
            let refusal = Refusal::Problems(err, sources.texts());
            return diagnostics::refuse(&refusal);
        }
    };
    if args.print_openapi {
        outln!("{}", openapi::text(loaded.guide()));
        return Outcome::Clean;
    }
    let token = match token(args) {
        Ok(token) => token,
        Err(message) => return failed(&message),
    };
    if !args.listen.ip().is_loopback() && token.is_none() {
        return failed(&format!(
            "refusing to listen on {}, which other machines can reach, without an access token \
             (give one with --token-file FILE or PRACTICE_GUIDE_TOKEN, or listen on 127.0.0.1)",
            args.listen
        ));
    }
    let app = Arc::new(state::App::new(sources, loaded, token));
    let limits = Limits::of(args);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(limits.evaluating_threads())
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return failed(&format!("cannot start the service: {err}")),
    };
    let outcome = runtime.block_on(serve(app, args, limits));
    // A batch cut at the shutdown bound stops at its next line; nothing else is left to wait for.
    runtime.shutdown_timeout(Duration::from_secs(1));
    outcome
}

/// The shortest access token accepted: one that can be guessed protects nothing.
const MIN_TOKEN_CHARS: usize = 16;

/// The token from `--token-file` or the environment; a short one is an error.
fn token(args: &Args) -> Result<Option<String>, String> {
    let token = match &args.token_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|err| format!("cannot read the token file {}: {err}", path.display()))?,
        ),
        None => std::env::var("PRACTICE_GUIDE_TOKEN").ok(),
    };
    match token.map(|t| t.trim().to_owned()) {
        Some(t) if t.chars().count() < MIN_TOKEN_CHARS => Err(format!(
            "the access token has {} characters; give one of at least {MIN_TOKEN_CHARS} \
             (for instance from `openssl rand -hex 24`)",
            t.chars().count()
        )),
        other => Ok(other),
    }
}

async fn serve(app: Arc<state::App>, args: &Args, limits: Limits) -> Outcome {
    let listen = args.listen;
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(err) => return failed(&format!("cannot listen on {listen}: {err}")),
    };
    let address = listener.local_addr().map_or(listen, |a| a);
    outln!("listening on http://{address}/");
    log(&format!(
        "serving {} (content hash {})",
        app.current().guide().id(),
        app.current().guide().content_hash()
    ));
    let access = access::Access::new(&args.allow_hosts, address);
    if !address.ip().is_loopback() && args.allow_hosts.is_empty() {
        log(&format!(
            "answering only requests addressed to {}; give the names clients use with --allow-host",
            access.hosts()
        ));
    }
    tokio::spawn(reload_on_hangup(Arc::clone(&app)));
    let router = api::router(app, access, limits);
    connections::serve(listener, router, limits, stop()).await;
    Outcome::Clean
}

/// A line on standard error: what the service did, never what a family said.
pub(crate) fn log(line: &str) {
    eprintln!("practice-guide serve: {line}");
}

/// Reloads the rules on each SIGHUP.
async fn reload_on_hangup(app: Arc<state::App>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            log("cannot listen for SIGHUP; reload with POST /admin/reload");
            return;
        };
        while hangups.recv().await.is_some() {
            let app = Arc::clone(&app);
            // The outcome is logged by the reload itself.
            let _ = tokio::task::spawn_blocking(move || app.reload()).await;
        }
    }
    #[cfg(not(unix))]
    let _ = app;
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
