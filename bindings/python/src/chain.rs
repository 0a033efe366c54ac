//! The proof chain: `Chain` (in memory or in a crash-safe file), `EntryDraft`, `Entry`,
//! `InclusionProof`, `Checkpoint`, `ProofFile`. A subset of `cipherchart::chain`: drafts for
//! sealing, re-encryption and consent grants/revocations; no consistency proofs yet.

use std::path::PathBuf;

use cipherchart::chain as core;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rand_core::OsRng;

use crate::record::SealedRecord;
use crate::sig::{BlsPublicKey, Signature, SigningKey};
use crate::{detached, to_py_err};

/// An unsigned entry: what happened, to which subject, with which digest.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryDraft(pub core::EntryDraft);

/// A signed entry of the chain: public, comparable (by bytes), picklable.
#[pyclass(module = "cipherchart", frozen)]
#[derive(Clone)]
pub struct Entry(pub core::Entry);

/// A Merkle audit path: `index`, `size` and the sibling hashes.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionProof(pub core::InclusionProof);

/// A signed checkpoint (C2SP signed note): origin, size and root of the log.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct Checkpoint(pub core::Checkpoint);

/// A receipt: checkpoint + entry + audit path, verifiable offline.
#[pyclass(module = "cipherchart", frozen)]
#[derive(Clone)]
pub struct ProofFile(pub core::ProofFile);

macro_rules! opaque_debug {
    ($($t:ty),*) => {$(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($t))
            }
        }
    )*};
}
opaque_debug!(Entry, Checkpoint, ProofFile, Chain);

pub(crate) enum Store {
    Memory(core::Chain<core::MemoryStore>),
    File(core::Chain<core::FileStore>),
}

/// The log: a hash chain of signed entries and the Merkle tree over them, kept in memory
/// (`Chain()`) or in a crash-safe append-only file (`Chain.open_file(path)`).
#[pyclass(module = "cipherchart")]
pub struct Chain(pub(crate) Store);

/// Runs `$body` with `$c` bound to the chain, whatever its store.
macro_rules! with_chain_impl {
    ($store:expr, $c:ident => $body:expr) => {
        match $store {
            Store::Memory($c) => $body,
            Store::File($c) => $body,
        }
    };
}
pub(crate) use with_chain_impl as with_chain;

#[pymethods]
impl EntryDraft {
    /// The same draft with application metadata.
    fn with_metadata(&self, metadata: Vec<u8>) -> Self {
        Self(self.0.clone().with_metadata(metadata))
    }

    fn __repr__(&self) -> String {
        "EntryDraft(..)".to_owned()
    }
}

#[pymethods]
impl Entry {
    /// Logs sealing `record` (action `create`, subject the record id, digest SHA-256 of
    /// `bytes(record)`).
    #[staticmethod]
    fn for_seal(record: &SealedRecord, time: u64) -> EntryDraft {
        EntryDraft(core::Entry::for_seal(&record.0, time))
    }

    /// Logs a re-encryption whose result is `record`, made with the re-key of `grant_id`.
    #[staticmethod]
    fn for_reencrypt(record: &SealedRecord, grant_id: [u8; 16], time: u64) -> EntryDraft {
        EntryDraft(core::Entry::for_reencrypt(&record.0, grant_id, time))
    }

    /// Decodes `bytes(entry)`.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        core::Entry::from_bytes(data).map(Self).map_err(to_py_err)
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_bytes())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .extract::<PyRef<'_, Entry>>()
            .is_ok_and(|o| o.0.to_bytes() == self.0.to_bytes())
    }

    fn __hash__(&self) -> u64 {
        crate::hash_bytes(&self.0.hash())
    }

    fn __repr__(&self) -> String {
        format!(
            "Entry(sequence={}, action={}, hash={})",
            self.0.sequence(),
            self.0.action(),
            crate::short_hex(&self.0.hash())
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> crate::Reduced<'py> {
        crate::reduce(slf, slf.get().__bytes__(slf.py()))
    }

    /// The position in the chain.
    #[getter]
    fn sequence(&self) -> u64 {
        self.0.sequence()
    }

    /// The hash of the entry before (the genesis hash for the first).
    #[getter]
    fn prev<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.prev())
    }

    /// The time given in the draft.
    #[getter]
    fn time(&self) -> u64 {
        self.0.time()
    }

    /// The signer.
    #[getter]
    fn actor(&self) -> BlsPublicKey {
        BlsPublicKey(*self.0.actor())
    }

    /// The action, e.g. `create`, `re-encrypt`, `grant`.
    #[getter]
    fn action(&self) -> String {
        self.0.action().to_string()
    }

    /// The subject (e.g. a record id).
    #[getter]
    fn subject<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.subject())
    }

    /// The digest of the bytes concerned.
    #[getter]
    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.digest())
    }

    /// Application metadata.
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.metadata())
    }

    /// The actor's signature.
    #[getter]
    fn signature(&self) -> Signature {
        Signature(*self.0.signature())
    }

    /// The entry hash (what the next entry links to).
    #[getter]
    fn hash<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.hash())
    }

    /// The RFC 6962 leaf hash.
    #[getter]
    fn leaf_hash<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.leaf_hash())
    }

    /// Raises VerificationFailed unless the actor's signature is valid.
    fn verify_signature(&self, py: Python<'_>) -> PyResult<()> {
        detached(py, || self.0.verify_signature()).map_err(to_py_err)
    }
}

