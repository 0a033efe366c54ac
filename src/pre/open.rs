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

use super::layers::{
    blinding_scalar, hop_binding, hop_grant_context, record_capsule_context, unmask, Authorities,
};
use crate::abe::core::DecryptionKey;
use crate::abe::{PublicKey, UserKey};
use crate::ct::after_wiping_stack;
use crate::ct::{SecretGt, SecretScalar};
use crate::error::{Error, Result};
use crate::record::kem::{decaps, decaps_value, key_satisfies, recover_seed, Seed};
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
    /// Every layer up to the one the key opens must be of `pk`'s authority; a record
    /// that a cross-authority re-key brought to this key's authority opens with
    /// [`open_federated`](Self::open_federated).
    ///
    /// # Errors
    /// [`Error::WrongAuthority`] (before any pairing) if the key or the record belongs
    /// to another authority than `pk`'s; [`Error::PolicyNotSatisfied`] (before any
    /// pairing) if the key's attributes satisfy no layer's policy;
    /// [`Error::DecryptionFailed`] for any tampered header, hop, metadata or body.
    pub fn open(&self, pk: &PublicKey, sealed: &SealedRecord) -> Result<Vec<u8>> {
        self.open_federated(&[pk], sealed)
    }

    /// Opens a sealed record whose layers may be of several authorities (federation,
    /// `docs/federation.md`): a record of hospital A that a cross-authority re-key
    /// ([`DelegationKey::rekey_to`](crate::DelegationKey::rekey_to)) referred to hospital
    /// B opens with a key of B's and the public keys of A and B. `authorities` are the
    /// public keys the caller trusts (from its own configuration, never from the
    /// record); a layer is opened only with the key of its own authority and checked
    /// against its authority's public key, found by key id.
    ///
    /// The key opens the oldest layer **of its own authority** whose policy its
    /// attributes satisfy (names are not authority-qualified: A's `role:nurse` is not
    /// B's), and unwinds to the record's seed through the layers below, each checked
    /// under its own authority's public key.
    ///
    /// # Errors
    /// [`Error::WrongAuthority`] (before any pairing) if the key's authority is not among
    /// `authorities` or names no layer of the record, or a layer below the one the key
    /// opens is of an authority not among `authorities`; [`Error::PolicyNotSatisfied`]
    /// (before any pairing) if the key satisfies no layer of its authority;
    /// [`Error::DecryptionFailed`] for any tampered header, hop, metadata or body.
    pub fn open_federated(
        &self,
        authorities: &[&PublicKey],
        sealed: &SealedRecord,
    ) -> Result<Vec<u8>> {
        after_wiping_stack(|| {
            // Built once: v3 hashes the metadata into it.
            let ctx = sealed.kem_context();
            let seed = recover_record_seed(&*self.material, authorities, sealed, &ctx)?;
            open_body(&seed, sealed, &ctx)
        })
    }
}

/// The public keys of a record's layers `0..=top`, found by key id among the caller's
/// trusted keys; `WrongAuthority` if one is missing.
fn layer_keys<'a>(
    authorities: &[&'a PublicKey],
    sealed: &SealedRecord,
    top: usize,
) -> Result<Vec<&'a PublicKey>> {
    (0..=top)
        .map(|i| {
            let id = sealed.layer_authority(i).ok_or(Error::WrongAuthority)?;
            authorities
                .iter()
                .find(|pk| pk.id == *id)
                .copied()
                .ok_or(Error::WrongAuthority)
        })
        .collect()
}

