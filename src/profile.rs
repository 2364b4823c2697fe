//! Family-circumstance profiles, as the caller gives them: what is known about a family, fact by
//! fact.
//!
//! A [`FamilyProfile`] is built in code, deserialized with serde from any format, or read from
//! YAML/JSON text by [`Guide::read_profile`](crate::Guide::read_profile). A fact the profile
//! does not give (or gives as `null`) is *unknown*, never false. Nothing here knows a guide:
//! checking a profile against a vocabulary is binding (`src/eval/bind.rs`).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// A value of a fact in a profile.
///
/// Serialized as the plain JSON/YAML value: `true`, `4`, `"family_help"`, `["poverty"]`. A
/// boolean is only ever `true` or `false`: the text `"yes"` is text, and a boolean fact refuses
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// A value given for a fact that is no fact's value at all: the whole of it, or one item of a
/// list, is of another shape (described for a message, e.g. "a mapping").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NotAValue {
    Whole(String),
    Item(String),
}

/// What a fact's value may be, as a deserializer's error says it.
const EXPECTED_VALUE: &str = "true or false, a whole number, a text, or a list of texts";

/// Reads `true`, `4`, `"text"` or `["a", "b"]`; anything else is an error saying what a value
/// may be (not serde's "did not match any variant").
impl<'de> Deserialize<'de> for FactValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = FactValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED_VALUE)
    }
    fn visit_bool<E>(self, v: bool) -> Result<FactValue, E> {
        Ok(FactValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<FactValue, E> {
        Ok(FactValue::Integer(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<FactValue, E> {
        i64::try_from(v)
            .map(FactValue::Integer)
            .map_err(|_| E::custom(format!("the number {v} is too large")))
    }
    fn visit_str<E>(self, v: &str) -> Result<FactValue, E> {
        Ok(FactValue::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<FactValue, E> {
        Ok(FactValue::Text(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FactValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<ListItem>()? {
            items.push(item.0);
        }
        Ok(FactValue::List(items))
    }
}

/// One item of a list value: text only.
struct ListItem(String);

impl<'de> Deserialize<'de> for ListItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemVisitor;
        impl Visitor<'_> for ItemVisitor {
            type Value = ListItem;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a text (a declared value) in the list")
            }
            fn visit_str<E>(self, v: &str) -> Result<ListItem, E> {
                Ok(ListItem(v.to_owned()))
            }
        }
        deserializer.deserialize_str(ItemVisitor)
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
///
/// It deserializes from a mapping of fact names to values (a `null` value means unknown); an
/// error names the fact:
///
/// ```
/// use practice_guide::FamilyProfile;
/// let err = serde_json::from_str::<FamilyProfile>(r#"{"age": 4.5}"#).unwrap_err();
/// assert!(err.to_string().starts_with("`age`: "), "{err}");
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
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ProfileVisitor)
    }
}

struct ProfileVisitor;

impl<'de> Visitor<'de> for ProfileVisitor {
    type Value = FamilyProfile;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping of fact names to values")
    }

    fn visit_unit<E>(self) -> Result<FamilyProfile, E> {
        Ok(FamilyProfile::new())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FamilyProfile, A::Error> {
        let mut facts = BTreeMap::new();
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value_seed(Named(&name))?;
            if facts.contains_key(&name) {
                return Err(de::Error::custom(format!("`{name}` is given twice")));
            }
            if let Some(value) = value {
                facts.insert(name, value);
            }
        }
        Ok(FamilyProfile { facts })
    }
}

/// A fact's value, possibly `null`, whose errors name the fact.
struct Named<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for Named<'_> {
    type Value = Option<FactValue>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Option::<FactValue>::deserialize(deserializer)
            .map_err(|e| de::Error::custom(format!("`{}`: {e}", self.0)))
    }
}
