//! Revocation in format v3: `VersionNotice` (signed by the authority's notice key, checked by
//! `verify`) and `VerifiedNotice` (what sealing, key issue and catch-up take). The methods the
//! notice adds to other classes are with those classes: `Authority.issue_key_under` and
//! `rewrap`, `UserKey.versioned_attributes` (`keys.rs`), `seal_with_notice` and the
//! `SealedRecord` accessors (`record.rs`), the `Entry` drafts (`chain.rs`).
//!
//! The core's `NoticeFields` struct has no class here: `VersionNotice.sign` takes its fields
//! as keyword arguments.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::args::{Fixed, Obj, Seq, Str, Time, UInt};
use crate::sig::{BlsPublicKey, BlsSignature, BlsSigningKey};
use crate::{detached, to_py_err};

/// A signed version notice: public, comparable, hashable, picklable.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionNotice(pub cipherchart::VersionNotice);

/// A notice checked by `VersionNotice.verify`: the only value `seal_with_notice`,
/// `Authority.issue_key_under` and `Authority.rewrap` take. Comparable; not picklable (made
/// only by verification).
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedNotice(pub cipherchart::VerifiedNotice);

/// `(name, version)` pairs as Python tuples.
pub(crate) fn name_versions(pairs: &[(cipherchart::Attribute, u32)]) -> Vec<(String, u32)> {
    pairs
        .iter()
        .map(|(a, v)| (a.as_str().to_owned(), *v))
        .collect()
}

#[pymethods]
impl VersionNotice {
    /// Signs a notice with the notice key. `versions` lists every bumped attribute name with
    /// its version (≥ 1, ≤ `bump_count`), in any order: `[(name, version), ...]`. Raises
    /// InvalidArgument for fields that break a notice rule, InvalidAttribute for a name that
    /// is not an attribute or is in the reserved `cipherchart:` namespace.
    #[staticmethod]
    #[pyo3(signature = (key, *, authority, statement_serial, serial, issued_at, not_after, bump_count, bump_head, versions))]
    #[allow(clippy::too_many_arguments)]
    fn sign(
        py: Python<'_>,
        key: Obj<'_, BlsSigningKey>,
        authority: Fixed<32>,
        statement_serial: UInt,
        serial: UInt,
        issued_at: Time,
        not_after: Time,
        bump_count: UInt,
        bump_head: Fixed<32>,
        versions: Seq<(Str, u32)>,
    ) -> PyResult<Self> {
        let key = &*key;
        let versions = versions
            .0
            .into_iter()
            .map(|(name, v)| cipherchart::Attribute::new(&name.0).map(|a| (a, v)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(to_py_err)?;
        let fields = cipherchart::NoticeFields {
            authority: authority.0,
            statement_serial: statement_serial.0,
            serial: serial.0,
            issued_at: issued_at.0,
            not_after: not_after.0,
            bump_count: bump_count.0,
            bump_head: bump_head.0,
            versions,
        };
        detached(py, || cipherchart::VersionNotice::sign(&key.0, &fields))
            .map(Self)
            .map_err(to_py_err)
    }

    /// Verifies the notice at time `now` against `previous`, the last notice of the same
    /// authority this verifier accepted (None for the first). Raises VerificationFailed (bad
    /// signature), StaleNotice (expired, issued too far ahead of `now`, a lower serial, or
    /// `previous`'s serial with another digest), NoticeRollback (a name missing or lowered, a
    /// lower bump count, a jump above the bump count) or WrongAuthority (`previous` is another
    /// authority's).
    #[pyo3(signature = (notice_key, now, previous=None))]
    fn verify(
        &self,
        py: Python<'_>,
        notice_key: Obj<'_, BlsPublicKey>,
        now: Time,
        previous: Option<Obj<'_, VerifiedNotice>>,
    ) -> PyResult<VerifiedNotice> {
        let notice_key = &*notice_key;
        let now = now.0;
        let previous = previous.as_deref().map(|p| &p.0);
        detached(py, || self.0.verify(&notice_key.0, now, previous))
            .map(VerifiedNotice)
            .map_err(to_py_err)
    }

    /// The notice digest: SHA-256 of `bytes(notice)` (what chain entries name).
    #[getter]
    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.digest())
    }

    /// The authority id (`PublicKey.id`).
    #[getter]
    fn authority<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.authority())
    }

    /// The serial of the authority statement whose notice key signs.
    #[getter]
    fn statement_serial(&self) -> u64 {
        self.0.statement_serial()
    }

    /// The notice's serial.
    #[getter]
    fn serial(&self) -> u64 {
        self.0.serial()
    }

    /// Issue time (seconds since the Unix epoch).
    #[getter]
    fn issued_at(&self) -> u64 {
        self.0.issued_at()
    }

    /// End of validity (seconds since the Unix epoch).
    #[getter]
    fn not_after(&self) -> u64 {
        self.0.not_after()
    }

    /// How many of the authority's bump entries the notice reflects.
    #[getter]
    fn bump_count(&self) -> u64 {
        self.0.bump_count()
    }

    /// The 32-byte entry hash of the last bump entry (zero when `bump_count` is 0).
    #[getter]
    fn bump_head<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.bump_head())
    }

    /// Every bumped name with its version, sorted by name (a name not listed is at 0).
    #[getter]
    fn versions(&self) -> Vec<(String, u32)> {
        name_versions(self.0.versions())
    }

    /// The signature by the notice key.
    #[getter]
    fn signature(&self) -> BlsSignature {
        BlsSignature(*self.0.signature())
    }

    fn __repr__(&self) -> String {
        format!(
            "VersionNotice(serial={}, bump_count={}, entries={}, digest={})",
            self.0.serial(),
            self.0.bump_count(),
            self.0.versions().len(),
            crate::short_hex(&self.0.digest())
        )
    }
}

#[pymethods]
impl VerifiedNotice {
    /// The verified notice.
    #[getter]
    fn notice(&self) -> VersionNotice {
        VersionNotice(self.0.notice().clone())
    }

    /// The authority id.
    #[getter]
    fn authority<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.authority())
    }

    /// The notice's serial (what a verifier persists as the highest seen).
    #[getter]
    fn serial(&self) -> u64 {
        self.0.serial()
    }

    /// Issue time (seconds since the Unix epoch).
    #[getter]
    fn issued_at(&self) -> u64 {
        self.0.issued_at()
    }

    /// End of validity (seconds since the Unix epoch).
    #[getter]
    fn not_after(&self) -> u64 {
        self.0.not_after()
    }

    /// The notice key it was verified under.
    #[getter]
    fn notice_key(&self) -> crate::sig::BlsPublicKey {
        crate::sig::BlsPublicKey(*self.0.notice_key())
    }

    /// The current version of the attribute `name`: the notice's, 0 for a name it does not
    /// list or a text that is not an attribute.
    fn version_of(&self, name: Str) -> u32 {
        let name: &str = &name.0;
        self.0.version_of(name)
    }

    fn __repr__(&self) -> String {
        format!(
            "VerifiedNotice(serial={}, not_after={})",
            self.0.serial(),
            self.0.not_after()
        )
    }
}
