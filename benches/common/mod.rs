//! Fixtures shared by the `abe` and `pre` benches: deterministic RNGs, policies of n
//! attributes in two shapes, record sealing, the `docs/formats.md` size formulas, the raw
//! 6-pair multi-pairing floor and the paired (interleaved) ratio measurement.

#![allow(dead_code)] // each bench uses a different subset

use std::hint::black_box;
use std::time::{Duration, Instant};

use ark_bls12_381::{Bls12_381, Config, G1Affine, G2Affine};
use ark_ec::bls12::G2Prepared;
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_std::UniformRand;
use cipherchart::{seal, Policy, PublicKey, SealedRecord};
use criterion::Criterion;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// Payload of every benchmarked record: 1 KiB, like the peers in the research notes.
pub const PAYLOAD: [u8; 1024] = [0x5a; 1024];
/// Metadata of every benchmarked record.
pub const METADATA: &[u8] = b"ecg";

/// A seeded ChaCha20 RNG (the library only needs `RngCore + CryptoRng`).
pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// Whether criterion was started to measure by `cargo bench` (`--bench`), as opposed
/// to its test mode under `cargo test --all-targets` (each bench once), `--list` or
/// `--profile-time`.
pub fn bench_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| {
        args.iter()
            .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
    };
    has("--bench") && !has("--test") && !has("--list") && !has("--profile-time")
}

/// Quick mode (`CIPHERCHART_BENCH_QUICK=1`): fewer policy sizes and shorter
/// measurements, for a smoke run of the whole suite in a few minutes.
pub fn quick() -> bool {
    std::env::var_os("CIPHERCHART_BENCH_QUICK").is_some_and(|v| v != "0")
}

/// The criterion settings of every bench: 10 samples, 0.5 s warm-up and 2 s of
/// measurement (0.2 s and 0.5 s in [`quick`] mode). Command-line flags still win.
pub fn criterion_config() -> Criterion {
    let (warm_up, measure) = if quick() {
        (Duration::from_millis(200), Duration::from_millis(500))
    } else {
        (Duration::from_millis(500), Duration::from_secs(2))
    };
    Criterion::default()
        .sample_size(10)
        .warm_up_time(warm_up)
        .measurement_time(measure)
}

/// The raw floor: `Bls12_381::multi_pairing` over 6 random G1/G2 pairs (6 Miller loops,
/// one final exponentiation), what one FAME decryption cannot go below in arkworks.
#[derive(Debug)]
pub struct Floor {
    g1: Vec<G1Affine>,
    g2: Vec<G2Affine>,
    /// The last three G2 inputs prepared, as DecCore keeps a key's `K0`.
    k0: Vec<G2Prepared<Config>>,
    /// All six G2 inputs prepared.
    all: Vec<G2Prepared<Config>>,
}

impl Floor {
    /// Six random pairs from a fixed seed.
    pub fn new() -> Self {
        let mut rng = rng(0xf100);
        let g1 = (0..6).map(|_| G1Affine::rand(&mut rng)).collect();
        let g2: Vec<G2Affine> = (0..6).map(|_| G2Affine::rand(&mut rng)).collect();
        let k0 = g2[3..].iter().map(|q| G2Prepared::from(*q)).collect();
        let all = g2.iter().map(|q| G2Prepared::from(*q)).collect();
        Self { g1, g2, k0, all }
    }

    /// The G1 inputs.
    pub fn g1(&self) -> &[G1Affine] {
        &self.g1
    }

    /// The G2 inputs.
    pub fn g2(&self) -> &[G2Affine] {
        &self.g2
    }

    /// One 6-pair multi-pairing.
    pub fn multi_pairing_6(&self) -> PairingOutput<Bls12_381> {
        Bls12_381::multi_pairing(black_box(&self.g1[..]), black_box(&self.g2[..]))
    }

    /// The same with three G2 inputs prepared beforehand (DecCore's shape: the header's
    /// C0 prepared on every call, the key's K0 once per key).
    pub fn multi_pairing_6_k0_prepared(&self) -> PairingOutput<Bls12_381> {
        let g2: Vec<G2Prepared<Config>> = self.g2[..3]
            .iter()
            .map(|q| G2Prepared::from(*q))
            .chain(self.k0.iter().cloned())
            .collect();
        let mlo = Bls12_381::multi_miller_loop(black_box(&self.g1[..]), g2);
        Bls12_381::final_exponentiation(mlo).unwrap()
    }

    /// The same with all six G2 inputs prepared beforehand (the Miller loop and the
    /// final exponentiation alone: what is left when every G2 input is reused).
    pub fn multi_pairing_6_all_prepared(&self) -> PairingOutput<Bls12_381> {
        let mlo = Bls12_381::multi_miller_loop(black_box(&self.g1[..]), self.all.iter().cloned());
        Bls12_381::final_exponentiation(mlo).unwrap()
    }
}

