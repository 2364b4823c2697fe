//! The statuses-only path and the caseload APIs agree with the full evaluation, rule by rule, on
//! every example profile and on generated ones (every fact known, unknown, or in between).

use std::collections::HashMap;

use practice_guide::guide::FactType;
use practice_guide::{FamilyProfile, Guide, PreparedProfile, Status, Statuses};

use crate::fixture;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A profile over `guide.facts()`: each fact unknown a third of the time, otherwise a valid value
/// (text facts from a few candidates; the caller drops profiles a pattern rejects).
fn random_profile(guide: &Guide, rng: &mut Rng) -> FamilyProfile {
    let mut profile = FamilyProfile::new();
    for fact in guide.facts() {
        if rng.below(3) == 0 {
            continue;
        }
        let name = fact.name();
        match fact.fact_type() {
            FactType::Boolean => profile.set(name, rng.below(2) == 0),
            FactType::Integer { min, max } => {
                let span = (max - min + 1) as u64;
                profile.set(name, min + rng.below(span) as i64)
            }
            FactType::OneOf(values) => {
                let names: Vec<&str> = values.names().collect();
                profile.set(name, names[rng.below(names.len() as u64) as usize])
            }
            FactType::SetOf(values) => {
                let chosen: Vec<&str> = values.names().filter(|_| rng.below(3) == 0).collect();
                profile.set(name, chosen)
            }
            FactType::Text { .. } => {
                let candidates = ["SW1A 1AA", "N1", "AB12", "hello", ""];
                profile.set(name, candidates[rng.below(5) as usize])
            }
            _ => &mut profile,
        };
    }
    profile
}

/// Checks one profile: full evaluation, prepared evaluation, statuses, all agree.
fn check(guide: &Guide, profile: &FamilyProfile, statuses: &mut Statuses) {
    let full = guide.evaluate(profile).unwrap();
    let prepared = guide.prepare(profile).unwrap();
    assert_eq!(prepared.evaluate(), full);
    prepared.statuses_into(statuses);
    assert_eq!(
        statuses.scope(),
        full.scope().status(),
        "scope of {profile:?}"
    );
    let by_id: HashMap<&str, Status> = full.rules().map(|r| (r.id(), r.status())).collect();
    for (i, rule) in guide.recommendations().enumerate() {
        assert_eq!(
            statuses.recommendation(i),
            Some(by_id[rule.id()]),
            "recommendation {} on {profile:?}",
            rule.id()
        );
    }
    for (i, rule) in guide.principles().enumerate() {
        assert_eq!(
            statuses.principle(i),
            Some(by_id[rule.id()]),
            "principle {}",
            rule.id()
        );
    }
    assert_eq!(statuses.recommendation(guide.recommendations().len()), None);
    for status in [Status::Applies, Status::Undetermined, Status::DoesNotApply] {
        let listed: Vec<usize> = statuses.recommendations(status).collect();
        let expected: Vec<usize> = (0..guide.recommendations().len())
            .filter(|&i| statuses.recommendation(i) == Some(status))
            .collect();
        assert_eq!(listed, expected);
        assert_eq!(statuses.recommendations(status).count(), expected.len());
        let principles = statuses.principles(status).count();
        let expected = (0..guide.principles().len())
            .filter(|&i| statuses.principle(i) == Some(status))
            .count();
        assert_eq!(principles, expected);
    }
}

fn check_many(guide: &Guide, profiles: &[FamilyProfile]) {
    let mut statuses = Statuses::new();
    for profile in profiles {
        check(guide, profile, &mut statuses);
    }
    // A caseload loop reusing one `Statuses` gives each profile its own fresh statuses: nothing
    // of one family's is left in the next's.
    let prepared: Vec<PreparedProfile> =
        profiles.iter().map(|p| guide.prepare(p).unwrap()).collect();
    let mut reused = Statuses::new();
    let n = guide.recommendations().len();
    let m = guide.principles().len();
    for family in prepared.iter().rev() {
        family.statuses_into(&mut reused);
        let fresh = family.statuses();
        assert_eq!(reused.scope(), fresh.scope());
        let a: Vec<_> = (0..n).map(|i| reused.recommendation(i)).collect();
        let b: Vec<_> = (0..n).map(|i| fresh.recommendation(i)).collect();
        assert_eq!(a, b);
        let a: Vec<_> = (0..m).map(|i| reused.principle(i)).collect();
        let b: Vec<_> = (0..m).map(|i| fresh.principle(i)).collect();
        assert_eq!(a, b);
    }
}

fn generated(guide: &Guide, seed: u64, n: usize) -> Vec<FamilyProfile> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| random_profile(guide, &mut rng))
        .filter(|p| guide.prepare(p).is_ok())
        .collect()
}

#[test]
fn embedded_guide_statuses_agree_with_full_evaluation() {
    let guide = practice_guide::parenting_through_adversity();
    let mut profiles: Vec<FamilyProfile> = std::fs::read_dir("examples/profiles")
        .unwrap()
        .map(|e| e.unwrap().path())
        // The overlay's sample families (examples/profiles/overlay/) use its local facts.
        .filter(|path| path.is_file())
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            guide
                .read_profile(&path.display().to_string(), &text)
                .unwrap()
                .to_profile()
        })
        .collect();
    assert!(profiles.len() >= 5);
    profiles.push(FamilyProfile::new());
    profiles.extend(generated(guide, 0x5eed, 2_000));
    check_many(guide, &profiles);
}

