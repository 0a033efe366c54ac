//! Crate-internal tests of proxy re-encryption: the algebra the public API hides.
//!
//! * `R = Z^{1/z}`: the proxy's output differs from the KEM value `Z` and becomes it
//!   only with the blinding `z` from the capsule.
//! * The re-key is exactly the delegator's key restricted to `S'` with every component
//!   raised to `1/z`, and nothing for attributes outside `S'`.
//! * The documented collusion limit: proxy + delegatee compute `K̃^z`, the delegator's
//!   key restricted to `S'`. It opens what `S'` opens, forever, and nothing that needs
//!   an attribute outside `S'`, even with other users' key components grafted on.
//! * Multi-hop: the final recipient learns every `z` of its chain.
//! * The policy check comes before any group operation.

#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use ark_bls12_381::Fr;
use ark_ec::CurveGroup;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::ReKey;
use crate::abe::core::{dec_core, DecryptionKey, Gt};
use crate::abe::key_material::KeyMaterial;
use crate::abe::{Authority, PublicKey, UserKey};
use crate::error::Error;
use crate::policy::{Attribute, Policy};
use crate::record::hops::{blinding_scalar, capsule_context};
use crate::record::kem::{decaps, recover_seed, Seed};
use crate::record::{seal, SealedRecord};

fn authority() -> &'static Authority {
    static AUTHORITY: OnceLock<Authority> = OnceLock::new();
    AUTHORITY.get_or_init(|| Authority::setup(&mut ChaCha20Rng::seed_from_u64(0x0004_1a7e)))
}

fn pk() -> &'static PublicKey {
    authority().public_key()
}

fn policy(text: &str) -> Policy {
    Policy::parse(text).unwrap()
}

fn key(attributes: &[&str], rng: &mut ChaCha20Rng) -> UserKey {
    authority().issue_key(attributes, rng).unwrap()
}

fn sealed(text: &str, payload: &[u8], rng: &mut ChaCha20Rng) -> SealedRecord {
    seal(pk(), &policy(text), b"rec", b"", payload, rng).unwrap()
}

fn attribute(text: &str) -> Attribute {
    Attribute::new(text).unwrap()
}

/// The KEM value `Z` of a header, computed with a key that satisfies its policy.
fn kem_value<K: DecryptionKey>(key: &K, record: &SealedRecord) -> Gt {
    let lsss = record.header.policy.lsss();
    let gamma = lsss.reconstruct(key.attributes()).unwrap();
    dec_core(key, lsss, &record.header.core, &gamma)
        .unwrap()
        .publish()
}

/// What the delegatee learns from a re-key's capsule: the seed `w` and `z = H_z(w)`.
fn open_capsule(delegatee: &UserKey, rekey: &ReKey) -> (Seed, Fr) {
    let w = decaps(
        &delegatee.material,
        pk(),
        &rekey.capsule,
        &capsule_context(&rekey.grant_id),
    )
    .unwrap();
    // Test-only: the collusion analysis needs z as a plain scalar.
    let z = blinding_scalar(pk(), &w).unwrap().publish_fr();
    (w, z)
}

/// Proxy + delegatee: the re-key's blinded key raised to `z`.
fn unblind(rekey: &ReKey, z: &Fr) -> UserKey {
    let g1 = |p: &[ark_bls12_381::G1Affine; 3]| p.map(|q| (q * z).into_affine());
    UserKey {
        material: KeyMaterial {
            attributes: rekey.material.attributes.clone(),
            k0: rekey.material.k0.map(|q| (q * z).into_affine()),
            k_prime: g1(&rekey.material.k_prime),
            k_attr: rekey.material.k_attr.iter().map(g1).collect(),
            k0_prepared: OnceLock::new(),
        },
    }
}

/// A patient with `S = {patient:42, hospital:h1, consent:research}` delegating
/// `S' = {patient:42}` to `hospital:h2 and role:physician`.
struct Grant {
    record: SealedRecord,
    patient: UserKey,
    rekey: ReKey,
    delegatee: UserKey,
}

fn grant(seed: u64) -> Grant {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let record = sealed(
        "patient:42 or (hospital:h1 and role:physician)",
        b"ECG",
        &mut rng,
    );
    let patient = key(&["patient:42", "hospital:h1", "consent:research"], &mut rng);
    let rekey = patient
        .rekey(
            pk(),
            &["patient:42"],
            &policy("hospital:h2 and role:physician"),
            &mut rng,
        )
        .unwrap();
    let delegatee = key(&["hospital:h2", "role:physician"], &mut rng);
    Grant {
        record,
        patient,
        rekey,
        delegatee,
    }
}

