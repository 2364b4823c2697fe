//! One test per class of bad profile: the message names the profile, the line and column (when
//! read from text), the fact, and a suggestion where one is close. Every problem is reported.

use practice_guide::{FactValue, FamilyProfile};

use crate::fixture::{guide, one_recommendation};

fn read_error(yaml: &str) -> String {
    let guide = guide(&one_recommendation("{ flag: true }"));
    match guide.read_profile("family.yaml", yaml) {
        Ok(p) => panic!("should not read: {p:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn an_unknown_fact_is_named_with_a_suggestion() {
    assert_eq!(
        read_error("flg: true\n"),
        "family.yaml:1:1: unknown fact `flg` (did you mean `flag`?)"
    );
}

#[test]
fn a_number_outside_the_range_is_rejected() {
    assert_eq!(
        read_error("age: 18\n"),
        "family.yaml:1:6: `age` is 18, outside its range 0 to 17"
    );
    assert_eq!(
        read_error("age: -1\n"),
        "family.yaml:1:6: `age` is -1, outside its range 0 to 17"
    );
}

#[test]
fn an_undeclared_value_is_rejected_with_a_suggestion() {
    assert_eq!(
        read_error("level: hgih\n"),
        "family.yaml:1:8: `hgih` is not a declared value of `level` (did you mean `high`? declared: low, mid, high)"
    );
    assert_eq!(
        read_error("tags: [a, e]\n"),
        "family.yaml:1:7: `e` is not a declared value of `tags` (declared: a, b, c, d)"
    );
}

#[test]
fn a_value_of_the_wrong_type_is_rejected() {
    assert_eq!(
        read_error("age: four\n"),
        "family.yaml:1:6: `age` (an integer fact): expected a whole number, found the text `four`"
    );
    assert_eq!(
        read_error("note: 12\n"),
        "family.yaml:1:7: `note` (a text fact): expected text, found the number `12`"
    );
    assert_eq!(
        read_error("tags: a\n"),
        "family.yaml:1:7: `tags` (a set_of fact): expected a list of its declared values, found the text `a`"
    );
    assert_eq!(
        read_error("age: 4.5\n"),
        "family.yaml:1:6: `age` (an integer fact): expected a whole number, found the number `4.5`"
    );
}

#[test]
fn a_text_must_match_its_pattern() {
    assert_eq!(
        read_error("postcode: sw1a 1aa\n"),
        "family.yaml:1:11: `postcode` is `sw1a 1aa`, which does not match its pattern `[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}`"
    );
}

/// A pattern validates the whole value, not a piece of it: `[A-Z][0-9]` accepts `B4` and
/// refuses a value that merely contains a capital letter followed by a digit.
#[test]
fn a_pattern_must_match_the_whole_value() {
    let facts = crate::fixture::FACTS.replace(
        "  pattern: '[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}'",
        "  pattern: '[A-Z][0-9]'",
    );
    let guide = practice_guide::Guide::from_files([
        ("guide.yaml", crate::fixture::GUIDE.to_owned()),
        ("facts.yaml", facts),
        ("principles.yaml", crate::fixture::PRINCIPLES.to_owned()),
        ("recommendations.yaml", one_recommendation("{ flag: true }")),
    ])
    .unwrap();
    assert!(guide.read_profile("f.yaml", "postcode: B4\n").is_ok());
    assert_eq!(
        guide
            .read_profile("f.yaml", "postcode: AZZ1 lower case x\n")
            .unwrap_err()
            .to_string(),
        "f.yaml:1:11: `postcode` is `AZZ1 lower case x`, which does not match its pattern `[A-Z][0-9]`"
    );
}

#[test]
fn a_profile_must_be_a_mapping() {
    assert_eq!(
        read_error("- flag\n"),
        "family.yaml:1:1: a profile: expected a mapping of fact names to values, found a list"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    assert_eq!(
        read_error("flg: true\nage: 30\nlevel: top\n"),
        "3 problems:\n\
         family.yaml:1:1: unknown fact `flg` (did you mean `flag`?)\n\
         family.yaml:2:6: `age` is 30, outside its range 0 to 17\n\
         family.yaml:3:8: `top` is not a declared value of `level` (declared: low, mid, high)"
    );
}

#[test]
fn json_profiles_are_read_with_positions_too() {
    let guide = guide(&one_recommendation("{ flag: true }"));
    let json = "{\n  \"flag\": true,\n  \"age\": 40\n}\n";
    assert_eq!(
        guide
            .read_profile("family.json", json)
            .unwrap_err()
            .to_string(),
        "family.json:3:10: `age` is 40, outside its range 0 to 17"
    );
    let profile = guide
        .read_profile("family.json", "{\"flag\": true, \"tags\": [\"a\"]}")
        .unwrap()
        .to_profile();
    assert_eq!(
        profile.get("tags"),
        Some(&FactValue::List(vec!["a".to_owned()]))
    );
}

#[test]
fn duplicate_facts_are_rejected() {
    assert_eq!(
        read_error("flag: true\nflag: false\n"),
        "family.yaml:2:1: `flag` is given twice (give it once)"
    );
}

#[test]
fn profiles_built_in_code_are_checked_when_evaluated() {
    let guide = guide(&one_recommendation("{ flag: true }"));
    let profile = FamilyProfile::new()
        .with("flg", true)
        .with("age", 99)
        .with("level", "mid");
    assert_eq!(
        guide.evaluate(&profile).unwrap_err().to_string(),
        "2 problems:\n\
         profile: `age` is 99, outside its range 0 to 17\n\
         profile: unknown fact `flg` (did you mean `flag`?)"
    );
    assert!(guide.prepare(&profile).is_err());
    // A boolean is true or false: the text "yes" is text, in code as in files.
    assert_eq!(
        guide
            .prepare(&FamilyProfile::new().with("flag", "yes"))
            .unwrap_err()
            .to_string(),
        "profile: `flag` (a boolean fact): expected true or false, found the text `yes`"
    );
}

#[test]
fn profiles_deserialize_with_serde_and_nulls_mean_unknown() {
    let profile: FamilyProfile = serde_json::from_str(
        r#"{"flag": true, "age": 3, "level": "mid", "tags": ["a"], "note": null}"#,
    )
    .unwrap();
    assert_eq!(profile.len(), 4);
    assert_eq!(profile.get("note"), None);
    assert_eq!(
        profile,
        FamilyProfile::new()
            .with("flag", true)
            .with("age", 3)
            .with("level", "mid")
            .with("tags", ["a"])
    );
    assert_eq!(
        serde_json::to_string(&profile).unwrap(),
        r#"{"age":3,"flag":true,"level":"mid","tags":["a"]}"#
    );
}

#[test]
fn an_empty_profile_is_valid_and_everything_is_unknown() {
    let guide = guide(&one_recommendation("{ flag: true }"));
    assert!(
        guide
            .read_profile("empty.yaml", "")
            .unwrap()
            .to_profile()
            .is_empty()
    );
    assert!(
        guide
            .read_profile("empty.yaml", "# nothing known yet\n")
            .unwrap()
            .to_profile()
            .is_empty()
    );
}
