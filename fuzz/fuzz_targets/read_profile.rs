//! Reading a profile from arbitrary YAML or JSON text, and deserializing one with serde: either
//! an error, or a profile that evaluates without error against the embedded guide.
#![no_main]

use libfuzzer_sys::fuzz_target;
use practice_guide::FamilyProfile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let guide = practice_guide::parenting_through_adversity();
    if let Ok(profile) = guide.read_profile("fuzz.yaml", text) {
        // A profile that reads evaluates, and reads back the same.
        let evaluation = profile.evaluate();
        let _ = evaluation.report();
        let again = guide
            .prepare(&profile.to_profile())
            .expect("a bound profile rebinds");
        assert_eq!(again.evaluate(), evaluation);
    }
    if let Ok(profile) = guide.read_profile_json("fuzz.json", text) {
        let _ = profile.evaluate().to_markdown();
    }
    if let Ok(profile) = serde_json::from_str::<FamilyProfile>(text) {
        // Built outside the guide: checked when evaluated, so an error is fine, a panic is not.
        if let Ok(evaluation) = guide.evaluate(&profile) {
            let _ = serde_json::to_string(&evaluation).expect("results serialize");
        }
    }
});
