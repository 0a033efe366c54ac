//! Sealing under a verified notice (`docs/revocation-v3.md` §3.2, §5): the format v3
//! record, every row at the notice's version of its attribute.

use std::io::{Read, Write};

use rand_core::{CryptoRng, RngCore};

use super::VerifiedNotice;
use crate::abe::PublicKey;
use crate::ct::after_wiping_stack;
use crate::error::{Error, Result};
use crate::policy::{Attribute, Policy, VersionedPolicy};
use crate::record::kem::{guarded, refuse_guard};
use crate::record::sealed_v3::seal_v3;
use crate::record::session::{SessionHeader, SessionSealer};
use crate::record::session_v3;
use crate::record::stream_v3;
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
        let versioned = guarded_at(pk, notice, policy)?;
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

/// Seals everything `input` yields under `policy` at the versions of `notice`, writing a
/// format v3 stream (`docs/formats.md`, "Stream header v3"; `docs/revocation-v3.md` §6.1)
/// to `output` in chunks of `chunk_size` bytes (1 to
/// [`MAX_CHUNK_SIZE`](crate::limits::MAX_CHUNK_SIZE); [`DEFAULT_CHUNK_SIZE`](crate::limits::DEFAULT_CHUNK_SIZE)
/// is the usual choice). Keys issued before a bump of one of the policy's names do not
/// open it. It opens as any stream ([`UserKey::open_stream`](crate::UserKey::open_stream));
/// returns the number of plaintext bytes sealed.
///
/// As with [`seal_with_notice`], use a current notice. A stream keeps the versions it was
/// sealed at, so a long-running source (a monitor that streams for hours) should end its
/// stream and seal a new one when a newer notice bumps a name of its policy, at the latest
/// when the notice expires (`docs/revocation-v3.md` §6.2). The catch-up of stored streams
/// is not built yet (`docs/revocation.md` §0.4).
///
/// ```
/// use cipherchart::limits::DEFAULT_CHUNK_SIZE;
/// use cipherchart::{seal_stream_with_notice, Attribute, Authority, BlsSigningKey, NoticeFields, Policy, VersionNotice};
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
///     versions: vec![(Attribute::new("role:radiologist")?, 1)], // a radiologist left
/// })?
/// .verify(&notice_key.public_key(), now, None)?;
/// let policy = Policy::parse("role:radiologist")?;
/// let scan = vec![7u8; 200_000];
/// let mut sealed = Vec::new();
/// seal_stream_with_notice(authority.public_key(), &notice, &policy, b"mri-9", b"", DEFAULT_CHUNK_SIZE, &scan[..], &mut sealed, &mut rng)?;
///
/// let before = authority.issue_key(&["role:radiologist"], &mut rng)?; // version 0
/// assert!(before.open_stream(authority.public_key(), &sealed[..], std::io::sink()).is_err());
/// let current = authority.issue_key_under(&notice, &["role:radiologist"], &mut rng)?;
/// let mut opened = Vec::new();
/// let info = current.open_stream(authority.public_key(), &sealed[..], &mut opened)?;
/// assert_eq!((opened, info.notice_serial), (scan, Some(now)));
/// # Ok::<(), cipherchart::Error>(())
/// ```
///
/// # Errors
/// As [`seal_with_notice`] for the notice and the policy; [`Error::InvalidArgument`] for
/// a chunk size out of range or an oversized id or metadata (nothing is written then);
/// [`Error::Io`] if reading or writing fails.
#[allow(clippy::too_many_arguments)]
pub fn seal_stream_with_notice<R, W, G>(
    pk: &PublicKey,
    notice: &VerifiedNotice,
    policy: &Policy,
    stream_id: &[u8],
    metadata: &[u8],
    chunk_size: u32,
    mut input: R,
    mut output: W,
    rng: &mut G,
) -> Result<u64>
where
    R: Read,
    W: Write,
    G: RngCore + CryptoRng + ?Sized,
{
    after_wiping_stack(|| {
        let versioned = guarded_at(pk, notice, policy)?;
        stream_v3::seal(
            pk,
            &versioned,
            notice.serial(),
            stream_id,
            metadata,
            chunk_size,
            &mut input,
            &mut output,
            rng,
        )
    })
}

