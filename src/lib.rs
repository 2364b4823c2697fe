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
//! for rec in evaluation.recommendations.iter().filter(|r| r.status == Status::Applies) {
//!     println!("{} ({})", rec.title, rec.evidence.as_ref().unwrap().label);
//! }
//! # Ok::<(), practice_guide::Error>(())
//! ```
//!
//! The primary types are:
//! - [`Guide`]: a loaded, validated, compiled guide ([`Guide::from_dir`], [`Guide::from_files`],
//!   or the embedded [`parenting_through_adversity`]).
//! - [`FamilyProfile`]: what is known about a family, fact by fact; what it leaves out is
//!   *unknown*, never false.
//! - [`Evaluation`]: the result, serializable with serde (its JSON shape is the committed
//!   `schema/evaluation.schema.json`), with a plain-text [`Evaluation::report`] and a Markdown
//!   [`Evaluation::to_markdown`] for case notes and web pages. Every evaluation records the guide's
//!   id, version and content hash (and the overlay's), so a case record can prove which rules
//!   produced it.
//! - [`Error`]: every problem in a rule file or profile, each with file, line, column and rule.
//!
//! A local authority's own parenting offer is an *overlay*, a folder of its own loaded onto the
//! guide with [`Guide::with_overlay_dir`]: its services, who is eligible (in the same condition
//! language), how to refer, and which recommendations each delivers. Evaluations then list, under
//! each recommendation, the local services the family is eligible for, and flag those that do not
//! fit what the guide says ([`ServiceResult`], [`FitFlag`]).
//!
//! ```
//! use practice_guide::{FamilyProfile, Status};
//!
//! let guide = practice_guide::parenting_through_adversity()
//!     .with_overlay_dir("rules/overlays/example-borough")?; // fictional example
//! let family = FamilyProfile::new()
//!     .with("children_ages", ["age_4"])
//!     .with("adversities", ["substance_misuse"])
//!     .with("service_level", "edge_of_care")
//!     .with("postcode_district", "ZZ5"); // a local fact the overlay adds
//! let evaluation = guide.evaluate(&family)?;
//! let rec = evaluation.recommendations.iter().find(|r| r.id == "reduce-risk-of-harm").unwrap();
//! for service in &rec.services {
//!     println!("{} ({:?}): {} flag(s)", service.name, service.status, service.flags.len());
//! }
//! assert!(rec.services.iter().any(|s| s.id == "family-help-modules" && !s.flags.is_empty()));
//! # Ok::<(), practice_guide::Error>(())
//! ```
//!
//! With the `schema` feature, `practice_guide::schema` generates the JSON Schemas of every kind of
//! rule file and of an evaluation from the crate's types (the repository commits them; editors
//! validate rule files against them as you type).
//!
//! Evaluation uses three-valued (Kleene) logic: each rule [`Status::Applies`],
//! [`Status::DoesNotApply`], or is [`Status::Undetermined`] with the facts that would decide it.
//!
//! [`cases`] runs suites of case files (a profile and the results it must get) against a guide,
//! so the people who maintain a guide's rules can check every change against the guide's text.
//!
//! The rule language is described in the repository's `rules/README.md` and at the top of
//! `src/condition.rs`; `ARCHITECTURE.md` maps the code.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cases;
mod condition;
mod embedded;
mod error;
mod evaluation;
mod files;
mod fit;
mod guide;
pub mod limits;
mod markdown;
mod overlay;
mod profile;
mod program;
mod report;
#[cfg(feature = "schema")]
pub mod schema;
mod statuses;
mod suggest;
mod vocabulary;
mod yaml;

pub use crate::embedded::{
    PARENTING_THROUGH_ADVERSITY_FILES, PARENTING_THROUGH_ADVERSITY_ID, parenting_through_adversity,
};
pub use crate::error::{Error, Position, Problem, ProblemKind, Suggestion};
pub use crate::evaluation::{
    ActionResult, Evaluation, EvaluationOptions, EvidenceRef, GuideStamp, Reason, RuleResult,
    ScopeResult, SeenValue, Status, TestResult, Texts,
};
pub use crate::guide::{EvidenceLevel, Guide, Label, Metadata, Rule, RuleKind, Source, Wording};
pub use crate::overlay::{
    Delivery, FitAspect, FitFlag, Format, Overlay, OverlayMetadata, OverlayStamp, Referral,
    Service, ServiceResult, Structure,
};
pub use crate::profile::{FactValue, FamilyProfile};
pub use crate::statuses::{PreparedProfile, RuleIndices, Statuses};
pub use crate::vocabulary::{Fact, FactType, Values};
