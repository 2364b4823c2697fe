//! The analysis against brute force: on random small guides, every verdict and every witness is
//! checked against the evaluation of every profile the guide can be given (each fact unknown or
//! any of its values), and the explaining evaluation against the statuses path.

use std::collections::BTreeMap;

use practice_guide_testkit::{self as testkit, Seeded};

use super::{Analysis, Check};
use crate::error::Item;
use crate::model::condition::{Condition, Test};
use crate::model::guide::Guide;
use crate::model::truth::Truth;
use crate::oracle::Tree;
use crate::profile::FamilyProfile;
use crate::result::Status;
use crate::testing::family;

/// How many random guides each run checks.
const GUIDES: u64 = 250;
/// Guides with more profiles than this are skipped (to keep the run short); few are.
const MAX_PROFILES: usize = 3_000;

/// What every profile of a guide gives one rule or "how" point.
#[derive(Default)]
struct Outcomes {
    /// Its status under each profile, in enumeration order.
    statuses: Vec<Status>,
    /// Its own condition's truth under each profile (true without a condition).
    own: Vec<Truth>,
    /// The fewest facts known under which it gets each status.
    fewest: BTreeMap<Status, usize>,
}

impl Outcomes {
    fn seen(&mut self, status: Status, own: Truth, known: usize) {
        self.statuses.push(status);
        self.own.push(own);
        let fewest = self.fewest.entry(status).or_insert(known);
        *fewest = (*fewest).min(known);
    }
}

/// Every rule's and action's outcomes, by item, in guide order; and the scope's statuses.
fn outcomes(guide: &Guide, profiles: &[FamilyProfile]) -> (Vec<(Item, Outcomes)>, Vec<Status>) {
    let core = &guide.core;
    let rules: Vec<_> = core
        .recommendations
        .iter()
        .chain(&core.principles)
        .collect();
    let mut all: Vec<(Item, Outcomes)> = Vec::new();
    for rule in &rules {
        all.push((super::findings::rule_item(rule), Outcomes::default()));
        for action in &rule.actions {
            let item = Item::Action {
                rule: rule.id.clone(),
                id: action.id.clone(),
            };
            all.push((item, Outcomes::default()));
        }
    }
    let mut scope = Vec::new();
    for profile in profiles {
        let prepared = guide
            .prepare(profile)
            .expect("a generated profile fits its guide");
        let evaluation = prepared.evaluate();
        let statuses = prepared.statuses();
        scope.push(evaluation.scope().status());
        let truth = |c: Option<&Condition>| c.map_or(Truth::True, |c| c.truth(prepared.slots()));
        let mut slot = all.iter_mut();
        for (index, rule) in rules.iter().enumerate() {
            let result = evaluation.rule(&rule.id).expect("every rule has a result");
            // The statuses path agrees with the explaining evaluation.
            let fast = match rule.kind {
                crate::model::rule::RuleKind::Recommendation => statuses.recommendation(index),
                crate::model::rule::RuleKind::Principle => {
                    statuses.principle(index - core.recommendations.len())
                }
            };
            assert_eq!(
                fast,
                Some(result.status()),
                "statuses path, rule {}",
                rule.id
            );
            if let Some((_, o)) = slot.next() {
                o.seen(
                    result.status(),
                    truth(rule.condition.as_ref()),
                    profile.len(),
                );
            }
            for action in &rule.actions {
                let shown = result.actions().find(|a| a.id() == action.id);
                let status = shown.map_or(Status::DoesNotApply, |a| a.status());
                if let Some((_, o)) = slot.next() {
                    o.seen(status, truth(action.condition.as_ref()), profile.len());
                }
            }
        }
    }
    (all, scope)
}

fn has(analysis: &Analysis, check: Check, item: &Item) -> bool {
    analysis
        .findings
        .iter()
        .any(|f| f.check == check && f.item.as_ref() == Some(item))
}

/// The rule an action belongs to, as an item, if `item` is an action.
fn rule_of(item: &Item, all: &[(Item, Outcomes)]) -> Option<usize> {
    let Item::Action { rule, .. } = item else {
        return None;
    };
    all.iter().position(|(i, _)| match i {
        Item::Recommendation(id) | Item::Principle(id) => id == rule,
        _ => false,
    })
}

