//! Misuse resistance of secret types: no `Clone`, no secret in `Debug` or in error texts
//! (issue 10, `docs/security.md` §11 "Misuse resistance review"): each test takes one way a
//! hurried user or an attacker might skip a check through the public API, and shows that
//! the library refuses it with a typed error (or that the unsafe thing cannot be written at
//! all). The shared world (an authority, a stranger authority, a patient's and a doctor's
//! key, one record) is `common::misuse`.

#![allow(clippy::unwrap_used)]

use crate::common::misuse::{assert_no_leak, patient_delegation, pk, world};
use crate::common::{policy, rng};
use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::BlsSigningKey;
use cipherchart::{Authority, DelegationKey, ReKey, UserKey};

/// Compile-time "does not implement Clone" (the `static_assertions` trick): if `T` were
/// `Clone`, both impls would apply and the call would be ambiguous.
trait AmbiguousIfClone<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfClone<()> for T {}
#[allow(dead_code)]
struct IsClone;
impl<T: Clone> AmbiguousIfClone<IsClone> for T {}

macro_rules! assert_not_clone {
    ($($t:ty),* $(,)?) => {$(
        const _: fn() = || <$t as AmbiguousIfClone<_>>::check();
    )*};
}

// A copy of a secret is a copy nobody zeroizes; a copy of a sealer repeats
// (key, nonce) pairs; a copy of a verified consent outlives its verification.
assert_not_clone!(
    Authority,
    UserKey,
    DelegationKey,
    ReKey,
    BlsSigningKey,
    cipherchart::SessionSealer,
    cipherchart::SessionOpener,
    cipherchart::VerifiedConsent,
);

#[test]
fn debug_output_of_secret_types_shows_no_key_material() {
    let w = world();
    let mut rng = rng(1);
    // Skip the 8-byte object header: only key material is secret.
    let user = w.patient.to_bytes();
    assert_no_leak(&format!("{:?}", w.patient), &user[8..]);
    // v2: a delegation key is secret too (its body is the key material after the
    // 4-byte header; the delegator, public and shown in Debug, is its last 48 bytes).
    let delegation = patient_delegation(&mut rng);
    let d_bytes = delegation.to_bytes();
    assert_no_leak(&format!("{delegation:?}"), &d_bytes[4..d_bytes.len() - 48]);
    let rekey = delegation
        .rekey(pk(), &policy("hospital:h2"), &mut rng)
        .unwrap();
    // v2 re-key: header ‖ grant id ‖ key body ‖ capsule ‖ len32 ‖ pk ‖ hop key (32) ‖
    // delegator (48). The public key and the delegator are public (the delegator is
    // shown in Debug); the key body, the capsule and the hop key are not.
    let rk = rekey.to_bytes();
    let hop_key_at = rk.len() - 48 - 32;
    let pk_at = hop_key_at - pk().to_bytes().len();
    assert_no_leak(&format!("{rekey:?}"), &rk[8 + 16..pk_at - 4]);
    assert_no_leak(&format!("{rekey:?}"), &rk[hop_key_at..hop_key_at + 32]);
    let master = w.authority.to_secret_bytes();
    assert_no_leak(&format!("{:?}", w.authority), &master[8..]);
    let sk = BlsSigningKey::generate(&mut rng);
    assert_no_leak(&format!("{sk:?}"), sk.to_secret_bytes().as_ref());
    let (header, sealer) =
        cipherchart::start_session(pk(), &policy("patient:42"), b"s", b"", &mut rng).unwrap();
    let opener = w.patient.open_session(pk(), &header).unwrap();
    for debug in [format!("{sealer:?}"), format!("{opener:?}")] {
        assert!(debug.len() < 120, "{debug}");
    }
}

#[test]
fn error_texts_are_static_and_carry_no_secret() {
    let w = world();
    // The errors a key holder meets: none of them mentions the key or the payload.
    let errors = [
        w.doctor.open(pk(), &w.record).unwrap_err(),
        w.patient.open(w.other.public_key(), &w.record).unwrap_err(),
        UserKey::from_bytes(&w.patient.to_bytes()[..100]).unwrap_err(),
    ];
    let secret = w.patient.to_bytes();
    for e in errors {
        let text = format!("{e} {e:?}");
        assert_no_leak(&text, &secret[8..]);
        assert!(!text.contains("sinus"), "{text}");
    }
}
