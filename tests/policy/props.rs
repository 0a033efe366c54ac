//! Property tests of the policy language and its LSSS compilation.
//!
//! Random policy trees (3+-way ANDs, ORs, nested thresholds, mixed, odd quoted
//! attribute names) and random attribute sets check, against an independent
//! evaluator and an independent linear-algebra rank test over Z_p:
//! * `reconstruct` is `Some` iff `is_satisfied_by` iff the tree is satisfied, and then
//!   Σ γ_i·M_i = (1, 0, …, 0) exactly, every γ_i ≠ 0, only held rows are used, and for
//!   AND/OR-only policies every γ_i = 1;
//! * when not satisfied, (1, 0, …, 0) is not in the span of the held rows (the LSSS
//!   really hides the secret from an unauthorised set);
//! * parse/display and `from_bytes`/`to_bytes` round trips, and `from_bytes` rejects
//!   non-canonical spellings;
//! * random bytes and strings never panic.

#![allow(clippy::unwrap_used)]

use crate::common::policy_shapes::{shapes, Shape};
use ark_bls12_381::Fr;
use ark_ff::{Field, One, Zero};
use cipherchart::{Attribute, Policy, PolicyNode};
use cipherchart::{EncodingError, Error};
use proptest::prelude::*;

fn shape() -> impl Strategy<Value = Shape> {
    shapes(4, 32, 4)
}

/// The attribute of leaf `i`: mostly bare names, with odd ones that must be quoted
/// when `odd` is set.
fn name(i: usize, odd: bool) -> String {
    if !odd {
        return format!("ns{}:v{i}", i % 3);
    }
    match i % 7 {
        0 => format!("0 {i}"),
        1 => format!("0{i}"),
        2 => format!("Ärztin{i}"),
        3 => format!("a:b:{i}"),
        4 => format!("q\"{i}\\"),
        5 => format!("and {i} or"),
        _ => format!("role:r{i}"),
    }
}

fn build(shape: &Shape, next: &mut usize, odd: bool) -> PolicyNode {
    let kids =
        |c: &[Shape], next: &mut usize| c.iter().map(|s| build(s, next, odd)).collect::<Vec<_>>();
    match shape {
        Shape::Leaf => {
            *next += 1;
            PolicyNode::Leaf(Attribute::new(&name(*next - 1, odd)).unwrap())
        }
        Shape::And(c) => PolicyNode::And(kids(c, next)),
        Shape::Or(c) => PolicyNode::Or(kids(c, next)),
        Shape::Threshold(k, c) => PolicyNode::Threshold {
            k: 1 + k % c.len(),
            children: kids(c, next),
        },
    }
}

/// The expected canonical tree: same-operator nesting flattened.
fn canonical(node: &PolicyNode) -> PolicyNode {
    let flat = |children: &[PolicyNode], same: fn(&PolicyNode) -> bool| {
        let mut out = Vec::new();
        for c in children.iter().map(canonical) {
            match c {
                PolicyNode::And(g) | PolicyNode::Or(g) if same(&c) => out.extend(g),
                other => out.push(other),
            }
        }
        out
    };
    match node {
        PolicyNode::And(c) => PolicyNode::And(flat(c, |n| matches!(n, PolicyNode::And(_)))),
        PolicyNode::Or(c) => PolicyNode::Or(flat(c, |n| matches!(n, PolicyNode::Or(_)))),
        PolicyNode::Threshold { k, children } => PolicyNode::Threshold {
            k: *k,
            children: children.iter().map(canonical).collect(),
        },
        other => other.clone(),
    }
}

/// Independent satisfaction check on the tree.
fn eval(node: &PolicyNode, held: &[String]) -> bool {
    match node {
        PolicyNode::Leaf(a) => held.iter().any(|h| h == a.as_str()),
        PolicyNode::And(c) => c.iter().all(|n| eval(n, held)),
        PolicyNode::Or(c) => c.iter().any(|n| eval(n, held)),
        PolicyNode::Threshold { k, children } => {
            children.iter().filter(|n| eval(n, held)).count() >= *k
        }
        _ => unreachable!("unknown node kind"),
    }
}

/// Whether the tree has a genuine threshold (1 < k < n), the only gates whose
/// coefficients are not 1.
fn has_genuine_threshold(node: &PolicyNode) -> bool {
    match node {
        PolicyNode::Threshold { k, children } => {
            (*k > 1 && *k < children.len()) || children.iter().any(has_genuine_threshold)
        }
        PolicyNode::And(c) | PolicyNode::Or(c) => c.iter().any(has_genuine_threshold),
        _ => false,
    }
}

