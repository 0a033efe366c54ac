//! Crate-internal tests of proxy re-encryption: the algebra the public API hides.
//!
//! * `R = Z^{1/z}`: the proxy's output differs from the KEM value `Z` and becomes it
//!   only with the blinding `z` from the capsule.
//! * The re-key is exactly the delegator's key restricted to `S'` with every component
//!   raised to `1/z`, and nothing for attributes outside `S'`.
//! * The documented collusion limit: proxy + delegatee compute `K̃^z`, the delegator's
//!   key restricted to `S'`. It opens what `S'` opens, forever, and nothing that needs
//!   an attribute outside `S'`, even with other users' key components grafted on.
//! * Multi-hop: the final recipient learns every `z` of its chain, which (with the
//!   upstream proxy's re-key) is that grant's delegation key, and nothing about the
//!   records of the grant it was not given: each hop is masked by a record capsule.
//! * Grants from one key combine (the v1 flaw, replayed as a control); grants from
//!   separate delegation keys do not (finding 5).
//! * The policy check comes before any group operation.

#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use ark_bls12_381::Fr;
use ark_ec::CurveGroup;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::layers::{blinding_scalar, grant_context, Authorities};
use super::ReKey;
use crate::abe::core::{dec_core, DecryptionKey};
use crate::abe::key_material::KeyMaterial;
use crate::abe::{Authority, PublicKey, UserKey};
use crate::ct::{Gt, SecretScalar};
use crate::ct::{SecretAffine, SecretG1Affine};
use crate::error::Error;
use crate::policy::{Attribute, Policy};
use crate::record::kem::{decaps, Seed};
use crate::record::{seal, SealedRecord};
use crate::sig::BlsSigningKey;

fn authority() -> &'static Authority {
    static AUTHORITY: OnceLock<Authority> = OnceLock::new();
    AUTHORITY.get_or_init(|| Authority::setup(&mut ChaCha20Rng::seed_from_u64(0x0004_1a7e)))
}

/// The authorities of a hop within the test authority.
fn same() -> Authorities<'static> {
    Authorities {
        source: &pk().id,
        target: &pk().id,
    }
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
fn header_value<K: DecryptionKey>(key: &K, header: &crate::record::kem::KemHeader) -> Gt {
    let gamma = crate::record::kem::key_gamma(key, &header.policy).unwrap();
    dec_core(key, &header.policy, &header.core, &gamma)
        .unwrap()
        .publish()
}

/// The KEM value `Z` of a record's own header.
fn kem_value<K: DecryptionKey>(key: &K, record: &SealedRecord) -> Gt {
    header_value(key, &record.header)
}

/// A re-key for `attributes` to `to`, from a delegation key of the test authority.
fn rekey_for(attributes: &[&str], to: &str, rng: &mut ChaCha20Rng) -> ReKey {
    let consent = BlsSigningKey::generate(rng);
    authority()
        .issue_delegation_key(attributes, &consent.public_key(), rng)
        .unwrap()
        .rekey(pk(), &policy(to), rng)
        .unwrap()
}

/// What the delegatee learns from a re-key's capsule: the seed `w` and `z = H_z(w)`.
fn open_capsule(delegatee: &UserKey, rekey: &ReKey) -> (Seed, Fr) {
    let w = decaps(
        &*delegatee.material,
        pk(),
        &rekey.capsule,
        &grant_context(&rekey.grant_id, &rekey.delegator.to_bytes(), same()),
    )
    .unwrap();
    // Test-only: the collusion analysis needs z as a plain scalar.
    let z = blinding_scalar(same(), &w, false).unwrap().publish_fr();
    (w, z)
}

