//! Loading a guide from arbitrary text: any one of a small guide's files is replaced by the
//! input (the first byte chooses which). Loading must return a guide or an error, never panic or
//! hang; a guide that loads must evaluate an empty profile. The base guide is small (the tool's
//! test guide) so that each run spends its time on the fuzzed text, not on the rest.
#![no_main]

use libfuzzer_sys::fuzz_target;
use practice_guide::{FamilyProfile, Guide};

const BASE: [(&str, &str); 5] = [
    ("guide.yaml", include_str!("../../cli/tests/fixtures/mini/guide.yaml")),
    ("facts.yaml", include_str!("../../cli/tests/fixtures/mini/facts.yaml")),
    ("conditions.yaml", include_str!("../../cli/tests/fixtures/mini/conditions.yaml")),
    ("principles.yaml", include_str!("../../cli/tests/fixtures/mini/principles.yaml")),
    ("recommendations.yaml", include_str!("../../cli/tests/fixtures/mini/recommendations.yaml")),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let replaced = usize::from(selector) % BASE.len();
    let files = BASE
        .iter()
        .enumerate()
        .map(|(i, (name, original))| (*name, if i == replaced { text } else { original }));
    match Guide::from_files(files) {
        Ok(guide) => {
            let evaluation = guide.evaluate(&FamilyProfile::new()).expect("an empty profile is valid");
            let _ = evaluation.report();
        }
        Err(err) => {
            assert!(!err.problems().is_empty());
            let _ = err.to_string();
        }
    }
});
