//! Version notices (`docs/revocation-v3.md` §4.2, §4.3, §11.2) and keys at versions
//! (§3.4, §11.6): round trips, one refusal per decoding rule and per verification rule,
//! the satisfaction of a key issued under a notice, and properties over arbitrary bytes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};

use super::{NoticeFields, VerifiedNotice, VersionNotice};
use crate::abe::{Authority, UserKey};
use crate::encoding::Writer;
use crate::error::{EncodingError, Error};
use crate::hash::dst;
use crate::policy::{Attribute, Policy, HOLDER_GUARD};
use crate::record::kem::key_satisfies;
use crate::sig::BlsSigningKey;

const NOW: u64 = 1_800_000_000;

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn notice_key() -> BlsSigningKey {
    BlsSigningKey::generate(&mut rng(11))
}

fn attr(name: &str) -> Attribute {
    Attribute::new(name).unwrap()
}

fn enc(kind: EncodingError) -> Option<Error> {
    Some(Error::InvalidEncoding(kind))
}

/// A valid set of fields at `serial = issued_at = NOW`, one hour of validity.
fn fields(bump_count: u64, versions: &[(&str, u32)]) -> NoticeFields {
    NoticeFields {
        authority: [7; 32],
        statement_serial: 0,
        serial: NOW,
        issued_at: NOW,
        not_after: NOW + 3600,
        bump_count,
        bump_head: if bump_count == 0 { [0; 32] } else { [0xab; 32] },
        versions: versions.iter().map(|&(n, v)| (attr(n), v)).collect(),
    }
}

fn sign(f: &NoticeFields) -> VersionNotice {
    VersionNotice::sign(&notice_key(), f).unwrap()
}

/// `f` encoded as a notice with no rule checked, signed correctly: what a decoder must
/// refuse on its own, whoever signed it. Names are written as given (raw text).
fn encode_raw(f: &NoticeFields, names: &[(&[u8], u32)]) -> Vec<u8> {
    let mut body = Writer::raw();
    body.fixed(&f.authority);
    body.u64(f.statement_serial);
    body.u64(f.serial);
    body.u64(f.issued_at);
    body.u64(f.not_after);
    body.u64(f.bump_count);
    body.fixed(&f.bump_head);
    body.count(names.len());
    for (n, v) in names {
        body.bytes(n);
        body.u32(*v);
    }
    let body = body.finish();
    let mut msg = Writer::raw();
    msg.bytes(dst::NOTICE_SIG);
    msg.fixed(&body);
    let sig = notice_key().sign(&msg.finish());
    let mut out = vec![0x43, 0x43, 0x41, 0x03];
    out.extend_from_slice(&body);
    out.extend_from_slice(&sig.to_bytes());
    out
}

fn decode_raw(f: &NoticeFields, names: &[(&[u8], u32)]) -> Option<Error> {
    VersionNotice::from_bytes(&encode_raw(f, names)).err()
}

fn verify(
    n: &VersionNotice,
    now: u64,
    previous: Option<&VerifiedNotice>,
) -> Result<VerifiedNotice, Error> {
    n.verify(&notice_key().public_key(), now, previous)
}

// ---- Encoding ----

