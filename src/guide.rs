//! A loaded guide: its metadata, evidence scale, vocabulary, principles and recommendations,
//! validated and compiled; and the loader that builds it from a folder or from strings.
//!
//! Loading does all the work that can be done without a profile: every name is resolved, every
//! value checked against the vocabulary, every regex compiled, every named condition expanded.
//! Every problem in every file is collected before the load fails, so one run shows them all.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::condition::{self, Compiler, Condition, NamedConditions};
use crate::error::{Error, Position, Problem, ProblemKind};
use crate::files::{self, ActionFile, GuideFile, RuleFile, SourceFile};
use crate::fit::Fit;
use crate::limits;
use crate::profile::{self, Facts, FamilyProfile};
use crate::program::Program;
use crate::suggest;
use crate::vocabulary::{self, Fact, FactType, Values, Vocabulary, check_identifier};
use crate::yaml::{self, Raw, Spanned};

/// A practice guide, loaded and validated, ready to evaluate profiles.
///
/// A `Guide` is immutable, `Send` and `Sync`: load it once and share it between threads.
///
/// ```
/// let guide = practice_guide::parenting_through_adversity();
/// assert_eq!(guide.id(), "parenting-through-adversity-0-10");
/// assert!(guide.recommendations().count() >= 2);
/// ```
#[derive(Debug, Clone)]
pub struct Guide {
    pub(crate) metadata: Metadata,
    pub(crate) evidence: Vec<EvidenceLevel>,
    pub(crate) audiences: Vec<Label>,
    pub(crate) outcomes: Vec<Label>,
    pub(crate) vocabulary: Vocabulary,
    pub(crate) named_conditions: Vec<Label>,
    pub(crate) scope: Option<Scope>,
    pub(crate) principles: Vec<Rule>,
    pub(crate) recommendations: Vec<Rule>,
    /// Every condition again, compiled for statuses (recommendations, then principles).
    pub(crate) program: Program,
    /// This load's number, shared by clones: see [`crate::PreparedProfile`].
    pub(crate) key: u64,
    /// The named conditions compiled, by index (as `named_conditions`), for an overlay's
    /// conditions to use by name.
    pub(crate) named_compiled: Vec<Option<(Condition, usize)>>,
    /// The local offer loaded onto the guide, if any (see `src/overlay.rs`).
    pub(crate) overlay: Option<std::sync::Arc<crate::overlay::Overlay>>,
}

/// What a guide is: its identity, where it comes from, and which encoding of it this is.
#[derive(Debug, Clone, Serialize)]
pub struct Metadata {
    /// The guide's id, e.g. `parenting-through-adversity-0-10`.
    pub id: String,
    /// The guide's title.
    pub title: String,
    /// Who publishes the guide.
    pub publisher: String,
    /// Publication date, `YYYY-MM-DD`.
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
    pub(crate) condition: Condition,
}

/// Whether a rule is one of the guide's recommendations or one of its key principles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// An evidence-rated recommendation.
    Recommendation,
    /// A key principle: conditions for successful delivery of the recommendations.
    Principle,
}

/// A recommendation or key principle, compiled.
#[derive(Debug, Clone)]
pub struct Rule {
    pub(crate) kind: RuleKind,
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) statement: String,
    /// Index into the evidence scale (recommendations only).
    pub(crate) evidence: Option<usize>,
    pub(crate) outcomes: Vec<usize>,
    pub(crate) audiences: Vec<usize>,
    /// For a recommendation, its principles; for a principle, the recommendations linking to it.
    pub(crate) links: Vec<usize>,
    /// `None` for a principle that applies to every family in scope.
    pub(crate) condition: Option<Condition>,
    pub(crate) why: Vec<String>,
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
    /// Why the guide makes it.
    pub fn why(&self) -> &[String] {
        &self.why
    }
    /// Where it comes from.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }
}

/// One "how" point of a rule, possibly narrowed by its own condition.
#[derive(Debug, Clone)]
pub(crate) struct Action {
    pub(crate) text: String,
    pub(crate) audiences: Vec<usize>,
    /// `audiences` as ids, for results to borrow.
    pub(crate) audience_ids: Vec<Cow<'static, str>>,
    pub(crate) condition: Option<Condition>,
    /// What this point says of the services that deliver its rule (`fit:`).
    pub(crate) fit: Option<Fit>,
}

/// Where a statement comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// Whether a statement is the guide's own words or someone's summary of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Wording {
    /// The guide's own words.
    Verbatim,
    /// A summary: a press release's, a report's or this encoding's wording about the guide.
    Summary,
}

impl Guide {
    /// Loads a guide from a folder of YAML files (see the crate docs for the layout). Files other
    /// than `*.yaml`/`*.yml` (a README, say) are ignored; an unexpected YAML file is an error.
    ///
    /// ```
    /// use practice_guide::Guide;
    /// let guide = Guide::from_dir("rules/parenting-through-adversity-0-10")?;
    /// assert_eq!(guide.id(), "parenting-through-adversity-0-10");
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Guide, Error> {
        let files = yaml::read_dir(dir.as_ref(), |path| {
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })?;
        Guide::from_files(files.into_iter().map(|f| (f.name(), f.text)))
    }

