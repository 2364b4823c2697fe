//! The condition language: compiling a condition written in YAML against the vocabulary, and
//! evaluating it on a profile in three-valued (Kleene) logic, with or without an explanation.
//!
//! A condition is a mapping with one key:
//!
//! ```yaml
//! all: [CONDITION, ...]          # every one holds
//! any: [CONDITION, ...]          # at least one holds
//! not: CONDITION                 # it does not hold
//! condition: NAME                # the named condition NAME (from conditions.yaml)
//! FACT: VALUE                    # shorthand for FACT: { is: VALUE }
//! FACT: { OPERATOR: VALUE, ... } # every operator holds
//! ```
//!
//! Operators, by the fact's type: `known` (any type; `true` or `false`); `is`, `is_not` (boolean,
//! integer, one_of, text); `in`, `not_in` (integer, one_of, text); `at_least`, `at_most`,
//! `more_than`, `less_than`, `between: [LOW, HIGH]` (integer, inclusive); `contains`,
//! `contains_any`, `contains_all`, `contains_none`, `count: { NUMERIC OPERATOR: N }` (set_of);
//! `matches: REGEX` (text).
//!
//! Unknown facts make a test *unknown*; `all`, `any` and `not` combine true, false and unknown by
//! Kleene's rules, so a condition is only decided when the unknown facts could not change it.
//! The one exception is `known`, which asks about the profile rather than the family: filling in a
//! fact turns `known: false` from true to false. Use it to ask for information, not to decide a
//! recommendation.

use std::collections::HashMap;
use std::fmt::Write as _;

use regex::Regex;

use crate::error::{Position, Problem, ProblemKind};
use crate::limits;
use crate::profile::{Facts, Slot, fact_value_from_raw, slot_for};
use crate::suggest;
use crate::vocabulary::{Fact, FactId, FactType, Vocabulary, compile_regex};
use crate::yaml::{self, Raw, Spanned};

/// Kleene's three truth values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Truth {
    False = 0,
    Unknown = 1,
    True = 2,
}

impl Truth {
    fn from_bool(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }

    fn negate(self) -> Truth {
        match self {
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
            Truth::True => Truth::False,
        }
    }
}

/// A compiled condition: facts resolved to ids, values to bits, regexes compiled, named
/// conditions expanded in place (keeping their name for explanations).
#[derive(Debug, Clone)]
pub(crate) enum Condition {
    All(Box<[Condition]>),
    Any(Box<[Condition]>),
    Not(Box<Condition>),
    Named(usize, Box<Condition>),
    Test(Box<Leaf>),
}

/// One test of one fact.
#[derive(Debug, Clone)]
pub(crate) struct Leaf {
    pub(crate) fact: FactId,
    pub(crate) test: Test,
    /// How the test reads in a report, e.g. "is one of family_help, edge_of_care".
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
    /// Evaluates the test on a known value; `None` when the value is unknown.
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

impl Condition {
    /// The condition's truth value on `facts`.
    pub(crate) fn truth(&self, facts: &Facts) -> Truth {
        match self {
            Condition::All(items) => {
                let mut acc = Truth::True;
                for item in items.iter() {
                    acc = acc.min(item.truth(facts));
                    if acc == Truth::False {
                        break;
                    }
                }
                acc
            }
            Condition::Any(items) => {
                let mut acc = Truth::False;
                for item in items.iter() {
                    acc = acc.max(item.truth(facts));
                    if acc == Truth::True {
                        break;
                    }
                }
                acc
            }
            Condition::Not(inner) => inner.truth(facts).negate(),
            Condition::Named(_, inner) => inner.truth(facts),
            Condition::Test(leaf) => leaf.truth(facts),
        }
    }

    /// The condition's truth value, and the tests that decided it: for a true `all` every test,
    /// for a false one the false tests; for `any` the reverse; for an undecided one the tests that
    /// are known so far and the unknown ones. `explain` visits each such test with the truth of
    /// the test itself and the innermost named condition it came from.
    pub(crate) fn explain<'c>(
        &'c self,
        facts: &Facts,
        via: Option<usize>,
        visit: &mut impl FnMut(&'c Leaf, Truth, Option<usize>),
    ) -> Truth {
        let truth = self.truth(facts);
        self.explain_as(truth, facts, via, visit);
        truth
    }

