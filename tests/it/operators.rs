//! Every operator, on every fact type it applies to: true, false, and unknown when the fact is
//! not given.

use practice_guide::Status::{self, Applies, DoesNotApply, Undetermined};

use crate::fixture::status_of;

/// (condition, profile, expected status)
const CASES: &[(&str, &str, Status)] = &[
    // boolean: shorthand, is, is_not (`yes` and `no` are text, refused: see load_errors)
    ("{ flag: true }", "flag: true", Applies),
    ("{ flag: true }", "flag: false", DoesNotApply),
    ("{ flag: true }", "{}", Undetermined),
    ("{ flag: { is: false } }", "flag: false", Applies),
    ("{ flag: { is_not: true } }", "flag: false", Applies),
    ("{ flag: { is_not: true } }", "flag: true", DoesNotApply),
    ("{ flag: { is_not: true } }", "{}", Undetermined),
    // integer: equality, membership, comparisons, inclusive ranges (both edges)
    ("{ age: 4 }", "age: 4", Applies),
    ("{ age: 4 }", "age: 5", DoesNotApply),
    ("{ age: { is_not: 4 } }", "age: 5", Applies),
    ("{ age: { in: [1, 3, 5] } }", "age: 3", Applies),
    ("{ age: { in: [1, 3, 5] } }", "age: 4", DoesNotApply),
    ("{ age: { not_in: [1, 3, 5] } }", "age: 4", Applies),
    ("{ age: { not_in: [1, 3, 5] } }", "age: 5", DoesNotApply),
    ("{ age: { at_least: 4 } }", "age: 4", Applies),
    ("{ age: { at_least: 4 } }", "age: 3", DoesNotApply),
    ("{ age: { at_most: 4 } }", "age: 4", Applies),
    ("{ age: { at_most: 4 } }", "age: 5", DoesNotApply),
    ("{ age: { more_than: 4 } }", "age: 5", Applies),
    ("{ age: { more_than: 4 } }", "age: 4", DoesNotApply),
    ("{ age: { less_than: 4 } }", "age: 3", Applies),
    ("{ age: { less_than: 4 } }", "age: 4", DoesNotApply),
    ("{ age: { between: [2, 3] } }", "age: 2", Applies),
    ("{ age: { between: [2, 3] } }", "age: 3", Applies),
    ("{ age: { between: [2, 3] } }", "age: 1", DoesNotApply),
    ("{ age: { between: [2, 3] } }", "age: 4", DoesNotApply),
    ("{ age: { between: [2, 3] } }", "{}", Undetermined),
    ("{ age: { at_least: 2, at_most: 3 } }", "age: 3", Applies),
    (
        "{ age: { at_least: 2, at_most: 3 } }",
        "age: 4",
        DoesNotApply,
    ),
    // one_of
    ("{ level: mid }", "level: mid", Applies),
    ("{ level: mid }", "level: low", DoesNotApply),
    ("{ level: { is_not: mid } }", "level: low", Applies),
    ("{ level: { in: [mid, high] } }", "level: high", Applies),
    ("{ level: { in: [mid, high] } }", "level: low", DoesNotApply),
    ("{ level: { not_in: [mid, high] } }", "level: low", Applies),
    ("{ level: { in: [mid, high] } }", "{}", Undetermined),
    // set_of
    ("{ tags: { contains: a } }", "tags: [a, b]", Applies),
    ("{ tags: { contains: a } }", "tags: [b]", DoesNotApply),
    ("{ tags: { contains: a } }", "tags: []", DoesNotApply),
    ("{ tags: { contains: a } }", "{}", Undetermined),
    ("{ tags: { contains_any: [a, c] } }", "tags: [c]", Applies),
    (
        "{ tags: { contains_any: [a, c] } }",
        "tags: [b, d]",
        DoesNotApply,
    ),
    (
        "{ tags: { contains_all: [a, c] } }",
        "tags: [a, b, c]",
        Applies,
    ),
    (
        "{ tags: { contains_all: [a, c] } }",
        "tags: [a, b]",
        DoesNotApply,
    ),
    (
        "{ tags: { contains_none: [a, c] } }",
        "tags: [b, d]",
        Applies,
    ),
    (
        "{ tags: { contains_none: [a, c] } }",
        "tags: [d, c]",
        DoesNotApply,
    ),
    ("{ tags: { is_empty: true } }", "tags: []", Applies),
    ("{ tags: { is_empty: true } }", "tags: [a]", DoesNotApply),
    ("{ tags: { is_empty: false } }", "tags: [a]", Applies),
    ("{ tags: { is_empty: false } }", "{}", Undetermined),
    (
        "{ tags: { count: { at_least: 2 } } }",
        "tags: [a, b]",
        Applies,
    ),
    (
        "{ tags: { count: { at_least: 2 } } }",
        "tags: [a]",
        DoesNotApply,
    ),
    ("{ tags: { count: { at_most: 1 } } }", "tags: [a]", Applies),
    ("{ tags: { count: { is: 0 } } }", "tags: []", Applies),
    (
        "{ tags: { count: { between: [1, 2] } } }",
        "tags: [a, b, c]",
        DoesNotApply,
    ),
    (
        "{ tags: { count: { more_than: 2 } } }",
        "tags: [a, b, c]",
        Applies,
    ),
    (
        "{ tags: { count: { less_than: 2 } } }",
        "tags: [a, b, c]",
        DoesNotApply,
    ),
    ("{ tags: { count: { at_least: 2 } } }", "{}", Undetermined),
    // text
    ("{ note: hello }", "note: hello", Applies),
    ("{ note: hello }", "note: Hello", DoesNotApply),
    ("{ note: { is_not: hello } }", "note: bye", Applies),
    ("{ note: { in: [hi, hello] } }", "note: hi", Applies),
    (
        "{ note: { not_in: [hi, hello] } }",
        "note: hi",
        DoesNotApply,
    ),
    (
        "{ postcode: { matches: '^SW1' } }",
        "postcode: SW1A 1AA",
        Applies,
    ),
    (
        "{ postcode: { matches: '^SW1' } }",
        "postcode: SE1 7PB",
        DoesNotApply,
    ),
    ("{ postcode: { matches: '^SW1' } }", "{}", Undetermined),
    // known / unknown tests are never themselves unknown
    ("{ flag: { known: true } }", "flag: false", Applies),
    ("{ flag: { known: true } }", "{}", DoesNotApply),
    ("{ flag: { known: false } }", "{}", Applies),
    ("{ tags: { known: false } }", "tags: []", DoesNotApply),
    ("{ note: { known: true } }", "note: x", Applies),
    // an explicit null in a profile means unknown
    ("{ flag: { known: false } }", "flag: null", Applies),
];

