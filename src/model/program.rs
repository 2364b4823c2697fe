//! The evaluation program: the form a guide's conditions are compiled to for computing statuses.
//!
//! The condition trees of [`super::condition`] keep everything an explanation needs (names, test
//! texts, nesting). Statuses need much less, so loading also compiles every condition once more:
//!
//! - **Distinct tests.** Every test (fact id + compiled test) is interned: two rules testing
//!   `youngest_child_age is at most 10` share one entry, evaluated once per profile.
//! - **Literals.** A literal is a test or its negation (`2 * test + negated`). Per profile the
//!   evaluator fills a table with the truth of every literal (`False = 0`, `Unknown = 1`,
//!   `True = 2`, so that Kleene's `and` is `min`, `or` is `max` and `not` is `2 - x`).
//! - **Codes.** Each rule's condition is rewritten in negation normal form (`not` pushed down to
//!   the tests by De Morgan's laws, which hold in Kleene logic; nested `all` in `all` and `any` in
//!   `any` flattened; named conditions inlined) and stored as a constant, a single literal, a flat
//!   `all` / `any` over a run of literals, or, for anything more deeply nested, a post-order
//!   program for a small stack machine.
//! - **An index.** Rules whose code is a flat `all` are grouped under the literal most likely to
//!   be false (estimated from the vocabulary); when that literal is false for a profile, the
//!   whole group is skipped without being evaluated (its rules do not apply). Only groups of at
//!   least [`MIN_GROUP`] rules are formed: a smaller group costs more to check than it saves.
//!
//! Evaluating a profile reads only integer tables: no strings, no allocation once the scratch
//! buffers have grown to the guide's size.

use std::collections::HashMap;

use super::condition::{Condition, Test};
use super::value::{FactId, Slot, Slots};
use super::vocabulary::{FactType, Vocab};

const FALSE: u8 = 0;
const UNKNOWN: u8 = 1;
const TRUE: u8 = 2;

/// The smallest group of rules worth guarding by one literal.
const MIN_GROUP: usize = 4;

/// One rule's condition, compiled.
#[derive(Debug, Clone, Copy)]
enum Code {
    /// Always this truth value (a rule without a condition is `TRUE`).
    Const(u8),
    /// One literal.
    Lit(u32),
    /// `min` over `lits[start..end]`.
    All(u32, u32),
    /// `max` over `lits[start..end]`.
    Any(u32, u32),
    /// The post-order program `ops[start..end]`.
    Ops(u32, u32),
}

/// One step of the stack machine.
#[derive(Debug, Clone, Copy)]
enum Op {
    /// Push a literal's truth.
    Lit(u32),
    /// Pop this many values, push their `min`.
    All(u32),
    /// Pop this many values, push their `max`.
    Any(u32),
}

/// A group of rules that are all false when `guard` is false.
#[derive(Debug, Clone)]
struct Group {
    guard: u32,
    /// Rule numbers, ascending, with their codes.
    rules: Box<[(u32, Code)]>,
}

/// A guide's conditions, compiled for statuses. See the module docs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Program {
    tests: Vec<(FactId, Test)>,
    lits: Vec<u32>,
    ops: Vec<Op>,
    /// Number of rules (recommendations, then principles).
    rules: usize,
    scope: Option<Code>,
    /// Rules not in any group, ascending, with their codes.
    ungrouped: Box<[(u32, Code)]>,
    groups: Box<[Group]>,
    /// Deepest stack any `Ops` code needs.
    stack_depth: usize,
}

/// Buffers reused from one evaluation to the next.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    /// Truth of every literal.
    truths: Vec<u8>,
    stack: Vec<u8>,
}

/// Where one evaluation's statuses go: one bit per rule in each of two bit sets.
pub(crate) struct Output<'o> {
    pub(crate) applies: &'o mut Vec<u64>,
    pub(crate) undetermined: &'o mut Vec<u64>,
}

