//! Signed checkpoints in the C2SP `tlog-checkpoint` / `signed-note` text format.
//!
//! ```text
//! hospital.example/log
//! 1024
//! 2Yc3…base64 root…=
//!
//! — hospital.example/log AAECAw…base64(key id ‖ BLS signature)…
//! ```
//!
//! The note text is the origin, the tree size in decimal and the base64 root, each on
//! its own line (then optional extension lines). The log signs it with BLS (min-pk) —
//! not one of the signed-note types, so per the spec it uses the type byte `0xff`
//! followed by a longer identifier, our tag `CIPHERCHART-V01-CHECKPOINT-SIG`:
//!
//! - key id = `SHA-256(key name ‖ 0x0A ‖ 0xff ‖ "CIPHERCHART-V01-CHECKPOINT-SIG" ‖
//!   48-byte public key)[..4]`;
//! - signature = BLS over `u32 len ‖ "CIPHERCHART-V01-CHECKPOINT-SIG" ‖ note text`,
//!   so a checkpoint signature can never be replayed as an entry or consent signature
//!   made with the same key;
//! - the signature line carries `base64(key id ‖ 96-byte signature)`.
//!
//! The key name is the origin (the spec's recommendation). Other signature lines (a
//! witness's cosignature, a second log key) are kept and ignored by
//! [`Checkpoint::verify`], as the spec requires.

use core::fmt;

use sha2::{Digest, Sha256};

use super::merkle::Hash;
use crate::encoding::base64::{self, Alphabet};
use crate::encoding::{ObjectType, Reader, Writer};
use crate::error::{EncodingError, Error, Result};
use crate::hash::dst;
use crate::sig::{BlsPublicKey, BlsSignature, BlsSigningKey};

/// The longest note (text and signatures) accepted.
pub const MAX_NOTE_LEN: usize = 65536;

/// The most signature lines accepted in one note (the spec asks for at least 16).
pub const MAX_NOTE_SIGNATURES: usize = 64;

/// The signed-note signature type byte for algorithms the spec does not assign.
const SIGNATURE_TYPE: u8 = 0xff;

/// One signature line of a note: `— <key name> base64(key id ‖ signature)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub key_name: String,
    /// The 4-byte key id.
    pub key_id: [u8; 4],
    /// The signature bytes after the key id.
    pub signature: Vec<u8>,
}

/// A checkpoint: the log's origin, a tree size and the root at that size, signed by the
/// log. What a ledger anchors and what an auditor compares.
///
/// ```
/// use cipherchart::{Checkpoint, EMPTY_ROOT};
/// use cipherchart::BlsSigningKey;
/// let log_key = BlsSigningKey::generate(&mut rand_core::OsRng);
/// let cp = Checkpoint::sign("hospital.example/log", 0, EMPTY_ROOT, &log_key)?;
/// let note = cp.to_note();
/// assert!(note.starts_with("hospital.example/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n— hospital.example/log "));
/// Checkpoint::from_note(&note)?.verify(&log_key.public_key())?;
/// # Ok::<(), cipherchart::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
    signatures: Vec<NoteSignature>,
}

impl fmt::Debug for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checkpoint")
            .field("origin", &self.origin)
            .field("size", &self.size)
            .field("root", &base64::encode(&self.root, Alphabet::Standard))
            .field("signatures", &self.signatures.len())
            .finish_non_exhaustive()
    }
}

/// The key id of a BLS log key under `key_name` (see the module documentation).
pub fn key_id(key_name: &str, key: &BlsPublicKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(key_name.as_bytes());
    h.update([0x0a, SIGNATURE_TYPE]);
    h.update(dst::CHECKPOINT_SIG);
    h.update(key.to_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// A signed-note key name: non-empty, no Unicode white space, no `+`, no control
/// characters.
fn valid_key_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c.is_control())
}

/// The message the log's BLS key signs for a note text.
fn signed_message(text: &str) -> Vec<u8> {
    let mut w = Writer::raw();
    w.bytes(dst::CHECKPOINT_SIG);
    w.fixed(text.as_bytes());
    w.finish()
}

