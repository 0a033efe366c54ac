//! The signature lines of a checkpoint note: `NoteSignature` (`Checkpoint.signatures`)
//! and `key_id`.

use pyo3::prelude::*;

use crate::args::{Obj, Str};
use pyo3::types::PyBytes;

use crate::sig::BlsPublicKey;

/// One signature line of a checkpoint note: `— <key name> base64(key id ‖ signature)`.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature(pub cipherchart::NoteSignature);

#[pymethods]
impl NoteSignature {
    /// The key name.
    #[getter]
    fn key_name(&self) -> &str {
        &self.0.key_name
    }

    /// The 4-byte key id.
    #[getter]
    fn key_id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.key_id)
    }

    /// The signature bytes after the key id.
    #[getter]
    fn signature<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.signature)
    }

    fn __repr__(&self) -> String {
        format!(
            "NoteSignature(key_name={:?}, key_id={})",
            self.0.key_name,
            crate::short_hex(&self.0.key_id)
        )
    }
}

/// The 4-byte key id of a BLS log key under `key_name`, as in checkpoint signature lines.
#[pyfunction]
pub fn key_id<'py>(
    py: Python<'py>,
    key_name: Str,
    key: Obj<'_, BlsPublicKey>,
) -> Bound<'py, PyBytes> {
    let key_name: &str = &key_name.0;
    let key = &*key;
    PyBytes::new(py, &cipherchart::key_id(key_name, &key.0))
}
