//! Canaries (must produce findings, or the check is blind) and arkworks references
//! (must produce findings too: they show that arkworks frames are not silently
//! accepted).

use core::hint::black_box;

use ark_bls12_381::{Fr, G1Affine, G1Projective};
use ark_ec::{CurveGroup, PrimeGroup};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use rand_chacha::ChaCha20Rng;
use rand_core::RngCore;

use super::{case, output, secret};
use crate::{Case, Kind};

pub fn cases() -> Vec<Case> {
    vec![
        case("canary_branch", Kind::Canary, 1, canary_branch),
        case("canary_index", Kind::Canary, 1, canary_index),
        case("ark_fr_mul", Kind::Canary, 1, ark_fr_mul),
        case("ark_g1_mul", Kind::Canary, 2, ark_g1_mul),
        case("ark_g1_decompress", Kind::Canary, 2, ark_g1_decompress),
    ]
}

/// A loop whose trip count is secret: secret-dependent branches.
#[inline(never)]
fn op_canary_branch(s: u64) -> u64 {
    let mut acc = 0u64;
    for i in 0..(s & 15) {
        acc = black_box(acc.wrapping_mul(31).wrapping_add(i));
    }
    acc
}

fn canary_branch(rng: &mut ChaCha20Rng) {
    let s = secret(rng.next_u64() | 1);
    output(op_canary_branch(s));
}

static TABLE: [u64; 16] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3];

/// A load whose address is secret.
#[inline(never)]
fn op_canary_index(s: u64) -> u64 {
    let t = black_box(&TABLE);
    t[(s & 15) as usize]
}

fn canary_index(rng: &mut ChaCha20Rng) {
    let s = secret(rng.next_u64());
    output(op_canary_index(s));
}

/// arkworks' field multiplication on a secret (the final conditional subtraction).
#[inline(never)]
fn op_ark_fr_mul(a: Fr, b: Fr) -> Fr {
    a * b
}

fn ark_fr_mul(rng: &mut ChaCha20Rng) {
    let a = secret(<Fr as ark_ff::UniformRand>::rand(rng));
    let b = <Fr as ark_ff::UniformRand>::rand(rng);
    output(op_ark_fr_mul(a, b));
}

/// arkworks' G1 scalar multiplication by a secret (GLV, double-and-add).
#[inline(never)]
fn op_ark_g1_mul(s: Fr) -> G1Projective {
    G1Projective::generator() * s
}

fn ark_g1_mul(rng: &mut ChaCha20Rng) {
    let s = secret(<Fr as ark_ff::UniformRand>::rand(rng));
    output(op_ark_g1_mul(s));
}

/// arkworks' validating decoder on a secret encoding (Tonelli–Shanks square root,
/// early-exit sign comparison, subgroup check): the path `ct_g1_decompress` replaces.
#[inline(never)]
fn op_ark_g1_decompress(b: &[u8; 48]) -> Option<G1Affine> {
    G1Affine::deserialize_compressed(&b[..]).ok()
}

fn ark_g1_decompress(rng: &mut ChaCha20Rng) {
    let mut b = [0u8; 48];
    let p = G1Projective::generator() * <Fr as ark_ff::UniformRand>::rand(rng);
    if p.into_affine().serialize_compressed(&mut b[..]).is_err() {
        return;
    }
    let b = secret(b);
    output(op_ark_g1_decompress(&b).unwrap_or_default());
}
