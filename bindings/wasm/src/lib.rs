//! WebAssembly bindings for cipherchart.
//!
//! Thin newtypes over the core types: every method is one call into `cipherchart`, with names
//! in JavaScript style (`Policy.parse`, `policy.isSatisfiedBy`). Errors are thrown as `Error`
//! subclasses with a stable `.code` (see `js/errors.js`). The npm package is assembled by
//! `scripts/build-wasm`: a `nodejs` build for Node and a `web` build (with `init()`) for
//! browsers, behind one conditional `exports` map.

mod abe;
#[cfg(feature = "bench")]
mod bench;
mod chain;
mod consent;
mod errors;
mod policy;
mod pre;
mod record;
mod rng;
mod sig;

pub use abe::{Authority, PublicKey, UserKey};
pub use chain::{
    merkle_leaf_hash, verify_consistency, verify_inclusion, ChainEntry, Checkpoint, MemoryChain,
    ProofFile,
};
pub use consent::{ConsentToken, VerifiedConsent};
pub use errors::to_js_err;
pub use policy::Policy;
pub use pre::ReKey;
pub use record::{
    seal, seal_stream, start_session, SealedRecord, SessionHeader, SessionOpener, SessionRecord,
    SessionSealer, StreamInfo,
};
pub use sig::{
    aggregate_verify, batch_verify, fast_aggregate_verify, BlsPublicKey, BlsSignature,
    BlsSigningKey,
};
