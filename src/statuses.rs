//! The fast path: a profile bound once ([`PreparedProfile`]), the statuses of every rule without
//! explanations ([`Statuses`]), and whole caseloads in one call.
//!
//! [`Guide::evaluate`] explains every rule: reasons, missing facts, actions, sources. A case
//! system that only needs to know *which* recommendations apply (a badge on every page view, a
//! count over a caseload) can skip all of that: bind the profile once with [`Guide::prepare`], then
//! ask for [`Guide::statuses_into`], which reads only the guide's compiled program (see
//! `src/program.rs`) and writes two bit sets into a reused [`Statuses`]. Both paths compute the
//! same statuses; the full one is still there, on the same prepared profile, when a caller wants
//! the reasons ([`Guide::evaluate_prepared`]).

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Problem, ProblemKind};
use crate::evaluation::{Evaluation, Status};
use crate::guide::Guide;
use crate::profile::{Facts, FamilyProfile};
use crate::program::{Output, Scratch};

/// A profile checked against one guide's vocabulary and bound to it: every fact name resolved,
/// every value turned into a small integer or bit set. Binding is the only string work an
/// evaluation does; a prepared profile can be evaluated any number of times.
///
/// A prepared profile belongs to the guide that prepared it (or a clone of that guide); other
/// guides refuse it with an error rather than misread it.
///
/// ```
/// use practice_guide::{FamilyProfile, Status};
/// let guide = practice_guide::parenting_through_adversity();
/// let family = FamilyProfile::new()
///     .with("children_ages", ["age_4"])
///     .with("adversities", ["poverty"]);
/// let prepared = guide.prepare(&family)?;
/// let statuses = guide.statuses(&prepared)?;
/// assert_eq!(statuses.scope(), Status::Applies);
/// # Ok::<(), practice_guide::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct PreparedProfile {
    guide: u64,
    pub(crate) facts: Facts,
}

/// The status of every recommendation and principle of a guide for one profile, without
/// explanations: what [`Guide::statuses_into`] computes.
///
/// Rules are numbered by their position in the guide ([`Guide::recommendations`] and
/// [`Guide::principles`] order). Evaluation options do not apply here: every rule has a status.
/// A `Statuses` keeps its buffers between calls, so reusing one allocates nothing once it has
/// grown to the guide's size.
#[derive(Debug, Clone, Default)]
pub struct Statuses {
    scope: Option<Status>,
    recommendations: usize,
    principles: usize,
    /// One bit per rule: recommendations, then principles.
    applies: Vec<u64>,
    undetermined: Vec<u64>,
    scratch: Scratch,
}

impl Statuses {
    /// Empty statuses, to be filled by [`Guide::statuses_into`].
    pub fn new() -> Statuses {
        Statuses::default()
    }

    /// Whether the family is within the guide's scope; `DoesNotApply` before the first
    /// evaluation. (Outside the scope no rule applies.)
    pub fn scope(&self) -> Status {
        self.scope.unwrap_or(Status::DoesNotApply)
    }

    /// The status of the recommendation at `index` (guide order); `None` past the end.
    pub fn recommendation(&self, index: usize) -> Option<Status> {
        (index < self.recommendations).then(|| self.status_of(index))
    }

    /// The status of the principle at `index` (guide order); `None` past the end.
    pub fn principle(&self, index: usize) -> Option<Status> {
        (index < self.principles).then(|| self.status_of(self.recommendations + index))
    }

    /// The indices (guide order, ascending) of the recommendations with `status`.
    ///
    /// ```
    /// use practice_guide::{FamilyProfile, Status};
    /// let guide = practice_guide::parenting_through_adversity();
    /// let family = FamilyProfile::new()
    ///     .with("children_ages", ["age_4"])
    ///     .with("service_level", "edge_of_care")
    ///     .with("adversities", ["substance_misuse"]);
    /// let statuses = guide.statuses(&guide.prepare(&family)?)?;
    /// for index in statuses.recommendations(Status::Applies) {
    ///     let rule = guide.recommendations().nth(index).unwrap();
    ///     println!("{}", rule.title());
    /// }
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn recommendations(&self, status: Status) -> RuleIndices<'_> {
        self.indices(status, 0, self.recommendations)
    }

    /// The indices (guide order, ascending) of the principles with `status`.
    pub fn principles(&self, status: Status) -> RuleIndices<'_> {
        self.indices(status, self.recommendations, self.principles)
    }

    fn status_of(&self, rule: usize) -> Status {
        let bit = |set: &[u64]| {
            set.get(rule / 64)
                .is_some_and(|w| w >> (rule % 64) & 1 == 1)
        };
        if bit(&self.applies) {
            Status::Applies
        } else if bit(&self.undetermined) {
            Status::Undetermined
        } else {
            Status::DoesNotApply
        }
    }

    fn indices(&self, status: Status, first: usize, len: usize) -> RuleIndices<'_> {
        RuleIndices {
            statuses: self,
            status,
            next: first,
            end: first + len,
            first,
        }
    }

    fn word(&self, status: Status, word: usize) -> u64 {
        let a = self.applies.get(word).copied().unwrap_or(0);
        let u = self.undetermined.get(word).copied().unwrap_or(0);
        match status {
            Status::Applies => a,
            Status::Undetermined => u,
            Status::DoesNotApply => !(a | u),
        }
    }
}

