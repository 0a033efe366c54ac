//! FAME CP-ABE records: setup, key issuance, seal and open by policy size, beside the
//! raw arkworks floor (the 6-pair multi-pairing every open pays) and the primitives.
//!
//! Run: `cargo bench --bench abe` (the whole file takes a few minutes on 2 cores).
//! Filter: `cargo bench --bench abe -- 'abe/open/and'`. Tables: `scripts/bench-report`.
//!
//! Notes on what is measured (details in `docs/performance.md`):
//! * Attribute and column points are cached process-wide and the cache cannot be reset
//!   from outside the crate, so `seal` and `open` run with **warm** caches.
//!   `seal_cold_attrs` seals under attribute names never seen before (fresh names per
//!   iteration): attribute points cold, column points warm.
//! * Every fixture (authority, keys, records) is built lazily, once per parameter, so
//!   a filtered run and `cargo test --all-targets` (criterion's test mode, each bench
//!   once) only pay for what they touch.
//! * Before any timing, every record size is checked against the size formulas of `docs/formats.md`:
//!   header = 320 + 144·rows bytes, plus the record framing (a mismatch aborts the run).
//! * After the criterion groups (under `cargo bench` only), a paired measurement times
//!   `open` and the raw 6-pair multi-pairing back to back, round after round, and
//!   reports the median ratio: robust to the load of other builds on this shared
//!   machine, which changes over seconds. `CIPHERCHART_PAIRED_ROUNDS=0` skips it.

// A failed fixture or size check aborts the bench: that is the point of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(missing_docs)] // criterion_group! generates undocumented items

mod common;

use std::cell::OnceCell;
use std::hint::black_box;
use std::sync::OnceLock;

use ark_bls12_381::{g2, Bls12_381, Fr, G1Projective, G2Projective};
use ark_ec::pairing::Pairing;
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_std::UniformRand;
use cipherchart::{Authority, PublicKey, SealedRecord, UserKey};
use criterion::{criterion_group, BatchSize, BenchmarkId, Criterion, SamplingMode};

use common::{
    attributes, bench_mode, header_formula, opening_attributes, paired, paired_rounds, policy,
    record_framing, record_id, report_paired, rng, seal_record, Floor, Shape, PAYLOAD,
};

/// Policy sizes (number of attributes) for seal and open.
const POLICY_SIZES: [usize; 5] = [1, 5, 10, 20, 50];
/// Key sizes for issue_key.
const KEY_SIZES: [usize; 4] = [1, 5, 10, 20];
/// Policy sizes for the cold-cache seal (each iteration hashes 6·n fresh points).
const COLD_SIZES: [usize; 3] = [1, 5, 10];

/// `sizes`, or its first element and 10 in quick mode (`CIPHERCHART_BENCH_QUICK=1`).
fn run_sizes(sizes: &[usize]) -> Vec<usize> {
    if common::quick() {
        sizes
            .iter()
            .copied()
            .filter(|&n| n == 1 || n == 10)
            .collect()
    } else {
        sizes.to_vec()
    }
}

/// Checks every record size against the `docs/formats.md` formulas and prints the table once.
fn check_record_sizes(pk: &PublicKey) {
    let mut rng = rng(99);
    println!(
        "\nrecord sizes (payload {} B, record id {} B, metadata {} B):",
        PAYLOAD.len(),
        record_id(0).len(),
        common::METADATA.len()
    );
    println!("| policy | rows | header 320+144·rows | framing (incl. ⟨P⟩, payload, tag) | record bytes |");
    println!("|---|---|---|---|---|");
    let mut sizes = Vec::new();
    for shape in [Shape::And, Shape::Or] {
        for n in POLICY_SIZES {
            let p = policy("size", shape, n);
            let rows = p.lsss().rows();
            assert_eq!(rows, n, "one LSSS row per attribute");
            let bytes = seal_record(pk, &p, 0, &mut rng).to_bytes().len();
            // Format v2: the KEM header also carries the 32-byte authority id, which
            // `common::record_framing` (v1 framing) does not count.
            let framing = record_framing(&p, record_id(0).len()) + 32;
            assert_eq!(
                bytes,
                header_formula(rows) + framing,
                "record size for {} of {n}",
                shape.name()
            );
            println!(
                "| {} of {n} | {rows} | {} | {framing} | {bytes} |",
                shape.name(),
                header_formula(rows)
            );
            sizes.push(serde_json::json!({
                "shape": shape.name(), "n": n, "rows": rows,
                "header_formula": header_formula(rows), "framing": framing, "bytes": bytes,
            }));
        }
    }
    common::write_side_result(
        "sizes/records.json",
        &serde_json::json!({
            "payload": PAYLOAD.len(), "record_id": record_id(0).len(),
            "metadata": common::METADATA.len(), "records": sizes,
        }),
    );
}

