//! Problems and the analysis's findings as people and programs read them: `human` (the
//! offending line with a caret, the problem, and help, as rustc shows them), `plain` (one
//! `file:line:column: message` line each, for screen readers and grep), `json` (the library's
//! serialized problems or findings).
//!
//! The one place that decides how a problem reads: what a problem or finding is called comes
//! from the library ([`Problem::title`], [`Finding::title`] and their one-line `Display` forms);
//! this module only places it (on its line, with the file shown by a path a terminal can open).

use std::io::{IsTerminal, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use clap::ValueEnum;
use practice_guide::Error;
use practice_guide::analysis::{Analysis, Finding, Severity};
use practice_guide::error::{Input, Position, Problem, ProblemKind};

use crate::output::{self, Outcome};
use crate::sources::{Refusal, Texts};
use crate::yaml;

/// How problems are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// The offending line with a caret under the column, the problem, and help.
    Human,
    /// One `file:line:column: message` line per problem.
    Plain,
    /// `{"problems": [...]}`: file, line, column, item, code, message, help, and each kind's
    /// own fields.
    Json,
}

/// Where problems are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    /// Standard output: for `check`, whose problems are what it was asked for.
    Stdout,
    /// Standard error, beside what the verb writes.
    Stderr,
}

/// Says why a verb cannot use what it was given, for people on standard error (as every verb
/// does but those that take a `--format` for problems), and how the verb ends.
pub(crate) fn refuse(refusal: &Refusal) -> Outcome {
    refuse_as(refusal, Format::Human, Stream::Stderr)
}

/// Says why a verb cannot use what it was given, and how the verb ends: a file that cannot be
/// read, or a folder that cannot be read or is not a guide's or an overlay's, is a failure to
/// run (2); anything else, problems found (1).
pub(crate) fn refuse_as(refusal: &Refusal, format: Format, to: Stream) -> Outcome {
    let (err, texts) = match refusal {
        Refusal::Unreadable(message) => return output::failed(message),
        Refusal::Problems(err, texts) => (err, texts),
    };
    let text = match to {
        Stream::Stdout => render(err, texts, format, std::io::stdout().is_terminal()),
        Stream::Stderr => render(err, texts, format, std::io::stderr().is_terminal()),
    };
    match to {
        Stream::Stdout => output::write_out(&text),
        Stream::Stderr => {
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
    }
    let io = err.problems().iter().all(|p| {
        matches!(
            p.kind(),
            ProblemKind::Io { .. } | ProblemKind::NotAFolderOf { .. }
        ) && p.input() == Input::RuleFile
    });
    if io {
        Outcome::Failed
    } else {
        Outcome::Problems
    }
}

/// `err`'s problems, written in `format`.
fn render(err: &Error, texts: &Texts, format: Format, styled: bool) -> String {
    let diagnostics = || err.problems().iter().map(Diagnostic::of_problem);
    match format {
        Format::Json => serde_json::to_string_pretty(err).unwrap_or_default() + "\n",
        Format::Plain => plain(diagnostics(), texts),
        Format::Human => {
            let count = err.problems().len();
            let (noun, pronoun) = if count == 1 {
                ("problem", "it is")
            } else {
                ("problems", "they are")
            };
            let skipped = if err.checks_skipped() {
                format!("; some checks were skipped until {pronoun} fixed (see the notes)")
            } else {
                String::new()
            };
            human(diagnostics(), texts, styled) + &format!("{count} {noun} found{skipped}\n")
        }
    }
}

/// The analysis's findings, written in `format`; for people, with the count of each severity.
pub(crate) fn render_findings(
    analysis: &Analysis,
    texts: &Texts,
    format: Format,
    styled: bool,
) -> String {
    let diagnostics = || analysis.findings().iter().map(Diagnostic::of_finding);
    match format {
        Format::Human => human(diagnostics(), texts, styled) + &severities(analysis),
        Format::Plain => plain(diagnostics(), texts),
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Json<'a> {
                findings: &'a [Finding],
                approximate: bool,
            }
            let json = Json {
                findings: analysis.findings(),
                approximate: analysis.is_approximate(),
            };
            serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
        }
    }
}

/// "2 errors, 1 warning, 3 infos", or "no findings".
fn severities(analysis: &Analysis) -> String {
    let count = |severity: Severity, noun: &str| {
        let n = analysis.count(severity);
        format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
    };
    if analysis.findings().is_empty() {
        return "no findings\n".to_owned();
    }
    format!(
        "{}, {}, {}\n",
        count(Severity::Error, "error"),
        count(Severity::Warning, "warning"),
        count(Severity::Info, "info")
    )
}

/// Each diagnostic as a rustc-style report, followed by an empty line.
fn human<'a>(
    diagnostics: impl Iterator<Item = Diagnostic<'a>>,
    texts: &'a Texts,
    styled: bool,
) -> String {
    let renderer = if styled && std::env::var_os("NO_COLOR").is_none() {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&renderer.render(&[diagnostic.group(texts)]));
        out.push_str("\n\n");
    }
    out
}

