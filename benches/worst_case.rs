//! The worst records the policy limits admit (issue 16, finding 1), beside an ordinary
//! `patient:x` (AND of 1) open.
//!
//! Run: `cargo bench --bench worst_case` (a few minutes: the fixtures seal 64-row
//! records). Filter: `cargo bench --bench worst_case -- worst_case/forged`.
//! Results: `docs/performance.md`, "Worst admitted records".
//!
//! * `and1_open`: the baseline, a one-attribute record, warm caches.
//! * `forged_threshold_open`: a header made for free (every point the generator, zero
//!   masked seed) under `role:physician or k of (61 names)` with the largest k the
//!   open-cost bound admits (61 is the widest threshold admitted beside another row),
//!   opened by a physician (the review's attack, at the largest admitted size; the
//!   review's `254 of 255` is now refused at decode).
//! * `honest_*_open`: honest records under the most expensive admitted shapes, opened
//!   by a key that uses as many rows as possible: `2 of (AND of m, AND of m, z)`
//!   (2m rows with γ ≠ 1, m as large as admitted), the largest admitted `k of 128`, and
//!   the OR of 64 (the limits of format v2: 64 leaves, `MAX_POLICY_COST`).
//!   Warm caches (attribute points hashed at sealing).
//! * `reencrypted_*_open`: the costliest re-encrypted records the record budget
//!   (`MAX_RECORD_OPEN_COST`) admits, opened by a key for the newest layer only (so every
//!   layer is read): eight hops with every layer an AND of the most rows that fit (2),
//!   and eight one-row hops below a top hop as large as fits. (A forged hop is never
//!   read by a key that satisfies an older layer, and costs a key that satisfies only it
//!   its two capsules and one `C0` check.)
//! * After the criterion groups (under `cargo bench` only): the same honest records
//!   with **cold** attribute points, as an attacker gets them by sealing records under
//!   fresh names offline. The attribute cache is a 4096-entry LRU map
//!   (`src/hash/points.rs`): the bench builds `COLD_SAMPLES` records per shape, then
//!   seals `EVICT` records under ORs of 64 other fresh names (4160 names, more than the
//!   cache holds, all used after the cold records' names), then opens the cold records.
//!   Median of `COLD_SAMPLES` opens, printed as a table. Instruction counts of the same
//!   records, load-independent: `examples/op_counts.rs`.

// A failed fixture aborts the bench: that is the point of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(missing_docs)] // criterion_group! generates undocumented items

mod common;
#[path = "../tests/common/forged.rs"]
#[allow(dead_code)] // The bench uses only `forged_record`.
mod forged;

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use ark_bls12_381::G1Projective;
use ark_ec::PrimeGroup;
use cipherchart::{seal, Authority, BlsSigningKey, Error, Policy, SealedRecord, UserKey};
use criterion::{criterion_group, Criterion};

use common::{bench_mode, criterion_config, rng, PAYLOAD};

/// Records of 64 fresh names sealed to evict the 4096-name attribute cache (65 × 64 =
/// 4160).
const EVICT: usize = 65;
/// Children of the forged threshold beside `role:physician`.
const FORGED_N: usize = 61;
/// Children of the `k of n` shape.
const THRESHOLD_N: usize = 48;
/// Cold opens per shape.
const COLD_SAMPLES: usize = 3;

fn authority() -> &'static Authority {
    static A: OnceLock<Authority> = OnceLock::new();
    A.get_or_init(|| Authority::setup(&mut rng(0x16)))
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}:{i}")).collect()
}

/// The largest `k < n` for which `template(k)` parses (the open-cost bound).
fn largest_admitted(n: usize, template: &dyn Fn(usize) -> String) -> usize {
    (2..n)
        .rev()
        .find(|&k| Policy::parse(&template(k)).is_ok())
        .expect("some threshold is admitted")
}

/// `role:physician or k of (FORGED_N names)` with the largest admitted k.
fn forged_policy_text() -> String {
    let all = names("fg", FORGED_N).join(", ");
    let k = largest_admitted(FORGED_N, &|k| format!("role:physician or {k} of ({all})"));
    format!("role:physician or {k} of ({all})")
}

