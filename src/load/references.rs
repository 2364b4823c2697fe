//! What rules refer to: words of closed sets (wording, delivery, ...), sources, the links
//! between recommendations and principles, and the ids results show.

use std::borrow::Cow;
use std::collections::HashMap;

use super::session::{Names, Session};
use crate::error::{Item, ProblemKind};
use crate::language::{Keyword, Wording};
use crate::model::guide::{EvidenceLevel, Label};
use crate::model::rule::{Rule, Source};
use crate::syntax::{self, PRINCIPLES_FILE, RECOMMENDATIONS_FILE, SourceFile, Spanned};

/// What rules refer to by id, from `guide.yaml`.
pub(crate) struct References<'a> {
    pub(crate) evidence: &'a [EvidenceLevel],
    pub(crate) audiences: &'a [Label],
    pub(crate) audience_names: &'a Names,
    pub(crate) outcomes: &'a [Label],
    pub(crate) outcome_names: &'a Names,
}

/// What linking needs of a rule's file form: its id and the principles it names.
pub(super) struct RuleLinks {
    pub(super) id: Spanned<String>,
    pub(super) principles: Vec<Spanned<String>>,
}

/// Reads one word of a closed set, or explains (with a suggestion) why it is not one.
pub(crate) fn keyword<K: Keyword>(text: &Spanned<String>) -> Result<K, ProblemKind> {
    K::parse(&text.value).ok_or_else(|| {
        ProblemKind::unknown(K::WHAT, &text.value, K::ALL.iter().map(|k| k.as_str()))
    })
}

/// Converts sources; `rated` says whether a source may give a rating (`rating:`), which only
/// a recommendation's sources may.
pub(crate) fn sources(
    session: &mut Session<'_>,
    file: &str,
    item: Option<Item>,
    sources: &[SourceFile],
    rated: bool,
) -> Vec<Source> {
    sources
        .iter()
        .filter_map(|s| {
            if let (false, Some(rating)) = (rated, &s.rating) {
                let at = syntax::position_of(rating);
                session.problem(file, at, item.clone(), ProblemKind::RatingNotAllowed);
            }
            let wording = match keyword::<Wording>(&s.wording) {
                Ok(w) => w,
                Err(kind) => {
                    session.problem(file, syntax::position_of(&s.wording), item.clone(), kind);
                    return None;
                }
            };
            Some(Source {
                url: s.url.clone(),
                wording,
                note: s.note.clone(),
                rating: s.rating.as_ref().map(|r| r.value.clone()),
            })
        })
        .collect()
}

/// Resolves recommendation → principle links and records the reverse links.
pub(super) fn link(
    session: &mut Session<'_>,
    recommendations: &mut [Rule],
    recommendations_raw: &[RuleLinks],
    principles: &mut [Rule],
    principles_raw: &[RuleLinks],
) {
    for raw in principles_raw {
        if let Some(first) = raw.principles.first() {
            let item = Some(Item::Principle(raw.id.value.clone()));
            let at = syntax::position_of(first);
            session.problem(
                PRINCIPLES_FILE,
                at,
                item,
                ProblemKind::PrincipleListsPrinciples,
            );
        }
    }
    // When principles.yaml could not be read, links into it cannot be checked.
    let unchecked = session.unreadable(PRINCIPLES_FILE);
    if unchecked && recommendations_raw.iter().any(|r| !r.principles.is_empty()) {
        session.note_unchecked(PRINCIPLES_FILE, "the recommendations' links to principles");
    }
    let principle_ids: Vec<&str> = principles_raw.iter().map(|p| p.id.value.as_str()).collect();
    let recommendation_index = index_of(recommendations);
    let principle_index = index_of(principles);
    for raw in recommendations_raw {
        let Some(&rec) = recommendation_index.get(raw.id.value.as_str()) else {
            continue;
        };
        for link in &raw.principles {
            match principle_index.get(link.value.as_str()).copied() {
                Some(p) => {
                    if let Some(recommendation) = recommendations.get_mut(rec) {
                        recommendation.links.push(p);
                    }
                    if let Some(principle) = principles.get_mut(p) {
                        principle.links.push(rec);
                    }
                }
                None if unchecked => {}
                None => {
                    let kind = ProblemKind::unknown(
                        "principle",
                        &link.value,
                        principle_ids.iter().copied(),
                    );
                    let item = Some(Item::Recommendation(raw.id.value.clone()));
                    session.problem(RECOMMENDATIONS_FILE, syntax::position_of(link), item, kind);
                }
            }
        }
    }
}

/// By id, the first rule of that id (a duplicate id is reported elsewhere): linear, not
/// quadratic, in the number of rules.
fn index_of(rules: &[Rule]) -> HashMap<String, usize> {
    let mut index = HashMap::with_capacity(rules.len());
    for (i, rule) in rules.iter().enumerate() {
        index.entry(rule.id.clone()).or_insert(i);
    }
    index
}

/// Resolves the ids each rule's results show (links, outcomes, audiences, evidence).
pub(super) fn show(rules: &mut [Rule], others: &[Rule], refs: &References<'_>) {
    for rule in rules {
        rule.shown.links = rule
            .links
            .iter()
            .filter_map(|&i| others.get(i))
            .map(|other| Cow::Owned(other.id.clone()))
            .collect();
        rule.shown.outcomes = ids_of(refs.outcomes, &rule.outcomes);
        rule.shown.audiences = ids_of(refs.audiences, &rule.audiences);
        rule.shown.evidence = rule
            .evidence
            .and_then(|i| refs.evidence.get(i))
            .map(|l| l.id.clone());
    }
}

/// The ids of the labels at `indices`.
pub(super) fn ids_of(labels: &[Label], indices: &[usize]) -> Vec<Cow<'static, str>> {
    indices
        .iter()
        .filter_map(|&i| labels.get(i))
        .map(|l| Cow::Owned(l.id.clone()))
        .collect()
}
