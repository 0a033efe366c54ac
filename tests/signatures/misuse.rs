//! Misuse resistance of signatures (issue 10, `docs/security.md` §11 "Misuse resistance
//! review"): each test takes one way a hurried user or an attacker might skip a check
//! through the public API, and shows that the library refuses it with a typed error (or
//! that the unsafe thing cannot be written at all). The shared world (an authority, a
//! stranger authority, a patient's and a doctor's key, one record) is `common::misuse`.

#![allow(clippy::unwrap_used)]

use crate::common::rng;
use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::Error;
use cipherchart::{fast_aggregate_verify, BlsPublicKey, BlsSignature, BlsSigningKey};

#[test]
fn identity_and_non_canonical_bls_encodings_are_refused() {
    let mut identity_pk = [0u8; 48];
    identity_pk[0] = 0xc0;
    assert!(BlsPublicKey::from_bytes(&identity_pk).is_err());
    let mut identity_sig = [0u8; 96];
    identity_sig[0] = 0xc0;
    assert!(BlsSignature::from_bytes(&identity_sig).is_err());
    assert!(BlsSigningKey::from_secret_bytes(&[0u8; 32]).is_err());
    assert!(BlsSigningKey::from_secret_bytes(&[0xff; 32]).is_err());
    assert!(BlsSigningKey::from_ikm(&[7u8; 31], b"").is_err());
}

#[test]
fn a_signature_is_not_a_proof_of_possession_and_aggregates_need_keys() {
    let mut rng = rng(10);
    let sk = BlsSigningKey::generate(&mut rng);
    let pk = sk.public_key();
    // Signing the key's own bytes under the message tag does not make a PoP.
    assert_eq!(
        pk.verify_possession(&sk.sign(&pk.to_bytes())),
        Err(Error::VerificationFailed)
    );
    assert!(pk.verify_possession(&sk.prove_possession()).is_ok());
    // ...nor is a PoP a signature on those bytes.
    assert_eq!(
        pk.verify(&pk.to_bytes(), &sk.prove_possession()),
        Err(Error::VerificationFailed)
    );
    assert_eq!(
        fast_aggregate_verify(&[], b"m", &sk.sign(b"m"))
            .err()
            .map(|e| e.code()),
        Some("invalid_argument")
    );
}
