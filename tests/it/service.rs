//! What a service built on the crate needs (found by building one): problems as JSON, strict
//! JSON profiles, serde errors that name the fact, a profile's JSON Schema, the guide described
//! as JSON, owned results, options that deserialize.

use practice_guide::error::{Input, Item, ProblemKind};
use practice_guide::guide::RuleKind;
use practice_guide::{EvaluationOptions, FamilyProfile, Guide, Status};
use serde_json::{Value, json};

use crate::fixture::{guide, one_recommendation};

fn overlay_guide() -> Guide {
    practice_guide::parenting_through_adversity()
        .with_overlay_dir("rules/overlays/example-borough")
        .unwrap()
}

#[test]
fn problems_serialize_with_a_code_the_item_the_position_and_structured_fields() {
    let guide = guide(&one_recommendation("{ flag: true }"));
    let err = guide
        .read_profile("family.json", "{\n  \"level\": \"hgih\"\n}")
        .unwrap_err();
    assert_eq!(
        serde_json::to_value(&err).unwrap(),
        json!({ "problems": [{
            "input": "profile",
            "file": "family.json",
            "line": 2,
            "column": 12,
            "end_line": 2,
            "end_column": 18,
            "item": { "kind": "fact", "id": "level" },
            "code": "unknown_value",
            "message": "`hgih` is not a declared value of `level`",
            "help": "did you mean `high`? declared: low, mid, high",
            "note": null,
            "value": "hgih",
            "fact": "level",
            "suggestion": "high",
            "declared": ["low", "mid", "high"],
        }]})
    );
    let problem = &err.problems()[0];
    assert_eq!(problem.code(), "unknown_value");
    assert!(matches!(problem.kind(), ProblemKind::UnknownValue { .. }));
}

#[test]
fn a_problem_says_which_input_it_is_in_and_what_it_is_about() {
    let guide = guide(&one_recommendation("{ flag: true }"));
    let profile = guide
        .prepare(&FamilyProfile::new().with("flg", true))
        .unwrap_err();
    let problem = &profile.problems()[0];
    assert_eq!(problem.input(), Input::Profile);
    assert_eq!(problem.file(), None);
    assert_eq!(problem.item(), Some(&Item::Fact("flg".to_owned())));
    let options = guide
        .filter(&EvaluationOptions::new().audience("leader"))
        .unwrap_err();
    let problem = &options.problems()[0];
    assert_eq!(problem.input(), Input::Options);
    assert_eq!(problem.item(), Some(&Item::Option("audience".to_owned())));
    assert_eq!(
        problem.help().as_deref(),
        Some("did you mean `leaders`? one of: leaders, practitioners")
    );
    let rules = crate::fixture::try_guide(&one_recommendation("{ flg: true }")).unwrap_err();
    let problem = &rules.problems()[0];
    assert_eq!(problem.input(), Input::RuleFile);
    assert_eq!(problem.item(), Some(&Item::Recommendation("r1".to_owned())));
    let json = serde_json::to_value(problem).unwrap();
    assert_eq!(
        json["item"],
        json!({ "kind": "recommendation", "id": "r1" })
    );
}

#[test]
fn two_files_of_one_name_are_refused() {
    let files = [
        ("guide.yaml", crate::fixture::GUIDE),
        ("facts.yaml", crate::fixture::FACTS),
        ("facts.yaml", crate::fixture::FACTS),
        (
            "recommendations.yaml",
            &one_recommendation("{ flag: true }"),
        ),
    ];
    assert_eq!(
        Guide::from_files(files).unwrap_err().to_string(),
        "facts.yaml: two files are named `facts.yaml`"
    );
}

#[test]
fn strict_json_profiles_refuse_yaml() {
    let guide = guide(&one_recommendation("{ flag: true }"));
    let json = guide
        .read_profile_json("body", r#"{"flag": true, "tags": ["a"], "note": null}"#)
        .unwrap();
    assert_eq!(
        json.to_profile(),
        FamilyProfile::new().with("flag", true).with("tags", ["a"])
    );
    for (yaml, message) in [
        (
            "flag: true",
            "body:1:2: the text is not valid JSON (a JSON profile is an object of fact names to values, such as {\"service_level\": \"universal\"})",
        ),
        (
            "{ flag: true }",
            "body:1:3: the text is not valid JSON (a JSON profile is an object of fact names to values, such as {\"service_level\": \"universal\"})",
        ),
        (
            "{\"flag\": true",
            "body:1:13: the JSON text ends too early (a JSON profile is an object of fact names to values, such as {\"service_level\": \"universal\"})",
        ),
        (
            "null",
            "body:1:1: a profile: expected a mapping of fact names to values, found nothing (null)",
        ),
    ] {
        let err = guide.read_profile_json("body", yaml).unwrap_err();
        assert_eq!(err.to_string(), message, "{yaml}");
    }
    // The same text as YAML is fine.
    assert!(guide.read_profile("body", "{ flag: true }").is_ok());
}

#[test]
fn serde_errors_name_the_fact_and_say_what_a_value_may_be() {
    let err = serde_json::from_str::<FamilyProfile>(r#"{"flag": true, "age": {"years": 4}}"#)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "`age`: invalid type: map, expected true or false, a whole number, a text, or a list of texts"
        ),
        "{err}"
    );
    let err = serde_json::from_str::<FamilyProfile>(r#"{"tags": ["a", 2]}"#)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("`tags`: invalid type: integer `2`"),
        "{err}"
    );
    let err = serde_json::from_str::<FamilyProfile>(r#"{"flag": true, "flag": false}"#)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("`flag` is given twice"), "{err}");
}

#[test]
fn a_profiles_json_schema_accepts_the_sample_families_and_refuses_mistakes() {
    let guide = overlay_guide();
    let schema = guide.profile_schema();
    assert_eq!(schema["properties"]["postcode_district"]["x-local"], true);
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("urn:profile", schema.clone())
        .unwrap();
    let index = compiler.compile("urn:profile", &mut schemas).unwrap();
    for dir in ["examples/profiles", "examples/profiles/overlay"] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let profile = guide.read_profile("p", &text).unwrap().to_profile();
            let json = serde_json::to_value(&profile).unwrap();
            assert!(schemas.validate(&json, index).is_ok(), "{}", path.display());
        }
    }
    for bad in [
        json!({ "servce_level": "universal" }),
        json!({ "service_level": "family_hlp" }),
        json!({ "children_ages": ["age_30"] }),
        json!({ "expecting_baby": "yes" }),
    ] {
        assert!(schemas.validate(&bad, index).is_err(), "{bad}");
    }
    assert!(
        schemas
            .validate(&json!({ "service_level": null }), index)
            .is_ok()
    );
}

