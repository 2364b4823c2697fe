//! JSON Schemas (draft-07) of every kind of rule file and of an evaluation's JSON, generated
//! from the crate's own types with [`schemars`], so that they can never drift from what the
//! loader reads and what an [`Evaluation`](crate::Evaluation) writes. Needs the `schema` feature.
//!
//! The repository commits them: `rules/schema/*.schema.json` for the rule files (editors read
//! them through each file's first line, `# yaml-language-server: $schema=...`), and
//! `schema/evaluation.schema.json` for the results; with them, the rule language's reference for
//! authors, `rules/REFERENCE.md`, generated from the same types and the operator table. A test
//! fails when a committed file no longer matches; `cargo run --features schema --example
//! write_schemas` rewrites them all ([`generated_files`]).
//!
//! ```
//! let schemas = practice_guide::schema::schemas();
//! let (path, guide) = &schemas[0];
//! assert_eq!(*path, "rules/schema/guide.schema.json");
//! assert_eq!(guide["title"], "guide.yaml");
//! ```

mod reference;

pub use reference::language_reference;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};
use serde_json::Value;

use crate::result::CompactEvaluation;
use crate::syntax::{ConditionsFile, FactsFile, GuideFile, OverlayFile, RuleFile, ServiceFile};

/// Every file the repository commits that this module generates, as `(path relative to the
/// repository's root, text)`: each schema of [`schemas`] (pretty JSON), and the rule
/// language's reference, `rules/REFERENCE.md` ([`language_reference`]).
pub fn generated_files() -> Vec<(&'static str, String)> {
    let mut files: Vec<(&'static str, String)> = schemas()
        .into_iter()
        .map(|(path, schema)| {
            let text = serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n";
            (path, text)
        })
        .collect();
    files.push(("rules/REFERENCE.md", language_reference()));
    files
}

/// Every schema, as `(path relative to the repository's root, schema)`, in a fixed order: the
/// rule files' (`rules/schema/`), then the evaluation's (`schema/evaluation.schema.json`), its
/// compact form's (`schema/compact-evaluation.schema.json`) and a case file's
/// (`schema/case.schema.json`).
pub fn schemas() -> Vec<(&'static str, Value)> {
    let mut all = rule_file_schemas();
    all.push(("schema/evaluation.schema.json", evaluation_schema()));
    all.push((
        "schema/compact-evaluation.schema.json",
        compact_evaluation_schema(),
    ));
    all.push(("schema/case.schema.json", case_file_schema()));
    all
}

/// The schema of a case file (a case of a case suite: a family's profile and what the guide
/// should say of it), for editors: each case file names it on its first line,
/// `# yaml-language-server: $schema=...`. Rule ids, levels and facts are the guide's, so only
/// the shape is checked here; `practice-guide test` checks the rest.
pub fn case_file_schema() -> Value {
    rule_file::<crate::cases::CaseFile>(
        "case file",
        "A case of a case suite: a family's profile and what the guide should say of it (the \
         scope's status, each listed rule's status, evidence level, missing facts and \
         \"how\" points).",
    )
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

/// The schema of an [`Evaluation`](crate::Evaluation) serialized as JSON (what `serde_json::to_string` writes).
pub fn evaluation_schema() -> Value {
    let schema = SchemaSettings::draft07()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<crate::result::shape::Evaluation<'static>>();
    titled(
        schema,
        "evaluation",
        "The result of evaluating a family's profile against a practice guide (and a local \
         overlay), as practice-guide writes it in JSON. Stable: fields are only ever added.",
    )
}

/// The schema of a [`CompactEvaluation`] (what `serde_json::to_string(&evaluation.compact())`
/// writes).
pub fn compact_evaluation_schema() -> Value {
    let schema = SchemaSettings::draft07()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<CompactEvaluation<'static>>();
    titled(
        schema,
        "compact evaluation",
        "The result of evaluating a family's profile against a practice guide in compact form: \
         ids, statuses, evidence level ids, reasons, missing facts, \"how\" points and services by \
         id, without the guide's texts (fetched once from the guide and joined by id). Stable: \
         fields are only ever added.",
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
