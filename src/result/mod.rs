//! Every public result type: what an evaluation says of a family, rule by rule.
//!
//! An [`Evaluation`] owns what it says of the family (statuses, which tests decided them, what is
//! still open, as typed ids into the guide) and holds the guide that produced it, so it has no
//! lifetime: a service returns it, sends it to another thread or stores it as it is, and
//! evaluating copies none of the guide's texts. Its parts are read through views that borrow it
//! ([`RuleResult`], [`Reason`], [`ServiceResult`], ...) and answer in the guide's words.
//!
//! An evaluation serializes with serde to the JSON that `schema/evaluation.schema.json` describes,
//! written straight from the guide's texts and the family's values;
//! [`Evaluation::write_json`] writes the same bytes faster, from fragments rendered when the guide
//! loaded.

use serde::{Deserialize, Serialize};

use crate::ids::RuleId;
use crate::model::cache::ResultLengths;
use crate::model::guide::{EvidenceLevel, Guide};
use crate::model::overlay::{FitAspect, Overlay, Referral, Service};
use crate::model::rule::{Action, Rule, RuleKind, Source};
use crate::model::truth::Truth;
use crate::model::value::Slot;
use crate::model::vocabulary::FactType;
use crate::profile::FactValue;

mod data;
mod open;
#[cfg(any(test, feature = "schema"))]
pub(crate) mod shape;
mod json;
mod compact;

pub use compact::{
    CompactAction, CompactEvaluation, CompactFlag, CompactOverlay, CompactReason, CompactRule,
    CompactScope, CompactService, CompactStamp,
};
#[cfg(feature = "analysis")]
pub(crate) use data::ChangeData;
pub(crate) use data::{
    ActionData, Data, DecidingData, FlagData, Outcome, QuestionData, ReasonData, ResidualKind,
    ResidualNode, RuleData, ServiceData, Span,
};
pub(crate) use json::{core_fragments, overlay_fragments};
pub use open::{
    Change, ChangedValue, Deciding, FactChange, MAX_ALTERNATIVES, Parts, Question, Residual,
    ResidualTest, ResultName,
};

/// Whether a rule applies to a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The rule's condition holds on what is known.
    Applies,
    /// The condition depends on facts the profile does not give; `missing` lists them.
    Undetermined,
    /// The condition does not hold, whatever the unknown facts are.
    DoesNotApply,
}

impl Status {
    pub(crate) fn from_truth(truth: Truth) -> Status {
        match truth {
            Truth::True => Status::Applies,
            Truth::Unknown => Status::Undetermined,
            Truth::False => Status::DoesNotApply,
        }
    }

    /// The status as rule files, case files and JSON write it: `applies`, `undetermined`,
    /// `does_not_apply`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applies => "applies",
            Status::Undetermined => "undetermined",
            Status::DoesNotApply => "does_not_apply",
        }
    }

    /// The status named `word` (as [`Status::as_str`] writes it), if any.
    pub fn parse(word: &str) -> Option<Status> {
        [Status::Applies, Status::Undetermined, Status::DoesNotApply]
            .into_iter()
            .find(|s| s.as_str() == word)
    }
}

/// The outcome of one test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TestResult {
    /// The test held.
    True,
    /// The test did not hold.
    False,
    /// The fact is unknown.
    Unknown,
}

impl TestResult {
    pub(crate) fn from_truth(truth: Truth) -> TestResult {
        match truth {
            Truth::True => TestResult::True,
            Truth::False => TestResult::False,
            Truth::Unknown => TestResult::Unknown,
        }
    }

    /// `true`, `false` or `unknown`, as JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            TestResult::True => "true",
            TestResult::False => "false",
            TestResult::Unknown => "unknown",
        }
    }
}