impl Program {
    /// Compiles the scope and the rules' conditions (`None`: applies to every family in scope).
    pub(crate) fn compile<'c>(
        vocabulary: Vocab<'_>,
        scope: Option<&Condition>,
        rules: impl IntoIterator<Item = Option<&'c Condition>>,
    ) -> Program {
        let mut builder = Builder::default();
        let scope = scope.map(|c| builder.code(c));
        let rules: Vec<Code> = rules
            .into_iter()
            .map(|c| c.map_or(Code::Const(TRUE), |c| builder.code(c)))
            .collect();
        let mut program = builder.program;
        program.scope = scope;
        program.index(vocabulary, rules);
        program
    }

    /// Evaluates every rule on `facts`: fills `out` with one bit per rule (`applies` and
    /// `undetermined`; a rule in neither does not apply) and returns the scope's truth.
    pub(crate) fn run(&self, facts: &Slots, scratch: &mut Scratch, mut out: Output<'_>) -> u8 {
        let truths = &mut scratch.truths;
        truths.resize(self.tests.len() * 2, UNKNOWN);
        for ((fact, test), pair) in self.tests.iter().zip(truths.chunks_exact_mut(2)) {
            let t = truth_of(test, facts.get(*fact));
            if let [positive, negative] = pair {
                *positive = t;
                *negative = TRUE - t;
            }
        }
        let truths = scratch.truths.as_slice();
        let stack = &mut scratch.stack;
        let scope = self.scope.map_or(TRUE, |c| self.eval(c, truths, stack));
        let words = self.rules.div_ceil(64);
        out.applies.clear();
        out.applies.resize(words, 0);
        out.undetermined.clear();
        out.undetermined.resize(words, 0);
        if scope == FALSE {
            return scope;
        }
        self.fill(&self.ungrouped, truths, stack, scope, &mut out);
        for group in self.groups.iter() {
            if lit(truths, group.guard) != FALSE {
                self.fill(&group.rules, truths, stack, scope, &mut out);
            }
        }
        scope
    }

    /// Evaluates `rules` (ascending numbers with their codes) and sets their bits, one word at a
    /// time.
    #[inline]
    fn fill(
        &self,
        rules: &[(u32, Code)],
        truths: &[u8],
        stack: &mut Vec<u8>,
        scope: u8,
        out: &mut Output<'_>,
    ) {
        let mut flush = |word: u32, a: u64, u: u64| {
            if let Some(w) = out.applies.get_mut(word as usize) {
                *w |= a;
            }
            if let Some(w) = out.undetermined.get_mut(word as usize) {
                *w |= u;
            }
        };
        let (mut word, mut a, mut u) = (0u32, 0u64, 0u64);
        for &(rule, code) in rules {
            if rule / 64 != word {
                flush(word, a, u);
                (word, a, u) = (rule / 64, 0, 0);
            }
            let t = self.eval(code, truths, stack).min(scope);
            a |= u64::from(t >> 1) << (rule % 64);
            u |= u64::from(t & 1) << (rule % 64);
        }
        flush(word, a, u);
    }

    #[inline]
    fn eval(&self, code: Code, truths: &[u8], stack: &mut Vec<u8>) -> u8 {
        match code {
            Code::Const(t) => t,
            Code::Lit(l) => lit(truths, l),
            Code::All(start, end) => self
                .lits
                .get(start as usize..end as usize)
                .unwrap_or_default()
                .iter()
                .fold(TRUE, |acc, &l| acc.min(lit(truths, l))),
            Code::Any(start, end) => self
                .lits
                .get(start as usize..end as usize)
                .unwrap_or_default()
                .iter()
                .fold(FALSE, |acc, &l| acc.max(lit(truths, l))),
            Code::Ops(start, end) => {
                stack.clear();
                stack.reserve(self.stack_depth);
                for op in self
                    .ops
                    .get(start as usize..end as usize)
                    .unwrap_or_default()
                {
                    let (n, all) = match *op {
                        Op::Lit(l) => {
                            stack.push(lit(truths, l));
                            continue;
                        }
                        Op::All(n) => (n as usize, true),
                        Op::Any(n) => (n as usize, false),
                    };
                    let at = stack.len().saturating_sub(n);
                    let popped = stack.get(at..).unwrap_or_default();
                    let t = if all {
                        popped.iter().fold(TRUE, |a, &b| a.min(b))
                    } else {
                        popped.iter().fold(FALSE, |a, &b| a.max(b))
                    };
                    stack.truncate(at);
                    stack.push(t);
                }
                stack.pop().unwrap_or(UNKNOWN)
            }
        }
    }

    /// Builds the index: flat `all` rules grouped under their most selective literal.
    fn index(&mut self, vocabulary: Vocab<'_>, rules: Vec<Code>) {
        let mut by_guard: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut guard_of = Vec::with_capacity(rules.len());
        for code in &rules {
            let guard = match *code {
                Code::All(start, end) => self
                    .lits
                    .get(start as usize..end as usize)
                    .unwrap_or_default()
                    .iter()
                    .copied()
                    .min_by(|a, b| {
                        let pa = self.estimate(vocabulary, *a);
                        let pb = self.estimate(vocabulary, *b);
                        pa.total_cmp(&pb)
                    }),
                _ => None,
            };
            guard_of.push(guard);
        }
        for (rule, guard) in (0u32..).zip(&guard_of) {
            if let Some(g) = guard {
                by_guard.entry(*g).or_default().push(rule);
            }
        }
        let mut groups: Vec<Group> = Vec::new();
        let mut ungrouped = Vec::new();
        let code_of = |rule: &u32| {
            (
                *rule,
                rules
                    .get(*rule as usize)
                    .copied()
                    .unwrap_or(Code::Const(UNKNOWN)),
            )
        };
        for ((rule, guard), code) in (0u32..).zip(&guard_of).zip(&rules) {
            let members = guard.and_then(|g| by_guard.get(&g).map(|m| (g, m)));
            match members {
                Some((g, m)) if m.len() >= MIN_GROUP => {
                    // Groups in the order of their first rule, so the layout is deterministic.
                    if m.first() == Some(&rule) {
                        groups.push(Group {
                            guard: g,
                            rules: m.iter().map(code_of).collect(),
                        });
                    }
                }
                _ => ungrouped.push((rule, *code)),
            }
        }
        self.rules = rules.len();
        self.ungrouped = ungrouped.into_boxed_slice();
        self.groups = groups.into_boxed_slice();
    }

    /// A rough, profile-independent estimate of how often a literal holds, from the share of the
    /// fact's declared values (or range) it admits. Only used to choose guards; any answer is
    /// correct, a better one is faster.
    fn estimate(&self, vocabulary: Vocab<'_>, literal: u32) -> f64 {
        let Some((fact, test)) = self.tests.get((literal / 2) as usize) else {
            return 1.0;
        };
        let fact_type = vocabulary.fact(*fact).map(|f| &f.fact_type);
        let p = estimate_test(test, fact_type);
        if literal % 2 == 1 { 1.0 - p } else { p }
    }
}

