//! FAME points: the injectivity and attack tests of DESIGN §2, validity, and the caches.

use std::sync::Arc;

use ark_bls12_381::{Fr, G1Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::PrimeField;
use ark_serialize::CanonicalSerialize;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

use core::num::NonZeroU32;

use crate::hash::points::{
    attribute_cache_len, attribute_input, column_input, compute, versioned_attribute_input,
};
use crate::hash::{attribute_points, column_points, hash_to_g1, AttributePoints, DST_FAME_G1};

/// Names that break FAME implementations with non-injective or known-dlog hashing, plus
/// edge cases: the `"01"` of Charm/rabe, the `"0 0"` of GoFE, the empty name, a name
/// longer than the cache bound, non-ASCII in two Unicode normal forms, a name whose bytes
/// are exactly a column input, and one whose bytes are another attribute's whole input.
fn tricky_attributes() -> Vec<String> {
    let column_bytes = column_input(1, 1, 1).to_vec();
    let attribute_bytes = attribute_input("0", 1, 1);
    vec![
        "01".to_owned(),
        "0 0".to_owned(),
        "0".to_owned(),
        "00".to_owned(),
        String::new(),
        "doctor:cardiology".to_owned(),
        "x".repeat(5000),
        "médecin:cardiologie".to_owned(),
        "me\u{301}decin:cardiologie".to_owned(),
        "患者:心臓".to_owned(),
        String::from_utf8(column_bytes).unwrap(),
        String::from_utf8(attribute_bytes).unwrap(),
    ]
}

fn all(points: &AttributePoints) -> impl Iterator<Item = G1Affine> + '_ {
    points.points.iter().flatten().copied()
}

fn assert_valid(p: &G1Affine) {
    assert!(!p.is_zero(), "a hash point is the identity");
    assert!(p.is_on_curve());
    assert!(p.is_in_correct_subgroup_assuming_on_curve());
}

#[test]
fn attribute_and_column_points_are_all_distinct_and_valid() {
    let mut seen: Vec<G1Affine> = Vec::new();
    let attributes = tricky_attributes();
    for y in &attributes {
        seen.extend(all(&attribute_points(y, 0)));
    }
    // Columns 0..=8 and those whose j32 spells ASCII "01"/"0 0" (the concatenation attack
    // made a column input out of such digits).
    for j in (0..=8).chain([0x3031, 0x0030_2030, u32::MAX]) {
        seen.extend(all(&column_points(j)));
    }
    assert_eq!(seen.len(), 6 * (attributes.len() + 12));
    for (i, p) in seen.iter().enumerate() {
        assert_valid(p);
        assert!(!seen[i + 1..].contains(p), "hash point {i} repeats");
    }
}

#[test]
fn points_are_h1_of_the_documented_bytes() {
    // W("01", l, t) = H1(0x01 ‖ l ‖ t ‖ 00 00 00 02 ‖ "01"); U(3, l, t) = H1(0x02 ‖ l ‖ t ‖ 00 00 00 03).
    let w = attribute_points("01", 0);
    let u = column_points(3);
    for l in 1..=3u8 {
        for t in 1..=2u8 {
            let (li, ti) = (usize::from(l - 1), usize::from(t - 1));
            let w_bytes = [1, l, t, 0, 0, 0, 2, b'0', b'1'];
            let u_bytes = [2, l, t, 0, 0, 0, 3];
            assert_eq!(w.points[li][ti], hash_to_g1(DST_FAME_G1, &w_bytes).unwrap());
            assert_eq!(u.points[li][ti], hash_to_g1(DST_FAME_G1, &u_bytes).unwrap());
        }
    }
}

#[test]
fn points_do_not_have_the_discrete_logs_of_known_answer_hashes() {
    // rabe's "hash" is g^SHA3(x); check the obvious variants of g^H(x) for our inputs.
    let g = G1Affine::generator();
    for y in ["01", "doctor:cardiology"] {
        let w = attribute_points(y, 0);
        for input in [y.as_bytes().to_vec(), attribute_input(y, 1, 1)] {
            let h = Fr::from_be_bytes_mod_order(&Sha256::digest(&input));
            let known = (g * h).into_affine();
            assert!(all(&w).all(|p| p != known));
        }
    }
}

