//! What federation refuses: the wrong authority's keys and re-keys, missing public keys,
//! split hops, and names of one authority standing in for another's.

use cipherchart::{Error, Policy, SealedRecord};

use crate::common::{rng, Network, REFERRAL_POLICY};

fn code<T: core::fmt::Debug>(r: Result<T, Error>) -> &'static str {
    r.unwrap_err().code()
}

#[test]
fn a_b_key_without_as_public_key_is_wrong_authority() {
    let mut rng = rng(11);
    let net = Network::new(&mut rng);
    let referred = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let key_b = net
        .b
        .issue_key(&["role:physician", "dept:cardiology"], &mut rng)
        .unwrap();
    assert_eq!(
        code(key_b.open(net.b.public_key(), &referred)),
        "wrong_authority"
    );
    assert_eq!(
        code(key_b.open_federated(&[net.b.public_key()], &referred)),
        "wrong_authority"
    );
    // Nor with A's key alone: the key's own authority must be trusted.
    assert_eq!(
        code(key_b.open_federated(&[net.a.public_key()], &referred)),
        "wrong_authority"
    );
    assert_eq!(
        code(key_b.open_federated(&[], &referred)),
        "wrong_authority"
    );
    // A key of an authority no layer names.
    let key_c = net
        .c
        .issue_key(&["role:physician", "dept:cardiology"], &mut rng)
        .unwrap();
    let all = [net.a.public_key(), net.b.public_key(), net.c.public_key()];
    assert_eq!(
        code(key_c.open_federated(&all, &referred)),
        "wrong_authority"
    );
}

#[test]
fn names_at_one_authority_never_open_anothers_layer() {
    let mut rng = rng(12);
    let net = Network::new(&mut rng);
    let referred = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let both = [net.a.public_key(), net.b.public_key()];
    // B issues "patient:42": A's header names it, but B's key is no key of A's.
    let fake_patient = net.b.issue_key(&["patient:42"], &mut rng).unwrap();
    assert_eq!(
        code(fake_patient.open_federated(&both, &referred)),
        "policy_not_satisfied"
    );
    // An A key is matched against A's layer only: B's audience policy, which these
    // names satisfy, is B's layer.
    let a_oncologist = net
        .a
        .issue_key(&["role:physician", "dept:oncology"], &mut rng)
        .unwrap();
    let referred = net
        .referral(&net.b, "role:physician and dept:oncology", &mut rng)
        .reencrypt(&net.chart("y", &mut rng))
        .unwrap();
    assert_eq!(
        code(a_oncologist.open_federated(&both, &referred)),
        "policy_not_satisfied"
    );
}

#[test]
fn a_rekey_of_a_refuses_a_record_already_at_b_and_a_rekey_of_b_refuses_as_records() {
    let mut rng = rng(13);
    let net = Network::new(&mut rng);
    let record = net.chart("x", &mut rng);
    let referred = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&record)
        .unwrap();
    // A second referral from A: the newest layer is B's.
    let again = net.referral(&net.c, "role:surgeon", &mut rng);
    assert!(!again.can_reencrypt(&referred));
    assert_eq!(code(again.reencrypt(&referred)), "wrong_authority");
    // A re-key of B's cannot transform A's record.
    let lead = cipherchart::BlsSigningKey::generate(&mut rng);
    let b_rekey = net
        .b
        .issue_delegation_key(
            &["role:physician", "dept:cardiology"],
            &lead.public_key(),
            &mut rng,
        )
        .unwrap()
        .rekey_to(
            net.c.public_key(),
            &Policy::parse("role:surgeon").unwrap(),
            &mut rng,
        )
        .unwrap();
    assert!(!b_rekey.can_reencrypt(&record));
    assert_eq!(code(b_rekey.reencrypt(&record)), "wrong_authority");
    assert!(b_rekey.can_reencrypt(&referred));
}

