//! An overlay's local services under the recommendation results they deliver: eligibility (ages,
//! the service's own condition, the "how" point it delivers), and the fit flags computed at load,
//! each kept when what the guide says holds (or may hold) for the family. Every condition's truth
//! and reasons are read from the profile's truth table, as the rules' are.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::reasons::Explainer;
use crate::model::cache::Lists;
use crate::model::overlay::{Delivered, Overlay, PossibleFlag};
use crate::model::rule::RuleKind;
use crate::model::truth::Truth;
use crate::result::{FitFlag, ServiceResult, Status};

/// What the services under one recommendation's result read.
pub(super) struct Under<'g, 'a> {
    pub(super) explainer: Explainer<'g, 'a>,
    /// The guide's scope's truth.
    pub(super) scope: Truth,
    /// The recommendation's index.
    pub(super) index: usize,
    /// Its truth (its condition's, with the scope's), and its missing facts.
    pub(super) rule_truth: Truth,
    pub(super) rule_missing: &'a [Cow<'g, str>],
}

impl<'g> Under<'g, '_> {
    /// The local services delivering the recommendation that the family is, or may be,
    /// eligible for: eligible first, then undetermined, each in the overlay's order.
    pub(super) fn services(&self, lists: &mut Lists) -> Vec<ServiceResult<'g>> {
        let Some(overlay) = self.explainer.guide.overlay() else {
            return Vec::new();
        };
        if self.rule_truth == Truth::False {
            return Vec::new();
        }
        let Some(delivering) = overlay.delivering.get(self.index) else {
            return Vec::new();
        };
        let mut services: Vec<ServiceResult<'g>> = delivering
            .iter()
            .filter_map(|d| self.service(overlay, d, lists))
            .collect();
        // Eligible first, then undetermined; overlay order within each (a stable sort).
        services.sort_by_key(|s| s.status);
        services
    }

    fn service(
        &self,
        overlay: &'g Overlay,
        delivered: &'g Delivered,
        lists: &mut Lists,
    ) -> Option<ServiceResult<'g>> {
        let guide = self.explainer.guide;
        let service = overlay.services.get(delivered.service)?;
        let rule = guide.core.recommendations.get(self.index)?;
        let action = delivered.action.and_then(|i| rule.actions.get(i));
        let mut reasons = Vec::new();
        let mut missing: BTreeSet<Cow<'g, str>> = BTreeSet::new();
        let (mut these, mut unknown) = (Vec::new(), Vec::new());
        let mut truth = self.rule_truth;
        for root in std::iter::once(service.ages_root).chain(service.eligible_root) {
            truth = truth.and(
                self.explainer
                    .explain(root, lists, &mut these, &mut unknown),
            );
            reasons.append(&mut these);
            missing.extend(unknown.drain(..));
        }
        if let Some(root) = action.and_then(|a| a.root) {
            // The "how" point's own tests decide only whether it applies; they are the
            // recommendation's reasons, not the service's, so only its missing facts are kept.
            truth = truth.and(self.explainer.missing(root, lists, &mut unknown));
            missing.extend(unknown.drain(..));
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
            .filter_map(|flag| self.flag(flag, truth))
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
    fn flag(&self, flag: &'g PossibleFlag, service: Truth) -> Option<FitFlag<'g>> {
        let table = self.explainer.table;
        let owner = self.explainer.guide.core.rule(flag.owner);
        let owner_truth = match owner.kind {
            RuleKind::Recommendation => self.rule_truth,
            RuleKind::Principle => table.root(owner.root).and(self.scope),
        };
        let (says, truth) = match flag.action.and_then(|i| owner.actions.get(i)) {
            Some(action) => (
                action.text.as_str(),
                table.root(action.root).and(owner_truth),
            ),
            None => (owner.statement.as_str(), owner_truth),
        };
        if truth == Truth::False {
            return None;
        }
        Some(FitFlag {
            aspect: flag.aspect,
            offered: Cow::Borrowed(flag.offered),
            fits: Cow::Borrowed(&flag.fits),
            // No more decided than the service (which applies, or is undetermined).
            status: Status::from_truth(truth.and(service)),
            rule: Cow::Borrowed(&owner.id),
            says: Cow::Borrowed(says),
            message: Cow::Borrowed(&flag.message),
            sources: Cow::Borrowed(&owner.sources),
        })
    }
}
