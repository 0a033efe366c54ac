//! Peers in the same run as cipherchart: rabe 0.4.2's AC17 CP-ABE (the only Rust FAME)
//! encrypt and decrypt at the policies of `benches/abe.rs`, blst's 6-pair multi-pairing
//! (the speed limit of BLS12-381), the raw arkworks floor with and without prepared G2
//! inputs, and cipherchart's own seal and open at the same sizes, so every ratio the
//! report quotes (`scripts/bench-report`) comes from one process on one machine state.
//!
//! Run: `cargo bench --bench peers` (about 4 minutes on 2 cores; the rabe encryptions
//! dominate). `CIPHERCHART_BENCH_QUICK=1` keeps policy sizes 1 and 10 and shortens the
//! measurement.
//!
//! What rabe runs (`rabe::schemes::ac17`, BN254 via rabe-bn, **not a secure FAME**:
//! its hash to G1 is `g^SHA3(x)`, a hash with a known discrete log):
//! * AND of n is the right-nested binary form `"a1" and ("a2" and (…))` (its
//!   Lewko–Waters converter accepts only binary AND), OR of n is flat;
//! * encrypt includes AES-256-GCM over the same 1 KiB payload; decrypt parses and
//!   prunes the policy and runs 6 separate pairings;
//! * the key holds what cipherchart's key holds: all n attributes (AND) or the last one
//!   (OR). rabe draws its own randomness (`thread_rng`).

// A failed fixture aborts the bench: that is the point of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(missing_docs)] // criterion_group! generates undocumented items

mod common;

use std::hint::black_box;
use std::sync::OnceLock;

use blst::{blst_fp12, blst_p1_affine, blst_p2_affine, Pairing};
use cipherchart::{Authority, PublicKey, SealedRecord, UserKey};
use criterion::{criterion_group, BenchmarkId, Criterion, SamplingMode};
use rabe::schemes::ac17;
use rabe::utils::policy::pest::PolicyLanguage;

use common::{opening_attributes, policy, rng, seal_record, Floor, Shape, PAYLOAD};

/// The policy sizes of `benches/abe.rs` (1 and 10 in quick mode).
fn sizes() -> &'static [usize] {
    if common::quick() {
        &[1, 10]
    } else {
        &[1, 5, 10, 20, 50]
    }
}

// ---------------------------------------------------------------------------------
// blst

/// Six random pairs in blst's affine types (points `k·g`, `k·h` from blst's key
/// generation, so they are valid and in the subgroups).
struct BlstPairs {
    g1: Vec<blst_p1_affine>,
    g2: Vec<blst_p2_affine>,
}

impl BlstPairs {
    fn new() -> Self {
        let ikm = |i: u8| [i.wrapping_mul(37).wrapping_add(11); 32];
        let g1 = (0..6u8)
            .map(|i| {
                let sk = blst::min_pk::SecretKey::key_gen(&ikm(i), &[]).unwrap();
                blst_p1_affine::from(sk.sk_to_pk())
            })
            .collect();
        let g2 = (0..6u8)
            .map(|i| {
                let sk = blst::min_sig::SecretKey::key_gen(&ikm(i + 100), &[]).unwrap();
                blst_p2_affine::from(sk.sk_to_pk())
            })
            .collect();
        let pairs = Self { g1, g2 };
        // The multi-pairing equals the product of single pairings.
        let mut product = blst_fp12::default();
        for (p, q) in pairs.g1.iter().zip(&pairs.g2) {
            let single = blst_fp12::miller_loop(q, p).final_exp();
            product = if product == blst_fp12::default() {
                single
            } else {
                product * single
            };
        }
        assert!(pairs.multi_pairing_6() == product, "blst multi-pairing");
        pairs
    }

    /// One multi-Miller loop over the six pairs (blst's pairing context, single
    /// threaded) and one final exponentiation.
    fn multi_pairing_6(&self) -> blst_fp12 {
        let mut ctx = Pairing::new(false, &[]);
        for (p, q) in self.g1.iter().zip(&self.g2) {
            ctx.raw_aggregate(black_box(q), black_box(p));
        }
        ctx.commit();
        ctx.as_fp12().final_exp()
    }
}

/// The floor in one group: arkworks with and without prepared G2, blst.
fn bench_floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("peers/floor");
    let floor = Floor::new();
    let blst = BlstPairs::new();
    group.bench_function("ark_multi_pairing_6", |b| {
        b.iter(|| floor.multi_pairing_6())
    });
    group.bench_function("ark_multi_pairing_6_prepared", |b| {
        b.iter(|| floor.multi_pairing_6_all_prepared())
    });
    group.bench_function("ark_multi_pairing_6_k0_prepared", |b| {
        b.iter(|| floor.multi_pairing_6_k0_prepared())
    });
    group.bench_function("blst_multi_pairing_6", |b| {
        b.iter(|| blst.multi_pairing_6())
    });
    group.finish();
}

