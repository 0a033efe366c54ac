//! Sessions: one KEM header, many small records. Records open in any order with only
//! the header and that record; anything moved between sessions, renumbered or
//! re-labelled fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use cipherchart::{start_session, SessionHeader, SessionRecord, SessionSealer};
use cipherchart::{Authority, EncodingError, Error, Policy, UserKey};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

struct Fixture {
    authority: Authority,
    policy: Policy,
    physician: UserKey,
    researcher: UserKey,
    nurse: UserKey,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let mut rng = ChaCha20Rng::seed_from_u64(0x5E55);
        let authority = Authority::setup(&mut rng);
        let physician = authority.issue_key(&["role:physician"], &mut rng).unwrap();
        let researcher = authority
            .issue_key(&["role:researcher", "consent:study-7"], &mut rng)
            .unwrap();
        let nurse = authority
            .issue_key(&["role:nurse", "role:researcher"], &mut rng)
            .unwrap();
        Fixture {
            authority,
            policy: Policy::parse("role:physician or role:researcher and consent:study-7").unwrap(),
            physician,
            researcher,
            nurse,
        }
    })
}

fn start(id: &[u8], meta: &[u8], seed: u64) -> (SessionHeader, SessionSealer) {
    let f = fixture();
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    start_session(f.authority.public_key(), &f.policy, id, meta, &mut rng).unwrap()
}

/// Opens `record` with `key` from the header's bytes and the record's bytes alone.
fn open_from_bytes(key: &UserKey, header: &[u8], record: &[u8]) -> Result<Vec<u8>, Error> {
    let header = SessionHeader::from_bytes(header)?;
    let record = SessionRecord::from_bytes(record)?;
    key.open_session(fixture().authority.public_key(), &header)?
        .open(&record)
}

#[test]
fn records_open_in_any_order_from_header_and_record_alone() {
    let f = fixture();
    let (header, mut sealer) = start(b"bed-12/2026-11-25", b"vitals", 1);
    let records: Vec<(Vec<u8>, Vec<u8>)> = (0..12u64)
        .map(|i| {
            assert_eq!(sealer.next_sequence(), i);
            let payload = format!("hr={}", 60 + i).into_bytes();
            let r = sealer.seal(format!("m{i}").as_bytes(), &payload).unwrap();
            assert_eq!(r.sequence(), i);
            assert_eq!(r.metadata(), format!("m{i}").as_bytes());
            (r.to_bytes(), payload)
        })
        .collect();
    let header_bytes = header.to_bytes();
    let decoded = SessionHeader::from_bytes(&header_bytes).unwrap();
    assert_eq!(decoded, header);
    assert_eq!(decoded.session_id(), b"bed-12/2026-11-25");
    assert_eq!(decoded.metadata(), b"vitals");
    assert_eq!(decoded.policy(), &f.policy);
    assert_eq!(decoded.digest(), header.digest());
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.shuffle(&mut ChaCha20Rng::seed_from_u64(2));
    order.reverse();
    for key in [&f.physician, &f.researcher] {
        let opener = key
            .open_session(f.authority.public_key(), &decoded)
            .unwrap();
        for &i in &order {
            let (bytes, payload) = &records[i];
            let record = SessionRecord::from_bytes(bytes).unwrap();
            assert_eq!(&opener.open(&record).unwrap(), payload);
        }
        // One record alone, with a fresh opener, from bytes only.
        let (bytes, payload) = &records[7];
        assert_eq!(
            &open_from_bytes(key, &header_bytes, bytes).unwrap(),
            payload
        );
    }
}

#[test]
fn records_of_another_session_fail() {
    let f = fixture();
    // Same id, metadata, policy and key: only the session seed differs.
    let (h1, mut s1) = start(b"bed-12", b"vitals", 3);
    let (h2, mut s2) = start(b"bed-12", b"vitals", 4);
    let r1 = s1.seal(b"hr", b"72").unwrap();
    let r2 = s2.seal(b"hr", b"72").unwrap();
    assert_eq!(r1.sequence(), r2.sequence());
    let o1 = f
        .physician
        .open_session(f.authority.public_key(), &h1)
        .unwrap();
    let o2 = f
        .physician
        .open_session(f.authority.public_key(), &h2)
        .unwrap();
    assert_eq!(o1.open(&r1).unwrap(), b"72");
    assert_eq!(o2.open(&r2).unwrap(), b"72");
    assert_eq!(o1.open(&r2), Err(Error::DecryptionFailed));
    assert_eq!(o2.open(&r1), Err(Error::DecryptionFailed));
}

/// Rewrites a session record's encoding: `CC 08 02 ‖ u64 seq ‖ bytes meta ‖ bytes body`.
fn record_bytes(sequence: u64, metadata: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = b"CC\x08\x02".to_vec();
    out.extend_from_slice(&sequence.to_be_bytes());
    out.extend_from_slice(&(metadata.len() as u32).to_be_bytes());
    out.extend_from_slice(metadata);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
    out
}

