//! One test per class of bad rule file: each asserts the exact message, which names the file,
//! the line and column (or the rule id), and the suggestion where one is close.

use crate::fixture::{GUIDE, one_recommendation, try_guide_replacing};

/// Loads the test guide with `file` replaced by `text` and returns the error's text.
fn error(file: &str, text: &str) -> String {
    match try_guide_replacing(file, text) {
        Ok(_) => panic!("{file} should not load:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn rec(when: &str) -> String {
    one_recommendation(when)
}

#[test]
fn yaml_syntax_errors_name_file_line_and_column() {
    assert_eq!(
        error("recommendations.yaml", "- id: r1\n  title: \"unclosed\n"),
        "recommendations.yaml:2:10: the `\"` opened at 2:10 is never closed: it runs on to the \
         end of the file (close the quote at the end of the value, write a `\"` inside \"...\" \
         as `\\\"`, or leave the value unquoted); nothing else in `recommendations.yaml` was \
         checked"
    );
}

#[test]
fn an_unknown_key_is_rejected_with_the_keys_allowed() {
    let text = rec("{ flag: true }").replace("  when:", "  whn:");
    assert_eq!(
        error("recommendations.yaml", &text),
        "recommendations.yaml:5:3: unknown key `whn` (did you mean `when`? allowed here: id, title, \
         statement, evidence, outcomes, audiences, principles, when, why, how, sources, fit)"
    );
}

#[test]
fn every_misspelt_key_of_a_rule_is_reported_and_not_the_key_it_was_meant_to_be() {
    // Two misspelt keys in one rule, the second one a required key: two problems, and no
    // "missing key `wording`" for the key that is there, misspelt.
    let text = rec("{ flag: true }")
        .replace("  when:", "  whn:")
        .replace("      wording:", "      wordng:");
    assert_eq!(
        error("recommendations.yaml", &text),
        "2 problems:\n\
         recommendations.yaml:5:3: unknown key `whn` (did you mean `when`? allowed here: id, \
         title, statement, evidence, outcomes, audiences, principles, when, why, how, sources, \
         fit)\n\
         recommendations.yaml:8:7: unknown key `wordng` (did you mean `wording`? allowed here: \
         url, wording, note, rating)"
    );
}

/// Found by the `load_guide` fuzz target (its check counted lines at `\n` only): YAML breaks a
/// line at a lone `\r` too, and a problem's line counts as YAML does.
#[test]
fn a_lone_carriage_return_is_a_line_break_in_a_problem_s_position() {
    let text = rec("{ flag: true }").replace("  when:", "\r\r  whn:");
    assert_eq!(
        error("recommendations.yaml", &text),
        "recommendations.yaml:7:3: unknown key `whn` (did you mean `when`? allowed here: id, title, \
         statement, evidence, outcomes, audiences, principles, when, why, how, sources, fit); the \
         rest of recommendation `r1` was not checked"
    );
}

#[test]
fn a_tab_is_pointed_at_where_it_is() {
    let text = rec("{ flag: true }").replace("  when:", "\twhen:");
    assert_eq!(
        error("recommendations.yaml", &text),
        "recommendations.yaml:5:1: a tab in the indentation (indent with spaces: YAML does not \
         allow tabs for indentation); nothing else in `recommendations.yaml` was checked"
    );
}

#[test]
fn not_takes_one_condition() {
    assert_eq!(
        error(
            "recommendations.yaml",
            &rec("{ not: [{ flag: true }, { level: low }] }")
        ),
        "recommendations.yaml:5:16: recommendation `r1`: `not` takes one condition, found a list \
         (to say that none of several holds, write `not: { any: [...] }`; that not all of them \
         hold, `not: { all: [...] }`)"
    );
}

#[test]
fn a_folder_with_none_of_a_guides_files_is_one_problem() {
    let err =
        practice_guide::Guide::from_files([("family.yaml", "children_ages: [age_3]")]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "this is not a guide folder: it holds none of its files (guide.yaml, facts.yaml, \
         conditions.yaml, principles.yaml, recommendations.yaml)"
    );
}

#[test]
fn a_duplicate_key_is_rejected() {
    let text = rec("{ flag: true }").replace(
        "  evidence: strong\n",
        "  evidence: strong\n  evidence: promising\n",
    );
    assert_eq!(
        error("recommendations.yaml", &text),
        "recommendations.yaml:5:3: `evidence` is given twice (give it once)"
    );
}

#[test]
fn an_unknown_fact_is_rejected_with_a_suggestion() {
    assert_eq!(
        error("recommendations.yaml", &rec("{ flg: true }")),
        "recommendations.yaml:5:11: recommendation `r1`: unknown fact `flg` (did you mean `flag`?)"
    );
    assert_eq!(
        error("recommendations.yaml", &rec("{ service_level: universal }")),
        "recommendations.yaml:5:11: recommendation `r1`: unknown fact `service_level`"
    );
}

#[test]
fn an_operator_must_suit_the_facts_type() {
    assert_eq!(
        error("recommendations.yaml", &rec("{ flag: { at_least: 3 } }")),
        "recommendations.yaml:5:19: recommendation `r1`: operator `at_least` cannot be used on `flag`, a \
         boolean fact (valid here: is, is_not, known)"
    );
    assert_eq!(
        error("recommendations.yaml", &rec("{ tags: { is: a } }")),
        "recommendations.yaml:5:19: recommendation `r1`: operator `is` cannot be used on `tags`, a set_of \
         fact (valid here: contains, contains_any, contains_all, contains_none, is_empty, count, known)"
    );
    // "an integer fact", not "a integer fact".
    let integer = error("recommendations.yaml", &rec("{ age: { contains: a } }"));
    assert!(
        integer.contains("cannot be used on `age`, an integer fact"),
        "{integer}"
    );
}

#[test]
fn an_unknown_operator_is_rejected_with_a_suggestion() {
    assert_eq!(
        error("recommendations.yaml", &rec("{ age: { atleast: 3 } }")),
        "recommendations.yaml:5:18: recommendation `r1`: unknown operator `atleast` for fact `age` (did you \
         mean `at_least`? valid here: is, is_not, in, not_in, at_least, at_most, more_than, \
         less_than, between, known)"
    );
}

#[test]
fn a_value_must_be_declared() {
    assert_eq!(
        error(
            "recommendations.yaml",
            &rec("{ level: { in: [mdi, high] } }")
        ),
        "recommendations.yaml:5:24: recommendation `r1`: `mdi` is not a declared value of `level` (did you \
         mean `mid`? declared: low, mid, high)"
    );
    assert_eq!(
        error("recommendations.yaml", &rec("{ tags: { contains: z } }")),
        "recommendations.yaml:5:29: recommendation `r1`: `z` is not a declared value of `tags` (declared: a, b, c, d)"
    );
}

#[test]
fn a_number_must_be_within_the_facts_range() {
    assert_eq!(
        error("recommendations.yaml", &rec("{ age: { at_most: 30 } }")),
        "recommendations.yaml:5:27: recommendation `r1`: `age` is 30, outside its range 0 to 17"
    );
    assert_eq!(
        error("recommendations.yaml", &rec("{ age: { between: [5, 2] } }")),
        "recommendations.yaml:5:27: recommendation `r1`: `between: [5, 2]` is empty: the first number must \
         not exceed the second"
    );
}

#[test]
fn a_value_of_the_wrong_type_is_rejected() {
    assert_eq!(
        error("recommendations.yaml", &rec("{ age: { at_least: three } }")),
        "recommendations.yaml:5:28: recommendation `r1`: `at_least`: expected a whole number, found the text `three`"
    );
    assert_eq!(
        error("recommendations.yaml", &rec("{ flag: maybe }")),
        "recommendations.yaml:5:17: recommendation `r1`: `flag` (a boolean fact): expected true or \
         false, found the text `maybe`"
    );
    // One rule for booleans, in rules and profiles alike: `true` or `false`, never "yes".
    assert_eq!(
        error("recommendations.yaml", &rec("{ flag: yes }")),
        "recommendations.yaml:5:17: recommendation `r1`: `flag` (a boolean fact): expected true or \
         false, found the text `yes`"
    );
}

#[test]
fn a_regex_must_compile() {
    assert_eq!(
        error("recommendations.yaml", &rec("{ note: { matches: '(' } }")),
        "recommendations.yaml:5:28: recommendation `r1`: invalid regular expression `(`: unclosed group"
    );
}

#[test]
fn a_regex_over_the_size_limit_is_rejected() {
    let huge = "{ note: { matches: 'x{1000}{1000}' } }";
    let message = error("recommendations.yaml", &rec(huge));
    assert!(
        message.starts_with(
            "recommendations.yaml:5:28: recommendation `r1`: invalid regular expression `x{1000}{1000}`:"
        ),
        "{message}"
    );
}

#[test]
fn ids_must_be_unique() {
    let text = format!("{}{}", rec("{ flag: true }"), rec("{ flag: false }"));
    assert_eq!(
        error("recommendations.yaml", &text),
        "recommendations.yaml:10:7: recommendation `r1`: duplicate rule id `r1` (first defined at line 1)"
    );
}

#[test]
fn action_ids_are_required_well_formed_and_unique_within_their_rule() {
    let how = |ids: [&str; 2]| {
        rec("{ flag: true }").replace(
            "  sources:",
            &format!(
                "  how:\n    - id: {}\n      text: A.\n    - id: {}\n      text: B.\n  sources:",
                ids[0], ids[1]
            ),
        )
    };
    assert!(crate::fixture::try_guide(&how(["a", "b"])).is_ok());
    assert_eq!(
        error("recommendations.yaml", &how(["a", "a"])),
        "recommendations.yaml:9:11: action `r1#a`: duplicate action id `a` (first defined at line 7)"
    );
    assert_eq!(
        error("recommendations.yaml", &how(["a", "B c"])),
        "recommendations.yaml:9:11: action `r1#B c`: an action id `B c` must be 1 to 100 characters \
         of lower-case letters, digits, `_` and `-`, starting with a letter or digit"
    );
    let without = rec("{ flag: true }").replace("  sources:", "  how:\n    - text: A.\n  sources:");
    assert_eq!(
        error("recommendations.yaml", &without),
        "recommendations.yaml:7:7: recommendation `r1`: missing key `id`; the rest of \
         recommendation `r1` was not checked"
    );
}

#[test]
fn references_must_exist() {
    assert_eq!(
        error("recommendations.yaml", &rec("{ condition: yung }")),
        "recommendations.yaml:5:22: recommendation `r1`: unknown named condition `yung`"
    );
    let text = rec("{ flag: true }").replace("  sources:", "  principles: [p2]\n  sources:");
    assert_eq!(
        error("recommendations.yaml", &text),
        "recommendations.yaml:6:16: recommendation `r1`: unknown principle `p2` (one of: p1)"
    );
    let text = rec("{ flag: true }").replace("  sources:", "  audiences: [leader]\n  sources:");
    assert_eq!(
        error("recommendations.yaml", &text),
        "recommendations.yaml:6:15: recommendation `r1`: unknown audience `leader` (did you mean \
         `leaders`? one of: leaders, practitioners)"
    );
}

#[test]
fn named_conditions_must_not_form_a_cycle() {
    let conditions = "a:\n  when: { condition: b }\nb:\n  when: { condition: a }\n";
    assert_eq!(
        error("conditions.yaml", conditions),
        "conditions.yaml:4:22: named condition `a`: named conditions refer to each other in a cycle: a → b → a"
    );
    assert_eq!(
        error("conditions.yaml", "a:\n  when: { condition: a }\n"),
        "conditions.yaml:2:22: named condition `a`: named conditions refer to each other in a cycle: a → a"
    );
}

#[test]
fn the_evidence_level_must_be_on_the_scale() {
    let text = rec("{ flag: true }").replace("evidence: strong", "evidence: strng");
    assert_eq!(
        error("recommendations.yaml", &text),
        "recommendations.yaml:4:13: recommendation `r1`: unknown evidence level `strng` (did you \
         mean `strong`? one of: strong, promising, not_known)"
    );
    let guide = GUIDE.replace(
        "    unrated: true\n",
        "    unrated: true\n  - id: extra\n    label: Extra\n",
    );
    assert_eq!(
        error("guide.yaml", &guide),
        "guide.yaml:21:9: evidence level `extra`: the level for \"rating not known\" (`unrated: true`) must \
         come last in the evidence scale, and there can be only one"
    );
}

#[test]
fn a_recommendation_needs_a_source() {
    let text = rec("{ flag: true }").replace(
        "  sources:\n    - url: https://example.org/r1\n      wording: verbatim\n      rating: strong\n",
        "",
    );
    assert_eq!(
        error("recommendations.yaml", &text),
        "recommendations.yaml:1:7: recommendation `r1`: every recommendation and principle needs at least \
         one source (`sources:` with `url` and `wording`)"
    );
}

#[test]
fn conditions_have_one_key_and_combinators_need_items() {
    assert_eq!(
        error("recommendations.yaml", &rec("{ flag: true, age: 3 }")),
        "recommendations.yaml:5:9: recommendation `r1`: a condition has exactly one key, found 2 (flag, \
         age) (to require several, list them under `all:`)"
    );
    assert_eq!(
        error("recommendations.yaml", &rec("{ all: [] }")),
        "recommendations.yaml:5:11: recommendation `r1`: `all` needs at least one condition"
    );
}

#[test]
fn fact_declarations_are_checked() {
    let facts = "x:\n  type: numbr\n  description: d\ny:\n  type: integer\n  description: d\n\
                 all:\n  type: boolean\n  description: d\n";
    assert_eq!(
        error("facts.yaml", facts),
        "4 problems:\n\
         facts.yaml:2:9: fact `x`: unknown fact type `numbr`\n\
         facts.yaml:5:9: fact `y`: an integer fact needs `range: [MIN, MAX]`\n\
         facts.yaml:7:1: fact `all`: `all` cannot be a fact name: the condition language uses it\n\
         recommendations.yaml:5:11: recommendation `r1`: unknown fact `flag`"
    );
}

#[test]
fn a_badly_declared_fact_is_one_problem_not_one_more_per_rule_using_it() {
    // `age` is declared with a range written as Rust would: its type cannot be built, and the
    // rule testing `age` is not reported again (as a test of a text fact, say).
    let facts = crate::fixture::FACTS.replace("range: [0, 17]", "range: 0..=17");
    let recommendations = one_recommendation("{ age: { at_least: 3 } }");
    let error = practice_guide::Guide::from_files([
        ("guide.yaml", GUIDE.to_owned()),
        ("facts.yaml", facts),
        ("principles.yaml", crate::fixture::PRINCIPLES.to_owned()),
        ("recommendations.yaml", recommendations),
    ])
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "facts.yaml:6:10: fact `age`: `range` must be two whole numbers [MIN, MAX] with MIN not \
         above MAX, found the text `0..=17` (write the lowest and highest values as a list, e.g. \
         `range: [0, 20]`)"
    );
}

#[test]
fn the_publication_date_is_checked() {
    let guide = GUIDE.replace("published: 2025-01-01", "published: 01/02/2025");
    assert_eq!(
        error("guide.yaml", &guide),
        "guide.yaml:4:12: `published` must be a year, a month or a day written YYYY, YYYY-MM or YYYY-MM-DD, found `01/02/2025`"
    );
}

#[test]
fn a_publication_date_may_be_a_year_or_a_month_as_some_sources_give_only_that() {
    for published in ["2022", "2022-06", "'2022'", "2022-06-15"] {
        let guide = GUIDE.replace("published: 2025-01-01", &format!("published: {published}"));
        let loaded = try_guide_replacing("guide.yaml", &guide);
        assert!(loaded.is_ok(), "{published}: {:?}", loaded.err());
    }
    for published in [
        "22",
        "2022-6",
        "2022-13",
        "2022-06-",
        "2022-06-15-01",
        "2022-00",
    ] {
        let guide = GUIDE.replace("published: 2025-01-01", &format!("published: {published}"));
        assert!(
            error("guide.yaml", &guide).contains("`published` must be a year, a month or a day"),
            "{published} was accepted"
        );
    }
}

#[test]
fn unexpected_and_missing_files_are_reported() {
    assert_eq!(
        error("extra.yaml", "x: 1"),
        "extra.yaml: unexpected file `extra.yaml`: a guide folder holds only guide.yaml, \
         facts.yaml, conditions.yaml, principles.yaml, recommendations.yaml"
    );
    let err = practice_guide::Guide::from_files([("guide.yaml", GUIDE)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2 problems:\nfacts.yaml: missing file `facts.yaml`\nrecommendations.yaml: missing file `recommendations.yaml`"
    );
}

#[test]
fn every_problem_in_every_file_is_reported_at_once() {
    let recommendations = format!(
        "{}{}",
        rec("{ flg: true }"),
        rec("{ level: { in: [mdi] } }")
            .replace("id: r1", "id: r2")
            .replace("evidence: strong", "evidence: strng")
    );
    let err = crate::fixture::try_guide(&recommendations).unwrap_err();
    let lines: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "recommendations.yaml:5:11: recommendation `r1`: unknown fact `flg` (did you mean `flag`?)",
            "recommendations.yaml:13:13: recommendation `r2`: unknown evidence level `strng` (did you mean `strong`? one of: strong, promising, not_known)",
            "recommendations.yaml:14:24: recommendation `r2`: `mdi` is not a declared value of `level` (did you mean `mid`? declared: low, mid, high)",
        ]
    );
    let problem = &err.problems()[0];
    assert_eq!(problem.file(), Some("recommendations.yaml"));
    assert_eq!(
        problem.item(),
        Some(&practice_guide::error::Item::Recommendation(
            "r1".to_owned()
        ))
    );
    assert_eq!(
        problem.position().map(|p| (p.line, p.column)),
        Some((5, 11))
    );
    assert!(matches!(
        problem.kind(),
        practice_guide::error::ProblemKind::UnknownFact { .. }
    ));
}

