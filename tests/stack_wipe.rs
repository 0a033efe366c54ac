//! `ct::after_wiping_stack` zeroes the stack a secret operation used (issue 17, item 5:
//! the `Copy` field elements of the constant-time layer leave copies of secret limbs in
//! dead stack frames). The test reads the dead stack below its own frame with a few
//! instructions of inline assembly (Rust cannot read it soundly), counting a marker a
//! callee left there: the control shows the marker survives a plain call, so the check
//! has power; the wiped call must leave none.
#![cfg(all(feature = "ctcheck", target_arch = "x86_64", target_os = "linux"))]
#![allow(unsafe_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;

use cipherchart::ct::after_wiping_stack;
use cipherchart::ct::wipe::STACK_WIPE_BYTES;
use cipherchart::{seal, Authority, BlsSigningKey, Policy, UserKey};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

const MARKER: u64 = 0x5EC2_E75E_C2E7_A5A5;

/// A callee that leaves 16 KiB of "secret" on its (dead, after return) stack frame.
#[inline(never)]
fn leave_marker(depth: usize) -> u64 {
    let mut area = [MARKER; 2048];
    black_box(&mut area);
    if depth > 0 {
        // Recursion puts later copies deeper, as a deep call tree would.
        leave_marker(depth - 1) ^ area[depth]
    } else {
        area[0]
    }
}

/// How many 8-byte words equal to `marker` lie in the `words` words below the stack
/// pointer. `nostack`: the loop pushes nothing, so it does not overwrite what it reads.
#[inline(never)]
fn markers_below_stack_pointer(marker: u64, words: usize) -> usize {
    let count: usize;
    // SAFETY: reads `words` words below rsp, which are mapped (the thread's stack is
    // larger than the region the test used) and are not Rust objects any more.
    unsafe {
        std::arch::asm!(
            "xor {count}, {count}",
            "mov {p}, rsp",
            "2:",
            "sub {p}, 8",
            "cmp qword ptr [{p}], {marker}",
            "jne 3f",
            "inc {count}",
            "3:",
            "dec {n}",
            "jnz 2b",
            p = out(reg) _,
            count = out(reg) count,
            marker = in(reg) marker,
            n = inout(reg) words => _,
            options(nostack, readonly),
        );
    }
    count
}

/// Runs `f` in a thread with a fresh 8 MiB stack, so that the region read is mapped and
/// holds nothing of another test.
fn on_fresh_stack(f: fn() -> usize) -> usize {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("join")
}

const DEPTH: usize = 3; // four frames of 16 KiB: 64 KiB, half the wiped size
const SCAN_WORDS: usize = STACK_WIPE_BYTES / 8;

#[test]
fn a_plain_call_leaves_its_secrets_on_the_stack() {
    let found = on_fresh_stack(|| {
        black_box(leave_marker(DEPTH));
        markers_below_stack_pointer(MARKER, SCAN_WORDS)
    });
    assert!(
        found >= 2048,
        "the control found {found} markers: the check has no power"
    );
}

#[test]
fn a_wiped_call_leaves_none() {
    let found = on_fresh_stack(|| {
        black_box(after_wiping_stack(|| leave_marker(DEPTH)));
        markers_below_stack_pointer(MARKER, SCAN_WORDS)
    });
    assert_eq!(found, 0, "{found} markers survived the wipe");
}

#[test]
fn the_wipe_keeps_the_result() {
    assert_eq!(
        after_wiping_stack(|| leave_marker(DEPTH)),
        leave_marker(DEPTH)
    );
}

// ---------------------------------------------------------------------------------
// The wiped size covers the real operations: paint the stack below the caller with a
// canary, run the operation, and find the deepest word it overwrote.

const CANARY: u64 = 0xC0FF_EE00_DEAD_BEEF;
const PAINT_WORDS: usize = 2 * STACK_WIPE_BYTES / 8;

#[inline(never)]
fn paint() {
    let mut area = [CANARY; PAINT_WORDS];
    black_box(&mut area);
}

