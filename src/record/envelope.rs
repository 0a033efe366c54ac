//! The v3 record envelope (`docs/revocation-v3.md` §5): the payload is encrypted once
//! under a random body key `K_b`, and the KEM header wraps `K_b` under a key derived
//! from its seed μ. A catch-up (re-wrap) replaces the header and the wrap and keeps the
//! body, so revoking an attribute costs a header per stored record, never a body.
//!
//! - `key_commitment = SHA-256(KEY-COMMITMENT ‖ K_b)`, `metadata_hash`,
//!   `body_commitment` and `body_len` are explicit header fields, bound through the
//!   context into the FO coins, the wrap key and the header digest (§5.1, §5.3);
//! - `K_w = HKDF(KEY-WRAP, μ, pk id ‖ u64 serial ‖ u8 flags ‖ VP ‖ ctx)`, and the wrap
//!   is ChaCha20-Poly1305 of `K_b` under `K_w` with a zero nonce (one message per `K_w`:
//!   every header has a fresh μ) and empty AD (`K_w` is already bound to every header
//!   input);
//! - the body key `K_body = HKDF(BODY-KEY, K_b, len32 purpose ‖ purpose ‖ len32 id ‖
//!   id)` does not depend on the header.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::kem::{coins, mask, published, xor32, Envelope, HeaderFormat, KemHeader, WRAP_LEN};
use crate::abe::core::{enc_header, kem_value};
use crate::abe::PublicKey;
use crate::ct::declassify::Declassify;
use crate::ct::{declassify_choice, SecretGt};
use crate::error::{Error, Result};
use crate::hash::dst;
use crate::policy::VersionedPolicy;

/// A body key `K_b` (secret).
pub(crate) type BodyKey = Zeroizing<[u8; 32]>;

/// Both one-message AEAD keys of the envelope (the wrap key and the body key) use the
/// zero nonce: each encrypts exactly one message.
const ZERO_NONCE: [u8; 12] = [0; 12];

/// `SHA-256(KEY-COMMITMENT ‖ K_b)`.
pub(crate) fn key_commitment(body_key: &[u8; 32]) -> [u8; 32] {
    Sha256::new()
        .chain_update(dst::KEY_COMMITMENT)
        .chain_update(body_key)
        .finalize()
        .into()
}

/// `SHA-256(METADATA-HASH ‖ metadata)`.
pub(crate) fn metadata_hash(metadata: &[u8]) -> [u8; 32] {
    Sha256::new()
        .chain_update(dst::METADATA_HASH)
        .chain_update(metadata)
        .finalize()
        .into()
}

/// `SHA-256(BODY-COMMITMENT ‖ len32 ‖ record id ‖ u64 len ‖ body)`, over the AEAD
/// ciphertext including its tag.
pub(crate) fn body_commitment(record_id: &[u8], body: &[u8]) -> [u8; 32] {
    Sha256::new()
        .chain_update(dst::BODY_COMMITMENT)
        .chain_update((record_id.len() as u32).to_be_bytes())
        .chain_update(record_id)
        .chain_update((body.len() as u64).to_be_bytes())
        .chain_update(body)
        .finalize()
        .into()
}

/// `K_w` for a v3 header made with seed μ (§5.3).
fn wrap_key(
    authority: &[u8; 32],
    seed: &[u8; 32],
    policy: &VersionedPolicy,
    (notice_serial, flags): (u64, u8),
    ctx: &[u8],
) -> Zeroizing<[u8; 32]> {
    let hk = Hkdf::<Sha256>::new(Some(dst::KEY_WRAP), seed);
    let mut key = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF's 255·32 limit, so expand cannot fail.
    let _ = hk.expand_multi_info(
        &[
            authority,
            &notice_serial.to_be_bytes(),
            &[flags],
            policy.canonical_bytes(),
            ctx,
        ],
        key.as_mut(),
    );
    key
}

