//! Outside review of federation (cross-authority re-encryption, `docs/federation.md`),
//! through the wire formats and the public API only. One test per attack; each says the
//! attack and the defence it expects. Attacks the library defeats are regression tests;
//! an attack that succeeds is written as the secure behaviour and marked
//! `#[ignore = "FINDING FR-n: ..."]` (it fails when run with `--ignored`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use cipherchart::{
    check_rekey, reencrypt_with_consent, seal, seal_with_notice, Attribute, Authority,
    BlsSigningKey, ConsentToken, Error, Grant, Grantee, NoticeFields, Policy, PublicKey, ReKey,
    RevocationSet, SealedRecord, UserKey, VerifiedNotice, VersionNotice, Window,
};
use rand_chacha::ChaCha20Rng;

use crate::common::{rng, Network, CHART_POLICY, REFERRAL_POLICY};

const CARDIOLOGY: [&str; 2] = ["role:physician", "dept:cardiology"];

fn code<T: core::fmt::Debug>(r: Result<T, Error>) -> &'static str {
    r.unwrap_err().code()
}

fn code_and_kind<T: core::fmt::Debug>(r: Result<T, Error>) -> (&'static str, Option<String>) {
    let e = r.unwrap_err();
    (e.code(), e.kind())
}

/// Offsets of every occurrence of `needle` in `bytes`.
fn positions(bytes: &[u8], needle: &[u8]) -> Vec<usize> {
    bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// Replaces the `n`-th occurrence (0-based) of `from` in `bytes` with `to`.
fn replace_nth(bytes: &mut [u8], from: &[u8], to: &[u8], n: usize) {
    assert_eq!(from.len(), to.len());
    let at = positions(bytes, from)[n];
    bytes[at..at + from.len()].copy_from_slice(to);
}

fn relabel_nth(bytes: &[u8], from: &[u8; 32], to: &[u8; 32], n: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    replace_nth(&mut out, from, to, n);
    out
}

/// The sealed record `bytes` with one byte of the newest hop's record capsule `c'`
/// flipped (the field is raw bytes: the record still decodes). `later` is whether the
/// newest hop carries `grant_r` (every hop but the first).
fn flip_newest_record_capsule(bytes: &[u8], later: bool) -> Vec<u8> {
    let tail = 1 + 576 + if later { 576 } else { 0 };
    let mut out = bytes.to_vec();
    let at = out.len() - tail - 1;
    out[at] ^= 0x01;
    out
}

/// A delegation key of `from` for `names`, made into a re-key toward `to`'s `policy`.
fn rekey_between(
    from: &Authority,
    names: &[&str],
    to: &PublicKey,
    policy: &str,
    delegator: &BlsSigningKey,
    rng: &mut ChaCha20Rng,
) -> ReKey {
    from.issue_delegation_key(names, &delegator.public_key(), rng)
        .unwrap()
        .rekey_to(to, &Policy::parse(policy).unwrap(), rng)
        .unwrap()
}

/// The record with `hop` (the encoded hops section of another record, count excluded)
/// put in place of its own hops.
fn with_hops(record: &SealedRecord, count: u8, hops: &[u8]) -> Vec<u8> {
    let mut bytes = record.to_bytes();
    assert_eq!(bytes.pop(), Some(0), "a record as sealed");
    bytes.push(count);
    bytes.extend_from_slice(hops);
    bytes
}

/// The encoded hops section (count excluded) of `referred`, whose original is `sealed`.
fn hops_of(referred: &SealedRecord, sealed: &SealedRecord) -> Vec<u8> {
    let all = referred.to_bytes();
    let base = sealed.to_bytes();
    assert!(all[..base.len() - 1] == base[..base.len() - 1]);
    all[base.len()..].to_vec()
}

/// A verified version notice of `authority` that has bumped each of `names` once.
fn notice(authority: &Authority, names: &[&str], rng: &mut ChaCha20Rng) -> VerifiedNotice {
    const T: u64 = 1_800_000_000;
    let key = BlsSigningKey::generate(rng);
    let mut head = [0xbb; 32];
    head[24..].copy_from_slice(&1u64.to_be_bytes());
    let mut versions: Vec<(Attribute, u32)> = names
        .iter()
        .map(|n| (Attribute::new(n).unwrap(), 1))
        .collect();
    versions.sort_by(|x, y| x.0.as_str().cmp(y.0.as_str()));
    let fields = NoticeFields {
        authority: authority.public_key().id(),
        statement_serial: 0,
        serial: T,
        issued_at: T,
        not_after: T + 3600,
        bump_count: 1,
        bump_head: head,
        versions,
    };
    VersionNotice::sign(&key, &fields)
        .unwrap()
        .verify(&key.public_key(), T, None)
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// Opening: which public keys, in which order, and what a wrong one gives.
// ---------------------------------------------------------------------------------------

/// Attack: a reader at B is given a substituted "A" public key (C's) in its trusted list,
/// and the record's A layer is relabelled to name that key. Defence: without the relabel
/// the layer's authority is not trusted (`wrong_authority`); with it, A's layer fails its
/// FO check under the substituted key (`decryption_failed`). Nothing opens.
#[test]
fn a_substituted_a_public_key_never_opens_a_referred_record() {
    let mut rng = rng(101);
    let net = Network::new(&mut rng);
    let referred = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let key_b = net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    let forged = [net.c.public_key(), net.b.public_key()];
    assert_eq!(
        code(key_b.open_federated(&forged, &referred)),
        "wrong_authority"
    );
    let (a, c) = (net.a.public_key().id(), net.c.public_key().id());
    let relabelled =
        SealedRecord::from_bytes(&relabel_nth(&referred.to_bytes(), &a, &c, 0)).unwrap();
    assert_eq!(relabelled.authority(), c);
    assert_eq!(
        code(key_b.open_federated(&forged, &relabelled)),
        "decryption_failed"
    );
    // Control: the genuine keys open the genuine record.
    let both = [net.a.public_key(), net.b.public_key()];
    assert_eq!(
        key_b.open_federated(&both, &referred).unwrap(),
        b"contents of x"
    );
}

/// Attack: duplicates and copies in the trusted list (the same key twice, a copy decoded
/// from bytes, the opener's own key repeated in place of A's). Defence: a public key's id
/// is a hash of its one canonical encoding, so two keys never claim one id; duplicates
/// change nothing, and repeating B's key never stands in for A's.
#[test]
fn duplicate_or_copied_public_keys_in_the_trusted_list_change_nothing() {
    let mut rng = rng(102);
    let net = Network::new(&mut rng);
    let referred = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let key_b = net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    let copy_a = PublicKey::from_bytes(&net.a.public_key().to_bytes()).unwrap();
    assert_eq!(copy_a.id(), net.a.public_key().id());
    let dup = [
        net.b.public_key(),
        &copy_a,
        net.a.public_key(),
        net.b.public_key(),
    ];
    assert_eq!(
        key_b.open_federated(&dup, &referred).unwrap(),
        b"contents of x"
    );
    let only_b = [net.b.public_key(); 5];
    assert_eq!(
        code(key_b.open_federated(&only_b, &referred)),
        "wrong_authority"
    );
    // Any one-byte change of A's encoding is another key or no key: never A's id.
    let bytes = net.a.public_key().to_bytes();
    for at in [4, 50, 100, 200, 500, 1000, 1347] {
        let mut changed = bytes.clone();
        changed[at] ^= 0x01;
        if let Ok(other) = PublicKey::from_bytes(&changed) {
            assert_ne!(other.id(), net.a.public_key().id(), "byte {at}");
        }
    }
}

/// Attack: make `open_federated` do work proportional to a huge trusted list (a caller
/// fed from a large roster, or a roster an attacker can pad). Defence: matching layers
/// to trusted keys is by id, public data, no group work per entry: 100 000 entries add
/// little to an open, and refusing with them all foreign is fast.
#[test]
fn a_huge_trusted_list_costs_no_group_work() {
    let mut rng = rng(103);
    let net = Network::new(&mut rng);
    let referred = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let key_b = net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    let both = [net.a.public_key(), net.b.public_key()];
    let start = Instant::now();
    key_b.open_federated(&both, &referred).unwrap();
    let one_open = start.elapsed();

    let mut huge: Vec<&PublicKey> = vec![net.c.public_key(); 100_000];
    let start = Instant::now();
    assert_eq!(
        code(key_b.open_federated(&huge, &referred)),
        "wrong_authority"
    );
    let refused = start.elapsed();
    huge.push(net.a.public_key());
    huge.push(net.b.public_key());
    let start = Instant::now();
    assert_eq!(
        key_b.open_federated(&huge, &referred).unwrap(),
        b"contents of x"
    );
    let opened = start.elapsed();
    let bound = one_open * 10 + Duration::from_millis(500);
    assert!(
        refused < bound && opened < bound + one_open,
        "one open {one_open:?}; 100 000 foreign keys refused in {refused:?}, opened in {opened:?}"
    );
}

/// Attack: an A key opening A's own layer of a referred record is made to depend on B
/// (it should not need B's public key: hops above the opened layer are not read).
/// Defence/requirement: A's audience opens with A's key alone, on a record at B and on one
/// referred on to C.
#[test]
fn as_audience_opens_its_own_layer_without_any_other_authoritys_key() {
    let mut rng = rng(104);
    let net = Network::new(&mut rng);
    let at_b = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let lead = BlsSigningKey::generate(&mut rng);
    let at_c = rekey_between(
        &net.b,
        &CARDIOLOGY,
        net.c.public_key(),
        "role:surgeon",
        &lead,
        &mut rng,
    )
    .reencrypt(&at_b)
    .unwrap();
    let patient = net.a.issue_key(&["patient:42"], &mut rng).unwrap();
    for r in [&at_b, &at_c] {
        assert_eq!(
            patient.open_federated(&[net.a.public_key()], r).unwrap(),
            b"contents of x"
        );
    }
    // B's audience on the C copy: it needs A (below) but not C (above).
    let key_b = net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    assert_eq!(
        key_b
            .open_federated(&[net.a.public_key(), net.b.public_key()], &at_c)
            .unwrap(),
        b"contents of x"
    );
}

/// Attack: check whether the trust rule is decided before any pairing: tamper the
/// newest layer (the one B's key opens) and leave A out of the trusted list. If the trust
/// of lower layers were checked lazily, on the way down, the tampered top layer would fail
/// first (`decryption_failed`). Defence (docs/federation.md §3.3): `wrong_authority`,
/// decided from public data before any pairing; with A trusted, `decryption_failed`.
#[test]
fn an_untrusted_lower_layer_is_refused_before_the_top_layer_is_touched() {
    let mut rng = rng(105);
    let net = Network::new(&mut rng);
    let at_b = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let tampered =
        SealedRecord::from_bytes(&flip_newest_record_capsule(&at_b.to_bytes(), false)).unwrap();
    let key_b = net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    assert_eq!(
        code(key_b.open_federated(&[net.b.public_key()], &tampered)),
        "wrong_authority"
    );
    assert_eq!(
        code(key_b.open_federated(&[net.a.public_key(), net.b.public_key()], &tampered)),
        "decryption_failed"
    );
    // Two hops: C's key with B (the middle layer) missing.
    let lead = BlsSigningKey::generate(&mut rng);
    let at_c = rekey_between(
        &net.b,
        &CARDIOLOGY,
        net.c.public_key(),
        "role:surgeon",
        &lead,
        &mut rng,
    )
    .reencrypt(&at_b)
    .unwrap();
    let tampered =
        SealedRecord::from_bytes(&flip_newest_record_capsule(&at_c.to_bytes(), true)).unwrap();
    let surgeon = net.c.issue_key(&["role:surgeon"], &mut rng).unwrap();
    assert_eq!(
        code(surgeon.open_federated(&[net.a.public_key(), net.c.public_key()], &tampered)),
        "wrong_authority"
    );
    let all = [net.a.public_key(), net.b.public_key(), net.c.public_key()];
    assert_eq!(
        code(surgeon.open_federated(&all, &tampered)),
        "decryption_failed"
    );
}

/// Attack: probe the order of the documented refusals with a key that fails several
/// rules at once. Defence (§3.3 order): key's authority untrusted or naming no layer →
/// `wrong_authority`; then no satisfied layer of its authority → `policy_not_satisfied`
/// (even if lower layers are untrusted); then untrusted lower layers → `wrong_authority`.
#[test]
fn open_refusals_come_in_the_documented_order() {
    let mut rng = rng(106);
    let net = Network::new(&mut rng);
    let at_b = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let stranger_b = net.b.issue_key(&["role:nurse"], &mut rng).unwrap();
    // Untrusted and unsatisfied: the authority rule first.
    assert_eq!(
        code(stranger_b.open_federated(&[net.a.public_key()], &at_b)),
        "wrong_authority"
    );
    // Trusted, unsatisfied, lower layer untrusted: the policy rule.
    assert_eq!(
        code(stranger_b.open_federated(&[net.b.public_key()], &at_b)),
        "policy_not_satisfied"
    );
    // A key of A that satisfies only B's (unqualified) names, and A's layer: unsatisfied.
    let a_names_b = net.a.issue_key(&["dept:cardiology"], &mut rng).unwrap();
    assert_eq!(
        code(a_names_b.open_federated(&[net.a.public_key(), net.b.public_key()], &at_b)),
        "policy_not_satisfied"
    );
}

/// Attack: edit a user key's authority id (a key holder can edit its own key's bytes): a
/// B key relabelled as A's (its names satisfy A's chart policy too), and an A key
/// relabelled as B's, each opening the layer of its new label. Defence: the FO checks
/// run under the layer's authority's public key; key material of another authority fails
/// them (`decryption_failed`).
#[test]
fn a_user_key_relabelled_to_another_authority_opens_nothing() {
    let mut rng = rng(107);
    let net = Network::new(&mut rng);
    let record = net.chart("x", &mut rng);
    let at_b = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&record)
        .unwrap();
    let (a, b) = (net.a.public_key().id(), net.b.public_key().id());
    let both = [net.a.public_key(), net.b.public_key()];
    let key_b = net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    assert_eq!(positions(&key_b.to_bytes(), &b), vec![4]);
    let as_a = UserKey::from_bytes(&relabel_nth(&key_b.to_bytes(), &b, &a, 0)).unwrap();
    assert_eq!(code(as_a.open_federated(&both, &at_b)), "decryption_failed");
    assert_eq!(
        code(as_a.open(net.a.public_key(), &record)),
        "decryption_failed"
    );
    let key_a = net.a.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    let as_b = UserKey::from_bytes(&relabel_nth(&key_a.to_bytes(), &a, &b, 0)).unwrap();
    assert_eq!(code(as_b.open_federated(&both, &at_b)), "decryption_failed");
}

// ---------------------------------------------------------------------------------------
// Splicing hops between records, grants and authorities.
// ---------------------------------------------------------------------------------------

/// Attack: B's audience, which opened the referral of record 1, moves its hop onto
/// record 2 (another of the patient's records at A that the same re-key could transform,
/// but the patient never referred). Defence: the hop's record capsule is bound to the
/// record (§12.2); `decryption_failed`.
#[test]
fn a_referral_hop_transplanted_onto_another_record_opens_nothing() {
    let mut rng = rng(108);
    let net = Network::new(&mut rng);
    let (r1, r2) = (net.chart("r1", &mut rng), net.chart("r2", &mut rng));
    let referred = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&r1)
        .unwrap();
    let spliced = SealedRecord::from_bytes(&with_hops(&r2, 1, &hops_of(&referred, &r1))).unwrap();
    let key_b = net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    let both = [net.a.public_key(), net.b.public_key()];
    assert_eq!(
        code(key_b.open_federated(&both, &spliced)),
        "decryption_failed"
    );
}

