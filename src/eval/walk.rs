//! The explaining path as it was before explanation plans (tests only): full results built by
//! walking each condition tree, re-evaluating subtrees for the reasons, then sorting. The
//! differential tests check that [`super::explain`] gives the same results, byte for byte in JSON.

use std::borrow::Cow;

use super::filter::{Filter, Resolved};
use super::reasons::explain;
use super::services;
use crate::model::guide::Guide;
use crate::model::rule::{Rule, RuleKind};
use crate::model::truth::Truth;
use crate::model::value::Slots;
use crate::result::{
    ActionResult, Evaluation, EvidenceRef, GuideStamp, OverlayStamp, RuleResult, ScopeResult,
    Status,
};

/// Evaluates bound `slots` against `guide`, keeping what `filter` keeps.
pub(super) fn evaluate<'g>(
    guide: &'g Guide,
    slots: &Slots,
    filter: Option<&Filter>,
) -> Evaluation<'g> {
    let filter = filter.map(|f| f.resolve(guide)).unwrap_or_default();
    let scope = scope(guide, slots);
    let scope_truth = scope.status.truth();
    let context = Context {
        guide,
        slots,
        scope: scope_truth,
        scope_missing: &scope.missing,
        filter,
    };
    let recommendations = context.results(&guide.core.recommendations);
    let principles = context.results(&guide.core.principles);
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

fn scope<'g>(guide: &'g Guide, slots: &Slots) -> ScopeResult<'g> {
    match &guide.core.scope {
        Some(scope) => {
            let (truth, reasons, missing) = explain(guide, &scope.condition, slots);
            ScopeResult {
                status: Status::from_truth(truth),
                description: Cow::Borrowed(&scope.description),
                reasons,
                missing,
            }
        }
        None => ScopeResult {
            status: Status::Applies,
            description: Cow::Borrowed("every family"),
            reasons: Vec::new(),
            missing: Vec::new(),
        },
    }
}

/// What every rule's result needs.
struct Context<'g, 'a> {
    guide: &'g Guide,
    slots: &'a Slots,
    scope: Truth,
    scope_missing: &'a [Cow<'g, str>],
    filter: Resolved,
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
        let actions = if truth == Truth::False {
            Vec::new()
        } else {
            self.actions(rule, truth)
        };
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
            actions,
            links: Cow::Borrowed(&rule.shown.links),
            outcomes: Cow::Borrowed(&rule.shown.outcomes),
            audiences: Cow::Borrowed(&rule.shown.audiences),
            why: Cow::Borrowed(&rule.shown.why),
            sources: Cow::Borrowed(&rule.sources),
            services: Vec::new(),
        }
    }

    /// The rule's "how" points that apply or are undetermined, given the rule's truth.
    fn actions(&self, rule: &'g Rule, rule_truth: Truth) -> Vec<ActionResult<'g>> {
        rule.actions
            .iter()
            .filter(|a| self.filter.keeps_audiences(&a.audiences))
            .filter_map(|action| {
                let (own, reasons, missing) = match &action.condition {
                    Some(c) => explain(self.guide, c, self.slots),
                    None => (Truth::True, Vec::new(), Vec::new()),
                };
                let status = Status::from_truth(own.min(rule_truth));
                (status != Status::DoesNotApply).then(|| ActionResult {
                    id: Cow::Borrowed(&action.id),
                    text: Cow::Borrowed(&action.text),
                    audiences: Cow::Borrowed(&action.audience_ids),
                    status,
                    reasons,
                    missing,
                })
            })
            .collect()
    }
}
