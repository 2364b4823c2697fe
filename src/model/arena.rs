//! The condition arena: every condition of one layer (a guide's core, or an overlay) compiled
//! once, when the layer loads, into flat tables that every evaluator of the crate reads.
//!
//! - **Tests**, interned by what they test ([`TestId`]): two rules testing `youngest_child_age is
//!   at most 10` share one test, evaluated once per profile.
//! - **Sites** ([`SiteId`]): every test as a rule file writes it, once each (a named
//!   condition's tests once, however many conditions use it), with its file, position, item,
//!   and its words (plain and negated, for a test under `not:`).
//! - **Nodes** ([`NodeId`]) in pre-order, each knowing where its subtree ends, so a node's
//!   children are found by hopping from one subtree's end to the next. A condition is a *root*:
//!   the guide's scope, every rule's and action's condition; an overlay's service ages and
//!   eligibility.
//!
//! A profile's [`Table`] holds the truth of every test and every node of both layers, filled in
//! one pass ([`Table::fill`]): tests from the profile's values, then each node from its children,
//! backwards over the pre-order. Statuses, reasons, residuals, deciding values, questions,
//! services and fit flags all read that table; nothing walks a condition tree again.
//!
//! An overlay's ids continue its guide's (facts, tests, nodes and sites alike), so one table
//! covers both, and loading an overlay never copies or renumbers the guide's arena.

use std::collections::HashMap;

use super::condition::{Condition, Test};
use super::truth::Truth;
use super::value::{FactId, FactSlots};
use crate::error::{Item, Position};
use crate::ids::{NamedId, NodeId, SiteId, TestId};

/// One test as a rule file writes it.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub(crate) file: &'static str,
    pub(crate) at: Option<Position>,
    pub(crate) item: Option<Item>,
    pub(crate) fact: FactId,
    pub(crate) test: TestId,
    /// How the test reads in a report: "service_level is one of family_help, edge_of_care".
    pub(crate) text: Box<str>,
    /// How its negation reads ("service_level is none of ..."): a test under `not:` is shown as
    /// the rule states it.
    pub(crate) negated_text: Box<str>,
}

impl Site {
    /// Its words, plain or negated.
    pub(crate) fn words(&self, negated: bool) -> &str {
        if negated {
            &self.negated_text
        } else {
            &self.text
        }
    }
}

/// A node of a condition: a combinator, or a test.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    /// One past the last node of its subtree.
    pub(crate) end: NodeId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    All,
    Any,
    Not,
    /// A named condition, expanded: its one child is its condition.
    Named(NamedId),
    /// A test: where it is written, and the interned test whose truth it is.
    Test {
        site: SiteId,
        test: TestId,
    },
}

/// One layer's tests, sites and nodes; the ids of each continue those of the layer below.
#[derive(Debug, Clone, Default)]
pub(crate) struct Arena {
    first_test: usize,
    first_site: usize,
    first_node: usize,
    tests: Vec<(FactId, Test)>,
    sites: Vec<Site>,
    nodes: Vec<Node>,
}

impl Arena {
    /// One past its last test, site and node: where a layer over it starts.
    fn ends(&self) -> (usize, usize, usize) {
        (
            self.first_test + self.tests.len(),
            self.first_site + self.sites.len(),
            self.first_node + self.nodes.len(),
        )
    }

    /// Its sites, by [`SiteId`] (from its first).
    pub(crate) fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// Its tests, by [`TestId`] (from its first).
    pub(crate) fn tests(&self) -> &[(FactId, Test)] {
        &self.tests
    }
}

/// A guide's arenas: its core's and, with an overlay, the overlay's over it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layers<'g> {
    pub(crate) core: &'g Arena,
    pub(crate) local: Option<&'g Arena>,
}

impl<'g> Layers<'g> {
    /// The layer an id of `first` (its layer's first id, for the overlay) belongs to.
    #[inline]
    fn layer(self, index: usize, first: impl Fn(&Arena) -> usize) -> (&'g Arena, usize) {
        match self.local {
            Some(local) if index >= first(local) => (local, index - first(local)),
            _ => (self.core, index),
        }
    }