#[test]
fn changed_sequence_metadata_or_body_fail() {
    let f = fixture();
    let (header, mut sealer) = start(b"bed-3", b"", 5);
    let r0 = sealer.seal(b"hr", b"70").unwrap();
    let r1 = sealer.seal(b"hr", b"71").unwrap();
    let bytes = r1.to_bytes();
    let body = bytes[4 + 8 + 4 + 2 + 4..].to_vec();
    assert_eq!(record_bytes(1, b"hr", &body), bytes);
    let opener = f
        .physician
        .open_session(f.authority.public_key(), &header)
        .unwrap();
    let open = |b: &[u8]| SessionRecord::from_bytes(b).and_then(|r| opener.open(&r));
    assert_eq!(open(&bytes).unwrap(), b"71");
    for seq in [0, 2, 1 << 32 | 1, 1 << 63 | 1, u64::MAX] {
        assert_eq!(
            open(&record_bytes(seq, b"hr", &body)),
            Err(Error::DecryptionFailed),
            "{seq}"
        );
    }
    for meta in [&b"HR"[..], b"h", b"", b"hr\0", b"spo2"] {
        assert_eq!(
            open(&record_bytes(1, meta, &body)),
            Err(Error::DecryptionFailed),
            "{meta:?}"
        );
    }
    // Bodies moved between records of the same session.
    let body0 = &r0.to_bytes()[4 + 8 + 4 + 2 + 4..];
    assert_eq!(
        open(&record_bytes(1, b"hr", body0)),
        Err(Error::DecryptionFailed)
    );
    assert_eq!(
        open(&record_bytes(0, b"hr", &body)),
        Err(Error::DecryptionFailed)
    );
    // Shorter and longer bodies.
    for len in 16..body.len() {
        assert_eq!(
            open(&record_bytes(1, b"hr", &body[..len])),
            Err(Error::DecryptionFailed)
        );
    }
    for len in 0..16 {
        assert_eq!(
            open(&record_bytes(1, b"hr", &body[..len])),
            Err(Error::InvalidEncoding(EncodingError::BadLength))
        );
    }
    let mut longer = body.clone();
    longer.push(0);
    assert_eq!(
        open(&record_bytes(1, b"hr", &longer)),
        Err(Error::DecryptionFailed)
    );
    // Every single-bit flip of the record encoding.
    for bit in 0..bytes.len() * 8 {
        let mut flipped = bytes.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let r = open(&flipped);
        assert!(
            matches!(r, Err(Error::InvalidEncoding(_) | Error::DecryptionFailed)),
            "bit {bit}: {r:?}"
        );
    }
}

#[test]
fn keys_that_do_not_satisfy_and_tampered_headers() {
    let f = fixture();
    let pk = f.authority.public_key();
    let (header, mut sealer) = start(b"bed-4", b"vitals", 6);
    let record = sealer.seal(b"", b"x").unwrap();
    assert_eq!(
        f.nurse.open_session(pk, &header).map(|_| ()),
        Err(Error::PolicyNotSatisfied)
    );
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let other = Authority::setup(&mut rng);
    let foreign = other.issue_key(&["role:physician"], &mut rng).unwrap();
    // v1: the FO check refused it (DecryptionFailed). v2: keys and headers name their
    // authority, so it is refused before any pairing (WrongAuthority).
    assert_eq!(
        foreign.open_session(pk, &header).map(|_| ()),
        Err(Error::WrongAuthority)
    );
    assert_eq!(
        foreign
            .open_session(other.public_key(), &header)
            .map(|_| ()),
        Err(Error::WrongAuthority)
    );
    let bytes = header.to_bytes();
    // Header layout: CC 07 02 ‖ bytes id ‖ bytes metadata ‖ KEM header (v2: authority
    // id (32) first).
    let id_at = 4 + 4;
    let meta_at = id_at + 5 + 4;
    let authority_at = meta_at + 6;
    let policy_at = authority_at + 32 + 4;
    let seed_at = bytes.len() - 32;
    let open_flipped = |at: usize, mask: u8| {
        let mut b = bytes.clone();
        b[at] ^= mask;
        open_from_bytes(&f.physician, &b, &record.to_bytes())
    };
    assert_eq!(open_flipped(0, 0), Ok(b"x".to_vec()));
    // The session id binds the KEM context; c' and the points are FO-checked.
    for at in (id_at..id_at + 5).chain(seed_at..bytes.len()) {
        assert_eq!(open_flipped(at, 1), Err(Error::DecryptionFailed), "{at}");
    }
    // A changed authority id: another authority's header, refused before any pairing.
    for at in [authority_at, authority_at + 31] {
        assert_eq!(open_flipped(at, 1), Err(Error::WrongAuthority), "{at}");
    }
    // Policy text edits either do not decode or give a policy the key does not meet.
    for at in policy_at..policy_at + header.policy().as_str().len() {
        let r = open_flipped(at, 1);
        assert!(
            matches!(
                r,
                Err(Error::InvalidEncoding(_)
                    | Error::PolicyNotSatisfied
                    | Error::DecryptionFailed)
            ),
            "{at}: {r:?}"
        );
    }
}

/// The session metadata is public but must be authenticated like a record's
/// metadata or a stream's: someone relabelling a session ("vitals" → "billing")
/// must not go unnoticed by the opener.
#[test]
fn session_metadata_is_authenticated() {
    let f = fixture();
    let (header, mut sealer) = start(b"bed-5", b"vitals", 8);
    let record = sealer.seal(b"", b"x").unwrap();
    let bytes = header.to_bytes();
    let meta_at = 4 + 4 + 5 + 4;
    assert_eq!(&bytes[meta_at..meta_at + 6], b"vitals");
    let mut relabelled = bytes.clone();
    relabelled[meta_at..meta_at + 6].copy_from_slice(b"billin");
    assert_eq!(
        open_from_bytes(&f.physician, &relabelled, &record.to_bytes()),
        Err(Error::DecryptionFailed)
    );
}
