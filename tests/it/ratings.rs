//! No evidence without a source: a recommendation rated on the scale needs a source that gives
//! that rating (`rating:`), and no source may give a rating the recommendation does not carry.

use crate::fixture::{one_recommendation, try_guide_replacing};

fn error(text: &str) -> String {
    match try_guide_replacing("recommendations.yaml", text) {
        Ok(_) => panic!("recommendations.yaml should not load:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn rec() -> String {
    one_recommendation("{ flag: true }")
}

#[test]
fn a_rated_recommendation_needs_a_source_giving_its_rating() {
    let text = rec().replace("      rating: strong\n", "");
    assert_eq!(
        error(&text),
        "recommendations.yaml:1:7: recommendation `r1`: the recommendation is rated `strong` but none of its \
         sources gives that rating: add `rating: strong` to the source that gives it, or use the \
         \"rating not known\" level"
    );
}

#[test]
fn a_source_cannot_give_a_different_rating() {
    let text = rec().replace("      rating: strong\n", "      rating: promising\n");
    assert_eq!(
        error(&text),
        "2 problems:\n\
         recommendations.yaml:9:15: recommendation `r1`: this source gives the rating `promising` but the \
         recommendation's `evidence` is `strong`\n\
         recommendations.yaml:1:7: recommendation `r1`: the recommendation is rated `strong` but none of its \
         sources gives that rating: add `rating: strong` to the source that gives it, or use the \
         \"rating not known\" level"
    );
}

#[test]
fn a_source_cannot_rate_an_unrated_recommendation() {
    let text = rec().replace("evidence: strong", "evidence: not_known");
    assert_eq!(
        error(&text),
        "recommendations.yaml:9:15: recommendation `r1`: this source gives the rating `strong` but the \
         recommendation's `evidence` is `not_known`"
    );
}

#[test]
fn a_source_rating_is_a_rated_level_of_the_scale() {
    let text = rec().replace("      rating: strong\n", "      rating: strng\n");
    // One mistake, one problem: the misspelt rating is not also reported as missing.
    assert_eq!(
        error(&text),
        "recommendations.yaml:9:15: recommendation `r1`: unknown evidence level `strng` (did you \
         mean `strong`? one of: strong, promising, not_known)"
    );
    let text = rec()
        .replace("evidence: strong", "evidence: not_known")
        .replace("      rating: strong\n", "      rating: not_known\n");
    assert_eq!(
        error(&text),
        "recommendations.yaml:9:15: recommendation `r1`: `rating: not_known` is the level for \"rating not \
         known\"; a source's `rating` is a rating the source gives, so leave it out"
    );
}

#[test]
fn only_a_recommendations_source_gives_a_rating() {
    let principles = "\
- id: p1
  title: Principle one
  statement: Do things well.
  sources:
    - url: https://example.org/p1
      wording: verbatim
      rating: strong
";
    match try_guide_replacing("principles.yaml", principles) {
        Ok(_) => panic!("a principle's source gave a rating"),
        Err(e) => assert_eq!(
            e.to_string(),
            "principles.yaml:7:15: principle `p1`: only a recommendation's source gives a rating \
             (`rating:`)"
        ),
    }
}

#[test]
fn an_unrated_recommendation_loads_without_a_rating() {
    let text = rec()
        .replace("evidence: strong", "evidence: not_known")
        .replace("      rating: strong\n", "");
    assert!(try_guide_replacing("recommendations.yaml", &text).is_ok());
}
