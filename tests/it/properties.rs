//! Properties that hold for every profile the vocabulary allows: evaluation never fails or
//! panics, is deterministic, is monotone in information (filling in unknown facts never changes a
//! decided status), gives the same answers from many threads, and its JSON reads back unchanged.

use std::collections::BTreeMap;

use practice_guide::guide::FactType;
use practice_guide::result::Residual;
use practice_guide::{Evaluation, EvaluationOptions, FactValue, FamilyProfile, Guide, Status};
use proptest::prelude::*;
use serde_json::Value;

use crate::fixture::{FACTS, GUIDE, PRINCIPLES};

/// SplitMix64: a small deterministic generator, so that proptest's seeds shrink to simple ones.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

/// Texts to try for text facts; those that do not match a fact's pattern are skipped.
const TEXTS: [&str; 8] = [
    "SW1A 1AA", "E1 6AN", "hello", "", "M1 1AE", "a b c", "ZZ3", "AB1",
];

/// A value allowed by the fact's type, chosen by `rng`.
fn value_for(fact_type: &FactType, rng: &mut Rng) -> Option<FactValue> {
    Some(match fact_type {
        FactType::Boolean => FactValue::Bool(rng.below(2) == 1),
        FactType::Integer { min, max } => {
            // Favour the ends of the range, where boundaries live.
            let span = u64::try_from(max - min).unwrap_or(u64::MAX);
            let offset = match rng.below(4) {
                0 => 0,
                1 => span,
                _ => rng.below(span.saturating_add(1)),
            };
            FactValue::Integer(min + i64::try_from(offset).unwrap_or(0))
        }
        FactType::OneOf(values) => {
            let names: Vec<&str> = values.names().collect();
            FactValue::Text(names[rng.below(names.len() as u64) as usize].to_owned())
        }
        FactType::SetOf(values) => FactValue::List(
            values
                .names()
                .filter(|_| rng.below(3) == 0)
                .map(str::to_owned)
                .collect(),
        ),
        FactType::Text { pattern } => {
            let candidates: Vec<&str> = TEXTS
                .iter()
                .copied()
                .filter(|t| pattern.as_ref().is_none_or(|p| p.is_match(t)))
                .collect();
            if candidates.is_empty() {
                return None;
            }
            FactValue::Text(candidates[rng.below(candidates.len() as u64) as usize].to_owned())
        }
        _ => return None,
    })
}

/// A profile giving each fact whose bit is set in `known` a value chosen from `seed`.
fn profile(guide: &Guide, seed: u64, known: u64) -> FamilyProfile {
    let mut rng = Rng(seed);
    let mut profile = FamilyProfile::new();
    for (i, fact) in guide.facts().enumerate() {
        let value = value_for(fact.fact_type(), &mut rng);
        if known & (1 << (i % 64)) != 0
            && let Some(value) = value
        {
            profile.set(fact.name(), value);
        }
    }
    profile
}

/// `profile` with every unknown fact filled in from `seed`.
fn filled(guide: &Guide, profile: &FamilyProfile, seed: u64) -> FamilyProfile {
    let mut rng = Rng(seed);
    let mut filled = profile.clone();
    for fact in guide.facts() {
        let value = value_for(fact.fact_type(), &mut rng);
        if profile.get(fact.name()).is_none()
            && let Some(value) = value
        {
            filled.set(fact.name(), value);
        }
    }
    filled
}

/// Every rule's, action's and the scope's status, by id.
fn statuses(evaluation: &Evaluation) -> BTreeMap<String, Status> {
    let mut out = BTreeMap::new();
    out.insert("(scope)".to_owned(), evaluation.scope().status());
    for rule in evaluation.rules() {
        out.insert(rule.id().to_owned(), rule.status());
        for action in rule.actions() {
            out.insert(
                format!("{} / {}", rule.id(), action.text()),
                action.status(),
            );
        }
        for service in rule.services() {
            let at = format!("{} @ {}", rule.id(), service.id());
            for flag in service.flags() {
                let words = format!("{at} ! {} / {}", flag.rule().id(), flag.says());
                out.insert(words, flag.status());
            }
            out.insert(at, service.status());
        }
    }
    out
}

