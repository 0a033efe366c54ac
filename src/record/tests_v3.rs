//! Format v3 records and their catch-up (`docs/revocation-v3.md` §5, §9, §11.4,
//! §11.5), crate-internal: keys and policies at versions before the public notice API
//! reaches them. Each test could fail: it checks a refusal that a missing check lets
//! through, or a property a wrong binding breaks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use crate::abe::{Authority, UserKey};
use crate::error::{EncodingError, Error};
use crate::policy::{Policy, VersionedPolicy};
use crate::record::sealed_v3::seal_v3;
use crate::record::{seal, SealedRecord};

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

const POLICY: &str = "patient:42 or (role:nurse and dept:icu)";

fn at(policy: &str, versions: &[u32]) -> VersionedPolicy {
    VersionedPolicy::at_versions(Policy::parse(policy).unwrap(), versions).unwrap()
}

fn key(authority: &Authority, pairs: &[(&str, u32)], rng: &mut ChaCha20Rng) -> UserKey {
    authority.issue_key_at_versions(pairs, rng).unwrap()
}

/// Rows of POLICY in order: patient:42, role:nurse, dept:icu.
fn setup(seed: u64) -> (ChaCha20Rng, Authority) {
    let mut rng = rng(seed);
    let authority = Authority::setup(&mut rng);
    (rng, authority)
}

#[test]
fn a_v3_record_opens_at_its_versions_and_round_trips_byte_for_byte() {
    let (mut rng, authority) = setup(1);
    let pk = authority.public_key();
    let sealed = seal_v3(
        pk,
        &at(POLICY, &[0, 1, 0]),
        7,
        b"rec-1",
        b"vitals",
        b"bp 120/80",
        &mut rng,
    )
    .unwrap();
    let bytes = sealed.to_bytes();
    assert_eq!(&bytes[..4], &[0x43, 0x43, 0x04, 0x03]);
    let decoded = SealedRecord::from_bytes(&bytes).unwrap();
    assert_eq!(decoded, sealed);
    assert_eq!(decoded.to_bytes(), bytes);
    assert_eq!(decoded.header_digest(), sealed.header_digest());

    let nurse = key(&authority, &[("role:nurse", 1), ("dept:icu", 0)], &mut rng);
    assert_eq!(nurse.open(pk, &decoded).unwrap(), b"bp 120/80");
    // The same names at version 0 (a key from before the bump): refused before pairing.
    let old = key(&authority, &[("role:nurse", 0), ("dept:icu", 0)], &mut rng);
    assert_eq!(old.open(pk, &decoded), Err(Error::PolicyNotSatisfied));
    // The patient's row was not bumped: a v2 key for it opens.
    let patient = authority.issue_key(&["patient:42"], &mut rng).unwrap();
    assert_eq!(patient.open(pk, &decoded).unwrap(), b"bp 120/80");
}

#[test]
fn catch_up_shuts_out_the_old_version_and_keeps_the_body() {
    let (mut rng, authority) = setup(2);
    let pk = authority.public_key();
    let before = seal_v3(
        pk,
        &at(POLICY, &[0, 0, 0]),
        1,
        b"rec-2",
        b"m",
        b"ecg",
        &mut rng,
    )
    .unwrap();
    let revoked = key(&authority, &[("role:nurse", 0), ("dept:icu", 0)], &mut rng);
    assert_eq!(
        revoked.open(pk, &before).unwrap(),
        b"ecg",
        "before catch-up the old key opens"
    );

    let after = authority
        .rewrap_at(&before, &at(POLICY, &[0, 1, 0]), 2, &mut rng)
        .unwrap();
    assert_eq!(revoked.open(pk, &after), Err(Error::PolicyNotSatisfied));
    let kept = key(&authority, &[("role:nurse", 1), ("dept:icu", 0)], &mut rng);
    assert_eq!(kept.open(pk, &after).unwrap(), b"ecg");
    // Body, id and metadata byte for byte; only the header changed.
    assert_eq!(after.body, before.body);
    assert_eq!(after.body_commitment, before.body_commitment);
    assert_eq!(
        (after.record_id(), after.metadata()),
        (before.record_id(), before.metadata())
    );
    assert_ne!(after.header_digest(), before.header_digest());
    // The old key, even with the new header's rows handed to it, holds no component at
    // version 1: DecCore refuses (no pairing).
    let decoded = SealedRecord::from_bytes(&after.to_bytes()).unwrap();
    assert_eq!(revoked.open(pk, &decoded), Err(Error::PolicyNotSatisfied));
}