/// The indices of the rules with one status, ascending: see [`Statuses::recommendations`].
/// Counting them (`.count()`) counts bits, without visiting each rule.
#[derive(Debug, Clone)]
pub struct RuleIndices<'s> {
    statuses: &'s Statuses,
    status: Status,
    /// Next rule number to look at (recommendations, then principles).
    next: usize,
    end: usize,
    /// Number of the first rule of this kind, subtracted from what the iterator yields.
    first: usize,
}

impl RuleIndices<'_> {
    /// The bits of word `w` that are within `next..end` and have the status.
    fn masked(&self, word: usize) -> u64 {
        let mut bits = self.statuses.word(self.status, word);
        let lo = word * 64;
        if self.next > lo {
            bits &= u64::MAX.checked_shl((self.next - lo) as u32).unwrap_or(0);
        }
        if self.end < lo + 64 {
            bits &= !u64::MAX.checked_shl((self.end - lo) as u32).unwrap_or(0);
        }
        bits
    }
}

impl Iterator for RuleIndices<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.next < self.end {
            let word = self.next / 64;
            let bits = self.masked(word);
            if bits == 0 {
                self.next = (word + 1) * 64;
                continue;
            }
            let rule = word * 64 + bits.trailing_zeros() as usize;
            self.next = rule + 1;
            return Some(rule - self.first);
        }
        self.next = self.end;
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.clone().count();
        (n, Some(n))
    }

    fn count(self) -> usize {
        if self.next >= self.end {
            return 0;
        }
        (self.next / 64..=(self.end - 1) / 64)
            .map(|w| self.masked(w).count_ones() as usize)
            .sum()
    }
}

impl ExactSizeIterator for RuleIndices<'_> {}

/// Gives every loaded guide its own number, so that a prepared profile can tell its guide.
static NEXT_GUIDE: AtomicU64 = AtomicU64::new(1);

pub(crate) fn new_guide_key() -> u64 {
    NEXT_GUIDE.fetch_add(1, Ordering::Relaxed)
}

impl Guide {
    /// Checks a profile against the vocabulary and binds it for evaluation (see
    /// [`PreparedProfile`]). Fails as [`Guide::evaluate`] does, naming every problem.
    pub fn prepare(&self, profile: &FamilyProfile) -> Result<PreparedProfile, Error> {
        Ok(PreparedProfile {
            guide: self.key,
            facts: Facts::bind(&self.vocabulary, profile, "profile")?,
        })
    }

    /// The statuses of every rule for a prepared profile, in a new [`Statuses`]. To evaluate
    /// many profiles, reuse one with [`Guide::statuses_into`] instead.
    pub fn statuses(&self, profile: &PreparedProfile) -> Result<Statuses, Error> {
        let mut statuses = Statuses::new();
        self.statuses_into(profile, &mut statuses)?;
        Ok(statuses)
    }