/// Conditions using every operator, `not` over `all` and `any`, nesting, and repeats; a guide of
/// 150 rules built from them (more than 64, and with guards shared by many rules, so the bit sets'
/// second word and the index are exercised).
const PIECES: [&str; 16] = [
    "{ age: { at_most: 10 } }",
    "{ age: { between: [3, 12] } }",
    "{ age: { in: [1, 2, 17] } }",
    "{ flag: true }",
    "{ flag: { known: false } }",
    "{ level: { in: [mid, high] } }",
    "{ level: { is_not: low } }",
    "{ tags: { contains: a } }",
    "{ tags: { contains_all: [b, c] } }",
    "{ tags: { contains_none: [d] } }",
    "{ tags: { count: { at_least: 2 } } }",
    "{ tags: { is_empty: true } }",
    "{ postcode: { matches: '^SW' } }",
    "{ note: { in: [hello, 'a, b'] } }",
    "{ not: { all: [{ flag: false }, { age: { less_than: 5 } }] } }",
    "{ any: [{ level: high }, { not: { any: [{ tags: { contains: b } }, { note: { known: true } }] } }] }",
];

fn kitchen_sink() -> Guide {
    let mut rng = Rng(42);
    let mut rules = String::new();
    for i in 0..150 {
        let mut parts: Vec<&str> = (0..1 + rng.below(3))
            .map(|_| PIECES[rng.below(PIECES.len() as u64) as usize])
            .collect();
        if i % 3 == 0 {
            parts.insert(0, PIECES[0]); // a shared guard
        }
        let combinator = ["all", "any", "all"][rng.below(3) as usize];
        let when = if i % 7 == 0 {
            format!("{{ not: {{ {combinator}: [{}] }} }}", parts.join(", "))
        } else {
            format!("{{ {combinator}: [{}] }}", parts.join(", "))
        };
        rules.push_str(&fixture::one_recommendation(&when).replace("r1", &format!("r{i}")));
    }
    fixture::guide(&rules)
}

#[test]
fn every_operator_and_shape_agrees_with_full_evaluation() {
    let guide = kitchen_sink();
    let mut profiles = generated(&guide, 7, 3_000);
    profiles.push(FamilyProfile::new());
    check_many(&guide, &profiles);
}

/// A guide of 700 rules over facts that take every path of the statuses index: facts with a
/// table of classes (boolean, one-of, small sets, integers with few thresholds), an integer with
/// too many thresholds for a table and a set too large for one (their tests get masks), and text
/// tests so rare that their masks are lists of rules; rules in 11 words, flat and nested.
fn wide_guide() -> Guide {
    let facts = format!(
        "{}wide:\n  type: integer\n  range: [0, 1000]\n  description: A wide range.\n\
         many:\n  type: set_of\n  values: [v0, v1, v2, v3, v4, v5, v6, v7, v8, v9]\n  \
         description: A large set.\n",
        fixture::FACTS
    );
    let mut rng = Rng(99);
    let mut rules = String::new();
    for i in 0..700 {
        let mut parts: Vec<String> = (0..1 + rng.below(3))
            .map(|_| match rng.below(6) {
                0 => format!("{{ wide: {{ at_least: {} }} }}", rng.below(1000)),
                1 => format!(
                    "{{ wide: {{ between: [{}, {}] }} }}",
                    rng.below(500),
                    500 + rng.below(500)
                ),
                2 => format!(
                    "{{ many: {{ contains_any: [v{}, v{}] }} }}",
                    rng.below(10),
                    rng.below(10)
                ),
                3 => format!("{{ many: {{ contains_all: [v{}] }} }}", rng.below(10)),
                _ => PIECES[rng.below(PIECES.len() as u64) as usize].to_owned(),
            })
            .collect();
        if i % 97 == 0 {
            // A test no other rule makes: its mask is a list of one rule.
            parts.push(format!(
                "{{ note: {{ in: [{}] }} }}",
                ["N1", "AB12", "hello"][i % 3]
            ));
        }
        let combinator = ["all", "any", "all", "all"][rng.below(4) as usize];
        let when = if i % 11 == 0 {
            format!("{{ not: {{ {combinator}: [{}] }} }}", parts.join(", "))
        } else {
            format!("{{ {combinator}: [{}] }}", parts.join(", "))
        };
        rules.push_str(&fixture::one_recommendation(&when).replace("r1", &format!("r{i}")));
    }
    Guide::from_files([
        ("guide.yaml", fixture::GUIDE.to_owned()),
        ("facts.yaml", facts),
        ("principles.yaml", fixture::PRINCIPLES.to_owned()),
        ("recommendations.yaml", rules),
    ])
    .unwrap_or_else(|e| panic!("the wide guide loads:\n{e}"))
}

#[test]
fn a_wide_guide_with_rare_tests_agrees_with_full_evaluation() {
    let guide = wide_guide();
    let mut profiles = generated(&guide, 11, 600);
    profiles.push(FamilyProfile::new());
    check_many(&guide, &profiles);
}
