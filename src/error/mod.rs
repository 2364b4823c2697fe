//! Errors: every problem found in rule files, a profile, evaluation options or case files, with
//! where it was found and what it is about.
//!
//! Loading a guide or reading a profile collects *all* problems before giving up, so a rule
//! maintainer fixes a file in one pass rather than one error per run. An [`Error`] is therefore a
//! non-empty list of [`Problem`]s. Each problem says which kind of input it is in ([`Input`]),
//! the file, the line and column (where known), the item it is about ([`Item`]: a
//! recommendation, a fact, a service, ...), what is wrong ([`ProblemKind`], with a stable
//! machine-readable [`code`](Problem::code) and structured fields) and, where there is one, help
//! ("did you mean ...", the values allowed). Problems serialize with serde, so a service can
//! return them as JSON without re-parsing prose.

use std::fmt;

use serde::Serialize;

use crate::ids::ActionName;
use crate::limits;

mod kind;

pub use kind::ProblemKind;

/// A failure to load a guide, read a profile or resolve evaluation options: one or more
/// [`Problem`]s.
///
/// The `Display` form lists every problem on its own line, in the order they were found:
///
/// ```text
/// 2 problems:
/// recommendations.yaml:14:9: recommendation `reduce-risk-of-harm`: unknown fact `servce_level` (did you mean `service_level`?)
/// profile.yaml:3:16: `service_level` (a one_of fact): expected one of its declared values, found the number `12`
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    problems: Vec<Problem>,
}

impl Error {
    /// Builds an error from the problems found, keeping at most [`limits::MAX_PROBLEMS`] of them.
    /// An empty list cannot explain itself, so it becomes a single internal problem.
    pub(crate) fn new(mut problems: Vec<Problem>) -> Self {
        if problems.len() > limits::MAX_PROBLEMS {
            let next = problems.get(limits::MAX_PROBLEMS).cloned();
            problems.truncate(limits::MAX_PROBLEMS);
            if let Some(next) = next {
                problems.push(Problem {
                    item: None,
                    start: None,
                    end: None,
                    kind: ProblemKind::TooManyProblems {
                        limit: limits::MAX_PROBLEMS,
                    },
                    note: None,
                    ..next
                });
            }
        }
        if problems.is_empty() {
            problems.push(Problem::new(Input::RuleFile, None, ProblemKind::Internal));
        }
        Error { problems }
    }

    /// An error of one problem.
    pub(crate) fn one(problem: Problem) -> Self {
        Error::new(vec![problem])
    }

    /// Every problem found, in the order found (file by file, top to bottom).
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Whether some checks were skipped because of these problems (a file, or part of one, that
    /// did not read): fixing them may bring more to light. Each such problem's
    /// [`note`](Problem::note) says what was not checked.
    ///
    /// ```
    /// let files = [("guide.yaml", "id: [")];
    /// let err = practice_guide::Guide::from_files(files).unwrap_err();
    /// assert!(err.checks_skipped());
    /// ```
    pub fn checks_skipped(&self) -> bool {
        self.problems.iter().any(|p| p.note.is_some())
    }

    /// The problems, by value.
    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
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

/// Serialized as `{"problems": [...]}`, each problem as [`Problem`] serializes.
impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Problems<'a> {
            problems: &'a [Problem],
        }
        Problems {
            problems: &self.problems,
        }
        .serialize(serializer)
    }
}

/// Shortens text from a rule file or profile for a message: at most 60 characters, then `…`.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
        None => text.to_owned(),
    }
}

/// A position in a file. Lines and columns start at 1; columns count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: u64,
    /// Column number (in characters), starting at 1.
    pub column: u64,
}

/// Which kind of input a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Input {
    /// A guide's or an overlay's rule file.
    RuleFile,
    /// A family's profile (read from text, or built in code).
    Profile,
    /// Evaluation options (a minimum evidence level, an audience).
    Options,
    /// A case file of a case suite.
    CaseFile,
}

