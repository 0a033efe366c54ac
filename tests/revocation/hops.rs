//! Re-encryption of format v3 records (`docs/revocation-v3.md` §7, §11.5, §11.6;
//! `docs/revocation.md` §0): v3 re-keys made under notices, v3 hops with parent links,
//! the proxy's currency check, and how a revocation reaches a hop's audience (R1/R2 for
//! delegatees).

use cipherchart::{
    seal, seal_with_notice, Authority, BlsSigningKey, DelegationKey, EncodingError, Error,
    GrantRef, Policy, ReKey, SealedRecord, VerifiedNotice,
};
use rand_chacha::ChaCha20Rng;

use crate::common::{key, rng, NoticeService};

fn policy(text: &str) -> Policy {
    Policy::parse(text).unwrap()
}

/// A v3 re-key for `attributes` of `authority` to `to` under `target`'s notice.
fn rekey(
    authority: &Authority,
    source_notice: &VerifiedNotice,
    attributes: &[&str],
    target: (&cipherchart::PublicKey, &VerifiedNotice),
    to: &str,
    parent: Option<GrantRef>,
    rng: &mut ChaCha20Rng,
) -> ReKey {
    let consent = BlsSigningKey::generate(rng);
    authority
        .issue_delegation_key_under(source_notice, attributes, &consent.public_key(), rng)
        .unwrap()
        .rekey_under(target.0, target.1, &policy(to), parent, rng)
        .unwrap()
}

#[test]
fn a_v3_record_is_shared_through_a_v3_rekey_and_every_object_round_trips() {
    let mut rng = rng(41);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n1 = service.bump(&["patient:42", "role:gp"]);
    let record = seal_with_notice(
        pk,
        &n1,
        &policy("patient:42"),
        b"r1",
        b"letter",
        b"x-ray",
        &mut rng,
    )
    .unwrap();
    let consent = BlsSigningKey::generate(&mut rng);
    let delegation = authority
        .issue_delegation_key_under(&n1, &["patient:42"], &consent.public_key(), &mut rng)
        .unwrap();
    // A delegation key at a version ≥ 1 is written in format v3, once.
    let bytes = delegation.to_bytes();
    assert_eq!(&bytes[..4], &[0x43, 0x43, 0x09, 0x03]);
    let delegation = DelegationKey::from_bytes(&bytes).unwrap();
    assert_eq!(delegation.to_bytes().as_slice(), bytes.as_slice());
    let key_id = delegation.key_id();

    let rk = delegation
        .rekey_under(pk, &n1, &policy("role:gp"), None, &mut rng)
        .unwrap();
    assert!(rk.is_v3() && rk.parent().is_none());
    assert_eq!(rk.target_versions()[0].1, 1);
    assert_eq!(rk.attribute_versions()[0].1, 1);
    rk.check_current(&[&n1]).unwrap();
    let rk_bytes = rk.to_bytes();
    assert_eq!(&rk_bytes[..4], &[0x43, 0x43, 0x05, 0x03]);
    let rk2 = ReKey::from_bytes(&rk_bytes).unwrap();
    assert_eq!(rk2.to_bytes().as_slice(), rk_bytes.as_slice());
    assert_eq!(rk2.grant(), rk.grant());
    // The grant id is derived from the delegation key id: the same key, the same grant.
    assert_ne!(rk.grant_id(), [0; 16]);
    assert_ne!(&key_id[..16], &rk.grant_id()[..]);

    let shared = rk.reencrypt(&record).unwrap();
    assert_eq!(shared.hop_count(), 1);
    assert_eq!(shared.newest_grant(), Some(rk.grant()));
    // Deterministic, and the record round-trips byte for byte.
    assert_eq!(
        rk2.reencrypt(&record).unwrap().to_bytes(),
        shared.to_bytes()
    );
    let decoded = SealedRecord::from_bytes(&shared.to_bytes()).unwrap();
    assert_eq!(decoded.to_bytes(), shared.to_bytes());
    assert_eq!(decoded.newest_grant(), Some(rk.grant()));

    let gp = key(&authority, &n1, &["role:gp"], &mut rng);
    assert_eq!(gp.open(pk, &decoded).unwrap(), b"x-ray");
    // The original audience still opens (its layer is embedded).
    let patient = key(&authority, &n1, &["patient:42"], &mut rng);
    assert_eq!(patient.open(pk, &decoded).unwrap(), b"x-ray");
    // A gp key from before the bump of role:gp does not.
    let old_gp = authority.issue_key(&["role:gp"], &mut rng).unwrap();
    assert_eq!(old_gp.open(pk, &decoded), Err(Error::PolicyNotSatisfied));
    let nurse = key(&authority, &n1, &["role:nurse"], &mut rng);
    assert_eq!(nurse.open(pk, &decoded), Err(Error::PolicyNotSatisfied));
}