/// A sealed record whose header is made for free: every point the generator.
fn forged_record(policy_text: &str) -> SealedRecord {
    let rows = Policy::parse(policy_text).unwrap().attributes().len();
    let id = authority().public_key().id();
    SealedRecord::from_bytes(&forged::forged_record(id, policy_text, rows)).unwrap()
}

/// An honest shape: its policy text over names with `prefix`, and the attributes of the
/// key that opens it using the most rows.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// `2 of (AND of m, AND of m, z)` with the largest admitted m ≤ 127: every used
    /// row has γ = 2 or −1.
    TwoOfAnds,
    /// `k of (128 names)`, the largest admitted k; the key holds the last k.
    Threshold,
    /// The OR of 64 names; the key holds the last one.
    Or,
    /// Eight hops, every layer an AND of the most rows the record budget admits; the
    /// key holds the newest layer.
    HopsEven,
    /// Eight hops, every layer an AND of one name but the newest, as large as fits.
    HopsTop,
}

/// All the honest shapes.
const SHAPES: [Shape; 5] = [
    Shape::TwoOfAnds,
    Shape::Threshold,
    Shape::Or,
    Shape::HopsEven,
    Shape::HopsTop,
];

/// A record under ANDs of `sizes[0]`, `sizes[1]`, … names (layer 0 the record's own
/// policy, then one hop per size), and the key of the newest layer; `None` if the record
/// budget refuses a hop.
fn reencrypted(prefix: &str, sizes: &[usize]) -> Option<(SealedRecord, UserKey)> {
    let a = authority();
    let pk = a.public_key();
    let mut rng = rng(3);
    let layer = |i: usize| names(&format!("{prefix}l{i}"), sizes[i]);
    let and = |i: usize| Policy::parse(&layer(i).join(" and ")).unwrap();
    let mut record = seal(pk, &and(0), b"id", b"", &PAYLOAD, &mut rng).unwrap();
    for i in 1..sizes.len() {
        let delegator = BlsSigningKey::generate(&mut rng).public_key();
        let rekey = a
            .issue_delegation_key(&layer(i - 1), &delegator, &mut rng)
            .unwrap()
            .rekey(pk, &and(i), &mut rng)
            .unwrap();
        match rekey.reencrypt(&record) {
            Ok(next) => record = next,
            Err(Error::LimitExceeded(_)) => return None,
            Err(e) => panic!("{e}"),
        }
    }
    let key = a.issue_key(&layer(sizes.len() - 1), &mut rng).unwrap();
    Some((record, key))
}

impl Shape {
    fn label(self) -> &'static str {
        match self {
            Shape::TwoOfAnds => "2 of (AND of m, AND of m, z), largest m",
            Shape::Threshold => "k of 48, largest k",
            Shape::Or => "or of 64",
            Shape::HopsEven => "8 hops, every layer an AND of 2",
            Shape::HopsTop => "8 hops, AND of 1 below an AND of m, largest m",
        }
    }

    /// A record of this shape over names with `prefix`, and the key that opens it using
    /// the most rows.
    fn make(self, prefix: &str, rng: &mut rand_chacha::ChaCha20Rng) -> (SealedRecord, UserKey) {
        let largest = |sizes: &dyn Fn(usize) -> Vec<usize>| {
            (1..=64)
                .map_while(|m| reencrypted(prefix, &sizes(m)))
                .last()
                .expect("some size is admitted")
        };
        match self {
            Shape::HopsEven => largest(&|m| vec![m; 9]),
            Shape::HopsTop => largest(&|m| {
                let mut sizes = vec![1; 9];
                sizes[8] = m;
                sizes
            }),
            _ => {
                let a = authority();
                let (policy, held) = self.build(prefix);
                let sealed = seal(a.public_key(), &policy, b"id", b"", &PAYLOAD, rng).unwrap();
                (sealed, a.issue_key(&held, rng).unwrap())
            }
        }
    }

    fn build(self, prefix: &str) -> (Policy, Vec<String>) {
        match self {
            Shape::TwoOfAnds => {
                // The largest m ≤ 127 the bound admits.
                let text = |m: usize| {
                    format!(
                        "2 of ({}, {}, {prefix}z:0)",
                        names(&format!("{prefix}a"), m).join(" and "),
                        names(&format!("{prefix}b"), m).join(" and ")
                    )
                };
                let m = (2..=31)
                    .rev()
                    .find(|&m| Policy::parse(&text(m)).is_ok())
                    .expect("some size is admitted");
                let held = names(&format!("{prefix}a"), m)
                    .into_iter()
                    .chain(names(&format!("{prefix}b"), m))
                    .collect();
                (Policy::parse(&text(m)).unwrap(), held)
            }
            Shape::Threshold => {
                let all = names(prefix, THRESHOLD_N);
                let joined = all.join(", ");
                let k = largest_admitted(THRESHOLD_N, &|k| format!("{k} of ({joined})"));
                let policy = Policy::parse(&format!("{k} of ({joined})")).unwrap();
                (policy, all[THRESHOLD_N - k..].to_vec())
            }
            Shape::Or | Shape::HopsEven | Shape::HopsTop => {
                let all = names(prefix, 64);
                let policy = Policy::parse(&all.join(" or ")).unwrap();
                (policy, vec![all[63].clone()])
            }
        }
    }
}

