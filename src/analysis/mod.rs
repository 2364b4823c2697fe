//! Exact analysis of a guide's rules (feature `analysis`): what can never apply, what says
//! nothing, what nothing uses — and, for every recommendation, principle and "how" point, a
//! smallest profile under which it applies and one under which it does not.
//!
//! The vocabulary is finite (booleans, declared values, integer ranges cut at the thresholds the
//! rules use, the texts they name), so every profile a guide can be given is one assignment of
//! Boolean variables, and every condition the two sets of profiles where it is true and where it
//! is false, in the evaluator's three-valued logic — unknown facts included. The sets are binary
//! decision diagrams ([`biodivine_lib_bdd`]); a verdict is a question of emptiness or inclusion,
//! answered exactly for every profile. The one exception is a regular expression tested on a
//! text fact: it is treated as an independent unknown, and every finding made while one is
//! present says that it may over-approximate ([`Analysis::is_approximate`]).
//!
//! ```
//! let guide = practice_guide::parenting_through_adversity();
//! let analysis = guide.analyze();
//! assert_eq!(analysis.errors(), 0);
//! let witnesses = analysis.witnesses();
//! let rule = witnesses.iter().find(|w| w.id == "reduce-risk-of-harm").unwrap();
//! // A smallest family the recommendation applies to, and one it does not apply to.
//! let applies = rule.applies.as_ref().unwrap();
//! let evaluation = guide.prepare(applies).unwrap().evaluate();
//! let result = evaluation.rule("reduce-risk-of-harm").unwrap();
//! assert_eq!(result.status(), practice_guide::Status::Applies);
//! ```

mod space;
mod findings;
mod changes;
pub(crate) mod reach;
pub(crate) mod differ;

pub use changes::{Counterfactuals, OutOfTime};
pub(crate) use findings::rule_item;
#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::error::{Item, Position};
use crate::model::guide::Guide;
use crate::profile::FamilyProfile;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The rules are wrong: something can never be shown to any family.
    Error,
    /// Probably a mistake: a test or `when:` that decides nothing, something nothing uses.
    Warning,
    /// Worth knowing: equivalent conditions, a rule every family in scope gets, a `known:` test.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a finding is about, one variant per check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Check {
    /// No family can be within the guide's scope.
    ScopeEmpty,
    /// A recommendation or principle no family in scope can get.
    RuleNeverApplies,
    /// A "how" point that can never apply where its rule does.
    ActionNeverApplies,
    /// A "how" point whose `when:` holds wherever its rule applies.
    ActionWhenSaysNothing,
    /// A test that no value of its fact makes true.
    TestNeverTrue,
    /// A test that every value of its fact makes true.
    TestNeverFalse,
    /// A named condition no rule, scope, action or service uses.
    UnusedNamedCondition,
    /// A fact no test reads.
    UnusedFact,
    /// A declared value no test names.
    UnreadValue,
    /// Two rules, or two "how" points of one rule, with equivalent conditions.
    EquivalentConditions,
    /// A rule that applies to every family in scope.
    AppliesToEveryFamily,
    /// A `known:` test: it asks about the profile, not the family, and is not monotone.
    KnownTest,
    /// A `matches:` expression without anchors.
    UnanchoredRegex,
    /// A local service no family can be eligible for.
    ServiceNeverEligible,
    /// A local service that can never apply under a rule or "how" point it delivers.
    ServiceNeverUnderRule,
    /// The guide is too large to analyse exactly.
    TooLarge,
}

impl Check {
    /// The check's stable code, e.g. `rule_never_applies`.
    pub fn code(self) -> &'static str {
        match self {
            Check::ScopeEmpty => "scope_empty",
            Check::RuleNeverApplies => "rule_never_applies",
            Check::ActionNeverApplies => "action_never_applies",
            Check::ActionWhenSaysNothing => "action_when_says_nothing",
            Check::TestNeverTrue => "test_never_true",
            Check::TestNeverFalse => "test_never_false",
            Check::UnusedNamedCondition => "unused_named_condition",
            Check::UnusedFact => "unused_fact",
            Check::UnreadValue => "unread_value",
            Check::EquivalentConditions => "equivalent_conditions",
            Check::AppliesToEveryFamily => "applies_to_every_family",
            Check::KnownTest => "known_test",
            Check::UnanchoredRegex => "unanchored_regex",
            Check::ServiceNeverEligible => "service_never_eligible",
            Check::ServiceNeverUnderRule => "service_never_under_rule",
            Check::TooLarge => "too_large",
        }
    }

    /// How much a finding of this check matters.
    pub fn severity(self) -> Severity {
        match self {
            Check::ScopeEmpty
            | Check::RuleNeverApplies
            | Check::ActionNeverApplies
            | Check::TooLarge => Severity::Error,
            Check::ActionWhenSaysNothing
            | Check::TestNeverTrue
            | Check::TestNeverFalse
            | Check::UnusedNamedCondition
            | Check::UnusedFact
            | Check::ServiceNeverEligible
            | Check::ServiceNeverUnderRule => Severity::Warning,
            Check::UnreadValue
            | Check::EquivalentConditions
            | Check::AppliesToEveryFamily
            | Check::KnownTest
            | Check::UnanchoredRegex => Severity::Info,
        }
    }
}

