//! Benchmarks on the embedded guide (Parenting Through Adversity 0-10): loading, the exact
//! analysis, one profile (full results, into a reused result, and statuses only; its JSON, full
//! and compact), and caseloads of 10,000 varied profiles (1,000 for JSON).
//!
//! ```sh
//! cargo bench --bench guide
//! cargo bench --bench guide -- --sample-count 2 --sample-size 1   # CI's quick run
//! ```
//!
//! Profiles come from `examples/profiles/*` and from a generator driven by the guide's own
//! vocabulary (`guide.facts()`), so the benches follow the rule files when facts are renamed.

// A benchmark program: it stops on a broken fixture.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use divan::{Bencher, black_box};
use practice_guide::guide::FactType;
use practice_guide::{
    Cache, Evaluation, EvaluationOptions, FamilyProfile, Guide, PARENTING_THROUGH_ADVERSITY_FILES,
    PreparedProfile, Status, Statuses,
};

fn main() {
    divan::main();
}

const CASELOAD: usize = 10_000;

fn guide() -> &'static Guide {
    practice_guide::parenting_through_adversity()
}

/// The example profiles, in file-name order.
fn examples() -> Vec<FamilyProfile> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/profiles");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        // The overlay's sample families (examples/profiles/overlay/) use its local facts.
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            guide()
                .read_profile(&p.display().to_string(), &text)
                .unwrap()
                .to_profile()
        })
        .collect()
}

/// The richest example profile (most facts given): the one-profile benches' family.
fn one() -> FamilyProfile {
    examples()
        .into_iter()
        .max_by_key(FamilyProfile::len)
        .unwrap()
}

/// `n` varied profiles: the examples, then profiles generated from the vocabulary, each fact
/// unknown a fifth of the time.
fn caseload(n: usize) -> Vec<FamilyProfile> {
    let mut profiles = examples();
    let mut rng = common::Rng(0x9e37_79b9_7f4a_7c15);
    while profiles.len() < n {
        let mut profile = FamilyProfile::new();
        for fact in guide().facts() {
            if rng.below(5) == 0 {
                continue;
            }
            let name = fact.name();
            match fact.fact_type() {
                FactType::Boolean => profile.set(name, rng.below(2) == 0),
                FactType::Integer { min, max } => {
                    let span = usize::try_from(max - min + 1).unwrap_or(usize::MAX);
                    profile.set(name, min + rng.below(span) as i64)
                }
                FactType::OneOf(values) => {
                    let names: Vec<&str> = values.names().collect();
                    profile.set(name, names[rng.below(names.len())])
                }
                FactType::SetOf(values) => {
                    let chosen: Vec<&str> = values.names().filter(|_| rng.below(3) == 0).collect();
                    profile.set(name, chosen)
                }
                _ => &mut profile,
            };
        }
        if guide().prepare(&profile).is_ok() {
            profiles.push(profile);
        }
    }
    profiles.truncate(n);
    profiles
}

/// `n` varied profiles, prepared.
fn prepared_caseload(n: usize) -> Vec<PreparedProfile<'static>> {
    caseload(n)
        .iter()
        .map(|p| guide().prepare(p).unwrap())
        .collect()
}

/// The number of recommendations that apply, read from a full result.
fn applies(evaluation: &Evaluation) -> usize {
    evaluation
        .recommendations()
        .filter(|r| r.status() == Status::Applies)
        .count()
}

/// Parse, validate and compile the embedded guide's rule files.
#[divan::bench]
fn load_and_validate() -> Guide {
    Guide::from_files(black_box(PARENTING_THROUGH_ADVERSITY_FILES)).unwrap()
}

/// The exact analysis of the whole guide (`practice-guide lint`): every finding and every
/// witness.
#[divan::bench(sample_count = 20)]
fn analyze() -> practice_guide::analysis::Analysis {
    black_box(guide()).analyze()
}

/// The same with the example overlay's services (and its local facts and regular expression).
#[divan::bench(sample_count = 20)]
fn analyze_with_overlay(bencher: Bencher) {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/overlays/example-borough"
    );
    let guide = guide().with_overlay_dir(dir).unwrap();
    bencher.bench(|| black_box(&guide).analyze());
}

