//! Field and scalar primitives of `cipherchart::hazmat::ct`.

use ark_bls12_381::{Fq, Fq2, Fr};
use ark_ff::UniformRand;
use cipherchart::hazmat::ct::declassify_choice;
use cipherchart::hazmat::ct::fields::{fq2_to_ct, fq_to_ct, fr_to_ct, CtField, CtFq, CtFq2, CtFr};
use cipherchart::hazmat::ct::scalar::{fr_from_be_bytes_48, fr_from_le_bytes_wide};
use cipherchart::hazmat::ct::SecretScalar;
use rand_chacha::ChaCha20Rng;
use rand_core::RngCore;

use super::{case, output, secret, secret_scalar};
use crate::{Case, Kind};

pub fn cases() -> Vec<Case> {
    vec![
        case("ct_fr_add", Kind::Clean, 1, ct_fr_add),
        case("ct_fr_sub", Kind::Clean, 1, ct_fr_sub),
        case("ct_fr_mul", Kind::Clean, 1, ct_fr_mul),
        case("ct_fr_neg", Kind::Clean, 1, ct_fr_neg),
        case("ct_fr_invert", Kind::Clean, 1, ct_fr_invert),
        case("ct_fq_add", Kind::Clean, 1, ct_fq_add),
        case("ct_fq_sub", Kind::Clean, 1, ct_fq_sub),
        case("ct_fq_mul", Kind::Clean, 1, ct_fq_mul),
        case("ct_fq_invert", Kind::Clean, 1, ct_fq_invert),
        case("ct_fq2_mul", Kind::Clean, 1, ct_fq2_mul),
        case("ct_fq2_invert", Kind::Clean, 1, ct_fq2_invert),
        case("ct_scalar_from_wide", Kind::Clean, 1, ct_scalar_from_wide),
        case(
            "ct_scalar_from_hash48",
            Kind::Clean,
            1,
            ct_scalar_from_hash48,
        ),
        case(
            "ct_scalar_from_be_bytes",
            Kind::Clean,
            1,
            ct_scalar_from_be_bytes,
        ),
        case(
            "ct_scalar_to_be_bytes",
            Kind::Clean,
            1,
            ct_scalar_to_be_bytes,
        ),
        case(
            "ct_scalar_random_nonzero",
            Kind::Clean,
            1,
            ct_scalar_random_nonzero,
        ),
        case("ct_scalar_ops", Kind::Clean, 1, ct_scalar_ops),
        case("ct_scalar_zero_check", Kind::Clean, 1, ct_scalar_zero_check),
    ]
}

fn fr2(rng: &mut ChaCha20Rng) -> (CtFr, CtFr) {
    (
        secret(fr_to_ct(Fr::rand(rng))),
        secret(fr_to_ct(Fr::rand(rng))),
    )
}
fn fq2(rng: &mut ChaCha20Rng) -> (CtFq, CtFq) {
    (
        secret(fq_to_ct(Fq::rand(rng))),
        secret(fq_to_ct(Fq::rand(rng))),
    )
}

macro_rules! binop {
    ($case:ident, $op:ident, $inputs:ident, $t:ty, $e:expr) => {
        #[inline(never)]
        fn $op(a: $t, b: $t) -> $t {
            let f: fn($t, $t) -> $t = $e;
            f(a, b)
        }
        fn $case(rng: &mut ChaCha20Rng) {
            let (a, b) = $inputs(rng);
            output($op(a, b));
        }
    };
}

binop!(ct_fr_add, op_ct_fr_add, fr2, CtFr, |a, b| a + b);
binop!(ct_fr_sub, op_ct_fr_sub, fr2, CtFr, |a, b| a - b);
binop!(ct_fr_mul, op_ct_fr_mul, fr2, CtFr, |a, b| a * b);
binop!(ct_fr_neg, op_ct_fr_neg, fr2, CtFr, |a, _| -a);
binop!(ct_fr_invert, op_ct_fr_invert, fr2, CtFr, |a, _| a
    .ct_invert());
binop!(ct_fq_add, op_ct_fq_add, fq2, CtFq, |a, b| a + b);
binop!(ct_fq_sub, op_ct_fq_sub, fq2, CtFq, |a, b| a - b);
binop!(ct_fq_mul, op_ct_fq_mul, fq2, CtFq, |a, b| a * b);
binop!(ct_fq_invert, op_ct_fq_invert, fq2, CtFq, |a, _| a
    .ct_invert());

