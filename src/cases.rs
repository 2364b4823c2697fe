//! Case suites: family profiles with the results a guide must give them, checked against the
//! guide's rules.
//!
//! A case file is YAML: a profile, and what the guide must say about it.
//!
//! ```yaml
//! # Which part of the guide's text this case checks, and why.
//! description: A family receiving Family Help, a 4-year-old, poverty
//! profile:
//!   children_ages: [age_4]
//!   adversities: [poverty]
//!   service_level: family_help
//! expect:
//!   scope: applies                       # optional: applies, undetermined or does_not_apply
//!   unlisted: applies                    # optional: the status of every rule not listed below
//!   recommendations:
//!     reduce-risk-of-harm:               # a status, or a mapping:
//!       status: applies
//!       evidence: promising              # optional: the rule's evidence level (its id)
//!       actions:                         # optional: exactly the actions shown, each matched by a
//!         - coordinated and jointly owned  #   piece of its text (and optionally its status)
//!         - { text: Fixed and structured delivery, status: applies }
//!         - Focus on the intervention models
//!     key-mental-health-without-waiting: does_not_apply
//!   principles:
//!     programme-design: { status: applies, missing: [] }  # missing: exactly these unknown facts
//! ```
//!
//! Every rule of the guide must have an expectation, listed or through `unlisted`; a rule without
//! one is reported as a mismatch, so a rule added to a guide cannot pass its suite unreviewed. A
//! case that names a recommendation, principle, evidence level or fact the guide does not have is
//! an [`Error`], not a pass, as is a profile that does not fit the guide's vocabulary.
//!
//! Run a folder of case files with [`run_case_dir`]; the [`SuiteReport`] lists every mismatch with
//! the case file, the line of the expectation and the rule:
//!
//! ```
//! let guide = practice_guide::parenting_through_adversity();
//! let report = practice_guide::cases::run_case_dir(guide, "tests/cases")?;
//! assert!(report.passed(), "{report}");
//! # Ok::<(), practice_guide::Error>(())
//! ```
//!
//! A single case can be read and run from text with [`Case::read`] and [`Case::run`].

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Position, Problem, ProblemKind};
use crate::evaluation::{RuleResult, Status};
use crate::files::Ordered;
use crate::guide::{Guide, RuleKind};
use crate::profile::{self, FamilyProfile};
use crate::suggest;
use crate::yaml::{self, Raw, Spanned};

/// One case: a profile and the results the guide must give it, checked against a guide's ids.
#[derive(Debug, Clone)]
pub struct Case {
    file: String,
    description: Option<String>,
    profile: FamilyProfile,
    scope: Option<(Status, Option<Position>)>,
    unlisted: Option<Status>,
    rules: Vec<RuleExpectation>,
}

/// What a case expects of one recommendation or principle.
#[derive(Debug, Clone)]
struct RuleExpectation {
    kind: RuleKind,
    id: String,
    at: Option<Position>,
    status: Status,
    evidence: Option<String>,
    actions: Option<Vec<ActionExpectation>>,
    missing: Option<Vec<String>>,
}

/// One expected action: a piece of its text, and its status if the case gives one.
#[derive(Debug, Clone)]
struct ActionExpectation {
    text: String,
    status: Option<Status>,
}

/// The result of running one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseReport {
    /// The case file, as named when read.
    pub file: String,
    /// The case's description, if it gives one.
    pub description: Option<String>,
    /// Every difference between what the case expects and what the guide gave; empty if it passed.
    pub mismatches: Vec<Mismatch>,
}

impl CaseReport {
    /// Whether the guide gave everything the case expects.
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// One difference between a case's expectation and the guide's result.
///
/// Displayed as `FILE:LINE:COLUMN: rule `ID`: MESSAGE` (or `scope:` in place of the rule), the
/// position being that of the expectation in the case file where there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The case file.
    pub file: String,
    /// Where in the case file the expectation is, when known.
    pub position: Option<Position>,
    /// The recommendation or principle concerned; `None` for the guide's scope.
    pub rule: Option<String>,
    /// What differs: what was expected and what the guide gave.
    pub message: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.file)?;
        if let Some(Position { line, column }) = self.position {
            write!(f, "{line}:{column}:")?;
        }
        match &self.rule {
            Some(rule) => write!(f, " rule `{rule}`: {}", self.message),
            None => write!(f, " scope: {}", self.message),
        }
    }
}

/// The result of running a suite of cases.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SuiteReport {
    /// One report per case, in file-name order.
    pub cases: Vec<CaseReport>,
}

