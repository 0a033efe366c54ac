//! Domain separation tags, one per purpose.
//!
//! Every tag starts with `CIPHERCHART-V01-` (library and format version), names its
//! purpose, and ends with `-with-<suite>` where a standard suite or expander is used:
//! `BLS12381G1_XMD:SHA-256_SSWU_RO_` for hashing to G1, and RFC 9380's own name for
//! `expand_message_xmd` with SHA-256 at 128-bit security, `expander-SHA256-128`, for
//! [`hash_to_scalars`](super::hash_to_scalars) and
//! [`expand_message_xmd`](super::expand_message_xmd). No tag is a prefix of another, so
//! they stay distinct even where a module uses one as a raw prefix rather than as an
//! RFC 9380 DST (which is length-suffixed anyway).

/// H1 of FAME: the attribute points W(y,l,t) and column points U(j,l,t) in G1.
pub(crate) const FAME_G1: &[u8] = b"CIPHERCHART-V01-FAME-H1-with-BLS12381G1_XMD:SHA-256_SSWU_RO_";

/// G of the FO transform: `μ ‖ ⟨P⟩ ‖ ctx → (s1, s2)`, with `hash_to_scalars::<2>`.
pub(crate) const FO_COINS: &[u8] = b"CIPHERCHART-V01-FO-COINS-with-expander-SHA256-128";

/// F of the FO transform: canonical bytes of the GT element Z → 32-byte mask of μ, with
/// `expand_message_xmd(.., 32)`.
pub(crate) const FO_MASK: &[u8] = b"CIPHERCHART-V01-FO-MASK-with-expander-SHA256-128";

/// The record key: `μ ‖ SHA-256(Hdr) ‖ ctx → K` (32 bytes, more for stream subkeys), with
/// `expand_message_xmd`.
pub(crate) const KDF: &[u8] = b"CIPHERCHART-V01-KDF-with-expander-SHA256-128";

/// H_z of re-encryption: capsule seed w → blinding scalar z (`hash_to_scalar`; the
/// caller rejects z = 0).
pub(crate) const REKEY_BLIND: &[u8] = b"CIPHERCHART-V01-REKEY-BLIND-with-expander-SHA256-128";

/// The proof chain: framing of entry hashes and signed entries.
pub(crate) const CHAIN: &[u8] = b"CIPHERCHART-V01-CHAIN";

/// Consent tokens: framing of signed token blocks.
pub(crate) const CONSENT: &[u8] = b"CIPHERCHART-V01-CONSENT";

/// Every tag above, for the tests that check they are distinct and well formed.
#[cfg(test)]
pub(crate) const ALL: &[&[u8]] = &[FAME_G1, FO_COINS, FO_MASK, KDF, REKEY_BLIND, CHAIN, CONSENT];
