//! The tests' reference evaluator: every result computed again by walking the compiler's
//! condition trees, independently of the arena and its truth table — each condition evaluated
//! by recursion on the profile's values, explained by re-evaluating every subtree, its residual
//! substituted on the tree, its deciding values by re-evaluating the tree with each answer, and
//! an overlay's services and fit flags from their own trees. [`differential`] checks that the
//! evaluator gives the same results, byte for byte in JSON; [`brute_force`] checks what the
//! evaluator says is open (residuals, deciding values, questions) against every completion of
//! random profiles of random small guides.
//!
//! Only what is not evaluation is shared: the candidate values an answer is tried with, the
//! ranking of questions, and how a value or a test reads.

mod walk;
mod differential;
mod brute_force;

use std::borrow::Cow;

use crate::eval::open::{self, OpenItem};
use crate::ids::NamedId;
use crate::model::condition::{Condition, Leaf};
use crate::model::guide::Guide;
use crate::model::truth::Truth;
use crate::model::value::{Answered, FactId, FactSlots, Slot, Slots};
use crate::model::vocabulary::FactType;
use crate::result::TestResult;
use crate::result::shape::{Deciding, Reason, Residual, ResidualTest, SeenValue};

/// The profile's value of `fact` as a reason shows it; `None` when it is unknown.
fn seen<'g>(guide: &'g Guide, fact: FactId, slot: &Slot) -> Option<SeenValue<'g>> {
    let fact_type = &guide.vocab().fact(fact)?.fact_type;
    Some(match (slot, fact_type) {
        (Slot::Unknown, _) => return None,
        (Slot::Bool(b), _) => SeenValue::Bool(*b),
        (Slot::Int(i), _) => SeenValue::Integer(*i),
        (Slot::Choice(bit), FactType::OneOf(values)) => {
            SeenValue::Text(Cow::Borrowed(values.name(*bit)))
        }
        (Slot::Set(mask), FactType::SetOf(values)) => {
            SeenValue::List(values.names_in(*mask).map(Cow::Borrowed).collect())
        }
        (Slot::Text(t), _) => SeenValue::Text(Cow::Owned(t.to_string())),
        _ => return None,
    })
}

/// A condition tree evaluated by recursion.
pub(crate) trait Tree {
    /// Its truth on `slots`.
    fn truth(&self, slots: &(impl FactSlots + ?Sized)) -> Truth;
}

impl Tree for Leaf {
    fn truth(&self, slots: &(impl FactSlots + ?Sized)) -> Truth {
        self.test.truth(slots.slot(self.fact))
    }
}

impl Tree for Condition {
    fn truth(&self, slots: &(impl FactSlots + ?Sized)) -> Truth {
        match self {
            Condition::All(items) => items.iter().fold(Truth::True, |t, c| t.and(c.truth(slots))),
            Condition::Any(items) => items.iter().fold(Truth::False, |t, c| t.or(c.truth(slots))),
            Condition::Not(inner) => inner.truth(slots).negate(),
            Condition::Named(_, inner) => inner.truth(slots),
            Condition::Test(leaf) => leaf.truth(slots),
        }
    }
}

/// Visits the tests that decided `condition`'s truth `truth`, re-evaluating each child: for
/// `all` and `any` the children that share the whole's truth, or for an undecided whole every
/// child that is not the absorbing value.
fn visit<'c>(
    condition: &'c Condition,
    truth: Truth,
    slots: &Slots,
    (via, negated): (Option<NamedId>, bool),
    out: &mut Vec<(&'c Leaf, Truth, Option<NamedId>, bool)>,
) {
    match condition {
        Condition::All(items) | Condition::Any(items) => {
            let absorbing = Truth::from_bool(matches!(condition, Condition::Any(_)));
            for item in items.iter() {
                let t = item.truth(slots);
                if (truth == Truth::Unknown && t != absorbing) || (truth.is_known() && t == truth) {
                    visit(item, t, slots, (via, negated), out);
                }
            }
        }
        Condition::Not(inner) => visit(inner, truth.negate(), slots, (via, !negated), out),
        Condition::Named(id, inner) => visit(inner, truth, slots, (Some(*id), negated), out),
        Condition::Test(leaf) => out.push((leaf, truth, via, negated)),
    }
}