#[test]
fn w_changes_with_the_name_l_and_t_and_unicode_forms_are_distinct_names() {
    let nfc = attribute_points("médecin:cardiologie", 0);
    let nfd = attribute_points("me\u{301}decin:cardiologie", 0);
    assert_ne!(
        nfc, nfd,
        "the policy layer normalises; this layer hashes bytes"
    );
    let pts: Vec<G1Affine> = all(&nfc).collect();
    for (i, p) in pts.iter().enumerate() {
        assert!(!pts[i + 1..].contains(p));
    }
}

#[test]
fn drift_vectors_of_this_format_version() {
    // Computed by this implementation when the V01 format was fixed; a change here
    // breaks every existing key and record.
    let w = attribute_points("doctor:cardiology", 0);
    let u = column_points(1);
    let hex = |p: &G1Affine| {
        let mut out = Vec::new();
        p.serialize_compressed(&mut out).unwrap();
        hex::encode(out)
    };
    assert_eq!(hex(&w.points[0][0]), W_DOCTOR_CARDIOLOGY_1_1);
    assert_eq!(hex(&u.points[2][1]), U_1_3_2);
}

const W_DOCTOR_CARDIOLOGY_1_1: &str = "987f50b87a066751a892ea4e0d95cefff50c977572a855e9e6eef19677256ea9f786198f71863a1e5f10b6c11fe06633";
const U_1_3_2: &str = "8854a4d57544d586485705ca9f59c42d2796cee89f771dbdbf1f691234259124a1e543ce03d5aa6e0885ec3b82254a87";

#[test]
fn caches_return_the_same_points() {
    let a = attribute_points("cache:test", 0);
    let b = attribute_points("cache:test", 0);
    assert!(Arc::ptr_eq(&a, &b));
    assert!(attribute_cache_len() >= 1);
    let c = column_points(2);
    assert!(Arc::ptr_eq(&c, &column_points(2)));
    // Beyond the bounds: recomputed each time, still equal.
    let long = "y".repeat(2000);
    let (l1, l2) = (attribute_points(&long, 0), attribute_points(&long, 0));
    assert!(!Arc::ptr_eq(&l1, &l2));
    assert_eq!(l1, l2);
    let (c1, c2) = (column_points(4097), column_points(4097));
    assert!(!Arc::ptr_eq(&c1, &c2));
    assert_eq!(c1, c2);
}

#[test]
fn concurrent_misses_agree() {
    let handles: Vec<_> = (0..4)
        .map(|_| std::thread::spawn(|| attribute_points("cache:concurrent", 0)))
        .collect();
    let got: Vec<Arc<AttributePoints>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let cached = attribute_points("cache:concurrent", 0);
    for g in &got {
        assert_eq!(**g, *cached);
    }
}