    #[inline]
    #[expect(
        clippy::indexing_slicing,
        reason = "ids are minted by the loader of the guide that reads them (see model::ids)"
    )]
    pub(crate) fn node(self, id: NodeId) -> Node {
        let (arena, at) = self.layer(id.index(), |a| a.first_node);
        arena.nodes[at]
    }

    #[inline]
    #[expect(
        clippy::indexing_slicing,
        reason = "ids are minted by the loader of the guide that reads them (see model::ids)"
    )]
    pub(crate) fn site(self, id: SiteId) -> &'g Site {
        let (arena, at) = self.layer(id.index(), |a| a.first_site);
        &arena.sites[at]
    }

    #[inline]
    #[expect(
        clippy::indexing_slicing,
        reason = "ids are minted by the loader of the guide that reads them (see model::ids)"
    )]
    pub(crate) fn test(self, id: TestId) -> &'g (FactId, Test) {
        let (arena, at) = self.layer(id.index(), |a| a.first_test);
        &arena.tests[at]
    }

    /// Every site of both layers, in id order.
    pub(crate) fn sites(self) -> impl Iterator<Item = &'g Site> + Clone {
        let local = self.local.into_iter().flat_map(|l| &l.sites);
        self.core.sites.iter().chain(local)
    }

    /// The children of node `id`, in order.
    pub(crate) fn children(self, id: NodeId) -> impl Iterator<Item = NodeId> {
        let end = self.node(id).end;
        let mut next = id.next();
        std::iter::from_fn(move || {
            (next < end).then(|| {
                let child = next;
                next = self.node(child).end;
                child
            })
        })
    }

    /// The tests under `root` (itself included): their nodes, in pre-order, and sites.
    pub(crate) fn tests_under(self, root: NodeId) -> impl Iterator<Item = (NodeId, SiteId)> {
        (root.index()..self.node(root).end.index()).filter_map(move |i| {
            let id = NodeId::new(i);
            match self.node(id).kind {
                Kind::Test { site, .. } => Some((id, site)),
                _ => None,
            }
        })
    }

    /// The truth of `root` with `fact` answered (its value read from `answer`), given the
    /// nodes of the tests of `fact` under `root` (`tests`, ascending): only the nodes above
    /// those tests are evaluated again; every other node's truth is the table's.
    pub(crate) fn truth_with(
        self,
        root: NodeId,
        table: &Table,
        (fact, tests): (FactId, &[NodeId]),
        answer: &impl FactSlots,
    ) -> Truth {
        let node = self.node(root);
        // Whether a test of `fact` is within `root`'s subtree (pre-order: from it to its end).
        let first = tests.partition_point(|t| *t < root);
        if tests.get(first).is_none_or(|t| *t >= node.end) {
            return table.node(root);
        }
        let again = |child: NodeId| self.truth_with(child, table, (fact, tests), answer);
        match node.kind {
            Kind::Test { test, .. } => self.test(test).1.truth(answer.slot(fact)),
            Kind::Not => again(root.next()).negate(),
            Kind::Named(_) => again(root.next()),
            kind @ (Kind::All | Kind::Any) => {
                let all = kind == Kind::All;
                let mut acc = Truth::from_bool(all);
                for child in self.children(root) {
                    acc = if all {
                        acc.and(again(child))
                    } else {
                        acc.or(again(child))
                    };
                    // A false child decides an `all`, a true one an `any`.
                    if acc == Truth::from_bool(!all) {
                        break;
                    }
                }
                acc
            }
        }
    }

    /// The tests that decided the truth of `root` on `table`, onto `visits`, in pre-order: for
    /// `all` and `any`, the children that share the whole's truth (every child, for a true
    /// `all` or a false `any`), or, for an undecided whole, every child that is not the
    /// absorbing value (known context and the unknowns). Returns the root's truth.
    pub(crate) fn explain(self, root: NodeId, table: &Table, visits: &mut Vec<Visit>) -> Truth {
        let truth = table.node(root);
        self.visit(root, truth, table, (None, false), visits);
        truth
    }

    fn visit(
        self,
        id: NodeId,
        truth: Truth,
        table: &Table,
        (via, negated): (Option<NamedId>, bool),
        visits: &mut Vec<Visit>,
    ) {
        let first_child = id.next();
        match self.node(id).kind {
            Kind::Test { site, .. } => visits.push(Visit {
                site,
                truth,
                via,
                negated,
            }),
            Kind::Not => self.visit(first_child, truth.negate(), table, (via, !negated), visits),
            Kind::Named(named) => {
                self.visit(first_child, truth, table, (Some(named), negated), visits)
            }
            kind @ (Kind::All | Kind::Any) => {
                let absorbing = if kind == Kind::All {
                    Truth::False
                } else {
                    Truth::True
                };
                for child in self.children(id) {
                    let t = table.node(child);
                    let shown = if truth == Truth::Unknown {
                        t != absorbing
                    } else {
                        t == truth
                    };
                    if shown {
                        self.visit(child, t, table, (via, negated), visits);
                    }
                }
            }
        }
    }
}

