//! Review tests of the constant-time layer from outside the crate (`--features ctcheck`):
//! - 1515a9b: `SecretG1/SecretG2::from_compressed` accept exactly what arkworks'
//!   validating compressed decoder accepts, and give the same point;
//! - 2e212b3/9ba47ca: `multi_pairing_vartime`/`pairing_vartime` (arkworks natively) and
//!   the CT tower they route to on wasm32 (`CtG2Prepared`, `multi_miller_loop`,
//!   `final_exponentiation`, rebuilt here from its public parts) agree with arkworks and
//!   are bilinear, identities and several pairs included;
//! - the CT field arithmetic (`CtFq`) equals arkworks at edge values and at random.
//!
//! `cargo test --features ctcheck --test constant_time`

#![cfg(feature = "ctcheck")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ark_bls12_381::{Bls12_381, Fq, Fq2, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{BigInteger, Field, PrimeField, UniformRand, Zero};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use cipherchart::hazmat::ct::fields::{fq12_from_ct, fq_from_ct, fq_to_ct};
use cipherchart::hazmat::ct::pairing::{
    final_exponentiation, multi_miller_loop, multi_pairing_vartime, pairing_vartime,
};
use cipherchart::hazmat::ct::{CtG2Prepared, SecretG1, SecretG2};
use proptest::prelude::*;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

// ---------------------------------------------------------------- decoding (1515a9b)

fn g1_bytes(p: &G1Affine) -> [u8; 48] {
    let mut v = Vec::new();
    p.serialize_compressed(&mut v).unwrap();
    v.try_into().unwrap()
}

fn g2_bytes(p: &G2Affine) -> [u8; 96] {
    let mut v = Vec::new();
    p.serialize_compressed(&mut v).unwrap();
    v.try_into().unwrap()
}

/// The CT decoder and arkworks' validating decoder agree on accept/reject and point.
fn same_g1(b: &[u8; 48], what: &str) -> bool {
    let ark = G1Affine::deserialize_compressed(&b[..]).ok();
    let ct = SecretG1::from_compressed(b).map(|p| p.publish());
    assert_eq!(ct, ark, "G1 {what}: {}", hex::encode(b));
    ark.is_some()
}

fn same_g2(b: &[u8; 96], what: &str) -> bool {
    let ark = G2Affine::deserialize_compressed(&b[..]).ok();
    let ct = SecretG2::from_compressed(b).map(|p| p.publish());
    assert_eq!(ct, ark, "G2 {what}: {}", hex::encode(b));
    ark.is_some()
}

/// `q` big-endian, 48 bytes.
fn q_be() -> [u8; 48] {
    Fq::MODULUS.to_bytes_be().try_into().unwrap()
}

fn add_be(a: &[u8; 48], k: u8) -> [u8; 48] {
    let mut r = *a;
    let mut carry = u16::from(k);
    for byte in r.iter_mut().rev() {
        let s = u16::from(*byte) + carry;
        *byte = s as u8;
        carry = s >> 8;
    }
    r
}

/// An on-curve G1 point outside the prime-order subgroup.
fn g1_off_subgroup(rng: &mut ChaCha20Rng) -> G1Affine {
    loop {
        if let Some(p) = G1Affine::get_point_from_x_unchecked(Fq::rand(rng), rng.gen()) {
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                return p;
            }
        }
    }
}

fn g2_off_subgroup(rng: &mut ChaCha20Rng) -> G2Affine {
    loop {
        if let Some(p) = G2Affine::get_point_from_x_unchecked(Fq2::rand(rng), rng.gen()) {
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                return p;
            }
        }
    }
}

