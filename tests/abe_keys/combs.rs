//! Review tests for the fixed-base combs of `abe::core` (commit 7146b84): per-key G2/GT
//! tables and joint (s1, s2) combs for hot header rows, built on a row's 8th use and kept
//! in a bounded LRU. Sealing and opening are the reference: `open` decrypts through the
//! pairing (independent of the combs), derives the coins and recomputes the header, so a
//! wrong comb result makes `open` fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cipherchart::{seal, Authority, Policy, SealedRecord, UserKey};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

fn and_policy(prefix: &str, n: usize) -> (Policy, Vec<String>) {
    let attrs: Vec<String> = (0..n).map(|i| format!("{prefix}:a{i}")).collect();
    (Policy::parse(&attrs.join(" and ")).unwrap(), attrs)
}

fn key(a: &Authority, attrs: &[String], rng: &mut ChaCha20Rng) -> UserKey {
    let refs: Vec<&str> = attrs.iter().map(String::as_str).collect();
    a.issue_key(&refs, rng).unwrap()
}

/// Seals `uses` records under one policy and checks every one opens (and survives a
/// wire round trip): rows used 1, 7, 8, 9 and 100 times cross the 8th-use threshold at
/// every position.
fn seal_many(authority: &Authority, policy: &Policy, k: &UserKey, uses: usize, seed: u64) {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let pk = authority.public_key();
    for n in 0..uses {
        let payload = format!("payload {n}");
        let s = seal(
            pk,
            policy,
            format!("rec-{n}").as_bytes(),
            b"m",
            payload.as_bytes(),
            &mut rng,
        )
        .unwrap();
        let back = SealedRecord::from_bytes(&s.to_bytes()).unwrap();
        assert_eq!(k.open(pk, &back).unwrap(), payload.as_bytes(), "use {n}");
    }
}

#[test]
fn rows_used_1_7_8_9_100_times_all_open() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let authority = Authority::setup(&mut rng);
    // Each test uses its own attribute prefix: the row caches are process-wide.
    for (i, uses) in [1usize, 7, 8, 9, 100].into_iter().enumerate() {
        let (policy, attrs) = and_policy(&format!("uses{i}"), 2);
        let k = key(&authority, &attrs, &mut rng);
        seal_many(&authority, &policy, &k, uses, 10 + i as u64);
    }
}

#[test]
fn every_policy_shape_and_size_opens_past_the_threshold() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let authority = Authority::setup(&mut rng);
    let texts = [
        "shape:x",
        "shape:a or shape:b",
        "shape:a and shape:b and shape:c and shape:d and shape:e",
        "2 of (shape:a, shape:f, shape:g)",
        "3 of (shape:a, shape:b, shape:c, shape:h, shape:i)",
        "(shape:a or shape:j) and (shape:k or 2 of (shape:l, shape:m, shape:n))",
    ];
    let all: Vec<String> = "abcdefghijklmnx"
        .chars()
        .map(|c| format!("shape:{c}"))
        .collect();
    let k = key(&authority, &all, &mut rng);
    for (i, text) in texts.iter().enumerate() {
        let policy = Policy::parse(text).unwrap();
        seal_many(&authority, &policy, &k, 12, 100 + i as u64);
    }
    // Large AND: 30 rows, hot after 8 uses (seal + FO recomputation count as uses).
    let (policy, attrs) = and_policy("wide", 30);
    let k = key(&authority, &attrs, &mut rng);
    seal_many(&authority, &policy, &k, 10, 200);
}

/// Two authorities, one policy, one process: each record opens only with keys of its
/// own authority, before and after the rows got hot (the row combs are shared, the key
/// tables must not be).
#[test]
fn two_authorities_same_policy_do_not_share_key_tables() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let a = Authority::setup(&mut rng);
    let b = Authority::setup(&mut rng);
    let (policy, attrs) = and_policy("twoauth", 3);
    let ka = key(&a, &attrs, &mut rng);
    let kb = key(&b, &attrs, &mut rng);
    for n in 0..12 {
        let sa = seal(a.public_key(), &policy, b"r", b"m", b"A", &mut rng).unwrap();
        let sb = seal(b.public_key(), &policy, b"r", b"m", b"B", &mut rng).unwrap();
        assert_eq!(ka.open(a.public_key(), &sa).unwrap(), b"A", "use {n}");
        assert_eq!(kb.open(b.public_key(), &sb).unwrap(), b"B", "use {n}");
        assert!(kb.open(b.public_key(), &sa).is_err(), "use {n}");
        assert!(ka.open(a.public_key(), &sb).is_err(), "use {n}");
        assert!(kb.open(a.public_key(), &sa).is_err(), "use {n}");
        assert!(ka.open(b.public_key(), &sb).is_err(), "use {n}");
    }
}

/// More public keys than the key-table cache holds (4), interleaved: evicted tables are
/// rebuilt and stay right.
#[test]
fn many_authorities_interleaved() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let auths: Vec<Authority> = (0..6).map(|_| Authority::setup(&mut rng)).collect();
    let (policy, attrs) = and_policy("manyauth", 2);
    let keys: Vec<UserKey> = auths.iter().map(|a| key(a, &attrs, &mut rng)).collect();
    for round in 0..3 {
        for (i, a) in auths.iter().enumerate() {
            let s = seal(a.public_key(), &policy, b"r", b"m", b"x", &mut rng).unwrap();
            assert_eq!(
                keys[i].open(a.public_key(), &s).unwrap(),
                b"x",
                "round {round}"
            );
            let other = (i + 1) % auths.len();
            assert!(keys[other].open(auths[other].public_key(), &s).is_err());
        }
    }
}

/// More hot rows than the row-comb LRU holds (256): 9 policies of 32 distinct rows each,
/// every row made hot, then the first policies (evicted) used again.
#[test]
fn row_comb_lru_eviction_keeps_results_right() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let authority = Authority::setup(&mut rng);
    let policies: Vec<(Policy, UserKey)> = (0..9)
        .map(|p| {
            let (policy, attrs) = and_policy(&format!("lru{p}"), 32);
            (policy, key(&authority, &attrs, &mut rng))
        })
        .collect();
    for (i, (policy, k)) in policies.iter().enumerate() {
        seal_many(&authority, policy, k, 5, 300 + i as u64);
    }
    for (i, (policy, k)) in policies.iter().enumerate().take(3) {
        seal_many(&authority, policy, k, 2, 400 + i as u64);
    }
}

/// Seals and opens from several threads at once, each with its own authority (more
/// authorities than the key-table cache holds) and a shared policy whose rows turn hot
/// while the threads race.
#[test]
fn concurrent_sealing_with_different_authorities() {
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let auths: Vec<Authority> = (0..6).map(|_| Authority::setup(&mut rng)).collect();
    let (policy, attrs) = and_policy("threads", 3);
    let keys: Vec<UserKey> = auths.iter().map(|a| key(a, &attrs, &mut rng)).collect();
    std::thread::scope(|scope| {
        for (i, (a, k)) in auths.iter().zip(&keys).enumerate() {
            let policy = &policy;
            let keys = &keys;
            scope.spawn(move || {
                let mut rng = ChaCha20Rng::seed_from_u64(600 + i as u64);
                let pk = a.public_key();
                for n in 0..10 {
                    let msg = format!("t{i} n{n}");
                    let s = seal(pk, policy, b"r", b"m", msg.as_bytes(), &mut rng).unwrap();
                    assert_eq!(k.open(pk, &s).unwrap(), msg.as_bytes());
                    let j = (i + 1) % keys.len();
                    assert!(keys[j].open(pk, &s).is_err());
                }
            });
        }
    });
}
