//! A local parenting offer layered on a guide: an *overlay*.
//!
//! A guide asks leaders for "a clearly communicated local parenting offer, and easy referral
//! pathways". An overlay describes one, in its own folder, without editing the guide:
//!
//! | file | holds |
//! |---|---|
//! | `overlay.yaml` | id, title, version, the guide it `extends`, whether it is `fictional` (and its disclaimer) |
//! | `services.yaml` | the local services and programmes, and which recommendations (or "how" points) each delivers |
//! | `facts.yaml` (optional) | local facts added to the guide's vocabulary (e.g. `postcode_district`) |
//! | `conditions.yaml` (optional) | local named conditions |
//!
//! Loading an overlay onto a guide ([`Guide::with_overlay_dir`], [`Guide::with_overlay_files`])
//! checks it against the guide as strictly as the guide's own files: unknown recommendations,
//! facts, values, operators and keys are errors naming file, line, column and service. Evaluating
//! a profile with the result lists, under each recommendation that applies (or is undetermined),
//! the local services that deliver it and the family is eligible for, with the reasons, and
//! flags those that do not fit what the guide says (see `src/fit.rs`).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::condition::{Compiler, Condition, NamedConditions, Truth};
use crate::error::{Error, Position, Problem, ProblemKind};
use crate::evaluation::{Reason, RuleResult, Status};
use crate::files::{self, ConditionsFile, FactsFile};
use crate::fit::{self, Fit, Keyword};
use crate::guide::{self, Guide, Label, Rule, Source};
use crate::limits;
use crate::profile::Facts;
use crate::suggest;
use crate::vocabulary::{Vocabulary, check_identifier};
use crate::yaml::{self, Raw, Spanned};

const OVERLAY_FILE: &str = "overlay.yaml";
const SERVICES_FILE: &str = "services.yaml";
const ALL_FILES: [(&str, bool); 4] = [
    (OVERLAY_FILE, true),
    (files::FACTS_FILE, false),
    (files::CONDITIONS_FILE, false),
    (SERVICES_FILE, true),
];

/// How a service is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// In person.
    FaceToFace,
    /// Online only.
    Online,
    /// Partly in person, partly online.
    Hybrid,
}

/// Whether a service works with parents in groups or one family at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A group of parents.
    Group,
    /// One family at a time.
    Individual,
}

/// Whether a programme follows a fixed structure or adapts its content and sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Structure {
    /// A fixed, structured programme (set sessions and content).
    Fixed,
    /// A flexible or modular programme.
    Flexible,
}

impl Keyword for Delivery {
    const WHAT: &'static str = "delivery";
    const ALL: &'static [Self] = &[Delivery::FaceToFace, Delivery::Online, Delivery::Hybrid];
    fn as_str(self) -> &'static str {
        Delivery::as_str(self)
    }
}

impl Keyword for Format {
    const WHAT: &'static str = "format";
    const ALL: &'static [Self] = &[Format::Group, Format::Individual];
    fn as_str(self) -> &'static str {
        Format::as_str(self)
    }
}

impl Keyword for Structure {
    const WHAT: &'static str = "structure";
    const ALL: &'static [Self] = &[Structure::Fixed, Structure::Flexible];
    fn as_str(self) -> &'static str {
        Structure::as_str(self)
    }
}

impl Delivery {
    /// As rule files and JSON write it: `face_to_face`, `online`, `hybrid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::FaceToFace => "face_to_face",
            Delivery::Online => "online",
            Delivery::Hybrid => "hybrid",
        }
    }
}

impl Format {
    /// As rule files and JSON write it: `group`, `individual`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Group => "group",
            Format::Individual => "individual",
        }
    }
}

impl Structure {
    /// As rule files and JSON write it: `fixed`, `flexible`.
    pub fn as_str(self) -> &'static str {
        match self {
            Structure::Fixed => "fixed",
            Structure::Flexible => "flexible",
        }
    }
}

/// How to refer a family to a service, and whom to contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Referral {
    /// How to refer (who may refer, by what route).
    pub how: String,
    /// Whom to contact (a team, a telephone number, an address).
    pub contact: String,
    /// A web page for referrals, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// What an overlay is: its identity and which guide it extends.
