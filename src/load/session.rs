//! One loading session, for a guide folder or an overlay folder: the files by name, the folder
//! check, parsing with located problems, the problems collected, the content hash, and a
//! registry of ids for duplicates and suggestions.

use std::collections::{BTreeMap, HashMap, HashSet};

use sha2::{Digest, Sha256};

use crate::error::{Error, Input, Item, Position, Problem, ProblemKind};
use crate::syntax::{self, Budget, Spanned};

/// Which kind of folder is being loaded: its name in messages and the files it holds.
pub(crate) struct Folder {
    /// `a guide`, `an overlay`.
    pub(crate) what: &'static str,
    /// Each file's name, and whether it is required.
    pub(crate) files: &'static [(&'static str, bool)],
}

/// The files being loaded and the problems found so far.
pub(crate) struct Session<'f> {
    files: BTreeMap<&'f str, &'f str>,
    problems: Vec<Problem>,
    /// Files that are present but could not be parsed: what refers into them is not checked.
    unreadable: HashSet<&'static str>,
    /// The files the folder must hold.
    required: Vec<&'static str>,
}

impl<'f> Session<'f> {
    /// Starts a session on `files` (name, text), reporting two files of one name, files the
    /// folder does not hold, and required files that are missing.
    pub(crate) fn open<N: AsRef<str>, T: AsRef<str>>(
        folder: &Folder,
        files: &'f [(N, T)],
    ) -> Session<'f> {
        let mut session = Session {
            files: BTreeMap::new(),
            problems: Vec::new(),
            unreadable: HashSet::new(),
            required: folder
                .files
                .iter()
                .filter(|(_, r)| *r)
                .map(|(n, _)| *n)
                .collect(),
        };
        let expected: Vec<String> = folder.files.iter().map(|(n, _)| (*n).to_owned()).collect();
        for (name, text) in files {
            let name = name.as_ref();
            if session.files.insert(name, text.as_ref()).is_some() {
                let name = name.to_owned();
                session.report(Problem::in_rules(
                    &name,
                    ProblemKind::DuplicateFile { name: name.clone() },
                ));
            } else if !expected.iter().any(|e| e == name) {
                session.report(Problem::in_rules(
                    name,
                    ProblemKind::UnexpectedFile {
                        name: name.to_owned(),
                        folder: folder.what.to_owned(),
                        expected: expected.clone(),
                    },
                ));
            }
        }
        if !folder
            .files
            .iter()
            .any(|(name, _)| session.files.contains_key(name))
        {
            // None of the folder's files: the wrong folder, not a folder with files missing.
            session.problems.clear();
            let kind = ProblemKind::NotAFolderOf {
                folder: folder.what.to_owned(),
                expected,
            };
            session.report(Problem::new(Input::RuleFile, None, kind));
            return session;
        }
        for (name, required) in folder.files {
            if *required && !session.files.contains_key(name) {
                let kind = ProblemKind::MissingFile {
                    name: (*name).to_owned(),
                };
                session.report(Problem::in_rules(name, kind));
            }
        }
        session
    }

    /// SHA-256 over every file's name and contents, in name order: see [`content_hash`].
    pub(crate) fn content_hash(&self) -> String {
        content_hash(&self.files)
    }

    /// Parses the file `name` into `T`; `None` if it is absent, or unreadable (reported).
    pub(crate) fn parse<T: for<'de> serde::Deserialize<'de>>(
        &mut self,
        name: &'static str,
    ) -> Option<T> {
        let text = self.files.get(name)?;
        match syntax::parse(Input::RuleFile, name, text, Budget::RuleFile) {
            Ok(value) => Some(value),
            Err(problem) => {
                self.unreadable.insert(name);
                self.report(problem);
                None
            }
        }
    }

    /// Parses the file `name`, a list or mapping of items, into `T`, reporting the problems of
    /// every item that does not read; the items that read, `None` if it is absent or none read.
    /// A file some of whose items did not read is [`unreadable`](Self::unreadable): what refers
    /// into it cannot be checked.
    pub(crate) fn parse_items<T: syntax::Items>(&mut self, name: &'static str) -> Option<T> {
        let text = self.files.get(name)?;
        if self.required.contains(&name) && syntax::is_blank(text) {
            // A required file with nothing in it: one problem, not one per use of its contents.
            self.unreadable.insert(name);
            self.report(Problem::in_rules(name, ProblemKind::EmptyFile));
            return None;
        }
        let read = syntax::parse_items::<T>(name, item_word(name), text);
        if !read.complete {
            self.unreadable.insert(name);
        }
        self.problems.extend(read.problems);
        read.value
    }

    /// Notes on the first problem of the unreadable file `name` what could not be checked
    /// because of it.
    pub(crate) fn note_unchecked(&mut self, name: &str, what: &str) {
        if !self.unreadable.contains(name) {
            return;
        }
        let first = self.problems.iter_mut().find(|p| p.file() == Some(name));
        if let Some(problem) = first {
            problem.add_note(format!("{what} could not be checked until {name} reads"));
        }
    }

    /// Whether the file `name` is present but could not be parsed, or not all of it.
    pub(crate) fn unreadable(&self, name: &str) -> bool {
        self.unreadable.contains(name)
    }

    pub(crate) fn report(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Reports a problem in `file`, at `at`, about `item`.
    pub(crate) fn problem(
        &mut self,
        file: &str,
        at: Option<Position>,
        item: Option<Item>,
        kind: ProblemKind,
    ) {
        self.report(Problem::in_rules(file, kind).at(at).about(item));
    }

    /// The problems list, for a compiler to add to.
    pub(crate) fn problems(&mut self) -> &mut Vec<Problem> {
        &mut self.problems
    }

    pub(crate) fn problem_count(&self) -> usize {
        self.problems.len()
    }

    /// Fails with every problem found, if there is one.
    pub(crate) fn check(&mut self) -> Result<(), Error> {
        if self.problems.is_empty() {
            return Ok(());
        }
        for (name, text) in &self.files {
            syntax::fill_ends(&mut self.problems, name, text);
        }
        Err(Error::new(std::mem::take(&mut self.problems)))
    }
}

