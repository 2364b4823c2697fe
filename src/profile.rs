//! Family-circumstance profiles: what is known about a family, fact by fact.
//!
//! A [`FamilyProfile`] is the caller's input, by fact name: built in code, deserialized with serde
//! from any format, or read from YAML/JSON text by [`Guide::read_profile`](crate::Guide::read_profile),
//! which points at the line and column of every problem. A fact the profile does not give (or gives
//! as `null`) is *unknown*, never false. Before evaluation the profile is checked against the
//! guide's vocabulary and turned into [`Facts`]: one slot per fact, values as small integers.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, ProblemKind};
use crate::limits;
use crate::vocabulary::{Fact, FactId, FactType, Vocabulary};
use crate::yaml::{self, Raw, Spanned};

/// A value of a fact in a profile.
///
/// Serialized as the plain JSON/YAML value: `true`, `4`, `"family_help"`, `["poverty"]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FactValue {
    /// For boolean facts.
    Bool(bool),
    /// For integer facts.
    Integer(i64),
    /// For one-of facts (one declared value) and text facts.
    Text(String),
    /// For set-of facts: the declared values that hold (empty means "none of them").
    List(Vec<String>),
}

impl From<bool> for FactValue {
    fn from(v: bool) -> Self {
        FactValue::Bool(v)
    }
}
impl From<i64> for FactValue {
    fn from(v: i64) -> Self {
        FactValue::Integer(v)
    }
}
impl From<i32> for FactValue {
    fn from(v: i32) -> Self {
        FactValue::Integer(i64::from(v))
    }
}
impl From<&str> for FactValue {
    fn from(v: &str) -> Self {
        FactValue::Text(v.to_owned())
    }
}
impl From<String> for FactValue {
    fn from(v: String) -> Self {
        FactValue::Text(v)
    }
}
impl<S: Into<String>> From<Vec<S>> for FactValue {
    fn from(v: Vec<S>) -> Self {
        FactValue::List(v.into_iter().map(Into::into).collect())
    }
}
impl<S: Into<String> + Clone, const N: usize> From<[S; N]> for FactValue {
    fn from(v: [S; N]) -> Self {
        FactValue::List(v.into_iter().map(Into::into).collect())
    }
}

impl fmt::Display for FactValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactValue::Bool(b) => write!(f, "{b}"),
            FactValue::Integer(i) => write!(f, "{i}"),
            FactValue::Text(s) => write!(f, "{s}"),
            FactValue::List(items) if items.is_empty() => f.write_str("(none)"),
            FactValue::List(items) => f.write_str(&items.join(", ")),
        }
    }
}

/// What is known about a family: fact name → value. Facts left out are unknown.
///
/// ```
/// use practice_guide::FamilyProfile;
///
/// let family = FamilyProfile::new()
///     .with("children_ages", ["age_3", "age_7"])
///     .with("service_level", "family_help")
///     .with("adversities", ["poverty", "parental_mental_health"]);
/// assert_eq!(family.len(), 3);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FamilyProfile {
    facts: BTreeMap<String, FactValue>,
}

impl FamilyProfile {
    /// An empty profile: every fact unknown.
    pub fn new() -> Self {
        FamilyProfile::default()
    }

    /// Sets a fact, returning the profile (builder style).
    #[must_use]
    pub fn with(mut self, fact: impl Into<String>, value: impl Into<FactValue>) -> Self {
        self.set(fact, value);
        self
    }

    /// Sets a fact, replacing any earlier value.
    pub fn set(&mut self, fact: impl Into<String>, value: impl Into<FactValue>) -> &mut Self {
        self.facts.insert(fact.into(), value.into());
        self
    }

    /// Forgets a fact, making it unknown again.
    pub fn remove(&mut self, fact: &str) -> Option<FactValue> {
        self.facts.remove(fact)
    }

    /// The value given for a fact, if any.
    pub fn get(&self, fact: &str) -> Option<&FactValue> {
        self.facts.get(fact)
    }

    /// The facts given, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &FactValue)> {
        self.facts.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many facts are given.
    pub fn len(&self) -> usize {
        self.facts.len()
    }

    /// Whether no fact is given.
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }
}

impl<'de> Deserialize<'de> for FamilyProfile {
    /// Reads a mapping of fact names to values; a `null` value means "unknown" and is left out.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let with_nulls = BTreeMap::<String, Option<FactValue>>::deserialize(deserializer)?;
        Ok(FamilyProfile {
            facts: with_nulls
                .into_iter()
                .filter_map(|(k, v)| Some((k, v?)))
                .collect(),
        })
    }
}

