//! Evaluating valid profiles, built from the fuzzer's choices (`arbitrary`), against guides
//! loaded once for every run: the embedded guide, the embedded guide with the example overlay,
//! and small generated guides (`common::POOL`). No run parses a rule file: evaluation is what
//! this target tests. For each input:
//!
//! - the full result is the same whether computed afresh or into an earlier result of another
//!   profile (another filter's, too), through the guide's pool of caches or the caller's;
//! - the statuses path agrees with it on every rule it keeps;
//! - the profile, read back from its binding, evaluates the same.
//!
//! What a result is written as (JSON, text, Markdown) is the `render` target's: a run here does
//! only the evaluation's work, so that it stays short and the fuzzer reaches deep states.
#![no_main]

use std::cell::RefCell;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use practice_guide::{Cache, Filter, PreparedProfile, Statuses};

#[path = "common.rs"]
#[allow(dead_code)]
mod common;

/// What the fuzzer chooses besides the two profiles (drawn after these from the rest).
#[derive(Arbitrary, Debug)]
struct Choice {
    guide: u8,
    /// The filter of the result checked, and of the earlier one it is written over.
    filter: Option<u8>,
    earlier_filter: Option<u8>,
    /// Evaluate with the caller's cache rather than one the guide lends.
    own_cache: bool,
    /// One check besides the statuses' each run, so that a run stays short.
    check: Check,
}

#[derive(Arbitrary, Debug)]
enum Check {
    /// Into an earlier result, of another profile and maybe another filter.
    Reuse,
    /// The profile read back from its binding.
    ReadBack,
    /// Nothing besides the statuses: the fresh result and the statuses' agreement only.
    StatusesOnly,
}

thread_local! {
    static SCRATCH: RefCell<(Cache, Statuses)> =
        RefCell::new((Cache::new(), Statuses::new()));
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(choice) = Choice::arbitrary(&mut u) else {
        return;
    };
    let pool = &*common::POOL;
    let pooled = &pool[usize::from(choice.guide) % pool.len()];
    let guide = &pooled.guide;
    let pick = |i: Option<u8>| i.map(|i| &pooled.filters[usize::from(i) % pooled.filters.len()]);
    let filter = pick(choice.filter);
    let family = guide
        .prepare(&common::profile(pooled, &mut u))
        .expect("a profile that fits");
    let fresh = evaluate(&family, filter);
    SCRATCH.with_borrow_mut(|(cache, statuses)| {
        family.statuses_with(cache, statuses);
        assert_eq!(
            statuses.scope(),
            fresh.scope().status(),
            "{}: scope",
            pooled.name
        );
        for (index, rule) in guide.recommendations().enumerate() {
            if let Some(result) = fresh.rule(rule.id()) {
                assert_eq!(
                    statuses.recommendation(index),
                    Some(result.status()),
                    "{}",
                    rule.id()
                );
            }
        }
        for (index, rule) in guide.principles().enumerate() {
            if let Some(result) = fresh.rule(rule.id()) {
                assert_eq!(
                    statuses.principle(index),
                    Some(result.status()),
                    "{}",
                    rule.id()
                );
            }
        }
        match choice.check {
            Check::Reuse => {
                let earlier = guide
                    .prepare(&common::profile(pooled, &mut u))
                    .expect("fits");
                let mut reused = evaluate(&earlier, pick(choice.earlier_filter));
                if choice.own_cache {
                    family.evaluate_into_with(cache, filter, &mut reused);
                } else if let Some(filter) = filter {
                    family.evaluate_filtered_into(filter, &mut reused);
                } else {
                    family.evaluate_into(&mut reused);
                }
                assert_eq!(reused, fresh, "{}: into an earlier result", pooled.name);
            }
            Check::ReadBack => {
                let again = guide
                    .prepare(&family.to_profile())
                    .expect("a bound profile rebinds");
                assert_eq!(
                    evaluate(&again, filter),
                    fresh,
                    "{}: read back",
                    pooled.name
                );
            }
            Check::StatusesOnly => {}
        }
    });
});

fn evaluate(family: &PreparedProfile<'_>, filter: Option<&Filter>) -> practice_guide::Evaluation {
    match filter {
        Some(filter) => family.evaluate_filtered(filter),
        None => family.evaluate(),
    }
}
