//! Offline proof files: the receipt a patient, a pharmacist or an auditor keeps.

use core::fmt;

use super::checkpoint::MAX_NOTE_LEN;
use super::{Checkpoint, Entry, InclusionProof};
use crate::encoding::base64::{self, Alphabet};
use crate::encoding::{ObjectType, Reader, Writer};
use crate::error::{EncodingError, Error, Result};
use crate::sig::BlsPublicKey;

/// The longest entry encoding a proof file carries.
const MAX_ENTRY_BYTES: usize = 4 + 1 + 8 + 32 + 8 + 48 + 2 + 4 + 1024 + 32 + 4 + 65536 + 96;

/// The first line of the C2SP tlog-proof text form.
const TLOG_PROOF_V1: &str = "c2sp.org/tlog-proof@v1";

/// A self-contained, offline-verifiable receipt: a signed checkpoint, an entry and the
/// audit path from the entry's leaf to the checkpoint's root.
///
/// Whoever trusts the log's public key checks it with [`ProofFile::verify`] and needs
/// nothing else: no network, no copy of the log. Three encodings:
/// - binary, [`ProofFile::to_bytes`] (tag `0x32`, `docs/formats.md`);
/// - compact text, [`ProofFile::to_text`]: the binary in unpadded base64url, one line
///   without spaces, for a QR code (≈ 1.6 KB for a million-entry log);
/// - the C2SP tlog-proof text, [`ProofFile::to_tlog_proof`], readable by
///   transparency-log tooling (the entry travels in its `extra` line).
#[derive(Clone)]
pub struct ProofFile {
    checkpoint: Checkpoint,
    entry: Entry,
    proof: InclusionProof,
}

impl fmt::Debug for ProofFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProofFile")
            .field("origin", &self.checkpoint.origin())
            .field("size", &self.checkpoint.size())
            .field("entry", &self.entry)
            .finish_non_exhaustive()
    }
}

impl ProofFile {
    /// Bundles the parts, checking that they belong together (the proof is for the
    /// entry's sequence number and the checkpoint's size). Nothing cryptographic is
    /// checked here; see [`ProofFile::verify`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if the proof's index is not the entry's sequence or
    /// its size is not the checkpoint's.
    pub fn new(checkpoint: Checkpoint, entry: Entry, proof: InclusionProof) -> Result<Self> {
        if proof.index != entry.sequence() || proof.size != checkpoint.size() {
            return Err(Error::InvalidArgument(
                "the proof is not for this entry at this checkpoint",
            ));
        }
        Ok(Self {
            checkpoint,
            entry,
            proof,
        })
    }

    /// The checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The entry (not verified until [`ProofFile::verify`] says so).
    pub fn entry(&self) -> &Entry {
        &self.entry
    }

    /// The audit path.
    pub fn proof(&self) -> &InclusionProof {
        &self.proof
    }

    /// Verifies everything offline: the log's signature on the checkpoint, the actor's
    /// signature on the entry, and the entry's inclusion at its sequence number in the
    /// checkpointed tree. Returns the entry, now trustworthy.
    ///
    /// # Errors
    ///
    /// [`Error::VerificationFailed`] if any check fails.
    pub fn verify(&self, log_key: &BlsPublicKey) -> Result<&Entry> {
        self.checkpoint.verify(log_key)?;
        self.entry.verify_signature()?;
        if self.proof.index != self.entry.sequence() || self.proof.size != self.checkpoint.size() {
            return Err(Error::VerificationFailed);
        }
        self.proof
            .verify(&self.entry.leaf_hash(), self.checkpoint.root())
            .map_err(|_| Error::VerificationFailed)?;
        Ok(&self.entry)
    }

