//! [`VersionedPolicy`]: a policy with the version of the attribute of each LSSS row
//! (`docs/revocation-v3.md` §3.2, §3.3).
//!
//! A [`Policy`] is what callers write and seal under; it carries no versions. Everything
//! that does group work for a header (the row bases, EncCore, the FO recomputation,
//! DecCore's row selection) works on a `VersionedPolicy`, whose canonical bytes are the
//! key of every cache built from it, so that state computed at one version can never be
//! served for another. Format v2 objects are every row at version 0
//! ([`VersionedPolicy::unversioned`]); there is no constructor from a caller's vector:
//! a verified version notice makes one ([`VersionedPolicy::from_name_versions`], through
//! `VerifiedNotice::apply`), the header decoder another
//! ([`VersionedPolicy::from_decoded_versions`]).

use core::fmt;

use ark_bls12_381::Fr;

use super::{Attribute, Lsss, Policy, HOLDER_GUARD, MAX_POLICY_LEAVES};
use crate::error::{EncodingError, Result};

/// A [`Policy`] and its version vector: one `u32` per LSSS row, in row order, the
/// holder guard's row ([`HOLDER_GUARD`]) always 0.
///
/// Equality, hashing and every cache key are its canonical bytes
/// ([`canonical_bytes`](Self::canonical_bytes)):
/// `u32 len(⟨P⟩) ‖ ⟨P⟩ ‖ u32 n ‖ u32 v_1 ‖ … ‖ u32 v_n`.
#[derive(Clone)]
pub(crate) struct VersionedPolicy {
    policy: Policy,
    /// One per row of `policy.lsss()`, row order.
    versions: Vec<u32>,
    /// The canonical bytes, computed once (they key the FO bases' cache on every open).
    bytes: Vec<u8>,
}

impl VersionedPolicy {
    /// `policy` with every row at version 0: the versioned form of every v2 object.
    pub(crate) fn unversioned(policy: Policy) -> Self {
        let versions = vec![0; policy.lsss().rows()];
        Self::assemble(policy, versions)
    }

    /// `policy` with each row at `version_of` its attribute's name, and the holder guard's
    /// row at 0 whatever `version_of` says (§3.2: the guard is never versioned). The
    /// constructor of a verified notice's `apply`: the versions come from a notice whose
    /// signature and rules were checked, never from a caller's vector.
    pub(crate) fn from_name_versions(
        policy: Policy,
        version_of: impl Fn(&Attribute) -> u32,
    ) -> Self {
        let versions = policy
            .attributes()
            .iter()
            .map(|a| {
                if a.as_str() == HOLDER_GUARD {
                    0
                } else {
                    version_of(a)
                }
            })
            .collect();
        Self::assemble(policy, versions)
    }

    /// The version vector of a decoded object, under the refusal rules of
    /// `docs/revocation-v3.md` §3.3, in the decoder's structural pass: `count` (the
    /// encoded count, read before anything else) must be at most [`MAX_POLICY_LEAVES`]
    /// and equal the policy's row count (`BadLength` otherwise, checked before anything
    /// is allocated or read); then `count` entries are read with `next` (its errors are
    /// passed on, e.g. `Truncated`); a non-zero entry on the holder guard's row is
    /// `NonCanonical`.
    ///
    /// # Errors
    /// [`EncodingError::BadLength`], [`EncodingError::NonCanonical`], or `next`'s error.
    #[cfg_attr(not(test), allow(dead_code))] // The v3 header decoder's (next step).
    pub(crate) fn from_decoded_versions(
        policy: Policy,
        count: u32,
        mut next: impl FnMut() -> Result<u32>,
    ) -> Result<Self> {
        let n = usize::try_from(count)
            .ok()
            .filter(|&n| n <= MAX_POLICY_LEAVES)
            .ok_or(EncodingError::BadLength)?;
        if n != policy.lsss().rows() {
            return Err(EncodingError::BadLength.into());
        }
        let mut versions = Vec::with_capacity(n);
        for _ in 0..n {
            versions.push(next()?);
        }
        let guard_versioned = policy
            .attributes()
            .iter()
            .zip(&versions)
            .any(|(a, &v)| v != 0 && a.as_str() == HOLDER_GUARD);
        if guard_versioned {
            return Err(EncodingError::NonCanonical.into());
        }
        Ok(Self::assemble(policy, versions))
    }

