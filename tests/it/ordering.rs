//! Results are ordered applies → undetermined → does not apply, then strongest evidence first,
//! then guide order; callers filter by minimum evidence and by audience.

use practice_guide::{EvaluationOptions, Guide, Status};

use crate::fixture::{FACTS, GUIDE, PRINCIPLES, profile};

fn rec(id: &str, evidence: &str, when: &str, audiences: &str) -> String {
    // A rated recommendation needs a source that gives its rating.
    let rating = if evidence == "not_known" {
        String::new()
    } else {
        format!(", rating: {evidence}")
    };
    format!(
        "- id: {id}\n  title: {id}\n  statement: s\n  evidence: {evidence}\n  audiences: {audiences}\n  when: {when}\n  \
         how:\n    - id: leaders\n      text: for leaders\n      audiences: [leaders]\n    - id: everyone\n      text: for everyone\n  \
         sources: [{{ url: 'https://example.org', wording: verbatim{rating} }}]\n"
    )
}

fn ordering_guide() -> Guide {
    let recommendations = [
        rec(
            "promising-applies",
            "promising",
            "{ flag: true }",
            "[leaders]",
        ),
        rec("strong-undetermined", "strong", "{ level: mid }", "[]"),
        rec(
            "strong-applies",
            "strong",
            "{ flag: true }",
            "[practitioners]",
        ),
        rec("unrated-applies", "not_known", "{ flag: true }", "[]"),
        rec("strong-does-not-apply", "strong", "{ flag: false }", "[]"),
        rec(
            "strong-applies-later",
            "strong",
            "{ flag: true }",
            "[leaders]",
        ),
    ]
    .concat();
    Guide::from_files([
        ("guide.yaml", GUIDE),
        ("facts.yaml", FACTS),
        ("principles.yaml", PRINCIPLES),
        ("recommendations.yaml", recommendations.as_str()),
    ])
    .unwrap()
}

fn ids(guide: &Guide, options: &EvaluationOptions) -> Vec<String> {
    let filter = guide.filter(options).unwrap();
    let evaluation = guide
        .read_profile("profile.yaml", "flag: true")
        .unwrap()
        .evaluate_filtered(&filter);
    evaluation
        .recommendations()
        .map(|r| r.id().to_owned())
        .collect()
}

#[test]
fn applies_first_then_strongest_then_guide_order() {
    let guide = ordering_guide();
    assert_eq!(
        ids(&guide, &EvaluationOptions::default()),
        [
            "strong-applies",
            "strong-applies-later",
            "promising-applies",
            "unrated-applies",
            "strong-undetermined",
            "strong-does-not-apply",
        ]
    );
}

#[test]
fn order_is_the_same_on_every_run() {
    let guide = ordering_guide();
    let first = ids(&guide, &EvaluationOptions::default());
    for _ in 0..20 {
        assert_eq!(ids(&guide, &EvaluationOptions::default()), first);
    }
}

#[test]
fn minimum_evidence_keeps_that_level_and_stronger_and_drops_unrated() {
    let guide = ordering_guide();
    let options = |level: &str| EvaluationOptions::new().min_evidence(level);
    assert_eq!(
        ids(&guide, &options("strong")),
        [
            "strong-applies",
            "strong-applies-later",
            "strong-undetermined",
            "strong-does-not-apply"
        ]
    );
    assert_eq!(
        ids(&guide, &options("promising")),
        [
            "strong-applies",
            "strong-applies-later",
            "promising-applies",
            "strong-undetermined",
            "strong-does-not-apply",
        ]
    );
    assert_eq!(ids(&guide, &options("not_known")).len(), 6);
}

#[test]
fn audience_keeps_rules_and_actions_for_it_or_for_everyone() {
    let guide = ordering_guide();
    let options = EvaluationOptions::new().audience("practitioners");
    assert_eq!(
        ids(&guide, &options),
        [
            "strong-applies",
            "unrated-applies",
            "strong-undetermined",
            "strong-does-not-apply"
        ]
    );
    let evaluation = guide
        .read_profile("profile.yaml", "flag: true")
        .unwrap()
        .evaluate_filtered(&guide.filter(&options).unwrap());
    let actions: Vec<&str> = evaluation
        .recommendations()
        .next()
        .unwrap()
        .actions()
        .map(|a| a.text())
        .collect();
    assert_eq!(actions, ["for everyone"]);
}

#[test]
fn unknown_filter_values_are_errors_with_suggestions() {
    let guide = ordering_guide();
    let options = EvaluationOptions::new()
        .min_evidence("strng")
        .audience("leader");
    let err = guide.filter(&options).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2 problems:\n\
         option `min_evidence`: unknown evidence level `strng` (did you mean `strong`? one of: \
         strong, promising, not_known)\n\
         option `audience`: unknown audience `leader` (did you mean `leaders`? one of: leaders, \
         practitioners)"
    );
}

#[test]
fn actions_with_their_own_condition_narrow_within_the_rule() {
    let recommendations = "\
- id: r1
  title: r1
  statement: s
  evidence: strong
  when: { flag: true }
  how:
    - id: always
      text: always
    - id: only-for-high
      text: only for high
      when: { level: high }
  sources: [{ url: 'https://example.org', wording: verbatim, rating: strong }]
";
    let guide = crate::fixture::guide(recommendations);
    let actions = |yaml: &str| -> Vec<(String, Status)> {
        let evaluation = guide.evaluate(&profile(&guide, yaml)).unwrap();
        evaluation
            .recommendations()
            .next()
            .unwrap()
            .actions()
            .map(|a| (a.text().to_owned(), a.status()))
            .collect()
    };
    assert_eq!(
        actions("{ flag: true, level: high }"),
        [
            ("always".into(), Status::Applies),
            ("only for high".into(), Status::Applies)
        ]
    );
    assert_eq!(
        actions("{ flag: true, level: low }"),
        [("always".into(), Status::Applies)]
    );
    assert_eq!(
        actions("{ flag: true }"),
        [
            ("always".into(), Status::Applies),
            ("only for high".into(), Status::Undetermined)
        ]
    );
    assert_eq!(actions("{ flag: false, level: high }"), []);
}
