//! The tool's shape, as ARCHITECTURE.md states it: `main.rs` declares the modules and parses the
//! command line; a shared layer (where guides and profiles come from, how problems read, what a
//! verb writes) serves every verb; a verb uses that layer only, never `main.rs` and never another
//! verb; and no module's imports lead back to it.
//!
//! The checker reads the sources with their comments, strings and characters blanked out, so
//! that only code names a module. It follows `crate::` (and `$crate::` in macros), groups
//! (`crate::{a, b::c}`) and `super::` wherever it climbs to the crate's root, inline modules
//! (`mod tests { use super::*; }`) counted. The tests at the end plant each kind of violation in
//! a small made-up tool to show that the checker sees it.

// Helpers outside `#[test]` functions panic and index freely: a failure is a test failure.
#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The tool's sources: `main.rs`, and every other file with the top-level module it belongs to.
struct Tool {
    /// `main.rs`, blanked.
    main: String,
    /// The modules `main.rs` declares, in its order.
    modules: Vec<String>,
    /// The modules that are verbs: those a variant of `enum Verb` takes its arguments from.
    verbs: Vec<String>,
    /// Every other file: its path, its top-level module, how deep its module is (`eval.rs` 1,
    /// `serve/state.rs` 2), and its blanked code.
    files: Vec<File>,
}

struct File {
    path: String,
    module: String,
    depth: usize,
    code: String,
}

