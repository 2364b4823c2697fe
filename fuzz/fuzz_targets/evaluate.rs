//! Evaluating random valid profiles against random small guides: the input's bytes drive the
//! generator (`practice-guide-testkit`), which shapes a guide (facts of every type, nested
//! conditions, named conditions, "how" points) and then a profile for it. The guide must load;
//! evaluation must agree with the statuses path, be deterministic, and its JSON must read back
//! as the value serde builds from it (an evaluation holds its guide, so it does not deserialize).
#![no_main]

use libfuzzer_sys::fuzz_target;
use practice_guide::Guide;
use practice_guide_testkit::{self as testkit, Bytes};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut source = Bytes::new(data);
    let generated = testkit::guide(&mut source);
    let guide = Guide::from_files(generated.files.clone()).expect("a generated guide loads");
    let profile = common::profile(&generated, &mut source);
    let prepared = guide.prepare(&profile).expect("a generated profile fits its guide");
    let first = prepared.evaluate();
    let statuses = prepared.statuses();
    assert_eq!(statuses.scope(), first.scope().status());
    for (index, rule) in guide.recommendations().enumerate() {
        let result = first.rule(rule.id()).expect("a result");
        assert_eq!(statuses.recommendation(index), Some(result.status()));
    }
    assert_eq!(prepared.evaluate(), first, "deterministic");
    let json = serde_json::to_string(&first).expect("results serialize");
    let back: serde_json::Value = serde_json::from_str(&json).expect("and read back");
    assert_eq!(back, serde_json::to_value(&first).expect("results serialize"));
    // `Value` keeps one of each key, sorted: the same length means no key was written twice.
    let again = serde_json::to_string(&back).expect("a value serializes");
    assert_eq!(again.len(), json.len(), "a key written twice");
});
