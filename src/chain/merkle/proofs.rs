//! Inclusion and consistency proofs as values, with their wire encodings.

use super::{verify_consistency, verify_inclusion, Hash};
use crate::encoding::{ObjectType, Reader, Writer};
use crate::error::Result;

/// The most hashes a decoder accepts in one proof. An inclusion proof in a tree of
/// fewer than 2⁶⁴ leaves has at most 64, a consistency proof at most 65.
pub const MAX_PROOF_HASHES: usize = 65;

/// An audit path: the proof that leaf `index` is in the tree of `size` leaves.
///
/// Produced by [`MerkleTree::inclusion_proof`](super::MerkleTree::inclusion_proof) and
/// [`Chain::prove_inclusion`](crate::chain::Chain::prove_inclusion); checked with
/// [`InclusionProof::verify`] or the free function
/// [`verify_inclusion`](super::verify_inclusion). On the wire it travels inside a
/// [`ProofFile`](crate::chain::ProofFile).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionProof {
    /// The leaf's index (0-based).
    pub index: u64,
    /// The size of the tree the path leads to the root of.
    pub size: u64,
    /// The sibling hashes, the leaf's sibling first and the root's child last.
    pub path: Vec<Hash>,
}

impl InclusionProof {
    /// Checks that `leaf_hash` is at `self.index` in the tree of `self.size` leaves
    /// whose root is `root`.
    ///
    /// # Errors
    ///
    /// As [`verify_inclusion`](super::verify_inclusion).
    pub fn verify(&self, leaf_hash: &Hash, root: &Hash) -> Result<()> {
        verify_inclusion(leaf_hash, self.index, self.size, &self.path, root)
    }

    /// Header-less encoding: `index: u64, size: u64, path: list<fixed[32]>(≤ 65)`.
    pub(crate) fn write(&self, w: &mut Writer) {
        w.u64(self.index);
        w.u64(self.size);
        write_path(w, &self.path);
    }

    /// Reads what [`InclusionProof::write`] wrote.
    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        let index = r.u64()?;
        let size = r.u64()?;
        let path = read_path(r)?;
        Ok(Self { index, size, path })
    }
}

/// The proof that the tree of `old_size` leaves is a prefix of the tree of `new_size`
/// leaves: what an auditor asks for between two checkpoints.
///
/// ```
/// use cipherchart::{leaf_hash, ConsistencyProof, MerkleTree};
/// let mut tree = MerkleTree::new();
/// (0u8..5).for_each(|i| { tree.push(leaf_hash(&[i])); });
/// let proof = tree.consistency_proof(3, 5)?;
/// let proof = ConsistencyProof::from_bytes(&proof.to_bytes())?;
/// proof.verify(&tree.root_at(3)?, &tree.root())?;
/// # Ok::<(), cipherchart::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsistencyProof {
    /// The size of the older tree.
    pub old_size: u64,
    /// The size of the newer tree.
    pub new_size: u64,
    /// The proof hashes, in RFC 6962 SUBPROOF order.
    pub path: Vec<Hash>,
}

impl ConsistencyProof {
    /// Checks the proof against the two roots.
    ///
    /// # Errors
    ///
    /// As [`verify_consistency`](super::verify_consistency).
    pub fn verify(&self, old_root: &Hash, new_root: &Hash) -> Result<()> {
        verify_consistency(self.old_size, self.new_size, old_root, new_root, &self.path)
    }

    /// The canonical encoding (tag `0x33`, `docs/formats.md`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(ObjectType::ConsistencyProof);
        w.u64(self.old_size);
        w.u64(self.new_size);
        write_path(&mut w, &self.path);
        w.finish()
    }

    /// Decodes [`ConsistencyProof::to_bytes`]. Only the encoding is checked; call
    /// [`ConsistencyProof::verify`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`](crate::Error::InvalidEncoding).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, ObjectType::ConsistencyProof)?;
        let old_size = r.u64()?;
        let new_size = r.u64()?;
        let path = read_path(&mut r)?;
        r.finish()?;
        Ok(Self {
            old_size,
            new_size,
            path,
        })
    }
}

fn write_path(w: &mut Writer, path: &[Hash]) {
    w.count(path.len());
    for h in path {
        w.fixed(h);
    }
}

fn read_path(r: &mut Reader<'_>) -> Result<Vec<Hash>> {
    let n = r.count(MAX_PROOF_HASHES)?;
    (0..n).map(|_| r.fixed::<32>()).collect()
}