/// Attack: the second hop (B → C) of one record's chain moved onto another record's
/// chain made through the same two grants, and onto the same record referred to B by a
/// second grant. Defence: a later hop's record capsule commits to every hop below, and its
/// `grant_r` to the grant below; `decryption_failed`.
#[test]
fn a_second_hop_spliced_across_records_or_grants_opens_nothing() {
    let mut rng = rng(109);
    let net = Network::new(&mut rng);
    let (r1, r2) = (net.chart("r1", &mut rng), net.chart("r2", &mut rng));
    let g1 = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let g1_again = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let lead = BlsSigningKey::generate(&mut rng);
    let g2 = rekey_between(
        &net.b,
        &CARDIOLOGY,
        net.c.public_key(),
        "role:surgeon",
        &lead,
        &mut rng,
    );
    let r1_b = g1.reencrypt(&r1).unwrap();
    let r2_b = g1.reencrypt(&r2).unwrap();
    let r1_b_other = g1_again.reencrypt(&r1).unwrap();
    let r1_c = g2.reencrypt(&r1_b).unwrap();
    // The newest hop: what the B → C re-encryption appended.
    let hop2 = r1_c.to_bytes()[r1_b.to_bytes().len()..].to_vec();
    let surgeon = net.c.issue_key(&["role:surgeon"], &mut rng).unwrap();
    let all = [net.a.public_key(), net.b.public_key(), net.c.public_key()];
    assert_eq!(
        surgeon.open_federated(&all, &r1_c).unwrap(),
        b"contents of r1"
    );
    for (below, base) in [(&r2_b, &r2), (&r1_b_other, &r1)] {
        let mut bytes = below.to_bytes();
        // The hop count follows the sealed record's own fields.
        bytes[base.to_bytes().len() - 1] = 2;
        bytes.extend_from_slice(&hop2);
        let spliced = SealedRecord::from_bytes(&bytes).unwrap();
        assert_eq!(
            code(surgeon.open_federated(&all, &spliced)),
            "decryption_failed"
        );
    }
}

