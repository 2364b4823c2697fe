//! What a suite asserts and reaches: for each rule and action of the guide, whether some case
//! names it where it applies and some where it does not (so that one added without a case cannot
//! pass unnoticed); and, over all the cases' profiles, which outcomes every rule, action and test
//! reached (a suite's coverage).

use super::{ActionRef, CaseReport, RuleExpectation, Unasserted};
use crate::error::{Item, Position};
use crate::eval::PreparedProfile;
use crate::model::condition::Test;
use crate::model::guide::Guide;
use crate::model::rule::{Rule, RuleKind};
use crate::model::truth::Truth;
use crate::result::{Evaluation, RuleResult, Status, TestResult};

/// What a suite's profiles made of a guide: for every recommendation, principle and action which
/// statuses some case reached, and for every test written in the rule files (once each, however
/// many conditions use it) which results. An outcome no case reached is a part of the guide the
/// suite does not exercise.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Coverage {
    /// Every rule and action, in guide order.
    pub items: Vec<ItemCoverage>,
    /// Every test, in the order the files write them.
    pub tests: Vec<TestCoverage>,
}

/// A rule or action, where it is written, and the statuses the cases reached.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ItemCoverage {
    /// The rule or action.
    pub item: Item,
    /// Its file, e.g. `recommendations.yaml`.
    pub file: String,
    /// Where its id is written.
    pub position: Option<Position>,
    /// The statuses it can have.
    pub possible: Vec<Status>,
    /// The statuses some case reached.
    pub reached: Vec<Status>,
}

/// A test as a rule file writes it, where, and the results the cases reached.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TestCoverage {
    /// The test in words, e.g. `service_level is one of family_help, edge_of_care`.
    pub test: String,
    /// The item whose condition writes it (a rule, action, named condition, service, the scope).
    pub item: Option<Item>,
    /// Its file.
    pub file: String,
    /// Where it is written.
    pub position: Option<Position>,
    /// The results it can have (a `known:` test is never unknown).
    pub possible: Vec<TestResult>,
    /// The results some case reached.
    pub reached: Vec<TestResult>,
}

impl Coverage {
    /// The outcomes reached, of those possible, over every item and test.
    pub fn counts(&self) -> (usize, usize) {
        let items = self
            .items
            .iter()
            .map(|i| (i.reached.len(), i.possible.len()));
        let tests = self
            .tests
            .iter()
            .map(|t| (t.reached.len(), t.possible.len()));
        items
            .chain(tests)
            .fold((0, 0), |(r, p), (reached, possible)| {
                (r + reached, p + possible)
            })
    }

    /// The share of possible outcomes some case reached, in percent.
    pub fn percent(&self) -> f64 {
        match self.counts() {
            (_, 0) => 100.0,
            (reached, possible) => reached as f64 * 100.0 / possible as f64,
        }
    }

    pub(super) fn of_cases(guide: &Guide, cases: &[CaseReport]) -> Coverage {
        let mut items: Vec<ItemCoverage> = Vec::new();
        for rule in rules(guide) {
            let file = rule_file(rule.kind);
            let conditional = rule.condition.is_some() || guide.core.scope.is_some();
            items.push(item_coverage(
                item(rule.kind, rule.id()),
                file,
                rule.at,
                conditional,
            ));
            for action in rule.actions() {
                let conditional = conditional || action.condition.is_some();
                let id = action_item(rule, action.id());
                items.push(item_coverage(id, file, action.at, conditional));
            }
        }
        for item in &mut items {
            let seen = cases.iter().flat_map(|c| &c.seen.items);
            item.reached = statuses(seen.filter(|(i, _)| *i == item.item).map(|(_, s)| *s));
        }
        let layers = guide.layers();
        let tests = layers
            .sites()
            .enumerate()
            .map(|(index, site)| {
                let truths = cases
                    .iter()
                    .filter_map(|c| c.seen.tests.get(index))
                    .copied();
                let mut possible = vec![TestResult::True, TestResult::False];
                if !matches!(layers.test(site.test).1, Test::Known(_)) {
                    possible.push(TestResult::Unknown);
                }
                TestCoverage {
                    test: site.text.to_string(),
                    item: site.item.clone(),
                    file: site.file.to_owned(),
                    position: site.at,
                    possible,
                    reached: results(truths),
                }
            })
            .collect();
        Coverage { items, tests }
    }
}

/// What one case's profile made of the guide.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Seen {
    items: Vec<(Item, Status)>,
    tests: Vec<Truth>,
}

