//! Sessions for sensor series: one KEM header per session (or epoch), then many small
//! records, each sealed with its own subkey derived from the session key and the
//! record's sequence number.
//!
//! Opening record `n` needs only the session header and record `n` (and, for a format v3
//! header re-wrapped after close, record `n`'s proof under the trailer it carries:
//! [`SessionOpener::open_included`]); the costly pairing work happens once per session, in
//! [`UserKey::open_session`].
//!
//! ```
//! use cipherchart::{start_session, Authority, Policy};
//! let mut rng = rand_core::OsRng;
//! let authority = Authority::setup(&mut rng);
//! let policy = Policy::parse("role:physician or role:researcher")?;
//! let (header, mut sealer) =
//!     start_session(authority.public_key(), &policy, b"bed-12/2026-11-25", b"vitals", &mut rng)?;
//! let first = sealer.seal(b"hr", b"72 bpm")?;
//! let second = sealer.seal(b"spo2", b"98 %")?;
//!
//! let researcher = authority.issue_key(&["role:researcher"], &mut rng)?;
//! let opener = researcher.open_session(authority.public_key(), &header)?;
//! assert_eq!(opener.open(&second)?, b"98 %");
//! assert_eq!(opener.open(&first)?, b"72 bpm");
//! # Ok::<(), cipherchart::Error>(())
//! ```

use core::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hkdf::Hkdf;
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use zeroize::{ZeroizeOnDrop, Zeroizing};

use super::session_v3::{self, ItemLog, SessionV3};
use super::trailer::Trailer;
use crate::abe::core::DecryptionKey;
use crate::abe::{PublicKey, UserKey};
use crate::ct::{after_wiping_aead_stack, after_wiping_stack};
use crate::encoding::{hex_prefix, ObjectType, Reader, Writer, FORMAT_VERSION, FORMAT_VERSION_V3};
use crate::error::{EncodingError, Error, Result};
use crate::hash::dst;
use crate::policy::Policy;
use crate::record::kem::{context, decaps, derive_key, encaps, guarded, unguarded, KemHeader};
use crate::record::{MAX_METADATA_LEN, MAX_PAYLOAD_LEN, MAX_RECORD_ID_LEN};

/// Every subkey encrypts exactly one record, so a fixed nonce is safe.
const SUBKEY_NONCE: [u8; 12] = [0; 12];

/// The public header of a session: id, metadata and the KEM header.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionHeader {
    pub(super) session_id: Vec<u8>,
    pub(super) metadata: Vec<u8>,
    pub(super) header: KemHeader,
    /// The policy as given: the header is sealed under `policy and
    /// cipherchart:key-holder`, so that no re-key can transform it.
    pub(super) policy: Policy,
    /// Format v3 (sealed under a version notice, `docs/revocation-v3.md` §6): the
    /// metadata hash; `None` for format v2.
    pub(super) v3: Option<SessionV3>,
}

impl fmt::Debug for SessionHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionHeader")
            .field("session_id", &String::from_utf8_lossy(&self.session_id))
            .field("policy", &self.header.policy.policy().to_string())
            .field("header", &hex_prefix(&self.header.digest))
            .finish_non_exhaustive()
    }
}

impl SessionHeader {
    /// The session id.
    pub fn session_id(&self) -> &[u8] {
        &self.session_id
    }
    /// The session metadata (public, and authenticated: it is bound into the KEM
    /// context, so a header with changed metadata does not open).
    pub fn metadata(&self) -> &[u8] {
        &self.metadata
    }
    /// The policy of every record of the session.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The serial of the version notice a format v3 session was started under
    /// ([`start_session_with_notice`](crate::start_session_with_notice)); `None` for v2.
    pub fn notice_serial(&self) -> Option<u64> {
        self.header.notice_serial()
    }

    /// The policy's attributes with their versions, in LSSS row order (every version 0
    /// for a format v2 session). Read from the FO-bound header; the holder guard is not
    /// listed.
    pub fn attribute_versions(&self) -> Vec<(crate::policy::Attribute, u32)> {
        self.header.attribute_versions()
    }

