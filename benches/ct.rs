//! The cost of constant time: each secret-handling primitive of `cipherchart::ct` beside
//! the arkworks operation it replaces (variable time, the "before").
//!
//! Run: `cargo bench --bench ct --features ctcheck` (the `ct` module is crate-internal;
//! the internal `ctcheck` feature exposes it). Results: `docs/constant-time.md`.
//!
//! Field operations are chained (`x = x·y`) so that they measure latency. Inputs are
//! drawn from a fixed seed; scalar multiplications rotate through 16 random scalars.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;
use std::time::Duration;

use ark_bls12_381::{Bls12_381, Fq, Fr, G1Projective, G2Projective};
use ark_ec::pairing::Pairing;
use ark_ec::{CurveGroup, PrimeGroup};
use ark_ff::{Field, PrimeField, UniformRand};
use cipherchart::ct::fields::{fq_to_ct, fr_to_ct, CtField};
use cipherchart::ct::{SecretG1, SecretG2, SecretGt, SecretScalar};
use criterion::{criterion_group, criterion_main, Criterion};
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
    let q = p1 * ks[3];
    let sq = SecretG1::from_projective(&q);
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

criterion_group!(benches, field, curves, gt);
criterion_main!(benches);
