//! Statuses only: which rules apply, without explanations, for a system that only needs to know
//! *which* recommendations apply (a badge on every page view, a count over a caseload).
//! [`PreparedProfile::statuses_into`](crate::PreparedProfile::statuses_into) reads only the
//! guide's compiled program (`src/model/program.rs`) and writes two bit sets into a reused
//! [`Statuses`]. Both paths compute the same statuses (a test checks it rule by rule).

use crate::model::guide::Guide;
use crate::model::program::{Output, Scratch};
use crate::model::value::Slots;
use crate::result::Status;

/// The status of every recommendation and principle of a guide for one profile, without
/// explanations: what [`PreparedProfile::statuses_into`](crate::PreparedProfile::statuses_into)
/// computes.
///
/// Rules are numbered by their position in the guide ([`Guide::recommendations`] and
/// [`Guide::principles`] order). Evaluation options do not apply here: every rule has a status.
/// A `Statuses` is two bit sets and nothing else (the scratch of computing them is a
/// [`Cache`](crate::Cache)'s); reusing one allocates nothing once it has grown to the guide's
/// size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statuses {
    scope: Option<Status>,
    recommendations: usize,
    principles: usize,
    /// One bit per rule: recommendations, then principles.
    applies: Vec<u64>,
    undetermined: Vec<u64>,
}

impl Statuses {
    /// Empty statuses, to be filled by
    /// [`PreparedProfile::statuses_into`](crate::PreparedProfile::statuses_into).
    pub fn new() -> Statuses {
        Statuses::default()
    }

    /// Runs `guide`'s program on `slots` with `scratch`, reusing the bit sets.
    pub(super) fn compute(&mut self, guide: &Guide, slots: &Slots, scratch: &mut Scratch) {
        let Statuses {
            applies,
            undetermined,
            ..
        } = self;
        let core = &guide.core;
        let out = Output {
            applies,
            undetermined,
        };
        let scope = core.program.run(&core.arena, slots, scratch, out);
        self.scope = Some(Status::from_truth(scope));
        self.recommendations = core.recommendations.len();
        self.principles = core.principles.len();
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
    /// let statuses = guide.prepare(&family)?.statuses();
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
