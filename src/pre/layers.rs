//! The cryptography of a re-encryption layer, shared by the proxy that makes a hop
//! ([`super::reencrypt`]) and the key holder that opens through it ([`super::open`])
//! (`docs/security.md` §3 and §12.2 for why a hop has two capsules):
//!
//! - the **grant capsule** `G_i` of a re-key (an FO-KEM header under `P'`, the same in
//!   every record of the grant) has the seed `w_i` that gives the blinding
//!   `z_i = H_z(w_i)` ([`blinding_scalar`]); its context names the grant and the
//!   delegator ([`grant_context`]);
//! - the **record capsule** `V_i` is made for this record and this hop only: its context
//!   commits to the record id, metadata, header and every hop below ([`hop_binding`]),
//!   and its seed is keyed by the re-key's secret hop key ([`record_capsule_seed`]);
//! - `R̂_i = R_i · Z(V_i)`, where `R_i = Z_{i-1}^{1/z_i}` is the proxy's transform of the
//!   layer below, and for `i ≥ 2` `Rg_i = Z(G_{i-1})^{1/z_i}`.
//!
//! `R_i` opens nothing without `Z(V_i)`, which only a key satisfying the hop's policy (or
//! the next proxy, for this record only) obtains: a hop, or a whole later hop, copied
//! onto another record of the same grant opens nothing (finding 2 of the v2 review).

use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::ct::{declassify_choice, Gt, SecretGt, SecretScalar};
use crate::encoding::Writer;
use crate::error::{Error, Result};
use crate::hash::{dst, expand_message_xmd};
use crate::record::envelope::metadata_hash;
use crate::record::hop::{Hop, DELEGATOR_LEN, GRANT_ID_LEN};
use crate::record::hop_v3::hop_binding_v3;
pub(crate) use crate::record::hop_v3::{grant_context_v3, qualified, record_capsule_context};
use crate::record::kem::{context, Seed};
use crate::record::SealedRecord;

/// The two authorities of a re-encryption layer: the **source** whose key material the
/// re-key blinds (the authority of the layer below) and the **target** under whose
/// public key the capsules are sealed. Equal for a re-key within one authority; a
/// cross-authority re-key (`docs/federation.md`) has them differ.
#[derive(Clone, Copy)]
pub(crate) struct Authorities<'a> {
    pub(crate) source: &'a [u8; 32],
    pub(crate) target: &'a [u8; 32],
}

impl Authorities<'_> {
    fn crosses(&self) -> bool {
        self.source != self.target
    }
}

/// The KEM context of a re-key's grant capsule: the grant id and the delegator's consent
/// key, so that the capsule (hence every hop of the grant) opens only under the
/// delegator the re-key was made for; for a cross-authority grant, also the source
/// authority's id, so a capsule opens only as the grant of that source (within one
/// authority the context is format v2's, byte for byte).
pub(crate) fn grant_context(
    grant_id: &[u8; GRANT_ID_LEN],
    delegator: &[u8; DELEGATOR_LEN],
    authorities: Authorities<'_>,
) -> Vec<u8> {
    if authorities.crosses() {
        context(b"grant-capsule", &[grant_id, delegator, authorities.source])
    } else {
        context(b"grant-capsule", &[grant_id, delegator])
    }
}

/// The grant-capsule context of hop `index` (1-based) of `record`, in the record's
/// format: v2's ([`grant_context`]) on a v2 record; on a v3 record
/// [`grant_context_v3`], which always names the source authority and the parent grant,
/// qualified by layer `index − 2`'s authority (`docs/revocation-v3.md` §5.3, §7.3).
pub(crate) fn hop_grant_context(
    record: &SealedRecord,
    index: usize,
    hop: &Hop,
    authorities: Authorities<'_>,
) -> Vec<u8> {
    if !record.header.is_v3() {
        return grant_context(&hop.grant_id, &hop.delegator, authorities);
    }
    let parent = hop.parent.and_then(|p| {
        let authority = record.layer_authority(index.checked_sub(2)?)?;
        Some(qualified(authority, &p))
    });
    grant_context_v3(
        &hop.grant_id,
        &hop.delegator,
        authorities.source,
        parent.as_ref(),
    )
}