/// What a problem is about.
///
/// Serialized as `{"kind": "recommendation", "id": "r1"}`; an action adds its rule:
/// `{"kind": "action", "rule": "r1", "id": "structured-delivery"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Item {
    /// The guide as a whole (`guide.yaml`'s own fields).
    Guide,
    /// The guide's scope.
    Scope,
    /// The overlay as a whole (`overlay.yaml`).
    Overlay,
    /// A level of the evidence scale.
    EvidenceLevel(String),
    /// An audience.
    Audience(String),
    /// An outcome.
    Outcome(String),
    /// A fact of the vocabulary (or a fact a profile gives).
    Fact(String),
    /// A named condition.
    NamedCondition(String),
    /// A recommendation.
    Recommendation(String),
    /// A key principle.
    Principle(String),
    /// One "how" point of a recommendation or principle.
    #[non_exhaustive]
    Action {
        /// The rule's id.
        rule: String,
        /// The point's id.
        id: String,
    },
    /// A local service of an overlay.
    Service(String),
    /// An evaluation option, by name (`min_evidence`, `audience`).
    Option(String),
}

impl Item {
    fn kind_word(&self) -> &'static str {
        match self {
            Item::Guide => "guide",
            Item::Scope => "scope",
            Item::Overlay => "overlay",
            Item::EvidenceLevel(_) => "evidence_level",
            Item::Audience(_) => "audience",
            Item::Outcome(_) => "outcome",
            Item::Fact(_) => "fact",
            Item::NamedCondition(_) => "named_condition",
            Item::Recommendation(_) => "recommendation",
            Item::Principle(_) => "principle",
            Item::Action { .. } => "action",
            Item::Service(_) => "service",
            Item::Option(_) => "option",
        }
    }

    /// The item's id, where it has one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Item::Guide | Item::Scope | Item::Overlay => None,
            Item::EvidenceLevel(id)
            | Item::Audience(id)
            | Item::Outcome(id)
            | Item::Fact(id)
            | Item::NamedCondition(id)
            | Item::Recommendation(id)
            | Item::Principle(id)
            | Item::Service(id)
            | Item::Option(id)
            | Item::Action { id, .. } => Some(id),
        }
    }
}

/// `recommendation `r1``, `the scope`, `action #2 of recommendation `r1``.
impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Guide => f.write_str("the guide"),
            Item::Scope => f.write_str("the scope"),
            Item::Overlay => f.write_str("the overlay"),
            Item::Action { rule, id } => {
                let name = ActionName { rule, action: id };
                write!(f, "action `{name}`")
            }
            other => {
                let word = other.kind_word().replace('_', " ");
                write!(f, "{word} `{}`", other.id().unwrap_or_default())
            }
        }
    }
}

impl Serialize for Item {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("kind", self.kind_word())?;
        if let Item::Action { rule, .. } = self {
            map.serialize_entry("rule", rule)?;
        }
        if let Some(id) = self.id() {
            map.serialize_entry("id", id)?;
        }
        map.end()
    }
}

/// One thing wrong with a rule file, a profile, evaluation options or a case file.
///
/// Displayed on one line as `FILE:LINE:COLUMN: ITEM: MESSAGE (HELP)`, leaving out the parts that
/// are not known; a problem of a profile or of options given in code starts with `profile:` or
/// `options:` instead of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    input: Input,
    file: Option<String>,
    start: Option<Position>,
    end: Option<Position>,
    item: Option<Item>,
    kind: ProblemKind,
    /// What else the reader should know (what could not be checked because of this problem).
    note: Option<String>,
}

impl Problem {
    pub(crate) fn new(input: Input, file: Option<&str>, kind: ProblemKind) -> Self {
        Problem {
            input,
            file: file.map(str::to_owned),
            start: None,
            end: None,
            item: None,
            kind,
            note: None,
        }
    }

    /// Adds to what else the reader should know.
    pub(crate) fn add_note(&mut self, note: String) {
        self.note = Some(match self.note.take() {
            Some(before) => format!("{before}; {note}"),
            None => note,
        });
    }

    /// What else the reader should know, e.g. what was not checked because of this problem.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// A problem in a rule file.
    pub(crate) fn in_rules(file: &str, kind: ProblemKind) -> Self {
        Problem::new(Input::RuleFile, Some(file), kind)
    }

    /// Where the problem starts.
    pub(crate) fn at(mut self, start: Option<Position>) -> Self {
        self.start = start;
        self
    }

    /// The same problem `lines` further down its file (for a piece of a file read on its own).
    pub(crate) fn shifted(mut self, lines: u64) -> Self {
        for position in [&mut self.start, &mut self.end].into_iter().flatten() {
            position.line += lines;
        }
        self
    }

    /// Where the problem ends, when the caller can tell from the text.
    pub(crate) fn set_end(&mut self, end: Option<Position>) {
        self.end = end.filter(|_| self.start.is_some());
    }

