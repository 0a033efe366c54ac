//! Scalars (elements of Zr, the exponent field): 32 bytes, big-endian, fully reduced.
//!
//! Scalars are often secret (key components), so the canonicity check (`value < r`)
//! is a branch-free borrow chain rather than arkworks' early-exit comparison. The
//! Montgomery conversions on either side are arkworks' own arithmetic.

use ark_bls12_381::Fr;
use ark_ff::{BigInt, PrimeField};
use subtle::{Choice, ConstantTimeEq};

use crate::error::EncodingError;

/// Length of an encoded scalar.
pub(crate) const SCALAR_LEN: usize = 32;

/// The 32-byte big-endian encoding of a scalar.
pub(crate) fn encode_scalar(s: &Fr) -> [u8; SCALAR_LEN] {
    let limbs = s.into_bigint().0;
    let mut out = [0u8; SCALAR_LEN];
    for (chunk, limb) in out.chunks_exact_mut(8).zip(limbs.iter().rev()) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
    out
}

/// 1 iff the little-endian limbs are < r, computed without data-dependent branches.
fn less_than_modulus(limbs: &[u64; 4]) -> Choice {
    let mut borrow = 0u64;
    for (limb, m) in limbs.iter().zip(Fr::MODULUS.0) {
        let (d, b1) = limb.overflowing_sub(m);
        let (_, b2) = d.overflowing_sub(borrow);
        borrow = u64::from(b1 | b2);
    }
    // A final borrow means limbs − r < 0.
    borrow.ct_eq(&1)
}

/// Decodes a canonical scalar (any value in `0..r`).
///
/// # Errors
///
/// `InvalidScalar` if the value is ≥ r.
pub(crate) fn decode_scalar(bytes: &[u8; SCALAR_LEN]) -> Result<Fr, EncodingError> {
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().rev().zip(bytes.chunks_exact(8)) {
        let mut be = [0u8; 8];
        be.copy_from_slice(chunk);
        *limb = u64::from_be_bytes(be);
    }
    if !bool::from(less_than_modulus(&limbs)) {
        return Err(EncodingError::InvalidScalar);
    }
    // `Fr::new` converts to Montgomery form without repeating the range check (whose
    // early-exit comparison would time how many top limbs equal r's).
    Ok(Fr::new(BigInt::new(limbs)))
}
