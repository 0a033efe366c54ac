//! Attribute-based proxy re-encryption end to end (`docs/security.md` §3), from the outside.
//!
//! Who opens what after 1, 2, 3 and `MAX_HOPS` hops (threshold policies on both
//! sides), what the proxy cannot do, the re-key's argument and scope checks, batches,
//! and tampering: a wrong or mauled `R`, swapped capsules, changed grant ids,
//! reordered, dropped or transplanted hops and every single-bit flip of a re-encrypted
//! record must be rejected (`DecryptionFailed`, or `InvalidEncoding` at decode), never
//! opened. Re-key encodings: round trips, strict decoding, redacted `Debug`.
//!
//! Tampering is done on the wire encoding (`docs/formats.md`): a record's hops follow
//! its hop-count byte, which is the last byte of the record's encoding before any hop,
//! and each hop (format v2) is `grant id (16) ‖ grant capsule ‖ record capsule ‖ R̂ (576)
//! ‖ flag (1) ‖ [Rg (576) if flag]` with each capsule a KEM header
//! `authority (32) ‖ len32 ‖ ⟨P'⟩ ‖ C0 (3 × 96) ‖ rows32 ‖ rows × 144 ‖ c' (32)`.

#![allow(clippy::unwrap_used)]

use std::ops::Range;
use std::sync::OnceLock;

use crate::common::{policy, rng, u32_at, AUTHORITY_ID_LEN};
use ark_bls12_381::Bls12_381;
use ark_ec::pairing::PairingOutput;
use ark_ec::PrimeGroup;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use cipherchart::limits::MAX_HOPS;
use cipherchart::{
    seal, Authority, BlsSigningKey, EncodingError, Error, Policy, PublicKey, ReKey, SealedRecord,
    UserKey,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

type Gt = PairingOutput<Bls12_381>;

const GRANT_ID_LEN: usize = 16;
const GT_LEN: usize = 576;

/// One authority for the whole file (setup is the slowest single step).
fn authority() -> &'static Authority {
    static AUTHORITY: OnceLock<Authority> = OnceLock::new();
    AUTHORITY.get_or_init(|| Authority::setup(&mut ChaCha20Rng::seed_from_u64(0x0004_5eed)))
}

fn pk() -> &'static PublicKey {
    authority().public_key()
}

fn key(attributes: &[&str], rng: &mut ChaCha20Rng) -> UserKey {
    authority().issue_key(attributes, rng).unwrap()
}

/// A re-key for one grant (v2): a one-grant delegation key for `attributes` from the
/// file's authority, naming a fresh consent key, turned into a re-key to `to`.
fn grant(attributes: &[&str], to: &Policy, rng: &mut ChaCha20Rng) -> cipherchart::Result<ReKey> {
    let delegator = BlsSigningKey::generate(rng).public_key();
    authority()
        .issue_delegation_key(attributes, &delegator, rng)?
        .rekey(pk(), to, rng)
}

fn sealed(text: &str, id: &[u8], payload: &[u8], rng: &mut ChaCha20Rng) -> SealedRecord {
    seal(pk(), &policy(text), id, b"meta", payload, rng).unwrap()
}

fn decode(bytes: &[u8]) -> SealedRecord {
    SealedRecord::from_bytes(bytes).unwrap()
}

/// Where the hops of an encoded record are: `base_len` is the length of the record's
/// encoding before any hop (its last byte is the hop count).
/// A hop's delegator (compressed BLS key) after its grant id.
const DELEGATOR_LEN: usize = 48;

struct Layout {
    count_at: usize,
    hops: Vec<Range<usize>>,
}

impl Layout {
    fn of(bytes: &[u8], base_len: usize) -> Self {
        let count_at = base_len - 1;
        let mut at = base_len;
        let mut hops = Vec::new();
        for _ in 0..bytes[count_at] {
            let start = at;
            at += GRANT_ID_LEN + DELEGATOR_LEN;
            at = kem_header_end(bytes, at); // grant capsule
            at = kem_header_end(bytes, at); // record capsule
            at += GT_LEN; // R̂
            at += 1 + GT_LEN * usize::from(bytes[at]); // flag, Rg
            hops.push(start..at);
        }
        assert_eq!(at, bytes.len(), "hop layout does not cover the encoding");
        Self { count_at, hops }
    }

    /// The byte range of the grant capsule in hop `i` (`bytes` is the encoding).
    fn capsule(&self, bytes: &[u8], i: usize) -> Range<usize> {
        let start = self.hops[i].start + GRANT_ID_LEN + DELEGATOR_LEN;
        start..kem_header_end(bytes, start)
    }

    /// The byte range of the record capsule in hop `i`.
    fn record_capsule(&self, bytes: &[u8], i: usize) -> Range<usize> {
        let start = self.capsule(bytes, i).end;
        start..kem_header_end(bytes, start)
    }

    /// The byte range of R̂ (the masked R) in hop `i`.
    fn r(&self, bytes: &[u8], i: usize) -> Range<usize> {
        let start = self.record_capsule(bytes, i).end;
        start..start + GT_LEN
    }

    /// The encoding with its hops replaced by `hops`.
    fn rebuild(&self, bytes: &[u8], hops: &[&[u8]]) -> Vec<u8> {
        let mut out = bytes[..self.count_at].to_vec();
        out.push(u8::try_from(hops.len()).unwrap());
        hops.iter().for_each(|h| out.extend_from_slice(h));
        out
    }
}

