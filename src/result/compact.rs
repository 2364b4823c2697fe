//! The compact form of an evaluation: what a result says of *this* family (ids, statuses, the
//! evidence level's id, reasons, missing facts, the "how" points and services by id), without the
//! guide's own texts (titles, statements, why, sources, labels, action texts, referral routes),
//! which a client fetches once from the guide (`serde_json::to_string(&guide)` describes every
//! rule, "how" point and service by id) and joins by id. For the sample families of the
//! embedded guide it is a fifth to a third of the full JSON (3.3–10.4 KB against 17–36 KB): what
//! remains is mostly the reasons.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{ActionResult, Evaluation, FitFlag, Reason, RuleResult, ServiceResult, Status};
use crate::model::overlay::FitAspect;

/// An [`Evaluation`] in compact form ([`Evaluation::compact`]): it borrows the evaluation's
/// values and serializes them without the guide's texts. Lists that are empty are left out of
/// the JSON; its shape is `schema/compact-evaluation.schema.json`.
///
/// ```
/// use practice_guide::FamilyProfile;
/// let guide = practice_guide::parenting_through_adversity();
/// let evaluation = guide.evaluate(&FamilyProfile::new().with("children_ages", ["age_3"]))?;
/// let full = serde_json::to_string(&evaluation).unwrap();
/// let compact = serde_json::to_string(&evaluation.compact()).unwrap();
/// assert!(compact.len() * 3 < full.len());
/// let titles: std::collections::HashMap<&str, &str> =
///     guide.recommendations().map(|r| (r.id(), r.title())).collect();
/// for rec in &evaluation.compact().recommendations {
///     println!("{} {:?}", titles[&*rec.id], rec.status); // texts joined by id
/// }
/// # Ok::<(), practice_guide::Error>(())
/// ```
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CompactEvaluation<'e> {
    /// Which guide, and which encoding of it, produced the result.
    pub guide: CompactStamp<'e>,
    /// Whether the family is within the guide's scope.
    pub scope: CompactScope<'e>,
    /// Recommendations, in the full result's order (applying first, then by evidence).
    pub recommendations: Vec<CompactRule<'e>>,
    /// Key principles, in the same order.
    pub principles: Vec<CompactRule<'e>>,
    /// The local offer, if the guide was loaded with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlay: Option<CompactOverlay<'e>>,
    /// The facts worth asking about next, by name, most useful first (the full result's
    /// `questions`; what each could decide is there). Absent from the JSON when nothing is open.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub questions: Names<'e>,
}

/// The guide's id, version and content hash.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CompactStamp<'e> {
    /// The guide's id.
    pub id: Cow<'e, str>,
    /// The version of this encoding.
    pub version: Cow<'e, str>,
    /// `sha256:…` of the rule files.
    pub content_hash: Cow<'e, str>,
}

/// The overlay's id and version, whether it is fictional (with the disclaimer every output shows)
/// and the hash of all the rule files.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CompactOverlay<'e> {
    /// The overlay's id.
    pub id: Cow<'e, str>,
    /// The overlay's version.
    pub version: Cow<'e, str>,
    /// Whether the local offer is fictional.
    pub fictional: bool,
    /// What the overlay asks every output to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclaimer: Option<Cow<'e, str>>,
    /// `sha256:…` of the guide's and the overlay's hashes together.
    pub rules_hash: Cow<'e, str>,
}

/// The scope's status, the tests that decided it and the facts that would.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CompactScope<'e> {
    /// Whether the family is within the scope.
    pub status: Status,
    /// The tests that decided it (left out when none).
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub reasons: Cow<'e, [Reason<'e>]>,
    /// The unknown facts that would decide it (left out when none).
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub missing: Names<'e>,
}

/// One recommendation or principle, by id.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CompactRule<'e> {
    /// The rule's id.
    pub id: Cow<'e, str>,
    /// Whether it applies.
    pub status: Status,
    /// The id of its evidence level (recommendations only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Cow<'e, str>>,
    /// The tests that decided the status (left out when none).
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub reasons: Cow<'e, [Reason<'e>]>,
    /// For an undetermined rule, the unknown facts that would decide it (left out when none).
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub missing: Names<'e>,
    /// Its "how" points that apply or are undetermined, by id (left out when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<CompactAction<'e>>,
    /// The local services delivering it, by id (left out when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<CompactService<'e>>,
}

