//! What an evaluation says of what is still open: the condition that remains of an undetermined
//! result once the known facts are substituted, the values of a missing fact that would decide
//! it, the questions worth asking next, and (from the exact analysis) what would make a result
//! that does not apply apply.

use serde::{Deserialize, Serialize};

use super::data::{ChangeData, DecidingData, QuestionData, ResidualKind};
use super::{Evaluation, SeenValue};
use crate::ids::{ActionName, ResultRef};
use crate::model::guide::EvidenceLevel;
use crate::model::vocabulary::Fact;
use crate::profile::FactValue;

/// What remains of an undetermined rule's or action's condition (with the guide's scope) once
/// the profile's known facts are substituted and the result simplified: only tests of unknown
/// facts, combined by `all` and `any`. A test under `not:` is written as its negation
/// (`barriers is not empty`), so there is no `not`. A view of an [`Evaluation`].
///
/// In JSON, as the rule language writes conditions: `{"any": [{"test": {"fact":
/// "service_level", "test": "service_level is one of family_help, edge_of_care"}}, ...]}`.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Residual<'e> {
    /// Every one must hold.
    All(Parts<'e>),
    /// At least one must hold.
    Any(Parts<'e>),
    /// One test of an unknown fact.
    Test(ResidualTest<'e>),
}

/// The parts of an `all` or `any` of a [`Residual`].
#[derive(Clone, Copy)]
pub struct Parts<'e> {
    evaluation: &'e Evaluation,
    /// The node of the `all` or `any`.
    at: u32,
}

/// One test of a residual.
#[derive(Clone, Copy)]
pub struct ResidualTest<'e> {
    evaluation: &'e Evaluation,
    site: crate::ids::SiteId,
    negated: bool,
}

super::debug_view!(ResidualTest { test });
super::debug_view!(Deciding { fact });
super::debug_view!(Change { id, never });

impl std::fmt::Debug for Parts<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl std::fmt::Debug for Question<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Question")
            .field("fact", &self.fact().name())
            .finish()
    }
}

impl<'e> Residual<'e> {
    /// The residual whose root is the node at `at` of the evaluation's residuals.
    pub(super) fn at(evaluation: &'e Evaluation, at: u32) -> Residual<'e> {
        let node = evaluation.data.residuals.get(at as usize);
        match node.map(|n| n.kind) {
            Some(ResidualKind::Test { site, negated }) => Residual::Test(ResidualTest {
                evaluation,
                site,
                negated,
            }),
            Some(ResidualKind::Any) => Residual::Any(Parts { evaluation, at }),
            // The evaluator writes a root for every residual it names.
            Some(ResidualKind::All) | None => Residual::All(Parts { evaluation, at }),
        }
    }

    /// The residual in words: `service_level is family_help or (barriers is not empty and
    /// concerns includes child_behaviour)`.
    pub fn words(&self) -> String {
        self.words_in(false)
    }

    fn words_in(&self, nested: bool) -> String {
        let join = |parts: &Parts<'e>, word: &str| {
            let parts: Vec<String> = parts.iter().map(|r| r.words_in(true)).collect();
            let text = parts.join(word);
            if nested && parts.len() > 1 {
                format!("({text})")
            } else {
                text
            }
        };
        match self {
            Residual::All(parts) => join(parts, " and "),
            Residual::Any(parts) => join(parts, " or "),
            Residual::Test(test) => test.test().to_owned(),
        }
    }

    /// The unknown facts it tests, in order of first appearance, once each.
    pub fn facts(&self) -> Vec<&'e str> {
        let mut out: Vec<&'e str> = Vec::new();
        self.collect_facts(&mut out);
        out
    }

    fn collect_facts(&self, out: &mut Vec<&'e str>) {
        match self {
            Residual::All(parts) | Residual::Any(parts) => {
                parts.iter().for_each(|r| r.collect_facts(out));
            }
            Residual::Test(test) => {
                if !out.contains(&test.fact()) {
                    out.push(test.fact());
                }
            }
        }
    }
}

impl<'e> Parts<'e> {
    /// The parts, in order.
    pub fn iter(&self) -> impl Iterator<Item = Residual<'e>> + Clone + use<'e> {
        let (evaluation, at) = (self.evaluation, self.at);
        let nodes = &evaluation.data.residuals;
        let end = nodes.get(at as usize).map_or(at, |n| n.end);
        let mut next = at + 1;
        std::iter::from_fn(move || {
            (next < end).then(|| {
                let child = next;
                next = nodes.get(child as usize).map_or(end, |n| n.end);
                Residual::at(evaluation, child)
            })
        })
    }
}

impl<'e> ResidualTest<'e> {
    fn site(&self) -> &'e crate::model::arena::Site {
        self.evaluation.guide().layers().site(self.site)
    }

    /// The unknown fact it tests.
    pub fn fact(&self) -> &'e str {
        self.evaluation.fact_name(self.site().fact)
    }

    /// The test, in words, as the rule states it: `service_level is one of family_help,
    /// edge_of_care`.
    pub fn test(&self) -> &'e str {
        self.site().words(self.negated)
    }
}

