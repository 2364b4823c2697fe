//! Coverage's reachability and the mutants' verdicts against brute force: on random small
//! guides, every profile the guide can be given is evaluated, and
//! - every outcome coverage counts as possible (a status, a test result, a side of a
//!   threshold's boundary) is reached by some profile, and every one it lists as unreachable by
//!   none;
//! - every mutant guide evaluates as its own condition trees say (the rebuild is faithful), a
//!   mutant is proven equivalent exactly when no profile's statuses change, and the family
//!   given for a surviving one is a profile whose statuses change.

// A test fails by panicking.
#![allow(clippy::expect_used, clippy::panic)]

use practice_guide_testkit::{self as testkit, Seeded};

use super::CaseReport;
use super::coverage::{Coverage, Seen};
use super::mutants::make;
use crate::analysis::differ::{self, Difference};
use crate::model::guide::Guide;
use crate::model::truth::Truth;
use crate::oracle::Tree;
use crate::profile::FamilyProfile;
use crate::result::{Status, TestResult};
use crate::testing::family;

const GUIDES: u64 = 150;
const MAX_PROFILES: usize = 2_000;

/// The random guides small enough to enumerate, with every profile of each.
fn guides() -> impl Iterator<Item = (u64, Guide, Vec<FamilyProfile>)> {
    (0..GUIDES).filter_map(|seed| {
        let generated = testkit::guide(&mut Seeded::new(seed));
        let guide = Guide::from_files(generated.files.clone()).ok()?;
        let profiles = generated.profiles();
        (profiles.len() <= MAX_PROFILES)
            .then(|| (seed, guide, profiles.iter().map(|p| family(p)).collect()))
    })
}

/// Every profile as a case that passed: what it saw.
fn seen_by_all(guide: &Guide, profiles: &[FamilyProfile]) -> Vec<CaseReport> {
    profiles
        .iter()
        .map(|p| {
            let prepared = guide.prepare(p).expect("a generated profile fits");
            let evaluation = prepared.evaluate();
            CaseReport {
                file: String::new(),
                description: None,
                mismatches: Vec::new(),
                asserted: Vec::new(),
                seen: Seen::of(&prepared, &evaluation),
            }
        })
        .collect()
}

#[test]
fn coverage_counts_as_possible_exactly_what_some_profile_reaches() {
    let (mut checked, mut unreachable, mut sides) = (0, 0, 0);
    for (seed, guide, profiles) in guides() {
        let reports = seen_by_all(&guide, &profiles);
        let coverage = Coverage::of_cases(&guide, &reports);
        for item in &coverage.items {
            assert_eq!(item.reached, item.possible, "seed {seed}: {}", item.item);
            unreachable += item.unreachable.len();
        }
        for test in &coverage.tests {
            let mut possible = test.possible.clone();
            possible.sort_by_key(|r| {
                [TestResult::True, TestResult::False, TestResult::Unknown]
                    .iter()
                    .position(|x| x == r)
            });
            assert_eq!(test.reached, possible, "seed {seed}: {}", test.test);
            unreachable += test.unreachable.len();
        }
        for (b, boundary) in coverage.boundaries.iter().enumerate() {
            for side in &boundary.sides {
                // Reached by some profile exactly when not listed as unreachable.
                let site = guide
                    .sites()
                    .position(|s| s.text.as_ref() == boundary.test && s.at == boundary.position);
                let site = site.expect("the boundary's site");
                let by_some = reports
                    .iter()
                    .any(|r| r.seen.values.get(site).copied().flatten() == Some(side.value));
                assert_eq!(
                    by_some,
                    side.unreachable.is_none(),
                    "seed {seed}: boundary {b} `{}` at {}: {:?}",
                    boundary.test,
                    side.value,
                    side.unreachable
                );
                sides += 1;
            }
        }
        checked += 1;
    }
    assert!(checked > GUIDES as usize / 2, "only {checked} guides");
    // Not vacuous: some outcomes were unreachable, and some boundaries checked.
    assert!(
        unreachable > 0 && sides > 0,
        "{unreachable} unreachable, {sides} sides"
    );
}

/// The status of the scope, then of every rule followed by its actions, under each profile:
/// from the guide's evaluation.
fn statuses(guide: &Guide, profiles: &[FamilyProfile]) -> Vec<Vec<Status>> {
    profiles
        .iter()
        .map(|p| {
            let evaluation = guide.evaluate(p).expect("a generated profile fits");
            let mut out = vec![evaluation.scope().status()];
            // In guide order (results are ordered by status and evidence).
            let core = &guide.core;
            for rule in core.recommendations.iter().chain(&core.principles) {
                let result = evaluation
                    .rules()
                    .find(|r| r.id() == rule.id && r.kind() == rule.kind)
                    .expect("every rule has a result");
                out.push(result.status());
                for action in result.rule().actions() {
                    let shown = result.actions().find(|a| a.id() == action.id());
                    out.push(shown.map_or(Status::DoesNotApply, |a| a.status()));
                }
            }
            out
        })
        .collect()
}

/// The same statuses from the guide's condition trees (the oracle's recursion).
fn tree_statuses(guide: &Guide, profiles: &[FamilyProfile]) -> Vec<Vec<Status>> {
    let status = |t: Truth| match t {
        Truth::True => Status::Applies,
        Truth::False => Status::DoesNotApply,
        Truth::Unknown => Status::Undetermined,
    };
    let core = &guide.core;
    profiles
        .iter()
        .map(|p| {
            let prepared = guide.prepare(p).expect("fits");
            let slots = prepared.slots();
            let truth = |c: Option<&crate::model::condition::Condition>| {
                c.map_or(Truth::True, |c| c.truth(slots))
            };
            let scope = truth(core.scope.as_ref().map(|s| &s.condition));
            let mut out = vec![status(scope)];
            for rule in core.recommendations.iter().chain(&core.principles) {
                let rule_t = scope.and(truth(rule.condition.as_ref()));
                out.push(status(rule_t));
                for action in &rule.actions {
                    out.push(status(rule_t.and(truth(action.condition.as_ref()))));
                }
            }
            out
        })
        .collect()
}

#[test]
fn every_mutant_evaluates_as_its_trees_and_equivalence_agrees_with_brute_force() {
    let (mut mutants, mut equivalent, mut differing) = (0, 0, 0);
    for (seed, guide, profiles) in guides().take(60) {
        let original = statuses(&guide, &profiles);
        for mutation in make::mutations(&guide) {
            let mutant = make::mutant(&guide, &mutation);
            let changed = statuses(&mutant, &profiles);
            let context = format!("seed {seed}: {}", mutation.change);
            assert_eq!(changed, tree_statuses(&mutant, &profiles), "{context}");
            if let make::Edit::Evidence(_) = mutation.edit {
                continue;
            }
            let differs = original != changed;
            match differ::difference(&guide, &mutant) {
                Difference::Same => {
                    assert!(
                        !differs,
                        "{context}: proven equivalent, yet a status changes"
                    );
                    equivalent += 1;
                }
                Difference::Differs(family, _) => {
                    assert!(differs, "{context}: said to differ, yet no status changes");
                    let one = std::slice::from_ref(&family);
                    assert_ne!(statuses(&guide, one), statuses(&mutant, one), "{context}");
                    differing += 1;
                }
                Difference::TooLarge => panic!("{context}: a small guide is too large"),
            }
            mutants += 1;
        }
    }
    assert!(
        equivalent > 0 && differing > 0,
        "{equivalent} equivalent, {differing} differing"
    );
    assert!(mutants > 500, "only {mutants} mutants");
}
