//! Known answers from RFC 6962's reference tree and a naive reference implementation.

use super::*;

fn h(s: &str) -> Hash {
    let v = hex::decode(s).unwrap();
    v.try_into().unwrap()
}

/// The 8 leaves of the reference tree (transparency-dev, RFC 6962 test data).
fn leaves() -> Vec<Vec<u8>> {
    [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
    .iter()
    .map(|s| hex::decode(s).unwrap())
    .collect()
}

/// Roots of the reference tree at sizes 1..=8.
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn reference_tree() -> MerkleTree {
    let mut t = MerkleTree::new();
    for l in leaves() {
        t.push(leaf_hash(&l));
    }
    t
}

/// MTH of RFC 6962 §2.1, written from the definition without any cache.
fn naive_root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => EMPTY_ROOT,
        1 => leaves[0],
        n => {
            let k = split_point(n as u64) as usize;
            node_hash(&naive_root(&leaves[..k]), &naive_root(&leaves[k..]))
        }
    }
}

#[test]
fn empty_root_is_sha256_of_nothing() {
    use sha2::{Digest, Sha256};
    assert_eq!(EMPTY_ROOT, <[u8; 32]>::from(Sha256::digest(b"")));
    assert_eq!(MerkleTree::new().root(), EMPTY_ROOT);
}

#[test]
fn reference_roots() {
    let t = reference_tree();
    for (size, root) in ROOTS.iter().enumerate() {
        assert_eq!(
            t.root_at(size as u64 + 1).unwrap(),
            h(root),
            "size {}",
            size + 1
        );
    }
    assert_eq!(t.root(), h(ROOTS[7]));
}

#[test]
fn reference_inclusion_proofs() {
    let t = reference_tree();
    // (leaf index, tree size, path) from transparency-dev's verify_test.go.
    let cases: [(u64, u64, &[&str]); 5] = [
        (0, 1, &[]),
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            3,
            &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
        ),
        (
            1,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    for (index, size, path) in cases {
        let want: Vec<Hash> = path.iter().map(|s| h(s)).collect();
        let proof = t.inclusion_proof(index, size).unwrap();
        assert_eq!(proof.path, want, "leaf {index} of {size}");
        let root = t.root_at(size).unwrap();
        proof.verify(&t.leaf(index).unwrap(), &root).unwrap();
    }
}

#[test]
fn reference_consistency_proofs() {
    let t = reference_tree();
    let cases: [(u64, u64, &[&str]); 5] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
        (
            6,
            7,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
    ];
    for (old, new, path) in cases {
        let want: Vec<Hash> = path.iter().map(|s| h(s)).collect();
        let proof = t.consistency_proof(old, new).unwrap();
        assert_eq!(proof.path, want, "{old} -> {new}");
        proof
            .verify(&t.root_at(old).unwrap(), &t.root_at(new).unwrap())
            .unwrap();
    }
}

#[test]
fn cached_tree_matches_the_definition_and_every_proof_verifies() {
    let mut t = MerkleTree::new();
    let mut hashes = Vec::new();
    for i in 0u32..70 {
        let l = leaf_hash(&i.to_be_bytes());
        hashes.push(l);
        t.push(l);
    }
    for size in 1..=70u64 {
        let root = t.root_at(size).unwrap();
        assert_eq!(root, naive_root(&hashes[..size as usize]), "size {size}");
        for index in 0..size {
            let p = t.inclusion_proof(index, size).unwrap();
            p.verify(&hashes[index as usize], &root).unwrap();
            // Any other leaf, index or root fails.
            assert!(p.verify(&leaf_hash(b"x"), &root).is_err());
            assert!(
                verify_inclusion(&hashes[index as usize], index, size, &p.path, &EMPTY_ROOT)
                    .is_err()
            );
        }
        for old in 1..=size {
            let p = t.consistency_proof(old, size).unwrap();
            let old_root = t.root_at(old).unwrap();
            p.verify(&old_root, &root).unwrap();
            if old < size {
                assert!(p.verify(&root, &root).is_err());
                assert!(p.verify(&old_root, &old_root).is_err());
            }
        }
    }
}

#[test]
fn argument_errors() {
    let t = reference_tree();
    assert!(matches!(
        t.inclusion_proof(8, 8),
        Err(crate::Error::InvalidArgument(_))
    ));
    assert!(matches!(
        t.inclusion_proof(0, 9),
        Err(crate::Error::InvalidArgument(_))
    ));
    assert!(matches!(
        t.consistency_proof(0, 8),
        Err(crate::Error::InvalidArgument(_))
    ));
    assert!(matches!(
        t.consistency_proof(5, 4),
        Err(crate::Error::InvalidArgument(_))
    ));
    assert!(matches!(
        t.root_at(9),
        Err(crate::Error::InvalidArgument(_))
    ));
    assert!(matches!(t.leaf(8), Err(crate::Error::InvalidArgument(_))));
    let r = t.root();
    assert!(matches!(
        verify_inclusion(&r, 0, 0, &[], &r),
        Err(crate::Error::InvalidArgument(_))
    ));
    assert!(matches!(
        verify_consistency(0, 0, &r, &r, &[]),
        Err(crate::Error::InvalidArgument(_))
    ));
    assert!(matches!(
        verify_consistency(2, 1, &r, &r, &[]),
        Err(crate::Error::InvalidArgument(_))
    ));
}

#[test]
fn consistency_proof_encoding_is_strict() {
    let t = reference_tree();
    let p = t.consistency_proof(3, 7).unwrap();
    let bytes = p.to_bytes();
    assert_eq!(&bytes[..4], &[0x43, 0x43, 0x33, 0x02]);
    assert_eq!(ConsistencyProof::from_bytes(&bytes).unwrap(), p);
    for cut in 0..bytes.len() {
        assert!(ConsistencyProof::from_bytes(&bytes[..cut]).is_err());
    }
    let mut long = bytes.clone();
    long.push(0);
    assert!(ConsistencyProof::from_bytes(&long).is_err());
    let mut many = bytes[..20].to_vec();
    many.extend_from_slice(&(MAX_PROOF_HASHES as u32 + 1).to_be_bytes());
    assert_eq!(
        ConsistencyProof::from_bytes(&many),
        Err(crate::EncodingError::BadLength.into())
    );
}
