//! G1 and G2 decoding: flag bits, non-canonical coordinates, points off the curve,
//! points on the curve but outside the prime-order subgroup, the identity, and agreement
//! with arkworks' own validating decoder.

use ark_bls12_381::{Fq, Fq2, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{BigInteger, PrimeField, UniformRand};
use ark_serialize::{CanonicalDeserialize, Compress, Validate};
use proptest::prelude::*;

use super::{kind, rng, TestResult};
use crate::encoding::curve::{g1_from_compressed_unchecked, g2_from_compressed_unchecked};
use crate::encoding::{
    encode_g1, encode_g1_eip2537, encode_g2, encode_g2_eip2537, g1_from_compressed,
    g1_from_compressed_nonidentity, g2_from_compressed, g2_from_compressed_nonidentity, Reader,
    G1_LEN, G2_LEN,
};
use crate::error::EncodingError;

/// A few random points of the subgroup, never the identity.
fn g1_points() -> Vec<G1Affine> {
    let mut r = rng(1);
    (0..32)
        .map(|_| G1Affine::rand(&mut r))
        .filter(|p| !p.is_zero())
        .collect()
}

fn g2_points() -> Vec<G2Affine> {
    let mut r = rng(2);
    (0..32)
        .map(|_| G2Affine::rand(&mut r))
        .filter(|p| !p.is_zero())
        .collect()
}

/// The 48 big-endian bytes of an integer given as a big integer (may be ≥ q).
fn be48(x: &<Fq as PrimeField>::BigInt) -> [u8; 48] {
    super::array(&x.to_bytes_be())
}

/// `q + x`, if it still fits under the three flag bits.
fn alias(x: &Fq) -> Option<[u8; 48]> {
    let mut big = x.into_bigint();
    let carry = big.add_with_carry(&Fq::MODULUS);
    let bytes = be48(&big);
    (!carry && bytes[0] < 0x20).then_some(bytes)
}

/// Points on E(Fq) outside the subgroup: the order-3 points (0, ±2) and the first few
/// x = 1, 2, … with x³ + 4 a square (the cofactor is about 2¹²⁶, so none is in G1).
fn g1_off_subgroup() -> Vec<[u8; G1_LEN]> {
    let mut out = vec![];
    let mut zero = [0u8; G1_LEN];
    zero[0] = 0x80;
    out.push(zero);
    zero[0] = 0xa0;
    out.push(zero);
    for x in 1u64..40 {
        if let Some(p) = G1Affine::get_point_from_x_unchecked(Fq::from(x), x % 2 == 0) {
            out.push(encode_g1(&p));
        }
    }
    out
}

/// Points on E'(Fq2) outside the subgroup, x = (i, 1).
fn g2_off_subgroup() -> Vec<[u8; G2_LEN]> {
    (1u64..40)
        .filter_map(|i| {
            G2Affine::get_point_from_x_unchecked(Fq2::new(Fq::from(i), Fq::from(1u64)), true)
        })
        .map(|p| encode_g2(&p))
        .collect()
}

#[test]
fn only_the_two_point_flag_patterns_decode() -> TestResult {
    for p in g1_points() {
        let good = encode_g1(&p);
        for flags in 0..8u8 {
            let mut b = good;
            b[0] = (b[0] & 0x1f) | (flags << 5);
            match flags {
                0b100 | 0b101 => {
                    // The sort bit picks ±y: the other choice is the negated point.
                    let want = if b == good { p } else { -p };
                    assert_eq!(g1_from_compressed_nonidentity(&b)?, want);
                }
                _ => assert_eq!(
                    g1_from_compressed_nonidentity(&b),
                    Err(EncodingError::InvalidPoint),
                    "flags {flags:03b}"
                ),
            }
        }
    }
    for p in g2_points() {
        let good = encode_g2(&p);
        for flags in 0..8u8 {
            let mut b = good;
            b[0] = (b[0] & 0x1f) | (flags << 5);
            match flags {
                0b100 | 0b101 => {
                    let want = if b == good { p } else { -p };
                    assert_eq!(g2_from_compressed_nonidentity(&b)?, want);
                }
                _ => assert_eq!(
                    g2_from_compressed_nonidentity(&b),
                    Err(EncodingError::InvalidPoint),
                    "flags {flags:03b}"
                ),
            }
        }
    }
    Ok(())
}

#[test]
fn identity_has_exactly_one_encoding() -> TestResult {
    let mut id1 = [0u8; G1_LEN];
    id1[0] = 0xc0;
    assert!(g1_from_compressed(&id1)?.is_zero());
    assert_eq!(
        g1_from_compressed_nonidentity(&id1),
        Err(EncodingError::IdentityPoint)
    );
    assert_eq!(encode_g1(&G1Affine::zero()), id1);
    let mut id2 = [0u8; G2_LEN];
    id2[0] = 0xc0;
    assert!(g2_from_compressed(&id2)?.is_zero());
    assert_eq!(
        g2_from_compressed_nonidentity(&id2),
        Err(EncodingError::IdentityPoint)
    );
    assert_eq!(encode_g2(&G2Affine::zero()), id2);

    // Infinity with the sort bit, without the compression bit, or with any other bit.
    for first in [0xe0u8, 0x40, 0x60, 0x00, 0x20] {
        let (mut b1, mut b2) = (id1, id2);
        b1[0] = first;
        b2[0] = first;
        assert_eq!(
            g1_from_compressed(&b1),
            Err(EncodingError::InvalidPoint),
            "{first:#x}"
        );
        assert_eq!(
            g2_from_compressed(&b2),
            Err(EncodingError::InvalidPoint),
            "{first:#x}"
        );
    }
    for byte in 0..G1_LEN {
        for bit in 0..8 {
            let mut b = id1;
            b[byte] ^= 1 << bit;
            if byte == 0 && bit >= 5 {
                continue; // flag bits, covered above
            }
            assert_eq!(g1_from_compressed(&b), Err(EncodingError::InvalidPoint));
        }
    }
    for byte in 0..G2_LEN {
        let mut b = id2;
        b[byte] ^= 1; // also reaches the second half (x.c0), which must be zero too
        assert_eq!(g2_from_compressed(&b), Err(EncodingError::InvalidPoint));
    }
    Ok(())
}

#[test]
fn coordinates_at_or_above_q_are_rejected() {
    let q = be48(&Fq::MODULUS);
    let mut q_plus_1 = Fq::MODULUS;
    q_plus_1.add_with_carry(&1u64.into());
    let mut all_ones = [0xffu8; 48];
    all_ones[0] = 0x1f; // 2^381 - 1, the largest value under the flags
    for x in [q, be48(&q_plus_1), all_ones] {
        for flags in [0x80u8, 0xa0] {
            let mut b = x;
            b[0] |= flags;
            assert_eq!(g1_from_compressed(&b), Err(EncodingError::InvalidPoint));
            // G2: the same value as x.c1 (first half) or as x.c0 (second half).
            let mut hi = [0u8; G2_LEN];
            hi[..48].copy_from_slice(&b);
            assert_eq!(g2_from_compressed(&hi), Err(EncodingError::InvalidPoint));
            let mut lo = [0u8; G2_LEN];
            lo[0] = flags;
            lo[48..].copy_from_slice(&x);
            assert_eq!(g2_from_compressed(&lo), Err(EncodingError::InvalidPoint));
        }
    }
}

#[test]
fn x_plus_q_aliases_are_rejected() {
    let mut checked = 0;
    for p in g1_points() {
        let good = encode_g1(&p);
        if let Some(mut b) = p.xy().and_then(|(x, _)| alias(&x)) {
            b[0] |= good[0] & 0xe0;
            assert_eq!(
                g1_from_compressed_nonidentity(&b),
                Err(EncodingError::InvalidPoint)
            );
            checked += 1;
        }
    }
    for p in g2_points() {
        let good = encode_g2(&p);
        let Some((x, _)) = p.xy() else { continue };
        if let Some(c1) = alias(&x.c1) {
            let mut b = good;
            b[..48].copy_from_slice(&c1);
            b[0] |= good[0] & 0xe0;
            assert_eq!(
                g2_from_compressed_nonidentity(&b),
                Err(EncodingError::InvalidPoint)
            );
            checked += 1;
        }
        if let Some(c0) = alias(&x.c0) {
            let mut b = good;
            b[48..].copy_from_slice(&c0);
            assert_eq!(
                g2_from_compressed_nonidentity(&b),
                Err(EncodingError::InvalidPoint)
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "too few aliases exercised: {checked}");
}

#[test]
fn x_not_on_the_curve_is_rejected() {
    let mut checked = 0;
    for x in 1u64..40 {
        if G1Affine::get_point_from_x_unchecked(Fq::from(x), false).is_none() {
            let mut b = be48(&Fq::from(x).into_bigint());
            b[0] |= 0x80;
            assert_eq!(g1_from_compressed(&b), Err(EncodingError::InvalidPoint));
            assert!(G1Affine::deserialize_compressed(&b[..]).is_err());
            checked += 1;
        }
        let x2 = Fq2::new(Fq::from(x), Fq::from(1u64));
        if G2Affine::get_point_from_x_unchecked(x2, false).is_none() {
            let mut b = [0u8; G2_LEN];
            b[..48].copy_from_slice(&be48(&Fq::from(1u64).into_bigint()));
            b[48..].copy_from_slice(&be48(&Fq::from(x).into_bigint()));
            b[0] |= 0x80;
            assert_eq!(g2_from_compressed(&b), Err(EncodingError::InvalidPoint));
            assert!(G2Affine::deserialize_compressed(&b[..]).is_err());
            checked += 1;
        }
    }
    assert!(checked >= 20, "too few off-curve x exercised: {checked}");
}

#[test]
fn points_outside_the_subgroup_are_rejected() -> TestResult {
    let g1 = g1_off_subgroup();
    assert!(g1.len() >= 10);
    for b in &g1 {
        // On the curve (decodes without the subgroup check), canonical, but not in G1.
        let p = g1_from_compressed_unchecked(b)?;
        assert!(p.is_on_curve() && !p.is_in_correct_subgroup_assuming_on_curve());
        assert_eq!(
            g1_from_compressed_nonidentity(b),
            Err(EncodingError::NotInSubgroup)
        );
        assert_eq!(g1_from_compressed(b), Err(EncodingError::NotInSubgroup));
        assert_eq!(
            kind(Reader::raw(b).g1()),
            Some(EncodingError::NotInSubgroup)
        );
        // arkworks agrees: it rejects with validation and accepts without.
        assert!(G1Affine::deserialize_compressed(&b[..]).is_err());
        assert!(G1Affine::deserialize_with_mode(&b[..], Compress::Yes, Validate::No).is_ok());
        // Clearing the cofactor lands in G1.
        let cleared = p.clear_cofactor();
        if !cleared.is_zero() {
            assert_eq!(
                g1_from_compressed_nonidentity(&encode_g1(&cleared))?,
                cleared
            );
        }
    }
    let g2 = g2_off_subgroup();
    assert!(g2.len() >= 10);
    for b in &g2 {
        let p = g2_from_compressed_unchecked(b)?;
        assert!(p.is_on_curve() && !p.is_in_correct_subgroup_assuming_on_curve());
        assert_eq!(
            g2_from_compressed_nonidentity(b),
            Err(EncodingError::NotInSubgroup)
        );
        assert_eq!(g2_from_compressed(b), Err(EncodingError::NotInSubgroup));
        assert_eq!(
            kind(Reader::raw(b).g2()),
            Some(EncodingError::NotInSubgroup)
        );
        assert!(G2Affine::deserialize_compressed(&b[..]).is_err());
        assert!(G2Affine::deserialize_with_mode(&b[..], Compress::Yes, Validate::No).is_ok());
        let cleared = p.clear_cofactor();
        if !cleared.is_zero() {
            assert_eq!(
                g2_from_compressed_nonidentity(&encode_g2(&cleared))?,
                cleared
            );
        }
    }
    Ok(())
}

#[test]
fn order_three_point_is_the_documented_bytes() -> TestResult {
    // 0x80 00…00 is x = 0, y = 2 (the smaller root): a point of order 3.
    let mut b = [0u8; G1_LEN];
    b[0] = 0x80;
    let p = g1_from_compressed_unchecked(&b)?;
    assert_eq!(p.xy(), Some((Fq::from(0u64), Fq::from(2u64))));
    assert!((G1Projective::from(p) * ark_bls12_381::Fr::from(3u64))
        .into_affine()
        .is_zero());
    Ok(())
}

#[test]
fn truncated_points() {
    let p = encode_g1(&G1Affine::generator());
    assert_eq!(
        kind(Reader::raw(&p[..47]).g1()),
        Some(EncodingError::Truncated)
    );
    let q = encode_g2(&G2Affine::generator());
    assert_eq!(
        kind(Reader::raw(&q[..95]).g2()),
        Some(EncodingError::Truncated)
    );
}

proptest! {
    /// Our decoder accepts exactly what arkworks' validating decoder accepts, on random
    /// bytes and on single-bit mutations of valid encodings.
    #[test]
    fn g1_agrees_with_arkworks(seed in any::<u64>(), bytes in any::<[u8; 32]>(), tail in any::<[u8; 16]>(), bit in 0usize..384) {
        let mut random = [0u8; G1_LEN];
        random[..32].copy_from_slice(&bytes);
        random[32..].copy_from_slice(&tail);
        let p = (G1Projective::generator() * ark_bls12_381::Fr::from(seed)).into_affine();
        let mut mutated = encode_g1(&p);
        mutated[bit / 8] ^= 1 << (bit % 8);
        for b in [random, mutated] {
            let ours = g1_from_compressed(&b).ok();
            let theirs = G1Affine::deserialize_compressed(&b[..]).ok();
            prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn g2_agrees_with_arkworks(seed in any::<u64>(), bit in 0usize..768) {
        let p = (G2Projective::generator() * ark_bls12_381::Fr::from(seed)).into_affine();
        let mut mutated = encode_g2(&p);
        mutated[bit / 8] ^= 1 << (bit % 8);
        let ours = g2_from_compressed(&mutated).ok();
        let theirs = G2Affine::deserialize_compressed(&mutated[..]).ok();
        prop_assert_eq!(ours, theirs);
    }
}

/// EIP-2537's 64-byte field element of `x` (the reference the encoder is checked against).
fn eip2537_fq(x: &Fq) -> Vec<u8> {
    let mut out = vec![0u8; 16];
    out.extend(x.into_bigint().to_bytes_be());
    out
}

#[test]
fn eip2537_encodings_are_the_padded_coordinates() {
    // The G1 generator as EIP-2537 writes it (its "Fields and points" section).
    let g = encode_g1_eip2537(&G1Affine::generator());
    assert_eq!(
        hex::encode(g),
        "0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb\
         0000000000000000000000000000000008b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1"
    );
    for p in g1_points() {
        let (x, y) = p.xy().expect("not the identity");
        assert_eq!(
            encode_g1_eip2537(&p).to_vec(),
            [eip2537_fq(&x), eip2537_fq(&y)].concat()
        );
    }
    for p in g2_points() {
        let (x, y) = p.xy().expect("not the identity");
        let want = [x.c0, x.c1, y.c0, y.c1]
            .iter()
            .flat_map(eip2537_fq)
            .collect::<Vec<_>>();
        assert_eq!(encode_g2_eip2537(&p).to_vec(), want);
    }
    // The point at infinity is all zeros in EIP-2537.
    assert_eq!(encode_g1_eip2537(&G1Affine::zero()), [0u8; 128]);
    assert_eq!(encode_g2_eip2537(&G2Affine::zero()), [0u8; 256]);
}
