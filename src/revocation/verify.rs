//! What a sealer, proxy or storage checks in a notice (`docs/revocation-v3.md` §4.3), and
//! the [`VerifiedNotice`] it gets.

use core::fmt;

use super::notice::VersionNotice;
use crate::encoding::hex_prefix;
use crate::error::{Error, Result};
use crate::policy::{Attribute, Policy, VersionedPolicy};
use crate::sig::BlsPublicKey;

/// How far ahead of the verifier's clock a notice's `issued_at` may be: 5 minutes
/// (§4.3 step 2), so that no notice, forged or not, moves a verifier's serial more than
/// five minutes past its clock (`serial ≤ issued_at` is a decoding rule).
pub(crate) const MAX_CLOCK_AHEAD: u64 = 300;

/// A [`VersionNotice`] that passed [`VersionNotice::verify`]: signed by the notice key,
/// current, and no rollback from the previously accepted notice. Made only by
/// verification; what keys are issued under ([`Authority::issue_key_under`]), records are
/// sealed under ([`seal_with_notice`](crate::seal_with_notice)) and caught up to
/// ([`Authority::rewrap`](crate::Authority::rewrap)).
///
/// It remembers the key it was verified under ([`notice_key`](Self::notice_key)): until
/// authority statements name the notice key (`docs/revocation-v3.md` §4.1), every
/// operation trusts the caller to have verified under the authority's pinned notice key,
/// and a service that receives a `VerifiedNotice` from elsewhere can check it.
///
/// [`Authority::issue_key_under`]: crate::Authority::issue_key_under
#[derive(Clone, PartialEq, Eq)]
pub struct VerifiedNotice {
    notice: VersionNotice,
    notice_key: BlsPublicKey,
}

impl fmt::Debug for VerifiedNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedNotice")
            .field("authority", &hex_prefix(&self.notice.authority()))
            .field("serial", &self.notice.serial())
            .field("not_after", &self.notice.not_after())
            .finish_non_exhaustive()
    }
}

impl VersionNotice {
    /// Verifies the notice (`docs/revocation-v3.md` §4.3, steps 1–4 and 6) at time `now`
    /// (seconds since the Unix epoch), against `previous`, the last notice of the same
    /// authority this verifier accepted under the same notice key (`None` for the first;
    /// persist it where the platform allows):
    ///
    /// 1. the signature under `notice_key` (until authority statements exist, the caller
    ///    gives the notice key of the authority's current statement itself);
    /// 2. `issued_at ≤ now + 300` (`serial ≤ issued_at` is a decoding rule); against
    ///    `previous`: a higher serial, or the same serial with the same digest (the same
    ///    notice again);
    /// 3. monotone versions: every name of `previous` is listed, at a version ≥ its
    ///    previous one;
    /// 4. bounded jumps: `bump_count` ≥ the previous one, and no name rose by more than
    ///    `bump_count` did (each bump entry raises a name by at most 1);
    /// 6. `now < not_after`.
    ///
    /// Step 5 (the bump head and versions are the fold of the authority's bump chain
    /// entries) needs the bump entries, which are not built yet: `bump_count` and
    /// `bump_head` are taken as the notice states them.
    ///
    /// # Errors
    /// [`Error::VerificationFailed`] (opaque) for a bad signature;
    /// [`Error::WrongAuthority`] if `previous` is another authority's;
    /// [`Error::StaleNotice`] for a notice issued more than 5 minutes ahead of `now`, expired
    /// (`now ≥ not_after`), with a serial below `previous`'s, or with `previous`'s serial
    /// but another digest (a correctly signed lower or conflicting notice is worth an alarm
    /// when it came from the notice service itself, §4.3);
    /// [`Error::NoticeRollback`] for a missing or lowered name, a lower `bump_count`, or a
    /// jump above the bump count (worth an alarm).
    pub fn verify(
        &self,
        notice_key: &BlsPublicKey,
        now: u64,
        previous: Option<&VerifiedNotice>,
    ) -> Result<VerifiedNotice> {
        // Step 1.
        self.check_signature(notice_key)?;
        // Step 2.
        if self.issued_at() > now.saturating_add(MAX_CLOCK_AHEAD) {
            return Err(Error::StaleNotice);
        }
        if let Some(previous) = previous {
            // Saved state is scoped to a notice key (`docs/revocation-v3.md` §4.3): a
            // previous notice verified under another key says nothing about this one.
            if previous.notice_key() != notice_key {
                return Err(Error::InvalidArgument(
                    "the previous notice was verified under another notice key",
                ));
            }
            self.check_against(previous.notice())?;
        }
        // Step 6.
        if now >= self.not_after() {
            return Err(Error::StaleNotice);
        }
        Ok(VerifiedNotice {
            notice: self.clone(),
            notice_key: *notice_key,
        })
    }

