//! Sealed records: an FO-KEM header wrapping a one-time key, and a ChaCha20-Poly1305
//! body whose associated data binds the header, the record id and the metadata.

use core::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};

use crate::abe::PublicKey;
use crate::ct::after_wiping_stack;
use crate::encoding::{hex_prefix, ObjectType, Reader, Writer, FORMAT_VERSION, FORMAT_VERSION_V3};
use crate::error::{Error, Result};
use crate::hash::dst;
use crate::policy::{Policy, VersionedPolicy};
use crate::record::hop::{open_cost_bound, Hop, MAX_HOPS, MAX_RECORD_OPEN_COST};
use crate::record::kem::{context, derive_key, encaps, names_guard, refuse_guard, KemHeader};

/// The longest record id, in bytes.
pub const MAX_RECORD_ID_LEN: usize = 1024;
/// The longest metadata, in bytes.
pub const MAX_METADATA_LEN: usize = 64 * 1024;
/// The largest payload of one sealed record (use [`crate::stream`] beyond).
pub const MAX_PAYLOAD_LEN: usize = u32::MAX as usize - 16;

/// The AEAD key of a record is used for exactly one message, so a fixed nonce is safe.
const RECORD_NONCE: [u8; 12] = [0; 12];

/// A record sealed under a policy: readable metadata, a KEM header and an
/// authenticated ciphertext.
///
/// The policy, record id and metadata are public (anyone can read them); the payload
/// opens only for keys whose attributes satisfy the policy.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedRecord {
    pub(crate) record_id: Vec<u8>,
    pub(crate) metadata: Vec<u8>,
    pub(crate) header: KemHeader,
    pub(crate) body: Vec<u8>,
    /// The body commitment of a v3 record (`docs/revocation-v3.md` §5.1); `None` for v2.
    /// `Some` exactly when the header is a v3 header with an envelope.
    pub(crate) body_commitment: Option<[u8; 32]>,
    /// Re-encryption hops, oldest first (empty for a record as sealed). Only this module
    /// writes them: `pre` reads them with [`hops`](Self::hops) and adds one with
    /// [`with_hop`](Self::with_hop).
    pub(super) hops: Vec<Hop>,
}

impl fmt::Debug for SealedRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedRecord")
            .field("record_id", &String::from_utf8_lossy(&self.record_id))
            .field("policy", &self.header.policy.policy().to_string())
            .field("header", &hex_prefix(&self.header.digest))
            .field("body_len", &self.body.len())
            .field("hops", &self.hops)
            .finish_non_exhaustive()
    }
}

/// The KEM context of a record: binds the header to the record id.
pub(crate) fn record_context(record_id: &[u8]) -> Vec<u8> {
    context(b"record", &[record_id])
}

/// The AEAD associated data: header digest, record id, format version and metadata,
/// each length-prefixed under the record tag.
fn associated_data(header: &KemHeader, record_id: &[u8], metadata: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(dst::RECORD_AD);
    h.update([FORMAT_VERSION]);
    h.update(header.digest);
    h.update((record_id.len() as u32).to_be_bytes());
    h.update(record_id);
    h.update((metadata.len() as u32).to_be_bytes());
    h.update(metadata);
    h.finalize().into()
}

pub(super) fn check_lengths(record_id: &[u8], metadata: &[u8], payload_len: usize) -> Result<()> {
    if record_id.len() > MAX_RECORD_ID_LEN {
        return Err(Error::InvalidArgument(
            "record id longer than MAX_RECORD_ID_LEN",
        ));
    }
    if metadata.len() > MAX_METADATA_LEN {
        return Err(Error::InvalidArgument(
            "metadata longer than MAX_METADATA_LEN",
        ));
    }
    if payload_len > MAX_PAYLOAD_LEN {
        return Err(Error::InvalidArgument(
            "payload longer than MAX_PAYLOAD_LEN; use a stream",
        ));
    }
    Ok(())
}

