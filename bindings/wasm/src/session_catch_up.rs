//! The catch-up of stored sessions after a revocation (`docs/revocation.md` §0.1 step 4):
//! trailers and inclusion proofs of session records, the authority's re-wrap and
//! re-encryption, opening a re-wrapped session, and the chain entries. All logic is the
//! Rust core's.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::abe::Authority;
use crate::chain::Entry;
use crate::draft::EntryDraft;
use crate::errors::to_js_err;
use crate::items::{batch_item, Item};
use crate::num::integer;
use crate::proofs::InclusionProof;
use crate::record::{
    optional_trailer, SessionHeader, SessionOpener, SessionRecord, SessionSealer, Trailer,
};
use crate::rng::rng;
use crate::version_notice::VerifiedNotice;

/// The records of a JavaScript array: `SessionRecord`s of this build (copied) or their
/// encodings.
fn records_of(values: &[JsValue]) -> Result<Vec<cipherchart::SessionRecord>, JsValue> {
    values
        .iter()
        .map(|value| {
            match batch_item::<SessionRecord>(
                value,
                "a SessionRecord of another cipherchart build",
                "expected a SessionRecord or a Uint8Array (or a freed record)",
            )? {
                Item::Copy(record) => Ok(record.0),
                Item::Bytes(bytes) => cipherchart::SessionRecord::from_bytes(&bytes),
            }
        })
        .collect::<Result<_, _>>()
        .map_err(to_js_err)
}

#[wasm_bindgen]
impl SessionRecord {
    /// Internal: a copy of this record for the calls that take an array of records, which
    /// take ownership of the copy (wasm-bindgen frees what it converts) and leave the
    /// caller's record alive. Not part of the typed API.
    #[wasm_bindgen(js_name = "__copyForBatch", skip_typescript)]
    pub fn copy_for_batch(&self) -> SessionRecord {
        self.clone()
    }
}

#[wasm_bindgen]
impl SessionHeader {
    /// The 32-byte key id of the authority whose public key sealed the header.
    #[wasm_bindgen(getter)]
    pub fn authority(&self) -> Vec<u8> {
        self.0.authority().to_vec()
    }

    /// For a format v3 header re-wrapped after close (`Authority.rewrapSession`): the
    /// trailer its records are checked against (open them with
    /// `SessionOpener.openIncluded` or `openAll`); `undefined` for a session as started and
    /// for v2.
    #[wasm_bindgen(getter)]
    pub fn trailer(&self) -> Option<Trailer> {
        self.0.trailer().cloned().map(Trailer)
    }

    /// Whether the verified `notice` concerns this session: it is sealed under the notice's
    /// authority and names an attribute at a version lower than the notice's (a format v2
    /// session is at version 0 everywhere). Public data only.
    #[wasm_bindgen(js_name = needsCatchUp)]
    pub fn needs_catch_up(&self, notice: &VerifiedNotice) -> bool {
        self.0.needs_catch_up(&notice.0)
    }
}

#[wasm_bindgen]
impl SessionSealer {
    /// The trailer of a format v3 session over the records sealed so far (the header's
    /// digest and key commitment, the count and Merkle root of the records). Log it when
    /// the session is closed (`EntryDraft.forSessionClose`): it lets the authority re-wrap
    /// the header at a later revocation.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a format v2 session.
    pub fn trailer(&self) -> Result<Trailer, JsValue> {
        self.0.trailer().map(Trailer).map_err(to_js_err)
    }

    /// Closes a format v3 session: no record is sealed after this (`seal` throws
    /// `InvalidArgument`), and the returned trailer, over every record it sealed, is the one
    /// to log (`EntryDraft.forSessionClose`). Closing again returns the same trailer.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a format v2 session (which stays open).
    pub fn close(&mut self) -> Result<Trailer, JsValue> {
        self.0.close().map(Trailer).map_err(to_js_err)
    }
}