    /// The canonical encoding (`docs/formats.md`, "Session header" and "Session header
    /// v3").
    pub fn to_bytes(&self) -> Vec<u8> {
        if let Some(v3) = &self.v3 {
            return session_v3::write_header(self, v3);
        }
        let mut w = Writer::new(ObjectType::SessionHeader);
        w.bytes(&self.session_id);
        w.bytes(&self.metadata);
        self.header.write(&mut w);
        w.finish()
    }

    /// Decodes and validates a session header (format v2 or v3).
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`] for any malformed input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (mut r, version) = Reader::new_at(
            bytes,
            ObjectType::SessionHeader,
            &[FORMAT_VERSION, FORMAT_VERSION_V3],
        )?;
        if version == FORMAT_VERSION_V3 {
            return session_v3::read_header(r);
        }
        let session_id = r.bytes(MAX_RECORD_ID_LEN)?.to_vec();
        let metadata = r.bytes(MAX_METADATA_LEN)?.to_vec();
        let header = KemHeader::read(&mut r)?;
        r.finish()?;
        let policy = unguarded(header.policy.policy())?;
        Ok(Self {
            session_id,
            metadata,
            header,
            policy,
            v3: None,
        })
    }

    /// A digest that identifies this session header; records carry nothing else that
    /// links them to it, so keep headers and records together by this handle.
    pub fn digest(&self) -> [u8; 32] {
        self.header.digest
    }

    /// The key id of the authority whose public key sealed the header.
    pub fn authority(&self) -> [u8; 32] {
        self.header.authority
    }

    /// The trailer a format v3 header re-wrapped after close carries
    /// ([`Authority::rewrap_session`](crate::Authority::rewrap_session)): its records
    /// open only with a proof of inclusion under the trailer's root
    /// ([`SessionOpener::open_included`], [`SessionOpener::open_all`]). `None` for a
    /// session as started, and for format v2.
    pub fn trailer(&self) -> Option<&Trailer> {
        self.v3.as_ref().and_then(|v3| v3.trailer.as_ref())
    }

    /// Whether the header is format v3.
    pub(super) fn is_v3(&self) -> bool {
        self.v3.is_some()
    }

    pub(super) fn context(&self) -> Vec<u8> {
        match &self.v3 {
            Some(v3) => session_v3::header_context(&self.session_id, v3, &self.header),
            None => session_context(&self.session_id, &self.metadata),
        }
    }
}

/// The KEM context of a session: binds the header to the session id and to the
/// session metadata (the header has no AEAD of its own, so this is what authenticates
/// the metadata: a relabelled header fails the FO check).
fn session_context(session_id: &[u8], metadata: &[u8]) -> Vec<u8> {
    context(b"session", &[session_id, metadata])
}

/// One record of a session: its sequence number, public metadata and ciphertext.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The format version of the session it belongs to (2 or 3): an opener refuses a
    /// record of the other format.
    version: u8,
    sequence: u64,
    metadata: Vec<u8>,
    body: Vec<u8>,
}

impl fmt::Debug for SessionRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionRecord")
            .field("sequence", &self.sequence)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl SessionRecord {
    /// The record's sequence number in its session (0, 1, 2, …).
    pub fn sequence(&self) -> u64 {
        self.sequence
    }
    /// The record's public metadata.
    pub fn metadata(&self) -> &[u8] {
        &self.metadata
    }

    /// The canonical encoding (`docs/formats.md`, "SessionRecord"; version 3 for a record
    /// of a v3 session, with the same fields).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::at_version(ObjectType::SessionRecord, self.version);
        w.u64(self.sequence);
        w.bytes(&self.metadata);
        w.bytes(&self.body);
        w.finish()
    }

    /// Decodes a session record.
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`] for any malformed input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (mut r, version) = Reader::new_at(
            bytes,
            ObjectType::SessionRecord,
            &[FORMAT_VERSION, FORMAT_VERSION_V3],
        )?;
        let sequence = r.u64()?;
        let metadata = r.bytes(MAX_METADATA_LEN)?.to_vec();
        let body = r.bytes(MAX_PAYLOAD_LEN + 16)?.to_vec();
        if body.len() < 16 {
            return Err(EncodingError::BadLength.into());
        }
        r.finish()?;
        Ok(Self {
            version,
            sequence,
            metadata,
            body,
        })
    }
}

