//! R2 for sessions (`docs/revocation-v3.md` §6.3): after the catch-up, a key from before a
//! bump opens no stored session; a closed session's header is re-wrapped with its trailer
//! (records byte for byte, each checked against the trailer by every opener), a session
//! still being sealed at the revocation and a v2 session are re-encrypted whole; the
//! catch-up refuses a trailer that is not the session's, and logs as chain entries.

use cipherchart::{
    prove_session_record, session_trailer, start_session, start_session_with_notice, Authority,
    BlsSigningKey, Entry, Error, Policy, SessionHeader, SessionRecord, SessionSealer, Trailer,
    TrailerKind, UserKey, VerifiedNotice,
};
use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;

use crate::common::{key, rng, NoticeService};

fn code<T: core::fmt::Debug>(r: Result<T, Error>) -> &'static str {
    r.unwrap_err().code()
}

fn policy() -> Policy {
    Policy::parse("role:nurse and dept:icu").unwrap()
}

/// A v3 session of `n` records under `notice`: header, sealer (still open), records.
fn session3(
    authority: &Authority,
    notice: &VerifiedNotice,
    id: &[u8],
    n: usize,
    rng: &mut ChaCha20Rng,
) -> (SessionHeader, SessionSealer, Vec<SessionRecord>) {
    let pk = authority.public_key();
    let (header, mut sealer) =
        start_session_with_notice(pk, notice, &policy(), id, b"bed 4", rng).unwrap();
    let records = (0..n)
        .map(|i| sealer.seal(b"hr", &payload(i)).unwrap())
        .collect();
    (header, sealer, records)
}

fn payload(i: usize) -> Vec<u8> {
    format!("{} bpm", 60 + i).into_bytes()
}

fn payloads(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(payload).collect()
}

/// Every record through `open_all`, and each one through its proof.
fn open_proven(
    key: &UserKey,
    authority: &Authority,
    header: &SessionHeader,
    records: &[SessionRecord],
) -> Result<Vec<Vec<u8>>, Error> {
    let opener = key.open_session(authority.public_key(), header)?;
    let all = opener.open_all(records)?;
    for (i, record) in records.iter().enumerate() {
        let proof = prove_session_record(records, i as u64).unwrap();
        assert_eq!(opener.open_included(record, &proof)?, all[i]);
    }
    Ok(all)
}

/// Every record one by one (a header with no trailer).
fn open_each(
    key: &UserKey,
    authority: &Authority,
    header: &SessionHeader,
    records: &[SessionRecord],
) -> Result<Vec<Vec<u8>>, Error> {
    let opener = key.open_session(authority.public_key(), header)?;
    records.iter().map(|r| opener.open(r)).collect()
}

