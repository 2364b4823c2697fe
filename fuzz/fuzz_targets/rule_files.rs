//! Rule-file text from structure: `arbitrary` builds a file of facts, named conditions or rules
//! over a small vocabulary (the base guide's facts, values, conditions and ids, with a few names
//! that are not), and it is written out as YAML, so that most inputs parse and reach the
//! loader's checks: types, ranges, operands, references, ids, sources. An `Odd` part here and
//! there (a key the file does not take, a value of the wrong shape) reaches the errors.

use std::fmt::Write;

use arbitrary::Arbitrary;

/// Names a file may use: mostly the base guide's, some that it does not declare.
const FACTS: [&str; 7] = [
    "flag",
    "age",
    "level",
    "issues",
    "note",
    "missing_fact",
    "Bad-Name",
];
const VALUES: [&str; 6] = ["low", "high", "money", "housing", "health", "unknown_value"];
const CONDITIONS: [&str; 4] = ["has_issues", "young", "c_new", "undeclared"];
const RULES: [&str; 5] = ["r-base", "p-base", "r-new", "p-new", "R_bad"];
const EVIDENCE: [&str; 3] = ["strong", "not_known", "weak"];
const KEYS: [&str; 8] = [
    "id", "when", "type", "values", "rating", "unrated", "extra", "fit",
];

/// One file of the guide, from structure.
#[derive(Arbitrary, Debug)]
pub enum File {
    Facts(Vec<Fact>),
    Conditions(Vec<(Name<4>, Option<Condition>, Odd)>),
    Recommendations(Vec<Rule>),
    Principles(Vec<Rule>),
}

impl File {
    /// The file's name in a guide folder.
    pub fn name(&self) -> &'static str {
        match self {
            File::Facts(_) => "facts.yaml",
            File::Conditions(_) => "conditions.yaml",
            File::Recommendations(_) => "recommendations.yaml",
            File::Principles(_) => "principles.yaml",
        }
    }

    /// The file as YAML.
    pub fn text(&self) -> String {
        let mut out = String::new();
        match self {
            File::Facts(facts) if facts.is_empty() => out.push_str("{}\n"),
            File::Facts(facts) => facts.iter().for_each(|f| f.write(&mut out)),
            File::Conditions(named) if named.is_empty() => out.push_str("{}\n"),
            File::Conditions(named) => {
                for (name, when, odd) in named {
                    let _ = writeln!(
                        out,
                        "{}:\n  description: A condition.",
                        name.of(&CONDITIONS)
                    );
                    if let Some(when) = when {
                        let _ = writeln!(out, "  when: {}", when.flow(0));
                    }
                    odd.write(&mut out, "  ");
                }
            }
            File::Recommendations(rules) | File::Principles(rules) if rules.is_empty() => {
                out.push_str("[]\n")
            }
            File::Recommendations(rules) | File::Principles(rules) => {
                rules.iter().for_each(|r| r.write(&mut out))
            }
        }
        out
    }
}

/// One of the names in a list, or (rarely) a name of the input's own.
#[derive(Arbitrary, Debug)]
pub struct Name<const N: usize>(u8);

