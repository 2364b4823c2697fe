//! Compiled conditions, and their evaluation on a profile in three-valued (Kleene) logic, with or
//! without an explanation.
//!
//! A condition is a tree of `all`, `any`, `not` and tests of one fact each; named conditions are
//! expanded in place, keeping their number so explanations can say which one a test came from.
//! Facts are ids, declared values bits, regexes compiled: evaluating touches no strings but the
//! profile's text values.
//!
//! Unknown facts make a test *unknown*; `all`, `any` and `not` combine true, false and unknown by
//! Kleene's rules, so a condition is only decided when the unknown facts could not change it.
//! The one exception is `known`, which asks about the profile rather than the family.

use regex::Regex;

use super::truth::Truth;
use super::value::{FactId, FactSlots, Slot, Slots};
use crate::error::{Item, Position};

/// A compiled condition.
#[derive(Debug, Clone)]
pub(crate) enum Condition {
    All(Box<[Condition]>),
    Any(Box<[Condition]>),
    Not(Box<Condition>),
    /// A named condition (by its number in the guide, then the overlay), expanded.
    Named(usize, Box<Condition>),
    Test(Box<Leaf>),
}

/// A named condition (`conditions.yaml`), compiled, with its number of nodes (to bound what
/// uses it). Serialized as its id and description.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct NamedCondition {
    pub(crate) id: String,
    pub(crate) description: String,
    /// Where its name is written.
    #[serde(skip)]
    #[cfg_attr(not(feature = "analysis"), allow(dead_code))]
    pub(crate) at: Option<Position>,
    #[serde(skip)]
    pub(crate) condition: Condition,
    #[serde(skip)]
    pub(crate) size: usize,
}

/// One test as a rule file writes it: where, for which item, in words, and compiled. Every test
/// written in a guide's (or overlay's) files is one site, however many conditions use it through
/// a named condition; a case suite's coverage counts what each site was seen to be.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub(crate) file: &'static str,
    pub(crate) at: Option<Position>,
    pub(crate) item: Option<Item>,
    pub(crate) fact: FactId,
    pub(crate) test: Test,
    pub(crate) text: Box<str>,
}

/// One test of one fact.
#[derive(Debug, Clone)]
pub(crate) struct Leaf {
    pub(crate) fact: FactId,
    pub(crate) test: Test,
    /// How the test reads in a report, e.g. "service_level is one of family_help, edge_of_care".
    pub(crate) text: Box<str>,
    /// How its negation reads ("service_level is none of ..."): a test under `not:` is shown as
    /// the rule states it.
    pub(crate) negated_text: Box<str>,
}

#[derive(Debug, Clone)]
pub(crate) enum Test {
    Known(bool),
    BoolIs(bool),
    /// Inclusive range; `at_least`, `less_than` etc. are ranges with one open end.
    IntBetween(i64, i64),
    IntIn(Box<[i64]>),
    /// For one-of facts: the value is one of these bits.
    ChoiceIn(u128),
    SetContainsAny(u128),
    SetContainsAll(u128),
    SetCountBetween(u32, u32),
    TextIn(Box<[Box<str>]>),
    TextMatches(Regex),
    /// The inner test, negated (`is_not`, `not_in`, `contains_none`). Unknown stays unknown.
    Negated(Box<Test>),
}

impl Test {
    /// Evaluates the test on a value; `None` when the value is unknown.
    #[inline]
    pub(crate) fn holds(&self, slot: &Slot) -> Option<bool> {
        let result = match (self, slot) {
            (Test::Known(expected), slot) => *expected != matches!(slot, Slot::Unknown),
            (_, Slot::Unknown) => return None,
            (Test::Negated(inner), slot) => !inner.holds(slot)?,
            (Test::BoolIs(b), Slot::Bool(v)) => b == v,
            (Test::IntBetween(lo, hi), Slot::Int(v)) => lo <= v && v <= hi,
            (Test::IntIn(set), Slot::Int(v)) => set.contains(v),
            (Test::ChoiceIn(mask), Slot::Choice(bit)) => mask & (1u128 << bit) != 0,
            (Test::SetContainsAny(mask), Slot::Set(set)) => mask & set != 0,
            (Test::SetContainsAll(mask), Slot::Set(set)) => mask & set == *mask,
            (Test::SetCountBetween(lo, hi), Slot::Set(set)) => {
                (*lo..=*hi).contains(&set.count_ones())
            }
            (Test::TextIn(options), Slot::Text(t)) => options.iter().any(|o| **o == **t),
            (Test::TextMatches(re), Slot::Text(t)) => re.is_match(t),
            // Binding checks every slot against its fact's type, so other pairs cannot occur;
            // if one did, "unknown" is the only answer that claims nothing.
            _ => return None,
        };
        Some(result)
    }
}