    fn explain_as<'c>(
        &'c self,
        truth: Truth,
        facts: &Facts,
        via: Option<usize>,
        visit: &mut impl FnMut(&'c Leaf, Truth, Option<usize>),
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
                    let t = item.truth(facts);
                    let shown = if truth == Truth::Unknown {
                        t != absorbing
                    } else {
                        t == truth
                    };
                    if shown {
                        item.explain_as(t, facts, via, visit);
                    }
                }
            }
            Condition::Not(inner) => inner.explain_as(truth.negate(), facts, via, visit),
            Condition::Named(id, inner) => inner.explain_as(truth, facts, Some(*id), visit),
            Condition::Test(leaf) => visit(leaf, truth, via),
        }
    }
}

impl Leaf {
    pub(crate) fn truth(&self, facts: &Facts) -> Truth {
        match self.test.holds(facts.get(self.fact)) {
            Some(b) => Truth::from_bool(b),
            None => Truth::Unknown,
        }
    }
}

/// Problems that arise from the chain of named conditions being expanded, not from one
/// condition alone.
fn is_contextual(kind: &ProblemKind) -> bool {
    match kind {
        ProblemKind::ConditionCycle(_) => true,
        ProblemKind::LimitExceeded { limit, what } => {
            *limit == limits::MAX_NAMED_CONDITION_DEPTH && what.starts_with(NAMED_DEPTH)
        }
        _ => false,
    }
}

const NAMED_DEPTH: &str = "the depth of named conditions referring to named conditions";

/// The keys a condition mapping may have besides fact names.
const COMBINATORS: [&str; 4] = ["all", "any", "not", "condition"];

/// Words that cannot be fact names because the condition language uses them.
pub(crate) fn is_reserved(name: &str) -> bool {
    COMBINATORS.contains(&name)
}

/// Named conditions as the compiler sees them while a guide loads.
pub(crate) struct NamedConditions<'r> {
    /// Name → (index, raw condition).
    pub(crate) raw: HashMap<&'r str, (usize, &'r Spanned<Raw>)>,
    /// By index: `None` until compiled; then the condition and its number of nodes, or `Err`
    /// if it has problems (remembered, so that a broken condition used many times is not
    /// compiled again each time).
    pub(crate) compiled: Vec<Option<Result<(Condition, usize), ()>>>,
    /// Names, by index.
    pub(crate) names: Vec<&'r str>,
}

impl<'r> NamedConditions<'r> {
    /// Compiles the named condition at `index` in its own right, reporting its problems as the
    /// condition `name` of `file`, and records the result for every use of it.
    pub(crate) fn compile_own(
        &mut self,
        index: usize,
        name: &str,
        raw: &Spanned<Raw>,
        vocabulary: &Vocabulary,
        file: &str,
        problems: &mut Vec<Problem>,
    ) {
        let mut compiler = Compiler {
            vocabulary,
            named: &mut *self,
            file,
            rule: Some(name),
            problems,
            stack: vec![index],
            nodes: 0,
        };
        let condition = compiler.compile(raw);
        let size = compiler.nodes;
        if let Some(slot) = self.compiled.get_mut(index) {
            *slot = Some(condition.map(|c| (c, size)).ok_or(()));
        }
    }
}

/// Compiles conditions for one file and rule, collecting problems rather than stopping at the
/// first.
pub(crate) struct Compiler<'c, 'r> {
    pub(crate) vocabulary: &'c Vocabulary,
    pub(crate) named: &'c mut NamedConditions<'r>,
    pub(crate) file: &'c str,
    pub(crate) rule: Option<&'c str>,
    pub(crate) problems: &'c mut Vec<Problem>,
    /// Named conditions being expanded, innermost last (to detect cycles).
    pub(crate) stack: Vec<usize>,
    /// Nodes built so far by this compiler, named conditions counted in full. Counted while
    /// building, so that named conditions referring to each other several times cannot expand
    /// exponentially before the size is checked.
    pub(crate) nodes: usize,
}

impl Compiler<'_, '_> {
    fn problem(&mut self, at: Option<Position>, kind: ProblemKind) {
        self.problems
            .push(Problem::new(self.file, kind).at(at).in_rule(self.rule));
    }

