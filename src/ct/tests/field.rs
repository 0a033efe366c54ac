//! The constant-time backend against arkworks' `MontBackend`.

use ark_bls12_381::{Fq, Fq2, Fr};
use ark_ff::{AdditiveGroup, BigInteger, FftField, Field, PrimeField, UniformRand, Zero};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::{bytes64, edge_scalars, fr_from, r_minus_1_le};
use crate::ct::fields::{
    fq2_from_ct, fq2_to_ct, fq_from_ct, fq_to_ct, fr_from_ct, fr_to_ct, CtField, CtFq, CtFq2, CtFr,
};
use crate::ct::scalar::{
    fr_from_be_bytes, fr_from_be_bytes_48, fr_from_le_bytes, fr_from_le_bytes_wide, fr_to_be_bytes,
    fr_to_le_bytes,
};

fn fq_edges() -> Vec<Fq> {
    let mut v = vec![Fq::ZERO, Fq::ONE, -Fq::ONE, Fq::from(2u64), -Fq::from(2u64)];
    v.push(Fq::from(2u64).pow([380u64]));
    v.push(Fq::from(2u64).pow([380u64]) - Fq::ONE);
    v.push(Fq::from(2u64).inverse().unwrap_or(Fq::ZERO)); // (q+1)/2
    v.push(-Fq::from(2u64).inverse().unwrap_or(Fq::ZERO)); // (q−1)/2
    v
}

/// Every binary and unary operation on a pair of Fq elements.
fn check_fq_pair(a: Fq, b: Fq) {
    let (x, y) = (fq_to_ct(a), fq_to_ct(b));
    assert_eq!(fq_from_ct(x + y), a + b, "add {a} {b}");
    assert_eq!(fq_from_ct(x - y), a - b, "sub {a} {b}");
    assert_eq!(fq_from_ct(x * y), a * b, "mul {a} {b}");
    assert_eq!(fq_from_ct(x.square()), a.square());
    assert_eq!(fq_from_ct(x.double()), a.double());
    assert_eq!(fq_from_ct(-x), -a);
    assert_eq!(fq_from_ct(x.ct_invert()), a.inverse().unwrap_or(Fq::ZERO));
    assert_eq!(x.inverse().map(fq_from_ct), a.inverse());
    assert_eq!(x.into_bigint(), a.into_bigint());
    assert_eq!(CtFq::from_bigint(a.into_bigint()), Some(x));
    assert_eq!(bool::from(x.ct_eq(&y)), a == b);
    assert_eq!(bool::from(x.ct_is_zero()), a.is_zero());
    assert_eq!(
        fq_from_ct(CtFq::sum_of_products(&[x, y], &[y, x])),
        a * b + b * a
    );
}

fn check_fr_pair(a: Fr, b: Fr) {
    let (x, y) = (fr_to_ct(a), fr_to_ct(b));
    assert_eq!(fr_from_ct(x + y), a + b);
    assert_eq!(fr_from_ct(x - y), a - b);
    assert_eq!(fr_from_ct(x * y), a * b);
    assert_eq!(fr_from_ct(x.square()), a.square());
    assert_eq!(fr_from_ct(x.double()), a.double());
    assert_eq!(fr_from_ct(-x), -a);
    assert_eq!(fr_from_ct(x.ct_invert()), a.inverse().unwrap_or(Fr::ZERO));
    assert_eq!(x.into_bigint(), a.into_bigint());
    assert_eq!(
        fr_from_ct(CtFr::sum_of_products(&[x, y, x], &[y, x, x])),
        a * b + b * a + a * a
    );
    assert_eq!(fr_to_le_bytes(&x).to_vec(), a.into_bigint().to_bytes_le());
    assert_eq!(fr_to_be_bytes(&x).to_vec(), a.into_bigint().to_bytes_be());
}

fn check_fq2_pair(a: Fq2, b: Fq2) {
    let (x, y) = (fq2_to_ct(a), fq2_to_ct(b));
    assert_eq!(fq2_from_ct(x * y), a * b);
    assert_eq!(fq2_from_ct(x.square()), a.square());
    assert_eq!(fq2_from_ct(x + y), a + b);
    assert_eq!(fq2_from_ct(x - y), a - b);
    assert_eq!(fq2_from_ct(x.ct_invert()), a.inverse().unwrap_or(Fq2::ZERO));
    assert_eq!(bool::from(x.ct_eq(&y)), a == b);
}

#[test]
fn fq_edge_values() {
    let e = fq_edges();
    for a in &e {
        for b in &e {
            check_fq_pair(*a, *b);
        }
    }
}

#[test]
fn fr_edge_values() {
    let e = edge_scalars();
    for a in e.iter().take(12) {
        for b in &e {
            check_fr_pair(*a, *b);
        }
    }
}

#[test]
fn fq2_edge_values() {
    let e = fq_edges();
    let mut v = Vec::new();
    for a in e.iter().take(5) {
        for b in e.iter().take(5) {
            v.push(Fq2::new(*a, *b));
        }
    }
    for a in &v {
        for b in &v {
            check_fq2_pair(*a, *b);
        }
    }
}

