//! The decoders of secret compressed points (stored key components), in constant time
//! on [`super::decode`]'s arithmetic. One name per job, zkcrypto-style:
//!
//! - `SecretG1::from_compressed` / `SecretG2::from_compressed`: `None` exactly when
//!   arkworks' validating decoder rejects the bytes; that bit is the only one declassified
//!   (the harness and benchmark API);
//! - `try_from_compressed`: the same decision with the public decoder's error
//!   (`encoding::curve::g1_from_compressed`): `InvalidPoint` for bad flags, `x ≥ q`, no
//!   point with this `x` or a non-canonical encoding, `NotInSubgroup` for a well-formed
//!   point of the curve outside the order-r subgroup. `well_formed` and `valid` are
//!   declassified, in that order, and only to pick the error of a rejected encoding: a
//!   valid key declassifies `true, true` whatever it is, so nothing about an accepted key
//!   leaves;
//! - `try_from_compressed_nonidentity`: the same, refusing the identity
//!   (`IdentityPoint`; the `is_identity()` bit is declassified), as
//!   `encoding::curve::g1_from_compressed_nonidentity`.
//!
//! `from_compressed` is `#[track_caller]` (the valgrind harness sees its one
//! declassification at the caller); the `try_` decoders declassify here, at the sites
//! `ctcheck/allow.toml` reviews for key import.

use super::super::curve::CtCurve;
use super::super::declassify::declassify_choice;
use super::super::secret::{SecretG1, SecretG2, SecretPoint};
use super::decode::{g1_decompress, g2_decompress, Decoded};
use crate::error::EncodingError;

/// Declassifies the outcome: the point, or the error the public decoder gives.
fn finish<C: CtCurve>(d: Decoded<C>) -> Result<SecretPoint<C>, EncodingError> {
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

/// Refuses the identity (declassifying that bit).
fn nonidentity<C: CtCurve>(p: SecretPoint<C>) -> Result<SecretPoint<C>, EncodingError> {
    if declassify_choice(p.is_identity()) {
        return Err(EncodingError::IdentityPoint);
    }
    Ok(p)
}

impl SecretG1 {
    /// Decodes a secret 48-byte compressed point (a stored key component) in constant
    /// time: `None` exactly when arkworks' validating decoder rejects the bytes; that
    /// accept/reject outcome is the only thing declassified. The identity is accepted, as
    /// arkworks does: refuse it with `declassify_choice(p.is_identity())` where a key
    /// forbids it.
    #[track_caller]
    pub fn from_compressed(bytes: &[u8; 48]) -> Option<Self> {
        let d = g1_decompress(bytes);
        declassify_choice(d.valid).then_some(Self(d.point))
    }

    /// Decodes a secret 48-byte compressed point in constant time, accepting the
    /// identity, with the public decoder's errors (see the module docs).
    ///
    /// # Errors
    /// `InvalidPoint` or `NotInSubgroup`, exactly as `encoding::curve::g1_from_compressed`.
    pub fn try_from_compressed(bytes: &[u8; 48]) -> Result<Self, EncodingError> {
        finish(g1_decompress(bytes))
    }

    /// [`try_from_compressed`](Self::try_from_compressed), refusing the identity.
    ///
    /// # Errors
    /// `InvalidPoint`, `NotInSubgroup`, `IdentityPoint`, exactly as
    /// `encoding::curve::g1_from_compressed_nonidentity`.
    pub fn try_from_compressed_nonidentity(bytes: &[u8; 48]) -> Result<Self, EncodingError> {
        nonidentity(Self::try_from_compressed(bytes)?)
    }
}

impl SecretG2 {
    /// Decodes a secret 96-byte compressed point in constant time, as
    /// [`SecretG1::from_compressed`].
    #[track_caller]
    pub fn from_compressed(bytes: &[u8; 96]) -> Option<Self> {
        let d = g2_decompress(bytes);
        declassify_choice(d.valid).then_some(Self(d.point))
    }

    /// As [`SecretG1::try_from_compressed`], for G2.
    ///
    /// # Errors
    /// `InvalidPoint` or `NotInSubgroup`, exactly as `encoding::curve::g2_from_compressed`.
    pub fn try_from_compressed(bytes: &[u8; 96]) -> Result<Self, EncodingError> {
        finish(g2_decompress(bytes))
    }

    /// As [`SecretG1::try_from_compressed_nonidentity`], for G2.
    ///
    /// # Errors
    /// `InvalidPoint`, `NotInSubgroup`, `IdentityPoint`, exactly as
    /// `encoding::curve::g2_from_compressed_nonidentity`.
    pub fn try_from_compressed_nonidentity(bytes: &[u8; 96]) -> Result<Self, EncodingError> {
        nonidentity(Self::try_from_compressed(bytes)?)
    }
}

#[cfg(test)]
#[path = "decode_secret_tests.rs"]
mod tests;
