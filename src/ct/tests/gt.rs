//! GT exponentiation and encoding against arkworks.

use ark_bls12_381::{Bls12_381, Fr, G1Projective, G2Projective};
use ark_ec::pairing::Pairing;
use ark_ec::PrimeGroup;
use proptest::prelude::*;

use super::{bytes64, edge_scalars, fr_from};
use crate::ct::fields::{fq12_from_ct, fq12_to_ct, fr_to_ct};
use crate::ct::gt::{gt_pow, gt_to_bytes};

fn base() -> ark_ec::pairing::PairingOutput<Bls12_381> {
    Bls12_381::pairing(
        G1Projective::generator() * Fr::from(11u64),
        G2Projective::generator(),
    )
}

#[test]
fn gt_pow_edge_scalars() {
    let f = base();
    let cf = fq12_to_ct(f.0);
    for s in edge_scalars() {
        assert_eq!(fq12_from_ct(gt_pow(&cf, &fr_to_ct(s))), (f * s).0, "{s}");
    }
}

#[test]
fn gt_encoding_matches_the_wire_format() {
    let f = base();
    assert_eq!(
        gt_to_bytes(&fq12_to_ct(f.0)).to_vec(),
        crate::encoding::encode_gt(&f).to_vec()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn gt_pow_random(s in bytes64(), t in bytes64()) {
        let f = base() * fr_from(&t);
        let s = fr_from(&s);
        prop_assert_eq!(fq12_from_ct(gt_pow(&fq12_to_ct(f.0), &fr_to_ct(s))), (f * s).0);
    }
}
