//! Binding a profile to a guide's vocabulary: a [`FamilyProfile`] built in code, or a profile's
//! YAML or JSON text, checked fact by fact (every problem reported, located where there is text)
//! and turned into one [`Slot`] per fact.

use crate::error::{Error, Input, Item, Position, Problem, ProblemKind};
use crate::limits;
use crate::model::value::{Slot, Slots};
use crate::model::vocabulary::{FactId, FactType, Vocab};
use crate::profile::{FactValue, FamilyProfile};
use crate::syntax::{self, Budget, Raw, Spanned};

/// Binds a profile built in code.
pub(super) fn bind(vocab: Vocab<'_>, profile: &FamilyProfile) -> Result<Slots, Error> {
    let mut slots = Slots::unknown(vocab.len());
    let mut problems = Vec::new();
    for (name, value) in profile.iter() {
        if problems.len() > limits::MAX_PROBLEMS {
            break;
        }
        match bind_one(vocab, name, value) {
            Ok((id, slot)) => slots.set(id, slot),
            Err(kind) => problems.push(problem(None, name, kind, None)),
        }
    }
    finish(slots, problems)
}

fn bind_one(
    vocab: Vocab<'_>,
    name: &str,
    value: &FactValue,
) -> Result<(FactId, Slot), ProblemKind> {
    let id = vocab.resolve(name)?;
    let fact = vocab.fact(id).ok_or(ProblemKind::Internal)?;
    Ok((id, fact.slot(value)?))
}

/// Which syntax a profile's text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Syntax {
    /// YAML, of which JSON is a part.
    Yaml,
    /// Strict JSON.
    Json,
}

/// Reads and binds a profile from text; every problem names `origin`, the line and the column.
pub(super) fn read(
    vocab: Vocab<'_>,
    origin: &str,
    text: &str,
    syntax: Syntax,
) -> Result<Slots, Error> {
    let read = || {
        if syntax == Syntax::Json {
            strict_json(origin, text)?;
        }
        let root: Spanned<Raw> =
            syntax::parse(Input::Profile, origin, text, Budget::Profile).map_err(Error::one)?;
        if syntax == Syntax::Json && matches!(root.value, Raw::Null) {
            let problem = not_a_mapping(Input::Profile, origin, &root);
            return Err(Error::one(problem));
        }
        from_raw(vocab, Input::Profile, origin, root)
    };
    read().map_err(|err| {
        let mut problems = err.into_problems();
        syntax::fill_ends(&mut problems, origin, text);
        Error::new(problems)
    })
}

/// Binds a profile read as a YAML value (a whole file, or a case file's `profile:`); an empty
/// document is a profile with nothing known.
pub(super) fn from_raw(
    vocab: Vocab<'_>,
    input: Input,
    origin: &str,
    root: Spanned<Raw>,
) -> Result<Slots, Error> {
    let at = syntax::position_of(&root);
    let entries = match root.value {
        Raw::Map(entries) => entries,
        Raw::Null => Vec::new(),
        other => {
            let kind = ProblemKind::WrongType {
                what: "a profile".to_owned(),
                expected: "a mapping of fact names to values".to_owned(),
                found: other.describe(),
            };
            return Err(Error::one(Problem::new(input, Some(origin), kind).at(at)));
        }
    };
    let mut slots = Slots::unknown(vocab.len());
    let mut problems = Vec::new();
    for (key, value) in entries {
        if problems.len() > limits::MAX_PROBLEMS {
            break;
        }
        match read_one(vocab, &key, &value) {
            Ok(Some((id, slot))) => slots.set(id, slot),
            Ok(None) => {}
            Err((kind, at)) => {
                let problem = problem(Some(origin), &key.value, kind, at);
                problems.push(problem.in_input(input));
            }
        }
    }
    finish(slots, problems)
}

/// A problem, and where it is.
type Located = (ProblemKind, Option<Position>);

/// One fact of a profile's text: its id and slot, `None` for `null` (unknown), or the problem
/// and where it is.
fn read_one(
    vocab: Vocab<'_>,
    key: &Spanned<String>,
    value: &Spanned<Raw>,
) -> Result<Option<(FactId, Slot)>, Located> {
    let id = vocab
        .resolve(&key.value)
        .map_err(|k| (k, syntax::position_of(key)))?;
    let at = syntax::position_of(value);
    let fact = vocab.fact(id).ok_or((ProblemKind::Internal, at))?;
    if matches!(value.value, Raw::Null) {
        return Ok(None);
    }
    let fact_value = value
        .value
        .to_fact_value()
        .map_err(|shape| (fact.not_a_value(shape), at))?;
    let slot = fact.slot(&fact_value).map_err(|k| (k, at))?;
    Ok(Some((id, slot)))
}

fn not_a_mapping(input: Input, origin: &str, root: &Spanned<Raw>) -> Problem {
    let kind = ProblemKind::WrongType {
        what: "a profile".to_owned(),
        expected: "a mapping of fact names to values".to_owned(),
        found: root.value.describe(),
    };
    Problem::new(input, Some(origin), kind).at(syntax::position_of(root))
}

/// Refuses text that is not JSON (YAML's other forms), locating the first error.
fn strict_json(origin: &str, text: &str) -> Result<(), Error> {
    if text.len() > limits::MAX_PROFILE_BYTES {
        // The YAML reader reports the size, with the same words as for any profile.
        return Ok(());
    }
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map(|_| ())
        .map_err(|err| {
            let detail = match err.classify() {
                serde_json::error::Category::Eof => "the JSON text ends too early",
                _ => "the text is not valid JSON",
            };
            let kind = ProblemKind::Syntax {
                detail: detail.to_owned(),
                hint: Some(
                    "a JSON profile is an object of fact names to values, such as \
                     {\"service_level\": \"universal\"}"
                        .to_owned(),
                ),
            };
            let at = (err.line() > 0).then(|| Position {
                line: err.line() as u64,
                column: err.column() as u64,
            });
            Error::one(Problem::new(Input::Profile, Some(origin), kind).at(at))
        })
}

fn problem(file: Option<&str>, fact: &str, kind: ProblemKind, at: Option<Position>) -> Problem {
    let item = Some(Item::Fact(crate::error::shorten(fact)));
    Problem::new(Input::Profile, file, kind).at(at).about(item)
}

fn finish(slots: Slots, problems: Vec<Problem>) -> Result<Slots, Error> {
    if problems.is_empty() {
        Ok(slots)
    } else {
        Err(Error::new(problems))
    }
}

/// The bound facts, back as a profile by name.
pub(super) fn to_profile(vocab: Vocab<'_>, slots: &Slots) -> FamilyProfile {
    let mut profile = FamilyProfile::new();
    for (id, slot) in slots.known() {
        let Some(fact) = vocab.fact(id) else { continue };
        let value = match (slot, &fact.fact_type) {
            (Slot::Bool(b), _) => FactValue::Bool(*b),
            (Slot::Int(i), _) => FactValue::Integer(*i),
            (Slot::Choice(bit), FactType::OneOf(values)) => {
                FactValue::Text(values.name(*bit).to_owned())
            }
            (Slot::Set(mask), FactType::SetOf(values)) => {
                FactValue::List(values.names_in(*mask).map(str::to_owned).collect())
            }
            (Slot::Text(t), _) => FactValue::Text(t.to_string()),
            _ => continue,
        };
        profile.set(fact.name(), value);
    }
    profile
}
