//! Constant-time scalar decoding and reduction.
//!
//! arkworks' `Fr::from_le_bytes_mod_order` runs a Horner loop over the bytes on the
//! branchy Montgomery arithmetic, and `Fr::from_bigint` tests the range with an
//! early-exit comparison; `Fr::rand` rejects by value. The functions here take fixed-size
//! inputs and run a fixed sequence of operations:
//!
//! - 64 bytes → Z_r (secret key and randomness sampling): `lo + hi·2^256` as
//!   `mont(lo, R²) + mont(hi, R³)`, which is unbiased to within 2^-256;
//! - 48 bytes → Z_r (RFC 9380 `hash_to_field` with `L = 48`, big-endian OS2IP): the same
//!   reduction on the bytes zero-extended to 64;
//! - 32 bytes → Z_r with a range check (decoding a stored secret scalar): a full-width
//!   borrow chain, the validity returned as a `Choice`.

use subtle::Choice;

use super::fields::{CtFr, FrBackend};

fn le_limbs_4(bytes: &[u8]) -> [u64; 4] {
    core::array::from_fn(|i| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[8 * i..8 * i + 8]);
        u64::from_le_bytes(w)
    })
}

/// `x mod r` for the 512-bit little-endian integer `x`.
pub fn fr_from_le_bytes_wide(bytes: &[u8; 64]) -> CtFr {
    let lo = le_limbs_4(&bytes[..32]);
    let hi = le_limbs_4(&bytes[32..]);
    let lo_m = FrBackend::mont_mul_wide(
        &lo,
        &<ark_bls12_381::FrConfig as ark_ff::MontConfig<4>>::R2.0,
    );
    let hi_m = FrBackend::mont_mul_wide(&hi, &FrBackend::R3);
    ark_ff::Fp(
        ark_ff::BigInt(FrBackend::add_limbs_mod(&lo_m, &hi_m)),
        core::marker::PhantomData,
    )
}

/// `OS2IP(bytes) mod r` for 48 big-endian bytes (RFC 9380 §5.2 with `L = 48`).
pub fn fr_from_be_bytes_48(bytes: &[u8; 48]) -> CtFr {
    let mut le = [0u8; 64];
    for (dst, src) in le.iter_mut().zip(bytes.iter().rev()) {
        *dst = *src;
    }
    let out = fr_from_le_bytes_wide(&le);
    zeroize::Zeroize::zeroize(&mut le);
    out
}

/// The scalar with this 32-byte little-endian value, and 1 if the value is below `r`
/// (otherwise the scalar is meaningless and must be rejected by the caller).
pub fn fr_from_le_bytes(bytes: &[u8; 32]) -> (CtFr, Choice) {
    FrBackend::ct_from_canonical(&le_limbs_4(bytes))
}

/// [`fr_from_le_bytes`] for big-endian bytes (the wire format's scalars).
pub fn fr_from_be_bytes(bytes: &[u8; 32]) -> (CtFr, Choice) {
    let mut le = *bytes;
    le.reverse();
    let out = fr_from_le_bytes(&le);
    zeroize::Zeroize::zeroize(&mut le);
    out
}

/// The canonical 32-byte little-endian encoding (arkworks' `serialize_compressed`).
pub fn fr_to_le_bytes(s: &CtFr) -> [u8; 32] {
    let c = FrBackend::to_canonical(&(s.0).0);
    let mut out = [0u8; 32];
    for (chunk, limb) in out.chunks_exact_mut(8).zip(c) {
        chunk.copy_from_slice(&limb.to_le_bytes());
    }
    out
}

/// The canonical 32-byte big-endian encoding (the wire format's scalars).
pub fn fr_to_be_bytes(s: &CtFr) -> [u8; 32] {
    let mut out = fr_to_le_bytes(s);
    out.reverse();
    out
}
