//! The secret newtypes: hygiene (redacted Debug, zeroize, ConstantTimeEq) and their
//! operations against arkworks.

use ark_bls12_381::{Fr, G1Affine, G1Projective, G2Projective};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{Field, PrimeField, UniformRand, Zero};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::ct::{SecretBaseTable, SecretG1, SecretG2, SecretGt, SecretScalar};

#[test]
fn debug_is_redacted() {
    let s = SecretScalar::from_fr(&Fr::from(123_456_789u64));
    assert_eq!(format!("{s:?}"), "SecretScalar(..)");
    let p = SecretG1::mul_generator(&s);
    assert!(!format!("{p:?}").contains("123"));
    assert_eq!(format!("{p:?}"), "SecretPoint(..)");
    let z = SecretGt::pow_base(&ark_bls12_381::Bls12_381::pairing_generators(), &s);
    assert_eq!(format!("{z:?}"), "SecretGt(..)");
}

trait PairingGenerators {
    fn pairing_generators() -> crate::ct::secret::Gt;
}
impl PairingGenerators for ark_bls12_381::Bls12_381 {
    fn pairing_generators() -> crate::ct::secret::Gt {
        use ark_ec::pairing::Pairing;
        Self::pairing(G1Projective::generator(), G2Projective::generator())
    }
}

#[test]
fn zeroize_clears_the_value() {
    let mut s = SecretScalar::from_fr(&Fr::from(77u64));
    s.zeroize();
    assert!(bool::from(s.is_zero()));
    let mut p = SecretG1::mul_generator(&SecretScalar::from_fr(&Fr::from(5u64)));
    p.zeroize();
    assert!(p.0.x.is_zero() && p.0.y.is_zero() && p.0.z.is_zero());
}

#[test]
fn scalar_arithmetic_and_equality() {
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    for _ in 0..32 {
        let (a, b) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
        let (sa, sb) = (SecretScalar::from_fr(&a), SecretScalar::from_fr(&b));
        assert_eq!((&sa + &sb).publish_fr(), a + b);
        assert_eq!((&sa - &sb).publish_fr(), a - b);
        assert_eq!((&sa * &sb).publish_fr(), a * b);
        assert_eq!((-&sa).publish_fr(), -a);
        assert_eq!(sa.invert().publish_fr(), a.inverse().unwrap_or(Fr::zero()));
        assert!(bool::from(sa.ct_eq(&SecretScalar::from_fr(&a))));
        assert!(!bool::from(sa.ct_eq(&sb)));
        let bytes = sa.to_be_bytes();
        let back = SecretScalar::from_be_bytes(&bytes);
        assert!(back.is_some_and(|x| bool::from(x.ct_eq(&sa))));
        let mut le = *sa.to_le_bytes();
        assert!(SecretScalar::from_le_bytes(&le).is_some_and(|x| bool::from(x.ct_eq(&sa))));
        le.zeroize();
        assert_eq!(sa.to_le_bytes().to_vec(), {
            use ark_ff::BigInteger;
            a.into_bigint().to_bytes_le()
        });
    }
    assert!(bool::from(SecretScalar::zero().invert().is_zero()));
    // r is not a valid encoding.
    let mut r_be = [0u8; 32];
    {
        use ark_ff::BigInteger;
        r_be.copy_from_slice(&Fr::MODULUS.to_bytes_be());
    }
    assert!(SecretScalar::from_be_bytes(&r_be).is_none());
}

#[test]
fn random_scalars_are_reductions_of_the_rng_bytes() {
    let mut rng = ChaCha20Rng::seed_from_u64(10);
    let mut copy = rng.clone();
    let s = SecretScalar::random(&mut rng);
    let mut wide = [0u8; 64];
    rand_core::RngCore::fill_bytes(&mut copy, &mut wide);
    assert_eq!(s.publish_fr(), Fr::from_le_bytes_mod_order(&wide));
    // random_nonzero maps 0 to 1: feed it an all-zero "RNG".
    struct Zeros;
    impl rand_core::RngCore for Zeros {
        fn next_u32(&mut self) -> u32 {
            0
        }
        fn next_u64(&mut self) -> u64 {
            0
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            dest.fill(0);
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            dest.fill(0);
            Ok(())
        }
    }
    impl rand_core::CryptoRng for Zeros {}
    assert_eq!(SecretScalar::random(&mut Zeros).publish_fr(), Fr::zero());
    assert_eq!(
        SecretScalar::random_nonzero(&mut Zeros).publish_fr(),
        Fr::from(1u64)
    );
}

