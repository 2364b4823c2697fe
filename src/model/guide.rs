//! A loaded guide: its metadata, evidence scale, vocabulary, named conditions, principles and
//! recommendations, validated and compiled; and, optionally, a local offer layered on it.
//!
//! A [`Guide`] is a shared core plus an optional overlay layer, each behind an `Arc`: cloning a
//! guide, or loading an overlay onto one, never copies the core.

use std::sync::Arc;

use serde::Serialize;

use super::arena::{Arena, Layers, Site};
use super::cache::Pool;
use super::condition::{Condition, NamedCondition, Test};
use super::json::Fragments;
use super::overlay::Overlay;
use super::program::Program;
use super::rule::{Rule, Source};
use super::value::FactId;
use super::vocabulary::{Fact, Vocab, Vocabulary};
use crate::ids::{ActionName, ActionRef, NamedId, NodeId, RuleId};

/// A practice guide, loaded and validated, ready to evaluate profiles.
///
/// A `Guide` is immutable, `Send` and `Sync`, and cheap to clone (its parts are shared): load it
/// once and share it between threads.
///
/// ```
/// let guide = practice_guide::parenting_through_adversity();
/// assert_eq!(guide.id(), "parenting-through-adversity-0-10");
/// assert!(guide.recommendations().count() >= 2);
/// ```
///
/// It serializes as a description of the guide for services and editors: its metadata, the
/// evidence scale, audiences, outcomes, the vocabulary (facts an overlay added are marked
/// `"local": true`), recommendations and principles, and the overlay's services.
#[derive(Debug, Clone)]
pub struct Guide {
    pub(crate) core: Arc<Core>,
    pub(crate) overlay: Option<Arc<Overlay>>,
    /// Caches lent to the evaluations that do not bring their own.
    pub(crate) pool: Arc<Pool>,
}

/// Everything a guide's own rule files define.
#[derive(Debug)]
pub(crate) struct Core {
    pub(crate) metadata: Metadata,
    pub(crate) evidence: Vec<EvidenceLevel>,
    pub(crate) audiences: Vec<Label>,
    pub(crate) outcomes: Vec<Label>,
    pub(crate) vocabulary: Vocabulary,
    pub(crate) named: Vec<NamedCondition>,
    pub(crate) scope: Option<Scope>,
    pub(crate) recommendations: Vec<Rule>,
    pub(crate) principles: Vec<Rule>,
    /// Every condition of the guide's files, laid out flat, with every test they write.
    pub(crate) arena: Arena,
    /// The conditions again, compiled for statuses (recommendations, then principles).
    pub(crate) program: Program,
    /// Its texts as pieces of an evaluation's JSON.
    pub(crate) json: Fragments,
}

impl Core {
    /// Every rule with its id: the recommendations in order, then the principles.
    #[cfg(feature = "analysis")]
    pub(crate) fn rules(&self) -> impl Iterator<Item = (RuleId, &Rule)> + Clone {
        let rules = self.recommendations.iter().chain(&self.principles);
        rules.enumerate().map(|(i, rule)| (RuleId::new(i), rule))
    }

    /// The rule `id`.
    #[expect(
        clippy::indexing_slicing,
        reason = "rule ids are minted by this guide's loader (see model::ids)"
    )]
    pub(crate) fn rule(&self, id: RuleId) -> &Rule {
        let i = id.index();
        match i.checked_sub(self.recommendations.len()) {
            None => &self.recommendations[i],
            Some(p) => &self.principles[p],
        }
    }

    /// An action's full name, `rule#action`.
    #[cfg_attr(not(feature = "analysis"), allow(dead_code))]
    pub(crate) fn action_name(&self, action: ActionRef) -> ActionName<'_> {
        let rule = self.rule(action.rule);
        let id = rule
            .actions
            .get(action.index())
            .map_or("?", |a| a.id.as_str());
        ActionName {
            rule: &rule.id,
            action: id,
        }
    }

    /// The id of the recommendation at `index`, or of the principle at `index`.
    pub(crate) fn rule_id(&self, kind: super::rule::RuleKind, index: usize) -> RuleId {
        match kind {
            super::rule::RuleKind::Recommendation => RuleId::new(index),
            super::rule::RuleKind::Principle => RuleId::new(self.recommendations.len() + index),
        }
    }

    /// The guide's own vocabulary (without an overlay's facts).
    pub(crate) fn vocab(&self) -> Vocab<'_> {
        Vocab {
            core: &self.vocabulary,
            local: None,
        }
    }

    /// The scope's condition, if the guide has a scope.
    pub(crate) fn scope_root(&self) -> Option<NodeId> {
        self.scope.as_ref().map(|s| s.root)
    }
}