/// The result of evaluating one profile against a guide: the scope, then every recommendation
/// and principle (applying first, then by evidence strength, strongest first, then in guide
/// order), with the questions worth asking next.
///
/// An evaluation holds the guide that produced it (cheaply: the guide's parts are shared), so it
/// has no lifetime and needs nothing else to be read, serialized or sent.
///
/// ```
/// use practice_guide::{FamilyProfile, Status};
/// let guide = practice_guide::parenting_through_adversity();
/// let evaluation = guide.evaluate(
///     &FamilyProfile::new()
///         .with("children_ages", ["age_2"])
///         .with("service_level", "edge_of_care")
///         .with("adversities", ["substance_misuse"]),
/// )?;
/// assert_eq!(evaluation.scope().status(), Status::Applies);
/// for rec in evaluation.recommendations().filter(|r| r.status() == Status::Applies) {
///     println!("{} ({})", rec.title(), rec.evidence().unwrap().label);
///     for reason in rec.reasons() {
///         println!("  because {} ({:?})", reason.test(), reason.result());
///     }
/// }
/// let json = serde_json::to_string(&evaluation).unwrap();
/// assert!(json.contains("\"content_hash\""));
/// # Ok::<(), practice_guide::Error>(())
/// ```
#[derive(Clone)]
pub struct Evaluation {
    guide: Guide,
    pub(crate) data: Data,
}

/// A view is shown by what it says, not by the evaluation it borrows.
macro_rules! debug_view {
    ($view:ident { $($field:ident),* }) => {
        impl std::fmt::Debug for $view<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($view))
                    $(.field(stringify!($field), &self.$field()))*
                    .finish()
            }
        }
    };
}
pub(crate) use debug_view;

debug_view!(ScopeResult { status });
debug_view!(RuleResult { id, status });
debug_view!(ActionResult { id, status });
debug_view!(Reason {
    test,
    value,
    result
});
debug_view!(ServiceResult { id, status });
debug_view!(FitFlag { message, status });

