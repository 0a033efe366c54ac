//! Decoding the v3 KEM header (`docs/revocation-v3.md` §11.4): `authority ‖ u64
//! notice_serial ‖ u8 flags ‖ bytes ⟨P⟩ ‖ list<u32> versions ‖ C0 ‖ rows ‖ c'`, then
//! for records the envelope `key_commitment ‖ wrap`. The encoder is
//! [`KemHeader::new_v3`].
//!
//! The version vector is read in the structural pass, before any point: its count must
//! equal the policy's row count and be at most `MAX_POLICY_LEAVES` (`BadLength`), and the
//! holder guard's entry must be 0 (`NonCanonical`), by
//! [`VersionedPolicy::from_decoded_versions`] (§3.3).

use super::kem::{read_policy, Envelope, KemHeader, WRAP_LEN};
use crate::abe::core::HeaderCore;
use crate::encoding::{Reader, G1_LEN, G2_LEN};
use crate::error::{EncodingError, Result};
use crate::policy::{Policy, VersionedPolicy};

/// The serial and flags of a v3 header: the serial is at least 1 (a notice's), and only
/// flag bit 0 (`degraded`) is defined.
fn read_serial_flags(r: &mut Reader<'_>) -> Result<(u64, u8)> {
    let serial = r.u64()?;
    let flags = r.u8()?;
    if serial == 0 || flags & !1 != 0 {
        return Err(EncodingError::NonCanonical.into());
    }
    Ok((serial, flags))
}

/// The policy and its version vector (§3.3's refusal rules, before any point).
fn read_versioned_policy(r: &mut Reader<'_>) -> Result<VersionedPolicy> {
    let policy = read_policy(r)?;
    let count = r.u32()?;
    VersionedPolicy::from_decoded_versions(policy, count, || r.u32())
}

/// The fields of a v3 header before its envelope, every point decoded and checked.
struct Fields {
    authority: [u8; 32],
    serial_flags: (u64, u8),
    policy: VersionedPolicy,
    core: HeaderCore,
    masked_seed: [u8; 32],
}

fn read_fields(r: &mut Reader<'_>) -> Result<Fields> {
    let authority = r.fixed::<32>()?;
    let serial_flags = read_serial_flags(r)?;
    let policy = read_versioned_policy(r)?;
    let c0 = [r.g2()?, r.g2()?, r.g2()?];
    let n = policy.versions().len();
    let mut rows = Vec::with_capacity(n);
    for _ in 0..n {
        rows.push([r.g1()?, r.g1()?, r.g1()?]);
    }
    let masked_seed = r.fixed::<32>()?;
    Ok(Fields {
        authority,
        serial_flags,
        policy,
        core: HeaderCore { c0, rows },
        masked_seed,
    })
}

impl Fields {
    fn into_header(self, envelope: Option<Envelope>, ctx: &[u8]) -> KemHeader {
        KemHeader::new_v3(
            self.authority,
            self.policy,
            self.core,
            self.masked_seed,
            self.serial_flags,
            envelope,
            ctx,
        )
    }
}

impl KemHeader {
    /// Reads and validates a v3 header with its envelope (a record's): the structure,
    /// then every point (in the subgroup, not the identity). `ctx_of` gives the KEM
    /// context from the envelope's key commitment (a record's context includes it), which
    /// the header digest covers. Returns the header and its context.
    pub(crate) fn read_v3_enveloped(
        r: &mut Reader<'_>,
        ctx_of: impl FnOnce(&[u8; 32]) -> Vec<u8>,
    ) -> Result<(Self, Vec<u8>)> {
        let f = read_fields(r)?;
        let key_commitment = r.fixed::<32>()?;
        let wrap = r.fixed::<WRAP_LEN>()?;
        let ctx = ctx_of(&key_commitment);
        let envelope = Envelope {
            key_commitment,
            wrap,
        };
        Ok((f.into_header(Some(envelope), &ctx), ctx))
    }

    /// Reads and validates a v3 header without an envelope (a re-encryption capsule,
    /// `docs/revocation-v3.md` §11.4), for the KEM context `ctx`, which its digest covers.
    pub(crate) fn read_v3_capsule(r: &mut Reader<'_>, ctx: &[u8]) -> Result<Self> {
        Ok(read_fields(r)?.into_header(None, ctx))
    }

    /// The structural pass over a v3 capsule: every check of
    /// [`read_v3_capsule`](Self::read_v3_capsule) but the points. Returns the authority,
    /// the versioned policy, and the serial and flags.
    pub(crate) fn skim_v3_capsule(
        r: &mut Reader<'_>,
    ) -> Result<([u8; 32], VersionedPolicy, (u64, u8))> {
        let authority = r.fixed::<32>()?;
        let serial_flags = read_serial_flags(r)?;
        let policy = read_versioned_policy(r)?;
        r.skip(3 * G2_LEN)?;
        r.skip(policy.versions().len() * 3 * G1_LEN)?;
        r.skip(32)?;
        Ok((authority, policy, serial_flags))
    }

    /// The structural pass over a v3 header with its envelope: every check of
    /// [`read_v3_enveloped`](Self::read_v3_enveloped) but the points, which are skipped
    /// by their fixed lengths. Returns the authority and the policy.
    pub(crate) fn skim_v3_enveloped(r: &mut Reader<'_>) -> Result<([u8; 32], Policy)> {
        let authority = r.fixed::<32>()?;
        read_serial_flags(r)?;
        let policy = read_versioned_policy(r)?;
        r.skip(3 * G2_LEN)?;
        r.skip(policy.versions().len() * 3 * G1_LEN)?;
        r.skip(32 + 32 + WRAP_LEN)?;
        Ok((authority, policy.policy().clone()))
    }
}
