//! The proof-chain entries of a revocation (`docs/revocation-v3.md` §1, R4): the notice
//! that bumps, the key updates it causes, and each stored record's catch-up.
//!
//! They are format v2 chain entries with standard actions until the v3 entry payloads
//! (§11.9: `bump`, `notice`, `catch-up-intent`, `catch-up-commit`) are built; the fields
//! below carry what an auditor needs from those: the notice's digest and serial, the
//! number of keys re-issued (never who received them, §8.1), and each record's old and
//! new header digests.

use sha2::{Digest, Sha256};

use crate::chain::{Action, Entry, EntryDraft};
use crate::error::{Error, Result};
use crate::record::SealedRecord;
use crate::revocation::VersionNotice;

impl Entry {
    /// The draft that logs a version notice that changes versions (a revocation):
    /// action [`Action::Revoke`], subject = the authority id, digest = the notice digest
    /// ([`VersionNotice::digest`]), metadata = `u64 serial ‖ u64 bump_count`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a notice that reflects no bump (`bump_count` 0): it
    /// revokes nothing.
    pub fn for_notice(notice: &VersionNotice, time: u64) -> Result<EntryDraft> {
        if notice.bump_count() == 0 {
            return Err(Error::InvalidArgument(
                "a notice that reflects no bump revokes nothing",
            ));
        }
        let mut metadata = Vec::with_capacity(16);
        metadata.extend_from_slice(&notice.serial().to_be_bytes());
        metadata.extend_from_slice(&notice.bump_count().to_be_bytes());
        Ok(
            EntryDraft::new(time, Action::Revoke, notice.authority(), notice.digest())
                .with_metadata(metadata),
        )
    }

    /// The draft that logs the key updates a notice caused: action [`Action::Grant`],
    /// subject = the authority id, digest = the notice digest, metadata = `u64 count` of
    /// keys re-issued under it. Who received them is not logged (the person ↔ key link
    /// stays with the authority, `docs/revocation-v3.md` §8.1).
    pub fn for_key_update(notice: &VersionNotice, keys_issued: u64, time: u64) -> EntryDraft {
        EntryDraft::new(time, Action::Grant, notice.authority(), notice.digest())
            .with_metadata(keys_issued.to_be_bytes().to_vec())
    }

    /// The draft that logs one record's catch-up from `old` to `new`
    /// ([`Authority::rewrap`](crate::Authority::rewrap)): action [`Action::Update`],
    /// subject = the record id, digest = SHA-256 of `new.to_bytes()`, metadata = the old
    /// header digest ‖ the new header digest (64 bytes), so an auditor walking the store
    /// finds each stored header either sealed (its create entry) or caught up from one.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `new` is not a catch-up of `old`: another authority,
    /// record id, metadata or policy, a format v2 result, the same header (nothing was
    /// replaced), an older notice serial, or (for a v3 `old`) another body commitment
    /// (outside reviews: a draft must not log unrelated records as one). A v2 `old` has no
    /// body commitment: its catch-up re-encrypts the payload, which no public check can
    /// compare, so for it the entry's signer vouches for the payload (id, metadata and
    /// policy are checked).
    pub fn for_catch_up(old: &SealedRecord, new: &SealedRecord, time: u64) -> Result<EntryDraft> {
        let same = old.authority() == new.authority()
            && old.record_id() == new.record_id()
            && old.metadata() == new.metadata()
            && old.policy() == new.policy()
            && old.header_digest() != new.header_digest()
            && new.body_commitment().is_some()
            && new.notice_serial() >= old.notice_serial()
            && old
                .body_commitment()
                .is_none_or(|c| Some(c) == new.body_commitment());
        if !same {
            return Err(Error::InvalidArgument(
                "not a catch-up of that record: authority, id, metadata or body differ",
            ));
        }
        let mut metadata = Vec::with_capacity(64);
        metadata.extend_from_slice(&old.header_digest());
        metadata.extend_from_slice(&new.header_digest());
        Ok(
            EntryDraft::for_payload(time, Action::Update, new.record_id(), &new.to_bytes())
                .with_metadata(metadata),
        )
    }

    /// The draft that logs one record's **strip** from `old` to `new`
    /// ([`SealedRecord::strip_stale_hops`]): action [`Action::Update`], subject = the
    /// record id, digest = SHA-256 of `new.to_bytes()`, metadata = SHA-256 of
    /// `old.to_bytes()` ‖ `u8` hops before ‖ `u8` hops after (34 bytes). The header is
    /// unchanged by a strip, so a catch-up entry ([`for_catch_up`](Self::for_catch_up))
    /// cannot log it; this one lets an auditor find each stored copy either as made or
    /// stripped from one.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] unless `new` is `old` with fewer hops (its first hops,
    /// byte for byte).
    pub fn for_strip(old: &SealedRecord, new: &SealedRecord, time: u64) -> Result<EntryDraft> {
        let kept = new.hop_count();
        if kept >= old.hop_count() || old.truncated(kept).to_bytes() != new.to_bytes() {
            return Err(Error::InvalidArgument(
                "not a strip of that record: the result must be its first hops, fewer of them",
            ));
        }
        let old_digest: [u8; 32] = Sha256::digest(old.to_bytes()).into();
        let mut metadata = Vec::with_capacity(34);
        metadata.extend_from_slice(&old_digest);
        // Both at most MAX_HOPS.
        metadata.push(old.hop_count() as u8);
        metadata.push(kept as u8);
        Ok(
            EntryDraft::for_payload(time, Action::Update, new.record_id(), &new.to_bytes())
                .with_metadata(metadata),
        )
    }
}
