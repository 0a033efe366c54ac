//! Constant-time compressed serialisation of G1/G2 points (the Zcash format that
//! arkworks and the wire format use), byte-identical to arkworks' output.
//!
//! arkworks decides the sign flag with `y > −y`, an early-exit comparison, and tests
//! the identity with a branch. Here the affine coordinates come from a Fermat
//! inversion, the sign from a full-width borrow chain against `(q − 1)/2`, and the
//! identity's bytes from masks.

pub mod decode;
pub mod decode_secret;

use super::curve::{CtPoint, G1Curve, G2Curve};
use super::fields::{CtField, CtFq, CtFq2, FqBackend};
use super::limbs::{mask_from_bit, mask_lt};
use subtle::{Choice, ConditionallySelectable};

/// `(q − 1)/2`: `y` is "lexicographically largest" when its canonical value exceeds it.
const HALF_Q: [u64; 6] = {
    let p = <ark_bls12_381::FqConfig as ark_ff::MontConfig<6>>::MODULUS.0;
    let mut h = [0u64; 6];
    let mut i = 0;
    while i < 6 {
        let hi = if i + 1 < 6 { p[i + 1] << 63 } else { 0 };
        h[i] = (p[i] >> 1) | hi;
        i += 1;
    }
    h
};

/// 1 if the canonical value of `y` exceeds `(q − 1)/2`.
fn is_largest(y: &CtFq) -> Choice {
    let c = FqBackend::to_canonical(&(y.0).0);
    Choice::from((mask_lt(&HALF_Q, &c) & 1) as u8)
}

/// The 48 big-endian bytes of the canonical value of `x`.
fn fq_be_bytes(x: &CtFq) -> [u8; 48] {
    let c = FqBackend::to_canonical(&(x.0).0);
    let mut out = [0u8; 48];
    for (i, limb) in c.iter().rev().enumerate() {
        out[8 * i..8 * i + 8].copy_from_slice(&limb.to_be_bytes());
    }
    out
}

/// Sets the flag bits: compressed (0x80), infinity (0x40), sign (0x20, only for a
/// point that is not the identity), and zeroes the x bytes of the identity.
fn apply_flags(bytes: &mut [u8], infinity: Choice, largest: Choice) {
    let inf = mask_from_bit(u64::from(infinity.unwrap_u8())) as u8;
    let sign = mask_from_bit(u64::from(largest.unwrap_u8())) as u8;
    for b in bytes.iter_mut() {
        *b &= !inf;
    }
    if let Some(first) = bytes.first_mut() {
        *first |= 0x80 | (inf & 0x40) | (sign & !inf & 0x20);
    }
}

/// The 48-byte compressed encoding of a G1 point.
pub fn g1_compress(p: &CtPoint<G1Curve>) -> [u8; 48] {
    let (x, y, inf) = p.to_affine_coords();
    let mut out = fq_be_bytes(&x);
    apply_flags(&mut out, inf, is_largest(&y));
    out
}

/// The 96-byte compressed encoding of a G2 point: `x.c1 ‖ x.c0`; the sign is that of
/// `y.c1`, or of `y.c0` when `y.c1 = 0` (arkworks' `Fq2` order).
pub fn g2_compress(p: &CtPoint<G2Curve>) -> [u8; 96] {
    let (x, y, inf): (CtFq2, CtFq2, Choice) = p.to_affine_coords();
    let mut out = [0u8; 96];
    out[..48].copy_from_slice(&fq_be_bytes(&x.c1));
    out[48..].copy_from_slice(&fq_be_bytes(&x.c0));
    let c1_zero = y.c1.ct_is_zero();
    let largest = Choice::conditional_select(&is_largest(&y.c1), &is_largest(&y.c0), c1_zero);
    apply_flags(&mut out, inf, largest);
    out
}