/// One authority for the whole run (setup is benched separately).
struct Fixture {
    authority: Authority,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let authority = Authority::setup(&mut rng(1));
        check_record_sizes(authority.public_key());
        Fixture { authority }
    })
}

fn bench_setup(c: &mut Criterion) {
    let mut group = c.benchmark_group("abe");
    let mut rng = rng(2);
    group.bench_function("setup", |b| b.iter(|| Authority::setup(&mut rng)));
    group.finish();
}

fn bench_issue_key(c: &mut Criterion) {
    let mut group = c.benchmark_group("abe/issue_key");
    let mut rng = rng(3);
    for n in run_sizes(&KEY_SIZES) {
        let names = attributes("key", n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &names, |b, names| {
            let authority = &fixture().authority;
            b.iter(|| authority.issue_key(names, &mut rng).unwrap())
        });
    }
    group.finish();
}

fn bench_seal(c: &mut Criterion) {
    let mut group = c.benchmark_group("abe/seal");
    group.sampling_mode(SamplingMode::Flat);
    let mut rng = rng(4);
    for shape in [Shape::And, Shape::Or] {
        for n in run_sizes(&POLICY_SIZES) {
            let policy = OnceCell::new();
            group.bench_function(BenchmarkId::new(shape.name(), n), |b| {
                let pk = fixture().authority.public_key();
                let policy = policy.get_or_init(|| {
                    let p = self::policy("pol", shape, n);
                    seal_record(pk, &p, 0, &mut rng); // warm the point caches
                    p
                });
                b.iter(|| seal_record(pk, policy, 0, &mut rng))
            });
        }
    }
    group.finish();
}

