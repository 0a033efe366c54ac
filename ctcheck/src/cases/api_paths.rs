//! Constant-time paths that the other end-to-end cases never reach (issue 17): a record
//! whose AEAD tag is wrong (the reject path of opening), a threshold policy (non-unit
//! reconstruction coefficients; also with 9 rows, the batched FO check's cached row bases), a re-encrypted record (the hop loop), a record referred
//! to another authority (federation: the cross-authority blinding and capsules), and sealing past
//! the point where a policy row gets its fixed-base combs (its 8th use).

use cipherchart::{seal, Authority, Policy, PublicKey, SealedRecord, UserKey};
use rand_chacha::ChaCha20Rng;

use super::field::SecretRng;
use super::{case, output};
use crate::valgrind::poison;
use crate::{Case, Kind};

pub fn cases() -> Vec<Case> {
    vec![
        case("api_open_bad_tag", Kind::Clean, 9, api_open_bad_tag),
        case("api_open_threshold", Kind::Clean, 9, api_open_threshold),
        case(
            "api_open_threshold_batched",
            Kind::Clean,
            10,
            api_open_threshold_batched,
        ),
        case(
            "api_open_reencrypted",
            Kind::Clean,
            10,
            api_open_reencrypted,
        ),
        case("api_open_federated", Kind::Clean, 10, api_open_federated),
        case("api_seal_hot_rows", Kind::Clean, 9, api_seal_hot_rows),
    ]
}

/// A poisoned authority, its public key, and a secret user key for `attributes`.
fn secret_key(
    rng: &mut ChaCha20Rng,
    attributes: &[&str],
) -> Option<(PublicKey, Authority, UserKey)> {
    let mut a = Authority::setup(rng);
    let pk = a.public_key().clone();
    poison(&mut a);
    let key = a.issue_key(attributes, &mut SecretRng(rng)).ok()?;
    Some((pk, a, key))
}

/// A record (public: sealed with a public RNG) under `policy`.
fn record(pk: &PublicKey, policy: &str, rng: &mut ChaCha20Rng) -> Option<SealedRecord> {
    let policy = Policy::parse(policy).ok()?;
    seal(pk, &policy, b"record-1", b"", b"payload", rng).ok()
}

#[inline(never)]
fn op_api_open(key: &UserKey, pk: &PublicKey, r: &SealedRecord) -> Vec<u8> {
    key.open(pk, r).unwrap_or_default()
}

/// Opening a record whose AEAD tag has a flipped bit, with a secret key:
/// DecCore, the FO recomputation, then the AEAD's reject. Only the reject is public.
fn api_open_bad_tag(rng: &mut ChaCha20Rng) {
    let Some((pk, _, key)) = secret_key(rng, &["role:nurse"]) else {
        return;
    };
    let Some(r) = record(&pk, "role:nurse", rng) else {
        return;
    };
    // The encoding ends with the body (its last 16 bytes are the tag) and the hop count.
    let mut bytes = r.to_bytes();
    let Some(tag_end) = bytes.len().checked_sub(2) else {
        return;
    };
    bytes[tag_end] ^= 1;
    let Ok(tampered) = SealedRecord::from_bytes(&bytes) else {
        return;
    };
    output(op_api_open(&key, &pk, &tampered));
}

/// Opening a `2 of (…)` record with two of the three attributes: the reconstruction
/// coefficients are not all 1, so the key sum multiplies key points by them.
fn api_open_threshold(rng: &mut ChaCha20Rng) {
    let Some((pk, _, key)) = secret_key(rng, &["role:nurse", "hospital:h1"]) else {
        return;
    };
    let Some(r) = record(&pk, "2 of (role:nurse, dept:icu, hospital:h1)", rng) else {
        return;
    };
    output(op_api_open(&key, &pk, &r));
}

#[inline(never)]
fn op_api_open_threshold_batched(
    key: &UserKey,
    pk: &PublicKey,
    records: &[SealedRecord],
) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        out.extend(key.open(pk, r).unwrap_or_default());
    }
    out
}

