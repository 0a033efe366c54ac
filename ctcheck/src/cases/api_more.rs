//! The rest of the public secret-handling operations: sessions and streams (one KEM
//! header, then per-record or per-chunk AEAD under keys derived from the secret seed),
//! and issuing a consent token (BLS signing with the patient's key). As in `api.rs`:
//! secret RNG bytes or poisoned keys in, the (tainted) result out.

use cipherchart::{Authority, BlsSigningKey, Policy, PublicKey, UserKey};
use cipherchart::{ConsentToken, Grant, Grantee, Window};
use rand_chacha::ChaCha20Rng;

use super::field::SecretRng;
use super::{case, output};
use crate::valgrind::poison;
use crate::{Case, Kind};

pub fn cases() -> Vec<Case> {
    vec![
        case("api_session_seal", Kind::Clean, 8, api_session_seal),
        case("api_session_open", Kind::Clean, 9, api_session_open),
        case("api_stream_seal", Kind::Clean, 8, api_stream_seal),
        case("api_stream_open", Kind::Clean, 9, api_stream_open),
        case("api_consent_issue", Kind::Clean, 4, api_consent_issue),
    ]
}

/// An authority whose master key is poisoned in place, its public key, and a user key
/// for `role:nurse` derived from it (so the key is secret too).
fn secret_key(rng: &mut ChaCha20Rng) -> Option<(PublicKey, UserKey)> {
    let mut a = Authority::setup(rng);
    let pk = a.public_key().clone();
    poison(&mut a);
    let key = a.issue_key(&["role:nurse"], &mut SecretRng(rng)).ok()?;
    Some((pk, key))
}

/// Starting a session (the KEM seed from the secret RNG, the session key derived from
/// it) and sealing two records under their subkeys; the header and records are the
/// output.
#[inline(never)]
fn op_api_session_seal(pk: &PublicKey, policy: &Policy, rng: &mut SecretRng<'_>) -> Vec<u8> {
    let Ok((header, mut sealer)) = cipherchart::start_session(pk, policy, b"s-1", b"", rng) else {
        return Vec::new();
    };
    let mut out = header.to_bytes();
    for metadata in [&b"r0"[..], b"r1"] {
        match sealer.seal(metadata, b"heart rate 72") {
            Ok(r) => out.extend(r.to_bytes()),
            Err(_) => return Vec::new(),
        }
    }
    out
}
fn api_session_seal(rng: &mut ChaCha20Rng) {
    let a = Authority::setup(rng);
    let Ok(policy) = Policy::parse("role:nurse") else {
        return;
    };
    output(op_api_session_seal(
        a.public_key(),
        &policy,
        &mut SecretRng(rng),
    ));
}

/// Opening a session with a secret key (one decapsulation) and two of its records; the
/// payloads are the output.
#[inline(never)]
fn op_api_session_open(
    key: &UserKey,
    pk: &PublicKey,
    header: &cipherchart::SessionHeader,
    records: &[cipherchart::SessionRecord],
) -> Vec<u8> {
    let Ok(opener) = key.open_session(pk, header) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in records {
        out.extend(opener.open(r).unwrap_or_default());
    }
    out
}
fn api_session_open(rng: &mut ChaCha20Rng) {
    let Some((pk, key)) = secret_key(rng) else {
        return;
    };
    let Ok(policy) = Policy::parse("role:nurse") else {
        return;
    };
    // The session itself is public data, sealed with a public RNG.
    let Ok((header, mut sealer)) = cipherchart::start_session(&pk, &policy, b"s-1", b"", rng)
    else {
        return;
    };
    let records: Vec<_> = [&b"r0"[..], b"r1"]
        .iter()
        .filter_map(|m| sealer.seal(m, b"heart rate 72").ok())
        .collect();
    output(op_api_session_open(&key, &pk, &header, &records));
}

/// The stream payload: three chunks of 16 bytes (and the last one).
const CHUNK: u32 = 16;
const PAYLOAD: &[u8] = b"ECG lead II, 250 Hz, 40 samples of 8 bit";

/// Sealing a stream (the KEM seed from the secret RNG, the STREAM key derived from it,
/// every chunk); the sealed stream is the output.
#[inline(never)]
fn op_api_stream_seal(pk: &PublicKey, policy: &Policy, rng: &mut SecretRng<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    match cipherchart::seal_stream_with_chunk_size(
        pk, policy, b"ecg-1", b"", CHUNK, PAYLOAD, &mut out, rng,
    ) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}
fn api_stream_seal(rng: &mut ChaCha20Rng) {
    let a = Authority::setup(rng);
    let Ok(policy) = Policy::parse("role:nurse") else {
        return;
    };
    output(op_api_stream_seal(
        a.public_key(),
        &policy,
        &mut SecretRng(rng),
    ));
}

/// Opening a stream with a secret key: decapsulation, then every chunk; the payload is
/// the output.
#[inline(never)]
fn op_api_stream_open(key: &UserKey, pk: &PublicKey, sealed: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match key.open_stream(pk, sealed, &mut out) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}
fn api_stream_open(rng: &mut ChaCha20Rng) {
    let Some((pk, key)) = secret_key(rng) else {
        return;
    };
    let Ok(policy) = Policy::parse("role:nurse") else {
        return;
    };
    let mut sealed = Vec::new();
    if cipherchart::seal_stream_with_chunk_size(
        &pk,
        &policy,
        b"ecg-1",
        b"",
        CHUNK,
        PAYLOAD,
        &mut sealed,
        rng,
    )
    .is_err()
    {
        return;
    }
    output(op_api_stream_open(&key, &pk, &sealed));
}

/// Issuing a consent token with the patient's secret BLS key, derived from secret input
/// keying material (so the scalar is secret and the public key, published at key
/// generation, is not; poisoning the key struct in place would taint its cached public
/// key, which the token carries and hashes). The nonce comes from a public RNG; the
/// token, whose signature is tainted, is the output.
#[inline(never)]
fn op_api_consent_issue(patient: &BlsSigningKey, grant: &Grant, rng: &mut ChaCha20Rng) -> Vec<u8> {
    ConsentToken::issue(patient, grant, rng).map_or_else(|_| Vec::new(), |t| t.to_bytes())
}
fn api_consent_issue(rng: &mut ChaCha20Rng) {
    let mut ikm = [0u8; 32];
    rand_core::RngCore::fill_bytes(rng, &mut ikm);
    let ikm = super::secret(ikm);
    let (Ok(patient), Ok(grantee), Ok(window)) = (
        BlsSigningKey::from_ikm(&ikm, b""),
        Policy::parse("hospital:h2"),
        Window::new(1_767_225_600, 1_767_225_600 + 86_400),
    ) else {
        return;
    };
    let grant = Grant::new("patient-42", Grantee::Policy(grantee), window).purposes(["treatment"]);
    output(op_api_consent_issue(&patient, &grant, rng));
}
