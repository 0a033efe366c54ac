//! `seal` and `SealedRecord`.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rand_core::OsRng;

use crate::args::{Bytes, Obj, Seq};
use crate::keys::PublicKey;
use crate::version_notice::{name_versions, VerifiedNotice};
use crate::{detached, to_py_err, Policy};

/// A record sealed under a policy (possibly re-encrypted): public, comparable, picklable.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SealedRecord(pub cipherchart::SealedRecord);

/// Seals `payload` under `policy`, binding `record_id` and `metadata` (both public).
#[pyfunction]
pub fn seal(
    py: Python<'_>,
    public_key: Obj<'_, PublicKey>,
    policy: Obj<'_, Policy>,
    record_id: Bytes,
    metadata: Bytes,
    payload: Bytes,
) -> PyResult<SealedRecord> {
    let public_key = &*public_key;
    let policy = &*policy;
    let record_id: &[u8] = &record_id;
    let metadata: &[u8] = &metadata;
    let payload: &[u8] = &payload;
    detached(py, || {
        cipherchart::seal(
            &public_key.0,
            &policy.0,
            record_id,
            metadata,
            payload,
            &mut OsRng,
        )
    })
    .map(SealedRecord)
    .map_err(to_py_err)
}

/// Seals `payload` under `policy` at the versions of the verified `notice`: a format v3
/// record that keys issued before a bump of one of the policy's names do not open. Raises
/// WrongAuthority if the notice is not `public_key`'s authority's.
#[pyfunction]
pub fn seal_with_notice(
    py: Python<'_>,
    public_key: Obj<'_, PublicKey>,
    notice: Obj<'_, VerifiedNotice>,
    policy: Obj<'_, Policy>,
    record_id: Bytes,
    metadata: Bytes,
    payload: Bytes,
) -> PyResult<SealedRecord> {
    let public_key = &*public_key;
    let notice = &*notice;
    let policy = &*policy;
    let record_id: &[u8] = &record_id;
    let metadata: &[u8] = &metadata;
    let payload: &[u8] = &payload;
    detached(py, || {
        cipherchart::seal_with_notice(
            &public_key.0,
            &notice.0,
            &policy.0,
            record_id,
            metadata,
            payload,
            &mut OsRng,
        )
    })
    .map(SealedRecord)
    .map_err(to_py_err)
}

/// Calls `progress(done, total)` if given: its exception, if any, stops the batch.
pub(crate) fn report(
    progress: Option<&Bound<'_, PyAny>>,
    done: usize,
    total: usize,
) -> PyResult<()> {
    match progress {
        Some(f) => f.call1((done, total)).map(drop),
        None => Ok(()),
    }
}

/// Seals each `(record_id, metadata, payload)` of `items` under `policy`, in order: `seal` in a
/// loop, each call without the GIL, and `progress(done, total)` (if given) after each record.
/// The first error raises (nothing sealed is returned); so does an exception of `progress`,
/// which stops the batch.
#[pyfunction]
#[pyo3(signature = (public_key, policy, items, progress = None))]
pub fn seal_batch(
    py: Python<'_>,
    public_key: Obj<'_, PublicKey>,
    policy: Obj<'_, Policy>,
    items: Seq<(Bytes, Bytes, Bytes)>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<Vec<SealedRecord>> {
    let (pk, policy) = (&public_key.0, &policy.0);
    let total = items.len();
    let mut out = Vec::with_capacity(total);
    for (i, (record_id, metadata, payload)) in items.iter().enumerate() {
        let record = detached(py, || {
            cipherchart::seal(pk, policy, record_id, metadata, payload, &mut OsRng)
        })
        .map_err(to_py_err)?;
        out.push(SealedRecord(record));
        report(progress.as_ref(), i + 1, total)?;
    }
    Ok(out)
}

#[pymethods]
impl SealedRecord {
    fn __repr__(&self) -> String {
        format!(
            "SealedRecord(record_id={}, header={}, hops={})",
            crate::short_hex(self.0.record_id()),
            crate::short_hex(&self.0.header_digest()),
            self.0.hop_count()
        )
    }

    /// The policy the record was sealed under.
    #[getter]
    fn policy(&self) -> Policy {
        Policy(self.0.policy().clone())
    }

    /// The policy of the newest layer: who can open the record now.
    #[getter]
    fn current_policy(&self) -> Policy {
        Policy(self.0.current_policy().clone())
    }

    /// The record id given at sealing.
    #[getter]
    fn record_id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.record_id())
    }

    /// The metadata given at sealing.
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.metadata())
    }

    /// The key id of the authority whose public key sealed the record.
    #[getter]
    fn authority<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.authority())
    }

    /// The key id of the newest layer's authority: `authority` unless a cross-authority
    /// re-key referred the record to another.
    #[getter]
    fn current_authority<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.current_authority())
    }

    /// The 32-byte digest of the record's header.
    #[getter]
    fn header_digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.header_digest())
    }

    /// How many times the record has been re-encrypted.
    #[getter]
    fn hop_count(&self) -> usize {
        self.0.hop_count()
    }

    /// The qualified id of the newest hop's grant (48 bytes: its source authority's key id,
    /// then the grant id; `ReKey.grant` of the re-key that made it); None for a record
    /// without hops. A format v3 re-key whose `parent` is this grant transforms the record
    /// further (`DelegationKey.rekey_under`).
    #[getter]
    fn newest_grant<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.0
            .newest_grant()
            .map(|g| crate::rekey::grant_bytes(py, &g))
    }

    /// The record's policy attributes with their versions, `[(name, version), ...]` in LSSS
    /// row order (every version 0 for a format v2 record).
    fn attribute_versions(&self) -> Vec<(String, u32)> {
        name_versions(&self.0.attribute_versions())
    }

    /// The serial of the version notice the record was sealed (or last caught up) under;
    /// None for a format v2 record.
    #[getter]
    fn notice_serial(&self) -> Option<u64> {
        self.0.notice_serial()
    }

    /// The 32-byte body commitment of a format v3 record (unchanged by `Authority.rewrap`);
    /// None for a format v2 record.
    #[getter]
    fn body_commitment<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.0.body_commitment().map(|c| PyBytes::new(py, &c))
    }

    /// Whether a catch-up under `notice` concerns this record: a layer of the notice's
    /// authority (the record's own header, or a hop's capsules) names a name at a lower
    /// version than the notice's (public data, no group work). A record whose own header is
    /// current but a hop is not is stripped (`strip_stale_hops`), not caught up.
    fn needs_catch_up(&self, notice: Obj<'_, VerifiedNotice>) -> bool {
        self.0.needs_catch_up(&notice.0)
    }

    /// The record without its hops from the first stale one on: the first hop whose layer
    /// is of `notice`'s authority and names a name below the notice's version (the hops
    /// below it stay byte for byte); None if no hop is stale. Public: storage strips a
    /// selected record whose own header is current, and proxies re-apply their grants with
    /// current re-keys. This is how a revocation at the hospital a record was referred to
    /// reaches the stored copy.
    fn strip_stale_hops(&self, notice: Obj<'_, VerifiedNotice>) -> Option<SealedRecord> {
        self.0.strip_stale_hops(&notice.0).map(SealedRecord)
    }
}
