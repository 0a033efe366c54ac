//! `serde` support for the public wire types (feature `serde`).
//!
//! Each type serializes as its canonical encoding (`to_bytes`, `docs/formats.md`) and
//! deserializes through `from_bytes`, so a deserialized value has passed every check a
//! decoded one does (points on the curve and in the subgroup, canonical text, limits,
//! signatures' structure): a tampered value fails to deserialize, with the decoder's error
//! in the message. Human-readable formats (JSON, TOML, YAML) get a standard base64 string
//! (RFC 4648 §4, padded, canonical: anything else is refused), except [`Policy`], whose
//! encoding is its canonical text and which is that string; binary formats (postcard,
//! bincode, CBOR) get the bytes.
//!
//! Secret types are deliberately not here: [`UserKey`](crate::UserKey),
//! [`DelegationKey`](crate::DelegationKey), [`ReKey`](crate::ReKey),
//! [`BlsSigningKey`](crate::BlsSigningKey) and [`Authority`](crate::Authority). A derive
//! on a struct that holds one would put the secret into logs, caches, JSON APIs and
//! config dumps without anyone having asked for it; their explicit, zeroizing
//! `to_bytes` (`hazmat::SecretKeyBytes::to_secret_bytes` for the master and signing keys) is where a secret leaves the
//! library, and the code doing it stays easy to find in review. Wrap such a field with
//! `#[serde(with = …)]` of your own if you really mean to.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::encoding::base64::{self, Alphabet};
use crate::policy::Policy;

/// How a human-readable format writes the encoding.
#[derive(Clone, Copy)]
enum Text {
    /// Standard base64 of the bytes.
    Base64,
    /// The bytes are UTF-8 text: written as they are.
    Utf8,
}

/// Serializes `bytes` as a base64 string (human-readable formats) or as bytes.
fn serialize_bytes<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    if serializer.is_human_readable() {
        serializer.serialize_str(&base64::encode(bytes, Alphabet::Standard))
    } else {
        serializer.serialize_bytes(bytes)
    }
}

/// The bytes of a serialized value: a base64 string or bytes (or a sequence of `u8`,
/// for formats that write bytes as one).
struct BytesVisitor {
    human_readable: bool,
    text: Text,
    what: &'static str,
}

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.human_readable {
            match self.text {
                Text::Base64 => write!(f, "a {} as a base64 string", self.what),
                Text::Utf8 => write!(f, "a {} as a string", self.what),
            }
        } else {
            write!(f, "a {} as bytes", self.what)
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
        if let Text::Utf8 = self.text {
            return Ok(v.as_bytes().to_vec());
        }
        base64::decode(v, Alphabet::Standard)
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
        Ok(v.to_vec())
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
        Ok(v)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        while let Some(b) = seq.next_element::<u8>()? {
            out.push(b);
        }
        Ok(out)
    }
}

/// Reads the bytes of a `what` and decodes them with `from_bytes`.
fn deserialize_with<'de, D, T>(
    deserializer: D,
    what: &'static str,
    text: Text,
    from_bytes: impl FnOnce(&[u8]) -> crate::Result<T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let human_readable = deserializer.is_human_readable();
    let visitor = BytesVisitor {
        human_readable,
        text,
        what,
    };
    let bytes = if human_readable {
        deserializer.deserialize_str(visitor)?
    } else {
        deserializer.deserialize_bytes(visitor)?
    };
    from_bytes(&bytes).map_err(|e| de::Error::custom(format_args!("invalid {what}: {e}")))
}

/// `Serialize` and `Deserialize` through `to_bytes` and `from_bytes`.
macro_rules! serde_by_bytes {
    ($($ty:ty => $what:literal,)*) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serialize_bytes(self.to_bytes().as_ref(), serializer)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_with(deserializer, $what, Text::Base64, <$ty>::from_bytes)
            }
        }
    )*};
}

serde_by_bytes! {
    crate::abe::PublicKey => "cipherchart public key",
    crate::record::SealedRecord => "cipherchart sealed record",
    crate::record::session::SessionHeader => "cipherchart session header",
    crate::record::session::SessionRecord => "cipherchart session record",
    crate::sig::BlsPublicKey => "cipherchart BLS public key",
    crate::sig::BlsSignature => "cipherchart BLS signature",
    crate::consent::ConsentToken => "cipherchart consent token",
    crate::consent::RevocationId => "cipherchart revocation id",
    crate::chain::Entry => "cipherchart chain entry",
    crate::chain::Checkpoint => "cipherchart checkpoint",
    crate::chain::ProofFile => "cipherchart proof file",
    crate::chain::ConsistencyProof => "cipherchart consistency proof",
}

/// The canonical text in human-readable formats, its bytes (the same) in binary ones.
impl Serialize for Policy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_str(self.as_str())
        } else {
            serializer.serialize_bytes(self.as_str().as_bytes())
        }
    }
}

/// Through [`Policy::from_bytes`]: only the canonical text is accepted (parse other text
/// with [`Policy::parse`]).
impl<'de> Deserialize<'de> for Policy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_with(
            deserializer,
            "cipherchart policy",
            Text::Utf8,
            Policy::from_bytes,
        )
    }
}
