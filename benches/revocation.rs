//! The cost of revocation (`docs/revocation-v3.md` §8, §9; issue 20): what an authority
//! pays to revoke one of 1,000 users, and to catch up stored records.
//!
//! - `revocation/rewrap/*`: one stored record's catch-up (`Authority::rewrap`), for a v3
//!   record with a 1 KiB and a 1 MiB body (the body is never read, so the two should
//!   match) and for a v2 record (re-encrypted whole). Policy
//!   `patient:42 or (role:nurse and dept:icu)` (3 rows), the nurse row bumped.
//!   Catching up N stored records costs N times this on one core.
//! - `revocation/key_update`: one remaining user's new key (`issue_key_under`, the
//!   3 attributes above); its size is printed once (the bytes of key-update material
//!   per user).
//! - `revocation/revoke_one_of_1000`: the whole authority-side cost of revoking one nurse
//!   among 1,000 holding `role:nurse`: sign and verify the notice that bumps the name,
//!   then issue the 999 other holders' new keys (3 attributes each). 10 users in test
//!   mode.
//! - `revocation/hops/*`: re-encryption of the same record in format v2 and v3
//!   (`reencrypt_v2`, `reencrypt_v3`: one hop, record policy above, target
//!   `role:gp and dept:icu`; in v3 all under the notice that bumps `role:nurse`), opening through that hop
//!   (`open_v2_one_hop`, `open_v3_one_hop`), a cross-authority v2 referral opened with
//!   both authorities' keys (`open_federated_one_hop`), and the proxy's currency check
//!   (`check_current`, no group work). v3 should cost what v2 costs: the same pairings,
//!   different hashes.
//! - `revocation/streams/*`: a 1 MiB stream in 64 KiB chunks sealed and opened in format
//!   v2 (`seal_v2`, `open_v2`) and v3 under the notice above (`seal_v3`, `open_v3`): the
//!   same KEM and chunk cipher, a wrapped stream key in v3, so they should match.
//! - `revocation/stream_catch_up/*`: the catch-up of that 1 MiB v3 stream (sealed under
//!   n1) to n2 (which bumps `dept:icu`): `trailer` (what a sealer computes at close, no
//!   key), `rewrap` (a new header with the trailer, 16 frames copied and hashed, no chunk
//!   decrypted), `reencrypt` (every chunk decrypted and sealed again under a fresh key),
//!   and `open_rewrapped` (an opener's cost with the trailer check) against `open_v3`.
//! - `revocation/session_catch_up/*`: the catch-up of a v3 session of 1,000 vitals records
//!   (about 40 bytes each; sealed under n1) to n2: `trailer_1000` (what storage recomputes
//!   to compare with the logged one), `prove_all_1000` (every record's inclusion proof, from
//!   one tree), `rewrap` (a new header with the trailer: the records are not touched),
//!   `reencrypt_1000` (every record opened and sealed again under a fresh key), and the
//!   opener's cost with the trailer check (`open_all_rewrapped_1000`, `open_included_one`)
//!   against a session as started (`open_all_1000`, `open_one`).
//!
//! Run: `cargo bench --bench revocation` (about two minutes). Every fixture is opened and
//! checked before any timing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(missing_docs)] // criterion_group! generates undocumented items

mod common;

use std::hint::black_box;

use cipherchart::limits::DEFAULT_CHUNK_SIZE;
use cipherchart::{
    prove_session_records, seal, seal_stream_with_chunk_size, seal_stream_with_notice,
    seal_with_notice, session_trailer, start_session_with_notice, stream_trailer, Attribute,
    Authority, BlsSigningKey, NoticeFields, Policy, SealedRecord, SessionRecord, VerifiedNotice,
    VersionNotice,
};
use criterion::{criterion_group, BenchmarkId, Criterion, SamplingMode};

use common::{bench_mode, rng};

const POLICY: &str = "patient:42 or (role:nurse and dept:icu)";
const NURSE: [&str; 3] = ["role:nurse", "dept:icu", "ward:3"];
const T0: u64 = 1_800_000_000;

