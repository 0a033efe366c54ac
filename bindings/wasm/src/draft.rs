//! Chain entries of any action: `EntryDraft` (what happened, before it is signed), the
//! drafts the library builds from its own objects (`Entry.forSeal`, `forReencrypt`,
//! `ConsentToken.grantEntry`, `revokeEntry`, and a revocation's `Entry.forNotice`,
//! `forKeyUpdate`, `forCatchUp`, `forStrip`, and a stream's `forStreamClose`,
//! `forStreamCatchUp`), and the two ways into a `Chain`:
//! `signAndAppend` (the actor's key is here) and `append` (an entry signed elsewhere, checked
//! on the way in). Drafts, and the drafts of consent grants and revocations, are in both builds
//! (a ledger recomputes the entry that should log a token and compares), and so are those of
//! version notices; signing, the drafts of sealed records and `Chain` are in the full build
//! only.

use wasm_bindgen::prelude::*;

use crate::chain::hash;
#[cfg(feature = "full")]
use crate::chain::Chain;
use crate::chain::Entry;
use crate::consent::ConsentToken;
use crate::errors::to_js_err;
use crate::num::integer;
#[cfg(feature = "full")]
use crate::record::{SealedRecord, StreamInfo, Trailer};
#[cfg(feature = "full")]
use crate::sig::BlsSigningKey;
use crate::version_notice::VersionNotice;
use cipherchart::Action;
#[cfg(feature = "full")]
use cipherchart::Error;

/// The content of a chain entry before it has a place in a chain and a signature: when
/// (Unix seconds), what (an action), to what (a subject id), the 32-byte digest of the bytes
/// concerned, and public metadata. Sign it into a chain with `Chain.signAndAppend`, or
/// with `sign` at the chain's `length` and `lastHash` for an actor on another machine (the log
/// then takes the entry with `Chain.append`). Public data.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct EntryDraft(pub(crate) cipherchart::EntryDraft);

#[wasm_bindgen]
impl EntryDraft {
    /// A draft with empty metadata. `action` is the action's name, as `action` reads it back:
    /// `create`, `update`, `read`, `share`, `re-encrypt`, `grant`, `revoke`, `custody`, or
    /// an application-defined `extension-0x0100` … `extension-0xffff` (four lowercase hex
    /// digits); `digest` is 32 bytes.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for any other name, a bad time or a digest of another length.
    #[wasm_bindgen(constructor)]
    pub fn new(
        time: f64,
        action: &str,
        subject: &[u8],
        digest: &[u8],
    ) -> Result<EntryDraft, JsValue> {
        Ok(Self(cipherchart::EntryDraft::new(
            integer(time)?,
            Action::from_name(action).map_err(to_js_err)?,
            subject,
            hash(digest)?,
        )))
    }

    /// A draft whose digest is the SHA-256 of `payload` (any bytes the action concerns: a
    /// sensor reading, a document).
    ///
    /// # Errors
    /// As the constructor.
    #[wasm_bindgen(js_name = forPayload)]
    pub fn for_payload(
        time: f64,
        action: &str,
        subject: &[u8],
        payload: &[u8],
    ) -> Result<EntryDraft, JsValue> {
        Ok(Self(cipherchart::EntryDraft::for_payload(
            integer(time)?,
            Action::from_name(action).map_err(to_js_err)?,
            subject,
            payload,
        )))
    }

    /// A copy of this draft with `metadata` (public, at most 64 KiB, signed with the rest).
    #[wasm_bindgen(js_name = withMetadata)]
    pub fn with_metadata(&self, metadata: &[u8]) -> EntryDraft {
        Self(self.0.clone().with_metadata(metadata))
    }

    /// When it happened (Unix seconds).
    #[wasm_bindgen(getter)]
    pub fn time(&self) -> f64 {
        self.0.time as f64
    }

    /// The action's name (`create`, …, `extension-0x0100`).
    #[wasm_bindgen(getter)]
    pub fn action(&self) -> String {
        self.0.action.to_string()
    }

    /// The action's numeric code.
    #[wasm_bindgen(getter, js_name = actionCode)]
    pub fn action_code(&self) -> u16 {
        self.0.action.code()
    }

    /// What the entry is about (a record id, a lot number, …).
    #[wasm_bindgen(getter)]
    pub fn subject(&self) -> Vec<u8> {
        self.0.subject.clone()
    }

    /// The 32-byte digest.
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> Vec<u8> {
        self.0.digest.to_vec()
    }

