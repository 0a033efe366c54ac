//! The proof chain: a tamper-evident, provable, crash-safe log of every manipulation
//! of a record (`docs/chain.md`).
//!
//! Built like Certificate Transparency:
//! - an [`Entry`] records who ([`Entry::actor`], a BLS key) did what ([`Action`]) to
//!   which subject, with the digest of the exact bytes concerned, and is signed by the
//!   actor;
//! - entries form a hash chain ([`Entry::prev`]) and are the leaves of an RFC 6962
//!   Merkle tree ([`merkle`]), so a [`Chain`] proves inclusion and consistency;
//! - the log signs its state as a [`Checkpoint`] in the C2SP signed-note format, what a
//!   ledger anchors;
//! - a [`ProofFile`] (checkpoint + entry + audit path) is a receipt anyone verifies
//!   offline;
//! - entries live in a [`Store`]: [`FileStore`] (crash-safe append-only file, the
//!   default) or [`MemoryStore`].
//!
//! Consent tokens log themselves with [`EntryDraft::new`]: action [`Action::Grant`] or
//! [`Action::Revoke`], subject = the token's revocation id, digest = SHA-256 of the
//! token's encoding (`docs/chain.md`).

mod action;
mod checkpoint;
mod entry;
mod log;
pub(crate) mod merkle;
mod proof;
mod store;

pub use action::{Action, ExtensionCode};
pub use checkpoint::{key_id, Checkpoint, NoteSignature, MAX_NOTE_LEN, MAX_NOTE_SIGNATURES};
pub use entry::{Entry, EntryDraft, GENESIS, MAX_ENTRY_METADATA_LEN, MAX_SUBJECT_LEN};
pub use log::Chain;
pub use merkle::{
    leaf_hash, node_hash, verify_consistency, verify_inclusion, ConsistencyProof, InclusionProof,
    MerkleTree, EMPTY_ROOT,
};
pub use proof::ProofFile;
pub use store::{FileStore, MemoryStore, Recovery, Store, MAX_RECORD_LEN};
