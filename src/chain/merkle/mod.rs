//! RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verifiers.
//!
//! The tree is the one of Certificate Transparency: SHA-256, a leaf is hashed as
//! `H(0x00 ‖ data)` and an inner node as `H(0x01 ‖ left ‖ right)`, the tree over `n`
//! leaves splits at the largest power of two smaller than `n`, and the empty tree's
//! hash is `H("")`. The one-byte prefixes are the domain separation that makes a leaf
//! impossible to pass off as a node (second-preimage attacks on the tree).
//!
//! - [`MerkleTree`] builds the tree incrementally and produces inclusion and
//!   consistency proofs at any earlier size;
//! - [`verify_inclusion`] and [`verify_consistency`] are the free-standing verifiers
//!   (RFC 9162 §2.1.3.2 and §2.1.4.2) an auditor or ledger runs without the log. They
//!   pass every transparency-dev probe (`tests/chain/merkle_vectors.rs`).

mod proofs;
mod tree;
mod verify;

pub use proofs::{ConsistencyProof, InclusionProof, MAX_PROOF_HASHES};
pub use tree::MerkleTree;
pub use verify::{verify_consistency, verify_inclusion};

use sha2::{Digest, Sha256};

/// A SHA-256 hash: a Merkle tree node, leaf hash or root.
pub(crate) type Hash = [u8; 32];

/// The root of the empty tree, `SHA-256("")`.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// The hash of a leaf holding `data`: `SHA-256(0x00 ‖ data)`.
///
/// In the proof chain the leaf data is an entry's 32-byte hash, see
/// [`Entry::leaf_hash`](crate::chain::Entry::leaf_hash).
///
/// ```
/// use cipherchart::leaf_hash;
/// // The first leaf of the RFC 6962 reference tree is the empty string.
/// assert_eq!(leaf_hash(b"")[..4], [0x6e, 0x34, 0x0b, 0x9c]);
/// ```
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    h.finalize().into()
}

/// The hash of an inner node: `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two strictly smaller than `n` (the RFC 6962 split point).
/// Callers guarantee `n ≥ 2`.
pub(crate) fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

#[cfg(test)]
mod tests;
