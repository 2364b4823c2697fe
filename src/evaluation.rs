//! Evaluating a profile against a guide, and the results: which recommendations and principles
//! apply, do not apply or are undetermined, with the evidence, the reasons, the facts that would
//! decide the undetermined ones, the actions, and the sources.
//!
//! Results borrow the guide's text (`Cow::Borrowed`), so evaluating copies no statements; they
//! serialize to JSON with serde and deserialize back as owned values (`Evaluation<'static>`).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::condition::{Condition, Leaf, Truth};
use crate::error::{Error, Problem, ProblemKind};
use crate::guide::{Guide, Rule, RuleKind, Source};
use crate::overlay::{OverlayStamp, ServiceResult};
use crate::profile::{Facts, FamilyProfile, Slot};
use crate::suggest;
use crate::vocabulary::{FactId, FactType};

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
}

/// Options for [`Guide::evaluate_with`].
///
/// ```
/// use practice_guide::{EvaluationOptions, FamilyProfile};
/// let guide = practice_guide::parenting_through_adversity();
/// let options = EvaluationOptions {
///     min_evidence: Some("strong".into()),
///     audience: Some("practitioners".into()),
/// };
/// let family = FamilyProfile::new().with("children_ages", ["age_4"]);
/// let evaluation = guide.evaluate_with(&family, &options)?;
/// assert!(evaluation.recommendations.iter().all(|r| r.evidence.as_ref().unwrap().id == "strong"));
/// # Ok::<(), practice_guide::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvaluationOptions {
    /// Keep only recommendations rated at this evidence level or stronger (by id, e.g. `good`).
    /// An unrated level sorts below every rated one.
    pub min_evidence: Option<String>,
    /// Keep only rules, and actions, written for this audience (by id); rules and actions that
    /// name no audience are kept.
    pub audience: Option<String>,
}

/// The result of evaluating one profile against a guide.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

/// Identifies the rules that produced an evaluation.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// The result for one recommendation or principle.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct ActionResult<'g> {
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
}

/// One test that decided a status, and what the profile said.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// A profile value as a reason shows it: plain JSON (`true`, `4`, `"family_help"`, `["poverty"]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
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