/// The lower ends of the intervals of `[min, max]` on which every one of `tests` (of one
/// integer fact) is constant: the range cut at each threshold the tests use. The analysis
/// encodes an integer fact by these intervals, and evaluation tries one value of each when it
/// asks what an answer could decide.
pub(crate) fn intervals<'t>(
    min: i64,
    max: i64,
    tests: impl IntoIterator<Item = &'t Test>,
) -> Vec<i64> {
    let mut cuts = std::collections::BTreeSet::from([min]);
    let mut cut = |at: i64| {
        if min < at && at <= max {
            cuts.insert(at);
        }
    };
    for test in tests {
        cut_points(test, &mut cut);
    }
    cuts.into_iter().collect()
}

fn cut_points(test: &Test, cut: &mut impl FnMut(i64)) {
    match test {
        Test::IntBetween(lo, hi) => {
            cut(*lo);
            cut(hi.saturating_add(1));
        }
        Test::IntIn(values) => {
            for v in values.iter() {
                cut(*v);
                cut(v.saturating_add(1));
            }
        }
        Test::Negated(inner) => cut_points(inner, cut),
        _ => {}
    }
}

impl Leaf {
    pub(crate) fn truth(&self, slots: &(impl FactSlots + ?Sized)) -> Truth {
        match self.test.holds(slots.slot(self.fact)) {
            Some(b) => Truth::from_bool(b),
            None => Truth::Unknown,
        }
    }
}

impl Condition {
    /// The condition in words, each test as the report shows it, named conditions expanded:
    /// `(adversities is not empty and (service_level is family_help or ...))`.
    pub(crate) fn words(&self) -> String {
        let join = |items: &[Condition], word: &str| {
            let parts: Vec<String> = items.iter().map(Condition::words).collect();
            format!("({})", parts.join(word))
        };
        match self {
            Condition::All(items) => join(items, " and "),
            Condition::Any(items) => join(items, " or "),
            Condition::Not(inner) => format!("not {}", inner.words()),
            Condition::Named(_, inner) => inner.words(),
            Condition::Test(leaf) => leaf.text.to_string(),
        }
    }

    /// The condition's truth value on `slots`.
    pub(crate) fn truth(&self, slots: &(impl FactSlots + ?Sized)) -> Truth {
        match self {
            Condition::All(items) => {
                let mut acc = Truth::True;
                for item in items.iter() {
                    acc = acc.min(item.truth(slots));
                    if acc == Truth::False {
                        break;
                    }
                }
                acc
            }
            Condition::Any(items) => {
                let mut acc = Truth::False;
                for item in items.iter() {
                    acc = acc.max(item.truth(slots));
                    if acc == Truth::True {
                        break;
                    }
                }
                acc
            }
            Condition::Not(inner) => inner.truth(slots).negate(),
            Condition::Named(_, inner) => inner.truth(slots),
            Condition::Test(leaf) => leaf.truth(slots),
        }
    }

    /// The condition's truth value, visiting the tests that decided it: for a true `all` every
    /// test, for a false one the false tests; for `any` the reverse; for an undecided one the
    /// tests that are known so far and the unknown ones. `visit` gets each test, its truth, and
    /// the innermost named condition it came from.
    /// The condition's truth, visiting each test that decided it with the test's truth, the
    /// named condition it came from, and whether it stands under an odd number of `not`s.
    pub(crate) fn explain<'c>(
        &'c self,
        slots: &Slots,
        visit: &mut impl FnMut(&'c Leaf, Truth, Option<usize>, bool),
    ) -> Truth {
        let truth = self.truth(slots);
        self.explain_as(truth, slots, (None, false), visit);
        truth
    }

    fn explain_as<'c>(
        &'c self,
        truth: Truth,
        slots: &Slots,
        (via, negated): (Option<usize>, bool),
        visit: &mut impl FnMut(&'c Leaf, Truth, Option<usize>, bool),
    ) {
        match self {
            Condition::All(items) | Condition::Any(items) => {
                // The children that share the whole's truth decided it; when the whole is true
                // for `all` (false for `any`) that is every child. For an undecided whole, every
                // child that is not the "absorbing" value is shown: known context and unknowns.
                let absorbing = if matches!(self, Condition::All(_)) {
                    Truth::False
                } else {
                    Truth::True
                };
                for item in items.iter() {
                    let t = item.truth(slots);
                    let shown = if truth == Truth::Unknown {
                        t != absorbing
                    } else {
                        t == truth
                    };
                    if shown {
                        item.explain_as(t, slots, (via, negated), visit);
                    }
                }
            }
            Condition::Not(inner) => {
                inner.explain_as(truth.negate(), slots, (via, !negated), visit)
            }
            Condition::Named(id, inner) => {
                inner.explain_as(truth, slots, (Some(*id), negated), visit)
            }
            Condition::Test(leaf) => visit(leaf, truth, via, negated),
        }
    }
}
