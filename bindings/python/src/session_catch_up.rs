//! The catch-up of stored sessions after a revocation (`docs/revocation.md` §0.1 step 4):
//! trailers and inclusion proofs of session records, the authority's re-wrap and
//! re-encryption, and opening a re-wrapped session. All logic is the Rust core's.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rand_core::OsRng;

use crate::args::{Obj, Ordered, UInt};
use crate::chain::InclusionProof;
use crate::keys::Authority;
use crate::session::{SessionHeader, SessionOpener, SessionRecord, SessionSealer};
use crate::stream::Trailer;
use crate::version_notice::VerifiedNotice;
use crate::{detached, to_py_err};

/// The Rust records of a sequence of `SessionRecord`s.
fn core_records(records: &[Obj<'_, SessionRecord>]) -> Vec<cipherchart::SessionRecord> {
    records.iter().map(|r| r.0.clone()).collect()
}

#[pymethods]
impl SessionHeader {
    /// The 32-byte key id of the authority whose public key sealed the header.
    #[getter]
    fn authority<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.authority())
    }

    /// For a v3 header re-wrapped after close (`Authority.rewrap_session`): the trailer its
    /// records are checked against (open them with `SessionOpener.open_included` or
    /// `open_all`); None for a session as started and for v2.
    #[getter]
    fn trailer(&self) -> Option<Trailer> {
        self.0.trailer().cloned().map(Trailer)
    }

    /// Whether the verified `notice` concerns this session: it is sealed under the notice's
    /// authority and names an attribute at a version lower than the notice's (a v2 session
    /// is at version 0 everywhere). Public data only.
    fn needs_catch_up(&self, notice: Obj<'_, VerifiedNotice>) -> bool {
        self.0.needs_catch_up(&notice.0)
    }
}

#[pymethods]
impl SessionSealer {
    /// The trailer of a v3 session over the records sealed so far (the header's digest and
    /// key commitment, the count and Merkle root of the records). Log it when the session
    /// is closed (`Entry.for_session_close`): it lets the authority re-wrap the header at a
    /// later revocation. Raises InvalidArgument for a v2 session.
    fn trailer(&self) -> PyResult<Trailer> {
        self.lock().trailer().map(Trailer).map_err(to_py_err)
    }

    /// Closes a v3 session: no record is sealed after this (`seal` raises
    /// InvalidArgument), and the returned trailer, over every record it sealed, is the one to
    /// log (`Entry.for_session_close`). Closing again returns the same trailer. Raises
    /// InvalidArgument for a v2 session (which stays open).
    fn close(&self) -> PyResult<Trailer> {
        self.lock().close().map(Trailer).map_err(to_py_err)
    }
}

#[pymethods]
impl SessionOpener {
    /// Opens one record of a re-wrapped session with the proof that it is the trailer's
    /// item at `proof.index` (`prove_session_record`). Raises InvalidArgument for a session
    /// with no trailer (use `open`), DecryptionFailed if the proof does not place the
    /// record under the trailer's root, or for a damaged record.
    fn open_included<'py>(
        &self,
        py: Python<'py>,
        record: Obj<'_, SessionRecord>,
        proof: Obj<'_, InclusionProof>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let record = &*record;
        let proof = &*proof;
        let payload =
            detached(py, || self.0.open_included(&record.0, &proof.0)).map_err(to_py_err)?;
        Ok(PyBytes::new(py, &payload))
    }

    /// Opens every record of a session, in order, returning their payloads. For a
    /// re-wrapped session the records must be exactly the trailer's (DecryptionFailed
    /// otherwise); nothing is returned if any record fails.
    fn open_all<'py>(
        &self,
        py: Python<'py>,
        records: Ordered<Obj<'py, SessionRecord>>,
    ) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        let records = core_records(&records);
        let payloads = detached(py, || self.0.open_all(&records)).map_err(to_py_err)?;
        Ok(payloads.iter().map(|p| PyBytes::new(py, p)).collect())
    }
}

#[pymethods]
impl Authority {
    /// Catches a **closed** v3 session up to the verified `notice` by re-wrapping its
    /// header: a new header at the notice's versions carrying `trailer` (the one its sealer
    /// logged at close); the records stay as they are. Keys issued before the notice's
    /// bumps stop opening it; current keys open each record with its proof
    /// (`SessionOpener.open_included`) or all at once (`open_all`). Re-wrap only a session
    /// closed before the revocation; one still being sealed then is re-encrypted
    /// (`reencrypt_session`). Raises InvalidArgument for a v2 session or a trailer that is
    /// not this session's, WrongAuthority, FutureVersion, StaleNotice (as `rewrap`), or
    /// DecryptionFailed (a header that fails its checks).
    fn rewrap_session(
        &self,
        py: Python<'_>,
        header: Obj<'_, SessionHeader>,
        trailer: Obj<'_, Trailer>,
        notice: Obj<'_, VerifiedNotice>,
    ) -> PyResult<SessionHeader> {
        let (header, trailer, notice) = (&*header, &*trailer, &*notice);
        detached(py, || {
            self.0
                .rewrap_session(&header.0, &trailer.0, &notice.0, &mut OsRng)
        })
        .map(SessionHeader)
        .map_err(to_py_err)
    }

