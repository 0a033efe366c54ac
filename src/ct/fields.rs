//! The BLS12-381 fields over the constant-time backend: `CtFr`, `CtFq` and the tower
//! `CtFq2`, `CtFq6`, `CtFq12` (GT lives in `CtFq12`).
//!
//! The tower configurations copy ark-bls12-381's constants limb for limb (the
//! Montgomery forms agree), so arkworks' generic extension-field code — quadratic and
//! cubic extension arithmetic, Frobenius maps, cyclotomic squaring — runs unchanged
//! on constant-time base arithmetic. That generic code is branch-free in the data as
//! long as the base field is; its few `is_zero` tests (generic `inverse`,
//! `cyclotomic_inverse`) are not used by this layer, which has its own inversions.

use ark_bls12_381::{Fq, Fq12, Fq12Config, Fq2, Fq2Config, Fq6, Fq6Config, FqConfig, Fr, FrConfig};
use ark_ff::{Field, Fp, Fp12, Fp12Config, Fp2, Fp2Config, Fp6, Fp6Config, QuadExtField};
use subtle::Choice;

use super::backend::{from_mont, to_mont, CtMontBackend};
use super::limbs::{mask_eq, select_limbs};

/// The scalar field Z_r of BLS12-381 with constant-time arithmetic.
pub type CtFr = Fp<CtMontBackend<FrConfig, 4>, 4>;
/// The base field F_q of BLS12-381 with constant-time arithmetic.
pub type CtFq = Fp<CtMontBackend<FqConfig, 6>, 6>;
/// `F_q2 = F_q[u]/(u² + 1)` over [`CtFq`].
pub type CtFq2 = Fp2<CtFq2Config>;
/// `F_q6 = F_q2[v]/(v³ − (u + 1))` over [`CtFq2`].
pub type CtFq6 = Fp6<CtFq6Config>;
/// `F_q12 = F_q6[w]/(w² − v)` over [`CtFq6`].
pub type CtFq12 = Fp12<CtFq12Config>;

/// Backend of [`CtFr`].
pub(crate) type FrBackend = CtMontBackend<FrConfig, 4>;
/// Backend of [`CtFq`].
pub(crate) type FqBackend = CtMontBackend<FqConfig, 6>;

/// `Fr` → `CtFr` (limb copy).
pub const fn fr_to_ct(x: Fr) -> CtFr {
    from_mont(x)
}
/// `CtFr` → `Fr` (limb copy). The result is an ordinary arkworks value: only call this
/// where the scalar is public.
pub const fn fr_from_ct(x: CtFr) -> Fr {
    to_mont(x)
}
/// `Fq` → `CtFq` (limb copy).
pub const fn fq_to_ct(x: Fq) -> CtFq {
    from_mont(x)
}
/// `CtFq` → `Fq` (limb copy).
pub const fn fq_from_ct(x: CtFq) -> Fq {
    to_mont(x)
}
/// `Fq2` → `CtFq2` (limb copies).
pub const fn fq2_to_ct(x: Fq2) -> CtFq2 {
    QuadExtField::new(fq_to_ct(x.c0), fq_to_ct(x.c1))
}
/// `CtFq2` → `Fq2` (limb copies).
pub const fn fq2_from_ct(x: CtFq2) -> Fq2 {
    QuadExtField::new(fq_from_ct(x.c0), fq_from_ct(x.c1))
}
const fn fq6_to_ct(x: Fq6) -> CtFq6 {
    Fp6::new(fq2_to_ct(x.c0), fq2_to_ct(x.c1), fq2_to_ct(x.c2))
}
const fn fq6_from_ct(x: CtFq6) -> Fq6 {
    Fp6::new(fq2_from_ct(x.c0), fq2_from_ct(x.c1), fq2_from_ct(x.c2))
}
/// `Fq12` → `CtFq12` (limb copies).
pub const fn fq12_to_ct(x: Fq12) -> CtFq12 {
    Fp12::new(fq6_to_ct(x.c0), fq6_to_ct(x.c1))
}
/// `CtFq12` → `Fq12` (limb copies).
pub const fn fq12_from_ct(x: CtFq12) -> Fq12 {
    Fp12::new(fq6_from_ct(x.c0), fq6_from_ct(x.c1))
}

const fn fq_array<const K: usize>(a: &[Fq]) -> [CtFq; K] {
    let mut out = [CtFq2Config::NONRESIDUE; K];
    let mut i = 0;
    while i < K {
        out[i] = fq_to_ct(a[i]);
        i += 1;
    }
    out
}

const fn fq2_array<const K: usize>(a: &[Fq2]) -> [CtFq2; K] {
    let mut out = [QuadExtField::new(CtFq2Config::NONRESIDUE, CtFq2Config::NONRESIDUE); K];
    let mut i = 0;
    while i < K {
        out[i] = fq2_to_ct(a[i]);
        i += 1;
    }
    out
}

/// The configuration of [`CtFq2`]: ark-bls12-381's `Fq2Config` over [`CtFq`].
#[derive(Debug)]
pub struct CtFq2Config;

const FROB_FP2_C1: [CtFq; 2] = fq_array(Fq2Config::FROBENIUS_COEFF_FP2_C1);

impl Fp2Config for CtFq2Config {
    type Fp = CtFq;
    const NONRESIDUE: CtFq = fq_to_ct(Fq2Config::NONRESIDUE);
    const FROBENIUS_COEFF_FP2_C1: &'static [CtFq] = &FROB_FP2_C1;

