//! The catch-up of stored streams under a verified notice (`docs/revocation-v3.md` §6.3,
//! `docs/revocation.md` §0.1 step 4): which streams a notice concerns, the authority's
//! re-wrap of a closed stream's header with its trailer, and its re-encryption of a stream
//! whole. The mechanics are `record::stream_catch_up`'s.

use std::io::{Read, Write};

use rand_core::{CryptoRng, RngCore};

use super::VerifiedNotice;
use crate::abe::Authority;
use crate::error::{Error, Result};
use crate::policy::VersionedPolicy;
use crate::record::kem::KemHeader;
use crate::record::stream::StreamInfo;
use crate::record::stream_catch_up::Target;
use crate::record::trailer::Trailer;

impl StreamInfo {
    /// Whether `notice` concerns this stream: it is sealed under the notice's authority and
    /// names an attribute at a version lower than the notice's (a format v2 stream is at
    /// version 0 everywhere). Public data only: call it on [`read_stream_info`]'s result.
    ///
    /// [`read_stream_info`]: crate::read_stream_info
    pub fn needs_catch_up(&self, notice: &VerifiedNotice) -> bool {
        self.authority == notice.authority()
            && self
                .attribute_versions
                .iter()
                .any(|(name, v)| notice.notice().version_of(name) > *v)
    }
}

/// The catch-up target of a stream header under `notice`: its own policy (guard included)
/// at the notice's versions, refusing another authority's header or notice, a version
/// that would go down and a notice older than the one the header is at.
pub(super) fn target_under<'a>(
    authority: &'a Authority,
    notice: &'a VerifiedNotice,
) -> Box<Target<'a>> {
    Box::new(
        move |header: &KemHeader| -> Result<(VersionedPolicy, u64)> {
            let id = authority.public_key().id();
            if notice.authority() != id || header.authority != id {
                return Err(Error::WrongAuthority);
            }
            let versioned = notice.apply(header.policy.policy())?;
            let lower = header
                .policy
                .versions()
                .iter()
                .zip(versioned.versions())
                .any(|(old, new)| new < old);
            if lower {
                return Err(Error::FutureVersion);
            }
            if header.notice_serial().is_some_and(|s| s > notice.serial()) {
                return Err(Error::StaleNotice);
            }
            Ok((versioned, notice.serial()))
        },
    )
}

