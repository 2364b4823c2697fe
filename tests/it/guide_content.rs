//! The embedded guide says what its sources say: every rule has a source at a known address, a
//! rating only where a source gives it, and the content is the list below (a change to it must be
//! a deliberate change to this table too).

use practice_guide::Status;
use practice_guide::guide::Wording;

/// The press release's own address: its words are cited there, never at a guide page.
const PRESS_RELEASE: &str = "https://foundations.org.uk/press-release/new-evidence-reveals-that-parenting-support-can-help-reduce-harm-to-children-and-strengthen-the-parenting-skills-of-parents-facing-adversity/";

/// The addresses GUIDE.md gives for the guide's pages and the press release
/// (`shared/guide/GUIDE.md`). A source at any other address is invented.
const KNOWN_ADDRESSES: [&str; 5] = [
    PRESS_RELEASE,
    "https://foundations.org.uk/toolkit/practice-guides/parenting-through-adversity-0-10/recommendations",
    "https://foundations.org.uk/toolkit/practice-guides/parenting-through-adversity-0-10/evidence-summary",
    "https://foundations.org.uk/toolkit/practice-guides/parenting-through-adversity-0-10/working-with-families",
    "https://foundations.org.uk/toolkit/practice-guides/parenting-through-adversity-0-10/programme-design",
];

/// Every recommendation: id, evidence level, and whether its statement is the guide's own words.
const RECOMMENDATIONS: [(&str, &str, Wording); 10] = [
    ("reduce-risk-of-harm", "promising", Wording::Verbatim),
    (
        "strengthen-parent-child-relationships",
        "strong",
        Wording::Verbatim,
    ),
    ("improve-child-behaviour", "not_known", Wording::Summary),
    ("strengthen-parenting-skills", "not_known", Wording::Summary),
    ("reduce-parenting-stress", "not_known", Wording::Summary),
    ("key-integrated-strategies", "promising", Wording::Summary),
    (
        "key-structured-support-targeted-help",
        "not_known",
        Wording::Summary,
    ),
    (
        "key-make-interventions-available",
        "not_known",
        Wording::Summary,
    ),
    (
        "key-mental-health-without-waiting",
        "not_known",
        Wording::Summary,
    ),
    ("key-multi-agency-system", "not_known", Wording::Summary),
];

/// A family every rule applies to, so the evaluation shows every rule's evidence and sources.
fn everything() -> practice_guide::Evaluation {
    let guide = practice_guide::parenting_through_adversity();
    let text =
        std::fs::read_to_string("tests/cases/09-all-five-adversities-edge-of-care.yaml").unwrap();
    let case = practice_guide::cases::Case::read(guide, "case", &text).unwrap();
    guide.evaluate(case.profile()).unwrap()
}

#[test]
fn the_recommendations_are_those_known_with_their_ratings_and_wording() {
    let evaluation = everything();
    let guide = practice_guide::parenting_through_adversity();
    let ids: Vec<&str> = guide.recommendations().map(|r| r.id()).collect();
    let expected: Vec<&str> = RECOMMENDATIONS.iter().map(|(id, _, _)| *id).collect();
    assert_eq!(ids, expected);
    for (id, level, wording) in RECOMMENDATIONS {
        let result = evaluation.rule(id).unwrap();
        assert_eq!(result.status(), Status::Applies, "{id}");
        assert_eq!(result.evidence().unwrap().id, level, "{id}");
        assert_eq!(
            result.sources()[0].wording,
            wording,
            "{id}: the statement's source"
        );
    }
    let principles: Vec<&str> = guide.principles().map(|r| r.id()).collect();
    assert_eq!(principles, ["working-with-families", "programme-design"]);
}

#[test]
fn every_rule_has_a_source_at_an_address_guide_md_gives() {
    let guide = practice_guide::parenting_through_adversity();
    for rule in guide.recommendations().chain(guide.principles()) {
        assert!(!rule.sources().is_empty(), "{} has no source", rule.id());
        for source in rule.sources() {
            assert!(
                KNOWN_ADDRESSES.contains(&source.url.as_str()),
                "{}: unknown address {}",
                rule.id(),
                source.url
            );
            let note = source.note.as_deref().unwrap_or("");
            assert!(
                !note.is_empty(),
                "{}: a source needs a note saying which part",
                rule.id()
            );
            // The press release's words are cited at its own address, with its title, and no
            // source at another address quotes it.
            let quotes_it = note.contains("press release");
            assert_eq!(
                source.url == PRESS_RELEASE,
                note.starts_with("Foundations' press release \"New evidence reveals"),
                "{}: {note}",
                rule.id()
            );
            if quotes_it && source.url != PRESS_RELEASE {
                assert!(
                    !note.contains("key recommendation") && !note.contains("\"The Guide shows"),
                    "{}: the press release's words at {}",
                    rule.id(),
                    source.url
                );
            }
            if source.wording == Wording::Summary && rule.id().starts_with("key-") {
                assert_eq!(source.url, PRESS_RELEASE, "{}", rule.id());
            }
        }
    }
    for level in guide.evidence_scale().iter().filter(|l| !l.unrated) {
        assert!(
            !level.sources.is_empty(),
            "evidence level {} has no source",
            level.id
        );
    }
}

