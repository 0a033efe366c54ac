//! Proof chain: verify receipts (proof files), checkpoints, inclusion and consistency proofs;
//! and a small in-memory chain that produces them (for demos and tests; servers keep the log).

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

#[cfg(feature = "full")]
use crate::consent::{ConsentToken, VerifiedConsent};
use crate::errors::to_js_err;
use crate::num::integer;
#[cfg(feature = "full")]
use crate::num::seconds;
#[cfg(feature = "full")]
use crate::pre::ReKey;
#[cfg(feature = "full")]
use crate::proofs::ConsistencyProof;
use crate::proofs::InclusionProof;
#[cfg(feature = "full")]
use crate::record::SealedRecord;
#[cfg(feature = "full")]
use crate::rng::rng;
#[cfg(feature = "full")]
use crate::sig::BlsSigningKey;
use crate::sig::{BlsPublicKey, BlsSignature};

fn invalid(why: &'static str) -> JsValue {
    to_js_err(cipherchart::Error::InvalidArgument(why))
}

pub(crate) fn hash(bytes: &[u8]) -> Result<[u8; 32], JsValue> {
    <[u8; 32]>::try_from(bytes).map_err(|_| invalid("a hash is 32 bytes"))
}

pub(crate) fn hashes(path: &[Uint8Array]) -> Result<Vec<[u8; 32]>, JsValue> {
    path.iter().map(|h| hash(&h.to_vec())).collect()
}

/// One signed entry of a proof chain. Public.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct Entry(pub(crate) cipherchart::Entry);

#[wasm_bindgen]
impl Entry {
    /// Position in the chain (0-based).
    #[wasm_bindgen(getter)]
    pub fn sequence(&self) -> f64 {
        self.0.sequence() as f64
    }

    /// Time the actor gave (Unix seconds).
    #[wasm_bindgen(getter)]
    pub fn time(&self) -> f64 {
        self.0.time() as f64
    }

    /// The action's name: `create`, `update`, `read`, `share`, `re-encrypt`, `grant`,
    /// `revoke`, `custody` or `extension-0x….`.
    #[wasm_bindgen(getter)]
    pub fn action(&self) -> String {
        self.0.action().to_string()
    }

    /// The action's numeric code (1 … 8, extensions from 0x0100).
    #[wasm_bindgen(getter, js_name = actionCode)]
    pub fn action_code(&self) -> u16 {
        self.0.action().code()
    }

    /// The actor's BLS public key (who signed the entry).
    #[wasm_bindgen(getter)]
    pub fn actor(&self) -> BlsPublicKey {
        BlsPublicKey(*self.0.actor())
    }

    /// What the entry is about (a record id, a consent id, …).
    #[wasm_bindgen(getter)]
    pub fn subject(&self) -> Vec<u8> {
        self.0.subject().to_vec()
    }

    /// The 32-byte digest the entry commits to (e.g. a sealed record's header digest).
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> Vec<u8> {
        self.0.digest().to_vec()
    }

    /// Public metadata.
    #[wasm_bindgen(getter)]
    pub fn metadata(&self) -> Vec<u8> {
        self.0.metadata().to_vec()
    }

    /// The previous entry's hash (the hash link).
    #[wasm_bindgen(getter)]
    pub fn prev(&self) -> Vec<u8> {
        self.0.prev().to_vec()
    }

    /// The entry's hash (what the next entry links to).
    #[wasm_bindgen(getter)]
    pub fn hash(&self) -> Vec<u8> {
        self.0.hash().to_vec()
    }

    /// The entry's Merkle leaf hash.
    #[wasm_bindgen(getter, js_name = leafHash)]
    pub fn leaf_hash(&self) -> Vec<u8> {
        self.0.leaf_hash().to_vec()
    }

    /// The actor's signature on the entry.
    #[wasm_bindgen(getter)]
    pub fn signature(&self) -> BlsSignature {
        BlsSignature(*self.0.signature())
    }

    /// The exact bytes the actor signed.
    #[wasm_bindgen(js_name = signedMessage)]
    pub fn signed_message(&self) -> Vec<u8> {
        self.0.signed_message()
    }

