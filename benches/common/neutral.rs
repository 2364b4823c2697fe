//! The neutral workload of `shared/perf` (`gen_workload.py`), generated here exactly: a port of
//! CPython's `random` (MT19937 seeded by `init_by_array`, `random()`, `_randbelow` by rejection,
//! `choice`, `sample` by its pool algorithm) and of the script's draws, in the script's order.
//! Equal `matches` and `fp` with the workload files and the peer engines prove the port, so that
//! the race (and CI's quick check of it) needs no files from outside the repository.

use serde_json::{Value, json};

use super::{ADV, CON, LEVEL, MH, Rule, STRENGTH};

/// What every engine computes on the workload (`check n=N ok matches/fp=...` of
/// `shared/perf/peers/run_all.sh`; the hand-written function's for N = 20): (N, matches, fp).
pub const EXPECTED: [(usize, u64, u64); 4] = [
    (20, 51_868, 292_868_271),
    (200, 453_931, 398_812_561),
    (2_000, 4_661_105, 469_808_529),
    (20_000, 50_378_870, 427_494_785),
];

/// CPython's `random.Random`, for the calls the workload script makes.
pub struct PyRandom {
    state: [u32; 624],
    index: usize,
}

impl PyRandom {
    /// `random.Random(seed)` for a seed below 2^32.
    pub fn new(seed: u32) -> PyRandom {
        let mut rng = PyRandom::init_genrand(19_650_218);
        // init_by_array with the one-word key [seed].
        let (n, mut i, mut j) = (624usize, 1usize, 0usize);
        for _ in 0..n {
            let prev = rng.state[i - 1] ^ (rng.state[i - 1] >> 30);
            rng.state[i] = (rng.state[i] ^ prev.wrapping_mul(1_664_525))
                .wrapping_add(seed)
                .wrapping_add(j as u32);
            i += 1;
            j = 0; // the key has one word
            if i >= n {
                rng.state[0] = rng.state[n - 1];
                i = 1;
            }
        }
        for _ in 0..n - 1 {
            let prev = rng.state[i - 1] ^ (rng.state[i - 1] >> 30);
            rng.state[i] = (rng.state[i] ^ prev.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= n {
                rng.state[0] = rng.state[n - 1];
                i = 1;
            }
        }
        rng.state[0] = 0x8000_0000;
        rng
    }

    fn init_genrand(seed: u32) -> PyRandom {
        let mut state = [0u32; 624];
        state[0] = seed;
        for i in 1..624 {
            let prev = state[i - 1] ^ (state[i - 1] >> 30);
            state[i] = 1_812_433_253u32.wrapping_mul(prev).wrapping_add(i as u32);
        }
        PyRandom { state, index: 624 }
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            for k in 0..624 {
                let y = (self.state[k] & 0x8000_0000) | (self.state[(k + 1) % 624] & 0x7fff_ffff);
                let mag = if y & 1 == 1 { 0x9908_b0df } else { 0 };
                self.state[k] = self.state[(k + 397) % 624] ^ (y >> 1) ^ mag;
            }
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random()`: 53 random bits in [0, 1).
    pub fn random(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `_randbelow(n)`: `getrandbits(n.bit_length())` until below `n`.
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let bits = usize::BITS - n.leading_zeros();
        loop {
            let r = (self.next_u32() >> (32 - bits)) as usize;
            if r < n {
                return r;
            }
        }
    }

    /// `randrange(start, stop)`.
    pub fn randrange(&mut self, start: usize, stop: usize) -> usize {
        start + self.below(stop - start)
    }

    /// `choice(seq)`.
    pub fn choice<'a>(&mut self, seq: &[&'a str]) -> &'a str {
        seq[self.below(seq.len())]
    }

    /// `sample(population, k)` for a small population (the pool algorithm).
    pub fn sample<'a>(&mut self, population: &[&'a str], k: usize) -> Vec<&'a str> {
        let n = population.len();
        let mut pool = population.to_vec();
        (0..k)
            .map(|i| {
                let j = self.below(n - i);
                let picked = pool[j];
                pool[j] = pool[n - i - 1];
                picked
            })
            .collect()
    }
}

fn leaf(fact: &str, op: &str, value: Value) -> Value {
    json!({ "fact": fact, "op": op, "value": value })
}

/// The first 20 rules, hand-shaped like a practice guide (`guide_rules()`).
fn guide_rules() -> Vec<Value> {
    let s = || leaf("youngest_child_age", "lte", json!(131));
    let c = |fact: &str, op: &str, value: Value| leaf(fact, op, value);
    let all = |id: &str, strength: &str, parts: Vec<Value>| json!({ "id": id, "strength": strength, "when": { "all": parts } });
    vec![
        all(
            "R01",
            "promising",
            vec![s(), c("concerns", "contains", json!("maltreatment_risk"))],
        ),
        all(
            "R02",
            "moderate",
            vec![s(), c("service_level", "in", json!(&LEVEL[1..]))],
        ),
        all(
            "R03",
            "strong",
            vec![
                s(),
                c(
                    "concerns",
                    "contains_any",
                    json!(["child_behaviour", "harsh_parenting", "parenting_stress"]),
                ),
            ],
        ),
        all(
            "R04",
            "moderate",
            vec![
                s(),
                c("adversities", "contains", json!("parental_mental_health")),
                json!({ "not": { "fact": "in_specialist_treatment", "op": "is_true" } }),
            ],
        ),
        all(
            "R05",
            "moderate",
            vec![s(), c("mh_severity", "in", json!(["moderate", "severe"]))],
        ),
        all(
            "R06",
            "promising",
            vec![
                s(),
                c("youngest_child_age", "lte", json!(24)),
                c("concerns", "contains", json!("parent_child_relationship")),
            ],
        ),
        all(
            "R07",
            "promising",
            vec![
                s(),
                c(
                    "adversities",
                    "contains",
                    json!("intimate_partner_violence"),
                ),
            ],
        ),
        all(
            "R08",
            "emerging",
            vec![s(), c("adversities", "contains", json!("couple_conflict"))],
        ),
        all(
            "R09",
            "promising",
            vec![s(), c("adversities", "contains", json!("substance_misuse"))],
        ),
        all(
            "R10",
            "emerging",
            vec![
                s(),
                c("adversities", "contains", json!("poverty")),
                c("children", "gte", json!(3)),
            ],
        ),
        all(
            "R11",
            "strong",
            vec![
                s(),
                c("youngest_child_age", "gte", json!(24)),
                c("concerns", "contains", json!("child_behaviour")),
            ],
        ),
        json!({ "id": "R12", "strength": "moderate", "when": { "any": [c("service_level", "eq", json!("edge_of_care")), { "all": [c("service_level", "eq", json!("child_protection")), c("concerns", "contains", json!("maltreatment_risk"))] }] } }),
        all(
            "R13",
            "promising",
            vec![s(), c("youngest_child_age", "lte", json!(12))],
        ),
        all(
            "R14",
            "emerging",
            vec![
                s(),
                c("adversities", "contains_any", json!(&ADV[..3])),
                c("concerns", "contains", json!("parenting_stress")),
            ],
        ),
        all(
            "R15",
            "moderate",
            vec![
                s(),
                c("service_level", "eq", json!("universal")),
                c("concerns", "contains_any", json!(CON)),
            ],
        ),
        json!({ "id": "R16", "strength": "promising", "when": { "not": s() } }),
        all(
            "R17",
            "emerging",
            vec![
                s(),
                json!({ "fact": "in_specialist_treatment", "op": "is_true" }),
                c("mh_severity", "eq", json!("severe")),
            ],
        ),
        all(
            "R18",
            "moderate",
            vec![
                s(),
                c("concerns", "contains", json!("child_development")),
                c("youngest_child_age", "lte", json!(60)),
            ],
        ),
        json!({ "id": "R19", "strength": "promising", "when": { "any": [c("adversities", "contains", json!("substance_misuse")), c("adversities", "contains", json!("intimate_partner_violence"))] } }),
        all(
            "R20",
            "strong",
            vec![
                s(),
                c("service_level", "in", json!(&LEVEL[1..])),
                c(
                    "concerns",
                    "contains_any",
                    json!(["child_behaviour", "maltreatment_risk"]),
                ),
            ],
        ),
    ]
}

/// One seeded variation (`variation(rng, i)`).
fn variation(rng: &mut PyRandom, i: usize) -> Value {
    let op = rng.choice(&["lte", "gte"]);
    let mut parts = vec![leaf("youngest_child_age", op, json!(rng.randrange(0, 132)))];
    for _ in 0..rng.randrange(1, 4) {
        parts.push(match rng.below(5) {
            0 => leaf("adversities", "contains", json!(rng.choice(&ADV))),
            1 => leaf("concerns", "contains_any", json!(rng.sample(&CON, 2))),
            2 => leaf("service_level", "in", json!(rng.sample(&LEVEL, 2))),
            3 => leaf("mh_severity", "eq", json!(rng.choice(&MH))),
            _ => json!({ "not": { "fact": "in_specialist_treatment", "op": "is_true" } }),
        });
    }
    let when = if rng.random() < 0.8 {
        json!({ "all": parts })
    } else {
        json!({ "any": parts })
    };
    json!({ "id": format!("S{i:05}"), "strength": rng.choice(&STRENGTH), "when": when })
}

/// The rule sets of `sizes` (ascending, each of 20, 200, 2,000 or 20,000), as the script writes
/// them: one generator runs on from one size to the next.
pub fn rules(sizes: &[usize]) -> Vec<(usize, Vec<Rule>)> {
    let mut rng = PyRandom::new(20_250_207);
    let base = guide_rules();
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let mut out = Vec::new();
    for n in [20, 200, 2_000, 20_000] {
        if n > largest {
            break;
        }
        let rules: Vec<Value> = base
            .iter()
            .cloned()
            .chain((0..n - base.len()).map(|i| variation(&mut rng, i)))
            .collect();
        if sizes.contains(&n) {
            out.push((
                n,
                serde_json::from_value(Value::Array(rules)).expect("neutral rules"),
            ));
        }
    }
    out
}

/// The 10,000 profiles (`profiles(random.Random(7), 10000)`), as JSON objects.
pub fn profiles() -> Vec<Value> {
    let mut rng = PyRandom::new(7);
    (0..10_000)
        .map(|_| {
            let age = if rng.random() < 0.1 {
                rng.randrange(0, 216)
            } else {
                rng.randrange(0, 132)
            };
            let level = rng.choice(&LEVEL);
            let mh = rng.choice(&MH);
            let k = rng.randrange(0, 4);
            let adversities = rng.sample(&ADV, k);
            let k = rng.randrange(0, 4);
            let concerns = rng.sample(&CON, k);
            let treatment = rng.random() < 0.3;
            let children = rng.randrange(1, 6);
            json!({
                "youngest_child_age": age,
                "service_level": level,
                "mh_severity": mh,
                "adversities": adversities,
                "concerns": concerns,
                "in_specialist_treatment": treatment,
                "children": children,
            })
        })
        .collect()
}