/// A notice of `authority` at `serial` with `role:nurse` at `nurse_version`.
fn notice(
    authority: &Authority,
    key: &BlsSigningKey,
    serial: u64,
    nurse_version: u32,
) -> VerifiedNotice {
    let versions = if nurse_version == 0 {
        vec![]
    } else {
        vec![("role:nurse", nurse_version)]
    };
    notice_at(authority, key, serial, &versions)
}

/// A notice of `authority` at `serial` with `versions` (names in order), one bump per
/// version step.
fn notice_at(
    authority: &Authority,
    key: &BlsSigningKey,
    serial: u64,
    versions: &[(&str, u32)],
) -> VerifiedNotice {
    let bumps: u64 = versions.iter().map(|(_, v)| u64::from(*v)).sum();
    VersionNotice::sign(
        key,
        &NoticeFields {
            authority: authority.public_key().id(),
            statement_serial: 0,
            serial,
            issued_at: serial,
            not_after: serial + 3600,
            bump_count: bumps,
            bump_head: [bumps as u8; 32],
            versions: versions
                .iter()
                .map(|(n, v)| (Attribute::new(n).unwrap(), *v))
                .collect(),
        },
    )
    .unwrap()
    .verify(&key.public_key(), serial, None)
    .unwrap()
}

/// `n1` (`role:nurse` bumped once) and `n2` (`dept:icu` bumped as well).
fn two_notices(authority: &Authority, key: &BlsSigningKey) -> (VerifiedNotice, VerifiedNotice) {
    (
        notice(authority, key, T0 + 60, 1),
        notice_at(
            authority,
            key,
            T0 + 120,
            &[("dept:icu", 1), ("role:nurse", 1)],
        ),
    )
}

fn bench_rewrap(c: &mut Criterion) {
    let mut group = c.benchmark_group("revocation/rewrap");
    group.sampling_mode(SamplingMode::Flat);
    let mut rng = rng(0x2e01);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let notice_key = BlsSigningKey::generate(&mut rng);
    let n0 = notice(&authority, &notice_key, T0, 0);
    let n1 = notice(&authority, &notice_key, T0 + 60, 1);
    let policy = Policy::parse(POLICY).unwrap();
    let kept = authority.issue_key_under(&n1, &NURSE, &mut rng).unwrap();
    let mut cases: Vec<(String, SealedRecord)> = Vec::new();
    for (name, size) in [("v3_1KiB", 1usize << 10), ("v3_1MiB", 1 << 20)] {
        let payload = vec![0x5a; size];
        let r = seal_with_notice(pk, &n0, &policy, b"rec", b"ecg", &payload, &mut rng).unwrap();
        cases.push((name.to_owned(), r));
    }
    let v2 = seal(pk, &policy, b"rec", b"ecg", &[0x5a; 1024], &mut rng).unwrap();
    cases.push(("v2_1KiB".to_owned(), v2));
    for (name, record) in &cases {
        assert!(record.needs_catch_up(&n1));
        let caught_up = authority.rewrap(record, &n1, &mut rng).unwrap();
        assert!(kept
            .open(pk, &caught_up)
            .unwrap()
            .iter()
            .all(|b| *b == 0x5a));
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| authority.rewrap(black_box(record), &n1, &mut rng).unwrap())
        });
    }
    group.finish();
}

fn bench_key_update(c: &mut Criterion) {
    let mut rng = rng(0x2e02);
    let authority = Authority::setup(&mut rng);
    let notice_key = BlsSigningKey::generate(&mut rng);
    let n1 = notice(&authority, &notice_key, T0 + 60, 1);
    let key = authority.issue_key_under(&n1, &NURSE, &mut rng).unwrap();
    if bench_mode() {
        eprintln!(
            "revocation/key_update: a {}-attribute user key at versions is {} bytes",
            NURSE.len(),
            key.to_bytes().len()
        );
    }
    c.bench_function("revocation/key_update", |b| {
        b.iter(|| {
            authority
                .issue_key_under(&n1, black_box(&NURSE), &mut rng)
                .unwrap()
        })
    });
}

