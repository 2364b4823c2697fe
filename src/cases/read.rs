//! Reading a case file: its profile bound to the guide, and every expectation checked against
//! the guide's ids (rules, evidence levels, facts, statuses), each problem located.

use serde::Deserialize;

use super::{ActionExpectation, ActionRef, Case, RuleExpectation, kind_word};
use crate::error::{Error, Input, Item, Position, Problem, ProblemKind, shorten};
use crate::ids::ActionName;
use crate::model::guide::Guide;
use crate::model::rule::RuleKind;
use crate::result::Status;
use crate::suggest;
use crate::syntax::{self, Budget, Ordered, Raw, Spanned};

/// A case file as serde reads it (its schema, `schema/case.schema.json`, is generated from it).
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct CaseFile {
    /// What the case is, in a few words (reports name the case by it).
    #[serde(default)]
    description: Option<String>,
    /// The family's profile, as a profile file gives it: fact name -> value.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::syntax::shapes::ProfileSchema")
    )]
    profile: Spanned<Raw>,
    /// What the guide should say of the family.
    expect: ExpectFile,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct ExpectFile {
    /// The scope's status: `applies`, `undetermined` or `does_not_apply`.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::syntax::shapes::StatusSchema>")
    )]
    scope: Option<Spanned<String>>,
    /// The status every rule not listed must have (optional; without it, unlisted rules are not
    /// checked).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::syntax::shapes::StatusSchema>")
    )]
    unlisted: Option<Spanned<String>>,
    /// Recommendation id -> its expected status, or a mapping of `status`, `evidence`,
    /// `missing` and `actions`.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Ordered<String, crate::syntax::shapes::RuleExpectationSchema>")
    )]
    recommendations: Ordered<Spanned<String>, Spanned<Raw>>,
    /// Principle id -> its expected status, or a mapping as for recommendations.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Ordered<String, crate::syntax::shapes::RuleExpectationSchema>")
    )]
    principles: Ordered<Spanned<String>, Spanned<Raw>>,
}

impl Case {
    /// Reads a case from YAML text and checks it against `guide`: every rule id, evidence level
    /// and fact it names must exist, and its profile must fit the vocabulary. `origin` names the
    /// text in messages (e.g. its file name). Every problem is reported, with line and column.
    ///
    /// ```
    /// use practice_guide::cases::Case;
    /// let guide = practice_guide::parenting_through_adversity();
    /// let err = Case::read(guide, "case.yaml", "profile: {}\nexpect:\n  recommendations:\n    reduce-risk-of-harn: applies\n")
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "case.yaml:4:5: unknown recommendation `reduce-risk-of-harn` (did you mean `reduce-risk-of-harm`?)"
    /// );
    /// ```
    pub fn read(guide: &Guide, origin: &str, text: &str) -> Result<Case, Error> {
        Case::read_unlocated(guide, origin, text).map_err(|err| {
            let mut problems = err.into_problems();
            syntax::fill_ends(&mut problems, origin, text);
            Error::new(problems)
        })
    }

    fn read_unlocated(guide: &Guide, origin: &str, text: &str) -> Result<Case, Error> {
        let file: CaseFile =
            syntax::parse(Input::CaseFile, origin, text, Budget::RuleFile).map_err(Error::one)?;
        let mut problems = Vec::new();
        let profile = match guide.prepare_raw(Input::CaseFile, origin, file.profile) {
            Ok(prepared) => prepared.to_profile(),
            Err(e) => {
                problems.extend(e.into_problems());
                crate::profile::FamilyProfile::new()
            }
        };
        let mut reader = Reader {
            guide,
            origin,
            problems,
            kind: RuleKind::Recommendation,
        };
        let scope = file
            .expect
            .scope
            .as_ref()
            .and_then(|s| Some((reader.status(s)?, syntax::position_of(s))));
        let unlisted = file.expect.unlisted.as_ref().and_then(|s| reader.status(s));
        let mut rules = Vec::new();
        for (kind, entries) in [
            (RuleKind::Recommendation, &file.expect.recommendations),
            (RuleKind::Principle, &file.expect.principles),
        ] {
            for (id, body) in &entries.0 {
                if let Some(rule) = reader.rule(kind, id, body) {
                    rules.push(rule);
                }
            }
        }
        if !reader.problems.is_empty() {
            return Err(Error::new(reader.problems));
        }
        Ok(Case {
            file: origin.to_owned(),
            description: file.description,
            profile,
            scope,
            unlisted,
            rules,
        })
    }
}

struct Reader<'a> {
    guide: &'a Guide,
    origin: &'a str,
    problems: Vec<Problem>,
    /// The kind of rule whose expectation is being read.
    kind: RuleKind,
}

