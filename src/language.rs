//! The words of the rule language, each listed once: the fact types, the condition operators
//! (with the operand each takes, the fact types it applies to, and how it reads in a report), the
//! ways a source words its text, and the words that describe a local service.
//!
//! The loader's condition compiler, the describer that turns a test into words, the JSON Schema
//! of conditions and the rule-language reference all read these tables, so what an editor offers
//! is exactly what the loader accepts (a test compares them).

use serde::{Deserialize, Serialize};

/// The type of a fact, as `facts.yaml` writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum FactKind {
    Boolean,
    Integer,
    OneOf,
    SetOf,
    Text,
}

impl FactKind {
    pub(crate) const ALL: [FactKind; 5] = [
        FactKind::Boolean,
        FactKind::Integer,
        FactKind::OneOf,
        FactKind::SetOf,
        FactKind::Text,
    ];

    /// The keyword rule files use: `boolean`, `integer`, `one_of`, `set_of`, `text`.
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            FactKind::Boolean => "boolean",
            FactKind::Integer => "integer",
            FactKind::OneOf => "one_of",
            FactKind::SetOf => "set_of",
            FactKind::Text => "text",
        }
    }

    pub(crate) fn parse(keyword: &str) -> Option<FactKind> {
        FactKind::ALL.into_iter().find(|k| k.keyword() == keyword)
    }

    /// The type another schema or language means by `word` (`bool`, `int`, `enum`, `list`,
    /// `string`...): what a "did you mean" names when the spelling alone is too far off. Never
    /// accepted in place of the keyword: a rule file says `boolean`.
    pub(crate) fn meant_by(word: &str) -> Option<FactKind> {
        let word = word.to_lowercase().replace(['-', ' '], "_");
        match word.as_str() {
            "bool" | "flag" | "yes_no" | "true_false" => Some(FactKind::Boolean),
            "int" | "integer_number" | "number" | "whole_number" | "count" | "age" => {
                Some(FactKind::Integer)
            }
            "enum" | "choice" | "one" | "select" | "category" | "oneof" => Some(FactKind::OneOf),
            "set" | "list" | "array" | "many_of" | "multi" | "multiselect" | "setof" => {
                Some(FactKind::SetOf)
            }
            "string" | "str" | "free_text" => Some(FactKind::Text),
            _ => None,
        }
    }
}

/// What an operator takes as its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operand {
    /// `true` or `false`.
    Flag,
    /// One value of the fact (a boolean, a number, a declared value or a text).
    Value,
    /// A non-empty list of values of the fact.
    Values,
    /// A whole number.
    Number,
    /// Two whole numbers, `[LOW, HIGH]`.
    NumberPair,
    /// One declared value of a set_of fact.
    Member,
    /// A non-empty list of declared values of a set_of fact.
    Members,
    /// A numeric test of how many values a set_of fact has: `{ at_least: 2 }`.
    CountTest,
    /// A regular expression.
    Regex,
}

/// A condition operator: `FACT: { OPERATOR: OPERAND }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Operator {
    Is,
    IsNot,
    In,
    NotIn,
    AtLeast,
    AtMost,
    MoreThan,
    LessThan,
    Between,
    Contains,
    ContainsAny,
    ContainsAll,
    ContainsNone,
    IsEmpty,
    Count,
    Matches,
    Known,
}

use FactKind::{Boolean, Integer, OneOf, SetOf, Text};

/// One row of the operator table.
pub(crate) struct OperatorSpec {
    pub(crate) name: &'static str,
    pub(crate) operand: Operand,
    pub(crate) applies_to: &'static [FactKind],
    /// How the test reads in a report, between the fact's name and the operand.
    pub(crate) words: &'static str,
    /// What it means, for the schema and the reference.
    #[cfg_attr(not(feature = "schema"), allow(dead_code))]
    pub(crate) meaning: &'static str,
}

