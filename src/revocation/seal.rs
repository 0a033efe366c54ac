//! Sealing under a verified notice (`docs/revocation-v3.md` §3.2, §5): the format v3
//! record, every row at the notice's version of its attribute.

use rand_core::{CryptoRng, RngCore};

use super::VerifiedNotice;
use crate::abe::PublicKey;
use crate::ct::after_wiping_stack;
use crate::error::{Error, Result};
use crate::policy::{Attribute, Policy};
use crate::record::kem::{guarded, refuse_guard};
use crate::record::sealed_v3::seal_v3;
use crate::record::session::{SessionHeader, SessionSealer};
use crate::record::session_v3;
use crate::record::SealedRecord;

/// Seals `payload` under `policy` at the versions of `notice`: a format v3 record
/// (`docs/formats.md`, "Sealed record v3") that keys issued before a bump of one of the
/// policy's names do not open, and that the authority can later
/// [catch up](crate::Authority::rewrap) to newer versions without touching its body.
///
/// The notice must be current: verify the newest notice you can fetch
/// ([`VersionNotice::verify`](crate::VersionNotice::verify)) and re-verify before its
/// `not_after`. A record sealed under an older notice is still caught up by the
/// authority, but until then it opens for keys the newer notice shut out
/// (`docs/revocation-v3.md` §1, R1).
///
/// ```
/// use cipherchart::{seal_with_notice, Attribute, Authority, BlsSigningKey, NoticeFields, Policy, VersionNotice};
///
/// let mut rng = rand_core::OsRng;
/// let authority = Authority::setup(&mut rng);
/// let notice_key = BlsSigningKey::generate(&mut rng);
/// let now = 1_800_000_000;
/// let notice = VersionNotice::sign(&notice_key, &NoticeFields {
///     authority: authority.public_key().id(),
///     statement_serial: 0,
///     serial: now,
///     issued_at: now,
///     not_after: now + 3600,
///     bump_count: 1,
///     bump_head: [1; 32],
///     versions: vec![(Attribute::new("role:nurse")?, 1)], // a nurse left
/// })?
/// .verify(&notice_key.public_key(), now, None)?;
/// let policy = Policy::parse("role:nurse and dept:icu")?;
/// let sealed = seal_with_notice(authority.public_key(), &notice, &policy, b"rec-1", b"", b"bp 120/80", &mut rng)?;
///
/// let before = authority.issue_key(&["role:nurse", "dept:icu"], &mut rng)?; // version 0
/// assert!(before.open(authority.public_key(), &sealed).is_err());
/// let current = authority.issue_key_under(&notice, &["role:nurse", "dept:icu"], &mut rng)?;
/// assert_eq!(current.open(authority.public_key(), &sealed)?, b"bp 120/80");
/// # Ok::<(), cipherchart::Error>(())
/// ```
///
/// # Errors
/// [`Error::WrongAuthority`] if the notice is not `pk`'s authority's;
/// [`Error::InvalidAttribute`] if the policy names the reserved `cipherchart:key-holder`;
/// [`Error::InvalidArgument`] if the record id, metadata or payload exceed their bounds.
pub fn seal_with_notice<R: RngCore + CryptoRng + ?Sized>(
    pk: &PublicKey,
    notice: &VerifiedNotice,
    policy: &Policy,
    record_id: &[u8],
    metadata: &[u8],
    payload: &[u8],
    rng: &mut R,
) -> Result<SealedRecord> {
    after_wiping_stack(|| {
        if notice.authority() != pk.id() {
            return Err(Error::WrongAuthority);
        }
        refuse_guard(policy)?;
        let versioned = notice.apply(policy)?;
        seal_v3(
            pk,
            &versioned,
            notice.serial(),
            record_id,
            metadata,
            payload,
            rng,
        )
    })
}