/// Seals `payload` under `policy` for the authority whose public key is `pk`.
///
/// `record_id` and `metadata` stay readable and are authenticated. A fresh key is
/// drawn for every call, so sealing the same payload twice gives unrelated records.
///
/// ```
/// use cipherchart::{seal, Authority, Policy};
/// let mut rng = rand_core::OsRng;
/// let authority = Authority::setup(&mut rng);
/// let policy = Policy::parse("patient:42 or (role:physician and dept:cardiology)")?;
/// let sealed = seal(authority.public_key(), &policy, b"rec-1", b"ecg", b"sinus rhythm", &mut rng)?;
/// let doctor = authority.issue_key(&["role:physician", "dept:cardiology"], &mut rng)?;
/// assert_eq!(doctor.open(authority.public_key(), &sealed)?, b"sinus rhythm");
/// # Ok::<(), cipherchart::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if the record id, metadata or payload exceed their bounds;
/// [`Error::InvalidAttribute`] if the policy names the reserved
/// `cipherchart:key-holder`.
pub fn seal<R: RngCore + CryptoRng + ?Sized>(
    pk: &PublicKey,
    policy: &Policy,
    record_id: &[u8],
    metadata: &[u8],
    payload: &[u8],
    rng: &mut R,
) -> Result<SealedRecord> {
    after_wiping_stack(|| {
        check_lengths(record_id, metadata, payload.len())?;
        refuse_guard(policy)?;
        let ctx = record_context(record_id);
        let (header, seed) = encaps(pk, policy, &ctx, rng)?;
        let key = derive_key(&seed, &header, &ctx, b"record-aead");
        let ad = associated_data(&header, record_id, metadata);
        let cipher = ChaCha20Poly1305::new(Key::from_slice(key.as_ref()));
        let body = cipher
            .encrypt(
                Nonce::from_slice(&RECORD_NONCE),
                Payload {
                    msg: payload,
                    aad: &ad,
                },
            )
            .map_err(|_| Error::InvalidArgument("payload too long"))?;
        Ok(SealedRecord {
            record_id: record_id.to_vec(),
            metadata: metadata.to_vec(),
            header,
            body,
            body_commitment: None,
            hops: Vec::new(),
        })
    })
}

/// Opens the AEAD body once the KEM seed is known (`UserKey::open`, in `pre::open`,
/// recovers it over the record's layers), for a v2 or a v3 record; `ctx` is the record's
/// KEM context ([`SealedRecord::kem_context`]).
pub(crate) fn open_body(seed: &[u8; 32], sealed: &SealedRecord, ctx: &[u8]) -> Result<Vec<u8>> {
    if sealed.header.is_v3() {
        return super::sealed_v3::open_body_v3(seed, sealed, ctx);
    }
    let key = derive_key(seed, &sealed.header, ctx, b"record-aead");
    let ad = associated_data(&sealed.header, &sealed.record_id, &sealed.metadata);
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.as_ref()));
    cipher
        .decrypt(
            Nonce::from_slice(&RECORD_NONCE),
            Payload {
                msg: &sealed.body,
                aad: &ad,
            },
        )
        .map_err(|_| Error::DecryptionFailed)
}

impl SealedRecord {
    /// The re-encryption hops, oldest first.
    pub(crate) fn hops(&self) -> &[Hop] {
        &self.hops
    }

    /// This record with one more hop on top (the proxy's output; `pre::reencrypt` checks
    /// the hop limit and the open-cost budget before it makes the hop).
    pub(crate) fn with_hop(&self, hop: Hop) -> Self {
        let mut out = self.clone();
        out.hops.push(hop);
        out
    }

    /// This record with only its first `hops` hops (the record as it was before hop
    /// `hops + 1` was made: each hop binds only the layers below it).
    pub(crate) fn truncated(&self, hops: usize) -> Self {
        let mut out = self.clone();
        out.hops.truncate(hops);
        out
    }

    /// The newest layer's policy at its versions: the last hop's target policy, or the
    /// record's own.
    pub(crate) fn newest_policy(&self) -> &VersionedPolicy {
        self.hops
            .last()
            .map_or(&self.header.policy, |h| &h.grant_capsule.policy)
    }

