//! Constant-time decoding of secret compressed points that reports *why* a rejected
//! encoding is invalid, with the same [`EncodingError`] kinds as the public decoder
//! (`encoding::curve`): `InvalidPoint` for bad flags, `x ≥ q`, no point with this `x`
//! or a non-canonical encoding, `NotInSubgroup` for a well-formed point of the curve
//! outside the order-r subgroup.
//!
//! The arithmetic is that of [`super::decode`] (branch-free square roots, masked sign,
//! ePrint 2021/1130 subgroup checks); it computes two bits instead of one:
//! `well_formed` (everything but the subgroup) and `valid` (`well_formed` and in the
//! subgroup). Both are declassified, in that order, and only to pick the error of a
//! rejected encoding: a valid key declassifies `true, true` whatever it is, so nothing
//! about an accepted key leaves. The identity is accepted (callers that forbid it test
//! `is_identity()` and declassify that bit, as `Reader::g1` does).

use ark_bls12_381::{g1, g2};
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ff::Field;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

use super::super::curve::{CtPoint, G1Curve, G2Curve};
use super::super::declassify::declassify_choice;
use super::super::fields::{fq2_to_ct, fq_to_ct, CtField, CtFq, CtFq2, FqBackend};
use super::super::secret::{SecretG1, SecretG2, SecretPoint};
use super::decode::{fq2_sqrt, fq_sqrt, g1_in_subgroup, g2_in_subgroup};
use super::is_largest;
use crate::error::EncodingError;

/// Big-endian bytes → `F_q`, and whether they encode a value below `q`.
fn fq_from_be(bytes: &[u8]) -> (CtFq, Choice) {
    let mut limbs = [0u64; 6];
    for (i, limb) in limbs.iter_mut().enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[40 - 8 * i..48 - 8 * i]);
        *limb = u64::from_be_bytes(b);
    }
    FqBackend::ct_from_canonical(&limbs)
}

/// The Zcash flags of the first byte: (compressed, infinity, sign), and the bytes with
/// the flags cleared.
fn flags<const N: usize>(bytes: &[u8; N]) -> (Choice, Choice, Choice, [u8; N]) {
    let b0 = bytes[0];
    let mut x = *bytes;
    x[0] &= 0x1f;
    (
        Choice::from((b0 >> 7) & 1),
        Choice::from((b0 >> 6) & 1),
        Choice::from((b0 >> 5) & 1),
        x,
    )
}

/// Flag validity as the public decoder judges it: compressed, no sign on the identity,
/// the identity's x bytes zero, a finite point `finite_ok`.
fn judge(
    compressed: Choice,
    inf: Choice,
    sign: Choice,
    x_zero: Choice,
    finite_ok: Choice,
) -> Choice {
    compressed & !(sign & inf) & ((inf & x_zero) | (!inf & finite_ok))
}

/// A decoded point with its two validity bits (both secret until declassified).
pub(crate) struct Decoded<C: super::super::curve::CtCurve> {
    /// The point (the identity for the identity's encoding; meaningless if invalid).
    pub(crate) point: CtPoint<C>,
    /// Flags, canonical `x`, a point with this `x`, canonical sign: all but the
    /// subgroup.
    pub(crate) well_formed: Choice,
    /// `well_formed` and in the order-r subgroup: exactly what arkworks accepts.
    pub(crate) valid: Choice,
}

/// Decodes a 48-byte compressed G1 point (see the module docs).
pub(crate) fn g1_decompress_kinds(bytes: &[u8; 48]) -> Decoded<G1Curve> {
    let (compressed, inf, sign, xb) = flags(bytes);
    let x_zero = xb[..].ct_eq(&[0u8; 48][..]);
    let (x, x_ok) = fq_from_be(&xb);
    let b = fq_to_ct(g1::Config::COEFF_B);
    let (y, y_ok) = fq_sqrt(&(x.square() * x + b));
    // A sign bit on y = 0 is not canonical (the encoder never sets it). No such point
    // exists on BLS12-381 (odd cofactor); checked anyway, as the public decoder does.
    let sign_ok = !(sign & y.ct_is_zero());
    let y = CtFq::ct_select(&y, &-y, is_largest(&y) ^ sign);
    let finite = CtPoint::<G1Curve> { x, y, z: CtFq::ONE };
    let on_curve = x_ok & y_ok & sign_ok;
    let in_subgroup = g1_in_subgroup(&finite);
    let point = CtPoint::ct_select(&finite, &CtPoint::identity(), inf);
    Decoded {
        point,
        well_formed: judge(compressed, inf, sign, x_zero, on_curve),
        valid: judge(compressed, inf, sign, x_zero, on_curve & in_subgroup),
    }
}