/// What a guide is: its identity, where it comes from, and which encoding of it this is.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Metadata {
    /// The guide's id, e.g. `parenting-through-adversity-0-10`.
    pub id: String,
    /// The guide's title.
    pub title: String,
    /// Who publishes the guide.
    pub publisher: String,
    /// Publication date: a year, a year and month or a day (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
    pub published: String,
    /// The guide's address.
    pub source: String,
    /// The version of this encoding of the guide (not of the guide itself).
    pub version: String,
    /// A short summary of the guide, if given.
    pub summary: Option<String>,
    /// `sha256:` and the hex SHA-256 of the rule files (names and contents, in name order), so a
    /// case record can say exactly which rules produced a result.
    pub content_hash: String,
}

/// A level of a guide's evidence scale.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct EvidenceLevel {
    /// The level's id, as recommendations name it (e.g. `strong`).
    pub id: String,
    /// The level's label (e.g. `Strong evidence`).
    pub label: String,
    /// The level's definition; `None` where it is not known.
    pub definition: Option<String>,
    /// Whether this is the level for "rating not known"; it sorts below every rated level.
    pub unrated: bool,
    /// Where the level and its definition come from.
    pub sources: Vec<Source>,
}

/// An id with a human label (an audience, an outcome, a named condition).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Label {
    /// The id rule files use.
    pub id: String,
    /// What people read.
    pub label: String,
}

/// The guide's scope: which families it is for.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub(crate) description: String,
    /// The compiler's tree, for the exact analysis.
    pub(crate) condition: Condition,
    pub(crate) root: NodeId,
}

impl Guide {
    /// A guide of a core and an optional overlay, with a pool of its own.
    pub(crate) fn new(core: Arc<Core>, overlay: Option<Arc<Overlay>>) -> Guide {
        Guide {
            core,
            overlay,
            pool: Arc::default(),
        }
    }

    /// Whether `other` is this very guide (or a clone of it), not another load of the same files.
    pub(crate) fn same_as(&self, other: &Guide) -> bool {
        let overlay = match (&self.overlay, &other.overlay) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        overlay && Arc::ptr_eq(&self.core, &other.core)
    }

    /// The guide's id.
    pub fn id(&self) -> &str {
        &self.core.metadata.id
    }

    /// The guide's title.
    pub fn title(&self) -> &str {
        &self.core.metadata.title
    }

    /// The version of this encoding.
    pub fn version(&self) -> &str {
        &self.core.metadata.version
    }

    /// `sha256:…` of the guide's own rule files (an overlay's are in its
    /// [`OverlayMetadata`](crate::guide::OverlayMetadata)).
    pub fn content_hash(&self) -> &str {
        &self.core.metadata.content_hash
    }

    /// Everything known about the guide itself.
    pub fn metadata(&self) -> &Metadata {
        &self.core.metadata
    }

    /// The evidence scale, strongest level first; an unrated level, if any, last.
    pub fn evidence_scale(&self) -> &[EvidenceLevel] {
        &self.core.evidence
    }

    /// The audiences rules are written for.
    pub fn audiences(&self) -> &[Label] {
        &self.core.audiences
    }

