//! Every profile a guide can be given, as Boolean variables, and every condition as the sets of
//! profiles where it is true and where it is false: binary decision diagrams over those
//! variables.
//!
//! Each fact has a *known* variable and variables for its value:
//!
//! | fact type | value variables | a known value is |
//! |---|---|---|
//! | `boolean` | one | the variable |
//! | `one_of` | one per declared value | exactly one of them |
//! | `set_of` | one per declared value (membership) | any of them |
//! | `integer` | one per interval the rules' thresholds cut the range into | exactly one interval |
//! | `text` | one per text a test names, one for any other text, one per regular expression | exactly one text; the expressions free for "any other" |
//!
//! An unknown fact has every value variable false, so each profile is one assignment. Within an
//! interval, or for "any other text" without expressions, every test gives the same answer, so
//! the encoding is exact; a regular expression tested on "any other text" is a free variable (no
//! decision procedure for regular languages here), and a verdict that depends on it is marked
//! an over-approximation.
//!
//! Tests are evaluated by the evaluator's own code (`Test::holds`) on a representative value of
//! each alternative, so the encoding cannot drift from what evaluation does.

use std::collections::BTreeSet;

use biodivine_lib_bdd::{
    Bdd, BddPartialValuation, BddValuation, BddVariable, BddVariableSet, BddVariableSetBuilder,
};
use regex::Regex;

use crate::model::condition::{Condition, Test, intervals};
use crate::model::guide::Guide;
use crate::model::value::{FactId, Slot};
use crate::model::vocabulary::{Fact, FactType};
use crate::profile::{FactValue, FamilyProfile};
use crate::result::ChangedValue;

/// The variables of one fact.
struct FactVars {
    name: String,
    known: BddVariable,
    values: Values,
}

impl FactVars {
    /// Every variable of the fact: known, then its values.
    fn all(&self) -> Vec<BddVariable> {
        let mut all = vec![self.known];
        match &self.values {
            Values::Bool(var) => all.push(*var),
            Values::Alternatives(alternatives) => all.extend(alternatives.iter().map(|(v, ..)| *v)),
            Values::Set(members) => all.extend(members.iter().map(|(v, _)| *v)),
            Values::Text {
                literals,
                other,
                regexes,
                ..
            } => {
                all.extend(literals.iter().map(|(v, _)| *v));
                all.push(*other);
                all.extend(regexes.iter().map(|(v, _)| *v));
            }
        }
        all
    }
}

/// A fact's value variables, by type.
enum Values {
    Bool(BddVariable),
    /// `one_of` (value bit order) and `integer` (intervals, ascending): exactly one when known,
    /// each with the value that stands for it, bound and as a profile gives it.
    Alternatives(Vec<(BddVariable, Slot, FactValue)>),
    /// `set_of`: one membership variable per declared value, in bit order, with its name.
    Set(Vec<(BddVariable, String)>),
    /// `text`: the texts tests name, any other text, and the regular expressions tested (with
    /// the fact's pattern, which every value matches).
    Text {
        literals: Vec<(BddVariable, Box<str>)>,
        other: BddVariable,
        regexes: Vec<(BddVariable, Regex)>,
        pattern: Option<Regex>,
    },
}

/// The sets of profiles where a condition is true, and where it is false (in Kleene logic:
/// neither is where it is unknown). Not restricted to the domain: intersect with
/// [`Space::domain`] before asking whether a set is empty.
#[derive(Clone)]
pub(crate) struct Truths {
    pub(crate) t: Bdd,
    pub(crate) f: Bdd,
}

/// The profile space of one guide (with its overlay, if any).
pub(crate) struct Space {
    vars: BddVariableSet,
    facts: Vec<FactVars>,
    /// The assignments that are profiles.
    domain: Bdd,
    /// Whether some regular expression is tested on an open text value.
    approximate: bool,
    /// The top of each integer fact's range, by fact id.
    int_max: Vec<Option<i64>>,
    /// What each variable is, by variable index.
    kinds: Vec<VarKind>,
}

