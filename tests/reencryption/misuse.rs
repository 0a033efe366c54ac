//! Misuse resistance of proxy re-encryption (issue 10, `docs/security.md` §11 "Misuse
//! resistance review"): each test takes one way a hurried user or an attacker might skip a
//! check through the public API, and shows that the library refuses it with a typed error
//! (or that the unsafe thing cannot be written at all). The shared world (an authority, a
//! stranger authority, a patient's and a doctor's key, one record) is `common::misuse`.

#![allow(clippy::unwrap_used)]

use crate::common::misuse::{consent_fixture, patient_delegation, pk, world};
use crate::common::verify;
use crate::common::{policy, rng, T0};
use cipherchart::BlsSigningKey;
use cipherchart::{reencrypt_with_consent, ConsentToken, RevocationSet};
use cipherchart::{seal, ConsentError, EncodingError, Error, SealedRecord, UserKey};

#[test]
fn a_rekey_whose_own_attributes_satisfy_the_target_policy_opens_nothing() {
    let w = world();
    let mut rng = rng(6);
    // Careless P' that S' itself satisfies: the proxy's blinded key still opens nothing.
    let careless = policy("patient:42 or hospital:h2");
    let rekey = patient_delegation(&mut rng)
        .rekey(pk(), &careless, &mut rng)
        .unwrap();
    assert!(careless.is_satisfied_by(rekey.attributes()));
    let shared = rekey.reencrypt(&w.record).unwrap();
    // A re-key cannot be decoded as a user key (distinct object types), so the proxy
    // cannot feed its blinded key to `open`.
    assert_eq!(
        UserKey::from_bytes(&rekey.to_bytes()).err(),
        Some(Error::InvalidEncoding(EncodingError::WrongType))
    );
    // The audience of P' opens; the delegator too (it satisfies P and P').
    assert_eq!(w.doctor.open(pk(), &shared).unwrap(), b"sinus rhythm");
    assert_eq!(w.patient.open(pk(), &shared).unwrap(), b"sinus rhythm");
}

/// v1 checked `S'` against the delegator's user key (`NotASubset`). v2 has no
/// `UserKey::rekey`: a grant needs a delegation key that the authority issues for `S'`,
/// which refuses an empty set, the reserved holder guard, and another authority's
/// public key (`WrongAuthority`).
#[test]
fn a_rekey_needs_a_delegation_key_and_a_fresh_grant_per_record() {
    let w = world();
    let mut rng = rng(7);
    let to = policy("hospital:h2 and role:physician");
    let consent_key = BlsSigningKey::generate(&mut rng).public_key();
    let none: [&str; 0] = [];
    assert_eq!(
        w.authority
            .issue_delegation_key(&none, &consent_key, &mut rng)
            .err()
            .map(|e| e.code()),
        Some("invalid_argument")
    );
    assert_eq!(
        w.authority
            .issue_delegation_key(&["cipherchart:key-holder"], &consent_key, &mut rng)
            .err()
            .map(|e| e.code()),
        Some("invalid_attribute")
    );
    assert_eq!(
        patient_delegation(&mut rng)
            .rekey(w.other.public_key(), &to, &mut rng)
            .err(),
        Some(Error::WrongAuthority)
    );
    let rekey = patient_delegation(&mut rng)
        .rekey(pk(), &to, &mut rng)
        .unwrap();
    let once = rekey.reencrypt(&w.record).unwrap();
    assert!(!rekey.can_reencrypt(&once));
    assert_eq!(
        rekey.reencrypt(&once).err().map(|e| e.code()),
        Some("invalid_argument")
    );
}

