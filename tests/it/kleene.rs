//! `all`, `any` and `not` under unknowns follow Kleene's strong three-valued logic, checked
//! against the full truth tables; `missing` names exactly the unknown facts that would decide.

use practice_guide::Status::{self, Applies, DoesNotApply, Undetermined};

use crate::fixture::{guide, one_recommendation, profile};

/// Profile fragments that make `flag: true` true, false or unknown.
fn flag(t: Status) -> &'static str {
    match t {
        Applies => "flag: true",
        DoesNotApply => "flag: false",
        Undetermined => "",
    }
}

/// Profile fragments that make `level: mid` true, false or unknown.
fn level(t: Status) -> &'static str {
    match t {
        Applies => "level: mid",
        DoesNotApply => "level: low",
        Undetermined => "",
    }
}

const VALUES: [Status; 3] = [Applies, Undetermined, DoesNotApply];

fn kleene_and(a: Status, b: Status) -> Status {
    match (a, b) {
        (DoesNotApply, _) | (_, DoesNotApply) => DoesNotApply,
        (Applies, Applies) => Applies,
        _ => Undetermined,
    }
}

fn kleene_or(a: Status, b: Status) -> Status {
    match (a, b) {
        (Applies, _) | (_, Applies) => Applies,
        (DoesNotApply, DoesNotApply) => DoesNotApply,
        _ => Undetermined,
    }
}

fn kleene_not(a: Status) -> Status {
    match a {
        Applies => DoesNotApply,
        DoesNotApply => Applies,
        Undetermined => Undetermined,
    }
}

/// Evaluates `when` with the two leaves set to `a` and `b`; returns status and missing facts.
fn run(when: &str, a: Status, b: Status) -> (Status, Vec<String>) {
    let guide = guide(&one_recommendation(when));
    let yaml = format!(
        "{{{}}}",
        [flag(a), level(b)]
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    );
    let evaluation = guide.evaluate(&profile(&guide, &yaml)).unwrap();
    let result = evaluation.recommendations().next().unwrap();
    (
        result.status(),
        result.missing().map(str::to_owned).collect(),
    )
}

/// The unknown facts among the two leaves, when the result is undetermined.
fn expected_missing(result: Status, a: Status, b: Status) -> Vec<String> {
    if result != Undetermined {
        return Vec::new();
    }
    let mut missing = Vec::new();
    if a == Undetermined {
        missing.push("flag".to_owned());
    }
    if b == Undetermined {
        missing.push("level".to_owned());
    }
    missing
}

#[test]
fn all_is_kleene_conjunction() {
    for a in VALUES {
        for b in VALUES {
            let expected = kleene_and(a, b);
            assert_eq!(
                run("{ all: [{ flag: true }, { level: mid }] }", a, b),
                (expected, expected_missing(expected, a, b)),
                "all({a:?}, {b:?})"
            );
        }
    }
}

#[test]
fn any_is_kleene_disjunction() {
    for a in VALUES {
        for b in VALUES {
            let expected = kleene_or(a, b);
            assert_eq!(
                run("{ any: [{ flag: true }, { level: mid }] }", a, b),
                (expected, expected_missing(expected, a, b)),
                "any({a:?}, {b:?})"
            );
        }
    }
}

#[test]
fn not_swaps_true_and_false_and_keeps_unknown() {
    for a in VALUES {
        let expected = kleene_not(a);
        assert_eq!(
            run("{ not: { flag: true } }", a, Undetermined),
            (expected, expected_missing(expected, a, Applies)),
            "not({a:?})"
        );
    }
}

#[test]
fn nested_combinators_compose() {
    // not(all(a, any(b, not a))) over every pair of values
    for a in VALUES {
        for b in VALUES {
            let expected = kleene_not(kleene_and(a, kleene_or(b, kleene_not(a))));
            let (status, _) = run(
                "{ not: { all: [{ flag: true }, { any: [{ level: mid }, { not: { flag: true } }] }] } }",
                a,
                b,
            );
            assert_eq!(status, expected, "a={a:?} b={b:?}");
        }
    }
}

#[test]
fn a_decided_condition_lists_no_missing_facts_even_with_unknowns_inside() {
    // false AND unknown is false: the unknown fact would not change it.
    let (status, missing) = run(
        "{ all: [{ flag: true }, { level: mid }] }",
        DoesNotApply,
        Undetermined,
    );
    assert_eq!((status, missing), (DoesNotApply, vec![]));
    // true OR unknown is true.
    let (status, missing) = run(
        "{ any: [{ flag: true }, { level: mid }] }",
        Applies,
        Undetermined,
    );
    assert_eq!((status, missing), (Applies, vec![]));
}

#[test]
fn reasons_are_the_deciding_tests_with_the_values_seen() {
    let guide = guide(&one_recommendation(
        "{ any: [{ flag: true }, { level: mid }, { age: { at_least: 4 } }] }",
    ));
    let evaluation = guide
        .evaluate(&profile(&guide, "{ flag: false, level: mid }"))
        .unwrap();
    let reasons: Vec<String> = evaluation
        .recommendations()
        .next()
        .unwrap()
        .reasons()
        .map(|r| {
            let value = r.value().map(|v| v.to_fact_value());
            format!("{} => {:?} (saw {value:?})", r.test(), r.result())
        })
        .collect();
    // `any` is true: only the true test decided it.
    assert_eq!(reasons, ["level is mid => True (saw Some(Text(\"mid\")))"]);

    let evaluation = guide
        .evaluate(&profile(&guide, "{ flag: false, level: low }"))
        .unwrap();
    let result = evaluation.recommendations().next().unwrap();
    assert_eq!(result.status(), Undetermined);
    let tests: Vec<&str> = result.reasons().map(|r| r.test()).collect();
    // Undecided: the known false tests as context, and the unknown one.
    assert_eq!(
        tests,
        ["flag is true", "level is mid", "age is at least 4 years"]
    );
    assert_eq!(result.missing().collect::<Vec<_>>(), ["age"]);
}
