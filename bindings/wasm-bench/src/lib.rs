//! Bench-only exports (driven by `bench.mjs` in this directory), beside the whole npm API of
//! `cipherchart-wasm` (re-exported below, so that its exports are linked in): the raw
//! pairings under the public API, so one node process can time them beside
//! `@noble/curves`. Each function runs its operation `iters` times on fixed inputs and
//! returns a small digest of the last result (so the work cannot be optimised away and
//! the JS side can check the variants agree); the caller does the timing.
//!
//! Variants: `Ark` = arkworks' own `Bls12_381` on its `MontBackend` (64-bit limbs,
//! emulated 128-bit products on wasm32); `Ct` = the constant-time tower
//! (`cipherchart::hazmat::ct`), whose field multiplication has a 32-bit-limb route on wasm32;
//! `Public` = what the crate's own public-input pairings call
//! (`cipherchart::hazmat::ct::pairing::multi_pairing_vartime`).

use ark_bls12_381::{Bls12_381, Fq, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::{CurveGroup, PrimeGroup};
use ark_ff::{Field, PrimeField};
use cipherchart::hazmat::ct::{multi_pairing, CtG2Prepared};
use std::hint::black_box;
use std::sync::OnceLock;
use wasm_bindgen::prelude::wasm_bindgen;

pub use cipherchart_wasm::*;

/// A full-size, deterministic, non-zero scalar (the inverse of a small integer).
fn scalar(k: u64) -> Fr {
    Fr::from(k).inverse().unwrap_or(Fr::ONE)
}

fn g1(k: u64) -> G1Affine {
    (G1Projective::generator() * scalar(k)).into_affine()
}

fn g2(k: u64) -> G2Affine {
    (G2Projective::generator() * scalar(k)).into_affine()
}

/// The first 4 bytes of the canonical form of GT's first `F_q` coefficient.
fn digest(gt: &PairingOutput<Bls12_381>) -> u32 {
    let x: Fq = gt.0.c0.c0.c0;
    (x.into_bigint().0[0] & 0xffff_ffff) as u32
}

/// Six fixed pairs, computed once: the bench functions time the pairing only.
fn pairs(n: usize) -> (&'static [G1Affine], &'static [G2Affine]) {
    static PAIRS: OnceLock<(Vec<G1Affine>, Vec<G2Affine>)> = OnceLock::new();
    let (a, b) = PAIRS.get_or_init(|| {
        (
            (0..6).map(|i| g1(3 + i)).collect(),
            (0..6).map(|i| g2(11 + i)).collect(),
        )
    });
    (&a[..n], &b[..n])
}

fn ark(n: usize, iters: u32) -> u32 {
    let (a, b) = pairs(n);
    let mut d = 0;
    for _ in 0..iters {
        d = digest(&Bls12_381::multi_pairing(black_box(a), black_box(b)));
    }
    d
}

fn ct(n: usize, iters: u32) -> u32 {
    let (a, b) = pairs(n);
    let mut d = 0;
    for _ in 0..iters {
        // G2 preparation inside the loop, as in arkworks' multi_pairing from affine.
        let prepared: Vec<CtG2Prepared> = black_box(b).iter().map(CtG2Prepared::new).collect();
        let refs: Vec<&CtG2Prepared> = prepared.iter().collect();
        d = digest(&multi_pairing(black_box(a), &refs).publish());
    }
    d
}

fn public(n: usize, iters: u32) -> u32 {
    let (a, b) = pairs(n);
    let mut d = 0;
    for _ in 0..iters {
        d = digest(&cipherchart::hazmat::ct::pairing::multi_pairing_vartime(
            black_box(a),
            black_box(b),
        ));
    }
    d
}

/// `e(P, Q)` with arkworks, `iters` times.
#[wasm_bindgen(js_name = benchPairingArk)]
pub fn bench_pairing_ark(iters: u32) -> u32 {
    ark(1, iters)
}

/// `e(P, Q)` on the constant-time tower, `iters` times.
#[wasm_bindgen(js_name = benchPairingCt)]
pub fn bench_pairing_ct(iters: u32) -> u32 {
    ct(1, iters)
}

/// `e(P, Q)` through the crate's public-input pairing, `iters` times.
#[wasm_bindgen(js_name = benchPairing)]
pub fn bench_pairing(iters: u32) -> u32 {
    public(1, iters)
}

/// A 6-pair multi-pairing (one open's pairing work) with arkworks, `iters` times.
#[wasm_bindgen(js_name = benchMultiPairing6Ark)]
pub fn bench_multi_pairing6_ark(iters: u32) -> u32 {
    ark(6, iters)
}

/// A 6-pair multi-pairing on the constant-time tower, `iters` times.
#[wasm_bindgen(js_name = benchMultiPairing6Ct)]
pub fn bench_multi_pairing6_ct(iters: u32) -> u32 {
    ct(6, iters)
}

/// A 6-pair multi-pairing through the crate's public-input pairing, `iters` times.
#[wasm_bindgen(js_name = benchMultiPairing6)]
pub fn bench_multi_pairing6(iters: u32) -> u32 {
    public(6, iters)
}

/// `iters` chained `F_q` multiplications with arkworks' backend.
#[wasm_bindgen(js_name = benchFqMulArk)]
pub fn bench_fq_mul_ark(iters: u32) -> u32 {
    let (a, _) = pairs(2);
    let mut x = black_box(a[0].x);
    let y = black_box(a[1].x);
    for _ in 0..iters {
        x *= y;
    }
    (x.into_bigint().0[0] & 0xffff_ffff) as u32
}

/// `iters` chained `F_q` multiplications with the constant-time backend.
#[wasm_bindgen(js_name = benchFqMulCt)]
pub fn bench_fq_mul_ct(iters: u32) -> u32 {
    use cipherchart::hazmat::ct::fields::{fq_from_ct, fq_to_ct};
    let (a, _) = pairs(2);
    let mut x = black_box(fq_to_ct(a[0].x));
    let y = black_box(fq_to_ct(a[1].x));
    for _ in 0..iters {
        x *= y;
    }
    (fq_from_ct(x).into_bigint().0[0] & 0xffff_ffff) as u32
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn variants_agree() {
        assert_eq!(ark(1, 1), ct(1, 1));
        assert_eq!(ark(6, 1), ct(6, 1));
        assert_eq!(ark(6, 1), public(6, 1));
        assert_eq!(bench_fq_mul_ark(100), bench_fq_mul_ct(100));
    }

    /// Native figures for the bench table:
    /// `cargo test --release --lib native_timings -- --ignored --nocapture` in `bindings/wasm-bench`.
    #[test]
    #[ignore]
    fn native_timings() {
        type Bench = (&'static str, fn(u32) -> u32, u32);
        let cases: [Bench; 8] = [
            ("pairing (public)", bench_pairing, 20),
            ("pairing (arkworks)", bench_pairing_ark, 20),
            ("pairing (ct tower)", bench_pairing_ct, 20),
            ("multi-pairing 6 (public)", bench_multi_pairing6, 10),
            ("multi-pairing 6 (arkworks)", bench_multi_pairing6_ark, 10),
            ("multi-pairing 6 (ct tower)", bench_multi_pairing6_ct, 10),
            ("Fq mul x1000 (arkworks)", bench_fq_mul_ark, 1000),
            ("Fq mul x1000 (ct)", bench_fq_mul_ct, 1000),
        ];
        // Seal and open as bench.mjs does (1 KiB payload, warm point caches).
        use cipherchart::{seal, Authority, Policy};
        use rand_core::OsRng;
        let authority = Authority::setup(&mut OsRng);
        let pk = authority.public_key();
        let payload = [0x5a_u8; 1024];
        for n in [1usize, 5, 10, 50] {
            let attrs: Vec<String> = (1..=n).map(|i| format!("pol:a{i}")).collect();
            let policy = Policy::parse(&attrs.join(" and ")).unwrap();
            let key = authority.issue_key(&attrs, &mut OsRng).unwrap();
            let rid = b"bench-record-000000";
            let sealed = seal(pk, &policy, rid, b"ecg", &payload, &mut OsRng).unwrap();
            assert_eq!(key.open(pk, &sealed).unwrap().len(), payload.len());
            let mut ts: Vec<f64> = (0..31)
                .map(|_| {
                    let s = std::time::Instant::now();
                    black_box(seal(pk, &policy, rid, b"ecg", &payload, &mut OsRng).unwrap());
                    s.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            ts.sort_by(f64::total_cmp);
            println!("native | seal (and of {n}, 1 KiB) | {:.4} ms", ts[15]);
            let mut to: Vec<f64> = (0..31)
                .map(|_| {
                    let s = std::time::Instant::now();
                    black_box(key.open(pk, &sealed).unwrap());
                    s.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            to.sort_by(f64::total_cmp);
            println!("native | open (and of {n}, 1 KiB) | {:.4} ms", to[15]);
        }
        for (name, f, iters) in cases {
            f(1);
            let mut t: Vec<f64> = (0..7)
                .map(|_| {
                    let s = std::time::Instant::now();
                    black_box(f(iters));
                    s.elapsed().as_secs_f64() * 1e3 / f64::from(iters)
                })
                .collect();
            t.sort_by(f64::total_cmp);
            let scale = if name.contains("x1000") { 1000.0 } else { 1.0 };
            println!("native | {name} | {:.4} ms", t[3] * scale);
        }
    }
}