/// Recovers the record's own seed μ with a key that satisfies one of its layers, from
/// the **oldest** layer of the key's authority that the key satisfies (one attempt).
///
/// No other layer could succeed where that one fails: an open from a newer layer
/// unwinds through the oldest satisfied layer's FO checks, and a layer that passes them
/// is honestly formed, so the key's own decapsulation of it gives the same values. Forged
/// hops appended above it are never read (finding 6), and the work is each layer at most
/// once (`record::hop::open_cost_bound`, finding 1).
fn recover_record_seed<K: DecryptionKey + ?Sized>(
    key: &K,
    authorities: &[&PublicKey],
    sealed: &SealedRecord,
    ctx: &[u8],
) -> Result<Seed> {
    let own = key.authority();
    if !authorities.iter().any(|pk| pk.id == *own) {
        return Err(Error::WrongAuthority);
    }
    let of_own = |i: &usize| sealed.layer_authority(*i) == Some(own);
    if !(0..=sealed.hop_count()).any(|i| of_own(&i)) {
        return Err(Error::WrongAuthority);
    }
    // Checked before any pairing.
    let oldest = (0..=sealed.hop_count())
        .filter(of_own)
        .find(|&i| {
            sealed
                .layer_policy(i)
                .is_some_and(|p| key_satisfies(key, p))
        })
        .ok_or(Error::PolicyNotSatisfied)?;
    let keys = layer_keys(authorities, sealed, oldest)?;
    open_from_layer(key, &keys, sealed, oldest, ctx).map_err(|_| Error::DecryptionFailed)
}

/// The source and target authorities of hop `i` (1-based): the layer below's and the
/// hop's own.
fn hop_authorities<'a>(keys: &[&'a PublicKey], i: usize) -> Option<Authorities<'a>> {
    Some(Authorities {
        source: &keys.get(i - 1)?.id,
        target: &keys.get(i)?.id,
    })
}

/// Opens layer `i` with the key and unwinds to the record's seed; on failure, the index
/// of the layer whose check failed. `keys[j]` is layer `j`'s authority's public key.
fn open_from_layer<K: DecryptionKey + ?Sized>(
    key: &K,
    keys: &[&PublicKey],
    sealed: &SealedRecord,
    i: usize,
    ctx: &[u8],
) -> core::result::Result<Seed, usize> {
    if i == 0 {
        return decaps(key, keys.first().ok_or(0usize)?, &sealed.header, ctx).map_err(|_| 0);
    }
    let hop = sealed.hops().get(i - 1).ok_or(i)?;
    let pk = keys.get(i).ok_or(i)?;
    let authorities = hop_authorities(keys, i).ok_or(i)?;
    let w = decaps(
        key,
        pk,
        &hop.grant_capsule,
        &hop_grant_context(sealed, i, hop, authorities),
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
    let z = blinding_scalar(authorities, &w, sealed.header.is_v3()).map_err(|_| i)?;
    unwind(keys, sealed, i, z_v, z, ctx)
}

/// Given `Z(V_i)` and `z_i` of hop `i`, walks down to layer 0 and returns μ; on
/// failure, the index of the layer whose check failed. Each layer is checked under its
/// own authority's public key (`keys[j]` for layer `j`).
fn unwind(
    keys: &[&PublicKey],
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
        let below_pk = keys.get(i - 1).ok_or(i - 1)?;
        if i == 1 {
            return recover_seed(below_pk, &sealed.header, &below.to_bytes(), ctx).map_err(|_| 0);
        }
        let failed = i - 1;
        let prev = sealed.hops().get(i - 2).ok_or(failed)?;
        let binding = hop_binding(sealed, i - 1, &prev.grant_id);
        recover_seed(
            below_pk,
            &prev.record_capsule,
            &below.to_bytes(),
            &record_capsule_context(&binding),
        )
        .map_err(|_| failed)?;
        let grant_r = hop.grant_r.as_ref().ok_or(failed)?;
        let z_g = SecretGt::pow_base(grant_r, &z);
        let prev_authorities = hop_authorities(keys, i - 1).ok_or(failed)?;
        let w = recover_seed(
            below_pk,
            &prev.grant_capsule,
            &z_g.to_bytes(),
            &hop_grant_context(sealed, i - 1, prev, prev_authorities),
        )
        .map_err(|_| failed)?;
        z = blinding_scalar(prev_authorities, &w, sealed.header.is_v3()).map_err(|_| failed)?;
        z_v = below;
        i -= 1;
    }
}