/// Each diagnostic on its line.
fn plain<'a>(diagnostics: impl Iterator<Item = Diagnostic<'a>>, texts: &Texts) -> String {
    diagnostics.map(|d| d.line(texts) + "\n").collect()
}

/// Said of every finding that may over-approximate.
const APPROXIMATE: &str = "a regular expression is tested on a text fact: the analysis treats \
                           it as an independent unknown, so this verdict may over-approximate";

/// A problem or a finding as a report shows it, in the library's words.
struct Diagnostic<'a> {
    level: Level<'static>,
    code: &'static str,
    /// What it is called: the library's title.
    title: String,
    /// The library's one-line form (its file named as the library names it), and what the tool
    /// adds to it.
    line: String,
    file: Option<&'a str>,
    start: Option<Position>,
    end: Option<Position>,
    help: Option<String>,
    notes: Vec<String>,
}

impl<'a> Diagnostic<'a> {
    fn of_problem(problem: &'a Problem) -> Diagnostic<'a> {
        Diagnostic {
            level: Level::ERROR,
            code: problem.code(),
            title: problem.title(),
            line: problem.to_string(),
            file: problem.file(),
            start: problem.position(),
            end: problem.end(),
            help: problem.help(),
            notes: problem.note().map(str::to_owned).into_iter().collect(),
        }
    }

    /// A finding, with the family that shows it (where there is one) and whether it may
    /// over-approximate.
    fn of_finding(finding: &'a Finding) -> Diagnostic<'a> {
        let example = finding
            .witness
            .as_ref()
            .map(|witness| format!("for example: {}", yaml::inline(witness)));
        let mut line = finding.to_string();
        if let Some(example) = &example {
            line.push_str(&format!("; {example}"));
        }
        let approximate = finding.approximate.then(|| APPROXIMATE.to_owned());
        Diagnostic {
            level: match finding.severity {
                Severity::Error => Level::ERROR,
                Severity::Warning => Level::WARNING,
                _ => Level::INFO,
            },
            code: finding.check.code(),
            title: finding.title(),
            line,
            file: finding.file,
            start: finding.position,
            end: None,
            help: finding.help.clone(),
            notes: example.into_iter().chain(approximate).collect(),
        }
    }

    /// The one-line form with its file shown by path, or, naming no file, by the folder's.
    fn line(self, texts: &Texts) -> String {
        match self.file {
            Some(file) => match self.line.strip_prefix(file) {
                Some(rest) => format!("{}{rest}", texts.path(file)),
                None => self.line,
            },
            None => match texts.folder() {
                Some(folder) => format!("{folder}: {}", self.line),
                None => self.line,
            },
        }
    }

    /// The title (with the code), the line with the span underlined (or where it is), then help
    /// and notes.
    fn group(self, texts: &'a Texts) -> Group<'a> {
        let snippet = self.snippet(texts);
        let mut group = Group::with_title(self.level.primary_title(self.title).id(self.code));
        match (snippet, self.file) {
            (Some(snippet), _) => group = group.element(snippet),
            (None, Some(file)) => {
                let origin = match self.start {
                    Some(p) => Origin::path(texts.path(file))
                        .line(usize::try_from(p.line).unwrap_or(0))
                        .char_column(usize::try_from(p.column).unwrap_or(1)),
                    None => Origin::path(texts.path(file)),
                };
                group = group.element(origin);
            }
            (None, None) => {
                if let Some(folder) = texts.folder() {
                    group = group.element(Origin::path(folder));
                }
            }
        }
        if let Some(help) = self.help {
            group = group.element(Level::HELP.message(help));
        }
        for note in self.notes {
            group = group.element(Level::NOTE.message(note));
        }
        group
    }

    /// The line the diagnostic starts on, with its span underlined: to its end if it ends on
    /// the same line, else the word at its start (a key, a name, a value).
    fn snippet(&self, texts: &'a Texts) -> Option<Snippet<'a, annotate_snippets::Annotation<'a>>> {
        let (file, start) = self.file.zip(self.start)?;
        let line = texts
            .get(file)?
            .lines()
            .nth(usize::try_from(start.line).ok()?.checked_sub(1)?)?;
        let from = byte_of(line, start.column);
        let word_end = || {
            line.get(from..).map_or(from + 1, |rest| {
                from + rest
                    .find(|c: char| c.is_whitespace() || ":,{}[]#".contains(c))
                    .unwrap_or(rest.len())
                    .max(1)
            })
        };
        let to = self
            .end
            .filter(|end| end.line == start.line && end.column > start.column)
            .map_or_else(word_end, |end| byte_of(line, end.column))
            .clamp(from, line.len().max(from));
        Some(
            Snippet::source(line)
                .line_start(usize::try_from(start.line).ok()?)
                .path(texts.path(file))
                .annotation(AnnotationKind::Primary.span(from..to.max(from))),
        )
    }
}

/// The byte offset in `line` of the 1-based character column `column` (its end if past it).
fn byte_of(line: &str, column: u64) -> usize {
    let index = usize::try_from(column).unwrap_or(1).saturating_sub(1);
    line.char_indices()
        .nth(index)
        .map_or(line.len(), |(at, _)| at)
}