/// For an undetermined rule or action and one of its missing facts: values of that fact which,
/// with every other fact as the profile has it, make it apply, and values which rule it out.
/// Each value listed does so (they are evaluated, not guessed); for a `set_of` fact, the values
/// are examples of the sets that do. A view of an [`Evaluation`].
#[derive(Clone, Copy)]
pub struct Deciding<'e> {
    pub(super) evaluation: &'e Evaluation,
    pub(super) data: &'e DecidingData,
}

impl<'e> Deciding<'e> {
    /// The missing fact.
    pub fn fact(&self) -> &'e str {
        self.evaluation.fact_name(self.data.fact)
    }

    /// Values under which it would apply.
    pub fn applies_if(&self) -> impl Iterator<Item = SeenValue<'e>> + Clone + use<'e> {
        self.values(self.data.applies_if)
    }

    /// Values under which it would not apply.
    pub fn not_if(&self) -> impl Iterator<Item = SeenValue<'e>> + Clone + use<'e> {
        self.values(self.data.not_if)
    }

    fn values(&self, span: super::Span) -> impl Iterator<Item = SeenValue<'e>> + Clone + use<'e> {
        let (evaluation, fact) = (self.evaluation, self.data.fact);
        let values = span.of(&evaluation.data.values).iter();
        // A deciding value is a known value of its fact, so every one is seen.
        values.filter_map(move |slot| evaluation.seen(fact, slot))
    }
}

/// A question worth asking next: an unknown fact, and what answering it could settle. A view of
/// an [`Evaluation`].
///
/// Questions are ranked by the strongest evidence level among the undetermined results the
/// answer could decide, then by how many it could decide, then in the vocabulary's order.
#[derive(Clone, Copy)]
pub struct Question<'e> {
    pub(super) evaluation: &'e Evaluation,
    pub(super) data: &'e QuestionData,
}

impl<'e> Question<'e> {
    /// The fact to ask about: its name, description, type and declared values.
    pub fn fact(&self) -> &'e Fact {
        self.evaluation.guide().vocab().get(self.data.fact)
    }

    /// The undetermined recommendations, principles and actions some answer would decide, in
    /// guide order.
    pub fn settles(&self) -> impl ExactSizeIterator<Item = ResultName<'e>> + Clone + use<'e> {
        let evaluation = self.evaluation;
        let settles = self.data.settles.of(&evaluation.data.settles).iter();
        settles.map(move |item| ResultName::of(evaluation, *item))
    }

    /// The strongest evidence level among the recommendations it would decide (or theirs, for
    /// their actions); none when it would decide only principles.
    pub fn strongest(&self) -> Option<&'e EvidenceLevel> {
        let core = &self.evaluation.guide().core;
        core.evidence.get(self.data.strongest?)
    }

    /// That level's position on the guide's scale: 0 is the strongest.
    pub fn strongest_rank(&self) -> Option<usize> {
        self.strongest().and(self.data.strongest)
    }
}

/// The name of a rule (`RULE`) or of one of its actions (`RULE#ACTION`), as results and
/// questions name what they settle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultName<'e> {
    rule: &'e str,
    action: Option<&'e str>,
}

impl<'e> ResultName<'e> {
    pub(crate) fn of(evaluation: &'e Evaluation, item: ResultRef) -> ResultName<'e> {
        let core = &evaluation.guide().core;
        match item {
            ResultRef::Rule(rule) => ResultName {
                rule: &core.rule(rule).id,
                action: None,
            },
            ResultRef::Action(action) => {
                let name = core.action_name(action);
                ResultName {
                    rule: name.rule,
                    action: Some(name.action),
                }
            }
        }
    }

    /// The rule's id.
    pub fn rule(&self) -> &'e str {
        self.rule
    }

    /// The action's id, for an action.
    pub fn action(&self) -> Option<&'e str> {
        self.action
    }
}

impl std::fmt::Display for ResultName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.action {
            Some(action) => ActionName {
                rule: self.rule,
                action,
            }
            .fmt(f),
            None => f.write_str(self.rule),
        }
    }
}

impl PartialEq<&str> for ResultName<'_> {
    fn eq(&self, other: &&str) -> bool {
        match (self.action, ActionName::parse(other)) {
            (None, _) => self.rule == *other,
            (Some(action), Some(name)) => name.rule == self.rule && name.action == action,
            (Some(_), None) => false,
        }
    }
}

/// For a recommendation, principle or action that does not apply: the smallest changes of the
/// profile under which it would (fewest facts changed). Each alternative sets its facts to its
/// values and leaves the rest of the profile as it is; every one works, and no change of fewer
/// facts does. Made by the exact analysis (feature `analysis`). A view of an [`Evaluation`].
#[derive(Clone, Copy)]
pub struct Change<'e> {
    pub(super) evaluation: &'e Evaluation,
    pub(super) data: &'e ChangeData,
}