#[test]
fn a_v2_record_is_caught_up_by_full_re_encryption_into_v3() {
    let (mut rng, authority) = setup(3);
    let pk = authority.public_key();
    let v2 = seal(
        pk,
        &Policy::parse(POLICY).unwrap(),
        b"rec-3",
        b"m",
        b"lab",
        &mut rng,
    )
    .unwrap();
    let old = authority
        .issue_key(&["role:nurse", "dept:icu"], &mut rng)
        .unwrap();
    assert_eq!(old.open(pk, &v2).unwrap(), b"lab");
    let v3 = authority
        .rewrap_at(&v2, &at(POLICY, &[0, 1, 0]), 5, &mut rng)
        .unwrap();
    assert!(v3.header.is_v3());
    assert_eq!(v3.to_bytes()[3], 3);
    assert_eq!(old.open(pk, &v3), Err(Error::PolicyNotSatisfied));
    let kept = key(&authority, &[("role:nurse", 1), ("dept:icu", 0)], &mut rng);
    assert_eq!(kept.open(pk, &v3).unwrap(), b"lab");
}

#[test]
fn a_rewrap_never_lowers_a_version_nor_changes_the_policy_nor_crosses_authorities() {
    let (mut rng, authority) = setup(4);
    let pk = authority.public_key();
    let sealed = seal_v3(
        pk,
        &at(POLICY, &[2, 1, 0]),
        9,
        b"rec-4",
        b"",
        b"x",
        &mut rng,
    )
    .unwrap();
    // Lower on one row, higher on another: still refused (the lower row would reopen).
    assert!(authority
        .rewrap_at(&sealed, &at(POLICY, &[3, 0, 0]), 10, &mut rng)
        .is_err());
    assert_eq!(
        authority
            .rewrap_at(
                &sealed,
                &at("patient:42 or role:nurse", &[2, 1]),
                10,
                &mut rng
            )
            .map(|_| ()),
        Err(Error::InvalidArgument(
            "a re-wrap keeps the record's policy"
        ))
    );
    let other = Authority::setup(&mut rng);
    assert_eq!(
        other
            .rewrap_at(&sealed, &at(POLICY, &[2, 1, 0]), 10, &mut rng)
            .map(|_| ()),
        Err(Error::WrongAuthority)
    );
    // Same versions: allowed (a fresh header), and it still opens.
    let same = authority
        .rewrap_at(&sealed, &at(POLICY, &[2, 1, 0]), 10, &mut rng)
        .unwrap();
    let k = key(&authority, &[("patient:42", 2)], &mut rng);
    assert_eq!(k.open(pk, &same).unwrap(), b"x");
}

/// Byte offsets of a v3 record's fields, computed from the layout.
struct Layout {
    metadata: usize,
    metadata_hash: usize,
    body_commitment: usize,
    body_len: usize,
    serial: usize,
    flags: usize,
    versions: usize,
    wrap: usize,
    body: usize,
    hops: usize,
}

