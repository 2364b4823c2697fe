//! The fact vocabulary: every fact a guide's rules may test and a profile may give, with its type.
//!
//! Facts are interned to [`FactId`]s and declared values to bit positions when the guide loads,
//! so that evaluation compares small integers, never names. An overlay's local facts live in a
//! vocabulary of their own whose ids continue after the guide's ([`Vocab`] sees both), so that
//! loading an overlay never copies the guide's.

use std::collections::HashMap;

use regex::Regex;
use serde::Serialize;
use serde::ser::SerializeMap;

pub(crate) use super::value::FactId;
use super::value::Slot;
use crate::error::{Position, ProblemKind, shorten};
use crate::language::FactKind;
use crate::limits;
use crate::profile::{FactValue, NotAValue};
use crate::suggest;

/// One fact a rule may test and a profile may give.
///
/// Serialized as `{"name", "type", "description", "unit", "range", "values", "pattern",
/// "local"}`, leaving out what the type does not have.
#[derive(Debug, Clone)]
pub struct Fact {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) unit: Option<String>,
    pub(crate) fact_type: FactType,
    /// Declared by an overlay rather than by the guide.
    pub(crate) local: bool,
    /// Its declaration has a problem (reported), so its type is a stand-in: tests of it are not
    /// checked, lest one mistake in `facts.yaml` be reported again at every rule using the fact.
    /// Only ever true in a load that fails.
    pub(crate) stand_in: bool,
    /// Where its name is written in its facts file.
    pub(crate) at: Option<Position>,
}

impl Fact {
    /// The fact's name, as rules and profiles write it (e.g. `service_level`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the fact means, written so that a practitioner could fill it in.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The unit of an integer fact (e.g. `years`), if declared.
    pub fn unit(&self) -> Option<&str> {
        self.unit.as_deref()
    }

    /// The fact's type, with its range, declared values or pattern.
    pub fn fact_type(&self) -> &FactType {
        &self.fact_type
    }

    /// Whether an overlay (a local offer) declared the fact, rather than the guide.
    pub fn is_local(&self) -> bool {
        self.local
    }

    /// Checks a value against the fact's type, range, declared values or pattern, the same way
    /// for profiles and for the values rules test.
    pub(crate) fn slot(&self, value: &FactValue) -> Result<Slot, ProblemKind> {
        let wrong = || self.wrong_type(describe(value));
        match (&self.fact_type, value) {
            (FactType::Boolean, FactValue::Bool(b)) => Ok(Slot::Bool(*b)),
            (FactType::Integer { min, max }, FactValue::Integer(i)) => {
                if (*min..=*max).contains(i) {
                    Ok(Slot::Int(*i))
                } else {
                    Err(ProblemKind::OutOfRange {
                        fact: self.name.clone(),
                        value: *i,
                        min: *min,
                        max: *max,
                    })
                }
            }
            (FactType::OneOf(values), FactValue::Text(t)) => values
                .bit(t)
                .map(Slot::Choice)
                .ok_or_else(|| values.unknown_value(t, &self.name)),
            (FactType::SetOf(values), FactValue::List(items)) => self.set(values, items),
            (FactType::Text { pattern }, FactValue::Text(t)) => self.text(pattern.as_ref(), t),
            _ => Err(wrong()),
        }
    }

    fn set(&self, values: &Values, items: &[String]) -> Result<Slot, ProblemKind> {
        if items.len() > limits::MAX_LIST_ITEMS {
            return Err(ProblemKind::LimitExceeded {
                what: format!("the list of `{}` ({} items)", self.name, items.len()),
                limit: limits::MAX_LIST_ITEMS,
            });
        }
        let mut mask = 0u128;
        for item in items {
            let bit = values
                .bit(item)
                .ok_or_else(|| values.unknown_value(item, &self.name))?;
            mask |= 1u128 << bit;
        }
        Ok(Slot::Set(mask))
    }

    fn text(&self, pattern: Option<&Pattern>, text: &str) -> Result<Slot, ProblemKind> {
        if text.len() > limits::MAX_TEXT_BYTES {
            return Err(ProblemKind::LimitExceeded {
                what: format!("the text of `{}` ({} bytes)", self.name, text.len()),
                limit: limits::MAX_TEXT_BYTES,
            });
        }
        match pattern {
            Some(p) if !p.is_match(text) => Err(ProblemKind::PatternMismatch {
                fact: self.name.clone(),
                value: shorten(text),
                pattern: p.as_str().to_owned(),
            }),
            _ => Ok(Slot::Text(text.into())),
        }
    }

    /// The problem with a value of no fact's shape (a mapping, say, or a list of numbers).
    pub(crate) fn not_a_value(&self, shape: NotAValue) -> ProblemKind {
        match shape {
            NotAValue::Whole(found) => self.wrong_type(found),
            NotAValue::Item(found) => ProblemKind::WrongType {
                what: format!("an item of `{}`", self.name),
                expected: "a declared value".to_owned(),
                found,
            },
        }
    }

