//! `ReKey`: proxy re-encryption of sealed records.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

use crate::record::SealedRecord;
use crate::{detached, to_py_err, Policy};

/// A re-encryption key (made by `UserKey.rekey`): lets a proxy re-encrypt records it cannot
/// read to the audience of `target_policy`.
///
/// Secret: no equality, no hash; `repr` shows the grant id and attributes. `bytes(rekey)` and
/// pickling export it (an explicit user action).
#[pyclass(module = "cipherchart", frozen)]
#[derive(Debug)]
pub struct ReKey(pub cipherchart::ReKey);

#[pymethods]
impl ReKey {
    /// Decodes `bytes(rekey)`.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        detached(py, || cipherchart::ReKey::from_bytes(data))
            .map(Self)
            .map_err(to_py_err)
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_bytes())
    }

    fn __repr__(&self) -> String {
        format!(
            "ReKey(grant_id={}, attributes={:?})",
            crate::short_hex(&self.0.grant_id()),
            self.attributes()
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> crate::Reduced<'py> {
        crate::reduce(slf, slf.get().__bytes__(slf.py()))
    }

    /// The grant id (public; it names the re-encryption layer).
    #[getter]
    fn grant_id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.grant_id())
    }

    /// The delegated attributes.
    #[getter]
    fn attributes(&self) -> Vec<String> {
        self.0
            .attributes()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect()
    }

    /// The policy of the new audience.
    #[getter]
    fn target_policy(&self) -> Policy {
        Policy(self.0.target_policy().clone())
    }

    /// Whether this re-key applies to `record` (its delegated attributes satisfy the
    /// record's newest layer).
    fn can_reencrypt(&self, record: &SealedRecord) -> bool {
        self.0.can_reencrypt(&record.0)
    }

    /// Adds a layer for the target audience to `record`.
    fn reencrypt(&self, py: Python<'_>, record: &SealedRecord) -> PyResult<SealedRecord> {
        detached(py, || self.0.reencrypt(&record.0))
            .map(SealedRecord)
            .map_err(to_py_err)
    }

    /// Re-encrypts many records at once: one entry per record, in order, each the new record
    /// or the exception (not raised) for that record.
    fn reencrypt_batch<'py>(
        &self,
        py: Python<'py>,
        records: Vec<PyRef<'py, SealedRecord>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let records: Vec<cipherchart::SealedRecord> = records.iter().map(|r| r.0.clone()).collect();
        let results = detached(py, || self.0.reencrypt_batch(&records));
        let items = results
            .into_iter()
            .map(|r| match r {
                Ok(s) => Ok(Bound::new(py, SealedRecord(s))?.into_any()),
                Err(e) => Ok(to_py_err(e).into_value(py).into_bound(py).into_any()),
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }
}
