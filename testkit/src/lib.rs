//! Random small guides, and every profile each can be given: the generator behind the
//! differential tests (the analysis and both evaluators against brute force) and the
//! structure-aware fuzz targets.
//!
//! A generated guide is rule-file text (so it goes through the loader like any guide) over a few
//! facts of every type with small domains: booleans, `one_of` and `set_of` facts of two or three
//! values, integers from 0 to 5, texts compared with a few literals. Conditions nest `all`,
//! `any`, `not`, named conditions and tests with every operator. Small domains make
//! [`Generated::profiles`] (every profile: each fact unknown or any of its values) short enough
//! to enumerate.
//!
//! The generator draws its choices from a [`Source`]: a seeded generator for tests
//! ([`Seeded`]), or the fuzzer's bytes ([`Bytes`]). It does not depend on the library, so that
//! the library's own tests can use it.

// Every index is drawn below the length of the list it indexes.
#![allow(clippy::indexing_slicing)]

/// Where the generator's choices come from.
pub trait Source {
    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize;

    /// True one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// A deterministic generator (SplitMix64) from a seed.
#[derive(Debug, Clone)]
pub struct Seeded(u64);

impl Seeded {
    /// The generator for `seed`.
    pub fn new(seed: u64) -> Seeded {
        Seeded(seed)
    }
}

impl Source for Seeded {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        if n == 0 {
            0
        } else {
            usize::try_from(z % n as u64).unwrap_or(0)
        }
    }
}

/// Choices read from bytes (a fuzzer's input); 0 once they run out.
#[derive(Debug, Clone)]
pub struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    /// Choices from `data`.
    pub fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data }
    }
}

impl Source for Bytes<'_> {
    fn below(&mut self, n: usize) -> usize {
        match self.data.split_first() {
            Some((first, rest)) if n > 0 => {
                self.data = rest;
                usize::from(*first) % n
            }
            _ => 0,
        }
    }
}

/// A fact's value in a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A boolean fact's.
    Bool(bool),
    /// An integer fact's.
    Int(i64),
    /// A `one_of` or text fact's.
    Text(String),
    /// A `set_of` fact's.
    List(Vec<String>),
}

/// The type of a generated fact, with its domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `boolean`.
    Boolean,
    /// `integer`, `range: [0, 5]`.
    Integer,
    /// `one_of` these values.
    OneOf(Vec<String>),
    /// `set_of` these values.
    SetOf(Vec<String>),
    /// `text`: tests compare with these literals.
    Text(Vec<String>),
}

/// The most a generated integer fact can be.
pub const INT_MAX: i64 = 5;

/// A generated fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// Its name.
    pub name: String,
    /// Its type.
    pub kind: Kind,
}

impl Fact {
    /// Every value the fact can have.
    pub fn values(&self) -> Vec<Value> {
        match &self.kind {
            Kind::Boolean => vec![Value::Bool(false), Value::Bool(true)],
            Kind::Integer => (0..=INT_MAX).map(Value::Int).collect(),
            Kind::OneOf(values) => values.iter().cloned().map(Value::Text).collect(),
            Kind::SetOf(values) => (0..1usize << values.len())
                .map(|bits| {
                    let members = values
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| bits & (1 << i) != 0);
                    Value::List(members.map(|(_, v)| v.clone()).collect())
                })
                .collect(),
            // The literals tests name, and one text no test names.
            Kind::Text(literals) => literals
                .iter()
                .cloned()
                .chain(["zz-other".to_owned()])
                .map(Value::Text)
                .collect(),
        }
    }
}

