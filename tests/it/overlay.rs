//! Overlays: a local offer loaded onto a guide, validated against it, and the local services
//! each evaluation returns under the recommendations they deliver, with fit flags.

use std::collections::BTreeMap;

use practice_guide::guide::FitAspect;
use practice_guide::result::ServiceResult;
use practice_guide::{Evaluation, Guide, Status};

use crate::fixture;

const EXAMPLE: &str = "rules/overlays/example-borough";

fn example() -> Guide {
    practice_guide::parenting_through_adversity()
        .with_overlay_dir(EXAMPLE)
        .unwrap_or_else(|e| panic!("the example overlay should load:\n{e}"))
}

fn evaluate_sample(guide: &Guide, name: &str) -> Evaluation {
    let path = format!("examples/profiles/overlay/{name}.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let profile = guide.read_profile(&path, &text).unwrap();
    profile.evaluate()
}

/// recommendation id → [service id (status) {flagged aspects}], for the recommendations that
/// have services.
fn services(evaluation: &Evaluation) -> BTreeMap<String, Vec<String>> {
    evaluation
        .recommendations()
        .filter(|r| r.services().next().is_some())
        .map(|r| {
            let list = r
                .services()
                .map(|s| {
                    let mut text = format!("{} ({})", s.id(), s.status().as_str());
                    for flag in s.flags() {
                        text.push_str(&format!(" !{:?}:{}", flag.aspect(), flag.rule().id()));
                    }
                    text
                })
                .collect();
            (r.id().to_owned(), list)
        })
        .collect()
}

/// Every recommendation's services, in order.
fn all_services(evaluation: &Evaluation) -> Vec<ServiceResult<'_>> {
    let mut all = Vec::new();
    for rule in evaluation.recommendations() {
        all.extend(rule.services());
    }
    all
}

fn map(entries: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect()
}

#[test]
fn the_example_overlay_loads_and_says_it_is_fictional() {
    let guide = example();
    let overlay = guide.overlay().unwrap();
    let metadata = overlay.metadata();
    assert_eq!(metadata.id, "example-borough");
    assert_eq!(
        metadata.extends,
        practice_guide::PARENTING_THROUGH_ADVERSITY_ID
    );
    assert!(metadata.fictional);
    assert!(metadata.title.contains("FICTIONAL"));
    assert!(
        metadata
            .disclaimer
            .as_deref()
            .unwrap()
            .starts_with("FICTIONAL EXAMPLE")
    );
    assert_eq!(overlay.services().len(), 6);
    // The guide's vocabulary gains the overlay's local fact; the guide's own hash is unchanged.
    assert!(guide.facts().any(|f| f.name() == "postcode_district"));
    let national = practice_guide::parenting_through_adversity();
    assert!(!national.facts().any(|f| f.name() == "postcode_district"));
    assert_eq!(guide.content_hash(), national.content_hash());
    assert_ne!(metadata.rules_hash, metadata.content_hash);
    assert!(metadata.rules_hash.starts_with("sha256:") && metadata.rules_hash.len() == 71);
}

#[test]
fn every_evaluation_records_the_guide_and_the_overlay() {
    let guide = example();
    let evaluation = evaluate_sample(&guide, "toddler-universal");
    let stamp = evaluation.overlay().unwrap();
    let metadata = guide.overlay().unwrap().metadata();
    assert_eq!(stamp.id(), "example-borough");
    assert_eq!(stamp.metadata().version, "0.1.0");
    assert!(stamp.metadata().fictional);
    assert_eq!(
        stamp.metadata().disclaimer.as_deref(),
        metadata.disclaimer.as_deref()
    );
    assert_eq!(
        stamp.metadata().content_hash,
        metadata.content_hash.as_str()
    );
    assert_eq!(stamp.metadata().rules_hash, metadata.rules_hash.as_str());
    assert_eq!(evaluation.guide().content_hash(), guide.content_hash());
    // Without an overlay there is no stamp, and no services.
    let national = practice_guide::parenting_through_adversity();
    let plain = national
        .read_profile("p", "children_ages: [age_3]\nadversities: [poverty]\n")
        .unwrap()
        .evaluate();
    assert!(plain.overlay().is_none());
    assert!(
        plain
            .recommendations()
            .all(|r| r.services().next().is_none())
    );
    let json = serde_json::to_value(&plain).unwrap();
    assert!(json.get("overlay").is_none());
    assert!(json["recommendations"][0].get("services").is_none());
}