#[test]
fn multi_hop_follows_the_parent_links() {
    let mut rng = rng(42);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n = service.bump(&["role:gp"]);
    let record =
        seal_with_notice(pk, &n, &policy("patient:42"), b"r", b"", b"note", &mut rng).unwrap();
    let first = rekey(
        &authority,
        &n,
        &["patient:42"],
        (pk, &n),
        "role:gp",
        None,
        &mut rng,
    );
    let hop1 = first.reencrypt(&record).unwrap();

    // The gp forwards to a specialist: a re-key whose parent is the first grant.
    let second = rekey(
        &authority,
        &n,
        &["role:gp"],
        (pk, &n),
        "role:cardiologist",
        hop1.newest_grant(),
        &mut rng,
    );
    assert_eq!(second.parent(), Some(first.grant()));
    // It applies only to records whose newest hop is of its parent.
    assert!(!second.can_reencrypt(&record));
    assert_eq!(
        second.reencrypt(&record).unwrap_err(),
        Error::PolicyNotSatisfied
    );
    let hop2 = second.reencrypt(&hop1).unwrap();
    // A re-key without a parent applies only to records without hops, even where its
    // attributes satisfy the newest layer.
    let orphan = rekey(
        &authority,
        &n,
        &["role:gp"],
        (pk, &n),
        "role:cardiologist",
        None,
        &mut rng,
    );
    assert_eq!(
        orphan.reencrypt(&hop1).unwrap_err(),
        Error::PolicyNotSatisfied
    );
    // Nor does a re-key whose parent is another grant.
    let stranger = rekey(
        &authority,
        &n,
        &["patient:42"],
        (pk, &n),
        "role:gp",
        None,
        &mut rng,
    );
    let wrong_parent = rekey(
        &authority,
        &n,
        &["role:gp"],
        (pk, &n),
        "role:cardiologist",
        Some(stranger.grant()),
        &mut rng,
    );
    assert_eq!(
        wrong_parent.reencrypt(&hop1).unwrap_err(),
        Error::PolicyNotSatisfied
    );

    let third = rekey(
        &authority,
        &n,
        &["role:cardiologist"],
        (pk, &n),
        "role:surgeon",
        hop2.newest_grant(),
        &mut rng,
    );
    let hop3 = SealedRecord::from_bytes(&third.reencrypt(&hop2).unwrap().to_bytes()).unwrap();
    assert_eq!(hop3.hop_count(), 3);
    for (attrs, expect) in [
        (&["patient:42"][..], true),
        (&["role:gp"][..], true),
        (&["role:cardiologist"][..], true),
        (&["role:surgeon"][..], true),
        (&["role:nurse"][..], false),
    ] {
        let k = key(&authority, &n, attrs, &mut rng);
        assert_eq!(k.open(pk, &hop3).is_ok(), expect, "{attrs:?}");
    }

    // The decoder holds every parent link: hop 1 names none, hop i names hop i-1's grant.
    let bytes = hop3.to_bytes();
    let first_id = first.grant_id();
    let second_id = second.grant_id();
    // Hop 2's parent field is `01 ‖ first_id` right after its grant id and delegator.
    let at = find(&bytes, &second_id).unwrap() + 16 + 48;
    assert_eq!(bytes[at], 1);
    assert_eq!(&bytes[at + 1..at + 17], &first_id);
    let mut flipped = bytes.clone();
    flipped[at + 1] ^= 1;
    assert_eq!(
        SealedRecord::from_bytes(&flipped).unwrap_err(),
        Error::InvalidEncoding(EncodingError::NonCanonical)
    );
    let mut dropped = bytes.clone();
    dropped[at] = 0;
    dropped.drain(at + 1..at + 17);
    assert!(SealedRecord::from_bytes(&dropped).is_err());
}