    /// The public metadata.
    #[wasm_bindgen(getter)]
    pub fn metadata(&self) -> Vec<u8> {
        self.0.metadata.clone()
    }
}

/// Signing a draft needs a secret key: full build only.
#[cfg(feature = "full")]
#[wasm_bindgen]
impl EntryDraft {
    /// Signs the draft as entry number `sequence` of a chain whose last entry hash is `prev`
    /// (`Chain.length` and `Chain.lastHash`; 32 zero bytes for the first entry).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a subject over 1024 bytes, metadata over 64 KiB, a bad
    /// sequence or a `prev` of another length.
    pub fn sign(
        &self,
        sequence: f64,
        prev: &[u8],
        actor: &BlsSigningKey,
    ) -> Result<Entry, JsValue> {
        self.0
            .clone()
            .sign(integer(sequence)?, hash(prev)?, &actor.0)
            .map(Entry)
            .map_err(to_js_err)
    }
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl Entry {
    /// The draft logging the sealing of `record`: action `create`, subject its id, digest the
    /// SHA-256 of its `toBytes()`.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time.
    #[wasm_bindgen(js_name = forSeal)]
    pub fn for_seal(record: &SealedRecord, time: f64) -> Result<EntryDraft, JsValue> {
        Ok(EntryDraft(cipherchart::Entry::for_seal(
            &record.0,
            integer(time)?,
        )))
    }

    /// The draft logging a re-encryption: action `re-encrypt`, subject the record id, digest
    /// the SHA-256 of the re-encrypted record's `toBytes()`, metadata the 16-byte grant id
    /// (`ReKey.grantId`).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time or a grant id that is not 16 bytes.
    #[wasm_bindgen(js_name = forReencrypt)]
    pub fn for_reencrypt(
        reencrypted: &SealedRecord,
        #[wasm_bindgen(js_name = grantId)] grant_id: &[u8],
        time: f64,
    ) -> Result<EntryDraft, JsValue> {
        let grant_id = <[u8; 16]>::try_from(grant_id)
            .map_err(|_| to_js_err(Error::InvalidArgument("a grant id is 16 bytes")))?;
        Ok(EntryDraft(cipherchart::Entry::for_reencrypt(
            &reencrypted.0,
            grant_id,
            integer(time)?,
        )))
    }
}

/// The drafts of a revocation's notice and key updates: public data only, in both builds (a
/// ledger recomputes the entry that should log a notice and compares).
#[wasm_bindgen]
impl Entry {
    /// The draft logging a version notice that bumps (a revocation): action `revoke`, subject
    /// the authority id, digest the notice digest (`VersionNotice.digest`), metadata the
    /// notice's serial then its bump count (8 bytes each, big-endian).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time or a notice that reflects no bump.
    #[wasm_bindgen(js_name = forNotice)]
    pub fn for_notice(notice: &VersionNotice, time: f64) -> Result<EntryDraft, JsValue> {
        cipherchart::Entry::for_notice(&notice.0, integer(time)?)
            .map(EntryDraft)
            .map_err(to_js_err)
    }