impl std::fmt::Debug for ValueList<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl std::fmt::Debug for Evaluation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluation")
            .field("guide", &self.guide.id())
            .field("scope", &self.scope())
            .field("rules", &self.rules().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl PartialEq for Evaluation {
    /// Two evaluations are equal when the same guide (not a copy of its files: the same loaded
    /// guide) said the same of the family.
    fn eq(&self, other: &Evaluation) -> bool {
        self.guide.same_as(&other.guide) && self.data == other.data
    }
}

impl Evaluation {
    /// An empty evaluation by `guide`, to be written by the evaluator.
    /// An evaluation by `guide` with nothing in it yet, its lists allocated at `lengths`.
    pub(crate) fn with_lengths(guide: &Guide, lengths: &ResultLengths) -> Evaluation {
        Evaluation {
            guide: guide.clone(),
            data: Data::with_lengths(lengths),
        }
    }

    /// Makes `guide` the one that produced this evaluation (a clone only when it is another).
    pub(crate) fn set_guide(&mut self, guide: &Guide) {
        if !self.guide.same_as(guide) {
            self.guide = guide.clone();
        }
    }

    /// The guide (and overlay) that produced the evaluation: its id, version and content hash
    /// say exactly which rules these are.
    pub fn guide(&self) -> &Guide {
        &self.guide
    }

    /// The local offer (overlay) that contributed services, if the guide was loaded with one.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.guide.overlay()
    }

    /// Whether the family is within the guide's scope.
    pub fn scope(&self) -> ScopeResult<'_> {
        ScopeResult {
            evaluation: self,
            outcome: &self.data.scope,
        }
    }

    /// The recommendations kept (by a filter, if any): applying first, then by evidence
    /// strength (strongest first), then in guide order.
    pub fn recommendations(&self) -> impl ExactSizeIterator<Item = RuleResult<'_>> + Clone {
        let rules = self.data.rules.get(..self.data.recommendations);
        self.rule_results(rules.unwrap_or_default())
    }

    /// The key principles kept, in the same order.
    pub fn principles(&self) -> impl ExactSizeIterator<Item = RuleResult<'_>> + Clone {
        let rules = self.data.rules.get(self.data.recommendations..);
        self.rule_results(rules.unwrap_or_default())
    }

    /// The recommendations, then the principles.
    pub fn rules(&self) -> impl ExactSizeIterator<Item = RuleResult<'_>> + Clone {
        self.rule_results(&self.data.rules)
    }

    /// The result of the recommendation or principle `id`, if the evaluation has one (a filter
    /// may have left it out).
    ///
    /// ```
    /// use practice_guide::{FamilyProfile, Status};
    /// let guide = practice_guide::parenting_through_adversity();
    /// let family = FamilyProfile::new()
    ///     .with("children_ages", ["age_12"])
    ///     .with("expecting_baby", false); // outside the guide's scope
    /// let evaluation = guide.evaluate(&family)?;
    /// let rule = evaluation.rule("reduce-risk-of-harm").unwrap();
    /// assert_eq!(rule.status(), Status::DoesNotApply);
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn rule(&self, id: &str) -> Option<RuleResult<'_>> {
        self.rules().find(|r| r.id() == id)
    }

    fn rule_results<'e>(
        &'e self,
        rules: &'e [RuleData],
    ) -> impl ExactSizeIterator<Item = RuleResult<'e>> + Clone + use<'e> {
        rules.iter().map(move |data| RuleResult {
            evaluation: self,
            data,
        })
    }

    /// The unknown facts worth asking about next, most useful first: what answering each could
    /// decide among the undetermined results. None when nothing is open.
    pub fn questions(&self) -> impl ExactSizeIterator<Item = Question<'_>> + Clone {
        self.data.questions.iter().map(move |data| Question {
            evaluation: self,
            data,
        })
    }

    /// For each recommendation, principle and action that does not apply (actions of rules that
    /// apply or are undetermined), the smallest changes of the profile under which it would.
    /// Made only by the exact analysis (`analysis::Counterfactuals`, feature `analysis`); none
    /// otherwise.
    pub fn changes(&self) -> impl ExactSizeIterator<Item = Change<'_>> + Clone {
        self.data.changes.iter().map(move |data| Change {
            evaluation: self,
            data,
        })
    }

    /// The guide's words for a fact's name.
    fn fact_name(&self, fact: crate::ids::FactId) -> &str {
        self.guide.vocab().fact_name(fact)
    }

    /// The reasons of a span.
    fn reasons(&self, span: Span) -> impl ExactSizeIterator<Item = Reason<'_>> + Clone {
        span.of(&self.data.reasons).iter().map(move |data| Reason {
            evaluation: self,
            data: *data,
        })
    }

    /// The fact names of a span.
    fn facts(&self, span: Span) -> impl ExactSizeIterator<Item = &str> + Clone {
        span.of(&self.data.facts)
            .iter()
            .map(move |fact| self.fact_name(*fact))
    }

    /// The residual rooted at `root`, if any.
    fn residual(&self, root: Option<u32>) -> Option<Residual<'_>> {
        root.map(|at| Residual::at(self, at))
    }

    fn deciding(&self, span: Span) -> impl ExactSizeIterator<Item = Deciding<'_>> + Clone {
        span.of(&self.data.deciding)
            .iter()
            .map(move |data| Deciding {
                evaluation: self,
                data,
            })
    }

    /// A value as a result shows it.
    fn seen<'e>(&'e self, fact: crate::ids::FactId, slot: &'e Slot) -> Option<SeenValue<'e>> {
        let fact_type = &self.guide.vocab().fact(fact)?.fact_type;
        Some(match (slot, fact_type) {
            (Slot::Unknown, _) => return None,
            (Slot::Bool(b), _) => SeenValue::Bool(*b),
            (Slot::Int(i), _) => SeenValue::Integer(*i),
            (Slot::Choice(bit), FactType::OneOf(values)) => SeenValue::Text(values.name(*bit)),
            (Slot::Set(mask), FactType::SetOf(values)) => SeenValue::List(ValueList {
                values,
                mask: *mask,
            }),
            (Slot::Text(t), _) => SeenValue::Text(t),
            _ => return None,
        })
    }
}

/// Whether the family is within the guide's scope: a view of an [`Evaluation`].
#[derive(Clone, Copy)]
pub struct ScopeResult<'e> {
    evaluation: &'e Evaluation,
    outcome: &'e Outcome,
}

impl<'e> ScopeResult<'e> {
    /// `Applies` when in scope; `DoesNotApply` when outside it (every rule then does not apply);
    /// `Undetermined` when facts the scope depends on are unknown.
    pub fn status(&self) -> Status {
        self.outcome.status
    }

