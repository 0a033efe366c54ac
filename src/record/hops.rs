//! Re-encryption hops carried by a sealed record, and opening through them
//! (`docs/security.md` §3, "Open re-encrypted"; `docs/security.md` §12.2 for why a hop has two
//! capsules).
//!
//! Layer 0 is the record's own KEM header; layer `i ≥ 1` is hop `i`. Hop `i` carries
//! - the **grant capsule** `G_i` of its re-key (the same in every record of the grant),
//!   whose seed `w_i` gives the blinding `z_i = H_z(w_i)`;
//! - a **record capsule** `V_i` that the proxy made for this record and this hop only:
//!   its KEM context commits to the record id, metadata, header and every hop below;
//! - `R̂_i = R_i · Z(V_i)`, where `R_i = Z_{i-1}^{1/z_i}` is the proxy's transform of
//!   the layer below (the record header's `Z` for hop 1, `Z(V_{i-1})` for a later hop),
//!   masked by the record capsule's KEM value;
//! - for hop `i ≥ 2`, `Rg_i = Z(G_{i-1})^{1/z_i}`, the transform of the grant capsule
//!   below (grant-wide, so not masked).
//!
//! `R_i` opens nothing without `Z(V_i)`, which only a key satisfying the hop's policy (or
//! the next proxy, for this record only) obtains: a hop, or a whole later hop, copied
//! onto another record of the same grant opens nothing (finding 2 of the v2 review).
//!
//! A key opens the oldest layer whose policy it satisfies, then unwinds: each FO check
//! on the way down rejects a wrong value, capsule or hop. Hops above that layer are
//! never read, so a forged hop appended to a record cannot lock its audience out
//! (finding 6), and no other layer could open where that one fails: an open from a newer
//! layer unwinds through the oldest satisfied layer's FO checks, and a layer that passes
//! them is honestly formed, so the key's own decapsulation of it gives the same values.
//! One attempt, each layer read at most once: the work of an open is bounded by
//! [`open_cost_bound`] (finding 1).

use core::fmt;

use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::abe::core::DecryptionKey;
use crate::abe::PublicKey;
use crate::ct::Gt;
use crate::ct::{declassify_choice, SecretGt, SecretScalar};
use crate::encoding::{hex_prefix, Reader, Writer, GT_LEN};
use crate::error::{EncodingError, Error, Result};
use crate::hash::{dst, expand_message_xmd};
use crate::record::kem::{
    check_authority, context, decaps, decaps_value, key_satisfies, recover_seed, KemHeader, Seed,
};
use crate::record::SealedRecord;

/// The most re-encryption hops one record may carry.
pub const MAX_HOPS: usize = 8;

/// The most work that opening one record may take, over all its layers, in the steps
/// of the policy cost model (`docs/policy.md` §4.1): 265 000 steps, about 50 AND-of-1
/// opens (issue 16: the worst admitted record opens within 50 times an ordinary one;
/// measured in `docs/performance.md`, "Worst admitted records"). A record without hops
/// costs its policy's cost plus `HEADER_STEPS` (5300), so every policy within
/// [`crate::policy::MAX_POLICY_COST`] can be sealed; a re-encrypted record shares the
/// budget between its layers (`docs/policy.md` §4.1). `SealedRecord::from_bytes` refuses a
/// record over it and `ReKey::reencrypt` refuses to make one
/// (`LimitExceeded(PolicyCost)`), before any group work.
pub const MAX_RECORD_OPEN_COST: u64 = 265_000;

/// The fixed work of one header computation whatever its policy, in steps: DecCore's
/// pairings and the FO check's `C0`, hashing and key derivation when a key decapsulates
/// it, or the FO check alone when an open unwinds through it, plus a hop's share of the
/// unwinding (two GT exponentiations, an unmasking). A whole AND-of-1 open (5300 steps),
/// above the 0.55–0.77 of one measured (`docs/performance.md`, "Worst admitted records").
pub(crate) const HEADER_STEPS: u64 = crate::policy::HEADER_STEPS;

