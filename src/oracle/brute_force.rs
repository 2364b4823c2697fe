//! What an evaluation says is open, against brute force: on random small guides and every
//! profile they can be given, each residual decides exactly as the evaluation of every
//! completion of the profile does, each deciding value does what it says, and a question
//! settles exactly the results some answer to it decides.

use std::collections::BTreeMap;

use practice_guide_testkit::{self as testkit, Seeded};

use super::Tree;
use crate::model::condition::{Condition, Leaf};
use crate::model::guide::Guide;
use crate::model::truth::Truth;
use crate::model::value::Slots;
use crate::profile::FamilyProfile;
use crate::result::{Deciding, Evaluation, Residual, SeenValue, Status};
use crate::testing::family;

const GUIDES: u64 = 120;
const MAX_PROFILES: usize = 1_500;

/// Every rule's and action's status in an evaluation (`RULE`, `RULE#ACTION`); an action not
/// shown does not apply.
fn statuses(guide: &Guide, e: &Evaluation) -> BTreeMap<String, Status> {
    let mut out = BTreeMap::new();
    let core = &guide.core;
    for rule in core.recommendations.iter().chain(&core.principles) {
        let result = e.rule(&rule.id).expect("a result");
        out.insert(rule.id.clone(), result.status());
        for action in &rule.actions {
            let status = result
                .actions()
                .find(|a| a.id() == action.id)
                .map_or(Status::DoesNotApply, |a| a.status());
            out.insert(name(&rule.id, &action.id), status);
        }
    }
    out
}

fn name(rule: &str, action: &str) -> String {
    crate::ids::ActionName { rule, action }.to_string()
}

/// Every test of the guide by the words a residual uses for it (as written, or negated).
fn tests_by_words(guide: &Guide) -> BTreeMap<String, (&Leaf, bool)> {
    fn walk<'g>(guide: &'g Guide, c: &'g Condition, out: &mut BTreeMap<String, (&'g Leaf, bool)>) {
        match c {
            Condition::All(items) | Condition::Any(items) => {
                items.iter().for_each(|i| walk(guide, i, out))
            }
            Condition::Not(inner) | Condition::Named(_, inner) => walk(guide, inner, out),
            Condition::Test(leaf) => {
                let site = guide.layers().site(leaf.site);
                out.insert(site.text.to_string(), (leaf, false));
                out.insert(site.negated_text.to_string(), (leaf, true));
            }
        }
    }
    let mut out = BTreeMap::new();
    let core = &guide.core;
    if let Some(scope) = &core.scope {
        walk(guide, &scope.condition, &mut out);
    }
    for rule in core.recommendations.iter().chain(&core.principles) {
        rule.condition.iter().for_each(|c| walk(guide, c, &mut out));
        for action in &rule.actions {
            action
                .condition
                .iter()
                .for_each(|c| walk(guide, c, &mut out));
        }
    }
    out
}

/// The rules and actions whose conditions (with the scope's, and the rule's) ask `known:`: a
/// residual keeps today's answer to `known:`, which filling in the fact changes, so only the
/// others' residuals are compared with the completions of the profile.
fn asking_known(guide: &Guide) -> std::collections::BTreeSet<String> {
    fn known(c: &Condition) -> bool {
        match c {
            Condition::All(items) | Condition::Any(items) => items.iter().any(known),
            Condition::Not(inner) | Condition::Named(_, inner) => known(inner),
            Condition::Test(leaf) => matches!(leaf.test, crate::model::condition::Test::Known(_)),
        }
    }
    let core = &guide.core;
    let scope = core.scope.as_ref().is_some_and(|s| known(&s.condition));
    let mut out = std::collections::BTreeSet::new();
    for rule in core.recommendations.iter().chain(&core.principles) {
        let rule_known = scope || rule.condition.as_ref().is_some_and(known);
        if rule_known {
            out.insert(rule.id.clone());
        }
        for action in &rule.actions {
            if rule_known || action.condition.as_ref().is_some_and(known) {
                out.insert(name(&rule.id, &action.id));
            }
        }
    }
    out
}

/// A residual's truth on a bound profile.
fn truth(residual: &Residual<'_>, slots: &Slots, tests: &BTreeMap<String, (&Leaf, bool)>) -> Truth {
    match residual {
        Residual::All(items) => items
            .iter()
            .fold(Truth::True, |t, r| t.min(truth(&r, slots, tests))),
        Residual::Any(items) => items
            .iter()
            .fold(Truth::False, |t, r| t.max(truth(&r, slots, tests))),
        Residual::Test(test) => {
            let (leaf, negated) = tests.get(test.test()).expect("a test of the guide");
            let t = leaf.truth(slots);
            if *negated { t.negate() } else { t }
        }
    }
}

/// The residual and deciding values of every undetermined item, by id.
fn open(e: &Evaluation) -> OpenItems<'_> {
    let mut out = BTreeMap::new();
    for rule in e.rules() {
        if let Some(r) = rule.residual() {
            out.insert(rule.id().to_owned(), (r, rule.deciding().collect()));
        }
        for action in rule.actions() {
            if let Some(r) = action.residual() {
                out.insert(
                    name(rule.id(), action.id()),
                    (r, action.deciding().collect()),
                );
            }
        }
    }
    out
}

