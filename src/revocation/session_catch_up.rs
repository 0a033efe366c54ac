//! The catch-up of stored sessions under a verified notice (`docs/revocation-v3.md` §6.3,
//! `docs/revocation.md` §0.1 step 4): which sessions a notice concerns, the authority's
//! re-wrap of a closed session's header with its trailer, and its re-encryption of a
//! session whole. The mechanics are `record::session_catch_up`'s.

use rand_core::{CryptoRng, RngCore};

use super::stream_catch_up::target_under;
use super::VerifiedNotice;
use crate::abe::Authority;
use crate::error::Result;
use crate::record::session::{SessionHeader, SessionRecord};
use crate::record::session_resealer::SplitSession;
use crate::record::trailer::Trailer;

impl SessionHeader {
    /// Whether `notice` concerns this session: it is sealed under the notice's authority
    /// and names an attribute at a version lower than the notice's (a format v2 session is
    /// at version 0 everywhere). Public data only.
    pub fn needs_catch_up(&self, notice: &VerifiedNotice) -> bool {
        self.authority() == notice.authority()
            && self
                .attribute_versions()
                .iter()
                .any(|(name, v)| notice.notice().version_of(name) > *v)
    }
}

impl Authority {
    /// Catches a **closed** format v3 session up to `notice` by re-wrapping its header: a
    /// new header at the notice's versions carrying `trailer`; the records stay byte for
    /// byte and the authority never sees them (`docs/revocation-v3.md` §6.3). Keys issued
    /// before the notice's bumps (a revoked user's) stop opening the header; every key
    /// issued under `notice` that satisfies the policy opens it, and then opens each
    /// record with the proof that it is the trailer's
    /// ([`SessionOpener::open_included`](crate::SessionOpener::open_included), proofs from
    /// [`prove_session_record`](crate::prove_session_record)) or all records at once
    /// ([`SessionOpener::open_all`](crate::SessionOpener::open_all)), so records forged by
    /// someone who kept the old session key are refused.
    ///
    /// **When to re-wrap.** The session key stays the same, so a revoked person who opened
    /// the old header keeps the records they could read then (as for records and streams,
    /// R2 is about the store). Re-wrap only a session closed **before** the revocation:
    /// its `trailer` ([`SessionSealer::trailer`](crate::SessionSealer::trailer)) logged by
    /// its sealer ([`Entry::for_session_close`](crate::Entry::for_session_close)) at a
    /// position that precedes the revoking notice's entry in the chain. A session still
    /// being sealed when the notice was issued may have records sealed after the revocation
    /// under a key the revoked person held: re-encrypt it
    /// ([`reencrypt_session`](Self::reencrypt_session)). The chain is the caller's to read;
    /// this function checks that `trailer` is this session's (its kind, id, header digest
    /// and key commitment), not that it was anchored nor that it covers every record: take
    /// it from the close entry's metadata in a chain you verified, the session's **last**
    /// close entry (a sealer closes once, [`SessionSealer::close`](crate::SessionSealer::close)).
    /// A trailer over only the first records (one taken with
    /// [`SessionSealer::trailer`](crate::SessionSealer::trailer) while the session went on)
    /// is accepted, and the re-wrapped header then vouches for those records only: the
    /// later ones open for no current key, and stay readable to whoever kept the old
    /// session key (outside review SCA-29).
    ///
    /// ```
    /// # use cipherchart::{prove_session_record, start_session_with_notice, Attribute, Authority, BlsSigningKey, NoticeFields, Policy, VersionNotice};
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
    /// let policy = Policy::parse("role:nurse")?;
    /// let (header, mut sealer) = start_session_with_notice(pk, &n0, &policy, b"bed-7", b"", &mut rng)?;
    /// let records = vec![sealer.seal(b"hr", b"72 bpm")?, sealer.seal(b"hr", b"75 bpm")?];
    /// let trailer = sealer.close()?; // logged by the sealer: Entry::for_session_close
    ///
    /// // Alice leaves: role:nurse is bumped, the stored session is re-wrapped.
    /// let n1 = notice(1_800_000_060, 1, vec![(Attribute::new("role:nurse")?, 1)])?;
    /// assert!(header.needs_catch_up(&n1));
    /// let caught_up = authority.rewrap_session(&header, &trailer, &n1, &mut rng)?;
    /// assert!(alice.open_session(pk, &caught_up).is_err());
    /// let bob = authority.issue_key_under(&n1, &["role:nurse"], &mut rng)?;
    /// let opener = bob.open_session(pk, &caught_up)?;
    /// let proof = prove_session_record(&records, 1)?;
    /// assert_eq!(opener.open_included(&records[1], &proof)?, b"75 bpm");
    /// assert_eq!(opener.open_all(&records)?.len(), 2);
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a format v2 session, or a `trailer` that is not this
    /// session's (another id, header or key commitment; for a session re-wrapped before,
    /// other than the trailer it carries); [`Error::WrongAuthority`] if the session or the
    /// notice is another authority's; [`Error::FutureVersion`], [`Error::StaleNotice`] as
    /// [`rewrap`](Self::rewrap); [`Error::DecryptionFailed`] if the header fails its checks.
    ///
    /// [`Error::InvalidArgument`]: crate::Error::InvalidArgument
    /// [`Error::WrongAuthority`]: crate::Error::WrongAuthority
    /// [`Error::FutureVersion`]: crate::Error::FutureVersion
    /// [`Error::StaleNotice`]: crate::Error::StaleNotice
    /// [`Error::DecryptionFailed`]: crate::Error::DecryptionFailed
    pub fn rewrap_session<G: RngCore + CryptoRng + ?Sized>(
        &self,
        header: &SessionHeader,
        trailer: &Trailer,
        notice: &VerifiedNotice,
        rng: &mut G,
    ) -> Result<SessionHeader> {
        self.rewrap_session_to(header, trailer, target_under(self, notice), rng)
    }

