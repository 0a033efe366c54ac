//! Hash to scalars: RFC 9380 §5.2 `hash_to_field` into Fr with `expand_message_xmd`/SHA-256.

use ark_bls12_381::Fr;
use ark_ff::{Field, Zero};
use zeroize::Zeroize;

use super::xmd;

/// Bytes per scalar: `L = ceil((ceil(log2(r)) + k) / 8) = ceil((255 + 128) / 8) = 48`
/// (RFC 9380 §5.1), so the bias of the reduction mod r is below 2^-128.
pub(crate) const L: usize = 48;

/// Most scalars one call may produce: `ell = ceil(48 N / 32) ≤ 255` gives `N ≤ 170`.
const MAX_SCALARS: usize = 255 * 32 / L;

/// Hashes `msg` (given in parts that are hashed as if concatenated) to `N` scalars,
/// RFC 9380 §5.2 `hash_to_field` with `expand_message_xmd`/SHA-256 and `L = 48`: each
/// 48-byte chunk of the uniform bytes is read big-endian (OS2IP) and reduced mod r.
///
/// `dst` must be one of the [`dst`](super::dst) constants: the function is infallible
/// because those are non-empty and `N` is checked at compile time (`1 ≤ N ≤ 170`). An
/// empty DST still gives a well-defined output, but not a conformant one.
///
/// Secret inputs (the FO seed μ, the capsule seed w) are fine: SHA-256 is constant time,
/// the uniform bytes are zeroised, and the reduction is a fixed sequence of field
/// operations. Those run on arkworks' Montgomery arithmetic, whose final conditional
/// subtraction depends on the values (DESIGN §10): a small leak this function does not
/// remove.
pub(crate) fn hash_to_scalars<const N: usize>(dst: &[u8], msg: &[&[u8]]) -> [Fr; N] {
    const {
        assert!(
            N >= 1 && N <= MAX_SCALARS,
            "hash_to_scalars: N out of range"
        )
    };
    let mut uniform = vec![0u8; N * L];
    xmd::expand_into(msg, dst, &mut uniform);
    let mut out = [Fr::zero(); N];
    for (scalar, chunk) in out.iter_mut().zip(uniform.chunks_exact(L)) {
        *scalar = reduce_48(chunk);
    }
    uniform.zeroize();
    out
}

/// [`hash_to_scalars`] with `N = 1`.
pub(crate) fn hash_to_scalar(dst: &[u8], msg: &[&[u8]]) -> Fr {
    let [s] = hash_to_scalars::<1>(dst, msg);
    s
}

/// OS2IP of a 48-byte big-endian string, reduced mod r.
///
/// Computed as `(a · 2^128 + b) · 2^128 + c` over three 16-byte limbs: each limb is
/// below 2^128 < r so its conversion is exact, and the arithmetic is a fixed sequence
/// of field operations whatever the value (no variable-length loop over the bytes).
pub(super) fn reduce_48(chunk: &[u8]) -> Fr {
    // 2^128 = (2^64)^2, computed from exact small values.
    let two_64 = Fr::from(u128::from(u64::MAX) + 1);
    let two_128 = two_64.square();
    let mut acc = Fr::zero();
    for limb in chunk.chunks_exact(16) {
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(limb);
        acc = acc * two_128 + Fr::from(u128::from_be_bytes(bytes));
        bytes.zeroize();
    }
    acc
}
