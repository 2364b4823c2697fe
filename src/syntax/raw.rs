//! A YAML value of any shape, with the position of every node. Conditions and profiles are read
//! as this tree and interpreted against the vocabulary, so that every problem can point at its
//! node.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::Spanned;
use crate::error::shorten;
use crate::profile::{FactValue, NotAValue};

#[derive(Debug, Clone)]
pub(crate) enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    List(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<String>, Spanned<Raw>)>),
}

impl Raw {
    /// How the value is described in an error ("a list", "the text `abc`").
    pub(crate) fn describe(&self) -> String {
        match self {
            Raw::Null => "nothing (null)".to_owned(),
            Raw::Bool(b) => format!("the boolean `{b}`"),
            Raw::Int(i) => format!("the number `{i}`"),
            Raw::Float(x) => format!("the number `{x}`"),
            Raw::Text(s) => format!("the text `{}`", shorten(s)),
            Raw::List(_) => "a list".to_owned(),
            Raw::Map(_) => "a mapping".to_owned(),
        }
    }

    /// The value as a profile gives it: a boolean, a whole number, a text, or a list of texts.
    pub(crate) fn to_fact_value(&self) -> Result<FactValue, NotAValue> {
        match self {
            Raw::Bool(b) => Ok(FactValue::Bool(*b)),
            Raw::Int(i) => Ok(FactValue::Integer(*i)),
            Raw::Text(t) => Ok(FactValue::Text(t.clone())),
            Raw::List(items) => items
                .iter()
                .map(|item| match &item.value {
                    Raw::Text(t) => Ok(t.clone()),
                    other => Err(NotAValue::Item(other.describe())),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(FactValue::List),
            Raw::Float(_) | Raw::Map(_) | Raw::Null => Err(NotAValue::Whole(self.describe())),
        }
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        i64::try_from(v).map(Raw::Int).map_err(|_| too_large(v))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
        i64::try_from(v).map(Raw::Int).map_err(|_| too_large(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        i64::try_from(v).map(Raw::Int).map_err(|_| too_large(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Text(v))
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        // A Vec grows to at least 4 slots; most lists and maps in rule files are shorter (a test is
        // a one-key map in a one-key map), and large guides hold millions of them while loading.
        items.shrink_to_fit();
        Ok(Raw::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        entries.shrink_to_fit();
        Ok(Raw::Map(entries))
    }
}

fn too_large<E: de::Error>(v: impl fmt::Display) -> E {
    E::custom(format!("the number {v} is too large"))
}