/// Sealing under attribute names never used before: every iteration hashes the
/// 6·n attribute points (the column points stay cached).
fn bench_seal_cold(c: &mut Criterion) {
    let mut group = c.benchmark_group("abe/seal_cold_attrs");
    group.sampling_mode(SamplingMode::Flat);
    let mut rng = rng(5);
    let mut fresh = 0u64;
    for n in run_sizes(&COLD_SIZES) {
        group.bench_function(BenchmarkId::new("and", n), |b| {
            let pk = fixture().authority.public_key();
            b.iter_batched(
                || {
                    fresh += 1;
                    policy(&format!("cold{fresh}"), Shape::And, n)
                },
                |policy| seal_record(pk, &policy, 0, &mut rng),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

/// The open fixture for (shape, n): a key with [`opening_attributes`] and a record
/// under `pol:a1 <shape> … pol:a{n}`, built once and shared with the paired measurement.
fn open_case(shape: Shape, n: usize) -> &'static (UserKey, SealedRecord) {
    const N: usize = POLICY_SIZES.len();
    static CASES: [OnceLock<(UserKey, SealedRecord)>; 3 * N] = [const { OnceLock::new() }; 3 * N];
    let i = POLICY_SIZES.iter().position(|&m| m == n).unwrap();
    CASES[shape as usize * N + i].get_or_init(|| {
        let authority = &fixture().authority;
        let pk = authority.public_key();
        let mut rng = rng(6);
        let key = authority
            .issue_key(&opening_attributes("pol", shape, n), &mut rng)
            .unwrap();
        let record = seal_record(pk, &policy("pol", shape, n), 0, &mut rng);
        // Also prepares the key's K0 (cached in the key, as in real use).
        assert_eq!(key.open(pk, &record).unwrap(), PAYLOAD);
        (key, record)
    })
}

fn bench_open(c: &mut Criterion) {
    let mut group = c.benchmark_group("abe/open");
    group.sampling_mode(SamplingMode::Flat);
    for shape in [Shape::And, Shape::Or, Shape::Threshold] {
        for n in run_sizes(&POLICY_SIZES) {
            group.bench_function(BenchmarkId::new(shape.name(), n), |b| {
                let pk = fixture().authority.public_key();
                let (key, record) = open_case(shape, n);
                b.iter(|| key.open(pk, black_box(record)).unwrap())
            });
        }
    }
    group.finish();
}

/// Decoding and validating a record from its bytes (`SealedRecord::from_bytes`: lengths,
/// canonical encodings, decompression, subgroup and identity checks of every point), by
/// policy size: the per-row cost is `(t(50) − t(1)) / 49` (issue 19's decode target).
fn bench_decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("abe/decode");
    for n in run_sizes(&POLICY_SIZES) {
        let bytes = open_case(Shape::And, n).1.to_bytes();
        group.bench_function(BenchmarkId::new(Shape::And.name(), n), |b| {
            b.iter(|| SealedRecord::from_bytes(black_box(&bytes)).unwrap())
        });
    }
    group.finish();
}

/// `open` ÷ the raw 6-pair multi-pairing, timed back to back (see the module docs).
fn paired_open() {
    let rounds = paired_rounds();
    if !bench_mode() || rounds == 0 {
        return;
    }
    let floor = Floor::new();
    let pk = fixture().authority.public_key();
    let mut results = Vec::new();
    // The primitives, for a cost model in undisturbed times.
    let (p1, p2) = (floor.g1()[0], floor.g2()[0]);
    let s = Fr::rand(&mut rng(8));
    let gt = Bls12_381::pairing(p1, p2);
    let mp6 = || floor.multi_pairing_6();
    results.push(paired(
        "floor/multi_pairing_6_k0_prepared",
        rounds,
        mp6,
        || floor.multi_pairing_6_k0_prepared(),
    ));
    results.push(paired("floor/g1_mul", rounds, mp6, || {
        G1Projective::from(black_box(p1)) * black_box(s)
    }));
    results.push(paired("floor/g2_mul_glv", rounds, mp6, || {
        g2::Config::glv_mul_projective(black_box(p2).into(), black_box(s))
    }));
    results.push(paired("floor/gt_exp", rounds, mp6, || {
        black_box(gt) * black_box(s)
    }));
    let mut seal_rng = rng(9);
    for shape in [Shape::And, Shape::Or, Shape::Threshold] {
        for n in run_sizes(&POLICY_SIZES) {
            let (key, record) = open_case(shape, n);
            let policy = policy("pol", shape, n);
            results.push(paired(
                &format!("abe/seal/{}/{n}", shape.name()),
                rounds,
                mp6,
                || seal_record(pk, &policy, 0, &mut seal_rng),
            ));
            results.push(paired(
                &format!("abe/open/{}/{n}", shape.name()),
                rounds,
                mp6,
                || key.open(pk, black_box(record)).unwrap(),
            ));
        }
    }
    report_paired("abe", rounds, &results);
}

/// The floor: raw arkworks operations on random inputs.
fn bench_floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("floor");
    let floor = Floor::new();
    let (p1, p2) = (floor.g1(), floor.g2());
    let s = Fr::rand(&mut rng(7));
    let gt = Bls12_381::pairing(p1[0], p2[0]);

    group.bench_function("multi_pairing_6", |b| b.iter(|| floor.multi_pairing_6()));
    group.bench_function("multi_pairing_6_k0_prepared", |b| {
        b.iter(|| floor.multi_pairing_6_k0_prepared())
    });
    group.bench_function("multi_pairing_6_all_prepared", |b| {
        b.iter(|| floor.multi_pairing_6_all_prepared())
    });
    group.bench_function("pairing", |b| {
        b.iter(|| Bls12_381::pairing(black_box(p1[0]), black_box(p2[0])))
    });
    group.bench_function("g1_mul", |b| {
        b.iter(|| G1Projective::from(black_box(p1[0])) * black_box(s))
    });
    group.bench_function("g2_mul", |b| {
        b.iter(|| G2Projective::from(black_box(p2[0])) * black_box(s))
    });
    group.bench_function("g2_mul_glv", |b| {
        b.iter(|| g2::Config::glv_mul_projective(black_box(p2[0]).into(), black_box(s)))
    });
    group.bench_function("gt_exp", |b| b.iter(|| black_box(gt) * black_box(s)));
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion_config();
    targets = bench_floor, bench_setup, bench_issue_key, bench_seal, bench_seal_cold, bench_open,
        bench_decode
}

// criterion_main! plus the paired measurement.
fn main() {
    benches();
    paired_open();
    Criterion::default().configure_from_args().final_summary();
}