/// What would change each result of one profile that does not apply
/// (`Counterfactuals::evaluate`: the evaluation, a few microseconds, and its changes; the
/// profile space is built once, outside the timing).
#[divan::bench(sample_count = 20)]
fn one_profile_changes(bencher: Bencher) {
    let prepared = guide().prepare(&one()).unwrap();
    let counterfactuals = guide().counterfactuals();
    bencher.bench_local(|| counterfactuals.evaluate(black_box(&prepared)));
}

/// One profile, full results (reasons, missing facts, actions, sources), binding included.
#[divan::bench]
fn one_profile_full(bencher: Bencher) {
    let profile = one();
    bencher.bench(|| guide().evaluate(black_box(&profile)).unwrap());
}

/// One prepared profile, full results.
#[divan::bench]
fn one_prepared_full(bencher: Bencher) {
    let prepared = guide().prepare(&one()).unwrap();
    bencher.bench(|| black_box(&prepared).evaluate());
}

/// One prepared profile, full results, returned owned: moved into a `'static` box a service
/// can send to another thread or keep past the request (results have no lifetime, so this is
/// the plain evaluation and a move).
#[divan::bench]
fn one_prepared_full_owned(bencher: Bencher) {
    let prepared = guide().prepare(&one()).unwrap();
    bencher.bench(|| -> Box<dyn std::any::Any + Send + Sync> {
        Box::new(black_box(&prepared).evaluate())
    });
}

/// One prepared profile, full results, with the caller's cache (`evaluate_with`).
#[divan::bench]
fn one_prepared_full_with(bencher: Bencher) {
    let prepared = guide().prepare(&one()).unwrap();
    let mut cache = Cache::new();
    bencher.bench_local(|| black_box(&prepared).evaluate_with(&mut cache));
}

/// One prepared profile, full results, into a reused result with the caller's cache
/// (`evaluate_into_with`).
#[divan::bench]
fn one_prepared_full_into(bencher: Bencher) {
    let prepared = guide().prepare(&one()).unwrap();
    let mut evaluation = prepared.evaluate();
    let mut cache = Cache::new();
    bencher
        .bench_local(|| black_box(&prepared).evaluate_into_with(&mut cache, None, &mut evaluation));
}

/// One full result as JSON, into a reused buffer (the result computed outside the timing).
#[divan::bench]
fn one_json_full(bencher: Bencher) {
    let evaluation = guide().prepare(&one()).unwrap().evaluate();
    let mut out = Vec::new();
    let bytes = serde_json::to_vec(&evaluation).unwrap().len();
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .bench_local(|| {
            out.clear();
            serde_json::to_writer(&mut out, black_box(&evaluation)).unwrap();
        });
}

/// One full result as JSON written from the guide's precomputed fragments
/// (`Evaluation::write_json`, byte for byte the serde output), into a reused buffer.
#[divan::bench]
fn one_json_write(bencher: Bencher) {
    let evaluation = guide().prepare(&one()).unwrap().evaluate();
    let mut out = Vec::new();
    evaluation.write_json(&mut out);
    bencher
        .counter(divan::counter::BytesCount::new(out.len()))
        .bench_local(|| {
            out.clear();
            black_box(&evaluation).write_json(&mut out);
        });
}

/// The same result in compact form as JSON (`Evaluation::compact`, included in the timing).
#[divan::bench]
fn one_json_compact(bencher: Bencher) {
    let evaluation = guide().prepare(&one()).unwrap().evaluate();
    let mut out = Vec::new();
    let bytes = serde_json::to_vec(&evaluation.compact()).unwrap().len();
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .bench_local(|| {
            out.clear();
            serde_json::to_writer(&mut out, &black_box(&evaluation).compact()).unwrap();
        });
}

/// One prepared profile, statuses only, into a reused `Statuses` with the caller's cache.
#[divan::bench]
fn one_prepared_statuses(bencher: Bencher) {
    let prepared = guide().prepare(&one()).unwrap();
    let (mut cache, mut statuses) = (Cache::new(), Statuses::new());
    bencher.bench_local(|| black_box(&prepared).statuses_with(&mut cache, &mut statuses));
}

