//! Explaining one condition on a bound profile: its truth, the tests that decided it (each with
//! what the profile said), and the facts that would decide it if it is undetermined.

use std::borrow::Cow;

use crate::model::condition::{Condition, Leaf};
use crate::model::guide::Guide;
use crate::model::truth::Truth;
use crate::model::value::{FactId, Slot, Slots};
use crate::model::vocabulary::FactType;
use crate::result::{Reason, SeenValue, TestResult};

/// A condition's truth, the reasons that decided it, and the missing facts.
pub(super) fn explain<'g>(
    guide: &'g Guide,
    condition: &'g Condition,
    slots: &Slots,
) -> (Truth, Vec<Reason<'g>>, Vec<Cow<'g, str>>) {
    let vocab = guide.vocab();
    let mut reasons = Vec::new();
    let mut unknown: Vec<FactId> = Vec::new();
    let truth = condition.explain(slots, &mut |leaf: &'g Leaf, t, via, negated| {
        if t == Truth::Unknown {
            unknown.push(leaf.fact);
        }
        // A test under `not:` is shown as the rule states it: its negation, and whether that
        // holds.
        let (text, t) = if negated {
            (&leaf.negated_text, t.negate())
        } else {
            (&leaf.text, t)
        };
        reasons.push(Reason {
            fact: Cow::Borrowed(vocab.fact_name(leaf.fact)),
            test: Cow::Borrowed(text),
            value: seen(guide, leaf.fact, slots.get(leaf.fact)),
            result: TestResult::from_truth(t),
            via: via
                .and_then(|i| guide.named_condition_id(i))
                .map(Cow::Borrowed),
        });
    });
    // The explanation of an undecided condition visits exactly its undecided tests; a decided
    // one lists no missing facts, whatever unknowns it holds.
    let missing = if truth == Truth::Unknown {
        unknown.sort_unstable();
        unknown.dedup();
        unknown
            .into_iter()
            .map(|id| Cow::Borrowed(vocab.fact_name(id)))
            .collect()
    } else {
        Vec::new()
    };
    (truth, reasons, missing)
}

pub(super) fn seen<'g>(guide: &'g Guide, fact: FactId, slot: &Slot) -> Option<SeenValue<'g>> {
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
