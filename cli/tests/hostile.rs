//! `practice-guide serve` on a hostile network, over real HTTP on loopback: requests a web page
//! can make a browser send (a foreign Host, a cross-site reload), clients that send slowly, read
//! slowly or not at all, more at once than the service takes, batches longer than memory should
//! hold, and a stop while a request is under way.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{Chunked, Raw, Server, closed_within, exchange, get, read_answer, read_head};

/// What a batch may hold in memory, whatever its length (issue 23).
const BATCH_MEMORY_KIB: u64 = 16 * 1024;

/// A request as a browser or a script would send it, with a body of its content type.
fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!("{method} {path} HTTP/1.1\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    text
}

fn message(answer: &Raw) -> String {
    answer.json()["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no error message: {}", answer.body))
        .to_owned()
}

/// Waits until the service's output has `text` (it logs as it goes).
fn await_output(server: &Server, text: &str, time: Duration) {
    let deadline = Instant::now() + time;
    while !server.output().contains(text) {
        assert!(
            Instant::now() < deadline,
            "no {text:?} in the output: {}",
            server.output()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---- Who may ask ----

#[test]
fn a_foreign_host_is_misdirected_and_the_names_allowed_are_answered() {
    let server = Server::start(&["--allow-host", "Guide.Example.org"]);
    let health = |host: &str| exchange(&server, &request("GET", "/health", &[("Host", host)], ""));
    // The shape of a DNS rebinding: the page's own name, pointing at this machine.
    let rebound = health("evil.example");
    assert_eq!(rebound.status, 421, "{}", rebound.body);
    assert_eq!(rebound.json()["error"]["status"], 421);
    assert!(message(&rebound).contains("localhost, 127.0.0.1, [::1], guide.example.org"));
    assert_eq!(health("evil.example:8080").status, 421);
    assert_eq!(health("127.0.0.1.evil.example").status, 421);
    // Loopback under any port, and the name given (in any case).
    for host in [
        "localhost",
        "127.0.0.1:1",
        "[::1]:8080",
        "LOCALHOST:9",
        "guide.example.org:443",
    ] {
        assert_eq!(health(host).status, 200, "{host}");
    }
    // A request line naming its host: that host is the one answered.
    let absolute = exchange(
        &server,
        "GET http://evil.example/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(absolute.status, 421);
    let evaluated = exchange(
        &server,
        &request(
            "POST",
            "/evaluate",
            &[
                ("Host", "evil.example"),
                ("Content-Type", "application/json"),
            ],
            "{}",
        ),
    );
    assert_eq!(evaluated.status, 421);
}

#[test]
fn every_answer_page_or_api_carries_the_security_headers() {
    let server = Server::start(&[]);
    let host = server.address();
    for (method, path, body) in [
        ("GET", "/", ""),
        ("GET", "/page.js", ""),
        ("GET", "/health", ""),
        ("GET", "/guide", ""),
        ("POST", "/evaluate", "{\"children_ages\": [\"age_3\"]}"),
        ("POST", "/evaluate", "not json"),
        ("GET", "/nowhere", ""),
    ] {
        let headers = [
            ("Host", host.as_str()),
            ("Content-Type", "application/json"),
        ];
        let answer = exchange(&server, &request(method, path, &headers, body));
        let what = format!("{method} {path} ({})", answer.status);
        let policy = answer.header("content-security-policy").unwrap_or("");
        assert!(policy.contains("default-src 'self'"), "{what}: {policy}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{what}: {policy}"
        );
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(
            answer.header("referrer-policy"),
            Some("no-referrer"),
            "{what}"
        );
        assert_eq!(answer.header("cache-control"), Some("no-store"), "{what}");
    }
    let refused = exchange(
        &server,
        &request("GET", "/", &[("Host", "evil.example")], ""),
    );
    assert_eq!(refused.status, 421);
    assert_eq!(refused.header("x-content-type-options"), Some("nosniff"));
}

#[test]
fn a_cross_site_reload_is_refused_and_a_state_change_takes_only_its_own_content_type() {
    let folder = tempfile::tempdir().unwrap();
    common::copy_folder(Path::new(common::GUIDE_DIR), folder.path());
    let server = Server::start(&["--rules", folder.path().to_str().unwrap()]);
    let hash = || get(&server.url("/health")).json()["guide"]["content_hash"].clone();
    let before = hash();
    common::bump_version(folder.path(), "0.3.1-evil");
    let host = server.address();
    let own = server.base.clone();
    let reload = |headers: &[(&str, &str)], body: &str| {
        let mut all = vec![("Host", host.as_str())];
        all.extend_from_slice(headers);
        exchange(&server, &request("POST", "/admin/reload", &all, body))
    };

    // What any page a practitioner visits can send without a preflight.
    let cross_site = reload(
        &[
            ("Origin", "http://evil.example"),
            ("Content-Type", "text/plain"),
        ],
        "",
    );
    assert_eq!(cross_site.status, 403, "{}", cross_site.body);
    assert!(message(&cross_site).contains("own page"));
    let as_json = reload(
        &[
            ("Origin", "http://evil.example"),
            ("Content-Type", "application/json"),
        ],
        "",
    );
    assert_eq!(as_json.status, 403);
    // A sandboxed frame or a file says `null`; a page of this machine on another port is not us.
    let port: u16 = host.rsplit_once(':').unwrap().1.parse().unwrap();
    let other_port = format!("http://127.0.0.1:{}", port.wrapping_add(1));
    for origin in [
        "null",
        "https://evil.example",
        other_port.as_str(),
        "http://localhost",
    ] {
        assert_eq!(reload(&[("Origin", origin)], "").status, 403, "{origin}");
    }
    // Without an Origin (not a browser), still only as JSON or with nothing at all.
    let plain = reload(&[("Content-Type", "text/plain")], "");
    assert_eq!(plain.status, 415, "{}", plain.body);
    assert!(message(&plain).contains("send application/json"));
    let form = reload(
        &[("Content-Type", "application/x-www-form-urlencoded")],
        "a=1",
    );
    assert_eq!(form.status, 415);
    let parameters = reload(
        &[("Content-Type", "application/json")],
        "{\"rules\": \"/\"}",
    );
    assert_eq!(parameters.status, 400);
    assert!(message(&parameters).contains("takes no parameters"));
    assert_eq!(hash(), before, "nothing refused reloaded the rules");

    // The page's own reload (same origin), a script's (no Origin), either with JSON or nothing.
    let same_origin = reload(
        &[
            ("Origin", own.as_str()),
            ("Content-Type", "application/json"),
        ],
        "{}",
    );
    assert_eq!(same_origin.status, 200, "{}", same_origin.body);
    assert_ne!(hash(), before);
    assert_eq!(reload(&[], "").status, 200);
    assert_eq!(
        reload(&[("Content-Type", "application/json")], "").status,
        200
    );

    // Evaluation computes with what a family said: the same rule.
    let evaluate = |origin: &str, content_type: &str| {
        let headers = [
            ("Host", host.as_str()),
            ("Origin", origin),
            ("Content-Type", content_type),
        ];
        exchange(&server, &request("POST", "/evaluate", &headers, "{}")).status
    };
    assert_eq!(evaluate("http://evil.example", "text/plain"), 403);
    assert_eq!(evaluate("http://evil.example", "application/json"), 403);
    assert_eq!(evaluate(&own, "text/plain"), 415);
    assert_eq!(evaluate(&own, "application/json"), 200);
    // A read may come from anywhere: without CORS headers, a foreign page cannot see it.
    let read = exchange(
        &server,
        &request(
            "GET",
            "/health",
            &[("Host", &host), ("Origin", "http://evil.example")],
            "",
        ),
    );
    assert_eq!(read.status, 200);
    assert!(read.header("access-control-allow-origin").is_none());
}

// ---- Timeouts ----

#[test]
fn a_half_sent_request_head_is_closed_within_the_header_timeout() {
    let server = Server::start(&["--header-timeout", "1s"]);
    // Slowloris: a head begun, then a header line every 200 ms, never ended.
    let mut slow = server.connect();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    let mut writer = slow.try_clone().unwrap();
    let trickle = std::thread::spawn(move || {
        for i in 0..50 {
            std::thread::sleep(Duration::from_millis(200));
            if writer
                .write_all(format!("X-Line-{i}: a\r\n").as_bytes())
                .is_err()
            {
                return i;
            }
        }
        50
    });
    let mut sent = Vec::new();
    let closed = closed_within(&mut slow, Duration::from_secs(5), &mut sent)
        .expect("the service closes a connection whose head never ends");
    assert!(
        closed >= Duration::from_millis(900) && closed < Duration::from_secs(3),
        "closed after {closed:?}, the header timeout is 1 s"
    );
    assert!(trickle.join().unwrap() < 50, "the trickle was cut off");
    eprintln!("header timeout 1 s: the half-sent head was closed after {closed:?}");
    // A connection that says nothing at all.
    let mut silent = server.connect();
    let mut said = Vec::new();
    let closed = closed_within(&mut silent, Duration::from_secs(5), &mut said)
        .expect("the service closes a silent connection");
    assert!(closed < Duration::from_secs(3), "closed after {closed:?}");
    assert!(said.is_empty(), "nothing was answered");
    await_output(
        &server,
        "request head took over 1 s (--header-timeout)",
        Duration::from_secs(5),
    );
    // The service still answers the others.
    assert_eq!(get(&server.url("/health")).status, 200);
}

#[test]
fn a_body_that_stops_arriving_is_408_within_the_body_timeout_and_one_too_long_is_413() {
    let server = Server::start(&["--body-timeout", "1s"]);
    let mut stream = server.connect();
    let started = Instant::now();
    stream
        .write_all(
            b"POST /evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
              Content-Length: 1000\r\n\r\n{\"children_ages\": ",
        )
        .unwrap();
    let answer = read_answer(&mut BufReader::new(stream));
    let waited = started.elapsed();
    assert_eq!(answer.status, 408, "{}", answer.body);
    assert!(
        message(&answer).contains("--body-timeout"),
        "{}",
        answer.body
    );
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(4),
        "answered after {waited:?}"
    );
    // Announced over the limit to a client that waits for the go-ahead: refused before it sends.
    let mut stream = server.connect();
    let started = Instant::now();
    stream
        .write_all(
            b"POST /evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
              Content-Length: 10000000000\r\nExpect: 100-continue\r\n\r\n",
        )
        .unwrap();
    let answer = read_answer(&mut BufReader::new(stream));
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert!(started.elapsed() < Duration::from_millis(900));
    assert!(message(&answer).contains("256 KiB"));
    // Announced and sent: read up to the limit, no further.
    let mut stream = server.connect();
    stream
        .write_all(
            b"POST /evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
              Content-Length: 10000000000\r\n\r\n",
        )
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sending = std::thread::spawn(move || {
        let piece = vec![b' '; 64 * 1024];
        for _ in 0..8 {
            if writer.write_all(&piece).is_err() {
                break;
            }
        }
    });
    let answer = read_answer(&mut BufReader::new(stream));
    sending.join().unwrap();
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert!(message(&answer).contains("256 KiB"));
}

#[test]
fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let server = Server::start(&["--idle-timeout", "1s", "--header-timeout", "5s"]);
    let mut stream = server.connect();
    let ask = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    // Kept alive: a second request on the same connection, within the idle timeout.
    for _ in 0..2 {
        stream.write_all(ask.as_bytes()).unwrap();
        assert_eq!(read_answer(&mut reader).status, 200);
        std::thread::sleep(Duration::from_millis(300));
    }
    let mut sent = Vec::new();
    let closed = closed_within(&mut stream, Duration::from_secs(5), &mut sent)
        .expect("the service closes an idle connection");
    // 300 ms of the idle second were spent before watching.
    assert!(closed < Duration::from_secs(2), "closed after {closed:?}");
    assert!(sent.is_empty());
}

// ---- Batches ----

/// A JSON profile on one line, of the size of the sample families, different for each `i`.
fn profile(i: usize) -> String {
    let adversities = [
        "poverty",
        "substance_misuse",
        "intimate_partner_violence",
        "couple_conflict",
        "parental_mental_health",
    ];
    let chosen: Vec<String> = adversities
        .iter()
        .enumerate()
        .filter(|(bit, _)| (i >> bit) & 1 == 1)
        .map(|(_, a)| format!("\"{a}\""))
        .collect();
    format!(
        "{{\"children_ages\": [\"age_{}\"], \"expecting_baby\": {}, \"adversities\": [{}], \
         \"service_level\": \"edge_of_care\", \"concerns\": [\"risk_of_harm\", \"child_behaviour\"], \
         \"more_serious_mental_health_needs\": true, \"specialist_mental_health_treatment\": \"none\", \
         \"barriers\": [\"digital_exclusion\", \"session_times\"]}}\n",
        i % 11,
        i.is_multiple_of(2),
        chosen.join(", ")
    )
}

/// The head of a batch request: with the length of its body, or chunked (its body sent as the
/// test goes on).
fn batch_head(query: &str, length: Option<usize>) -> String {
    let framing = match length {
        Some(length) => format!("Content-Length: {length}\r\nConnection: close"),
        None => "Transfer-Encoding: chunked".to_owned(),
    };
    format!(
        "POST /evaluate/batch{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/x-ndjson\r\n{framing}\r\n\r\n"
    )
}

/// Starts a batch on `stream` with a chunked body.
fn begin_batch(stream: &mut std::net::TcpStream, query: &str) {
    stream
        .write_all(batch_head(query, None).as_bytes())
        .unwrap();
}

/// Waits until a batch is answered: its slot is free again.
fn await_batch_slot(server: &Server) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let answer = common::post(
            &server.url("/evaluate/batch"),
            "application/x-ndjson",
            &profile(7),
        );
        if answer.status == 200 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the slot stayed taken: {} {}",
            answer.status,
            answer.body
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn send_chunk(stream: &mut std::net::TcpStream, text: &str) {
    let chunk = format!("{:x}\r\n{text}\r\n", text.len());
    stream.write_all(chunk.as_bytes()).unwrap();
}

#[test]
fn a_batch_is_answered_line_by_line_as_it_arrives_and_batches_past_the_cap_are_503() {
    let server = Server::start(&["--max-batches", "1"]);
    let mut first = server.connect();
    begin_batch(&mut first, "?format=compact");
    send_chunk(&mut first, &profile(1));
    let mut answers = BufReader::new(first.try_clone().unwrap());
    let (status, headers) = read_head(&mut answers);
    assert_eq!(status, 200);
    assert!(
        headers
            .iter()
            .any(|(n, v)| n == "content-type" && v == "application/x-ndjson")
    );
    let mut answers = BufReader::new(Chunked::new(answers));
    // The first line is answered while the body is still open.
    let mut line = String::new();
    answers.read_line(&mut line).unwrap();
    let answered: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert!(answered["recommendations"].is_array(), "{line}");

    // One batch at a time here: the next is refused while this one is open.
    let refused = exchange(
        &server,
        &request(
            "POST",
            "/evaluate/batch",
            &[
                ("Host", "127.0.0.1"),
                ("Content-Type", "application/x-ndjson"),
            ],
            &profile(2),
        ),
    );
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert!(message(&refused).contains("--max-batches"));
    assert_eq!(refused.header("retry-after"), Some("5"));

    send_chunk(
        &mut first,
        &format!("{}\n{{\"children_ages\": 3}}\n", profile(2).trim()),
    );
    first.write_all(b"0\r\n\r\n").unwrap();
    let rest: Vec<String> = answers.lines().map(Result::unwrap).collect();
    assert_eq!(rest.len(), 2, "{rest:?}");
    assert!(rest[0].contains("\"recommendations\""));
    assert!(rest[1].starts_with("{\"line\":3,\"error\":"), "{}", rest[1]);

    // The slot is free again once the batch has ended.
    await_batch_slot(&server);
}

#[test]
fn a_batch_says_on_its_lines_what_did_not_fit_and_last_what_stopped_it() {
    let server = Server::start(&["--body-timeout", "1s"]);
    let batch = |body: &[u8]| {
        let mut stream = server.connect();
        let head = batch_head("?format=compact", Some(body.len()));
        stream.write_all(head.as_bytes()).unwrap();
        let mut writer = stream.try_clone().unwrap();
        let body = body.to_vec();
        let sending = std::thread::spawn(move || {
            let _ = writer.write_all(&body);
        });
        let answer = read_answer(&mut BufReader::new(stream));
        sending.join().unwrap();
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer
            .body
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .collect::<Vec<_>>()
    };
    // A line over the limit of a profile, a line that is not UTF-8: each answered on its line,
    // and the lines after go on.
    let mut body = profile(1).into_bytes();
    body.extend(format!("{{\"x\": \"{}\"}}\n", "a".repeat(300 * 1024)).bytes());
    body.extend(b"{\"children_ages\": [\"age_\xff\"]}\r\n");
    body.extend(profile(2).bytes());
    let lines = batch(&body);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["error"]["status"], 413);
    assert_eq!(
        lines[1]["error"]["message"],
        "the line is over 256 KiB, the most for a profile"
    );
    assert_eq!(lines[2]["line"], 3);
    assert_eq!(lines[2]["error"]["message"], "the line is not UTF-8 text");
    assert!(lines[3]["recommendations"].is_array());

    // Past the most lines (blank ones count): what was read is answered, then the batch stops.
    let mut body = "\n".repeat(99_999);
    body.push_str(&profile(4));
    body.push_str(&profile(5));
    let lines = batch(body.as_bytes());
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0]["recommendations"].is_array());
    assert!(lines[1].get("line").is_none());
    assert_eq!(lines[1]["error"]["status"], 413);
    assert!(
        lines[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("over 100000 lines")
    );

    // A body that stops arriving: its lines so far answered, then the reason.
    let mut stream = server.connect();
    begin_batch(&mut stream, "?format=compact");
    send_chunk(&mut stream, &profile(6));
    let answer = read_answer(&mut BufReader::new(stream));
    let lines: Vec<serde_json::Value> = answer
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", answer.body);
    assert_eq!(lines[1]["error"]["status"], 408);
    assert!(
        lines[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--body-timeout")
    );
}

/// The service's resident memory sampled every 5 ms until `stop`; the most seen, in KiB.
fn sample_memory(pid: u32, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut most = 0;
        while !stop.load(Ordering::Relaxed) {
            most = most.max(common::memory_kib(pid, "VmRSS").unwrap_or(0));
            std::thread::sleep(Duration::from_millis(5));
        }
        most
    })
}