fn bench_revoke_one_of_1000(c: &mut Criterion) {
    let users = if bench_mode() { 1000 } else { 10 };
    let mut group = c.benchmark_group("revocation");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    let mut rng = rng(0x2e03);
    let authority = Authority::setup(&mut rng);
    let notice_key = BlsSigningKey::generate(&mut rng);
    group.bench_function(format!("revoke_one_of_{users}"), |b| {
        b.iter(|| {
            let n1 = notice(&authority, &notice_key, T0 + 60, 1);
            (1..users)
                .map(|_| authority.issue_key_under(&n1, &NURSE, &mut rng).unwrap())
                .count()
        })
    });
    group.finish();
}

fn bench_hops(c: &mut Criterion) {
    let mut group = c.benchmark_group("revocation/hops");
    group.sampling_mode(SamplingMode::Flat);
    let mut rng = rng(0x2e04);
    let (authority, other) = (Authority::setup(&mut rng), Authority::setup(&mut rng));
    let (pk, pk_b) = (authority.public_key(), other.public_key());
    let notice_key = BlsSigningKey::generate(&mut rng);
    let n1 = notice(&authority, &notice_key, T0 + 60, 1);
    let policy = Policy::parse(POLICY).unwrap();
    let to = Policy::parse("role:gp and dept:icu").unwrap();
    let consent = BlsSigningKey::generate(&mut rng).public_key();
    let v2_record = seal(pk, &policy, b"rec", b"ecg", &[0x5a; 1024], &mut rng).unwrap();
    let v3_record =
        seal_with_notice(pk, &n1, &policy, b"rec", b"ecg", &[0x5a; 1024], &mut rng).unwrap();
    let v2 = authority
        .issue_delegation_key(&NURSE, &consent, &mut rng)
        .unwrap()
        .rekey(pk, &to, &mut rng)
        .unwrap();
    let v3 = authority
        .issue_delegation_key_under(&n1, &NURSE, &consent, &mut rng)
        .unwrap()
        .rekey_under(pk, &n1, &to, None, &mut rng)
        .unwrap();
    let referral = authority
        .issue_delegation_key(&NURSE, &consent, &mut rng)
        .unwrap()
        .rekey_to(pk_b, &to, &mut rng)
        .unwrap();
    let (hop_v2, hop_v3) = (
        v2.reencrypt(&v2_record).unwrap(),
        v3.reencrypt(&v3_record).unwrap(),
    );
    let referred = referral.reencrypt(&v2_record).unwrap();
    let gp = ["role:gp", "dept:icu"];
    let gp_v2 = authority.issue_key(&gp, &mut rng).unwrap();
    let gp_v3 = authority.issue_key_under(&n1, &gp, &mut rng).unwrap();
    let gp_b = other.issue_key(&gp, &mut rng).unwrap();
    for (key, record) in [(&gp_v2, &hop_v2), (&gp_v3, &hop_v3)] {
        assert!(key.open(pk, record).unwrap().iter().all(|b| *b == 0x5a));
    }
    assert!(gp_b.open_federated(&[pk, pk_b], &referred).is_ok());
    v3.check_current(&[&n1]).unwrap();
    group.bench_function("reencrypt_v2", |b| {
        b.iter(|| v2.reencrypt(black_box(&v2_record)).unwrap())
    });
    group.bench_function("reencrypt_v3", |b| {
        b.iter(|| v3.reencrypt(black_box(&v3_record)).unwrap())
    });
    group.bench_function("open_v2_one_hop", |b| {
        b.iter(|| gp_v2.open(pk, black_box(&hop_v2)).unwrap())
    });
    group.bench_function("open_v3_one_hop", |b| {
        b.iter(|| gp_v3.open(pk, black_box(&hop_v3)).unwrap())
    });
    group.bench_function("open_federated_one_hop", |b| {
        b.iter(|| {
            gp_b.open_federated(&[pk, pk_b], black_box(&referred))
                .unwrap()
        })
    });
    group.bench_function("check_current", |b| {
        b.iter(|| v3.check_current(black_box(&[&n1])).unwrap())
    });
    group.finish();
}

