//! A re-encryption hop as a sealed record carries it: its fields and their encoding
//! (`docs/formats.md`, "Hop"), the hop limit and the open-cost bound over every layer
//! that decoding enforces. The record keeps its hops as data; what they mean (making a
//! hop, opening through the layers) is `crate::pre`'s (`pre/layers.rs`, `pre/open.rs`),
//! which sits above this module.
//!
//! Layer 0 is the record's own KEM header; layer `i ≥ 1` is hop `i`. Hop `i` carries
//! - the **grant capsule** `G_i` of its re-key (the same in every record of the grant);
//! - a **record capsule** `V_i` that the proxy made for this record and this hop only;
//! - `R̂_i = R_i · Z(V_i)`, the proxy's transform of the layer below, masked;
//! - for hop `i ≥ 2`, `Rg_i`, the transform of the grant capsule below (not masked).

use core::fmt;

use crate::ct::Gt;
use crate::encoding::{hex_prefix, Reader, Writer, GT_LEN};
use crate::error::{EncodingError, Result};
use crate::record::kem::KemHeader;

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
/// record's header (`pre::open`).
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

/// A **qualified grant id** (`docs/revocation-v3.md` §7.1): the grant's source authority
/// (the authority whose records, or whose layer of a re-encrypted record, the grant's
/// re-keys transform) and its grant id. Format v3 names a parent grant by it: a re-key
/// made with a parent ([`DelegationKey::rekey_under`](crate::DelegationKey::rekey_under))
/// transforms only records whose newest hop is of that grant
/// ([`SealedRecord::newest_grant`](crate::SealedRecord::newest_grant)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GrantRef {
    /// The key id of the grant's source authority.
    pub authority: [u8; 32],
    /// The grant id.
    pub grant_id: [u8; GRANT_ID_LEN],
}

impl GrantRef {
    /// The 48-byte encoding `authority ‖ grant_id` (`docs/formats.md`, "ReKey v3").
    pub fn to_bytes(&self) -> [u8; 48] {
        let mut out = [0u8; 48];
        out[..32].copy_from_slice(&self.authority);
        out[32..].copy_from_slice(&self.grant_id);
        out
    }

    /// Decodes [`to_bytes`](Self::to_bytes)' output.
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`](crate::Error::InvalidEncoding) (`BadLength`) unless
    /// `bytes` is 48 bytes long.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != 48 {
            return Err(EncodingError::BadLength.into());
        }
        let mut authority = [0u8; 32];
        let mut grant_id = [0u8; GRANT_ID_LEN];
        authority.copy_from_slice(&bytes[..32]);
        grant_id.copy_from_slice(&bytes[32..]);
        Ok(Self {
            authority,
            grant_id,
        })
    }
}

/// One re-encryption hop (see the module docs; `pre::layers` for what each value is).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Hop {
    pub(crate) grant_id: [u8; GRANT_ID_LEN],
    /// Format v3 only: the grant id of hop `i − 1` for hop `i ≥ 2` (the parent grant,
    /// `docs/revocation-v3.md` §7.3; its authority is layer `i − 2`'s), `None` for hop 1
    /// and for every v2 hop.
    pub(crate) parent: Option<[u8; GRANT_ID_LEN]>,
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
            .field("policy", &self.grant_capsule.policy.policy().to_string())
            .finish_non_exhaustive()
    }
}

impl Hop {
    /// Appends the hop encoding (`docs/formats.md`, "Hop"; a hop of v3 capsules, "Hop
    /// v3": the parent field after the delegator).
    pub(crate) fn write(&self, w: &mut Writer) {
        w.fixed(&self.grant_id);
        w.fixed(&self.delegator);
        if self.grant_capsule.is_v3() {
            match &self.parent {
                Some(p) => {
                    w.u8(1);
                    w.fixed(p);
                }
                None => w.u8(0),
            }
        }
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
            parent: None,
            delegator,
            grant_capsule,
            record_capsule,
            masked_r,
            grant_r,
        })
    }
}