    /// Compiles a condition; `None` if it had problems (they are recorded).
    pub(crate) fn compile(&mut self, raw: &Spanned<Raw>) -> Option<Condition> {
        if self.problems.len() > limits::MAX_PROBLEMS {
            // Enough to report: stop doing work (and computing suggestions) for more.
            return None;
        }
        self.nodes = 0;
        let condition = self.node(raw);
        if self.nodes > limits::MAX_CONDITION_NODES {
            self.problem(
                yaml::position_of(raw),
                ProblemKind::LimitExceeded {
                    what: "the condition's size in tests and combinators (named conditions \
                           counted in full)"
                        .to_owned(),
                    limit: limits::MAX_CONDITION_NODES,
                },
            );
            return None;
        }
        condition
    }

    /// Counts `n` more nodes; false once over the limit (which `compile` then reports once).
    fn count(&mut self, n: usize) -> bool {
        self.nodes = self.nodes.saturating_add(n);
        self.nodes <= limits::MAX_CONDITION_NODES
    }

    fn node(&mut self, raw: &Spanned<Raw>) -> Option<Condition> {
        if !self.count(1) {
            return None;
        }
        let at = yaml::position_of(raw);
        let entries = match &raw.value {
            Raw::Map(entries) => entries,
            other => {
                self.problem(
                    at,
                    ProblemKind::BadCondition(format!(
                        "a condition must be a mapping such as `service_level: family_help` or \
                         `all: [...]`, found {}",
                        other.describe()
                    )),
                );
                return None;
            }
        };
        let [(key, body)] = entries.as_slice() else {
            let keys: Vec<&str> = entries.iter().map(|(k, _)| k.value.as_str()).collect();
            self.problem(
                at,
                ProblemKind::BadCondition(format!(
                    "a condition has exactly one key, found {}{}; to require several, list them \
                     under `all:`",
                    if keys.is_empty() {
                        "none".to_owned()
                    } else {
                        keys.len().to_string()
                    },
                    if keys.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", keys.join(", "))
                    }
                )),
            );
            return None;
        };
        let key_at = yaml::position_of(key);
        match key.value.as_str() {
            "all" | "any" => {
                let Raw::List(items) = &body.value else {
                    self.problem(
                        yaml::position_of(body),
                        ProblemKind::BadCondition(format!(
                            "`{}` takes a list of conditions, found {}",
                            key.value,
                            body.value.describe()
                        )),
                    );
                    return None;
                };
                if items.is_empty() {
                    self.problem(
                        key_at,
                        ProblemKind::BadCondition(format!(
                            "`{}` needs at least one condition",
                            key.value
                        )),
                    );
                    return None;
                }
                // Compile every item even after a failure, so all problems are reported.
                let compiled: Vec<Option<Condition>> = items.iter().map(|i| self.node(i)).collect();
                let compiled: Option<Vec<Condition>> = compiled.into_iter().collect();
                let compiled = compiled?.into_boxed_slice();
                Some(if key.value == "all" {
                    Condition::All(compiled)
                } else {
                    Condition::Any(compiled)
                })
            }
            "not" => Some(Condition::Not(Box::new(self.node(body)?))),
            "condition" => self.named(body),
            fact_name => self.fact_test(fact_name, key_at, body),
        }
    }

    fn named(&mut self, body: &Spanned<Raw>) -> Option<Condition> {
        let at = yaml::position_of(body);
        let Raw::Text(name) = &body.value else {
            self.problem(
                at,
                ProblemKind::BadCondition(format!(
                    "`condition` takes the name of a named condition, found {}",
                    body.value.describe()
                )),
            );
            return None;
        };
        let Some(&(index, raw)) = self.named.raw.get(name.as_str()) else {
            let suggestion = suggest::closest(name, self.named.names.iter().copied());
            self.problem(
                at,
                ProblemKind::UnknownReference {
                    what: "named condition",
                    name: name.clone(),
                    suggestion,
                },
            );
            return None;
        };
        match self.named.compiled.get(index) {
            Some(Some(Ok((done, size)))) => {
                let (done, size) = (done.clone(), *size);
                return self
                    .count(size)
                    .then(|| Condition::Named(index, Box::new(done)));
            }
            // Its problems are reported where it is defined.
            Some(Some(Err(()))) => return None,
            _ => {}
        }
        if let Some(start) = self.stack.iter().position(|&i| i == index) {
            let mut chain: Vec<&str> = self
                .stack
                .get(start..)
                .unwrap_or_default()
                .iter()
                .map(|&i| self.named.names.get(i).copied().unwrap_or("?"))
                .collect();
            chain.push(name);
            self.problem(at, ProblemKind::ConditionCycle(chain.join(" → ")));
            return None;
        }
        if self.stack.len() >= limits::MAX_NAMED_CONDITION_DEPTH {
            self.problem(
                at,
                ProblemKind::LimitExceeded {
                    what: NAMED_DEPTH.to_owned(),
                    limit: limits::MAX_NAMED_CONDITION_DEPTH,
                },
            );
            return None;
        }
        // Not compiled yet: compile it here. Its own problems are reported where it is defined
        // (by the loader, which compiles every named condition), so they are not repeated here.
        self.stack.push(index);
        let mut scratch = Vec::new();
        let compiled = {
            let mut inner = Compiler {
                vocabulary: self.vocabulary,
                named: &mut *self.named,
                file: self.file,
                rule: self.rule,
                problems: &mut scratch,
                stack: std::mem::take(&mut self.stack),
                nodes: 0,
            };
            let c = inner.compile(raw);
            self.stack = inner.stack;
            c.map(|c| (c, inner.nodes))
        };
        self.stack.pop();
        // A cycle, or a chain of named conditions too deep, depends on where the chain was
        // entered: report it at the reference that closes it. Other problems belong to the named
        // condition itself and are reported where it is defined.
        self.problems
            .extend(scratch.into_iter().filter(|p| is_contextual(p.kind())));
        if let Some(slot) = self.named.compiled.get_mut(index) {
            *slot = Some(compiled.clone().ok_or(()));
        }
        let (compiled, size) = compiled?;
        self.count(size)
            .then(|| Condition::Named(index, Box::new(compiled)))
    }

    fn fact_test(
        &mut self,
        name: &str,
        key_at: Option<Position>,
        body: &Spanned<Raw>,
    ) -> Option<Condition> {
        let fact_id = match self.vocabulary.resolve(name) {
            Ok(id) => id,
            Err(kind) => {
                self.problem(key_at, kind);
                return None;
            }
        };
        let fact = self.vocabulary.fact(fact_id)?;
        match &body.value {
            Raw::Map(operators) => {
                if operators.is_empty() {
                    self.problem(
                        yaml::position_of(body),
                        ProblemKind::BadCondition(format!("no operator given for `{name}`")),
                    );
                    return None;
                }
                let leaves: Vec<Option<Condition>> = operators
                    .iter()
                    .map(|(op, value)| {
                        let test = self.operator(fact, op, value)?;
                        Some(Condition::Test(Box::new(Leaf {
                            fact: fact_id,
                            text: describe(&op.value, &value.value, fact).into(),
                            test,
                        })))
                    })
                    .collect();
                let mut leaves: Vec<Condition> = leaves.into_iter().collect::<Option<_>>()?;
                if leaves.len() == 1 {
                    leaves.pop()
                } else {
                    Some(Condition::All(leaves.into_boxed_slice()))
                }
            }
            // `fact: value` is shorthand for `fact: { is: value }`.
            _ => {
                let is = Spanned {
                    value: "is".to_owned(),
                    referenced: body.referenced,
                    defined: body.defined,
                };
                let test = self.operator(fact, &is, body)?;
                Some(Condition::Test(Box::new(Leaf {
                    fact: fact_id,
                    text: describe("is", &body.value, fact).into(),
                    test,
                })))
            }
        }
    }

    /// Compiles `OPERATOR: VALUE` on `fact`.
    fn operator(
        &mut self,
        fact: &Fact,
        op: &Spanned<String>,
        value: &Spanned<Raw>,
    ) -> Option<Test> {
        let op_at = yaml::position_of(op);
        let at = yaml::position_of(value);
        let valid = operators_for(&fact.fact_type);
        if !valid.contains(&op.value.as_str()) {
            let kind = if ALL_OPERATORS.contains(&op.value.as_str()) {
                ProblemKind::OperatorNotForType {
                    operator: op.value.clone(),
                    fact: fact.name.clone(),
                    fact_type: fact.fact_type.keyword().to_owned(),
                    valid: valid.join(", "),
                }
            } else {
                ProblemKind::UnknownOperator {
                    name: op.value.clone(),
                    fact: fact.name.clone(),
                    suggestion: suggest::closest(&op.value, valid.iter().copied()),
                    valid: valid.join(", "),
                }
            };
            self.problem(op_at, kind);
            return None;
        }
        let result = compile_operator(fact, &op.value, value);
        match result {
            Ok(test) => Some(test),
            Err(kind) => {
                self.problem(at, kind);
                None
            }
        }
    }
}

