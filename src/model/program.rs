//! The evaluation program: the form a guide's conditions are compiled to for computing statuses.
//!
//! The [arena](super::arena) keeps everything an explanation needs (names, test texts, nesting).
//! Statuses need much less, so loading also compiles every condition of the arena once more:
//!
//! - **Tests** are the arena's ([`TestId`]s): two rules testing `youngest_child_age is at most
//!   10` share one, evaluated once per profile.
//! - **Literals.** A literal is a test or its negation (`2 * test + negated`). Per profile the
//!   evaluator fills a table with the [`Truth`] of the literals it reads.
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

use super::arena::{Arena, Kind, Layers};
use super::index::{Flat, Index, Sets, set_bit, to_u32};
use super::truth::Truth;
use super::value::Slots;
use super::vocabulary::Vocab;
use crate::ids::{NodeId, TestId};

/// One rule's condition, compiled.
#[derive(Debug, Clone, Copy)]
enum Code {
    /// Always this truth value (a rule without a condition is true).
    Const(Truth),
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
}

/// Buffers reused from one evaluation to the next.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    /// Truth of every literal the program reads.
    truths: Vec<Truth>,
    stack: Vec<Truth>,
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
    /// Compiles the scope's and the rules' conditions, roots of the guide's `arena` (`None`:
    /// applies to every family in scope).
    pub(crate) fn compile(
        vocabulary: Vocab<'_>,
        arena: &Arena,
        scope: Option<NodeId>,
        rules: impl IntoIterator<Item = Option<NodeId>>,
    ) -> Program {
        let mut builder = Builder {
            program: Program::default(),
            layers: Layers {
                core: arena,
                local: None,
            },
        };
        let scope = scope.map(|c| builder.code(c));
        let codes: Vec<Code> = rules
            .into_iter()
            .map(|c| c.map_or(Code::Const(Truth::True), |c| builder.code(c)))
            .collect();
        let mut program = builder.program;
        program.scope = scope;
        program.rules = codes.len();
        program.index(vocabulary, arena, &codes);
        program
    }

    /// Splits the rules into the flat ones, which the index decides, and the others.
    fn index(&mut self, vocabulary: Vocab<'_>, arena: &Arena, codes: &[Code]) {
        let mut others = Vec::new();
        // (rule, `any`, the run of `lits` that is its literals)
        let mut flat: Vec<(u32, bool, u32, u32)> = Vec::new();
        for (rule, code) in (0u32..).zip(codes) {
            match *code {
                Code::Const(Truth::True) => flat.push((rule, false, 0, 0)),
                Code::Const(Truth::False) => flat.push((rule, true, 0, 0)),
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
        self.index = Index::build(vocabulary, arena.tests(), self.rules, flat);
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

    /// Evaluates every rule on `facts`, whose tests are those of the guide's `arena`: fills
    /// `out` with one bit per rule (`applies` and `undetermined`; a rule in neither does not
    /// apply) and returns the scope's truth.
    pub(crate) fn run(
        &self,
        arena: &Arena,
        facts: &Slots,
        scratch: &mut Scratch,
        out: Output<'_>,
    ) -> Truth {
        let words = self.rules.div_ceil(64);
        reset(out.applies, words);
        reset(out.undetermined, words);
        let tests = arena.tests();
        let truths = &mut scratch.truths;
        truths.resize(tests.len() * 2, Truth::Unknown);
        for &test in self.needed.iter() {
            let at = test as usize * 2;
            if let (Some((fact, test)), Some([positive, negative])) =
                (tests.get(test as usize), truths.get_mut(at..at + 2))
            {
                let t = test.truth(facts.get(*fact));
                *positive = t;
                *negative = t.negate();
            }
        }
        let truths = scratch.truths.as_slice();
        let stack = &mut scratch.stack;
        let scope = self
            .scope
            .map_or(Truth::True, |c| self.eval(c, truths, stack));
        if scope == Truth::False {
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
                Truth::True => set_bit(out.applies, rule),
                Truth::Unknown => set_bit(out.undetermined, rule),
                Truth::False => {}
            }
        }
        if scope == Truth::Unknown {
            // Every rule holds only within the scope: what would apply is undetermined.
            for (a, u) in out.applies.iter_mut().zip(out.undetermined.iter_mut()) {
                *u |= *a;
                *a = 0;
            }
        }
        scope
    }

    #[inline]
    fn eval(&self, code: Code, truths: &[Truth], stack: &mut Vec<Truth>) -> Truth {
        match code {
            Code::Const(t) => t,
            Code::Lit(l) => lit(truths, l),
            Code::All(start, end) => self
                .lits
                .get(start as usize..end as usize)
                .unwrap_or_default()
                .iter()
                .fold(Truth::True, |acc, &l| acc.and(lit(truths, l))),
            Code::Any(start, end) => self
                .lits
                .get(start as usize..end as usize)
                .unwrap_or_default()
                .iter()
                .fold(Truth::False, |acc, &l| acc.or(lit(truths, l))),
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
                        popped.iter().fold(Truth::True, |a, &b| a.and(b))
                    } else {
                        popped.iter().fold(Truth::False, |a, &b| a.or(b))
                    };
                    stack.truncate(at);
                    stack.push(t);
                }
                stack.pop().unwrap_or_default()
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
#[expect(
    clippy::indexing_slicing,
    reason = "every literal of a code is of a test of the arena the table is sized for"
)]
fn lit(truths: &[Truth], l: u32) -> Truth {
    truths[l as usize]
}

/// A condition in negation normal form, before it is laid out.
enum Nnf {
    Lit(u32),
    All(Vec<Nnf>),
    Any(Vec<Nnf>),
}

struct Builder<'a> {
    program: Program,
    layers: Layers<'a>,
}

impl Builder<'_> {
    fn code(&mut self, condition: NodeId) -> Code {
        let nnf = self.nnf(condition, false);
        let only_lits = |items: &[Nnf]| items.iter().all(|n| matches!(n, Nnf::Lit(_)));
        match nnf {
            Nnf::Lit(l) => Code::Lit(l),
            Nnf::All(items) if items.is_empty() => Code::Const(Truth::True),
            Nnf::Any(items) if items.is_empty() => Code::Const(Truth::False),
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

    fn nnf(&mut self, node: NodeId, negated: bool) -> Nnf {
        let kind = self.layers.node(node).kind;
        match kind {
            Kind::All | Kind::Any => {
                let all = (kind == Kind::All) != negated;
                let mut children = Vec::new();
                for child in self.layers.children(node) {
                    match (all, self.nnf(child, negated)) {
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
            Kind::Not => self.nnf(node.next(), !negated),
            Kind::Named(_) => self.nnf(node.next(), negated),
            Kind::Test { test, .. } => Nnf::Lit(literal(test, negated)),
        }
    }
}

/// The literal of `test`, or of its negation.
fn literal(test: TestId, negated: bool) -> u32 {
    to_u32(test.index()) * 2 + u32::from(negated)
}
