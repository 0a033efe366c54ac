//! Sealed records, sessions and streams.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::abe::PublicKey;
use crate::errors::to_js_err;
use crate::policy::Policy;
use crate::rng::rng;
use crate::version_notice::{name_versions, VerifiedNotice};

/// Seals `payload` under `policy`: a fresh KEM header, then an AEAD bound to the record id and
/// the (public, authenticated) metadata.
///
/// # Errors
/// Throws `InvalidArgument` if the record id, metadata or payload exceed their bounds.
#[wasm_bindgen]
pub fn seal(
    pk: &PublicKey,
    policy: &Policy,
    #[wasm_bindgen(js_name = recordId)] record_id: &[u8],
    metadata: &[u8],
    payload: &[u8],
) -> Result<SealedRecord, JsValue> {
    cipherchart::seal(
        &pk.0,
        policy.as_ref(),
        record_id,
        metadata,
        payload,
        &mut rng(),
    )
    .map(SealedRecord)
    .map_err(to_js_err)
}

/// Seals `payload` under `policy` at the versions of the verified `notice`: a format v3
/// record that keys issued before a bump of one of the policy's names do not open, and that
/// the authority can later catch up (`Authority.rewrap`) without touching its body.
///
/// # Errors
/// Throws `WrongAuthority` if the notice is not `pk`'s authority's, `InvalidAttribute` if the
/// policy names the reserved `cipherchart:key-holder`, `InvalidArgument` if the record id,
/// metadata or payload exceed their bounds.
#[wasm_bindgen(js_name = sealWithNotice)]
pub fn seal_with_notice(
    pk: &PublicKey,
    notice: &VerifiedNotice,
    policy: &Policy,
    #[wasm_bindgen(js_name = recordId)] record_id: &[u8],
    metadata: &[u8],
    payload: &[u8],
) -> Result<SealedRecord, JsValue> {
    cipherchart::seal_with_notice(
        &pk.0,
        &notice.0,
        policy.as_ref(),
        record_id,
        metadata,
        payload,
        &mut rng(),
    )
    .map(SealedRecord)
    .map_err(to_js_err)
}

/// An encrypted record: header, ciphertext, and any re-encryption hops. Holds no secret.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct SealedRecord(pub(crate) cipherchart::SealedRecord);

#[wasm_bindgen]
impl SealedRecord {
    /// Internal: a copy of this record for the batch calls, which take ownership of the copy
    /// (wasm-bindgen frees what it converts) and leave the caller's record alive. A copy of
    /// the decoded record, not a re-decoding of its bytes. Not part of the typed API.
    #[wasm_bindgen(js_name = "__copyForBatch", skip_typescript)]
    pub fn copy_for_batch(&self) -> SealedRecord {
        self.clone()
    }

    /// The 32-byte key id of the newest layer's authority: `authority` unless a
    /// cross-authority re-key referred the record to another (`docs/federation.md`).
    #[wasm_bindgen(getter, js_name = currentAuthority)]
    pub fn current_authority(&self) -> Vec<u8> {
        self.0.current_authority().to_vec()
    }

    /// The policy the record was sealed under.
    #[wasm_bindgen(getter)]
    pub fn policy(&self) -> Policy {
        self.0.policy().clone().into()
    }

    /// The policy of the newest layer: who can open the record now.
    #[wasm_bindgen(getter, js_name = currentPolicy)]
    pub fn current_policy(&self) -> Policy {
        self.0.current_policy().clone().into()
    }

    /// The 32-byte key id of the authority whose public key sealed the record (its
    /// `PublicKey.id`).
    #[wasm_bindgen(getter)]
    pub fn authority(&self) -> Vec<u8> {
        self.0.authority().to_vec()
    }

    /// The record id given at sealing.
    #[wasm_bindgen(getter, js_name = recordId)]
    pub fn record_id(&self) -> Vec<u8> {
        self.0.record_id().to_vec()
    }

