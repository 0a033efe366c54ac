//! Streams (throughput in MB/s), session records (one KEM header, then AEAD only),
//! BLS signatures (sign, verify, batch verify of 1,000) and key files (write and read a
//! user key's passphrase-protected file at scrypt work factors 15 and 18).
//!
//! Run: `cargo bench --bench records` (about a minute). `CIPHERCHART_BENCH_QUICK=1`
//! shortens the measurement and the batch. Every stream and session is opened and
//! checked against its payload before any timing. Policies: an AND of 5 attributes
//! (`rec:a1 and … rec:a5`), the key holds all five; point caches are warm.
//!
//! `records/python_inputs` (only when `CIPHERCHART_PY_INPUTS` names a directory):
//! `open` and `reencrypt` on the exact objects `benches/python_overhead.py` wrote
//! there (`pk.bin`, `key.bin`, `record.bin`, `rekey.bin`), the native side of the
//! Python binding overhead.

// A failed fixture aborts the bench: that is the point of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(missing_docs)] // criterion_group! generates undocumented items

mod common;

use std::hint::black_box;
use std::sync::OnceLock;

use cipherchart::seal_stream;
use cipherchart::start_session;
use cipherchart::{batch_verify, BlsSigningKey};
use cipherchart::{Authority, Policy, PublicKey, ReKey, SealedRecord, UserKey};
use criterion::{criterion_group, BenchmarkId, Criterion, SamplingMode, Throughput};

use common::{attributes, bench_mode, policy, rng, Shape, PAYLOAD};

/// Attributes of the record policy.
const N: usize = 5;

struct Fixture {
    authority: Authority,
    key: UserKey,
    policy: Policy,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = rng(0x5e55);
        let authority = Authority::setup(&mut rng);
        let key = authority
            .issue_key(&attributes("rec", N), &mut rng)
            .unwrap();
        Fixture {
            authority,
            key,
            policy: policy("rec", Shape::And, N),
        }
    })
}

fn pk() -> &'static PublicKey {
    fixture().authority.public_key()
}

/// Stream sizes: 64 KiB (one chunk: the KEM dominates) and 4 MiB (the AEAD does).
fn stream_sizes() -> Vec<usize> {
    if common::quick() || !bench_mode() {
        vec![64 << 10]
    } else {
        vec![64 << 10, 4 << 20]
    }
}

fn seal_to_vec(data: &[u8], rng: &mut rand_chacha::ChaCha20Rng) -> Vec<u8> {
    let f = fixture();
    let mut out = Vec::with_capacity(data.len() + data.len() / 1024 + 1024);
    seal_stream(pk(), &f.policy, b"stream-1", b"ecg", data, &mut out, rng).unwrap();
    out
}

fn bench_stream(c: &mut Criterion) {
    let mut group = c.benchmark_group("records/stream");
    group.sampling_mode(SamplingMode::Flat);
    let mut rng = rng(0x5e56);
    for size in stream_sizes() {
        let data: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
        let sealed = seal_to_vec(&data, &mut rng);
        let mut opened = Vec::with_capacity(size);
        fixture()
            .key
            .open_stream(pk(), sealed.as_slice(), &mut opened)
            .unwrap();
        assert_eq!(opened, data);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(BenchmarkId::new("seal", size), |b| {
            b.iter(|| seal_to_vec(&data, &mut rng))
        });
        group.bench_function(BenchmarkId::new("open", size), |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(size);
                fixture()
                    .key
                    .open_stream(pk(), black_box(sealed.as_slice()), &mut out)
                    .unwrap();
                out
            })
        });
    }
    group.finish();
}

