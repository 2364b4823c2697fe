//! The JSON shape of an evaluation as a document of texts: what the committed
//! `schema/evaluation.schema.json` is generated from, and what the tests' reference evaluator
//! builds. An [`Evaluation`](super::Evaluation) serializes to the same JSON straight from the
//! guide's texts and the family's values ([`super::json`]), without making one.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{ChangedValue, Status, TestResult};
use crate::language::{Delivery, Format, Structure};
use crate::model::overlay::{FitAspect, Referral};
use crate::model::rule::{RuleKind, Source};

/// The result of evaluating one profile against a guide.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub(crate) struct Evaluation<'g> {
    /// Which guide and which encoding of it produced this result.
    pub(crate) guide: GuideStamp<'g>,
    /// Whether the family is within the guide's scope.
    pub(crate) scope: ScopeResult<'g>,
    /// Recommendations: applying first, then by evidence strength (strongest first), then in
    /// guide order.
    pub(crate) recommendations: Vec<RuleResult<'g>>,
    /// Key principles, in the same order.
    pub(crate) principles: Vec<RuleResult<'g>>,
    /// The local offer (overlay) that contributed services, if the guide was loaded with one.
    /// Absent from the JSON when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) overlay: Option<OverlayStamp<'g>>,
    /// The unknown facts worth asking about next, most useful first: what answering each could
    /// decide among the undetermined results. Absent from the JSON when nothing is open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) questions: Vec<Question<'g>>,
    /// For each recommendation, principle and action that does not apply (actions of rules that
    /// apply or are undetermined), the smallest changes of the profile under which it would.
    /// Filled in only by the exact analysis (`Guide::counterfactuals`, feature `analysis`);
    /// absent from the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) changes: Vec<Change<'g>>,
}

/// Identifies the rules that produced an evaluation.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub(crate) struct GuideStamp<'g> {
    /// The guide's id.
    pub(crate) id: Cow<'g, str>,
    /// The guide's title.
    pub(crate) title: Cow<'g, str>,
    /// The version of this encoding.
    pub(crate) version: Cow<'g, str>,
    /// `sha256:…` of the rule files.
    pub(crate) content_hash: Cow<'g, str>,
}

/// Whether the family is within the guide's scope.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub(crate) struct ScopeResult<'g> {
    /// `applies` when in scope; `does_not_apply` when outside it (every rule then does not apply);
    /// `undetermined` when facts the scope depends on are unknown.
    pub(crate) status: Status,
    /// The guide's description of its scope.
    pub(crate) description: Cow<'g, str>,
    /// The tests that decided it.
    pub(crate) reasons: Vec<Reason<'g>>,
    /// The unknown facts that would decide it.
    pub(crate) missing: Vec<Cow<'g, str>>,
    /// When undetermined, what remains of the scope once the known facts are substituted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) residual: Option<Residual<'g>>,
    /// When undetermined, the values of each missing fact that would decide it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) deciding: Vec<Deciding<'g>>,
}

/// The result for one recommendation or principle.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub(crate) struct RuleResult<'g> {
    /// The rule's id.
    pub(crate) id: Cow<'g, str>,
    /// Recommendation or principle.
    pub(crate) kind: RuleKind,
    /// The rule's title.
    pub(crate) title: Cow<'g, str>,
    /// The rule's statement.
    pub(crate) statement: Cow<'g, str>,
    /// Whether it applies.
    pub(crate) status: Status,
    /// The evidence level (recommendations only).
    pub(crate) evidence: Option<EvidenceRef<'g>>,
    /// The tests that decided the status, with the values the profile gave.
    pub(crate) reasons: Vec<Reason<'g>>,
    /// For an undetermined rule, the unknown facts that would decide it.
    pub(crate) missing: Vec<Cow<'g, str>>,
    /// For an undetermined rule, the condition (with the scope's) that remains once the known
    /// facts are substituted: "would apply if ...". Absent from the JSON otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) residual: Option<Residual<'g>>,
    /// For an undetermined rule, for each missing fact, the values that would decide it (with
    /// the other facts as they are). Absent from the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) deciding: Vec<Deciding<'g>>,
    /// The rule's "how" points that apply (or are undetermined) for this family; none when the
    /// rule itself does not apply.
    pub(crate) actions: Vec<ActionResult<'g>>,
    /// For a recommendation, its principles; for a principle, the recommendations linking to it.
    pub(crate) links: Cow<'g, [Cow<'static, str>]>,
    /// The outcomes the rule targets (ids).
    pub(crate) outcomes: Cow<'g, [Cow<'static, str>]>,
    /// The audiences it is written for (ids).
    pub(crate) audiences: Cow<'g, [Cow<'static, str>]>,
    /// Why the guide makes it.
    pub(crate) why: Cow<'g, [Cow<'static, str>]>,
    /// Where it comes from.
    pub(crate) sources: Cow<'g, [Source]>,
    /// For a recommendation that applies or is undetermined, the local services (of the guide's
    /// overlay) that deliver it and the family may be eligible for: eligible first, then
    /// undetermined, each in the overlay's order. Absent from the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) services: Vec<ServiceResult<'g>>,
}