/// The body key `K_body` of a record, stream or session from `K_b` (§5.3).
pub(crate) fn body_aead_key(
    body_key: &[u8; 32],
    purpose: &[u8],
    stable_id: &[u8],
) -> Zeroizing<[u8; 32]> {
    let hk = Hkdf::<Sha256>::new(Some(dst::BODY_KEY), body_key);
    let mut key = Zeroizing::new([0u8; 32]);
    let _ = hk.expand_multi_info(
        &[
            &(purpose.len() as u32).to_be_bytes(),
            purpose,
            &(stable_id.len() as u32).to_be_bytes(),
            stable_id,
        ],
        key.as_mut(),
    );
    key
}

/// Encrypts one message under a one-message key.
pub(crate) fn seal_once(key: &[u8; 32], msg: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
    ChaCha20Poly1305::new(Key::from_slice(key))
        .encrypt(Nonce::from_slice(&ZERO_NONCE), Payload { msg, aad })
        .map_err(|_| Error::InvalidArgument("payload too long"))
}

/// Decrypts one message under a one-message key; any failure is `DecryptionFailed`.
pub(crate) fn open_once(key: &[u8; 32], ciphertext: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
    ChaCha20Poly1305::new(Key::from_slice(key))
        .decrypt(
            Nonce::from_slice(&ZERO_NONCE),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| Error::DecryptionFailed)
}

/// Encaps for a v3 record header: the header that seed μ produces under `policy` at its
/// versions, for the notice serial and flags and the context `ctx`, with the envelope
/// that wraps `body_key` (§5.3). Deterministic given μ.
pub(crate) fn encaps_v3(
    pk: &PublicKey,
    policy: &VersionedPolicy,
    serial_flags: (u64, u8),
    ctx: &[u8],
    seed: &[u8; 32],
    body_key: &[u8; 32],
) -> Result<KemHeader> {
    let (core, masked_seed, _) = encaps_v3_core(pk, policy, serial_flags, ctx, seed)?;
    let k_w = wrap_key(&pk.id, seed, policy, serial_flags, ctx);
    let sealed = seal_once(&k_w, body_key, &[])?;
    let mut wrap = [0u8; WRAP_LEN];
    if sealed.len() != WRAP_LEN {
        return Err(Error::DecryptionFailed);
    }
    wrap.copy_from_slice(&sealed);
    // Both are published in the header (like `c'`), and the FO check hashes the header
    // into the weights of its public MSMs: declared public for the constant-time check.
    let mut commitment = key_commitment(body_key);
    Declassify::declassify(&mut commitment);
    Declassify::declassify(&mut wrap);
    let envelope = Envelope {
        key_commitment: commitment,
        wrap,
    };
    Ok(KemHeader::new_v3(
        pk.id,
        policy.clone(),
        core,
        masked_seed,
        serial_flags,
        Some(envelope),
        ctx,
    ))
}

/// What every v3 Encaps computes from μ: the FO coins (v3: serial, flags and the versioned
/// policy bound in), the header core, `c' = μ ⊕ F(Z)` and `Z` (secret).
fn encaps_v3_core(
    pk: &PublicKey,
    policy: &VersionedPolicy,
    (notice_serial, flags): (u64, u8),
    ctx: &[u8],
    seed: &[u8; 32],
) -> Result<(crate::abe::core::HeaderCore, [u8; 32], SecretGt)> {
    let format = HeaderFormat::V3 {
        notice_serial,
        flags,
    };
    let s = coins(pk, seed, policy, format, ctx)?;
    let core = enc_header(pk, policy, &s)?;
    let z = kem_value(pk, &s);
    let masked_seed = published(xor32(seed, &*mask(&z.to_bytes())?));
    Ok((core, masked_seed, z))
}

/// Encaps for a v3 capsule (a re-key's grant capsule or a proxy's record capsule,
/// `docs/revocation-v3.md` §11.5): the header seed μ produces under `policy` at its
/// versions, for the serial and flags and the context `ctx`, without an envelope, and its
/// KEM value `Z` (secret). Deterministic given μ.
pub(crate) fn encaps_v3_capsule(
    pk: &PublicKey,
    policy: &VersionedPolicy,
    serial_flags: (u64, u8),
    ctx: &[u8],
    seed: &[u8; 32],
) -> Result<(KemHeader, SecretGt)> {
    let (core, masked_seed, z) = encaps_v3_core(pk, policy, serial_flags, ctx, seed)?;
    let header = KemHeader::new_v3(
        pk.id,
        policy.clone(),
        core,
        masked_seed,
        serial_flags,
        None,
        ctx,
    );
    Ok((header, z))
}

