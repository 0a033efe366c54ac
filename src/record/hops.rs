//! Re-encryption hops carried by a sealed record, and opening through them
//! (DESIGN.md §6, "Open re-encrypted").
//!
//! Layer 0 is the record's own KEM header; layer `i ≥ 1` is the capsule of hop `i`.
//! Hop `i` carries `R_i = Z_{i-1}^{1/z_i}`, where `Z_{i-1}` is the KEM value of layer
//! `i-1` and `z_i = H_z(w_i)` is derived from the seed of its own capsule. A key opens
//! the newest layer whose policy it satisfies, then unwinds: each FO check on the way
//! down rejects a wrong `R`, capsule or hop.

use core::fmt;

use zeroize::Zeroizing;

use crate::abe::core::{DecryptionKey, Gt};
use crate::abe::{hex_prefix, PublicKey};
use crate::ct::{declassify_choice, SecretGt, SecretScalar};
use crate::encoding::{Reader, Writer};
use crate::error::{Error, Result};
use crate::hash::{dst, expand_message_xmd};
use crate::record::kem::{context, decaps, recover_seed, KemHeader, Seed};
use crate::record::SealedRecord;

/// The most re-encryption hops one record may carry.
pub const MAX_HOPS: usize = 8;

/// Length of a grant id.
pub(crate) const GRANT_ID_LEN: usize = 16;

/// One re-encryption hop: the grant it was made under, the transformed KEM value and
/// the capsule that lets the new audience recover the blinding.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Hop {
    pub(crate) grant_id: [u8; GRANT_ID_LEN],
    pub(crate) r: Gt,
    pub(crate) capsule: KemHeader,
}

impl fmt::Debug for Hop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hop")
            .field("grant_id", &hex_prefix(&self.grant_id))
            .field("policy", &self.capsule.policy.to_string())
            .finish_non_exhaustive()
    }
}

impl Hop {
    pub(crate) fn write(&self, w: &mut Writer) {
        w.fixed(&self.grant_id);
        w.gt(&self.r);
        self.capsule.write(w);
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        let grant_id = r.fixed::<GRANT_ID_LEN>()?;
        let r_value = r.gt()?;
        let capsule = KemHeader::read(r)?;
        Ok(Self {
            grant_id,
            r: r_value,
            capsule,
        })
    }
}

/// The KEM context of a re-key capsule.
pub(crate) fn capsule_context(grant_id: &[u8; GRANT_ID_LEN]) -> Vec<u8> {
    context(b"capsule", &[grant_id])
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

impl SealedRecord {
    /// The newest layer: the last hop's capsule, or the record's own header.
    pub(crate) fn newest_layer(&self) -> &KemHeader {
        self.hops.last().map_or(&self.header, |h| &h.capsule)
    }

    /// The KEM header and context of layer `i` (0 = the record's own header).
    fn layer(&self, i: usize) -> Result<(&KemHeader, Vec<u8>)> {
        if i == 0 {
            return Ok((&self.header, super::sealed::record_context(&self.record_id)));
        }
        let hop = self.hops.get(i - 1).ok_or(Error::DecryptionFailed)?;
        Ok((&hop.capsule, capsule_context(&hop.grant_id)))
    }

    /// How many times the record has been re-encrypted.
    pub fn hop_count(&self) -> usize {
        self.hops.len()
    }

    /// The policy of the newest layer: who can open the record now (the original
    /// policy for a record never re-encrypted).
    pub fn current_policy(&self) -> &crate::policy::Policy {
        &self.newest_layer().policy
    }
}

/// Recovers the record's own seed μ with a key that satisfies one of its layers.
pub(crate) fn recover_record_seed<K: DecryptionKey + ?Sized>(
    key: &K,
    pk: &PublicKey,
    sealed: &SealedRecord,
) -> Result<Seed> {
    // The newest layer the key satisfies; checked before any pairing.
    let start = (0..=sealed.hops.len())
        .rev()
        .find(|&i| {
            sealed
                .layer(i)
                .is_ok_and(|(h, _)| h.policy.is_satisfied_by(key.attributes()))
        })
        .ok_or(Error::PolicyNotSatisfied)?;
    let (header, ctx) = sealed.layer(start)?;
    let mut seed = decaps(key, pk, header, &ctx)?;
    for i in (1..=start).rev() {
        let hop = sealed.hops.get(i - 1).ok_or(Error::DecryptionFailed)?;
        let z = blinding_scalar(pk, &seed)?;
        // Z = R^z by constant-time GT exponentiation; only its encoding is used.
        let z_below = SecretGt::pow_base(&hop.r, &z).to_bytes();
        let (below, ctx_below) = sealed.layer(i - 1)?;
        seed = recover_seed(pk, below, &z_below, &ctx_below)?;
    }
    Ok(seed)
}
