//! Who may ask, and what every answer tells a browser.
//!
//! A web page the practitioner visits can make their browser send requests to this machine's
//! loopback: under its own name after a DNS rebinding (a foreign `Host`), or cross-site (a
//! foreign `Origin`; a form or a `text/plain` fetch needs no preflight). So the service answers
//! only requests addressed to a name it knows (421 otherwise), and takes a request other than
//! GET or HEAD only without an `Origin` (not from a browser) or from its own origin (403
//! otherwise); each endpoint then takes only its own content types (415). Off loopback, the
//! access token is needed as well. Every answer, page or API, carries the security headers.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::state::App;

/// The names always answered: this machine's loopback.
const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// The service's page loads nothing but from itself; nothing may frame the page or an answer.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A name given with `--allow-host`: a host name or an IP address, without scheme or port;
/// kept in lower case, an IPv6 address in brackets as a `Host` header writes it.
pub(crate) fn host_name(text: &str) -> Result<String, String> {
    let name = text.trim().to_ascii_lowercase();
    let bare = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(&name);
    if let Ok(IpAddr::V6(address)) = bare.parse::<IpAddr>() {
        return Ok(format!("[{address}]"));
    }
    let is_name = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if is_name {
        Ok(name)
    } else {
        Err(format!(
            "`{text}` is not a host name or an IP address (give the name alone, without \
             scheme or port: guide.example.org, 192.168.1.20)"
        ))
    }
}

/// The names the service answers to, and the port it listens on.
#[derive(Debug, Clone)]
pub(crate) struct Access {
    hosts: Arc<[String]>,
    port: u16,
}

impl Access {
    /// Loopback, the names given, and the address listened on if it is one address (not
    /// `0.0.0.0` or `[::]`): an address in `Host` cannot come from a DNS rebinding.
    pub(crate) fn new(allowed: &[String], listening: SocketAddr) -> Access {
        let mut hosts: Vec<String> = LOOPBACK.iter().map(|&h| h.to_owned()).collect();
        hosts.extend(allowed.iter().cloned());
        if !listening.ip().is_unspecified() {
            hosts.push(match listening.ip() {
                IpAddr::V4(address) => address.to_string(),
                IpAddr::V6(address) => format!("[{address}]"),
            });
        }
        let mut seen = std::collections::HashSet::new();
        hosts.retain(|h| seen.insert(h.clone()));
        Access {
            hosts: hosts.into(),
            port: listening.port(),
        }
    }

    /// The names answered, for messages.
    pub(crate) fn hosts(&self) -> String {
        self.hosts.join(", ")
    }

    fn allows(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h == host)
    }

    /// Whether `origin` is this service as the request addressed it (`host`, `port`):
    /// `http://HOST:PORT`, PORT the one listened on.
    fn same_origin(&self, origin: &str, (host, port): (&str, u16)) -> bool {
        let Some(authority) = origin.strip_prefix("http://") else {
            return false;
        };
        match split_authority(authority) {
            Some((name, given)) => {
                let given = given.unwrap_or(80);
                name == host && given == port && given == self.port
            }
            None => false,
        }
    }
}

/// `name[:port]` → the name in lower case and the port; `None` if it is not of that form.
fn split_authority(text: &str) -> Option<(String, Option<u16>)> {
    let (name, rest) = if text.starts_with('[') {
        let end = text.find(']')?;
        text.split_at(end + 1)
    } else {
        match text.rfind(':') {
            Some(colon) => text.split_at(colon),
            None => (text, ""),
        }
    };
    let port = match rest {
        "" => None,
        rest => Some(rest.strip_prefix(':')?.parse::<u16>().ok()?),
    };
    if name.is_empty() || name.contains(['/', '@', '?', '#']) {
        return None;
    }
    Some((name.to_ascii_lowercase(), port))
}

/// The Host allow-list (421), then, for a request other than GET or HEAD, its `Origin` (403).
pub(crate) async fn guard(State(access): State<Access>, request: Request, next: Next) -> Response {
    // A request line in absolute form names its host there, and that is the one answered.
    let named = match request.uri().authority() {
        Some(authority) => Some(authority.as_str()),
        None => request
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok()),
    };
    let Some(named) = named else {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "the request names no host: send a Host header",
        )
        .into_response();
    };
    let Some((host, port)) = split_authority(named).filter(|(host, _)| access.allows(host)) else {
        return ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "this service answers only requests addressed to {} (any port); start it with \
                 --allow-host NAME to answer to another name",
                access.hosts()
            ),
        )
        .into_response();
    };
    let safe = matches!(*request.method(), Method::GET | Method::HEAD);
    if !safe && let Some(origin) = request.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        if !access.same_origin(origin, (&host, port.unwrap_or(80))) {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                format!(
                    "a request other than GET comes only from this service's own page (origin \
                     http://{host}:{}) or from outside a browser (without an Origin header)",
                    access.port
                ),
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// With a token configured, an API request must carry it as `Authorization: Bearer TOKEN`.
pub(crate) async fn authorize(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
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

/// The headers every answer carries: nothing loads from elsewhere or frames it, its type is
/// not to be guessed, no address leaks in a referrer, and (what is said of a family) nothing is
/// kept in a browser's or a proxy's cache.
pub(crate) fn secure(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_host_names_are_names_or_addresses_without_scheme_or_port() {
        assert_eq!(host_name("Guide.Example.org").unwrap(), "guide.example.org");
        assert_eq!(host_name("192.168.1.20").unwrap(), "192.168.1.20");
        assert_eq!(host_name("::1").unwrap(), "[::1]");
        assert_eq!(host_name("[fe80::1]").unwrap(), "[fe80::1]");
        for bad in [
            "",
            "http://guide.example",
            "guide.example:8080",
            "*.example",
            "a..b",
        ] {
            assert!(host_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_origin_is_the_service_only_as_the_request_addressed_it_on_its_port() {
        let access = Access::new(&[], "127.0.0.1:8080".parse().unwrap());
        let host = ("127.0.0.1", 8080);
        assert!(access.same_origin("http://127.0.0.1:8080", host));
        assert!(!access.same_origin("https://127.0.0.1:8080", host));
        assert!(!access.same_origin("http://localhost:8080", host));
        assert!(!access.same_origin("http://127.0.0.1:8081", ("127.0.0.1", 8081)));
        assert!(!access.same_origin("http://127.0.0.1", host));
        assert!(!access.same_origin("null", host));
        assert!(!access.same_origin("http://127.0.0.1:8080/path", host));
        assert!(!access.same_origin("http://evil.example", host));
    }

    #[test]
    fn host_headers_split_into_name_and_port() {
        assert_eq!(
            split_authority("LocalHost:3000"),
            Some(("localhost".to_owned(), Some(3000)))
        );
        assert_eq!(
            split_authority("[::1]:80"),
            Some(("[::1]".to_owned(), Some(80)))
        );
        assert_eq!(split_authority("[::1]"), Some(("[::1]".to_owned(), None)));
        assert_eq!(split_authority("host:port"), None);
        assert_eq!(split_authority(":80"), None);
        assert_eq!(split_authority("user@host"), None);
    }
}