/// Rounds of the paired measurement (`CIPHERCHART_PAIRED_ROUNDS`, 0 turns it off).
pub fn paired_rounds() -> usize {
    std::env::var("CIPHERCHART_PAIRED_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(31)
}

/// One paired result. Each round times the two back to back, so load that changes
/// over seconds (other builds on this shared machine) hits both alike. Two estimators:
/// the median of the per-round ratios, and the ratio of the fastest op to the fastest
/// floor (`ratio_min`): preemption only ever adds time, so under heavy load the
/// fastest of many runs is the best estimate of the undisturbed cost.
#[derive(Debug)]
pub struct PairedResult {
    pub id: String,
    pub ratio: f64,
    pub ratio_q1: f64,
    pub ratio_q3: f64,
    pub ratio_min: f64,
    pub op_ns: f64,
    pub floor_ns: f64,
    pub op_min_ns: f64,
    pub floor_min_ns: f64,
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i]
}

/// Times `floor` and `op` back to back for `rounds` rounds (alternating which goes
/// first, after two warm-up rounds) and summarises the per-round ratios.
pub fn paired<T, U>(
    id: &str,
    rounds: usize,
    mut floor: impl FnMut() -> T,
    mut op: impl FnMut() -> U,
) -> PairedResult {
    let mut ratios = Vec::with_capacity(rounds);
    let mut ops = Vec::with_capacity(rounds);
    let mut floors = Vec::with_capacity(rounds);
    for round in 0..rounds + 2 {
        let mut time_floor = || {
            let t = Instant::now();
            black_box(floor());
            t.elapsed().as_nanos() as f64
        };
        let mut time_op = || {
            let t = Instant::now();
            black_box(op());
            t.elapsed().as_nanos() as f64
        };
        let (f, o) = if round % 2 == 0 {
            let f = time_floor();
            (f, time_op())
        } else {
            let o = time_op();
            (time_floor(), o)
        };
        if round >= 2 {
            ratios.push(o / f);
            ops.push(o);
            floors.push(f);
        }
    }
    for v in [&mut ratios, &mut ops, &mut floors] {
        v.sort_by(f64::total_cmp);
    }
    PairedResult {
        id: id.to_string(),
        ratio: quantile(&ratios, 0.5),
        ratio_q1: quantile(&ratios, 0.25),
        ratio_q3: quantile(&ratios, 0.75),
        ratio_min: ops[0] / floors[0],
        op_ns: quantile(&ops, 0.5),
        floor_ns: quantile(&floors, 0.5),
        op_min_ns: ops[0],
        floor_min_ns: floors[0],
    }
}

/// Prints the paired results and saves them as
/// `<criterion dir>/paired/<bench>-<baseline>.json` (the baseline is the value of
/// `--save-baseline`, else `new`), where `scripts/bench-report` finds them.
pub fn report_paired(bench: &str, rounds: usize, results: &[PairedResult]) {
    println!(
        "\npaired ratios to floor/multi_pairing_6 ({rounds} rounds): fastest ÷ fastest; \
         median of per-round ratios [q1, q3]"
    );
    for r in results {
        println!(
            "{:<26} {:>6.3}× ({:.2} ms ÷ {:.2} ms); {:.3}× [{:.3}, {:.3}]",
            r.id,
            r.ratio_min,
            r.op_min_ns / 1e6,
            r.floor_min_ns / 1e6,
            r.ratio,
            r.ratio_q1,
            r.ratio_q3,
        );
    }
    let args: Vec<String> = std::env::args().collect();
    let tag = args
        .iter()
        .position(|a| a == "--save-baseline")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| "new".to_string());
    let dir = criterion_dir().join("paired");
    let json = serde_json::json!({
        "bench": bench,
        "baseline": tag,
        "rounds": rounds,
        "results": results.iter().map(|r| serde_json::json!({
            "id": r.id,
            "ratio": r.ratio,
            "ratio_q1": r.ratio_q1,
            "ratio_q3": r.ratio_q3,
            "ratio_min": r.ratio_min,
            "op_ns": r.op_ns,
            "floor_ns": r.floor_ns,
            "op_min_ns": r.op_min_ns,
            "floor_min_ns": r.floor_min_ns,
        })).collect::<Vec<_>>(),
    });
    let path = dir.join(format!("{bench}-{tag}.json"));
    let written =
        std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, json.to_string()));
    if let Err(e) = written {
        eprintln!("could not write {}: {e}", path.display());
    }
}