/// The verdicts about rules and actions: never applies, applies everywhere it can, equivalent.
fn check_verdicts(guide: &Guide, analysis: &Analysis, all: &[(Item, Outcomes)], scope: &[Status]) {
    let everywhere: Vec<bool> = all
        .iter()
        .map(|(item, o)| everywhere(item, o, all, scope))
        .collect();
    for (index, (item, o)) in all.iter().enumerate() {
        let applies = o.statuses.contains(&Status::Applies);
        let never = [Check::RuleNeverApplies, Check::ActionNeverApplies]
            .into_iter()
            .any(|c| has(analysis, c, item));
        assert_eq!(never, !applies, "never applies: {item}");
        let said = [Check::AppliesToEveryFamily, Check::ActionWhenSaysNothing]
            .into_iter()
            .any(|c| has(analysis, c, item));
        // Only a written `when:` is reported.
        let written = written_condition(guide, item);
        assert_eq!(
            said,
            everywhere[index] && written,
            "says nothing / applies to every family: {item}"
        );
        // Rules and actions that hold everywhere they can are reported once, as such.
        let compared = |i: usize, item: &Item| written_condition(guide, item) && !everywhere[i];
        let equivalent = compared(index, item)
            && all.iter().enumerate().take(index).any(|(i, (other, p))| {
                rule_of(other, all) == rule_of(item, all) && compared(i, other) && p.own == o.own
            });
        assert_eq!(
            has(analysis, Check::EquivalentConditions, item),
            equivalent,
            "equivalent conditions: {item}"
        );
    }
}

/// Whether the rule (or action) applies wherever the scope (or its rule) does, and somewhere.
fn everywhere(item: &Item, o: &Outcomes, all: &[(Item, Outcomes)], scope: &[Status]) -> bool {
    let context: Vec<bool> = match rule_of(item, all) {
        Some(rule) => all[rule]
            .1
            .statuses
            .iter()
            .map(|s| *s == Status::Applies)
            .collect(),
        None => scope.iter().map(|s| *s == Status::Applies).collect(),
    };
    o.statuses.contains(&Status::Applies)
        && context
            .iter()
            .zip(&o.statuses)
            .all(|(c, s)| !c || *s == Status::Applies)
}

/// Whether the rule or action has a `when:`.
fn written_condition(guide: &Guide, item: &Item) -> bool {
    let core = &guide.core;
    let rules = || core.recommendations.iter().chain(&core.principles);
    match item {
        Item::Recommendation(id) | Item::Principle(id) => {
            rules().any(|r| &r.id == id && r.condition.is_some())
        }
        Item::Action { rule, id } => rules()
            .filter(|r| &r.id == rule)
            .flat_map(|r| &r.actions)
            .any(|a| &a.id == id && a.condition.is_some()),
        _ => false,
    }
}

/// Every witness gets the status it claims, with the fewest facts any profile needs for it.
fn check_witnesses(guide: &Guide, analysis: &Analysis, all: &[(Item, Outcomes)]) {
    assert_eq!(analysis.witnesses.len(), all.len());
    for (witnesses, (item, o)) in analysis.witnesses.iter().zip(all) {
        assert_eq!(&witnesses.item, item);
        for (witness, status) in [
            (&witnesses.applies, Status::Applies),
            (&witnesses.does_not_apply, Status::DoesNotApply),
        ] {
            assert_eq!(
                witness.is_some(),
                o.fewest.contains_key(&status),
                "{item} {status:?}"
            );
            let Some(witness) = witness else { continue };
            assert_eq!(
                Some(&witness.len()),
                o.fewest.get(&status),
                "smallest: {item}"
            );
            let (outcomes, _) = outcomes(guide, std::slice::from_ref(witness));
            let got = outcomes
                .iter()
                .find(|(i, _)| i == item)
                .and_then(|(_, o)| o.statuses.first().copied());
            assert_eq!(got, Some(status), "witness of {item}: {witness:?}");
        }
    }
}

