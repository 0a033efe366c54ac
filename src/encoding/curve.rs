//! G1 and G2 points in the Zcash compressed format.
//!
//! This is the format of zkcrypto/bls12_381, Zcash, Ethereum, blst and arkworks'
//! `serialize_compressed` (the tests check all of them agree on the zkcrypto vectors):
//! the big-endian x-coordinate (for G2 `x.c1 || x.c0`), whose three spare top bits carry
//! flags in the first byte:
//!
//! - bit 7 (`0x80`) compression: always set (uncompressed points are never accepted);
//! - bit 6 (`0x40`) infinity: set only for the identity, and then every other bit is zero;
//! - bit 5 (`0x20`) sort: set iff y is the lexicographically larger of ±y (for Fq2,
//!   compare `c1` first, then `c0`); never set on the identity.
//!
//! Decoding is written out here instead of calling arkworks' deserialiser so that each
//! failure gets its own [`EncodingError`] (arkworks reports every one as `InvalidData`)
//! and so that canonicity is checked explicitly: a decoded point must re-encode to the
//! exact input bytes.

use ark_bls12_381::{Fq, Fq2, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, PrimeField};

use crate::error::EncodingError;

/// Length of a compressed G1 point.
pub(crate) const G1_LEN: usize = 48;
/// Length of a compressed G2 point.
pub(crate) const G2_LEN: usize = 96;
/// Length of a big-endian base-field element.
const FQ_LEN: usize = 48;

const FLAG_COMPRESSED: u8 = 0x80;
const FLAG_INFINITY: u8 = 0x40;
const FLAG_SORT: u8 = 0x20;
const FLAG_MASK: u8 = FLAG_COMPRESSED | FLAG_INFINITY | FLAG_SORT;

/// Big-endian bytes of a base-field element (always < q, so the top 3 bits are clear).
fn fq_to_be(x: &Fq) -> [u8; FQ_LEN] {
    let limbs = x.into_bigint().0;
    let mut out = [0u8; FQ_LEN];
    for (chunk, limb) in out.chunks_exact_mut(8).zip(limbs.iter().rev()) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
    out
}

/// The base-field element with these big-endian bytes, or `None` if they are ≥ q
/// (non-canonical).
fn fq_from_be(bytes: &[u8; FQ_LEN]) -> Option<Fq> {
    let mut limbs = [0u64; 6];
    for (limb, chunk) in limbs.iter_mut().rev().zip(bytes.chunks_exact(8)) {
        let mut be = [0u8; 8];
        be.copy_from_slice(chunk);
        *limb = u64::from_be_bytes(be);
    }
    // `from_bigint` returns `None` for any value ≥ q.
    Fq::from_bigint(BigInt::new(limbs))
}

/// Splits the flag bits off the first byte: returns (flags, bytes with flags cleared).
fn split_flags<const N: usize>(bytes: &[u8; N]) -> (u8, [u8; N]) {
    let mut body = *bytes;
    let flags = body.first().map_or(0, |b| b & FLAG_MASK);
    if let Some(first) = body.first_mut() {
        *first &= !FLAG_MASK;
    }
    (flags, body)
}

/// The flags of an encoding with the given sort bit.
fn point_flags(sort: bool) -> u8 {
    if sort {
        FLAG_COMPRESSED | FLAG_SORT
    } else {
        FLAG_COMPRESSED
    }
}

/// What the flag bits of a compressed encoding announce.
enum Shape {
    /// The identity (only `0b110` is valid, with an all-zero body).
    Identity,
    /// An affine point; `true` selects the lexicographically larger y.
    Point(bool),
}

/// Interprets the flag bits; every combination except `0b100`, `0b101`, `0b110` is
/// invalid (uncompressed, or infinity with the sort bit).
fn shape(flags: u8) -> Result<Shape, EncodingError> {
    match flags {
        f if f == FLAG_COMPRESSED | FLAG_INFINITY => Ok(Shape::Identity),
        f if f == FLAG_COMPRESSED => Ok(Shape::Point(false)),
        f if f == FLAG_COMPRESSED | FLAG_SORT => Ok(Shape::Point(true)),
        _ => Err(EncodingError::InvalidPoint),
    }
}