#[wasm_bindgen]
impl SessionOpener {
    /// Opens one record of a re-wrapped session with the proof that it is the trailer's item
    /// at `proof.index` (`proveSessionRecord`).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a session with no trailer (use `open`),
    /// `DecryptionFailed` if the proof does not place the record under the trailer's root, or
    /// for a damaged record.
    #[wasm_bindgen(js_name = openIncluded)]
    pub fn open_included(
        &self,
        record: &SessionRecord,
        proof: &InclusionProof,
    ) -> Result<Vec<u8>, JsValue> {
        self.0.open_included(&record.0, &proof.0).map_err(to_js_err)
    }

    /// Opens every record of a session, in order, returning their payloads. For a
    /// re-wrapped session the records must be exactly the trailer's.
    ///
    /// # Errors
    /// Throws `DecryptionFailed` if they are not, or for a damaged record (nothing is
    /// returned then); `InvalidArgument` for an element that is not a `SessionRecord` or its
    /// encoding (`InvalidEncoding`: bytes that are not one).
    #[wasm_bindgen(js_name = openAll, unchecked_return_type = "Array<Uint8Array>")]
    pub fn open_all(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Array<SessionRecord | Uint8Array>")] records: Vec<
            JsValue,
        >,
    ) -> Result<Array, JsValue> {
        let records = records_of(&records)?;
        let payloads = self.0.open_all(&records).map_err(to_js_err)?;
        Ok(payloads
            .iter()
            .map(|p| JsValue::from(Uint8Array::from(&p[..])))
            .collect())
    }
}

#[wasm_bindgen]
impl Authority {
    /// Catches a **closed** format v3 session up to the verified `notice` by re-wrapping its
    /// header: a new header at the notice's versions carrying `trailer` (the one its sealer
    /// logged at close); the records stay as they are. Keys issued before the notice's bumps
    /// stop opening it; current keys open each record with its proof
    /// (`SessionOpener.openIncluded`) or all at once (`openAll`). Re-wrap only a session
    /// closed before the revocation; one still being sealed then is re-encrypted
    /// (`reencryptSession`).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a format v2 session or a `trailer` that is not this
    /// session's, `WrongAuthority`, `FutureVersion`, `StaleNotice` (as `rewrap`) or
    /// `DecryptionFailed` (a header that fails its checks).
    #[wasm_bindgen(js_name = rewrapSession)]
    pub fn rewrap_session(
        &self,
        header: &SessionHeader,
        trailer: &Trailer,
        notice: &VerifiedNotice,
    ) -> Result<SessionHeader, JsValue> {
        self.0
            .rewrap_session(&header.0, &trailer.0, &notice.0, &mut rng())
            .map(SessionHeader)
            .map_err(to_js_err)
    }

    /// Catches a session (format v2 or v3) up to the verified `notice` by re-encrypting it
    /// whole under a fresh session key: returns `{ header, records, trailer }`, the records
    /// keeping their sequence numbers and metadata, the trailer to log
    /// (`EntryDraft.forSessionClose`). A v3 session is checked against `trailer` (its
    /// sealer's; `records` must be exactly its records); a v2 session takes `null`, and its
    /// records' sequence numbers must increase.
    ///
    /// # Errors
    /// Throws `InvalidArgument` (a v3 session without its trailer, a v2 one with one,
    /// sequence numbers that do not increase, an element that is not a record;
    /// `InvalidEncoding`: bytes that are not one),
    /// `WrongAuthority`, `FutureVersion`, `StaleNotice` or `DecryptionFailed` (a damaged or
    /// forged record, records not the trailer's).
    #[wasm_bindgen(
        js_name = reencryptSession,
        unchecked_return_type = "{ header: SessionHeader; records: Array<SessionRecord>; trailer: Trailer }"
    )]
    pub fn reencrypt_session(
        &self,
        header: &SessionHeader,
        #[wasm_bindgen(unchecked_param_type = "Array<SessionRecord | Uint8Array>")] records: Vec<
            JsValue,
        >,
        #[wasm_bindgen(unchecked_param_type = "Trailer | null")] trailer: Option<JsValue>,
        notice: &VerifiedNotice,
    ) -> Result<Object, JsValue> {
        let records = records_of(&records)?;
        let trailer = optional_trailer(trailer)?;
        let (h, r, t) = self
            .0
            .reencrypt_session(&header.0, &records, trailer.as_ref(), &notice.0, &mut rng())
            .map_err(to_js_err)?;
        let records: Array = r
            .into_iter()
            .map(|r| JsValue::from(SessionRecord(r)))
            .collect();
        let out = Object::new();
        Reflect::set(&out, &"header".into(), &SessionHeader(h).into())?;
        Reflect::set(&out, &"records".into(), &records)?;
        Reflect::set(&out, &"trailer".into(), &Trailer(t).into())?;
        Ok(out)
    }
}