/// Unwraps `K_b` from a v3 header whose seed μ passed the FO check, and checks it
/// against the header's key commitment (in constant time). Any failure is
/// `DecryptionFailed`.
pub(crate) fn unwrap_body_key(header: &KemHeader, seed: &[u8; 32], ctx: &[u8]) -> Result<BodyKey> {
    let (
        HeaderFormat::V3 {
            notice_serial,
            flags,
        },
        Some(envelope),
    ) = (header.format, &header.envelope)
    else {
        return Err(Error::DecryptionFailed);
    };
    let k_w = wrap_key(
        &header.authority,
        seed,
        &header.policy,
        (notice_serial, flags),
        ctx,
    );
    let plain = Zeroizing::new(open_once(&k_w, &envelope.wrap, &[])?);
    let mut body_key = Zeroizing::new([0u8; 32]);
    if plain.len() != 32 {
        return Err(Error::DecryptionFailed);
    }
    body_key.copy_from_slice(&plain);
    let committed = key_commitment(&body_key).ct_eq(&envelope.key_commitment);
    if !declassify_choice(committed) {
        return Err(Error::DecryptionFailed);
    }
    Ok(body_key)
}

/// [`unwrap_body_key`] with the key commitment it was checked against (a session's or
/// stream's AD binds it).
pub(crate) fn unwrap_committed_key(
    header: &KemHeader,
    seed: &[u8; 32],
    ctx: &[u8],
) -> Result<(BodyKey, [u8; 32])> {
    let body_key = unwrap_body_key(header, seed, ctx)?;
    let commitment = header
        .envelope
        .as_ref()
        .map(|e| e.key_commitment)
        .ok_or(Error::DecryptionFailed)?;
    Ok((body_key, commitment))
}

/// The fields a v3 session or stream header carries before its KEM header
/// (`docs/formats.md`, "Session header v3", "Stream v3"): the id, the metadata, its hash
/// (which must be the metadata's) and the trailer flag: 0, or, where `trailers` names a
/// kind, 1 followed by the trailer of a header re-wrapped after close (of that kind, with
/// the header's id). `NonCanonical` otherwise.
pub(crate) struct OpenHeaderFields {
    pub(crate) id: Vec<u8>,
    pub(crate) metadata: Vec<u8>,
    pub(crate) metadata_hash: [u8; 32],
    pub(crate) trailer: Option<super::trailer::Trailer>,
}

/// The longest trailer a header carries: its fixed fields and the longest id.
const MAX_TRAILER_LEN: usize = 4 + 1 + 4 + super::MAX_RECORD_ID_LEN + 32 + 32 + 8 + 32;

impl OpenHeaderFields {
    pub(crate) fn read(
        r: &mut crate::encoding::Reader<'_>,
        trailers: Option<super::trailer::TrailerKind>,
    ) -> Result<Self> {
        use crate::error::EncodingError;
        let id = r.bytes(super::MAX_RECORD_ID_LEN)?.to_vec();
        let metadata = r.bytes(super::MAX_METADATA_LEN)?.to_vec();
        let declared = r.fixed::<32>()?;
        if declared != metadata_hash(&metadata) {
            return Err(EncodingError::NonCanonical.into());
        }
        let trailer = match (r.u8()?, trailers) {
            (0, _) => None,
            (1, Some(kind)) => {
                let trailer = super::trailer::Trailer::from_bytes(r.bytes(MAX_TRAILER_LEN)?)?;
                if trailer.kind != kind || trailer.id != id {
                    return Err(EncodingError::NonCanonical.into());
                }
                Some(trailer)
            }
            _ => return Err(EncodingError::NonCanonical.into()),
        };
        Ok(Self {
            id,
            metadata,
            metadata_hash: declared,
            trailer,
        })
    }
}