#[test]
fn g1_decoding_matches_arkworks_on_every_class() {
    let mut rng = ChaCha20Rng::seed_from_u64(51);
    let mut accepted = 0;
    // Random valid points, and both signs.
    for _ in 0..40 {
        let p = G1Projective::rand(&mut rng).into_affine();
        assert!(same_g1(&g1_bytes(&p), "valid"));
        assert!(same_g1(&g1_bytes(&-p), "valid negated"));
        accepted += 2;
    }
    assert!(same_g1(&g1_bytes(&G1Affine::generator()), "generator"));
    // Identity, canonical and with junk.
    let mut id = [0u8; 48];
    id[0] = 0xc0;
    assert!(same_g1(&id, "identity"));
    for (i, junk) in [(0usize, 0x01u8), (0, 0x10), (47, 0x01), (20, 0x80)] {
        let mut b = id;
        b[i] |= junk;
        assert!(!same_g1(&b, "identity with junk x bits"));
    }
    for flags in [0x00u8, 0x20, 0x40, 0x60, 0x80, 0xa0, 0xe0] {
        let mut b = [0u8; 48];
        b[0] = flags;
        same_g1(&b, &format!("zero x, flags {flags:#x}"));
    }
    // Valid x with the compression flag cleared / the infinity flag set.
    let p = g1_bytes(&G1Projective::rand(&mut rng).into_affine());
    for f in [0x80u8, 0x40, 0x20] {
        let mut b = p;
        b[0] ^= f;
        same_g1(&b, &format!("valid point, flag {f:#x} flipped"));
    }
    // x ≥ q.
    let q = q_be();
    for k in [0u8, 1, 2, 3, 255] {
        let mut b = add_be(&q, k);
        b[0] |= 0x80;
        assert!(!same_g1(&b, "x >= q"));
        b[0] |= 0x20;
        assert!(!same_g1(&b, "x >= q, sorted"));
    }
    let mut b = [0xffu8; 48];
    b[0] = 0x9f; // x = 2^381 − 1
    assert!(!same_g1(&b, "x = 2^381 - 1"));
    // On the curve, not in the subgroup.
    for _ in 0..10 {
        let p = g1_off_subgroup(&mut rng);
        assert!(p.is_on_curve());
        assert!(!same_g1(&g1_bytes(&p), "off subgroup"));
    }
    // Not on the curve: random x (about half have no y).
    for _ in 0..60 {
        let mut b = g1_bytes(&G1Affine::new_unchecked(Fq::rand(&mut rng), Fq::zero()));
        b[0] = (b[0] & 0x1f) | 0x80 | if rng.gen() { 0x20 } else { 0 };
        if same_g1(&b, "random x") {
            accepted += 1;
        }
    }
    // Bit flips of valid encodings.
    for _ in 0..60 {
        let mut b = g1_bytes(&G1Projective::rand(&mut rng).into_affine());
        let bit = rng.gen_range(0..384);
        b[bit / 8] ^= 0x80 >> (bit % 8);
        same_g1(&b, "bit flip");
    }
    assert!(accepted >= 80);
}

