//! JSON Schemas (draft-07) of every kind of rule file and of an evaluation's JSON, generated
//! from the crate's own types with [`schemars`], so that they can never drift from what the
//! loader reads and what an [`Evaluation`] writes. Needs the `schema` feature.
//!
//! The repository commits them: `rules/schema/*.schema.json` for the rule files (editors read
//! them through each file's first line, `# yaml-language-server: $schema=...`), and
//! `schema/evaluation.schema.json` for the results. A test fails when a committed schema no
//! longer matches the types; `cargo run --features schema --example write_schemas` rewrites them.
//!
//! ```
//! let schemas = practice_guide::schema::schemas();
//! let (path, guide) = &schemas[0];
//! assert_eq!(*path, "rules/schema/guide.schema.json");
//! assert_eq!(guide["title"], "guide.yaml");
//! ```

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use crate::evaluation::Evaluation;
use crate::files::{ConditionsFile, FactsFile, GuideFile, RuleFile};
use crate::overlay::{OverlayFile, ServiceFile};

/// Every schema, as `(path relative to the repository's root, schema)`, in a fixed order: the
/// rule files' (`rules/schema/`), then the evaluation's (`schema/evaluation.schema.json`).
pub fn schemas() -> Vec<(&'static str, Value)> {
    let mut all = rule_file_schemas();
    all.push(("schema/evaluation.schema.json", evaluation_schema()));
    all
}

/// The schema of each kind of rule file, as `(path relative to the repository's root, schema)`:
/// a guide folder's `guide.yaml`, `facts.yaml`, `conditions.yaml`, `principles.yaml` and
/// `recommendations.yaml`, and an overlay folder's `overlay.yaml` and `services.yaml` (an
/// overlay's `facts.yaml` and `conditions.yaml` use the guide's schemas).
pub fn rule_file_schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "rules/schema/guide.schema.json",
            rule_file::<GuideFile>(
                "guide.yaml",
                "A guide's metadata, audiences, outcomes, evidence scale and scope.",
            ),
        ),
        (
            "rules/schema/facts.schema.json",
            rule_file::<FactsFile>(
                "facts.yaml",
                "The fact vocabulary: fact name -> declaration. An overlay's facts.yaml adds \
                 local facts to its guide's.",
            ),
        ),
        (
            "rules/schema/conditions.schema.json",
            rule_file::<ConditionsFile>(
                "conditions.yaml",
                "Named conditions, used in any rule as `condition: NAME`.",
            ),
        ),
        (
            "rules/schema/principles.schema.json",
            rule_file::<Vec<RuleFile>>("principles.yaml", "A guide's key principles, in order."),
        ),
        (
            "rules/schema/recommendations.schema.json",
            rule_file::<Vec<RuleFile>>(
                "recommendations.yaml",
                "A guide's recommendations, in the guide's order.",
            ),
        ),
        (
            "rules/schema/overlay.schema.json",
            rule_file::<OverlayFile>(
                "overlay.yaml",
                "A local parenting offer layered on a guide: what it is and which guide it extends.",
            ),
        ),
        (
            "rules/schema/services.schema.json",
            rule_file::<Vec<ServiceFile>>(
                "services.yaml",
                "An overlay's local services and programmes, and the recommendations each delivers.",
            ),
        ),
    ]
}

/// The schema of an [`Evaluation`] serialized as JSON (what `serde_json::to_string` writes).
pub fn evaluation_schema() -> Value {
    let schema = SchemaSettings::draft07()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<Evaluation<'static>>();
    titled(
        schema,
        "evaluation",
        "The result of evaluating a family's profile against a practice guide (and a local \
         overlay), as practice-guide writes it in JSON. Stable: fields are only ever added.",
    )
}

fn rule_file<T: JsonSchema>(title: &str, description: &str) -> Value {
    let schema = SchemaSettings::draft07()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<T>();
    titled(schema, title, description)
}

fn titled(schema: Schema, title: &str, description: &str) -> Value {
    let mut value = schema.to_value();
    if let Value::Object(map) = &mut value {
        map.insert("title".to_owned(), Value::from(title));
        map.insert("description".to_owned(), Value::from(description));
    }
    value
}

/// A condition of the rule language (see `src/condition.rs`): a mapping with exactly one key,
/// `all`, `any`, `not`, `condition`, or a fact's name.
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
                "not": condition,
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
        let scalar = json_schema!({ "type": ["boolean", "integer", "string"] });
        let number = json_schema!({ "type": "integer" });
        let pair = json_schema!({
            "type": "array", "items": { "type": "integer" }, "minItems": 2, "maxItems": 2,
        });
        let values = json_schema!({
            "type": "array", "minItems": 1, "items": { "type": ["integer", "string"] },
        });
        let names = json_schema!({
            "type": "array", "minItems": 1, "items": { "type": "string" },
        });
        let flag = json_schema!({ "type": "boolean" });
        json_schema!({
            "description": "A test of the fact named by the key: a value (shorthand for `is`), \
                or operators, each checked against the fact's type when the guide loads.",
            "anyOf": [
                scalar.clone(),
                {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": false,
                    "properties": {
                        "known": flag.clone(),
                        "is": scalar.clone(),
                        "is_not": scalar,
                        "in": values.clone(),
                        "not_in": values,
                        "at_least": number.clone(),
                        "at_most": number.clone(),
                        "more_than": number.clone(),
                        "less_than": number.clone(),
                        "between": pair.clone(),
                        "contains": { "type": "string" },
                        "contains_any": names.clone(),
                        "contains_all": names.clone(),
                        "contains_none": names,
                        "is_empty": flag,
                        "count": {
                            "description": "A numeric test of how many values a set_of fact has.",
                            "type": "object",
                            "minProperties": 1,
                            "maxProperties": 1,
                            "additionalProperties": false,
                            "properties": {
                                "is": number.clone(),
                                "at_least": number.clone(),
                                "at_most": number.clone(),
                                "more_than": number.clone(),
                                "less_than": number,
                                "between": pair,
                            },
                        },
                        "matches": {
                            "description": "A regular expression (Rust `regex` syntax).",
                            "type": "string",
                            "format": "regex",
                        },
                    },
                },
            ],
        })
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