/// The §11.2 layout byte for byte, the plain SHA-256 digest, and the round trip.
#[test]
fn a_notice_round_trips_in_the_documented_layout() {
    let f = fields(3, &[("ward:icu", 1), ("patient:42", 3)]);
    let n = sign(&f);
    let bytes = n.to_bytes();
    // Signing sorts the names; the raw encoding of the sorted fields is the same bytes.
    let sorted = [(&b"patient:42"[..], 3), (&b"ward:icu"[..], 1)];
    assert_eq!(bytes, encode_raw(&f, &sorted));
    assert_eq!(&bytes[..4], &[0x43, 0x43, 0x41, 0x03]);
    assert_eq!(
        bytes.len(),
        4 + 32 + 5 * 8 + 32 + 4 + (8 + 10) + (8 + 8) + 96
    );
    let back = VersionNotice::from_bytes(&bytes).unwrap();
    assert_eq!(back, n);
    assert_eq!(back.to_bytes(), bytes);
    assert_eq!(n.digest(), <[u8; 32]>::from(Sha256::digest(&bytes)));
    assert_eq!(
        (
            n.authority(),
            n.statement_serial(),
            n.serial(),
            n.issued_at(),
            n.not_after()
        ),
        ([7; 32], 0, NOW, NOW, NOW + 3600)
    );
    assert_eq!((n.bump_count(), n.bump_head()), (3, [0xab; 32]));
    assert_eq!(
        n.versions(),
        &[(attr("patient:42"), 3), (attr("ward:icu"), 1)]
    );
    // No bumps yet: an empty map, a zero head.
    let empty = sign(&fields(0, &[]));
    assert_eq!(VersionNotice::from_bytes(&empty.to_bytes()).unwrap(), empty);
    assert!(format!("{n:?}").contains("serial"));
}

#[test]
fn a_notice_above_4_mib_is_refused_before_anything_is_read() {
    // Zeros: a wrong magic, but the length is checked first.
    let big = vec![0u8; 4 * 1024 * 1024 + 1];
    assert_eq!(
        VersionNotice::from_bytes(&big).err(),
        enc(EncodingError::BadLength)
    );
}

#[test]
fn a_notice_of_another_type_or_version_is_refused() {
    let mut bytes = sign(&fields(0, &[])).to_bytes();
    bytes[3] = 0x02;
    assert_eq!(
        VersionNotice::from_bytes(&bytes).err(),
        enc(EncodingError::UnsupportedVersion)
    );
    bytes[3] = 0x03;
    bytes[2] = 0x40;
    assert_eq!(
        VersionNotice::from_bytes(&bytes).err(),
        enc(EncodingError::WrongType)
    );
}