/// A test that decided a condition, as [`Layers::explain`] visits it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Visit {
    pub(crate) site: SiteId,
    /// Its truth (of the test as written, before any `not` above it).
    pub(crate) truth: Truth,
    /// The innermost named condition it came from.
    pub(crate) via: Option<NamedId>,
    /// Whether it stands under an odd number of `not`s.
    pub(crate) negated: bool,
}

impl Visit {
    /// Its truth as the rule states it: a test under `not:` is shown negated, with whether its
    /// negation holds.
    pub(crate) fn stated(self) -> Truth {
        if self.negated {
            self.truth.negate()
        } else {
            self.truth
        }
    }
}

/// A profile's truth table: the truth of every test and every node of a guide's arenas.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    tests: Vec<Truth>,
    nodes: Vec<Truth>,
}

impl Table {
    /// Fills the table for `slots`: every test, then every node from its children (backwards
    /// over each layer's pre-order), reusing the table's lists.
    pub(crate) fn fill(&mut self, layers: Layers<'_>, slots: &impl FactSlots) {
        self.tests.clear();
        self.nodes.clear();
        for arena in std::iter::once(layers.core).chain(layers.local) {
            debug_assert_eq!(self.tests.len(), arena.first_test);
            self.tests.extend(
                arena
                    .tests
                    .iter()
                    .map(|(fact, test)| test.truth(slots.slot(*fact))),
            );
            self.fill_nodes(arena);
        }
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "an arena's node ids and test ids are within the table filled for it"
    )]
    fn fill_nodes(&mut self, arena: &Arena) {
        let first = arena.first_node;
        debug_assert_eq!(self.nodes.len(), first);
        self.nodes.resize(first + arena.nodes.len(), Truth::Unknown);
        for (i, node) in arena.nodes.iter().enumerate().rev() {
            let at = first + i;
            let t = match node.kind {
                Kind::Test { test, .. } => self.tests[test.index()],
                Kind::Not => self.nodes[at + 1].negate(),
                Kind::Named(_) => self.nodes[at + 1],
                Kind::All | Kind::Any => {
                    let all = node.kind == Kind::All;
                    let mut acc = Truth::from_bool(all);
                    let mut j = at + 1;
                    let end = node.end.index();
                    while j < end {
                        let t = self.nodes[j];
                        acc = if all { acc.and(t) } else { acc.or(t) };
                        j = arena.nodes[j - first].end.index();
                    }
                    acc
                }
            };
            self.nodes[at] = t;
        }
    }

    /// The truth of a node, and so of the condition rooted there.
    #[inline]
    #[expect(
        clippy::indexing_slicing,
        reason = "ids are minted by the loader of the guide that filled the table"
    )]
    pub(crate) fn node(&self, id: NodeId) -> Truth {
        self.nodes[id.index()]
    }

    /// The truth of an optional condition: none holds for every family.
    #[inline]
    pub(crate) fn root(&self, root: Option<NodeId>) -> Truth {
        root.map_or(Truth::True, |r| self.node(r))
    }
}

