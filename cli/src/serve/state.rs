//! The guide a service answers with: loaded once with everything a request needs (its
//! counterfactuals, its own JSON), shared by every request, and swapped whole by a reload.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use practice_guide::analysis::Counterfactuals;
use practice_guide::{Error, Guide};

use super::log;
use crate::sources::Texts;

/// Where the rules come from, re-read on each reload.
#[derive(Debug, Clone)]
pub(crate) struct Sources {
    pub(crate) rules: Option<PathBuf>,
    pub(crate) overlay: Option<PathBuf>,
}

impl Sources {
    /// Loads the guide (and overlay), and builds what every request will read.
    pub(crate) fn load(&self) -> Result<Loaded, Error> {
        let guide = match &self.rules {
            Some(dir) => Guide::from_dir(dir)?,
            None => practice_guide::parenting_through_adversity().clone(),
        };
        let guide = match &self.overlay {
            Some(dir) => guide.with_overlay_dir(dir)?,
            None => guide,
        };
        Ok(Loaded::build(guide))
    }

    /// The rule files' texts, for showing problems on their lines.
    pub(crate) fn texts(&self) -> Texts {
        let mut texts = match &self.rules {
            Some(dir) => Texts::of_folder(dir),
            None => Texts::embedded(),
        };
        if let Some(dir) = &self.overlay {
            texts.add_overlay(dir);
        }
        texts
    }
}

/// What a loaded guide brings: the guide and its JSON description.
pub(crate) struct Owner {
    guide: Guide,
    described: String,
}

self_cell::self_cell!(
    /// A loaded guide with its counterfactuals (which borrow it), built once per load.
    pub(crate) struct Loaded {
        owner: Owner,
        #[covariant]
        dependent: Counterfactuals,
    }
);

impl Loaded {
    fn build(guide: Guide) -> Loaded {
        // A guide always serializes; an empty description would only show as such.
        let described = serde_json::to_string(&guide).unwrap_or_default();
        Loaded::new(Owner { guide, described }, |owner| {
            owner.guide.counterfactuals()
        })
    }

    /// The guide.
    pub(crate) fn guide(&self) -> &Guide {
        &self.borrow_owner().guide
    }

    /// The guide's JSON description (`GET /guide`).
    pub(crate) fn described(&self) -> &str {
        &self.borrow_owner().described
    }

    /// What would change each result, over the guide's profile space.
    pub(crate) fn counterfactuals(&self) -> &Counterfactuals<'_> {
        self.borrow_dependent()
    }
}

/// The service's state: the guide serving now, where it came from, and the access token.
pub(crate) struct App {
    sources: Sources,
    current: RwLock<Arc<Loaded>>,
    /// One reload at a time.
    reloading: Mutex<()>,
    token: Option<String>,
}

/// How a reload went.
pub(crate) enum Reload {
    /// The new guide serves from now on (and the one it replaced).
    Done(Arc<Loaded>, Arc<Loaded>),
    /// The folder did not load: its problems, and the guide that keeps serving.
    Refused(Error, Arc<Loaded>),
}

impl App {
    pub(crate) fn new(sources: Sources, loaded: Loaded, token: Option<String>) -> App {
        App {
            sources,
            current: RwLock::new(Arc::new(loaded)),
            reloading: Mutex::new(()),
            token,
        }
    }

    /// The guide serving now; a request keeps the one it started with.
    pub(crate) fn current(&self) -> Arc<Loaded> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The access token, if one is configured.
    pub(crate) fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Re-reads the rules; on success the new guide serves, else the old one goes on.
    pub(crate) fn reload(&self) -> Reload {
        let _one_at_a_time = self
            .reloading
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match self.sources.load() {
            Ok(loaded) => {
                let loaded = Arc::new(loaded);
                let previous = std::mem::replace(
                    &mut *self.current.write().unwrap_or_else(PoisonError::into_inner),
                    Arc::clone(&loaded),
                );
                log(&format!(
                    "reloaded: now serving content hash {}",
                    loaded.guide().content_hash()
                ));
                Reload::Done(loaded, previous)
            }
            Err(err) => {
                let current = self.current();
                log(&format!(
                    "reload refused ({} problem(s) in the rules); still serving content hash {}",
                    err.problems().len(),
                    current.guide().content_hash()
                ));
                Reload::Refused(err, current)
            }
        }
    }
}
