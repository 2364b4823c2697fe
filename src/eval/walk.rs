//! The explaining path as it was before explanation plans (tests only): full results built by
//! walking each condition tree, re-evaluating subtrees for the reasons, then sorting. The
//! differential tests check that [`super::explain`] gives the same results, byte for byte in JSON.

use std::borrow::Cow;
use std::cell::RefCell;

use super::filter::{Filter, Resolved};
use super::open::{self, Open, OpenItem, Partial};
use super::reasons::explain;
use super::services;
use crate::model::condition::Condition;
use crate::model::guide::Guide;
use crate::model::rule::{Rule, RuleKind};
use crate::model::truth::Truth;
use crate::model::value::Slots;
use crate::result::{
    ActionResult, Deciding, Evaluation, EvidenceRef, GuideStamp, OverlayStamp, Residual,
    RuleResult, ScopeResult, Status,
};

/// Evaluates bound `slots` against `guide`, keeping what `filter` keeps.
pub(super) fn evaluate<'g>(
    guide: &'g Guide,
    slots: &Slots,
    filter: Option<&Filter>,
) -> Evaluation<'g> {
    let filter = filter.map(|f| f.resolve(guide)).unwrap_or_default();
    let (scope, scope_open) = scope(guide, slots, filter.skip_open);
    let scope_truth = scope.status.truth();
    let context = Context {
        guide,
        slots,
        scope: scope_truth,
        scope_missing: &scope.missing,
        scope_open,
        filter,
        open: RefCell::new(Vec::new()),
    };
    let recommendations = context.results(&guide.core.recommendations);
    let principles = context.results(&guide.core.principles);
    let questions = open::questions(guide, &context.open.borrow());
    let metadata = &guide.core.metadata;
    Evaluation {
        guide: GuideStamp {
            id: Cow::Borrowed(&metadata.id),
            title: Cow::Borrowed(&metadata.title),
            version: Cow::Borrowed(&metadata.version),
            content_hash: Cow::Borrowed(&metadata.content_hash),
        },
        scope,
        recommendations,
        principles,
        questions,
        changes: Vec::new(),
        overlay: guide.overlay().map(|overlay| {
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
        }),
    }
}

/// The scope's result, and what remains of it when it is undetermined.
fn scope<'g>(
    guide: &'g Guide,
    slots: &Slots,
    skip_open: bool,
) -> (ScopeResult<'g>, Option<Open<'g>>) {
    match &guide.core.scope {
        Some(scope) => {
            let (truth, reasons, missing) = explain(guide, &scope.condition, slots);
            let remains = match open::partial(&scope.condition, slots) {
                Partial::Open(o) if truth == Truth::Unknown && !skip_open => Some(o),
                _ => None,
            };
            let result = ScopeResult {
                status: Status::from_truth(truth),
                description: Cow::Borrowed(&scope.description),
                reasons,
                missing,
                residual: remains.as_ref().map(|o| o.residual(guide, false)),
                deciding: remains
                    .as_ref()
                    .map(|_| {
                        let mut item =
                            OpenItem::new(Cow::Borrowed("scope"), None, vec![&scope.condition]);
                        open::deciding(guide, &mut item, slots)
                    })
                    .unwrap_or_default(),
            };
            (result, remains)
        }
        None => {
            let result = ScopeResult {
                status: Status::Applies,
                description: Cow::Borrowed("every family"),
                reasons: Vec::new(),
                missing: Vec::new(),
                residual: None,
                deciding: Vec::new(),
            };
            (result, None)
        }
    }
}

/// What every rule's result needs.
struct Context<'g, 'a> {
    guide: &'g Guide,
    slots: &'a Slots,
    scope: Truth,
    scope_missing: &'a [Cow<'g, str>],
    /// What remains of the scope, when it is undetermined.
    scope_open: Option<Open<'g>>,
    filter: Resolved,
    /// Every undetermined rule and action, in guide order, for the questions.
    open: RefCell<Vec<OpenItem<'g>>>,
}