#[test]
fn a_toddler_in_the_borough_at_universal_level() {
    let evaluation = evaluate_sample(&example(), "toddler-universal");
    assert_eq!(
        services(&evaluation),
        map(&[
            (
                "improve-child-behaviour",
                &["toddler-talk-and-play (applies)"]
            ),
            (
                "key-make-interventions-available",
                &["toddler-talk-and-play (applies)"]
            ),
            (
                "reduce-parenting-stress",
                &["parenting-online (applies) !Delivery:programme-design"]
            ),
            (
                "strengthen-parenting-skills",
                &[
                    "toddler-talk-and-play (applies)",
                    "parenting-online (applies) !Delivery:programme-design"
                ]
            ),
        ])
    );
    let toddler = evaluation
        .rule("improve-child-behaviour")
        .unwrap()
        .services()
        .next()
        .unwrap();
    assert_eq!(toddler.name(), "Toddler Talk and Play");
    assert_eq!(toddler.ages(), "2 to 4 years");
    assert_eq!(toddler.missing().len(), 0);
    let tests: Vec<&str> = toddler.reasons().map(|r| r.test()).collect();
    assert_eq!(
        tests,
        [
            "children_ages includes any of age_2, age_3, age_4",
            "postcode_district matches the pattern ^ZZ[1-9]$"
        ]
    );
    assert_eq!(
        toddler.reasons().nth(1).unwrap().via(),
        Some("lives_in_borough")
    );
    assert!(toddler.referral().url.is_some());
}

#[test]
fn an_edge_of_care_family_gets_the_structured_programme_and_a_flag_on_the_flexible_one() {
    let evaluation = evaluate_sample(&example(), "edge-of-care");
    let found = services(&evaluation);
    assert_eq!(
        found["reduce-risk-of-harm"],
        [
            "family-help-modules (applies) !Structure:reduce-risk-of-harm",
            "safe-steps-programme (applies)"
        ]
    );
    assert_eq!(
        found["key-structured-support-targeted-help"],
        [
            "family-help-modules (applies) !Structure:key-structured-support-targeted-help",
            "safe-steps-programme (applies)"
        ]
    );
    assert_eq!(
        found["key-integrated-strategies"],
        ["safe-steps-programme (applies)"]
    );
    let modules = evaluation
        .rule("reduce-risk-of-harm")
        .unwrap()
        .services()
        .next()
        .unwrap();
    // It delivers recommendation 1's structured-delivery "how" point, and the flag cites it.
    let action = modules.action().unwrap();
    assert_eq!(action.id(), "structured-delivery");
    assert!(action.text().starts_with("Fixed and structured delivery"));
    let flag = modules.flags().next().unwrap();
    assert_eq!(flag.aspect(), FitAspect::Structure);
    assert_eq!(flag.offered(), "flexible");
    assert_eq!(flag.fits().collect::<Vec<_>>(), ["fixed"]);
    assert_eq!(flag.status(), Status::Applies);
    assert!(
        flag.says()
            .starts_with("Fixed and structured delivery models are more effective")
    );
    assert!(
        flag.message().starts_with(
            "flexible structure, where the guide's words fit fixed: recommendation \
             `reduce-risk-of-harm` says \"Fixed and structured"
        ),
        "{}",
        flag.message()
    );
    assert!(flag.sources()[0].url.ends_with("/recommendations"));
}

