//! The file-facing model of a guide folder: what serde reads from each file, with positions.
//!
//! These types mirror the YAML exactly (unknown keys are rejected, so a typo in a key fails the
//! load instead of silently dropping a rule's condition). The loader (`src/load/`) checks them
//! against each other and compiles them; nothing else in the crate reads them.
//!
//! A guide folder holds:
//!
//! | file | holds |
//! |---|---|
//! | `guide.yaml` | metadata, audiences, outcomes, the evidence scale, the scope |
//! | `facts.yaml` | the fact vocabulary |
//! | `conditions.yaml` (optional) | named conditions |
//! | `principles.yaml` (optional) | key principles |
//! | `recommendations.yaml` | recommendations |

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

use super::{Raw, Spanned};

/// The file names a guide folder holds, and whether each is required.
pub(crate) const GUIDE_FILE: &str = "guide.yaml";
pub(crate) const FACTS_FILE: &str = "facts.yaml";
pub(crate) const CONDITIONS_FILE: &str = "conditions.yaml";
pub(crate) const PRINCIPLES_FILE: &str = "principles.yaml";
pub(crate) const RECOMMENDATIONS_FILE: &str = "recommendations.yaml";
pub(crate) const ALL_FILES: [(&str, bool); 5] = [
    (GUIDE_FILE, true),
    (FACTS_FILE, true),
    (CONDITIONS_FILE, false),
    (PRINCIPLES_FILE, false),
    (RECOMMENDATIONS_FILE, true),
];

/// `guide.yaml`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct GuideFile {
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub id: Spanned<String>,
    pub title: String,
    pub publisher: String,
    /// Publication date, `YYYY-MM-DD`.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub published: Spanned<String>,
    /// The guide's address.
    pub source: String,
    /// Version of this encoding (not of the guide).
    pub version: String,
    #[serde(default)]
    pub summary: Option<String>,
    /// Audience id → label.
    #[serde(default)]
    pub audiences: Ordered<Spanned<String>, String>,
    /// Outcome id → label.
    #[serde(default)]
    pub outcomes: Ordered<Spanned<String>, String>,
    /// Strongest first.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<EvidenceLevelFile>"))]
    pub evidence: Spanned<Vec<EvidenceLevelFile>>,
    #[serde(default)]
    pub scope: Option<ScopeFile>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct EvidenceLevelFile {
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub id: Spanned<String>,
    pub label: String,
    /// `None` where the definition is not known.
    #[serde(default)]
    pub definition: Option<String>,
    /// Marks the level used where a rating is not known; it sorts below every rated level.
    #[serde(default)]
    pub unrated: bool,
    #[serde(default)]
    pub sources: Vec<SourceFile>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct ScopeFile {
    pub description: String,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::syntax::shapes::ConditionSchema")
    )]
    pub when: Spanned<Raw>,
}

/// `facts.yaml`: fact name → declaration.
pub(crate) type FactsFile = Ordered<Spanned<String>, FactFile>;

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct FactFile {
    #[serde(rename = "type")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::syntax::shapes::FactTypeKeyword")
    )]
    pub fact_type: Spanned<String>,
    pub description: String,
    /// For `integer`: `[MIN, MAX]`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<[i64; 2]>"))]
    pub range: Option<Spanned<Raw>>,
    /// For `integer`: the unit, e.g. `years`.
    #[serde(default)]
    pub unit: Option<String>,
    /// For `one_of` and `set_of`: a list of values, or a mapping of value → description.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::syntax::shapes::ValuesSchema>")
    )]
    pub values: Option<Spanned<Raw>>,
    /// For `text`: a regular expression every value must match.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub pattern: Option<Spanned<String>>,
}

/// `conditions.yaml`: name → named condition.
pub(crate) type ConditionsFile = Ordered<Spanned<String>, NamedConditionFile>;

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct NamedConditionFile {
    #[serde(default)]
    pub description: Option<String>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::syntax::shapes::ConditionSchema")
    )]
    pub when: Spanned<Raw>,
}

/// One entry of `principles.yaml` or `recommendations.yaml`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub id: Spanned<String>,
    pub title: String,
    /// The rule's statement, as the source words it.
    pub statement: String,
    /// Recommendations only: the evidence level's id.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub evidence: Option<Spanned<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub outcomes: Vec<Spanned<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub audiences: Vec<Spanned<String>>,
    /// Recommendations only: the principles it links to.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub principles: Vec<Spanned<String>>,
    /// When the rule applies. Required for recommendations; a principle without one applies to
    /// every family in scope.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::syntax::shapes::ConditionSchema>")
    )]
    pub when: Option<Spanned<Raw>>,
    #[serde(default)]
    pub why: Vec<String>,
    #[serde(default)]
    pub how: Vec<ActionFile>,
    #[serde(default)]
    pub sources: Vec<SourceFile>,
    /// What the rule's own statement says of the services that deliver it (see `FitFile`).
    #[serde(default)]
    pub fit: Option<FitFile>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionFile {
    /// The point's id, unique within its rule: what overlays (`RULE#ID`), case files and results
    /// name it by. Lower-case letters, digits, `_` and `-`.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub id: Spanned<String>,
    /// What to do, as the guide says it.
    pub text: String,
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub audiences: Vec<Spanned<String>>,
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::syntax::shapes::ConditionSchema>")
    )]
    pub when: Option<Spanned<Raw>>,
    /// What this "how" point says of the services that deliver the rule (see `FitFile`).
    #[serde(default)]
    pub fit: Option<FitFile>,
}

/// What the guide's text says a service delivering a recommendation should be, read by the
/// overlay's fit checks: a local service whose delivery, format or structure is not among the
/// listed values is flagged, citing the rule and its sources. Only where the guide's words say so.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct FitFile {
    /// The delivery modes that fit: `face_to_face`, `online`, `hybrid`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<crate::language::Delivery>"))]
    pub delivery: Vec<Spanned<String>>,
    /// The formats that fit: `group`, `individual`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<crate::language::Format>"))]
    pub format: Vec<Spanned<String>>,
    /// The structures that fit: `fixed`, `flexible`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<crate::language::Structure>"))]
    pub structure: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceFile {
    pub url: String,
    /// `verbatim` (the guide's own words) or `summary` (someone else's wording about it).
    #[cfg_attr(feature = "schema", schemars(with = "crate::language::Wording"))]
    pub wording: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Recommendations only: the evidence level this source gives the recommendation, by id.
    /// A rated recommendation needs a source that gives its rating.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub rating: Option<Spanned<String>>,
}

/// A YAML mapping read in file order (serde's maps would sort or hash it away).
#[derive(Debug)]
pub(crate) struct Ordered<K, V>(pub Vec<(K, V)>);

impl<K, V> Default for Ordered<K, V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Ordered<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for OrderedVisitor<K, V> {
            type Value = Ordered<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Ordered::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(OrderedVisitor(PhantomData))
    }
}

/// A mapping in file order: for editors, an object whose values all have `V`'s schema.
#[cfg(feature = "schema")]
impl<K, V: schemars::JsonSchema> schemars::JsonSchema for Ordered<K, V> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": ["object", "null"],
            "additionalProperties": generator.subschema_for::<V>(),
        })
    }
}
