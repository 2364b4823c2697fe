//! `serve`: the guide as a JSON service on HTTP, and a practitioner's page at `/`.
//!
//! - [`state`]: the loaded guide (with its counterfactuals, built once) behind a lock that a
//!   reload swaps; a reload that fails leaves the old guide serving.
//! - [`api`]: the endpoints, their limits and their JSON errors.
//! - [`openapi`]: the OpenAPI description of the endpoints (committed as `cli/openapi.json`).
//! - [`page`]: the practitioner's page and its script and style, embedded in the binary.
//!
//! Nothing about a family is logged: a request's line names its method, route, status and
//! duration, never its body or query.

mod state;
mod api;
mod openapi;
mod page;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostics;
use crate::output::{Outcome, failed, outln};
use crate::sources::{GuideArgs, Refusal};

/// Serve the guide over HTTP: a JSON API and a practitioner's page
///
/// Answers `POST /evaluate` (a profile as JSON or YAML), `POST /evaluate/batch` (JSON Lines),
/// `GET /guide`, `GET /health` and `GET /openapi.json`, and serves a practitioner's page at `/`.
/// Every response names the content hash of the guide that answered (`X-Guide-Content-Hash`).
///
/// It listens on 127.0.0.1:8080 unless told otherwise, and refuses an address other machines
/// can reach unless an access token is configured (`--token-file`, or the environment variable
/// PRACTICE_GUIDE_TOKEN); with a token, every API request needs `Authorization: Bearer TOKEN`.
///
/// The rules reload without a restart on SIGHUP or `POST /admin/reload`: a folder that fails to
/// load is refused with its problems, and the guide already loaded keeps serving.
///
/// Nothing about a family is written to the log, to disk or to metrics.
///
/// Examples:
///
///   practice-guide serve
///
///   practice-guide serve --rules rules/my-guide --overlay rules/overlays/my-borough
///
///   PRACTICE_GUIDE_TOKEN=$(openssl rand -hex 24) practice-guide serve --listen 0.0.0.0:8080
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
    /// Print the OpenAPI description of the service (for the guide given) and exit.
    #[arg(long)]
    print_openapi: bool,
}

/// The limits a request meets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The largest body of `POST /evaluate`, in bytes.
    pub(crate) profile_bytes: usize,
    /// The largest body of `POST /evaluate/batch`, in bytes.
    pub(crate) batch_bytes: usize,
    /// The most profiles in one batch.
    pub(crate) batch_profiles: usize,
    /// The longest a request may take.
    pub(crate) request_time: std::time::Duration,
    /// The most requests handled at once; more wait their turn.
    pub(crate) concurrent_requests: usize,
}

/// The limits the service runs with.
pub(crate) const LIMITS: Limits = Limits {
    profile_bytes: 256 * 1024,
    batch_bytes: 16 * 1024 * 1024,
    batch_profiles: 10_000,
    request_time: std::time::Duration::from_secs(30),
    concurrent_requests: 64,
};

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
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return failed(&format!("cannot start the service: {err}")),
    };
    runtime.block_on(serve(app, args.listen))
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

async fn serve(app: Arc<state::App>, listen: SocketAddr) -> Outcome {
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
    tokio::spawn(reload_on_hangup(Arc::clone(&app)));
    let router = api::router(app, LIMITS);
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown())
        .await;
    match served {
        Ok(()) => Outcome::Clean,
        Err(err) => failed(&format!("the service stopped: {err}")),
    }
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
async fn shutdown() {
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
    log("stopping");
}
