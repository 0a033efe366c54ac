//! Catch-up of one stored record (`docs/revocation-v3.md` §9): the re-sealer gives a
//! record a new KEM header at the current attribute versions, so keys at the old
//! versions (a revoked user's) stop opening it, while its id, metadata and body stay
//! byte for byte.
//!
//! The re-sealer opens the old header through the ordinary, constant-time path with a
//! **one-record key** for exactly the (name, version) pairs of the header's rows (§9.3:
//! the path storage-admitted records take; the master-key decapsulation is not built),
//! unwraps the body key `K_b`, checks it against the key commitment, and wraps it again
//! in a fresh header at the new versions. It copies the commitments from the FO-checked
//! old header; it hashes the body once to compare it with its commitment (so that a body
//! storage damaged is refused, not vouched for by a new header), and never decrypts it. A v2 record has no envelope: its body key
//! depends on its header, so its catch-up is a full re-encryption into a v3 record, and
//! the re-sealer sees its plaintext (§12).
//!
//! Hops are dropped: each hop's binding covers the header digest, and proxies re-apply
//! them to the new version (§9.5).

use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use super::envelope::{body_commitment, metadata_hash};
use super::kem::{decaps, names_guard};
use super::sealed_v3::{seal_v3, wrap_header};
use super::SealedRecord;
use crate::abe::key_material::KeyMaterial;
use crate::abe::Authority;
use crate::ct::after_wiping_stack;
use crate::error::{Error, Result};
use crate::policy::{Attribute, VersionedPolicy, HOLDER_GUARD};

impl Authority {
    /// The one-record key of §9.3: every row's attribute at the row's version, and the
    /// holder guard's component if the header names the guard (a session or stream
    /// header; records are never guarded).
    pub(crate) fn one_record_key<R: RngCore + CryptoRng + ?Sized>(
        &self,
        policy: &VersionedPolicy,
        rng: &mut R,
    ) -> Result<KeyMaterial> {
        let with_guard = names_guard(policy.policy());
        let mut pairs: Vec<(Attribute, u32)> = policy
            .policy()
            .attributes()
            .iter()
            .cloned()
            .zip(policy.versions().iter().copied())
            .filter(|(name, _)| name.as_str() != HOLDER_GUARD)
            .collect();
        // ρ is injective (one row per name), so the names are unique once sorted.
        pairs.sort();
        let (names, versions) = pairs.into_iter().unzip();
        self.key_material(names, versions, with_guard, rng)
    }

    /// Re-wraps `record` (layer 0) at `policy`, which must be the record's own policy at
    /// versions no lower than the record's (a lower version would reopen the record to
    /// keys a bump shut out), for the notice of `notice_serial`.
    ///
    /// # Errors
    /// [`Error::WrongAuthority`] for another authority's record;
    /// [`Error::InvalidArgument`] if `policy` is not the record's policy;
    /// [`Error::FutureVersion`] if the record is at a version above `policy`'s;
    /// [`Error::DecryptionFailed`] if the record's header, envelope or (v2) body fails
    /// its checks.
    pub(crate) fn rewrap_at<R: RngCore + CryptoRng + ?Sized>(
        &self,
        record: &SealedRecord,
        policy: &VersionedPolicy,
        notice_serial: u64,
        rng: &mut R,
    ) -> Result<SealedRecord> {
        after_wiping_stack(|| {
            let pk = self.public_key();
            let old = &record.header.policy;
            if record.authority() != pk.id {
                return Err(Error::WrongAuthority);
            }
            if policy.policy() != old.policy() {
                return Err(Error::InvalidArgument(
                    "a re-wrap keeps the record's policy",
                ));
            }
            if policy
                .versions()
                .iter()
                .zip(old.versions())
                .any(|(new, old)| new < old)
            {
                return Err(Error::FutureVersion);
            }
            let key = self.one_record_key(old, rng)?;
            let ctx = record.kem_context();
            let seed =
                decaps(&key, pk, &record.header, &ctx).map_err(|_| Error::DecryptionFailed)?;
            let Some(commitment) = record.body_commitment else {
                // v2: the body key depends on the header, so re-encrypt the payload.
                let payload = Zeroizing::new(super::sealed::open_body(&seed, record, &ctx)?);
                return seal_v3(
                    pk,
                    policy,
                    notice_serial,
                    &record.record_id,
                    &record.metadata,
                    &payload,
                    rng,
                );
            };
            // The re-sealer holds the whole record here, so it checks the body against the
            // commitment it copies (RV-2; `docs/revocation-v3.md` §5.2 lets a header-only
            // re-sealer leave this to storage's audit).
            if body_commitment(&record.record_id, &record.body) != commitment {
                return Err(Error::DecryptionFailed);
            }
            let body_key = record.body_key(&seed, &ctx)?;
            let header = wrap_header(
                pk,
                policy,
                notice_serial,
                &record.record_id,
                &metadata_hash(&record.metadata),
                &commitment,
                record.body.len() as u64,
                &body_key,
                rng,
            )?;
            Ok(SealedRecord {
                record_id: record.record_id.clone(),
                metadata: record.metadata.clone(),
                header,
                body: record.body.clone(),
                body_commitment: Some(commitment),
                hops: Vec::new(),
            })
        })
    }
}
