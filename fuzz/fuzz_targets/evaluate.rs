//! Evaluating arbitrary *valid* profiles against the embedded guide: the input bytes choose, fact
//! by fact, whether it is known and which allowed value it has. Evaluation must succeed, be
//! deterministic, and survive a JSON round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use practice_guide::{Evaluation, FactType, FactValue, FamilyProfile};

fuzz_target!(|data: &[u8]| {
    let guide = practice_guide::parenting_through_adversity();
    let mut bytes = data.iter().copied();
    let mut next = move || bytes.next().unwrap_or(0);
    let mut profile = FamilyProfile::new();
    for fact in guide.facts() {
        if next() % 3 == 0 {
            continue; // unknown
        }
        let value = match fact.fact_type() {
            FactType::Boolean => FactValue::Bool(next() % 2 == 1),
            FactType::Integer { min, max } => {
                let span = (max - min + 1) as u64;
                let raw = u64::from(next()) << 8 | u64::from(next());
                FactValue::Integer(min + (raw % span) as i64)
            }
            FactType::OneOf(values) => {
                let names: Vec<&str> = values.names().collect();
                FactValue::Text(names[usize::from(next()) % names.len()].to_owned())
            }
            FactType::SetOf(values) => {
                FactValue::List(values.names().filter(|_| next() % 2 == 1).map(str::to_owned).collect())
            }
            FactType::Text { .. } => continue,
            _ => continue,
        };
        profile.set(fact.name(), value);
    }
    let prepared = guide.prepare(&profile).expect("a profile built from the vocabulary is valid");
    let first = prepared.evaluate();
    let statuses = prepared.statuses();
    assert_eq!(statuses.scope(), first.scope.status);
    let json = serde_json::to_string(&first).expect("results serialize");
    let back: Evaluation<'static> = serde_json::from_str(&json).expect("and read back");
    assert_eq!(back, first);
    let _ = first.report();
});
