//! What a suite asserts: for each rule and action of the guide, whether some case names it where
//! it applies and some where it does not (or is undetermined), so that a rule or action added
//! without a case cannot pass unnoticed.

use super::{ActionRef, CaseReport, RuleExpectation, Unasserted};
use crate::error::Item;
use crate::model::guide::Guide;
use crate::model::rule::{Rule, RuleKind};
use crate::result::{RuleResult, Status};

/// What a case asserts by an expectation the guide met: the rule's status and, when the case
/// lists the rule's actions (exactly) or says the rule does not apply, each action's status
/// (`does_not_apply` for one not shown).
pub(super) fn asserted(
    guide: &Guide,
    expected: &RuleExpectation,
    result: &RuleResult<'_>,
) -> Vec<(Item, Status)> {
    let mut out = vec![(item(expected.kind, &expected.id), result.status)];
    let Some(rule) = rules(guide).find(|r| r.kind == expected.kind && r.id == expected.id) else {
        return out;
    };
    if expected.actions.is_some() || result.status == Status::DoesNotApply {
        for action in rule.actions() {
            let shown = result.actions.iter().find(|a| a.id == action.id());
            let status = shown.map_or(Status::DoesNotApply, |a| a.status);
            out.push((action_item(rule, action.id()), status));
        }
    }
    out
}

/// Every rule and action of `guide` that the cases do not assert both ways, in guide order.
pub(super) fn unasserted(guide: &Guide, cases: &[CaseReport]) -> Vec<Unasserted> {
    let seen = |item: &Item, applies: bool| {
        cases
            .iter()
            .flat_map(|c| &c.asserted)
            .any(|(i, status)| i == item && (*status == Status::Applies) == applies)
    };
    let mut items = Vec::new();
    for rule in rules(guide) {
        items.push(item(rule.kind(), rule.id()));
        items.extend(rule.actions().iter().map(|a| action_item(rule, a.id())));
    }
    items
        .into_iter()
        .filter_map(|item| {
            let (applies, otherwise) = (seen(&item, true), seen(&item, false));
            (!(applies && otherwise)).then_some(Unasserted {
                item,
                applies,
                otherwise,
            })
        })
        .collect()
}

fn rules(guide: &Guide) -> impl Iterator<Item = &Rule> {
    guide.recommendations().chain(guide.principles())
}

fn item(kind: RuleKind, id: &str) -> Item {
    match kind {
        RuleKind::Recommendation => Item::Recommendation(id.to_owned()),
        RuleKind::Principle => Item::Principle(id.to_owned()),
    }
}

fn action_item(rule: &Rule, action: &str) -> Item {
    Item::Action {
        rule: rule.id().to_owned(),
        id: action.to_owned(),
    }
}

impl ActionRef {
    /// Whether the action with `id` and `text` is the one named.
    pub(super) fn names(&self, id: &str, text: &str) -> bool {
        match self {
            ActionRef::Id(named) => named == id,
            ActionRef::Text(piece) => text.contains(piece.as_str()),
        }
    }

    /// How the case wrote it, for messages.
    pub(super) fn shown(&self) -> String {
        match self {
            ActionRef::Id(id) => format!("`{id}`"),
            ActionRef::Text(text) => format!("\"{text}\""),
        }
    }
}
