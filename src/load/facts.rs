//! Declaring facts (`facts.yaml`, a guide's or an overlay's), and the checks of names and
//! patterns written in rule files.

use std::collections::HashMap;

use regex::RegexBuilder;

use super::session::Session;
use crate::error::{Item, Position, ProblemKind, shorten};
use crate::language::{FactKind, is_reserved};
use crate::limits;
use crate::model::vocabulary::{Fact, FactType, Pattern, Values, Vocab, Vocabulary};
use crate::suggest;
use crate::syntax::{self, FACTS_FILE, FactFile, FactsFile, Raw};

/// Declares the facts of a facts file into `layer`, after those in `existing` (the guide's, when
/// `layer` is an overlay's), reporting every bad declaration. A fact that cannot be typed is
/// declared anyway, as a stand-in whose tests are not checked, so that rules using it do not
/// also fail ("unknown fact", or a value of the wrong type).
pub(crate) fn declare(
    session: &mut Session<'_>,
    existing: Option<Vocab<'_>>,
    layer: &mut Vocabulary,
    file: &FactsFile,
) {
    let local = existing.is_some();
    let mut declared_here: HashMap<&str, Option<Position>> = HashMap::new();
    for (name, def) in &file.0 {
        let at = syntax::position_of(name);
        let item = Some(Item::Fact(name.value.clone()));
        let checked = check_identifier("a fact name", &name.value).and_then(|()| {
            if is_reserved(&name.value) {
                Err(ProblemKind::ReservedName {
                    name: name.value.clone(),
                })
            } else if let Some(first) = declared_here.get(name.value.as_str()) {
                Err(ProblemKind::DuplicateId {
                    what: "fact".to_owned(),
                    id: name.value.clone(),
                    first_line: first.map_or(0, |p| p.line),
                })
            } else if existing.is_some_and(|v| v.lookup(&name.value).is_some()) {
                Err(ProblemKind::FactRedeclared {
                    name: name.value.clone(),
                })
            } else {
                Ok(())
            }
        });
        if let Err(kind) = checked {
            session.problem(FACTS_FILE, at, item, kind);
            continue;
        }
        declared_here.insert(&name.value, at);
        let (fact_type, stand_in) = match fact_type(def) {
            Ok(fact_type) => (fact_type, false),
            Err((kind, type_at)) => {
                session.problem(FACTS_FILE, type_at.or(at), item.clone(), kind);
                (FactType::Text { pattern: None }, true)
            }
        };
        let fact = Fact {
            name: name.value.clone(),
            description: def.description.clone(),
            unit: def.unit.clone(),
            fact_type,
            local,
            stand_in,
            at,
        };
        if let Err(kind) = layer.push(fact) {
            session.problem(FACTS_FILE, at, item, kind);
            break;
        }
    }
}

/// A problem, and where it is.
type Located = (ProblemKind, Option<Position>);

/// Builds a fact's type from its declaration; on error, the problem and where it is.
fn fact_type(def: &FactFile) -> Result<FactType, Located> {
    let type_at = syntax::position_of(&def.fact_type);
    let keyword = def.fact_type.value.as_str();
    let Some(kind) = FactKind::parse(keyword) else {
        let keywords = FactKind::ALL.map(FactKind::keyword);
        let kind = ProblemKind::UnknownFactType {
            name: shorten(keyword),
            suggestion: suggest::closest(keyword, keywords)
                .or_else(|| FactKind::meant_by(keyword).map(|k| k.keyword().to_owned())),
        };
        return Err((kind, type_at));
    };
    check_keys(def, kind).map_err(|k| (k, type_at))?;
    match kind {
        FactKind::Boolean => Ok(FactType::Boolean),
        FactKind::Integer => integer(def, type_at),
        FactKind::OneOf | FactKind::SetOf => {
            let Some(values) = &def.values else {
                let fact_type = keyword.to_owned();
                return Err((ProblemKind::ValuesNeeded { fact_type }, type_at));
            };
            let values_at = syntax::position_of(values);
            let entries = declared_values(&values.value).map_err(|k| (k, values_at))?;
            let values = Values::new(entries).map_err(|k| (k, values_at))?;
            Ok(if kind == FactKind::OneOf {
                FactType::OneOf(values)
            } else {
                FactType::SetOf(values)
            })
        }
        FactKind::Text => match &def.pattern {
            Some(p) => compile_regex(&p.value)
                .and_then(|_| compile_regex(&format!("^(?:{})$", p.value)))
                .map(|whole| FactType::Text {
                    pattern: Some(Pattern {
                        written: p.value.clone(),
                        whole,
                    }),
                })
                .map_err(|k| (k, syntax::position_of(p))),
            None => Ok(FactType::Text { pattern: None }),
        },
    }
}