/// The first position of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn formats_do_not_mix() {
    let mut rng = rng(43);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let v2_record = seal(pk, &policy("patient:42"), b"r", b"", b"x", &mut rng).unwrap();
    let v3_record =
        seal_with_notice(pk, &n0, &policy("patient:42"), b"r", b"", b"x", &mut rng).unwrap();
    let consent = BlsSigningKey::generate(&mut rng);
    let v2 = authority
        .issue_delegation_key(&["patient:42"], &consent.public_key(), &mut rng)
        .unwrap()
        .rekey(pk, &policy("role:gp"), &mut rng)
        .unwrap();
    let v3 = rekey(
        &authority,
        &n0,
        &["patient:42"],
        (pk, &n0),
        "role:gp",
        None,
        &mut rng,
    );
    assert!(matches!(
        v2.reencrypt(&v3_record),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        v3.reencrypt(&v2_record),
        Err(Error::InvalidArgument(_))
    ));
    assert!(!v2.can_reencrypt(&v3_record) && !v3.can_reencrypt(&v2_record));
    // An unversioned delegation key makes either; a versioned one only v3 re-keys.
    let n1 = service.bump(&["patient:42"]);
    let versioned = authority
        .issue_delegation_key_under(&n1, &["patient:42"], &consent.public_key(), &mut rng)
        .unwrap();
    assert!(matches!(
        versioned.rekey(pk, &policy("role:gp"), &mut rng),
        Err(Error::InvalidArgument(_))
    ));
    // A notice of another authority is refused before any work.
    let other = Authority::setup(&mut rng);
    let other_notice = NoticeService::new(&other, &mut rng).current();
    let d = authority
        .issue_delegation_key_under(&n1, &["patient:42"], &consent.public_key(), &mut rng)
        .unwrap();
    assert!(DelegationKey::check_target(pk, &other_notice, &policy("role:gp")).is_err());
    assert_eq!(
        d.rekey_under(pk, &other_notice, &policy("role:gp"), None, &mut rng)
            .unwrap_err(),
        Error::WrongAuthority
    );
    assert_eq!(
        authority
            .issue_delegation_key_under(
                &other_notice,
                &["patient:42"],
                &consent.public_key(),
                &mut rng
            )
            .unwrap_err(),
        Error::WrongAuthority
    );
}

#[test]
fn a_revoked_delegatee_loses_the_record_and_the_others_keep_it() {
    let mut rng = rng(44);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let record = seal_with_notice(
        pk,
        &n0,
        &policy("patient:42"),
        b"r",
        b"",
        b"letter",
        &mut rng,
    )
    .unwrap();
    let grant = rekey(
        &authority,
        &n0,
        &["patient:42"],
        (pk, &n0),
        "role:gp",
        None,
        &mut rng,
    );
    let shared = grant.reencrypt(&record).unwrap();
    let (ann, bob) = (
        key(&authority, &n0, &["role:gp"], &mut rng),
        key(&authority, &n0, &["role:gp"], &mut rng),
    );
    assert_eq!(bob.open(pk, &shared).unwrap(), b"letter");

    // Bob leaves: role:gp is bumped.
    let n1 = service.bump(&["role:gp"]);
    // The proxy's check: the re-key's target is stale, so it is not applied again.
    assert_eq!(grant.check_current(&[&n1]), Err(Error::StaleReKey));
    // A proxy holding only an older notice than the re-key's cannot vouch for it.
    let fresh = rekey(
        &authority,
        &n1,
        &["patient:42"],
        (pk, &n1),
        "role:gp",
        None,
        &mut rng,
    );
    assert_eq!(fresh.check_current(&[&n0]), Err(Error::FutureVersion));
    // Stored copies catch up: the hop's layer is stale, the hop is dropped.
    assert!(shared.needs_catch_up(&n1));
    let caught_up = authority.rewrap(&shared, &n1, &mut rng).unwrap();
    assert_eq!(caught_up.hop_count(), 0);
    assert_eq!(bob.open(pk, &caught_up), Err(Error::PolicyNotSatisfied));
    // The proxy re-applies the grant with a re-key made under the new notice.
    fresh.check_current(&[&n1]).unwrap();
    let reshared = fresh.reencrypt(&caught_up).unwrap();
    assert_eq!(bob.open(pk, &reshared), Err(Error::PolicyNotSatisfied));
    assert_eq!(ann.open(pk, &reshared), Err(Error::PolicyNotSatisfied));
    let ann = key(&authority, &n1, &["role:gp"], &mut rng);
    assert_eq!(ann.open(pk, &reshared).unwrap(), b"letter");
    // Applying the stale re-key to the caught-up record gives nothing either: it is at
    // the record's versions, but its capsule is at role:gp's old version.
    // Nothing in the record stops it, and Bob's old key opens that copy: this is why a
    // proxy runs `check_current` before every use.
    let stale_copy = grant.reencrypt(&caught_up).unwrap();
    assert_eq!(ann.open(pk, &stale_copy), Err(Error::PolicyNotSatisfied));
    assert_eq!(bob.open(pk, &stale_copy).unwrap(), b"letter");

    // The delegator's own attribute bumped: the source side is stale.
    let n2 = service.bump(&["patient:42"]);
    assert_eq!(fresh.check_current(&[&n2]), Err(Error::StaleReKey));
    let caught_up = authority.rewrap(&reshared, &n2, &mut rng).unwrap();
    assert_eq!(
        fresh.reencrypt(&caught_up).unwrap_err(),
        Error::PolicyNotSatisfied
    );
}