/// Proxy + delegatee: key material blinded by `1/z`, raised to `z` (as a user key
/// without the holder guard: what colluders can assemble).
fn unblind_material(m: &KeyMaterial, z: &Fr) -> UserKey {
    let g1 = |p: &[SecretG1Affine; 3]| {
        p.each_ref()
            .map(|q| SecretAffine::new((*q.expose_secret() * z).into_affine()))
    };
    UserKey {
        material: Box::new(KeyMaterial {
            authority: m.authority,
            attributes: m.attributes.clone(),
            versions: m.versions.clone(),
            k0: m
                .k0
                .each_ref()
                .map(|q| SecretAffine::new((*q.expose_secret() * z).into_affine())),
            k_prime: g1(&m.k_prime),
            k_attr: m.k_attr.iter().map(g1).collect(),
            guard: None,
            k0_prepared: OnceLock::new(),
        }),
    }
}

/// Proxy + delegatee: the re-key's blinded key raised to `z`.
fn unblind(rekey: &ReKey, z: &Fr) -> UserKey {
    unblind_material(&rekey.material, z)
}

/// A patient with `S = {patient:42, hospital:h1, consent:research}` whose delegation
/// key for `S' = {patient:42}` (issued for this grant) delegates to
/// `hospital:h2 and role:physician`.
struct Grant {
    record: SealedRecord,
    patient: UserKey,
    /// The delegation key's material, before blinding (kept by the test only).
    delegation: KeyMaterial,
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
    let consent = BlsSigningKey::generate(&mut rng);
    let delegation = authority()
        .issue_delegation_key(&["patient:42"], &consent.public_key(), &mut rng)
        .unwrap();
    // A copy of the delegation key's material, for the assertions below.
    let copy = crate::pre::DelegationKey::from_bytes(&delegation.to_bytes()).unwrap();
    let rekey = delegation
        .rekey(pk(), &policy("hospital:h2 and role:physician"), &mut rng)
        .unwrap();
    let delegatee = key(&["hospital:h2", "role:physician"], &mut rng);
    Grant {
        record,
        patient,
        delegation: KeyMaterial::from_points(
            copy.material.authority,
            copy.material.attributes.clone(),
            copy.material.versions.clone(),
            &copy.material.k0,
            &[
                copy.material.k_prime.clone(),
                copy.material.k_attr[0].clone(),
            ]
            .concat(),
            false,
        )
        .unwrap(),
        rekey,
        delegatee,
    }
}

#[test]
fn r_is_z_to_the_one_over_z_and_differs_from_z() {
    let g = grant(1);
    let z_value = kem_value(&*g.patient.material, &g.record);
    // Every authorised key computes the same Z (it is T1^s1 · T2^s2).
    let mut rng = ChaCha20Rng::seed_from_u64(101);
    let h1 = key(&["hospital:h1", "role:physician"], &mut rng);
    assert_eq!(kem_value(&*h1.material, &g.record), z_value);

    let once = g.rekey.reencrypt(&g.record).unwrap();
    let hop = &once.hops()[0];
    assert_eq!(hop.grant_id, g.rekey.grant_id);
    assert_eq!(hop.grant_capsule, g.rekey.capsule);
    assert!(hop.grant_r.is_none());
    // The proxy's value R = DecCore with the blinded key is never published: the hop
    // carries it masked by the record capsule's KEM value.
    let r = kem_value(&*g.rekey.material, &g.record);
    assert_ne!(r, z_value, "the proxy must not learn Z");
    assert_ne!(hop.masked_r, r, "R must not be published");
    let z_v = header_value(&*g.delegatee.material, &hop.record_capsule);
    assert_eq!(hop.masked_r, r + z_v);
    let (_, z) = open_capsule(&g.delegatee, &g.rekey);
    assert_eq!(r * z, z_value);
    // Deterministic: the same record and re-key give the same hop.
    assert_eq!(g.rekey.reencrypt(&g.record).unwrap(), once);
    // The patient's own key does not satisfy P' and cannot unblind.
    assert_eq!(
        decaps(
            &*g.patient.material,
            pk(),
            &g.rekey.capsule,
            &grant_context(&g.rekey.grant_id, &g.rekey.delegator.to_bytes(), same())
        )
        .err(),
        Some(Error::PolicyNotSatisfied)
    );
}

