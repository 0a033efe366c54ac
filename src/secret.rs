//! Secret byte strings.
//!
//! Secret scalars and points live in the constant-time newtypes of [`crate::ct`]
//! (`SecretScalar`, `SecretG1`, …); secret byte strings (KEM seeds, AEAD keys) live in
//! [`zeroize::Zeroizing`] buffers so they are wiped when dropped.

use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

/// 32 uniformly random bytes in a zeroizing buffer.
pub(crate) fn random_seed<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> Zeroizing<[u8; 32]> {
    let mut seed = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(seed.as_mut());
    seed
}
