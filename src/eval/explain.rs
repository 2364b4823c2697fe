//! Full results: each rule's status with the reasons that decided it, the facts that would decide
//! an undetermined one, its actions and sources, in the order results are read (applying first,
//! then strongest evidence, then guide order).
//!
//! Explanations are read from the guide's explanation plans ([`Plans`]): the truth of every test
//! and of every node of every condition is computed once per profile, so the statuses (for the
//! order) are known before any result is built, and each condition's reasons come from one walk
//! down its flat plan. Every result is built once, in its place; the buffers this needs are kept
//! per thread and reused, so an evaluation allocates only what it returns, and evaluating into an
//! earlier result ([`evaluate_into`]) reuses its lists too.
//!
//! What remains of an undetermined result (its residual, the values that would decide it, the
//! questions) comes from [`super::open`], only for the results that are undetermined.

use std::borrow::Cow;
use std::cell::RefCell;

use super::filter::{Filter, Resolved};
use super::open::{self, Open, OpenItem, Partial};
use super::reasons::seen;
use super::services;
use crate::model::condition::Condition;
use crate::model::guide::Guide;
use crate::model::index::UNKNOWN;
use crate::model::plan::{Plan, Plans, RulePlans, Visit};
use crate::model::rule::{Rule, RuleKind};
use crate::model::truth::Truth;
use crate::model::value::{FactId, Slot, Slots};
use crate::model::vocabulary::FactType;
use crate::result::{
    ActionResult, Deciding, Evaluation, EvidenceRef, GuideStamp, OverlayStamp, Reason, Residual,
    RuleResult, ScopeResult, SeenValue, Status, TestResult,
};

/// The buffers of one evaluation, reused by the next on the same thread.
#[derive(Default)]
struct Workspace {
    /// The truth of every test of the plans.
    tests: Vec<u8>,
    /// The truth of every node of the plans.
    nodes: Vec<u8>,
    /// The tests that decided one condition.
    visits: Vec<Visit>,
    unknown: Vec<FactId>,
    /// The rules kept, in the order results are read: (status, evidence rank, index).
    order: Vec<(Status, usize, usize)>,
}

thread_local! {
    static WORKSPACE: RefCell<Workspace> = RefCell::new(Workspace::default());
}

/// Evaluates bound `slots` against `guide`, keeping what `filter` keeps.
pub(super) fn evaluate<'g>(
    guide: &'g Guide,
    slots: &Slots,
    filter: Option<&Filter>,
) -> Evaluation<'g> {
    let mut evaluation = Evaluation {
        guide: stamp(guide),
        scope: ScopeResult {
            status: Status::Applies,
            description: Cow::Borrowed(""),
            reasons: Vec::new(),
            missing: Vec::new(),
            residual: None,
            deciding: Vec::new(),
        },
        recommendations: Vec::new(),
        principles: Vec::new(),
        overlay: None,
        questions: Vec::new(),
        changes: Vec::new(),
    };
    evaluate_into(guide, slots, filter, &mut evaluation);
    evaluation
}

/// Evaluates bound `slots` against `guide` into `out`, reusing its lists (of results, reasons,
/// missing facts, actions and a set's values) so that a caseload evaluated into one result
/// allocates nothing once the lists have grown.
pub(super) fn evaluate_into<'g>(
    guide: &'g Guide,
    slots: &Slots,
    filter: Option<&Filter>,
    out: &mut Evaluation<'g>,
) {
    let mut run = |ws: &mut Workspace| fill(guide, slots, filter, ws, out);
    let done = WORKSPACE.try_with(|cell| match cell.try_borrow_mut() {
        Ok(mut ws) => {
            run(&mut ws);
            true
        }
        Err(_) => false,
    });
    // A fresh workspace if this thread's is in use or gone (while the thread ends).
    if done != Ok(true) {
        run(&mut Workspace::default());
    }
}

