//! Issue 16, finding 1: denial of service through the cost of opening.
//!
//! A header made for free (every point the generator) under
//! `role:physician or 254 of (255 names)` used to cost a physician 85 s to open: the FO
//! check recomputed every row, and each `k of n` row's bases took (k − 1)·6 full-width
//! G1 multiplications. Now the FO check compares `C0` before any row, threshold bases
//! are built by Horner's rule on the small evaluation point, and a policy whose open
//! cost exceeds `MAX_POLICY_COST` is refused at parse and at decode.
//!
//! A re-encrypted record has one budget for all its layers, `MAX_RECORD_OPEN_COST`
//! (every header's policy cost plus its fixed work, a hop's two capsules counted
//! twice; an open reads each layer once): `reencrypt` refuses to make a record over it
//! and `SealedRecord::from_bytes` refuses one.
//!
//! The deterministic checks are on the cost model (the policy is refused, or admitted
//! within the bound); wall-clock bounds are generous secondary checks.

#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::common::forged::g1_generator;
use crate::common::names;
use cipherchart::{
    seal, Authority, BlsSigningKey, EncodingError, Error, LimitKind, Policy, ReKey, SealedRecord,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

fn authority() -> &'static Authority {
    static A: OnceLock<Authority> = OnceLock::new();
    A.get_or_init(|| Authority::setup(&mut ChaCha20Rng::seed_from_u64(0x16_01)))
}

/// `role:physician or k of (prefix:0, …, prefix:n−1)`.
fn physician_or_threshold(prefix: &str, k: usize, n: usize) -> String {
    format!("role:physician or {k} of ({})", names(prefix, n).join(", "))
}

fn cost_refused(r: Result<Policy, Error>) -> bool {
    r == Err(Error::LimitExceeded(LimitKind::PolicyCost))
}

/// The largest k such that `role:physician or k of (n names)` is admitted.
fn largest_admitted_k(n: usize) -> Option<usize> {
    (2..n)
        .rev()
        .find(|&k| Policy::parse(&physician_or_threshold("big", k, n)).is_ok())
}

/// Children of the widest `role:physician or k of (n names)` with an admitted k ≥ 2
/// (`2 of 62` beside another row is just over the bound).
const FORGED_N: usize = 61;

/// A sealed record (format v2) whose KEM header is made for free, of the test authority.
fn forged_record(policy_text: &str, rows: usize) -> Vec<u8> {
    crate::common::forged::forged_record(authority().public_key().id(), policy_text, rows)
}

/// The reviewer's policy is refused (by its width now: 64 leaves at most), at parse
/// and at every decode, quickly; within the width limit, the costliest thresholds are
/// refused by the cost model.
#[test]
fn reviewers_policy_is_refused_at_parse_and_decode() {
    let text = physician_or_threshold("n", 254, 255);
    assert!(Policy::parse(&text).is_err());
    assert!(Policy::from_bytes(text.as_bytes()).is_err());
    let start = Instant::now();
    assert!(SealedRecord::from_bytes(&forged_record(&text, 256)).is_err());
    assert!(start.elapsed() < Duration::from_secs(5));
    // `64 of 128` (several seconds to open before the fix) is over the limits too.
    assert!(Policy::parse(&format!("64 of ({})", names("m", 128).join(", "))).is_err());
    // A wide threshold within the leaf limit: refused by its cost, at parse and decode.
    let costly = physician_or_threshold("c", 40, 63);
    assert!(cost_refused(Policy::parse(&costly)));
    assert!(cost_refused(Policy::from_bytes(costly.as_bytes())));
    assert_eq!(
        SealedRecord::from_bytes(&forged_record(&costly, 64)).map(|_| ()),
        Err(Error::LimitExceeded(LimitKind::PolicyCost))
    );
}

/// The cost grows with k and n, and the bound falls between the thresholds people
/// write and the ones that only serve an attack.
#[test]
fn the_bound_admits_ordinary_thresholds() {
    for (k, n) in [(2, 3), (3, 5), (5, 10), (10, 20), (16, 32), (20, 40)] {
        let text = format!("{k} of ({})", names("t", n).join(", "));
        assert!(Policy::parse(&text).is_ok(), "{k} of {n}");
    }
    for (n, at_least) in [(32, 20), (48, 10)] {
        let k = largest_admitted_k(n).unwrap();
        assert!(k >= at_least, "n = {n}: k = {k}");
        if k + 1 < n {
            assert!(cost_refused(Policy::parse(&physician_or_threshold(
                "big",
                k + 1,
                n
            ))));
        }
    }
    assert!(largest_admitted_k(FORGED_N).is_some_and(|k| k < 32));
    assert!(largest_admitted_k(FORGED_N + 1).is_none());
    // Every AND/OR policy within the leaf limit is admitted.
    let leaves = names("leaf", cipherchart::limits::MAX_POLICY_LEAVES);
    assert!(Policy::parse(&leaves.join(" or ")).is_ok());
    assert!(Policy::parse(&leaves.join(" and ")).is_ok());
}

