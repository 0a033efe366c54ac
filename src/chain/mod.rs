//! The proof chain: a tamper-evident, provable, crash-safe log of every manipulation
//! of a record (DESIGN.md §9, `docs/chain.md`).
//!
//! Built like Certificate Transparency: the entries form a hash chain and are the
//! leaves of an RFC 6962 Merkle tree, with inclusion and consistency proofs and
//! checkpoints that the log signs in the C2SP signed-note format.

#![allow(dead_code)] // entries, checkpoints and the chain itself land next

pub(crate) mod base64;
pub mod merkle;
mod store;

pub use merkle::{
    verify_consistency, verify_inclusion, ConsistencyProof, Hash, InclusionProof, MerkleTree,
};
pub use store::{FileStore, MemoryStore, Recovery, Store, MAX_RECORD_LEN};
