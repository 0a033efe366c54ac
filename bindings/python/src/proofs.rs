//! Merkle proofs beyond the audit path: `ConsistencyProof` (RFC 6962 §2.1.2, an older
//! tree is a prefix of a newer one) and the free functions `verify_inclusion` and
//! `verify_consistency` of `cipherchart::chain::merkle`.

use cipherchart::chain as core;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::to_py_err;

/// A consistency proof between two sizes of the log: public, comparable, hashable,
/// picklable.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsistencyProof(pub core::ConsistencyProof);

#[pymethods]
impl ConsistencyProof {
    /// A proof from its parts (as read from elsewhere); nothing is checked until
    /// `verify`.
    #[new]
    fn new(old_size: u64, new_size: u64, path: Vec<[u8; 32]>) -> Self {
        Self(core::ConsistencyProof {
            old_size,
            new_size,
            path,
        })
    }

    /// Decodes `bytes(proof)`; raises InvalidEncoding otherwise.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        core::ConsistencyProof::from_bytes(data)
            .map(Self)
            .map_err(to_py_err)
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_bytes())
    }

    fn __hash__(&self) -> u64 {
        crate::hash_bytes(&self.0.to_bytes())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> crate::Reduced<'py> {
        crate::reduce(slf, slf.get().__bytes__(slf.py()))
    }

    fn __repr__(&self) -> String {
        format!(
            "ConsistencyProof(old_size={}, new_size={})",
            self.0.old_size, self.0.new_size
        )
    }

    /// The size of the older tree.
    #[getter]
    fn old_size(&self) -> u64 {
        self.0.old_size
    }

    /// The size of the newer tree.
    #[getter]
    fn new_size(&self) -> u64 {
        self.0.new_size
    }

    /// The proof hashes, in RFC 6962 SUBPROOF order.
    #[getter]
    fn path<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyBytes>> {
        self.0.path.iter().map(|h| PyBytes::new(py, h)).collect()
    }

    /// Raises VerificationFailed unless the tree of root `old_root` is a prefix of the
    /// tree of root `new_root` (InvalidArgument for an old size of 0 or above the new).
    fn verify(&self, old_root: [u8; 32], new_root: [u8; 32]) -> PyResult<()> {
        self.0.verify(&old_root, &new_root).map_err(to_py_err)
    }
}

/// Raises VerificationFailed unless `leaf_hash` is leaf `index` of the tree of `size`
/// leaves and root `root`, by the audit path `path`.
#[pyfunction]
pub fn verify_inclusion(
    leaf_hash: [u8; 32],
    index: u64,
    size: u64,
    path: Vec<[u8; 32]>,
    root: [u8; 32],
) -> PyResult<()> {
    core::verify_inclusion(&leaf_hash, index, size, &path, &root).map_err(to_py_err)
}

/// Raises VerificationFailed unless `path` proves the tree of `old_size` leaves and root
/// `old_root` a prefix of the tree of `new_size` leaves and root `new_root`.
#[pyfunction]
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: [u8; 32],
    new_root: [u8; 32],
    path: Vec<[u8; 32]>,
) -> PyResult<()> {
    core::verify_consistency(old_size, new_size, &old_root, &new_root, &path).map_err(to_py_err)
}
