//! The constant-time pairing of `cipherchart::hazmat::ct` with secret inputs.

use ark_bls12_381::{G1Affine, G2Affine};
use cipherchart::hazmat::ct::{multi_pairing, CtG2Prepared, SecretGt};
use rand_chacha::ChaCha20Rng;

use super::{case, g1, g2, output, secret};
use crate::{Case, Kind};

pub fn cases() -> Vec<Case> {
    vec![
        case("ct_pairing_g1_secret", Kind::Clean, 5, ct_pairing_g1_secret),
        case("ct_pairing_g2_secret", Kind::Clean, 5, ct_pairing_g2_secret),
        case(
            "ct_pairing_decryption",
            Kind::Clean,
            8,
            ct_pairing_decryption,
        ),
        case("ct_pairing_identity", Kind::Clean, 6, ct_pairing_identity),
    ]
}

/// Secret identity inputs, on either side and on both, next to regular secret pairs:
/// the identity is replaced by the generator and its lines masked by a secret `Choice`
/// (no declassification, no branch). The product is the output.
#[inline(never)]
fn op_ct_pairing_identity(g1s: &[G1Affine; 4], q: [&CtG2Prepared; 4]) -> SecretGt {
    multi_pairing(g1s, &q)
}
fn ct_pairing_identity(rng: &mut ChaCha20Rng) {
    use ark_ec::AffineRepr;
    let q_id = CtG2Prepared::new(&secret(G2Affine::zero()));
    let q_id2 = CtG2Prepared::new(&secret(G2Affine::zero()));
    let q = CtG2Prepared::new(&secret(g2(rng)));
    let q_pub = CtG2Prepared::new(&g2(rng));
    let g1s = [
        secret(G1Affine::zero()),
        secret(g1(rng)),
        secret(G1Affine::zero()),
        secret(g1(rng)),
    ];
    // (O, Q_pub), (P, O), (O, O), (P, Q): three masked pairs, one regular.
    output(op_ct_pairing_identity(&g1s, [&q_pub, &q_id, &q_id2, &q]));
}

/// `e(P, Q)` with a secret `P` (a key sum) and a public prepared `Q` (a header `C0`).
#[inline(never)]
fn op_ct_pairing_g1_secret(p: &G1Affine, q: &CtG2Prepared) -> SecretGt {
    multi_pairing(&[*p], &[q])
}
fn ct_pairing_g1_secret(rng: &mut ChaCha20Rng) {
    let q = CtG2Prepared::new(&g2(rng));
    let p = secret(g1(rng));
    output(op_ct_pairing_g1_secret(&p, &q));
}

/// `e(P, Q)` with a public `P` (a header row sum) and a secret `Q` (a key's `K0`),
/// including the preparation of `Q`.
#[inline(never)]
fn op_ct_pairing_g2_secret(p: &G1Affine, q: &G2Affine) -> SecretGt {
    multi_pairing(&[*p], &[&CtG2Prepared::new(q)])
}
fn ct_pairing_g2_secret(rng: &mut ChaCha20Rng) {
    let p = g1(rng);
    let q = secret(g2(rng));
    output(op_ct_pairing_g2_secret(&p, &q));
}

/// FAME DecCore's shape: six pairs, three secret G1 points against public `C0`, three
/// public G1 points against the secret, prepared `K0`.
#[inline(never)]
fn op_ct_pairing_decryption(g1s: &[G1Affine; 6], q: [&CtG2Prepared; 6]) -> SecretGt {
    multi_pairing(g1s, &q)
}
fn ct_pairing_decryption(rng: &mut ChaCha20Rng) {
    let c0: Vec<CtG2Prepared> = (0..3).map(|_| CtG2Prepared::new(&g2(rng))).collect();
    let k0: Vec<CtG2Prepared> = (0..3)
        .map(|_| CtG2Prepared::new(&secret(g2(rng))))
        .collect();
    let g1s = [
        secret(g1(rng)),
        secret(g1(rng)),
        secret(g1(rng)),
        g1(rng),
        g1(rng),
        g1(rng),
    ];
    let q = [&c0[0], &c0[1], &c0[2], &k0[0], &k0[1], &k0[2]];
    output(op_ct_pairing_decryption(&g1s, q));
}
