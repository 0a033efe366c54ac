//! Streaming records: one KEM header, then the payload in fixed-size chunks sealed with
//! the STREAM construction (Hoang–Reyhanitabar–Rogaway–Vizár 2015) over
//! ChaCha20-Poly1305: nonce = 7-byte prefix ‖ 32-bit big-endian counter ‖ last-chunk flag.
//!
//! Neither side holds the payload in memory: sealing reads from any [`Read`] and writes
//! to any [`Write`]; opening does the same. Reordered, substituted, dropped or
//! truncated chunks fail to authenticate.
//!
//! **Opening writes each chunk as soon as it authenticates.** A truncated stream is
//! only detected at its end, so on any error the caller must discard what was written.
//!
//! ```
//! use cipherchart::{seal_stream, Authority, Policy};
//! let mut rng = rand_core::OsRng;
//! let authority = Authority::setup(&mut rng);
//! let policy = Policy::parse("role:radiologist")?;
//! let scan = vec![7u8; 200_000];
//! let mut sealed = Vec::new();
//! seal_stream(authority.public_key(), &policy, b"mri-9", b"", &scan[..], &mut sealed, &mut rng)?;
//! let key = authority.issue_key(&["role:radiologist"], &mut rng)?;
//! let mut opened = Vec::new();
//! key.open_stream(authority.public_key(), &sealed[..], &mut opened)?;
//! assert_eq!(opened, scan);
//! # Ok::<(), cipherchart::Error>(())
//! ```

use std::io::{Read, Write};

use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};

use super::frames::{fill, seal_chunks, ChunkDecryptor, ChunkKeys, FrameReader};
use super::stream_v3;
use super::trailer::Trailer;
use crate::abe::{PublicKey, UserKey};
use crate::ct::after_wiping_stack;
use crate::encoding::{ObjectType, Reader, Writer, FORMAT_VERSION, FORMAT_VERSION_V3};
use crate::error::{EncodingError, Error, Result};
use crate::hash::dst;
use crate::policy::{Attribute, Policy};
use crate::record::kem::{context, decaps, derive_key, encaps, guarded, unguarded, KemHeader};
use crate::record::{MAX_METADATA_LEN, MAX_RECORD_ID_LEN};

/// The default plaintext chunk size (64 KiB).
pub const DEFAULT_CHUNK_SIZE: u32 = 64 * 1024;
/// The largest plaintext chunk size accepted (16 MiB).
pub const MAX_CHUNK_SIZE: u32 = 16 * 1024 * 1024;
/// The longest stream header accepted when reading.
const MAX_HEADER_LEN: usize = 4 * 1024 * 1024;

/// The public part of a stream, readable before opening it.
///
/// From [`read_stream_info`] these are the header's values **as carried**, checked only
/// for well-formedness: the FO check that binds them runs when the stream is opened, and
/// the `StreamInfo` that [`UserKey::open_stream`] returns is the authenticated one. (A
/// relabelled value makes the stream open for nobody, so it cannot hide, say, a stale
/// version; but do not trust an unopened stream's fields for anything else.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamInfo {
    /// The stream id given at sealing.
    pub stream_id: Vec<u8>,
    /// The metadata given at sealing.
    pub metadata: Vec<u8>,
    /// The policy the stream is sealed under.
    pub policy: Policy,
    /// The plaintext chunk size.
    pub chunk_size: u32,
    /// The serial of the version notice a format v3 stream was sealed under
    /// ([`seal_stream_with_notice`](crate::seal_stream_with_notice)); `None` for format v2.
    pub notice_serial: Option<u64>,
    /// The policy's attributes with their versions, in LSSS row order (every version 0 for
    /// format v2); the holder guard is not listed.
    pub attribute_versions: Vec<(Attribute, u32)>,
    /// The id of the authority whose public key the stream is sealed under.
    pub authority: [u8; 32],
    /// The digest of the stream's KEM header (what a trailer and the catch-up's chain
    /// entry name).
    pub header_digest: [u8; 32],
    /// For a format v3 stream whose header was re-wrapped after close
    /// ([`Authority::rewrap_stream`](crate::Authority::rewrap_stream)): the trailer its
    /// frames are checked against when it is opened. `None` for a stream as sealed.
    pub trailer: Option<Trailer>,
}

impl StreamInfo {
    pub(super) fn of(
        stream_id: Vec<u8>,
        metadata: Vec<u8>,
        chunk_size: u32,
        header: &KemHeader,
        trailer: Option<Trailer>,
    ) -> Result<Self> {
        Ok(Self {
            stream_id,
            metadata,
            policy: unguarded(header.policy.policy())?,
            chunk_size,
            notice_serial: header.notice_serial(),
            attribute_versions: header.attribute_versions(),
            authority: header.authority,
            header_digest: header.digest,
            trailer,
        })
    }
}

fn stream_context(stream_id: &[u8]) -> Vec<u8> {
    context(b"stream", &[stream_id])
}

