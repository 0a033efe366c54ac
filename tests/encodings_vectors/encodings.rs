//! Wire encodings of the encryption objects: round trips, and every kind of invalid
//! encoding rejected with the right `EncodingError` — truncation at every length,
//! trailing bytes, wrong magic/type tag, unknown versions, identity and
//! non-subgroup points, non-subgroup GT elements, non-canonical policy text inside a
//! header, row counts that disagree with the policy, and non-canonical attribute sets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use ark_bls12_381::{Fq, Fq12, Fq2, Fq6, G2Affine};
use ark_ff::{Field, One, PrimeField};
use ark_serialize::CanonicalSerialize;
use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::{read_stream_info, seal_stream_with_chunk_size};
use cipherchart::{
    seal, Authority, EncodingError, Error, Policy, PublicKey, SealedRecord, UserKey,
};
use cipherchart::{start_session, SessionHeader, SessionRecord};

use crate::common::{rng, u32_at, AUTHORITY_ID_LEN};
use EncodingError::*;

fn authority() -> &'static Authority {
    static A: OnceLock<Authority> = OnceLock::new();
    A.get_or_init(|| Authority::setup(&mut rng(0xE0)))
}

fn err(kind: EncodingError) -> Result<(), Error> {
    Err(Error::InvalidEncoding(kind))
}

fn splice(bytes: &[u8], at: usize, new: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at..at + new.len()].copy_from_slice(new);
    out
}

// ---------------------------------------------------------------------------------
// Invalid group elements.

const G1_IDENTITY: [u8; 48] = {
    let mut b = [0u8; 48];
    b[0] = 0xc0;
    b
};
const G2_IDENTITY: [u8; 96] = {
    let mut b = [0u8; 96];
    b[0] = 0xc0;
    b
};
/// `0x80 00…00`: x = 0, the G1 point (0, 2) of order 3.
const G1_ORDER_3: [u8; 48] = {
    let mut b = [0u8; 48];
    b[0] = 0x80;
    b
};

/// A G2 curve point outside the order-r subgroup, in the Zcash compressed format.
fn g2_not_in_subgroup() -> [u8; 96] {
    let p = (1u64..)
        .find_map(|k| {
            G2Affine::get_point_from_x_unchecked(Fq2::new(Fq::from(k), Fq::one()), false)
                .filter(|p| !p.is_in_correct_subgroup_assuming_on_curve())
        })
        .unwrap();
    let mut out = Vec::new();
    p.serialize_compressed(&mut out).unwrap();
    out.try_into().unwrap()
}

/// An x ≥ q (all ones under the flags): never a canonical coordinate.
fn g1_bad_x() -> [u8; 48] {
    let mut b = [0xffu8; 48];
    b[0] = 0x9f;
    b
}

fn gt_bytes(f: &Fq12) -> [u8; 576] {
    let mut out = Vec::new();
    f.serialize_compressed(&mut out).unwrap();
    out.try_into().unwrap()
}

/// Fq12 elements that are not in GT: the constant 2 (not even cyclotomic) and an
/// element of the cyclotomic subgroup of order ≠ r (f^((q⁶−1)(q²+1)) for a fixed f).
fn gt_not_in_subgroup() -> [[u8; 576]; 2] {
    let two = Fq12::from(2u64);
    let c = |k: u64| Fq2::new(Fq::from(k), Fq::from(k + 100));
    let f = Fq12::new(Fq6::new(c(1), c(2), c(3)), Fq6::new(c(4), c(5), c(6)));
    let mut g = f;
    g.conjugate_in_place();
    let g = g * f.inverse().unwrap();
    let g = g.frobenius_map(2) * g;
    // Cyclotomic (so the decoder's second test is the one that must catch it), not of
    // order r.
    assert_eq!(g.frobenius_map(4) * g, g.frobenius_map(2));
    assert!(!g.pow(ark_bls12_381::Fr::MODULUS).is_one());
    [gt_bytes(&two), gt_bytes(&g)]
}

fn gt_identity() -> [u8; 576] {
    gt_bytes(&Fq12::one())
}

