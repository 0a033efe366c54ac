//! Signatures and proofs of possession: decoding (`signature_subgroup_check`) and `Aggregate`;
//! and [`UnvalidatedSignature`], the draft's deserialization step on its own.

use core::fmt;

use ark_bls12_381::G2Affine;
use ark_ec::AffineRepr;
use subtle::{Choice, ConstantTimeEq};

use super::{sum_g2, SIGNATURE_LEN};
use crate::encoding::{encode_g2, encode_g2_eip2537, ObjectType, Reader, Writer, G2_EIP2537_LEN};
use crate::error::{EncodingError, Error, Result};

/// A BLS signature, aggregate signature or proof of possession: a point of G2 that is on
/// the curve, in the prime-order subgroup and not the identity.
///
/// Equality compares the encodings in constant time; it is *not* a way to verify (use
/// [`BlsPublicKey::verify`](super::PublicKey::verify)).
#[derive(Clone, Copy)]
pub struct BlsSignature {
    point: G2Affine,
}

impl BlsSignature {
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
    /// checks it: equal to [`UnvalidatedSignature::from_bytes`] followed by
    /// [`UnvalidatedSignature::validate`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`] with `Truncated` / `TrailingBytes` (not 96 bytes),
    /// `InvalidPoint` (bad flag bits, a coordinate ≥ q, not on the curve, not canonical),
    /// `NotInSubgroup`, or `IdentityPoint`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        // Decode, then validate: the same error as the two steps for every input.
        UnvalidatedSignature::from_bytes(bytes)?.validate()
    }

    /// The raw 96-byte compressed encoding, as Ethereum and blst write it.
    pub fn to_bytes(&self) -> [u8; SIGNATURE_LEN] {
        encode_g2(&self.point)
    }

    /// The signature (or proof of possession) uncompressed, in the 256-byte encoding the
    /// EIP-2537 BLS12-381 precompiles of Ethereum read: `x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1`, each
    /// 16 zero bytes then its 48 big-endian bytes (`c0` first, the reverse of the compressed
    /// form's `x.c1 ‖ x.c0`). For contracts that take a signature both compressed and
    /// uncompressed; decompressing here saves square roots in Fq2 on chain. An export only:
    /// nothing in cipherchart decodes it.
    ///
    /// ```
    /// use cipherchart::BlsSigningKey;
    ///
    /// let sig = BlsSigningKey::from_ikm(&[7; 32], b"")?.sign(b"checkpoint");
    /// let u = sig.to_eip2537_bytes();
    /// let mut x = sig.to_bytes();
    /// x[0] &= 0x1f; // the flag bits
    /// assert_eq!(u[16..64], x[48..]); // x.c0
    /// assert_eq!(u[80..128], x[..48]); // x.c1
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    pub fn to_eip2537_bytes(&self) -> [u8; G2_EIP2537_LEN] {
        encode_g2_eip2537(&self.point)
    }

    /// The 100-byte cipherchart object: header `CC 11 02` then the raw signature
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
    pub fn aggregate(sigs: &[BlsSignature]) -> Result<BlsSignature> {
        if sigs.is_empty() {
            return Err(Error::InvalidArgument("no BLS signatures to aggregate"));
        }
        let point = sum_g2(sigs.iter().map(BlsSignature::point));
        if point.is_zero() {
            return Err(Error::InvalidArgument(
                "the aggregate BLS signature is the identity",
            ));
        }
        Ok(Self { point })
    }
}

/// A decoded BLS signature that may be the identity: the draft's `signature_to_point` and
/// `signature_subgroup_check`, without cipherchart's identity test. The point is
/// canonical, on the curve and in the prime-order subgroup.
///
/// This is the deserialization half of the IETF / Ethereum split, and the type of the
/// draft's (and Ethereum's) `Aggregate`, which passes the identity through:
/// `aggregate([infinity]) = infinity`. Verification takes a [`BlsSignature`], which
/// [`validate`](Self::validate) returns only for a non-identity point; the draft's
/// `CoreVerify` would reject an identity signature anyway (it verifies only under the
/// identity key, which `KeyValidate` refuses), so refusing it first changes no outcome.
///
/// ```
/// use cipherchart::UnvalidatedSignature;
///
/// let mut infinity = [0u8; 96];
/// infinity[0] = 0xc0;
/// let sig = UnvalidatedSignature::from_bytes(&infinity)?;
/// let sum = UnvalidatedSignature::aggregate(&[sig])?; // Ethereum's Aggregate
/// assert_eq!(sum.to_bytes(), infinity);
/// assert!(sum.validate().is_err()); // verifies nothing
/// # Ok::<(), cipherchart::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct UnvalidatedSignature {
    point: G2Affine,
}

impl UnvalidatedSignature {
    /// Decodes a raw 96-byte compressed signature; unlike [`BlsSignature::from_bytes`] the
    /// identity decodes.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`] with `Truncated` / `TrailingBytes` (not 96 bytes),
    /// `InvalidPoint` (bad flag bits, a coordinate ≥ q, not on the curve, not canonical)
    /// or `NotInSubgroup`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::raw(bytes);
        let point = r.g2_allow_identity()?;
        r.finish()?;
        Ok(Self { point })
    }

    /// The raw 96-byte compressed encoding.
    pub fn to_bytes(&self) -> [u8; SIGNATURE_LEN] {
        encode_g2(&self.point)
    }

    /// Whether this is the identity point, which [`validate`](Self::validate) refuses.
    pub fn is_identity(&self) -> bool {
        self.point.is_zero()
    }

    /// The signature, unless it is the identity.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`] with `IdentityPoint`, the error
    /// [`BlsSignature::from_bytes`] gives for the same bytes.
    pub fn validate(&self) -> Result<BlsSignature> {
        if self.is_identity() {
            return Err(EncodingError::IdentityPoint.into());
        }
        Ok(BlsSignature { point: self.point })
    }

    /// The draft's `Aggregate`, as Ethereum specifies it: the sum of the signatures,
    /// whatever it is (the identity included, e.g. `aggregate([infinity]) = infinity`
    /// or a signature and its negation).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `sigs` is empty (the draft's `INVALID`).
    pub fn aggregate(sigs: &[UnvalidatedSignature]) -> Result<UnvalidatedSignature> {
        if sigs.is_empty() {
            return Err(Error::InvalidArgument("no BLS signatures to aggregate"));
        }
        Ok(Self {
            point: sum_g2(sigs.iter().map(|s| &s.point)),
        })
    }
}

impl From<BlsSignature> for UnvalidatedSignature {
    fn from(sig: BlsSignature) -> Self {
        Self { point: sig.point }
    }
}

impl fmt::Debug for UnvalidatedSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "UnvalidatedBlsSignature({})",
            super::hex(&self.to_bytes())
        )
    }
}

impl ConstantTimeEq for BlsSignature {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.to_bytes()[..].ct_eq(&other.to_bytes()[..])
    }
}

impl PartialEq for BlsSignature {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for BlsSignature {}

impl fmt::Debug for BlsSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlsSignature({})", super::hex(&self.to_bytes()))
    }
}
