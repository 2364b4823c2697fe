//! Errors: every problem found in a rule file or a profile, with where it was found.
//!
//! Loading a guide or reading a profile collects *all* problems before giving up, so a rule
//! maintainer fixes a file in one pass rather than one error per run. An [`Error`] is therefore a
//! non-empty list of [`Problem`]s, each naming the file, the line and column (where known), the
//! rule it belongs to (where there is one) and what is wrong ([`ProblemKind`]).

use std::fmt;

/// A failure to load a guide or to read a profile: one or more [`Problem`]s.
///
/// The `Display` form lists every problem on its own line, in the order they were found:
///
/// ```text
/// 2 problems:
/// recommendations.yaml:14:9: rule `reduce-risk-of-harm`: unknown fact `servce_level` (did you mean `service_level`?)
/// profile.yaml:3:16: `service_level` (a one_of fact): expected one of its declared values, found the number `12`
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    problems: Vec<Problem>,
}

impl Error {
    /// Builds an error from the problems found. `problems` should not be empty; an empty list is
    /// reported as a single [`ProblemKind::Other`] so that an `Error` always explains itself.
    pub(crate) fn new(mut problems: Vec<Problem>) -> Self {
        if problems.len() > crate::limits::MAX_PROBLEMS {
            let file = problems
                .get(crate::limits::MAX_PROBLEMS)
                .map(|p| p.file.clone());
            problems.truncate(crate::limits::MAX_PROBLEMS);
            problems.push(Problem::new(
                file.as_deref().unwrap_or(""),
                ProblemKind::Other(format!(
                    "stopped after {} problems; fix these and try again",
                    crate::limits::MAX_PROBLEMS
                )),
            ));
        }
        if problems.is_empty() {
            problems.push(Problem::new(
                "",
                ProblemKind::Other("unknown error".to_owned()),
            ));
        }
        Error { problems }
    }

    /// Every problem found, in the order found (file by file, top to bottom).
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} problems:", many.len())?;
                for problem in many {
                    write!(f, "\n{problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

/// A position in a file. Lines and columns start at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: u64,
    /// Column number (in characters), starting at 1.
    pub column: u64,
}

/// One thing wrong with a rule file or a profile.
///
/// Displayed as `FILE:LINE:COLUMN: rule `ID`: MESSAGE`, leaving out the parts that are not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    file: String,
    position: Option<Position>,
    rule: Option<String>,
    kind: ProblemKind,
}

impl Problem {
    pub(crate) fn new(file: &str, kind: ProblemKind) -> Self {
        Problem {
            file: file.to_owned(),
            position: None,
            rule: None,
            kind,
        }
    }

    pub(crate) fn at(mut self, position: Option<Position>) -> Self {
        self.position = position;
        self
    }

    pub(crate) fn in_rule(mut self, rule: Option<&str>) -> Self {
        self.rule = rule.map(str::to_owned);
        self
    }

    /// The file the problem is in, as it was named when loading (e.g. `recommendations.yaml`).
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Where in the file, when known.
    pub fn position(&self) -> Option<Position> {
        self.position
    }