/// Attack: two referrals of one record to B by two grants; swap the grant parts (grant
/// id, delegator, grant capsule) of one hop into the other. Defence: the record capsule
/// commits to the grant id and the blinding to the grant capsule's seed;
/// `decryption_failed`.
#[test]
fn grant_capsules_swapped_between_two_referrals_to_b_open_nothing() {
    let mut rng = rng(110);
    let net = Network::new(&mut rng);
    let record = net.chart("x", &mut rng);
    let one = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&record)
        .unwrap();
    let two = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&record)
        .unwrap();
    let (h1, h2) = (hops_of(&one, &record), hops_of(&two, &record));
    assert_eq!(h1.len(), h2.len());
    // grant id (16) ‖ delegator (48) ‖ grant capsule (the first half of the capsules).
    let capsule_len = (h1.len() - 16 - 48 - 576 - 1) / 2;
    let grant_part = 16 + 48 + capsule_len;
    let mut mixed = h2[..grant_part].to_vec();
    mixed.extend_from_slice(&h1[grant_part..]);
    let spliced = SealedRecord::from_bytes(&with_hops(&record, 1, &mixed)).unwrap();
    let key_b = net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    let both = [net.a.public_key(), net.b.public_key()];
    assert_eq!(
        code(key_b.open_federated(&both, &spliced)),
        "decryption_failed"
    );
    // Only the grant id.
    let mut mixed = h2[..16].to_vec();
    mixed.extend_from_slice(&h1[16..]);
    let spliced = SealedRecord::from_bytes(&with_hops(&record, 1, &mixed)).unwrap();
    assert_eq!(
        code(key_b.open_federated(&both, &spliced)),
        "decryption_failed"
    );
}

/// Attack: a same-authority hop (A → A's audience) relabelled into a referral to B
/// (both capsules), for a B key whose names satisfy the hop's policy; and the converse, a
/// referral hop relabelled to A for an A key satisfying its names. Defence: the capsules
/// are another authority's and the blinding derivation changes with the source/target
/// pair; `decryption_failed` for the relabelled authority's keys, `wrong_authority` for the
/// original one's (its layer is gone).
#[test]
fn hops_relabelled_between_same_and_cross_authority_open_nothing() {
    let mut rng = rng(111);
    let net = Network::new(&mut rng);
    let record = net.chart("x", &mut rng);
    let (a, b) = (net.a.public_key().id(), net.b.public_key().id());
    let both = [net.a.public_key(), net.b.public_key()];
    let within = net
        .a
        .issue_delegation_key(&["patient:42"], &net.patient.public_key(), &mut rng)
        .unwrap()
        .rekey(
            net.a.public_key(),
            &Policy::parse("role:gp").unwrap(),
            &mut rng,
        )
        .unwrap()
        .reencrypt(&record)
        .unwrap();
    let mut bytes = within.to_bytes();
    replace_nth(&mut bytes, &a, &b, 1);
    replace_nth(&mut bytes, &a, &b, 1);
    let as_referral = SealedRecord::from_bytes(&bytes).unwrap();
    assert_eq!(as_referral.current_authority(), b);
    let gp_b = net.b.issue_key(&["role:gp"], &mut rng).unwrap();
    assert_eq!(
        code(gp_b.open_federated(&both, &as_referral)),
        "decryption_failed"
    );

    let referred = net
        .referral(&net.b, "role:gp", &mut rng)
        .reencrypt(&record)
        .unwrap();
    let mut bytes = referred.to_bytes();
    replace_nth(&mut bytes, &b, &a, 0);
    replace_nth(&mut bytes, &b, &a, 0);
    let as_within = SealedRecord::from_bytes(&bytes).unwrap();
    let gp_a = net.a.issue_key(&["role:gp"], &mut rng).unwrap();
    assert_eq!(
        code(gp_a.open_federated(&both, &as_within)),
        "decryption_failed"
    );
    assert_eq!(
        code(gp_a.open(net.a.public_key(), &as_within)),
        "decryption_failed"
    );
    assert_eq!(
        code(gp_b.open_federated(&both, &as_within)),
        "wrong_authority"
    );
    // Controls.
    assert_eq!(
        gp_a.open(net.a.public_key(), &within).unwrap(),
        b"contents of x"
    );
    assert_eq!(
        gp_b.open_federated(&both, &referred).unwrap(),
        b"contents of x"
    );
}

