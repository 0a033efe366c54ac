//! `cipherchart::merkle` beyond the chain's audit paths: `ConsistencyProof` (RFC 6962
//! §2.1.2, an older tree is a prefix of a newer one), `MerkleTree`, and the free functions
//! `verify_inclusion`, `verify_consistency`, `leaf_hash`, `node_hash`.

use std::sync::{Mutex, MutexGuard, PoisonError};

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::args::{Bytes, Fixed, Seq, UInt};
use crate::to_py_err;

/// A consistency proof between two sizes of the log: public, comparable, hashable,
/// picklable.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsistencyProof(pub cipherchart::ConsistencyProof);

#[pymethods]
impl ConsistencyProof {
    /// A proof from its parts (as read from elsewhere); nothing is checked until
    /// `verify`.
    #[new]
    fn new(old_size: UInt, new_size: UInt, path: Seq<Fixed<32>>) -> Self {
        let old_size = old_size.0;
        let new_size = new_size.0;
        let path: Vec<[u8; 32]> = path.0.into_iter().map(|d| d.0).collect();
        Self(cipherchart::ConsistencyProof {
            old_size,
            new_size,
            path,
        })
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
    fn verify(&self, old_root: Fixed<32>, new_root: Fixed<32>) -> PyResult<()> {
        let old_root = old_root.0;
        let new_root = new_root.0;
        self.0.verify(&old_root, &new_root).map_err(to_py_err)
    }
}

/// Raises VerificationFailed unless `leaf_hash` is leaf `index` of the tree of `size`
/// leaves and root `root`, by the audit path `path`.
#[pyfunction]
pub fn verify_inclusion(
    leaf_hash: Fixed<32>,
    index: UInt,
    size: UInt,
    path: Seq<Fixed<32>>,
    root: Fixed<32>,
) -> PyResult<()> {
    let leaf_hash = leaf_hash.0;
    let index = index.0;
    let size = size.0;
    let path: Vec<[u8; 32]> = path.0.into_iter().map(|d| d.0).collect();
    let root = root.0;
    cipherchart::verify_inclusion(&leaf_hash, index, size, &path, &root).map_err(to_py_err)
}

/// Raises VerificationFailed unless `path` proves the tree of `old_size` leaves and root
/// `old_root` a prefix of the tree of `new_size` leaves and root `new_root`.
#[pyfunction]
pub fn verify_consistency(
    old_size: UInt,
    new_size: UInt,
    old_root: Fixed<32>,
    new_root: Fixed<32>,
    path: Seq<Fixed<32>>,
) -> PyResult<()> {
    let old_size = old_size.0;
    let new_size = new_size.0;
    let old_root = old_root.0;
    let new_root = new_root.0;
    let path: Vec<[u8; 32]> = path.0.into_iter().map(|d| d.0).collect();
    cipherchart::verify_consistency(old_size, new_size, &old_root, &new_root, &path)
        .map_err(to_py_err)
}

/// `SHA-256(0x00 ‖ data)`: the RFC 6962 hash of a leaf holding `data`.
#[pyfunction]
pub fn leaf_hash<'py>(py: Python<'py>, data: Bytes) -> Bound<'py, PyBytes> {
    let data: &[u8] = &data;
    PyBytes::new(py, &cipherchart::leaf_hash(data))
}

/// `SHA-256(0x01 ‖ left ‖ right)`: the RFC 6962 hash of an inner node.
#[pyfunction]
pub fn node_hash<'py>(py: Python<'py>, left: Fixed<32>, right: Fixed<32>) -> Bound<'py, PyBytes> {
    let left = left.0;
    let right = right.0;
    PyBytes::new(py, &cipherchart::node_hash(&left, &right))
}

/// An RFC 6962 Merkle tree of leaf hashes, for logs other than the chain or for checking
/// a log's proofs by rebuilding it. Safe to share between threads (a mutex inside).
#[pyclass(module = "cipherchart", frozen)]
#[derive(Debug, Default)]
pub struct MerkleTree(Mutex<cipherchart::MerkleTree>);

impl MerkleTree {
    /// The tree, locked. `push` cannot panic half-way, so a poisoned lock still holds a
    /// consistent tree.
    fn lock(&self) -> MutexGuard<'_, cipherchart::MerkleTree> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[pymethods]
impl MerkleTree {
    /// The empty tree.
    #[new]
    fn new() -> Self {
        Self::default()
    }

    fn __len__(&self) -> usize {
        // A tree of more than usize::MAX leaves cannot be held in memory.
        usize::try_from(self.lock().len()).unwrap_or(usize::MAX)
    }

    fn __repr__(&self) -> String {
        let tree = self.lock();
        format!(
            "MerkleTree(size={}, root={})",
            tree.len(),
            crate::short_hex(&tree.root())
        )
    }

    /// Appends a leaf hash (see `leaf_hash`); returns its index.
    fn push(&self, leaf_hash: Fixed<32>) -> u64 {
        let leaf_hash = leaf_hash.0;
        self.lock().push(leaf_hash)
    }

    /// The leaf hash at `index`.
    fn leaf<'py>(&self, py: Python<'py>, index: UInt) -> PyResult<Bound<'py, PyBytes>> {
        let index = index.0;
        let h = self.lock().leaf(index);
        let h = h.map_err(to_py_err)?;
        Ok(PyBytes::new(py, &h))
    }

    /// The root of the whole tree (`EMPTY_ROOT` when empty).
    #[getter]
    fn root<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.lock().root())
    }

    /// The root of the first `size` leaves.
    fn root_at<'py>(&self, py: Python<'py>, size: UInt) -> PyResult<Bound<'py, PyBytes>> {
        let size = size.0;
        let h = self.lock().root_at(size);
        let h = h.map_err(to_py_err)?;
        Ok(PyBytes::new(py, &h))
    }

    /// The audit path of leaf `index` in the tree of the first `size` leaves.
    fn inclusion_proof(&self, index: UInt, size: UInt) -> PyResult<crate::InclusionProof> {
        let index = index.0;
        let size = size.0;
        let proof = self.lock().inclusion_proof(index, size);
        proof.map(crate::InclusionProof).map_err(to_py_err)
    }

    /// The consistency proof from the first `old_size` leaves to the first `new_size`.
    fn consistency_proof(&self, old_size: UInt, new_size: UInt) -> PyResult<ConsistencyProof> {
        let old_size = old_size.0;
        let new_size = new_size.0;
        let proof = self.lock().consistency_proof(old_size, new_size);
        proof.map(ConsistencyProof).map_err(to_py_err)
    }
}
