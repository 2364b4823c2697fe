//! Evaluation: binding a profile to a guide (the one fallible step per family), then evaluating
//! the bound profile, which cannot fail.
//!
//! - [`bind`]: a [`FamilyProfile`], or a profile's text, checked against the vocabulary and
//!   bound into a [`PreparedProfile`] (one slot per fact).
//! - [`filter`]: evaluation options resolved once into a [`Filter`].
//! - [`reasons`]: one condition explained from the truth table: the tests that decided it, what
//!   is missing.
//! - [`services`]: an overlay's services under the recommendations they deliver, with fit flags.
//! - [`open`]: what is still open: residuals, the values that would decide a result, questions.
//! - [`explain`]: full results: every rule's status, evidence, reasons, missing facts, actions.
//! - [`statuses`]: statuses only, from the guide's compiled program, into a reused [`Statuses`].
//! - [`profile_schema`]: the JSON Schema of a profile for a guide, from its vocabulary.
//!
//! Everything one evaluation writes besides its result is a [`Cache`]'s: the caller's
//! (`*_with`), or one lent by the guide's pool.

mod bind;
pub(crate) mod filter;
pub(crate) mod reasons;
mod services;
pub(crate) mod open;
mod explain;
mod statuses;
mod profile_schema;

pub use filter::{EvaluationOptions, Filter};
pub use statuses::{RuleIndices, Statuses};

use crate::error::{Error, Input};
use crate::model::cache::Cache;
use crate::model::guide::Guide;
use crate::model::truth::Truth;
use crate::model::value::Slots;
use crate::profile::FamilyProfile;
use crate::result::Evaluation;
use crate::syntax::{Raw, Spanned};

/// A profile checked against one guide's vocabulary and bound to it: every fact name resolved,
/// every value turned into a small integer or bit set. Binding is the only string work, and the
/// only step that can fail; evaluating a prepared profile cannot.
///
/// A prepared profile borrows the guide that prepared it, and is evaluated by its own methods,
/// so it can never be read by another guide.
///
/// ```
/// use practice_guide::{FamilyProfile, Status};
/// let guide = practice_guide::parenting_through_adversity();
/// let family = FamilyProfile::new()
///     .with("children_ages", ["age_4"])
///     .with("adversities", ["poverty"]);
/// let prepared = guide.prepare(&family)?;
/// assert_eq!(prepared.statuses().scope(), Status::Applies);
/// let evaluation = prepared.evaluate();
/// assert_eq!(evaluation.scope().status(), Status::Applies);
/// # Ok::<(), practice_guide::Error>(())
/// ```
///
/// A caseload is a loop, reusing one [`Statuses`] (the caller-owned buffers, as
/// `regex-automata`'s `Cache`) for every family:
///
/// ```
/// use practice_guide::{FamilyProfile, Statuses, Status};
/// let guide = practice_guide::parenting_through_adversity();
/// let caseload = [1, 4, 12].map(|age| {
///     FamilyProfile::new()
///         .with("children_ages", [format!("age_{age}")])
///         .with("expecting_baby", false)
///         .with("adversities", ["poverty"])
/// });
/// let prepared = caseload.iter().map(|f| guide.prepare(f)).collect::<Result<Vec<_>, _>>()?;
/// let mut statuses = Statuses::new();
/// let mut in_scope = 0;
/// for family in &prepared {
///     family.statuses_into(&mut statuses);
///     in_scope += usize::from(statuses.scope() == Status::Applies);
/// }
/// assert_eq!(in_scope, 2);
/// # Ok::<(), practice_guide::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct PreparedProfile<'g> {
    guide: &'g Guide,
    slots: Slots,
}

impl<'g> PreparedProfile<'g> {
    /// The profile, bound.
    #[cfg_attr(not(any(test, feature = "analysis")), allow(dead_code))]
    pub(crate) fn slots(&self) -> &Slots {
        &self.slots
    }

