//! Reading a rule file of items (rules, facts, named conditions, services) so that one mistake
//! hides no other: when the whole file does not read, each top-level item is read on its own,
//! its problems reported at its own lines, and the items that read are kept for the loader to
//! check. A misspelt key is read as the key it was meant to be (the closest, when the item does
//! not have it already), so the rest of its item is checked too; an item that still does not
//! read is left out, and its problem says so. After a syntax error, which the parser cannot read
//! past, the items before it are read and checked, and the problem says where checking stopped.

use serde::Deserialize;

use super::{Budget, Ordered, Raw, Spanned, parse, position_of};
use crate::error::{Input, Item, Position, Problem, ProblemKind};
use crate::limits;

/// A file's contents that can be read one item at a time: a list or a mapping.
pub(crate) trait Items: for<'de> Deserialize<'de> {}

impl<T: for<'de> Deserialize<'de>> Items for Vec<T> {}

impl<K: for<'de> Deserialize<'de>, V: for<'de> Deserialize<'de>> Items for Ordered<K, V> {}

/// What reading a file of items found.
pub(crate) struct ItemsRead<T> {
    /// The items that read (for the loader to check), `None` if none could be.
    pub(crate) value: Option<T>,
    /// The file's shape and syntax problems, every item's.
    pub(crate) problems: Vec<Problem>,
    /// Whether every item of the file was read: when not, what refers into the file cannot be
    /// checked (a reference may be to an item left out).
    pub(crate) complete: bool,
}

/// Parses a rule file whose top level is a list or mapping of items; `what` names an item in
/// notes (`recommendation`).
pub(crate) fn parse_items<T: Items>(file: &str, what: &str, text: &str) -> ItemsRead<T> {
    let first = match parse::<T>(Input::RuleFile, file, text, Budget::RuleFile) {
        Ok(value) => {
            return ItemsRead {
                value: Some(value),
                problems: Vec::new(),
                complete: true,
            };
        }
        Err(problem) => problem,
    };
    match parse::<Spanned<Raw>>(Input::RuleFile, file, text, Budget::RuleFile) {
        Ok(root) => by_item(file, what, text, &root, first),
        Err(problem) if matches!(problem.kind(), ProblemKind::Syntax { .. }) => {
            before_syntax_error(file, what, text, problem)
        }
        Err(_) => unread(first),
    }
}

/// Nothing of the file read: its one problem.
fn unread<T>(problem: Problem) -> ItemsRead<T> {
    ItemsRead {
        value: None,
        problems: vec![problem],
        complete: false,
    }
}

/// After a syntax error: the items before the one it is in, read and checked; the problem says
/// from which line the file was not checked.
fn before_syntax_error<T: Items>(
    file: &str,
    what: &str,
    text: &str,
    mut problem: Problem,
) -> ItemsRead<T> {
    let lines: Vec<&str> = text.lines().collect();
    let error_line = problem.position().map_or(1, |p| p.line);
    let before = lines
        .get(..usize::try_from(error_line.saturating_sub(1)).unwrap_or(0))
        .unwrap_or_default()
        .join("\n");
    // The item the error is in starts at the last item start before it.
    let cut = parse::<Spanned<Raw>>(Input::RuleFile, file, &before, Budget::RuleFile)
        .ok()
        .and_then(|root| item_starts(&root).last().copied())
        .unwrap_or(1);
    let kept = lines
        .get(..usize::try_from(cut.saturating_sub(1)).unwrap_or(0))
        .unwrap_or_default()
        .join("\n");
    let mut read = if super::is_blank(&kept) {
        ItemsRead {
            value: None,
            problems: Vec::new(),
            complete: false,
        }
    } else {
        parse_items::<T>(file, what, &kept)
    };
    problem.add_note(if cut <= 1 {
        format!("nothing else in `{file}` was checked")
    } else {
        format!("the rest of `{file}`, from line {cut}, was not checked")
    });
    read.problems.push(problem);
    read.complete = false;
    read
}

/// The line each top-level item starts on.
fn item_starts(root: &Spanned<Raw>) -> Vec<u64> {
    match &root.value {
        Raw::List(items) => items
            .iter()
            .filter_map(position_of)
            .map(|p| p.line)
            .collect(),
        Raw::Map(entries) => entries
            .iter()
            .filter_map(|(key, _)| position_of(key))
            .map(|p| p.line)
            .collect(),
        _ => Vec::new(),
    }
}

