//! Attribute-based proxy re-encryption: rekey, reencrypt one record, reencrypt a
//! batch of 100 records, and open after 1 and 2 hops, at policy sizes 1, 5, 10, 20, 50.
//!
//! Run: `cargo bench --bench pre`. The batch runs on one thread unless the crate's
//! `parallel` feature is on: `cargo bench --bench pre --features parallel` then times
//! it on rayon pools of 1 and 2 threads in the same run (`pre/reencrypt_batch_100/
//! threads1/n`, `threads2/n`). `CIPHERCHART_BENCH_QUICK=1` keeps sizes 1 and 10, a
//! batch of 20 and short measurements. Tables: `scripts/bench-report`.
//!
//! Every layer uses an AND policy of n attributes (the key holds all n, so DecCore sums
//! n rows), except `reencrypt/or`: a record under an OR of n, re-encrypted with a
//! re-key for its last attribute alone. Point caches are warm (see `benches/abe.rs`).
//! Fixtures are built lazily, once per parameter; before any timing the 1-hop record
//! size is checked against its parts (format v2: the record's header, and a hop of two
//! capsules under P' plus one GT element, each header with its 32-byte authority id).
//! `pre/rekey` times `DelegationKey::rekey` alone (v2: a re-key is made from a one-grant
//! delegation key, which it consumes; issuing that key is setup, outside the timing).
//!
//! After the criterion groups (under `cargo bench` only), a paired measurement times
//! `reencrypt` (the proxy's DecCore: the pairing part of opening) and the raw 6-pair
//! multi-pairing back to back, round after round, and reports the median ratio
//! (`CIPHERCHART_PAIRED_ROUNDS=0` skips it).

// A failed fixture or size check aborts the bench: that is the point of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(missing_docs)] // criterion_group! generates undocumented items

mod common;

use std::cell::OnceCell;
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Duration;

use cipherchart::{
    Authority, BlsPublicKey, BlsSigningKey, DelegationKey, Policy, PublicKey, ReKey, SealedRecord,
    UserKey,
};
use criterion::{criterion_group, BatchSize, BenchmarkId, Criterion, SamplingMode};

use common::{
    attributes, bench_mode, header_formula, hop_framing, opening_attributes, paired, paired_rounds,
    policy, record_framing, record_id, report_paired, rng, seal_record, Floor, Shape, PAYLOAD,
};

/// Policy sizes of every layer (record, first and second target policy).
const SIZES: [usize; 5] = [1, 5, 10, 20, 50];

/// The sizes benched in this run ([`SIZES`], or 1 and 10 in quick mode).
fn sizes() -> Vec<usize> {
    if common::quick() {
        vec![1, 10]
    } else {
        SIZES.to_vec()
    }
}
/// Records per batch under `cargo bench`. Criterion's test mode (each bench once, in
/// `cargo test --all-targets`) uses a batch of 3 to stay fast.
const BATCH: usize = 100;
const TEST_BATCH: usize = 3;
const QUICK_BATCH: usize = 20;

/// One authority for the whole run.
fn authority() -> &'static Authority {
    static AUTHORITY: OnceLock<Authority> = OnceLock::new();
    AUTHORITY.get_or_init(|| Authority::setup(&mut rng(11)))
}

/// The length of an authority key id, in every KEM header from format v2 on.
const AUTHORITY_ID_LEN: usize = 32;

/// A one-grant delegation key for `attributes` (v2), naming a consent key.
fn delegation(
    attributes: &[String],
    delegator: &BlsPublicKey,
    rng: &mut rand_chacha::ChaCha20Rng,
) -> DelegationKey {
    authority()
        .issue_delegation_key(attributes, delegator, rng)
        .unwrap()
}

/// A chain at policy size n: a record under `rec` (AND of n), the delegator's consent
/// key, a re-key to `to` (AND of n), the delegatee's key, a re-key for its attributes
/// to `to2`, and the second delegatee's key; with the record after one and two hops.
struct Chain {
    record: SealedRecord,
    delegator: BlsPublicKey,
    rekey1: ReKey,
    hop1: SealedRecord,
    delegatee1: UserKey,
    hop2: SealedRecord,
    delegatee2: UserKey,
}