#[test]
fn every_operator_on_every_type() {
    let mut failures = Vec::new();
    for (when, profile, expected) in CASES {
        let actual = status_of(when, profile);
        if actual != *expected {
            failures.push(format!(
                "when {when} on `{profile}`: expected {expected:?}, got {actual:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn named_conditions_are_reusable_and_nest() {
    let conditions = "\
young:
  description: A young child
  when: { age: { at_most: 4 } }
young_and_flagged:
  when:
    all:
      - condition: young
      - flag: true
";
    let recommendations = crate::fixture::one_recommendation("{ condition: young_and_flagged }");
    let guide = practice_guide::Guide::from_files([
        ("guide.yaml", crate::fixture::GUIDE),
        ("facts.yaml", crate::fixture::FACTS),
        ("conditions.yaml", conditions),
        ("recommendations.yaml", recommendations.as_str()),
    ])
    .unwrap();
    let eval = |yaml: &str| {
        let profile = crate::fixture::profile(&guide, yaml);
        let e = guide.evaluate(&profile).unwrap();
        e.recommendations().next().unwrap().into_owned_status()
    };
    assert_eq!(
        eval("{ age: 3, flag: true }"),
        (
            Applies,
            vec!["young".to_owned(), "young_and_flagged".to_owned()]
        )
    );
    assert_eq!(eval("{ age: 5, flag: true }").0, DoesNotApply);
    assert_eq!(eval("{ age: 3 }").0, Undetermined);
}

trait OwnedStatus {
    fn into_owned_status(self) -> (practice_guide::Status, Vec<String>);
}

impl OwnedStatus for practice_guide::result::RuleResult<'_> {
    /// The status and the named conditions the reasons came through, sorted.
    fn into_owned_status(self) -> (practice_guide::Status, Vec<String>) {
        let mut via: Vec<String> = self
            .reasons()
            .filter_map(|r| r.via().map(str::to_owned))
            .collect();
        via.sort();
        via.dedup();
        (self.status(), via)
    }
}
