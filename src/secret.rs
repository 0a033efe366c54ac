//! Sampling and holding secret values.
//!
//! Every secret scalar of the library is drawn here, from 64 uniform bytes reduced
//! modulo the group order (a statistical distance of 2^-256 from uniform; no rejection
//! loop whose iteration count could depend on the value). Secret byte strings live in
//! [`zeroize::Zeroizing`] buffers so they are wiped when dropped.

use ark_bls12_381::Fr;
use ark_ff::{Field, PrimeField, Zero};
use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

/// A uniformly random scalar in Z_p.
pub(crate) fn random_scalar<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> Fr {
    let mut wide = Zeroizing::new([0u8; 64]);
    rng.fill_bytes(wide.as_mut());
    // TODO(constant-time issue): replace by the constant-time wide reduction of `ct`.
    Fr::from_le_bytes_mod_order(wide.as_ref())
}

/// A uniformly random scalar in Z_p^* (zero is redrawn; probability 2^-255 per draw).
pub(crate) fn random_nonzero_scalar<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> Fr {
    loop {
        let s = random_scalar(rng);
        if !s.is_zero() {
            return s;
        }
    }
}

/// The inverse of a scalar that the caller knows to be non-zero.
///
/// Returns zero for zero instead of panicking; callers only pass values drawn from
/// Z_p^* or checked to be non-zero.
pub(crate) fn invert(s: &Fr) -> Fr {
    s.inverse().unwrap_or_else(Fr::zero)
}

/// 32 uniformly random bytes in a zeroizing buffer.
pub(crate) fn random_seed<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> Zeroizing<[u8; 32]> {
    let mut seed = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(seed.as_mut());
    seed
}