#[test]
fn g2_decoding_matches_arkworks_on_every_class() {
    let mut rng = ChaCha20Rng::seed_from_u64(52);
    for _ in 0..20 {
        let p = G2Projective::rand(&mut rng).into_affine();
        assert!(same_g2(&g2_bytes(&p), "valid"));
        assert!(same_g2(&g2_bytes(&-p), "valid negated"));
    }
    assert!(same_g2(&g2_bytes(&G2Affine::generator()), "generator"));
    // A point with y.c1 = 0 exercises the sign rule on y.c0: search small x.c1 = 0.
    let mut found_c1_zero = false;
    for x0 in 0u64..2000 {
        let x = Fq2::new(Fq::from(x0), Fq::zero());
        if let Some(p) = G2Affine::get_point_from_x_unchecked(x, false) {
            let b = g2_bytes(&p);
            same_g2(&b, "x in F_q");
            let mut nb = b;
            nb[0] ^= 0x20;
            same_g2(&nb, "x in F_q, other sign");
            if p.y.c1.is_zero() {
                found_c1_zero = true;
            }
        }
    }
    let _ = found_c1_zero; // informational: such points need not be in the subgroup
    let mut id = [0u8; 96];
    id[0] = 0xc0;
    assert!(same_g2(&id, "identity"));
    for (i, junk) in [(0usize, 0x01u8), (47, 0x01), (48, 0x80), (95, 0x01)] {
        let mut b = id;
        b[i] |= junk;
        assert!(!same_g2(&b, "identity with junk x bits"));
    }
    for flags in [0x00u8, 0x20, 0x40, 0x60, 0x80, 0xa0, 0xe0] {
        let mut b = [0u8; 96];
        b[0] = flags;
        same_g2(&b, &format!("zero x, flags {flags:#x}"));
    }
    // Either coordinate ≥ q.
    let q = q_be();
    let valid = g2_bytes(&G2Projective::rand(&mut rng).into_affine());
    for k in [0u8, 1, 7] {
        let over = add_be(&q, k);
        let mut b = valid;
        b[..48].copy_from_slice(&over);
        b[0] |= 0x80;
        assert!(!same_g2(&b, "x.c1 >= q"));
        let mut b = valid;
        b[48..].copy_from_slice(&over);
        assert!(!same_g2(&b, "x.c0 >= q"));
    }
    for _ in 0..6 {
        let p = g2_off_subgroup(&mut rng);
        assert!(!same_g2(&g2_bytes(&p), "off subgroup"));
    }
    for _ in 0..30 {
        let x = Fq2::rand(&mut rng);
        let mut b = g2_bytes(&G2Affine::new_unchecked(x, Fq2::zero()));
        b[0] = (b[0] & 0x1f) | 0x80 | if rng.gen() { 0x20 } else { 0 };
        same_g2(&b, "random x");
    }
    for _ in 0..40 {
        let mut b = g2_bytes(&G2Projective::rand(&mut rng).into_affine());
        let bit = rng.gen_range(0..768);
        b[bit / 8] ^= 0x80 >> (bit % 8);
        same_g2(&b, "bit flip");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn g1_decoding_matches_arkworks_on_arbitrary_bytes(
        v in prop::collection::vec(any::<u8>(), 48), top in 0u8..8) {
        let mut b: [u8; 48] = v.try_into().unwrap();
        b[0] = (b[0] & 0x1f) | (top << 5);
        same_g1(&b, "arbitrary");
    }
}

// ---------------------------------------------------------------- pairings (9ba47ca)

/// The wasm32 route of `multi_pairing_vartime`, rebuilt from its public parts.
fn tower(g1: &[G1Affine], g2: &[G2Affine]) -> PairingOutput<Bls12_381> {
    let prepared: Vec<CtG2Prepared> = g2.iter().map(CtG2Prepared::new).collect();
    let refs: Vec<&CtG2Prepared> = prepared.iter().collect();
    PairingOutput(fq12_from_ct(final_exponentiation(&multi_miller_loop(
        g1, &refs,
    ))))
}

#[test]
fn vartime_pairings_and_tower_agree_with_arkworks() {
    let mut rng = ChaCha20Rng::seed_from_u64(53);
    for n in [0usize, 1, 2, 3, 6] {
        let g1: Vec<G1Affine> = (0..n)
            .map(|_| G1Projective::rand(&mut rng).into_affine())
            .collect();
        let g2: Vec<G2Affine> = (0..n)
            .map(|_| G2Projective::rand(&mut rng).into_affine())
            .collect();
        let want = Bls12_381::multi_pairing(&g1, &g2);
        assert_eq!(multi_pairing_vartime(&g1, &g2), want, "n = {n}");
        assert_eq!(tower(&g1, &g2), want, "tower n = {n}");
        for i in 0..n {
            // The identity on either side, at every position.
            let mut a = g1.clone();
            a[i] = G1Affine::zero();
            let want = Bls12_381::multi_pairing(&a, &g2);
            assert_eq!(multi_pairing_vartime(&a, &g2), want);
            assert_eq!(tower(&a, &g2), want, "G1 identity at {i} of {n}");
            let mut b = g2.clone();
            b[i] = G2Affine::zero();
            let want = Bls12_381::multi_pairing(&g1, &b);
            assert_eq!(multi_pairing_vartime(&g1, &b), want);
            assert_eq!(tower(&g1, &b), want, "G2 identity at {i} of {n}");
        }
    }
    let all_id = [G1Affine::zero(); 3];
    let g2: Vec<G2Affine> = (0..3)
        .map(|_| G2Projective::rand(&mut rng).into_affine())
        .collect();
    assert!(multi_pairing_vartime(&all_id, &g2).is_zero());
    assert!(tower(&all_id, &g2).is_zero());
    // Uneven lengths are not tested: arkworks' multi-pairing itself panics on them
    // (`zip_eq`), and every caller in the crate passes equal-length slices.
}

#[test]
fn vartime_pairing_is_bilinear_and_nondegenerate() {
    let mut rng = ChaCha20Rng::seed_from_u64(54);
    let (g, h) = (G1Affine::generator(), G2Affine::generator());
    let e = pairing_vartime(g, h);
    assert!(!e.is_zero());
    assert_eq!(e, tower(&[g], &[h]));
    for _ in 0..4 {
        let (a, b) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
        let p = (G1Projective::generator() * a).into_affine();
        let q = (G2Projective::generator() * b).into_affine();
        let lhs = pairing_vartime(p, q);
        assert_eq!(lhs, e * (a * b));
        assert_eq!(tower(&[p], &[q]), lhs);
        // e(aP, Q) · e(−P, aQ) = 1 in one multi-pairing.
        let ap = (p * a).into_affine();
        let aq = (q * a).into_affine();
        assert!(multi_pairing_vartime(&[ap, -p], &[q, aq]).is_zero());
        assert!(tower(&[ap, -p], &[q, aq]).is_zero());
        assert!(!tower(&[ap, p], &[q, aq]).is_zero());
    }
}

// ---------------------------------------------------------------- CtFq arithmetic

fn fq_edges() -> Vec<Fq> {
    let two = Fq::from(2u64);
    vec![
        Fq::zero(),
        Fq::from(1u64),
        -Fq::from(1u64),
        -two,
        two.pow([380u64]),
        two.pow([381u64]) - Fq::from(1u64), // 2^381 − 1 mod q
        two.pow([384u64]),                  // R mod q
        two.pow([384u64]).inverse().unwrap(),
        Fq::from(u64::MAX),
        Fq::from_be_bytes_mod_order(&[0xff; 48]),
        Fq::from(u64::from(u32::MAX)),
    ]
}

fn check_mul(a: Fq, b: Fq) {
    let (x, y) = (fq_to_ct(a), fq_to_ct(b));
    assert_eq!(fq_from_ct(x * y), a * b, "{a} * {b}");
    assert_eq!(fq_from_ct(x.square()), a.square(), "{a}^2");
    assert_eq!(fq_from_ct(x * x), fq_from_ct(x.square()));
    assert_eq!(fq_from_ct(x + y), a + b);
    assert_eq!(fq_from_ct(x - y), a - b);
    assert_eq!(fq_from_ct(x).into_bigint(), a.into_bigint());
}

#[test]
fn ct_fq_matches_arkworks_at_edges() {
    let e = fq_edges();
    for a in &e {
        for b in &e {
            check_mul(*a, *b);
        }
        if !a.is_zero() {
            assert_eq!(
                fq_from_ct(fq_to_ct(*a).inverse().unwrap()),
                a.inverse().unwrap()
            );
        }
    }
}

proptest! {
    #[test]
    fn ct_fq_matches_arkworks_at_random(a in prop::collection::vec(any::<u8>(), 64),
                                        b in prop::collection::vec(any::<u8>(), 64)) {
        check_mul(Fq::from_le_bytes_mod_order(&a), Fq::from_le_bytes_mod_order(&b));
    }
}

#[test]
fn random_bytes_smoke() {
    // Keeps RngCore in use for random-bytes decoding.
    let mut rng = ChaCha20Rng::seed_from_u64(55);
    for _ in 0..50 {
        let mut b = [0u8; 48];
        rng.fill_bytes(&mut b);
        same_g1(&b, "random bytes");
    }
}
