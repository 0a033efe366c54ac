//! Catch-up of stored streams (`docs/revocation-v3.md` §6.3), and the trailer that lets it
//! happen: a closed stream's header is **re-wrapped** at newer versions with its trailer
//! (the chunks stay byte for byte, the authority never sees them decrypted), or the stream
//! is **re-encrypted whole** under a fresh stream key (when it was still being written at
//! the revocation, or is format v2).
//!
//! The authority opens the old header through the ordinary constant-time path with a
//! one-stream key for exactly its (name, version) pairs and the holder guard (§9.3), like
//! the catch-up of records (`rewrap.rs`).

use std::io::{Read, Write};

use rand_core::{CryptoRng, RngCore};

use super::envelope::{unwrap_committed_key, BodyKey};
use super::frames::{ChunkDecryptor, FrameReader, FrameWriter};
use super::kem::{decaps, KemHeader, Seed};
use super::stream::{read_header, ParsedHeader, StreamInfo};
use super::stream_v3;
use super::trailer::{Trailer, TrailerKind};
use crate::abe::Authority;
use crate::ct::after_wiping_stack;
use crate::error::{Error, Result};
use crate::policy::VersionedPolicy;
use crate::secret::random_seed;

/// Computes the trailer of a format v3 stream from its bytes (no key is needed): the
/// header's digest and key commitment, and the count and RFC 6962 root of its frames
/// (`docs/formats.md`, "Trailer (v3)"). The sealer logs it when the stream is closed
/// ([`Entry::for_stream_close`](crate::Entry::for_stream_close)); the authority re-wraps
/// the header with it at a revocation
/// ([`Authority::rewrap_stream`](crate::Authority::rewrap_stream)). For a stream whose
/// header was re-wrapped already, the frames are checked against the trailer it carries,
/// which is returned.
///
/// The result is **unauthenticated**, as [`read_stream_info`](crate::read_stream_info)'s
/// is: no key checks the header here, so a relabelled header (one no key opens) has a
/// trailer too. It is what the sealer vouches for by logging it; an authority re-wraps
/// with the trailer from that log entry, not one computed from what storage hands it.
///
/// ```
/// # use cipherchart::{seal_stream_with_notice, stream_trailer, Authority, BlsSigningKey, NoticeFields, Policy, VersionNotice};
/// # let mut rng = rand_core::OsRng;
/// # let authority = Authority::setup(&mut rng);
/// # let notice_key = BlsSigningKey::generate(&mut rng);
/// # let notice = VersionNotice::sign(&notice_key, &NoticeFields {
/// #     authority: authority.public_key().id(), statement_serial: 0, serial: 1_800_000_000,
/// #     issued_at: 1_800_000_000, not_after: 1_800_003_600, bump_count: 0,
/// #     bump_head: [0; 32], versions: vec![],
/// # })?.verify(&notice_key.public_key(), 1_800_000_000, None)?;
/// let policy = Policy::parse("role:radiologist")?;
/// let mut sealed = Vec::new();
/// seal_stream_with_notice(authority.public_key(), &notice, &policy, b"mri-9", b"",
///     1024, &[7u8; 3000][..], &mut sealed, &mut rng)?;
/// let trailer = stream_trailer(&sealed[..])?;
/// assert_eq!((trailer.id(), trailer.count()), (&b"mri-9"[..], 3));
/// # Ok::<(), cipherchart::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] for a format v2 stream (it has no trailer: its catch-up is
/// [`Authority::reencrypt_stream`](crate::Authority::reencrypt_stream));
/// [`Error::InvalidEncoding`] for a malformed header or bytes after the last frame;
/// [`Error::DecryptionFailed`] for a malformed or truncated frame, or frames other than a
/// re-wrapped header's trailer; [`Error::Io`] if reading fails.
pub fn stream_trailer<R: Read>(mut input: R) -> Result<Trailer> {
    let parsed = read_header(&mut input)?;
    if !parsed.is_v3() {
        return Err(Error::InvalidArgument(
            "a format v2 stream has no trailer: re-encrypt it",
        ));
    }
    let carried = parsed.info.trailer.as_ref();
    let mut frames = FrameReader::new(parsed.info.chunk_size, carried);
    while !frames.read(&mut input)? {}
    let (count, root) = frames.finish(&mut input)?;
    if let Some(carried) = carried {
        return Ok(carried.clone());
    }
    let id = &parsed.info.stream_id;
    Trailer::over(TrailerKind::Stream, id, &parsed.header, (count, root))
}

/// Refuses a trailer that is not the stream's: for a stream as sealed, another kind, id,
/// header digest or key commitment; for a re-wrapped one, other than the trailer it
/// carries.
fn check_trailer(parsed: &ParsedHeader, trailer: &Trailer) -> Result<()> {
    let (id, carried) = (&parsed.info.stream_id, parsed.info.trailer.as_ref());
    trailer.check_names(TrailerKind::Stream, id, &parsed.header, carried)
}