/// Each top-level item's name: a mapping's key, a list item's `id`.
fn item_names(root: &Spanned<Raw>) -> Vec<Option<String>> {
    match &root.value {
        Raw::List(items) => items
            .iter()
            .map(|item| match &item.value {
                Raw::Map(entries) => entries.iter().find_map(|(k, v)| match &v.value {
                    Raw::Text(id) if k.value == "id" => Some(id.clone()),
                    _ => None,
                }),
                _ => None,
            })
            .collect(),
        Raw::Map(entries) => entries.iter().map(|(k, _)| Some(k.value.clone())).collect(),
        _ => Vec::new(),
    }
}

/// Reads each item on its own: its problems, and the file again with the items that do not read
/// left out and misspelt keys read as meant.
fn by_item<T: Items>(
    file: &str,
    what: &str,
    text: &str,
    root: &Spanned<Raw>,
    first: Problem,
) -> ItemsRead<T> {
    let starts = item_starts(root);
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let block = position_of(root)
        .and_then(|p| lines.get(usize::try_from(p.line).ok()?.checked_sub(1)?))
        .is_some_and(|line| !line.trim_start().starts_with(['[', '{']));
    if !block || starts.is_empty() {
        return unread(first);
    }
    let names = item_names(root);
    let mut problems = Vec::new();
    let mut complete = true;
    for (i, start) in starts.iter().enumerate() {
        let end = starts
            .get(i + 1)
            .map_or(lines.len() as u64, |next| next - 1);
        let from = usize::try_from(start.saturating_sub(1)).unwrap_or(0);
        let to = usize::try_from(end).unwrap_or(0).min(lines.len());
        let chunk: Vec<String> = lines.get(from..to).unwrap_or_default().to_vec();
        let item = item_problems::<T>(file, chunk);
        let mut found: Vec<Problem> = item
            .problems
            .into_iter()
            .map(|p| p.shifted(start - 1))
            .collect();
        match item.read {
            Some(read) => {
                for (line, text) in lines.iter_mut().skip(from).zip(read) {
                    *line = text;
                }
            }
            None => {
                complete = false;
                for line in lines.iter_mut().take(to).skip(from) {
                    line.clear();
                }
                note_unread(what, names.get(i).cloned().flatten(), &mut found);
            }
        }
        problems.extend(found);
    }
    if problems.is_empty() {
        return unread(first);
    }
    let rest = lines.join("\n");
    let value = if super::is_blank(&rest) {
        None
    } else {
        match parse::<T>(Input::RuleFile, file, &rest, Budget::RuleFile) {
            Ok(value) => Some(value),
            Err(_) => {
                complete = false;
                None
            }
        }
    };
    ItemsRead {
        value,
        problems,
        complete,
    }
}

/// The problems of an item that does not read, `found`: a key missing deep in it (an action's
/// `id`) names the item it is in, and the first says the rest of the item was not checked.
fn note_unread(what: &str, name: Option<String>, found: &mut [Problem]) {
    if let Some(item) = name.as_deref().and_then(|n| item_named(what, n)) {
        for problem in found.iter_mut() {
            if matches!(problem.kind(), ProblemKind::MissingKey { .. }) && problem.item().is_none()
            {
                *problem = problem.clone().about(Some(item.clone()));
            }
        }
    }
    if let Some(problem) = found.first_mut() {
        problem.add_note(match name {
            Some(name) => format!("the rest of {what} `{name}` was not checked"),
            None => format!("the rest of this {what} was not checked"),
        });
    }
}

/// The item `what` (`recommendation`) named `name`.
fn item_named(what: &str, name: &str) -> Option<Item> {
    let name = name.to_owned();
    Some(match what {
        "recommendation" => Item::Recommendation(name),
        "principle" => Item::Principle(name),
        "fact" => Item::Fact(name),
        "named condition" => Item::NamedCondition(name),
        "service" => Item::Service(name),
        _ => return None,
    })
}

/// One item's problems, and its lines as read (misspelt keys as meant), if it reads so.
struct ItemProblems {
    problems: Vec<Problem>,
    read: Option<Vec<String>>,
}