    /// Loads a guide from in-memory files: `(file name, contents)` pairs, named as in a guide
    /// folder (`guide.yaml`, `facts.yaml`, ...).
    ///
    /// ```
    /// use practice_guide::Guide;
    /// let err = Guide::from_files([("guide.yaml", "id: x")]).unwrap_err();
    /// assert!(err.to_string().contains("missing file `facts.yaml`"));
    /// ```
    pub fn from_files<N, T>(files: impl IntoIterator<Item = (N, T)>) -> Result<Guide, Error>
    where
        N: AsRef<str>,
        T: AsRef<str>,
    {
        let files: BTreeMap<String, T> = files
            .into_iter()
            .map(|(n, t)| (n.as_ref().to_owned(), t))
            .collect();
        Loader::default().load(
            files
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_ref()))
                .collect(),
        )
    }

    /// The guide's id.
    pub fn id(&self) -> &str {
        &self.metadata.id
    }

    /// The guide's title.
    pub fn title(&self) -> &str {
        &self.metadata.title
    }

    /// The version of this encoding.
    pub fn version(&self) -> &str {
        &self.metadata.version
    }

    /// `sha256:…` of the rule files this guide was loaded from.
    pub fn content_hash(&self) -> &str {
        &self.metadata.content_hash
    }

    /// Everything known about the guide itself.
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// The evidence scale, strongest level first; an unrated level, if any, last.
    pub fn evidence_scale(&self) -> &[EvidenceLevel] {
        &self.evidence
    }

    /// The audiences rules are written for.
    pub fn audiences(&self) -> &[Label] {
        &self.audiences
    }

    /// The outcomes rules target.
    pub fn outcomes(&self) -> &[Label] {
        &self.outcomes
    }

    /// The fact vocabulary, in declaration order.
    pub fn facts(&self) -> &[Fact] {
        self.vocabulary.facts()
    }

    /// The recommendations, in guide order.
    pub fn recommendations(&self) -> impl ExactSizeIterator<Item = &Rule> {
        self.recommendations.iter()
    }

    /// The key principles, in guide order.
    pub fn principles(&self) -> impl ExactSizeIterator<Item = &Rule> {
        self.principles.iter()
    }

    /// Reads a profile from YAML or JSON text and checks it against this guide's vocabulary.
    /// `origin` names the text in messages (e.g. its file name). Every problem is reported, each
    /// with its line and column.
    ///
    /// ```
    /// let guide = practice_guide::parenting_through_adversity();
    /// let err = guide.read_profile("family.yaml", "servce_level: family_help\n").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "family.yaml:1:1: unknown fact `servce_level` (did you mean `service_level`?)"
    /// );
    /// ```
    pub fn read_profile(&self, origin: &str, text: &str) -> Result<FamilyProfile, Error> {
        profile::read(&self.vocabulary, origin, text)
    }

    /// Checks a profile against the vocabulary without evaluating it.
    pub fn check_profile(&self, profile: &FamilyProfile) -> Result<(), Error> {
        Facts::bind(&self.vocabulary, profile, "profile").map(|_| ())
    }

    pub(crate) fn level_rank(&self, id: &str) -> Option<usize> {
        self.evidence.iter().position(|l| l.id == id)
    }

    pub(crate) fn audience_index(&self, id: &str) -> Option<usize> {
        self.audiences.iter().position(|a| a.id == id)
    }
}

/// The id → first position of everything with an id, to report duplicates and resolve references.
#[derive(Default)]
struct Ids {
    seen: HashMap<String, (usize, Option<Position>)>,
}

impl Ids {
    /// Records `id`; on a duplicate returns the problem kind.
    fn insert(
        &mut self,
        what: &'static str,
        id: &Spanned<String>,
        index: usize,
    ) -> Result<(), ProblemKind> {
        match self.seen.get(&id.value) {
            Some((_, first)) => Err(ProblemKind::DuplicateId {
                what,
                id: id.value.clone(),
                first_line: first.map_or(0, |p| p.line),
            }),
            None => {
                self.seen
                    .insert(id.value.clone(), (index, yaml::position_of(id)));
                Ok(())
            }
        }
    }

    fn get(&self, id: &str) -> Option<usize> {
        self.seen.get(id).map(|(i, _)| *i)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.seen.keys().map(String::as_str)
    }
}

#[derive(Default)]
struct Loader {
    problems: Vec<Problem>,
}

impl Loader {
    fn report(&mut self, file: &str, at: Option<Position>, rule: Option<&str>, kind: ProblemKind) {
        self.problems
            .push(vocabulary::problem(file, at, rule, kind));
    }