/// What the catch-up of one stream re-seals at: the header's policy at the notice's
/// versions and the notice's serial, or the caller's refusal (wrong authority, a version
/// or serial that would go back).
pub(crate) type Target<'a> = dyn FnOnce(&KemHeader) -> Result<(VersionedPolicy, u64)> + 'a;

impl Authority {
    /// Re-wraps a closed v3 stream's header at `target`'s versions with `trailer`,
    /// copying the frames byte for byte and checking them against it.
    pub(crate) fn rewrap_stream_to<R, W, G>(
        &self,
        input: &mut R,
        trailer: &Trailer,
        target: Box<Target<'_>>,
        output: &mut W,
        rng: &mut G,
    ) -> Result<StreamInfo>
    where
        R: Read + ?Sized,
        W: Write + ?Sized,
        G: RngCore + CryptoRng + ?Sized,
    {
        after_wiping_stack(|| {
            let parsed = read_header(input)?;
            if !parsed.is_v3() {
                return Err(Error::InvalidArgument(
                    "a format v2 stream is caught up by re-encryption",
                ));
            }
            let info = &parsed.info;
            check_trailer(&parsed, trailer)?;
            let (policy, serial) = target(&parsed.header)?;
            let seed = self.open_header(&parsed, rng)?;
            let body_key = unwrap_committed_key(&parsed.header, &seed, &parsed.ctx)?.0;
            let (header, _, new_info) = stream_v3::wrap(
                self.public_key(),
                &policy,
                serial,
                (&info.stream_id, &info.metadata, info.chunk_size),
                Some(trailer),
                &body_key,
                rng,
            )?;
            output.write_all(&header)?;
            let mut frames = FrameReader::new(info.chunk_size, Some(trailer));
            loop {
                let last = frames.read(input)?;
                output.write_all(frames.frame())?;
                if last {
                    break;
                }
            }
            frames.finish(input)?;
            output.flush()?;
            Ok(new_info)
        })
    }

    /// Re-encrypts a stream (v2 or v3) whole at `target`'s versions under a fresh stream
    /// key: same id, metadata and chunk size, no trailer (the result is an ordinary closed
    /// stream, anchored like a sealer's). A v3 stream's frames are read against its
    /// `trailer` (the one its sealer logged), so frames forged with its stream key are
    /// refused, not re-encrypted (outside review SC-37); a v2 stream has none.
    pub(crate) fn reencrypt_stream_to<R, W, G>(
        &self,
        input: &mut R,
        trailer: Option<&Trailer>,
        target: Box<Target<'_>>,
        output: &mut W,
        rng: &mut G,
    ) -> Result<StreamInfo>
    where
        R: Read + ?Sized,
        W: Write + ?Sized,
        G: RngCore + CryptoRng + ?Sized,
    {
        after_wiping_stack(|| {
            let parsed = read_header(input)?;
            match (parsed.is_v3(), trailer) {
                (true, Some(trailer)) => check_trailer(&parsed, trailer)?,
                (false, None) => {}
                (true, None) => {
                    return Err(Error::InvalidArgument(
                        "a format v3 stream is re-encrypted against its trailer",
                    ))
                }
                (false, Some(_)) => {
                    return Err(Error::InvalidArgument("a format v2 stream has no trailer"))
                }
            }
            let (policy, serial) = target(&parsed.header)?;
            let seed = self.open_header(&parsed, rng)?;
            let old_keys = parsed.chunk_keys(&seed)?;
            let info = &parsed.info;
            let body_key: BodyKey = random_seed(rng);
            let stream = (&info.stream_id[..], &info.metadata[..], info.chunk_size);
            let (header, new_keys, new_info) = stream_v3::wrap(
                self.public_key(),
                &policy,
                serial,
                stream,
                None,
                &body_key,
                rng,
            )?;
            output.write_all(&header)?;
            let mut frames = FrameReader::new(info.chunk_size, trailer);
            let mut chunks = ChunkDecryptor::new(&old_keys);
            let mut sealed = FrameWriter::new(&new_keys);
            loop {
                let last = frames.read(input)?;
                let chunk = chunks.open(frames.ciphertext(), last)?;
                sealed.write(&chunk, last, output)?;
                if last {
                    break;
                }
            }
            frames.finish(input)?;
            output.flush()?;
            Ok(new_info)
        })
    }

    /// The KEM seed of a stream header, through a one-stream key for exactly its (name,
    /// version) pairs and the guard (§9.3); any failure is `DecryptionFailed`.
    fn open_header<G: RngCore + CryptoRng + ?Sized>(
        &self,
        parsed: &ParsedHeader,
        rng: &mut G,
    ) -> Result<Seed> {
        let key = self.one_record_key(&parsed.header.policy, rng)?;
        decaps(&key, self.public_key(), &parsed.header, &parsed.ctx)
            .map_err(|_| Error::DecryptionFailed)
    }
}