/// The worst-case work of opening a record with these layer policies (the record's
/// own, then each hop's): every header computation's policy cost plus
/// [`HEADER_STEPS`], a hop counting twice (two capsules). An open reads each layer at
/// most once: it starts at the oldest layer the key satisfies and unwinds to the
/// record's header ([`recover_record_seed`]).
pub(crate) fn open_cost_bound<'a>(
    header: &crate::policy::Policy,
    hop_policies: impl Iterator<Item = &'a crate::policy::Policy>,
) -> u64 {
    let layer = |p: &crate::policy::Policy| p.open_cost().saturating_add(HEADER_STEPS);
    hop_policies.fold(layer(header), |total, p| {
        total.saturating_add(layer(p).saturating_mul(2))
    })
}

/// Length of a grant id.
pub(crate) const GRANT_ID_LEN: usize = 16;

/// Length of a delegator (a compressed BLS public key).
pub(crate) const DELEGATOR_LEN: usize = 48;

/// One re-encryption hop (see the module docs).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Hop {
    pub(crate) grant_id: [u8; GRANT_ID_LEN],
    /// The re-key's delegator (the compressed BLS consent key), bound into the grant
    /// capsule's context: a re-key whose delegator was rewritten makes hops that no
    /// audience opens.
    pub(crate) delegator: [u8; DELEGATOR_LEN],
    /// The re-key's capsule under the target policy `P'`.
    pub(crate) grant_capsule: KemHeader,
    /// The capsule the proxy made for this record and hop, under `P'` too.
    pub(crate) record_capsule: KemHeader,
    /// `R̂ = R · Z(record capsule)`.
    pub(crate) masked_r: Gt,
    /// `Rg = Z(grant capsule below)^{1/z}`; present exactly for hops after the first.
    pub(crate) grant_r: Option<Gt>,
}

impl fmt::Debug for Hop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hop")
            .field("grant_id", &hex_prefix(&self.grant_id))
            .field("policy", &self.grant_capsule.policy.to_string())
            .finish_non_exhaustive()
    }
}

impl Hop {
    /// Appends the hop encoding (`docs/formats.md`, "Hop").
    pub(crate) fn write(&self, w: &mut Writer) {
        w.fixed(&self.grant_id);
        w.fixed(&self.delegator);
        self.grant_capsule.write(w);
        self.record_capsule.write(w);
        w.gt(&self.masked_r);
        match &self.grant_r {
            Some(g) => {
                w.u8(1);
                w.gt(g);
            }
            None => w.u8(0),
        }
    }

    /// The structural pass of [`read`](Self::read) (no group element decoded, see
    /// [`KemHeader::skim`]): the same checks on everything but the points. Returns the
    /// authorities of the two capsules and the hop's policy.
    pub(crate) fn skim(
        r: &mut Reader<'_>,
        index: usize,
    ) -> Result<([u8; 32], [u8; 32], crate::policy::Policy)> {
        r.skip(GRANT_ID_LEN + DELEGATOR_LEN)?;
        let (grant_authority, grant_policy) = KemHeader::skim(r)?;
        let (record_authority, record_policy) = KemHeader::skim(r)?;
        if grant_policy != record_policy {
            return Err(EncodingError::NonCanonical.into());
        }
        r.skip(GT_LEN)?;
        match (r.u8()?, index) {
            (0, 1) => {}
            (1, i) if i > 1 => r.skip(GT_LEN)?,
            _ => return Err(EncodingError::NonCanonical.into()),
        }
        Ok((grant_authority, record_authority, grant_policy))
    }

