//! GT elements: arkworks' 576-byte Fq12 serialisation.
//!
//! GT is the order-r subgroup of Fq12*, with the tower
//! `Fq2 = Fq[u]/(u² + 1)`, `Fq6 = Fq2[v]/(v³ − (u + 1))`, `Fq12 = Fq6[w]/(w² − v)`.
//! An element `f = (a0 + a1·v + a2·v²) + (b0 + b1·v + b2·v²)·w` with `ai, bi ∈ Fq2`,
//! `ai = ai.c0 + ai.c1·u`, is written as the 12 base-field coefficients
//!
//! `a0.c0 a0.c1 a1.c0 a1.c1 a2.c0 a2.c1 b0.c0 b0.c1 b1.c0 b1.c1 b2.c0 b2.c1`,
//!
//! each as 48 bytes **little-endian** and fully reduced (< q). This is exactly what
//! arkworks' `PairingOutput::serialize_compressed` (= `serialize_uncompressed`) writes,
//! so bytes can be exchanged with other arkworks-based tools; the little-endian limbs
//! are the one exception to the big-endian rule of the rest of the format.
//!
//! Decoding is strict: every coefficient must be canonical, and the element must lie in
//! the order-r subgroup and not be 1. arkworks' own `Validate::Yes` check is a generic
//! `f^r == 1` exponentiation; here the same condition is tested in two exact steps, a
//! cheap cyclotomic-subgroup test (`f^(q⁴) · f == f^(q²)`, i.e. `f^Φ₁₂(q) = 1`) and then
//! `f^r == 1` with cyclotomic squarings, which are only valid once the first step has
//! passed and are about twice as fast as generic ones.

use ark_bls12_381::{Bls12_381, Fq, Fq12, Fq2, Fq6, Fr};
use ark_ec::pairing::PairingOutput;
use ark_ff::{BigInt, CyclotomicMultSubgroup, Field, One, PrimeField, Zero};

use crate::error::EncodingError;

/// Length of an encoded GT element (12 × 48 bytes).
pub(crate) const GT_LEN: usize = 576;
/// Length of one little-endian base-field coefficient.
const FQ_LEN: usize = 48;

/// The 12 base-field coefficients of `f`, in wire order.
fn coefficients(f: &Fq12) -> [Fq; 12] {
    let (a, b) = (&f.c0, &f.c1);
    [
        a.c0.c0, a.c0.c1, a.c1.c0, a.c1.c1, a.c2.c0, a.c2.c1, //
        b.c0.c0, b.c0.c1, b.c1.c0, b.c1.c1, b.c2.c0, b.c2.c1,
    ]
}

/// The Fq12 element with these coefficients in wire order.
fn from_coefficients(c: &[Fq; 12]) -> Fq12 {
    let [a00, a01, a10, a11, a20, a21, b00, b01, b10, b11, b20, b21] = *c;
    Fq12::new(
        Fq6::new(Fq2::new(a00, a01), Fq2::new(a10, a11), Fq2::new(a20, a21)),
        Fq6::new(Fq2::new(b00, b01), Fq2::new(b10, b11), Fq2::new(b20, b21)),
    )
}

/// The encoding of a GT element (576 bytes).
pub(crate) fn encode_gt(z: &PairingOutput<Bls12_381>) -> [u8; GT_LEN] {
    let mut out = [0u8; GT_LEN];
    for (chunk, c) in out.chunks_exact_mut(FQ_LEN).zip(coefficients(&z.0)) {
        for (bytes, limb) in chunk.chunks_exact_mut(8).zip(c.into_bigint().0) {
            bytes.copy_from_slice(&limb.to_le_bytes());
        }
    }
    out
}

/// The Fq12 element with these coefficient bytes; `InvalidPoint` if a coefficient is
/// ≥ q. No subgroup check.
fn fq12_from_bytes(bytes: &[u8; GT_LEN]) -> Result<Fq12, EncodingError> {
    let mut coeffs = [Fq::zero(); 12];
    for (c, chunk) in coeffs.iter_mut().zip(bytes.chunks_exact(FQ_LEN)) {
        let mut limbs = [0u64; 6];
        for (limb, le) in limbs.iter_mut().zip(chunk.chunks_exact(8)) {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(le);
            *limb = u64::from_le_bytes(buf);
        }
        // `from_bigint` returns `None` for any value ≥ q.
        *c = Fq::from_bigint(BigInt::new(limbs)).ok_or(EncodingError::InvalidPoint)?;
    }
    Ok(from_coefficients(&coeffs))
}

/// Whether `f` lies in the cyclotomic subgroup of order Φ₁₂(q) = q⁴ − q² + 1.
fn is_cyclotomic(f: &Fq12) -> bool {
    let q2 = f.frobenius_map(2);
    let q4 = q2.frobenius_map(2);
    !f.is_zero() && q4 * f == q2
}

/// Whether `f` lies in GT, the order-r subgroup of Fq12*.
pub(crate) fn in_gt(f: &Fq12) -> bool {
    // r | Φ₁₂(q), so GT is inside the cyclotomic subgroup; test that first, because the
    // cyclotomic squarings used by `cyclotomic_exp` are wrong for any other element.
    is_cyclotomic(f) && f.cyclotomic_exp(Fr::MODULUS).is_one()
}

/// Decodes a GT element: canonical coefficients, in the order-r subgroup, not 1.
///
/// # Errors
///
/// `InvalidPoint` (a coefficient ≥ q), `NotInSubgroup`, `IdentityPoint`.
pub(crate) fn decode_gt(bytes: &[u8; GT_LEN]) -> Result<PairingOutput<Bls12_381>, EncodingError> {
    let f = fq12_from_bytes(bytes)?;
    if f.is_one() {
        return Err(EncodingError::IdentityPoint);
    }
    if !in_gt(&f) {
        return Err(EncodingError::NotInSubgroup);
    }
    Ok(PairingOutput(f))
}

/// Decoder without the subgroup and identity checks, for tests.
#[cfg(test)]
pub(crate) fn fq12_unchecked(bytes: &[u8; GT_LEN]) -> Result<Fq12, EncodingError> {
    fq12_from_bytes(bytes)
}
