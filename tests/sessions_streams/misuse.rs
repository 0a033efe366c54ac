//! Misuse resistance of streams and sessions (issue 10, `docs/security.md` §11 "Misuse
//! resistance review"): each test takes one way a hurried user or an attacker might skip a
//! check through the public API, and shows that the library refuses it with a typed error
//! (or that the unsafe thing cannot be written at all). The shared world (an authority, a
//! stranger authority, a patient's and a doctor's key, one record) is `common::misuse`.

#![allow(clippy::unwrap_used)]

use crate::common::misuse::{pk, world};
use crate::common::{policy, rng};
use cipherchart::{EncodingError, Error};

#[test]
fn a_truncated_or_extended_stream_is_an_error() {
    let w = world();
    let mut rng = rng(4);
    let data = vec![9u8; 3 * 1024 + 5];
    let mut sealed = Vec::new();
    cipherchart::seal_stream_with_chunk_size(
        pk(),
        &policy("patient:42"),
        b"st",
        b"",
        1024,
        &data[..],
        &mut sealed,
        &mut rng,
    )
    .unwrap();
    let mut out = Vec::new();
    w.patient.open_stream(pk(), &sealed[..], &mut out).unwrap();
    assert_eq!(out, data);
    // Cut at every frame boundary and inside frames: never a success.
    for cut in (1..sealed.len()).step_by(97).chain([sealed.len() - 1]) {
        let mut out = Vec::new();
        assert!(
            w.patient
                .open_stream(pk(), &sealed[..cut], &mut out)
                .is_err(),
            "cut at {cut}"
        );
    }
    let mut longer = sealed.clone();
    longer.push(0);
    assert_eq!(
        w.patient.open_stream(pk(), &longer[..], &mut Vec::new()),
        Err(EncodingError::TrailingBytes.into())
    );
}

#[test]
fn session_records_are_bound_to_their_session_sequence_and_metadata() {
    let w = world();
    let mut rng = rng(5);
    let p = policy("patient:42");
    let (h1, mut s1) = cipherchart::start_session(pk(), &p, b"bed-1", b"", &mut rng).unwrap();
    let (h2, mut s2) = cipherchart::start_session(pk(), &p, b"bed-1", b"", &mut rng).unwrap();
    let r0 = s1.seal(b"hr", b"72").unwrap();
    let r1 = s1.seal(b"hr", b"73").unwrap();
    let other = s2.seal(b"hr", b"99").unwrap();
    // Sequence numbers never repeat within a sealer.
    assert_eq!(
        (r0.sequence(), r1.sequence(), s1.next_sequence()),
        (0, 1, 2)
    );
    let o1 = w.patient.open_session(pk(), &h1).unwrap();
    let o2 = w.patient.open_session(pk(), &h2).unwrap();
    // Out of order is fine: random access by design (see docs/security.md).
    assert_eq!(o1.open(&r1).unwrap(), b"73");
    assert_eq!(o1.open(&r0).unwrap(), b"72");
    // Same session id, another session: refused both ways.
    assert_eq!(o1.open(&other), Err(Error::DecryptionFailed));
    assert_eq!(o2.open(&r0), Err(Error::DecryptionFailed));
    // A record moved to another sequence number or relabelled: refused. (The
    // encoding holds the sequence as a big-endian u64 before the metadata.)
    let mut moved = r1.to_bytes();
    let at = moved
        .windows(8)
        .position(|w| w == 1u64.to_be_bytes())
        .unwrap();
    moved[at..at + 8].copy_from_slice(&0u64.to_be_bytes());
    let moved = cipherchart::SessionRecord::from_bytes(&moved).unwrap();
    assert_eq!(moved.sequence(), 0);
    assert_eq!(o1.open(&moved), Err(Error::DecryptionFailed));
    let mut relabelled = r1.to_bytes();
    let at = relabelled.windows(2).position(|w| w == b"hr").unwrap();
    relabelled[at] = b'H';
    let relabelled = cipherchart::SessionRecord::from_bytes(&relabelled).unwrap();
    assert_eq!(relabelled.metadata(), b"Hr");
    assert_eq!(o1.open(&relabelled), Err(Error::DecryptionFailed));
}
