//! The JSON shape of an evaluation (the contract with services) and the plain-text report.

use practice_guide::result::CompactEvaluation;
use serde_json::json;

use crate::fixture::{assert_json_reads_back, guide, profile};

const RECOMMENDATIONS: &str = "\
- id: r1
  title: Recommendation one
  statement: Do the thing.
  evidence: strong
  outcomes: [harm]
  audiences: [leaders]
  principles: [p1]
  when:
    all:
      - flag: true
      - age: { at_most: 10 }
  why: [Because it works.]
  how:
    - id: well
      text: Do it well.
      audiences: [leaders]
    - id: more
      text: Do more for the high level.
      when: { level: high }
  sources:
    - url: https://example.org/r1
      wording: verbatim
      note: the statement
      rating: strong
";

#[test]
fn json_shape_of_an_evaluation() {
    let guide = guide(RECOMMENDATIONS);
    let evaluation = guide
        .evaluate(&profile(&guide, "{ flag: true, level: low }"))
        .unwrap();
    let value = serde_json::to_value(&evaluation).unwrap();
    let hash = guide.content_hash().to_owned();
    assert!(
        hash.starts_with("sha256:") && hash.len() == 7 + 64,
        "{hash}"
    );
    assert_eq!(
        value,
        json!({
            "guide": {
                "id": "test-guide",
                "title": "Test guide",
                "version": "1.0.0",
                "content_hash": hash,
            },
            "scope": {
                "status": "applies",
                "description": "every family",
                "reasons": [],
                "missing": [],
            },
            "recommendations": [{
                "id": "r1",
                "kind": "recommendation",
                "title": "Recommendation one",
                "statement": "Do the thing.",
                "status": "undetermined",
                "evidence": { "id": "strong", "label": "Strong evidence", "rank": 0, "unrated": false },
                "reasons": [
                    { "fact": "flag", "test": "flag is true", "value": true, "result": "true" },
                    { "fact": "age", "test": "age is at most 10 years", "value": null, "result": "unknown" },
                ],
                "missing": ["age"],
                "residual": { "test": { "fact": "age", "test": "age is at most 10 years" } },
                "deciding": [{ "fact": "age", "applies_if": [0], "not_if": [11] }],
                "actions": [{
                    "id": "well",
                    "text": "Do it well.",
                    "audiences": ["leaders"],
                    "status": "undetermined",
                    "reasons": [],
                    "missing": [],
                    "residual": { "test": { "fact": "age", "test": "age is at most 10 years" } },
                    "deciding": [{ "fact": "age", "applies_if": [0], "not_if": [11] }],
                }],
                "links": ["p1"],
                "outcomes": ["harm"],
                "audiences": ["leaders"],
                "why": ["Because it works."],
                "sources": [{ "url": "https://example.org/r1", "wording": "verbatim", "note": "the statement", "rating": "strong" }],
            }],
            "principles": [{
                "id": "p1",
                "kind": "principle",
                "title": "Principle one",
                "statement": "Do things well.",
                "status": "applies",
                "evidence": null,
                "reasons": [],
                "missing": [],
                "actions": [],
                "links": ["r1"],
                "outcomes": [],
                "audiences": [],
                "why": [],
                "sources": [{ "url": "https://example.org/p1", "wording": "verbatim" }],
            }],
            "questions": [{
                "fact": "age",
                "description": "An age.",
                "type": "integer",
                "values": [],
                "settles": ["r1", "r1#well"],
                "strongest": { "id": "strong", "label": "Strong evidence", "rank": 0, "unrated": false },
            }],
        })
    );
}

#[test]
fn json_round_trips_without_loss() {
    let guide = guide(RECOMMENDATIONS);
    for yaml in [
        "{}",
        "{ flag: true, age: 3, level: high }",
        "{ flag: false }",
        "{ flag: true, age: 12 }",
    ] {
        let evaluation = guide.evaluate(&profile(&guide, yaml)).unwrap();
        assert_json_reads_back(&evaluation, yaml);
        // The compact form does deserialize, to what the evaluation says.
        let compact = serde_json::to_string(&evaluation.compact()).unwrap();
        let back: CompactEvaluation<'static> = serde_json::from_str(&compact).unwrap();
        assert_eq!(back, evaluation.compact(), "{yaml}");
    }
}

#[test]
fn the_content_hash_changes_with_any_rule_file() {
    let a = guide(RECOMMENDATIONS);
    let b = guide(&RECOMMENDATIONS.replace("Do the thing.", "Do the thing!"));
    assert_ne!(a.content_hash(), b.content_hash());
    assert_eq!(a.content_hash(), guide(RECOMMENDATIONS).content_hash());
}

