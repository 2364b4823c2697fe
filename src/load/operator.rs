//! Compiling one `OPERATOR: VALUE` test on a fact, by the operator table of
//! [`crate::language`], with its value checked against the fact's type, range or declared values
//! the same way a profile's value is; and describing the test in words for reports.

use crate::error::{ProblemKind, shorten};
use crate::language::{COUNT_OPERATORS, Operand, Operator};
use crate::model::condition::Test;
use crate::model::value::Slot;
use crate::model::vocabulary::{Fact, FactType};
use crate::profile::FactValue;
use crate::suggest;
use crate::syntax::{Raw, Spanned};

use super::facts::compile_regex;

/// Compiles one operator valid for the fact's type.
pub(super) fn compile_operator(
    fact: &Fact,
    op: Operator,
    value: &Spanned<Raw>,
) -> Result<Test, ProblemKind> {
    let raw = &value.value;
    let negated =
        |inner: Operator| compile_operator(fact, inner, value).map(|t| Test::Negated(Box::new(t)));
    Ok(match op {
        Operator::Known => Test::Known(flag(op, raw)?),
        Operator::IsNot => return negated(Operator::Is),
        Operator::NotIn => return negated(Operator::In),
        Operator::ContainsNone => return negated(Operator::ContainsAny),
        Operator::IsEmpty => {
            let empty = Test::SetCountBetween(0, 0);
            if flag(op, raw)? {
                empty
            } else {
                Test::Negated(Box::new(empty))
            }
        }
        Operator::Count => compile_count(fact, raw)?,
        Operator::Matches => match raw {
            Raw::Text(pattern) => Test::TextMatches(compile_regex(pattern)?),
            other => return Err(wrong(op, "a regular expression (text)", other)),
        },
        Operator::Between => {
            let (low, high) = pair(fact, op, raw)?;
            if low > high {
                return Err(ProblemKind::EmptyBetween { low, high });
            }
            Test::IntBetween(low, high)
        }
        Operator::AtLeast => Test::IntBetween(number(fact, op, raw)?, i64::MAX),
        Operator::AtMost => Test::IntBetween(i64::MIN, number(fact, op, raw)?),
        Operator::MoreThan => Test::IntBetween(number(fact, op, raw)?.saturating_add(1), i64::MAX),
        Operator::LessThan => Test::IntBetween(i64::MIN, number(fact, op, raw)?.saturating_sub(1)),
        Operator::Is => is(fact, value)?,
        Operator::In => one_of(fact, op, list(op, raw)?)?,
        Operator::Contains => Test::SetContainsAny(mask_of(fact, op, std::slice::from_ref(value))?),
        Operator::ContainsAny => Test::SetContainsAny(mask_of(fact, op, list(op, raw)?)?),
        Operator::ContainsAll => Test::SetContainsAll(mask_of(fact, op, list(op, raw)?)?),
    })
}

/// `is: VALUE`, by the fact's type.
fn is(fact: &Fact, value: &Spanned<Raw>) -> Result<Test, ProblemKind> {
    let raw = &value.value;
    match &fact.fact_type {
        FactType::Integer { .. } => number(fact, Operator::Is, raw).map(|v| Test::IntBetween(v, v)),
        FactType::OneOf(_) => {
            mask_of(fact, Operator::Is, std::slice::from_ref(value)).map(Test::ChoiceIn)
        }
        _ => match checked_slot(fact, raw)? {
            Slot::Bool(b) => Ok(Test::BoolIs(b)),
            Slot::Text(t) => Ok(Test::TextIn(Box::new([t]))),
            _ => Err(ProblemKind::Internal),
        },
    }
}

/// `in: [VALUES]`, by the fact's type.
fn one_of(fact: &Fact, op: Operator, items: &[Spanned<Raw>]) -> Result<Test, ProblemKind> {
    match &fact.fact_type {
        FactType::Integer { .. } => items
            .iter()
            .map(|i| number(fact, op, &i.value))
            .collect::<Result<_, _>>()
            .map(Test::IntIn),
        FactType::OneOf(_) => mask_of(fact, op, items).map(Test::ChoiceIn),
        _ => items
            .iter()
            .map(|i| match checked_slot(fact, &i.value)? {
                Slot::Text(t) => Ok(t),
                _ => Err(wrong(op, "text", &i.value)),
            })
            .collect::<Result<_, _>>()
            .map(Test::TextIn),
    }
}

fn compile_count(fact: &Fact, raw: &Raw) -> Result<Test, ProblemKind> {
    let FactType::SetOf(values) = &fact.fact_type else {
        return Err(ProblemKind::Internal);
    };
    // The count is tested as if it were an integer fact ranging over 0..=number of values.
    let max = i64::try_from(values.names().len()).unwrap_or(i64::MAX);
    let as_integer = counting(fact, max);
    let Raw::Map(operators) = raw else {
        return Err(wrong(
            Operator::Count,
            "a numeric test such as `{ at_least: 2 }`",
            raw,
        ));
    };
    let [(op, value)] = operators.as_slice() else {
        return Err(ProblemKind::CountNeedsOneTest);
    };
    let Some(operator) = Operator::parse(&op.value).filter(|o| COUNT_OPERATORS.contains(o)) else {
        let valid: Vec<String> = COUNT_OPERATORS
            .iter()
            .map(|o| o.name().to_owned())
            .collect();
        return Err(ProblemKind::UnknownOperator {
            operator: shorten(&op.value),
            fact: format!("count of {}", fact.name),
            suggestion: suggest::closest(&op.value, valid.iter().map(String::as_str)),
            valid,
        });
    };
    let Test::IntBetween(lo, hi) = compile_operator(&as_integer, operator, value)? else {
        return Err(ProblemKind::Internal);
    };
    let clamp = |v: i64| u32::try_from(v.clamp(0, i64::from(u32::MAX))).unwrap_or(u32::MAX);
    Ok(Test::SetCountBetween(clamp(lo), clamp(hi)))
}