/// A coefficient ≥ q.
fn gt_bad_coefficient() -> [u8; 576] {
    let mut b = [0u8; 576];
    b[..48].fill(0xff);
    b
}

// ---------------------------------------------------------------------------------
// The checks every top-level object gets.

/// Round trip, truncation at every length, trailing bytes, wrong magic and type tags,
/// unknown versions. `own_tag` is the object's type tag.
fn common_checks(bytes: &[u8], own_tag: u8, decode: &dyn Fn(&[u8]) -> Result<(), Error>) {
    common_checks_also_reading(bytes, own_tag, &[], decode);
}

/// [`common_checks`] for an object whose decoder also reads the format `versions` in
/// another layout (the user key reads v3, `docs/formats.md` "User key v3"): these bytes
/// under such a version are refused by that layout's rules, not as `UnsupportedVersion`.
fn common_checks_also_reading(
    bytes: &[u8],
    own_tag: u8,
    versions: &[u8],
    decode: &dyn Fn(&[u8]) -> Result<(), Error>,
) {
    common_checks_reading(bytes, own_tag, versions, false, decode);
}

/// [`common_checks`] for an object whose decoder also reads the format `versions`; with
/// `same_layout` (a v3 session record has the v2 fields), these bytes under such a version
/// decode, else they are refused by the other layout's rules.
fn common_checks_reading(
    bytes: &[u8],
    own_tag: u8,
    versions: &[u8],
    same_layout: bool,
    decode: &dyn Fn(&[u8]) -> Result<(), Error>,
) {
    assert_eq!(decode(bytes), Ok(()));
    for &version in versions {
        let result = decode(&splice(bytes, 3, &[version]));
        if same_layout {
            assert_eq!(result, Ok(()), "version {version}");
            continue;
        }
        assert!(
            matches!(result, Err(Error::InvalidEncoding(k)) if k != UnsupportedVersion),
            "version {version}: {result:?}"
        );
    }
    for len in 0..bytes.len() {
        assert_eq!(decode(&bytes[..len]), err(Truncated), "prefix {len}");
    }
    for extra in [&[0u8][..], &[1, 2, 3], bytes] {
        let mut longer = bytes.to_vec();
        longer.extend_from_slice(extra);
        assert_eq!(decode(&longer), err(TrailingBytes));
    }
    for tag in (0..=255u8).filter(|t| *t != own_tag) {
        assert_eq!(
            decode(&splice(bytes, 2, &[tag])),
            err(WrongType),
            "tag {tag}"
        );
    }
    for magic in [*b"CD", *b"cc", [0, 0], *b"\xff\xff"] {
        assert_eq!(decode(&splice(bytes, 0, &magic)), err(WrongType));
    }
    // Format v2: version 1 (the old format) is refused like any unknown version.
    for version in [0u8, 1, 3, 4, 0x81, 0xff]
        .into_iter()
        .filter(|v| !versions.contains(v))
    {
        assert_eq!(
            decode(&splice(bytes, 3, &[version])),
            err(UnsupportedVersion)
        );
    }
}

/// Replaces the G1 point at `at` by the identity, an order-3 point and a bad x.
fn g1_checks(bytes: &[u8], at: usize, decode: &dyn Fn(&[u8]) -> Result<(), Error>) {
    assert_eq!(
        decode(&splice(bytes, at, &G1_IDENTITY)),
        err(IdentityPoint),
        "{at}"
    );
    assert_eq!(
        decode(&splice(bytes, at, &G1_ORDER_3)),
        err(NotInSubgroup),
        "{at}"
    );
    assert_eq!(
        decode(&splice(bytes, at, &g1_bad_x())),
        err(InvalidPoint),
        "{at}"
    );
    // The other sign of the same point: a valid point, so decoding must succeed.
    let mut negated = bytes.to_vec();
    negated[at] ^= 0x20;
    assert_eq!(decode(&negated), Ok(()), "{at}");
}

