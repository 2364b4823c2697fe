//! Every public result type: what an evaluation says of a family, rule by rule.
//!
//! Results borrow the guide's text (`Cow::Borrowed`), so evaluating copies no statements; they
//! serialize to JSON with serde and deserialize back as owned values. [`Evaluation::into_owned`]
//! detaches a result from its guide (to return it from a server's handler, say). Every struct is
//! `#[non_exhaustive]`: fields are only ever added.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::language::{Delivery, Format, Structure};
use crate::model::overlay::{FitAspect, Referral};
use crate::model::rule::{RuleKind, Source};
use crate::model::truth::Truth;

mod compact;
mod open;
mod owned;

pub use compact::{
    CompactAction, CompactEvaluation, CompactFlag, CompactOverlay, CompactRule, CompactScope,
    CompactService, CompactStamp, Names,
};
pub use open::{
    Change, ChangedValue, Deciding, FactChange, MAX_ALTERNATIVES, Question, Residual, ResidualTest,
};

/// A list of ids or texts in a result: borrowed from the guide when evaluating (so evaluating
/// copies none of them), owned when read back from JSON. Serialized as a plain list of strings.
pub type Texts<'g> = Cow<'g, [Cow<'static, str>]>;

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

/// The result of evaluating one profile against a guide.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Evaluation<'g> {
    /// Which guide and which encoding of it produced this result.
    pub guide: GuideStamp<'g>,
    /// Whether the family is within the guide's scope.
    pub scope: ScopeResult<'g>,
    /// Recommendations: applying first, then by evidence strength (strongest first), then in
    /// guide order.
    pub recommendations: Vec<RuleResult<'g>>,
    /// Key principles, in the same order.
    pub principles: Vec<RuleResult<'g>>,
    /// The local offer (overlay) that contributed services, if the guide was loaded with one.
    /// Absent from the JSON when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlay: Option<OverlayStamp<'g>>,
    /// The unknown facts worth asking about next, most useful first: what answering each could
    /// decide among the undetermined results. Absent from the JSON when nothing is open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<Question<'g>>,
    /// For each recommendation, principle and action that does not apply (actions of rules that
    /// apply or are undetermined), the smallest changes of the profile under which it would.
    /// Filled in only by the exact analysis (`Guide::counterfactuals`, feature `analysis`);
    /// absent from the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change<'g>>,
}

impl Evaluation<'_> {
    /// The same evaluation, owning all of its text, so that it can outlive the guide (be
    /// returned from a server's handler, sent to another thread, stored).
    ///
    /// ```
    /// use practice_guide::{Evaluation, FamilyProfile};
    /// fn evaluate(family: &FamilyProfile) -> Evaluation<'static> {
    ///     let guide = practice_guide::Guide::from_dir("rules/parenting-through-adversity-0-10")
    ///         .expect("valid rules");
    ///     guide.evaluate(family).expect("a valid profile").into_owned()
    /// }
    /// let evaluation = evaluate(&FamilyProfile::new().with("children_ages", ["age_3"]));
    /// assert_eq!(evaluation.guide.id, "parenting-through-adversity-0-10");
    /// ```
    pub fn into_owned(self) -> Evaluation<'static> {
        Evaluation {
            guide: self.guide.into_owned(),
            scope: self.scope.into_owned(),
            recommendations: self
                .recommendations
                .into_iter()
                .map(RuleResult::into_owned)
                .collect(),
            principles: self
                .principles
                .into_iter()
                .map(RuleResult::into_owned)
                .collect(),
            overlay: self.overlay.map(OverlayStamp::into_owned),
            questions: self
                .questions
                .into_iter()
                .map(Question::into_owned)
                .collect(),
            changes: self.changes.into_iter().map(Change::into_owned).collect(),
        }
    }
}

/// Identifies the rules that produced an evaluation.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GuideStamp<'g> {
    /// The guide's id.
    pub id: Cow<'g, str>,
    /// The guide's title.
    pub title: Cow<'g, str>,
    /// The version of this encoding.
    pub version: Cow<'g, str>,
    /// `sha256:…` of the rule files.
    pub content_hash: Cow<'g, str>,
}

