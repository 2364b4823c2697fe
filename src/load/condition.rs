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

use crate::error::{Item, Position, Problem, ProblemKind, shorten};
use crate::ids::{NamedId, SiteId};
use crate::language::Operator;
use crate::limits;
use crate::model::arena::WrittenTest;
use crate::model::condition::{Condition, Leaf, Test};
use crate::model::guide::Label;
use crate::model::vocabulary::{Fact, Vocab};
use crate::suggest;
use crate::syntax::{self, CONDITIONS_FILE, ConditionsFile, Raw, Spanned};

use super::facts::check_identifier;
use super::operator::{compile_operator, describe};
use super::session::{Names, Session};

/// The named conditions a rule may use, by name and number, while a guide (or overlay) loads.
pub(crate) struct NamedTable<'r> {
    by_name: HashMap<&'r str, usize>,
    entries: Vec<Named<'r>>,
    /// Every test compiled so far, once each.
    sites: Vec<WrittenTest>,
    /// The id of the first of them (an overlay's continue its guide's).
    first_site: usize,
    /// When the file of named conditions could not be read, a reference to one cannot be
    /// checked: it is left unreported (the file's own problem says it once).
    unreadable: bool,
    /// How many references were left unchecked so.
    unchecked: usize,
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
    /// A table for a layer whose first written test will have id `first_site`.
    pub(crate) fn new(unreadable: bool, first_site: usize) -> Self {
        NamedTable {
            by_name: HashMap::new(),
            entries: Vec::new(),
            sites: Vec::new(),
            first_site,
            unreadable,
            unchecked: 0,
        }
    }

    /// Every test compiled, once each, in the order compiled (of their ids).
    pub(crate) fn take_sites(&mut self) -> Vec<WrittenTest> {
        std::mem::take(&mut self.sites)
    }

    /// How many references to named conditions could not be checked (their file is unreadable).
    pub(crate) fn unchecked(&self) -> usize {
        self.unchecked
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

    /// Notes, on the first problem of an unreadable `conditions.yaml`, how many references to
    /// named conditions could not be checked because of it.
    pub(crate) fn note_unchecked(&self, session: &mut Session<'_>) {
        let what = match self.unchecked() {
            0 => return,
            1 => "1 reference to a named condition".to_owned(),
            n => format!("{n} references to named conditions"),
        };
        session.note_unchecked(CONDITIONS_FILE, &what);
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
        file: &'static str,
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
    file: &'static str,
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
        file: &'static str,
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
            "not" => self.not(body),
            "condition" => self.named(body),
            fact_name => self.fact_test(fact_name, syntax::position_of(key), body),
        }
    }

    fn not(&mut self, body: &Spanned<Raw>) -> Option<Condition> {
        if let Raw::List(_) = &body.value {
            let found = body.value.describe();
            self.problem(
                syntax::position_of(body),
                ProblemKind::NotTakesOne { found },
            );
            return None;
        }
        Some(Condition::Not(Box::new(self.node(body)?)))
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
            if self.named.unreadable {
                self.named.unchecked += 1;
            } else {
                let names = self.named.entries.iter().map(|e| e.name);
                let kind = ProblemKind::unknown("named condition", name, names);
                self.problem(at, kind);
            }
            return None;
        };
        let (condition, size) = self.expand(index, name, at)?;
        self.count(size)
            .then(|| Condition::Named(NamedId::new(index), Box::new(condition)))
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
        let own = Some(Item::NamedCondition(name.to_owned()));
        let mut inner = Compiler::new(self.vocab, self.named, self.file, own, &mut scratch);
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
        if fact.stand_in {
            // The declaration's problem is reported; the test cannot be checked without a type.
            return None;
        }
        let (file, item) = (self.file, self.item.clone());
        let leaf = |test: Test, texts: (String, String), at, named: &mut NamedTable<'_>| {
            let (text, negated_text) = texts;
            let (text, negated_text): (Box<str>, Box<str>) = (text.into(), negated_text.into());
            let site = SiteId::new(named.first_site + named.sites.len());
            named.sites.push(WrittenTest {
                file,
                at,
                item: item.clone(),
                fact: fact_id,
                test: test.clone(),
                text: text.clone(),
                negated_text,
            });
            Condition::Test(Box::new(Leaf {
                site,
                fact: fact_id,
                test,
                text,
            }))
        };
        let Raw::Map(operators) = &body.value else {
            // `fact: value` is shorthand for `fact: { is: value }`.
            let test = self.operator(fact, Operator::Is, body)?;
            let texts = (
                describe(Operator::Is, &body.value, fact, false),
                describe(Operator::Is, &body.value, fact, true),
            );
            return Some(leaf(test, texts, key_at, self.named));
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
                let test = self.operator(fact, operator, value)?;
                let texts = (
                    describe(operator, &value.value, fact, false),
                    describe(operator, &value.value, fact, true),
                );
                Some(leaf(test, texts, syntax::position_of(op), self.named))
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
                operator: shorten(&op.value),
                fact: fact.name.clone(),
                suggestion: suggest::closest(&op.value, valid.iter().map(String::as_str)),
                valid,
            },
        };
        self.problem(syntax::position_of(op), problem);
        None
    }

    /// Compiles `OPERATOR: VALUE` on `fact`.
    fn operator(&mut self, fact: &Fact, operator: Operator, value: &Spanned<Raw>) -> Option<Test> {
        match compile_operator(fact, operator, value) {
            Ok(test) => Some(test),
            Err(kind) => {
                self.problem(syntax::position_of(value), kind);
                None
            }
        }
    }
}

/// Registers the named conditions of a `conditions.yaml` after those already in `named` (an
/// overlay's after its guide's: none may redefine one), reporting bad and duplicate names, then
/// compiles each in its own right, reporting its problems once, where it is defined.
pub(super) fn register_named<'r>(
    session: &mut Session<'_>,
    vocab: Vocab<'_>,
    named: &mut NamedTable<'r>,
    file: &'r ConditionsFile,
) -> Vec<(Label, Option<Position>)> {
    let mut names = Names::default();
    let mut labels = Vec::new();
    let mut indices = Vec::new();
    for (offset, (name, def)) in file.0.iter().enumerate() {
        let checked = check_identifier("a condition name", &name.value).and_then(|()| {
            if named.contains(&name.value) && names.get(&name.value).is_none() {
                Err(ProblemKind::NamedConditionRedefined {
                    name: name.value.clone(),
                })
            } else {
                names.insert("named condition", name, offset)
            }
        });
        if let Err(kind) = checked {
            let item = Some(Item::NamedCondition(name.value.clone()));
            session.problem(CONDITIONS_FILE, syntax::position_of(name), item, kind);
        }
        indices.push(named.add(&name.value, &def.when));
        let label = Label {
            id: name.value.clone(),
            label: def.description.clone().unwrap_or_default(),
        };
        labels.push((label, syntax::position_of(name)));
    }
    for index in indices {
        named.compile_own(index, vocab, CONDITIONS_FILE, session.problems());
    }
    labels
}