fn g2_checks(bytes: &[u8], at: usize, decode: &dyn Fn(&[u8]) -> Result<(), Error>) {
    assert_eq!(
        decode(&splice(bytes, at, &G2_IDENTITY)),
        err(IdentityPoint),
        "{at}"
    );
    assert_eq!(
        decode(&splice(bytes, at, &g2_not_in_subgroup())),
        err(NotInSubgroup),
        "{at}"
    );
    let mut uncompressed = bytes.to_vec();
    uncompressed[at] &= 0x7f;
    assert_eq!(decode(&uncompressed), err(InvalidPoint), "{at}");
}

fn gt_checks(bytes: &[u8], at: usize, decode: &dyn Fn(&[u8]) -> Result<(), Error>) {
    assert_eq!(
        decode(&splice(bytes, at, &gt_identity())),
        err(IdentityPoint),
        "{at}"
    );
    for bad in gt_not_in_subgroup() {
        assert_eq!(decode(&splice(bytes, at, &bad)), err(NotInSubgroup), "{at}");
    }
    assert_eq!(
        decode(&splice(bytes, at, &gt_bad_coefficient())),
        err(InvalidPoint),
        "{at}"
    );
}

// ---------------------------------------------------------------------------------
// Public key, master key, user key.

#[test]
fn public_key() {
    let pk = authority().public_key();
    let bytes = pk.to_bytes();
    assert_eq!(bytes.len(), 4 + 2 * 96 + 2 * 576);
    let back = PublicKey::from_bytes(&bytes).unwrap();
    assert_eq!(&back, pk);
    assert_eq!(back.id(), pk.id());
    assert_eq!(back.to_bytes(), bytes);
    let decode = |b: &[u8]| PublicKey::from_bytes(b).map(|_| ());
    common_checks(&bytes, 0x01, &decode);
    for at in [4, 4 + 96] {
        g2_checks(&bytes, at, &decode);
    }
    for at in [4 + 192, 4 + 192 + 576] {
        gt_checks(&bytes, at, &decode);
    }
    // H1 and H2 swapped: still valid points, but another public key.
    let mut swapped = bytes.clone();
    swapped[4..4 + 96].copy_from_slice(&bytes[4 + 96..4 + 192]);
    swapped[4 + 96..4 + 192].copy_from_slice(&bytes[4..4 + 96]);
    assert_ne!(PublicKey::from_bytes(&swapped).unwrap().id(), pk.id());
}

#[test]
fn master_key_export() {
    let mut rng = rng(1);
    let exported = authority().to_secret_bytes();
    assert_eq!(exported.len(), 4 + 4 * 32 + 3 * 48);
    let imported = Authority::from_secret_bytes(&exported).unwrap();
    assert_eq!(imported.public_key(), authority().public_key());
    assert_eq!(*imported.to_secret_bytes(), *exported);
    // Keys of the imported authority open records sealed for the original one.
    let policy = Policy::parse("a:1").unwrap();
    let sealed = seal(
        authority().public_key(),
        &policy,
        b"r",
        b"",
        b"ok",
        &mut rng,
    )
    .unwrap();
    let key = imported.issue_key(&["a:1"], &mut rng).unwrap();
    assert_eq!(key.open(authority().public_key(), &sealed).unwrap(), b"ok");

    let decode = |b: &[u8]| Authority::from_secret_bytes(b).map(|_| ());
    common_checks(&exported, 0x02, &decode);
    let r =
        hex::decode("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001").unwrap();
    for scalar in 0..4 {
        let at = 4 + 32 * scalar;
        for bad in [[0u8; 32].to_vec(), r.clone(), vec![0xff; 32]] {
            assert_eq!(
                decode(&splice(&exported, at, &bad)),
                err(InvalidScalar),
                "{scalar}"
            );
        }
        // r − 1 is the largest valid scalar.
        let mut r_minus_1 = r.clone();
        r_minus_1[31] = 0;
        assert_eq!(decode(&splice(&exported, at, &r_minus_1)), Ok(()));
    }
    for i in 0..3 {
        let at = 4 + 128 + 48 * i;
        // g^{d_i} may be the identity (d_i = 0 is a valid, if odd, draw).
        assert_eq!(decode(&splice(&exported, at, &G1_IDENTITY)), Ok(()));
        assert_eq!(
            decode(&splice(&exported, at, &G1_ORDER_3)),
            err(NotInSubgroup)
        );
        assert_eq!(
            decode(&splice(&exported, at, &g1_bad_x())),
            err(InvalidPoint)
        );
    }
}