    fn parse<T: for<'de> serde::Deserialize<'de>>(
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

    fn load(mut self, files: BTreeMap<&str, &str>) -> Result<Guide, Error> {
        let expected: Vec<&str> = files::ALL_FILES.iter().map(|(n, _)| *n).collect();
        for name in files.keys() {
            if !expected.contains(name) {
                self.report(
                    name,
                    None,
                    None,
                    ProblemKind::UnexpectedFile {
                        name: (*name).to_owned(),
                        expected: expected.join(", "),
                    },
                );
            }
        }
        for (name, required) in files::ALL_FILES {
            if required && !files.contains_key(name) {
                self.report(name, None, None, ProblemKind::MissingFile(name.to_owned()));
            }
        }
        let content_hash = content_hash(&files);

        let guide_file: Option<GuideFile> = self.parse(&files, files::GUIDE_FILE);
        let facts_file: Option<files::FactsFile> = self.parse(&files, files::FACTS_FILE);
        let conditions_file: Option<files::ConditionsFile> =
            self.parse(&files, files::CONDITIONS_FILE);
        let principles_file: Option<Vec<RuleFile>> = self.parse(&files, files::PRINCIPLES_FILE);
        let recommendations_file: Option<Vec<RuleFile>> =
            self.parse(&files, files::RECOMMENDATIONS_FILE);
        let recommendations_read = recommendations_file.is_some();
        let (Some(guide_file), Some(facts_file)) = (guide_file, facts_file) else {
            return Err(Error::new(self.problems));
        };

        let metadata = self.metadata(&guide_file, content_hash);
        let evidence = self.evidence(&guide_file);
        let (audiences, audience_ids) =
            self.labels(files::GUIDE_FILE, "audience", &guide_file.audiences);
        let (outcomes, outcome_ids) =
            self.labels(files::GUIDE_FILE, "outcome", &guide_file.outcomes);
        let vocabulary = self.vocabulary(&facts_file);

        // Named conditions: each compiled once in its own right (reporting its problems), and
        // expanded in place wherever it is used.
        let conditions_file = conditions_file.unwrap_or_default();
        let mut named = NamedConditions {
            raw: HashMap::new(),
            compiled: vec![None; conditions_file.0.len()],
            names: Vec::new(),
        };
        let mut named_ids = Ids::default();
        let mut named_labels = Vec::new();
        for (index, (name, def)) in conditions_file.0.iter().enumerate() {
            let at = yaml::position_of(name);
            let checked = check_identifier("a condition name", &name.value)
                .and_then(|()| named_ids.insert("named condition", name, index));
            if let Err(kind) = checked {
                self.report(files::CONDITIONS_FILE, at, Some(&name.value), kind);
            }
            named
                .raw
                .entry(name.value.as_str())
                .or_insert((index, &def.when));
            named.names.push(name.value.as_str());
            named_labels.push(Label {
                id: name.value.clone(),
                label: def.description.clone().unwrap_or_default(),
            });
        }
        for (index, (name, def)) in conditions_file.0.iter().enumerate() {
            named.compile_own(
                index,
                &name.value,
                &def.when,
                &vocabulary,
                files::CONDITIONS_FILE,
                &mut self.problems,
            );
        }

        let scope = guide_file.scope.as_ref().and_then(|scope| {
            let condition = Compiler {
                vocabulary: &vocabulary,
                named: &mut named,
                file: files::GUIDE_FILE,
                rule: Some("scope"),
                problems: &mut self.problems,
                stack: Vec::new(),
                nodes: 0,
            }
            .compile(&scope.when)?;
            Some(Scope {
                description: scope.description.clone(),
                condition,
            })
        });

        let refs = References {
            evidence: &evidence,
            audiences: &audience_ids,
            audience_labels: &audiences,
            outcomes: &outcome_ids,
        };
        let mut rule_ids = Ids::default();
        let mut rules_of =
            |loader: &mut Loader, kind: RuleKind, file: &str, list: Option<Vec<RuleFile>>| {
                let list = list.unwrap_or_default();
                let mut compiled = Vec::with_capacity(list.len());
                // Each rule's file form (with its condition's YAML tree) is dropped as soon as it
                // is compiled, so a large guide does not hold both forms at once; only what
                // linking needs is kept.
                let mut links = Vec::with_capacity(list.len());
                for raw in list {
                    let index = compiled.len();
                    if let Err(kind) = check_identifier("an id", &raw.id.value)
                        .and_then(|()| rule_ids.insert("rule", &raw.id, index))
                    {
                        loader.report(file, yaml::position_of(&raw.id), Some(&raw.id.value), kind);
                    }
                    let mut ctx = RuleContext {
                        loader: &mut *loader,
                        vocabulary: &vocabulary,
                        named: &mut named,
                        file,
                        refs: &refs,
                    };
                    if let Some(rule) = ctx.rule(kind, &raw) {
                        compiled.push(rule);
                    }
                    links.push(RuleLinks {
                        id: raw.id,
                        principles: raw.principles,
                    });
                }
                (compiled, links)
            };
        let (mut principles, principles_raw) = rules_of(
            &mut self,
            RuleKind::Principle,
            files::PRINCIPLES_FILE,
            principles_file,
        );
        let (mut recommendations, recommendations_raw) = rules_of(
            &mut self,
            RuleKind::Recommendation,
            files::RECOMMENDATIONS_FILE,
            recommendations_file,
        );
        if recommendations_read && recommendations_raw.is_empty() {
            self.report(
                files::RECOMMENDATIONS_FILE,
                None,
                None,
                ProblemKind::Invalid("a guide needs at least one recommendation".to_owned()),
            );
        }
        if principles.len() + recommendations.len() > limits::MAX_RULES {
            self.report(
                files::RECOMMENDATIONS_FILE,
                None,
                None,
                ProblemKind::LimitExceeded {
                    what: "the number of rules".to_owned(),
                    limit: limits::MAX_RULES,
                },
            );
        }
        self.link(
            &mut recommendations,
            &recommendations_raw,
            &mut principles,
            &principles_raw,
        );

        if !self.problems.is_empty() {
            return Err(Error::new(dedupe_cycles(self.problems)));
        }
        let recommendation_ids: Vec<String> =
            recommendations.iter().map(|r| r.id.clone()).collect();
        let principle_ids: Vec<String> = principles.iter().map(|p| p.id.clone()).collect();
        for (rule, others) in recommendations
            .iter_mut()
            .map(|r| (r, &principle_ids))
            .chain(principles.iter_mut().map(|p| (p, &recommendation_ids)))
        {
            rule.shown = Shown {
                links: rule
                    .links
                    .iter()
                    .filter_map(|&i| others.get(i))
                    .map(|id| Cow::Owned(id.clone()))
                    .collect(),
                outcomes: ids_of(&outcomes, &rule.outcomes),
                audiences: ids_of(&audiences, &rule.audiences),
                why: rule.why.iter().map(|w| Cow::Owned(w.clone())).collect(),
            };
        }
        let program = Program::compile(
            &vocabulary,
            scope.as_ref().map(|s| &s.condition),
            recommendations
                .iter()
                .chain(&principles)
                .map(|r| r.condition.as_ref()),
        );
        let named_compiled = named
            .compiled
            .into_iter()
            .map(|c| c.and_then(Result::ok))
            .collect();
        Ok(Guide {
            program,
            key: crate::statuses::new_guide_key(),
            metadata,
            evidence,
            audiences,
            outcomes,
            vocabulary,
            named_conditions: named_labels,
            scope,
            principles,
            recommendations,
            named_compiled,
            overlay: None,
        })
    }

    fn metadata(&mut self, file: &GuideFile, content_hash: String) -> Metadata {
        if let Err(kind) = check_identifier("the guide's id", &file.id.value) {
            self.report(files::GUIDE_FILE, yaml::position_of(&file.id), None, kind);
        }
        if !is_iso_date(&file.published.value) {
            self.report(
                files::GUIDE_FILE,
                yaml::position_of(&file.published),
                None,
                ProblemKind::Invalid(format!(
                    "`published` must be a date written YYYY-MM-DD, found `{}`",
                    yaml::truncate(&file.published.value)
                )),
            );
        }
        Metadata {
            id: file.id.value.clone(),
            title: file.title.clone(),
            publisher: file.publisher.clone(),
            published: file.published.value.clone(),
            source: file.source.clone(),
            version: file.version.clone(),
            summary: file.summary.clone(),
            content_hash,
        }
    }

    fn evidence(&mut self, file: &GuideFile) -> Vec<EvidenceLevel> {
        let mut ids = Ids::default();
        let mut levels = Vec::new();
        if file.evidence.value.is_empty() {
            self.report(
                files::GUIDE_FILE,
                yaml::position_of(&file.evidence),
                None,
                ProblemKind::Invalid("the evidence scale needs at least one level".to_owned()),
            );
        }
        let mut seen_unrated = false;
        for (index, level) in file.evidence.value.iter().enumerate() {
            let at = yaml::position_of(&level.id);
            if let Err(kind) = check_identifier("an evidence level id", &level.id.value)
                .and_then(|()| ids.insert("evidence level", &level.id, index))
            {
                self.report(files::GUIDE_FILE, at, Some(&level.id.value), kind);
            }
            if seen_unrated {
                self.report(
                    files::GUIDE_FILE,
                    at,
                    Some(&level.id.value),
                    ProblemKind::Invalid(
                        "the level for \"rating not known\" (`unrated: true`) must come last in \
                         the evidence scale, and there can be only one"
                            .to_owned(),
                    ),
                );
            }
            seen_unrated |= level.unrated;
            levels.push(EvidenceLevel {
                id: level.id.value.clone(),
                label: level.label.clone(),
                definition: level.definition.clone(),
                unrated: level.unrated,
                sources: self.sources(
                    files::GUIDE_FILE,
                    Some(&level.id.value),
                    &level.sources,
                    false,
                ),
            });
        }
        levels
    }

    fn labels(
        &mut self,
        file: &str,
        what: &'static str,
        entries: &files::Ordered<Spanned<String>, String>,
    ) -> (Vec<Label>, Ids) {
        let mut ids = Ids::default();
        let mut labels = Vec::new();
        for (index, (id, label)) in entries.0.iter().enumerate() {
            if let Err(kind) =
                check_identifier(what, &id.value).and_then(|()| ids.insert(what, id, index))
            {
                self.report(file, yaml::position_of(id), None, kind);
            }
            labels.push(Label {
                id: id.value.clone(),
                label: label.clone(),
            });
        }
        (labels, ids)
    }

    fn vocabulary(&mut self, file: &files::FactsFile) -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        declare_facts(&mut vocabulary, file, &mut self.problems);
        vocabulary
    }

