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
use super::trailer::{RootBuilder, Trailer};
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

/// Encrypts and writes a stream's frames one by one (STREAM over ChaCha20-Poly1305 under
/// `keys`).
pub(super) struct FrameWriter<'k> {
    /// `None` once the last frame is written (`encrypt_last` consumes it).
    encryptor: Option<EncryptorBE32<ChaCha20Poly1305>>,
    ad: &'k [u8; 32],
}

impl<'k> FrameWriter<'k> {
    pub(super) fn new(keys: &'k ChunkKeys) -> Self {
        let cipher = ChaCha20Poly1305::new(Key::from_slice(keys.key.as_ref()));
        Self {
            encryptor: Some(EncryptorBE32::from_aead(
                cipher,
                GenericArray::from_slice(&NONCE_PREFIX),
            )),
            ad: &keys.ad,
        }
    }

    /// Encrypts `chunk` as the next frame (the last one if `last`) and writes it.
    pub(super) fn write<W: Write + ?Sized>(
        &mut self,
        chunk: &[u8],
        last: bool,
        output: &mut W,
    ) -> Result<()> {
        let payload = Payload {
            msg: chunk,
            aad: self.ad,
        };
        // Fails only past the STREAM counter's 2³² chunks.
        let too_long = |_| Error::InvalidArgument("stream too long");
        let done = Error::InvalidArgument("a frame after the last");
        let (flag, ct) = if last {
            let encryptor = self.encryptor.take().ok_or(done)?;
            (
                FLAG_LAST,
                encryptor.encrypt_last(payload).map_err(too_long)?,
            )
        } else {
            let encryptor = self.encryptor.as_mut().ok_or(done)?;
            (
                FLAG_MORE,
                encryptor.encrypt_next(payload).map_err(too_long)?,
            )
        };
        let mut prefix = [flag, 0, 0, 0, 0];
        // Chunks are at most MAX_CHUNK_SIZE + TAG_LEN bytes.
        prefix[1..].copy_from_slice(&(ct.len() as u32).to_be_bytes());
        output.write_all(&prefix)?;
        output.write_all(&ct)?;
        Ok(())
    }
}

/// Writes the frames of a stream (both formats): everything `input` yields, in chunks of
/// `chunk_size`, under `keys`. Returns the number of plaintext bytes sealed.
pub(super) fn seal_chunks<R: Read + ?Sized, W: Write + ?Sized>(
    keys: &ChunkKeys,
    chunk_size: u32,
    input: &mut R,
    output: &mut W,
) -> Result<u64> {
    let mut frames = FrameWriter::new(keys);
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
        let last = next_len == 0;
        frames.write(&current[..current_len], last, output)?;
        if last {
            break;
        }
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

/// Reads a stream's frames one by one, checking their framing (a flag of 0 or 1, a
/// ciphertext of exactly `chunk_size + 16` bytes unless last, nothing after the last) and,
/// for a header re-wrapped after close, that the frames are its trailer's: the trailer's
/// count fixes which frame is the last (a frame at another place with the other flag is
/// refused before its bytes are read), and its root is checked when the last frame is read
/// (before its chunk is written). It computes the RFC 6962 root of the frames as they pass
/// (O(log n) memory), and its buffer grows as a frame's bytes arrive: neither the header's
/// chunk size nor a frame's declared length buys memory before the bytes do (outside
/// review of the stream catch-up, SC-38).
pub(super) struct FrameReader<'t> {
    max_ct: usize,
    /// The current frame: 5-byte prefix (flag ‖ u32 length) ‖ ciphertext.
    frame: Vec<u8>,
    items: RootBuilder,
    expected: Option<&'t Trailer>,
}

impl<'t> FrameReader<'t> {
    pub(super) fn new(chunk_size: u32, expected: Option<&'t Trailer>) -> Self {
        Self {
            max_ct: chunk_size as usize + TAG_LEN,
            frame: Vec::new(),
            items: RootBuilder::default(),
            expected,
        }
    }