    /// Catches a session up to the verified `notice` by re-encrypting it whole under a
    /// fresh session key: returns `(header, records, trailer)`, the records keeping their
    /// sequence numbers and metadata, and the trailer to log (`Entry.for_session_close`).
    /// A v3 session is checked against `trailer` (its sealer's; `records` must be exactly
    /// its records); a v2 session takes None, and its records' sequence numbers must
    /// increase. Raises InvalidArgument (a v3 session without its trailer, a v2 one with
    /// one, sequence numbers that do not increase), WrongAuthority, FutureVersion,
    /// StaleNotice, or DecryptionFailed (a damaged or forged record, records not the
    /// trailer's).
    fn reencrypt_session<'py>(
        &self,
        py: Python<'py>,
        header: Obj<'_, SessionHeader>,
        records: Ordered<Obj<'py, SessionRecord>>,
        trailer: Option<Obj<'_, Trailer>>,
        notice: Obj<'_, VerifiedNotice>,
    ) -> PyResult<(SessionHeader, Vec<SessionRecord>, Trailer)> {
        let records = core_records(&records);
        let trailer = trailer.as_deref().map(|t| &t.0);
        let (header, notice) = (&*header, &*notice);
        let (h, r, t) = detached(py, || {
            self.0
                .reencrypt_session(&header.0, &records, trailer, &notice.0, &mut OsRng)
        })
        .map_err(to_py_err)?;
        Ok((
            SessionHeader(h),
            r.into_iter().map(SessionRecord).collect(),
            Trailer(t),
        ))
    }
}

#[pymethods]
impl Authority {
    /// Catches up a v3 session that was still being sealed at the revocation by splitting it
    /// at its last progress anchor before the notice: returns `(prefix, tail, tail_records,
    /// tail_trailer)`: the old header re-wrapped with `progress` (it opens the first
    /// `progress.count` records, each with its proof) and the records after it re-encrypted
    /// under `tail` (log `tail_trailer` as a close). `records` must be exactly the `close`
    /// trailer's, and their prefix the `progress` trailer's (DecryptionFailed otherwise: the
    /// sealer's anchors disagree). Raises InvalidArgument (a v2 or re-wrapped header,
    /// trailers not this session's, a progress anchor of no record or of every record),
    /// WrongAuthority, FutureVersion, StaleNotice or DecryptionFailed.
    #[allow(clippy::type_complexity)]
    fn split_session<'py>(
        &self,
        py: Python<'py>,
        header: Obj<'_, SessionHeader>,
        records: Ordered<Obj<'py, SessionRecord>>,
        progress: Obj<'_, Trailer>,
        close: Obj<'_, Trailer>,
        notice: Obj<'_, VerifiedNotice>,
    ) -> PyResult<(SessionHeader, SessionHeader, Vec<SessionRecord>, Trailer)> {
        let records = core_records(&records);
        let (header, progress, close, notice) = (&*header, &*progress, &*close, &*notice);
        let split = detached(py, || {
            self.0.split_session(
                &header.0,
                &records,
                &progress.0,
                &close.0,
                &notice.0,
                &mut OsRng,
            )
        })
        .map_err(to_py_err)?;
        Ok((
            SessionHeader(split.prefix),
            SessionHeader(split.tail),
            split.tail_records.into_iter().map(SessionRecord).collect(),
            Trailer(split.tail_trailer),
        ))
    }
}

/// The trailer of a v3 session computed from its header and records, in order (no key):
/// what its sealer's `SessionSealer.trailer()` gives for the same records. For a re-wrapped
/// header the records are checked against the trailer it carries, which is returned.
/// Unauthenticated: re-wrap with the trailer the sealer logged. Raises InvalidArgument for
/// a v2 session, DecryptionFailed for records other than a re-wrapped header's trailer's.
#[pyfunction]
pub fn session_trailer<'py>(
    py: Python<'py>,
    header: Obj<'_, SessionHeader>,
    records: Ordered<Obj<'py, SessionRecord>>,
) -> PyResult<Trailer> {
    let header = &*header;
    let records = core_records(&records);
    detached(py, || cipherchart::session_trailer(&header.0, &records))
        .map(Trailer)
        .map_err(to_py_err)
}

/// The proofs of every record of a session (the whole session, in order), from one tree:
/// `proofs[i]` is `prove_session_record(records, i)`. What storage keeps beside a re-wrapped
/// session's records to serve them one at a time.
#[pyfunction]
pub fn prove_session_records<'py>(
    py: Python<'py>,
    records: Ordered<Obj<'py, SessionRecord>>,
) -> Vec<InclusionProof> {
    let records = core_records(&records);
    detached(py, || cipherchart::prove_session_records(&records))
        .into_iter()
        .map(InclusionProof)
        .collect()
}

/// The inclusion proof of `records[index]` under the trailer of `records` (the whole
/// session, in order): what an opener of one record of a re-wrapped session needs
/// (`SessionOpener.open_included`). Public data. Raises InvalidArgument for an index not
/// below `len(records)`.
#[pyfunction]
pub fn prove_session_record<'py>(
    py: Python<'py>,
    records: Ordered<Obj<'py, SessionRecord>>,
    index: UInt,
) -> PyResult<InclusionProof> {
    let records = core_records(&records);
    detached(py, || cipherchart::prove_session_record(&records, index.0))
        .map(InclusionProof)
        .map_err(to_py_err)
}