/// Refuses a key the fact's type does not take (a `range` on a text fact, say).
fn check_keys(def: &FactFile, kind: FactKind) -> Result<(), ProblemKind> {
    let misplaced = |key: &str, types: &str| {
        Err(ProblemKind::KeyNotForType {
            key: key.to_owned(),
            types: types.to_owned(),
        })
    };
    let integer = kind == FactKind::Integer;
    if def.range.is_some() && !integer {
        return misplaced("range", "integer");
    }
    if def.unit.is_some() && !integer {
        return misplaced("unit", "integer");
    }
    if def.values.is_some() && !matches!(kind, FactKind::OneOf | FactKind::SetOf) {
        return misplaced("values", "one_of and set_of");
    }
    if def.pattern.is_some() && kind != FactKind::Text {
        return misplaced("pattern", "text");
    }
    Ok(())
}

/// An integer fact's type, from its `range: [MIN, MAX]`.
fn integer(def: &FactFile, type_at: Option<Position>) -> Result<FactType, Located> {
    let Some(range) = &def.range else {
        return Err((ProblemKind::RangeNeeded, type_at));
    };
    let bounds = match &range.value {
        Raw::List(items) => match items.as_slice() {
            [min, max] => match (&min.value, &max.value) {
                (Raw::Int(min), Raw::Int(max)) if min <= max => Some((*min, *max)),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    };
    match bounds {
        Some((min, max)) => Ok(FactType::Integer { min, max }),
        None => {
            let kind = ProblemKind::BadRange {
                found: range_found(&range.value),
            };
            Err((kind, syntax::position_of(range)))
        }
    }
}

/// What a bad `range:` holds, for its message.
fn range_found(raw: &Raw) -> String {
    let Raw::List(items) = raw else {
        return raw.describe();
    };
    match items.as_slice() {
        [min, max] => match (&min.value, &max.value) {
            (Raw::Int(min), Raw::Int(max)) => format!("[{min}, {max}]"),
            (Raw::Int(_), other) | (other, _) => other.describe(),
        },
        items => format!("a list of {} items", items.len()),
    }
}

/// A `values:` declaration: a list of names, or a mapping of name → description.
fn declared_values(raw: &Raw) -> Result<Vec<(String, Option<String>)>, ProblemKind> {
    let invalid = |found: &Raw| ProblemKind::WrongType {
        what: "`values`".to_owned(),
        expected: "a list of value names, or a mapping of value name to description".to_owned(),
        found: found.describe(),
    };
    let entries = match raw {
        Raw::List(items) => items
            .iter()
            .map(|i| match &i.value {
                Raw::Text(t) => Ok((t.clone(), None)),
                other => Err(invalid(other)),
            })
            .collect::<Result<Vec<_>, _>>()?,
        Raw::Map(entries) => entries
            .iter()
            .map(|(k, v)| match &v.value {
                Raw::Text(t) => Ok((k.value.clone(), Some(t.clone()))),
                Raw::Null => Ok((k.value.clone(), None)),
                other => Err(invalid(other)),
            })
            .collect::<Result<Vec<_>, _>>()?,
        other => return Err(invalid(other)),
    };
    for (name, _) in &entries {
        check_identifier("a value", name)?;
    }
    Ok(entries)
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
        Err(ProblemKind::BadIdentifier {
            what: what.to_owned(),
            name: shorten(name),
        })
    }
}

/// Compiles a pattern written in a rule file, within the size limit. Patterns are anchored by
/// the writer, not by us: `^SW1` means "starts with SW1".
pub(crate) fn compile_regex(pattern: &str) -> Result<regex::Regex, ProblemKind> {
    RegexBuilder::new(pattern)
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
            ProblemKind::InvalidRegex {
                pattern: shorten(pattern),
                reason,
            }
        })
}
