//! R2 (`docs/revocation-v3.md` §1, §9): once the stored records a bump concerns are caught
//! up, none of them opens with a revoked key, every other holder opens each with its new
//! key alone, and each record keeps its id, metadata and body byte for byte.

use cipherchart::{seal, seal_with_notice, Authority, Error, Policy, SealedRecord};

use crate::common::{key, rng, NoticeService};

const POLICIES: [&str; 4] = [
    "role:nurse and dept:icu",
    "patient:42 or (role:nurse and dept:icu)",
    "2 of (role:nurse, dept:icu, shift:night)",
    "patient:42",
];

#[test]
fn after_catch_up_the_revoked_key_opens_no_stored_record() {
    let mut rng = rng(10);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let alice = key(&authority, &n0, &["role:nurse", "dept:icu"], &mut rng);
    let store: Vec<SealedRecord> = POLICIES
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let policy = Policy::parse(p).unwrap();
            let id = format!("rec-{i}");
            seal_with_notice(
                pk,
                &n0,
                &policy,
                id.as_bytes(),
                b"meta",
                p.as_bytes(),
                &mut rng,
            )
            .unwrap()
        })
        .collect();
    // Before the catch-up: Alice opens the three records her names satisfy.
    let opened_before = store.iter().filter(|r| alice.open(pk, r).is_ok()).count();
    assert_eq!(opened_before, 3);

    let n1 = service.bump(&["role:nurse", "dept:icu"]);
    let selected: Vec<bool> = store.iter().map(|r| r.needs_catch_up(&n1)).collect();
    assert_eq!(
        selected,
        [true, true, true, false],
        "patient:42 alone is untouched"
    );
    let caught_up: Vec<SealedRecord> = store
        .iter()
        .map(|r| {
            if r.needs_catch_up(&n1) {
                authority.rewrap(r, &n1, &mut rng).unwrap()
            } else {
                r.clone()
            }
        })
        .collect();

    for (old, new) in store.iter().zip(&caught_up) {
        // The revoked key opens none of them.
        assert!(alice.open(pk, new).is_err(), "{:?}", new.policy());
        assert!(!new.needs_catch_up(&n1));
        // Id, metadata and body unchanged; the body was never re-encrypted.
        assert_eq!(new.record_id(), old.record_id());
        assert_eq!(new.metadata(), old.metadata());
        assert_eq!(new.body_commitment(), old.body_commitment());
        assert!(new.body_commitment().is_some());
        // Still decodes as the same record.
        assert_eq!(SealedRecord::from_bytes(&new.to_bytes()).unwrap(), *new);
    }
    // Everyone else: one new key each, which opens every record they are entitled to.
    let bob = key(&authority, &n1, &["role:nurse", "dept:icu"], &mut rng);
    let carol = key(&authority, &n1, &["dept:icu", "shift:night"], &mut rng);
    let patient = key(&authority, &n0, &["patient:42"], &mut rng);
    for (i, r) in caught_up.iter().enumerate() {
        let payload = POLICIES[i].as_bytes();
        assert_eq!(bob.open(pk, r).ok().as_deref() == Some(payload), i < 3);
        assert_eq!(carol.open(pk, r).ok().as_deref() == Some(payload), i == 2);
        assert_eq!(
            patient.open(pk, r).ok().as_deref() == Some(payload),
            i == 1 || i == 3
        );
    }
}

#[test]
fn a_v2_record_is_caught_up_into_v3() {
    let mut rng = rng(11);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let v2_key = authority.issue_key(&["role:nurse"], &mut rng).unwrap();
    let policy = Policy::parse("role:nurse").unwrap();
    let v2 = seal(pk, &policy, b"old", b"m", b"from v2", &mut rng).unwrap();
    assert_eq!(v2.notice_serial(), None);
    let n1 = service.bump(&["role:nurse"]);
    assert!(v2.needs_catch_up(&n1));
    let v3 = authority.rewrap(&v2, &n1, &mut rng).unwrap();
    assert_eq!(v3.notice_serial(), Some(n1.serial()));
    assert_eq!(v2_key.open(pk, &v3), Err(Error::PolicyNotSatisfied));
    let new = key(&authority, &n1, &["role:nurse"], &mut rng);
    assert_eq!(new.open(pk, &v3).unwrap(), b"from v2");
}

#[test]
fn an_older_notice_never_rolls_a_record_back() {
    let mut rng = rng(12);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let n1 = service.bump(&["role:nurse"]);
    let policy = Policy::parse("role:nurse").unwrap();
    let sealed = seal_with_notice(pk, &n1, &policy, b"r", b"", b"p", &mut rng).unwrap();
    assert!(!sealed.needs_catch_up(&n0));
    assert_eq!(
        authority.rewrap(&sealed, &n0, &mut rng).map(|_| ()),
        Err(Error::FutureVersion)
    );
    let other = Authority::setup(&mut rng);
    assert_eq!(
        other.rewrap(&sealed, &n1, &mut rng).map(|_| ()),
        Err(Error::WrongAuthority)
    );
}

/// §9.1: a record is selected if **any layer** names a bumped attribute. A v2 record
/// re-encrypted to `role:gp` (its own policy untouched by the bump) is selected when
/// `role:gp` is bumped; after the catch-up the revoked GP's key opens nothing (the hop is
/// dropped), and the record's own audience still opens it.
#[test]
fn a_record_reached_through_a_hop_is_selected_and_the_hop_dropped() {
    let mut rng = rng(13);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let patient = authority.issue_key(&["patient:42"], &mut rng).unwrap();
    let record = seal(
        pk,
        &Policy::parse("patient:42").unwrap(),
        b"r",
        b"",
        b"letter",
        &mut rng,
    )
    .unwrap();
    let consent = cipherchart::BlsSigningKey::generate(&mut rng);
    let delegation = authority
        .issue_delegation_key(&["patient:42"], &consent.public_key(), &mut rng)
        .unwrap();
    let rekey = delegation
        .rekey(pk, &Policy::parse("role:gp").unwrap(), &mut rng)
        .unwrap();
    let shared = rekey.reencrypt(&record).unwrap();
    let gp = authority.issue_key(&["role:gp"], &mut rng).unwrap();
    assert_eq!(gp.open(pk, &shared).unwrap(), b"letter");

    let n1 = service.bump(&["role:gp"]);
    assert!(!record.needs_catch_up(&n1), "its own layer is current");
    assert!(shared.needs_catch_up(&n1), "the hop's layer is not");
    let caught_up = authority.rewrap(&shared, &n1, &mut rng).unwrap();
    assert_eq!(caught_up.hop_count(), 0);
    assert_eq!(gp.open(pk, &caught_up), Err(Error::PolicyNotSatisfied));
    assert_eq!(patient.open(pk, &caught_up).unwrap(), b"letter");
    assert!(!caught_up.needs_catch_up(&n1));
}