/// What one variable is: whose, and how a change of it is counted.
#[derive(Clone, Copy)]
pub(crate) struct VarKind {
    /// The fact it belongs to.
    pub(crate) fact: FactId,
    /// Whether it is the fact's *known* variable.
    pub(crate) known: bool,
    /// Whether each of the fact's variables changed counts as one value changed (a `set_of`
    /// fact's members, and its becoming known), rather than the fact as one.
    pub(crate) each: bool,
}

impl Space {
    /// The space of `guide`'s profiles, cut by the thresholds and texts its tests use; `None`
    /// when it would need more than [`MAX_VARIABLES`] variables.
    pub(crate) fn new(guide: &Guide) -> Option<Space> {
        Space::over(guide, &[])
    }

    /// The space of `guide`'s profiles cut by the tests of `guide` and of `others` too (each of
    /// the same vocabulary: a guide's mutants), so that conditions of all of them can be
    /// compared in it; `None` when it would need more than [`MAX_VARIABLES`] variables.
    pub(crate) fn over(guide: &Guide, others: &[&Guide]) -> Option<Space> {
        let tests_of = |id: FactId| {
            let others = others.iter().flat_map(move |g| g.tests_of(id));
            guide.tests_of(id).chain(others)
        };
        if variables_needed(guide, &tests_of) > MAX_VARIABLES {
            return None;
        }
        let vocab = guide.vocab();
        let mut builder = BddVariableSetBuilder::new();
        let mut facts = Vec::with_capacity(vocab.len());
        let mut approximate = false;
        for (id, fact) in vocab.facts().enumerate() {
            let id = FactId::new(id);
            let tests: Vec<&Test> = tests_of(id).collect();
            let known = builder.make_variable(&format!("f{}", id.index()));
            let values = values(&mut builder, id, fact, &tests);
            if let Values::Text { regexes, .. } = &values {
                approximate |= !regexes.is_empty();
            }
            facts.push(FactVars {
                name: fact.name.clone(),
                known,
                values,
            });
        }
        let vars = builder.build();
        let int_max = vocab
            .facts()
            .map(|f| match f.fact_type {
                FactType::Integer { max, .. } => Some(max),
                _ => None,
            })
            .collect();
        let unused = VarKind {
            fact: FactId::new(0),
            known: false,
            each: false,
        };
        let mut kinds = vec![unused; vars.num_vars().into()];
        for (id, fact) in facts.iter().enumerate() {
            for var in fact.all() {
                if let Some(slot) = kinds.get_mut(var.to_index()) {
                    *slot = VarKind {
                        fact: FactId::new(id),
                        known: var == fact.known,
                        each: matches!(fact.values, Values::Set(_)),
                    };
                }
            }
        }
        let mut space = Space {
            domain: vars.mk_true(),
            vars,
            facts,
            approximate,
            int_max,
            kinds,
        };
        space.domain = space
            .facts
            .iter()
            .fold(space.vars.mk_true(), |d, f| d.and(&space.fact_domain(f)));
        Some(space)
    }

    /// Every profile.
    pub(crate) fn domain(&self) -> &Bdd {
        &self.domain
    }

    /// Whether a verdict may over-approximate: some regular expression is tested on a text
    /// fact's open values.
    pub(crate) fn approximate(&self) -> bool {
        self.approximate
    }

    /// Whether any of `sets` depends on a regular expression's variable, and so may
    /// over-approximate.
    pub(crate) fn depends_on_regex(&self, sets: &[&Bdd]) -> bool {
        let regexes: Vec<BddVariable> = self
            .facts
            .iter()
            .flat_map(|f| match &f.values {
                Values::Text { regexes, .. } => regexes.iter().map(|(v, _)| *v).collect(),
                _ => Vec::new(),
            })
            .collect();
        !regexes.is_empty()
            && sets
                .iter()
                .any(|set| set.support_set().iter().any(|v| regexes.contains(v)))
    }