/// The service's resident memory after a small batch: the first evaluations allocate what every
/// later one reuses.
fn warmed_up(server: &Server) -> u64 {
    let warm: String = (0..50).map(profile).collect();
    let warmed = common::post(
        &server.url("/evaluate/batch"),
        "application/x-ndjson",
        &warm,
    );
    assert_eq!(warmed.status, 200);
    server.memory_kib("VmRSS")
}

#[test]
fn a_ten_thousand_profile_batch_is_answered_within_the_memory_bound() {
    let server = Server::start(&[]);
    let before = warmed_up(&server);
    let peak_reset = server.reset_peak_memory();

    let body: String = (0..10_000).map(profile).collect();
    assert!(
        body.len() > 3_000_000,
        "about the size of the issue's batch"
    );
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = sample_memory(server.pid(), Arc::clone(&stop));
    let mut stream = server.connect();
    let head = batch_head("", Some(body.len()));
    let mut writer = stream.try_clone().unwrap();
    let sending = std::thread::spawn(move || {
        writer.write_all(head.as_bytes()).unwrap();
        writer.write_all(body.as_bytes()).unwrap();
    });
    let started = Instant::now();
    let mut reader = BufReader::new(&mut stream);
    let (status, _) = read_head(&mut reader);
    assert_eq!(status, 200);
    let mut answers = BufReader::new(Chunked::new(reader));
    let (mut count, mut bytes, mut line) = (0usize, 0usize, String::new());
    while answers.read_line(&mut line).unwrap() > 0 {
        assert!(
            line.starts_with("{\"guide\":"),
            "line {}: {line:.200}",
            count + 1
        );
        count += 1;
        bytes += line.len();
        line.clear();
    }
    let took = started.elapsed();
    sending.join().unwrap();
    stop.store(true, Ordering::Relaxed);
    let sampled = sampler.join().unwrap();
    assert_eq!(count, 10_000, "one answer a profile");
    let peak = if peak_reset {
        server.memory_kib("VmHWM").max(sampled)
    } else {
        sampled
    };
    let grown = peak.saturating_sub(before);
    eprintln!(
        "10,000-profile batch: {count} answers, {:.1} MB, in {took:.1?}; service resident {before} KiB \
         before, peak {peak} KiB (VmHWM reset: {peak_reset}), {grown} KiB over (bound {BATCH_MEMORY_KIB} KiB)",
        bytes as f64 / 1e6
    );
    assert!(
        grown <= BATCH_MEMORY_KIB,
        "the batch took {grown} KiB over the {before} KiB before it"
    );
}