    /// Reads hop number `index` (1-based): the grant value is required after the first
    /// hop and forbidden on it; both capsules must be under the same policy.
    pub(crate) fn read(r: &mut Reader<'_>, index: usize) -> Result<Self> {
        let grant_id = r.fixed::<GRANT_ID_LEN>()?;
        let delegator = r.fixed::<DELEGATOR_LEN>()?;
        let grant_capsule = KemHeader::read(r)?;
        let record_capsule = KemHeader::read(r)?;
        if grant_capsule.policy != record_capsule.policy {
            return Err(EncodingError::NonCanonical.into());
        }
        let masked_r = r.gt()?;
        let grant_r = match (r.u8()?, index) {
            (0, 1) => None,
            (1, i) if i > 1 => Some(r.gt()?),
            _ => return Err(EncodingError::NonCanonical.into()),
        };
        Ok(Self {
            grant_id,
            delegator,
            grant_capsule,
            record_capsule,
            masked_r,
            grant_r,
        })
    }
}

/// The KEM context of a re-key's grant capsule: the grant id and the delegator's consent
/// key, so that the capsule (hence every hop of the grant) opens only under the
/// delegator the re-key was made for.
pub(crate) fn grant_context(
    grant_id: &[u8; GRANT_ID_LEN],
    delegator: &[u8; DELEGATOR_LEN],
) -> Vec<u8> {
    context(b"grant-capsule", &[grant_id, delegator])
}

/// What the record capsule of hop `index` (1-based) commits to: the record's id,
/// metadata and header, the hop's position and grant, and every hop below it. Any
/// change to these makes the capsule's FO check fail.
pub(crate) fn hop_binding(
    record: &SealedRecord,
    index: usize,
    grant_id: &[u8; GRANT_ID_LEN],
) -> [u8; 32] {
    let mut w = Writer::raw();
    w.bytes(&record.record_id);
    w.bytes(&record.metadata);
    w.fixed(&record.header.digest);
    // index ≤ MAX_HOPS.
    w.u8(index as u8);
    w.fixed(grant_id);
    record
        .hops
        .iter()
        .take(index.saturating_sub(1))
        .for_each(|h| h.write(&mut w));
    let mut h = Sha256::new();
    h.update(dst::HOP_BINDING);
    h.update(w.finish());
    h.finalize().into()
}

