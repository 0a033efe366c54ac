//! Streams in format v3 (`docs/revocation-v3.md` §6.1, §11.7): the stream header is a v3
//! KEM header at the attribute versions of a version notice, with the envelope that wraps
//! a random stream key `K_b`. The chunks are v2's frames (STREAM over ChaCha20-Poly1305,
//! the same nonces) under `K_body = HKDF(BODY-KEY, K_b, "stream-body" ‖ stream id)`, and
//! their AD binds the stream id, the key commitment, the chunk size and the metadata hash
//! instead of the header's bytes, so that a header re-wrapped at newer versions keeps
//! every chunk valid.
//!
//! Built: sealing under a notice (keys from before a bump open no stream sealed after it:
//! R1), opening, and the header of a closed stream re-wrapped with its trailer
//! (`stream_catch_up.rs`; opening such a stream checks its frames against the trailer).
//!
//! Header layout: `43 43 06 03 ‖ u32 body_len ‖ u32 chunk_size ‖ bytes stream_id ‖
//! bytes metadata ‖ metadata_hash ‖ u8 trailer (0, or 1 ‖ bytes trailer) ‖ KEM header v3
//! with envelope`; the KEM context is `context("stream", stream_id, metadata_hash,
//! key_commitment, u32 chunk_size, trailer digest or "")` (§5.3).

use std::io::{Read, Write};

use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};

use super::envelope::{
    body_aead_key, encaps_v3, key_commitment, metadata_hash, unwrap_committed_key, BodyKey,
    OpenHeaderFields,
};
use super::frames::{seal_chunks, ChunkKeys};
use super::kem::{context, KemHeader};
use super::stream::{check_arguments, frame_header, StreamInfo};
use super::trailer::{Trailer, TrailerKind};
use crate::abe::PublicKey;
use crate::encoding::{Reader, Writer, FORMAT_VERSION_V3};
use crate::error::{EncodingError, Result};
use crate::hash::dst;
use crate::policy::VersionedPolicy;
use crate::secret::random_seed;

/// The purpose string of a stream's body key (§5.3).
const STREAM_BODY: &[u8] = b"stream-body";

/// The KEM context of a v3 stream (§5.3): its last part is the trailer's digest for a
/// header re-wrapped after close, empty for a stream as sealed.
fn stream_context(
    stream_id: &[u8],
    metadata_hash: &[u8; 32],
    key_commitment: &[u8; 32],
    chunk_size: u32,
    trailer: Option<&Trailer>,
) -> Vec<u8> {
    let trailer_digest = trailer.map(Trailer::digest);
    context(
        b"stream",
        &[
            stream_id,
            metadata_hash,
            key_commitment,
            &chunk_size.to_be_bytes(),
            trailer_digest.as_ref().map_or(&[][..], |d| &d[..]),
        ],
    )
}

/// The chunks' AD (§6.1): SHA-256 of the tag ‖ u32 len ‖ stream id ‖ key commitment ‖
/// u32 chunk size ‖ metadata hash.
fn chunk_ad(
    stream_id: &[u8],
    key_commitment: &[u8; 32],
    chunk_size: u32,
    metadata_hash: &[u8; 32],
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(dst::STREAM_AD_V3);
    // Bounded by MAX_RECORD_ID_LEN.
    h.update((stream_id.len() as u32).to_be_bytes());
    h.update(stream_id);
    h.update(key_commitment);
    h.update(chunk_size.to_be_bytes());
    h.update(metadata_hash);
    h.finalize().into()
}

/// The chunk keys from the stream key `K_b`.
fn keys(
    body_key: &BodyKey,
    stream_id: &[u8],
    commitment: &[u8; 32],
    chunk_size: u32,
    metadata_hash: &[u8; 32],
) -> ChunkKeys {
    ChunkKeys {
        key: body_aead_key(body_key, STREAM_BODY, stream_id),
        ad: chunk_ad(stream_id, commitment, chunk_size, metadata_hash),
    }
}