/// The most alternatives a [`Change`] lists.
pub const MAX_ALTERNATIVES: usize = 16;

impl<'e> Change<'e> {
    /// The rule (`RULE`) or action (`RULE#ACTION`).
    pub fn id(&self) -> ResultName<'e> {
        ResultName::of(self.evaluation, self.data.item)
    }

    /// No change makes it apply: no profile at all does, or only profiles that leave some of
    /// this profile's facts unknown (through a `known:` test).
    pub fn never(&self) -> bool {
        self.data.never
    }

    /// The smallest changes, each a list of facts and the values to give them; at most
    /// [`MAX_ALTERNATIVES`] of them, with [`Change::more`] saying whether there are others.
    pub fn alternatives(
        &self,
    ) -> impl ExactSizeIterator<
        Item = impl ExactSizeIterator<Item = FactChange<'e>> + Clone + use<'e>,
    > + Clone
    + use<'e> {
        let evaluation = self.evaluation;
        self.data.alternatives.iter().map(move |alternative| {
            alternative.iter().map(move |(fact, value)| FactChange {
                fact: evaluation.fact_name(*fact),
                value,
            })
        })
    }

    /// Whether there are more alternatives than listed.
    pub fn more(&self) -> bool {
        self.data.more
    }

    /// The change in words: `service_level were family_help or edge_of_care`; alternatives of
    /// several facts joined by "or".
    pub fn words(&self) -> String {
        if self.never() {
            return "no profile makes it apply".to_owned();
        }
        let alternatives: Vec<Vec<FactChange<'e>>> =
            self.alternatives().map(Iterator::collect).collect();
        let single: Option<&str> = alternatives
            .iter()
            .map(|a| match a.as_slice() {
                [one] => Some(one.fact),
                _ => None,
            })
            .try_fold(None, |same: Option<&str>, fact| match (same, fact) {
                (_, None) => None,
                (None, Some(f)) => Some(Some(f)),
                (Some(s), Some(f)) if s == f => Some(Some(s)),
                _ => None,
            })
            .flatten();
        let mut text = match single {
            Some(fact) => {
                let values: Vec<String> = alternatives
                    .iter()
                    .filter_map(|a| a.first().map(|c| c.value.words()))
                    .collect();
                format!("{fact} were {}", values.join(" or "))
            }
            None => {
                let each: Vec<String> = alternatives
                    .iter()
                    .map(|a| {
                        let parts: Vec<String> = a
                            .iter()
                            .map(|c| format!("{} were {}", c.fact, c.value.words()))
                            .collect();
                        parts.join(" and ")
                    })
                    .collect();
                each.join("; or ")
            }
        };
        if self.more() {
            text.push_str(" (or other values)");
        }
        text
    }
}

/// One fact of a change, and the value to give it.
#[derive(Debug, Clone, Copy)]
pub struct FactChange<'e> {
    fact: &'e str,
    value: &'e ChangedValue,
}

impl<'e> FactChange<'e> {
    /// The fact.
    pub fn fact(&self) -> &'e str {
        self.fact
    }

    /// The value.
    pub fn value(&self) -> &'e ChangedValue {
        self.value
    }
}

/// A value a change gives a fact: a value, or (for an integer) any number in a range the rules
/// do not tell apart.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ChangedValue {
    /// Any whole number from `from` to `to`, both included.
    #[non_exhaustive]
    Between {
        /// The lowest.
        from: i64,
        /// The highest.
        to: i64,
    },
    /// Any text but these (the texts the rules name), for a text fact.
    #[non_exhaustive]
    OtherText {
        /// The texts it is not.
        except: Vec<String>,
    },
    /// This value.
    Value(#[cfg_attr(feature = "schema", schemars(with = "serde_json::Value"))] FactValue),
}

impl ChangedValue {
    /// As reports write it: `family_help`, `[poverty, couple_conflict]`, `2 to 4`.
    pub fn words(&self) -> String {
        match self {
            ChangedValue::Between { from, to } if from == to => from.to_string(),
            ChangedValue::Between { from, to } => format!("{from} to {to}"),
            ChangedValue::OtherText { except } if except.is_empty() => "any text".to_owned(),
            ChangedValue::OtherText { except } => {
                format!("a text other than {}", except.join(", "))
            }
            ChangedValue::Value(FactValue::Bool(b)) => b.to_string(),
            ChangedValue::Value(FactValue::Integer(i)) => i.to_string(),
            ChangedValue::Value(FactValue::Text(t)) => t.clone(),
            ChangedValue::Value(FactValue::List(items)) if items.is_empty() => "none".to_owned(),
            ChangedValue::Value(FactValue::List(items)) => format!("[{}]", items.join(", ")),
        }
    }
}