fn estimate_test(test: &Test, fact_type: Option<&FactType>) -> f64 {
    let values = |t: Option<&FactType>| match t {
        Some(FactType::OneOf(v) | FactType::SetOf(v)) => v.names().len().max(1) as f64,
        _ => 2.0,
    };
    match test {
        Test::Known(_) => 0.9,
        Test::BoolIs(_) => 0.5,
        Test::IntBetween(lo, hi) => match fact_type {
            Some(FactType::Integer { min, max }) => {
                let lo = (*lo).max(*min) as f64;
                let hi = (*hi).min(*max) as f64;
                let span = (*max as f64 - *min as f64 + 1.0).max(1.0);
                ((hi - lo + 1.0) / span).clamp(0.0, 1.0)
            }
            _ => 0.5,
        },
        Test::IntIn(set) => (set.len() as f64 / 10.0).min(1.0),
        Test::ChoiceIn(mask) => f64::from(mask.count_ones()) / values(fact_type),
        // A family has a few of a set's values: each one listed adds about a quarter.
        Test::SetContainsAny(mask) => (f64::from(mask.count_ones()) * 0.25).min(0.95),
        Test::SetContainsAll(mask) => 0.25f64.powf(f64::from(mask.count_ones())),
        Test::SetCountBetween(..) | Test::TextIn(_) | Test::TextMatches(_) => 0.5,
        Test::Negated(inner) => 1.0 - estimate_test(inner, fact_type),
    }
}

#[inline]
fn lit(truths: &[u8], l: u32) -> u8 {
    truths.get(l as usize).copied().unwrap_or(UNKNOWN)
}