/// A user key encoding (v2) from attribute byte strings and the point section:
/// header, authority id, attributes, guard flag (1: user keys hold the guard), points
/// (K0, K', K_y, then the guard's K_y).
fn user_key_bytes(attributes: &[&[u8]], points: &[u8]) -> Vec<u8> {
    let mut out = b"CC\x03\x02".to_vec();
    out.extend_from_slice(&authority().public_key().id());
    out.extend_from_slice(&(attributes.len() as u32).to_be_bytes());
    for a in attributes {
        out.extend_from_slice(&(a.len() as u32).to_be_bytes());
        out.extend_from_slice(a);
    }
    out.push(1);
    out.extend_from_slice(points);
    out
}

#[test]
fn user_key() {
    let mut rng = rng(2);
    let key = authority().issue_key(&["x:2", "x:1"], &mut rng).unwrap();
    let bytes = key.to_bytes();
    // v2: authority id before the attributes, guard flag after; the guard's K_y last.
    let count_at = 4 + AUTHORITY_ID_LEN;
    let flag_at = count_at + 4 + 2 * (4 + 3);
    assert_eq!(bytes[4..count_at], authority().public_key().id());
    assert_eq!(bytes[flag_at], 1);
    let points = bytes[flag_at + 1..].to_vec();
    assert_eq!(points.len(), 3 * 96 + 3 * 48 + 2 * 3 * 48 + 3 * 48);
    assert_eq!(user_key_bytes(&[b"x:1", b"x:2"], &points), *bytes);
    let back = UserKey::from_bytes(&bytes).unwrap();
    assert_eq!(back.attributes(), key.attributes());
    assert_eq!(*back.to_bytes(), *bytes);
    // The decoded key still opens.
    let policy = Policy::parse("x:1 and x:2").unwrap();
    let sealed = seal(
        authority().public_key(),
        &policy,
        b"r",
        b"",
        b"ok",
        &mut rng,
    )
    .unwrap();
    assert_eq!(back.open(authority().public_key(), &sealed).unwrap(), b"ok");

    let decode = |b: &[u8]| UserKey::from_bytes(b).map(|_| ());
    common_checks_also_reading(&bytes, 0x03, &[3], &decode);
    let p0 = flag_at + 1;
    for i in 0..3 {
        g2_checks(&bytes, p0 + 96 * i, &decode);
    }
    // K', two K_y and the guard's K_y.
    for i in 0..12 {
        g1_checks(&bytes, p0 + 288 + 48 * i, &decode);
    }
    // A user key must carry the guard (flag 1); a flag of 0 (a delegation key's body)
    // or anything else is refused, and so is the guard named as an attribute.
    assert_eq!(decode(&splice(&bytes, flag_at, &[0])), err(NonCanonical));
    assert_eq!(decode(&splice(&bytes, flag_at, &[2])), err(NonCanonical));
    // Attribute sets: unsorted, repeated, not NFC, not UTF-8, forbidden, empty, too
    // long, none, too many.
    let with = |attrs: &[&[u8]]| decode(&user_key_bytes(attrs, &points));
    assert_eq!(with(&[b"x:2", b"x:1"]), err(NonCanonical));
    assert_eq!(with(&[b"x:1", b"x:1"]), err(NonCanonical));
    assert_eq!(with(&[b"x:1", "x:A\u{308}".as_bytes()]), err(NonCanonical));
    assert_eq!(with(&[b"x:1", b"x:\xff"]), err(InvalidText));
    assert_eq!(with(&[b"x:1", b"x:\0"]), err(InvalidText));
    assert_eq!(with(&[b"", b"x:1"]), err(InvalidText));
    assert_eq!(with(&[b"x:1", &[b'a'; 256]]), err(BadLength));
    assert_eq!(
        with(&[b"cipherchart:key-holder", b"x:1"]),
        err(NonCanonical)
    );
    // Another valid sorted pair decodes (the points are not bound to the names here;
    // a wrong key simply fails to decrypt).
    assert_eq!(with(&[b"x:1", b"x:3"]), Ok(()));
    // Count fields: zero attributes, more than points, above the limit.
    let mut zero = bytes[..count_at].to_vec();
    zero.extend_from_slice(&0u32.to_be_bytes());
    zero.push(1);
    zero.extend_from_slice(&points[..3 * 96 + 3 * 48 + 3 * 48]);
    assert_eq!(decode(&zero), err(BadLength));
    // One attribute more than written: its "length" is the guard flag and the first
    // bytes of K0.
    assert_eq!(
        decode(&splice(&bytes, count_at, &3u32.to_be_bytes())),
        err(BadLength)
    );
    assert_eq!(
        decode(&splice(&bytes, count_at, &1025u32.to_be_bytes())),
        err(BadLength)
    );
    assert_eq!(
        decode(&splice(&bytes, count_at, &u32::MAX.to_be_bytes())),
        err(BadLength)
    );
}