    /// The guide's description of its scope ("every family" when it has none).
    pub fn description(&self) -> &'e str {
        self.evaluation
            .guide
            .core
            .scope
            .as_ref()
            .map_or("every family", |s| s.description.as_str())
    }

    /// The tests that decided it.
    pub fn reasons(&self) -> impl ExactSizeIterator<Item = Reason<'e>> + Clone + use<'e> {
        self.evaluation.reasons(self.outcome.reasons)
    }

    /// The unknown facts that would decide it.
    pub fn missing(&self) -> impl ExactSizeIterator<Item = &'e str> + Clone + use<'e> {
        self.evaluation.facts(self.outcome.missing)
    }

    /// When undetermined, what remains of the scope once the known facts are substituted.
    pub fn residual(&self) -> Option<Residual<'e>> {
        self.evaluation.residual(self.outcome.residual)
    }

    /// When undetermined, the values of each missing fact that would decide it.
    pub fn deciding(&self) -> impl ExactSizeIterator<Item = Deciding<'e>> + Clone + use<'e> {
        self.evaluation.deciding(self.outcome.deciding)
    }
}

/// The result for one recommendation or principle: a view of an [`Evaluation`].
#[derive(Clone, Copy)]
pub struct RuleResult<'e> {
    evaluation: &'e Evaluation,
    data: &'e RuleData,
}

impl<'e> RuleResult<'e> {
    /// The rule, as the guide defines it.
    pub fn rule(&self) -> &'e Rule {
        self.evaluation.guide.core.rule(self.data.rule)
    }

    #[cfg(feature = "analysis")]
    pub(crate) fn rule_id(&self) -> RuleId {
        self.data.rule
    }

    /// The rule's id.
    pub fn id(&self) -> &'e str {
        &self.rule().id
    }

    /// Recommendation or principle.
    pub fn kind(&self) -> RuleKind {
        self.rule().kind
    }

    /// The rule's title.
    pub fn title(&self) -> &'e str {
        &self.rule().title
    }

    /// The rule's statement.
    pub fn statement(&self) -> &'e str {
        &self.rule().statement
    }

    /// Whether it applies.
    pub fn status(&self) -> Status {
        self.data.outcome.status
    }

    /// The evidence level (recommendations only).
    pub fn evidence(&self) -> Option<&'e EvidenceLevel> {
        let rank = self.rule().evidence?;
        self.evaluation.guide.core.evidence.get(rank)
    }

    /// The evidence level's position on the guide's scale: 0 is the strongest.
    pub fn evidence_rank(&self) -> Option<usize> {
        self.evidence().and(self.rule().evidence)
    }

    /// The tests that decided the status, with the values the profile gave.
    pub fn reasons(&self) -> impl ExactSizeIterator<Item = Reason<'e>> + Clone + use<'e> {
        self.evaluation.reasons(self.data.outcome.reasons)
    }

    /// For an undetermined rule, the unknown facts that would decide it.
    pub fn missing(&self) -> impl ExactSizeIterator<Item = &'e str> + Clone + use<'e> {
        self.evaluation.facts(self.data.outcome.missing)
    }

    /// For an undetermined rule, the condition (with the scope's) that remains once the known
    /// facts are substituted: "would apply if ...".
    pub fn residual(&self) -> Option<Residual<'e>> {
        self.evaluation.residual(self.data.outcome.residual)
    }

    /// For an undetermined rule, for each missing fact, the values that would decide it (with
    /// the other facts as they are).
    pub fn deciding(&self) -> impl ExactSizeIterator<Item = Deciding<'e>> + Clone + use<'e> {
        self.evaluation.deciding(self.data.outcome.deciding)
    }

    /// The rule's "how" points that apply (or are undetermined) for this family; none when the
    /// rule itself does not apply.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = ActionResult<'e>> + Clone + use<'e> {
        let (evaluation, rule) = (self.evaluation, self.data.rule);
        let actions = self.data.actions.of(&evaluation.data.actions).iter();
        actions.map(move |data| ActionResult {
            evaluation,
            rule,
            data,
        })
    }

    /// For a recommendation, the ids of its principles; for a principle, of the
    /// recommendations linking to it.
    pub fn links(&self) -> impl ExactSizeIterator<Item = &'e str> + Clone + use<'e> {
        self.rule().links()
    }

    /// The ids of the outcomes the rule targets.
    pub fn outcomes(&self) -> impl ExactSizeIterator<Item = &'e str> + Clone + use<'e> {
        self.rule().outcomes()
    }

    /// The ids of the audiences it is written for.
    pub fn audiences(&self) -> impl ExactSizeIterator<Item = &'e str> + Clone + use<'e> {
        self.rule().audiences()
    }

    /// Why the guide makes it.
    pub fn why(&self) -> impl ExactSizeIterator<Item = &'e str> + Clone + use<'e> {
        self.rule().why()
    }

    /// Where it comes from.
    pub fn sources(&self) -> &'e [Source] {
        &self.rule().sources
    }

    /// For a recommendation that applies or is undetermined, the local services (of the guide's
    /// overlay) that deliver it and the family may be eligible for: eligible first, then
    /// undetermined, each in the overlay's order.
    pub fn services(&self) -> impl Iterator<Item = ServiceResult<'e>> + Clone + use<'e> {
        let evaluation = self.evaluation;
        let services = self.data.services.of(&evaluation.data.services);
        let overlay = evaluation.guide.overlay();
        overlay.into_iter().flat_map(move |overlay| {
            services.iter().map(move |data| ServiceResult {
                evaluation,
                overlay,
                data,
            })
        })
    }
}