    /// Checks the actor's signature on the entry.
    ///
    /// # Errors
    /// Throws `VerificationFailed`.
    #[wasm_bindgen(js_name = verifySignature)]
    pub fn verify_signature(&self) -> Result<(), JsValue> {
        self.0.verify_signature().map_err(to_js_err)
    }
}

/// A log checkpoint: a C2SP signed note over (origin, size, root). Public.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct Checkpoint(pub(crate) cipherchart::Checkpoint);

#[wasm_bindgen]
impl Checkpoint {
    /// Parses a signed note (`toNote()`).
    ///
    /// # Errors
    /// Throws `InvalidEncoding`.
    #[wasm_bindgen(js_name = fromNote)]
    pub fn from_note(note: &str) -> Result<Checkpoint, JsValue> {
        cipherchart::Checkpoint::from_note(note)
            .map(Self)
            .map_err(to_js_err)
    }

    /// The signed note text.
    #[wasm_bindgen(js_name = toNote)]
    pub fn to_note(&self) -> String {
        self.0.to_note()
    }

    /// The log's origin line.
    #[wasm_bindgen(getter)]
    pub fn origin(&self) -> String {
        self.0.origin().to_owned()
    }

    /// The tree size.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.0.size() as f64
    }

    /// The 32-byte tree root.
    #[wasm_bindgen(getter)]
    pub fn root(&self) -> Vec<u8> {
        self.0.root().to_vec()
    }

    /// The note's extension lines (after the root), if any.
    #[wasm_bindgen(getter)]
    pub fn extensions(&self) -> Vec<String> {
        self.0.extensions().to_vec()
    }

    /// The signed text of the note (its body, without signature lines).
    #[wasm_bindgen(js_name = noteText)]
    pub fn note_text(&self) -> String {
        self.0.note_text()
    }

    /// Checks the log key's signature on the note.
    ///
    /// # Errors
    /// Throws `VerificationFailed`.
    pub fn verify(
        &self,
        #[wasm_bindgen(js_name = logKey)] log_key: &BlsPublicKey,
    ) -> Result<(), JsValue> {
        self.0.verify(&log_key.0).map_err(to_js_err)
    }
}

/// A receipt: an entry, its inclusion proof and the signed checkpoint it is included in.
/// Verifies offline with only the log's public key. Public.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct ProofFile(pub(crate) cipherchart::ProofFile);

#[wasm_bindgen]
impl ProofFile {
    /// Decodes the compact text form (`toText()`, base64url).
    ///
    /// # Errors
    /// Throws `InvalidEncoding` (or `InvalidArgument` for parts that do not belong together).
    #[wasm_bindgen(js_name = fromText)]
    pub fn from_text(text: &str) -> Result<ProofFile, JsValue> {
        cipherchart::ProofFile::from_text(text)
            .map(Self)
            .map_err(to_js_err)
    }

    /// The compact text form.
    #[wasm_bindgen(js_name = toText)]
    pub fn to_text(&self) -> String {
        self.0.to_text()
    }

    /// Decodes the C2SP tlog-proof v1 text.
    ///
    /// # Errors
    /// As `fromText`.
    #[wasm_bindgen(js_name = fromTlogProof)]
    pub fn from_tlog_proof(text: &str) -> Result<ProofFile, JsValue> {
        cipherchart::ProofFile::from_tlog_proof(text)
            .map(Self)
            .map_err(to_js_err)
    }

    /// The C2SP tlog-proof v1 text.
    #[wasm_bindgen(js_name = toTlogProof)]
    pub fn to_tlog_proof(&self) -> String {
        self.0.to_tlog_proof()
    }

    /// The checkpoint (unverified until `verify`).
    #[wasm_bindgen(getter)]
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.0.checkpoint().clone())
    }

    /// The entry (unverified until `verify`).
    #[wasm_bindgen(getter)]
    pub fn entry(&self) -> Entry {
        Entry(self.0.entry().clone())
    }

    /// The entry's inclusion proof in the checkpoint's tree (unverified until `verify`).
    #[wasm_bindgen(getter)]
    pub fn proof(&self) -> InclusionProof {
        InclusionProof(self.0.proof().clone())
    }

    /// Verifies everything: the log's signature on the checkpoint, the actor's signature on
    /// the entry, and the entry's inclusion at its sequence number. Returns the entry.
    ///
    /// # Errors
    /// Throws `VerificationFailed` if any check fails.
    pub fn verify(
        &self,
        #[wasm_bindgen(js_name = logKey)] log_key: &BlsPublicKey,
    ) -> Result<Entry, JsValue> {
        self.0
            .verify(&log_key.0)
            .map(|e| Entry(e.clone()))
            .map_err(to_js_err)
    }
}