/// Encodes a stream header: the object header, the length of what follows, then `body`.
pub(super) fn frame_header(version: u8, body: &[u8]) -> Vec<u8> {
    let mut w = Writer::at_version(ObjectType::StreamHeader, version);
    // Bounded: ids, metadata and policies are length-limited far below 4 GiB.
    w.u32(body.len() as u32);
    w.fixed(body);
    w.finish()
}

/// Encodes the v2 stream header: preamble, a length, the chunk size, id, metadata and
/// the KEM header.
fn encode_header(
    chunk_size: u32,
    stream_id: &[u8],
    metadata: &[u8],
    header: &KemHeader,
) -> Vec<u8> {
    let mut body = Writer::raw();
    body.u32(chunk_size);
    body.bytes(stream_id);
    body.bytes(metadata);
    header.write(&mut body);
    frame_header(FORMAT_VERSION, &body.finish())
}

fn header_ad(header_bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(dst::STREAM_AD);
    h.update(header_bytes);
    h.finalize().into()
}

/// Whether a chunk size is in range (1 byte to [`MAX_CHUNK_SIZE`]).
pub(super) fn chunk_size_ok(chunk_size: u32) -> bool {
    chunk_size != 0 && chunk_size <= MAX_CHUNK_SIZE
}

/// The argument checks every sealer runs before touching the output.
pub(super) fn check_arguments(chunk_size: u32, stream_id: &[u8], metadata: &[u8]) -> Result<()> {
    if !chunk_size_ok(chunk_size) {
        return Err(Error::InvalidArgument("chunk size out of range"));
    }
    if stream_id.len() > MAX_RECORD_ID_LEN || metadata.len() > MAX_METADATA_LEN {
        return Err(Error::InvalidArgument("stream id or metadata too long"));
    }
    Ok(())
}

/// Seals everything `input` yields under `policy`, writing the stream to `output`,
/// in chunks of [`DEFAULT_CHUNK_SIZE`]. Returns the number of plaintext bytes sealed.
///
/// # Errors
/// [`Error::InvalidArgument`] for oversized ids or metadata, [`Error::Io`] if reading
/// or writing fails.
pub fn seal_stream<R, W, G>(
    pk: &PublicKey,
    policy: &Policy,
    stream_id: &[u8],
    metadata: &[u8],
    input: R,
    output: W,
    rng: &mut G,
) -> Result<u64>
where
    R: Read,
    W: Write,
    G: RngCore + CryptoRng + ?Sized,
{
    seal_stream_with_chunk_size(
        pk,
        policy,
        stream_id,
        metadata,
        DEFAULT_CHUNK_SIZE,
        input,
        output,
        rng,
    )
}

/// [`seal_stream`] with an explicit chunk size (1 byte to [`MAX_CHUNK_SIZE`]).
///
/// # Errors
/// As [`seal_stream`], and [`Error::InvalidArgument`] for a chunk size out of range.
#[allow(clippy::too_many_arguments)]
pub fn seal_stream_with_chunk_size<R, W, G>(
    pk: &PublicKey,
    policy: &Policy,
    stream_id: &[u8],
    metadata: &[u8],
    chunk_size: u32,
    mut input: R,
    mut output: W,
    rng: &mut G,
) -> Result<u64>
where
    R: Read,
    W: Write,
    G: RngCore + CryptoRng + ?Sized,
{
    after_wiping_stack(|| {
        check_arguments(chunk_size, stream_id, metadata)?;
        let ctx = stream_context(stream_id);
        // Sealed under `P and cipherchart:key-holder`: no re-key can transform the header.
        let (header, seed) = encaps(pk, &guarded(policy)?, &ctx, rng)?;
        let header_bytes = encode_header(chunk_size, stream_id, metadata, &header);
        output.write_all(&header_bytes)?;
        let keys = ChunkKeys {
            key: derive_key(&seed, &header, &ctx, b"stream-aead"),
            ad: header_ad(&header_bytes),
        };
        seal_chunks(&keys, chunk_size, &mut input, &mut output)
    })
}

/// A decoded stream header: what anyone reads, the KEM header, its context, and what
/// the chunk keys derive from.
pub(super) struct ParsedHeader {
    pub(super) info: StreamInfo,
    pub(super) header: KemHeader,
    pub(super) ctx: Vec<u8>,
    format: HeaderBinding,
}

impl ParsedHeader {
    /// Whether the header is format v3.
    pub(super) fn is_v3(&self) -> bool {
        matches!(self.format, HeaderBinding::V3)
    }

    /// The chunk keys, from a seed that passed the header's FO check.
    pub(super) fn chunk_keys(&self, seed: &[u8; 32]) -> Result<ChunkKeys> {
        match &self.format {
            HeaderBinding::V2 { header_bytes } => Ok(ChunkKeys {
                key: derive_key(seed, &self.header, &self.ctx, b"stream-aead"),
                ad: header_ad(header_bytes),
            }),
            HeaderBinding::V3 => stream_v3::open_keys(&self.header, seed, &self.ctx, &self.info),
        }
    }
}

