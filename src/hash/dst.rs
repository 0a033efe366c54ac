//! Domain separation tags, one per purpose.
//!
//! Every tag starts with `CIPHERCHART-V01-` (library and format version), names its
//! purpose, and ends with `-with-<suite>` where a standard suite or expander is used:
//! `BLS12381G1_XMD:SHA-256_SSWU_RO_` for hashing to G1, and RFC 9380's own name for
//! `expand_message_xmd` with SHA-256 at 128-bit security, `expander-SHA256-128`, for
//! [`hash_to_scalars`](super::hash_to_scalars) and
//! [`expand_message_xmd`](super::expand_message_xmd), `HKDF-SHA256` where the tag is an
//! HKDF salt, `SHA256` where it prefixes a plain SHA-256 input. No tag is a prefix of another, so
//! they stay distinct even where a module uses one as a raw prefix rather than as an
//! RFC 9380 DST (which is length-suffixed anyway).

/// H1 of FAME: the attribute points W(y,l,t) and column points U(j,l,t) in G1.
pub(crate) const FAME_G1: &[u8] = b"CIPHERCHART-V01-FAME-H1-with-BLS12381G1_XMD:SHA-256_SSWU_RO_";

/// G of the FO transform: `μ ‖ ⟨P⟩ ‖ ctx → (s1, s2)`, with `hash_to_scalars::<2>`.
pub(crate) const FO_COINS: &[u8] = b"CIPHERCHART-V01-FO-COINS-with-expander-SHA256-128";

/// F of the FO transform: canonical bytes of the GT element Z → 32-byte mask of μ, with
/// `expand_message_xmd(.., 32)`.
pub(crate) const FO_MASK: &[u8] = b"CIPHERCHART-V01-FO-MASK-with-expander-SHA256-128";

/// The weights of the FO check's batched row comparison (`docs/security.md` §2.1): the
/// public header digest → `3·rows` weights `a + b·λ`, 16 bytes each (`a`, `b` the
/// big-endian halves), with `expand_message_xmd(.., 48·rows)`.
pub(crate) const FO_CHECK_WEIGHTS: &[u8] =
    b"CIPHERCHART-V01-FO-CHECK-WEIGHTS-with-expander-SHA256-128";

/// The KEM key derivation `KDF(μ ‖ SHA-256(Hdr) ‖ ctx)`: the salt of HKDF-SHA256 with
/// ikm = μ and info = header digest ‖ len32(purpose) ‖ purpose ‖ ctx.
pub(crate) const KDF: &[u8] = b"CIPHERCHART-V01-KDF-with-HKDF-SHA256";

/// The public-key identifier: SHA-256 of this tag ‖ the public key's encoding.
pub(crate) const PUBLIC_KEY_ID: &[u8] = b"CIPHERCHART-V01-PUBLIC-KEY-ID-with-SHA256";

/// The KEM header digest: SHA-256 of this tag ‖ len32(⟨P⟩) ‖ ⟨P⟩ ‖ C0 ‖ rows ‖ c'.
pub(crate) const HEADER_DIGEST: &[u8] = b"CIPHERCHART-V01-HEADER-DIGEST-with-SHA256";

/// A sealed record's AEAD associated data (SHA-256 of this tag ‖ version ‖ header
/// digest ‖ id ‖ metadata).
pub(crate) const RECORD_AD: &[u8] = b"CIPHERCHART-V01-RECORD-AD-with-SHA256";

/// A stream's AEAD associated data (SHA-256 of this tag ‖ the stream header bytes).
pub(crate) const STREAM_AD: &[u8] = b"CIPHERCHART-V01-STREAM-AD-with-SHA256";

/// A session record's subkey: the salt of HKDF-SHA256 over the session key, info = the
/// 64-bit sequence number.
pub(crate) const SESSION_SUBKEY: &[u8] = b"CIPHERCHART-V01-SESSION-SUBKEY-with-HKDF-SHA256";

/// A session record's AEAD associated data (SHA-256 of this tag ‖ header digest ‖
/// sequence ‖ metadata).
pub(crate) const SESSION_AD: &[u8] = b"CIPHERCHART-V01-SESSION-AD-with-SHA256";

/// H_z of re-encryption: capsule seed w → blinding scalar z (`hash_to_scalar`; the
/// caller rejects z = 0).
pub(crate) const REKEY_BLIND: &[u8] = b"CIPHERCHART-V01-REKEY-BLIND-with-expander-SHA256-128";

/// H_z of a cross-authority re-key (`docs/federation.md`): source id, target id and the
/// capsule seed w → blinding scalar z, so a grant's blinding is bound to both
/// authorities.
pub(crate) const REKEY_BLIND_FEDERATED: &[u8] =
    b"CIPHERCHART-V01-REKEY-BLIND-FEDERATED-with-expander-SHA256-128";

/// A proof-chain entry's signed message: this tag as a `u32`-length-prefixed field,
/// then the entry's fields (`docs/formats.md`, proof-chain entry). The BLS suite adds
/// its own DST.
pub(crate) const CHAIN_ENTRY_SIG: &[u8] = b"CIPHERCHART-V01-CHAIN-ENTRY-SIG";

