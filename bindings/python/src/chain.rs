//! The proof chain: `Chain` (in memory or in a crash-safe file), `EntryDraft`, `Entry`,
//! `InclusionProof`, `Checkpoint`, `ProofFile` (consistency proofs are in `proofs.rs`, the
//! file store's `Recovery` in `store.rs`, note signature lines in `note.rs`). Actions are
//! named by their text (`create`, `re-encrypt`, ...) or their numeric code.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rand_core::OsRng;

use crate::args::{Bytes, Fixed, Flag, FsPath, Obj, Seq, Str, Time, UInt};
use crate::note::NoteSignature;
use crate::proofs::ConsistencyProof;
use crate::record::SealedRecord;
use crate::session::SessionHeader;
use crate::sig::{BlsPublicKey, BlsSignature, BlsSigningKey};
use crate::store::Recovery;
use crate::stream::{StreamInfo, Trailer};
use crate::version_notice::VersionNotice;
use crate::{detached, to_py_err};

/// An unsigned entry: what happened, to which subject, with which digest.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryDraft(pub cipherchart::EntryDraft);

/// A signed entry of the chain: public, comparable (by bytes), picklable.
#[pyclass(module = "cipherchart", frozen)]
#[derive(Clone)]
pub struct Entry(pub cipherchart::Entry);

/// A Merkle audit path: `index`, `size` and the sibling hashes.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionProof(pub cipherchart::InclusionProof);

/// A signed checkpoint (C2SP signed note): origin, size and root of the log.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct Checkpoint(pub cipherchart::Checkpoint);

/// A receipt: checkpoint + entry + audit path, verifiable offline.
#[pyclass(module = "cipherchart", frozen)]
#[derive(Clone)]
pub struct ProofFile(pub cipherchart::ProofFile);

macro_rules! opaque_debug {
    ($($t:ty),*) => {$(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($t))
            }
        }
    )*};
}
opaque_debug!(Entry, Checkpoint, ProofFile, Chain, ChainIter);

pub(crate) enum Store {
    Memory(cipherchart::Chain<cipherchart::MemoryStore>),
    File(cipherchart::Chain<cipherchart::FileStore>),
}

/// The log: a hash chain of signed entries and the Merkle tree over them, kept in memory
/// (`Chain()`) or in a crash-safe append-only file (`Chain.open_file(path)`).
///
/// Safe to share between threads: the chain is behind a mutex, taken with the GIL released
/// (so a long `verify_all` blocks other calls on this chain, not the interpreter), and never
/// held while the GIL is taken again. Each call sees and leaves a consistent chain.
#[pyclass(module = "cipherchart", frozen)]
pub struct Chain(Mutex<Option<Store>>);

impl Chain {
    fn from_store(store: Store) -> Self {
        Self(Mutex::new(Some(store)))
    }

    /// Runs `f` on the chain with the GIL released and the chain locked; raises
    /// InvalidArgument once the chain is closed.
    pub(crate) fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Store) -> T + Send,
    ) -> PyResult<T> {
        detached(py, || self.lock().as_mut().map(f))
            .ok_or_else(|| to_py_err(cipherchart::Error::InvalidArgument("the chain is closed")))
    }

    fn lock(&self) -> MutexGuard<'_, Option<Store>> {
        // A panic in the core while the lock was held cannot leave the chain half-updated:
        // the tree and the last hash only change after the store acknowledged the append.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

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

/// An action from its name (`create`, `update`, `read`, `share`, `re-encrypt`, `grant`,
/// `revoke`, `custody`, `extension-0x0100` …) or its numeric code (extensions: 0x0100 and up).
pub(crate) enum ActionArg {
    Code(u16),
    Name(String),
}

