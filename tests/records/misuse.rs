//! Misuse resistance of sealing and opening (issue 10, `docs/security.md` §11 "Misuse
//! resistance review"): each test takes one way a hurried user or an attacker might skip a
//! check through the public API, and shows that the library refuses it with a typed error
//! (or that the unsafe thing cannot be written at all). The shared world (an authority, a
//! stranger authority, a patient's and a doctor's key, one record) is `common::misuse`.

#![allow(clippy::unwrap_used)]

use crate::common::misuse::{pk, world};
use crate::common::{policy, rng};
use cipherchart::{seal, Error};

#[test]
fn a_key_of_another_authority_gets_a_typed_error_not_garbage() {
    let w = world();
    let mut rng = rng(2);
    let stranger = w.other.issue_key(&["patient:42"], &mut rng).unwrap();
    // Its attributes satisfy the policy. v1: the FO check refused it
    // (`DecryptionFailed`). v2: keys and headers name their authority, so it is refused
    // before any pairing with `WrongAuthority`.
    assert_eq!(stranger.authority(), w.other.public_key().id());
    assert_eq!(stranger.open(pk(), &w.record), Err(Error::WrongAuthority));
    assert_eq!(
        stranger.open(w.other.public_key(), &w.record),
        Err(Error::WrongAuthority)
    );
    // The right key with the wrong public key: refused too (v1: headers bound to the
    // public key's id, `DecryptionFailed`; v2: `WrongAuthority`).
    assert_eq!(
        w.patient.open(w.other.public_key(), &w.record),
        Err(Error::WrongAuthority)
    );
    assert_eq!(w.patient.open(pk(), &w.record).unwrap(), b"sinus rhythm");
}

#[test]
fn two_records_sealed_with_one_rng_state_differ_only_if_the_rng_moves_on() {
    // The one-time AEAD key comes from the sealing RNG: a fresh (or advancing) RNG gives
    // a fresh key per record even for the same id, policy and payload.
    let mut rng = rng(3);
    let p = policy("patient:42");
    let a = seal(pk(), &p, b"id", b"", b"same", &mut rng).unwrap();
    let b = seal(pk(), &p, b"id", b"", b"same", &mut rng).unwrap();
    assert_ne!(a.to_bytes(), b.to_bytes());
    assert_ne!(a.header_digest(), b.header_digest());
}