    /// Converts sources; `rated` says whether a source may give a rating (`rating:`), which only
    /// a recommendation's sources may.
    fn sources(
        &mut self,
        file: &str,
        rule: Option<&str>,
        sources: &[SourceFile],
        rated: bool,
    ) -> Vec<Source> {
        sources
            .iter()
            .filter_map(|s| {
                if let (false, Some(rating)) = (rated, &s.rating) {
                    self.report(
                        file,
                        yaml::position_of(rating),
                        rule,
                        ProblemKind::Invalid(
                            "only a recommendation's source gives a rating (`rating:`)".to_owned(),
                        ),
                    );
                }
                let wording = match s.wording.value.as_str() {
                    "verbatim" => Wording::Verbatim,
                    "summary" => Wording::Summary,
                    other => {
                        self.report(
                            file,
                            yaml::position_of(&s.wording),
                            rule,
                            ProblemKind::UnknownReference {
                                what: "wording",
                                name: other.to_owned(),
                                suggestion: suggest::closest(other, ["verbatim", "summary"]),
                            },
                        );
                        return None;
                    }
                };
                Some(Source {
                    url: s.url.clone(),
                    wording,
                    note: s.note.clone(),
                    rating: s.rating.as_ref().map(|r| r.value.clone()),
                })
            })
            .collect()
    }

