//! An append-only Merkle tree with every complete subtree cached.

use core::fmt;

use super::{node_hash, split_point, ConsistencyProof, Hash, InclusionProof, EMPTY_ROOT};
use crate::error::{Error, Result};

/// An RFC 6962 Merkle tree built leaf by leaf.
///
/// It keeps the hash of every complete, aligned subtree (`levels[l][i]` covers the
/// `2^l` leaves from `i·2^l`), about two hashes per leaf (64 MB for a million leaves).
/// With that cache an append is amortised O(1), and the root, an inclusion proof or a
/// consistency proof **at any size up to the current one** costs O(log² n) hashes at
/// worst, because every subtree RFC 6962's recursion asks for is a run of cached
/// complete subtrees.
///
/// ```
/// use cipherchart::{leaf_hash, verify_consistency, verify_inclusion, MerkleTree};
/// let mut tree = MerkleTree::new();
/// for i in 0u8..10 {
///     tree.push(leaf_hash(&[i]));
/// }
/// let proof = tree.inclusion_proof(3, 10)?;
/// verify_inclusion(&leaf_hash(&[3]), 3, 10, &proof.path, &tree.root())?;
/// let old_root = tree.root_at(7)?;
/// let proof = tree.consistency_proof(7, 10)?;
/// verify_consistency(7, 10, &old_root, &tree.root(), &proof.path)?;
/// # Ok::<(), cipherchart::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct MerkleTree {
    /// `levels[0]` are the leaf hashes, `levels[l + 1][i] = H(levels[l][2i], levels[l][2i+1])`.
    levels: Vec<Vec<Hash>>,
}

impl fmt::Debug for MerkleTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerkleTree")
            .field("size", &self.len())
            .field("root", &hex(&self.root()))
            .finish()
    }
}

fn hex(h: &Hash) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

impl MerkleTree {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of leaves.
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Whether the tree has no leaves.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a leaf, given its Merkle leaf hash (`H(0x00 ‖ data)`, see
    /// [`leaf_hash`](super::leaf_hash)), and returns its index.
    pub fn push(&mut self, leaf_hash: Hash) -> u64 {
        let index = self.len();
        let mut level = 0;
        let mut node = leaf_hash;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(node);
            let i = row.len() - 1;
            // An odd index completes a pair: its parent is complete too.
            if i & 1 == 0 {
                break;
            }
            node = node_hash(&row[i - 1], &row[i]);
            level += 1;
        }
        index
    }

    /// The leaf hash at `index`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `index ≥ len()`.
    pub fn leaf(&self, index: u64) -> Result<Hash> {
        self.check_size(index.saturating_add(1))?;
        Ok(self.levels[0][to_usize(index)])
    }

    /// The root of the current tree (`EMPTY_ROOT` when empty).
    pub fn root(&self) -> Hash {
        self.range_hash(0, self.len())
    }

    /// The root the tree had when it held its first `size` leaves.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `size > len()`.
    pub fn root_at(&self, size: u64) -> Result<Hash> {
        self.check_size(size)?;
        Ok(self.range_hash(0, size))
    }

    /// The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162
    /// §2.1.3.1 `PATH`), sibling first.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `size > len()` or `index ≥ size`.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<InclusionProof> {
        self.check_size(size)?;
        if index >= size {
            return Err(Error::InvalidArgument(
                "leaf index is not below the tree size",
            ));
        }
        let mut path = Vec::with_capacity(64);
        self.path(index, 0, size, &mut path);
        Ok(InclusionProof { index, size, path })
    }

    /// The proof that the tree of the first `old_size` leaves is a prefix of the tree
    /// of the first `new_size` (RFC 9162 §2.1.4.1 `PROOF`; empty when the sizes are
    /// equal).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `new_size > len()`, `old_size > new_size` or
    /// `old_size == 0` (see [`verify_consistency`](super::verify_consistency)).
    pub fn consistency_proof(&self, old_size: u64, new_size: u64) -> Result<ConsistencyProof> {
        self.check_size(new_size)?;
        if old_size == 0 {
            return Err(Error::InvalidArgument("consistency from the empty tree"));
        }
        if old_size > new_size {
            return Err(Error::InvalidArgument(
                "old tree size is larger than the new one",
            ));
        }
        let mut path = Vec::with_capacity(64);
        self.subproof(old_size, 0, new_size, true, &mut path);
        Ok(ConsistencyProof {
            old_size,
            new_size,
            path,
        })
    }

    fn check_size(&self, size: u64) -> Result<()> {
        if size > self.len() {
            return Err(Error::InvalidArgument("beyond the size of the tree"));
        }
        Ok(())
    }

    /// MTH(D[lo:hi]) from cached complete subtrees. Only called with ranges that RFC
    /// 6962's recursion produces from `[0, size)`: `lo` is a multiple of the largest
    /// power of two not above `hi - lo`, so the left part of every split is cached.
    fn range_hash(&self, lo: u64, hi: u64) -> Hash {
        let n = hi - lo;
        if n == 0 {
            return EMPTY_ROOT;
        }
        if n.is_power_of_two() && lo.is_multiple_of(n) {
            let level = n.trailing_zeros() as usize;
            return self.levels[level][to_usize(lo >> level)];
        }
        let k = split_point(n);
        node_hash(&self.range_hash(lo, lo + k), &self.range_hash(lo + k, hi))
    }

    /// RFC 9162 PATH(m, D[lo:hi]).
    fn path(&self, m: u64, lo: u64, hi: u64, out: &mut Vec<Hash>) {
        let n = hi - lo;
        if n <= 1 {
            return;
        }
        let k = split_point(n);
        if m < k {
            self.path(m, lo, lo + k, out);
            out.push(self.range_hash(lo + k, hi));
        } else {
            self.path(m - k, lo + k, hi, out);
            out.push(self.range_hash(lo, lo + k));
        }
    }

    /// RFC 9162 SUBPROOF(m, D[lo:hi], b).
    fn subproof(&self, m: u64, lo: u64, hi: u64, complete: bool, out: &mut Vec<Hash>) {
        let n = hi - lo;
        if m == n {
            if !complete {
                out.push(self.range_hash(lo, hi));
            }
            return;
        }
        let k = split_point(n);
        if m <= k {
            self.subproof(m, lo, lo + k, complete, out);
            out.push(self.range_hash(lo + k, hi));
        } else {
            self.subproof(m - k, lo + k, hi, false, out);
            out.push(self.range_hash(lo, lo + k));
        }
    }
}

/// Indices of leaves held in memory always fit a `usize`.
fn to_usize(i: u64) -> usize {
    usize::try_from(i).unwrap_or(usize::MAX)
}