/// The per-record key and associated data, derived from the session key.
struct RecordKeys {
    key: Zeroizing<[u8; 32]>,
    ad: [u8; 32],
}

/// What a record's AD binds besides its sequence number and metadata.
#[derive(Clone)]
pub(super) enum AdBinding {
    /// Format v2: the session header's digest.
    V2 { header_digest: [u8; 32] },
    /// Format v3 (§6.1): the session id and the key commitment, not the header digest,
    /// so a re-wrapped header keeps every record valid.
    V3 {
        session_id: Vec<u8>,
        key_commitment: [u8; 32],
    },
}

/// The session secret shared by sealer and opener: the v2 session key, or the v3
/// session's `K_body` (§6.1).
#[derive(ZeroizeOnDrop)]
pub(super) struct SessionSecret {
    pub(super) key: [u8; 32],
    #[zeroize(skip)]
    pub(super) binding: AdBinding,
}

impl SessionSecret {
    /// The secret of a session header, decapsulated with `key` (a user's, or the
    /// authority's one-session key in a catch-up).
    pub(super) fn open<K: DecryptionKey + ?Sized>(
        key: &K,
        pk: &PublicKey,
        header: &SessionHeader,
    ) -> Result<Self> {
        let ctx = header.context();
        let seed = decaps(key, pk, &header.header, &ctx)?;
        match &header.v3 {
            Some(_) => session_v3::open_secret(header, &seed, &ctx),
            None => Ok(SessionSecret {
                key: *derive_key(&seed, &header.header, &ctx, b"session-key"),
                binding: AdBinding::V2 {
                    header_digest: header.header.digest,
                },
            }),
        }
    }

    /// Seals record `sequence` (its number is the caller's to keep unique).
    pub(super) fn seal_record(
        &self,
        sequence: u64,
        metadata: &[u8],
        payload: &[u8],
    ) -> Result<SessionRecord> {
        if metadata.len() > MAX_METADATA_LEN || payload.len() > MAX_PAYLOAD_LEN {
            return Err(Error::InvalidArgument("metadata or payload too long"));
        }
        let keys = self.record_keys(sequence, metadata);
        let cipher = ChaCha20Poly1305::new(Key::from_slice(keys.key.as_ref()));
        let body = cipher
            .encrypt(
                Nonce::from_slice(&SUBKEY_NONCE),
                Payload {
                    msg: payload,
                    aad: &keys.ad,
                },
            )
            .map_err(|_| Error::InvalidArgument("payload too long"))?;
        Ok(SessionRecord {
            version: self.version(),
            sequence,
            metadata: metadata.to_vec(),
            body,
        })
    }

    /// Opens one record of this session.
    pub(super) fn open_record(&self, record: &SessionRecord) -> Result<Vec<u8>> {
        // A record of a session of the other format is never this session's.
        if record.version != self.version() {
            return Err(Error::DecryptionFailed);
        }
        let keys = self.record_keys(record.sequence, &record.metadata);
        let cipher = ChaCha20Poly1305::new(Key::from_slice(keys.key.as_ref()));
        cipher
            .decrypt(
                Nonce::from_slice(&SUBKEY_NONCE),
                Payload {
                    msg: &record.body,
                    aad: &keys.ad,
                },
            )
            .map_err(|_| Error::DecryptionFailed)
    }