/// Whether the family is within the guide's scope.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScopeResult<'g> {
    /// `applies` when in scope; `does_not_apply` when outside it (every rule then does not apply);
    /// `undetermined` when facts the scope depends on are unknown.
    pub status: Status,
    /// The guide's description of its scope.
    pub description: Cow<'g, str>,
    /// The tests that decided it.
    pub reasons: Vec<Reason<'g>>,
    /// The unknown facts that would decide it.
    pub missing: Vec<Cow<'g, str>>,
    /// When undetermined, what remains of the scope once the known facts are substituted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual: Option<Residual<'g>>,
    /// When undetermined, the values of each missing fact that would decide it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deciding: Vec<Deciding<'g>>,
}

/// The result for one recommendation or principle.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RuleResult<'g> {
    /// The rule's id.
    pub id: Cow<'g, str>,
    /// Recommendation or principle.
    pub kind: RuleKind,
    /// The rule's title.
    pub title: Cow<'g, str>,
    /// The rule's statement.
    pub statement: Cow<'g, str>,
    /// Whether it applies.
    pub status: Status,
    /// The evidence level (recommendations only).
    pub evidence: Option<EvidenceRef<'g>>,
    /// The tests that decided the status, with the values the profile gave.
    pub reasons: Vec<Reason<'g>>,
    /// For an undetermined rule, the unknown facts that would decide it.
    pub missing: Vec<Cow<'g, str>>,
    /// For an undetermined rule, the condition (with the scope's) that remains once the known
    /// facts are substituted: "would apply if ...". Absent from the JSON otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual: Option<Residual<'g>>,
    /// For an undetermined rule, for each missing fact, the values that would decide it (with
    /// the other facts as they are). Absent from the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deciding: Vec<Deciding<'g>>,
    /// The rule's "how" points that apply (or are undetermined) for this family; none when the
    /// rule itself does not apply.
    pub actions: Vec<ActionResult<'g>>,
    /// For a recommendation, its principles; for a principle, the recommendations linking to it.
    pub links: Texts<'g>,
    /// The outcomes the rule targets (ids).
    pub outcomes: Texts<'g>,
    /// The audiences it is written for (ids).
    pub audiences: Texts<'g>,
    /// Why the guide makes it.
    pub why: Texts<'g>,
    /// Where it comes from.
    pub sources: Cow<'g, [Source]>,
    /// For a recommendation that applies or is undetermined, the local services (of the guide's
    /// overlay) that deliver it and the family may be eligible for: eligible first, then
    /// undetermined, each in the overlay's order. Absent from the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceResult<'g>>,
}

/// An evidence level, as a result names it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EvidenceRef<'g> {
    /// The level's id, e.g. `promising`.
    pub id: Cow<'g, str>,
    /// The level's label, e.g. `Promising evidence`.
    pub label: Cow<'g, str>,
    /// Position on the scale: 0 is the strongest.
    pub rank: usize,
    /// Whether this is the "rating not known" level.
    pub unrated: bool,
}

/// One "how" point of a rule and whether it applies to this family.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActionResult<'g> {
    /// The point's id, unique within its rule.
    pub id: Cow<'g, str>,
    /// What to do.
    pub text: Cow<'g, str>,
    /// For whom (audience ids).
    pub audiences: Texts<'g>,
    /// `applies` or `undetermined` (actions that do not apply are left out).
    pub status: Status,
    /// The tests of the action's own condition that decided it (empty if it has none).
    pub reasons: Vec<Reason<'g>>,
    /// Unknown facts that would decide an undetermined action.
    pub missing: Vec<Cow<'g, str>>,
    /// For an undetermined action, what remains of its condition and its rule's (with the
    /// scope's) once the known facts are substituted. Absent from the JSON otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual: Option<Residual<'g>>,
    /// For an undetermined action, the values of each missing fact that would decide it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deciding: Vec<Deciding<'g>>,
}