/// One "how" point of a rule and whether it applies to this family: a view of an
/// [`Evaluation`].
#[derive(Clone, Copy)]
pub struct ActionResult<'e> {
    evaluation: &'e Evaluation,
    rule: RuleId,
    data: &'e ActionData,
}

impl<'e> ActionResult<'e> {
    /// The "how" point, as the guide defines it.
    pub fn action(&self) -> &'e Action {
        let rule = self.evaluation.guide.core.rule(self.rule);
        rule.action(self.data.action as usize)
    }

    #[cfg(feature = "analysis")]
    pub(crate) fn action_ref(&self) -> crate::ids::ActionRef {
        crate::ids::ActionRef::new(self.rule, self.data.action as usize)
    }

    /// The point's id, unique within its rule.
    pub fn id(&self) -> &'e str {
        &self.action().id
    }

    /// What to do.
    pub fn text(&self) -> &'e str {
        &self.action().text
    }

    /// For whom (audience ids).
    pub fn audiences(&self) -> impl ExactSizeIterator<Item = &'e str> + Clone + use<'e> {
        self.action().audiences()
    }

    /// `Applies` or `Undetermined` (actions that do not apply are left out).
    pub fn status(&self) -> Status {
        self.data.outcome.status
    }

    /// The tests of the action's own condition that decided it (none if it has no condition).
    pub fn reasons(&self) -> impl ExactSizeIterator<Item = Reason<'e>> + Clone + use<'e> {
        self.evaluation.reasons(self.data.outcome.reasons)
    }

    /// Unknown facts that would decide an undetermined action.
    pub fn missing(&self) -> impl ExactSizeIterator<Item = &'e str> + Clone + use<'e> {
        self.evaluation.facts(self.data.outcome.missing)
    }

    /// For an undetermined action, what remains of its condition and its rule's (with the
    /// scope's) once the known facts are substituted.
    pub fn residual(&self) -> Option<Residual<'e>> {
        self.evaluation.residual(self.data.outcome.residual)
    }

    /// For an undetermined action, the values of each missing fact that would decide it.
    pub fn deciding(&self) -> impl ExactSizeIterator<Item = Deciding<'e>> + Clone + use<'e> {
        self.evaluation.deciding(self.data.outcome.deciding)
    }
}

/// One test that decided a status, and what the profile said: a view of an [`Evaluation`].
#[derive(Clone, Copy)]
pub struct Reason<'e> {
    evaluation: &'e Evaluation,
    data: ReasonData,
}

impl<'e> Reason<'e> {
    fn site(&self) -> &'e crate::model::arena::Site {
        self.evaluation.guide.layers().site(self.data.site)
    }

    /// The fact tested.
    pub fn fact(&self) -> &'e str {
        self.evaluation.fact_name(self.site().fact)
    }

    /// The test, in words, as the rule states it (a test under `not:` negated):
    /// `service_level is one of family_help, edge_of_care`.
    pub fn test(&self) -> &'e str {
        self.site().words(self.data.negated)
    }

    /// The profile's value of the fact; `None` when unknown.
    pub fn value(&self) -> Option<SeenValue<'e>> {
        let fact = self.site().fact;
        let evaluation = self.evaluation;
        evaluation.seen(fact, evaluation.data.slots.get(fact))
    }

    /// Whether the test (as stated) held: true, false or unknown.
    pub fn result(&self) -> TestResult {
        self.data.result
    }

    /// The named condition the test belongs to, if any.
    pub fn via(&self) -> Option<&'e str> {
        let via = self.data.via?;
        self.evaluation.guide.named_condition_id(via)
    }
}

