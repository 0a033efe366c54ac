//! Sessions in format v3 (`docs/revocation-v3.md` §6.1, §11.7): the session header is a v3
//! KEM header at the attribute versions of a version notice, with the envelope that wraps
//! a random session key `K_b`; record `n`'s key is `HKDF(SESSION-SUBKEY, K_body, u64 n)`
//! with `K_body = HKDF(BODY-KEY, K_b, "session-key" ‖ session id)`, and its AD binds the
//! session id and the key commitment instead of the header digest.
//!
//! Built: sealing under a notice (so keys from before a bump open no session started
//! after it: R1), opening, the sealer's trailer, and the header of a closed session
//! re-wrapped with its trailer (`session_catch_up.rs`; its records then open only with a
//! proof of inclusion under the trailer's root). Not built: progress anchors and the
//! split of a session at a bump (§6.2, §6.3): a session open at a revocation is
//! re-encrypted whole.
//!
//! Header layout: `43 43 07 03 ‖ bytes session_id ‖ bytes metadata ‖ metadata_hash ‖
//! u8 trailer (0, or 1 ‖ bytes trailer) ‖ KEM header v3 with envelope`; the KEM context
//! is `context("session", session_id, metadata_hash, key_commitment, trailer digest or
//! "")` (§5.3: empty while the session is open).

use rand_core::{CryptoRng, RngCore};

use super::envelope::{
    body_aead_key, encaps_v3, key_commitment, metadata_hash, unwrap_committed_key, BodyKey,
    OpenHeaderFields,
};
use super::kem::{context, unguarded, KemHeader};
use super::session::{AdBinding, SessionHeader, SessionSealer, SessionSecret};
use super::trailer::{commitment_of, RootBuilder, Trailer, TrailerKind};
use super::{MAX_METADATA_LEN, MAX_RECORD_ID_LEN};
use crate::abe::PublicKey;
use crate::encoding::{ObjectType, Reader, Writer, FORMAT_VERSION_V3};
use crate::error::{EncodingError, Error, Result};
use crate::policy::{Policy, VersionedPolicy};
use crate::secret::random_seed;

/// The purpose string of a session's body key (§5.3).
const SESSION_KEY: &[u8] = b"session-key";

/// What a v3 session header carries beside the v2 fields.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SessionV3 {
    pub(crate) metadata_hash: [u8; 32],
    /// The trailer of a header re-wrapped after close (§6.3): its records open only with
    /// a proof of inclusion under the trailer's root.
    pub(crate) trailer: Option<Trailer>,
}

/// The KEM context of a v3 session (§5.3): its last part is the trailer's digest for a
/// header re-wrapped after close, empty for a session as started.
fn session_context(
    session_id: &[u8],
    metadata_hash: &[u8; 32],
    key_commitment: &[u8; 32],
    trailer: Option<&Trailer>,
) -> Vec<u8> {
    let trailer_digest = trailer.map(Trailer::digest);
    context(
        b"session",
        &[
            session_id,
            metadata_hash,
            key_commitment,
            trailer_digest.as_ref().map_or(&[][..], |d| &d[..]),
        ],
    )
}

/// The context of a decoded v3 session header.
pub(super) fn header_context(session_id: &[u8], v3: &SessionV3, header: &KemHeader) -> Vec<u8> {
    let commitment = header
        .envelope
        .as_ref()
        .map_or([0u8; 32], |e| e.key_commitment);
    session_context(
        session_id,
        &v3.metadata_hash,
        &commitment,
        v3.trailer.as_ref(),
    )
}

/// The encoding of a v3 session header.
pub(super) fn write_header(h: &SessionHeader, v3: &SessionV3) -> Vec<u8> {
    let mut w = Writer::at_version(ObjectType::SessionHeader, FORMAT_VERSION_V3);
    w.bytes(&h.session_id);
    w.bytes(&h.metadata);
    w.fixed(&v3.metadata_hash);
    match &v3.trailer {
        // A session as started.
        None => w.u8(0),
        Some(trailer) => {
            w.u8(1);
            w.bytes(&trailer.to_bytes());
        }
    }
    h.header.write(&mut w);
    w.finish()
}

