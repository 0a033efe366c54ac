//! The proof chain: appends (memory store; file store with an fsync per append),
//! Merkle proof generation and verification at 10^3 and 10^5 leaves (10^6 with
//! `CIPHERCHART_CHAIN_BENCH_1M=1`), and the signatures of 1,000 entries batch-verified
//! (one multi-pairing per `VERIFY_BLOCK` entries, as `verify_all` does) against one by
//! one.
//!
//! Run: `cargo bench --bench chain`. `CIPHERCHART_BENCH_QUICK=1` keeps 10^3 leaves,
//! 100 signatures and short measurements. Under `cargo test --all-targets` (criterion's test
//! mode) every benchmark runs once with small sizes.
//!
//! The proof benchmarks use a `MerkleTree` of synthetic leaves: the chain's proofs are
//! exactly the tree's, and signing 10^5 entries first would only time the fixture.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed fixture aborts
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;
use std::time::{Duration, Instant};

use cipherchart::{leaf_hash, verify_consistency, verify_inclusion, MerkleTree};
use cipherchart::{Action, Chain, Entry, EntryDraft, FileStore, MemoryStore, Store, GENESIS};

/// The block size of `Chain::verify_all`'s batches (`src/chain/log.rs`, `VERIFY_BLOCK`).
const VERIFY_BLOCK: usize = 256;
use cipherchart::{batch_verify, BlsSigningKey};
use criterion::{criterion_group, BenchmarkId, Criterion, SamplingMode};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// Whether this is a real `cargo bench` run (not criterion's test mode).
fn bench_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    has("--bench") && !has("--test") && !has("--list")
}

/// Quick mode (`CIPHERCHART_BENCH_QUICK=1`, as in the other benches).
fn quick() -> bool {
    std::env::var_os("CIPHERCHART_BENCH_QUICK").is_some_and(|v| v != "0")
}

