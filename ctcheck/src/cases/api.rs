//! The crate's public secret-handling operations, run end to end with a secret RNG (or
//! a secret master key). `Pending` until the lead routes them through `ct`: then each
//! becomes `Clean` and gates.

use cipherchart::{seal, Authority, Policy};
use rand_chacha::ChaCha20Rng;

use super::field::SecretRng;
use super::{case, output};
use crate::valgrind::poison;
use crate::{Case, Kind};

pub fn cases() -> Vec<Case> {
    vec![
        case("api_authority_setup", Kind::Pending, 8, api_authority_setup),
        case("api_issue_key", Kind::Pending, 8, api_issue_key),
        case("api_seal", Kind::Pending, 8, api_seal),
    ]
}

/// Authority setup: every scalar of the master key comes from the secret RNG.
#[inline(never)]
fn op_api_authority_setup(rng: &mut SecretRng<'_>) -> Vec<u8> {
    Authority::setup(rng).public_key().to_bytes()
}
fn api_authority_setup(rng: &mut ChaCha20Rng) {
    output(op_api_authority_setup(&mut SecretRng(rng)));
}

/// Key issue for one attribute: the master key (poisoned in place) and the RNG are
/// secret; the key's encoding is the output.
#[inline(never)]
fn op_api_issue_key(a: &Authority, rng: &mut SecretRng<'_>) -> Vec<u8> {
    match a.issue_key(&["role:nurse"], rng) {
        Ok(k) => k.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    }
}
fn api_issue_key(rng: &mut ChaCha20Rng) {
    let mut a = Authority::setup(rng);
    // The authority holds its master key inline (no heap pointers): poison all of it.
    poison(&mut a);
    output(op_api_issue_key(&a, &mut SecretRng(rng)));
}

/// Sealing a record under a one-attribute policy: the seed μ (and so the coins s1, s2
/// and the KEM value Z) comes from the secret RNG; the sealed record is the output.
#[inline(never)]
fn op_api_seal(pk: &cipherchart::PublicKey, policy: &Policy, rng: &mut SecretRng<'_>) -> Vec<u8> {
    match seal(pk, policy, b"record-1", b"", b"payload", rng) {
        Ok(r) => r.to_bytes(),
        Err(_) => Vec::new(),
    }
}
fn api_seal(rng: &mut ChaCha20Rng) {
    let a = Authority::setup(rng);
    let Ok(policy) = Policy::parse("role:nurse") else {
        return;
    };
    output(op_api_seal(a.public_key(), &policy, &mut SecretRng(rng)));
}