fn fq2_pair(rng: &mut ChaCha20Rng) -> (CtFq2, CtFq2) {
    (
        secret(fq2_to_ct(Fq2::rand(rng))),
        secret(fq2_to_ct(Fq2::rand(rng))),
    )
}
binop!(ct_fq2_mul, op_ct_fq2_mul, fq2_pair, CtFq2, |a, b| a * b);
binop!(ct_fq2_invert, op_ct_fq2_invert, fq2_pair, CtFq2, |a, _| a
    .ct_invert());

#[inline(never)]
fn op_ct_scalar_from_wide(bytes: &[u8; 64]) -> CtFr {
    fr_from_le_bytes_wide(bytes)
}
fn ct_scalar_from_wide(rng: &mut ChaCha20Rng) {
    let mut b = [0u8; 64];
    rng.fill_bytes(&mut b);
    let b = secret(b);
    output(op_ct_scalar_from_wide(&b));
}

#[inline(never)]
fn op_ct_scalar_from_hash48(bytes: &[u8; 48]) -> CtFr {
    fr_from_be_bytes_48(bytes)
}
fn ct_scalar_from_hash48(rng: &mut ChaCha20Rng) {
    let mut b = [0u8; 48];
    rng.fill_bytes(&mut b);
    let b = secret(b);
    output(op_ct_scalar_from_hash48(&b));
}

/// Decoding a stored secret scalar: the range check is branch-free, its outcome is
/// declassified (it is public: the input is accepted or rejected).
#[inline(never)]
fn op_ct_scalar_from_be_bytes(bytes: &[u8; 32]) -> Option<SecretScalar> {
    SecretScalar::from_be_bytes(bytes)
}
fn ct_scalar_from_be_bytes(rng: &mut ChaCha20Rng) {
    let mut s = secret_scalar(rng);
    crate::valgrind::unpoison(&mut s);
    let b = secret(*s.to_be_bytes());
    output(op_ct_scalar_from_be_bytes(&b));
}

#[inline(never)]
fn op_ct_scalar_to_be_bytes(s: &SecretScalar) -> [u8; 32] {
    *s.to_be_bytes()
}
fn ct_scalar_to_be_bytes(rng: &mut ChaCha20Rng) {
    let s = secret_scalar(rng);
    output(op_ct_scalar_to_be_bytes(&s));
}

/// An RNG whose every output byte is secret.
pub(crate) struct SecretRng<'a>(pub(crate) &'a mut ChaCha20Rng);
impl RngCore for SecretRng<'_> {
    fn next_u32(&mut self) -> u32 {
        secret(self.0.next_u32())
    }
    fn next_u64(&mut self) -> u64 {
        secret(self.0.next_u64())
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill_bytes(dest);
        crate::valgrind::poison(dest);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl rand_core::CryptoRng for SecretRng<'_> {}

#[inline(never)]
fn op_ct_scalar_random_nonzero(rng: &mut SecretRng<'_>) -> SecretScalar {
    SecretScalar::random_nonzero(rng)
}
fn ct_scalar_random_nonzero(rng: &mut ChaCha20Rng) {
    output(op_ct_scalar_random_nonzero(&mut SecretRng(rng)));
}

/// The scalar algebra of key issue: `β = (b1·r1, b2·r2, r1 + r2)`, `β_l / a_t`, `−σ`.
#[inline(never)]
fn op_ct_scalar_ops(a: &SecretScalar, b: &SecretScalar, r: &SecretScalar) -> SecretScalar {
    let beta = &(b * r) + r;
    let e = &beta * &a.invert();
    &(-&e) - b
}
fn ct_scalar_ops(rng: &mut ChaCha20Rng) {
    let (a, b, r) = (secret_scalar(rng), secret_scalar(rng), secret_scalar(rng));
    output(op_ct_scalar_ops(&a, &b, &r));
}

/// `z = H(w) ≠ 0`: the zero test is declassified (probability 2^-255), then branched on.
#[inline(never)]
fn op_ct_scalar_zero_check(z: &SecretScalar) -> u64 {
    if declassify_choice(z.is_zero()) {
        0
    } else {
        1
    }
}
fn ct_scalar_zero_check(rng: &mut ChaCha20Rng) {
    let z = secret_scalar(rng);
    output(op_ct_scalar_zero_check(&z));
}
