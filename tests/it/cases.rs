//! The case suite under `tests/cases/` against the embedded guide, and the case harness itself.

use practice_guide::cases::{Case, run_case_dir};

/// Every case under `tests/cases/` gives the results it expects; a failure lists every mismatch
/// with its case file, line and rule.
#[test]
fn the_case_suite_passes_on_the_embedded_guide() {
    let guide = practice_guide::parenting_through_adversity();
    let report = run_case_dir(guide, "tests/cases").unwrap_or_else(|e| panic!("{e}"));
    assert!(report.cases.len() >= 40, "{} cases", report.cases.len());
    assert!(report.passed(), "{report}");
}

/// The rule folder on disk gives the same results as the embedded copy.
#[test]
fn the_case_suite_passes_on_the_rule_folder() {
    let guide = practice_guide::Guide::from_dir("rules/parenting-through-adversity-0-10").unwrap();
    let report = run_case_dir(&guide, "tests/cases").unwrap();
    assert!(report.passed(), "{report}");
}

const FAMILY: &str = "\
profile:
  children_ages: [age_4]
  adversities: [poverty]
  service_level: universal
";

fn case(expect: &str) -> Result<Case, practice_guide::Error> {
    let guide = practice_guide::parenting_through_adversity();
    Case::read(guide, "case.yaml", &format!("{FAMILY}expect:\n{expect}"))
}

fn mismatches(expect: &str) -> Vec<String> {
    let guide = practice_guide::parenting_through_adversity();
    case(expect)
        .unwrap_or_else(|e| panic!("{e}"))
        .run(guide)
        .mismatches
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_case_that_holds_passes() {
    assert_eq!(
        mismatches(
            "  scope: applies\n  unlisted: applies\n  recommendations:\n    \
             key-structured-support-targeted-help: does_not_apply\n    \
             key-mental-health-without-waiting: does_not_apply\n"
        ),
        Vec::<String>::new()
    );
}

#[test]
fn a_wrong_status_is_reported_with_file_line_and_rule() {
    assert_eq!(
        mismatches(
            "  scope: does_not_apply\n  unlisted: applies\n  recommendations:\n    \
             key-structured-support-targeted-help: applies\n    \
             key-mental-health-without-waiting: does_not_apply\n"
        ),
        [
            "case.yaml:6:10: scope: expected does_not_apply, found applies",
            "case.yaml:9:5: rule `key-structured-support-targeted-help`: expected applies, found \
             does_not_apply",
        ]
    );
}

#[test]
fn evidence_missing_facts_and_actions_are_compared() {
    let found = mismatches(
        "  unlisted: applies\n  recommendations:\n    \
         key-structured-support-targeted-help: does_not_apply\n    \
         key-mental-health-without-waiting: does_not_apply\n    \
         reduce-risk-of-harm:\n      status: applies\n      evidence: strong\n      \
         missing: [barriers]\n      actions: [coordinated and jointly owned, Fixed and structured]\n",
    );
    assert_eq!(
        found,
        [
            "case.yaml:10:5: rule `reduce-risk-of-harm`: expected evidence `strong`, found `promising`",
            "case.yaml:10:5: rule `reduce-risk-of-harm`: expected missing facts [barriers], found []",
            "case.yaml:10:5: rule `reduce-risk-of-harm`: expected the action \"Fixed and structured\", \
             not shown",
            "case.yaml:10:5: rule `reduce-risk-of-harm`: the action `most-effective-models` (\"Focus on the intervention models \
             and practices shown to be m…\") is shown (applies) but not expected",
        ]
    );
}

#[test]
fn a_rule_without_an_expectation_is_a_mismatch() {
    let found = mismatches("  recommendations:\n    reduce-risk-of-harm: applies\n");
    assert!(
        found.contains(
            &"case.yaml: rule `strengthen-parent-child-relationships`: the case does not say what \
              this recommendation should be (found applies): list it under \
              `expect.recommendations`, or set `expect.unlisted`"
                .to_owned()
        ),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|m| m.starts_with("case.yaml: rule `programme-design`:")),
        "{found:#?}"
    );
}

