//! Whether two guides of one vocabulary (a guide and a mutant of it) give every family the same
//! statuses — the scope's, every rule's and every "how" point's — decided over every profile at
//! once; and where they do not, a smallest family they differ on.

use biodivine_lib_bdd::Bdd;

use super::space::{Space, Truths};
use crate::model::condition::Condition;
use crate::model::guide::Guide;
use crate::profile::FamilyProfile;

/// What the analysis says of two guides' statuses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Difference {
    /// Every profile gets the same statuses from both.
    Same,
    /// Some profile does not: a smallest one, and whether it is only approximate (a text stands
    /// for a regular expression's answer).
    Differs(FamilyProfile, bool),
    /// The guides are too large to compare exactly.
    TooLarge,
}

/// Whether `a` and `b` (of the same vocabulary, rules and actions, in the same order) give every
/// profile the same statuses.
pub(crate) fn difference(a: &Guide, b: &Guide) -> Difference {
    let Some(space) = Space::over(a, &[b]) else {
        return Difference::TooLarge;
    };
    let (sa, sb) = (statuses(&space, a), statuses(&space, b));
    let differs = sa
        .iter()
        .zip(&sb)
        .fold(space.mk_false(), |acc, (x, y)| {
            acc.or(&x.t.xor(&y.t)).or(&x.f.xor(&y.f))
        })
        .and(space.domain());
    if differs.is_false() && sa.len() == sb.len() {
        return Difference::Same;
    }
    match space.smallest(&differs) {
        Some((profile, approximate)) => Difference::Differs(profile, approximate),
        None => Difference::Same,
    }
}

/// A smallest family under which the recommendation or principle `rule` (by its place among the
/// recommendations, then the principles) applies; any family if none does.
pub(crate) fn applies_to(guide: &Guide, rule: usize) -> Option<FamilyProfile> {
    let space = Space::new(guide)?;
    let all = statuses(&space, guide);
    let core = &guide.core;
    let place = core
        .recommendations
        .iter()
        .chain(&core.principles)
        .take(rule)
        .map(|r| 1 + r.actions.len())
        .sum::<usize>()
        + 1;
    let applies: Bdd = all
        .get(place)
        .map_or_else(|| space.mk_true(), |t| t.t.clone());
    space
        .smallest(&applies)
        .or_else(|| space.smallest(&space.mk_true()))
        .map(|(profile, _)| profile)
}

/// Where the scope, then each rule followed by its actions, applies (`t`) and does not (`f`).
fn statuses(space: &Space, guide: &Guide) -> Vec<Truths> {
    let truths = |c: Option<&Condition>| c.map_or_else(|| space.always(), |c| space.truths(c));
    let core = &guide.core;
    let scope = truths(core.scope.as_ref().map(|s| &s.condition));
    let mut out = vec![scope.clone()];
    for rule in core.recommendations.iter().chain(&core.principles) {
        let own = truths(rule.condition.as_ref());
        let rule_t = Truths {
            t: scope.t.and(&own.t),
            f: scope.f.or(&own.f),
        };
        let actions: Vec<Truths> = rule
            .actions
            .iter()
            .map(|action| {
                let point = truths(action.condition.as_ref());
                Truths {
                    t: rule_t.t.and(&point.t),
                    f: rule_t.f.or(&point.f),
                }
            })
            .collect();
        out.push(rule_t);
        out.extend(actions);
    }
    out
}
