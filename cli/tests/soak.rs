//! A soak test of `practice-guide serve`: evaluations from 32 connections at once while the
//! rules are reloaded every few seconds, valid and broken folders in turn. Not one request may
//! fail or be answered wrong (each answer is compared whole with the one its guide gives), every
//! reload must do what it says, and the service's resident memory at the end must be within 10%
//! of what it was after the warm-up.
//!
//! It runs for 60 seconds (a quarter of it warm-up); `PRACTICE_GUIDE_SOAK_SECONDS` sets another
//! length:
//!
//! ```sh
//! PRACTICE_GUIDE_SOAK_SECONDS=600 cargo test -p practice-guide-cli --release --test soak -- --nocapture
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Server, agent, get};

const CONNECTIONS: usize = 32;
const RELOAD_EVERY: Duration = Duration::from_secs(3);

/// The profiles sent, in turn: whole, half known, one that does not fit (a 400 with its
/// problems is a right answer too).
const PROFILES: [&str; 4] = [
    r#"{"children_ages": ["age_8"], "expecting_baby": false, "adversities": ["substance_misuse", "parental_mental_health", "poverty"], "service_level": "edge_of_care", "concerns": ["risk_of_harm", "child_behaviour"], "more_serious_mental_health_needs": true, "specialist_mental_health_treatment": "none", "barriers": ["digital_exclusion", "session_times"]}"#,
    r#"{"children_ages": ["age_3"]}"#,
    r#"{"children_ages": ["age_1", "age_4"], "adversities": ["intimate_partner_violence"], "service_level": "family_help"}"#,
    r#"{"children_ages": ["age_3"], "service_levle": "family_help"}"#,
];

/// How the rule folder served reads: two valid versions and a broken one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Rules {
    A,
    B,
    Broken,
}

struct Folder {
    dir: tempfile::TempDir,
    guide: String,
    recommendations: String,
}

impl Folder {
    fn new() -> Folder {
        let dir = tempfile::tempdir().unwrap();
        common::copy_folder(Path::new(common::GUIDE_DIR), dir.path());
        let guide = std::fs::read_to_string(dir.path().join("guide.yaml")).unwrap();
        let recommendations =
            std::fs::read_to_string(dir.path().join("recommendations.yaml")).unwrap();
        assert!(guide.contains("version: 0.3.0") && recommendations.contains("\n  evidence:"));
        let folder = Folder {
            dir,
            guide,
            recommendations,
        };
        folder.make(Rules::A);
        folder
    }

    fn make(&self, rules: Rules) {
        let version = if rules == Rules::B {
            "0.3.0-b"
        } else {
            "0.3.0-a"
        };
        let guide = self
            .guide
            .replace("version: 0.3.0", &format!("version: {version}"));
        let recommendations = if rules == Rules::Broken {
            self.recommendations
                .replacen("\n  evidence:", "\n  evidense:", 1)
        } else {
            self.recommendations.clone()
        };
        std::fs::write(self.dir.path().join("guide.yaml"), guide).unwrap();
        std::fs::write(
            self.dir.path().join("recommendations.yaml"),
            recommendations,
        )
        .unwrap();
    }
}

/// An evaluation's status, the guide it names in its header, and its body.
fn evaluate(
    agent: &ureq::Agent,
    url: &str,
    profile: &str,
) -> Result<(u16, String, String), String> {
    let mut response = agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(profile)
        .map_err(|err| format!("no answer: {err}"))?;
    let hash = response
        .headers()
        .get("x-guide-content-hash")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(16 * 1024 * 1024)
        .read_to_string()
        .map_err(|err| format!("a body cut short: {err}"))?;
    Ok((status, hash, body))
}

fn reload(url: &str) -> (u16, String) {
    let answer = common::post(url, "application/json", "");
    (answer.status, answer.hash.unwrap_or_default())
}

