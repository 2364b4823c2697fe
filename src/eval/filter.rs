//! Evaluation options (a minimum evidence level, an audience), resolved once against a guide
//! into a [`Filter`] that evaluations apply without failing.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Input, Item, Problem, ProblemKind};
use crate::model::guide::{Core, Guide};
use crate::model::rule::{Rule, RuleKind};

/// What to keep of an evaluation: options as a caller (or a request) gives them, by id.
///
/// ```
/// use practice_guide::EvaluationOptions;
/// let options = EvaluationOptions::new().min_evidence("strong").audience("practitioners");
/// let json: EvaluationOptions = serde_json::from_str(
///     r#"{"min_evidence": "strong", "audience": "practitioners"}"#,
/// )?;
/// assert_eq!(options, json);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct EvaluationOptions {
    /// Keep only recommendations rated at this evidence level or stronger (by id, e.g. `good`).
    /// An unrated level sorts below every rated one.
    pub min_evidence: Option<String>,
    /// Keep only rules, and actions, written for this audience (by id); rules and actions that
    /// name no audience are kept.
    pub audience: Option<String>,
    /// Leave out what remains open of undetermined results: their residuals, the values that
    /// would decide them, and the questions. Statuses, reasons and missing facts stay. For a
    /// caseload that asks no one anything, this is most of the cost of a half-known family's
    /// full result. Absent from the JSON when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub skip_open: bool,
}

impl EvaluationOptions {
    /// No options: keep everything.
    pub fn new() -> Self {
        EvaluationOptions::default()
    }

    /// Keep only recommendations rated at `level` (an evidence level's id) or stronger.
    #[must_use]
    pub fn min_evidence(mut self, level: impl Into<String>) -> Self {
        self.min_evidence = Some(level.into());
        self
    }

    /// Keep only rules and actions written for `audience` (an audience's id) or for everyone.
    #[must_use]
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Leave out residuals, deciding values and questions (see [`EvaluationOptions::skip_open`]).
    #[must_use]
    pub fn skip_open(mut self) -> Self {
        self.skip_open = true;
        self
    }
}

/// Evaluation options resolved against a guide ([`Guide::filter`]): applying one to an
/// evaluation cannot fail.
///
/// A filter resolved by one guide and applied to a profile prepared by another keeps what its
/// ids name there: nothing rated, if that guide has no such evidence level; only the rules
/// written for everyone, if it has no such audience.
#[derive(Debug, Clone)]
pub struct Filter {
    /// The guide it was resolved against, to know when its indices hold.
    core: Arc<Core>,
    options: EvaluationOptions,
    /// Largest evidence rank kept (0 is the strongest).
    max_rank: Option<usize>,
    audience: Option<usize>,
}

/// A filter's indices for one guide.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Resolved {
    /// `Some(None)`: a level the guide does not have, so nothing rated is kept.
    max_rank: Option<Option<usize>>,
    audience: Option<Option<usize>>,
    /// Leave out what remains open of undetermined results.
    pub(crate) skip_open: bool,
}

impl Guide {
    /// Resolves evaluation options against this guide, once: an unknown evidence level or
    /// audience is an error (with the closest id), so that a typo never quietly filters
    /// everything out.
    ///
    /// ```
    /// use practice_guide::EvaluationOptions;
    /// let guide = practice_guide::parenting_through_adversity();
    /// let err = guide.filter(&EvaluationOptions::new().min_evidence("strnog")).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "option `min_evidence`: unknown evidence level `strnog` \
    ///      (did you mean `strong`? one of: strong, good, promising, not_known)"
    /// );
    /// ```
    pub fn filter(&self, options: &EvaluationOptions) -> Result<Filter, Error> {
        let mut problems = Vec::new();
        let mut unknown = |option: &str, what: &str, name: &str, known: Vec<&str>| {
            let kind = ProblemKind::unknown(what, name, known);
            let item = Some(Item::Option(option.to_owned()));
            problems.push(Problem::new(Input::Options, None, kind).about(item));
        };
        let core = &self.core;
        let max_rank = options.min_evidence.as_deref().and_then(|level| {
            let rank = rank_of(core, level);
            if rank.is_none() {
                let known = core.evidence.iter().map(|l| l.id.as_str()).collect();
                unknown("min_evidence", "evidence level", level, known);
            }
            rank
        });
        let audience = options.audience.as_deref().and_then(|audience| {
            let index = audience_of(core, audience);
            if index.is_none() {
                let known = core.audiences.iter().map(|a| a.id.as_str()).collect();
                unknown("audience", "audience", audience, known);
            }
            index
        });
        if !problems.is_empty() {
            return Err(Error::new(problems));
        }
        Ok(Filter {
            core: Arc::clone(&self.core),
            options: options.clone(),
            max_rank,
            audience,
        })
    }
}

fn rank_of(core: &Core, level: &str) -> Option<usize> {
    core.evidence.iter().position(|l| l.id == level)
}

fn audience_of(core: &Core, audience: &str) -> Option<usize> {
    core.audiences.iter().position(|a| a.id == audience)
}

impl Filter {
    /// The options this filter was resolved from.
    pub fn options(&self) -> &EvaluationOptions {
        &self.options
    }

    /// The filter's indices for `guide`'s rules.
    pub(crate) fn resolve(&self, guide: &Guide) -> Resolved {
        if Arc::ptr_eq(&self.core, &guide.core) {
            return Resolved {
                max_rank: self.max_rank.map(Some),
                audience: self.audience.map(Some),
                skip_open: self.options.skip_open,
            };
        }
        let core = &guide.core;
        Resolved {
            max_rank: self
                .options
                .min_evidence
                .as_deref()
                .map(|l| rank_of(core, l)),
            audience: self
                .options
                .audience
                .as_deref()
                .map(|a| audience_of(core, a)),
            skip_open: self.options.skip_open,
        }
    }
}

impl Resolved {
    /// Whether the filter keeps `rule` of `guide`.
    pub(crate) fn keeps(&self, guide: &Guide, rule: &Rule) -> bool {
        let evidence = &guide.core.evidence;
        let evidence_ok = match (self.max_rank, rule.kind) {
            (Some(None), RuleKind::Recommendation) => false,
            (Some(Some(max)), RuleKind::Recommendation) => {
                let unrated = |rank: usize| evidence.get(rank).is_some_and(|l| l.unrated);
                rule.evidence
                    .is_some_and(|r| r <= max && (!unrated(r) || unrated(max)))
            }
            _ => true,
        };
        evidence_ok && self.keeps_audiences(&rule.audiences)
    }

    /// Whether the filter keeps a rule or action written for `audiences` (none: for everyone).
    pub(crate) fn keeps_audiences(&self, audiences: &[usize]) -> bool {
        match self.audience {
            Some(Some(a)) => audiences.is_empty() || audiences.contains(&a),
            Some(None) => audiences.is_empty(),
            None => true,
        }
    }
}
