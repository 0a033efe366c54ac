//! Attacks on sealed records: keys that must not open, every single-bit flip of an
//! encoding, swapped headers, changed record ids and metadata, truncated bodies, and
//! KEM headers replayed from other contexts.
//!
//! Every test asserts the exact error. `PolicyNotSatisfied` is only acceptable where
//! the tampering changed the policy itself (or the key really does not satisfy it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use crate::common::rng;
use cipherchart::start_session;
use cipherchart::{seal, Authority, EncodingError, Error, LimitKind, Policy, SealedRecord};

fn authority() -> &'static Authority {
    static A: OnceLock<Authority> = OnceLock::new();
    A.get_or_init(|| Authority::setup(&mut rng(0xA)))
}

fn other_authority() -> &'static Authority {
    static B: OnceLock<Authority> = OnceLock::new();
    B.get_or_init(|| Authority::setup(&mut rng(0xB)))
}

/// The fields of a sealed record's encoding (no hops), so tests can rewrite one field
/// and re-assemble a well-framed encoding.
#[derive(Clone, Debug, PartialEq)]
struct Parts {
    id: Vec<u8>,
    metadata: Vec<u8>,
    /// The whole KEM header: authority id (v2), policy (length-prefixed), C0, row
    /// count, rows, c'.
    header: Vec<u8>,
    body: Vec<u8>,
    /// Hop count and hops.
    tail: Vec<u8>,
}

/// Field offsets of a record encoding, for classifying bit positions.
struct Layout {
    id: core::ops::Range<usize>,
    metadata: core::ops::Range<usize>,
    /// The KEM header's authority key id (format v2).
    authority: core::ops::Range<usize>,
    policy: core::ops::Range<usize>,
    points: core::ops::Range<usize>,
    masked_seed: core::ops::Range<usize>,
    body: core::ops::Range<usize>,
}

fn read_u32(bytes: &[u8], at: usize) -> usize {
    u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize
}

fn layout(bytes: &[u8]) -> Layout {
    let id = 8..8 + read_u32(bytes, 4);
    let metadata = id.end + 4..id.end + 4 + read_u32(bytes, id.end);
    let authority = metadata.end..metadata.end + 32;
    let policy = authority.end + 4..authority.end + 4 + read_u32(bytes, authority.end);
    let rows = read_u32(bytes, policy.end + 3 * 96);
    let points = policy.end..policy.end + 3 * 96 + 4 + rows * 3 * 48;
    let masked_seed = points.end..points.end + 32;
    let body = masked_seed.end + 4..masked_seed.end + 4 + read_u32(bytes, masked_seed.end);
    Layout {
        id,
        metadata,
        authority,
        policy,
        points,
        masked_seed,
        body,
    }
}

fn split(bytes: &[u8]) -> Parts {
    let l = layout(bytes);
    Parts {
        id: bytes[l.id.clone()].to_vec(),
        metadata: bytes[l.metadata.clone()].to_vec(),
        header: bytes[l.authority.start..l.masked_seed.end].to_vec(),
        body: bytes[l.body.clone()].to_vec(),
        tail: bytes[l.body.end..].to_vec(),
    }
}

fn assemble(p: &Parts) -> Vec<u8> {
    let mut out = b"CC\x04\x02".to_vec();
    for field in [&p.id, &p.metadata] {
        out.extend_from_slice(&(field.len() as u32).to_be_bytes());
        out.extend_from_slice(field);
    }
    out.extend_from_slice(&p.header);
    out.extend_from_slice(&(p.body.len() as u32).to_be_bytes());
    out.extend_from_slice(&p.body);
    out.extend_from_slice(&p.tail);
    out
}

#[test]
fn split_and_assemble_are_inverse() {
    let pk = authority().public_key();
    let policy = Policy::parse("a:1 and (b:2 or c:3)").unwrap();
    let sealed = seal(pk, &policy, b"id", b"meta", b"payload", &mut rng(1)).unwrap();
    let bytes = sealed.to_bytes();
    let parts = split(&bytes);
    assert_eq!(parts.id, b"id");
    assert_eq!(parts.metadata, b"meta");
    assert_eq!(parts.body.len(), 7 + 16);
    assert_eq!(parts.tail, [0]);
    assert_eq!(assemble(&parts), bytes);
}