/// The end of the KEM header that starts at `at`.
fn kem_header_end(bytes: &[u8], mut at: usize) -> usize {
    at += AUTHORITY_ID_LEN;
    at += 4 + u32_at(bytes, at) + 3 * 96;
    at + 4 + 144 * u32_at(bytes, at) + 32
}

fn gt_from(bytes: &[u8]) -> Gt {
    Gt::deserialize_compressed(bytes).unwrap()
}

fn gt_bytes(z: &Gt) -> Vec<u8> {
    let mut out = Vec::new();
    z.serialize_compressed(&mut out).unwrap();
    out
}

/// The decoded record must not open for `key`, with the opaque error.
fn assert_rejected(key: &UserKey, bytes: &[u8]) {
    match SealedRecord::from_bytes(bytes) {
        Err(e) => assert!(matches!(e, Error::InvalidEncoding(_)), "decode gave {e:?}"),
        Ok(record) => assert_eq!(key.open(pk(), &record), Err(Error::DecryptionFailed)),
    }
}

/// The usual fixture: a record under `patient:42 or (hospital:h1 and role:physician)`,
/// its patient, a re-key of `patient:42` to `hospital:h2 and role:physician` and the
/// record re-encrypted once.
struct OneHop {
    record: SealedRecord,
    patient: UserKey,
    rekey: ReKey,
    once: SealedRecord,
    delegatee: UserKey,
}

fn one_hop(seed: u64) -> OneHop {
    let mut rng = rng(seed);
    let record = sealed(
        "patient:42 or (hospital:h1 and role:physician)",
        b"ecg-1",
        b"ECG 2026-03-01",
        &mut rng,
    );
    let patient = key(&["patient:42", "hospital:h1"], &mut rng);
    let to = policy("hospital:h2 and role:physician");
    let rekey = grant(&["patient:42"], &to, &mut rng).unwrap();
    let once = rekey.reencrypt(&record).unwrap();
    let delegatee = key(&["hospital:h2", "role:physician"], &mut rng);
    OneHop {
        record,
        patient,
        rekey,
        once,
        delegatee,
    }
}

// ---------------------------------------------------------------------------------
// Who opens what.
// ---------------------------------------------------------------------------------

#[test]
fn one_hop_opens_for_the_new_and_the_original_audience_only() {
    let f = one_hop(1);
    let mut rng = rng(101);
    let h1_physician = key(&["hospital:h1", "role:physician"], &mut rng);
    let h2_nurse = key(&["hospital:h2", "role:nurse"], &mut rng);
    let payload = b"ECG 2026-03-01".to_vec();

    assert_eq!(f.delegatee.open(pk(), &f.once), Ok(payload.clone()));
    assert_eq!(f.patient.open(pk(), &f.once), Ok(payload.clone()));
    assert_eq!(h1_physician.open(pk(), &f.once), Ok(payload.clone()));
    assert_eq!(h2_nurse.open(pk(), &f.once), Err(Error::PolicyNotSatisfied));
    // The original record is untouched and still closed to the new audience.
    assert_eq!(f.patient.open(pk(), &f.record), Ok(payload.clone()));
    assert_eq!(
        f.delegatee.open(pk(), &f.record),
        Err(Error::PolicyNotSatisfied)
    );

    // Public face of the result: same record, one more layer.
    assert_eq!(f.once.hop_count(), 1);
    assert_eq!(f.once.policy(), f.record.policy());
    assert_eq!(f.once.current_policy(), f.rekey.target_policy());
    assert_eq!(f.once.record_id(), f.record.record_id());
    assert_eq!(f.once.metadata(), f.record.metadata());
    assert_eq!(f.once.header_digest(), f.record.header_digest());
    // The proxy appends: the original encoding (minus its hop count) is a prefix.
    let base = f.record.to_bytes();
    let bytes = f.once.to_bytes();
    assert_eq!(bytes[..base.len() - 1], base[..base.len() - 1]);
    // Round trip through the wire format.
    let decoded = decode(&bytes);
    assert_eq!(decoded, f.once);
    assert_eq!(f.delegatee.open(pk(), &decoded), Ok(payload));
}

/// The holders of each policy of a chain `P0 → P1 → P2 → P3` (genuine thresholds on
/// every side, so reconstruction uses Lagrange coefficients, not just additions).
struct Chain {
    records: Vec<SealedRecord>,
    keys: Vec<UserKey>,
    outsider: UserKey,
}

const CHAIN_POLICIES: [&str; 4] = [
    "2 of (patient:7, clinic:c1, role:gp)",
    "2 of (hospital:h2, dept:cardiology, role:physician) and region:eu",
    "lab:l3 and (role:analyst or role:auditor)",
    "3 of (study:s9, irb:approved, site:s1, site:s2)",
];