#[test]
fn after_catch_up_the_revoked_key_opens_no_stored_session() {
    let mut rng = rng(91);
    let authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let attrs = ["role:nurse", "dept:icu"];
    let carla = key(&authority, &n0, &attrs, &mut rng);
    let dora = key(&authority, &n0, &attrs, &mut rng);
    // Closed before the revocation: re-wrapped.
    let (closed, sealer, closed_records) = session3(&authority, &n0, b"bed-4/mon", 5, &mut rng);
    let trailer = sealer.trailer().unwrap();
    assert_eq!((trailer.kind(), trailer.count()), (TrailerKind::Session, 5));
    assert_eq!(trailer.header_digest(), closed.digest());
    assert_eq!(session_trailer(&closed, &closed_records).unwrap(), trailer);
    // Still being sealed at the revocation: re-encrypted whole.
    let (open_at_bump, sealer2, open_records) =
        session3(&authority, &n0, b"bed-4/tue", 4, &mut rng);
    // Format v2: re-encrypted whole.
    let (v2, mut v2_sealer) = start_session(
        authority.public_key(),
        &policy(),
        b"bed-4/wed",
        b"bed 4",
        &mut rng,
    )
    .unwrap();
    let v2_records: Vec<_> = (0..3)
        .map(|i| v2_sealer.seal(b"hr", &payload(i)).unwrap())
        .collect();
    assert_eq!(code(v2_sealer.trailer()), "invalid_argument");
    assert_eq!(code(session_trailer(&v2, &v2_records)), "invalid_argument");
    for key in [&carla, &dora] {
        assert_eq!(
            open_each(key, &authority, &closed, &closed_records).unwrap(),
            payloads(5)
        );
        assert_eq!(
            open_each(key, &authority, &v2, &v2_records).unwrap(),
            payloads(3)
        );
    }

    // Carla leaves: role:nurse is bumped.
    let n1 = service.bump(&["role:nurse"]);
    for h in [&closed, &open_at_bump, &v2] {
        assert!(h.needs_catch_up(&n1));
        assert!(!h.needs_catch_up(&n0));
    }
    let rewrapped = authority
        .rewrap_session(&closed, &trailer, &n1, &mut rng)
        .unwrap();
    let (re1, re1_records, re1_trailer) = authority
        .reencrypt_session(
            &open_at_bump,
            &open_records,
            Some(&sealer2.trailer().unwrap()),
            &n1,
            &mut rng,
        )
        .unwrap();
    let (re2, re2_records, re2_trailer) = authority
        .reencrypt_session(&v2, &v2_records, None, &n1, &mut rng)
        .unwrap();
    let dora1 = key(&authority, &n1, &attrs, &mut rng);
    for (h, records) in [
        (&rewrapped, &closed_records),
        (&re1, &re1_records),
        (&re2, &re2_records),
    ] {
        assert!(!h.needs_catch_up(&n1));
        assert_eq!(h.notice_serial(), Some(n1.serial()));
        assert_eq!(h.session_id().len(), 9);
        assert_eq!(h.metadata(), b"bed 4");
        for old in [&carla, &dora] {
            assert_eq!(
                code(old.open_session(authority.public_key(), h)),
                "policy_not_satisfied"
            );
        }
        let opened = if h.trailer().is_some() {
            open_proven(&dora1, &authority, h, records).unwrap()
        } else {
            open_each(&dora1, &authority, h, records).unwrap()
        };
        assert_eq!(opened.len(), records.len());
        assert_eq!(opened, payloads(records.len()));
        // The bytes round-trip, trailer included.
        assert_eq!(&SessionHeader::from_bytes(&h.to_bytes()).unwrap(), h);
    }
    // The re-wrap carries the trailer; its records are the old ones, and plain open
    // refuses them (a record must be shown to be the trailer's).
    assert_eq!(rewrapped.trailer(), Some(&trailer));
    let opener = dora1
        .open_session(authority.public_key(), &rewrapped)
        .unwrap();
    assert_eq!(code(opener.open(&closed_records[0])), "invalid_argument");
    // A re-encryption keeps sequence numbers and metadata, not the bodies, and its
    // trailer is its sealer's (the authority's) to log.
    for (old, new) in open_records.iter().zip(&re1_records) {
        assert_eq!(
            (old.sequence(), old.metadata()),
            (new.sequence(), new.metadata())
        );
        assert_ne!(old.to_bytes(), new.to_bytes());
    }
    assert_eq!(re1_trailer, session_trailer(&re1, &re1_records).unwrap());
    assert_eq!(re2_trailer.count(), 3);
    assert_eq!((re1.trailer(), re2.trailer()), (None, None));

    // The catch-ups are chain entries; the closes anchor them.
    let signer = BlsSigningKey::generate(&mut rng);
    let close = Entry::for_session_close(&trailer, service.now()).unwrap();
    let update = Entry::for_session_catch_up(&closed, &rewrapped, service.now()).unwrap();
    let close = close.sign(0, [0; 32], &signer).unwrap();
    let update = update.sign(1, close.hash(), &signer).unwrap();
    assert_eq!(*close.digest(), trailer.digest());
    assert_eq!(close.metadata(), &trailer.to_bytes()[..]);
    assert_eq!(update.subject(), b"bed-4/mon");
    assert_eq!(*update.digest(), rewrapped.digest());
    assert_eq!(
        update.metadata(),
        [closed.digest(), rewrapped.digest(), trailer.digest()].concat()
    );
    assert_eq!(
        code(Entry::for_stream_close(&trailer, 0)),
        "invalid_argument"
    );
    assert!(Entry::for_session_catch_up(&v2, &re2, 0).is_ok());
    let re1_entry = Entry::for_session_catch_up(&open_at_bump, &re1, 0).unwrap();
    assert_eq!(
        re1_entry
            .sign(2, update.hash(), &signer)
            .unwrap()
            .metadata()
            .len(),
        64
    );
    // Not a catch-up: the same header, the other way round, another session.
    for (old, new) in [
        (&rewrapped, &rewrapped),
        (&rewrapped, &closed),
        (&closed, &re2),
    ] {
        assert_eq!(
            code(Entry::for_session_catch_up(old, new, 0)),
            "invalid_argument"
        );
    }
}

