//! What an evaluation says of what is still open: the condition that remains of an undetermined
//! result once the known facts are substituted, the values of a missing fact that would decide
//! it, and the questions worth asking next.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{EvidenceRef, SeenValue};
use crate::profile::FactValue;

/// What remains of an undetermined rule's or action's condition (with the guide's scope) once
/// the profile's known facts are substituted and the result simplified: only tests of unknown
/// facts, combined by `all` and `any`. A test under `not:` is written as its negation
/// (`barriers is not empty`), so there is no `not`.
///
/// In JSON, as the rule language writes conditions: `{"any": [{"test": {"fact":
/// "service_level", "test": "service_level is one of family_help, edge_of_care"}}, ...]}`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Residual<'g> {
    /// Every one must hold.
    All(Vec<Residual<'g>>),
    /// At least one must hold.
    Any(Vec<Residual<'g>>),
    /// One test of an unknown fact.
    Test(ResidualTest<'g>),
}

/// One test of a residual.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResidualTest<'g> {
    /// The unknown fact it tests.
    pub fact: Cow<'g, str>,
    /// The test, in words: `service_level is one of family_help, edge_of_care`.
    pub test: Cow<'g, str>,
}

impl Residual<'_> {
    /// The residual in words: `service_level is family_help or (barriers is not empty and
    /// concerns includes child_behaviour)`.
    pub fn words(&self) -> String {
        self.words_in(false)
    }

    fn words_in(&self, nested: bool) -> String {
        let join = |items: &[Residual<'_>], word: &str| {
            let parts: Vec<String> = items.iter().map(|r| r.words_in(true)).collect();
            let text = parts.join(word);
            if nested && parts.len() > 1 {
                format!("({text})")
            } else {
                text
            }
        };
        match self {
            Residual::All(items) => join(items, " and "),
            Residual::Any(items) => join(items, " or "),
            Residual::Test(test) => test.test.to_string(),
        }
    }

    /// The unknown facts it tests, in order of first appearance, once each.
    pub fn facts(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        self.collect_facts(&mut out);
        out
    }

    fn collect_facts<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Residual::All(items) | Residual::Any(items) => {
                items.iter().for_each(|r| r.collect_facts(out));
            }
            Residual::Test(test) => {
                if !out.contains(&test.fact.as_ref()) {
                    out.push(&test.fact);
                }
            }
        }
    }

    pub(crate) fn into_owned(self) -> Residual<'static> {
        let all = |items: Vec<Residual<'_>>| items.into_iter().map(Residual::into_owned).collect();
        match self {
            Residual::All(items) => Residual::All(all(items)),
            Residual::Any(items) => Residual::Any(all(items)),
            Residual::Test(test) => Residual::Test(ResidualTest {
                fact: Cow::Owned(test.fact.into_owned()),
                test: Cow::Owned(test.test.into_owned()),
            }),
        }
    }
}

/// For an undetermined rule or action and one of its missing facts: values of that fact which,
/// with every other fact as the profile has it, make it apply, and values which rule it out.
/// Each value listed does so (they are evaluated, not guessed); for a `set_of` fact, the values
/// are examples of the sets that do.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Deciding<'g> {
    /// The missing fact.
    pub fact: Cow<'g, str>,
    /// Values under which it would apply.
    pub applies_if: Vec<SeenValue<'g>>,
    /// Values under which it would not apply.
    pub not_if: Vec<SeenValue<'g>>,
}

impl Deciding<'_> {
    pub(crate) fn into_owned(self) -> Deciding<'static> {
        Deciding {
            fact: Cow::Owned(self.fact.into_owned()),
            applies_if: self
                .applies_if
                .into_iter()
                .map(SeenValue::into_owned)
                .collect(),
            not_if: self.not_if.into_iter().map(SeenValue::into_owned).collect(),
        }
    }
}

