//! Misuse resistance of consent (issue 10, `docs/security.md` §11 "Misuse resistance
//! review"): each test takes one way a hurried user or an attacker might skip a check
//! through the public API, and shows that the library refuses it with a typed error (or
//! that the unsafe thing cannot be written at all). The shared world (an authority, a
//! stranger authority, a patient's and a doctor's key, one record) is `common::misuse`.

#![allow(clippy::unwrap_used)]

use crate::common::misuse::{consent_fixture, pk, world};
use crate::common::verify;
use crate::common::{policy, rng, T0};
use cipherchart::BlsSigningKey;
use cipherchart::ConsentError;
use cipherchart::{reencrypt_with_consent, ConsentToken, Grant, Grantee, RevocationSet, Window};

#[test]
fn a_consent_must_be_verified_against_the_right_issuer_and_time() {
    let w = world();
    let mut rng = rng(9);
    let (patient, rekey, grant) = consent_fixture(&mut rng);
    let grant = grant.categories(["cardiology"]);
    let mallory = BlsSigningKey::generate(&mut rng);
    // Mallory issues a token in the patient's name: refused for the patient's key.
    let forged = ConsentToken::issue(&mallory, &grant, &mut rng).unwrap();
    assert_eq!(
        verify(
            &forged,
            &patient.public_key(),
            T0 + 1,
            &RevocationSet::new()
        )
        .err(),
        Some(ConsentError::WrongIssuer.into())
    );
    let token = ConsentToken::issue(&patient, &grant, &mut rng).unwrap();
    let no = RevocationSet::new();
    assert_eq!(
        verify(&token, &patient.public_key(), T0 + 100, &no).err(),
        Some(ConsentError::Expired.into())
    );
    assert_eq!(
        verify(&token, &patient.public_key(), T0 - 1, &no).err(),
        Some(ConsentError::NotYetValid.into())
    );
    // A token whose bytes were altered (one bit of the signed payload) does not verify.
    let mut bytes = token.to_bytes();
    let i = bytes.len() / 2;
    bytes[i] ^= 1;
    if let Ok(mangled) = ConsentToken::from_bytes(&bytes) {
        assert!(verify(&mangled, &patient.public_key(), T0 + 1, &no).is_err());
    }
    // Only a VerifiedConsent reaches the proxy helper, and it checks scope and re-key.
    let consent = verify(&token, &patient.public_key(), T0 + 1, &no).unwrap();
    assert!(reencrypt_with_consent(&consent, &rekey, &w.record, "cardiology", "treatment").is_ok());
    assert_eq!(
        reencrypt_with_consent(&consent, &rekey, &w.record, "psychiatry", "treatment").err(),
        Some(ConsentError::NotPermitted.into())
    );
    // Another grant of the same delegator to the same audience: not the named re-key.
    let other = w
        .authority
        .issue_delegation_key(&["patient:42"], &patient.public_key(), &mut rng)
        .unwrap()
        .rekey(pk(), &policy("hospital:h2 and role:physician"), &mut rng)
        .unwrap();
    assert_eq!(
        reencrypt_with_consent(&consent, &other, &w.record, "cardiology", "treatment").err(),
        Some(ConsentError::RekeyMismatch.into())
    );
}

#[test]
fn consent_windows_and_empty_grants_are_refused_at_construction() {
    assert!(Window::new(T0, T0).is_err());
    assert!(Window::new(T0 + 1, T0).is_err());
    let mut rng = rng(14);
    let patient = BlsSigningKey::generate(&mut rng);
    let to = Grantee::Policy(policy("hospital:h2"));
    // No purposes: nothing would be permitted, so issuing is refused.
    let grant = Grant::new("p42", to.clone(), Window::new(T0, T0 + 1).unwrap()).records(["r"]);
    assert!(ConsentToken::issue(&patient, &grant, &mut rng).is_err());
    // An empty subject is refused.
    let grant = Grant::new("", to, Window::new(T0, T0 + 1).unwrap())
        .records(["r"])
        .purposes(["treatment"]);
    assert!(ConsentToken::issue(&patient, &grant, &mut rng).is_err());
}