const ALL_OPERATORS: [&str; 17] = [
    "known",
    "is",
    "is_not",
    "in",
    "not_in",
    "at_least",
    "at_most",
    "more_than",
    "less_than",
    "between",
    "contains",
    "contains_any",
    "contains_all",
    "contains_none",
    "count",
    "matches",
    "is_empty",
];

fn operators_for(fact_type: &FactType) -> &'static [&'static str] {
    match fact_type {
        FactType::Boolean => &["is", "is_not", "known"],
        FactType::Integer { .. } => &[
            "is",
            "is_not",
            "in",
            "not_in",
            "at_least",
            "at_most",
            "more_than",
            "less_than",
            "between",
            "known",
        ],
        FactType::OneOf(_) => &["is", "is_not", "in", "not_in", "known"],
        FactType::SetOf(_) => &[
            "contains",
            "contains_any",
            "contains_all",
            "contains_none",
            "is_empty",
            "count",
            "known",
        ],
        FactType::Text { .. } => &["is", "is_not", "in", "not_in", "matches", "known"],
    }
}

/// Compiles one operator whose name is valid for the fact's type.
fn compile_operator(fact: &Fact, op: &str, value: &Spanned<Raw>) -> Result<Test, ProblemKind> {
    let raw = &value.value;
    match op {
        "known" => Ok(Test::Known(expect_bool(op, raw)?)),
        "is_not" => Ok(Test::Negated(Box::new(compile_operator(
            fact, "is", value,
        )?))),
        "not_in" => Ok(Test::Negated(Box::new(compile_operator(
            fact, "in", value,
        )?))),
        "contains_none" => Ok(Test::Negated(Box::new(compile_operator(
            fact,
            "contains_any",
            value,
        )?))),
        "is_empty" => {
            let empty = expect_bool(op, raw)?;
            let test = Test::SetCountBetween(0, 0);
            Ok(if empty {
                test
            } else {
                Test::Negated(Box::new(test))
            })
        }
        "count" => compile_count(fact, raw),
        "matches" => match raw {
            Raw::Text(pattern) => Ok(Test::TextMatches(compile_regex(pattern)?)),
            other => Err(wrong(op, "a regular expression (text)", other)),
        },
        "between" => {
            let (lo, hi) = pair(fact, op, raw)?;
            if lo > hi {
                return Err(ProblemKind::Invalid(format!(
                    "`between: [{lo}, {hi}]` is empty: the first number must not exceed the second"
                )));
            }
            Ok(Test::IntBetween(lo, hi))
        }
        "at_least" => Ok(Test::IntBetween(int_value(fact, op, raw)?, i64::MAX)),
        "at_most" => Ok(Test::IntBetween(i64::MIN, int_value(fact, op, raw)?)),
        "more_than" => Ok(Test::IntBetween(
            int_value(fact, op, raw)?.saturating_add(1),
            i64::MAX,
        )),
        "less_than" => Ok(Test::IntBetween(
            i64::MIN,
            int_value(fact, op, raw)?.saturating_sub(1),
        )),
        "is" => match (&fact.fact_type, raw) {
            (FactType::Integer { .. }, _) => {
                let v = int_value(fact, op, raw)?;
                Ok(Test::IntBetween(v, v))
            }
            (FactType::Boolean, _) => match checked_slot(fact, raw)? {
                Slot::Bool(b) => Ok(Test::BoolIs(b)),
                _ => Err(wrong(op, "true or false", raw)),
            },
            (FactType::OneOf(_), _) => Ok(Test::ChoiceIn(mask_of(
                fact,
                op,
                std::slice::from_ref(value),
            )?)),
            (_, _) => match checked_slot(fact, raw)? {
                Slot::Text(t) => Ok(Test::TextIn(Box::new([t]))),
                _ => Err(wrong(op, "text", raw)),
            },
        },
        "in" => {
            let items = list(op, raw)?;
            match &fact.fact_type {
                FactType::Integer { .. } => Ok(Test::IntIn(
                    items
                        .iter()
                        .map(|i| int_value(fact, op, &i.value))
                        .collect::<Result<_, _>>()?,
                )),
                FactType::OneOf(_) => Ok(Test::ChoiceIn(mask_of(fact, op, items)?)),
                _ => Ok(Test::TextIn(
                    items
                        .iter()
                        .map(|i| match checked_slot(fact, &i.value)? {
                            Slot::Text(t) => Ok(t),
                            _ => Err(wrong(op, "text", &i.value)),
                        })
                        .collect::<Result<_, _>>()?,
                )),
            }
        }
        "contains" => Ok(Test::SetContainsAny(mask_of(
            fact,
            op,
            std::slice::from_ref(value),
        )?)),
        "contains_any" => Ok(Test::SetContainsAny(mask_of(fact, op, list(op, raw)?)?)),
        "contains_all" => Ok(Test::SetContainsAll(mask_of(fact, op, list(op, raw)?)?)),
        _ => Err(ProblemKind::Other(format!(
            "operator `{op}` is not implemented"
        ))),
    }
}

