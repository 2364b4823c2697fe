//! The compact form of a result: valid against the committed
//! `schema/compact-evaluation.schema.json`, read back unchanged, the full result's ids,
//! statuses, evidence, reasons and missing facts in the same order, and a fraction of its size.

use std::collections::HashMap;

use practice_guide::result::{CompactEvaluation, CompactReason, CompactRule, Reason, RuleResult};
use serde_json::Value;

use crate::fixture::{sample_evaluations as sample_results, schema_validator};

fn validator() -> (boon::Schemas, boon::SchemaIndex) {
    schema_validator("schema/compact-evaluation.schema.json")
}

/// The compact reasons say what the full ones say, field by field, in the same order.
fn same_reasons<'e>(
    compact: &[CompactReason<'_>],
    full: impl ExactSizeIterator<Item = Reason<'e>>,
) {
    assert_eq!(compact.len(), full.len());
    for (compact, full) in compact.iter().zip(full) {
        assert_eq!(compact.fact, full.fact());
        assert_eq!(compact.test, full.test());
        assert_eq!(compact.value, full.value().map(|v| v.to_fact_value()));
        assert_eq!(compact.result, full.result());
        assert_eq!(compact.via.as_deref(), full.via());
    }
}

/// The compact rule agrees with the full one on everything it keeps.
fn same_rule(full: &RuleResult<'_>, compact: &CompactRule<'_>) {
    assert_eq!(compact.id, full.id());
    assert_eq!(compact.status, full.status());
    assert_eq!(compact.evidence.as_deref(), full.evidence().map(|e| &*e.id));
    same_reasons(&compact.reasons, full.reasons());
    let missing: Vec<&str> = compact.missing.iter().map(|m| &**m).collect();
    assert_eq!(missing, full.missing().collect::<Vec<_>>());
    let actions: Vec<_> = full.actions().map(|a| (a.id(), a.status())).collect();
    let compact_actions: Vec<_> = compact.actions.iter().map(|a| (&*a.id, a.status)).collect();
    assert_eq!(actions, compact_actions);
    let services: Vec<_> = full.services().map(|s| (s.id(), s.flags().len())).collect();
    let compact_services: Vec<_> = compact
        .services
        .iter()
        .map(|s| (&*s.id, s.flags.len()))
        .collect();
    assert_eq!(services, compact_services);
}

#[test]
fn every_compact_sample_result_is_valid_reads_back_and_keeps_what_the_full_one_says() {
    let (schemas, index) = validator();
    let national = practice_guide::parenting_through_adversity();
    let local = national
        .with_overlay_dir("rules/overlays/example-borough")
        .unwrap();
    for (guide, dir) in [
        (national, "examples/profiles"),
        (&local, "examples/profiles/overlay"),
    ] {
        for (name, evaluation) in sample_results(guide, dir) {
            let compact = evaluation.compact();
            let text = serde_json::to_string(&compact).unwrap();
            let json: Value = serde_json::from_str(&text).unwrap();
            if let Err(err) = schemas.validate(&json, index) {
                panic!("{name}: the compact result is not valid against the schema:\n{err:#}");
            }
            let back: CompactEvaluation<'static> = serde_json::from_str(&text).unwrap();
            assert_eq!(serde_json::to_string(&back).unwrap(), text, "{name}");
            assert_eq!(compact.scope.status, evaluation.scope().status());
            same_reasons(&compact.scope.reasons, evaluation.scope().reasons());
            let pairs = evaluation
                .recommendations()
                .zip(&compact.recommendations)
                .chain(evaluation.principles().zip(&compact.principles));
            for (full, compact) in pairs {
                same_rule(&full, compact);
            }
            assert_eq!(
                compact.recommendations.len(),
                evaluation.recommendations().len()
            );
            assert_eq!(compact.overlay.is_some(), evaluation.overlay().is_some());
            let asked: Vec<&str> = evaluation.questions().map(|q| q.fact().name()).collect();
            let compact_asked: Vec<&str> = compact.questions.iter().map(|f| &**f).collect();
            assert_eq!(compact_asked, asked, "{name}: the next questions, in order");
            let full = serde_json::to_string(&evaluation).unwrap();
            assert!(
                text.len() * 3 < full.len(),
                "{name}: {} of {}",
                text.len(),
                full.len()
            );
        }
    }
}

#[test]
fn the_texts_a_compact_result_leaves_out_are_the_guides_by_id() {
    let guide = practice_guide::parenting_through_adversity();
    let text = std::fs::read_to_string("examples/profiles/family-help.yaml").unwrap();
    let evaluation = guide
        .read_profile("family-help.yaml", &text)
        .unwrap()
        .evaluate();
    let by_id: HashMap<&str, &practice_guide::guide::Rule> = guide
        .recommendations()
        .chain(guide.principles())
        .map(|r| (r.id(), r))
        .collect();
    let compact = evaluation.compact();
    for (full, compact) in evaluation.recommendations().zip(&compact.recommendations) {
        let rule = by_id[&*compact.id];
        assert_eq!(rule.title(), full.title());
        assert_eq!(rule.statement(), full.statement());
        for (action, id) in full.actions().zip(compact.actions.iter().map(|a| &a.id)) {
            let point = rule.actions().iter().find(|a| a.id() == id).unwrap();
            assert_eq!(point.text(), action.text());
        }
    }
}