    /// Resolves recommendation → principle links and records the reverse links.
    fn link(
        &mut self,
        recommendations: &mut [Rule],
        recommendations_raw: &[RuleLinks],
        principles: &mut [Rule],
        principles_raw: &[RuleLinks],
    ) {
        for raw in principles_raw {
            if let Some(first) = raw.principles.first() {
                self.report(
                    files::PRINCIPLES_FILE,
                    yaml::position_of(first),
                    Some(&raw.id.value),
                    ProblemKind::Invalid(
                        "a principle does not list `principles`; recommendations link to principles"
                            .to_owned(),
                    ),
                );
            }
        }
        let principle_ids: Vec<&str> = principles_raw.iter().map(|p| p.id.value.as_str()).collect();
        // By id, first occurrence (a duplicate id is reported elsewhere): linear, not quadratic,
        // in the number of rules.
        let index_of = |rules: &[Rule]| {
            let mut index: HashMap<String, usize> = HashMap::with_capacity(rules.len());
            for (i, rule) in rules.iter().enumerate() {
                index.entry(rule.id.clone()).or_insert(i);
            }
            index
        };
        let recommendation_index = index_of(recommendations);
        let principle_index = index_of(principles);
        for raw in recommendations_raw {
            let Some(&rec_index) = recommendation_index.get(&raw.id.value) else {
                continue;
            };
            for link in &raw.principles {
                match principle_index.get(&link.value).copied() {
                    Some(p) => {
                        if let Some(rec) = recommendations.get_mut(rec_index) {
                            rec.links.push(p);
                        }
                        if let Some(principle) = principles.get_mut(p) {
                            principle.links.push(rec_index);
                        }
                    }
                    None => self.report(
                        files::RECOMMENDATIONS_FILE,
                        yaml::position_of(link),
                        Some(&raw.id.value),
                        ProblemKind::UnknownReference {
                            what: "principle",
                            name: link.value.clone(),
                            suggestion: suggest::closest(
                                &link.value,
                                principle_ids.iter().copied(),
                            ),
                        },
                    ),
                }
            }
        }
    }
}

/// What linking needs of a rule's file form: its id and the principles it names.
struct RuleLinks {
    id: Spanned<String>,
    principles: Vec<Spanned<String>>,
}

struct References<'a> {
    evidence: &'a [EvidenceLevel],
    audiences: &'a Ids,
    audience_labels: &'a [Label],
    outcomes: &'a Ids,
}

/// What compiling one rule needs.
struct RuleContext<'l, 'r> {
    loader: &'l mut Loader,
    vocabulary: &'l Vocabulary,
    named: &'l mut NamedConditions<'r>,
    file: &'l str,
    refs: &'l References<'l>,
}