    /// The authority of layer `i` (0 = the record's own header): the authority whose
    /// public key sealed that layer's capsules.
    pub(crate) fn layer_authority(&self, i: usize) -> Option<&[u8; 32]> {
        if i == 0 {
            Some(&self.header.authority)
        } else {
            self.hops.get(i - 1).map(|h| &h.grant_capsule.authority)
        }
    }

    /// The policy of layer `i` (0 = the record's own header) at its versions.
    pub(crate) fn layer_policy(&self, i: usize) -> Option<&VersionedPolicy> {
        if i == 0 {
            Some(&self.header.policy)
        } else {
            self.hops.get(i - 1).map(|h| &h.grant_capsule.policy)
        }
    }

    /// How many times the record has been re-encrypted.
    pub fn hop_count(&self) -> usize {
        self.hops.len()
    }

    /// The policy of the newest layer: who can open the record now (the original
    /// policy for a record never re-encrypted).
    pub fn current_policy(&self) -> &Policy {
        self.newest_policy().policy()
    }

    /// The key id of the newest layer's authority: the authority whose keys can open
    /// the record now and whose delegation keys can re-encrypt it further. It is
    /// [`authority`](Self::authority) unless a cross-authority re-key
    /// ([`DelegationKey::rekey_to`](crate::DelegationKey::rekey_to)) transformed it.
    pub fn current_authority(&self) -> [u8; 32] {
        self.hops
            .last()
            .map_or(self.header.authority, |h| h.grant_capsule.authority)
    }

    /// The qualified id of the grant of the newest hop (`docs/revocation-v3.md` §7.3): its
    /// source authority (the layer below it) and grant id; `None` for a record without
    /// hops. A format v3 re-key whose parent is this grant transforms the record further
    /// ([`DelegationKey::rekey_under`](crate::DelegationKey::rekey_under)).
    pub fn newest_grant(&self) -> Option<super::hop::GrantRef> {
        let n = self.hops.len();
        let hop = self.hops.last()?;
        Some(super::hop::GrantRef {
            authority: *self.layer_authority(n - 1)?,
            grant_id: hop.grant_id,
        })
    }

    /// The policy the record is sealed under.
    pub fn policy(&self) -> &Policy {
        self.header.policy.policy()
    }

    /// The key id of the authority whose public key sealed the record
    /// ([`PublicKey::id`]).
    pub fn authority(&self) -> [u8; 32] {
        self.header.authority
    }

    /// The record id given at sealing.
    pub fn record_id(&self) -> &[u8] {
        &self.record_id
    }

    /// The metadata given at sealing (public, authenticated).
    pub fn metadata(&self) -> &[u8] {
        &self.metadata
    }

    /// A digest of the KEM header (SHA-256 under its own domain tag): a stable public
    /// handle for allow-lists and audit logs.
    pub fn header_digest(&self) -> [u8; 32] {
        self.header.digest
    }

    /// The canonical encoding (`docs/formats.md`, "SealedRecord").
    pub fn to_bytes(&self) -> Vec<u8> {
        if let Some(commitment) = &self.body_commitment {
            return super::sealed_v3::write_v3(self, commitment);
        }
        let mut w = Writer::new(ObjectType::SealedRecord);
        w.bytes(&self.record_id);
        w.bytes(&self.metadata);
        self.header.write(&mut w);
        w.bytes(&self.body);
        // At most MAX_HOPS.
        w.u8(self.hops.len() as u8);
        self.hops.iter().for_each(|h| h.write(&mut w));
        w.finish()
    }

