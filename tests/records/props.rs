//! Property tests of sealed records: for random policies (3+-term ANDs, ORs, nested
//! k-of-n thresholds, mixed) over a small attribute universe and random attribute sets,
//! `open` succeeds iff the key's attributes satisfy the policy, and then returns the
//! exact payload; otherwise it fails with exactly `Error::PolicyNotSatisfied`.
//!
//! Satisfaction is also checked against an independent evaluator of the generated tree,
//! so a bug shared by `is_satisfied_by` and `open` would still show.
//!
//! Cost: keys are cached per attribute subset (keygen is ~10 ms per attribute) and
//! one authority serves every case; proptest runs a fixed, seeded number of cases.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::common::policy_shapes::{shapes, Shape};
use cipherchart::{seal, Authority, Error, Policy, SealedRecord, UserKey};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// The attribute universe: bare names and names that must be quoted (including ones
/// that look like the internal hash tags).
const UNIVERSE: [&str; 7] = [
    "role:physician",
    "dept:cardiology",
    "patient:42",
    "ward:icu",
    "hospital:h1",
    "Ärztin",
    "01",
];

fn authority() -> &'static Authority {
    static AUTHORITY: OnceLock<Authority> = OnceLock::new();
    AUTHORITY.get_or_init(|| Authority::setup(&mut ChaCha20Rng::seed_from_u64(0xA11CE)))
}

/// The key for the attribute subset `mask` of [`UNIVERSE`] (bit i = `UNIVERSE[i]`),
/// issued once and cached.
fn key(mask: u8) -> Arc<UserKey> {
    static KEYS: OnceLock<Mutex<HashMap<u8, Arc<UserKey>>>> = OnceLock::new();
    let keys = KEYS.get_or_init(Default::default);
    if let Some(k) = keys.lock().unwrap().get(&mask) {
        return Arc::clone(k);
    }
    let mut attrs = attributes(mask);
    if attrs.is_empty() {
        // Keys need an attribute: the empty subset gets an unrelated one.
        attrs.push("other:unrelated");
    }
    let mut rng = ChaCha20Rng::seed_from_u64(0x5EED_0000 + u64::from(mask));
    let k = Arc::new(authority().issue_key(&attrs, &mut rng).unwrap());
    keys.lock().unwrap().entry(mask).or_insert(k).clone()
}

fn attributes(mask: u8) -> Vec<&'static str> {
    UNIVERSE
        .iter()
        .enumerate()
        .filter(|(i, _)| mask >> i & 1 == 1)
        .map(|(_, a)| *a)
        .collect()
}

fn shape() -> impl Strategy<Value = Shape> {
    shapes(3, 7, 4).prop_filter("3..=7 leaves", |s| {
        (3..=UNIVERSE.len()).contains(&s.leaves())
    })
}

/// Writes the policy text of `shape` (fully parenthesised: the parser must accept it
/// and canonicalise), taking leaf attributes from `names` in order.
fn text(shape: &Shape, names: &mut dyn Iterator<Item = &'static str>) -> String {
    let join = |c: &[Shape], sep: &str, names: &mut dyn Iterator<Item = &'static str>| {
        c.iter()
            .map(|s| format!("({})", text(s, names)))
            .collect::<Vec<_>>()
            .join(sep)
    };
    match shape {
        Shape::Leaf => {
            let name = names.next().unwrap();
            if name.contains(':') {
                name.to_owned()
            } else {
                format!("\"{name}\"")
            }
        }
        Shape::And(c) => join(c, " and ", names),
        Shape::Or(c) => join(c, " or ", names),
        Shape::Threshold(k, c) => format!("{} of ({})", 1 + k % c.len(), join(c, ", ", names)),
    }
}

/// The independent evaluator: whether `held` satisfies `shape` with leaves named from
/// `names` in order.
fn satisfied(shape: &Shape, names: &mut dyn Iterator<Item = &'static str>, held: &[&str]) -> bool {
    let count = |c: &[Shape], names: &mut dyn Iterator<Item = &'static str>| {
        // Evaluate every child (no short circuit) so leaf names stay aligned.
        c.iter()
            .map(|s| satisfied(s, names, held))
            .filter(|b| *b)
            .count()
    };
    match shape {
        Shape::Leaf => held.contains(&names.next().unwrap()),
        Shape::And(c) => count(c, names) == c.len(),
        Shape::Or(c) => count(c, names) >= 1,
        Shape::Threshold(k, c) => count(c, names) > k % c.len(),
    }
}

fn config() -> Config {
    Config {
        cases: 40,
        rng_seed: RngSeed::Fixed(0x00C0_FFEE),
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn open_succeeds_iff_the_policy_is_satisfied(
        shape in shape(),
        order in Just((0..UNIVERSE.len()).collect::<Vec<_>>()).prop_shuffle(),
        masks in prop::collection::vec(any::<u8>(), 3),
        payload in prop::collection::vec(any::<u8>(), 0..64),
        drop in 0..UNIVERSE.len(),
        seed in any::<u64>(),
    ) {
        let names: Vec<&'static str> = order.iter().map(|&i| UNIVERSE[i]).collect();
        let policy = Policy::parse(&text(&shape, &mut names.iter().copied())).unwrap();
        let pk = authority().public_key();
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let sealed = seal(pk, &policy, b"rec", b"meta", &payload, &mut rng).unwrap();
        // Decoding must not change what opens.
        let sealed = SealedRecord::from_bytes(&sealed.to_bytes()).unwrap();
        let full = (1u8 << UNIVERSE.len()) - 1;
        // Random sets, everything, everything but one attribute (one short of an AND),
        // and a single attribute.
        let near = full & !(1 << drop);
        for mask in masks.iter().map(|m| m & full).chain([full, near, 0b1]) {
            let held = attributes(mask);
            let expected = satisfied(&shape, &mut names.iter().copied(), &held);
            prop_assert_eq!(policy.is_satisfied_by(&held), expected, "{} / {:?}", policy, held);
            let opened = key(mask).open(pk, &sealed);
            if expected {
                prop_assert_eq!(opened, Ok(payload.clone()), "{} / {:?}", policy, held);
            } else {
                prop_assert_eq!(opened, Err(Error::PolicyNotSatisfied), "{} / {:?}", policy, held);
            }
        }
    }
}