#[derive(Debug, Clone, Serialize)]
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

/// A local offer loaded onto a guide: its metadata and services, validated and compiled.
#[derive(Debug, Clone)]
pub struct Overlay {
    metadata: OverlayMetadata,
    services: Vec<Service>,
    /// By recommendation index: the services delivering it, in overlay order.
    delivering: Vec<Vec<Delivered>>,
}

/// A service that delivers a recommendation, or one of its "how" points.
#[derive(Debug, Clone, Copy)]
struct Delivered {
    service: usize,
    action: Option<usize>,
}

/// One local service or programme.
#[derive(Debug, Clone)]
pub struct Service {
    id: String,
    name: String,
    description: String,
    pub(crate) delivery: Delivery,
    pub(crate) format: Format,
    pub(crate) structure: Structure,
    ages: String,
    ages_condition: Condition,
    condition: Option<Condition>,
    referral: Referral,
    delivers: Vec<String>,
}

impl Overlay {
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
    /// What it delivers, as written: recommendation ids, or `ID#N` for a recommendation's N-th
    /// "how" point.
    pub fn delivers(&self) -> &[String] {
        &self.delivers
    }
}

/// Identifies the overlay that contributed to an evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OverlayStamp<'g> {
    /// The overlay's id.
    pub id: Cow<'g, str>,
    /// The overlay's title.
    pub title: Cow<'g, str>,
    /// The overlay's version.
    pub version: Cow<'g, str>,
    /// Whether the local offer is fictional.
    pub fictional: bool,
    /// What the overlay asks every output to show (for a fictional one, that it is fictional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclaimer: Option<Cow<'g, str>>,
    /// `sha256:…` of the overlay's files.
    pub content_hash: Cow<'g, str>,
    /// `sha256:…` of the guide's and the overlay's hashes together: all the rule files.
    pub rules_hash: Cow<'g, str>,
}

/// A local service the family may be referred to, under a recommendation it delivers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ServiceResult<'g> {
    /// The service's id.
    pub id: Cow<'g, str>,
    /// The service's name.
    pub name: Cow<'g, str>,
    /// What it offers.
    pub description: Cow<'g, str>,
    /// `applies`: the family is eligible; `undetermined`: eligibility (or the recommendation)
    /// depends on facts the profile does not give. Services that do not apply are left out.
    pub status: Status,
    /// How it is delivered.
    pub delivery: Delivery,
    /// Group or individual.
    pub format: Format,
    /// Fixed or flexible.
    pub structure: Structure,
    /// The ages it is for, in words.
    pub ages: Cow<'g, str>,
    /// The recommendation's "how" point it delivers, when it delivers one rather than the whole
    /// recommendation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Cow<'g, str>>,
    /// The tests of its ages and eligibility that decided the status.
    pub reasons: Vec<Reason<'g>>,
    /// For an undetermined service, the unknown facts that would decide it.
    pub missing: Vec<Cow<'g, str>>,
    /// How to refer, and whom to contact.
    pub referral: Referral,
    /// Where the service does not fit what the guide says; empty when it fits.
    pub flags: Vec<FitFlag<'g>>,
}

/// Which aspect of a service a flag is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FitAspect {
    /// Face-to-face, online or hybrid.
    Delivery,
    /// Group or individual.
    Format,
    /// Fixed or flexible.
    Structure,
}

/// A way a service does not fit what the guide says, with the guide's words and sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FitFlag<'g> {
    /// The aspect that does not fit.
    pub aspect: FitAspect,
    /// The service's value of it, e.g. `online`.
    pub offered: Cow<'g, str>,
    /// The values the guide's words fit, e.g. `["face_to_face"]`.
    pub fits: Vec<Cow<'g, str>>,
    /// `applies` when what the guide says holds for this family and the family is eligible for
    /// the service; `undetermined` when either depends on facts the profile does not give.
    pub status: Status,
    /// The recommendation or principle whose words these are.
    pub rule: Cow<'g, str>,
    /// The words: the "how" point's text, or the rule's statement.
    pub says: Cow<'g, str>,
    /// The flag in one sentence, citing the rule and its words: for example, online delivery,
    /// where the guide's words fit face-to-face: principle `programme-design` says "Prioritise
    /// face-to-face support."
    pub message: Cow<'g, str>,
    /// Where the words come from (the rule's sources).
    pub sources: Vec<Source>,
}