/// A condition's truth, the reasons that decided it, and the missing facts.
pub(super) fn explain<'g>(
    guide: &'g Guide,
    condition: &'g Condition,
    slots: &Slots,
) -> (Truth, Vec<Reason<'g>>, Vec<Cow<'g, str>>) {
    let truth = condition.truth(slots);
    let mut visited = Vec::new();
    visit(condition, truth, slots, (None, false), &mut visited);
    let vocab = guide.vocab();
    let reasons = visited
        .iter()
        .map(|(leaf, t, via, negated)| Reason {
            fact: Cow::Borrowed(vocab.fact_name(leaf.fact)),
            test: Cow::Borrowed(guide.layers().site(leaf.site).words(*negated)),
            value: seen(guide, leaf.fact, slots.get(leaf.fact)),
            result: TestResult::from_truth(if *negated { t.negate() } else { *t }),
            via: via
                .and_then(|named| guide.named_condition_id(named))
                .map(Cow::Borrowed),
        })
        .collect();
    let mut missing: Vec<FactId> = match truth {
        Truth::Unknown => visited
            .iter()
            .filter(|(_, t, ..)| *t == Truth::Unknown)
            .map(|(leaf, ..)| leaf.fact)
            .collect(),
        _ => Vec::new(),
    };
    missing.sort_unstable();
    missing.dedup();
    let missing = missing
        .into_iter()
        .map(|id| Cow::Borrowed(vocab.fact_name(id)))
        .collect();
    (truth, reasons, missing)
}

/// What remains of a condition: tests of unknown facts under `all`, `any` and `not`.
#[derive(Debug, Clone)]
pub(super) enum Open<'g> {
    All(Vec<Open<'g>>),
    Any(Vec<Open<'g>>),
    Not(Box<Open<'g>>),
    Test(&'g Leaf),
}

/// Substitutes the known facts of `slots` into `condition`: `Err` with its truth when they
/// decide it, else what remains.
pub(super) fn partial<'g>(condition: &'g Condition, slots: &Slots) -> Result<Open<'g>, bool> {
    match condition {
        Condition::All(items) | Condition::Any(items) => {
            let all = matches!(condition, Condition::All(_));
            let mut parts = Vec::new();
            for item in items.iter() {
                match partial(item, slots) {
                    // false decides an `all`, true an `any`.
                    Err(b) if b != all => return Err(b),
                    Err(_) => {}
                    Ok(o) => parts.push(o),
                }
            }
            combine(parts, all).ok_or(all)
        }
        Condition::Not(inner) => match partial(inner, slots) {
            Err(b) => Err(!b),
            Ok(Open::Not(o)) => Ok(*o),
            Ok(o) => Ok(Open::Not(Box::new(o))),
        },
        Condition::Named(_, inner) => partial(inner, slots),
        Condition::Test(leaf) => match leaf.truth(slots) {
            Truth::Unknown => Ok(Open::Test(leaf)),
            t => Err(t == Truth::True),
        },
    }
}

/// The parts that must all hold (`all`) or one of which must (`any`), flattened, each once.
pub(super) fn combine<'g>(parts: Vec<Open<'g>>, all: bool) -> Option<Open<'g>> {
    let mut kept: Vec<Open<'g>> = Vec::new();
    for part in parts {
        let pieces = match part {
            Open::All(inner) if all => inner,
            Open::Any(inner) if !all => inner,
            other => vec![other],
        };
        for piece in pieces {
            if !kept.iter().any(|k| same(k, &piece)) {
                kept.push(piece);
            }
        }
    }
    match kept.len() {
        0 => None,
        1 => kept.pop(),
        _ if all => Some(Open::All(kept)),
        _ => Some(Open::Any(kept)),
    }
}

