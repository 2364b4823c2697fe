//! The JSON Schemas: the committed files match the types, every rule file names its schema on
//! its first line and is valid against it, and the schemas reject what the loader rejects.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

const REGENERATE: &str = "cargo run --features schema --example write_schemas";

#[test]
fn committed_schemas_are_current() {
    let mut stale = Vec::new();
    for (path, expected) in practice_guide::schema::generated_files() {
        match std::fs::read_to_string(path) {
            Ok(committed) if committed == expected => {}
            Ok(_) => stale.push(format!("{path} differs from what the crate generates")),
            Err(err) => stale.push(format!("{path}: {err}")),
        }
    }
    assert!(
        stale.is_empty(),
        "the committed JSON Schemas or rule-language reference are not current:\n  {}\n\
         regenerate them with `{REGENERATE}` \
         and commit the result",
        stale.join("\n  ")
    );
}

/// Every YAML file under `rules/`, in name order.
fn rule_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new("rules"), &mut out);
    out.sort();
    out
}

/// The schema a rule file's first line names, resolved against the file's folder.
fn declared_schema(file: &Path, text: &str) -> PathBuf {
    let first = text.lines().next().unwrap_or_default();
    let relative = first
        .strip_prefix("# yaml-language-server: $schema=")
        .unwrap_or_else(|| {
            panic!(
                "{}: the first line must be `# yaml-language-server: $schema=RELATIVE PATH`, \
                 found `{first}`",
                file.display()
            )
        });
    file.parent().unwrap().join(relative)
}

fn compile(
    schemas: &mut boon::Schemas,
    compiler: &mut boon::Compiler,
    path: &Path,
) -> boon::SchemaIndex {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let url = format!("file:///{}", path.display());
    compiler.add_resource(&url, schema).unwrap();
    compiler.compile(&url, schemas).unwrap()
}

fn yaml_to_json(text: &str) -> Value {
    serde_saphyr::from_str(text).unwrap()
}

#[test]
fn every_rule_file_names_its_schema_and_is_valid_against_it() {
    let files = rule_files();
    assert!(files.len() >= 9, "{files:?}");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let schema = declared_schema(&file, &text);
        let kind = file.file_stem().unwrap().to_str().unwrap();
        assert_eq!(
            schema.file_name().unwrap().to_str().unwrap(),
            format!("{kind}.schema.json"),
            "{} names the schema of another kind of file",
            file.display()
        );
        assert!(
            schema.exists(),
            "{}: {} does not exist",
            file.display(),
            schema.display()
        );
        let index = compile(&mut schemas, &mut compiler, &schema.canonicalize().unwrap());
        if let Err(err) = schemas.validate(&yaml_to_json(&text), index) {
            panic!(
                "{} is not valid against {}:\n{err:#}",
                file.display(),
                schema.display()
            );
        }
    }
}

/// What the loader rejects as a misspelt key, an editor flags too.
#[test]
fn the_schemas_reject_misspelt_keys_and_unknown_words() {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let root = Path::new("rules/schema").canonicalize().unwrap();
    let recommendations = compile(
        &mut schemas,
        &mut compiler,
        &root.join("recommendations.schema.json"),
    );
    let services = compile(
        &mut schemas,
        &mut compiler,
        &root.join("services.schema.json"),
    );
    let valid = "\
- id: r1
  title: T
  statement: S.
  evidence: strong
  when: { all: [{ flag: true }, { age: { at_most: 10 } }] }
  how:
    - id: do-it
      text: Do it.
      fit: { delivery: [face_to_face] }
  sources: [{ url: 'https://example.org', wording: verbatim }]
";
    assert!(
        schemas
            .validate(&yaml_to_json(valid), recommendations)
            .is_ok()
    );
    for invalid in [
        valid.replace("  when:", "  whne:"),
        valid.replace("at_most", "at_mots"),
        valid.replace("wording: verbatim", "wording: verbatum"),
        valid.replace("face_to_face", "in_person"),
        valid.replace("{ all: [", "{ all: [], any: ["),
    ] {
        assert!(
            schemas
                .validate(&yaml_to_json(&invalid), recommendations)
                .is_err(),
            "{invalid}"
        );
    }
    let service = "\
- id: s1
  name: S
  description: D.
  delivery: online
  format: group
  structure: fixed
  ages: { label: 0 to 4, when: { children_ages: { contains_any: [age_0] } } }
  when: { postcode_district: { matches: '^EX[0-9]$' } }
  referral: { how: Self-referral, contact: '01234 567890' }
  delivers: [reduce-risk-of-harm, 'reduce-risk-of-harm#structured-delivery']
";
    assert!(schemas.validate(&yaml_to_json(service), services).is_ok());
    for invalid in [
        service.replace("delivery: online", "delivery: remote"),
        service.replace("  referral:", "  referal:"),
        service.replace("structure: fixed", "structure: [fixed]"),
    ] {
        assert!(
            schemas.validate(&yaml_to_json(&invalid), services).is_err(),
            "{invalid}"
        );
    }
}

/// A value each operator accepts on a fact of the fixture's vocabulary (`flag` boolean, `age`
/// integer, `level` one_of, `tags` set_of, `note` text).
fn operand(operator: &str, fact: &str) -> String {
    let value = match fact {
        "flag" => "true",
        "age" => "3",
        "level" => "low",
        "tags" => "a",
        _ => "x",
    };
    match operator {
        "known" | "is_empty" => "true".to_owned(),
        "is" | "is_not" | "contains" => value.to_owned(),
        "in" | "not_in" | "contains_any" | "contains_all" | "contains_none" => format!("[{value}]"),
        "between" => "[1, 3]".to_owned(),
        "count" => "{ at_least: 1 }".to_owned(),
        "matches" => "'^x'".to_owned(),
        _ => "3".to_owned(),
    }
}