    /// What the problem is about.
    pub(crate) fn about(mut self, item: Option<Item>) -> Self {
        self.item = item;
        self
    }

    /// The same problem in another kind of input (a case file's profile, say).
    pub(crate) fn in_input(mut self, input: Input) -> Self {
        self.input = input;
        self
    }

    /// Which kind of input the problem is in.
    pub fn input(&self) -> Input {
        self.input
    }

    /// The file the problem is in, as it was named when loading (e.g. `recommendations.yaml`);
    /// `None` for a profile or options given in code.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }

    /// Where in the file the problem starts, when known.
    pub fn position(&self) -> Option<Position> {
        self.start
    }

    /// Where in the file the problem ends (just after its last character), when known.
    pub fn end(&self) -> Option<Position> {
        self.end
    }

    /// What the problem is about, when it is about one item.
    pub fn item(&self) -> Option<&Item> {
        self.item.as_ref()
    }

    /// What is wrong.
    pub fn kind(&self) -> &ProblemKind {
        &self.kind
    }

    /// A stable, machine-readable name of the kind of problem, e.g. `unknown_fact`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// What is wrong, in one sentence (without the help).
    pub fn message(&self) -> String {
        self.kind.to_string()
    }

    /// How to fix it, where the crate can say: the closest known name, the values allowed.
    pub fn help(&self) -> Option<String> {
        self.kind.help()
    }

    /// What the one-line form says between the file's position and the help: the input where
    /// there is no file to name it (`profile: `, `options: `), the item where the message does not
    /// name it already, and what is wrong. A report that shows the file, help and note its own way
    /// (the offending line with help under it, say) titles the problem with this, so that it
    /// names the problem as the one-line form does.
    ///
    /// ```
    /// let guide = practice_guide::parenting_through_adversity();
    /// let err = guide.read_profile("family.yaml", "servce_level: universal\n").unwrap_err();
    /// let problem = &err.problems()[0];
    /// // The fact is named by the message, so not again before it.
    /// assert_eq!(problem.title(), "unknown fact `servce_level`");
    /// assert_eq!(
    ///     problem.to_string(),
    ///     "family.yaml:1:1: unknown fact `servce_level` (did you mean `service_level`?)"
    /// );
    /// ```
    pub fn title(&self) -> String {
        let mut title = match (&self.file, self.input) {
            (None, Input::Profile) => "profile: ".to_owned(),
            (None, Input::Options) if self.item.is_none() => "options: ".to_owned(),
            _ => String::new(),
        };
        // A profile's problems name their fact in the message already, and a problem with the
        // guide's or overlay's own fields is named by its file.
        let shown = |item: &&Item| match item {
            Item::Guide | Item::Overlay => false,
            Item::Fact(_) => self.input == Input::RuleFile,
            _ => true,
        };
        if let Some(item) = self.item.as_ref().filter(shown) {
            title.push_str(&format!("{item}: "));
        }
        title.push_str(&self.message());
        title
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}:")?;
            if let Some(Position { line, column }) = self.start {
                write!(f, "{line}:{column}:")?;
            }
            f.write_str(" ")?;
        }
        f.write_str(&self.title())?;
        if let Some(help) = self.kind.help() {
            write!(f, " ({help})")?;
        }
        if let Some(note) = &self.note {
            write!(f, "; {note}")?;
        }
        Ok(())
    }
}

/// Serialized as an object: `input`, `file`, `line`, `column`, `end_line`, `end_column`,
/// `item`, `code`, `message`, `help`, `note`, and the kind's own fields (for example `declared`, the
/// declared values, as a list).
impl Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            input: Input,
            file: Option<&'a str>,
            line: Option<u64>,
            column: Option<u64>,
            end_line: Option<u64>,
            end_column: Option<u64>,
            item: Option<&'a Item>,
            message: String,
            help: Option<String>,
            note: Option<&'a str>,
            #[serde(flatten)]
            kind: &'a ProblemKind,
        }
        Json {
            input: self.input,
            file: self.file.as_deref(),
            line: self.start.map(|p| p.line),
            column: self.start.map(|p| p.column),
            end_line: self.end.map(|p| p.line),
            end_column: self.end.map(|p| p.column),
            item: self.item.as_ref(),
            message: self.message(),
            help: self.help(),
            note: self.note.as_deref(),
            kind: &self.kind,
        }
        .serialize(serializer)
    }
}