/// A profile value as a reason (or a deciding value) shows it: serialized as plain JSON
/// (`true`, `4`, `"family_help"`, `["poverty"]`).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum SeenValue<'e> {
    /// A boolean fact's value.
    Bool(bool),
    /// An integer fact's value.
    Integer(i64),
    /// A one-of or text fact's value.
    Text(&'e str),
    /// A set-of fact's values.
    List(ValueList<'e>),
}

impl SeenValue<'_> {
    /// The value as a profile gives it.
    pub fn to_fact_value(&self) -> FactValue {
        match self {
            SeenValue::Bool(b) => FactValue::Bool(*b),
            SeenValue::Integer(i) => FactValue::Integer(*i),
            SeenValue::Text(t) => FactValue::Text((*t).to_owned()),
            SeenValue::List(list) => FactValue::List(list.iter().map(str::to_owned).collect()),
        }
    }
}

impl PartialEq for SeenValue<'_> {
    fn eq(&self, other: &SeenValue<'_>) -> bool {
        match (self, other) {
            (SeenValue::Bool(a), SeenValue::Bool(b)) => a == b,
            (SeenValue::Integer(a), SeenValue::Integer(b)) => a == b,
            (SeenValue::Text(a), SeenValue::Text(b)) => a == b,
            (SeenValue::List(a), SeenValue::List(b)) => a.iter().eq(b.iter()),
            _ => false,
        }
    }
}

impl PartialEq<FactValue> for SeenValue<'_> {
    fn eq(&self, other: &FactValue) -> bool {
        match (self, other) {
            (SeenValue::Bool(a), FactValue::Bool(b)) => a == b,
            (SeenValue::Integer(a), FactValue::Integer(b)) => a == b,
            (SeenValue::Text(a), FactValue::Text(b)) => a == b,
            (SeenValue::List(a), FactValue::List(b)) => a.iter().eq(b.iter().map(String::as_str)),
            _ => false,
        }
    }
}

/// The values of a set-of fact that hold, in the order the fact declares them.
#[derive(Clone, Copy)]
pub struct ValueList<'e> {
    values: &'e crate::model::vocabulary::Values,
    mask: u128,
}

impl<'e> ValueList<'e> {
    /// The values' names.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'e str> + Clone + use<'e> {
        let (values, mask) = (self.values, self.mask);
        let len = mask.count_ones() as usize;
        ExactLen {
            inner: values.names_in(mask),
            len,
        }
    }

    /// How many values hold.
    pub fn len(&self) -> usize {
        self.mask.count_ones() as usize
    }

    /// Whether none does.
    pub fn is_empty(&self) -> bool {
        self.mask == 0
    }
}

/// An iterator of known length.
#[derive(Clone)]
struct ExactLen<I> {
    inner: I,
    len: usize,
}

impl<I: Iterator> Iterator for ExactLen<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let item = self.inner.next()?;
        self.len = self.len.saturating_sub(1);
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

impl<I: Iterator> ExactSizeIterator for ExactLen<I> {}

/// A local service the family may be referred to, under a recommendation it delivers: a view of
/// an [`Evaluation`].
#[derive(Clone, Copy)]
pub struct ServiceResult<'e> {
    evaluation: &'e Evaluation,
    overlay: &'e Overlay,
    data: &'e ServiceData,
}

