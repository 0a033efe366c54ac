//! The crate's public secret-handling operations, run end to end with secret inputs: a
//! secret RNG (every byte it hands out is poisoned), or keys derived from a poisoned
//! master key. `Clean` once routed through `ct` (gating), `Pending` while a report is
//! still expected (reported, not gating).

use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::{seal, Authority, BlsSigningKey, Policy, PublicKey, SealedRecord, UserKey};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

use super::field::SecretRng;
use super::{case, output};
use crate::valgrind::poison;
use crate::{Case, Kind};

pub fn cases() -> Vec<Case> {
    vec![
        case("api_authority_setup", Kind::Clean, 8, api_authority_setup),
        case("api_seal", Kind::Clean, 8, api_seal),
        case("api_issue_key", Kind::Clean, 8, api_issue_key),
        case("api_issue_key_msk", Kind::Clean, 8, api_issue_key_msk),
        case("api_open", Kind::Clean, 9, api_open),
        case("api_rekey", Kind::Clean, 9, api_rekey),
        case("api_reencrypt", Kind::Clean, 9, api_reencrypt),
        case("api_user_key_import", Kind::Clean, 6, api_user_key_import),
        case(
            "api_master_key_import",
            Kind::Clean,
            6,
            api_master_key_import,
        ),
        case("api_bls_keygen", Kind::Clean, 4, api_bls_keygen),
        case("api_bls_sign", Kind::Clean, 4, api_bls_sign),
    ]
}

/// Authority setup: every scalar of the master key comes from the secret RNG; the
/// public key is the output.
#[inline(never)]
fn op_api_authority_setup(rng: &mut SecretRng<'_>) -> Vec<u8> {
    Authority::setup(rng).public_key().to_bytes()
}
fn api_authority_setup(rng: &mut ChaCha20Rng) {
    output(op_api_authority_setup(&mut SecretRng(rng)));
}