#[test]
fn the_guide_describes_itself_as_json() {
    let guide = overlay_guide();
    let json = serde_json::to_value(&guide).unwrap();
    assert_eq!(json["id"], "parenting-through-adversity-0-10");
    assert_eq!(json["content_hash"], guide.content_hash());
    let facts = json["facts"].as_array().unwrap();
    assert_eq!(facts.len(), guide.facts().count());
    let local: Vec<&str> = facts
        .iter()
        .filter(|f| f["local"] == true)
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(local, ["postcode_district"]);
    assert_eq!(json["recommendations"][0]["id"], "reduce-risk-of-harm");
    assert_eq!(json["recommendations"][0]["evidence"], "promising");
    assert_eq!(json["overlay"]["id"], "example-borough");
    assert!(json["overlay"]["services"].as_array().unwrap().len() >= 5);
    assert!(!json["named_conditions"].as_array().unwrap().is_empty());
    // The same, through the typed accessors.
    let first = guide.recommendations().next().unwrap();
    assert_eq!(first.kind(), RuleKind::Recommendation);
    assert_eq!(first.evidence(), Some("promising"));
    assert_eq!(first.audiences().collect::<Vec<_>>(), ["leaders"]);
    assert_eq!(first.outcomes().collect::<Vec<_>>(), ["risk_of_harm"]);
    assert!(guide.fact("postcode_district").unwrap().is_local());
    assert!(!guide.fact("service_level").unwrap().is_local());
}

#[test]
fn owned_results_outlive_their_guide() {
    let text = std::fs::read_to_string("examples/profiles/overlay/edge-of-care.yaml").unwrap();
    let (borrowed_json, owned) = {
        let guide = overlay_guide();
        let evaluation = guide.read_profile("p", &text).unwrap().evaluate();
        let json = serde_json::to_string(&evaluation).unwrap();
        (json, evaluation)
    };
    // The guide is gone; the result is whole.
    assert_eq!(serde_json::to_string(&owned).unwrap(), borrowed_json);
    assert!(
        owned
            .recommendations()
            .any(|r| r.status() == Status::Applies && r.services().next().is_some())
    );
}

#[test]
fn options_deserialize_and_refuse_unknown_keys() {
    let options: EvaluationOptions = serde_json::from_str(r#"{"min_evidence": "strong"}"#).unwrap();
    assert_eq!(options, EvaluationOptions::new().min_evidence("strong"));
    assert!(serde_json::from_str::<EvaluationOptions>(r#"{"min_evidense": "x"}"#).is_err());
    let none: Value = serde_json::to_value(EvaluationOptions::new()).unwrap();
    assert_eq!(none, json!({ "min_evidence": null, "audience": null }));
}

#[test]
fn a_filter_resolved_by_one_guide_keeps_what_its_ids_name_in_another() {
    let national = practice_guide::parenting_through_adversity();
    let strong = national
        .filter(&EvaluationOptions::new().min_evidence("strong"))
        .unwrap();
    let other = guide(&one_recommendation("{ flag: true }"));
    let family = other
        .prepare(&FamilyProfile::new().with("flag", true))
        .unwrap();
    // The test guide has a `strong` level too: its strong recommendation is kept.
    assert_eq!(family.evaluate_filtered(&strong).recommendations().len(), 1);
    let good = national
        .filter(&EvaluationOptions::new().min_evidence("good"))
        .unwrap();
    // It has no `good` level: nothing rated is kept.
    assert_eq!(family.evaluate_filtered(&good).recommendations().len(), 0);
    let health = national
        .filter(&EvaluationOptions::new().audience("health"))
        .unwrap();
    // No `health` audience in the test guide: only rules written for everyone are kept.
    let kept = family.evaluate_filtered(&health);
    assert_eq!(kept.recommendations().len(), 1);
    let kept = kept.recommendations().next().unwrap();
    assert_eq!(kept.audiences().len(), 0);
}