#[test]
fn a_guide_needs_a_recommendation() {
    assert_eq!(
        error("recommendations.yaml", "[]"),
        "recommendations.yaml: a guide needs at least one recommendation"
    );
}

#[test]
fn a_guide_folder_loads_from_disk_and_names_bad_files() {
    let dir = std::env::temp_dir().join(format!("practice-guide-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("guide.yaml"), GUIDE).unwrap();
    std::fs::write(dir.join("facts.yaml"), crate::fixture::FACTS).unwrap();
    std::fs::write(dir.join("recommendations.yaml"), rec("{ flag: true }")).unwrap();
    std::fs::write(dir.join("README.md"), "ignored").unwrap();
    let loaded = practice_guide::Guide::from_dir(&dir).map(|g| g.id().to_owned());
    std::fs::write(dir.join("recommendations.yaml"), rec("{ flg: true }")).unwrap();
    let failed = practice_guide::Guide::from_dir(&dir).map(|g| g.id().to_owned());
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(loaded.unwrap(), "test-guide");
    assert_eq!(
        failed.unwrap_err().to_string(),
        "recommendations.yaml:5:11: recommendation `r1`: unknown fact `flg` (did you mean `flag`?)"
    );
}

#[test]
fn a_fact_type_named_as_another_language_names_it_gets_the_keyword_suggested() {
    // `bool` is three edits from `boolean`, too far for spelling alone; what other schemas call
    // a type is suggested by meaning, and never accepted in its place.
    for (written, keyword) in [
        ("bool", "boolean"),
        ("int", "integer"),
        ("enum", "one_of"),
        ("list", "set_of"),
        ("string", "text"),
    ] {
        let facts = crate::fixture::FACTS.replacen("type: boolean", &format!("type: {written}"), 1);
        let error = try_guide_replacing("facts.yaml", &facts).expect_err(written);
        let problem = &error.problems()[0];
        assert_eq!(problem.code(), "unknown_fact_type", "{written}");
        let help = problem.help().unwrap_or_default();
        assert!(
            help.contains(&format!("did you mean `{keyword}`")),
            "{written}: {help}"
        );
    }
}

/// Issue 22: a misspelt key, an unknown named condition and an unknown evidence level, each in
/// its own rule of one file, are three problems, none hiding another, and no check is skipped.
#[test]
fn three_kinds_of_mistake_in_one_file_are_three_problems() {
    let text = format!(
        "{}{}{}",
        rec("{ flag: true }").replace("  when:", "  whne:"),
        rec("{ condition: not_a_condition }").replace("id: r1", "id: r2"),
        rec("{ flag: true }")
            .replace("id: r1", "id: r3")
            .replace("evidence: strong", "evidence: strnog"),
    );
    let err = crate::fixture::try_guide(&text).unwrap_err();
    let lines: Vec<String> = err.problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        lines[0].starts_with("recommendations.yaml:5:3: unknown key `whne` (did you mean `when`?")
    );
    assert!(
        lines[1..].iter().any(|l| {
            l.starts_with(
        "recommendations.yaml:14:22: recommendation `r2`: unknown named condition `not_a_condition`"
    )
        }),
        "{lines:#?}"
    );
    assert!(
        lines[1..].iter().any(|l| l.starts_with(
            "recommendations.yaml:22:13: recommendation `r3`: unknown evidence level `strnog`"
        )),
        "{lines:#?}"
    );
    assert!(!err.checks_skipped());
}

/// A misspelt key is read as the key it was meant to be, so what it holds is checked too.
#[test]
fn a_misspelt_key_s_value_is_checked_as_the_key_meant() {
    let text = rec("{ flg: true }").replace("  when:", "  whne:");
    let err = crate::fixture::try_guide(&text).unwrap_err();
    let lines: Vec<String> = err.problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[1].starts_with("recommendations.yaml:5:11: recommendation `r1`: unknown fact `flg` (did you mean `flag`?"), "{lines:#?}");
}

