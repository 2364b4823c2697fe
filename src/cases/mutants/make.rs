//! Every one-step mutant of a guide's compiled rules, and the guide each makes.
//!
//! A mutant is made on the compiled model, not on the text: the condition trees of the scope,
//! the rules, their "how" points and the named conditions are edited in a copy, named
//! conditions are expanded again wherever they are used, and the arena, the statuses program
//! and the result's fragments are laid out again from the copy, as the loader lays them out.
//! A mutated test keeps its site's words: only what it means changes.

use std::sync::Arc;

use crate::error::{Item, Position};
use crate::ids::FactId;
use crate::model::arena::{ArenaBuilder, WrittenTest};
use crate::model::condition::{Condition, NamedCondition, Test};
use crate::model::guide::{Core, Guide};
use crate::model::program::Program;
use crate::model::rule::Rule;
use crate::model::vocabulary::FactType;
use crate::syntax::{CONDITIONS_FILE, GUIDE_FILE, PRINCIPLES_FILE, RECOMMENDATIONS_FILE};

/// Which condition of the guide an edit is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::cases) enum Target {
    Scope,
    /// A rule, by its place among the recommendations, then the principles.
    Rule(usize),
    /// A rule's "how" point.
    Action(usize, usize),
    /// A named condition, by its number.
    Named(usize),
}

/// One edit of one condition (at `path`: the children's indices from its root) or of a rule.
#[derive(Debug, Clone)]
pub(in crate::cases) enum Edit {
    /// The test is replaced.
    Test(Test),
    /// `all` becomes `any`, or `any` `all`.
    Swap,
    /// The child at this index is removed.
    Remove(usize),
    /// The `not:` is removed.
    Unwrap,
    /// The whole condition (an action's `when:`) is removed.
    Drop,
    /// The recommendation's evidence level becomes this one.
    Evidence(usize),
}

/// One mutant: where, what was changed, and how to make it.
#[derive(Debug, Clone)]
pub(in crate::cases) struct Mutation {
    pub(in crate::cases) target: Target,
    pub(in crate::cases) path: Vec<usize>,
    pub(in crate::cases) edit: Edit,
    pub(in crate::cases) file: &'static str,
    pub(in crate::cases) position: Option<Position>,
    pub(in crate::cases) item: Option<Item>,
    pub(in crate::cases) change: String,
}

/// Every one-step mutant of `guide`'s own rules, in file order of what they change.
pub(in crate::cases) fn mutations(guide: &Guide) -> Vec<Mutation> {
    let core = &guide.core;
    let mut out = Vec::new();
    let mut walker = Walker {
        guide,
        out: &mut out,
    };
    if let Some(scope) = &core.scope {
        walker.walk(Target::Scope, &scope.condition, &mut Vec::new());
    }
    for (index, named) in core.named.iter().enumerate() {
        walker.walk(Target::Named(index), &named.condition, &mut Vec::new());
    }
    for (r, rule) in rules(core).enumerate() {
        if let Some(c) = &rule.condition {
            walker.walk(Target::Rule(r), c, &mut Vec::new());
        }
        for (a, action) in rule.actions.iter().enumerate() {
            let Some(c) = &action.condition else { continue };
            walker.out.push(Mutation {
                target: Target::Action(r, a),
                path: Vec::new(),
                edit: Edit::Drop,
                file: rule_file(rule),
                position: action.at,
                item: Some(Item::Action {
                    rule: rule.id.clone(),
                    id: action.id.clone(),
                }),
                change: format!("the `when:` of \"how\" point `{}` removed", action.id),
            });
            walker.walk(Target::Action(r, a), c, &mut Vec::new());
        }
        evidence(core, r, rule, walker.out);
    }
    out.sort_by(|a, b| (a.file, a.position).cmp(&(b.file, b.position)));
    out
}

/// A recommendation's evidence moved one step along the scale, each way.
fn evidence(core: &Core, r: usize, rule: &Rule, out: &mut Vec<Mutation>) {
    let Some(level) = rule.evidence else { return };
    let name = |i: usize| core.evidence.get(i).map_or("?", |l| l.id.as_str());
    for to in [level.checked_sub(1), Some(level + 1)]
        .into_iter()
        .flatten()
    {
        if to >= core.evidence.len() {
            continue;
        }
        out.push(Mutation {
            target: Target::Rule(r),
            path: Vec::new(),
            edit: Edit::Evidence(to),
            file: rule_file(rule),
            position: rule.at,
            item: Some(Item::Recommendation(rule.id.clone())),
            change: format!("evidence: {} → {}", name(level), name(to)),
        });
    }
}