#[test]
fn a_v3_referral_across_two_authorities() {
    let mut rng = rng(45);
    let (a, b) = (Authority::setup(&mut rng), Authority::setup(&mut rng));
    let (pk_a, pk_b) = (a.public_key(), b.public_key());
    let na = NoticeService::new(&a, &mut rng).bump(&["patient:42"]);
    let mut service_b = NoticeService::new(&b, &mut rng);
    let nb = service_b.bump(&["role:cardiologist"]);
    let record = seal_with_notice(
        pk_a,
        &na,
        &policy("patient:42"),
        b"ecg",
        b"",
        b"ECG",
        &mut rng,
    )
    .unwrap();
    let referral = rekey(
        &a,
        &na,
        &["patient:42"],
        (pk_b, &nb),
        "role:cardiologist",
        None,
        &mut rng,
    );
    assert_eq!(referral.target_authority(), pk_b.id());
    assert_eq!(referral.check_current(&[&na]), Err(Error::WrongAuthority));
    referral.check_current(&[&na, &nb]).unwrap();
    let referred =
        SealedRecord::from_bytes(&referral.reencrypt(&record).unwrap().to_bytes()).unwrap();
    assert_eq!(referred.current_authority(), pk_b.id());
    let cardiologist = key(&b, &nb, &["role:cardiologist"], &mut rng);
    assert_eq!(
        cardiologist
            .open_federated(&[pk_a, pk_b], &referred)
            .unwrap(),
        b"ECG"
    );
    assert_eq!(
        cardiologist.open(pk_b, &referred),
        Err(Error::WrongAuthority)
    );
    // B's own hop onward names the referral as its parent, qualified by A.
    assert_eq!(
        referred.newest_grant(),
        Some(GrantRef {
            authority: pk_a.id(),
            grant_id: referral.grant_id()
        })
    );
    let onward = rekey(
        &b,
        &nb,
        &["role:cardiologist"],
        (pk_b, &nb),
        "role:surgeon",
        referred.newest_grant(),
        &mut rng,
    );
    let twice = onward.reencrypt(&referred).unwrap();
    let surgeon = key(&b, &nb, &["role:surgeon"], &mut rng);
    assert_eq!(
        surgeon.open_federated(&[pk_a, pk_b], &twice).unwrap(),
        b"ECG"
    );
    // B bumps the target name: the referral's re-key is stale.
    let nb2 = service_b.bump(&["role:cardiologist"]);
    assert_eq!(referral.check_current(&[&na, &nb2]), Err(Error::StaleReKey));
}

