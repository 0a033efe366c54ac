//! Signatures and proofs of possession: decoding (`signature_subgroup_check`) and `Aggregate`.

use core::fmt;

use ark_bls12_381::G2Affine;
use ark_ec::AffineRepr;
use subtle::{Choice, ConstantTimeEq};

use super::{sum_g2, SIGNATURE_LEN};
use crate::encoding::{encode_g2, ObjectType, Reader, Writer};
use crate::error::{Error, Result};

/// A BLS signature, aggregate signature or proof of possession: a point of G2 that is on
/// the curve, in the prime-order subgroup and not the identity.
///
/// Equality compares the encodings in constant time; it is *not* a way to verify (use
/// [`PublicKey::verify`](super::PublicKey::verify)).
#[derive(Clone, Copy)]
pub struct Signature {
    point: G2Affine,
}

impl Signature {
    /// Wraps a point computed by a signer; an identity point only arises from a failed
    /// hash, and no verifier accepts it.
    pub(crate) fn from_point_unchecked(point: G2Affine) -> Self {
        Self { point }
    }

    /// The G2 point.
    pub(crate) fn point(&self) -> &G2Affine {
        &self.point
    }

    /// Decodes a raw 96-byte compressed signature (the Zcash / Ethereum encoding) and
    /// checks it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`] with `Truncated` / `TrailingBytes` (not 96 bytes),
    /// `InvalidPoint` (bad flag bits, a coordinate ≥ q, not on the curve, not canonical),
    /// `NotInSubgroup`, or `IdentityPoint`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::raw(bytes);
        let point = r.g2()?;
        r.finish()?;
        Ok(Self { point })
    }

    /// The raw 96-byte compressed encoding, as Ethereum and blst write it.
    pub fn to_bytes(&self) -> [u8; SIGNATURE_LEN] {
        encode_g2(&self.point)
    }

    /// The 100-byte cipherchart object: header `CC 11 01` then the raw signature
    /// (`docs/formats.md`, "BlsSignature").
    pub fn to_object_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(ObjectType::BlsSignature);
        w.g2(&self.point);
        w.finish()
    }

    /// Decodes the 100-byte object written by [`to_object_bytes`](Self::to_object_bytes).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`]: a wrong header (`WrongType`, `UnsupportedVersion`), or
    /// any error of [`from_bytes`](Self::from_bytes).
    pub fn from_object_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, ObjectType::BlsSignature)?;
        let point = r.g2()?;
        r.finish()?;
        Ok(Self { point })
    }

    /// Sums signatures into one aggregate (the draft's `Aggregate`), to be checked with
    /// [`fast_aggregate_verify`](super::fast_aggregate_verify) (one message) or
    /// [`aggregate_verify`](super::aggregate_verify) (one message per key).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `sigs` is empty or the sum is the identity (signatures
    /// that cancel out; never the case for honest signatures).
    pub fn aggregate(sigs: &[Signature]) -> Result<Signature> {
        if sigs.is_empty() {
            return Err(Error::InvalidArgument("no BLS signatures to aggregate"));
        }
        let point = sum_g2(sigs.iter().map(Signature::point));
        if point.is_zero() {
            return Err(Error::InvalidArgument(
                "the aggregate BLS signature is the identity",
            ));
        }
        Ok(Self { point })
    }
}

impl ConstantTimeEq for Signature {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.to_bytes()[..].ct_eq(&other.to_bytes()[..])
    }
}

impl PartialEq for Signature {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for Signature {}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlsSignature({})", super::hex(&self.to_bytes()))
    }
}