impl<'a, 'py> FromPyObject<'a, 'py> for ActionArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(name) = obj.cast::<pyo3::types::PyString>() {
            return Ok(Self::Name(name.extract()?));
        }
        let code = UInt::extract(obj)?.0;
        u16::try_from(code).map(Self::Code).map_err(|_| {
            crate::args::invalid_argument(format!(
                "an action is a name or a code from 0 to 65535, got {code}"
            ))
        })
    }
}

impl ActionArg {
    fn into_core(self) -> PyResult<cipherchart::Action> {
        match self {
            Self::Code(c) => cipherchart::Action::from_code(c),
            Self::Name(n) => cipherchart::Action::from_name(&n),
        }
        .map_err(to_py_err)
    }
}

#[pymethods]
impl EntryDraft {
    /// A draft: at `time` (seconds), `action` (a name such as `create` or a numeric code)
    /// on `subject`, with `digest` the SHA-256 (32 bytes) of the bytes concerned.
    #[new]
    fn new(time: Time, action: ActionArg, subject: Bytes, digest: Fixed<32>) -> PyResult<Self> {
        let time = time.0;
        let subject: Vec<u8> = subject.0;
        let digest = digest.0;
        Ok(Self(cipherchart::EntryDraft::new(
            time,
            action.into_core()?,
            subject,
            digest,
        )))
    }

    /// A draft whose digest is the SHA-256 of `payload`.
    #[staticmethod]
    fn for_payload(
        time: Time,
        action: ActionArg,
        subject: Bytes,
        payload: Bytes,
    ) -> PyResult<Self> {
        let time = time.0;
        let subject: Vec<u8> = subject.0;
        let payload: &[u8] = &payload;
        Ok(Self(cipherchart::EntryDraft::for_payload(
            time,
            action.into_core()?,
            subject,
            payload,
        )))
    }

    /// Signs the draft as entry `sequence` of a chain whose last entry hash is `prev`
    /// (`Chain.len()` and `Chain.last_hash`), for `Chain.append` (an actor signing
    /// elsewhere). Raises InvalidArgument for an over-long subject or metadata.
    fn sign(
        &self,
        py: Python<'_>,
        sequence: UInt,
        prev: Fixed<32>,
        actor: Obj<'_, BlsSigningKey>,
    ) -> PyResult<Entry> {
        let actor = &*actor;
        let sequence = sequence.0;
        let prev = prev.0;
        let draft = self.0.clone();
        detached(py, || draft.sign(sequence, prev, &actor.0))
            .map(Entry)
            .map_err(to_py_err)
    }

    /// When it happened (seconds since the epoch, as the actor states it).
    #[getter]
    fn time(&self) -> u64 {
        self.0.time
    }

    /// The action's name, e.g. `create`.
    #[getter]
    fn action(&self) -> String {
        self.0.action.to_string()
    }

    /// The action's numeric code.
    #[getter]
    fn action_code(&self) -> u16 {
        self.0.action.code()
    }

    /// The subject (e.g. a record id).
    #[getter]
    fn subject<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.subject)
    }

    /// The SHA-256 of the bytes concerned.
    #[getter]
    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.digest)
    }

    /// Application metadata.
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.metadata)
    }

    /// The same draft with application metadata.
    fn with_metadata(&self, metadata: Bytes) -> Self {
        let metadata: Vec<u8> = metadata.0;
        Self(self.0.clone().with_metadata(metadata))
    }

    fn __repr__(&self) -> String {
        format!(
            "EntryDraft(time={}, action={}, subject={})",
            self.0.time,
            self.0.action,
            crate::short_hex(&self.0.subject)
        )
    }
}

#[pymethods]
impl Entry {
    /// Logs sealing `record` (action `create`, subject the record id, digest SHA-256 of
    /// `bytes(record)`).
    #[staticmethod]
    fn for_seal(record: Obj<'_, SealedRecord>, time: Time) -> EntryDraft {
        let record = &*record;
        let time = time.0;
        EntryDraft(cipherchart::Entry::for_seal(&record.0, time))
    }