fn chain(hops: usize, seed: u64) -> Chain {
    let mut rng = rng(seed);
    let holders: [&[&str]; 4] = [
        &["patient:7", "role:gp"],
        &["hospital:h2", "role:physician", "region:eu"],
        &["lab:l3", "role:auditor"],
        &["study:s9", "site:s1", "site:s2"],
    ];
    let keys: Vec<UserKey> = holders[..=hops].iter().map(|a| key(a, &mut rng)).collect();
    let mut records = vec![sealed(CHAIN_POLICIES[0], b"chain", b"results", &mut rng)];
    for i in 0..hops {
        let rekey = grant(holders[i], &policy(CHAIN_POLICIES[i + 1]), &mut rng).unwrap();
        let next = rekey.reencrypt(records.last().unwrap()).unwrap();
        records.push(next);
    }
    let outsider = key(
        &["clinic:c1", "dept:cardiology", "site:s1", "lab:l4"],
        &mut rng,
    );
    Chain {
        records,
        keys,
        outsider,
    }
}

fn check_chain(hops: usize) {
    let c = chain(hops, 10 + hops as u64);
    for (k, record) in c.records.iter().enumerate() {
        assert_eq!(record.hop_count(), k);
        assert_eq!(record.current_policy(), &policy(CHAIN_POLICIES[k]));
        let record = decode(&record.to_bytes());
        for (layer, key) in c.keys.iter().enumerate() {
            let expected = if layer <= k {
                Ok(b"results".to_vec())
            } else {
                Err(Error::PolicyNotSatisfied)
            };
            assert_eq!(key.open(pk(), &record), expected, "key {layer}, hop {k}");
        }
        assert_eq!(
            c.outsider.open(pk(), &record),
            Err(Error::PolicyNotSatisfied)
        );
    }
}

#[test]
fn one_hop_with_thresholds() {
    check_chain(1);
}

#[test]
fn two_hops_with_thresholds() {
    check_chain(2);
}

#[test]
fn three_hops_with_thresholds() {
    check_chain(3);
}

#[test]
fn max_hops_is_enforced_and_the_last_layer_unwinds_all_of_them() {
    assert_eq!(MAX_HOPS, 8);
    let mut rng = rng(2);
    let names: Vec<String> = (0..=MAX_HOPS).map(|i| format!("hop:{i}")).collect();
    let keys: Vec<UserKey> = names.iter().map(|n| key(&[n.as_str()], &mut rng)).collect();
    let mut record = sealed("hop:0", b"deep", b"far away", &mut rng);
    for i in 0..MAX_HOPS {
        let rekey = grant(&[names[i].as_str()], &policy(&names[i + 1]), &mut rng).unwrap();
        assert!(rekey.can_reencrypt(&record));
        record = rekey.reencrypt(&record).unwrap();
    }
    assert_eq!(record.hop_count(), MAX_HOPS);
    let last = grant(&[names[MAX_HOPS].as_str()], &policy("hop:end"), &mut rng).unwrap();
    assert!(!last.can_reencrypt(&record));
    assert!(matches!(
        last.reencrypt(&record),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        last.reencrypt_batch(std::slice::from_ref(&record))[..],
        [Err(Error::InvalidArgument(_))]
    ));
    let bytes = record.to_bytes();
    let record = decode(&bytes);
    for i in [0, 3, MAX_HOPS] {
        assert_eq!(
            keys[i].open(pk(), &record),
            Ok(b"far away".to_vec()),
            "key {i}"
        );
    }
    // A forged encoding with one hop more than allowed is refused at decode.
    let base_len = sealed("hop:0", b"deep", b"far away", &mut rng)
        .to_bytes()
        .len();
    let layout = Layout::of(&bytes, base_len);
    let mut hops: Vec<&[u8]> = layout.hops.iter().map(|h| &bytes[h.clone()]).collect();
    hops.push(hops[0]);
    assert_eq!(
        SealedRecord::from_bytes(&layout.rebuild(&bytes, &hops)),
        Err(Error::InvalidEncoding(EncodingError::BadLength))
    );
}

// ---------------------------------------------------------------------------------
// The proxy.
// ---------------------------------------------------------------------------------

#[test]
fn the_proxy_cannot_open_when_the_target_policy_excludes_it() {
    let f = one_hop(3);
    let proxy = key(&["role:proxy"], &mut rng(103));
    assert_eq!(proxy.open(pk(), &f.once), Err(Error::PolicyNotSatisfied));
    assert_eq!(proxy.open(pk(), &f.record), Err(Error::PolicyNotSatisfied));
    // A proxy that also re-encrypts the record again under its own grant learns
    // nothing more: its re-key's target policy excludes it too.
    let rekey2 = grant(&["patient:42"], &policy("hospital:h3"), &mut rng(104)).unwrap();
    let other = rekey2.reencrypt(&f.record).unwrap();
    assert_eq!(proxy.open(pk(), &other), Err(Error::PolicyNotSatisfied));
}

