//! Python bindings for cipherchart: the native module `cipherchart._native`.
//!
//! Thin newtypes over the core types; every method is one call into `cipherchart`. The Python
//! package around it (`python/cipherchart/`) holds the exception classes, the type stubs and
//! the docs. Errors become the exception class of their stable code ([`to_py_err`]); heavy
//! work runs with the GIL released ([`detached`]); randomness comes from `OsRng`.
#![allow(unsafe_code)] // pyo3's macros expand to unsafe FFI glue.

mod args;
mod chain;
mod consent;
mod errors;
mod io;
mod keys;
mod note;
mod policy;
mod proofs;
mod record;
mod rekey;
mod scope;
mod session;
mod sig;
mod store;
mod stream;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use pyo3::prelude::*;
use pyo3::types::PyBytes;

pub use chain::{Chain, Checkpoint, Entry, EntryDraft, InclusionProof, ProofFile};
pub use consent::{ConsentToken, Grant, Narrowing, RevocationSet, VerifiedConsent};
pub use errors::{detached, to_py_err};
pub use keys::{Authority, PublicKey, UserKey};
pub use note::NoteSignature;
pub use policy::Policy;
pub use proofs::{ConsistencyProof, MerkleTree};
pub use record::SealedRecord;
pub use rekey::ReKey;
pub use scope::{Scope, Selection, Window};
pub use session::{SessionHeader, SessionOpener, SessionRecord, SessionSealer};
pub use sig::{BlsPublicKey, Signature, SigningKey, UnvalidatedPublicKey, UnvalidatedSignature};
pub use store::Recovery;
pub use stream::StreamInfo;

/// `__reduce__`'s value: `(Type.from_bytes, (canonical bytes,))`.
pub(crate) type Reduced<'py> = (Bound<'py, PyAny>, (Bound<'py, PyBytes>,));

/// Pickles `slf` as `type(slf).from_bytes(data)`.
pub(crate) fn reduce<'py, T: pyo3::PyClass>(
    slf: &Bound<'py, T>,
    data: Bound<'py, PyBytes>,
) -> Reduced<'py> {
    // `from_bytes` is defined on every picklable class; a lookup failure cannot happen, but
    // falls back to the type itself rather than panicking.
    let ty = slf.as_any().get_type();
    let ctor = ty.getattr("from_bytes").unwrap_or_else(|_| ty.into_any());
    (ctor, (data,))
}

