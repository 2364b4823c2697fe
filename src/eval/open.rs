//! What is still open for a bound profile: the condition that remains of an undetermined result
//! once the known facts are substituted (its *residual*), the values of a missing fact that
//! would decide it, and which unknown facts are worth asking about next.
//!
//! A residual holds only tests of unknown facts. Whether answering one fact decides a result is
//! found by evaluating the result's conditions (the scope's, the rule's, the action's) with that
//! answer added to the profile, for each value of a finite set that gives every test of the fact
//! each answer it can have (each declared value; one value per interval the tests' thresholds cut
//! an integer range into; the subsets of the values a set's tests name, with other members added
//! for counts; each text the tests name and one they do not). So what this module says an answer
//! decides, it decides: the values it lists are evaluated, not guessed — `known:` tests included,
//! which answering a fact turns from true to false.

use crate::ids::{NodeId, ResultRef, SiteId};
use crate::model::arena::{Kind, Layers, Table};
use crate::model::condition::{Test, intervals};
use crate::model::guide::Guide;
use crate::model::truth::Truth;
use crate::model::value::{Answered, FactId, Slot, Slots};
use crate::model::vocabulary::{Fact, FactType};
use crate::result::{Data, DecidingData, ResidualKind, ResidualNode, Span};

/// What remains of a condition: tests of unknown facts under `all`, `any` and `not`.
#[derive(Debug, Clone)]
pub(super) enum Open {
    All(Vec<Open>),
    Any(Vec<Open>),
    Not(Box<Open>),
    Test(SiteId),
}

/// What remains of the condition at `root` once the known facts are substituted: `None` when
/// they decide it. Read from the truth table: what remains of an undecided `all` is what
/// remains of its undecided children (a true one drops out, and none is false), of an `any`
/// likewise.
pub(super) fn partial(layers: Layers<'_>, table: &Table, root: NodeId) -> Option<Open> {
    (table.node(root) == Truth::Unknown).then(|| open(layers, table, root))
}

/// What remains of the undecided node `id`.
fn open(layers: Layers<'_>, table: &Table, id: NodeId) -> Open {
    match layers.node(id).kind {
        kind @ (Kind::All | Kind::Any) => {
            let parts = layers
                .children(id)
                .filter(|c| table.node(*c) == Truth::Unknown)
                .map(|c| open(layers, table, c))
                .collect();
            // An undecided combination has an undecided child, so something remains.
            combine(layers, parts, kind == Kind::All).unwrap_or(Open::All(Vec::new()))
        }
        Kind::Not => match open(layers, table, id.next()) {
            Open::Not(inner) => *inner,
            inner => Open::Not(Box::new(inner)),
        },
        Kind::Named(_) => open(layers, table, id.next()),
        Kind::Test { site, .. } => Open::Test(site),
    }
}

/// What remains of the condition at `root` (none: true) together with `context` (what remains
/// of the scope, or of the rule), for a result that is undetermined.
pub(super) fn remains(
    layers: Layers<'_>,
    table: &Table,
    root: Option<NodeId>,
    context: Option<&Open>,
) -> Option<Open> {
    let own = root.and_then(|r| partial(layers, table, r));
    combine(
        layers,
        context.cloned().into_iter().chain(own).collect(),
        true,
    )
}

/// The conditions that together decide a rule (and one of its actions): the guide's scope's,
/// the rule's, the action's, as there are.
pub(super) fn conditions(
    guide: &Guide,
    rule: Option<NodeId>,
    action: Option<NodeId>,
) -> Vec<NodeId> {
    let scope = guide.core.scope_root();
    scope.into_iter().chain(rule).chain(action).collect()
}

/// The parts that must all hold (`all`) or one of which must (`any`); `None` for none. An `all`
/// within an `all` (an `any` within an `any`) is opened up, and a part said twice (a test the
/// scope and a rule share) is kept once: both hold in Kleene logic as in Boolean.
pub(super) fn combine(layers: Layers<'_>, parts: Vec<Open>, all: bool) -> Option<Open> {
    let mut kept: Vec<Open> = Vec::with_capacity(parts.len());
    for part in parts {
        let pieces = match part {
            Open::All(inner) if all => inner,
            Open::Any(inner) if !all => inner,
            other => vec![other],
        };
        for piece in pieces {
            if !kept.iter().any(|k| k.same(layers, &piece)) {
                kept.push(piece);
            }
        }
    }
    match kept.len() {
        0 => None,
        1 => kept.pop(),
        _ if all => Some(Open::All(kept)),
        _ => Some(Open::Any(kept)),
    }
}

