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

mod compare;
mod read;
mod boundaries;
mod coverage;
#[cfg(feature = "analysis")]
mod mutants;
#[cfg(all(test, feature = "analysis"))]
mod tests;

pub use boundaries::{BoundaryCoverage, Side};
pub use coverage::{Coverage, ItemCoverage, TestCoverage};
#[cfg(feature = "analysis")]
pub use mutants::{Mutant, MutationReport, Verdict, run_mutants};
#[cfg(feature = "schema")]
pub(crate) use read::CaseFile;

use std::fmt;
use std::path::Path;

use crate::error::{Error, Input, Item, Position, Problem, ProblemKind};
use crate::model::guide::Guide;
use crate::model::rule::RuleKind;
use crate::profile::FamilyProfile;
use crate::result::{RuleResult, Status};
use crate::syntax;

use compare::{kind_word, missing_note, section};

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

/// One expected action: its id or a piece of its text, and its status if the case gives one.
#[derive(Debug, Clone)]
struct ActionExpectation {
    by: ActionRef,
    status: Option<Status>,
}

/// How a case names an action.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ActionRef {
    /// By its id (`{ id: structured-delivery }`).
    Id(String),
    /// By a piece of its text (`coordinated and jointly owned`).
    Text(String),
}

/// The result of running one case.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CaseReport {
    /// The case file, as named when read.
    pub file: String,
    /// The case's description, if it gives one.
    pub description: Option<String>,
    /// Every difference between what the case expects and what the guide gave; empty if it passed.
    pub mismatches: Vec<Mismatch>,
    /// What the case asserts of each rule and action it names: the item and its status.
    asserted: Vec<(Item, Status)>,
    /// What the guide gave the case's profile: every rule's and action's status, and every
    /// test's truth (by site).
    seen: coverage::Seen,
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
#[non_exhaustive]
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
#[non_exhaustive]
pub struct SuiteReport {
    /// One report per case, in file-name order.
    pub cases: Vec<CaseReport>,
    /// The guide's rules and actions that no case asserts both ways, in guide order.
    unasserted: Vec<Unasserted>,
    /// What the cases saw of every rule, action and test.
    coverage: Coverage,
}

/// A rule or action of the guide that the suite does not assert both ways: no case names it where
/// it applies, or none where it does not apply (or is undetermined). A case names a rule by
/// listing it under `expect`; it names an action by listing it (by id or a piece of its text) in
/// its rule's `actions:`, which also asserts that every action it does not list is not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unasserted {
    /// The rule or action.
    pub item: Item,
    /// Whether some case asserts that it applies.
    pub applies: bool,
    /// Whether some case asserts that it does not apply, or is undetermined.
    pub otherwise: bool,
}

impl fmt::Display for Unasserted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let missing = match (self.applies, self.otherwise) {
            (false, false) => "no case names it",
            (false, true) => "no case names it where it applies",
            _ => "no case names it where it does not apply or is undetermined",
        };
        write!(f, "{}: {missing}", self.item)
    }
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

    /// The guide's rules and actions that the suite does not assert both ways (see
    /// [`Unasserted`]): what a new rule or action added without a case shows up in.
    ///
    /// ```
    /// let guide = practice_guide::parenting_through_adversity();
    /// let report = practice_guide::cases::run_case_dir(guide, "tests/cases")?;
    /// assert!(report.unasserted().is_empty(), "{:#?}", report.unasserted());
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn unasserted(&self) -> &[Unasserted] {
        &self.unasserted
    }

    /// What the suite's profiles made of every rule, action and test of the guide: which
    /// outcomes some case reached, and which none did (see [`Coverage`]).
    pub fn coverage(&self) -> &Coverage {
        &self.coverage
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
    let cases = read_case_dir(guide, dir)?;
    Ok(run_cases(guide, &cases))
}

