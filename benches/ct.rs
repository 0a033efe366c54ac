//! The cost of constant time: each secret-handling primitive of `cipherchart::hazmat::ct` beside
//! the arkworks operation it replaces (variable time, the "before").
//!
//! Run: `cargo bench --bench ct --features ctcheck` (the `ct` module is crate-internal;
//! the internal `ctcheck` feature exposes it). Results: `docs/constant-time.md`.
//!
//! Field operations are chained (`x = x·y`) so that they measure latency. Inputs are
//! drawn from a fixed seed; scalar multiplications rotate through 16 random scalars.
//!
//! After the criterion groups, under `cargo bench` only, a dudect-style statistical
//! test (Reparaz–Balasch–Verbauwhede 2017) times each secret operation on one fixed
//! secret against fresh random secrets, the two classes interleaved at random, and
//! prints Welch's |t| (the largest over the uncropped samples and dudect's percentile
//! crops). |t| > 10 means the running time depends on the secret; arkworks' own
//! operations are measured as positive controls. `CIPHERCHART_DUDECT=0` skips it;
//! `CIPHERCHART_DUDECT_SCALE=4` takes 4× the samples, `CIPHERCHART_DUDECT_ONLY=comb` runs
//! the tests whose name contains `comb`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;
use std::time::{Duration, Instant};

use ark_bls12_381::{Bls12_381, Fq, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::pairing::Pairing;
use ark_ec::scalar_mul::BatchMulPreprocessing;
use ark_ec::{CurveGroup, PrimeGroup};
use ark_ff::{Field, PrimeField, UniformRand};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use cipherchart::hazmat::ct::fields::{fq_to_ct, fr_to_ct, CtField};
use cipherchart::hazmat::ct::pairing::{final_exponentiation, multi_miller_loop};
use cipherchart::hazmat::ct::{
    after_wiping_aead_stack, after_wiping_stack, multi_pairing, CtG2Prepared, SecretG1, SecretG2,
    SecretGt, SecretScalar,
};
use criterion::{criterion_group, Criterion};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(0xC7)
}

fn scalars(n: usize) -> Vec<Fr> {
    let mut r = rng();
    (0..n).map(|_| Fr::rand(&mut r)).collect()
}

fn field(c: &mut Criterion) {
    let mut r = rng();
    let (a, b) = (Fq::rand(&mut r), Fq::rand(&mut r));
    let (ca, cb) = (fq_to_ct(a), fq_to_ct(b));
    let mut g = c.benchmark_group("fq");
    g.bench_function("mul/arkworks", |z| {
        let mut x = a;
        z.iter(|| {
            x *= black_box(&b);
            x
        })
    });
    g.bench_function("mul/ct", |z| {
        let mut x = ca;
        z.iter(|| {
            x *= black_box(&cb);
            x
        })
    });
    g.bench_function("add/arkworks", |z| {
        let mut x = a;
        z.iter(|| {
            x += black_box(&b);
            x
        })
    });
    g.bench_function("add/ct", |z| {
        let mut x = ca;
        z.iter(|| {
            x += black_box(&cb);
            x
        })
    });
    g.bench_function("inverse/arkworks", |z| z.iter(|| black_box(&a).inverse()));
    g.bench_function("inverse/ct", |z| z.iter(|| black_box(&ca).ct_invert()));
    g.finish();

    let (s, t) = (Fr::rand(&mut r), Fr::rand(&mut r));
    let (cs, ct) = (fr_to_ct(s), fr_to_ct(t));
    let mut g = c.benchmark_group("fr");
    g.bench_function("mul/arkworks", |z| {
        let mut x = s;
        z.iter(|| {
            x *= black_box(&t);
            x
        })
    });
    g.bench_function("mul/ct", |z| {
        let mut x = cs;
        z.iter(|| {
            x *= black_box(&ct);
            x
        })
    });
    g.bench_function("inverse/arkworks", |z| z.iter(|| black_box(&s).inverse()));
    g.bench_function("inverse/ct", |z| z.iter(|| black_box(&cs).ct_invert()));
    let mut wide = [0u8; 64];
    rand::RngCore::fill_bytes(&mut r, &mut wide);
    g.bench_function("from_bytes_wide/arkworks", |z| {
        z.iter(|| Fr::from_le_bytes_mod_order(black_box(&wide)))
    });
    g.bench_function("from_bytes_wide/ct", |z| {
        z.iter(|| SecretScalar::from_bytes_wide(black_box(&wide)))
    });
    g.finish();
}