impl<const N: usize> Name<N> {
    fn of(&self, names: &[&'static str; N]) -> &'static str {
        names[usize::from(self.0) % N]
    }
}

#[derive(Arbitrary, Debug)]
pub struct Fact {
    name: Name<7>,
    kind: FactKind,
    description: bool,
    odd: Odd,
}

#[derive(Arbitrary, Debug)]
enum FactKind {
    Boolean,
    Integer { range: Option<(i8, i8)>, unit: bool },
    OneOf(Vec<Name<6>>, bool),
    SetOf(Vec<Name<6>>, bool),
    Text { pattern: Option<Pattern> },
    Other(Name<8>),
}

#[derive(Arbitrary, Debug)]
pub enum Pattern {
    Postcode,
    Digits,
    Broken,
    Any,
}

impl Fact {
    fn write(&self, out: &mut String) {
        let _ = writeln!(out, "{}:", self.name.of(&FACTS));
        let list = |values: &[Name<6>], mapping: bool| {
            if mapping {
                let items: Vec<String> = values
                    .iter()
                    .map(|v| format!("{}: A value", v.of(&VALUES)))
                    .collect();
                format!("{{ {} }}", items.join(", "))
            } else {
                let items: Vec<&str> = values.iter().map(|v| v.of(&VALUES)).collect();
                format!("[{}]", items.join(", "))
            }
        };
        match &self.kind {
            FactKind::Boolean => out.push_str("  type: boolean\n"),
            FactKind::Integer { range, unit } => {
                out.push_str("  type: integer\n");
                if let Some((a, b)) = range {
                    let _ = writeln!(out, "  range: [{a}, {b}]");
                }
                if *unit {
                    out.push_str("  unit: years\n");
                }
            }
            FactKind::OneOf(values, mapping) => {
                let _ = writeln!(out, "  type: one_of\n  values: {}", list(values, *mapping));
            }
            FactKind::SetOf(values, mapping) => {
                let _ = writeln!(out, "  type: set_of\n  values: {}", list(values, *mapping));
            }
            FactKind::Text { pattern } => {
                out.push_str("  type: text\n");
                let pattern = pattern.as_ref().map(|p| match p {
                    Pattern::Postcode => "'^[A-Z]{1,2}[0-9][0-9A-Z]?$'",
                    Pattern::Digits => "'[0-9]+'",
                    Pattern::Broken => "'[a-'",
                    Pattern::Any => "'.*'",
                });
                if let Some(pattern) = pattern {
                    let _ = writeln!(out, "  pattern: {pattern}");
                }
            }
            FactKind::Other(word) => {
                let _ = writeln!(out, "  type: {}", word.of(&KEYS));
            }
        }
        if self.description {
            out.push_str("  description: A fact.\n");
        }
        self.odd.write(out, "  ");
    }
}

/// A condition, written in flow style.
#[derive(Arbitrary, Debug)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Named(Name<4>),
    Test(Name<7>, Vec<(Operator, Operand)>),
    /// `FACT: VALUE`, the shorthand for `is`.
    Is(Name<7>, Operand),
}

/// The operators, by the words rule files use.
const OPERATORS: [&str; 18] = [
    "is",
    "is_not",
    "in",
    "not_in",
    "at_least",
    "at_most",
    "more_than",
    "less_than",
    "between",
    "contains",
    "contains_any",
    "contains_all",
    "contains_none",
    "is_empty",
    "count",
    "matches",
    "known",
    "near",
];

#[derive(Arbitrary, Debug)]
pub struct Operator(Name<18>);

#[derive(Arbitrary, Debug)]
pub enum Operand {
    Bool(bool),
    Int(i8),
    Value(Name<6>),
    Values(Vec<Name<6>>),
    Ints(Vec<i8>),
    Pattern(Pattern),
    /// For `count`: a numeric test.
    Count(Operator, i8),
}

impl Condition {
    fn flow(&self, depth: usize) -> String {
        // Deep enough for every combinator; deeper only costs time.
        if depth > 6 {
            return "{ flag: true }".to_owned();
        }
        let list = |items: &[Condition]| {
            let items: Vec<String> = items.iter().map(|c| c.flow(depth + 1)).collect();
            format!("[{}]", items.join(", "))
        };
        match self {
            Condition::All(items) => format!("{{ all: {} }}", list(items)),
            Condition::Any(items) => format!("{{ any: {} }}", list(items)),
            Condition::Not(inner) => format!("{{ not: {} }}", inner.flow(depth + 1)),
            Condition::Named(name) => format!("{{ condition: {} }}", name.of(&CONDITIONS)),
            Condition::Test(fact, tests) => {
                let tests: Vec<String> = tests
                    .iter()
                    .map(|(op, operand)| format!("{}: {}", op.0.of(&OPERATORS), operand.flow()))
                    .collect();
                format!("{{ {}: {{ {} }} }}", fact.of(&FACTS), tests.join(", "))
            }
            Condition::Is(fact, operand) => {
                format!("{{ {}: {} }}", fact.of(&FACTS), operand.flow())
            }
        }
    }
}

impl Operand {
    fn flow(&self) -> String {
        match self {
            Operand::Bool(b) => b.to_string(),
            Operand::Int(i) => i.to_string(),
            Operand::Value(v) => v.of(&VALUES).to_owned(),
            Operand::Values(values) => {
                let values: Vec<&str> = values.iter().map(|v| v.of(&VALUES)).collect();
                format!("[{}]", values.join(", "))
            }
            Operand::Ints(ints) => {
                let ints: Vec<String> = ints.iter().map(i8::to_string).collect();
                format!("[{}]", ints.join(", "))
            }
            Operand::Pattern(p) => match p {
                Pattern::Postcode => "'^ZZ[0-9]$'".to_owned(),
                Pattern::Digits => "'[0-9]+'".to_owned(),
                Pattern::Broken => "'(a'".to_owned(),
                Pattern::Any => "'.*'".to_owned(),
            },
            Operand::Count(op, n) => format!("{{ {}: {n} }}", op.0.of(&OPERATORS)),
        }
    }
}

/// A recommendation or principle.
#[derive(Arbitrary, Debug)]
pub struct Rule {
    id: Name<5>,
    title: bool,
    evidence: Option<Name<3>>,
    when: Option<Condition>,
    how: Vec<(Name<5>, Option<Condition>)>,
    links: Vec<Name<5>>,
    sources: Vec<(bool, Option<Name<3>>)>,
    odd: Odd,
}

impl Rule {
    fn write(&self, out: &mut String) {
        let _ = writeln!(out, "- id: {}", self.id.of(&RULES));
        if self.title {
            out.push_str("  title: A rule\n");
        }
        out.push_str("  statement: Do it.\n");
        if let Some(level) = &self.evidence {
            let _ = writeln!(out, "  evidence: {}", level.of(&EVIDENCE));
        }
        if let Some(when) = &self.when {
            let _ = writeln!(out, "  when: {}", when.flow(0));
        }
        if !self.how.is_empty() {
            out.push_str("  how:\n");
            for (id, when) in &self.how {
                let _ = writeln!(out, "    - id: {}\n      text: A point.", id.of(&RULES));
                if let Some(when) = when {
                    let _ = writeln!(out, "      when: {}", when.flow(0));
                }
            }
        }
        if !self.links.is_empty() {
            let links: Vec<&str> = self.links.iter().map(|l| l.of(&RULES)).collect();
            let _ = writeln!(out, "  principles: [{}]", links.join(", "));
        }
        if !self.sources.is_empty() {
            out.push_str("  sources:\n");
            for (verbatim, rating) in &self.sources {
                let wording = if *verbatim { "verbatim" } else { "summary" };
                let _ = writeln!(
                    out,
                    "    - url: https://example.org/s\n      wording: {wording}"
                );
                if let Some(rating) = rating {
                    let _ = writeln!(out, "      rating: {}", rating.of(&EVIDENCE));
                }
            }
        }
        self.odd.write(out, "  ");
    }
}

/// Now and then, a key the item does not take, or one it takes with a value of the wrong shape.
#[derive(Arbitrary, Debug)]
pub enum Odd {
    Nothing,
    Key(Name<8>, Operand),
    Nested(Name<8>),
}

impl Odd {
    fn write(&self, out: &mut String, indent: &str) {
        match self {
            Odd::Nothing => {}
            Odd::Key(key, operand) => {
                let _ = writeln!(out, "{indent}{}: {}", key.of(&KEYS), operand.flow());
            }
            Odd::Nested(key) => {
                let _ = writeln!(
                    out,
                    "{indent}{}:\n{indent}  - [1, {{ a: b }}]",
                    key.of(&KEYS)
                );
            }
        }
    }
}
