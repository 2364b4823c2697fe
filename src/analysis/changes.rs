//! What would change a result: for a rule or action that does not apply to a profile, the
//! smallest changes of the profile under which it would. Exact, over the same sets of profiles
//! as the findings: the set where the item applies, and, for the profile, the set of profiles
//! that differ from it in exactly `k` facts (each changed to a known value); the least `k` whose
//! intersection is not empty is the answer, and its elements the changes.
//!
//! What can be known before a profile is, when the counterfactuals are built: each item's set,
//! within the domain of the facts it depends on (its *support*). Per profile, the least cost
//! (facts, then values) of reaching each item's set is a shortest path through its BDD, whose
//! edges cost nothing where they agree with the profile; only then are the rings of profiles at
//! most `k` facts and `v` values away built, out to the farthest cost any item needs rather than
//! over every count. A fact outside an item's support changed would cost one more without
//! reaching anything new, so a least change keeps it as the profile has it: the rest of the
//! profile is one cube. The sets of least changes are the same as over the whole space, so the
//! answers are too (the same elements, found in the same order: a BDD's nodes, and so its first
//! element, depend only on the set); a test keeps the whole-space search as the reference.

use std::time::Instant;

use biodivine_lib_bdd::{Bdd, BddPointer, BddVariable};

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
    /// Every rule and action, in guide order.
    items: Vec<Item>,
    /// The assignments of each fact's variables that are profiles, by fact id.
    domains: Vec<Bdd>,
}

/// The search for what would change the results passed its deadline
/// ([`Counterfactuals::evaluate_filtered_before`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutOfTime;

impl std::fmt::Display for OutOfTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("what would change the results was not found before the deadline")
    }
}

impl std::error::Error for OutOfTime {}

/// One rule or action, as far as it is known before any profile.
struct Item {
    item: ResultRef,
    /// The profiles it applies to, within the domain of its own facts (the variables of other
    /// facts are free).
    target: Bdd,
    /// The facts `target` depends on, ascending.
    facts: Vec<FactId>,
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
                domains: Vec::new(),
            };
        };
        let core = &self.core;
        let scope = core.scope.as_ref().map(|s| space.truths(&s.condition));
        let in_scope = scope.map_or_else(|| space.mk_true(), |s| s.t);
        let truth = |rule: Option<&crate::model::condition::Condition>| {
            rule.map_or_else(|| space.mk_true(), |c| space.truths(c).t)
        };
        let domains: Vec<Bdd> = (0..space.fact_count())
            .map(|f| space.domain_of(FactId::new(f)))
            .collect();
        let item = |item: ResultRef, applies: &Bdd| {
            let facts = space.facts_of(applies);
            let target = within(applies, &facts, &domains);
            Item {
                item,
                target,
                facts,
            }
        };
        let mut items = Vec::new();
        for (id, rule) in core.rules() {
            let applies = in_scope.and(&truth(rule.condition.as_ref()));
            for (i, action) in rule.actions.iter().enumerate() {
                let applies = applies.and(&truth(action.condition.as_ref()));
                items.push(item(ResultRef::Action(ActionRef::new(id, i)), &applies));
            }
            items.push(item(ResultRef::Rule(id), &applies));
        }
        Counterfactuals {
            guide: self,
            space: Some(space),
            items,
            domains,
        }
    }
}

/// `set` within the domain of `facts`.
fn within(set: &Bdd, facts: &[FactId], domains: &[Bdd]) -> Bdd {
    facts
        .iter()
        .filter_map(|f| domains.get(f.index()))
        .fold(set.clone(), |acc, d| acc.and(d))
}

impl<'g> Counterfactuals<'g> {
    /// The profile's evaluation with what would change each result that does not apply
    /// ([`Evaluation::changes`]).
    pub fn evaluate(&self, profile: &PreparedProfile<'g>) -> Evaluation {
        let mut evaluation = profile.evaluate();
        // Without a deadline the search is never stopped.
        evaluation.data.changes = self
            .changes(profile, &evaluation, &|| false)
            .unwrap_or_default();
        evaluation
    }