#[test]
fn a_rewrapped_header_refuses_records_the_trailer_does_not_hold() {
    let mut rng = rng(92);
    let authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let (header, mut sealer, records) = session3(&authority, &n0, b"s", 4, &mut rng);
    let trailer = sealer.trailer().unwrap();
    // Whoever holds the session key (here the sealer, after close) can make records that
    // pass the AEAD: one after the last, and one in place of record 2.
    let extra = sealer.seal(b"hr", b"forged").unwrap();
    let n1 = service.bump(&["dept:icu"]);
    let current = key(&authority, &n1, &["role:nurse", "dept:icu"], &mut rng);
    let rewrapped = authority
        .rewrap_session(&header, &trailer, &n1, &mut rng)
        .unwrap();
    let opener = current
        .open_session(authority.public_key(), &rewrapped)
        .unwrap();

    let mut longer = records.clone();
    longer.push(extra.clone());
    // A proof in the longer tree: its size is not the trailer's count.
    let proof = prove_session_record(&longer, 4).unwrap();
    assert_eq!(
        code(opener.open_included(&extra, &proof)),
        "decryption_failed"
    );
    // The extra record with a real record's proof, at every index.
    for i in 0..4 {
        let proof = prove_session_record(&records, i).unwrap();
        assert_eq!(
            code(opener.open_included(&extra, &proof)),
            "decryption_failed"
        );
        // A real record with another index's proof.
        let other = prove_session_record(&records, (i + 1) % 4).unwrap();
        assert_eq!(
            code(opener.open_included(&records[i as usize], &other)),
            "decryption_failed"
        );
    }
    // open_all refuses added, dropped, replaced, repeated and reordered records.
    let mut replaced = records.clone();
    replaced[2] = extra.clone();
    let mut reordered = records.clone();
    reordered.swap(0, 1);
    let mut repeated = records.clone();
    repeated[3] = records[2].clone();
    for bad in [
        longer,
        records[..3].to_vec(),
        replaced,
        reordered,
        repeated,
        vec![],
    ] {
        assert_eq!(code(opener.open_all(&bad)), "decryption_failed");
        // The re-encryption refuses them as well (they are not the logged trailer's).
        assert_eq!(
            code(authority.reencrypt_session(&rewrapped, &bad, Some(&trailer), &n1, &mut rng)),
            "decryption_failed"
        );
    }
    // The real ones open, and a proof from a forged list does not place a real record.
    assert_eq!(opener.open_all(&records).unwrap(), payloads(4));
    // A header with no trailer has no root: open_included is refused there.
    let plain = current
        .open_session(
            authority.public_key(),
            &session3(&authority, &n1, b"t", 1, &mut rng).0,
        )
        .unwrap();
    let proof = prove_session_record(&records, 0).unwrap();
    assert_eq!(
        code(plain.open_included(&records[0], &proof)),
        "invalid_argument"
    );
    assert_eq!(code(prove_session_record(&records, 4)), "invalid_argument");
    assert_eq!(code(prove_session_record(&[], 0)), "invalid_argument");
}