#[test]
fn r_is_z_to_the_one_over_z_and_differs_from_z() {
    let g = grant(1);
    let z_value = kem_value(&g.patient.material, &g.record);
    // Every authorised key computes the same Z (it is T1^s1 · T2^s2).
    let mut rng = ChaCha20Rng::seed_from_u64(101);
    let h1 = key(&["hospital:h1", "role:physician"], &mut rng);
    assert_eq!(kem_value(&h1.material, &g.record), z_value);

    let once = g.rekey.reencrypt(&g.record).unwrap();
    let hop = &once.hops[0];
    assert_eq!(hop.grant_id, g.rekey.grant_id);
    assert_eq!(hop.capsule, g.rekey.capsule);
    assert_ne!(hop.r, z_value, "the proxy must not learn Z");
    // The proxy's value is DecCore with the blinded key, and deterministic.
    assert_eq!(kem_value(&g.rekey.material, &g.record), hop.r);
    let (_, z) = open_capsule(&g.delegatee, &g.rekey);
    assert_eq!(hop.r * z, z_value);
    // The patient's own key does not satisfy P' and cannot unblind.
    assert_eq!(
        decaps(
            &g.patient.material,
            pk(),
            &g.rekey.capsule,
            &capsule_context(&g.rekey.grant_id)
        )
        .err(),
        Some(Error::PolicyNotSatisfied)
    );
}

#[test]
fn the_rekey_is_the_subkey_raised_to_one_over_z() {
    let g = grant(2);
    assert_eq!(g.rekey.material.attributes, [attribute("patient:42")]);
    assert_eq!(g.rekey.material.k_attr.len(), 1);
    assert!(g.rekey.material.k_attr(&attribute("hospital:h1")).is_none());
    assert!(g
        .rekey
        .material
        .k_attr(&attribute("consent:research"))
        .is_none());
    let (_, z) = open_capsule(&g.delegatee, &g.rekey);
    let k = unblind(&g.rekey, &z);
    assert_eq!(k.material.k0, g.patient.material.k0);
    assert_eq!(k.material.k_prime, g.patient.material.k_prime);
    let y = attribute("patient:42");
    assert_eq!(k.material.k_attr(&y), g.patient.material.k_attr(&y));
    // Every component is blinded (none equals the delegator's).
    assert!(g
        .rekey
        .material
        .k0
        .iter()
        .zip(&g.patient.material.k0)
        .all(|(a, b)| a != b));
    assert!(g
        .rekey
        .material
        .k_prime
        .iter()
        .zip(&g.patient.material.k_prime)
        .all(|(a, b)| a != b));
    let own = g.patient.material.k_attr(&y).unwrap();
    assert!(g.rekey.material.k_attr[0]
        .iter()
        .zip(own)
        .all(|(a, b)| a != b));
}

/// DESIGN.md §6 and `docs/security.md`: a proxy colluding with a delegatee recovers
/// the delegator's key restricted to `S'`, and no more.
#[test]
fn collusion_recovers_exactly_the_key_restricted_to_s_prime() {
    let g = grant(3);
    let mut rng = ChaCha20Rng::seed_from_u64(103);
    // The delegatee opens the capsule (learns w and z); the proxy holds K̃.
    let (_, z) = open_capsule(&g.delegatee, &g.rekey);
    let stolen = unblind(&g.rekey, &z);

    // It opens what S' opens, including records sealed after the grant, without the
    // proxy or any re-encryption.
    for text in [
        "patient:42",
        "patient:42 or role:admin",
        "1 of (patient:42, hospital:h9)",
    ] {
        let later = sealed(text, b"later", &mut rng);
        assert_eq!(stolen.open(pk(), &later), Ok(b"later".to_vec()), "{text}");
    }
    assert_eq!(stolen.open(pk(), &g.record), Ok(b"ECG".to_vec()));

    // It has no component for attributes of S \ S'; records needing one stay closed,
    // though the delegator opens them.
    for y in ["hospital:h1", "consent:research"] {
        assert!(stolen.material.k_attr(&attribute(y)).is_none());
        assert!(!stolen.has_attribute(y));
    }
    for text in [
        "hospital:h1",
        "patient:42 and consent:research",
        "2 of (patient:42, hospital:h1, consent:research)",
    ] {
        let record = sealed(text, b"closed", &mut rng);
        assert_eq!(g.patient.open(pk(), &record), Ok(b"closed".to_vec()));
        assert_eq!(
            stolen.open(pk(), &record),
            Err(Error::PolicyNotSatisfied),
            "{text}"
        );
    }

    // FAME's collusion resistance still holds: grafting another user's component
    // for a missing attribute (here the delegatee's own role:physician, and a third
    // user's consent:research) onto the stolen key fails the FO check.
    let researcher = key(&["consent:research"], &mut rng);
    for (text, donor, y) in [
        (
            "patient:42 and role:physician",
            &g.delegatee,
            "role:physician",
        ),
        (
            "patient:42 and consent:research",
            &researcher,
            "consent:research",
        ),
    ] {
        let y = attribute(y);
        let p42 = attribute("patient:42");
        let mut attributes = vec![p42.clone(), y.clone()];
        attributes.sort();
        let k_attr = attributes
            .iter()
            .map(|a| {
                if *a == y {
                    *donor.material.k_attr(&y).unwrap()
                } else {
                    *stolen.material.k_attr(&p42).unwrap()
                }
            })
            .collect();
        let grafted = UserKey {
            material: KeyMaterial {
                attributes,
                k0: stolen.material.k0,
                k_prime: stolen.material.k_prime,
                k_attr,
                k0_prepared: OnceLock::new(),
            },
        };
        let record = sealed(text, b"grafted", &mut rng);
        assert_eq!(
            grafted.open(pk(), &record),
            Err(Error::DecryptionFailed),
            "{text}"
        );
    }
}

