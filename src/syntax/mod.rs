//! Reading YAML (and JSON, which is YAML's flow subset) into the file-facing model: parser
//! budgets, the parser's errors said in a rule author's terms, a span-carrying value tree for the
//! parts of a file whose shape depends on the vocabulary (conditions, profiles), and one serde
//! type per kind of rule file.
//!
//! This is the only module that names `serde_saphyr`; the compiled model and evaluation never
//! see it.

mod guide_files;
mod items;
mod keys;
mod overlay_files;
mod quotes;
mod raw;
#[cfg(feature = "schema")]
pub(crate) mod shapes;

use serde::Deserialize;
use serde_saphyr::options::DuplicateKeyPolicy;

use crate::error::{Error, Input, Position, Problem, ProblemKind, shorten};
use crate::limits;
use crate::suggest;

pub(crate) use guide_files::*;
pub(crate) use items::{Items, parse_items};
pub(crate) use overlay_files::*;
pub(crate) use raw::Raw;
pub(crate) use serde_saphyr::Spanned;

/// What a text is, for its parser budget: rule files are allowed to be much larger than
/// profiles (see [`crate::limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Budget {
    RuleFile,
    Profile,
}

impl Budget {
    fn bytes(self) -> usize {
        match self {
            Budget::RuleFile => limits::MAX_FILE_BYTES,
            Budget::Profile => limits::MAX_PROFILE_BYTES,
        }
    }
}

/// The parser options every rule file and profile is read with: budgets set explicitly (well
/// above any real guide, far below what would hurt a service), duplicate keys rejected, and only
/// YAML 1.2 booleans (so `no` stays the text "no").
fn options(budget: Budget) -> serde_saphyr::Options {
    let (max_events, max_nodes) = match budget {
        Budget::RuleFile => (limits::MAX_YAML_EVENTS, limits::MAX_YAML_NODES),
        Budget::Profile => (
            limits::MAX_PROFILE_YAML_EVENTS,
            limits::MAX_PROFILE_YAML_NODES,
        ),
    };
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = max_events;
    alias_limits.max_replay_stack_depth = limits::MAX_YAML_DEPTH;
    alias_limits.max_alias_expansions_per_anchor = limits::MAX_YAML_ALIASES;
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: limits::MAX_YAML_DEPTH,
            max_events: max_events,
            max_aliases: limits::MAX_YAML_ALIASES,
            max_anchors: limits::MAX_YAML_ALIASES,
            max_nodes: max_nodes,
            max_total_scalar_bytes: budget.bytes(),
            max_documents: 1,
            max_merge_keys: limits::MAX_YAML_ALIASES,
        },
        alias_limits: alias_limits,
        duplicate_keys: DuplicateKeyPolicy::Error,
        strict_booleans: true,
    }
}

/// Parses `text` (named `file`, of kind `input`) into `T` within `budget`, turning any syntax or
/// shape error into a [`Problem`] with the file, line and column.
pub(crate) fn parse<T: for<'de> Deserialize<'de>>(
    input: Input,
    file: &str,
    text: &str,
    budget: Budget,
) -> Result<T, Problem> {
    if text.len() > budget.bytes() {
        return Err(Problem::new(
            input,
            Some(file),
            ProblemKind::LimitExceeded {
                what: format!("the file's size ({} bytes)", text.len()),
                limit: budget.bytes(),
            },
        ));
    }
    serde_saphyr::from_str_with_options(text, options(budget)).map_err(|err| {
        let position = err.location().and_then(position_from);
        let empty = is_blank(text);
        let kind = match err.without_snippet() {
            serde_saphyr::Error::Eof { .. } if empty => ProblemKind::EmptyFile,
            _ => problem_kind(&err, budget),
        };
        let (kind, position) = located(kind, position, text);
        Problem::new(input, Some(file), kind).at(position)
    })
}

