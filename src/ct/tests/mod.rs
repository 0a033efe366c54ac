//! Tests of the constant-time layer: every operation against arkworks' result, on
//! random inputs (proptest) and on edge cases (0, 1, r − 1, q − 1, the identity).

mod curve;
mod decode;
mod field;
mod gt;
mod pairing;
mod secret;

use ark_bls12_381::{Fq, Fr};
use ark_ff::{BigInteger, Field, PrimeField};
use proptest::prelude::*;

/// A scalar from 64 arbitrary bytes (arkworks' own reduction: the reference).
pub(super) fn fr_from(bytes: &[u8]) -> Fr {
    Fr::from_le_bytes_mod_order(bytes)
}

/// Edge scalars: small values, window boundaries (7, 8, 9, 15, 16, 0x88…), large values
/// near r and 2^254, and their negations.
pub(super) fn edge_scalars() -> Vec<Fr> {
    let mut v: Vec<Fr> = [0u64, 1, 2, 3, 7, 8, 9, 15, 16, 17, 0x8888_8888, 0x7777_7777]
        .iter()
        .map(|&k| Fr::from(k))
        .collect();
    let two = Fr::from(2u64);
    v.push(two.pow([254u64])); // 2^254
    v.push(two.pow([254u64]) - Fr::from(1u64)); // 2^254 − 1
    v.push(two.pow([252u64])); // top window alone
    v.push(fr_from(&[0x88; 32]));
    v.push(fr_from(&[0x77; 32]));
    v.push(fr_from(&[0xff; 32])); // 2^256 − 1 reduced
    let n = v.len();
    for i in 0..n {
        let neg = -v[i];
        v.push(neg); // r − k: r − 1, r − 8, …
    }
    v
}

/// The canonical bytes of r − 1 (little-endian), for range-check tests.
pub(super) fn r_minus_1_le() -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&(-Fr::from(1u64)).into_bigint().to_bytes_le());
    out
}

/// 64 random bytes.
pub(super) fn bytes64() -> impl Strategy<Value = [u8; 64]> {
    proptest::array::uniform32(any::<u8>()).prop_flat_map(|a| {
        proptest::array::uniform32(any::<u8>()).prop_map(move |b| {
            let mut out = [0u8; 64];
            out[..32].copy_from_slice(&a);
            out[32..].copy_from_slice(&b);
            out
        })
    })
}

/// Compressed encodings whose x (or one half of G2's x) is q or q + 1: not canonical, to
/// be refused by every decoder. `p2` is a valid G2 encoding whose other half is kept.
pub(crate) fn x_at_or_above_q(p2: [u8; 96]) -> (Vec<[u8; 48]>, Vec<[u8; 96]>) {
    let (mut bad1, mut bad2) = (Vec::new(), Vec::new());
    for add in [0u8, 1] {
        let mut q = [0u8; 48];
        q.copy_from_slice(&Fq::MODULUS.to_bytes_be());
        q[47] = q[47].wrapping_add(add);
        let mut b = q;
        b[0] |= 0x80;
        bad1.push(b);
        let mut b = p2;
        b[..48].copy_from_slice(&q);
        b[0] |= 0x80;
        bad2.push(b);
        let mut b = p2;
        b[48..].copy_from_slice(&q);
        bad2.push(b);
    }
    (bad1, bad2)
}