/// Length of a G1 point in the uncompressed encoding of the EIP-2537 precompiles.
pub(crate) const G1_EIP2537_LEN: usize = 128;
/// Length of a G2 point in the uncompressed encoding of the EIP-2537 precompiles.
pub(crate) const G2_EIP2537_LEN: usize = 256;
/// EIP-2537's field element: 64 bytes, 16 zero bytes then the 48 big-endian bytes.
const FQ_EIP2537_LEN: usize = 64;

/// Writes `x` as an EIP-2537 field element into `out` (64 bytes: 16 zero bytes, then the
/// 48 big-endian bytes).
fn fq_to_eip2537(x: &Fq, out: &mut [u8]) {
    let (pad, be) = out.split_at_mut(FQ_EIP2537_LEN - FQ_LEN);
    pad.fill(0);
    be.copy_from_slice(&fq_to_be(x));
}

/// The uncompressed, padded encoding of a G1 point read by the EIP-2537 precompiles
/// (128 bytes: `x ‖ y`, each a 64-byte field element); the identity is 128 zero bytes.
pub(crate) fn encode_g1_eip2537(p: &G1Affine) -> [u8; G1_EIP2537_LEN] {
    let mut out = [0u8; G1_EIP2537_LEN];
    if let Some((x, y)) = p.xy() {
        for (chunk, c) in out.chunks_exact_mut(FQ_EIP2537_LEN).zip([x, y]) {
            fq_to_eip2537(&c, chunk);
        }
    }
    out
}

/// The uncompressed, padded encoding of a G2 point read by the EIP-2537 precompiles
/// (256 bytes: `x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1`, each a 64-byte field element; note the order
/// of an Fq2 element is `c0` first, the reverse of the compressed form); the identity is
/// 256 zero bytes.
pub(crate) fn encode_g2_eip2537(p: &G2Affine) -> [u8; G2_EIP2537_LEN] {
    let mut out = [0u8; G2_EIP2537_LEN];
    if let Some((x, y)) = p.xy() {
        for (chunk, c) in out
            .chunks_exact_mut(FQ_EIP2537_LEN)
            .zip([x.c0, x.c1, y.c0, y.c1])
        {
            fq_to_eip2537(&c, chunk);
        }
    }
    out
}

/// The Zcash compressed encoding of a G1 point (48 bytes).
pub(crate) fn encode_g1(p: &G1Affine) -> [u8; G1_LEN] {
    let mut out = [0u8; G1_LEN];
    match p.xy() {
        None => out[0] = FLAG_COMPRESSED | FLAG_INFINITY,
        Some((x, y)) => {
            out = fq_to_be(&x);
            out[0] |= point_flags(y > -y);
        }
    }
    out
}

/// The Zcash compressed encoding of a G2 point (96 bytes: `x.c1 || x.c0`).
pub(crate) fn encode_g2(p: &G2Affine) -> [u8; G2_LEN] {
    let mut out = [0u8; G2_LEN];
    match p.xy() {
        None => out[0] = FLAG_COMPRESSED | FLAG_INFINITY,
        Some((x, y)) => {
            let (hi, lo) = out.split_at_mut(FQ_LEN);
            hi.copy_from_slice(&fq_to_be(&x.c1));
            lo.copy_from_slice(&fq_to_be(&x.c0));
            // `Fq2`'s order compares c1 first, then c0: the Zcash "lexicographically largest".
            out[0] |= point_flags(y > -y);
        }
    }
    out
}

/// Decodes a G1 point that is canonical and on the curve; no subgroup or identity check
/// (zkcrypto's `from_compressed_unchecked`).
pub(crate) fn g1_from_compressed_unchecked(
    bytes: &[u8; G1_LEN],
) -> Result<G1Affine, EncodingError> {
    let (flags, body) = split_flags(bytes);
    let p = match shape(flags)? {
        Shape::Identity if body == [0u8; G1_LEN] => G1Affine::identity(),
        Shape::Identity => return Err(EncodingError::InvalidPoint),
        Shape::Point(largest) => {
            let x = fq_from_be(&body).ok_or(EncodingError::InvalidPoint)?;
            // `None` when x³ + 4 is not a square: no point with this x.
            G1Affine::get_point_from_x_unchecked(x, largest).ok_or(EncodingError::InvalidPoint)?
        }
    };
    // One encoding per point. The checks above already imply this for every point of
    // odd order; re-encoding also rejects a sort bit on a y = 0 point and anything
    // the checks above might have missed.
    if encode_g1(&p) != *bytes {
        return Err(EncodingError::InvalidPoint);
    }
    Ok(p)
}