#[test]
fn rekey_within_one_authority_still_refuses_another_authoritys_key() {
    let mut rng = rng(14);
    let net = Network::new(&mut rng);
    let delegation = net
        .a
        .issue_delegation_key(&["patient:42"], &net.patient.public_key(), &mut rng)
        .unwrap();
    assert_eq!(
        code(delegation.rekey(
            net.b.public_key(),
            &Policy::parse("role:x").unwrap(),
            &mut rng
        )),
        "wrong_authority"
    );
    // rekey_to refuses the holder guard, as rekey does.
    let delegation = net
        .a
        .issue_delegation_key(&["patient:42"], &net.patient.public_key(), &mut rng)
        .unwrap();
    assert_eq!(
        code(delegation.rekey_to(
            net.b.public_key(),
            &Policy::parse("cipherchart:key-holder").unwrap(),
            &mut rng
        )),
        "invalid_attribute"
    );
}

/// Replaces the `n`-th occurrence (0-based) of `from` in `bytes` with `to`.
fn replace_nth(bytes: &mut [u8], from: &[u8; 32], to: &[u8; 32], n: usize) {
    let at = bytes
        .windows(32)
        .enumerate()
        .filter(|(_, w)| *w == from)
        .map(|(i, _)| i)
        .nth(n)
        .expect("occurrence");
    bytes[at..at + 32].copy_from_slice(to);
}

#[test]
fn a_hop_whose_capsules_name_two_authorities_is_refused_by_the_decoder() {
    let mut rng = rng(15);
    let net = Network::new(&mut rng);
    let referred = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let (a, b) = (net.a.public_key().id(), net.b.public_key().id());
    for n in 0..2 {
        let mut bytes = referred.to_bytes();
        replace_nth(&mut bytes, &b, &a, n);
        assert_eq!(
            code(SealedRecord::from_bytes(&bytes)),
            "invalid_encoding",
            "capsule {n} relabelled"
        );
    }
}

#[test]
fn a_hop_relabelled_to_another_authority_opens_nothing() {
    let mut rng = rng(16);
    let net = Network::new(&mut rng);
    let referred = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let (b, c) = (net.b.public_key().id(), net.c.public_key().id());
    // Both capsules relabelled to C: it decodes (one authority per hop) but C's keys
    // cannot open B's capsules, and B's keys no longer find a layer of theirs.
    let mut bytes = referred.to_bytes();
    replace_nth(&mut bytes, &b, &c, 0);
    replace_nth(&mut bytes, &b, &c, 0);
    let relabelled = SealedRecord::from_bytes(&bytes).unwrap();
    let all = [net.a.public_key(), net.b.public_key(), net.c.public_key()];
    let key_c = net
        .c
        .issue_key(&["role:physician", "dept:cardiology"], &mut rng)
        .unwrap();
    assert_eq!(
        code(key_c.open_federated(&all, &relabelled)),
        "decryption_failed"
    );
    let key_b = net
        .b
        .issue_key(&["role:physician", "dept:cardiology"], &mut rng)
        .unwrap();
    assert_eq!(
        code(key_b.open_federated(&all, &relabelled)),
        "wrong_authority"
    );
}

#[test]
fn a_referred_record_relabelled_as_all_bs_opens_nothing() {
    // The record's own header relabelled to B makes every layer B's, so B's key alone
    // passes the authority checks; the header's FO check under B's public key (and the
    // same-authority blinding the hop would then be read with) fail: `decryption_failed`.
    // The derivations themselves are pinned by
    // `pre::tests::a_cross_authority_blinding_is_bound_to_both_authorities`.
    let mut rng = rng(17);
    let net = Network::new(&mut rng);
    let referred = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let (a, b) = (net.a.public_key().id(), net.b.public_key().id());
    let mut bytes = referred.to_bytes();
    replace_nth(&mut bytes, &a, &b, 0);
    let relabelled = SealedRecord::from_bytes(&bytes).unwrap();
    let key_b = net
        .b
        .issue_key(&["role:physician", "dept:cardiology"], &mut rng)
        .unwrap();
    assert_eq!(
        code(key_b.open_federated(&[net.b.public_key()], &relabelled)),
        "decryption_failed"
    );
}
