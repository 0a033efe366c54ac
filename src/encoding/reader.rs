//! The strict decoder: reads canonical fields off a byte slice.

use core::fmt;

#[cfg(test)]
use ark_bls12_381::Fr;
use ark_bls12_381::{Bls12_381, G1Affine, G2Affine};
use ark_ec::pairing::PairingOutput;
#[cfg(test)]
use ark_ff::Zero;

use super::{
    decode_gt, g1_from_compressed, g1_from_compressed_nonidentity, g2_from_compressed,
    g2_from_compressed_nonidentity, ObjectType, FORMAT_VERSION, G1_LEN, G2_LEN, GT_LEN, HEADER_LEN,
    MAGIC,
};
#[cfg(test)]
use super::{decode_scalar, SCALAR_LEN};
use crate::error::{EncodingError, Result};

/// Reads one encoding, field by field, rejecting anything non-canonical.
///
/// Every method either consumes exactly the bytes of one field or fails with an
/// [`EncodingError`] (wrapped in [`Error::InvalidEncoding`](crate::Error)); after an
/// error the reader should be dropped. Decoding ends with [`Reader::finish`], which
/// rejects trailing bytes.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl fmt::Debug for Reader<'_> {
    // The input may be secret key material: show only how much is left.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("remaining", &self.rest.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Reader<'a> {
    /// Starts reading a top-level object of type `kind`: checks and skips the header.
    ///
    /// # Errors
    ///
    /// `Truncated` (shorter than a header), `WrongType` (bad magic or another type's
    /// tag), `UnsupportedVersion`.
    pub(crate) fn new(bytes: &'a [u8], kind: ObjectType) -> Result<Self> {
        let Some(([m0, m1, tag, version], rest)) = bytes.split_first_chunk::<HEADER_LEN>() else {
            return Err(EncodingError::Truncated.into());
        };
        if [*m0, *m1] != MAGIC || *tag != kind.tag() {
            return Err(EncodingError::WrongType.into());
        }
        if *version != FORMAT_VERSION {
            return Err(EncodingError::UnsupportedVersion.into());
        }
        Ok(Self { rest })
    }

    /// Starts reading a top-level object of type `kind` at any of the format versions in
    /// `versions` (a v3 reader of an object whose v2 form it also reads); returns the
    /// version found.
    ///
    /// # Errors
    ///
    /// As [`Reader::new`]; `UnsupportedVersion` for a version not in `versions`.
    pub(crate) fn new_at(bytes: &'a [u8], kind: ObjectType, versions: &[u8]) -> Result<(Self, u8)> {
        let Some(([m0, m1, tag, version], rest)) = bytes.split_first_chunk::<HEADER_LEN>() else {
            return Err(EncodingError::Truncated.into());
        };
        if [*m0, *m1] != MAGIC || *tag != kind.tag() {
            return Err(EncodingError::WrongType.into());
        }
        if !versions.contains(version) {
            return Err(EncodingError::UnsupportedVersion.into());
        }
        Ok((Self { rest }, *version))
    }

    /// Starts reading a header-less payload.
    pub(crate) fn raw(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    /// Takes the next `n` bytes.
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.rest.len() {
            return Err(EncodingError::Truncated.into());
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    /// Skips the next `n` bytes without looking at them (the structural pass of a
    /// multi-header decoder, which checks lengths and policies before any point).
    ///
    /// # Errors
    ///
    /// `Truncated`.
    pub(crate) fn skip(&mut self, n: usize) -> Result<()> {
        self.take(n).map(|_| ())
    }

    /// Takes the next `N` bytes as an array reference.
    fn take_array<const N: usize>(&mut self) -> Result<&'a [u8; N]> {
        let (head, tail) = self
            .rest
            .split_first_chunk::<N>()
            .ok_or(EncodingError::Truncated)?;
        self.rest = tail;
        Ok(head)
    }

    /// Reads one byte.
    ///
    /// # Errors
    ///
    /// `Truncated`.
    pub(crate) fn u8(&mut self) -> Result<u8> {
        self.take_array::<1>().map(|[b]| *b)
    }

    /// Reads a big-endian `u16`.
    ///
    /// # Errors
    ///
    /// `Truncated`.
    pub(crate) fn u16(&mut self) -> Result<u16> {
        self.take_array().map(|b| u16::from_be_bytes(*b))
    }

    /// Reads a big-endian `u32`.
    ///
    /// # Errors
    ///
    /// `Truncated`.
    pub(crate) fn u32(&mut self) -> Result<u32> {
        self.take_array().map(|b| u32::from_be_bytes(*b))
    }

    /// Reads a big-endian `u64`.
    ///
    /// # Errors
    ///
    /// `Truncated`.
    pub(crate) fn u64(&mut self) -> Result<u64> {
        self.take_array().map(|b| u64::from_be_bytes(*b))
    }

    /// Reads a boolean: exactly `0x00` or `0x01`.
    ///
    /// # Errors
    ///
    /// `Truncated`, `NonCanonical` for any other byte.
    pub(crate) fn bool(&mut self) -> Result<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(EncodingError::NonCanonical.into()),
        }
    }

    /// Reads an element count (`u32`) and checks it against `max`. Call it before
    /// allocating anything for the elements.
    ///
    /// # Errors
    ///
    /// `Truncated`, `BadLength` if the count exceeds `max`.
    pub(crate) fn count(&mut self, max: usize) -> Result<usize> {
        let n = self.u32()?;
        match usize::try_from(n) {
            Ok(n) if n <= max => Ok(n),
            _ => Err(EncodingError::BadLength.into()),
        }
    }

    /// Reads a byte string with a `u32` length prefix, borrowing it from the input.
    ///
    /// # Errors
    ///
    /// `BadLength` if the length exceeds `max_len` (checked first), `Truncated` if fewer
    /// bytes remain.
    pub(crate) fn bytes(&mut self, max_len: usize) -> Result<&'a [u8]> {
        let n = self.count(max_len)?;
        self.take(n)
    }

    /// Reads a length-prefixed UTF-8 string of at most `max_len` bytes. Whether the text
    /// is in canonical form (NFC, grammar) is the caller's check.
    ///
    /// # Errors
    ///
    /// As [`Reader::bytes`], and `InvalidText` if it is not UTF-8.
    pub(crate) fn text(&mut self, max_len: usize) -> Result<&'a str> {
        let b = self.bytes(max_len)?;
        core::str::from_utf8(b).map_err(|_| EncodingError::InvalidText.into())
    }

    /// Reads `N` bytes with no length prefix.
    ///
    /// # Errors
    ///
    /// `Truncated`.
    pub(crate) fn fixed<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.take_array().copied()
    }

    /// Reads a G1 point (48 bytes): canonical, on the curve, in the order-r subgroup,
    /// not the identity.
    ///
    /// # Errors
    ///
    /// `Truncated`, `InvalidPoint`, `NotInSubgroup`, `IdentityPoint`.
    pub(crate) fn g1(&mut self) -> Result<G1Affine> {
        Ok(g1_from_compressed_nonidentity(
            self.take_array::<G1_LEN>()?,
        )?)
    }

    /// Reads a G1 point like [`Reader::g1`] but accepts the identity.
    ///
    /// # Errors
    ///
    /// `Truncated`, `InvalidPoint`, `NotInSubgroup`.
    pub(crate) fn g1_allow_identity(&mut self) -> Result<G1Affine> {
        Ok(g1_from_compressed(self.take_array::<G1_LEN>()?)?)
    }

    /// Reads a G2 point (96 bytes): canonical, on the curve, in the order-r subgroup,
    /// not the identity.
    ///
    /// # Errors
    ///
    /// `Truncated`, `InvalidPoint`, `NotInSubgroup`, `IdentityPoint`.
    pub(crate) fn g2(&mut self) -> Result<G2Affine> {
        Ok(g2_from_compressed_nonidentity(
            self.take_array::<G2_LEN>()?,
        )?)
    }

    /// Reads a G2 point like [`Reader::g2`] but accepts the identity.
    ///
    /// # Errors
    ///
    /// `Truncated`, `InvalidPoint`, `NotInSubgroup`.
    pub(crate) fn g2_allow_identity(&mut self) -> Result<G2Affine> {
        Ok(g2_from_compressed(self.take_array::<G2_LEN>()?)?)
    }

    /// Reads a GT element (576 bytes): canonical coefficients, in the order-r subgroup,
    /// not the identity.
    ///
    /// # Errors
    ///
    /// `Truncated`, `InvalidPoint` (a coefficient ≥ q), `NotInSubgroup`, `IdentityPoint`.
    pub(crate) fn gt(&mut self) -> Result<PairingOutput<Bls12_381>> {
        Ok(decode_gt(self.take_array::<GT_LEN>()?)?)
    }

    /// Reads a scalar (32 bytes big-endian), which must be < r.
    ///
    /// # Errors
    ///
    /// `Truncated`, `InvalidScalar`.
    #[cfg(test)] // no v2 object holds a public scalar (see encoding/mod.rs)
    pub(crate) fn scalar(&mut self) -> Result<Fr> {
        Ok(decode_scalar(self.take_array::<SCALAR_LEN>()?)?)
    }

    /// Reads a scalar like [`Reader::scalar`] that must also be non-zero.
    ///
    /// # Errors
    ///
    /// `Truncated`, `InvalidScalar` (≥ r or zero).
    #[cfg(test)] // no v2 object holds a public scalar (see encoding/mod.rs)
    pub(crate) fn nonzero_scalar(&mut self) -> Result<Fr> {
        let s = self.scalar()?;
        if s.is_zero() {
            return Err(EncodingError::InvalidScalar.into());
        }
        Ok(s)
    }

    /// The number of unread bytes.
    #[cfg(test)] // the tests check what a decoder left unread
    pub(crate) fn remaining(&self) -> usize {
        self.rest.len()
    }

    /// Ends decoding.
    ///
    /// # Errors
    ///
    /// `TrailingBytes` if any input is left.
    pub(crate) fn finish(self) -> Result<()> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(EncodingError::TrailingBytes.into())
        }
    }
}
