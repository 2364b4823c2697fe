//! The crate's shape, as ARCHITECTURE.md states it: modules in the order of the data flow, each
//! using only those before it; the YAML crate named by one module; no function too long to read.

use std::path::{Path, PathBuf};

/// The crate's top-level modules, in the order `src/lib.rs` declares them.
fn layers() -> Vec<String> {
    let lib = std::fs::read_to_string("src/lib.rs").unwrap();
    lib.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line
                .strip_prefix("pub mod ")
                .or_else(|| line.strip_prefix("mod "))?;
            Some(rest.trim_end_matches(';').to_owned())
        })
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

/// The top-level module a file of `src/` belongs to (`src/load/rules.rs` → `load`).
fn module_of(path: &Path) -> String {
    let relative = path.strip_prefix("src").unwrap();
    let first = relative.components().next().unwrap().as_os_str();
    first.to_str().unwrap().trim_end_matches(".rs").to_owned()
}

/// The code of a file without its comments (doc comments name modules freely).
fn code(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a piece of code names as `crate::NAME`.
fn named_modules(code: &str) -> Vec<String> {
    let mut out: Vec<String> = code
        .match_indices("crate::")
        .map(|(at, _)| {
            code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_module_uses_only_the_modules_before_it_in_lib_rs() {
    let layers = layers();
    assert!(layers.len() >= 10, "{layers:?}");
    let rank = |module: &str| layers.iter().position(|l| l == module);
    let mut upward = Vec::new();
    for path in rust_files(Path::new("src")) {
        if path == Path::new("src/lib.rs") {
            continue;
        }
        let module = module_of(&path);
        let own = rank(&module).unwrap_or_else(|| panic!("{module} is not declared in lib.rs"));
        for used in named_modules(&code(&path)) {
            match rank(&used) {
                Some(r) if r > own => upward.push(format!(
                    "{} ({module}) uses crate::{used}, which comes after it",
                    path.display()
                )),
                Some(_) => {}
                None => upward.push(format!("{}: crate::{used} is no module", path.display())),
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports must point down the stack of lib.rs:\n  {}",
        upward.join("\n  ")
    );
}

/// The test above would pass on a crate that names no module at all: check that it sees the
/// imports it must see.
#[test]
fn the_dependency_check_sees_imports() {
    let found = named_modules(&code(Path::new("src/eval/explain.rs")));
    assert!(found.contains(&"model".to_owned()), "{found:?}");
    assert!(found.contains(&"result".to_owned()), "{found:?}");
    let layers = layers();
    assert!(
        layers.iter().position(|l| l == "syntax") < layers.iter().position(|l| l == "model"),
        "{layers:?}"
    );
}

#[test]
fn only_the_syntax_module_names_the_yaml_crate() {
    let naming: Vec<String> = rust_files(Path::new("src"))
        .into_iter()
        .filter(|path| module_of(path) != "syntax")
        .filter(|path| code(path).contains("serde_saphyr"))
        .map(|path| path.display().to_string())
        .collect();
    assert!(naming.is_empty(), "{naming:?}");
}

/// Functions short enough to read at once: none over 80 lines (rustfmt's layout: a function
/// ends at the first `}` at its own indentation).
#[test]
fn no_function_is_over_80_lines() {
    let mut long = Vec::new();
    for path in rust_files(Path::new("src")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (start, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let is_fn = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "pub(super) fn ",
                "const fn ",
            ]
            .iter()
            .any(|p| trimmed.starts_with(p));
            if !is_fn || trimmed.ends_with(';') {
                continue;
            }
            let indent = &line[..line.len() - trimmed.len()];
            let close = format!("{indent}}}");
            if let Some(end) = lines[start..].iter().position(|l| *l == close)
                && end + 1 > 80
            {
                {
                    long.push(format!(
                        "{}:{}: {} lines",
                        path.display(),
                        start + 1,
                        end + 1
                    ));
                }
            }
        }
    }
    assert!(long.is_empty(), "{long:#?}");
}

/// Within a folder too, a module uses only the modules declared before it in the folder's
/// `mod.rs`: the folder's table of contents is the order of its data flow.
#[test]
fn within_a_folder_every_module_uses_only_those_declared_before_it() {
    let mut upward = Vec::new();
    for entry in std::fs::read_dir("src").unwrap() {
        let folder = entry.unwrap().path();
        let Ok(mod_rs) = std::fs::read_to_string(folder.join("mod.rs")) else {
            continue;
        };
        let order: Vec<String> = mod_rs
            .lines()
            .filter_map(|line| {
                let line = line.trim_start_matches("pub(crate) ").trim();
                let name = line.strip_prefix("mod ")?.trim_end_matches(';');
                Some(name.to_owned())
            })
            .collect();
        let rank = |name: &str| order.iter().position(|m| m == name);
        for path in rust_files(&folder) {
            let own = path.file_stem().unwrap().to_str().unwrap();
            let Some(own_rank) = rank(own) else { continue };
            let text = code(&path);
            for (at, _) in text.match_indices("super::") {
                let used: String = text[at + "super::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if rank(&used).is_some_and(|r| r > own_rank) {
                    upward.push(format!("{} uses super::{used}", path.display()));
                }
            }
        }
    }
    assert!(upward.is_empty(), "{upward:#?}");
}

/// The names the crate root exports: the `pub use`, `pub mod`, `pub fn` and `pub const` items
/// of `src/lib.rs` (items of the root start a line; an inline module's are indented) — a small
/// surface, the rest grouped in modules (`guide`, `result`, `error`, ...), as serde_json and csv
/// group theirs.
fn root_names() -> Vec<String> {
    let lib = std::fs::read_to_string("src/lib.rs").unwrap();
    let mut names = Vec::new();
    let mut lines = lib.lines();
    while let Some(line) = lines.next() {
        if let Some(mut item) = line.strip_prefix("pub use ").map(str::to_owned) {
            while !item.contains(';') {
                item.push_str(lines.next().unwrap());
            }
            let list = match (item.find('{'), item.rfind('}')) {
                (Some(open), Some(close)) => item[open + 1..close].to_owned(),
                _ => item.rsplit("::").next().unwrap().to_owned(),
            };
            names.extend(
                (list.split(','))
                    .map(|n| n.trim().trim_end_matches(';').to_owned())
                    .filter(|n| !n.is_empty()),
            );
        }
        for keyword in ["pub mod ", "pub fn ", "pub const "] {
            if let Some(rest) = line.strip_prefix(keyword) {
                let name = rest.split(|c: char| !c.is_ascii_alphanumeric() && c != '_');
                names.push(name.into_iter().next().unwrap().to_owned());
            }
        }
    }
    names
}

#[test]
fn the_crate_root_names_at_most_forty_things() {
    let names = root_names();
    assert!(names.contains(&"Evaluation".to_owned()), "{names:?}");
    assert!(names.contains(&"guide".to_owned()), "{names:?}");
    assert!(
        names.len() <= 40,
        "{} names at the root: {names:?}",
        names.len()
    );
}