/// Decodes a v3 session header after its object header: the metadata hash must be the
/// metadata's, a trailer (if any) a session trailer with the header's id and key
/// commitment, the policy guarded (`NonCanonical` otherwise).
pub(super) fn read_header(mut r: Reader<'_>) -> Result<SessionHeader> {
    let OpenHeaderFields {
        id: session_id,
        metadata,
        metadata_hash: declared,
        trailer,
    } = OpenHeaderFields::read(&mut r, Some(TrailerKind::Session))?;
    let (header, _) = KemHeader::read_v3_enveloped(&mut r, |commitment| {
        session_context(&session_id, &declared, commitment, trailer.as_ref())
    })?;
    r.finish()?;
    if let Some(trailer) = &trailer {
        let commitment = header.envelope.as_ref().map(|e| e.key_commitment);
        if commitment != Some(trailer.key_commitment) {
            return Err(EncodingError::NonCanonical.into());
        }
    }
    let v3 = SessionV3 {
        metadata_hash: declared,
        trailer,
    };
    let policy = unguarded(header.policy.policy())?;
    Ok(SessionHeader {
        session_id,
        metadata,
        header,
        policy,
        v3: Some(v3),
    })
}

/// Starts a v3 session: `versioned` is the guarded policy at the notice's versions.
pub(crate) fn start<R: RngCore + CryptoRng + ?Sized>(
    pk: &PublicKey,
    versioned: &VersionedPolicy,
    notice_serial: u64,
    policy: &Policy,
    session_id: &[u8],
    metadata: &[u8],
    rng: &mut R,
) -> Result<(SessionHeader, SessionSealer)> {
    if session_id.len() > MAX_RECORD_ID_LEN || metadata.len() > MAX_METADATA_LEN {
        return Err(Error::InvalidArgument("session id or metadata too long"));
    }
    let body_key: BodyKey = random_seed(rng);
    let session = (session_id, metadata, policy);
    let (header, secret) = wrap(pk, versioned, notice_serial, session, None, &body_key, rng)?;
    let items = ItemLog {
        session_id: session_id.to_vec(),
        header_digest: header.header.digest,
        key_commitment: commitment_of(&header.header)?,
        root: RootBuilder::default(),
    };
    Ok((
        header,
        SessionSealer {
            secret,
            next_sequence: 0,
            items: Some(items),
            closed: false,
        },
    ))
}

/// A v3 session header that wraps `body_key` under `versioned` for the notice of
/// `notice_serial`, with `trailer` for a header re-wrapped after close; and the session
/// secret of its records.
pub(super) fn wrap<R: RngCore + CryptoRng + ?Sized>(
    pk: &PublicKey,
    versioned: &VersionedPolicy,
    notice_serial: u64,
    (session_id, metadata, policy): (&[u8], &[u8], &Policy),
    trailer: Option<&Trailer>,
    body_key: &BodyKey,
    rng: &mut R,
) -> Result<(SessionHeader, SessionSecret)> {
    let meta_hash = metadata_hash(metadata);
    let commitment = key_commitment(body_key);
    let ctx = session_context(session_id, &meta_hash, &commitment, trailer);
    let seed = random_seed(rng);
    let header = encaps_v3(pk, versioned, (notice_serial, 0), &ctx, &seed, body_key)?;
    let secret = secret(body_key, session_id, commitment);
    Ok((
        SessionHeader {
            session_id: session_id.to_vec(),
            metadata: metadata.to_vec(),
            header,
            policy: policy.clone(),
            v3: Some(SessionV3 {
                metadata_hash: meta_hash,
                trailer: trailer.cloned(),
            }),
        },
        secret,
    ))
}

/// What a v3 session's sealer keeps to make its trailer (§6.2): the header it seals
/// under and the root over the records so far, in memory logarithmic in their number.
pub(crate) struct ItemLog {
    session_id: Vec<u8>,
    header_digest: [u8; 32],
    key_commitment: [u8; 32],
    root: RootBuilder,
}

impl ItemLog {
    /// Adds the next record (its whole encoding is the item, §11.8).
    pub(super) fn push(&mut self, record: &[u8]) {
        self.root.push(&[record]);
    }

    /// The trailer over the records so far.
    pub(super) fn trailer(&self) -> Trailer {
        Trailer {
            kind: TrailerKind::Session,
            id: self.session_id.clone(),
            header_digest: self.header_digest,
            key_commitment: self.key_commitment,
            count: self.root.count(),
            root: self.root.root(),
        }
    }
}

/// The opener's secret: unwraps `K_b` (checked against the key commitment) from a header
/// whose seed passed the FO check.
pub(super) fn open_secret(
    header: &SessionHeader,
    seed: &[u8; 32],
    ctx: &[u8],
) -> Result<SessionSecret> {
    let (body_key, commitment) = unwrap_committed_key(&header.header, seed, ctx)?;
    Ok(secret(&body_key, &header.session_id, commitment))
}

fn secret(body_key: &[u8; 32], session_id: &[u8], key_commitment: [u8; 32]) -> SessionSecret {
    SessionSecret {
        key: *body_aead_key(body_key, SESSION_KEY, session_id),
        binding: AdBinding::V3 {
            session_id: session_id.to_vec(),
            key_commitment,
        },
    }
}