    pub(crate) fn mk_true(&self) -> Bdd {
        self.vars.mk_true()
    }

    pub(crate) fn mk_false(&self) -> Bdd {
        self.vars.mk_false()
    }

    /// The profiles that give `fact`.
    pub(crate) fn known(&self, fact: FactId) -> Bdd {
        self.facts
            .get(fact.index())
            .map_or_else(|| self.mk_false(), |f| self.vars.mk_var(f.known))
    }

    /// Where `condition` is true and where it is false.
    pub(crate) fn truths(&self, condition: &Condition) -> Truths {
        match condition {
            Condition::All(items) => items.iter().fold(self.always(), |acc, c| {
                let c = self.truths(c);
                Truths {
                    t: acc.t.and(&c.t),
                    f: acc.f.or(&c.f),
                }
            }),
            Condition::Any(items) => items.iter().fold(self.never(), |acc, c| {
                let c = self.truths(c);
                Truths {
                    t: acc.t.or(&c.t),
                    f: acc.f.and(&c.f),
                }
            }),
            Condition::Not(inner) => {
                let inner = self.truths(inner);
                Truths {
                    t: inner.f,
                    f: inner.t,
                }
            }
            Condition::Named(_, inner) => self.truths(inner),
            Condition::Test(leaf) => self.test(leaf.fact, &leaf.test),
        }
    }

    /// A condition that always holds (a rule without `when:`).
    pub(crate) fn always(&self) -> Truths {
        Truths {
            t: self.mk_true(),
            f: self.mk_false(),
        }
    }

    fn never(&self) -> Truths {
        Truths {
            t: self.mk_false(),
            f: self.mk_true(),
        }
    }

    /// Where a test of `fact` is true and where it is false.
    pub(crate) fn test(&self, fact: FactId, test: &Test) -> Truths {
        let known = self.known(fact);
        if let Test::Known(expected) = test {
            return if *expected {
                Truths {
                    f: known.not(),
                    t: known,
                }
            } else {
                Truths {
                    t: known.not(),
                    f: known,
                }
            };
        }
        let holds = self.holds(fact, test);
        Truths {
            t: known.and(&holds),
            f: known.and_not(&holds),
        }
    }

    /// The values of `fact` (assumed known) for which `test` holds.
    pub(crate) fn holds(&self, fact: FactId, test: &Test) -> Bdd {
        let Some(vars) = self.facts.get(fact.index()) else {
            return self.mk_false();
        };
        match &vars.values {
            Values::Bool(var) => {
                let t = self.vars.mk_var(*var);
                let f = t.not();
                let pick = |v: bool| test.holds(&Slot::Bool(v));
                match (pick(true), pick(false)) {
                    (true, true) => self.mk_true(),
                    (true, false) => t,
                    (false, true) => f,
                    (false, false) => self.mk_false(),
                }
            }
            Values::Alternatives(alternatives) => alternatives
                .iter()
                .filter(|(_, slot, _)| test.holds(slot))
                .fold(self.mk_false(), |acc, (var, ..)| {
                    acc.or(&self.vars.mk_var(*var))
                }),
            Values::Set(members) => self.set_holds(members, test),
            Values::Text {
                literals,
                other,
                regexes,
                ..
            } => {
                let named = literals
                    .iter()
                    .filter(|(_, text)| test.holds(&Slot::Text(text.clone())))
                    .fold(self.mk_false(), |acc, (var, _)| {
                        acc.or(&self.vars.mk_var(*var))
                    });
                let open = self
                    .vars
                    .mk_var(*other)
                    .and(&self.other_holds(regexes, test));
                named.or(&open)
            }
        }
    }

