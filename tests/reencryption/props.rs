//! Property tests of proxy re-encryption (`docs/security.md` §3).
//!
//! Random policies on both sides (AND, OR, genuine `k of n` thresholds, nested) and
//! random attribute sets check the documented semantics of `open` on a re-encrypted
//! record: a key opens it iff its attributes satisfy the target policy `P'` **or** the
//! original policy `P` (it opens from the oldest layer it satisfies), and keys for `P` still open the
//! original record. A delegated subset `S'` that does not satisfy `P` is refused before
//! any pairing. Satisfaction is decided by an evaluator independent of the library.
//!
//! Cases are few (each one seals, re-keys, re-encrypts and opens several times, tens of
//! milliseconds of pairings): the crypto RNG of each case is a `ChaCha20Rng` seeded
//! from the case, so a failure replays exactly from proptest's regression file.

#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use crate::common::policy_shapes::{shapes, Shape};
use cipherchart::{seal, Authority, BlsSigningKey, Error, Policy, PublicKey, ReKey, UserKey};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

fn authority() -> &'static Authority {
    static AUTHORITY: OnceLock<Authority> = OnceLock::new();
    AUTHORITY.get_or_init(|| Authority::setup(&mut ChaCha20Rng::seed_from_u64(0x0004_0b0b)))
}

fn pk() -> &'static PublicKey {
    authority().public_key()
}

fn shape() -> impl Strategy<Value = Shape> {
    shapes(3, 6, 3)
}

/// A policy tree with its attributes named `prefix:i`.
#[derive(Clone, Debug)]
enum Tree {
    Leaf(String),
    And(Vec<Tree>),
    Or(Vec<Tree>),
    Threshold(usize, Vec<Tree>),
}

fn build(shape: &Shape, prefix: &str, next: &mut usize) -> Tree {
    let mut kids = |c: &[Shape]| c.iter().map(|s| build(s, prefix, next)).collect::<Vec<_>>();
    match shape {
        Shape::Leaf => {
            *next += 1;
            Tree::Leaf(format!("{prefix}:{}", *next - 1))
        }
        Shape::And(c) => Tree::And(kids(c)),
        Shape::Or(c) => Tree::Or(kids(c)),
        Shape::Threshold(k, c) => {
            let children = kids(c);
            Tree::Threshold(1 + k % children.len(), children)
        }
    }
}

/// Policy text for the tree (fully parenthesised; the parser canonicalises it).
fn text(tree: &Tree) -> String {
    let join = |c: &[Tree], sep: &str| c.iter().map(text).collect::<Vec<_>>().join(sep);
    match tree {
        Tree::Leaf(a) => a.clone(),
        Tree::And(c) => format!("({})", join(c, " and ")),
        Tree::Or(c) => format!("({})", join(c, " or ")),
        Tree::Threshold(k, c) => format!("{k} of ({})", join(c, ", ")),
    }
}

/// The independent evaluator.
fn satisfied(tree: &Tree, held: &[String]) -> bool {
    match tree {
        Tree::Leaf(a) => held.contains(a),
        Tree::And(c) => c.iter().all(|t| satisfied(t, held)),
        Tree::Or(c) => c.iter().any(|t| satisfied(t, held)),
        Tree::Threshold(k, c) => c.iter().filter(|t| satisfied(t, held)).count() >= *k,
    }
}

fn leaves(tree: &Tree, out: &mut Vec<String>) {
    match tree {
        Tree::Leaf(a) => out.push(a.clone()),
        Tree::And(c) | Tree::Or(c) | Tree::Threshold(_, c) => c.iter().for_each(|t| leaves(t, out)),
    }
}

/// The attributes of `universe` selected by the bits of `mask`, plus a filler so that
/// no key is empty.
fn pick(universe: &[String], mask: u64) -> Vec<String> {
    let mut out: Vec<String> = universe
        .iter()
        .zip(0u32..)
        .filter(|(_, i)| mask.checked_shr(*i).is_some_and(|m| m & 1 == 1))
        .map(|(a, _)| a.clone())
        .collect();
    out.push("other:filler".to_owned());
    out
}

fn issue(attributes: &[String], rng: &mut ChaCha20Rng) -> UserKey {
    authority().issue_key(attributes, rng).unwrap()
}

/// A re-key for `S' = attributes` (v2: a one-grant delegation key naming a fresh consent
/// key, where v1 restricted the delegator's user key to `S'`).
fn grant(attributes: &[String], to: &Policy, rng: &mut ChaCha20Rng) -> ReKey {
    let consent_key = BlsSigningKey::generate(rng).public_key();
    authority()
        .issue_delegation_key(attributes, &consent_key, rng)
        .unwrap()
        .rekey(pk(), to, rng)
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn opens_iff_the_target_or_the_original_policy_is_satisfied(
        old in shape(),
        new in shape(),
        delegated in any::<u64>(),
        masks in prop::collection::vec(any::<u64>(), 3),
        seed in any::<u64>(),
    ) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let old = build(&old, "old", &mut 0);
        let new = build(&new, "new", &mut 0);
        let (p, p_new) = (Policy::parse(&text(&old)).unwrap(), Policy::parse(&text(&new)).unwrap());
        let (mut old_attrs, mut new_attrs) = (Vec::new(), Vec::new());
        leaves(&old, &mut old_attrs);
        leaves(&new, &mut new_attrs);
        let record = seal(pk(), &p, b"rec", b"meta", b"payload", &mut rng).unwrap();

        // The delegator holds every attribute of P; it delegates a random subset S'.
        let delegator = issue(&old_attrs, &mut rng);
        let mut subset = pick(&old_attrs, delegated);
        subset.pop();
        if subset.is_empty() || !satisfied(&old, &subset) {
            if !subset.is_empty() {
                let rekey = grant(&subset, &p_new, &mut rng);
                prop_assert!(!rekey.can_reencrypt(&record));
                prop_assert_eq!(rekey.reencrypt(&record), Err(Error::PolicyNotSatisfied));
            }
            subset = old_attrs.clone();
        }
        let rekey = grant(&subset, &p_new, &mut rng);
        let shared = rekey.reencrypt(&record).unwrap();
        prop_assert_eq!(shared.current_policy(), &p_new);

        // Random keys over both universes, plus one key for exactly P' (a pure
        // delegatee) and the delegator itself.
        let mut universe = old_attrs.clone();
        universe.extend(new_attrs.iter().cloned());
        let mut holders: Vec<Vec<String>> = masks.iter().map(|&m| pick(&universe, m)).collect();
        holders.push(new_attrs.clone());
        for attributes in &holders {
            let key = issue(attributes, &mut rng);
            let (in_old, in_new) = (satisfied(&old, attributes), satisfied(&new, attributes));
            let expected = |ok: bool| if ok { Ok(b"payload".to_vec()) } else { Err(Error::PolicyNotSatisfied) };
            prop_assert_eq!(key.open(pk(), &shared), expected(in_old || in_new), "{:?}", attributes);
            prop_assert_eq!(key.open(pk(), &record), expected(in_old), "{:?}", attributes);
        }
        prop_assert_eq!(delegator.open(pk(), &shared), Ok(b"payload".to_vec()));
    }
}