impl Guide {
    /// Loads a local offer (an overlay folder: `overlay.yaml`, `services.yaml`, and optionally
    /// `facts.yaml` and `conditions.yaml`) onto this guide, returning a new guide that evaluates
    /// with it. The overlay is checked against this guide; every problem is reported, each with
    /// file, line, column and service id.
    ///
    /// ```
    /// use practice_guide::{FamilyProfile, Status};
    /// let guide = practice_guide::parenting_through_adversity()
    ///     .with_overlay_dir("rules/overlays/example-borough")?;
    /// assert!(guide.overlay().unwrap().metadata().fictional);
    /// let family = FamilyProfile::new()
    ///     .with("children_ages", ["age_3"])
    ///     .with("adversities", ["poverty"])
    ///     .with("service_level", "universal")
    ///     .with("postcode_district", "ZZ1");
    /// let evaluation = guide.evaluate(&family)?;
    /// let services: Vec<&str> = evaluation.recommendations.iter()
    ///     .flat_map(|r| &r.services)
    ///     .filter(|s| s.status == Status::Applies)
    ///     .map(|s| s.id.as_ref())
    ///     .collect();
    /// assert!(services.contains(&"toddler-talk-and-play"));
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn with_overlay_dir(&self, dir: impl AsRef<Path>) -> Result<Guide, Error> {
        let files = yaml::read_dir(dir.as_ref(), |path| {
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })?;
        self.with_overlay_files(files.into_iter().map(|f| (f.name(), f.text)))
    }