/// Decodes the body of a v3 stream header (after the object header, the body length and
/// the checked chunk size): the metadata hash must be the metadata's, a trailer (if any)
/// a stream trailer with the header's id and key commitment, the policy guarded
/// (`NonCanonical` otherwise). Returns the public info, the KEM header and its context.
pub(super) fn read_body(
    chunk_size: u32,
    mut r: Reader<'_>,
) -> Result<(StreamInfo, KemHeader, Vec<u8>)> {
    let f = OpenHeaderFields::read(&mut r, Some(TrailerKind::Stream))?;
    let (header, ctx) = KemHeader::read_v3_enveloped(&mut r, |commitment| {
        stream_context(
            &f.id,
            &f.metadata_hash,
            commitment,
            chunk_size,
            f.trailer.as_ref(),
        )
    })?;
    r.finish()?;
    if let Some(trailer) = &f.trailer {
        let commitment = header.envelope.as_ref().map(|e| e.key_commitment);
        if commitment != Some(trailer.key_commitment) {
            return Err(EncodingError::NonCanonical.into());
        }
    }
    let info = StreamInfo::of(f.id, f.metadata, chunk_size, &header, f.trailer)?;
    Ok((info, header, ctx))
}

/// The encoding of a v3 stream header.
fn encode_header(
    chunk_size: u32,
    stream_id: &[u8],
    metadata: &[u8],
    trailer: Option<&Trailer>,
    header: &KemHeader,
) -> Vec<u8> {
    let mut body = Writer::raw();
    body.u32(chunk_size);
    body.bytes(stream_id);
    body.bytes(metadata);
    body.fixed(&metadata_hash(metadata));
    match trailer {
        // A stream as sealed: open while it is written.
        None => body.u8(0),
        Some(trailer) => {
            body.u8(1);
            body.bytes(&trailer.to_bytes());
        }
    }
    header.write(&mut body);
    frame_header(FORMAT_VERSION_V3, &body.finish())
}

/// A v3 stream header that wraps `body_key` under `versioned` for the notice of
/// `notice_serial`, with `trailer` for a header re-wrapped after close. Returns its
/// encoding, the chunk keys, and its info (built from what was just encrypted, not by
/// decoding it again).
#[allow(clippy::too_many_arguments)]
pub(super) fn wrap<G: RngCore + CryptoRng + ?Sized>(
    pk: &PublicKey,
    versioned: &VersionedPolicy,
    notice_serial: u64,
    (stream_id, metadata, chunk_size): (&[u8], &[u8], u32),
    trailer: Option<&Trailer>,
    body_key: &BodyKey,
    rng: &mut G,
) -> Result<(Vec<u8>, ChunkKeys, StreamInfo)> {
    let meta_hash = metadata_hash(metadata);
    let commitment = key_commitment(body_key);
    let ctx = stream_context(stream_id, &meta_hash, &commitment, chunk_size, trailer);
    let seed = random_seed(rng);
    let header = encaps_v3(pk, versioned, (notice_serial, 0), &ctx, &seed, body_key)?;
    let bytes = encode_header(chunk_size, stream_id, metadata, trailer, &header);
    let keys = keys(body_key, stream_id, &commitment, chunk_size, &meta_hash);
    let info = StreamInfo::of(
        stream_id.to_vec(),
        metadata.to_vec(),
        chunk_size,
        &header,
        trailer.cloned(),
    )?;
    Ok((bytes, keys, info))
}

/// The chunk keys of a decoded v3 stream whose seed passed the FO check: unwraps `K_b`,
/// checked against the key commitment.
pub(super) fn open_keys(
    header: &KemHeader,
    seed: &[u8; 32],
    ctx: &[u8],
    info: &StreamInfo,
) -> Result<ChunkKeys> {
    let (body_key, commitment) = unwrap_committed_key(header, seed, ctx)?;
    Ok(keys(
        &body_key,
        &info.stream_id,
        &commitment,
        info.chunk_size,
        &metadata_hash(&info.metadata),
    ))
}

/// Seals a v3 stream: `versioned` is the guarded policy at the notice's versions.
#[allow(clippy::too_many_arguments)]
pub(crate) fn seal<R, W, G>(
    pk: &PublicKey,
    versioned: &VersionedPolicy,
    notice_serial: u64,
    stream_id: &[u8],
    metadata: &[u8],
    chunk_size: u32,
    input: &mut R,
    output: &mut W,
    rng: &mut G,
) -> Result<u64>
where
    R: Read + ?Sized,
    W: Write + ?Sized,
    G: RngCore + CryptoRng + ?Sized,
{
    check_arguments(chunk_size, stream_id, metadata)?;
    let body_key: BodyKey = random_seed(rng);
    let stream = (stream_id, metadata, chunk_size);
    let (header, keys, _) = wrap(pk, versioned, notice_serial, stream, None, &body_key, rng)?;
    output.write_all(&header)?;
    seal_chunks(&keys, chunk_size, input, output)
}