/// Opening three records under one 9-row threshold, `3 of (t:0, …, t:8)`, with a secret
/// key for three of its attributes (fourth review of issue 19): the batched FO check
/// (from 8 rows) weighs the rows by columns on the policy's first use, builds and caches
/// its row bases (Horner) on the second and reads them on the third; DecCore multiplies
/// the secret key points by the non-unit γ with the public-scalar Straus
/// (`msm_public_scalars`). One process runs the seeds in turn, so later seeds start with
/// the row bases cached.
fn api_open_threshold_batched(rng: &mut ChaCha20Rng) {
    let Some((pk, _, key)) = secret_key(rng, &["t:1", "t:4", "t:8"]) else {
        return;
    };
    let policy = "3 of (t:0, t:1, t:2, t:3, t:4, t:5, t:6, t:7, t:8)";
    let (Some(r1), Some(r2), Some(r3)) = (
        record(&pk, policy, rng),
        record(&pk, policy, rng),
        record(&pk, policy, rng),
    ) else {
        return;
    };
    output(op_api_open_threshold_batched(&key, &pk, &[r1, r2, r3]));
}

/// Opening a re-encrypted record with a secret key for the target policy: the hop loop
/// (`R^z` per hop) after DecCore on the original layer's header.
fn api_open_reencrypted(rng: &mut ChaCha20Rng) {
    let Some((pk, a, _nurse)) = secret_key(rng, &["role:nurse"]) else {
        return;
    };
    let consent = cipherchart::BlsSigningKey::generate(rng).public_key();
    let (Some(r), Ok(target), Ok(auditor), Ok(delegation)) = (
        record(&pk, "role:nurse", rng),
        Policy::parse("role:auditor"),
        a.issue_key(&["role:auditor"], &mut SecretRng(rng)),
        a.issue_delegation_key(&["role:nurse"], &consent, &mut SecretRng(rng)),
    ) else {
        return;
    };
    let Ok(rk) = delegation.rekey(&pk, &target, &mut SecretRng(rng)) else {
        return;
    };
    let Ok(re) = rk.reencrypt(&r) else {
        return;
    };
    output(op_api_open(&auditor, &pk, &re));
}

#[inline(never)]
fn op_api_open_federated(key: &UserKey, pks: &[&PublicKey], r: &SealedRecord) -> Vec<u8> {
    key.open_federated(pks, r).unwrap_or_default()
}

/// Federation (`docs/federation.md`): a record of authority A, referred by a
/// cross-authority re-key (made with secret randomness) to B's audience, opened with a
/// secret key of B's: DecCore on B's capsules, the cross-authority blinding `z`, the hop
/// loop, and the FO check of A's header under A's public key.
fn api_open_federated(rng: &mut ChaCha20Rng) {
    let (Some((pk_a, a, _)), Some((pk_b, _b, surgeon))) = (
        secret_key(rng, &["role:nurse"]),
        secret_key(rng, &["role:surgeon"]),
    ) else {
        return;
    };
    let consent = cipherchart::BlsSigningKey::generate(rng).public_key();
    let (Some(r), Ok(target), Ok(delegation)) = (
        record(&pk_a, "role:nurse", rng),
        Policy::parse("role:surgeon"),
        a.issue_delegation_key(&["role:nurse"], &consent, &mut SecretRng(rng)),
    ) else {
        return;
    };
    let Ok(rk) = delegation.rekey_to(&pk_b, &target, &mut SecretRng(rng)) else {
        return;
    };
    let Ok(re) = rk.reencrypt(&r) else {
        return;
    };
    output(op_api_open_federated(&surgeon, &[&pk_a, &pk_b], &re));
}

/// Sealing nine records under one policy with the secret RNG: the rows are used for the
/// 8th time by the 8th seal (their combs are built then, from public bases) and the 9th
/// uses the cached combs (`joint_comb_mul` on the secret coins). One process runs the
/// seeds in turn, so later seeds start with the combs cached.
#[inline(never)]
fn op_api_seal_hot_rows(pk: &PublicKey, policy: &Policy, rng: &mut SecretRng<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..9u8 {
        match seal(pk, policy, &[b'r', i], b"", b"payload", rng) {
            Ok(r) => out.extend(r.to_bytes()),
            Err(_) => return Vec::new(),
        }
    }
    out
}
fn api_seal_hot_rows(rng: &mut ChaCha20Rng) {
    let a = Authority::setup(rng);
    let Ok(policy) = Policy::parse("role:nurse and dept:icu") else {
        return;
    };
    output(op_api_seal_hot_rows(
        a.public_key(),
        &policy,
        &mut SecretRng(rng),
    ));
}