/// Without z the blinded key is a key for the shadow master secret `d/z`: even where
/// its attributes satisfy a header, the FO check fails (the proxy cannot open the
/// capsule of its own re-key, nor the records it transforms).
#[test]
fn the_blinded_key_fails_every_fo_check() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let patient = key(&["patient:42"], &mut rng);
    let careless = policy("patient:42 or hospital:h2");
    let rekey = patient
        .rekey(pk(), &["patient:42"], &careless, &mut rng)
        .unwrap();
    assert!(careless.is_satisfied_by(&rekey.material.attributes));
    assert_eq!(
        decaps(
            &rekey.material,
            pk(),
            &rekey.capsule,
            &capsule_context(&rekey.grant_id)
        )
        .err(),
        Some(Error::DecryptionFailed)
    );
    // The delegator, who truly holds patient:42, opens that capsule.
    assert!(decaps(
        &patient.material,
        pk(),
        &rekey.capsule,
        &capsule_context(&rekey.grant_id)
    )
    .is_ok());
}

/// `docs/security.md`, multi-hop: the final recipient learns the blinding of every hop
/// of its chain, so with an upstream proxy's re-key it recovers that hop's delegator
/// subkey.
#[test]
fn the_final_recipient_learns_every_z_on_its_chain() {
    let g = grant(5);
    let mut rng = ChaCha20Rng::seed_from_u64(105);
    let researcher = key(&["role:researcher"], &mut rng);
    let rekey2 = g
        .delegatee
        .rekey(
            pk(),
            &["hospital:h2", "role:physician"],
            &policy("role:researcher"),
            &mut rng,
        )
        .unwrap();
    let twice = rekey2
        .reencrypt(&g.rekey.reencrypt(&g.record).unwrap())
        .unwrap();
    // Unwind hop 2 as `open` does, keeping the seeds.
    let (_, z2) = open_capsule(&researcher, &rekey2);
    let z_w1 = twice.hops[1].r * z2;
    let w1 = recover_seed(
        pk(),
        &twice.hops[0].capsule,
        &crate::encoding::encode_gt(&z_w1),
        &capsule_context(&twice.hops[0].grant_id),
    )
    .unwrap();
    let z1 = blinding_scalar(pk(), &w1).unwrap().publish_fr();
    // z1 is the blinding of the first grant, which the researcher was never given.
    let stolen = unblind(&g.rekey, &z1);
    assert_eq!(stolen.material.k0, g.patient.material.k0);
    let later = sealed("patient:42", b"later", &mut rng);
    assert_eq!(stolen.open(pk(), &later), Ok(b"later".to_vec()));
}

/// The policy is checked before any group operation: with the header's rows removed,
/// a re-key (or key) whose attributes do not satisfy the policy still reports
/// `PolicyNotSatisfied`, while one that does reaches DecCore and fails there.
#[test]
fn the_policy_check_comes_before_any_pairing() {
    let g = grant(6);
    let mut rng = ChaCha20Rng::seed_from_u64(106);
    let mut gutted = sealed("patient:42 and role:physician", b"x", &mut rng);
    gutted.header.core.rows.clear();
    assert_eq!(g.rekey.reencrypt(&gutted), Err(Error::PolicyNotSatisfied));
    assert_eq!(
        g.delegatee.open(pk(), &gutted),
        Err(Error::PolicyNotSatisfied)
    );
    let both = key(&["patient:42", "role:physician"], &mut rng);
    let wide = both
        .rekey(
            pk(),
            &["patient:42", "role:physician"],
            &policy("hospital:h2"),
            &mut rng,
        )
        .unwrap();
    assert_eq!(wide.reencrypt(&gutted), Err(Error::DecryptionFailed));
    assert_eq!(both.open(pk(), &gutted), Err(Error::DecryptionFailed));
}