/// An evidence level, as a result names it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub(crate) struct EvidenceRef<'g> {
    /// The level's id, e.g. `promising`.
    pub(crate) id: Cow<'g, str>,
    /// The level's label, e.g. `Promising evidence`.
    pub(crate) label: Cow<'g, str>,
    /// Position on the scale: 0 is the strongest.
    pub(crate) rank: usize,
    /// Whether this is the "rating not known" level.
    pub(crate) unrated: bool,
}

/// One "how" point of a rule and whether it applies to this family.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub(crate) struct ActionResult<'g> {
    /// The point's id, unique within its rule.
    pub(crate) id: Cow<'g, str>,
    /// What to do.
    pub(crate) text: Cow<'g, str>,
    /// For whom (audience ids).
    pub(crate) audiences: Cow<'g, [Cow<'static, str>]>,
    /// `applies` or `undetermined` (actions that do not apply are left out).
    pub(crate) status: Status,
    /// The tests of the action's own condition that decided it (empty if it has none).
    pub(crate) reasons: Vec<Reason<'g>>,
    /// Unknown facts that would decide an undetermined action.
    pub(crate) missing: Vec<Cow<'g, str>>,
    /// For an undetermined action, what remains of its condition and its rule's (with the
    /// scope's) once the known facts are substituted. Absent from the JSON otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) residual: Option<Residual<'g>>,
    /// For an undetermined action, the values of each missing fact that would decide it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) deciding: Vec<Deciding<'g>>,
}

/// One test that decided a status, and what the profile said.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub(crate) struct Reason<'g> {
    /// The fact tested.
    pub(crate) fact: Cow<'g, str>,
    /// The test, in words: `service_level is one of family_help, edge_of_care`.
    pub(crate) test: Cow<'g, str>,
    /// The profile's value of the fact; `None` when unknown.
    pub(crate) value: Option<SeenValue<'g>>,
    /// Whether the test held: `true`, `false` or `unknown`.
    pub(crate) result: TestResult,
    /// The named condition the test belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) via: Option<Cow<'g, str>>,
}

/// A profile value as a reason shows it: plain JSON (`true`, `4`, `"family_help"`, `["poverty"]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
#[non_exhaustive]
pub(crate) enum SeenValue<'g> {
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
pub(crate) struct OverlayStamp<'g> {
    /// The overlay's id.
    pub(crate) id: Cow<'g, str>,
    /// The overlay's title.
    pub(crate) title: Cow<'g, str>,
    /// The overlay's version.
    pub(crate) version: Cow<'g, str>,
    /// Whether the local offer is fictional.
    pub(crate) fictional: bool,
    /// What the overlay asks every output to show (for a fictional one, that it is fictional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) disclaimer: Option<Cow<'g, str>>,
    /// `sha256:…` of the overlay's files.
    pub(crate) content_hash: Cow<'g, str>,
    /// `sha256:…` of the guide's and the overlay's hashes together: all the rule files.
    pub(crate) rules_hash: Cow<'g, str>,
}

/// A local service the family may be referred to, under a recommendation it delivers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub(crate) struct ServiceResult<'g> {
    /// The service's id.
    pub(crate) id: Cow<'g, str>,
    /// The service's name.
    pub(crate) name: Cow<'g, str>,
    /// What it offers.
    pub(crate) description: Cow<'g, str>,
    /// `applies`: the family is eligible; `undetermined`: eligibility (or the recommendation)
    /// depends on facts the profile does not give. Services that do not apply are left out.
    pub(crate) status: Status,
    /// How it is delivered.
    pub(crate) delivery: Delivery,
    /// Group or individual.
    pub(crate) format: Format,
    /// Fixed or flexible.
    pub(crate) structure: Structure,
    /// The ages it is for, in words.
    pub(crate) ages: Cow<'g, str>,
    /// The recommendation's "how" point it delivers, when it delivers one rather than the whole
    /// recommendation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) action: Option<Cow<'g, str>>,
    /// The id of that "how" point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) action_id: Option<Cow<'g, str>>,
    /// The tests of its ages and eligibility that decided the status.
    pub(crate) reasons: Vec<Reason<'g>>,
    /// For an undetermined service, the unknown facts that would decide it.
    pub(crate) missing: Vec<Cow<'g, str>>,
    /// How to refer, and whom to contact.
    pub(crate) referral: Cow<'g, Referral>,
    /// Where the service does not fit what the guide says; empty when it fits.
    pub(crate) flags: Vec<FitFlag<'g>>,
}