/// What an evaluation leaves open: each undetermined item's residual tests (`RULE` or
/// `RULE#ACTION`, by their words), and the facts the questions ask about.
struct Open {
    residuals: BTreeMap<String, std::collections::BTreeSet<String>>,
    questions: Vec<String>,
}

fn open(evaluation: &Evaluation) -> Open {
    fn tests(residual: &Residual<'_>, out: &mut std::collections::BTreeSet<String>) {
        match residual {
            Residual::All(items) | Residual::Any(items) => {
                items.iter().for_each(|r| tests(&r, out));
            }
            Residual::Test(test) => {
                out.insert(test.test().to_owned());
            }
            _ => {}
        }
    }
    let mut residuals = BTreeMap::new();
    for rule in evaluation.rules() {
        let ids = std::iter::once((rule.id().to_owned(), rule.residual())).chain(
            rule.actions()
                .map(|a| (format!("{}#{}", rule.id(), a.id()), a.residual())),
        );
        for (id, residual) in ids {
            if let Some(residual) = residual {
                let mut set = std::collections::BTreeSet::new();
                tests(&residual, &mut set);
                residuals.insert(id, set);
            }
        }
    }
    let questions = evaluation
        .questions()
        .map(|q| q.fact().name().to_owned())
        .collect();
    Open {
        residuals,
        questions,
    }
}

/// A result's JSON without its residual and deciding values (what `skip_open` leaves out).
fn without_open(result: &mut Value) {
    let result = result.as_object_mut().unwrap();
    result.remove("residual");
    result.remove("deciding");
}

/// A test guide whose recommendations use every operator, combined with `all`, `any` and `not`.
///
/// Every operator but `known`: a `known` test asks whether a fact is given, so it is the one test
/// whose answer filling in a fact must change (see `known_tests_are_the_deliberate_exception`).
fn operators_guide() -> Guide {
    let tests = [
        "{ flag: true }",
        "{ flag: { is_not: false } }",
        "{ age: { between: [2, 3] } }",
        "{ age: { at_least: 11 } }",
        "{ age: { less_than: 2 } }",
        "{ age: { in: [0, 5, 17] } }",
        "{ level: { in: [mid, high] } }",
        "{ level: { not_in: [low] } }",
        "{ tags: { contains: a } }",
        "{ tags: { contains_all: [b, c] } }",
        "{ tags: { contains_none: [d] } }",
        "{ tags: { count: { at_least: 2 } } }",
        "{ tags: { is_empty: false } }",
        "{ postcode: { matches: '^SW' } }",
        "{ note: { in: [hello, ''] } }",
        "{ note: { is_not: hello } }",
    ];
    let mut recommendations = String::new();
    let mut n = 0;
    for (i, a) in tests.iter().enumerate() {
        let b = tests[(i * 7 + 3) % tests.len()];
        for when in [
            format!("{{ all: [{a}, {b}] }}"),
            format!("{{ any: [{a}, {{ not: {b} }}] }}"),
            format!("{{ not: {{ all: [{a}, {{ any: [{b}, {{ flag: false }}] }}] }} }}"),
        ] {
            n += 1;
            recommendations.push_str(&format!(
                "- id: r{n}\n  title: r{n}\n  statement: s\n  evidence: {}\n  when: {when}\n  \
                 how:\n    - id: narrower\n      text: narrower action {n}\n      when: {b}\n  \
                 sources: [{{ url: 'https://example.org', wording: verbatim, rating: {} }}]\n",
                ["strong", "promising"][n % 2],
                ["strong", "promising"][n % 2],
            ));
        }
    }
    Guide::from_files([
        ("guide.yaml", GUIDE),
        ("facts.yaml", FACTS),
        ("principles.yaml", PRINCIPLES),
        ("recommendations.yaml", recommendations.as_str()),
    ])
    .unwrap()
}