/// `full` normally, `short` in quick mode.
fn secs(full: u64, short_ms: u64) -> Duration {
    if quick() {
        Duration::from_millis(short_ms)
    } else {
        Duration::from_secs(full)
    }
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn actor(i: u8) -> BlsSigningKey {
    BlsSigningKey::from_ikm(&[i; 32], b"").unwrap()
}

/// A typical entry: a read of a record, 20-byte subject, 16-byte metadata.
fn draft(i: u64) -> EntryDraft {
    EntryDraft::for_payload(
        1_790_000_000 + i,
        Action::Read,
        format!("record-{i:013}"),
        &i.to_be_bytes(),
    )
    .with_metadata(b"ward=3;shift=B".to_vec())
}

/// `n` signed entries forming a chain, by 4 actors in turn.
fn signed_entries(n: u64) -> Vec<Entry> {
    let actors: Vec<BlsSigningKey> = (1..=4).map(actor).collect();
    let mut prev = GENESIS;
    (0..n)
        .map(|i| {
            let e = draft(i).sign(i, prev, &actors[i as usize % 4]).unwrap();
            prev = e.hash();
            e
        })
        .collect()
}

fn appends(c: &mut Criterion) {
    let mut g = c.benchmark_group("chain/append");
    g.sample_size(if quick() { 10 } else { 20 })
        .measurement_time(secs(5, 500))
        .warm_up_time(secs(1, 200));
    let key = actor(1);
    g.bench_function("sign_entry", |b| {
        b.iter(|| black_box(draft(7).sign(7, GENESIS, &key).unwrap()))
    });
    // append = signature check + store append (+ fsync for the file store).
    let entries = signed_entries(if bench_mode() { 400 } else { 4 });
    let mut round = 0;
    // Times `append` only; a full chain is replaced (untimed) by a fresh one.
    let mut timed_appends = |iters: u64, fresh: &mut dyn FnMut(u64) -> Box<dyn FnMut(Entry)>| {
        let mut total = Duration::ZERO;
        let mut next = entries.len();
        let mut sink: Box<dyn FnMut(Entry)> = Box::new(|_| {});
        for _ in 0..iters {
            if next == entries.len() {
                round += 1;
                sink = fresh(round);
                next = 0;
            }
            let e = entries[next].clone();
            next += 1;
            let start = Instant::now();
            sink(e);
            total += start.elapsed();
        }
        total
    };
    g.bench_function("memory", |b| {
        b.iter_custom(|iters| {
            timed_appends(iters, &mut |_| {
                let mut c = Chain::open(MemoryStore::new()).unwrap();
                Box::new(move |e| {
                    c.append(e).unwrap();
                })
            })
        })
    });
    let dir = std::env::temp_dir().join(format!("cc-bench-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    g.bench_function("file_fsync", |b| {
        b.iter_custom(|iters| {
            timed_appends(iters, &mut |round| {
                let path = dir.join(format!("log-{round}"));
                let _ = std::fs::remove_file(&path);
                let mut c = Chain::open(FileStore::create(&path).unwrap()).unwrap();
                Box::new(move |e| {
                    c.append(e).unwrap();
                })
            })
        })
    });
    // The store alone: write + fsync of one entry-sized record.
    let record = entries[0].to_bytes();
    let mut store = FileStore::create(dir.join("raw")).unwrap();
    g.bench_function("file_store_record_fsync", |b| {
        b.iter(|| store.append(&record).unwrap())
    });
    g.finish();
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

fn proofs(c: &mut Criterion) {
    let mut g = c.benchmark_group("chain/proofs");
    g.sample_size(if quick() { 10 } else { 50 })
        .measurement_time(secs(5, 500))
        .warm_up_time(secs(1, 200));
    let mut sizes = vec![1_000u64];
    if bench_mode() && !quick() {
        sizes.push(100_000);
        if std::env::var_os("CIPHERCHART_CHAIN_BENCH_1M").is_some() {
            sizes.push(1_000_000);
        }
    }
    for n in sizes {
        let mut tree = MerkleTree::new();
        for i in 0..n {
            tree.push(leaf_hash(&i.to_be_bytes()));
        }
        let root = tree.root();
        let mut r = rng(n);
        g.bench_with_input(BenchmarkId::new("tree_push", n), &n, |b, _| {
            let mut t = tree.clone();
            b.iter(|| t.push(black_box([7u8; 32])))
        });
        g.bench_with_input(BenchmarkId::new("root", n), &n, |b, _| {
            b.iter(|| black_box(tree.root()))
        });
        g.bench_with_input(BenchmarkId::new("prove_inclusion", n), &n, |b, _| {
            b.iter(|| black_box(tree.inclusion_proof(r.gen_range(0..n), n).unwrap()))
        });
        let index = n / 3;
        let proof = tree.inclusion_proof(index, n).unwrap();
        let leaf = tree.leaf(index).unwrap();
        g.bench_with_input(BenchmarkId::new("verify_inclusion", n), &n, |b, _| {
            b.iter(|| verify_inclusion(&leaf, index, n, &proof.path, &root).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("prove_consistency", n), &n, |b, _| {
            b.iter(|| black_box(tree.consistency_proof(r.gen_range(1..n), n).unwrap()))
        });
        let old = n / 3 + 1;
        let old_root = tree.root_at(old).unwrap();
        let proof = tree.consistency_proof(old, n).unwrap();
        g.bench_with_input(BenchmarkId::new("verify_consistency", n), &n, |b, _| {
            b.iter(|| verify_consistency(old, n, &old_root, &root, &proof.path).unwrap())
        });
    }
    g.finish();
}

fn signatures(c: &mut Criterion) {
    let n = match (bench_mode(), quick()) {
        (false, _) => 8,
        (true, true) => 100,
        (true, false) => 1_000,
    };
    let entries = signed_entries(n);
    let messages: Vec<Vec<u8>> = entries.iter().map(Entry::signed_message).collect();
    let items: Vec<_> = entries
        .iter()
        .zip(&messages)
        .map(|(e, m)| (*e.actor(), m.as_slice(), *e.signature()))
        .collect();
    let mut g = c.benchmark_group("chain/signatures");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(secs(20, 1000))
        .warm_up_time(secs(1, 200));
    let mut r = rng(3);
    g.bench_with_input(BenchmarkId::new("one_by_one", n), &n, |b, _| {
        b.iter(|| entries.iter().for_each(|e| e.verify_signature().unwrap()))
    });
    g.bench_with_input(
        BenchmarkId::new(format!("batch_blocks_of_{VERIFY_BLOCK}"), n),
        &n,
        |b, _| {
            b.iter(|| {
                items
                    .chunks(VERIFY_BLOCK)
                    .for_each(|block| batch_verify(block, &mut r).unwrap())
            })
        },
    );
    g.bench_with_input(BenchmarkId::new("batch_one_block", n), &n, |b, _| {
        b.iter(|| batch_verify(&items, &mut r).unwrap())
    });
    // The whole audit: re-read, links, tree and batched signatures.
    let chain = {
        let mut c = Chain::open(MemoryStore::new()).unwrap();
        for e in &entries {
            c.append(e.clone()).unwrap();
        }
        c
    };
    assert_eq!(chain.store().len(), n);
    g.bench_with_input(BenchmarkId::new("verify_all", n), &n, |b, _| {
        b.iter(|| chain.verify_all(None, &mut r).unwrap())
    });
    g.finish();
}

criterion_group!(benches, appends, proofs, signatures);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