/// A proof-chain entry's hash (the chain link and the Merkle leaf data): SHA-256 of
/// this tag ‖ the entry's encoding.
pub(crate) const CHAIN_ENTRY_HASH: &[u8] = b"CIPHERCHART-V01-CHAIN-ENTRY-HASH-with-SHA256";

/// A checkpoint's signed message (this tag, length-prefixed, ‖ the C2SP note text), and
/// the identifier after the signed-note signature type `0xff` in the log key's id.
pub(crate) const CHECKPOINT_SIG: &[u8] = b"CIPHERCHART-V01-CHECKPOINT-SIG";

/// The checksum of a file-store record: SHA-256 of this tag ‖ u64 index ‖ u32 length ‖
/// payload, truncated to 8 bytes (detects torn and damaged writes, not adversaries).
pub(crate) const STORE_RECORD: &[u8] = b"CIPHERCHART-V01-STORE-RECORD-with-SHA256";

/// A consent-token block's signed message: this tag as a `u32`-length-prefixed field,
/// then the version, block index, previous block's signature and the block payload
/// (`docs/formats.md`, consent token). The BLS suite adds its own DST.
pub(crate) const CONSENT_BLOCK: &[u8] = b"CIPHERCHART-V01-CONSENT-BLOCK";

/// A consent token's holder proof: this tag as a `u32`-length-prefixed field, then the
/// version, block count and the last block's signature, signed by the named holder.
pub(crate) const CONSENT_PROOF: &[u8] = b"CIPHERCHART-V01-CONSENT-PROOF";

/// A consent block's revocation id: SHA-256 of this tag ‖ the block's 96-byte signature.
pub(crate) const CONSENT_REVOCATION_ID: &[u8] =
    b"CIPHERCHART-V01-CONSENT-REVOCATION-ID-with-SHA256";

/// The digest of the re-key a consent authorises: SHA-256 of this tag ‖
/// `ReKey::to_bytes()`.
pub(crate) const CONSENT_REKEY_DIGEST: &[u8] = b"CIPHERCHART-V01-CONSENT-REKEY-DIGEST-with-SHA256";

/// What a re-encryption hop's record capsule commits to: SHA-256 of this tag ‖ the
/// record id, metadata, header digest, hop index, grant id and the hops below.
pub(crate) const HOP_BINDING: &[u8] = b"CIPHERCHART-V01-HOP-BINDING-with-SHA256";

/// The seed of a hop's record capsule: HKDF-SHA256 salt, keyed by the re-key's hop key.
pub(crate) const HOP_SEED: &[u8] = b"CIPHERCHART-V01-HOP-SEED-with-HKDF-SHA256";

// Format v3 (`docs/revocation-v3.md` §11.10). A tag whose v2 input layout changes gets a
// new `-V3` tag rather than a new input inside the old one.

/// G of the FO transform for v3 headers: `pk id ‖ μ ‖ u64 notice serial ‖ u8 flags ‖ VP ‖
/// ctx → (s1, s2)` (§5.3), with `hash_to_scalars::<2>`.
pub(crate) const FO_COINS_V3: &[u8] = b"CIPHERCHART-V01-FO-COINS-V3-with-expander-SHA256-128";

/// The v3 KEM header digest: SHA-256 of this tag ‖ len32 ‖ header encoding (envelope
/// included) ‖ len32 ‖ ctx (§5.3).
pub(crate) const HEADER_DIGEST_V3: &[u8] = b"CIPHERCHART-V01-HEADER-DIGEST-V3-with-SHA256";

/// The HKDF salt of a v3 header's wrap key `K_w` (ikm μ, info pk id ‖ serial ‖ flags ‖
/// VP ‖ ctx), which encrypts the body key `K_b` (§5.3).
pub(crate) const KEY_WRAP: &[u8] = b"CIPHERCHART-V01-KEY-WRAP-with-HKDF-SHA256";

/// The HKDF salt of the body key from `K_b` (info: purpose and stable id, §5.3); it does
/// not depend on the header, so a re-wrap keeps it.
pub(crate) const BODY_KEY: &[u8] = b"CIPHERCHART-V01-BODY-KEY-with-HKDF-SHA256";

/// `key_commitment = SHA-256(this tag ‖ K_b)` (§5.1).
pub(crate) const KEY_COMMITMENT: &[u8] = b"CIPHERCHART-V01-KEY-COMMITMENT-with-SHA256";

/// `body_commitment = SHA-256(this tag ‖ len32 ‖ record id ‖ u64 len ‖ body)` (§5.1).
pub(crate) const BODY_COMMITMENT: &[u8] = b"CIPHERCHART-V01-BODY-COMMITMENT-with-SHA256";

/// `metadata_hash = SHA-256(this tag ‖ metadata)` (§5.1).
pub(crate) const METADATA_HASH: &[u8] = b"CIPHERCHART-V01-METADATA-HASH-with-SHA256";

