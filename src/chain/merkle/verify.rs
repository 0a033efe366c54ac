//! The free-standing proof verifiers of RFC 9162 §2.1.3.2 and §2.1.4.2.
//!
//! They need no tree: an auditor holding a signed checkpoint (size and root) checks a
//! leaf or an older checkpoint against it. Both consume the proof exactly (a proof
//! with an element too many or too few fails) and compare roots at the very end.

use super::{node_hash, Hash};
use crate::error::{Error, Result};

/// Checks that the leaf with Merkle leaf hash `leaf_hash` (see
/// [`leaf_hash`](super::leaf_hash)) sits at `index` in the tree of `size` leaves whose
/// root is `root`, given the audit path `proof` (the leaf's sibling first, the root's
/// child last, as RFC 6962 §2.1.1 and C2SP tlog-proof order it).
///
/// # Errors
///
/// [`Error::InvalidArgument`] if `index ≥ size` (no such leaf, including every index of
/// the empty tree); [`Error::VerificationFailed`] if the proof has the wrong length or
/// does not lead to `root`.
///
/// ```
/// use cipherchart::{leaf_hash, node_hash, verify_inclusion};
/// let (a, b) = (leaf_hash(b"a"), leaf_hash(b"b"));
/// let root = node_hash(&a, &b);
/// assert!(verify_inclusion(&b, 1, 2, &[a], &root).is_ok());
/// assert!(verify_inclusion(&b, 0, 2, &[a], &root).is_err());
/// ```
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<()> {
    if index >= size {
        return Err(Error::InvalidArgument(
            "leaf index is not below the tree size",
        ));
    }
    // RFC 9162 §2.1.3.2: walk up from the leaf; fn is the node's index on its level,
    // sn the index of the last node on that level.
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if snode == 0 {
            return Err(Error::VerificationFailed);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            // A right-border node with no right sibling: climb until it is a right child.
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode == 0 && r == *root {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

/// Checks that the tree of `old_size` leaves with root `old_root` is a prefix of the
/// tree of `new_size` leaves with root `new_root`, given the consistency proof `proof`
/// (RFC 9162 §2.1.4.2; the element order of RFC 6962's SUBPROOF, which is also the one
/// transparency-dev and real CT logs use).
///
/// With `old_size == new_size` the proof must be empty and the roots equal.
///
/// # Errors
///
/// [`Error::InvalidArgument`] if `old_size == 0` (a proof from the empty tree proves
/// nothing, so it is refused rather than trivially accepted) or `old_size > new_size`;
/// [`Error::VerificationFailed`] if the proof has the wrong length or either root does
/// not match.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<()> {
    if old_size == 0 {
        return Err(Error::InvalidArgument("consistency from the empty tree"));
    }
    if old_size > new_size {
        return Err(Error::InvalidArgument(
            "old tree size is larger than the new one",
        ));
    }
    if old_size == new_size {
        return if proof.is_empty() && old_root == new_root {
            Ok(())
        } else {
            Err(Error::VerificationFailed)
        };
    }
    let Some((first, rest)) = proof.split_first() else {
        return Err(Error::VerificationFailed);
    };
    // RFC 9162 step 2: if old_size is a power of two the old root is the seed, and the
    // proof does not repeat it.
    let (seed, rest) = if old_size.is_power_of_two() {
        (old_root, proof)
    } else {
        (first, rest)
    };
    let (mut fnode, mut snode) = (old_size - 1, new_size - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (*seed, *seed);
    for c in rest {
        if snode == 0 {
            return Err(Error::VerificationFailed);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode == 0 && fr == *old_root && sr == *new_root {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}
