//! # practice-guide
//!
//! Evaluates a family's circumstances against an evidence-rated **Practice Guide**, encoded as
//! YAML rule files, and says which recommendations and key principles apply, how strong the
//! evidence behind each is, why it applies, and where the guide says so.
//!
//! The guide compiled into the crate is Foundations' *Parenting Through Adversity (babies and
//! children 0–10)*; any other guide folder can be loaded at run time.
//!
//! ```
//! use practice_guide::{FamilyProfile, Status};
//!
//! let guide = practice_guide::parenting_through_adversity();
//! let family = FamilyProfile::new()
//!     .with("children_ages", ["age_2"])
//!     .with("service_level", "edge_of_care")
//!     .with("adversities", ["substance_misuse"]);
//! let evaluation = guide.evaluate(&family)?;
//! for rec in evaluation.recommendations().filter(|r| r.status() == Status::Applies) {
//!     println!("{} ({})", rec.title(), rec.evidence().unwrap().label);
//! }
//! # Ok::<(), practice_guide::Error>(())
//! ```
//!
//! The primary types are:
//! - [`Guide`]: a loaded, validated, compiled guide ([`Guide::from_dir`], [`Guide::from_files`],
//!   or the embedded [`parenting_through_adversity`]), optionally with a local offer
//!   ([`Guide::with_overlay_dir`]).
//! - [`FamilyProfile`]: what is known about a family, fact by fact; what it leaves out is
//!   *unknown*, never false.
//! - [`PreparedProfile`]: a profile checked and bound to a guide ([`Guide::prepare`],
//!   [`Guide::read_profile`]): the only step that can fail. Evaluating it cannot.
//! - [`Evaluation`]: the result. It owns what it says of the family and holds the guide that
//!   produced it (cheaply: the guide's parts are shared), so it has no lifetime; its parts are
//!   read through the views of [`result`] ([`RuleResult`](result::RuleResult),
//!   [`Reason`](result::Reason), ...) in the guide's words. It serializes with serde (its JSON
//!   shape is the committed `schema/evaluation.schema.json`; [`Evaluation::write_json`] writes the
//!   same bytes faster), with a plain-text [`Evaluation::report`] and a Markdown
//!   [`Evaluation::to_markdown`]. Every evaluation records the guide's id, version and content
//!   hash (and the overlay's), so a case record can prove which rules produced it.
//! - [`Cache`]: the scratch of evaluation, for a caller that evaluates many profiles (the
//!   convenience methods borrow one from the guide).
//! - [`Error`]: every problem in rule files, a profile or options, each with file, line, column,
//!   the item it is about, a stable code and help; serializable for a service's responses.
//!
//! Two optional features serve the people who write rules: `analysis` (`Guide::analyze`: what
//! can never apply, what says nothing, what nothing uses, exactly, with a smallest example family
//! for every rule), and `schema` (the JSON Schemas of the rule files and results). The rule
//! language itself is documented in [the `reference` module](mod@reference).
//!
//! Evaluation uses three-valued (Kleene) logic: each rule [`Status::Applies`],
//! [`Status::DoesNotApply`], or is [`Status::Undetermined`] with the facts that would decide it.
//!
//! # Incomplete profiles, filters and caseloads
//!
//! ```
//! use practice_guide::{Cache, EvaluationOptions, FamilyProfile, Statuses, Status};
//!
//! let guide = practice_guide::parenting_through_adversity();
//! let strong_only = guide.filter(&EvaluationOptions::new().min_evidence("strong"))?;
//! let family = guide.read_profile("family.yaml", "children_ages: [age_4]\n")?;
//! let evaluation = family.evaluate_filtered(&strong_only);
//! for rec in evaluation.recommendations() {
//!     // Undetermined ones name the facts that would decide them.
//!     let missing: Vec<&str> = rec.missing().collect();
//!     println!("{} {:?} {:?}", rec.id(), rec.status(), missing);
//! }
//! // A caseload reuses one cache and one `Statuses` for every family.
//! let (mut cache, mut statuses) = (Cache::new(), Statuses::new());
//! family.statuses_with(&mut cache, &mut statuses);
//! assert_eq!(statuses.scope(), Status::Undetermined);
//! # Ok::<(), practice_guide::Error>(())
//! ```
//!
//! # Sharing a guide in a server
//!
//! A [`Guide`] is immutable, `Send + Sync` and cheap to clone. Keep it in an
//! `Arc<RwLock<Arc<Guide>>>` (or an `ArcSwap`), take the current `Arc<Guide>` per request, and
//! return the [`Evaluation`] as it is: it holds the guide that produced it, so it outlives the
//! request's handle on the guide. To answer with JSON, [`Evaluation::write_json`] is the fastest
//! way. To reload rules, load the new folder and swap it in only if it loads (requests already
//! running finish on the old one).
//!
//! ```
//! use std::sync::{Arc, RwLock};
//! use practice_guide::{Evaluation, Guide};
//!
//! struct Service {
//!     guide: RwLock<Arc<Guide>>,
//! }
//!
//! impl Service {
//!     fn evaluate(&self, body: &str) -> Result<Evaluation, practice_guide::Error> {
//!         let guide = Arc::clone(&self.guide.read().unwrap());
//!         let family = guide.read_profile_json("request body", body)?;
//!         Ok(family.evaluate())
//!     }
//!
//!     fn reload(&self, rules: &str, overlay: &str) -> Result<(), practice_guide::Error> {
//!         let guide = Guide::from_dir(rules)?.with_overlay_dir(overlay)?;
//!         *self.guide.write().unwrap() = Arc::new(guide); // only a guide that loaded
//!         Ok(())
//!     }
//! }
//!
//! let service = Service {
//!     guide: RwLock::new(Arc::new(practice_guide::parenting_through_adversity().clone())),
//! };
//! service.reload("rules/parenting-through-adversity-0-10", "rules/overlays/example-borough")?;
//! let evaluation = service.evaluate(r#"{"children_ages": ["age_3"], "postcode_district": "ZZ1"}"#)?;
//! assert_eq!(evaluation.overlay().unwrap().id(), "example-borough");
//! let mut body = Vec::new();
//! evaluation.write_json(&mut body); // the response
//! assert!(body.starts_with(b"{\"guide\":"));
//! // Problems serialize, for a 400 response.
//! let err = service.evaluate(r#"{"servce_level": "universal"}"#).unwrap_err();
//! let json = serde_json::to_value(&err).unwrap();
//! assert_eq!(json["problems"][0]["code"], "unknown_fact");
//! assert_eq!(json["problems"][0]["help"], "did you mean `service_level`?");
//! # Ok::<(), practice_guide::Error>(())
//! ```
//!
//! # A local offer
//!
//! A local authority's own parenting offer is an *overlay*, a folder of its own loaded onto the
//! guide with [`Guide::with_overlay_dir`]: its services, who is eligible (in the same condition
//! language), how to refer, and which recommendations each delivers. Evaluations then list, under
//! each recommendation, the local services the family is eligible for, and flag those that do not
//! fit what the guide says ([`ServiceResult`](result::ServiceResult),
//! [`FitFlag`](result::FitFlag)).
//!
//! ```
//! use practice_guide::FamilyProfile;
//!
//! let guide = practice_guide::parenting_through_adversity()
//!     .with_overlay_dir("rules/overlays/example-borough")?; // fictional example
//! let family = FamilyProfile::new()
//!     .with("children_ages", ["age_4"])
//!     .with("adversities", ["substance_misuse"])
//!     .with("service_level", "edge_of_care")
//!     .with("postcode_district", "ZZ5"); // a local fact the overlay adds
//! let evaluation = guide.evaluate(&family)?;
//! let rec = evaluation.rule("reduce-risk-of-harm").unwrap();
//! assert!(rec.services().any(|s| s.id() == "family-help-modules" && s.flags().len() > 0));
//! # Ok::<(), practice_guide::Error>(())
//! ```
//!
//! With the `schema` feature, `practice_guide::schema` generates the JSON Schemas of every kind of
//! rule file and of an evaluation from the crate's types; [`Guide::profile_schema`] gives a
//! profile's for one guide. [`cases`] runs suites of case files (a profile and the results it
//! must get) against a guide. The rule language is described in the repository's
//! `rules/README.md`; `ARCHITECTURE.md` maps the code.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The crate, in the order of its data flow; each module uses only those above it
// (ARCHITECTURE.md; checked by tests/it/architecture.rs).
pub mod limits;
mod ids;
mod suggest;
pub mod error;
mod profile;
#[cfg(test)]
mod testing;
mod language;
mod syntax;
mod model;
pub mod result;
mod load;
mod eval;
#[cfg(test)]
mod oracle;
mod render;
mod embedded;
#[cfg(feature = "analysis")]
pub mod analysis;
pub mod cases;
#[cfg(feature = "schema")]
pub mod schema;

