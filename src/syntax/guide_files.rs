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
    /// The guide's id: lower-case letters, digits, `_` and `-` (every evaluation carries it).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub id: Spanned<String>,
    /// The guide's title, as it publishes it.
    pub title: String,
    /// Who publishes the guide.
    pub publisher: String,
    /// Publication date: a year, a year and month or a day (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub published: Spanned<String>,
    /// The guide's address.
    pub source: String,
    /// Version of this encoding (not of the guide).
    pub version: String,
    /// What the guide is about, in a few sentences (optional).
    #[serde(default)]
    pub summary: Option<String>,
    /// Audience id → label.
    #[serde(default)]
    pub audiences: Ordered<Spanned<String>, String>,
    /// Outcome id → label.
    #[serde(default)]
    pub outcomes: Ordered<Spanned<String>, String>,
    /// The evidence scale, strongest level first; recommendations name a level by its id.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<EvidenceLevelFile>"))]
    pub evidence: Spanned<Vec<EvidenceLevelFile>>,
    /// Which families the guide is for (optional). Every rule applies only within it; without
    /// it, every family is in scope.
    #[serde(default)]
    pub scope: Option<ScopeFile>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct EvidenceLevelFile {
    /// The level's id, as recommendations' `evidence:` and sources' `rating:` name it.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub id: Spanned<String>,
    /// What people read, e.g. `Strong evidence`.
    pub label: String,
    /// The level's definition, where it is known (`null` where it is not).
    #[serde(default)]
    pub definition: Option<String>,
    /// `true` for the level used where a rating is not known (at most one, the last): it sorts
    /// below every rated level, and a recommendation at it needs no source giving a rating.
    #[serde(default)]
    pub unrated: bool,
    /// Where the level and its definition come from.
    #[serde(default)]
    pub sources: Vec<SourceFile>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct ScopeFile {
    /// The scope in words, as reports show it.
    pub description: String,
    /// The scope as a condition.
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
    /// The fact's type: `boolean`, `integer`, `one_of`, `set_of` or `text`.
    #[serde(rename = "type")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::syntax::shapes::FactTypeKeyword")
    )]
    pub fact_type: Spanned<String>,
    /// What the fact means, written so that a practitioner could fill it in.
    pub description: String,
    /// For `integer` (required): the lowest and highest values, `[MIN, MAX]`, e.g. `[0, 17]`.
    /// Rules and profiles giving a number outside it are refused.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<[i64; 2]>"))]
    pub range: Option<Spanned<Raw>>,
    /// For `integer` (optional): the unit, e.g. `years`; reports write `age is at least 2
    /// years`.
    #[serde(default)]
    pub unit: Option<String>,
    /// For `one_of` and `set_of` (required): a list of values, or a mapping of value →
    /// description. Values are lower-case letters, digits, `_` and `-`.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::syntax::shapes::ValuesSchema>")
    )]
    pub values: Option<Spanned<Raw>>,
    /// For `text` (optional): a regular expression the whole of every value must match (it is
    /// anchored at both ends), e.g. `'[A-Z]{1,2}[0-9]'`.
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
    /// What the condition means, and which reading of the guide it encodes (optional).
    #[serde(default)]
    pub description: Option<String>,
    /// The condition.
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
    /// The rule's id, unique among the guide's rules: lower-case letters, digits, `_` and `-`.
    /// Results, links, overlays and cases name the rule by it.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub id: Spanned<String>,
    /// The rule's title.
    pub title: String,
    /// The rule's statement, as the source words it.
    pub statement: String,
    /// Recommendations only (required): the id of a level of guide.yaml's evidence scale. A
    /// rated level needs a source with that `rating:`; where no source gives one, use the
    /// unrated level.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub evidence: Option<Spanned<String>>,
    /// Outcome ids from guide.yaml (optional).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub outcomes: Vec<Spanned<String>>,
    /// Audience ids from guide.yaml: who it is written for (optional; leave it out where the
    /// source does not say).
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
    /// The guide's reasons, as texts (optional).
    #[serde(default)]
    pub why: Vec<String>,
    /// The guide's "how" points (optional), each with an id unique within the rule.
    #[serde(default)]
    pub how: Vec<ActionFile>,
    /// Where the rule's words come from (at least one).
    #[serde(default)]
    pub sources: Vec<SourceFile>,
    /// What the rule's own statement says of the services that deliver it (see *Fit*).
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
    /// Audience ids from guide.yaml: who the point is for (optional).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub audiences: Vec<Spanned<String>>,
    /// When the point is shown (optional): only to the families it names, within its rule.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::syntax::shapes::ConditionSchema>")
    )]
    pub when: Option<Spanned<Raw>>,
    /// What this "how" point says of the services that deliver the rule (see *Fit*).
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
    /// The public address where a reader can open the words.
    pub url: String,
    /// `verbatim` (the guide's own words) or `summary` (someone else's wording about it).
    #[cfg_attr(feature = "schema", schemars(with = "crate::language::Wording"))]
    pub wording: Spanned<String>,
    /// Which part of the page (and, for a summary, whose summary); quotes the rating where the
    /// source gives one.
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