fn layout(sealed: &SealedRecord) -> Layout {
    let id = sealed.record_id.len();
    let metadata = 4 + 4 + id;
    let metadata_hash = metadata + 4 + sealed.metadata.len();
    let body_commitment = metadata_hash + 32;
    let body_len = body_commitment + 32;
    let kem = body_len + 8;
    let serial = kem + 32;
    let flags = serial + 8;
    let policy_len = sealed.header.policy.policy().as_str().len();
    let versions = flags + 1 + 4 + policy_len; // the u32 count
    let rows = sealed.header.policy.versions().len();
    let points = versions + 4 + 4 * rows;
    let masked = points + 3 * 96 + rows * 3 * 48;
    let wrap = masked + 32 + 32;
    let body = wrap + 48; // the u32 length of the body
    let hops = body + 4 + sealed.body.len();
    Layout {
        metadata,
        metadata_hash,
        body_commitment,
        body_len,
        serial,
        flags,
        versions,
        wrap,
        body,
        hops,
    }
}

#[test]
fn the_decoder_refuses_every_v3_rule() {
    let (mut rng, authority) = setup(5);
    let pk = authority.public_key();
    let sealed = seal_v3(
        pk,
        &at(POLICY, &[0, 1, 0]),
        7,
        b"rec-5",
        b"meta",
        b"payload",
        &mut rng,
    )
    .unwrap();
    let bytes = sealed.to_bytes();
    let l = layout(&sealed);
    assert_eq!(
        l.hops,
        bytes.len() - 1,
        "the layout helper matches the encoder"
    );
    let refused = |edit: &dyn Fn(&mut Vec<u8>), want: EncodingError| {
        let mut b = bytes.clone();
        edit(&mut b);
        assert_eq!(
            SealedRecord::from_bytes(&b),
            Err(Error::InvalidEncoding(want))
        );
    };
    // The metadata hash must be the metadata's.
    refused(&|b| b[l.metadata_hash] ^= 1, EncodingError::NonCanonical);
    refused(&|b| b[l.metadata + 4] ^= 1, EncodingError::NonCanonical);
    // body_len must equal the body's length, and be at least a tag.
    refused(&|b| b[l.body_len + 7] ^= 1, EncodingError::NonCanonical);
    refused(
        &|b| b[l.body_len..l.body_len + 8].copy_from_slice(&0u64.to_be_bytes()),
        EncodingError::NonCanonical,
    );
    // Serial 0, undefined flags.
    refused(
        &|b| b[l.serial..l.serial + 8].copy_from_slice(&0u64.to_be_bytes()),
        EncodingError::NonCanonical,
    );
    refused(&|b| b[l.flags] = 2, EncodingError::NonCanonical);
    // A vector count other than the row count, or above the leaf limit, before any point.
    refused(&|b| b[l.versions + 3] = 2, EncodingError::BadLength);
    refused(
        &|b| b[l.versions..l.versions + 4].copy_from_slice(&u32::MAX.to_be_bytes()),
        EncodingError::BadLength,
    );
    // A hop count with no hop after it, and more hops than MAX_HOPS.
    refused(&|b| *b.last_mut().unwrap() = 1, EncodingError::Truncated);
    refused(&|b| *b.last_mut().unwrap() = 9, EncodingError::BadLength);
    refused(&|b| b.push(0), EncodingError::TrailingBytes);
    // Format version 4 is nobody's.
    refused(&|b| b[3] = 4, EncodingError::UnsupportedVersion);
    let _ = (l.wrap, l.body);
}