impl Checkpoint {
    /// Signs the checkpoint `(origin, size, root)` with the log key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `origin` is not a valid key name (empty, or with
    /// white space, `+` or control characters) or longer than 255 bytes.
    pub fn sign(origin: &str, size: u64, root: Hash, log_key: &BlsSigningKey) -> Result<Self> {
        if !valid_key_name(origin) || origin.len() > 255 {
            return Err(Error::InvalidArgument(
                "checkpoint origin must be 1-255 bytes without spaces, '+' or control characters",
            ));
        }
        let mut cp = Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
            signatures: Vec::new(),
        };
        let sig = log_key.sign(&signed_message(&cp.note_text()));
        cp.signatures.push(NoteSignature {
            key_name: cp.origin.clone(),
            key_id: key_id(&cp.origin, &log_key.public_key()),
            signature: sig.to_bytes().to_vec(),
        });
        Ok(cp)
    }

    /// The log's origin (first line).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The tree size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root of the tree at that size.
    pub fn root(&self) -> &Hash {
        &self.root
    }

    /// Extension lines (none in checkpoints this library signs).
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// Every signature line, the log's and any others.
    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }

    /// Checks the log's signature: the lines named `origin` with the key id of
    /// `log_key` must all verify, and there must be at least one. Other lines are
    /// ignored.
    ///
    /// # Errors
    ///
    /// [`Error::VerificationFailed`].
    pub fn verify(&self, log_key: &BlsPublicKey) -> Result<()> {
        let id = key_id(&self.origin, log_key);
        let msg = signed_message(&self.note_text());
        let mut verified = false;
        for s in self
            .signatures
            .iter()
            .filter(|s| s.key_name == self.origin && s.key_id == id)
        {
            let sig =
                BlsSignature::from_bytes(&s.signature).map_err(|_| Error::VerificationFailed)?;
            log_key.verify(&msg, &sig)?;
            verified = true;
        }
        if verified {
            Ok(())
        } else {
            Err(Error::VerificationFailed)
        }
    }

    /// The note text that is signed: origin, size and root lines, extension lines.
    pub fn note_text(&self) -> String {
        let mut t = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            base64::encode(&self.root, Alphabet::Standard)
        );
        for e in &self.extensions {
            t.push_str(e);
            t.push('\n');
        }
        t
    }

    /// The signed note: the text, a blank line, the signature lines.
    pub fn to_note(&self) -> String {
        let mut t = self.note_text();
        t.push('\n');
        for s in &self.signatures {
            let mut blob = s.key_id.to_vec();
            blob.extend_from_slice(&s.signature);
            t.push_str("\u{2014} ");
            t.push_str(&s.key_name);
            t.push(' ');
            t.push_str(&base64::encode(&blob, Alphabet::Standard));
            t.push('\n');
        }
        t
    }

    /// Parses a signed note strictly (the signatures are checked by
    /// [`Checkpoint::verify`]). `from_note(n).to_note() == n` for every accepted `n`.
    ///
    /// # Errors
    ///
    /// `InvalidEncoding(InvalidText)` for anything that is not a well-formed checkpoint
    /// note (control characters, missing blank line, malformed signature line, size
    /// with a leading zero or beyond `u64`, a root that is not 32 bytes in canonical
    /// base64), `BadLength` beyond [`MAX_NOTE_LEN`] or [`MAX_NOTE_SIGNATURES`].
    pub fn from_note(note: &str) -> Result<Self> {
        let bad = || Error::from(EncodingError::InvalidText);
        if note.len() > MAX_NOTE_LEN {
            return Err(EncodingError::BadLength.into());
        }
        if note.chars().any(|c| c.is_control() && c != '\n') || !note.ends_with('\n') {
            return Err(bad());
        }
        // The text ends at the last blank line; its final newline belongs to it.
        let split = note.rfind("\n\n").ok_or_else(bad)?;
        let (text, sigs) = (&note[..=split], &note[split + 2..]);
        let lines: Vec<&str> = sigs.split_terminator('\n').collect();
        if lines.is_empty() {
            return Err(bad());
        }
        if lines.len() > MAX_NOTE_SIGNATURES {
            return Err(EncodingError::BadLength.into());
        }
        let signatures = lines
            .into_iter()
            .map(|line| {
                let rest = line.strip_prefix("\u{2014} ").ok_or_else(bad)?;
                let (name, b64) = rest.split_once(' ').ok_or_else(bad)?;
                if !valid_key_name(name) {
                    return Err(bad());
                }
                let blob = base64::decode(b64, Alphabet::Standard)?;
                let (id, sig) = blob.split_first_chunk::<4>().ok_or_else(bad)?;
                if sig.is_empty() {
                    return Err(bad());
                }
                Ok(NoteSignature {
                    key_name: name.to_owned(),
                    key_id: *id,
                    signature: sig.to_vec(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut lines = text.split_terminator('\n');
        let origin = lines.next().filter(|o| !o.is_empty()).ok_or_else(bad)?;
        let size = lines.next().ok_or_else(bad)?;
        if size.is_empty()
            || (size.len() > 1 && size.starts_with('0'))
            || !size.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let size: u64 = size.parse().map_err(|_| bad())?;
        let root = base64::decode(lines.next().ok_or_else(bad)?, Alphabet::Standard)?;
        let root: Hash = root.try_into().map_err(|_| bad())?;
        let extensions = lines
            .map(|l| {
                if l.is_empty() {
                    Err(bad())
                } else {
                    Ok(l.to_owned())
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
            signatures,
        })
    }

    /// The binary form (tag `0x31`): the header, then the note as a `bytes` field.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(ObjectType::Checkpoint);
        w.text(&self.to_note());
        w.finish()
    }

    /// Decodes [`Checkpoint::to_bytes`].
    ///
    /// # Errors
    ///
    /// As [`Checkpoint::from_note`], and the common rules.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, ObjectType::Checkpoint)?;
        let note = r.text(MAX_NOTE_LEN)?;
        r.finish()?;
        Self::from_note(note)
    }
}