impl Seen {
    pub(super) fn of(profile: &PreparedProfile<'_>, evaluation: &Evaluation) -> Seen {
        let mut items = Vec::new();
        for result in evaluation.rules() {
            items.push((item(result.kind(), result.id()), result.status()));
            let rule = result.rule();
            for action in rule.actions() {
                let shown = result.actions().find(|a| a.id() == action.id());
                let status = shown.map_or(Status::DoesNotApply, |a| a.status());
                items.push((action_item(rule, action.id()), status));
            }
        }
        Seen {
            items,
            tests: profile.test_truths(),
        }
    }
}

fn item_coverage(item: Item, file: &str, at: Option<Position>, conditional: bool) -> ItemCoverage {
    let possible = if conditional {
        vec![Status::Applies, Status::Undetermined, Status::DoesNotApply]
    } else {
        vec![Status::Applies]
    };
    ItemCoverage {
        item,
        file: file.to_owned(),
        position: at,
        possible,
        reached: Vec::new(),
    }
}

fn rule_file(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::Recommendation => "recommendations.yaml",
        RuleKind::Principle => "principles.yaml",
    }
}

/// The distinct statuses among `seen`, in `Status` order.
fn statuses(seen: impl Iterator<Item = Status>) -> Vec<Status> {
    let mut out: Vec<Status> = seen.collect();
    out.sort();
    out.dedup();
    out
}

/// The distinct results among `truths`, true, false, unknown.
fn results(truths: impl Iterator<Item = Truth>) -> Vec<TestResult> {
    let truths: Vec<Truth> = truths.collect();
    [Truth::True, Truth::False, Truth::Unknown]
        .into_iter()
        .filter(|t| truths.contains(t))
        .map(TestResult::from_truth)
        .collect()
}

/// What a case asserts by an expectation the guide met: the rule's status and, when the case
/// lists the rule's actions (exactly) or says the rule does not apply, each action's status
/// (`does_not_apply` for one not shown).
pub(super) fn asserted(
    guide: &Guide,
    expected: &RuleExpectation,
    result: &RuleResult<'_>,
) -> Vec<(Item, Status)> {
    let mut out = vec![(item(expected.kind, &expected.id), result.status())];
    let Some(rule) = rules(guide).find(|r| r.kind == expected.kind && r.id == expected.id) else {
        return out;
    };
    if expected.actions.is_some() || result.status() == Status::DoesNotApply {
        for action in rule.actions() {
            let shown = result.actions().find(|a| a.id() == action.id());
            let status = shown.map_or(Status::DoesNotApply, |a| a.status());
            out.push((action_item(rule, action.id()), status));
        }
    }
    out
}

/// Every rule and action of `guide` that the cases do not assert both ways, in guide order.
pub(super) fn unasserted(guide: &Guide, cases: &[CaseReport]) -> Vec<Unasserted> {
    let seen = |item: &Item, applies: bool| {
        cases
            .iter()
            .flat_map(|c| &c.asserted)
            .any(|(i, status)| i == item && (*status == Status::Applies) == applies)
    };
    let mut items = Vec::new();
    for rule in rules(guide) {
        items.push(item(rule.kind(), rule.id()));
        items.extend(rule.actions().iter().map(|a| action_item(rule, a.id())));
    }
    items
        .into_iter()
        .filter_map(|item| {
            let (applies, otherwise) = (seen(&item, true), seen(&item, false));
            (!(applies && otherwise)).then_some(Unasserted {
                item,
                applies,
                otherwise,
            })
        })
        .collect()
}

fn rules(guide: &Guide) -> impl Iterator<Item = &Rule> {
    guide.recommendations().chain(guide.principles())
}

fn item(kind: RuleKind, id: &str) -> Item {
    match kind {
        RuleKind::Recommendation => Item::Recommendation(id.to_owned()),
        RuleKind::Principle => Item::Principle(id.to_owned()),
    }
}

fn action_item(rule: &Rule, action: &str) -> Item {
    Item::Action {
        rule: rule.id().to_owned(),
        id: action.to_owned(),
    }
}

impl ActionRef {
    /// Whether the action with `id` and `text` is the one named.
    pub(super) fn names(&self, id: &str, text: &str) -> bool {
        match self {
            ActionRef::Id(named) => named == id,
            ActionRef::Text(piece) => text.contains(piece.as_str()),
        }
    }

    /// How the case wrote it, for messages.
    pub(super) fn shown(&self) -> String {
        match self {
            ActionRef::Id(id) => format!("`{id}`"),
            ActionRef::Text(text) => format!("\"{text}\""),
        }
    }
}
