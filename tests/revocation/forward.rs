//! R1 (`docs/revocation-v3.md` §1): a record sealed under a notice that reflects a bump
//! does not open with any key issued before the bump for a bumped name; every other
//! holder opens it with one new key.

use cipherchart::{seal_with_notice, Authority, Error, Policy};

use crate::common::{key, rng, NoticeService};

#[test]
fn a_revoked_user_opens_no_record_sealed_after_the_notice() {
    let mut rng = rng(1);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let alice = key(&authority, &n0, &["role:nurse", "dept:icu"], &mut rng);
    let bob = key(&authority, &n0, &["role:nurse", "dept:icu"], &mut rng);
    let policy = Policy::parse("role:nurse and dept:icu").unwrap();
    let before = seal_with_notice(pk, &n0, &policy, b"r1", b"", b"before", &mut rng).unwrap();
    assert_eq!(alice.open(pk, &before).unwrap(), b"before");

    // Alice leaves: every name she holds is bumped; Bob gets new keys (R3).
    let n1 = service.bump(&["role:nurse", "dept:icu"]);
    let bob_new = key(&authority, &n1, &["role:nurse", "dept:icu"], &mut rng);
    let after = seal_with_notice(pk, &n1, &policy, b"r2", b"", b"after", &mut rng).unwrap();
    assert_eq!(after.notice_serial(), Some(n1.serial()));
    for old in [&alice, &bob] {
        assert_eq!(old.open(pk, &after), Err(Error::PolicyNotSatisfied));
    }
    assert_eq!(bob_new.open(pk, &after).unwrap(), b"after");
    // Until the catch-up, Bob's old key still serves the stored record (R2 is separate).
    assert_eq!(bob.open(pk, &before).unwrap(), b"before");
}

#[test]
fn an_attribute_revocation_excludes_only_that_attribute() {
    let mut rng = rng(2);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let alice = key(
        &authority,
        &n0,
        &["role:nurse", "dept:icu", "patient:7"],
        &mut rng,
    );
    // Alice loses the ICU; her other attributes are unchanged.
    let n1 = service.bump(&["dept:icu"]);
    let icu = Policy::parse("role:nurse and dept:icu").unwrap();
    let own = Policy::parse("patient:7 or role:surgeon").unwrap();
    let a = seal_with_notice(pk, &n1, &icu, b"a", b"", b"icu", &mut rng).unwrap();
    let b = seal_with_notice(pk, &n1, &own, b"b", b"", b"own", &mut rng).unwrap();
    assert_eq!(alice.open(pk, &a), Err(Error::PolicyNotSatisfied));
    assert_eq!(alice.open(pk, &b).unwrap(), b"own");
    let versions: Vec<(String, u32)> = a
        .attribute_versions()
        .into_iter()
        .map(|(n, v)| (n.to_string(), v))
        .collect();
    assert_eq!(
        versions,
        [("role:nurse".to_owned(), 0), ("dept:icu".to_owned(), 1)]
    );
}

#[test]
fn a_threshold_policy_after_a_revocation() {
    let mut rng = rng(3);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let alice = key(&authority, &n0, &["role:nurse", "dept:icu"], &mut rng);
    let carol = key(&authority, &n0, &["dept:icu", "shift:night"], &mut rng);
    let n1 = service.bump(&["role:nurse"]);
    let policy = Policy::parse("2 of (role:nurse, dept:icu, shift:night)").unwrap();
    let sealed = seal_with_notice(pk, &n1, &policy, b"t", b"", b"2-of-3", &mut rng).unwrap();
    // Alice's two rows are now one (her role:nurse is at version 0, the row at 1).
    assert_eq!(alice.open(pk, &sealed), Err(Error::PolicyNotSatisfied));
    // Carol's names were not bumped: her old key keeps working, no new material.
    assert_eq!(carol.open(pk, &sealed).unwrap(), b"2-of-3");
    let alice_new = key(&authority, &n1, &["role:nurse", "dept:icu"], &mut rng);
    assert_eq!(alice_new.open(pk, &sealed).unwrap(), b"2-of-3");
}

#[test]
fn another_authoritys_notice_is_refused() {
    let mut rng = rng(4);
    let a = Authority::setup(&mut rng);
    let b = Authority::setup(&mut rng);
    let mut service_b = NoticeService::new(&b, &mut rng);
    let nb = service_b.current();
    let policy = Policy::parse("role:nurse").unwrap();
    assert_eq!(
        seal_with_notice(a.public_key(), &nb, &policy, b"x", b"", b"p", &mut rng).map(|_| ()),
        Err(Error::WrongAuthority)
    );
    assert_eq!(
        a.issue_key_under(&nb, &["role:nurse"], &mut rng)
            .map(|_| ()),
        Err(Error::WrongAuthority)
    );
    // The holder guard stays the library's own.
    let mut service_a = NoticeService::new(&a, &mut rng);
    let na = service_a.current();
    let guard = Policy::parse("cipherchart:key-holder").unwrap();
    assert_eq!(
        seal_with_notice(a.public_key(), &na, &guard, b"x", b"", b"p", &mut rng).map(|_| ()),
        Err(Error::InvalidAttribute)
    );
}
