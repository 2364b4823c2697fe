//! A local parenting offer layered on a guide (an *overlay*), compiled: its services, who is
//! eligible, what each delivers, and what the guide's own words say services should be (`fit:`).
//!
//! The fit rules are data, not code: a rule or one of its "how" points says `fit:` in the guide's
//! own rule files, only where the guide's words say it. A service delivering a recommendation is
//! flagged when a `fit:` that governs the recommendation (its own, one of its "how" points', or
//! that of a key principle it links to) holds for the family and does not list the service's
//! delivery, format or structure. Which flags a service *can* get under a recommendation, and
//! their messages, depend only on the rules: they are computed when the overlay loads, and
//! evaluation decides only whether each holds for the family.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::arena::Arena;
use super::condition::{Condition, NamedCondition};
use super::json::Fragments;
use super::rule::Fit;
use super::vocabulary::Vocabulary;
use crate::error::Position;
use crate::ids::{NodeId, RuleId};
use crate::language::{Delivery, Format, Structure};

/// A local offer loaded onto a guide: its metadata and services, validated and compiled, with
/// its local facts and named conditions.
///
/// Serialized as its metadata and services.
#[derive(Debug)]
pub struct Overlay {
    pub(crate) metadata: OverlayMetadata,
    /// The local facts, numbered after the guide's.
    pub(crate) vocabulary: Vocabulary,
    /// The local named conditions, numbered after the guide's.
    pub(crate) named: Vec<NamedCondition>,
    pub(crate) services: Vec<Service>,
    /// By recommendation index: the services delivering it, in overlay order.
    pub(crate) delivering: Vec<Vec<Delivered>>,
    /// The conditions of its files (services' ages and eligibility) over the guide's arena, with
    /// every test they write.
    pub(crate) arena: Arena,
    /// Its texts as pieces of an evaluation's JSON.
    pub(crate) json: Fragments,
}

/// What an overlay is: its identity and which guide it extends.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct OverlayMetadata {
    /// The overlay's id, e.g. `example-borough`.
    pub id: String,
    /// The overlay's title.
    pub title: String,
    /// The version of the overlay.
    pub version: String,
    /// The id of the guide it extends.
    pub extends: String,
    /// Who publishes the local offer, if given.
    pub publisher: Option<String>,
    /// Whether the offer is fictional (an example, not a real local authority's services).
    pub fictional: bool,
    /// What every output shows about the overlay (required for a fictional one).
    pub disclaimer: Option<String>,
    /// `sha256:…` of the overlay's files (names and contents, in name order).
    pub content_hash: String,
    /// `sha256:…` of the guide's and the overlay's hashes together: one value for all the rule
    /// files that produce an evaluation.
    pub rules_hash: String,
}

/// A service that delivers a recommendation, or one of its "how" points, with the flags it can
/// get there.
#[derive(Debug, Clone)]
pub(crate) struct Delivered {
    pub(crate) service: usize,
    pub(crate) action: Option<usize>,
    pub(crate) flags: Vec<PossibleFlag>,
}

impl Delivered {
    /// The possible flag at `index`.
    #[expect(
        clippy::indexing_slicing,
        reason = "flag positions are minted by this overlay's evaluator (see crate::ids)"
    )]
    pub(crate) fn flag(&self, index: usize) -> &PossibleFlag {
        &self.flags[index]
    }
}

/// A way a service does not fit the words of a rule that governs what it delivers; whether it
/// applies to a family depends on the rule (and the "how" point) applying.
#[derive(Debug, Clone)]
pub(crate) struct PossibleFlag {
    pub(crate) aspect: FitAspect,
    pub(crate) offered: &'static str,
    pub(crate) fits: Vec<Cow<'static, str>>,
    /// The rule whose words these are.
    pub(crate) owner: RuleId,
    /// The owner's "how" point whose `fit:` this is; `None` for the rule's own.
    pub(crate) action: Option<usize>,
    /// The flag in one sentence, citing the rule and its words.
    pub(crate) message: String,
}

/// One local service or programme.
#[derive(Debug, Clone)]
pub struct Service {
    pub(crate) id: String,
    /// Where its id is written.
    #[cfg_attr(not(feature = "analysis"), allow(dead_code))]
    pub(crate) at: Option<Position>,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) delivery: Delivery,
    pub(crate) format: Format,
    pub(crate) structure: Structure,
    pub(crate) ages: String,
    /// The compiler's trees, for the exact analysis; evaluation reads the roots.
    pub(crate) ages_condition: Condition,
    pub(crate) condition: Option<Condition>,
    /// Its ages, and its own eligibility, in the overlay's arena.
    pub(crate) ages_root: NodeId,
    pub(crate) eligible_root: Option<NodeId>,
    pub(crate) referral: Referral,
    pub(crate) delivers: Vec<String>,
}