impl Tool {
    /// The tool in `src` (a folder holding `main.rs`).
    fn read(src: &Path) -> Tool {
        let mut files = Vec::new();
        for path in rust_files(src) {
            let relative = path.strip_prefix(src).unwrap();
            let text = std::fs::read_to_string(&path).unwrap();
            let name = relative.to_str().unwrap().replace('\\', "/");
            files.push((name, text));
        }
        let sources: Vec<(&str, &str)> = files
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str()))
            .collect();
        Tool::of(&sources)
    }

    /// The tool of the given files, named by their path under `src/` (`main.rs`, `eval.rs`,
    /// `serve/mod.rs`, ...).
    fn of(sources: &[(&str, &str)]) -> Tool {
        let main = sources
            .iter()
            .find(|(path, _)| *path == "main.rs")
            .map(|(_, text)| blank(text))
            .expect("a tool has a main.rs");
        let modules = main
            .lines()
            .filter_map(|line| {
                let line = line.trim().trim_start_matches("pub(crate) ");
                let name = line.strip_prefix("mod ")?.strip_suffix(';')?;
                Some(name.trim().to_owned())
            })
            .collect();
        let verbs = verbs(&main);
        let files = sources
            .iter()
            .filter(|(path, _)| *path != "main.rs")
            .map(|(path, text)| {
                let parts: Vec<&str> = path.trim_end_matches(".rs").split('/').collect();
                let depth = match parts.last() {
                    Some(&"mod") => parts.len() - 1,
                    _ => parts.len(),
                };
                File {
                    path: (*path).to_owned(),
                    module: parts[0].to_owned(),
                    depth,
                    code: blank(text),
                }
            })
            .collect();
        Tool {
            main,
            modules,
            verbs,
            files,
        }
    }

    /// The modules each module names (itself left out), as (module, used, file).
    fn uses(&self) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for file in &self.files {
            for name in names_from_root(&file.code, file.depth) {
                if name != file.module {
                    out.push((file.module.clone(), name, file.path.clone()));
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Every breach of the dependency rule, in words.
    fn violations(&self) -> Vec<String> {
        let mut found = Vec::new();
        if self.main.contains("macro_rules!") || self.main.contains("macro_use") {
            found.push(
                "main.rs defines a macro, which every module after it uses without an import"
                    .to_owned(),
            );
        }
        let is_module = |name: &str| self.modules.iter().any(|m| m == name);
        let is_verb = |name: &str| self.verbs.iter().any(|v| v == name);
        for (module, used, path) in self.uses() {
            if !is_module(&used) {
                found.push(format!("{path} uses `{used}` of main.rs"));
            } else if is_verb(&module) && is_verb(&used) {
                found.push(format!(
                    "{path} (the verb `{module}`) uses the verb `{used}`"
                ));
            } else if is_verb(&used) {
                found.push(format!(
                    "{path} (shared by the verbs) uses the verb `{used}`"
                ));
            }
        }
        found.extend(
            self.cycles()
                .iter()
                .map(|cycle| format!("an import cycle: {}", cycle.join(" → "))),
        );
        found
    }

    /// Each cycle among the modules once, as the path from the first of its modules (in the order
    /// of `main.rs`) back to it.
    fn cycles(&self) -> Vec<Vec<String>> {
        let edges: Vec<(String, String)> = self
            .uses()
            .into_iter()
            .filter(|(_, used, _)| self.modules.contains(used))
            .map(|(module, used, _)| (module, used))
            .collect();
        let mut seen: BTreeSet<Vec<String>> = BTreeSet::new();
        let mut cycles = Vec::new();
        for start in &self.modules {
            // The shortest way back to `start`, breadth first.
            let mut paths = vec![vec![start.clone()]];
            let mut visited = BTreeSet::new();
            while !paths.is_empty() {
                let mut next = Vec::new();
                for path in paths {
                    let last = path.last().unwrap();
                    for (_, to) in edges.iter().filter(|(from, _)| from == last) {
                        let mut longer = path.clone();
                        longer.push(to.clone());
                        if to == start {
                            let mut members = longer.clone();
                            members.sort();
                            members.dedup();
                            if seen.insert(members) {
                                cycles.push(longer);
                            }
                        } else if visited.insert(to.clone()) {
                            next.push(longer);
                        }
                    }
                }
                paths = next;
            }
        }
        cycles
    }
}

/// The modules a variant of `enum Verb` in `main` takes its arguments from: `Eval(eval::Args)`.
fn verbs(main: &str) -> Vec<String> {
    let Some(at) = main.find("enum Verb") else {
        return Vec::new();
    };
    let body = &main[at..];
    let body = &body[..body.find('}').unwrap_or(body.len())];
    body.split('(')
        .skip(1)
        .filter_map(|rest| Some(rest.split_once("::")?.0.trim().to_owned()))
        .collect()
}

/// Every `.rs` file under `dir`, in name order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// `text` with its comments and the insides of its string and character literals replaced by
/// spaces (lines kept), so that braces and paths in them are not read as code.
fn blank(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let space = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let rest = &chars[i..];
        let starts = |s: &str| rest.iter().take(s.len()).copied().eq(s.chars());
        if starts("//") {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if starts("/*") {
            let mut depth = 0;
            while i < chars.len() {
                let rest = &chars[i..];
                if rest.starts_with(&['/', '*']) {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if rest.starts_with(&['*', '/']) {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(space(chars[i]));
                    i += 1;
                }
            }
        } else if chars[i] == 'r' && matches!(rest.get(1), Some('"' | '#')) && raw_start(rest) {
            // A raw string: r"...", r#"..."#.
            let hashes = rest[1..].iter().take_while(|c| **c == '#').count();
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let open = 2 + hashes;
            out.extend(std::iter::repeat_n(' ', open));
            i += open;
            while i < chars.len() && !chars[i..].starts_with(&close) {
                out.push(space(chars[i]));
                i += 1;
            }
            out.extend(std::iter::repeat_n(' ', close.len()));
            i += close.len();
        } else if chars[i] == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                let width = if chars[i] == '\\' { 2 } else { 1 };
                for c in chars.iter().skip(i).take(width) {
                    out.push(space(*c));
                }
                i += width;
            }
            out.push(' ');
            i += 1;
        } else if chars[i] == '\'' && char_literal_len(rest).is_some() {
            let len = char_literal_len(rest).unwrap_or(1);
            out.extend(std::iter::repeat_n(' ', len));
            i += len;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Whether `rest` (at an `r`) opens a raw string rather than naming something that ends in `r`.
fn raw_start(rest: &[char]) -> bool {
    let hashes = rest[1..].iter().take_while(|c| **c == '#').count();
    rest.get(1 + hashes) == Some(&'"')
}

/// The length of the character literal `rest` starts with (`'{'`, `'\n'`, `'\''`), if it is
/// one rather than a lifetime (`'a`).
fn char_literal_len(rest: &[char]) -> Option<usize> {
    match rest.get(1)? {
        '\\' => {
            // The escaped character, then up to the closing quote (`'\u{7f}'`).
            let end = rest.iter().skip(3).position(|c| *c == '\'')?;
            Some(end + 4)
        }
        _ => (rest.get(2) == Some(&'\'')).then_some(3),
    }
}

/// The first names of every path in `code` that starts at the crate's root, in a file whose
/// module is `depth` deep: `crate::a::b` and `crate::{a, b::c}` name `a` and `b`; `super::x`
/// names `x` where it climbs to the root (from the file's module and the inline modules open
/// around it).
fn names_from_root(code: &str, depth: usize) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut names = Vec::new();
    // The brace depth at which each inline module open here began.
    let mut inline: Vec<usize> = Vec::new();
    let mut braces = 0;
    let mut i = 0;
    while i < chars.len() {
        let before = i.checked_sub(1).map(|b| chars[b]);
        let at_word = !before.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let rest: String = chars[i..chars.len().min(i + 80)].iter().collect();
        if chars[i] == '{' {
            braces += 1;
        } else if chars[i] == '}' {
            braces -= 1;
            if inline.last() == Some(&braces) {
                inline.pop();
            }
        } else if at_word && rest.starts_with("mod ") {
            let after = rest["mod ".len()..].trim_start();
            let name_len = after
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if after[name_len..].trim_start().starts_with('{') {
                inline.push(braces);
            }
        } else if at_word && rest.starts_with("crate::") {
            names.extend(first_names(&chars[i + "crate::".len()..]));
            i += "crate::".len();
            continue;
        } else if at_word && rest.starts_with("super::") {
            let mut supers = 0;
            while rest[supers * "super::".len()..].starts_with("super::") {
                supers += 1;
            }
            let skip = supers * "super::".len();
            if supers >= depth + inline.len() {
                names.extend(first_names(&chars[i + skip..]));
            }
            i += skip;
            continue;
        }
        i += 1;
    }
    names.sort();
    names.dedup();
    names
}

/// The first name of the path `rest` starts with, or of each path in the group it opens
/// (`{a, b::{c, d}, self}` names `a`, `b` and `self`); `*` for a glob.
fn first_names(rest: &[char]) -> Vec<String> {
    let ident = |from: usize| -> String {
        rest.iter()
            .skip(from)
            .take_while(|c| c.is_alphanumeric() || **c == '_' || **c == '*')
            .collect()
    };
    let start = rest.iter().position(|c| !c.is_whitespace()).unwrap_or(0);
    if rest.get(start) != Some(&'{') {
        return vec![ident(start)]
            .into_iter()
            .filter(|n| !n.is_empty())
            .collect();
    }
    let mut names = Vec::new();
    let mut depth = 0;
    let mut expecting = true;
    for (at, c) in rest.iter().enumerate().skip(start) {
        match c {
            '{' => {
                depth += 1;
                expecting = depth == 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => expecting = true,
            c if c.is_whitespace() => {}
            _ if expecting && depth == 1 => {
                names.push(ident(at));
                expecting = false;
            }
            _ => {}
        }
    }
    names
}

#[test]
fn no_verb_uses_main_rs_or_another_verb_and_no_imports_lead_back() {
    let tool = Tool::read(Path::new("src"));
    let found = tool.violations();
    assert!(
        found.is_empty(),
        "the tool's modules break the dependency rule:\n  {}",
        found.join("\n  ")
    );
}

/// The test above would pass on a tool whose modules name no module at all, or with no verb:
/// check that it sees the tool as it is.
#[test]
fn the_check_sees_the_tool() {
    let tool = Tool::read(Path::new("src"));
    let verbs: Vec<&str> = tool.verbs.iter().map(String::as_str).collect();
    assert_eq!(
        verbs,
        [
            "eval",
            "check",
            "test",
            "diff",
            "lint",
            "interview",
            "cases",
            "schema",
            "serve"
        ]
    );
    for verb in &tool.verbs {
        assert!(tool.modules.contains(verb), "{verb} is not declared");
    }
    let uses = tool.uses();
    let uses = |module: &str, used: &str| uses.iter().any(|(m, u, _)| m == module && u == used);
    assert!(uses("eval", "sources"));
    assert!(uses("eval", "diagnostics"));
    assert!(uses("eval", "output"), "outln! is imported");
    assert!(uses("serve", "sources"), "from serve/state.rs");
    assert!(uses("diagnostics", "sources"));
    assert!(!uses("sources", "diagnostics"));
}

/// A made-up tool: a main.rs with three shared modules and two verbs, and the given files.
fn made_up(files: &[(&str, &str)]) -> Tool {
    let main = "mod shared;\nmod other;\nmod third;\nmod one;\nmod two;\n\
                enum Verb { One(one::Args), Two(two::Args) }\n\
                struct Outcome;\nfn main() {}\n";
    let mut sources = vec![("main.rs", main)];
    sources.extend_from_slice(files);
    Tool::of(&sources)
}

#[test]
fn a_verb_using_an_item_of_main_rs_is_a_violation() {
    for code in [
        "use crate::Outcome;",
        "use crate::{shared::x, Outcome};",
        "fn f() -> super::Outcome { todo!() }",
        "use crate::*;",
    ] {
        let found = made_up(&[("one.rs", code)]).violations();
        assert_eq!(found.len(), 1, "{code}: {found:?}");
        assert!(found[0].starts_with("one.rs uses `"), "{found:?}");
    }
}

#[test]
fn a_verb_using_another_verb_is_a_violation() {
    for code in [
        "use crate::two::inline;",
        "use crate::{shared, two::{self, inline}};",
        "fn f() { crate::two::run(); }",
        "mod deeper { fn f() { super::super::two::run(); } }",
    ] {
        let found = made_up(&[("one/mod.rs", code)]).violations();
        assert_eq!(
            found,
            ["one/mod.rs (the verb `one`) uses the verb `two`"],
            "{code}"
        );
    }
}

#[test]
fn a_cycle_among_modules_is_a_violation() {
    let found = made_up(&[
        ("shared.rs", "use crate::other::Texts;"),
        ("other.rs", "use crate::shared::Format;"),
        ("one.rs", "use crate::shared::Format;"),
    ])
    .violations();
    assert_eq!(found, ["an import cycle: shared → other → shared"]);
    let longer = made_up(&[
        ("shared.rs", "use crate::other::Texts;"),
        ("other.rs", "use crate::third::Stream;"),
        ("third.rs", "use crate::shared::Format;"),
    ])
    .violations();
    assert_eq!(longer, ["an import cycle: shared → other → third → shared"]);
}

#[test]
fn a_shared_module_using_a_verb_is_a_violation() {
    let found = made_up(&[("shared.rs", "use crate::one::inline;")]).violations();
    assert_eq!(
        found,
        ["shared.rs (shared by the verbs) uses the verb `one`"]
    );
}

#[test]
fn a_macro_defined_in_main_rs_is_a_violation() {
    let tool = Tool::of(&[("main.rs", "macro_rules! outln { () => {} }\nmod one;\n")]);
    assert_eq!(tool.violations().len(), 1);
}

#[test]
fn what_is_not_a_path_from_the_root_is_no_violation() {
    let code = r##"
        //! Uses crate::Outcome in a comment.
        use super::log; // a module of the verb's own folder
        use crate::shared::{self, Format};
        const NOTE: &str = "crate::two in a string, { unbalanced";
        const RAW: &str = r#"super::Outcome"#;
        const BRACE: char = '{';
        fn f<'a>(x: &'a str) -> &'a str { $crate::shared::write(x); x }
        #[cfg(test)]
        mod tests {
            use super::*;
        }
    "##;
    let tool = made_up(&[("one/state.rs", code), ("one/mod.rs", "mod state;")]);
    assert_eq!(tool.violations(), Vec::<String>::new());
    let uses: Vec<String> = tool.uses().into_iter().map(|(_, used, _)| used).collect();
    assert_eq!(uses, ["shared"]);
}
