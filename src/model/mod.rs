//! The compiled guide: immutable data that evaluation reads and nothing changes once loaded.
//!
//! - [`vocabulary`]: facts and their types; declared values as bit positions.
//! - [`value`]: a profile's values as slots (small integers and bit sets), one per fact.
//! - [`truth`]: Kleene's three truth values.
//! - [`condition`]: the condition tree, evaluated and explained on slots.
//! - [`index`]: the bit-parallel index that decides every flat rule at once, 64 per word.
//! - [`plan`]: every condition laid out flat for explaining it from a table of test truths.
//! - [`program`]: the same conditions laid out flat for computing statuses fast.
//! - [`rule`]: recommendations and principles, their actions, sources and `fit:`.
//! - [`overlay`]: a local offer's services, and how each fits what the guide's words say.
//! - [`guide`]: the guide: a shared core and an optional overlay layer.
//!
//! Nothing here reads a file or knows the YAML crate: `src/load/` builds these values.

pub(crate) mod truth;
pub(crate) mod value;
pub(crate) mod vocabulary;
pub(crate) mod condition;
pub(crate) mod index;
pub(crate) mod plan;
pub(crate) mod program;
pub(crate) mod rule;
pub(crate) mod overlay;
pub(crate) mod guide;
