//! A constant-time Montgomery backend for arkworks prime fields.
//!
//! [`CtMontBackend<T, N>`] implements [`ark_ff::FpConfig`] for any existing
//! [`MontConfig`] `T` (here ark-bls12-381's `FqConfig` and `FrConfig`): same modulus,
//! same constants, same Montgomery form, so an arkworks `Fq`/`Fr` and its CT twin share
//! their limbs and convert by copying. What changes is the arithmetic:
//!
//! - arkworks ends every add, double, mul and square with
//!   `if a >= p { a -= p }` (an early-exit limb compare and a real jump), subtracts with
//!   `if b > a { a += p }`, negates with `if a != 0`, and inverts with a binary
//!   extended Euclid whose every step branches on the value;
//! - here the same results come from full-width carry/borrow chains and masked selects
//!   (`limbs`), multiplication is arkworks' CIOS loop ported limb for limb with
//!   the masked final subtraction, and inversion is Fermat's `a^(p-2)` over a public
//!   exponent.
//!
//! The backend requires a modulus with a spare top bit (both BLS12-381 fields have one):
//! then `a + b < 2p` fits in N limbs and one masked subtraction reduces it.
//!
//! The loops are unrolled with arkworks' own `unroll_for_loops` attribute, as in
//! `MontBackend`: without it the limbs of a product live in a stack array and a CT `Fq`
//! multiplication costs 1.7× arkworks' instead of about 1.2×.
//!
//! Two trait methods must return an `Option`, which is a branch: [`FpConfig::inverse`]
//! (`None` for zero) and [`FpConfig::from_bigint`] (`None` out of range). Both compute
//! in constant time and branch only on that one validity bit. The constant-time layer
//! itself calls the branch-free `CtMontBackend::ct_inverse` and
//! `CtMontBackend::ct_from_canonical` instead.

use core::marker::PhantomData;

use ark_ff::{BigInt, Fp, FpConfig, MontBackend, MontConfig, SqrtPrecomputation};
use subtle::Choice;

mod mont32;

/// Whether field multiplication runs on the 32-bit-limb route ([`mont32`]): on wasm32,
/// and natively when built with `--cfg cipherchart_ct_mont32` (the constant-time check
/// sets it, `scripts/ctcheck --backend mont32`, to run its cases on the wasm32
/// arithmetic under valgrind).
#[allow(unexpected_cfgs)]
pub const USES_MONT32: bool = cfg!(any(target_arch = "wasm32", cipherchart_ct_mont32));

use super::limbs::{add_limbs, barrier, mac, mask_from_bit, mask_is_zero, select_limbs, sub_limbs};

/// A constant-time [`FpConfig`] over the constants of the [`MontConfig`] `T`.
#[derive(Debug)]
pub struct CtMontBackend<T: MontConfig<N>, const N: usize>(PhantomData<T>);

/// Converts an arkworks Montgomery element of `T` to its CT twin (a limb copy).
pub(crate) const fn from_mont<T: MontConfig<N>, const N: usize>(
    x: Fp<MontBackend<T, N>, N>,
) -> Fp<CtMontBackend<T, N>, N> {
    Fp(x.0, PhantomData)
}

/// Converts a CT element back to arkworks' type of the same field (a limb copy).
pub(crate) const fn to_mont<T: MontConfig<N>, const N: usize>(
    x: Fp<CtMontBackend<T, N>, N>,
) -> Fp<MontBackend<T, N>, N> {
    Fp(x.0, PhantomData)
}

const fn convert_sqrt<T: MontConfig<N>, const N: usize>(
    s: Option<SqrtPrecomputation<Fp<MontBackend<T, N>, N>>>,
) -> Option<SqrtPrecomputation<Fp<CtMontBackend<T, N>, N>>> {
    match s {
        Some(SqrtPrecomputation::TonelliShanks {
            two_adicity,
            quadratic_nonresidue_to_trace,
            trace_of_modulus_minus_one_div_two,
        }) => Some(SqrtPrecomputation::TonelliShanks {
            two_adicity,
            quadratic_nonresidue_to_trace: from_mont(quadratic_nonresidue_to_trace),
            trace_of_modulus_minus_one_div_two,
        }),
        Some(SqrtPrecomputation::Case3Mod4 {
            modulus_plus_one_div_four,
        }) => Some(SqrtPrecomputation::Case3Mod4 {
            modulus_plus_one_div_four,
        }),
        Some(SqrtPrecomputation::Case5Mod8 {
            modulus_plus_three_div_eight,
            modulus_minus_one_div_four,
        }) => Some(SqrtPrecomputation::Case5Mod8 {
            modulus_plus_three_div_eight,
            modulus_minus_one_div_four,
        }),
        // `SqrtPrecomputation` is non-exhaustive: an unknown future variant gives no
        // square roots rather than wrong ones.
        _ => None,
    }
}