    /// The metadata given at sealing (public, authenticated).
    #[wasm_bindgen(getter)]
    pub fn metadata(&self) -> Vec<u8> {
        self.0.metadata().to_vec()
    }

    /// A 32-byte digest of the record's header (what receipts and consents refer to).
    #[wasm_bindgen(getter, js_name = headerDigest)]
    pub fn header_digest(&self) -> Vec<u8> {
        self.0.header_digest().to_vec()
    }

    /// How many times the record has been re-encrypted.
    #[wasm_bindgen(getter, js_name = hopCount)]
    pub fn hop_count(&self) -> u32 {
        u32::try_from(self.0.hop_count()).unwrap_or(u32::MAX)
    }

    /// The qualified id of the newest hop's grant: 48 bytes, its source authority's key id
    /// then the grant id (the `ReKey.grant` of the re-key that made the hop); `undefined` for
    /// a record without hops. A format v3 re-key whose `parent` is this grant transforms the
    /// record further (`DelegationKey.rekeyUnder`).
    #[wasm_bindgen(getter, js_name = newestGrant)]
    pub fn newest_grant(&self) -> Option<Vec<u8>> {
        self.0.newest_grant().map(|g| g.to_bytes().to_vec())
    }

    /// The record's policy attributes with their versions, `[name, version]` in LSSS row
    /// order (every version 0 for a format v2 record).
    #[wasm_bindgen(js_name = attributeVersions, unchecked_return_type = "Array<[string, number]>")]
    pub fn attribute_versions(&self) -> js_sys::Array {
        name_versions(&self.0.attribute_versions())
    }

    /// The serial of the version notice the record was sealed (or last caught up) under;
    /// `undefined` for a format v2 record.
    #[wasm_bindgen(getter, js_name = noticeSerial)]
    pub fn notice_serial(&self) -> Option<f64> {
        self.0.notice_serial().map(|s| s as f64)
    }

    /// The 32-byte body commitment of a format v3 record (`Authority.rewrap` keeps it);
    /// `undefined` for a format v2 record. Storage can check stored bodies against it.
    #[wasm_bindgen(getter, js_name = bodyCommitment)]
    pub fn body_commitment(&self) -> Option<Vec<u8>> {
        self.0.body_commitment().map(|c| c.to_vec())
    }

    /// Whether a catch-up under `notice` concerns this record: a layer of the notice's
    /// authority (the record's own header, or a hop's capsules) names a name at a lower
    /// version than the notice's (public data, no group work). A record whose own header is
    /// current but a hop is not is stripped (`stripStaleHops`), not caught up.
    #[wasm_bindgen(js_name = needsCatchUp)]
    pub fn needs_catch_up(&self, notice: &VerifiedNotice) -> bool {
        self.0.needs_catch_up(&notice.0)
    }

    /// The record without its hops from the first stale one on: the first hop whose layer
    /// is of `notice`'s authority and names a name below the notice's version (the hops
    /// below it stay byte for byte); `undefined` if no hop is stale. Public: storage strips
    /// a selected record whose own header is current, and proxies re-apply their grants
    /// with current re-keys. This is how a revocation at the hospital a record was
    /// referred to reaches the stored copy.
    #[wasm_bindgen(js_name = stripStaleHops)]
    pub fn strip_stale_hops(&self, notice: &VerifiedNotice) -> Option<SealedRecord> {
        self.0.strip_stale_hops(&notice.0).map(SealedRecord)
    }
}

/// The public header of a session: one KEM encapsulation shared by many records.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct SessionHeader(pub(crate) cipherchart::SessionHeader);

#[wasm_bindgen]
impl SessionHeader {
    /// The session id given at start.
    #[wasm_bindgen(getter, js_name = sessionId)]
    pub fn session_id(&self) -> Vec<u8> {
        self.0.session_id().to_vec()
    }

    /// The session's metadata.
    #[wasm_bindgen(getter)]
    pub fn metadata(&self) -> Vec<u8> {
        self.0.metadata().to_vec()
    }

