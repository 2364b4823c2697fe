//! Shared by the benches: the neutral workload's rule format (see
//! `../shared/perf/gen_workload.py`) translated into this crate's rule files, profiles converted
//! from its JSON, and a self-contained generator of rule sets and profiles in the same shape, so
//! that the benches run on a fresh clone without the workload folder.

// Each bench uses part of this module.
#![allow(dead_code)]

pub mod neutral;

use std::collections::{BTreeMap, BTreeSet};

use practice_guide::{FactValue, FamilyProfile};
use serde::Deserialize;
use serde_json::{Value, json};

/// What the workload's profiles and rules say about one fact.
enum Seen {
    Boolean,
    Integer(i64, i64),
    OneOf(BTreeSet<String>),
    SetOf(BTreeSet<String>),
}

/// The vocabulary implied by the workload: fact types from the profiles' values (every fact is
/// present in every profile), declared values and integer ranges from both profiles and rules.
#[derive(Default)]
pub struct Vocabulary {
    facts: BTreeMap<String, Seen>,
}

impl Vocabulary {
    pub fn from_profiles(profiles: &[FamilyProfile]) -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        for profile in profiles {
            for (name, value) in profile.iter() {
                vocabulary.see(name, value);
            }
        }
        vocabulary
    }

    fn see(&mut self, name: &str, value: &FactValue) {
        let entry = self.facts.entry(name.to_owned());
        let seen = entry.or_insert_with(|| match value {
            FactValue::Bool(_) => Seen::Boolean,
            FactValue::Integer(n) => Seen::Integer(*n, *n),
            FactValue::Text(_) => Seen::OneOf(BTreeSet::new()),
            FactValue::List(_) => Seen::SetOf(BTreeSet::new()),
        });
        match (seen, value) {
            (Seen::Integer(lo, hi), FactValue::Integer(n)) => {
                *lo = (*lo).min(*n);
                *hi = (*hi).max(*n);
            }
            (Seen::OneOf(values) | Seen::SetOf(values), FactValue::Text(s)) => {
                values.insert(s.clone());
            }
            (Seen::OneOf(values) | Seen::SetOf(values), FactValue::List(items)) => {
                values.extend(items.iter().cloned());
            }
            _ => {}
        }
    }

    fn facts_yaml(&self) -> String {
        let mut out = String::new();
        for (name, seen) in &self.facts {
            let (kind, extra) = match seen {
                Seen::Boolean => ("boolean", String::new()),
                Seen::Integer(lo, hi) => ("integer", format!(", range: [{lo}, {hi}]")),
                Seen::OneOf(v) => ("one_of", format!(", values: {}", json!(v))),
                Seen::SetOf(v) => ("set_of", format!(", values: {}", json!(v))),
            };
            out.push_str(&format!(
                "{name}: {{ type: {kind}, description: \"{name}, as in the neutral workload\"{extra} }}\n"
            ));
        }
        out
    }
}

/// A neutral rule, as `rules-N.json` holds it.
#[derive(Debug, Deserialize)]
pub struct Rule {
    pub id: String,
    pub strength: String,
    pub when: Cond,
}

/// A neutral condition.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Cond {
    All {
        all: Vec<Cond>,
    },
    Any {
        any: Vec<Cond>,
    },
    Not {
        not: Box<Cond>,
    },
    Leaf {
        fact: String,
        op: String,
        #[serde(default)]
        value: Value,
    },
}

/// Writes one neutral condition in this crate's condition language (as JSON, which is YAML's
/// flow subset), recording the values it uses in `vocabulary`.
fn condition(c: &Cond, vocabulary: &mut Vocabulary, out: &mut String) {
    let list = |key: &str, items: &[Cond], vocabulary: &mut Vocabulary, out: &mut String| {
        out.push_str(&format!("{{\"{key}\":["));
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            condition(item, vocabulary, out);
        }
        out.push_str("]}");
    };
    match c {
        Cond::All { all } => list("all", all, vocabulary, out),
        Cond::Any { any } => list("any", any, vocabulary, out),
        Cond::Not { not } => {
            out.push_str("{\"not\":");
            condition(not, vocabulary, out);
            out.push('}');
        }
        Cond::Leaf { fact, op, value } => {
            if !value.is_null() {
                vocabulary.see(fact, &fact_value(value));
            }
            let (operator, value) = match op.as_str() {
                "eq" => ("is", value.clone()),
                "in" => ("in", value.clone()),
                "contains" => ("contains", value.clone()),
                "contains_any" => ("contains_any", value.clone()),
                "gte" => ("at_least", value.clone()),
                "lte" => ("at_most", value.clone()),
                "is_true" => ("is", Value::Bool(true)),
                other => panic!("unknown op {other}"),
            };
            out.push_str(&format!("{{{}:{{\"{operator}\":{value}}}}}", json!(fact)));
        }
    }
}