#[test]
fn every_bound_field_is_checked_by_openers() {
    let (mut rng, authority) = setup(6);
    let pk = authority.public_key();
    let sealed = seal_v3(
        pk,
        &at(POLICY, &[0, 1, 0]),
        7,
        b"rec-6",
        b"meta",
        b"payload",
        &mut rng,
    )
    .unwrap();
    let bytes = sealed.to_bytes();
    let l = layout(&sealed);
    let nurse = key(&authority, &[("role:nurse", 1), ("dept:icu", 0)], &mut rng);
    let fails = |edit: &dyn Fn(&mut Vec<u8>)| {
        let mut b = bytes.clone();
        edit(&mut b);
        let record = SealedRecord::from_bytes(&b).expect("still well formed");
        assert_eq!(nurse.open(pk, &record), Err(Error::DecryptionFailed));
    };
    // Body commitment, serial, flag, wrap, body: each is bound (FO coins, wrap key,
    // commitments), so a change is never opened.
    fails(&|b| b[l.body_commitment] ^= 1);
    fails(&|b| b[l.serial + 7] ^= 2);
    fails(&|b| b[l.flags] = 1);
    fails(&|b| b[l.wrap] ^= 1);
    fails(&|b| b[l.wrap - 32] ^= 1); // the key commitment
    fails(&|b| b[l.body + 4] ^= 1);
    // The metadata with a matching hash: the FO check (the context holds the hash).
    fails(&|b| {
        b[l.metadata + 4] ^= 1;
        let hash = crate::record::envelope::metadata_hash(&b[l.metadata + 4..l.metadata + 8]);
        b[l.metadata_hash..l.metadata_hash + 32].copy_from_slice(&hash);
    });
}

#[test]
fn the_version_vector_is_bound_into_the_coins() {
    let (mut rng, authority) = setup(7);
    let pk = authority.public_key();
    let sealed = seal_v3(
        pk,
        &at(POLICY, &[0, 1, 0]),
        7,
        b"rec-7",
        b"",
        b"p",
        &mut rng,
    )
    .unwrap();
    let mut bytes = sealed.to_bytes();
    let l = layout(&sealed);
    // Relabel the nurse row as version 2, and hold a key at version 2: DecCore runs
    // (the key satisfies the relabelled header) and the FO check refuses.
    bytes[l.versions + 4 + 4 + 3] = 2;
    let relabelled = SealedRecord::from_bytes(&bytes).unwrap();
    assert_eq!(relabelled.header.policy.versions(), &[0, 2, 0]);
    let at2 = key(&authority, &[("role:nurse", 2), ("dept:icu", 0)], &mut rng);
    assert_eq!(at2.open(pk, &relabelled), Err(Error::DecryptionFailed));
}

#[test]
fn a_body_substituted_by_storage_is_caught_by_openers() {
    let (mut rng, authority) = setup(8);
    let pk = authority.public_key();
    let a = seal_v3(
        pk,
        &at(POLICY, &[0, 0, 0]),
        1,
        b"rec-8",
        b"",
        b"aaaa",
        &mut rng,
    )
    .unwrap();
    let b = seal_v3(
        pk,
        &at(POLICY, &[0, 0, 0]),
        1,
        b"rec-8",
        b"",
        b"bbbb",
        &mut rng,
    )
    .unwrap();
    let mut swapped = a.clone();
    swapped.body = b.body.clone();
    let patient = authority.issue_key(&["patient:42"], &mut rng).unwrap();
    assert_eq!(patient.open(pk, &swapped), Err(Error::DecryptionFailed));
    // And with b's commitment copied too, the header's FO check refuses.
    swapped.body_commitment = b.body_commitment;
    let decoded = SealedRecord::from_bytes(&swapped.to_bytes()).unwrap();
    assert_eq!(patient.open(pk, &decoded), Err(Error::DecryptionFailed));
}

