//! The evaluation program: the form a guide's conditions are compiled to for computing statuses.
//!
//! The condition trees of [`super::condition`] keep everything an explanation needs (names, test
//! texts, nesting). Statuses need much less, so loading also compiles every condition once more:
//!
//! - **Distinct tests.** Every test (fact id + compiled test) is interned: two rules testing
//!   `youngest_child_age is at most 10` share one entry, evaluated once per profile.
//! - **Literals.** A literal is a test or its negation (`2 * test + negated`). Per profile the
//!   evaluator fills a table with the truth of the literals it reads (`False = 0`, `Unknown = 1`,
//!   `True = 2`, so that Kleene's `and` is `min`, `or` is `max` and `not` is `2 - x`).
//! - **Codes.** Each rule's condition is rewritten in negation normal form (`not` pushed down to
//!   the tests by De Morgan's laws, which hold in Kleene logic; nested `all` in `all` and `any` in
//!   `any` flattened; named conditions inlined) and stored as a constant, a single literal, a flat
//!   `all` / `any` over a run of literals, or, for anything more deeply nested, a post-order
//!   program for a small stack machine.
//! - **An index.** Every rule whose code is flat (a constant, a literal, a flat `all` or `any`)
//!   is decided for all rules at once, 64 per machine word, by the bit-parallel
//!   [`Index`](super::index): a profile adds one precomputed row per fact rather than evaluating
//!   rule by rule. Only the other rules run their codes, one by one.
//!
//! Evaluating a profile reads only integer tables: no strings, no allocation once the scratch
//! buffers have grown to the guide's size.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::condition::{Condition, Test};
use super::index::{FALSE, Flat, Index, Sets, TRUE, UNKNOWN, set_bit, to_u32};
use super::plan::Plans;
use super::value::{FactId, Slot, Slots};
use super::vocabulary::Vocab;

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

/// A guide's conditions, compiled for statuses. See the module docs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Program {
    tests: Vec<(FactId, Test)>,
    lits: Vec<u32>,
    ops: Vec<Op>,
    /// Number of rules (recommendations, then principles).
    rules: usize,
    scope: Option<Code>,
    /// The flat rules, decided together.
    index: Index,
    /// The other rules, ascending, with their codes.
    others: Box<[(u32, Code)]>,
    /// The tests whose truth a profile needs: those of the scope, of the other rules, and those
    /// the index reads.
    needed: Box<[u32]>,
    /// Deepest stack any `Ops` code needs.
    stack_depth: usize,
    /// Every condition laid out for explaining, made the first time a full result needs it (so
    /// that a caseload computing statuses only never pays for it).
    pub(crate) plans: OnceLock<Plans>,
}

/// Buffers reused from one evaluation to the next.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    /// Truth of every literal the program reads.
    truths: Vec<u8>,
    stack: Vec<u8>,
    /// The index's accumulators.
    decided: Vec<u64>,
    unknown: Vec<u64>,
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
        let codes: Vec<Code> = rules
            .into_iter()
            .map(|c| c.map_or(Code::Const(TRUE), |c| builder.code(c)))
            .collect();
        let mut program = builder.program;
        program.scope = scope;
        program.rules = codes.len();
        program.index(vocabulary, &codes);
        program
    }

    /// Splits the rules into the flat ones, which the index decides, and the others.
    fn index(&mut self, vocabulary: Vocab<'_>, codes: &[Code]) {
        let mut others = Vec::new();
        // (rule, `any`, the run of `lits` that is its literals)
        let mut flat: Vec<(u32, bool, u32, u32)> = Vec::new();
        for (rule, code) in (0u32..).zip(codes) {
            match *code {
                Code::Const(TRUE) => flat.push((rule, false, 0, 0)),
                Code::Const(FALSE) => flat.push((rule, true, 0, 0)),
                Code::Lit(l) => {
                    // A run of one literal, for the index.
                    let at = to_u32(self.lits.len());
                    self.lits.push(l);
                    flat.push((rule, false, at, at + 1));
                }
                Code::All(start, end) => flat.push((rule, false, start, end)),
                Code::Any(start, end) => flat.push((rule, true, start, end)),
                Code::Const(_) | Code::Ops(..) => others.push((rule, *code)),
            }
        }
        let lits = &self.lits;
        let flat = flat.iter().map(|&(rule, any, start, end)| Flat {
            rule,
            any,
            lits: lits.get(start as usize..end as usize).unwrap_or_default(),
        });
        self.index = Index::build(vocabulary, &self.tests, self.rules, flat);
        let mut needed: Vec<u32> = self.index.tests().collect();
        let mut read = |code: &Code| match *code {
            Code::Lit(l) => needed.push(l / 2),
            Code::All(start, end) | Code::Any(start, end) => {
                let run = self.lits.get(start as usize..end as usize);
                needed.extend(run.unwrap_or_default().iter().map(|l| l / 2));
            }
            Code::Ops(start, end) => {
                let ops = self.ops.get(start as usize..end as usize);
                needed.extend(ops.unwrap_or_default().iter().filter_map(|op| match op {
                    Op::Lit(l) => Some(l / 2),
                    _ => None,
                }));
            }
            Code::Const(_) => {}
        };
        self.scope
            .iter()
            .chain(others.iter().map(|(_, c)| c))
            .for_each(&mut read);
        needed.sort_unstable();
        needed.dedup();
        self.needed = needed.into_boxed_slice();
        self.others = others.into_boxed_slice();
    }

    /// Evaluates every rule on `facts`: fills `out` with one bit per rule (`applies` and
    /// `undetermined`; a rule in neither does not apply) and returns the scope's truth.
    pub(crate) fn run(&self, facts: &Slots, scratch: &mut Scratch, out: Output<'_>) -> u8 {
        let words = self.rules.div_ceil(64);
        reset(out.applies, words);
        reset(out.undetermined, words);
        let truths = &mut scratch.truths;
        truths.resize(self.tests.len() * 2, UNKNOWN);
        for &test in self.needed.iter() {
            let at = test as usize * 2;
            if let (Some((fact, test)), Some([positive, negative])) =
                (self.tests.get(test as usize), truths.get_mut(at..at + 2))
            {
                let t = truth_of(test, facts.get(*fact));
                *positive = t;
                *negative = TRUE - t;
            }
        }
        let truths = scratch.truths.as_slice();
        let stack = &mut scratch.stack;
        let scope = self.scope.map_or(TRUE, |c| self.eval(c, truths, stack));
        if scope == FALSE {
            return scope;
        }
        reset(&mut scratch.decided, words);
        reset(&mut scratch.unknown, words);
        let mut sets = Sets {
            decided: &mut scratch.decided,
            unknown: &mut scratch.unknown,
        };
        self.index.decide(facts, truths, &mut sets);
        self.index.finish(&sets, out.applies, out.undetermined);
        for &(rule, code) in self.others.iter() {
            match self.eval(code, truths, stack) {
                TRUE => set_bit(out.applies, rule),
                UNKNOWN => set_bit(out.undetermined, rule),
                _ => {}
            }
        }
        if scope == UNKNOWN {
            // Every rule holds only within the scope: what would apply is undetermined.
            for (a, u) in out.applies.iter_mut().zip(out.undetermined.iter_mut()) {
                *u |= *a;
                *a = 0;
            }
        }
        scope
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
}

/// Empties `words` and gives it `len` zero words, keeping its allocation.
#[inline]
fn reset(words: &mut Vec<u64>, len: usize) {
    words.clear();
    words.resize(len, 0);
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
