//! The proxy under consent: `reencrypt_with_consent` and its batch form re-encrypt only
//! what a verified consent permits, with only the re-key it authorises; expired and
//! revoked tokens never become a `VerifiedConsent` in the first place.

#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use crate::common::verify;
use crate::common::{DAY, T0};
use cipherchart::BlsSigningKey;
use cipherchart::{
    check_rekey, reencrypt_batch_with_consent, reencrypt_with_consent, rekey_digest, ConsentToken,
    Grant, Grantee, RevocationSet, VerifiedConsent, Window,
};
use cipherchart::{
    seal, Authority, ConsentError, Error, Policy, PublicKey, ReKey, SealedRecord, UserKey,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

const TARGET: &str = "hospital:h2 and dept:cardiology and role:physician";

struct World {
    authority: Authority,
    doctor: UserKey,
    rekey: ReKey,
    other_rekey: ReKey,
    ecg: SealedRecord,
    echo: SealedRecord,
    lab: SealedRecord,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let mut rng = ChaCha20Rng::seed_from_u64(0xc0_5e47);
        let authority = Authority::setup(&mut rng);
        let pk = authority.public_key();
        let chart = Policy::parse("patient:42 or (hospital:h1 and role:physician)").unwrap();
        let rec = |id: &[u8], cat: &str, rng: &mut ChaCha20Rng| {
            seal(pk, &chart, id, cat.as_bytes(), b"payload", rng).unwrap()
        };
        let target = Policy::parse(TARGET).unwrap();
        // v2: each grant starts from a one-grant delegation key naming the patient's
        // consent key (the issuer of every token below).
        let grant = |rng: &mut ChaCha20Rng| {
            authority
                .issue_delegation_key(&["patient:42"], &patient().public_key(), rng)
                .unwrap()
                .rekey(pk, &target, rng)
                .unwrap()
        };
        let rekey = grant(&mut rng);
        let other_rekey = grant(&mut rng);
        World {
            doctor: authority
                .issue_key(
                    &["hospital:h2", "dept:cardiology", "role:physician"],
                    &mut rng,
                )
                .unwrap(),
            ecg: rec(b"p42/ecg", "cardiology", &mut rng),
            echo: rec(b"p42/echo", "cardiology", &mut rng),
            lab: rec(b"p42/lab", "laboratory", &mut rng),
            rekey,
            other_rekey,
            authority,
        }
    })
}

fn pk() -> &'static PublicKey {
    world().authority.public_key()
}

fn patient() -> BlsSigningKey {
    BlsSigningKey::from_ikm(&[1; 32], b"").unwrap()
}

fn base_grant() -> Grant {
    Grant::new(
        "patient-42",
        Grantee::Policy(Policy::parse(TARGET).unwrap()),
        Window::new(T0, T0 + 90 * DAY).unwrap(),
    )
    .categories(["cardiology"])
    .purposes(["treatment"])
}

fn verified(grant: &Grant) -> VerifiedConsent {
    let token = ConsentToken::issue(&patient(), grant, &mut ChaCha20Rng::seed_from_u64(5)).unwrap();
    verify(
        &token,
        &patient().public_key(),
        T0 + DAY,
        &RevocationSet::new(),
    )
    .unwrap()
}

fn refused(e: ConsentError) -> Error {
    Error::Consent(e)
}

#[test]
fn permitted_records_are_reencrypted_and_open_for_the_grantee() {
    let w = world();
    let consent = verified(&base_grant().rekey(&w.rekey));
    let out =
        reencrypt_with_consent(&consent, &w.rekey, &w.ecg, "cardiology", "treatment").unwrap();
    assert_eq!(w.doctor.open(pk(), &out).unwrap(), b"payload");
    assert!(w.doctor.open(pk(), &w.ecg).is_err());
    // The same as the unchecked operation would give.
    assert_eq!(out.record_id(), w.ecg.record_id());
}

#[test]
fn out_of_scope_and_wrong_purpose_are_refused() {
    let w = world();
    let consent = verified(&base_grant().rekey(&w.rekey));
    let r = |rec, cat, purpose| reencrypt_with_consent(&consent, &w.rekey, rec, cat, purpose);
    assert_eq!(
        r(&w.lab, "laboratory", "treatment").unwrap_err(),
        refused(ConsentError::NotPermitted)
    );
    assert_eq!(
        r(&w.ecg, "cardiology", "research").unwrap_err(),
        refused(ConsentError::NotPermitted)
    );
    // Scoped to one record id: its sibling of the same category is refused.
    let one = verified(&base_grant().records(["p42/ecg"]).rekey(&w.rekey));
    assert!(reencrypt_with_consent(&one, &w.rekey, &w.ecg, "cardiology", "treatment").is_ok());
    assert_eq!(
        reencrypt_with_consent(&one, &w.rekey, &w.echo, "cardiology", "treatment").unwrap_err(),
        refused(ConsentError::NotPermitted)
    );
}