/// Decodes a 96-byte compressed G2 point (`x.c1 ‖ x.c0`), as [`g1_decompress_kinds`].
pub(crate) fn g2_decompress_kinds(bytes: &[u8; 96]) -> Decoded<G2Curve> {
    let (compressed, inf, sign, xb) = flags(bytes);
    let x_zero = xb[..].ct_eq(&[0u8; 96][..]);
    let (c1, c1_ok) = fq_from_be(&xb[..48]);
    let (c0, c0_ok) = fq_from_be(&xb[48..]);
    let x = CtFq2::new(c0, c1);
    let b = fq2_to_ct(g2::Config::COEFF_B);
    let (y, y_ok) = fq2_sqrt(&(x.square() * x + b));
    let sign_ok = !(sign & y.c0.ct_is_zero() & y.c1.ct_is_zero());
    let largest =
        Choice::conditional_select(&is_largest(&y.c1), &is_largest(&y.c0), y.c1.ct_is_zero());
    let y = CtFq2::ct_select(&y, &-y, largest ^ sign);
    let finite = CtPoint::<G2Curve> {
        x,
        y,
        z: CtFq2::ONE,
    };
    let on_curve = c1_ok & c0_ok & y_ok & sign_ok;
    let in_subgroup = g2_in_subgroup(&finite);
    let point = CtPoint::ct_select(&finite, &CtPoint::identity(), inf);
    Decoded {
        point,
        well_formed: judge(compressed, inf, sign, x_zero, on_curve),
        valid: judge(compressed, inf, sign, x_zero, on_curve & in_subgroup),
    }
}

/// Declassifies the outcome: the point, or the error the public decoder gives.
fn finish<C: super::super::curve::CtCurve>(d: Decoded<C>) -> Result<SecretPoint<C>, EncodingError> {
    let Decoded {
        point,
        well_formed,
        valid,
    } = d;
    let p = SecretPoint(point);
    if !declassify_choice(well_formed) {
        return Err(EncodingError::InvalidPoint);
    }
    if !declassify_choice(valid) {
        return Err(EncodingError::NotInSubgroup);
    }
    Ok(p)
}

/// Decodes a secret 48-byte compressed G1 point in constant time, accepting the
/// identity.
///
/// # Errors
/// `InvalidPoint` or `NotInSubgroup`, exactly as `encoding::curve::decode_g1_allow_identity`.
pub(crate) fn secret_g1_from_compressed(bytes: &[u8; 48]) -> Result<SecretG1, EncodingError> {
    finish(g1_decompress_kinds(bytes))
}

/// Decodes a secret 96-byte compressed G2 point in constant time, accepting the
/// identity.
///
/// # Errors
/// `InvalidPoint` or `NotInSubgroup`, exactly as `encoding::curve::decode_g2_allow_identity`.
pub(crate) fn secret_g2_from_compressed(bytes: &[u8; 96]) -> Result<SecretG2, EncodingError> {
    finish(g2_decompress_kinds(bytes))
}

/// Decodes a secret G1 point that must not be the identity.
///
/// # Errors
/// `InvalidPoint`, `NotInSubgroup`, `IdentityPoint`, exactly as `encoding::curve::decode_g1`.
pub(crate) fn secret_g1_from_compressed_nonidentity(
    bytes: &[u8; 48],
) -> Result<SecretG1, EncodingError> {
    let p = secret_g1_from_compressed(bytes)?;
    if declassify_choice(p.is_identity()) {
        return Err(EncodingError::IdentityPoint);
    }
    Ok(p)
}

/// Decodes a secret G2 point that must not be the identity.
///
/// # Errors
/// `InvalidPoint`, `NotInSubgroup`, `IdentityPoint`, exactly as `encoding::curve::decode_g2`.
pub(crate) fn secret_g2_from_compressed_nonidentity(
    bytes: &[u8; 96],
) -> Result<SecretG2, EncodingError> {
    let p = secret_g2_from_compressed(bytes)?;
    if declassify_choice(p.is_identity()) {
        return Err(EncodingError::IdentityPoint);
    }
    Ok(p)
}

#[cfg(test)]
#[path = "decode_kinds_tests.rs"]
mod tests;