fn bench_streams(c: &mut Criterion) {
    let mut group = c.benchmark_group("revocation/streams");
    group.sampling_mode(SamplingMode::Flat);
    let mut rng = rng(0x2e05);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let notice_key = BlsSigningKey::generate(&mut rng);
    let n1 = notice(&authority, &notice_key, T0 + 60, 1);
    let policy = Policy::parse(POLICY).unwrap();
    let data = vec![0x5a; 1 << 20];
    let seal_v2 = |rng: &mut _| {
        let mut out = Vec::with_capacity(data.len() + 4096);
        seal_stream_with_chunk_size(
            pk,
            &policy,
            b"s",
            b"ecg",
            DEFAULT_CHUNK_SIZE,
            &data[..],
            &mut out,
            rng,
        )
        .unwrap();
        out
    };
    let seal_v3 = |rng: &mut _| {
        let mut out = Vec::with_capacity(data.len() + 4096);
        seal_stream_with_notice(
            pk,
            &n1,
            &policy,
            b"s",
            b"ecg",
            DEFAULT_CHUNK_SIZE,
            &data[..],
            &mut out,
            rng,
        )
        .unwrap();
        out
    };
    let (v2, v3) = (seal_v2(&mut rng), seal_v3(&mut rng));
    let (nurse_v2, nurse_v3) = (
        authority.issue_key(&NURSE, &mut rng).unwrap(),
        authority.issue_key_under(&n1, &NURSE, &mut rng).unwrap(),
    );
    let open = |key: &cipherchart::UserKey, stream: &[u8]| {
        let mut out = Vec::with_capacity(data.len());
        key.open_stream(pk, stream, &mut out).unwrap();
        out
    };
    assert_eq!(open(&nurse_v2, &v2), data);
    assert_eq!(open(&nurse_v3, &v3), data);
    assert!(nurse_v2.open_stream(pk, &v3[..], std::io::sink()).is_err());
    group.bench_function("seal_v2", |b| b.iter(|| seal_v2(&mut rng)));
    group.bench_function("seal_v3", |b| b.iter(|| seal_v3(&mut rng)));
    group.bench_function("open_v2", |b| b.iter(|| open(&nurse_v2, black_box(&v2))));
    group.bench_function("open_v3", |b| b.iter(|| open(&nurse_v3, black_box(&v3))));
    group.finish();
}

fn bench_stream_catch_up(c: &mut Criterion) {
    let mut group = c.benchmark_group("revocation/stream_catch_up");
    group.sampling_mode(SamplingMode::Flat);
    let mut rng = rng(0x2e06);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let notice_key = BlsSigningKey::generate(&mut rng);
    let (n1, n2) = two_notices(&authority, &notice_key);
    let policy = Policy::parse(POLICY).unwrap();
    let data = vec![0x5a; 1 << 20];
    let mut stream = Vec::with_capacity(data.len() + 4096);
    seal_stream_with_notice(
        pk,
        &n1,
        &policy,
        b"s",
        b"ecg",
        DEFAULT_CHUNK_SIZE,
        &data[..],
        &mut stream,
        &mut rng,
    )
    .unwrap();
    let trailer = stream_trailer(&stream[..]).unwrap();
    let rewrap = |rng: &mut _| {
        let mut out = Vec::with_capacity(stream.len() + 4096);
        authority
            .rewrap_stream(&stream[..], &trailer, &n2, &mut out, rng)
            .unwrap();
        out
    };
    let reencrypt = |rng: &mut _| {
        let mut out = Vec::with_capacity(stream.len() + 4096);
        authority
            .reencrypt_stream(&stream[..], Some(&trailer), &n2, &mut out, rng)
            .unwrap();
        out
    };
    let rewrapped = rewrap(&mut rng);
    let (old, current) = (
        authority.issue_key_under(&n1, &NURSE, &mut rng).unwrap(),
        authority.issue_key_under(&n2, &NURSE, &mut rng).unwrap(),
    );
    let open = |key: &cipherchart::UserKey, stream: &[u8]| {
        let mut out = Vec::with_capacity(data.len());
        key.open_stream(pk, stream, &mut out).unwrap();
        out
    };
    assert_eq!(open(&current, &rewrapped), data);
    assert_eq!(open(&current, &reencrypt(&mut rng)), data);
    assert!(old
        .open_stream(pk, &rewrapped[..], std::io::sink())
        .is_err());
    assert_eq!(open(&old, &stream), data);
    group.bench_function("trailer", |b| {
        b.iter(|| stream_trailer(black_box(&stream[..])).unwrap())
    });
    group.bench_function("rewrap", |b| b.iter(|| rewrap(&mut rng)));
    group.bench_function("reencrypt", |b| b.iter(|| reencrypt(&mut rng)));
    group.bench_function("open_v3", |b| b.iter(|| open(&old, black_box(&stream))));
    group.bench_function("open_rewrapped", |b| {
        b.iter(|| open(&current, black_box(&rewrapped)))
    });
    group.finish();
}

