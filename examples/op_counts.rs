//! One operation per process, for instruction counts under callgrind (load-independent,
//! unlike wall-clock times on a shared machine): `docs/performance.md`, "Worst admitted
//! records" and "Format v2 against v1".
//!
//! ```text
//! cargo build --release --example op_counts
//! valgrind --tool=callgrind --toggle-collect='*op_counts*measured*' \
//!     target/release/examples/op_counts open1
//! ```
//!
//! Only the call to `measured` is counted: fixtures are built and the operation is run
//! once beforehand (warm caches), then run once inside `measured`.
//!
//! * `step`: 1000 G1 additions and 1000 doublings on public data (2000 steps of the
//!   open-cost model, `docs/policy.md` §4.1);
//! * `seal1`, `seal3`, `open1`, `open3`: seal and open under `patient:42` and an AND of 3;
//! * `deleg`, `rekey`, `reencrypt`, `open_hop1`, `open_hop2`: issue a one-grant
//!   delegation key, make a re-key from it, re-encrypt a record, open after one and two
//!   hops (every policy of one attribute);
//! * `prepare DIR`: writes the worst admitted records and their keys to `DIR`;
//! * `open-file DIR NAME [warm|hot]`: decodes and opens record `NAME` of `DIR` in a fresh
//!   process, so its attribute names are **cold** (never hashed here), as an attacker
//!   makes them; `warm` opens it once before the measured open, `hot` seven times (the
//!   measured open is then the row's eighth use, which builds row combs: at most two per
//!   header computation, `abe::core::COMB_BUILDS_PER_HEADER`). Before the measured
//!   open the process warms everything else: the key tables (an AND-of-1 open) and the
//!   column points (an AND of 64 under other names). `NAME = and1` is the baseline.
//!   With `OP_COUNTS_TIME=1` it prints CPU times instead (no callgrind): the mean of
//!   100 AND-of-1 opens, the target open, and their ratio.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::path::Path;