/// RFC 9162 leaf hash of `data` (`SHA-256(0x00 || data)`).
#[wasm_bindgen(js_name = leafHash)]
pub fn leaf_hash(data: &[u8]) -> Vec<u8> {
    cipherchart::leaf_hash(data).to_vec()
}

/// Verifies an RFC 9162 inclusion proof: `leafHash` is at `index` in the tree of `size`
/// leaves whose root is `root` (hashes are 32-byte `Uint8Array`s).
///
/// # Errors
/// Throws `VerificationFailed`, or `InvalidArgument` (index not below size, bad hash length).
#[wasm_bindgen(js_name = verifyInclusion)]
pub fn verify_inclusion(
    #[wasm_bindgen(js_name = leafHash)] leaf_hash: &[u8],
    index: f64,
    size: f64,
    path: Vec<Uint8Array>,
    root: &[u8],
) -> Result<(), JsValue> {
    cipherchart::verify_inclusion(
        &hash(leaf_hash)?,
        integer(index)?,
        integer(size)?,
        &hashes(&path)?,
        &hash(root)?,
    )
    .map_err(to_js_err)
}

/// Verifies an RFC 9162 consistency proof between the trees of `oldSize` and `newSize`
/// leaves.
///
/// # Errors
/// Throws `VerificationFailed`, or `InvalidArgument` (old size 0 or above the new size, bad
/// hash length).
#[wasm_bindgen(js_name = verifyConsistency)]
pub fn verify_consistency(
    #[wasm_bindgen(js_name = oldSize)] old_size: f64,
    #[wasm_bindgen(js_name = newSize)] new_size: f64,
    #[wasm_bindgen(js_name = oldRoot)] old_root: &[u8],
    #[wasm_bindgen(js_name = newRoot)] new_root: &[u8],
    path: Vec<Uint8Array>,
) -> Result<(), JsValue> {
    cipherchart::verify_consistency(
        integer(old_size)?,
        integer(new_size)?,
        &hash(old_root)?,
        &hash(new_root)?,
        &hashes(&path)?,
    )
    .map_err(to_js_err)
}

/// An in-memory proof chain: append signed entries, sign checkpoints, hand out receipts and
/// consistency proofs. JavaScript has no `FileStore` (no file system in a browser): the chain
/// lives in memory, and `records()` / `Chain.fromRecords()` persist it as bytes (one
/// `Uint8Array` per entry, e.g. in IndexedDB or a server), re-checked on load; `verifyAll()`
/// re-checks every signature. There is no recovery report: the records are whatever the
/// caller stored, and a bad one fails `fromRecords` with a `ChainError` naming it. Not in the
/// verify-only build.
#[cfg(feature = "full")]
#[wasm_bindgen]
#[derive(Debug)]
pub struct Chain(pub(crate) cipherchart::Chain<cipherchart::MemoryStore>);