/// A profile checked against a vocabulary: one slot per fact, in vocabulary order.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    slots: Vec<Slot>,
}

/// The value of one fact, in the compiled form evaluation reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Slot {
    Unknown,
    Bool(bool),
    Int(i64),
    /// A one-of value: its bit position among the declared values.
    Choice(u8),
    /// A set-of value: one bit per declared value that holds.
    Set(u128),
    Text(Box<str>),
}

impl Facts {
    #[inline]
    pub(crate) fn get(&self, fact: FactId) -> &Slot {
        self.slots.get(fact).unwrap_or(&Slot::Unknown)
    }

    /// No facts at all, to be filled by [`Facts::rebind`].
    pub(crate) fn empty() -> Facts {
        Facts { slots: Vec::new() }
    }

    /// Checks `profile` against `vocabulary`, reporting every problem at once. `origin` names the
    /// profile in messages (a file name, or e.g. `profile` when built in code).
    pub(crate) fn bind(
        vocabulary: &Vocabulary,
        profile: &FamilyProfile,
        origin: &str,
    ) -> Result<Facts, Error> {
        let mut facts = Facts::empty();
        facts.rebind(vocabulary, profile, origin)?;
        Ok(facts)
    }

    /// [`Facts::bind`] into this buffer, reusing its memory (for caseloads). On error the slots
    /// are left in an unspecified but valid state.
    pub(crate) fn rebind(
        &mut self,
        vocabulary: &Vocabulary,
        profile: &FamilyProfile,
        origin: &str,
    ) -> Result<(), Error> {
        let slots = &mut self.slots;
        slots.clear();
        slots.resize(vocabulary.len(), Slot::Unknown);
        let mut problems = Vec::new();
        for (name, value) in profile.iter() {
            if problems.len() > limits::MAX_PROBLEMS {
                break;
            }
            let bound = vocabulary.resolve(name).and_then(|id| {
                let fact = vocabulary
                    .fact(id)
                    .ok_or_else(|| ProblemKind::Other(name.to_owned()))?;
                Ok((id, slot_for(fact, value)?))
            });
            match bound {
                Ok((id, slot)) => {
                    if let Some(s) = slots.get_mut(id) {
                        *s = slot;
                    }
                }
                Err(kind) => problems.push(Problem::new(origin, kind)),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::new(problems))
        }
    }
}

/// Checks one value against its fact's type.
pub(crate) fn slot_for(fact: &Fact, value: &FactValue) -> Result<Slot, ProblemKind> {
    let wrong = || ProblemKind::WrongType {
        what: format!("`{}` ({})", fact.name, fact.fact_type.described()),
        expected: fact.fact_type.expected().to_owned(),
        found: describe(value),
    };
    match (&fact.fact_type, value) {
        (FactType::Boolean, FactValue::Bool(b)) => Ok(Slot::Bool(*b)),
        (FactType::Boolean, FactValue::Text(t)) => match t.to_ascii_lowercase().as_str() {
            "yes" => Ok(Slot::Bool(true)),
            "no" => Ok(Slot::Bool(false)),
            _ => Err(wrong()),
        },
        (FactType::Integer { min, max }, FactValue::Integer(i)) => {
            if (*min..=*max).contains(i) {
                Ok(Slot::Int(*i))
            } else {
                Err(ProblemKind::OutOfRange {
                    fact: fact.name.clone(),
                    value: *i,
                    min: *min,
                    max: *max,
                })
            }
        }
        (FactType::OneOf(values), FactValue::Text(t)) => values
            .bit(t)
            .map(Slot::Choice)
            .ok_or_else(|| values.unknown_value(t, &fact.name)),
        (FactType::SetOf(values), FactValue::List(items)) => {
            let mut mask = 0u128;
            if items.len() > limits::MAX_LIST_ITEMS {
                return Err(ProblemKind::LimitExceeded {
                    what: format!("the list of `{}` ({} items)", fact.name, items.len()),
                    limit: limits::MAX_LIST_ITEMS,
                });
            }
            for item in items {
                let bit = values
                    .bit(item)
                    .ok_or_else(|| values.unknown_value(item, &fact.name))?;
                mask |= 1u128 << bit;
            }
            Ok(Slot::Set(mask))
        }
        (FactType::Text { pattern }, FactValue::Text(t)) => {
            if t.len() > limits::MAX_TEXT_BYTES {
                return Err(ProblemKind::LimitExceeded {
                    what: format!("the text of `{}` ({} bytes)", fact.name, t.len()),
                    limit: limits::MAX_TEXT_BYTES,
                });
            }
            match pattern {
                Some(p) if !p.is_match(t) => Err(ProblemKind::PatternMismatch {
                    fact: fact.name.clone(),
                    value: yaml::truncate(t),
                    pattern: p.as_str().to_owned(),
                }),
                _ => Ok(Slot::Text(t.as_str().into())),
            }
        }
        _ => Err(wrong()),
    }
}

