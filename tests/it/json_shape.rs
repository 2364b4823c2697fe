//! The JSON shape of results is a contract with services: every evaluation of the sample
//! families (with and without the example overlay) is valid against the committed
//! `schema/evaluation.schema.json`, and reads back as the same JSON.

use practice_guide::Guide;
use serde_json::Value;

use crate::fixture::{assert_json_reads_back, sample_evaluations, schema_validator};

fn validator() -> (boon::Schemas, boon::SchemaIndex) {
    schema_validator("schema/evaluation.schema.json")
}

/// Every sample family of `dir`, evaluated by `guide`, as JSON.
fn sample_results(guide: &Guide, dir: &str) -> Vec<(String, String)> {
    sample_evaluations(guide, dir)
        .into_iter()
        .map(|(name, evaluation)| (name, serde_json::to_string_pretty(&evaluation).unwrap()))
        .collect()
}

fn overlay_guide() -> Guide {
    practice_guide::parenting_through_adversity()
        .with_overlay_dir("rules/overlays/example-borough")
        .unwrap()
}

#[test]
fn every_sample_result_is_valid_against_the_committed_schema_and_reads_back() {
    let (schemas, index) = validator();
    let national = practice_guide::parenting_through_adversity();
    let local = overlay_guide();
    let runs = [
        (national, "examples/profiles"),
        (&local, "examples/profiles/overlay"),
    ];
    for (guide, dir) in runs {
        for (name, evaluation) in sample_evaluations(guide, dir) {
            let text = serde_json::to_string_pretty(&evaluation).unwrap();
            let json: Value = serde_json::from_str(&text).unwrap();
            if let Err(err) = schemas.validate(&json, index) {
                panic!("{name}: the result is not valid against the schema:\n{err:#}");
            }
            assert_json_reads_back(&evaluation, &name);
        }
    }
}

#[test]
fn the_schema_rejects_results_of_another_shape() {
    let (schemas, index) = validator();
    let guide = overlay_guide();
    let (_, text) = sample_results(&guide, "examples/profiles/overlay")
        .into_iter()
        .find(|(name, _)| name.ends_with("edge-of-care.yaml"))
        .unwrap();
    let good: Value = serde_json::from_str(&text).unwrap();
    assert!(good["overlay"]["fictional"].as_bool().unwrap());
    assert!(schemas.validate(&good, index).is_ok());
    let mut bad = good.clone();
    bad["recommendations"][0]["status"] = Value::from("maybe");
    assert!(schemas.validate(&bad, index).is_err());
    let mut bad = good.clone();
    bad["guide"].as_object_mut().unwrap().remove("content_hash");
    assert!(schemas.validate(&bad, index).is_err());
    let mut bad = good;
    let services = bad["recommendations"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r.get("services").is_some())
        .unwrap();
    services["services"][0]["delivery"] = Value::from("carrier_pigeon");
    assert!(schemas.validate(&bad, index).is_err());
}

#[test]
fn markdown_with_an_overlay_shows_its_disclaimer_services_and_flags() {
    let guide = overlay_guide();
    let text = std::fs::read_to_string("examples/profiles/overlay/toddler-universal.yaml").unwrap();
    let markdown = guide
        .read_profile("toddler-universal.yaml", &text)
        .unwrap()
        .evaluate()
        .to_markdown();
    assert!(
        markdown.starts_with("# Parenting Through Adversity"),
        "{markdown}"
    );
    assert!(markdown.contains("> **FICTIONAL EXAMPLE:"), "{markdown}");
    assert!(markdown.contains("**Toddler Talk and Play** (`toddler-talk-and-play`)"));
    assert!(markdown.contains("**Does not fit the guide:** online delivery"));
    // The plain-text report says the same things, from the same walk.
    let report = guide
        .read_profile("toddler-universal.yaml", &text)
        .unwrap()
        .evaluate()
        .report();
    assert!(report.contains("FICTIONAL EXAMPLE:"), "{report}");
    assert!(report.contains("Toddler Talk and Play (toddler-talk-and-play)"));
    assert!(report.contains("Does not fit the guide: online delivery"));
    assert!(report.contains("Eligible because"), "{report}");
}