/// The blinded key inside a re-key, re-labelled as a user key (it has the same body),
/// is a key for the "shadow" master secret `d/z`: it satisfies the record's policy yet
/// every FO check fails, so it opens neither the original nor the re-encrypted record.
#[test]
fn the_blinded_key_alone_opens_nothing() {
    let f = one_hop(4);
    let bytes = f.rekey.to_bytes();
    // ReKey = header ‖ grant id ‖ key body ‖ capsule ‖ …; UserKey = header ‖ key body.
    // v2 key body: authority id ‖ attributes ‖ guard flag ‖ K0 ‖ K' ‖ K_y ‖ [guard K_y].
    // A re-key's body has no guard (flag 0); a user key's must (flag 1): set the flag
    // and append a real user key's guard component (unused by these records' policies).
    let body_start = 4 + GRANT_ID_LEN;
    let n = u32_at(&bytes, body_start + AUTHORITY_ID_LEN);
    let mut at = body_start + AUTHORITY_ID_LEN + 4;
    for _ in 0..n {
        at += 4 + u32_at(&bytes, at);
    }
    let flag_at = at;
    assert_eq!(bytes[flag_at], 0, "a re-key carries no guard");
    let body_end = flag_at + 1 + 3 * 96 + 3 * 48 + n * 3 * 48;
    let donor = key(&["x:y"], &mut rng(105)).to_bytes();
    let mut user = donor[..4].to_vec();
    user.extend_from_slice(&bytes[body_start..body_end]);
    user[4 + flag_at - body_start] = 1;
    user.extend_from_slice(&donor[donor.len() - 3 * 48..]);
    let shadow = UserKey::from_bytes(&user).unwrap();
    assert_eq!(shadow.attributes(), f.rekey.attributes());
    assert_eq!(shadow.open(pk(), &f.record), Err(Error::DecryptionFailed));
    assert_eq!(shadow.open(pk(), &f.once), Err(Error::DecryptionFailed));
}

/// Why `P'` must exclude the proxy: if the proxy's own attributes satisfy it, the
/// proxy opens every record it re-encrypts. The library cannot detect this (it does
/// not know the proxy's attributes); `docs/security.md` says so.
#[test]
fn a_target_policy_that_includes_the_proxy_lets_it_read() {
    let mut rng = rng(5);
    let record = sealed("patient:42", b"r", b"secret", &mut rng);
    let proxy = key(&["role:proxy"], &mut rng);
    let careless = policy("hospital:h2 or role:proxy");
    let rekey = grant(&["patient:42"], &careless, &mut rng).unwrap();
    let shared = rekey.reencrypt(&record).unwrap();
    assert_eq!(proxy.open(pk(), &shared), Ok(b"secret".to_vec()));
}

// ---------------------------------------------------------------------------------
// Scope and argument checks.
// ---------------------------------------------------------------------------------

#[test]
fn a_rekey_refuses_records_its_attributes_do_not_satisfy() {
    let f = one_hop(6);
    let mut rng = rng(106);
    let other_patient = sealed("patient:43", b"r43", b"not yours", &mut rng);
    let both = sealed(
        "patient:42 and hospital:h1",
        b"r42",
        b"needs both",
        &mut rng,
    );
    for record in [&other_patient, &both] {
        assert!(!f.rekey.can_reencrypt(record));
        assert_eq!(f.rekey.reencrypt(record), Err(Error::PolicyNotSatisfied));
    }
    // Even though the patient holds hospital:h1, the re-key only carries patient:42.
    assert!(f.patient.open(pk(), &both).is_ok());
    // A re-key transforms the newest layer: once re-encrypted to P', the record is out
    // of reach of a re-key whose S' satisfies only the original policy.
    let rekey2 = grant(&["patient:42"], &policy("hospital:h9"), &mut rng).unwrap();
    assert_eq!(rekey2.reencrypt(&f.once), Err(Error::PolicyNotSatisfied));
    // The batch reports the same error at the same index.
    let batch = f
        .rekey
        .reencrypt_batch(&[f.record.clone(), other_patient, f.record.clone()]);
    assert_eq!(batch.len(), 3);
    assert!(batch[0].is_ok() && batch[2].is_ok());
    assert_eq!(batch[1], Err(Error::PolicyNotSatisfied));
}

/// v1 checked `UserKey::rekey`'s `S'` against the key (`NotASubset`); v2 has no such
/// call: the authority issues a delegation key for `S'` directly, so the checks are
/// `issue_delegation_key`'s (the same as `issue_key`'s, including the reserved holder
/// guard) and `DelegationKey::rekey`'s (the authority's public key).
#[test]
fn rekey_arguments_are_checked() {
    let mut rng = rng(7);
    let to = policy("hospital:h2");
    let delegator = BlsSigningKey::generate(&mut rng).public_key();
    let empty: [&str; 0] = [];
    assert!(matches!(
        authority().issue_delegation_key(&empty, &delegator, &mut rng),
        Err(Error::InvalidArgument(_))
    ));
    assert_eq!(
        authority()
            .issue_delegation_key(&[""], &delegator, &mut rng)
            .err(),
        Some(Error::InvalidAttribute)
    );
    // The holder guard is the authority's to add, never a caller's.
    assert_eq!(
        authority()
            .issue_delegation_key(
                &["patient:42", "cipherchart:key-holder"],
                &delegator,
                &mut rng
            )
            .err(),
        Some(Error::InvalidAttribute)
    );
    // A delegation key makes re-keys only under its own authority's public key.
    let other = Authority::setup(&mut rng);
    let d = authority()
        .issue_delegation_key(&["patient:42"], &delegator, &mut rng)
        .unwrap();
    assert_eq!(d.authority(), pk().id());
    assert_eq!(
        d.rekey(other.public_key(), &to, &mut rng).err(),
        Some(Error::WrongAuthority)
    );
    // Duplicates merge; a decomposed spelling names the same (NFC) attribute.
    let d = authority()
        .issue_delegation_key(
            &["patient:42", "patient:42", "A\u{308}rztin:x"],
            &delegator,
            &mut rng,
        )
        .unwrap();
    let names: Vec<&str> = d.attributes().iter().map(|a| a.as_str()).collect();
    assert_eq!(names, ["patient:42", "\u{c4}rztin:x"]);
    assert_eq!(d.delegator(), &delegator);
    let rekey = d.rekey(pk(), &to, &mut rng).unwrap();
    let names: Vec<&str> = rekey.attributes().iter().map(|a| a.as_str()).collect();
    assert_eq!(names, ["patient:42", "\u{c4}rztin:x"]);
    assert_eq!(rekey.target_policy(), &to);
    assert_eq!(rekey.delegator(), &delegator);
    assert_eq!(rekey.authority(), pk().id());
    // Every re-key gets its own grant id.
    let again = grant(&["patient:42"], &to, &mut rng).unwrap();
    assert_ne!(rekey.grant_id(), again.grant_id());
}