    /// Reads the next frame; returns whether it is the last. Any framing fault, a
    /// truncation, a frame out of place for the trailer's count or a root other than its
    /// is `DecryptionFailed`.
    pub(super) fn read<R: Read + ?Sized>(&mut self, input: &mut R) -> Result<bool> {
        let mut prefix = [0u8; 5];
        if fill(input, &mut prefix)? != prefix.len() {
            // The stream ended without a last chunk: truncated.
            return Err(Error::DecryptionFailed);
        }
        let flag = prefix[0];
        let len = u32::from_be_bytes([prefix[1], prefix[2], prefix[3], prefix[4]]) as usize;
        let valid_len = match flag {
            FLAG_MORE => len == self.max_ct,
            FLAG_LAST => (TAG_LEN..=self.max_ct).contains(&len),
            _ => false,
        };
        // With a trailer, frame `count - 1` is the last and no other is (SC-4: a forged
        // frame flagged "more" at the last place is refused, not written).
        let in_place = self.expected.is_none_or(|t| {
            let is_last_place = self.items.count().checked_add(1) == Some(t.count);
            is_last_place == (flag == FLAG_LAST) && self.items.count() < t.count
        });
        if !valid_len || !in_place {
            return Err(Error::DecryptionFailed);
        }
        self.frame.clear();
        self.frame.extend_from_slice(&prefix);
        let got = Read::take(&mut *input, len as u64).read_to_end(&mut self.frame)?;
        if got != len {
            return Err(Error::DecryptionFailed);
        }
        self.items.push(&[&self.frame]);
        let last = flag == FLAG_LAST;
        if last {
            if let Some(t) = self.expected {
                if self.items.count() != t.count || self.items.root() != t.root {
                    return Err(Error::DecryptionFailed);
                }
            }
        }
        Ok(last)
    }

    /// The current frame's ciphertext.
    pub(super) fn ciphertext(&self) -> &[u8] {
        &self.frame[5..]
    }

    /// The current frame, as written.
    pub(super) fn frame(&self) -> &[u8] {
        &self.frame
    }

    /// After the last frame: anything more is an error (nothing is silently ignored).
    /// Returns the number of frames and their root.
    pub(super) fn finish<R: Read + ?Sized>(self, input: &mut R) -> Result<(u64, [u8; 32])> {
        let mut extra = [0u8; 1];
        if fill(input, &mut extra)? != 0 {
            return Err(EncodingError::TrailingBytes.into());
        }
        Ok((self.items.count(), self.items.root()))
    }
}

/// Decrypts a stream's frames in order under `keys` (STREAM over ChaCha20-Poly1305).
pub(super) struct ChunkDecryptor<'k> {
    /// `None` once the last frame is decrypted (`decrypt_last` consumes it).
    decryptor: Option<DecryptorBE32<ChaCha20Poly1305>>,
    ad: &'k [u8; 32],
}

impl<'k> ChunkDecryptor<'k> {
    pub(super) fn new(keys: &'k ChunkKeys) -> Self {
        let cipher = ChaCha20Poly1305::new(Key::from_slice(keys.key.as_ref()));
        Self {
            decryptor: Some(DecryptorBE32::from_aead(
                cipher,
                GenericArray::from_slice(&NONCE_PREFIX),
            )),
            ad: &keys.ad,
        }
    }

    /// The chunk of the next frame (the last one if `last`); `DecryptionFailed` if it
    /// does not authenticate.
    pub(super) fn open(&mut self, ciphertext: &[u8], last: bool) -> Result<Zeroizing<Vec<u8>>> {
        let payload = Payload {
            msg: ciphertext,
            aad: self.ad,
        };
        let chunk = if last {
            let decryptor = self.decryptor.take().ok_or(Error::DecryptionFailed)?;
            decryptor.decrypt_last(payload)
        } else {
            let decryptor = self.decryptor.as_mut().ok_or(Error::DecryptionFailed)?;
            decryptor.decrypt_next(payload)
        };
        chunk
            .map(Zeroizing::new)
            .map_err(|_| Error::DecryptionFailed)
    }
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