/// A way a service does not fit what the guide says, with the guide's words and sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub(crate) struct FitFlag<'g> {
    /// The aspect that does not fit.
    pub(crate) aspect: FitAspect,
    /// The service's value of it, e.g. `online`.
    pub(crate) offered: Cow<'g, str>,
    /// The values the guide's words fit, e.g. `["face_to_face"]`.
    pub(crate) fits: Cow<'g, [Cow<'static, str>]>,
    /// `applies` when what the guide says holds for this family and the family is eligible for
    /// the service; `undetermined` when either depends on facts the profile does not give.
    pub(crate) status: Status,
    /// The recommendation or principle whose words these are.
    pub(crate) rule: Cow<'g, str>,
    /// The words: the "how" point's text, or the rule's statement.
    pub(crate) says: Cow<'g, str>,
    /// The flag in one sentence, citing the rule and its words: for example, online delivery,
    /// where the guide's words fit face-to-face: principle `programme-design` says "Prioritise
    /// face-to-face support."
    pub(crate) message: Cow<'g, str>,
    /// Where the words come from (the rule's sources).
    pub(crate) sources: Cow<'g, [Source]>,
}

/// What remains of an undetermined rule's or action's condition (with the guide's scope) once
/// the profile's known facts are substituted and the result simplified: only tests of unknown
/// facts, combined by `all` and `any`. A test under `not:` is written as its negation
/// (`barriers is not empty`), so there is no `not`.
///
/// In JSON, as the rule language writes conditions: `{"any": [{"test": {"fact":
/// "service_level", "test": "service_level is one of family_help, edge_of_care"}}, ...]}`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub(crate) enum Residual<'g> {
    /// Every one must hold.
    All(Vec<Residual<'g>>),
    /// At least one must hold.
    Any(Vec<Residual<'g>>),
    /// One test of an unknown fact.
    Test(ResidualTest<'g>),
}

/// One test of a residual.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub(crate) struct ResidualTest<'g> {
    /// The unknown fact it tests.
    pub(crate) fact: Cow<'g, str>,
    /// The test, in words: `service_level is one of family_help, edge_of_care`.
    pub(crate) test: Cow<'g, str>,
}

/// For an undetermined rule or action and one of its missing facts: values of that fact which,
/// with every other fact as the profile has it, make it apply, and values which rule it out.
/// Each value listed does so (they are evaluated, not guessed); for a `set_of` fact, the values
/// are examples of the sets that do.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub(crate) struct Deciding<'g> {
    /// The missing fact.
    pub(crate) fact: Cow<'g, str>,
    /// Values under which it would apply.
    pub(crate) applies_if: Vec<SeenValue<'g>>,
    /// Values under which it would not apply.
    pub(crate) not_if: Vec<SeenValue<'g>>,
}

/// A question worth asking next: an unknown fact, and what answering it could settle.
///
/// Questions are ranked by the strongest evidence level among the undetermined results the
/// answer could decide, then by how many it could decide, then in the vocabulary's order.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub(crate) struct Question<'g> {
    /// The fact to ask about.
    pub(crate) fact: Cow<'g, str>,
    /// What it means, as the vocabulary describes it.
    pub(crate) description: Cow<'g, str>,
    /// Its type: `boolean`, `integer`, `one_of`, `set_of` or `text`.
    #[serde(rename = "type")]
    pub(crate) fact_type: Cow<'g, str>,
    /// Its declared values, for a `one_of` or `set_of` fact (a `set_of` takes several).
    pub(crate) values: Vec<Cow<'g, str>>,
    /// The undetermined recommendations, principles and actions (`RULE#ACTION`) some answer
    /// would decide, in guide order.
    pub(crate) settles: Vec<Cow<'g, str>>,
    /// The strongest evidence level among the recommendations it would decide (or theirs, for
    /// their actions); none when it would decide only principles.
    pub(crate) strongest: Option<EvidenceRef<'g>>,
}

/// For a recommendation, principle or action that does not apply: the smallest changes of the
/// profile under which it would (fewest facts changed). Each alternative sets its facts to its
/// values and leaves the rest of the profile as it is; every one works, and no change of fewer
/// facts does. Made by the exact analysis (feature `analysis`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub(crate) struct Change<'g> {
    /// `RULE` or `RULE#ACTION`.
    pub(crate) id: Cow<'g, str>,
    /// No change makes it apply: no profile at all does, or only profiles that leave some of
    /// this profile's facts unknown (through a `known:` test).
    pub(crate) never: bool,
    /// The smallest changes, each a list of facts and the values to give them; at most
    /// [`MAX_ALTERNATIVES`](crate::result::MAX_ALTERNATIVES) of them, with `more` saying whether
    /// there are others.
    pub(crate) alternatives: Vec<Vec<FactChange<'g>>>,
    /// Whether there are more alternatives than listed.
    pub(crate) more: bool,
}

/// One fact of a change, and the value to give it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub(crate) struct FactChange<'g> {
    /// The fact.
    pub(crate) fact: Cow<'g, str>,
    /// The value.
    pub(crate) value: ChangedValue,
}