    /// Catches a session up to `notice` by re-encrypting it whole: a new format v3 session
    /// with the same id and metadata, and each record's sequence number, metadata and
    /// payload, under a fresh session key at the notice's versions
    /// (`docs/revocation-v3.md` §6.3). For a session still being sealed when the notice was
    /// issued, and for every format v2 session (it has no session key to re-wrap, §12). No
    /// key from before the notice's bumps opens any of it, even one that opened the old
    /// session. The authority sees the payloads. Returns the new header, its records (in
    /// the order given) and their trailer, to log as a sealer does at close
    /// ([`Entry::for_session_close`](crate::Entry::for_session_close)); the new header
    /// carries no trailer, so its records open with
    /// [`SessionOpener::open`](crate::SessionOpener::open). As for any session as started,
    /// a current reader could then add records under its key; to have openers check every
    /// record against the returned trailer, re-wrap the result at once with it
    /// ([`rewrap_session`](Self::rewrap_session), same notice).
    ///
    /// A format v3 session is checked against `trailer`, which must be the one its sealer
    /// logged at close (as for [`rewrap_session`](Self::rewrap_session)): `records` must
    /// be exactly its records, so records forged by someone who kept the session key are
    /// refused rather than re-encrypted into a session the authority vouches for. A v2
    /// session has no trailer: pass `None`; its records are checked by the AEAD only (as
    /// its openers check them), and their sequence numbers must increase (no record
    /// twice).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a v3 session without a trailer or with one that is
    /// not its own, a v2 session with one, or sequence numbers that do not increase;
    /// [`Error::WrongAuthority`], [`Error::FutureVersion`], [`Error::StaleNotice`] as
    /// [`rewrap_session`](Self::rewrap_session); [`Error::DecryptionFailed`] if the header
    /// or a record fails its checks, or the records are not the trailer's.
    ///
    /// [`Error::InvalidArgument`]: crate::Error::InvalidArgument
    /// [`Error::WrongAuthority`]: crate::Error::WrongAuthority
    /// [`Error::FutureVersion`]: crate::Error::FutureVersion
    /// [`Error::StaleNotice`]: crate::Error::StaleNotice
    /// [`Error::DecryptionFailed`]: crate::Error::DecryptionFailed
    pub fn reencrypt_session<G: RngCore + CryptoRng + ?Sized>(
        &self,
        header: &SessionHeader,
        records: &[SessionRecord],
        trailer: Option<&Trailer>,
        notice: &VerifiedNotice,
        rng: &mut G,
    ) -> Result<(SessionHeader, Vec<SessionRecord>, Trailer)> {
        let target = target_under(self, notice);
        self.reencrypt_session_to(header, records, trailer, target, rng)
    }

