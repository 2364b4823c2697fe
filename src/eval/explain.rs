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

use std::cmp::Reverse;

use super::filter::{Filter, Resolved};
use super::open::{self, Open, OpenItem};
use super::reasons::{Explainer, extend_facts};
use super::services::Under;
use crate::ids::{ActionRef, NodeId, ResultRef, RuleId};
use crate::model::cache::{Cache, Lists};
use crate::model::guide::Guide;
use crate::model::rule::{Rule, RuleKind};
use crate::model::truth::Truth;
use crate::model::value::Slots;
use crate::result::{ActionData, Data, Evaluation, Outcome, QuestionData, RuleData, Span, Status};

/// Evaluates bound `slots` against `guide` with `cache`, keeping what `filter` keeps.
pub(super) fn evaluate(
    guide: &Guide,
    slots: &Slots,
    filter: Option<&Filter>,
    cache: &mut Cache,
) -> Evaluation {
    let mut evaluation = Evaluation::with_lengths(guide, &cache.result_lengths);
    evaluate_into(guide, slots, filter, cache, &mut evaluation);
    cache.result_lengths = evaluation.data.lengths();
    evaluation
}

/// Evaluates bound `slots` against `guide` into `out`, reusing its lists, so that a caseload
/// evaluated into one result allocates nothing once they have grown.
pub(super) fn evaluate_into(
    guide: &Guide,
    slots: &Slots,
    filter: Option<&Filter>,
    cache: &mut Cache,
    out: &mut Evaluation,
) {
    out.set_guide(guide);
    let data = &mut out.data;
    data.clear();
    data.slots.copy_from(slots);
    let Cache { table, lists, .. } = cache;
    table.fill(guide.layers(), slots);
    let mut context = Context {
        explainer: Explainer {
            guide,
            slots,
            table,
        },
        scope: Truth::True,
        scope_missing: Span::default(),
        scope_open: None,
        filter: filter.map(|f| f.resolve(guide)).unwrap_or_default(),
        open: Vec::new(),
    };
    context.scope(lists, data);
    let core = &guide.core;
    context.results(&core.recommendations, RuleKind::Recommendation, lists, data);
    data.recommendations = data.rules.len();
    context.results(&core.principles, RuleKind::Principle, lists, data);
    // The questions read the open results in guide order, each rule before its actions.
    let mut noted = context.open;
    if noted.is_empty() {
        return;
    }
    noted.sort_by_key(|(key, _)| *key);
    let items: Vec<&OpenItem> = noted.iter().map(|(_, item)| item).collect();
    for (fact, settled, strongest) in open::questions(&items) {
        let start = data.settles.len();
        data.settles
            .extend(settled.iter().filter_map(|i| items.get(*i)?.id));
        data.questions.push(QuestionData {
            fact,
            settles: Span::since(start, data.settles.len()),
            strongest,
        });
    }
}

/// What every rule's result needs.
struct Context<'g, 'a> {
    explainer: Explainer<'g, 'a>,
    scope: Truth,
    scope_missing: Span,
    /// What remains of the scope, when it is undetermined.
    scope_open: Option<Open>,
    filter: Resolved,
    /// Every undetermined rule and action, for the questions.
    open: Vec<(ResultRef, OpenItem)>,
}