#[test]
fn the_same_flexible_service_is_not_flagged_for_structure_outside_family_help() {
    // At universal level the family-help services do not apply at all; the online course is
    // flagged for its delivery only (programme design), never for its flexible structure.
    let evaluation = evaluate_sample(&example(), "toddler-universal");
    for service in all_services(&evaluation) {
        assert!(
            service.flags().all(|f| f.aspect() != FitAspect::Structure),
            "{}",
            service.id()
        );
    }
}

#[test]
fn digital_exclusion_adds_the_guides_second_reason_against_online_delivery() {
    let evaluation = evaluate_sample(&example(), "digital-exclusion");
    let found = services(&evaluation);
    assert_eq!(
        found["strengthen-parenting-skills"],
        [
            "parenting-online (applies) !Delivery:programme-design !Delivery:programme-design",
            "steady-parents-group (applies)"
        ]
    );
    assert_eq!(
        found["key-mental-health-without-waiting"],
        ["steady-parents-group (applies)"]
    );
    assert_eq!(
        found["strengthen-parent-child-relationships"],
        ["bumps-and-babies-group (applies)"]
    );
    let online = all_services(&evaluation)
        .into_iter()
        .find(|s| s.id() == "parenting-online")
        .unwrap();
    let says: Vec<&str> = online.flags().map(|f| f.says()).collect();
    assert_eq!(says[0], "Prioritise face-to-face support.");
    assert!(
        says[1].starts_with("Online or hybrid delivery has no evidence yet, and digital exclusion")
    );
}

#[test]
fn a_family_outside_the_borough_gets_no_local_services() {
    let evaluation = evaluate_sample(&example(), "outside-borough");
    assert!(
        evaluation
            .recommendations()
            .any(|r| r.status() == Status::Applies)
    );
    assert_eq!(services(&evaluation), BTreeMap::new());
}

#[test]
fn an_unknown_postcode_leaves_the_services_undetermined_and_names_it() {
    let evaluation = evaluate_sample(&example(), "postcode-unknown");
    let all = all_services(&evaluation);
    assert!(!all.is_empty());
    for service in &all {
        assert_eq!(service.status(), Status::Undetermined, "{}", service.id());
        assert_eq!(
            service.missing().collect::<Vec<_>>(),
            ["postcode_district"],
            "{}",
            service.id()
        );
    }
    let found = services(&evaluation);
    assert_eq!(
        found["key-structured-support-targeted-help"],
        [
            "family-help-modules (undetermined) !Structure:key-structured-support-targeted-help",
            "safe-steps-programme (undetermined)"
        ]
    );
}

#[test]
fn the_guides_cases_give_the_same_results_with_the_overlay() {
    let guide = example();
    let report = practice_guide::cases::run_case_dir(&guide, "tests/cases").unwrap();
    assert!(report.passed(), "{report}");
}

#[test]
fn results_with_services_round_trip_through_json() {
    let guide = example();
    for name in [
        "toddler-universal",
        "edge-of-care",
        "digital-exclusion",
        "postcode-unknown",
    ] {
        let path = format!("examples/profiles/overlay/{name}.yaml");
        let profile = guide
            .read_profile(&path, &std::fs::read_to_string(&path).unwrap())
            .unwrap();
        let evaluation = profile.evaluate();
        fixture::assert_json_reads_back(&evaluation, name);
    }
}

// --- Validation: every problem, with file, line, column and service ------------------------

const OVERLAY: &str = "\
id: test-overlay
title: Test overlay
version: 0.1.0
extends: test-guide
fictional: true
disclaimer: Made up.
";

const FACTS: &str = "\
district:
  type: text
  pattern: '^[A-Z]{2}[0-9]$'
  description: A postcode district.
";

fn service(extra: &str) -> String {
    format!(
        "\
- id: s1
  name: Service one
  description: Does things.
  delivery: face_to_face
  format: group
  structure: fixed
  ages: {{ label: up to 10, when: {{ age: {{ at_most: 10 }} }} }}
  referral: {{ how: Self-referral, contact: 01632 960000 }}
{extra}"
    )
}

