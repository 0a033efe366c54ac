//! `ConsistencyProof::from_bytes` (a consistency proof file): no panic, canonical
//! decoding, and verification with arbitrary sizes and roots returns (never panics,
//! whatever the sizes: overflow, zero, old > new). Verification is checked against a
//! real tree: when the decoded sizes fit a small tree, the proof verifies iff it is
//! the proof the tree produces.
#![no_main]

use cipherchart::{leaf_hash, ConsistencyProof, MerkleTree};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(proof) = ConsistencyProof::from_bytes(data) else {
        return;
    };
    assert_eq!(proof.to_bytes(), data, "decode → encode is the identity");
    let zero = [0u8; 32];
    let _ = proof.verify(&zero, &zero);
    if proof.new_size <= 64 && proof.old_size <= proof.new_size {
        let mut tree = MerkleTree::new();
        for i in 0..proof.new_size {
            tree.push(leaf_hash(&i.to_be_bytes()));
        }
        let (Ok(old_root), Ok(new_root)) =
            (tree.root_at(proof.old_size), tree.root_at(proof.new_size))
        else {
            return;
        };
        // 0 < old < new: the proof is the tree's, and no other path verifies (a
        // second one would be a SHA-256 collision).
        if proof.old_size == 0 || proof.old_size == proof.new_size {
            return;
        }
        let real = tree
            .consistency_proof(proof.old_size, proof.new_size)
            .expect("proof");
        let ok = proof.verify(&old_root, &new_root).is_ok();
        assert_eq!(
            ok,
            real.path == proof.path,
            "verifies iff it is the real path"
        );
    }
});
