//! GT primitives of `cipherchart::hazmat::ct`.

use ark_bls12_381::{Bls12_381, G1Projective, G2Projective};
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::PrimeGroup;
use ark_ff::UniformRand;
use cipherchart::hazmat::ct::{SecretGt, SecretScalar};
use rand_chacha::ChaCha20Rng;

use super::{case, output, secret, secret_scalar};
use crate::{Case, Kind};

type Gt = PairingOutput<Bls12_381>;

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "ct_gt_pow_public_base",
            Kind::Clean,
            4,
            ct_gt_pow_public_base,
        ),
        case(
            "ct_gt_pow_secret_base",
            Kind::Clean,
            4,
            ct_gt_pow_secret_base,
        ),
        case("ct_gt_mul_to_bytes", Kind::Clean, 1, ct_gt_mul_to_bytes),
    ]
}

/// A public GT element (the pairing is outside the measured operation).
fn gt(rng: &mut ChaCha20Rng) -> Gt {
    let a = ark_bls12_381::Fr::rand(rng);
    Bls12_381::pairing(G1Projective::generator() * a, G2Projective::generator())
}

/// Sealing: `Z = T1^s1 · T2^s2` for public `T1`, `T2` and secret coins.
#[inline(never)]
fn op_ct_gt_pow_public_base(t1: &Gt, t2: &Gt, s1: &SecretScalar, s2: &SecretScalar) -> SecretGt {
    SecretGt::pow_base(t1, s1).mul(&SecretGt::pow_base(t2, s2))
}
fn ct_gt_pow_public_base(rng: &mut ChaCha20Rng) {
    let (t1, t2) = (gt(rng), gt(rng));
    let (s1, s2) = (secret_scalar(rng), secret_scalar(rng));
    output(op_ct_gt_pow_public_base(&t1, &t2, &s1, &s2));
}

/// Opening a re-encrypted record: `Z = R^z` with `R` derived from secrets.
#[inline(never)]
fn op_ct_gt_pow_secret_base(r: &SecretGt, z: &SecretScalar) -> SecretGt {
    r.pow(z)
}
fn ct_gt_pow_secret_base(rng: &mut ChaCha20Rng) {
    let r = secret(SecretGt::from_gt(&gt(rng)));
    let z = secret_scalar(rng);
    output(op_ct_gt_pow_secret_base(&r, &z));
}

/// The KEM mask input: the canonical bytes of a secret `Z`.
#[inline(never)]
fn op_ct_gt_mul_to_bytes(a: &SecretGt, b: &SecretGt) -> [u8; 576] {
    *a.mul(b).to_bytes()
}
fn ct_gt_mul_to_bytes(rng: &mut ChaCha20Rng) {
    let a = secret(SecretGt::from_gt(&gt(rng)));
    let b = secret(SecretGt::from_gt(&gt(rng)));
    output(op_ct_gt_mul_to_bytes(&a, &b));
}
