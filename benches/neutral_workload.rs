//! The neutral workload race: this crate on exactly the workload and protocol of the peer engines
//! in `../shared/perf` (see its `PEERS.md`), printing the same line format.
//!
//! ```sh
//! cargo bench --bench neutral_workload -- DIR [N ...]         # DIR holds rules-N.json, profiles.json
//! cargo bench --bench neutral_workload -- generated [N ...]   # the same workload, generated here
//! cargo bench --bench neutral_workload -- generated 20 200 --quick --check   # what CI runs
//! ```
//!
//! Per N: profiles are read and prepared ([`Guide::prepare`]) once, outside every timing;
//! `load_ms` = read + parse `rules-N.json` (with `generated`: generate the rules), translate every
//! rule to this crate's rule files, load (validate + compile) them; a probe (first 100 profiles,
//! once to warm up, once timed); one warm-up pass over all profiles yielding `matches` and `fp`;
//! five timed passes, each computing every rule's status for every profile into a reused
//! [`Statuses`] and counting the rules that apply; `ns_per_eval` = median pass / profiles.
//!
//! `--quick` times one pass instead of five and skips the probe; `--check` compares `matches` and
//! `fp` with what every peer engine computes on the workload (the hand-written function's for
//! N = 20) and fails on a difference. Without DIR it prints its usage and exits successfully, so
//! that a plain `cargo bench` does not fail on it.

// A benchmark program: it prints its results, and stops on a broken workload.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use common::neutral;
use practice_guide::{Cache, FamilyProfile, Guide, PreparedProfile, Status, Statuses};
use serde_json::Value;

const REPEATS: usize = 5;
const FP_MOD: u64 = 1_000_000_007;
const PROBE: usize = 100;
const MAX_PASS_S: f64 = 60.0;

/// Where the rules and profiles come from.
enum Source {
    Dir(String),
    Generated,
}

struct Options {
    quick: bool,
    check: bool,
}