/// The guide files (`guide.yaml`, `facts.yaml`, `recommendations.yaml`) for neutral `rules`,
/// over the facts of `vocabulary` (which the rules' values extend). Rule `i` of the input is
/// recommendation `i` of the guide; ids are lower-cased (`R01` → `r01`).
pub fn guide_files(rules: &[Rule], mut vocabulary: Vocabulary) -> Vec<(&'static str, String)> {
    let mut strengths: Vec<&str> = Vec::new();
    let mut recommendations = String::with_capacity(rules.len() * 300);
    recommendations.push_str("[\n");
    for (i, rule) in rules.iter().enumerate() {
        if !strengths.contains(&rule.strength.as_str()) {
            strengths.push(&rule.strength);
        }
        if i > 0 {
            recommendations.push_str(",\n");
        }
        recommendations.push_str(&format!(
            "{{\"id\":{},\"title\":{},\"statement\":{},\"evidence\":{},\"when\":",
            json!(rule.id.to_ascii_lowercase()),
            json!(rule.id),
            json!(rule.id),
            json!(rule.strength),
        ));
        condition(&rule.when, &mut vocabulary, &mut recommendations);
        // A rated recommendation needs a source that gives its rating: the workload's own.
        recommendations.push_str(&format!(
            ",\"sources\":[{{\"url\":\"https://example.org/neutral-workload\",\
             \"wording\":\"summary\",\"rating\":{}}}]}}",
            json!(rule.strength),
        ));
    }
    recommendations.push_str("\n]\n");
    let mut guide = String::from(
        "id: neutral-workload\ntitle: Neutral workload\npublisher: shared/perf\n\
         published: 2025-02-07\nsource: https://example.org/neutral-workload\nversion: 1.0.0\n\
         evidence:\n",
    );
    for s in &strengths {
        guide.push_str(&format!("  - {{ id: {s}, label: {s} }}\n"));
    }
    vec![
        ("guide.yaml", guide),
        ("facts.yaml", vocabulary.facts_yaml()),
        ("recommendations.yaml", recommendations),
    ]
}

/// A workload profile (JSON object) as a [`FamilyProfile`].
pub fn profile_of(value: &Value) -> FamilyProfile {
    let mut profile = FamilyProfile::new();
    for (name, v) in value.as_object().expect("a profile is an object") {
        profile.set(name, fact_value(v));
    }
    profile
}

/// A workload value (boolean, whole number, text, list of text) as a [`FactValue`].
fn fact_value(v: &Value) -> FactValue {
    match v {
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => n.as_i64().expect("whole numbers").into(),
        Value::String(s) => s.as_str().into(),
        Value::Array(items) => FactValue::List(
            items
                .iter()
                .map(|i| i.as_str().expect("text").to_owned())
                .collect(),
        ),
        other => panic!("unexpected value {other}"),
    }
}

// ---- a generator in the workload's shape (a port of gen_workload.py's distributions) ----

// The workload's vocabulary, shared with the exact port in `neutral`.

pub const ADV: [&str; 5] = [
    "poverty",
    "substance_misuse",
    "intimate_partner_violence",
    "couple_conflict",
    "parental_mental_health",
];
pub const CON: [&str; 6] = [
    "child_behaviour",
    "parenting_stress",
    "maltreatment_risk",
    "parent_child_relationship",
    "harsh_parenting",
    "child_development",
];
pub const LEVEL: [&str; 5] = [
    "universal",
    "family_help",
    "child_in_need",
    "child_protection",
    "edge_of_care",
];
pub const MH: [&str; 4] = ["none", "mild", "moderate", "severe"];
pub const STRENGTH: [&str; 4] = ["strong", "moderate", "promising", "emerging"];

/// xorshift64*: deterministic, dependency-free.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn sample<'a>(&mut self, items: &[&'a str], k: usize) -> Vec<&'a str> {
        let mut pool: Vec<&str> = items.to_vec();
        (0..k.min(pool.len()))
            .map(|_| pool.remove(self.below(pool.len())))
            .collect()
    }
}

fn leaf(fact: &str, op: &str, value: Value) -> Value {
    json!({ "fact": fact, "op": op, "value": value })
}

/// `n` rules shaped like the workload's seeded variations.
pub fn synthetic_rules(n: usize, seed: u64) -> Vec<Rule> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|i| {
            let op = if rng.below(2) == 0 { "lte" } else { "gte" };
            let mut parts = vec![leaf("youngest_child_age", op, json!(rng.below(132)))];
            for _ in 0..1 + rng.below(3) {
                parts.push(match rng.below(5) {
                    0 => leaf("adversities", "contains", json!(rng.pick(&ADV))),
                    1 => leaf("concerns", "contains_any", json!(rng.sample(&CON, 2))),
                    2 => leaf("service_level", "in", json!(rng.sample(&LEVEL, 2))),
                    3 => leaf("mh_severity", "eq", json!(rng.pick(&MH))),
                    _ => json!({ "not": { "fact": "in_specialist_treatment", "op": "is_true" } }),
                });
            }
            let when = if rng.below(5) < 4 {
                json!({ "all": parts })
            } else {
                json!({ "any": parts })
            };
            let rule =
                json!({ "id": format!("S{i:05}"), "strength": rng.pick(&STRENGTH), "when": when });
            serde_json::from_value(rule).expect("a rule in the neutral format")
        })
        .collect()
}

/// `n` profiles shaped like the workload's.
pub fn synthetic_profiles(n: usize, seed: u64) -> Vec<Value> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| {
            let age = if rng.below(10) == 0 {
                rng.below(216)
            } else {
                rng.below(132)
            };
            let adv = rng.below(4);
            let con = rng.below(4);
            json!({
                "youngest_child_age": age,
                "service_level": rng.pick(&LEVEL),
                "mh_severity": rng.pick(&MH),
                "adversities": rng.sample(&ADV, adv),
                "concerns": rng.sample(&CON, con),
                "in_specialist_treatment": rng.below(10) < 3,
                "children": 1 + rng.below(5),
            })
        })
        .collect()
}
