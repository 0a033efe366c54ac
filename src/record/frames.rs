//! A stream's frames (`docs/formats.md`, "Stream"): the STREAM construction
//! (Hoang–Reyhanitabar–Rogaway–Vizár 2015) over ChaCha20-Poly1305, nonce = 7-byte prefix ‖
//! 32-bit big-endian counter ‖ last-chunk flag, each frame `flag ‖ u32 length ‖ ciphertext`.
//! Shared by both stream formats and by the catch-up of streams: the frames are the same;
//! what differs is where their key and associated data come from (`ChunkKeys`).

use std::io::{self, Read, Write};

use chacha20poly1305::aead::generic_array::GenericArray;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key};
use zeroize::Zeroizing;

use super::trailer::{RootBuilder, Trailer};
use crate::error::{EncodingError, Error, Result};

/// Poly1305 tag length.
const TAG_LEN: usize = 16;
/// The key of a stream is used for one stream only, so the nonce prefix is fixed.
const NONCE_PREFIX: [u8; 7] = [0; 7];
const FLAG_MORE: u8 = 0;
const FLAG_LAST: u8 = 1;

/// The chunks' key and associated data: for format v2 both come from the header (the key
/// from the KEM seed, the AD from the header's bytes); for v3 from the wrapped stream key
/// and the stream's stable fields (`docs/revocation-v3.md` §6.1), so a re-wrapped header
/// keeps every chunk valid.
pub(crate) struct ChunkKeys {
    pub(crate) key: Zeroizing<[u8; 32]>,
    pub(crate) ad: [u8; 32],
}

/// Reads until `buf` is full or the input ends; returns how many bytes were read.
pub(super) fn fill<R: Read + ?Sized>(input: &mut R, buf: &mut [u8]) -> io::Result<usize> {
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