/// The KEM context of a record capsule with this binding.
pub(crate) fn record_capsule_context(binding: &[u8; 32]) -> Vec<u8> {
    context(b"record-capsule", &[binding])
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
/// into Z_r, reduced in constant time); zero is refused (probability 2^-255; the
/// outcome is public).
pub(crate) fn blinding_scalar(pk: &PublicKey, w: &[u8; 32]) -> Result<SecretScalar> {
    let uniform = Zeroizing::new(expand_message_xmd(&[&pk.id, w], dst::REKEY_BLIND, 48)?);
    let mut chunk = Zeroizing::new([0u8; 48]);
    chunk.copy_from_slice(&uniform);
    let z = SecretScalar::from_hash_bytes(&chunk);
    if declassify_choice(z.is_zero()) {
        return Err(Error::DecryptionFailed);
    }
    Ok(z)
}

/// `R = R̂ / Z(V)`: GT elements are unitary, so the inverse is the conjugate.
fn unmask(masked: &Gt, z_v: &SecretGt) -> SecretGt {
    let mut inverse = z_v.clone();
    inverse.0.conjugate_in_place();
    SecretGt::from_gt(masked).mul(&inverse)
}

impl SealedRecord {
    /// The newest layer's policy: the last hop's target policy, or the record's own.
    pub(crate) fn newest_policy(&self) -> &crate::policy::Policy {
        self.hops
            .last()
            .map_or(&self.header.policy, |h| &h.grant_capsule.policy)
    }

    /// The policy of layer `i` (0 = the record's own header).
    fn layer_policy(&self, i: usize) -> Option<&crate::policy::Policy> {
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
    pub fn current_policy(&self) -> &crate::policy::Policy {
        self.newest_policy()
    }
}

/// Recovers the record's own seed μ with a key that satisfies one of its layers, from
/// the **oldest** layer the key satisfies (one attempt).
///
/// No other layer could succeed where that one fails: an open from a newer layer
/// unwinds through the oldest satisfied layer's FO checks, and a layer that passes them
/// is honestly formed, so the key's own decapsulation of it gives the same values. Forged
/// hops appended above it are never read (finding 6), and the work is each layer at most
/// once ([`open_cost_bound`], finding 1).
pub(crate) fn recover_record_seed<K: DecryptionKey + ?Sized>(
    key: &K,
    pk: &PublicKey,
    sealed: &SealedRecord,
) -> Result<Seed> {
    check_authority(key, pk, &sealed.header)?;
    // Checked before any pairing.
    let oldest = (0..=sealed.hops.len())
        .find(|&i| {
            sealed
                .layer_policy(i)
                .is_some_and(|p| key_satisfies(key, p))
        })
        .ok_or(Error::PolicyNotSatisfied)?;
    open_from_layer(key, pk, sealed, oldest).map_err(|_| Error::DecryptionFailed)
}

/// Opens layer `i` with the key and unwinds to the record's seed; on failure, the index
/// of the layer whose check failed.
fn open_from_layer<K: DecryptionKey + ?Sized>(
    key: &K,
    pk: &PublicKey,
    sealed: &SealedRecord,
    i: usize,
) -> core::result::Result<Seed, usize> {
    if i == 0 {
        return decaps(
            key,
            pk,
            &sealed.header,
            &super::sealed::record_context(&sealed.record_id),
        )
        .map_err(|_| 0);
    }
    let hop = sealed.hops.get(i - 1).ok_or(i)?;
    let w = decaps(
        key,
        pk,
        &hop.grant_capsule,
        &grant_context(&hop.grant_id, &hop.delegator),
    )
    .map_err(|_| i)?;
    let binding = hop_binding(sealed, i, &hop.grant_id);
    let (_, z_v) = decaps_value(
        key,
        pk,
        &hop.record_capsule,
        &record_capsule_context(&binding),
    )
    .map_err(|_| i)?;
    let z = blinding_scalar(pk, &w).map_err(|_| i)?;
    unwind(pk, sealed, i, z_v, z)
}

/// Given `Z(V_i)` and `z_i` of hop `i`, walks down to layer 0 and returns μ; on
/// failure, the index of the layer whose check failed.
fn unwind(
    pk: &PublicKey,
    sealed: &SealedRecord,
    mut i: usize,
    mut z_v: SecretGt,
    mut z: SecretScalar,
) -> core::result::Result<Seed, usize> {
    loop {
        let hop = sealed.hops.get(i - 1).ok_or(i)?;
        // Z of the layer below: the record header's for hop 1, else V_{i-1}'s.
        let below = unmask(&hop.masked_r, &z_v).pow(&z);
        if i == 1 {
            return recover_seed(
                pk,
                &sealed.header,
                &below.to_bytes(),
                &super::sealed::record_context(&sealed.record_id),
            )
            .map_err(|_| 0);
        }
        let failed = i - 1;
        let prev = sealed.hops.get(i - 2).ok_or(failed)?;
        let binding = hop_binding(sealed, i - 1, &prev.grant_id);
        recover_seed(
            pk,
            &prev.record_capsule,
            &below.to_bytes(),
            &record_capsule_context(&binding),
        )
        .map_err(|_| failed)?;
        let grant_r = hop.grant_r.as_ref().ok_or(failed)?;
        let z_g = SecretGt::pow_base(grant_r, &z);
        let w = recover_seed(
            pk,
            &prev.grant_capsule,
            &z_g.to_bytes(),
            &grant_context(&prev.grant_id, &prev.delegator),
        )
        .map_err(|_| failed)?;
        z = blinding_scalar(pk, &w).map_err(|_| failed)?;
        z_v = below;
        i -= 1;
    }
}
