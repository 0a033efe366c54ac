//! Canonical, versioned wire format helpers.
//!
//! Every encoding the library emits or accepts is built with [`Writer`] and parsed with
//! [`Reader`]; `docs/formats.md` specifies each byte. The rules, in short:
//!
//! - a top-level object starts with a 4-byte header: the magic `b"CC"`, an
//!   [`ObjectType`] tag and [`FORMAT_VERSION`]; nested or signed payloads use the
//!   header-less [`Writer::raw`] / [`Reader::raw`];
//! - integers are big-endian; variable-length byte strings and element counts carry a
//!   `u32` big-endian prefix, and every reader call names the largest value it accepts
//!   (checked before anything is allocated);
//! - G1 and G2 points use the Zcash compressed format (48 and 96 bytes), GT elements
//!   arkworks' 576-byte Fq12 serialisation, scalars 32 bytes big-endian;
//! - decoding is strict: there is exactly one accepted encoding of every value, points
//!   must be on the curve, in the prime-order subgroup and (unless the method says
//!   otherwise) not the identity, and nothing may follow a complete object.
//!
//! Every failure is an [`Error::InvalidEncoding`](crate::Error::InvalidEncoding) with a
//! typed [`EncodingError`](crate::EncodingError); no input makes a decoder panic.

pub(crate) mod base64;
mod curve;
mod gt;
mod hex;
mod reader;
// Scalar fields: no v2 object holds a public scalar (secret scalars are decoded by the
// constant-time layer); kept, tested, for the formats that will.
#[cfg(test)]
mod scalar;
mod writer;

#[cfg(test)]
mod tests;

pub(crate) use curve::{
    encode_g1, encode_g1_eip2537, encode_g2, encode_g2_eip2537, g1_from_compressed,
    g1_from_compressed_nonidentity, g2_from_compressed, g2_from_compressed_nonidentity,
    G1_EIP2537_LEN, G1_LEN, G2_EIP2537_LEN, G2_LEN,
};
pub(crate) use gt::{decode_gt, encode_gt, GT_LEN};
pub(crate) use hex::hex_prefix;
pub(crate) use reader::Reader;
#[cfg(test)]
pub(crate) use scalar::{decode_scalar, encode_scalar, SCALAR_LEN};
pub(crate) use writer::Writer;

#[cfg(test)]
use crate::error::{EncodingError, Result};

/// The two magic bytes that open every top-level object (`"CC"`, for cipherchart).
pub(crate) const MAGIC: [u8; 2] = *b"CC";

/// The wire-format version of every v2 object, the one the library writes unless a
/// v3 object is asked for.
pub(crate) const FORMAT_VERSION: u8 = 2;

/// Format v3 (`docs/revocation-v3.md` §11): objects that carry attribute versions
/// (sealed records sealed under a notice, keys issued under one, version notices). A
/// v3 reader reads the v2 form of a changed object as "every attribute at version 0"
/// (§12).
pub(crate) const FORMAT_VERSION_V3: u8 = 3;

/// Length of the header of a top-level object: magic, type tag, version.
pub(crate) const HEADER_LEN: usize = 4;

/// The kind of a top-level object, written as the third header byte.
///
/// Tags are stable: a tag, once published, always names the same kind of object.
/// `0x01..=0x0f` are the encryption objects, `0x10..` signatures, `0x20..` consent,
/// `0x30..` the proof chain.
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ObjectType {
    /// A FAME public key.
    PublicKey = 0x01,
    /// A FAME master secret key.
    #[cfg_attr(not(feature = "hazmat"), allow(dead_code))] // Reached only through `hazmat`.
    MasterKey = 0x02,
    /// A FAME user (decryption) key.
    UserKey = 0x03,
    /// A sealed record: KEM header and AEAD body.
    SealedRecord = 0x04,
    /// A proxy re-encryption key.
    ReKey = 0x05,
    /// The header of a chunked (STREAM) encryption.
    StreamHeader = 0x06,
    /// The KEM header of an IoT session / epoch.
    SessionHeader = 0x07,
    /// One record of an IoT session.
    SessionRecord = 0x08,
    /// A one-grant delegation key (makes one re-key).
    DelegationKey = 0x09,
    /// A BLS public key (G1).
    BlsPublicKey = 0x10,
    /// A BLS signature (G2).
    BlsSignature = 0x11,
    /// A consent token.
    ConsentToken = 0x20,
    /// A proof-chain entry.
    ChainEntry = 0x30,
    /// A signed proof-chain checkpoint.
    Checkpoint = 0x31,
    /// A Merkle inclusion proof.
    InclusionProof = 0x32,
    /// A Merkle consistency proof.
    ConsistencyProof = 0x33,
    /// A version notice (format v3 only, `docs/revocation-v3.md` §11.2).
    VersionNotice = 0x41,
    /// The trailer of a closed session or stream (format v3 only, §11.8).
    Trailer = 0x43,
}

impl ObjectType {
    /// Every object type, in tag order.
    #[cfg(test)] // only the tests decode object headers generically
    pub(crate) const ALL: [Self; 18] = [
        Self::PublicKey,
        Self::MasterKey,
        Self::UserKey,
        Self::SealedRecord,
        Self::ReKey,
        Self::StreamHeader,
        Self::SessionHeader,
        Self::SessionRecord,
        Self::DelegationKey,
        Self::BlsPublicKey,
        Self::BlsSignature,
        Self::ConsentToken,
        Self::ChainEntry,
        Self::Checkpoint,
        Self::InclusionProof,
        Self::ConsistencyProof,
        Self::VersionNotice,
        Self::Trailer,
    ];

    /// The tag byte of this type.
    pub(crate) const fn tag(self) -> u8 {
        self as u8
    }

    /// The type with this tag, if the tag is assigned.
    #[cfg(test)] // only the tests decode object headers generically
    pub(crate) fn from_tag(tag: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.tag() == tag)
    }

    /// The 4-byte header that opens a v2 object of this type.
    #[cfg(test)] // the writers use `header_at`; the tests compare against this
    pub(crate) const fn header(self) -> [u8; HEADER_LEN] {
        self.header_at(FORMAT_VERSION)
    }

    /// The 4-byte header that opens an object of this type at format `version`.
    pub(crate) const fn header_at(self, version: u8) -> [u8; HEADER_LEN] {
        [MAGIC[0], MAGIC[1], self.tag(), version]
    }
}

/// The type of the top-level object in `bytes`, read from its header without parsing
/// the rest (for callers that accept several kinds, like a generic `load`).
///
/// # Errors
///
/// `Truncated` if `bytes` is shorter than a header, `WrongType` for a bad magic or an
/// unassigned tag, `UnsupportedVersion` for a version other than [`FORMAT_VERSION`].
#[cfg(test)] // no caller accepts several kinds yet; the tests pin its behaviour
pub(crate) fn peek_type(bytes: &[u8]) -> Result<ObjectType> {
    let Some(([m0, m1, tag, version], _)) = bytes.split_first_chunk::<HEADER_LEN>() else {
        return Err(EncodingError::Truncated.into());
    };
    if [*m0, *m1] != MAGIC {
        return Err(EncodingError::WrongType.into());
    }
    let kind = ObjectType::from_tag(*tag).ok_or(EncodingError::WrongType)?;
    if *version != FORMAT_VERSION {
        return Err(EncodingError::UnsupportedVersion.into());
    }
    Ok(kind)
}
