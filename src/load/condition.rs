//! The condition compiler: a condition written in YAML, checked against the vocabulary and the
//! operator table ([`crate::language`]), compiled to a [`Condition`], and each test described in
//! words for reports.
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
//! Named conditions are expanded in place (each compiled once, its problems reported where it is
//! defined); a cycle, or a chain deeper than the limit, is reported where it closes.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::error::{Item, Position, Problem, ProblemKind};
use crate::language::{COUNT_OPERATORS, Operand, Operator};
use crate::limits;
use crate::model::condition::{Condition, Leaf, Test};
use crate::model::value::Slot;
use crate::model::vocabulary::{Fact, FactType, Vocab};
use crate::profile::FactValue;
use crate::suggest;
use crate::syntax::{self, Raw, Spanned};

use super::facts::compile_regex;

/// The named conditions a rule may use, by name and number, while a guide (or overlay) loads.
pub(crate) struct NamedTable<'r> {
    by_name: HashMap<&'r str, usize>,
    entries: Vec<Named<'r>>,
    /// When the file of named conditions could not be read, a reference to one cannot be
    /// checked: it is left unreported (the file's own problem says it once).
    unreadable: bool,
}

struct Named<'r> {
    name: &'r str,
    raw: Option<&'r Spanned<Raw>>,
    state: State<'r>,
}

enum State<'r> {
    Pending,
    Done(Cow<'r, Condition>, usize),
    Broken,
}

impl<'r> NamedTable<'r> {
    pub(crate) fn new(unreadable: bool) -> Self {
        NamedTable {
            by_name: HashMap::new(),
            entries: Vec::new(),
            unreadable,
        }
    }

    /// Adds a named condition compiled already (a guide's, for an overlay to use).
    pub(crate) fn add_compiled(&mut self, name: &'r str, condition: &'r Condition, size: usize) {
        self.by_name.entry(name).or_insert(self.entries.len());
        self.entries.push(Named {
            name,
            raw: None,
            state: State::Done(Cow::Borrowed(condition), size),
        });
    }

    /// Adds a named condition to compile; returns its number. A second one of the same name is
    /// numbered but never found by name (its duplicate id is reported by the caller).
    pub(crate) fn add(&mut self, name: &'r str, raw: &'r Spanned<Raw>) -> usize {
        let index = self.entries.len();
        self.by_name.entry(name).or_insert(index);
        self.entries.push(Named {
            name,
            raw: Some(raw),
            state: State::Pending,
        });
        index
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// The compiled named condition numbered `index` and its size, if it compiled.
    pub(crate) fn take(&mut self, index: usize) -> Option<(Condition, usize)> {
        match std::mem::replace(&mut self.entries.get_mut(index)?.state, State::Broken) {
            State::Done(condition, size) => Some((condition.into_owned(), size)),
            _ => None,
        }
    }

    /// Compiles the named condition `index` in its own right, reporting its problems as about
    /// it, in `file`.
    pub(crate) fn compile_own(
        &mut self,
        index: usize,
        vocab: Vocab<'_>,
        file: &str,
        problems: &mut Vec<Problem>,
    ) {
        let Some(entry) = self.entries.get(index) else {
            return;
        };
        let (Some(raw), State::Pending) = (entry.raw, &entry.state) else {
            return;
        };
        let item = Item::NamedCondition(entry.name.to_owned());
        let mut compiler = Compiler::new(vocab, self, file, Some(item), problems);
        compiler.stack.push(index);
        let condition = compiler.compile(raw);
        let size = compiler.nodes;
        if let Some(entry) = self.entries.get_mut(index) {
            entry.state = match condition {
                Some(c) => State::Done(Cow::Owned(c), size),
                None => State::Broken,
            };
        }
    }
}

/// Compiles conditions for one file and item, collecting problems rather than stopping at the
/// first.
pub(crate) struct Compiler<'c, 'r> {
    vocab: Vocab<'c>,
    named: &'c mut NamedTable<'r>,
    file: &'c str,
    item: Option<Item>,
    problems: &'c mut Vec<Problem>,
    /// Named conditions being expanded, innermost last (to detect cycles).
    stack: Vec<usize>,
    /// Nodes built so far, named conditions counted in full. Counted while building, so that
    /// named conditions referring to each other several times cannot expand exponentially
    /// before the size is checked.
    nodes: usize,
}

impl<'c, 'r> Compiler<'c, 'r> {
    pub(crate) fn new(
        vocab: Vocab<'c>,
        named: &'c mut NamedTable<'r>,
        file: &'c str,
        item: Option<Item>,
        problems: &'c mut Vec<Problem>,
    ) -> Self {
        Compiler {
            vocab,
            named,
            file,
            item,
            problems,
            stack: Vec::new(),
            nodes: 0,
        }
    }