    /// Catches up a session that was still being sealed at the revocation by **splitting**
    /// it at its last progress anchor before the revoking notice (`docs/revocation-v3.md`
    /// §6.3): the first `progress.count()` records keep their session key under the old
    /// header re-wrapped with the `progress` trailer (as [`rewrap_session`](Self::rewrap_session);
    /// the authority does not read them), and the records after it are re-encrypted under a
    /// new header of the same session id (as [`reencrypt_session`](Self::reencrypt_session);
    /// the authority sees their payloads). A revoked reader who opened the old header
    /// keeps the records before the anchor (they were sealed before the revocation, which
    /// the anchor's place in the chain shows) and opens none after it.
    ///
    /// `progress` is the trailer the sealer logged with
    /// [`Entry::for_session_progress`](crate::Entry::for_session_progress) at the last
    /// position **before** the revoking notice's entry ([`SessionSealer::trailer`](crate::SessionSealer::trailer)
    /// while sealing), `close` the one it logged at close
    /// ([`Entry::for_session_close`](crate::Entry::for_session_close)), and `records` the
    /// session's records in order, exactly the close trailer's. The first
    /// `progress.count()` of them must be exactly the progress trailer's: if they are not,
    /// the sealer's two anchors disagree, and the session is refused
    /// (`DecryptionFailed`; design §6.3: quarantine it). Log the tail's trailer as a close
    /// and both halves as catch-ups
    /// ([`Entry::for_session_catch_up`](crate::Entry::for_session_catch_up) from the old
    /// header to `prefix` and to `tail`).
    ///
    /// The tail carries no trailer: as for [`reencrypt_session`](Self::reencrypt_session),
    /// re-wrap it at once with `tail_trailer` (same notice) to have its openers check every
    /// record. The split does not check that `notice` bumps a name of the session (a split
    /// under a notice that revokes nothing is harmless); that is
    /// [`SessionHeader::needs_catch_up`]'s job.
    ///
    /// **A crashed sealer** (one that never closed) has no close trailer. The authority
    /// force-closes its session at its last progress anchor, and logs that trailer with
    /// [`Entry::for_session_close`](crate::Entry::for_session_close):
    /// - if that anchor precedes the revoking notice's entry, by re-wrapping the header with
    ///   it ([`rewrap_session`](Self::rewrap_session));
    /// - if it follows the notice (records after the revocation are under it), by splitting
    ///   at the last anchor **before** the notice, with the last anchor as `close` (a re-wrap
    ///   with the last anchor would vouch for records sealed after the revocation under the
    ///   old key; outside review SPA-19);
    /// - with no anchor before the notice, by re-encrypting the records of its last anchor
    ///   ([`reencrypt_session`](Self::reencrypt_session) with that trailer), or, with no
    ///   anchor at all, by re-wrapping it with the empty trailer
    ///   ([`session_trailer`](crate::session_trailer)`(&header, &[])`), which admits no
    ///   record.
    ///
    /// The records after the anchor used are then quarantined: no current key opens them.
    ///
    /// [`SessionHeader::needs_catch_up`]: crate::SessionHeader::needs_catch_up
    ///
    /// ```
    /// # use cipherchart::{prove_session_records, start_session_with_notice, Attribute, Authority, BlsSigningKey, NoticeFields, Policy, VersionNotice};
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
    /// let policy = Policy::parse("role:nurse")?;
    /// let (header, mut sealer) = start_session_with_notice(pk, &n0, &policy, b"bed-7", b"", &mut rng)?;
    /// let mut records = vec![sealer.seal(b"hr", b"72 bpm")?, sealer.seal(b"hr", b"73 bpm")?];
    /// let progress = sealer.trailer()?; // logged: Entry::for_session_progress
    /// // role:nurse is bumped here; the sealer goes on until it sees the notice.
    /// let n1 = notice(1_800_000_060, 1, vec![(Attribute::new("role:nurse")?, 1)])?;
    /// records.push(sealer.seal(b"hr", b"75 bpm")?);
    /// let close = sealer.close()?; // logged: Entry::for_session_close
    ///
    /// let split = authority.split_session(&header, &records, &progress, &close, &n1, &mut rng)?;
    /// let bob = authority.issue_key_under(&n1, &["role:nurse"], &mut rng)?;
    /// let before = bob.open_session(pk, &split.prefix)?;
    /// let proofs = prove_session_records(&records[..2]);
    /// assert_eq!(before.open_included(&records[1], &proofs[1])?, b"73 bpm");
    /// let after = bob.open_session(pk, &split.tail)?;
    /// assert_eq!(after.open(&split.tail_records[0])?, b"75 bpm");
    /// assert_eq!(split.tail_records[0].sequence(), 2);
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a v2 or re-wrapped header, trailers that are not this
    /// session's, a progress trailer that covers no record or every record (re-encrypt, or
    /// re-wrap with the close trailer, instead), or records whose sequence numbers do not
    /// increase; [`Error::DecryptionFailed`] if the
    /// records are not the close trailer's, their prefix is not the progress trailer's, or
    /// a record or the header fails its checks; [`Error::WrongAuthority`],
    /// [`Error::FutureVersion`], [`Error::StaleNotice`] as
    /// [`rewrap_session`](Self::rewrap_session).
    ///
    /// [`Error::InvalidArgument`]: crate::Error::InvalidArgument
    /// [`Error::WrongAuthority`]: crate::Error::WrongAuthority
    /// [`Error::FutureVersion`]: crate::Error::FutureVersion
    /// [`Error::StaleNotice`]: crate::Error::StaleNotice
    /// [`Error::DecryptionFailed`]: crate::Error::DecryptionFailed
    pub fn split_session<G: RngCore + CryptoRng + ?Sized>(
        &self,
        header: &SessionHeader,
        records: &[SessionRecord],
        progress: &Trailer,
        close: &Trailer,
        notice: &VerifiedNotice,
        rng: &mut G,
    ) -> Result<SplitSession> {
        let target = target_under(self, notice);
        self.split_session_to(header, records, (progress, close), target, rng)
    }
}
