//! Branch-free multi-limb arithmetic and masks: the bottom of the constant-time layer.
//!
//! Every select in this layer is `(a & m) | (b & !m)` with an all-ones/all-zeros mask
//! `m` that has passed through [`barrier`]. The barrier hides from LLVM that `m` is
//! only ever `0` or `!0`, so it cannot turn the select back into a branch (x86's
//! cmov-to-branch conversion, or a select sunk into two basic blocks). The crate
//! forbids `unsafe`, so the barrier is `core::hint::black_box` (an empty inline-asm
//! block with a memory operand in rustc) instead of a hand-written `asm!` fence;
//! `scripts/ctcheck` verifies the resulting machine code under valgrind.

use core::hint::black_box;

/// An optimisation barrier for a mask: returns `m` unchanged, but the compiler can no
/// longer see where it came from.
#[inline(always)]
pub(crate) fn barrier(m: u64) -> u64 {
    black_box(m)
}

/// `!0` if `bit == 1`, `0` if `bit == 0` (`bit` must be 0 or 1).
#[inline(always)]
pub(crate) fn mask_from_bit(bit: u64) -> u64 {
    barrier(bit.wrapping_neg())
}

/// `!0` if `x == 0`, else `0`.
#[inline(always)]
pub(crate) fn mask_is_zero_u64(x: u64) -> u64 {
    // (x | -x) has its top bit set exactly when x != 0.
    mask_from_bit(((x | x.wrapping_neg()) >> 63) ^ 1)
}

/// `b` where `m` is all ones, `a` where it is zero.
#[inline(always)]
pub(crate) fn select_limbs<const N: usize>(a: &[u64; N], b: &[u64; N], m: u64) -> [u64; N] {
    core::array::from_fn(|i| (a[i] & !m) | (b[i] & m))
}

/// `!0` if all limbs are zero, else `0`.
#[inline(always)]
pub(crate) fn mask_is_zero<const N: usize>(a: &[u64; N]) -> u64 {
    mask_is_zero_u64(a.iter().fold(0, |acc, x| acc | x))
}

/// `!0` if `a == b`, else `0`.
#[inline(always)]
pub(crate) fn mask_eq<const N: usize>(a: &[u64; N], b: &[u64; N]) -> u64 {
    mask_is_zero_u64(a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)))
}

/// `a + b` with carry in and out (carry is 0 or 1).
#[inline(always)]
pub(crate) fn adc(a: u64, b: u64, carry: &mut u64) -> u64 {
    let t = u128::from(a) + u128::from(b) + u128::from(*carry);
    *carry = (t >> 64) as u64;
    t as u64
}

/// `a - b` with borrow in and out (borrow is 0 or 1).
#[inline(always)]
pub(crate) fn sbb(a: u64, b: u64, borrow: &mut u64) -> u64 {
    let t = u128::from(a)
        .wrapping_sub(u128::from(b))
        .wrapping_sub(u128::from(*borrow));
    *borrow = (t >> 127) as u64;
    t as u64
}

/// `a + b·c + carry`, returning the low word and leaving the high word in `carry`.
#[inline(always)]
pub(crate) fn mac(a: u64, b: u64, c: u64, carry: &mut u64) -> u64 {
    let t = u128::from(a) + u128::from(b) * u128::from(c) + u128::from(*carry);
    *carry = (t >> 64) as u64;
    t as u64
}

/// `a + b`, returning the sum and the carry out (0 or 1).
#[inline(always)]
pub(crate) fn add_limbs<const N: usize>(a: &[u64; N], b: &[u64; N]) -> ([u64; N], u64) {
    let mut carry = 0;
    let r = core::array::from_fn(|i| adc(a[i], b[i], &mut carry));
    (r, carry)
}

/// `a - b`, returning the difference and the borrow out (1 exactly when `a < b`).
#[inline(always)]
pub(crate) fn sub_limbs<const N: usize>(a: &[u64; N], b: &[u64; N]) -> ([u64; N], u64) {
    let mut borrow = 0;
    let r = core::array::from_fn(|i| sbb(a[i], b[i], &mut borrow));
    (r, borrow)
}

/// `!0` if `a < b` (as integers), else `0`: a full-width borrow chain, no early exit.
#[inline(always)]
pub(crate) fn mask_lt<const N: usize>(a: &[u64; N], b: &[u64; N]) -> u64 {
    mask_from_bit(sub_limbs(a, b).1)
}