    /// The profile's evaluation, keeping what `filter` keeps, with what would change each
    /// result it keeps that does not apply.
    pub fn evaluate_filtered(&self, profile: &PreparedProfile<'g>, filter: &Filter) -> Evaluation {
        let mut evaluation = profile.evaluate_filtered(filter);
        evaluation.data.changes = self
            .changes(profile, &evaluation, &|| false)
            .unwrap_or_default();
        evaluation
    }

    /// As [`Self::evaluate_filtered`], but the search for what would change the results stops
    /// once `deadline` has passed, and then answers [`OutOfTime`] rather than an evaluation
    /// without some of its changes: a server's bound on what one request may cost. The clock
    /// is read between steps of the search (each a fraction of a millisecond on the embedded
    /// guide), so it stops soon after the deadline, not at it. An evaluation it does answer is
    /// the one [`Self::evaluate_filtered`] answers.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use practice_guide::{EvaluationOptions, FamilyProfile};
    /// let guide = practice_guide::parenting_through_adversity();
    /// let counterfactuals = guide.counterfactuals();
    /// let filter = guide.filter(&EvaluationOptions::new())?;
    /// let family = guide.prepare(&FamilyProfile::new().with("children_ages", ["age_4"]))?;
    /// let later = Instant::now() + Duration::from_secs(60);
    /// let evaluation = counterfactuals.evaluate_filtered_before(&family, &filter, later);
    /// assert_eq!(evaluation.unwrap(), counterfactuals.evaluate_filtered(&family, &filter));
    /// let past = Instant::now();
    /// let late = counterfactuals.evaluate_filtered_before(&family, &filter, past);
    /// assert!(late.is_err());
    /// # Ok::<(), practice_guide::Error>(())
    /// ```
    pub fn evaluate_filtered_before(
        &self,
        profile: &PreparedProfile<'g>,
        filter: &Filter,
        deadline: Instant,
    ) -> Result<Evaluation, OutOfTime> {
        let mut evaluation = profile.evaluate_filtered(filter);
        let late = || Instant::now() >= deadline;
        evaluation.data.changes = self.changes(profile, &evaluation, &late).ok_or(OutOfTime)?;
        Ok(evaluation)
    }

    /// For each recommendation and principle of `evaluation` that does not apply, and each
    /// action not shown under a rule that applies or is undetermined, in guide order: the
    /// smallest changes under which it would; `None` as soon as `late` says so.
    fn changes(
        &self,
        profile: &PreparedProfile<'g>,
        evaluation: &Evaluation,
        late: &dyn Fn() -> bool,
    ) -> Option<Vec<ChangeData>> {
        let Some(space) = &self.space else {
            return Some(Vec::new());
        };
        let not_applying = not_applying(evaluation);
        let items: Vec<&Item> = self
            .items
            .iter()
            .filter(|item| not_applying.binary_search(&item.item).is_ok())
            .collect();
        if items.is_empty() {
            return Some(Vec::new());
        }
        let around = Around::new(space, profile, &self.domains);
        if !around.odd.is_empty() {
            return items
                .iter()
                .map(|item| (!late()).then(|| self.smallest_odd(space, item, &around)))
                .collect();
        }
        // The least (facts, values) each item is away, then the rings out to the farthest.
        let least: Vec<Option<Cost>> = items
            .iter()
            .map(|item| around.least(space, &item.target))
            .collect();
        let farthest = least
            .iter()
            .flatten()
            .fold((0, 0), |(k, v), c| (k.max(c.facts), v.max(c.values)));
        let rings = around.rings(space, farthest, late)?;
        items
            .iter()
            .zip(least)
            .map(|(item, least)| {
                if late() {
                    return None;
                }
                let reachable = least.map(|cost| rings.within(&item.target, cost));
                Some(enumerate(space, item, &around, &item.facts, reachable))
            })
            .collect()
    }