/// Tests that no value makes true, or none false.
fn check_tests(guide: &Guide, analysis: &Analysis, generated: &testkit::Generated) {
    for site in guide.sites() {
        let test = guide.test_of(site);
        if let Test::Known(_) = test {
            continue;
        }
        let fact = guide.vocab().fact(site.fact).expect("a declared fact");
        let spec = generated
            .facts
            .iter()
            .find(|f| f.name == fact.name)
            .expect("a generated fact");
        let results: Vec<Truth> = spec
            .values()
            .iter()
            .map(|v| {
                let value = family(&[(fact.name.clone(), v.clone())]);
                let slot = fact
                    .slot(value.get(&fact.name).expect("set"))
                    .expect("valid");
                test.truth(&slot)
            })
            .collect();
        let found = |check: Check| {
            analysis
                .findings
                .iter()
                .any(|f| f.check == check && f.file == Some(site.file) && f.position == site.at)
        };
        let never_true = !results.contains(&Truth::True);
        let never_false = !never_true && !results.contains(&Truth::False);
        assert_eq!(
            found(Check::TestNeverTrue),
            never_true,
            "never true: {}",
            site.text
        );
        assert_eq!(
            found(Check::TestNeverFalse),
            never_false,
            "never false: {}",
            site.text
        );
    }
}

#[test]
fn every_verdict_and_witness_agrees_with_brute_force_on_random_guides() {
    let mut checked = 0;
    let mut exercised = std::collections::BTreeSet::new();
    for seed in 0..GUIDES {
        let generated = testkit::guide(&mut Seeded::new(seed));
        let guide = Guide::from_files(generated.files.clone()).unwrap_or_else(|e| {
            panic!(
                "seed {seed}: a generated guide loads:\n{e}\n{:#?}",
                generated.files
            )
        });
        let profiles = generated.profiles();
        if profiles.len() > MAX_PROFILES {
            continue;
        }
        let profiles: Vec<FamilyProfile> = profiles.iter().map(|p| family(p)).collect();
        let analysis = guide.analyze();
        let (all, scope) = outcomes(&guide, &profiles);
        let context = format!("seed {seed}:\n{:#?}", generated.files);
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check_verdicts(&guide, &analysis, &all, &scope);
            check_witnesses(&guide, &analysis, &all);
            check_tests(&guide, &analysis, &generated);
        }));
        if let Err(panic) = run {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("{message}\n{context}\nfindings: {:#?}", analysis.findings);
        }
        checked += 1;
        exercised.extend(analysis.findings.iter().map(|f| f.check.code()));
    }
    assert!(
        checked > GUIDES * 3 / 4,
        "only {checked} guides were small enough"
    );
    // Not vacuous: each verdict was reached, and so checked both ways.
    for check in [
        Check::RuleNeverApplies,
        Check::ActionNeverApplies,
        Check::ActionWhenSaysNothing,
        Check::TestNeverTrue,
        Check::TestNeverFalse,
        Check::EquivalentConditions,
        Check::AppliesToEveryFamily,
    ] {
        assert!(
            exercised.contains(check.code()),
            "{} never found",
            check.code()
        );
    }
}

/// An item's status in an evaluation: a rule's, or an action's (`RULE#ACTION`; not shown: does
/// not apply).
fn status_in(e: &crate::result::Evaluation, id: &str) -> Status {
    let (rule, action) = match crate::ids::ActionName::parse(id) {
        Some(name) => (name.rule, Some(name.action)),
        None => (id, None),
    };
    let result = e.rule(rule).expect("a result");
    match action {
        None => result.status(),
        Some(a) => result
            .actions()
            .find(|x| x.id() == a)
            .map_or(Status::DoesNotApply, |x| x.status()),
    }
}