#[wasm_bindgen]
impl Authority {
    /// Catches up a format v3 session that was still being sealed at the revocation by
    /// splitting it at its last progress anchor before the notice: returns `{ prefix, tail,
    /// tailRecords, tailTrailer }`, the old header re-wrapped with `progress` (it opens the
    /// first `progress.count` records, each with its proof) and the records after it
    /// re-encrypted under `tail` (log `tailTrailer` as a close). `records` must be exactly
    /// the `close` trailer's, and their prefix the `progress` trailer's.
    ///
    /// # Errors
    /// Throws `InvalidArgument` (a v2 or re-wrapped header, trailers not this session's, a
    /// progress anchor of no record or of every record, an element that is not a record;
    /// `InvalidEncoding`: bytes that are not one),
    /// `WrongAuthority`, `FutureVersion`, `StaleNotice` or `DecryptionFailed` (anchors that
    /// disagree, records not the close trailer's).
    #[wasm_bindgen(
        js_name = splitSession,
        unchecked_return_type = "{ prefix: SessionHeader; tail: SessionHeader; tailRecords: Array<SessionRecord>; tailTrailer: Trailer }"
    )]
    pub fn split_session(
        &self,
        header: &SessionHeader,
        #[wasm_bindgen(unchecked_param_type = "Array<SessionRecord | Uint8Array>")] records: Vec<
            JsValue,
        >,
        progress: &Trailer,
        close: &Trailer,
        notice: &VerifiedNotice,
    ) -> Result<Object, JsValue> {
        let records = records_of(&records)?;
        let split = self
            .0
            .split_session(
                &header.0,
                &records,
                &progress.0,
                &close.0,
                &notice.0,
                &mut rng(),
            )
            .map_err(to_js_err)?;
        let tail_records: Array = split
            .tail_records
            .into_iter()
            .map(|r| JsValue::from(SessionRecord(r)))
            .collect();
        let out = Object::new();
        Reflect::set(&out, &"prefix".into(), &SessionHeader(split.prefix).into())?;
        Reflect::set(&out, &"tail".into(), &SessionHeader(split.tail).into())?;
        Reflect::set(&out, &"tailRecords".into(), &tail_records)?;
        Reflect::set(
            &out,
            &"tailTrailer".into(),
            &Trailer(split.tail_trailer).into(),
        )?;
        Ok(out)
    }
}

/// The trailer of a format v3 session computed from its header and records, in order (no
/// key): what its sealer's `SessionSealer.trailer()` gives for the same records. For a
/// re-wrapped header the records are checked against the trailer it carries, which is
/// returned. Unauthenticated: re-wrap with the trailer the sealer logged.
///
/// # Errors
/// Throws `InvalidArgument` for a format v2 session or an element that is not a record
/// (`InvalidEncoding`: bytes that are not one),
/// `DecryptionFailed` for records other than a re-wrapped header's trailer's.
#[wasm_bindgen(js_name = sessionTrailer)]
pub fn session_trailer(
    header: &SessionHeader,
    #[wasm_bindgen(unchecked_param_type = "Array<SessionRecord | Uint8Array>")] records: Vec<
        JsValue,
    >,
) -> Result<Trailer, JsValue> {
    let records = records_of(&records)?;
    cipherchart::session_trailer(&header.0, &records)
        .map(Trailer)
        .map_err(to_js_err)
}