impl RuleContext<'_, '_> {
    fn condition(&mut self, rule: &str, raw: &Spanned<Raw>) -> Option<Condition> {
        Compiler {
            vocabulary: self.vocabulary,
            named: &mut *self.named,
            file: self.file,
            rule: Some(rule),
            problems: &mut self.loader.problems,
            stack: Vec::new(),
            nodes: 0,
        }
        .compile(raw)
    }

    fn resolve_all(
        &mut self,
        rule: &str,
        what: &'static str,
        ids: &Ids,
        names: &[Spanned<String>],
    ) -> Vec<usize> {
        names
            .iter()
            .filter_map(|name| match ids.get(&name.value) {
                Some(i) => Some(i),
                None => {
                    let suggestion = suggest::closest(&name.value, ids.names());
                    self.loader.report(
                        self.file,
                        yaml::position_of(name),
                        Some(rule),
                        ProblemKind::UnknownReference {
                            what,
                            name: name.value.clone(),
                            suggestion,
                        },
                    );
                    None
                }
            })
            .collect()
    }

    fn rule(&mut self, kind: RuleKind, raw: &RuleFile) -> Option<Rule> {
        let id = raw.id.value.as_str();
        let at = yaml::position_of(&raw.id);
        let before = self.loader.problems.len();
        let evidence = match (kind, &raw.evidence) {
            (RuleKind::Recommendation, None) => {
                self.loader.report(
                    self.file,
                    at,
                    Some(id),
                    ProblemKind::Invalid(
                        "a recommendation needs `evidence:` (a level of the evidence scale; use the \
                         \"rating not known\" level where the rating is not known)"
                            .to_owned(),
                    ),
                );
                None
            }
            (RuleKind::Principle, Some(level)) => {
                self.loader.report(
                    self.file,
                    yaml::position_of(level),
                    Some(id),
                    ProblemKind::Invalid("a principle has no evidence rating".to_owned()),
                );
                None
            }
            (_, Some(level)) => {
                let found = self.refs.evidence.iter().position(|l| l.id == level.value);
                if found.is_none() {
                    self.loader.report(
                        self.file,
                        yaml::position_of(level),
                        Some(id),
                        ProblemKind::UnknownReference {
                            what: "evidence level",
                            name: level.value.clone(),
                            suggestion: suggest::closest(
                                &level.value,
                                self.refs.evidence.iter().map(|l| l.id.as_str()),
                            ),
                        },
                    );
                }
                found
            }
            (RuleKind::Principle, None) => None,
        };
        let condition = match (&raw.when, kind) {
            (Some(when), _) => self.condition(id, when),
            (None, RuleKind::Recommendation) => {
                self.loader.report(
                    self.file,
                    at,
                    Some(id),
                    ProblemKind::Invalid(
                        "a recommendation needs `when:`, the condition for when it applies"
                            .to_owned(),
                    ),
                );
                None
            }
            (None, RuleKind::Principle) => None,
        };
        if raw.sources.is_empty() {
            self.loader.report(
                self.file,
                at,
                Some(id),
                ProblemKind::Invalid(
                    "every recommendation and principle needs at least one source (`sources:` with \
                     `url` and `wording`)"
                        .to_owned(),
                ),
            );
        }
        let audiences = self.resolve_all(id, "audience", self.refs.audiences, &raw.audiences);
        let outcomes = self.resolve_all(id, "outcome", self.refs.outcomes, &raw.outcomes);
        let actions = raw
            .how
            .iter()
            .filter_map(|action| self.action(id, action))
            .collect();
        let sources = self.loader.sources(
            self.file,
            Some(id),
            &raw.sources,
            kind == RuleKind::Recommendation,
        );
        let fit = raw
            .fit
            .as_ref()
            .and_then(|fit| crate::fit::compile(fit, self.file, id, at, &mut self.loader.problems));
        if kind == RuleKind::Recommendation {
            self.check_ratings(id, at, evidence, &raw.sources);
        }
        if self.loader.problems.len() > before {
            return None;
        }
        Some(Rule {
            kind,
            id: id.to_owned(),
            title: raw.title.clone(),
            statement: raw.statement.clone(),
            evidence,
            outcomes,
            audiences,
            links: Vec::new(),
            condition,
            why: raw.why.clone(),
            actions,
            sources,
            shown: Shown::default(),
            fit,
        })
    }