fn fill<'g>(
    guide: &'g Guide,
    slots: &Slots,
    filter: Option<&Filter>,
    ws: &mut Workspace,
    out: &mut Evaluation<'g>,
) {
    let plans = guide.core.plans();
    plans.truths(slots, &mut ws.tests, &mut ws.nodes);
    let filter = filter.map(|f| f.resolve(guide)).unwrap_or_default();
    let mut context = Context {
        guide,
        plans,
        slots,
        scope: Truth::True,
        scope_missing: &[],
        scope_open: None,
        filter,
        open: RefCell::new(Vec::new()),
    };
    context.scope_open = context.scope(ws, &mut out.scope);
    context.scope = out.scope.status.truth();
    context.scope_missing = &out.scope.missing;
    let core = &guide.core;
    context.results(&core.recommendations, 0, ws, &mut out.recommendations);
    let first = core.recommendations.len();
    context.results(&core.principles, first, ws, &mut out.principles);
    // The questions read the open results in guide order, each rule before its actions.
    let mut noted = context.open.into_inner();
    noted.sort_by_key(|(key, _)| *key);
    let items: Vec<OpenItem<'g>> = noted.into_iter().map(|(_, item)| item).collect();
    out.questions = open::questions(guide, &items);
    out.changes.clear();
    out.guide = stamp(guide);
    out.overlay = guide.overlay().map(|overlay| {
        let m = overlay.metadata();
        OverlayStamp {
            id: Cow::Borrowed(&m.id),
            title: Cow::Borrowed(&m.title),
            version: Cow::Borrowed(&m.version),
            fictional: m.fictional,
            disclaimer: m.disclaimer.as_deref().map(Cow::Borrowed),
            content_hash: Cow::Borrowed(&m.content_hash),
            rules_hash: Cow::Borrowed(&m.rules_hash),
        }
    });
}

fn stamp(guide: &Guide) -> GuideStamp<'_> {
    let metadata = &guide.core.metadata;
    GuideStamp {
        id: Cow::Borrowed(&metadata.id),
        title: Cow::Borrowed(&metadata.title),
        version: Cow::Borrowed(&metadata.version),
        content_hash: Cow::Borrowed(&metadata.content_hash),
    }
}

/// What every rule's result needs.
struct Context<'g, 'a> {
    guide: &'g Guide,
    plans: &'g Plans,
    slots: &'a Slots,
    scope: Truth,
    scope_missing: &'a [Cow<'g, str>],
    /// What remains of the scope, when it is undetermined.
    scope_open: Option<Open<'g>>,
    filter: Resolved,
    /// Every undetermined rule and action, keyed by (rule number, 0 for the rule or the action's
    /// position from 1), for the questions.
    open: RefCell<Vec<((usize, usize), OpenItem<'g>)>>,
}