fn main() -> ExitCode {
    // `cargo bench` adds `--bench`; everything else is DIR, N and our flags.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = Options {
        quick: args.iter().any(|a| a == "--quick"),
        check: args.iter().any(|a| a == "--check"),
    };
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let Some((dir, sizes)) = positional.split_first() else {
        eprintln!(
            "usage: cargo bench --bench neutral_workload -- DIR|generated [N ...] [--quick] [--check]\n\
             DIR:       the neutral workload (rules-N.json, profiles.json), e.g. ../shared/perf/workload\n\
             generated: the same workload, generated in this process\n\
             N:         rule-set sizes (default 20 200 2000 20000)"
        );
        return ExitCode::SUCCESS;
    };
    let source = if dir.as_str() == "generated" {
        Source::Generated
    } else {
        Source::Dir((*dir).clone())
    };
    let mut sizes: Vec<usize> = if sizes.is_empty() {
        vec![20, 200, 2000, 20000]
    } else {
        sizes
            .iter()
            .map(|n| n.parse().expect("N is a number"))
            .collect()
    };
    sizes.sort_unstable();
    // Outside every timing: the profiles, converted once (the JSON is dropped, as the peers do).
    let profiles_json: Vec<Value> = match &source {
        Source::Dir(dir) => {
            let text = std::fs::read_to_string(format!("{dir}/profiles.json")).unwrap();
            serde_json::from_str(&text).unwrap()
        }
        Source::Generated => neutral::profiles(),
    };
    let profiles: Vec<FamilyProfile> = profiles_json.iter().map(common::profile_of).collect();
    drop(profiles_json);
    let mut failed = false;
    for n in sizes {
        let Some((matches, fp)) = run(&source, n, &profiles, &options) else {
            continue;
        };
        let expected = neutral::EXPECTED.iter().find(|(size, ..)| *size == n);
        if let (true, Some(&(_, m, f))) = (options.check, expected) {
            if (matches, fp) == (m, f) {
                eprintln!("# check n={n} ok: matches={matches} fp={fp}, as every peer engine");
            } else {
                eprintln!("# check n={n} FAILED: matches={matches} fp={fp}, expected {m} {f}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The rules of size `n`, read (and parsed) or generated.
fn rules(source: &Source, n: usize) -> Vec<common::Rule> {
    match source {
        Source::Dir(dir) => {
            let text = std::fs::read_to_string(format!("{dir}/rules-{n}.json")).unwrap();
            serde_json::from_str(&text).unwrap()
        }
        Source::Generated => {
            let mut sets = neutral::rules(&[n]);
            assert_eq!(
                sets.len(),
                1,
                "the workload has 20, 200, 2000 or 20000 rules"
            );
            sets.remove(0).1
        }
    }
}

/// Runs size `n`; returns `matches` and `fp`, or `None` when skipped.
fn run(
    source: &Source,
    n: usize,
    profiles: &[FamilyProfile],
    options: &Options,
) -> Option<(u64, u64)> {
    let vocabulary = common::Vocabulary::from_profiles(profiles);

    let t = Instant::now();
    let rules = rules(source, n);
    let read_ms = t.elapsed().as_secs_f64() * 1e3;
    let files = common::guide_files(&rules, vocabulary);
    drop(rules);
    let translate_ms = t.elapsed().as_secs_f64() * 1e3 - read_ms;
    let guide = Guide::from_files(files).unwrap_or_else(|e| panic!("the translated guide: {e}"));
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    eprintln!(
        "# practice-guide n={n}: load = read+parse JSON {read_ms:.1} ms + translate {translate_ms:.1} ms \
         + Guide::from_files {:.1} ms",
        load_ms - read_ms - translate_ms
    );
    assert_eq!(guide.recommendations().len(), n);

    let prepared: Vec<PreparedProfile> =
        profiles.iter().map(|p| guide.prepare(p).unwrap()).collect();
    let (mut cache, mut statuses) = (Cache::new(), Statuses::new());

    if !options.quick {
        // Probe: would one pass take too long?
        let probe = &prepared[..PROBE.min(prepared.len())];
        pass(probe, &mut cache, &mut statuses);
        let t = Instant::now();
        pass(probe, &mut cache, &mut statuses);
        let est_pass_s = t.elapsed().as_secs_f64() * prepared.len() as f64 / probe.len() as f64;
        if est_pass_s > MAX_PASS_S && std::env::var_os("PEER_NO_SKIP").is_none() {
            println!(
                "engine=practice-guide n={n} load_ms={load_ms:.3} skipped=1 est_pass_s={est_pass_s:.1}"
            );
            return None;
        }
    }

    // Warm-up pass, with the fingerprint of which (profile, rule) pairs match.
    let mut matches = 0u64;
    let mut fp = 0u64;
    for (pi, profile) in prepared.iter().enumerate() {
        profile.statuses_with(&mut cache, &mut statuses);
        for r in statuses.recommendations(Status::Applies) {
            matches += 1;
            fp = (fp + ((pi as u64 + 1) * (r as u64 + 1)) % FP_MOD) % FP_MOD;
        }
    }

    let repeats = if options.quick { 1 } else { REPEATS };
    let mut times = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let t = Instant::now();
        let m = pass(black_box(&prepared), &mut cache, &mut statuses);
        times.push(t.elapsed().as_nanos() as f64);
        assert_eq!(black_box(m), matches);
    }
    let pass_ms: Vec<String> = times.iter().map(|t| format!("{:.3}", t / 1e6)).collect();
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "engine=practice-guide n={n} load_ms={load_ms:.3} ns_per_eval={:.1} matches={matches} fp={fp} pass_ms={}",
        sorted[repeats / 2] / prepared.len() as f64,
        pass_ms.join(",")
    );
    if let Some(hwm) = peak_rss_kb() {
        eprintln!("# practice-guide n={n}: peak RSS of the bench process itself {hwm} kB");
    }
    Some((matches, fp))
}

/// One pass: every rule's status for every profile; returns the number of (profile, rule)
/// pairs that apply.
fn pass(profiles: &[PreparedProfile<'_>], cache: &mut Cache, statuses: &mut Statuses) -> u64 {
    let mut total = 0u64;
    for profile in profiles {
        black_box(profile).statuses_with(cache, statuses);
        total += statuses.recommendations(Status::Applies).count() as u64;
    }
    total
}

/// `VmHWM` of this process (Linux), in kB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