    /// The session's policy.
    #[wasm_bindgen(getter)]
    pub fn policy(&self) -> Policy {
        self.0.policy().clone().into()
    }

    /// A 32-byte digest of the header.
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> Vec<u8> {
        self.0.digest().to_vec()
    }

    /// The serial of the version notice a format v3 session was started under
    /// (`startSessionWithNotice`); `undefined` for a format v2 session.
    #[wasm_bindgen(getter, js_name = noticeSerial)]
    pub fn notice_serial(&self) -> Option<f64> {
        self.0.notice_serial().map(|s| s as f64)
    }

    /// The policy's attributes with their versions, `[name, version]` in LSSS row order
    /// (every version 0 for a format v2 session).
    #[wasm_bindgen(js_name = attributeVersions, unchecked_return_type = "Array<[string, number]>")]
    pub fn attribute_versions(&self) -> js_sys::Array {
        name_versions(&self.0.attribute_versions())
    }
}

/// One record of a session. Holds no secret.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct SessionRecord(pub(crate) cipherchart::SessionRecord);

#[wasm_bindgen]
impl SessionRecord {
    /// The record's position in its session (0, 1, …), as a number.
    #[wasm_bindgen(getter)]
    pub fn sequence(&self) -> f64 {
        // Sequences count records sealed in one session: far below 2^53.
        self.0.sequence() as f64
    }

    /// The record's metadata.
    #[wasm_bindgen(getter)]
    pub fn metadata(&self) -> Vec<u8> {
        self.0.metadata().to_vec()
    }
}

/// Seals records of one session. Secret-holding: `free()` (or `Symbol.dispose`) wipes it.
#[wasm_bindgen]
#[derive(Debug)]
pub struct SessionSealer(pub(crate) cipherchart::SessionSealer);

#[wasm_bindgen]
impl SessionSealer {
    /// Seals the next record of the session.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for oversized metadata or payload, or when the session is
    /// exhausted.
    pub fn seal(&mut self, metadata: &[u8], payload: &[u8]) -> Result<SessionRecord, JsValue> {
        self.0
            .seal(metadata, payload)
            .map(SessionRecord)
            .map_err(to_js_err)
    }

    /// The sequence number the next record will get.
    #[wasm_bindgen(getter, js_name = nextSequence)]
    pub fn next_sequence(&self) -> f64 {
        self.0.next_sequence() as f64
    }
}

/// Opens records of one session (from `UserKey.openSession`). Secret-holding: `free()` (or
/// `Symbol.dispose`) wipes it.
#[wasm_bindgen]
#[derive(Debug)]
pub struct SessionOpener(pub(crate) cipherchart::SessionOpener);

#[wasm_bindgen]
impl SessionOpener {
    /// Opens one record of the session.
    ///
    /// # Errors
    /// Throws `DecryptionFailed` for a tampered record or one from another session.
    pub fn open(&self, record: &SessionRecord) -> Result<Vec<u8>, JsValue> {
        self.0.open(&record.0).map_err(to_js_err)
    }
}

/// Starts a session under `policy`: returns `{ header, sealer }`. Publish the header; seal
/// records with the sealer (free it when done).
///
/// # Errors
/// Throws `InvalidArgument` for an oversized id or metadata.
#[wasm_bindgen(
    js_name = startSession,
    unchecked_return_type = "{ header: SessionHeader; sealer: SessionSealer }"
)]
pub fn start_session(
    pk: &PublicKey,
    policy: &Policy,
    #[wasm_bindgen(js_name = sessionId)] session_id: &[u8],
    metadata: &[u8],
) -> Result<Object, JsValue> {
    let (header, sealer) =
        cipherchart::start_session(&pk.0, policy.as_ref(), session_id, metadata, &mut rng())
            .map_err(to_js_err)?;
    let out = Object::new();
    Reflect::set(&out, &"header".into(), &SessionHeader(header).into())?;
    Reflect::set(&out, &"sealer".into(), &SessionSealer(sealer).into())?;
    Ok(out)
}

