//! The file-facing model of an overlay folder (a local parenting offer): `overlay.yaml` and
//! `services.yaml`. An overlay's `facts.yaml` and `conditions.yaml` are read as a guide's are.

use serde::Deserialize;

use super::{CONDITIONS_FILE, FACTS_FILE, Raw, Spanned};

pub(crate) const OVERLAY_FILE: &str = "overlay.yaml";
pub(crate) const SERVICES_FILE: &str = "services.yaml";

/// The files an overlay folder holds, and whether each is required.
pub(crate) const OVERLAY_FILES: [(&str, bool); 4] = [
    (OVERLAY_FILE, true),
    (FACTS_FILE, false),
    (CONDITIONS_FILE, false),
    (SERVICES_FILE, true),
];

/// `overlay.yaml`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct OverlayFile {
    /// The overlay's id: lower-case letters, digits, `_` and `-`.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub id: Spanned<String>,
    /// The overlay's title.
    pub title: String,
    /// The overlay's version.
    pub version: String,
    /// The id of the guide it extends (guide.yaml's `id`).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub extends: Spanned<String>,
    /// Who publishes the local offer.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Whether the offer is fictional (an example). Required, so that no example passes for a
    /// real local offer.
    pub fictional: bool,
    /// What every output shows about the overlay; required when `fictional: true`.
    #[serde(default)]
    pub disclaimer: Option<String>,
}

/// One entry of `services.yaml`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceFile {
    /// The service's id: lower-case letters, digits, `_` and `-`.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub id: Spanned<String>,
    /// The service's name.
    pub name: String,
    /// What it offers.
    pub description: String,
    /// `face_to_face`, `online` or `hybrid`.
    #[cfg_attr(feature = "schema", schemars(with = "crate::language::Delivery"))]
    pub delivery: Spanned<String>,
    /// `group` or `individual`.
    #[cfg_attr(feature = "schema", schemars(with = "crate::language::Format"))]
    pub format: Spanned<String>,
    /// `fixed` or `flexible`.
    #[cfg_attr(feature = "schema", schemars(with = "crate::language::Structure"))]
    pub structure: Spanned<String>,
    /// The ages it is for: in words, and as a condition on the guide's facts.
    pub ages: AgesFile,
    /// Who else is eligible, in the condition language (facts of the guide or the overlay).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::syntax::shapes::ConditionSchema>")
    )]
    pub when: Option<Spanned<Raw>>,
    /// How to refer, and whom to contact.
    pub referral: ReferralFile,
    /// What it delivers: recommendation ids, or `RECOMMENDATION#ACTION` for one of its "how"
    /// points, by the point's id.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub delivers: Spanned<Vec<Spanned<String>>>,
}

/// A service's ages.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct AgesFile {
    /// The ages in words, as people read them (e.g. `2 to 4 years`).
    pub label: String,
    /// The ages as a condition, e.g. `children_ages: { contains_any: [age_2, age_3, age_4] }`.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::syntax::shapes::ConditionSchema")
    )]
    pub when: Spanned<Raw>,
}

/// How to refer a family to a service, and whom to contact.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Referral"))]
#[serde(deny_unknown_fields)]
pub(crate) struct ReferralFile {
    /// How to refer (who may refer, by what route).
    pub how: String,
    /// Whom to contact (a team, a telephone number, an address).
    pub contact: String,
    /// A web page for referrals, if there is one.
    #[serde(default)]
    pub url: Option<String>,
}
