//! Sealed records in format v3 (`docs/revocation-v3.md` §5, §11.5): the payload is
//! encrypted once under a body key `K_b` that the KEM header wraps, so that a catch-up
//! ([`rewrap`](super::rewrap)) gives a stored record a header at new attribute versions
//! without reading or changing its body.
//!
//! Layout: `43 43 04 03 ‖ bytes record_id ‖ bytes metadata ‖ metadata_hash ‖
//! body_commitment ‖ u64 body_len ‖ KEM header v3 with envelope ‖ bytes body ‖ u8 hops ‖
//! hops v3` (`docs/formats.md`, "Sealed record v3" and "Hop v3"; the hops: `hop_v3.rs`).

use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::envelope::{
    body_aead_key, body_commitment, encaps_v3, key_commitment, metadata_hash, open_once, seal_once,
    unwrap_body_key, BodyKey,
};
use super::hop::{GRANT_ID_LEN, MAX_HOPS};
use super::hop_v3::{read_hops_v3, skim_v3 as skim_hop_v3, RecordFront};
use super::kem::{context, KemHeader};
use super::sealed::{
    check_layers, check_lengths, SealedRecord, MAX_METADATA_LEN, MAX_PAYLOAD_LEN, MAX_RECORD_ID_LEN,
};
use crate::abe::PublicKey;
use crate::encoding::{ObjectType, Reader, Writer, FORMAT_VERSION_V3};
use crate::error::{EncodingError, Error, Result};
use crate::hash::dst;
use crate::policy::{Policy, VersionedPolicy};
use crate::secret::random_seed;

/// The smallest body: the 16-byte AEAD tag of an empty payload.
const MIN_BODY_LEN: u64 = 16;

/// The purpose string of a record's body key (§5.3).
const RECORD_BODY: &[u8] = b"record-body";

/// The KEM context of a v3 record (§5.3): the record id and every commitment, so the FO
/// coins, the wrap key and the header digest bind them all.
pub(crate) fn record_context_v3(
    record_id: &[u8],
    metadata_hash: &[u8; 32],
    body_commitment: &[u8; 32],
    body_len: u64,
    key_commitment: &[u8; 32],
) -> Vec<u8> {
    context(
        b"record",
        &[
            record_id,
            metadata_hash,
            body_commitment,
            &body_len.to_be_bytes(),
            key_commitment,
        ],
    )
}

/// The body AD (§5.3): format version, record id, metadata and key, not the header
/// digest, so a re-wrap keeps the body valid.
fn associated_data_v3(
    record_id: &[u8],
    metadata_hash: &[u8; 32],
    key_commitment: &[u8; 32],
) -> [u8; 32] {
    Sha256::new()
        .chain_update(dst::RECORD_AD_V3)
        .chain_update([FORMAT_VERSION_V3])
        .chain_update((record_id.len() as u32).to_be_bytes())
        .chain_update(record_id)
        .chain_update(metadata_hash)
        .chain_update(key_commitment)
        .finalize()
        .into()
}

/// Seals `payload` as a v3 record under `policy` at its versions, for the notice of
/// `notice_serial` (flags 0: never degraded here).
pub(crate) fn seal_v3<R: RngCore + CryptoRng + ?Sized>(
    pk: &PublicKey,
    policy: &VersionedPolicy,
    notice_serial: u64,
    record_id: &[u8],
    metadata: &[u8],
    payload: &[u8],
    rng: &mut R,
) -> Result<SealedRecord> {
    check_lengths(record_id, metadata, payload.len())?;
    let body_key: BodyKey = random_seed(rng);
    let meta_hash = metadata_hash(metadata);
    let ad = associated_data_v3(record_id, &meta_hash, &key_commitment(&body_key));
    let body = seal_once(
        &body_aead_key(&body_key, RECORD_BODY, record_id),
        payload,
        &ad,
    )?;
    let commitment = body_commitment(record_id, &body);
    let header = wrap_header(
        pk,
        policy,
        notice_serial,
        record_id,
        &meta_hash,
        &commitment,
        body.len() as u64,
        &body_key,
        rng,
    )?;
    Ok(SealedRecord {
        record_id: record_id.to_vec(),
        metadata: metadata.to_vec(),
        header,
        body,
        body_commitment: Some(commitment),
        hops: Vec::new(),
    })
}