/// A syntax error placed where the mistake is, when the parser finds it further on: a tab (the
/// parser places it at the token before it) at the tab itself, a quote left open or closed early
/// at the quote that opened the value, saying where it runs on to.
fn located(
    kind: ProblemKind,
    position: Option<Position>,
    text: &str,
) -> (ProblemKind, Option<Position>) {
    let (ProblemKind::Syntax { detail, .. }, Some(at)) = (&kind, position) else {
        return (kind, position);
    };
    if detail == TAB_IN_INDENTATION {
        return (kind, first_tab_indent(text, at.line).or(position));
    }
    if detail != QUOTE_NOT_CLOSED && detail != QUOTE_CLOSED_EARLY {
        return (kind, position);
    }
    let Some(quoted) = quotes::culprit(text, at) else {
        return (kind, position);
    };
    let open = quoted.open;
    let q = quoted.quote;
    let detail = match quoted.close {
        Some(close) if close.line == open.line => format!(
            "the `{q}` opened at {}:{} closes at {}:{}, and text follows it",
            open.line, open.column, close.line, close.column
        ),
        Some(close) => format!(
            "the `{q}` opened at {}:{} runs on to {}:{}: the value ends at its next `{q}`, and \
             text follows it there",
            open.line, open.column, close.line, close.column
        ),
        None => format!(
            "the `{q}` opened at {}:{} is never closed: it runs on to the end of the file",
            open.line, open.column
        ),
    };
    let hint = if q == '\'' {
        "close the quote at the end of the value, write an apostrophe inside '...' as '', or \
         leave the value unquoted"
    } else {
        "close the quote at the end of the value, write a `\"` inside \"...\" as `\\\"`, or leave \
         the value unquoted"
    };
    let hint = Some(hint.to_owned());
    (ProblemKind::Syntax { detail, hint }, Some(open))
}

/// Whether a file holds nothing but blank lines and comments.
pub(crate) fn is_blank(text: &str) -> bool {
    text.lines()
        .all(|line| line.trim().is_empty() || line.trim_start().starts_with('#'))
}

/// The parser's error in a rule author's terms: a typed problem where the parser says what it
/// found (an unknown or duplicate key, a budget), its own words (without its position, which the
/// problem carries) otherwise.
fn problem_kind(err: &serde_saphyr::Error, budget: Budget) -> ProblemKind {
    use serde_saphyr::Error as E;
    match err.without_snippet() {
        E::SerdeUnknownField {
            field, expected, ..
        } => ProblemKind::UnknownKey {
            key: shorten(field),
            suggestion: suggest::closest(field, expected.iter().copied()),
            belongs_to: keys::belongs_to(field, expected).map(str::to_owned),
            allowed: expected.iter().map(|k| (*k).to_owned()).collect(),
        },
        E::SerdeMissingField { field, .. } => ProblemKind::MissingKey {
            key: (*field).to_owned(),
        },
        E::DuplicateMappingKey { key, .. } => ProblemKind::DuplicateKey {
            key: key.as_deref().map_or_else(|| "a key".to_owned(), shorten),
        },
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => ProblemKind::WrongShape {
            expected: expected.clone(),
            found: unexpected.clone(),
        },
        E::InvalidScalar { ty, .. } => ProblemKind::WrongShape {
            expected: match *ty {
                "bool" => "true or false".to_owned(),
                t if t.starts_with('i') || t.starts_with('u') => "a whole number".to_owned(),
                other => other.to_owned(),
            },
            found: "a value that is not one".to_owned(),
        },
        E::Budget { breach, .. } => budget_breach(breach, budget),
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => aliases_exceeded(),
        E::MultipleDocuments { .. } => ProblemKind::Syntax {
            detail: "the file holds more than one YAML document".to_owned(),
            hint: Some("a rule file or profile holds one document: remove the `---`".to_owned()),
        },
        E::AliasError { error, .. } => problem_kind(error, budget),
        other => syntax(&other.to_string()),
    }
}

