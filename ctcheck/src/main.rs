//! The constant-time check of cipherchart (`docs/constant-time.md`): one process per case.
//!
//! Each case builds its public inputs from a seeded ChaCha20 stream
//! (`CTCHECK_SEEDS=0,1,2` runs it once per seed, in one process), builds its secret
//! inputs and marks them undefined with a valgrind client request, calls exactly one
//! `#[inline(never)]` `op_*` function, and declassifies the output. Under memcheck,
//! every conditional branch or memory address that depends on a secret is then
//! reported as "Conditional jump or move depends on uninitialised value(s)" or "Use of
//! uninitialised value". `scripts/ctcheck` runs every case under valgrind, attributes
//! each report to its innermost crate frame and applies `ctcheck/allow.toml`.
//!
//! The process prints one line `ctcheck-result case=… kind=… seed=… output=N
//! declassified=M` per seed: the secret-tainted bytes that reached the case's output, and
//! those that reached cipherchart's named declassification points, counted separately.
//! A must-be-clean case with both 0 proves nothing (the secret never flowed), and the
//! runner treats it as a harness error. Before it, one line
//! `ctcheck-declassify seed=… site=FILE:LINE calls=N tainted=T` per declassification
//! site reached (the hook records the caller's location): the runner fails on a site
//! not reviewed in `allow.toml` (`[[declassify]]`).
//!
//! Usage: `ctcheck list` | `ctcheck backend` | `ctcheck <case>`.

#![deny(unsafe_op_in_unsafe_fn)]

mod cases;
mod valgrind;

use std::sync::atomic::Ordering;

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// How the runner judges a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Must produce no finding outside the allow-list, and must taint its output.
    Clean,
    /// Must produce findings (proves the check can see a leak).
    Canary,
    /// Reported, not gating: secret-handling code not yet routed through `ct`.
    Pending,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Clean => "clean",
            Kind::Canary => "canary",
            Kind::Pending => "pending",
        }
    }
}

/// One case of the check.
pub struct Case {
    /// Name on the command line.
    pub name: &'static str,
    /// How the runner judges it.
    pub kind: Kind,
    /// Relative cost under memcheck (the runner starts costly cases first).
    pub cost: u32,
    /// The case body.
    pub run: fn(&mut ChaCha20Rng),
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cases = cases::all();
    match args.get(1).map(String::as_str) {
        Some("backend") => {
            // Which field-multiplication route the build uses (the runner checks it
            // against `--backend`).
            let b = if cipherchart::hazmat::ct::backend::USES_MONT32 {
                "mont32"
            } else {
                "mont64"
            };
            println!("{b}");
        }
        Some("list") | None => {
            for c in &cases {
                println!("{} {} {}", c.name, c.kind.as_str(), c.cost);
            }
        }
        Some(name) => {
            let Some(case) = cases.iter().find(|c| c.name == name) else {
                eprintln!("ctcheck: unknown case {name}");
                std::process::exit(2);
            };
            let seeds: Vec<u64> = std::env::var("CTCHECK_SEEDS")
                .unwrap_or_else(|_| "0".into())
                .split(',')
                .filter_map(|s| s.trim().parse().ok())
                .collect();
            cipherchart::hazmat::ct::declassify::set_declassify_hook(valgrind::declassify_hook);
            for seed in seeds {
                valgrind::TAINTED_OUTPUT.store(0, Ordering::Relaxed);
                valgrind::TAINTED_DECLASSIFIED.store(0, Ordering::Relaxed);
                let sites = || {
                    valgrind::SITES
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                };
                sites().clear();
                let mut rng = ChaCha20Rng::seed_from_u64(0xC7C7_0000 + seed);
                (case.run)(&mut rng);
                for ((file, line), (calls, tainted)) in sites().iter() {
                    println!(
                        "ctcheck-declassify seed={seed} site={file}:{line} calls={calls} tainted={tainted}"
                    );
                }
                println!(
                    "ctcheck-result case={} kind={} seed={} output={} declassified={} valgrind={}",
                    case.name,
                    case.kind.as_str(),
                    seed,
                    valgrind::TAINTED_OUTPUT.load(Ordering::Relaxed),
                    valgrind::TAINTED_DECLASSIFIED.load(Ordering::Relaxed),
                    valgrind::on_valgrind()
                );
            }
        }
    }
}
