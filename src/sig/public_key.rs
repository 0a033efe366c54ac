//! Public keys: decoding (`KeyValidate`), `Verify`, `PopVerify` and key aggregation; and
//! [`UnvalidatedPublicKey`], the draft's deserialization step on its own.

use core::fmt;
use core::hash::{Hash, Hasher};

use ark_bls12_381::G1Affine;
use ark_ec::AffineRepr;

use super::{hash_point, pairing_check, sum_g1, BlsSignature, POP_DST, PUBLIC_KEY_LEN, SIG_DST};
use crate::encoding::{encode_g1, encode_g1_eip2537, ObjectType, Reader, Writer, G1_EIP2537_LEN};
use crate::error::{EncodingError, Error, Result};

/// A BLS public key: a point of G1 that is on the curve, in the prime-order subgroup and
/// not the identity (the draft's `KeyValidate` holds for every value of this type).
///
/// Public data: `Clone`, `Copy`, `Eq` and `Hash` compare the encoding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BlsPublicKey {
    point: G1Affine,
}

impl BlsPublicKey {
    /// Wraps a point the caller knows to be a valid, non-identity subgroup point.
    pub(crate) fn from_point_unchecked(point: G1Affine) -> Self {
        Self { point }
    }

    /// The G1 point.
    pub(crate) fn point(&self) -> &G1Affine {
        &self.point
    }

    /// Decodes a raw 48-byte compressed public key (the Zcash / Ethereum encoding) and
    /// validates it: the draft's `KeyValidate`, returning the key it accepts. Equal to
    /// [`UnvalidatedPublicKey::from_bytes`] followed by [`UnvalidatedPublicKey::validate`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`] with `Truncated` / `TrailingBytes` (not 48 bytes),
    /// `InvalidPoint` (bad flag bits, x ≥ q, not on the curve, not canonical),
    /// `NotInSubgroup`, or `IdentityPoint`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        // Literally the two steps, so that both give the same error for every input (an
        // identity followed by extra bytes is `TrailingBytes` either way).
        UnvalidatedPublicKey::from_bytes(bytes)?.validate()
    }

    /// The raw 48-byte compressed encoding, as Ethereum and blst write it.
    pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_LEN] {
        encode_g1(&self.point)
    }

    /// The key uncompressed, in the 128-byte encoding the EIP-2537 BLS12-381 precompiles of
    /// Ethereum read: `x ‖ y`, each coordinate 16 zero bytes then its 48 big-endian bytes.
    /// For contracts that take a key both compressed (hashed, stored) and uncompressed (for
    /// the precompiles); decompressing here saves a square root on chain. An export only:
    /// nothing in cipherchart decodes it.
    ///
    /// ```
    /// use cipherchart::{BlsPublicKey, BlsSigningKey};
    ///
    /// let pk = BlsSigningKey::from_ikm(&[7; 32], b"")?.public_key();
    /// let u = pk.to_eip2537_bytes();
    /// assert_eq!(u[..16], [0; 16]); // padding of x
    /// // x is the compressed encoding with its three flag bits cleared.
    /// let mut x = pk.to_bytes();
    /// x[0] &= 0x1f;
    /// assert_eq!(u[16..64], x);
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    pub fn to_eip2537_bytes(&self) -> [u8; G1_EIP2537_LEN] {
        encode_g1_eip2537(&self.point)
    }

    /// The 52-byte cipherchart object: header `CC 10 02` then the raw key
    /// (`docs/formats.md`, "BlsPublicKey").
    pub fn to_object_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(ObjectType::BlsPublicKey);
        w.g1(&self.point);
        w.finish()
    }

    /// Decodes the 52-byte object written by [`to_object_bytes`](Self::to_object_bytes).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`]: a wrong header (`WrongType`, `UnsupportedVersion`), or
    /// any error of [`from_bytes`](Self::from_bytes).
    pub fn from_object_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, ObjectType::BlsPublicKey)?;
        let point = r.g1()?;
        r.finish()?;
        Ok(Self { point })
    }

    /// Checks a signature on `msg` (the draft's `Verify` = `CoreVerify`):
    /// `e(pk, H(msg)) · e(−g1, sig) = 1`.
    ///
    /// In the proof-of-possession scheme the key's proof must have been checked with
    /// [`verify_possession`](Self::verify_possession) before the key is trusted.
    ///
    /// # Errors
    ///
    /// [`Error::VerificationFailed`] if the signature is not valid.
    pub fn verify(&self, msg: &[u8], sig: &BlsSignature) -> Result<()> {
        self.verify_with(SIG_DST, msg, sig)
    }

    /// Checks a proof of possession of this key (the draft's `PopVerify`): a signature by
    /// this key on its own 48 raw bytes under the tag [`POP_DST`](super::POP_DST).
    ///
    /// # Errors
    ///
    /// [`Error::VerificationFailed`] if the proof is not valid for this key.
    pub fn verify_possession(&self, pop: &BlsSignature) -> Result<()> {
        self.verify_with(POP_DST, &self.to_bytes(), pop)
    }

    fn verify_with(&self, dst: &[u8], msg: &[u8], sig: &BlsSignature) -> Result<()> {
        let h = hash_point(dst, msg).map_err(|_| Error::VerificationFailed)?;
        pairing_check([self.point], [h], sig.point())
    }

    /// The sum of several public keys: the key that verifies the aggregate of their
    /// signatures on one message (what [`fast_aggregate_verify`](super::fast_aggregate_verify)
    /// computes). Only meaningful for keys with verified proofs of possession.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `keys` is empty or the sum is the identity (keys that
    /// cancel out, impossible for honestly generated keys).
    pub fn aggregate(keys: &[BlsPublicKey]) -> Result<BlsPublicKey> {
        if keys.is_empty() {
            return Err(Error::InvalidArgument("no BLS public keys to aggregate"));
        }
        let point = sum_g1(keys.iter().map(BlsPublicKey::point));
        if point.is_zero() {
            return Err(Error::InvalidArgument(
                "the aggregate BLS public key is the identity",
            ));
        }
        Ok(Self { point })
    }
}

