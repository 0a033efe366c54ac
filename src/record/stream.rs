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

use std::io::{self, Read, Write};

use chacha20poly1305::aead::generic_array::GenericArray;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key};
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::stream_v3;
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
/// Poly1305 tag length.
const TAG_LEN: usize = 16;
/// The longest stream header accepted when reading.
const MAX_HEADER_LEN: usize = 4 * 1024 * 1024;
/// The key of a stream is used for one stream only, so the nonce prefix is fixed.
const NONCE_PREFIX: [u8; 7] = [0; 7];
const FLAG_MORE: u8 = 0;
const FLAG_LAST: u8 = 1;

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
}

impl StreamInfo {
    pub(super) fn of(
        stream_id: Vec<u8>,
        metadata: Vec<u8>,
        chunk_size: u32,
        header: &KemHeader,
    ) -> Result<Self> {
        Ok(Self {
            stream_id,
            metadata,
            policy: unguarded(header.policy.policy())?,
            chunk_size,
            notice_serial: header.notice_serial(),
            attribute_versions: header.attribute_versions(),
        })
    }
}

/// The chunks' key and associated data: for format v2 both come from the header (the key
/// from the KEM seed, the AD from the header's bytes); for v3 from the wrapped stream key
/// and the stream's stable fields (`docs/revocation-v3.md` §6.1), so a re-wrapped header
/// keeps every chunk valid.
pub(super) struct ChunkKeys {
    pub(super) key: Zeroizing<[u8; 32]>,
    pub(super) ad: [u8; 32],
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

/// Reads until `buf` is full or the input ends; returns how many bytes were read.
fn fill<R: Read + ?Sized>(input: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match input.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn write_frame<W: Write + ?Sized>(output: &mut W, flag: u8, ciphertext: &[u8]) -> Result<()> {
    output.write_all(&[flag])?;
    // Chunks are at most MAX_CHUNK_SIZE + TAG_LEN bytes.
    output.write_all(&(ciphertext.len() as u32).to_be_bytes())?;
    output.write_all(ciphertext)?;
    Ok(())
}

/// Writes the frames of a stream (both formats): everything `input` yields, in chunks of
/// `chunk_size`, under `keys`. Returns the number of plaintext bytes sealed.
pub(super) fn seal_chunks<R: Read + ?Sized, W: Write + ?Sized>(
    keys: &ChunkKeys,
    chunk_size: u32,
    input: &mut R,
    output: &mut W,
) -> Result<u64> {
    let cipher = ChaCha20Poly1305::new(Key::from_slice(keys.key.as_ref()));
    let mut encryptor = EncryptorBE32::from_aead(cipher, GenericArray::from_slice(&NONCE_PREFIX));
    let size = chunk_size as usize;
    let mut current = Zeroizing::new(vec![0u8; size]);
    let mut next = Zeroizing::new(vec![0u8; size]);
    let mut current_len = fill(input, &mut current)?;
    let mut total = current_len as u64;
    loop {
        // Look ahead: a chunk is the last one iff nothing follows it.
        let next_len = if current_len == size {
            fill(input, &mut next)?
        } else {
            0
        };
        let payload = Payload {
            msg: &current[..current_len],
            aad: &keys.ad,
        };
        if next_len == 0 {
            // Fails only past the STREAM counter's 2³² chunks, as `encrypt_next` does.
            let ct = encryptor
                .encrypt_last(payload)
                .map_err(|_| Error::InvalidArgument("stream too long"))?;
            write_frame(output, FLAG_LAST, &ct)?;
            break;
        }
        let ct = encryptor
            .encrypt_next(payload)
            .map_err(|_| Error::InvalidArgument("stream too long"))?;
        write_frame(output, FLAG_MORE, &ct)?;
        core::mem::swap(&mut current, &mut next);
        current_len = next_len;
        total += next_len as u64;
    }
    output.flush()?;
    Ok(total)
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
struct ParsedHeader {
    info: StreamInfo,
    header: KemHeader,
    ctx: Vec<u8>,
    format: HeaderBinding,
}

/// What the chunks' AD binds: the v2 header's bytes, or the v3 stream's stable fields
/// (which the info holds).
enum HeaderBinding {
    V2 { header_bytes: Vec<u8> },
    V3,
}

/// Reads the stream header (format v2 or v3) from `input`, leaving it positioned at the
/// first chunk.
fn read_header<R: Read + ?Sized>(input: &mut R) -> Result<ParsedHeader> {
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
        info: StreamInfo::of(stream_id, metadata, chunk_size, &header)?,
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
/// it authenticates.
fn open_chunks<R: Read + ?Sized, W: Write + ?Sized>(
    keys: &ChunkKeys,
    chunk_size: u32,
    input: &mut R,
    output: &mut W,
) -> Result<()> {
    let cipher = ChaCha20Poly1305::new(Key::from_slice(keys.key.as_ref()));
    let mut decryptor = DecryptorBE32::from_aead(cipher, GenericArray::from_slice(&NONCE_PREFIX));
    let max_ct = chunk_size as usize + TAG_LEN;
    let mut frame = vec![0u8; max_ct];
    loop {
        let mut prefix = [0u8; 5];
        let got = fill(input, &mut prefix)?;
        if got != prefix.len() {
            // The stream ended without a last chunk: truncated.
            return Err(Error::DecryptionFailed);
        }
        let flag = prefix[0];
        let len = u32::from_be_bytes([prefix[1], prefix[2], prefix[3], prefix[4]]) as usize;
        let valid_len = match flag {
            FLAG_MORE => len == max_ct,
            FLAG_LAST => (TAG_LEN..=max_ct).contains(&len),
            _ => false,
        };
        if !valid_len {
            return Err(Error::DecryptionFailed);
        }
        if fill(input, &mut frame[..len])? != len {
            return Err(Error::DecryptionFailed);
        }
        let payload = Payload {
            msg: &frame[..len],
            aad: &keys.ad,
        };
        if flag == FLAG_LAST {
            let pt = Zeroizing::new(
                decryptor
                    .decrypt_last(payload)
                    .map_err(|_| Error::DecryptionFailed)?,
            );
            output.write_all(&pt)?;
            break;
        }
        let pt = Zeroizing::new(
            decryptor
                .decrypt_next(payload)
                .map_err(|_| Error::DecryptionFailed)?,
        );
        output.write_all(&pt)?;
    }
    // Anything after the last chunk is an error: nothing is silently ignored.
    let mut extra = [0u8; 1];
    if fill(input, &mut extra)? != 0 {
        return Err(EncodingError::TrailingBytes.into());
    }
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
            let keys = match &parsed.format {
                HeaderBinding::V2 { header_bytes } => ChunkKeys {
                    key: derive_key(&seed, &parsed.header, &parsed.ctx, b"stream-aead"),
                    ad: header_ad(header_bytes),
                },
                HeaderBinding::V3 => {
                    stream_v3::open_keys(&parsed.header, &seed, &parsed.ctx, &parsed.info)?
                }
            };
            open_chunks(&keys, parsed.info.chunk_size, &mut input, &mut output)?;
            Ok(parsed.info)
        })
    }
}