fn load(files: &[(&str, &str)]) -> Result<Guide, practice_guide::Error> {
    let guide = fixture::guide(&fixture::one_recommendation("{ flag: true }"));
    guide.with_overlay_files(files.iter().copied())
}

fn error(files: &[(&str, &str)]) -> String {
    load(files).unwrap_err().to_string()
}

#[test]
fn a_valid_overlay_on_the_test_guide() {
    let services = service("  when: { district: { matches: '^ZZ' } }\n  delivers: [r1]\n");
    let guide = load(&[
        ("overlay.yaml", OVERLAY),
        ("facts.yaml", FACTS),
        ("services.yaml", &services),
    ])
    .unwrap();
    let profile = guide
        .read_profile("p", "{ flag: true, age: 3, district: ZZ1 }")
        .unwrap();
    let evaluation = profile.evaluate();
    let service = evaluation.rule("r1").unwrap().services().next().unwrap();
    assert_eq!(service.id(), "s1");
    assert_eq!(service.status(), Status::Applies);
    let profile = guide
        .read_profile("p", "{ flag: true, age: 3, district: AB1 }")
        .unwrap();
    let evaluation = profile.evaluate();
    let r1 = evaluation.recommendations().next().unwrap();
    assert!(r1.services().next().is_none());
    // The local fact's pattern is checked in profiles like the guide's facts.
    let err = guide.read_profile("p", "{ district: zz1 }").unwrap_err();
    assert_eq!(
        err.to_string(),
        "p:1:13: `district` is `zz1`, which does not match its pattern `^[A-Z]{2}[0-9]$`"
    );
}

#[test]
fn service_problems_name_file_line_column_and_service() {
    let services =
        service("  when: { distrct: { matches: '^ZZ' } }\n  delivers: [r2, p1, 'r1#2']\n")
            .replace("delivery: face_to_face", "delivery: face-to-face")
            .replace("structure: fixed", "structure: flexble");
    assert_eq!(
        error(&[("overlay.yaml", OVERLAY), ("facts.yaml", FACTS), ("services.yaml", &services)]),
        "\
6 problems:
services.yaml:4:13: service `s1`: unknown delivery `face-to-face` (did you mean `face_to_face`? one of: face_to_face, online, hybrid)
services.yaml:6:14: service `s1`: unknown structure `flexble` (did you mean `flexible`? one of: fixed, flexible)
services.yaml:9:11: service `s1`: unknown fact `distrct` (did you mean `district`?)
services.yaml:10:14: service `s1`: unknown recommendation `r2` (one of: r1)
services.yaml:10:18: service `s1`: `p1` is a key principle; a service delivers recommendations (list the recommendations it delivers)
services.yaml:10:22: service `s1`: `r1#2` names a \"how\" point by its number, which changes when points are added (name a \"how\" point by its id)"
    );
}

/// A service delivers one "how" point by its id, so that inserting a point never re-points it.
#[test]
fn a_service_names_a_how_point_by_its_id() {
    let national = practice_guide::parenting_through_adversity();
    let services = |target: &str| {
        format!(
            "- id: s1\n  name: S\n  description: D.\n  delivery: face_to_face\n  format: group\n  \
             structure: fixed\n  ages: {{ label: any, when: {{ children_ages: {{ is_empty: false }} }} }}\n  \
             referral: {{ how: H, contact: C }}\n  delivers: ['{target}']\n"
        )
    };
    let overlay = OVERLAY.replace(
        "extends: test-guide",
        "extends: parenting-through-adversity-0-10",
    );
    let load = |target: &str| {
        national.with_overlay_files([
            ("overlay.yaml", overlay.clone()),
            ("services.yaml", services(target)),
        ])
    };
    let guide = load("reduce-risk-of-harm#structured-delivery").unwrap();
    let delivered = &guide.overlay().unwrap().services()[0];
    assert_eq!(
        delivered.delivers(),
        ["reduce-risk-of-harm#structured-delivery"]
    );
    assert_eq!(
        load("reduce-risk-of-harm#3").unwrap_err().to_string(),
        "services.yaml:9:14: service `s1`: `reduce-risk-of-harm#3` names a \"how\" point by its \
         number, which changes when points are added (name it by its id: \
         `reduce-risk-of-harm#structured-delivery`)"
    );
    assert_eq!(
        load("reduce-risk-of-harm#structured-delivry")
            .unwrap_err()
            .to_string(),
        "services.yaml:9:14: service `s1`: `reduce-risk-of-harm#structured-delivry`: \
         recommendation `reduce-risk-of-harm` has no \"how\" point `structured-delivry` (did you \
         mean `structured-delivery`? its \"how\" points: coordinated-network, \
         most-effective-models, structured-delivery)"
    );
}