impl Open {
    /// Whether `self` and `other` say the same: the same shape, and tests of the same fact that
    /// read the same.
    fn same(&self, layers: Layers<'_>, other: &Open) -> bool {
        let all_same = |a: &[Open], b: &[Open]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(layers, y))
        };
        match (self, other) {
            (Open::All(a), Open::All(b)) | (Open::Any(a), Open::Any(b)) => all_same(a, b),
            (Open::Not(a), Open::Not(b)) => a.same(layers, b),
            (Open::Test(a), Open::Test(b)) => {
                let (a, b) = (layers.site(*a), layers.site(*b));
                a.fact == b.fact && a.text == b.text
            }
            _ => false,
        }
    }

    /// Writes it as results show it into `out`, in pre-order: `not` pushed down to the tests
    /// (De Morgan's laws hold in Kleene logic), each test as the rule states it. Returns the
    /// root's position.
    pub(super) fn write(&self, negated: bool, out: &mut Vec<ResidualNode>) -> u32 {
        let at = out.len();
        let kind = match self {
            Open::Not(inner) => return inner.write(!negated, out),
            Open::Test(site) => ResidualKind::Test {
                site: *site,
                negated,
            },
            // An `all` negated is an `any` of the negations, and the reverse.
            Open::All(_) if negated => ResidualKind::Any,
            Open::Any(_) if negated => ResidualKind::All,
            Open::All(_) => ResidualKind::All,
            Open::Any(_) => ResidualKind::Any,
        };
        out.push(ResidualNode { kind, end: 0 });
        if let Open::All(parts) | Open::Any(parts) = self {
            parts.iter().for_each(|part| {
                part.write(negated, out);
            });
        }
        let end = u32::try_from(out.len()).unwrap_or(u32::MAX);
        if let Some(node) = out.get_mut(at) {
            node.end = end;
        }
        u32::try_from(at).unwrap_or(u32::MAX)
    }
}

/// An undetermined rule, action or scope: the conditions whose conjunction decides it.
pub(crate) struct OpenItem {
    /// The rule or action; none for the scope.
    pub(crate) id: Option<ResultRef>,
    /// The evidence rank of its recommendation (none for a principle's).
    pub(super) evidence: Option<usize>,
    /// The scope's, the rule's and the action's conditions, as apply.
    pub(super) roots: Vec<NodeId>,
    /// The unknown facts its conditions test (ascending), once [`deciding`] has seen it.
    unknown: Vec<FactId>,
    /// Those of them some answer of which decides it, once [`deciding`] has seen it.
    decided_by: Vec<FactId>,
}

impl OpenItem {
    /// An undetermined result `id`, decided by the conditions at `roots` together.
    pub(super) fn new(id: Option<ResultRef>, evidence: Option<usize>, roots: Vec<NodeId>) -> Self {
        OpenItem {
            id,
            evidence,
            roots,
            unknown: Vec::new(),
            decided_by: Vec::new(),
        }
    }

    /// An item whose unknown facts, and those that decide it, are known already (the tests'
    /// reference evaluator finds them its own way).
    #[cfg(test)]
    pub(crate) fn noted(
        id: Option<ResultRef>,
        evidence: Option<usize>,
        unknown: Vec<FactId>,
        decided_by: Vec<FactId>,
    ) -> Self {
        OpenItem {
            id,
            evidence,
            roots: Vec::new(),
            unknown,
            decided_by,
        }
    }