use ark_bls12_381::G1Projective;
use ark_ec::PrimeGroup;
use cipherchart::{
    seal, Authority, BlsSigningKey, DelegationKey, Error, LimitKind, Policy, SealedRecord, UserKey,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

const PAYLOAD: [u8; 1024] = [0x5a; 1024];

/// The region callgrind counts (`--toggle-collect='*op_counts*measured*'`).
#[inline(never)]
fn measured(f: &mut dyn FnMut()) {
    f();
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn authority() -> Authority {
    Authority::setup(&mut rng(0x16))
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}:{i}")).collect()
}

fn and_of(names: &[String]) -> Policy {
    Policy::parse(&names.join(" and ")).unwrap()
}

/// Runs `op` once to warm the caches, then once inside [`measured`].
fn twice(op: &mut dyn FnMut()) {
    op();
    measured(op);
}

fn delegation(a: &Authority, attributes: &[String], r: &mut ChaCha20Rng) -> DelegationKey {
    let delegator = BlsSigningKey::generate(r).public_key();
    a.issue_delegation_key(attributes, &delegator, r).unwrap()
}

/// A record under `patient:42` re-encrypted to `role:physician`, then to `role:nurse`;
/// with the keys of the three layers.
fn chain(a: &Authority, r: &mut ChaCha20Rng) -> [(SealedRecord, UserKey); 3] {
    let pk = a.public_key();
    let p0 = Policy::parse("patient:42").unwrap();
    let p1 = Policy::parse("role:physician").unwrap();
    let p2 = Policy::parse("role:nurse").unwrap();
    let record = seal(pk, &p0, b"id", b"", &PAYLOAD, r).unwrap();
    let hop1 = delegation(a, &["patient:42".into()], r)
        .rekey(pk, &p1, r)
        .unwrap()
        .reencrypt(&record)
        .unwrap();
    let hop2 = delegation(a, &["role:physician".into()], r)
        .rekey(pk, &p2, r)
        .unwrap()
        .reencrypt(&hop1)
        .unwrap();
    [
        (record, a.issue_key(&["patient:42"], r).unwrap()),
        (hop1, a.issue_key(&["role:physician"], r).unwrap()),
        (hop2, a.issue_key(&["role:nurse"], r).unwrap()),
    ]
}

fn ordinary(op: &str) {
    let a = authority();
    let pk = a.public_key();
    let r = &mut rng(1);
    let p1 = Policy::parse("patient:42").unwrap();
    let three = ["role:physician", "dept:cardiology", "hospital:h1"];
    let p3 = Policy::parse(&three.join(" and ")).unwrap();
    match op {
        "step" => {
            let mut p = G1Projective::generator();
            let q = p;
            let mut run = || {
                for _ in 0..1000 {
                    p += q;
                    ark_ff::AdditiveGroup::double_in_place(&mut p);
                }
                black_box(&p);
            };
            twice(&mut run);
        }
        "seal1" | "seal3" => {
            let p = if op == "seal1" { &p1 } else { &p3 };
            twice(&mut || {
                black_box(seal(pk, p, b"id", b"", &PAYLOAD, r).unwrap());
            });
        }
        "open1" | "open3" => {
            let (p, held): (&Policy, &[&str]) = if op == "open1" {
                (&p1, &["patient:42"])
            } else {
                (&p3, &three)
            };
            let bytes = seal(pk, p, b"id", b"", &PAYLOAD, r).unwrap().to_bytes();
            let key = a.issue_key(held, r).unwrap();
            twice(&mut || {
                let record = SealedRecord::from_bytes(&bytes).unwrap();
                assert_eq!(key.open(pk, &record).unwrap(), PAYLOAD);
            });
        }
        "deleg" => {
            let delegator = BlsSigningKey::generate(r).public_key();
            twice(&mut || {
                black_box(
                    a.issue_delegation_key(&["patient:42"], &delegator, r)
                        .unwrap(),
                );
            });
        }
        "rekey" => {
            let to = Policy::parse("role:physician").unwrap();
            let mut keys = vec![
                delegation(&a, &["patient:42".into()], r),
                delegation(&a, &["patient:42".into()], r),
            ];
            let mut r2 = rng(2);
            twice(&mut || {
                black_box(keys.pop().unwrap().rekey(pk, &to, &mut r2).unwrap());
            });
        }
        "reencrypt" => {
            let record = seal(pk, &p1, b"id", b"", &PAYLOAD, r).unwrap();
            let rekey = delegation(&a, &["patient:42".into()], r)
                .rekey(pk, &Policy::parse("role:physician").unwrap(), r)
                .unwrap();
            twice(&mut || {
                black_box(rekey.reencrypt(&record).unwrap());
            });
        }
        "open_hop1" | "open_hop2" => {
            let [_, hop1, hop2] = chain(&a, r);
            let (record, key) = if op == "open_hop1" { hop1 } else { hop2 };
            let bytes = record.to_bytes();
            twice(&mut || {
                let record = SealedRecord::from_bytes(&bytes).unwrap();
                assert_eq!(key.open(pk, &record).unwrap(), PAYLOAD);
            });
        }
        _ => panic!("unknown operation {op}"),
    }
}

/// The largest `m ≤ max` for which `make(m)` is admitted (the cost grows with m).
fn largest<T>(max: usize, make: &dyn Fn(usize) -> Result<T, Error>) -> (usize, T) {
    let mut best = None;
    for m in 1..=max {
        match make(m) {
            Ok(t) => best = Some((m, t)),
            Err(Error::LimitExceeded(LimitKind::PolicyCost)) => break,
            Err(e) => panic!("{e}"),
        }
    }
    best.expect("some size is admitted")
}

/// Re-encrypts `record` (whose newest layer `held` opens) to an AND of `to`.
fn hop(
    a: &Authority,
    record: &SealedRecord,
    held: &[String],
    to: &[String],
) -> Result<SealedRecord, Error> {
    let r = &mut rng(100 + record.hop_count() as u64);
    let rekey =
        delegation(a, held, r).rekey(a.public_key(), &Policy::parse(&to.join(" and "))?, r)?;
    rekey.reencrypt(record)
}

/// A record under an AND of `sizes[0]` names re-encrypted to ANDs of `sizes[1..]`,
/// `sizes.last()` the largest the budget admits given the others (`None`: the largest
/// for every layer at once, all layers the same size). The key holds the top layer.
fn reencrypted(
    a: &Authority,
    prefix: &str,
    sizes: &[usize],
    top: Option<()>,
) -> (SealedRecord, Vec<String>) {
    let build = |sizes: &[usize]| -> Result<(SealedRecord, Vec<String>), Error> {
        let layer = |i: usize| names(&format!("{prefix}{i}"), sizes[i]);
        let r = &mut rng(3);
        let mut record = seal(a.public_key(), &and_of(&layer(0)), b"id", b"", &PAYLOAD, r)?;
        for i in 1..sizes.len() {
            record = hop(a, &record, &layer(i - 1), &layer(i))?;
        }
        Ok((record, layer(sizes.len() - 1)))
    };
    match top {
        Some(()) => {
            let (m, built) = largest(64, &|m| {
                let mut s = sizes.to_vec();
                *s.last_mut().unwrap() = m;
                build(&s)
            });
            println!(
                "{prefix}: layers {:?}, top AND of {m}",
                &sizes[..sizes.len() - 1]
            );
            built
        }
        None => {
            let (m, built) = largest(64, &|m| build(&vec![m; sizes.len()]));
            println!("{prefix}: {} layers, each an AND of {m}", sizes.len());
            built
        }
    }
}

fn prepare(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let a = authority();
    let pk = a.public_key();
    let r = &mut rng(4);
    let write = |name: &str, record: &SealedRecord, held: &[String], r: &mut ChaCha20Rng| {
        let key = a.issue_key(held, r).unwrap();
        assert_eq!(key.open(pk, record).unwrap(), PAYLOAD, "{name}");
        std::fs::write(dir.join(format!("{name}.record")), record.to_bytes()).unwrap();
        std::fs::write(dir.join(format!("{name}.key")), key.to_bytes()).unwrap();
        println!(
            "{name}: {} hops, newest layer {} rows, {} bytes",
            record.hop_count(),
            record.current_policy().lsss().rows(),
            record.to_bytes().len()
        );
    };
    let sealed = |p: &Policy, r: &mut ChaCha20Rng| seal(pk, p, b"id", b"", &PAYLOAD, r).unwrap();
    let one = vec!["patient:42".to_owned()];
    write("and1", &sealed(&and_of(&one), r), &one, r);
    // Warms the column points 1..=64 (AND of 64 under other names).
    let warm = names("warm", 64);
    write("columns", &sealed(&and_of(&warm), r), &warm, r);
    let or = names("or", 64);
    write(
        "or64",
        &sealed(&Policy::parse(&or.join(" or ")).unwrap(), r),
        &or[63..],
        r,
    );
    let and = names("and", 64);
    write("and64", &sealed(&and_of(&and), r), &and, r);
    let th = names("th", 48);
    let (k, p) = largest(47, &|k| {
        Policy::parse(&format!("{k} of ({})", th.join(", ")))
    });
    write("threshold", &sealed(&p, r), &th[48 - k..], r);
    let (m, p) = largest(31, &|m| {
        Policy::parse(&format!(
            "2 of ({}, {}, tz:0)",
            names("ta", m).join(" and "),
            names("tb", m).join(" and ")
        ))
    });
    let held: Vec<String> = names("ta", m).into_iter().chain(names("tb", m)).collect();
    write("two_of_ands", &sealed(&p, r), &held, r);
    for (name, sizes, top) in [
        ("hops8_top", vec![1; 9], Some(())),
        ("hops8_even", vec![1; 9], None),
        ("hops1_top", vec![1; 2], Some(())),
        ("hops1_even", vec![1; 2], None),
    ] {
        let (record, held) = reencrypted(&a, name, &sizes, top);
        write(name, &record, &held, r);
    }
}

/// CPU time of this thread so far, in ns (`/proc/thread-self/schedstat`, Linux): unlike
/// wall-clock time, barely changed by other processes on a loaded machine.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat")
}