#[test]
fn constants_match_arkworks() {
    assert_eq!(fq_from_ct(CtFq::ONE), Fq::ONE);
    assert_eq!(fq_from_ct(CtFq::NEG_ONE), -Fq::ONE);
    assert_eq!(fr_from_ct(CtFr::GENERATOR), Fr::GENERATOR);
    assert_eq!(fq2_from_ct(CtFq2::ONE), Fq2::ONE);
    // Frobenius goes through the copied coefficient tables.
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let a = ark_bls12_381::Fq12::rand(&mut rng);
    let x = crate::ct::fields::fq12_to_ct(a);
    for power in 0..12 {
        assert_eq!(
            crate::ct::fields::fq12_from_ct(x.frobenius_map(power)),
            a.frobenius_map(power)
        );
    }
    // Square roots are converted too (not used on secrets).
    let nine = CtFq::from(9u64);
    let r = nine.sqrt().map(fq_from_ct);
    assert!(r == Some(Fq::from(3u64)) || r == Some(-Fq::from(3u64)));
}

#[test]
fn wide_reduction_edges() {
    for bytes in [[0u8; 64], [0xff; 64], {
        let mut b = [0u8; 64];
        b[..32].copy_from_slice(&r_minus_1_le());
        b
    }] {
        assert_eq!(
            fr_from_ct(fr_from_le_bytes_wide(&bytes)),
            Fr::from_le_bytes_mod_order(&bytes)
        );
    }
    let be = [0xffu8; 48];
    assert_eq!(
        fr_from_ct(fr_from_be_bytes_48(&be)),
        Fr::from_be_bytes_mod_order(&be)
    );
}

#[test]
fn range_check_of_32_byte_scalars() {
    let r_minus_1 = r_minus_1_le();
    let (s, ok) = fr_from_le_bytes(&r_minus_1);
    assert!(bool::from(ok));
    assert_eq!(fr_from_ct(s), -Fr::from(1u64));
    // r itself, r + 1 and 2^256 − 1 are rejected.
    let mut r = r_minus_1;
    r[0] += 1;
    assert!(!bool::from(fr_from_le_bytes(&r).1));
    r[0] += 1;
    assert!(!bool::from(fr_from_le_bytes(&r).1));
    assert!(!bool::from(fr_from_le_bytes(&[0xff; 32]).1));
    let (z, ok) = fr_from_le_bytes(&[0; 32]);
    assert!(bool::from(ok) && bool::from(z.ct_is_zero()));
    // Big-endian: the byte-reversed encoding.
    let mut be = r_minus_1;
    be.reverse();
    let (s, ok) = fr_from_be_bytes(&be);
    assert!(bool::from(ok));
    assert_eq!(fr_from_ct(s), -Fr::from(1u64));
    // The Option-returning trait method agrees.
    assert!(CtFr::from_bigint(Fr::MODULUS).is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn fq_random(a in bytes64(), b in bytes64()) {
        check_fq_pair(Fq::from_le_bytes_mod_order(&a), Fq::from_le_bytes_mod_order(&b));
    }

    #[test]
    fn fr_random(a in bytes64(), b in bytes64()) {
        check_fr_pair(fr_from(&a), fr_from(&b));
    }

    #[test]
    fn fq2_random(a in bytes64(), b in bytes64(), c in bytes64(), d in bytes64()) {
        let f = |x: &[u8]| Fq::from_le_bytes_mod_order(x);
        check_fq2_pair(Fq2::new(f(&a), f(&b)), Fq2::new(f(&c), f(&d)));
    }

    #[test]
    fn wide_reduction_matches_arkworks(a in bytes64()) {
        prop_assert_eq!(fr_from_ct(fr_from_le_bytes_wide(&a)), Fr::from_le_bytes_mod_order(&a));
        let mut be = [0u8; 48];
        be.copy_from_slice(&a[..48]);
        prop_assert_eq!(fr_from_ct(fr_from_be_bytes_48(&be)), Fr::from_be_bytes_mod_order(&be));
    }

    #[test]
    fn scalar_bytes_round_trip(a in bytes64()) {
        let x = fr_to_ct(fr_from(&a));
        let (y, ok) = fr_from_be_bytes(&fr_to_be_bytes(&x));
        prop_assert!(bool::from(ok));
        prop_assert!(bool::from(x.ct_eq(&y)));
        // 32 arbitrary bytes: accepted exactly when below r, and then equal.
        let mut raw = [0u8; 32];
        raw.copy_from_slice(&a[..32]);
        let (z, ok) = fr_from_le_bytes(&raw);
        let reference = Fr::from_bigint(ark_ff::BigInt::<4>(core::array::from_fn(|i| {
            u64::from_le_bytes(raw[8 * i..8 * i + 8].try_into().unwrap_or([0; 8]))
        })));
        prop_assert_eq!(bool::from(ok), reference.is_some());
        if let Some(r) = reference {
            prop_assert_eq!(fr_from_ct(z), r);
        }
    }
}