/// Decodes `bytes` and opens the result with `key`, or returns the decoding error.
fn decode_and_open(key: &cipherchart::UserKey, bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let record = SealedRecord::from_bytes(bytes)?;
    key.open(authority().public_key(), &record)
}

/// What flipping one bit of a record encoding did: `true` if `open` ran (the flipped
/// encoding decoded). Panics on any outcome the test forbids.
fn check_flip(key: &cipherchart::UserKey, bytes: &[u8], l: &Layout, bit: usize) -> bool {
    let (i, mask) = (bit / 8, 1u8 << (bit % 8));
    let mut flipped = bytes.to_vec();
    flipped[i] ^= mask;
    let result = decode_and_open(key, &flipped);
    let is = |r: &core::ops::Range<usize>| r.contains(&i);
    if is(&l.id) || is(&l.metadata) || is(&l.masked_seed) || is(&l.body) {
        // Free-form fields always decode; opening must fail authentication.
        assert_eq!(
            result,
            Err(Error::DecryptionFailed),
            "byte {i} mask {mask:#x}"
        );
    } else {
        match &result {
            Err(Error::InvalidEncoding(_)) => {}
            // Only a changed policy may be "not satisfied".
            Err(Error::PolicyNotSatisfied) => assert!(is(&l.policy), "byte {i}"),
            Err(Error::DecryptionFailed) => {}
            // v2: a changed authority id names another authority, refused before any
            // pairing.
            Err(Error::WrongAuthority) => assert!(is(&l.authority), "byte {i}"),
            other => panic!("byte {i} mask {mask:#x}: {other:?}"),
        }
    }
    !matches!(result, Err(Error::InvalidEncoding(_)))
}

#[test]
fn every_single_bit_flip_is_rejected() {
    let mut rng = rng(2);
    let a = authority();
    // Small on purpose: ~4,000 bit positions, each decoded (point validation is the
    // cost), ~400 of them opened (a pairing and a re-encryption each).
    let policy = Policy::parse("a:1").unwrap();
    let sealed = seal(a.public_key(), &policy, b"r", b"m", b"x", &mut rng).unwrap();
    let key = a.issue_key(&["a:1"], &mut rng).unwrap();
    let bytes = sealed.to_bytes();
    assert_eq!(decode_and_open(&key, &bytes), Ok(b"x".to_vec()));
    let l = layout(&bytes);
    let bits = bytes.len() * 8;
    // Two workers, interleaved so both get a share of the costly free-form fields.
    let opened: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|w| {
                let (key, bytes, l) = (&key, &bytes, &l);
                s.spawn(move || {
                    (w..bits)
                        .step_by(2)
                        .filter(|&bit| check_flip(key, bytes, l, bit))
                        .count()
                })
            })
            .collect();
        workers.into_iter().map(|h| h.join().unwrap()).sum()
    });
    // Sanity: the loop really exercised `open`, not only the decoder (every bit of
    // id, metadata, c' and body, plus sign flips of points and policy edits).
    let free_bits = 8 * (l.id.len() + l.metadata.len() + l.masked_seed.len() + l.body.len());
    assert!(opened > free_bits, "{opened} opened, {free_bits} free bits");
    assert_eq!(l.points.len(), 3 * 96 + 4 + 3 * 48);
}

/// Every row component of a genuine record under a 10-row policy, changed one at a time
/// into another valid point, is rejected with `DecryptionFailed` (issue 19: the FO
/// check compares the rows by one random linear combination, not point by point). Two
/// changes per component, both still decoding: its negation (the sign bit of the
/// compressed encoding flipped) and the component beside it copied over it. The key
/// leaves three rows unused (`c:3`, `f:6`, `j:10`): a change there leaves DecCore's `Z`,
/// μ and `C0` right, so only the batched row comparison can catch it; a change in a used
/// row is caught at `C0` already.
#[test]
fn every_changed_row_component_is_rejected() {
    let mut rng = rng(19);
    let a = authority();
    let policy = Policy::parse(
        "a:1 and (b:2 or c:3) and 2 of (d:4, e:5, f:6) and g:7 and h:8 and (i:9 or j:10)",
    )
    .unwrap();
    assert_eq!(policy.lsss().rows(), 10);
    let key = a
        .issue_key(&["a:1", "b:2", "d:4", "e:5", "g:7", "h:8", "i:9"], &mut rng)
        .unwrap();
    let sealed = seal(a.public_key(), &policy, b"r", b"m", b"x", &mut rng).unwrap();
    let bytes = sealed.to_bytes();
    assert_eq!(decode_and_open(&key, &bytes), Ok(b"x".to_vec()));
    let l = layout(&bytes);
    let rows_at = l.points.start + 3 * 96 + 4;
    assert_eq!(l.points.end, rows_at + 10 * 3 * 48);
    for c in 0..10 * 3 {
        let at = rows_at + c * 48;
        let mut negated = bytes.clone();
        negated[at] ^= 0x20; // the compressed encoding's sign flag: −C(i,l)
        let mut copied = bytes.clone();
        let beside = rows_at + ((c + 1) % 30) * 48;
        copied.copy_within(beside..beside + 48, at);
        for (what, changed) in [("negated", &negated), ("copied", &copied)] {
            assert!(
                SealedRecord::from_bytes(changed).is_ok(),
                "component {c} {what}"
            );
            assert_eq!(
                decode_and_open(&key, changed),
                Err(Error::DecryptionFailed),
                "row {} component {} {what}",
                c / 3,
                c % 3 + 1
            );
        }
    }
}