    /// `policy` at `versions` (one per row), with the decoder's rules: for tests, which
    /// need headers and keys at versions before notices exist.
    #[cfg(test)]
    pub(crate) fn at_versions(policy: Policy, versions: &[u32]) -> Result<Self> {
        let count = u32::try_from(versions.len()).unwrap_or(u32::MAX);
        let mut entries = versions.iter().copied();
        Self::from_decoded_versions(policy, count, || {
            entries
                .next()
                .ok_or(crate::error::Error::InvalidArgument("too few versions"))
        })
    }

    fn assemble(policy: Policy, versions: Vec<u32>) -> Self {
        let text = policy.as_str().as_bytes();
        // ⟨P⟩ is at most MAX_POLICY_TEXT_LEN bytes and n at most MAX_POLICY_LEAVES.
        let text_len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        let n = u32::try_from(versions.len()).unwrap_or(u32::MAX);
        let mut bytes = Vec::with_capacity(8 + text.len() + 4 * versions.len());
        bytes.extend_from_slice(&text_len.to_be_bytes());
        bytes.extend_from_slice(text);
        bytes.extend_from_slice(&n.to_be_bytes());
        for v in &versions {
            bytes.extend_from_slice(&v.to_be_bytes());
        }
        Self {
            policy,
            versions,
            bytes,
        }
    }

    /// The policy, without versions.
    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The policy's compiled LSSS.
    pub(crate) fn lsss(&self) -> &Lsss {
        self.policy.lsss()
    }

    /// The version vector, one entry per LSSS row.
    #[cfg_attr(not(test), allow(dead_code))] // The v3 encoders' (next step).
    pub(crate) fn versions(&self) -> &[u32] {
        &self.versions
    }

    /// The version of row `i`'s attribute (0 for an index past the rows, which no caller
    /// passes: row indices come from the same LSSS).
    pub(crate) fn version(&self, i: usize) -> u32 {
        self.versions.get(i).copied().unwrap_or(0)
    }

    /// Whether every row is at version 0 (a v2 object).
    #[cfg_attr(not(test), allow(dead_code))] // The v3 encoders' format choice (next step).
    pub(crate) fn is_unversioned(&self) -> bool {
        self.versions.iter().all(|&v| v == 0)
    }

    /// `u32 len(⟨P⟩) ‖ ⟨P⟩ ‖ u32 n ‖ u32 v_1 ‖ … ‖ u32 v_n`: the only key of the caches
    /// built from this policy and the only thing equality compares.
    pub(crate) fn canonical_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// For each row `i`, whether `holds(ρ(i), v_i)`: a row is held only by the same
    /// name at the same version.
    pub(crate) fn held_rows(&self, mut holds: impl FnMut(&Attribute, u32) -> bool) -> Vec<bool> {
        self.policy
            .attributes()
            .iter()
            .zip(&self.versions)
            .map(|(a, &v)| holds(a, v))
            .collect()
    }

    /// Whether the (name, version) pairs for which `holds` is true satisfy the policy.
    /// No group work.
    pub(crate) fn is_satisfied_by(&self, holds: impl FnMut(&Attribute, u32) -> bool) -> bool {
        self.lsss().is_satisfied_by_rows(&self.held_rows(holds))
    }

    /// The reconstruction coefficients ([`Lsss::reconstruct`]) over the rows that
    /// `holds` (name and version), or `None` if they do not satisfy the policy.
    pub(crate) fn reconstruct(
        &self,
        holds: impl FnMut(&Attribute, u32) -> bool,
    ) -> Option<Vec<(usize, Fr)>> {
        self.lsss().reconstruct_rows(&self.held_rows(holds))
    }
}

impl PartialEq for VersionedPolicy {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for VersionedPolicy {}

impl core::hash::Hash for VersionedPolicy {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.bytes.hash(state);
    }
}

