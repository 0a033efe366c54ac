//! Opening a sealed record over every layer (`docs/security.md` §3, "Open
//! re-encrypted"): the record's own header, or any hop's (see [`super::layers`]).
//!
//! A key opens the oldest layer whose policy it satisfies, then unwinds: each FO check
//! on the way down rejects a wrong value, capsule or hop. Hops above that layer are
//! never read, so a forged hop appended to a record cannot lock its audience out
//! (finding 6), and no other layer could open where that one fails: an open from a newer
//! layer unwinds through the oldest satisfied layer's FO checks, and a layer that passes
//! them is honestly formed, so the key's own decapsulation of it gives the same values.
//! One attempt, each layer read at most once: the work of an open is bounded by
//! `record::hop::open_cost_bound` (finding 1).

use super::layers::{blinding_scalar, grant_context, hop_binding, record_capsule_context, unmask};
use crate::abe::core::DecryptionKey;
use crate::abe::{PublicKey, UserKey};
use crate::ct::after_wiping_stack;
use crate::ct::{SecretGt, SecretScalar};
use crate::error::{Error, Result};
use crate::record::kem::{
    check_authority, decaps, decaps_value, key_satisfies, recover_seed, Seed,
};
use crate::record::sealed::open_body;
use crate::record::SealedRecord;

// `UserKey::open` lives here, not in `abe`: opening a record is a walk over its layers,
// which is this module's job; `abe` only provides the key's DecCore.
impl UserKey {
    /// Opens a sealed record, including a re-encrypted one: the key may satisfy the
    /// policy of any layer (the original policy or a re-encryption's target policy).
    ///
    /// It opens from the oldest layer the key satisfies (no other could succeed where
    /// that one fails): a forged hop appended to the record does not lock its audience
    /// out, and each layer is read at most once.
    ///
    /// # Errors
    /// [`Error::WrongAuthority`] (before any pairing) if the key or the record belongs
    /// to another authority than `pk`'s; [`Error::PolicyNotSatisfied`] (before any
    /// pairing) if the key's attributes satisfy no layer's policy;
    /// [`Error::DecryptionFailed`] for any tampered header, hop, metadata or body.
    pub fn open(&self, pk: &PublicKey, sealed: &SealedRecord) -> Result<Vec<u8>> {
        after_wiping_stack(|| {
            // Built once: v3 hashes the metadata into it.
            let ctx = sealed.kem_context();
            let seed = recover_record_seed(&*self.material, pk, sealed, &ctx)?;
            open_body(&seed, sealed, &ctx)
        })
    }
}

/// Recovers the record's own seed μ with a key that satisfies one of its layers, from
/// the **oldest** layer the key satisfies (one attempt).
///
/// No other layer could succeed where that one fails: an open from a newer layer
/// unwinds through the oldest satisfied layer's FO checks, and a layer that passes them
/// is honestly formed, so the key's own decapsulation of it gives the same values. Forged
/// hops appended above it are never read (finding 6), and the work is each layer at most
/// once (`record::hop::open_cost_bound`, finding 1).
fn recover_record_seed<K: DecryptionKey + ?Sized>(
    key: &K,
    pk: &PublicKey,
    sealed: &SealedRecord,
    ctx: &[u8],
) -> Result<Seed> {
    check_authority(key, pk, &sealed.header)?;
    // Checked before any pairing.
    let oldest = (0..=sealed.hop_count())
        .find(|&i| {
            sealed
                .layer_policy(i)
                .is_some_and(|p| key_satisfies(key, p))
        })
        .ok_or(Error::PolicyNotSatisfied)?;
    open_from_layer(key, pk, sealed, oldest, ctx).map_err(|_| Error::DecryptionFailed)
}

/// Opens layer `i` with the key and unwinds to the record's seed; on failure, the index
/// of the layer whose check failed.
fn open_from_layer<K: DecryptionKey + ?Sized>(
    key: &K,
    pk: &PublicKey,
    sealed: &SealedRecord,
    i: usize,
    ctx: &[u8],
) -> core::result::Result<Seed, usize> {
    if i == 0 {
        return decaps(key, pk, &sealed.header, ctx).map_err(|_| 0);
    }
    let hop = sealed.hops().get(i - 1).ok_or(i)?;
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
    unwind(pk, sealed, i, z_v, z, ctx)
}

/// Given `Z(V_i)` and `z_i` of hop `i`, walks down to layer 0 and returns μ; on
/// failure, the index of the layer whose check failed.
fn unwind(
    pk: &PublicKey,
    sealed: &SealedRecord,
    mut i: usize,
    mut z_v: SecretGt,
    mut z: SecretScalar,
    ctx: &[u8],
) -> core::result::Result<Seed, usize> {
    loop {
        let hop = sealed.hops().get(i - 1).ok_or(i)?;
        // Z of the layer below: the record header's for hop 1, else V_{i-1}'s.
        let below = unmask(&hop.masked_r, &z_v).pow(&z);
        if i == 1 {
            return recover_seed(pk, &sealed.header, &below.to_bytes(), ctx).map_err(|_| 0);
        }
        let failed = i - 1;
        let prev = sealed.hops().get(i - 2).ok_or(failed)?;
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