/// What the chunks' AD binds: the v2 header's bytes, or the v3 stream's stable fields
/// (which the info holds).
enum HeaderBinding {
    V2 { header_bytes: Vec<u8> },
    V3,
}

/// Reads the stream header (format v2 or v3) from `input`, leaving it positioned at the
/// first chunk.
pub(super) fn read_header<R: Read + ?Sized>(input: &mut R) -> Result<ParsedHeader> {
    let mut start = [0u8; 8];
    if fill(input, &mut start)? != start.len() {
        return Err(EncodingError::Truncated.into());
    }
    let (mut r, version) = Reader::new_at(
        &start,
        ObjectType::StreamHeader,
        &[FORMAT_VERSION, FORMAT_VERSION_V3],
    )?;
    let body_len = r.u32()? as usize;
    if body_len > MAX_HEADER_LEN {
        return Err(EncodingError::BadLength.into());
    }
    // The buffer grows as bytes arrive (outside review of v3 streams, note 1): eight bytes
    // declaring a 4 MiB header over a slow or short input do not buy a 4 MiB buffer.
    let mut header_bytes = start.to_vec();
    let got = Read::take(&mut *input, body_len as u64).read_to_end(&mut header_bytes)?;
    if got != body_len {
        return Err(EncodingError::Truncated.into());
    }
    let mut r = Reader::raw(&header_bytes[8..]);
    let chunk_size = r.u32()?;
    if !chunk_size_ok(chunk_size) {
        return Err(EncodingError::BadLength.into());
    }
    if version == FORMAT_VERSION_V3 {
        let (info, header, ctx) = stream_v3::read_body(chunk_size, r)?;
        return Ok(ParsedHeader {
            info,
            header,
            ctx,
            format: HeaderBinding::V3,
        });
    }
    let stream_id = r.bytes(MAX_RECORD_ID_LEN)?.to_vec();
    let metadata = r.bytes(MAX_METADATA_LEN)?.to_vec();
    let header = KemHeader::read(&mut r)?;
    r.finish()?;
    let ctx = stream_context(&stream_id);
    Ok(ParsedHeader {
        info: StreamInfo::of(stream_id, metadata, chunk_size, &header, None)?,
        header,
        ctx,
        format: HeaderBinding::V2 { header_bytes },
    })
}

/// Reads only the public header of a stream (id, metadata, policy, chunk size, and for
/// format v3 the notice serial and versions).
///
/// # Errors
/// [`Error::InvalidEncoding`] for a malformed header, [`Error::Io`] if reading fails.
pub fn read_stream_info<R: Read>(mut input: R) -> Result<StreamInfo> {
    read_header(&mut input).map(|parsed| parsed.info)
}

/// Reads the frames of a stream (both formats) under `keys`, writing each chunk as soon as
/// it authenticates (for a re-wrapped header, the last chunk only once every frame is
/// known to be the trailer's).
fn open_chunks<R: Read + ?Sized, W: Write + ?Sized>(
    keys: &ChunkKeys,
    chunk_size: u32,
    trailer: Option<&Trailer>,
    input: &mut R,
    output: &mut W,
) -> Result<()> {
    let mut chunks = ChunkDecryptor::new(keys);
    let mut frames = FrameReader::new(chunk_size, trailer);
    loop {
        let last = frames.read(input)?;
        output.write_all(&chunks.open(frames.ciphertext(), last)?)?;
        if last {
            break;
        }
    }
    frames.finish(input)?;
    output.flush()?;
    Ok(())
}

// `open_stream` lives with the stream format, not in `abe`: it reads the stream's frames;
// the key only decapsulates the header.
impl UserKey {
    /// Opens a stream sealed by [`seal_stream`] or
    /// [`seal_stream_with_notice`](crate::seal_stream_with_notice), writing the payload to
    /// `output` chunk by chunk. On error, discard everything written (see the module docs).
    ///
    /// # Errors
    /// [`Error::PolicyNotSatisfied`] if the key does not satisfy the policy (for a format
    /// v3 stream: at the versions it was sealed at), [`Error::DecryptionFailed`] for any
    /// tampered, reordered, substituted or truncated chunk, [`Error::InvalidEncoding`] for
    /// a malformed header or frame.
    pub fn open_stream<R: Read, W: Write>(
        &self,
        pk: &PublicKey,
        mut input: R,
        mut output: W,
    ) -> Result<StreamInfo> {
        after_wiping_stack(|| {
            let parsed = read_header(&mut input)?;
            let seed = decaps(&*self.material, pk, &parsed.header, &parsed.ctx)?;
            let keys = parsed.chunk_keys(&seed)?;
            let trailer = parsed.info.trailer.as_ref();
            open_chunks(
                &keys,
                parsed.info.chunk_size,
                trailer,
                &mut input,
                &mut output,
            )?;
            Ok(parsed.info)
        })
    }
}
