//! R4 (`docs/revocation-v3.md` §1): the notice that revokes, the key updates it causes and
//! every catch-up are signed entries of the proof chain, which verifies end to end.

use cipherchart::{
    seal_with_notice, Action, Authority, BlsSigningKey, Chain, Entry, MemoryStore, Policy,
};
use sha2::{Digest, Sha256};

use crate::common::{key, rng, NoticeService};

#[test]
fn revocation_key_updates_and_catch_ups_are_chain_entries() {
    let mut rng = rng(20);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let operator = BlsSigningKey::generate(&mut rng);
    let mut chain = Chain::open(MemoryStore::new()).unwrap();
    let n0 = service.current();
    let policy = Policy::parse("role:nurse and dept:icu").unwrap();
    let records: Vec<_> = (0..3)
        .map(|i| {
            let id = format!("r{i}");
            seal_with_notice(pk, &n0, &policy, id.as_bytes(), b"", b"p", &mut rng).unwrap()
        })
        .collect();

    let n1 = service.bump(&["role:nurse"]);
    let t = service.now();
    chain
        .sign_and_append(Entry::for_notice(n1.notice(), t).unwrap(), &operator)
        .unwrap();
    let keep = key(&authority, &n1, &["role:nurse", "dept:icu"], &mut rng);
    chain
        .sign_and_append(Entry::for_key_update(n1.notice(), 1, t), &operator)
        .unwrap();
    let mut caught_up = Vec::new();
    for r in &records {
        let new = authority.rewrap(r, &n1, &mut rng).unwrap();
        assert_eq!(keep.open(pk, &new).unwrap(), b"p");
        chain
            .sign_and_append(Entry::for_catch_up(r, &new, t).unwrap(), &operator)
            .unwrap();
        caught_up.push(new);
    }
    chain.verify_all(None, &mut rng).unwrap();
    assert_eq!(chain.len(), 5);

    let notice_entry = chain.entry(0).unwrap();
    assert_eq!(notice_entry.action(), Action::Revoke);
    assert_eq!(notice_entry.subject(), pk.id());
    assert_eq!(*notice_entry.digest(), n1.notice().digest());
    let update = chain.entry(1).unwrap();
    assert_eq!(update.action(), Action::Grant);
    for (i, (old, new)) in records.iter().zip(&caught_up).enumerate() {
        let e = chain.entry(2 + i as u64).unwrap();
        assert_eq!(e.action(), Action::Update);
        assert_eq!(e.subject(), old.record_id());
        // Digest: the new record's bytes; metadata: the old and the new header digests.
        let digest: [u8; 32] = Sha256::digest(new.to_bytes()).into();
        assert_eq!(*e.digest(), digest);
        assert_eq!(e.metadata()[..32], old.header_digest());
        assert_eq!(e.metadata()[32..], new.header_digest());
    }
}

/// `Entry::for_catch_up` logs only a real catch-up: same authority, id, metadata and body
/// commitment, and a v3 result (outside review, docs item 7).
#[test]
fn a_catch_up_entry_refuses_unrelated_records() {
    let mut rng = rng(21);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let policy = Policy::parse("role:nurse").unwrap();
    let a = seal_with_notice(pk, &n0, &policy, b"a", b"", b"p", &mut rng).unwrap();
    let b = seal_with_notice(pk, &n0, &policy, b"b", b"", b"p", &mut rng).unwrap();
    let a_again = seal_with_notice(pk, &n0, &policy, b"a", b"", b"q", &mut rng).unwrap();
    let n1 = service.bump(&["role:nurse"]);
    let a1 = authority.rewrap(&a, &n1, &mut rng).unwrap();
    assert!(Entry::for_catch_up(&a, &a1, 1).is_ok());
    for (old, new) in [(&b, &a1), (&a_again, &a1), (&a1, &a)] {
        assert!(matches!(
            Entry::for_catch_up(old, new, 1),
            Err(cipherchart::Error::InvalidArgument(_))
        ));
    }
    // A v2 record caught up into v3 is a catch-up; the reverse is not.
    let v2 = cipherchart::seal(pk, &policy, b"c", b"", b"p", &mut rng).unwrap();
    let v3 = authority.rewrap(&v2, &n1, &mut rng).unwrap();
    assert!(Entry::for_catch_up(&v2, &v3, 1).is_ok());
    assert!(Entry::for_catch_up(&v3, &v2, 1).is_err());
}

/// Outside review of the bindings (RB-2 and its notes): a record is not its own catch-up,
/// a notice without a bump is not a revocation entry, and a previous notice verified under
/// another notice key is refused.
#[test]
fn entries_and_verification_refuse_what_is_not_a_revocation() {
    let mut rng = rng(22);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let policy = Policy::parse("role:nurse").unwrap();
    let r = seal_with_notice(pk, &n0, &policy, b"r", b"", b"p", &mut rng).unwrap();
    assert!(matches!(
        Entry::for_catch_up(&r, &r, 1),
        Err(cipherchart::Error::InvalidArgument(_))
    ));
    assert!(matches!(
        Entry::for_notice(n0.notice(), 1),
        Err(cipherchart::Error::InvalidArgument(_))
    ));
    let n1 = service.bump(&["role:nurse"]);
    assert!(Entry::for_notice(n1.notice(), 1).is_ok());
    // n1 again, with n0 as previous, but n0 verified under a stranger's key.
    let stranger = BlsSigningKey::generate(&mut rng);
    let foreign = cipherchart::VersionNotice::sign(
        &stranger,
        &cipherchart::NoticeFields {
            authority: pk.id(),
            statement_serial: 0,
            serial: n0.serial(),
            issued_at: n0.issued_at(),
            not_after: n0.not_after(),
            bump_count: 0,
            bump_head: [0; 32],
            versions: vec![],
        },
    )
    .unwrap()
    .verify(&stranger.public_key(), n0.issued_at(), None)
    .unwrap();
    assert!(matches!(
        n1.notice()
            .verify(n1.notice_key(), n1.issued_at(), Some(&foreign)),
        Err(cipherchart::Error::InvalidArgument(_))
    ));
    assert!(n1
        .notice()
        .verify(n1.notice_key(), n1.issued_at(), Some(&n0))
        .is_ok());
}
