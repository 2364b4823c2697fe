//! The exact analysis against evaluation, on random small guides and profiles shaped by the
//! input's bytes (`practice-guide-testkit`, its choices drawn through `arbitrary`). The guide
//! is what varies here, so each run loads and analyses one; the analysis is then checked on up
//! to eight profiles (the costly part done once): for each, no rule or "how" point the analysis
//! says can never apply applies; one it says applies wherever its scope (or rule) does applies
//! there; and every witness gets the status it claims.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use practice_guide::analysis::Check;
use practice_guide::error::Item;
use practice_guide::{Guide, Status};
use practice_guide_testkit as testkit;

#[path = "common.rs"]
#[allow(dead_code)]
mod common;

/// The status of a rule or action (`RULE#ID`) in an evaluation; an action not shown does not
/// apply.
fn status_of(guide: &Guide, profile: &practice_guide::FamilyProfile, id: &str) -> Status {
    let evaluation = guide
        .evaluate(profile)
        .expect("a generated profile fits its guide");
    let (rule, action) = id.split_once('#').map_or((id, None), |(r, a)| (r, Some(a)));
    let result = evaluation.rule(rule).expect("every rule has a result");
    match action {
        None => result.status(),
        Some(a) => result
            .actions()
            .find(|x| x.id() == a)
            .map_or(Status::DoesNotApply, |x| x.status()),
    }
}

fn id_of(item: &Item) -> Option<String> {
    match item {
        Item::Recommendation(id) | Item::Principle(id) => Some(id.clone()),
        Item::Action { rule, id, .. } => Some(format!("{rule}#{id}")),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let generated = testkit::guide(&mut common::Choices(&mut u));
    let guide = Guide::from_files(generated.files.clone()).expect("a generated guide loads");
    let analysis = guide.analyze();
    for witnesses in analysis.witnesses() {
        if let Some(p) = &witnesses.applies {
            assert_eq!(
                status_of(&guide, p, &witnesses.id),
                Status::Applies,
                "{}",
                witnesses.id
            );
        }
        if let Some(p) = &witnesses.does_not_apply {
            assert_eq!(
                status_of(&guide, p, &witnesses.id),
                Status::DoesNotApply,
                "{}",
                witnesses.id
            );
        }
    }
    for _ in 0..1 + u.choose_index(8).unwrap_or(0) {
        let profile = common::generated_profile(&generated, &mut common::Choices(&mut u));
        check_findings(&guide, &analysis, &profile);
    }
});

/// Every finding of `analysis` holds for `profile`.
fn check_findings(
    guide: &Guide,
    analysis: &practice_guide::analysis::Analysis,
    profile: &practice_guide::FamilyProfile,
) {
    let scope = guide.evaluate(profile).expect("fits").scope().status();
    for finding in analysis.findings() {
        let Some(id) = finding.item.as_ref().and_then(id_of) else {
            continue;
        };
        let status = status_of(guide, profile, &id);
        match finding.check {
            Check::RuleNeverApplies | Check::ActionNeverApplies => {
                assert_ne!(status, Status::Applies, "{id} never applies, yet applies")
            }
            Check::AppliesToEveryFamily if scope == Status::Applies => {
                assert_eq!(
                    status,
                    Status::Applies,
                    "{id} applies to every family in scope"
                )
            }
            Check::ActionWhenSaysNothing => {
                let rule = id.split('#').next().unwrap_or_default();
                if status_of(guide, profile, rule) == Status::Applies {
                    assert_eq!(status, Status::Applies, "{id}'s when says nothing");
                }
            }
            _ => {}
        }
    }
}