#[pymethods]
impl InclusionProof {
    /// The leaf's index.
    #[getter]
    fn index(&self) -> u64 {
        self.0.index
    }

    /// The tree size the path leads to the root of.
    #[getter]
    fn size(&self) -> u64 {
        self.0.size
    }

    /// The sibling hashes, leaf side first.
    #[getter]
    fn path<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyBytes>> {
        self.0.path.iter().map(|h| PyBytes::new(py, h)).collect()
    }

    /// Raises VerificationFailed unless `leaf_hash` is at `index` in the tree of root `root`.
    fn verify(&self, leaf_hash: [u8; 32], root: [u8; 32]) -> PyResult<()> {
        self.0.verify(&leaf_hash, &root).map_err(to_py_err)
    }

    fn __repr__(&self) -> String {
        format!(
            "InclusionProof(index={}, size={})",
            self.0.index, self.0.size
        )
    }
}

#[pymethods]
impl Checkpoint {
    /// Decodes `bytes(checkpoint)`.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        core::Checkpoint::from_bytes(data)
            .map(Self)
            .map_err(to_py_err)
    }

    /// Parses the signed-note text.
    #[staticmethod]
    fn from_note(note: &str) -> PyResult<Self> {
        core::Checkpoint::from_note(note)
            .map(Self)
            .map_err(to_py_err)
    }

    /// The signed-note text.
    fn to_note(&self) -> String {
        self.0.to_note()
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_bytes())
    }

    fn __hash__(&self) -> u64 {
        crate::hash_bytes(&self.0.to_bytes())
    }

    fn __repr__(&self) -> String {
        format!(
            "Checkpoint(size={}, root={})",
            self.0.size(),
            crate::short_hex(self.0.root())
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> crate::Reduced<'py> {
        crate::reduce(slf, slf.get().__bytes__(slf.py()))
    }

    /// The log's origin line.
    #[getter]
    fn origin(&self) -> &str {
        self.0.origin()
    }

    /// The tree size.
    #[getter]
    fn size(&self) -> u64 {
        self.0.size()
    }

    /// The Merkle root.
    #[getter]
    fn root<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.root())
    }

    /// Raises VerificationFailed unless `log_key` signed the checkpoint.
    fn verify(&self, py: Python<'_>, log_key: &BlsPublicKey) -> PyResult<()> {
        detached(py, || self.0.verify(&log_key.0)).map_err(to_py_err)
    }
}

#[pymethods]
impl ProofFile {
    /// Decodes `bytes(proof_file)`.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        core::ProofFile::from_bytes(data)
            .map(Self)
            .map_err(to_py_err)
    }

    /// Parses the text form.
    #[staticmethod]
    fn from_text(text: &str) -> PyResult<Self> {
        core::ProofFile::from_text(text)
            .map(Self)
            .map_err(to_py_err)
    }

    /// The text form.
    fn to_text(&self) -> String {
        self.0.to_text()
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_bytes())
    }

    fn __repr__(&self) -> String {
        format!(
            "ProofFile(sequence={}, size={})",
            self.0.entry().sequence(),
            self.0.checkpoint().size()
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> crate::Reduced<'py> {
        crate::reduce(slf, slf.get().__bytes__(slf.py()))
    }

    /// The checkpoint.
    #[getter]
    fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.0.checkpoint().clone())
    }

    /// The entry.
    #[getter]
    fn entry(&self) -> Entry {
        Entry(self.0.entry().clone())
    }

    /// Verifies the checkpoint signature, the audit path and the entry signature; returns
    /// the entry or raises VerificationFailed.
    fn verify(&self, py: Python<'_>, log_key: &BlsPublicKey) -> PyResult<Entry> {
        detached(py, || self.0.verify(&log_key.0).cloned())
            .map(Entry)
            .map_err(to_py_err)
    }
}

