//! Full results built by walking each condition tree, re-evaluating subtrees for the reasons,
//! then sorting; an overlay's services and fit flags from their own trees.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeSet;

use super::{Open, Tree, deciding, explain, partial, remains, residual};
use crate::eval::filter::{Filter, Resolved};
use crate::eval::open::OpenItem;
use crate::ids::ActionName;
use crate::model::condition::Condition;
use crate::model::guide::Guide;
use crate::model::overlay::{Delivered, Overlay, PossibleFlag};
use crate::model::rule::{Rule, RuleKind};
use crate::model::truth::Truth;
use crate::model::value::Slots;
use crate::model::vocabulary::FactType;
use crate::result::Status;
use crate::result::shape::{
    ActionResult, Deciding, Evaluation, EvidenceRef, FitFlag, GuideStamp, OverlayStamp, Question,
    Reason, Residual, RuleResult, ScopeResult, ServiceResult,
};

/// Evaluates bound `slots` against `guide`, keeping what `filter` keeps.
pub(super) fn evaluate<'g>(
    guide: &'g Guide,
    slots: &Slots,
    filter: Option<&Filter>,
) -> Evaluation<'g> {
    let filter = filter.map(|f| f.resolve(guide)).unwrap_or_default();
    let (scope, scope_open, scope_truth) = scope(guide, slots, filter.skip_open);
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
    let questions = questions(guide, &context.open.borrow());
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

/// The questions, from the open items (each with its name), ranked as the evaluator ranks them.
fn questions<'g>(guide: &'g Guide, items: &[(String, OpenItem)]) -> Vec<Question<'g>> {
    let open: Vec<&OpenItem> = items.iter().map(|(_, item)| item).collect();
    let ranked = crate::eval::open::questions(&open);
    ranked
        .into_iter()
        .filter_map(|(fact, settled, strongest)| {
            let fact = guide.vocab().fact(fact)?;
            let values = match &fact.fact_type {
                FactType::OneOf(values) | FactType::SetOf(values) => {
                    values.names().map(Cow::Borrowed).collect()
                }
                _ => Vec::new(),
            };
            Some(Question {
                fact: Cow::Borrowed(&fact.name),
                description: Cow::Borrowed(&fact.description),
                fact_type: Cow::Borrowed(fact.fact_type.keyword()),
                values,
                settles: (settled.iter())
                    .filter_map(|i| Some(Cow::Owned(items.get(*i)?.0.clone())))
                    .collect(),
                strongest: strongest.and_then(|rank| {
                    let level = guide.core.evidence.get(rank)?;
                    Some(EvidenceRef {
                        id: Cow::Borrowed(&level.id),
                        label: Cow::Borrowed(&level.label),
                        rank,
                        unrated: level.unrated,
                    })
                }),
            })
        })
        .collect()
}

