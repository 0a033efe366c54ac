//! The authority's catch-up of a stored session (`docs/revocation-v3.md` §6.3): the re-wrap
//! of a closed session's header with its trailer, the re-encryption of a session whole
//! under a fresh session key, and the **split** of a session that was still being sealed
//! at the revocation at its last progress anchor before it: the records the anchor covers
//! keep their key under a re-wrapped header, the rest are re-encrypted.
//!
//! The authority opens the old header through the ordinary constant-time path with a
//! one-session key for exactly its (name, version) pairs and the holder guard (§9.3), like
//! the catch-up of records (`rewrap.rs`).

use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use super::envelope::{unwrap_committed_key, BodyKey};
use super::kem::decaps;
use super::session::{SessionHeader, SessionRecord, SessionSecret};
use super::session_catch_up::{check_records, check_trailer, roots_of, session_trailer};
use super::session_v3;
use super::stream_catch_up::Target;
use super::trailer::Trailer;
use crate::abe::Authority;
use crate::ct::{after_wiping_aead_stack, after_wiping_stack};
use crate::error::{Error, Result};
use crate::policy::VersionedPolicy;
use crate::secret::random_seed;

/// A session split at a progress anchor ([`Authority::split_session`]): the records the
/// anchor covers under a re-wrapped header that carries the anchor's trailer, and the
/// records after it re-encrypted under a new header of the same session id.
///
/// [`Authority::split_session`]: crate::Authority::split_session
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitSession {
    /// The old header re-wrapped with the progress anchor's trailer: it opens records
    /// `0 … s − 1` (the first `s` of the records given), each with its proof.
    pub prefix: SessionHeader,
    /// The new header of the records after the anchor (a fresh session key, no trailer).
    pub tail: SessionHeader,
    /// The records after the anchor, re-encrypted under `tail`, each keeping its sequence
    /// number and metadata.
    pub tail_records: Vec<SessionRecord>,
    /// The trailer of `tail_records` under `tail`, to log as a close
    /// ([`Entry::for_session_close`](crate::Entry::for_session_close)).
    pub tail_trailer: Trailer,
}

/// Refuses records whose sequence numbers do not strictly increase (a record twice, or
/// out of order): a re-sealed part never vouches for a second "record n" of a session
/// (outside review SPA-21).
fn check_increasing(records: &[SessionRecord]) -> Result<()> {
    if records
        .windows(2)
        .all(|w| w[0].sequence() < w[1].sequence())
    {
        Ok(())
    } else {
        Err(Error::InvalidArgument(
            "the records' sequence numbers must increase",
        ))
    }
}

impl Authority {
    /// `K_b` of a v3 session header, through a one-session key for exactly its (name,
    /// version) pairs and the guard (§9.3); any failure is `DecryptionFailed`.
    fn session_body_key<G: RngCore + CryptoRng + ?Sized>(
        &self,
        header: &SessionHeader,
        rng: &mut G,
    ) -> Result<BodyKey> {
        let key = self.one_record_key(&header.header.policy, rng)?;
        let ctx = header.context();
        let seed = decaps(&key, self.public_key(), &header.header, &ctx)
            .map_err(|_| Error::DecryptionFailed)?;
        unwrap_committed_key(&header.header, &seed, &ctx)
            .map(|(body_key, _)| body_key)
            .map_err(|_| Error::DecryptionFailed)
    }

    /// `records`, opened under `old`, sealed again under a fresh session key at `policy`
    /// (same id and metadata as `header`, each record's sequence number and metadata kept),
    /// with their trailer.
    fn reseal<G: RngCore + CryptoRng + ?Sized>(
        &self,
        header: &SessionHeader,
        old: &SessionSecret,
        records: &[SessionRecord],
        (policy, serial): (&VersionedPolicy, u64),
        rng: &mut G,
    ) -> Result<(SessionHeader, Vec<SessionRecord>, Trailer)> {
        let body_key: BodyKey = random_seed(rng);
        let session = (header.session_id(), header.metadata(), header.policy());
        let (new_header, new) = session_v3::wrap(
            self.public_key(),
            policy,
            serial,
            session,
            None,
            &body_key,
            rng,
        )?;
        let mut sealed = Vec::with_capacity(records.len());
        for record in records {
            let payload = Zeroizing::new(after_wiping_aead_stack(|| old.open_record(record))?);
            let again = after_wiping_aead_stack(|| {
                new.seal_record(record.sequence(), record.metadata(), &payload)
            })?;
            sealed.push(again);
        }
        let trailer = session_trailer(&new_header, &sealed)?;
        Ok((new_header, sealed, trailer))
    }

