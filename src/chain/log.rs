//! The chain: entries in a store, linked by hash and committed to by a Merkle tree.

use core::fmt;

use rand_core::{CryptoRng, RngCore};

use super::entry::GENESIS;
use super::merkle::{Hash, MerkleTree};
use super::{
    Checkpoint, ConsistencyProof, Entry, EntryDraft, FileStore, InclusionProof, ProofFile, Store,
};
use crate::error::{ChainError, ChainErrorKind, Error, Result};
use crate::sig::{batch_find_invalid, batch_verify, BlsPublicKey, BlsSigningKey};

/// How many entry signatures [`Chain::verify_all`] checks with one multi-pairing.
pub(crate) const VERIFY_BLOCK: usize = 256;

fn broken(index: u64, kind: ChainErrorKind) -> Error {
    ChainError { index, kind }.into()
}

/// A proof chain over a [`Store`] ([`FileStore`] by default).
///
/// Every entry names its position (`sequence`) and the hash of the entry before it,
/// and is signed by its actor; the entry hashes are the leaves of an RFC 6962 Merkle
/// tree, so the log can prove that an entry is in it ([`Chain::prove_inclusion`]) and
/// that it only ever grew ([`Chain::prove_consistency`]), and sign its state
/// ([`Chain::checkpoint`]).
///
/// ```
/// use cipherchart::{Action, Chain, EntryDraft, MemoryStore};
/// use cipherchart::BlsSigningKey;
/// let mut rng = rand_core::OsRng;
/// let (nurse, log_key) = (BlsSigningKey::generate(&mut rng), BlsSigningKey::generate(&mut rng));
/// let mut chain = Chain::open(MemoryStore::new())?;
/// let i = chain.sign_and_append(EntryDraft::for_payload(1_700_000_000, Action::Read, "rec-1", b"chart"), &nurse)?;
/// let cp = chain.checkpoint(&log_key, "clinic.example/log")?;
/// let receipt = chain.proof_file(i, &cp)?;
/// // Anyone holding the log's public key checks the receipt offline.
/// let entry = receipt.verify(&log_key.public_key())?;
/// assert_eq!(entry.subject(), b"rec-1");
/// chain.verify_all(Some((&cp, &log_key.public_key())), &mut rng)?;
/// # Ok::<(), cipherchart::Error>(())
/// ```
pub struct Chain<S: Store = FileStore> {
    store: S,
    tree: MerkleTree,
    last: Hash,
}

impl<S: Store + fmt::Debug> fmt::Debug for Chain<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chain")
            .field("store", &self.store)
            .field("tree", &self.tree)
            .finish_non_exhaustive()
    }
}

impl Chain<FileStore> {
    /// Opens the chain in the store file at `path` for appending, creating the file if
    /// there is none ([`FileStore::open_or_create`], then [`Chain::open`]). The returned
    /// chain is the file's one writer until it is dropped: another `open_file` of the same
    /// file, in this process or another, is refused with [`ChainErrorKind::Locked`].
    ///
    /// # Errors
    ///
    /// As [`FileStore::open_or_create`] and [`Chain::open`].
    pub fn open_file(path: impl AsRef<std::path::Path>) -> Result<Self> {
        Self::open(FileStore::open_or_create(path)?)
    }
}

impl<S: Store> Chain<S> {
    /// Loads the chain in `store`, checking that every record is a valid entry at its
    /// position that links to the one before (signatures are checked by
    /// [`Chain::verify_all`], which costs a pairing per [`VERIFY_BLOCK`] entries).
    ///
    /// # Errors
    ///
    /// [`Error::Chain`] with the first entry at fault (`Encoding`, `Sequence`, `Link`,
    /// `Store`), or the store's I/O error.
    pub fn open(store: S) -> Result<Self> {
        let mut tree = MerkleTree::new();
        let mut last = GENESIS;
        store.scan(&mut |i, bytes| {
            let entry =
                Entry::from_bytes(bytes).map_err(|_| broken(i, ChainErrorKind::Encoding))?;
            check_position(&entry, i, &last)?;
            last = entry.hash();
            tree.push(super::leaf_hash(&last));
            Ok(())
        })?;
        Ok(Self { store, tree, last })
    }

    /// The number of entries.
    pub fn len(&self) -> u64 {
        self.tree.len()
    }

