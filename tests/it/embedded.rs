//! The embedded Parenting Through Adversity guide: it loads, it is the same as the rule folder,
//! and every sample profile evaluates against it.

use practice_guide::{Guide, Status};

fn assert_send_sync<T: Send + Sync>() {}

/// A service shares one guide between threads, and results and errors cross threads: every
/// public type is `Send + Sync` (checked when this test compiles).
#[test]
fn public_types_are_send_and_sync() {
    use practice_guide::*;
    assert_send_sync::<Guide>();
    assert_send_sync::<guide::Overlay>();
    assert_send_sync::<guide::Service>();
    assert_send_sync::<guide::Rule>();
    assert_send_sync::<FamilyProfile>();
    assert_send_sync::<PreparedProfile<'static>>();
    assert_send_sync::<Statuses>();
    assert_send_sync::<Cache>();
    assert_send_sync::<Filter>();
    assert_send_sync::<Evaluation>();
    assert_send_sync::<result::RuleResult<'static>>();
    assert_send_sync::<result::Reason<'static>>();
    assert_send_sync::<result::ServiceResult<'static>>();
    assert_send_sync::<result::CompactEvaluation<'static>>();
    assert_send_sync::<Error>();
    assert_send_sync::<error::Problem>();
    assert_send_sync::<cases::SuiteReport>();
}

#[test]
fn the_embedded_guide_loads_and_matches_its_folder() {
    let embedded = practice_guide::parenting_through_adversity();
    let folder = Guide::from_dir("rules/parenting-through-adversity-0-10").unwrap();
    assert_eq!(
        embedded.id(),
        practice_guide::PARENTING_THROUGH_ADVERSITY_ID
    );
    assert_eq!(embedded.content_hash(), folder.content_hash());
    assert!(embedded.recommendations().len() >= 2);
    assert!(embedded.principles().len() >= 2);
}

#[test]
fn every_sample_profile_evaluates() {
    let guide = practice_guide::parenting_through_adversity();
    let mut count = 0;
    for entry in std::fs::read_dir("examples/profiles").unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            continue; // examples/profiles/overlay/: families for the example overlay
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let profile = guide
            .read_profile(&name, &text)
            .unwrap_or_else(|e| panic!("{e}"));
        let evaluation = profile.evaluate();
        assert!(
            evaluation
                .report()
                .starts_with("Parenting Through Adversity")
        );
        count += 1;
    }
    assert!(
        count >= 4,
        "expected several sample profiles, found {count}"
    );
}

#[test]
fn a_family_outside_the_age_range_is_out_of_scope() {
    let guide = practice_guide::parenting_through_adversity();
    let text = std::fs::read_to_string("examples/profiles/older-children.yaml").unwrap();
    let profile = guide.read_profile("older-children.yaml", &text).unwrap();
    let evaluation = profile.evaluate();
    assert_eq!(evaluation.scope().status(), Status::DoesNotApply);
    assert!(
        evaluation
            .recommendations()
            .all(|r| r.status() == Status::DoesNotApply)
    );
    assert!(evaluation.report().contains("OUTSIDE THIS GUIDE'S SCOPE"));
}

#[test]
fn sharing_one_guide_between_threads_gives_the_same_results() {
    let guide = practice_guide::parenting_through_adversity();
    let text = std::fs::read_to_string("examples/profiles/family-help.yaml").unwrap();
    let profile = guide.read_profile("family-help.yaml", &text).unwrap();
    let expected = serde_json::to_string(&profile.evaluate()).unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| serde_json::to_string(&profile.evaluate()).unwrap()))
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), expected);
        }
    });
}