#[test]
fn a_client_that_reads_no_answer_stalls_its_batch_then_is_cut_at_the_write_timeout() {
    let server = Server::start(&["--write-timeout", "3s", "--max-batches", "1"]);
    let before = warmed_up(&server);
    // 100,000 profiles (37 MB), their full answers 2 GB: far more than any buffer between here
    // and the evaluation.
    let body: String = (0..100_000).map(profile).collect();
    let total = body.len() as u64;
    let stream = server.connect();
    let mut writer = stream.try_clone().unwrap();
    let written = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&written);
    let sending = std::thread::spawn(move || {
        let head = batch_head("", Some(body.len()));
        writer.write_all(head.as_bytes()).unwrap();
        for piece in body.as_bytes().chunks(64 * 1024) {
            if writer.write_all(piece).is_err() {
                return;
            }
            counted.fetch_add(piece.len() as u64, Ordering::Relaxed);
        }
    });
    // The client's sending stalls: the service stopped reading once its read-ahead was full.
    let mut last = 0;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = written.load(Ordering::Relaxed);
        if now == last && now > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the sending never stalled ({now} bytes)"
        );
        last = now;
    }
    let stalled_at = written.load(Ordering::Relaxed);
    assert!(
        stalled_at < total / 2,
        "{stalled_at} of {total} bytes taken"
    );
    let held = server.memory_kib("VmRSS").saturating_sub(before);
    eprintln!(
        "a reader that reads nothing: the service took {stalled_at} of {total} bytes, then stalled, \
         holding {held} KiB more than before"
    );
    assert!(
        held <= BATCH_MEMORY_KIB,
        "{held} KiB held for a stalled batch"
    );
    // Nothing taken for the write timeout: the connection is cut, and its slot is free.
    await_output(
        &server,
        "took none of its answer for 3 s (--write-timeout)",
        Duration::from_secs(20),
    );
    sending.join().unwrap();
    drop(stream);
    await_batch_slot(&server);
}

