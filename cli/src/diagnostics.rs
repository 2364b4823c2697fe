//! Problems as people and programs read them: `human` (the offending line with a caret, the
//! problem, and help, as rustc shows them), `plain` (one `file:line:column: message` line each,
//! for screen readers and grep), `json` (the library's serialized problems).

use std::io::{IsTerminal, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use clap::ValueEnum;
use practice_guide::{Error, Input, Item, Position, Problem};

use crate::sources::Texts;

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

/// Writes `err`'s problems to standard error.
pub(crate) fn report(err: &Error, texts: &Texts, format: Format) {
    let styled = std::io::stderr().is_terminal();
    let text = render(err, texts, format, styled);
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// `err`'s problems, written in `format`.
pub(crate) fn render(err: &Error, texts: &Texts, format: Format, styled: bool) -> String {
    match format {
        Format::Plain => err
            .problems()
            .iter()
            .map(|p| plain(p, texts) + "\n")
            .collect(),
        Format::Json => serde_json::to_string_pretty(err).unwrap_or_default() + "\n",
        Format::Human => {
            let renderer = renderer(styled);
            let mut out = String::new();
            for problem in err.problems() {
                out.push_str(&renderer.render(&human(problem, texts)));
                out.push_str("\n\n");
            }
            let count = err.problems().len();
            let noun = if count == 1 { "problem" } else { "problems" };
            out.push_str(&format!("{count} {noun} found\n"));
            out
        }
    }
}

/// One problem on one line, its file shown by path.
fn plain(problem: &Problem, texts: &Texts) -> String {
    let line = problem.to_string();
    match problem.file() {
        Some(file) => match line.strip_prefix(file) {
            Some(rest) => format!("{}{rest}", texts.path(file)),
            None => line,
        },
        None => match texts.folder() {
            Some(folder) => format!("{folder}: {line}"),
            None => line,
        },
    }
}

/// One problem as a rustc-style report: the title (item and message, with the problem's code),
/// the line with the span underlined, then help and note.
fn human<'a>(problem: &'a Problem, texts: &'a Texts) -> Vec<Group<'a>> {
    // As the library's one-line form names them: a profile's problem names its fact in the
    // message already.
    let title = match (problem.item(), problem.input()) {
        (Some(Item::Fact(_)), Input::Profile) | (Some(Item::Guide | Item::Overlay), _) => {
            problem.message()
        }
        (Some(item), _) => format!("{item}: {}", problem.message()),
        (None, Input::Options) => format!("options: {}", problem.message()),
        (None, _) => problem.message(),
    };
    let located = Located {
        level: Level::ERROR,
        code: problem.code(),
        title,
        file: problem.file(),
        start: problem.position(),
        end: problem.end(),
        help: problem.help(),
        notes: problem.note().map(str::to_owned).into_iter().collect(),
    };
    vec![located.group(texts)]
}

/// What a rustc-style report shows: a problem's or a finding's.
pub(crate) struct Located<'a> {
    pub(crate) level: Level<'static>,
    pub(crate) code: &'static str,
    pub(crate) title: String,
    pub(crate) file: Option<&'a str>,
    pub(crate) start: Option<Position>,
    pub(crate) end: Option<Position>,
    pub(crate) help: Option<String>,
    pub(crate) notes: Vec<String>,
}

impl<'a> Located<'a> {
    /// The title (with the code), the line with the span underlined (or where it is), then help
    /// and notes.
    pub(crate) fn group(self, texts: &'a Texts) -> Group<'a> {
        let mut group = Group::with_title(self.level.primary_title(self.title).id(self.code));
        let snippet = self.file.zip(self.start).and_then(|(file, start)| {
            let line = texts
                .get(file)?
                .lines()
                .nth(usize::try_from(start.line).ok()?.checked_sub(1)?)?;
            let from = byte_of(line, start.column);
            // Without an end, the word at the start (a key, a name, a value).
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
            let line_start = usize::try_from(start.line).ok()?;
            Some(
                Snippet::source(line)
                    .line_start(line_start)
                    .path(texts.path(file))
                    .annotation(AnnotationKind::Primary.span(from..to.max(from))),
            )
        });
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
}

/// The renderer for standard error or output: styled on a terminal unless `NO_COLOR` is set.
pub(crate) fn renderer(styled: bool) -> Renderer {
    if styled && std::env::var_os("NO_COLOR").is_none() {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

/// The byte offset in `line` of the 1-based character column `column` (its end if past it).
fn byte_of(line: &str, column: u64) -> usize {
    let index = usize::try_from(column).unwrap_or(1).saturating_sub(1);
    line.char_indices()
        .nth(index)
        .map_or(line.len(), |(at, _)| at)
}