fn compile_count(fact: &Fact, raw: &Raw) -> Result<Test, ProblemKind> {
    let FactType::SetOf(values) = &fact.fact_type else {
        return Err(ProblemKind::Other(
            "count on a fact that is not set_of".to_owned(),
        ));
    };
    // The count is tested as if it were an integer fact ranging over 0..=number of values.
    let max = i64::try_from(values.names().len()).unwrap_or(i64::MAX);
    let as_integer = Fact {
        name: format!("the count of {}", fact.name),
        description: String::new(),
        unit: None,
        fact_type: FactType::Integer { min: 0, max },
    };
    let Raw::Map(operators) = raw else {
        return Err(wrong(
            "count",
            "a numeric test such as `{ at_least: 2 }`",
            raw,
        ));
    };
    let [(op, value)] = operators.as_slice() else {
        return Err(ProblemKind::BadCondition(
            "`count` takes exactly one numeric test, such as `{ at_least: 2 }`".to_owned(),
        ));
    };
    let numeric = [
        "is",
        "at_least",
        "at_most",
        "more_than",
        "less_than",
        "between",
    ];
    if !numeric.contains(&op.value.as_str()) {
        return Err(ProblemKind::UnknownOperator {
            name: op.value.clone(),
            fact: format!("count of {}", fact.name),
            suggestion: suggest::closest(&op.value, numeric),
            valid: numeric.join(", "),
        });
    }
    let (lo, hi) = match compile_operator(&as_integer, &op.value, value)? {
        Test::IntBetween(lo, hi) => (lo, hi),
        _ => return Err(ProblemKind::Other("count: unexpected test".to_owned())),
    };
    let clamp = |v: i64| u32::try_from(v.clamp(0, i64::from(u32::MAX))).unwrap_or(u32::MAX);
    Ok(Test::SetCountBetween(clamp(lo), clamp(hi)))
}