fn curves(c: &mut Criterion) {
    let mut r = rng();
    let ks = scalars(16);
    let secret: Vec<SecretScalar> = ks.iter().map(SecretScalar::from_fr).collect();
    let p1 = G1Projective::rand(&mut r);
    let p1a = p1.into_affine();
    let p2 = G2Projective::rand(&mut r);
    let p2a = p2.into_affine();
    // Build the generator tables before timing.
    let _ = SecretG1::mul_generator(&secret[0]);
    let _ = SecretG2::mul_generator(&secret[0]);

    let mut g = c.benchmark_group("g1");
    g.sample_size(30).measurement_time(Duration::from_secs(4));
    let mut i = 0usize;
    g.bench_function("var_base/arkworks_glv", |z| {
        z.iter(|| {
            i = (i + 1) % 16;
            p1 * ks[i]
        })
    });
    g.bench_function("var_base/ct", |z| {
        z.iter(|| {
            i = (i + 1) % 16;
            SecretG1::mul_base(&p1a, &secret[i])
        })
    });
    let gen = G1Projective::generator();
    g.bench_function("fixed_base/arkworks_glv", |z| {
        z.iter(|| {
            i = (i + 1) % 16;
            gen * ks[i]
        })
    });
    g.bench_function("fixed_base/ct_comb", |z| {
        z.iter(|| {
            i = (i + 1) % 16;
            SecretG1::mul_generator(&secret[i])
        })
    });
    let bases = [p1a, G1Projective::rand(&mut r).into_affine()];
    g.bench_function("two_term/arkworks", |z| {
        z.iter(|| {
            i = (i + 1) % 15;
            bases[0] * ks[i] + bases[1] * ks[i + 1]
        })
    });
    g.bench_function("two_term/ct_straus", |z| {
        z.iter(|| {
            i = (i + 1) % 15;
            SecretG1::multi_mul(&bases, &[&secret[i], &secret[i + 1]])
        })
    });
    // arkworks' fastest fixed-base path: a windowed table sized for many scalars, one
    // batch of 16 (normalised to affine with one inversion), against 16 combs and one
    // CT batch normalisation.
    let table = BatchMulPreprocessing::with_num_scalars_and_scalar_size(gen, 1024, 255);
    g.bench_function("fixed_base_x16/arkworks_table", |z| {
        z.iter(|| table.batch_mul(black_box(&ks)))
    });
    g.bench_function("fixed_base_x16/ct_comb", |z| {
        z.iter(|| {
            let pts: Vec<SecretG1> = secret.iter().map(SecretG1::mul_generator).collect();
            SecretG1::batch_to_affine_secret(&pts)
        })
    });
    let q = p1 * ks[3];
    let sq = SecretG1::from_projective(&q);
    g.bench_function("compress/arkworks", |z| {
        z.iter(|| {
            let mut out = [0u8; 48];
            black_box(&q)
                .into_affine()
                .serialize_compressed(&mut out[..])
                .unwrap();
            out
        })
    });
    g.bench_function("compress/ct", |z| z.iter(|| black_box(&sq).to_compressed()));
    let enc1 = *sq.to_compressed();
    g.bench_function("decompress/arkworks", |z| {
        z.iter(|| G1Affine::deserialize_compressed(&black_box(&enc1)[..]).unwrap())
    });
    g.bench_function("decompress/ct", |z| {
        z.iter(|| SecretG1::from_compressed(black_box(&enc1)).unwrap())
    });
    g.bench_function("to_affine/arkworks", |z| {
        z.iter(|| black_box(&q).into_affine())
    });
    g.bench_function("to_affine/ct", |z| z.iter(|| black_box(&sq).publish()));
    g.finish();

    let mut g = c.benchmark_group("g2");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    g.bench_function("var_base/arkworks", |z| {
        z.iter(|| {
            i = (i + 1) % 16;
            p2 * ks[i]
        })
    });
    g.bench_function("var_base/ct", |z| {
        z.iter(|| {
            i = (i + 1) % 16;
            SecretG2::mul_base(&p2a, &secret[i])
        })
    });
    let h = G2Projective::generator();
    g.bench_function("fixed_base/arkworks", |z| {
        z.iter(|| {
            i = (i + 1) % 16;
            h * ks[i]
        })
    });
    g.bench_function("fixed_base/ct_comb", |z| {
        z.iter(|| {
            i = (i + 1) % 16;
            SecretG2::mul_generator(&secret[i])
        })
    });
    let q2 = p2 * ks[3];
    let sq2 = SecretG2::from_projective(&q2);
    g.bench_function("compress/arkworks", |z| {
        z.iter(|| {
            let mut out = [0u8; 96];
            black_box(&q2)
                .into_affine()
                .serialize_compressed(&mut out[..])
                .unwrap();
            out
        })
    });
    g.bench_function("compress/ct", |z| {
        z.iter(|| black_box(&sq2).to_compressed())
    });
    let enc2 = *sq2.to_compressed();
    g.bench_function("decompress/arkworks", |z| {
        z.iter(|| G2Affine::deserialize_compressed(&black_box(&enc2)[..]).unwrap())
    });
    g.bench_function("decompress/ct", |z| {
        z.iter(|| SecretG2::from_compressed(black_box(&enc2)).unwrap())
    });
    g.finish();
}