    /// Logs a re-encryption whose result is `record`, made with the re-key of `grant_id`.
    #[staticmethod]
    fn for_reencrypt(record: Obj<'_, SealedRecord>, grant_id: Fixed<16>, time: Time) -> EntryDraft {
        let record = &*record;
        let grant_id = grant_id.0;
        let time = time.0;
        EntryDraft(cipherchart::Entry::for_reencrypt(&record.0, grant_id, time))
    }

    /// Logs a version notice that bumps (a revocation): action `revoke`, subject the
    /// authority id, digest the notice digest, metadata `u64 serial ‖ u64 bump_count`.
    /// Raises InvalidArgument for a notice that reflects no bump.
    #[staticmethod]
    fn for_notice(notice: Obj<'_, VersionNotice>, time: Time) -> PyResult<EntryDraft> {
        let notice = &*notice;
        let time = time.0;
        cipherchart::Entry::for_notice(&notice.0, time)
            .map(EntryDraft)
            .map_err(crate::to_py_err)
    }

    /// Logs the key updates a notice caused: action `grant`, subject the authority id, digest
    /// the notice digest, metadata the `u64` count of keys re-issued (never who got them).
    #[staticmethod]
    fn for_key_update(notice: Obj<'_, VersionNotice>, keys_issued: UInt, time: Time) -> EntryDraft {
        let notice = &*notice;
        let keys_issued = keys_issued.0;
        let time = time.0;
        EntryDraft(cipherchart::Entry::for_key_update(
            &notice.0,
            keys_issued,
            time,
        ))
    }

    /// Logs one record's catch-up from `old` to `new` (`Authority.rewrap`): action `update`,
    /// subject the record id, digest SHA-256 of `bytes(new)`, metadata the old header digest
    /// then the new one (64 bytes). Raises InvalidArgument if `new` is not a catch-up of
    /// `old` (another authority, id, metadata or body, a v2 result, an older notice serial).
    #[staticmethod]
    fn for_catch_up(
        old: Obj<'_, SealedRecord>,
        new: Obj<'_, SealedRecord>,
        time: Time,
    ) -> PyResult<EntryDraft> {
        let old = &*old;
        let new = &*new;
        let time = time.0;
        cipherchart::Entry::for_catch_up(&old.0, &new.0, time)
            .map(EntryDraft)
            .map_err(crate::to_py_err)
    }

    /// Logs a stream's close: action `create`, subject the stream id, digest the trailer's
    /// digest, metadata `bytes(trailer)` (`stream_trailer` of what the sealer wrote). The
    /// anchor that lets the authority re-wrap the stream's header at a later revocation.
    /// Raises InvalidArgument for a session trailer.
    #[staticmethod]
    fn for_stream_close(trailer: Obj<'_, Trailer>, time: Time) -> PyResult<EntryDraft> {
        let trailer = &*trailer;
        cipherchart::Entry::for_stream_close(&trailer.0, time.0)
            .map(EntryDraft)
            .map_err(crate::to_py_err)
    }

    /// Logs one stream's catch-up from `old` to `new` (the `StreamInfo` before and after
    /// `Authority.rewrap_stream` or `Authority.reencrypt_stream`): action `update`, subject
    /// the stream id, digest the new header digest, metadata the old header digest, the new
    /// one and, for a re-wrap, the digest of the trailer the new header carries (96 bytes;
    /// 64 for a re-encryption). Raises InvalidArgument if `new` is not a catch-up of `old`
    /// (another authority, id, metadata, policy or chunk size, a v2 result, the same header,
    /// an older notice serial, a re-wrap whose trailer is not the old stream's).
    #[staticmethod]
    fn for_stream_catch_up(
        old: Obj<'_, StreamInfo>,
        new: Obj<'_, StreamInfo>,
        time: Time,
    ) -> PyResult<EntryDraft> {
        let old = &*old;
        let new = &*new;
        cipherchart::Entry::for_stream_catch_up(&old.0, &new.0, time.0)
            .map(EntryDraft)
            .map_err(crate::to_py_err)
    }

