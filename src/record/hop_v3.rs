//! Re-encryption hops on format v3 records (`docs/revocation-v3.md` §7.3, §11.5;
//! `docs/formats.md`, "Hop v3"): what a v3 hop's capsules commit to, and its decoding.
//!
//! A v3 hop is a v2 hop (`record/hop.rs`) with three changes:
//! - both capsules are v3 KEM headers without an envelope, at the target authority's
//!   versions, with the same versioned policy, notice serial and flags;
//! - a **parent** field: hop 1 has none, hop `i ≥ 2` names hop `i − 1`'s grant id (the
//!   grant whose audience made the re-key, §7.3), so the chain of grants on a record is
//!   explicit on the wire;
//! - the grant capsule's context always names the source authority and the qualified
//!   parent, and the record capsule's binding covers the v3 header digest (which binds
//!   every commitment of the record) under its own tag.
//!
//! These live here, not in `crate::pre`, because a v3 header's digest covers its KEM
//! context: the decoder computes each capsule's context to rebuild its digest.

use sha2::{Digest, Sha256};

use super::envelope::metadata_hash;
use super::hop::{Hop, DELEGATOR_LEN, GRANT_ID_LEN};
use super::kem::{context, KemHeader};
use crate::encoding::{Reader, Writer, GT_LEN};
use crate::error::{EncodingError, Result};
use crate::hash::dst;
use crate::policy::Policy;

/// The KEM context of a v3 grant capsule (§5.3): grant id, delegator, source authority
/// id, and the qualified parent grant id (48 bytes) or nothing.
pub(crate) fn grant_context_v3(
    grant_id: &[u8; GRANT_ID_LEN],
    delegator: &[u8; DELEGATOR_LEN],
    source: &[u8; 32],
    parent: Option<&[u8; 48]>,
) -> Vec<u8> {
    let parent: &[u8] = parent.map_or(&[], |p| &p[..]);
    context(b"grant-capsule", &[grant_id, delegator, source, parent])
}

/// The v3 hop binding (§11.5): SHA-256(`HOP-BINDING-V3` ‖ len32 ‖ record id ‖ metadata
/// hash ‖ v3 header digest ‖ u8 index ‖ grant id ‖ hops `1 … index − 1` as encoded).
pub(crate) fn hop_binding_v3(
    record_id: &[u8],
    metadata_hash: &[u8; 32],
    header_digest: &[u8; 32],
    index: usize,
    grant_id: &[u8; GRANT_ID_LEN],
    below: &[Hop],
) -> [u8; 32] {
    let mut w = Writer::raw();
    w.bytes(record_id);
    w.fixed(metadata_hash);
    w.fixed(header_digest);
    // index ≤ MAX_HOPS.
    w.u8(index as u8);
    w.fixed(grant_id);
    below
        .iter()
        .take(index.saturating_sub(1))
        .for_each(|h| h.write(&mut w));
    Sha256::new()
        .chain_update(dst::HOP_BINDING_V3)
        .chain_update(w.finish())
        .finalize()
        .into()
}

/// The KEM context of a record capsule with this binding (as in v2).
pub(crate) fn record_capsule_context(binding: &[u8; 32]) -> Vec<u8> {
    context(b"record-capsule", &[binding])
}

/// The qualified id `authority ‖ grant id` as the grant capsule's context carries it.
pub(crate) fn qualified(authority: &[u8; 32], grant_id: &[u8; GRANT_ID_LEN]) -> [u8; 48] {
    let mut out = [0u8; 48];
    out[..32].copy_from_slice(authority);
    out[32..].copy_from_slice(grant_id);
    out
}

/// The parent field of hop `index` (1-based): absent on hop 1; on hop `i ≥ 2`, present
/// and equal to hop `i − 1`'s grant id (`previous`). Anything else is `NonCanonical`.
fn read_parent(
    r: &mut Reader<'_>,
    index: usize,
    previous: Option<&[u8; GRANT_ID_LEN]>,
) -> Result<Option<[u8; GRANT_ID_LEN]>> {
    let parent = match r.u8()? {
        0 => None,
        1 => Some(r.fixed::<GRANT_ID_LEN>()?),
        _ => return Err(EncodingError::NonCanonical.into()),
    };
    match (index, parent, previous) {
        (1, None, None) => Ok(None),
        (i, Some(p), Some(prev)) if i > 1 && p == *prev => Ok(Some(p)),
        _ => Err(EncodingError::NonCanonical.into()),
    }
}