    fn version(&self) -> u8 {
        match self.binding {
            AdBinding::V2 { .. } => FORMAT_VERSION,
            AdBinding::V3 { .. } => FORMAT_VERSION_V3,
        }
    }

    /// A short public handle of the session for `Debug`.
    fn handle(&self) -> [u8; 32] {
        match &self.binding {
            AdBinding::V2 { header_digest } => *header_digest,
            AdBinding::V3 { key_commitment, .. } => *key_commitment,
        }
    }

    fn record_keys(&self, sequence: u64, metadata: &[u8]) -> RecordKeys {
        let hk = Hkdf::<Sha256>::new(Some(dst::SESSION_SUBKEY), &self.key);
        let mut key = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF's limit, so expand cannot fail.
        let _ = hk.expand(&sequence.to_be_bytes(), key.as_mut());
        let mut h = Sha256::new();
        match &self.binding {
            AdBinding::V2 { header_digest } => {
                h.update(dst::SESSION_AD);
                h.update(header_digest);
            }
            AdBinding::V3 {
                session_id,
                key_commitment,
            } => {
                h.update(dst::SESSION_AD_V3);
                h.update((session_id.len() as u32).to_be_bytes());
                h.update(session_id);
                h.update(key_commitment);
            }
        }
        h.update(sequence.to_be_bytes());
        h.update((metadata.len() as u32).to_be_bytes());
        h.update(metadata);
        RecordKeys {
            key,
            ad: h.finalize().into(),
        }
    }
}

/// Seals the records of one session. Holds the session key (zeroized on drop) and the
/// next sequence number; sequence numbers never repeat.
pub struct SessionSealer {
    pub(super) secret: SessionSecret,
    pub(super) next_sequence: u64,
    /// Format v3: the root over the records sealed so far, for the trailer.
    pub(super) items: Option<ItemLog>,
    /// Set by [`close`](Self::close): no record is sealed after it.
    pub(super) closed: bool,
}

impl fmt::Debug for SessionSealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionSealer")
            .field("next_sequence", &self.next_sequence)
            .finish_non_exhaustive()
    }
}

/// Starts a session: one KEM header under `policy`, and a sealer for its records.
///
/// # Errors
/// [`Error::InvalidArgument`] for an oversized id or metadata.
pub fn start_session<R: RngCore + CryptoRng + ?Sized>(
    pk: &PublicKey,
    policy: &Policy,
    session_id: &[u8],
    metadata: &[u8],
    rng: &mut R,
) -> Result<(SessionHeader, SessionSealer)> {
    after_wiping_stack(|| {
        if session_id.len() > MAX_RECORD_ID_LEN || metadata.len() > MAX_METADATA_LEN {
            return Err(Error::InvalidArgument("session id or metadata too long"));
        }
        let ctx = session_context(session_id, metadata);
        // Sealed under `P and cipherchart:key-holder`: no re-key can transform the header.
        let (header, seed) = encaps(pk, &guarded(policy)?, &ctx, rng)?;
        let key = derive_key(&seed, &header, &ctx, b"session-key");
        let secret = SessionSecret {
            key: *key,
            binding: AdBinding::V2 {
                header_digest: header.digest,
            },
        };
        let header = SessionHeader {
            session_id: session_id.to_vec(),
            metadata: metadata.to_vec(),
            header,
            policy: policy.clone(),
            v3: None,
        };
        Ok((
            header,
            SessionSealer {
                secret,
                next_sequence: 0,
                items: None,
                closed: false,
            },
        ))
    })
}

impl SessionSealer {
    /// Seals the next record of the session.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for oversized metadata or payload, or when the
    /// sequence numbers are exhausted.
    pub fn seal(&mut self, metadata: &[u8], payload: &[u8]) -> Result<SessionRecord> {
        after_wiping_aead_stack(|| {
            if self.closed {
                return Err(Error::InvalidArgument("the session is closed"));
            }
            let sequence = self.next_sequence;
            let next = sequence
                .checked_add(1)
                .ok_or(Error::InvalidArgument("session exhausted"))?;
            let record = self.secret.seal_record(sequence, metadata, payload)?;
            self.next_sequence = next;
            if let Some(items) = &mut self.items {
                items.push(&record.to_bytes());
            }
            Ok(record)
        })
    }