    /// A set test, built from the membership variables.
    fn set_holds(&self, members: &[(BddVariable, String)], test: &Test) -> Bdd {
        let member = |bit: usize| members.get(bit).map(|(v, _)| self.vars.mk_var(*v));
        let in_mask = |mask: u128| (0..members.len()).filter(move |b| mask & (1u128 << b) != 0);
        match test {
            Test::SetContainsAny(mask) => in_mask(*mask)
                .filter_map(member)
                .fold(self.mk_false(), |acc, m| acc.or(&m)),
            Test::SetContainsAll(mask) => in_mask(*mask)
                .filter_map(member)
                .fold(self.mk_true(), |acc, m| acc.and(&m)),
            Test::SetCountBetween(lo, hi) => {
                let vars: Vec<BddVariable> = members.iter().map(|(v, _)| *v).collect();
                self.count_between(&vars, *lo, *hi)
            }
            Test::Negated(inner) => self.set_holds(members, inner).not(),
            _ => self.mk_false(),
        }
    }

    /// The profiles that give the `set_of` fact `fact` exactly `n` members.
    pub(crate) fn count_is(&self, fact: FactId, n: u32) -> Bdd {
        match self.facts.get(fact.index()) {
            Some(FactVars {
                known,
                values: Values::Set(members),
                ..
            }) => {
                let vars: Vec<BddVariable> = members.iter().map(|(v, _)| *v).collect();
                self.vars
                    .mk_var(*known)
                    .and(&self.count_between(&vars, n, n))
            }
            _ => self.mk_false(),
        }
    }

    /// At least `lo` and at most `hi` of `members` hold.
    fn count_between(&self, members: &[BddVariable], lo: u32, hi: u32) -> Bdd {
        // exactly[k]: exactly k of the members seen so far hold.
        let mut exactly = vec![self.mk_true()];
        for var in members {
            let v = self.vars.mk_var(*var);
            let mut next = vec![self.mk_false(); exactly.len() + 1];
            for (k, set) in exactly.iter().enumerate() {
                if let Some(slot) = next.get_mut(k) {
                    *slot = slot.or(&set.and_not(&v));
                }
                if let Some(slot) = next.get_mut(k + 1) {
                    *slot = slot.or(&set.and(&v));
                }
            }
            exactly = next;
        }
        exactly
            .iter()
            .enumerate()
            .filter(|(k, _)| u32::try_from(*k).is_ok_and(|k| lo <= k && k <= hi))
            .fold(self.mk_false(), |acc, (_, set)| acc.or(set))
    }

    /// A text test on a text no test names: `in` never holds; a regular expression is its own
    /// free variable.
    fn other_holds(&self, regexes: &[(BddVariable, Regex)], test: &Test) -> Bdd {
        match test {
            Test::TextMatches(re) => regexes
                .iter()
                .find(|(_, r)| r.as_str() == re.as_str())
                .map_or_else(|| self.mk_false(), |(var, _)| self.vars.mk_var(*var)),
            Test::Negated(inner) => self.other_holds(regexes, inner).not(),
            _ => self.mk_false(),
        }
    }

    /// The assignments of `fact`'s variables that are profiles.
    fn fact_domain(&self, fact: &FactVars) -> Bdd {
        let known = self.vars.mk_var(fact.known);
        let none = |vars: &mut dyn Iterator<Item = BddVariable>| {
            vars.fold(self.mk_true(), |acc, v| acc.and_not(&self.vars.mk_var(v)))
        };
        match &fact.values {
            Values::Bool(var) => known.or(&self.vars.mk_var(*var).not()),
            Values::Set(members) => known.or(&none(&mut members.iter().map(|(v, _)| *v))),
            Values::Alternatives(alternatives) => {
                let vars: Vec<BddVariable> = alternatives.iter().map(|(v, ..)| *v).collect();
                self.one_when_known(&known, &vars)
            }
            Values::Text {
                literals,
                other,
                regexes,
                ..
            } => {
                let mut classes: Vec<BddVariable> = literals.iter().map(|(v, _)| *v).collect();
                classes.push(*other);
                let one = self.one_when_known(&known, &classes);
                // An expression is free only for "any other text"; otherwise all false, so that
                // each profile is one assignment.
                let open = self.vars.mk_var(*other);
                let fixed = none(&mut regexes.iter().map(|(v, _)| *v));
                one.and(&open.or(&fixed))
            }
        }
    }

