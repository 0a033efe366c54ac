//! The consent helpers of a proxy that follows revocation (`docs/revocation.md` §0.5):
//! `reencrypt_with_consent_under` and `reencrypt_batch_with_consent_under` check the
//! re-key against the current notices before any record is touched, and the helpers that
//! take no notices refuse a format v3 re-key (its currency cannot be checked there).

use cipherchart::{
    reencrypt_batch_with_consent, reencrypt_batch_with_consent_under, reencrypt_with_consent,
    reencrypt_with_consent_under, seal, seal_with_notice, Authority, BlsSigningKey, ConsentError,
    ConsentToken, Error, Grant, Grantee, Policy, ReKey, RevocationSet, VerifiedConsent, Window,
};
use rand_chacha::ChaCha20Rng;

use crate::common::{key, rng, NoticeService, T0};

fn policy(text: &str) -> Policy {
    Policy::parse(text).unwrap()
}

/// The patient's consent for exactly `rekey`, to `role:gp`, for `letter-*` records.
fn consent(patient: &BlsSigningKey, rekey: &ReKey, rng: &mut ChaCha20Rng) -> VerifiedConsent {
    let grant = Grant::new(
        "42",
        Grantee::Policy(policy("role:gp")),
        Window::new(T0, T0 + 86_400).unwrap(),
    )
    .records(["letter-1", "letter-2"])
    .purposes(["treatment"])
    .rekey(rekey);
    ConsentToken::issue(patient, &grant, rng)
        .unwrap()
        .verify(&patient.public_key(), T0 + 10, &RevocationSet::new())
        .unwrap()
}