#[test]
fn swapped_headers_are_rejected() {
    let mut rng = rng(3);
    let a = authority();
    let pk = a.public_key();
    let policy = Policy::parse("role:physician or patient:42").unwrap();
    let key = a.issue_key(&["patient:42"], &mut rng).unwrap();
    // Same id, metadata and policy: only the seeds differ.
    let one = seal(pk, &policy, b"rec", b"m", b"first", &mut rng).unwrap();
    let two = seal(pk, &policy, b"rec", b"m", b"second", &mut rng).unwrap();
    let (p1, p2) = (split(&one.to_bytes()), split(&two.to_bytes()));
    let mut swapped = p1.clone();
    swapped.header = p2.header.clone();
    assert_eq!(
        decode_and_open(&key, &assemble(&swapped)),
        Err(Error::DecryptionFailed)
    );
    // Half swaps: C0 and rows of one record with c' of the other.
    let seed_at = p1.header.len() - 32;
    let mut mixed = p1.clone();
    mixed.header[seed_at..].copy_from_slice(&p2.header[seed_at..]);
    assert_eq!(
        decode_and_open(&key, &assemble(&mixed)),
        Err(Error::DecryptionFailed)
    );
    // Bodies swapped: each body under the other's header.
    let mut body_swap = p1.clone();
    body_swap.body = p2.body.clone();
    assert_eq!(
        decode_and_open(&key, &assemble(&body_swap)),
        Err(Error::DecryptionFailed)
    );
    // The untouched records still open.
    assert_eq!(key.open(pk, &one).unwrap(), b"first");
    assert_eq!(key.open(pk, &two).unwrap(), b"second");
}

#[test]
fn changed_record_id_metadata_or_body_length_is_rejected() {
    let mut rng = rng(4);
    let a = authority();
    let policy = Policy::parse("role:physician").unwrap();
    let key = a.issue_key(&["role:physician"], &mut rng).unwrap();
    let sealed = seal(
        a.public_key(),
        &policy,
        b"rec-1",
        b"ecg",
        b"payload!",
        &mut rng,
    )
    .unwrap();
    let parts = split(&sealed.to_bytes());
    let with = |f: &dyn Fn(&mut Parts)| {
        let mut p = parts.clone();
        f(&mut p);
        decode_and_open(&key, &assemble(&p))
    };
    assert_eq!(with(&|_| {}), Ok(b"payload!".to_vec()));
    for id in [&b"rec-2"[..], b"rec-", b"rec-1\0", b"", b"REC-1"] {
        assert_eq!(
            with(&|p| p.id = id.to_vec()),
            Err(Error::DecryptionFailed),
            "{id:?}"
        );
    }
    for meta in [&b"ecG"[..], b"", b"ecg\0", b"ec"] {
        assert_eq!(
            with(&|p| p.metadata = meta.to_vec()),
            Err(Error::DecryptionFailed),
            "{meta:?}"
        );
    }
    // Moving a byte between id and metadata keeps the concatenation the same.
    assert_eq!(
        with(&|p| {
            p.id = b"rec-1e".to_vec();
            p.metadata = b"cg".to_vec();
        }),
        Err(Error::DecryptionFailed)
    );
    // Body: every shorter length down to the tag size fails to authenticate; below a
    // tag it is not even a record.
    for len in 16..parts.body.len() {
        assert_eq!(
            with(&|p| p.body.truncate(len)),
            Err(Error::DecryptionFailed),
            "{len}"
        );
    }
    for len in 0..16 {
        assert_eq!(
            with(&|p| p.body.truncate(len)),
            Err(Error::InvalidEncoding(EncodingError::BadLength)),
            "{len}"
        );
    }
    assert_eq!(with(&|p| p.body.push(0)), Err(Error::DecryptionFailed));
    // Dropping the tag's last byte and appending a zero keeps the length.
    assert_eq!(
        with(&|p| {
            p.body.pop();
            p.body.insert(0, 0);
        }),
        Err(Error::DecryptionFailed)
    );
}