/// A syntax error in the author's terms where the parser's words are known to puzzle them (with
/// what to do), in the parser's own words otherwise; never with the position the parser appends
/// (the problem carries it).
fn syntax(text: &str) -> ProblemKind {
    let text = match text.rfind(" at line ") {
        Some(at) if text.get(at..).is_some_and(|t| t.contains(", column ")) => {
            text.get(..at).unwrap_or(text)
        }
        _ => text,
    };
    let words = text.strip_prefix("error: ").unwrap_or(text);
    if words.contains("recursion limit") {
        return nested_too_deep();
    }
    if let Some(character) = unexpected_character(words) {
        return character;
    }
    match SAID_PLAINLY
        .iter()
        .find(|(phrases, ..)| phrases.iter().any(|p| words.contains(p)))
    {
        Some((_, detail, hint)) => ProblemKind::Syntax {
            detail: (*detail).to_owned(),
            hint: Some((*hint).to_owned()),
        },
        None => ProblemKind::Syntax {
            detail: words.to_owned(),
            hint: None,
        },
    }
}

/// A character the parser does not expect where it is: a control character (a file that is not
/// text, or a stray byte), or one YAML reserves at the start of a plain value.
fn unexpected_character(words: &str) -> Option<ProblemKind> {
    if !["unexpected character", "cannot start any token"]
        .iter()
        .any(|p| words.contains(p))
    {
        return None;
    }
    // The parser quotes the character as `c' (a control character escaped as `\u{7}').
    let found = words.rsplit_once(": `").and_then(|(_, rest)| {
        let quoted = rest.strip_suffix('\'')?;
        match quoted
            .strip_prefix("\\u{")
            .and_then(|hex| hex.strip_suffix('}'))
        {
            Some(hex) => char::from_u32(u32::from_str_radix(hex, 16).ok()?),
            None => {
                let mut chars = quoted.chars();
                chars.next().filter(|_| chars.as_str().is_empty())
            }
        }
    });
    Some(match found {
        Some(c) if c.is_control() => ProblemKind::Syntax {
            detail: format!(
                "a control character (U+{:04X}) where text was expected",
                u32::from(c)
            ),
            hint: Some("rule files and profiles are UTF-8 text: remove the character".to_owned()),
        },
        Some(c) => ProblemKind::Syntax {
            detail: format!("a value cannot start with `{c}` unquoted: YAML reserves it"),
            hint: Some("put the value in quotes".to_owned()),
        },
        None => ProblemKind::Syntax {
            detail: words.to_owned(),
            hint: Some("put the value in quotes".to_owned()),
        },
    })
}

const TAB_IN_INDENTATION: &str = "a tab in the indentation";
const QUOTE_CLOSED_EARLY: &str =
    "a quoted value is not closed where it ends: text follows its closing quote";
const QUOTE_NOT_CLOSED: &str = "a quoted value is never closed";

/// The first tab in the indentation of a line at or after `line`.
fn first_tab_indent(text: &str, line: u64) -> Option<Position> {
    let skip = usize::try_from(line.saturating_sub(1)).ok()?;
    text.lines().enumerate().skip(skip).find_map(|(i, l)| {
        let indentation = l.get(..l.len() - l.trim_start().len())?;
        let column = indentation.chars().position(|c| c == '\t')?;
        Some(Position {
            line: u64::try_from(i + 1).ok()?,
            column: u64::try_from(column + 1).ok()?,
        })
    })
}