/// Every operator, in the order messages list them.
pub(crate) const OPERATORS: [Operator; 17] = [
    Operator::Is,
    Operator::IsNot,
    Operator::In,
    Operator::NotIn,
    Operator::AtLeast,
    Operator::AtMost,
    Operator::MoreThan,
    Operator::LessThan,
    Operator::Between,
    Operator::Contains,
    Operator::ContainsAny,
    Operator::ContainsAll,
    Operator::ContainsNone,
    Operator::IsEmpty,
    Operator::Count,
    Operator::Matches,
    Operator::Known,
];

/// The operators a `count:` test may use, in order.
pub(crate) const COUNT_OPERATORS: [Operator; 6] = [
    Operator::Is,
    Operator::AtLeast,
    Operator::AtMost,
    Operator::MoreThan,
    Operator::LessThan,
    Operator::Between,
];

/// The keys a condition mapping may have besides fact names.
pub(crate) const COMBINATORS: [&str; 4] = ["all", "any", "not", "condition"];

/// Whether `name` is a word of the condition language, and so cannot name a fact.
pub(crate) fn is_reserved(name: &str) -> bool {
    COMBINATORS.contains(&name)
}

const ANY_TYPE: &[FactKind] = &[Boolean, Integer, OneOf, SetOf, Text];
const SCALARS: &[FactKind] = &[Boolean, Integer, OneOf, Text];
const LISTABLE: &[FactKind] = &[Integer, OneOf, Text];

impl Operator {
    /// The operator's row of the table.
    #[rustfmt::skip]
    pub(crate) fn spec(self) -> OperatorSpec {
        use Operand as O;
        let (name, operand, applies_to, words, meaning): (_, _, &'static [FactKind], _, _) = match self {
            Operator::Is => ("is", O::Value, SCALARS, "is", "the fact has this value (`FACT: VALUE` is shorthand for it)"),
            Operator::IsNot => ("is_not", O::Value, SCALARS, "is not", "the fact does not have this value"),
            Operator::In => ("in", O::Values, LISTABLE, "is one of", "the fact has one of these values"),
            Operator::NotIn => ("not_in", O::Values, LISTABLE, "is none of", "the fact has none of these values"),
            Operator::AtLeast => ("at_least", O::Number, &[Integer], "is at least", "the number is this or more"),
            Operator::AtMost => ("at_most", O::Number, &[Integer], "is at most", "the number is this or less"),
            Operator::MoreThan => ("more_than", O::Number, &[Integer], "is more than", "the number is more than this"),
            Operator::LessThan => ("less_than", O::Number, &[Integer], "is less than", "the number is less than this"),
            Operator::Between => ("between", O::NumberPair, &[Integer], "is between", "the number is between the two, both included: `[LOW, HIGH]`"),
            Operator::Contains => ("contains", O::Member, &[SetOf], "includes", "the set includes this value"),
            Operator::ContainsAny => ("contains_any", O::Members, &[SetOf], "includes any of", "the set includes at least one of these values"),
            Operator::ContainsAll => ("contains_all", O::Members, &[SetOf], "includes all of", "the set includes every one of these values"),
            Operator::ContainsNone => ("contains_none", O::Members, &[SetOf], "includes none of", "the set includes none of these values"),
            Operator::IsEmpty => ("is_empty", O::Flag, &[SetOf], "is empty", "`true`: the set has no values; `false`: it has at least one"),
            Operator::Count => ("count", O::CountTest, &[SetOf], "the number of", "a numeric test of how many values the set has, e.g. `{ at_least: 2 }`"),
            Operator::Matches => ("matches", O::Regex, &[Text], "matches the pattern", "the text matches this regular expression (Rust `regex` syntax)"),
            Operator::Known => ("known", O::Flag, ANY_TYPE, "is known", "`true`: the profile gives the fact; `false`: it does not (not monotone: use it to ask for information)"),
        };
        OperatorSpec { name, operand, applies_to, words, meaning }
    }

