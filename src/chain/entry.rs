//! Chain entries: what happened, to what, by whom, signed by the actor.

use core::fmt;

use sha2::{Digest, Sha256};

use super::merkle::{self, Hash};
use super::Action;
use crate::encoding::{ObjectType, Reader, Writer};
use crate::error::{EncodingError, Error, Result};
use crate::hash::dst;
use crate::sig::{BlsPublicKey, BlsSignature, BlsSigningKey, PUBLIC_KEY_LEN, SIGNATURE_LEN};

/// The entry format version this library writes and reads.
pub(crate) const ENTRY_VERSION: u8 = 1;

/// The longest subject id (bytes), the same bound as a record id.
pub const MAX_SUBJECT_LEN: usize = 1024;

/// The longest entry metadata (bytes).
pub const MAX_ENTRY_METADATA_LEN: usize = 65536;

/// The previous-entry hash of the first entry: 32 zero bytes.
pub const GENESIS: Hash = [0u8; 32];

/// The content of an entry before it has a place in a chain and a signature.
///
/// Build one with [`EntryDraft::new`] or a helper that reads the library object
/// ([`Entry::for_seal`], [`Entry::for_reencrypt`], [`EntryDraft::for_payload`]), then
/// either [`Chain::sign_and_append`](super::Chain::sign_and_append) it, or
/// [`EntryDraft::sign`] it at the position [`Chain::len`](super::Chain::len) /
/// [`Chain::last_hash`](super::Chain::last_hash) and hand the entry to
/// [`Chain::append`](super::Chain::append) (an actor signing on another machine).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryDraft {
    /// When it happened, seconds since the Unix epoch (UTC), as the actor states it.
    pub time: u64,
    /// What happened.
    pub action: Action,
    /// To what: a record id, a lot number, a consent revocation id (≤ 1024 bytes).
    pub subject: Vec<u8>,
    /// SHA-256 of the exact bytes concerned (a sealed record's encoding, a payload).
    pub digest: Hash,
    /// Public, application-defined detail (≤ 64 KiB); signed and hashed with the rest.
    pub metadata: Vec<u8>,
}

impl EntryDraft {
    /// A draft with empty metadata.
    pub fn new(time: u64, action: Action, subject: impl Into<Vec<u8>>, digest: Hash) -> Self {
        Self {
            time,
            action,
            subject: subject.into(),
            digest,
            metadata: Vec::new(),
        }
    }

    /// A draft whose digest is the SHA-256 of `payload` (any bytes the action concerns:
    /// a sensor reading, a document).
    pub fn for_payload(
        time: u64,
        action: Action,
        subject: impl Into<Vec<u8>>,
        payload: &[u8],
    ) -> Self {
        Self::new(time, action, subject, sha256(payload))
    }

    /// Sets the metadata.
    #[must_use]
    pub fn with_metadata(mut self, metadata: impl Into<Vec<u8>>) -> Self {
        self.metadata = metadata.into();
        self
    }

    /// Signs the draft as entry number `sequence` of a chain whose last entry hash is
    /// `prev` ([`GENESIS`] for the first entry).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if the subject or metadata is too long.
    pub fn sign(self, sequence: u64, prev: Hash, actor: &BlsSigningKey) -> Result<Entry> {
        if self.subject.len() > MAX_SUBJECT_LEN {
            return Err(Error::InvalidArgument(
                "entry subject longer than 1024 bytes",
            ));
        }
        if self.metadata.len() > MAX_ENTRY_METADATA_LEN {
            return Err(Error::InvalidArgument("entry metadata longer than 64 KiB"));
        }
        let public = actor.public_key();
        let signature = actor.sign(&signed_message(sequence, &prev, &public, &self));
        Ok(Entry {
            sequence,
            prev,
            actor: public,
            draft: self,
            signature,
        })
    }
}

/// One signed entry of a proof chain.
///
/// Its [`hash`](Entry::hash) links the next entry to it and is the data of its Merkle
/// leaf. Entries are public data.
#[derive(Clone)]
pub struct Entry {
    sequence: u64,
    prev: Hash,
    actor: BlsPublicKey,
    draft: EntryDraft,
    signature: BlsSignature,
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("sequence", &self.sequence)
            .field("time", &self.draft.time)
            .field("action", &self.draft.action)
            .field("subject", &String::from_utf8_lossy(&self.draft.subject))
            .field("hash", &hex(&self.hash()))
            .finish_non_exhaustive()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

impl Entry {
    /// The position of the entry in its chain (0-based).
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// The hash of the entry before it ([`GENESIS`] for the first).
    pub fn prev(&self) -> &Hash {
        &self.prev
    }

