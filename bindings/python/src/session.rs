//! Sessions: one KEM header, many symmetric records (`start_session`, `UserKey.open_session`).

use std::sync::{Mutex, MutexGuard, PoisonError};

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rand_core::OsRng;

use crate::args::{Bytes, Obj};
use crate::keys::PublicKey;
use crate::{detached, to_py_err, Policy};

/// The public header of a session: public, comparable, picklable.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SessionHeader(pub cipherchart::SessionHeader);

/// One record of a session: public, comparable, picklable.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SessionRecord(pub cipherchart::SessionRecord);

/// Seals the records of a session (holds the session key: secret, no equality, not picklable).
/// Safe to share between threads (a mutex inside): each record gets its own sequence number.
#[pyclass(module = "cipherchart", frozen)]
#[derive(Debug)]
pub struct SessionSealer(Mutex<cipherchart::SessionSealer>);

impl SessionSealer {
    /// The sealer, locked. Recovering from a poisoned lock is safe: the sequence number
    /// only advances after a record is sealed, and never repeats.
    pub(crate) fn lock(&self) -> MutexGuard<'_, cipherchart::SessionSealer> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Opens the records of a session (holds the session key: secret, no equality, not picklable).
#[pyclass(module = "cipherchart", frozen)]
#[derive(Debug)]
pub struct SessionOpener(pub cipherchart::SessionOpener);

/// Starts a session under `policy`: its header (to publish) and a sealer for its records.
#[pyfunction]
pub fn start_session(
    py: Python<'_>,
    public_key: Obj<'_, PublicKey>,
    policy: Obj<'_, Policy>,
    session_id: Bytes,
    metadata: Bytes,
) -> PyResult<(SessionHeader, SessionSealer)> {
    let public_key = &*public_key;
    let policy = &*policy;
    let session_id: &[u8] = &session_id;
    let metadata: &[u8] = &metadata;
    detached(py, || {
        cipherchart::start_session(&public_key.0, &policy.0, session_id, metadata, &mut OsRng)
    })
    .map(|(h, s)| (SessionHeader(h), SessionSealer(Mutex::new(s))))
    .map_err(to_py_err)
}

/// Starts a session under `policy` at the versions of the verified `notice` (format v3):
/// keys issued before a bump of one of the policy's names do not open it. Raises
/// WrongAuthority if the notice is not `public_key`'s authority's.
#[pyfunction]
pub fn start_session_with_notice(
    py: Python<'_>,
    public_key: Obj<'_, PublicKey>,
    notice: Obj<'_, crate::version_notice::VerifiedNotice>,
    policy: Obj<'_, Policy>,
    session_id: Bytes,
    metadata: Bytes,
) -> PyResult<(SessionHeader, SessionSealer)> {
    let public_key = &*public_key;
    let notice = &*notice;
    let policy = &*policy;
    let session_id: &[u8] = &session_id;
    let metadata: &[u8] = &metadata;
    detached(py, || {
        cipherchart::start_session_with_notice(
            &public_key.0,
            &notice.0,
            &policy.0,
            session_id,
            metadata,
            &mut OsRng,
        )
    })
    .map(|(h, s)| (SessionHeader(h), SessionSealer(Mutex::new(s))))
    .map_err(to_py_err)
}

#[pymethods]
impl SessionHeader {
    /// The serial of the notice a format v3 session was started under; None for v2.
    #[getter]
    fn notice_serial(&self) -> Option<u64> {
        self.0.notice_serial()
    }

    /// The policy's attributes with their versions, `[(name, version), ...]` in LSSS row
    /// order (every version 0 for a v2 session).
    fn attribute_versions(&self) -> Vec<(String, u32)> {
        crate::version_notice::name_versions(&self.0.attribute_versions())
    }

    fn __repr__(&self) -> String {
        format!(
            "SessionHeader(session_id={}, header={})",
            crate::short_hex(self.0.session_id()),
            crate::short_hex(&self.0.digest())
        )
    }

    /// The session id given at start.
    #[getter]
    fn session_id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.session_id())
    }

    /// The metadata given at start.
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.metadata())
    }

    /// The policy the session is sealed under.
    #[getter]
    fn policy(&self) -> Policy {
        Policy(self.0.policy().clone())
    }

    /// The 32-byte digest of the KEM header.
    #[getter]
    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.digest())
    }
}

#[pymethods]
impl SessionRecord {
    fn __repr__(&self) -> String {
        format!("SessionRecord(sequence={})", self.0.sequence())
    }

    /// The record's position in the session (0, 1, ...).
    #[getter]
    fn sequence(&self) -> u64 {
        self.0.sequence()
    }

    /// The record's metadata (public, authenticated).
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.metadata())
    }
}

#[pymethods]
impl SessionSealer {
    /// Seals the next record of the session.
    fn seal(&self, py: Python<'_>, metadata: Bytes, payload: Bytes) -> PyResult<SessionRecord> {
        let metadata: &[u8] = &metadata;
        let payload: &[u8] = &payload;
        detached(py, || self.lock().seal(metadata, payload))
            .map(SessionRecord)
            .map_err(to_py_err)
    }

    /// The sequence number the next record will get.
    #[getter]
    fn next_sequence(&self) -> u64 {
        self.lock().next_sequence()
    }

    fn __repr__(&self) -> String {
        format!("SessionSealer(next_sequence={})", self.next_sequence())
    }
}

#[pymethods]
impl SessionOpener {
    /// Opens one record of the session, returning its payload.
    fn open<'py>(
        &self,
        py: Python<'py>,
        record: Obj<'_, SessionRecord>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let record = &*record;
        let payload = detached(py, || self.0.open(&record.0)).map_err(to_py_err)?;
        Ok(PyBytes::new(py, &payload))
    }

    fn __repr__(&self) -> String {
        "SessionOpener(..)".to_owned()
    }
}