/// A generated guide: its files, and its facts.
#[derive(Debug, Clone)]
pub struct Generated {
    /// `(file name, text)` for a guide folder.
    pub files: Vec<(&'static str, String)>,
    /// The facts, in declaration order.
    pub facts: Vec<Fact>,
}

impl Generated {
    /// Every profile: each fact unknown (left out) or given any of its values.
    pub fn profiles(&self) -> Vec<Vec<(String, Value)>> {
        let mut all: Vec<Vec<(String, Value)>> = vec![Vec::new()];
        for fact in &self.facts {
            let values = fact.values();
            let mut next = Vec::with_capacity(all.len() * (values.len() + 1));
            for profile in &all {
                next.push(profile.clone());
                for value in &values {
                    let mut with = profile.clone();
                    with.push((fact.name.clone(), value.clone()));
                    next.push(with);
                }
            }
            all = next;
        }
        all
    }
}

/// A random small guide: 1 to 4 facts, up to 2 named conditions, an optional scope, 1 to 3
/// recommendations with up to 2 "how" points each, and an optional principle.
pub fn guide(source: &mut impl Source) -> Generated {
    let facts = facts(source);
    let mut generator = Conditions {
        facts: &facts,
        named: Vec::new(),
    };
    let mut conditions = String::new();
    for i in 0..source.below(3) {
        let name = format!("named_{i}");
        let when = generator.condition(source, 2);
        conditions.push_str(&format!(
            "{name}:\n  description: A named condition.\n  when: {when}\n"
        ));
        generator.named.push(name);
    }
    let scope = if source.one_in(2) {
        let when = generator.condition(source, 2);
        format!("scope:\n  description: The scope.\n  when: {when}\n")
    } else {
        String::new()
    };
    let mut recommendations = String::new();
    for r in 0..1 + source.below(3) {
        let when = generator.condition(source, 3);
        recommendations.push_str(&format!(
            "- id: r{r}\n  title: Recommendation {r}\n  statement: Do {r}.\n  evidence: not_known\n  \
             when: {when}\n{}  sources:\n    - url: https://example.org/r{r}\n      wording: summary\n",
            actions(&mut generator, source)
        ));
    }
    let principles = if source.one_in(2) {
        let when = if source.one_in(2) {
            format!("  when: {}\n", generator.condition(source, 2))
        } else {
            String::new()
        };
        format!(
            "- id: p0\n  title: Principle\n  statement: Work well.\n{when}{}  sources:\n    - url: https://example.org/p0\n      wording: summary\n",
            actions(&mut generator, source)
        )
    } else {
        "[]\n".to_owned()
    };
    let files = vec![
        ("guide.yaml", format!("{GUIDE}{scope}")),
        ("facts.yaml", facts_yaml(&facts)),
        (
            "conditions.yaml",
            if conditions.is_empty() {
                "{}\n".to_owned()
            } else {
                conditions
            },
        ),
        ("principles.yaml", principles),
        ("recommendations.yaml", recommendations),
    ];
    Generated { files, facts }
}

const GUIDE: &str = "\
id: generated
title: A generated guide
publisher: The tests
published: 2025-01-01
source: https://example.org/generated
version: 1.0.0
evidence:
  - id: strong
    label: Strong evidence
  - id: not_known
    label: Rating not known
    unrated: true
";

fn facts(source: &mut impl Source) -> Vec<Fact> {
    let names = |n: usize, prefix: &str| (0..n).map(|i| format!("{prefix}{i}")).collect();
    (0..1 + source.below(4))
        .map(|i| {
            let kind = match source.below(5) {
                0 => Kind::Boolean,
                1 => Kind::Integer,
                2 => Kind::OneOf(names(2 + source.below(2), "v")),
                3 => Kind::SetOf(names(2 + source.below(2), "m")),
                _ => Kind::Text(names(1 + source.below(2), "t")),
            };
            Fact {
                name: format!("fact_{i}"),
                kind,
            }
        })
        .collect()
}

fn facts_yaml(facts: &[Fact]) -> String {
    let mut out = String::new();
    for fact in facts {
        let (kind, extra) = match &fact.kind {
            Kind::Boolean => ("boolean", String::new()),
            Kind::Integer => ("integer", format!("  range: [0, {INT_MAX}]\n")),
            Kind::OneOf(values) => ("one_of", format!("  values: [{}]\n", values.join(", "))),
            Kind::SetOf(values) => ("set_of", format!("  values: [{}]\n", values.join(", "))),
            Kind::Text(_) => ("text", String::new()),
        };
        out.push_str(&format!(
            "{}:\n  type: {kind}\n  description: A fact.\n{extra}",
            fact.name
        ));
    }
    out
}

/// The "how" points of a rule, as YAML (`how:` and its items), or nothing.
fn actions(generator: &mut Conditions<'_>, source: &mut impl Source) -> String {
    let n = source.below(3);
    if n == 0 {
        return String::new();
    }
    let mut out = "  how:\n".to_owned();
    for a in 0..n {
        out.push_str(&format!("    - id: a{a}\n      text: Point {a}.\n"));
        if source.below(4) != 0 {
            out.push_str(&format!("      when: {}\n", generator.condition(source, 2)));
        }
    }
    out
}

/// Random conditions over the facts and the named conditions so far.
struct Conditions<'f> {
    facts: &'f [Fact],
    named: Vec<String>,
}