/// Bytes below the stack pointer down to the deepest word that is not the canary.
#[inline(never)]
fn deepest_write_below_stack_pointer(canary: u64, words: usize) -> usize {
    let last: usize;
    // SAFETY: as in `markers_below_stack_pointer`.
    unsafe {
        std::arch::asm!(
            "xor {last}, {last}",
            "xor {i}, {i}",
            "mov {p}, rsp",
            "2:",
            "inc {i}",
            "sub {p}, 8",
            "cmp qword ptr [{p}], {canary}",
            "je 3f",
            "mov {last}, {i}",
            "3:",
            "cmp {i}, {n}",
            "jne 2b",
            p = out(reg) _,
            i = out(reg) _,
            last = out(reg) last,
            canary = in(reg) canary,
            n = in(reg) words,
            options(nostack, readonly),
        );
    }
    last * 8
}

/// The stack depth of `op`, measured on a fresh thread after warming it once (first
/// uses build process-wide tables, which is public work, but counts the same).
fn depth_of(op: fn()) -> usize {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            op();
            paint();
            op();
            deepest_write_below_stack_pointer(CANARY, PAINT_WORDS - 64)
        })
        .expect("thread")
        .join()
        .expect("join")
}

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(17)
}

fn record() -> (Authority, cipherchart::SealedRecord) {
    let r = &mut rng();
    let authority = Authority::setup(r);
    let policy = Policy::parse("2 of (role:nurse, dept:icu, patient:42)").expect("policy");
    let record = seal(authority.public_key(), &policy, b"r-1", b"", b"vitals", r).expect("seal");
    (authority, record)
}

#[test]
fn every_secret_operation_fits_in_the_wiped_region() {
    let ops: [(&str, fn()); 8] = [
        ("setup", || drop(Authority::setup(&mut rng()))),
        ("issue key", || {
            let a = Authority::setup(&mut rng());
            black_box(
                a.issue_key(&["role:nurse", "dept:icu"], &mut rng())
                    .expect("key"),
            );
        }),
        ("seal", || drop(record())),
        ("open", || {
            let (a, rec) = record();
            let key = a
                .issue_key(&["role:nurse", "dept:icu"], &mut rng())
                .expect("key");
            black_box(key.open(a.public_key(), &rec).expect("open"));
        }),
        ("import user key", || {
            let (a, _) = record();
            let key = a.issue_key(&["role:nurse"], &mut rng()).expect("key");
            black_box(UserKey::from_bytes(&key.to_bytes()).expect("import"));
        }),
        ("re-key and re-encrypt", || {
            let (a, rec) = record();
            let consent = BlsSigningKey::generate(&mut rng()).public_key();
            let d = a
                .issue_delegation_key(&["role:nurse", "dept:icu"], &consent, &mut rng())
                .expect("delegation");
            let target = Policy::parse("role:auditor").expect("policy");
            let rekey = d.rekey(a.public_key(), &target, &mut rng()).expect("rekey");
            let out = rekey.reencrypt(&rec).expect("reencrypt");
            let auditor = a.issue_key(&["role:auditor"], &mut rng()).expect("key");
            black_box(auditor.open(a.public_key(), &out).expect("open"));
        }),
        ("import master key", || {
            let a = Authority::setup(&mut rng());
            let bytes = a.export_master_key_dangerous();
            black_box(Authority::import_master_key_dangerous(&bytes).expect("import"));
        }),
        ("BLS sign", || {
            black_box(BlsSigningKey::generate(&mut rng()).sign(b"entry"));
        }),
    ];
    for (name, op) in ops {
        let depth = depth_of(op);
        println!("{name}: {depth} bytes of stack");
        assert!(
            depth > 1024,
            "{name}: {depth} bytes: the measurement saw nothing"
        );
        assert!(
            depth < STACK_WIPE_BYTES,
            "{name} used {depth} bytes of stack, more than the {STACK_WIPE_BYTES} wiped"
        );
    }
}
