//! Writing results, of valid profiles built from the fuzzer's choices (`arbitrary`) against the
//! guides `evaluate` draws from (`common::POOL`, loaded once for every run), under any of their
//! filters. For each input:
//!
//! - `write_json` writes the bytes serde writes, whether into an empty buffer or after bytes
//!   already there;
//! - the compact form serializes, and gives each rule it names the full result's status;
//! - the report renders as text and as Markdown.
//!
//! Evaluation itself is the `evaluate` target's; this one is apart so that each run there stays
//! short.
#![no_main]

use std::cell::RefCell;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
#[allow(dead_code)]
mod common;

/// What the fuzzer chooses before the profile (drawn after these from the rest).
#[derive(Arbitrary, Debug)]
struct Choice {
    guide: u8,
    filter: Option<u8>,
    /// Bytes already in the buffer `write_json` appends to.
    prefix: u8,
    check: Check,
}

#[derive(Arbitrary, Debug)]
enum Check {
    /// `write_json` against serde, and the compact form.
    Json,
    /// The report as text and as Markdown.
    Report,
}

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(choice) = Choice::arbitrary(&mut u) else {
        return;
    };
    let pool = &*common::POOL;
    let pooled = &pool[usize::from(choice.guide) % pool.len()];
    let family = pooled
        .guide
        .prepare(&common::profile(pooled, &mut u))
        .expect("a profile that fits");
    let result = match choice.filter {
        Some(i) => family.evaluate_filtered(&pooled.filters[usize::from(i) % pooled.filters.len()]),
        None => family.evaluate(),
    };
    match choice.check {
        Check::Json => BUFFER.with_borrow_mut(|json| {
            let prefix = usize::from(choice.prefix % 4);
            json.clear();
            json.resize(prefix, b' ');
            result.write_json(json);
            let serde = serde_json::to_vec(&result).expect("results serialize");
            assert!(
                json[prefix..] == serde[..],
                "{}: write_json differs from serde",
                pooled.name
            );
            let compact = result.compact();
            serde_json::to_vec(&compact).expect("the compact form serializes");
            assert_eq!(
                compact.scope.status,
                result.scope().status(),
                "{}: scope",
                pooled.name
            );
            for rule in compact.recommendations.iter().chain(&compact.principles) {
                let full = result.rule(&rule.id);
                assert_eq!(
                    full.map(|full| full.status()),
                    Some(rule.status),
                    "{}: the compact form's {}",
                    pooled.name,
                    rule.id
                );
            }
        }),
        Check::Report => {
            let text = result.report();
            let markdown = result.to_markdown();
            assert!(
                !text.is_empty() && !markdown.is_empty(),
                "{}: an empty report",
                pooled.name
            );
        }
    }
});