fn gt(c: &mut Criterion) {
    let ks = scalars(16);
    let secret: Vec<SecretScalar> = ks.iter().map(SecretScalar::from_fr).collect();
    let f = Bls12_381::pairing(G1Projective::generator() * ks[0], G2Projective::generator());
    let mut g = c.benchmark_group("gt");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    let mut i = 0usize;
    g.bench_function("exp/arkworks_naf", |z| {
        z.iter(|| {
            i = (i + 1) % 16;
            f * ks[i]
        })
    });
    g.bench_function("exp/ct", |z| {
        z.iter(|| {
            i = (i + 1) % 16;
            SecretGt::pow_base(&f, &secret[i])
        })
    });
    g.finish();
}

/// arkworks' prepared G2 input (line coefficients).
type G2Prepared = <Bls12_381 as Pairing>::G2Prepared;

fn pairing(c: &mut Criterion) {
    let mut r = rng();
    let p = G1Projective::rand(&mut r).into_affine();
    let q = G2Projective::rand(&mut r).into_affine();
    let g1s: Vec<G1Affine> = (0..6)
        .map(|_| G1Projective::rand(&mut r).into_affine())
        .collect();
    let g2s: Vec<G2Affine> = (0..6)
        .map(|_| G2Projective::rand(&mut r).into_affine())
        .collect();
    let ark_prep: Vec<G2Prepared> = g2s.iter().map(|q| G2Prepared::from(*q)).collect();
    let ct_prep: Vec<CtG2Prepared> = g2s.iter().map(CtG2Prepared::new).collect();
    let ct_refs: Vec<&CtG2Prepared> = ct_prep.iter().collect();
    let ml_ark = Bls12_381::multi_miller_loop(g1s.clone(), ark_prep.clone());
    let ml_ct = multi_miller_loop(&g1s, &ct_refs);

    let mut g = c.benchmark_group("pairing");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    g.bench_function("single/arkworks", |z| {
        z.iter(|| Bls12_381::pairing(black_box(p), black_box(q)))
    });
    g.bench_function("single/ct", |z| {
        z.iter(|| multi_pairing(&[black_box(p)], &[&CtG2Prepared::new(black_box(&q))]))
    });
    g.bench_function("prepare_g2/arkworks", |z| {
        z.iter(|| G2Prepared::from(black_box(q)))
    });
    g.bench_function("prepare_g2/ct", |z| {
        z.iter(|| CtG2Prepared::new(black_box(&q)))
    });
    g.bench_function("miller_loop_6/arkworks", |z| {
        z.iter(|| Bls12_381::multi_miller_loop(black_box(g1s.clone()), ark_prep.clone()))
    });
    g.bench_function("miller_loop_6/ct", |z| {
        z.iter(|| multi_miller_loop(black_box(&g1s), &ct_refs))
    });
    g.bench_function("final_exp/arkworks", |z| {
        z.iter(|| Bls12_381::final_exponentiation(black_box(ml_ark)))
    });
    g.bench_function("final_exp/ct", |z| {
        z.iter(|| final_exponentiation(black_box(&ml_ct)))
    });
    // DecCore's shape: six pairs, G2 sides prepared once per key/header.
    g.bench_function("deccore_6_prepared/arkworks", |z| {
        z.iter(|| Bls12_381::multi_pairing(black_box(g1s.clone()), ark_prep.clone()))
    });
    g.bench_function("deccore_6_prepared/ct", |z| {
        z.iter(|| multi_pairing(black_box(&g1s), &ct_refs))
    });
    g.finish();
}