fn chain(n: usize) -> Chain {
    let authority = authority();
    let pk = authority.public_key();
    let mut rng = rng(12 + n as u64);
    let record_policy = policy("rec", Shape::And, n);
    // Target policies of at most 5 rows (2 beside a 50-row record): a record's open-cost
    // budget (`MAX_RECORD_OPEN_COST`) covers all its layers, so a 50-row record cannot also
    // carry two 50-row hops.
    let target = if n > 20 { 2 } else { n.min(5) };
    let to1 = policy("to", Shape::And, target);
    let to2 = policy("to2", Shape::And, target);
    let record = seal_record(pk, &record_policy, 0, &mut rng);
    let delegator = BlsSigningKey::generate(&mut rng).public_key();
    let rekey1 = delegation(&attributes("rec", n), &delegator, &mut rng)
        .rekey(pk, &to1, &mut rng)
        .unwrap();
    let hop1 = rekey1.reencrypt(&record).unwrap();
    let delegatee1 = authority.issue_key(&attributes("to", n), &mut rng).unwrap();
    let rekey2 = delegation(&attributes("to", n), &delegator, &mut rng)
        .rekey(pk, &to2, &mut rng)
        .unwrap();
    let hop2 = rekey2.reencrypt(&hop1).unwrap();
    let delegatee2 = authority
        .issue_key(&attributes("to2", n), &mut rng)
        .unwrap();
    assert_eq!(delegatee1.open(pk, &hop1).unwrap(), PAYLOAD);
    assert_eq!(delegatee2.open(pk, &hop2).unwrap(), PAYLOAD);
    check_hop_size(&record, &hop1, &record_policy, &to1);
    Chain {
        record,
        delegator,
        rekey1,
        hop1,
        delegatee1,
        hop2,
        delegatee2,
    }
}

/// A 1-hop record (format v2), derived from its parts: the record (one KEM header of
/// `320 + 144·rows`) and one hop of two capsules under P' (`2·(320 + 144·rows')`: the
/// grant capsule and the record capsule) and one GT element (576, the masked R), so
/// `1536 + 144·rows + 288·rows'`; plus the framing of record and hop: the v1 framing
/// (`common::record_framing`, `common::hop_framing`, which predate v2), a 32-byte
/// authority id per KEM header, the second capsule's header framing, the hop's 48-byte
/// delegator and its 1-byte grant-value flag (0 on the first hop).
fn check_hop_size(record: &SealedRecord, hop1: &SealedRecord, p: &Policy, to: &Policy) {
    let (rows, rows2) = (p.lsss().rows(), to.lsss().rows());
    let hop = 576
        + 2 * (header_formula(rows2) + AUTHORITY_ID_LEN)
        + hop_framing(to)
        + common::header_framing(to)
        + 48
        + 1;
    let record_len =
        header_formula(rows) + record_framing(p, record_id(0).len()) + AUTHORITY_ID_LEN;
    assert_eq!(record.to_bytes().len(), record_len, "record size");
    let formula = 576 + header_formula(rows) + 2 * header_formula(rows2);
    assert_eq!(formula, 1536 + 144 * rows + 288 * rows2);
    let framing = record_len + hop - formula;
    let bytes = hop1.to_bytes().len();
    assert_eq!(bytes, formula + framing, "1-hop size");
    assert_eq!(
        bytes - record.to_bytes().len(),
        hop,
        "one hop adds one GT element and two capsules"
    );
    println!(
        "\n1-hop record, rows = {rows}, rows' = {rows2}: {bytes} B = 1536 + 144·{rows} + 288·{rows2} + framing {framing}"
    );
    common::write_side_result(
        &format!("sizes/hop1-{rows}.json"),
        &serde_json::json!({
            "rows": rows, "rows_target": rows2, "formula": formula,
            "framing": framing, "bytes": bytes,
        }),
    );
}

/// The chain of size n (one of [`SIZES`]), built on first use and shared by every
/// group.
fn cached(n: usize) -> &'static Chain {
    static CHAINS: [OnceLock<Chain>; SIZES.len()] = [const { OnceLock::new() }; SIZES.len()];
    let i = SIZES.iter().position(|&m| m == n).unwrap();
    CHAINS[i].get_or_init(|| chain(n))
}

fn pk() -> &'static PublicKey {
    authority().public_key()
}