impl<'e> ServiceResult<'e> {
    fn delivered(&self) -> &'e crate::model::overlay::Delivered {
        let data = self.data;
        (self.overlay).delivered(data.recommendation as usize, data.delivered as usize)
    }

    /// The service, as the overlay defines it.
    pub fn service(&self) -> &'e Service {
        self.overlay.service(self.delivered().service)
    }

    /// The service's id.
    pub fn id(&self) -> &'e str {
        &self.service().id
    }

    /// The service's name.
    pub fn name(&self) -> &'e str {
        &self.service().name
    }

    /// What it offers.
    pub fn description(&self) -> &'e str {
        &self.service().description
    }

    /// `Applies`: the family is eligible; `Undetermined`: eligibility (or the recommendation)
    /// depends on facts the profile does not give. Services that do not apply are left out.
    pub fn status(&self) -> Status {
        self.data.status
    }

    /// How it is delivered.
    pub fn delivery(&self) -> crate::language::Delivery {
        self.service().delivery
    }

    /// Group or individual.
    pub fn format(&self) -> crate::language::Format {
        self.service().format
    }

    /// Fixed or flexible.
    pub fn structure(&self) -> crate::language::Structure {
        self.service().structure
    }

    /// The ages it is for, in words.
    pub fn ages(&self) -> &'e str {
        &self.service().ages
    }

    /// The recommendation's "how" point it delivers, when it delivers one rather than the whole
    /// recommendation.
    pub fn action(&self) -> Option<&'e Action> {
        let recommendations = &self.evaluation.guide.core.recommendations;
        let rule = recommendations.get(self.data.recommendation as usize)?;
        rule.actions.get(self.delivered().action?)
    }

    /// The tests of its ages and eligibility that decided the status.
    pub fn reasons(&self) -> impl ExactSizeIterator<Item = Reason<'e>> + Clone + use<'e> {
        self.evaluation.reasons(self.data.reasons)
    }

    /// For an undetermined service, the unknown facts that would decide it, in name order.
    pub fn missing(&self) -> impl ExactSizeIterator<Item = &'e str> + Clone + use<'e> {
        self.evaluation.facts(self.data.missing)
    }

    /// How to refer, and whom to contact.
    pub fn referral(&self) -> &'e Referral {
        &self.service().referral
    }

    /// Where the service does not fit what the guide says; none when it fits.
    pub fn flags(&self) -> impl ExactSizeIterator<Item = FitFlag<'e>> + Clone + use<'e> {
        let (evaluation, delivered) = (self.evaluation, self.delivered());
        let flags = self.data.flags.of(&evaluation.data.flags).iter();
        flags.map(move |data| FitFlag {
            evaluation,
            possible: delivered.flag(data.flag as usize),
            status: data.status,
        })
    }
}

/// A way a service does not fit what the guide says, with the guide's words and sources: a view
/// of an [`Evaluation`].
#[derive(Clone, Copy)]
pub struct FitFlag<'e> {
    evaluation: &'e Evaluation,
    possible: &'e crate::model::overlay::PossibleFlag,
    status: Status,
}

impl<'e> FitFlag<'e> {
    /// The aspect that does not fit.
    pub fn aspect(&self) -> FitAspect {
        self.possible.aspect
    }

    /// The service's value of it, e.g. `online`.
    pub fn offered(&self) -> &'static str {
        self.possible.offered
    }

    /// The values the guide's words fit, e.g. `face_to_face`.
    pub fn fits(&self) -> impl ExactSizeIterator<Item = &'e str> + Clone + use<'e> {
        self.possible.fits.iter().map(AsRef::as_ref)
    }

    /// `Applies` when what the guide says holds for this family and the family is eligible for
    /// the service; `Undetermined` when either depends on facts the profile does not give.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The recommendation or principle whose words these are.
    pub fn rule(&self) -> &'e Rule {
        self.evaluation.guide.core.rule(self.possible.owner)
    }

    /// The words: the "how" point's text, or the rule's statement.
    pub fn says(&self) -> &'e str {
        let rule = self.rule();
        match self.possible.action.and_then(|i| rule.actions.get(i)) {
            Some(action) => &action.text,
            None => &rule.statement,
        }
    }

    /// The flag in one sentence, citing the rule and its words: for example, online delivery,
    /// where the guide's words fit face-to-face: principle `programme-design` says "Prioritise
    /// face-to-face support."
    pub fn message(&self) -> &'e str {
        &self.possible.message
    }

    /// Where the words come from (the rule's sources).
    pub fn sources(&self) -> &'e [Source] {
        &self.rule().sources
    }
}