    /// The time the actor stated.
    pub fn time(&self) -> u64 {
        self.draft.time
    }

    /// The actor's public key.
    pub fn actor(&self) -> &BlsPublicKey {
        &self.actor
    }

    /// What happened.
    pub fn action(&self) -> Action {
        self.draft.action
    }

    /// To what.
    pub fn subject(&self) -> &[u8] {
        &self.draft.subject
    }

    /// The digest of the bytes concerned.
    pub fn digest(&self) -> &Hash {
        &self.draft.digest
    }

    /// The metadata.
    pub fn metadata(&self) -> &[u8] {
        &self.draft.metadata
    }

    /// The actor's signature.
    pub fn signature(&self) -> &BlsSignature {
        &self.signature
    }

    /// The entry's hash: `SHA-256("CIPHERCHART-V01-CHAIN-ENTRY-HASH-with-SHA256" ‖
    /// to_bytes())`. The next entry's `prev`, and the data of the entry's Merkle leaf.
    pub fn hash(&self) -> Hash {
        let mut h = Sha256::new();
        h.update(dst::CHAIN_ENTRY_HASH);
        h.update(self.to_bytes());
        h.finalize().into()
    }

    /// The entry's Merkle leaf hash, `SHA-256(0x00 ‖ hash())`.
    pub fn leaf_hash(&self) -> Hash {
        merkle::leaf_hash(&self.hash())
    }

    /// The bytes the actor signs: the tag `CIPHERCHART-V01-CHAIN-ENTRY-SIG` as a
    /// length-prefixed field, then every field of the entry but the signature.
    pub fn signed_message(&self) -> Vec<u8> {
        signed_message(self.sequence, &self.prev, &self.actor, &self.draft)
    }

    /// Checks the actor's signature.
    ///
    /// # Errors
    ///
    /// [`Error::VerificationFailed`].
    pub fn verify_signature(&self) -> Result<()> {
        self.actor.verify(&self.signed_message(), &self.signature)
    }

    /// The canonical encoding (tag `0x30`, `docs/formats.md`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(ObjectType::ChainEntry);
        write_body(&mut w, self.sequence, &self.prev, &self.actor, &self.draft);
        w.fixed(&self.signature.to_bytes());
        w.finish()
    }

    /// Decodes [`Entry::to_bytes`]. The signature is not checked here (see
    /// [`Entry::verify_signature`]); the keys and the signature must be valid points.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`]: `UnsupportedVersion` for an entry version other than
    /// 1, `NonCanonical` for a reserved action code, and the common rules.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, ObjectType::ChainEntry)?;
        if r.u8()? != ENTRY_VERSION {
            return Err(EncodingError::UnsupportedVersion.into());
        }
        let sequence = r.u64()?;
        let prev = r.fixed::<32>()?;
        let time = r.u64()?;
        let actor = BlsPublicKey::from_bytes(&r.fixed::<PUBLIC_KEY_LEN>()?)?;
        let action = Action::from_code(r.u16()?)?;
        let subject = r.bytes(MAX_SUBJECT_LEN)?.to_vec();
        let digest = r.fixed::<32>()?;
        let metadata = r.bytes(MAX_ENTRY_METADATA_LEN)?.to_vec();
        let signature = BlsSignature::from_bytes(&r.fixed::<SIGNATURE_LEN>()?)?;
        r.finish()?;
        Ok(Self {
            sequence,
            prev,
            actor,
            draft: EntryDraft {
                time,
                action,
                subject,
                digest,
                metadata,
            },
            signature,
        })
    }
}

/// The signed message: the tag as a length-prefixed field, then the body.
fn signed_message(sequence: u64, prev: &Hash, actor: &BlsPublicKey, draft: &EntryDraft) -> Vec<u8> {
    let mut w = Writer::raw();
    w.bytes(dst::CHAIN_ENTRY_SIG);
    write_body(&mut w, sequence, prev, actor, draft);
    w.finish()
}

/// Every field but the signature, in wire order.
fn write_body(
    w: &mut Writer,
    sequence: u64,
    prev: &Hash,
    actor: &BlsPublicKey,
    draft: &EntryDraft,
) {
    w.u8(ENTRY_VERSION);
    w.u64(sequence);
    w.fixed(prev);
    w.u64(draft.time);
    w.fixed(&actor.to_bytes());
    w.u16(draft.action.code());
    w.bytes(&draft.subject);
    w.fixed(&draft.digest);
    w.bytes(&draft.metadata);
}