impl<'g> Context<'g, '_> {
    fn guide(&self) -> &'g Guide {
        self.explainer.guide
    }

    /// The scope's result, its truth, and what remains of it when it is undetermined.
    fn scope(&mut self, lists: &mut Lists, data: &mut Data) {
        let guide = self.guide();
        let Some(scope) = &guide.core.scope else {
            return;
        };
        let (truth, reasons, missing) = self.explainer.explain(scope.root, lists, data);
        let remains = match self.filter.skip_open {
            true => None,
            false => open::partial(guide.layers(), self.explainer.table, scope.root),
        };
        let mut outcome = Outcome {
            status: Status::from_truth(truth),
            reasons,
            missing,
            ..Outcome::default()
        };
        if let Some(open) = &remains {
            outcome.residual = Some(open.write(false, &mut data.residuals));
            let mut item = OpenItem::new(None, None, vec![scope.root]);
            outcome.deciding = self.deciding(&mut item, data);
        }
        data.scope = outcome;
        self.scope = truth;
        self.scope_missing = missing;
        self.scope_open = remains;
    }

    /// The results of the rules of `kind` that the filter keeps, in the order results are read,
    /// into `data`.
    fn results(&mut self, rules: &'g [Rule], kind: RuleKind, lists: &mut Lists, data: &mut Data) {
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
        for &(_, _, index) in &order {
            let Some(rule) = rules.get(index) else {
                continue;
            };
            let id = guide.core.rule_id(kind, index);
            let (truth, outcome, actions) = self.rule(rule, id, lists, data);
            let services = match kind {
                RuleKind::Recommendation => Under {
                    explainer: self.explainer,
                    scope: self.scope,
                    index,
                    rule_truth: truth,
                    rule_missing: outcome.missing,
                }
                .services(lists, data),
                RuleKind::Principle => Span::default(),
            };
            data.rules.push(RuleData {
                rule: id,
                outcome,
                actions,
                services,
            });
        }
        lists.order = order;
    }

    /// The result of `rule`: its truth (with the scope's), its outcome, and its actions.
    fn rule(
        &mut self,
        rule: &'g Rule,
        id: RuleId,
        lists: &mut Lists,
        data: &mut Data,
    ) -> (Truth, Outcome, Span) {
        let (own, reasons, mut missing) = match rule.root {
            Some(root) => self.explainer.explain(root, lists, data),
            None => (
                Truth::True,
                Span::default(),
                Span::since(data.facts.len(), data.facts.len()),
            ),
        };
        // Every rule holds only within the guide's scope: scope AND condition, in Kleene logic.
        let truth = own.and(self.scope);
        if truth == Truth::Unknown && self.scope == Truth::Unknown {
            lists.unknown.clear();
            lists
                .unknown
                .extend_from_slice(self.scope_missing.of(&data.facts));
            missing = extend_facts(data, missing, &lists.unknown);
        }
        if truth.is_known() {
            missing = Span::default();
        }
        let remains = match truth {
            Truth::Unknown => self.remains(rule.root, self.scope_open.as_ref()),
            _ => None,
        };
        let actions = match truth {
            Truth::False => Span::default(),
            _ => self.actions(rule, (id, truth, remains.as_ref()), lists, data),
        };
        let item = (ResultRef::Rule(id), rule.evidence, (rule.root, None));
        let (residual, deciding) = self.note_open(item, remains, data);
        let outcome = Outcome {
            status: Status::from_truth(truth),
            reasons,
            missing,
            residual,
            deciding,
        };
        (truth, outcome, actions)
    }

    /// The rule's "how" points that apply or are undetermined, given the rule's truth and what
    /// remains of it, into `data`.
    fn actions(
        &mut self,
        rule: &'g Rule,
        (id, rule_truth, rule_open): (RuleId, Truth, Option<&Open>),
        lists: &mut Lists,
        data: &mut Data,
    ) -> Span {
        // Only actions are written to `data.actions` here (reasons, missing facts, residuals and
        // deciding values go to lists of their own), so the rule's actions are one run of it.
        let start = data.actions.len();
        for (i, action) in rule.actions.iter().enumerate() {
            if !self.filter.keeps_audiences(&action.audiences) {
                continue;
            }
            let table = self.explainer.table;
            let status = Status::from_truth(table.root(action.root).and(rule_truth));
            if status == Status::DoesNotApply {
                continue;
            }
            let (reasons, missing) = match action.root {
                Some(root) => {
                    let (_, reasons, missing) = self.explainer.explain(root, lists, data);
                    (reasons, missing)
                }
                None => (Span::default(), Span::default()),
            };
            let remains = match status {
                Status::Undetermined => self.remains(action.root, rule_open),
                _ => None,
            };
            let roots = (rule.root, action.root);
            let item = (
                ResultRef::Action(ActionRef::new(id, i)),
                rule.evidence,
                roots,
            );
            let (residual, deciding) = self.note_open(item, remains, data);
            data.actions.push(ActionData {
                action: u32::try_from(i).unwrap_or(u32::MAX),
                outcome: Outcome {
                    status,
                    reasons,
                    missing,
                    residual,
                    deciding,
                },
            });
        }
        Span::since(start, data.actions.len())
    }

    /// What remains of an undetermined result (see [`open::remains`]), unless the filter skips
    /// what is open.
    fn remains(&self, root: Option<NodeId>, context: Option<&Open>) -> Option<Open> {
        if self.filter.skip_open {
            return None;
        }
        open::remains(self.guide().layers(), self.explainer.table, root, context)
    }

    /// Records an undetermined rule or action for the questions, and writes its residual and
    /// the values that would decide it; nothing for a decided one.
    fn note_open(
        &mut self,
        (key, evidence, (rule, action)): (
            ResultRef,
            Option<usize>,
            (Option<NodeId>, Option<NodeId>),
        ),
        remains: Option<Open>,
        data: &mut Data,
    ) -> (Option<u32>, Span) {
        let Some(open) = remains else {
            return (None, Span::default());
        };
        let residual = open.write(false, &mut data.residuals);
        let roots = open::conditions(self.guide(), rule, action);
        let mut item = OpenItem::new(Some(key), evidence, roots);
        let deciding = self.deciding(&mut item, data);
        self.open.push((key, item));
        (Some(residual), deciding)
    }

    fn deciding(&self, item: &mut OpenItem, data: &mut Data) -> Span {
        let explainer = self.explainer;
        open::deciding(
            explainer.guide,
            (explainer.slots, explainer.table),
            item,
            data,
        )
    }
}
