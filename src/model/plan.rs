//! Explanation plans: every condition of a guide (its scope, its rules', their "how" points')
//! laid out flat, so that a full result explains a condition from a table of test truths computed
//! once per profile, instead of walking the condition tree and re-evaluating each subtree at every
//! level.
//!
//! A plan is a run of nodes in pre-order; each node knows where its subtree ends, so the children
//! of a node are found by hopping from one subtree's end to the next. A profile takes one pass
//! backwards over every node of every plan: each node's truth from its children's (or, for a
//! test, from the table of test truths). Explaining a condition is then one walk down its plan,
//! visiting the tests that decided it exactly as
//! [`Condition::explain`](super::condition::Condition::explain) chooses them.
//!
//! Tests are interned across all conditions (two leaves with the same fact and test share one
//! truth), and each leaf keeps the words reports show, so that results borrow them from here.

use std::collections::HashMap;

use super::condition::{Condition, Leaf, Test};
use super::index::{FALSE, TRUE, UNKNOWN, to_u32};
use super::value::{FactId, Slots};

/// Every condition of a guide, laid out for explaining.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plans {
    tests: Vec<(FactId, Test)>,
    nodes: Vec<Node>,
    leaves: Vec<PlanLeaf>,
    /// The guide's scope.
    pub(crate) scope: Option<Plan>,
    /// The recommendations', then the principles' conditions and actions.
    pub(crate) rules: Vec<RulePlans>,
}

/// One condition: the index of its root node (its nodes follow, to the root's `end`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    root: u32,
}

/// A rule's condition and its "how" points' conditions, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct RulePlans {
    pub(crate) condition: Option<Plan>,
    pub(crate) actions: Vec<Option<Plan>>,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    kind: Kind,
    /// Where the node's subtree ends.
    end: u32,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    All,
    Any,
    Not,
    /// A named condition, by its number.
    Named(u32),
    /// A test: its leaf, and the interned test (whose truth it is).
    Leaf {
        leaf: u32,
        test: u32,
    },
}

/// A test as reports show it.
#[derive(Debug, Clone)]
pub(crate) struct PlanLeaf {
    pub(crate) fact: FactId,
    pub(crate) text: Box<str>,
    /// How its negation reads, for a test under `not:`.
    pub(crate) negated_text: Box<str>,
}

/// Builds [`Plans`], interning tests and leaves.
#[derive(Default)]
pub(crate) struct PlanBuilder {
    plans: Plans,
    /// Test key (fact id and the test's `Debug` form, which spells out every value) → test.
    tests: HashMap<String, u32>,
    /// Test and text → leaf.
    leaves: HashMap<(u32, Box<str>), u32>,
}

impl PlanBuilder {
    /// Lays out one condition.
    pub(crate) fn add(&mut self, condition: Option<&Condition>) -> Option<Plan> {
        let root = to_u32(self.plans.nodes.len());
        self.node(condition?);
        Some(Plan { root })
    }

    /// The plans, with the scope's and the rules' laid out by [`PlanBuilder::add`].
    pub(crate) fn finish(mut self, scope: Option<Plan>, rules: Vec<RulePlans>) -> Plans {
        self.plans.scope = scope;
        self.plans.rules = rules;
        self.plans
    }

    fn node(&mut self, condition: &Condition) {
        let at = self.plans.nodes.len();
        let kind = match condition {
            Condition::All(_) => Kind::All,
            Condition::Any(_) => Kind::Any,
            Condition::Not(_) => Kind::Not,
            Condition::Named(id, _) => Kind::Named(to_u32(*id)),
            Condition::Test(leaf) => {
                let (leaf, test) = self.leaf(leaf);
                Kind::Leaf { leaf, test }
            }
        };
        self.plans.nodes.push(Node { kind, end: 0 });
        match condition {
            Condition::All(items) | Condition::Any(items) => {
                items.iter().for_each(|item| self.node(item));
            }
            Condition::Not(inner) | Condition::Named(_, inner) => self.node(inner),
            Condition::Test(_) => {}
        }
        let end = to_u32(self.plans.nodes.len());
        if let Some(node) = self.plans.nodes.get_mut(at) {
            node.end = end;
        }
    }

    fn leaf(&mut self, leaf: &Leaf) -> (u32, u32) {
        let tests = &mut self.plans.tests;
        let key = format!("{}:{:?}", leaf.fact, leaf.test);
        let test = *self.tests.entry(key).or_insert_with(|| {
            tests.push((leaf.fact, leaf.test.clone()));
            to_u32(tests.len() - 1)
        });
        let leaves = &mut self.plans.leaves;
        let index = *self
            .leaves
            .entry((test, leaf.text.clone()))
            .or_insert_with(|| {
                leaves.push(PlanLeaf {
                    fact: leaf.fact,
                    text: leaf.text.clone(),
                    negated_text: leaf.negated_text.clone(),
                });
                to_u32(leaves.len() - 1)
            });
        (index, test)
    }
}

