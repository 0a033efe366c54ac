//! The authority's catch-up of a stored record under a verified notice
//! (`docs/revocation-v3.md` §9): the public face of the crate-internal re-wrap
//! (`record::rewrap`).

use rand_core::{CryptoRng, RngCore};

use super::VerifiedNotice;
use crate::abe::Authority;
use crate::error::{Error, Result};
use crate::record::SealedRecord;

impl Authority {
    /// Catches `record` up to `notice`'s versions: a new KEM header for the same body, so
    /// that keys issued before the notice's bumps (a revoked user's) stop opening it,
    /// while every key issued under `notice` whose attributes satisfy the policy opens it
    /// (`docs/revocation-v3.md` §9, R2).
    ///
    /// For a format v3 record this changes only the header: the body, the record id and
    /// the metadata stay byte for byte, and the authority never sees the payload. The body
    /// is hashed once and compared with the header's body commitment (outside review
    /// RV-2: a body storage damaged is refused rather than vouched for by a new header and
    /// its chain entry; about 0.5 ms per MiB). A format v2 record has no separable body key: it is re-encrypted whole
    /// into a v3 record with the same id, metadata and payload (the authority sees the
    /// payload, `docs/revocation-v3.md` §12). Re-encryption hops are dropped (each hop is
    /// bound to the header it transformed; proxies re-apply them, §9.5).
    ///
    /// The record is opened with a key for exactly its header's (name, version) pairs,
    /// issued for this call and erased after it, through the ordinary constant-time open
    /// path (§9.3). Use [`SealedRecord::needs_catch_up`] to select the records a notice
    /// concerns, and log each result ([`Entry::for_catch_up`](crate::Entry::for_catch_up)).
    ///
    /// ```
    /// # use cipherchart::{seal_with_notice, Attribute, Authority, BlsSigningKey, NoticeFields, Policy, VersionNotice};
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
    /// let stored = seal_with_notice(pk, &n0, &"role:nurse".parse::<Policy>()?, b"r", b"", b"x", &mut rng)?;
    ///
    /// // Alice leaves: role:nurse is bumped, the stored record is caught up.
    /// let n1 = notice(1_800_000_060, 1, vec![(Attribute::new("role:nurse")?, 1)])?;
    /// assert!(stored.needs_catch_up(&n1));
    /// let caught_up = authority.rewrap(&stored, &n1, &mut rng)?;
    /// assert!(alice.open(pk, &caught_up).is_err());
    /// let bob = authority.issue_key_under(&n1, &["role:nurse"], &mut rng)?;
    /// assert_eq!(bob.open(pk, &caught_up)?, b"x");
    /// assert_eq!(caught_up.body_commitment(), stored.body_commitment());
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongAuthority`] if the record or the notice is another authority's;
    /// [`Error::FutureVersion`] if the record is at a version above the notice's for some
    /// name, [`Error::StaleNotice`] if it was sealed or caught up under a notice of a higher
    /// serial (in both cases: catch it up with the newer notice);
    /// [`Error::DecryptionFailed`] if the record's header, envelope or body fails its
    /// checks (a damaged or forged record: nothing is re-wrapped).
    pub fn rewrap<R: RngCore + CryptoRng + ?Sized>(
        &self,
        record: &SealedRecord,
        notice: &VerifiedNotice,
        rng: &mut R,
    ) -> Result<SealedRecord> {
        if notice.authority() != self.public_key().id() {
            return Err(Error::WrongAuthority);
        }
        let versioned = notice.apply(record.policy())?;
        let old = record.attribute_versions();
        if old
            .iter()
            .zip(versioned.versions())
            .any(|((_, old), new)| new < old)
        {
            return Err(Error::FutureVersion);
        }
        // The serial records which notice the header is current for: it never goes back
        // (outside review RV-1).
        if record.notice_serial().is_some_and(|s| s > notice.serial()) {
            return Err(Error::StaleNotice);
        }
        self.rewrap_at(record, &versioned, notice.serial(), rng)
    }
}
