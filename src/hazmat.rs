//! **Hazardous materials**: raw secret-key bytes and the low-level hashing under
//! cipherchart's BLS signatures, for backups, interoperability and running the RFC 9380 and
//! Ethereum test suites.
//!
//! ⚠️ **This module is behind the `hazmat` cargo feature, is not covered by semver, and
//! is easy to misuse.** Nothing here is needed to sign, verify, encrypt or decrypt; the
//! rest of the crate never takes a point or a tag from here.
//!
//! # Raw secret keys: [`SecretKeyBytes`]
//!
//! The two keys that never travel in the protocol have no codec on their types: the
//! authority's master key ([`Authority`]) and a BLS signing key ([`BlsSigningKey`]). Their
//! raw bytes come and go only through this trait, in buffers wiped on drop. Whoever holds
//! a master key's bytes can issue keys for any attribute and open every record of that
//! authority; whoever holds a signing key's bytes can sign as it. Store them encrypted, in
//! an HSM or offline, and never log them. (User keys, delegation keys and re-keys are
//! protocol messages, from the authority to a user and from a patient to a proxy: their
//! `to_bytes`/`from_bytes` are on the types.)
//!
//! # Hashing to the curve
//!
//! * **The domain separation tag is yours.** Hashing under another protocol's tag makes
//!   your outputs that protocol's inputs (a signature on `H(m)` under
//!   [`SIG_DST`](crate::SIG_DST) *is* a BLS signature on `m`). Use a tag that names
//!   your protocol and version (RFC 9380 §3.1); the RFC's `QUUX-V01-CS02-…` tags are for
//!   test vectors only. An empty tag is refused.
//! * **Never hash secrets to the curve.** The SSWU map computes square roots and
//!   inversions in variable time ([`expand_message_xmd`] alone is constant time).
//! * **`encode_to_*` is not a random oracle** (RFC 9380 §2.2.2, the `_NU_` suites): its
//!   output is not uniform, and protocols that need a random oracle, such as BLS
//!   signatures, must use `hash_to_*`.
//!
//! Points are returned in the Zcash / Ethereum compressed encoding (48 bytes for G1,
//! 96 for G2), the encoding [`BlsPublicKey`](crate::BlsPublicKey) and
//! [`BlsSignature`](crate::BlsSignature) use. Every output is in the prime-order
//! subgroup (the cofactor is cleared).
//!
//! ```
//! use cipherchart::hazmat::{hash_to_g2, SecretKeyBytes};
//! use cipherchart::{BlsSigningKey, SIG_DST};
//!
//! // BLS signing is `sk · hash_to_g2(msg, SIG_DST)`; the key `1` shows the hash itself.
//! let mut one = [0u8; 32];
//! one[31] = 1;
//! let sk = BlsSigningKey::from_secret_bytes(&one)?;
//! assert_eq!(sk.sign(b"abc").to_bytes(), hash_to_g2(b"abc", SIG_DST)?);
//! assert_eq!(sk.to_secret_bytes().as_slice(), &one[..]);
//! # Ok::<(), cipherchart::Error>(())
//! ```

use zeroize::Zeroizing;

use crate::abe::Authority;
use crate::encoding::{encode_g1, encode_g2};
use crate::error::Result;
use crate::hash;
use crate::sig::BlsSigningKey;

/// Raw secret-key bytes, for the keys that have no codec on their types (see the
/// [module docs](self)): [`Authority`] (the master key, `docs/formats.md` "MasterKey") and
/// [`BlsSigningKey`] (the 32-byte big-endian scalar, "BlsSecretKey"). Sealed: implemented
/// only here.
///
/// ```
/// use cipherchart::hazmat::SecretKeyBytes;
/// use cipherchart::{rand_core::OsRng, Authority};
///
/// let authority = Authority::setup(&mut OsRng);
/// let backup = authority.to_secret_bytes(); // wiped on drop: store it encrypted
/// let restored = Authority::from_secret_bytes(&backup)?;
/// assert_eq!(restored.public_key(), authority.public_key());
/// # Ok::<(), cipherchart::Error>(())
/// ```
pub trait SecretKeyBytes: Sized + sealed::Sealed {
    /// The buffer of the secret bytes: `Vec<u8>` for a master key, `[u8; 32]` for a BLS
    /// signing key.
    type Bytes: AsRef<[u8]> + zeroize::Zeroize;

    /// The key's secret bytes, in a buffer wiped on drop. Whoever holds them holds the key.
    fn to_secret_bytes(&self) -> Zeroizing<Self::Bytes>;