fn bench_rekey(c: &mut Criterion) {
    let mut group = c.benchmark_group("pre/rekey");
    group.sampling_mode(SamplingMode::Flat);
    let mut rng = rng(20);
    let mut setup_rng = common::rng(21);
    for n in sizes() {
        let to = policy("to", Shape::And, n);
        let subset = attributes("rec", n);
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            let chain = cached(n);
            b.iter_batched(
                || delegation(&subset, &chain.delegator, &mut setup_rng),
                |d| d.rekey(pk(), &to, &mut rng).unwrap(),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn bench_reencrypt(c: &mut Criterion) {
    let mut group = c.benchmark_group("pre/reencrypt");
    for n in sizes() {
        group.bench_function(BenchmarkId::new("and", n), |b| {
            let chain = cached(n);
            b.iter(|| chain.rekey1.reencrypt(black_box(&chain.record)).unwrap())
        });
    }
    for n in sizes() {
        group.bench_function(BenchmarkId::new("or", n), |b| {
            let (rekey, record) = or_case(n);
            b.iter(|| rekey.reencrypt(black_box(record)).unwrap())
        });
    }
    group.finish();
}

/// A record under an OR of n and a re-key for its last attribute alone.
fn or_case(n: usize) -> &'static (ReKey, SealedRecord) {
    static CASES: [OnceLock<(ReKey, SealedRecord)>; SIZES.len()] =
        [const { OnceLock::new() }; SIZES.len()];
    let i = SIZES.iter().position(|&m| m == n).unwrap();
    CASES[i].get_or_init(|| {
        let mut rng = rng(30 + n as u64);
        let record = seal_record(pk(), &policy("rec", Shape::Or, n), 0, &mut rng);
        let held = opening_attributes("rec", Shape::Or, n);
        let consent_key = BlsSigningKey::generate(&mut rng).public_key();
        let to = policy("to", Shape::And, n.min(5));
        let rekey = delegation(&held, &consent_key, &mut rng)
            .rekey(pk(), &to, &mut rng)
            .unwrap();
        (rekey, record)
    })
}

/// `reencrypt` ÷ the raw 6-pair multi-pairing, timed back to back (see the module docs).
fn paired_reencrypt() {
    let rounds = paired_rounds();
    if !bench_mode() || rounds == 0 {
        return;
    }
    let floor = Floor::new();
    let mut results = Vec::new();
    for n in sizes() {
        let chain = cached(n);
        results.push(paired(
            &format!("pre/reencrypt/and/{n}"),
            rounds,
            || floor.multi_pairing_6(),
            || chain.rekey1.reencrypt(black_box(&chain.record)).unwrap(),
        ));
    }
    for n in sizes() {
        let (rekey, record) = or_case(n);
        results.push(paired(
            &format!("pre/reencrypt/or/{n}"),
            rounds,
            || floor.multi_pairing_6(),
            || rekey.reencrypt(black_box(record)).unwrap(),
        ));
    }
    report_paired("pre", rounds, &results);
}

fn bench_reencrypt_batch(c: &mut Criterion) {
    let batch = if !bench_mode() {
        TEST_BATCH
    } else if common::quick() {
        QUICK_BATCH
    } else {
        BATCH
    };
    let mut group = c.benchmark_group(format!("pre/reencrypt_batch_{batch}"));
    group.sampling_mode(SamplingMode::Flat);
    if batch == BATCH {
        // 10 samples of one batch each take about 10 × 0.4 s single-threaded.
        group.measurement_time(Duration::from_secs(6));
    }
    for n in sizes() {
        let cell: OnceCell<Vec<SealedRecord>> = OnceCell::new();
        let records = || {
            cell.get_or_init(|| {
                let mut rng = rng(40 + n as u64);
                let p = policy("rec", Shape::And, n);
                (0..batch)
                    .map(|i| seal_record(pk(), &p, i, &mut rng))
                    .collect::<Vec<_>>()
            })
        };
        let run = |records: &[SealedRecord]| {
            let out = cached(n).rekey1.reencrypt_batch(black_box(records));
            assert!(out.iter().all(Result::is_ok));
            out
        };
        // Without `parallel` the batch is a plain loop: one thread.
        #[cfg(not(feature = "parallel"))]
        group.bench_function(BenchmarkId::new("threads1", n), |b| {
            let records = records();
            b.iter(|| run(records))
        });
        // With it, the same batch on rayon pools of 1 and 2 threads, back to back.
        #[cfg(feature = "parallel")]
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            group.bench_function(BenchmarkId::new(format!("threads{threads}"), n), |b| {
                let records = records();
                b.iter(|| pool.install(|| run(records)))
            });
        }
    }
    group.finish();
}

fn bench_open_hops(c: &mut Criterion) {
    let mut group = c.benchmark_group("pre/open");
    group.sampling_mode(SamplingMode::Flat);
    for n in sizes() {
        group.bench_function(BenchmarkId::new("hop1", n), |b| {
            let chain = cached(n);
            b.iter(|| chain.delegatee1.open(pk(), black_box(&chain.hop1)).unwrap())
        });
        group.bench_function(BenchmarkId::new("hop2", n), |b| {
            let chain = cached(n);
            b.iter(|| chain.delegatee2.open(pk(), black_box(&chain.hop2)).unwrap())
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion_config();
    targets = bench_rekey, bench_reencrypt, bench_reencrypt_batch, bench_open_hops
}

// criterion_main! plus the paired measurement.
fn main() {
    benches();
    paired_reencrypt();
    Criterion::default().configure_from_args().final_summary();
}