const fn convert_opt<T: MontConfig<N>, const N: usize>(
    x: Option<Fp<MontBackend<T, N>, N>>,
) -> Option<Fp<CtMontBackend<T, N>, N>> {
    match x {
        Some(x) => Some(from_mont(x)),
        None => None,
    }
}

/// `a·b + m·p` over 64-bit words without overflow checks: the core of CIOS.
#[inline(always)]
const fn mac_const(a: u64, b: u64, c: u64, carry: &mut u64) -> u64 {
    let t = a as u128 + (b as u128) * (c as u128) + *carry as u128;
    *carry = (t >> 64) as u64;
    t as u64
}

/// Generic CIOS Montgomery multiplication `a·b·R⁻¹` for any `a < 2^(64N)` and
/// `b < p`: returns the N low words and the top word (0 or 1) of a value below `2p`.
/// A `const fn` so that constants (R³) come from the same code.
const fn cios_wide<const N: usize>(
    a: &[u64; N],
    b: &[u64; N],
    p: &[u64; N],
    inv: u64,
) -> ([u64; N], u64) {
    let mut t = [0u64; N];
    let mut t_n = 0u64;
    let mut i = 0;
    while i < N {
        let mut c = 0u64;
        let mut j = 0;
        while j < N {
            t[j] = mac_const(t[j], a[j], b[i], &mut c);
            j += 1;
        }
        let s = t_n as u128 + c as u128;
        t_n = s as u64;
        let t_n1 = (s >> 64) as u64;
        let m = t[0].wrapping_mul(inv);
        let mut c = 0u64;
        let _ = mac_const(t[0], m, p[0], &mut c);
        let mut j = 1;
        while j < N {
            t[j - 1] = mac_const(t[j], m, p[j], &mut c);
            j += 1;
        }
        let s = t_n as u128 + c as u128;
        t[N - 1] = s as u64;
        t_n = t_n1 + (s >> 64) as u64;
        i += 1;
    }
    (t, t_n)
}

/// `value - p` if `value >= p`, else `value`, for `value = top·2^(64N) + a < 2p`.
#[inline(always)]
fn reduce_once_with_top<const N: usize>(a: &[u64; N], top: u64, p: &[u64; N]) -> [u64; N] {
    let (d, borrow) = sub_limbs(a, p);
    // Keep `a` only when the subtraction borrowed and there was no top word.
    let keep_a = mask_from_bit(borrow & (top ^ 1));
    select_limbs(&d, a, keep_a)
}

/// `a - p` if `a >= p`, else `a`, for `a < 2p`.
#[inline(always)]
fn reduce_once<const N: usize>(a: &[u64; N], p: &[u64; N]) -> [u64; N] {
    reduce_once_with_top(a, 0, p)
}

const fn sub_const<const N: usize>(a: &[u64; N], b: &[u64; N]) -> [u64; N] {
    let mut r = [0u64; N];
    let mut borrow = 0u64;
    let mut i = 0;
    while i < N {
        let t = (a[i] as u128)
            .wrapping_sub(b[i] as u128)
            .wrapping_sub(borrow as u128);
        r[i] = t as u64;
        borrow = (t >> 127) as u64;
        i += 1;
    }
    r
}

/// `value mod p` for `value = top·2^(64N) + r < 2p`, for constants (compile time
/// only, so the branch is harmless).
const fn reduce_const<const N: usize>(r: &[u64; N], top: u64, p: &[u64; N]) -> [u64; N] {
    let mut borrow = 0u64;
    let mut i = 0;
    while i < N {
        let t = (r[i] as u128)
            .wrapping_sub(p[i] as u128)
            .wrapping_sub(borrow as u128);
        borrow = (t >> 127) as u64;
        i += 1;
    }
    if borrow == 1 && top == 0 {
        *r
    } else {
        sub_const(r, p)
    }
}