    /// The trailer of a format v3 session over the records sealed so far
    /// (`docs/formats.md`, "Trailer (v3)"): the header's digest and key commitment, the
    /// number of records and the RFC 6962 root of their digests. Computed as records are
    /// sealed (in memory logarithmic in their number); no secret is in it. When the
    /// session is closed, log it ([`Entry::for_session_close`](crate::Entry::for_session_close)):
    /// that entry is what lets the authority re-wrap the header at a later revocation
    /// ([`Authority::rewrap_session`](crate::Authority::rewrap_session)).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a format v2 session (it has no trailer: its catch-up
    /// is [`Authority::reencrypt_session`](crate::Authority::reencrypt_session)).
    pub fn trailer(&self) -> Result<Trailer> {
        self.items
            .as_ref()
            .map(ItemLog::trailer)
            .ok_or(Error::InvalidArgument(
                "a format v2 session has no trailer: re-encrypt it",
            ))
    }

    /// Closes a format v3 session: no record is sealed after this (`seal` is
    /// [`Error::InvalidArgument`]), and the returned trailer, over every record it sealed,
    /// is the one to log ([`Entry::for_session_close`](crate::Entry::for_session_close)).
    /// A trailer taken with [`trailer`](Self::trailer) while the session goes on covers
    /// only the records so far; closing makes the logged trailer the session's last word.
    /// Closing again returns the same trailer.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a format v2 session (it has no trailer; it stays
    /// open).
    pub fn close(&mut self) -> Result<Trailer> {
        let trailer = self.trailer()?;
        self.closed = true;
        Ok(trailer)
    }

    /// The sequence number the next record will get.
    pub fn next_sequence(&self) -> u64 {
        self.next_sequence
    }
}

/// Opens the records of one session, after one decapsulation.
pub struct SessionOpener {
    pub(super) secret: SessionSecret,
    /// The trailer of a header re-wrapped after close: every record is checked against
    /// its root.
    pub(super) trailer: Option<Trailer>,
}

impl fmt::Debug for SessionOpener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionOpener")
            .field("session", &hex_prefix(&self.secret.handle()))
            .finish_non_exhaustive()
    }
}

// `open_session` lives with the session format, not in `abe`: it derives the session's
// keys; the key only decapsulates the header.
impl UserKey {
    /// Decapsulates a session header once; the returned opener opens its records.
    ///
    /// # Errors
    /// [`Error::PolicyNotSatisfied`] if the key does not satisfy the session's policy,
    /// [`Error::DecryptionFailed`] for a tampered header.
    pub fn open_session(&self, pk: &PublicKey, header: &SessionHeader) -> Result<SessionOpener> {
        after_wiping_stack(|| {
            Ok(SessionOpener {
                secret: SessionSecret::open(&*self.material, pk, header)?,
                trailer: header.trailer().cloned(),
            })
        })
    }
}

impl SessionOpener {
    /// Opens one record of the session.
    ///
    /// # Errors
    /// [`Error::DecryptionFailed`] for a record of another session or any tampering
    /// (including a changed sequence number or metadata); [`Error::InvalidArgument`] for
    /// a session whose header was re-wrapped after close (it carries a trailer): its
    /// records open with a proof ([`open_included`](Self::open_included)) or all together
    /// ([`open_all`](Self::open_all)), so records forged by someone who kept the old
    /// session key are refused.
    pub fn open(&self, record: &SessionRecord) -> Result<Vec<u8>> {
        if self.trailer.is_some() {
            return Err(Error::InvalidArgument(
                "a re-wrapped session's records open with a proof: use open_included or open_all",
            ));
        }
        after_wiping_aead_stack(|| self.secret.open_record(record))
    }
}