impl fmt::Debug for VersionedPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VersionedPolicy")
            .field("policy", &self.policy.as_str())
            .field("versions", &self.versions)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn p(text: &str) -> Policy {
        Policy::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn decode(policy: Policy, count: u32, entries: &[u32]) -> Result<VersionedPolicy> {
        let mut it = entries.iter().copied();
        VersionedPolicy::from_decoded_versions(policy, count, || {
            it.next().ok_or(EncodingError::Truncated.into())
        })
    }

    /// The canonical bytes are `u32 len(⟨P⟩) ‖ ⟨P⟩ ‖ u32 n ‖ u32 v_i…`; v2 is all zeros;
    /// equality is by those bytes.
    #[test]
    fn canonical_bytes_are_the_documented_layout() {
        let policy = p("a:x and (b:y or c:z)");
        let v = VersionedPolicy::at_versions(policy.clone(), &[0, 7, 0x0102_0304])
            .unwrap_or_else(|e| panic!("{e}"));
        let mut expected = vec![0, 0, 0, 20];
        expected.extend_from_slice(b"a:x and (b:y or c:z)");
        expected.extend_from_slice(&[0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 7, 1, 2, 3, 4]);
        assert_eq!(v.canonical_bytes(), expected.as_slice());
        assert_eq!(v.versions(), &[0, 7, 0x0102_0304]);
        assert_eq!((v.version(1), v.version(2)), (7, 0x0102_0304));
        assert!(!v.is_unversioned());
        let zero = VersionedPolicy::unversioned(policy.clone());
        assert!(zero.is_unversioned());
        assert_eq!(zero.versions(), &[0, 0, 0]);
        assert_eq!(
            zero,
            VersionedPolicy::at_versions(policy, &[0, 0, 0]).unwrap_or_else(|e| panic!("{e}"))
        );
        assert_ne!(zero, v);
    }

    /// §3.3: a count other than the row count, or above MAX_POLICY_LEAVES, is
    /// `BadLength` before any entry is read (and so before anything is allocated for
    /// them); a versioned guard row is `NonCanonical`; the reader's errors pass on.
    #[test]
    fn version_vectors_are_refused_by_the_decoding_rules() {
        let policy = p("a:x and b:y");
        let reads = core::cell::Cell::new(0u32);
        let counting = |count: u32| {
            reads.set(0);
            VersionedPolicy::from_decoded_versions(policy.clone(), count, || {
                reads.set(reads.get() + 1);
                Ok(1)
            })
        };
        let bad_length = Error::InvalidEncoding(EncodingError::BadLength);
        for count in [0, 1, 3, 64, 65, u32::MAX] {
            assert_eq!(counting(count).err(), Some(bad_length.clone()), "{count}");
            assert_eq!(
                reads.get(),
                0,
                "{count}: nothing read before the count check"
            );
        }
        assert!(counting(2).is_ok());
        assert_eq!(reads.get(), 2);
        // A 64-row policy takes 64 entries; 65 is refused as above the bound.
        let names: Vec<String> = (0..MAX_POLICY_LEAVES).map(|i| format!("w:a{i}")).collect();
        let wide = p(&names.join(" or "));
        assert!(decode(wide.clone(), 64, &[0; 64]).is_ok());
        assert_eq!(decode(wide, 65, &[0; 65]).err(), Some(bad_length));
        // Truncated entries: the reader's error.
        assert_eq!(
            decode(policy, 2, &[1]).err(),
            Some(Error::InvalidEncoding(EncodingError::Truncated))
        );
        // The guard's row, wherever it is, must be 0.
        let guarded = p(&format!("(a:x or b:y) and {HOLDER_GUARD}"));
        assert!(decode(guarded.clone(), 3, &[4, 5, 0]).is_ok());
        assert_eq!(
            decode(guarded, 3, &[0, 0, 1]).err(),
            Some(Error::InvalidEncoding(EncodingError::NonCanonical))
        );
        let first = p(&format!("{HOLDER_GUARD} and a:x"));
        assert_eq!(
            decode(first, 2, &[u32::MAX, 0]).err(),
            Some(Error::InvalidEncoding(EncodingError::NonCanonical))
        );
    }

    /// A row is held only by its name at its version.
    #[test]
    fn satisfaction_compares_name_and_version() {
        let v = VersionedPolicy::at_versions(p("a:x and (b:y or c:z)"), &[1, 0, 2])
            .unwrap_or_else(|e| panic!("{e}"));
        let key = |held: &'static [(&'static str, u32)]| {
            move |a: &Attribute, v: u32| held.iter().any(|&(n, w)| n == a.as_str() && w == v)
        };
        assert!(v.is_satisfied_by(key(&[("a:x", 1), ("b:y", 0)])));
        assert!(v.is_satisfied_by(key(&[("a:x", 1), ("c:z", 2)])));
        assert!(!v.is_satisfied_by(key(&[("a:x", 0), ("b:y", 0)])));
        assert!(!v.is_satisfied_by(key(&[("a:x", 1), ("c:z", 1)])));
        assert!(!v.is_satisfied_by(key(&[("a:x", 2), ("b:y", 1), ("c:z", 0)])));
        let gamma = v
            .reconstruct(key(&[("a:x", 1), ("c:z", 2)]))
            .unwrap_or_else(|| panic!("satisfied"));
        assert_eq!(
            gamma.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            vec![0, 2]
        );
        assert!(v.reconstruct(key(&[("a:x", 1), ("c:z", 0)])).is_none());
    }
}
