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
mod glue;
mod io;
mod keyfile;
mod keys;
mod note;
mod policy;
mod proofs;
mod record;
mod rekey;
mod scope;
mod session;
mod session_catch_up;
mod sig;
mod store;
mod stream;
mod version_notice;

use pyo3::prelude::*;
use pyo3::types::PyBytes;

pub use chain::{Chain, Checkpoint, Entry, EntryDraft, InclusionProof, ProofFile};
pub use consent::{ConsentToken, Grant, Narrowing, RevocationSet, VerifiedConsent};
pub use errors::{detached, to_py_err};
pub use keyfile::KeyFileOptions;
pub use keys::{Authority, PublicKey, UserKey};
pub use note::NoteSignature;
pub use policy::Policy;
pub use proofs::{ConsistencyProof, MerkleTree};
pub use record::SealedRecord;
pub use rekey::ReKey;
pub use scope::{Scope, Selection, Window};
pub use session::{SessionHeader, SessionOpener, SessionRecord, SessionSealer};
pub use sig::{
    BlsPublicKey, BlsSignature, BlsSigningKey, UnvalidatedPublicKey, UnvalidatedSignature,
};
pub use store::Recovery;
pub use stream::{StreamInfo, Trailer};
pub use version_notice::{VerifiedNotice, VersionNotice};

pub(crate) use glue::{reduce, short_hex, Reduced};

// The shared glue of the value classes (src/glue.rs), in one place.
glue::encoded!(
    Policy: cipherchart::Policy,
    PublicKey: cipherchart::PublicKey,
    UserKey: cipherchart::UserKey,
    SealedRecord: cipherchart::SealedRecord,
    ReKey: cipherchart::ReKey,
    SessionHeader: cipherchart::SessionHeader,
    SessionRecord: cipherchart::SessionRecord,
    BlsPublicKey: cipherchart::BlsPublicKey,
    BlsSignature: cipherchart::BlsSignature,
    UnvalidatedPublicKey: cipherchart::UnvalidatedPublicKey,
    UnvalidatedSignature: cipherchart::UnvalidatedSignature,
    ConsentToken: cipherchart::ConsentToken,
    Entry: cipherchart::Entry,
    Checkpoint: cipherchart::Checkpoint,
    ProofFile: cipherchart::ProofFile,
    ConsistencyProof: cipherchart::ConsistencyProof,
    VersionNotice: cipherchart::VersionNotice,
    Trailer: cipherchart::Trailer,
);
glue::hashed!(
    PublicKey => |k| k.id(),
    SealedRecord,
    SessionHeader => |h| h.digest(),
    SessionRecord,
    BlsPublicKey,
    BlsSignature,
    UnvalidatedPublicKey,
    UnvalidatedSignature,
    ConsentToken,
    Entry => |e| e.hash(),
    Checkpoint,
    ConsistencyProof,
    VersionNotice => |n| n.digest(),
    Trailer => |t| t.digest(),
);
glue::hex_repr!(
    BlsPublicKey,
    BlsSignature,
    UnvalidatedPublicKey,
    UnvalidatedSignature
);

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // Whether `reencrypt_batch` runs on a thread pool (the `parallel` feature; wheels have it).
    m.add("PARALLEL", cfg!(feature = "parallel"))?;
    // The core's input bounds (`cipherchart::limits::ALL`, one table for every language), so
    // that callers can check before they call.
    for limit in cipherchart::limits::ALL {
        m.add(limit.name, limit.value)?;
    }
    // The stable error codes, for `cipherchart.errors` to build `ERROR_CLASSES` from (not in
    // `__all__`: `errors` re-exports the classes).
    m.setattr("_ERROR_CODES", cipherchart::Error::CODES.to_vec())?;
    m.add_class::<Policy>()?;
    m.add_class::<PublicKey>()?;
    m.add_class::<Authority>()?;
    m.add_class::<UserKey>()?;
    m.add_class::<SealedRecord>()?;
    m.add_class::<ReKey>()?;
    m.add_class::<rekey::DelegationKey>()?;
    m.add_class::<KeyFileOptions>()?;
    m.add_class::<StreamInfo>()?;
    m.add_class::<Trailer>()?;
    m.add_class::<SessionHeader>()?;
    m.add_class::<SessionRecord>()?;
    m.add_class::<SessionSealer>()?;
    m.add_class::<SessionOpener>()?;
    m.add_class::<BlsSigningKey>()?;
    m.add_class::<BlsPublicKey>()?;
    m.add_class::<BlsSignature>()?;
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
    m.add_function(wrap_pyfunction!(consent::reencrypt_with_consent_under, m)?)?;
    m.add_function(wrap_pyfunction!(
        consent::reencrypt_batch_with_consent_under,
        m
    )?)?;
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
    m.add("EMPTY_ROOT", PyBytes::new(m.py(), &cipherchart::EMPTY_ROOT))?;
    m.add("GENESIS", PyBytes::new(m.py(), &cipherchart::GENESIS))?;
    m.add_function(wrap_pyfunction!(proofs::verify_inclusion, m)?)?;
    m.add_function(wrap_pyfunction!(proofs::verify_consistency, m)?)?;
    m.add_function(wrap_pyfunction!(note::key_id, m)?)?;
    m.add_function(wrap_pyfunction!(record::seal, m)?)?;
    m.add_function(wrap_pyfunction!(record::seal_batch, m)?)?;
    m.add_class::<VersionNotice>()?;
    m.add_class::<VerifiedNotice>()?;
    m.add_function(wrap_pyfunction!(record::seal_with_notice, m)?)?;
    m.add_function(wrap_pyfunction!(stream::seal_stream, m)?)?;
    m.add_function(wrap_pyfunction!(stream::seal_stream_with_notice, m)?)?;
    m.add_function(wrap_pyfunction!(stream::read_stream_info, m)?)?;
    m.add_function(wrap_pyfunction!(stream::stream_trailer, m)?)?;
    m.add_function(wrap_pyfunction!(session::start_session, m)?)?;
    m.add_function(wrap_pyfunction!(session_catch_up::session_trailer, m)?)?;
    m.add_function(wrap_pyfunction!(session_catch_up::prove_session_record, m)?)?;
    m.add_function(wrap_pyfunction!(
        session_catch_up::prove_session_records,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(session::start_session_with_notice, m)?)?;
    m.add_function(wrap_pyfunction!(sig::fast_aggregate_verify, m)?)?;
    m.add_function(wrap_pyfunction!(sig::aggregate_verify, m)?)?;
    m.add_function(wrap_pyfunction!(sig::batch_verify, m)?)?;
    m.add_function(wrap_pyfunction!(sig::batch_find_invalid, m)?)?;
    Ok(())
}
