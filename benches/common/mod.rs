//! Fixtures shared by the `abe` and `pre` benches: deterministic RNGs, policies of n
//! attributes in two shapes, record sealing and the DESIGN.md §6 size formulas.

#![allow(dead_code)] // each bench uses a different subset

use cipherchart::{seal, Policy, PublicKey, SealedRecord};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// Payload of every benchmarked record: 1 KiB, like the peers in the research notes.
pub const PAYLOAD: [u8; 1024] = [0x5a; 1024];
/// Metadata of every benchmarked record.
pub const METADATA: &[u8] = b"ecg";

/// A seeded ChaCha20 RNG (the library only needs `RngCore + CryptoRng`).
pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// Whether criterion was started by `cargo bench` (`--bench` without `--test`), as
/// opposed to its test mode under `cargo test --all-targets` (each bench once).
pub fn bench_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test")
}

/// The two policy shapes of the benches.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// `a1 and a2 and …`: one LSSS row per attribute, a key needs all of them.
    And,
    /// `a1 or a2 or …`: one row per attribute, a key needs one.
    Or,
}

impl Shape {
    /// The keyword, also the benchmark id's function name.
    pub fn name(self) -> &'static str {
        match self {
            Shape::And => "and",
            Shape::Or => "or",
        }
    }
}

/// `prefix:a{i}`.
pub fn attribute(prefix: &str, i: usize) -> String {
    format!("{prefix}:a{i}")
}

/// `prefix:a1`, …, `prefix:a{n}`.
pub fn attributes(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| attribute(prefix, i)).collect()
}

/// `p:a1 and p:a2 and …` (or `or`), n attributes.
pub fn policy(prefix: &str, shape: Shape, n: usize) -> Policy {
    let text = attributes(prefix, n).join(&format!(" {} ", shape.name()));
    Policy::parse(&text).unwrap()
}

/// The smallest key that opens the policy: all n attributes for AND, the last one
/// alone for OR.
pub fn opening_attributes(prefix: &str, shape: Shape, n: usize) -> Vec<String> {
    match shape {
        Shape::And => attributes(prefix, n),
        Shape::Or => vec![attribute(prefix, n)],
    }
}

/// The record id of the i-th record of a fixture.
pub fn record_id(i: usize) -> Vec<u8> {
    format!("bench-record-{i:06}").into_bytes()
}

/// Seals [`PAYLOAD`] as record `i` under `policy`.
pub fn seal_record(
    pk: &PublicKey,
    policy: &Policy,
    i: usize,
    rng: &mut ChaCha20Rng,
) -> SealedRecord {
    seal(pk, policy, &record_id(i), METADATA, &PAYLOAD, rng).unwrap()
}

/// DESIGN.md §6, one KEM header: 320 + 144·rows bytes (C0 = 3·96, masked seed 32,
/// one row = 3·48).
pub fn header_formula(rows: usize) -> usize {
    320 + 144 * rows
}

/// The framing of a KEM header beyond the formula: the policy text with its `u32`
/// length and the `u32` row count.
pub fn header_framing(policy: &Policy) -> usize {
    4 + policy.to_bytes().len() + 4
}

/// The framing of a sealed record beyond its header's formula (`docs/formats.md`,
/// "SealedRecord"): object header 4, record id and metadata with `u32` lengths, the
/// header framing, the body (payload + 16-byte Poly1305 tag) with its `u32` length,
/// the hop count 1.
pub fn record_framing(policy: &Policy, record_id_len: usize) -> usize {
    4 + 4 + record_id_len + 4 + METADATA.len() + header_framing(policy) + 4 + PAYLOAD.len() + 16 + 1
}

/// The framing of one hop beyond its GT element (576) and its capsule header's
/// formula: the 16-byte grant id and the capsule's header framing.
pub fn hop_framing(target: &Policy) -> usize {
    16 + header_framing(target)
}