    /// No evidence without a source: every `rating:` a source gives must be a rated level of the
    /// scale and the recommendation's own level, and a recommendation rated on the scale (not
    /// "rating not known") needs a source that gives that rating.
    fn check_ratings(
        &mut self,
        id: &str,
        at: Option<Position>,
        evidence: Option<usize>,
        sources: &[SourceFile],
    ) {
        if sources.is_empty() {
            // "needs at least one source" is reported already; one problem says it.
            return;
        }
        let scale = self.refs.evidence;
        let level = evidence.and_then(|i| scale.get(i));
        for rating in sources.iter().filter_map(|s| s.rating.as_ref()) {
            let rating_at = yaml::position_of(rating);
            let kind = match scale.iter().find(|l| l.id == rating.value) {
                None => ProblemKind::UnknownReference {
                    what: "evidence level",
                    name: rating.value.clone(),
                    suggestion: suggest::closest(
                        &rating.value,
                        scale.iter().map(|l| l.id.as_str()),
                    ),
                },
                Some(given) if given.unrated => ProblemKind::Invalid(format!(
                    "`rating: {}` is the level for \"rating not known\"; a source's `rating` is \
                     a rating the source gives, so leave it out",
                    given.id
                )),
                Some(given) => match level {
                    Some(own) if own.id == given.id => continue,
                    Some(own) => ProblemKind::Invalid(format!(
                        "this source gives the rating `{}` but the recommendation's `evidence` is \
                         `{}`",
                        given.id, own.id
                    )),
                    None => continue,
                },
            };
            self.loader.report(self.file, rating_at, Some(id), kind);
        }
        if let Some(own) = level.filter(|l| !l.unrated) {
            let given = sources
                .iter()
                .any(|s| s.rating.as_ref().is_some_and(|r| r.value == own.id));
            if !given {
                self.loader.report(
                    self.file,
                    at,
                    Some(id),
                    ProblemKind::Invalid(format!(
                        "the recommendation is rated `{}` but none of its sources gives that \
                         rating: add `rating: {}` to the source that gives it, or use the \
                         \"rating not known\" level",
                        own.id, own.id
                    )),
                );
            }
        }
    }

    fn action(&mut self, rule: &str, raw: &ActionFile) -> Option<Action> {
        let audiences = self.resolve_all(rule, "audience", self.refs.audiences, &raw.audiences);
        let condition = match &raw.when {
            Some(when) => Some(self.condition(rule, when)?),
            None => None,
        };
        let fit = match &raw.fit {
            Some(fit) => Some(crate::fit::compile(
                fit,
                self.file,
                rule,
                None,
                &mut self.loader.problems,
            )?),
            None => None,
        };
        Some(Action {
            text: raw.text.clone(),
            audience_ids: ids_of(self.refs.audience_labels, &audiences),
            audiences,
            condition,
            fit,
        })
    }
}

/// Declares the facts of a facts file (a guide's, or an overlay's local facts) after those already
/// in `vocabulary`, reporting every bad declaration. A fact that cannot be typed is declared as
/// text anyway, so that rules using it do not also fail as "unknown".
pub(crate) fn declare_facts(
    vocabulary: &mut Vocabulary,
    file: &files::FactsFile,
    problems: &mut Vec<Problem>,
) {
    let mut declared_here: HashMap<&str, Option<Position>> = HashMap::new();
    for (name, def) in &file.0 {
        let at = yaml::position_of(name);
        let checked = check_identifier("a fact name", &name.value).and_then(|()| {
            if condition::is_reserved(&name.value) {
                Err(ProblemKind::Invalid(format!(
                    "`{}` cannot be a fact name: the condition language uses it",
                    name.value
                )))
            } else if let Some(first) = declared_here.get(name.value.as_str()) {
                Err(ProblemKind::DuplicateId {
                    what: "fact",
                    id: name.value.clone(),
                    first_line: first.map_or(0, |p| p.line),
                })
            } else if vocabulary.resolve(&name.value).is_ok() {
                Err(ProblemKind::Invalid(format!(
                    "the guide already declares the fact `{}`; an overlay adds facts, it \
                     cannot redeclare them",
                    name.value
                )))
            } else {
                Ok(())
            }
        });
        if let Err(kind) = checked {
            problems.push(vocabulary::problem(
                files::FACTS_FILE,
                at,
                Some(&name.value),
                kind,
            ));
            continue;
        }
        declared_here.insert(&name.value, at);
        let fact_type = match fact_type(def) {
            Ok(t) => t,
            Err((kind, type_at)) => {
                problems.push(vocabulary::problem(
                    files::FACTS_FILE,
                    type_at.or(at),
                    Some(&name.value),
                    kind,
                ));
                FactType::Text { pattern: None }
            }
        };
        let fact = Fact {
            name: name.value.clone(),
            description: def.description.clone(),
            unit: def.unit.clone(),
            fact_type,
        };
        if let Err(kind) = vocabulary.push(fact) {
            problems.push(vocabulary::problem(
                files::FACTS_FILE,
                at,
                Some(&name.value),
                kind,
            ));
            break;
        }
    }
}

/// The ids of the labels at `indices`.
fn ids_of(labels: &[Label], indices: &[usize]) -> Vec<Cow<'static, str>> {
    indices
        .iter()
        .filter_map(|&i| labels.get(i))
        .map(|l| Cow::Owned(l.id.clone()))
        .collect()
}

