//! Properties of Merkle proofs: for random sizes m ≤ n and leaves, inclusion and
//! consistency proofs verify, and fail for any other root, index, leaf or proof.
//!
//! (Not for any other *size*: a proof checks a root against a size, and a different
//! tree of another size can share the proof's shape; the signed checkpoint is what
//! binds a root to its size.)

#![allow(clippy::unwrap_used, clippy::panic)] // a failed test aborts

use cipherchart::{leaf_hash, verify_consistency, verify_inclusion, MerkleTree};
use proptest::prelude::*;

fn tree(n: u64, salt: u64) -> MerkleTree {
    let mut t = MerkleTree::new();
    for i in 0..n {
        t.push(leaf_hash(&[salt.to_be_bytes(), i.to_be_bytes()].concat()));
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn inclusion_verifies_and_nothing_else_does(
        n in 1u64..600, index_seed: u64, salt: u64, other_root: [u8; 32], flip in 0usize..64,
    ) {
        let t = tree(n, salt);
        let index = index_seed % n;
        let root = t.root();
        let leaf = t.leaf(index).unwrap();
        let proof = t.inclusion_proof(index, n).unwrap();
        prop_assert!(verify_inclusion(&leaf, index, n, &proof.path, &root).is_ok());
        // Any other root.
        prop_assume!(other_root != root);
        prop_assert!(verify_inclusion(&leaf, index, n, &proof.path, &other_root).is_err());
        // Another index, another leaf, a changed or shortened proof.
        for other in [index.wrapping_sub(1), index + 1, index ^ 1] {
            if other < n && other != index {
                prop_assert!(verify_inclusion(&leaf, other, n, &proof.path, &root).is_err());
                prop_assert!(verify_inclusion(&t.leaf(other).unwrap(), index, n, &proof.path, &root).is_err());
            }
        }
        if !proof.path.is_empty() {
            let mut p = proof.path.clone();
            let k = flip % p.len();
            p[k][flip % 32] ^= 1;
            prop_assert!(verify_inclusion(&leaf, index, n, &p, &root).is_err());
            prop_assert!(verify_inclusion(&leaf, index, n, &proof.path[1..], &root).is_err());
        }
        let mut longer = proof.path.clone();
        longer.push(root);
        prop_assert!(verify_inclusion(&leaf, index, n, &longer, &root).is_err());
    }

    #[test]
    fn consistency_verifies_and_nothing_else_does(
        n in 1u64..600, m_seed: u64, salt: u64, other_root: [u8; 32], flip in 0usize..64,
    ) {
        let t = tree(n, salt);
        let m = 1 + m_seed % n;
        let (old, new) = (t.root_at(m).unwrap(), t.root());
        let proof = t.consistency_proof(m, n).unwrap();
        prop_assert!(verify_consistency(m, n, &old, &new, &proof.path).is_ok());
        prop_assume!(other_root != old && other_root != new);
        prop_assert!(verify_consistency(m, n, &other_root, &new, &proof.path).is_err());
        prop_assert!(verify_consistency(m, n, &old, &other_root, &proof.path).is_err());
        // The tree of another history with the same sizes.
        let fork = tree(n, salt ^ 1);
        prop_assert!(verify_consistency(m, n, &old, &fork.root(), &proof.path).is_err());
        if m < n {
            prop_assert!(verify_consistency(m, n, &new, &old, &proof.path).is_err());
            let mut p = proof.path.clone();
            let k = flip % p.len();
            p[k][flip % 32] ^= 1;
            prop_assert!(verify_consistency(m, n, &old, &new, &p).is_err());
            prop_assert!(verify_consistency(m, n, &old, &new, &proof.path[1..]).is_err());
        }
    }
}