#[test]
fn the_rekey_is_the_delegation_key_raised_to_one_over_z() {
    let g = grant(2);
    assert_eq!(g.rekey.material.attributes, [attribute("patient:42")]);
    assert_eq!(g.rekey.material.k_attr.len(), 1);
    assert!(g
        .rekey
        .material
        .k_attr(&attribute("hospital:h1"), 0)
        .is_none());
    assert!(g
        .rekey
        .material
        .k_attr(&attribute("consent:research"), 0)
        .is_none());
    assert!(
        g.rekey.material.guard.is_none(),
        "the guard is never delegated"
    );
    let (_, z) = open_capsule(&g.delegatee, &g.rekey);
    let k = unblind(&g.rekey, &z);
    assert_eq!(k.material.k0, g.delegation.k0);
    assert_eq!(k.material.k_prime, g.delegation.k_prime);
    let y = attribute("patient:42");
    assert_eq!(k.material.k_attr(&y, 0), g.delegation.k_attr(&y, 0));
    // Every component is blinded (none equals the delegation key's), and the
    // delegation key shares no randomness with the patient's own key.
    for (blinded, own) in [
        (&g.rekey.material.k0, &g.delegation.k0),
        (&g.delegation.k0, &g.patient.material.k0),
    ] {
        assert!(blinded.iter().zip(own).all(|(a, b)| a != b));
    }
    assert!(g
        .rekey
        .material
        .k_prime
        .iter()
        .zip(&g.delegation.k_prime)
        .all(|(a, b)| a != b));
}

/// `docs/security.md` §3: a proxy colluding with a delegatee recovers
/// the grant's delegation key (attributes `S'`), and no more.
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
        assert!(stolen.material.k_attr(&attribute(y), 0).is_none());
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
    // Streams and sessions need the holder guard, which no re-key carries.
    let (header, _) =
        crate::record::session::start_session(pk(), &policy("patient:42"), b"s", b"", &mut rng)
            .unwrap();
    assert_eq!(
        stolen.open_session(pk(), &header).err(),
        Some(Error::PolicyNotSatisfied)
    );
    assert!(g.patient.open_session(pk(), &header).is_ok());

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
                    donor.material.k_attr(&y, 0).unwrap().clone()
                } else {
                    stolen.material.k_attr(&p42, 0).unwrap().clone()
                }
            })
            .collect();
        let grafted = UserKey {
            material: Box::new(KeyMaterial {
                authority: stolen.material.authority,
                versions: vec![0; attributes.len()],
                attributes,
                k0: stolen.material.k0.clone(),
                k_prime: stolen.material.k_prime.clone(),
                k_attr,
                guard: None,
                k0_prepared: OnceLock::new(),
            }),
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
    let rekey = rekey_for(&["patient:42"], "patient:42 or hospital:h2", &mut rng);
    assert!(careless.is_satisfied_by(&rekey.material.attributes));
    assert_eq!(
        decaps(
            &*rekey.material,
            pk(),
            &rekey.capsule,
            &grant_context(&rekey.grant_id, &rekey.delegator.to_bytes(), same())
        )
        .err(),
        Some(Error::DecryptionFailed)
    );
    // The delegator, who truly holds patient:42, opens that capsule.
    assert!(decaps(
        &*patient.material,
        pk(),
        &rekey.capsule,
        &grant_context(&rekey.grant_id, &rekey.delegator.to_bytes(), same())
    )
    .is_ok());
}