#[allow(clippy::cast_precision_loss)]
fn open_file(dir: &Path, name: &str, before: usize) {
    let a = authority();
    let pk = a.public_key();
    let load = |name: &str| {
        let record = std::fs::read(dir.join(format!("{name}.record"))).unwrap();
        let key =
            UserKey::from_bytes(&std::fs::read(dir.join(format!("{name}.key"))).unwrap()).unwrap();
        (record, key)
    };
    let open = |(bytes, key): &(Vec<u8>, UserKey)| {
        let record = SealedRecord::from_bytes(bytes).unwrap();
        assert_eq!(key.open(pk, &record).unwrap(), PAYLOAD);
    };
    let and1 = load("and1");
    open(&and1);
    open(&load("columns"));
    let target = load(name);
    for _ in 0..before.max(usize::from(name == "and1")) {
        open(&target);
    }
    if std::env::var_os("OP_COUNTS_TIME").is_none() {
        measured(&mut || open(&target));
        return;
    }
    // CPU times (the kernel may account them by scheduler ticks, 4 ms here): the mean of
    // 100 AND-of-1 opens, then the target once.
    let time = |f: &dyn Fn()| {
        let t = cpu_ns();
        f();
        cpu_ns() - t
    };
    let base = time(&|| (0..100).for_each(|_| open(&and1))) as f64 / 100.0;
    let t = time(&|| open(&target)) as f64;
    println!(
        "{name}: {:.1} ms CPU, AND-of-1 {:.2} ms CPU, ratio {:.1}",
        t / 1e6,
        base / 1e6,
        t / base
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["prepare", dir] => prepare(Path::new(dir)),
        ["open-file", dir, name] => open_file(Path::new(dir), name, 0),
        ["open-file", dir, name, "warm"] => open_file(Path::new(dir), name, 1),
        ["open-file", dir, name, "hot"] => open_file(Path::new(dir), name, 7),
        [op] => ordinary(op),
        _ => {
            eprintln!("usage: op_counts OP | prepare DIR | open-file DIR NAME [warm|hot]");
            std::process::exit(2);
        }
    }
}
