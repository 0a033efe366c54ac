//! `ct::after_wiping_stack` zeroes the stack a secret operation used (issue 17, item 5:
//! the `Copy` field elements of the constant-time layer leave copies of secret limbs in
//! dead stack frames). The test reads the dead stack below its own frame with a few
//! instructions of inline assembly (Rust cannot read it soundly), counting a marker a
//! callee left there: the control shows the marker survives a plain call, so the check
//! has power; the wiped call must leave none.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]
#![allow(unsafe_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;

use cipherchart::hazmat::ct::after_wiping_stack;
use cipherchart::hazmat::ct::wipe::STACK_WIPE_BYTES;
use cipherchart::hazmat::SecretKeyBytes;
use std::sync::{Mutex, OnceLock};

use cipherchart::{
    seal, seal_stream, start_session, Authority, BlsSigningKey, DelegationKey, Policy, ReKey,
    SealedRecord, UserKey,
};
use cipherchart::{SessionHeader, SessionOpener, SessionRecord, SessionSealer};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zeroize::Zeroizing;

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

const DEPTH: usize = 1; // two frames of 16 KiB: 32 KiB, half the wiped size
const SCAN_WORDS: usize = STACK_WIPE_BYTES / 8;

#[test]
fn a_plain_call_leaves_its_secrets_on_the_stack() {
    let found = on_fresh_stack(|| {
        black_box(leave_marker(DEPTH));
        markers_below_stack_pointer(MARKER, SCAN_WORDS)
    });
    assert!(
        found >= 4096,
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
// The public operations are wrapped and the wiped size covers them: paint the stack
// below the caller with a canary, run the operation, and count what it left that is
// neither the canary nor the wipe's zeroes. An unwrapped operation, or one deeper than
// the wipe, leaves KiB of its frames.

const CANARY: u64 = 0xC0FF_EE00_DEAD_BEEF;
/// 256 KiB, and never less than four times the wiped size: an operation deeper than the
/// wipe leaves residue here. Fixed, so that a shrunk wipe does not shrink the window.
const PAINT_WORDS: usize = if 4 * STACK_WIPE_BYTES > 256 * 1024 {
    4 * STACK_WIPE_BYTES / 8
} else {
    256 * 1024 / 8
};

#[inline(never)]
fn paint() {
    let mut area = [CANARY; PAINT_WORDS];
    black_box(&mut area);
}

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(17)
}

/// Everything the operations take, built once (the first, warming call of each
/// operation builds it, before the stack is painted).
struct Fixture {
    authority: Authority,
    policy: Policy,
    target: Policy,
    record: SealedRecord,
    nurse: UserKey,
    nurse_bytes: Zeroizing<Vec<u8>>,
    auditor: UserKey,
    master_key: Zeroizing<Vec<u8>>,
    delegation_bytes: Zeroizing<Vec<u8>>,
    rekey: ReKey,
    rekey_bytes: Zeroizing<Vec<u8>>,
    reencrypted: SealedRecord,
    header: SessionHeader,
    session_record: SessionRecord,
    // Behind a lock: sealing advances the sealer's sequence number.
    sealer: Mutex<SessionSealer>,
    opener: SessionOpener,
    stream: Vec<u8>,
    signer: BlsSigningKey,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let r = &mut rng();
        let authority = Authority::setup(r);
        let pk = authority.public_key().clone();
        let policy = Policy::parse("2 of (role:nurse, dept:icu, patient:42)").expect("policy");
        let target = Policy::parse("role:auditor").expect("policy");
        let record = seal(&pk, &policy, b"r-1", b"", b"vitals", r).expect("seal");
        let nurse = authority
            .issue_key(&["role:nurse", "dept:icu"], r)
            .expect("key");
        let auditor = authority.issue_key(&["role:auditor"], r).expect("key");
        let signer = BlsSigningKey::generate(r);
        let delegation = authority
            .issue_delegation_key(&["role:nurse", "dept:icu"], &signer.public_key(), r)
            .expect("delegation key");
        let delegation_bytes = delegation.to_bytes();
        let rekey = delegation.rekey(&pk, &target, r).expect("rekey");
        let reencrypted = rekey.reencrypt(&record).expect("reencrypt");
        let (header, mut sealer) = start_session(&pk, &policy, b"s-1", b"", r).expect("session");
        let session_record = sealer.seal(b"", b"pulse 72").expect("session record");
        let opener = nurse.open_session(&pk, &header).expect("opener");
        let mut stream = Vec::new();
        seal_stream(&pk, &policy, b"st-1", b"", &[7u8; 3000][..], &mut stream, r).expect("stream");
        Fixture {
            sealer: Mutex::new(sealer),
            nurse_bytes: nurse.to_bytes(),
            master_key: authority.to_secret_bytes(),
            delegation_bytes,
            rekey_bytes: rekey.to_bytes(),
            authority,
            policy,
            target,
            record,
            nurse,
            auditor,
            rekey,
            reencrypted,
            header,
            session_record,
            opener,
            stream,
            signer,
        }
    })
}

