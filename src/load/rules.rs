//! Compiling a guide's recommendations and principles: ids, evidence and its sources, conditions,
//! "how" points, `fit:`, and the links between recommendations and principles.

use std::borrow::Cow;
use std::collections::HashMap;

use super::condition::{Compiler, NamedTable};
use super::facts::check_identifier;
use super::session::{Names, Session};
use crate::error::{Item, Position, ProblemKind, shorten};
use crate::language::{Keyword, Wording};
use crate::limits;
use crate::model::condition::Condition;
use crate::model::guide::{Action, EvidenceLevel, Label, Rule, RuleKind, Shown, Source};
use crate::model::overlay::Fit;
use crate::model::vocabulary::Vocab;
use crate::suggest;
use crate::syntax::{
    self, ActionFile, FitFile, PRINCIPLES_FILE, RECOMMENDATIONS_FILE, Raw, RuleFile, SourceFile,
    Spanned,
};

/// What rules refer to by id, from `guide.yaml`.
pub(crate) struct References<'a> {
    pub(crate) evidence: &'a [EvidenceLevel],
    pub(crate) audiences: &'a [Label],
    pub(crate) audience_names: &'a Names,
    pub(crate) outcomes: &'a [Label],
    pub(crate) outcome_names: &'a Names,
}

/// What linking needs of a rule's file form: its id and the principles it names.
struct RuleLinks {
    id: Spanned<String>,
    principles: Vec<Spanned<String>>,
}

/// Compiles the recommendations and principles (each file's rules in order), links them, and
/// resolves the ids results show. Returns (recommendations, principles).
pub(crate) fn compile(
    session: &mut Session<'_>,
    vocab: Vocab<'_>,
    named: &mut NamedTable<'_>,
    refs: &References<'_>,
    recommendations: Option<Vec<RuleFile>>,
    principles: Option<Vec<RuleFile>>,
) -> (Vec<Rule>, Vec<Rule>) {
    let mut ids = Names::default();
    let mut context = Context {
        session,
        vocab,
        named,
        refs,
        file: PRINCIPLES_FILE,
        kind: RuleKind::Principle,
    };
    let (mut principles, principles_raw) = context.all(&mut ids, principles.unwrap_or_default());
    context.file = RECOMMENDATIONS_FILE;
    context.kind = RuleKind::Recommendation;
    let read = recommendations.is_some();
    let (mut recommendations, recommendations_raw) =
        context.all(&mut ids, recommendations.unwrap_or_default());
    if read && recommendations_raw.is_empty() {
        let kind = ProblemKind::NoRecommendations;
        session.problem(RECOMMENDATIONS_FILE, None, None, kind);
    }
    if principles.len() + recommendations.len() > limits::MAX_RULES {
        let kind = ProblemKind::LimitExceeded {
            what: "the number of rules".to_owned(),
            limit: limits::MAX_RULES,
        };
        session.problem(RECOMMENDATIONS_FILE, None, None, kind);
    }
    link(
        session,
        &mut recommendations,
        &recommendations_raw,
        &mut principles,
        &principles_raw,
    );
    show(&mut recommendations, &principles, refs);
    show(&mut principles, &recommendations, refs);
    (recommendations, principles)
}

/// What compiling one file's rules needs.
struct Context<'s, 'f, 'v, 'n, 'r> {
    session: &'s mut Session<'f>,
    vocab: Vocab<'v>,
    named: &'s mut NamedTable<'n>,
    refs: &'s References<'r>,
    file: &'static str,
    kind: RuleKind,
}