/// One "how" point, by id.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CompactAction<'e> {
    /// The point's id, unique within its rule.
    pub id: Cow<'e, str>,
    /// `applies` or `undetermined`.
    pub status: Status,
    /// The tests of its own condition that decided it (left out when none).
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub reasons: Cow<'e, [Reason<'e>]>,
    /// Unknown facts that would decide it (left out when none).
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub missing: Names<'e>,
}

/// One local service, by id.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CompactService<'e> {
    /// The service's id.
    pub id: Cow<'e, str>,
    /// `applies` (eligible) or `undetermined`.
    pub status: Status,
    /// The id of the "how" point it delivers, when it delivers one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<Cow<'e, str>>,
    /// The tests of its ages and eligibility that decided the status (left out when none).
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub reasons: Cow<'e, [Reason<'e>]>,
    /// Unknown facts that would decide it (left out when none).
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub missing: Names<'e>,
    /// Where it does not fit what the guide says (left out when it fits).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<CompactFlag<'e>>,
}

/// A fit flag: the aspect, what is offered, what the guide's words fit, and whose words.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CompactFlag<'e> {
    /// The aspect that does not fit.
    pub aspect: FitAspect,
    /// The service's value of it.
    pub offered: Cow<'e, str>,
    /// The values the guide's words fit.
    pub fits: Names<'e>,
    /// As the full flag's status.
    pub status: Status,
    /// The recommendation or principle whose words these are.
    pub rule: Cow<'e, str>,
}

/// Borrows a text of the full result.
fn text(text: &str) -> Cow<'_, str> {
    Cow::Borrowed(text)
}

/// A list of names (fact names, values) in a compact result: borrowed from the full result, owned
/// when read back from JSON. Serialized as a plain list of strings.
pub type Names<'e> = Cow<'e, [Cow<'e, str>]>;

impl Evaluation<'_> {
    /// The result in compact form: ids, statuses, evidence, reasons, missing facts, "how" points
    /// and services by id, without the guide's texts. See [`CompactEvaluation`].
    pub fn compact(&self) -> CompactEvaluation<'_> {
        CompactEvaluation {
            guide: CompactStamp {
                id: text(&self.guide.id),
                version: text(&self.guide.version),
                content_hash: text(&self.guide.content_hash),
            },
            scope: CompactScope {
                status: self.scope.status,
                reasons: Cow::Borrowed(&self.scope.reasons),
                missing: Cow::Borrowed(&self.scope.missing),
            },
            recommendations: self
                .recommendations
                .iter()
                .map(RuleResult::compact)
                .collect(),
            principles: self.principles.iter().map(RuleResult::compact).collect(),
            overlay: self.overlay.as_ref().map(|o| CompactOverlay {
                id: text(&o.id),
                version: text(&o.version),
                fictional: o.fictional,
                disclaimer: o.disclaimer.as_deref().map(text),
                rules_hash: text(&o.rules_hash),
            }),
            questions: self.questions.iter().map(|q| text(&q.fact)).collect(),
        }
    }
}

impl RuleResult<'_> {
    fn compact(&self) -> CompactRule<'_> {
        CompactRule {
            id: text(&self.id),
            status: self.status,
            evidence: self.evidence.as_ref().map(|e| text(&e.id)),
            reasons: Cow::Borrowed(&self.reasons),
            missing: Cow::Borrowed(&self.missing),
            actions: self.actions.iter().map(ActionResult::compact).collect(),
            services: self.services.iter().map(ServiceResult::compact).collect(),
        }
    }
}

impl ActionResult<'_> {
    fn compact(&self) -> CompactAction<'_> {
        CompactAction {
            id: text(&self.id),
            status: self.status,
            reasons: Cow::Borrowed(&self.reasons),
            missing: Cow::Borrowed(&self.missing),
        }
    }
}

impl ServiceResult<'_> {
    fn compact(&self) -> CompactService<'_> {
        CompactService {
            id: text(&self.id),
            status: self.status,
            action_id: self.action_id.as_deref().map(text),
            reasons: Cow::Borrowed(&self.reasons),
            missing: Cow::Borrowed(&self.missing),
            flags: self.flags.iter().map(FitFlag::compact).collect(),
        }
    }
}

impl FitFlag<'_> {
    fn compact(&self) -> CompactFlag<'_> {
        CompactFlag {
            aspect: self.aspect,
            offered: text(&self.offered),
            fits: Cow::Borrowed(&self.fits),
            status: self.status,
            rule: text(&self.rule),
        }
    }
}
