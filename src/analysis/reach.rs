//! What a case suite *can* reach, exactly: for every rule and "how" point, the statuses some
//! profile gives it; for every test written in the rule files, the results some profile gives
//! it; and, for the boundaries of integer and count thresholds, whether a profile can give the
//! fact a value while the test is *reached* (not masked by the rest of its condition). A
//! suite's coverage counts only what can be reached, and lists the rest with the reason.

use biodivine_lib_bdd::Bdd;

use super::space::{Space, Truths};
use crate::ids::SiteId;
use crate::model::condition::{Condition, Test};
use crate::model::guide::Guide;
use crate::model::value::Slot;

/// Which outcomes some profile reaches.
pub(crate) struct Reach {
    space: Space,
    /// For every rule (recommendations, then principles) followed by its actions: whether some
    /// profile makes it apply, leaves it undetermined, makes it not apply.
    pub(crate) items: Vec<[bool; 3]>,
    /// For every site (the guide's, then the overlay's): whether some profile makes the test
    /// true, false, unknown.
    pub(crate) tests: Vec<[bool; 3]>,
    /// For every site, the profiles under which some use of the test is reached: no sibling of
    /// it or of an enclosing `all`/`any` decides the condition alone (a false one in an `all`,
    /// a true one in an `any`), and, for a rule's condition, the scope is not false (for an
    /// action's, nor its rule's condition).
    reached: Vec<Bdd>,
}

impl Reach {
    /// The outcomes of `guide`'s rules, actions and tests some profile reaches; `None` when the
    /// guide is too large to analyse.
    pub(crate) fn of(guide: &Guide) -> Option<Reach> {
        let space = Space::new(guide)?;
        let domain = space.domain().clone();
        let some = |set: &Bdd| !set.and(&domain).is_false();
        let core = &guide.core;
        let sites = guide.sites().count();
        let mut reached = vec![space.mk_false(); sites];
        let scope = core.scope.as_ref().map(|s| &s.condition);
        let scope_t = truths(&space, scope);
        if let Some(scope) = scope {
            mark(&space, scope, &space.mk_true(), &mut reached);
        }
        let mut items = Vec::new();
        for rule in core.recommendations.iter().chain(&core.principles) {
            let own = truths(&space, rule.condition.as_ref());
            let applies = scope_t.t.and(&own.t);
            let not = scope_t.f.or(&own.f);
            items.push(statuses(&some, &domain, &applies, &not));
            let rule_context = scope_t.f.not();
            if let Some(c) = &rule.condition {
                mark(&space, c, &rule_context, &mut reached);
            }
            for action in &rule.actions {
                let point = truths(&space, action.condition.as_ref());
                let a = applies.and(&point.t);
                let n = not.or(&point.f);
                items.push(statuses(&some, &domain, &a, &n));
                if let Some(c) = &action.condition {
                    mark(&space, c, &rule_context.and_not(&own.f), &mut reached);
                }
            }
        }
        for service in guide.overlay().into_iter().flat_map(|o| &o.services) {
            mark(
                &space,
                &service.ages_condition,
                &space.mk_true(),
                &mut reached,
            );
            if let Some(c) = &service.condition {
                mark(&space, c, &space.mk_true(), &mut reached);
            }
        }
        let tests = guide
            .sites()
            .map(|site| {
                let test = guide.test_of(site);
                let t = space.test(site.fact, test);
                let unknown = domain.and_not(&t.t).and_not(&t.f);
                [some(&t.t), some(&t.f), some(&unknown)]
            })
            .collect();
        Some(Reach {
            space,
            items,
            tests,
            reached,
        })
    }

    /// Whether some profile gives the fact of `site` the value `value` (an integer, or, for a
    /// `count:` test of a `set_of` fact, that many members) while the test is reached.
    pub(crate) fn side(&self, guide: &Guide, site: SiteId, value: i64) -> bool {
        let Some(reached) = self.reached.get(site.index()) else {
            return false;
        };
        let Some(written) = guide.sites().nth(site.index()) else {
            return false;
        };
        let values = match guide.test_of(written) {
            Test::SetCountBetween(..) => match u32::try_from(value) {
                Ok(n) => self.space.count_is(written.fact, n),
                Err(_) => self.space.mk_false(),
            },
            _ => self.space.equals(written.fact, &Slot::Int(value)),
        };
        !values.and(reached).and(self.space.domain()).is_false()
    }
}

/// `[applies, undetermined, does not apply]`: which statuses some profile gives an item true
/// on `applies` and false on `not`.
fn statuses(some: &impl Fn(&Bdd) -> bool, domain: &Bdd, applies: &Bdd, not: &Bdd) -> [bool; 3] {
    let open = domain.and_not(applies).and_not(not);
    [some(applies), some(&open), some(not)]
}

fn truths(space: &Space, condition: Option<&Condition>) -> Truths {
    condition.map_or_else(|| space.always(), |c| space.truths(c))
}

/// Adds to each site's set the profiles under which a use of it in `condition` is reached,
/// given that the condition itself is reached on `context`.
fn mark(space: &Space, condition: &Condition, context: &Bdd, reached: &mut [Bdd]) {
    match condition {
        Condition::All(items) | Condition::Any(items) => {
            let all = matches!(condition, Condition::All(_));
            let truths: Vec<Truths> = items.iter().map(|c| space.truths(c)).collect();
            for (i, item) in items.iter().enumerate() {
                let context = truths
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .fold(context.clone(), |acc, (_, t)| {
                        acc.and_not(if all { &t.f } else { &t.t })
                    });
                mark(space, item, &context, reached);
            }
        }
        Condition::Not(inner) | Condition::Named(_, inner) => mark(space, inner, context, reached),
        Condition::Test(leaf) => {
            if let Some(set) = reached.get_mut(leaf.site.index()) {
                *set = set.or(context);
            }
        }
    }
}
