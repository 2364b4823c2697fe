//! The JSON Schema shapes of the parts of rule files that serde reads as a [`Raw`](super::Raw)
//! tree (conditions, declared values, fact types). The condition schema is generated from the
//! operator table in [`crate::language`], so an editor offers exactly the operators the loader
//! accepts. Only with the `schema` feature.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value};

use crate::language::{COUNT_OPERATORS, OPERATORS, Operand, Operator};

/// A condition of the rule language: a mapping with exactly one key, `all`, `any`, `not`,
/// `condition`, or a fact's name.
pub(crate) struct ConditionSchema;

impl JsonSchema for ConditionSchema {
    fn schema_name() -> Cow<'static, str> {
        "Condition".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let condition = generator.subschema_for::<ConditionSchema>();
        let test = generator.subschema_for::<FactTestSchema>();
        json_schema!({
            "description": "A condition: exactly one of `all: [...]`, `any: [...]`, `not: ...`, \
                `condition: NAME`, or `FACT: VALUE` / `FACT: { OPERATOR: VALUE, ... }`.",
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "properties": {
                "all": {
                    "description": "Every condition holds.",
                    "type": "array", "minItems": 1, "items": condition.clone(),
                },
                "any": {
                    "description": "At least one condition holds.",
                    "type": "array", "minItems": 1, "items": condition.clone(),
                },
                "not": {
                    "description": "The one condition given does not hold (unknown stays unknown). \
                        Takes one condition, not a list: for none of several, write \
                        `not: { any: [...] }`.",
                    "allOf": [condition],
                },
                "condition": {
                    "description": "The name of a named condition (conditions.yaml).",
                    "type": "string",
                },
            },
            "additionalProperties": test,
        })
    }
}

/// The test of one fact: a value (shorthand for `is`) or a mapping of operators.
pub(crate) struct FactTestSchema;

impl JsonSchema for FactTestSchema {
    fn schema_name() -> Cow<'static, str> {
        "FactTest".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A test of the fact named by the key: a value (shorthand for `is`), \
                or operators, all of which must hold, each checked against the fact's type when \
                the guide loads.",
            "anyOf": [
                operand(Operand::Value),
                {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": false,
                    "properties": operators(&OPERATORS),
                },
            ],
        })
    }
}

/// The operators' properties: each operator's name, with its operand's schema and meaning.
pub(crate) fn operators(list: &[Operator]) -> Value {
    let mut properties = Map::new();
    for operator in list {
        let spec = operator.spec();
        let mut schema = operand(spec.operand);
        if let Value::Object(map) = &mut schema {
            map.insert("description".to_owned(), Value::from(spec.meaning));
        }
        properties.insert(spec.name.to_owned(), schema);
    }
    Value::Object(properties)
}

/// The schema of an operand.
fn operand(operand: Operand) -> Value {
    match operand {
        Operand::Flag => serde_json::json!({ "type": "boolean" }),
        Operand::Value => serde_json::json!({ "type": ["boolean", "integer", "string"] }),
        Operand::Values => serde_json::json!({
            "type": "array", "minItems": 1, "items": { "type": ["integer", "string"] },
        }),
        Operand::Number => serde_json::json!({ "type": "integer" }),
        Operand::NumberPair => serde_json::json!({
            "type": "array", "items": { "type": "integer" }, "minItems": 2, "maxItems": 2,
        }),
        Operand::Member => serde_json::json!({ "type": "string" }),
        Operand::Members => serde_json::json!({
            "type": "array", "minItems": 1, "items": { "type": "string" },
        }),
        Operand::CountTest => serde_json::json!({
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "additionalProperties": false,
            "properties": operators(&COUNT_OPERATORS),
        }),
        Operand::Regex => serde_json::json!({ "type": "string", "format": "regex" }),
    }
}

/// A `values:` declaration: a list of value names, or a mapping of value name to description.
pub(crate) struct ValuesSchema;

impl JsonSchema for ValuesSchema {
    fn schema_name() -> Cow<'static, str> {
        "Values".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "For one_of and set_of facts: a list of value names, or a mapping of \
                value name to description.",
            "anyOf": [
                { "type": "array", "minItems": 1, "items": { "type": "string" } },
                {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": { "type": ["string", "null"] },
                },
            ],
        })
    }
}

/// A fact's type, as `facts.yaml` writes it.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code, reason = "only its schema is used")]
pub(crate) enum FactTypeKeyword {
    /// `true` or `false`.
    Boolean,
    /// A whole number within `range: [MIN, MAX]`.
    Integer,
    /// Exactly one of `values`.
    OneOf,
    /// Any number of `values`.
    SetOf,
    /// Free text, optionally matching `pattern`.
    Text,
}