#[test]
fn plain_text_report() {
    let guide = guide(RECOMMENDATIONS);
    let evaluation = guide
        .evaluate(&profile(&guide, "{ flag: true, age: 3, level: high }"))
        .unwrap();
    let report = evaluation.report().replace(guide.content_hash(), "HASH");
    assert_eq!(
        report,
        "\
Test guide
Rules: test-guide version 1.0.0 (HASH)

In scope: every family

RECOMMENDATIONS
  [APPLIES] Recommendation one (r1)
    Evidence: Strong evidence
    \"Do the thing.\"
    Because:
      - flag is true: yes (profile: true)
      - age is at most 10 years: yes (profile: 3)
    How:
      - Do it well. (well) (for leaders)
      - Do more for the high level. (more) — because level is high
    Principles: p1
    Sources:
      - the statement <https://example.org/r1> (guide's own words)

KEY PRINCIPLES
  [APPLIES] Principle one (p1)
    \"Do things well.\"
    Supports: r1
    Sources:
      - https://example.org/p1 (guide's own words)
"
    );
}

/// The test guide's recommendation with a `fit:` on its narrower "how" point, and an overlay
/// whose one service is online: what the Markdown shows, escaped and linked.
fn guide_with_overlay() -> practice_guide::Guide {
    let recommendations = RECOMMENDATIONS.replace(
        "      when: { level: high }\n",
        "      when: { level: high }\n      fit: { delivery: [face_to_face] }\n",
    );
    let services = "\
- id: online-course
  name: Parents *together* <b>online</b>
  description: A course.
  delivery: online
  format: individual
  structure: flexible
  ages: { label: '0 to 10 [years]', when: { age: { at_most: 10 } } }
  referral: { how: 'Self-referral', contact: '01632 960000 #2', url: 'https://example.org/refer (form)' }
  delivers: [r1]
";
    let overlay = "\
id: test-overlay
title: Test overlay
version: 0.1.0
extends: test-guide
fictional: true
disclaimer: Made up for the tests.
";
    guide(&recommendations)
        .with_overlay_files([("overlay.yaml", overlay), ("services.yaml", services)])
        .unwrap()
}

#[test]
fn markdown_report() {
    let guide = guide_with_overlay();
    let evaluation = guide
        .evaluate(&profile(&guide, "{ flag: true, age: 3, level: high }"))
        .unwrap();
    let overlay = guide.overlay().unwrap().metadata();
    let markdown = evaluation
        .to_markdown()
        .replace(guide.content_hash(), "HASH")
        .replace(&overlay.content_hash, "OVERLAY-HASH")
        .replace(&overlay.rules_hash, "RULES-HASH");
    assert_eq!(
        markdown,
        "\
# Test guide

> **Made up for the tests.**

Rules: `test-guide` version 1.0.0 (`HASH`)

Local offer: Test overlay (`test-overlay` version 0.1.0, fictional, `OVERLAY-HASH`); all rules: `RULES-HASH`

**In scope:** every family

## Recommendations

### Applies: Recommendation one (`r1`)

**Evidence:** Strong evidence

> Do the thing.

**Because:**

- flag is true: yes (profile: true)
- age is at most 10 years: yes (profile: 3)

**How:**

- Do it well. (`well`) *(for leaders)*
- Do more for the high level. (`more`) — because level is high

**Local services:**

- **Parents \\*together\\* \\<b\\>online\\</b\\>** (`online-course`): online, individual, flexible; ages: 0 to 10 \\[years\\]
  - Eligible because age is at most 10 years
  - Refer: Self-referral; contact: 01632 960000 \\#2 ([referral page](https://example.org/refer%20%28form%29))
  - **Does not fit the guide:** online delivery, where the guide's words fit face-to-face: recommendation \\`r1\\` says \"Do more for the high level.\" — [the statement](https://example.org/r1) (guide's own words)

**Principles:** `p1`

**Sources:**

- [the statement](https://example.org/r1) (guide's own words)

## Key principles

### Applies: Principle one (`p1`)

> Do things well.

**Supports:** `r1`

**Sources:**

- [https://example.org/p1](https://example.org/p1) (guide's own words)
"
    );
}

#[test]
fn markdown_for_a_family_outside_the_scope_and_with_little_known() {
    let guide = practice_guide::parenting_through_adversity();
    let outside = guide
        .evaluate(&profile(
            guide,
            "{ children_ages: [age_12], expecting_baby: false, adversities: [poverty] }",
        ))
        .unwrap()
        .to_markdown();
    assert!(
        outside.contains("## Outside this guide's scope\n"),
        "{outside}"
    );
    assert!(outside.ends_with("None of its recommendations or principles apply.\n"));
    let unknown = guide.evaluate(&profile(guide, "{}")).unwrap().to_markdown();
    assert!(unknown.contains("## Scope not yet known\n"), "{unknown}");
    assert!(
        unknown.contains(
            "**Would be decided by:** `children_ages`, `expecting_baby`, `adversities`\n"
        ),
        "{unknown}"
    );
}
