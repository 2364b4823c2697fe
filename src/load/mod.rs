//! Loading: rule files (the file-facing model of `src/syntax/`) checked against each other and
//! compiled into the model, once, with every problem in every file collected and located.
//!
//! - [`session`]: one loading session: the files, the folder check, parsing, problems, ids.
//! - [`facts`]: declaring facts; the shapes of names and patterns.
//! - [`operator`]: one operator's test, checked and compiled; a test described in words.
//! - [`condition`]: the condition compiler: combinators, named conditions, fact tests.
//! - [`references`]: sources, closed sets of words, links between rules, the ids results show.
//! - [`rules`]: recommendations and principles: ids, evidence and ratings, conditions, actions.
//! - [`guide`]: the phases of loading a guide folder.
//! - [`overlay`]: the phases of loading an overlay folder onto a loaded guide.

mod session;
mod facts;
mod operator;
mod condition;
mod references;
mod rules;
mod guide;
mod overlay;

use std::path::Path;

use crate::error::{Error, Input};
use crate::model::guide::Guide;
use crate::syntax;

impl Guide {
    /// Loads a guide from a folder of YAML files (`guide.yaml`, `facts.yaml`, `recommendations.yaml`
    /// and optionally `conditions.yaml` and `principles.yaml`). Files other than `*.yaml`/`*.yml`
    /// (a README, say) are ignored; an unexpected YAML file is an error.
    ///
    /// ```
    /// use practice_guide::Guide;
    /// let guide = Guide::from_dir("rules/parenting-through-adversity-0-10")?;
    /// assert_eq!(guide.id(), "parenting-through-adversity-0-10");
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Guide, Error> {
        let files = read_dir(dir.as_ref())?;
        guide::load(&files)
    }

    /// Loads a guide from in-memory files: `(file name, contents)` pairs, named as in a guide
    /// folder (`guide.yaml`, `facts.yaml`, ...). Two files of one name are an error.
    ///
    /// ```
    /// use practice_guide::Guide;
    /// let err = Guide::from_files([("guide.yaml", "id: x")]).unwrap_err();
    /// assert!(err.to_string().contains("missing file `facts.yaml`"));
    /// ```
    pub fn from_files<N, T>(files: impl IntoIterator<Item = (N, T)>) -> Result<Guide, Error>
    where
        N: AsRef<str>,
        T: AsRef<str>,
    {
        let files: Vec<(N, T)> = files.into_iter().collect();
        guide::load(&files)
    }

    /// Loads a local offer (an overlay folder: `overlay.yaml`, `services.yaml`, and optionally
    /// `facts.yaml` and `conditions.yaml`) onto this guide, returning a guide that evaluates
    /// with it. The overlay is checked against this guide; every problem is reported, each with
    /// file, line, column and service. The new guide shares this one's rules: loading costs what
    /// the overlay holds.
    ///
    /// ```
    /// use practice_guide::{FamilyProfile, Status};
    /// let guide = practice_guide::parenting_through_adversity()
    ///     .with_overlay_dir("rules/overlays/example-borough")?;
    /// assert!(guide.overlay().unwrap().metadata().fictional);
    /// let family = FamilyProfile::new()
    ///     .with("children_ages", ["age_3"])
    ///     .with("adversities", ["poverty"])
    ///     .with("service_level", "universal")
    ///     .with("postcode_district", "ZZ1");
    /// let evaluation = guide.evaluate(&family)?;
    /// let services: Vec<&str> = evaluation.recommendations()
    ///     .flat_map(|r| r.services())
    ///     .filter(|s| s.status() == Status::Applies)
    ///     .map(|s| s.id())
    ///     .collect();
    /// assert!(services.contains(&"toddler-talk-and-play"));
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn with_overlay_dir(&self, dir: impl AsRef<Path>) -> Result<Guide, Error> {
        let files = read_dir(dir.as_ref())?;
        overlay::load(self, &files)
    }

    /// Loads a local offer from in-memory files, `(file name, contents)`, named as in an overlay
    /// folder; see [`Guide::with_overlay_dir`].
    ///
    /// ```
    /// let guide = practice_guide::parenting_through_adversity();
    /// let err = guide.with_overlay_files([("overlay.yaml", "id: x")]).unwrap_err();
    /// assert!(err.to_string().contains("missing file `services.yaml`"));
    /// ```
    pub fn with_overlay_files<N, T>(
        &self,
        files: impl IntoIterator<Item = (N, T)>,
    ) -> Result<Guide, Error>
    where
        N: AsRef<str>,
        T: AsRef<str>,
    {
        let files: Vec<(N, T)> = files.into_iter().collect();
        overlay::load(self, &files)
    }
}

/// A folder's YAML files, each named by its file name.
fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, Error> {
    let files = syntax::read_dir(dir, Input::RuleFile, |path| {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    })?;
    Ok(files.into_iter().map(|f| (f.name(), f.text)).collect())
}
