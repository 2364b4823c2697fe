//! The checks, each a question about sets of profiles: is it empty, is one inside another, are
//! two equal. Each finding names its item, file and line.

use std::collections::BTreeSet;

use biodivine_lib_bdd::Bdd;

use super::space::{Space, Truths};
use super::{Analysis, Check, Finding, Severity, Witnesses};
use crate::error::{Item, Position};
use crate::ids::{ActionName, FactId, NamedId};
use crate::model::condition::{Condition, Test};
use crate::model::guide::Guide;
use crate::model::rule::{Rule, RuleKind};
use crate::model::vocabulary::FactType;
use crate::profile::FamilyProfile;
use crate::syntax::{GUIDE_FILE, PRINCIPLES_FILE, RECOMMENDATIONS_FILE};

/// Runs every check on `guide`.
pub(super) fn analyze(guide: &Guide) -> Analysis {
    let Some(space) = Space::new(guide) else {
        let finding = Finding {
            severity: Severity::Error,
            check: Check::TooLarge,
            item: None,
            file: None,
            position: None,
            message: format!(
                "the guide is too large to analyse exactly (more than {} variables)",
                super::space::MAX_VARIABLES
            ),
            help: None,
            witness: None,
            approximate: false,
        };
        return Analysis {
            findings: vec![finding],
            witnesses: Vec::new(),
            approximate: false,
        };
    };
    let mut run = Run {
        guide,
        approximate: space.approximate(),
        in_scope: space.mk_false(),
        scope: space.always(),
        space,
        findings: Vec::new(),
        witnesses: Vec::new(),
    };
    run.scope();
    run.rules();
    run.tests();
    run.unused();
    run.services();
    let mut findings = run.findings;
    findings
        .sort_by(|a, b| (a.severity, a.file, a.position).cmp(&(b.severity, b.file, b.position)));
    Analysis {
        findings,
        witnesses: run.witnesses,
        approximate: run.approximate,
    }
}

struct Run<'g> {
    guide: &'g Guide,
    space: Space,
    approximate: bool,
    /// Where the guide's scope is true and false (not restricted to the domain).
    scope: Truths,
    /// The profiles within the guide's scope.
    in_scope: Bdd,
    findings: Vec<Finding>,
    witnesses: Vec<Witnesses>,
}

/// Where a rule is written.
fn rule_file(rule: &Rule) -> &'static str {
    match rule.kind {
        RuleKind::Recommendation => RECOMMENDATIONS_FILE,
        RuleKind::Principle => PRINCIPLES_FILE,
    }
}

/// The item a rule is: a recommendation or a principle.
pub(crate) fn rule_item(rule: &Rule) -> Item {
    match rule.kind {
        RuleKind::Recommendation => Item::Recommendation(rule.id.clone()),
        RuleKind::Principle => Item::Principle(rule.id.clone()),
    }
}