#[test]
fn only_the_named_rekey_of_the_delegator_is_accepted() {
    let w = world();
    // Another re-key to the same audience, but not the one the token names.
    let consent = verified(&base_grant().rekey(&w.rekey));
    assert_ne!(rekey_digest(&w.rekey), rekey_digest(&w.other_rekey));
    assert_eq!(
        reencrypt_with_consent(&consent, &w.other_rekey, &w.ecg, "cardiology", "treatment")
            .unwrap_err(),
        refused(ConsentError::RekeyMismatch)
    );
    // A digest that survives a round trip of the re-key's bytes.
    let copy = ReKey::from_bytes(&w.rekey.to_bytes()).unwrap();
    assert_eq!(rekey_digest(&copy), rekey_digest(&w.rekey));
    assert!(check_rekey(&consent, &copy).is_ok());

    // No digest, policy grantee: v1 accepted any re-key whose target policy is the
    // grantee policy. v2 (fix of finding 3): a consent gates a re-key only if it names
    // the re-key's digest, so this is now refused even though the policies match.
    let by_policy = verified(&base_grant());
    assert_eq!(
        w.other_rekey.target_policy(),
        &Policy::parse(TARGET).unwrap()
    );
    assert_eq!(
        check_rekey(&by_policy, &w.other_rekey).unwrap_err(),
        refused(ConsentError::RekeyMismatch)
    );
    let elsewhere = verified(
        &Grant::new(
            "patient-42",
            Grantee::Policy(Policy::parse("hospital:h3").unwrap()),
            Window::new(T0, T0 + DAY * 2).unwrap(),
        )
        .purposes(["treatment"]),
    );
    assert_eq!(
        check_rekey(&elsewhere, &w.rekey).unwrap_err(),
        refused(ConsentError::RekeyMismatch)
    );
    // A digest naming the right re-key but a grantee policy that is not its target.
    let contradictory = verified(
        &Grant::new(
            "patient-42",
            Grantee::Policy(Policy::parse("hospital:h3").unwrap()),
            Window::new(T0, T0 + DAY * 2).unwrap(),
        )
        .purposes(["treatment"])
        .rekey(&w.rekey),
    );
    assert_eq!(
        check_rekey(&contradictory, &w.rekey).unwrap_err(),
        refused(ConsentError::RekeyMismatch)
    );
    // A key grantee without a digest authorises no re-key at all; with one, exactly it.
    let holder = BlsSigningKey::from_ikm(&[2; 32], b"").unwrap().public_key();
    let unbound = Grant::new(
        "patient-42",
        Grantee::Key(holder),
        Window::new(T0, T0 + DAY * 2).unwrap(),
    )
    .purposes(["treatment"]);
    assert_eq!(
        check_rekey(&verified(&unbound), &w.rekey).unwrap_err(),
        refused(ConsentError::RekeyMismatch)
    );
    let bound = verified(&unbound.rekey(&w.rekey));
    assert!(check_rekey(&bound, &w.rekey).is_ok());
    assert!(check_rekey(&bound, &w.other_rekey).is_err());

    // v2: the issuer must be the re-key's delegator. Another signer's token naming this
    // re-key's (public) digest gates nothing.
    assert_eq!(w.rekey.delegator(), &patient().public_key());
    let stranger = BlsSigningKey::from_ikm(&[3; 32], b"").unwrap();
    let token = ConsentToken::issue(
        &stranger,
        &base_grant().rekey(&w.rekey),
        &mut ChaCha20Rng::seed_from_u64(7),
    )
    .unwrap();
    let foreign = verify(
        &token,
        &stranger.public_key(),
        T0 + DAY,
        &RevocationSet::new(),
    )
    .unwrap();
    assert_eq!(
        check_rekey(&foreign, &w.rekey).unwrap_err(),
        refused(ConsentError::RekeyMismatch)
    );
    assert_eq!(
        reencrypt_with_consent(&foreign, &w.rekey, &w.ecg, "cardiology", "treatment").unwrap_err(),
        refused(ConsentError::RekeyMismatch)
    );
}

#[test]
fn expired_and_revoked_tokens_never_reach_the_proxy() {
    let token = ConsentToken::issue(
        &patient(),
        &base_grant(),
        &mut ChaCha20Rng::seed_from_u64(6),
    )
    .unwrap();
    let issuer = patient().public_key();
    assert_eq!(
        verify(&token, &issuer, T0 + 90 * DAY, &RevocationSet::new()).unwrap_err(),
        refused(ConsentError::Expired)
    );
    let mut revoked = RevocationSet::new();
    revoked.insert(token.revocation_ids()[0]);
    assert_eq!(
        verify(&token, &issuer, T0 + DAY, &revoked).unwrap_err(),
        refused(ConsentError::Revoked)
    );
}

#[test]
fn batches_follow_the_consent_record_by_record() {
    let w = world();
    let consent = verified(&base_grant().rekey(&w.rekey));
    let items = [
        (&w.ecg, "cardiology"),
        (&w.lab, "laboratory"),
        (&w.echo, "cardiology"),
    ];
    let out = reencrypt_batch_with_consent(&consent, &w.rekey, &items, "treatment").unwrap();
    assert_eq!(out.len(), 3);
    assert_eq!(
        w.doctor.open(pk(), out[0].as_ref().unwrap()).unwrap(),
        b"payload"
    );
    assert_eq!(
        out[1].as_ref().unwrap_err(),
        &refused(ConsentError::NotPermitted)
    );
    assert_eq!(out[2].as_ref().unwrap().record_id(), b"p42/echo");
    assert_eq!(
        reencrypt_batch_with_consent(&consent, &w.other_rekey, &items, "treatment").unwrap_err(),
        refused(ConsentError::RekeyMismatch)
    );
    let wrong_purpose =
        reencrypt_batch_with_consent(&consent, &w.rekey, &items, "research").unwrap();
    assert!(wrong_purpose.iter().all(|r| r.is_err()));
}