#[test]
fn points_and_publication() {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let (a, b) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
    let (sa, sb) = (SecretScalar::from_fr(&a), SecretScalar::from_fr(&b));
    let base = G1Projective::rand(&mut rng).into_affine();
    let p = SecretG1::mul_base(&base, &sa);
    assert_eq!(p.publish(), (base * a).into_affine());
    assert_eq!(p.mul(&sb).publish(), (base * (a * b)).into_affine());
    let q = SecretG1::mul_generator(&sb);
    assert_eq!(
        p.add(&q).publish(),
        (base * a + G1Projective::generator() * b).into_affine()
    );
    assert_eq!(
        p.add_affine(&base).publish(),
        (base * a + base).into_affine()
    );
    assert_eq!(p.neg().publish(), (-(base * a)).into_affine());
    let mm = SecretG1::multi_mul(&[base, G1Affine::generator()], &[&sa, &sb]);
    assert!(bool::from(mm.ct_eq(&p.add(&q))));
    // Batch publication, with the identity in the middle.
    let pts = [p.clone(), SecretG1::identity(), q.clone()];
    let batch = SecretG1::batch_publish(&pts);
    assert_eq!(batch, vec![p.publish(), G1Affine::zero(), q.publish()]);
    assert_eq!(SecretG1::batch_to_affine_secret(&pts), batch);
    // At rest: the same affine points, back to the same projective points, wiped on
    // request (and so on drop).
    let mut at_rest = SecretG1::batch_to_secret_affine(&pts);
    for ((r, b), p) in at_rest.iter().zip(&batch).zip(&pts) {
        assert_eq!(r.expose_secret(), b);
        assert!(bool::from(r.to_point().ct_eq(p)));
        assert!(bool::from(r.ct_eq(&p.to_secret_affine())));
    }
    at_rest[0].zeroize();
    let wiped = at_rest[0].expose_secret();
    assert!(wiped.x.is_zero() && wiped.y.is_zero());
    // Compression of a secret point equals arkworks' bytes.
    let mut expected = Vec::new();
    ark_serialize::CanonicalSerialize::serialize_compressed(&p.publish(), &mut expected)
        .unwrap_or_default();
    assert_eq!(p.to_compressed().to_vec(), expected);
    // G2 and a custom fixed-base table.
    let h = G2Projective::rand(&mut rng).into_affine();
    let t: SecretBaseTable<crate::ct::curve::G2Curve> = SecretBaseTable::new(&h);
    assert_eq!(t.mul(&sa).publish(), (h * a).into_affine());
    assert_eq!(SecretG2::mul_base(&h, &sa).publish(), (h * a).into_affine());
    assert_eq!(
        SecretG2::mul_generator(&sa).publish(),
        (G2Projective::generator() * a).into_affine()
    );
    let mut e2 = Vec::new();
    ark_serialize::CanonicalSerialize::serialize_compressed(&(h * a).into_affine(), &mut e2)
        .unwrap_or_default();
    assert_eq!(t.mul(&sa).to_compressed().to_vec(), e2);
    // Round trip through the projective form.
    let proj = G1Projective::generator() * b;
    assert!(bool::from(SecretG1::from_projective(&proj).ct_eq(&q)));
}

#[test]
fn gt_operations() {
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let f = <ark_bls12_381::Bls12_381 as PairingGenerators>::pairing_generators();
    let (a, b) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
    let (sa, sb) = (SecretScalar::from_fr(&a), SecretScalar::from_fr(&b));
    let x = SecretGt::pow_base(&f, &sa);
    assert_eq!(x.publish(), f * a);
    assert_eq!(x.pow(&sb).publish(), f * (a * b));
    let y = SecretGt::pow_base(&f, &sb);
    assert_eq!(x.mul(&y).publish(), f * (a + b));
    assert!(bool::from(x.ct_eq(&SecretGt::from_gt(&(f * a)))));
    assert!(!bool::from(x.ct_eq(&y)));
    assert_eq!(
        x.to_bytes().to_vec(),
        crate::encoding::encode_gt(&(f * a)).to_vec()
    );
}