impl<T: MontConfig<N>, const N: usize> CtMontBackend<T, N> {
    const P: [u64; N] = T::MODULUS.0;
    const INV: u64 = T::INV;
    /// Spare-bit requirement (checked wherever the no-carry paths are used).
    const SPARE_BIT: () = assert!(
        T::MODULUS.0[N - 1] >> 63 == 0,
        "CtMontBackend needs a modulus with a spare top bit"
    );
    /// `p - 2`, the Fermat exponent.
    const P_MINUS_2: [u64; N] = {
        let mut two = [0u64; N];
        two[0] = 2;
        sub_const(&T::MODULUS.0, &two)
    };
    /// `R³ mod p` in plain form, i.e. the Montgomery form of `R²`: multiplying the
    /// Montgomery form by the raw integer `x` gives the Montgomery form of `x·R`
    /// (for the high half of a wide reduction).
    pub(crate) const R3: [u64; N] = {
        let (w, top) = cios_wide(&T::R2.0, &T::R2.0, &T::MODULUS.0, T::INV);
        reduce_const(&w, top, &T::MODULUS.0)
    };

    /// The modulus as u32 limbs, for [`mont32`].
    const P32: [u32; 2 * mont32::MAX_LIMBS] = mont32::split(&T::MODULUS.0);
    /// `−p⁻¹ mod 2^32`: the low half of `−p⁻¹ mod 2^64`.
    const INV32: u32 = T::INV as u32;
    /// The 32-bit route needs at most [`mont32::MAX_LIMBS`] limbs and, for its
    /// "no-carry" CIOS, a top u32 limb below `2^31 − 1`.
    const FITS_U32: () = assert!(
        N <= mont32::MAX_LIMBS && (T::MODULUS.0[N - 1] >> 32) < 0x7fff_ffff,
        "the 32-bit Montgomery route does not support this modulus"
    );

    /// `a·b·R⁻¹ mod p` for `a, b < p`: the 32-bit-limb CIOS on wasm32 (no 128-bit
    /// products there), the 64-bit one elsewhere. Both end in the same masked
    /// subtraction and give the same result.
    #[inline(always)]
    pub(crate) fn mont_mul(a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        if USES_MONT32 {
            Self::mont_mul_u32(a, b)
        } else {
            Self::mont_mul_u64(a, b)
        }
    }

    /// `a·b·R⁻¹ mod p` for `a, b < p` over 32-bit limbs ([`mont32`]), then one masked
    /// subtraction. Compiled everywhere (tested natively against the 64-bit path);
    /// used on wasm32.
    #[inline(always)]
    pub(crate) fn mont_mul_u32(a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        let () = Self::SPARE_BIT;
        let () = Self::FITS_U32;
        let r = mont32::mont_mul_u32(a, b, &Self::P32, Self::INV32);
        reduce_once(&r, &Self::P)
    }

    /// `a·b·R⁻¹ mod p` for `a, b < p`: arkworks' "no-carry" CIOS over 64-bit limbs
    /// (valid because the modulus has a spare bit), then one masked subtraction.
    #[inline(always)]
    #[ark_ff::ark_ff_macros::unroll_for_loops(12)]
    #[allow(clippy::needless_range_loop)] // indices mirror arkworks' CIOS loop
    pub(crate) fn mont_mul_u64(a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        let () = Self::SPARE_BIT;
        let p = &Self::P;
        let mut r = [0u64; N];
        for i in 0..N {
            let mut carry1 = 0u64;
            r[0] = mac(r[0], a[0], b[i], &mut carry1);
            let k = r[0].wrapping_mul(Self::INV);
            let mut carry2 = 0u64;
            let _ = mac(r[0], k, p[0], &mut carry2);
            for j in 1..N {
                r[j] = mac(r[j], a[j], b[i], &mut carry1);
                r[j - 1] = mac(r[j], k, p[j], &mut carry2);
            }
            r[N - 1] = carry1.wrapping_add(carry2);
        }
        reduce_once(&r, p)
    }

    /// `a·b·R⁻¹ mod p` for any `a < 2^(64N)` and `b < p` (generic CIOS with the extra
    /// words, then one masked subtraction). Used by the wide reductions, whose inputs
    /// are arbitrary byte strings.
    #[inline(always)]
    pub(crate) fn mont_mul_wide(a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        let (w, top) = cios_wide(a, b, &Self::P, Self::INV);
        reduce_once_with_top(&w, top, &Self::P)
    }

    /// `(a + b) mod p` for `a, b < p`.
    #[inline(always)]
    pub(crate) fn add_limbs_mod(a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        let () = Self::SPARE_BIT;
        let (s, _carry) = add_limbs(a, b); // no carry: a + b < 2p < 2^(64N)
        reduce_once(&s, &Self::P)
    }