#[test]
fn batch_reencryption_reports_every_failure_in_place() {
    let w = world();
    let mut rng = rng(8);
    let rekey = patient_delegation(&mut rng)
        .rekey(pk(), &policy("hospital:h2"), &mut rng)
        .unwrap();
    let closed = seal(pk(), &policy("role:admin"), b"x", b"", b"x", &mut rng).unwrap();
    let done = rekey.reencrypt(&w.record).unwrap();
    let out = rekey.reencrypt_batch(&[w.record.clone(), closed, done, w.record.clone()]);
    assert_eq!(out.len(), 4);
    assert!(out[0].is_ok() && out[3].is_ok());
    assert_eq!(out[1].as_ref().err(), Some(&Error::PolicyNotSatisfied));
    assert_eq!(
        out[2].as_ref().err().map(Error::code),
        Some("invalid_argument")
    );
}

/// The proxy cannot authenticate a record's id or metadata (FAME headers are not
/// publicly verifiable), so a record relabelled with a permitted id passes
/// `reencrypt_with_consent`. The honest delegatee's `open` refuses the result, but a
/// delegatee who skips the checks recovers the seed from the untouched header: the
/// proxy must take records from its own store by id (`docs/security.md`, finding M7).
#[test]
fn the_proxy_cannot_tell_a_relabelled_record() {
    let w = world();
    let mut rng = rng(12);
    let (patient, rekey, grant) = consent_fixture(&mut rng);
    let grant = grant.records(["p42/ecg"]);
    let token = ConsentToken::issue(&patient, &grant, &mut rng).unwrap();
    let consent = verify(&token, &patient.public_key(), T0 + 1, &RevocationSet::new()).unwrap();
    let psy = seal(
        pk(),
        &policy("patient:42"),
        b"p42/psy",
        b"psychiatry",
        b"not consented",
        &mut rng,
    )
    .unwrap();
    assert_eq!(
        reencrypt_with_consent(&consent, &rekey, &psy, "psychiatry", "treatment").err(),
        Some(ConsentError::NotPermitted.into())
    );
    let mut bytes = psy.to_bytes();
    let at = bytes.windows(7).position(|w| w == b"p42/psy").unwrap();
    bytes[at..at + 7].copy_from_slice(b"p42/ecg");
    let relabelled = SealedRecord::from_bytes(&bytes).unwrap();
    let shared = reencrypt_with_consent(&consent, &rekey, &relabelled, "", "treatment").unwrap();
    assert_eq!(w.doctor.open(pk(), &shared), Err(Error::DecryptionFailed));
    // Taken from the proxy's own store by id, the genuine record is what gets shared.
    let genuine = reencrypt_with_consent(&consent, &rekey, &w.record, "", "treatment").unwrap();
    assert_eq!(w.doctor.open(pk(), &genuine).unwrap(), b"sinus rhythm");
}

/// Finding M8. v1: a re-key made with another authority's public key sealed its
/// capsule under that authority and the result opened for nobody (`DecryptionFailed`).
/// v2: delegation keys, re-keys and records name their authority, so such a re-key is
/// refused when it is made (`WrongAuthority`), and a re-key of the other authority
/// refuses this authority's records before any pairing.
#[test]
fn a_rekey_made_with_the_wrong_public_key_is_refused() {
    let w = world();
    let mut rng = rng(13);
    let to = policy("hospital:h2 and role:physician");
    assert_eq!(
        patient_delegation(&mut rng)
            .rekey(w.other.public_key(), &to, &mut rng)
            .err(),
        Some(Error::WrongAuthority)
    );
    let consent_key = BlsSigningKey::generate(&mut rng).public_key();
    let foreign = w
        .other
        .issue_delegation_key(&["patient:42"], &consent_key, &mut rng)
        .unwrap()
        .rekey(w.other.public_key(), &to, &mut rng)
        .unwrap();
    assert!(!foreign.can_reencrypt(&w.record));
    assert_eq!(foreign.reencrypt(&w.record), Err(Error::WrongAuthority));
    let foreign_doctor = w
        .other
        .issue_key(&["hospital:h2", "role:physician"], &mut rng)
        .unwrap();
    for key in [w.other.public_key(), pk()] {
        assert_eq!(
            foreign_doctor.open(key, &w.record),
            Err(Error::WrongAuthority)
        );
    }
}