/// A test that decided a condition, as [`Plans::explain`] visits it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Visit {
    /// The leaf ([`Plans::leaf`]).
    pub(crate) leaf: u32,
    /// Its truth (`FALSE`, `UNKNOWN`, `TRUE`).
    pub(crate) truth: u8,
    /// The innermost named condition it came from.
    pub(crate) via: Option<u32>,
    /// Whether it stands under an odd number of `not`s.
    pub(crate) negated: bool,
}

impl Plans {
    /// The truth of every test on `facts` into `tests`, and of every node of every plan into
    /// `nodes`: children before parents (backwards over the pre-order), once per profile.
    pub(crate) fn truths(&self, facts: &Slots, tests: &mut Vec<u8>, nodes: &mut Vec<u8>) {
        tests.clear();
        tests.extend(
            self.tests
                .iter()
                .map(|(fact, test)| match test.holds(facts.get(*fact)) {
                    Some(true) => TRUE,
                    Some(false) => FALSE,
                    None => UNKNOWN,
                }),
        );
        nodes.clear();
        nodes.resize(self.nodes.len(), UNKNOWN);
        for (i, node) in self.nodes.iter().enumerate().rev() {
            let child = |j: usize| nodes.get(j).copied().unwrap_or(UNKNOWN);
            let t = match node.kind {
                Kind::Leaf { test, .. } => tests.get(test as usize).copied().unwrap_or(UNKNOWN),
                Kind::Not => TRUE - child(i + 1),
                Kind::Named(_) => child(i + 1),
                Kind::All | Kind::Any => {
                    let all = matches!(node.kind, Kind::All);
                    let mut acc = if all { TRUE } else { FALSE };
                    let mut j = i + 1;
                    while j < node.end as usize {
                        let t = child(j);
                        acc = if all { acc.min(t) } else { acc.max(t) };
                        j = self.nodes.get(j).map_or(usize::MAX, |n| n.end as usize);
                    }
                    acc
                }
            };
            if let Some(slot) = nodes.get_mut(i) {
                *slot = t;
            }
        }
    }

    /// A leaf of a plan.
    pub(crate) fn leaf(&self, leaf: u32) -> Option<&PlanLeaf> {
        self.leaves.get(leaf as usize)
    }

    /// The truth of `plan`, given every node's truth (from [`Plans::truths`]).
    pub(crate) fn truth(&self, plan: Plan, nodes: &[u8]) -> u8 {
        nodes.get(plan.root as usize).copied().unwrap_or(UNKNOWN)
    }

    /// The truth of `plan`, pushing the tests that decided it onto `visits` (as
    /// [`Condition::explain`](super::condition::Condition::explain) would visit them, in the
    /// same order), given every node's truth (from [`Plans::truths`]).
    pub(crate) fn explain(&self, plan: Plan, nodes: &[u8], visits: &mut Vec<Visit>) -> u8 {
        let walk = Walk {
            nodes: &self.nodes,
            truths: nodes,
        };
        let root = self.truth(plan, nodes);
        walk.visit(plan.root as usize, root, (None, false), visits);
        root
    }
}

/// The plans' nodes and their truths, walked from a root.
struct Walk<'a> {
    nodes: &'a [Node],
    truths: &'a [u8],
}

impl Walk<'_> {
    /// Visits the tests under node `i` that decided its truth `truth`: for `all` and `any`, the
    /// children that share the whole's truth (every child, for a true `all` or a false `any`),
    /// or for an undecided whole every child that is not the absorbing value.
    fn visit(
        &self,
        i: usize,
        truth: u8,
        (via, negated): (Option<u32>, bool),
        visits: &mut Vec<Visit>,
    ) {
        let Some(node) = self.nodes.get(i) else {
            return;
        };
        match node.kind {
            Kind::Leaf { leaf, .. } => visits.push(Visit {
                leaf,
                truth,
                via,
                negated,
            }),
            Kind::Not => self.visit(i + 1, TRUE - truth, (via, !negated), visits),
            Kind::Named(id) => self.visit(i + 1, truth, (Some(id), negated), visits),
            Kind::All | Kind::Any => {
                let absorbing = if matches!(node.kind, Kind::All) {
                    FALSE
                } else {
                    TRUE
                };
                let end = node.end as usize;
                let mut j = i + 1;
                while j < end {
                    let t = self.truths.get(j).copied().unwrap_or(UNKNOWN);
                    let shown = if truth == UNKNOWN {
                        t != absorbing
                    } else {
                        t == truth
                    };
                    if shown {
                        self.visit(j, t, (via, negated), visits);
                    }
                    j = self.nodes.get(j).map_or(end, |n| n.end as usize);
                }
            }
        }
    }
}
