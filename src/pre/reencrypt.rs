//! The proxy's operation: transform one record for the audience of the re-key's target
//! policy, adding one hop (see [`super::layers`] for what the hop holds).

use super::layers::{hop_binding, record_capsule_context, record_capsule_seed};
use super::rekey::ReKey;
use crate::abe::core::dec_core;
use crate::ct::after_wiping_stack;
use crate::error::{Error, Result};
use crate::record::envelope::encaps_v3_capsule;
use crate::record::hop::{open_cost_bound, Hop, MAX_HOPS, MAX_RECORD_OPEN_COST};
use crate::record::kem::{encaps_with_seed, key_gamma, key_satisfies, HeaderFormat, KemHeader};
use crate::record::SealedRecord;

impl ReKey {
    /// Why this re-key cannot transform the record, checked without group work.
    fn refusal(&self, record: &SealedRecord) -> Option<Error> {
        // The layer this re-key transforms is the newest: its authority must be the
        // re-key's source (after a cross-authority hop, the hop's target authority).
        if record.current_authority() != self.material.authority {
            return Some(Error::WrongAuthority);
        }
        // A v3 record's hops are v3 hops (`docs/revocation-v3.md` §11.5), made by v3
        // re-keys; a v2 record's are v2 hops.
        if record.header.is_v3() != self.is_v3() {
            return Some(Error::InvalidArgument(
                "a format v2 re-key transforms v2 records and a v3 re-key v3 records",
            ));
        }
        if record.hop_count() >= MAX_HOPS {
            return Some(Error::InvalidArgument(
                "the record has the maximum number of hops",
            ));
        }
        if record.hops().iter().any(|h| h.grant_id == self.grant_id) {
            return Some(Error::InvalidArgument(
                "the record was already re-encrypted under this grant",
            ));
        }
        // The parent link (§7.3): a v3 re-key without a parent applies to records without
        // hops, one with parent G to records whose newest hop is of G (qualified ids).
        if self.is_v3() && self.parent() != record.newest_grant() {
            return Some(Error::PolicyNotSatisfied);
        }
        // Names and versions (`docs/revocation-v3.md` §3.4), before any group work.
        if !key_satisfies(&*self.material, record.newest_policy()) {
            return Some(Error::PolicyNotSatisfied);
        }
        // The result must stay within the open-cost budget of one record.
        let policies = record
            .hops()
            .iter()
            .map(|h| h.grant_capsule.policy.policy())
            .chain(core::iter::once(self.capsule.policy.policy()));
        if open_cost_bound(record.header.policy.policy(), policies) > MAX_RECORD_OPEN_COST {
            return Some(Error::LimitExceeded(crate::error::LimitKind::PolicyCost));
        }
        None
    }

    /// Whether this re-key can transform the record: the record's newest layer is of the
    /// re-key's source authority ([`SealedRecord::current_authority`]), the record is of
    /// the re-key's format (v2 or v3), a v3 re-key's parent is the record's newest grant
    /// ([`SealedRecord::newest_grant`]; none for a record without hops), its attributes
    /// satisfy the record's newest policy at its versions, the hop limit is not reached
    /// and the record was not already re-encrypted under this grant (exactly when
    /// [`reencrypt`](Self::reencrypt) succeeds on a well-formed record).
    pub fn can_reencrypt(&self, record: &SealedRecord) -> bool {
        self.refusal(record).is_none()
    }

    /// Re-encrypts one record (the proxy's operation). The result is a sealed record
    /// with one more hop, bound to this record: keys satisfying the target policy open
    /// it, and it can be re-encrypted again with a re-key made for such keys
    /// (multi-hop). Deterministic: the same record and re-key give the same result.
    ///
    /// # Errors
    /// In this order, each checked before any group work:
    /// [`Error::WrongAuthority`] if the record's newest layer is of another authority
    /// than the re-key's source; [`Error::InvalidArgument`] if the record is of the other
    /// format (v2 or v3), already has [`MAX_HOPS`] hops or was already re-encrypted under
    /// this grant; [`Error::PolicyNotSatisfied`] if a v3 re-key's parent is not the
    /// record's newest grant, or `S'` does not satisfy the record's newest policy at its
    /// versions; [`Error::LimitExceeded`] (`PolicyCost`) if the result would cost more
    /// than [`MAX_RECORD_OPEN_COST`] to open.
    pub fn reencrypt(&self, record: &SealedRecord) -> Result<SealedRecord> {
        after_wiping_stack(|| {
            if let Some(e) = self.refusal(record) {
                return Err(e);
            }
            let index = record.hop_count() + 1;
            // The layer to transform: the record header, or the record capsule of the hop
            // below together with its grant capsule.
            let (r, grant_r) = match record.hops().last() {
                None => (self.transform(&record.header)?, None),
                Some(prev) => (
                    self.transform(&prev.record_capsule)?,
                    Some(self.transform(&prev.grant_capsule)?.publish()),
                ),
            };
            let binding = hop_binding(record, index, &self.grant_id);
            let seed = record_capsule_seed(&self.hop_key, &binding);
            let ctx = record_capsule_context(&binding);
            // A v3 record capsule copies the grant capsule's serial and flags (§11.5).
            let (record_capsule, z_v) = match self.capsule.format {
                HeaderFormat::V3 {
                    notice_serial,
                    flags,
                } => encaps_v3_capsule(
                    &self.pk,
                    &self.capsule.policy,
                    (notice_serial, flags),
                    &ctx,
                    &seed,
                )?,
                HeaderFormat::V2 => encaps_with_seed(&self.pk, &self.capsule.policy, &ctx, &seed)?,
            };
            // R̂ = R · Z(V) is public; R alone never leaves this function.
            let masked_r = r.mul(&z_v).publish();
            Ok(record.with_hop(Hop {
                grant_id: self.grant_id,
                parent: self.parent().map(|p| p.grant_id),
                delegator: self.delegator.to_bytes(),
                grant_capsule: self.capsule.clone(),
                record_capsule,
                masked_r,
                grant_r,
            }))
        })
    }

    /// DecCore with the blinded key on a header the attributes satisfy: `Z^{1/z}`.
    fn transform(&self, header: &KemHeader) -> Result<crate::ct::SecretGt> {
        let gamma = key_gamma(&*self.material, &header.policy).ok_or(Error::PolicyNotSatisfied)?;
        dec_core(&*self.material, &header.policy, &header.core, &gamma)
    }
}
