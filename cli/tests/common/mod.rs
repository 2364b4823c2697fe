//! A real `practice-guide serve` on loopback, for tests that talk to it over HTTP.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The embedded guide's folder, to copy and change.
pub const GUIDE_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../rules/parenting-through-adversity-0-10"
);

/// A running service: killed when dropped. Its standard error is kept for the tests to read.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    stderr: Arc<Mutex<String>>,
    stdout: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `practice-guide serve --listen 127.0.0.1:0 ARGS...` and waits for its address.
    pub fn start(args: &[&str]) -> Server {
        Server::start_with(args, &[])
    }

    /// The same, with environment variables set.
    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Server {
        Server::start_in(args, env, None)
    }

    /// The same, in the working folder `dir` (else the test's).
    pub fn start_in(args: &[&str], env: &[(&str, &str)], dir: Option<&Path>) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_practice-guide"));
        if let Some(dir) = dir {
            command.current_dir(dir).env("TMPDIR", dir).env("HOME", dir);
        }
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("PRACTICE_GUIDE_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the binary starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let kept = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = err.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                kept.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        let stdout = Arc::new(Mutex::new(first.clone()));
        let kept = Arc::clone(&stdout);
        std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = out.read_to_string(&mut rest);
            kept.lock().unwrap().push_str(&rest);
        });
        let base = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                panic!(
                    "no address on stdout: {first:?}; stderr: {}",
                    stderr.lock().unwrap()
                )
            })
            .trim_end_matches('/')
            .to_owned();
        Server {
            child,
            base,
            stderr,
            stdout,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Everything the service wrote to standard error and standard output so far.
    pub fn output(&self) -> String {
        format!(
            "{}{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        )
    }

    /// Sends SIGHUP (the reload signal).
    #[cfg(unix)]
    pub fn hang_up(&self) {
        let status = Command::new("kill")
            .args(["-HUP", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The service's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `127.0.0.1:PORT`.
    pub fn address(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }

    /// A new connection to the service.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.address()).expect("the service accepts");
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        stream
    }

    /// Sends SIGTERM (the stop signal).
    #[cfg(unix)]
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The service's exit status, if it exits within `time`.
    pub fn exit_within(&mut self, time: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + time;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A memory figure of the service's process in KiB, from `/proc/PID/status`: `VmRSS`
    /// (resident now) or `VmHWM` (the peak resident).
    pub fn memory_kib(&self, field: &str) -> u64 {
        memory_kib(self.pid(), field).unwrap_or_else(|| panic!("no {field} in /proc"))
    }

    /// Starts the peak (`VmHWM`) over from the resident memory now; false if the kernel refuses.
    pub fn reset_peak_memory(&self) -> bool {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid()), "5").is_ok()
    }
}

/// A memory figure of process `pid` in KiB (see [`Server::memory_kib`]).
pub fn memory_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status
        .lines()
        .find(|l| l.strip_prefix(field).is_some_and(|r| r.starts_with(':')))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that hands back every status, not only the successful ones.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// A response's status, content hash header and body.
pub struct Answer {
    pub status: u16,
    pub hash: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }
}

fn answer(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut response = response.expect("the service answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let hash = header("x-guide-content-hash");
    let content_type = header("content-type");
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .unwrap();
    Answer {
        status,
        hash,
        content_type,
        body,
    }
}

pub fn get(url: &str) -> Answer {
    answer(agent().get(url).call())
}

pub fn post(url: &str, content_type: &str, body: &str) -> Answer {
    answer(
        agent()
            .post(url)
            .header("Content-Type", content_type)
            .send(body),
    )
}

pub fn post_with(url: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut request = agent().post(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    answer(request.send(body))
}

/// Changes the guide's version in a copy of its folder: a new content hash.
pub fn bump_version(dir: &Path, version: &str) {
    let path = dir.join("guide.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = text.replace("version: 0.3.0", &format!("version: {version}"));
    assert_ne!(text, changed, "the guide's version line moved");
    std::fs::write(&path, changed).unwrap();
}

/// Copies a folder (not recursively: a guide folder is flat) into `to`.
pub fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// An answer read off a socket as the bytes came: status, headers (names in lower case), body
/// (chunks joined).
pub struct Raw {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }
}

/// Sends `request` byte for byte on a new connection and reads the one answer.
pub fn exchange(server: &Server, request: &str) -> Raw {
    let mut stream = server.connect();
    stream.write_all(request.as_bytes()).unwrap();
    read_answer(&mut BufReader::new(stream))
}

/// The status line and headers of an answer.
pub fn read_head(reader: &mut impl BufRead) -> (u16, Vec<(String, String)>) {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a status line: {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':').unwrap();
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    (status, headers)
}

/// One answer: its head, then its body by its length or its chunks.
pub fn read_answer(reader: &mut impl BufRead) -> Raw {
    let (status, headers) = read_head(reader);
    let mut raw = Raw {
        status,
        headers,
        body: String::new(),
    };
    if raw.header("transfer-encoding") == Some("chunked") {
        Chunked::new(reader).read_to_string(&mut raw.body).unwrap();
    } else {
        let length: usize = raw
            .header("content-length")
            .map_or(0, |l| l.parse().unwrap());
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        raw.body = String::from_utf8(body).unwrap();
    }
    raw
}

/// A chunked body, read as its bytes.
pub struct Chunked<R> {
    reader: R,
    left: usize,
    done: bool,
}

impl<R: BufRead> Chunked<R> {
    pub fn new(reader: R) -> Chunked<R> {
        Chunked {
            reader,
            left: 0,
            done: false,
        }
    }
}

impl<R: BufRead> Read for Chunked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done {
            return Ok(0);
        }
        if self.left == 0 {
            let mut size = String::new();
            self.reader.read_line(&mut size)?;
            let size = size.trim();
            if size.is_empty() {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            self.left = usize::from_str_radix(size.split(';').next().unwrap(), 16)
                .map_err(|_| std::io::Error::other(format!("bad chunk size {size:?}")))?;
            if self.left == 0 {
                // The trailers (none) and the last line.
                let mut end = String::new();
                self.reader.read_line(&mut end)?;
                self.done = true;
                return Ok(0);
            }
        }
        let want = buf.len().min(self.left);
        let n = self.reader.read(&mut buf[..want])?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.left -= n;
        if self.left == 0 {
            let mut crlf = [0u8; 2];
            self.reader.read_exact(&mut crlf)?;
        }
        Ok(n)
    }
}

/// Whether the service closes `stream` (end of file or reset) within `time`, and after how long;
/// whatever it sends first is kept in `sent`.
pub fn closed_within(
    stream: &mut TcpStream,
    time: Duration,
    sent: &mut Vec<u8>,
) -> Option<Duration> {
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let mut buffer = [0u8; 4096];
    while started.elapsed() < time {
        match stream.read(&mut buffer) {
            Ok(0) => return Some(started.elapsed()),
            Ok(n) => sent.extend_from_slice(&buffer[..n]),
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return Some(started.elapsed()),
        }
    }
    None
}
