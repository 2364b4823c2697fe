//! A guide's recommendations and key principles, compiled: what each says, its evidence, when it
//! applies, its "how" points, its sources, and what its words say of the services that deliver
//! it (`fit:`).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::condition::Condition;
use crate::error::Position;
use crate::ids::NodeId;
use crate::language::{Delivery, Format, Structure, Wording};

/// Whether a rule is one of the guide's recommendations or one of its key principles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// An evidence-rated recommendation.
    Recommendation,
    /// A key principle: conditions for successful delivery of the recommendations.
    Principle,
}

impl RuleKind {
    /// `recommendation` or `principle`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Recommendation => "recommendation",
            RuleKind::Principle => "principle",
        }
    }
}

/// A recommendation or key principle, compiled.
///
/// Serialized as its id, kind, title, statement, evidence level (id), audiences, outcomes, links,
/// why, actions and sources.
#[derive(Debug, Clone)]
pub struct Rule {
    pub(crate) kind: RuleKind,
    pub(crate) id: String,
    /// Where its id is written (in recommendations.yaml or principles.yaml).
    pub(crate) at: Option<Position>,
    pub(crate) title: String,
    pub(crate) statement: String,
    /// Index into the evidence scale (recommendations only).
    pub(crate) evidence: Option<usize>,
    pub(crate) outcomes: Vec<usize>,
    pub(crate) audiences: Vec<usize>,
    /// For a recommendation, its principles; for a principle, the recommendations linking to it.
    pub(crate) links: Vec<usize>,
    /// `None` for a principle that applies to every family in scope. The compiler's tree, for
    /// the exact analysis; evaluation reads `root`.
    pub(crate) condition: Option<Condition>,
    /// Its condition in the guide's arena.
    pub(crate) root: Option<NodeId>,
    pub(crate) actions: Vec<Action>,
    pub(crate) sources: Vec<Source>,
    /// What the rule's statement says of the services that deliver it (`fit:`).
    pub(crate) fit: Option<Fit>,
    /// The ids and texts results show, resolved once at load so that results can borrow them.
    pub(crate) shown: Shown,
}

/// A rule's lists as results show them (ids rather than indices), built once at load time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shown {
    pub(crate) evidence: Option<String>,
    pub(crate) links: Vec<Cow<'static, str>>,
    pub(crate) outcomes: Vec<Cow<'static, str>>,
    pub(crate) audiences: Vec<Cow<'static, str>>,
    pub(crate) why: Vec<Cow<'static, str>>,
}

impl Rule {
    /// Recommendation or principle.
    pub fn kind(&self) -> RuleKind {
        self.kind
    }
    /// The rule's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The rule's title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// The rule's statement, worded as its sources say.
    pub fn statement(&self) -> &str {
        &self.statement
    }
    /// The id of the rule's evidence level (recommendations only).
    pub fn evidence(&self) -> Option<&str> {
        self.shown.evidence.as_deref()
    }
    /// The ids of the audiences it is written for.
    pub fn audiences(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.shown.audiences.iter().map(AsRef::as_ref)
    }
    /// The ids of the outcomes it targets.
    pub fn outcomes(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.shown.outcomes.iter().map(AsRef::as_ref)
    }
    /// For a recommendation, the ids of its principles; for a principle, of the recommendations
    /// linking to it.
    pub fn links(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.shown.links.iter().map(AsRef::as_ref)
    }
    /// Why the guide makes it.
    pub fn why(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.shown.why.iter().map(AsRef::as_ref)
    }
    /// When it applies, in words (named conditions expanded), within the guide's scope; `None`
    /// for a principle that applies to every family in scope.
    pub fn when(&self) -> Option<String> {
        self.condition.as_ref().map(Condition::words)
    }
    /// Its "how" points.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// Its "how" point at `index`.
    #[expect(
        clippy::indexing_slicing,
        reason = "action positions are minted by this guide's evaluator (see crate::ids)"
    )]
    pub(crate) fn action(&self, index: usize) -> &Action {
        &self.actions[index]
    }
    /// Where it comes from.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            id: &'a str,
            kind: RuleKind,
            title: &'a str,
            statement: &'a str,
            evidence: Option<&'a str>,
            audiences: &'a [Cow<'static, str>],
            outcomes: &'a [Cow<'static, str>],
            links: &'a [Cow<'static, str>],
            why: &'a [Cow<'static, str>],
            actions: &'a [Action],
            sources: &'a [Source],
        }
        Json {
            id: &self.id,
            kind: self.kind,
            title: &self.title,
            statement: &self.statement,
            evidence: self.evidence(),
            audiences: &self.shown.audiences,
            outcomes: &self.shown.outcomes,
            links: &self.shown.links,
            why: &self.shown.why,
            actions: &self.actions,
            sources: &self.sources,
        }
        .serialize(serializer)
    }
}

/// One "how" point of a rule, possibly narrowed by its own condition.
///
/// Serialized as its id, text and audiences.
#[derive(Debug, Clone)]
pub struct Action {
    pub(crate) id: String,
    /// Where its id is written.
    pub(crate) at: Option<Position>,
    pub(crate) text: String,
    pub(crate) audiences: Vec<usize>,
    /// `audiences` as ids, for results to borrow.
    pub(crate) audience_ids: Vec<Cow<'static, str>>,
    /// The compiler's tree, for the exact analysis; evaluation reads `root`.
    pub(crate) condition: Option<Condition>,
    /// Its own condition in the guide's arena.
    pub(crate) root: Option<NodeId>,
    /// What this point says of the services that deliver its rule (`fit:`).
    pub(crate) fit: Option<Fit>,
}

impl Action {
    /// The point's id, unique within its rule (`RULE#ID` names it from an overlay).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// When it is shown, in words, beyond its rule's condition; `None` when it has no condition
    /// of its own.
    pub fn when(&self) -> Option<String> {
        self.condition.as_ref().map(Condition::words)
    }
    /// What to do.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// The ids of the audiences it is written for.
    pub fn audiences(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.audience_ids.iter().map(AsRef::as_ref)
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            id: &'a str,
            text: &'a str,
            audiences: &'a [Cow<'static, str>],
        }
        Json {
            id: &self.id,
            text: &self.text,
            audiences: &self.audience_ids,
        }
        .serialize(serializer)
    }
}

/// Where a statement comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Source {
    /// The address.
    pub url: String,
    /// Whether the rule's wording is the source's own.
    pub wording: Wording,
    /// Anything a reader should know about the source (e.g. which part of the page).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// The evidence level (by id) this source gives the recommendation, when it gives one. The
    /// loader guarantees that a recommendation rated on the scale (not "rating not known") has a
    /// source giving exactly that rating, and that no source gives a different one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rating: Option<String>,
}

/// A compiled `fit:`: the values that fit, per aspect; an empty list says nothing of the aspect.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fit {
    pub(crate) delivery: Vec<Delivery>,
    pub(crate) format: Vec<Format>,
    pub(crate) structure: Vec<Structure>,
}
