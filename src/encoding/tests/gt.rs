//! GT: arkworks' byte layout, canonical limbs, the order-r subgroup check (against
//! arkworks' own `f^r == 1`), the identity.

use ark_bls12_381::{Bls12_381, Fq, Fq12, Fr, G1Projective, G2Projective};
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::PrimeGroup;
use ark_ff::{BigInteger, Field, One, PrimeField, UniformRand};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Valid};

use super::{array, kind, rng, TestResult};
use crate::encoding::gt::{fq12_unchecked, in_gt};
use crate::encoding::{decode_gt, encode_gt, Reader, Writer, GT_LEN};
use crate::error::EncodingError;

type Gt = PairingOutput<Bls12_381>;

fn base() -> Gt {
    Bls12_381::pairing(G1Projective::generator(), G2Projective::generator())
}

fn ark_bytes(z: &Gt) -> Vec<u8> {
    let mut v = Vec::new();
    // Writing into a Vec cannot fail; an error would show up as a length mismatch.
    let _ = z.serialize_compressed(&mut v);
    v
}

/// arkworks' validating decoder accepts these bytes.
fn ark_accepts(b: &[u8]) -> bool {
    Gt::deserialize_compressed(b).is_ok()
}

#[test]
fn layout_is_arkworks_fq12_serialisation() -> TestResult {
    let mut r = rng(10);
    for _ in 0..4 {
        let z = base() * Fr::rand(&mut r);
        let ours = encode_gt(&z);
        assert_eq!(ark_bytes(&z), ours.to_vec());
        let mut uncompressed = Vec::new();
        let _ = z.serialize_uncompressed(&mut uncompressed);
        assert_eq!(
            uncompressed,
            ours.to_vec(),
            "compressed = uncompressed for GT"
        );
        // Coefficient 0 is c0.c0.c0, little-endian; coefficient 11 is c1.c2.c1.
        assert_eq!(ours[..48], z.0.c0.c0.c0.into_bigint().to_bytes_le()[..]);
        assert_eq!(ours[48..96], z.0.c0.c0.c1.into_bigint().to_bytes_le()[..]);
        assert_eq!(ours[96..144], z.0.c0.c1.c0.into_bigint().to_bytes_le()[..]);
        assert_eq!(ours[288..336], z.0.c1.c0.c0.into_bigint().to_bytes_le()[..]);
        assert_eq!(ours[528..], z.0.c1.c2.c1.into_bigint().to_bytes_le()[..]);
        assert_eq!(decode_gt(&ours)?, z);
        assert!(ark_accepts(&ours));
    }
    Ok(())
}

#[test]
fn round_trip_through_writer_and_reader() -> TestResult {
    let z = base() * Fr::from(7u64);
    let mut w = Writer::raw();
    w.gt(&z);
    w.u8(0xaa);
    let b = w.finish();
    assert_eq!(b.len(), GT_LEN + 1);
    let mut r = Reader::raw(&b);
    assert_eq!(r.gt()?, z);
    assert_eq!(r.u8()?, 0xaa);
    r.finish()
}

#[test]
fn identity_is_rejected() {
    let one = encode_gt(&Gt::default());
    let mut want = [0u8; GT_LEN];
    want[0] = 1;
    assert_eq!(
        one, want,
        "1 is c0.c0.c0 = 1 (little-endian), everything else 0"
    );
    assert_eq!(decode_gt(&one), Err(EncodingError::IdentityPoint));
    assert_eq!(
        kind(Reader::raw(&one).gt()),
        Some(EncodingError::IdentityPoint)
    );
}

#[test]
fn random_fq12_elements_are_rejected() {
    let mut r = rng(11);
    for _ in 0..8 {
        let f = Fq12::rand(&mut r);
        let b = encode_gt(&PairingOutput(f));
        assert_eq!(decode_gt(&b), Err(EncodingError::NotInSubgroup));
        assert!(!ark_accepts(&b), "arkworks agrees");
    }
    // Zero is not even in Fq12*.
    assert_eq!(decode_gt(&[0u8; GT_LEN]), Err(EncodingError::NotInSubgroup));
    assert!(!ark_accepts(&[0u8; GT_LEN]));
}

/// Elements of the cyclotomic subgroup that are not of order r pass the first step of
/// the check and must fail the second.
#[test]
fn cyclotomic_elements_outside_gt_are_rejected() -> TestResult {
    let mut r = rng(12);
    for _ in 0..8 {
        let f = Fq12::rand(&mut r);
        // g = f^((q^6 - 1)(q^2 + 1)) lies in the cyclotomic subgroup (order Φ12(q)).
        let mut g = f;
        g.conjugate_in_place(); // f^(q^6)
        g *= f.inverse().ok_or(EncodingError::NotInSubgroup)?;
        let g = g.frobenius_map(2) * g;
        // Φ12(q) = q^4 - q^2 + 1 kills it.
        assert_eq!(g.frobenius_map(4) * g, g.frobenius_map(2));
        // Not of order r (overwhelmingly likely: the cofactor of GT in it is huge).
        assert!(!g.pow(Fr::MODULUS).is_one());
        let b = encode_gt(&PairingOutput(g));
        assert_eq!(decode_gt(&b), Err(EncodingError::NotInSubgroup));
        assert!(!ark_accepts(&b));
    }
    Ok(())
}

#[test]
fn non_canonical_limbs_are_rejected() -> TestResult {
    let z = base();
    let good = encode_gt(&z);
    let q = Fq::MODULUS;
    for i in 0..12 {
        let chunk = &good[48 * i..48 * (i + 1)];
        // coefficient + q (< 2^382, so it fits): the same field element, another encoding.
        let mut alias = <Fq as PrimeField>::BigInt::new(limbs_le(chunk));
        assert!(!alias.add_with_carry(&q));
        let mut b = good;
        b[48 * i..48 * (i + 1)].copy_from_slice(&alias.to_bytes_le());
        assert_eq!(
            decode_gt(&b),
            Err(EncodingError::InvalidPoint),
            "coefficient {i} + q"
        );
        assert!(!ark_accepts(&b));
        // Exactly q, and all-ones.
        let mut b = good;
        b[48 * i..48 * (i + 1)].copy_from_slice(&q.to_bytes_le());
        assert_eq!(
            decode_gt(&b),
            Err(EncodingError::InvalidPoint),
            "coefficient {i} = q"
        );
        let mut b = good;
        b[48 * i..48 * (i + 1)].fill(0xff);
        assert_eq!(
            decode_gt(&b),
            Err(EncodingError::InvalidPoint),
            "coefficient {i} = 2^384-1"
        );
        assert!(!ark_accepts(&b));
        // Sanity: the unchanged bytes still decode.
        fq12_unchecked(&good)?;
    }
    Ok(())
}

fn limbs_le(chunk: &[u8]) -> [u64; 6] {
    let mut limbs = [0u64; 6];
    for (limb, c) in limbs.iter_mut().zip(chunk.chunks_exact(8)) {
        *limb = u64::from_le_bytes(array(c));
    }
    limbs
}

#[test]
fn subgroup_check_matches_arkworks_check() {
    let mut r = rng(13);
    for i in 0..6 {
        let f = if i % 2 == 0 {
            Fq12::rand(&mut r)
        } else {
            (base() * Fr::rand(&mut r)).0
        };
        assert_eq!(in_gt(&f), PairingOutput::<Bls12_381>(f).check().is_ok());
    }
}

#[test]
fn truncated_gt() {
    let b = encode_gt(&base());
    assert_eq!(
        kind(Reader::raw(&b[..GT_LEN - 1]).gt()),
        Some(EncodingError::Truncated)
    );
}
