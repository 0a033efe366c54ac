//! Catch-up of stored sessions (`docs/revocation-v3.md` §6.3), and the trailer and proofs
//! that let it happen: a closed session's header is **re-wrapped** at newer versions with
//! its trailer (the records stay byte for byte: their AD binds the session id and key
//! commitment, not the header), or the session is **re-encrypted whole** under a fresh
//! session key (when it was still being sealed at the revocation, or is format v2).
//!
//! A re-wrapped header vouches only for the trailer's records: its openers check each
//! record against the trailer's root, with an inclusion proof
//! ([`SessionOpener::open_included`]) or all at once ([`SessionOpener::open_all`]), so a
//! past reader who kept the old session key cannot add records.
//!
//! The authority's side (re-wrap, re-encryption, split) is `session_resealer.rs`.

use super::session::{SessionHeader, SessionOpener, SessionRecord};
use super::trailer::{item_leaf, RootBuilder, Trailer, TrailerKind};
use crate::chain::merkle::{InclusionProof, MerkleTree};
use crate::ct::after_wiping_aead_stack;
use crate::error::{Error, Result};

/// Computes the trailer of a format v3 session from its header and records, in order (no
/// key is needed): the header's digest and key commitment, and the count and RFC 6962
/// root of the records' digests (`docs/formats.md`, "Trailer (v3)"). It is what the
/// sealer's [`SessionSealer::trailer`](crate::SessionSealer::trailer) gives for the same
/// records; storage or an auditor recomputes it to compare. For a header re-wrapped
/// already, the records are checked against the trailer it carries, which is returned.
///
/// The result is **unauthenticated**: no key checks the header or the records here. The
/// authority re-wraps with the trailer its sealer logged
/// ([`Entry::for_session_close`](crate::Entry::for_session_close)), not one computed from
/// what storage hands it.
///
/// # Errors
/// [`Error::InvalidArgument`] for a format v2 session (it has no trailer: its catch-up is
/// [`Authority::reencrypt_session`](crate::Authority::reencrypt_session));
/// [`Error::DecryptionFailed`] for records other than a re-wrapped header's trailer's.
pub fn session_trailer(header: &SessionHeader, records: &[SessionRecord]) -> Result<Trailer> {
    if !header.is_v3() {
        return Err(Error::InvalidArgument(
            "a format v2 session has no trailer: re-encrypt it",
        ));
    }
    if let Some(carried) = header.trailer() {
        check_records(carried, records)?;
        return Ok(carried.clone());
    }
    let items = (records.len() as u64, root_of(records));
    Trailer::over(
        TrailerKind::Session,
        header.session_id(),
        &header.header,
        items,
    )
}

/// The proof that `records[index]` is item `index` under the trailer of `records` (the
/// whole session, in order): what storage hands an opener of one record of a re-wrapped
/// session ([`SessionOpener::open_included`]). Public data, no key. It hashes every record
/// (O(n)); to prove many records of one session, [`prove_session_records`] builds the tree
/// once.
///
/// # Errors
/// [`Error::InvalidArgument`] if `index` is not below the number of records.
pub fn prove_session_record(records: &[SessionRecord], index: u64) -> Result<InclusionProof> {
    let tree = tree_of(records);
    if index >= tree.len() {
        return Err(Error::InvalidArgument("no record at that index"));
    }
    tree.inclusion_proof(index, tree.len())
}

/// The proofs of every record of a session (the whole session, in order), from one tree:
/// what storage keeps beside a re-wrapped session's records to serve them one at a time
/// ([`SessionOpener::open_included`]). `proofs[i]` is [`prove_session_record`]`(records,
/// i)`. Public data, no key; O(n log² n) hashes.
pub fn prove_session_records(records: &[SessionRecord]) -> Vec<InclusionProof> {
    let tree = tree_of(records);
    (0..tree.len())
        // `i < len`: the proof exists.
        .filter_map(|i| tree.inclusion_proof(i, tree.len()).ok())
        .collect()
}

/// The Merkle tree of the records' item leaves, in order.
fn tree_of(records: &[SessionRecord]) -> MerkleTree {
    let mut tree = MerkleTree::new();
    for (i, record) in records.iter().enumerate() {
        tree.push(item_leaf(i as u64, &[&record.to_bytes()]));
    }
    tree
}

/// The RFC 6962 root over the records' item digests, in order.
fn root_of(records: &[SessionRecord]) -> [u8; 32] {
    roots_of(records, 0).1
}

/// The RFC 6962 roots over the first `prefix` records and over all of them, from one pass
/// (each record encoded and hashed once).
pub(super) fn roots_of(records: &[SessionRecord], prefix: usize) -> ([u8; 32], [u8; 32]) {
    let mut root = RootBuilder::default();
    let mut first = root.root();
    for (i, record) in records.iter().enumerate() {
        root.push(&[&record.to_bytes()]);
        if i + 1 == prefix {
            first = root.root();
        }
    }
    (first, root.root())
}

/// Refuses records that are not exactly the trailer's (count and root).
pub(super) fn check_records(trailer: &Trailer, records: &[SessionRecord]) -> Result<()> {
    if records.len() as u64 != trailer.count || root_of(records) != trailer.root {
        return Err(Error::DecryptionFailed);
    }
    Ok(())
}

/// Refuses a trailer that is not the session's ([`Trailer::check_names`]).
pub(super) fn check_trailer(header: &SessionHeader, trailer: &Trailer) -> Result<()> {
    let (id, carried) = (header.session_id(), header.trailer());
    trailer.check_names(TrailerKind::Session, id, &header.header, carried)
}

impl SessionOpener {
    /// Opens one record of a session with the proof that it is the trailer's item at
    /// `proof.index` ([`prove_session_record`]). For a header re-wrapped after close
    /// (it carries a trailer) this is how one record opens: a record someone made with
    /// the old session key is in no proof under the trailer's root. For a session with no
    /// trailer there is no root to check the proof against: use [`open`](Self::open).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a session with no trailer;
    /// [`Error::DecryptionFailed`] if the proof does not place the record under the
    /// trailer's root at a size equal to its count, and as [`open`](Self::open).
    pub fn open_included(&self, record: &SessionRecord, proof: &InclusionProof) -> Result<Vec<u8>> {
        let Some(trailer) = &self.trailer else {
            return Err(Error::InvalidArgument(
                "this session carries no trailer: use open",
            ));
        };
        let leaf = item_leaf(proof.index, &[&record.to_bytes()]);
        if proof.size != trailer.count || proof.verify(&leaf, &trailer.root).is_err() {
            return Err(Error::DecryptionFailed);
        }
        after_wiping_aead_stack(|| self.secret.open_record(record))
    }

    /// Opens every record of a session, in order. For a header re-wrapped after close,
    /// `records` must be exactly the trailer's (its count, and its root over them);
    /// otherwise any records of the session.
    ///
    /// # Errors
    /// [`Error::DecryptionFailed`] if the records are not the trailer's, or as
    /// [`open`](Self::open) for any of them (nothing is returned then).
    pub fn open_all(&self, records: &[SessionRecord]) -> Result<Vec<Vec<u8>>> {
        if let Some(trailer) = &self.trailer {
            check_records(trailer, records)?;
        }
        records
            .iter()
            .map(|record| after_wiping_aead_stack(|| self.secret.open_record(record)))
            .collect()
    }
}