    /// "`age` (an integer fact): expected a whole number, found ...".
    pub(crate) fn wrong_type(&self, found: String) -> ProblemKind {
        ProblemKind::WrongType {
            what: format!("`{}` ({})", self.name, self.fact_type.described()),
            expected: self.fact_type.expected().to_owned(),
            found,
        }
    }
}

fn describe(value: &FactValue) -> String {
    match value {
        FactValue::Bool(b) => format!("the boolean `{b}`"),
        FactValue::Integer(i) => format!("the number `{i}`"),
        FactValue::Text(t) => format!("the text `{}`", shorten(t)),
        FactValue::List(_) => "a list".to_owned(),
    }
}

impl Serialize for Fact {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", &self.name)?;
        map.serialize_entry("type", self.fact_type.keyword())?;
        map.serialize_entry("description", &self.description)?;
        if let Some(unit) = &self.unit {
            map.serialize_entry("unit", unit)?;
        }
        match &self.fact_type {
            FactType::Integer { min, max } => map.serialize_entry("range", &[min, max])?,
            FactType::OneOf(values) | FactType::SetOf(values) => {
                map.serialize_entry("values", values)?;
            }
            FactType::Text { pattern: Some(p) } => map.serialize_entry("pattern", p.as_str())?,
            _ => {}
        }
        map.serialize_entry("local", &self.local)?;
        map.end()
    }
}

/// The type of a fact.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum FactType {
    /// `true` or `false`.
    Boolean,
    /// A whole number within an inclusive range.
    Integer {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
    /// Exactly one of the declared values.
    OneOf(Values),
    /// Any number of the declared values (none, some or all).
    SetOf(Values),
    /// Free text, optionally required to match a pattern.
    Text {
        /// The pattern every value must match, if declared.
        pattern: Option<Pattern>,
    },
}

impl FactType {
    /// The type's name as rule files write it (`boolean`, `integer`, `one_of`, `set_of`, `text`).
    pub fn keyword(&self) -> &'static str {
        self.kind().keyword()
    }

    pub(crate) fn kind(&self) -> FactKind {
        match self {
            FactType::Boolean => FactKind::Boolean,
            FactType::Integer { .. } => FactKind::Integer,
            FactType::OneOf(_) => FactKind::OneOf,
            FactType::SetOf(_) => FactKind::SetOf,
            FactType::Text { .. } => FactKind::Text,
        }
    }

    /// "a boolean fact", "an integer fact", ...: how messages name the type.
    pub(crate) fn described(&self) -> String {
        let article = if matches!(self, FactType::Integer { .. }) {
            "an"
        } else {
            "a"
        };
        format!("{article} {} fact", self.keyword())
    }

    /// What a value of this type looks like, for messages.
    pub(crate) fn expected(&self) -> &'static str {
        match self {
            FactType::Boolean => "true or false",
            FactType::Integer { .. } => "a whole number",
            FactType::OneOf(_) => "one of its declared values",
            FactType::SetOf(_) => "a list of its declared values",
            FactType::Text { .. } => "text",
        }
    }
}

/// A text fact's pattern: a regular expression the whole value must match (a validation of the
/// value, so `[A-Z][0-9]` accepts `B4` and refuses `AZZ1 lower case x`), compiled when the guide
/// loads.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// As written in the rule file.
    pub(crate) written: String,
    /// Anchored at both ends: `^(?:written)$`.
    pub(crate) whole: Regex,
}

impl Pattern {
    /// The pattern as written in the rule file.
    pub fn as_str(&self) -> &str {
        &self.written
    }

    /// Whether the whole of `text` matches it.
    pub fn is_match(&self, text: &str) -> bool {
        self.whole.is_match(text)
    }
}

/// The declared values of a `one_of` or `set_of` fact, in declaration order.
///
/// Serialized as a list of `{"id", "description"}`.
#[derive(Debug, Clone, Default)]
pub struct Values {
    names: Vec<String>,
    descriptions: Vec<Option<String>>,
    by_name: HashMap<String, u8>,
}

impl Values {
    pub(crate) fn new(entries: Vec<(String, Option<String>)>) -> Result<Values, ProblemKind> {
        if entries.is_empty() {
            return Err(ProblemKind::NoValues);
        }
        if entries.len() > limits::MAX_VALUES_PER_FACT {
            return Err(ProblemKind::LimitExceeded {
                what: format!("the number of values ({})", entries.len()),
                limit: limits::MAX_VALUES_PER_FACT,
            });
        }
        let mut values = Values::default();
        for (bit, (name, description)) in (0u8..).zip(entries) {
            if values.by_name.insert(name.clone(), bit).is_some() {
                return Err(ProblemKind::ValueDeclaredTwice { value: name });
            }
            values.names.push(name);
            values.descriptions.push(description);
        }
        Ok(values)
    }