/// The `grant_r` flag and value of hop `index`: present exactly after the first hop.
fn read_grant_r_flag(r: &mut Reader<'_>, index: usize) -> Result<bool> {
    match (r.u8()?, index) {
        (0, 1) => Ok(false),
        (1, i) if i > 1 => Ok(true),
        _ => Err(EncodingError::NonCanonical.into()),
    }
}

/// The structural pass over v3 hop `index` (no group element decoded): the parent
/// rule, both capsules' structure, and that they name one authority, one versioned
/// policy, one serial and one flags byte (`NonCanonical` otherwise). `previous` is hop
/// `index − 1`'s grant id. Returns the hop's grant id, its authority and its policy.
pub(crate) fn skim_v3(
    r: &mut Reader<'_>,
    index: usize,
    previous: Option<&[u8; GRANT_ID_LEN]>,
) -> Result<([u8; GRANT_ID_LEN], [u8; 32], Policy)> {
    let grant_id = r.fixed::<GRANT_ID_LEN>()?;
    r.skip(DELEGATOR_LEN)?;
    read_parent(r, index, previous)?;
    let grant = KemHeader::skim_v3_capsule(r)?;
    let record = KemHeader::skim_v3_capsule(r)?;
    if grant != record {
        return Err(EncodingError::NonCanonical.into());
    }
    r.skip(GT_LEN)?;
    if read_grant_r_flag(r, index)? {
        r.skip(GT_LEN)?;
    }
    let (authority, policy, _) = grant;
    Ok((grant_id, authority, policy.policy().clone()))
}

/// What decoding a v3 record's hops needs of the record below them.
pub(crate) struct RecordFront<'a> {
    pub(crate) record_id: &'a [u8],
    pub(crate) metadata: &'a [u8],
    /// The record header's authority (layer 0's).
    pub(crate) authority: [u8; 32],
    pub(crate) header_digest: [u8; 32],
}

/// Decodes the `count` hops of a v3 record after its body, each checked as
/// [`skim_v3`] does and every point decoded; each capsule's context (for its digest) is
/// rebuilt from the record and the hops below.
pub(crate) fn read_hops_v3(
    r: &mut Reader<'_>,
    count: usize,
    front: &RecordFront<'_>,
) -> Result<Vec<Hop>> {
    let meta_hash = metadata_hash(front.metadata);
    let mut hops: Vec<Hop> = Vec::with_capacity(count);
    for index in 1..=count {
        let grant_id = r.fixed::<GRANT_ID_LEN>()?;
        let delegator = r.fixed::<DELEGATOR_LEN>()?;
        let previous = hops.last().map(|h| h.grant_id);
        let parent = read_parent(r, index, previous.as_ref())?;
        // Layer index − 1's authority is the hop's source; layer index − 2's qualifies
        // the parent.
        let authority_of = |layer: usize, hops: &[Hop]| -> [u8; 32] {
            if layer == 0 {
                front.authority
            } else {
                hops.get(layer - 1)
                    .map_or(front.authority, |h| h.grant_capsule.authority)
            }
        };
        let source = authority_of(index - 1, &hops);
        let qualified_parent = parent.map(|p| qualified(&authority_of(index - 2, &hops), &p));
        let grant_capsule = KemHeader::read_v3_capsule(
            r,
            &grant_context_v3(&grant_id, &delegator, &source, qualified_parent.as_ref()),
        )?;
        let binding = hop_binding_v3(
            front.record_id,
            &meta_hash,
            &front.header_digest,
            index,
            &grant_id,
            &hops,
        );
        let record_capsule = KemHeader::read_v3_capsule(r, &record_capsule_context(&binding))?;
        if grant_capsule.authority != record_capsule.authority
            || grant_capsule.policy != record_capsule.policy
            || grant_capsule.format != record_capsule.format
        {
            return Err(EncodingError::NonCanonical.into());
        }
        let masked_r = r.gt()?;
        let grant_r = if read_grant_r_flag(r, index)? {
            Some(r.gt()?)
        } else {
            None
        };
        hops.push(Hop {
            grant_id,
            parent,
            delegator,
            grant_capsule,
            record_capsule,
            masked_r,
            grant_r,
        });
    }
    Ok(hops)
}
