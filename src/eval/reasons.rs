//! Explaining one condition from a profile's truth table: the tests that decided it, and the
//! facts that would decide it if it is undetermined. Rules, actions, the scope and an overlay's
//! services are all explained here, into the evaluation's lists.

use crate::ids::{FactId, NodeId};
use crate::model::arena::Table;
use crate::model::cache::Lists;
use crate::model::guide::Guide;
use crate::model::truth::Truth;
use crate::model::value::Slots;
use crate::result::{Data, ReasonData, Span};

/// What explaining reads: the guide, the profile, and its truth table.
#[derive(Clone, Copy)]
pub(super) struct Explainer<'g, 'a> {
    pub(super) guide: &'g Guide,
    pub(super) slots: &'a Slots,
    pub(super) table: &'a Table,
}

impl Explainer<'_, '_> {
    /// The condition at `root` explained into `data`: the tests that decided it (its reasons)
    /// and, if it is undetermined, the unknown facts that would decide it (ascending), each a
    /// span of `data`'s lists; and its truth.
    pub(super) fn explain(
        &self,
        root: NodeId,
        lists: &mut Lists,
        data: &mut Data,
    ) -> (Truth, Span, Span) {
        let truth = self.visit(root, lists);
        let start = data.reasons.len();
        data.reasons
            .extend(lists.visits.iter().map(|v| ReasonData::from(*v)));
        let reasons = Span::since(start, data.reasons.len());
        (truth, reasons, self.missing_into(truth, lists, data))
    }

    /// The unknown facts that would decide the condition at `root`, into `lists.unknown`
    /// (ascending; none if it is decided); returns its truth.
    pub(super) fn missing(&self, root: NodeId, lists: &mut Lists) -> Truth {
        let truth = self.visit(root, lists);
        if truth == Truth::Unknown {
            lists.unknown.sort_unstable();
            lists.unknown.dedup();
        } else {
            lists.unknown.clear();
        }
        truth
    }

    /// Visits the tests that decided `root`, leaving them in `lists.visits` and their unknown
    /// facts in `lists.unknown`.
    fn visit(&self, root: NodeId, lists: &mut Lists) -> Truth {
        let layers = self.guide.layers();
        lists.visits.clear();
        let truth = layers.explain(root, self.table, &mut lists.visits);
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
    fn missing_into(&self, truth: Truth, lists: &mut Lists, data: &mut Data) -> Span {
        let start = data.facts.len();
        if truth == Truth::Unknown {
            lists.unknown.sort_unstable();
            lists.unknown.dedup();
            data.facts.extend_from_slice(&lists.unknown);
        }
        Span::since(start, data.facts.len())
    }
}

/// Appends to `data`'s facts each of `more` that `span` (the run that ends the list) does not
/// hold yet, and returns the run grown by them.
pub(super) fn extend_facts(data: &mut Data, span: Span, more: &[FactId]) -> Span {
    debug_assert_eq!(span.end(), data.facts.len(), "not the last run of facts");
    for fact in more {
        if !data
            .facts
            .get(span.start()..)
            .unwrap_or_default()
            .contains(fact)
        {
            data.facts.push(*fact);
        }
    }
    Span::since(span.start(), data.facts.len())
}
