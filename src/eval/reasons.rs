//! Explaining one condition from a profile's truth table: the tests that decided it (each with
//! what the profile said of its fact), and the facts that would decide it if it is undetermined.
//! Rules, actions, the scope and an overlay's services are all explained here.

use std::borrow::Cow;

use crate::ids::NodeId;
use crate::model::arena::Table;
use crate::model::cache::Lists;
use crate::model::guide::Guide;
use crate::model::truth::Truth;
use crate::model::value::{FactId, Slot, Slots};
use crate::model::vocabulary::FactType;
use crate::result::{Reason, SeenValue, TestResult};

/// What explaining reads: the guide, the profile, and its truth table.
#[derive(Clone, Copy)]
pub(super) struct Explainer<'g, 'a> {
    pub(super) guide: &'g Guide,
    pub(super) slots: &'a Slots,
    pub(super) table: &'a Table,
}

impl<'g> Explainer<'g, '_> {
    /// The condition at `root` explained into `reasons` (the tests that decided it) and
    /// `missing` (the unknown facts that would decide it, if it is undetermined), reusing both
    /// lists and the values they hold; returns its truth.
    pub(super) fn explain(
        &self,
        root: NodeId,
        lists: &mut Lists,
        reasons: &mut Vec<Reason<'g>>,
        missing: &mut Vec<Cow<'g, str>>,
    ) -> Truth {
        let truth = self.visit(root, lists);
        let vocab = self.guide.vocab();
        let layers = self.guide.layers();
        reasons.truncate(lists.visits.len());
        reasons.reserve_exact(lists.visits.len() - reasons.len());
        for (k, visit) in lists.visits.iter().enumerate() {
            let site = layers.site(visit.site);
            let fact = Cow::Borrowed(vocab.fact_name(site.fact));
            // A test under `not:` is shown as the rule states it: its negation, and whether
            // that holds.
            let test = Cow::Borrowed(site.words(visit.negated));
            let result = TestResult::from_truth(visit.stated());
            let via = visit
                .via
                .and_then(|named| self.guide.named_condition_id(named))
                .map(Cow::Borrowed);
            let slot = self.slots.get(site.fact);
            match reasons.get_mut(k) {
                Some(reason) => {
                    seen_into(self.guide, site.fact, slot, &mut reason.value);
                    (reason.fact, reason.test, reason.result, reason.via) =
                        (fact, test, result, via);
                }
                None => reasons.push(Reason {
                    fact,
                    test,
                    value: seen(self.guide, site.fact, slot),
                    result,
                    via,
                }),
            }
        }
        self.missing_into(truth, lists, missing);
        truth
    }

    /// The unknown facts that would decide the condition at `root`, into `missing`; returns
    /// its truth.
    pub(super) fn missing(
        &self,
        root: NodeId,
        lists: &mut Lists,
        missing: &mut Vec<Cow<'g, str>>,
    ) -> Truth {
        let truth = self.visit(root, lists);
        self.missing_into(truth, lists, missing);
        truth
    }

    /// Visits the tests that decided `root`, leaving them in `lists.visits` and their unknown
    /// facts in `lists.unknown`.
    fn visit(&self, root: NodeId, lists: &mut Lists) -> Truth {
        lists.visits.clear();
        let truth = self
            .guide
            .layers()
            .explain(root, self.table, &mut lists.visits);
        let layers = self.guide.layers();
        lists.unknown.clear();
        lists.unknown.extend(
            lists
                .visits
                .iter()
                .filter(|v| v.truth == Truth::Unknown)
                .map(|v| layers.site(v.site).fact),
        );
        truth
    }

    /// An undecided condition's walk visits exactly its undecided tests; a decided one lists
    /// no missing facts, whatever unknowns it holds.
    fn missing_into(&self, truth: Truth, lists: &mut Lists, missing: &mut Vec<Cow<'g, str>>) {
        missing.clear();
        if truth == Truth::Unknown {
            lists.unknown.sort_unstable();
            lists.unknown.dedup();
            let vocab = self.guide.vocab();
            missing.extend(
                lists
                    .unknown
                    .iter()
                    .map(|id| Cow::Borrowed(vocab.fact_name(*id))),
            );
        }
    }
}

/// The profile's value of `fact` as a reason shows it; `None` when it is unknown.
pub(crate) fn seen<'g>(guide: &'g Guide, fact: FactId, slot: &Slot) -> Option<SeenValue<'g>> {
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

/// The profile's value of `fact` into `value`, reusing a list it holds.
fn seen_into<'g>(guide: &'g Guide, fact: FactId, slot: &Slot, value: &mut Option<SeenValue<'g>>) {
    if let (Slot::Set(mask), Some(SeenValue::List(list))) = (slot, value.as_mut())
        && let Some(FactType::SetOf(values)) = guide.vocab().fact(fact).map(|f| &f.fact_type)
    {
        list.clear();
        list.extend(values.names_in(*mask).map(Cow::Borrowed));
        return;
    }
    *value = seen(guide, fact, slot);
}
