//! Scenarios shared by the re-encryption attack tests.

#![allow(clippy::unwrap_used)]

use cipherchart::{seal, Authority, BlsSigningKey, ReKey, SealedRecord, UserKey};

use crate::common::{grant, policy, rng};

/// Two grants in a row over two records of one patient (`two_hops`).
pub struct TwoHops {
    pub hospital: Authority,
    pub r2: SealedRecord,
    pub s1: SealedRecord,
    pub s2: SealedRecord,
    pub t1: SealedRecord,
    pub rk2: ReKey,
}

/// Two records of grant 1 (`patient:42` → h2 physicians); grant 2 (h2 physicians →
/// h3 auditors) re-encrypts only the first.
pub fn two_hops(seed: u64) -> TwoHops {
    let mut rng = rng(seed);
    let hospital = Authority::setup(&mut rng);
    let pk = hospital.public_key();
    let patient = BlsSigningKey::generate(&mut rng);
    let cardiologist = BlsSigningKey::generate(&mut rng);
    let chart = policy("patient:42");
    let r1 = seal(pk, &chart, b"p42/ecg", b"", b"ecg", &mut rng).unwrap();
    let r2 = seal(pk, &chart, b"p42/psych", b"", b"psychiatry notes", &mut rng).unwrap();
    let rk1 = grant(
        &hospital,
        &["patient:42"],
        &patient,
        "hospital:h2 and role:physician",
        &mut rng,
    );
    let s1 = rk1.reencrypt(&r1).unwrap();
    let s2 = rk1.reencrypt(&r2).unwrap();
    let rk2 = grant(
        &hospital,
        &["hospital:h2", "role:physician"],
        &cardiologist,
        "hospital:h3 and role:auditor",
        &mut rng,
    );
    let t1 = rk2.reencrypt(&s1).unwrap();
    TwoHops {
        hospital,
        r2,
        s1,
        s2,
        t1,
        rk2,
    }
}

/// An auditor of hospital h3, the audience of grant 2.
pub fn auditor(h: &Authority, seed: u64) -> UserKey {
    h.issue_key(&["hospital:h3", "role:auditor"], &mut rng(seed))
        .unwrap()
}