/// The parser's phrases (any of them) that mean a mistake authors make, what it is in their
/// terms, and what to do. The first row that matches is used.
const SAID_PLAINLY: &[(&[&str], &str, &str)] = &[
    (
        &["invalid boolean"],
        "a yes/no value is written `true` or `false`",
        "write `true` or `false`: `yes`, `no`, `on` and `off` are not accepted, so that a text \
         such as `no` is never read as a yes/no",
    ),
    (
        &["tabs disallowed", "found a tab", "tab character"],
        TAB_IN_INDENTATION,
        "indent with spaces: YAML does not allow tabs for indentation",
    ),
    (
        &[
            "trailing content after single-quoted",
            "trailing content after double-quoted",
        ],
        QUOTE_CLOSED_EARLY,
        "close the quote at the end of the value, or leave the value unquoted (inside '...', \
         write a ' as '')",
    ),
    (
        &["quoted scalar", "unclosed quote"],
        QUOTE_NOT_CLOSED,
        "close the quote at the end of the value, or leave the value unquoted",
    ),
    (
        &["did not find expected key", "did not find expected '-'"],
        "this line is not indented like the lines around it",
        "the keys of one item start in the same column; to continue a long value on the next \
         lines, write `>-` after its key and indent the lines below it",
    ),
    (
        &["mapping values are not allowed", "illegal placement of ':'"],
        "a `: ` where this value cannot have one",
        "if the value contains `: `, put it in quotes; if this is a key, check its indentation",
    ),
    (
        &["expected ',' or ']'"],
        "a `[ ]` list is not closed",
        "close it with `]`, with a comma between values",
    ),
    (
        &["expected ',' or '}'"],
        "a `{ }` mapping is not closed",
        "close it with `}`, with a comma between entries",
    ),
    (
        &["block sequence entries are not allowed"],
        "a `- ` list item where this value cannot have one",
        "write a list on the lines below its key, indented, one `- ` item a line; if the value \
         is a text starting with `-`, put it in quotes",
    ),
    (
        &["unknown anchor"],
        "a value starts with `*`, which YAML reads as a reference to an anchor",
        "put the value in quotes",
    ),
    (
        &["expected string scalar"],
        "a text was expected here, but the value starts a list (`[`) or mapping (`{`)",
        "if it is a text starting with `[` or `{`, put it in quotes",
    ),
];

/// A breached parser budget, as a limit of the crate.
fn budget_breach(breach: &serde_saphyr::budget::BudgetBreach, budget: Budget) -> ProblemKind {
    use serde_saphyr::budget::BudgetBreach as B;
    match breach {
        B::Depth { .. } => nested_too_deep(),
        B::Events { .. } | B::Nodes { .. } => ProblemKind::TooManyNodes {
            limit: match budget {
                Budget::RuleFile => limits::MAX_YAML_NODES,
                Budget::Profile => limits::MAX_PROFILE_YAML_NODES,
            },
        },
        B::ScalarBytes { .. } | B::InputBytes { .. } => ProblemKind::LimitExceeded {
            what: "the file's text, in bytes,".to_owned(),
            limit: budget.bytes(),
        },
        B::Documents { .. } => ProblemKind::Syntax {
            detail: "the file holds more than one YAML document".to_owned(),
            hint: Some("a rule file or profile holds one document: remove the `---`".to_owned()),
        },
        _ => aliases_exceeded(),
    }
}

fn nested_too_deep() -> ProblemKind {
    ProblemKind::TooDeep {
        limit: limits::MAX_YAML_DEPTH,
    }
}

fn aliases_exceeded() -> ProblemKind {
    ProblemKind::TooManyAliases {
        limit: limits::MAX_YAML_ALIASES,
    }
}

/// Converts a parser location; the parser marks "unknown" with line 0.
fn position_from(location: serde_saphyr::Location) -> Option<Position> {
    (location.line() > 0).then(|| Position {
        line: location.line(),
        column: location.column(),
    })
}

/// Where a spanned value starts.
pub(crate) fn position_of<T>(spanned: &Spanned<T>) -> Option<Position> {
    position_from(spanned.referenced)
}

/// Fills in where each problem of `file` ends, from the file's text: the end of the YAML token
/// (a plain, quoted or flow value, or a key) that starts where the problem does.
pub(crate) fn fill_ends(problems: &mut [Problem], file: &str, text: &str) {
    for problem in problems.iter_mut() {
        if problem.file() == Some(file) && problem.end().is_none() {
            let end = problem.position().and_then(|start| token_end(text, start));
            problem.set_end(end);
        }
    }
}