/// Attack: relabel every 32-byte authority id of an A → B → C record, one occurrence or
/// a whole hop at a time, to each other authority and to an unknown id; decode and open
/// with a key of each authority trusting all three. Defence: a split hop does not decode
/// (`invalid_encoding`/`non_canonical`); nothing panics; a key opens only if the layer it
/// opens and every layer below are untouched, and then gives the genuine payload.
#[test]
fn no_relabelling_of_authority_ids_in_a_chain_panics_or_opens_a_changed_layer() {
    let mut rng = rng(112);
    let net = Network::new(&mut rng);
    let record = net.chart("x", &mut rng);
    let at_b = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&record)
        .unwrap();
    let lead = BlsSigningKey::generate(&mut rng);
    let at_c = rekey_between(
        &net.b,
        &CARDIOLOGY,
        net.c.public_key(),
        "role:surgeon",
        &lead,
        &mut rng,
    )
    .reencrypt(&at_b)
    .unwrap();
    let bytes = at_c.to_bytes();
    let ids = [
        net.a.public_key().id(),
        net.b.public_key().id(),
        net.c.public_key().id(),
        [0x5a; 32],
    ];
    // Layer of each occurrence: header, hop 1 ×2, hop 2 ×2.
    let mut at: Vec<(usize, usize)> = Vec::new();
    for (layer, id) in ids[..3].iter().enumerate() {
        for p in positions(&bytes, id) {
            at.push((p, layer));
        }
    }
    at.sort_unstable();
    assert_eq!(
        at.iter().map(|x| x.1).collect::<Vec<_>>(),
        vec![0, 1, 1, 2, 2]
    );
    // Keys, each with the layer it opens in the genuine record.
    let keys = [
        (net.a.issue_key(&["patient:42"], &mut rng).unwrap(), 0),
        (net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap(), 1),
        (net.c.issue_key(&["role:surgeon"], &mut rng).unwrap(), 2),
        // A and B cardiologists satisfy A's chart too: oldest own layer.
        (net.a.issue_key(&CARDIOLOGY, &mut rng).unwrap(), 0),
        (net.c.issue_key(&CARDIOLOGY, &mut rng).unwrap(), 2),
    ];
    let all = [net.a.public_key(), net.b.public_key(), net.c.public_key()];
    // Edits: one occurrence, or both of a hop.
    let mut edits: Vec<Vec<usize>> = (0..5).map(|i| vec![i]).collect();
    edits.push(vec![1, 2]);
    edits.push(vec![3, 4]);
    for edit in &edits {
        let layer = at[edit[0]].1;
        for to in &ids {
            if *to == ids[layer] {
                continue;
            }
            let mut changed = bytes.clone();
            for &i in edit {
                changed[at[i].0..at[i].0 + 32].copy_from_slice(to);
            }
            let decoded = catch_unwind(|| SealedRecord::from_bytes(&changed))
                .unwrap_or_else(|_| panic!("decoder panicked on {edit:?} → {to:?}"));
            let relabelled = match decoded {
                Ok(r) => r,
                Err(e) => {
                    assert!(layer > 0 && edit.len() == 1, "{edit:?}: {e}");
                    assert_eq!(
                        (e.code(), e.kind().as_deref()),
                        ("invalid_encoding", Some("non_canonical"))
                    );
                    continue;
                }
            };
            assert!(layer == 0 || edit.len() == 2);
            for (key, opens) in &keys {
                let result =
                    catch_unwind(AssertUnwindSafe(|| key.open_federated(&all, &relabelled)))
                        .unwrap_or_else(|_| panic!("open panicked on {edit:?} → {to:?}"));
                if let Ok(payload) = result {
                    assert!(
                        *opens < layer,
                        "a key of layer {opens} opened a record relabelled at layer {layer}"
                    );
                    assert_eq!(payload, b"contents of x");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Re-keys: relabelled, retargeted, replayed.
// ---------------------------------------------------------------------------------------

/// Attack: relabel the source authority named by a cross-authority re-key's blinded key
/// (to B, making it look like a B → B re-key; to C, a C → B one) and use it on records of
/// the new source whose policy its names satisfy. Defence: it still refuses A's records
/// (`wrong_authority`); on the new source's records it transforms (the proxy cannot
/// check), but what it makes opens for nobody (`decryption_failed`).
#[test]
fn a_rekey_with_its_source_relabelled_makes_hops_that_open_nothing() {
    let mut rng = rng(113);
    let net = Network::new(&mut rng);
    let rekey = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let bytes = rekey.to_bytes();
    let (a, b, c) = (
        net.a.public_key().id(),
        net.b.public_key().id(),
        net.c.public_key().id(),
    );
    assert_eq!(positions(&bytes, &a), vec![20], "the key body's authority");
    let a_record = net.chart("x", &mut rng);
    let key_b = net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    let all = [net.a.public_key(), net.b.public_key(), net.c.public_key()];
    for (to, at) in [(b, &net.b), (c, &net.c)] {
        let relabelled = ReKey::from_bytes(&relabel_nth(&bytes, &a, &to, 0)).unwrap();
        assert_eq!(relabelled.authority(), to);
        assert!(!relabelled.can_reencrypt(&a_record));
        assert_eq!(code(relabelled.reencrypt(&a_record)), "wrong_authority");
        let theirs = seal(
            at.public_key(),
            &Policy::parse("patient:42").unwrap(),
            b"theirs",
            b"",
            b"secret of the new source",
            &mut rng,
        )
        .unwrap();
        if let Ok(out) = relabelled.reencrypt(&theirs) {
            assert_eq!(code(key_b.open_federated(&all, &out)), "decryption_failed");
        }
    }
}

/// Attack: whoever writes the proxy's re-key store retargets a referral from B to C by
/// replacing the re-key's target public key (and the capsule's authority id so that it
/// decodes). Defence: the grant capsule is B's: C's audience cannot open it, so the hops
/// open nothing (`decryption_failed`). Replacing only the public key, or only the
/// capsule's id, does not decode (`invalid_encoding`/`non_canonical`).
#[test]
fn a_referral_retargeted_to_another_authority_opens_nothing_there() {
    let mut rng = rng(114);
    let net = Network::new(&mut rng);
    let rekey = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let bytes = rekey.to_bytes().to_vec();
    let (pk_b, pk_c) = (net.b.public_key().to_bytes(), net.c.public_key().to_bytes());
    let (b, c) = (net.b.public_key().id(), net.c.public_key().id());
    let mut only_pk = bytes.clone();
    replace_nth(&mut only_pk, &pk_b, &pk_c, 0);
    assert_eq!(
        code_and_kind(ReKey::from_bytes(&only_pk)),
        ("invalid_encoding", Some("non_canonical".into()))
    );
    let only_capsule = relabel_nth(&bytes, &b, &c, 0);
    assert_eq!(
        code_and_kind(ReKey::from_bytes(&only_capsule)),
        ("invalid_encoding", Some("non_canonical".into()))
    );
    let mut both = only_pk;
    replace_nth(&mut both, &b, &c, 0);
    let retargeted = ReKey::from_bytes(&both).unwrap();
    assert_eq!(retargeted.target_authority(), c);
    let record = net.chart("x", &mut rng);
    let out = retargeted.reencrypt(&record).unwrap();
    let key_c = net.c.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    let key_b = net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    let all = [net.a.public_key(), net.b.public_key(), net.c.public_key()];
    assert_eq!(code(key_c.open_federated(&all, &out)), "decryption_failed");
    assert_eq!(code(key_b.open_federated(&all, &out)), "wrong_authority");
    // Retargeted to A itself (a same-authority re-key carrying B's capsule), on a record
    // whose own policy A's cardiologists do not satisfy: they open nothing either.
    let mut to_a = bytes.clone();
    replace_nth(&mut to_a, &pk_b, &net.a.public_key().to_bytes(), 0);
    replace_nth(&mut to_a, &b, &net.a.public_key().id(), 0);
    let to_a = ReKey::from_bytes(&to_a).unwrap();
    assert_eq!(to_a.target_authority(), to_a.authority());
    let patients_only = seal(
        net.a.public_key(),
        &Policy::parse("patient:42").unwrap(),
        b"p",
        b"",
        b"for the patient",
        &mut rng,
    )
    .unwrap();
    let out = to_a.reencrypt(&patients_only).unwrap();
    let key_a = net.a.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    assert_eq!(
        code(key_a.open(net.a.public_key(), &out)),
        "decryption_failed"
    );
}

/// Attack: the grant capsule of a cross-authority re-key replayed as the capsule of a
/// same-authority re-key of the target (B's capsule, made for A → B, placed in a B → B
/// re-key over B's records). Defence: the capsule's context names the source and the
/// blinding is bound to both authorities, so the B audience of the resulting hops opens
/// nothing (`decryption_failed`).
#[test]
fn a_referral_grant_capsule_replayed_into_a_same_authority_rekey_opens_nothing() {
    let mut rng = rng(115);
    let net = Network::new(&mut rng);
    let cross = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let lead = BlsSigningKey::generate(&mut rng);
    let within = net
        .b
        .issue_delegation_key(&["patient:42"], &lead.public_key(), &mut rng)
        .unwrap()
        .rekey(
            net.b.public_key(),
            &Policy::parse(REFERRAL_POLICY).unwrap(),
            &mut rng,
        )
        .unwrap();
    // The capsule is the `KEM header` after the key body; both capsules are under the
    // same policy, so they have one length: find them by the target id and the policy.
    let (cb, wb) = (cross.to_bytes().to_vec(), within.to_bytes().to_vec());
    let b = net.b.public_key().id();
    let capsule_at = |bytes: &[u8]| -> usize {
        // The last occurrence of B's id before the public key is the capsule's authority.
        let pk_at = positions(bytes, &net.b.public_key().to_bytes())[0];
        *positions(bytes, &b).iter().rfind(|&&p| p < pk_at).unwrap()
    };
    let (c1, c2) = (capsule_at(&cb), capsule_at(&wb));
    let pk_len = 4 + 1348;
    let cap_len = cb.len() - c1 - pk_len - 32 - 48;
    assert_eq!(cap_len, wb.len() - c2 - pk_len - 32 - 48);
    let mut replayed = wb.clone();
    replayed[c2..c2 + cap_len].copy_from_slice(&cb[c1..c1 + cap_len]);
    let replayed = ReKey::from_bytes(&replayed).unwrap();
    let b_record = seal(
        net.b.public_key(),
        &Policy::parse("patient:42").unwrap(),
        b"b-record",
        b"",
        b"secret at b",
        &mut rng,
    )
    .unwrap();
    let out = replayed.reencrypt(&b_record).unwrap();
    let key_b = net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    assert_eq!(
        code(key_b.open_federated(&[net.b.public_key()], &out)),
        "decryption_failed"
    );
    // Control: the genuine same-authority re-key works.
    let genuine = within.reencrypt(&b_record).unwrap();
    assert_eq!(
        key_b.open(net.b.public_key(), &genuine).unwrap(),
        b"secret at b"
    );
}

/// Attack: `rekey_to` with the source authority's own public key (a "referral" to
/// oneself). The re-key's blinding and capsule context depend on whether source and
/// target differ; if `rekey_to` made the cross-authority form while openers read the hop
/// as a same-authority one, the proxy would make hops that open for nobody, silently.
/// Defence expected: either a refusal, or a re-key that works as `rekey` does.
#[test]
fn rekey_to_ones_own_authority_is_refused_or_works_like_rekey() {
    let mut rng = rng(116);
    let net = Network::new(&mut rng);
    let record = net.chart("x", &mut rng);
    let made = net
        .a
        .issue_delegation_key(&["patient:42"], &net.patient.public_key(), &mut rng)
        .unwrap()
        .rekey_to(
            net.a.public_key(),
            &Policy::parse("role:gp").unwrap(),
            &mut rng,
        );
    if let Ok(rekey) = made {
        assert_eq!(rekey.target_authority(), rekey.authority());
        let out = rekey.reencrypt(&record).unwrap();
        let gp = net.a.issue_key(&["role:gp"], &mut rng).unwrap();
        assert_eq!(gp.open(net.a.public_key(), &out).unwrap(), b"contents of x");
    }
}

// ---------------------------------------------------------------------------------------
// Re-encryption across authorities: which record, how often, and can_reencrypt.
// ---------------------------------------------------------------------------------------

/// Attack: relabel a referred record's newest hop to A so that A's re-key (whose source is
/// A) accepts it. Defence: `can_reencrypt` and `reencrypt` agree; the transformed record
/// opens for nobody downstream (`decryption_failed`).
#[test]
fn a_record_at_b_relabelled_to_a_gives_as_rekey_nothing_usable() {
    let mut rng = rng(117);
    let net = Network::new(&mut rng);
    let at_b = net
        .referral(&net.b, "patient:42", &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let (a, b) = (net.a.public_key().id(), net.b.public_key().id());
    let mut bytes = at_b.to_bytes();
    replace_nth(&mut bytes, &b, &a, 0);
    replace_nth(&mut bytes, &b, &a, 0);
    let relabelled = SealedRecord::from_bytes(&bytes).unwrap();
    assert_eq!(relabelled.current_authority(), a);
    let again = net.referral(&net.c, "role:surgeon", &mut rng);
    assert_eq!(
        again.can_reencrypt(&relabelled),
        again.reencrypt(&relabelled).is_ok()
    );
    if let Ok(out) = again.reencrypt(&relabelled) {
        let surgeon = net.c.issue_key(&["role:surgeon"], &mut rng).unwrap();
        let all = [net.a.public_key(), net.b.public_key(), net.c.public_key()];
        assert_eq!(
            code(surgeon.open_federated(&all, &out)),
            "decryption_failed"
        );
    }
}

/// Attack: apply one referral grant twice to a record by going round a loop: A → B by
/// grant 1, B → A by grant 2 (back to A's `patient:42`), then grant 1 again. Defence
/// (docs/security.md §3.4): "the same grant applied twice to one record" is
/// `invalid_argument`, and `can_reencrypt` is false.
#[test]
fn a_referral_grant_is_not_applied_twice_around_a_loop() {
    let mut rng = rng(118);
    let net = Network::new(&mut rng);
    let record = seal(
        net.a.public_key(),
        &Policy::parse("patient:42").unwrap(),
        b"loop",
        b"",
        b"looped",
        &mut rng,
    )
    .unwrap();
    let g1 = net.referral(&net.b, "role:gp", &mut rng);
    let lead = BlsSigningKey::generate(&mut rng);
    let g2 = rekey_between(
        &net.b,
        &["role:gp"],
        net.a.public_key(),
        "patient:42",
        &lead,
        &mut rng,
    );
    let at_b = g1.reencrypt(&record).unwrap();
    let back = g2.reencrypt(&at_b).unwrap();
    assert_eq!(back.current_authority(), net.a.public_key().id());
    assert!(!g1.can_reencrypt(&back));
    assert_eq!(code(g1.reencrypt(&back)), "invalid_argument");
}

/// Attack: look for a pair (re-key, record) on which `can_reencrypt` and `reencrypt`
/// disagree, across authorities: the referral and its refusals (other authority, newest
/// layer another authority's, v3 record, over the record budget, policy not satisfied).
/// Defence: they agree, and the errors are the documented ones.
#[test]
fn can_reencrypt_agrees_with_reencrypt_across_authorities() {
    let mut rng = rng(119);
    let net = Network::new(&mut rng);
    let record = net.chart("x", &mut rng);
    let a_to_b = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let at_b = a_to_b.reencrypt(&record).unwrap();
    let lead = BlsSigningKey::generate(&mut rng);
    let b_to_c = rekey_between(
        &net.b,
        &CARDIOLOGY,
        net.c.public_key(),
        "role:surgeon",
        &lead,
        &mut rng,
    );
    let b_nurse_to_c = rekey_between(
        &net.b,
        &["role:nurse"],
        net.c.public_key(),
        "role:surgeon",
        &lead,
        &mut rng,
    );
    let v3 = seal_with_notice(
        net.a.public_key(),
        &notice(&net.a, &["role:nurse"], &mut rng),
        &Policy::parse("patient:42").unwrap(),
        b"v3",
        b"",
        b"v3 record",
        &mut rng,
    )
    .unwrap();
    // Over the record budget: a 30-row header, a 31-leaf audience at B.
    let wide: Vec<String> = (0..31).map(|i| format!("b:{i}")).collect();
    let heavy_policy: Vec<String> = (0..30).map(|i| format!("a:{i}")).collect();
    let heavy = seal(
        net.a.public_key(),
        &Policy::parse(&format!("patient:42 or {}", heavy_policy.join(" or "))).unwrap(),
        b"heavy",
        b"",
        b"heavy",
        &mut rng,
    )
    .unwrap();
    let to_wide = net.referral(&net.b, &wide.join(" and "), &mut rng);
    let cases: Vec<(&str, &ReKey, &SealedRecord, Option<&str>)> = vec![
        ("referral", &a_to_b, &record, None),
        (
            "referral of a record at b",
            &a_to_b,
            &at_b,
            Some("wrong_authority"),
        ),
        ("onward", &b_to_c, &at_b, None),
        (
            "b's rekey on a's record",
            &b_to_c,
            &record,
            Some("wrong_authority"),
        ),
        (
            "names unsatisfied",
            &b_nurse_to_c,
            &at_b,
            Some("policy_not_satisfied"),
        ),
        ("v3", &a_to_b, &v3, Some("invalid_argument")),
        ("over budget", &to_wide, &heavy, Some("limit_exceeded")),
    ];
    for (what, rk, rec, expected) in cases {
        let result = rk.reencrypt(rec);
        assert_eq!(rk.can_reencrypt(rec), result.is_ok(), "{what}");
        assert_eq!(result.err().map(|e| e.code()), expected, "{what}");
    }
}

/// Attack: build a record at the hop limit whose layers alternate between A and B (and
/// one C), then try a ninth hop, open from every layer with and without each authority,
/// and decode it. Defence: the ninth hop is `invalid_argument` (`can_reencrypt` false);
/// each key opens from its oldest own layer iff every authority below is trusted
/// (`wrong_authority` otherwise, decided before any pairing); it round-trips.
#[test]
fn a_record_at_the_hop_limit_with_mixed_authorities() {
    let mut rng = rng(120);
    let net = Network::new(&mut rng);
    let lead = BlsSigningKey::generate(&mut rng);
    let auth = [
        &net.a, &net.b, &net.a, &net.b, &net.c, &net.a, &net.b, &net.a, &net.b,
    ];
    let name = |i: usize| format!("layer:{i}");
    let mut record = seal(
        auth[0].public_key(),
        &Policy::parse(&name(0)).unwrap(),
        b"deep",
        b"",
        b"nine layers",
        &mut rng,
    )
    .unwrap();
    for i in 1..=8 {
        let rk = rekey_between(
            auth[i - 1],
            &[&name(i - 1)],
            auth[i].public_key(),
            &name(i),
            &lead,
            &mut rng,
        );
        record = rk.reencrypt(&record).unwrap();
    }
    assert_eq!(record.hop_count(), 8);
    let ninth = rekey_between(
        auth[8],
        &[&name(8)],
        net.c.public_key(),
        "layer:9",
        &lead,
        &mut rng,
    );
    assert!(!ninth.can_reencrypt(&record));
    assert_eq!(code(ninth.reencrypt(&record)), "invalid_argument");
    let record = SealedRecord::from_bytes(&record.to_bytes()).unwrap();
    let all = [net.a.public_key(), net.b.public_key(), net.c.public_key()];
    for i in [1usize, 4, 8] {
        let key = auth[i].issue_key(&[name(i)], &mut rng).unwrap();
        assert_eq!(key.open_federated(&all, &record).unwrap(), b"nine layers");
        // Leave out one authority that has a layer below i (other than the key's).
        for missing in [&net.a, &net.b, &net.c] {
            let below = auth[..i]
                .iter()
                .any(|x| x.public_key().id() == missing.public_key().id());
            if !below || missing.public_key().id() == auth[i].public_key().id() {
                continue;
            }
            let trusted: Vec<&PublicKey> = all
                .iter()
                .copied()
                .filter(|pk| pk.id() != missing.public_key().id())
                .collect();
            assert_eq!(
                code(key.open_federated(&trusted, &record)),
                "wrong_authority",
                "layer {i}"
            );
        }
    }
}

/// Attack: a proxy handed a mixed batch (records at A and at B) by a referral of A's.
/// Defence: each record gets its own result; B's are `wrong_authority`.
#[test]
fn a_batch_mixing_authorities_refuses_the_foreign_records_one_by_one() {
    let mut rng = rng(121);
    let net = Network::new(&mut rng);
    let rekey = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let at_a = net.chart("x", &mut rng);
    let at_b = rekey.reencrypt(&at_a).unwrap();
    let sealed_at_b = seal(
        net.b.public_key(),
        &Policy::parse(CHART_POLICY).unwrap(),
        b"b",
        b"",
        b"b",
        &mut rng,
    )
    .unwrap();
    let results = rekey.reencrypt_batch(&[at_a.clone(), at_b, sealed_at_b, at_a]);
    let codes: Vec<Option<&str>> = results
        .iter()
        .map(|r| r.as_ref().err().map(Error::code))
        .collect();
    assert_eq!(
        codes,
        vec![None, Some("wrong_authority"), Some("wrong_authority"), None]
    );
}

// ---------------------------------------------------------------------------------------
// Consent across authorities.
// ---------------------------------------------------------------------------------------

/// Attack: the proxy holds two re-keys of the same patient with the same audience
/// policy, one within A and one referring to B (or C), and one consent: it uses the
/// consent for one to run the other. Defence: the consent names the re-key's digest,
/// which covers the target authority's public key: `consent_error` (`rekey_mismatch`),
/// both ways, and for a referral retargeted by editing the re-key's bytes.
#[test]
fn a_consent_gates_exactly_one_rekey_across_authorities() {
    const NOW: u64 = 1_800_000_000;
    let mut rng = rng(122);
    let net = Network::new(&mut rng);
    let record = net.chart("x", &mut rng);
    let policy = Policy::parse(REFERRAL_POLICY).unwrap();
    let within = net
        .a
        .issue_delegation_key(&["patient:42"], &net.patient.public_key(), &mut rng)
        .unwrap()
        .rekey(net.a.public_key(), &policy, &mut rng)
        .unwrap();
    let to_b = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let to_c = net.referral(&net.c, REFERRAL_POLICY, &mut rng);
    let consent_for = |rk: &ReKey, rng: &mut ChaCha20Rng| {
        let grant = Grant::new(
            "patient-42",
            Grantee::Policy(policy.clone()),
            Window::new(NOW, NOW + 86_400).unwrap(),
        )
        .categories(["cardiology"])
        .purposes(["treatment"])
        .rekey(rk);
        ConsentToken::issue(&net.patient, &grant, rng)
            .unwrap()
            .verify(&net.patient.public_key(), NOW + 1, &RevocationSet::new())
            .unwrap()
    };
    let for_within = consent_for(&within, &mut rng);
    let for_b = consent_for(&to_b, &mut rng);
    let refused = |consent: &cipherchart::VerifiedConsent, rk: &ReKey| {
        let e =
            reencrypt_with_consent(consent, rk, &record, "cardiology", "treatment").unwrap_err();
        assert_eq!(
            (e.code(), e.kind().as_deref()),
            ("consent_error", Some("rekey_mismatch"))
        );
        assert!(check_rekey(consent, rk).is_err());
    };
    refused(&for_within, &to_b);
    refused(&for_b, &within);
    refused(&for_b, &to_c);
    // The referral retargeted to C by editing bytes (public key and capsule id).
    let mut bytes = to_b.to_bytes().to_vec();
    replace_nth(
        &mut bytes,
        &net.b.public_key().to_bytes(),
        &net.c.public_key().to_bytes(),
        0,
    );
    replace_nth(
        &mut bytes,
        &net.b.public_key().id(),
        &net.c.public_key().id(),
        0,
    );
    refused(&for_b, &ReKey::from_bytes(&bytes).unwrap());
    // Controls.
    assert!(reencrypt_with_consent(&for_b, &to_b, &record, "cardiology", "treatment").is_ok());
    assert!(
        reencrypt_with_consent(&for_within, &within, &record, "cardiology", "treatment").is_ok()
    );
}

/// Attack: whoever writes the proxy's re-key store rewrites a referral's delegator to
/// another patient's consent key, so that that patient's consent (naming the rewritten
/// re-key's digest) gates it. Defence (docs/security.md §12.3, across authorities too):
/// the gate passes for the new delegator, but the delegator is bound into the grant
/// capsule's context, so the hops open for nobody at B (`decryption_failed`).
#[test]
fn a_referral_with_a_rewritten_delegator_makes_hops_that_open_nothing() {
    const NOW: u64 = 1_800_000_000;
    let mut rng = rng(130);
    let net = Network::new(&mut rng);
    let record = net.chart("x", &mut rng);
    let rekey = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let other = BlsSigningKey::generate(&mut rng);
    let mut bytes = rekey.to_bytes().to_vec();
    let (from, to) = (
        net.patient.public_key().to_bytes(),
        other.public_key().to_bytes(),
    );
    assert_eq!(positions(&bytes, &from).len(), 1);
    replace_nth(&mut bytes, &from, &to, 0);
    let rewritten = ReKey::from_bytes(&bytes).unwrap();
    let grant = Grant::new(
        "patient-7",
        Grantee::Policy(Policy::parse(REFERRAL_POLICY).unwrap()),
        Window::new(NOW, NOW + 86_400).unwrap(),
    )
    .categories(["cardiology"])
    .purposes(["treatment"])
    .rekey(&rewritten);
    let consent = ConsentToken::issue(&other, &grant, &mut rng)
        .unwrap()
        .verify(&other.public_key(), NOW + 1, &RevocationSet::new())
        .unwrap();
    // The patient's own consent does not gate it.
    assert!(check_rekey(&consent, &rekey).is_err());
    let out =
        reencrypt_with_consent(&consent, &rewritten, &record, "cardiology", "treatment").unwrap();
    let key_b = net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    assert_eq!(
        code(key_b.open_federated(&[net.a.public_key(), net.b.public_key()], &out)),
        "decryption_failed"
    );
}

/// Attack: a re-key made within A (capsule under A's key) turned into a "referral" to B
/// by replacing its public key with B's and its capsule's id with B's, so that the proxy
/// makes record capsules for B's audience. Defence: the grant capsule is A's, B's keys
/// cannot open it, and the blinding derivation differs (`decryption_failed`).
#[test]
fn a_same_authority_rekey_retargeted_to_b_opens_nothing_at_b() {
    let mut rng = rng(131);
    let net = Network::new(&mut rng);
    let within = net
        .a
        .issue_delegation_key(&["patient:42"], &net.patient.public_key(), &mut rng)
        .unwrap()
        .rekey(
            net.a.public_key(),
            &Policy::parse("role:gp").unwrap(),
            &mut rng,
        )
        .unwrap();
    let mut bytes = within.to_bytes().to_vec();
    let a = net.a.public_key().id();
    // The key body's id (at 20) stays A's; the capsule's becomes B's.
    assert_eq!(positions(&bytes, &a).len(), 2);
    replace_nth(
        &mut bytes,
        &net.a.public_key().to_bytes(),
        &net.b.public_key().to_bytes(),
        0,
    );
    replace_nth(&mut bytes, &a, &net.b.public_key().id(), 1);
    let retargeted = ReKey::from_bytes(&bytes).unwrap();
    assert_eq!(retargeted.authority(), a);
    assert_eq!(retargeted.target_authority(), net.b.public_key().id());
    let out = retargeted.reencrypt(&net.chart("x", &mut rng)).unwrap();
    let gp_b = net.b.issue_key(&["role:gp"], &mut rng).unwrap();
    assert_eq!(
        code(gp_b.open_federated(&[net.a.public_key(), net.b.public_key()], &out)),
        "decryption_failed"
    );
}

/// Attack (residual, not a gate bypass): look at what a consent says about *where* its
/// audience is. A consent for a referral to B and one for a re-key within A with the same
/// audience policy show the same grantee, scope, purposes and window; only the opaque
/// re-key digest (which covers B's public key) tells them apart. The gate is sound (see
/// `a_consent_gates_exactly_one_rekey_across_authorities`), but a patient's app or an
/// auditor reading A's chain must resolve the digest to a re-key to learn the target
/// hospital. Pinned here so that a change (naming the target authority) is noticed.
#[test]
fn a_consent_tells_authorities_apart_only_by_its_rekey_digest() {
    const NOW: u64 = 1_800_000_000;
    let mut rng = rng(132);
    let net = Network::new(&mut rng);
    let policy = Policy::parse(REFERRAL_POLICY).unwrap();
    let within = net
        .a
        .issue_delegation_key(&["patient:42"], &net.patient.public_key(), &mut rng)
        .unwrap()
        .rekey(net.a.public_key(), &policy, &mut rng)
        .unwrap();
    let to_b = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let consent = |rk: &ReKey, rng: &mut ChaCha20Rng| {
        let grant = Grant::new(
            "patient-42",
            Grantee::Policy(policy.clone()),
            Window::new(NOW, NOW + 86_400).unwrap(),
        )
        .purposes(["treatment"])
        .rekey(rk);
        ConsentToken::issue(&net.patient, &grant, rng)
            .unwrap()
            .verify(&net.patient.public_key(), NOW + 1, &RevocationSet::new())
            .unwrap()
    };
    let (c_within, c_to_b) = (consent(&within, &mut rng), consent(&to_b, &mut rng));
    assert_eq!(c_within.grantee(), c_to_b.grantee());
    assert_eq!(c_within.scope(), c_to_b.scope());
    assert_eq!(c_within.purposes(), c_to_b.purposes());
    assert_eq!(c_within.window(), c_to_b.window());
    assert_ne!(c_within.rekey_digest(), c_to_b.rekey_digest());
}

// ---------------------------------------------------------------------------------------
// Revocation across authorities (docs/federation.md §7).
// ---------------------------------------------------------------------------------------

/// Attack: make an A notice select a referred record because of a name that appears only
/// in B's layer (names are not authority-qualified), or make a B notice select A's
/// records by a name of A's layers. Defence: `needs_catch_up` reads only the notice
/// authority's layers; B cannot re-wrap A's record (`wrong_authority`). Since the v3 hops
/// outside review (HA-2, design §9.8), a B notice does select a referred copy by **its
/// B layer**, and `strip_stale_hops` removes the hops from that layer on.
#[test]
fn needs_catch_up_ignores_names_in_another_authoritys_layers() {
    let mut rng = rng(123);
    let net = Network::new(&mut rng);
    let record = seal(
        net.a.public_key(),
        &Policy::parse("patient:42").unwrap(),
        b"r",
        b"",
        b"letter",
        &mut rng,
    )
    .unwrap();
    let at_b = net
        .referral(&net.b, "role:gp", &mut rng)
        .reencrypt(&record)
        .unwrap();
    let lead = BlsSigningKey::generate(&mut rng);
    let back_at_a = rekey_between(
        &net.b,
        &["role:gp"],
        net.a.public_key(),
        "dept:oncology",
        &lead,
        &mut rng,
    )
    .reencrypt(&at_b)
    .unwrap();
    let a_gp = notice(&net.a, &["role:gp"], &mut rng);
    let a_patient = notice(&net.a, &["patient:42"], &mut rng);
    let a_oncology = notice(&net.a, &["dept:oncology"], &mut rng);
    let b_gp = notice(&net.b, &["role:gp"], &mut rng);
    let b_patient = notice(&net.b, &["patient:42"], &mut rng);
    assert!(!at_b.needs_catch_up(&a_gp), "role:gp is only in B's layer");
    assert!(
        !back_at_a.needs_catch_up(&a_gp),
        "role:gp is only in B's layer"
    );
    assert!(at_b.needs_catch_up(&a_patient));
    assert!(
        back_at_a.needs_catch_up(&a_oncology),
        "A's own second layer"
    );
    assert!(!at_b.needs_catch_up(&a_oncology));
    // patient:42 is only in A's layer: B's notice of its own patient:42 selects nothing.
    assert!(!at_b.needs_catch_up(&b_patient));
    assert!(!back_at_a.needs_catch_up(&b_patient));
    assert!(at_b.strip_stale_hops(&b_patient).is_none());
    // role:gp is B's layer's name: B's notice selects the copy, and the strip is the
    // record as A sealed it (back_at_a loses its B hop and the A hop above it).
    assert!(at_b.needs_catch_up(&b_gp) && back_at_a.needs_catch_up(&b_gp));
    assert_eq!(
        at_b.strip_stale_hops(&b_gp).unwrap().to_bytes(),
        record.to_bytes()
    );
    assert_eq!(
        back_at_a.strip_stale_hops(&b_gp).unwrap().to_bytes(),
        record.to_bytes()
    );
    assert!(
        at_b.strip_stale_hops(&a_gp).is_none(),
        "role:gp is only in B's layer"
    );
    assert_eq!(
        code(net.b.rewrap(&at_b, &b_gp, &mut rng)),
        "wrong_authority"
    );
    assert_eq!(
        code(net.a.rewrap(&at_b, &b_gp, &mut rng)),
        "wrong_authority"
    );
    // A record referred from B to A is B's: A cannot re-wrap it; A's notice selects it by
    // its A layer, and A's storage strips that layer (federation.md §7).
    let from_b = rekey_between(
        &net.b,
        &["patient:7"],
        net.a.public_key(),
        "role:gp",
        &lead,
        &mut rng,
    )
    .reencrypt(
        &seal(
            net.b.public_key(),
            &Policy::parse("patient:7").unwrap(),
            b"b",
            b"",
            b"from b",
            &mut rng,
        )
        .unwrap(),
    )
    .unwrap();
    assert!(from_b.needs_catch_up(&a_gp));
    assert_eq!(from_b.strip_stale_hops(&a_gp).unwrap().hop_count(), 0);
    assert_eq!(
        code(net.a.rewrap(&from_b, &a_gp, &mut rng)),
        "wrong_authority"
    );
    // A's catch-up drops the hops (documented in §7): B's audience loses the copy.
    let caught_up = net.a.rewrap(&at_b, &a_patient, &mut rng).unwrap();
    assert_eq!(caught_up.hop_count(), 0);
    let gp_b = net.b.issue_key(&["role:gp"], &mut rng).unwrap();
    assert_eq!(
        code(gp_b.open_federated(&[net.a.public_key(), net.b.public_key()], &caught_up)),
        "wrong_authority"
    );
}

// ---------------------------------------------------------------------------------------
// Robustness of the decoders on federation encodings.
// ---------------------------------------------------------------------------------------

/// Attack: every truncation, and a byte flip at every position of every authority id,
/// of a referred record and of a cross-authority re-key. Defence: an error or a decoded
/// object, never a panic; a truncation is always an error.
#[test]
fn truncated_or_relabelled_federation_encodings_never_panic() {
    let mut rng = rng(124);
    let net = Network::new(&mut rng);
    let rekey = net.referral(&net.b, REFERRAL_POLICY, &mut rng);
    let referred = rekey.reencrypt(&net.chart("x", &mut rng)).unwrap();
    let record = referred.to_bytes();
    let rk = rekey.to_bytes().to_vec();
    for n in 0..record.len() {
        let r = catch_unwind(|| SealedRecord::from_bytes(&record[..n]).is_err());
        assert!(r.expect("no panic"), "record prefix {n}");
    }
    for n in 0..rk.len() {
        let r = catch_unwind(|| ReKey::from_bytes(&rk[..n]).is_err());
        assert!(r.expect("no panic"), "rekey prefix {n}");
    }
    let ids = [net.a.public_key().id(), net.b.public_key().id()];
    for bytes in [&record, &rk] {
        for id in &ids {
            for p in positions(bytes, id) {
                for i in 0..32 {
                    let mut changed = bytes.clone();
                    changed[p + i] ^= 0x80;
                    let ok = catch_unwind(|| {
                        let _ = SealedRecord::from_bytes(&changed);
                        let _ = ReKey::from_bytes(&changed);
                    });
                    assert!(ok.is_ok(), "panic at {}", p + i);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Mixed chains, swapped ids, byte flips, decoder order, key encodings.
// ---------------------------------------------------------------------------------------

/// Attack: mix same-authority and cross-authority hops on one record (A → B → B,
/// A → A → B, B → A → A) to find an opener or proxy that derives a same-authority hop's
/// blinding from the record's header authority instead of the hop's, or that lets a
/// same-authority hop above a referral skip the source's check. Defence: each chain opens
/// for its newest audience with every authority below trusted, and not without them.
#[test]
fn same_authority_hops_mixed_with_referrals_keep_every_layers_check() {
    let mut rng = rng(125);
    let net = Network::new(&mut rng);
    let both = [net.a.public_key(), net.b.public_key()];
    let lead = BlsSigningKey::generate(&mut rng);
    let record = net.chart("x", &mut rng);
    // A → B → B.
    let at_b = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&record)
        .unwrap();
    let abb = net
        .b
        .issue_delegation_key(&CARDIOLOGY, &lead.public_key(), &mut rng)
        .unwrap()
        .rekey(
            net.b.public_key(),
            &Policy::parse("role:nurse").unwrap(),
            &mut rng,
        )
        .unwrap()
        .reencrypt(&at_b)
        .unwrap();
    let nurse_b = net.b.issue_key(&["role:nurse"], &mut rng).unwrap();
    assert_eq!(
        nurse_b.open_federated(&both, &abb).unwrap(),
        b"contents of x"
    );
    assert_eq!(
        code(nurse_b.open(net.b.public_key(), &abb)),
        "wrong_authority"
    );
    // A → A → B.
    let aa = net
        .a
        .issue_delegation_key(&["patient:42"], &net.patient.public_key(), &mut rng)
        .unwrap()
        .rekey(
            net.a.public_key(),
            &Policy::parse("role:gp").unwrap(),
            &mut rng,
        )
        .unwrap()
        .reencrypt(&record)
        .unwrap();
    let aab = rekey_between(
        &net.a,
        &["role:gp"],
        net.b.public_key(),
        "role:nurse",
        &lead,
        &mut rng,
    )
    .reencrypt(&aa)
    .unwrap();
    assert_eq!(
        nurse_b.open_federated(&both, &aab).unwrap(),
        b"contents of x"
    );
    assert_eq!(
        code(nurse_b.open_federated(&[net.b.public_key()], &aab)),
        "wrong_authority"
    );
    let gp_a = net.a.issue_key(&["role:gp"], &mut rng).unwrap();
    assert_eq!(
        gp_a.open(net.a.public_key(), &aab).unwrap(),
        b"contents of x"
    );
    // B → A → A.
    let at_b_only = seal(
        net.b.public_key(),
        &Policy::parse("patient:7").unwrap(),
        b"b",
        b"",
        b"from b",
        &mut rng,
    )
    .unwrap();
    let ba = rekey_between(
        &net.b,
        &["patient:7"],
        net.a.public_key(),
        "role:gp",
        &lead,
        &mut rng,
    )
    .reencrypt(&at_b_only)
    .unwrap();
    let baa = net
        .a
        .issue_delegation_key(&["role:gp"], &lead.public_key(), &mut rng)
        .unwrap()
        .rekey(
            net.a.public_key(),
            &Policy::parse("role:surgeon").unwrap(),
            &mut rng,
        )
        .unwrap()
        .reencrypt(&ba)
        .unwrap();
    let surgeon_a = net.a.issue_key(&["role:surgeon"], &mut rng).unwrap();
    assert_eq!(surgeon_a.open_federated(&both, &baa).unwrap(), b"from b");
    assert_eq!(
        code(surgeon_a.open(net.a.public_key(), &baa)),
        "wrong_authority"
    );
}

/// Attack: swap A's and B's ids everywhere in a referred record (a referral A → B read as
/// B → A: both hops stay cross-authority, only the direction changes). Defence: the
/// blinding hashes source then target and the grant capsule names its source, so nothing
/// opens (`decryption_failed`), whatever key.
#[test]
fn swapping_source_and_target_ids_opens_nothing() {
    let mut rng = rng(126);
    let net = Network::new(&mut rng);
    let referred = net
        .referral(&net.b, "role:gp", &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let (a, b) = (net.a.public_key().id(), net.b.public_key().id());
    let mut bytes = referred.to_bytes();
    let (pa, pb) = (positions(&bytes, &a), positions(&bytes, &b));
    for p in pa {
        bytes[p..p + 32].copy_from_slice(&b);
    }
    for p in pb {
        bytes[p..p + 32].copy_from_slice(&a);
    }
    let swapped = SealedRecord::from_bytes(&bytes).unwrap();
    assert_eq!(swapped.authority(), b);
    assert_eq!(swapped.current_authority(), a);
    let both = [net.a.public_key(), net.b.public_key()];
    for key in [
        net.a.issue_key(&["role:gp"], &mut rng).unwrap(),
        net.b.issue_key(&["patient:42"], &mut rng).unwrap(),
    ] {
        assert_eq!(
            code(key.open_federated(&both, &swapped)),
            "decryption_failed"
        );
    }
}

/// Attack: flip each byte (every 7th) of a referred record and open it with B's audience.
/// Defence: a flip anywhere (header, metadata, body, the hop) is refused at decode or
/// fails to open; B's key never opens a changed record.
#[test]
fn byte_flips_of_a_referred_record_never_open_for_bs_audience() {
    let mut rng = rng(127);
    let net = Network::new(&mut rng);
    let referred = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&net.chart("x", &mut rng))
        .unwrap();
    let key_b = net.b.issue_key(&CARDIOLOGY, &mut rng).unwrap();
    let both = [net.a.public_key(), net.b.public_key()];
    let bytes = referred.to_bytes();
    let mut opened = Vec::new();
    for at in (0..bytes.len()).step_by(7) {
        let mut changed = bytes.clone();
        changed[at] ^= 0x04;
        if let Ok(r) = SealedRecord::from_bytes(&changed) {
            if key_b.open_federated(&both, &r).is_ok() {
                opened.push(at);
            }
        }
    }
    assert!(opened.is_empty(), "opened after flips at {opened:?}");
}

/// Attack: a record with a split hop (one capsule relabelled) that is also wrong in a way
/// the decoder reports later: an invalid point earlier in byte order, trailing bytes, or
/// a record over the open-cost budget. Defence (docs/formats.md, "Sealed record"): the
/// first structural error in byte order (trailing bytes), then the split hop
/// (`non_canonical`), then the budget (`policy_cost`), then points.
#[test]
fn a_split_hop_is_reported_in_the_documented_order() {
    let mut rng = rng(128);
    let net = Network::new(&mut rng);
    let record = net.chart("x", &mut rng);
    let referred = net
        .referral(&net.b, REFERRAL_POLICY, &mut rng)
        .reencrypt(&record)
        .unwrap();
    let (a, b) = (net.a.public_key().id(), net.b.public_key().id());
    let split = relabel_nth(&referred.to_bytes(), &b, &a, 1);
    let kind = |bytes: &[u8]| {
        let e = SealedRecord::from_bytes(bytes).unwrap_err();
        (e.code(), e.kind())
    };
    assert_eq!(
        kind(&split),
        ("invalid_encoding", Some("non_canonical".into()))
    );
    // An invalid point in the header's first row (before the hop in byte order).
    let header_at = positions(&split, &a)[0];
    let policy_len = u32::from_be_bytes(split[header_at + 32..header_at + 36].try_into().unwrap());
    let row_at = header_at + 36 + policy_len as usize + 288 + 4;
    let mut bad_point = referred.to_bytes();
    bad_point[row_at + 20] ^= 0xff;
    assert!(matches!(
        kind(&bad_point).1.as_deref(),
        Some("invalid_point" | "not_in_subgroup")
    ));
    let mut both = split.clone();
    both[row_at + 20] ^= 0xff;
    assert_eq!(
        kind(&both),
        ("invalid_encoding", Some("non_canonical".into()))
    );
    let mut trailing = split.clone();
    trailing.push(0);
    assert_eq!(
        kind(&trailing),
        ("invalid_encoding", Some("trailing_bytes".into()))
    );
    // Over the budget: the widest referral a one-row record can take, its hop spliced
    // onto a record under a 41-row policy.
    let cheap = seal(
        net.a.public_key(),
        &Policy::parse("patient:42").unwrap(),
        b"x",
        b"",
        b"x",
        &mut rng,
    )
    .unwrap();
    let (wide_referral, rows) = (1..=64)
        .rev()
        .find_map(|n: usize| {
            let wide: Vec<String> = (0..n).map(|i| format!("b:{i}")).collect();
            let rk = net.referral(&net.b, &wide.join(" and "), &mut rng);
            rk.reencrypt(&cheap).ok().map(|r| (r, n))
        })
        .unwrap();
    assert!(rows > 1);
    let heavy: Vec<String> = (0..40).map(|i| format!("a:{i}")).collect();
    let costly = seal(
        net.a.public_key(),
        &Policy::parse(&format!("patient:42 or {}", heavy.join(" or "))).unwrap(),
        b"x",
        b"",
        b"x",
        &mut rng,
    )
    .unwrap();
    let record = cheap;
    let over = with_hops(&costly, 1, &hops_of(&wide_referral, &record));
    assert_eq!(kind(&over), ("limit_exceeded", Some("policy_cost".into())));
    let over_split = relabel_nth(&over, &b, &a, 1);
    assert_eq!(
        kind(&over_split),
        ("invalid_encoding", Some("non_canonical".into()))
    );
}

/// Attack: find a second encoding of A's public key (a GT coefficient plus q), which
/// would give A's key a second id, so that a record could name "A" by an id the reader's
/// trusted list does not show as A's, or two trusted entries could be one authority.
/// Defence: public keys have one encoding (coefficients ≥ q are `invalid_point`).
#[test]
fn a_public_key_has_one_encoding_and_so_one_id() {
    let mut rng = rng(129);
    let net = Network::new(&mut rng);
    let bytes = net.a.public_key().to_bytes();
    // q, little-endian, as the GT coefficients are written.
    let q_be = hex_be("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab");
    let q_le: Vec<u8> = q_be.iter().rev().copied().collect();
    for coefficient in 0..24 {
        // T1 starts after the header and two G2 points; T2 follows it.
        let at = 4 + 192 + coefficient * 48;
        let mut aliased = bytes.clone();
        let mut carry = 0u16;
        for i in 0..48 {
            let sum = u16::from(aliased[at + i]) + u16::from(q_le[i]) + carry;
            aliased[at + i] = sum as u8;
            carry = sum >> 8;
        }
        if carry != 0 {
            continue;
        }
        assert_eq!(
            code_and_kind(PublicKey::from_bytes(&aliased)),
            ("invalid_encoding", Some("invalid_point".into())),
            "coefficient {coefficient}"
        );
    }
}

fn hex_be(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}
