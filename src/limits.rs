//! Every limit the crate enforces, in one place.
//!
//! Each is set far above what a real guide or profile needs (the embedded guide uses a small
//! fraction of each) and low enough that hostile input cannot exhaust a service's memory or time.
//! Exceeding one is a clear error ([`crate::error::ProblemKind::LimitExceeded`] or a syntax error naming
//! the budget), never a panic.

/// Largest rule file, in bytes (32 MiB). Rule files are larger than profiles can be: a machine
/// generated guide of 20,000 rules, written one rule per line in YAML's flow style, takes about
/// 6 MiB, and the limit leaves room for five times that. (It was 4 MiB for every file until
/// rule sets of that size were measured; profiles keep the old budget, see
/// [`MAX_PROFILE_BYTES`].)
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;
/// Deepest YAML nesting (mappings within lists within mappings...). A recommendation with a
/// condition nested three combinators deep is about 12 levels. The parser and deserializer recurse
/// per level, so this also keeps parsing within a 2 MiB thread stack, even in a debug build.
pub const MAX_YAML_DEPTH: usize = 32;
/// Most YAML parser events in one rule file (roughly: scalars plus collection starts and ends).
/// A rule of a generated 20,000-rule guide takes about 60 events.
pub const MAX_YAML_EVENTS: usize = 8_000_000;
/// Most YAML nodes in one rule file.
pub const MAX_YAML_NODES: usize = 4_000_000;
/// Largest profile text, in bytes (4 MiB): profiles come from users, so their budget stays small.
pub const MAX_PROFILE_BYTES: usize = 4 * 1024 * 1024;
/// Most YAML parser events in one profile.
pub const MAX_PROFILE_YAML_EVENTS: usize = 1_000_000;
/// Most YAML nodes in one profile.
pub const MAX_PROFILE_YAML_NODES: usize = 250_000;
/// Most aliases (`*name`), anchors and merge keys in one file; alias expansion is also bounded by
/// [`MAX_YAML_EVENTS`] replayed events, which stops "billion laughs" documents.
pub const MAX_YAML_ALIASES: usize = 1_000;
/// Most recommendations plus principles in one guide.
pub const MAX_RULES: usize = 100_000;
/// Most condition nodes (leaves and combinators, after named conditions are expanded) in one
/// rule's condition, and in one named condition.
pub const MAX_CONDITION_NODES: usize = 10_000;
/// Deepest chain of named conditions referring to named conditions.
pub const MAX_NAMED_CONDITION_DEPTH: usize = 32;
/// Most facts in a vocabulary.
pub const MAX_FACTS: usize = 2_000;
/// Most declared values of a one-of or set-of fact (they are held as bits of a `u128`).
pub const MAX_VALUES_PER_FACT: usize = 128;
/// Largest compiled regular expression, in bytes (the `regex` crate's size limit).
pub const MAX_REGEX_BYTES: usize = 256 * 1024;
/// Longest text value in a profile, in bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Most items in one list value of a profile (a set_of fact's values).
pub const MAX_LIST_ITEMS: usize = 1_000;
/// Most problems one error reports; past this, loading or reading stops early and the error says
/// how many more were not looked for.
pub const MAX_PROBLEMS: usize = 100;