impl<'g> Context<'g, '_> {
    /// The scope's result into `out`, and what remains of it when it is undetermined.
    fn scope(&self, ws: &mut Workspace, out: &mut ScopeResult<'g>) -> Option<Open<'g>> {
        match (&self.guide.core.scope, self.plans.scope) {
            (Some(scope), Some(plan)) => {
                let truth = self.walk(plan, ws);
                self.reasons(truth, ws, &mut out.reasons, &mut out.missing);
                out.status = Status::from_truth(truth);
                out.description = Cow::Borrowed(&scope.description);
                let remains = match open::partial(&scope.condition, self.slots) {
                    Partial::Open(o) if truth == Truth::Unknown && !self.filter.skip_open => {
                        Some(o)
                    }
                    _ => None,
                };
                out.residual = remains.as_ref().map(|o| o.residual(self.guide, false));
                out.deciding = match &remains {
                    Some(_) => {
                        let mut item =
                            OpenItem::new(Cow::Borrowed("scope"), None, vec![&scope.condition]);
                        open::deciding(self.guide, &mut item, self.slots)
                    }
                    None => Vec::new(),
                };
                remains
            }
            _ => {
                out.status = Status::Applies;
                out.description = Cow::Borrowed("every family");
                out.reasons.clear();
                out.missing.clear();
                out.residual = None;
                out.deciding = Vec::new();
                None
            }
        }
    }

    /// The results of `rules` (numbered from `first` in the statuses program) that the filter
    /// keeps, in the order results are read, into `out` (whose results are reused).
    fn results(
        &self,
        rules: &'g [Rule],
        first: usize,
        ws: &mut Workspace,
        out: &mut Vec<RuleResult<'g>>,
    ) {
        let mut order = std::mem::take(&mut ws.order);
        order.clear();
        for (index, rule) in rules.iter().enumerate() {
            if self.filter.keeps(self.guide, rule) {
                let own = self
                    .plans
                    .rules
                    .get(first + index)
                    .and_then(|p| p.condition);
                let own = own.map_or(Truth::True, |p| truth(self.plans.truth(p, &ws.nodes)));
                let status = Status::from_truth(own.min(self.scope));
                let rank = rule
                    .evidence
                    .filter(|r| self.guide.core.evidence.get(*r).is_some())
                    .unwrap_or(usize::MAX);
                order.push((status, rank, index));
            }
        }
        // The index last: rules of equal status and strength stay in guide order.
        order.sort_unstable();
        out.truncate(order.len());
        out.reserve_exact(order.len() - out.len());
        for (k, &(_, _, index)) in order.iter().enumerate() {
            let Some(rule) = rules.get(index) else {
                continue;
            };
            let plans = self.plans.rules.get(first + index);
            let result = match out.get_mut(k) {
                Some(result) => result,
                None => {
                    out.push(empty_result(rule));
                    let Some(result) = out.last_mut() else {
                        continue;
                    };
                    result
                }
            };
            self.rule(rule, (first + index, plans), ws, result);
            result.services = if rule.kind == RuleKind::Recommendation {
                services::under(self.guide, self.slots, self.scope, index, result)
            } else {
                Vec::new()
            };
        }
        ws.order = order;
    }

    /// The result of `rule` (its number and plans), written over `out`.
    fn rule(
        &self,
        rule: &'g Rule,
        (number, plans): (usize, Option<&RulePlans>),
        ws: &mut Workspace,
        out: &mut RuleResult<'g>,
    ) {
        let own = match plans.and_then(|p| p.condition) {
            Some(plan) => {
                let truth = self.walk(plan, ws);
                self.reasons(truth, ws, &mut out.reasons, &mut out.missing);
                truth
            }
            None => {
                out.reasons.clear();
                out.missing.clear();
                Truth::True
            }
        };
        // Every rule holds only within the guide's scope: scope AND condition, in Kleene logic.
        let truth = own.min(self.scope);
        if truth == Truth::Unknown && self.scope == Truth::Unknown {
            for fact in self.scope_missing {
                if !out.missing.contains(fact) {
                    out.missing.push(fact.clone());
                }
            }
        }
        if truth != Truth::Unknown {
            out.missing.clear();
        }
        let remains = if truth == Truth::Unknown {
            self.remains(rule.condition.as_ref(), self.scope_open.as_ref())
        } else {
            None
        };
        if truth == Truth::False {
            out.actions.clear();
        } else {
            let rule_at = (number, plans, truth, remains.as_ref());
            self.actions(rule, rule_at, ws, &mut out.actions);
        }
        let id = || Cow::Borrowed(rule.id.as_str());
        let conditions = || open::conditions(self.guide, rule.condition.as_ref(), None);
        (out.residual, out.deciding) =
            self.note_open((number, 0), (id, rule.evidence, conditions), remains);
        out.evidence = rule.evidence.and_then(|rank| {
            let level = self.guide.core.evidence.get(rank)?;
            Some(EvidenceRef {
                id: Cow::Borrowed(&level.id),
                label: Cow::Borrowed(&level.label),
                rank,
                unrated: level.unrated,
            })
        });
        out.id = Cow::Borrowed(&rule.id);
        out.kind = rule.kind;
        out.title = Cow::Borrowed(&rule.title);
        out.statement = Cow::Borrowed(&rule.statement);
        out.status = Status::from_truth(truth);
        out.links = Cow::Borrowed(&rule.shown.links);
        out.outcomes = Cow::Borrowed(&rule.shown.outcomes);
        out.audiences = Cow::Borrowed(&rule.shown.audiences);
        out.why = Cow::Borrowed(&rule.shown.why);
        out.sources = Cow::Borrowed(&rule.sources);
    }

    /// The rule's "how" points that apply or are undetermined, given the rule's truth, into
    /// `out` (whose results are reused).
    fn actions(
        &self,
        rule: &'g Rule,
        (number, plans, rule_truth, rule_open): (
            usize,
            Option<&RulePlans>,
            Truth,
            Option<&Open<'g>>,
        ),
        ws: &mut Workspace,
        out: &mut Vec<ActionResult<'g>>,
    ) {
        let mut kept = 0;
        for (i, action) in rule.actions.iter().enumerate() {
            if !self.filter.keeps_audiences(&action.audiences) {
                continue;
            }
            let plan = plans.and_then(|p| p.actions.get(i).copied().flatten());
            let own = plan.map_or(Truth::True, |plan| self.walk(plan, ws));
            let status = Status::from_truth(own.min(rule_truth));
            if status == Status::DoesNotApply {
                continue;
            }
            if out.len() == kept {
                // At most the points left: one allocation for the list.
                out.reserve_exact(rule.actions.len() - i);
                out.push(ActionResult {
                    id: Cow::Borrowed(""),
                    text: Cow::Borrowed(""),
                    audiences: Cow::Borrowed(&[]),
                    status,
                    reasons: Vec::new(),
                    missing: Vec::new(),
                    residual: None,
                    deciding: Vec::new(),
                });
            }
            let Some(result) = out.get_mut(kept) else {
                continue;
            };
            kept += 1;
            if plan.is_some() {
                self.reasons(own, ws, &mut result.reasons, &mut result.missing);
            } else {
                result.reasons.clear();
                result.missing.clear();
            }
            result.id = Cow::Borrowed(&action.id);
            result.text = Cow::Borrowed(&action.text);
            result.audiences = Cow::Borrowed(&action.audience_ids);
            result.status = status;
            let remains = if status == Status::Undetermined {
                self.remains(action.condition.as_ref(), rule_open)
            } else {
                None
            };
            // Made only for an undetermined action: most evaluations make none.
            let id = || Cow::Owned(format!("{}#{}", rule.id, action.id));
            let conditions = || {
                open::conditions(
                    self.guide,
                    rule.condition.as_ref(),
                    action.condition.as_ref(),
                )
            };
            (result.residual, result.deciding) =
                self.note_open((number, i + 1), (id, rule.evidence, conditions), remains);
        }
        out.truncate(kept);
    }

    /// What remains of an undetermined result (see [`open::remains`]), unless the filter skips
    /// what is open.
    fn remains(
        &self,
        condition: Option<&'g Condition>,
        context: Option<&Open<'g>>,
    ) -> Option<Open<'g>> {
        if self.filter.skip_open {
            return None;
        }
        open::remains(condition, context, self.slots)
    }

    /// Records an undetermined rule or action (`id`) for the questions (under `key`), and gives
    /// its residual and the values that would decide it; nothing for a decided one.
    fn note_open(
        &self,
        key: (usize, usize),
        (id, evidence, conditions): (
            impl FnOnce() -> Cow<'g, str>,
            Option<usize>,
            impl FnOnce() -> Vec<&'g Condition>,
        ),
        remains: Option<Open<'g>>,
    ) -> (Option<Residual<'g>>, Vec<Deciding<'g>>) {
        let Some(open) = remains else {
            return (None, Vec::new());
        };
        let residual = open.residual(self.guide, false);
        let mut item = OpenItem::new(id(), evidence, conditions());
        let deciding = open::deciding(self.guide, &mut item, self.slots);
        self.open.borrow_mut().push((key, item));
        (Some(residual), deciding)
    }

    /// A condition's truth, leaving the tests that decided it in `ws.visits`.
    fn walk(&self, plan: Plan, ws: &mut Workspace) -> Truth {
        ws.visits.clear();
        truth(self.plans.explain(plan, &ws.nodes, &mut ws.visits))
    }

    /// The reasons of the tests in `ws.visits` into `reasons`, and the missing facts of a
    /// condition of truth `truth` into `missing`, reusing both lists and their values.
    fn reasons(
        &self,
        truth: Truth,
        ws: &mut Workspace,
        reasons: &mut Vec<Reason<'g>>,
        missing: &mut Vec<Cow<'g, str>>,
    ) {
        let vocab = self.guide.vocab();
        reasons.truncate(ws.visits.len());
        reasons.reserve_exact(ws.visits.len() - reasons.len());
        ws.unknown.clear();
        let leaves = ws
            .visits
            .iter()
            .filter_map(|v| Some((self.plans.leaf(v.leaf)?, v)));
        for (k, (leaf, visit)) in leaves.enumerate() {
            if visit.truth == UNKNOWN {
                ws.unknown.push(leaf.fact);
            }
            let fact = Cow::Borrowed(vocab.fact_name(leaf.fact));
            // A test under `not:` is shown as the rule states it: its negation, and whether that
            // holds.
            let (text, t) = if visit.negated {
                (&leaf.negated_text, self::truth(visit.truth).negate())
            } else {
                (&leaf.text, self::truth(visit.truth))
            };
            let test = Cow::Borrowed(&**text);
            let result = TestResult::from_truth(t);
            let via = visit
                .via
                .and_then(|i| self.guide.named_condition_id(i as usize))
                .map(Cow::Borrowed);
            let slot = self.slots.get(leaf.fact);
            match reasons.get_mut(k) {
                Some(reason) => {
                    seen_into(self.guide, leaf.fact, slot, &mut reason.value);
                    (reason.fact, reason.test, reason.result, reason.via) =
                        (fact, test, result, via);
                }
                None => reasons.push(Reason {
                    fact,
                    test,
                    value: seen(self.guide, leaf.fact, slot),
                    result,
                    via,
                }),
            }
        }
        // An undecided condition's walk visits exactly its undecided tests; a decided one lists
        // no missing facts, whatever unknowns it holds.
        missing.clear();
        if truth == Truth::Unknown {
            ws.unknown.sort_unstable();
            ws.unknown.dedup();
            missing.extend(
                ws.unknown
                    .iter()
                    .map(|id| Cow::Borrowed(vocab.fact_name(*id))),
            );
        }
    }
}