/// Checks a single value against the fact's type the same way a profile value is checked, so a
/// rule can never test for a value no profile could have.
fn checked_slot(fact: &Fact, raw: &Raw) -> Result<Slot, ProblemKind> {
    let value = fact_value_from_raw(fact, raw)?;
    slot_for(fact, &value)
}

fn int_value(fact: &Fact, op: &str, raw: &Raw) -> Result<i64, ProblemKind> {
    match raw {
        Raw::Int(_) => match checked_slot(fact, raw)? {
            Slot::Int(i) => Ok(i),
            _ => Err(wrong(op, "a whole number", raw)),
        },
        other => Err(wrong(op, "a whole number", other)),
    }
}

fn pair(fact: &Fact, op: &str, raw: &Raw) -> Result<(i64, i64), ProblemKind> {
    match raw {
        Raw::List(items) => match items.as_slice() {
            [lo, hi] => Ok((
                int_value(fact, op, &lo.value)?,
                int_value(fact, op, &hi.value)?,
            )),
            _ => Err(wrong(op, "two numbers, [LOW, HIGH]", raw)),
        },
        other => Err(wrong(op, "two numbers, [LOW, HIGH]", other)),
    }
}

fn list<'r>(op: &str, raw: &'r Raw) -> Result<&'r [Spanned<Raw>], ProblemKind> {
    match raw {
        Raw::List(items) if !items.is_empty() => Ok(items),
        Raw::List(_) => Err(ProblemKind::BadCondition(format!(
            "`{op}` needs at least one value"
        ))),
        other => Err(wrong(op, "a list of values", other)),
    }
}