    /// The tests of its conditions (nodes, in pre-order), and the unknown facts they test
    /// (ascending, once each): those an answer could decide it by (through a residual's test,
    /// or a `known:` test).
    fn tests(&self, layers: Layers<'_>, slots: &Slots) -> (Vec<(NodeId, FactId)>, Vec<FactId>) {
        let tests: Vec<(NodeId, FactId)> = self
            .roots
            .iter()
            .flat_map(|root| layers.tests_under(*root))
            .map(|(node, site)| (node, layers.site(site).fact))
            .collect();
        let mut facts: Vec<FactId> = tests
            .iter()
            .map(|(_, fact)| *fact)
            .filter(|f| *slots.get(*f) == Slot::Unknown)
            .collect();
        facts.sort_unstable();
        facts.dedup();
        (tests, facts)
    }

    /// Its truth with `fact` answered as `slot`: only the nodes above the tests of `fact`
    /// (`nodes`, ascending) are evaluated again; every other node's truth is the table's.
    fn truth_with(
        &self,
        layers: Layers<'_>,
        table: &Table,
        (fact, nodes): (FactId, &[NodeId]),
        answered: &Answered<'_>,
    ) -> Truth {
        self.roots.iter().fold(Truth::True, |t, root| {
            t.and(layers.truth_with(*root, table, (fact, nodes), answered))
        })
    }
}

/// The values of each missing fact of `item` that decide it (making it apply, ruling it out),
/// into `data`. Notes on `item` the facts it tests that are unknown, and those that decide it,
/// for [`questions`].
pub(super) fn deciding(
    guide: &Guide,
    (slots, table): (&Slots, &Table),
    item: &mut OpenItem,
    data: &mut Data,
) -> Span {
    let layers = guide.layers();
    let (tests, facts) = item.tests(layers, slots);
    let start = data.deciding.len();
    let mut decided_by = Vec::new();
    for &fact in &facts {
        let Some(spec) = guide.vocab().fact(fact) else {
            continue;
        };
        let mut nodes: Vec<NodeId> = tests
            .iter()
            .filter(|(_, f)| *f == fact)
            .map(|(node, _)| *node)
            .collect();
        nodes.sort_unstable();
        let of_fact = nodes
            .iter()
            .filter_map(|node| match layers.node(*node).kind {
                Kind::Test { test, .. } => Some(&layers.test(test).1),
                _ => None,
            });
        let (mut applies_if, mut not_if) = (Vec::new(), Vec::new());
        for slot in candidates(spec, of_fact) {
            let answered = Answered {
                slots,
                fact,
                answer: &slot,
            };
            match item.truth_with(layers, table, (fact, &nodes), &answered) {
                Truth::True => applies_if.push(slot),
                Truth::False => not_if.push(slot),
                Truth::Unknown => {}
            }
        }
        // A fact that decides nothing alone (only with another) is not listed.
        if applies_if.is_empty() && not_if.is_empty() {
            continue;
        }
        decided_by.push(fact);
        let at = data.values.len();
        data.values.extend(applies_if);
        let applies_if = Span::since(at, data.values.len());
        let at = data.values.len();
        data.values.extend(not_if);
        let not_if = Span::since(at, data.values.len());
        data.deciding.push(DecidingData {
            fact,
            applies_if,
            not_if,
        });
    }
    item.unknown = facts;
    item.decided_by = decided_by;
    Span::since(start, data.deciding.len())
}

/// The unknown facts of the open items, ranked by what answering each could decide: strongest
/// evidence first (among the items an answer could decide), then most decided, then the
/// vocabulary's order; each with the items it could decide (positions in `items`) and that
/// strongest rank.
pub(crate) fn questions(items: &[&OpenItem]) -> Vec<(FactId, Vec<usize>, Option<usize>)> {
    let mut facts: Vec<FactId> = items
        .iter()
        .flat_map(|i| i.unknown.iter().copied())
        .collect();
    facts.sort_unstable();
    facts.dedup();
    // An answer decides an item only through the item's own tests of the fact, and the values
    // [`deciding`] tried give those tests every answer they can have: the facts it found
    // deciding are exactly those some answer of which settles the item.
    let mut ranked: Vec<(FactId, Vec<usize>, Option<usize>)> = facts
        .into_iter()
        .map(|fact| {
            let settled: Vec<usize> = (items.iter().enumerate())
                .filter(|(_, item)| item.decided_by.contains(&fact))
                .map(|(i, _)| i)
                .collect();
            let strongest = settled.iter().filter_map(|i| items.get(*i)?.evidence).min();
            (fact, settled, strongest)
        })
        .collect();
    let key = |(fact, settled, strongest): &(FactId, Vec<usize>, Option<usize>)| {
        (
            strongest.unwrap_or(usize::MAX),
            std::cmp::Reverse(settled.len()),
            *fact,
        )
    };
    ranked.sort_by_key(key);
    ranked
}

