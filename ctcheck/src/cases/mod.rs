//! The cases, one `#[inline(never)]` `op_*` function each. Public inputs come from the
//! seeded RNG; secret inputs are poisoned right after construction.

mod api;
mod canary;
mod curve;
mod field;
mod gt;
mod pairing;

use core::hint::black_box;

use ark_bls12_381::{G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::CurveGroup;
use ark_ff::UniformRand;
use cipherchart::ct::SecretScalar;
use rand_chacha::ChaCha20Rng;
use rand_core::RngCore;

use crate::valgrind::{declassify, poison};
use crate::{Case, Kind};

/// Every case, in the order the runner lists them.
pub fn all() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(canary::cases());
    v.extend(field::cases());
    v.extend(curve::cases());
    v.extend(gt::cases());
    v.extend(pairing::cases());
    v.extend(api::cases());
    v
}

/// Shorthand for a case entry.
pub(crate) const fn case(
    name: &'static str,
    kind: Kind,
    cost: u32,
    run: fn(&mut ChaCha20Rng),
) -> Case {
    Case {
        name,
        kind,
        cost,
        run,
    }
}

/// A value made secret: every byte marked undefined.
pub(crate) fn secret<T>(mut x: T) -> T {
    poison(&mut x);
    black_box(x)
}

/// A uniformly random secret scalar.
pub(crate) fn secret_scalar(rng: &mut ChaCha20Rng) -> SecretScalar {
    let mut wide = [0u8; 64];
    rng.fill_bytes(&mut wide);
    secret(SecretScalar::from_bytes_wide(&wide))
}

/// Public random points.
pub(crate) fn g1(rng: &mut ChaCha20Rng) -> G1Affine {
    G1Projective::rand(rng).into_affine()
}
pub(crate) fn g2(rng: &mut ChaCha20Rng) -> G2Affine {
    G2Projective::rand(rng).into_affine()
}

/// Counts the output's tainted bytes and declares it public.
pub(crate) fn output<T>(mut x: T) {
    declassify(&mut x);
    black_box(&x);
}