/// A question worth asking next: an unknown fact, and what answering it could settle.
///
/// Questions are ranked by the strongest evidence level among the undetermined results the
/// answer could decide, then by how many it could decide, then in the vocabulary's order.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Question<'g> {
    /// The fact to ask about.
    pub fact: Cow<'g, str>,
    /// What it means, as the vocabulary describes it.
    pub description: Cow<'g, str>,
    /// Its type: `boolean`, `integer`, `one_of`, `set_of` or `text`.
    #[serde(rename = "type")]
    pub fact_type: Cow<'g, str>,
    /// Its declared values, for a `one_of` or `set_of` fact (a `set_of` takes several).
    pub values: Vec<Cow<'g, str>>,
    /// The undetermined recommendations, principles and actions (`RULE#ACTION`) some answer
    /// would decide, in guide order.
    pub settles: Vec<Cow<'g, str>>,
    /// The strongest evidence level among the recommendations it would decide (or theirs, for
    /// their actions); none when it would decide only principles.
    pub strongest: Option<EvidenceRef<'g>>,
}

impl Question<'_> {
    pub(crate) fn into_owned(self) -> Question<'static> {
        Question {
            fact: Cow::Owned(self.fact.into_owned()),
            description: Cow::Owned(self.description.into_owned()),
            fact_type: Cow::Owned(self.fact_type.into_owned()),
            values: self
                .values
                .into_iter()
                .map(|s| Cow::Owned(s.into_owned()))
                .collect(),
            settles: self
                .settles
                .into_iter()
                .map(|s| Cow::Owned(s.into_owned()))
                .collect(),
            strongest: self.strongest.map(EvidenceRef::into_owned),
        }
    }
}

/// For a recommendation, principle or action that does not apply: the smallest changes of the
/// profile under which it would (fewest facts changed). Each alternative sets its facts to its
/// values and leaves the rest of the profile as it is; every one works, and no change of fewer
/// facts does. Made by the exact analysis (feature `analysis`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Change<'g> {
    /// `RULE` or `RULE#ACTION`.
    pub id: Cow<'g, str>,
    /// No change makes it apply: no profile at all does, or only profiles that leave some of
    /// this profile's facts unknown (through a `known:` test).
    pub never: bool,
    /// The smallest changes, each a list of facts and the values to give them; at most
    /// [`MAX_ALTERNATIVES`](crate::result::MAX_ALTERNATIVES) of them, with `more` saying whether
    /// there are others.
    pub alternatives: Vec<Vec<FactChange<'g>>>,
    /// Whether there are more alternatives than listed.
    pub more: bool,
}

/// The most alternatives a [`Change`] lists.
pub const MAX_ALTERNATIVES: usize = 16;

/// One fact of a change, and the value to give it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FactChange<'g> {
    /// The fact.
    pub fact: Cow<'g, str>,
    /// The value.
    pub value: ChangedValue,
}

/// A value a change gives a fact: a value, or (for an integer) any number in a range the rules
/// do not tell apart.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ChangedValue {
    /// Any whole number from `from` to `to`, both included.
    Between {
        /// The lowest.
        from: i64,
        /// The highest.
        to: i64,
    },
    /// Any text but these (the texts the rules name), for a text fact.
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

impl Change<'_> {
    /// The change in words: `service_level were family_help or edge_of_care`; alternatives of
    /// several facts joined by "or".
    pub fn words(&self) -> String {
        if self.never {
            return "no profile makes it apply".to_owned();
        }
        let single: Option<&str> = self
            .alternatives
            .iter()
            .map(|a| match a.as_slice() {
                [one] => Some(one.fact.as_ref()),
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
                let values: Vec<String> = self
                    .alternatives
                    .iter()
                    .filter_map(|a| a.first().map(|c| c.value.words()))
                    .collect();
                format!("{fact} were {}", values.join(" or "))
            }
            None => {
                let each: Vec<String> = self
                    .alternatives
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
        if self.more {
            text.push_str(" (or other values)");
        }
        text
    }

    pub(crate) fn into_owned(self) -> Change<'static> {
        Change {
            id: Cow::Owned(self.id.into_owned()),
            never: self.never,
            alternatives: self
                .alternatives
                .into_iter()
                .map(|a| {
                    a.into_iter()
                        .map(|c| FactChange {
                            fact: Cow::Owned(c.fact.into_owned()),
                            value: c.value,
                        })
                        .collect()
                })
                .collect(),
            more: self.more,
        }
    }
}
