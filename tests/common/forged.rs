//! Sealed records and KEM headers made for free (`docs/formats.md`, "Sealed record"):
//! every group element the generator, a zero masked seed, what an attacker can send
//! without holding any key. Shared by the attack tests (through `tests/common`) and
//! `benches/worst_case.rs` (which includes this file by path), so it stands alone.

#![allow(clippy::expect_used)] // Test fixtures: a failure here is a broken test.

use ark_bls12_381::{G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_serialize::CanonicalSerialize;

/// `u32` big-endian length ‖ bytes.
fn lp(bytes: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(bytes.len())
        .expect("short")
        .to_be_bytes()
        .to_vec();
    out.extend_from_slice(bytes);
    out
}

/// The compressed generator of G1 (48 bytes).
pub fn g1_generator() -> Vec<u8> {
    let mut g1 = Vec::new();
    G1Affine::generator()
        .serialize_compressed(&mut g1)
        .expect("encodes");
    g1
}

/// The compressed generator of G2 (96 bytes).
pub fn g2_generator() -> Vec<u8> {
    let mut g2 = Vec::new();
    G2Affine::generator()
        .serialize_compressed(&mut g2)
        .expect("encodes");
    g2
}

/// A KEM header of `authority` under `policy_text` with `rows` rows: authority ‖
/// lp(policy) ‖ C0 (3 G2) ‖ u32 rows ‖ rows · 3 G1 ‖ masked seed (32 zero bytes).
pub fn forged_kem(authority: [u8; 32], policy_text: &str, rows: usize) -> Vec<u8> {
    let mut out = authority.to_vec();
    out.extend(lp(policy_text.as_bytes()));
    for _ in 0..3 {
        out.extend(g2_generator());
    }
    out.extend_from_slice(&u32::try_from(rows).expect("rows").to_be_bytes());
    for _ in 0..3 * rows {
        out.extend(g1_generator());
    }
    out.extend_from_slice(&[0u8; 32]);
    out
}

/// The bytes of a sealed record (format v2) around [`forged_kem`]: id `forged`, no
/// metadata, a 16-byte body of zeroes, no hops.
pub fn forged_record(authority: [u8; 32], policy_text: &str, rows: usize) -> Vec<u8> {
    let mut out = vec![0x43, 0x43, 0x04, 0x02];
    out.extend(lp(b"forged"));
    out.extend(lp(b""));
    out.extend(forged_kem(authority, policy_text, rows));
    out.extend(lp(&[0u8; 16]));
    out.push(0); // no hops
    out
}