    // The non-residue is −1: the same specialisations as ark-bls12-381.
    #[inline(always)]
    fn mul_fp_by_nonresidue_in_place(fp: &mut CtFq) -> &mut CtFq {
        ark_ff::AdditiveGroup::neg_in_place(fp)
    }
    #[inline(always)]
    fn sub_and_mul_fp_by_nonresidue(y: &mut CtFq, x: &CtFq) {
        *y += x;
    }
    #[inline(always)]
    fn mul_fp_by_nonresidue_plus_one_and_add(y: &mut CtFq, x: &CtFq) {
        *y = *x;
    }
    fn mul_fp_by_nonresidue_and_add(y: &mut CtFq, x: &CtFq) {
        ark_ff::AdditiveGroup::neg_in_place(y);
        *y += x;
    }
}

/// The configuration of [`CtFq6`].
#[derive(Clone, Copy, Debug)]
pub struct CtFq6Config;

const FROB_FP6_C1: [CtFq2; 6] = fq2_array(Fq6Config::FROBENIUS_COEFF_FP6_C1);
const FROB_FP6_C2: [CtFq2; 6] = fq2_array(Fq6Config::FROBENIUS_COEFF_FP6_C2);

impl Fp6Config for CtFq6Config {
    type Fp2Config = CtFq2Config;
    const NONRESIDUE: CtFq2 = fq2_to_ct(Fq6Config::NONRESIDUE);
    const FROBENIUS_COEFF_FP6_C1: &'static [CtFq2] = &FROB_FP6_C1;
    const FROBENIUS_COEFF_FP6_C2: &'static [CtFq2] = &FROB_FP6_C2;

    // Multiplication by u + 1, as in ark-bls12-381.
    fn mul_fp2_by_nonresidue_in_place(fe: &mut CtFq2) -> &mut CtFq2 {
        let t0 = fe.c0;
        fe.c0 -= &fe.c1;
        fe.c1 += &t0;
        fe
    }
}

/// The configuration of [`CtFq12`].
#[derive(Clone, Copy, Debug)]
pub struct CtFq12Config;

const FROB_FP12_C1: [CtFq2; 12] = fq2_array(Fq12Config::FROBENIUS_COEFF_FP12_C1);

impl Fp12Config for CtFq12Config {
    type Fp6Config = CtFq6Config;
    const NONRESIDUE: CtFq6 = fq6_to_ct(Fq12Config::NONRESIDUE);
    const FROBENIUS_COEFF_FP12_C1: &'static [CtFq2] = &FROB_FP12_C1;
}

/// What the curve and GT code needs beyond arkworks' `Field`: masked selection,
/// equality, zero test and an inversion without branches.
pub trait CtField: ark_ff::Field {
    /// `b` if `choice` is 1, else `a`.
    fn ct_select(a: &Self, b: &Self, choice: Choice) -> Self;
    /// 1 if the two elements are equal.
    fn ct_eq(&self, other: &Self) -> Choice;
    /// 1 if the element is zero.
    fn ct_is_zero(&self) -> Choice {
        self.ct_eq(&Self::ZERO)
    }
    /// The inverse, or zero for zero; no data-dependent branch.
    fn ct_invert(&self) -> Self;
}

/// All ones if `choice` is 1, else zero (`Choice` is already behind subtle's barrier;
/// the extra one here guards the mask arithmetic).
#[inline(always)]
pub(crate) fn choice_mask(choice: Choice) -> u64 {
    super::limbs::mask_from_bit(u64::from(choice.unwrap_u8()))
}

impl<T: ark_ff::MontConfig<N>, const N: usize> CtField for Fp<CtMontBackend<T, N>, N> {
    #[inline(always)]
    fn ct_select(a: &Self, b: &Self, choice: Choice) -> Self {
        let m = choice_mask(choice);
        Fp(
            ark_ff::BigInt(select_limbs(&(a.0).0, &(b.0).0, m)),
            core::marker::PhantomData,
        )
    }
    #[inline(always)]
    fn ct_eq(&self, other: &Self) -> Choice {
        // Montgomery forms are canonical (< p), so limb equality is field equality.
        Choice::from((mask_eq(&(self.0).0, &(other.0).0) & 1) as u8)
    }
    fn ct_invert(&self) -> Self {
        CtMontBackend::<T, N>::ct_inverse(self)
    }
}

impl CtField for CtFq2 {
    #[inline(always)]
    fn ct_select(a: &Self, b: &Self, choice: Choice) -> Self {
        QuadExtField::new(
            CtFq::ct_select(&a.c0, &b.c0, choice),
            CtFq::ct_select(&a.c1, &b.c1, choice),
        )
    }
    #[inline(always)]
    fn ct_eq(&self, other: &Self) -> Choice {
        self.c0.ct_eq(&other.c0) & self.c1.ct_eq(&other.c1)
    }
    /// `conj(a) / N(a)` with `N(a) = c0² + c1²` (the non-residue is −1), inverted by
    /// Fermat; zero maps to zero.
    fn ct_invert(&self) -> Self {
        let norm = self.c0.square() + self.c1.square();
        let inv = norm.ct_invert();
        QuadExtField::new(self.c0 * inv, -(self.c1 * inv))
    }
}