/// Binding one profile to the vocabulary (`Guide::prepare`).
#[divan::bench]
fn one_prepare(bencher: Bencher) {
    let profile = one();
    bencher.bench(|| guide().prepare(black_box(&profile)).unwrap());
}

/// 10,000 profiles, full results, binding included: a loop of `Guide::evaluate`.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn caseload_10k_full(bencher: Bencher) {
    let profiles = caseload(CASELOAD);
    bencher.bench(|| {
        black_box(&profiles)
            .iter()
            .map(|p| guide().evaluate(p).unwrap())
            .collect::<Vec<_>>()
    });
}

/// 10,000 prepared profiles, full results: each evaluated, read (its applying recommendations
/// counted) and dropped before the next, as a caseload service would.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn caseload_10k_prepared_full(bencher: Bencher) {
    let prepared = prepared_caseload(CASELOAD);
    bencher.bench_local(|| {
        let mut applying = 0;
        for family in black_box(&prepared) {
            let evaluation = family.evaluate();
            applying += applies(&evaluation);
        }
        applying
    });
}

/// 10,000 prepared profiles, full results into one reused result with one cache
/// (`evaluate_into_with`).
#[divan::bench(sample_count = 20, sample_size = 1)]
fn caseload_10k_prepared_full_into(bencher: Bencher) {
    let prepared = prepared_caseload(CASELOAD);
    let mut evaluation = prepared[0].evaluate();
    let mut cache = Cache::new();
    bencher.bench_local(|| {
        let mut applying = 0;
        for family in black_box(&prepared) {
            family.evaluate_into_with(&mut cache, None, &mut evaluation);
            applying += applies(&evaluation);
        }
        applying
    });
}

/// 10,000 prepared profiles, full results into one reused result, without what is open
/// (`EvaluationOptions::skip_open`: no residuals, deciding values or questions).
#[divan::bench(sample_count = 20, sample_size = 1)]
fn caseload_10k_prepared_full_skip_open(bencher: Bencher) {
    let prepared = prepared_caseload(CASELOAD);
    let filter = guide()
        .filter(&EvaluationOptions::new().skip_open())
        .unwrap();
    let mut evaluation = prepared[0].evaluate();
    let mut cache = Cache::new();
    bencher.bench_local(|| {
        let mut applying = 0;
        for family in black_box(&prepared) {
            family.evaluate_into_with(&mut cache, Some(&filter), &mut evaluation);
            applying += applies(&evaluation);
        }
        applying
    });
}

/// 1,000 prepared profiles, each result written as JSON into a reused buffer (computing it into a
/// reused result included): what a service answering with full results does.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn caseload_1k_json_full(bencher: Bencher) {
    json_caseload(bencher, |evaluation, out| {
        serde_json::to_writer(out, evaluation).unwrap();
    });
}

/// The same in compact form.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn caseload_1k_json_compact(bencher: Bencher) {
    json_caseload(bencher, |evaluation, out| {
        serde_json::to_writer(out, &evaluation.compact()).unwrap();
    });
}

/// 1,000 prepared profiles, each evaluated into a reused result and written by `write` into a
/// reused buffer; the bytes written are counted.
fn json_caseload(bencher: Bencher, write: impl Fn(&Evaluation, &mut Vec<u8>)) {
    let prepared = prepared_caseload(1_000);
    let mut evaluation = prepared[0].evaluate();
    let (mut cache, mut out) = (Cache::new(), Vec::new());
    bencher.bench_local(|| {
        let mut bytes = 0;
        for family in black_box(&prepared) {
            family.evaluate_into_with(&mut cache, None, &mut evaluation);
            out.clear();
            write(&evaluation, &mut out);
            bytes += out.len();
        }
        bytes
    });
}

/// 10,000 prepared profiles, statuses only: a loop reusing one `Statuses`, as a caseload service
/// would, each profile's statuses read (counted) before the next.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn caseload_10k_statuses(bencher: Bencher) {
    let prepared = prepared_caseload(CASELOAD);
    let (mut cache, mut statuses) = (Cache::new(), Statuses::new());
    bencher.bench_local(|| {
        let mut applying = 0;
        for family in black_box(&prepared) {
            family.statuses_with(&mut cache, &mut statuses);
            applying += statuses.recommendations(Status::Applies).count();
        }
        applying
    });
}