fn bench_session(c: &mut Criterion) {
    let mut group = c.benchmark_group("records/session");
    let f = fixture();
    let mut rng = rng(0x5e57);
    let (header, mut sealer) =
        start_session(pk(), &f.policy, b"session-1", b"icu", &mut rng).unwrap();
    let opener = f.key.open_session(pk(), &header).unwrap();
    let record = sealer.seal(b"hr", &PAYLOAD).unwrap();
    assert_eq!(opener.open(&record).unwrap(), PAYLOAD);
    group.bench_function("start", |b| {
        b.iter(|| start_session(pk(), &f.policy, b"session-1", b"icu", &mut rng).unwrap())
    });
    group.bench_function("open_header", |b| {
        b.iter(|| f.key.open_session(pk(), black_box(&header)).unwrap())
    });
    group.throughput(Throughput::Bytes(PAYLOAD.len() as u64));
    group.bench_function("seal_record_1KiB", |b| {
        b.iter(|| sealer.seal(b"hr", black_box(&PAYLOAD)).unwrap())
    });
    group.bench_function("open_record_1KiB", |b| {
        b.iter(|| opener.open(black_box(&record)).unwrap())
    });
    group.finish();
}

fn bench_bls(c: &mut Criterion) {
    let mut group = c.benchmark_group("records/bls");
    let keys: Vec<BlsSigningKey> = (0..16u8)
        .map(|i| BlsSigningKey::from_ikm(&[i; 32], b"").unwrap())
        .collect();
    let msg = b"chain entry 0000001: read record bench-record-000000";
    let sig = keys[0].sign(msg);
    let pk0 = keys[0].public_key();
    pk0.verify(msg, &sig).unwrap();
    group.bench_function("sign", |b| b.iter(|| keys[0].sign(black_box(msg))));
    group.bench_function("verify", |b| {
        b.iter(|| pk0.verify(black_box(msg), black_box(&sig)).unwrap())
    });
    let n = if bench_mode() && !common::quick() {
        1000
    } else {
        16
    };
    let messages: Vec<Vec<u8>> = (0..n)
        .map(|i| format!("chain entry {i:07}: read").into_bytes())
        .collect();
    let items: Vec<_> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let k = &keys[i % keys.len()];
            (k.public_key(), m.as_slice(), k.sign(m))
        })
        .collect();
    let mut rng = rng(0x5e58);
    batch_verify(&items, &mut rng).unwrap();
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(BenchmarkId::new("batch_verify", n), |b| {
        b.iter(|| batch_verify(black_box(&items), &mut rng).unwrap())
    });
    group.finish();
}

/// Key files: the scrypt work factor is the cost, written and read once per iteration.
fn bench_key_files(c: &mut Criterion) {
    use cipherchart::{KeyFile, KeyFileOptions};
    let mut group = c.benchmark_group("records/key_file");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    let key = &fixture().key;
    let pass = "correct horse battery staple";
    for log_n in [15u8, 18] {
        let options = KeyFileOptions::new().with_work_factor(log_n).unwrap();
        let file = key.to_key_file_with(pass, &options).unwrap();
        assert_eq!(
            *UserKey::from_key_file(&file, pass).unwrap().to_bytes(),
            *key.to_bytes()
        );
        group.bench_function(BenchmarkId::new("write", log_n), |b| {
            b.iter(|| key.to_key_file_with(black_box(pass), &options).unwrap())
        });
        group.bench_function(BenchmarkId::new("read", log_n), |b| {
            b.iter(|| UserKey::from_key_file(black_box(&file), pass).unwrap())
        });
    }
    group.finish();
}

/// The native side of `benches/python_overhead.py`: the same bytes, the same calls.
fn bench_python_inputs(c: &mut Criterion) {
    let Some(dir) = std::env::var_os("CIPHERCHART_PY_INPUTS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let pk = PublicKey::from_bytes(&read("pk.bin")).unwrap();
    let key = UserKey::from_bytes(&read("key.bin")).unwrap();
    let record = SealedRecord::from_bytes(&read("record.bin")).unwrap();
    let rekey = ReKey::from_bytes(&read("rekey.bin")).unwrap();
    let payload = key.open(&pk, &record).unwrap();
    rekey.reencrypt(&record).unwrap();
    let mut group = c.benchmark_group("records/python_inputs");
    group.bench_function("open", |b| {
        b.iter(|| {
            let out = key.open(&pk, black_box(&record)).unwrap();
            debug_assert_eq!(out, payload);
            out
        })
    });
    group.bench_function("reencrypt", |b| {
        b.iter(|| rekey.reencrypt(black_box(&record)).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion_config();
    targets = bench_stream, bench_session, bench_bls, bench_key_files, bench_python_inputs
}

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