    /// The guide that prepared the profile.
    pub fn guide(&self) -> &'g Guide {
        self.guide
    }

    /// Evaluates the profile against every recommendation and principle, with reasons, missing
    /// facts, actions, sources and (with an overlay) local services.
    pub fn evaluate(&self) -> Evaluation {
        self.guide
            .pool
            .with(|cache| explain::evaluate(self.guide, &self.slots, None, cache))
    }

    /// [`PreparedProfile::evaluate`] with the caller's `cache` (see [`Cache`]) rather than one
    /// lent by the guide.
    pub fn evaluate_with(&self, cache: &mut Cache) -> Evaluation {
        explain::evaluate(self.guide, &self.slots, None, cache)
    }

    /// Evaluates the profile, keeping only what `filter` keeps.
    ///
    /// ```
    /// use practice_guide::{EvaluationOptions, FamilyProfile};
    /// let guide = practice_guide::parenting_through_adversity();
    /// let strong = guide.filter(&EvaluationOptions::new().min_evidence("strong"))?;
    /// let family = guide.prepare(&FamilyProfile::new().with("children_ages", ["age_4"]))?;
    /// let evaluation = family.evaluate_filtered(&strong);
    /// assert!(evaluation.recommendations().all(|r| r.evidence().unwrap().id == "strong"));
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn evaluate_filtered(&self, filter: &Filter) -> Evaluation {
        let filter = Some(filter);
        self.guide
            .pool
            .with(|cache| explain::evaluate(self.guide, &self.slots, filter, cache))
    }

    /// Evaluates the profile into `evaluation`, a result of an earlier evaluation (of any
    /// profile, by this guide), reusing its lists: the same result as
    /// [`PreparedProfile::evaluate`], but a caseload evaluated into one result allocates nothing
    /// once its lists have grown (as [`PreparedProfile::statuses_into`] reuses a [`Statuses`]).
    ///
    /// ```
    /// use practice_guide::FamilyProfile;
    /// let guide = practice_guide::parenting_through_adversity();
    /// let caseload = [2, 7, 12].map(|age| FamilyProfile::new().with("children_ages", [format!("age_{age}")]));
    /// let prepared = caseload.iter().map(|f| guide.prepare(f)).collect::<Result<Vec<_>, _>>()?;
    /// let mut evaluation = prepared[0].evaluate();
    /// for family in &prepared {
    ///     family.evaluate_into(&mut evaluation);
    ///     assert_eq!(evaluation, family.evaluate());
    ///     // ... serialize it, count it, send it ...
    /// }
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn evaluate_into(&self, evaluation: &mut Evaluation) {
        self.guide
            .pool
            .with(|cache| self.evaluate_into_with(cache, None, evaluation));
    }

    /// [`PreparedProfile::evaluate_filtered`] into an earlier result, as
    /// [`PreparedProfile::evaluate_into`].
    pub fn evaluate_filtered_into(&self, filter: &Filter, evaluation: &mut Evaluation) {
        self.guide
            .pool
            .with(|cache| self.evaluate_into_with(cache, Some(filter), evaluation));
    }

    /// Evaluates the profile, keeping what `filter` keeps (everything for `None`), into an
    /// earlier result with the caller's `cache`: the loop of a caseload that allocates nothing
    /// once the result's lists and the cache have grown.
    ///
    /// ```
    /// use practice_guide::{Cache, FamilyProfile};
    /// let guide = practice_guide::parenting_through_adversity();
    /// let caseload = [2, 7].map(|age| FamilyProfile::new().with("children_ages", [format!("age_{age}")]));
    /// let prepared = caseload.iter().map(|f| guide.prepare(f)).collect::<Result<Vec<_>, _>>()?;
    /// let (mut cache, mut evaluation) = (Cache::new(), prepared[0].evaluate());
    /// for family in &prepared {
    ///     family.evaluate_into_with(&mut cache, None, &mut evaluation);
    ///     assert_eq!(evaluation, family.evaluate());
    /// }
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn evaluate_into_with(
        &self,
        cache: &mut Cache,
        filter: Option<&Filter>,
        evaluation: &mut Evaluation,
    ) {
        explain::evaluate_into(self.guide, &self.slots, filter, cache, evaluation);
    }

    /// The statuses of every rule, in a new [`Statuses`]. To evaluate many profiles, reuse one
    /// with [`PreparedProfile::statuses_into`] instead.
    pub fn statuses(&self) -> Statuses {
        let mut statuses = Statuses::new();
        self.statuses_into(&mut statuses);
        statuses
    }

    /// Computes the status of every recommendation and principle (and of the scope) into
    /// `statuses`, reusing its buffers: exactly the statuses of [`PreparedProfile::evaluate`],
    /// without reasons, from the guide's compiled program. It allocates nothing once `statuses`
    /// has grown to the guide's size.
    pub fn statuses_into(&self, statuses: &mut Statuses) {
        self.guide
            .pool
            .with(|cache| self.statuses_with(cache, statuses));
    }

    /// [`PreparedProfile::statuses_into`] with the caller's `cache`: the fastest way through a
    /// caseload.
    ///
    /// ```
    /// use practice_guide::{Cache, FamilyProfile, Statuses, Status};
    /// let guide = practice_guide::parenting_through_adversity();
    /// let family = guide.prepare(&FamilyProfile::new().with("children_ages", ["age_4"]))?;
    /// let (mut cache, mut statuses) = (Cache::new(), Statuses::new());
    /// family.statuses_with(&mut cache, &mut statuses);
    /// assert_eq!(statuses, family.statuses());
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn statuses_with(&self, cache: &mut Cache, statuses: &mut Statuses) {
        statuses.compute(self.guide, &self.slots, &mut cache.program);
    }

    /// What each test written in the guide's files (then the overlay's) is for this profile.
    pub(crate) fn test_truths(&self) -> Vec<Truth> {
        let layers = self.guide.layers();
        layers
            .sites()
            .map(|site| layers.test(site.test).1.truth(self.slots.get(site.fact)))
            .collect()
    }

    /// The truth of every test and node of the guide's arenas for this profile.
    pub(crate) fn table(&self) -> crate::model::arena::Table {
        let mut table = crate::model::arena::Table::default();
        table.fill(self.guide.layers(), &self.slots);
        table
    }

    /// The value the profile gives `fact` (unknown when it gives none).
    pub(crate) fn slot(&self, fact: crate::ids::FactId) -> &crate::model::value::Slot {
        self.slots.get(fact)
    }

    /// The profile as facts by name: what was bound, back in the caller's terms.
    pub fn to_profile(&self) -> FamilyProfile {
        bind::to_profile(self.guide.vocab(), &self.slots)
    }
}