    /// The outcomes rules target.
    pub fn outcomes(&self) -> &[Label] {
        &self.core.outcomes
    }

    /// The fact vocabulary: the guide's facts in declaration order, then an overlay's.
    pub fn facts(&self) -> impl Iterator<Item = &Fact> + Clone {
        self.vocab().facts()
    }

    /// The fact named `name`, if the vocabulary has one.
    pub fn fact(&self, name: &str) -> Option<&Fact> {
        let vocab = self.vocab();
        vocab.lookup(name).and_then(|id| vocab.fact(id))
    }

    /// The recommendations, in guide order.
    pub fn recommendations(&self) -> impl ExactSizeIterator<Item = &Rule> + Clone {
        self.core.recommendations.iter()
    }

    /// The key principles, in guide order.
    pub fn principles(&self) -> impl ExactSizeIterator<Item = &Rule> + Clone {
        self.core.principles.iter()
    }

    /// The local offer this guide was loaded with, if any.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlay.as_deref()
    }

    /// Every test written in the guide's files, then in the overlay's, once each.
    #[cfg_attr(not(feature = "analysis"), allow(dead_code))]
    pub(crate) fn sites(&self) -> impl Iterator<Item = &Site> {
        self.layers().sites()
    }

    /// Every test written of `fact` in the guide's files, then the overlay's, once per site.
    #[cfg_attr(not(feature = "analysis"), allow(dead_code))]
    pub(crate) fn tests_of(&self, fact: FactId) -> impl Iterator<Item = &Test> + Clone {
        let layers = self.layers();
        layers
            .sites()
            .filter(move |s| s.fact == fact)
            .map(move |s| &layers.test(s.test).1)
    }

    /// The test a site writes.
    #[cfg_attr(not(feature = "analysis"), allow(dead_code))]
    pub(crate) fn test_of(&self, site: &Site) -> &Test {
        &self.layers().test(site.test).1
    }

    /// The condition arenas: the guide's, and the overlay's over it.
    pub(crate) fn layers(&self) -> Layers<'_> {
        Layers {
            core: &self.core.arena,
            local: self.overlay.as_deref().map(|o| &o.arena),
        }
    }

    /// The whole vocabulary, the overlay's facts included.
    pub(crate) fn vocab(&self) -> Vocab<'_> {
        Vocab {
            core: &self.core.vocabulary,
            local: self.overlay.as_deref().map(|o| &o.vocabulary),
        }
    }

    /// The id of the named condition `named` (the guide's, then the overlay's).
    pub(crate) fn named_condition_id(&self, named: NamedId) -> Option<&str> {
        let core = &self.core.named;
        match named.index().checked_sub(core.len()) {
            None => core.get(named.index()),
            Some(local) => self.overlay.as_deref()?.named.get(local),
        }
        .map(|n| n.id.as_str())
    }
}

impl Serialize for Guide {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            #[serde(flatten)]
            metadata: &'a Metadata,
            evidence: &'a [EvidenceLevel],
            audiences: &'a [Label],
            outcomes: &'a [Label],
            facts: Vec<&'a Fact>,
            named_conditions: Vec<&'a NamedCondition>,
            recommendations: &'a [Rule],
            principles: &'a [Rule],
            #[serde(skip_serializing_if = "Option::is_none")]
            overlay: Option<&'a Overlay>,
        }
        Json {
            metadata: &self.core.metadata,
            evidence: &self.core.evidence,
            audiences: &self.core.audiences,
            outcomes: &self.core.outcomes,
            facts: self.facts().collect(),
            named_conditions: self
                .core
                .named
                .iter()
                .chain(self.overlay().into_iter().flat_map(|o| &o.named))
                .collect(),
            recommendations: &self.core.recommendations,
            principles: &self.core.principles,
            overlay: self.overlay(),
        }
        .serialize(serializer)
    }
}
