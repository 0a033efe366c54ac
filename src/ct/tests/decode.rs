//! Constant-time decoding of compressed points against arkworks' validating decoder:
//! the same points from valid encodings, the same accept/reject decision on invalid
//! ones (bad flags, x ≥ q, x off the curve, points outside the subgroup), and the
//! square roots and subgroup tests on their own.

use ark_bls12_381::{Fq, Fq2, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{AdditiveGroup, Field, PrimeField, UniformRand};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::ct::compress::decode::{
    fq2_sqrt, fq_sqrt, g1_decompress, g1_in_subgroup, g2_decompress, g2_in_subgroup,
};
use crate::ct::curve::{CtPoint, G1Curve, G2Curve};
use crate::ct::fields::{fq2_from_ct, fq2_to_ct, fq_from_ct, fq_to_ct};
use crate::ct::{SecretG1, SecretG2};

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(0xDEC0DE)
}

fn enc<T: CanonicalSerialize, const N: usize>(p: &T) -> [u8; N] {
    let mut out = [0u8; N];
    p.serialize_compressed(&mut out[..]).unwrap_or_default();
    out
}

/// arkworks' verdict and ours agree; when valid, the points agree too.
fn agree_g1(bytes: &[u8; 48]) -> bool {
    let ark = G1Affine::deserialize_compressed(&bytes[..]);
    let d = g1_decompress(bytes);
    let (p, ok) = (d.point, d.valid);
    assert_eq!(ark.is_ok(), bool::from(ok), "G1 verdict for {bytes:02x?}");
    if let Ok(a) = ark {
        assert_eq!(p.to_affine(), a);
        let s = SecretG1::from_compressed(bytes).map(|s| s.to_affine_secret());
        assert_eq!(s, Some(a));
    } else {
        assert!(SecretG1::from_compressed(bytes).is_none());
    }
    ark.is_ok()
}

fn agree_g2(bytes: &[u8; 96]) -> bool {
    let ark = G2Affine::deserialize_compressed(&bytes[..]);
    let d = g2_decompress(bytes);
    let (p, ok) = (d.point, d.valid);
    assert_eq!(ark.is_ok(), bool::from(ok), "G2 verdict for {bytes:02x?}");
    if let Ok(a) = ark {
        assert_eq!(p.to_affine(), a);
        let s = SecretG2::from_compressed(bytes).map(|s| s.to_affine_secret());
        assert_eq!(s, Some(a));
    } else {
        assert!(SecretG2::from_compressed(bytes).is_none());
    }
    ark.is_ok()
}

#[test]
fn square_roots_agree_with_arkworks() {
    let mut r = rng();
    for i in 0..64 {
        let a = if i == 0 { Fq::ZERO } else { Fq::rand(&mut r) };
        let (y, ok) = fq_sqrt(&fq_to_ct(a));
        assert_eq!(bool::from(ok), a.sqrt().is_some());
        if bool::from(ok) {
            assert_eq!(fq_from_ct(y).square(), a);
        }
    }
    // Random elements, elements of F_q (α = −1 when not a square there: the u·x0
    // branch), −1 (root u) and zero.
    let mut cases: Vec<Fq2> = (0..48).map(|_| Fq2::rand(&mut r)).collect();
    cases.extend((0..16).map(|_| Fq2::new(Fq::rand(&mut r), Fq::ZERO)));
    cases.push(-Fq2::ONE);
    cases.push(Fq2::ZERO);
    cases.push(Fq2::new(Fq::ZERO, Fq::rand(&mut r)));
    let mut seen_alpha_minus_one = false;
    for a in cases {
        let (y, ok) = fq2_sqrt(&fq2_to_ct(a));
        assert_eq!(bool::from(ok), a.sqrt().is_some(), "Fq2 sqrt verdict");
        if bool::from(ok) {
            assert_eq!(fq2_from_ct(y).square(), a);
        }
        seen_alpha_minus_one |= a.c1 == Fq::ZERO && a.c0.sqrt().is_none();
    }
    assert!(seen_alpha_minus_one);
}

#[test]
fn valid_encodings_decode_like_arkworks() {
    let mut r = rng();
    for _ in 0..24 {
        let p = G1Projective::rand(&mut r).into_affine();
        assert!(agree_g1(&enc(&p)));
        assert!(agree_g1(&enc(&-p)));
    }
    for _ in 0..8 {
        let p = G2Projective::rand(&mut r).into_affine();
        assert!(agree_g2(&enc(&p)));
        assert!(agree_g2(&enc(&-p)));
    }
    // The generators and the identities.
    assert!(agree_g1(&enc(&G1Affine::generator())));
    assert!(agree_g2(&enc(&G2Affine::generator())));
    let o1: [u8; 48] = enc(&G1Affine::zero());
    let o2: [u8; 96] = enc(&G2Affine::zero());
    assert_eq!(o1[0], 0xC0);
    assert!(agree_g1(&o1) && bool::from(g1_decompress(&o1).point.is_identity()));
    assert!(agree_g2(&o2) && bool::from(g2_decompress(&o2).point.is_identity()));
}