/// The rule language's reference for the people who write rule files: every key of every file,
/// every condition operator, every fact type. Generated from the loader's types and operator
/// table (`rules/REFERENCE.md` in the repository; a test keeps them equal).
#[doc = include_str!("../rules/REFERENCE.md")]
pub mod reference {}

pub use crate::embedded::{
    PARENTING_THROUGH_ADVERSITY_FILES, PARENTING_THROUGH_ADVERSITY_ID, parenting_through_adversity,
};
/// The parts of a loaded guide, as [`Guide`]'s accessors give them: its metadata and evidence
/// scale, its facts and their types, its recommendations and principles with their "how" points
/// and sources, and a local offer's services.
pub mod guide {
    pub use crate::language::{Delivery, Format, Structure, Wording};
    pub use crate::model::guide::{EvidenceLevel, Label, Metadata};
    pub use crate::model::overlay::{FitAspect, Overlay, OverlayMetadata, Referral, Service};
    pub use crate::model::rule::{Action, Rule, RuleKind, Source};
    pub use crate::model::vocabulary::{Fact, FactType, Pattern, Values};
}

pub use crate::error::Error;
pub use crate::eval::{EvaluationOptions, Filter, PreparedProfile, RuleIndices, Statuses};
pub use crate::model::cache::Cache;
pub use crate::model::guide::Guide;
pub use crate::profile::{FactValue, FamilyProfile};
pub use crate::result::{Evaluation, Status};