// ---- Caps ----

#[test]
fn connections_past_the_cap_wait_and_requests_past_the_cap_are_503() {
    let server = Server::start(&["--max-connections", "2", "--header-timeout", "30s"]);
    let held: Vec<_> = (0..2).map(|_| server.connect()).collect();
    std::thread::sleep(Duration::from_millis(200));
    // The third is queued by the system, not answered.
    let mut third = server.connect();
    third
        .write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut sent = Vec::new();
    assert!(closed_within(&mut third, Duration::from_millis(700), &mut sent).is_none());
    assert!(
        sent.is_empty(),
        "answered past the cap: {}",
        String::from_utf8_lossy(&sent)
    );
    drop(held);
    third
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let answer = read_answer(&mut BufReader::new(sent.as_slice().chain(third)));
    assert_eq!(answer.status, 200);

    let server = Server::start(&["--max-requests", "1", "--body-timeout", "30s"]);
    // One request in flight (its body not all sent) holds the only turn.
    let mut busy = server.connect();
    busy.write_all(
        b"POST /evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
          Content-Length: 2\r\n\r\n{",
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let refused = exchange(
        &server,
        &request("GET", "/health", &[("Host", "127.0.0.1")], ""),
    );
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert!(message(&refused).contains("--max-requests"));
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "it waited its turn for 2 s"
    );
    busy.write_all(b"}").unwrap();
    assert_eq!(read_answer(&mut BufReader::new(busy)).status, 200);
    assert_eq!(get(&server.url("/health")).status, 200);
}

// ---- Stopping ----

#[cfg(unix)]
#[test]
fn sigterm_lets_the_request_under_way_finish_then_exits_0() {
    let mut server = Server::start(&[]);
    let body = "{\"children_ages\": [\"age_3\"], \"adversities\": [\"poverty\"]}";
    let mut stream = server.connect();
    let head = format!(
        "POST /evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body.as_bytes()[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    server.terminate();
    await_output(
        &server,
        "stopping: 1 connection(s) open",
        Duration::from_secs(10),
    );
    // No new connection is taken, but the one under way goes on.
    assert!(std::net::TcpStream::connect(server.address()).is_err());
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(&body.as_bytes()[10..]).unwrap();
    let answer = read_answer(&mut BufReader::new(stream));
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.json()["recommendations"].is_array());
    let status = server
        .exit_within(Duration::from_secs(10))
        .expect("the service exits once the request is answered");
    assert_eq!(status.code(), Some(0), "{}", server.output());
    assert!(
        server
            .output()
            .contains("stopped: every request under way was answered")
    );
}

#[cfg(unix)]
#[test]
fn sigterm_cuts_what_is_still_under_way_at_the_shutdown_timeout_and_exits_0() {
    let mut server = Server::start(&["--shutdown-timeout", "1s", "--body-timeout", "60s"]);
    let mut stream = server.connect();
    stream
        .write_all(
            b"POST /evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{",
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    server.terminate();
    let status = server
        .exit_within(Duration::from_secs(10))
        .expect("the service exits at the shutdown timeout");
    let took = started.elapsed();
    assert_eq!(status.code(), Some(0));
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "stopped after {took:?}"
    );
    eprintln!("shutdown timeout 1 s: exited 0 after {took:?}");
    assert!(
        server
            .output()
            .contains("1 connection(s) cut at the shutdown timeout")
    );
}