/// A fresh v3 header wrapping `body_key` for a record with these commitments: the
/// sealer's last step, and the whole of a re-wrap.
#[allow(clippy::too_many_arguments)] // Every input is one field of the context.
pub(crate) fn wrap_header<R: RngCore + CryptoRng + ?Sized>(
    pk: &PublicKey,
    policy: &VersionedPolicy,
    notice_serial: u64,
    record_id: &[u8],
    metadata_hash: &[u8; 32],
    body_commitment: &[u8; 32],
    body_len: u64,
    body_key: &[u8; 32],
    rng: &mut R,
) -> Result<KemHeader> {
    let ctx = record_context_v3(
        record_id,
        metadata_hash,
        body_commitment,
        body_len,
        &key_commitment(body_key),
    );
    let seed = random_seed(rng);
    encaps_v3(pk, policy, (notice_serial, 0), &ctx, &seed, body_key)
}

impl SealedRecord {
    /// The KEM context of the record's own header (v2 or v3).
    pub(crate) fn kem_context(&self) -> Vec<u8> {
        match (&self.body_commitment, &self.header.envelope) {
            (Some(commitment), Some(envelope)) => record_context_v3(
                &self.record_id,
                &metadata_hash(&self.metadata),
                commitment,
                self.body.len() as u64,
                &envelope.key_commitment,
            ),
            _ => super::sealed::record_context(&self.record_id),
        }
    }

    /// The body key `K_b` of a v3 record, given its header's seed μ (FO-checked) and its
    /// KEM context ([`kem_context`](Self::kem_context)), checked against the key commitment.
    pub(crate) fn body_key(&self, seed: &[u8; 32], ctx: &[u8]) -> Result<BodyKey> {
        unwrap_body_key(&self.header, seed, ctx)
    }
}

/// Opens a v3 record's body given its header's seed μ: unwraps `K_b`, checks it
/// against the key commitment and the body against the body commitment, then opens the
/// AEAD. Any mismatch is `DecryptionFailed`.
pub(crate) fn open_body_v3(seed: &[u8; 32], sealed: &SealedRecord, ctx: &[u8]) -> Result<Vec<u8>> {
    let (Some(commitment), Some(envelope)) = (&sealed.body_commitment, &sealed.header.envelope)
    else {
        return Err(Error::DecryptionFailed);
    };
    let body_key = sealed.body_key(seed, ctx)?;
    // Public: the body and its commitment are both in the record.
    if body_commitment(&sealed.record_id, &sealed.body) != *commitment {
        return Err(Error::DecryptionFailed);
    }
    let ad = associated_data_v3(
        &sealed.record_id,
        &metadata_hash(&sealed.metadata),
        &envelope.key_commitment,
    );
    let key: Zeroizing<[u8; 32]> = body_aead_key(&body_key, RECORD_BODY, &sealed.record_id);
    open_once(&key, &sealed.body, &ad)
}

/// The v3 encoding of a record (`SealedRecord::to_bytes` for a v3 header).
pub(crate) fn write_v3(sealed: &SealedRecord, commitment: &[u8; 32]) -> Vec<u8> {
    let mut w = Writer::at_version(ObjectType::SealedRecord, FORMAT_VERSION_V3);
    w.bytes(&sealed.record_id);
    w.bytes(&sealed.metadata);
    w.fixed(&metadata_hash(&sealed.metadata));
    w.fixed(commitment);
    w.u64(sealed.body.len() as u64);
    sealed.header.write(&mut w);
    w.bytes(&sealed.body);
    // At most MAX_HOPS.
    w.u8(sealed.hops.len() as u8);
    sealed.hops.iter().for_each(|h| h.write(&mut w));
    w.finish()
}