#[test]
fn a_closed_sealer_seals_nothing_and_the_batch_proofs_are_the_single_ones() {
    let mut rng = rng(96);
    let authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let (header, mut sealer, records) = session3(&authority, &n0, b"c", 7, &mut rng);
    let trailer = sealer.close().unwrap();
    assert_eq!(trailer, session_trailer(&header, &records).unwrap());
    assert_eq!(code(sealer.seal(b"hr", b"late")), "invalid_argument");
    assert_eq!(sealer.close().unwrap(), trailer);
    assert_eq!(sealer.next_sequence(), 7);
    // A v2 sealer has no trailer and is not closed by the attempt.
    let (_, mut v2) =
        start_session(authority.public_key(), &policy(), b"d", b"", &mut rng).unwrap();
    assert_eq!(code(v2.close()), "invalid_argument");
    assert!(v2.seal(b"", b"x").is_ok());
    // The batch proofs are the single ones, and each opens its record.
    let proofs = cipherchart::prove_session_records(&records);
    assert_eq!(proofs.len(), 7);
    let n1 = service.bump(&["role:nurse"]);
    let rewrapped = authority
        .rewrap_session(&header, &trailer, &n1, &mut rng)
        .unwrap();
    let opener = key(&authority, &n1, &["role:nurse", "dept:icu"], &mut rng)
        .open_session(authority.public_key(), &rewrapped)
        .unwrap();
    for (i, proof) in proofs.iter().enumerate() {
        assert_eq!(*proof, prove_session_record(&records, i as u64).unwrap());
        assert_eq!(
            opener.open_included(&records[i], proof).unwrap(),
            payload(i)
        );
    }
    assert!(cipherchart::prove_session_records(&[]).is_empty());
}

#[test]
fn the_catch_ups_refuse_a_trailer_that_is_not_the_sessions() {
    let mut rng = rng(93);
    let authority = Authority::setup(&mut rng);
    let other_authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let mut other_service = NoticeService::new(&other_authority, &mut rng);
    let n0 = service.current();
    let (header, sealer, records) = session3(&authority, &n0, b"a", 3, &mut rng);
    let (other, other_sealer, _) = session3(&authority, &n0, b"b", 3, &mut rng);
    let (same_id, same_id_sealer, _) = session3(&authority, &n0, b"a", 3, &mut rng);
    let trailer = sealer.trailer().unwrap();
    let n1 = service.bump(&["role:nurse"]);
    let rewrap = |h: &SessionHeader, t: &Trailer, n: &VerifiedNotice, rng: &mut ChaCha20Rng| {
        authority.rewrap_session(h, t, n, rng)
    };
    // Another session's trailer (another id; the same id, another header).
    for t in [
        other_sealer.trailer().unwrap(),
        same_id_sealer.trailer().unwrap(),
    ] {
        assert_eq!(code(rewrap(&header, &t, &n1, &mut rng)), "invalid_argument");
    }
    assert_eq!(
        code(rewrap(&other, &trailer, &n1, &mut rng)),
        "invalid_argument"
    );
    assert_eq!(
        code(rewrap(&same_id, &trailer, &n1, &mut rng)),
        "invalid_argument"
    );
    // Its own trailer relabelled: a stream's kind, another count or root, another key
    // commitment.
    let mut bytes = trailer.to_bytes();
    let kind_at = 4;
    bytes[kind_at] = 2;
    let as_stream = Trailer::from_bytes(&bytes).unwrap();
    assert_eq!(
        code(rewrap(&header, &as_stream, &n1, &mut rng)),
        "invalid_argument"
    );
    // A trailer of the first records only (a progress anchor's) names this header: the
    // re-wrap takes it, and the header then vouches for those records only.
    let prefix = session_trailer(&header, &records[..2]).unwrap();
    let k1 = key(&authority, &n1, &["role:nurse", "dept:icu"], &mut rng);
    let partial = rewrap(&header, &prefix, &n1, &mut rng).unwrap();
    let opener = k1.open_session(authority.public_key(), &partial).unwrap();
    assert_eq!(opener.open_all(&records[..2]).unwrap(), payloads(2));
    assert_eq!(code(opener.open_all(&records)), "decryption_failed");
    // A v2 session is re-encrypted, not re-wrapped; a v3 one needs its trailer, a v2 one
    // has none; a v2 session's records must come in order, once each.
    let (v2, mut v2_sealer) =
        start_session(authority.public_key(), &policy(), b"c", b"", &mut rng).unwrap();
    let v2_records: Vec<_> = (0..3)
        .map(|i| v2_sealer.seal(b"", &payload(i)).unwrap())
        .collect();
    assert_eq!(
        code(rewrap(&v2, &trailer, &n1, &mut rng)),
        "invalid_argument"
    );
    assert_eq!(
        code(authority.reencrypt_session(&header, &records, None, &n1, &mut rng)),
        "invalid_argument"
    );
    assert_eq!(
        code(authority.reencrypt_session(&v2, &v2_records, Some(&trailer), &n1, &mut rng)),
        "invalid_argument"
    );
    for bad in [
        vec![v2_records[1].clone(), v2_records[0].clone()],
        vec![v2_records[1].clone(), v2_records[1].clone()],
    ] {
        assert_eq!(
            code(authority.reencrypt_session(&v2, &bad, None, &n1, &mut rng)),
            "invalid_argument"
        );
    }
    // A v3 session's records in a v2 re-encryption, and a record of another session.
    assert_eq!(
        code(authority.reencrypt_session(&v2, &records, None, &n1, &mut rng)),
        "decryption_failed"
    );
    // Another authority's notice, an older notice, a header re-wrapped at a newer one.
    let foreign = other_service.current();
    assert_eq!(
        code(rewrap(&header, &trailer, &foreign, &mut rng)),
        "wrong_authority"
    );
    let n2 = service.bump(&["dept:icu"]);
    let newer = rewrap(&header, &trailer, &n2, &mut rng).unwrap();
    assert_eq!(
        code(rewrap(&newer, &trailer, &n1, &mut rng)),
        "future_version"
    );
    // What succeeds: each with the right trailer.
    assert!(rewrap(&header, &trailer, &n1, &mut rng).is_ok());
    assert!(authority
        .reencrypt_session(&v2, &v2_records, None, &n1, &mut rng)
        .is_ok());
}

