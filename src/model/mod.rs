//! The compiled guide: immutable data that evaluation reads and nothing changes once loaded.
//!
//! - [`truth`]: Kleene's three truth values, the one encoding of one.
//! - [`vocabulary`]: facts and their types; declared values as bit positions.
//! - [`value`]: a profile's values as slots (small integers and bit sets), one per fact.
//! - [`condition`]: compiled tests, and the condition tree the compiler builds.
//! - [`arena`]: every condition of a layer laid out flat, and a profile's truth table of it.
//! - [`index`]: the bit-parallel index that decides every flat rule at once, 64 per word.
//! - [`program`]: the arena's conditions compiled once more, for computing statuses fast.
//! - [`cache`]: the caller-owned scratch of evaluation, and the pool a guide keeps of it.
//! - [`json`]: the guide's texts as pieces of an evaluation's JSON, rendered once.
//! - [`rule`]: recommendations and principles, their actions, sources and `fit:`.
//! - [`overlay`]: a local offer's services, and how each fits what the guide's words say.
//! - [`guide`]: the guide: a shared core and an optional overlay layer.
//!
//! Nothing here reads a file or knows the YAML crate: `src/load/` builds these values.

pub(crate) mod truth;
pub(crate) mod value;
pub(crate) mod vocabulary;
pub(crate) mod condition;
pub(crate) mod arena;
pub(crate) mod index;
pub(crate) mod program;
pub(crate) mod cache;
pub(crate) mod json;
pub(crate) mod rule;
pub(crate) mod overlay;
pub(crate) mod guide;