/// The scope's result, and what remains of it when it is undetermined.
fn scope<'g>(
    guide: &'g Guide,
    slots: &Slots,
    skip_open: bool,
) -> (ScopeResult<'g>, Option<Open<'g>>, Truth) {
    match &guide.core.scope {
        Some(scope) => {
            let (truth, reasons, missing) = explain(guide, &scope.condition, slots);
            let remains = match partial(&scope.condition, slots) {
                Ok(o) if truth == Truth::Unknown && !skip_open => Some(o),
                _ => None,
            };
            let result = ScopeResult {
                status: Status::from_truth(truth),
                description: Cow::Borrowed(&scope.description),
                reasons,
                missing,
                residual: remains.as_ref().map(|o| residual(o, guide, false)),
                deciding: remains
                    .as_ref()
                    .map(|_| deciding(guide, (None, vec![&scope.condition]), slots).0)
                    .unwrap_or_default(),
            };
            (result, remains, truth)
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
            (result, None, Truth::True)
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
    /// Every undetermined rule and action (`RULE`, `RULE#ACTION`), in guide order, for the
    /// questions.
    open: RefCell<Vec<(String, OpenItem)>>,
}

impl<'g> Context<'g, '_> {
    fn results(&self, rules: &'g [Rule]) -> Vec<RuleResult<'g>> {
        let mut results: Vec<RuleResult<'g>> = rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| self.filter.keeps(self.guide, rule))
            .map(|(index, rule)| {
                let (mut result, truth) = self.rule(rule);
                if rule.kind == RuleKind::Recommendation {
                    result.services = self.services(index, truth, &result.missing);
                }
                result
            })
            .collect();
        // A stable sort: rules of equal status and strength stay in guide order.
        results.sort_by_key(|r| (r.status, r.evidence.as_ref().map_or(usize::MAX, |e| e.rank)));
        results
    }

    fn rule(&self, rule: &'g Rule) -> (RuleResult<'g>, Truth) {
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
        let conditions = self.conditions(rule.condition.as_ref(), None);
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
        let result = RuleResult {
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
        };
        (result, truth)
    }

    /// The scope's, the rule's and the action's conditions, as there are.
    fn conditions(
        &self,
        rule: Option<&'g Condition>,
        action: Option<&'g Condition>,
    ) -> Vec<&'g Condition> {
        let scope = self.guide.core.scope.as_ref().map(|s| &s.condition);
        scope.into_iter().chain(rule).chain(action).collect()
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
        remains(condition, context, self.slots)
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
        let residual = residual(&open, self.guide, false);
        let (deciding, item) = deciding(self.guide, (evidence, conditions), self.slots);
        let mut noted = self.open.borrow_mut();
        let at = at.min(noted.len());
        noted.insert(at, (id.to_owned(), item));
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
                let id = ActionName {
                    rule: &rule.id,
                    action: &action.id,
                }
                .to_string();
                let at = self.open.borrow().len();
                let conditions =
                    self.conditions(rule.condition.as_ref(), action.condition.as_ref());
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

impl<'g> Context<'g, '_> {
    /// The local services delivering the recommendation at `index` (of truth `rule_truth`, with
    /// `rule_missing`) that the family is, or may be, eligible for: eligible first, then
    /// undetermined, each in the overlay's order.
    fn services(
        &self,
        index: usize,
        rule_truth: Truth,
        rule_missing: &[Cow<'g, str>],
    ) -> Vec<ServiceResult<'g>> {
        let Some(overlay) = self.guide.overlay() else {
            return Vec::new();
        };
        if rule_truth == Truth::False {
            return Vec::new();
        }
        let Some(delivering) = overlay.delivering.get(index) else {
            return Vec::new();
        };
        let mut services: Vec<ServiceResult<'g>> = delivering
            .iter()
            .filter_map(|d| self.service(overlay, d, (index, rule_truth, rule_missing)))
            .collect();
        services.sort_by_key(|s| s.status);
        services
    }

    fn service(
        &self,
        overlay: &'g Overlay,
        delivered: &'g Delivered,
        (index, rule_truth, rule_missing): (usize, Truth, &[Cow<'g, str>]),
    ) -> Option<ServiceResult<'g>> {
        let service = overlay.services.get(delivered.service)?;
        let rule = self.guide.core.recommendations.get(index)?;
        let action = delivered.action.and_then(|i| rule.actions.get(i));
        let mut reasons: Vec<Reason<'g>> = Vec::new();
        let mut missing: BTreeSet<Cow<'g, str>> = BTreeSet::new();
        let mut truth = rule_truth;
        for condition in std::iter::once(&service.ages_condition).chain(&service.condition) {
            let (t, r, m) = explain(self.guide, condition, self.slots);
            truth = truth.and(t);
            reasons.extend(r);
            missing.extend(m);
        }
        if let Some(condition) = action.and_then(|a| a.condition.as_ref()) {
            let (t, _, m) = explain(self.guide, condition, self.slots);
            truth = truth.and(t);
            missing.extend(m);
        }
        let status = Status::from_truth(truth);
        if status == Status::DoesNotApply {
            return None;
        }
        if status == Status::Undetermined && rule_truth == Truth::Unknown {
            missing.extend(rule_missing.iter().cloned());
        }
        let missing = match status {
            Status::Undetermined => missing.into_iter().collect(),
            _ => Vec::new(),
        };
        let flags = delivered
            .flags
            .iter()
            .filter_map(|flag| self.flag(flag, rule_truth, status))
            .collect();
        Some(ServiceResult {
            id: Cow::Borrowed(&service.id),
            name: Cow::Borrowed(&service.name),
            description: Cow::Borrowed(&service.description),
            status,
            delivery: service.delivery,
            format: service.format,
            structure: service.structure,
            ages: Cow::Borrowed(&service.ages),
            action: action.map(|a| Cow::Borrowed(a.text.as_str())),
            action_id: action.map(|a| Cow::Borrowed(a.id.as_str())),
            reasons,
            missing,
            referral: Cow::Borrowed(&service.referral),
            flags,
        })
    }

    /// A flag holds as far as its owner's words (the rule's, or a "how" point's) hold, and is
    /// no more decided than the service.
    fn flag(
        &self,
        flag: &'g PossibleFlag,
        rule_truth: Truth,
        service: Status,
    ) -> Option<FitFlag<'g>> {
        let owner = self.guide.core.rule(flag.owner);
        let owner_truth = match owner.kind {
            RuleKind::Recommendation => rule_truth,
            RuleKind::Principle => owner
                .condition
                .as_ref()
                .map_or(Truth::True, |c| c.truth(self.slots))
                .and(self.scope),
        };
        let (says, truth) = match flag.action.and_then(|i| owner.actions.get(i)) {
            Some(action) => {
                let own = action
                    .condition
                    .as_ref()
                    .map_or(Truth::True, |c| c.truth(self.slots));
                (action.text.as_str(), own.and(owner_truth))
            }
            None => (owner.statement.as_str(), owner_truth),
        };
        if truth == Truth::False {
            return None;
        }
        Some(FitFlag {
            aspect: flag.aspect,
            offered: Cow::Borrowed(flag.offered),
            fits: Cow::Borrowed(&flag.fits),
            status: Status::from_truth(truth).max(service),
            rule: Cow::Borrowed(&owner.id),
            says: Cow::Borrowed(says),
            message: Cow::Borrowed(&flag.message),
            sources: Cow::Borrowed(&owner.sources),
        })
    }
}