/// One test that decided a status, and what the profile said.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reason<'g> {
    /// The fact tested.
    pub fact: Cow<'g, str>,
    /// The test, in words: `service_level is one of family_help, edge_of_care`.
    pub test: Cow<'g, str>,
    /// The profile's value of the fact; `None` when unknown.
    pub value: Option<SeenValue<'g>>,
    /// Whether the test held: `true`, `false` or `unknown`.
    pub result: TestResult,
    /// The named condition the test belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub via: Option<Cow<'g, str>>,
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
}

/// A profile value as a reason shows it: plain JSON (`true`, `4`, `"family_help"`, `["poverty"]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
#[non_exhaustive]
pub enum SeenValue<'g> {
    /// A boolean fact's value.
    Bool(bool),
    /// An integer fact's value.
    Integer(i64),
    /// A one-of or text fact's value.
    Text(Cow<'g, str>),
    /// A set-of fact's values.
    List(Vec<Cow<'g, str>>),
}

/// Identifies the overlay that contributed to an evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct OverlayStamp<'g> {
    /// The overlay's id.
    pub id: Cow<'g, str>,
    /// The overlay's title.
    pub title: Cow<'g, str>,
    /// The overlay's version.
    pub version: Cow<'g, str>,
    /// Whether the local offer is fictional.
    pub fictional: bool,
    /// What the overlay asks every output to show (for a fictional one, that it is fictional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclaimer: Option<Cow<'g, str>>,
    /// `sha256:…` of the overlay's files.
    pub content_hash: Cow<'g, str>,
    /// `sha256:…` of the guide's and the overlay's hashes together: all the rule files.
    pub rules_hash: Cow<'g, str>,
}

/// A local service the family may be referred to, under a recommendation it delivers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ServiceResult<'g> {
    /// The service's id.
    pub id: Cow<'g, str>,
    /// The service's name.
    pub name: Cow<'g, str>,
    /// What it offers.
    pub description: Cow<'g, str>,
    /// `applies`: the family is eligible; `undetermined`: eligibility (or the recommendation)
    /// depends on facts the profile does not give. Services that do not apply are left out.
    pub status: Status,
    /// How it is delivered.
    pub delivery: Delivery,
    /// Group or individual.
    pub format: Format,
    /// Fixed or flexible.
    pub structure: Structure,
    /// The ages it is for, in words.
    pub ages: Cow<'g, str>,
    /// The recommendation's "how" point it delivers, when it delivers one rather than the whole
    /// recommendation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Cow<'g, str>>,
    /// The id of that "how" point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<Cow<'g, str>>,
    /// The tests of its ages and eligibility that decided the status.
    pub reasons: Vec<Reason<'g>>,
    /// For an undetermined service, the unknown facts that would decide it.
    pub missing: Vec<Cow<'g, str>>,
    /// How to refer, and whom to contact.
    pub referral: Cow<'g, Referral>,
    /// Where the service does not fit what the guide says; empty when it fits.
    pub flags: Vec<FitFlag<'g>>,
}

/// A way a service does not fit what the guide says, with the guide's words and sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct FitFlag<'g> {
    /// The aspect that does not fit.
    pub aspect: FitAspect,
    /// The service's value of it, e.g. `online`.
    pub offered: Cow<'g, str>,
    /// The values the guide's words fit, e.g. `["face_to_face"]`.
    pub fits: Texts<'g>,
    /// `applies` when what the guide says holds for this family and the family is eligible for
    /// the service; `undetermined` when either depends on facts the profile does not give.
    pub status: Status,
    /// The recommendation or principle whose words these are.
    pub rule: Cow<'g, str>,
    /// The words: the "how" point's text, or the rule's statement.
    pub says: Cow<'g, str>,
    /// The flag in one sentence, citing the rule and its words: for example, online delivery,
    /// where the guide's words fit face-to-face: principle `programme-design` says "Prioritise
    /// face-to-face support."
    pub message: Cow<'g, str>,
    /// Where the words come from (the rule's sources).
    pub sources: Cow<'g, [Source]>,
}