    /// Logs a session's close: action `create`, subject the session id, digest the trailer
    /// digest, metadata `bytes(trailer)` (`SessionSealer.trailer()` when the sealer stops).
    /// The anchor that lets the authority re-wrap the session's header at a later
    /// revocation. Raises InvalidArgument for a stream trailer.
    #[staticmethod]
    fn for_session_close(trailer: Obj<'_, Trailer>, time: Time) -> PyResult<EntryDraft> {
        let trailer = &*trailer;
        cipherchart::Entry::for_session_close(&trailer.0, time.0)
            .map(EntryDraft)
            .map_err(crate::to_py_err)
    }

    /// Logs a session's progress anchor: action `update`, subject the session id, digest the
    /// trailer digest, metadata `bytes(trailer)` (`SessionSealer.trailer()` while sealing).
    /// The last one before a revoking notice is where a session still being sealed then is
    /// split (`Authority.split_session`). Raises InvalidArgument for a stream trailer.
    #[staticmethod]
    fn for_session_progress(trailer: Obj<'_, Trailer>, time: Time) -> PyResult<EntryDraft> {
        let trailer = &*trailer;
        cipherchart::Entry::for_session_progress(&trailer.0, time.0)
            .map(EntryDraft)
            .map_err(crate::to_py_err)
    }

    /// Logs one session's catch-up from `old` to `new` (the `SessionHeader` before and
    /// after `Authority.rewrap_session` or `Authority.reencrypt_session`): action `update`,
    /// subject the session id, digest the new header digest, metadata the old header
    /// digest, the new one and, for a re-wrap, the carried trailer's digest (96 bytes; 64
    /// for a re-encryption). Raises InvalidArgument if `new` is not a catch-up of `old`.
    #[staticmethod]
    fn for_session_catch_up(
        old: Obj<'_, SessionHeader>,
        new: Obj<'_, SessionHeader>,
        time: Time,
    ) -> PyResult<EntryDraft> {
        let old = &*old;
        let new = &*new;
        cipherchart::Entry::for_session_catch_up(&old.0, &new.0, time.0)
            .map(EntryDraft)
            .map_err(crate::to_py_err)
    }

    /// Logs one record's strip from `old` to `new` (`SealedRecord.strip_stale_hops`): action
    /// `update`, subject the record id, digest SHA-256 of `bytes(new)`, metadata SHA-256 of
    /// `bytes(old)`, then the hop counts before and after (34 bytes). Raises InvalidArgument
    /// unless `new` is `old` with fewer hops.
    #[staticmethod]
    fn for_strip(
        old: Obj<'_, SealedRecord>,
        new: Obj<'_, SealedRecord>,
        time: Time,
    ) -> PyResult<EntryDraft> {
        let old = &*old;
        let new = &*new;
        cipherchart::Entry::for_strip(&old.0, &new.0, time.0)
            .map(EntryDraft)
            .map_err(crate::to_py_err)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .extract::<PyRef<'_, Entry>>()
            .is_ok_and(|o| o.0.to_bytes() == self.0.to_bytes())
    }