/// How to refer a family to a service, and whom to contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Referral {
    /// How to refer (who may refer, by what route).
    pub how: String,
    /// Whom to contact (a team, a telephone number, an address).
    pub contact: String,
    /// A web page for referrals, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Which aspect of a service a flag is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FitAspect {
    /// Face-to-face, online or hybrid.
    Delivery,
    /// Group or individual.
    Format,
    /// Fixed or flexible.
    Structure,
}

impl FitAspect {
    /// `delivery`, `format` or `structure`.
    pub fn as_str(self) -> &'static str {
        match self {
            FitAspect::Delivery => "delivery",
            FitAspect::Format => "format",
            FitAspect::Structure => "structure",
        }
    }
}

/// One aspect of a service that a `fit:` does not allow: (aspect, the service's value, the
/// values that fit).
pub(crate) type Misfit = (FitAspect, &'static str, Vec<&'static str>);

impl Service {
    /// What of the service `fit` does not allow.
    pub(crate) fn misfits(&self, fit: &Fit) -> Vec<Misfit> {
        fn check<K: Copy + PartialEq>(
            aspect: FitAspect,
            fits: &[K],
            offered: K,
            word: fn(K) -> &'static str,
            out: &mut Vec<Misfit>,
        ) {
            if !fits.is_empty() && !fits.contains(&offered) {
                out.push((
                    aspect,
                    word(offered),
                    fits.iter().map(|k| word(*k)).collect(),
                ));
            }
        }
        let mut out = Vec::new();
        check(
            FitAspect::Delivery,
            &fit.delivery,
            self.delivery,
            Delivery::as_str,
            &mut out,
        );
        check(
            FitAspect::Format,
            &fit.format,
            self.format,
            Format::as_str,
            &mut out,
        );
        check(
            FitAspect::Structure,
            &fit.structure,
            self.structure,
            Structure::as_str,
            &mut out,
        );
        out
    }
}

impl Overlay {
    /// The service at `index`.
    #[expect(
        clippy::indexing_slicing,
        reason = "service positions are minted by this overlay's loader (see crate::ids)"
    )]
    pub(crate) fn service(&self, index: usize) -> &Service {
        &self.services[index]
    }

    /// The delivery at `delivered` of the recommendation at `recommendation`.
    #[expect(
        clippy::indexing_slicing,
        reason = "delivery positions are minted by this overlay's loader (see crate::ids)"
    )]
    pub(crate) fn delivered(&self, recommendation: usize, delivered: usize) -> &Delivered {
        &self.delivering[recommendation][delivered]
    }

    /// The overlay's id.
    pub fn id(&self) -> &str {
        &self.metadata.id
    }

    /// Everything known about the overlay itself.
    pub fn metadata(&self) -> &OverlayMetadata {
        &self.metadata
    }

    /// The services, in file order.
    pub fn services(&self) -> &[Service] {
        &self.services
    }
}

impl Serialize for Overlay {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            #[serde(flatten)]
            metadata: &'a OverlayMetadata,
            services: &'a [Service],
        }
        Json {
            metadata: &self.metadata,
            services: &self.services,
        }
        .serialize(serializer)
    }
}

impl Service {
    /// The service's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The service's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// What it offers.
    pub fn description(&self) -> &str {
        &self.description
    }
    /// How it is delivered.
    pub fn delivery(&self) -> Delivery {
        self.delivery
    }
    /// Group or individual.
    pub fn format(&self) -> Format {
        self.format
    }
    /// Fixed or flexible.
    pub fn structure(&self) -> Structure {
        self.structure
    }
    /// The ages it is for, in words.
    pub fn ages(&self) -> &str {
        &self.ages
    }
    /// How to refer, and whom to contact.
    pub fn referral(&self) -> &Referral {
        &self.referral
    }
    /// What it delivers, as written: recommendation ids, or `RECOMMENDATION#ACTION` for one of a
    /// recommendation's "how" points, by its id.
    pub fn delivers(&self) -> &[String] {
        &self.delivers
    }
}

impl Serialize for Service {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            id: &'a str,
            name: &'a str,
            description: &'a str,
            delivery: Delivery,
            format: Format,
            structure: Structure,
            ages: &'a str,
            referral: &'a Referral,
            delivers: &'a [String],
        }
        Json {
            id: &self.id,
            name: &self.name,
            description: &self.description,
            delivery: self.delivery,
            format: self.format,
            structure: self.structure,
            ages: &self.ages,
            referral: &self.referral,
            delivers: &self.delivers,
        }
        .serialize(serializer)
    }
}
