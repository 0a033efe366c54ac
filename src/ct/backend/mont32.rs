//! Montgomery multiplication over 32-bit limbs, for wasm32.
//!
//! wasm32 has a native 64×64→64 multiplication (`i64.mul`) but no 64×64→128 one: a
//! `u128` product becomes a call to compiler-rt's `__multi3` (four 32-bit products and
//! the carries between them, plus call overhead). The 64-bit-limb CIOS therefore
//! spends most of its time there. With 32-bit limbs every partial product
//! `a·b + c + carry < 2^64` is one native `i64.mul` and `i64.add`.
//!
//! The Montgomery form does not change: R = 2^(64N) = 2^(32·2N), so an element's six
//! u64 limbs, split into twelve u32 limbs, are the same integer in the same form. Only
//! the multiplication is redone: arkworks' "no-carry" CIOS (the modulus has a spare top
//! bit in the 32-bit top limb too) with `n' = −p⁻¹ mod 2^32`, which is the low half of
//! arkworks' `INV = −p⁻¹ mod 2^64`. The result is below `2p`; the caller applies the
//! same masked final subtraction as the 64-bit path. No branch or index depends on
//! the data: the loops run over the public limb count.
//!
//! The routine is compiled on every target, so native tests check it against the
//! 64-bit path and arkworks; only its use in `CtMontBackend` is limited to wasm32.

/// The largest number of u64 limbs supported (F_q's six).
pub(crate) const MAX_LIMBS: usize = 6;
/// The number of u32 limbs of the widest element.
const W: usize = 2 * MAX_LIMBS;

/// `a + b·c + carry` over 32-bit words: the low word, the high word left in `carry`.
/// Never overflows: (2^32−1)² + 2·(2^32−1) = 2^64 − 1.
#[inline(always)]
fn mac32(a: u32, b: u32, c: u32, carry: &mut u32) -> u32 {
    let t = u64::from(a) + u64::from(b) * u64::from(c) + u64::from(*carry);
    *carry = (t >> 32) as u32;
    t as u32
}

/// The u32 limbs (little-endian) of `a`, zero-padded to [`W`].
#[inline(always)]
pub(crate) const fn split<const N: usize>(a: &[u64; N]) -> [u32; W] {
    let mut r = [0u32; W];
    let mut i = 0;
    while i < N {
        r[2 * i] = a[i] as u32;
        r[2 * i + 1] = (a[i] >> 32) as u32;
        i += 1;
    }
    r
}

/// The N u64 limbs of the first 2N u32 limbs of `a`.
#[inline(always)]
fn join<const N: usize>(a: &[u32; W]) -> [u64; N] {
    core::array::from_fn(|i| u64::from(a[2 * i]) | (u64::from(a[2 * i + 1]) << 32))
}

/// `a·b·2^(−64N) mod p`, unreduced (below `2p`), for `a, b < p` given as N u64 limbs,
/// with `p32` the u32 limbs of a modulus `p < 2^(64N − 1)` and `inv32 = −p⁻¹ mod 2^32`.
/// `N ≤ MAX_LIMBS` (checked by the caller's constant assertion).
#[inline(always)]
#[ark_ff::ark_ff_macros::unroll_for_loops(12)]
#[allow(clippy::needless_range_loop)] // indices mirror arkworks' CIOS loop
pub(crate) fn mont_mul_u32<const N: usize>(
    a: &[u64; N],
    b: &[u64; N],
    p32: &[u32; W],
    inv32: u32,
) -> [u64; N] {
    let a = split(a);
    let b = split(b);
    let mut r = [0u32; W];
    // `2 * N` is a constant after monomorphisation: the unrolled `if i < 2 * N`
    // guards fold away.
    for i in 0..2 * N {
        let mut carry1 = 0u32;
        r[0] = mac32(r[0], a[0], b[i], &mut carry1);
        let k = r[0].wrapping_mul(inv32);
        let mut carry2 = 0u32;
        let _ = mac32(r[0], k, p32[0], &mut carry2);
        for j in 1..2 * N {
            r[j] = mac32(r[j], a[j], b[i], &mut carry1);
            r[j - 1] = mac32(r[j], k, p32[j], &mut carry2);
        }
        r[2 * N - 1] = carry1.wrapping_add(carry2);
    }
    join(&r)
}