    /// `(a - b) mod p` for `a, b < p`.
    #[inline(always)]
    pub(crate) fn sub_limbs_mod(a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        let (d, borrow) = sub_limbs(a, b);
        let m = mask_from_bit(borrow);
        let p_masked: [u64; N] = core::array::from_fn(|i| Self::P[i] & m);
        add_limbs(&d, &p_masked).0
    }

    /// The canonical integer of a Montgomery element: Montgomery reduction by 1 (its
    /// result is already below p for inputs below p, so it needs no subtraction).
    #[inline(always)]
    #[ark_ff::ark_ff_macros::unroll_for_loops(12)]
    pub(crate) fn to_canonical(a: &[u64; N]) -> [u64; N] {
        let p = &Self::P;
        let mut r = *a;
        for i in 0..N {
            let k = r[i].wrapping_mul(Self::INV);
            let mut carry = 0u64;
            let _ = mac(r[i], k, p[0], &mut carry);
            for j in 1..N {
                r[(j + i) % N] = mac(r[(j + i) % N], k, p[j], &mut carry);
            }
            r[i] = carry;
        }
        r
    }

    /// The element with canonical integer `x`, and whether `x < p` (when it is not,
    /// the element is meaningless and the choice is 0). No early exit.
    #[inline(always)]
    pub(crate) fn ct_from_canonical(x: &[u64; N]) -> (Fp<Self, N>, Choice) {
        let (_, borrow) = sub_limbs(x, &Self::P); // borrow = 1 iff x < p
        let in_range = Choice::from((barrier(borrow) & 1) as u8);
        // x < 2^(64N) is fine for the wide multiplication even when out of range.
        let m = Self::mont_mul_wide(x, &T::R2.0);
        (Fp(BigInt(m), PhantomData), in_range)
    }

    /// `a^(p-2)`: the inverse of a non-zero `a`, and 0 for 0. Fixed 4-bit window over
    /// the public exponent: every branch and table index depends on `p` only.
    pub(crate) fn ct_inverse(a: &Fp<Self, N>) -> Fp<Self, N> {
        let one = T::R.0;
        let mut table = [one; 16];
        for i in 1..16 {
            table[i] = Self::mont_mul(&table[i - 1], &(a.0).0);
        }
        let e = &Self::P_MINUS_2;
        let mut acc = one;
        let mut started = false;
        for i in (0..N * 16).rev() {
            let nibble = ((e[i / 16] >> ((i % 16) * 4)) & 0xf) as usize;
            if started {
                for _ in 0..4 {
                    acc = Self::mont_mul(&acc, &acc);
                }
            }
            if nibble != 0 {
                acc = Self::mont_mul(&acc, &table[nibble]);
                started = true;
            }
        }
        // Wipe the powers of the secret.
        table.fill([0; N]);
        core::hint::black_box(&table);
        Fp(BigInt(acc), PhantomData)
    }

    /// 1 if `a` is zero.
    #[inline(always)]
    pub(crate) fn ct_is_zero(a: &Fp<Self, N>) -> Choice {
        Choice::from((mask_is_zero(&(a.0).0) & 1) as u8)
    }
}

impl<T: MontConfig<N>, const N: usize> FpConfig<N> for CtMontBackend<T, N> {
    const MODULUS: BigInt<N> = T::MODULUS;
    const GENERATOR: Fp<Self, N> = from_mont(T::GENERATOR);
    const ZERO: Fp<Self, N> = Fp(BigInt([0u64; N]), PhantomData);
    const ONE: Fp<Self, N> = Fp(T::R, PhantomData);
    const NEG_ONE: Fp<Self, N> = Fp(BigInt(sub_const(&T::MODULUS.0, &T::R.0)), PhantomData);
    const TWO_ADICITY: u32 = <MontBackend<T, N> as FpConfig<N>>::TWO_ADICITY;
    const TWO_ADIC_ROOT_OF_UNITY: Fp<Self, N> = from_mont(T::TWO_ADIC_ROOT_OF_UNITY);
    const SMALL_SUBGROUP_BASE: Option<u32> = T::SMALL_SUBGROUP_BASE;
    const SMALL_SUBGROUP_BASE_ADICITY: Option<u32> = T::SMALL_SUBGROUP_BASE_ADICITY;
    const LARGE_SUBGROUP_ROOT_OF_UNITY: Option<Fp<Self, N>> =
        convert_opt(T::LARGE_SUBGROUP_ROOT_OF_UNITY);
    const SQRT_PRECOMP: Option<SqrtPrecomputation<Fp<Self, N>>> = convert_sqrt(T::SQRT_PRECOMP);