/// A v3 record's body AD: SHA-256 of this tag ‖ 0x03 ‖ len32 ‖ record id ‖ metadata
/// hash ‖ key commitment (§5.3); not the header digest, so a re-wrap keeps it.
pub(crate) const RECORD_AD_V3: &[u8] = b"CIPHERCHART-V01-RECORD-AD-V3-with-SHA256";

/// A v3 session record's AD: SHA-256 of this tag ‖ len32 ‖ session id ‖ key commitment ‖
/// u64 sequence ‖ len32 ‖ metadata (`docs/revocation-v3.md` §6.1); not the header digest,
/// so a re-wrapped header keeps every record valid.
pub(crate) const SESSION_AD_V3: &[u8] = b"CIPHERCHART-V01-SESSION-AD-V3-with-SHA256";

/// A v3 stream chunk's AD: SHA-256 of this tag ‖ len32 ‖ stream id ‖ key commitment ‖
/// u32 chunk size ‖ metadata hash (`docs/revocation-v3.md` §6.1); not the header's bytes,
/// so a re-wrapped header keeps every chunk valid.
pub(crate) const STREAM_AD_V3: &[u8] = b"CIPHERCHART-V01-STREAM-AD-V3-with-SHA256";

/// The first field of a version notice's signed message (§11.2).
pub(crate) const NOTICE_SIG: &[u8] = b"CIPHERCHART-V01-NOTICE-SIG";

/// H_z of a format v3 re-key (`docs/revocation-v3.md` §10.2): source id ‖ target id ‖
/// capsule seed w → blinding scalar z, within one authority as across two.
pub(crate) const REKEY_BLIND_V3: &[u8] = b"CIPHERCHART-V01-REKEY-BLIND-V3-with-expander-SHA256-128";

/// What a v3 hop's record capsule commits to (§11.5): SHA-256 of this tag ‖ len32 ‖
/// record id ‖ metadata hash ‖ v3 header digest ‖ u8 index ‖ grant id ‖ the hops below.
pub(crate) const HOP_BINDING_V3: &[u8] = b"CIPHERCHART-V01-HOP-BINDING-V3-with-SHA256";

/// The digest of a format v3 re-key a consent authorises: SHA-256 of this tag ‖ its
/// encoding (§11.6).
pub(crate) const CONSENT_REKEY_DIGEST_V3: &[u8] =
    b"CIPHERCHART-V01-CONSENT-REKEY-DIGEST-V3-with-SHA256";

/// A user or delegation key's id (§7.1): SHA-256 of this tag ‖ authority id ‖ `K0` (its
/// three compressed G2 points). Only the holder and the issuer can compute it.
pub(crate) const KEY_ID: &[u8] = b"CIPHERCHART-V01-KEY-ID-with-SHA256";

/// A v3 grant id (§7.1): the first 16 bytes of SHA-256 of this tag ‖ source authority id
/// ‖ delegation key id.
pub(crate) const GRANT_ID: &[u8] = b"CIPHERCHART-V01-GRANT-ID-with-SHA256";

/// A trailer's item digest (`docs/revocation-v3.md` §11.8): SHA-256 of this tag ‖ u64
/// index ‖ u32 len ‖ item (a session record's encoding, or a stream frame).
pub(crate) const TRAILER_ITEM: &[u8] = b"CIPHERCHART-V01-TRAILER-ITEM-with-SHA256";

/// A trailer's digest (§11.8): SHA-256 of this tag ‖ the trailer's encoding. A re-wrapped
/// header's KEM context names it.
pub(crate) const TRAILER_DIGEST: &[u8] = b"CIPHERCHART-V01-TRAILER-DIGEST-with-SHA256";

/// Every tag above, for the tests that check they are distinct and well formed.
#[cfg(test)]
pub(crate) const ALL: &[&[u8]] = &[
    FAME_G1,
    FO_COINS,
    FO_MASK,
    FO_CHECK_WEIGHTS,
    KDF,
    PUBLIC_KEY_ID,
    HEADER_DIGEST,
    RECORD_AD,
    STREAM_AD,
    SESSION_SUBKEY,
    SESSION_AD,
    REKEY_BLIND,
    REKEY_BLIND_FEDERATED,
    CHAIN_ENTRY_SIG,
    CHAIN_ENTRY_HASH,
    CHECKPOINT_SIG,
    STORE_RECORD,
    CONSENT_BLOCK,
    CONSENT_PROOF,
    CONSENT_REVOCATION_ID,
    CONSENT_REKEY_DIGEST,
    HOP_BINDING,
    HOP_SEED,
    FO_COINS_V3,
    HEADER_DIGEST_V3,
    KEY_WRAP,
    BODY_KEY,
    KEY_COMMITMENT,
    BODY_COMMITMENT,
    METADATA_HASH,
    RECORD_AD_V3,
    SESSION_AD_V3,
    STREAM_AD_V3,
    NOTICE_SIG,
    REKEY_BLIND_V3,
    HOP_BINDING_V3,
    CONSENT_REKEY_DIGEST_V3,
    KEY_ID,
    GRANT_ID,
    TRAILER_ITEM,
    TRAILER_DIGEST,
];
