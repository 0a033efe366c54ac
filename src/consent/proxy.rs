//! The proxy's side: re-encrypt only what a verified consent permits, and only with
//! the re-key it authorises.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::grant::Grantee;
use super::verify::VerifiedConsent;
use crate::ct::after_wiping_stack;
use crate::error::Error;
use crate::error::{ConsentError, Result};
use crate::hash::dst;
use crate::pre::ReKey;
use crate::record::SealedRecord;
use crate::revocation::VerifiedNotice;

/// What [`reencrypt_with_consent`] says about a format v3 re-key.
const V3_NEEDS_NOTICES: &str =
    "a format v3 re-key is applied with the current notices: use reencrypt_with_consent_under";

/// Refuses a format v3 re-key in the helpers that take no notices: its currency must be
/// checked against the current notices (`ReKey::check_current`), which they cannot do.
fn refuse_v3(rekey: &ReKey) -> Result<()> {
    if rekey.is_v3() {
        return Err(Error::InvalidArgument(V3_NEEDS_NOTICES));
    }
    Ok(())
}

/// The digest a consent token names to authorise exactly one re-key:
/// `SHA-256("CIPHERCHART-V01-CONSENT-REKEY-DIGEST-with-SHA256" ‖ rekey.to_bytes())`.
///
/// It covers the whole re-key (grant id, delegated attributes, blinded key and the
/// capsule under the target policy), so a proxy cannot swap in another re-key that
/// reuses the grant id with another audience.
pub fn rekey_digest(rekey: &ReKey) -> [u8; 32] {
    // The re-key's encoding is secret, and the hashing's frames may hold pieces of it
    // (the message schedule of SHA-256's portable backend): wiped like the rest.
    after_wiping_stack(|| {
        let mut h = Sha256::new();
        // A v3 re-key under its own tag (`docs/revocation-v3.md` §11.6).
        h.update(if rekey.is_v3() {
            dst::CONSENT_REKEY_DIGEST_V3
        } else {
            dst::CONSENT_REKEY_DIGEST
        });
        h.update(rekey.to_bytes().as_slice());
        h.finalize().into()
    })
}

/// Checks that `rekey` is one the consent authorises. All of these must hold:
/// - the consent names a re-key digest, and it is this re-key's ([`rekey_digest`]): a
///   consent that names none authorises no re-encryption;
/// - the consent's issuer is the re-key's delegator ([`ReKey::delegator`], from the
///   delegation key, and bound into the grant capsule): one patient's consent never
///   gates another patient's re-key, even when it copies that re-key's public digest.
///   Verify the token against the record owner's key from your own registry, never
///   against `rekey.delegator()` (`docs/security.md` §12.3);
/// - if the grantee is a policy, the re-key's target policy is that policy.
///
/// # Errors
///
/// [`ConsentError::RekeyMismatch`].
pub fn check_rekey(consent: &VerifiedConsent, rekey: &ReKey) -> Result<()> {
    let mismatch = || ConsentError::RekeyMismatch.into();
    let Some(expected) = consent.rekey_digest() else {
        return Err(mismatch());
    };
    // Public values; constant time anyway, it costs nothing.
    if !bool::from(rekey_digest(rekey).ct_eq(expected)) {
        return Err(mismatch());
    }
    if consent.issuer() != rekey.delegator() {
        return Err(mismatch());
    }
    if let Grantee::Policy(p) = consent.grantee() {
        if rekey.target_policy() != p {
            return Err(mismatch());
        }
    }
    Ok(())
}

/// Re-encrypts `record` with `rekey` if the verified consent permits it: the re-key
/// is the one the consent authorises ([`check_rekey`]), and the record's id,
/// `category` and `purpose` are within the consent
/// ([`VerifiedConsent::check_permits`]). Nothing is computed otherwise.
///
/// `category` is the record's public category as the proxy indexes it: cipherchart does
/// not interpret metadata, so the proxy must take it from its own index, not from the
/// requester.
///
/// **Take `record` from your own store, by id.** The proxy cannot authenticate a
/// record's id or metadata (FAME headers are not publicly verifiable): a record outside
/// the consent, relabelled with a permitted id, passes these checks. The hop is bound to
/// the id it was made under, so the result opens neither under the permitted id (the
/// record's own FO check fails) nor with the original id written back (the hop's record
/// capsule fails); a delegatee that runs the algebra without the library's checks could
/// still read it (`docs/security.md` §12.4 and §11 M7).
///
/// A format v3 re-key (made under a version notice) is refused here: use
/// [`reencrypt_with_consent_under`], which also checks that the re-key is current.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a format v3 re-key; [`ConsentError::RekeyMismatch`],
/// [`ConsentError::NotPermitted`], then the errors of [`ReKey::reencrypt`].
pub fn reencrypt_with_consent(
    consent: &VerifiedConsent,
    rekey: &ReKey,
    record: &SealedRecord,
    category: &str,
    purpose: &str,
) -> Result<SealedRecord> {
    refuse_v3(rekey)?;
    check_rekey(consent, rekey)?;
    consent.check_permits(record.record_id(), category, purpose)?;
    rekey.reencrypt(record)
}

