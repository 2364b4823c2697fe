//! The compact form of an evaluation: what a result says of *this* family (ids, statuses, the
//! evidence level's id, reasons, missing facts, the "how" points and services by id), without the
//! guide's own texts (titles, statements, why, sources, labels, action texts, referral routes),
//! which a client fetches once from the guide (`serde_json::to_string(&guide)` describes every
//! rule, "how" point and service by id) and joins by id. For the sample families of the
//! embedded guide it is a fifth to a third of the full JSON (3.3–10.4 KB against 17–36 KB): what
//! remains is mostly the reasons.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{
    ActionResult, Evaluation, FitFlag, Reason, RuleResult, SeenValue, ServiceResult, Status,
    TestResult,
};
use crate::model::overlay::FitAspect;
use crate::profile::FactValue;

/// An [`Evaluation`] in compact form ([`Evaluation::compact`]): it borrows the evaluation's
/// names and serializes them without the guide's texts; read back from JSON, it owns them.
/// Lists that are empty are left out of the JSON; its shape is
/// `schema/compact-evaluation.schema.json`.
///
/// ```
/// use practice_guide::FamilyProfile;
/// use practice_guide::result::CompactEvaluation;
/// let guide = practice_guide::parenting_through_adversity();
/// let evaluation = guide.evaluate(&FamilyProfile::new().with("children_ages", ["age_3"]))?;
/// let full = serde_json::to_string(&evaluation).unwrap();
/// let compact = serde_json::to_string(&evaluation.compact()).unwrap();
/// assert!(compact.len() * 3 < full.len());
/// // A client reads it back, and joins the guide's texts by id.
/// let back: CompactEvaluation<'static> = serde_json::from_str(&compact).unwrap();
/// let titles: std::collections::HashMap<&str, &str> =
///     guide.recommendations().map(|r| (r.id(), r.title())).collect();
/// for rec in &back.recommendations {
///     println!("{} {:?}", titles[&*rec.id], rec.status);
/// }
/// assert_eq!(back, evaluation.compact());
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<Cow<'e, str>>,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<CompactReason<'e>>,
    /// The unknown facts that would decide it (left out when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Cow<'e, str>>,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<CompactReason<'e>>,
    /// For an undetermined rule, the unknown facts that would decide it (left out when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Cow<'e, str>>,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<CompactReason<'e>>,
    /// Unknown facts that would decide it (left out when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Cow<'e, str>>,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<CompactReason<'e>>,
    /// Unknown facts that would decide it (left out when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Cow<'e, str>>,
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
    pub fits: Vec<Cow<'e, str>>,
    /// As the full flag's status.
    pub status: Status,
    /// The recommendation or principle whose words these are.
    pub rule: Cow<'e, str>,
}

/// One test that decided a status, and what the profile said.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Reason"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CompactReason<'e> {
    /// The fact tested.
    pub fact: Cow<'e, str>,
    /// The test, in words: `service_level is one of family_help, edge_of_care`.
    pub test: Cow<'e, str>,
    /// The profile's value of the fact; `None` when unknown.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<super::shape::SeenValue<'static>>")
    )]
    pub value: Option<FactValue>,
    /// Whether the test held: `true`, `false` or `unknown`.
    pub result: TestResult,
    /// The named condition the test belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub via: Option<Cow<'e, str>>,
}

fn reasons<'e>(reasons: impl Iterator<Item = Reason<'e>>) -> Vec<CompactReason<'e>> {
    reasons
        .map(|r| CompactReason {
            fact: Cow::Borrowed(r.fact()),
            test: Cow::Borrowed(r.test()),
            value: r.value().as_ref().map(SeenValue::to_fact_value),
            result: r.result(),
            via: r.via().map(Cow::Borrowed),
        })
        .collect()
}

fn names<'e>(names: impl Iterator<Item = &'e str>) -> Vec<Cow<'e, str>> {
    names.map(Cow::Borrowed).collect()
}

impl Evaluation {
    /// The result in compact form: ids, statuses, evidence, reasons, missing facts, "how" points
    /// and services by id, without the guide's texts. See [`CompactEvaluation`].
    pub fn compact(&self) -> CompactEvaluation<'_> {
        let metadata = self.guide().metadata();
        let scope = self.scope();
        CompactEvaluation {
            guide: CompactStamp {
                id: Cow::Borrowed(&metadata.id),
                version: Cow::Borrowed(&metadata.version),
                content_hash: Cow::Borrowed(&metadata.content_hash),
            },
            scope: CompactScope {
                status: scope.status(),
                reasons: reasons(scope.reasons()),
                missing: names(scope.missing()),
            },
            recommendations: self.recommendations().map(|r| compact_rule(&r)).collect(),
            principles: self.principles().map(|r| compact_rule(&r)).collect(),
            overlay: self.overlay().map(|o| {
                let m = o.metadata();
                CompactOverlay {
                    id: Cow::Borrowed(&m.id),
                    version: Cow::Borrowed(&m.version),
                    fictional: m.fictional,
                    disclaimer: m.disclaimer.as_deref().map(Cow::Borrowed),
                    rules_hash: Cow::Borrowed(&m.rules_hash),
                }
            }),
            questions: self
                .questions()
                .map(|q| Cow::Borrowed(q.fact().name()))
                .collect(),
        }
    }
}

fn compact_rule<'e>(rule: &RuleResult<'e>) -> CompactRule<'e> {
    CompactRule {
        id: Cow::Borrowed(rule.id()),
        status: rule.status(),
        evidence: rule.evidence().map(|e| Cow::Borrowed(e.id.as_str())),
        reasons: reasons(rule.reasons()),
        missing: names(rule.missing()),
        actions: rule.actions().map(|a| compact_action(&a)).collect(),
        services: rule.services().map(|s| compact_service(&s)).collect(),
    }
}

fn compact_action<'e>(action: &ActionResult<'e>) -> CompactAction<'e> {
    CompactAction {
        id: Cow::Borrowed(action.id()),
        status: action.status(),
        reasons: reasons(action.reasons()),
        missing: names(action.missing()),
    }
}

fn compact_service<'e>(service: &ServiceResult<'e>) -> CompactService<'e> {
    CompactService {
        id: Cow::Borrowed(service.id()),
        status: service.status(),
        action_id: service.action().map(|a| Cow::Borrowed(a.id.as_str())),
        reasons: reasons(service.reasons()),
        missing: names(service.missing()),
        flags: service.flags().map(|f| compact_flag(&f)).collect(),
    }
}

fn compact_flag<'e>(flag: &FitFlag<'e>) -> CompactFlag<'e> {
    CompactFlag {
        aspect: flag.aspect(),
        offered: Cow::Borrowed(flag.offered()),
        fits: names(flag.fits()),
        status: flag.status(),
        rule: Cow::Borrowed(flag.rule().id()),
    }
}