/// A test as a rule file wrote it, before its layer's arena is built: what the condition
/// compiler records.
#[derive(Debug, Clone)]
pub(crate) struct WrittenTest {
    pub(crate) file: &'static str,
    pub(crate) at: Option<Position>,
    pub(crate) item: Option<Item>,
    pub(crate) fact: FactId,
    pub(crate) test: Test,
    pub(crate) text: Box<str>,
    pub(crate) negated_text: Box<str>,
}

/// Builds one layer's arena: its written tests first (each interned), then its roots.
pub(crate) struct ArenaBuilder<'b> {
    arena: Arena,
    below: Option<&'b Arena>,
    interned: HashMap<(FactId, Test), TestId>,
}

impl<'b> ArenaBuilder<'b> {
    /// A layer over `below` (none for a guide's core), with the tests its files write, in the
    /// order of their [`SiteId`]s.
    pub(crate) fn new(below: Option<&'b Arena>, written: Vec<WrittenTest>) -> Self {
        let (first_test, first_site, first_node) = below.map_or((0, 0, 0), Arena::ends);
        let mut builder = ArenaBuilder {
            arena: Arena {
                first_test,
                first_site,
                first_node,
                ..Arena::default()
            },
            below,
            interned: HashMap::new(),
        };
        for w in written {
            let test = builder.intern(w.fact, w.test);
            builder.arena.sites.push(Site {
                file: w.file,
                at: w.at,
                item: w.item,
                fact: w.fact,
                test,
                text: w.text,
                negated_text: w.negated_text,
            });
        }
        builder
    }

    /// The id of `test` of `fact`, interning it if it is new to this layer.
    fn intern(&mut self, fact: FactId, test: Test) -> TestId {
        let tests = &mut self.arena.tests;
        let first = self.arena.first_test;
        *self
            .interned
            .entry((fact, test))
            .or_insert_with_key(|(fact, test)| {
                tests.push((*fact, test.clone()));
                TestId::new(first + tests.len() - 1)
            })
    }

    /// The interned test of a site (of this layer, or of the one below).
    fn site_test(&self, site: SiteId) -> TestId {
        let layers = Layers {
            core: self.below.unwrap_or(&self.arena),
            local: self.below.map(|_| &self.arena),
        };
        layers.site(site).test
    }

    /// Lays out one condition; returns its root.
    pub(crate) fn add(&mut self, condition: &Condition) -> NodeId {
        let first = self.arena.first_node;
        let root = NodeId::new(first + self.arena.nodes.len());
        self.node(condition);
        root
    }

    /// Lays out an optional condition.
    pub(crate) fn add_optional(&mut self, condition: Option<&Condition>) -> Option<NodeId> {
        condition.map(|c| self.add(c))
    }

    fn node(&mut self, condition: &Condition) {
        let first = self.arena.first_node;
        let at = self.arena.nodes.len();
        let kind = match condition {
            Condition::All(_) => Kind::All,
            Condition::Any(_) => Kind::Any,
            Condition::Not(_) => Kind::Not,
            Condition::Named(named, _) => Kind::Named(*named),
            Condition::Test(leaf) => Kind::Test {
                site: leaf.site,
                test: self.site_test(leaf.site),
            },
        };
        self.arena.nodes.push(Node {
            kind,
            end: NodeId::default(),
        });
        match condition {
            Condition::All(items) | Condition::Any(items) => {
                items.iter().for_each(|item| self.node(item));
            }
            Condition::Not(inner) | Condition::Named(_, inner) => self.node(inner),
            Condition::Test(_) => {}
        }
        let end = NodeId::new(first + self.arena.nodes.len());
        if let Some(node) = self.arena.nodes.get_mut(at) {
            node.end = end;
        }
    }

    pub(crate) fn finish(self) -> Arena {
        self.arena
    }
}