/// `docs/security.md`, multi-hop: the final recipient learns the blinding of every hop
/// of its chain (so with an upstream proxy's re-key it recovers that grant's
/// delegation key), but the grant-wide blinding opens no other record of the grant:
/// each record's value is masked by its own record capsule (finding 2).
#[test]
fn the_final_recipient_learns_every_z_on_its_chain_and_no_other_record() {
    let g = grant(5);
    let mut rng = ChaCha20Rng::seed_from_u64(105);
    let researcher = key(&["role:researcher"], &mut rng);
    let rekey2 = rekey_for(
        &["hospital:h2", "role:physician"],
        "role:researcher",
        &mut rng,
    );
    let once = g.rekey.reencrypt(&g.record).unwrap();
    let twice = rekey2.reencrypt(&once).unwrap();
    assert_eq!(researcher.open(pk(), &twice), Ok(b"ECG".to_vec()));
    // Unwind hop 2's grant value as `open` does: it gives w1, hence z1.
    let (_, z2) = open_capsule(&researcher, &rekey2);
    let z_w1 = twice.hops()[1].grant_r.unwrap() * z2;
    let w1 = crate::record::kem::recover_seed(
        pk(),
        &twice.hops()[0].grant_capsule,
        &crate::encoding::encode_gt(&z_w1),
        &grant_context(
            &twice.hops()[0].grant_id,
            &twice.hops()[0].delegator,
            same(),
        ),
    )
    .unwrap();
    let z1 = blinding_scalar(same(), &w1, false).unwrap().publish_fr();
    // z1 with the upstream re-key is the first grant's delegation key...
    let stolen = unblind(&g.rekey, &z1);
    assert_eq!(stolen.material.k0, g.delegation.k0);
    // ...but z1 alone does not open another record of grant 1: its published value is
    // masked by a record capsule only P' opens. (In v1, R^z1 was that record's Z.)
    let other = sealed("patient:42", b"other", &mut rng);
    let other_once = g.rekey.reencrypt(&other).unwrap();
    let masked = other_once.hops()[0].masked_r;
    assert_ne!(masked * z1, kem_value(&*g.patient.material, &other));
}

/// Finding 5, replayed: grants made from one key share its randomness. The proxy of
/// two grants and their two audiences unblind both and assemble a key for `S1 ∪ S2`
/// that opens a record neither grant covers. The control makes both grants from one
/// key material (the v1 API); with a delegation key per grant the assembled key fails.
#[test]
fn grants_from_one_key_combine_and_delegation_keys_do_not() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let both = "patient:42 and cat:psychiatry";
    let target = sealed(both, b"psychiatry of patient 42", &mut rng);
    let s1 = vec![attribute("epoch:2026q3"), attribute("patient:42")];
    let s2 = vec![attribute("cat:psychiatry"), attribute("epoch:2026q4")];
    // Assemble K0, K' of grant 1 and the K_y of both grants.
    let assemble = |k1: &UserKey, k2: &UserKey| -> UserKey {
        let mut attributes: Vec<Attribute> = [&s1[..], &s2[..]].concat();
        attributes.sort();
        let k_attr = attributes
            .iter()
            .map(|a| {
                k1.material
                    .k_attr(a, 0)
                    .or_else(|| k2.material.k_attr(a, 0))
                    .unwrap()
                    .clone()
            })
            .collect();
        UserKey {
            material: Box::new(KeyMaterial {
                authority: k1.material.authority,
                versions: vec![0; attributes.len()],
                attributes,
                k0: k1.material.k0.clone(),
                k_prime: k1.material.k_prime.clone(),
                k_attr,
                guard: None,
                k0_prepared: OnceLock::new(),
            }),
        }
    };
    let z1 = crate::ct::SecretScalar::random(&mut rng);
    let z2 = crate::ct::SecretScalar::random(&mut rng);
    // v1: one key for S1 ∪ S2, two grants blinded from it.
    let one = key(
        &[
            "cat:psychiatry",
            "epoch:2026q3",
            "epoch:2026q4",
            "patient:42",
        ],
        &mut rng,
    );
    let g1 = one
        .material
        .restrict_and_blind(s1.clone(), &z1.invert())
        .unwrap();
    let g2 = one
        .material
        .restrict_and_blind(s2.clone(), &z2.invert())
        .unwrap();
    let combined = assemble(
        &unblind_material(&g1, &z1.publish_fr()),
        &unblind_material(&g2, &z2.publish_fr()),
    );
    assert_eq!(
        combined.open(pk(), &target),
        Ok(b"psychiatry of patient 42".to_vec()),
        "control: the v1 flaw"
    );
    // v2: each grant from its own delegation key.
    let consent = BlsSigningKey::generate(&mut rng);
    let d = |s: &[Attribute], rng: &mut ChaCha20Rng| {
        let names: Vec<&str> = s.iter().map(Attribute::as_str).collect();
        authority()
            .issue_delegation_key(&names, &consent.public_key(), rng)
            .unwrap()
    };
    let (d1, d2) = (d(&s1, &mut rng), d(&s2, &mut rng));
    let g1 = d1
        .material
        .restrict_and_blind(s1.clone(), &z1.invert())
        .unwrap();
    let g2 = d2
        .material
        .restrict_and_blind(s2.clone(), &z2.invert())
        .unwrap();
    let combined = assemble(
        &unblind_material(&g1, &z1.publish_fr()),
        &unblind_material(&g2, &z2.publish_fr()),
    );
    assert_eq!(combined.open(pk(), &target), Err(Error::DecryptionFailed));
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
    let wide = rekey_for(&["patient:42", "role:physician"], "hospital:h2", &mut rng);
    assert_eq!(wide.reencrypt(&gutted), Err(Error::DecryptionFailed));
    assert_eq!(both.open(pk(), &gutted), Err(Error::DecryptionFailed));
}