fn guides() -> [&'static Guide; 3] {
    static OPERATORS: std::sync::OnceLock<Guide> = std::sync::OnceLock::new();
    static WITH_OVERLAY: std::sync::OnceLock<Guide> = std::sync::OnceLock::new();
    [
        practice_guide::parenting_through_adversity(),
        OPERATORS.get_or_init(operators_guide),
        // The fictional example overlay: its services and fit flags obey the same properties.
        WITH_OVERLAY.get_or_init(|| {
            practice_guide::parenting_through_adversity()
                .with_overlay_dir("rules/overlays/example-borough")
                .unwrap()
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn evaluation_never_fails_on_an_allowed_profile(seed in any::<u64>(), known in any::<u64>()) {
        for guide in guides() {
            let profile = profile(guide, seed, known);
            let evaluation = guide.evaluate(&profile);
            prop_assert!(evaluation.is_ok(), "{:?}", evaluation.err());
            let evaluation = evaluation.unwrap();
            prop_assert!(evaluation.report().starts_with(guide.title()));
            let heading = format!("# {}", guide.title());
            prop_assert!(evaluation.to_markdown().starts_with(&heading));
        }
    }

    #[test]
    fn filling_in_unknown_facts_never_changes_a_decided_status(
        seed in any::<u64>(),
        known in any::<u64>(),
        fill in any::<u64>(),
    ) {
        for guide in guides() {
            let partial = profile(guide, seed, known);
            let complete = filled(guide, &partial, fill);
            let before = statuses(&guide.evaluate(&partial).unwrap());
            let after = statuses(&guide.evaluate(&complete).unwrap());
            for (id, status) in &before {
                if *status != Status::Undetermined {
                    // An action of a decided rule may be left out only if it did not apply.
                    let now = after.get(id).copied().unwrap_or(Status::DoesNotApply);
                    prop_assert_eq!(now, *status, "{} changed once {:?} became {:?}", id, partial, complete);
                }
            }
            // A complete profile decides everything.
            prop_assert!(after.values().all(|s| *s != Status::Undetermined), "{:?}", after);
        }
    }

    #[test]
    fn what_is_open_only_shrinks_as_questions_are_answered(
        seed in any::<u64>(),
        known in any::<u64>(),
        more in any::<u64>(),
    ) {
        for guide in guides() {
            let fewer = profile(guide, seed, known);
            let more = profile(guide, seed, known | more);
            let before = open(&guide.evaluate(&fewer).unwrap());
            let after = open(&guide.evaluate(&more).unwrap());
            // A residual only loses tests; what is decided stays decided (checked above).
            for (id, tests) in &after.residuals {
                let earlier = before.residuals.get(id);
                prop_assert!(earlier.is_some(), "{} is open again", id);
                let earlier = earlier.unwrap();
                prop_assert!(tests.is_subset(earlier), "{}: {:?} not within {:?}", id, tests, earlier);
            }
            // A question once answered never comes back, and none asks about a known fact.
            for fact in &after.questions {
                prop_assert!(more.get(fact).is_none(), "{} is known, yet asked", fact);
            }
        }
    }

    #[test]
    fn skipping_what_is_open_leaves_out_residuals_deciding_values_and_questions_only(
        seed in any::<u64>(),
        known in any::<u64>(),
    ) {
        for guide in guides() {
            let prepared = guide.prepare(&profile(guide, seed, known)).unwrap();
            let full = prepared.evaluate();
            let filter = guide.filter(&EvaluationOptions::new().skip_open()).unwrap();
            let lean = prepared.evaluate_filtered(&filter);
            prop_assert_eq!(lean.questions().len(), 0);
            // The full result, its open parts taken away, is the lean one. (The parts of an
            // evaluation cannot be changed, so this compares their JSON, which leaves out the
            // questions, residuals and deciding values there are none of.)
            let mut full = serde_json::to_value(&full).unwrap();
            let obj = full.as_object_mut().unwrap();
            obj.remove("questions");
            without_open(&mut obj["scope"]);
            for kind in ["recommendations", "principles"] {
                for rule in obj[kind].as_array_mut().unwrap() {
                    without_open(rule);
                    for action in rule["actions"].as_array_mut().unwrap() {
                        without_open(action);
                    }
                }
            }
            prop_assert_eq!(serde_json::to_value(&lean).unwrap(), full);
        }
    }

    #[test]
    fn json_round_trips_without_loss(seed in any::<u64>(), known in any::<u64>()) {
        for guide in guides() {
            let evaluation = guide.evaluate(&profile(guide, seed, known)).unwrap();
            crate::fixture::assert_json_reads_back(&evaluation, guide.id());
        }
    }
}

/// Two loads of the same rule files build their hash maps with different random keys, so any
/// hash-map order that reached a result, a report or a message would show as a difference here.
#[test]
fn results_and_messages_do_not_depend_on_the_load() {
    let load = || {
        Guide::from_files(practice_guide::PARENTING_THROUGH_ADVERSITY_FILES)
            .unwrap()
            .with_overlay_dir("rules/overlays/example-borough")
            .unwrap()
    };
    let (a, b) = (load(), load());
    for i in 0..300u64 {
        let profile = profile(&a, i, i.wrapping_mul(0x9E37_79B9));
        let (x, y) = (a.evaluate(&profile).unwrap(), b.evaluate(&profile).unwrap());
        assert_eq!(
            serde_json::to_string(&x).unwrap(),
            serde_json::to_string(&y).unwrap()
        );
        assert_eq!(x.report(), y.report());
        assert_eq!(x.to_markdown(), y.to_markdown());
    }
    // Misspellings with several equally close names get the same suggestion from every load.
    let typos = "servce_level: family_hlp\nadversitys: [povrty]\nchildren_age: [age_3]\n";
    let errors = [&a, &b].map(|g| g.read_profile("p.yaml", typos).unwrap_err().to_string());
    assert_eq!(errors[0], errors[1]);
    let mut broken = practice_guide::PARENTING_THROUGH_ADVERSITY_FILES;
    assert_eq!(broken[2].0, "conditions.yaml");
    let conditions = broken[2].1.replace("service_level", "servic_levl");
    broken[2].1 = &conditions;
    let errors = [0, 1].map(|_| Guide::from_files(broken).unwrap_err().to_string());
    assert_eq!(errors[0], errors[1]);
}

#[test]
fn eight_threads_sharing_one_guide_agree_with_one_thread() {
    for guide in guides() {
        let profiles: Vec<FamilyProfile> = (0..200u64)
            .map(|i| profile(guide, i, i.wrapping_mul(0x5851_F42D)))
            .collect();
        let expected: Vec<String> = profiles
            .iter()
            .map(|p| serde_json::to_string(&guide.evaluate(p).unwrap()).unwrap())
            .collect();
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    scope.spawn(|| {
                        profiles
                            .iter()
                            .map(|p| serde_json::to_string(&guide.evaluate(p).unwrap()).unwrap())
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for handle in handles {
                assert_eq!(handle.join().unwrap(), expected);
            }
        });
    }
}

#[test]
fn known_tests_are_the_deliberate_exception_to_monotonicity() {
    // "Is this fact still unknown?" is answered yes before the fact is filled in and no after:
    // rule writers use `known:` to ask for missing information, not to decide a recommendation.
    let guide = crate::fixture::guide(&crate::fixture::one_recommendation(
        "{ note: { known: false } }",
    ));
    let before = guide.evaluate(&FamilyProfile::new()).unwrap();
    let after = guide
        .evaluate(&FamilyProfile::new().with("note", "x"))
        .unwrap();
    assert_eq!(before.rule("r1").unwrap().status(), Status::Applies);
    assert_eq!(after.rule("r1").unwrap().status(), Status::DoesNotApply);
    // The embedded guide decides nothing on whether a fact is known.
    for file in practice_guide::PARENTING_THROUGH_ADVERSITY_FILES
        .iter()
        .map(|(_, text)| text)
    {
        assert!(
            !file
                .lines()
                .any(|l| !l.trim_start().starts_with('#') && l.contains("known: ")),
            "{file}"
        );
    }
}