#[test]
fn a_rewrapped_session_is_caught_up_again_at_the_next_bump() {
    let mut rng = rng(94);
    let authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let (header, sealer, records) = session3(&authority, &n0, b"a", 6, &mut rng);
    let trailer = sealer.trailer().unwrap();
    let n1 = service.bump(&["role:nurse"]);
    let once = authority
        .rewrap_session(&header, &trailer, &n1, &mut rng)
        .unwrap();
    let k1 = key(&authority, &n1, &["role:nurse", "dept:icu"], &mut rng);
    let n2 = service.bump(&["role:nurse"]);
    assert!(once.needs_catch_up(&n2));
    // The carried trailer stays: it is the one the re-wrap takes, and the only one.
    assert_eq!(session_trailer(&once, &records).unwrap(), trailer);
    let twice = authority
        .rewrap_session(&once, &trailer, &n2, &mut rng)
        .unwrap();
    assert_eq!(twice.trailer(), Some(&trailer));
    assert!(Entry::for_session_catch_up(&once, &twice, 0).is_ok());
    let k2 = key(&authority, &n2, &["role:nurse", "dept:icu"], &mut rng);
    assert_eq!(
        code(k1.open_session(authority.public_key(), &twice)),
        "policy_not_satisfied"
    );
    assert_eq!(
        open_proven(&k2, &authority, &twice, &records).unwrap(),
        payloads(6)
    );
    // A re-encrypted session is an ordinary closed one: re-wrapped at the next bump with
    // the trailer the re-encryption returned.
    let (re, re_records, re_trailer) = authority
        .reencrypt_session(&once, &records, Some(&trailer), &n2, &mut rng)
        .unwrap();
    let n3 = service.bump(&["dept:icu"]);
    let again = authority
        .rewrap_session(&re, &re_trailer, &n3, &mut rng)
        .unwrap();
    let k3 = key(&authority, &n3, &["role:nurse", "dept:icu"], &mut rng);
    assert_eq!(
        open_proven(&k3, &authority, &again, &re_records).unwrap(),
        payloads(6)
    );
}