/// The fields of a v3 record before its KEM header.
struct Front<'a> {
    record_id: &'a [u8],
    metadata: &'a [u8],
    metadata_hash: [u8; 32],
    body_commitment: [u8; 32],
    body_len: u64,
}

/// The fields before the KEM header, with their rules: the metadata hash must be the
/// metadata's and the body length within bounds (it is compared with the body later).
fn read_front<'a>(r: &mut Reader<'a>) -> Result<Front<'a>> {
    let record_id = r.bytes(MAX_RECORD_ID_LEN)?;
    let metadata = r.bytes(MAX_METADATA_LEN)?;
    let meta_hash = r.fixed::<32>()?;
    if meta_hash != metadata_hash(metadata) {
        return Err(EncodingError::NonCanonical.into());
    }
    let commitment = r.fixed::<32>()?;
    let body_len = r.u64()?;
    if !(MIN_BODY_LEN..=(MAX_PAYLOAD_LEN as u64 + 16)).contains(&body_len) {
        return Err(EncodingError::NonCanonical.into());
    }
    Ok(Front {
        record_id,
        metadata,
        metadata_hash: meta_hash,
        body_commitment: commitment,
        body_len,
    })
}

/// The body after the header: its length must equal `body_len`. Then the hop count
/// (at most [`MAX_HOPS`]).
fn read_body<'a>(r: &mut Reader<'a>, body_len: u64) -> Result<(&'a [u8], usize)> {
    let body = r.bytes(MAX_PAYLOAD_LEN + 16)?;
    if body.len() as u64 != body_len {
        return Err(EncodingError::NonCanonical.into());
    }
    let hops = usize::from(r.u8()?);
    if hops > MAX_HOPS {
        return Err(EncodingError::BadLength.into());
    }
    Ok((body, hops))
}

/// The structural pass over a v3 record (no group element decoded), then the layer and
/// budget checks of v2 records.
pub(crate) fn skim_v3(mut r: Reader<'_>) -> Result<()> {
    let front = read_front(&mut r)?;
    let (_, policy) = KemHeader::skim_v3_enveloped(&mut r)?;
    let (_, count) = read_body(&mut r, front.body_len)?;
    let mut layers: Vec<([u8; 32], Policy)> = Vec::with_capacity(count);
    let mut previous: Option<[u8; GRANT_ID_LEN]> = None;
    for index in 1..=count {
        let (grant_id, authority, hop_policy) = skim_hop_v3(&mut r, index, previous.as_ref())?;
        previous = Some(grant_id);
        layers.push((authority, hop_policy));
    }
    r.finish()?;
    check_layers(&policy, layers.iter().map(|(a, p)| (a, a, p)))
}

/// Decodes a v3 record after [`skim_v3`] accepted it.
pub(crate) fn read_v3(mut r: Reader<'_>) -> Result<SealedRecord> {
    let f = read_front(&mut r)?;
    let (header, _) = KemHeader::read_v3_enveloped(&mut r, |key_commitment| {
        record_context_v3(
            f.record_id,
            &f.metadata_hash,
            &f.body_commitment,
            f.body_len,
            key_commitment,
        )
    })?;
    let (body, count) = read_body(&mut r, f.body_len)?;
    let hops = read_hops_v3(
        &mut r,
        count,
        &RecordFront {
            record_id: f.record_id,
            metadata: f.metadata,
            authority: header.authority,
            header_digest: header.digest,
        },
    )?;
    r.finish()?;
    Ok(SealedRecord {
        record_id: f.record_id.to_vec(),
        metadata: f.metadata.to_vec(),
        header,
        body: body.to_vec(),
        body_commitment: Some(f.body_commitment),
        hops,
    })
}