/// What the record capsule of hop `index` (1-based) commits to: the record's id,
/// metadata and header, the hop's position and grant, and every hop below it. Any
/// change to these makes the capsule's FO check fail. A v3 record uses the v3 binding
/// ([`hop_binding_v3`]: the metadata hash and the v3 header digest, under its own tag).
pub(crate) fn hop_binding(
    record: &SealedRecord,
    index: usize,
    grant_id: &[u8; GRANT_ID_LEN],
) -> [u8; 32] {
    if record.header.is_v3() {
        return hop_binding_v3(
            record.record_id(),
            &metadata_hash(record.metadata()),
            &record.header_digest(),
            index,
            grant_id,
            record.hops(),
        );
    }
    let mut w = Writer::raw();
    w.bytes(record.record_id());
    w.bytes(record.metadata());
    w.fixed(&record.header_digest());
    // index ≤ MAX_HOPS.
    w.u8(index as u8);
    w.fixed(grant_id);
    record
        .hops()
        .iter()
        .take(index.saturating_sub(1))
        .for_each(|h| h.write(&mut w));
    let mut h = Sha256::new();
    h.update(dst::HOP_BINDING);
    h.update(w.finish());
    h.finalize().into()
}

/// The seed of a record capsule: HKDF-SHA256 of the re-key's secret hop key over the
/// binding, so re-encrypting the same record twice gives the same hop and nobody without
/// the re-key can predict `Z(V)`.
pub(crate) fn record_capsule_seed(hop_key: &[u8; 32], binding: &[u8; 32]) -> Seed {
    let hk = Hkdf::<Sha256>::new(Some(dst::HOP_SEED), hop_key);
    let mut seed = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF's limit, so expand cannot fail.
    let _ = hk.expand(binding, seed.as_mut());
    seed
}

/// `z = H_z(pk id, w)`, the blinding exponent of a re-key (RFC 9380 `hash_to_field`
/// into Z_r, reduced in constant time); for a cross-authority re-key
/// `z = H_z'(source id, target id, w)` under its own tag, bound to both authorities.
/// Zero is refused (probability 2^-255; the outcome is public).
///
/// A format v3 layer (`v3`) always uses `REKEY-BLIND-V3` over both ids, within one
/// authority as across two (`docs/revocation-v3.md` §10.2).
pub(crate) fn blinding_scalar(
    authorities: Authorities<'_>,
    w: &[u8; 32],
    v3: bool,
) -> Result<SecretScalar> {
    let uniform = Zeroizing::new(if v3 {
        expand_message_xmd(
            &[authorities.source, authorities.target, w],
            dst::REKEY_BLIND_V3,
            48,
        )?
    } else if authorities.crosses() {
        expand_message_xmd(
            &[authorities.source, authorities.target, w],
            dst::REKEY_BLIND_FEDERATED,
            48,
        )?
    } else {
        expand_message_xmd(&[authorities.target, w], dst::REKEY_BLIND, 48)?
    });
    let mut chunk = Zeroizing::new([0u8; 48]);
    chunk.copy_from_slice(&uniform);
    let z = SecretScalar::from_hash_bytes(&chunk);
    if declassify_choice(z.is_zero()) {
        return Err(Error::DecryptionFailed);
    }
    Ok(z)
}

/// `R = R̂ / Z(V)`: GT elements are unitary, so the inverse is the conjugate.
pub(super) fn unmask(masked: &Gt, z_v: &SecretGt) -> SecretGt {
    let mut inverse = z_v.clone();
    inverse.0.conjugate_in_place();
    SecretGt::from_gt(masked).mul(&inverse)
}
