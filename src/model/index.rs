//! The bit-parallel index behind statuses: every *flat* rule (a conjunction or a disjunction of
//! literals, once its condition is in negation normal form) is one bit of a few bit sets, and a
//! profile decides them all together, 64 rules per machine word.
//!
//! In Kleene logic a conjunction is false as soon as one literal is false, undetermined when none
//! is false and one is unknown, and true otherwise; a disjunction is true as soon as one literal
//! is true. So one profile needs, over all flat rules, only two bit sets:
//!
//! - `decided`: the conjunctions with a false literal, and the disjunctions with a true one;
//! - `unknown`: the rules with a literal the profile leaves unknown.
//!
//! Then `applies = (all & !decided & !unknown) | (any & decided)` and
//! `undetermined = (all | any) & !decided & unknown`, a few operations per word.
//!
//! Both sets are unions of bit sets made at load time:
//!
//! - **Fact tables.** A fact with few *classes* of values (a boolean; a one-of fact; a set-of
//!   fact of at most [`SET_BITS`] values, each subset a class; an integer fact cut at the
//!   thresholds its tests use) gets one row per class: the rules that any value of that class
//!   decides (a false literal in a conjunction, a true one in a disjunction), and a row for an
//!   unknown value. A profile adds one row per fact, whatever the number of rules and tests on it:
//!   the cost per rule *falls* as rules share facts (a rule set of 20,000 rules over 7 facts is
//!   7 rows of 313 words).
//! - **Test masks.** A test on another fact (a text, a large set, an integer with too many
//!   thresholds), or on a fact whose table would cost more than its tests, keeps the rules it
//!   decides when true, when false and when unknown: dense bit sets for a test many rules use,
//!   lists of rule numbers for a rare one.
//!
//! Tables are only built where they pay: their size is bounded by [`TABLE_WORDS_PER_USE`] words
//! per literal on the fact, so memory stays linear in the size of the rules.

use std::collections::BTreeMap;

use super::condition::{Test, intervals};
use super::truth::Truth;
use super::value::{FactId, Slot, Slots};
use super::vocabulary::{FactType, Vocab};

/// The largest set-of fact whose subsets are classes of a table (2^8 rows).
const SET_BITS: usize = 8;
/// The most classes of an integer fact's table.
const MAX_INT_CLASSES: usize = 256;
/// A fact table may take up to this many words per use of the fact by a flat rule.
const TABLE_WORDS_PER_USE: usize = 8;

/// A flat rule, as the index takes it: its number, whether it is a disjunction, its literals
/// (`2 * test + negated`).
pub(crate) struct Flat<'a> {
    pub(crate) rule: u32,
    pub(crate) any: bool,
    pub(crate) lits: &'a [u32],
}

/// See the module docs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    words: usize,
    /// The flat conjunctions (a rule without a condition is an empty one).
    all: Box<[u64]>,
    /// The flat disjunctions.
    any: Box<[u64]>,
    tables: Box<[Table]>,
    masks: Box<[Masks]>,
    /// Dense masks, `3 * words` each: decided when true, decided when false, unknown.
    pool: Box<[u64]>,
    /// Sparse masks: a rule number and [`ON_TRUE`] / [`ON_FALSE`] (decided then).
    postings: Box<[(u32, u8)]>,
}

const ON_TRUE: u8 = 1;
const ON_FALSE: u8 = 2;

/// One fact's table: `rows` is `(classes + 1) * words` (the last row for an unknown value).
#[derive(Debug, Clone)]
struct Table {
    fact: FactId,
    classes: Classes,
    rows: Box<[u64]>,
    /// The rules with a literal an unknown value leaves unknown.
    unknown: Box<[u64]>,
}

/// How a fact's values fall into classes on which every test of the fact is constant.
#[derive(Debug, Clone)]
enum Classes {
    Bool,
    /// A one-of fact's value: its bit.
    Choice(usize),
    /// A small set-of fact's value: the set itself, `2^n` classes.
    Set(usize),
    /// An integer fact, cut at these thresholds (ascending, each within its range and above its
    /// minimum): class `i` is `[cuts[i - 1], cuts[i])`, from the minimum to the maximum.
    Int {
        min: i64,
        cuts: Box<[i64]>,
    },
}