/// Rank of a matrix over Z_p by Gaussian elimination.
fn rank(mut rows: Vec<Vec<Fr>>) -> usize {
    let columns = rows.first().map_or(0, Vec::len);
    let mut rank = 0;
    for col in 0..columns {
        let Some(pivot) = (rank..rows.len()).find(|&r| !rows[r][col].is_zero()) else {
            continue;
        };
        rows.swap(rank, pivot);
        let inv = rows[rank][col].inverse().unwrap();
        let pivot_row: Vec<Fr> = rows[rank].iter().map(|x| *x * inv).collect();
        for (r, row) in rows.iter_mut().enumerate() {
            if r != rank && !row[col].is_zero() {
                let factor = row[col];
                for (x, p) in row.iter_mut().zip(&pivot_row) {
                    *x -= factor * p;
                }
            }
        }
        rows[rank] = pivot_row;
        rank += 1;
    }
    rank
}

fn unit(columns: usize) -> Vec<Fr> {
    let mut t = vec![Fr::zero(); columns];
    t[0] = Fr::one();
    t
}

/// A random tree plus a random subset of its leaves (and some foreign attributes).
fn policy_and_set(odd: bool) -> impl Strategy<Value = (PolicyNode, Vec<String>)> {
    (shape(), prop::collection::vec(any::<bool>(), 64), 0usize..3).prop_map(
        move |(s, mask, extra)| {
            let mut next = 0;
            let node = build(&s, &mut next, odd);
            let mut held: Vec<String> = (0..next)
                .filter(|&i| mask[i % 64])
                .map(|i| name(i, odd))
                .collect();
            held.extend((0..extra).map(|i| format!("other:{i}")));
            held.reverse();
            (node, held)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn reconstruction_matches_satisfaction((node, held) in policy_and_set(true)) {
        let policy = Policy::parse(&node.to_string()).unwrap();
        let m = policy.lsss();
        let expected = eval(&node, &held);
        prop_assert_eq!(policy.is_satisfied_by(&held), expected);
        prop_assert_eq!(m.is_satisfied_by(&held), expected);
        let held_rows: Vec<usize> = (0..m.rows()).filter(|&i| held.iter().any(|h| h == m.rho(i).as_str())).collect();
        let span = |extra: Option<Vec<Fr>>| {
            let mut rows: Vec<Vec<Fr>> = held_rows.iter().map(|&i| m.row(i).to_vec()).collect();
            rows.extend(extra);
            rank(rows)
        };
        let in_span = span(None) == span(Some(unit(m.columns())));
        // The LSSS is correct and sound: exactly the authorised sets span (1,0,…,0).
        prop_assert_eq!(in_span, expected);
        match m.reconstruct(&held) {
            None => prop_assert!(!expected),
            Some(gamma) => {
                prop_assert!(expected);
                let mut sum = vec![Fr::zero(); m.columns()];
                for (i, g) in &gamma {
                    prop_assert!(held_rows.contains(i));
                    prop_assert!(!g.is_zero());
                    for (s, e) in sum.iter_mut().zip(m.row(*i)) {
                        *s += *g * e;
                    }
                }
                prop_assert_eq!(sum, unit(m.columns()));
                prop_assert!(gamma.windows(2).all(|w| w[0].0 < w[1].0));
                if !has_genuine_threshold(&node) {
                    prop_assert!(gamma.iter().all(|(_, g)| g.is_one()));
                }
            }
        }
    }

    #[test]
    fn matrix_shape((node, _held) in policy_and_set(true)) {
        let policy = Policy::parse(&node.to_string()).unwrap();
        let m = policy.lsss();
        prop_assert_eq!(m.rows(), policy.attributes().len());
        prop_assert!(m.columns() >= 1 && m.columns() <= m.rows());
        for i in 0..m.rows() {
            prop_assert_eq!(m.rho(i), &policy.attributes()[i]);
            prop_assert_eq!(m.row(i).len(), m.columns());
            for (j, e) in m.row(i).iter().enumerate() {
                if let Some(v) = m.small_entry(i, j) {
                    prop_assert_eq!(*e, Fr::from(v));
                }
                if !has_genuine_threshold(&node) {
                    prop_assert!(matches!(m.small_entry(i, j), Some(-1..=1)));
                }
            }
        }
        // Deterministic: parsing again compiles the same matrix.
        let again = Policy::parse(&node.to_string()).unwrap();
        prop_assert_eq!(again.lsss(), m);
    }

    #[test]
    fn text_round_trips((node, _held) in policy_and_set(true)) {
        let policy = Policy::parse(&node.to_string()).unwrap();
        prop_assert_eq!(policy.root(), &canonical(&node));
        let text = policy.to_string();
        prop_assert_eq!(Policy::parse(&text).unwrap(), policy.clone());
        prop_assert_eq!(policy.root().to_string(), text.clone());
        prop_assert_eq!(Policy::from_bytes(&policy.to_bytes()).unwrap(), policy.clone());
        prop_assert_eq!(policy.to_bytes(), text.into_bytes());
        let leaves: Vec<&str> = policy.attributes().iter().map(Attribute::as_str).collect();
        let mut expected = Vec::new();
        collect_leaves(&node, &mut expected);
        prop_assert_eq!(leaves, expected);
    }

    #[test]
    fn from_bytes_rejects_non_canonical((node, _held) in policy_and_set(false), pick in any::<prop::sample::Index>(), kind in 0usize..4) {
        let policy = Policy::parse(&node.to_string()).unwrap();
        let text = policy.to_string();
        // Bare names only, so every space and parenthesis is syntax.
        let mutated = match kind {
            0 => format!("({text})"),
            1 => format!(" {text}"),
            2 => format!("{text}\n"),
            _ => {
                let spots: Vec<usize> = text.match_indices([' ', '(']).map(|(i, _)| i + 1).collect();
                if spots.is_empty() {
                    format!("{text} ")
                } else {
                    let at = spots[pick.index(spots.len())];
                    format!("{} {}", &text[..at], &text[at..])
                }
            }
        };
        prop_assert_eq!(Policy::parse(&mutated).unwrap(), policy);
        prop_assert_eq!(
            Policy::from_bytes(mutated.as_bytes()),
            Err(Error::InvalidEncoding(EncodingError::NonCanonical))
        );
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = Policy::from_bytes(&bytes);
        if let Ok(text) = core::str::from_utf8(&bytes) {
            check_any_text(text)?;
        }
    }

    #[test]
    fn random_strings_never_panic(text in "\\PC{0,80}") {
        check_any_text(&text)?;
    }

    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(prop_oneof![
        Just("("), Just(")"), Just(","), Just(" and "), Just(" or "), Just(" of "), Just("2"), Just("1"),
        Just("0"), Just("a:1"), Just("b:2"), Just("c:3"), Just("\"x y\""), Just("\""), Just("\\"), Just(" "),
        Just("A\u{308}"), Just("\u{202e}"), Just("AND"), Just("d:4"), Just("e:5"),
    ], 0..40)) {
        check_any_text(&tokens.concat())?;
    }
}

fn collect_leaves<'a>(node: &'a PolicyNode, out: &mut Vec<&'a str>) {
    match node {
        PolicyNode::Leaf(a) => out.push(a.as_str()),
        PolicyNode::And(c) | PolicyNode::Or(c) | PolicyNode::Threshold { children: c, .. } => {
            c.iter().for_each(|n| collect_leaves(n, out))
        }
        _ => unreachable!("unknown node kind"),
    }
}

/// Parsing any text either fails with a typed error or yields a policy whose
/// canonical text round-trips.
fn check_any_text(text: &str) -> Result<(), TestCaseError> {
    match Policy::parse(text) {
        Ok(policy) => {
            let canonical = policy.to_string();
            prop_assert_eq!(
                Policy::from_bytes(canonical.as_bytes()).unwrap(),
                policy.clone()
            );
            prop_assert_eq!(
                Policy::from_bytes(text.as_bytes()).is_ok(),
                canonical == text
            );
            let all: Vec<&str> = policy.attributes().iter().map(Attribute::as_str).collect();
            prop_assert!(policy.lsss().reconstruct(&all).is_some());
        }
        Err(Error::PolicySyntax(e)) => prop_assert!(e.position <= text.len() * 3 + 3),
        Err(Error::PolicyInvalid(_) | Error::LimitExceeded(_) | Error::InvalidAttribute) => {}
        Err(other) => prop_assert!(false, "unexpected error {other:?}"),
    }
    Ok(())
}
