//! What the structure-aware targets share: a profile for a generated guide, from the bytes.

use practice_guide::{FactValue, FamilyProfile};
use practice_guide_testkit::{self as testkit, Source, Value};

/// A profile for `generated`, each fact unknown or one of its values, as the bytes choose.
pub fn profile(generated: &testkit::Generated, source: &mut impl Source) -> FamilyProfile {
    let mut profile = FamilyProfile::new();
    for fact in &generated.facts {
        let values = fact.values();
        let choice = source.below(values.len() + 1);
        let Some(value) = values.get(choice) else { continue };
        let value = match value {
            Value::Bool(b) => FactValue::Bool(*b),
            Value::Int(i) => FactValue::Integer(*i),
            Value::Text(t) => FactValue::Text(t.clone()),
            Value::List(items) => FactValue::List(items.clone()),
        };
        profile.set(fact.name.clone(), value);
    }
    profile
}

