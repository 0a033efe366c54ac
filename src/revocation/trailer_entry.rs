//! The proof-chain entries of closed streams and sessions and their catch-ups
//! (`docs/revocation-v3.md` §6.2, §6.3): the close entry names the trailer (the anchor a
//! later re-wrap relies on), the catch-up entry links the old header to the new one.
//!
//! Format v2 chain entries with standard actions, like the other revocation entries
//! (`chain_entry.rs`), until the v3 anchors (§11.9) are built.

use crate::chain::{Action, Entry, EntryDraft};
use crate::error::{Error, Result};
use crate::policy::Policy;
use crate::record::session::SessionHeader;
use crate::record::stream::StreamInfo;
use crate::record::trailer::{Trailer, TrailerKind};

/// What a catch-up entry compares of a stream or session header.
struct Side<'a> {
    authority: [u8; 32],
    id: &'a [u8],
    metadata: &'a [u8],
    policy: &'a Policy,
    /// A stream's chunk size (none for a session).
    chunk_size: Option<u32>,
    header_digest: [u8; 32],
    notice_serial: Option<u64>,
    trailer: Option<&'a Trailer>,
}

impl<'a> Side<'a> {
    fn of_stream(info: &'a StreamInfo) -> Self {
        Self {
            authority: info.authority,
            id: &info.stream_id,
            metadata: &info.metadata,
            policy: &info.policy,
            chunk_size: Some(info.chunk_size),
            header_digest: info.header_digest,
            notice_serial: info.notice_serial,
            trailer: info.trailer.as_ref(),
        }
    }

    fn of_session(header: &'a SessionHeader) -> Self {
        Self {
            authority: header.authority(),
            id: header.session_id(),
            metadata: header.metadata(),
            policy: header.policy(),
            chunk_size: None,
            header_digest: header.digest(),
            notice_serial: header.notice_serial(),
            trailer: header.trailer(),
        }
    }
}

/// The close entry of a trailer of `kind`.
fn close(trailer: &Trailer, kind: TrailerKind, time: u64) -> Result<EntryDraft> {
    if trailer.kind() != kind {
        return Err(Error::InvalidArgument("a trailer of the other kind"));
    }
    Ok(
        EntryDraft::new(time, Action::Create, trailer.id(), trailer.digest())
            .with_metadata(trailer.to_bytes()),
    )
}

/// The catch-up entry from `old` to `new` (see [`Entry::for_stream_catch_up`]).
fn catch_up(old: Side<'_>, new: Side<'_>, time: u64) -> Result<EntryDraft> {
    let rewrap_of_old = new.trailer.is_none_or(|t| match old.trailer {
        Some(carried) => carried == t,
        None => old.notice_serial.is_some() && t.header_digest() == old.header_digest,
    });
    let same = old.authority == new.authority
        && old.id == new.id
        && old.metadata == new.metadata
        && old.policy == new.policy
        && old.chunk_size == new.chunk_size
        && old.header_digest != new.header_digest
        && new.notice_serial.is_some()
        && new.notice_serial >= old.notice_serial
        && rewrap_of_old;
    if !same {
        return Err(Error::InvalidArgument(
            "not a catch-up of that header: authority, id, metadata, policy or trailer differ",
        ));
    }
    let mut metadata = Vec::with_capacity(96);
    metadata.extend_from_slice(&old.header_digest);
    metadata.extend_from_slice(&new.header_digest);
    if let Some(t) = new.trailer {
        metadata.extend_from_slice(&t.digest());
    }
    Ok(
        EntryDraft::new(time, Action::Update, new.id.to_vec(), new.header_digest)
            .with_metadata(metadata),
    )
}

impl Entry {
    /// The draft that logs a stream's **close** (`docs/revocation-v3.md` §6.2): action
    /// [`Action::Create`], subject = the stream id, digest = the trailer digest
    /// ([`Trailer::digest`]), metadata = the trailer's encoding. Logged by the stream's
    /// sealer once it has written the last frame (the trailer is
    /// [`stream_trailer`](crate::stream_trailer) of what it wrote), and by the authority
    /// for a stream it re-encrypted; it is the anchor that lets the authority re-wrap the
    /// stream's header at a later revocation
    /// ([`Authority::rewrap_stream`](crate::Authority::rewrap_stream)): only a stream whose
    /// close entry precedes the revoking notice's entry is re-wrapped.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a session trailer
    /// ([`for_session_close`](Self::for_session_close) logs those).
    pub fn for_stream_close(trailer: &Trailer, time: u64) -> Result<EntryDraft> {
        close(trailer, TrailerKind::Stream, time)
    }