    /// Loads a local offer from in-memory files, `(file name, contents)`, named as in an overlay
    /// folder; see [`Guide::with_overlay_dir`].
    ///
    /// ```
    /// let guide = practice_guide::parenting_through_adversity();
    /// let err = guide.with_overlay_files([("overlay.yaml", "id: x")]).unwrap_err();
    /// assert!(err.to_string().contains("missing file `services.yaml`"));
    /// ```
    pub fn with_overlay_files<N, T>(
        &self,
        files: impl IntoIterator<Item = (N, T)>,
    ) -> Result<Guide, Error>
    where
        N: AsRef<str>,
        T: AsRef<str>,
    {
        let files: BTreeMap<String, T> = files
            .into_iter()
            .map(|(n, t)| (n.as_ref().to_owned(), t))
            .collect();
        let files: BTreeMap<&str, &str> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_ref()))
            .collect();
        OverlayLoader {
            guide: self,
            problems: Vec::new(),
        }
        .load(&files)
    }

    /// The local offer this guide was loaded with, if any.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlay.as_deref()
    }

    /// The overlay's stamp for an evaluation.
    pub(crate) fn overlay_stamp(&self) -> Option<OverlayStamp<'_>> {
        let m = &self.overlay.as_ref()?.metadata;
        Some(OverlayStamp {
            id: Cow::Borrowed(&m.id),
            title: Cow::Borrowed(&m.title),
            version: Cow::Borrowed(&m.version),
            fictional: m.fictional,
            disclaimer: m.disclaimer.as_deref().map(Cow::Borrowed),
            content_hash: Cow::Borrowed(&m.content_hash),
            rules_hash: Cow::Borrowed(&m.rules_hash),
        })
    }

    /// Adds to each recommendation result (with its index in guide order) the local services
    /// that deliver it and the family may be eligible for, with their fit flags.
    pub(crate) fn attach_services<'g>(
        &'g self,
        facts: &Facts,
        scope: Truth,
        index: usize,
        result: &mut RuleResult<'g>,
    ) {
        let Some(overlay) = self.overlay.as_deref() else {
            return;
        };
        let truth = match result.status {
            Status::Applies => Truth::True,
            Status::Undetermined => Truth::Unknown,
            Status::DoesNotApply => return,
        };
        let (Some(rule), Some(delivering)) = (
            self.recommendations.get(index),
            overlay.delivering.get(index),
        ) else {
            return;
        };
        let mut services: Vec<ServiceResult<'g>> = delivering
            .iter()
            .filter_map(|d| {
                self.service_result(overlay, rule, *d, facts, scope, truth, &result.missing)
            })
            .collect();
        // Eligible first, then undetermined; overlay order within each (a stable sort).
        services.sort_by_key(|s| s.status);
        result.services = services;
    }

    #[allow(clippy::too_many_arguments, reason = "one call site, all of it needed")]
    fn service_result<'g>(
        &'g self,
        overlay: &'g Overlay,
        rule: &'g Rule,
        delivered: Delivered,
        facts: &Facts,
        scope: Truth,
        rule_truth: Truth,
        rule_missing: &[Cow<'g, str>],
    ) -> Option<ServiceResult<'g>> {
        let service = overlay.services.get(delivered.service)?;
        let action = delivered.action.and_then(|i| rule.actions.get(i));
        let mut reasons = Vec::new();
        let mut missing: BTreeSet<Cow<'g, str>> = BTreeSet::new();
        let mut truth = rule_truth;
        let mut add = |condition: &'g Condition, reasons: &mut Vec<Reason<'g>>| {
            let (t, r, m) = self.explain(condition, facts);
            reasons.extend(r);
            missing.extend(m);
            t
        };
        truth = truth.min(add(&service.ages_condition, &mut reasons));
        if let Some(condition) = &service.condition {
            truth = truth.min(add(condition, &mut reasons));
        }
        if let Some(condition) = action.and_then(|a| a.condition.as_ref()) {
            // The "how" point's own tests decide only whether it applies; they are the
            // recommendation's reasons, not the service's, so only its missing facts are kept.
            truth = truth.min(add(condition, &mut Vec::new()));
        }
        let status = Status::from_truth(truth);
        if status == Status::DoesNotApply {
            return None;
        }
        if status == Status::Undetermined && rule_truth == Truth::Unknown {
            missing.extend(rule_missing.iter().cloned());
        }
        let missing = if status == Status::Undetermined {
            missing.into_iter().collect()
        } else {
            Vec::new()
        };
        let mut flags = self.fit_flags(service, rule, facts, scope, rule_truth);
        // A misfit matters to this family only as far as the family is eligible: a flag is no
        // more decided than its service (so filling in facts never withdraws a decided flag).
        for flag in &mut flags {
            flag.status = flag.status.max(status);
        }
        Some(ServiceResult {
            id: Cow::Borrowed(&service.id),
            name: Cow::Borrowed(&service.name),
            description: Cow::Borrowed(&service.description),
            status,
            delivery: service.delivery,
            format: service.format,
            structure: service.structure,
            ages: Cow::Borrowed(&service.ages),
            action: action.map(|a| Cow::Borrowed(a.text.as_str())),
            reasons,
            missing,
            referral: service.referral.clone(),
            flags,
        })
    }

    /// Every `fit:` governing `rule` that holds (or may hold) for the family and that `service`
    /// does not meet: the rule's own, its "how" points', and those of the principles it links to.
    fn fit_flags<'g>(
        &'g self,
        service: &Service,
        rule: &'g Rule,
        facts: &Facts,
        scope: Truth,
        rule_truth: Truth,
    ) -> Vec<FitFlag<'g>> {
        let mut governing: Vec<(&'g Rule, &'g str, &'g Fit, Truth)> = Vec::new();
        let mut collect = |owner: &'g Rule, owner_truth: Truth| {
            if owner_truth == Truth::False {
                return;
            }
            if let Some(fit) = &owner.fit {
                governing.push((owner, owner.statement.as_str(), fit, owner_truth));
            }
            for action in &owner.actions {
                let Some(fit) = &action.fit else { continue };
                let truth = match &action.condition {
                    Some(c) => c.truth(facts).min(owner_truth),
                    None => owner_truth,
                };
                if truth != Truth::False {
                    governing.push((owner, action.text.as_str(), fit, truth));
                }
            }
        };
        collect(rule, rule_truth);
        for principle in rule.links.iter().filter_map(|&i| self.principles.get(i)) {
            let truth = match &principle.condition {
                Some(c) => c.truth(facts).min(scope),
                None => scope,
            };
            collect(principle, truth);
        }
        let mut flags = Vec::new();
        for (owner, says, fit, truth) in governing {
            for (aspect, offered, fits) in fit.misfits(service) {
                let message = format!(
                    "{} {}, where the guide's words fit {}: {} `{}` says \"{}\"",
                    offered.replace('_', "-"),
                    match aspect {
                        FitAspect::Delivery => "delivery",
                        FitAspect::Format => "format",
                        FitAspect::Structure => "structure",
                    },
                    fits.join(" or ").replace('_', "-"),
                    match owner.kind {
                        guide::RuleKind::Recommendation => "recommendation",
                        guide::RuleKind::Principle => "principle",
                    },
                    owner.id,
                    says
                );
                flags.push(FitFlag {
                    aspect,
                    offered: Cow::Borrowed(offered),
                    fits: fits.into_iter().map(Cow::Borrowed).collect(),
                    status: Status::from_truth(truth),
                    rule: Cow::Borrowed(&owner.id),
                    says: Cow::Borrowed(says),
                    message: Cow::Owned(message),
                    sources: owner.sources.clone(),
                });
            }
        }
        flags
    }
}

