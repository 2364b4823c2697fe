//! What an evaluation holds of a family: typed ids, statuses and spans into flat lists, written
//! by [`crate::eval`] and read through the views of [`super`]. Nothing here is a text: every word
//! a result shows is the guide's, read from the guide the evaluation holds.
//!
//! Every list of a result (its reasons, missing facts, actions, services, deciding values...) is
//! a [`Span`] of one of the flat lists below, so an evaluation is a dozen vectors however many
//! rules it has, and evaluating into an earlier result clears and refills them without
//! allocating once they have grown.

use crate::ids::{FactId, NamedId, ResultRef, RuleId, SiteId};
use crate::model::arena::Visit;
use crate::model::cache::ResultLengths;
use crate::model::value::{Slot, Slots};
use crate::result::{ChangedValue, Status, TestResult};

/// A run `start..end` of one of the flat lists of [`Data`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// The run from `start` to the current end of a list of `len`.
    pub(crate) fn since(start: usize, len: usize) -> Span {
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: at(start),
            end: at(len),
        }
    }

    /// Its elements of `list` (none for a span past the list, which the writers never make).
    pub(crate) fn of<T>(self, list: &[T]) -> &[T] {
        list.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }

    pub(crate) fn start(self) -> usize {
        self.start as usize
    }

    pub(crate) fn end(self) -> usize {
        self.end as usize
    }
}

/// A reason: a test that decided a condition, as a result states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReasonData {
    pub(crate) site: SiteId,
    /// Whether it is shown negated (it stands under an odd number of `not`s).
    pub(crate) negated: bool,
    /// Whether the test as shown held.
    pub(crate) result: TestResult,
    /// The innermost named condition it came from.
    pub(crate) via: Option<NamedId>,
}

impl From<Visit> for ReasonData {
    fn from(visit: Visit) -> ReasonData {
        ReasonData {
            site: visit.site,
            negated: visit.negated,
            result: TestResult::from_truth(visit.stated()),
            via: visit.via,
        }
    }
}

/// One result's status, why, and what remains of it if it is undetermined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub(crate) status: Status,
    pub(crate) reasons: Span,
    /// Facts, of [`Data::facts`].
    pub(crate) missing: Span,
    /// The root of its residual in [`Data::residuals`], when it is undetermined.
    pub(crate) residual: Option<u32>,
    pub(crate) deciding: Span,
}

impl Default for Outcome {
    fn default() -> Outcome {
        Outcome {
            status: Status::Applies,
            reasons: Span::default(),
            missing: Span::default(),
            residual: None,
            deciding: Span::default(),
        }
    }
}

/// A recommendation's or principle's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RuleData {
    pub(crate) rule: RuleId,
    pub(crate) outcome: Outcome,
    pub(crate) actions: Span,
    pub(crate) services: Span,
}

/// A "how" point's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ActionData {
    /// Its position in its rule's actions.
    pub(crate) action: u32,
    pub(crate) outcome: Outcome,
}

/// A local service under a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ServiceData {
    /// The recommendation (by index) and the position of the delivery in the overlay's list of
    /// services delivering it.
    pub(crate) recommendation: u32,
    pub(crate) delivered: u32,
    pub(crate) status: Status,
    pub(crate) reasons: Span,
    /// Facts, of [`Data::facts`], in name order.
    pub(crate) missing: Span,
    pub(crate) flags: Span,
}

/// A fit flag that holds, or may hold: its position in the delivery's possible flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FlagData {
    pub(crate) flag: u32,
    pub(crate) status: Status,
}

/// A node of a residual, in pre-order (negation pushed down to the tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ResidualNode {
    pub(crate) kind: ResidualKind,
    /// One past the last node of its subtree.
    pub(crate) end: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResidualKind {
    All,
    Any,
    Test { site: SiteId, negated: bool },
}

/// The values of one missing fact that would decide a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecidingData {
    pub(crate) fact: FactId,
    /// Values, of [`Data::values`].
    pub(crate) applies_if: Span,
    pub(crate) not_if: Span,
}

/// A question: a fact, what answering it could settle, and the strongest evidence among that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QuestionData {
    pub(crate) fact: FactId,
    /// Of [`Data::settles`].
    pub(crate) settles: Span,
    pub(crate) strongest: Option<usize>,
}

/// The smallest changes of the profile under which a result would apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChangeData {
    pub(crate) item: ResultRef,
    pub(crate) never: bool,
    pub(crate) alternatives: Vec<Vec<(FactId, ChangedValue)>>,
    pub(crate) more: bool,
}

/// Everything an evaluation says of a family.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Data {
    /// The family's values, as bound: what its reasons show.
    pub(crate) slots: Slots,
    pub(crate) scope: Outcome,
    /// The recommendations kept, in the order results are read, then the principles kept.
    pub(crate) rules: Vec<RuleData>,
    /// How many of `rules` are recommendations.
    pub(crate) recommendations: usize,
    pub(crate) reasons: Vec<ReasonData>,
    pub(crate) facts: Vec<FactId>,
    pub(crate) actions: Vec<ActionData>,
    pub(crate) services: Vec<ServiceData>,
    pub(crate) flags: Vec<FlagData>,
    pub(crate) residuals: Vec<ResidualNode>,
    pub(crate) deciding: Vec<DecidingData>,
    pub(crate) values: Vec<Slot>,
    pub(crate) questions: Vec<QuestionData>,
    pub(crate) settles: Vec<ResultRef>,
    /// Filled only by the exact analysis's counterfactuals.
    pub(crate) changes: Vec<ChangeData>,
}

impl Data {
    /// An empty result whose lists are allocated at `lengths` (those of an earlier result):
    /// one allocation each instead of a run of reallocations as they grow.
    pub(crate) fn with_lengths(lengths: &ResultLengths) -> Data {
        let [
            rules,
            reasons,
            facts,
            actions,
            services,
            flags,
            residuals,
            deciding,
            values,
            questions,
            settles,
        ] = *lengths;
        Data {
            rules: Vec::with_capacity(rules),
            reasons: Vec::with_capacity(reasons),
            facts: Vec::with_capacity(facts),
            actions: Vec::with_capacity(actions),
            services: Vec::with_capacity(services),
            flags: Vec::with_capacity(flags),
            residuals: Vec::with_capacity(residuals),
            deciding: Vec::with_capacity(deciding),
            values: Vec::with_capacity(values),
            questions: Vec::with_capacity(questions),
            settles: Vec::with_capacity(settles),
            ..Data::default()
        }
    }

    /// The lengths of its lists, for [`Data::with_lengths`].
    pub(crate) fn lengths(&self) -> ResultLengths {
        [
            self.rules.len(),
            self.reasons.len(),
            self.facts.len(),
            self.actions.len(),
            self.services.len(),
            self.flags.len(),
            self.residuals.len(),
            self.deciding.len(),
            self.values.len(),
            self.questions.len(),
            self.settles.len(),
        ]
    }

    /// Empties every list, keeping their allocations.
    pub(crate) fn clear(&mut self) {
        let Data {
            slots: _,
            scope,
            rules,
            recommendations,
            reasons,
            facts,
            actions,
            services,
            flags,
            residuals,
            deciding,
            values,
            questions,
            settles,
            changes,
        } = self;
        *scope = Outcome::default();
        *recommendations = 0;
        rules.clear();
        reasons.clear();
        facts.clear();
        actions.clear();
        services.clear();
        flags.clear();
        residuals.clear();
        deciding.clear();
        values.clear();
        questions.clear();
        settles.clear();
        changes.clear();
    }
}
