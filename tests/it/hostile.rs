//! Hostile and broken inputs, one test per class, and every limit: each asserts what the user is
//! told. None may panic, hang or exhaust memory.

use practice_guide::error::ProblemKind;
use practice_guide::{FamilyProfile, Guide, limits};

use crate::fixture::{FACTS, GUIDE, PRINCIPLES, guide, one_recommendation, try_guide_replacing};

fn load_error(file: &str, text: &str) -> String {
    match try_guide_replacing(file, text) {
        Ok(_) => panic!("{file} should not load"),
        Err(e) => e.to_string(),
    }
}

fn profile_error(yaml: &str) -> String {
    let guide = guide(&one_recommendation("{ flag: true }"));
    match guide.read_profile("family.yaml", yaml) {
        Ok(p) => panic!("profile should not read: {p:?}"),
        Err(e) => e.to_string(),
    }
}

/// A "billion laughs" document: ten levels of ten aliases each, 10^10 nodes if expanded.
fn billion_laughs() -> String {
    let mut lines = vec!["a: &a [x, x, x, x, x, x, x, x, x, x]".to_owned()];
    for level in 1..10u8 {
        let (name, previous) = ((b'a' + level) as char, (b'a' + level - 1) as char);
        let items = vec![format!("*{previous}"); 10].join(", ");
        lines.push(format!("{name}: &{name} [{items}]"));
    }
    lines.join("\n")
}

#[test]
fn empty_files() {
    assert_eq!(
        load_error("recommendations.yaml", "# nothing yet\n"),
        "recommendations.yaml: the file is empty"
    );
    assert_eq!(
        load_error("guide.yaml", ""),
        "guide.yaml:1:1: the file is empty; the rules, which name its levels and audiences, could \
         not be checked until guide.yaml reads"
    );
    assert_eq!(
        load_error("facts.yaml", ""),
        "facts.yaml: the file is empty; the rules, which test facts, could not be checked until \
         facts.yaml reads"
    );
}

#[test]
fn binary_junk() {
    assert_eq!(
        load_error("recommendations.yaml", "\0\u{1}\u{2}binary"),
        "recommendations.yaml:1:1: a control character (U+0000) where text was expected (rule \
         files and profiles are UTF-8 text: remove the character); nothing else in \
         `recommendations.yaml` was checked"
    );
    assert_eq!(
        profile_error("\u{7}\u{8}"),
        "family.yaml:1:1: a control character (U+0007) where text was expected (rule files and \
         profiles are UTF-8 text: remove the character)"
    );
}