    /// Decodes and validates a sealed record (every group element is checked).
    ///
    /// Two passes: the first reads the structure without decoding any group element
    /// (lengths, counts, flags, every policy, the authorities) and computes the record's
    /// open cost, so that a malformed or over-budget record is refused before any point
    /// is checked; the second decodes and checks every point. Errors therefore come in a
    /// fixed order: the first structural error in byte order, then a foreign authority
    /// or guarded layer, then the budget, then the first invalid point in byte order
    /// (`docs/formats.md`, "Sealed record").
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`] for any malformed input;
    /// [`Error::LimitExceeded`] (`PolicyCost`) if opening it could take more than
    /// [`MAX_RECORD_OPEN_COST`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (mut r, version) = Reader::new_at(
            bytes,
            ObjectType::SealedRecord,
            &[FORMAT_VERSION, FORMAT_VERSION_V3],
        )?;
        if version == FORMAT_VERSION_V3 {
            super::sealed_v3::skim_v3(r)?;
            let (r, _) = Reader::new_at(bytes, ObjectType::SealedRecord, &[FORMAT_VERSION_V3])?;
            return super::sealed_v3::read_v3(r);
        }
        skim(bytes)?;
        let record_id = r.bytes(MAX_RECORD_ID_LEN)?.to_vec();
        let metadata = r.bytes(MAX_METADATA_LEN)?.to_vec();
        let header = KemHeader::read(&mut r)?;
        let body = r.bytes(MAX_PAYLOAD_LEN + 16)?.to_vec();
        if body.len() < 16 {
            return Err(crate::error::EncodingError::BadLength.into());
        }
        let hop_count = usize::from(r.u8()?);
        if hop_count > MAX_HOPS {
            return Err(crate::error::EncodingError::BadLength.into());
        }
        let hops = (1..=hop_count)
            .map(|i| Hop::read(&mut r, i))
            .collect::<Result<Vec<_>>>()?;
        r.finish()?;
        // Checked by `skim` already; kept next to the decoded fields.
        check_layers(
            header.policy.policy(),
            hops.iter().map(|h| {
                (
                    &h.grant_capsule.authority,
                    &h.record_capsule.authority,
                    h.grant_capsule.policy.policy(),
                )
            }),
        )?;
        Ok(Self {
            record_id,
            metadata,
            header,
            body,
            body_commitment: None,
            hops,
        })
    }
}

/// The first pass of [`SealedRecord::from_bytes`]: the record's structure, every
/// policy and the open-cost budget, without decoding any group element (points and GT
/// elements are skipped by their fixed lengths). The work is parsing at most
/// `1 + 2·MAX_HOPS` policies, so an over-budget or malformed record costs no group work.
fn skim(bytes: &[u8]) -> Result<()> {
    let mut r = Reader::new(bytes, ObjectType::SealedRecord)?;
    r.bytes(MAX_RECORD_ID_LEN)?;
    r.bytes(MAX_METADATA_LEN)?;
    let (_, policy) = KemHeader::skim(&mut r)?;
    let body = r.bytes(MAX_PAYLOAD_LEN + 16)?;
    if body.len() < 16 {
        return Err(crate::error::EncodingError::BadLength.into());
    }
    let hop_count = usize::from(r.u8()?);
    if hop_count > MAX_HOPS {
        return Err(crate::error::EncodingError::BadLength.into());
    }
    let hops = (1..=hop_count)
        .map(|i| Hop::skim(&mut r, i))
        .collect::<Result<Vec<_>>>()?;
    r.finish()?;
    check_layers(&policy, hops.iter().map(|(g, v, p)| (g, v, p)))
}

/// The checks across a record's layers: one authority per hop (its two capsules name
/// the same one; a hop may name another authority than the layer below it, a
/// cross-authority re-encryption), and no layer under the holder guard (only streams and
/// sessions are sealed under it), then the work of opening it over every layer is
/// within [`MAX_RECORD_OPEN_COST`].
pub(super) fn check_layers<'a>(
    policy: &Policy,
    hops: impl Iterator<Item = (&'a [u8; 32], &'a [u8; 32], &'a Policy)> + Clone,
) -> Result<()> {
    let split = hops.clone().any(|(g, v, _)| g != v);
    let guarded = names_guard(policy) || hops.clone().any(|(_, _, p)| names_guard(p));
    if split || guarded {
        return Err(crate::error::EncodingError::NonCanonical.into());
    }
    if open_cost_bound(policy, hops.map(|(_, _, p)| p)) > MAX_RECORD_OPEN_COST {
        return Err(Error::LimitExceeded(crate::error::LimitKind::PolicyCost));
    }
    Ok(())
}
