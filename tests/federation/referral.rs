//! A referral from hospital A to hospital B: B's keys alone open the referred records
//! (with A's public key to check A's layer), every earlier audience keeps access, and
//! referrals chain across authorities.

use cipherchart::{
    reencrypt_with_consent, ConsentToken, Entry, Grant, Grantee, Policy, ReKey, RevocationSet,
    SealedRecord, Window,
};
use cipherchart::{Action, Chain, EntryDraft, MemoryStore};
use proptest::prelude::*;

use crate::common::{rng, Network, REFERRAL_POLICY};

#[test]
fn a_b_key_alone_opens_a_record_referred_from_a() {
    let mut rng = rng(1);
    let net = Network::new(&mut rng);
    let record = net.chart("r1", &mut rng);
    let rekey = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    assert_eq!(rekey.authority(), net.a.public_key().id());
    assert_eq!(rekey.target_authority(), net.b.public_key().id());
    let referred = rekey.reencrypt(&record).unwrap();
    assert_eq!(referred.authority(), net.a.public_key().id());
    assert_eq!(referred.current_authority(), net.b.public_key().id());

    let cardiologist_b = net
        .b
        .issue_key(&["role:physician", "dept:cardiology"], &mut rng)
        .unwrap();
    let both = [net.a.public_key(), net.b.public_key()];
    assert_eq!(
        cardiologist_b.open_federated(&both, &referred).unwrap(),
        b"contents of r1"
    );
    // The order of the trusted keys does not matter.
    let reversed = [net.b.public_key(), net.a.public_key()];
    assert_eq!(
        cardiologist_b.open_federated(&reversed, &referred).unwrap(),
        b"contents of r1"
    );
    // A's own audience still opens the original layer, with A's key alone.
    let patient = net.a.issue_key(&["patient:42"], &mut rng).unwrap();
    assert_eq!(
        patient.open(net.a.public_key(), &referred).unwrap(),
        b"contents of r1"
    );
}

#[test]
fn the_referred_record_and_the_rekey_round_trip_byte_for_byte() {
    let mut rng = rng(2);
    let net = Network::new(&mut rng);
    let record = net.chart("r2", &mut rng);
    let rekey = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let decoded = ReKey::from_bytes(&rekey.to_bytes()).unwrap();
    assert_eq!(decoded.to_bytes().as_slice(), rekey.to_bytes().as_slice());
    assert_eq!(decoded.target_authority(), net.b.public_key().id());
    // Deterministic: the decoded re-key makes the same hop.
    let referred = rekey.reencrypt(&record).unwrap();
    assert_eq!(decoded.reencrypt(&record).unwrap(), referred);
    let bytes = referred.to_bytes();
    let again = SealedRecord::from_bytes(&bytes).unwrap();
    assert_eq!(again.to_bytes(), bytes);
    let key_b = net
        .b
        .issue_key(&["role:physician", "dept:cardiology"], &mut rng)
        .unwrap();
    assert_eq!(
        key_b
            .open_federated(&[net.a.public_key(), net.b.public_key()], &again)
            .unwrap(),
        b"contents of r2"
    );
}

#[test]
fn referrals_chain_across_three_authorities_and_back() {
    let mut rng = rng(3);
    let net = Network::new(&mut rng);
    let record = net.chart("r3", &mut rng);
    let at_b = net
        .referral(&net.b, "role:physician and dept:cardiology", &mut rng)
        .reencrypt(&record)
        .unwrap();
    // B's cardiology lead refers on to C's surgeons: a delegation key of B's.
    let lead = cipherchart::BlsSigningKey::generate(&mut rng);
    let b_to_c = net
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
    let at_c = b_to_c.reencrypt(&at_b).unwrap();
    assert_eq!(at_c.current_authority(), net.c.public_key().id());
    let surgeon = net.c.issue_key(&["role:surgeon"], &mut rng).unwrap();
    let all = [net.a.public_key(), net.b.public_key(), net.c.public_key()];
    assert_eq!(
        surgeon.open_federated(&all, &at_c).unwrap(),
        b"contents of r3"
    );
    // Without B's public key the layer between cannot be checked.
    assert_eq!(
        surgeon
            .open_federated(&[net.a.public_key(), net.c.public_key()], &at_c)
            .unwrap_err()
            .code(),
        "wrong_authority"
    );
    // B's audience still opens through its hop.
    let cardiologist_b = net
        .b
        .issue_key(&["role:physician", "dept:cardiology"], &mut rng)
        .unwrap();
    assert_eq!(
        cardiologist_b.open_federated(&all, &at_c).unwrap(),
        b"contents of r3"
    );
    // And C refers back to A's oncology: a third hop, to the first authority.
    let c_to_a = net
        .c
        .issue_delegation_key(&["role:surgeon"], &lead.public_key(), &mut rng)
        .unwrap()
        .rekey_to(
            net.a.public_key(),
            &Policy::parse("dept:oncology").unwrap(),
            &mut rng,
        )
        .unwrap();
    let back = c_to_a.reencrypt(&at_c).unwrap();
    let oncologist_a = net.a.issue_key(&["dept:oncology"], &mut rng).unwrap();
    assert_eq!(
        oncologist_a.open_federated(&all, &back).unwrap(),
        b"contents of r3"
    );
    // Opening hop 3 needs every layer's key below it.
    assert_eq!(
        oncologist_a
            .open_federated(&[net.a.public_key(), net.c.public_key()], &back)
            .unwrap_err()
            .code(),
        "wrong_authority"
    );
}