#[test]
fn unknown_ids_levels_facts_and_statuses_are_errors() {
    let err = case(
        "  scope: apply\n  recommendations:\n    reduce-risk-of-harn: applies\n    \
         reduce-risk-of-harm: { status: applies, evidence: strng, missing: [servce_level] }\n  \
         principles:\n    reduce-risk-of-harm: applies\n    programme-design: { evidence: strong }\n",
    )
    .unwrap_err();
    let problems: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "case.yaml:6:10: unknown status `apply` (one of: applies, undetermined, does_not_apply)",
            "case.yaml:8:5: unknown recommendation `reduce-risk-of-harn` (did you mean \
             `reduce-risk-of-harm`?)",
            "case.yaml:9:55: recommendation `reduce-risk-of-harm`: unknown evidence level `strng` (did you \
             mean `strong`? one of: strong, good, promising, not_known)",
            "case.yaml:9:72: recommendation `reduce-risk-of-harm`: unknown fact `servce_level` (did you mean \
             `service_level`?)",
            "case.yaml:11:5: unknown principle `reduce-risk-of-harm` (one of: working-with-families, \
             programme-design)",
            "case.yaml:12:35: principle `programme-design`: a principle has no evidence rating",
            "case.yaml:12:23: principle `programme-design`: an expectation needs `status:` (applies, \
             undetermined or does_not_apply)",
        ]
    );
}

#[test]
fn a_profile_that_does_not_fit_the_vocabulary_is_an_error() {
    let guide = practice_guide::parenting_through_adversity();
    let err = Case::read(
        guide,
        "case.yaml",
        "profile:\n  children_ages: [age_40]\nexpect:\n  unlisted: applies\n",
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with(
            "case.yaml:2:18: `age_40` is not a declared value of `children_ages` (did you mean \
             `age_0`? declared:"
        ),
        "{err}"
    );
    let err = Case::read(guide, "case.yaml", "profile: {}\nexpct: {}\n").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("case.yaml:2:1: unknown key `expct` (did you mean `expect`?"),
        "{err}"
    );
}

/// A report that shows the offending line itself (the tool's) titles a problem as the one-line
/// form names it: a profile's problem names its fact in the message, so not again before it.
#[test]
fn a_problem_is_titled_as_its_one_line_form_names_it() {
    let guide = practice_guide::parenting_through_adversity();
    let case = "profile:\n  childrn_ages: [age_3]\nexpect:\n  unlisted: applies\n";
    let err = Case::read(guide, "case.yaml", case).unwrap_err();
    let problem = &err.problems()[0];
    assert_eq!(problem.title(), "unknown fact `childrn_ages`");
    assert_eq!(
        problem.to_string(),
        "case.yaml:2:3: unknown fact `childrn_ages` (did you mean `children_ages`?)"
    );
    let options = practice_guide::EvaluationOptions::new().min_evidence("strnog");
    let err = guide.filter(&options).unwrap_err();
    assert_eq!(
        err.problems()[0].title(),
        "option `min_evidence`: unknown evidence level `strnog`"
    );
}