/// Sealing a record under a one-attribute policy: the seed μ (and so the coins s1, s2
/// and the KEM value Z) comes from the secret RNG; the sealed record is the output.
#[inline(never)]
fn op_api_seal(pk: &PublicKey, policy: &Policy, rng: &mut SecretRng<'_>) -> Vec<u8> {
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

/// A public key, and an authority whose master key is poisoned in place (it holds
/// everything inline, no heap pointers).
fn secret_authority(rng: &mut ChaCha20Rng) -> (PublicKey, Authority) {
    let mut a = Authority::setup(rng);
    let pk = a.public_key().clone();
    poison(&mut a);
    (pk, a)
}

/// A user key for `attributes` whose points derive from the poisoned master key and
/// the secret RNG.
fn secret_key(a: &Authority, attributes: &[&str], rng: &mut ChaCha20Rng) -> Option<UserKey> {
    a.issue_key(attributes, &mut SecretRng(rng)).ok()
}

/// Key issue for one attribute; the key's (secret) encoding is the output, so the case
/// also covers the export of the key.
#[inline(never)]
fn op_api_issue_key(a: &Authority, rng: &mut SecretRng<'_>) -> Vec<u8> {
    match a.issue_key(&["role:nurse"], rng) {
        Ok(k) => k.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    }
}
fn api_issue_key(rng: &mut ChaCha20Rng) {
    let (_, a) = secret_authority(rng);
    output(op_api_issue_key(&a, &mut SecretRng(rng)));
}

/// Key issue with the master key as the only secret (a public RNG for `r`, `σ`): the
/// output is tainted through the poisoned `Authority` alone, so its poisoning is
/// complete (every master-key component reaches the key: `b_t` through `K0`, `a_t` and
/// `g^{d_t}` through `K'` and `K_y`).
fn api_issue_key_msk(rng: &mut ChaCha20Rng) {
    let (_, a) = secret_authority(rng);
    let mut public = rand_chacha::ChaCha20Rng::from_seed([7; 32]);
    output(op_api_issue_key_public_rng(&a, &mut public));
}
#[inline(never)]
fn op_api_issue_key_public_rng(a: &Authority, rng: &mut ChaCha20Rng) -> Vec<u8> {
    match a.issue_key(&["role:nurse"], rng) {
        Ok(k) => k.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    }
}

/// A record sealed (with a public RNG: the record is public) under `policy`.
fn record(pk: &PublicKey, policy: &str, rng: &mut ChaCha20Rng) -> Option<SealedRecord> {
    let policy = Policy::parse(policy).ok()?;
    seal(pk, &policy, b"record-1", b"", b"payload", rng).ok()
}

/// Opening a record with a secret key (DecCore, the FO recomputation, the AEAD).
#[inline(never)]
fn op_api_open(key: &UserKey, pk: &PublicKey, r: &SealedRecord) -> Vec<u8> {
    key.open(pk, r).unwrap_or_default()
}
fn api_open(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let (Some(key), Some(r)) = (
        secret_key(&a, &["role:nurse"], rng),
        record(&pk, "role:nurse", rng),
    ) else {
        return;
    };
    output(op_api_open(&key, &pk, &r));
}

/// Re-key: blinding the (secret) delegation key by the secret `1/z`, the capsule from
/// the secret RNG; the re-key's (secret) encoding is the output.
#[inline(never)]
fn op_api_rekey(
    key: cipherchart::DelegationKey,
    pk: &PublicKey,
    rng: &mut SecretRng<'_>,
) -> Vec<u8> {
    let Ok(target) = Policy::parse("role:auditor") else {
        return Vec::new();
    };
    match key.rekey(pk, &target, rng) {
        Ok(rk) => rk.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    }
}
fn api_rekey(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let Some(key) = delegation_key(&a, &["role:nurse"], rng) else {
        return;
    };
    output(op_api_rekey(key, &pk, &mut SecretRng(rng)));
}

/// A delegation key for `attributes` (derived from the poisoned master key and the
/// secret RNG), naming a public consent key.
fn delegation_key(
    a: &Authority,
    attributes: &[&str],
    rng: &mut ChaCha20Rng,
) -> Option<cipherchart::DelegationKey> {
    let consent = cipherchart::BlsSigningKey::generate(rng).public_key();
    a.issue_delegation_key(attributes, &consent, &mut SecretRng(rng))
        .ok()
}

/// The proxy's re-encryption with a blinded (secret) re-key: DecCore on `K̃`.
#[inline(never)]
fn op_api_reencrypt(rk: &cipherchart::ReKey, r: &SealedRecord) -> Vec<u8> {
    rk.reencrypt(r).map(|r| r.to_bytes()).unwrap_or_default()
}
fn api_reencrypt(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let (Some(key), Some(r), Ok(target)) = (
        delegation_key(&a, &["role:nurse"], rng),
        record(&pk, "role:nurse", rng),
        Policy::parse("role:auditor"),
    ) else {
        return;
    };
    let Ok(rk) = key.rekey(&pk, &target, &mut SecretRng(rng)) else {
        return;
    };
    output(op_api_reencrypt(&rk, &r));
}

/// Importing a stored user key: its point bytes (the last 3 × 96 + 6 × 48 of a
/// one-attribute key) are secret, the attribute names public. Key import decodes them
/// in constant time (`ct::compress::decode_secret`); only accept/reject is public.
#[inline(never)]
fn op_api_user_key_import(bytes: &[u8]) -> Vec<u8> {
    UserKey::from_bytes(bytes).map_or_else(|_| Vec::new(), |k| k.to_bytes().to_vec())
}
fn api_user_key_import(rng: &mut ChaCha20Rng) {
    let a = Authority::setup(rng);
    let Ok(key) = a.issue_key(&["role:nurse"], rng) else {
        return;
    };
    let mut bytes = key.to_bytes().to_vec();
    let points = 3 * 96 + 6 * 48;
    let Some(start) = bytes.len().checked_sub(points) else {
        return;
    };
    crate::valgrind::poison(&mut bytes[start..]);
    output(op_api_user_key_import(&bytes));
}

/// Importing an exported master key: the scalars a, b and the points g^{d_t} (everything
/// after the header) are secret; the recomputed public key is the output.
#[inline(never)]
fn op_api_master_key_import(bytes: &[u8]) -> Vec<u8> {
    Authority::from_secret_bytes(bytes).map_or_else(|_| Vec::new(), |a| a.public_key().to_bytes())
}
fn api_master_key_import(rng: &mut ChaCha20Rng) {
    let a = Authority::setup(rng);
    let mut bytes = a.to_secret_bytes().to_vec();
    let secret = 4 * 32 + 3 * 48;
    let Some(start) = bytes.len().checked_sub(secret) else {
        return;
    };
    crate::valgrind::poison(&mut bytes[start..]);
    output(op_api_master_key_import(&bytes));
}

/// BLS KeyGen from secret input keying material; the public key is the output.
#[inline(never)]
fn op_api_bls_keygen(ikm: &[u8; 32]) -> [u8; 48] {
    BlsSigningKey::from_ikm(ikm, b"").map_or([0; 48], |k| k.public_key().to_bytes())
}
fn api_bls_keygen(rng: &mut ChaCha20Rng) {
    let mut ikm = [0u8; 32];
    rand_core::RngCore::fill_bytes(rng, &mut ikm);
    let ikm = super::secret(ikm);
    output(op_api_bls_keygen(&ikm));
}

/// BLS signing with a secret key (the key struct, held inline, is poisoned in place);
/// the signature is the output.
#[inline(never)]
fn op_api_bls_sign(k: &BlsSigningKey) -> [u8; 96] {
    k.sign(b"consent token").to_bytes()
}
fn api_bls_sign(rng: &mut ChaCha20Rng) {
    let mut ikm = [0u8; 32];
    rand_core::RngCore::fill_bytes(rng, &mut ikm);
    let Ok(mut k) = BlsSigningKey::from_ikm(&ikm, b"") else {
        return;
    };
    poison(&mut k);
    output(op_api_bls_sign(&k));
}
