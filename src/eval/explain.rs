//! Full results: each rule's status with the reasons that decided it, the facts that would decide
//! an undetermined one, its actions and sources, in the order results are read (applying first,
//! then strongest evidence, then guide order).
//!
//! One pass per profile fills the truth of every test and node of the guide's arenas into the
//! cache's table, so the statuses (for the order) are known before any result is built, and each
//! condition's reasons come from one walk down its nodes ([`super::reasons`]). Every result is
//! built once, in its place; evaluating into an earlier result ([`evaluate_into`]) reuses its
//! lists, and the cache's buffers are reused from one evaluation to the next.
//!
//! What remains of an undetermined result (its residual, the values that would decide it, the
//! questions) comes from [`super::open`], only for the results that are undetermined.

use std::borrow::Cow;
use std::cmp::Reverse;

use super::filter::{Filter, Resolved};
use super::open::{self, Open, OpenItem};
use super::reasons::Explainer;
use super::services::Under;
use crate::ids::{ActionName, ActionRef, NodeId, ResultRef, RuleId};
use crate::model::cache::{Cache, Lists};
use crate::model::guide::Guide;
use crate::model::rule::{Rule, RuleKind};
use crate::model::truth::Truth;
use crate::model::value::Slots;
use crate::result::{
    ActionResult, Deciding, Evaluation, EvidenceRef, GuideStamp, OverlayStamp, Residual,
    RuleResult, ScopeResult, Status,
};

/// Evaluates bound `slots` against `guide` with `cache`, keeping what `filter` keeps.
pub(super) fn evaluate<'g>(
    guide: &'g Guide,
    slots: &Slots,
    filter: Option<&Filter>,
    cache: &mut Cache,
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
    evaluate_into(guide, slots, filter, cache, &mut evaluation);
    evaluation
}

/// Evaluates bound `slots` against `guide` into `out`, reusing its lists (of results, reasons,
/// missing facts, actions and a set's values) so that a caseload evaluated into one result
/// allocates nothing once the lists have grown.
pub(super) fn evaluate_into<'g>(
    guide: &'g Guide,
    slots: &Slots,
    filter: Option<&Filter>,
    cache: &mut Cache,
    out: &mut Evaluation<'g>,
) {
    let Cache { table, lists, .. } = cache;
    table.fill(guide.layers(), slots);
    let filter = filter.map(|f| f.resolve(guide)).unwrap_or_default();
    let mut context = Context {
        explainer: Explainer {
            guide,
            slots,
            table,
        },
        scope: Truth::True,
        scope_missing: &[],
        scope_open: None,
        filter,
        open: Vec::new(),
    };
    let scope = context.scope(lists, &mut out.scope);
    context.scope_open = scope.1;
    context.scope = scope.0;
    context.scope_missing = &out.scope.missing;
    let core = &guide.core;
    context.results(
        &core.recommendations,
        RuleKind::Recommendation,
        lists,
        &mut out.recommendations,
    );
    context.results(
        &core.principles,
        RuleKind::Principle,
        lists,
        &mut out.principles,
    );
    // The questions read the open results in guide order, each rule before its actions.
    let mut noted = context.open;
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
    explainer: Explainer<'g, 'a>,
    scope: Truth,
    scope_missing: &'a [Cow<'g, str>],
    /// What remains of the scope, when it is undetermined.
    scope_open: Option<Open>,
    filter: Resolved,
    /// Every undetermined rule and action, for the questions.
    open: Vec<(ResultRef, OpenItem<'g>)>,
}

