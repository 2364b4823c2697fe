//! Helpers for the crate's own differential tests: a generated profile as a [`FamilyProfile`].

use practice_guide_testkit::Value;

use crate::profile::{FactValue, FamilyProfile};

/// A profile the testkit generated, as the crate takes it.
pub(crate) fn family(profile: &[(String, Value)]) -> FamilyProfile {
    let mut family = FamilyProfile::new();
    for (name, value) in profile {
        let value = match value {
            Value::Bool(b) => FactValue::Bool(*b),
            Value::Int(i) => FactValue::Integer(*i),
            Value::Text(t) => FactValue::Text(t.clone()),
            Value::List(items) => FactValue::List(items.clone()),
        };
        family.set(name.clone(), value);
    }
    family
}