impl Authority {
    /// Catches a **closed** format v3 stream up to `notice` by re-wrapping its header: a
    /// new header at the notice's versions carrying `trailer`, followed by the stream's
    /// frames byte for byte (`docs/revocation-v3.md` §6.3). Keys issued before the
    /// notice's bumps (a revoked user's) stop opening it; every key issued under `notice`
    /// that satisfies the policy opens it, and checks the frames against the trailer, so
    /// frames forged by someone who kept the old stream key are refused. The authority
    /// never decrypts a chunk. Returns the new header's info (`info.trailer` is
    /// `Some(trailer)`).
    ///
    /// **When to re-wrap.** The stream key stays the same, so a revoked person who opened
    /// the old header keeps the chunks they could read then (as for records, R2 is about
    /// the store). Re-wrap only a stream closed **before** the revocation: its `trailer`
    /// ([`stream_trailer`](crate::stream_trailer)) logged by its sealer
    /// ([`Entry::for_stream_close`](crate::Entry::for_stream_close)) at a position that
    /// precedes the revoking notice's entry in the chain. A stream still being written
    /// when the notice was issued (its close entry follows it) may have chunks sealed
    /// after the revocation under a key the revoked person held: re-encrypt it
    /// ([`reencrypt_stream`](Self::reencrypt_stream)). The chain is the caller's to read;
    /// this function checks that `trailer` is this stream's, not that it was anchored:
    /// take it from the close entry's metadata (`Trailer::from_bytes(entry.metadata())`)
    /// in a chain you verified, not from storage beside the stream.
    ///
    /// On error, discard what was written to `output` (the frames are checked as they are
    /// copied; a mismatch is found at the last one).
    ///
    /// ```
    /// # use cipherchart::{seal_stream_with_notice, stream_trailer, Attribute, Authority, BlsSigningKey, NoticeFields, Policy, VersionNotice};
    /// # let mut rng = rand_core::OsRng;
    /// # let authority = Authority::setup(&mut rng);
    /// # let notice_key = BlsSigningKey::generate(&mut rng);
    /// # let notice = |serial: u64, bumps: u64, versions: Vec<(Attribute, u32)>| {
    /// #     VersionNotice::sign(&notice_key, &NoticeFields {
    /// #         authority: authority.public_key().id(), statement_serial: 0, serial,
    /// #         issued_at: serial, not_after: serial + 3600, bump_count: bumps,
    /// #         bump_head: [bumps as u8; 32], versions,
    /// #     })?.verify(&notice_key.public_key(), serial, None)
    /// # };
    /// let pk = authority.public_key();
    /// let n0 = notice(1_800_000_000, 0, vec![])?;
    /// let alice = authority.issue_key_under(&n0, &["role:nurse"], &mut rng)?;
    /// let mut stored = Vec::new();
    /// seal_stream_with_notice(pk, &n0, &Policy::parse("role:nurse")?, b"ecg-7", b"",
    ///     1024, &[5u8; 3000][..], &mut stored, &mut rng)?;
    /// let trailer = stream_trailer(&stored[..])?; // logged by the sealer at close
    ///
    /// // Alice leaves: role:nurse is bumped, the stored stream is re-wrapped.
    /// let n1 = notice(1_800_000_060, 1, vec![(Attribute::new("role:nurse")?, 1)])?;
    /// assert!(cipherchart::read_stream_info(&stored[..])?.needs_catch_up(&n1));
    /// let mut caught_up = Vec::new();
    /// authority.rewrap_stream(&stored[..], &trailer, &n1, &mut caught_up, &mut rng)?;
    /// assert!(alice.open_stream(pk, &caught_up[..], &mut Vec::new()).is_err());
    /// let bob = authority.issue_key_under(&n1, &["role:nurse"], &mut rng)?;
    /// let mut opened = Vec::new();
    /// bob.open_stream(pk, &caught_up[..], &mut opened)?;
    /// assert_eq!(opened, [5u8; 3000]);
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a format v2 stream, or a `trailer` that is not this
    /// stream's (another id, header or key commitment; for a stream re-wrapped before,
    /// other than the trailer it carries); [`Error::WrongAuthority`] if the stream or the
    /// notice is another authority's; [`Error::FutureVersion`], [`Error::StaleNotice`] as
    /// [`rewrap`](Self::rewrap); [`Error::DecryptionFailed`] if the header fails its checks
    /// or the frames are not the trailer's; [`Error::InvalidEncoding`] for a malformed
    /// header or bytes after the last frame; [`Error::Io`] if reading or writing fails.
    pub fn rewrap_stream<R, W, G>(
        &self,
        mut input: R,
        trailer: &Trailer,
        notice: &VerifiedNotice,
        mut output: W,
        rng: &mut G,
    ) -> Result<StreamInfo>
    where
        R: Read,
        W: Write,
        G: RngCore + CryptoRng + ?Sized,
    {
        let target = target_under(self, notice);
        self.rewrap_stream_to(&mut input, trailer, target, &mut output, rng)
    }

    /// Catches a stream up to `notice` by re-encrypting it whole: a new format v3 stream
    /// with the same id, metadata, chunk size and payload, under a fresh stream key, at the
    /// notice's versions (`docs/revocation-v3.md` §6.3). For a stream still being written
    /// when the notice was issued, and for every format v2 stream (it has no stream key to
    /// re-wrap, §12). No key from before the notice's bumps opens any of it, even one that
    /// opened the old stream. The authority sees the payload (decrypted and re-encrypted
    /// chunk by chunk, never held whole). Returns the new stream's info; its trailer (to
    /// log, as a sealer does at close) is [`stream_trailer`](crate::stream_trailer) of the
    /// output.
    ///
    /// A format v3 stream is read against `trailer`, which must be the one its sealer
    /// logged at close (as for [`rewrap_stream`](Self::rewrap_stream)): frames forged by
    /// someone who kept the stream key are refused rather than re-encrypted into a stream
    /// the authority vouches for. A v2 stream has no trailer: pass `None` (its frames are
    /// checked by the AEAD only, as its openers check them).
    ///
    /// On error, discard what was written to `output`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a v3 stream without a trailer or with one that is not
    /// its own, or a v2 stream with one; [`Error::WrongAuthority`],
    /// [`Error::FutureVersion`], [`Error::StaleNotice`] as
    /// [`rewrap_stream`](Self::rewrap_stream); [`Error::DecryptionFailed`] if the header,
    /// a chunk or the trailer check fails (a damaged or forged stream);
    /// [`Error::InvalidEncoding`] for a malformed header or bytes after the last frame;
    /// [`Error::Io`] if reading or writing fails.
    pub fn reencrypt_stream<R, W, G>(
        &self,
        mut input: R,
        trailer: Option<&Trailer>,
        notice: &VerifiedNotice,
        mut output: W,
        rng: &mut G,
    ) -> Result<StreamInfo>
    where
        R: Read,
        W: Write,
        G: RngCore + CryptoRng + ?Sized,
    {
        let target = target_under(self, notice);
        self.reencrypt_stream_to(&mut input, trailer, target, &mut output, rng)
    }
}