struct Walker<'a, 'g> {
    guide: &'g Guide,
    out: &'a mut Vec<Mutation>,
}

impl Walker<'_, '_> {
    /// The edits of `condition` (at `path` in `target`) and of everything under it but the
    /// named conditions it uses (mutated once, where they are defined).
    fn walk(&mut self, target: Target, condition: &Condition, path: &mut Vec<usize>) {
        match condition {
            Condition::All(items) | Condition::Any(items) => {
                let (from, to) = match condition {
                    Condition::All(_) => ("all", "any"),
                    _ => ("any", "all"),
                };
                if items.len() >= 2 {
                    let change = format!("`{from}:` → `{to}:`");
                    self.push(target, path, Edit::Swap, first_site(condition), change);
                    for (i, item) in items.iter().enumerate() {
                        let change = format!("`{}` removed from an `{from}:`", short(item));
                        self.push(target, path, Edit::Remove(i), first_site(item), change);
                    }
                }
                for (i, item) in items.iter().enumerate() {
                    path.push(i);
                    self.walk(target, item, path);
                    path.pop();
                }
            }
            Condition::Not(inner) => {
                let change = format!("`not:` removed from `not {}`", short(inner));
                self.push(target, path, Edit::Unwrap, first_site(inner), change);
                path.push(0);
                self.walk(target, inner, path);
                path.pop();
            }
            Condition::Named(..) => {}
            Condition::Test(leaf) => {
                for (test, change) in test_edits(self.guide, leaf.fact, &leaf.test) {
                    let change = format!("`{}`: {change}", leaf.text);
                    self.push(
                        target,
                        path,
                        Edit::Test(test),
                        Some(leaf.site.index()),
                        change,
                    );
                }
            }
        }
    }

    /// Records an edit, placed at the test `site` where it is written in the target's own
    /// file (a combinator is placed at its first test), else at the target's id.
    fn push(
        &mut self,
        target: Target,
        path: &[usize],
        edit: Edit,
        site: Option<usize>,
        change: String,
    ) {
        let (file, at, item) = self.place(target);
        let site = site
            .and_then(|s| self.guide.sites().nth(s))
            .filter(|s| s.file == file);
        self.out.push(Mutation {
            target,
            path: path.to_vec(),
            edit,
            file,
            position: site.and_then(|s| s.at).or(at),
            item: Some(item),
            change,
        });
    }

    /// The file, position and item of a target.
    fn place(&self, target: Target) -> (&'static str, Option<Position>, Item) {
        let core = &self.guide.core;
        let rule = |r: usize| rules(core).nth(r);
        match target {
            Target::Scope => (GUIDE_FILE, None, Item::Scope),
            Target::Named(n) => {
                let named = core.named.get(n);
                let id = named.map_or_else(String::new, |n| n.id.clone());
                (
                    CONDITIONS_FILE,
                    named.and_then(|n| n.at),
                    Item::NamedCondition(id),
                )
            }
            Target::Rule(r) => match rule(r) {
                Some(rule) => (rule_file(rule), rule.at, crate::analysis::rule_item(rule)),
                None => (GUIDE_FILE, None, Item::Scope),
            },
            Target::Action(r, a) => {
                match rule(r).and_then(|rule| Some((rule, rule.actions.get(a)?))) {
                    Some((rule, action)) => {
                        let item = Item::Action {
                            rule: rule.id.clone(),
                            id: action.id.clone(),
                        };
                        (rule_file(rule), action.at, item)
                    }
                    None => (GUIDE_FILE, None, Item::Scope),
                }
            }
        }
    }
}

/// A condition in a few words, for a change's description.
fn short(condition: &Condition) -> String {
    match condition {
        Condition::Test(leaf) => leaf.text.to_string(),
        Condition::Named(..) => condition.words(),
        _ => {
            let words = condition.words();
            if words.chars().count() > 60 {
                let cut: String = words.chars().take(57).collect();
                format!("{cut}...")
            } else {
                words
            }
        }
    }
}

