//! The fact vocabulary: every fact a guide's rules may test and a profile may give, with its type.
//!
//! Facts are interned to [`FactId`]s and declared values to bit positions when the guide loads,
//! so that evaluation compares small integers, never names.

use std::collections::HashMap;

use regex::Regex;

use crate::error::{Problem, ProblemKind};
use crate::limits;
use crate::suggest;

/// Index of a fact in its guide's vocabulary.
pub(crate) type FactId = usize;

/// One fact a rule may test and a profile may give.
#[derive(Debug, Clone)]
pub struct Fact {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) unit: Option<String>,
    pub(crate) fact_type: FactType,
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
        pattern: Option<Regex>,
    },
}

impl FactType {
    /// The type's name as rule files write it (`boolean`, `integer`, `one_of`, `set_of`, `text`).
    pub fn keyword(&self) -> &'static str {
        match self {
            FactType::Boolean => "boolean",
            FactType::Integer { .. } => "integer",
            FactType::OneOf(_) => "one_of",
            FactType::SetOf(_) => "set_of",
            FactType::Text { .. } => "text",
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
            FactType::Boolean => "true or false (or yes / no)",
            FactType::Integer { .. } => "a whole number",
            FactType::OneOf(_) => "one of its declared values",
            FactType::SetOf(_) => "a list of its declared values",
            FactType::Text { .. } => "text",
        }
    }
}

/// The declared values of a `one_of` or `set_of` fact, in declaration order.
#[derive(Debug, Clone, Default)]
pub struct Values {
    names: Vec<String>,
    descriptions: Vec<Option<String>>,
    by_name: HashMap<String, u8>,
}

impl Values {
    pub(crate) fn new(entries: Vec<(String, Option<String>)>) -> Result<Values, ProblemKind> {
        if entries.is_empty() {
            return Err(ProblemKind::Invalid(
                "a one_of or set_of fact needs at least one value".to_owned(),
            ));
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
                return Err(ProblemKind::Invalid(format!(
                    "value `{name}` is declared twice"
                )));
            }
            values.names.push(name);
            values.descriptions.push(description);
        }
        Ok(values)
    }

    /// The values' names, in declaration order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> {
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
    pub(crate) fn names_in(&self, mask: u128) -> impl Iterator<Item = &str> {
        self.names
            .iter()
            .enumerate()
            .filter(move |(bit, _)| mask & (1u128 << bit) != 0)
            .map(|(_, name)| name.as_str())
    }

    pub(crate) fn unknown_value(&self, value: &str, fact: &str) -> ProblemKind {
        ProblemKind::UnknownValue {
            value: crate::yaml::truncate(value),
            fact: fact.to_owned(),
            suggestion: suggest::closest(value, self.names()),
            declared: self.names.join(", "),
        }
    }
}

/// Every fact of a guide, looked up by name once at load time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vocabulary {
    facts: Vec<Fact>,
    by_name: HashMap<String, FactId>,
}

impl Vocabulary {
    pub(crate) fn push(&mut self, fact: Fact) -> Result<FactId, ProblemKind> {
        if self.facts.len() >= limits::MAX_FACTS {
            return Err(ProblemKind::LimitExceeded {
                what: "the number of facts".to_owned(),
                limit: limits::MAX_FACTS,
            });
        }
        let id = self.facts.len();
        self.by_name.insert(fact.name.clone(), id);
        self.facts.push(fact);
        Ok(id)
    }

    pub(crate) fn facts(&self) -> &[Fact] {
        &self.facts
    }

    pub(crate) fn len(&self) -> usize {
        self.facts.len()
    }

    pub(crate) fn fact(&self, id: FactId) -> Option<&Fact> {
        self.facts.get(id)
    }

    pub(crate) fn fact_name(&self, id: FactId) -> &str {
        self.facts.get(id).map_or("?", |f| f.name.as_str())
    }

    /// Resolves a fact name, or explains that it is unknown (with the closest declared name).
    pub(crate) fn resolve(&self, name: &str) -> Result<FactId, ProblemKind> {
        self.by_name
            .get(name)
            .copied()
            .ok_or_else(|| ProblemKind::UnknownFact {
                name: name.to_owned(),
                suggestion: suggest::closest(name, self.facts.iter().map(|f| f.name.as_str())),
            })
    }
}

/// Checks the shape of an id or name written in a rule file: lower-case letters, digits, `_` and
/// `-`, starting with a letter or digit. Keeps ids safe to show in reports and URLs.
pub(crate) fn check_identifier(what: &str, name: &str) -> Result<(), ProblemKind> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if first_ok
        && name.len() <= 100
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    {
        Ok(())
    } else {
        Err(ProblemKind::Invalid(format!(
            "{what} `{}` must be 1 to 100 characters of lower-case letters, digits, `_` and `-`, \
             starting with a letter or digit",
            crate::yaml::truncate(name)
        )))
    }
}

/// Compiles a pattern written in a rule file, within the size limit. Patterns are anchored by
/// the writer, not by us: `^SW1` means "starts with SW1".
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, ProblemKind> {
    regex::RegexBuilder::new(pattern)
        .size_limit(limits::MAX_REGEX_BYTES)
        .dfa_size_limit(limits::MAX_REGEX_BYTES)
        .build()
        .map_err(|err| {
            // The regex crate's message spans lines (pattern, caret, error); keep the error line.
            let message = err.to_string();
            let reason = message
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or(&message)
                .trim()
                .trim_start_matches("error: ")
                .to_owned();
            ProblemKind::InvalidRegex(format!("`{}`: {reason}", crate::yaml::truncate(pattern)))
        })
}

/// Problem helper: a fact-shaped problem in a file, with a position and rule id.
pub(crate) fn problem(
    file: &str,
    position: Option<crate::error::Position>,
    rule: Option<&str>,
    kind: ProblemKind,
) -> Problem {
    Problem::new(file, kind).at(position).in_rule(rule)
}
