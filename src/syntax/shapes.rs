//! The JSON Schema shapes of the parts of rule files that serde reads as a [`Raw`](super::Raw)
//! tree (conditions, declared values, fact types), and of a case file's profile and
//! expectations. The condition schema is generated from the operator table in [`crate::language`], so an editor offers exactly the operators the loader
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

/// A case file's profile: fact name -> value, as a profile file gives it (each fact's type is
/// the guide's, so an editor checks only the shape).
pub(crate) struct ProfileSchema;

impl JsonSchema for ProfileSchema {
    fn schema_name() -> Cow<'static, str> {
        "Profile".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The family's profile: fact name -> value (true or false, a whole \
                number, a value name, a list of value names, or a text). A fact left out is not \
                known.",
            "type": ["object", "null"],
            "additionalProperties": {
                "type": ["boolean", "integer", "string", "array"],
                "items": { "type": "string" },
            },
        })
    }
}

/// A status a case file expects: what an evaluation can say of the scope or of a rule.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code, reason = "only its schema is used")]
pub(crate) enum StatusSchema {
    /// The rule applies to the family.
    Applies,
    /// Not known yet: the result depends on facts the profile does not give.
    Undetermined,
    /// The rule does not apply to the family.
    DoesNotApply,
}

/// What a case file expects of one rule: its status, or a mapping of its status and what else
/// the result must say.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "only its schema is used")]
pub(crate) enum RuleExpectationSchema {
    /// The rule's expected status only.
    Status(StatusSchema),
    /// The rule's expected status, and what else the result must say.
    Detailed(RuleExpectationDetail),
}

#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "only its schema is used")]
pub(crate) struct RuleExpectationDetail {
    /// The rule's expected status.
    status: StatusSchema,
    /// Recommendations only: the expected evidence level, by id.
    #[serde(default)]
    evidence: Option<String>,
    /// The facts the result must list as missing (the facts that would decide it), by name.
    #[serde(default)]
    missing: Option<Vec<String>>,
    /// The "how" points the result must show (`[]`: none), each by a piece of its text,
    /// `{ id: ID }`, or with the status it must be shown with.
    #[serde(default)]
    actions: Option<Vec<ActionExpectationSchema>>,
}

/// One "how" point a case file expects.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "only its schema is used")]
pub(crate) enum ActionExpectationSchema {
    /// A piece of the point's text.
    Text(String),
    /// The point by its id, with the status it must be shown with (optional).
    ById(ActionById),
    /// The point by a piece of its text, with the status it must be shown with (optional).
    ByText(ActionByText),
}

#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "only its schema is used")]
pub(crate) struct ActionById {
    /// The point's id, within its rule.
    id: String,
    /// The status the point must be shown with.
    #[serde(default)]
    status: Option<StatusSchema>,
}

#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "only its schema is used")]
pub(crate) struct ActionByText {
    /// A piece of the point's text.
    text: String,
    /// The status the point must be shown with.
    #[serde(default)]
    status: Option<StatusSchema>,
}
