//! WebAssembly bindings for cipherchart.
//!
//! Thin newtypes over the core types: every method is one call into `cipherchart`, with names
//! in JavaScript style (`Policy.parse`, `policy.isSatisfiedBy`). Errors are thrown as `Error`
//! subclasses with a stable `.code` (see `js/errors.js`). The npm package is assembled by
//! `scripts/build-wasm`: a `nodejs` build for Node and a `web` build (with `init()`) for
//! browsers, behind one conditional `exports` map.
//!
//! The `full` feature (default) is the whole API. Without it the crate is the verify-only
//! build for ledger runtimes (`cipherchart/verify` in the package): public keys, signatures,
//! consent-token verification, version-notice verification and proof-chain verification, with
//! no randomness (no getrandom) and no secret-key code.

#[cfg(feature = "full")]
mod abe;
mod chain;
mod consent;
mod draft;
mod errors;
mod glue;
#[cfg(feature = "full")]
mod grant;
#[cfg(feature = "full")]
mod items;
#[cfg(feature = "full")]
mod keyfile;
mod limits;
mod note;
mod num;
mod policy;
mod policy_tree;
#[cfg(feature = "full")]
mod pre;
mod proofs;
#[cfg(feature = "full")]
mod record;
mod revocation;
#[cfg(feature = "full")]
mod rng;
mod scope;
#[cfg(feature = "full")]
mod session_catch_up;
mod sig;
mod tree;
mod version_notice;

#[cfg(feature = "full")]
pub use abe::{Authority, PublicKey, UserKey};
#[cfg(feature = "full")]
pub use chain::Chain;
pub use chain::{leaf_hash, verify_consistency, verify_inclusion, Checkpoint, Entry, ProofFile};
pub use consent::{ConsentToken, VerifiedConsent};
pub use draft::EntryDraft;
pub use errors::to_js_err;
#[cfg(feature = "full")]
pub use grant::{Grant, Narrowing};
#[cfg(feature = "full")]
pub use keyfile::KeyFileOptions;
pub use limits::{constants, error_codes};
pub use note::{key_id, NoteSignature};
pub use policy::Policy;
#[cfg(feature = "full")]
pub use pre::{
    check_rekey, reencrypt_batch_with_consent, reencrypt_with_consent, rekey_digest, DelegationKey,
    ReKey,
};
pub use proofs::{ConsistencyProof, InclusionProof};
#[cfg(feature = "full")]
pub use record::{
    seal, seal_stream, seal_with_notice, start_session, stream_trailer, SealedRecord,
    SessionHeader, SessionOpener, SessionRecord, SessionSealer, StreamInfo, Trailer,
};
pub use revocation::RevocationSet;
pub use scope::{Scope, Selection, Window};
#[cfg(feature = "full")]
pub use session_catch_up::{prove_session_record, prove_session_records, session_trailer};
#[cfg(feature = "full")]
pub use sig::BlsSigningKey;
pub use sig::{
    aggregate_verify, batch_find_invalid, batch_verify, fast_aggregate_verify, BlsPublicKey,
    BlsSignature, UnvalidatedPublicKey, UnvalidatedSignature,
};
pub use tree::{node_hash, MerkleTree};
pub use version_notice::{VerifiedNotice, VersionNotice};