    /// The draft that logs a session's **close** (`docs/revocation-v3.md` §6.2), as
    /// [`for_stream_close`](Self::for_stream_close) does a stream's: action
    /// [`Action::Create`], subject = the session id, digest = the trailer digest,
    /// metadata = the trailer's encoding. Logged by the session's sealer when it stops
    /// sealing (the trailer is [`SessionSealer::trailer`](crate::SessionSealer::trailer)),
    /// and by the authority for a session it re-encrypted; only a session whose close
    /// entry precedes the revoking notice's entry is re-wrapped
    /// ([`Authority::rewrap_session`](crate::Authority::rewrap_session)).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a stream trailer.
    pub fn for_session_close(trailer: &Trailer, time: u64) -> Result<EntryDraft> {
        close(trailer, TrailerKind::Session, time)
    }

    /// The draft that logs a session's **progress anchor** (`docs/revocation-v3.md` §6.2):
    /// action [`Action::Update`], subject = the session id, digest = the trailer digest,
    /// metadata = the trailer's encoding (a trailer of the records so far,
    /// [`SessionSealer::trailer`](crate::SessionSealer::trailer)). A sealer logs one each
    /// time it refreshes its notice; at a revocation, the last one before the revoking
    /// notice's entry is where a session still being sealed is split
    /// ([`Authority::split_session`](crate::Authority::split_session)), or, for a sealer
    /// that crashed, where it is force-closed. Told apart from a catch-up entry (also
    /// `update`) by its metadata, a trailer's encoding (`43 43 43 03 …`) rather than 64 or
    /// 96 bytes of digests.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a stream trailer.
    pub fn for_session_progress(trailer: &Trailer, time: u64) -> Result<EntryDraft> {
        if trailer.kind() != TrailerKind::Session {
            return Err(Error::InvalidArgument("a trailer of the other kind"));
        }
        Ok(
            EntryDraft::new(time, Action::Update, trailer.id(), trailer.digest())
                .with_metadata(trailer.to_bytes()),
        )
    }

    /// The draft that logs one stream's catch-up from `old` to `new` (the infos of the
    /// stream before and after [`Authority::rewrap_stream`](crate::Authority::rewrap_stream)
    /// or [`Authority::reencrypt_stream`](crate::Authority::reencrypt_stream)): action
    /// [`Action::Update`], subject = the stream id, digest = the new header digest,
    /// metadata = the old header digest ‖ the new header digest, and for a re-wrap the
    /// digest of the trailer the new header carries (96 bytes; 64 for a re-encryption), so
    /// an auditor matches it to the stream's close entry.
    ///
    /// A re-wrap is checked against the trailer the new header carries: it must name the
    /// old header (a v3 stream as sealed) or be the old header's own (a stream re-wrapped
    /// before), so a re-wrap of one stream cannot be logged as another's (outside review
    /// SC-29, SC-30). A re-encryption's new header has no link to the old one that a
    /// public check can compare (a fresh stream key): for it the entry's signer vouches
    /// for the payload, as [`for_catch_up`](Self::for_catch_up) says of v2 records.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `new` is not a catch-up of `old`: another authority,
    /// stream id, metadata, policy or chunk size, a format v2 result, the same header, an
    /// older notice serial, or a re-wrap whose trailer is not the old stream's.
    pub fn for_stream_catch_up(
        old: &StreamInfo,
        new: &StreamInfo,
        time: u64,
    ) -> Result<EntryDraft> {
        catch_up(Side::of_stream(old), Side::of_stream(new), time)
    }

    /// The draft that logs one session's catch-up from `old` to `new` (the headers before
    /// and after [`Authority::rewrap_session`](crate::Authority::rewrap_session) or
    /// [`Authority::reencrypt_session`](crate::Authority::reencrypt_session)), as
    /// [`for_stream_catch_up`](Self::for_stream_catch_up) does a stream's: action
    /// [`Action::Update`], subject = the session id, digest = the new header digest,
    /// metadata = the old header digest ‖ the new header digest ‖ (for a re-wrap) the
    /// carried trailer's digest, with the same checks.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `new` is not a catch-up of `old`: another authority,
    /// session id, metadata or policy, a format v2 result, the same header, an older
    /// notice serial, or a re-wrap whose trailer is not the old session's.
    pub fn for_session_catch_up(
        old: &SessionHeader,
        new: &SessionHeader,
        time: u64,
    ) -> Result<EntryDraft> {
        catch_up(Side::of_session(old), Side::of_session(new), time)
    }
}