struct Fixture {
    and1: (SealedRecord, UserKey),
    forged: (SealedRecord, UserKey),
    honest: Vec<(Shape, SealedRecord, UserKey)>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let a = authority();
        let pk = a.public_key();
        let mut rng = rng(1);
        let p1 = Policy::parse("patient:42").unwrap();
        let and1 = (
            seal(pk, &p1, b"id", b"", &PAYLOAD, &mut rng).unwrap(),
            a.issue_key(&["patient:42"], &mut rng).unwrap(),
        );
        let text = forged_policy_text();
        let k: String = text
            .chars()
            .skip(18)
            .take_while(char::is_ascii_digit)
            .collect();
        println!("forged policy: role:physician or {k} of ({FORGED_N} names)");
        let forged = (
            forged_record(&text),
            a.issue_key(&["role:physician"], &mut rng).unwrap(),
        );
        let honest = SHAPES
            .into_iter()
            .map(|shape| {
                let (sealed, key) = shape.make("warm", &mut rng);
                println!(
                    "{}: {} hops, newest layer {} rows, the key holds {}",
                    shape.label(),
                    sealed.hop_count(),
                    sealed.current_policy().lsss().rows(),
                    key.attributes().len()
                );
                assert_eq!(key.open(pk, &sealed).unwrap(), PAYLOAD);
                (shape, sealed, key)
            })
            .collect();
        Fixture {
            and1,
            forged,
            honest,
        }
    })
}

fn worst_case(c: &mut Criterion) {
    let f = fixture();
    let pk = authority().public_key();
    let mut g = c.benchmark_group("worst_case");
    g.bench_function("and1_open", |b| {
        b.iter(|| black_box(f.and1.1.open(pk, &f.and1.0).unwrap()));
    });
    g.bench_function("forged_threshold_open", |b| {
        b.iter(|| {
            assert_eq!(
                f.forged.1.open(pk, black_box(&f.forged.0)),
                Err(Error::DecryptionFailed)
            );
        });
    });
    for (shape, sealed, key) in &f.honest {
        let name = match shape {
            Shape::TwoOfAnds => "honest_two_of_ands_open",
            Shape::Threshold => "honest_largest_threshold_open",
            Shape::Or => "honest_or64_open",
            Shape::HopsEven => "reencrypted_even_open",
            Shape::HopsTop => "reencrypted_top_open",
        };
        g.bench_function(name, |b| {
            b.iter(|| black_box(key.open(pk, sealed).unwrap()));
        });
    }
    g.finish();
}