    /// Steps 2 (serial), 3 and 4 against the previously accepted notice.
    fn check_against(&self, previous: &VersionNotice) -> Result<()> {
        if previous.authority() != self.authority() {
            return Err(Error::WrongAuthority);
        }
        if self.serial() < previous.serial() {
            return Err(Error::StaleNotice);
        }
        if self.serial() == previous.serial() {
            // The same notice again, or two notices under one serial (an alarm).
            return if self.digest() == previous.digest() {
                Ok(())
            } else {
                Err(Error::StaleNotice)
            };
        }
        // Step 4, the count: bumps are never undone.
        let Some(bumps) = self.bump_count().checked_sub(previous.bump_count()) else {
            return Err(Error::NoticeRollback);
        };
        // Step 3: every previous name still listed, not lower.
        for (name, old) in previous.versions() {
            let new = self.version_of(name);
            if new < *old {
                return Err(Error::NoticeRollback);
            }
        }
        // Step 4, the jumps: a name rises by at most one per bump entry in between (names
        // not in `previous` were at 0). `version ≤ bump_count` is a decoding rule.
        for (name, new) in self.versions() {
            let old = previous.version_of(name);
            if u64::from(new.saturating_sub(old)) > bumps {
                return Err(Error::NoticeRollback);
            }
        }
        Ok(())
    }
}

impl VerifiedNotice {
    /// The notice key it was verified under.
    pub fn notice_key(&self) -> &BlsPublicKey {
        &self.notice_key
    }

    /// The verified notice.
    pub fn notice(&self) -> &VersionNotice {
        &self.notice
    }

    /// The authority id.
    pub fn authority(&self) -> [u8; 32] {
        self.notice.authority()
    }

    /// The notice's serial: what a verifier persists as the highest it has seen.
    pub fn serial(&self) -> u64 {
        self.notice.serial()
    }

    /// Issue time, seconds since the Unix epoch.
    pub fn issued_at(&self) -> u64 {
        self.notice.issued_at()
    }

    /// End of validity, seconds since the Unix epoch.
    pub fn not_after(&self) -> u64 {
        self.notice.not_after()
    }

    /// The current version of the attribute `name` (canonicalised first): the notice's, or
    /// 0 for a name the notice does not list (never bumped) and for a text that is not an
    /// attribute.
    pub fn version_of(&self, name: &str) -> u32 {
        Attribute::new(name).map_or(0, |a| self.notice.version_of(&a))
    }

    /// `policy` at this notice's versions (`docs/revocation-v3.md` §3.2): each LSSS row at
    /// the notice's version of its attribute's name, 0 for a name not listed; the holder
    /// guard's row at 0 (the notice never lists the `cipherchart:` namespace).
    ///
    /// # Errors
    /// None today; a `Result` so that the sealer's checks of the next steps (degraded
    /// mode, §4.4) can refuse here without changing callers.
    #[cfg_attr(not(test), allow(dead_code))] // The v3 sealer's (main engineer's step).
    pub(crate) fn apply(&self, policy: &Policy) -> Result<VersionedPolicy> {
        Ok(VersionedPolicy::from_name_versions(policy.clone(), |a| {
            self.notice.version_of(a)
        }))
    }
}