    /// How the test's negation reads in a report (for a test under `not:`), between the fact's
    /// name and the operand: `at_least 2` negated is "is less than 2".
    pub(crate) fn negated_words(self) -> &'static str {
        match self {
            Operator::Is => "is not",
            Operator::IsNot => "is",
            Operator::In => "is none of",
            Operator::NotIn => "is one of",
            Operator::AtLeast => "is less than",
            Operator::AtMost => "is more than",
            Operator::MoreThan => "is at most",
            Operator::LessThan => "is at least",
            Operator::Between => "is not between",
            Operator::Contains => "does not include",
            Operator::ContainsAny => "includes none of",
            Operator::ContainsAll => "does not include all of",
            Operator::ContainsNone => "includes any of",
            Operator::IsEmpty => "is not empty",
            Operator::Count => "the number of",
            Operator::Matches => "does not match the pattern",
            Operator::Known => "is not known",
        }
    }

    /// The operator named `name`, if there is one.
    pub(crate) fn parse(name: &str) -> Option<Operator> {
        OPERATORS.into_iter().find(|o| o.name() == name)
    }

    pub(crate) fn name(self) -> &'static str {
        self.spec().name
    }

    pub(crate) fn applies_to(self, kind: FactKind) -> bool {
        self.spec().applies_to.contains(&kind)
    }

    /// The names of the operators valid on a fact of `kind`, in table order.
    pub(crate) fn names_for(kind: FactKind) -> Vec<String> {
        OPERATORS
            .into_iter()
            .filter(|o| o.applies_to(kind))
            .map(|o| o.name().to_owned())
            .collect()
    }
}

/// Whether a statement is the guide's own words or someone's summary of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Wording {
    /// The guide's own words.
    Verbatim,
    /// A summary: a press release's, a report's or this encoding's wording about the guide.
    Summary,
}

/// A closed set of words a rule file may use, with the name messages give the set.
pub(crate) trait Keyword: Copy + PartialEq + 'static {
    /// What the words name, for messages ("delivery").
    const WHAT: &'static str;
    /// Every value.
    const ALL: &'static [Self];
    /// The word rule files use.
    fn as_str(self) -> &'static str;

    /// The value written `word`, if any.
    fn parse(word: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == word)
    }
}

impl Keyword for Wording {
    const WHAT: &'static str = "wording";
    const ALL: &'static [Self] = &[Wording::Verbatim, Wording::Summary];
    fn as_str(self) -> &'static str {
        match self {
            Wording::Verbatim => "verbatim",
            Wording::Summary => "summary",
        }
    }
}

macro_rules! keywords {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($(#[$vdoc:meta])* $variant:ident => $word:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            #[doc = concat!("As rule files and JSON write it: ", $(concat!("`", $word, "` ")),*)]
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word,)* }
            }
        }

        impl Keyword for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$($name::$variant,)*];
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }
    };
}

keywords!(
    /// How a service is delivered.
    Delivery, "delivery", {
        /// In person.
        FaceToFace => "face_to_face",
        /// Online only.
        Online => "online",
        /// Partly in person, partly online.
        Hybrid => "hybrid",
    }
);

keywords!(
    /// Whether a service works with parents in groups or one family at a time.
    Format, "format", {
        /// A group of parents.
        Group => "group",
        /// One family at a time.
        Individual => "individual",
    }
);

keywords!(
    /// Whether a programme follows a fixed structure or adapts its content and sessions.
    Structure, "structure", {
        /// A fixed, structured programme (set sessions and content).
        Fixed => "fixed",
        /// A flexible or modular programme.
        Flexible => "flexible",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operator_parses_back_from_its_name() {
        for operator in OPERATORS {
            assert_eq!(Operator::parse(operator.name()), Some(operator));
            assert!(!operator.spec().applies_to.is_empty());
        }
    }
}