impl SuiteReport {
    /// Whether every case passed.
    pub fn passed(&self) -> bool {
        self.cases.iter().all(CaseReport::passed)
    }

    /// Every mismatch of every case, in file-name order.
    pub fn mismatches(&self) -> impl Iterator<Item = &Mismatch> {
        self.cases.iter().flat_map(|c| c.mismatches.iter())
    }
}

/// `N cases, M failed` and then every mismatch on its own line.
impl fmt::Display for SuiteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failed = self.cases.iter().filter(|c| !c.passed()).count();
        write!(
            f,
            "{} cases, {} passed, {} failed",
            self.cases.len(),
            self.cases.len() - failed,
            failed
        )?;
        for mismatch in self.mismatches() {
            write!(f, "\n{mismatch}")?;
        }
        Ok(())
    }
}

/// Reads every case file (`*.yaml`, `*.yml`) in `dir`, checks each against `guide`, and runs them
/// in file-name order. Fails, listing every problem in every file, if any case file cannot be read
/// or names something the guide does not have; otherwise returns the report, passed or not.
pub fn run_case_dir(guide: &Guide, dir: impl AsRef<Path>) -> Result<SuiteReport, Error> {
    let dir = dir.as_ref();
    let origin = dir.display().to_string();
    let files = yaml::read_dir(dir, |path| path.display().to_string())?;
    let mut cases = Vec::with_capacity(files.len());
    let mut problems = Vec::new();
    for file in files {
        match Case::read(guide, &file.path.display().to_string(), &file.text) {
            Ok(case) => cases.push(case),
            Err(e) => problems.extend(e.problems().iter().cloned()),
        }
    }
    if !problems.is_empty() {
        return Err(Error::new(problems));
    }
    if cases.is_empty() {
        return Err(Error::new(vec![Problem::new(
            &origin,
            ProblemKind::Invalid("no case files (*.yaml) in this folder".to_owned()),
        )]));
    }
    Ok(SuiteReport {
        cases: cases.iter().map(|c| c.run(guide)).collect(),
    })
}

/// A case file as serde reads it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    #[serde(default)]
    description: Option<String>,
    profile: Spanned<Raw>,
    expect: ExpectFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectFile {
    #[serde(default)]
    scope: Option<Spanned<String>>,
    #[serde(default)]
    unlisted: Option<Spanned<String>>,
    #[serde(default)]
    recommendations: Ordered<Spanned<String>, Spanned<Raw>>,
    #[serde(default)]
    principles: Ordered<Spanned<String>, Spanned<Raw>>,
}

impl Case {
    /// Reads a case from YAML text and checks it against `guide`: every rule id, evidence level
    /// and fact it names must exist, and its profile must fit the vocabulary. `origin` names the
    /// text in messages (e.g. its file name). Every problem is reported, with line and column.
    ///
    /// ```
    /// use practice_guide::cases::Case;
    /// let guide = practice_guide::parenting_through_adversity();
    /// let err = Case::read(guide, "case.yaml", "profile: {}\nexpect:\n  recommendations:\n    reduce-risk-of-harn: applies\n")
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "case.yaml:4:5: unknown recommendation `reduce-risk-of-harn` (did you mean `reduce-risk-of-harm`?)"
    /// );
    /// ```
    pub fn read(guide: &Guide, origin: &str, text: &str) -> Result<Case, Error> {
        let file: CaseFile =
            yaml::parse(origin, text, yaml::Budget::RuleFile).map_err(|p| Error::new(vec![p]))?;
        let mut problems = Vec::new();
        let profile = match profile::from_raw(&guide.vocabulary, origin, file.profile) {
            Ok(profile) => profile,
            Err(e) => {
                problems.extend(e.problems().iter().cloned());
                FamilyProfile::new()
            }
        };
        let mut reader = Reader {
            guide,
            origin,
            problems,
        };
        let scope = file
            .expect
            .scope
            .as_ref()
            .and_then(|s| Some((reader.status(s)?, yaml::position_of(s))));
        let unlisted = file.expect.unlisted.as_ref().and_then(|s| reader.status(s));
        let mut rules = Vec::new();
        for (kind, entries) in [
            (RuleKind::Recommendation, &file.expect.recommendations),
            (RuleKind::Principle, &file.expect.principles),
        ] {
            for (id, body) in &entries.0 {
                if let Some(rule) = reader.rule(kind, id, body) {
                    rules.push(rule);
                }
            }
        }
        if !reader.problems.is_empty() {
            return Err(Error::new(reader.problems));
        }
        Ok(Case {
            file: origin.to_owned(),
            description: file.description,
            profile,
            scope,
            unlisted,
            rules,
        })
    }