    /// [`Self::changes`] for one item where some fact has a value no profile of the space has
    /// (not a bound profile's case; kept exact all the same): the rings over the item's facts
    /// and those, built for the item.
    fn smallest_odd(&self, space: &Space, item: &Item, around: &Around) -> ChangeData {
        let odd: Vec<FactId> = around
            .odd
            .iter()
            .copied()
            .filter(|f| !item.facts.contains(f))
            .collect();
        let target = within(&item.target, &odd, &self.domains);
        let mut facts = item.facts.clone();
        facts.extend(odd);
        facts.sort_unstable();
        let reachable = around.nearest(space, &target, &facts);
        enumerate(space, item, around, &facts, reachable)
    }
}

/// The changes of `item`, listed from `reachable` (the profiles its least changes reach, within
/// the domain of `facts`; `None` if only leaving a fact unknown could make it apply): each the
/// facts it changes with the values the rules tell apart, in the order of the set's elements.
fn enumerate(
    space: &Space,
    item: &Item,
    around: &Around,
    facts: &[FactId],
    reachable: Option<Bdd>,
) -> ChangeData {
    let mut change = ChangeData {
        item: item.item,
        never: item.target.is_false(),
        alternatives: Vec::new(),
        more: false,
    };
    if change.never {
        return change;
    }
    let Some(reachable) = reachable else {
        // Only leaving facts unknown could (through a `known:` test): not a change to propose.
        change.never = true;
        return change;
    };
    let mut left = reachable.and(&around.rest(space, facts));
    while let Some(valuation) = left.sat_witness() {
        if change.alternatives.len() == MAX_ALTERNATIVES {
            change.more = true;
            break;
        }
        let mut alternative = Vec::new();
        let mut this = space.mk_true();
        for &f in facts {
            if !around
                .changed
                .get(f.index())
                .is_some_and(|c| c.eval_in(&valuation))
            {
                continue;
            }
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

/// The rules that do not apply, and the actions not shown (they do not apply, or the filter
/// left them out) under rules that apply or are undetermined, ascending.
pub(super) fn not_applying(evaluation: &Evaluation) -> Vec<ResultRef> {
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

/// How far a profile is from another: the facts changed (each to a known value), then the
/// values (see [`Space::change_costs`]). Ordered facts first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Cost {
    facts: usize,
    values: usize,
}

impl std::ops::Add for Cost {
    type Output = Cost;
    fn add(self, other: Cost) -> Cost {
        Cost {
            facts: self.facts + other.facts,
            values: self.values + other.values,
        }
    }
}

/// One profile, as the changes from it are counted: made once per profile, for every item.
struct Around {
    /// Each fact as the profile has it, by fact id.
    same: Vec<Bdd>,
    /// Each fact changed to a known value.
    changed: Vec<Bdd>,
    /// What changing each fact costs, as pairs (not paid, paid) of indicators whose count is
    /// the cost (see [`Space::change_costs`]).
    toggles: Vec<Vec<(Bdd, Bdd)>>,
    /// Each fact's variables as the profile has them; `None` where no profile of the space
    /// has the profile's value (see `odd`).
    literals: Vec<Option<Vec<(BddVariable, bool)>>>,
    /// Each variable's value in the profile, by variable index (`None` for the odd facts').
    values: Vec<Option<bool>>,
    /// The facts without literals: always worth changing, since they must change.
    odd: Vec<FactId>,
}

/// The profiles around one profile out to some distance: `facts[k]`, those at most `k` facts
/// away (every other fact as it is); `values[k]`, at most `k` values away.
struct Rings {
    facts: Vec<Bdd>,
    values: Vec<Bdd>,
}

impl Rings {
    /// The profiles of `target` at most `cost` away: where `cost` is the least, the profiles the
    /// least changes reach.
    fn within(&self, target: &Bdd, cost: Cost) -> Bdd {
        // Built out to the farthest cost asked for: an absent ring is not a constraint.
        let ring = |rings: &[Bdd], k: usize| {
            rings
                .get(k)
                .map_or_else(|| target.clone(), |r| target.and(r))
        };
        ring(&self.facts, cost.facts).and(&ring(&self.values, cost.values))
    }
}

impl Around {
    fn new(space: &Space, profile: &PreparedProfile<'_>, domains: &[Bdd]) -> Around {
        let slots = profile.slots();
        let facts = || (0..space.fact_count()).map(FactId::new);
        let same: Vec<Bdd> = facts().map(|f| space.equals(f, slots.get(f))).collect();
        let changed: Vec<Bdd> = facts()
            .zip(&same)
            .map(|(f, s)| space.known(f).and_not(s))
            .collect();
        let toggles = facts()
            .zip(&changed)
            .map(|(f, c)| {
                let costs = space.change_costs(f, slots.get(f), c);
                costs.into_iter().map(|c| (c.not(), c)).collect()
            })
            .collect();
        // A fact's literals stand for the profile's value only where that value is one profile
        // of the space's (always, for a bound profile): else the fact is odd.
        let literals: Vec<_> = facts()
            .zip(&same)
            .map(|(f, s)| {
                let s = domains
                    .get(f.index())
                    .map_or_else(|| s.clone(), |d| s.and(d));
                let literals = space.literals(f, &s)?;
                space.cube(&literals).iff(&s).is_true().then_some(literals)
            })
            .collect();
        let odd = facts()
            .zip(&literals)
            .filter(|(_, l)| l.is_none())
            .map(|(f, _)| f)
            .collect();
        let mut values = vec![None; space.kinds().len()];
        for (var, value) in literals.iter().flatten().flatten() {
            if let Some(slot) = values.get_mut(var.to_index()) {
                *slot = Some(*value);
            }
        }
        Around {
            same,
            changed,
            toggles,
            literals,
            values,
            odd,
        }
    }

    /// The least cost of a change from this profile into `target` (a set whose variables
    /// outside the facts it depends on are free), `None` if every profile of `target` leaves
    /// unknown a fact this one gives: a shortest path through `target`'s nodes, from the
    /// terminal up (a node's children come before it), where a node's edge costs nothing if it
    /// agrees with the profile's value of its variable. A variable the path skips is free, so
    /// it takes the profile's value; a fact costs one if any of its variables disagrees, and
    /// its values are counted once for the fact or, for a set, one per variable that disagrees.
    fn least(&self, space: &Space, target: &Bdd) -> Option<Cost> {
        if target.is_false() {
            return None;
        }
        let kinds = space.kinds();
        let kind = |node: BddPointer| {
            (!node.is_terminal())
                .then(|| kinds.get(target.var_of(node).to_index()))
                .flatten()
        };
        // best[node][d]: the least cost from `node` to the true terminal, `d` whether the
        // fact of the node's variable already disagrees above it.
        let mut best: Vec<[Option<Cost>; 2]> = vec![[None; 2]; target.size()];
        let zero = Cost {
            facts: 0,
            values: 0,
        };
        if let Some(one) = best.get_mut(BddPointer::one().to_index()) {
            *one = [Some(zero); 2];
        }
        for node in target.pointers().filter(|p| !p.is_terminal()) {
            let var = target.var_of(node);
            let Some(here) = kind(node) else { continue };
            let profile = self.values.get(var.to_index()).copied().flatten();
            let edges = [
                (false, target.low_link_of(node)),
                (true, target.high_link_of(node)),
            ];
            let mut out = [None; 2];
            for (d, slot) in out.iter_mut().enumerate() {
                *slot = edges
                    .iter()
                    .filter(|(value, child)| {
                        // A known fact made unknown is not a change to propose.
                        let unknown = here.known && !*value && profile == Some(true);
                        !child.is_zero() && !unknown
                    })
                    .filter_map(|(value, child)| {
                        let differs = profile != Some(*value);
                        let disagrees = d == 1 || differs;
                        let each = usize::from(here.each && differs);
                        let same_fact = kind(*child).is_some_and(|k| k.fact == here.fact);
                        let (step, next) = if same_fact {
                            (
                                Cost {
                                    facts: 0,
                                    values: each,
                                },
                                usize::from(disagrees),
                            )
                        } else {
                            let closed = usize::from(disagrees);
                            let values = each + if here.each { 0 } else { closed };
                            (
                                Cost {
                                    facts: closed,
                                    values,
                                },
                                0,
                            )
                        };
                        let rest = best.get(child.to_index())?.get(next).copied().flatten()?;
                        Some(step + rest)
                    })
                    .min();
            }
            if let Some(slot) = best.get_mut(node.to_index()) {
                *slot = out;
            }
        }
        let root = target.root_pointer();
        best.get(root.to_index())?.first().copied().flatten()
    }

    /// The profiles at most `farthest` away from this one (each fact as it is or changed to a
    /// known value), ring by ring.
    /// `None` as soon as `late` says so.
    fn rings(
        &self,
        space: &Space,
        farthest: (usize, usize),
        late: &dyn Fn() -> bool,
    ) -> Option<Rings> {
        let pairs: Vec<(&Bdd, &Bdd)> = self.same.iter().zip(&self.changed).collect();
        let toggles: Vec<(&Bdd, &Bdd)> =
            self.toggles.iter().flatten().map(|(a, b)| (a, b)).collect();
        Some(Rings {
            facts: at_most(space, &pairs, farthest.0, late)?,
            values: at_most(space, &toggles, farthest.1, late)?,
        })
    }

    /// The profiles of `target` that differ from this one in the fewest of `facts` (each
    /// changed to a known value, the others as they are), and of those in the fewest values;
    /// `None` if every profile of `target` leaves one of them unknown that this one gives.
    fn nearest(&self, space: &Space, target: &Bdd, facts: &[FactId]) -> Option<Bdd> {
        let pairs: Vec<(&Bdd, &Bdd)> = facts
            .iter()
            .filter_map(|f| Some((self.same.get(f.index())?, self.changed.get(f.index())?)))
            .collect();
        let fewest_facts = counts(space, &pairs)
            .iter()
            .map(|set| target.and(set))
            .find(|set| !set.is_false())?;
        let toggles: Vec<(&Bdd, &Bdd)> = facts
            .iter()
            .filter_map(|f| self.toggles.get(f.index()))
            .flatten()
            .map(|(off, on)| (off, on))
            .collect();
        let by_values = counts(space, &toggles);
        Some(
            by_values
                .iter()
                .map(|set| fewest_facts.and(set))
                .find(|set| !set.is_false())
                .unwrap_or(fewest_facts),
        )
    }

    /// The profiles that give every fact but `facts` the value this one gives it.
    fn rest(&self, space: &Space, facts: &[FactId]) -> Bdd {
        let literals: Vec<(BddVariable, bool)> = self
            .literals
            .iter()
            .enumerate()
            .filter(|(f, _)| facts.binary_search(&FactId::new(*f)).is_err())
            .filter_map(|(_, l)| l.as_ref())
            .flatten()
            .copied()
            .collect();
        space.cube(&literals)
    }
}

/// Of `indicators` (pairs: where each does not hold, where it does), the sets where at most 0,
/// 1, ..., `cap` of them hold: the counts above `cap` are never made, which keeps the sets
/// small where the least changes are. `None` as soon as `late` says so.
fn at_most(
    space: &Space,
    indicators: &[(&Bdd, &Bdd)],
    cap: usize,
    late: &dyn Fn() -> bool,
) -> Option<Vec<Bdd>> {
    let mut exactly = vec![space.mk_true()];
    for (off, on) in indicators {
        if late() {
            return None;
        }
        let mut next = vec![space.mk_false(); (exactly.len() + 1).min(cap + 1)];
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
    let mut below = space.mk_false();
    Some(
        exactly
            .iter()
            .map(|set| {
                below = below.or(set);
                below.clone()
            })
            .collect(),
    )
}

/// Of `indicators`, the sets where exactly 0, 1, 2, ... of them hold.
fn counts(space: &Space, indicators: &[(&Bdd, &Bdd)]) -> Vec<Bdd> {
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