#[test]
fn the_same_grant_twice_on_one_record_is_refused() {
    let mut rng = rng(8);
    let record = sealed("patient:42", b"r", b"x", &mut rng);
    // S' satisfies P', so without the check the grant could be applied to its own
    // output again and again.
    let rekey = grant(
        &["patient:42"],
        &policy("patient:42 or hospital:h2"),
        &mut rng,
    )
    .unwrap();
    let once = rekey.reencrypt(&record).unwrap();
    assert!(once.current_policy().is_satisfied_by(rekey.attributes()));
    assert!(!rekey.can_reencrypt(&once));
    assert!(matches!(
        rekey.reencrypt(&once),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        rekey.reencrypt_batch(std::slice::from_ref(&once))[..],
        [Err(Error::InvalidArgument(_))]
    ));
    // Another grant may follow.
    let other = grant(&["patient:42"], &policy("hospital:h3"), &mut rng).unwrap();
    let twice = other.reencrypt(&once).unwrap();
    let h3 = key(&["hospital:h3"], &mut rng);
    assert_eq!(h3.open(pk(), &twice), Ok(b"x".to_vec()));
}

/// v1: the proxy could not tell a record of another authority and transformed it; only
/// the delegatee's FO check refused the result. v2 (authority ids in every KEM header,
/// key and re-key): the proxy refuses it up front with `WrongAuthority`, before any
/// pairing, and so does a user key of the other authority.
#[test]
fn a_rekey_of_another_authority_is_refused_before_pairing() {
    let mut rng = rng(9);
    let other = Authority::setup(&mut rng);
    let record = seal(
        other.public_key(),
        &policy("patient:42"),
        b"r",
        b"",
        b"x",
        &mut rng,
    )
    .unwrap();
    let rekey = grant(&["patient:42"], &policy("hospital:h2"), &mut rng).unwrap();
    assert_eq!(record.authority(), other.public_key().id());
    assert_ne!(rekey.authority(), record.authority());
    // The proxy now tells: the record names another authority.
    assert!(!rekey.can_reencrypt(&record));
    assert_eq!(rekey.reencrypt(&record), Err(Error::WrongAuthority));
    assert_eq!(
        rekey.reencrypt_batch(std::slice::from_ref(&record)),
        [Err(Error::WrongAuthority)]
    );
    // A key of this authority refuses the other authority's record, under either
    // public key, before any pairing.
    let patient = key(&["patient:42"], &mut rng);
    assert_eq!(patient.open(pk(), &record), Err(Error::WrongAuthority));
    assert_eq!(
        patient.open(other.public_key(), &record),
        Err(Error::WrongAuthority)
    );
}

// ---------------------------------------------------------------------------------
// Batches.
// ---------------------------------------------------------------------------------

#[test]
fn batch_equals_one_by_one() {
    let mut rng = rng(10);
    let rekey = grant(
        &["patient:42", "consent:research"],
        &policy("2 of (study:s1, irb:ok, site:a)"),
        &mut rng,
    )
    .unwrap();
    let policies = [
        "patient:42",
        "patient:42 or role:admin",
        "2 of (patient:42, consent:research, role:gp)",
        "patient:43",
        "patient:42 and consent:research",
    ];
    let records: Vec<SealedRecord> = policies
        .iter()
        .enumerate()
        .map(|(i, p)| sealed(p, &[i as u8], format!("payload {i}").as_bytes(), &mut rng))
        .collect();
    let batch = rekey.reencrypt_batch(&records);
    assert_eq!(batch.len(), records.len());
    let reader = key(&["study:s1", "site:a"], &mut rng);
    for (i, (record, result)) in records.iter().zip(&batch).enumerate() {
        let single = rekey.reencrypt(record);
        match (&single, result) {
            (Ok(a), Ok(b)) => {
                // DecCore is deterministic, so the same R and the same bytes.
                assert_eq!(a.to_bytes(), b.to_bytes(), "record {i}");
                assert_eq!(
                    reader.open(pk(), b),
                    Ok(format!("payload {i}").into_bytes())
                );
            }
            (a, b) => assert_eq!(a, b, "record {i}"),
        }
    }
    assert_eq!(batch[3], Err(Error::PolicyNotSatisfied));
    assert!(rekey.reencrypt_batch(&[]).is_empty());
}