    /// Known: exactly one of `vars`; unknown: none.
    fn one_when_known(&self, known: &Bdd, vars: &[BddVariable]) -> Bdd {
        let exactly_one = self.count_between(vars, 1, 1);
        let none = self.count_between(vars, 0, 0);
        known.and(&exactly_one).or(&known.not().and(&none))
    }

    /// At most `k` facts known.
    pub(crate) fn at_most_known(&self, k: usize) -> Bdd {
        let known: Vec<BddVariable> = self.facts.iter().map(|f| f.known).collect();
        self.count_between(&known, 0, u32::try_from(k).unwrap_or(u32::MAX))
    }

    /// A profile in `set` with the fewest facts known, if `set` (within the domain) has one; and
    /// whether it could not be made exact (a text no test names had to stand for a regular
    /// expression's answer, and no example text was found that gives it).
    pub(crate) fn smallest(&self, set: &Bdd) -> Option<(FamilyProfile, bool)> {
        let set = set.and(&self.domain);
        if set.is_false() {
            return None;
        }
        (0..=self.facts.len()).find_map(|k| {
            let valuation = set.and(&self.at_most_known(k)).sat_witness()?;
            Some(self.profile(&valuation))
        })
    }

    /// The profile an assignment stands for, and whether a text in it is only a stand-in.
    fn profile(&self, valuation: &BddValuation) -> (FamilyProfile, bool) {
        let mut profile = FamilyProfile::new();
        let mut approximate = false;
        for fact in self.facts.iter().filter(|f| valuation.value(f.known)) {
            let value = match &fact.values {
                Values::Text {
                    literals,
                    regexes,
                    pattern,
                    ..
                } if !literals.iter().any(|(v, _)| valuation.value(*v)) => {
                    let text = other_text(literals, regexes, pattern.as_ref(), valuation);
                    approximate |= text.is_none();
                    Some(FactValue::Text(
                        text.unwrap_or_else(|| OTHER_TEXT.to_owned()),
                    ))
                }
                _ => Space::value(fact, valuation),
            };
            if let Some(value) = value {
                profile.set(fact.name.clone(), value);
            }
        }
        (profile, approximate)
    }

    /// How many facts the space has.
    pub(crate) fn fact_count(&self) -> usize {
        self.facts.len()
    }

    /// What a change of `fact` from `slot` costs, as indicators whose count is the cost: for a
    /// `set_of` fact, each member added or removed (and becoming known, if it was not); for any
    /// other, being changed (`changed`).
    pub(crate) fn change_costs(&self, fact: FactId, slot: &Slot, changed: &Bdd) -> Vec<Bdd> {
        let Some(FactVars {
            known,
            values: Values::Set(members),
            ..
        }) = self.facts.get(fact.index())
        else {
            return vec![changed.clone()];
        };
        let known = self.vars.mk_var(*known);
        let current = match slot {
            Slot::Set(mask) => *mask,
            _ => 0,
        };
        let mut costs: Vec<Bdd> = members
            .iter()
            .enumerate()
            .map(|(bit, (var, _))| {
                let v = self.vars.mk_var(*var);
                let toggled = if current & (1u128 << bit) != 0 {
                    v.not()
                } else {
                    v
                };
                known.and(&toggled)
            })
            .collect();
        if *slot == Slot::Unknown {
            costs.push(known);
        }
        costs
    }

    /// The assignments that give `fact`'s variables the values `valuation` gives them.
    pub(crate) fn same_class(&self, fact: FactId, valuation: &BddValuation) -> Bdd {
        let Some(vars) = self.facts.get(fact.index()) else {
            return self.mk_false();
        };
        vars.all().into_iter().fold(self.mk_true(), |acc, var| {
            let v = self.vars.mk_var(var);
            acc.and(&if valuation.value(var) { v } else { v.not() })
        })
    }