/// `overlay.yaml`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct OverlayFile {
    /// The overlay's id: lower-case letters, digits, `_` and `-`.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    id: Spanned<String>,
    /// The overlay's title.
    title: String,
    /// The overlay's version.
    version: String,
    /// The id of the guide it extends (guide.yaml's `id`).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    extends: Spanned<String>,
    /// Who publishes the local offer.
    #[serde(default)]
    publisher: Option<String>,
    /// Whether the offer is fictional (an example). Required, so that no example passes for a
    /// real local offer.
    fictional: bool,
    /// What every output shows about the overlay; required when `fictional: true`.
    #[serde(default)]
    disclaimer: Option<String>,
}

/// One entry of `services.yaml`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceFile {
    /// The service's id: lower-case letters, digits, `_` and `-`.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    id: Spanned<String>,
    /// The service's name.
    name: String,
    /// What it offers.
    description: String,
    /// `face_to_face`, `online` or `hybrid`.
    #[cfg_attr(feature = "schema", schemars(with = "Delivery"))]
    delivery: Spanned<String>,
    /// `group` or `individual`.
    #[cfg_attr(feature = "schema", schemars(with = "Format"))]
    format: Spanned<String>,
    /// `fixed` or `flexible`.
    #[cfg_attr(feature = "schema", schemars(with = "Structure"))]
    structure: Spanned<String>,
    /// The ages it is for: in words, and as a condition on the guide's facts.
    ages: AgesFile,
    /// Who else is eligible, in the condition language (facts of the guide or the overlay).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::ConditionSchema>")
    )]
    when: Option<Spanned<Raw>>,
    /// How to refer, and whom to contact.
    referral: Referral,
    /// What it delivers: recommendation ids, or `ID#N` for the N-th "how" point (from 1).
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    delivers: Spanned<Vec<Spanned<String>>>,
}

/// A service's ages.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct AgesFile {
    /// The ages in words, as people read them (e.g. `2 to 4 years`).
    label: String,
    /// The ages as a condition, e.g. `children_ages: { contains_any: [age_2, age_3, age_4] }`.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::ConditionSchema"))]
    when: Spanned<Raw>,
}

struct OverlayLoader<'a> {
    guide: &'a Guide,
    problems: Vec<Problem>,
}

