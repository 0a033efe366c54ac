//! The protocol findings of the v2 review (`docs/security.md` §12), each replayed as the
//! reviewer ran it: through the public API and the wire formats of `docs/formats.md`.
//! Every attack here succeeded against format v1; each test asserts it fails now, and
//! where it can, a control shows the same steps succeed for the legitimate party.

#![allow(clippy::unwrap_used)]

use crate::common::record_layout::RecordParts;
use crate::common::verify;
use crate::common::{grant, policy, rng, skip_lp, DAY, T0};
use crate::fixtures::{auditor, two_hops, TwoHops};
use cipherchart::seal_stream;
use cipherchart::{reencrypt_with_consent, Grant, Grantee, RevocationSet, Window};
use cipherchart::{
    seal, start_session, Authority, BlsSigningKey, ConsentError, ConsentToken, EncodingError,
    Error, ReKey, SealedRecord,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

// --- finding 2: the second hop is record-independent ---------------------------------

/// Two records of one grant; the second grant re-encrypts only the first. The final
/// audience copies that second hop onto the other record: in v1 it opened with plain
/// `open`, bypassing proxy 2's consent check and audit entry.
#[test]
fn finding_2_a_copied_second_hop_opens_nothing() {
    let TwoHops {
        hospital, s2, t1, ..
    } = two_hops(2);
    let pk = hospital.public_key();
    let auditor = auditor(&hospital, 2);
    // Control: the hop proxy 2 made opens its own record.
    assert_eq!(auditor.open(pk, &t1).unwrap(), b"ecg");

    // The attack: s2 ‖ (t1's second hop).
    let mut spliced = RecordParts::of(&s2);
    assert_eq!(spliced.hops.len(), 1);
    spliced.hops.push(RecordParts::of(&t1).hops[1].clone());
    let forged = spliced.record().unwrap();
    assert_eq!(forged.hop_count(), 2);
    assert_eq!(auditor.open(pk, &forged), Err(Error::DecryptionFailed));
    // Nor does the first hop of another record of the grant help: r2's own audience
    // (a physician of h2) is unaffected, the auditor gets nothing.
    let physician = hospital
        .issue_key(&["hospital:h2", "role:physician"], &mut rng(2))
        .unwrap();
    assert_eq!(physician.open(pk, &s2).unwrap(), b"psychiatry notes");
}

/// A first hop copied from one record of the grant onto another record opens nothing.
#[test]
fn finding_2_a_copied_first_hop_opens_nothing() {
    let mut rng = rng(22);
    let hospital = Authority::setup(&mut rng);
    let pk = hospital.public_key();
    let patient = BlsSigningKey::generate(&mut rng);
    let chart = policy("patient:42");
    let r1 = seal(pk, &chart, b"p42/ecg", b"", b"ecg", &mut rng).unwrap();
    let r2 = seal(pk, &chart, b"p42/psych", b"", b"psych", &mut rng).unwrap();
    let rk = grant(
        &hospital,
        &["patient:42"],
        &patient,
        "role:physician",
        &mut rng,
    );
    let s1 = rk.reencrypt(&r1).unwrap();
    let mut copied = RecordParts::of(&r2);
    copied.hops = RecordParts::of(&s1).hops;
    let forged = copied.record().unwrap();
    let physician = hospital.issue_key(&["role:physician"], &mut rng).unwrap();
    assert_eq!(physician.open(pk, &forged), Err(Error::DecryptionFailed));
}

// --- finding 3: a consent does not bind its issuer to the re-key ---------------------

#[test]
fn finding_3_one_patients_consent_never_gates_another_patients_rekey() {
    let mut rng = rng(3);
    let hospital = Authority::setup(&mut rng);
    let pk = hospital.public_key();
    let (alice, bob) = (
        BlsSigningKey::generate(&mut rng),
        BlsSigningKey::generate(&mut rng),
    );
    let to = "hospital:h2 and role:physician";
    let bob_record = seal(pk, &policy("patient:7"), b"p7/psych", b"", b"bob", &mut rng).unwrap();
    let bob_rekey = grant(&hospital, &["patient:7"], &bob, to, &mut rng);
    let window = Window::new(T0, T0 + 30 * DAY).unwrap();
    let consent = |issuer: &BlsSigningKey, g: Grant| {
        let token = ConsentToken::issue(issuer, &g, &mut ChaCha20Rng::seed_from_u64(30)).unwrap();
        verify(
            &token,
            &issuer.public_key(),
            T0 + DAY,
            &RevocationSet::new(),
        )
        .unwrap()
    };
    let base = || Grant::new("p", Grantee::Policy(policy(to)), window).purposes(["treatment"]);
    let gate = |c| reencrypt_with_consent(&c, &bob_rekey, &bob_record, "psychiatry", "treatment");
    let mismatch = Err(Error::Consent(ConsentError::RekeyMismatch));

    // Alice's consent with the default scope and no re-key digest (the crate example's).
    assert_eq!(gate(consent(&alice, base())), mismatch);
    // Alice's consent naming Bob's re-key digest (public: it is in Bob's consent tokens).
    assert_eq!(gate(consent(&alice, base().rekey(&bob_rekey))), mismatch);
    // Bob's own consent without a digest authorises nothing either.
    assert_eq!(gate(consent(&bob, base())), mismatch);
    // Control: Bob's consent naming his re-key gates it.
    let shared = gate(consent(&bob, base().rekey(&bob_rekey))).unwrap();
    let doctor = hospital
        .issue_key(&["hospital:h2", "role:physician"], &mut rng)
        .unwrap();
    assert_eq!(doctor.open(pk, &shared).unwrap(), b"bob");
}

// --- finding 4: streams and session headers re-encrypted as records -----------------

/// A SealedRecord around a foreign KEM header, with a made-up body: refused at decode
/// when the header is under the holder guard (as stream and session headers are).
fn wrap_as_record(kem_header: &[u8]) -> Result<SealedRecord, Error> {
    RecordParts {
        id: b"p42/ecg".to_vec(),
        meta: Vec::new(),
        kem: kem_header.to_vec(),
        body: vec![0; 16],
        hops: Vec::new(),
    }
    .record()
}

#[test]
fn finding_4_a_stream_header_cannot_be_reencrypted() {
    let mut rng = rng(4);
    let hospital = Authority::setup(&mut rng);
    let pk = hospital.public_key();
    let patient = BlsSigningKey::generate(&mut rng);
    let mut stream = Vec::new();
    seal_stream(
        pk,
        &policy("patient:42"),
        b"mri",
        b"",
        &b"scan"[..],
        &mut stream,
        &mut rng,
    )
    .unwrap();
    // Stream header: "CC" 06 02 ‖ u32 body length ‖ u32 chunk size ‖ lp(id) ‖ lp(metadata) ‖ KEM header.
    let id_end = skip_lp(&stream, 12);
    let kem_start = skip_lp(&stream, id_end);
    let body_len = u32::from_be_bytes(stream[4..8].try_into().unwrap()) as usize;
    let wrapped = wrap_as_record(&stream[kem_start..8 + body_len]);
    let rekey = grant(
        &hospital,
        &["patient:42"],
        &patient,
        "role:physician",
        &mut rng,
    );
    expect_refused(&rekey, wrapped);
    // Control: the patient opens the stream itself.
    let key = hospital.issue_key(&["patient:42"], &mut rng).unwrap();
    let mut out = Vec::new();
    key.open_stream(pk, &stream[..], &mut out).unwrap();
    assert_eq!(out, b"scan");
}

#[test]
fn finding_4_a_session_header_cannot_be_reencrypted() {
    let mut rng = rng(44);
    let hospital = Authority::setup(&mut rng);
    let pk = hospital.public_key();
    let patient = BlsSigningKey::generate(&mut rng);
    let (header, _) = start_session(pk, &policy("patient:42"), b"bed-1", b"", &mut rng).unwrap();
    assert_eq!(header.policy(), &policy("patient:42"));
    let bytes = header.to_bytes();
    // Session header: "CC" 07 02 ‖ lp(id) ‖ lp(metadata) ‖ KEM header.
    let kem_start = skip_lp(&bytes, skip_lp(&bytes, 4));
    let wrapped = wrap_as_record(&bytes[kem_start..]);
    let rekey = grant(
        &hospital,
        &["patient:42"],
        &patient,
        "role:physician",
        &mut rng,
    );
    expect_refused(&rekey, wrapped);
}

/// A guarded header wrapped as a record: refused when the record is decoded (no record
/// layer may be under the holder guard), and, were it decoded, by the proxy, whose
/// blinded key lacks the guard (`PolicyNotSatisfied` before any pairing).
fn expect_refused(rekey: &ReKey, wrapped: Result<SealedRecord, Error>) {
    match wrapped {
        Err(e) => assert_eq!(e, Error::InvalidEncoding(EncodingError::NonCanonical)),
        Ok(record) => {
            assert!(!rekey.can_reencrypt(&record));
            assert_eq!(
                rekey.reencrypt(&record).unwrap_err(),
                Error::PolicyNotSatisfied
            );
        }
    }
}

/// The M7 relabelling: a record relabelled with a permitted id is re-encrypted, then the
/// original id is written back. In v1 `open` accepted it.
#[test]
fn finding_4_a_relabelled_record_does_not_open_with_either_id() {
    let mut rng = rng(45);
    let hospital = Authority::setup(&mut rng);
    let pk = hospital.public_key();
    let patient = BlsSigningKey::generate(&mut rng);
    let record = seal(
        pk,
        &policy("patient:42"),
        b"p42/psych",
        b"",
        b"psych",
        &mut rng,
    )
    .unwrap();
    let relabel = |r: &SealedRecord, id: &[u8]| {
        let mut relabelled = RecordParts::of(r);
        relabelled.id = id.to_vec();
        relabelled.record().unwrap()
    };
    let rekey = grant(
        &hospital,
        &["patient:42"],
        &patient,
        "role:physician",
        &mut rng,
    );
    let shared = rekey.reencrypt(&relabel(&record, b"p42/ecg")).unwrap();
    let doctor = hospital.issue_key(&["role:physician"], &mut rng).unwrap();
    assert_eq!(doctor.open(pk, &shared), Err(Error::DecryptionFailed));
    assert_eq!(
        doctor.open(pk, &relabel(&shared, b"p42/psych")),
        Err(Error::DecryptionFailed)
    );
    // Control: the record under its own id, re-encrypted, opens.
    assert_eq!(
        doctor.open(pk, &rekey.reencrypt(&record).unwrap()).unwrap(),
        b"psych"
    );
}

/// Keys cannot be issued for the guard, and every user key opens guarded objects.
#[test]
fn finding_4_the_holder_guard_is_the_authoritys_alone() {
    let mut rng = rng(46);
    let hospital = Authority::setup(&mut rng);
    assert_eq!(
        hospital
            .issue_key(&["patient:42", "cipherchart:key-holder"], &mut rng)
            .unwrap_err(),
        Error::InvalidAttribute
    );
    let patient = BlsSigningKey::generate(&mut rng);
    assert_eq!(
        hospital
            .issue_delegation_key(&["cipherchart:key-holder"], &patient.public_key(), &mut rng)
            .unwrap_err(),
        Error::InvalidAttribute
    );
}

// --- finding 5: two grants from one key combine --------------------------------------
// The attack needs the blinded key components and the capsule seeds; it is replayed
// against the internals in src/pre/tests.rs (`grants_from_one_key_combine_…`). Here:
// the API has no way left to make two re-keys from one key.

#[test]
fn finding_5_each_grant_has_its_own_delegation_key() {
    let mut rng = rng(5);
    let hospital = Authority::setup(&mut rng);
    let pk = hospital.public_key();
    let patient = BlsSigningKey::generate(&mut rng);
    let d1 = hospital
        .issue_delegation_key(
            &["patient:42", "epoch:2026q3"],
            &patient.public_key(),
            &mut rng,
        )
        .unwrap();
    let d2 = hospital
        .issue_delegation_key(
            &["cat:psychiatry", "epoch:2026q4"],
            &patient.public_key(),
            &mut rng,
        )
        .unwrap();
    // Delegation keys are issued with fresh randomness: their encodings share no point.
    let (b1, b2) = (d1.to_bytes(), d2.to_bytes());
    let points = |b: &[u8]| -> Vec<Vec<u8>> {
        b[b.len() - 48 - 3 * 48 * 3..b.len() - 48]
            .chunks(48)
            .map(<[u8]>::to_vec)
            .collect()
    };
    assert!(points(&b1).iter().all(|p| !points(&b2).contains(p)));
    let rk = d1.rekey(pk, &policy("role:researcher"), &mut rng).unwrap();
    assert_eq!(rk.delegator(), &patient.public_key());
}

// --- finding 6: a forged hop locks the audience out ----------------------------------

#[test]
fn finding_6_a_forged_hop_does_not_lock_the_audience_out() {
    let mut rng = rng(6);
    let hospital = Authority::setup(&mut rng);
    let pk = hospital.public_key();
    let patient = BlsSigningKey::generate(&mut rng);
    let chart = policy("patient:42");
    let mine = seal(pk, &chart, b"p42/ecg", b"", b"mine", &mut rng).unwrap();
    let other = seal(pk, &chart, b"p42/lab", b"", b"other", &mut rng).unwrap();
    // A genuine hop, to a policy the patient satisfies, made for another record.
    let rk = grant(
        &hospital,
        &["patient:42"],
        &patient,
        "patient:42 or role:clerk",
        &mut rng,
    );
    let mut spliced = RecordParts::of(&mine);
    spliced.hops = RecordParts::of(&rk.reencrypt(&other).unwrap()).hops;
    let forged = spliced.record().unwrap();
    let key = hospital.issue_key(&["patient:42"], &mut rng).unwrap();
    // The key satisfies the forged hop and the record's own layer: it opens from the
    // oldest, the record's own, and never reads the forged hop.
    assert_eq!(key.open(pk, &forged).unwrap(), b"mine");
    // A clerk, who satisfies only the forged hop, gets nothing.
    let clerk = hospital.issue_key(&["role:clerk"], &mut rng).unwrap();
    assert_eq!(clerk.open(pk, &forged), Err(Error::DecryptionFailed));
}

// --- finding 8: keys do not record their authority -----------------------------------

#[test]
fn finding_8_keys_rekeys_and_records_name_their_authority() {
    let mut rng = rng(8);
    let (a, b) = (Authority::setup(&mut rng), Authority::setup(&mut rng));
    let patient = BlsSigningKey::generate(&mut rng);
    let record = seal(
        a.public_key(),
        &policy("patient:42"),
        b"r",
        b"",
        b"x",
        &mut rng,
    )
    .unwrap();
    assert_eq!(record.authority(), a.public_key().id());
    let key_b = b.issue_key(&["patient:42"], &mut rng).unwrap();
    assert_eq!(key_b.authority(), b.public_key().id());
    // B's key, even with A's public key named, is refused before any pairing.
    assert_eq!(
        key_b.open(a.public_key(), &record),
        Err(Error::WrongAuthority)
    );
    assert_eq!(
        key_b.open(b.public_key(), &record),
        Err(Error::WrongAuthority)
    );
    // A re-key of B does not touch A's records; a delegation key of B makes no re-key
    // under A's public key.
    let rk_b = grant(&b, &["patient:42"], &patient, "role:physician", &mut rng);
    assert_eq!(rk_b.reencrypt(&record).unwrap_err(), Error::WrongAuthority);
    assert!(!rk_b.can_reencrypt(&record));
    let d = b
        .issue_delegation_key(&["patient:42"], &patient.public_key(), &mut rng)
        .unwrap();
    assert_eq!(
        d.rekey(a.public_key(), &policy("role:physician"), &mut rng)
            .unwrap_err(),
        Error::WrongAuthority
    );
    // The id survives the encodings.
    let key_bytes = key_b.to_bytes();
    let again = cipherchart::UserKey::from_bytes(&key_bytes).unwrap();
    assert_eq!(again.authority(), b.public_key().id());
    let rk_again = ReKey::from_bytes(&rk_b.to_bytes()).unwrap();
    assert_eq!(rk_again.authority(), b.public_key().id());
    // Control: A's key opens.
    let key_a = a.issue_key(&["patient:42"], &mut rng).unwrap();
    assert_eq!(key_a.open(a.public_key(), &record).unwrap(), b"x");
}