    /// The values `fact`'s variables have in `set`'s first element (see
    /// [`Bdd::sat_witness`]); `None` if `set` is empty.
    pub(crate) fn literals(&self, fact: FactId, set: &Bdd) -> Option<Vec<(BddVariable, bool)>> {
        let valuation = set.sat_witness()?;
        let vars = self.facts.get(fact.index())?;
        Some(
            vars.all()
                .into_iter()
                .map(|v| (v, valuation.value(v)))
                .collect(),
        )
    }

    /// The assignments that give each of `literals` its value (a cube; every assignment for
    /// none).
    pub(crate) fn cube(&self, literals: &[(BddVariable, bool)]) -> Bdd {
        self.vars
            .mk_conjunctive_clause(&BddPartialValuation::from_values(literals))
    }

    /// What each variable is, by variable index.
    pub(crate) fn kinds(&self) -> &[VarKind] {
        &self.kinds
    }

    /// The facts whose variables `set` depends on, ascending.
    pub(crate) fn facts_of(&self, set: &Bdd) -> Vec<FactId> {
        let mut facts: Vec<FactId> = set
            .support_set()
            .into_iter()
            .filter_map(|v| self.kinds.get(v.to_index()).map(|k| k.fact))
            .collect();
        facts.sort_unstable();
        facts.dedup();
        facts
    }

    /// The assignments of `fact`'s variables that are profiles (of every variable, for no
    /// fact).
    pub(crate) fn domain_of(&self, fact: FactId) -> Bdd {
        self.facts
            .get(fact.index())
            .map_or_else(|| self.mk_true(), |f| self.fact_domain(f))
    }

    /// The profiles that give `fact` the value `slot` (unknown for [`Slot::Unknown`]), as far as
    /// the tests tell values apart: the same interval of an integer, the same text or "any
    /// other text".
    pub(crate) fn equals(&self, fact: FactId, slot: &Slot) -> Bdd {
        let Some(vars) = self.facts.get(fact.index()) else {
            return self.mk_false();
        };
        let known = self.vars.mk_var(vars.known);
        if *slot == Slot::Unknown {
            return known.not().and(&self.fact_domain(vars));
        }
        let is = |var: BddVariable, value: bool| {
            let v = self.vars.mk_var(var);
            if value { v } else { v.not() }
        };
        let value = match (&vars.values, slot) {
            (Values::Bool(var), Slot::Bool(b)) => is(*var, *b),
            (Values::Alternatives(alternatives), slot) => {
                // The alternative whose value stands for `slot`: the same choice, or the last
                // interval starting at or below the number.
                let chosen = alternatives.iter().rposition(|(_, s, _)| match (s, slot) {
                    (Slot::Int(lo), Slot::Int(v)) => lo <= v,
                    (s, slot) => s == slot,
                });
                alternatives
                    .iter()
                    .enumerate()
                    .fold(self.mk_true(), |acc, (i, (var, ..))| {
                        acc.and(&is(*var, Some(i) == chosen))
                    })
            }
            (Values::Set(members), Slot::Set(mask)) => members
                .iter()
                .enumerate()
                .fold(self.mk_true(), |acc, (bit, (var, _))| {
                    acc.and(&is(*var, mask & (1u128 << bit) != 0))
                }),
            (
                Values::Text {
                    literals,
                    other,
                    regexes,
                    ..
                },
                Slot::Text(text),
            ) => {
                let named = literals.iter().position(|(_, l)| **l == **text);
                let classes = literals
                    .iter()
                    .enumerate()
                    .fold(self.mk_true(), |acc, (i, (var, _))| {
                        acc.and(&is(*var, Some(i) == named))
                    })
                    .and(&is(*other, named.is_none()));
                regexes.iter().fold(classes, |acc, (var, re)| {
                    acc.and(&is(*var, named.is_none() && re.is_match(text)))
                })
            }
            _ => self.mk_false(),
        };
        known.and(&value)
    }

