//! G1/G2 primitives of `cipherchart::hazmat::ct`.

use ark_bls12_381::{G1Affine, G2Affine};
use cipherchart::hazmat::ct::{SecretG1, SecretG2, SecretScalar};
use rand_chacha::ChaCha20Rng;

use super::{case, g1, g2, output, secret, secret_scalar};
use crate::{Case, Kind};

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "ct_g1_mul_public_base",
            Kind::Clean,
            2,
            ct_g1_mul_public_base,
        ),
        case(
            "ct_g1_mul_secret_base",
            Kind::Clean,
            2,
            ct_g1_mul_secret_base,
        ),
        case("ct_g1_mul_generator", Kind::Clean, 2, ct_g1_mul_generator),
        case("ct_g1_multi_mul", Kind::Clean, 3, ct_g1_multi_mul),
        case("ct_g1_add", Kind::Clean, 1, ct_g1_add),
        case(
            "ct_g1_from_affine_secret",
            Kind::Clean,
            1,
            ct_g1_from_affine_secret,
        ),
        case("ct_g1_publish", Kind::Clean, 1, ct_g1_publish),
        case("ct_g1_batch_publish", Kind::Clean, 1, ct_g1_batch_publish),
        case("ct_g1_compress", Kind::Clean, 1, ct_g1_compress),
        case("ct_g1_decompress", Kind::Clean, 2, ct_g1_decompress),
        case(
            "ct_g2_mul_public_base",
            Kind::Clean,
            4,
            ct_g2_mul_public_base,
        ),
        case("ct_g2_mul_generator", Kind::Clean, 3, ct_g2_mul_generator),
        case("ct_g2_publish", Kind::Clean, 1, ct_g2_publish),
        case("ct_g2_compress", Kind::Clean, 1, ct_g2_compress),
        case("ct_g2_decompress", Kind::Clean, 3, ct_g2_decompress),
    ]
}

/// A secret G1 point (a user-key component): a random point, poisoned.
fn secret_g1(rng: &mut ChaCha20Rng) -> SecretG1 {
    secret(SecretG1::from_affine(&g1(rng)))
}
fn secret_g2(rng: &mut ChaCha20Rng) -> SecretG2 {
    secret(SecretG2::from_affine(&g2(rng)))
}

#[inline(never)]
fn op_ct_g1_mul_public_base(base: &G1Affine, s: &SecretScalar) -> SecretG1 {
    SecretG1::mul_base(base, s)
}
fn ct_g1_mul_public_base(rng: &mut ChaCha20Rng) {
    let base = g1(rng);
    let s = secret_scalar(rng);
    output(op_ct_g1_mul_public_base(&base, &s));
}

/// Re-key blinding: a secret key point times the secret `1/z`.
#[inline(never)]
fn op_ct_g1_mul_secret_base(p: &SecretG1, s: &SecretScalar) -> SecretG1 {
    p.mul(&s.invert())
}
fn ct_g1_mul_secret_base(rng: &mut ChaCha20Rng) {
    let p = secret_g1(rng);
    let s = secret_scalar(rng);
    output(op_ct_g1_mul_secret_base(&p, &s));
}

#[inline(never)]
fn op_ct_g1_mul_generator(s: &SecretScalar) -> SecretG1 {
    SecretG1::mul_generator(s)
}
fn ct_g1_mul_generator(rng: &mut ChaCha20Rng) {
    // Build the (public) table outside the measured operation.
    let _ = cipherchart::hazmat::ct::g1_generator_table();
    let s = secret_scalar(rng);
    output(op_ct_g1_mul_generator(&s));
}

/// A sealing row `C(i,l) = B1^s1 · B2^s2` and a key-issue sum `Σ_l W_l^(β_l/a_t)`.
#[inline(never)]
fn op_ct_g1_multi_mul(bases: &[G1Affine; 3], s: [&SecretScalar; 3]) -> SecretG1 {
    SecretG1::multi_mul(bases, &s)
}
fn ct_g1_multi_mul(rng: &mut ChaCha20Rng) {
    let bases = [g1(rng), g1(rng), g1(rng)];
    let s = [secret_scalar(rng), secret_scalar(rng), secret_scalar(rng)];
    output(op_ct_g1_multi_mul(&bases, [&s[0], &s[1], &s[2]]));
}

