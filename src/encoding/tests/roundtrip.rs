//! Round trips: a whole object with every field type, through `Writer` and `Reader`.

use ark_bls12_381::{Bls12_381, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::pairing::Pairing;
use ark_ec::{CurveGroup, PrimeGroup};
use ark_ff::PrimeField;
use proptest::prelude::*;

use crate::encoding::{ObjectType, Reader, Writer, G1_LEN, G2_LEN, GT_LEN, HEADER_LEN, SCALAR_LEN};

fn g1(k: &Fr) -> G1Affine {
    (G1Projective::generator() * k).into_affine()
}

fn g2(k: &Fr) -> G2Affine {
    (G2Projective::generator() * k).into_affine()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn object_round_trip(
        a in any::<u8>(), b in any::<u16>(), c in any::<u32>(), d in any::<u64>(), flag in any::<bool>(),
        blob in proptest::collection::vec(any::<u8>(), 0..64),
        text in "\\PC{0,16}",
        fixed in any::<[u8; 12]>(),
        k1 in any::<[u8; 40]>(), k2 in any::<[u8; 40]>(),
        items in proptest::collection::vec(any::<u32>(), 0..5),
    ) {
        let s = Fr::from_le_bytes_mod_order(&k1);
        let t = Fr::from_le_bytes_mod_order(&k2) + Fr::from(1u64); // the points are never the identity here
        let (p, q) = (g1(&t), g2(&t));

        let mut w = Writer::new(ObjectType::UserKey);
        w.u8(a); w.u16(b); w.u32(c); w.u64(d); w.bool(flag);
        w.bytes(&blob); w.text(&text); w.fixed(&fixed);
        w.count(items.len());
        for i in &items { w.u32(*i); }
        w.g1(&p); w.g1(&G1Affine::default()); w.g2(&q); w.scalar(&s);
        let before = w.len();
        let bytes = w.finish();
        prop_assert_eq!(bytes.len(), before);
        prop_assert_eq!(
            bytes.len(),
            HEADER_LEN + 1 + 2 + 4 + 8 + 1 + 4 + blob.len() + 4 + text.len() + 12
                + 4 + 4 * items.len() + 2 * G1_LEN + G2_LEN + SCALAR_LEN
        );

        let mut r = Reader::new(&bytes, ObjectType::UserKey).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(r.u8().ok(), Some(a));
        prop_assert_eq!(r.u16().ok(), Some(b));
        prop_assert_eq!(r.u32().ok(), Some(c));
        prop_assert_eq!(r.u64().ok(), Some(d));
        prop_assert_eq!(r.bool().ok(), Some(flag));
        prop_assert_eq!(r.bytes(64).ok(), Some(&blob[..]));
        prop_assert_eq!(r.text(64).ok(), Some(text.as_str()));
        prop_assert_eq!(r.fixed::<12>().ok(), Some(fixed));
        let n = r.count(4).unwrap_or(usize::MAX);
        prop_assert_eq!(n, items.len());
        for i in &items { prop_assert_eq!(r.u32().ok(), Some(*i)); }
        prop_assert_eq!(r.g1().ok(), Some(p));
        prop_assert_eq!(r.g1_allow_identity().ok(), Some(G1Affine::default()));
        prop_assert_eq!(r.g2().ok(), Some(q));
        prop_assert_eq!(r.scalar().ok(), Some(s));
        prop_assert_eq!(r.remaining(), 0);
        prop_assert!(r.finish().is_ok());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn gt_round_trip(k1 in any::<[u8; 40]>(), k2 in any::<[u8; 40]>()) {
        let z = Bls12_381::pairing(g1(&Fr::from_le_bytes_mod_order(&k1)), g2(&Fr::from_le_bytes_mod_order(&k2)));
        let mut w = Writer::new(ObjectType::PublicKey);
        w.gt(&z);
        let bytes = w.finish();
        prop_assert_eq!(bytes.len(), HEADER_LEN + GT_LEN);
        let mut r = Reader::new(&bytes, ObjectType::PublicKey).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // z = 1 only if a scalar was 0, which the identity check rejects.
        if z.0 == ark_bls12_381::Fq12::from(1u64) {
            prop_assert!(r.gt().is_err());
        } else {
            prop_assert_eq!(r.gt().ok(), Some(z));
            prop_assert!(r.finish().is_ok());
        }
    }
}
