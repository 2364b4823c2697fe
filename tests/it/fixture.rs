//! A small test guide whose vocabulary has one fact of every type, and helpers to build guides
//! that differ from it in one file.

use practice_guide::{Evaluation, FamilyProfile, Guide, Status};

pub const GUIDE: &str = "\
id: test-guide
title: Test guide
publisher: Tests
published: 2025-01-01
source: https://example.org/guide
version: 1.0.0
audiences:
  leaders: Leaders
  practitioners: Practitioners
outcomes:
  harm: Less harm
evidence:
  - id: strong
    label: Strong evidence
    definition: Two trials.
  - id: promising
    label: Promising evidence
  - id: not_known
    label: Rating not known
    unrated: true
";

pub const FACTS: &str = "\
flag:
  type: boolean
  description: A yes/no fact.
age:
  type: integer
  range: [0, 17]
  unit: years
  description: An age.
level:
  type: one_of
  values: [low, mid, high]
  description: A level.
tags:
  type: set_of
  values: [a, b, c, d]
  description: Some tags.
postcode:
  type: text
  pattern: '[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}'
  description: A postcode.
note:
  type: text
  description: Free text.
";

pub const PRINCIPLES: &str = "\
- id: p1
  title: Principle one
  statement: Do things well.
  sources:
    - url: https://example.org/p1
      wording: verbatim
";

/// A recommendation file with one recommendation `r1` rated `strong` applying when `when`.
pub fn one_recommendation(when: &str) -> String {
    format!(
        "\
- id: r1
  title: Recommendation one
  statement: Do the thing.
  evidence: strong
  when: {when}
  sources:
    - url: https://example.org/r1
      wording: verbatim
      rating: strong
"
    )
}

/// The test guide with `recommendations` as its recommendations file.
pub fn guide(recommendations: &str) -> Guide {
    try_guide(recommendations).unwrap_or_else(|e| panic!("test guide should load:\n{e}"))
}

pub fn try_guide(recommendations: &str) -> Result<Guide, practice_guide::Error> {
    Guide::from_files([
        ("guide.yaml", GUIDE),
        ("facts.yaml", FACTS),
        ("principles.yaml", PRINCIPLES),
        ("recommendations.yaml", recommendations),
    ])
}

/// The test guide with one file replaced (or added).
pub fn try_guide_replacing(name: &str, text: &str) -> Result<Guide, practice_guide::Error> {
    let recommendations = one_recommendation("{ flag: true }");
    let mut files = vec![
        ("guide.yaml", GUIDE.to_owned()),
        ("facts.yaml", FACTS.to_owned()),
        ("principles.yaml", PRINCIPLES.to_owned()),
        ("recommendations.yaml", recommendations),
    ];
    files.retain(|(n, _)| *n != name);
    files.push((name, text.to_owned()));
    Guide::from_files(files)
}

/// A profile read from YAML against `guide`.
pub fn profile(guide: &Guide, yaml: &str) -> FamilyProfile {
    guide
        .read_profile("profile.yaml", yaml)
        .unwrap_or_else(|e| panic!("test profile should be valid:\n{e}"))
        .to_profile()
}

/// The status of the (only) recommendation `r1` of a guide built from `when`, on `profile_yaml`.
pub fn status_of(when: &str, profile_yaml: &str) -> Status {
    let guide = guide(&one_recommendation(when));
    let evaluation = guide.evaluate(&profile(&guide, profile_yaml)).unwrap();
    evaluation.recommendations().next().unwrap().status()
}

/// A validator for the committed JSON Schema at `path` (from the crate's root).
pub fn schema_validator(path: &str) -> (boon::Schemas, boon::SchemaIndex) {
    let path = std::path::Path::new(path).canonicalize().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let url = format!("file:///{}", path.display());
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource(&url, schema).unwrap();
    let index = compiler.compile(&url, &mut schemas).unwrap();
    (schemas, index)
}

/// An evaluation's JSON reads back as the value serde builds from the evaluation itself, with no
/// key written twice. (An evaluation holds its guide, so it does not deserialize: this is what
/// "reads back without loss" means for it; its compact form does deserialize.)
pub fn assert_json_reads_back(evaluation: &Evaluation, context: &str) {
    let text = serde_json::to_string(evaluation).unwrap();
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back, serde_json::to_value(evaluation).unwrap(), "{context}");
    // `Value` keeps one of each key, sorted: the same length means no key was written twice.
    let again = serde_json::to_string(&back).unwrap();
    assert_eq!(again.len(), text.len(), "{context}: a key written twice");
}

/// Every sample family of `dir` (at least five), evaluated by `guide`, by file name.
pub fn sample_evaluations(guide: &Guide, dir: &str) -> Vec<(String, Evaluation)> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    assert!(paths.len() >= 5, "{dir}");
    paths
        .into_iter()
        .map(|path| {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            let evaluation = guide.read_profile(&name, &text).unwrap().evaluate();
            (name, evaluation)
        })
        .collect()
}