/// Decryption's key sums `K' + Σ K_y` and the identity special cases.
#[inline(never)]
fn op_ct_g1_add(a: &SecretG1, b: &SecretG1, c: &G1Affine) -> SecretG1 {
    a.add(b)
        .add(&a.neg())
        .add_affine(c)
        .add(&SecretG1::identity())
}
fn ct_g1_add(rng: &mut ChaCha20Rng) {
    let (a, b) = (secret_g1(rng), secret_g1(rng));
    let c = g1(rng);
    output(op_ct_g1_add(&a, &b, &c));
}

/// A stored secret affine point (user-key component) taken back into the CT world.
#[inline(never)]
fn op_ct_g1_from_affine_secret(p: &G1Affine) -> SecretG1 {
    SecretG1::from_affine(p)
}
fn ct_g1_from_affine_secret(rng: &mut ChaCha20Rng) {
    let p = secret(g1(rng));
    output(op_ct_g1_from_affine_secret(&p));
}

#[inline(never)]
fn op_ct_g1_publish(p: &SecretG1) -> G1Affine {
    p.publish()
}
fn ct_g1_publish(rng: &mut ChaCha20Rng) {
    let p = secret_g1(rng);
    output(op_ct_g1_publish(&p));
}

#[inline(never)]
fn op_ct_g1_batch_publish(p: &[SecretG1]) -> Vec<G1Affine> {
    SecretG1::batch_to_affine_secret(p)
}
fn ct_g1_batch_publish(rng: &mut ChaCha20Rng) {
    let p = [secret_g1(rng), secret_g1(rng), secret(SecretG1::identity())];
    output(op_ct_g1_batch_publish(&p));
}

#[inline(never)]
fn op_ct_g1_compress(p: &SecretG1) -> [u8; 48] {
    *p.to_compressed()
}
fn ct_g1_compress(rng: &mut ChaCha20Rng) {
    let p = secret_g1(rng);
    output(op_ct_g1_compress(&p));
}

/// BLS signing: a secret key times the public hash point `H(m)`.
#[inline(never)]
fn op_ct_g2_mul_public_base(base: &G2Affine, s: &SecretScalar) -> SecretG2 {
    SecretG2::mul_base(base, s)
}
fn ct_g2_mul_public_base(rng: &mut ChaCha20Rng) {
    let base = g2(rng);
    let s = secret_scalar(rng);
    output(op_ct_g2_mul_public_base(&base, &s));
}

#[inline(never)]
fn op_ct_g2_mul_generator(s: &SecretScalar) -> SecretG2 {
    SecretG2::mul_generator(s)
}
fn ct_g2_mul_generator(rng: &mut ChaCha20Rng) {
    let _ = cipherchart::hazmat::ct::g2_generator_table();
    let s = secret_scalar(rng);
    output(op_ct_g2_mul_generator(&s));
}

#[inline(never)]
fn op_ct_g2_publish(p: &SecretG2) -> G2Affine {
    p.publish()
}
fn ct_g2_publish(rng: &mut ChaCha20Rng) {
    let p = secret_g2(rng);
    output(op_ct_g2_publish(&p));
}

#[inline(never)]
fn op_ct_g2_compress(p: &SecretG2) -> [u8; 96] {
    *p.to_compressed()
}
fn ct_g2_compress(rng: &mut ChaCha20Rng) {
    let p = secret_g2(rng);
    output(op_ct_g2_compress(&p));
}

/// Decoding a stored secret key component: flags, range check, square root, sign and
/// subgroup check on secret bytes; only the valid/invalid outcome is declassified.
/// Each seed decodes a random point and the identity's encoding.
#[inline(never)]
fn op_ct_g1_decompress(b: &[u8; 48]) -> Option<SecretG1> {
    SecretG1::from_compressed(b)
}
fn ct_g1_decompress(rng: &mut ChaCha20Rng) {
    let p = secret(*SecretG1::from_affine(&g1(rng)).to_compressed());
    output(op_ct_g1_decompress(&p));
    let o = secret(*SecretG1::identity().to_compressed());
    output(op_ct_g1_decompress(&o));
}

#[inline(never)]
fn op_ct_g2_decompress(b: &[u8; 96]) -> Option<SecretG2> {
    SecretG2::from_compressed(b)
}
fn ct_g2_decompress(rng: &mut ChaCha20Rng) {
    let p = secret(*SecretG2::from_affine(&g2(rng)).to_compressed());
    output(op_ct_g2_decompress(&p));
    let o = secret(*SecretG2::identity().to_compressed());
    output(op_ct_g2_decompress(&o));
}