/// Values of `fact` that give each of `tests` (its tests) every answer it can have.
pub(crate) fn candidates<'t>(
    fact: &Fact,
    tests: impl Iterator<Item = &'t Test> + Clone,
) -> Vec<Slot> {
    match &fact.fact_type {
        FactType::Boolean => vec![Slot::Bool(false), Slot::Bool(true)],
        FactType::OneOf(values) => (0..values.names().len())
            .filter_map(|b| u8::try_from(b).ok())
            .map(Slot::Choice)
            .collect(),
        FactType::Integer { min, max } => intervals(*min, *max, tests)
            .into_iter()
            .map(Slot::Int)
            .collect(),
        FactType::SetOf(values) => sets(values.names().len(), tests),
        FactType::Text { pattern } => {
            let mut texts: Vec<Box<str>> = Vec::new();
            for test in tests {
                literals(test, &mut texts);
            }
            texts.push(Box::from(""));
            texts
                .into_iter()
                .filter(|t| pattern.as_ref().is_none_or(|p| p.is_match(t)))
                .map(Slot::Text)
                .collect()
        }
    }
}

fn literals(test: &Test, out: &mut Vec<Box<str>>) {
    match test {
        Test::TextIn(options) => out.extend(options.iter().cloned()),
        Test::Negated(inner) => literals(inner, out),
        _ => {}
    }
}

/// The most values of a set that the candidates combine freely (2^10 subsets).
const MAX_NAMED_MEMBERS: u32 = 10;

/// Sets of `len` declared values: every subset of the values the tests name (or, past
/// [`MAX_NAMED_MEMBERS`], none, each one, and all of them), each with enough other members
/// added to reach each count a count test asks about.
fn sets<'t>(len: usize, tests: impl Iterator<Item = &'t Test>) -> Vec<Slot> {
    let mut named = 0u128;
    let mut counts = vec![0u32];
    for test in tests {
        set_terms(test, &mut named, &mut counts);
    }
    let others: Vec<u32> = (0..u32::try_from(len).unwrap_or(0).min(128))
        .filter(|b| named & (1u128 << b) == 0)
        .collect();
    let bits: Vec<u32> = (0..128).filter(|b| named & (1u128 << b) != 0).collect();
    let subsets: Vec<u128> = if u32::try_from(bits.len()).unwrap_or(u32::MAX) <= MAX_NAMED_MEMBERS {
        (0..1u32 << bits.len())
            .map(|mask| {
                bits.iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .fold(0u128, |acc, (_, b)| acc | 1u128 << b)
            })
            .collect()
    } else {
        std::iter::once(0)
            .chain(bits.iter().map(|b| 1u128 << b))
            .chain([named])
            .collect()
    };
    let mut out = Vec::new();
    for subset in subsets {
        let have = subset.count_ones();
        let mut fills: Vec<u32> = counts
            .iter()
            .map(|c| {
                c.saturating_sub(have)
                    .min(u32::try_from(others.len()).unwrap_or(0))
            })
            .collect();
        fills.sort_unstable();
        fills.dedup();
        for fill in fills {
            let extra = others
                .iter()
                .take(usize::try_from(fill).unwrap_or(0))
                .fold(0u128, |acc, b| acc | 1u128 << b);
            out.push(Slot::Set(subset | extra));
        }
    }
    out
}

/// The values a set test names, and the counts its count tests turn on.
fn set_terms(test: &Test, named: &mut u128, counts: &mut Vec<u32>) {
    match test {
        Test::SetContainsAny(mask) | Test::SetContainsAll(mask) => *named |= mask,
        Test::SetCountBetween(lo, hi) => {
            counts.extend([*lo, hi.saturating_add(1)]);
        }
        Test::Negated(inner) => set_terms(inner, named, counts),
        _ => {}
    }
}