/// `docs/revocation-v3.md` §3.1: version 0 is v2's hash (domain 0x01, the drift vector
/// above), version 1 is domain 0x03 with `00 00 00 01` at offset 3, the two differ, both
/// are cached under their own (name, version) key, and no domain-0x03 input holds
/// `00 00 00 00` at offset 3 (its builder takes only a `NonZeroU32`).
#[test]
fn version_zero_is_the_v2_hash_and_never_domain_3() {
    let y = "doctor:cardiology";
    let v0 = attribute_points(y, 0);
    let v1 = attribute_points(y, 1);
    assert_eq!(*v0, compute(|l, t| attribute_input(y, l, t)));
    let mut w0 = Vec::new();
    v0.points[0][0].serialize_compressed(&mut w0).unwrap();
    assert_eq!(
        hex::encode(w0),
        W_DOCTOR_CARDIOLOGY_1_1,
        "v = 0 is v2's point"
    );
    let one = NonZeroU32::MIN;
    for l in 1..=3u8 {
        for t in 1..=2u8 {
            let (li, ti) = (usize::from(l - 1), usize::from(t - 1));
            let mut bytes = vec![3, l, t, 0, 0, 0, 1, 0, 0, 0, 17];
            bytes.extend_from_slice(y.as_bytes());
            assert_eq!(versioned_attribute_input(y, one, l, t), bytes);
            assert_eq!(v1.points[li][ti], hash_to_g1(DST_FAME_G1, &bytes).unwrap());
            assert_eq!(
                v0.points[li][ti],
                hash_to_g1(DST_FAME_G1, &attribute_input(y, l, t)).unwrap()
            );
        }
    }
    let mut points: Vec<G1Affine> = all(&v0).chain(all(&v1)).collect();
    points.extend(all(&attribute_points(y, 2)));
    points.extend(all(&attribute_points(y, u32::MAX)));
    for (i, p) in points.iter().enumerate() {
        assert!(
            !points[i + 1..].contains(p),
            "point {i} repeats across versions"
        );
    }
    // Cached by (name, version): each version hits its own entry.
    assert!(Arc::ptr_eq(&v0, &attribute_points(y, 0)));
    assert!(Arc::ptr_eq(&v1, &attribute_points(y, 1)));
    // No 0x03 input is a version-0 input.
    for v in [1, 2, 0xff, 0x100, 0x1_0000, 0x100_0000, u32::MAX] {
        let v = NonZeroU32::new(v).unwrap();
        for y in ["", "0", "a@1", &"x".repeat(300)] {
            let input = versioned_attribute_input(y, v, 1, 2);
            assert_eq!(input[0], 0x03);
            assert_ne!(input[3..7], [0, 0, 0, 0]);
            assert_eq!(input[3..7], v.get().to_be_bytes());
        }
    }
}

/// Parses an attribute-point input back into (y, l, t): the encoding is injective because
/// this inverse exists.
fn parse_attribute_input(input: &[u8]) -> Option<(&[u8], u8, u8)> {
    let (&[tag, l, t, a, b, c, d], y) = input.split_first_chunk::<7>()?;
    (tag == 1 && u32::from_be_bytes([a, b, c, d]) as usize == y.len()).then_some((y, l, t))
}

proptest! {
    #[test]
    fn attribute_inputs_parse_back(y in ".*", l in 1u8..=3, t in 1u8..=2) {
        let input = attribute_input(&y, l, t);
        prop_assert_eq!(parse_attribute_input(&input), Some((y.as_bytes(), l, t)));
        prop_assert_ne!(input.first().copied(), column_input(1, l, t).first().copied());
    }

    #[test]
    fn distinct_tuples_give_distinct_inputs(
        y1 in "[0 1]{0,4}", l1 in 1u8..=3, t1 in 1u8..=2,
        y2 in "[0 1]{0,4}", l2 in 1u8..=3, t2 in 1u8..=2,
        j1 in 0u32..70000, j2 in 0u32..70000,
    ) {
        let same_w = (y1.as_str(), l1, t1) == (y2.as_str(), l2, t2);
        prop_assert_eq!(attribute_input(&y1, l1, t1) == attribute_input(&y2, l2, t2), same_w);
        let same_u = (j1, l1, t1) == (j2, l2, t2);
        prop_assert_eq!(column_input(j1, l1, t1) == column_input(j2, l2, t2), same_u);
        prop_assert_ne!(attribute_input(&y1, l1, t1), column_input(j1, l2, t2).to_vec());
    }

    /// The three domains never meet, and a versioned input determines (y, v, l, t).
    #[test]
    fn versioned_inputs_are_injective_and_apart(
        y1 in "[0 1@]{0,4}", v1 in 1u32.., l1 in 1u8..=3, t1 in 1u8..=2,
        y2 in "[0 1@]{0,4}", v2 in 1u32.., l2 in 1u8..=3, t2 in 1u8..=2,
        j in 0u32..70000,
    ) {
        let (n1, n2) = (NonZeroU32::new(v1).unwrap(), NonZeroU32::new(v2).unwrap());
        let a = versioned_attribute_input(&y1, n1, l1, t1);
        let b = versioned_attribute_input(&y2, n2, l2, t2);
        prop_assert_eq!(a == b, (y1.as_str(), v1, l1, t1) == (y2.as_str(), v2, l2, t2));
        prop_assert_ne!(&a, &attribute_input(&y2, l2, t2));
        prop_assert_ne!(a, column_input(j, l2, t2).to_vec());
    }
}