// ---------------------------------------------------------------------------------
// Tampering with hops.
// ---------------------------------------------------------------------------------

#[test]
fn a_mauled_r_is_rejected() {
    let f = one_hop(11);
    let base = f.record.to_bytes().len();
    let bytes = f.once.to_bytes();
    let layout = Layout::of(&bytes, base);
    let r = gt_from(&bytes[layout.r(&bytes, 0)]);
    let g = Gt::generator();
    // Another record re-encrypted by the same re-key: a valid R of the same grant.
    let mut rng = rng(111);
    let sibling = sealed("patient:42", b"ecg-2", b"other", &mut rng);
    let sibling = f.rekey.reencrypt(&sibling).unwrap().to_bytes();
    let sibling_r = gt_from(
        &sibling[Layout::of(&sibling, sibling.len() - layout.hops[0].len()).r(&sibling, 0)],
    );
    for replacement in [r + g, r + r, r - g, g, sibling_r] {
        assert_ne!(replacement, r);
        let mut forged = bytes.clone();
        forged[layout.r(&bytes, 0)].copy_from_slice(&gt_bytes(&replacement));
        // Valid GT elements: decoding succeeds, the FO check fails.
        let record = decode(&forged);
        assert_eq!(
            f.delegatee.open(pk(), &record),
            Err(Error::DecryptionFailed)
        );
    }
    // The identity is refused at decode.
    let mut forged = bytes.clone();
    forged[layout.r(&bytes, 0)].copy_from_slice(&gt_bytes(&Gt::default()));
    assert!(matches!(
        SealedRecord::from_bytes(&forged),
        Err(Error::InvalidEncoding(_))
    ));
}

#[test]
fn a_capsule_or_grant_id_from_another_rekey_is_rejected() {
    let f = one_hop(12);
    let mut rng = rng(112);
    let base = f.record.to_bytes().len();
    let bytes = f.once.to_bytes();
    let layout = Layout::of(&bytes, base);
    // A second grant from the same patient to the same audience.
    let other = grant(&["patient:42"], f.rekey.target_policy(), &mut rng).unwrap();
    let other_once = other.reencrypt(&f.record).unwrap().to_bytes();
    let other_layout = Layout::of(&other_once, base);
    assert_eq!(layout.hops[0].len(), other_layout.hops[0].len());
    let other_capsule = &other_once[other_layout.capsule(&other_once, 0)];
    let other_record_capsule = &other_once[other_layout.record_capsule(&other_once, 0)];
    let other_grant = &other_once[other_layout.hops[0].start..][..GRANT_ID_LEN];

    // Grant capsule swapped, grant id kept: the capsule's FO check (bound to the grant
    // id).
    let mut forged = bytes.clone();
    forged[layout.capsule(&bytes, 0)].copy_from_slice(other_capsule);
    assert_rejected(&f.delegatee, &forged);
    // Record capsule swapped (v2): bound to the grant id too, and unmasks a wrong R.
    let mut only_record = bytes.clone();
    only_record[layout.record_capsule(&bytes, 0)].copy_from_slice(other_record_capsule);
    assert_rejected(&f.delegatee, &only_record);
    // Both capsules swapped, grant id and R̂ kept.
    forged[layout.record_capsule(&bytes, 0)].copy_from_slice(other_record_capsule);
    assert_rejected(&f.delegatee, &forged);
    // Grant id and capsules swapped, R̂ kept: R̂ is not the other grant's, the FO checks.
    forged[layout.hops[0].start..][..GRANT_ID_LEN].copy_from_slice(other_grant);
    assert_rejected(&f.delegatee, &forged);
    // Grant id changed alone (to the other grant's, and by one bit).
    let mut forged = bytes.clone();
    forged[layout.hops[0].start..][..GRANT_ID_LEN].copy_from_slice(other_grant);
    assert_rejected(&f.delegatee, &forged);
    let mut forged = bytes.clone();
    forged[layout.hops[0].start] ^= 0x80;
    assert_rejected(&f.delegatee, &forged);
    // The untouched pair still opens.
    assert_eq!(
        f.delegatee.open(pk(), &decode(&other_once)),
        Ok(b"ECG 2026-03-01".to_vec())
    );
}

#[test]
fn a_hop_transplanted_onto_another_record_is_rejected() {
    let f = one_hop(13);
    let mut rng = rng(113);
    // Same policy, same record id, same metadata: only μ differs.
    let twin = sealed(
        "patient:42 or (hospital:h1 and role:physician)",
        b"ecg-1",
        b"ECG 2026-03-01",
        &mut rng,
    );
    let twin_bytes = twin.to_bytes();
    let bytes = f.once.to_bytes();
    let layout = Layout::of(&bytes, f.record.to_bytes().len());
    let twin_layout = Layout::of(&twin_bytes, twin_bytes.len());
    let forged = twin_layout.rebuild(&twin_bytes, &[&bytes[layout.hops[0].clone()]]);
    assert_rejected(&f.delegatee, &forged);
}