#[test]
fn invalid_encodings_are_rejected_like_arkworks() {
    let mut r = rng();
    let p1: [u8; 48] = enc(&G1Projective::rand(&mut r).into_affine());
    let p2: [u8; 96] = enc(&G2Projective::rand(&mut r).into_affine());

    let mut bad1: Vec<[u8; 48]> = Vec::new();
    let mut bad2: Vec<[u8; 96]> = Vec::new();
    // Compression flag cleared.
    let mut b = p1;
    b[0] &= 0x7f;
    bad1.push(b);
    let mut b = p2;
    b[0] &= 0x7f;
    bad2.push(b);
    // Infinity with the sign flag; infinity with x ≠ 0; infinity flag on a point.
    let mut b = [0u8; 48];
    b[0] = 0xE0;
    bad1.push(b);
    let mut b = [0u8; 48];
    b[0] = 0xC0;
    b[47] = 1;
    bad1.push(b);
    let mut b = p1;
    b[0] |= 0x40;
    bad1.push(b);
    let mut b = [0u8; 96];
    b[0] = 0xE0;
    bad2.push(b);
    let mut b = [0u8; 96];
    b[0] = 0xC0;
    b[95] = 1;
    bad2.push(b);
    // x = q, x = q + 1 (not canonical), in G1 and in either half of G2's x.
    let (q1, q2) = crate::ct::tests::x_at_or_above_q(p2);
    bad1.extend(q1);
    bad2.extend(q2);
    for (i, b) in bad1.iter().enumerate() {
        assert!(!agree_g1(b), "G1 case {i} must be rejected");
    }
    for (i, b) in bad2.iter().enumerate() {
        assert!(!agree_g2(b), "G2 case {i} must be rejected");
    }

    // Random x: off the curve, or on it but outside the subgroup; both signs.
    let (mut on_curve, mut off_curve) = (0, 0);
    for i in 0..48 {
        let mut b = [0u8; 48];
        r.fill_bytes(&mut b);
        b[0] = (b[0] & 0x1f) | 0x80 | if i % 2 == 0 { 0x20 } else { 0 };
        let mut x = b;
        x[0] &= 0x1f;
        let on =
            G1Affine::get_point_from_x_unchecked(Fq::from_be_bytes_mod_order(&x), false).is_some();
        assert!(!agree_g1(&b));
        if on {
            on_curve += 1;
        } else {
            off_curve += 1;
        }
    }
    assert!(on_curve > 0 && off_curve > 0);
    for i in 0..12 {
        let mut b = [0u8; 96];
        r.fill_bytes(&mut b);
        b[0] = (b[0] & 0x1f) | 0x80 | if i % 2 == 0 { 0x20 } else { 0 };
        b[48] &= 0x1f;
        assert!(!agree_g2(&b));
    }
}

#[test]
fn subgroup_checks_agree_with_arkworks() {
    let mut r = rng();
    let (mut inside, mut outside) = (0, 0);
    while inside + outside < 24 {
        let Some(p) = G1Affine::get_point_from_x_unchecked(Fq::rand(&mut r), r.next_u32() & 1 == 1)
        else {
            continue;
        };
        // Half of them cleared into the subgroup.
        let p = if (inside + outside) % 2 == 0 {
            p.clear_cofactor()
        } else {
            p
        };
        let ark = p.is_in_correct_subgroup_assuming_on_curve();
        assert_eq!(
            bool::from(g1_in_subgroup(&CtPoint::<G1Curve>::from_affine(&p))),
            ark
        );
        if ark {
            inside += 1;
        } else {
            outside += 1;
        }
    }
    assert!(inside > 0 && outside > 0);
    let (mut inside, mut outside) = (0, 0);
    while inside + outside < 8 {
        let Some(p) =
            G2Affine::get_point_from_x_unchecked(Fq2::rand(&mut r), r.next_u32() & 1 == 1)
        else {
            continue;
        };
        let p = if (inside + outside) % 2 == 0 {
            p.clear_cofactor()
        } else {
            p
        };
        let ark = p.is_in_correct_subgroup_assuming_on_curve();
        assert_eq!(
            bool::from(g2_in_subgroup(&CtPoint::<G2Curve>::from_affine(&p))),
            ark
        );
        if ark {
            inside += 1;
        } else {
            outside += 1;
        }
    }
    assert!(inside > 0 && outside > 0);
    // The curve constant is what arkworks uses.
    assert_eq!(ark_bls12_381::g1::Config::COEFF_B, Fq::from(4u64));
}
