//! What the structure-aware targets share: choices drawn from the fuzzer's bytes through
//! `arbitrary`, the guides loaded once for every run (the embedded guide, with and without the
//! example overlay, and small generated guides), and a valid profile for any of them.

use std::sync::LazyLock;

use arbitrary::Unstructured;
use practice_guide::guide::FactType;
use practice_guide::{EvaluationOptions, FactValue, FamilyProfile, Filter, Guide};
use practice_guide_testkit::{self as testkit, Kind, Seeded, Source, Value};

/// The testkit's choices drawn from the fuzzer's bytes (0 once they run out).
pub struct Choices<'a, 'b>(pub &'a mut Unstructured<'b>);

impl Source for Choices<'_, '_> {
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            self.0.choose_index(n).unwrap_or(0)
        }
    }
}

/// A guide loaded once, with what a profile for it needs: texts for its text facts (those its
/// tests compare with, and one they do not), and every filter its options can make.
pub struct Pooled {
    pub name: String,
    pub guide: Guide,
    pub texts: Vec<String>,
    pub filters: Vec<Filter>,
}

/// How many generated guides the pool holds beside the embedded guide and its overlay: enough
/// shapes of condition to explore, few enough to load in about a second when a run starts.
pub const GENERATED: u64 = 96;

/// The guides every run chooses from, loaded once: the embedded guide, the embedded guide with
/// the example overlay (services, fit flags, a text fact with a pattern), and generated guides
/// from fixed seeds.
pub static POOL: LazyLock<Vec<Pooled>> = LazyLock::new(|| {
    let embedded = practice_guide::parenting_through_adversity();
    let overlay = embedded
        .with_overlay_files(OVERLAY)
        .expect("the example overlay loads");
    let districts = ["ZZ1", "ZZ9", "AB12", "zz1", "ZZ"]
        .map(str::to_owned)
        .to_vec();
    let mut pool = vec![
        pooled("embedded".to_owned(), embedded.clone(), Vec::new()),
        pooled("embedded+overlay".to_owned(), overlay, districts),
    ];
    for seed in 0..GENERATED {
        let generated = testkit::guide(&mut Seeded::new(seed));
        let guide = Guide::from_files(generated.files.clone()).expect("a generated guide loads");
        let texts = generated
            .facts
            .iter()
            .filter_map(|fact| match &fact.kind {
                Kind::Text(literals) => Some(literals.clone()),
                _ => None,
            })
            .flatten()
            .chain(["zz-other".to_owned()])
            .collect();
        pool.push(pooled(format!("generated seed {seed}"), guide, texts));
    }
    pool
});

const OVERLAY: [(&str, &str); 4] = [
    (
        "overlay.yaml",
        include_str!("../../rules/overlays/example-borough/overlay.yaml"),
    ),
    (
        "facts.yaml",
        include_str!("../../rules/overlays/example-borough/facts.yaml"),
    ),
    (
        "conditions.yaml",
        include_str!("../../rules/overlays/example-borough/conditions.yaml"),
    ),
    (
        "services.yaml",
        include_str!("../../rules/overlays/example-borough/services.yaml"),
    ),
];

fn pooled(name: String, guide: Guide, texts: Vec<String>) -> Pooled {
    let levels: Vec<Option<String>> = std::iter::once(None)
        .chain(guide.evidence_scale().iter().map(|l| Some(l.id.clone())))
        .collect();
    let audiences: Vec<Option<String>> = std::iter::once(None)
        .chain(guide.audiences().iter().map(|a| Some(a.id.clone())))
        .collect();
    let mut filters = Vec::new();
    for level in &levels {
        for audience in &audiences {
            for skip_open in [false, true] {
                let mut options = EvaluationOptions::new();
                if let Some(level) = level {
                    options = options.min_evidence(level.clone());
                }
                if let Some(audience) = audience {
                    options = options.audience(audience.clone());
                }
                if skip_open {
                    options = options.skip_open();
                }
                filters.push(guide.filter(&options).expect("the guide's own ids"));
            }
        }
    }
    Pooled {
        name,
        guide,
        texts,
        filters,
    }
}

/// A profile that fits `pooled`'s guide: each fact unknown or a value of its type, as the bytes
/// choose (a text fact only one of the pool's texts its pattern accepts).
pub fn profile(pooled: &Pooled, u: &mut Unstructured) -> FamilyProfile {
    let mut profile = FamilyProfile::new();
    for fact in pooled.guide.facts() {
        // Unknown one time in four.
        if u.ratio(1, 4).unwrap_or(true) {
            continue;
        }
        let value = match fact.fact_type() {
            FactType::Boolean => FactValue::Bool(u.arbitrary().unwrap_or(false)),
            FactType::Integer { min, max } => {
                FactValue::Integer(u.int_in_range(*min..=*max).unwrap_or(*min))
            }
            FactType::OneOf(values) => {
                let names: Vec<&str> = values.names().collect();
                let index = u.choose_index(names.len()).unwrap_or(0);
                let Some(name) = names.get(index) else {
                    continue;
                };
                FactValue::Text((*name).to_owned())
            }
            FactType::SetOf(values) => {
                let bits: u64 = u.arbitrary().unwrap_or(0);
                let members = values
                    .names()
                    .enumerate()
                    .filter(|(i, _)| bits >> (i % 64) & 1 == 1);
                FactValue::List(members.map(|(_, name)| name.to_owned()).collect())
            }
            FactType::Text { pattern } => {
                let fits: Vec<&String> = pooled
                    .texts
                    .iter()
                    .filter(|t| pattern.as_ref().is_none_or(|p| p.is_match(t)))
                    .collect();
                let Ok(text) = u.choose(&fits) else { continue };
                FactValue::Text((*text).clone())
            }
            _ => continue,
        };
        profile.set(fact.name().to_owned(), value);
    }
    profile
}

/// A profile for a generated guide's facts (of the testkit's domains), as the bytes choose.
pub fn generated_profile(
    generated: &testkit::Generated,
    source: &mut impl Source,
) -> FamilyProfile {
    let mut profile = FamilyProfile::new();
    for fact in &generated.facts {
        let values = fact.values();
        let choice = source.below(values.len() + 1);
        let Some(value) = values.get(choice) else {
            continue;
        };
        let value = match value {
            Value::Bool(b) => FactValue::Bool(*b),
            Value::Int(i) => FactValue::Integer(*i),
            Value::Text(t) => FactValue::Text(t.clone()),
            Value::List(items) => FactValue::List(items.clone()),
        };
        profile.set(fact.name.clone(), value);
    }
    profile
}