/// Decodes a G2 point that is canonical and on the curve; no subgroup or identity check.
pub(crate) fn g2_from_compressed_unchecked(
    bytes: &[u8; G2_LEN],
) -> Result<G2Affine, EncodingError> {
    let (flags, body) = split_flags(bytes);
    let p = match shape(flags)? {
        Shape::Identity if body == [0u8; G2_LEN] => G2Affine::identity(),
        Shape::Identity => return Err(EncodingError::InvalidPoint),
        Shape::Point(largest) => {
            let (hi, lo) = body.split_at(FQ_LEN);
            let c1 = fq_from_be(&to_fq_bytes(hi)).ok_or(EncodingError::InvalidPoint)?;
            let c0 = fq_from_be(&to_fq_bytes(lo)).ok_or(EncodingError::InvalidPoint)?;
            G2Affine::get_point_from_x_unchecked(Fq2::new(c0, c1), largest)
                .ok_or(EncodingError::InvalidPoint)?
        }
    };
    if encode_g2(&p) != *bytes {
        return Err(EncodingError::InvalidPoint);
    }
    Ok(p)
}

/// Copies a 48-byte half of a G2 encoding into an array.
fn to_fq_bytes(half: &[u8]) -> [u8; FQ_LEN] {
    let mut out = [0u8; FQ_LEN];
    out.copy_from_slice(half);
    out
}

/// [`g1_from_compressed`], refusing the identity (what `Reader::g1` reads).
///
/// # Errors
///
/// `InvalidPoint` (bad flags, x ≥ q, not on the curve, not canonical), `IdentityPoint`,
/// `NotInSubgroup`.
pub(crate) fn g1_from_compressed_nonidentity(
    bytes: &[u8; G1_LEN],
) -> Result<G1Affine, EncodingError> {
    let p = g1_from_compressed(bytes)?;
    if p.is_zero() {
        return Err(EncodingError::IdentityPoint);
    }
    Ok(p)
}

/// Decodes a G1 point: canonical, on the curve, in the order-r subgroup; the identity
/// (`0xc0 00…00`) accepted, as zkcrypto's `from_compressed`.
///
/// # Errors
///
/// `InvalidPoint`, `NotInSubgroup`.
pub(crate) fn g1_from_compressed(bytes: &[u8; G1_LEN]) -> Result<G1Affine, EncodingError> {
    let p = g1_from_compressed_unchecked(bytes)?;
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(EncodingError::NotInSubgroup);
    }
    Ok(p)
}

/// [`g2_from_compressed`], refusing the identity (what `Reader::g2` reads).
///
/// # Errors
///
/// `InvalidPoint` (bad flags, a coordinate ≥ q, not on the curve, not canonical),
/// `IdentityPoint`, `NotInSubgroup`.
pub(crate) fn g2_from_compressed_nonidentity(
    bytes: &[u8; G2_LEN],
) -> Result<G2Affine, EncodingError> {
    let p = g2_from_compressed(bytes)?;
    if p.is_zero() {
        return Err(EncodingError::IdentityPoint);
    }
    Ok(p)
}

/// Decodes a G2 point: canonical, on the curve, in the order-r subgroup; the identity
/// (`0xc0 00…00`) accepted.
///
/// # Errors
///
/// `InvalidPoint`, `NotInSubgroup`.
pub(crate) fn g2_from_compressed(bytes: &[u8; G2_LEN]) -> Result<G2Affine, EncodingError> {
    let p = g2_from_compressed_unchecked(bytes)?;
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(EncodingError::NotInSubgroup);
    }
    Ok(p)
}