#[test]
fn a_folder_with_a_bad_case_fails_naming_every_problem() {
    let dir = std::env::temp_dir().join(format!("practice-guide-cases-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.yaml"),
        "profile: {}\nexpect:\n  recommendations:\n    no-such-rule: applies\n",
    )
    .unwrap();
    std::fs::write(dir.join("b.yaml"), "profile: {}\nexpect:\n  scope: maybe\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "not a case").unwrap();
    let guide = practice_guide::parenting_through_adversity();
    let result = run_case_dir(guide, &dir);
    std::fs::remove_dir_all(&dir).unwrap();
    let err = result.unwrap_err();
    assert_eq!(err.problems().len(), 2, "{err}");
    assert!(
        err.problems()[0].to_string().contains(
            "a.yaml:4:5: unknown recommendation `no-such-rule` (one of: reduce-risk-of-harm,"
        ),
        "{err}"
    );
    assert!(
        err.problems()[1]
            .to_string()
            .contains("b.yaml:3:10: unknown status `maybe`"),
        "{err}"
    );
}

#[test]
fn the_embedded_suite_asserts_every_rule_and_action_both_ways() {
    let guide = practice_guide::parenting_through_adversity();
    let report = run_case_dir(guide, "tests/cases").unwrap();
    let unasserted: Vec<String> = report
        .unasserted()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(unasserted.is_empty(), "{unasserted:#?}");
}

#[test]
fn a_case_names_actions_by_id_and_an_unknown_id_is_an_error() {
    let found = mismatches(
        "  unlisted: applies\n  recommendations:\n    \
         key-structured-support-targeted-help: does_not_apply\n    \
         key-mental-health-without-waiting: does_not_apply\n    \
         reduce-risk-of-harm:\n      status: applies\n      \
         actions: [{ id: coordinated-network }, { id: most-effective-models, status: applies }]\n",
    );
    assert_eq!(found, Vec::<String>::new());
    let err = case(
        "  recommendations:\n    reduce-risk-of-harm:\n      status: applies\n      \
         actions: [{ id: structured-delivry }]\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "case.yaml:9:23: recommendation `reduce-risk-of-harm`: `reduce-risk-of-harm#structured-delivry`: \
         recommendation `reduce-risk-of-harm` has no \"how\" point `structured-delivry` (did you \
         mean `structured-delivery`? its \"how\" points: coordinated-network, \
         most-effective-models, structured-delivery)"
    );
}

/// An action that does not apply is not shown, so a case expecting it not to apply passes when it
/// is absent and fails when it is shown.
#[test]
fn an_action_expected_not_to_apply_is_one_not_shown() {
    let expect = |status: &str| {
        format!(
            "  recommendations:\n    reduce-risk-of-harm:\n      status: applies\n      \
             actions:\n        - {{ id: coordinated-network }}\n        - \
             {{ id: most-effective-models }}\n        - {{ id: structured-delivery, status: {status} }}\n"
        )
    };
    // The family receives universal services: the structured-delivery point is for Family Help.
    let found = |status: &str| -> Vec<String> {
        mismatches(&expect(status))
            .into_iter()
            .filter(|m| m.contains("reduce-risk-of-harm"))
            .collect()
    };
    assert_eq!(found("does_not_apply"), Vec::<String>::new());
    assert_eq!(
        found("applies"),
        [
            "case.yaml:7:5: rule `reduce-risk-of-harm`: expected the action \
          `structured-delivery`, not shown"
        ]
    );
}

/// A rule or action no case names both ways is reported, so that one added to a guide cannot
/// pass its suite unreviewed.
#[test]
fn the_harness_names_what_no_case_asserts() {
    let dir = std::env::temp_dir().join(format!("practice-guide-coverage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let case = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    case(
        "a.yaml",
        &format!(
            "{FAMILY}expect:\n  unlisted: applies\n  recommendations:\n    \
                  key-structured-support-targeted-help: does_not_apply\n    \
                  key-mental-health-without-waiting: does_not_apply\n"
        ),
    );
    let guide = practice_guide::parenting_through_adversity();
    let report = run_case_dir(guide, &dir);
    std::fs::remove_dir_all(&dir).unwrap();
    let report = report.unwrap();
    assert!(report.passed(), "{report}");
    let unasserted: Vec<String> = report
        .unasserted()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        unasserted.contains(&"recommendation `reduce-risk-of-harm`: no case names it".to_owned())
    );
    assert!(unasserted.contains(
        &"recommendation `key-mental-health-without-waiting`: no case names it where it applies"
            .to_owned()
    ));
    assert!(unasserted.contains(
        &"action `key-mental-health-without-waiting#begin-without-waiting`: no case names it where \
          it applies"
            .to_owned()
    ));
    // Rules listed only through `unlisted` are not named.
    assert!(unasserted.contains(&"principle `programme-design`: no case names it".to_owned()));
}