#[test]
fn a_v2_rekey_refuses_a_v3_record() {
    let (mut rng, authority) = setup(9);
    let pk = authority.public_key();
    let sealed = seal_v3(
        pk,
        &at(POLICY, &[0, 0, 0]),
        1,
        b"rec-9",
        b"",
        b"p",
        &mut rng,
    )
    .unwrap();
    let consent = crate::sig::BlsSigningKey::generate(&mut rng);
    let delegation = authority
        .issue_delegation_key(&["patient:42"], &consent.public_key(), &mut rng)
        .unwrap();
    let rekey = delegation
        .rekey(pk, &Policy::parse("role:gp").unwrap(), &mut rng)
        .unwrap();
    assert!(!rekey.can_reencrypt(&sealed));
    assert!(matches!(
        rekey.reencrypt(&sealed),
        Err(Error::InvalidArgument(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// The algebra at versions: a record at a version vector opens with a key iff the
    /// key's (name, version) pairs satisfy the policy; and after a catch-up that bumps
    /// some rows, iff they satisfy it at the new versions.
    #[test]
    fn opens_iff_names_and_versions_satisfy(
        record in proptest::collection::vec(0u32..2, 3),
        held in proptest::collection::vec(proptest::option::of(0u32..3), 3),
        bump in proptest::collection::vec(0u32..2, 3),
        seed in any::<u64>(),
    ) {
        let (mut rng, authority) = setup(seed);
        let pk = authority.public_key();
        let names = ["patient:42", "role:nurse", "dept:icu"];
        let pairs: Vec<(&str, u32)> = names.iter().zip(&held).filter_map(|(n, v)| v.map(|v| (*n, v))).collect();
        prop_assume!(!pairs.is_empty());
        let k = key(&authority, &pairs, &mut rng);
        let satisfies = |versions: &[u32]| {
            let holds = |i: usize| held[i] == Some(versions[i]);
            holds(0) || (holds(1) && holds(2))
        };
        let sealed = seal_v3(pk, &at(POLICY, &record), 1, b"r", b"", b"p", &mut rng).unwrap();
        prop_assert_eq!(k.open(pk, &sealed).is_ok(), satisfies(&record));
        let new: Vec<u32> = record.iter().zip(&bump).map(|(v, b)| v + b).collect();
        let after = authority.rewrap_at(&sealed, &at(POLICY, &new), 2, &mut rng).unwrap();
        prop_assert_eq!(k.open(pk, &after).is_ok(), satisfies(&new));
    }
}

/// §5.2 (T7): a reader who learnt `K_b` (any legitimate reader) can make a new body
/// that the AEAD accepts; the body commitment in the FO-bound header refuses it.
#[test]
fn a_poly1305_forgery_with_a_known_body_key_fails_the_body_commitment() {
    use crate::record::envelope::{body_aead_key, key_commitment, metadata_hash, seal_once};
    use sha2::{Digest, Sha256};

    let (mut rng, authority) = setup(10);
    let pk = authority.public_key();
    let sealed = seal_v3(
        pk,
        &at(POLICY, &[0, 0, 0]),
        1,
        b"rec-10",
        b"m",
        b"genuine",
        &mut rng,
    )
    .unwrap();
    let patient = authority.issue_key(&["patient:42"], &mut rng).unwrap();
    // The reader recovers K_b through the ordinary open path.
    let seed = crate::record::kem::decaps(
        &*patient.material,
        pk,
        &sealed.header,
        &sealed.kem_context(),
    )
    .unwrap();
    let body_key = sealed.body_key(&seed, &sealed.kem_context()).unwrap();
    let ad: [u8; 32] = Sha256::new()
        .chain_update(crate::hash::dst::RECORD_AD_V3)
        .chain_update([3u8])
        .chain_update((6u32).to_be_bytes())
        .chain_update(b"rec-10")
        .chain_update(metadata_hash(b"m"))
        .chain_update(key_commitment(&body_key))
        .finalize()
        .into();
    let forged_body = seal_once(
        &body_aead_key(&body_key, b"record-body", b"rec-10"),
        b"forged!",
        &ad,
    )
    .unwrap();
    // The forgery is a valid AEAD ciphertext: the same construction opens the genuine body.
    let genuine = seal_once(
        &body_aead_key(&body_key, b"record-body", b"rec-10"),
        b"genuine",
        &ad,
    )
    .unwrap();
    assert_eq!(
        genuine, sealed.body,
        "the test rebuilds the sealer's AEAD exactly"
    );
    let mut forged = sealed.clone();
    forged.body = forged_body;
    let forged = SealedRecord::from_bytes(&forged.to_bytes()).unwrap();
    assert_eq!(patient.open(pk, &forged), Err(Error::DecryptionFailed));
}