#[pymethods]
impl Chain {
    /// An empty chain in memory.
    #[new]
    fn new() -> PyResult<Self> {
        core::Chain::open(core::MemoryStore::new())
            .map(|c| Self(Store::Memory(c)))
            .map_err(to_py_err)
    }

    /// Opens the chain in the file at `path` (created if missing), checking every entry's
    /// position and link; raises ChainError (`.index`) for a damaged file.
    #[staticmethod]
    fn open_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        detached(py, || {
            core::FileStore::open_or_create(&path).and_then(core::Chain::open)
        })
        .map(|c| Self(Store::File(c)))
        .map_err(to_py_err)
    }

    fn __len__(&self) -> usize {
        with_chain!(&self.0, c => c.len() as usize)
    }

    fn __repr__(&self) -> String {
        let kind = match &self.0 {
            Store::Memory(_) => "memory",
            Store::File(_) => "file",
        };
        format!("Chain({kind}, len={})", self.__len__())
    }

    /// The Merkle root of all entries.
    #[getter]
    fn root<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &with_chain!(&self.0, c => c.root()))
    }

    /// The hash of the last entry (the genesis hash when empty).
    #[getter]
    fn last_hash<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &with_chain!(&self.0, c => c.last_hash()))
    }

    /// The entry at `index`.
    fn entry(&self, index: u64) -> PyResult<Entry> {
        with_chain!(&self.0, c => c.entry(index))
            .map(Entry)
            .map_err(to_py_err)
    }

    /// Signs `draft` as `actor`, appends it (durably, for a file) and returns its index.
    fn sign_and_append(
        &mut self,
        py: Python<'_>,
        draft: &EntryDraft,
        actor: &SigningKey,
    ) -> PyResult<u64> {
        let store = &mut self.0;
        let draft = draft.0.clone();
        detached(
            py,
            || with_chain!(store, c => c.sign_and_append(draft, &actor.0)),
        )
        .map_err(to_py_err)
    }

    /// The audit path of the entry at `index` to the current root.
    fn prove_inclusion(&self, index: u64) -> PyResult<InclusionProof> {
        with_chain!(&self.0, c => c.prove_inclusion(index))
            .map(InclusionProof)
            .map_err(to_py_err)
    }

    /// Signs the current state with the log's key.
    fn checkpoint(
        &self,
        py: Python<'_>,
        log_key: &SigningKey,
        origin: &str,
    ) -> PyResult<Checkpoint> {
        let store = &self.0;
        detached(
            py,
            || with_chain!(store, c => c.checkpoint(&log_key.0, origin)),
        )
        .map(Checkpoint)
        .map_err(to_py_err)
    }

    /// A receipt for the entry at `index` under `checkpoint`.
    fn proof_file(&self, index: u64, checkpoint: &Checkpoint) -> PyResult<ProofFile> {
        with_chain!(&self.0, c => c.proof_file(index, &checkpoint.0))
            .map(ProofFile)
            .map_err(to_py_err)
    }

    /// Re-checks every entry (links, hashes, signatures in batches) and, if given, that
    /// `checkpoint` signed by `log_key` matches; raises ChainError naming the first fault.
    #[pyo3(signature = (checkpoint=None, log_key=None))]
    fn verify_all(
        &self,
        py: Python<'_>,
        checkpoint: Option<PyRef<'_, Checkpoint>>,
        log_key: Option<BlsPublicKey>,
    ) -> PyResult<()> {
        let cp = match (&checkpoint, &log_key) {
            (Some(cp), Some(k)) => Some((cp.0.clone(), k.0)),
            (None, None) => None,
            _ => {
                return Err(to_py_err(cipherchart::Error::InvalidArgument(
                    "give both a checkpoint and the log key, or neither",
                )))
            }
        };
        let store = &self.0;
        detached(
            py,
            || with_chain!(store, c => c.verify_all(cp.as_ref().map(|(p, k)| (p, k)), &mut OsRng)),
        )
        .map_err(to_py_err)
    }
}