/// Starts a session under `policy` at the versions of the verified `notice` (format v3):
/// keys issued before a bump of one of the policy's names do not open it. Its records open
/// as any session's (`UserKey.openSession`).
///
/// # Errors
/// Throws `WrongAuthority` if the notice is not `pk`'s authority's, `InvalidAttribute` if the
/// policy names the reserved `cipherchart:key-holder`, `InvalidArgument` for an oversized id
/// or metadata.
#[wasm_bindgen(
    js_name = startSessionWithNotice,
    unchecked_return_type = "{ header: SessionHeader; sealer: SessionSealer }"
)]
pub fn start_session_with_notice(
    pk: &PublicKey,
    notice: &VerifiedNotice,
    policy: &Policy,
    #[wasm_bindgen(js_name = sessionId)] session_id: &[u8],
    metadata: &[u8],
) -> Result<Object, JsValue> {
    let (header, sealer) = cipherchart::start_session_with_notice(
        &pk.0,
        &notice.0,
        policy.as_ref(),
        session_id,
        metadata,
        &mut rng(),
    )
    .map_err(to_js_err)?;
    let out = Object::new();
    Reflect::set(&out, &"header".into(), &SessionHeader(header).into())?;
    Reflect::set(&out, &"sealer".into(), &SessionSealer(sealer).into())?;
    Ok(out)
}

/// Seals a whole buffer as a chunked stream (the format `UserKey.openStream` reads), in chunks
/// of `chunkSize` bytes (default 64 KiB, at most 16 MiB). The web has no synchronous byte
/// streams, so this takes and returns whole buffers; the format is the core's streaming one.
///
/// # Errors
/// Throws `InvalidArgument` for oversized id or metadata or a chunk size out of range.
#[wasm_bindgen(js_name = sealStream)]
pub fn seal_stream(
    pk: &PublicKey,
    policy: &Policy,
    #[wasm_bindgen(js_name = streamId)] stream_id: &[u8],
    metadata: &[u8],
    payload: &[u8],
    #[wasm_bindgen(js_name = chunkSize)] chunk_size: Option<f64>,
) -> Result<Vec<u8>, JsValue> {
    let mut out = Vec::new();
    cipherchart::seal_stream_with_chunk_size(
        &pk.0,
        policy.as_ref(),
        stream_id,
        metadata,
        chunk_size_of(chunk_size)?,
        payload,
        &mut out,
        &mut rng(),
    )
    .map_err(to_js_err)?;
    Ok(out)
}

/// Seals a whole buffer as a format v3 stream under `policy` at the versions of the verified
/// `notice`, in chunks of `chunkSize` bytes (default 64 KiB, at most 16 MiB): keys issued
/// before a bump of one of the policy's names do not open it. It opens as any stream
/// (`UserKey.openStream`).
///
/// # Errors
/// Throws `WrongAuthority` if the notice is not `pk`'s authority's, `InvalidAttribute` if the
/// policy names the reserved `cipherchart:key-holder`, `InvalidArgument` for an oversized id
/// or metadata or a chunk size out of range.
#[wasm_bindgen(js_name = sealStreamWithNotice)]
pub fn seal_stream_with_notice(
    pk: &PublicKey,
    notice: &VerifiedNotice,
    policy: &Policy,
    #[wasm_bindgen(js_name = streamId)] stream_id: &[u8],
    metadata: &[u8],
    payload: &[u8],
    #[wasm_bindgen(js_name = chunkSize)] chunk_size: Option<f64>,
) -> Result<Vec<u8>, JsValue> {
    let mut out = Vec::new();
    cipherchart::seal_stream_with_notice(
        &pk.0,
        &notice.0,
        policy.as_ref(),
        stream_id,
        metadata,
        chunk_size_of(chunk_size)?,
        payload,
        &mut out,
        &mut rng(),
    )
    .map_err(to_js_err)?;
    Ok(out)
}