// ---------------------------------------------------------------------------------
// Sealed records and their KEM headers.

/// Offsets inside a KEM header whose policy length prefix is at `at` (v2: the header
/// starts `AUTHORITY_ID_LEN` bytes earlier, with the authority id).
struct Kem {
    policy: usize,
    policy_len: usize,
    c0: usize,
    rows_count: usize,
    rows: usize,
    seed: usize,
    end: usize,
}

fn kem(bytes: &[u8], at: usize) -> Kem {
    let policy_len = u32_at(bytes, at);
    let c0 = at + 4 + policy_len;
    let rows_count = c0 + 288;
    let rows = rows_count + 4;
    let seed = rows + 144 * u32_at(bytes, rows_count);
    Kem {
        policy: at + 4,
        policy_len,
        c0,
        rows_count,
        rows,
        seed,
        end: seed + 32,
    }
}

/// Replaces the policy text of the KEM header at `at` (fixing its length prefix).
fn with_policy(bytes: &[u8], at: usize, text: &[u8]) -> Vec<u8> {
    let k = kem(bytes, at);
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(&(text.len() as u32).to_be_bytes());
    out.extend_from_slice(text);
    out.extend_from_slice(&bytes[k.c0..]);
    out
}

/// The KEM header checks: authority id, points, non-canonical policies, row counts.
/// `expected` is the header's policy text. `alternative` is another canonical policy
/// of as many rows that the object accepts, or `None` where no other policy decodes
/// (v2: a hop's two capsules must have the same policy; a stream or session header
/// must be exactly `(P) and cipherchart:key-holder`).
fn kem_checks(
    bytes: &[u8],
    at: usize,
    decode: &dyn Fn(&[u8]) -> Result<(), Error>,
    expected: &str,
    alternative: Option<&str>,
) {
    let k = kem(bytes, at);
    assert_eq!(
        bytes[at - AUTHORITY_ID_LEN..at],
        authority().public_key().id()
    );
    let policy = std::str::from_utf8(&bytes[k.policy..k.policy + k.policy_len]).unwrap();
    assert_eq!(policy, expected);
    let rows = u32_at(bytes, k.rows_count);
    for i in 0..3 {
        g2_checks(bytes, k.c0 + 96 * i, decode);
    }
    for i in 0..3 * rows {
        g1_checks(bytes, k.rows + 48 * i, decode);
    }
    // Spellings that parse to the same policy but are not its canonical text, and
    // texts that do not parse at all.
    for text in [
        "(a:1 and b:2) or c:3",
        "a:1 and b:2 or c:3 ",
        "a:1  and b:2 or c:3",
        "a:1 and b:2 or \"c:3\"",
        "a:1 AND b:2 or c:3",
        "a:1 and b:2 or",
        "",
        "a:1 and a:1 or c:3",
        "a:1 and b:2 or c:3\n",
    ] {
        assert_eq!(
            decode(&with_policy(bytes, at, text.as_bytes())),
            err(NonCanonical),
            "{text}"
        );
    }
    // Not UTF-8.
    assert_eq!(
        decode(&with_policy(bytes, at, b"a:1 and b:\xff or c:3")),
        err(InvalidText)
    );
    // Another canonical policy of as many rows decodes (and then simply fails to open),
    // where the object allows another policy at all.
    match alternative {
        Some(text) => assert_eq!(decode(&with_policy(bytes, at, text.as_bytes())), Ok(())),
        None => {
            assert_eq!(
                decode(&with_policy(bytes, at, b"a:1 or b:2 or c:3")),
                err(NonCanonical)
            );
            assert_eq!(
                decode(&with_policy(bytes, at, b"a:1 and b:2 or c:3")),
                if expected == "a:1 and b:2 or c:3" {
                    Ok(())
                } else {
                    err(NonCanonical)
                }
            );
        }
    }
    // A canonical policy with another number of rows: the row count disagrees.
    assert_eq!(
        decode(&with_policy(bytes, at, b"a:1 and b:2")),
        err(BadLength)
    );
    let rows = rows as u32;
    for n in [0u32, rows - 1, rows + 1, 257, u32::MAX] {
        assert_eq!(
            decode(&splice(bytes, k.rows_count, &n.to_be_bytes())),
            err(BadLength),
            "{n}"
        );
    }
    // A policy length beyond the limit is rejected before the bytes are looked for.
    assert_eq!(
        decode(&splice(bytes, at, &(65537u32).to_be_bytes())),
        err(BadLength)
    );
    // A policy within the text limit but over the leaf limit.
    let huge: Vec<String> = (0..257).map(|i| format!("a:{i}")).collect();
    let r = decode(&with_policy(bytes, at, huge.join(" or ").as_bytes()));
    assert!(
        matches!(r, Err(Error::InvalidEncoding(EncodingError::BadLength))),
        "{r:?}"
    );
    assert_eq!(k.end - k.seed, 32);
}

