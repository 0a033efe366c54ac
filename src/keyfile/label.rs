//! The label line inside a key file's age payload: `cipherchart-key-file 1 <type>\n`.
//!
//! The label has its own version (`1`), independent of the wire format's: the key's
//! encoding after it carries its own header and version, checked by its decoder. An
//! unknown label (prefix, version or type) is `Malformed`; a known type other than the one
//! asked for is `WrongKeyType` (`docs/keyfiles.md`).

use crate::error::{KeyFileError, Result};

/// The label's prefix and version.
const PREFIX: &[u8] = b"cipherchart-key-file 1 ";

/// The kind of secret key a key file holds (the `<type>` of its label).
///
/// `pub` only so that the sealed trait behind `KeyFile` can name it; the module is private.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(clippy::enum_variant_names)] // The variants are the names of the key types.
pub enum KeyType {
    /// An authority's master secret key (`Authority`; only through `hazmat`).
    MasterKey,
    /// A user's decryption key (`UserKey`).
    UserKey,
    /// A proxy re-encryption key (`ReKey`).
    ReKey,
    /// A one-grant delegation key (`DelegationKey`).
    DelegationKey,
    /// A BLS signing key (`BlsSigningKey`).
    BlsSigningKey,
}

impl KeyType {
    /// Every key type, in a fixed order.
    pub(crate) const ALL: &'static [Self] = &[
        Self::MasterKey,
        Self::UserKey,
        Self::ReKey,
        Self::DelegationKey,
        Self::BlsSigningKey,
    ];

    /// The type's name in the label (stable: part of the file format).
    pub(crate) const fn label(self) -> &'static str {
        match self {
            Self::MasterKey => "master-key",
            Self::UserKey => "user-key",
            Self::ReKey => "rekey",
            Self::DelegationKey => "delegation-key",
            Self::BlsSigningKey => "bls-signing-key",
        }
    }

    /// The wire-format tag the key's encoding opens with (`docs/formats.md`), or `None`
    /// for the raw 32-byte BLS scalar, which has no object header.
    pub(crate) const fn object_tag(self) -> Option<u8> {
        use crate::encoding::ObjectType;
        match self {
            Self::MasterKey => Some(ObjectType::MasterKey.tag()),
            Self::UserKey => Some(ObjectType::UserKey.tag()),
            Self::ReKey => Some(ObjectType::ReKey.tag()),
            Self::DelegationKey => Some(ObjectType::DelegationKey.tag()),
            Self::BlsSigningKey => None,
        }
    }
}

/// Writes the label line for `kind` followed by `key` into `out`, which the caller sized
/// (a zeroizing buffer: `key` is secret).
#[cfg_attr(not(feature = "keyfile"), allow(dead_code))]
pub(crate) fn write(kind: KeyType, key: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(PREFIX);
    out.extend_from_slice(kind.label().as_bytes());
    out.push(b'\n');
    out.extend_from_slice(key);
}

/// The label's length for `kind`, newline included.
#[cfg_attr(not(feature = "keyfile"), allow(dead_code))]
pub(crate) const fn len(kind: KeyType) -> usize {
    PREFIX.len() + kind.label().len() + 1
}

/// Splits a decrypted payload into its key type and the key's encoding, and checks that
/// the type is `expected` and agrees with the encoding's object tag.
///
/// # Errors
///
/// `Malformed` for a label that does not parse or names an unknown type, or whose type
/// disagrees with the encoding's tag; `WrongKeyType` for a known type other than
/// `expected`.
#[cfg_attr(not(feature = "keyfile"), allow(dead_code))]
pub(crate) fn parse(payload: &[u8], expected: KeyType) -> Result<&[u8]> {
    let rest = payload
        .strip_prefix(PREFIX)
        .ok_or(KeyFileError::Malformed)?;
    // The type is short ASCII; look for the newline only in the first bytes, so that a
    // key encoding holding 0x0a is never mistaken for the end of the label.
    let longest = KeyType::ALL
        .iter()
        .map(|k| k.label().len())
        .max()
        .unwrap_or(0);
    let end = rest
        .iter()
        .take(longest + 1)
        .position(|&b| b == b'\n')
        .ok_or(KeyFileError::Malformed)?;
    let (name, key) = (&rest[..end], &rest[end + 1..]);
    let kind = KeyType::ALL
        .iter()
        .copied()
        .find(|k| k.label().as_bytes() == name)
        .ok_or(KeyFileError::Malformed)?;
    if kind != expected {
        return Err(KeyFileError::WrongKeyType.into());
    }
    // The encoding must be the kind the label names: its object header's tag, or for the
    // BLS scalar (no header) its exact length. A mismatch is a file that lies about itself.
    let agrees = match kind.object_tag() {
        Some(tag) => key.len() >= 4 && key[..2] == crate::encoding::MAGIC && key[2] == tag,
        None => key.len() == crate::sig::SECRET_KEY_LEN,
    };
    if !agrees {
        return Err(KeyFileError::Malformed.into());
    }
    Ok(key)
}
