//! Profiles and values written as YAML: a profile on one line (a finding's example family, a
//! draft case's description), a fact's value as a scalar or a flow list (a profile file).

use practice_guide::{FactValue, FamilyProfile};

/// A profile on one line, as YAML's flow style writes it: `{ children_ages: [age_3] }`.
pub(crate) fn inline(profile: &FamilyProfile) -> String {
    if profile.is_empty() {
        return "a family about whom nothing is known".to_owned();
    }
    let facts: Vec<String> = profile
        .iter()
        .map(|(name, value)| format!("{name}: {}", value_text(value)))
        .collect();
    format!("{{ {} }}", facts.join(", "))
}

/// A fact's value as YAML writes it (texts quoted when they would not read back as text).
pub(crate) fn value_text(value: &FactValue) -> String {
    match value {
        FactValue::Bool(b) => b.to_string(),
        FactValue::Integer(i) => i.to_string(),
        FactValue::Text(t) => scalar(t),
        FactValue::List(items) => {
            let items: Vec<String> = items.iter().map(|t| scalar(t)).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// A text as a YAML scalar: plain when it is an id, quoted otherwise.
fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(
            text,
            "true" | "false" | "null" | "yes" | "no" | "on" | "off"
        )
        && text.parse::<f64>().is_err();
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_that_would_read_back_as_something_else_are_quoted() {
        let value = |t: &str| value_text(&FactValue::Text(t.to_owned()));
        assert_eq!(value("family_help"), "family_help");
        assert_eq!(value("yes"), "\"yes\"");
        assert_eq!(value("12"), "\"12\"");
        assert_eq!(value(""), "\"\"");
        assert_eq!(value("two words"), "\"two words\"");
    }

    #[test]
    fn a_profile_reads_on_one_line() {
        let mut profile = FamilyProfile::new();
        assert_eq!(inline(&profile), "a family about whom nothing is known");
        profile.set("adversities", FactValue::List(vec!["poverty".to_owned()]));
        profile.set("child_age", FactValue::Integer(3));
        assert_eq!(inline(&profile), "{ adversities: [poverty], child_age: 3 }");
    }
}