#[test]
fn hops_reordered_duplicated_or_dropped_are_rejected() {
    let c = chain(2, 14);
    let base = c.records[0].to_bytes().len();
    let bytes = c.records[2].to_bytes();
    let layout = Layout::of(&bytes, base);
    let hop1 = &bytes[layout.hops[0].clone()];
    let hop2 = &bytes[layout.hops[1].clone()];
    assert_eq!(
        c.keys[2].open(pk(), &decode(&bytes)),
        Ok(b"results".to_vec())
    );

    // v1 decoded these and let the FO checks refuse them. v2: a hop after the first
    // carries the grant value of the hop below and the first one must not, so a hop
    // moved to or from the first position is refused at decode already.
    for (what, hops) in [
        ("reordered", vec![hop2, hop1]),
        ("middle dropped", vec![hop2]),
        ("first repeated", vec![hop1, hop1]),
    ] {
        let forged = layout.rebuild(&bytes, &hops);
        let got = SealedRecord::from_bytes(&forged);
        assert!(
            matches!(got, Err(Error::InvalidEncoding(_))),
            "{what}: {:?}",
            got.map(|r| r.hop_count())
        );
    }
    // Repeating the newest hop leaves layers 0 to 2 intact. The copy (layer 3) is bound
    // to hop index 2 and fails for P2's key, which (v2, finding 6: a forged hop must not
    // lock the audience out) opens from the oldest layer it satisfies, the genuine layer
    // 2, and never reads the copy; v1 refused.
    let repeated = decode(&layout.rebuild(&bytes, &[hop1, hop2, hop2]));
    assert_eq!(repeated.hop_count(), 3);
    assert_eq!(c.keys[1].open(pk(), &repeated), Ok(b"results".to_vec()));
    assert_eq!(c.keys[2].open(pk(), &repeated), Ok(b"results".to_vec()));
    assert_eq!(
        c.outsider.open(pk(), &repeated),
        Err(Error::PolicyNotSatisfied)
    );
    // Dropping the newest hop leaves a genuine one-hop record: the last key no longer
    // satisfies any layer; the middle one still opens.
    let truncated = decode(&layout.rebuild(&bytes, &[hop1]));
    assert_eq!(truncated, c.records[1]);
    assert_eq!(
        c.keys[2].open(pk(), &truncated),
        Err(Error::PolicyNotSatisfied)
    );
    assert_eq!(c.keys[1].open(pk(), &truncated), Ok(b"results".to_vec()));
}