    fn __repr__(&self) -> String {
        format!(
            "Entry(sequence={}, action={}, hash={})",
            self.0.sequence(),
            self.0.action(),
            crate::short_hex(&self.0.hash())
        )
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

    /// The action's numeric code.
    #[getter]
    fn action_code(&self) -> u16 {
        self.0.action().code()
    }

    /// The exact bytes the actor signed.
    fn signed_message<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.signed_message())
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
    fn signature(&self) -> BlsSignature {
        BlsSignature(*self.0.signature())
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
    /// A proof from its parts (as read from elsewhere); nothing is checked until `verify`.
    #[new]
    fn new(index: UInt, size: UInt, path: Seq<Fixed<32>>) -> Self {
        let index = index.0;
        let size = size.0;
        let path: Vec<[u8; 32]> = path.0.into_iter().map(|d| d.0).collect();
        Self(cipherchart::InclusionProof { index, size, path })
    }

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
    fn verify(&self, leaf_hash: Fixed<32>, root: Fixed<32>) -> PyResult<()> {
        let leaf_hash = leaf_hash.0;
        let root = root.0;
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
    /// Parses the signed-note text.
    #[staticmethod]
    fn from_note(note: Str) -> PyResult<Self> {
        let note: &str = &note.0;
        cipherchart::Checkpoint::from_note(note)
            .map(Self)
            .map_err(to_py_err)
    }

    /// Signs the checkpoint `(origin, size, root)` with the log key; raises
    /// InvalidArgument for an origin that is not a valid key name.
    #[staticmethod]
    fn sign(
        py: Python<'_>,
        origin: Str,
        size: UInt,
        root: Fixed<32>,
        log_key: Obj<'_, BlsSigningKey>,
    ) -> PyResult<Self> {
        let origin: &str = &origin.0;
        let log_key = &*log_key;
        let size = size.0;
        let root = root.0;
        detached(py, || {
            cipherchart::Checkpoint::sign(origin, size, root, &log_key.0)
        })
        .map(Self)
        .map_err(to_py_err)
    }

    /// The signed-note text.
    fn to_note(&self) -> String {
        self.0.to_note()
    }

    /// The note body the signatures cover (origin, size, root, extensions).
    fn note_text(&self) -> String {
        self.0.note_text()
    }

    /// Extension lines (none in checkpoints this library signs).
    #[getter]
    fn extensions(&self) -> Vec<String> {
        self.0.extensions().to_vec()
    }

    /// Every signature line, the log's and any others.
    #[getter]
    fn signatures(&self) -> Vec<NoteSignature> {
        self.0
            .signatures()
            .iter()
            .cloned()
            .map(NoteSignature)
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "Checkpoint(size={}, root={})",
            self.0.size(),
            crate::short_hex(self.0.root())
        )
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
    fn verify(&self, py: Python<'_>, log_key: Obj<'_, BlsPublicKey>) -> PyResult<()> {
        let log_key = &*log_key;
        detached(py, || self.0.verify(&log_key.0)).map_err(to_py_err)
    }
}

#[pymethods]
impl ProofFile {
    /// Bundles the parts; raises InvalidArgument unless the proof is for the entry's
    /// sequence at the checkpoint's size (nothing cryptographic: see `verify`).
    #[new]
    fn new(
        checkpoint: Obj<'_, Checkpoint>,
        entry: Obj<'_, Entry>,
        proof: Obj<'_, InclusionProof>,
    ) -> PyResult<Self> {
        let checkpoint = &*checkpoint;
        let entry = &*entry;
        let proof = &*proof;
        cipherchart::ProofFile::new(checkpoint.0.clone(), entry.0.clone(), proof.0.clone())
            .map(Self)
            .map_err(to_py_err)
    }

    /// The C2SP tlog-proof v1 text (`c2sp.org/tlog-proof@v1`, the entry as `extra`).
    fn to_tlog_proof(&self) -> String {
        self.0.to_tlog_proof()
    }

    /// Parses `to_tlog_proof()`; raises InvalidEncoding for anything malformed.
    #[staticmethod]
    fn from_tlog_proof(text: Str) -> PyResult<Self> {
        let text: &str = &text.0;
        cipherchart::ProofFile::from_tlog_proof(text)
            .map(Self)
            .map_err(to_py_err)
    }

    /// The audit path.
    #[getter]
    fn proof(&self) -> InclusionProof {
        InclusionProof(self.0.proof().clone())
    }

    /// Parses the text form.
    #[staticmethod]
    fn from_text(text: Str) -> PyResult<Self> {
        let text: &str = &text.0;
        cipherchart::ProofFile::from_text(text)
            .map(Self)
            .map_err(to_py_err)
    }

    /// The text form.
    fn to_text(&self) -> String {
        self.0.to_text()
    }

    fn __repr__(&self) -> String {
        format!(
            "ProofFile(sequence={}, size={})",
            self.0.entry().sequence(),
            self.0.checkpoint().size()
        )
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
    fn verify(&self, py: Python<'_>, log_key: Obj<'_, BlsPublicKey>) -> PyResult<Entry> {
        let log_key = &*log_key;
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
        cipherchart::Chain::open(cipherchart::MemoryStore::new())
            .map(|c| Self::from_store(Store::Memory(c)))
            .map_err(to_py_err)
    }

    /// Opens the chain in the file at `path` (created if missing, unless `read_only`),
    /// checking every entry's position and link; raises InvalidEncoding (kind `wrong_type`
    /// or `unsupported_version`) for a file that is not a store of this version (left
    /// unmodified), ChainError (`.index`) for a damaged store. A torn tail is cut off
    /// (reported, not cut, when `read_only`): see `recovery`. The chain is the file's one
    /// writer while it lives: another writer, in this process or another, raises ChainError
    /// with kind `locked` (readers never do).
    #[staticmethod]
    #[pyo3(signature = (path, read_only=Flag(false)), text_signature = "(path, read_only=False)")]
    fn open_file(py: Python<'_>, path: FsPath, read_only: Flag) -> PyResult<Self> {
        let path = path.0;
        let read_only = read_only.0;
        detached(py, || {
            let store = if read_only {
                cipherchart::FileStore::open_read_only(&path)
            } else {
                cipherchart::FileStore::open_or_create(&path)
            };
            store.and_then(cipherchart::Chain::open)
        })
        .map(|c| Self::from_store(Store::File(c)))
        .map_err(to_py_err)
    }

    /// A chain in memory over existing store records (entry encodings, in order), as
    /// a verifier loading a copied log: each entry's encoding, position and link are
    /// checked as `open_file` does (ChainError with `.index` and `.kind`). Signatures
    /// are checked by `verify_all`.
    #[staticmethod]
    fn from_records(py: Python<'_>, records: Seq<Bytes>) -> PyResult<Self> {
        let records: Vec<Vec<u8>> = records.0.into_iter().map(|b| b.0).collect();
        detached(py, || {
            cipherchart::Chain::open(cipherchart::MemoryStore::from_records(records))
        })
        .map(|c| Self::from_store(Store::Memory(c)))
        .map_err(to_py_err)
    }

    /// What opening the file found (None for a chain in memory).
    #[getter]
    fn recovery(&self) -> Option<Recovery> {
        match &*self.lock() {
            Some(Store::File(c)) => Some(Recovery(c.store().recovery().clone())),
            _ => None,
        }
    }

    /// Verifies `token` as `ConsentToken.verify` does, with the revocations logged in this
    /// chain (its `revoke` entries, each counting only if signed by the token's issuer or a
    /// holder upstream of the revoked block). Raises as `ConsentToken.verify`, and
    /// VerificationFailed for a revoke entry with a bad signature.
    fn verify_consent(
        &self,
        py: Python<'_>,
        token: Obj<'_, crate::consent::ConsentToken>,
        issuer: Obj<'_, BlsPublicKey>,
        now: Time,
    ) -> PyResult<crate::consent::VerifiedConsent> {
        let (token, issuer, now) = (&token.0, &issuer.0, now.0);
        self.with(
            py,
            |s| with_chain!(s, c => c.verify_consent(token, issuer, now)),
        )?
        .map(crate::consent::VerifiedConsent)
        .map_err(to_py_err)
    }

    /// The Merkle root of the first `size` entries.
    fn root_at<'py>(&self, py: Python<'py>, size: UInt) -> PyResult<Bound<'py, PyBytes>> {
        let size = size.0;
        let root = self
            .with(py, |s| with_chain!(s, c => c.root_at(size)))?
            .map_err(to_py_err)?;
        Ok(PyBytes::new(py, &root))
    }

    /// Appends an entry signed elsewhere (`EntryDraft.sign`) after checking its position,
    /// link and signature; returns its index. Raises InvalidArgument (position, link) or
    /// VerificationFailed.
    fn append(&self, py: Python<'_>, entry: Obj<'_, Entry>) -> PyResult<u64> {
        let entry = &*entry;
        let entry = entry.0.clone();
        self.with(py, |s| with_chain!(s, c => c.append(entry)))?
            .map_err(to_py_err)
    }

    /// The audit path of the entry at `index` to the root of the first `size` entries.
    fn prove_inclusion_at(
        &self,
        py: Python<'_>,
        index: UInt,
        size: UInt,
    ) -> PyResult<InclusionProof> {
        let index = index.0;
        let size = size.0;
        self.with(
            py,
            |s| with_chain!(s, c => c.prove_inclusion_at(index, size)),
        )?
        .map(InclusionProof)
        .map_err(to_py_err)
    }

    /// The proof that the first `old_size` entries are a prefix of the current log.
    fn prove_consistency(&self, py: Python<'_>, old_size: UInt) -> PyResult<ConsistencyProof> {
        let old_size = old_size.0;
        self.with(py, |s| with_chain!(s, c => c.prove_consistency(old_size)))?
            .map(ConsistencyProof)
            .map_err(to_py_err)
    }

    /// The consistency proof between two earlier sizes.
    fn prove_consistency_between(
        &self,
        py: Python<'_>,
        old_size: UInt,
        new_size: UInt,
    ) -> PyResult<ConsistencyProof> {
        let old_size = old_size.0;
        let new_size = new_size.0;
        self.with(
            py,
            |s| with_chain!(s, c => c.prove_consistency_between(old_size, new_size)),
        )?
        .map(ConsistencyProof)
        .map_err(to_py_err)
    }

    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        self.with(py, |s| with_chain!(s, c => c.len() as usize))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let state = self.with(py, |s| match s {
            Store::Memory(c) => ("memory", c.len()),
            Store::File(c) => ("file", c.len()),
        });
        match state {
            Ok((kind, len)) => format!("Chain({kind}, len={len})"),
            Err(_) => "Chain(closed)".to_owned(),
        }
    }

