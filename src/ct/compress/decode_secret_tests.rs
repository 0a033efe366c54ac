//! The constant-time decoder with error kinds against the public decoder
//! (`encoding::curve`): the same point for every valid encoding, the same
//! `EncodingError` for every invalid class (bad flags, x ≥ q, off-curve x, points
//! outside the subgroup, the identity, random bit flips).

use ark_bls12_381::{Fq, Fq2, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::UniformRand;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::ct::{SecretG1, SecretG2};
use crate::encoding::{
    encode_g1, encode_g2, g1_from_compressed, g1_from_compressed_nonidentity, g2_from_compressed,
    g2_from_compressed_nonidentity,
};
use crate::error::EncodingError;

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(0x5EC_DEC0)
}

/// Both decoders (with and without the identity) agree on `b`; returns the public
/// decoder's verdict with the identity allowed.
fn same_g1(b: &[u8; 48]) -> Result<G1Affine, EncodingError> {
    let old = g1_from_compressed(b);
    let new = SecretG1::try_from_compressed(b).map(|p| p.to_affine_secret());
    assert_eq!(new, old, "G1 allow-identity for {b:02x?}");
    let old_strict = g1_from_compressed_nonidentity(b);
    let new_strict = SecretG1::try_from_compressed_nonidentity(b).map(|p| p.to_affine_secret());
    assert_eq!(new_strict, old_strict, "G1 strict for {b:02x?}");
    old
}

fn same_g2(b: &[u8; 96]) -> Result<G2Affine, EncodingError> {
    let old = g2_from_compressed(b);
    let new = SecretG2::try_from_compressed(b).map(|p| p.to_affine_secret());
    assert_eq!(new, old, "G2 allow-identity for {b:02x?}");
    let old_strict = g2_from_compressed_nonidentity(b);
    let new_strict = SecretG2::try_from_compressed_nonidentity(b).map(|p| p.to_affine_secret());
    assert_eq!(new_strict, old_strict, "G2 strict for {b:02x?}");
    old
}

/// A point of the curve outside the subgroup, encoded (canonically).
fn off_subgroup_g1(r: &mut ChaCha20Rng) -> [u8; 48] {
    loop {
        let sign = r.next_u32() & 1 == 1;
        if let Some(p) = G1Affine::get_point_from_x_unchecked(Fq::rand(r), sign) {
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                return encode_g1(&p);
            }
        }
    }
}

fn off_subgroup_g2(r: &mut ChaCha20Rng) -> [u8; 96] {
    loop {
        let sign = r.next_u32() & 1 == 1;
        if let Some(p) = G2Affine::get_point_from_x_unchecked(Fq2::rand(r), sign) {
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                return encode_g2(&p);
            }
        }
    }
}

#[test]
fn valid_points_and_identity_match() {
    let mut r = rng();
    for _ in 0..16 {
        let p = G1Projective::rand(&mut r).into_affine();
        assert_eq!(same_g1(&encode_g1(&p)), Ok(p));
        assert_eq!(same_g1(&encode_g1(&-p)), Ok(-p));
    }
    for _ in 0..6 {
        let p = G2Projective::rand(&mut r).into_affine();
        assert_eq!(same_g2(&encode_g2(&p)), Ok(p));
        assert_eq!(same_g2(&encode_g2(&-p)), Ok(-p));
    }
    // The identity: accepted by the allow-identity pair, `IdentityPoint` for the other.
    let o1 = encode_g1(&G1Affine::zero());
    let o2 = encode_g2(&G2Affine::zero());
    assert_eq!(same_g1(&o1), Ok(G1Affine::zero()));
    assert_eq!(same_g2(&o2), Ok(G2Affine::zero()));
    assert_eq!(
        g1_from_compressed_nonidentity(&o1),
        Err(EncodingError::IdentityPoint)
    );
    assert_eq!(
        g2_from_compressed_nonidentity(&o2),
        Err(EncodingError::IdentityPoint)
    );
}

#[test]
fn subgroup_failures_keep_their_kind() {
    let mut r = rng();
    for _ in 0..8 {
        assert_eq!(
            same_g1(&off_subgroup_g1(&mut r)),
            Err(EncodingError::NotInSubgroup)
        );
    }
    for _ in 0..3 {
        assert_eq!(
            same_g2(&off_subgroup_g2(&mut r)),
            Err(EncodingError::NotInSubgroup)
        );
    }
}

#[test]
fn malformed_encodings_keep_their_kind() {
    let mut r = rng();
    let p1 = encode_g1(&G1Projective::rand(&mut r).into_affine());
    let p2 = encode_g2(&G2Projective::rand(&mut r).into_affine());
    let mut bad1: Vec<[u8; 48]> = Vec::new();
    let mut bad2: Vec<[u8; 96]> = Vec::new();
    // Every flag combination on a valid point and on the identity.
    for flags in 0u8..8 {
        let mut b = p1;
        b[0] = (b[0] & 0x1f) | (flags << 5);
        bad1.push(b);
        let mut b = [0u8; 48];
        b[0] = flags << 5;
        bad1.push(b);
        let mut b = p2;
        b[0] = (b[0] & 0x1f) | (flags << 5);
        bad2.push(b);
        let mut b = [0u8; 96];
        b[0] = flags << 5;
        bad2.push(b);
    }
    // Identity flag with x ≠ 0.
    let mut b = [0u8; 48];
    b[0] = 0xC0;
    b[47] = 1;
    bad1.push(b);
    let mut b = [0u8; 96];
    b[0] = 0xC0;
    b[50] = 1;
    bad2.push(b);
    // x = q, q + 1; in either half of G2's x.
    let (q1, q2) = crate::ct::tests::x_at_or_above_q(p2);
    bad1.extend(q1);
    bad2.extend(q2);
    // Random x with valid flags: off the curve or outside the subgroup.
    for _ in 0..32 {
        let mut b = [0u8; 48];
        r.fill_bytes(&mut b);
        b[0] = (b[0] & 0x3f) | 0x80;
        b[0] &= !0x40;
        bad1.push(b);
    }
    for _ in 0..8 {
        let mut b = [0u8; 96];
        r.fill_bytes(&mut b);
        b[0] = (b[0] & 0x3f) | 0x80;
        b[0] &= !0x40;
        b[48] &= 0x1f;
        bad2.push(b);
    }
    // Single bit flips of valid encodings (and of the identity).
    for _ in 0..32 {
        let i = (r.next_u32() % 384) as usize;
        let mut b = p1;
        b[i / 8] ^= 1 << (i % 8);
        bad1.push(b);
    }
    for _ in 0..8 {
        let i = (r.next_u32() % 768) as usize;
        let mut b = p2;
        b[i / 8] ^= 1 << (i % 8);
        bad2.push(b);
    }
    let (mut invalid, mut subgroup) = (0, 0);
    for b in &bad1 {
        match same_g1(b) {
            Err(EncodingError::InvalidPoint) => invalid += 1,
            Err(EncodingError::NotInSubgroup) => subgroup += 1,
            _ => {}
        }
    }
    for b in &bad2 {
        match same_g2(b) {
            Err(EncodingError::InvalidPoint) => invalid += 1,
            Err(EncodingError::NotInSubgroup) => subgroup += 1,
            _ => {}
        }
    }
    // Both kinds were exercised.
    assert!(invalid > 20 && subgroup > 5, "{invalid} {subgroup}");
}