#[cfg(feature = "full")]
impl Chain {
    /// Signs a draft as the next entry and appends it; its sequence number. Every `append…`
    /// method goes through here.
    pub(crate) fn sign_and_append_draft(
        &mut self,
        draft: cipherchart::EntryDraft,
        actor: &BlsSigningKey,
    ) -> Result<f64, JsValue> {
        self.0
            .sign_and_append(draft, &actor.0)
            .map(|i| i as f64)
            .map_err(to_js_err)
    }
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl Chain {
    /// An empty chain.
    ///
    /// # Errors
    /// Throws only if the empty in-memory store cannot be opened (it always can).
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<Chain, JsValue> {
        cipherchart::Chain::open(cipherchart::MemoryStore::new())
            .map(Self)
            .map_err(to_js_err)
    }

    /// Loads a chain from its records (`records()` output), checking that each is a valid
    /// entry at its position linking to the one before (`verifyAll()` checks signatures).
    ///
    /// # Errors
    /// Throws `ChainError` naming the first entry at fault.
    #[wasm_bindgen(js_name = fromRecords)]
    pub fn from_records(records: Vec<Uint8Array>) -> Result<Chain, JsValue> {
        let records = records.iter().map(Uint8Array::to_vec).collect();
        cipherchart::Chain::open(cipherchart::MemoryStore::from_records(records))
            .map(Self)
            .map_err(to_js_err)
    }

    /// Every entry's stored bytes, in order: what to persist (see `fromRecords`).
    pub fn records(&self) -> Vec<Uint8Array> {
        self.0
            .store()
            .records()
            .iter()
            .map(|r| Uint8Array::from(&r[..]))
            .collect()
    }

    /// The number of entries.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> f64 {
        self.0.len() as f64
    }

    /// Whether the chain has no entries.
    #[wasm_bindgen(getter, js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The last entry's hash (what the next entry links to; the genesis value when empty).
    #[wasm_bindgen(getter, js_name = lastHash)]
    pub fn last_hash(&self) -> Vec<u8> {
        self.0.last_hash().to_vec()
    }

    /// Re-checks the whole chain: every entry decodes, sits at its position, links to the one
    /// before, and every actor signature verifies.
    ///
    /// # Errors
    /// Throws `ChainError` naming the first entry at fault.
    #[wasm_bindgen(js_name = verifyAll)]
    pub fn verify_all(&self) -> Result<(), JsValue> {
        self.0.verify_all(None, &mut rng()).map_err(to_js_err)
    }

    /// As `verifyAll`, and also checks `checkpoint`'s signature by `logKey` and that the tree at
    /// its size has its root.
    ///
    /// # Errors
    /// Throws `ChainError`, or `VerificationFailed` for a bad checkpoint signature.
    #[wasm_bindgen(js_name = verifyAllAgainst)]
    pub fn verify_all_against(
        &self,
        checkpoint: &Checkpoint,
        #[wasm_bindgen(js_name = logKey)] log_key: &BlsPublicKey,
    ) -> Result<(), JsValue> {
        self.0
            .verify_all(Some((&checkpoint.0, &log_key.0)), &mut rng())
            .map_err(to_js_err)
    }

    /// The inclusion proof of entry `index` in the tree of `size` entries (the current tree
    /// when `size` is omitted).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for an index not below the size, or a size above the length.
    #[wasm_bindgen(js_name = proveInclusion)]
    pub fn prove_inclusion(
        &self,
        index: f64,
        size: Option<f64>,
    ) -> Result<InclusionProof, JsValue> {
        let size = match size {
            Some(s) => integer(s)?,
            None => self.0.len(),
        };
        self.0
            .prove_inclusion_at(integer(index)?, size)
            .map(InclusionProof)
            .map_err(to_js_err)
    }

    /// The consistency proof from the tree of `oldSize` entries to the tree of `newSize`
    /// entries (the current tree when omitted), as a `ConsistencyProof` value.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a size of 0, `oldSize` above `newSize`, or a size above
    /// the length.
    #[wasm_bindgen(js_name = proveConsistency)]
    pub fn prove_consistency(
        &self,
        #[wasm_bindgen(js_name = oldSize)] old_size: f64,
        #[wasm_bindgen(js_name = newSize)] new_size: Option<f64>,
    ) -> Result<ConsistencyProof, JsValue> {
        let new_size = match new_size {
            Some(s) => integer(s)?,
            None => self.0.len(),
        };
        self.0
            .prove_consistency_between(integer(old_size)?, new_size)
            .map(ConsistencyProof)
            .map_err(to_js_err)
    }

    /// Appends a `grant` entry recording `token` (subject: the token's id), signed by `actor`.
    /// Returns the entry's sequence number.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time.
    #[wasm_bindgen(js_name = appendGrant)]
    pub fn append_grant(
        &mut self,
        token: &ConsentToken,
        time: f64,
        actor: &BlsSigningKey,
    ) -> Result<f64, JsValue> {
        let draft = token.0.grant_entry(integer(time)?);
        self.sign_and_append_draft(draft, actor)
    }