    /// The id of the recommendation, principle, fact, named condition or (in an overlay) service
    /// the problem belongs to.
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// What is wrong.
    pub fn kind(&self) -> &ProblemKind {
        &self.kind
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.file.is_empty() {
            write!(f, "{}:", self.file)?;
            if let Some(Position { line, column }) = self.position {
                write!(f, "{line}:{column}:")?;
            }
            f.write_str(" ")?;
        }
        if let Some(rule) = &self.rule {
            write!(f, "rule `{rule}`: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

/// A "did you mean" hint, displayed as ` (did you mean `x`?)` or as nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Suggestion(pub Option<String>);

impl fmt::Display for Suggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(s) => write!(f, " (did you mean `{s}`?)"),
            None => Ok(()),
        }
    }
}

/// What is wrong, one variant per class of problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Io(String),
    /// The text is not valid YAML/JSON, or does not have the expected shape (a missing or unknown
    /// key, a list where a mapping was expected, a duplicate key, a resource budget exceeded).
    #[error("{0}")]
    Syntax(String),
    /// A required file of a guide folder is missing.
    #[error("missing file `{0}`")]
    MissingFile(String),
    /// A guide folder holds a YAML file the loader does not know; it would otherwise be ignored.
    #[error("unexpected file `{name}`: a guide folder holds only {expected}")]
    UnexpectedFile {
        /// The file's name.
        name: String,
        /// The file names a guide folder may hold.
        expected: String,
    },
    /// A condition or profile names a fact the vocabulary does not declare.
    #[error("unknown fact `{name}`{suggestion}")]
    UnknownFact {
        /// The name as written.
        name: String,
        /// The closest declared fact, if one is close.
        suggestion: Suggestion,
    },
    /// An operator that does not exist.
    #[error("unknown operator `{name}` for fact `{fact}`{suggestion}; valid here: {valid}")]
    UnknownOperator {
        /// The operator as written.
        name: String,
        /// The fact it was applied to.
        fact: String,
        /// The closest valid operator, if one is close.
        suggestion: Suggestion,
        /// The operators valid for this fact's type.
        valid: String,
    },
    /// An operator that exists, used on a fact of a type it does not apply to.
    #[error(
        "operator `{operator}` cannot be used on `{fact}`, a {fact_type} fact; valid here: {valid}"
    )]
    OperatorNotForType {
        /// The operator.
        operator: String,
        /// The fact.
        fact: String,
        /// The fact's declared type.
        fact_type: String,
        /// The operators valid for this fact's type.
        valid: String,
    },
    /// A value not among a fact's declared values.
    #[error("`{value}` is not a declared value of `{fact}`{suggestion}; declared: {declared}")]
    UnknownValue {
        /// The value as written.
        value: String,
        /// The fact.
        fact: String,
        /// The closest declared value, if one is close.
        suggestion: Suggestion,
        /// The declared values.
        declared: String,
    },
    /// A number outside a fact's declared range.
    #[error("`{fact}` is {value}, outside its range {min}..={max}")]
    OutOfRange {
        /// The fact.
        fact: String,
        /// The value given.
        value: i64,
        /// Lowest allowed.
        min: i64,
        /// Highest allowed.
        max: i64,
    },
    /// A value of the wrong kind (text where a number was expected, and so on).
    #[error("{what}: expected {expected}, found {found}")]
    WrongType {
        /// What the value is for (a fact, an operator).
        what: String,
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
    },
    /// A text value that does not match the pattern its fact declares.
    #[error("`{fact}` is `{value}`, which does not match its pattern `{pattern}`")]
    PatternMismatch {
        /// The fact.
        fact: String,
        /// The value given.
        value: String,
        /// The declared pattern.
        pattern: String,
    },
    /// A regular expression that does not compile (or exceeds the size limit).
    #[error("invalid regular expression: {0}")]
    InvalidRegex(String),
    /// Two rules, facts, levels or audiences share an id.
    #[error("duplicate {what} id `{id}` (first defined at line {first_line})")]
    DuplicateId {
        /// What kind of thing (recommendation, principle, evidence level, ...).
        what: &'static str,
        /// The id.
        id: String,
        /// Where the first one is.
        first_line: u64,
    },
    /// A reference to something that does not exist (a principle, a named condition, an evidence
    /// level, an audience, an outcome).
    #[error("unknown {what} `{name}`{suggestion}")]
    UnknownReference {
        /// What kind of thing is referred to.
        what: &'static str,
        /// The name as written.
        name: String,
        /// The closest existing name, if one is close.
        suggestion: Suggestion,
    },
    /// Named conditions that refer to each other in a loop.
    #[error("named conditions refer to each other in a cycle: {0}")]
    ConditionCycle(String),
    /// A condition that is not of the condition language's shape.
    #[error("{0}")]
    BadCondition(String),
    /// A declaration that is inconsistent in itself (a range whose minimum exceeds its maximum, an
    /// evidence scale with no levels, ...).
    #[error("{0}")]
    Invalid(String),
    /// A limit set to protect the process was exceeded.
    #[error("{what} exceeds the limit of {limit}")]
    LimitExceeded {
        /// What was too big.
        what: String,
        /// The limit.
        limit: usize,
    },
    /// Anything else.
    #[error("{0}")]
    Other(String),
}