/// What one item of the file `name` is, in notes ("the rest of recommendation `r1` was not
/// checked").
fn item_word(name: &str) -> &'static str {
    match name {
        "facts.yaml" => "fact",
        "conditions.yaml" => "named condition",
        "principles.yaml" => "principle",
        "recommendations.yaml" => "recommendation",
        "services.yaml" => "service",
        _ => "item",
    }
}

/// SHA-256 over every file's name and contents, in name order, each length-prefixed so that no
/// two different sets of files hash alike; `sha256:` and 64 hex digits.
pub(crate) fn content_hash(files: &BTreeMap<&str, &str>) -> String {
    let mut hasher = Sha256::new();
    for (name, text) in files {
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for byte in digest.iter() {
        use std::fmt::Write as _;
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The ids of one kind of item, with their number and where each was first defined: to report
/// duplicates, resolve references and suggest the closest.
#[derive(Default)]
pub(crate) struct Names {
    seen: HashMap<String, (usize, Option<Position>)>,
    /// The ids, in the order recorded.
    order: Vec<String>,
}

impl Names {
    /// Records `id` as number `index`; on a duplicate, the problem.
    pub(crate) fn insert(
        &mut self,
        what: &str,
        id: &Spanned<String>,
        index: usize,
    ) -> Result<(), ProblemKind> {
        match self.seen.get(&id.value) {
            Some((_, first)) => Err(ProblemKind::DuplicateId {
                what: what.to_owned(),
                id: id.value.clone(),
                first_line: first.map_or(0, |p| p.line),
            }),
            None => {
                let at = syntax::position_of(id);
                self.seen.insert(id.value.clone(), (index, at));
                self.order.push(id.value.clone());
                Ok(())
            }
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<usize> {
        self.seen.get(id).map(|(i, _)| *i)
    }

    /// The ids, in the order recorded.
    pub(crate) fn in_order(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(String::as_str)
    }
}
