//! What would change a result: for a rule or action that does not apply to a profile, the
//! smallest changes of the profile under which it would. Exact, over the same sets of profiles
//! as the findings: the set where the item applies, and, for the profile, the set of profiles
//! that differ from it in exactly `k` facts (each changed to a known value); the least `k` whose
//! intersection is not empty is the answer, and its elements the changes.

use biodivine_lib_bdd::Bdd;

use super::space::Space;
use crate::eval::Filter;
use crate::eval::PreparedProfile;
use crate::ids::{ActionRef, FactId, ResultRef};
use crate::model::guide::Guide;
use crate::result::{ChangeData, Evaluation, MAX_ALTERNATIVES, Status};

/// The smallest changes that would make each rule and action apply, for any profile of one
/// guide: the guide's profile space built once (see [`Guide::counterfactuals`]).
///
/// ```
/// use practice_guide::FamilyProfile;
/// let guide = practice_guide::parenting_through_adversity();
/// let counterfactuals = guide.counterfactuals();
/// let family = guide.prepare(&FamilyProfile::new()
///     .with("children_ages", ["age_4"])
///     .with("adversities", ["poverty"])
///     .with("service_level", "universal"))?;
/// let evaluation = counterfactuals.evaluate(&family);
/// let change = evaluation.changes()
///     .find(|c| c.id() == "key-structured-support-targeted-help").unwrap();
/// assert_eq!(change.words(), "service_level were family_help or edge_of_care");
/// # Ok::<(), practice_guide::Error>(())
/// ```
pub struct Counterfactuals<'g> {
    guide: &'g Guide,
    space: Option<Space>,
    /// Every rule and action, in guide order, with the set of profiles it applies to.
    items: Vec<(ResultRef, Bdd)>,
}

impl std::fmt::Debug for Counterfactuals<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Counterfactuals")
            .field("guide", &self.guide.id())
            .field("items", &self.items.len())
            .finish()
    }
}

impl Guide {
    /// What would make each rule and action apply to a profile (feature `analysis`): builds the
    /// guide's profile space once, for as many profiles as needed.
    pub fn counterfactuals(&self) -> Counterfactuals<'_> {
        let Some(space) = Space::new(self) else {
            return Counterfactuals {
                guide: self,
                space: None,
                items: Vec::new(),
            };
        };
        let core = &self.core;
        let scope = core.scope.as_ref().map(|s| space.truths(&s.condition));
        let in_scope = scope.map_or_else(|| space.mk_true(), |s| s.t);
        let truth = |rule: Option<&crate::model::condition::Condition>| {
            rule.map_or_else(|| space.mk_true(), |c| space.truths(c).t)
        };
        let mut items = Vec::new();
        for (id, rule) in core.rules() {
            let applies = in_scope.and(&truth(rule.condition.as_ref()));
            for (i, action) in rule.actions.iter().enumerate() {
                let applies = applies.and(&truth(action.condition.as_ref()));
                items.push((ResultRef::Action(ActionRef::new(id, i)), applies));
            }
            items.push((ResultRef::Rule(id), applies));
        }
        Counterfactuals {
            guide: self,
            space: Some(space),
            items,
        }
    }
}

impl<'g> Counterfactuals<'g> {
    /// The profile's evaluation with what would change each result that does not apply
    /// ([`Evaluation::changes`]).
    pub fn evaluate(&self, profile: &PreparedProfile<'g>) -> Evaluation {
        let mut evaluation = profile.evaluate();
        evaluation.data.changes = self.changes(profile, &evaluation);
        evaluation
    }

    /// The profile's evaluation, keeping what `filter` keeps, with what would change each
    /// result it keeps that does not apply.
    pub fn evaluate_filtered(&self, profile: &PreparedProfile<'g>, filter: &Filter) -> Evaluation {
        let mut evaluation = profile.evaluate_filtered(filter);
        evaluation.data.changes = self.changes(profile, &evaluation);
        evaluation
    }

