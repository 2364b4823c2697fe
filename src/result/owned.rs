//! Detaching results from their guide: every borrowed text made owned, field by field.

use std::borrow::Cow;

use super::*;

/// Converts every borrowed text of a result into an owned one.
fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

fn owned_texts(texts: Texts<'_>) -> Texts<'static> {
    Cow::Owned(texts.into_owned())
}

fn owned_list(list: Vec<Cow<'_, str>>) -> Vec<Cow<'static, str>> {
    list.into_iter().map(owned).collect()
}

impl GuideStamp<'_> {
    pub(super) fn into_owned(self) -> GuideStamp<'static> {
        GuideStamp {
            id: owned(self.id),
            title: owned(self.title),
            version: owned(self.version),
            content_hash: owned(self.content_hash),
        }
    }
}

impl ScopeResult<'_> {
    pub(super) fn into_owned(self) -> ScopeResult<'static> {
        ScopeResult {
            status: self.status,
            description: owned(self.description),
            reasons: self.reasons.into_iter().map(Reason::into_owned).collect(),
            missing: owned_list(self.missing),
            residual: self.residual.map(Residual::into_owned),
            deciding: self
                .deciding
                .into_iter()
                .map(Deciding::into_owned)
                .collect(),
        }
    }
}

impl RuleResult<'_> {
    pub(super) fn into_owned(self) -> RuleResult<'static> {
        RuleResult {
            id: owned(self.id),
            kind: self.kind,
            title: owned(self.title),
            statement: owned(self.statement),
            status: self.status,
            evidence: self.evidence.map(EvidenceRef::into_owned),
            reasons: self.reasons.into_iter().map(Reason::into_owned).collect(),
            missing: owned_list(self.missing),
            residual: self.residual.map(Residual::into_owned),
            deciding: self
                .deciding
                .into_iter()
                .map(Deciding::into_owned)
                .collect(),
            actions: self
                .actions
                .into_iter()
                .map(ActionResult::into_owned)
                .collect(),
            links: owned_texts(self.links),
            outcomes: owned_texts(self.outcomes),
            audiences: owned_texts(self.audiences),
            why: owned_texts(self.why),
            sources: Cow::Owned(self.sources.into_owned()),
            services: self
                .services
                .into_iter()
                .map(ServiceResult::into_owned)
                .collect(),
        }
    }
}

impl EvidenceRef<'_> {
    pub(crate) fn into_owned(self) -> EvidenceRef<'static> {
        EvidenceRef {
            id: owned(self.id),
            label: owned(self.label),
            rank: self.rank,
            unrated: self.unrated,
        }
    }
}

impl ActionResult<'_> {
    pub(super) fn into_owned(self) -> ActionResult<'static> {
        ActionResult {
            id: owned(self.id),
            text: owned(self.text),
            audiences: owned_texts(self.audiences),
            status: self.status,
            reasons: self.reasons.into_iter().map(Reason::into_owned).collect(),
            missing: owned_list(self.missing),
            residual: self.residual.map(Residual::into_owned),
            deciding: self
                .deciding
                .into_iter()
                .map(Deciding::into_owned)
                .collect(),
        }
    }
}

impl Reason<'_> {
    pub(super) fn into_owned(self) -> Reason<'static> {
        Reason {
            fact: owned(self.fact),
            test: owned(self.test),
            value: self.value.map(SeenValue::into_owned),
            result: self.result,
            via: self.via.map(owned),
        }
    }
}

impl SeenValue<'_> {
    pub(crate) fn into_owned(self) -> SeenValue<'static> {
        match self {
            SeenValue::Bool(b) => SeenValue::Bool(b),
            SeenValue::Integer(i) => SeenValue::Integer(i),
            SeenValue::Text(t) => SeenValue::Text(owned(t)),
            SeenValue::List(items) => SeenValue::List(owned_list(items)),
        }
    }
}

impl OverlayStamp<'_> {
    pub(super) fn into_owned(self) -> OverlayStamp<'static> {
        OverlayStamp {
            id: owned(self.id),
            title: owned(self.title),
            version: owned(self.version),
            fictional: self.fictional,
            disclaimer: self.disclaimer.map(owned),
            content_hash: owned(self.content_hash),
            rules_hash: owned(self.rules_hash),
        }
    }
}

impl ServiceResult<'_> {
    pub(super) fn into_owned(self) -> ServiceResult<'static> {
        ServiceResult {
            id: owned(self.id),
            name: owned(self.name),
            description: owned(self.description),
            status: self.status,
            delivery: self.delivery,
            format: self.format,
            structure: self.structure,
            ages: owned(self.ages),
            action: self.action.map(owned),
            action_id: self.action_id.map(owned),
            reasons: self.reasons.into_iter().map(Reason::into_owned).collect(),
            missing: owned_list(self.missing),
            referral: Cow::Owned(self.referral.into_owned()),
            flags: self.flags.into_iter().map(FitFlag::into_owned).collect(),
        }
    }
}

impl FitFlag<'_> {
    pub(super) fn into_owned(self) -> FitFlag<'static> {
        FitFlag {
            aspect: self.aspect,
            offered: owned(self.offered),
            fits: owned_texts(self.fits),
            status: self.status,
            rule: owned(self.rule),
            says: owned(self.says),
            message: owned(self.message),
            sources: Cow::Owned(self.sources.into_owned()),
        }
    }
}
