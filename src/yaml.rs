//! Reading YAML (and JSON, which is YAML's flow subset): parser budgets, and a span-carrying value
//! tree for the parts of a file whose shape depends on the vocabulary (conditions, profiles).
//!
//! This is the only module that names `serde_saphyr`; the compiled guide and evaluation never see
//! it.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::options::DuplicateKeyPolicy;

use crate::error::{Error, Position, Problem, ProblemKind};
use crate::limits;

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
/// YAML 1.2 booleans (so `no` stays the text "no" unless a boolean is expected).
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

/// Parses `text` (from `file`) into `T` within `budget`, turning any syntax or shape error into
/// a [`Problem`] with the file, line and column.
pub(crate) fn parse<T: for<'de> Deserialize<'de>>(
    file: &str,
    text: &str,
    budget: Budget,
) -> Result<T, Problem> {
    if text.len() > budget.bytes() {
        return Err(Problem::new(
            file,
            ProblemKind::LimitExceeded {
                what: format!("the file's size ({} bytes)", text.len()),
                limit: budget.bytes(),
            },
        ));
    }
    serde_saphyr::from_str_with_options(text, options(budget)).map_err(|err| {
        let position = err.location().and_then(position_from);
        Problem::new(file, ProblemKind::Syntax(plain_message(&err))).at(position)
    })
}

/// The parser's message without its source snippet and without the position it appends, which
/// [`Problem`] shows in its own, uniform way.
fn plain_message(err: &serde_saphyr::Error) -> String {
    let text = err.without_snippet().to_string();
    let text = match text.rfind(" at line ") {
        Some(at) if text[at..].contains(", column ") => text[..at].to_owned(),
        _ => text,
    };
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    match friendly_budget_message(text) {
        Some(friendly) => format!("{friendly} ({text})"),
        None => text.to_owned(),
    }
}

/// The parser reports a breached budget by its internal name; say what it means for the file.
fn friendly_budget_message(text: &str) -> Option<String> {
    let breach = text.strip_prefix("budget breached: ");
    if breach.is_none() && !text.contains("recursion limit") && !text.contains("alias replay") {
        return None;
    }
    let name = breach
        .map(|b| b.split([' ', '{']).next().unwrap_or(b))
        .unwrap_or("");
    Some(match name {
        "Depth" | "" if !text.contains("alias") => format!(
            "the file nests deeper than the limit of {} levels",
            limits::MAX_YAML_DEPTH
        ),
        "Events" | "Nodes" => "the file has more YAML nodes than the limit allows".to_owned(),
        "ScalarBytes" | "CommentBytes" => {
            "the file's text is larger than the limit allows".to_owned()
        }
        "Documents" => "a rule file or profile holds one YAML document, not several".to_owned(),
        _ => format!(
            "the file uses more YAML aliases, anchors or merge keys (or expands them more) than \
             the limit of {} allows",
            limits::MAX_YAML_ALIASES
        ),
    })
}

/// A value with no position in any file, for values the loader makes itself.
pub(crate) fn unspanned<T>(value: T) -> Spanned<T> {
    Spanned::new(
        value,
        serde_saphyr::Location::UNKNOWN,
        serde_saphyr::Location::UNKNOWN,
    )
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

/// A YAML value of any shape, with the position of every node. Conditions and profiles are read
/// as this tree and interpreted against the vocabulary, so every problem can point at its node.
#[derive(Debug, Clone)]
pub(crate) enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    List(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<String>, Spanned<Raw>)>),
}

impl Raw {
    /// How the value is described in an error ("a list", "the text `abc`").
    pub(crate) fn describe(&self) -> String {
        match self {
            Raw::Null => "nothing (null)".to_owned(),
            Raw::Bool(b) => format!("the boolean `{b}`"),
            Raw::Int(i) => format!("the number `{i}`"),
            Raw::Float(x) => format!("the number `{x}`"),
            Raw::Text(s) => format!("the text `{}`", truncate(s)),
            Raw::List(_) => "a list".to_owned(),
            Raw::Map(_) => "a mapping".to_owned(),
        }
    }
}

/// Shortens long user text inside messages.
pub(crate) fn truncate(s: &str) -> String {
    const MAX: usize = 60;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        i64::try_from(v)
            .map(Raw::Int)
            .map_err(|_| E::custom(format!("the number {v} is too large")))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
        i64::try_from(v)
            .map(Raw::Int)
            .map_err(|_| E::custom(format!("the number {v} is too large")))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        i64::try_from(v)
            .map(Raw::Int)
            .map_err(|_| E::custom(format!("the number {v} is too large")))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Text(v))
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        // A Vec grows to at least 4 slots; most lists and maps in rule files are shorter (a test is
        // a one-key map in a one-key map), and large guides hold millions of them while loading.
        items.shrink_to_fit();
        Ok(Raw::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        entries.shrink_to_fit();
        Ok(Raw::Map(entries))
    }
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
    name: impl Fn(&std::path::Path) -> String,
) -> Result<Vec<YamlFile>, Error> {
    let origin = dir.display().to_string();
    let io_error =
        |e: std::io::Error| Error::new(vec![Problem::new(&origin, ProblemKind::Io(e.to_string()))]);
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
        let too_big = std::fs::metadata(&path)
            .map(|m| m.len() > limits::MAX_FILE_BYTES as u64)
            .unwrap_or(false);
        if too_big {
            problems.push(Problem::new(
                &shown,
                ProblemKind::LimitExceeded {
                    what: "the file's size".to_owned(),
                    limit: limits::MAX_FILE_BYTES,
                },
            ));
            continue;
        }
        match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => files.push(YamlFile { path, text }),
            Ok(Err(_)) => problems.push(Problem::new(
                &shown,
                ProblemKind::Syntax("the file is not UTF-8 text".to_owned()),
            )),
            Err(e) => problems.push(Problem::new(&shown, ProblemKind::Io(e.to_string()))),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(Error::new(problems))
    }
}