/// [`reencrypt_with_consent`] for a proxy that follows revocation: it also checks the
/// re-key against the current version notices of its source and target authorities
/// ([`ReKey::check_current`]; pass every notice you verified, of each authority the
/// newest counts), so a grant made before a bump of a delegated name (the delegator was
/// revoked) or of a target name (a member of the audience was) is refused before any
/// record is touched. Takes format v2 and v3 re-keys (a v2 re-key is current while the
/// notices bump none of its names).
///
/// ```
/// # use cipherchart::{reencrypt_with_consent_under, seal_with_notice, Attribute, Authority, BlsSigningKey, ConsentToken, Grant, Grantee, NoticeFields, Policy, RevocationSet, VersionNotice, Window};
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
/// let letter = seal_with_notice(pk, &n0, &Policy::parse("patient:7")?, b"letter-1", b"", b"letter", &mut rng)?;
/// let patient = BlsSigningKey::generate(&mut rng);
/// let to_gps = hospital
///     .issue_delegation_key_under(&n0, &["patient:7"], &patient.public_key(), &mut rng)?
///     .rekey_under(pk, &n0, &Policy::parse("role:gp")?, None, &mut rng)?;
/// let grant = Grant::new("7", Grantee::Policy(Policy::parse("role:gp")?), Window::new(0, u64::MAX)?)
///     .records(["letter-1"])
///     .purposes(["treatment"])
///     .rekey(&to_gps);
/// let consent = ConsentToken::issue(&patient, &grant, &mut rng)?
///     .verify(&patient.public_key(), 1_800_000_000, &RevocationSet::new())?;
/// let shared = reencrypt_with_consent_under(&consent, &to_gps, &[&n0], &letter, "letters", "treatment")?;
///
/// // A GP leaves: role:gp is bumped, and the grant is stale until it is made again.
/// let n1 = notice(1_800_000_060, 1, vec![(Attribute::new("role:gp")?, 1)])?;
/// let refused = reencrypt_with_consent_under(&consent, &to_gps, &[&n0, &n1], &letter, "letters", "treatment");
/// assert_eq!(refused.unwrap_err().code(), "stale_rekey");
/// # let _ = shared;
/// # Ok::<(), cipherchart::Error>(())
/// ```
///
/// # Errors
///
/// [`ConsentError::RekeyMismatch`]; the errors of [`ReKey::check_current`]
/// (`WrongAuthority` without a notice of an authority, `StaleReKey`, `FutureVersion`,
/// `InvalidArgument`); [`ConsentError::NotPermitted`]; then the errors of
/// [`ReKey::reencrypt`].
pub fn reencrypt_with_consent_under(
    consent: &VerifiedConsent,
    rekey: &ReKey,
    notices: &[&VerifiedNotice],
    record: &SealedRecord,
    category: &str,
    purpose: &str,
) -> Result<SealedRecord> {
    check_rekey(consent, rekey)?;
    rekey.check_current(notices)?;
    consent.check_permits(record.record_id(), category, purpose)?;
    rekey.reencrypt(record)
}

/// [`reencrypt_with_consent`] for many `(record, category)` pairs with one purpose:
/// the re-key is checked once, each record against the consent, and the permitted
/// ones are re-encrypted with [`ReKey::reencrypt_batch`] (in parallel with the
/// `parallel` feature). One result per input, in order.
///
/// A format v3 re-key is refused here: use [`reencrypt_batch_with_consent_under`].
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a format v3 re-key and [`ConsentError::RekeyMismatch`],
/// for the whole batch; per record, [`ConsentError::NotPermitted`] or the errors of
/// [`ReKey::reencrypt`].
pub fn reencrypt_batch_with_consent(
    consent: &VerifiedConsent,
    rekey: &ReKey,
    records: &[(&SealedRecord, &str)],
    purpose: &str,
) -> Result<Vec<Result<SealedRecord>>> {
    refuse_v3(rekey)?;
    check_rekey(consent, rekey)?;
    batch(consent, rekey, records, purpose)
}

/// [`reencrypt_batch_with_consent`] with the currency check of
/// [`reencrypt_with_consent_under`]: the re-key is checked once against the consent and the
/// notices, then each record against the consent.
///
/// # Errors
///
/// For the whole batch, [`ConsentError::RekeyMismatch`] and the errors of
/// [`ReKey::check_current`]; per record, [`ConsentError::NotPermitted`] or the errors of
/// [`ReKey::reencrypt`].
pub fn reencrypt_batch_with_consent_under(
    consent: &VerifiedConsent,
    rekey: &ReKey,
    notices: &[&VerifiedNotice],
    records: &[(&SealedRecord, &str)],
    purpose: &str,
) -> Result<Vec<Result<SealedRecord>>> {
    check_rekey(consent, rekey)?;
    rekey.check_current(notices)?;
    batch(consent, rekey, records, purpose)
}

/// The batch after the re-key's checks.
fn batch(
    consent: &VerifiedConsent,
    rekey: &ReKey,
    records: &[(&SealedRecord, &str)],
    purpose: &str,
) -> Result<Vec<Result<SealedRecord>>> {
    let permitted: Vec<SealedRecord> = records
        .iter()
        .filter(|(r, c)| consent.permits(r.record_id(), c, purpose))
        .map(|(r, _)| (*r).clone())
        .collect();
    let mut done = rekey.reencrypt_batch(&permitted).into_iter();
    Ok(records
        .iter()
        .map(|(r, c)| {
            consent.check_permits(r.record_id(), c, purpose)?;
            done.next()
                .unwrap_or(Err(ConsentError::NotPermitted.into()))
        })
        .collect())
}