#[test]
fn a_hop_spliced_onto_another_record_of_the_grant_opens_nothing() {
    let mut rng = rng(46);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let n = NoticeService::new(&authority, &mut rng).current();
    let seal_one = |id: &[u8], body: &[u8], rng: &mut ChaCha20Rng| {
        seal_with_notice(pk, &n, &policy("patient:42"), id, b"", body, rng).unwrap()
    };
    let (r1, r2) = (
        seal_one(b"r1", b"one", &mut rng),
        seal_one(b"r2", b"two", &mut rng),
    );
    let grant = rekey(
        &authority,
        &n,
        &["patient:42"],
        (pk, &n),
        "role:gp",
        None,
        &mut rng,
    );
    let (s1, s2) = (grant.reencrypt(&r1).unwrap(), grant.reencrypt(&r2).unwrap());
    let gp = key(&authority, &n, &["role:gp"], &mut rng);
    assert_eq!(gp.open(pk, &s2).unwrap(), b"two");
    // r2's bytes with r1's hop: the hop's record capsule is bound to r1.
    let b1 = s1.to_bytes();
    let b2 = s2.to_bytes();
    let hop_len = b1.len() - r1.to_bytes().len();
    let mut spliced = r2.to_bytes();
    let last = spliced.len() - 1;
    spliced[last] = 1;
    spliced.extend_from_slice(&b1[b1.len() - hop_len..]);
    assert_eq!(spliced.len(), b2.len());
    let spliced = SealedRecord::from_bytes(&spliced).unwrap();
    assert_eq!(gp.open(pk, &spliced), Err(Error::DecryptionFailed));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, .. proptest::prelude::ProptestConfig::default() })]

    /// The algebra through a v3 hop: a record shared to `2 of (a, b, c)` under a notice
    /// that bumps `bumped`, opened by a key for `held` issued under the old notice (every
    /// name at 0) or the new one, opens iff at least two held names are at the target's
    /// versions (any name a key holds under the new notice; only unbumped names under the
    /// old one).
    #[test]
    fn a_v3_hop_opens_iff_the_key_holds_enough_names_at_the_targets_versions(
        bumped in proptest::sample::subsequence(vec!["x:a", "x:b", "x:c"], 0..=3),
        held in proptest::sample::subsequence(vec!["x:a", "x:b", "x:c"], 1..=3),
        under_new in proptest::bool::ANY,
        seed in 0u64..1_000,
    ) {
        let mut rng = rng(1_000 + seed);
        let authority = Authority::setup(&mut rng);
        let pk = authority.public_key();
        let mut service = NoticeService::new(&authority, &mut rng);
        let old = service.current();
        let new = if bumped.is_empty() { service.current() } else { service.bump(&bumped) };
        let record = seal_with_notice(pk, &new, &policy("patient:42"), b"r", b"", b"p", &mut rng).unwrap();
        let grant = rekey(&authority, &new, &["patient:42"], (pk, &new), "2 of (x:a, x:b, x:c)", None, &mut rng);
        grant.check_current(&[&new]).unwrap();
        let shared = SealedRecord::from_bytes(&grant.reencrypt(&record).unwrap().to_bytes()).unwrap();
        let key = key(&authority, if under_new { &new } else { &old }, &held, &mut rng);
        let current = held.iter().filter(|n| under_new || !bumped.contains(n)).count();
        let opened = key.open(pk, &shared);
        if current >= 2 {
            proptest::prop_assert_eq!(opened.unwrap(), b"p".to_vec());
        } else {
            proptest::prop_assert_eq!(opened, Err(Error::PolicyNotSatisfied));
        }
    }
}