    /// The entry at `index` (negative: from the end); raises IndexError out of range.
    fn __getitem__(&self, py: Python<'_>, index: i64) -> PyResult<Entry> {
        let entry = self.with(py, |s| {
            with_chain!(s, c => {
                let len = c.len();
                let i = if index < 0 {
                    len.checked_sub(index.unsigned_abs())
                } else {
                    Some(index.unsigned_abs())
                };
                i.filter(|&i| i < len).map(|i| c.entry(i))
            })
        })?;
        match entry {
            Some(e) => e.map(Entry).map_err(to_py_err),
            None => Err(pyo3::exceptions::PyIndexError::new_err(
                "chain index out of range",
            )),
        }
    }

    /// The entries in order (each read back and checked as `entry` does). Entries appended
    /// while iterating are included.
    fn __iter__(slf: Bound<'_, Self>) -> ChainIter {
        ChainIter {
            chain: slf.unbind(),
            next: AtomicU64::new(0),
        }
    }

    /// Closes the chain: a file chain releases its file (another writer may then open it).
    /// Every later call raises InvalidArgument, except `close` and `recovery` (None).
    fn close(&self, py: Python<'_>) {
        let store = detached(py, || self.lock().take());
        drop(store);
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    /// Closes the chain (`with Chain.open_file(path) as chain:`); exceptions propagate.
    #[pyo3(signature = (*exc))]
    fn __exit__(&self, py: Python<'_>, exc: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        let _ = exc;
        self.close(py);
        false
    }

    /// The Merkle root of all entries.
    #[getter]
    fn root<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let root = self.with(py, |s| with_chain!(s, c => c.root()))?;
        Ok(PyBytes::new(py, &root))
    }