#[test]
fn a_truncated_or_extended_notice_is_refused() {
    let bytes = sign(&fields(1, &[("a:x", 1)])).to_bytes();
    for cut in [0, 3, 4, 50, bytes.len() - 97, bytes.len() - 1] {
        assert_eq!(
            VersionNotice::from_bytes(&bytes[..cut]).err(),
            enc(EncodingError::Truncated),
            "{cut}"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(
        VersionNotice::from_bytes(&longer).err(),
        enc(EncodingError::TrailingBytes)
    );
}

#[test]
fn a_notice_serial_of_zero_is_refused() {
    let mut f = fields(0, &[]);
    f.serial = 0;
    assert_eq!(decode_raw(&f, &[]), enc(EncodingError::NonCanonical));
}

#[test]
fn a_notice_serial_above_its_issue_time_is_refused() {
    let mut f = fields(0, &[]);
    f.serial = NOW + 1;
    assert_eq!(decode_raw(&f, &[]), enc(EncodingError::NonCanonical));
    f.serial = NOW - 1;
    assert_eq!(
        decode_raw(&f, &[]),
        None,
        "a serial below issued_at is fine"
    );
}

#[test]
fn a_notice_expiring_at_or_before_its_issue_time_is_refused() {
    let mut f = fields(0, &[]);
    for not_after in [NOW, NOW - 1, 0] {
        f.not_after = not_after;
        assert_eq!(
            decode_raw(&f, &[]),
            enc(EncodingError::NonCanonical),
            "{not_after}"
        );
    }
}

#[test]
fn a_notice_valid_for_more_than_a_day_is_refused() {
    let mut f = fields(0, &[]);
    f.not_after = NOW + 86_401;
    assert_eq!(decode_raw(&f, &[]), enc(EncodingError::NonCanonical));
    f.not_after = NOW + 86_400;
    assert_eq!(decode_raw(&f, &[]), None);
    // Near the top of u64: no overflow.
    f.serial = u64::MAX - 10;
    f.issued_at = u64::MAX - 10;
    f.not_after = u64::MAX;
    assert_eq!(decode_raw(&f, &[]), None);
}

#[test]
fn a_bump_head_without_bumps_is_refused() {
    let mut f = fields(0, &[]);
    f.bump_head = [1; 32];
    assert_eq!(decode_raw(&f, &[]), enc(EncodingError::NonCanonical));
}

#[test]
fn a_zero_bump_head_with_bumps_is_refused() {
    let mut f = fields(1, &[]);
    f.bump_head = [0; 32];
    assert_eq!(
        decode_raw(&f, &[(b"a:x", 1)]),
        enc(EncodingError::NonCanonical)
    );
}

#[test]
fn a_notice_version_of_zero_is_refused() {
    assert_eq!(
        decode_raw(&fields(2, &[]), &[(b"a:x", 0)]),
        enc(EncodingError::NonCanonical)
    );
}

#[test]
fn a_notice_version_above_its_bump_count_is_refused() {
    let f = fields(2, &[]);
    assert_eq!(
        decode_raw(&f, &[(b"a:x", 3)]),
        enc(EncodingError::NonCanonical)
    );
    assert_eq!(decode_raw(&f, &[(b"a:x", 2)]), None);
    assert_eq!(
        decode_raw(&fields(0, &[]), &[(b"a:x", 1)]),
        enc(EncodingError::NonCanonical)
    );
}

#[test]
fn unsorted_or_repeated_notice_names_are_refused() {
    let f = fields(2, &[]);
    assert_eq!(
        decode_raw(&f, &[(b"b:x", 1), (b"a:x", 1)]),
        enc(EncodingError::NonCanonical)
    );
    assert_eq!(
        decode_raw(&f, &[(b"a:x", 1), (b"a:x", 2)]),
        enc(EncodingError::NonCanonical)
    );
    assert_eq!(decode_raw(&f, &[(b"a:x", 1), (b"b:x", 2)]), None);
}

#[test]
fn a_notice_name_in_the_reserved_namespace_is_refused() {
    let f = fields(2, &[]);
    for name in [HOLDER_GUARD.as_bytes(), b"cipherchart:anything"] {
        assert_eq!(
            decode_raw(&f, &[(name, 1)]),
            enc(EncodingError::NonCanonical)
        );
    }
}

#[test]
fn a_notice_name_not_in_canonical_form_is_refused() {
    let f = fields(2, &[]);
    // Decomposed: the NFC form is "a:\u{e4}".
    assert_eq!(
        decode_raw(&f, &[("a:a\u{308}".as_bytes(), 1)]),
        enc(EncodingError::NonCanonical)
    );
    assert_eq!(decode_raw(&f, &[("a:\u{e4}".as_bytes(), 1)]), None);
    // Not an attribute at all, or not UTF-8.
    assert_eq!(decode_raw(&f, &[(b"", 1)]), enc(EncodingError::InvalidText));
    assert_eq!(
        decode_raw(&f, &[(b"a:\x00", 1)]),
        enc(EncodingError::InvalidText)
    );
    assert_eq!(
        decode_raw(&f, &[(b"a:\xff", 1)]),
        enc(EncodingError::InvalidText)
    );
    // Longer than 255 bytes: the length is refused before the text is read.
    let long = vec![b'a'; 256];
    assert_eq!(decode_raw(&f, &[(&long, 1)]), enc(EncodingError::BadLength));
}

#[test]
fn more_than_65536_notice_entries_are_refused_before_allocating() {
    // A count of 65,537 with no entries after it: BadLength, not Truncated.
    let mut bytes = encode_raw(&fields(0, &[]), &[]);
    let at = 4 + 32 + 5 * 8 + 32;
    bytes[at..at + 4].copy_from_slice(&65_537u32.to_be_bytes());
    assert_eq!(
        VersionNotice::from_bytes(&bytes).err(),
        enc(EncodingError::BadLength)
    );
    bytes[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(
        VersionNotice::from_bytes(&bytes).err(),
        enc(EncodingError::BadLength)
    );
    // 65,536 is allowed: nothing after the count is then Truncated.
    bytes[at..at + 4].copy_from_slice(&65_536u32.to_be_bytes());
    bytes.truncate(at + 4);
    assert_eq!(
        VersionNotice::from_bytes(&bytes).err(),
        enc(EncodingError::Truncated)
    );
    assert_eq!(
        VersionNotice::from_bytes(&bytes).err(),
        enc(EncodingError::Truncated)
    );
}

#[test]
fn an_identity_or_invalid_notice_signature_is_refused() {
    let mut bytes = sign(&fields(0, &[])).to_bytes();
    let at = bytes.len() - 96;
    bytes[at..].fill(0);
    bytes[at] = 0xc0; // the compressed identity
    assert_eq!(
        VersionNotice::from_bytes(&bytes).err(),
        enc(EncodingError::IdentityPoint)
    );
    bytes[at] = 0x00; // no compression flag
    assert_eq!(
        VersionNotice::from_bytes(&bytes).err(),
        enc(EncodingError::InvalidPoint)
    );
}

/// Signing checks every decoding rule, so a signed notice always decodes.
#[test]
fn signing_refuses_what_decoding_would() {
    let key = notice_key();
    let bad = |edit: &dyn Fn(&mut NoticeFields)| {
        let mut f = fields(2, &[("a:x", 1)]);
        edit(&mut f);
        VersionNotice::sign(&key, &f).err()
    };
    let arg = |e: Option<Error>| matches!(e, Some(Error::InvalidArgument(_)));
    assert!(arg(bad(&|f| f.serial = 0)));
    assert!(arg(bad(&|f| f.serial = NOW + 1)));
    assert!(arg(bad(&|f| f.not_after = NOW)));
    assert!(arg(bad(&|f| f.not_after = NOW + 86_401)));
    assert!(arg(bad(&|f| f.bump_head = [0; 32])));
    assert!(arg(bad(&|f| f.versions[0].1 = 0)));
    assert!(arg(bad(&|f| f.versions[0].1 = 3)));
    assert!(arg(bad(&|f| f.versions.push((attr("a:x"), 2)))));
    assert_eq!(
        bad(&|f| f.versions.push((attr("cipherchart:x"), 1))),
        Some(Error::InvalidAttribute)
    );
    assert_eq!(bad(&|_| {}), None);
}

// ---- Verification ----

#[test]
fn a_valid_notice_verifies() {
    let n = sign(&fields(1, &[("a:x", 1)]));
    let v = verify(&n, NOW, None).unwrap();
    assert_eq!(v.notice(), &n);
    assert_eq!(
        (v.serial(), v.authority(), v.issued_at(), v.not_after()),
        (NOW, [7; 32], NOW, NOW + 3600)
    );
    assert_eq!(
        (v.version_of("a:x"), v.version_of("b:y"), v.version_of("")),
        (1, 0, 0)
    );
    assert!(format!("{v:?}").starts_with("VerifiedNotice"));
}

#[test]
fn a_notice_with_a_bad_signature_is_refused() {
    let n = sign(&fields(1, &[("a:x", 1)]));
    let other = BlsSigningKey::generate(&mut rng(99)).public_key();
    assert_eq!(
        n.verify(&other, NOW, None).err(),
        Some(Error::VerificationFailed)
    );
    // A changed field that still decodes: the signature no longer covers it.
    let mut bytes = n.to_bytes();
    bytes[4 + 32 + 5 * 8] ^= 1; // a bump-head byte, still non-zero
    let changed = VersionNotice::from_bytes(&bytes).unwrap();
    assert_eq!(
        verify(&changed, NOW, None).err(),
        Some(Error::VerificationFailed)
    );
}

#[test]
fn a_notice_from_more_than_five_minutes_ahead_is_refused() {
    let n = sign(&fields(0, &[]));
    assert_eq!(verify(&n, NOW - 301, None).err(), Some(Error::StaleNotice));
    assert!(verify(&n, NOW - 300, None).is_ok());
}

#[test]
fn a_stale_notice_is_refused() {
    let n = sign(&fields(0, &[]));
    assert_eq!(verify(&n, NOW + 3600, None).err(), Some(Error::StaleNotice));
    assert_eq!(verify(&n, u64::MAX, None).err(), Some(Error::StaleNotice));
    assert!(verify(&n, NOW + 3599, None).is_ok());
}

/// Notices one second apart: `serial = issued_at = NOW + dt`.
fn later(dt: u64, bump_count: u64, versions: &[(&str, u32)]) -> VersionNotice {
    let mut f = fields(bump_count, versions);
    f.serial += dt;
    f.issued_at += dt;
    f.not_after += dt;
    if bump_count > 0 {
        f.bump_head = [u8::try_from(bump_count).unwrap(); 32];
    }
    sign(&f)
}

#[test]
fn a_notice_with_a_lower_serial_is_refused() {
    let previous = verify(&later(10, 1, &[("a:x", 1)]), NOW + 10, None).unwrap();
    let older = later(5, 1, &[("a:x", 1)]);
    assert_eq!(
        verify(&older, NOW + 10, Some(&previous)).err(),
        Some(Error::StaleNotice)
    );
}

#[test]
fn the_same_notice_again_is_accepted() {
    let n = later(10, 1, &[("a:x", 1)]);
    let previous = verify(&n, NOW + 10, None).unwrap();
    assert_eq!(verify(&n, NOW + 20, Some(&previous)).unwrap(), previous);
}

#[test]
fn another_notice_under_the_same_serial_is_refused() {
    let previous = verify(&later(10, 1, &[("a:x", 1)]), NOW + 10, None).unwrap();
    let conflicting = later(10, 1, &[("b:x", 1)]);
    assert_eq!(
        verify(&conflicting, NOW + 10, Some(&previous)).err(),
        Some(Error::StaleNotice)
    );
}

#[test]
fn a_notice_rollback_is_refused() {
    let previous = verify(&later(10, 2, &[("a:x", 2)]), NOW + 10, None).unwrap();
    let lower = later(20, 2, &[("a:x", 1)]);
    assert_eq!(
        verify(&lower, NOW + 20, Some(&previous)).err(),
        Some(Error::NoticeRollback)
    );
    let same = later(20, 2, &[("a:x", 2)]);
    assert!(verify(&same, NOW + 20, Some(&previous)).is_ok());
}

#[test]
fn a_notice_that_drops_a_name_is_refused() {
    let previous = verify(&later(10, 1, &[("a:x", 1)]), NOW + 10, None).unwrap();
    let dropped = later(20, 2, &[("b:x", 1)]);
    assert_eq!(
        verify(&dropped, NOW + 20, Some(&previous)).err(),
        Some(Error::NoticeRollback)
    );
}

#[test]
fn a_lower_bump_count_is_refused() {
    let previous = verify(&later(10, 3, &[("a:x", 1)]), NOW + 10, None).unwrap();
    let fewer = later(20, 2, &[("a:x", 1)]);
    assert_eq!(
        verify(&fewer, NOW + 20, Some(&previous)).err(),
        Some(Error::NoticeRollback)
    );
}

#[test]
fn a_version_jump_above_one_is_refused() {
    // One bump entry in between raises a name by at most 1.
    let previous = verify(&later(10, 1, &[("a:x", 1)]), NOW + 10, None).unwrap();
    let one_bump = later(20, 2, &[("a:x", 2)]);
    assert!(verify(&one_bump, NOW + 20, Some(&previous)).is_ok());
    let new_name_at_2 = later(20, 2, &[("a:x", 2), ("b:x", 2)]);
    assert_eq!(
        verify(&new_name_at_2, NOW + 20, Some(&previous)).err(),
        Some(Error::NoticeRollback),
        "a new name at 2 after one bump"
    );
    let previous_at_2 = verify(&later(10, 2, &[("a:x", 1)]), NOW + 10, None).unwrap();
    let plus_two = later(20, 3, &[("a:x", 3)]);
    assert_eq!(
        verify(&plus_two, NOW + 20, Some(&previous_at_2)).err(),
        Some(Error::NoticeRollback),
        "+2 after one bump"
    );
    // Two bump entries in between: +2 is fine.
    assert!(verify(&plus_two, NOW + 20, Some(&previous)).is_ok());
}

#[test]
fn a_previous_notice_of_another_authority_is_refused() {
    let previous = verify(&later(10, 0, &[]), NOW + 10, None).unwrap();
    let mut f = fields(0, &[]);
    f.authority = [8; 32];
    (f.serial, f.issued_at, f.not_after) = (NOW + 20, NOW + 20, NOW + 3620);
    assert_eq!(
        verify(&sign(&f), NOW + 20, Some(&previous)).err(),
        Some(Error::WrongAuthority)
    );
}

// ---- Versioned policies and keys under a notice ----

fn authority() -> Authority {
    Authority::setup(&mut rng(1))
}

fn notice_for(
    authority: &Authority,
    serial: u64,
    bumps: u64,
    versions: &[(&str, u32)],
) -> VerifiedNotice {
    let mut f = fields(bumps, versions);
    f.authority = authority.public_key().id();
    (f.serial, f.issued_at, f.not_after) = (serial, serial, serial + 3600);
    verify(&sign(&f), serial, None).unwrap()
}

#[test]
fn apply_puts_each_row_at_the_notice_version_and_the_guard_at_zero() {
    let a = authority();
    let n = notice_for(&a, NOW, 4, &[("a:x", 4), ("c:z", 1)]);
    let p = Policy::parse(&format!("a:x and (b:y or c:z) and {HOLDER_GUARD}")).unwrap();
    let vp = n.apply(&p).unwrap();
    assert_eq!(vp.versions(), &[4, 0, 1, 0]);
    assert_eq!(vp.policy(), &p);
}

#[test]
fn a_key_under_a_notice_satisfies_exactly_the_policies_at_its_versions() {
    let a = authority();
    let p = Policy::parse("a:x and (b:y or c:z)").unwrap();
    let n1 = notice_for(&a, NOW, 1, &[("a:x", 1)]);
    let n2 = notice_for(&a, NOW + 1, 2, &[("a:x", 1), ("b:y", 1)]);
    let n3 = notice_for(&a, NOW + 2, 3, &[("a:x", 2), ("b:y", 1)]);
    let key1 = a
        .issue_key_under(&n1, &["a:x", "b:y"], &mut rng(2))
        .unwrap();
    let key2 = a
        .issue_key_under(&n2, &["a:x", "c:z"], &mut rng(3))
        .unwrap();
    let old = a.issue_key(&["a:x", "b:y", "c:z"], &mut rng(4)).unwrap();
    let sat = |k: &UserKey, n: &VerifiedNotice| key_satisfies(&*k.material, &n.apply(&p).unwrap());
    assert!(sat(&key1, &n1), "same names, same versions");
    assert!(!sat(&key1, &n2), "b:y was bumped after key1");
    assert!(
        sat(&key2, &n1) && sat(&key2, &n2),
        "a:x at 1 and c:z at 0 under both"
    );
    assert!(!sat(&key2, &n3), "a:x was bumped again");
    assert!(!sat(&old, &n1), "a key from before the first bump");
    assert!(old.versioned_attributes().iter().all(|(_, v)| *v == 0));
    assert_eq!(
        key1.versioned_attributes(),
        vec![(attr("a:x"), 1), (attr("b:y"), 0)]
    );
    assert_eq!(key1.attributes(), &[attr("a:x"), attr("b:y")]);
    // The same key's material under the unversioned policy: only the v0 rows.
    let unversioned = crate::policy::VersionedPolicy::unversioned(p.clone());
    assert!(key_satisfies(&*old.material, &unversioned));
    assert!(!key_satisfies(&*key1.material, &unversioned));
}

#[test]
fn a_key_under_another_authoritys_notice_is_refused() {
    let a = authority();
    let b = Authority::setup(&mut rng(5));
    let n = notice_for(&b, NOW, 0, &[]);
    assert_eq!(
        a.issue_key_under(&n, &["a:x"], &mut rng(2)).err(),
        Some(Error::WrongAuthority)
    );
}

/// A key whose names the notice does not list is the v2 key, byte for byte: the same
/// random draws give the same encoding as `issue_key`.
#[test]
fn a_key_at_version_zero_keeps_its_v2_encoding() {
    let a = authority();
    let n = notice_for(&a, NOW, 1, &[("other:name", 1)]);
    let under = a.issue_key_under(&n, &["a:x", "b:y"], &mut rng(6)).unwrap();
    let plain = a.issue_key(&["a:x", "b:y"], &mut rng(6)).unwrap();
    assert_eq!(*under.to_bytes(), *plain.to_bytes());
    assert_eq!(&under.to_bytes()[..4], &[0x43, 0x43, 0x03, 0x02]);
}

fn v3_key() -> (Authority, UserKey) {
    let a = authority();
    let n = notice_for(&a, NOW, 5, &[("a:x1", 5), ("ward:icu-unit", 2)]);
    let key = a
        .issue_key_under(&n, &["ward:icu-unit", "a:x1", "a:x2"], &mut rng(7))
        .unwrap();
    (a, key)
}

/// Offsets of the names and versions in a v3 key body: header, authority, count, then
/// `len ‖ name ‖ version` per attribute.
fn vattr_offsets(key: &UserKey) -> Vec<(usize, usize)> {
    let mut at = 4 + 32 + 4;
    key.attributes()
        .iter()
        .map(|a| {
            let name = at + 4;
            at = name + a.as_str().len() + 4;
            (name, at - 4)
        })
        .collect()
}

#[test]
fn a_v3_user_key_round_trips_in_the_documented_layout() {
    let (a, key) = v3_key();
    let bytes = key.to_bytes();
    assert_eq!(&bytes[..4], &[0x43, 0x43, 0x03, 0x03]);
    assert_eq!(&bytes[4..36], &a.public_key().id());
    assert_eq!(&bytes[36..40], &3u32.to_be_bytes());
    let offsets = vattr_offsets(&key);
    let versions: Vec<u32> = offsets
        .iter()
        .map(|&(_, v)| u32::from_be_bytes(bytes[v..v + 4].try_into().unwrap()))
        .collect();
    assert_eq!(versions, [5, 0, 2]);
    let names = 4 + 4 + 13;
    assert_eq!(bytes[offsets[2].1 + 4], 1, "guard flag");
    assert_eq!(
        bytes.len(),
        4 + 32 + 4 + 3 * 8 + names + 1 + 3 * 96 + 3 * 48 * (1 + 3 + 1)
    );
    let back = UserKey::from_bytes(&bytes).unwrap();
    assert_eq!(*back.to_bytes(), *bytes);
    assert_eq!(back.versioned_attributes(), key.versioned_attributes());
    assert_eq!(back.authority(), key.authority());
    // Debug shows the names only, never key material.
    let debug = format!("{back:?}");
    assert!(debug.contains("a:x1") && !debug.contains("K0"));
}

#[test]
fn a_v3_user_key_with_every_version_zero_is_refused() {
    let (_, key) = v3_key();
    let mut bytes = key.to_bytes();
    for (_, v) in vattr_offsets(&key) {
        bytes[v..v + 4].fill(0);
    }
    assert_eq!(
        UserKey::from_bytes(&bytes).err(),
        enc(EncodingError::NonCanonical)
    );
}

#[test]
fn a_v3_user_key_with_unsorted_repeated_or_reserved_names_is_refused() {
    let (_, key) = v3_key();
    let offsets = vattr_offsets(&key);
    let replace = |i: usize, name: &[u8]| {
        let mut bytes = key.to_bytes();
        let at = offsets[i].0;
        bytes[at..at + name.len()].copy_from_slice(name);
        UserKey::from_bytes(&bytes).err()
    };
    assert_eq!(
        replace(1, b"a:x1"),
        enc(EncodingError::NonCanonical),
        "repeated"
    );
    assert_eq!(
        replace(1, b"a:x0"),
        enc(EncodingError::NonCanonical),
        "unsorted"
    );
    assert_eq!(
        replace(2, b"cipherchart:x"),
        enc(EncodingError::NonCanonical),
        "reserved"
    );
    assert_eq!(
        replace(2, b"ward:icu\x00unit"),
        enc(EncodingError::InvalidText),
        "not an attribute"
    );
}

#[test]
fn a_user_key_of_another_version_or_bad_count_is_refused() {
    let (_, key) = v3_key();
    let mut bytes = key.to_bytes();
    bytes[3] = 4;
    assert_eq!(
        UserKey::from_bytes(&bytes).err(),
        enc(EncodingError::UnsupportedVersion)
    );
    bytes[3] = 3;
    for count in [0u32, 1025, u32::MAX] {
        bytes[36..40].copy_from_slice(&count.to_be_bytes());
        assert_eq!(
            UserKey::from_bytes(&bytes).err(),
            enc(EncodingError::BadLength),
            "{count}"
        );
    }
}

#[cfg(feature = "keyfile")]
#[test]
fn a_v3_user_key_round_trips_through_a_key_file() {
    use crate::keyfile::{KeyFile, KeyFileOptions};
    let (_, key) = v3_key();
    let options = KeyFileOptions::new().with_work_factor(15).unwrap();
    let file = key.to_key_file_with("correct horse", &options).unwrap();
    let back = UserKey::from_key_file_with(&file, "correct horse", &options).unwrap();
    assert_eq!(*back.to_bytes(), *key.to_bytes());
    assert_eq!(back.versioned_attributes(), key.versioned_attributes());
}

// ---- Properties ----

fn arb_fields() -> impl Strategy<Value = NoticeFields> {
    (
        1u64..=3_000_000_000,
        0u64..=100,
        1u64..=86_400,
        0u64..=20,
        any::<[u8; 32]>(),
        any::<u64>(),
        proptest::collection::btree_map("[a-z]{1,6}:[a-z0-9]{1,6}", any::<u32>(), 0..12),
    )
        .prop_map(
            |(issued_at, back, validity, bumps, head, statement, names)| {
                let bump_count = if names.is_empty() {
                    bumps
                } else {
                    bumps.max(1)
                };
                NoticeFields {
                    authority: head,
                    statement_serial: statement,
                    serial: issued_at - back.min(issued_at - 1),
                    issued_at,
                    not_after: issued_at + validity,
                    bump_count,
                    bump_head: if bump_count == 0 {
                        [0; 32]
                    } else {
                        [head[0] | 1; 32]
                    },
                    versions: names
                        .into_iter()
                        .map(|(n, v)| {
                            let v = u64::from(v) % bump_count.max(1) + 1;
                            (attr(&n), u32::try_from(v).unwrap())
                        })
                        .collect(),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn notice_decoding_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = VersionNotice::from_bytes(&bytes);
        let mut with_header = vec![0x43, 0x43, 0x41, 0x03];
        with_header.extend_from_slice(&bytes);
        let _ = VersionNotice::from_bytes(&with_header);
    }

    #[test]
    fn v3_key_decoding_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut with_header = vec![0x43, 0x43, 0x03, 0x03];
        with_header.extend_from_slice(&bytes);
        let _ = UserKey::from_bytes(&with_header);
    }

    #[test]
    fn encode_then_decode_is_identity_on_valid_notices(f in arb_fields(), flip in any::<(usize, u8)>()) {
        let n = sign(&f);
        let bytes = n.to_bytes();
        let back = VersionNotice::from_bytes(&bytes).unwrap();
        prop_assert_eq!(&back, &n);
        prop_assert_eq!(back.to_bytes(), bytes.clone());
        prop_assert_eq!(back.versions(), f.versions.as_slice());
        prop_assert!(verify(&back, f.issued_at, None).is_ok());
        // Any one changed byte: refused by the decoder or by the signature, never a panic.
        let mut changed = bytes;
        let i = flip.0 % changed.len();
        changed[i] ^= flip.1 | 1;
        if let Ok(m) = VersionNotice::from_bytes(&changed) {
            prop_assert!(verify(&m, f.issued_at, None).is_err());
        }
    }
}