    /// Computes the status of every recommendation and principle (and of the scope) for a
    /// prepared profile into `statuses`, reusing its buffers. The statuses are exactly those of
    /// [`Guide::evaluate`] (without evaluation options); no reasons or missing facts are
    /// computed.
    ///
    /// Fails only if the profile was prepared by another guide.
    ///
    /// ```
    /// use practice_guide::{FamilyProfile, Statuses, Status};
    /// let guide = practice_guide::parenting_through_adversity();
    /// let mut statuses = Statuses::new();
    /// for age in [1, 4, 12] {
    ///     let family = FamilyProfile::new()
    ///         .with("children_ages", [format!("age_{age}")])
    ///         .with("expecting_baby", false)
    ///         .with("adversities", ["poverty"]);
    ///     let family = guide.prepare(&family)?;
    ///     guide.statuses_into(&family, &mut statuses)?;
    ///     let in_scope = statuses.scope() == Status::Applies;
    ///     assert_eq!(in_scope, age <= 10);
    /// }
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn statuses_into(
        &self,
        profile: &PreparedProfile,
        statuses: &mut Statuses,
    ) -> Result<(), Error> {
        self.check_owner(profile)?;
        let Statuses {
            applies,
            undetermined,
            scratch,
            ..
        } = statuses;
        let scope = self.program.run(
            &profile.facts,
            scratch,
            Output {
                applies,
                undetermined,
            },
        );
        statuses.scope = Some(match scope {
            2 => Status::Applies,
            1 => Status::Undetermined,
            _ => Status::DoesNotApply,
        });
        statuses.recommendations = self.recommendations.len();
        statuses.principles = self.principles.len();
        Ok(())
    }

    /// Evaluates a prepared profile with full explanations: the same result as
    /// [`Guide::evaluate`] on the profile it was prepared from.
    ///
    /// Fails only if the profile was prepared by another guide.
    pub fn evaluate_prepared(&self, profile: &PreparedProfile) -> Result<Evaluation<'_>, Error> {
        self.check_owner(profile)?;
        Ok(self.evaluate_facts(&profile.facts, &Default::default()))
    }

    /// The statuses of a whole caseload: `out` is resized to one [`Statuses`] per profile, in
    /// input order, reusing the buffers of the `Statuses` already in it.
    ///
    /// Fails if any profile was prepared by another guide (then `out` is left as it was).
    ///
    /// ```
    /// use practice_guide::{FamilyProfile, Status};
    /// let guide = practice_guide::parenting_through_adversity();
    /// let families = [1, 4, 12].map(|age| {
    ///     FamilyProfile::new()
    ///         .with("children_ages", [format!("age_{age}")])
    ///         .with("adversities", ["poverty"])
    /// });
    /// let caseload = families.iter().map(|f| guide.prepare(f)).collect::<Result<Vec<_>, _>>()?;
    /// let mut out = Vec::new();
    /// guide.statuses_of_caseload(&caseload, &mut out)?;
    /// assert_eq!(out.len(), 3);
    /// for (family, statuses) in families.iter().zip(&out) {
    ///     assert_eq!(statuses.scope(), guide.evaluate(family)?.scope.status);
    /// }
    /// assert_eq!(out[0].scope(), Status::Applies);
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn statuses_of_caseload(
        &self,
        profiles: &[PreparedProfile],
        out: &mut Vec<Statuses>,
    ) -> Result<(), Error> {
        for profile in profiles {
            self.check_owner(profile)?;
        }
        out.truncate(profiles.len());
        out.resize_with(profiles.len(), Statuses::new);
        // One scratch for the whole caseload; each result keeps only its bit sets.
        let mut scratch = out
            .first_mut()
            .map(|s| std::mem::take(&mut s.scratch))
            .unwrap_or_default();
        for (profile, statuses) in profiles.iter().zip(out.iter_mut()) {
            std::mem::swap(&mut statuses.scratch, &mut scratch);
            self.statuses_into(profile, statuses)?;
            std::mem::swap(&mut statuses.scratch, &mut scratch);
        }
        if let Some(first) = out.first_mut() {
            first.scratch = scratch;
        }
        Ok(())
    }

    /// Evaluates a whole caseload with full explanations, one result per profile in input order;
    /// a profile that does not fit the vocabulary gets its error without stopping the others.
    pub fn evaluate_caseload(
        &self,
        profiles: &[FamilyProfile],
    ) -> Vec<Result<Evaluation<'_>, Error>> {
        let options = Default::default();
        let mut facts = Facts::empty();
        profiles
            .iter()
            .map(|profile| {
                facts.rebind(&self.vocabulary, profile, "profile")?;
                Ok(self.evaluate_facts(&facts, &options))
            })
            .collect()
    }

    fn check_owner(&self, profile: &PreparedProfile) -> Result<(), Error> {
        if profile.guide == self.key {
            Ok(())
        } else {
            Err(Error::new(vec![Problem::new(
                "profile",
                ProblemKind::Invalid(format!(
                    "this prepared profile was prepared by another guide; prepare it with `{}`",
                    self.id()
                )),
            )]))
        }
    }
}