/// The masks of one test on a fact without a table.
#[derive(Debug, Clone)]
struct Masks {
    test: u32,
    form: Form,
}

#[derive(Debug, Clone, Copy)]
enum Form {
    /// At this offset of the pool.
    Dense(u32),
    /// `postings[start..end]`.
    Sparse(u32, u32),
}

/// The accumulators of one profile, `words` long each.
pub(crate) struct Sets<'s> {
    pub(crate) decided: &'s mut [u64],
    pub(crate) unknown: &'s mut [u64],
}

impl Index {
    /// Builds the index of `rules` (flat rules, ascending) out of `total` rules.
    pub(crate) fn build<'a>(
        vocabulary: Vocab<'_>,
        tests: &[(FactId, Test)],
        total: usize,
        rules: impl IntoIterator<Item = Flat<'a>>,
    ) -> Index {
        let words = total.div_ceil(64);
        let mut index = Index {
            words,
            all: vec![0; words].into_boxed_slice(),
            any: vec![0; words].into_boxed_slice(),
            ..Index::default()
        };
        // Every use of a test by a flat rule: (test, rule, literal negated, rule is `any`).
        let mut uses: BTreeMap<FactId, Vec<Use>> = BTreeMap::new();
        for flat in rules {
            let members = if flat.any {
                &mut index.any
            } else {
                &mut index.all
            };
            set_bit(members, flat.rule);
            for &lit in flat.lits {
                let test = lit / 2;
                let Some((fact, _)) = tests.get(test as usize) else {
                    continue;
                };
                uses.entry(*fact).or_default().push(Use {
                    test,
                    rule: flat.rule,
                    negated: lit % 2 == 1,
                    any: flat.any,
                });
            }
        }
        let mut tables = Vec::new();
        let mut masked: BTreeMap<u32, Vec<(u32, u8)>> = BTreeMap::new();
        for (fact, uses) in uses {
            let fact_type = vocabulary.fact(fact).map(|f| &f.fact_type);
            match Classes::of(fact_type, tests, fact, words, uses.len()) {
                Some(classes) => tables.push(Table::build(fact, classes, tests, &uses, words)),
                None => {
                    for u in &uses {
                        masked
                            .entry(u.test)
                            .or_default()
                            .push((u.rule, u.decides()));
                    }
                }
            }
        }
        index.tables = tables.into_boxed_slice();
        index.masks(masked);
        index
    }

    /// Lays out the masks of tests without a table: dense for a test many rules use.
    fn masks(&mut self, masked: BTreeMap<u32, Vec<(u32, u8)>>) {
        let words = self.words;
        let mut pool = Vec::new();
        let mut postings = Vec::new();
        let mut masks = Vec::with_capacity(masked.len());
        for (test, uses) in masked {
            // A dense mask costs a few words per profile; a posting, a bit or two.
            let form = if uses.len() * 4 >= words {
                let offset = to_u32(pool.len());
                pool.resize(pool.len() + 3 * words, 0);
                let dense = pool.get_mut(offset as usize..).unwrap_or_default();
                let (on_true, rest) = dense.split_at_mut(words.min(dense.len()));
                let (on_false, unknown) = rest.split_at_mut(words.min(rest.len()));
                for &(rule, decides) in &uses {
                    if decides & ON_TRUE != 0 {
                        set_bit(on_true, rule);
                    }
                    if decides & ON_FALSE != 0 {
                        set_bit(on_false, rule);
                    }
                    set_bit(unknown, rule);
                }
                Form::Dense(offset)
            } else {
                let start = to_u32(postings.len());
                postings.extend(uses);
                Form::Sparse(start, to_u32(postings.len()))
            };
            masks.push(Masks { test, form });
        }
        self.pool = pool.into_boxed_slice();
        self.postings = postings.into_boxed_slice();
        self.masks = masks.into_boxed_slice();
    }

    /// The tests whose truth [`Index::decide`] reads (those without a table).
    pub(crate) fn tests(&self) -> impl Iterator<Item = u32> + '_ {
        self.masks.iter().map(|m| m.test)
    }

    /// Adds what `facts` decides of the flat rules to `sets` (zeroed, `words` long), reading the
    /// truth of tests without a table from `truths` (two literals per test).
    #[inline]
    pub(crate) fn decide(&self, facts: &Slots, truths: &[Truth], sets: &mut Sets<'_>) {
        let words = self.words;
        for table in self.tables.iter() {
            let slot = facts.get(table.fact);
            let class = table.classes.class_of(slot);
            let row = class.unwrap_or(table.classes.count());
            let rows = table.rows.get(row * words..(row + 1) * words);
            or_into(sets.decided, rows.unwrap_or_default());
            if class.is_none() {
                or_into(sets.unknown, &table.unknown);
            }
        }
        for masks in self.masks.iter() {
            let truth = truths
                .get(masks.test as usize * 2)
                .copied()
                .unwrap_or_default();
            match masks.form {
                Form::Dense(offset) => {
                    let at = offset as usize
                        + words
                            * match truth {
                                Truth::True => 0,
                                Truth::False => 1,
                                Truth::Unknown => 2,
                            };
                    let mask = self.pool.get(at..at + words).unwrap_or_default();
                    let target = if truth == Truth::Unknown {
                        &mut *sets.unknown
                    } else {
                        &mut *sets.decided
                    };
                    or_into(target, mask);
                }
                Form::Sparse(start, end) => {
                    let postings = self.postings.get(start as usize..end as usize);
                    for &(rule, decides) in postings.unwrap_or_default() {
                        match truth {
                            Truth::True if decides & ON_TRUE != 0 => set_bit(sets.decided, rule),
                            Truth::False if decides & ON_FALSE != 0 => set_bit(sets.decided, rule),
                            Truth::Unknown => set_bit(sets.unknown, rule),
                            _ => {}
                        }
                    }
                }
            }
        }
    }

    /// Turns the accumulated `sets` into the flat rules' statuses (bits of rules that are not
    /// flat are left as they are in `applies` and `undetermined`).
    #[inline]
    pub(crate) fn finish(&self, sets: &Sets<'_>, applies: &mut [u64], undetermined: &mut [u64]) {
        let words = self
            .all
            .iter()
            .zip(self.any.iter())
            .zip(sets.decided.iter().zip(sets.unknown.iter()));
        for ((((all, any), (decided, unknown)), a), u) in
            words.zip(applies.iter_mut()).zip(undetermined.iter_mut())
        {
            *a |= (all & !decided & !unknown) | (any & decided);
            *u |= (all | any) & !decided & unknown;
        }
    }
}

