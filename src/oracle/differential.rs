//! The evaluator against the tree walk ([`super::walk`]): the same results (services and fit
//! flags included),
//! compared as values and byte for byte as JSON, on the embedded guide (with and without its
//! example overlay, with and without filters) over the sample families and thousands of random
//! profiles, and on random small guides (`practice-guide-testkit`) over every profile they can be
//! given.

use practice_guide_testkit::{self as testkit, Seeded};

use super::walk;
use crate::eval::filter::{EvaluationOptions, Filter};
use crate::model::guide::Guide;
use crate::model::vocabulary::FactType;
use crate::profile::{FactValue, FamilyProfile};
use crate::result::Evaluation;
use crate::testing::family;

/// Both paths on one profile, with and without each filter, and evaluated into `reused` (the
/// result of the profile before, so that every list it holds is reused); returns the length of
/// the JSON compared.
fn same(
    guide: &Guide,
    profile: &FamilyProfile,
    filters: &[Filter],
    reused: &mut Option<Evaluation>,
) -> usize {
    let prepared = guide.prepare(profile).unwrap();
    let slots = prepared.slots();
    let mut bytes = 0;
    let mut cache = crate::model::cache::Cache::new();
    for filter in std::iter::once(None).chain(filters.iter().map(Some)) {
        let old = walk::evaluate(guide, slots, filter);
        let new = match filter {
            Some(filter) => prepared.evaluate_filtered(filter),
            None => prepared.evaluate_with(&mut cache),
        };
        let (old_json, new_json) = (
            serde_json::to_string(&old).unwrap(),
            serde_json::to_string(&new).unwrap(),
        );
        assert_eq!(old_json, new_json, "{profile:?} {filter:?}");
        // The fast writer writes the same bytes.
        let mut fast = Vec::new();
        new.write_json(&mut fast);
        assert_eq!(
            fast,
            new_json.as_bytes(),
            "write_json: {profile:?} {filter:?}"
        );

        bytes += new_json.len();
        match reused {
            Some(reused) => {
                prepared.evaluate_into_with(&mut cache, filter, reused);
                assert_eq!(*reused, new, "reused: {profile:?} {filter:?}");
            }
            None => *reused = Some(new),
        }
    }
    bytes
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
    }
}

/// A profile over the guide's facts: each unknown a third of the time, else any valid value.
fn random_profile(guide: &Guide, rng: &mut Rng) -> FamilyProfile {
    let mut profile = FamilyProfile::new();
    for fact in guide.facts() {
        if rng.below(3) == 0 {
            continue;
        }
        let value = match fact.fact_type() {
            FactType::Boolean => FactValue::Bool(rng.below(2) == 0),
            FactType::Integer { min, max } => {
                let span = usize::try_from(max - min + 1).unwrap_or(usize::MAX);
                FactValue::Integer(min + rng.below(span) as i64)
            }
            FactType::OneOf(values) => {
                let names: Vec<&str> = values.names().collect();
                FactValue::Text(names[rng.below(names.len())].to_owned())
            }
            FactType::SetOf(values) => FactValue::List(
                values
                    .names()
                    .filter(|_| rng.below(3) == 0)
                    .map(str::to_owned)
                    .collect(),
            ),
            FactType::Text { .. } => {
                let candidates = ["ZZ1", "ZZ5", "AB12", "SW1A 1AA", "hello"];
                FactValue::Text(candidates[rng.below(candidates.len())].to_owned())
            }
        };
        profile.set(fact.name(), value);
    }
    profile
}

fn filters(guide: &Guide) -> Vec<Filter> {
    let mut options = vec![EvaluationOptions::new().min_evidence("strong")];
    options.extend(
        guide
            .audiences()
            .iter()
            .map(|a| EvaluationOptions::new().audience(a.id.clone())),
    );
    options.push(
        EvaluationOptions::new()
            .min_evidence("promising")
            .audience("practitioners"),
    );
    options.push(EvaluationOptions::new().skip_open());
    options
        .iter()
        .filter_map(|o| guide.filter(o).ok())
        .collect()
}

fn embedded(guide: &Guide, profiles: usize) {
    let filters = filters(guide);
    let mut rng = Rng(0x5eed_cafe);
    let mut compared = 0;
    let mut bytes = 0;
    let mut reused = None;
    for entry in std::fs::read_dir("examples/profiles").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path);
        let prepared = text
            .ok()
            .and_then(|text| guide.read_profile("sample", &text).ok());
        if let Some(prepared) = prepared {
            bytes += same(guide, &prepared.to_profile(), &filters, &mut reused);
            compared += 1;
        }
    }
    bytes += same(guide, &FamilyProfile::new(), &filters, &mut reused);
    for _ in 0..profiles {
        let profile = random_profile(guide, &mut rng);
        if guide.prepare(&profile).is_ok() {
            bytes += same(guide, &profile, &filters, &mut reused);
            compared += 1;
        }
    }
    assert!(compared > profiles / 2, "{compared}");
    assert!(bytes > compared * 1_000, "{bytes}");
}

/// The embedded guide's files (the embedded module comes after this one).
const EMBEDDED: &str = "rules/parenting-through-adversity-0-10";

#[test]
fn the_embedded_guide_explains_as_the_tree_walk_did() {
    embedded(&Guide::from_dir(EMBEDDED).unwrap(), 3_000);
}

#[test]
fn the_embedded_guide_with_its_overlay_explains_as_the_tree_walk_did() {
    let guide = Guide::from_dir(EMBEDDED)
        .unwrap()
        .with_overlay_dir("rules/overlays/example-borough")
        .unwrap();
    embedded(&guide, 1_500);
}

#[test]
fn random_guides_explain_as_the_tree_walk_did_on_every_profile() {
    let mut compared = 0;
    for seed in 0..200 {
        let generated = testkit::guide(&mut Seeded::new(seed));
        let guide = Guide::from_files(generated.files.clone()).unwrap();
        let filters = filters(&guide);
        let mut reused = None;
        // Every profile of the small guides, a sample of the larger ones.
        for (i, profile) in generated.profiles().iter().enumerate() {
            if i % 7 == 0 || i < 500 {
                same(&guide, &family(profile), &filters, &mut reused);
                compared += 1;
            }
        }
    }
    assert!(compared > 20_000, "{compared}");
}
