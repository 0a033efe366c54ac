//! BLS keys and their users beyond plain signing (issue 17): importing a secret key
//! (accepted and rejected), exporting it, proving possession, signing a proof-chain
//! entry and a checkpoint, attenuating and presenting a consent token.
//!
//! A key whose scalar must be secret while its public key is public (it is hashed or
//! compared, in variable time, on public data) is derived from secret IKM: the public
//! key is published at key generation, the scalar stays poisoned.

use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::{Action, BlsSigningKey, Checkpoint};
use cipherchart::{ConsentToken, Grant, Grantee, Narrowing, Window};
use cipherchart::{EntryDraft, GENESIS};
use rand_chacha::ChaCha20Rng;
use rand_core::RngCore;

use super::{case, output, secret};
use crate::{Case, Kind};

pub fn cases() -> Vec<Case> {
    vec![
        case("api_bls_key_import", Kind::Clean, 3, api_bls_key_import),
        case(
            "api_bls_key_import_reject",
            Kind::Clean,
            1,
            api_bls_key_import_reject,
        ),
        case("api_bls_key_export", Kind::Clean, 2, api_bls_key_export),
        case("api_bls_pop", Kind::Clean, 4, api_bls_pop),
        case("api_chain_sign", Kind::Clean, 5, api_chain_sign),
        case(
            "api_consent_attenuate",
            Kind::Clean,
            6,
            api_consent_attenuate,
        ),
    ]
}

/// A signing key from secret IKM: secret scalar, public (published) public key.
fn secret_key(rng: &mut ChaCha20Rng) -> Option<BlsSigningKey> {
    let mut ikm = [0u8; 32];
    rng.fill_bytes(&mut ikm);
    BlsSigningKey::from_ikm(&secret(ikm), b"").ok()
}

/// `BlsSigningKey::from_bytes` on secret bytes of a valid key: the range check and the
/// zero test run on the secret, only accept/reject is published; the key's export is
/// the output (still secret), so the import's result is checked to carry the secret.
#[inline(never)]
fn op_api_bls_key_import(bytes: &[u8; 32]) -> [u8; 32] {
    BlsSigningKey::from_secret_bytes(bytes).map_or([0; 32], |k| *k.to_secret_bytes())
}
fn api_bls_key_import(rng: &mut ChaCha20Rng) {
    let mut ikm = [0u8; 32];
    rng.fill_bytes(&mut ikm);
    let Ok(k) = BlsSigningKey::from_ikm(&ikm, b"") else {
        return;
    };
    let bytes = secret(*k.to_secret_bytes());
    output(op_api_bls_key_import(&bytes));
}

/// The reject path of the import on secret bytes: zero, r, r + 1 and 2^256 − 1, and a
/// random value with its top byte forced to 0xff (all ≥ r but zero). The same code runs
/// as for a valid key; only the reject bit is published (counted as declassified).
#[inline(never)]
fn op_api_bls_key_import_reject(keys: &[[u8; 32]; 5]) -> [u8; 5] {
    let mut out = [0u8; 5];
    for (o, k) in out.iter_mut().zip(keys) {
        *o = u8::from(BlsSigningKey::from_secret_bytes(k).is_err());
    }
    out
}
fn api_bls_key_import_reject(rng: &mut ChaCha20Rng) {
    // r, big-endian.
    let r: [u8; 32] = [
        0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8,
        0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00,
        0x00, 0x01,
    ];
    let mut r1 = r;
    r1[31] = 2;
    let mut high = [0u8; 32];
    rng.fill_bytes(&mut high);
    high[0] = 0xff;
    let keys = secret([[0u8; 32], r, r1, [0xff; 32], high]);
    output(op_api_bls_key_import_reject(&keys));
}

/// `SecretKeyBytes::to_secret_bytes` of a `BlsSigningKey`: the constant-time big-endian encoding of the secret scalar.
#[inline(never)]
fn op_api_bls_key_export(k: &BlsSigningKey) -> [u8; 32] {
    *k.to_secret_bytes()
}
fn api_bls_key_export(rng: &mut ChaCha20Rng) {
    let Some(k) = secret_key(rng) else { return };
    output(op_api_bls_key_export(&k));
}

/// `prove_possession`: the public key hashed to G2 (public), times the secret scalar.
#[inline(never)]
fn op_api_bls_pop(k: &BlsSigningKey) -> [u8; 96] {
    k.prove_possession().to_bytes()
}
fn api_bls_pop(rng: &mut ChaCha20Rng) {
    let Some(k) = secret_key(rng) else { return };
    output(op_api_bls_pop(&k));
}

/// Signing a proof-chain entry and a checkpoint with secret keys; the encoded entry and
/// checkpoint (whose signatures are published) are the output.
#[inline(never)]
fn op_api_chain_sign(actor: &BlsSigningKey, log_key: &BlsSigningKey) -> Vec<u8> {
    let draft = EntryDraft::for_payload(1_767_225_600, Action::Read, b"record-1".to_vec(), b"x");
    let Ok(entry) = draft.sign(0, GENESIS, actor) else {
        return Vec::new();
    };
    let Ok(cp) = Checkpoint::sign("example.org/log", 1, [7; 32], log_key) else {
        return Vec::new();
    };
    let mut out = entry.to_bytes();
    out.extend(cp.to_bytes());
    out
}
fn api_chain_sign(rng: &mut ChaCha20Rng) {
    let (Some(actor), Some(log_key)) = (secret_key(rng), secret_key(rng)) else {
        return;
    };
    output(op_api_chain_sign(&actor, &log_key));
}

/// Attenuating a consent token (the holder's secret key signs the new block over the
/// previous signature) and presenting it (the next holder's proof); the token is the
/// output.
#[inline(never)]
fn op_api_consent_attenuate(
    token: &ConsentToken,
    holder: &BlsSigningKey,
    next: &BlsSigningKey,
) -> Vec<u8> {
    let narrowing = Narrowing::new()
        .purposes(["treatment"])
        .holder(next.public_key());
    token
        .attenuate(holder, &narrowing)
        .and_then(|t| t.present(next))
        .map_or_else(|_| Vec::new(), |t| t.to_bytes())
}
fn api_consent_attenuate(rng: &mut ChaCha20Rng) {
    let mut ikm = [0u8; 32];
    rng.fill_bytes(&mut ikm);
    let (Some(holder), Some(next), Ok(patient), Ok(window)) = (
        secret_key(rng),
        secret_key(rng),
        BlsSigningKey::from_ikm(&ikm, b""),
        Window::new(1_767_225_600, 1_767_225_600 + 86_400),
    ) else {
        return;
    };
    // The token so far is public (issued with a public key and a public RNG).
    let grant = Grant::new("patient-42", Grantee::Key(holder.public_key()), window)
        .purposes(["treatment", "research"])
        .holder(holder.public_key());
    let Ok(token) = ConsentToken::issue(&patient, &grant, rng) else {
        return;
    };
    output(op_api_consent_attenuate(&token, &holder, &next));
}
