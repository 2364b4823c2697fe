//! Compiled tests, and the condition tree the condition compiler builds from them.
//!
//! A condition is a tree of `all`, `any`, `not` and tests of one fact each; named conditions are
//! expanded in place, keeping their number so explanations can say which one a test came from.
//! Facts are ids, declared values bits, regexes compiled: evaluating touches no strings but the
//! profile's text values.
//!
//! The tree is the compiler's intermediate form, and the exact analysis's input; evaluation
//! reads the same conditions laid out flat in the [arena](super::arena), and only the tests'
//! reference evaluator reads the tree.
//!
//! Unknown facts make a test *unknown*; `all`, `any` and `not` combine true, false and unknown by
//! Kleene's rules, so a condition is only decided when the unknown facts could not change it.
//! The one exception is `known`, which asks about the profile rather than the family.

use regex::Regex;

use super::truth::Truth;
use super::value::{FactId, Slot};
use crate::error::Position;
use crate::ids::{NamedId, SiteId};

/// A compiled condition.
#[derive(Debug, Clone)]
pub(crate) enum Condition {
    All(Box<[Condition]>),
    Any(Box<[Condition]>),
    Not(Box<Condition>),
    /// A named condition (by its number in the guide, then the overlay), expanded.
    Named(NamedId, Box<Condition>),
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

/// One test of one fact, where it is written.
#[derive(Debug, Clone)]
pub(crate) struct Leaf {
    /// Where it is written (a named condition's test is one site, however many conditions use
    /// it).
    pub(crate) site: SiteId,
    /// Its fact and test, for the exact analysis (and the tests' reference evaluator); the
    /// arena's site holds them for evaluation.
    #[cfg_attr(not(feature = "analysis"), allow(dead_code))]
    pub(crate) fact: FactId,
    #[cfg_attr(not(feature = "analysis"), allow(dead_code))]
    pub(crate) test: Test,
    /// How the test reads in a report, e.g. "service_level is one of family_help, edge_of_care"
    /// (its site's words, kept for [`Condition::words`]).
    pub(crate) text: Box<str>,
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
    /// The test's truth on a value: unknown when the value is (but for `known:`, which asks
    /// about the profile rather than the family).
    #[inline]
    pub(crate) fn truth(&self, slot: &Slot) -> Truth {
        let holds = match (self, slot) {
            (Test::Known(expected), slot) => *expected != matches!(slot, Slot::Unknown),
            (_, Slot::Unknown) => return Truth::Unknown,
            (Test::Negated(inner), slot) => return inner.truth(slot).negate(),
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
            _ => return Truth::Unknown,
        };
        Truth::from_bool(holds)
    }

    /// Whether it holds on a (known) value.
    #[inline]
    #[cfg_attr(not(feature = "analysis"), allow(dead_code))]
    pub(crate) fn holds(&self, slot: &Slot) -> bool {
        self.truth(slot) == Truth::True
    }
}

/// Tests are interned by what they test: every value spelled out, a regex by its pattern.
impl PartialEq for Test {
    fn eq(&self, other: &Test) -> bool {
        match (self, other) {
            (Test::Known(a), Test::Known(b)) | (Test::BoolIs(a), Test::BoolIs(b)) => a == b,
            (Test::IntBetween(a, b), Test::IntBetween(c, d)) => (a, b) == (c, d),
            (Test::IntIn(a), Test::IntIn(b)) => a == b,
            (Test::ChoiceIn(a), Test::ChoiceIn(b))
            | (Test::SetContainsAny(a), Test::SetContainsAny(b))
            | (Test::SetContainsAll(a), Test::SetContainsAll(b)) => a == b,
            (Test::SetCountBetween(a, b), Test::SetCountBetween(c, d)) => (a, b) == (c, d),
            (Test::TextIn(a), Test::TextIn(b)) => a == b,
            (Test::TextMatches(a), Test::TextMatches(b)) => a.as_str() == b.as_str(),
            (Test::Negated(a), Test::Negated(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Test {}

impl std::hash::Hash for Test {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Test::Known(b) | Test::BoolIs(b) => b.hash(state),
            Test::IntBetween(lo, hi) => (lo, hi).hash(state),
            Test::IntIn(values) => values.hash(state),
            Test::ChoiceIn(mask) | Test::SetContainsAny(mask) | Test::SetContainsAll(mask) => {
                mask.hash(state);
            }
            Test::SetCountBetween(lo, hi) => (lo, hi).hash(state),
            Test::TextIn(texts) => texts.hash(state),
            Test::TextMatches(re) => re.as_str().hash(state),
            Test::Negated(inner) => inner.hash(state),
        }
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
}