fn kem_policy() -> Policy {
    Policy::parse("a:1 and b:2 or c:3").unwrap()
}

/// The canonical text of `kem_policy() and cipherchart:key-holder`: what stream and
/// session headers are sealed under (v2).
fn guarded_text() -> String {
    Policy::parse("(a:1 and b:2 or c:3) and cipherchart:key-holder")
        .unwrap()
        .as_str()
        .to_owned()
}

#[test]
fn sealed_record() {
    let mut rng = rng(3);
    let pk = authority().public_key();
    let sealed = seal(pk, &kem_policy(), b"rec-1", b"meta", b"payload", &mut rng).unwrap();
    let bytes = sealed.to_bytes();
    let back = SealedRecord::from_bytes(&bytes).unwrap();
    assert_eq!(back, sealed);
    assert_eq!(back.to_bytes(), bytes);
    assert_eq!(back.record_id(), b"rec-1");
    assert_eq!(back.metadata(), b"meta");
    assert_eq!(back.policy(), &kem_policy());
    assert_eq!(back.header_digest(), sealed.header_digest());
    assert_eq!(back.hop_count(), 0);
    let decode = |b: &[u8]| SealedRecord::from_bytes(b).map(|_| ());
    common_checks_also_reading(&bytes, 0x04, &[3], &decode);
    let kem_at = 4 + 4 + 5 + 4 + 4 + AUTHORITY_ID_LEN;
    kem_checks(
        &bytes,
        kem_at,
        &decode,
        "a:1 and b:2 or c:3",
        Some("a:1 or b:2 or c:3"),
    );
    // Length fields above their limits fail as BadLength before anything is read.
    assert_eq!(
        decode(&splice(&bytes, 4, &1025u32.to_be_bytes())),
        err(BadLength)
    );
    assert_eq!(
        decode(&splice(&bytes, 13, &(65537u32).to_be_bytes())),
        err(BadLength)
    );
    let k = kem(&bytes, kem_at);
    let body_at = k.end;
    assert_eq!(u32_at(&bytes, body_at), 7 + 16);
    assert_eq!(
        decode(&splice(&bytes, body_at, &15u32.to_be_bytes())),
        err(BadLength)
    );
    // Hop count: above MAX_HOPS, or announcing hops that are not there.
    let hops_at = bytes.len() - 1;
    assert_eq!(decode(&splice(&bytes, hops_at, &[9])), err(BadLength));
    assert_eq!(decode(&splice(&bytes, hops_at, &[1])), err(Truncated));
}