/// Criterion's output directory (`$CRITERION_HOME`, else `<target>/criterion`), where
/// the benches also leave their side results for `scripts/bench-report`.
pub fn criterion_dir() -> std::path::PathBuf {
    match std::env::var_os("CRITERION_HOME") {
        Some(home) => std::path::PathBuf::from(home),
        None => std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| "target".into(), std::path::PathBuf::from)
            .join("criterion"),
    }
}

/// Writes a side result `<criterion dir>/<name>` (a JSON document) for the report.
pub fn write_side_result(name: &str, json: &serde_json::Value) {
    let path = criterion_dir().join(name);
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&path, json.to_string()));
    if let Err(e) = written {
        eprintln!("could not write {}: {e}", path.display());
    }
}

/// The policy shapes of the benches.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// `a1 and a2 and …`: one LSSS row per attribute, a key needs all of them.
    And = 0,
    /// `a1 or a2 or …`: one row per attribute, a key needs one.
    Or = 1,
    /// `k of (a1, …, an)` with `k` = [`threshold_k`]: one row per attribute (Vandermonde
    /// entries), a key needs `k` of them (reconstruction coefficients other than 1).
    Threshold = 2,
}

impl Shape {
    /// The keyword, also the benchmark id's function name.
    pub fn name(self) -> &'static str {
        match self {
            Shape::And => "and",
            Shape::Or => "or",
            Shape::Threshold => "threshold",
        }
    }
}

/// The `k` of [`Shape::Threshold`] for n attributes: n/2, or the largest below it that
/// the open-cost limit admits (`25 of 50` is refused; `13 of 50` is the largest `k of 50`
/// below 50 it admits).
pub fn threshold_k(n: usize) -> usize {
    let texts = attributes("k", n).join(", ");
    (2..=n / 2)
        .rev()
        .find(|k| Policy::parse(&format!("{k} of ({texts})")).is_ok())
        .unwrap_or(1)
}

/// `prefix:a{i}`.
pub fn attribute(prefix: &str, i: usize) -> String {
    format!("{prefix}:a{i}")
}

/// `prefix:a1`, …, `prefix:a{n}`.
pub fn attributes(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| attribute(prefix, i)).collect()
}

/// `p:a1 and p:a2 and …` (or `or`), n attributes.
pub fn policy(prefix: &str, shape: Shape, n: usize) -> Policy {
    let text = match shape {
        // `1 of (a1)` is not a policy (the parser asks for the leaf alone).
        Shape::Threshold if threshold_k(n) == 1 => attribute(prefix, 1),
        Shape::Threshold => format!(
            "{} of ({})",
            threshold_k(n),
            attributes(prefix, n).join(", ")
        ),
        _ => attributes(prefix, n).join(&format!(" {} ", shape.name())),
    };
    Policy::parse(&text).unwrap()
}

/// The smallest key that opens the policy: all n attributes for AND, the last one
/// alone for OR.
pub fn opening_attributes(prefix: &str, shape: Shape, n: usize) -> Vec<String> {
    match shape {
        Shape::And => attributes(prefix, n),
        Shape::Or => vec![attribute(prefix, n)],
        Shape::Threshold => attributes(prefix, threshold_k(n)),
    }
}

/// The record id of the i-th record of a fixture.
pub fn record_id(i: usize) -> Vec<u8> {
    format!("bench-record-{i:06}").into_bytes()
}

/// Seals [`PAYLOAD`] as record `i` under `policy`.
pub fn seal_record(
    pk: &PublicKey,
    policy: &Policy,
    i: usize,
    rng: &mut ChaCha20Rng,
) -> SealedRecord {
    seal(pk, policy, &record_id(i), METADATA, &PAYLOAD, rng).unwrap()
}

/// `docs/formats.md` (KEM header), one KEM header: 320 + 144·rows bytes (C0 = 3·96, masked seed 32,
/// one row = 3·48).
pub fn header_formula(rows: usize) -> usize {
    320 + 144 * rows
}

/// The framing of a KEM header beyond the formula: the policy text with its `u32`
/// length and the `u32` row count.
pub fn header_framing(policy: &Policy) -> usize {
    4 + policy.to_bytes().len() + 4
}

/// The framing of a sealed record beyond its header's formula (`docs/formats.md`,
/// "SealedRecord"): object header 4, record id and metadata with `u32` lengths, the
/// header framing, the body (payload + 16-byte Poly1305 tag) with its `u32` length,
/// the hop count 1.
pub fn record_framing(policy: &Policy, record_id_len: usize) -> usize {
    4 + 4 + record_id_len + 4 + METADATA.len() + header_framing(policy) + 4 + PAYLOAD.len() + 16 + 1
}

/// The framing of one hop beyond its GT element (576) and its capsule header's
/// formula: the 16-byte grant id and the capsule's header framing.
pub fn hop_framing(target: &Policy) -> usize {
    16 + header_framing(target)
}