#[test]
fn session_and_record_headers_are_not_interchangeable() {
    let mut rng = rng(5);
    let a = authority();
    let pk = a.public_key();
    let policy = Policy::parse("role:physician").unwrap();
    let key = a.issue_key(&["role:physician"], &mut rng).unwrap();
    // A session whose id equals the record id: only the context label differs.
    let (session, _) = start_session(pk, &policy, b"rec", b"", &mut rng).unwrap();
    let session_bytes = session.to_bytes();
    let kem = &session_bytes[4 + 4 + 3 + 4..];
    let record = seal(pk, &policy, b"rec", b"", b"payload", &mut rng).unwrap();
    let mut parts = split(&record.to_bytes());
    // v2: a session header is sealed under `P and cipherchart:key-holder` (one more row,
    // a longer policy text), so it is longer than the record's; a record under a policy
    // naming the guard does not even decode (and would fail the FO check).
    let guarded = Policy::parse("role:physician and cipherchart:key-holder").unwrap();
    assert_eq!(
        kem.len(),
        parts.header.len() + 144 + guarded.as_str().len() - policy.as_str().len()
    );
    parts.header = kem.to_vec();
    assert_eq!(
        decode_and_open(&key, &assemble(&parts)),
        Err(Error::InvalidEncoding(EncodingError::NonCanonical))
    );
}

