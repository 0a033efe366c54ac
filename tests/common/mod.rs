//! Shared fixtures of the integration tests (`tests/<subject>/main.rs` each include this
//! module): seeded randomness and policies, re-key builders, the byte-layout helpers of
//! `docs/formats.md` that the attack tests cut records with, and the world of the
//! misuse-resistance tests (`misuse`). Each binary uses a part of it.

#![allow(dead_code, clippy::unwrap_used)]

use cipherchart::{
    Authority, BlsPublicKey, BlsSigningKey, ConsentToken, Policy, ReKey, RevocationSet,
    VerifiedConsent,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

pub mod forged;
pub mod misuse;
pub mod policy_shapes;
pub mod record_layout;

/// 2026-01-01T00:00:00Z, the start of the consent windows in these tests.
pub const T0: u64 = 1_767_225_600;
pub const DAY: u64 = 86_400;

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub fn policy(text: &str) -> Policy {
    Policy::parse(text).unwrap()
}

/// `prefix:0`, …, `prefix:n−1`.
pub fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}:{i}")).collect()
}

/// A delegation key for `attributes`, issued for `delegator`, made into a re-key to `to`.
pub fn grant(
    authority: &Authority,
    attributes: &[&str],
    delegator: &BlsSigningKey,
    to: &str,
    rng: &mut ChaCha20Rng,
) -> ReKey {
    authority
        .issue_delegation_key(attributes, &delegator.public_key(), rng)
        .unwrap()
        .rekey(authority.public_key(), &policy(to), rng)
        .unwrap()
}

// ---------------------------------------------------------------------------------
// Byte layouts (`docs/formats.md`): what the attack tests cut and rebuild records with.
// ---------------------------------------------------------------------------------

/// An authority id (SHA-256 of its public key) at the start of keys and KEM headers.
pub const AUTHORITY_ID_LEN: usize = 32;

/// A hop's grant id (16) and delegator (48).
pub const GRANT: usize = 16 + 48;

/// `len32 ‖ bytes`.
pub fn lp(bytes: &[u8]) -> Vec<u8> {
    let mut out = (bytes.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(bytes);
    out
}

/// The big-endian u32 at `at`, as a length.
pub fn u32_at(bytes: &[u8], at: usize) -> usize {
    u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize
}

/// The offset after the `len32 ‖ bytes` field at `at`.
pub fn skip_lp(bytes: &[u8], at: usize) -> usize {
    at + 4 + u32_at(bytes, at)
}

/// End of a KEM header starting at `at`: authority (32) ‖ lp(policy) ‖ C0 (288) ‖
/// rows32 ‖ rows × 144 ‖ c' (32).
pub fn kem_end(bytes: &[u8], at: usize) -> usize {
    let rows_at = skip_lp(bytes, at + 32) + 288;
    rows_at + 4 + u32_at(bytes, rows_at) * 144 + 32
}

/// The libtest name of the test `test` in the module `module` (pass `module_path!()`):
/// the module path without the crate (binary) name, for re-running one test of this
/// binary in a child process with `--exact`.
pub fn test_path(module: &str, test: &str) -> String {
    match module.split_once("::") {
        Some((_, path)) => format!("{path}::{test}"),
        None => test.to_owned(),
    }
}

/// [`ConsentToken::verify`] with the token first, as the tests read it.
pub fn verify(
    token: &ConsentToken,
    issuer: &BlsPublicKey,
    now: u64,
    revoked: &RevocationSet,
) -> cipherchart::Result<VerifiedConsent> {
    token.verify(issuer, now, revoked)
}