#[test]
fn reencrypted_record_with_hops() {
    let mut rng = rng(4);
    let a = authority();
    let pk = a.public_key();
    let sealed = seal(
        pk,
        &Policy::parse("patient:42").unwrap(),
        b"r",
        b"",
        b"ecg",
        &mut rng,
    )
    .unwrap();
    let consent_key = cipherchart::BlsSigningKey::generate(&mut rng).public_key();
    let rekey = a
        .issue_delegation_key(&["patient:42"], &consent_key, &mut rng)
        .unwrap()
        .rekey(pk, &kem_policy(), &mut rng)
        .unwrap();
    let shared = rekey.reencrypt(&sealed).unwrap();
    let bytes = shared.to_bytes();
    let back = SealedRecord::from_bytes(&bytes).unwrap();
    assert_eq!(back, shared);
    assert_eq!(back.hop_count(), 1);
    assert_eq!(back.current_policy(), &kem_policy());
    let doctor = a.issue_key(&["a:1", "b:2"], &mut rng).unwrap();
    assert_eq!(doctor.open(pk, &back).unwrap(), b"ecg");
    let decode = |b: &[u8]| SealedRecord::from_bytes(b).map(|_| ());
    // The hop (v2): count byte, grant id (16), delegator (48), grant capsule, record
    // capsule (KEM headers under the same policy), R̂ (GT), grant-value flag (0 on the
    // first hop).
    let k = kem(&bytes, 4 + 4 + 1 + 4 + AUTHORITY_ID_LEN);
    let hop_at = k.end + 4 + u32_at(&bytes, k.end) + 1;
    assert_eq!(bytes[hop_at - 1], 1);
    let grant_capsule_at = hop_at + 16 + 48 + AUTHORITY_ID_LEN;
    let record_capsule_at = kem(&bytes, grant_capsule_at).end + AUTHORITY_ID_LEN;
    let r_at = kem(&bytes, record_capsule_at).end;
    let flag_at = r_at + 576;
    assert_eq!(flag_at + 1, bytes.len());
    assert_eq!(bytes[flag_at], 0);
    gt_checks(&bytes, r_at, &decode);
    // Only the capsules' policy may differ from the other capsule's.
    kem_checks(
        &bytes,
        grant_capsule_at,
        &decode,
        "a:1 and b:2 or c:3",
        None,
    );
    kem_checks(
        &bytes,
        record_capsule_at,
        &decode,
        "a:1 and b:2 or c:3",
        None,
    );
    // The first hop carries no grant value: a flag of 1 (or anything else) is refused.
    assert_eq!(decode(&splice(&bytes, flag_at, &[1])), err(NonCanonical));
    assert_eq!(decode(&splice(&bytes, flag_at, &[2])), err(NonCanonical));
    for len in (0..bytes.len()).step_by(7) {
        assert_eq!(decode(&bytes[..len]), err(Truncated));
    }
    // A tampered grant id decodes but fails to open (it binds the capsule context).
    let mut tampered = bytes.clone();
    tampered[hop_at] ^= 1;
    let tampered = SealedRecord::from_bytes(&tampered).unwrap();
    assert_eq!(doctor.open(pk, &tampered), Err(Error::DecryptionFailed));
    // So does a tampered delegator (bound into the grant capsule's context).
    let mut tampered = bytes.clone();
    tampered[hop_at + 16] ^= 1;
    let tampered = SealedRecord::from_bytes(&tampered).unwrap();
    assert_eq!(doctor.open(pk, &tampered), Err(Error::DecryptionFailed));
}

// ---------------------------------------------------------------------------------
// Sessions and streams.

