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
//! The size is measured, not guessed. With the wipe shrunk to 8 KiB, painting 256 KiB
//! of stack and running each public secret operation on the largest inputs the limits
//! admit shows the deepest at about 35 KiB below the wrapper (re-encrypting a record
//! under a policy nested as deep as the parser admits, toward such a policy; an outside
//! review measured 66 operations); `valgrind --tool=massif --stacks=yes --heap=no` over
//! `examples/op_counts` in release peaks at 54,720 bytes for the *whole process*
//! (`main`, setup, key issue, sealing and the operation). 64 KiB covers the deepest
//! operation 1.8 times, and `tests/constant_time/wipe_review.rs`
//! (`the_wipe_covers_the_largest_inputs`,
//! `second_review_the_wipe_covers_every_operation_on_the_largest_inputs`) fails if an
//! operation ever reaches below it.
//! It was 128 KiB until the outside review found that the wipe's own frame then needs a
//! 136 KiB thread stack, so a secret operation on a 128 KiB stack (musl's default for
//! threads a C host starts) aborted; at 64 KiB every operation runs on 80 KiB
//! (`second_review_every_operation_runs_on_a_128_kib_thread_stack`), see
//! `docs/constant-time.md` §3.
//! The cost is 8,192 volatile word writes per operation (§6). The AEAD-only paths (a
//! session's records, whose work is one ChaCha20-Poly1305 call) wipe
//! [`AEAD_WIPE_BYTES`] instead.

use zeroize::Zeroize;

/// How many bytes of stack below the caller's frame are zeroed after a secret operation.
pub const STACK_WIPE_BYTES: usize = 64 * 1024;

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
