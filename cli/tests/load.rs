//! A bounded load test of `practice-guide serve` on loopback: a fixed number of evaluations by a
//! few clients at once, stopping early at a time limit; it reports throughput, p50 and p99
//! latency, errors (there must be none) and the service's peak memory. Ignored by default (it
//! measures, and measuring wants a release build):
//!
//! ```sh
//! cargo test -p practice-guide-cli --release --test load -- --ignored --nocapture
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

mod common;

use std::time::{Duration, Instant};

use common::{Server, agent};

const REQUESTS: usize = 20_000;
const CLIENTS: usize = 4;
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// The sample families, YAML, each sent in turn.
fn profiles() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/profiles");
    let mut texts: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    texts.sort();
    texts
}

/// The service's peak resident memory, in KiB (Linux).
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
#[ignore = "a load test: run it in release with --ignored --nocapture"]
fn bounded_load_on_loopback() {
    let server = Server::start(&[]);
    let url = server.url("/evaluate");
    let profiles = profiles();
    let started = Instant::now();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let url = url.clone();
            let profiles = profiles.clone();
            std::thread::spawn(move || {
                let agent = agent();
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                let mut i = client;
                while i < REQUESTS && started.elapsed() < TIME_LIMIT {
                    let body = &profiles[i % profiles.len()];
                    let sent = Instant::now();
                    let response = agent
                        .post(&url)
                        .header("Content-Type", "application/yaml")
                        .send(body.as_str());
                    let ok = response.is_ok_and(|mut r| {
                        r.status() == 200
                            && r.body_mut().read_to_string().is_ok_and(|b| !b.is_empty())
                    });
                    latencies.push(sent.elapsed());
                    if !ok {
                        errors += 1;
                    }
                    i += CLIENTS;
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (l, e) = worker.join().unwrap();
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize];
    let peak = peak_kib(server.pid());
    println!(
        "load: {} requests by {CLIENTS} clients in {:.2} s: {:.0} requests/s, p50 {:.2} ms, \
         p99 {:.2} ms, errors {errors}, peak memory of the service {} MiB",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        at(0.50).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
        peak.map_or("?".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0)),
    );
    assert_eq!(errors, 0);
    assert!(!latencies.is_empty());
}
