//! Wiping the stack a secret computation used.
//!
//! The field elements of the constant-time layer (`CtFr`, `CtFq` and the tower) are
//! arkworks `Fp` values: `Copy`, passed by value through the arithmetic, so every
//! operation leaves copies of secret limbs in stack frames that no destructor sees.
//! Making them non-`Copy` would mean leaving arkworks' `Field` trait (which requires
//! `Copy`) and rewriting the tower, curve and pairing code on top of it. Instead, every
//! public operation that handles a secret runs its work through [`after_wiping_stack`]:
//! the work's frames lie below the caller's, and once it returns (or unwinds), a frame of
//! [`STACK_WIPE_BYTES`] zeroes is written over the same region (volatile writes, so the
//! compiler cannot drop them). Register contents are not reachable from Rust; they are
//! overwritten by the wipe's own work in practice, but nothing guarantees it.
//!
//! The size is measured, not guessed: `valgrind --tool=massif --stacks=yes --heap=no`
//! over `examples/op_counts` (`open3`, `open_hop2`, `rekey`, each including setup, key
//! issue, sealing and the operation) peaks at 54,720 bytes of stack for the whole
//! process, so 128 KiB covers the deepest operation more than twice over, and
//! `tests/constant_time/stack_wipe.rs` checks every public secret operation against it
//! (`docs/constant-time.md` §3). The cost is 16,384 volatile word writes per
//! operation (not yet benchmarked). The AEAD-only paths (a session's records, whose
//! work is one ChaCha20-Poly1305 call) wipe [`AEAD_WIPE_BYTES`] instead.

use zeroize::Zeroize;

/// How many bytes of stack below the caller's frame are zeroed after a secret operation.
pub const STACK_WIPE_BYTES: usize = 128 * 1024;

/// The wipe after an AEAD-only operation (sealing or opening a session record).
pub const AEAD_WIPE_BYTES: usize = 16 * 1024;

/// Runs `work`, then zeroes [`STACK_WIPE_BYTES`] of the stack below this frame, where
/// `work`'s frames (and its callees') were. The result is returned by value (it is the
/// caller's to keep and wipe). The wipe is a guard's `Drop`: it also runs when `work`
/// panics and the panic unwinds through this frame (a caller's RNG that panics, a panic
/// caught by `catch_unwind` or by a binding), over `work`'s frames and the unwinder's.
/// It also writes `run`'s result straight into this function's return place (no copy of
/// the result in this frame, above the wiped region).
#[inline(never)]
pub fn after_wiping_stack<T>(work: impl FnOnce() -> T) -> T {
    let _wipe = WipeOnDrop::<{ STACK_WIPE_BYTES / 8 }>;
    run(work)
}

/// [`after_wiping_stack`] with the smaller [`AEAD_WIPE_BYTES`], for AEAD-only work.
#[inline(never)]
pub fn after_wiping_aead_stack<T>(work: impl FnOnce() -> T) -> T {
    let _wipe = WipeOnDrop::<{ AEAD_WIPE_BYTES / 8 }>;
    run(work)
}

/// Wipes `WORDS` words of stack below the wrapper's frame when dropped: on return and on
/// unwinding alike.
struct WipeOnDrop<const WORDS: usize>;

impl<const WORDS: usize> Drop for WipeOnDrop<WORDS> {
    fn drop(&mut self) {
        wipe::<WORDS>();
    }
}

/// A separate frame, so that `work` runs below the wrapper's frame even if the closure
/// would otherwise be inlined into it.
#[inline(never)]
fn run<T>(work: impl FnOnce() -> T) -> T {
    work()
}

#[inline(never)]
fn wipe<const WORDS: usize>() {
    let mut area = [0u64; WORDS];
    area.zeroize();
    std::hint::black_box(&area);
}
