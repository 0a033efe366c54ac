//! The world of the misuse-resistance tests (issue 10, the `misuse` module of each subject):
//! one authority, a stranger authority, a patient's and a doctor's key and one record,
//! made once per test binary from a fixed seed.

use std::sync::OnceLock;

use cipherchart::BlsSigningKey;
use cipherchart::{seal, Authority, DelegationKey, PublicKey, ReKey, SealedRecord, UserKey};
use cipherchart::{Grant, Grantee, Window};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::{policy, T0};

pub struct World {
    pub authority: Authority,
    pub other: Authority,
    pub patient: UserKey,
    pub doctor: UserKey,
    pub record: SealedRecord,
}

pub fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let mut rng = ChaCha20Rng::seed_from_u64(0x0001_555e);
        let authority = Authority::setup(&mut rng);
        let other = Authority::setup(&mut rng);
        let pk = authority.public_key();
        let record = seal(
            pk,
            &policy("patient:42 or (hospital:h1 and role:physician)"),
            b"p42/ecg",
            b"cardiology",
            b"sinus rhythm",
            &mut rng,
        )
        .unwrap();
        World {
            patient: authority.issue_key(&["patient:42"], &mut rng).unwrap(),
            doctor: authority
                .issue_key(&["hospital:h2", "role:physician"], &mut rng)
                .unwrap(),
            record,
            authority,
            other,
        }
    })
}

/// A one-grant delegation key (v2) of the world's authority for `patient:42`, naming a
/// fresh consent key: what `w.patient.rekey(pk(), &["patient:42"], ..)` was in v1.
pub fn patient_delegation(rng: &mut ChaCha20Rng) -> DelegationKey {
    let consent_key = BlsSigningKey::generate(rng).public_key();
    world()
        .authority
        .issue_delegation_key(&["patient:42"], &consent_key, rng)
        .unwrap()
}

pub fn pk() -> &'static PublicKey {
    world().authority.public_key()
}

/// Every 8-byte window of `secret`, in lower-case hex: what a leaking `Debug` would show.
pub fn hex_windows(secret: &[u8]) -> Vec<String> {
    secret
        .windows(8)
        .map(|w| w.iter().map(|b| format!("{b:02x}")).collect())
        .collect()
}

pub fn assert_no_leak(debug: &str, secret: &[u8]) {
    let lower = debug.to_lowercase();
    for w in hex_windows(secret) {
        assert!(!lower.contains(&w), "{debug} leaks {w}");
    }
    // Nor as a byte list (`[12, 200, …]`), the derive(Debug) form.
    let list = format!("{:?}", &secret[..8]);
    assert!(!debug.contains(&list[1..list.len() - 1]), "{debug}");
}

/// A patient's signing key, the patient's re-key to `hospital:h2 and role:physician`
/// (v2: from a delegation key naming that signing key as delegator), and a grant for
/// that re-key (purpose `treatment`, window `[T0, T0 + 100)`), with its scope left to
/// the caller.
pub fn consent_fixture(rng: &mut ChaCha20Rng) -> (BlsSigningKey, ReKey, Grant) {
    let patient = BlsSigningKey::generate(rng);
    let to = policy("hospital:h2 and role:physician");
    let rekey = world()
        .authority
        .issue_delegation_key(&["patient:42"], &patient.public_key(), rng)
        .unwrap()
        .rekey(pk(), &to, rng)
        .unwrap();
    let grant = Grant::new(
        "p42",
        Grantee::Policy(to),
        Window::new(T0, T0 + 100).unwrap(),
    )
    .purposes(["treatment"])
    .rekey(&rekey);
    (patient, rekey, grant)
}