fn describe(value: &FactValue) -> String {
    match value {
        FactValue::Bool(b) => format!("the boolean `{b}`"),
        FactValue::Integer(i) => format!("the number `{i}`"),
        FactValue::Text(t) => format!("the text `{}`", yaml::truncate(t)),
        FactValue::List(_) => "a list".to_owned(),
    }
}

/// Reads a profile from YAML or JSON text, checking it against `vocabulary`; every problem names
/// `origin`, the line and the column.
pub(crate) fn read(
    vocabulary: &Vocabulary,
    origin: &str,
    text: &str,
) -> Result<FamilyProfile, Error> {
    let root: Spanned<Raw> =
        yaml::parse(origin, text, yaml::Budget::Profile).map_err(|p| Error::new(vec![p]))?;
    from_raw(vocabulary, origin, root)
}

/// Reads a profile from a parsed YAML value (the whole file, or a case file's `profile:`),
/// checking it against `vocabulary`.
pub(crate) fn from_raw(
    vocabulary: &Vocabulary,
    origin: &str,
    root: Spanned<Raw>,
) -> Result<FamilyProfile, Error> {
    let root_at = yaml::position_of(&root);
    let entries = match root.value {
        Raw::Map(entries) => entries,
        // An empty document is a profile with nothing known.
        Raw::Null => Vec::new(),
        other => {
            return Err(Error::new(vec![
                Problem::new(
                    origin,
                    ProblemKind::WrongType {
                        what: "a profile".to_owned(),
                        expected: "a mapping of fact names to values".to_owned(),
                        found: other.describe(),
                    },
                )
                .at(root_at),
            ]));
        }
    };
    let mut profile = FamilyProfile::new();
    let mut problems = Vec::new();
    for (key, value) in entries {
        if problems.len() > limits::MAX_PROBLEMS {
            break;
        }
        let checked = vocabulary
            .resolve(&key.value)
            .map_err(|k| (k, yaml::position_of(&key)));
        let checked = checked.and_then(|id| {
            let at = yaml::position_of(&value);
            let fact = vocabulary
                .fact(id)
                .ok_or_else(|| (ProblemKind::Other(key.value.clone()), at))?;
            if matches!(value.value, Raw::Null) {
                return Ok(None);
            }
            let fact_value = fact_value_from_raw(fact, &value.value).map_err(|k| (k, at))?;
            slot_for(fact, &fact_value).map_err(|k| (k, at))?;
            Ok(Some(fact_value))
        });
        match checked {
            Ok(Some(v)) => {
                profile.set(key.value, v);
            }
            Ok(None) => {}
            Err((kind, at)) => problems.push(Problem::new(origin, kind).at(at)),
        }
    }
    if problems.is_empty() {
        Ok(profile)
    } else {
        Err(Error::new(problems))
    }
}

/// Converts a YAML value to a [`FactValue`] of the shape the fact's type takes.
pub(crate) fn fact_value_from_raw(fact: &Fact, raw: &Raw) -> Result<FactValue, ProblemKind> {
    match raw {
        Raw::Bool(b) => Ok(FactValue::Bool(*b)),
        Raw::Int(i) => Ok(FactValue::Integer(*i)),
        Raw::Text(t) => Ok(FactValue::Text(t.clone())),
        Raw::List(items) => items
            .iter()
            .map(|item| match &item.value {
                Raw::Text(t) => Ok(t.clone()),
                other => Err(ProblemKind::WrongType {
                    what: format!("an item of `{}`", fact.name),
                    expected: "a declared value".to_owned(),
                    found: other.describe(),
                }),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(FactValue::List),
        Raw::Float(_) | Raw::Map(_) | Raw::Null => Err(ProblemKind::WrongType {
            what: format!("`{}` ({})", fact.name, fact.fact_type.described()),
            expected: fact.fact_type.expected().to_owned(),
            found: raw.describe(),
        }),
    }
}
