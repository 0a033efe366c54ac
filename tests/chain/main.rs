//! The proof chain: entries, appends, proofs, checkpoints and tampering, Merkle proof
//! properties and the transparency-dev probes, and the crash safety of the file store.

#[path = "../common/mod.rs"]
mod common;

mod log;
mod merkle_props;
mod merkle_vectors;
mod misuse;
mod store;