#[test]
fn evaluations_at_32_connections_through_reloads_all_answer_right_in_steady_memory() {
    let seconds = std::env::var("PRACTICE_GUIDE_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(60);
    let length = Duration::from_secs(seconds);
    let warm_up = length / 4;
    let folder = Folder::new();
    let server = Server::start(&["--rules", folder.dir.path().to_str().unwrap()]);
    let evaluate_url = server.url("/evaluate");
    let reload_url = server.url("/admin/reload");

    // What each guide answers to each profile: the answers every request is compared with.
    let mut expected: HashMap<String, Vec<(u16, String)>> = HashMap::new();
    let mut hashes = HashMap::new();
    let one = agent();
    for rules in [Rules::A, Rules::B] {
        folder.make(rules);
        let (status, hash) = reload(&reload_url);
        assert_eq!(status, 200);
        let answers: Vec<(u16, String)> = PROFILES
            .iter()
            .map(|p| {
                let (status, named, body) = evaluate(&one, &evaluate_url, p).unwrap();
                assert_eq!(named, hash);
                (status, body)
            })
            .collect();
        assert_eq!(answers_statuses(&answers), [200, 200, 200, 400]);
        expected.insert(hash.clone(), answers);
        hashes.insert(rules, hash);
    }
    let expected = Arc::new(expected);

    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|worker| {
            let (stop, answered, failures) = (
                Arc::clone(&stop),
                Arc::clone(&answered),
                Arc::clone(&failures),
            );
            let (expected, url) = (Arc::clone(&expected), evaluate_url.clone());
            std::thread::spawn(move || {
                let agent = agent();
                let mut i = worker;
                while !stop.load(Ordering::Relaxed) {
                    let which = i % PROFILES.len();
                    let failure = match evaluate(&agent, &url, PROFILES[which]) {
                        Err(err) => Some(err),
                        Ok((status, hash, body)) => match expected.get(&hash) {
                            None => Some(format!("answered by an unknown guide {hash:?}")),
                            Some(answers) if answers[which] != (status, body) => Some(format!(
                                "profile {which}: a wrong answer from {hash} ({status})"
                            )),
                            Some(_) => None,
                        },
                    };
                    answered.fetch_add(1, Ordering::Relaxed);
                    if let Some(failure) = failure {
                        failures.lock().unwrap().push(failure);
                    }
                    i += 1;
                }
            })
        })
        .collect();

    // Reloads every few seconds: broken, A, broken, B, ...; each does what it says.
    let started = Instant::now();
    let cycle = [Rules::Broken, Rules::A, Rules::Broken, Rules::B];
    let mut serving = Rules::B;
    let (mut reloads, mut refused) = (0, 0);
    let mut warm_kib = None;
    let mut resident = Vec::new();
    while started.elapsed() < length {
        std::thread::sleep(RELOAD_EVERY.min(length.saturating_sub(started.elapsed())));
        if warm_kib.is_none() && started.elapsed() >= warm_up {
            warm_kib = Some(server.memory_kib("VmRSS"));
        }
        if started.elapsed() >= length {
            break;
        }
        let rules = cycle[(reloads + refused) % cycle.len()];
        folder.make(rules);
        let (status, hash) = reload(&reload_url);
        if rules == Rules::Broken {
            assert_eq!(status, 422, "a broken folder is refused");
            refused += 1;
        } else {
            assert_eq!(status, 200, "a valid folder reloads");
            serving = rules;
            reloads += 1;
        }
        assert_eq!(hash, hashes[&serving], "the guide serving after a reload");
        let health = get(&server.url("/health")).json();
        assert_eq!(health["guide"]["content_hash"], hashes[&serving].as_str());
        resident.push(server.memory_kib("VmRSS"));
    }
    let end_kib = server.memory_kib("VmRSS");
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.join().unwrap();
    }
    let failures = failures.lock().unwrap();
    let answered = answered.load(Ordering::Relaxed);
    let warm_kib = warm_kib.expect("the warm-up ended before the soak");
    let peak_kib = server.memory_kib("VmHWM");
    eprintln!(
        "soak {seconds} s at {CONNECTIONS} connections: {answered} evaluations ({:.0}/s), {} failed \
         or wrong; {reloads} reloads and {refused} broken folders refused; resident {warm_kib} KiB \
         after the warm-up, {end_kib} KiB at the end ({:+.1}%), peak {peak_kib} KiB",
        answered as f64 / length.as_secs_f64(),
        failures.len(),
        (end_kib as f64 / warm_kib as f64 - 1.0) * 100.0
    );
    eprintln!("resident after each reload (KiB): {resident:?}");
    assert!(
        failures.is_empty(),
        "{} of {answered} failed or wrong, the first: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert!(answered > 1000, "only {answered} evaluations");
    assert!(
        reloads >= 2 && refused >= 2,
        "{reloads} reloads, {refused} refused"
    );
    assert!(
        end_kib * 10 <= warm_kib * 11,
        "resident memory grew from {warm_kib} KiB after the warm-up to {end_kib} KiB"
    );
}

fn answers_statuses(answers: &[(u16, String)]) -> Vec<u16> {
    answers.iter().map(|(status, _)| *status).collect()
}