/// `profile` with `change` made: each value of an integer range tried by `each`.
fn changed(
    profile: &FamilyProfile,
    change: &[crate::result::FactChange<'_>],
    pick_high: bool,
) -> FamilyProfile {
    let mut out = profile.clone();
    for c in change {
        let value = match c.value() {
            crate::result::ChangedValue::Between { from, to } => {
                crate::profile::FactValue::Integer(if pick_high { *to } else { *from })
            }
            crate::result::ChangedValue::Value(v) => v.clone(),
            // The generator's one text that no test names.
            crate::result::ChangedValue::OtherText { .. } => {
                crate::profile::FactValue::Text("zz-other".to_owned())
            }
        };
        out.set(c.fact().to_owned(), value);
    }
    out
}

/// How far `q` is from `p`: the facts it changes (to a known value), then the values it touches
/// (members added or removed for a set, and one for becoming known; one for any other fact).
fn distance(p: &FamilyProfile, q: &FamilyProfile) -> Option<(usize, usize)> {
    use crate::profile::FactValue::List;
    let mut facts = 0;
    let mut values = 0;
    for (fact, value) in q.iter() {
        let before = p.get(fact);
        if before == Some(value) {
            continue;
        }
        facts += 1;
        values += match (before, value) {
            (Some(List(a)), List(b)) => {
                a.iter().filter(|x| !b.contains(x)).count()
                    + b.iter().filter(|x| !a.contains(x)).count()
            }
            (None, List(b)) => b.len() + 1,
            _ => 1,
        };
    }
    // Made unknown: not a change the analysis proposes.
    p.iter()
        .all(|(f, _)| q.get(f).is_some())
        .then_some((facts, values))
}

/// Every one of `smallest` (the profiles a least change reaches) is among `alternatives`.
fn every_smallest_listed<'q>(
    smallest: impl Iterator<Item = &'q FamilyProfile>,
    alternatives: &[Vec<crate::result::FactChange<'_>>],
    seed: u64,
    id: &str,
) {
    use crate::profile::FactValue;
    use crate::result::ChangedValue;
    for q in smallest {
        let found = alternatives.iter().any(|a| {
            a.iter().all(|c| match (c.value(), q.get(c.fact())) {
                (ChangedValue::Between { from, to }, Some(FactValue::Integer(i))) => {
                    from <= i && i <= to
                }
                (ChangedValue::Value(v), Some(w)) => v == w,
                (ChangedValue::OtherText { except }, Some(FactValue::Text(t))) => {
                    !except.contains(t)
                }
                _ => false,
            })
        });
        assert!(
            found,
            "seed {seed} {id}: {q:?} is not among {alternatives:?}"
        );
    }
}

#[test]
fn every_change_makes_its_item_apply_and_none_smaller_does() {
    let mut checked = 0;
    for seed in 0..150 {
        let generated = testkit::guide(&mut Seeded::new(seed));
        let guide = Guide::from_files(generated.files.clone()).expect("loads");
        let all: Vec<FamilyProfile> = generated.profiles().iter().map(|p| family(p)).collect();
        if all.len() > 1_500 {
            continue;
        }
        let counterfactuals = guide.counterfactuals();
        let evaluations: Vec<_> = all
            .iter()
            .map(|p| guide.evaluate(p).expect("fits"))
            .collect();
        for p in all.iter().step_by(11) {
            let prepared = guide.prepare(p).expect("fits");
            let with_changes = counterfactuals.evaluate(&prepared);
            for change in with_changes.changes() {
                let id = change.id().to_string();
                let alternatives: Vec<Vec<_>> =
                    change.alternatives().map(Iterator::collect).collect();
                let applying: Vec<((usize, usize), &FamilyProfile)> = all
                    .iter()
                    .zip(&evaluations)
                    .filter(|(_, q)| status_in(q, &id) == Status::Applies)
                    .filter_map(|(q, _)| Some((distance(p, q)?, q)))
                    .collect();
                let least = applying.iter().map(|(d, _)| *d).min();
                assert_eq!(change.never(), least.is_none(), "seed {seed} {}: never", id);
                for alternative in &alternatives {
                    assert_eq!(
                        Some(alternative.len()),
                        least.map(|l| l.0),
                        "seed {seed} {}: size",
                        id
                    );
                    for high in [false, true] {
                        let q = changed(p, alternative, high);
                        assert_eq!(
                            distance(p, &q),
                            least,
                            "seed {seed} {}: {q:?} is not least",
                            id
                        );
                        let status = status_in(&guide.evaluate(&q).expect("fits"), &id);
                        assert_eq!(status, Status::Applies, "seed {seed} {}: {q:?}", id);
                    }
                }
                if !change.more() {
                    let least = applying.iter().filter(|(d, _)| Some(*d) == least);
                    every_smallest_listed(least.map(|(_, q)| *q), &alternatives, seed, &id);
                }
            }
        }
        checked += 1;
    }
    assert!(checked > 75, "only {checked}");
}

/// The counterfactuals as first written, kept as the reference the fast path must equal: the
/// rings of profiles `k` facts (and `k` values) away built over every fact of the space, for
/// each profile.
mod reference {
    use biodivine_lib_bdd::Bdd;

    use crate::analysis::space::Space;
    use crate::eval::PreparedProfile;
    use crate::ids::{ActionRef, FactId, ResultRef};
    use crate::model::guide::Guide;
    use crate::result::{ChangeData, MAX_ALTERNATIVES};

    /// What would change each result of `profile` that does not apply, over the whole space.
    pub(super) fn changes(guide: &Guide, profile: &PreparedProfile<'_>) -> Vec<ChangeData> {
        let Some(space) = Space::new(guide) else {
            return Vec::new();
        };
        let evaluation = profile.evaluate();
        let slots = profile.slots();
        let facts = || (0..space.fact_count()).map(FactId::new);
        let same: Vec<Bdd> = facts().map(|f| space.equals(f, slots.get(f))).collect();
        let changed: Vec<Bdd> = facts()
            .zip(&same)
            .map(|(f, s)| space.known(f).and_not(s))
            .collect();
        let costs: Vec<Bdd> = facts()
            .zip(&changed)
            .flat_map(|(f, c)| space.change_costs(f, slots.get(f), c))
            .collect();
        let pairs: Vec<(Bdd, Bdd)> = same.iter().cloned().zip(changed.iter().cloned()).collect();
        let toggles: Vec<(Bdd, Bdd)> = costs.iter().map(|c| (c.not(), c.clone())).collect();
        let by_facts = counts(&space, &pairs);
        let by_values = counts(&space, &toggles);
        let not_applying = super::super::changes::not_applying(&evaluation);
        items(guide, &space)
            .into_iter()
            .filter(|(item, _)| not_applying.binary_search(item).is_ok())
            .map(|(item, applies)| {
                smallest(&space, (item, &applies), &changed, (&by_facts, &by_values))
            })
            .collect()
    }

    /// Every rule and action, in guide order, with the set of profiles it applies to.
    fn items(guide: &Guide, space: &Space) -> Vec<(ResultRef, Bdd)> {
        let core = &guide.core;
        let in_scope = core
            .scope
            .as_ref()
            .map_or_else(|| space.mk_true(), |s| space.truths(&s.condition).t);
        let truth = |c: Option<&crate::model::condition::Condition>| {
            c.map_or_else(|| space.mk_true(), |c| space.truths(c).t)
        };
        let mut items = Vec::new();
        for (id, rule) in core.rules() {
            let applies = in_scope.and(&truth(rule.condition.as_ref()));
            for (i, action) in rule.actions.iter().enumerate() {
                let applies = applies.and(&truth(action.condition.as_ref()));
                items.push((ResultRef::Action(ActionRef::new(id, i)), applies));
            }
            items.push((ResultRef::Rule(id), applies));
        }
        items
    }

    fn counts(space: &Space, indicators: &[(Bdd, Bdd)]) -> Vec<Bdd> {
        let mut exactly = vec![space.mk_true()];
        for (off, on) in indicators {
            let mut next = vec![space.mk_false(); exactly.len() + 1];
            for (k, set) in exactly.iter().enumerate() {
                next[k] = next[k].or(&set.and(off));
                next[k + 1] = next[k + 1].or(&set.and(on));
            }
            exactly = next;
        }
        exactly
    }

    fn smallest(
        space: &Space,
        (item, applies): (ResultRef, &Bdd),
        changed: &[Bdd],
        (by_facts, by_values): (&[Bdd], &[Bdd]),
    ) -> ChangeData {
        let target = applies.and(space.domain());
        let mut change = ChangeData {
            item,
            never: target.is_false(),
            alternatives: Vec::new(),
            more: false,
        };
        if change.never {
            return change;
        }
        let Some(fewest_facts) = by_facts
            .iter()
            .map(|set| target.and(set))
            .find(|set| !set.is_false())
        else {
            change.never = true;
            return change;
        };
        let mut left = by_values
            .iter()
            .map(|set| fewest_facts.and(set))
            .find(|set| !set.is_false())
            .unwrap_or(fewest_facts);
        while let Some(valuation) = left.sat_witness() {
            if change.alternatives.len() == MAX_ALTERNATIVES {
                change.more = true;
                break;
            }
            let mut alternative = Vec::new();
            let mut this = space.mk_true();
            for (f, c) in changed.iter().enumerate() {
                let f = FactId::new(f);
                if !c.eval_in(&valuation) {
                    continue;
                }
                let Some(value) = space.changed_value(f, &valuation) else {
                    continue;
                };
                this = this.and(&space.same_class(f, &valuation));
                alternative.push((f, value));
            }
            change.alternatives.push(alternative);
            left = left.and_not(&this);
        }
        change
    }
}

#[test]
fn the_changes_equal_the_whole_space_reference_on_random_guides() {
    let mut compared = 0;
    for seed in 0..GUIDES {
        let generated = testkit::guide(&mut Seeded::new(seed));
        let guide = Guide::from_files(generated.files.clone()).expect("loads");
        let counterfactuals = guide.counterfactuals();
        for p in generated.profiles().iter().step_by(7).take(40) {
            let prepared = guide.prepare(&family(p)).expect("fits");
            let fast = counterfactuals.evaluate(&prepared).data.changes;
            assert_eq!(
                fast,
                reference::changes(&guide, &prepared),
                "seed {seed}: {p:?}"
            );
            compared += usize::from(!fast.is_empty());
        }
    }
    assert!(compared > 1_000, "only {compared} profiles with changes");
}

#[test]
fn the_changes_equal_the_whole_space_reference_on_the_embedded_guide() {
    use crate::model::vocabulary::FactType;
    use testkit::Source;
    let guide = crate::embedded::parenting_through_adversity();
    let counterfactuals = guide.counterfactuals();
    let mut rng = Seeded::new(7);
    let (mut compared, mut with_changes) = (0, 0);
    while compared < 8 {
        let mut profile = FamilyProfile::new();
        for fact in guide.vocab().facts() {
            if rng.below(4) == 0 {
                continue;
            }
            let name = fact.name.clone();
            match &fact.fact_type {
                FactType::Boolean => profile.set(name, rng.below(2) == 0),
                FactType::Integer { min, max } => {
                    let span = usize::try_from(max - min + 1).unwrap_or(usize::MAX);
                    let offset = i64::try_from(rng.below(span)).unwrap_or(0);
                    profile.set(name, min + offset)
                }
                FactType::OneOf(values) => {
                    let names: Vec<&str> = values.names().collect();
                    profile.set(name, names[rng.below(names.len())])
                }
                FactType::SetOf(values) => {
                    let chosen: Vec<&str> = values.names().filter(|_| rng.below(3) == 0).collect();
                    profile.set(name, chosen)
                }
                FactType::Text { .. } => &mut profile,
            };
        }
        let Ok(prepared) = guide.prepare(&profile) else {
            continue;
        };
        let fast = counterfactuals.evaluate(&prepared).data.changes;
        assert_eq!(fast, reference::changes(guide, &prepared), "{profile:?}");
        compared += 1;
        with_changes += usize::from(!fast.is_empty());
    }
    assert!(
        with_changes > 3,
        "only {with_changes} profiles with changes"
    );
}

#[test]
fn the_sample_families_changes_equal_the_reference_with_or_without_a_deadline() {
    let guide = crate::embedded::parenting_through_adversity();
    let counterfactuals = guide.counterfactuals();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/profiles");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("the sample families")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    assert!(paths.len() >= 7, "{paths:?}");
    let filter = guide
        .filter(&crate::eval::EvaluationOptions::new())
        .expect("no options fit");
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("readable");
        let name = path.display().to_string();
        let prepared = if name.ends_with(".json") {
            guide.read_profile_json(&name, &text)
        } else {
            guide.read_profile(&name, &text)
        }
        .expect("fits");
        let fast = counterfactuals.evaluate(&prepared);
        assert_eq!(
            fast.data.changes,
            reference::changes(guide, &prepared),
            "{name}"
        );
        let later = std::time::Instant::now() + std::time::Duration::from_secs(600);
        let bounded = counterfactuals.evaluate_filtered_before(&prepared, &filter, later);
        assert_eq!(bounded.as_ref().ok(), Some(&fast), "{name}");
    }
}
