//! An overlay's local services under the recommendation results they deliver: eligibility (ages,
//! the service's own condition, the "how" point it delivers), and the fit flags computed at load,
//! each kept when what the guide says holds (or may hold) for the family.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::reasons::explain;
use crate::model::condition::Condition;
use crate::model::guide::Guide;
use crate::model::overlay::{Delivered, Overlay, PossibleFlag};
use crate::model::rule::RuleKind;
use crate::model::truth::Truth;
use crate::model::value::Slots;
use crate::result::{FitFlag, Reason, RuleResult, ServiceResult, Status};

/// The local services delivering the recommendation at `index` (whose result is `result`) that
/// the family is, or may be, eligible for: eligible first, then undetermined, each in the
/// overlay's order.
pub(super) fn under<'g>(
    guide: &'g Guide,
    slots: &Slots,
    scope: Truth,
    index: usize,
    result: &RuleResult<'g>,
) -> Vec<ServiceResult<'g>> {
    let Some(overlay) = guide.overlay() else {
        return Vec::new();
    };
    if result.status == Status::DoesNotApply {
        return Vec::new();
    }
    let Some(delivering) = overlay.delivering.get(index) else {
        return Vec::new();
    };
    let context = Context {
        guide,
        overlay,
        slots,
        scope,
        index,
        rule_truth: result.status.truth(),
        rule_missing: &result.missing,
    };
    let mut services: Vec<ServiceResult<'g>> = delivering
        .iter()
        .filter_map(|d| context.service(d))
        .collect();
    // Eligible first, then undetermined; overlay order within each (a stable sort).
    services.sort_by_key(|s| s.status);
    services
}

struct Context<'g, 'a> {
    guide: &'g Guide,
    overlay: &'g Overlay,
    slots: &'a Slots,
    scope: Truth,
    /// The recommendation's index.
    index: usize,
    rule_truth: Truth,
    rule_missing: &'a [Cow<'g, str>],
}

impl<'g> Context<'g, '_> {
    fn service(&self, delivered: &'g Delivered) -> Option<ServiceResult<'g>> {
        let service = self.overlay.services.get(delivered.service)?;
        let rule = self.guide.core.recommendations.get(self.index)?;
        let action = delivered.action.and_then(|i| rule.actions.get(i));
        let mut reasons = Vec::new();
        let mut missing: BTreeSet<Cow<'g, str>> = BTreeSet::new();
        let mut add = |condition: &'g Condition, reasons: Option<&mut Vec<Reason<'g>>>| {
            let (t, r, m) = explain(self.guide, condition, self.slots);
            if let Some(reasons) = reasons {
                reasons.extend(r);
            }
            missing.extend(m);
            t
        };
        let mut truth = self
            .rule_truth
            .min(add(&service.ages_condition, Some(&mut reasons)));
        if let Some(condition) = &service.condition {
            truth = truth.min(add(condition, Some(&mut reasons)));
        }
        if let Some(condition) = action.and_then(|a| a.condition.as_ref()) {
            // The "how" point's own tests decide only whether it applies; they are the
            // recommendation's reasons, not the service's, so only its missing facts are kept.
            truth = truth.min(add(condition, None));
        }
        let status = Status::from_truth(truth);
        if status == Status::DoesNotApply {
            return None;
        }
        if status == Status::Undetermined && self.rule_truth == Truth::Unknown {
            missing.extend(self.rule_missing.iter().cloned());
        }
        let missing = if status == Status::Undetermined {
            missing.into_iter().collect()
        } else {
            Vec::new()
        };
        let flags = delivered
            .flags
            .iter()
            .filter_map(|flag| self.flag(flag, status))
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

    /// The flag, when what the guide says holds (or may hold) for the family. A misfit matters
    /// to this family only as far as the family is eligible: a flag is no more decided than its
    /// service (so filling in facts never withdraws a decided flag).
    fn flag(&self, flag: &'g PossibleFlag, service: Status) -> Option<FitFlag<'g>> {
        let core = &self.guide.core;
        let (owner, owner_truth) = match flag.owner {
            (RuleKind::Recommendation, i) => (core.recommendations.get(i)?, self.rule_truth),
            (RuleKind::Principle, i) => {
                let principle = core.principles.get(i)?;
                let truth = match &principle.condition {
                    Some(c) => c.truth(self.slots).min(self.scope),
                    None => self.scope,
                };
                (principle, truth)
            }
        };
        let (says, truth) = match flag.action.and_then(|i| owner.actions.get(i)) {
            Some(action) => {
                let own = action
                    .condition
                    .as_ref()
                    .map_or(Truth::True, |c| c.truth(self.slots));
                (action.text.as_str(), own.min(owner_truth))
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
