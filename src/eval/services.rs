//! An overlay's local services under the recommendation results they deliver: eligibility (ages,
//! the service's own condition, the "how" point it delivers), and the fit flags computed at load,
//! each kept when what the guide says holds (or may hold) for the family. Every condition's truth
//! and reasons are read from the profile's truth table, as the rules' are.

use super::reasons::Explainer;
use crate::ids::FactId;
use crate::model::cache::Lists;
use crate::model::overlay::{Delivered, PossibleFlag};
use crate::model::rule::RuleKind;
use crate::model::truth::Truth;
use crate::result::{Data, FlagData, ServiceData, Span, Status};

/// What the services under one recommendation's result read.
pub(super) struct Under<'g, 'a> {
    pub(super) explainer: Explainer<'g, 'a>,
    /// The guide's scope's truth.
    pub(super) scope: Truth,
    /// The recommendation's index.
    pub(super) index: usize,
    /// Its truth (its condition's, with the scope's), and its missing facts.
    pub(super) rule_truth: Truth,
    pub(super) rule_missing: Span,
}

impl Under<'_, '_> {
    /// The local services delivering the recommendation that the family is, or may be,
    /// eligible for, into `data`: eligible first, then undetermined, each in the overlay's order.
    pub(super) fn services(&self, lists: &mut Lists, data: &mut Data) -> Span {
        let start = data.services.len();
        let delivering = self
            .explainer
            .guide
            .overlay()
            .and_then(|o| o.delivering.get(self.index));
        if let (Some(delivering), false) = (delivering, self.rule_truth == Truth::False) {
            for (at, delivered) in delivering.iter().enumerate() {
                self.service(at, delivered, lists, data);
            }
        }
        let services = data.services.get_mut(start..).unwrap_or_default();
        // Eligible first, then undetermined; overlay order within each (a stable sort).
        services.sort_by_key(|s| s.status);
        Span::since(start, data.services.len())
    }

    fn service(&self, at: usize, delivered: &Delivered, lists: &mut Lists, data: &mut Data) {
        let guide = self.explainer.guide;
        let (Some(overlay), Some(rule)) =
            (guide.overlay(), guide.core.recommendations.get(self.index))
        else {
            return;
        };
        let Some(service) = overlay.services.get(delivered.service) else {
            return;
        };
        let action = delivered.action.and_then(|i| rule.actions.get(i));
        // Its facts, with their names, for the missing list in name order.
        let mut missing: Vec<FactId> = Vec::new();
        let mut truth = self.rule_truth;
        let (reasons_at, facts_at) = (data.reasons.len(), data.facts.len());
        for root in std::iter::once(service.ages_root).chain(service.eligible_root) {
            let (t, _, _) = self.explainer.explain(root, lists, data);
            truth = truth.and(t);
        }
        missing.extend(data.facts.drain(facts_at..));
        if let Some(root) = action.and_then(|a| a.root) {
            // The "how" point's own tests decide only whether it applies; they are the
            // recommendation's reasons, not the service's, so only its missing facts are kept.
            truth = truth.and(self.explainer.missing(root, lists));
            missing.extend_from_slice(&lists.unknown);
        }
        let status = Status::from_truth(truth);
        if status == Status::DoesNotApply {
            data.reasons.truncate(reasons_at);
            return;
        }
        let reasons = Span::since(reasons_at, data.reasons.len());
        if status == Status::Undetermined {
            if self.rule_truth == Truth::Unknown {
                let rule_missing = self.rule_missing.of(&data.facts).to_vec();
                missing.extend(rule_missing);
            }
            let vocab = guide.vocab();
            missing.sort_by(|a, b| vocab.fact_name(*a).cmp(vocab.fact_name(*b)));
            missing.dedup();
            data.facts.extend_from_slice(&missing);
        }
        let missing = Span::since(facts_at, data.facts.len());
        let flags_at = data.flags.len();
        for (i, flag) in delivered.flags.iter().enumerate() {
            if let Some(status) = self.flag(flag, truth) {
                let flag = u32::try_from(i).unwrap_or(u32::MAX);
                data.flags.push(FlagData { flag, status });
            }
        }
        let at32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        data.services.push(ServiceData {
            recommendation: at32(self.index),
            delivered: at32(at),
            status,
            reasons,
            missing,
            flags: Span::since(flags_at, data.flags.len()),
        });
    }

    /// The flag's status, when what the guide says holds (or may hold) for the family. A misfit
    /// matters to this family only as far as the family is eligible: a flag is no more decided
    /// than its service (so filling in facts never withdraws a decided flag).
    fn flag(&self, flag: &PossibleFlag, service: Truth) -> Option<Status> {
        let table = self.explainer.table;
        let owner = self.explainer.guide.core.rule(flag.owner);
        let owner_truth = match owner.kind {
            RuleKind::Recommendation => self.rule_truth,
            RuleKind::Principle => table.root(owner.root).and(self.scope),
        };
        let truth = match flag.action.and_then(|i| owner.actions.get(i)) {
            Some(action) => table.root(action.root).and(owner_truth),
            None => owner_truth,
        };
        // No more decided than the service (which applies, or is undetermined).
        (truth != Truth::False).then(|| Status::from_truth(truth.and(service)))
    }
}