/// The stack wipe around every public secret operation (`ct::wipe`): its cost on an
/// empty operation, against which §6 of `docs/constant-time.md` weighs the operations.
fn wipe(c: &mut Criterion) {
    let mut g = c.benchmark_group("wipe");
    g.bench_function("after_wiping_stack (64 KiB)", |z| {
        z.iter(|| after_wiping_stack(|| black_box(1u64)))
    });
    g.bench_function("after_wiping_aead_stack (16 KiB)", |z| {
        z.iter(|| after_wiping_aead_stack(|| black_box(1u64)))
    });
    g.finish();
}

criterion_group!(benches, field, curves, gt, pairing, wipe);

// ---------------------------------------------------------------------------------
// dudect-style timing test

#[path = "common/dudect_stats.rs"]
mod dudect_stats;
use dudect_stats::max_abs_t;

/// Times `op` on the fixed input (class true) or a fresh random one (class false),
/// chosen by a coin per sample. Both inputs are prepared before the clock starts, and
/// the one used is moved into the same local, so the two classes differ only in value.
fn dudect<I: Clone, O>(
    name: &str,
    n: usize,
    fixed: &I,
    mut fresh: impl FnMut() -> I,
    op: impl Fn(&I) -> O,
) {
    if let Ok(only) = std::env::var("CIPHERCHART_DUDECT_ONLY") {
        if !name.contains(only.as_str()) {
            return;
        }
    }
    let mut coin = ChaCha20Rng::seed_from_u64(0xD0DEC7);
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let class = rand::RngCore::next_u32(&mut coin) & 1 == 1;
        let random_input = fresh();
        let fixed_input = fixed.clone();
        let input = if class { fixed_input } else { random_input };
        let t = Instant::now();
        black_box(op(black_box(&input)));
        samples.push((class, t.elapsed().as_nanos() as f64));
    }
    let ((t, _crop), n) = (max_abs_t(&samples), samples.len());
    let verdict = if t > 10.0 {
        "LEAKS"
    } else if t > 5.0 {
        "suspect"
    } else {
        "no leak detected"
    };
    println!("dudect {name:<34} n = {n:>7}  max |t| = {t:>8.1}  {verdict}");
}

fn dudect_all() {
    let scale: usize = std::env::var("CIPHERCHART_DUDECT_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut r = rng();
    let base1 = G1Projective::rand(&mut r).into_affine();
    let base2 = G2Projective::rand(&mut r).into_affine();
    let f = Bls12_381::pairing(G1Projective::rand(&mut r), G2Projective::generator());
    // A fixed secret with a distinctive shape (sparse digits), as dudect suggests.
    let fixed_fr = Fr::from(2u64).pow([250u64]) + Fr::from(1u64);
    let fixed = SecretScalar::from_fr(&fixed_fr);
    let mut pool = ChaCha20Rng::seed_from_u64(0xF00D);
    let mut fresh_secret = move || SecretScalar::random(&mut pool);
    let mut pool2 = ChaCha20Rng::seed_from_u64(0xF00E);
    let mut fresh_fr = move || Fr::rand(&mut pool2);
    println!();
    dudect(
        "ct G1 variable base",
        6000 * scale,
        &fixed,
        &mut fresh_secret,
        |s| SecretG1::mul_base(&base1, s),
    );
    dudect(
        "ct G1 generator comb",
        10000 * scale,
        &fixed,
        &mut fresh_secret,
        SecretG1::mul_generator,
    );
    dudect(
        "ct G2 variable base",
        2000 * scale,
        &fixed,
        &mut fresh_secret,
        |s| SecretG2::mul_base(&base2, s),
    );
    dudect(
        "ct GT exponentiation",
        2000 * scale,
        &fixed,
        &mut fresh_secret,
        |s| SecretGt::pow_base(&f, s),
    );
    dudect(
        "ct Fr inversion",
        50000 * scale,
        &fixed,
        &mut fresh_secret,
        |s| s.invert(),
    );
    dudect(
        "arkworks G1 GLV (control)",
        6000 * scale,
        &fixed_fr,
        &mut fresh_fr,
        |s| base1 * s,
    );
    dudect(
        "arkworks Fr inversion (control)",
        50000 * scale,
        &fixed_fr,
        &mut fresh_fr,
        |s| s.inverse(),
    );
}

fn bench_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    has("--bench") && !has("--test") && !has("--list")
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    if bench_mode() && std::env::var("CIPHERCHART_DUDECT").as_deref() != Ok("0") {
        dudect_all();
    }
}