#[test]
fn a_rating_is_carried_only_where_a_source_gives_it() {
    let evaluation = everything();
    for result in evaluation.recommendations() {
        let level = result.evidence().unwrap();
        let given: Vec<&str> = result
            .sources()
            .iter()
            .filter_map(|s| s.rating.as_deref())
            .collect();
        if level.unrated {
            assert!(
                given.is_empty(),
                "{}: unrated but a source gives {given:?}",
                result.id()
            );
        } else {
            assert!(
                given.contains(&level.id.as_ref()),
                "{}: no source gives {}",
                result.id(),
                level.id
            );
            assert!(
                given.iter().all(|g| *g == level.id),
                "{}: {given:?}",
                result.id()
            );
            // The source giving the rating quotes it: "There is promising evidence ...".
            let quoted = result.sources().iter().any(|s| {
                s.rating.is_some()
                    && s.note.as_deref().is_some_and(|n| {
                        n.to_lowercase().contains(&format!("{} evidence", level.id))
                    })
            });
            assert!(
                quoted,
                "{}: the rating's source note does not quote the rating",
                result.id()
            );
        }
    }
}

#[test]
fn the_evidence_scale_is_strong_good_promising_then_not_known() {
    let guide = practice_guide::parenting_through_adversity();
    let scale: Vec<(&str, bool)> = guide
        .evidence_scale()
        .iter()
        .map(|l| (l.id.as_str(), l.unrated))
        .collect();
    assert_eq!(
        scale,
        [
            ("strong", false),
            ("good", false),
            ("promising", false),
            ("not_known", true)
        ]
    );
    // Only Strong's definition is known (GUIDE.md 2).
    let defined: Vec<&str> = guide
        .evidence_scale()
        .iter()
        .filter(|l| !l.unrated && l.definition.is_some())
        .map(|l| l.id.as_str())
        .collect();
    assert_eq!(defined, ["strong"]);
}

#[test]
fn every_fact_is_described_for_a_practitioner() {
    let guide = practice_guide::parenting_through_adversity();
    let names: Vec<&str> = guide.facts().map(|f| f.name()).collect();
    assert_eq!(
        names,
        [
            "children_ages",
            "expecting_baby",
            "adversities",
            "more_serious_mental_health_needs",
            "specialist_mental_health_treatment",
            "service_level",
            "receiving_family_help",
            "concerns",
            "barriers",
        ]
    );
    for fact in guide.facts() {
        assert!(fact.description().len() > 40, "{}", fact.name());
    }
}

#[test]
fn the_sample_profiles_include_a_family_for_each_service_level() {
    let guide = practice_guide::parenting_through_adversity();
    let mut levels = Vec::new();
    for entry in std::fs::read_dir("examples/profiles").unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            continue; // examples/profiles/overlay/: families for the example overlay
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let profile = guide
            .read_profile(&path.display().to_string(), &text)
            .unwrap()
            .to_profile();
        if let Some(level) = profile.get("service_level") {
            levels.push(level.to_string());
        }
    }
    for level in [
        "universal",
        "family_help",
        "child_protection",
        "edge_of_care",
    ] {
        assert!(
            levels.iter().any(|l| l == level),
            "no sample family at {level}"
        );
    }
}

/// Every text a result can show cites only what a reader can open: no internal document (the
/// project's notes on the guide, its seed files, its shared folder) is named in any evaluation of
/// the embedded guide, with or without the example overlay, in JSON, text or Markdown, nor in the
/// guide's own description (facts, values, named conditions).
#[test]
fn no_result_names_a_document_a_reader_cannot_open() {
    let national = practice_guide::parenting_through_adversity();
    let local = national
        .with_overlay_dir("rules/overlays/example-borough")
        .unwrap();
    let mut texts = Vec::new();
    for (guide, dir) in [
        (national, "examples/profiles"),
        (&local, "examples/profiles/overlay"),
    ] {
        texts.push(serde_json::to_string(guide).unwrap());
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.retain(|p| p.is_file());
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let evaluation = guide.read_profile("p", &text).unwrap().evaluate();
            texts.push(serde_json::to_string(&evaluation).unwrap());
            texts.push(evaluation.report());
            texts.push(evaluation.to_markdown());
        }
        // A family every rule applies to: every rule's texts and sources.
        let case = std::fs::read_to_string("tests/cases/09-all-five-adversities-edge-of-care.yaml")
            .unwrap();
        let case = practice_guide::cases::Case::read(guide, "case", &case).unwrap();
        let evaluation = guide.evaluate(case.profile()).unwrap();
        texts.push(serde_json::to_string(&evaluation).unwrap());
        texts.push(evaluation.to_markdown());
    }
    assert!(texts.len() > 20);
    for text in &texts {
        let lower = text.to_lowercase();
        for internal in [
            "guide.md",
            "seed 0",
            "seed file",
            "shared/",
            "(seed",
            "seeds/",
        ] {
            assert!(!lower.contains(internal), "`{internal}` in:\n{text}");
        }
    }
}