/// The profile's value of `fact` into `value`, reusing a list it holds.
fn seen_into<'g>(guide: &'g Guide, fact: FactId, slot: &Slot, value: &mut Option<SeenValue<'g>>) {
    if let (Slot::Set(mask), Some(SeenValue::List(list))) = (slot, value.as_mut())
        && let Some(FactType::SetOf(values)) = guide.vocab().fact(fact).map(|f| &f.fact_type)
    {
        list.clear();
        list.extend(values.names_in(*mask).map(Cow::Borrowed));
        return;
    }
    *value = seen(guide, fact, slot);
}

/// A result to be written over by [`Context::rule`].
fn empty_result(rule: &Rule) -> RuleResult<'_> {
    RuleResult {
        id: Cow::Borrowed(""),
        kind: rule.kind,
        title: Cow::Borrowed(""),
        statement: Cow::Borrowed(""),
        status: Status::DoesNotApply,
        evidence: None,
        reasons: Vec::new(),
        missing: Vec::new(),
        residual: None,
        deciding: Vec::new(),
        actions: Vec::new(),
        links: Cow::Borrowed(&[]),
        outcomes: Cow::Borrowed(&[]),
        audiences: Cow::Borrowed(&[]),
        why: Cow::Borrowed(&[]),
        sources: Cow::Borrowed(&[]),
        services: Vec::new(),
    }
}

fn truth(t: u8) -> Truth {
    match t {
        0 => Truth::False,
        1 => Truth::Unknown,
        _ => Truth::True,
    }
}