    /// The values' names, in declaration order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.names.iter().map(String::as_str)
    }

    /// The description of a value, if it has one.
    pub fn description(&self, name: &str) -> Option<&str> {
        let bit = *self.by_name.get(name)?;
        self.descriptions.get(usize::from(bit))?.as_deref()
    }

    pub(crate) fn bit(&self, name: &str) -> Option<u8> {
        self.by_name.get(name).copied()
    }

    pub(crate) fn name(&self, bit: u8) -> &str {
        self.names.get(usize::from(bit)).map_or("?", String::as_str)
    }

    /// Names of the bits set in `mask`, in declaration order.
    pub(crate) fn names_in(&self, mask: u128) -> impl Iterator<Item = &str> + Clone {
        // One step per set bit, lowest first (declaration order).
        let mut rest = mask;
        std::iter::from_fn(move || {
            while rest != 0 {
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                if let Some(name) = self.names.get(bit) {
                    return Some(name.as_str());
                }
            }
            None
        })
    }

    pub(crate) fn unknown_value(&self, value: &str, fact: &str) -> ProblemKind {
        ProblemKind::UnknownValue {
            value: shorten(value),
            fact: fact.to_owned(),
            suggestion: suggest::closest(value, self.names()),
            declared: self.names.clone(),
        }
    }
}

impl Serialize for Values {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Value<'a> {
            id: &'a str,
            description: Option<&'a str>,
        }
        serializer.collect_seq(
            self.names
                .iter()
                .zip(&self.descriptions)
                .map(|(id, d)| Value {
                    id,
                    description: d.as_deref(),
                }),
        )
    }
}

/// The facts of one layer (a guide's, or an overlay's local facts), numbered from `first`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vocabulary {
    first: FactId,
    facts: Vec<Fact>,
    by_name: HashMap<String, FactId>,
}

impl Vocabulary {
    /// An empty layer whose first fact will be `first`.
    pub(crate) fn starting_at(first: FactId) -> Vocabulary {
        Vocabulary {
            first,
            ..Vocabulary::default()
        }
    }

    pub(crate) fn push(&mut self, fact: Fact) -> Result<FactId, ProblemKind> {
        if self.end().index() >= limits::MAX_FACTS {
            return Err(ProblemKind::LimitExceeded {
                what: "the number of facts".to_owned(),
                limit: limits::MAX_FACTS,
            });
        }
        let id = self.end();
        self.by_name.insert(fact.name.clone(), id);
        self.facts.push(fact);
        Ok(id)
    }

    /// Its own facts, in id order from its first.
    pub(crate) fn own(&self) -> &[Fact] {
        &self.facts
    }

    /// One past the last fact's id.
    pub(crate) fn end(&self) -> FactId {
        FactId::new(self.first.index() + self.facts.len())
    }

    fn get(&self, id: FactId) -> Option<&Fact> {
        self.facts.get(id.index().checked_sub(self.first.index())?)
    }
}

/// A guide's whole vocabulary: its own facts and, with an overlay, the local ones after them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vocab<'g> {
    pub(crate) core: &'g Vocabulary,
    pub(crate) local: Option<&'g Vocabulary>,
}

impl<'g> Vocab<'g> {
    /// Every fact, in id order.
    pub(crate) fn facts(self) -> impl Iterator<Item = &'g Fact> + Clone {
        self.core
            .facts
            .iter()
            .chain(self.local.into_iter().flat_map(|l| l.facts.iter()))
    }

    pub(crate) fn len(self) -> usize {
        self.local.map_or(self.core.end(), Vocabulary::end).index()
    }

    pub(crate) fn fact(self, id: FactId) -> Option<&'g Fact> {
        self.core
            .get(id)
            .or_else(|| self.local.and_then(|l| l.get(id)))
    }

    /// The fact `id`.
    #[expect(
        clippy::indexing_slicing,
        reason = "fact ids are minted by this guide's loader (see crate::ids)"
    )]
    pub(crate) fn get(self, id: FactId) -> &'g Fact {
        match self.local {
            Some(local) if id >= local.first => &local.facts[id.index() - local.first.index()],
            _ => &self.core.facts[id.index()],
        }
    }

    pub(crate) fn fact_name(self, id: FactId) -> &'g str {
        self.fact(id).map_or("?", |f| f.name.as_str())
    }

    pub(crate) fn lookup(self, name: &str) -> Option<FactId> {
        let local = || self.local.and_then(|l| l.by_name.get(name));
        self.core.by_name.get(name).or_else(local).copied()
    }

    /// Resolves a fact name, or explains that it is unknown (with the closest declared name).
    pub(crate) fn resolve(self, name: &str) -> Result<FactId, ProblemKind> {
        self.lookup(name).ok_or_else(|| ProblemKind::UnknownFact {
            name: shorten(name),
            suggestion: suggest::closest(name, self.facts().map(|f| f.name.as_str())),
        })
    }
}