/// Starts a sensor session under `policy` at the versions of `notice`: a format v3
/// session (`docs/formats.md`, "Session header v3"; `docs/revocation-v3.md` §6.1) whose
/// header keys issued before a bump of one of the policy's names do not open. Its records
/// open as any session's ([`UserKey::open_session`](crate::UserKey::open_session), then
/// [`SessionOpener::open`](crate::SessionOpener::open)).
///
/// As with [`seal_with_notice`], use a current notice, and start a new session when the
/// notice you started it under is superseded by one that bumps a name of the policy:
/// a session keeps the versions it started with. (The catch-up of stored sessions is not
/// built yet: `docs/revocation.md` §0.4.)
///
/// ```
/// use cipherchart::{start_session_with_notice, Attribute, Authority, BlsSigningKey, NoticeFields, Policy, VersionNotice};
///
/// let mut rng = rand_core::OsRng;
/// let authority = Authority::setup(&mut rng);
/// let notice_key = BlsSigningKey::generate(&mut rng);
/// let now = 1_800_000_000;
/// let notice = VersionNotice::sign(&notice_key, &NoticeFields {
///     authority: authority.public_key().id(),
///     statement_serial: 0,
///     serial: now,
///     issued_at: now,
///     not_after: now + 3600,
///     bump_count: 1,
///     bump_head: [1; 32],
///     versions: vec![(Attribute::new("role:nurse")?, 1)], // a nurse left
/// })?
/// .verify(&notice_key.public_key(), now, None)?;
/// let policy = Policy::parse("role:nurse and dept:icu")?;
/// let (header, mut sealer) =
///     start_session_with_notice(authority.public_key(), &notice, &policy, b"bed-7", b"vitals", &mut rng)?;
/// let hr = sealer.seal(b"hr", b"72 bpm")?;
///
/// let before = authority.issue_key(&["role:nurse", "dept:icu"], &mut rng)?; // version 0
/// assert!(before.open_session(authority.public_key(), &header).is_err());
/// let current = authority.issue_key_under(&notice, &["role:nurse", "dept:icu"], &mut rng)?;
/// assert_eq!(current.open_session(authority.public_key(), &header)?.open(&hr)?, b"72 bpm");
/// # Ok::<(), cipherchart::Error>(())
/// ```
///
/// # Errors
/// As [`seal_with_notice`] (the session id and metadata bounds are a record's).
pub fn start_session_with_notice<R: RngCore + CryptoRng + ?Sized>(
    pk: &PublicKey,
    notice: &VerifiedNotice,
    policy: &Policy,
    session_id: &[u8],
    metadata: &[u8],
    rng: &mut R,
) -> Result<(SessionHeader, SessionSealer)> {
    after_wiping_stack(|| {
        if notice.authority() != pk.id() {
            return Err(Error::WrongAuthority);
        }
        refuse_guard(policy)?;
        // Sealed under `P and cipherchart:key-holder` (no re-key can transform it), the
        // guard at version 0.
        let versioned = notice.apply(&guarded(policy)?)?;
        session_v3::start(
            pk,
            &versioned,
            notice.serial(),
            policy,
            session_id,
            metadata,
            rng,
        )
    })
}

impl SealedRecord {
    /// The record's own policy attributes with their versions, in LSSS row order (every
    /// version 0 for a format v2 record). Read from the FO-bound header.
    pub fn attribute_versions(&self) -> Vec<(Attribute, u32)> {
        self.header.attribute_versions()
    }

    /// The serial of the version notice the record's header was sealed (or last caught
    /// up) under; `None` for a format v2 record.
    pub fn notice_serial(&self) -> Option<u64> {
        self.header.notice_serial()
    }

    /// The body commitment of a format v3 record (`docs/revocation-v3.md` §5.1:
    /// SHA-256 under its own tag of the record id and the encrypted body); `None` for v2.
    /// Storage can check stored bodies against it without any key.
    pub fn body_commitment(&self) -> Option<[u8; 32]> {
        self.body_commitment
    }

    /// Whether a catch-up under `notice` concerns this record (`docs/revocation-v3.md`
    /// §9.1): **any layer** of it (its own header, or a re-encryption hop's capsule)
    /// names an attribute at a version lower than the notice's. Every v2 record whose
    /// policy, or a hop's target policy, names a bumped attribute is selected: a hop's
    /// audience opens through the hop, so a revoked member of it is shut out only once the
    /// catch-up drops the hop (`Authority::rewrap`). Public data only; no group work. A
    /// record of another authority never is, and a layer of another authority (a hop of
    /// a cross-authority referral, `docs/federation.md`) is not read: names are not
    /// authority-qualified, and another authority's names are bumped by its own notices.
    pub fn needs_catch_up(&self, notice: &VerifiedNotice) -> bool {
        let authority = notice.authority();
        self.authority() == authority
            && (0..=self.hop_count())
                .filter(|&i| self.layer_authority(i) == Some(&authority))
                .filter_map(|i| self.layer_policy(i))
                .any(|layer| {
                    layer
                        .policy()
                        .attributes()
                        .iter()
                        .zip(layer.versions())
                        .any(|(name, v)| notice.notice().version_of(name) > *v)
                })
    }
}