/// Words in the `words` words below the stack pointer that are neither zero nor `canary`.
#[inline(never)]
fn residue_below_stack_pointer(canary: u64, words: usize) -> usize {
    let count: usize;
    // SAFETY: as in `markers_below_stack_pointer`.
    unsafe {
        std::arch::asm!(
            "xor {count}, {count}",
            "mov {p}, rsp",
            "2:",
            "sub {p}, 8",
            "mov {w}, qword ptr [{p}]",
            "test {w}, {w}",
            "jz 3f",
            "cmp {w}, {canary}",
            "je 3f",
            "inc {count}",
            "3:",
            "dec {n}",
            "jnz 2b",
            p = out(reg) _,
            w = out(reg) _,
            count = out(reg) count,
            canary = in(reg) canary,
            n = inout(reg) words => _,
            options(nostack, readonly),
        );
    }
    count
}

/// Bytes of non-zero, non-canary residue `op` leaves below its caller (warmed once).
fn residue_of(op: fn()) -> usize {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            op();
            paint();
            op();
            8 * residue_below_stack_pointer(CANARY, PAINT_WORDS - 64)
        })
        .expect("thread")
        .join()
        .expect("join")
}

/// At most this many bytes may remain: the glue frames above the wiped region (the
/// operation's closure, the public function, the wrapper, saved registers and return
/// addresses) and the copies of a result moved through them (a `PublicKey` is 1.3 KiB
/// inline; a key's inline points move with it: `docs/constant-time.md` §3, "Limits").
/// Measured with the wrappers in place: 100 bytes (open) to 7.5 KiB (re-key, whose
/// result carries a public key and a policy). Without its
/// wrapper an operation leaves its arithmetic frames, 19–42 KiB (setup, key issue,
/// sealing, opening, imports, re-key), so this bound catches a missing wrapper on any
/// of them.
const GLUE_BYTES: usize = 8192;

/// The bound for BLS signing, whose arithmetic is shallower: without the wrapper a
/// signature leaves 7.0 KiB, with it 0.2–0.7 KiB.
const BLS_GLUE_BYTES: usize = 1536;

#[test]
fn an_unwrapped_operation_leaves_residue() {
    // Control: the same arithmetic without the wrapper (a plain call) leaves more than
    // the glue allowance, so the check below has power.
    let residue = residue_of(|| {
        black_box(leave_marker(DEPTH));
    });
    assert!(residue > GLUE_BYTES, "the control left {residue} bytes");
}