/// One thing the analysis found.
///
/// Serialized as `{"severity", "code", "item", "file", "line", "column", "message", "help",
/// "witness", "approximate"}`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// Which check found it.
    pub check: Check,
    /// What it is about.
    pub item: Option<Item>,
    /// The rule file it is in, where known.
    pub file: Option<&'static str>,
    /// Where in the file, where known.
    pub position: Option<Position>,
    /// What was found.
    pub message: String,
    /// What to do about it, where the analysis can say.
    pub help: Option<String>,
    /// A profile that shows it, where one exists: e.g. one under which a "how" point's own
    /// condition holds, for a point that can never apply where its rule does.
    pub witness: Option<FamilyProfile>,
    /// Whether the verdict may over-approximate (a regular expression was treated as an
    /// independent unknown).
    pub approximate: bool,
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            severity: Severity,
            code: &'static str,
            item: Option<&'a Item>,
            file: Option<&'static str>,
            line: Option<u64>,
            column: Option<u64>,
            message: &'a str,
            help: Option<&'a str>,
            witness: Option<&'a FamilyProfile>,
            approximate: bool,
        }
        Json {
            severity: self.severity,
            code: self.check.code(),
            item: self.item.as_ref(),
            file: self.file,
            line: self.position.map(|p| p.line),
            column: self.position.map(|p| p.column),
            message: &self.message,
            help: self.help.as_deref(),
            witness: self.witness.as_ref(),
            approximate: self.approximate,
        }
        .serialize(serializer)
    }
}

impl Finding {
    /// What the one-line form says between the severity and code and the help: the item, where
    /// there is one, and what was found. A report that shows the severity, file and help its own
    /// way titles the finding with this, so that it names the finding as the one-line form does.
    pub fn title(&self) -> String {
        match &self.item {
            Some(item) => format!("{item}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

impl std::fmt::Display for Finding {
    /// `file:line:column: severity[code]: item: message (help)`, as `--format plain` shows it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(file) = self.file {
            write!(f, "{file}:")?;
            if let Some(Position { line, column }) = self.position {
                write!(f, "{line}:{column}:")?;
            }
            f.write_str(" ")?;
        }
        write!(
            f,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.check.code(),
            self.title()
        )?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// For one recommendation, principle or "how" point: a profile with the fewest facts known
/// under which it applies, and one under which it does not apply; `None` where no profile does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Witnesses {
    /// The recommendation, principle or "how" point.
    pub item: Item,
    /// Its id (`RULE#ACTION` for a "how" point).
    pub id: String,
    /// A smallest profile under which it applies.
    pub applies: Option<FamilyProfile>,
    /// A smallest profile under which it does not apply.
    pub does_not_apply: Option<FamilyProfile>,
    /// Whether a witness could not be made exact: a text fact's value had to stand for a
    /// regular expression's answer, and no example text gives that answer. Check such a
    /// witness by evaluating it.
    pub approximate: bool,
}

/// What [`Guide::analyze`] found, with the witnesses of every rule and "how" point.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Analysis {
    /// The findings: errors first, then warnings, then infos; each in file and line order.
    pub findings: Vec<Finding>,
    /// For every recommendation, principle and "how" point, in guide order.
    pub witnesses: Vec<Witnesses>,
    /// Whether some verdict may over-approximate (see the module docs).
    pub approximate: bool,
}

impl Analysis {
    /// The findings.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The witnesses of every recommendation, principle and "how" point, in guide order.
    pub fn witnesses(&self) -> &[Witnesses] {
        &self.witnesses
    }

    /// How many findings are errors.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// How many findings are warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Whether some verdict may over-approximate.
    pub fn is_approximate(&self) -> bool {
        self.approximate
    }
}

impl Guide {
    /// Analyses the guide's rules (and its overlay's services) exactly: see the
    /// [`analysis`](crate::analysis) module. Needs the `analysis` feature.
    pub fn analyze(&self) -> Analysis {
        findings::analyze(self)
    }
}