    /// The case file's name, as given when read.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The case's description, if it gives one.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The case's profile.
    pub fn profile(&self) -> &FamilyProfile {
        &self.profile
    }

    /// Evaluates the case's profile with `guide` and compares every result the case expects.
    /// `guide` should be the guide the case was read against; a rule the case names that the guide
    /// does not have is reported as a mismatch.
    pub fn run(&self, guide: &Guide) -> CaseReport {
        let mut mismatches = Vec::new();
        let mut mismatch = |position: Option<Position>, rule: Option<&str>, message: String| {
            mismatches.push(Mismatch {
                file: self.file.clone(),
                position,
                rule: rule.map(str::to_owned),
                message,
            });
        };
        let evaluation = match guide.evaluate(&self.profile) {
            Ok(evaluation) => evaluation,
            Err(err) => {
                mismatch(
                    None,
                    None,
                    format!("the profile does not fit the guide: {err}"),
                );
                return self.report(mismatches);
            }
        };
        if let Some((expected, at)) = self.scope
            && evaluation.scope.status != expected
        {
            mismatch(
                at,
                None,
                format!(
                    "expected {}, found {}{}",
                    expected.as_str(),
                    evaluation.scope.status.as_str(),
                    missing_note(&evaluation.scope.missing)
                ),
            );
        }
        let results = evaluation
            .recommendations
            .iter()
            .chain(evaluation.principles.iter());
        for result in results {
            match self
                .rules
                .iter()
                .find(|r| r.id == result.id && r.kind == result.kind)
            {
                Some(expected) => {
                    for (at, message) in expected.compare(result) {
                        mismatch(at, Some(&result.id), message);
                    }
                }
                None => match self.unlisted {
                    Some(status) if status == result.status => {}
                    Some(status) => mismatch(
                        None,
                        Some(&result.id),
                        format!(
                            "expected {} (expect.unlisted), found {}{}",
                            status.as_str(),
                            result.status.as_str(),
                            missing_note(&result.missing)
                        ),
                    ),
                    None => mismatch(
                        None,
                        Some(&result.id),
                        format!(
                            "the case does not say what this {} should be (found {}): list it \
                             under `expect.{}`, or set `expect.unlisted`",
                            kind_word(result.kind),
                            result.status.as_str(),
                            section(result.kind)
                        ),
                    ),
                },
            }
        }
        for expected in &self.rules {
            let found = evaluation
                .recommendations
                .iter()
                .chain(evaluation.principles.iter())
                .any(|r| r.id == expected.id && r.kind == expected.kind);
            if !found {
                mismatch(
                    expected.at,
                    Some(&expected.id),
                    format!("the guide has no {} with this id", kind_word(expected.kind)),
                );
            }
        }
        self.report(mismatches)
    }

    fn report(&self, mismatches: Vec<Mismatch>) -> CaseReport {
        CaseReport {
            file: self.file.clone(),
            description: self.description.clone(),
            mismatches,
        }
    }
}

impl RuleExpectation {
    /// Every difference between this expectation and `result`, with where the expectation is.
    fn compare(&self, result: &RuleResult<'_>) -> Vec<(Option<Position>, String)> {
        let mut out = Vec::new();
        if result.status != self.status {
            out.push((
                self.at,
                format!(
                    "expected {}, found {}{}",
                    self.status.as_str(),
                    result.status.as_str(),
                    missing_note(&result.missing)
                ),
            ));
        }
        if let Some(evidence) = &self.evidence {
            let found = result.evidence.as_ref().map_or("none", |e| e.id.as_ref());
            if found != evidence {
                out.push((
                    self.at,
                    format!("expected evidence `{evidence}`, found `{found}`"),
                ));
            }
        }
        if let Some(missing) = &self.missing {
            let mut expected: Vec<&str> = missing.iter().map(String::as_str).collect();
            let mut found: Vec<&str> = result.missing.iter().map(AsRef::as_ref).collect();
            expected.sort_unstable();
            found.sort_unstable();
            if expected != found {
                out.push((
                    self.at,
                    format!(
                        "expected missing facts [{}], found [{}]",
                        expected.join(", "),
                        found.join(", ")
                    ),
                ));
            }
        }
        if let Some(actions) = &self.actions {
            let mut used = vec![false; result.actions.len()];
            for expected in actions {
                let matching: Vec<usize> = result
                    .actions
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.text.contains(expected.text.as_str()))
                    .map(|(i, _)| i)
                    .collect();
                match matching.as_slice() {
                    [] => out.push((
                        self.at,
                        format!("expected the action \"{}\", not shown", expected.text),
                    )),
                    [i] => {
                        if let Some(flag) = used.get_mut(*i) {
                            *flag = true;
                        }
                        let status = result.actions.get(*i).map(|a| a.status);
                        if let (Some(want), Some(got)) = (expected.status, status)
                            && want != got
                        {
                            out.push((
                                self.at,
                                format!(
                                    "expected the action \"{}\" to be {}, found {}",
                                    expected.text,
                                    want.as_str(),
                                    got.as_str()
                                ),
                            ));
                        }
                    }
                    many => out.push((
                        self.at,
                        format!(
                            "the expected action \"{}\" matches {} actions: quote more of its text",
                            expected.text,
                            many.len()
                        ),
                    )),
                }
            }
            for (action, used) in result.actions.iter().zip(used) {
                if !used {
                    out.push((
                        self.at,
                        format!(
                            "the action \"{}\" is shown ({}) but not expected",
                            yaml::truncate(&action.text),
                            action.status.as_str()
                        ),
                    ));
                }
            }
        }
        out
    }
}