impl OverlayLoader<'_> {
    fn report(&mut self, file: &str, at: Option<Position>, rule: Option<&str>, kind: ProblemKind) {
        self.problems
            .push(Problem::new(file, kind).at(at).in_rule(rule));
    }

    fn parse<T: for<'de> Deserialize<'de>>(
        &mut self,
        files: &BTreeMap<&str, &str>,
        name: &str,
    ) -> Option<T> {
        let text = files.get(name)?;
        match yaml::parse(name, text, yaml::Budget::RuleFile) {
            Ok(v) => Some(v),
            Err(p) => {
                self.problems.push(p);
                None
            }
        }
    }

    fn load(mut self, files: &BTreeMap<&str, &str>) -> Result<Guide, Error> {
        let expected: Vec<&str> = ALL_FILES.iter().map(|(n, _)| *n).collect();
        for name in files.keys() {
            if !expected.contains(name) {
                self.report(
                    name,
                    None,
                    None,
                    ProblemKind::Invalid(format!(
                        "unexpected file `{name}`: an overlay folder holds only {}",
                        expected.join(", ")
                    )),
                );
            }
        }
        for (name, required) in ALL_FILES {
            if required && !files.contains_key(name) {
                self.report(name, None, None, ProblemKind::MissingFile(name.to_owned()));
            }
        }
        if let Some(existing) = &self.guide.overlay {
            self.report(
                OVERLAY_FILE,
                None,
                None,
                ProblemKind::Invalid(format!(
                    "this guide already has the overlay `{}`; load overlays onto the guide itself",
                    existing.metadata.id
                )),
            );
        }
        let content_hash = guide::content_hash(files);
        let overlay_file: Option<OverlayFile> = self.parse(files, OVERLAY_FILE);
        let facts_file: Option<FactsFile> = self.parse(files, files::FACTS_FILE);
        let conditions_file: Option<ConditionsFile> = self.parse(files, files::CONDITIONS_FILE);
        let services_file: Option<Vec<ServiceFile>> = self.parse(files, SERVICES_FILE);
        let (Some(overlay_file), Some(services_file)) = (overlay_file, services_file) else {
            return Err(Error::new(self.problems));
        };

        let metadata = self.metadata(&overlay_file, content_hash);
        let vocabulary = self.vocabulary(facts_file.as_ref());

        // Named conditions: the guide's, compiled already, then the overlay's own.
        let placeholder = yaml::unspanned(Raw::Null);
        let guide_named = self.guide.named_conditions.len();
        let mut named = NamedConditions {
            raw: HashMap::new(),
            compiled: Vec::new(),
            names: Vec::new(),
        };
        for (index, (label, compiled)) in self
            .guide
            .named_conditions
            .iter()
            .zip(&self.guide.named_compiled)
            .enumerate()
        {
            named.raw.insert(label.id.as_str(), (index, &placeholder));
            named.names.push(label.id.as_str());
            named.compiled.push(Some(compiled.clone().ok_or(())));
        }
        let conditions_file = conditions_file.unwrap_or_default();
        let mut named_labels = self.guide.named_conditions.clone();
        for (offset, (name, def)) in conditions_file.0.iter().enumerate() {
            let index = guide_named + offset;
            let at = yaml::position_of(name);
            let checked = check_identifier("a condition name", &name.value).and_then(|()| {
                if named.raw.contains_key(name.value.as_str()) {
                    Err(ProblemKind::Invalid(format!(
                        "the guide already has a named condition `{}`; an overlay adds \
                         conditions, it cannot redefine them",
                        name.value
                    )))
                } else {
                    Ok(())
                }
            });
            if let Err(kind) = checked {
                self.report(files::CONDITIONS_FILE, at, Some(&name.value), kind);
            }
            named
                .raw
                .entry(name.value.as_str())
                .or_insert((index, &def.when));
            named.names.push(name.value.as_str());
            named.compiled.push(None);
            named_labels.push(Label {
                id: name.value.clone(),
                label: def.description.clone().unwrap_or_default(),
            });
        }
        for (offset, (name, def)) in conditions_file.0.iter().enumerate() {
            named.compile_own(
                guide_named + offset,
                &name.value,
                &def.when,
                &vocabulary,
                files::CONDITIONS_FILE,
                &mut self.problems,
            );
        }

        let mut services = Vec::new();
        let mut delivering: Vec<Vec<Delivered>> =
            vec![Vec::new(); self.guide.recommendations.len()];
        let mut ids: HashMap<&str, u64> = HashMap::new();
        if services_file.is_empty() {
            self.report(
                SERVICES_FILE,
                None,
                None,
                ProblemKind::Invalid("an overlay needs at least one service".to_owned()),
            );
        }
        if services_file.len() > limits::MAX_RULES {
            self.report(
                SERVICES_FILE,
                None,
                None,
                ProblemKind::LimitExceeded {
                    what: "the number of services".to_owned(),
                    limit: limits::MAX_RULES,
                },
            );
            return Err(Error::new(self.problems));
        }
        for raw in &services_file {
            let id = raw.id.value.as_str();
            let at = yaml::position_of(&raw.id);
            let line = at.map_or(0, |p| p.line);
            let checked = check_identifier("a service id", id).and_then(|()| match ids.get(id) {
                Some(first) => Err(ProblemKind::DuplicateId {
                    what: "service",
                    id: id.to_owned(),
                    first_line: *first,
                }),
                None => Ok(()),
            });
            if let Err(kind) = checked {
                self.report(SERVICES_FILE, at, Some(id), kind);
            }
            ids.entry(id).or_insert(line);
            let index = services.len();
            if let Some(service) =
                self.service(raw, &vocabulary, &mut named, index, &mut delivering)
            {
                services.push(service);
            }
        }

        if !self.problems.is_empty() {
            return Err(Error::new(self.problems));
        }
        let mut guide = self.guide.clone();
        // A new vocabulary (the guide's facts, then the local ones): profiles prepared for the
        // national guide must be prepared again. The statuses program stays valid as it is: the
        // guide's facts keep their ids, and it evaluates only the guide's own rules.
        guide.key = crate::statuses::new_guide_key();
        guide.vocabulary = vocabulary;
        guide.named_conditions = named_labels;
        guide.named_compiled = named
            .compiled
            .into_iter()
            .map(|c| c.and_then(Result::ok))
            .collect();
        guide.overlay = Some(Arc::new(Overlay {
            metadata,
            services,
            delivering,
        }));
        Ok(guide)
    }

    fn metadata(&mut self, file: &OverlayFile, content_hash: String) -> OverlayMetadata {
        if let Err(kind) = check_identifier("the overlay's id", &file.id.value) {
            self.report(OVERLAY_FILE, yaml::position_of(&file.id), None, kind);
        }
        if file.extends.value != self.guide.id() {
            self.report(
                OVERLAY_FILE,
                yaml::position_of(&file.extends),
                None,
                ProblemKind::Invalid(format!(
                    "this overlay extends `{}`, but the guide it is loaded onto is `{}`",
                    yaml::truncate(&file.extends.value),
                    self.guide.id()
                )),
            );
        }
        if file.fictional
            && file
                .disclaimer
                .as_deref()
                .is_none_or(|d| d.trim().is_empty())
        {
            self.report(
                OVERLAY_FILE,
                yaml::position_of(&file.id),
                None,
                ProblemKind::Invalid(
                    "a fictional overlay needs a `disclaimer:` saying so; every output shows it"
                        .to_owned(),
                ),
            );
        }
        let hashes = BTreeMap::from([
            ("guide", self.guide.content_hash()),
            ("overlay", content_hash.as_str()),
        ]);
        let rules_hash = guide::content_hash(&hashes);
        OverlayMetadata {
            id: file.id.value.clone(),
            title: file.title.clone(),
            version: file.version.clone(),
            extends: file.extends.value.clone(),
            publisher: file.publisher.clone(),
            fictional: file.fictional,
            disclaimer: file.disclaimer.clone(),
            content_hash,
            rules_hash,
        }
    }

    /// The guide's vocabulary with the overlay's local facts added after it (so the guide's fact
    /// ids, which its compiled rules use, do not change).
    fn vocabulary(&mut self, file: Option<&FactsFile>) -> Vocabulary {
        let mut vocabulary = self.guide.vocabulary.clone();
        if let Some(file) = file {
            guide::declare_facts(&mut vocabulary, file, &mut self.problems);
        }
        vocabulary
    }

    fn service(
        &mut self,
        raw: &ServiceFile,
        vocabulary: &Vocabulary,
        named: &mut NamedConditions<'_>,
        index: usize,
        delivering: &mut [Vec<Delivered>],
    ) -> Option<Service> {
        let id = raw.id.value.as_str();
        let before = self.problems.len();
        let delivery = self.keyword::<Delivery>(id, &raw.delivery);
        let format = self.keyword::<Format>(id, &raw.format);
        let structure = self.keyword::<Structure>(id, &raw.structure);
        let mut compile = |problems: &mut Vec<Problem>, when: &Spanned<Raw>| {
            Compiler {
                vocabulary,
                named: &mut *named,
                file: SERVICES_FILE,
                rule: Some(id),
                problems,
                stack: Vec::new(),
                nodes: 0,
            }
            .compile(when)
        };
        let ages_condition = compile(&mut self.problems, &raw.ages.when);
        let condition = raw
            .when
            .as_ref()
            .map(|when| compile(&mut self.problems, when));
        if raw.delivers.value.is_empty() {
            self.report(
                SERVICES_FILE,
                yaml::position_of(&raw.delivers),
                Some(id),
                ProblemKind::Invalid(
                    "`delivers:` needs at least one recommendation id (or `ID#N` for its N-th \
                     \"how\" point)"
                        .to_owned(),
                ),
            );
        }
        let mut delivered = Vec::new();
        for target in &raw.delivers.value {
            if let Some(d) = self.delivers(id, target) {
                if delivered.iter().any(|(r, _)| *r == d.0) {
                    self.report(
                        SERVICES_FILE,
                        yaml::position_of(target),
                        Some(id),
                        ProblemKind::Invalid(format!(
                            "the service already delivers recommendation `{}`: list it once, as \
                             the whole recommendation or one \"how\" point",
                            target.value.split('#').next().unwrap_or_default()
                        )),
                    );
                }
                delivered.push(d);
            }
        }
        if self.problems.len() > before {
            return None;
        }
        for (rule, action) in delivered {
            if let Some(list) = delivering.get_mut(rule) {
                list.push(Delivered {
                    service: index,
                    action,
                });
            }
        }
        Some(Service {
            id: id.to_owned(),
            name: raw.name.clone(),
            description: raw.description.clone(),
            delivery: delivery?,
            format: format?,
            structure: structure?,
            ages: raw.ages.label.clone(),
            ages_condition: ages_condition?,
            condition: condition.flatten(),
            referral: raw.referral.clone(),
            delivers: raw.delivers.value.iter().map(|d| d.value.clone()).collect(),
        })
    }

    fn keyword<K: Keyword>(&mut self, service: &str, text: &Spanned<String>) -> Option<K> {
        match fit::keyword::<K>(text) {
            Ok(k) => Some(k),
            Err((kind, at)) => {
                self.report(SERVICES_FILE, at, Some(service), kind);
                None
            }
        }
    }

    /// Resolves `ID` or `ID#N` to (recommendation index, "how" point index).
    fn delivers(
        &mut self,
        service: &str,
        target: &Spanned<String>,
    ) -> Option<(usize, Option<usize>)> {
        let at = yaml::position_of(target);
        let (id, action) = match target.value.split_once('#') {
            Some((id, n)) => (id, Some(n)),
            None => (target.value.as_str(), None),
        };
        let recommendations = &self.guide.recommendations;
        let Some(index) = recommendations.iter().position(|r| r.id == id) else {
            let kind = if self.guide.principles.iter().any(|p| p.id == id) {
                ProblemKind::Invalid(format!(
                    "`{id}` is a key principle; a service delivers recommendations (list the \
                     recommendations it delivers)"
                ))
            } else {
                ProblemKind::UnknownReference {
                    what: "recommendation",
                    name: yaml::truncate(id),
                    suggestion: suggest::closest(id, recommendations.iter().map(|r| r.id.as_str())),
                }
            };
            self.report(SERVICES_FILE, at, Some(service), kind);
            return None;
        };
        let Some(n) = action else {
            return Some((index, None));
        };
        let count = recommendations.get(index).map_or(0, |r| r.actions.len());
        match n.parse::<usize>() {
            Ok(n) if (1..=count).contains(&n) => Some((index, Some(n - 1))),
            _ => {
                let has = match count {
                    0 => "has no \"how\" points".to_owned(),
                    1 => "has one \"how\" point: `#1`".to_owned(),
                    _ => format!("has \"how\" points `#1` to `#{count}`"),
                };
                self.report(
                    SERVICES_FILE,
                    at,
                    Some(service),
                    ProblemKind::Invalid(format!(
                        "`{}`: recommendation `{id}` {has}",
                        yaml::truncate(&target.value)
                    )),
                );
                None
            }
        }
    }
}