/// One use of a test by a flat rule.
struct Use {
    test: u32,
    rule: u32,
    negated: bool,
    any: bool,
}

impl Use {
    /// When the test decides the rule: [`ON_TRUE`] or [`ON_FALSE`] (a conjunction is decided by
    /// a false literal, a disjunction by a true one).
    fn decides(&self) -> u8 {
        // The literal is false when the test is true and the literal negated, or the reverse.
        if self.any != self.negated {
            ON_TRUE
        } else {
            ON_FALSE
        }
    }
}

impl Classes {
    /// The classes of a fact's values, if a table of them is worth building for `uses` uses.
    fn of(
        fact_type: Option<&FactType>,
        tests: &[(FactId, Test)],
        fact: FactId,
        words: usize,
        uses: usize,
    ) -> Option<Classes> {
        let classes = match fact_type? {
            FactType::Boolean => Classes::Bool,
            FactType::OneOf(values) => Classes::Choice(values.names().len()),
            FactType::SetOf(values) if values.names().len() <= SET_BITS => {
                Classes::Set(values.names().len())
            }
            FactType::Integer { min, max } => {
                let on_fact = tests.iter().filter(|(f, _)| *f == fact).map(|(_, t)| t);
                // The lower end of every interval but the first.
                let mut cuts = intervals(*min, *max, on_fact);
                cuts.remove(0);
                if cuts.len() >= MAX_INT_CLASSES {
                    return None;
                }
                Classes::Int {
                    min: *min,
                    cuts: cuts.into_boxed_slice(),
                }
            }
            _ => return None,
        };
        let size = (classes.count() + 2).saturating_mul(words);
        (size <= TABLE_WORDS_PER_USE.saturating_mul(uses)).then_some(classes)
    }