/// Runs `cases` (read against `guide`) in order, as [`run_case_dir`] does.
pub fn run_cases(guide: &Guide, cases: &[Case]) -> SuiteReport {
    let cases: Vec<CaseReport> = cases.iter().map(|c| c.run(guide)).collect();
    let unasserted = coverage::unasserted(guide, &cases);
    let coverage = Coverage::of_cases(guide, &cases);
    SuiteReport {
        cases,
        unasserted,
        coverage,
    }
}

/// Reads every case file (`*.yaml`, `*.yml`) in `dir` and checks each against `guide`, in
/// file-name order, without running them. Fails as [`run_case_dir`] does.
pub fn read_case_dir(guide: &Guide, dir: impl AsRef<Path>) -> Result<Vec<Case>, Error> {
    let dir = dir.as_ref();
    let origin = dir.display().to_string();
    let files = syntax::read_dir(dir, Input::CaseFile, |path| path.display().to_string())?;
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
        let problem = Problem::new(Input::CaseFile, Some(&origin), ProblemKind::NoCaseFiles);
        return Err(Error::one(problem));
    }
    Ok(cases)
}

impl Case {
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
        let mut asserted = Vec::new();
        let mut mismatch = |position: Option<Position>, rule: Option<&str>, message: String| {
            mismatches.push(Mismatch {
                file: self.file.clone(),
                position,
                rule: rule.map(str::to_owned),
                message,
            });
        };
        let prepared = match guide.prepare(&self.profile) {
            Ok(prepared) => prepared,
            Err(err) => {
                mismatch(
                    None,
                    None,
                    format!("the profile does not fit the guide: {err}"),
                );
                return self.report(mismatches, asserted, coverage::Seen::default());
            }
        };
        let evaluation = prepared.evaluate();
        let seen = coverage::Seen::of(&prepared, &evaluation);
        if let Some((expected, at)) = self.scope
            && evaluation.scope().status() != expected
        {
            mismatch(
                at,
                None,
                format!(
                    "expected {}, found {}{}",
                    expected.as_str(),
                    evaluation.scope().status().as_str(),
                    missing_note(evaluation.scope().missing())
                ),
            );
        }
        for result in evaluation.rules() {
            match self
                .rules
                .iter()
                .find(|r| r.id == result.id() && r.kind == result.kind())
            {
                Some(expected) => {
                    let differences = expected.compare(&result);
                    if differences.is_empty() {
                        asserted.extend(coverage::asserted(guide, expected, &result));
                    }
                    for (at, message) in differences {
                        mismatch(at, Some(result.id()), message);
                    }
                }
                None => {
                    if let Some(message) = self.unlisted(&result) {
                        mismatch(None, Some(result.id()), message);
                    }
                }
            }
        }
        for expected in &self.rules {
            let found = evaluation
                .rules()
                .any(|r| r.id() == expected.id && r.kind() == expected.kind);
            if !found {
                mismatch(
                    expected.at,
                    Some(&expected.id),
                    format!("the guide has no {} with this id", kind_word(expected.kind)),
                );
            }
        }
        self.report(mismatches, asserted, seen)
    }

    /// What is wrong with a result the case does not list: its status is not `expect.unlisted`,
    /// or the case says nothing of it.
    fn unlisted(&self, result: &RuleResult<'_>) -> Option<String> {
        match self.unlisted {
            Some(status) if status == result.status() => None,
            Some(status) => Some(format!(
                "expected {} (expect.unlisted), found {}{}",
                status.as_str(),
                result.status().as_str(),
                missing_note(result.missing())
            )),
            None => Some(format!(
                "the case does not say what this {} should be (found {}): list it under \
                 `expect.{}`, or set `expect.unlisted`",
                kind_word(result.kind()),
                result.status().as_str(),
                section(result.kind())
            )),
        }
    }

    fn report(
        &self,
        mismatches: Vec<Mismatch>,
        asserted: Vec<(Item, Status)>,
        seen: coverage::Seen,
    ) -> CaseReport {
        CaseReport {
            file: self.file.clone(),
            description: self.description.clone(),
            mismatches,
            asserted,
            seen,
        }
    }
}