/// The site of the first test written in `condition`, as the place to name it by.
fn first_site(condition: &Condition) -> Option<usize> {
    match condition {
        Condition::Test(leaf) => Some(leaf.site.index()),
        Condition::All(items) | Condition::Any(items) => items.iter().find_map(first_site),
        Condition::Not(inner) | Condition::Named(_, inner) => first_site(inner),
    }
}

/// The one-step edits of a test: each threshold moved by one (each way, within the fact's
/// range), each declared value added to or dropped from a list (a list never emptied).
fn test_edits(guide: &Guide, fact: FactId, test: &Test) -> Vec<(Test, String)> {
    let Some(declared) = guide.vocab().fact(fact) else {
        return Vec::new();
    };
    match (test, &declared.fact_type) {
        (Test::Negated(inner), _) => test_edits(guide, fact, inner)
            .into_iter()
            .map(|(t, change)| (Test::Negated(Box::new(t)), change))
            .collect(),
        (Test::IntBetween(lo, hi), FactType::Integer { min, max }) => {
            moved(*lo, *hi, (*min, *max), (i64::MIN, i64::MAX))
                .into_iter()
                .map(|((lo, hi), change)| (Test::IntBetween(lo, hi), change))
                .collect()
        }
        (Test::SetCountBetween(lo, hi), FactType::SetOf(values)) if (*lo, *hi) != (0, 0) => {
            let n = i64::try_from(values.names().len()).unwrap_or(i64::MAX);
            let whole = (0, i64::from(u32::MAX));
            moved(i64::from(*lo), i64::from(*hi), (0, n), whole)
                .into_iter()
                .filter_map(|((lo, hi), change)| {
                    let (lo, hi) = (u32::try_from(lo).ok()?, u32::try_from(hi).ok()?);
                    Some((Test::SetCountBetween(lo, hi), format!("count {change}")))
                })
                .collect()
        }
        (Test::ChoiceIn(mask), FactType::OneOf(values)) => masks(*mask, values.names())
            .map(|(m, c)| (Test::ChoiceIn(m), c))
            .collect(),
        (Test::SetContainsAny(mask), FactType::SetOf(values)) => masks(*mask, values.names())
            .map(|(m, c)| (Test::SetContainsAny(m), c))
            .collect(),
        (Test::SetContainsAll(mask), FactType::SetOf(values)) => masks(*mask, values.names())
            .map(|(m, c)| (Test::SetContainsAll(m), c))
            .collect(),
        (Test::IntIn(values), _) if values.len() >= 2 => (0..values.len())
            .map(|i| {
                let kept = values.iter().enumerate().filter(|(j, _)| *j != i);
                let dropped = values.get(i).copied().unwrap_or_default();
                let test = Test::IntIn(kept.map(|(_, v)| *v).collect());
                (test, format!("{dropped} dropped"))
            })
            .collect(),
        (Test::TextIn(values), _) if values.len() >= 2 => (0..values.len())
            .map(|i| {
                let kept = values.iter().enumerate().filter(|(j, _)| *j != i);
                let dropped = values.get(i).cloned().unwrap_or_default();
                let test = Test::TextIn(kept.map(|(_, v)| v.clone()).collect());
                (test, format!("`{dropped}` dropped"))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The ranges `[lo, hi]` with one written end (not `open`'s) moved by one, within `range`
/// and never empty, with what changed; an `is` (`lo == hi`) moves as one value.
fn moved(lo: i64, hi: i64, range: (i64, i64), open: (i64, i64)) -> Vec<((i64, i64), String)> {
    let (min, max) = range;
    let words = |lo: i64, hi: i64| match (lo == open.0, hi == open.1) {
        _ if lo == hi => format!("is {lo}"),
        (true, false) => format!("at most {hi}"),
        (false, true) => format!("at least {lo}"),
        _ => format!("between {lo} and {hi}"),
    };
    let mut out = Vec::new();
    let mut add = |l: i64, h: i64| {
        let within = |v: i64, end: i64| v == end || (min <= v && v <= max);
        if l <= h && within(l, open.0) && within(h, open.1) && (l, h) != (lo, hi) {
            out.push(((l, h), format!("{} → {}", words(lo, hi), words(l, h))));
        }
    };
    if lo == hi {
        add(lo - 1, hi - 1);
        add(lo + 1, hi + 1);
        return out;
    }
    if lo != open.0 {
        add(lo - 1, hi);
        add(lo + 1, hi);
    }
    if hi != open.1 {
        add(lo, hi - 1);
        add(lo, hi + 1);
    }
    out
}

/// The masks with one declared value added, and (for a list of two or more) one dropped.
fn masks<'v>(
    mask: u128,
    names: impl Iterator<Item = &'v str> + 'v,
) -> impl Iterator<Item = (u128, String)> + 'v {
    let many = mask.count_ones() >= 2;
    names.enumerate().filter_map(move |(bit, name)| {
        let b = 1u128.checked_shl(u32::try_from(bit).ok()?)?;
        if mask & b == 0 {
            Some((mask | b, format!("`{name}` added")))
        } else if many {
            Some((mask & !b, format!("`{name}` dropped")))
        } else {
            None
        }
    })
}

fn rules(core: &Core) -> impl Iterator<Item = &Rule> {
    core.recommendations.iter().chain(&core.principles)
}

fn rule_file(rule: &Rule) -> &'static str {
    match rule.kind {
        crate::model::rule::RuleKind::Recommendation => RECOMMENDATIONS_FILE,
        crate::model::rule::RuleKind::Principle => PRINCIPLES_FILE,
    }
}

/// The guide `mutation` makes of `guide` (its own rules; an overlay is not carried over).
pub(in crate::cases) fn mutant(guide: &Guide, mutation: &Mutation) -> Guide {
    let core = &guide.core;
    let mut scope = core.scope.clone();
    let mut named: Vec<NamedCondition> = core.named.clone();
    let mut rules: Vec<Rule> = rules(core).cloned().collect();
    let mut site_tests: Vec<(FactId, Test)> = core
        .arena
        .sites()
        .iter()
        .map(|s| (s.fact, guide.test_of(s).clone()))
        .collect();
    let condition: Option<&mut Option<Condition>> = match mutation.target {
        Target::Scope => None,
        Target::Rule(r) => rules.get_mut(r).map(|rule| &mut rule.condition),
        Target::Action(r, a) => rules
            .get_mut(r)
            .and_then(|rule| rule.actions.get_mut(a))
            .map(|action| &mut action.condition),
        Target::Named(_) => None,
    };
    match (&mutation.edit, mutation.target, condition) {
        (Edit::Evidence(level), Target::Rule(r), _) => {
            if let Some(rule) = rules.get_mut(r) {
                rule.evidence = Some(*level);
                rule.shown.evidence = core.evidence.get(*level).map(|l| l.id.clone());
            }
        }
        (Edit::Drop, _, Some(condition)) => *condition = None,
        (edit, _, Some(Some(condition))) => apply(condition, &mutation.path, edit, &mut site_tests),
        (edit, Target::Scope, _) => {
            if let Some(scope) = &mut scope {
                apply(&mut scope.condition, &mutation.path, edit, &mut site_tests);
            }
        }
        (edit, Target::Named(n), _) => {
            if let Some(named) = named.get_mut(n) {
                apply(&mut named.condition, &mutation.path, edit, &mut site_tests);
            }
        }
        _ => {}
    }
    if let Target::Named(_) = mutation.target {
        expand_all(&mut scope, &mut named, &mut rules);
    }
    rebuild(core, scope, named, rules, site_tests)
}

/// Applies `edit` at `path` in `condition`; a new test is recorded for its site too.
fn apply(condition: &mut Condition, path: &[usize], edit: &Edit, sites: &mut [(FactId, Test)]) {
    let Some((first, rest)) = path.split_first() else {
        edit_here(condition, edit, sites);
        return;
    };
    let child = match condition {
        Condition::All(items) | Condition::Any(items) => items.get_mut(*first),
        Condition::Not(inner) => Some(&mut **inner),
        _ => None,
    };
    if let Some(child) = child {
        apply(child, rest, edit, sites);
    }
}

fn edit_here(condition: &mut Condition, edit: &Edit, sites: &mut [(FactId, Test)]) {
    let taken = std::mem::replace(condition, Condition::All(Box::new([])));
    *condition = match (taken, edit) {
        (Condition::All(items), Edit::Swap) => Condition::Any(items),
        (Condition::Any(items), Edit::Swap) => Condition::All(items),
        (Condition::All(items), Edit::Remove(i)) => Condition::All(without(items, *i)),
        (Condition::Any(items), Edit::Remove(i)) => Condition::Any(without(items, *i)),
        (Condition::Not(inner), Edit::Unwrap) => *inner,
        (Condition::Test(mut leaf), Edit::Test(test)) => {
            leaf.test = test.clone();
            if let Some(site) = sites.get_mut(leaf.site.index()) {
                site.1 = test.clone();
            }
            Condition::Test(leaf)
        }
        (other, _) => other,
    };
}

fn without(items: Box<[Condition]>, index: usize) -> Box<[Condition]> {
    let mut items = items.into_vec();
    if index < items.len() {
        items.remove(index);
    }
    items.into_boxed_slice()
}

/// Expands every named condition again where it is used, after one of them changed.
fn expand_all(
    scope: &mut Option<crate::model::guide::Scope>,
    named: &mut [NamedCondition],
    rules: &mut [Rule],
) {
    // Named conditions first, in an order that expands what each uses before it: repeating
    // as often as there are of them settles any order of definition.
    for _ in 0..named.len() {
        let snapshot: Vec<Condition> = named.iter().map(|n| n.condition.clone()).collect();
        for n in named.iter_mut() {
            expand(&mut n.condition, &snapshot);
        }
    }
    let defined: Vec<Condition> = named.iter().map(|n| n.condition.clone()).collect();
    if let Some(scope) = scope {
        expand(&mut scope.condition, &defined);
    }
    for rule in rules {
        if let Some(c) = &mut rule.condition {
            expand(c, &defined);
        }
        for action in &mut rule.actions {
            if let Some(c) = &mut action.condition {
                expand(c, &defined);
            }
        }
    }
}

fn expand(condition: &mut Condition, defined: &[Condition]) {
    match condition {
        Condition::All(items) | Condition::Any(items) => {
            items.iter_mut().for_each(|c| expand(c, defined));
        }
        Condition::Not(inner) => expand(inner, defined),
        Condition::Named(id, inner) => {
            if let Some(definition) = defined.get(id.index()) {
                **inner = definition.clone();
            }
        }
        Condition::Test(_) => {}
    }
}

/// A guide of `core`'s texts and vocabulary with these conditions, laid out as the loader lays
/// out a guide's.
fn rebuild(
    core: &Core,
    mut scope: Option<crate::model::guide::Scope>,
    named: Vec<NamedCondition>,
    mut rules: Vec<Rule>,
    site_tests: Vec<(FactId, Test)>,
) -> Guide {
    let written = core
        .arena
        .sites()
        .iter()
        .zip(site_tests)
        .map(|(site, (fact, test))| WrittenTest {
            file: site.file,
            at: site.at,
            item: site.item.clone(),
            fact,
            test,
            text: site.text.clone(),
            negated_text: site.negated_text.clone(),
        })
        .collect();
    let mut arena = ArenaBuilder::new(None, written);
    if let Some(scope) = &mut scope {
        scope.root = arena.add(&scope.condition);
    }
    for rule in &mut rules {
        rule.root = arena.add_optional(rule.condition.as_ref());
        for action in &mut rule.actions {
            action.root = arena.add_optional(action.condition.as_ref());
        }
    }
    let arena = arena.finish();
    let principles = rules.split_off(core.recommendations.len());
    let program = Program::compile(
        core.vocab(),
        &arena,
        scope.as_ref().map(|s| s.root),
        rules.iter().chain(&principles).map(|r| r.root),
    );
    let mut mutant = Core {
        metadata: core.metadata.clone(),
        evidence: core.evidence.clone(),
        audiences: core.audiences.clone(),
        outcomes: core.outcomes.clone(),
        vocabulary: core.vocabulary.clone(),
        named,
        scope,
        recommendations: rules,
        principles,
        arena,
        program,
        json: crate::model::json::Fragments::default(),
    };
    mutant.json = crate::result::core_fragments(&mutant);
    Guide::new(Arc::new(mutant), None)
}
