//! Policy language: parse + compile to the LSSS, canonical encoding round trip, satisfaction
//! check and reconstruction coefficients, by policy size and shape. None of these touches a
//! group element: they bound the per-record overhead that the policy layer adds before any
//! pairing.
//!
//! Run: `cargo bench --bench policy` (about a minute). `cargo test --all-targets` runs each
//! benchmark once as a smoke test.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench with a broken fixture must stop
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;
use std::time::Duration;

use cipherchart::Policy;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

/// Policy sizes (leaves) measured.
const SIZES: [usize; 3] = [4, 16, 64];

/// `d:a0 and d:a1 and …`, `d:a0 or …`, and `⌈n/2⌉ of (d:a0, …)`: the three compilations
/// (Lewko–Waters AND, Lewko–Waters OR, Liu–Cao–Wong threshold).
fn policies(n: usize) -> [(&'static str, String); 3] {
    let attrs: Vec<String> = (0..n).map(|i| format!("d:a{i}")).collect();
    [
        ("and", attrs.join(" and ")),
        ("or", attrs.join(" or ")),
        (
            "threshold",
            format!("{} of ({})", n.div_ceil(2), attrs.join(", ")),
        ),
    ]
}

/// The attributes a key needs to satisfy each shape (all, one, the first ⌈n/2⌉).
fn key(shape: &str, n: usize) -> Vec<String> {
    let k = match shape {
        "and" => n,
        "or" => 1,
        _ => n.div_ceil(2),
    };
    (0..k).map(|i| format!("d:a{i}")).collect()
}

fn bench(c: &mut Criterion) {
    for n in SIZES {
        for (shape, text) in policies(n) {
            // `32 of 64` is over the open-cost bound (`MAX_POLICY_COST`): refused at parse.
            let Ok(policy) = Policy::parse(&text) else {
                assert_eq!(
                    Policy::parse(&text).err(),
                    Some(cipherchart::Error::LimitExceeded(
                        cipherchart::LimitKind::PolicyCost
                    )),
                    "{shape}/{n}"
                );
                continue;
            };
            let bytes = policy.to_bytes();
            let attrs = key(shape, n);
            assert!(
                policy.is_satisfied_by(&attrs),
                "fixture key must satisfy {shape}/{n}"
            );

            let mut g = c.benchmark_group(format!("policy/{shape}"));
            g.bench_with_input(BenchmarkId::new("parse", n), &text, |b, t| {
                b.iter(|| Policy::parse(black_box(t)))
            });
            g.bench_with_input(BenchmarkId::new("from_bytes", n), &bytes, |b, t| {
                b.iter(|| Policy::from_bytes(black_box(t)))
            });
            g.bench_with_input(BenchmarkId::new("is_satisfied_by", n), &attrs, |b, a| {
                b.iter(|| policy.is_satisfied_by(black_box(a)))
            });
            g.bench_with_input(BenchmarkId::new("reconstruct", n), &attrs, |b, a| {
                b.iter(|| policy.lsss().reconstruct(black_box(a)))
            });
            g.finish();
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