    /// The draft logging the key updates a notice caused: action `grant`, subject the
    /// authority id, digest the notice digest, metadata the number of keys re-issued (8 bytes,
    /// big-endian). Who received them is not logged.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad count or time.
    #[wasm_bindgen(js_name = forKeyUpdate)]
    pub fn for_key_update(
        notice: &VersionNotice,
        #[wasm_bindgen(js_name = keysIssued)] keys_issued: f64,
        time: f64,
    ) -> Result<EntryDraft, JsValue> {
        Ok(EntryDraft(cipherchart::Entry::for_key_update(
            &notice.0,
            integer(keys_issued)?,
            integer(time)?,
        )))
    }
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl Entry {
    /// The draft logging one record's catch-up from `old` to `caughtUp`
    /// (`Authority.rewrap`): action `update`, subject the record id, digest the SHA-256 of
    /// `caughtUp.toBytes()`, metadata the old header digest then the new one (64 bytes).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time, or if `caughtUp` is not a catch-up of `old`
    /// (another authority, id, metadata or body, a v2 result, an older notice serial).
    #[wasm_bindgen(js_name = forCatchUp)]
    pub fn for_catch_up(
        old: &SealedRecord,
        #[wasm_bindgen(js_name = caughtUp)] caught_up: &SealedRecord,
        time: f64,
    ) -> Result<EntryDraft, JsValue> {
        cipherchart::Entry::for_catch_up(&old.0, &caught_up.0, integer(time)?)
            .map(EntryDraft)
            .map_err(to_js_err)
    }

    /// The draft logging a stream's close: action `create`, subject the stream id, digest the
    /// trailer's `digest`, metadata its `toBytes()` (`trailer` is `streamTrailer` of what the
    /// sealer wrote). The anchor that lets the authority re-wrap the stream's header at a
    /// later revocation (`Authority.rewrapStream`).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time or a session trailer.
    #[wasm_bindgen(js_name = forStreamClose)]
    pub fn for_stream_close(trailer: &Trailer, time: f64) -> Result<EntryDraft, JsValue> {
        cipherchart::Entry::for_stream_close(&trailer.0, integer(time)?)
            .map(EntryDraft)
            .map_err(to_js_err)
    }

    /// The draft logging one stream's catch-up from `old` to `caughtUp` (the `StreamInfo`
    /// of the stream before and after `Authority.rewrapStream` or `reencryptStream`): action
    /// `update`, subject the stream id, digest the new `headerDigest`, metadata the old
    /// header digest, the new one and, for a re-wrap, the digest of the trailer the new
    /// header carries (96 bytes; 64 for a re-encryption).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time, or if `caughtUp` is not a catch-up of `old`
    /// (another authority, id, metadata, policy or chunk size, a v2 result, the same header,
    /// an older notice serial, a re-wrap whose trailer is not the old stream's).
    #[wasm_bindgen(js_name = forStreamCatchUp)]
    pub fn for_stream_catch_up(
        old: &StreamInfo,
        #[wasm_bindgen(js_name = caughtUp)] caught_up: &StreamInfo,
        time: f64,
    ) -> Result<EntryDraft, JsValue> {
        cipherchart::Entry::for_stream_catch_up(&old.0, &caught_up.0, integer(time)?)
            .map(EntryDraft)
            .map_err(to_js_err)
    }

    /// The draft logging one record's strip from `old` to `stripped`
    /// (`SealedRecord.stripStaleHops`): action `update`, subject the record id, digest the
    /// SHA-256 of `stripped.toBytes()`, metadata the SHA-256 of `old.toBytes()`, then the hop
    /// counts before and after (34 bytes).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time, or unless `stripped` is `old` with fewer hops.
    #[wasm_bindgen(js_name = forStrip)]
    pub fn for_strip(
        old: &SealedRecord,
        stripped: &SealedRecord,
        time: f64,
    ) -> Result<EntryDraft, JsValue> {
        cipherchart::Entry::for_strip(&old.0, &stripped.0, integer(time)?)
            .map(EntryDraft)
            .map_err(to_js_err)
    }
}

#[wasm_bindgen]
impl ConsentToken {
    /// The draft logging this token's grant: action `grant`, subject the last block's
    /// revocation id (the grant its last signer made), digest the SHA-256 of `toBytes()`.
    /// Sign it with the last block's signer.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time.
    #[wasm_bindgen(js_name = grantEntry)]
    pub fn grant_entry(&self, time: f64) -> Result<EntryDraft, JsValue> {
        Ok(EntryDraft(self.0.grant_entry(integer(time)?)))
    }

    /// The draft revoking this token from its last block (action `revoke`). It counts only
    /// if signed by the token's issuer or a holder upstream of that block.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time.
    #[wasm_bindgen(js_name = revokeEntry)]
    pub fn revoke_entry(&self, time: f64) -> Result<EntryDraft, JsValue> {
        Ok(EntryDraft(self.0.revoke_entry(integer(time)?)))
    }
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl Chain {
    /// Signs `draft` with `actor` as the next entry and appends it. Returns its sequence
    /// number.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a subject or metadata too long.
    #[wasm_bindgen(js_name = signAndAppend)]
    pub fn sign_and_append(
        &mut self,
        draft: &EntryDraft,
        actor: &BlsSigningKey,
    ) -> Result<f64, JsValue> {
        self.sign_and_append_draft(draft.0.clone(), actor)
    }

    /// Appends an entry signed elsewhere (`EntryDraft.sign`), after checking that it sits at
    /// the next position, links to the last entry and carries a valid actor signature.
    /// Returns its sequence number.
    ///
    /// # Errors
    /// Throws `InvalidArgument` (not at the next position, or not linked to the last entry)
    /// or `VerificationFailed` (bad signature); the chain is then unchanged.
    pub fn append(&mut self, entry: &Entry) -> Result<f64, JsValue> {
        self.0
            .append(entry.0.clone())
            .map(|i| i as f64)
            .map_err(to_js_err)
    }
}