/// Attribute names that look like the internal hash-input tags and framings.
fn tag_like_names() -> Vec<String> {
    let mut names: Vec<String> = ["01", "0 0", "0", "1", "02", "00", "0 1", "10", "11", "012"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    names.push("a".repeat(255));
    names.push("0".repeat(255));
    names.push("Ärztin".to_string());
    names.push("A\u{308}rztin-decomposed".to_string());
    names.push("x:1 ".to_string());
    names.push("\"x:1\"".to_string());
    names.push("x:1\u{301}".to_string());
    names
}

/// Column-heavy and threshold policies over `x:1..=x:8`.
fn target_policies() -> Vec<Policy> {
    [
        "x:1",
        "x:1 and x:2 and x:3 and x:4 and x:5 and x:6 and x:7 and x:8",
        "3 of (x:1, x:2, x:3, x:4, x:5, x:6)",
        "x:1 or x:2 and x:3",
        "2 of (x:1, x:2 and x:3, 2 of (x:4, x:5, x:6)) and x:7",
        "7 of (x:1, x:2, x:3, x:4, x:5, x:6, x:7, x:8)",
    ]
    .iter()
    .map(|t| Policy::parse(t).unwrap())
    .collect()
}

#[test]
fn keys_for_tag_like_or_unrelated_attributes_never_open() {
    let mut rng = rng(6);
    let a = authority();
    let pk = a.public_key();
    let mut names = tag_like_names();
    names.push("unrelated:attribute".to_string());
    let attacker = a.issue_key(&names, &mut rng).unwrap();
    // The attacker also holds one legitimate attribute of every policy.
    names.push("x:1".to_string());
    let attacker_x1 = a.issue_key(&names, &mut rng).unwrap();
    for policy in target_policies() {
        let sealed = seal(pk, &policy, b"rec", b"", b"secret", &mut rng).unwrap();
        assert_eq!(
            attacker.open(pk, &sealed),
            Err(Error::PolicyNotSatisfied),
            "{policy}"
        );
        let expected = if policy.as_str() == "x:1" || policy.as_str().starts_with("x:1 or") {
            Ok(b"secret".to_vec())
        } else {
            Err(Error::PolicyNotSatisfied)
        };
        assert_eq!(attacker_x1.open(pk, &sealed), expected, "{policy}");
    }
}

#[test]
fn tag_like_names_are_ordinary_attributes() {
    let mut rng = rng(7);
    let a = authority();
    let pk = a.public_key();
    let names = tag_like_names();
    let quoted: Vec<String> = names
        .iter()
        .map(|n| format!("\"{}\"", n.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    let policy = Policy::parse(&quoted[..6].join(" and ")).unwrap();
    let sealed = seal(pk, &policy, b"rec", b"", b"ok", &mut rng).unwrap();
    let all = a.issue_key(&names, &mut rng).unwrap();
    assert_eq!(all.open(pk, &sealed).unwrap(), b"ok");
    // Dropping any one of them fails; so does holding only near-miss spellings.
    let short = a.issue_key(&names[1..], &mut rng).unwrap();
    assert_eq!(short.open(pk, &sealed), Err(Error::PolicyNotSatisfied));
    let near = a
        .issue_key(&["0 01", "01 ", " 01", "001", "0  0", "0\u{a0}0"], &mut rng)
        .unwrap();
    assert_eq!(near.open(pk, &sealed), Err(Error::PolicyNotSatisfied));
    // A threshold over the long and non-ASCII names.
    let policy = Policy::parse(&format!("2 of ({})", quoted[10..].join(", "))).unwrap();
    let sealed = seal(pk, &policy, b"rec", b"", b"ok", &mut rng).unwrap();
    let two = a.issue_key(&names[10..12], &mut rng).unwrap();
    let one = a.issue_key(&names[12..13], &mut rng).unwrap();
    assert_eq!(two.open(pk, &sealed).unwrap(), b"ok");
    assert_eq!(one.open(pk, &sealed), Err(Error::PolicyNotSatisfied));
    // The decomposed spelling names the composed attribute (NFC).
    assert!(all.has_attribute("\u{c4}rztin-decomposed"));
}

#[test]
fn invalid_attribute_sets_are_rejected_at_issue_time() {
    let mut rng = rng(8);
    let a = authority();
    let none: [&str; 0] = [];
    assert!(matches!(
        a.issue_key(&none, &mut rng),
        Err(Error::InvalidArgument(_))
    ));
    for bad in ["", "a\0b", "\0", "x:1\n", "a\u{202e}b"] {
        assert_eq!(
            a.issue_key(&["x:1", bad], &mut rng).map(|_| ()),
            Err(Error::InvalidAttribute),
            "{bad:?}"
        );
    }
    assert_eq!(
        a.issue_key(&["a".repeat(256)], &mut rng).map(|_| ()),
        Err(Error::LimitExceeded(LimitKind::AttributeLength))
    );
    let too_many: Vec<String> = (0..=cipherchart::limits::MAX_KEY_ATTRIBUTES)
        .map(|i| format!("n:{i}"))
        .collect();
    assert_eq!(
        a.issue_key(&too_many, &mut rng).map(|_| ()),
        Err(Error::LimitExceeded(LimitKind::KeyAttributes))
    );
    // Duplicates and NFC variants merge.
    let k = a
        .issue_key(&["x:1", "x:1", "\u{c4}", "A\u{308}"], &mut rng)
        .unwrap();
    assert_eq!(k.attributes().len(), 2);
}

#[test]
fn keys_of_another_authority_never_open() {
    let mut rng = rng(9);
    let (a, b) = (authority(), other_authority());
    let mut everything: Vec<String> = (1..=8).map(|i| format!("x:{i}")).collect();
    everything.extend(tag_like_names().into_iter().take(5));
    let foreign = b.issue_key(&everything, &mut rng).unwrap();
    let own = a.issue_key(&everything, &mut rng).unwrap();
    for policy in target_policies() {
        let sealed = seal(a.public_key(), &policy, b"rec", b"", b"secret", &mut rng).unwrap();
        assert_eq!(own.open(a.public_key(), &sealed).unwrap(), b"secret");
        for pk in [a.public_key(), b.public_key()] {
            // v1: DecryptionFailed (or PolicyNotSatisfied); v2: keys and headers name
            // their authority, so the refusal is WrongAuthority, before any pairing.
            let result = foreign.open(pk, &sealed);
            assert_eq!(result, Err(Error::WrongAuthority), "{policy}");
        }
        // The right key with the wrong public key fails too.
        assert_eq!(
            own.open(b.public_key(), &sealed),
            Err(Error::WrongAuthority)
        );
    }
}