/// A stand-in integer fact for the count of a set_of fact's values, named after it.
fn counting(fact: &Fact, max: i64) -> Fact {
    Fact {
        name: fact.name.clone(),
        description: String::new(),
        unit: None,
        fact_type: FactType::Integer { min: 0, max },
        local: fact.local,
        stand_in: fact.stand_in,
        at: fact.at,
    }
}

/// Checks a single value against the fact's type the same way a profile value is checked, so a
/// rule can never test for a value no profile could have.
fn checked_slot(fact: &Fact, raw: &Raw) -> Result<Slot, ProblemKind> {
    let value: FactValue = raw.to_fact_value().map_err(|s| fact.not_a_value(s))?;
    fact.slot(&value)
}

fn number(fact: &Fact, op: Operator, raw: &Raw) -> Result<i64, ProblemKind> {
    match (raw, checked_slot(fact, raw)) {
        (Raw::Int(_), Ok(Slot::Int(i))) => Ok(i),
        (Raw::Int(_), Err(e)) => Err(e),
        _ => Err(wrong(op, "a whole number", raw)),
    }
}

fn pair(fact: &Fact, op: Operator, raw: &Raw) -> Result<(i64, i64), ProblemKind> {
    match raw {
        Raw::List(items) => match items.as_slice() {
            [lo, hi] => Ok((number(fact, op, &lo.value)?, number(fact, op, &hi.value)?)),
            _ => Err(wrong(op, "two numbers, [LOW, HIGH]", raw)),
        },
        other => Err(wrong(op, "two numbers, [LOW, HIGH]", other)),
    }
}

fn list(op: Operator, raw: &Raw) -> Result<&[Spanned<Raw>], ProblemKind> {
    match raw {
        Raw::List(items) if !items.is_empty() => Ok(items),
        Raw::List(_) => Err(ProblemKind::EmptyValueList {
            operator: op.name().to_owned(),
        }),
        other => Err(wrong(op, "a list of values", other)),
    }
}

fn flag(op: Operator, raw: &Raw) -> Result<bool, ProblemKind> {
    match raw {
        Raw::Bool(b) => Ok(*b),
        other => Err(wrong(op, "true or false", other)),
    }
}

/// The bits of declared values listed in `items`.
fn mask_of(fact: &Fact, op: Operator, items: &[Spanned<Raw>]) -> Result<u128, ProblemKind> {
    let (FactType::OneOf(values) | FactType::SetOf(values)) = &fact.fact_type else {
        return Err(ProblemKind::Internal);
    };
    let mut mask = 0u128;
    for item in items {
        let Raw::Text(name) = &item.value else {
            return Err(wrong(op, "a declared value", &item.value));
        };
        let bit = values
            .bit(name)
            .ok_or_else(|| values.unknown_value(name, &fact.name))?;
        mask |= 1u128 << bit;
    }
    Ok(mask)
}

fn wrong(op: Operator, expected: &str, found: &Raw) -> ProblemKind {
    ProblemKind::WrongType {
        what: format!("`{}`", op.name()),
        expected: expected.to_owned(),
        found: found.describe(),
    }
}

/// How a test reads in a report: the fact, the operator in words, and its value; `negated`, how
/// its negation reads (for a test under `not:`, shown as the rule states it).
pub(super) fn describe(op: Operator, raw: &Raw, fact: &Fact, negated: bool) -> String {
    let name = &fact.name;
    let yes = !matches!(raw, Raw::Bool(false)) != negated;
    match op {
        Operator::Known if yes => return format!("{name} is known"),
        Operator::Known => return format!("{name} is not known"),
        Operator::IsEmpty if yes => return format!("{name} is empty"),
        Operator::IsEmpty => return format!("{name} is not empty"),
        Operator::Count => {
            if let Raw::Map(entries) = raw
                && let [(inner_op, value)] = entries.as_slice()
                && let Some(inner) = Operator::parse(&inner_op.value)
            {
                let count = counting(fact, i64::MAX);
                let inner = describe(inner, &value.value, &count, negated);
                return format!("the number of {inner}");
            }
        }
        _ => {}
    }
    let words = if negated {
        op.negated_words()
    } else {
        op.spec().words
    };
    let mut text = format!("{name} {words} ");
    write_raw(&mut text, raw, op.spec().operand == Operand::NumberPair);
    if let Some(unit) = &fact.unit
        && (matches!(raw, Raw::Int(_)) || op == Operator::Between)
    {
        text.push(' ');
        // "1 year", not "1 years": the unit is written in the plural, as for most numbers.
        let one = matches!(raw, Raw::Int(1 | -1));
        text.push_str(if one {
            unit.strip_suffix('s').unwrap_or(unit)
        } else {
            unit
        });
    }
    text
}

fn write_raw(out: &mut String, raw: &Raw, range: bool) {
    match raw {
        Raw::Null => out.push_str("null"),
        Raw::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Raw::Int(i) => out.push_str(&i.to_string()),
        Raw::Float(x) => out.push_str(&x.to_string()),
        Raw::Text(t) => out.push_str(t),
        Raw::List(items) => {
            let separator = if range { " and " } else { ", " };
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(separator);
                }
                write_raw(out, &item.value, false);
            }
        }
        Raw::Map(entries) => {
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&k.value.replace('_', " "));
                out.push(' ');
                write_raw(out, &v.value, k.value == "between");
            }
        }
    }
}