/// A session of this many records (a day of vitals at one a minute is 1,440).
const SESSION_RECORDS: usize = 1_000;

fn bench_session_catch_up(c: &mut Criterion) {
    let mut group = c.benchmark_group("revocation/session_catch_up");
    group.sampling_mode(SamplingMode::Flat);
    let mut rng = rng(0x2e07);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let notice_key = BlsSigningKey::generate(&mut rng);
    let (n1, n2) = two_notices(&authority, &notice_key);
    let policy = Policy::parse(POLICY).unwrap();
    let (header, mut sealer) =
        start_session_with_notice(pk, &n1, &policy, b"bed-4", b"vitals", &mut rng).unwrap();
    let payloads: Vec<Vec<u8>> = (0..SESSION_RECORDS)
        .map(|i| format!("hr {} bpm, spo2 97 %, t 36.{} C", 60 + i % 40, i % 10).into_bytes())
        .collect();
    let records: Vec<SessionRecord> = payloads
        .iter()
        .map(|p| sealer.seal(b"vitals", p).unwrap())
        .collect();
    let trailer = sealer.close().unwrap();
    let rewrapped = authority
        .rewrap_session(&header, &trailer, &n2, &mut rng)
        .unwrap();
    let proofs = prove_session_records(&records);
    let (old, current) = (
        authority.issue_key_under(&n1, &NURSE, &mut rng).unwrap(),
        authority.issue_key_under(&n2, &NURSE, &mut rng).unwrap(),
    );
    let opener = current.open_session(pk, &rewrapped).unwrap();
    let old_opener = old.open_session(pk, &header).unwrap();
    assert_eq!(opener.open_all(&records).unwrap(), payloads);
    assert_eq!(
        opener.open_included(&records[500], &proofs[500]).unwrap(),
        payloads[500]
    );
    assert!(old.open_session(pk, &rewrapped).is_err());
    let (re, re_records, _) = authority
        .reencrypt_session(&header, &records, Some(&trailer), &n2, &mut rng)
        .unwrap();
    assert_eq!(
        current
            .open_session(pk, &re)
            .unwrap()
            .open_all(&re_records)
            .unwrap(),
        payloads
    );
    group.bench_function("trailer_1000", |b| {
        b.iter(|| session_trailer(black_box(&header), black_box(&records)).unwrap())
    });
    group.bench_function("prove_all_1000", |b| {
        b.iter(|| prove_session_records(black_box(&records)))
    });
    group.bench_function("rewrap", |b| {
        b.iter(|| authority.rewrap_session(black_box(&header), &trailer, &n2, &mut rng))
    });
    group.bench_function("reencrypt_1000", |b| {
        b.iter(|| {
            authority
                .reencrypt_session(black_box(&header), &records, Some(&trailer), &n2, &mut rng)
                .unwrap()
        })
    });
    group.bench_function("open_all_1000", |b| {
        b.iter(|| {
            records
                .iter()
                .map(|r| old_opener.open(r).unwrap())
                .collect::<Vec<_>>()
        })
    });
    group.bench_function("open_all_rewrapped_1000", |b| {
        b.iter(|| opener.open_all(black_box(&records)).unwrap())
    });
    group.bench_function("open_one", |b| {
        b.iter(|| old_opener.open(black_box(&records[500])).unwrap())
    });
    group.bench_function("open_included_one", |b| {
        b.iter(|| {
            opener
                .open_included(black_box(&records[500]), &proofs[500])
                .unwrap()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion_config();
    targets = bench_rewrap, bench_key_update, bench_revoke_one_of_1000, bench_hops, bench_streams,
        bench_stream_catch_up, bench_session_catch_up
}

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