/// The operators the committed condition schema offers for a fact's test (`FactTest`), and
/// within a `count:`.
fn offered_operators() -> (BTreeSet<String>, BTreeSet<String>) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string("rules/schema/recommendations.schema.json").unwrap(),
    )
    .unwrap();
    let operators = &schema["definitions"]["FactTest"]["anyOf"][1]["properties"];
    let names = |v: &Value| v.as_object().unwrap().keys().cloned().collect();
    (names(operators), names(&operators["count"]["properties"]))
}

/// The schema an editor reads and the loader are built from one operator table: for every fact
/// type, the loader accepts an operator the schema offers exactly when the operator applies to
/// the type, and over all types it accepts every operator the schema offers and no other.
#[test]
fn the_condition_schema_offers_exactly_the_operators_the_loader_accepts() {
    let (offered, count) = offered_operators();
    assert_eq!(offered.len(), 17, "{offered:?}");
    let mut accepted = BTreeSet::new();
    for fact in ["flag", "age", "level", "tags", "note"] {
        for operator in &offered {
            let when = format!(
                "{{ {fact}: {{ {operator}: {} }} }}",
                operand(operator, fact)
            );
            match crate::fixture::try_guide(&crate::fixture::one_recommendation(&when)) {
                Ok(_) => {
                    accepted.insert(operator.clone());
                }
                Err(err) => assert!(
                    matches!(
                        err.problems()[0].kind(),
                        practice_guide::error::ProblemKind::OperatorNotForType { .. }
                    ),
                    "{when}: {err}"
                ),
            }
        }
        let unknown = format!("{{ {fact}: {{ ressembles: 1 }} }}");
        let err = crate::fixture::try_guide(&crate::fixture::one_recommendation(&unknown));
        assert_eq!(err.unwrap_err().problems()[0].code(), "unknown_operator");
    }
    assert_eq!(accepted, offered);
    for operator in &count {
        let value = if operator == "between" { "[1, 2]" } else { "1" };
        let when = format!("{{ tags: {{ count: {{ {operator}: {value} }} }} }}");
        crate::fixture::try_guide(&crate::fixture::one_recommendation(&when))
            .unwrap_or_else(|e| panic!("{when}: {e}"));
    }
    let not_counting = "{ tags: { count: { contains: a } } }";
    assert!(crate::fixture::try_guide(&crate::fixture::one_recommendation(not_counting)).is_err());
    assert_eq!(count.len(), 6, "{count:?}");
}

/// Every key of every rule file says what it means, so that the reference (generated from the
/// schemas) leaves no key unexplained.
#[test]
fn every_key_of_every_rule_file_is_described() {
    fn walk(path: &str, value: &Value, missing: &mut Vec<String>) {
        if let Some(properties) = value.get("properties").and_then(Value::as_object) {
            for (key, property) in properties {
                if property.get("description").is_none() {
                    missing.push(format!("{path}: `{key}`"));
                }
            }
        }
        if let Value::Object(map) = value {
            for (key, child) in map {
                walk(&format!("{path}/{key}"), child, missing);
            }
        }
    }
    let mut missing = Vec::new();
    for (path, schema) in practice_guide::schema::rule_file_schemas() {
        walk(path, &schema, &mut missing);
    }
    assert!(
        missing.is_empty(),
        "keys without a description: {missing:#?}"
    );
    let reference = practice_guide::schema::language_reference();
    for operator in [
        "is_not",
        "contains_none",
        "count",
        "matches",
        "known",
        "between",
    ] {
        assert!(
            reference.contains(&format!("| `{operator}` |")),
            "{operator}"
        );
    }
}

/// Every committed case file (the embedded guide's suite and the tool's fixtures) names the case
/// file's schema on its first line and is valid against it.
#[test]
fn every_case_file_names_its_schema_and_is_valid_against_it() {
    let mut files = Vec::new();
    for dir in [
        "tests/cases",
        "cli/tests/fixtures/mini-cases",
        "cli/tests/fixtures/failing-cases",
        "cli/tests/fixtures/case-profile-mistakes",
    ] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 50, "{files:?}");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let schema = declared_schema(&file, &text);
        assert_eq!(
            schema.file_name().unwrap().to_str().unwrap(),
            "case.schema.json",
            "{}",
            file.display()
        );
        let index = compile(&mut schemas, &mut compiler, &schema.canonicalize().unwrap());
        if let Err(err) = schemas.validate(&yaml_to_json(&text), index) {
            panic!(
                "{} is not valid against {}:\n{err:#}",
                file.display(),
                schema.display()
            );
        }
    }
}

/// What the case reader rejects as a misspelt key or an unknown status, an editor flags too.
#[test]
fn the_case_schema_rejects_misspelt_keys_and_unknown_statuses() {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let path = Path::new("schema/case.schema.json").canonicalize().unwrap();
    let case = compile(&mut schemas, &mut compiler, &path);
    let valid = "profile: { age: 3 }\nexpect:\n  scope: applies\n  recommendations:\n    r1: applies\n    \
                 r2: { status: undetermined, missing: [age], actions: [] }\n";
    assert!(schemas.validate(&yaml_to_json(valid), case).is_ok());
    for wrong in [
        "profile: {}\nexpect: {}\nexpekt: {}\n",
        "profile: {}\nexpect: { scope: applys }\n",
        "profile: {}\nexpect: { recommendations: { r1: { status: applies, evidense: strong } } }\n",
        "profile: {}\nexpect: { recommendations: { r1: maybe } }\n",
        "expect: {}\n",
    ] {
        assert!(
            schemas.validate(&yaml_to_json(wrong), case).is_err(),
            "{wrong}"
        );
    }
}