    /// A fact's value in an assignment, as a change names it: an integer as the interval of
    /// values the rules do not tell apart.
    pub(crate) fn changed_value(
        &self,
        fact: FactId,
        valuation: &BddValuation,
    ) -> Option<ChangedValue> {
        let vars = self.facts.get(fact.index())?;
        if let Values::Alternatives(alternatives) = &vars.values {
            let i = alternatives
                .iter()
                .position(|(v, ..)| valuation.value(*v))?;
            if let Some((_, Slot::Int(lo), _)) = alternatives.get(i) {
                let hi = match alternatives.get(i + 1) {
                    Some((_, Slot::Int(next), _)) => next - 1,
                    _ => self
                        .int_max
                        .get(fact.index())
                        .copied()
                        .flatten()
                        .unwrap_or(*lo),
                };
                return Some(ChangedValue::Between { from: *lo, to: hi });
            }
        }
        if let Values::Text { literals, .. } = &vars.values
            && !literals.iter().any(|(v, _)| valuation.value(*v))
        {
            let except = literals.iter().map(|(_, t)| t.to_string()).collect();
            return Some(ChangedValue::OtherText { except });
        }
        Space::value(vars, valuation).map(ChangedValue::Value)
    }

    fn value(fact: &FactVars, valuation: &BddValuation) -> Option<FactValue> {
        match &fact.values {
            Values::Bool(var) => Some(FactValue::Bool(valuation.value(*var))),
            Values::Alternatives(alternatives) => alternatives
                .iter()
                .find(|(v, ..)| valuation.value(*v))
                .map(|(.., value)| value.clone()),
            Values::Set(members) => Some(FactValue::List(
                members
                    .iter()
                    .filter(|(v, _)| valuation.value(*v))
                    .map(|(_, name)| name.clone())
                    .collect(),
            )),
            Values::Text { literals, .. } => Some(FactValue::Text(
                literals
                    .iter()
                    .find(|(v, _)| valuation.value(*v))
                    .map_or_else(|| OTHER_TEXT.to_owned(), |(_, t)| t.to_string()),
            )),
        }
    }
}

/// The most variables a space may have: far above any real guide's vocabulary, far below the
/// BDD library's limit (65,534).
pub(crate) const MAX_VARIABLES: usize = 8_000;

/// How many variables `guide`'s space needs.
fn variables_needed<'g, I: Iterator<Item = &'g Test>>(
    guide: &Guide,
    tests_of: &impl Fn(FactId) -> I,
) -> usize {
    guide
        .vocab()
        .facts()
        .enumerate()
        .map(|(id, fact)| {
            let tests = || tests_of(FactId::new(id));
            1 + match &fact.fact_type {
                FactType::Boolean => 1,
                FactType::OneOf(values) | FactType::SetOf(values) => values.names().len(),
                // Each test cuts at most two points (a list of n values, 2n).
                FactType::Integer { .. } => 1 + tests().map(cuts_of).sum::<usize>(),
                FactType::Text { .. } => 1 + tests().map(cuts_of).sum::<usize>(),
            }
        })
        .sum()
}

/// An upper bound on the variables a test adds to its fact.
fn cuts_of(test: &Test) -> usize {
    match test {
        Test::IntIn(values) => 2 * values.len(),
        Test::TextIn(values) => values.len(),
        Test::Negated(inner) => cuts_of(inner),
        _ => 2,
    }
}

/// The text a witness gives a text fact for "any text no test names", when nothing better is
/// found.
pub(crate) const OTHER_TEXT: &str = "any other text";

/// A text no test names that gives each regular expression the answer `valuation` gives it and
/// matches the fact's pattern: tried from an example of each expression and of the pattern.
fn other_text(
    literals: &[(BddVariable, Box<str>)],
    regexes: &[(BddVariable, Regex)],
    pattern: Option<&Regex>,
    valuation: &BddValuation,
) -> Option<String> {
    let candidates = regexes
        .iter()
        .map(|(_, re)| re)
        .chain(pattern)
        .filter_map(|re| example(re.as_str()))
        .chain([OTHER_TEXT.to_owned()]);
    candidates.into_iter().find(|text| {
        !literals.iter().any(|(_, l)| **l == **text)
            && pattern.is_none_or(|p| p.is_match(text))
            && regexes
                .iter()
                .all(|(v, re)| re.is_match(text) == valuation.value(*v))
    })
}

