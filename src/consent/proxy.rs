//! The proxy's side: re-encrypt only what a verified consent permits, and only with
//! the re-key it authorises.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::grant::Grantee;
use super::verify::VerifiedConsent;
use crate::ct::after_wiping_stack;
use crate::error::{ConsentError, Result};
use crate::hash::dst;
use crate::pre::ReKey;
use crate::record::SealedRecord;

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
/// # Errors
///
/// [`ConsentError::RekeyMismatch`], [`ConsentError::NotPermitted`], then the errors of
/// [`ReKey::reencrypt`].
pub fn reencrypt_with_consent(
    consent: &VerifiedConsent,
    rekey: &ReKey,
    record: &SealedRecord,
    category: &str,
    purpose: &str,
) -> Result<SealedRecord> {
    check_rekey(consent, rekey)?;
    consent.check_permits(record.record_id(), category, purpose)?;
    rekey.reencrypt(record)
}

/// [`reencrypt_with_consent`] for many `(record, category)` pairs with one purpose:
/// the re-key is checked once, each record against the consent, and the permitted
/// ones are re-encrypted with [`ReKey::reencrypt_batch`] (in parallel with the
/// `parallel` feature). One result per input, in order.
///
/// # Errors
///
/// [`ConsentError::RekeyMismatch`] for the whole batch; per record,
/// [`ConsentError::NotPermitted`] or the errors of [`ReKey::reencrypt`].
pub fn reencrypt_batch_with_consent(
    consent: &VerifiedConsent,
    rekey: &ReKey,
    records: &[(&SealedRecord, &str)],
    purpose: &str,
) -> Result<Vec<Result<SealedRecord>>> {
    check_rekey(consent, rekey)?;
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