/// A forged all-generator header under the biggest admitted threshold is rejected, and
/// quickly: the FO check compares `C0` before computing any row.
#[test]
fn forged_header_under_biggest_admitted_threshold_is_rejected_quickly() {
    let a = authority();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let physician = a.issue_key(&["role:physician"], &mut rng).unwrap();
    let k = largest_admitted_k(FORGED_N).unwrap();
    let text = physician_or_threshold("big", k, FORGED_N);
    let forged = SealedRecord::from_bytes(&forged_record(&text, FORGED_N + 1)).unwrap();
    // Warm-up (public-key tables), then the measured open.
    let _ = physician.open(a.public_key(), &forged);
    let start = Instant::now();
    assert_eq!(
        physician.open(a.public_key(), &forged),
        Err(Error::DecryptionFailed)
    );
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

/// Honest threshold records of several sizes still open with exactly k attributes, and
/// not with k − 1; a record with one row changed is still rejected.
#[test]
fn honest_threshold_records_still_open() {
    let a = authority();
    let pk = a.public_key();
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    for (k, n) in [
        (2, 3),
        (3, 7),
        (9, 16),
        (largest_admitted_k(48).unwrap(), 48),
    ] {
        let prefix = format!("h{k}x{n}");
        let all = names(&prefix, n);
        let policy = Policy::parse(&format!("{k} of ({})", all.join(", "))).unwrap();
        let sealed = seal(pk, &policy, b"id", b"", b"payload", &mut rng).unwrap();
        let sealed = SealedRecord::from_bytes(&sealed.to_bytes()).unwrap();
        // The last k children (the largest evaluation points).
        let holder = a.issue_key(&all[n - k..], &mut rng).unwrap();
        assert_eq!(holder.open(pk, &sealed).unwrap(), b"payload", "{k} of {n}");
        let short = a.issue_key(&all[n - k + 1..], &mut rng).unwrap();
        assert_eq!(short.open(pk, &sealed), Err(Error::PolicyNotSatisfied));
    }
}

/// The same record with one row point swapped for the generator: C0 passes, the rows
/// do not.
#[test]
fn mauled_row_is_rejected() {
    let a = authority();
    let pk = a.public_key();
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let policy = Policy::parse("2 of (mr:a, mr:b, mr:c) or mr:d").unwrap();
    let sealed = seal(pk, &policy, b"id", b"", b"payload", &mut rng).unwrap();
    let mut bytes = sealed.to_bytes();
    let key = a.issue_key(&["mr:a", "mr:c"], &mut rng).unwrap();
    assert_eq!(key.open(pk, &sealed).unwrap(), b"payload");
    // The last row's last point sits before the 32-byte seed, the body (length, the
    // 7-byte payload, the 16-byte tag) and the hop count.
    let tail = 4 + 7 + 16 + 1;
    let at = bytes.len() - tail - 32 - 48;
    bytes[at..at + 48].copy_from_slice(&g1_generator());
    let mauled = SealedRecord::from_bytes(&bytes).unwrap();
    assert_ne!(mauled, sealed);
    assert_eq!(key.open(pk, &mauled), Err(Error::DecryptionFailed));
    let other = a.issue_key(&["mr:d"], &mut rng).unwrap();
    assert_eq!(other.open(pk, &mauled), Err(Error::DecryptionFailed));
}

/// A forged header with the right policy but random-looking points never decodes as
/// something else: the bytes of the helper are a valid encoding (sanity check of the
/// forger, under a cheap policy).
#[test]
fn forged_record_helper_is_well_formed() {
    let forged = SealedRecord::from_bytes(&forged_record("fr:a or fr:b", 2)).unwrap();
    assert_eq!(forged.policy().as_str(), "fr:a or fr:b");
    assert_eq!(
        SealedRecord::from_bytes(&forged_record("fr:a or fr:b", 3)).map(|_| ()),
        Err(Error::InvalidEncoding(EncodingError::BadLength))
    );
}

/// A re-key from the attributes `from` to the policy `to`.
fn rekey(from: &[String], to: &str, rng: &mut ChaCha20Rng) -> ReKey {
    let a = authority();
    let delegator = BlsSigningKey::generate(rng).public_key();
    a.issue_delegation_key(from, &delegator, rng)
        .unwrap()
        .rekey(a.public_key(), &Policy::parse(to).unwrap(), rng)
        .unwrap()
}

/// One budget for all the layers of a record: a record under the largest admitted
/// policy cannot take a hop, a smaller one can; eight hops fit with two-row layers and
/// not with three-row ones. `reencrypt` and `can_reencrypt` refuse before any group work.
#[test]
fn one_budget_for_all_the_layers_of_a_record() {
    let a = authority();
    let pk = a.public_key();
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let over = Err(Error::LimitExceeded(LimitKind::PolicyCost));
    let big = names("rb", cipherchart::limits::MAX_POLICY_LEAVES);
    let record = seal(
        pk,
        &Policy::parse(&big.join(" or ")).unwrap(),
        b"id",
        b"",
        b"x",
        &mut rng,
    )
    .unwrap();
    let to_one = rekey(&big[..1], "rb:to", &mut rng);
    assert!(!to_one.can_reencrypt(&record));
    assert_eq!(to_one.reencrypt(&record).map(|_| ()), over);
    let small = names("rs", 40);
    let record = seal(
        pk,
        &Policy::parse(&small.join(" or ")).unwrap(),
        b"id",
        b"",
        b"x",
        &mut rng,
    )
    .unwrap();
    let hop = rekey(&small[..1], "rs:to", &mut rng)
        .reencrypt(&record)
        .unwrap();
    let key = a.issue_key(&["rs:to"], &mut rng).unwrap();
    assert_eq!(key.open(pk, &hop).unwrap(), b"x");

    for (rows, fits) in [(2, true), (3, false)] {
        let layer = |i: usize| names(&format!("l{rows}x{i}"), rows);
        let and = |i: usize| layer(i).join(" and ");
        let mut record = seal(
            pk,
            &Policy::parse(&and(0)).unwrap(),
            b"id",
            b"",
            b"x",
            &mut rng,
        )
        .unwrap();
        for i in 1..=8 {
            let rk = rekey(&layer(i - 1), &and(i), &mut rng);
            match rk.reencrypt(&record) {
                Ok(next) => record = next,
                Err(e) => {
                    assert!(!fits && i == 8, "{rows} rows, hop {i}: {e}");
                    assert_eq!(Err(e), over);
                    assert!(!rk.can_reencrypt(&record));
                }
            }
        }
        let hops = record.hop_count();
        assert_eq!(hops, if fits { 8 } else { 7 });
        let key = a.issue_key(&layer(hops), &mut rng).unwrap();
        let decoded = SealedRecord::from_bytes(&record.to_bytes()).unwrap();
        assert_eq!(key.open(pk, &decoded).unwrap(), b"x");
    }
}

/// A hop spliced onto a record whose own policy leaves no room for it is refused at
/// decode, before any group work (the same hop on a cheap record decodes).
#[test]
fn a_record_over_the_budget_is_refused_at_decode() {
    let a = authority();
    let pk = a.public_key();
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let from = vec!["sp:from".to_owned()];
    let donor = seal(
        pk,
        &Policy::parse("sp:from").unwrap(),
        b"id",
        b"",
        b"x",
        &mut rng,
    )
    .unwrap();
    let hopped = rekey(&from, "sp:to", &mut rng).reencrypt(&donor).unwrap();
    let (plain, with_hop) = (donor.to_bytes(), hopped.to_bytes());
    assert_eq!(with_hop[plain.len() - 1], 1, "the hop count");
    let hop = &with_hop[plain.len()..];
    let splice = |record: &SealedRecord| {
        let mut bytes = record.to_bytes();
        *bytes.last_mut().unwrap() = 1;
        bytes.extend_from_slice(hop);
        SealedRecord::from_bytes(&bytes).map(|r| r.hop_count())
    };
    let cheap = seal(
        pk,
        &Policy::parse("sp:a or sp:b").unwrap(),
        b"id",
        b"",
        b"x",
        &mut rng,
    )
    .unwrap();
    assert_eq!(splice(&cheap), Ok(1));
    let big = names("sp", 62).join(" or ");
    let costly = seal(
        pk,
        &Policy::parse(&big).unwrap(),
        b"id",
        b"",
        b"x",
        &mut rng,
    )
    .unwrap();
    assert_eq!(
        splice(&costly),
        Err(Error::LimitExceeded(LimitKind::PolicyCost))
    );
}