    /// Re-wraps a closed v3 session's header at `target`'s versions with `trailer`; its
    /// records stay as they are.
    pub(crate) fn rewrap_session_to<G: RngCore + CryptoRng + ?Sized>(
        &self,
        header: &SessionHeader,
        trailer: &Trailer,
        target: Box<Target<'_>>,
        rng: &mut G,
    ) -> Result<SessionHeader> {
        after_wiping_stack(|| {
            if !header.is_v3() {
                return Err(Error::InvalidArgument(
                    "a format v2 session is caught up by re-encryption",
                ));
            }
            check_trailer(header, trailer)?;
            let (policy, serial) = target(&header.header)?;
            let body_key = self.session_body_key(header, rng)?;
            let session = (header.session_id(), header.metadata(), header.policy());
            let (new_header, _) = session_v3::wrap(
                self.public_key(),
                &policy,
                serial,
                session,
                Some(trailer),
                &body_key,
                rng,
            )?;
            Ok(new_header)
        })
    }

    /// Re-encrypts a session (v2 or v3) whole at `target`'s versions under a fresh session
    /// key: same id, metadata, and each record's sequence number and metadata, no trailer
    /// in the header (an ordinary closed session; the returned trailer is logged like a
    /// sealer's). A v3 session's records are checked against its `trailer` (the one its
    /// sealer logged) first; a v2 session has none, and its records' sequence numbers must
    /// increase.
    pub(crate) fn reencrypt_session_to<G: RngCore + CryptoRng + ?Sized>(
        &self,
        header: &SessionHeader,
        records: &[SessionRecord],
        trailer: Option<&Trailer>,
        target: Box<Target<'_>>,
        rng: &mut G,
    ) -> Result<(SessionHeader, Vec<SessionRecord>, Trailer)> {
        after_wiping_stack(|| {
            match (header.is_v3(), trailer) {
                (true, Some(trailer)) => {
                    check_trailer(header, trailer)?;
                    check_records(trailer, records)?;
                }
                (false, None) => {}
                (true, None) => {
                    return Err(Error::InvalidArgument(
                        "a format v3 session is re-encrypted against its trailer",
                    ))
                }
                (false, Some(_)) => {
                    return Err(Error::InvalidArgument("a format v2 session has no trailer"))
                }
            }
            check_increasing(records)?;
            let (policy, serial) = target(&header.header)?;
            let key = self.one_record_key(&header.header.policy, rng)?;
            let old = SessionSecret::open(&key, self.public_key(), header)
                .map_err(|_| Error::DecryptionFailed)?;
            self.reseal(header, &old, records, (&policy, serial), rng)
        })
    }

    /// Splits a v3 session (as started) at its progress anchor `progress`: checks the
    /// records against the close trailer `close` and their first `progress.count` against
    /// `progress` (so the sealer's two anchors are consistent), re-wraps the header with
    /// `progress` and re-encrypts the records after it (design §6.3).
    pub(crate) fn split_session_to<G: RngCore + CryptoRng + ?Sized>(
        &self,
        header: &SessionHeader,
        records: &[SessionRecord],
        (progress, close): (&Trailer, &Trailer),
        target: Box<Target<'_>>,
        rng: &mut G,
    ) -> Result<SplitSession> {
        after_wiping_stack(|| {
            if !header.is_v3() || header.trailer().is_some() {
                return Err(Error::InvalidArgument(
                    "only a format v3 session as started is split (a v2 session is \
                     re-encrypted, a re-wrapped one re-wrapped)",
                ));
            }
            check_trailer(header, progress)?;
            check_trailer(header, close)?;
            if progress.count == 0 || progress.count >= close.count {
                return Err(Error::InvalidArgument(
                    "the progress anchor must cover some records but not all: with none, \
                     re-encrypt the session; with all, re-wrap it with the close trailer",
                ));
            }
            check_increasing(records)?;
            if records.len() as u64 != close.count {
                return Err(Error::DecryptionFailed);
            }
            // `progress.count < close.count == records.len()`: in range.
            let s = usize::try_from(progress.count).map_err(|_| Error::DecryptionFailed)?;
            // Both roots from one pass: the records must be the close trailer's, and their
            // first `s` the progress trailer's (else the sealer's anchors disagree: §6.3,
            // quarantine the whole session).
            let (prefix_root, root) = roots_of(records, s);
            if root != close.root || prefix_root != progress.root {
                return Err(Error::DecryptionFailed);
            }
            let (policy, serial) = target(&header.header)?;
            let body_key = self.session_body_key(header, rng)?;
            let session = (header.session_id(), header.metadata(), header.policy());
            let (prefix, old) = session_v3::wrap(
                self.public_key(),
                &policy,
                serial,
                session,
                Some(progress),
                &body_key,
                rng,
            )?;
            let (tail, tail_records, tail_trailer) =
                self.reseal(header, &old, &records[s..], (&policy, serial), rng)?;
            Ok(SplitSession {
                prefix,
                tail,
                tail_records,
                tail_trailer,
            })
        })
    }
}
