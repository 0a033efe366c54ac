//! The encoder: appends canonical fields to a byte buffer.

use core::fmt;

#[cfg(test)]
use ark_bls12_381::Fr;
use ark_bls12_381::{Bls12_381, G1Affine, G2Affine};
use ark_ec::pairing::PairingOutput;
use zeroize::Zeroize;

#[cfg(test)]
use super::encode_scalar;
use super::{encode_g1, encode_g2, encode_gt, ObjectType};

/// Builds one encoding, field by field. Infallible: every value has exactly one
/// encoding.
///
/// Lengths and counts are written as `u32`. Callers bound them by the limits of
/// `docs/formats.md` (all far below 2³²) before encoding; a larger value is written as
/// `u32::MAX`, above every limit a reader accepts, so it is rejected, never misparsed.
///
/// The buffer is zeroized if the writer is dropped unfinished (it may hold secrets).
pub(crate) struct Writer {
    buf: Vec<u8>,
}

impl fmt::Debug for Writer {
    // The buffer may hold secret key material: show only its length.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer")
            .field("len", &self.buf.len())
            .finish_non_exhaustive()
    }
}

impl Writer {
    /// Starts a top-level object: writes the header (magic, `kind`'s tag, version).
    pub(crate) fn new(kind: ObjectType) -> Self {
        Self::with_capacity(kind, 0)
    }

    /// Like [`Writer::new`], reserving `capacity` bytes in total. Encoders of secret
    /// keys pass the exact size, so that no reallocation leaves a partial copy behind
    /// (the caller wraps the finished buffer in `Zeroizing`).
    pub(crate) fn with_capacity(kind: ObjectType, capacity: usize) -> Self {
        Self::with_capacity_at(kind, super::FORMAT_VERSION, capacity)
    }

    /// [`Writer::with_capacity`] at format `version` (secret v3 objects: sized once).
    pub(crate) fn with_capacity_at(kind: ObjectType, version: u8, capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(capacity.max(super::HEADER_LEN));
        buf.extend_from_slice(&kind.header_at(version));
        Self { buf }
    }

    /// Starts a top-level object at format `version` (v3 objects, `docs/revocation-v3.md`
    /// §11): writes the header with that version byte.
    pub(crate) fn at_version(kind: ObjectType, version: u8) -> Self {
        Self::with_capacity_at(kind, version, 0)
    }

    /// Starts a header-less payload (nested in another object, or a signed message).
    pub(crate) fn raw() -> Self {
        Self { buf: Vec::new() }
    }

    /// Appends one byte.
    pub(crate) fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    /// Appends a `u16`, big-endian.
    pub(crate) fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    /// Appends a `u32`, big-endian.
    pub(crate) fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    /// Appends a `u64`, big-endian.
    pub(crate) fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    /// Appends a boolean as one byte, `0x00` or `0x01`.
    #[cfg(test)] // no v2 field is a bare boolean; the tests pin its encoding
    pub(crate) fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }

    /// Appends an element count (`u32`, big-endian); read back with
    /// [`Reader::count`](super::Reader::count).
    pub(crate) fn count(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }

    /// Appends a byte string with a `u32` big-endian length prefix.
    pub(crate) fn bytes(&mut self, v: &[u8]) {
        self.count(v.len());
        self.buf.extend_from_slice(v);
    }

    /// Appends UTF-8 text as a length-prefixed byte string.
    pub(crate) fn text(&mut self, v: &str) {
        self.bytes(v.as_bytes());
    }

    /// Appends bytes as they are, without a length prefix (fixed-size fields).
    pub(crate) fn fixed(&mut self, v: &[u8]) {
        self.buf.extend_from_slice(v);
    }

    /// Appends a G1 point, 48 bytes, Zcash compressed format.
    pub(crate) fn g1(&mut self, p: &G1Affine) {
        self.fixed(&encode_g1(p));
    }

    /// Appends a G2 point, 96 bytes, Zcash compressed format.
    pub(crate) fn g2(&mut self, p: &G2Affine) {
        self.fixed(&encode_g2(p));
    }

    /// Appends a GT element, 576 bytes: arkworks' Fq12 serialisation (see
    /// `docs/formats.md`).
    pub(crate) fn gt(&mut self, z: &PairingOutput<Bls12_381>) {
        self.fixed(&encode_gt(z));
    }

    /// Appends a scalar, 32 bytes big-endian.
    #[cfg(test)] // no v2 object holds a public scalar (see encoding/mod.rs)
    pub(crate) fn scalar(&mut self, s: &Fr) {
        self.fixed(&encode_scalar(s));
    }

    /// The number of bytes written so far (header included).
    #[cfg(test)] // the tests check encoded lengths as they grow
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// The finished encoding.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        core::mem::take(&mut self.buf)
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}