impl<'g> Context<'g, '_> {
    fn results(&self, rules: &'g [Rule]) -> Vec<RuleResult<'g>> {
        let mut results: Vec<RuleResult<'g>> = rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| self.filter.keeps(self.guide, rule))
            .map(|(index, rule)| {
                let mut result = self.rule(rule);
                if rule.kind == RuleKind::Recommendation {
                    result.services =
                        services::under(self.guide, self.slots, self.scope, index, &result);
                }
                result
            })
            .collect();
        // A stable sort: rules of equal status and strength stay in guide order.
        results.sort_by_key(|r| (r.status, r.evidence.as_ref().map_or(usize::MAX, |e| e.rank)));
        results
    }

    fn rule(&self, rule: &'g Rule) -> RuleResult<'g> {
        let (own, reasons, mut missing) = match &rule.condition {
            Some(condition) => explain(self.guide, condition, self.slots),
            None => (Truth::True, Vec::new(), Vec::new()),
        };
        // Every rule holds only within the guide's scope: scope AND condition, in Kleene logic.
        let truth = own.min(self.scope);
        if truth == Truth::Unknown && self.scope == Truth::Unknown {
            for fact in self.scope_missing {
                if !missing.contains(fact) {
                    missing.push(fact.clone());
                }
            }
        }
        if truth != Truth::Unknown {
            missing.clear();
        }
        let remains = if truth == Truth::Unknown {
            self.remains(rule.condition.as_ref(), self.scope_open.as_ref())
        } else {
            None
        };
        // The rule is noted before its actions, for the questions' guide order.
        let noted_at = self.open.borrow().len();
        let actions = if truth == Truth::False {
            Vec::new()
        } else {
            self.actions(rule, truth, remains.as_ref())
        };
        let conditions = open::conditions(self.guide, rule.condition.as_ref(), None);
        let (residual, deciding) =
            self.note_open(noted_at, (&rule.id, rule.evidence, conditions), remains);
        let evidence = rule.evidence.and_then(|rank| {
            let level = self.guide.core.evidence.get(rank)?;
            Some(EvidenceRef {
                id: Cow::Borrowed(&level.id),
                label: Cow::Borrowed(&level.label),
                rank,
                unrated: level.unrated,
            })
        });
        RuleResult {
            id: Cow::Borrowed(&rule.id),
            kind: rule.kind,
            title: Cow::Borrowed(&rule.title),
            statement: Cow::Borrowed(&rule.statement),
            status: Status::from_truth(truth),
            evidence,
            reasons,
            missing,
            residual,
            deciding,
            actions,
            links: Cow::Borrowed(&rule.shown.links),
            outcomes: Cow::Borrowed(&rule.shown.outcomes),
            audiences: Cow::Borrowed(&rule.shown.audiences),
            why: Cow::Borrowed(&rule.shown.why),
            sources: Cow::Borrowed(&rule.sources),
            services: Vec::new(),
        }
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

    /// Records an undetermined rule or action (`id`) for the questions (at position `at`), and
    /// gives its residual and the values that would decide it.
    fn note_open(
        &self,
        at: usize,
        (id, evidence, conditions): (&str, Option<usize>, Vec<&'g Condition>),
        remains: Option<Open<'g>>,
    ) -> (Option<Residual<'g>>, Vec<Deciding<'g>>) {
        let Some(open) = remains else {
            return (None, Vec::new());
        };
        let residual = open.residual(self.guide, false);
        let mut item = OpenItem::new(Cow::Owned(id.to_owned()), evidence, conditions);
        let deciding = open::deciding(self.guide, &mut item, self.slots);
        let mut noted = self.open.borrow_mut();
        let at = at.min(noted.len());
        noted.insert(at, item);
        (Some(residual), deciding)
    }

    /// The rule's "how" points that apply or are undetermined, given the rule's truth and what
    /// remains of it.
    fn actions(
        &self,
        rule: &'g Rule,
        rule_truth: Truth,
        rule_open: Option<&Open<'g>>,
    ) -> Vec<ActionResult<'g>> {
        rule.actions
            .iter()
            .filter(|a| self.filter.keeps_audiences(&a.audiences))
            .filter_map(|action| {
                let (own, reasons, missing) = match &action.condition {
                    Some(c) => explain(self.guide, c, self.slots),
                    None => (Truth::True, Vec::new(), Vec::new()),
                };
                let status = Status::from_truth(own.min(rule_truth));
                if status == Status::DoesNotApply {
                    return None;
                }
                let remains = if status == Status::Undetermined {
                    self.remains(action.condition.as_ref(), rule_open)
                } else {
                    None
                };
                let id = format!("{}#{}", rule.id, action.id);
                let at = self.open.borrow().len();
                let conditions = open::conditions(
                    self.guide,
                    rule.condition.as_ref(),
                    action.condition.as_ref(),
                );
                let (residual, deciding) =
                    self.note_open(at, (&id, rule.evidence, conditions), remains);
                Some(ActionResult {
                    id: Cow::Borrowed(&action.id),
                    text: Cow::Borrowed(&action.text),
                    audiences: Cow::Borrowed(&action.audience_ids),
                    status,
                    reasons,
                    missing,
                    residual,
                    deciding,
                })
            })
            .collect()
    }
}