    /// The hash of the last entry (the genesis hash when empty).
    #[getter]
    fn last_hash<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let hash = self.with(py, |s| with_chain!(s, c => c.last_hash()))?;
        Ok(PyBytes::new(py, &hash))
    }

    /// The entry at `index`.
    fn entry(&self, py: Python<'_>, index: UInt) -> PyResult<Entry> {
        let index = index.0;
        self.with(py, |s| with_chain!(s, c => c.entry(index)))?
            .map(Entry)
            .map_err(to_py_err)
    }

    /// Signs `draft` as `actor`, appends it (durably, for a file) and returns its index.
    fn sign_and_append(
        &self,
        py: Python<'_>,
        draft: Obj<'_, EntryDraft>,
        actor: Obj<'_, BlsSigningKey>,
    ) -> PyResult<u64> {
        let draft = &*draft;
        let actor = &*actor;
        let draft = draft.0.clone();
        self.with(
            py,
            |s| with_chain!(s, c => c.sign_and_append(draft, &actor.0)),
        )?
        .map_err(to_py_err)
    }

    /// The audit path of the entry at `index` to the current root.
    fn prove_inclusion(&self, py: Python<'_>, index: UInt) -> PyResult<InclusionProof> {
        let index = index.0;
        self.with(py, |s| with_chain!(s, c => c.prove_inclusion(index)))?
            .map(InclusionProof)
            .map_err(to_py_err)
    }

    /// Signs the current state with the log's key.
    fn checkpoint(
        &self,
        py: Python<'_>,
        log_key: Obj<'_, BlsSigningKey>,
        origin: Str,
    ) -> PyResult<Checkpoint> {
        let origin: &str = &origin.0;
        let log_key = &*log_key;
        self.with(
            py,
            |s| with_chain!(s, c => c.checkpoint(&log_key.0, origin)),
        )?
        .map(Checkpoint)
        .map_err(to_py_err)
    }

    /// A receipt for the entry at `index` under `checkpoint`.
    fn proof_file(
        &self,
        py: Python<'_>,
        index: UInt,
        checkpoint: Obj<'_, Checkpoint>,
    ) -> PyResult<ProofFile> {
        let checkpoint = &*checkpoint;
        let index = index.0;
        self.with(
            py,
            |s| with_chain!(s, c => c.proof_file(index, &checkpoint.0)),
        )?
        .map(ProofFile)
        .map_err(to_py_err)
    }

    /// Re-checks every entry (links, hashes, signatures in batches) and, if given, that
    /// `checkpoint` signed by `log_key` matches; raises ChainError naming the first fault.
    #[pyo3(signature = (checkpoint=None, log_key=None))]
    fn verify_all(
        &self,
        py: Python<'_>,
        checkpoint: Option<Obj<'_, Checkpoint>>,
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
        self.with(
            py,
            |s| with_chain!(s, c => c.verify_all(cp.as_ref().map(|(p, k)| (p, k)), &mut OsRng)),
        )?
        .map_err(to_py_err)
    }
}

/// The iterator of a `Chain`'s entries.
#[pyclass(module = "cipherchart", frozen)]
pub struct ChainIter {
    chain: Py<Chain>,
    next: AtomicU64,
}

#[pymethods]
impl ChainIter {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Entry>> {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        let entry = self.chain.get().with(
            py,
            |s| with_chain!(s, c => (i < c.len()).then(|| c.entry(i))),
        )?;
        entry.map(|e| e.map(Entry).map_err(to_py_err)).transpose()
    }
}