#[test]
fn the_decoder_binds_a_carried_trailer() {
    let mut rng = rng(95);
    let authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let (header, sealer, records) = session3(&authority, &n0, b"bed-1", 3, &mut rng);
    let trailer = sealer.trailer().unwrap();
    let n1 = service.bump(&["role:nurse"]);
    let rewrapped = authority
        .rewrap_session(&header, &trailer, &n1, &mut rng)
        .unwrap();
    let k1 = key(&authority, &n1, &["role:nurse", "dept:icu"], &mut rng);
    let bytes = rewrapped.to_bytes();
    let t = trailer.to_bytes();
    let at = bytes.windows(t.len()).position(|w| w == &t[..]).unwrap();
    let with_trailer = |other: &Trailer| {
        let mut b = bytes.clone();
        let new = other.to_bytes();
        assert_eq!(new.len(), t.len());
        b[at..at + new.len()].copy_from_slice(&new);
        b
    };
    // Another count and root (a trailer that would admit forged records), same length:
    // it decodes, but no key opens the header (the context binds the trailer's digest).
    let shorter = session_trailer(&header, &records[..2]).unwrap();
    let relabelled = SessionHeader::from_bytes(&with_trailer(&shorter)).unwrap();
    assert_eq!(
        code(k1.open_session(authority.public_key(), &relabelled)),
        "decryption_failed"
    );
    // Another key commitment or kind: refused by the decoder.
    let mut fields = t.clone();
    let commitment_at = t.len() - 8 - 32 - 32;
    fields[commitment_at] ^= 1;
    let other_commitment = Trailer::from_bytes(&fields).unwrap();
    assert_eq!(
        code(SessionHeader::from_bytes(&with_trailer(&other_commitment))),
        "invalid_encoding"
    );
    let mut as_stream = t.clone();
    as_stream[4] = 2;
    let as_stream = Trailer::from_bytes(&as_stream).unwrap();
    assert_eq!(
        code(SessionHeader::from_bytes(&with_trailer(&as_stream))),
        "invalid_encoding"
    );
    // The trailer flag 1 with no trailer after it, and flag 2.
    let flag_at = at - 5;
    assert_eq!(bytes[flag_at], 1);
    let mut b = bytes.clone();
    b[flag_at] = 2;
    assert_eq!(code(SessionHeader::from_bytes(&b)), "invalid_encoding");
    let mut b = bytes[..flag_at + 1].to_vec();
    b.extend_from_slice(&bytes[at + t.len()..]);
    assert!(SessionHeader::from_bytes(&b).is_err());
    // The real one opens, with proofs.
    assert_eq!(
        open_proven(&k1, &authority, &rewrapped, &records).unwrap(),
        payloads(3)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn both_catch_ups_keep_every_record(n in 0usize..12, seed in any::<u64>()) {
        let mut rng = rng(seed);
        let authority = Authority::setup(&mut rng);
        let mut service = NoticeService::new(&authority, &mut rng);
        let n0 = service.current();
        let (header, sealer, records) = session3(&authority, &n0, b"p", n, &mut rng);
        let trailer = sealer.trailer().unwrap();
        prop_assert_eq!(trailer.count(), n as u64);
        let n1 = service.bump(&["dept:icu"]);
        let k1 = key(&authority, &n1, &["role:nurse", "dept:icu"], &mut rng);
        let rewrapped = authority.rewrap_session(&header, &trailer, &n1, &mut rng).unwrap();
        prop_assert_eq!(open_proven(&k1, &authority, &rewrapped, &records).unwrap(), payloads(n));
        let (re, re_records, _) = authority
            .reencrypt_session(&header, &records, Some(&trailer), &n1, &mut rng)
            .unwrap();
        prop_assert_eq!(open_each(&k1, &authority, &re, &re_records).unwrap(), payloads(n));
    }
}