    /// For each recommendation and principle of `evaluation` that does not apply, and each
    /// action not shown under a rule that applies or is undetermined, in guide order: the
    /// smallest changes under which it would.
    fn changes(&self, profile: &PreparedProfile<'g>, evaluation: &Evaluation) -> Vec<ChangeData> {
        let Some(space) = &self.space else {
            return Vec::new();
        };
        let slots = profile.slots();
        // Each fact as the profile has it, and changed to a known value.
        let same: Vec<Bdd> = (0..space.fact_count())
            .map(FactId::new)
            .map(|f| space.equals(f, slots.get(f)))
            .collect();
        let changed: Vec<Bdd> = same
            .iter()
            .enumerate()
            .map(|(f, s)| space.known(FactId::new(f)).and_not(s))
            .collect();
        let costs: Vec<Bdd> = changed
            .iter()
            .enumerate()
            .flat_map(|(f, c)| {
                let f = FactId::new(f);
                space.change_costs(f, slots.get(f), c)
            })
            .collect();
        // The profiles that differ from this one in exactly k facts, and in exactly k values:
        // the same for every result, so made once.
        let pairs: Vec<(Bdd, Bdd)> = same.iter().cloned().zip(changed.iter().cloned()).collect();
        let toggles: Vec<(Bdd, Bdd)> = costs.iter().map(|c| (c.not(), c.clone())).collect();
        let rings = Rings {
            by_facts: counts(space, &pairs),
            by_values: counts(space, &toggles),
        };
        let not_applying = not_applying(evaluation);
        self.items
            .iter()
            .filter(|(item, _)| not_applying.binary_search(item).is_ok())
            .map(|(item, applies)| smallest(space, (*item, applies), &changed, &rings))
            .collect()
    }
}

/// The rules that do not apply, and the actions not shown (they do not apply, or the filter
/// left them out) under rules that apply or are undetermined, ascending.
fn not_applying(evaluation: &Evaluation) -> Vec<ResultRef> {
    let mut out = Vec::new();
    for result in evaluation.rules() {
        let id = result.rule_id();
        if result.status() == Status::DoesNotApply {
            out.push(ResultRef::Rule(id));
            continue;
        }
        let shown: Vec<ActionRef> = result.actions().map(|a| a.action_ref()).collect();
        out.extend(
            (0..result.rule().actions.len())
                .map(|i| ActionRef::new(id, i))
                .filter(|action| !shown.contains(action))
                .map(ResultRef::Action),
        );
    }
    out.sort_unstable();
    out
}

/// Of `indicators`, the sets where exactly 0, 1, 2, ... of them hold.
fn counts(space: &Space, indicators: &[(Bdd, Bdd)]) -> Vec<Bdd> {
    let mut exactly = vec![space.mk_true()];
    for (off, on) in indicators {
        let mut next = vec![space.mk_false(); exactly.len() + 1];
        for (k, set) in exactly.iter().enumerate() {
            if let Some(slot) = next.get_mut(k) {
                *slot = slot.or(&set.and(off));
            }
            if let Some(slot) = next.get_mut(k + 1) {
                *slot = slot.or(&set.and(on));
            }
        }
        exactly = next;
    }
    exactly
}

/// The profiles around one profile: `by_facts[k]`, those that differ from it in exactly `k`
/// facts; `by_values[k]`, in exactly `k` values.
struct Rings {
    by_facts: Vec<Bdd>,
    by_values: Vec<Bdd>,
}

/// The changes of fewest facts, then fewest values, that reach `applies` (the set where `item`
/// applies): `changed[f]`, fact `f` changed to a known value.
fn smallest(
    space: &Space,
    (item, applies): (ResultRef, &Bdd),
    changed: &[Bdd],
    rings: &Rings,
) -> ChangeData {
    let target = applies.and(space.domain());
    let mut change = ChangeData {
        item,
        never: target.is_false(),
        alternatives: Vec::new(),
        more: false,
    };
    if change.never {
        return change;
    }
    // The profiles that differ from this one in the fewest facts; then, of those, in the fewest
    // values.
    let Some(fewest_facts) = rings
        .by_facts
        .iter()
        .map(|set| target.and(set))
        .find(|set| !set.is_false())
    else {
        // Only leaving facts unknown could (through a `known:` test): not a change to propose.
        change.never = true;
        return change;
    };
    let reachable = rings
        .by_values
        .iter()
        .map(|set| fewest_facts.and(set))
        .find(|set| !set.is_false())
        .unwrap_or(fewest_facts);
    let mut left = reachable;
    while let Some(valuation) = left.sat_witness() {
        if change.alternatives.len() == MAX_ALTERNATIVES {
            change.more = true;
            break;
        }
        let facts: Vec<usize> = (0..changed.len())
            .filter(|f| changed.get(*f).is_some_and(|c| c.eval_in(&valuation)))
            .collect();
        // This alternative: the changed facts with the values the rules tell apart.
        let mut alternative = Vec::new();
        let mut this = space.mk_true();
        for f in facts.into_iter().map(FactId::new) {
            let Some(value) = space.changed_value(f, &valuation) else {
                continue;
            };
            this = this.and(&space.same_class(f, &valuation));
            alternative.push((f, value));
        }
        change.alternatives.push(alternative);
        left = left.and_not(&this);
    }
    change
}
