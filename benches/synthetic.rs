//! Synthetic rule sets of 20, 200, 2,000 and 20,000 rules in the neutral workload's shape
//! (generated here, so no workload folder is needed): load time, and time per profile.
//!
//! ```sh
//! cargo bench --bench synthetic
//! cargo bench --bench synthetic -- --sample-count 2 --sample-size 1   # CI's quick run
//! ```

// A benchmark program: it stops on a broken fixture.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use divan::{Bencher, black_box};
use practice_guide::{Cache, FamilyProfile, Guide, PreparedProfile, Statuses};

fn main() {
    divan::main();
}

const SIZES: [usize; 4] = [20, 200, 2_000, 20_000];
const PROFILES: usize = 1_000;

fn profiles() -> Vec<FamilyProfile> {
    common::synthetic_profiles(PROFILES, 7)
        .iter()
        .map(common::profile_of)
        .collect()
}

fn files(n: usize, profiles: &[FamilyProfile]) -> Vec<(&'static str, String)> {
    let rules = common::synthetic_rules(n, 20_250_207);
    common::guide_files(&rules, common::Vocabulary::from_profiles(profiles))
}

/// Parse, validate and compile `n` rules from their YAML text.
#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn load(bencher: Bencher, n: usize) {
    let files = files(n, &profiles());
    bencher.bench(|| Guide::from_files(black_box(files.clone())).unwrap());
}

/// Statuses of every rule for one profile; each iteration takes the next of 1,000 profiles.
#[divan::bench(args = SIZES)]
fn statuses_per_profile(bencher: Bencher, n: usize) {
    let profiles = profiles();
    let guide = Guide::from_files(files(n, &profiles)).unwrap();
    let prepared: Vec<PreparedProfile> =
        profiles.iter().map(|p| guide.prepare(p).unwrap()).collect();
    let (mut cache, mut statuses) = (Cache::new(), Statuses::new());
    let mut next = 0;
    bencher.bench_local(|| {
        next = (next + 1) % prepared.len();
        black_box(&prepared[next]).statuses_with(&mut cache, &mut statuses);
    });
}

/// Full results (reasons included) for one profile; each iteration takes the next profile.
#[divan::bench(args = SIZES, sample_count = 50)]
fn full_per_profile(bencher: Bencher, n: usize) {
    let profiles = profiles();
    let guide = Guide::from_files(files(n, &profiles)).unwrap();
    let prepared: Vec<PreparedProfile> =
        profiles.iter().map(|p| guide.prepare(p).unwrap()).collect();
    let mut next = 0;
    bencher.bench_local(|| {
        next = (next + 1) % prepared.len();
        black_box(&prepared[next]).evaluate()
    });
}

/// Full results for one profile into a reused result with one cache (`evaluate_into_with`); each
/// iteration takes the next profile.
#[divan::bench(args = SIZES, sample_count = 50)]
fn full_into_per_profile(bencher: Bencher, n: usize) {
    let profiles = profiles();
    let guide = Guide::from_files(files(n, &profiles)).unwrap();
    let prepared: Vec<PreparedProfile> =
        profiles.iter().map(|p| guide.prepare(p).unwrap()).collect();
    let (mut cache, mut evaluation) = (Cache::new(), prepared[0].evaluate());
    let mut next = 0;
    bencher.bench_local(|| {
        next = (next + 1) % prepared.len();
        black_box(&prepared[next]).evaluate_into_with(&mut cache, None, &mut evaluation);
    });
}