    #[inline(always)]
    fn add_assign(a: &mut Fp<Self, N>, b: &Fp<Self, N>) {
        (a.0).0 = Self::add_limbs_mod(&(a.0).0, &(b.0).0);
    }

    #[inline(always)]
    fn sub_assign(a: &mut Fp<Self, N>, b: &Fp<Self, N>) {
        (a.0).0 = Self::sub_limbs_mod(&(a.0).0, &(b.0).0);
    }

    #[inline(always)]
    fn double_in_place(a: &mut Fp<Self, N>) {
        (a.0).0 = Self::add_limbs_mod(&(a.0).0, &(a.0).0);
    }

    #[inline(always)]
    fn neg_in_place(a: &mut Fp<Self, N>) {
        // 0 - a: borrows (and adds p back) exactly when a != 0, so -0 = 0 without a test.
        (a.0).0 = Self::sub_limbs_mod(&[0u64; N], &(a.0).0);
    }

    #[inline(always)]
    fn mul_assign(a: &mut Fp<Self, N>, b: &Fp<Self, N>) {
        (a.0).0 = Self::mont_mul(&(a.0).0, &(b.0).0);
    }

    #[ark_ff::ark_ff_macros::unroll_for_loops(12)]
    fn sum_of_products<const M: usize>(a: &[Fp<Self, N>; M], b: &[Fp<Self, N>; M]) -> Fp<Self, N> {
        let modulus_bits = T::MODULUS.const_num_bits() as usize;
        // On wasm32 the interleaved loop would run on emulated 128-bit products: two
        // 32-bit-limb multiplications and an addition are faster there.
        if M == 2 && modulus_bits < 64 * N - 1 && !USES_MONT32 {
            // arkworks' interleaved single-reduction algorithm (zkcrypto/bls12_381#84)
            // for two products, with the masked final subtraction. It needs two spare
            // bits (Fq has three); it saves one Montgomery reduction per Fq2 product.
            let p = &Self::P;
            let mut result = [0u64; N];
            for j in 0..N {
                let mut carry_a = 0u64;
                let mut carry_b = 0u64;
                for (x, y) in a.iter().zip(b) {
                    let (x, y) = (&(x.0).0, &(y.0).0);
                    let mut carry2 = 0u64;
                    result[0] = mac(result[0], x[j], y[0], &mut carry2);
                    for k in 1..N {
                        result[k] = mac(result[k], x[j], y[k], &mut carry2);
                    }
                    let mut c = carry_b;
                    carry_a = super::limbs::adc(carry_a, carry2, &mut c);
                    carry_b = c;
                }
                let k = result[0].wrapping_mul(Self::INV);
                let mut carry2 = 0u64;
                let _ = mac(result[0], k, p[0], &mut carry2);
                for i in 1..N {
                    result[i - 1] = mac(result[i], k, p[i], &mut carry2);
                }
                result[N - 1] = carry_a.wrapping_add(carry_b).wrapping_add(carry2);
            }
            Fp(BigInt(reduce_once(&result, p)), PhantomData)
        } else {
            let mut acc = Self::ZERO;
            for (x, y) in a.iter().zip(b) {
                let prod = Fp(BigInt(Self::mont_mul(&(x.0).0, &(y.0).0)), PhantomData);
                Self::add_assign(&mut acc, &prod);
            }
            acc
        }
    }

    #[inline(always)]
    fn square_in_place(a: &mut Fp<Self, N>) {
        (a.0).0 = Self::mont_mul(&(a.0).0, &(a.0).0);
    }

    /// Fermat inversion; `None` for zero. The final `Option` is the one branch, on
    /// "is zero" only. Constant-time code calls [`CtMontBackend::ct_inverse`].
    fn inverse(a: &Fp<Self, N>) -> Option<Fp<Self, N>> {
        let inv = Self::ct_inverse(a);
        if bool::from(Self::ct_is_zero(a)) {
            None
        } else {
            Some(inv)
        }
    }

    /// Range check and conversion without early exit; the `Option` branches on the
    /// validity bit only.
    fn from_bigint(other: BigInt<N>) -> Option<Fp<Self, N>> {
        let (x, ok) = Self::ct_from_canonical(&other.0);
        if bool::from(ok) {
            Some(x)
        } else {
            None
        }
    }

    #[inline(always)]
    fn into_bigint(other: Fp<Self, N>) -> BigInt<N> {
        BigInt(Self::to_canonical(&(other.0).0))
    }
}