/// Every single-bit flip of a one-hop record is refused by the delegatee (whose key
/// satisfies only the target policy, so its opening depends on every layer): all bits
/// from the hop count on (the whole hop: grant id, R, capsule) and every 7th bit
/// before it (record id, metadata, original header, body), to keep the test fast.
#[test]
fn every_bit_flip_of_a_reencrypted_record_is_rejected() {
    let mut rng = rng(15);
    let record = sealed("patient:42", b"r", b"m", &mut rng);
    let rekey = grant(&["patient:42"], &policy("hospital:h2"), &mut rng).unwrap();
    let delegatee = key(&["hospital:h2"], &mut rng);
    let bytes = rekey.reencrypt(&record).unwrap().to_bytes();
    let hop_start = record.to_bytes().len() - 1; // from the hop count on
    let positions: Vec<usize> = (0..hop_start * 8)
        .step_by(7)
        .chain(hop_start * 8..bytes.len() * 8)
        .collect();
    // Each flip inside the capsule decodes R (a GT subgroup check, milliseconds):
    // split the positions over two threads.
    let decoded: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|t| {
                let (positions, bytes, delegatee) = (&positions, &bytes, &delegatee);
                s.spawn(move || {
                    let mut decoded = 0;
                    for &bit in positions.iter().skip(t).step_by(2) {
                        let mut forged = bytes.clone();
                        forged[bit / 8] ^= 1 << (bit % 8);
                        match SealedRecord::from_bytes(&forged) {
                            Err(e) => {
                                assert!(matches!(e, Error::InvalidEncoding(_)), "bit {bit}: {e:?}")
                            }
                            Ok(r) => {
                                decoded += 1;
                                let got = delegatee.open(pk(), &r);
                                // v2: a flipped authority id is `WrongAuthority`.
                                assert!(
                                    matches!(
                                        got,
                                        Err(Error::DecryptionFailed
                                            | Error::PolicyNotSatisfied
                                            | Error::WrongAuthority)
                                    ),
                                    "bit {bit}: {got:?}"
                                );
                            }
                        }
                    }
                    decoded
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    // The flips reached the FO checks, not only the decoder (grant id, masked seeds,
    // point signs, policy texts that still parse, body).
    assert!(decoded > 300, "only {decoded} flips decoded");
}

// ---------------------------------------------------------------------------------
// Re-key encodings and Debug.
// ---------------------------------------------------------------------------------

#[test]
fn rekey_round_trips_and_the_decoded_rekey_transforms_identically() {
    let f = one_hop(16);
    let bytes = f.rekey.to_bytes();
    let decoded = ReKey::from_bytes(&bytes).unwrap();
    assert_eq!(*decoded.to_bytes(), *bytes);
    assert_eq!(decoded.grant_id(), f.rekey.grant_id());
    assert_eq!(decoded.attributes(), f.rekey.attributes());
    assert_eq!(decoded.target_policy(), f.rekey.target_policy());
    let again = decoded.reencrypt(&f.record).unwrap();
    assert_eq!(again.to_bytes(), f.once.to_bytes());
    assert_eq!(
        f.delegatee.open(pk(), &again),
        Ok(b"ECG 2026-03-01".to_vec())
    );
    // Threshold-policy re-key too.
    let mut rng = rng(116);
    let rk = grant(&["a:1", "a:3"], &policy("2 of (b:1, b:2, b:3)"), &mut rng).unwrap();
    let rk_bytes = rk.to_bytes();
    assert_eq!(*ReKey::from_bytes(&rk_bytes).unwrap().to_bytes(), *rk_bytes);
}

#[test]
fn invalid_rekey_encodings_are_rejected() {
    let f = one_hop(17);
    let bytes = f.rekey.to_bytes();
    for len in 0..bytes.len() {
        let got = ReKey::from_bytes(&bytes[..len]);
        assert!(
            matches!(got, Err(Error::InvalidEncoding(_))),
            "truncated to {len}: {:?}",
            got.err()
        );
    }
    let mut long = bytes.to_vec();
    long.push(0);
    assert_eq!(
        ReKey::from_bytes(&long).err(),
        Some(Error::InvalidEncoding(EncodingError::TrailingBytes))
    );
    // Another object's tag (a user key's), and a user key's bytes: refused.
    let mut wrong = bytes.to_vec();
    wrong[2] = f.patient.to_bytes()[2];
    assert_eq!(
        ReKey::from_bytes(&wrong).err(),
        Some(Error::InvalidEncoding(EncodingError::WrongType))
    );
    assert_eq!(
        ReKey::from_bytes(&f.patient.to_bytes()).err(),
        Some(Error::InvalidEncoding(EncodingError::WrongType))
    );
    assert_eq!(
        UserKey::from_bytes(&bytes).err(),
        Some(Error::InvalidEncoding(EncodingError::WrongType))
    );
    assert_eq!(
        SealedRecord::from_bytes(&bytes).err(),
        Some(Error::InvalidEncoding(EncodingError::WrongType))
    );
    // An empty S' (attribute count 0) is refused, as `issue_delegation_key` refuses one.
    let mut empty = bytes.to_vec();
    empty[4 + GRANT_ID_LEN + AUTHORITY_ID_LEN..][..4].copy_from_slice(&0u32.to_be_bytes());
    assert_eq!(
        ReKey::from_bytes(&empty).err(),
        Some(Error::InvalidEncoding(EncodingError::BadLength))
    );
    let mut version = bytes.to_vec();
    version[3] ^= 0xff;
    assert_eq!(
        ReKey::from_bytes(&version).err(),
        Some(Error::InvalidEncoding(EncodingError::UnsupportedVersion))
    );
    // A flipped byte in each point region never decodes to a different re-key that
    // round-trips silently: either an error or (sign bit) another valid point.
    for at in (4 + GRANT_ID_LEN..bytes.len()).step_by(97) {
        let mut forged = bytes.to_vec();
        forged[at] ^= 0x01;
        if let Ok(rk) = ReKey::from_bytes(&forged) {
            assert_eq!(*rk.to_bytes(), forged, "byte {at} not canonical");
        }
    }
}

#[test]
fn rekey_debug_shows_no_key_material() {
    let f = one_hop(18);
    let debug = format!("{:?}", f.rekey);
    let bytes = f.rekey.to_bytes();
    assert!(debug.contains("patient:42"), "{debug}");
    assert!(debug.contains("hospital:h2"), "{debug}");
    assert!(debug.len() < 400, "{debug}");
    // No 8-byte window of anything secret after the grant id (authority id,
    // attributes, K̃0, K̃', K̃_y, the capsule's points and masked seed, the hop key)
    // appears in hex, either case. v2: the public key and the delegator (public, and
    // the delegator is shown in Debug) follow the capsule, the hop key sits between
    // them: `… ‖ capsule ‖ len32 ‖ pk ‖ hop key (32) ‖ delegator (48)`.
    let delegator_at = bytes.len() - 48;
    let hop_key = &bytes[delegator_at - 32..delegator_at];
    let pk_len = pk().to_bytes().len();
    let capsule_end = delegator_at - 32 - pk_len - 4;
    assert_eq!(
        &bytes[capsule_end + 4..delegator_at - 32],
        &pk().to_bytes()[..]
    );
    assert!(
        debug.contains(&hex::encode(&bytes[delegator_at..])),
        "{debug}"
    );
    let secret = bytes[4 + GRANT_ID_LEN..capsule_end]
        .windows(8)
        .chain(hop_key.windows(8));
    for window in secret {
        let lower = hex::encode(window);
        assert!(!debug.contains(&lower), "{lower} leaked in {debug}");
        assert!(!debug.contains(&lower.to_uppercase()), "{lower} leaked");
    }
    // Nor decimal coordinates as arkworks' Debug would print them.
    assert!(
        !debug
            .as_bytes()
            .windows(20)
            .any(|w| w.iter().all(u8::is_ascii_digit)),
        "{debug}"
    );
    // The re-encrypted record's Debug does not show R̂ either.
    let once = f.once.to_bytes();
    let r = &once[Layout::of(&once, f.record.to_bytes().len()).r(&once, 0)];
    let record_debug = format!("{:?}", f.once);
    for window in r.windows(8).step_by(8) {
        assert!(!record_debug.contains(&hex::encode(window)));
    }
}