impl Context<'_, '_, '_, '_, '_> {
    fn item(&self, id: &str) -> Option<Item> {
        Some(match self.kind {
            RuleKind::Recommendation => Item::Recommendation(id.to_owned()),
            RuleKind::Principle => Item::Principle(id.to_owned()),
        })
    }

    fn problem(&mut self, at: Option<Position>, item: Option<Item>, kind: ProblemKind) {
        self.session.problem(self.file, at, item, kind);
    }

    /// Compiles every rule of one file. Each rule's file form (with its condition's YAML tree)
    /// is dropped as soon as it is compiled, so a large guide does not hold both forms at once;
    /// only what linking needs is kept.
    fn all(&mut self, ids: &mut Names, list: Vec<RuleFile>) -> (Vec<Rule>, Vec<RuleLinks>) {
        let mut compiled = Vec::with_capacity(list.len());
        let mut links = Vec::with_capacity(list.len());
        for raw in list {
            let index = compiled.len();
            if let Err(kind) = check_identifier("an id", &raw.id.value)
                .and_then(|()| ids.insert("rule", &raw.id, index))
            {
                let item = self.item(&raw.id.value);
                self.problem(syntax::position_of(&raw.id), item, kind);
            }
            if let Some(rule) = self.rule(&raw) {
                compiled.push(rule);
            }
            links.push(RuleLinks {
                id: raw.id,
                principles: raw.principles,
            });
        }
        (compiled, links)
    }

    fn rule(&mut self, raw: &RuleFile) -> Option<Rule> {
        let id = raw.id.value.as_str();
        let at = syntax::position_of(&raw.id);
        let item = self.item(id);
        let before = self.session.problem_count();
        let evidence = self.evidence(raw, item.clone(), at);
        let condition = match &raw.when {
            Some(when) => self.condition(item.clone(), when),
            None if self.kind == RuleKind::Recommendation => {
                self.problem(at, item.clone(), ProblemKind::RecommendationNeedsCondition);
                None
            }
            None => None,
        };
        if raw.sources.is_empty() {
            self.problem(at, item.clone(), ProblemKind::NeedsSource);
        }
        let audiences =
            self.resolve_all(&item, "audience", self.refs.audience_names, &raw.audiences);
        let outcomes = self.resolve_all(&item, "outcome", self.refs.outcome_names, &raw.outcomes);
        let actions: Vec<Action> = (1..)
            .zip(&raw.how)
            .filter_map(|(number, action)| self.action(id, number, action))
            .collect();
        let rated = self.kind == RuleKind::Recommendation;
        let sources = sources(self.session, self.file, item.clone(), &raw.sources, rated);
        let fit = raw
            .fit
            .as_ref()
            .and_then(|fit| self.fit(fit, item.clone(), at));
        if rated {
            self.check_ratings(item, at, evidence, &raw.sources);
        }
        if self.session.problem_count() > before {
            return None;
        }
        Some(Rule {
            kind: self.kind,
            id: id.to_owned(),
            title: raw.title.clone(),
            statement: raw.statement.clone(),
            evidence,
            outcomes,
            audiences,
            links: Vec::new(),
            condition,
            actions,
            sources,
            fit,
            shown: Shown {
                why: raw.why.iter().map(|w| Cow::Owned(w.clone())).collect(),
                ..Shown::default()
            },
        })
    }

    /// The rule's evidence level: required of a recommendation, refused on a principle.
    fn evidence(
        &mut self,
        raw: &RuleFile,
        item: Option<Item>,
        at: Option<Position>,
    ) -> Option<usize> {
        let scale = self.refs.evidence;
        match (self.kind, &raw.evidence) {
            (RuleKind::Recommendation, None) => {
                self.problem(at, item, ProblemKind::RecommendationNeedsEvidence);
                None
            }
            (RuleKind::Principle, Some(level)) => {
                let at = syntax::position_of(level);
                self.problem(at, item, ProblemKind::PrincipleHasEvidence);
                None
            }
            (RuleKind::Recommendation, Some(level)) => {
                let found = scale.iter().position(|l| l.id == level.value);
                if found.is_none() {
                    let kind = ProblemKind::UnknownReference {
                        what: "evidence level".to_owned(),
                        name: shorten(&level.value),
                        suggestion: suggest::closest(
                            &level.value,
                            scale.iter().map(|l| l.id.as_str()),
                        ),
                    };
                    self.problem(syntax::position_of(level), item, kind);
                }
                found
            }
            (RuleKind::Principle, None) => None,
        }
    }

    fn condition(&mut self, item: Option<Item>, raw: &Spanned<Raw>) -> Option<Condition> {
        Compiler::new(
            self.vocab,
            self.named,
            self.file,
            item,
            self.session.problems(),
        )
        .compile(raw)
    }

    fn resolve_all(
        &mut self,
        item: &Option<Item>,
        what: &str,
        names: &Names,
        written: &[Spanned<String>],
    ) -> Vec<usize> {
        written
            .iter()
            .filter_map(|name| {
                let found = names.get(&name.value);
                if found.is_none() {
                    let kind = ProblemKind::UnknownReference {
                        what: what.to_owned(),
                        name: shorten(&name.value),
                        suggestion: names.closest(&name.value),
                    };
                    self.problem(syntax::position_of(name), item.clone(), kind);
                }
                found
            })
            .collect()
    }

    /// No evidence without a source: every `rating:` a source gives must be a rated level of the
    /// scale and the recommendation's own level, and a recommendation rated on the scale (not
    /// "rating not known") needs a source that gives that rating.
    fn check_ratings(
        &mut self,
        item: Option<Item>,
        at: Option<Position>,
        evidence: Option<usize>,
        sources: &[SourceFile],
    ) {
        if sources.is_empty() {
            // "needs at least one source" is reported already; one problem says it.
            return;
        }
        let scale = self.refs.evidence;
        let level = evidence.and_then(|i| scale.get(i));
        let mut misspelt = false;
        for rating in sources.iter().filter_map(|s| s.rating.as_ref()) {
            let kind = match scale.iter().find(|l| l.id == rating.value) {
                None => {
                    misspelt = true;
                    ProblemKind::UnknownReference {
                        what: "evidence level".to_owned(),
                        name: shorten(&rating.value),
                        suggestion: suggest::closest(
                            &rating.value,
                            scale.iter().map(|l| l.id.as_str()),
                        ),
                    }
                }
                Some(given) if given.unrated => ProblemKind::RatingOnUnratedLevel {
                    level: given.id.clone(),
                },
                Some(given) => match level {
                    Some(own) if own.id != given.id => ProblemKind::RatingMismatch {
                        given: given.id.clone(),
                        evidence: own.id.clone(),
                    },
                    _ => continue,
                },
            };
            self.problem(syntax::position_of(rating), item.clone(), kind);
        }
        // A misspelt rating is reported once, not also as the rating no source gives.
        if let Some(own) = level.filter(|l| !l.unrated && !misspelt) {
            let given = sources
                .iter()
                .any(|s| s.rating.as_ref().is_some_and(|r| r.value == own.id));
            if !given {
                let kind = ProblemKind::RatingNotGiven {
                    level: own.id.clone(),
                };
                self.problem(at, item, kind);
            }
        }
    }

    fn action(&mut self, rule: &str, number: usize, raw: &ActionFile) -> Option<Action> {
        let item = Some(Item::Action {
            rule: rule.to_owned(),
            id: format!("#{number}"),
        });
        let audiences =
            self.resolve_all(&item, "audience", self.refs.audience_names, &raw.audiences);
        let condition = match &raw.when {
            Some(when) => Some(self.condition(item.clone(), when)?),
            None => None,
        };
        let fit = match &raw.fit {
            Some(fit) => Some(self.fit(fit, item, None)?),
            None => None,
        };
        Some(Action {
            text: raw.text.clone(),
            audience_ids: ids_of(self.refs.audiences, &audiences),
            audiences,
            condition,
            fit,
        })
    }

    /// Compiles a `fit:`, reporting every unknown word; `None` if there was one, or if it lists
    /// nothing (a `fit:` that says nothing is a mistake, not a no-op).
    fn fit(&mut self, raw: &FitFile, item: Option<Item>, at: Option<Position>) -> Option<Fit> {
        let before = self.session.problem_count();
        let fit = Fit {
            delivery: self.words(&raw.delivery, &item),
            format: self.words(&raw.format, &item),
            structure: self.words(&raw.structure, &item),
        };
        if fit.delivery.is_empty() && fit.format.is_empty() && fit.structure.is_empty() {
            self.problem(at, item, ProblemKind::FitSaysNothing);
        }
        (self.session.problem_count() == before).then_some(fit)
    }

    fn words<K: Keyword>(&mut self, raw: &[Spanned<String>], item: &Option<Item>) -> Vec<K> {
        raw.iter()
            .filter_map(|w| match keyword::<K>(w) {
                Ok(k) => Some(k),
                Err(kind) => {
                    self.problem(syntax::position_of(w), item.clone(), kind);
                    None
                }
            })
            .collect()
    }
}

/// Reads one word of a closed set, or explains (with a suggestion) why it is not one.
pub(crate) fn keyword<K: Keyword>(text: &Spanned<String>) -> Result<K, ProblemKind> {
    K::parse(&text.value).ok_or_else(|| ProblemKind::UnknownReference {
        what: K::WHAT.to_owned(),
        name: shorten(&text.value),
        suggestion: suggest::closest(&text.value, K::ALL.iter().map(|k| k.as_str())),
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
fn link(
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
                    let kind = ProblemKind::UnknownReference {
                        what: "principle".to_owned(),
                        name: shorten(&link.value),
                        suggestion: suggest::closest(&link.value, principle_ids.iter().copied()),
                    };
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
fn show(rules: &mut [Rule], others: &[Rule], refs: &References<'_>) {
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
fn ids_of(labels: &[Label], indices: &[usize]) -> Vec<Cow<'static, str>> {
    indices
        .iter()
        .filter_map(|&i| labels.get(i))
        .map(|l| Cow::Owned(l.id.clone()))
        .collect()
}