    /// Whether the chain has no entries.
    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }

    /// The hash of the last entry ([`GENESIS`](super::GENESIS) for an empty chain):
    /// the `prev` of the next entry, whose `sequence` is [`Chain::len`].
    pub fn last_hash(&self) -> Hash {
        self.last
    }

    /// The Merkle root of all entries.
    pub fn root(&self) -> Hash {
        self.tree.root()
    }

    /// The Merkle root when the chain had `size` entries.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `size > len()`.
    pub fn root_at(&self, size: u64) -> Result<Hash> {
        self.tree.root_at(size)
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Gives the store back.
    pub fn into_store(self) -> S {
        self.store
    }

    /// Entry `index`, read back from the store and checked against the tree.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `index ≥ len()`; [`Error::Chain`] (`Encoding`,
    /// `Modified`, `Store`) if the store no longer holds the entry the chain committed to.
    pub fn entry(&self, index: u64) -> Result<Entry> {
        let leaf = self.tree.leaf(index)?;
        let bytes = self.store.get(index)?;
        let entry =
            Entry::from_bytes(&bytes).map_err(|_| broken(index, ChainErrorKind::Encoding))?;
        if entry.leaf_hash() != leaf {
            return Err(broken(index, ChainErrorKind::Modified));
        }
        Ok(entry)
    }

    /// Appends a signed entry and returns its index, once the store has it durably.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if the entry's sequence is not [`Chain::len`] or its
    /// `prev` is not [`Chain::last_hash`]; [`Error::VerificationFailed`] if the actor's
    /// signature does not verify; the store's error (then nothing was appended).
    pub fn append(&mut self, entry: Entry) -> Result<u64> {
        if entry.sequence() != self.len() {
            return Err(Error::InvalidArgument(
                "entry sequence is not the next position",
            ));
        }
        if *entry.prev() != self.last {
            return Err(Error::InvalidArgument(
                "entry does not link to the last entry",
            ));
        }
        entry.verify_signature()?;
        self.store.append(&entry.to_bytes())?;
        self.last = entry.hash();
        Ok(self.tree.push(entry.leaf_hash()))
    }

    /// Signs `draft` with `actor` at the next position and appends it.
    ///
    /// # Errors
    ///
    /// As [`EntryDraft::sign`] and [`Chain::append`].
    pub fn sign_and_append(&mut self, draft: EntryDraft, actor: &BlsSigningKey) -> Result<u64> {
        let entry = draft.sign(self.len(), self.last, actor)?;
        self.append(entry)
    }

    /// The audit path of entry `index` in the current tree.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `index ≥ len()`.
    pub fn prove_inclusion(&self, index: u64) -> Result<InclusionProof> {
        self.tree.inclusion_proof(index, self.len())
    }

    /// The audit path of entry `index` in the tree of the first `size` entries (the
    /// size of an older checkpoint).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `size > len()` or `index ≥ size`.
    pub fn prove_inclusion_at(&self, index: u64, size: u64) -> Result<InclusionProof> {
        self.tree.inclusion_proof(index, size)
    }

    /// The proof that the chain of `old_size` entries is a prefix of the current one.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `old_size` is 0 or above `len()`.
    pub fn prove_consistency(&self, old_size: u64) -> Result<ConsistencyProof> {
        self.tree.consistency_proof(old_size, self.len())
    }

    /// The proof between two earlier sizes.
    ///
    /// # Errors
    ///
    /// As [`MerkleTree::consistency_proof`].
    pub fn prove_consistency_between(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<ConsistencyProof> {
        self.tree.consistency_proof(old_size, new_size)
    }

    /// Signs the current state as a C2SP checkpoint of the log named `origin`.
    ///
    /// # Errors
    ///
    /// As [`Checkpoint::sign`].
    pub fn checkpoint(&self, log_key: &BlsSigningKey, origin: &str) -> Result<Checkpoint> {
        Checkpoint::sign(origin, self.len(), self.root(), log_key)
    }

    /// The receipt for entry `index` against `checkpoint` (which must be one of this
    /// chain's: its root is checked against the tree at its size).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if the checkpoint is larger than the chain, does not
    /// match it, or `index` is not below its size; entry read errors as
    /// [`Chain::entry`].
    pub fn proof_file(&self, index: u64, checkpoint: &Checkpoint) -> Result<ProofFile> {
        if self.tree.root_at(checkpoint.size())? != *checkpoint.root() {
            return Err(Error::InvalidArgument(
                "the checkpoint is not one of this chain's",
            ));
        }
        let proof = self.tree.inclusion_proof(index, checkpoint.size())?;
        ProofFile::new(checkpoint.clone(), self.entry(index)?, proof)
    }

    /// Re-reads and checks the whole chain from its store: every entry decodes, sits at
    /// its position, links to the one before and is the entry the chain committed to;
    /// every actor signature verifies (batch-verified, one multi-pairing per
    /// [`VERIFY_BLOCK`] entries, a failed block bisected to the entry); and, given a
    /// checkpoint and the log key, the checkpoint's signature verifies and the tree at
    /// its size has its root.
    ///
    /// # Errors
    ///
    /// [`Error::Chain`] naming the **first** entry at fault (`Encoding`, `Sequence`,
    /// `Link`, `Modified`, `Signature`, `Store`, `Missing`), or `Root` / `Missing` at the
    /// checkpoint's size; [`Error::VerificationFailed`] for a bad checkpoint signature.
    pub fn verify_all<R: RngCore + CryptoRng + ?Sized>(
        &self,
        checkpoint: Option<(&Checkpoint, &BlsPublicKey)>,
        rng: &mut R,
    ) -> Result<()> {
        if let Some((cp, key)) = checkpoint {
            cp.verify(key)?;
        }
        let n = self.len();
        let mut fresh = MerkleTree::new();
        let mut last = GENESIS;
        let mut block: Vec<Entry> = Vec::with_capacity(VERIFY_BLOCK);
        let mut structural: Option<Error> = None;
        let scanned = self.store.scan(&mut |i, bytes| {
            if i >= n {
                return Ok(()); // appended by someone else since; not ours to judge
            }
            let entry =
                Entry::from_bytes(bytes).map_err(|_| broken(i, ChainErrorKind::Encoding))?;
            check_position(&entry, i, &last)?;
            last = entry.hash();
            let leaf = super::leaf_hash(&last);
            if self.tree.leaf(i)? != leaf {
                return Err(broken(i, ChainErrorKind::Modified));
            }
            fresh.push(leaf);
            block.push(entry);
            if block.len() == VERIFY_BLOCK {
                let verified = verify_block(&block, rng);
                block.clear();
                verified?;
            }
            Ok(())
        });
        if let Err(e) = scanned {
            structural = Some(e);
        }
        // Entries before a structural fault may hide an earlier bad signature.
        verify_block(&block, rng)?;
        if let Some(e) = structural {
            return Err(e);
        }
        if fresh.len() < n {
            return Err(broken(fresh.len(), ChainErrorKind::Missing));
        }
        if let Some((cp, _)) = checkpoint {
            if cp.size() > n {
                return Err(broken(cp.size(), ChainErrorKind::Missing));
            }
            if fresh.root_at(cp.size())? != *cp.root() {
                return Err(broken(cp.size(), ChainErrorKind::Root));
            }
        }
        Ok(())
    }
}

/// Checks that `entry` sits at position `i` after an entry with hash `prev`.
fn check_position(entry: &Entry, i: u64, prev: &Hash) -> Result<()> {
    if entry.sequence() != i {
        return Err(broken(i, ChainErrorKind::Sequence));
    }
    if entry.prev() != prev {
        return Err(broken(i, ChainErrorKind::Link));
    }
    Ok(())
}

/// Batch-verifies the signatures of consecutive entries; names the first bad one.
fn verify_block<R: RngCore + CryptoRng + ?Sized>(block: &[Entry], rng: &mut R) -> Result<()> {
    if block.is_empty() {
        return Ok(());
    }
    let messages: Vec<Vec<u8>> = block.iter().map(Entry::signed_message).collect();
    let items: Vec<_> = block
        .iter()
        .zip(&messages)
        .map(|(e, m)| (*e.actor(), m.as_slice(), *e.signature()))
        .collect();
    if batch_verify(&items, rng).is_ok() {
        return Ok(());
    }
    let first = batch_find_invalid(&items, rng)
        .first()
        .copied()
        .unwrap_or(0);
    Err(broken(block[first].sequence(), ChainErrorKind::Signature))
}