    /// Appends a `revoke` entry revoking `token` from its last block, signed by `actor`.
    /// Returns the entry's sequence number.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time.
    #[wasm_bindgen(js_name = appendRevoke)]
    pub fn append_revoke(
        &mut self,
        token: &ConsentToken,
        time: f64,
        actor: &BlsSigningKey,
    ) -> Result<f64, JsValue> {
        let draft = token.0.revoke_entry(integer(time)?);
        self.sign_and_append_draft(draft, actor)
    }

    /// Verifies `token` as `ConsentToken.verify` does, with the revocations logged in this
    /// chain: its `revoke` entries, each counting only if signed by the token's issuer or a
    /// holder upstream of the revoked block.
    ///
    /// # Errors
    /// As `ConsentToken.verify`; `VerificationFailed` for a revoke entry with a bad signature.
    #[wasm_bindgen(js_name = verifyConsent)]
    pub fn verify_consent(
        &self,
        token: &ConsentToken,
        issuer: &BlsPublicKey,
        now: f64,
    ) -> Result<VerifiedConsent, JsValue> {
        self.0
            .verify_consent(&token.0, &issuer.0, seconds(now)?)
            .map(VerifiedConsent)
            .map_err(to_js_err)
    }

    /// The current 32-byte Merkle root.
    #[wasm_bindgen(getter)]
    pub fn root(&self) -> Vec<u8> {
        self.0.root().to_vec()
    }

    /// Appends a `create` entry for a sealed record (subject: its id, digest: SHA-256 of its
    /// `toBytes()`), signed by `actor`. Returns the entry's sequence number.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time.
    #[wasm_bindgen(js_name = appendSeal)]
    pub fn append_seal(
        &mut self,
        sealed: &SealedRecord,
        time: f64,
        actor: &BlsSigningKey,
    ) -> Result<f64, JsValue> {
        let draft = cipherchart::Entry::for_seal(&sealed.0, integer(time)?);
        self.sign_and_append_draft(draft, actor)
    }

    /// Appends a `re-encrypt` entry for a re-encrypted record (subject: its id, digest:
    /// SHA-256 of its `toBytes()`, naming the re-key's grant id), signed by `actor`. Returns
    /// the entry's sequence number.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad time.
    #[wasm_bindgen(js_name = appendReencrypt)]
    pub fn append_reencrypt(
        &mut self,
        reencrypted: &SealedRecord,
        rekey: &ReKey,
        time: f64,
        actor: &BlsSigningKey,
    ) -> Result<f64, JsValue> {
        let draft =
            cipherchart::Entry::for_reencrypt(&reencrypted.0, rekey.0.grant_id(), integer(time)?);
        self.sign_and_append_draft(draft, actor)
    }

    /// The entry at `index`.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for an index out of range.
    pub fn entry(&self, index: f64) -> Result<Entry, JsValue> {
        self.0.entry(integer(index)?).map(Entry).map_err(to_js_err)
    }

    /// Signs a checkpoint of the current tree with the log key.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad origin.
    pub fn checkpoint(
        &self,
        #[wasm_bindgen(js_name = logKey)] log_key: &BlsSigningKey,
        origin: &str,
    ) -> Result<Checkpoint, JsValue> {
        self.0
            .checkpoint(&log_key.0, origin)
            .map(Checkpoint)
            .map_err(to_js_err)
    }

    /// The receipt for entry `index` in `checkpoint`.
    ///
    /// # Errors
    /// Throws `InvalidArgument` if the index is not in the checkpointed tree.
    #[wasm_bindgen(js_name = proofFile)]
    pub fn proof_file(&self, index: f64, checkpoint: &Checkpoint) -> Result<ProofFile, JsValue> {
        self.0
            .proof_file(integer(index)?, &checkpoint.0)
            .map(ProofFile)
            .map_err(to_js_err)
    }

    /// The root of the tree of the first `size` entries.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a size above the length.
    #[wasm_bindgen(js_name = rootAt)]
    pub fn root_at(&self, size: f64) -> Result<Vec<u8>, JsValue> {
        self.0
            .root_at(integer(size)?)
            .map(|h| h.to_vec())
            .map_err(to_js_err)
    }
}