#[inline]
fn truth_of(test: &Test, slot: &Slot) -> u8 {
    match test.holds(slot) {
        Some(true) => TRUE,
        Some(false) => FALSE,
        None => UNKNOWN,
    }
}

/// A condition in negation normal form, before it is laid out.
enum Nnf {
    Lit(u32),
    All(Vec<Nnf>),
    Any(Vec<Nnf>),
}

#[derive(Default)]
struct Builder {
    program: Program,
    /// Test key → test index. The key is the fact id and the test's `Debug` form, which spells
    /// out every value (strings quoted, regexes by pattern), so equal keys mean equal tests.
    interned: HashMap<String, u32>,
}

impl Builder {
    fn code(&mut self, condition: &Condition) -> Code {
        let nnf = self.nnf(condition, false);
        let only_lits = |items: &[Nnf]| items.iter().all(|n| matches!(n, Nnf::Lit(_)));
        match nnf {
            Nnf::Lit(l) => Code::Lit(l),
            Nnf::All(items) if items.is_empty() => Code::Const(TRUE),
            Nnf::Any(items) if items.is_empty() => Code::Const(FALSE),
            Nnf::All(items) if only_lits(&items) => {
                let (start, end) = self.push_lits(&items);
                Code::All(start, end)
            }
            Nnf::Any(items) if only_lits(&items) => {
                let (start, end) = self.push_lits(&items);
                Code::Any(start, end)
            }
            other => {
                let start = to_u32(self.program.ops.len());
                let depth = self.emit(&other);
                self.program.stack_depth = self.program.stack_depth.max(depth);
                Code::Ops(start, to_u32(self.program.ops.len()))
            }
        }
    }

    fn push_lits(&mut self, items: &[Nnf]) -> (u32, u32) {
        let start = to_u32(self.program.lits.len());
        for item in items {
            if let Nnf::Lit(l) = item {
                // `min(x, x) = x`: a literal repeated (say, via two named conditions) is kept once.
                let run = self.program.lits.get(start as usize..).unwrap_or_default();
                if !run.contains(l) {
                    self.program.lits.push(*l);
                }
            }
        }
        (start, to_u32(self.program.lits.len()))
    }

    /// Emits `node` in post-order; returns the stack depth it needs.
    fn emit(&mut self, node: &Nnf) -> usize {
        match node {
            Nnf::Lit(l) => {
                self.program.ops.push(Op::Lit(*l));
                1
            }
            Nnf::All(items) | Nnf::Any(items) => {
                let mut depth = 1;
                for (i, item) in items.iter().enumerate() {
                    depth = depth.max(i + self.emit(item));
                }
                let n = to_u32(items.len());
                self.program.ops.push(if matches!(node, Nnf::All(_)) {
                    Op::All(n)
                } else {
                    Op::Any(n)
                });
                depth
            }
        }
    }

    fn nnf(&mut self, condition: &Condition, negated: bool) -> Nnf {
        match condition {
            Condition::All(items) | Condition::Any(items) => {
                let all = matches!(condition, Condition::All(_)) != negated;
                let mut children = Vec::with_capacity(items.len());
                for item in items.iter() {
                    match (all, self.nnf(item, negated)) {
                        (true, Nnf::All(inner)) | (false, Nnf::Any(inner)) => {
                            children.extend(inner)
                        }
                        (_, other) => children.push(other),
                    }
                }
                if children.len() == 1
                    && let Some(only) = children.pop()
                {
                    return only;
                }
                if all {
                    Nnf::All(children)
                } else {
                    Nnf::Any(children)
                }
            }
            Condition::Not(inner) => self.nnf(inner, !negated),
            Condition::Named(_, inner) => self.nnf(inner, negated),
            Condition::Test(leaf) => {
                let key = format!("{}:{:?}", leaf.fact, leaf.test);
                let tests = &mut self.program.tests;
                let index = *self.interned.entry(key).or_insert_with(|| {
                    tests.push((leaf.fact, leaf.test.clone()));
                    to_u32(tests.len() - 1)
                });
                Nnf::Lit(index * 2 + u32::from(negated))
            }
        }
    }
}

/// Sizes here are bounded far below `u32::MAX` by [`crate::limits`] (rules × nodes per rule).
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