fn same(a: &Open<'_>, b: &Open<'_>) -> bool {
    match (a, b) {
        (Open::All(a), Open::All(b)) | (Open::Any(a), Open::Any(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Open::Not(a), Open::Not(b)) => same(a, b),
        (Open::Test(a), Open::Test(b)) => a.fact == b.fact && a.text == b.text,
        _ => false,
    }
}

/// What remains of `condition` together with `context`, for a result that is undetermined.
pub(super) fn remains<'g>(
    condition: Option<&'g Condition>,
    context: Option<&Open<'g>>,
    slots: &Slots,
) -> Option<Open<'g>> {
    let own = condition.and_then(|c| partial(c, slots).ok());
    combine(context.cloned().into_iter().chain(own).collect(), true)
}

/// As results show it: `not` pushed down to the tests.
pub(super) fn residual<'g>(open: &Open<'g>, guide: &'g Guide, negated: bool) -> Residual<'g> {
    let items = |items: &[Open<'g>]| items.iter().map(|o| residual(o, guide, negated)).collect();
    match open {
        Open::All(parts) if negated => Residual::Any(items(parts)),
        Open::All(parts) => Residual::All(items(parts)),
        Open::Any(parts) if negated => Residual::All(items(parts)),
        Open::Any(parts) => Residual::Any(items(parts)),
        Open::Not(inner) => residual(inner, guide, !negated),
        Open::Test(leaf) => Residual::Test(ResidualTest {
            fact: Cow::Borrowed(guide.vocab().fact_name(leaf.fact)),
            test: Cow::Borrowed(guide.layers().site(leaf.site).words(negated)),
        }),
    }
}

/// The values of each missing fact that decide the conjunction of `conditions`, each tried by
/// evaluating every condition again with the answer; and the item the questions read.
pub(super) fn deciding<'g>(
    guide: &'g Guide,
    (evidence, conditions): (Option<usize>, Vec<&'g Condition>),
    slots: &Slots,
) -> (Vec<Deciding<'g>>, OpenItem) {
    fn leaves<'c>(c: &'c Condition, out: &mut Vec<&'c Leaf>) {
        match c {
            Condition::All(items) | Condition::Any(items) => {
                items.iter().for_each(|i| leaves(i, out))
            }
            Condition::Not(inner) | Condition::Named(_, inner) => leaves(inner, out),
            Condition::Test(leaf) => out.push(leaf),
        }
    }
    let mut tests = Vec::new();
    conditions.iter().for_each(|c| leaves(c, &mut tests));
    let mut unknown: Vec<FactId> = tests
        .iter()
        .map(|l| l.fact)
        .filter(|f| *slots.get(*f) == Slot::Unknown)
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    let mut lists = Vec::new();
    let mut decided_by = Vec::new();
    for &fact in &unknown {
        let Some(spec) = guide.vocab().fact(fact) else {
            continue;
        };
        let of_fact = tests.iter().filter(|l| l.fact == fact).map(|l| &l.test);
        let (mut applies_if, mut not_if) = (Vec::new(), Vec::new());
        for slot in open::candidates(spec, of_fact) {
            let answered = Answered {
                slots,
                fact,
                answer: &slot,
            };
            let truth = conditions
                .iter()
                .fold(Truth::True, |t, c| t.and(c.truth(&answered)));
            match truth {
                Truth::True => applies_if.extend(seen(guide, fact, &slot)),
                Truth::False => not_if.extend(seen(guide, fact, &slot)),
                Truth::Unknown => {}
            }
        }
        if !applies_if.is_empty() || !not_if.is_empty() {
            decided_by.push(fact);
            lists.push(Deciding {
                fact: Cow::Borrowed(&spec.name),
                applies_if,
                not_if,
            });
        }
    }
    (lists, OpenItem::noted(None, evidence, unknown, decided_by))
}