/// What a finding is about and where: the item, its file and position.
type At = (Option<Item>, Option<&'static str>, Option<Position>);

impl<'g> Run<'g> {
    /// Records a finding of `check` about the sets of profiles `about` (approximate when they
    /// depend on a regular expression); the caller fills in its message and help.
    fn find(&mut self, check: Check, at: At, about: &[&Bdd]) -> &mut Finding {
        let (item, file, position) = at;
        self.findings.push(Finding {
            severity: check.severity(),
            check,
            item,
            file,
            position,
            message: String::new(),
            help: None,
            witness: None,
            approximate: self.space.depends_on_regex(about),
        });
        let last = self.findings.len() - 1;
        // Just pushed: never out of bounds.
        #[allow(clippy::indexing_slicing)]
        &mut self.findings[last]
    }

    fn truths(&self, condition: Option<&Condition>) -> Truths {
        condition.map_or_else(|| self.space.always(), |c| self.space.truths(c))
    }

    fn empty(&self, set: &Bdd) -> bool {
        set.and(self.space.domain()).is_false()
    }

    /// A smallest profile in `set`, and whether it is only approximate.
    fn smallest(&self, set: &Bdd) -> Option<(FamilyProfile, bool)> {
        self.space.smallest(set)
    }

    /// The witnesses of one rule or action: a smallest profile it applies to, and one it does
    /// not apply to.
    fn witness(&mut self, item: Item, id: String, applies: &Bdd, not: &Bdd) {
        let (applies, a) = self
            .smallest(applies)
            .map_or((None, false), |(p, a)| (Some(p), a));
        let (does_not_apply, b) = self
            .smallest(not)
            .map_or((None, false), |(p, a)| (Some(p), a));
        self.witnesses.push(Witnesses {
            item,
            id,
            applies,
            does_not_apply,
            approximate: a || b,
        });
    }

    /// Records that an item can never apply, with a profile its own condition holds for (if
    /// any): it holds only where the scope (or the rule) does not.
    fn never(&mut self, check: Check, at: At, raw: &Bdd, own: &Bdd, outside: &str) {
        let witness = self.smallest(own);
        let finding = self.find(check, at, &[raw]);
        let what = if check == Check::RuleNeverApplies {
            "no family in scope can get it"
        } else {
            "it can never apply"
        };
        finding.message = match witness {
            Some(_) => {
                format!("{what}: its condition holds only where {outside} (as for the example)")
            }
            None => format!("{what}: its condition can never hold"),
        };
        if let Some((profile, approximate)) = witness {
            finding.witness = Some(profile);
            finding.approximate |= approximate;
        }
    }

    fn scope(&mut self) {
        self.scope = self.truths(self.guide.core.scope.as_ref().map(|s| &s.condition));
        self.in_scope = self.scope.t.and(self.space.domain());
        if self.in_scope.is_false() {
            let at = (Some(Item::Scope), Some(GUIDE_FILE), None);
            let about = self.scope.t.clone();
            let finding = self.find(Check::ScopeEmpty, at, &[&about]);
            finding.message = "no family can be within the guide's scope".to_owned();
            finding.help = Some("check the scope's `when:` in guide.yaml".to_owned());
        }
    }

    fn rules(&mut self) {
        let guide: &'g Guide = self.guide;
        let core = &guide.core;
        let mut conditions: Vec<(Item, &'static str, Option<Position>, Truths)> = Vec::new();
        for rule in core.recommendations.iter().chain(&core.principles) {
            let own = self.truths(rule.condition.as_ref());
            let at = (Some(rule_item(rule)), Some(rule_file(rule)), rule.at);
            // The rule's truth without the domain: what a verdict depends on.
            let raw = self.scope.t.and(&own.t);
            let applies = self.in_scope.and(&own.t);
            let outside = self.space.domain().and(&self.scope.f.or(&own.f));
            let mut everywhere = false;
            if self.empty(&applies) {
                let outside_scope = "the guide's scope does not apply";
                self.never(Check::RuleNeverApplies, at, &raw, &own.t, outside_scope);
            } else if rule.condition.is_some() && self.empty(&self.in_scope.and_not(&own.t)) {
                let scope_t = self.scope.t.clone();
                let finding = self.find(Check::AppliesToEveryFamily, at, &[&scope_t, &own.t]);
                finding.message = "it applies to every family in scope: its condition adds \
                                   nothing to the scope's"
                    .to_owned();
                // Said once: not again as equivalent to every other such rule.
                everywhere = true;
            }
            self.witness(rule_item(rule), rule.id.clone(), &applies, &outside);
            self.actions(rule, (&raw, &applies, &outside));
            if rule.condition.is_some() && !everywhere {
                conditions.push((rule_item(rule), rule_file(rule), rule.at, own));
            }
        }
        self.equivalent(&conditions);
    }

    /// The rule's "how" points, given where the rule is true without the domain, where it
    /// applies, and where it does not.
    fn actions(&mut self, rule: &Rule, (raw, rule_applies, rule_outside): (&Bdd, &Bdd, &Bdd)) {
        let mut conditions = Vec::new();
        for action in &rule.actions {
            let item = Item::Action {
                rule: rule.id.clone(),
                id: action.id.clone(),
            };
            let at = (Some(item.clone()), Some(rule_file(rule)), action.at);
            let own = self.truths(action.condition.as_ref());
            let mut everywhere = false;
            let applies = rule_applies.and(&own.t);
            let not = rule_outside.or(&self.space.domain().and(&own.f));
            if self.empty(&applies) {
                let about = raw.and(&own.t);
                self.never(
                    Check::ActionNeverApplies,
                    at,
                    &about,
                    &own.t,
                    "its rule does not apply",
                );
            } else if action.condition.is_some() && self.empty(&rule_applies.and_not(&own.t)) {
                let finding = self.find(Check::ActionWhenSaysNothing, at, &[raw, &own.t]);
                finding.message =
                    "its `when:` holds wherever its rule applies, so it decides nothing".to_owned();
                finding.help = Some("remove the `when:`, or correct it".to_owned());
                everywhere = true;
            }
            let (rule_id, action_id) = (&rule.id, &action.id);
            let id = ActionName {
                rule: rule_id,
                action: action_id,
            }
            .to_string();
            self.witness(item, id, &applies, &not);
            if action.condition.is_some() && !everywhere {
                let item = Item::Action {
                    rule: rule.id.clone(),
                    id: action.id.clone(),
                };
                conditions.push((item, rule_file(rule), action.at, own));
            }
        }
        self.equivalent(&conditions);
    }

    /// Pairs of equivalent conditions (true on the same profiles, false on the same profiles),
    /// among those that do not already hold everywhere they can (reported once, as such).
    fn equivalent(&mut self, conditions: &[(Item, &'static str, Option<Position>, Truths)]) {
        let domain = self.space.domain().clone();
        let same = |a: &Bdd, b: &Bdd| a.xor(b).and(&domain).is_false();
        for (i, (item, file, at, truths)) in conditions.iter().enumerate() {
            let earlier = conditions
                .iter()
                .take(i)
                .find(|(.., other)| same(&truths.t, &other.t) && same(&truths.f, &other.f));
            if let Some((first, ..)) = earlier {
                let message = format!("its condition is equivalent to that of {first}");
                let about = [&truths.t, &truths.f];
                let finding = self.find(
                    Check::EquivalentConditions,
                    (Some(item.clone()), Some(file), *at),
                    &about,
                );
                finding.message = message;
            }
        }
    }

    /// Tests that can never be true or never be false, `known:` tests, unanchored expressions.
    fn tests(&mut self) {
        let sites: Vec<_> = self.guide.sites().cloned().collect();
        for site in &sites {
            let at = (site.item.clone(), Some(site.file), site.at);
            let test = self.guide.test_of(site);
            if let Test::Known(_) = test {
                let finding = self.find(Check::KnownTest, at.clone(), &[]);
                finding.message = format!(
                    "`{}` asks whether the profile records the fact, not what the family's \
                     circumstances are: giving more facts can turn it from true to false",
                    site.text
                );
                continue;
            }
            let known = self.space.known(site.fact).and(self.space.domain());
            let holds = self.space.holds(site.fact, test);
            if known.and(&holds).is_false() {
                let finding = self.find(Check::TestNeverTrue, at.clone(), &[&holds]);
                finding.message = format!(
                    "`{}` can never be true, whatever value the fact has",
                    site.text
                );
            } else if known.and_not(&holds).is_false() {
                let finding = self.find(Check::TestNeverFalse, at.clone(), &[&holds]);
                finding.message = format!(
                    "`{}` is true for every value of the fact, so it decides nothing: it is \
                     unknown only when the fact is",
                    site.text
                );
                // Not `known: true`: that is false, not unknown, for a fact not recorded, and
                // would turn "not yet known" into "does not apply".
                finding.help = Some(
                    "drop the test, or widen it to the boundary the guide's text gives (if a \
                     family can have a value outside the fact's declared range or values, widen \
                     those in facts.yaml); `known: true` is not the same: it reads a fact not \
                     recorded as false"
                        .to_owned(),
                );
            }
            if let Some(re) = regex_of(test)
                && !(re.starts_with('^') && re.ends_with('$'))
            {
                let finding = self.find(Check::UnanchoredRegex, at, &[]);
                finding.message =
                    format!("`{re}` matches anywhere in the text, not the whole text");
                finding.help = Some(format!(
                    "to match the whole text, write `^(?:{re})$`; to match anywhere, this is right"
                ));
            }
        }
    }

    /// Named conditions and facts nothing uses; declared values no test names.
    fn unused(&mut self) {
        let guide: &'g Guide = self.guide;
        let mut used = BTreeSet::new();
        for condition in every_condition(guide) {
            named_in(condition, &mut used);
        }
        let named = guide
            .core
            .named
            .iter()
            .chain(guide.overlay().into_iter().flat_map(|o| &o.named));
        for (index, condition) in named.enumerate() {
            if used.contains(&NamedId::new(index)) {
                continue;
            }
            let item = Item::NamedCondition(condition.id.clone());
            let at = (
                Some(item),
                Some(crate::syntax::CONDITIONS_FILE),
                condition.at,
            );
            let finding = self.find(Check::UnusedNamedCondition, at, &[]);
            finding.message = "no rule, scope, \"how\" point or service uses it".to_owned();
            finding.help = Some("use it with `condition: NAME`, or remove it".to_owned());
        }
        let facts: Vec<_> = guide.vocab().facts().cloned().enumerate().collect();
        let facts: Vec<_> = facts
            .into_iter()
            .map(|(i, f)| (FactId::new(i), f))
            .collect();
        for (id, fact) in &facts {
            let file = Some(crate::syntax::FACTS_FILE);
            let item = Some(Item::Fact(fact.name.clone()));
            let tests: Vec<Test> = guide.tests_of(*id).cloned().collect();
            if tests.is_empty() {
                let finding = self.find(Check::UnusedFact, (item, file, fact.at), &[]);
                finding.message = "no test reads it".to_owned();
                finding.help = Some("test it in a rule, or remove it".to_owned());
                continue;
            }
            let names = match &fact.fact_type {
                FactType::OneOf(values) | FactType::SetOf(values) => values.names(),
                _ => continue,
            };
            let read = tests.iter().fold(0u128, |acc, t| acc | mask_of(t));
            let unread: Vec<&str> = names
                .enumerate()
                .filter(|(bit, _)| read & (1u128 << bit) == 0)
                .map(|(_, name)| name)
                .collect();
            if !unread.is_empty() {
                let finding = self.find(Check::UnreadValue, (item, file, fact.at), &[]);
                finding.message = format!(
                    "no test names {}: {}",
                    if unread.len() == 1 {
                        "this value"
                    } else {
                        "these values"
                    },
                    unread.join(", ")
                );
            }
        }
    }

    /// An overlay's services that no family can be eligible for, or that never apply under a
    /// rule or "how" point they deliver.
    fn services(&mut self) {
        let guide: &'g Guide = self.guide;
        let Some(overlay) = guide.overlay() else {
            return;
        };
        let core = &guide.core;
        for service in &overlay.services {
            let item = Some(Item::Service(service.id.clone()));
            let at = (item, Some(crate::syntax::SERVICES_FILE), service.at);
            let eligible = self
                .space
                .truths(&service.ages_condition)
                .t
                .and(&self.truths(service.condition.as_ref()).t);
            if self.empty(&eligible) {
                let finding = self.find(Check::ServiceNeverEligible, at, &[&eligible]);
                finding.message =
                    "no family can be eligible: its ages and `when:` contradict each other"
                        .to_owned();
                continue;
            }
            for (index, delivered) in overlay.delivering.iter().enumerate() {
                let Some(rule) = core.recommendations.get(index) else {
                    continue;
                };
                for d in delivered
                    .iter()
                    .filter(|d| overlay.services.get(d.service).map(|s| &s.id) == Some(&service.id))
                {
                    let action = d.action.and_then(|i| rule.actions.get(i));
                    let own = self.truths(rule.condition.as_ref()).t;
                    let point = self.truths(action.and_then(|a| a.condition.as_ref())).t;
                    let shown = self.scope.t.and(&own).and(&point).and(&eligible);
                    if self.empty(&shown) {
                        let what = match action {
                            Some(a) => {
                                let name = ActionName {
                                    rule: &rule.id,
                                    action: &a.id,
                                };
                                format!("`{name}`")
                            }
                            None => format!("`{}`", rule.id),
                        };
                        let finding =
                            self.find(Check::ServiceNeverUnderRule, at.clone(), &[&shown]);
                        finding.message = format!(
                            "it delivers {what}, but no family it is for can get {what}: its \
                             eligibility contradicts the rule's condition or the scope"
                        );
                    }
                }
            }
        }
    }
}

/// Every compiled condition of the guide and its overlay: the scope, rules, "how" points and
/// services (named conditions are inside them).
fn every_condition(guide: &Guide) -> Vec<&Condition> {
    let core = &guide.core;
    let mut all: Vec<&Condition> = core.scope.iter().map(|s| &s.condition).collect();
    for rule in core.recommendations.iter().chain(&core.principles) {
        all.extend(rule.condition.as_ref());
        all.extend(rule.actions.iter().filter_map(|a| a.condition.as_ref()));
    }
    if let Some(overlay) = guide.overlay() {
        for service in &overlay.services {
            all.push(&service.ages_condition);
            all.extend(service.condition.as_ref());
        }
    }
    all
}

/// The named conditions `condition` uses.
fn named_in(condition: &Condition, used: &mut BTreeSet<NamedId>) {
    match condition {
        Condition::All(items) | Condition::Any(items) => {
            items.iter().for_each(|c| named_in(c, used));
        }
        Condition::Not(inner) => named_in(inner, used),
        Condition::Named(index, inner) => {
            used.insert(*index);
            named_in(inner, used);
        }
        Condition::Test(_) => {}
    }
}

/// The declared values a test names, as bits.
fn mask_of(test: &Test) -> u128 {
    match test {
        Test::ChoiceIn(mask) | Test::SetContainsAny(mask) | Test::SetContainsAll(mask) => *mask,
        Test::Negated(inner) => mask_of(inner),
        _ => 0,
    }
}

/// The expression a `matches:` test uses, as written.
fn regex_of(test: &Test) -> Option<&str> {
    match test {
        Test::TextMatches(re) => Some(re.as_str()),
        Test::Negated(inner) => regex_of(inner),
        _ => None,
    }
}