/// Builds a fact's type from its declaration; on error, the problem and where it is.
pub(crate) fn fact_type(
    def: &files::FactFile,
) -> Result<FactType, (ProblemKind, Option<Position>)> {
    let type_at = yaml::position_of(&def.fact_type);
    let misplaced = |key: &str, types: &str| {
        (
            ProblemKind::Invalid(format!("`{key}` is only for {types} facts")),
            type_at,
        )
    };
    let keyword = def.fact_type.value.as_str();
    if def.range.is_some() && keyword != "integer" {
        return Err(misplaced("range", "integer"));
    }
    if def.unit.is_some() && keyword != "integer" {
        return Err(misplaced("unit", "integer"));
    }
    if def.values.is_some() && keyword != "one_of" && keyword != "set_of" {
        return Err(misplaced("values", "one_of and set_of"));
    }
    if def.pattern.is_some() && keyword != "text" {
        return Err(misplaced("pattern", "text"));
    }
    match keyword {
        "boolean" => Ok(FactType::Boolean),
        "integer" => {
            let Some(range) = &def.range else {
                return Err((
                    ProblemKind::Invalid("an integer fact needs `range: [MIN, MAX]`".to_owned()),
                    type_at,
                ));
            };
            match range.value.as_slice() {
                [min, max] if min <= max => Ok(FactType::Integer {
                    min: *min,
                    max: *max,
                }),
                _ => Err((
                    ProblemKind::Invalid(
                        "`range` must be two numbers [MIN, MAX] with MIN not above MAX".to_owned(),
                    ),
                    yaml::position_of(range),
                )),
            }
        }
        "one_of" | "set_of" => {
            let Some(values) = &def.values else {
                return Err((
                    ProblemKind::Invalid(format!("a {keyword} fact needs `values`")),
                    type_at,
                ));
            };
            let values_at = yaml::position_of(values);
            let entries = declared_values(&values.value).map_err(|k| (k, values_at))?;
            let values = Values::new(entries).map_err(|k| (k, values_at))?;
            Ok(if keyword == "one_of" {
                FactType::OneOf(values)
            } else {
                FactType::SetOf(values)
            })
        }
        "text" => match &def.pattern {
            Some(p) => vocabulary::compile_regex(&p.value)
                .map(|re| FactType::Text { pattern: Some(re) })
                .map_err(|k| (k, yaml::position_of(p))),
            None => Ok(FactType::Text { pattern: None }),
        },
        other => Err((
            ProblemKind::UnknownReference {
                what: "fact type",
                name: other.to_owned(),
                suggestion: suggest::closest(
                    other,
                    ["boolean", "integer", "one_of", "set_of", "text"],
                ),
            },
            type_at,
        )),
    }
}

/// A `values:` declaration: a list of names, or a mapping of name → description.
fn declared_values(raw: &Raw) -> Result<Vec<(String, Option<String>)>, ProblemKind> {
    let invalid = |found: &Raw| ProblemKind::WrongType {
        what: "`values`".to_owned(),
        expected: "a list of value names, or a mapping of value name to description".to_owned(),
        found: found.describe(),
    };
    let entries = match raw {
        Raw::List(items) => items
            .iter()
            .map(|i| match &i.value {
                Raw::Text(t) => Ok((t.clone(), None)),
                other => Err(invalid(other)),
            })
            .collect::<Result<Vec<_>, _>>()?,
        Raw::Map(entries) => entries
            .iter()
            .map(|(k, v)| match &v.value {
                Raw::Text(t) => Ok((k.value.clone(), Some(t.clone()))),
                Raw::Null => Ok((k.value.clone(), None)),
                other => Err(invalid(other)),
            })
            .collect::<Result<Vec<_>, _>>()?,
        other => return Err(invalid(other)),
    };
    for (name, _) in &entries {
        check_identifier("a value", name)?;
    }
    Ok(entries)
}

fn is_iso_date(s: &str) -> bool {
    let bytes = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    };
    let number = |range: std::ops::Range<usize>| s.get(range).and_then(|t| t.parse::<u32>().ok());
    bytes.len() == 10
        && digits(0..4)
        && bytes.get(4) == Some(&b'-')
        && digits(5..7)
        && bytes.get(7) == Some(&b'-')
        && digits(8..10)
        && number(5..7).is_some_and(|m| (1..=12).contains(&m))
        && number(8..10).is_some_and(|d| (1..=31).contains(&d))
}

/// SHA-256 over every file's name and contents, in name order, each length-prefixed so that no
/// two different sets of files hash alike.
pub(crate) fn content_hash(files: &BTreeMap<&str, &str>) -> String {
    let mut hasher = Sha256::new();
    for (name, text) in files {
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for byte in digest.iter() {
        use std::fmt::Write as _;
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// A cycle between named conditions is found once from each member; keep one report per cycle.
fn dedupe_cycles(problems: Vec<Problem>) -> Vec<Problem> {
    let mut seen = BTreeSet::new();
    problems
        .into_iter()
        .filter(|p| match p.kind() {
            ProblemKind::ConditionCycle(chain) => {
                let mut members: Vec<&str> = chain.split(" → ").collect();
                members.sort_unstable();
                members.dedup();
                seen.insert(members.join(","))
            }
            _ => true,
        })
        .collect()
}