/// Federation (`docs/federation.md` §2): a cross-authority grant's blinding is
/// `H_z'(source id ‖ target id ‖ w)` under its own tag and its capsule context names the
/// source, so the same seed read as a same-authority grant, as the reverse direction or
/// from another source gives another z and another context; within one authority both are
/// v2's, byte for byte.
#[test]
fn a_cross_authority_blinding_is_bound_to_both_authorities() {
    let (a, b, c) = ([1u8; 32], [2u8; 32], [3u8; 32]);
    let w = [7u8; 32];
    let z = |source: &[u8; 32], target: &[u8; 32]| {
        blinding_scalar(Authorities { source, target }, &w, false)
            .unwrap()
            .publish_fr()
    };
    assert_ne!(z(&a, &b), z(&b, &b));
    assert_ne!(z(&a, &b), z(&b, &a));
    assert_ne!(z(&a, &b), z(&c, &b));
    // Within one authority: v2's H_z(pk id ‖ w), independently recomputed.
    let uniform =
        crate::hash::expand_message_xmd(&[&b, &w], crate::hash::dst::REKEY_BLIND, 48).unwrap();
    let mut chunk = [0u8; 48];
    chunk.copy_from_slice(&uniform);
    assert_eq!(
        z(&b, &b),
        SecretScalar::from_hash_bytes(&chunk).publish_fr()
    );
    // Cross-authority: the federated tag over source ‖ target ‖ w.
    let uniform =
        crate::hash::expand_message_xmd(&[&a, &b, &w], crate::hash::dst::REKEY_BLIND_FEDERATED, 48)
            .unwrap();
    chunk.copy_from_slice(&uniform);
    assert_eq!(
        z(&a, &b),
        SecretScalar::from_hash_bytes(&chunk).publish_fr()
    );

    let (gid, delegator) = ([9u8; 16], [5u8; 48]);
    let ctx = |source: &[u8; 32], target: &[u8; 32]| {
        grant_context(&gid, &delegator, Authorities { source, target })
    };
    assert_eq!(
        ctx(&b, &b),
        crate::record::kem::context(b"grant-capsule", &[&gid, &delegator])
    );
    assert_eq!(
        ctx(&a, &b),
        crate::record::kem::context(b"grant-capsule", &[&gid, &delegator, &a])
    );
    assert_ne!(ctx(&a, &b), ctx(&c, &b));
}
