//! The Merkle verifiers on arbitrary numbers: `verify_inclusion` and
//! `verify_consistency` with fuzzed index/size/old/new and paths (the fields an
//! inclusion or consistency proof file carries). No panic (no overflow on `u64::MAX`,
//! no division or shift out of range); for trees of up to 64 leaves, a proof
//! verifies iff its path is the one the tree produces.
#![no_main]

use cipherchart::{leaf_hash, verify_consistency, verify_inclusion, MerkleTree};
use cipherchart_fuzz::Cursor;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut c = Cursor::new(data);
    let small = c.byte() & 1 == 1;
    let (a, b) = if small {
        (u64::from(c.byte() % 70), u64::from(c.byte() % 70))
    } else {
        (c.u64(), c.u64())
    };
    let path: Vec<[u8; 32]> = c
        .rest()
        .chunks_exact(32)
        .take(70)
        .map(|h| h.try_into().expect("32 bytes"))
        .collect();
    let root = [0u8; 32];
    let _ = verify_inclusion(&root, a, b, &path, &root);
    let _ = verify_consistency(a, b, &root, &root, &path);
    if !small || b == 0 || b > 64 {
        return;
    }
    let mut tree = MerkleTree::new();
    for i in 0..b {
        tree.push(leaf_hash(&i.to_be_bytes()));
    }
    let new_root = tree.root();
    if a < b {
        let leaf = tree.leaf(a).expect("leaf");
        let real = tree.inclusion_proof(a, b).expect("proof");
        assert!(verify_inclusion(&leaf, a, b, &real.path, &new_root).is_ok());
        if real.path != path {
            assert!(verify_inclusion(&leaf, a, b, &path, &new_root).is_err());
        }
    }
    if a > 0 && a < b {
        let old_root = tree.root_at(a).expect("root");
        let real = tree.consistency_proof(a, b).expect("proof");
        assert!(verify_consistency(a, b, &old_root, &new_root, &real.path).is_ok());
        if real.path != path {
            assert!(verify_consistency(a, b, &old_root, &new_root, &path).is_err());
        }
    }
});