    /// Decodes a key from [`to_secret_bytes`](Self::to_secret_bytes)'s bytes, in constant
    /// time, with every check of its format (a master key's public key is recomputed).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`](crate::Error::InvalidEncoding) for malformed bytes (a
    /// zero or out-of-range scalar, a point off the curve or the subgroup, a wrong length,
    /// header or version).
    fn from_secret_bytes(bytes: &[u8]) -> Result<Self>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::abe::Authority {}
    impl Sealed for crate::sig::BlsSigningKey {}
}

impl SecretKeyBytes for Authority {
    type Bytes = Vec<u8>;

    fn to_secret_bytes(&self) -> Zeroizing<Vec<u8>> {
        self.export_master_key()
    }

    fn from_secret_bytes(bytes: &[u8]) -> Result<Self> {
        Authority::import_master_key(bytes)
    }
}

impl SecretKeyBytes for BlsSigningKey {
    type Bytes = [u8; crate::sig::SECRET_KEY_LEN];

    fn to_secret_bytes(&self) -> Zeroizing<Self::Bytes> {
        self.to_bytes()
    }

    fn from_secret_bytes(bytes: &[u8]) -> Result<Self> {
        BlsSigningKey::from_bytes(bytes)
    }
}

/// Hashes `msg` to G2 with the RFC 9380 suite `BLS12381G2_XMD:SHA-256_SSWU_RO_` under
/// `dst` (`hash_to_curve`, a random oracle): 96 compressed bytes. With
/// [`SIG_DST`](crate::SIG_DST) this is the draft's `hash_to_point` of BLS signatures.
///
/// Variable time: never pass secrets.
///
/// # Errors
///
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) if `dst` is empty.
pub fn hash_to_g2(msg: &[u8], dst: &[u8]) -> Result<[u8; 96]> {
    Ok(encode_g2(&hash::hash_to_g2(dst, msg)?))
}

/// Hashes `msg` to G1 with the RFC 9380 suite `BLS12381G1_XMD:SHA-256_SSWU_RO_` under
/// `dst` (`hash_to_curve`): 48 compressed bytes.
///
/// Variable time: never pass secrets.
///
/// # Errors
///
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) if `dst` is empty.
pub fn hash_to_g1(msg: &[u8], dst: &[u8]) -> Result<[u8; 48]> {
    Ok(encode_g1(&hash::hash_to_g1(dst, msg)?))
}

/// Encodes `msg` to G2 with the RFC 9380 suite `BLS12381G2_XMD:SHA-256_SSWU_NU_` under
/// `dst` (`encode_to_curve`): **not a random oracle**, for test vectors and protocols
/// that specify it.
///
/// Variable time: never pass secrets.
///
/// # Errors
///
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) if `dst` is empty.
pub fn encode_to_g2(msg: &[u8], dst: &[u8]) -> Result<[u8; 96]> {
    Ok(encode_g2(&hash::encode_to_g2(dst, msg)?))
}

/// Encodes `msg` to G1 with the RFC 9380 suite `BLS12381G1_XMD:SHA-256_SSWU_NU_` under
/// `dst` (`encode_to_curve`): **not a random oracle**.
///
/// Variable time: never pass secrets.
///
/// # Errors
///
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) if `dst` is empty.
pub fn encode_to_g1(msg: &[u8], dst: &[u8]) -> Result<[u8; 48]> {
    Ok(encode_g1(&hash::encode_to_g1(dst, msg)?))
}

/// RFC 9380 §5.3.1 `expand_message_xmd` with SHA-256: `len_in_bytes` uniform bytes from
/// `msg` under `dst` (a DST longer than 255 bytes is hashed first, §5.3.3). Constant time
/// in `msg`.
///
/// # Errors
///
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) if `dst` is empty or
/// `len_in_bytes` is 0 or above 8160 (`ell > 255`).
pub fn expand_message_xmd(msg: &[u8], dst: &[u8], len_in_bytes: usize) -> Result<Vec<u8>> {
    hash::expand_message_xmd(&[msg], dst, len_in_bytes)
}

/// The constant-time layer itself (`src/ct`), for the valgrind harness in `ctcheck/`, the
/// dudect and criterion benchmarks and the constant-time tests: secret field elements and
/// points, their arithmetic, the pairing, the declassification hook and the stack wipe.
/// Only under the internal `ctcheck` feature: not an API, never enable it in production.
#[cfg(feature = "ctcheck")]
#[doc(hidden)]
pub mod ct {
    pub use crate::ct::*;
}