/// Times `f` once.
fn time(f: &mut dyn FnMut()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

/// Honest opens with cold attribute points (see the module documentation). Each
/// measured open is paired with AND-of-1 opens right before and after it, and the
/// ratio is taken per pair (robust to the load of other processes, which changes over
/// seconds on the shared machine); medians are printed.
fn cold_opens() {
    let f = fixture();
    let a = authority();
    let pk = a.public_key();
    let mut rng = rng(2);
    let base = || {
        time(&mut || {
            black_box(f.and1.1.open(pk, &f.and1.0).unwrap());
        })
    };
    let paired = |measure: &mut dyn FnMut() -> Duration| {
        let before = base();
        let t = measure();
        let after = base();
        (
            t,
            t.as_secs_f64() * 2.0 / (before + after).as_secs_f64(),
            before.min(after),
        )
    };
    // The cost model's unit: one G1 addition or doubling on public data.
    let steps = || {
        let mut p = G1Projective::generator();
        let q = p;
        let rounds = 20_000u32;
        let t = Instant::now();
        for _ in 0..rounds {
            p += q;
            ark_ff::AdditiveGroup::double_in_place(&mut p);
        }
        let _ = black_box(p);
        t.elapsed() / (2 * rounds)
    };
    let step_ratios: Vec<f64> = (0..9).map(|_| paired(&mut || steps()).1).collect();
    let mut sorted = step_ratios.clone();
    sorted.sort_by(f64::total_cmp);
    let step_per_base = sorted[sorted.len() / 2];
    println!("\none step (G1 addition or doubling, public) = {step_per_base:.2e} × AND-of-1 open, i.e. an AND-of-1 open is {:.0} steps", 1.0 / step_per_base);
    println!("| record | open | × AND-of-1 (paired, median) | AND-of-1 |");
    println!("|---|---|---|---|");
    let report = |label: &str, samples: Vec<(Duration, f64, Duration)>| {
        let mut t: Vec<Duration> = samples.iter().map(|s| s.0).collect();
        let mut r: Vec<f64> = samples.iter().map(|s| s.1).collect();
        let mut b: Vec<Duration> = samples.iter().map(|s| s.2).collect();
        t.sort();
        r.sort_by(f64::total_cmp);
        b.sort();
        let m = t.len() / 2;
        println!("| {label} | {:.2?} | {:.1} | {:.2?} |", t[m], r[m], b[m]);
    };
    let forged: Vec<_> = (0..9)
        .map(|_| {
            paired(&mut || {
                time(&mut || {
                    let _ = black_box(f.forged.1.open(pk, &f.forged.0));
                })
            })
        })
        .collect();
    report(
        "forged generator header, largest admitted threshold",
        forged,
    );
    for (shape, sealed, key) in &f.honest {
        let warm: Vec<_> = (0..COLD_SAMPLES)
            .map(|_| {
                paired(&mut || {
                    time(&mut || {
                        black_box(key.open(pk, sealed).unwrap());
                    })
                })
            })
            .collect();
        report(&format!("honest, {}, warm", shape.label()), warm);
    }
    // Every cold record first (making them hashes their names), then EVICT records of
    // 64 other fresh names: the cold records' names are the least recently used and
    // leave the 4096-entry cache.
    let records: Vec<Vec<(SealedRecord, UserKey)>> = SHAPES
        .into_iter()
        .map(|shape| {
            (0..COLD_SAMPLES)
                .map(|r| shape.make(&format!("cold{r}x{shape:?}"), &mut rng))
                .collect()
        })
        .collect();
    for r in 0..EVICT {
        let (policy, _) = Shape::Or.build(&format!("evict{r}"));
        black_box(seal(pk, &policy, b"id", b"", &PAYLOAD, &mut rng).unwrap());
    }
    for (shape, records) in SHAPES.into_iter().zip(&records) {
        let cold: Vec<_> = records
            .iter()
            .map(|(sealed, key)| {
                paired(&mut || {
                    time(&mut || {
                        assert_eq!(key.open(pk, sealed).unwrap(), PAYLOAD);
                    })
                })
            })
            .collect();
        report(&format!("honest, {}, cold names", shape.label()), cold);
    }
}

criterion_group! {
    name = benches;
    config = criterion_config();
    targets = worst_case
}

fn main() {
    benches();
    if bench_mode() && std::env::var_os("CIPHERCHART_WORST_COLD").is_none_or(|v| v != "0") {
        cold_opens();
    }
    Criterion::default().configure_from_args().final_summary();
}