/// Checks a case file's parts against the guide, collecting problems.
struct Reader<'a> {
    guide: &'a Guide,
    origin: &'a str,
    problems: Vec<Problem>,
}

const STATUSES: [&str; 3] = ["applies", "undetermined", "does_not_apply"];

impl Reader<'_> {
    fn problem(&mut self, at: Option<Position>, rule: Option<&str>, kind: ProblemKind) {
        self.problems
            .push(Problem::new(self.origin, kind).at(at).in_rule(rule));
    }

    fn status(&mut self, text: &Spanned<String>) -> Option<Status> {
        self.status_of(&text.value, yaml::position_of(text))
    }

    fn status_of(&mut self, text: &str, at: Option<Position>) -> Option<Status> {
        match text {
            "applies" => Some(Status::Applies),
            "undetermined" => Some(Status::Undetermined),
            "does_not_apply" => Some(Status::DoesNotApply),
            other => {
                self.problem(
                    at,
                    None,
                    ProblemKind::UnknownReference {
                        what: "status",
                        name: other.to_owned(),
                        suggestion: suggest::closest(other, STATUSES),
                    },
                );
                None
            }
        }
    }

    fn rule(
        &mut self,
        kind: RuleKind,
        id: &Spanned<String>,
        body: &Spanned<Raw>,
    ) -> Option<RuleExpectation> {
        let at = yaml::position_of(id);
        let rules: Vec<&str> = match kind {
            RuleKind::Recommendation => self.guide.recommendations().map(|r| r.id()).collect(),
            RuleKind::Principle => self.guide.principles().map(|r| r.id()).collect(),
        };
        if !rules.contains(&id.value.as_str()) {
            self.problem(
                at,
                None,
                ProblemKind::UnknownReference {
                    what: kind_word(kind),
                    name: id.value.clone(),
                    suggestion: suggest::closest(&id.value, rules.iter().copied()),
                },
            );
            return None;
        }
        let mut expectation = RuleExpectation {
            kind,
            id: id.value.clone(),
            at,
            status: Status::Undetermined,
            evidence: None,
            actions: None,
            missing: None,
        };
        let rule = Some(id.value.as_str());
        match &body.value {
            Raw::Text(status) => {
                expectation.status = self.status_of(status, yaml::position_of(body))?;
            }
            Raw::Map(entries) => {
                let mut status = None;
                for (key, value) in entries {
                    let key_at = yaml::position_of(key);
                    let value_at = yaml::position_of(value);
                    match key.value.as_str() {
                        "status" => match &value.value {
                            Raw::Text(t) => status = self.status_of(t, value_at),
                            other => self.wrong(value_at, rule, "`status`", "a status", other),
                        },
                        "evidence" => self.evidence(kind, rule, value, &mut expectation),
                        "missing" => {
                            expectation.missing = self.facts(rule, value);
                        }
                        "actions" => {
                            expectation.actions = self.actions(rule, value);
                        }
                        other => self.problem(
                            key_at,
                            rule,
                            ProblemKind::UnknownReference {
                                what: "key",
                                name: other.to_owned(),
                                suggestion: suggest::closest(
                                    other,
                                    ["status", "evidence", "missing", "actions"],
                                ),
                            },
                        ),
                    }
                }
                match status {
                    Some(s) => expectation.status = s,
                    None => {
                        if !entries.iter().any(|(k, _)| k.value == "status") {
                            self.problem(
                                yaml::position_of(body),
                                rule,
                                ProblemKind::Invalid(
                                    "an expectation needs `status:` (applies, undetermined or \
                                     does_not_apply)"
                                        .to_owned(),
                                ),
                            );
                        }
                        return None;
                    }
                }
            }
            other => {
                self.wrong(
                    yaml::position_of(body),
                    rule,
                    "an expectation",
                    "a status or a mapping with `status:`",
                    other,
                );
                return None;
            }
        }
        Some(expectation)
    }

    fn wrong(
        &mut self,
        at: Option<Position>,
        rule: Option<&str>,
        what: &str,
        expected: &str,
        found: &Raw,
    ) {
        self.problem(
            at,
            rule,
            ProblemKind::WrongType {
                what: what.to_owned(),
                expected: expected.to_owned(),
                found: found.describe(),
            },
        );
    }

    fn evidence(
        &mut self,
        kind: RuleKind,
        rule: Option<&str>,
        value: &Spanned<Raw>,
        expectation: &mut RuleExpectation,
    ) {
        let at = yaml::position_of(value);
        let Raw::Text(level) = &value.value else {
            self.wrong(
                at,
                rule,
                "`evidence`",
                "an evidence level's id",
                &value.value,
            );
            return;
        };
        if kind == RuleKind::Principle {
            self.problem(
                at,
                rule,
                ProblemKind::Invalid("a principle has no evidence rating".to_owned()),
            );
            return;
        }
        let scale = self.guide.evidence_scale();
        if scale.iter().any(|l| &l.id == level) {
            expectation.evidence = Some(level.clone());
        } else {
            self.problem(
                at,
                rule,
                ProblemKind::UnknownReference {
                    what: "evidence level",
                    name: level.clone(),
                    suggestion: suggest::closest(level, scale.iter().map(|l| l.id.as_str())),
                },
            );
        }
    }

    fn facts(&mut self, rule: Option<&str>, value: &Spanned<Raw>) -> Option<Vec<String>> {
        let Raw::List(items) = &value.value else {
            self.wrong(
                yaml::position_of(value),
                rule,
                "`missing`",
                "a list of fact names",
                &value.value,
            );
            return None;
        };
        let mut facts = Vec::new();
        for item in items {
            let at = yaml::position_of(item);
            match &item.value {
                Raw::Text(name) => match self.guide.vocabulary.resolve(name) {
                    Ok(_) => facts.push(name.clone()),
                    Err(kind) => self.problem(at, rule, kind),
                },
                other => self.wrong(at, rule, "an item of `missing`", "a fact name", other),
            }
        }
        Some(facts)
    }

    fn actions(
        &mut self,
        rule: Option<&str>,
        value: &Spanned<Raw>,
    ) -> Option<Vec<ActionExpectation>> {
        let Raw::List(items) = &value.value else {
            self.wrong(
                yaml::position_of(value),
                rule,
                "`actions`",
                "a list of pieces of action text",
                &value.value,
            );
            return None;
        };
        let mut actions = Vec::new();
        for item in items {
            let at = yaml::position_of(item);
            match &item.value {
                Raw::Text(text) if !text.is_empty() => actions.push(ActionExpectation {
                    text: text.clone(),
                    status: None,
                }),
                Raw::Map(entries) => {
                    let mut text = None;
                    let mut status = None;
                    for (key, value) in entries {
                        match (key.value.as_str(), &value.value) {
                            ("text", Raw::Text(t)) if !t.is_empty() => text = Some(t.clone()),
                            ("status", Raw::Text(s)) => {
                                status = self.status_of(s, yaml::position_of(value));
                            }
                            _ => self.problem(
                                yaml::position_of(key),
                                rule,
                                ProblemKind::Invalid(format!(
                                    "an expected action is `{{ text: PIECE OF TEXT, status: \
                                     STATUS }}`; `{}` is not one of its keys or has the wrong value",
                                    key.value
                                )),
                            ),
                        }
                    }
                    match text {
                        Some(text) => actions.push(ActionExpectation { text, status }),
                        None => self.problem(
                            at,
                            rule,
                            ProblemKind::Invalid("an expected action needs `text:`".to_owned()),
                        ),
                    }
                }
                other => self.wrong(
                    at,
                    rule,
                    "an expected action",
                    "a piece of the action's text, or `{ text, status }`",
                    other,
                ),
            }
        }
        Some(actions)
    }
}

fn kind_word(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::Recommendation => "recommendation",
        RuleKind::Principle => "principle",
    }
}

fn section(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::Recommendation => "recommendations",
        RuleKind::Principle => "principles",
    }
}

fn missing_note<S: AsRef<str>>(missing: &[S]) -> String {
    if missing.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = missing.iter().map(AsRef::as_ref).collect();
        format!(" (missing: {})", names.join(", "))
    }
}
