//! Compiling a guide's recommendations and principles: ids, evidence and its sources, conditions,
//! "how" points, `fit:`, and the links between recommendations and principles.

use std::borrow::Cow;

use super::condition::{Compiler, NamedTable};
use super::facts::check_identifier;
use super::references::{References, RuleLinks, ids_of, keyword, link, show, sources};
use super::session::{Names, Session};
use crate::error::{Item, Position, ProblemKind};
use crate::language::Keyword;
use crate::limits;
use crate::model::condition::Condition;
use crate::model::rule::{Action, Fit, Rule, RuleKind, Shown};
use crate::model::vocabulary::Vocab;
use crate::syntax::{
    self, ActionFile, FitFile, PRINCIPLES_FILE, RECOMMENDATIONS_FILE, Raw, RuleFile, SourceFile,
    Spanned,
};

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
    // A file some of whose rules did not read may have had recommendations.
    let read = recommendations.is_some() && !session.unreadable(RECOMMENDATIONS_FILE);
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
        let mut action_ids = Names::default();
        let actions: Vec<Action> = (0..)
            .zip(&raw.how)
            .filter_map(|(index, action)| self.action(id, &mut action_ids, index, action))
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
            at,
            title: raw.title.clone(),
            statement: raw.statement.clone(),
            evidence,
            outcomes,
            audiences,
            links: Vec::new(),
            condition,
            root: None,
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
                    let kind = ProblemKind::unknown(
                        "evidence level",
                        &level.value,
                        scale.iter().map(|l| l.id.as_str()),
                    );
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
                    let kind = ProblemKind::unknown(what, &name.value, names.in_order());
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
                    ProblemKind::unknown(
                        "evidence level",
                        &rating.value,
                        scale.iter().map(|l| l.id.as_str()),
                    )
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

    /// Compiles one "how" point; `ids` are its rule's action ids so far.
    fn action(
        &mut self,
        rule: &str,
        ids: &mut Names,
        index: usize,
        raw: &ActionFile,
    ) -> Option<Action> {
        let item = Some(Item::Action {
            rule: rule.to_owned(),
            id: raw.id.value.clone(),
        });
        if let Err(kind) = check_identifier("an action id", &raw.id.value)
            .and_then(|()| ids.insert("action", &raw.id, index))
        {
            self.problem(syntax::position_of(&raw.id), item.clone(), kind);
        }
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
            id: raw.id.value.clone(),
            at: syntax::position_of(&raw.id),
            text: raw.text.clone(),
            audience_ids: ids_of(self.refs.audiences, &audiences),
            audiences,
            condition,
            root: None,
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