/// The inclusion proof of `records[index]` under the trailer of `records` (the whole
/// session, in order): what an opener of one record of a re-wrapped session needs
/// (`SessionOpener.openIncluded`). Public data.
///
/// # Errors
/// Throws `InvalidArgument` for an index not below `records.length`, or an element that is
/// not a record.
#[wasm_bindgen(js_name = proveSessionRecord)]
pub fn prove_session_record(
    #[wasm_bindgen(unchecked_param_type = "Array<SessionRecord | Uint8Array>")] records: Vec<
        JsValue,
    >,
    index: f64,
) -> Result<InclusionProof, JsValue> {
    let records = records_of(&records)?;
    cipherchart::prove_session_record(&records, integer(index)?)
        .map(InclusionProof)
        .map_err(to_js_err)
}

/// The proofs of every record of a session (the whole session, in order), from one tree:
/// `proofs[i]` is `proveSessionRecord(records, i)`. What storage keeps beside a re-wrapped
/// session's records to serve them one at a time.
///
/// # Errors
/// Throws `InvalidArgument` for an element that is not a record (`InvalidEncoding`: bytes
/// that are not one).
#[wasm_bindgen(js_name = proveSessionRecords, unchecked_return_type = "Array<InclusionProof>")]
pub fn prove_session_records(
    #[wasm_bindgen(unchecked_param_type = "Array<SessionRecord | Uint8Array>")] records: Vec<
        JsValue,
    >,
) -> Result<Array, JsValue> {
    let records = records_of(&records)?;
    Ok(cipherchart::prove_session_records(&records)
        .into_iter()
        .map(|p| JsValue::from(InclusionProof(p)))
        .collect())
}

#[wasm_bindgen]
impl Entry {
    /// The draft logging a session's close: action `create`, subject the session id, digest
    /// the trailer's `digest`, metadata its `toBytes()` (`SessionSealer.trailer()` when the
    /// sealer stops). The anchor that lets the authority re-wrap the session's header at a
    /// later revocation (`Authority.rewrapSession`).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time or a stream trailer.
    #[wasm_bindgen(js_name = forSessionClose)]
    pub fn for_session_close(trailer: &Trailer, time: f64) -> Result<EntryDraft, JsValue> {
        cipherchart::Entry::for_session_close(&trailer.0, integer(time)?)
            .map(EntryDraft)
            .map_err(to_js_err)
    }

    /// The draft logging a session's progress anchor: action `update`, subject the session
    /// id, digest the trailer's `digest`, metadata its `toBytes()` (`SessionSealer.trailer()`
    /// while sealing). The last one before a revoking notice is where a session still being
    /// sealed then is split (`Authority.splitSession`).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time or a stream trailer.
    #[wasm_bindgen(js_name = forSessionProgress)]
    pub fn for_session_progress(trailer: &Trailer, time: f64) -> Result<EntryDraft, JsValue> {
        cipherchart::Entry::for_session_progress(&trailer.0, integer(time)?)
            .map(EntryDraft)
            .map_err(to_js_err)
    }

    /// The draft logging one session's catch-up from `old` to `caughtUp` (the headers before
    /// and after `Authority.rewrapSession` or `reencryptSession`): action `update`, subject
    /// the session id, digest the new header's `digest`, metadata the old header digest, the
    /// new one and, for a re-wrap, the carried trailer's digest (96 bytes; 64 for a
    /// re-encryption).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time, or if `caughtUp` is not a catch-up of `old`.
    #[wasm_bindgen(js_name = forSessionCatchUp)]
    pub fn for_session_catch_up(
        old: &SessionHeader,
        #[wasm_bindgen(js_name = caughtUp)] caught_up: &SessionHeader,
        time: f64,
    ) -> Result<EntryDraft, JsValue> {
        cipherchart::Entry::for_session_catch_up(&old.0, &caught_up.0, integer(time)?)
            .map(EntryDraft)
            .map_err(to_js_err)
    }
}