/// A short text `pattern` matches, built from its syntax: each literal, the first character of
/// each class, each repetition its least number of times, each alternation's first branch.
fn example(pattern: &str) -> Option<String> {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn walk(hir: &Hir, out: &mut String) -> Option<()> {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(literal) => out.push_str(std::str::from_utf8(&literal.0).ok()?),
            HirKind::Class(Class::Unicode(class)) => out.push(class.ranges().first()?.start()),
            HirKind::Class(Class::Bytes(class)) => {
                out.push(char::from(class.ranges().first()?.start()));
            }
            HirKind::Repetition(repetition) => {
                for _ in 0..repetition.min {
                    walk(&repetition.sub, out)?;
                }
            }
            HirKind::Capture(capture) => walk(&capture.sub, out)?,
            HirKind::Concat(items) => items.iter().try_for_each(|h| walk(h, out))?,
            HirKind::Alternation(items) => walk(items.first()?, out)?,
        }
        Some(())
    }
    let hir = regex_syntax::parse(pattern).ok()?;
    let mut out = String::new();
    walk(&hir, &mut out)?;
    Some(out)
}

/// The value variables of one fact.
fn values(builder: &mut BddVariableSetBuilder, id: FactId, fact: &Fact, tests: &[&Test]) -> Values {
    // Variables are named by number: names from rule files could clash or hold characters the
    // BDD library reserves.
    let mut count = 0usize;
    let mut var = |_what: &str| {
        count += 1;
        builder.make_variable(&format!("f{}v{count}", id.index()))
    };
    match &fact.fact_type {
        FactType::Boolean => Values::Bool(var("true")),
        FactType::OneOf(values) => Values::Alternatives(
            values
                .names()
                .enumerate()
                .filter_map(|(bit, name)| Some((u8::try_from(bit).ok()?, name)))
                .map(|(bit, name)| (var(name), Slot::Choice(bit), FactValue::from(name)))
                .collect(),
        ),
        FactType::SetOf(values) => Values::Set(
            values
                .names()
                .map(|name| (var(name), name.to_owned()))
                .collect(),
        ),
        FactType::Integer { min, max } => Values::Alternatives(
            intervals(*min, *max, tests.iter().copied())
                .into_iter()
                .map(|lo| (var(&lo.to_string()), Slot::Int(lo), FactValue::Integer(lo)))
                .collect(),
        ),
        FactType::Text { .. } => {
            let mut literals = BTreeSet::new();
            let mut regexes: Vec<&Regex> = Vec::new();
            for test in tests {
                texts_of(test, &mut literals, &mut regexes);
            }
            Values::Text {
                literals: literals.into_iter().map(|t| (var(&t), t)).collect(),
                other: var("*"),
                regexes: regexes
                    .into_iter()
                    .map(|re| (var(&format!("/{}/", re.as_str())), re.clone()))
                    .collect(),
                pattern: match &fact.fact_type {
                    FactType::Text { pattern } => pattern.as_ref().map(|p| p.whole.clone()),
                    _ => None,
                },
            }
        }
    }
}

/// The texts and expressions a text test names.
fn texts_of<'t>(test: &'t Test, literals: &mut BTreeSet<Box<str>>, regexes: &mut Vec<&'t Regex>) {
    match test {
        Test::TextIn(options) => literals.extend(options.iter().cloned()),
        Test::TextMatches(re) if !regexes.iter().any(|r| r.as_str() == re.as_str()) => {
            regexes.push(re);
        }
        Test::Negated(inner) => texts_of(inner, literals, regexes),
        _ => {}
    }
}