#[test]
fn session_header_and_record() {
    let mut rng = rng(5);
    let pk = authority().public_key();
    let (header, mut sealer) =
        start_session(pk, &kem_policy(), b"bed-1", b"vitals", &mut rng).unwrap();
    let bytes = header.to_bytes();
    assert_eq!(SessionHeader::from_bytes(&bytes).unwrap(), header);
    let decode = |b: &[u8]| SessionHeader::from_bytes(b).map(|_| ());
    // Version 3 is the v3 session header's layout (`docs/formats.md`, "Session header v3").
    common_checks_also_reading(&bytes, 0x07, &[3], &decode);
    // v2: sealed under `(P) and cipherchart:key-holder`; `policy()` still says P.
    assert_eq!(header.policy(), &kem_policy());
    kem_checks(
        &bytes,
        4 + 4 + 5 + 4 + 6 + AUTHORITY_ID_LEN,
        &decode,
        &guarded_text(),
        Some(&guarded_text().replace(" and b:2", " or b:2")),
    );

    let record = sealer.seal(b"hr", b"72 bpm").unwrap();
    let rbytes = record.to_bytes();
    assert_eq!(rbytes.len(), 4 + 8 + 4 + 2 + 4 + 6 + 16);
    assert_eq!(SessionRecord::from_bytes(&rbytes).unwrap(), record);
    let decode = |b: &[u8]| SessionRecord::from_bytes(b).map(|_| ());
    // A v3 session record has the same fields; an opener refuses the other version.
    common_checks_reading(&rbytes, 0x08, &[3], true, &decode);
    assert_eq!(
        decode(&splice(&rbytes, 12, &(65537u32).to_be_bytes())),
        err(BadLength)
    );
    assert_eq!(
        decode(&splice(&rbytes, 18, &15u32.to_be_bytes())),
        err(BadLength)
    );
    let key = authority().issue_key(&["c:3"], &mut rng).unwrap();
    let opener = key
        .open_session(pk, &SessionHeader::from_bytes(&bytes).unwrap())
        .unwrap();
    assert_eq!(
        opener
            .open(&SessionRecord::from_bytes(&rbytes).unwrap())
            .unwrap(),
        b"72 bpm"
    );
}

#[test]
fn stream_header() {
    let mut rng = rng(6);
    let pk = authority().public_key();
    let mut stream = Vec::new();
    seal_stream_with_chunk_size(
        pk,
        &kem_policy(),
        b"mri",
        b"t1",
        32,
        &b"data"[..],
        &mut stream,
        &mut rng,
    )
    .unwrap();
    let header_len = 8 + u32_at(&stream, 4);
    let header = &stream[..header_len];
    let info = read_stream_info(header).unwrap();
    assert_eq!(info.stream_id, b"mri");
    assert_eq!(info.metadata, b"t1");
    assert_eq!(info.chunk_size, 32);
    assert_eq!(info.policy, kem_policy());
    let decode = |b: &[u8]| read_stream_info(b).map(|_| ());
    // Common checks minus trailing bytes (a stream continues after its header).
    for len in 0..header.len() {
        assert_eq!(decode(&header[..len]), err(Truncated), "prefix {len}");
    }
    for tag in (0..=255u8).filter(|t| *t != 0x06) {
        assert_eq!(decode(&splice(header, 2, &[tag])), err(WrongType));
    }
    assert_eq!(decode(&splice(header, 3, &[1])), err(UnsupportedVersion));
    // The KEM header inside the length-framed body: fix the frame length when the
    // policy text changes length.
    let kem_at = 8 + 4 + 4 + 3 + 4 + 2 + AUTHORITY_ID_LEN;
    let reframe = |b: &[u8]| {
        let mut b = b.to_vec();
        let len = (b.len() - 8) as u32;
        b[4..8].copy_from_slice(&len.to_be_bytes());
        read_stream_info(&b[..]).map(|_| ())
    };
    kem_checks(
        header,
        kem_at,
        &reframe,
        &guarded_text(),
        Some(&guarded_text().replace(" and b:2", " or b:2")),
    );
}
