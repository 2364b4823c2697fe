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

use std::borrow::Cow;

use super::reasons::seen;
use crate::model::condition::{Condition, Leaf, Test, intervals};
use crate::model::guide::Guide;
use crate::model::truth::Truth;
use crate::model::value::{Answered, FactId, Slot, Slots};
use crate::model::vocabulary::{Fact, FactType};
use crate::result::{Deciding, EvidenceRef, Question, Residual, ResidualTest};

/// What remains of a condition: tests of unknown facts under `all`, `any` and `not`.
#[derive(Debug, Clone)]
pub(super) enum Open<'g> {
    All(Vec<Open<'g>>),
    Any(Vec<Open<'g>>),
    Not(Box<Open<'g>>),
    Test(&'g Leaf),
}

/// A condition once the known facts are substituted: decided, or what remains.
pub(super) enum Partial<'g> {
    Decided(bool),
    Open(Open<'g>),
}

/// Substitutes the known facts of `slots` into `condition`.
pub(super) fn partial<'g>(condition: &'g Condition, slots: &Slots) -> Partial<'g> {
    match condition {
        Condition::All(items) | Condition::Any(items) => {
            let all = matches!(condition, Condition::All(_));
            let mut open = Vec::new();
            for item in items.iter() {
                match partial(item, slots) {
                    // false decides an `all`, true an `any`.
                    Partial::Decided(b) if b != all => return Partial::Decided(b),
                    Partial::Decided(_) => {}
                    Partial::Open(o) => open.push(o),
                }
            }
            combine(open, all).map_or(Partial::Decided(all), Partial::Open)
        }
        Condition::Not(inner) => match partial(inner, slots) {
            Partial::Decided(b) => Partial::Decided(!b),
            Partial::Open(Open::Not(o)) => Partial::Open(*o),
            Partial::Open(o) => Partial::Open(Open::Not(Box::new(o))),
        },
        Condition::Named(_, inner) => partial(inner, slots),
        Condition::Test(leaf) => match leaf.truth(slots) {
            Truth::True => Partial::Decided(true),
            Truth::False => Partial::Decided(false),
            Truth::Unknown => Partial::Open(Open::Test(leaf)),
        },
    }
}

/// What remains of `condition` together with `context` (what remains of the scope, or of the
/// rule), for a result that is undetermined.
pub(super) fn remains<'g>(
    condition: Option<&'g Condition>,
    context: Option<&Open<'g>>,
    slots: &Slots,
) -> Option<Open<'g>> {
    let own = match condition.map(|c| partial(c, slots)) {
        Some(Partial::Open(o)) => Some(o),
        _ => None,
    };
    combine(context.cloned().into_iter().chain(own).collect(), true)
}

/// The conditions that together decide a rule (and one of its actions): the guide's scope's,
/// the rule's, the action's, as there are.
pub(super) fn conditions<'g>(
    guide: &'g Guide,
    rule: Option<&'g Condition>,
    action: Option<&'g Condition>,
) -> Vec<&'g Condition> {
    let scope = guide.core.scope.as_ref().map(|s| &s.condition);
    scope.into_iter().chain(rule).chain(action).collect()
}