    /// The number of classes of known values.
    fn count(&self) -> usize {
        match self {
            Classes::Bool => 2,
            Classes::Choice(n) => *n,
            Classes::Set(bits) => 1 << bits,
            Classes::Int { cuts, .. } => cuts.len() + 1,
        }
    }

    /// The class of a value; `None` when it is unknown.
    #[inline]
    fn class_of(&self, slot: &Slot) -> Option<usize> {
        match (self, slot) {
            (Classes::Bool, Slot::Bool(b)) => Some(usize::from(*b)),
            (Classes::Choice(_), Slot::Choice(bit)) => Some(usize::from(*bit)),
            (Classes::Set(_), Slot::Set(set)) => usize::try_from(*set).ok(),
            // Binding keeps a value within the fact's range, so it falls in a class.
            (Classes::Int { cuts, .. }, Slot::Int(v)) => Some(cuts.partition_point(|c| c <= v)),
            _ => None,
        }
    }

    /// A value of `class` (the unknown value past the last class).
    fn value(&self, class: usize) -> Slot {
        match self {
            _ if class >= self.count() => Slot::Unknown,
            Classes::Bool => Slot::Bool(class == 1),
            Classes::Choice(_) => Slot::Choice(u8::try_from(class).unwrap_or(u8::MAX)),
            Classes::Set(_) => Slot::Set(class as u128),
            Classes::Int { min, cuts } => Slot::Int(match class.checked_sub(1) {
                None => *min,
                Some(i) => cuts.get(i).copied().unwrap_or(*min),
            }),
        }
    }
}

impl Table {
    fn build(
        fact: FactId,
        classes: Classes,
        tests: &[(FactId, Test)],
        uses: &[Use],
        words: usize,
    ) -> Table {
        let rows = classes.count() + 1;
        let values: Vec<Slot> = (0..rows).map(|c| classes.value(c)).collect();
        // Each test's truth on each class, computed once.
        let mut truths: BTreeMap<u32, Vec<Truth>> = BTreeMap::new();
        for u in uses {
            truths.entry(u.test).or_insert_with(|| {
                let test = tests.get(u.test as usize).map(|(_, t)| t);
                values
                    .iter()
                    .map(|v| test.map_or(Truth::Unknown, |t| t.truth(v)))
                    .collect()
            });
        }
        let mut table = Table {
            fact,
            classes,
            rows: vec![0; rows * words].into_boxed_slice(),
            unknown: vec![0; words].into_boxed_slice(),
        };
        for u in uses {
            let decides = u.decides() == ON_TRUE;
            let on_classes = truths.get(&u.test).map(Vec::as_slice).unwrap_or_default();
            for (class, truth) in on_classes.iter().enumerate() {
                if *truth == Truth::Unknown {
                    set_bit(&mut table.unknown, u.rule);
                } else if *truth == Truth::from_bool(decides) {
                    let row = table.rows.get_mut(class * words..(class + 1) * words);
                    set_bit(row.unwrap_or_default(), u.rule);
                }
            }
        }
        table
    }
}

#[inline]
fn or_into(target: &mut [u64], source: &[u64]) {
    for (t, s) in target.iter_mut().zip(source) {
        *t |= s;
    }
}

#[inline]
pub(crate) fn set_bit(words: &mut [u64], bit: u32) {
    if let Some(w) = words.get_mut(bit as usize / 64) {
        *w |= 1u64 << (bit % 64);
    }
}

/// Sizes here are bounded far below `u32::MAX` by [`crate::limits`] (rules × nodes per rule).
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
