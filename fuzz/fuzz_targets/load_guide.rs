//! Loading a guide from arbitrary text: any one of the embedded guide's files is replaced by the
//! input (the first byte chooses which). Loading must return a guide or an error, never panic or
//! hang; a guide that loads must evaluate an empty profile.
#![no_main]

use libfuzzer_sys::fuzz_target;
use practice_guide::{FamilyProfile, Guide, PARENTING_THROUGH_ADVERSITY_FILES};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let replaced = usize::from(selector) % PARENTING_THROUGH_ADVERSITY_FILES.len();
    let files = PARENTING_THROUGH_ADVERSITY_FILES
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