    /// The binary form: header `43 43 32 01`, `entry: bytes` (the entry's own encoding),
    /// `index: u64`, `size: u64`, `path: list<fixed[32]>(≤ 65)`, `checkpoint: text`
    /// (the signed note).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(ObjectType::InclusionProof);
        w.bytes(&self.entry.to_bytes());
        self.proof.write(&mut w);
        w.text(&self.checkpoint.to_note());
        w.finish()
    }

    /// Decodes [`ProofFile::to_bytes`] (and checks that the parts belong together).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`], or [`Error::InvalidArgument`] as [`ProofFile::new`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, ObjectType::InclusionProof)?;
        let entry = Entry::from_bytes(r.bytes(MAX_ENTRY_BYTES)?)?;
        let proof = InclusionProof::read(&mut r)?;
        let checkpoint = Checkpoint::from_note(r.text(MAX_NOTE_LEN)?)?;
        r.finish()?;
        Self::new(checkpoint, entry, proof)
    }

    /// The compact text form: [`ProofFile::to_bytes`] in unpadded base64url.
    pub fn to_text(&self) -> String {
        base64::encode(&self.to_bytes(), Alphabet::UrlNoPad)
    }

    /// Decodes [`ProofFile::to_text`].
    ///
    /// # Errors
    ///
    /// `InvalidEncoding(InvalidText)` for text that is not canonical base64url, then as
    /// [`ProofFile::from_bytes`].
    pub fn from_text(text: &str) -> Result<Self> {
        Self::from_bytes(&base64::decode(text, Alphabet::UrlNoPad)?)
    }

    /// The C2SP tlog-proof v1 text: `c2sp.org/tlog-proof@v1`, `extra <base64 entry>`,
    /// `index <n>`, one base64 hash per line of the audit path, a blank line, the
    /// checkpoint note.
    pub fn to_tlog_proof(&self) -> String {
        let mut t = format!(
            "{TLOG_PROOF_V1}\nextra {}\nindex {}\n",
            base64::encode(&self.entry.to_bytes(), Alphabet::Standard),
            self.proof.index
        );
        for h in &self.proof.path {
            t.push_str(&base64::encode(h, Alphabet::Standard));
            t.push('\n');
        }
        t.push('\n');
        t.push_str(&self.checkpoint.to_note());
        t
    }

    /// Parses [`ProofFile::to_tlog_proof`] (the `extra` line, holding the entry, is
    /// required here).
    ///
    /// # Errors
    ///
    /// `InvalidEncoding(InvalidText)` for anything malformed, `BadLength` for a path
    /// of more than 65 hashes; then as [`ProofFile::new`].
    pub fn from_tlog_proof(text: &str) -> Result<Self> {
        let bad = || Error::from(EncodingError::InvalidText);
        let (head, note) = text.split_once("\n\n").ok_or_else(bad)?;
        let mut lines = head.split('\n');
        if lines.next() != Some(TLOG_PROOF_V1) {
            return Err(bad());
        }
        let extra = lines
            .next()
            .and_then(|l| l.strip_prefix("extra "))
            .ok_or_else(bad)?;
        let entry_bytes = base64::decode(extra, Alphabet::Standard)?;
        if entry_bytes.len() > MAX_ENTRY_BYTES {
            return Err(EncodingError::BadLength.into());
        }
        let entry = Entry::from_bytes(&entry_bytes)?;
        let index = lines
            .next()
            .and_then(|l| l.strip_prefix("index "))
            .ok_or_else(bad)?;
        if index.is_empty()
            || (index.len() > 1 && index.starts_with('0'))
            || !index.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let index: u64 = index.parse().map_err(|_| bad())?;
        let mut path = Vec::new();
        for l in lines {
            if path.len() == super::merkle::MAX_PROOF_HASHES {
                return Err(EncodingError::BadLength.into());
            }
            let h = base64::decode(l, Alphabet::Standard)?;
            path.push(h.try_into().map_err(|_| bad())?);
        }
        let checkpoint = Checkpoint::from_note(note)?;
        let size = checkpoint.size();
        Self::new(checkpoint, entry, InclusionProof { index, size, path })
    }
}