#[test]
fn wrong_encodings() {
    let dir = std::env::temp_dir().join(format!("practice-guide-encoding-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("guide.yaml"), GUIDE).unwrap();
    std::fs::write(dir.join("facts.yaml"), FACTS).unwrap();
    std::fs::write(dir.join("principles.yaml"), PRINCIPLES).unwrap();
    // UTF-16 (little-endian, with its byte-order mark) is not UTF-8.
    let utf16: Vec<u8> = one_recommendation("{ flag: true }")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(
        dir.join("recommendations.yaml"),
        [&[0xFF, 0xFE][..], &utf16].concat(),
    )
    .unwrap();
    let utf16_result = Guide::from_dir(&dir).map(|g| g.id().to_owned());
    // A UTF-8 byte-order mark at the start is allowed by YAML and ignored.
    std::fs::write(
        dir.join("recommendations.yaml"),
        format!("\u{feff}{}", one_recommendation("{ flag: true }")),
    )
    .unwrap();
    let bom_result = Guide::from_dir(&dir).map(|g| g.id().to_owned());
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        utf16_result.unwrap_err().to_string(),
        "recommendations.yaml: the file is not UTF-8 text"
    );
    assert_eq!(bom_result.unwrap(), "test-guide");
}

#[test]
fn a_key_spelled_with_different_case() {
    let text = one_recommendation("{ flag: true }").replace("  title:", "  Title:");
    assert_eq!(
        load_error("recommendations.yaml", &text),
        "recommendations.yaml:2:3: unknown key `Title` (did you mean `title`? allowed here: id, \
         title, statement, \
         evidence, outcomes, audiences, principles, when, why, how, sources, fit)"
    );
    assert_eq!(
        profile_error("Flag: true\n"),
        "family.yaml:1:1: unknown fact `Flag` (did you mean `flag`?)"
    );
}

#[test]
fn numbers_where_text_is_expected_and_the_reverse() {
    assert_eq!(
        profile_error("note: 12\n"),
        "family.yaml:1:7: `note` (a text fact): expected text, found the number `12`"
    );
    assert_eq!(
        profile_error("age: \"4\"\n"),
        "family.yaml:1:6: `age` (an integer fact): expected a whole number, found the text `4`"
    );
    let facts = FACTS.replace("range: [0, 17]", "range: [zero, 17]");
    assert_eq!(
        load_error("facts.yaml", &facts).lines().next().unwrap(),
        "facts.yaml:6:10: fact `age`: `range` must be two whole numbers [MIN, MAX] with MIN not \
         above MAX, found the text `zero` (write the lowest and highest values as a list, e.g. \
         `range: [0, 20]`)"
    );
}

#[test]
fn a_date_in_the_wrong_format() {
    for bad in ["2025-13-01", "2025-02-30x", "7 February 2025", "2025/02/07"] {
        let guide_yaml = GUIDE.replace("published: 2025-01-01", &format!("published: {bad}"));
        assert_eq!(
            load_error("guide.yaml", &guide_yaml),
            format!(
                "guide.yaml:4:12: `published` must be a year, a month or a day written YYYY, YYYY-MM or YYYY-MM-DD, found `{bad}`"
            )
        );
    }
}

#[test]
fn very_long_strings() {
    let long = "x".repeat(limits::MAX_TEXT_BYTES + 1);
    assert_eq!(
        profile_error(&format!("note: {long}\n")),
        format!(
            "family.yaml:1:7: the text of `note` ({} bytes) exceeds the limit of {}",
            long.len(),
            limits::MAX_TEXT_BYTES
        )
    );
    let huge = "x".repeat(limits::MAX_FILE_BYTES + 1);
    assert_eq!(
        load_error("recommendations.yaml", &huge),
        format!(
            "recommendations.yaml: the file's size ({} bytes) exceeds the limit of {}",
            huge.len(),
            limits::MAX_FILE_BYTES
        )
    );
    // Long messages quote a shortened value.
    let message = profile_error(&format!("level: {}\n", "y".repeat(500)));
    assert!(message.len() < 300, "{message}");
}

#[test]
fn a_regex_that_would_be_catastrophic_when_backtracking_is_linear() {
    let guide = guide(&one_recommendation("{ note: { matches: '^(a+)+$' } }"));
    let evil = format!("{}!", "a".repeat(50_000));
    let profile = FamilyProfile::new().with("note", evil);
    let evaluation = guide.evaluate(&profile).unwrap();
    assert_eq!(
        evaluation.recommendations().next().unwrap().status(),
        practice_guide::Status::DoesNotApply
    );
}

#[test]
fn a_value_outside_its_declared_range() {
    assert_eq!(
        profile_error("age: 1000000000000\n"),
        "family.yaml:1:6: `age` is 1000000000000, outside its range 0 to 17"
    );
    assert_eq!(
        profile_error("age: 99999999999999999999\n"),
        "family.yaml:1:6: `age` (an integer fact): expected a whole number, found the number `100000000000000000000`"
    );
}

#[test]
fn a_rule_referring_to_itself() {
    assert_eq!(
        load_error(
            "conditions.yaml",
            "loop:\n  when: { any: [{ flag: true }, { condition: loop }] }\n"
        ),
        "conditions.yaml:2:46: named condition `loop`: named conditions refer to each other in a cycle: loop → loop"
    );
    let text = one_recommendation("{ flag: true }")
        .replace("  sources:", "  principles: [r1]\n  sources:");
    assert_eq!(
        load_error("recommendations.yaml", &text),
        "recommendations.yaml:6:16: recommendation `r1`: unknown principle `r1` (one of: p1)"
    );
}

#[test]
fn deep_nesting_is_refused_before_it_can_exhaust_the_stack() {
    let nested = format!(
        "{}{{ flag: true }}{}",
        "{ all: [".repeat(200),
        "] }".repeat(200)
    );
    let message = load_error("recommendations.yaml", &one_recommendation(&nested));
    assert!(message.starts_with("recommendations.yaml:5:"), "{message}");
    assert!(
        message.contains("nests deeper than the limit of 32 levels"),
        "{message}"
    );
    let profile = format!("flag: {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert!(profile_error(&profile).contains("nests deeper than the limit of 32 levels"));
}

#[test]
fn alias_expansion_is_bounded() {
    // Refused while expanding, long before 10^10 nodes exist.
    let message = profile_error(&billion_laughs());
    assert!(message.starts_with("family.yaml:6:"), "{message}");
    assert!(
        message.contains(&format!(
            "the file has more YAML nodes than the limit of {} allows",
            limits::MAX_PROFILE_YAML_NODES
        )),
        "{message}"
    );
    let mut conditions = String::from(
        "c0:\n  when: { tags: { contains_any: &c0 [a, a, a, a, a, a, a, a, a, a] } }\n",
    );
    for i in 1..10 {
        let items = vec![format!("*c{}", i - 1); 10].join(", ");
        conditions.push_str(&format!(
            "c{i}:\n  when: {{ tags: {{ contains_any: &c{i} [{items}] }} }}\n"
        ));
    }
    let message = load_error("conditions.yaml", &conditions);
    assert!(message.starts_with("conditions.yaml:"), "{message}");
    assert!(message.contains("than the limit"), "{message}");
}

#[test]
fn named_conditions_cannot_expand_exponentially() {
    // c_i uses c_(i-1) twice: 2^40 tests if expanded naively.
    let mut conditions = String::from("c0:\n  when: { flag: true }\n");
    for i in 1..40 {
        conditions.push_str(&format!(
            "c{i}:\n  when: {{ all: [{{ condition: c{p} }}, {{ condition: c{p} }}] }}\n",
            p = i - 1
        ));
    }
    assert_eq!(
        load_error("conditions.yaml", &conditions),
        format!(
            "conditions.yaml:26:9: named condition `c12`: the condition's size in tests and combinators (named \
             conditions counted in full) exceeds the limit of {}",
            limits::MAX_CONDITION_NODES
        )
    );
}

#[test]
fn named_condition_depth_is_bounded() {
    let depth = limits::MAX_NAMED_CONDITION_DEPTH + 5;
    // Defined in reverse order, so each is first compiled from the one before it.
    let mut conditions = String::new();
    for i in 0..depth {
        conditions.push_str(&format!("d{i}:\n  when: {{ condition: d{} }}\n", i + 1));
    }
    conditions.push_str(&format!("d{depth}:\n  when: {{ flag: true }}\n"));
    let message = load_error("conditions.yaml", &conditions);
    assert!(
        message.contains(&format!(
            "named conditions refer to named conditions more than {} deep",
            limits::MAX_NAMED_CONDITION_DEPTH
        )),
        "{message}"
    );
}

#[test]
fn profile_lists_are_bounded() {
    let guide = guide(&one_recommendation("{ flag: true }"));
    let profile = FamilyProfile::new().with("tags", vec!["a"; limits::MAX_LIST_ITEMS + 1]);
    assert_eq!(
        guide.evaluate(&profile).unwrap_err().to_string(),
        format!(
            "profile: the list of `tags` ({} items) exceeds the limit of {}",
            limits::MAX_LIST_ITEMS + 1,
            limits::MAX_LIST_ITEMS
        )
    );
}

#[test]
fn problems_are_capped() {
    let profile: String = (0..500).map(|i| format!("unknown_{i}: 1\n")).collect();
    let guide = guide(&one_recommendation("{ flag: true }"));
    let err = guide.read_profile("family.yaml", &profile).unwrap_err();
    assert_eq!(err.problems().len(), limits::MAX_PROBLEMS + 1);
    assert_eq!(
        err.problems().last().unwrap().to_string(),
        format!(
            "family.yaml: stopped after {} problems (fix these and try again)",
            limits::MAX_PROBLEMS
        )
    );
    let recommendations: String = (0..500)
        .map(|i| one_recommendation("{ nope: true }").replace("id: r1", &format!("id: r{i}")))
        .collect();
    let err = crate::fixture::try_guide(&recommendations).unwrap_err();
    assert_eq!(err.problems().len(), limits::MAX_PROBLEMS + 1);
}

#[test]
fn too_many_values_for_a_fact() {
    let values: Vec<String> = (0..=limits::MAX_VALUES_PER_FACT)
        .map(|i| format!("v{i}"))
        .collect();
    let facts = format!(
        "{FACTS}many:\n  type: set_of\n  values: [{}]\n  description: d\n",
        values.join(", ")
    );
    let err = try_guide_replacing("facts.yaml", &facts).unwrap_err();
    assert!(
        matches!(err.problems()[0].kind(), ProblemKind::LimitExceeded { .. }),
        "{err}"
    );
}