/// The `chunkSize` argument: the default when absent, else a whole number up to 2³² − 1 (the
/// core then refuses 0 and anything above 16 MiB). Taken as a number, not a `u32`, which the
/// generated glue would reduce modulo 2³² (2³² + 1000 became 1000: outside review SB-1).
fn chunk_size_of(chunk_size: Option<f64>) -> Result<u32, JsValue> {
    match chunk_size {
        None => Ok(cipherchart::limits::DEFAULT_CHUNK_SIZE),
        Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => Ok(n as u32),
        Some(_) => Err(to_js_err(cipherchart::Error::InvalidArgument(
            "chunk size out of range",
        ))),
    }
}

/// The public header of a stream.
#[wasm_bindgen]
#[derive(Debug)]
pub struct StreamInfo(pub(crate) cipherchart::StreamInfo);

#[wasm_bindgen]
impl StreamInfo {
    /// Reads the public header of a stream without decrypting anything.
    ///
    /// # Errors
    /// Throws `InvalidEncoding` for a malformed header.
    pub fn read(stream: &[u8]) -> Result<StreamInfo, JsValue> {
        cipherchart::read_stream_info(stream)
            .map(Self)
            .map_err(to_js_err)
    }

    /// The stream id given at sealing.
    #[wasm_bindgen(getter, js_name = streamId)]
    pub fn stream_id(&self) -> Vec<u8> {
        self.0.stream_id.clone()
    }

    /// The metadata given at sealing.
    #[wasm_bindgen(getter)]
    pub fn metadata(&self) -> Vec<u8> {
        self.0.metadata.clone()
    }

    /// The policy the stream is sealed under.
    #[wasm_bindgen(getter)]
    pub fn policy(&self) -> Policy {
        self.0.policy.clone().into()
    }

    /// The plaintext chunk size.
    #[wasm_bindgen(getter, js_name = chunkSize)]
    pub fn chunk_size(&self) -> u32 {
        self.0.chunk_size
    }

    /// The serial of the version notice a format v3 stream was sealed under
    /// (`sealStreamWithNotice`); `undefined` for a format v2 stream.
    #[wasm_bindgen(getter, js_name = noticeSerial)]
    pub fn notice_serial(&self) -> Option<f64> {
        self.0.notice_serial.map(|s| s as f64)
    }

    /// The policy's attributes with their versions, `[name, version]` in LSSS row order
    /// (every version 0 for a format v2 stream; the holder guard is not listed).
    #[wasm_bindgen(js_name = attributeVersions, unchecked_return_type = "Array<[string, number]>")]
    pub fn attribute_versions(&self) -> js_sys::Array {
        name_versions(&self.0.attribute_versions)
    }

    /// The 32-byte id of the authority whose public key the stream is sealed under
    /// (`PublicKey.id`).
    #[wasm_bindgen(getter)]
    pub fn authority(&self) -> Vec<u8> {
        self.0.authority.to_vec()
    }

    /// The 32-byte digest of the stream's KEM header (what a trailer and the catch-up's
    /// chain entry name).
    #[wasm_bindgen(getter, js_name = headerDigest)]
    pub fn header_digest(&self) -> Vec<u8> {
        self.0.header_digest.to_vec()
    }

    /// For a format v3 stream whose header was re-wrapped after close
    /// (`Authority.rewrapStream`): the trailer its frames are checked against when it is
    /// opened; `undefined` for a stream as sealed.
    #[wasm_bindgen(getter)]
    pub fn trailer(&self) -> Option<Trailer> {
        self.0.trailer.clone().map(Trailer)
    }

    /// Whether the verified `notice` concerns this stream: it is sealed under the notice's
    /// authority and names an attribute at a version lower than the notice's (a format v2
    /// stream is at version 0 everywhere). Public data only.
    #[wasm_bindgen(js_name = needsCatchUp)]
    pub fn needs_catch_up(&self, notice: &VerifiedNotice) -> bool {
        self.0.needs_catch_up(&notice.0)
    }
}

