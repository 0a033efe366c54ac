//! **Hazardous materials**: the low-level hashing under cipherchart's BLS signatures, for
//! running the RFC 9380 and Ethereum test suites and for interoperability work.
//!
//! ⚠️ **This module is behind the `hazmat` cargo feature, is not covered by semver, and
//! is easy to misuse.** Nothing here is needed to sign, verify, encrypt or decrypt; the
//! rest of the crate never takes a point or a tag from here. In particular:
//!
//! * **The domain separation tag is yours.** Hashing under another protocol's tag makes
//!   your outputs that protocol's inputs (a signature on `H(m)` under
//!   [`SIG_DST`](crate::sig::SIG_DST) *is* a BLS signature on `m`). Use a tag that names
//!   your protocol and version (RFC 9380 §3.1); the RFC's `QUUX-V01-CS02-…` tags are for
//!   test vectors only. An empty tag is refused.
//! * **Never hash secrets to the curve.** The SSWU map computes square roots and
//!   inversions in variable time ([`expand_message_xmd`] alone is constant time).
//! * **`encode_to_*` is not a random oracle** (RFC 9380 §2.2.2, the `_NU_` suites): its
//!   output is not uniform, and protocols that need a random oracle, such as BLS
//!   signatures, must use `hash_to_*`.
//!
//! Points are returned in the Zcash / Ethereum compressed encoding (48 bytes for G1,
//! 96 for G2), the encoding [`sig::PublicKey`](crate::sig::PublicKey) and
//! [`sig::Signature`](crate::sig::Signature) use. Every output is in the prime-order
//! subgroup (the cofactor is cleared).
//!
//! ```
//! use cipherchart::hazmat::hash_to_g2;
//! use cipherchart::sig::{SigningKey, SIG_DST};
//!
//! // BLS signing is `sk · hash_to_g2(msg, SIG_DST)`; the key `1` shows the hash itself.
//! let mut one = [0u8; 32];
//! one[31] = 1;
//! let sk = SigningKey::from_bytes(&one)?;
//! assert_eq!(sk.sign(b"abc").to_bytes(), hash_to_g2(b"abc", SIG_DST)?);
//! # Ok::<(), cipherchart::Error>(())
//! ```

use crate::encoding::{encode_g1, encode_g2};
use crate::error::Result;
use crate::hash;

/// Hashes `msg` to G2 with the RFC 9380 suite `BLS12381G2_XMD:SHA-256_SSWU_RO_` under
/// `dst` (`hash_to_curve`, a random oracle): 96 compressed bytes. With
/// [`SIG_DST`](crate::sig::SIG_DST) this is the draft's `hash_to_point` of BLS signatures.
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
