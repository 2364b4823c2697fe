//! Which part of a rule file each key belongs to, read from the file model's own serde types, so
//! that a key indented under the wrong parent is told to move rather than be deleted.

use serde::Deserialize;
use serde::de::value::Error;
use serde::de::{self, Deserializer, Visitor};

use super::{
    ActionFile, AgesFile, EvidenceLevelFile, FactFile, FitFile, GuideFile, NamedConditionFile,
    OverlayFile, ReferralFile, RuleFile, ScopeFile, ServiceFile, SourceFile,
};

/// The part of a file whose keys are `allowed` that also has `key`, when it is not the part the
/// key was found in: e.g. `sources` found among a "how" point's keys belongs to a recommendation.
pub(super) fn belongs_to(key: &str, allowed: &[&str]) -> Option<&'static str> {
    if allowed.contains(&key) {
        return None;
    }
    parts()
        .into_iter()
        .filter(|(_, fields)| *fields != allowed)
        .find(|(_, fields)| fields.contains(&key))
        .map(|(part, _)| part)
}

/// Every part of a rule file, in words, with its keys.
fn parts() -> Vec<(&'static str, &'static [&'static str])> {
    vec![
        ("a recommendation or principle", fields::<RuleFile>()),
        ("a \"how\" point (`how:`)", fields::<ActionFile>()),
        ("a source (`sources:`)", fields::<SourceFile>()),
        ("`fit:`", fields::<FitFile>()),
        ("guide.yaml's top level", fields::<GuideFile>()),
        ("an evidence level", fields::<EvidenceLevelFile>()),
        ("`scope:`", fields::<ScopeFile>()),
        ("a fact", fields::<FactFile>()),
        ("a named condition", fields::<NamedConditionFile>()),
        ("overlay.yaml's top level", fields::<OverlayFile>()),
        ("a service", fields::<ServiceFile>()),
        ("`ages:`", fields::<AgesFile>()),
        ("`referral:`", fields::<ReferralFile>()),
    ]
}

/// The keys of a file-model struct, as serde's derive lists them.
fn fields<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    let mut found = None;
    let _ = T::deserialize(Lister(&mut found));
    found.unwrap_or(&[])
}

/// A deserializer that only records the field names a struct asks for.
struct Lister<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for Lister<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
        Err(de::Error::custom("only struct fields are listed"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Error> {
        *self.0 = Some(fields);
        Err(de::Error::custom("listed"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_from_the_file_model() {
        assert!(fields::<RuleFile>().contains(&"sources"));
        assert!(fields::<ActionFile>().contains(&"text"));
        assert_eq!(
            belongs_to("sources", fields::<ActionFile>()),
            Some("a recommendation or principle")
        );
        assert_eq!(belongs_to("sources", fields::<RuleFile>()), None);
        assert_eq!(belongs_to("whne", fields::<RuleFile>()), None);
    }
}