#[test]
fn consent_gates_a_cross_authority_referral_and_both_chains_log_it() {
    const NOW: u64 = 1_800_000_000;
    let mut rng = rng(4);
    let net = Network::new(&mut rng);
    let record = net.chart("r4", &mut rng);
    let rekey = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let grant = Grant::new(
        "patient-42",
        Grantee::Policy(Policy::parse(REFERRAL_POLICY).unwrap()),
        Window::new(NOW, NOW + 86_400).unwrap(),
    )
    .categories(["cardiology"])
    .purposes(["treatment"])
    .rekey(&rekey);
    let token = ConsentToken::issue(&net.patient, &grant, &mut rng).unwrap();
    let mut chain_a = Chain::open(MemoryStore::new()).unwrap();
    chain_a
        .sign_and_append(token.grant_entry(NOW), &net.patient)
        .unwrap();
    let consent = token
        .verify(
            &net.patient.public_key(),
            NOW + 60,
            &RevocationSet::from_chain(&chain_a).unwrap(),
        )
        .unwrap();
    let referred =
        reencrypt_with_consent(&consent, &rekey, &record, "cardiology", "treatment").unwrap();
    let proxy = cipherchart::BlsSigningKey::generate(&mut rng);
    chain_a
        .sign_and_append(
            Entry::for_reencrypt(&referred, rekey.grant_id(), NOW + 60),
            &proxy,
        )
        .unwrap();
    // Another purpose is refused before any work.
    assert!(reencrypt_with_consent(&consent, &rekey, &record, "cardiology", "research").is_err());
    // B logs what it received (a share, the same record digest), so an auditor joins
    // the two chains.
    let receiver = cipherchart::BlsSigningKey::generate(&mut rng);
    let mut chain_b = Chain::open(MemoryStore::new()).unwrap();
    let received = EntryDraft::for_payload(
        NOW + 61,
        Action::Share,
        referred.record_id(),
        &referred.to_bytes(),
    )
    .with_metadata(rekey.grant_id().to_vec());
    chain_b.sign_and_append(received, &receiver).unwrap();
    chain_a.verify_all(None, &mut rng).unwrap();
    chain_b.verify_all(None, &mut rng).unwrap();
    let last = |c: &Chain<MemoryStore>| *c.entry(c.len() - 1).unwrap().digest();
    assert_eq!(last(&chain_a), last(&chain_b));

    // The patient revokes at A: the proxy refuses the same token.
    chain_a
        .sign_and_append(token.revoke_entry(NOW + 120), &net.patient)
        .unwrap();
    let revoked = RevocationSet::from_chain(&chain_a).unwrap();
    assert!(token
        .verify(&net.patient.public_key(), NOW + 180, &revoked)
        .is_err());
}

#[test]
fn a_batch_referral_transforms_each_record() {
    let mut rng = rng(5);
    let net = Network::new(&mut rng);
    let records: Vec<_> = (0..3)
        .map(|i| net.chart(&format!("batch-{i}"), &mut rng))
        .collect();
    let rekey = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let key_b = net
        .b
        .issue_key(&["role:physician", "dept:cardiology"], &mut rng)
        .unwrap();
    for (i, out) in rekey.reencrypt_batch(&records).into_iter().enumerate() {
        let out = out.unwrap();
        assert_eq!(
            key_b
                .open_federated(&[net.a.public_key(), net.b.public_key()], &out)
                .unwrap(),
            format!("contents of batch-{i}").as_bytes()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// A key opens a referred record iff it is of the authority of a layer whose policy
    /// its attributes satisfy: B's keys by the referral's policy, A's by the chart's;
    /// the same names at the other authority never count.
    #[test]
    fn opens_iff_a_layer_of_the_keys_own_authority_is_satisfied(
        at_b in any::<bool>(),
        names in proptest::sample::subsequence(
            vec!["patient:42", "role:physician", "dept:cardiology", "dept:oncology"], 1..=3),
        seed in any::<u64>(),
    ) {
        let mut rng = rng(seed);
        let net = Network::new(&mut rng);
        let record = net.chart("p", &mut rng);
        let referred = net
            .referral(&net.b, "dept:cardiology and (role:physician or dept:oncology)", &mut rng)
            .reencrypt(&record)
            .unwrap();
        let has = |n: &str| names.contains(&n);
        let expected = if at_b {
            has("dept:cardiology") && (has("role:physician") || has("dept:oncology"))
        } else {
            has("patient:42") || (has("role:physician") && has("dept:cardiology"))
        };
        let issuer = if at_b { &net.b } else { &net.a };
        let key = issuer.issue_key(&names, &mut rng).unwrap();
        let opened = key.open_federated(&[net.a.public_key(), net.b.public_key()], &referred);
        prop_assert_eq!(opened.is_ok(), expected);
        if !expected {
            prop_assert_eq!(opened.unwrap_err().code(), "policy_not_satisfied");
        }
    }
}
