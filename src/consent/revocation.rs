//! Revocation ids and the set a verifier checks them against.

use core::fmt;
use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use crate::chain::{Action, Chain, Entry, EntryDraft, Store};
use crate::error::{EncodingError, Result};
use crate::hash::dst;
use crate::sig::{BlsPublicKey, BlsSignature};

/// The revocation id of one block of a consent token:
/// `SHA-256("CIPHERCHART-V01-CONSENT-REVOCATION-ID-with-SHA256" ‖ signature)` over the
/// block's 96-byte signature.
///
/// Unique per block (Biscuit's rule): the authority block carries a random nonce and
/// every later block signs the signature before it, so two tokens never share an id
/// even with equal contents, and BLS signatures are unique for a key and message, so a
/// block has exactly one id. Public data.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RevocationId([u8; 32]);

impl RevocationId {
    /// The id of the block with this signature.
    pub(crate) fn of(signature: &BlsSignature) -> Self {
        let mut h = Sha256::new();
        h.update(dst::CONSENT_REVOCATION_ID);
        h.update(signature.to_bytes());
        Self(h.finalize().into())
    }

    /// The 32 bytes (the subject of a revoke entry in the proof chain).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// An id from its 32 bytes.
    ///
    /// # Errors
    ///
    /// `InvalidEncoding(Truncated)` / `TrailingBytes` for another length.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        match <[u8; 32]>::try_from(bytes) {
            Ok(b) => Ok(Self(b)),
            Err(_) if bytes.len() < 32 => Err(EncodingError::Truncated.into()),
            Err(_) => Err(EncodingError::TrailingBytes.into()),
        }
    }

    /// A proof-chain entry revoking this id when only the id is known: action
    /// [`Action::Revoke`], subject = the id, digest = SHA-256 of the id (prefer
    /// [`ConsentToken::revoke_entry`](super::ConsentToken::revoke_entry), whose digest
    /// names the token).
    pub fn revoke_entry(&self, time: u64) -> EntryDraft {
        EntryDraft::for_payload(time, Action::Revoke, self.0.to_vec(), &self.0)
    }
}

impl fmt::Debug for RevocationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RevocationId({self})")
    }
}

impl fmt::Display for RevocationId {
    /// Lower-case hex.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// The revoked consent blocks a verifier knows of.
///
/// Two kinds of entries:
/// * ids the verifier itself decided are revoked ([`insert`](Self::insert)): they
///   revoke any token containing that block;
/// * revocations read from a proof chain ([`from_chain`](Self::from_chain),
///   [`insert_entry`](Self::insert_entry)), remembered with the key that signed the
///   entry: they revoke block `i` only if that key signed one of blocks `0 ..= i`
///   (the patient who issued the token, or a holder upstream of the block). A stranger
///   who logs a revoke entry for someone else's consent changes nothing.
#[derive(Clone, Debug, Default)]
pub struct RevocationSet {
    ids: HashSet<RevocationId>,
    logged: HashMap<RevocationId, HashSet<BlsPublicKey>>,
}

impl RevocationSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Revokes `id` unconditionally. Returns whether it was new.
    pub fn insert(&mut self, id: RevocationId) -> bool {
        self.ids.insert(id)
    }

    /// Records a proof-chain entry if it is a revocation: action [`Action::Revoke`], a
    /// 32-byte subject (the revocation id) and a valid actor signature. Returns whether
    /// the entry was a revocation.
    ///
    /// # Errors
    ///
    /// [`Error::VerificationFailed`](crate::Error::VerificationFailed) if a revoke
    /// entry's signature does not verify.
    pub fn insert_entry(&mut self, entry: &Entry) -> Result<bool> {
        if entry.action() != Action::Revoke {
            return Ok(false);
        }
        let Ok(id) = RevocationId::from_bytes(entry.subject()) else {
            return Ok(false);
        };
        entry.verify_signature()?;
        self.logged.entry(id).or_default().insert(*entry.actor());
        Ok(true)
    }

    /// The revocations logged in a proof chain: every [`Action::Revoke`] entry whose
    /// subject is a 32-byte revocation id, with its signer (each such entry's signature
    /// is checked again here, one pairing per revocation, so a chain opened without
    /// [`Chain::verify_all`] cannot smuggle one in).
    ///
    /// # Errors
    ///
    /// The chain's errors reading an entry back; [`Error::VerificationFailed`](crate::Error::VerificationFailed)
    /// for a revoke entry with a bad signature.
    pub fn from_chain<S: Store>(chain: &Chain<S>) -> Result<Self> {
        let mut set = Self::new();
        for i in 0..chain.len() {
            set.insert_entry(&chain.entry(i)?)?;
        }
        Ok(set)
    }

    /// Whether `id` was revoked unconditionally or by any logged key.
    pub fn contains(&self, id: &RevocationId) -> bool {
        self.ids.contains(id) || self.logged.contains_key(id)
    }

    /// Whether `id` is revoked for a block whose signers (the issuer and the upstream
    /// holders) are `signers`.
    pub(crate) fn revokes(&self, id: &RevocationId, signers: &[BlsPublicKey]) -> bool {
        self.ids.contains(id)
            || self
                .logged
                .get(id)
                .is_some_and(|keys| signers.iter().any(|k| keys.contains(k)))
    }

    /// The number of distinct ids, of both kinds.
    pub fn len(&self) -> usize {
        self.ids.len() + self.logged.keys().filter(|k| !self.ids.contains(k)).count()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty() && self.logged.is_empty()
    }
}