/// The first 8 bytes of an identifier in hex, for `repr`.
pub(crate) fn short_hex(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A `__hash__` of public bytes.
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // Whether `reencrypt_batch` runs on a thread pool (the `parallel` feature; wheels have it).
    m.add("PARALLEL", cfg!(feature = "parallel"))?;
    // The core's input bounds, so that callers can check before they call.
    m.add("MAX_POLICY_LEAVES", cipherchart::policy::MAX_POLICY_LEAVES)?;
    m.add("MAX_POLICY_DEPTH", cipherchart::policy::MAX_POLICY_DEPTH)?;
    m.add(
        "MAX_POLICY_TEXT_LEN",
        cipherchart::policy::MAX_POLICY_TEXT_LEN,
    )?;
    m.add("MAX_ATTRIBUTE_LEN", cipherchart::policy::MAX_ATTRIBUTE_LEN)?;
    m.add("MAX_GATE_CHILDREN", cipherchart::policy::MAX_GATE_CHILDREN)?;
    m.add("MAX_KEY_ATTRIBUTES", cipherchart::abe::MAX_KEY_ATTRIBUTES)?;
    m.add("MAX_RECORD_ID_LEN", cipherchart::record::MAX_RECORD_ID_LEN)?;
    m.add("MAX_METADATA_LEN", cipherchart::record::MAX_METADATA_LEN)?;
    m.add("MAX_PAYLOAD_LEN", cipherchart::record::MAX_PAYLOAD_LEN)?;
    m.add("MAX_HOPS", cipherchart::record::MAX_HOPS)?;
    m.add(
        "DEFAULT_CHUNK_SIZE",
        cipherchart::record::stream::DEFAULT_CHUNK_SIZE,
    )?;
    m.add(
        "MAX_CHUNK_SIZE",
        cipherchart::record::stream::MAX_CHUNK_SIZE,
    )?;
    // Consent, chain and signature bounds (`cipherchart::consent`, `chain`, `sig`).
    m.add("MAX_TOKEN_LEN", cipherchart::consent::MAX_TOKEN_LEN)?;
    m.add("MAX_BLOCKS", cipherchart::consent::MAX_BLOCKS)?;
    m.add("MAX_LIST_LEN", cipherchart::consent::MAX_LIST_LEN)?;
    m.add("MAX_LABEL_LEN", cipherchart::consent::MAX_LABEL_LEN)?;
    m.add(
        "MAX_CONSENT_SUBJECT_LEN",
        cipherchart::consent::MAX_SUBJECT_LEN,
    )?;
    m.add("MAX_ENTRY_SUBJECT_LEN", cipherchart::chain::MAX_SUBJECT_LEN)?;
    m.add(
        "MAX_ENTRY_METADATA_LEN",
        cipherchart::chain::MAX_ENTRY_METADATA_LEN,
    )?;
    m.add("MAX_NOTE_LEN", cipherchart::chain::MAX_NOTE_LEN)?;
    m.add(
        "MAX_NOTE_SIGNATURES",
        cipherchart::chain::MAX_NOTE_SIGNATURES,
    )?;
    m.add(
        "MAX_PROOF_HASHES",
        cipherchart::chain::merkle::MAX_PROOF_HASHES,
    )?;
    m.add("MIN_IKM_LEN", cipherchart::sig::MIN_IKM_LEN)?;
    m.add_class::<Policy>()?;
    m.add_class::<PublicKey>()?;
    m.add_class::<Authority>()?;
    m.add_class::<UserKey>()?;
    m.add_class::<SealedRecord>()?;
    m.add_class::<ReKey>()?;
    m.add_class::<rekey::DelegationKey>()?;
    m.add_class::<StreamInfo>()?;
    m.add_class::<SessionHeader>()?;
    m.add_class::<SessionRecord>()?;
    m.add_class::<SessionSealer>()?;
    m.add_class::<SessionOpener>()?;
    m.add_class::<SigningKey>()?;
    m.add_class::<BlsPublicKey>()?;
    m.add_class::<Signature>()?;
    m.add_class::<UnvalidatedPublicKey>()?;
    m.add_class::<UnvalidatedSignature>()?;
    m.add_class::<Grant>()?;
    m.add_class::<Narrowing>()?;
    m.add_class::<ConsentToken>()?;
    m.add_class::<VerifiedConsent>()?;
    m.add_class::<RevocationSet>()?;
    m.add_class::<Selection>()?;
    m.add_class::<Scope>()?;
    m.add_class::<Window>()?;
    m.add_function(wrap_pyfunction!(consent::rekey_digest, m)?)?;
    m.add_function(wrap_pyfunction!(consent::check_rekey, m)?)?;
    m.add_function(wrap_pyfunction!(consent::reencrypt_with_consent, m)?)?;
    m.add_function(wrap_pyfunction!(consent::reencrypt_batch_with_consent, m)?)?;
    m.add_class::<Chain>()?;
    m.add_class::<EntryDraft>()?;
    m.add_class::<Entry>()?;
    m.add_class::<InclusionProof>()?;
    m.add_class::<Checkpoint>()?;
    m.add_class::<ProofFile>()?;
    m.add_class::<ConsistencyProof>()?;
    m.add_class::<NoteSignature>()?;
    m.add_class::<Recovery>()?;
    m.add_class::<MerkleTree>()?;
    m.add_function(wrap_pyfunction!(proofs::leaf_hash, m)?)?;
    m.add_function(wrap_pyfunction!(proofs::node_hash, m)?)?;
    m.add(
        "EMPTY_ROOT",
        PyBytes::new(m.py(), &cipherchart::chain::merkle::EMPTY_ROOT),
    )?;
    m.add(
        "GENESIS",
        PyBytes::new(m.py(), &cipherchart::chain::GENESIS),
    )?;
    m.add_function(wrap_pyfunction!(proofs::verify_inclusion, m)?)?;
    m.add_function(wrap_pyfunction!(proofs::verify_consistency, m)?)?;
    m.add_function(wrap_pyfunction!(note::key_id, m)?)?;
    m.add_function(wrap_pyfunction!(record::seal, m)?)?;
    m.add_function(wrap_pyfunction!(record::seal_batch, m)?)?;
    m.add_function(wrap_pyfunction!(stream::seal_stream, m)?)?;
    m.add_function(wrap_pyfunction!(stream::read_stream_info, m)?)?;
    m.add_function(wrap_pyfunction!(session::start_session, m)?)?;
    m.add_function(wrap_pyfunction!(sig::fast_aggregate_verify, m)?)?;
    m.add_function(wrap_pyfunction!(sig::aggregate_verify, m)?)?;
    m.add_function(wrap_pyfunction!(sig::batch_verify, m)?)?;
    m.add_function(wrap_pyfunction!(sig::batch_find_invalid, m)?)?;
    Ok(())
}