/// The trailer of a closed stream (or session): the digest and key commitment of the header
/// its items were sealed under, and the count and RFC 6962 root of its items, named in 32
/// bytes (`digest`) by chain entries. Public data.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct Trailer(pub(crate) cipherchart::Trailer);

#[wasm_bindgen]
impl Trailer {
    /// Internal: a copy of this trailer for `Authority.reencryptStream`, which takes an
    /// optional trailer (`Option<&Trailer>` cannot cross the boundary; wasm-bindgen frees
    /// what it converts, so the caller's trailer stays alive). Not part of the typed API.
    #[wasm_bindgen(js_name = "__copyForCatchUp", skip_typescript)]
    pub fn copy_for_catch_up(&self) -> Trailer {
        self.clone()
    }

    /// What the trailer closes: `"stream"` or `"session"`.
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        match self.0.kind() {
            cipherchart::TrailerKind::Stream => "stream",
            cipherchart::TrailerKind::Session => "session",
        }
        .to_owned()
    }

    /// The stream (or session) id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> Vec<u8> {
        self.0.id().to_vec()
    }

    /// The 32-byte digest of the KEM header the items were sealed under (the header at
    /// close).
    #[wasm_bindgen(getter, js_name = headerDigest)]
    pub fn header_digest(&self) -> Vec<u8> {
        self.0.header_digest().to_vec()
    }

    /// The 32-byte key commitment of that header's envelope.
    #[wasm_bindgen(getter, js_name = keyCommitment)]
    pub fn key_commitment(&self) -> Vec<u8> {
        self.0.key_commitment().to_vec()
    }

    /// The number of items (a stream's frames, at least one).
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> f64 {
        self.0.count() as f64
    }

    /// The 32-byte RFC 6962 Merkle root over the items' digests, in order.
    #[wasm_bindgen(getter)]
    pub fn root(&self) -> Vec<u8> {
        self.0.root().to_vec()
    }

    /// The trailer digest: SHA-256 of a domain tag and `toBytes()` (what chain entries and a
    /// re-wrapped header name).
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> Vec<u8> {
        self.0.digest().to_vec()
    }
}

/// The trailer of a whole format v3 stream (no key is needed): what its sealer logs at close
/// (`Entry.forStreamClose`) and the authority re-wraps its header with
/// (`Authority.rewrapStream`). For a stream re-wrapped already, its frames are checked
/// against the trailer it carries, which is returned.
///
/// # Errors
/// Throws `InvalidArgument` for a format v2 stream (it has no trailer: re-encrypt it),
/// `InvalidEncoding` for a malformed header or bytes after the last frame, `DecryptionFailed`
/// for a malformed or truncated frame, or frames other than a re-wrapped header's trailer.
#[wasm_bindgen(js_name = streamTrailer)]
pub fn stream_trailer(stream: &[u8]) -> Result<Trailer, JsValue> {
    cipherchart::stream_trailer(stream)
        .map(Trailer)
        .map_err(to_js_err)
}

/// The trailer an optional argument names: `None` for `undefined` or `null`, else a copy of
/// the `Trailer` it is.
///
/// # Errors
/// `InvalidArgument` for anything but a `Trailer` of this build, `undefined` or `null`.
pub(crate) fn optional_trailer(
    value: Option<JsValue>,
) -> Result<Option<cipherchart::Trailer>, JsValue> {
    use wasm_bindgen::convert::TryFromJsValue;
    use wasm_bindgen::JsCast;
    let Some(value) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(None);
    };
    let copy = js_sys::Reflect::get(&value, &JsValue::from_str("__copyForCatchUp"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&value).ok());
    match copy.map(Trailer::try_from_js_value) {
        Some(Ok(trailer)) => Ok(Some(trailer.0)),
        _ => Err(to_js_err(cipherchart::Error::InvalidArgument(
            "expected a Trailer of this build, null or undefined (or a freed trailer)",
        ))),
    }
}
