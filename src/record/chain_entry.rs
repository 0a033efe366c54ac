//! The proof-chain entries that log a record: sealing it, and a proxy re-encryption's
//! result.
//!
//! They live here, not in `chain`: only this module knows what identifies a record (its id
//! and its encoding), and the chain is a log of any subject, below the record layer (it
//! imports `sig`, `hash` and `encoding`, never `record`). The public paths are unchanged:
//! `Entry::for_seal` and `Entry::for_reencrypt` are inherent constructors of
//! [`Entry`], built on the chain's plain-data [`EntryDraft::for_payload`].

use crate::chain::{Action, Entry, EntryDraft};
use crate::record::SealedRecord;

impl Entry {
    /// The draft that logs sealing `sealed`: action [`Action::Create`], subject = the
    /// record id, digest = SHA-256 of `sealed.to_bytes()` (anyone holding the record can
    /// recompute it with `sha256sum`).
    pub fn for_seal(sealed: &SealedRecord, time: u64) -> EntryDraft {
        EntryDraft::for_payload(time, Action::Create, sealed.record_id(), &sealed.to_bytes())
    }

    /// The draft that logs a proxy re-encryption whose **result** is `reencrypted`:
    /// action [`Action::ReEncrypt`], subject = the record id, digest = SHA-256 of the
    /// result's encoding, metadata = the 16-byte grant id of the re-key used.
    pub fn for_reencrypt(reencrypted: &SealedRecord, grant_id: [u8; 16], time: u64) -> EntryDraft {
        EntryDraft::for_payload(
            time,
            Action::ReEncrypt,
            reencrypted.record_id(),
            &reencrypted.to_bytes(),
        )
        .with_metadata(grant_id.to_vec())
    }
}
