//! Boundary coverage: for every threshold a rule file writes on an integer fact (`at_least`,
//! `at_most`, `more_than`, `less_than`, `between`) or on a set's `count:`, whether some case
//! gave the fact each of the two values either side of the boundary — the last value on one
//! side and the first on the other — where the test is *reached*: no other part of its
//! condition decides it alone (a false sibling in an `all`, a true one in an `any`), and for a
//! rule's or action's condition, the scope (and the action's rule) is not false. A case at 17
//! and one at 18 cover `at_most: 17`; `more_than: 4` is covered by 4 and 5.

use crate::error::{Item, Position};
use crate::ids::NodeId;
use crate::model::arena::{Kind, Layers, Table};
use crate::model::condition::Test;
use crate::model::guide::Guide;
use crate::model::truth::Truth;
use crate::model::value::Slot;
use crate::model::vocabulary::FactType;

/// One boundary of a threshold, where it is written, and which of its sides the cases reached.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BoundaryCoverage {
    /// The test in words, e.g. `child_age is at most 17`.
    pub test: String,
    /// The item whose condition writes it.
    pub item: Option<Item>,
    /// Its file.
    pub file: String,
    /// Where it is written.
    pub position: Option<Position>,
    /// The two values either side of the boundary, in ascending order.
    pub sides: Vec<Side>,
}

/// One side of a boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Side {
    /// The value (of the fact, or of the number of its members for `count:`).
    pub value: i64,
    /// Whether the test holds for it.
    pub holds: bool,
    /// Whether some case gave the fact this value where the test is reached.
    pub reached: bool,
    /// Why no profile can reach it, if none can (then it is left out of the percentage).
    pub unreachable: Option<String>,
}

/// For one case: the value each site's fact has where the site's test is reached (`None` where
/// the test is not reached, or the fact is unknown or not a number).
pub(super) fn values(
    guide: &Guide,
    profile: &crate::eval::PreparedProfile<'_>,
) -> Vec<Option<i64>> {
    let layers = guide.layers();
    let reached = reached_sites(guide, &profile.table());
    layers
        .sites()
        .zip(reached)
        .map(|(site, reached)| {
            if !reached {
                return None;
            }
            match profile.slot(site.fact) {
                Slot::Int(v) => Some(*v),
                Slot::Set(mask) => Some(i64::from(mask.count_ones())),
                _ => None,
            }
        })
        .collect()
}

/// Whether each site's test is reached somewhere under `table`.
fn reached_sites(guide: &Guide, table: &Table) -> Vec<bool> {
    let layers = guide.layers();
    let mut out = vec![false; layers.sites().count()];
    let core = &guide.core;
    let scope = core.scope_root();
    if let Some(root) = scope {
        mark(layers, table, root, &mut out);
    }
    if table.root(scope) != Truth::False {
        for rule in core.recommendations.iter().chain(&core.principles) {
            if let Some(root) = rule.root {
                mark(layers, table, root, &mut out);
            }
            if table.root(rule.root) == Truth::False {
                continue;
            }
            for root in rule.actions.iter().filter_map(|a| a.root) {
                mark(layers, table, root, &mut out);
            }
        }
    }
    for service in guide.overlay().into_iter().flat_map(|o| &o.services) {
        mark(layers, table, service.ages_root, &mut out);
        if let Some(root) = service.eligible_root {
            mark(layers, table, root, &mut out);
        }
    }
    out
}

/// Marks the sites reached under node `id`, itself reached.
fn mark(layers: Layers<'_>, table: &Table, id: NodeId, out: &mut [bool]) {
    match layers.node(id).kind {
        Kind::Test { site, .. } => {
            if let Some(seen) = out.get_mut(site.index()) {
                *seen = true;
            }
        }
        Kind::Not | Kind::Named(_) => mark(layers, table, id.next(), out),
        kind @ (Kind::All | Kind::Any) => {
            let absorbing = Truth::from_bool(kind == Kind::Any);
            let children: Vec<NodeId> = layers.children(id).collect();
            for child in &children {
                let free = children
                    .iter()
                    .all(|other| other == child || table.node(*other) != absorbing);
                if free {
                    mark(layers, table, *child, out);
                }
            }
        }
    }
}

/// Every boundary of the guide's thresholds, with the sides `seen` (each case's values, by
/// site) reached; `reachable(site, value)` says whether some profile can reach a side.
pub(super) fn of(
    guide: &Guide,
    seen: &[&[Option<i64>]],
    reachable: &dyn Fn(usize, i64) -> bool,
) -> Vec<BoundaryCoverage> {
    let layers = guide.layers();
    let mut out = Vec::new();
    for (index, site) in layers.sites().enumerate() {
        let Some(fact) = guide.vocab().fact(site.fact) else {
            continue;
        };
        let (lo, hi, open, range) = match (layers.test(site.test).1.clone(), &fact.fact_type) {
            (Test::IntBetween(lo, hi), FactType::Integer { min, max }) => {
                (lo, hi, (i64::MIN, i64::MAX), (*min, *max))
            }
            (Test::SetCountBetween(lo, hi), FactType::SetOf(values)) => {
                let n = i64::try_from(values.names().len()).unwrap_or(i64::MAX);
                (
                    i64::from(lo),
                    i64::from(hi),
                    (0, i64::from(u32::MAX)),
                    (0, n),
                )
            }
            _ => continue,
        };
        if lo == hi {
            continue;
        }
        let mut ends = Vec::new();
        if lo != open.0 {
            ends.push([(lo - 1, false), (lo, true)]);
        }
        if hi != open.1 {
            ends.push([(hi, true), (hi + 1, false)]);
        }
        for end in ends {
            let sides = end
                .iter()
                .map(|&(value, holds)| {
                    let what = match fact.fact_type {
                        FactType::SetOf(_) => format!("the count of `{}`", fact.name),
                        _ => format!("`{}`", fact.name),
                    };
                    let unreachable = if value < range.0 || value > range.1 {
                        Some(format!(
                            "{what} is never {value}: it ranges from {} to {}",
                            range.0, range.1
                        ))
                    } else if !reachable(index, value) {
                        Some(format!(
                            "no family reaches the test with {what} {value}: the rest of its \
                             condition, or the scope, decides without it"
                        ))
                    } else {
                        None
                    };
                    let reached = unreachable.is_none()
                        && seen
                            .iter()
                            .any(|values| values.get(index).copied().flatten() == Some(value));
                    Side {
                        value,
                        holds,
                        reached,
                        unreachable,
                    }
                })
                .collect();
            out.push(BoundaryCoverage {
                test: site.text.to_string(),
                item: site.item.clone(),
                file: site.file.to_owned(),
                position: site.at,
                sides,
            });
        }
    }
    out
}
