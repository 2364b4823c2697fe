//! Where a verb's guide, overlay and profiles come from: the arguments that name them (declared
//! here once, flattened into every verb), reading them, and the texts of the files their problems
//! point into. Nothing here writes anything: a verb says what went wrong through `diagnostics`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use practice_guide::{Error, Guide, PreparedProfile};

/// `--rules DIR` and `--overlay DIR`: the guide a verb works on, and a local offer on it.
///
/// `check` and `lint`, whose subject is the rules, take the folder as their first argument
/// instead ([`as_first_argument`]); `diff`, whose two guides are its arguments, takes only the
/// overlay ([`OverlayArg`]).
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct GuideArgs {
    /// A guide folder to use instead of the embedded guide.
    #[arg(long, value_name = "DIR")]
    pub(crate) rules: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) overlay: OverlayArg,
}

/// `--overlay DIR`: a local offer loaded onto the guide.
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct OverlayArg {
    /// An overlay folder (a local offer) to load onto the guide.
    #[arg(id = "overlay", long = "overlay", value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
}

/// `--rules` as a verb's first argument (`practice-guide check DIR`), for the verbs whose
/// subject is the guide's rules: `#[command(mut_arg("rules", sources::as_first_argument))]`.
pub(crate) fn as_first_argument(rules: clap::Arg) -> clap::Arg {
    rules.long(None).help(
        "The guide folder (guide.yaml, facts.yaml, recommendations.yaml, ...); the embedded \
         guide if none is given",
    )
}

/// Why a verb cannot use what it was given.
pub(crate) enum Refusal {
    /// A file that cannot be read, in a sentence: the verb cannot run.
    Unreadable(String),
    /// The problems in what was read (a folder that cannot be read among them), with the texts
    /// of the files they point into.
    Problems(Error, Texts),
}

impl GuideArgs {
    /// The guide: the folder given, or the embedded one; with the overlay if one is given.
    pub(crate) fn load(&self) -> Result<Guide, Refusal> {
        let guide = match &self.rules {
            Some(dir) => {
                Guide::from_dir(dir).map_err(|err| Refusal::Problems(err, Texts::of_folder(dir)))?
            }
            None => practice_guide::parenting_through_adversity().clone(),
        };
        match &self.overlay.dir {
            Some(dir) => guide
                .with_overlay_dir(dir)
                .map_err(|err| Refusal::Problems(err, Texts::of_folder(dir))),
            None => Ok(guide),
        }
    }

    /// The texts of the guide's and the overlay's files, for what the analysis finds in them.
    pub(crate) fn texts(&self) -> Texts {
        let mut texts = self
            .rules
            .as_deref()
            .map_or_else(Texts::embedded, Texts::of_folder);
        if let Some(overlay) = &self.overlay.dir {
            texts.add_overlay(overlay);
        }
        texts
    }
}

/// A family's profile from a file or (for `-`) standard input, bound to `guide`.
pub(crate) fn read_profile<'g>(
    guide: &'g Guide,
    path: &Path,
) -> Result<PreparedProfile<'g>, Refusal> {
    let (name, text) = profile_text(path).map_err(Refusal::Unreadable)?;
    guide.read_profile(&name, &text).map_err(|err| {
        let mut texts = Texts::default();
        texts.add(&name, &text);
        Refusal::Problems(err, texts)
    })
}

/// A profile's text, from a file or (for `-`) standard input, with the name problems give it.
fn profile_text(path: &Path) -> Result<(String, String), String> {
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

/// The YAML (and JSON) files of a folder, in name order.
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

    /// Remembers the case files of `dir`, named and shown by their path (as a case suite's
    /// problems name them).
    pub(crate) fn of_case_folder(dir: &Path) -> Texts {
        let mut texts = Texts::default();
        for path in yaml_files(dir).unwrap_or_default() {
            if let Ok(text) = std::fs::read_to_string(&path) {
                texts.add(&path.display().to_string(), &text);
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