/// The shape problems of one item (its lines): the first the parser finds, then, while that is a
/// key that does not belong, the next one found with the key read as the one it was meant to be
/// (the closest the item does not have) or else left out, so that two misspelt keys in one rule
/// are two problems. The item reads if every such key could be read as meant.
fn item_problems<T: Items>(file: &str, mut lines: Vec<String>) -> ItemProblems {
    let mut problems: Vec<Problem> = Vec::new();
    let mut as_meant = true;
    while problems.len() < limits::MAX_PROBLEMS {
        let text = lines.join("\n");
        let problem = match parse::<T>(Input::RuleFile, file, &text, Budget::RuleFile) {
            Ok(_) => {
                return ItemProblems {
                    problems,
                    read: as_meant.then_some(lines),
                };
            }
            Err(problem) => problem,
        };
        if !problems.is_empty() && matches!(problem.kind(), ProblemKind::MissingKey { .. }) {
            // Most likely the key left out was this one, misspelt: already reported.
            break;
        }
        // The key was not left out (the lines here are cut at `\n`, while YAML also breaks a
        // line at a lone `\r`): the same problem again, found by the `load_guide` fuzz target.
        let again =
            |last: &Problem| last.position() == problem.position() && last.code() == problem.code();
        if problems.last().is_some_and(again) {
            break;
        }
        let meant = match problem.kind() {
            ProblemKind::UnknownKey {
                suggestion: Some(meant),
                belongs_to: None,
                ..
            } => Some(meant.clone()),
            _ => None,
        };
        let key_at = match problem.kind() {
            ProblemKind::UnknownKey { .. } | ProblemKind::DuplicateKey { .. } => problem.position(),
            _ => None,
        };
        problems.push(problem);
        let Some(at) = key_at else { break };
        match meant {
            Some(meant) if rename_key(&mut lines, at, &meant) => {}
            _ if blank_key(&mut lines, at) => as_meant = false,
            _ => break,
        }
    }
    ItemProblems {
        problems,
        read: None,
    }
}

/// Renames the key at `at` to `meant`, unless a key of the same mapping is `meant` already (or
/// the key does not start its line); false if it was not renamed.
fn rename_key(lines: &mut [String], at: Position, meant: &str) -> bool {
    let Some(index) = usize::try_from(at.line).ok().and_then(|l| l.checked_sub(1)) else {
        return false;
    };
    let column = usize::try_from(at.column).unwrap_or(1).saturating_sub(1);
    // A key of the same mapping: at the same column, after spaces or a list's `- `.
    let is_key = |line: &str, key: &str| {
        let (Some(before), Some(rest)) = (line.get(..column), line.get(column..)) else {
            return false;
        };
        let before = before.trim_end_matches(' ');
        (before.trim().is_empty() || before.trim() == "-")
            && rest
                .strip_prefix(key)
                .is_some_and(|after| after.starts_with(':'))
    };
    if lines.iter().any(|line| is_key(line, meant)) {
        return false;
    }
    let Some(line) = lines.get_mut(index) else {
        return false;
    };
    let (Some(before), Some(rest)) = (line.get(..column), line.get(column..)) else {
        return false;
    };
    let Some(colon) = rest.find(':') else {
        return false;
    };
    if !(before.trim().is_empty() || before.trim() == "-") {
        return false;
    }
    // A shorter key is padded, so that what follows it keeps its columns.
    let pad = " ".repeat(colon.saturating_sub(meant.len()));
    let after = rest.get(colon..).unwrap_or_default();
    *line = format!("{before}{meant}{}{pad}{}", &after[..1], &after[1..]);
    true
}

/// Blanks the lines of the key at `at` and of its value (the lines after it indented further),
/// keeping the line count; false if there is no key there to leave out.
fn blank_key(lines: &mut [String], at: Position) -> bool {
    let Some(first) = usize::try_from(at.line).ok().and_then(|l| l.checked_sub(1)) else {
        return false;
    };
    let column = usize::try_from(at.column).unwrap_or(1).saturating_sub(1);
    let indent = |line: &str| line.len() - line.trim_start().len();
    match lines.get(first) {
        // The key must start its line (after a list's `- ` at most): a key inside a `{ }` on one
        // line cannot be left out this way.
        Some(line)
            if line
                .get(column..)
                .is_some_and(|rest| !rest.trim().is_empty())
                && line
                    .get(..column)
                    .is_some_and(|before| before.trim().is_empty()) => {}
        _ => return false,
    }
    let mut end = first + 1;
    while lines
        .get(end)
        .is_some_and(|line| line.trim().is_empty() || indent(line) > column)
    {
        end += 1;
    }
    for line in lines.get_mut(first..end).unwrap_or_default() {
        line.clear();
    }
    true
}