#[test]
fn every_secret_operation_leaves_only_glue() {
    let ops: [(&str, fn()); 28] = [
        ("setup", || drop(Authority::setup(&mut rng()))),
        ("issue key", || {
            let f = fixture();
            drop(f.authority.issue_key(&["role:nurse"], &mut rng()));
        }),
        ("issue delegation key", || {
            let f = fixture();
            let delegator = f.signer.public_key();
            drop(
                f.authority
                    .issue_delegation_key(&["role:nurse"], &delegator, &mut rng()),
            );
        }),
        ("export master key", || {
            drop(fixture().authority.to_secret_bytes())
        }),
        ("import master key", || {
            drop(Authority::from_secret_bytes(&fixture().master_key));
        }),
        ("seal", || {
            let f = fixture();
            drop(seal(
                f.authority.public_key(),
                &f.policy,
                b"r-2",
                b"",
                b"x",
                &mut rng(),
            ));
        }),
        ("open", || {
            let f = fixture();
            drop(f.nurse.open(f.authority.public_key(), &f.record));
        }),
        ("open (policy not satisfied)", || {
            let f = fixture();
            drop(f.auditor.open(f.authority.public_key(), &f.record));
        }),
        ("open re-encrypted", || {
            let f = fixture();
            drop(f.auditor.open(f.authority.public_key(), &f.reencrypted));
        }),
        ("export user key", || drop(fixture().nurse.to_bytes())),
        ("import user key", || {
            drop(UserKey::from_bytes(&fixture().nurse_bytes))
        }),
        ("export delegation key", || {
            drop(DelegationKey::from_bytes(&fixture().delegation_bytes).map(|d| d.to_bytes()));
        }),
        ("import delegation key", || {
            drop(DelegationKey::from_bytes(&fixture().delegation_bytes));
        }),
        ("re-key", || {
            let f = fixture();
            let delegation = DelegationKey::from_bytes(&f.delegation_bytes).expect("key");
            drop(delegation.rekey(f.authority.public_key(), &f.target, &mut rng()));
        }),
        ("export re-key", || drop(fixture().rekey.to_bytes())),
        ("import re-key", || {
            drop(ReKey::from_bytes(&fixture().rekey_bytes))
        }),
        ("re-encrypt", || {
            drop(fixture().rekey.reencrypt(&fixture().record))
        }),
        ("re-encrypt a batch", || {
            let f = fixture();
            drop(f.rekey.reencrypt_batch(std::slice::from_ref(&f.record)));
        }),
        ("start session", || {
            let f = fixture();
            let pk = f.authority.public_key();
            drop(start_session(pk, &f.policy, b"s-2", b"", &mut rng()));
        }),
        ("open session", || {
            let f = fixture();
            drop(f.nurse.open_session(f.authority.public_key(), &f.header));
        }),
        ("seal session record", || {
            let mut sealer = fixture().sealer.lock().expect("sealer");
            drop(sealer.seal(b"r-2", b"pulse 71"));
        }),
        ("open session record", || {
            drop(fixture().opener.open(&fixture().session_record))
        }),
        ("seal stream", || {
            let f = fixture();
            let pk = f.authority.public_key();
            let mut out = Vec::new();
            let input = &[7u8; 3000][..];
            drop(seal_stream(
                pk,
                &f.policy,
                b"st-2",
                b"",
                input,
                &mut out,
                &mut rng(),
            ));
        }),
        ("open stream", || {
            let f = fixture();
            let mut out = Vec::new();
            drop(
                f.nurse
                    .open_stream(f.authority.public_key(), &f.stream[..], &mut out),
            );
        }),
        ("BLS generate", || drop(BlsSigningKey::generate(&mut rng()))),
        ("BLS import", || {
            drop(BlsSigningKey::from_secret_bytes(&[7u8; 32]))
        }),
        ("BLS sign", || {
            black_box(fixture().signer.sign(b"m"));
        }),
        ("BLS proof of possession", || {
            black_box(fixture().signer.prove_possession());
        }),
    ];
    let mut failures = Vec::new();
    for (name, op) in ops {
        let residue = residue_of(op);
        println!("{name}: {residue} bytes of residue");
        let bound = if name.starts_with("BLS") {
            BLS_GLUE_BYTES
        } else {
            GLUE_BYTES
        };
        if residue > bound {
            failures.push(format!("{name}: {residue} bytes"));
        }
    }
    assert!(failures.is_empty(), "unwiped stack after: {failures:?}");
}