/// Where the YAML token that starts at `start` ends (just after its last character), on the
/// same line: a quoted value at its closing quote, a flow list or mapping at its closing bracket,
/// a plain value or key before `: `, `, `, a closing bracket or a comment.
fn token_end(text: &str, start: Position) -> Option<Position> {
    let line = text
        .lines()
        .nth(usize::try_from(start.line).ok()?.checked_sub(1)?)?;
    let from = usize::try_from(start.column).ok()?.checked_sub(1)?;
    let chars: Vec<char> = line.chars().collect();
    let rest = chars.get(from..)?;
    let length = match rest.first()? {
        quote @ ('"' | '\'') => rest
            .iter()
            .skip(1)
            .position(|c| c == quote)
            .map_or(rest.len(), |at| at + 2),
        '[' | '{' => {
            let mut depth = 0usize;
            let mut length = rest.len();
            for (i, c) in rest.iter().enumerate() {
                match c {
                    '[' | '{' => depth += 1,
                    ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                if depth == 0 {
                    length = i + 1;
                    break;
                }
            }
            length
        }
        _ => {
            let mut length = rest.len();
            for (i, pair) in rest.windows(2).enumerate() {
                let stop = matches!(pair, [':' | ',', ' '] | [' ', '#'])
                    || matches!(pair.first(), Some(']' | '}'));
                if stop {
                    length = i;
                    break;
                }
            }
            if length == rest.len() && matches!(rest.last(), Some(':' | ']' | '}')) {
                length -= 1;
            }
            rest.get(..length)?
                .iter()
                .rev()
                .skip_while(|c| c.is_whitespace())
                .count()
        }
    };
    (length > 0).then(|| Position {
        line: start.line,
        column: start.column + length as u64,
    })
}

/// A YAML file read from a folder: its path and its text.
pub(crate) struct YamlFile {
    pub(crate) path: std::path::PathBuf,
    pub(crate) text: String,
}

impl YamlFile {
    /// The file's name without its folder, as a guide folder's files are named in messages.
    pub(crate) fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Reads every `*.yaml` / `*.yml` file directly in `dir`, in file-name order, refusing files over
/// the rule-file size limit and files that are not UTF-8. Other files (a README) are skipped.
/// Every problem is reported, each naming its file as `name` does.
pub(crate) fn read_dir(
    dir: &std::path::Path,
    input: Input,
    name: impl Fn(&std::path::Path) -> String,
) -> Result<Vec<YamlFile>, Error> {
    let origin = dir.display().to_string();
    let io_error = |e: std::io::Error| {
        Error::one(Problem::new(
            input,
            Some(&origin),
            ProblemKind::Io {
                reason: e.to_string(),
            },
        ))
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        let path = entry.map_err(io_error)?.path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    let mut problems = Vec::new();
    for path in paths {
        let shown = name(&path);
        let problem = |kind| Problem::new(input, Some(&shown), kind);
        let too_big = std::fs::metadata(&path)
            .map(|m| m.len() > limits::MAX_FILE_BYTES as u64)
            .unwrap_or(false);
        if too_big {
            problems.push(problem(ProblemKind::LimitExceeded {
                what: "the file's size".to_owned(),
                limit: limits::MAX_FILE_BYTES,
            }));
            continue;
        }
        match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => files.push(YamlFile { path, text }),
            Ok(Err(_)) => problems.push(problem(ProblemKind::NotUtf8)),
            Err(e) => problems.push(problem(ProblemKind::Io {
                reason: e.to_string(),
            })),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(Error::new(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(text: &str, line: u64, column: u64) -> Option<(u64, u64)> {
        token_end(text, Position { line, column }).map(|p| (p.line, p.column))
    }

    #[test]
    fn a_token_ends_where_yaml_ends_it() {
        let text =
            "a: plain value  # comment\nb: \"quoted, here\"\nc: [x, [y]], d\nwhne: 1\n- { e: 1 }\n";
        assert_eq!(end(text, 1, 4), Some((1, 15)));
        assert_eq!(end(text, 2, 4), Some((2, 18)));
        assert_eq!(end(text, 3, 4), Some((3, 12)));
        assert_eq!(end(text, 3, 5), Some((3, 6)));
        assert_eq!(end(text, 4, 1), Some((4, 5)));
        assert_eq!(end(text, 5, 3), Some((5, 11)));
        assert_eq!(end(text, 9, 1), None);
    }
}
