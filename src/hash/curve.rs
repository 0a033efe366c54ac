//! Hash to G1 and G2 with the RFC 9380 `*_XMD:SHA-256_SSWU_RO_` suites, through arkworks.
//!
//! arkworks' `DefaultFieldHasher<Sha256, 128>` is conformant *here*: for the 381-bit base
//! field its per-element length is 64 bytes, which happens to equal SHA-256's block size,
//! so its Z_pad bug (arkworks-rs/algebra#849) does not show (checked by the RFC vectors in
//! this module's tests).

use ark_bls12_381::{g1, g2, Fq, Fq2, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::hashing::{
    curve_maps::wb::WBMap,
    map_to_curve_hasher::{MapToCurve, MapToCurveBasedHasher},
    HashToCurve,
};
use ark_ec::AffineRepr;
use ark_ff::field_hashers::{DefaultFieldHasher, HashToField};
use sha2::Sha256;

use crate::error::{Error, Result};

/// `BLS12381G1_XMD:SHA-256_SSWU_RO_` (RFC 9380 §8.8.1).
type G1Hasher =
    MapToCurveBasedHasher<G1Projective, DefaultFieldHasher<Sha256, 128>, WBMap<g1::Config>>;
/// `BLS12381G2_XMD:SHA-256_SSWU_RO_` (RFC 9380 §8.8.2).
type G2Hasher =
    MapToCurveBasedHasher<G2Projective, DefaultFieldHasher<Sha256, 128>, WBMap<g2::Config>>;

/// Hashes `msg` to G1 with `BLS12381G1_XMD:SHA-256_SSWU_RO_` under `dst`.
///
/// Variable time (SSWU square roots): never pass secrets. The result is in the
/// prime-order subgroup (cofactor cleared).
///
/// # Errors
///
/// [`Error::InvalidArgument`] if `dst` is empty or arkworks reports a hash-to-curve error.
pub(crate) fn hash_to_g1(dst: &[u8], msg: &[u8]) -> Result<G1Affine> {
    check_dst(dst)?;
    G1Hasher::new(dst)
        .and_then(|h| h.hash(msg))
        .map_err(|_| Error::InvalidArgument("hash to G1 failed"))
}

/// Hashes `msg` to G2 with `BLS12381G2_XMD:SHA-256_SSWU_RO_` under `dst`.
///
/// Variable time (SSWU square roots): never pass secrets. The result is in the
/// prime-order subgroup (cofactor cleared).
///
/// # Errors
///
/// [`Error::InvalidArgument`] if `dst` is empty or arkworks reports a hash-to-curve error.
pub(crate) fn hash_to_g2(dst: &[u8], msg: &[u8]) -> Result<G2Affine> {
    check_dst(dst)?;
    G2Hasher::new(dst)
        .and_then(|h| h.hash(msg))
        .map_err(|_| Error::InvalidArgument("hash to G2 failed"))
}

/// `encode_to_curve` with `BLS12381G1_XMD:SHA-256_SSWU_NU_` under `dst` (RFC 9380 §3,
/// §8.8.1): one field element, mapped and cofactor-cleared. Not a random oracle; only the
/// `hazmat` API offers it (for running the RFC's NU vectors).
///
/// # Errors
///
/// [`Error::InvalidArgument`] if `dst` is empty or arkworks reports a map error.
pub(crate) fn encode_to_g1(dst: &[u8], msg: &[u8]) -> Result<G1Affine> {
    check_dst(dst)?;
    let [u] =
        <DefaultFieldHasher<Sha256, 128> as HashToField<Fq>>::new(dst).hash_to_field::<1>(msg);
    let q = WBMap::<g1::Config>::map_to_curve(u)
        .map_err(|_| Error::InvalidArgument("encode to G1 failed"))?;
    Ok(q.clear_cofactor())
}

/// `encode_to_curve` with `BLS12381G2_XMD:SHA-256_SSWU_NU_` under `dst` (RFC 9380 §3,
/// §8.8.2); see [`encode_to_g1`].
///
/// # Errors
///
/// [`Error::InvalidArgument`] if `dst` is empty or arkworks reports a map error.
pub(crate) fn encode_to_g2(dst: &[u8], msg: &[u8]) -> Result<G2Affine> {
    check_dst(dst)?;
    let [u] =
        <DefaultFieldHasher<Sha256, 128> as HashToField<Fq2>>::new(dst).hash_to_field::<1>(msg);
    let q = WBMap::<g2::Config>::map_to_curve(u)
        .map_err(|_| Error::InvalidArgument("encode to G2 failed"))?;
    Ok(q.clear_cofactor())
}

/// RFC 9380 §3.1: tags must be non-empty (arkworks would accept an empty one).
fn check_dst(dst: &[u8]) -> Result<()> {
    if dst.is_empty() {
        return Err(Error::InvalidArgument(
            "hash domain separation tag is empty",
        ));
    }
    Ok(())
}