    fn problem(&mut self, at: Option<Position>, kind: ProblemKind) {
        let problem = Problem::in_rules(self.file, kind).at(at);
        self.problems.push(problem.about(self.item.clone()));
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
            let what = "the condition's size in tests and combinators (named conditions counted \
                        in full)";
            self.problem(
                syntax::position_of(raw),
                ProblemKind::LimitExceeded {
                    what: what.to_owned(),
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
        let at = syntax::position_of(raw);
        let Raw::Map(entries) = &raw.value else {
            let found = raw.value.describe();
            self.problem(at, ProblemKind::ConditionNotMapping { found });
            return None;
        };
        let [(key, body)] = entries.as_slice() else {
            let keys = entries.iter().map(|(k, _)| k.value.clone()).collect();
            self.problem(at, ProblemKind::ConditionKeys { keys });
            return None;
        };
        match key.value.as_str() {
            "all" | "any" => self.combination(key, body),
            "not" => Some(Condition::Not(Box::new(self.node(body)?))),
            "condition" => self.named(body),
            fact_name => self.fact_test(fact_name, syntax::position_of(key), body),
        }
    }

    fn combination(&mut self, key: &Spanned<String>, body: &Spanned<Raw>) -> Option<Condition> {
        let combinator = key.value.clone();
        let Raw::List(items) = &body.value else {
            let found = body.value.describe();
            let kind = ProblemKind::CombinatorNeedsList { combinator, found };
            self.problem(syntax::position_of(body), kind);
            return None;
        };
        if items.is_empty() {
            let kind = ProblemKind::CombinatorEmpty { combinator };
            self.problem(syntax::position_of(key), kind);
            return None;
        }
        // Compile every item even after a failure, so all problems are reported.
        let compiled: Vec<Option<Condition>> = items.iter().map(|i| self.node(i)).collect();
        let compiled: Box<[Condition]> = compiled.into_iter().collect::<Option<_>>()?;
        Some(if combinator == "all" {
            Condition::All(compiled)
        } else {
            Condition::Any(compiled)
        })
    }

    fn named(&mut self, body: &Spanned<Raw>) -> Option<Condition> {
        let at = syntax::position_of(body);
        let Raw::Text(name) = &body.value else {
            let found = body.value.describe();
            self.problem(at, ProblemKind::ConditionNameNotText { found });
            return None;
        };
        let Some(&index) = self.named.by_name.get(name.as_str()) else {
            if !self.named.unreadable {
                let names = self.named.entries.iter().map(|e| e.name);
                let kind = ProblemKind::UnknownReference {
                    what: "named condition".to_owned(),
                    name: syntax_name(name),
                    suggestion: suggest::closest(name, names),
                };
                self.problem(at, kind);
            }
            return None;
        };
        let (condition, size) = self.expand(index, name, at)?;
        self.count(size)
            .then(|| Condition::Named(index, Box::new(condition)))
    }

    /// The named condition `index`, compiled (here, if it has not been yet).
    fn expand(
        &mut self,
        index: usize,
        name: &str,
        at: Option<Position>,
    ) -> Option<(Condition, usize)> {
        let entry = self.named.entries.get(index)?;
        match &entry.state {
            State::Done(done, size) => return Some((done.clone().into_owned(), *size)),
            // Its problems are reported where it is defined.
            State::Broken => return None,
            State::Pending => {}
        }
        let raw = entry.raw?;
        if let Some(start) = self.stack.iter().position(|&i| i == index) {
            let names = self.stack.get(start..).unwrap_or_default().iter();
            let mut chain: Vec<String> = names
                .map(|&i| self.named.entries.get(i).map_or("?", |e| e.name).to_owned())
                .collect();
            chain.push(name.to_owned());
            self.problem(at, ProblemKind::ConditionCycle { chain });
            return None;
        }
        if self.stack.len() >= limits::MAX_NAMED_CONDITION_DEPTH {
            let limit = limits::MAX_NAMED_CONDITION_DEPTH;
            self.problem(at, ProblemKind::NamedConditionsTooDeep { limit });
            return None;
        }
        // Compile it here. Its own problems are reported where it is defined (the loader
        // compiles every named condition in its own right), so only the problems that depend on
        // the chain it was entered from (a cycle, too deep a chain) are reported here.
        let mut scratch = Vec::new();
        let mut stack = std::mem::take(&mut self.stack);
        stack.push(index);
        let mut inner = Compiler::new(self.vocab, self.named, self.file, None, &mut scratch);
        inner.stack = stack;
        let compiled = inner.compile(raw).map(|c| (c, inner.nodes));
        let mut stack = std::mem::take(&mut inner.stack);
        stack.pop();
        self.stack = stack;
        let contextual = |p: &Problem| {
            matches!(
                p.kind(),
                ProblemKind::ConditionCycle { .. } | ProblemKind::NamedConditionsTooDeep { .. }
            )
        };
        for problem in scratch.into_iter().filter(contextual) {
            self.problems.push(problem.about(self.item.clone()));
        }
        if let Some(entry) = self.named.entries.get_mut(index) {
            entry.state = match &compiled {
                Some((c, size)) => State::Done(Cow::Owned(c.clone()), *size),
                None => State::Broken,
            };
        }
        compiled
    }

    fn fact_test(
        &mut self,
        name: &str,
        key_at: Option<Position>,
        body: &Spanned<Raw>,
    ) -> Option<Condition> {
        let fact_id = match self.vocab.resolve(name) {
            Ok(id) => id,
            Err(kind) => {
                self.problem(key_at, kind);
                return None;
            }
        };
        let fact = self.vocab.fact(fact_id)?;
        let leaf = |test: Test, text: String| {
            Condition::Test(Box::new(Leaf {
                fact: fact_id,
                test,
                text: text.into(),
            }))
        };
        let Raw::Map(operators) = &body.value else {
            // `fact: value` is shorthand for `fact: { is: value }`.
            let test = self.operator(fact, Operator::Is, None, body)?;
            return Some(leaf(test, describe(Operator::Is, &body.value, fact)));
        };
        if operators.is_empty() {
            let kind = ProblemKind::NoOperator {
                fact: name.to_owned(),
            };
            self.problem(syntax::position_of(body), kind);
            return None;
        }
        let leaves: Vec<Option<Condition>> = operators
            .iter()
            .map(|(op, value)| {
                let operator = self.operator_named(fact, op)?;
                let test = self.operator(fact, operator, Some(op), value)?;
                Some(leaf(test, describe(operator, &value.value, fact)))
            })
            .collect();
        let mut leaves: Vec<Condition> = leaves.into_iter().collect::<Option<_>>()?;
        if leaves.len() == 1 {
            leaves.pop()
        } else {
            Some(Condition::All(leaves.into_boxed_slice()))
        }
    }

    /// The operator `op` names, if it is one valid on `fact`; otherwise reports why not.
    fn operator_named(&mut self, fact: &Fact, op: &Spanned<String>) -> Option<Operator> {
        let kind = fact.fact_type.kind();
        let valid = Operator::names_for(kind);
        let problem = match Operator::parse(&op.value) {
            Some(operator) if operator.applies_to(kind) => return Some(operator),
            Some(_) => ProblemKind::OperatorNotForType {
                operator: op.value.clone(),
                fact: fact.name.clone(),
                fact_type: kind.keyword().to_owned(),
                valid,
            },
            None => ProblemKind::UnknownOperator {
                operator: syntax_name(&op.value),
                fact: fact.name.clone(),
                suggestion: suggest::closest(&op.value, valid.iter().map(String::as_str)),
                valid,
            },
        };
        self.problem(syntax::position_of(op), problem);
        None
    }

    /// Compiles `OPERATOR: VALUE` on `fact`.
    fn operator(
        &mut self,
        fact: &Fact,
        operator: Operator,
        _op: Option<&Spanned<String>>,
        value: &Spanned<Raw>,
    ) -> Option<Test> {
        match compile_operator(fact, operator, value) {
            Ok(test) => Some(test),
            Err(kind) => {
                self.problem(syntax::position_of(value), kind);
                None
            }
        }
    }
}

/// A name from a rule file, shortened for a message.
fn syntax_name(name: &str) -> String {
    crate::error::shorten(name)
}

/// Compiles one operator valid for the fact's type.
fn compile_operator(fact: &Fact, op: Operator, value: &Spanned<Raw>) -> Result<Test, ProblemKind> {
    let raw = &value.value;
    let negated =
        |inner: Operator| compile_operator(fact, inner, value).map(|t| Test::Negated(Box::new(t)));
    Ok(match op {
        Operator::Known => Test::Known(flag(op, raw)?),
        Operator::IsNot => return negated(Operator::Is),
        Operator::NotIn => return negated(Operator::In),
        Operator::ContainsNone => return negated(Operator::ContainsAny),
        Operator::IsEmpty => {
            let empty = Test::SetCountBetween(0, 0);
            if flag(op, raw)? {
                empty
            } else {
                Test::Negated(Box::new(empty))
            }
        }
        Operator::Count => compile_count(fact, raw)?,
        Operator::Matches => match raw {
            Raw::Text(pattern) => Test::TextMatches(compile_regex(pattern)?),
            other => return Err(wrong(op, "a regular expression (text)", other)),
        },
        Operator::Between => {
            let (low, high) = pair(fact, op, raw)?;
            if low > high {
                return Err(ProblemKind::EmptyBetween { low, high });
            }
            Test::IntBetween(low, high)
        }
        Operator::AtLeast => Test::IntBetween(number(fact, op, raw)?, i64::MAX),
        Operator::AtMost => Test::IntBetween(i64::MIN, number(fact, op, raw)?),
        Operator::MoreThan => Test::IntBetween(number(fact, op, raw)?.saturating_add(1), i64::MAX),
        Operator::LessThan => Test::IntBetween(i64::MIN, number(fact, op, raw)?.saturating_sub(1)),
        Operator::Is => is(fact, value)?,
        Operator::In => one_of(fact, op, list(op, raw)?)?,
        Operator::Contains => Test::SetContainsAny(mask_of(fact, op, std::slice::from_ref(value))?),
        Operator::ContainsAny => Test::SetContainsAny(mask_of(fact, op, list(op, raw)?)?),
        Operator::ContainsAll => Test::SetContainsAll(mask_of(fact, op, list(op, raw)?)?),
    })
}

/// `is: VALUE`, by the fact's type.
fn is(fact: &Fact, value: &Spanned<Raw>) -> Result<Test, ProblemKind> {
    let raw = &value.value;
    match &fact.fact_type {
        FactType::Integer { .. } => number(fact, Operator::Is, raw).map(|v| Test::IntBetween(v, v)),
        FactType::OneOf(_) => {
            mask_of(fact, Operator::Is, std::slice::from_ref(value)).map(Test::ChoiceIn)
        }
        _ => match checked_slot(fact, raw)? {
            Slot::Bool(b) => Ok(Test::BoolIs(b)),
            Slot::Text(t) => Ok(Test::TextIn(Box::new([t]))),
            _ => Err(ProblemKind::Internal),
        },
    }
}

/// `in: [VALUES]`, by the fact's type.
fn one_of(fact: &Fact, op: Operator, items: &[Spanned<Raw>]) -> Result<Test, ProblemKind> {
    match &fact.fact_type {
        FactType::Integer { .. } => items
            .iter()
            .map(|i| number(fact, op, &i.value))
            .collect::<Result<_, _>>()
            .map(Test::IntIn),
        FactType::OneOf(_) => mask_of(fact, op, items).map(Test::ChoiceIn),
        _ => items
            .iter()
            .map(|i| match checked_slot(fact, &i.value)? {
                Slot::Text(t) => Ok(t),
                _ => Err(wrong(op, "text", &i.value)),
            })
            .collect::<Result<_, _>>()
            .map(Test::TextIn),
    }
}

fn compile_count(fact: &Fact, raw: &Raw) -> Result<Test, ProblemKind> {
    let FactType::SetOf(values) = &fact.fact_type else {
        return Err(ProblemKind::Internal);
    };
    // The count is tested as if it were an integer fact ranging over 0..=number of values.
    let max = i64::try_from(values.names().len()).unwrap_or(i64::MAX);
    let as_integer = counting(fact, max);
    let Raw::Map(operators) = raw else {
        return Err(wrong(
            Operator::Count,
            "a numeric test such as `{ at_least: 2 }`",
            raw,
        ));
    };
    let [(op, value)] = operators.as_slice() else {
        return Err(ProblemKind::CountNeedsOneTest);
    };
    let Some(operator) = Operator::parse(&op.value).filter(|o| COUNT_OPERATORS.contains(o)) else {
        let valid: Vec<String> = COUNT_OPERATORS
            .iter()
            .map(|o| o.name().to_owned())
            .collect();
        return Err(ProblemKind::UnknownOperator {
            operator: syntax_name(&op.value),
            fact: format!("count of {}", fact.name),
            suggestion: suggest::closest(&op.value, valid.iter().map(String::as_str)),
            valid,
        });
    };
    let Test::IntBetween(lo, hi) = compile_operator(&as_integer, operator, value)? else {
        return Err(ProblemKind::Internal);
    };
    let clamp = |v: i64| u32::try_from(v.clamp(0, i64::from(u32::MAX))).unwrap_or(u32::MAX);
    Ok(Test::SetCountBetween(clamp(lo), clamp(hi)))
}

/// A stand-in integer fact for the count of a set_of fact's values, named after it.
fn counting(fact: &Fact, max: i64) -> Fact {
    Fact {
        name: fact.name.clone(),
        description: String::new(),
        unit: None,
        fact_type: FactType::Integer { min: 0, max },
        local: fact.local,
    }
}

/// Checks a single value against the fact's type the same way a profile value is checked, so a
/// rule can never test for a value no profile could have.
fn checked_slot(fact: &Fact, raw: &Raw) -> Result<Slot, ProblemKind> {
    let value: FactValue = raw.to_fact_value().map_err(|s| fact.not_a_value(s))?;
    fact.slot(&value)
}

fn number(fact: &Fact, op: Operator, raw: &Raw) -> Result<i64, ProblemKind> {
    match (raw, checked_slot(fact, raw)) {
        (Raw::Int(_), Ok(Slot::Int(i))) => Ok(i),
        (Raw::Int(_), Err(e)) => Err(e),
        _ => Err(wrong(op, "a whole number", raw)),
    }
}

fn pair(fact: &Fact, op: Operator, raw: &Raw) -> Result<(i64, i64), ProblemKind> {
    match raw {
        Raw::List(items) => match items.as_slice() {
            [lo, hi] => Ok((number(fact, op, &lo.value)?, number(fact, op, &hi.value)?)),
            _ => Err(wrong(op, "two numbers, [LOW, HIGH]", raw)),
        },
        other => Err(wrong(op, "two numbers, [LOW, HIGH]", other)),
    }
}

fn list(op: Operator, raw: &Raw) -> Result<&[Spanned<Raw>], ProblemKind> {
    match raw {
        Raw::List(items) if !items.is_empty() => Ok(items),
        Raw::List(_) => Err(ProblemKind::EmptyValueList {
            operator: op.name().to_owned(),
        }),
        other => Err(wrong(op, "a list of values", other)),
    }
}

fn flag(op: Operator, raw: &Raw) -> Result<bool, ProblemKind> {
    match raw {
        Raw::Bool(b) => Ok(*b),
        other => Err(wrong(op, "true or false", other)),
    }
}

/// The bits of declared values listed in `items`.
fn mask_of(fact: &Fact, op: Operator, items: &[Spanned<Raw>]) -> Result<u128, ProblemKind> {
    let (FactType::OneOf(values) | FactType::SetOf(values)) = &fact.fact_type else {
        return Err(ProblemKind::Internal);
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

fn wrong(op: Operator, expected: &str, found: &Raw) -> ProblemKind {
    ProblemKind::WrongType {
        what: format!("`{}`", op.name()),
        expected: expected.to_owned(),
        found: found.describe(),
    }
}

/// How a test reads in a report: the fact, the operator in words, and its value.
fn describe(op: Operator, raw: &Raw, fact: &Fact) -> String {
    let name = &fact.name;
    let yes = !matches!(raw, Raw::Bool(false));
    match op {
        Operator::Known if yes => return format!("{name} is known"),
        Operator::Known => return format!("{name} is not known"),
        Operator::IsEmpty if yes => return format!("{name} is empty"),
        Operator::IsEmpty => return format!("{name} is not empty"),
        Operator::Count => {
            if let Raw::Map(entries) = raw
                && let [(inner_op, value)] = entries.as_slice()
                && let Some(inner) = Operator::parse(&inner_op.value)
            {
                let count = counting(fact, i64::MAX);
                return format!("the number of {}", describe(inner, &value.value, &count));
            }
        }
        _ => {}
    }
    let mut text = format!("{name} {} ", op.spec().words);
    write_raw(&mut text, raw, op.spec().operand == Operand::NumberPair);
    if let Some(unit) = &fact.unit
        && (matches!(raw, Raw::Int(_)) || op == Operator::Between)
    {
        text.push(' ');
        text.push_str(unit);
    }
    text
}

fn write_raw(out: &mut String, raw: &Raw, range: bool) {
    match raw {
        Raw::Null => out.push_str("null"),
        Raw::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Raw::Int(i) => out.push_str(&i.to_string()),
        Raw::Float(x) => out.push_str(&x.to_string()),
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
                out.push_str(&k.value.replace('_', " "));
                out.push(' ');
                write_raw(out, &v.value, k.value == "between");
            }
        }
    }
}

/// Whether `name` is a word of the condition language, and so cannot name a fact.
pub(crate) fn is_reserved(name: &str) -> bool {
    crate::language::COMBINATORS.contains(&name)
}