#[test]
fn a_stale_grant_is_refused_by_the_consent_helper_before_any_record_is_touched() {
    let mut rng = rng(71);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let patient = BlsSigningKey::generate(&mut rng);
    let letters: Vec<_> = [&b"letter-1"[..], b"letter-2"]
        .iter()
        .map(|id| {
            seal_with_notice(pk, &n0, &policy("patient:42"), id, b"", b"letter", &mut rng).unwrap()
        })
        .collect();
    let rk = authority
        .issue_delegation_key_under(&n0, &["patient:42"], &patient.public_key(), &mut rng)
        .unwrap()
        .rekey_under(pk, &n0, &policy("role:gp"), None, &mut rng)
        .unwrap();
    let ok = consent(&patient, &rk, &mut rng);
    let eli = key(&authority, &n0, &["role:gp"], &mut rng);

    // Current: the grant applies, one record or a batch.
    let shared =
        reencrypt_with_consent_under(&ok, &rk, &[&n0], &letters[0], "x", "treatment").unwrap();
    assert_eq!(eli.open(pk, &shared).unwrap(), b"letter");
    let pairs: Vec<_> = letters.iter().map(|r| (r, "x")).collect();
    let batch = reencrypt_batch_with_consent_under(&ok, &rk, &[&n0], &pairs, "treatment").unwrap();
    assert!(batch.iter().all(Result::is_ok));

    // The helpers without notices refuse a v3 re-key: its currency cannot be checked.
    for r in [
        reencrypt_with_consent(&ok, &rk, &letters[0], "x", "treatment").map(|_| ()),
        reencrypt_batch_with_consent(&ok, &rk, &pairs, "treatment").map(|_| ()),
    ] {
        assert_eq!(r.unwrap_err().code(), "invalid_argument");
    }

    // Eli leaves: role:gp is bumped. The grant is stale, for one record and for a batch,
    // whether the proxy passes the newest notice alone or beside the older one.
    let n1 = service.bump(&["role:gp"]);
    for notices in [&[&n1][..], &[&n0, &n1], &[&n1, &n0]] {
        assert_eq!(
            reencrypt_with_consent_under(&ok, &rk, notices, &letters[0], "x", "treatment"),
            Err(Error::StaleReKey)
        );
        assert_eq!(
            reencrypt_batch_with_consent_under(&ok, &rk, notices, &pairs, "treatment").map(|_| ()),
            Err(Error::StaleReKey)
        );
    }
    // No notice of the authority: refused, not skipped.
    assert_eq!(
        reencrypt_with_consent_under(&ok, &rk, &[], &letters[0], "x", "treatment"),
        Err(Error::WrongAuthority)
    );
    let other = Authority::setup(&mut rng);
    let foreign = NoticeService::new(&other, &mut rng).current();
    assert_eq!(
        reencrypt_with_consent_under(&ok, &rk, &[&foreign], &letters[0], "x", "treatment"),
        Err(Error::WrongAuthority)
    );

    // The consent is checked first: another patient's consent is a mismatch whatever the
    // notices; a record outside the consent is not permitted once the re-key is current.
    let stranger = BlsSigningKey::generate(&mut rng);
    let theirs = consent(&stranger, &rk, &mut rng);
    assert_eq!(
        reencrypt_with_consent_under(&theirs, &rk, &[&n1], &letters[0], "x", "treatment"),
        Err(Error::Consent(ConsentError::RekeyMismatch))
    );
    let outside = seal_with_notice(
        pk,
        &n1,
        &policy("patient:42"),
        b"scan-9",
        b"",
        b"x",
        &mut rng,
    )
    .unwrap();
    let renewed = authority
        .issue_delegation_key_under(&n1, &["patient:42"], &patient.public_key(), &mut rng)
        .unwrap()
        .rekey_under(pk, &n1, &policy("role:gp"), None, &mut rng)
        .unwrap();
    let again = consent(&patient, &renewed, &mut rng);
    assert_eq!(
        reencrypt_with_consent_under(&again, &renewed, &[&n1], &outside, "x", "treatment"),
        Err(Error::Consent(ConsentError::NotPermitted))
    );
    // The grant made again under the new notice applies; the new GP opens, Eli does not.
    let letter = seal_with_notice(
        pk,
        &n1,
        &policy("patient:42"),
        b"letter-1",
        b"",
        b"v2",
        &mut rng,
    )
    .unwrap();
    let shared =
        reencrypt_with_consent_under(&again, &renewed, &[&n0, &n1], &letter, "x", "treatment")
            .unwrap();
    let dora = key(&authority, &n1, &["role:gp"], &mut rng);
    assert_eq!(dora.open(pk, &shared).unwrap(), b"v2");
    assert_eq!(eli.open(pk, &shared), Err(Error::PolicyNotSatisfied));
}

#[test]
fn a_v2_grant_goes_through_the_helper_with_notices_until_a_notice_bumps_its_names() {
    let mut rng = rng(72);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let patient = BlsSigningKey::generate(&mut rng);
    let letter = seal(
        pk,
        &policy("patient:42"),
        b"letter-1",
        b"",
        b"letter",
        &mut rng,
    )
    .unwrap();
    let rk = authority
        .issue_delegation_key(&["patient:42"], &patient.public_key(), &mut rng)
        .unwrap()
        .rekey(pk, &policy("role:gp"), &mut rng)
        .unwrap();
    let ok = consent(&patient, &rk, &mut rng);
    // The helper without notices keeps working for v2 re-keys.
    reencrypt_with_consent(&ok, &rk, &letter, "x", "treatment").unwrap();
    reencrypt_with_consent_under(&ok, &rk, &[&n0], &letter, "x", "treatment").unwrap();
    // A bump of an unrelated name leaves it current; a bump of its target name does not.
    let n1 = service.bump(&["role:nurse"]);
    reencrypt_with_consent_under(&ok, &rk, &[&n1], &letter, "x", "treatment").unwrap();
    let n2 = service.bump(&["role:gp"]);
    assert_eq!(
        reencrypt_with_consent_under(&ok, &rk, &[&n2], &letter, "x", "treatment"),
        Err(Error::StaleReKey)
    );
}