impl<'g> Context<'g, '_> {
    fn guide(&self) -> &'g Guide {
        self.explainer.guide
    }

    /// The scope's result into `out`: its truth, and what remains of it when it is undetermined.
    fn scope(&mut self, lists: &mut Lists, out: &mut ScopeResult<'g>) -> (Truth, Option<Open>) {
        let guide = self.guide();
        let Some(scope) = &guide.core.scope else {
            out.status = Status::Applies;
            out.description = Cow::Borrowed("every family");
            out.reasons.clear();
            out.missing.clear();
            out.residual = None;
            out.deciding = Vec::new();
            return (Truth::True, None);
        };
        let truth = self
            .explainer
            .explain(scope.root, lists, &mut out.reasons, &mut out.missing);
        out.status = Status::from_truth(truth);
        out.description = Cow::Borrowed(&scope.description);
        let remains = match self.filter.skip_open {
            true => None,
            false => open::partial(guide.layers(), self.explainer.table, scope.root),
        };
        out.residual = remains.as_ref().map(|o| o.residual(guide, false));
        out.deciding = match &remains {
            Some(_) => {
                let mut item = OpenItem::new(Cow::Borrowed("scope"), None, vec![scope.root]);
                self.deciding(&mut item)
            }
            None => Vec::new(),
        };
        (truth, remains)
    }

    /// The results of the rules of `kind` that the filter keeps, in the order results are read,
    /// into `out` (whose results are reused).
    fn results(
        &mut self,
        rules: &'g [Rule],
        kind: RuleKind,
        lists: &mut Lists,
        out: &mut Vec<RuleResult<'g>>,
    ) {
        let guide = self.guide();
        let mut order = std::mem::take(&mut lists.order);
        order.clear();
        for (index, rule) in rules.iter().enumerate() {
            if self.filter.keeps(guide, rule) {
                let truth = self.explainer.table.root(rule.root).and(self.scope);
                let rank = rule
                    .evidence
                    .filter(|r| guide.core.evidence.get(*r).is_some())
                    .unwrap_or(usize::MAX);
                order.push((Reverse(truth), rank, index));
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
            let truth = self.rule(rule, guide.core.rule_id(kind, index), lists, result);
            result.services = match kind {
                RuleKind::Recommendation => Under {
                    explainer: self.explainer,
                    scope: self.scope,
                    index,
                    rule_truth: truth,
                    rule_missing: &result.missing,
                }
                .services(lists),
                RuleKind::Principle => Vec::new(),
            };
        }
        lists.order = order;
    }

    /// The result of `rule`, written over `out`; returns its truth (with the scope's).
    fn rule(
        &mut self,
        rule: &'g Rule,
        id: RuleId,
        lists: &mut Lists,
        out: &mut RuleResult<'g>,
    ) -> Truth {
        let own = match rule.root {
            Some(root) => self
                .explainer
                .explain(root, lists, &mut out.reasons, &mut out.missing),
            None => {
                out.reasons.clear();
                out.missing.clear();
                Truth::True
            }
        };
        // Every rule holds only within the guide's scope: scope AND condition, in Kleene logic.
        let truth = own.and(self.scope);
        if truth == Truth::Unknown && self.scope == Truth::Unknown {
            for fact in self.scope_missing {
                if !out.missing.contains(fact) {
                    out.missing.push(fact.clone());
                }
            }
        }
        if truth.is_known() {
            out.missing.clear();
        }
        let remains = match truth {
            Truth::Unknown => self.remains(rule.root, self.scope_open.as_ref()),
            _ => None,
        };
        if truth == Truth::False {
            out.actions.clear();
        } else {
            self.actions(rule, (id, truth, remains.as_ref()), lists, &mut out.actions);
        }
        let name = || Cow::Borrowed(rule.id.as_str());
        let roots = open::conditions(self.guide(), rule.root, None);
        (out.residual, out.deciding) =
            self.note_open(ResultRef::Rule(id), (name, rule.evidence, roots), remains);
        out.evidence = rule.evidence.and_then(|rank| {
            let level = self.guide().core.evidence.get(rank)?;
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
        truth
    }

    /// The rule's "how" points that apply or are undetermined, given the rule's truth and what
    /// remains of it, into `out` (whose results are reused).
    fn actions(
        &mut self,
        rule: &'g Rule,
        (id, rule_truth, rule_open): (RuleId, Truth, Option<&Open>),
        lists: &mut Lists,
        out: &mut Vec<ActionResult<'g>>,
    ) {
        let mut kept = 0;
        for (i, action) in rule.actions.iter().enumerate() {
            if !self.filter.keeps_audiences(&action.audiences) {
                continue;
            }
            let status = Status::from_truth(self.explainer.table.root(action.root).and(rule_truth));
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
            match action.root {
                Some(root) => {
                    self.explainer
                        .explain(root, lists, &mut result.reasons, &mut result.missing);
                }
                None => {
                    result.reasons.clear();
                    result.missing.clear();
                }
            }
            result.id = Cow::Borrowed(&action.id);
            result.text = Cow::Borrowed(&action.text);
            result.audiences = Cow::Borrowed(&action.audience_ids);
            result.status = status;
            let remains = match status {
                Status::Undetermined => self.remains(action.root, rule_open),
                _ => None,
            };
            // Made only for an undetermined action: most evaluations make none.
            let name = || {
                let (rule, action) = (&rule.id, &action.id);
                Cow::Owned(ActionName { rule, action }.to_string())
            };
            let roots = open::conditions(self.guide(), rule.root, action.root);
            let key = ResultRef::Action(ActionRef::new(id, i));
            (result.residual, result.deciding) =
                self.note_open(key, (name, rule.evidence, roots), remains);
        }
        out.truncate(kept);
    }

    /// What remains of an undetermined result (see [`open::remains`]), unless the filter skips
    /// what is open.
    fn remains(&self, root: Option<NodeId>, context: Option<&Open>) -> Option<Open> {
        if self.filter.skip_open {
            return None;
        }
        open::remains(self.guide().layers(), self.explainer.table, root, context)
    }

    /// Records an undetermined rule or action (`name`) for the questions (under `key`), and
    /// gives its residual and the values that would decide it; nothing for a decided one.
    fn note_open(
        &mut self,
        key: ResultRef,
        (name, evidence, roots): (impl FnOnce() -> Cow<'g, str>, Option<usize>, Vec<NodeId>),
        remains: Option<Open>,
    ) -> (Option<Residual<'g>>, Vec<Deciding<'g>>) {
        let Some(open) = remains else {
            return (None, Vec::new());
        };
        let residual = open.residual(self.guide(), false);
        let mut item = OpenItem::new(name(), evidence, roots);
        let deciding = self.deciding(&mut item);
        self.open.push((key, item));
        (Some(residual), deciding)
    }

    fn deciding(&self, item: &mut OpenItem<'g>) -> Vec<Deciding<'g>> {
        let explainer = self.explainer;
        open::deciding(explainer.guide, (explainer.slots, explainer.table), item)
    }
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
