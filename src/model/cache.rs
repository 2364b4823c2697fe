//! The caller-owned scratch of evaluation, and the pool a guide keeps of it.
//!
//! A [`Guide`](crate::Guide) is immutable and shared; what one evaluation writes besides its
//! result (a profile's truth table, the tests that decided a condition, the statuses program's
//! literals) lives in a [`Cache`], as `regex-automata`'s `meta::Regex` keeps its scratch in a
//! `Cache`: a caller that evaluates many profiles keeps one and passes it in
//! ([`PreparedProfile::evaluate_with`](crate::PreparedProfile::evaluate_with)), and a loop
//! allocates nothing once it has grown. The convenience methods take one from a small pool
//! inside the guide and give it back, so memory grows with the number of evaluations running
//! at once, never with the number of threads that ever evaluated.

use std::cmp::Reverse;
use std::sync::Mutex;

use super::arena::{Table, Visit};
use super::program::Scratch;
use super::truth::Truth;
use super::value::FactId;

/// The scratch space of evaluations: reuse one across the profiles of a caseload.
///
/// A cache holds no result and nothing of a family once an evaluation has returned but
/// buffers to be written over; it can be used with any guide (it grows to the largest).
///
/// ```
/// use practice_guide::{Cache, FamilyProfile};
/// let guide = practice_guide::parenting_through_adversity();
/// let mut cache = Cache::new();
/// for age in ["age_1", "age_6"] {
///     let family = guide.prepare(&FamilyProfile::new().with("children_ages", [age]))?;
///     let evaluation = family.evaluate_with(&mut cache);
///     assert_eq!(evaluation, family.evaluate());
/// }
/// # Ok::<(), practice_guide::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Cache {
    /// The truth of every test and node of the guide's arenas.
    pub(crate) table: Table,
    pub(crate) lists: Lists,
    /// The statuses program's literals, stack and accumulators.
    pub(crate) program: Scratch,
    /// How long each of a result's lists grew in the last evaluation with this cache: a new
    /// result is allocated at that size once, rather than grown step by step.
    pub(crate) result_lengths: ResultLengths,
}

/// The lengths of a result's flat lists (see `result::Data`), in its order of fields.
pub(crate) type ResultLengths = [usize; RESULT_LISTS];

/// How many flat lists a result has.
pub(crate) const RESULT_LISTS: usize = 11;

/// The lists one evaluation's walks write and clear.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lists {
    /// The tests that decided one condition.
    pub(crate) visits: Vec<Visit>,
    /// The unknown facts among them.
    pub(crate) unknown: Vec<FactId>,
    /// The rules kept, in the order results are read: applying first, then undetermined
    /// (truth, descending), then by evidence rank, then in guide order (index).
    pub(crate) order: Vec<(Reverse<Truth>, usize, usize)>,
}

impl Cache {
    /// An empty cache; it grows to a guide's size on first use.
    pub fn new() -> Cache {
        Cache::default()
    }
}

/// The most caches a pool keeps: more evaluations than this running at once make caches of
/// their own, dropped after use.
const POOL_SIZE: usize = 64;

/// The caches a guide lends to its convenience methods.
#[derive(Debug, Default)]
pub(crate) struct Pool(Mutex<Vec<Cache>>);

impl Pool {
    /// Runs `f` with a cache from the pool (a new one if none is free), then returns the cache.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Cache) -> R) -> R {
        // A poisoned lock (a panic elsewhere while it was held) only means a cache is lost.
        let mut cache = self
            .0
            .lock()
            .ok()
            .and_then(|mut c| c.pop())
            .unwrap_or_default();
        let result = f(&mut cache);
        if let Ok(mut caches) = self.0.lock()
            && caches.len() < POOL_SIZE
        {
            caches.push(cache);
        }
        result
    }
}
