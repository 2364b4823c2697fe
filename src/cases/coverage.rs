//! What a suite asserts and reaches: for each rule and action of the guide, whether some case
//! names it where it applies and some where it does not (so that one added without a case cannot
//! pass unnoticed); and, over all the cases' profiles, which outcomes every rule, action and test
//! reached (a suite's coverage).

use super::boundaries::{self, BoundaryCoverage};
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
    /// Every boundary of an integer or count threshold, in the order the files write them.
    pub boundaries: Vec<BoundaryCoverage>,
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
    /// The statuses some profile can give it (with the `analysis` feature, exactly; without,
    /// every status when it or the scope has a condition).
    pub possible: Vec<Status>,
    /// The statuses no profile can give it, each with the reason: left out of the percentage.
    pub unreachable: Vec<(Status, String)>,
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
    /// The results some profile can give it (a `known:` test is never unknown; with the
    /// `analysis` feature, a test true for every value of its fact is never false, and so on).
    pub possible: Vec<TestResult>,
    /// The results no profile can give it, each with the reason: left out of the percentage.
    pub unreachable: Vec<(TestResult, String)>,
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
        percent(self.counts())
    }

    /// The sides of boundaries reached, of those some profile can reach.
    pub fn boundary_counts(&self) -> (usize, usize) {
        let sides = self.boundaries.iter().flat_map(|b| &b.sides);
        let possible: Vec<_> = sides.filter(|s| s.unreachable.is_none()).collect();
        (
            possible.iter().filter(|s| s.reached).count(),
            possible.len(),
        )
    }

    /// The share of reachable sides of boundaries some case reached, in percent (100 when
    /// there are none).
    pub fn boundary_percent(&self) -> f64 {
        percent(self.boundary_counts())
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
        let reach = Reachable::of(guide);
        for (index, item) in items.iter_mut().enumerate() {
            let seen = cases.iter().flat_map(|c| &c.seen.items);
            item.reached = statuses(seen.filter(|(i, _)| *i == item.item).map(|(_, s)| *s));
            if let Some(can) = reach.item(index) {
                restrict_items(item, can);
            }
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
                let mut coverage = TestCoverage {
                    test: site.text.to_string(),
                    item: site.item.clone(),
                    file: site.file.to_owned(),
                    position: site.at,
                    possible,
                    unreachable: Vec::new(),
                    reached: results(truths),
                };
                if let Some(can) = reach.test(index) {
                    let fact = guide
                        .vocab()
                        .fact(site.fact)
                        .map_or("", |f| f.name.as_str());
                    restrict_tests(&mut coverage, can, fact);
                }
                coverage
            })
            .collect();
        let seen: Vec<&[Option<i64>]> = cases.iter().map(|c| c.seen.values.as_slice()).collect();
        let reachable = |site: usize, value: i64| reach.side(guide, site, value);
        let boundaries = boundaries::of(guide, &seen, &reachable);
        Coverage {
            items,
            tests,
            boundaries,
        }
    }
}

fn percent((reached, possible): (usize, usize)) -> f64 {
    match possible {
        0 => 100.0,
        _ => reached as f64 * 100.0 / possible as f64,
    }
}

/// What one case's profile made of the guide.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Seen {
    items: Vec<(Item, Status)>,
    tests: Vec<Truth>,
    /// By site: the value of its fact where its test is reached (see `boundaries`).
    pub(super) values: Vec<Option<i64>>,
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
            values: boundaries::values(profile.guide(), profile),
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
        unreachable: Vec::new(),
        reached: Vec::new(),
    }
}

/// What the exact analysis says some profile can reach (nothing, without the `analysis`
/// feature or for a guide too large to analyse: then every outcome counts as possible).
struct Reachable {
    #[cfg(feature = "analysis")]
    reach: Option<crate::analysis::reach::Reach>,
}

impl Reachable {
    fn of(guide: &Guide) -> Reachable {
        #[cfg(not(feature = "analysis"))]
        let _ = guide;
        Reachable {
            #[cfg(feature = "analysis")]
            reach: crate::analysis::reach::Reach::of(guide),
        }
    }

    /// `[applies, undetermined, does not apply]` of the item at `index` (rules in guide order,
    /// each followed by its actions).
    fn item(&self, index: usize) -> Option<[bool; 3]> {
        #[cfg(feature = "analysis")]
        return self.reach.as_ref()?.items.get(index).copied();
        #[cfg(not(feature = "analysis"))]
        {
            let _ = index;
            None
        }
    }

    /// Whether some profile gives the fact of the site at `index` the value `value` where
    /// the site's test is reached (true without the analysis: then only the range is checked).
    fn side(&self, guide: &Guide, index: usize, value: i64) -> bool {
        #[cfg(feature = "analysis")]
        if let Some(reach) = &self.reach {
            return reach.side(guide, crate::ids::SiteId::new(index), value);
        }
        let _ = (guide, index, value);
        true
    }

    /// `[true, false, unknown]` of the site at `index`.
    fn test(&self, index: usize) -> Option<[bool; 3]> {
        #[cfg(feature = "analysis")]
        return self.reach.as_ref()?.tests.get(index).copied();
        #[cfg(not(feature = "analysis"))]
        {
            let _ = index;
            None
        }
    }
}

/// Keeps the statuses some profile can give the item, and lists the others with the reason.
fn restrict_items(item: &mut ItemCoverage, can: [bool; 3]) {
    let all = [Status::Applies, Status::Undetermined, Status::DoesNotApply];
    item.possible = all
        .iter()
        .zip(can)
        .filter(|(_, c)| *c)
        .map(|(s, _)| *s)
        .collect();
    item.unreachable = all
        .iter()
        .zip(can)
        .filter(|(_, c)| !c)
        .map(|(status, _)| {
            let reason = match status {
                Status::Applies => "no family in scope can get it (see `practice-guide lint`)",
                Status::Undetermined => {
                    "no profile leaves it undetermined: whatever is unknown, the rest decides it"
                }
                Status::DoesNotApply => "no profile makes its condition or the guide's scope false",
            };
            (*status, reason.to_owned())
        })
        .collect();
}

/// Keeps the results some profile can give the test, and lists the others with the reason.
fn restrict_tests(test: &mut TestCoverage, can: [bool; 3], fact: &str) {
    let all = [TestResult::True, TestResult::False, TestResult::Unknown];
    let keep: Vec<TestResult> = test
        .possible
        .iter()
        .copied()
        .filter(|r| all.iter().zip(can).any(|(a, c)| a == r && c))
        .collect();
    test.unreachable = test
        .possible
        .iter()
        .filter(|r| !keep.contains(r))
        .map(|r| {
            let reason = match r {
                TestResult::True => format!("no value of `{fact}` makes it true"),
                TestResult::False => format!(
                    "every value of `{fact}` makes it true: it is unknown only when `{fact}` is"
                ),
                TestResult::Unknown => format!("`{fact}` is always known"),
            };
            (*r, reason)
        })
        .collect();
    test.possible = keep;
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
