//! The analysis as a rule author meets it: the embedded guide has no error, and a copy of it with
//! one instance of each finding (`tests/fixtures/lint-broken/`, each instance commented) gets
//! each one, on its file and line. (That every verdict is right for every profile is checked
//! against brute force on random guides, in `src/analysis/tests.rs`.)

use practice_guide::analysis::{Check, Severity};
use practice_guide::{Guide, Status};

fn broken() -> Guide {
    Guide::from_dir("tests/fixtures/lint-broken/guide")
        .and_then(|g| g.with_overlay_dir("tests/fixtures/lint-broken/overlay"))
        .unwrap()
}

#[test]
fn the_embedded_guide_has_no_error_nor_warning() {
    let guide = practice_guide::parenting_through_adversity();
    let with_overlay = guide
        .with_overlay_dir("rules/overlays/example-borough")
        .unwrap();
    for analysis in [guide.analyze(), with_overlay.analyze()] {
        let serious: Vec<String> = analysis
            .findings()
            .iter()
            .filter(|f| f.severity != Severity::Info)
            .map(ToString::to_string)
            .collect();
        assert!(serious.is_empty(), "{serious:#?}");
    }
}

#[test]
fn each_finding_is_found_on_its_line() {
    let analysis = broken().analyze();
    let found: Vec<(&str, String, String)> = analysis
        .findings()
        .iter()
        .filter(|f| !matches!(f.check, Check::UnreadValue | Check::AppliesToEveryFamily))
        .map(|f| {
            let at = f.position.map_or(String::new(), |p| p.line.to_string());
            let item = f.item.as_ref().map_or(String::new(), ToString::to_string);
            (
                f.check.code(),
                item,
                format!("{}:{at}", f.file.unwrap_or("")),
            )
        })
        .collect();
    let expected = [
        (
            "rule_never_applies",
            "recommendation `only-without-adversity`",
            "recommendations.yaml:276",
        ),
        (
            "action_never_applies",
            "action `family-help-points#universal-only`",
            "recommendations.yaml:291",
        ),
        (
            "unused_named_condition",
            "named condition `no_adversity`",
            "conditions.yaml:69",
        ),
        (
            "unused_fact",
            "fact `parent_works_nights`",
            "facts.yaml:136",
        ),
        (
            "action_when_says_nothing",
            "action `family-help-points#targeted`",
            "recommendations.yaml:295",
        ),
        (
            "test_never_true",
            "action `family-help-points#odd-tests`",
            "recommendations.yaml:311",
        ),
        (
            "test_never_false",
            "action `family-help-points#odd-tests`",
            "recommendations.yaml:313",
        ),
        (
            "service_never_eligible",
            "service `nobody-group`",
            "services.yaml:142",
        ),
        (
            "service_never_under_rule",
            "service `universal-course`",
            "services.yaml:158",
        ),
        (
            "equivalent_conditions",
            "action `family-help-points#behaviour-again`",
            "recommendations.yaml:302",
        ),
        (
            "known_test",
            "action `family-help-points#ask-for-ages`",
            "recommendations.yaml:318",
        ),
        (
            "unanchored_regex",
            "action `family-help-points#in-the-borough`",
            "recommendations.yaml:321",
        ),
    ];
    let expected: Vec<(&str, String, String)> = expected
        .iter()
        .map(|(code, item, at)| (*code, (*item).to_owned(), (*at).to_owned()))
        .collect();
    assert_eq!(found, expected);
    assert_eq!(analysis.errors(), 2);
}

/// A report that shows the severity, file and help its own way (the tool's) titles a finding as
/// the one-line form names it.
#[test]
fn a_finding_is_titled_as_its_one_line_form_names_it() {
    let analysis = broken().analyze();
    assert!(analysis.findings().len() > 5);
    for finding in analysis.findings() {
        let title = finding.title();
        if let Some(item) = &finding.item {
            assert!(title.starts_with(&format!("{item}: ")), "{title}");
        }
        let severity = finding.severity.as_str();
        let code = finding.check.code();
        let line = finding.to_string();
        assert!(
            line.contains(&format!("{severity}[{code}]: {title}")),
            "{line}"
        );
    }
}

#[test]
fn a_verdict_that_depends_on_a_regular_expression_says_it_may_over_approximate() {
    let analysis = broken().analyze();
    assert!(analysis.is_approximate());
    let approximate: Vec<&str> = analysis
        .findings()
        .iter()
        .filter(|f| f.approximate)
        .map(|f| f.check.code())
        .collect();
    // Only the regular expression's own rule's findings depend on it; none here do.
    assert!(approximate.is_empty(), "{approximate:?}");
}

#[test]
fn a_witness_shows_what_the_rule_does_to_that_family() {
    let guide = broken();
    let analysis = guide.analyze();
    let never = analysis
        .findings()
        .iter()
        .find(|f| f.check == Check::RuleNeverApplies)
        .unwrap();
    // Its condition holds for the example, but the example is outside the scope.
    let witness = never.witness.as_ref().unwrap();
    let evaluation = guide.evaluate(witness).unwrap();
    assert_eq!(evaluation.scope().status(), Status::DoesNotApply);
    for w in analysis.witnesses() {
        if let Some(profile) = &w.applies {
            let evaluation = guide.evaluate(profile).unwrap();
            let applies = evaluation
                .rules()
                .filter(|r| r.status() == Status::Applies)
                .any(|r| {
                    r.id() == w.id
                        || r.actions().any(|a| {
                            format!("{}#{}", r.id(), a.id()) == w.id
                                && a.status() == Status::Applies
                        })
                });
            assert!(applies, "{}: {profile:?}", w.id);
        }
    }
}