impl Conditions<'_> {
    /// A condition in flow style, nested at most `depth` combinators deep.
    fn condition(&mut self, source: &mut impl Source, depth: usize) -> String {
        let choice = if depth == 0 { 4 } else { source.below(8) };
        match choice {
            0 | 1 => {
                let word = if choice == 0 { "all" } else { "any" };
                let items: Vec<String> = (0..1 + source.below(3))
                    .map(|_| self.condition(source, depth - 1))
                    .collect();
                format!("{{ {word}: [{}] }}", items.join(", "))
            }
            2 => format!("{{ not: {} }}", self.condition(source, depth - 1)),
            3 if !self.named.is_empty() => {
                let name = &self.named[source.below(self.named.len())];
                format!("{{ condition: {name} }}")
            }
            _ => self.test(source),
        }
    }

    /// One test of a random fact, with an operator its type takes (every operand within the
    /// fact's domain, as the loader requires).
    fn test(&self, source: &mut impl Source) -> String {
        let fact = &self.facts[source.below(self.facts.len())];
        let name = &fact.name;
        if source.one_in(12) {
            let flag = source.one_in(2);
            return format!("{{ {name}: {{ known: {flag} }} }}");
        }
        let test = match &fact.kind {
            Kind::Boolean => format!("{}", source.one_in(2)),
            Kind::Integer => integer_test(source),
            Kind::OneOf(values) => {
                let (a, b) = (pick(source, values), pick(source, values));
                match source.below(4) {
                    0 => a,
                    1 => format!("{{ is_not: {a} }}"),
                    2 => format!("{{ in: [{a}] }}"),
                    _ => format!("{{ not_in: [{}] }}", distinct(&a, &b)),
                }
            }
            Kind::SetOf(values) => {
                let (a, b) = (pick(source, values), pick(source, values));
                match source.below(6) {
                    0 => format!("{{ contains: {a} }}"),
                    1 => format!("{{ contains_any: [{}] }}", distinct(&a, &b)),
                    2 => format!("{{ contains_all: [{}] }}", distinct(&a, &b)),
                    3 => format!("{{ contains_none: [{a}] }}"),
                    4 => format!("{{ is_empty: {} }}", source.one_in(2)),
                    _ => format!(
                        "{{ count: {{ at_least: {} }} }}",
                        source.below(values.len() + 1)
                    ),
                }
            }
            Kind::Text(literals) => {
                let a = pick(source, literals);
                match source.below(3) {
                    0 => a,
                    1 => format!("{{ is_not: {a} }}"),
                    _ => format!("{{ in: [{a}] }}"),
                }
            }
        };
        format!("{{ {name}: {test} }}")
    }
}

/// A random test of an integer fact from 0 to [`INT_MAX`].
fn integer_test(source: &mut impl Source) -> String {
    let mut int = || i64::try_from(source.below(INT_MAX as usize + 1)).unwrap_or(0);
    let (a, b) = (int(), int());
    match source.below(8) {
        0 => format!("{{ at_least: {a} }}"),
        1 => format!("{{ at_most: {a} }}"),
        2 => format!("{{ more_than: {a} }}"),
        3 => format!("{{ less_than: {a} }}"),
        4 => format!("{{ between: [{}, {}] }}", a.min(b), a.max(b)),
        5 => format!(
            "{{ in: [{}] }}",
            if a == b {
                a.to_string()
            } else {
                format!("{a}, {b}")
            }
        ),
        6 => format!("{{ is: {a} }}"),
        _ => format!("{{ is_not: {a} }}"),
    }
}

/// One of `values`.
fn pick(source: &mut impl Source, values: &[String]) -> String {
    values[source.below(values.len())].clone()
}

/// `a` and `b` as a list, once each.
fn distinct(a: &str, b: &str) -> String {
    if a == b {
        a.to_owned()
    } else {
        format!("{a}, {b}")
    }
}