/// The parts that must all hold (`all`) or one of which must (`any`); `None` for none. An `all`
/// within an `all` (an `any` within an `any`) is opened up, and a part said twice (a test the
/// scope and a rule share) is kept once: both hold in Kleene logic as in Boolean.
pub(super) fn combine<'g>(parts: Vec<Open<'g>>, all: bool) -> Option<Open<'g>> {
    let mut kept: Vec<Open<'g>> = Vec::with_capacity(parts.len());
    for part in parts {
        let pieces = match part {
            Open::All(inner) if all => inner,
            Open::Any(inner) if !all => inner,
            other => vec![other],
        };
        for piece in pieces {
            if !kept.iter().any(|k| k.same(&piece)) {
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

impl<'g> Open<'g> {
    /// Whether `self` and `other` say the same: the same shape, and tests of the same fact that
    /// read the same.
    fn same(&self, other: &Open<'_>) -> bool {
        let all_same = |a: &[Open<'_>], b: &[Open<'_>]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
        };
        match (self, other) {
            (Open::All(a), Open::All(b)) | (Open::Any(a), Open::Any(b)) => all_same(a, b),
            (Open::Not(a), Open::Not(b)) => a.same(b),
            (Open::Test(a), Open::Test(b)) => a.fact == b.fact && a.text == b.text,
            _ => false,
        }
    }

    /// As results show it: `not` pushed down to the tests (De Morgan's laws hold in Kleene
    /// logic), each test as the rule states it.
    pub(super) fn residual(&self, guide: &'g Guide, negated: bool) -> Residual<'g> {
        let items = |items: &[Open<'g>]| items.iter().map(|o| o.residual(guide, negated)).collect();
        match self {
            Open::All(parts) if negated => Residual::Any(items(parts)),
            Open::All(parts) => Residual::All(items(parts)),
            Open::Any(parts) if negated => Residual::All(items(parts)),
            Open::Any(parts) => Residual::Any(items(parts)),
            Open::Not(inner) => inner.residual(guide, !negated),
            Open::Test(leaf) => Residual::Test(ResidualTest {
                fact: Cow::Borrowed(guide.vocab().fact_name(leaf.fact)),
                test: Cow::Borrowed(if negated {
                    &leaf.negated_text
                } else {
                    &leaf.text
                }),
            }),
        }
    }
}

/// An undetermined rule, action or scope: the conditions whose conjunction decides it.
pub(super) struct OpenItem<'g> {
    /// `RULE` or `RULE#ACTION`.
    pub(super) id: Cow<'g, str>,
    /// The evidence rank of its recommendation (none for a principle's).
    pub(super) evidence: Option<usize>,
    /// The scope's, the rule's and the action's conditions, as apply.
    pub(super) conditions: Vec<&'g Condition>,
    /// The unknown facts its conditions test (ascending), once [`deciding`] has seen it.
    unknown: Vec<FactId>,
    /// Those of them some answer of which decides it, once [`deciding`] has seen it.
    decided_by: Vec<FactId>,
}

impl<'g> OpenItem<'g> {
    /// An undetermined result `id`, decided by `conditions` together.
    pub(super) fn new(
        id: Cow<'g, str>,
        evidence: Option<usize>,
        conditions: Vec<&'g Condition>,
    ) -> Self {
        OpenItem {
            id,
            evidence,
            conditions,
            unknown: Vec::new(),
            decided_by: Vec::new(),
        }
    }

    /// The tests of its conditions, and the unknown facts they test (ascending, once each):
    /// those an answer could decide it by (through a residual's test, or a `known:` test).
    fn tests(&self, slots: &Slots) -> (Vec<&'g Leaf>, Vec<FactId>) {
        fn walk<'g>(c: &'g Condition, out: &mut Vec<&'g Leaf>) {
            match c {
                Condition::All(items) | Condition::Any(items) => {
                    items.iter().for_each(|i| walk(i, out));
                }
                Condition::Not(inner) | Condition::Named(_, inner) => walk(inner, out),
                Condition::Test(leaf) => out.push(leaf),
            }
        }
        let mut leaves = Vec::new();
        for condition in &self.conditions {
            walk(condition, &mut leaves);
        }
        let mut facts: Vec<FactId> = leaves
            .iter()
            .map(|l| l.fact)
            .filter(|f| *slots.get(*f) == Slot::Unknown)
            .collect();
        facts.sort_unstable();
        facts.dedup();
        (leaves, facts)
    }

    /// Its truth with `fact` answered as `slot`.
    fn truth_with(&self, slots: &Slots, fact: FactId, slot: &Slot) -> Truth {
        let answered = Answered {
            slots,
            fact,
            answer: slot,
        };
        self.conditions
            .iter()
            .fold(Truth::True, |t, c| t.min(c.truth(&answered)))
    }
}

/// The values of each missing fact of `item` that decide it: making it apply, ruling it out.
/// Notes on `item` the facts it tests that are unknown, and those that decide it, for
/// [`questions`].
pub(super) fn deciding<'g>(
    guide: &'g Guide,
    item: &mut OpenItem<'g>,
    slots: &Slots,
) -> Vec<Deciding<'g>> {
    let (leaves, facts) = item.tests(slots);
    let lists: Vec<(FactId, Deciding<'g>)> = facts
        .iter()
        .filter_map(|&fact| {
            let spec = guide.vocab().fact(fact)?;
            let mut applies_if = Vec::new();
            let mut not_if = Vec::new();
            for slot in candidates(spec, leaves.iter().filter(|l| l.fact == fact)) {
                let list = match item.truth_with(slots, fact, &slot) {
                    Truth::True => &mut applies_if,
                    Truth::False => &mut not_if,
                    Truth::Unknown => continue,
                };
                list.extend(seen(guide, fact, &slot));
            }
            // A fact that decides nothing alone (only with another) is not listed.
            let decided = Deciding {
                fact: Cow::Borrowed(&spec.name),
                applies_if,
                not_if,
            };
            (!decided.applies_if.is_empty() || !decided.not_if.is_empty())
                .then_some((fact, decided))
        })
        .collect();
    item.unknown = facts;
    item.decided_by = lists.iter().map(|(fact, _)| *fact).collect();
    lists.into_iter().map(|(_, decided)| decided).collect()
}

/// The unknown facts of the open items, ranked by what answering each could decide.
pub(super) fn questions<'g>(guide: &'g Guide, items: &[OpenItem<'g>]) -> Vec<Question<'g>> {
    let mut facts: Vec<FactId> = items
        .iter()
        .flat_map(|i| i.unknown.iter().copied())
        .collect();
    facts.sort_unstable();
    facts.dedup();
    // An answer decides an item only through the item's own tests of the fact, and the values
    // [`deciding`] tried give those tests every answer they can have: the facts it found
    // deciding are exactly those some answer of which settles the item.
    let mut ranked: Vec<(usize, usize, FactId, Question<'g>)> = facts
        .into_iter()
        .filter_map(|fact| {
            let spec = guide.vocab().fact(fact)?;
            let settled: Vec<&OpenItem<'g>> = items
                .iter()
                .filter(|item| item.decided_by.contains(&fact))
                .collect();
            let strongest = settled.iter().filter_map(|i| i.evidence).min();
            let question = question(guide, spec, &settled, strongest);
            Some((
                strongest.unwrap_or(usize::MAX),
                settled.len(),
                fact,
                question,
            ))
        })
        .collect();
    // Strongest evidence first, then most decided, then the vocabulary's order.
    ranked.sort_by(|a, b| (a.0, b.1, a.2).cmp(&(b.0, a.1, b.2)));
    ranked.into_iter().map(|(.., q)| q).collect()
}

fn question<'g>(
    guide: &'g Guide,
    fact: &'g Fact,
    settled: &[&OpenItem<'g>],
    strongest: Option<usize>,
) -> Question<'g> {
    let values = match &fact.fact_type {
        FactType::OneOf(values) | FactType::SetOf(values) => {
            values.names().map(Cow::Borrowed).collect()
        }
        _ => Vec::new(),
    };
    Question {
        fact: Cow::Borrowed(&fact.name),
        description: Cow::Borrowed(&fact.description),
        fact_type: Cow::Borrowed(fact.fact_type.keyword()),
        values,
        settles: settled.iter().map(|i| i.id.clone()).collect(),
        strongest: strongest.and_then(|rank| {
            let level = guide.core.evidence.get(rank)?;
            Some(EvidenceRef {
                id: Cow::Borrowed(&level.id),
                label: Cow::Borrowed(&level.label),
                rank,
                unrated: level.unrated,
            })
        }),
    }
}

/// Values of `fact` that give each of `leaves` (its tests) every answer it can have.
fn candidates<'l>(fact: &Fact, leaves: impl Iterator<Item = &'l &'l Leaf> + Clone) -> Vec<Slot> {
    let tests = leaves.map(|l| &l.test);
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