#[cfg(test)]
mod tests {
    use ark_bls12_381::{Fq, FqConfig, Fr, FrConfig};
    use ark_ff::{AdditiveGroup, Field, MontConfig, PrimeField};
    use proptest::prelude::*;

    use super::super::CtMontBackend;

    type Q = CtMontBackend<FqConfig, 6>;
    type R = CtMontBackend<FrConfig, 4>;

    /// Elements with many all-ones/all-zeros limbs and values next to p, where a
    /// carry or the final subtraction goes wrong first.
    fn fq_edges() -> Vec<Fq> {
        let mut v = vec![Fq::ZERO, Fq::ONE, -Fq::ONE, Fq::from(2u64), -Fq::from(2u64)];
        v.push(Fq::from(u64::MAX));
        v.push(Fq::from(u64::from(u32::MAX)));
        v.push(Fq::from(2u64).pow([383u64]));
        v.push(Fq::from(2u64).pow([381u64]) - Fq::ONE);
        v.push(Fq::from_le_bytes_mod_order(&[0xff; 48]));
        v
    }

    fn check_fq(a: Fq, b: Fq) {
        let (x, y) = ((a.0).0, (b.0).0);
        let want = ((a * b).0).0;
        assert_eq!(Q::mont_mul_u32(&x, &y), want);
        assert_eq!(Q::mont_mul_u64(&x, &y), want);
        assert_eq!(Q::mont_mul_u32(&x, &x), ((a.square()).0).0);
    }

    fn check_fr(a: Fr, b: Fr) {
        let (x, y) = ((a.0).0, (b.0).0);
        let want = ((a * b).0).0;
        assert_eq!(R::mont_mul_u32(&x, &y), want);
        assert_eq!(R::mont_mul_u64(&x, &y), want);
    }

    #[test]
    fn inv32_is_the_32_bit_montgomery_constant() {
        // p · n' ≡ −1 (mod 2^32) for both fields.
        let pq = FqConfig::MODULUS.0[0] as u32;
        assert_eq!(pq.wrapping_mul(Q::INV32), u32::MAX);
        let pr = FrConfig::MODULUS.0[0] as u32;
        assert_eq!(pr.wrapping_mul(R::INV32), u32::MAX);
    }

    #[test]
    fn edge_products_match() {
        let e = fq_edges();
        for a in &e {
            for b in &e {
                check_fq(*a, *b);
            }
        }
        let fr = [
            Fr::ZERO,
            Fr::ONE,
            -Fr::ONE,
            Fr::from(u64::MAX),
            -Fr::from(2u64),
        ];
        for a in fr {
            for b in fr {
                check_fr(a, b);
            }
        }
    }

    proptest! {
        #[test]
        fn fq_products_match(a in prop::array::uniform32(any::<u8>()), b in prop::array::uniform32(any::<u8>()),
                             c in prop::array::uniform16(any::<u8>()), d in prop::array::uniform16(any::<u8>())) {
            let x = Fq::from_le_bytes_mod_order(&[&a[..], &c[..]].concat());
            let y = Fq::from_le_bytes_mod_order(&[&b[..], &d[..]].concat());
            check_fq(x, y);
        }

        #[test]
        fn fr_products_match(a in prop::array::uniform32(any::<u8>()), b in prop::array::uniform32(any::<u8>())) {
            check_fr(Fr::from_le_bytes_mod_order(&a), Fr::from_le_bytes_mod_order(&b));
        }
    }
}