/// An item that does not read (a wrong shape) is left out, and says so; the other items are
/// checked, and what refers into the file is not (it may refer to the item left out).
#[test]
fn an_item_of_the_wrong_shape_is_left_out_and_says_so() {
    let text = format!(
        "{}{}",
        rec("{ flag: true }").replace("evidence: strong", "evidence: [strong]"),
        rec("{ flg: true }").replace("id: r1", "id: r2"),
    );
    let err = crate::fixture::try_guide(&text).unwrap_err();
    let lines: Vec<String> = err.problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        lines[0].starts_with("recommendations.yaml:4:13: "),
        "{lines:#?}"
    );
    assert!(
        lines[0].ends_with("; the rest of recommendation `r1` was not checked"),
        "{lines:#?}"
    );
    assert!(
        lines[1].starts_with("recommendations.yaml:14:11: recommendation `r2`: unknown fact `flg`"),
        "{lines:#?}"
    );
    assert!(err.checks_skipped());
}

/// After a syntax error, which the parser cannot read past, the rules before it are checked,
/// and the problem says from where the file was not.
#[test]
fn the_rules_before_a_syntax_error_are_checked() {
    let text = format!(
        "{}{}",
        rec("{ flg: true }"),
        rec("{ flag: true }")
            .replace("id: r1", "id: r2")
            .replace("title: Recommendation one", "title: 'Recommendation one")
            .replace("Do the thing.", "Do the family's thing."),
    );
    let err = crate::fixture::try_guide(&text).unwrap_err();
    let lines: Vec<String> = err.problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(
        lines,
        [
            "recommendations.yaml:11:10: the `'` opened at 11:10 runs on to 12:27: the value ends \
             at its next `'`, and text follows it there (close the quote at the end of the value, \
             write an apostrophe inside '...' as '', or leave the value unquoted); the rest of \
             `recommendations.yaml`, from line 10, was not checked",
            "recommendations.yaml:5:11: recommendation `r1`: unknown fact `flg` (did you mean \
             `flag`?)",
        ],
    );
    assert!(err.checks_skipped());
}