#[test]
fn a_strip_is_a_chain_entry_and_only_a_strip_is_logged_as_one() {
    let mut rng = rng(47);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let record = seal_with_notice(
        pk,
        &n0,
        &policy("patient:42"),
        b"r",
        b"",
        b"letter",
        &mut rng,
    )
    .unwrap();
    let first = rekey(
        &authority,
        &n0,
        &["patient:42"],
        (pk, &n0),
        "role:gp",
        None,
        &mut rng,
    );
    let hop1 = first.reencrypt(&record).unwrap();
    let second = rekey(
        &authority,
        &n0,
        &["role:gp"],
        (pk, &n0),
        "role:surgeon",
        hop1.newest_grant(),
        &mut rng,
    );
    let hop2 = second.reencrypt(&hop1).unwrap();
    // role:surgeon is bumped: only hop 2 is stale; the strip keeps hop 1.
    let n1 = service.bump(&["role:surgeon"]);
    assert!(hop2.needs_catch_up(&n1) && !hop1.needs_catch_up(&n1));
    assert!(hop1.strip_stale_hops(&n1).is_none());
    let stripped = hop2.strip_stale_hops(&n1).unwrap();
    assert_eq!(stripped.to_bytes(), hop1.to_bytes());
    let gp = key(&authority, &n0, &["role:gp"], &mut rng);
    assert_eq!(gp.open(pk, &stripped).unwrap(), b"letter");
    // The strip's entry names the old copy and the hop counts; anything else is refused.
    let draft = cipherchart::Entry::for_strip(&hop2, &stripped, service.now()).unwrap();
    let log_key = BlsSigningKey::generate(&mut rng);
    let mut chain = cipherchart::Chain::open(cipherchart::MemoryStore::new()).unwrap();
    chain.sign_and_append(draft, &log_key).unwrap();
    chain.verify_all(None, &mut rng).unwrap();
    for (old, new) in [
        (&hop2, &hop2),
        (&stripped, &hop2),
        (
            &hop2,
            &SealedRecord::from_bytes(&record.to_bytes()).unwrap(),
        ),
    ] {
        let is_strip = old.hop_count() > new.hop_count();
        let r = cipherchart::Entry::for_strip(old, new, service.now());
        assert_eq!(
            r.is_ok(),
            is_strip,
            "{} -> {}",
            old.hop_count(),
            new.hop_count()
        );
    }
    let other = seal_with_notice(
        pk,
        &n0,
        &policy("patient:42"),
        b"r",
        b"",
        b"letter",
        &mut rng,
    )
    .unwrap();
    assert!(matches!(
        cipherchart::Entry::for_strip(&hop2, &other, service.now()),
        Err(Error::InvalidArgument(_))
    ));
}

/// Outside review 2 (HB-4, HB-5): of notices of one authority, `check_current` trusts none
/// that disagree: two different notices under one serial (an equivocating notice service),
/// or notices verified under different notice keys, are refused whatever their order.
#[test]
fn check_current_refuses_equivocating_notices_and_mixed_notice_keys() {
    use cipherchart::{Attribute, NoticeFields, VersionNotice};
    let mut rng = rng(48);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let n0 = NoticeService::new(&authority, &mut rng).current();
    let grant = rekey(
        &authority,
        &n0,
        &["patient:42"],
        (pk, &n0),
        "role:gp",
        None,
        &mut rng,
    );
    let sign = |key: &BlsSigningKey, serial: u64, gp: u32| {
        VersionNotice::sign(
            key,
            &NoticeFields {
                authority: pk.id(),
                statement_serial: 0,
                serial,
                issued_at: serial,
                not_after: serial + 3600,
                bump_count: u64::from(gp),
                bump_head: [gp as u8; 32],
                versions: if gp == 0 {
                    vec![]
                } else {
                    vec![(Attribute::new("role:gp").unwrap(), gp)]
                },
            },
        )
        .unwrap()
        .verify(&key.public_key(), serial, None)
        .unwrap()
    };
    let key = BlsSigningKey::generate(&mut rng);
    let serial = crate::common::T0 + 100;
    let (bumped, plain) = (sign(&key, serial, 1), sign(&key, serial, 0));
    assert_eq!(grant.check_current(&[&bumped]), Err(Error::StaleReKey));
    for pair in [[&bumped, &plain], [&plain, &bumped]] {
        assert!(matches!(
            grant.check_current(&pair),
            Err(Error::InvalidArgument(_))
        ));
    }
    // A newer notice under another key beside the pinned key's.
    let other = BlsSigningKey::generate(&mut rng);
    let forged = sign(&other, serial + 10, 0);
    for pair in [[&bumped, &forged], [&forged, &bumped]] {
        assert!(matches!(
            grant.check_current(&pair),
            Err(Error::InvalidArgument(_))
        ));
    }
    // The same notice twice is one notice.
    assert_eq!(
        grant.check_current(&[&bumped, &bumped]),
        Err(Error::StaleReKey)
    );
}