fn with(profile: &FamilyProfile, fact: &str, value: &SeenValue<'_>) -> FamilyProfile {
    profile.clone().with(fact, value.to_fact_value())
}

/// The status of every item once `fact` is answered `value` in `partial`.
fn answered(
    guide: &Guide,
    partial: &FamilyProfile,
    fact: &testkit::Fact,
    value: &testkit::Value,
) -> BTreeMap<String, Status> {
    let mut p = partial.clone();
    for (f, v) in family(&[(fact.name.clone(), value.clone())]).iter() {
        p.set(f, v.clone());
    }
    statuses(guide, &guide.evaluate(&p).expect("fits"))
}

/// Every residual, deciding value and question of `partial`, against `all` the profiles.
fn check(
    guide: &Guide,
    generated: &testkit::Generated,
    partial: &FamilyProfile,
    all: &[FamilyProfile],
) {
    let e = guide.evaluate(partial).expect("fits");
    let open = open(&e);
    // Each residual is open exactly for the undetermined items.
    for (id, status) in &statuses(guide, &e) {
        assert_eq!(
            open.contains_key(id),
            *status == Status::Undetermined,
            "{id}"
        );
    }
    check_residuals(guide, generated, partial, all, &open);
    check_deciding(guide, generated, partial, &open);
    for question in e.questions() {
        let fact = generated
            .facts
            .iter()
            .find(|f| f.name == question.fact().name())
            .expect("a fact");
        let decided: Vec<String> = open
            .keys()
            .filter(|id| {
                fact.values()
                    .iter()
                    .any(|v| answered(guide, partial, fact, v)[*id] != Status::Undetermined)
            })
            .cloned()
            .collect();
        let mut settles: Vec<String> = question.settles().map(|s| s.to_string()).collect();
        settles.sort();
        assert_eq!(settles, decided, "question {}", question.fact().name());
    }
}

type OpenItems<'e> = BTreeMap<String, (Residual<'e>, Vec<Deciding<'e>>)>;

/// Each residual decides every completion of `partial` as its evaluation does.
fn check_residuals(
    guide: &Guide,
    generated: &testkit::Generated,
    partial: &FamilyProfile,
    all: &[FamilyProfile],
    open: &OpenItems<'_>,
) {
    let tests = tests_by_words(guide);
    let completions = all.iter().filter(|c| {
        c.len() == generated.facts.len() && partial.iter().all(|(f, v)| c.get(f) == Some(v))
    });
    let skip = asking_known(guide);
    for complete in completions {
        let prepared = guide.prepare(complete).expect("fits");
        let now = statuses(guide, &prepared.evaluate());
        for (id, (residual, _)) in open.iter().filter(|(id, _)| !skip.contains(*id)) {
            let t = truth(residual, prepared.slots(), &tests);
            assert_eq!(
                Status::from_truth(t),
                now[id],
                "{id}: residual {} on {complete:?}",
                residual.words()
            );
        }
    }
}

/// Each deciding value does what it says, and where some answer to a missing fact makes an item
/// apply (or rules it out), such a value is listed.
fn check_deciding(
    guide: &Guide,
    generated: &testkit::Generated,
    partial: &FamilyProfile,
    open: &OpenItems<'_>,
) {
    for (id, (_, deciding)) in open {
        for d in deciding.iter() {
            for (values, expected) in [
                (d.applies_if().collect::<Vec<_>>(), Status::Applies),
                (d.not_if().collect(), Status::DoesNotApply),
            ] {
                for v in values {
                    let changed = guide.evaluate(&with(partial, d.fact(), &v)).expect("fits");
                    assert_eq!(
                        statuses(guide, &changed)[id],
                        expected,
                        "{id}: {} = {v:?}",
                        d.fact()
                    );
                }
            }
        }
        for spec in generated
            .facts
            .iter()
            .filter(|f| partial.get(&f.name).is_none())
        {
            let listed = deciding.iter().find(|d| d.fact() == spec.name);
            for (expected, listed) in [
                (
                    Status::Applies,
                    listed.is_some_and(|d| d.applies_if().next().is_some()),
                ),
                (
                    Status::DoesNotApply,
                    listed.is_some_and(|d| d.not_if().next().is_some()),
                ),
            ] {
                let exists = spec
                    .values()
                    .iter()
                    .any(|v| answered(guide, partial, spec, v)[id] == expected);
                assert_eq!(
                    listed, exists,
                    "{id}: a value of {} giving {expected:?}",
                    spec.name
                );
            }
        }
    }
}

#[test]
fn residuals_deciding_values_and_questions_agree_with_brute_force() {
    let mut checked = 0;
    for seed in 0..GUIDES {
        let generated = testkit::guide(&mut Seeded::new(seed));
        let guide = Guide::from_files(generated.files.clone()).expect("a generated guide loads");
        let all: Vec<FamilyProfile> = generated.profiles().iter().map(|p| family(p)).collect();
        if all.len() > MAX_PROFILES {
            continue;
        }
        // Every 13th profile as the partial one (all of them would take long).
        for partial in all.iter().step_by(13) {
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                check(&guide, &generated, partial, &all);
            }));
            if let Err(panic) = run {
                let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
                panic!(
                    "seed {seed}, {partial:?}: {message}\n{:#?}",
                    generated.files
                );
            }
        }
        checked += 1;
    }
    assert!(
        checked > GUIDES / 2,
        "only {checked} guides were small enough"
    );
}
