//! Keys issued under a verified notice (`docs/revocation-v3.md` §3.4).

use rand_core::{CryptoRng, RngCore};

use super::VerifiedNotice;
use crate::abe::{Authority, UserKey};
use crate::error::{Error, Result};

impl Authority {
    /// FAME KeyGen for a set of attributes, each at its current version under `notice`
    /// (`docs/revocation-v3.md` §3.4): the notice's version of the name, 0 for a name it
    /// does not list. Otherwise as [`issue_key`](Self::issue_key): attributes validated
    /// and canonicalised, duplicates merged, the holder guard (version 0) added.
    ///
    /// A key opens a record row only for the same name at the same version, so a key
    /// issued under an older notice does not open records sealed after a bump of one of
    /// its names, and this key does not open rows sealed at a name's older version. A key
    /// with any attribute at a version ≥ 1 encodes in format v3
    /// ([`UserKey::to_bytes`]).
    ///
    /// ```
    /// use cipherchart::{Attribute, Authority, BlsSigningKey, NoticeFields, VersionNotice};
    ///
    /// let authority = Authority::setup(&mut rand_core::OsRng);
    /// let notice_key = BlsSigningKey::generate(&mut rand_core::OsRng);
    /// let now = 1_800_000_000;
    /// let notice = VersionNotice::sign(
    ///     &notice_key,
    ///     &NoticeFields {
    ///         authority: authority.public_key().id(),
    ///         statement_serial: 0,
    ///         serial: now,
    ///         issued_at: now,
    ///         not_after: now + 3600,
    ///         bump_count: 2,
    ///         bump_head: [9; 32],
    ///         versions: vec![(Attribute::new("role:nurse")?, 2)],
    ///     },
    /// )?
    /// .verify(&notice_key.public_key(), now, None)?;
    /// let key = authority.issue_key_under(&notice, &["role:nurse", "ward:icu"], &mut rand_core::OsRng)?;
    /// let versions: Vec<u32> = key.versioned_attributes().iter().map(|(_, v)| *v).collect();
    /// assert_eq!(versions, [2, 0]);
    /// assert_eq!(&key.to_bytes()[..4], &[0x43, 0x43, 0x03, 0x03]);
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongAuthority`] if `notice` is another authority's (its authority id is
    /// not this authority's public-key id); otherwise as [`issue_key`](Self::issue_key).
    pub fn issue_key_under<S: AsRef<str>, R: RngCore + CryptoRng + ?Sized>(
        &self,
        notice: &VerifiedNotice,
        attributes: &[S],
        rng: &mut R,
    ) -> Result<UserKey> {
        if notice.authority() != self.public_key().id() {
            return Err(Error::WrongAuthority);
        }
        let notice = notice.notice();
        self.issue_key_versioned(attributes, |a| notice.version_of(a), rng)
    }
}