impl Guide {
    /// Evaluates a profile against every recommendation and principle.
    ///
    /// Fails only if the profile does not fit the vocabulary (an unknown fact, a value outside
    /// its range or declared values), naming every problem.
    ///
    /// ```
    /// use practice_guide::{FamilyProfile, Status};
    /// let guide = practice_guide::parenting_through_adversity();
    /// let family = FamilyProfile::new()
    ///     .with("children_ages", ["age_4"])
    ///     .with("service_level", "edge_of_care")
    ///     .with("adversities", ["substance_misuse"]);
    /// let evaluation = guide.evaluate(&family)?;
    /// let first = &evaluation.recommendations[0];
    /// assert_eq!(first.status, Status::Applies);
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn evaluate(&self, profile: &FamilyProfile) -> Result<Evaluation<'_>, Error> {
        self.evaluate_with(profile, &EvaluationOptions::default())
    }

    /// Evaluates a profile, keeping only what `options` asks for.
    pub fn evaluate_with(
        &self,
        profile: &FamilyProfile,
        options: &EvaluationOptions,
    ) -> Result<Evaluation<'_>, Error> {
        let filter = self.resolve_options(options)?;
        let facts = Facts::bind(&self.vocabulary, profile, "profile")?;
        Ok(self.evaluate_facts(&facts, &filter))
    }

    fn resolve_options(&self, options: &EvaluationOptions) -> Result<Filter, Error> {
        let mut problems = Vec::new();
        let mut filter = Filter::default();
        if let Some(level) = &options.min_evidence {
            match self.level_rank(level) {
                Some(rank) => filter.max_rank = Some(rank),
                None => problems.push(Problem::new(
                    "options",
                    ProblemKind::UnknownReference {
                        what: "evidence level",
                        name: level.clone(),
                        suggestion: suggest::closest(
                            level,
                            self.evidence.iter().map(|l| l.id.as_str()),
                        ),
                    },
                )),
            }
        }
        if let Some(audience) = &options.audience {
            match self.audience_index(audience) {
                Some(index) => filter.audience = Some(index),
                None => problems.push(Problem::new(
                    "options",
                    ProblemKind::UnknownReference {
                        what: "audience",
                        name: audience.clone(),
                        suggestion: suggest::closest(
                            audience,
                            self.audiences.iter().map(|a| a.id.as_str()),
                        ),
                    },
                )),
            }
        }
        if problems.is_empty() {
            Ok(filter)
        } else {
            Err(Error::new(problems))
        }
    }

    pub(crate) fn evaluate_facts<'g>(&'g self, facts: &Facts, filter: &Filter) -> Evaluation<'g> {
        let scope = match &self.scope {
            Some(scope) => {
                let (truth, reasons, missing) = self.explain(&scope.condition, facts);
                ScopeResult {
                    status: Status::from_truth(truth),
                    description: Cow::Borrowed(&scope.description),
                    reasons,
                    missing,
                }
            }
            None => ScopeResult {
                status: Status::Applies,
                description: Cow::Borrowed("every family"),
                reasons: Vec::new(),
                missing: Vec::new(),
            },
        };
        let scope_truth = match scope.status {
            Status::Applies => Truth::True,
            Status::Undetermined => Truth::Unknown,
            Status::DoesNotApply => Truth::False,
        };
        let results = |rules: &'g [Rule]| -> Vec<RuleResult<'g>> {
            let mut results: Vec<RuleResult<'g>> = rules
                .iter()
                .enumerate()
                .filter(|(_, rule)| filter.keeps(self, rule))
                .map(|(index, rule)| {
                    let mut result =
                        self.rule_result(rule, facts, scope_truth, filter, &scope.missing);
                    if rule.kind == RuleKind::Recommendation {
                        self.attach_services(facts, scope_truth, index, &mut result);
                    }
                    result
                })
                .collect();
            // A stable sort: rules of equal status and strength stay in guide order.
            results.sort_by_key(|r| (r.status, r.evidence.as_ref().map_or(usize::MAX, |e| e.rank)));
            results
        };
        let recommendations = results(&self.recommendations);
        let principles = results(&self.principles);
        Evaluation {
            guide: GuideStamp {
                id: Cow::Borrowed(&self.metadata.id),
                title: Cow::Borrowed(&self.metadata.title),
                version: Cow::Borrowed(&self.metadata.version),
                content_hash: Cow::Borrowed(&self.metadata.content_hash),
            },
            scope,
            recommendations,
            principles,
            overlay: self.overlay_stamp(),
        }
    }

    fn rule_result<'g>(
        &'g self,
        rule: &'g Rule,
        facts: &Facts,
        scope: Truth,
        filter: &Filter,
        scope_missing: &[Cow<'g, str>],
    ) -> RuleResult<'g> {
        let (own, reasons, mut missing) = match &rule.condition {
            Some(condition) => self.explain(condition, facts),
            None => (Truth::True, Vec::new(), Vec::new()),
        };
        // Every rule holds only within the guide's scope: scope AND condition, in Kleene logic.
        let truth = own.min(scope);
        if truth == Truth::Unknown && scope == Truth::Unknown {
            for fact in scope_missing {
                if !missing.contains(fact) {
                    missing.push(fact.clone());
                }
            }
        }
        if truth != Truth::Unknown {
            missing.clear();
        }
        let actions = if truth == Truth::False {
            Vec::new()
        } else {
            rule.actions
                .iter()
                .filter(|a| filter.keeps_audiences(&a.audiences))
                .filter_map(|action| {
                    let (own, reasons, missing) = match &action.condition {
                        Some(c) => self.explain(c, facts),
                        None => (Truth::True, Vec::new(), Vec::new()),
                    };
                    let status = Status::from_truth(own.min(truth));
                    (status != Status::DoesNotApply).then(|| ActionResult {
                        text: Cow::Borrowed(&action.text),
                        audiences: Cow::Borrowed(&action.audience_ids),
                        status,
                        reasons,
                        missing,
                    })
                })
                .collect()
        };
        RuleResult {
            id: Cow::Borrowed(&rule.id),
            kind: rule.kind,
            title: Cow::Borrowed(&rule.title),
            statement: Cow::Borrowed(&rule.statement),
            status: Status::from_truth(truth),
            evidence: rule.evidence.and_then(|rank| {
                let level = self.evidence.get(rank)?;
                Some(EvidenceRef {
                    id: Cow::Borrowed(&level.id),
                    label: Cow::Borrowed(&level.label),
                    rank,
                    unrated: level.unrated,
                })
            }),
            reasons,
            missing,
            actions,
            links: Cow::Borrowed(&rule.shown.links),
            outcomes: Cow::Borrowed(&rule.shown.outcomes),
            audiences: Cow::Borrowed(&rule.shown.audiences),
            why: Cow::Borrowed(&rule.shown.why),
            sources: Cow::Borrowed(&rule.sources),
            services: Vec::new(),
        }
    }

    /// A condition's truth, the reasons that decided it, and the missing facts.
    pub(crate) fn explain<'g>(
        &'g self,
        condition: &'g Condition,
        facts: &Facts,
    ) -> (Truth, Vec<Reason<'g>>, Vec<Cow<'g, str>>) {
        let mut reasons = Vec::new();
        let mut unknown: Vec<FactId> = Vec::new();
        let truth = condition.explain(facts, None, &mut |leaf: &'g Leaf, t, via| {
            if t == Truth::Unknown {
                unknown.push(leaf.fact);
            }
            reasons.push(Reason {
                fact: Cow::Borrowed(self.vocabulary.fact_name(leaf.fact)),
                test: Cow::Borrowed(&leaf.text),
                value: self.seen(leaf.fact, facts.get(leaf.fact)),
                result: match t {
                    Truth::True => TestResult::True,
                    Truth::False => TestResult::False,
                    Truth::Unknown => TestResult::Unknown,
                },
                via: via
                    .and_then(|i| self.named_conditions.get(i))
                    .map(|n| Cow::Borrowed(n.id.as_str())),
            });
        });
        // The explanation of an undecided condition visits exactly its undecided tests; a decided
        // one lists no missing facts, whatever unknowns it holds.
        let missing = if truth == Truth::Unknown {
            unknown.sort_unstable();
            unknown.dedup();
            unknown
                .into_iter()
                .map(|id| Cow::Borrowed(self.vocabulary.fact_name(id)))
                .collect()
        } else {
            Vec::new()
        };
        (truth, reasons, missing)
    }

    fn seen<'g>(&'g self, fact: FactId, slot: &Slot) -> Option<SeenValue<'g>> {
        let fact_type = &self.vocabulary.fact(fact)?.fact_type;
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
}

/// Evaluation options resolved to indices.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    /// Largest evidence rank kept (0 is the strongest).
    max_rank: Option<usize>,
    audience: Option<usize>,
}

impl Filter {
    fn keeps(&self, guide: &Guide, rule: &Rule) -> bool {
        let evidence_ok = match (self.max_rank, rule.kind) {
            (Some(max), RuleKind::Recommendation) => {
                let unrated = rule
                    .evidence
                    .and_then(|r| guide.evidence.get(r))
                    .is_some_and(|l| l.unrated);
                let max_unrated = guide.evidence.get(max).is_some_and(|l| l.unrated);
                rule.evidence.is_some_and(|r| r <= max) && (!unrated || max_unrated)
            }
            _ => true,
        };
        evidence_ok && self.keeps_audiences(&rule.audiences)
    }

    fn keeps_audiences(&self, audiences: &[usize]) -> bool {
        match self.audience {
            Some(a) => audiences.is_empty() || audiences.contains(&a),
            None => true,
        }
    }
}