// ---------------------------------------------------------------------------------
// rabe AC17

/// rabe's policy text for n attributes `pa1 … pan`.
fn rabe_policy(shape: Shape, n: usize) -> String {
    let leaf = |i: usize| format!("\"pa{i}\"");
    match shape {
        // Right-nested binary AND: "pa1" and ("pa2" and (… "pan")).
        Shape::And => {
            let mut text = leaf(n);
            for i in (1..n).rev() {
                text = format!("{} and ({text})", leaf(i));
            }
            text
        }
        Shape::Or => (1..=n).map(leaf).collect::<Vec<_>>().join(" or "),
        Shape::Threshold => panic!("the peers run AND and OR only"),
    }
}

fn rabe_keys() -> &'static (ac17::Ac17PublicKey, ac17::Ac17MasterKey) {
    static KEYS: OnceLock<(ac17::Ac17PublicKey, ac17::Ac17MasterKey)> = OnceLock::new();
    KEYS.get_or_init(ac17::setup)
}

/// rabe's key (the attributes cipherchart's key holds) and a ciphertext, checked to
/// decrypt to the payload.
fn rabe_case(shape: Shape, n: usize) -> (ac17::Ac17CpSecretKey, ac17::Ac17CpCiphertext) {
    let (pk, msk) = rabe_keys();
    let held: Vec<String> = match shape {
        Shape::And => (1..=n).map(|i| format!("pa{i}")).collect(),
        Shape::Or => vec![format!("pa{n}")],
        Shape::Threshold => panic!("the peers run AND and OR only"),
    };
    let held: Vec<&str> = held.iter().map(String::as_str).collect();
    let sk = ac17::cp_keygen(msk, &held).unwrap();
    let ct = ac17::cp_encrypt(
        pk,
        &rabe_policy(shape, n),
        &PAYLOAD,
        PolicyLanguage::HumanPolicy,
    )
    .unwrap();
    assert_eq!(ac17::cp_decrypt(&sk, &ct).unwrap(), PAYLOAD);
    (sk, ct)
}

fn bench_rabe(c: &mut Criterion) {
    let mut group = c.benchmark_group("peers/rabe_ac17");
    group.sampling_mode(SamplingMode::Flat);
    for shape in [Shape::And, Shape::Or] {
        for &n in sizes() {
            let text = rabe_policy(shape, n);
            group.bench_function(
                BenchmarkId::new(format!("encrypt/{}", shape.name()), n),
                |b| {
                    let pk = &rabe_keys().0;
                    b.iter(|| {
                        ac17::cp_encrypt(pk, &text, &PAYLOAD, PolicyLanguage::HumanPolicy).unwrap()
                    })
                },
            );
            let case = OnceLock::new();
            group.bench_function(
                BenchmarkId::new(format!("decrypt/{}", shape.name()), n),
                |b| {
                    let (sk, ct) = case.get_or_init(|| rabe_case(shape, n));
                    b.iter(|| ac17::cp_decrypt(sk, black_box(ct)).unwrap())
                },
            );
        }
    }
    group.finish();
}

// ---------------------------------------------------------------------------------
// cipherchart at the same policies, in the same run

fn authority() -> &'static Authority {
    static AUTHORITY: OnceLock<Authority> = OnceLock::new();
    AUTHORITY.get_or_init(|| Authority::setup(&mut rng(0x9ee5)))
}

fn pk() -> &'static PublicKey {
    authority().public_key()
}

/// A key that opens `pol:a1 <shape> … pol:a{n}` and a record under it (warm caches).
fn open_case(shape: Shape, n: usize) -> (UserKey, SealedRecord) {
    let mut rng = rng(0x9ee6 + n as u64);
    let key = authority()
        .issue_key(&opening_attributes("pol", shape, n), &mut rng)
        .unwrap();
    let record = seal_record(pk(), &policy("pol", shape, n), 0, &mut rng);
    assert_eq!(key.open(pk(), &record).unwrap(), PAYLOAD);
    (key, record)
}

fn bench_cipherchart(c: &mut Criterion) {
    let mut group = c.benchmark_group("peers/cipherchart");
    group.sampling_mode(SamplingMode::Flat);
    let mut seal_rng = rng(0x9ee7);
    for shape in [Shape::And, Shape::Or] {
        for &n in sizes() {
            let p = policy("pol", shape, n);
            group.bench_function(BenchmarkId::new(format!("seal/{}", shape.name()), n), |b| {
                seal_record(pk(), &p, 0, &mut seal_rng); // warm the point caches
                b.iter(|| seal_record(pk(), &p, 0, &mut seal_rng))
            });
            let case = OnceLock::new();
            group.bench_function(BenchmarkId::new(format!("open/{}", shape.name()), n), |b| {
                let (key, record) = case.get_or_init(|| open_case(shape, n));
                b.iter(|| key.open(pk(), black_box(record)).unwrap())
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion_config();
    targets = bench_floor, bench_cipherchart, bench_rabe
}

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