/// A decoded BLS public key that has not been through `KeyValidate`: the draft's
/// `pubkey_to_point` and `pubkey_subgroup_check` on their own. The point is canonical, on
/// the curve and in the prime-order subgroup, but it may be the identity (`0xc0 00…00`).
///
/// This is the deserialization half of the IETF / Ethereum split (test suites and
/// protocols that decode a key first and validate it later, e.g. Ethereum's
/// `deserialization_G1` cases). It can do nothing but be encoded, inspected or validated:
/// every operation that *uses* a key takes a [`BlsPublicKey`], which [`validate`](Self::validate)
/// returns only for a non-identity point. So no verifier, aggregate, consent token, chain
/// entry or re-key can ever meet the identity key (`docs/security.md`, "Identity points").
///
/// ```
/// use cipherchart::UnvalidatedPublicKey;
/// use cipherchart::{EncodingError, Error};
///
/// let mut infinity = [0u8; 48];
/// infinity[0] = 0xc0;
/// let decoded = UnvalidatedPublicKey::from_bytes(&infinity)?; // deserializes
/// assert!(decoded.is_identity());
/// assert_eq!(
///     decoded.validate().unwrap_err(), // KeyValidate refuses it
///     Error::InvalidEncoding(EncodingError::IdentityPoint)
/// );
/// # Ok::<(), cipherchart::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct UnvalidatedPublicKey {
    point: G1Affine,
}

impl UnvalidatedPublicKey {
    /// Decodes a raw 48-byte compressed public key without the identity test of
    /// `KeyValidate`: the identity decodes, everything [`BlsPublicKey::from_bytes`] refuses
    /// for other reasons is refused here too.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`] with `Truncated` / `TrailingBytes` (not 48 bytes),
    /// `InvalidPoint` (bad flag bits, x ≥ q, not on the curve, not canonical) or
    /// `NotInSubgroup`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::raw(bytes);
        let point = r.g1_allow_identity()?;
        r.finish()?;
        Ok(Self { point })
    }

    /// The raw 48-byte compressed encoding (the bytes it was decoded from).
    pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_LEN] {
        encode_g1(&self.point)
    }

    /// Whether this is the identity point, which [`validate`](Self::validate) refuses.
    pub fn is_identity(&self) -> bool {
        self.point.is_zero()
    }

    /// The rest of `KeyValidate`: the key, unless it is the identity.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`] with `IdentityPoint`, the error [`BlsPublicKey::from_bytes`]
    /// gives for the same bytes.
    pub fn validate(&self) -> Result<BlsPublicKey> {
        if self.is_identity() {
            return Err(EncodingError::IdentityPoint.into());
        }
        Ok(BlsPublicKey { point: self.point })
    }
}

impl From<BlsPublicKey> for UnvalidatedPublicKey {
    fn from(pk: BlsPublicKey) -> Self {
        Self { point: pk.point }
    }
}

impl Hash for UnvalidatedPublicKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.to_bytes().hash(state);
    }
}

impl fmt::Debug for UnvalidatedPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "UnvalidatedBlsPublicKey({})",
            super::hex(&self.to_bytes())
        )
    }
}

impl Hash for BlsPublicKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.to_bytes().hash(state);
    }
}

impl fmt::Debug for BlsPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlsPublicKey({})", super::hex(&self.to_bytes()))
    }
}
