//! Where a verb's guide, overlay and profiles come from, and the files a problem can point into.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use practice_guide::{Error, Guide, Input, ProblemKind};

use crate::Outcome;
use crate::diagnostics::{Format, report};

/// The texts of the files problems may name, by the name a problem gives them, for snippets.
#[derive(Default)]
pub(crate) struct Texts {
    /// By the name a problem gives the file: the path to show, and the text.
    files: BTreeMap<String, (String, String)>,
    /// The folder the files come from, shown for a problem with the folder as a whole.
    folder: Option<String>,
}

impl Texts {
    /// Remembers the YAML files of `dir`, named by their file name (as a guide folder's problems
    /// name them) and shown by their path (so that an editor or terminal can open them).
    pub(crate) fn of_folder(dir: &Path) -> Texts {
        let mut texts = Texts {
            folder: Some(dir.display().to_string()),
            ..Texts::default()
        };
        if let Ok(entries) = std::fs::read_dir(dir) {
            for path in entries.flatten().map(|e| e.path()) {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                if let (Some(name), Ok(text)) = (name, std::fs::read_to_string(&path)) {
                    texts.files.insert(name, (path.display().to_string(), text));
                }
            }
        }
        texts
    }

    /// The embedded guide's files, shown by the path they have in the repository.
    pub(crate) fn embedded() -> Texts {
        let mut texts = Texts::default();
        for (name, text) in practice_guide::PARENTING_THROUGH_ADVERSITY_FILES {
            let path = format!(
                "rules/{}/{name}",
                practice_guide::PARENTING_THROUGH_ADVERSITY_ID
            );
            texts.files.insert(name.to_owned(), (path, text.to_owned()));
        }
        texts
    }

    /// Remembers an overlay folder's own files (`overlay.yaml`, `services.yaml`), which findings
    /// name as a guide's files are named. (An overlay's `facts.yaml` and `conditions.yaml` share
    /// their names with the guide's, so they are shown from the guide's folder.)
    pub(crate) fn add_overlay(&mut self, dir: &Path) {
        for name in ["overlay.yaml", "services.yaml"] {
            let path = dir.join(name);
            if let Ok(text) = std::fs::read_to_string(&path) {
                self.files
                    .insert(name.to_owned(), (path.display().to_string(), text));
            }
        }
    }

    /// Remembers one text under the name problems give it.
    pub(crate) fn add(&mut self, name: &str, text: &str) {
        self.files
            .insert(name.to_owned(), (name.to_owned(), text.to_owned()));
    }

    /// The text of the file a problem names.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(|(_, text)| text.as_str())
    }

    /// The folder to show for a problem that names no file.
    pub(crate) fn folder(&self) -> Option<&str> {
        self.folder.as_deref()
    }

    /// The path to show for the file a problem names (the name itself if it is not known).
    pub(crate) fn path<'a>(&'a self, name: &'a str) -> &'a str {
        self.files.get(name).map_or(name, |(path, _)| path.as_str())
    }
}

/// The guide a verb works on: the folder given, or the embedded one; with an overlay if given.
/// Problems are reported (in `format`) and end the verb.
pub(crate) fn guide(
    rules: Option<&Path>,
    overlay: Option<&Path>,
    format: Format,
) -> Result<Guide, Outcome> {
    let guide = match rules {
        Some(dir) => {
            Guide::from_dir(dir).map_err(|err| fail(&err, &Texts::of_folder(dir), format))?
        }
        None => practice_guide::parenting_through_adversity().clone(),
    };
    match overlay {
        Some(dir) => guide
            .with_overlay_dir(dir)
            .map_err(|err| fail(&err, &Texts::of_folder(dir), format)),
        None => Ok(guide),
    }
}

/// Reports `err` and says how the verb ends: an I/O error (a folder or file that cannot be
/// read) is a failure to run, anything else problems found.
pub(crate) fn fail(err: &Error, texts: &Texts, format: Format) -> Outcome {
    report(err, texts, format);
    outcome_of(err)
}

pub(crate) fn outcome_of(err: &Error) -> Outcome {
    // A folder that cannot be read, or is not a guide's or an overlay's: the wrong path given.
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

/// A profile's text, from a file or (for `-`) standard input, with the name problems give it.
pub(crate) fn profile_text(path: &Path) -> Result<(String, String), String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(("<stdin>".to_owned(), text));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok((path.display().to_string(), text))
}

/// The YAML files of a folder, in name order.
pub(crate) fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .collect();
    paths.sort();
    Ok(paths)
}

/// Says a usage or I/O error on stderr, and ends the verb with 2.
pub(crate) fn failed(message: &str) -> Outcome {
    eprintln!("error: {message}");
    Outcome::Failed
}
