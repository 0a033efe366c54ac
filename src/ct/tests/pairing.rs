//! The CT pairing against arkworks' `Bls12_381`.

use ark_bls12_381::{Bls12_381, Fq12, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{AdditiveGroup, Field, UniformRand, Zero};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use crate::ct::fields::{fq12_from_ct, fq12_to_ct};
use crate::ct::pairing::{
    final_exponentiation, fq12_invert, multi_miller_loop, multi_pairing, CtG2Prepared,
};

fn points(rng: &mut ChaCha20Rng, n: usize) -> (Vec<G1Affine>, Vec<G2Affine>) {
    let g1 = (0..n)
        .map(|_| G1Projective::rand(rng).into_affine())
        .collect();
    let g2 = (0..n)
        .map(|_| G2Projective::rand(rng).into_affine())
        .collect();
    (g1, g2)
}

#[test]
fn pairing_matches_arkworks() {
    let mut rng = ChaCha20Rng::seed_from_u64(21);
    for n in [1usize, 2, 6] {
        let (g1, g2) = points(&mut rng, n);
        let prepared: Vec<CtG2Prepared> = g2.iter().map(CtG2Prepared::new).collect();
        let refs: Vec<&CtG2Prepared> = prepared.iter().collect();
        let ours = multi_pairing(&g1, &refs).publish();
        assert_eq!(ours, Bls12_381::multi_pairing(&g1, &g2), "n = {n}");
        // The Miller loop alone agrees too (same algorithm, same representation).
        let ark_ml = Bls12_381::multi_miller_loop(&g1, &g2).0;
        assert_eq!(fq12_from_ct(multi_miller_loop(&g1, &refs)), ark_ml);
    }
}

#[test]
fn identity_inputs_contribute_one() {
    let mut rng = ChaCha20Rng::seed_from_u64(22);
    let (mut g1, mut g2) = points(&mut rng, 3);
    g1[0] = G1Affine::zero();
    g2[1] = G2Affine::zero();
    let prepared: Vec<CtG2Prepared> = g2.iter().map(CtG2Prepared::new).collect();
    let refs: Vec<&CtG2Prepared> = prepared.iter().collect();
    assert_eq!(
        multi_pairing(&g1, &refs).publish(),
        Bls12_381::multi_pairing(&g1, &g2)
    );
    // All pairs degenerate: the identity of GT.
    assert!(multi_pairing(&g1[..1], &refs[..1]).publish().is_zero());
}

#[test]
fn bilinearity_on_secret_inputs() {
    let mut rng = ChaCha20Rng::seed_from_u64(23);
    let a = ark_bls12_381::Fr::rand(&mut rng);
    let p = G1Affine::generator();
    let q = G2Affine::generator();
    let pa = (p * a).into_affine();
    let qa = (q * a).into_affine();
    let lhs = multi_pairing(&[pa], &[&CtG2Prepared::new(&q)]).publish();
    let rhs = multi_pairing(&[p], &[&CtG2Prepared::new(&qa)]).publish();
    assert_eq!(lhs, rhs);
    assert_eq!(lhs, Bls12_381::pairing(p, q) * a);
}

#[test]
fn fq12_inversion_and_final_exponentiation() {
    let mut rng = ChaCha20Rng::seed_from_u64(24);
    for _ in 0..8 {
        let a = Fq12::rand(&mut rng);
        let inv = fq12_from_ct(fq12_invert(&fq12_to_ct(a)));
        assert_eq!(Some(inv), a.inverse());
        let ours = fq12_from_ct(final_exponentiation(&fq12_to_ct(a)));
        let theirs = Bls12_381::final_exponentiation(ark_ec::pairing::MillerLoopOutput(a));
        assert_eq!(Some(ours), theirs.map(|x| x.0));
    }
    assert!(fq12_from_ct(fq12_invert(&fq12_to_ct(Fq12::ZERO))).is_zero());
}

#[test]
fn identity_is_masked_not_skipped() {
    // The identity on either side (or both) gives 1 in GT, through the same masked
    // computation as any other point: alone, with others, and with the generator (the
    // point an identity is replaced by) on the other side.
    let mut rng = ChaCha20Rng::seed_from_u64(25);
    let (g1, g2) = points(&mut rng, 2);
    let cases: [(G1Affine, G2Affine); 4] = [
        (G1Affine::zero(), g2[0]),
        (g1[0], G2Affine::zero()),
        (G1Affine::zero(), G2Affine::zero()),
        (G1Affine::zero(), G2Affine::generator()),
    ];
    for (p, q) in cases {
        let prep = CtG2Prepared::new(&q);
        assert!(multi_pairing(&[p], &[&prep]).publish().is_zero());
        // The Miller loop leaves f = 1 for a masked pair.
        assert_eq!(fq12_from_ct(multi_miller_loop(&[p], &[&prep])), Fq12::ONE);
        // With a regular pair next to it, only that pair counts.
        let other = CtG2Prepared::new(&g2[1]);
        assert_eq!(
            multi_pairing(&[p, g1[1]], &[&prep, &other]).publish(),
            Bls12_381::pairing(g1[1], g2[1])
        );
    }
    // G2 identity prepared: its lines are the generator's (masked by the flag).
    let id = CtG2Prepared::new(&G2Affine::zero());
    let gen = CtG2Prepared::new(&G2Affine::generator());
    assert_eq!(
        multi_pairing(&[g1[0]], &[&gen]).publish(),
        Bls12_381::pairing(g1[0], G2Affine::generator())
    );
    assert!(multi_pairing(&[g1[0]], &[&id]).publish().is_zero());
}