#[test]
fn values_and_operators_are_checked_against_the_guide() {
    let services = service("  when: { level: { in: [low, hgh] } }\n  delivers: [r1]\n")
        .replace("at_most: 10", "at_most: 30");
    assert_eq!(
        error(&[("overlay.yaml", OVERLAY), ("services.yaml", &services)]),
        "\
2 problems:
services.yaml:7:52: service `s1`: `age` is 30, outside its range 0 to 17
services.yaml:9:24: service `s1`: `hgh` is not a declared value of `level` (did you mean `high`? declared: low, mid, high)"
    );
}

#[test]
fn the_overlay_must_extend_this_guide_and_say_when_it_is_fictional() {
    let services = service("  delivers: [r1]\n");
    let overlay = OVERLAY
        .replace("extends: test-guide", "extends: another-guide")
        .replace("disclaimer: Made up.\n", "");
    assert_eq!(
        error(&[("overlay.yaml", &overlay), ("services.yaml", &services)]),
        "\
2 problems:
overlay.yaml:4:10: this overlay extends `another-guide`, but the guide it is loaded onto is `test-guide`
overlay.yaml:1:5: a fictional overlay needs a `disclaimer:` saying so; every output shows it"
    );
}

#[test]
fn local_facts_cannot_redeclare_the_guides() {
    let services = service("  delivers: [r1]\n");
    let facts = "flag:\n  type: boolean\n  description: Again.\n";
    assert_eq!(
        error(&[
            ("overlay.yaml", OVERLAY),
            ("facts.yaml", facts),
            ("services.yaml", &services)
        ]),
        "facts.yaml:1:1: fact `flag`: the guide already declares the fact `flag`; an overlay adds \
         facts, it cannot redeclare them"
    );
}

#[test]
fn unknown_keys_files_and_duplicate_services_are_errors() {
    let services = service("  delivers: [r1]\n  delivres: [r1]\n");
    assert!(
        error(&[("overlay.yaml", OVERLAY), ("services.yaml", &services)])
            .starts_with("services.yaml:10:3: unknown key `delivres` (did you mean `delivers`?"),
    );
    let one = service("  delivers: [r1]\n");
    let twice = format!("{one}{one}");
    assert_eq!(
        error(&[("overlay.yaml", OVERLAY), ("services.yaml", &twice)]),
        "services.yaml:10:7: service `s1`: duplicate service id `s1` (first defined at line 1)"
    );
    assert_eq!(
        error(&[
            ("overlay.yaml", OVERLAY),
            ("services.yaml", &one),
            ("extra.yaml", "")
        ]),
        "extra.yaml: unexpected file `extra.yaml`: an overlay folder holds only overlay.yaml, facts.yaml, conditions.yaml, services.yaml"
    );
}

#[test]
fn an_overlay_loads_onto_the_guide_itself_only_once() {
    let services = service("  delivers: [r1]\n");
    let files = [
        ("overlay.yaml", OVERLAY),
        ("services.yaml", services.as_str()),
    ];
    let guide = load(&files).unwrap();
    let err = guide.with_overlay_files(files).unwrap_err();
    assert_eq!(
        err.to_string(),
        "overlay.yaml: this guide already has the overlay `test-overlay`; load overlays onto the guide itself"
    );
}