const STATUSES: [&str; 3] = ["applies", "undetermined", "does_not_apply"];

impl Reader<'_> {
    fn problem(&mut self, at: Option<Position>, rule: Option<&str>, kind: ProblemKind) {
        let item = rule.map(|id| match self.kind {
            RuleKind::Recommendation => Item::Recommendation(id.to_owned()),
            RuleKind::Principle => Item::Principle(id.to_owned()),
        });
        let problem = Problem::new(Input::CaseFile, Some(self.origin), kind).at(at);
        self.problems.push(problem.about(item));
    }

    fn status(&mut self, text: &Spanned<String>) -> Option<Status> {
        self.status_of(&text.value, syntax::position_of(text))
    }

    fn status_of(&mut self, text: &str, at: Option<Position>) -> Option<Status> {
        let status = Status::parse(text);
        if status.is_none() {
            let kind = ProblemKind::unknown("status", text, STATUSES);
            self.problem(at, None, kind);
        }
        status
    }

    fn rule(
        &mut self,
        kind: RuleKind,
        id: &Spanned<String>,
        body: &Spanned<Raw>,
    ) -> Option<RuleExpectation> {
        self.kind = kind;
        let at = syntax::position_of(id);
        let rules: Vec<&str> = match kind {
            RuleKind::Recommendation => self.guide.recommendations().map(|r| r.id()).collect(),
            RuleKind::Principle => self.guide.principles().map(|r| r.id()).collect(),
        };
        if !rules.contains(&id.value.as_str()) {
            self.problem(
                at,
                None,
                ProblemKind::unknown(kind_word(kind), &id.value, rules.iter().copied()),
            );
            return None;
        }
        let mut expectation = RuleExpectation {
            kind,
            id: id.value.clone(),
            at,
            status: Status::Undetermined,
            evidence: None,
            actions: None,
            missing: None,
        };
        let rule = Some(id.value.as_str());
        match &body.value {
            Raw::Text(status) => {
                expectation.status = self.status_of(status, syntax::position_of(body))?;
            }
            Raw::Map(entries) => {
                expectation.status = self.expectation(entries, body, &mut expectation)?;
            }
            other => {
                self.wrong(
                    syntax::position_of(body),
                    rule,
                    "an expectation",
                    "a status or a mapping with `status:`",
                    other,
                );
                return None;
            }
        }
        Some(expectation)
    }

    /// Reads an expectation written as a mapping into `expectation`; returns its status.
    fn expectation(
        &mut self,
        entries: &[(Spanned<String>, Spanned<Raw>)],
        body: &Spanned<Raw>,
        expectation: &mut RuleExpectation,
    ) -> Option<Status> {
        const KEYS: [&str; 4] = ["status", "evidence", "missing", "actions"];
        let id = expectation.id.clone();
        let rule = Some(id.as_str());
        let mut status = None;
        for (key, value) in entries {
            let value_at = syntax::position_of(value);
            match key.value.as_str() {
                "status" => match &value.value {
                    Raw::Text(t) => status = self.status_of(t, value_at),
                    other => self.wrong(value_at, rule, "`status`", "a status", other),
                },
                "evidence" => self.evidence(expectation.kind, rule, value, expectation),
                "missing" => expectation.missing = self.facts(rule, value),
                "actions" => expectation.actions = self.actions(rule, value),
                other => {
                    let kind = ProblemKind::UnknownKey {
                        key: shorten(other),
                        suggestion: suggest::closest(other, KEYS),
                        belongs_to: None,
                        allowed: KEYS.map(str::to_owned).to_vec(),
                    };
                    self.problem(syntax::position_of(key), rule, kind);
                }
            }
        }
        if status.is_none() && !entries.iter().any(|(k, _)| k.value == "status") {
            let at = syntax::position_of(body);
            self.problem(at, rule, ProblemKind::ExpectationNeedsStatus);
        }
        status
    }

    fn wrong(
        &mut self,
        at: Option<Position>,
        rule: Option<&str>,
        what: &str,
        expected: &str,
        found: &Raw,
    ) {
        self.problem(
            at,
            rule,
            ProblemKind::WrongType {
                what: what.to_owned(),
                expected: expected.to_owned(),
                found: found.describe(),
            },
        );
    }

    fn evidence(
        &mut self,
        kind: RuleKind,
        rule: Option<&str>,
        value: &Spanned<Raw>,
        expectation: &mut RuleExpectation,
    ) {
        let at = syntax::position_of(value);
        let Raw::Text(level) = &value.value else {
            self.wrong(
                at,
                rule,
                "`evidence`",
                "an evidence level's id",
                &value.value,
            );
            return;
        };
        if kind == RuleKind::Principle {
            self.problem(at, rule, ProblemKind::PrincipleHasEvidence);
            return;
        }
        let scale = self.guide.evidence_scale();
        if scale.iter().any(|l| &l.id == level) {
            expectation.evidence = Some(level.clone());
        } else {
            self.problem(
                at,
                rule,
                ProblemKind::unknown("evidence level", level, scale.iter().map(|l| l.id.as_str())),
            );
        }
    }

    fn facts(&mut self, rule: Option<&str>, value: &Spanned<Raw>) -> Option<Vec<String>> {
        let Raw::List(items) = &value.value else {
            self.wrong(
                syntax::position_of(value),
                rule,
                "`missing`",
                "a list of fact names",
                &value.value,
            );
            return None;
        };
        let mut facts = Vec::new();
        for item in items {
            let at = syntax::position_of(item);
            match &item.value {
                Raw::Text(name) => match self.guide.vocab().resolve(name) {
                    Ok(_) => facts.push(name.clone()),
                    Err(kind) => self.problem(at, rule, kind),
                },
                other => self.wrong(at, rule, "an item of `missing`", "a fact name", other),
            }
        }
        Some(facts)
    }

    fn actions(
        &mut self,
        rule: Option<&str>,
        value: &Spanned<Raw>,
    ) -> Option<Vec<ActionExpectation>> {
        let Raw::List(items) = &value.value else {
            let expected = "a list of actions (ids or pieces of their text)";
            self.wrong(
                syntax::position_of(value),
                rule,
                "`actions`",
                expected,
                &value.value,
            );
            return None;
        };
        let mut actions = Vec::new();
        for item in items {
            let at = syntax::position_of(item);
            match &item.value {
                Raw::Text(text) if !text.is_empty() => actions.push(ActionExpectation {
                    by: ActionRef::Text(text.clone()),
                    status: None,
                }),
                Raw::Map(entries) => {
                    if let Some(action) = self.action_entry(rule, entries, at) {
                        actions.push(action);
                    }
                }
                other => self.wrong(
                    at,
                    rule,
                    "an expected action",
                    "a piece of the action's text, `{ id: ID }`, or `{ text: PIECE, status: STATUS }`",
                    other,
                ),
            }
        }
        Some(actions)
    }

    /// `{ id: ID, status: STATUS }` or `{ text: PIECE, status: STATUS }`; an id must be one of the
    /// rule's actions.
    fn action_entry(
        &mut self,
        rule: Option<&str>,
        entries: &[(Spanned<String>, Spanned<Raw>)],
        at: Option<Position>,
    ) -> Option<ActionExpectation> {
        let mut by = None;
        let mut status = None;
        for (key, value) in entries {
            let value_at = syntax::position_of(value);
            match (key.value.as_str(), &value.value) {
                ("text", Raw::Text(t)) if !t.is_empty() => by = Some(ActionRef::Text(t.clone())),
                ("id", Raw::Text(id)) => {
                    self.check_action_id(rule, id, value_at);
                    by = Some(ActionRef::Id(id.clone()));
                }
                ("status", Raw::Text(s)) => status = self.status_of(s, value_at),
                _ => {
                    let kind = ProblemKind::BadExpectedAction {
                        key: shorten(&key.value),
                    };
                    self.problem(syntax::position_of(key), rule, kind);
                }
            }
        }
        if by.is_none() {
            self.problem(at, rule, ProblemKind::ExpectedActionNeedsText);
        }
        Some(ActionExpectation { by: by?, status })
    }

    /// Reports an action id the rule does not have, with the closest.
    fn check_action_id(&mut self, rule: Option<&str>, id: &str, at: Option<Position>) {
        let Some(rule_id) = rule else { return };
        let rules = match self.kind {
            RuleKind::Recommendation => self.guide.recommendations().collect::<Vec<_>>(),
            RuleKind::Principle => self.guide.principles().collect(),
        };
        let Some(found) = rules.into_iter().find(|r| r.id() == rule_id) else {
            return;
        };
        let ids: Vec<String> = found.actions().iter().map(|a| a.id().to_owned()).collect();
        if !ids.iter().any(|a| a == id) {
            let kind = ProblemKind::NoSuchAction {
                target: ActionName {
                    rule: rule_id,
                    action: &shorten(id),
                }
                .to_string(),
                recommendation: rule_id.to_owned(),
                action: shorten(id),
                suggestion: suggest::closest(id, ids.iter().map(String::as_str)),
                actions: ids,
            };
            self.problem(at, rule, kind);
        }
    }
}