impl Guide {
    /// Checks a profile against the vocabulary and binds it for evaluation (see
    /// [`PreparedProfile`]). Fails if the profile does not fit the vocabulary (an unknown fact, a
    /// value outside its range or declared values), naming every problem.
    pub fn prepare(&self, profile: &FamilyProfile) -> Result<PreparedProfile<'_>, Error> {
        let slots = bind::bind(self.vocab(), profile)?;
        Ok(PreparedProfile { guide: self, slots })
    }

    /// Reads a profile from YAML (or JSON) text and binds it. `origin` names the text in
    /// messages (e.g. its file name). Every problem is reported, each with its line and column.
    ///
    /// ```
    /// let guide = practice_guide::parenting_through_adversity();
    /// let err = guide.read_profile("family.yaml", "servce_level: family_help\n").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "family.yaml:1:1: unknown fact `servce_level` (did you mean `service_level`?)"
    /// );
    /// ```
    pub fn read_profile(&self, origin: &str, text: &str) -> Result<PreparedProfile<'_>, Error> {
        let slots = bind::read(self.vocab(), origin, text, bind::Syntax::Yaml)?;
        Ok(PreparedProfile { guide: self, slots })
    }

    /// Reads a profile from JSON text, strictly (text that is YAML but not JSON is refused), and
    /// binds it; problems are located as [`Guide::read_profile`] locates them. For a service's
    /// JSON endpoint.
    ///
    /// ```
    /// let guide = practice_guide::parenting_through_adversity();
    /// assert!(guide.read_profile_json("body", r#"{"children_ages": ["age_3"]}"#).is_ok());
    /// assert!(guide.read_profile_json("body", "children_ages: [age_3]").is_err());
    /// ```
    pub fn read_profile_json(
        &self,
        origin: &str,
        text: &str,
    ) -> Result<PreparedProfile<'_>, Error> {
        let slots = bind::read(self.vocab(), origin, text, bind::Syntax::Json)?;
        Ok(PreparedProfile { guide: self, slots })
    }

    /// Binds a profile read as a YAML value (a case file's `profile:`), its problems reported as
    /// in `input`.
    pub(crate) fn prepare_raw(
        &self,
        input: Input,
        origin: &str,
        root: Spanned<Raw>,
    ) -> Result<PreparedProfile<'_>, Error> {
        let slots = bind::from_raw(self.vocab(), input, origin, root)?;
        Ok(PreparedProfile { guide: self, slots })
    }

    /// Evaluates a profile against every recommendation and principle: [`Guide::prepare`], then
    /// [`PreparedProfile::evaluate`].
    ///
    /// ```
    /// use practice_guide::{FamilyProfile, Status};
    /// let guide = practice_guide::parenting_through_adversity();
    /// let family = FamilyProfile::new()
    ///     .with("children_ages", ["age_4"])
    ///     .with("service_level", "edge_of_care")
    ///     .with("adversities", ["substance_misuse"]);
    /// let evaluation = guide.evaluate(&family)?;
    /// assert_eq!(evaluation.recommendations().next().unwrap().status(), Status::Applies);
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn evaluate(&self, profile: &FamilyProfile) -> Result<Evaluation, Error> {
        Ok(self.prepare(profile)?.evaluate())
    }
}
