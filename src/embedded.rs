//! The Parenting Through Adversity (0–10) guide, compiled into the crate.
//!
//! The rule files under `rules/parenting-through-adversity-0-10/` are included at build time and
//! parsed and validated once, on first use.

use std::sync::LazyLock;

use crate::model::guide::Guide;

/// The id of the embedded guide.
pub const PARENTING_THROUGH_ADVERSITY_ID: &str = "parenting-through-adversity-0-10";

/// The embedded guide's rule files, `(file name, contents)`.
pub const PARENTING_THROUGH_ADVERSITY_FILES: [(&str, &str); 5] = [
    (
        "guide.yaml",
        include_str!("../rules/parenting-through-adversity-0-10/guide.yaml"),
    ),
    (
        "facts.yaml",
        include_str!("../rules/parenting-through-adversity-0-10/facts.yaml"),
    ),
    (
        "conditions.yaml",
        include_str!("../rules/parenting-through-adversity-0-10/conditions.yaml"),
    ),
    (
        "principles.yaml",
        include_str!("../rules/parenting-through-adversity-0-10/principles.yaml"),
    ),
    (
        "recommendations.yaml",
        include_str!("../rules/parenting-through-adversity-0-10/recommendations.yaml"),
    ),
];

static PARENTING_THROUGH_ADVERSITY: LazyLock<Guide> = LazyLock::new(|| {
    #[allow(
        clippy::expect_used,
        reason = "the embedded files are fixed at compile time and the test suite loads them \
                  (tests/it/embedded.rs), so a failure here cannot reach a release"
    )]
    Guide::from_files(PARENTING_THROUGH_ADVERSITY_FILES).expect("the embedded guide is valid")
});

/// The Parenting Through Adversity (babies and children 0–10) guide, loaded once on first use and
/// shared from then on.
///
/// ```
/// let guide = practice_guide::parenting_through_adversity();
/// assert_eq!(guide.id(), practice_guide::PARENTING_THROUGH_ADVERSITY_ID);
/// ```
pub fn parenting_through_adversity() -> &'static Guide {
    &PARENTING_THROUGH_ADVERSITY
}