fn expect_bool(op: &str, raw: &Raw) -> Result<bool, ProblemKind> {
    match raw {
        Raw::Bool(b) => Ok(*b),
        Raw::Text(t) if t.eq_ignore_ascii_case("yes") => Ok(true),
        Raw::Text(t) if t.eq_ignore_ascii_case("no") => Ok(false),
        other => Err(wrong(op, "true or false", other)),
    }
}

/// The bits of declared values listed in `items`.
fn mask_of(fact: &Fact, op: &str, items: &[Spanned<Raw>]) -> Result<u128, ProblemKind> {
    let values = match &fact.fact_type {
        FactType::OneOf(v) | FactType::SetOf(v) => v,
        _ => {
            return Err(ProblemKind::Other(format!(
                "`{op}` on a fact without declared values"
            )));
        }
    };
    let mut mask = 0u128;
    for item in items {
        let Raw::Text(name) = &item.value else {
            return Err(wrong(op, "a declared value", &item.value));
        };
        let bit = values
            .bit(name)
            .ok_or_else(|| values.unknown_value(name, &fact.name))?;
        mask |= 1u128 << bit;
    }
    Ok(mask)
}

fn wrong(op: &str, expected: &str, found: &Raw) -> ProblemKind {
    ProblemKind::WrongType {
        what: format!("`{op}`"),
        expected: expected.to_owned(),
        found: found.describe(),
    }
}

/// How a test reads in a report: the operator in words and its value.
fn describe(op: &str, raw: &Raw, fact: &Fact) -> String {
    let name = &fact.name;
    let yes = !matches!(raw, Raw::Bool(false))
        && !matches!(raw, Raw::Text(t) if t.eq_ignore_ascii_case("no"));
    match op {
        "known" if yes => return format!("{name} is known"),
        "known" => return format!("{name} is not known"),
        "is_empty" if yes => return format!("{name} is empty"),
        "is_empty" => return format!("{name} is not empty"),
        "count" => {
            if let Raw::Map(entries) = raw
                && let [(inner_op, value)] = entries.as_slice()
            {
                let inner = describe(&inner_op.value, &value.value, &counting(fact));
                return format!("the number of {inner}");
            }
        }
        _ => {}
    }
    let words = match op {
        "is" => "is",
        "is_not" => "is not",
        "in" => "is one of",
        "not_in" => "is none of",
        "at_least" => "is at least",
        "at_most" => "is at most",
        "more_than" => "is more than",
        "less_than" => "is less than",
        "between" => "is between",
        "contains" => "includes",
        "contains_any" => "includes any of",
        "contains_all" => "includes all of",
        "contains_none" => "includes none of",
        "matches" => "matches the pattern",
        other => other,
    };
    let mut text = format!("{name} {words} ");
    write_raw(&mut text, raw, op == "between");
    if let Some(unit) = &fact.unit
        && (matches!(raw, Raw::Int(_)) || op == "between")
    {
        let _ = write!(text, " {unit}");
    }
    text
}

/// A stand-in fact for the count of a set_of fact's values, named after it.
fn counting(fact: &Fact) -> Fact {
    Fact {
        name: fact.name.clone(),
        description: String::new(),
        unit: None,
        fact_type: FactType::Integer {
            min: 0,
            max: i64::MAX,
        },
    }
}

fn write_raw(out: &mut String, raw: &Raw, range: bool) {
    match raw {
        Raw::Null => out.push_str("null"),
        Raw::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Raw::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Raw::Float(x) => {
            let _ = write!(out, "{x}");
        }
        Raw::Text(t) => out.push_str(t),
        Raw::List(items) => {
            let separator = if range { " and " } else { ", " };
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(separator);
                }
                write_raw(out, &item.value, false);
            }
        }
        Raw::Map(entries) => {
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{} ", k.value.replace('_', " "));
                write_raw(out, &v.value, k.value == "between");
            }
        }
    }
}