/// The policy of a session or stream header under `notice`: `P and cipherchart:key-holder`
/// (no re-key can transform the header), every row at the notice's version, the guard at 0.
fn guarded_at(pk: &PublicKey, notice: &VerifiedNotice, policy: &Policy) -> Result<VersionedPolicy> {
    if notice.authority() != pk.id() {
        return Err(Error::WrongAuthority);
    }
    refuse_guard(policy)?;
    notice.apply(&guarded(policy)?)
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
    /// §9.1, §9.8): **a layer of the notice's authority** (its own header, or a
    /// re-encryption hop's capsules) names an attribute at a version lower than the
    /// notice's. Layers of other authorities are not read: names are not
    /// authority-qualified, and another authority's names are bumped by its own notices.
    /// Public data only; no group work.
    ///
    /// What to do with a selected record: if its own header is stale (a record of the
    /// notice's authority, `attribute_versions` below the notice), the authority catches
    /// it up ([`Authority::rewrap`](crate::Authority::rewrap), which drops every hop); if
    /// only hops are, [`strip_stale_hops`](Self::strip_stale_hops) removes them from the
    /// first stale one, and proxies re-apply their grants with current re-keys. This is
    /// how a revocation at hospital B reaches a record of A referred to B: B's notice
    /// selects the referred copy by its B layers, and B's storage strips the stale hops.
    pub fn needs_catch_up(&self, notice: &VerifiedNotice) -> bool {
        (0..=self.hop_count()).any(|i| self.layer_is_stale(i, notice))
    }

    /// Whether layer `i` is of `notice`'s authority and names a name below its version.
    fn layer_is_stale(&self, i: usize, notice: &VerifiedNotice) -> bool {
        self.layer_authority(i) == Some(&notice.authority())
            && self.layer_policy(i).is_some_and(|layer| {
                layer
                    .policy()
                    .attributes()
                    .iter()
                    .zip(layer.versions())
                    .any(|(name, v)| notice.notice().version_of(name) > *v)
            })
    }

    /// The record without its hops from the **first stale hop** on: the first hop whose
    /// layer is of `notice`'s authority and names a name at a version below the notice's
    /// (`docs/revocation-v3.md` §9.8 step 1); `None` if no hop is. The hops below it stay
    /// byte for byte and keep their bindings (each hop binds only the layers below it), so
    /// the result is the record as it was before that hop was made: its audiences keep
    /// access, and the stale hop's audience (a revoked member of it included) loses the
    /// record until a proxy re-applies the grant with a re-key current under the notice
    /// ([`ReKey::check_current`](crate::ReKey::check_current)). Anyone can strip (it is
    /// public and needs no key): storage does it when the notice selects the record
    /// ([`needs_catch_up`](Self::needs_catch_up)) and the record's own header is current.
    ///
    /// ```
    /// # use cipherchart::{seal_with_notice, Attribute, Authority, BlsSigningKey, NoticeFields, Policy, VersionNotice};
    /// # let mut rng = rand_core::OsRng;
    /// # let hospital = Authority::setup(&mut rng);
    /// # let pk = hospital.public_key();
    /// # let notice_key = BlsSigningKey::generate(&mut rng);
    /// # let notice = |serial: u64, bumps: u64, versions: Vec<(Attribute, u32)>| {
    /// #     VersionNotice::sign(&notice_key, &NoticeFields {
    /// #         authority: pk.id(), statement_serial: 0, serial,
    /// #         issued_at: serial, not_after: serial + 3600, bump_count: bumps,
    /// #         bump_head: [bumps as u8; 32], versions,
    /// #     })?.verify(&notice_key.public_key(), serial, None)
    /// # };
    /// let n0 = notice(1_800_000_000, 0, vec![])?;
    /// let letter = seal_with_notice(pk, &n0, &Policy::parse("patient:7")?, b"r", b"", b"letter", &mut rng)?;
    /// let consent = BlsSigningKey::generate(&mut rng);
    /// let to_gps = hospital
    ///     .issue_delegation_key_under(&n0, &["patient:7"], &consent.public_key(), &mut rng)?
    ///     .rekey_under(pk, &n0, &Policy::parse("role:gp")?, None, &mut rng)?;
    /// let shared = to_gps.reencrypt(&letter)?;
    ///
    /// // A GP leaves: role:gp is bumped. The letter's own header is current; its hop is not.
    /// let n1 = notice(1_800_000_060, 1, vec![(Attribute::new("role:gp")?, 1)])?;
    /// assert!(shared.needs_catch_up(&n1) && !letter.needs_catch_up(&n1));
    /// let stripped = shared.strip_stale_hops(&n1).expect("the hop is stale");
    /// assert_eq!(stripped.to_bytes(), letter.to_bytes());
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    pub fn strip_stale_hops(&self, notice: &VerifiedNotice) -> Option<SealedRecord> {
        let first = (1..=self.hop_count()).find(|&i| self.layer_is_stale(i, notice))?;
        Some(self.truncated(first - 1))
    }
}
