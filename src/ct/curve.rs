//! Constant-time G1 and G2 points: homogeneous projective coordinates over the CT
//! fields and the complete addition formulas of Renes–Costello–Batina 2016 for `a = 0`.
//!
//! `(X : Y : Z)` stands for the affine point `(X/Z, Y/Z)`; the identity is `(0 : 1 : 0)`.
//! The formulas (RCB16 Algorithm 7 for addition, Algorithm 9 for doubling, with
//! `b3 = 3b`: 12 on G1 `y² = x³ + 4`, `12(1 + u)` on the G2 twist `y² = x³ + 4(1 + u)`)
//! have no special case: the same sequence of field operations adds any two points,
//! equal or opposite or the identity. They are complete on curves without points of
//! order 2; `#E(F_q)` and `#E'(F_q2)` are odd, so that holds for every point of either
//! curve, in the prime-order subgroup or not.
//!
//! Conversions to arkworks types copy limbs. arkworks' projective points are Jacobian
//! (`x = X/Z²`, `y = Y/Z³`): homogeneous `(X, Y, Z)` is Jacobian `(XZ, YZ², Z)` and
//! Jacobian `(X, Y, Z)` is homogeneous `(XZ, Y, Z³)`, so neither direction inverts.

use core::fmt;

use ark_bls12_381::{g1, g2, Fq, Fq2};
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::{AdditiveGroup, Field};
use subtle::Choice;

use super::declassify::Declassify;
use super::fields::{fq2_from_ct, fq2_to_ct, fq_from_ct, fq_to_ct, CtField, CtFq, CtFq2};

/// A BLS12-381 group over a constant-time field: G1 over [`CtFq`], G2 over [`CtFq2`].
pub trait CtCurve: 'static + Sized {
    /// The constant-time coordinate field.
    type F: CtField;
    /// arkworks' configuration of the same curve.
    type Ark: SWCurveConfig<BaseField: Declassify>;
    /// `3·b`, the constant of the RCB formulas, as a multiplication.
    fn mul_by_b3(x: &Self::F) -> Self::F;
    /// An arkworks coordinate as a CT coordinate (limb copy).
    fn coord_to_ct(x: &<Self::Ark as ark_ec::CurveConfig>::BaseField) -> Self::F;
    /// A CT coordinate as an arkworks coordinate (limb copy).
    fn coord_from_ct(x: &Self::F) -> <Self::Ark as ark_ec::CurveConfig>::BaseField;
}

/// G1 (`y² = x³ + 4` over F_q).
#[derive(Debug)]
pub enum G1Curve {}
/// G2 (the sextic twist `y² = x³ + 4(1 + u)` over F_q2).
#[derive(Debug)]
pub enum G2Curve {}

/// `12·x` by additions: `8x + 4x`.
#[inline(always)]
fn times_12<F: Field>(x: &F) -> F {
    let x2 = x.double();
    let x4 = x2.double();
    let x8 = x4.double();
    x8 + x4
}

impl CtCurve for G1Curve {
    type F = CtFq;
    type Ark = g1::Config;
    #[inline(always)]
    fn mul_by_b3(x: &CtFq) -> CtFq {
        times_12(x)
    }
    fn coord_to_ct(x: &Fq) -> CtFq {
        fq_to_ct(*x)
    }
    fn coord_from_ct(x: &CtFq) -> Fq {
        fq_from_ct(*x)
    }
}

impl CtCurve for G2Curve {
    type F = CtFq2;
    type Ark = g2::Config;
    /// `12(1 + u)(c0 + c1·u) = 12(c0 − c1) + 12(c0 + c1)·u`.
    #[inline(always)]
    fn mul_by_b3(x: &CtFq2) -> CtFq2 {
        CtFq2::new(times_12(&(x.c0 - x.c1)), times_12(&(x.c0 + x.c1)))
    }
    fn coord_to_ct(x: &Fq2) -> CtFq2 {
        fq2_to_ct(*x)
    }
    fn coord_from_ct(x: &CtFq2) -> Fq2 {
        fq2_from_ct(*x)
    }
}

/// A point in homogeneous projective coordinates over a CT field.
pub struct CtPoint<C: CtCurve> {
    /// `X`.
    pub x: C::F,
    /// `Y`.
    pub y: C::F,
    /// `Z` (zero exactly for the identity).
    pub z: C::F,
}

impl<C: CtCurve> Clone for CtPoint<C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C: CtCurve> Copy for CtPoint<C> {}

impl<C: CtCurve> fmt::Debug for CtPoint<C> {
    /// Redacted: points of this layer may be secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CtPoint").finish_non_exhaustive()
    }
}

impl<C: CtCurve> zeroize::Zeroize for CtPoint<C> {
    fn zeroize(&mut self) {
        self.x.zeroize();
        self.y.zeroize();
        self.z.zeroize();
    }
}

impl<C: CtCurve> CtPoint<C> {
    /// The identity `(0 : 1 : 0)`.
    pub fn identity() -> Self {
        Self {
            x: C::F::ZERO,
            y: C::F::ONE,
            z: C::F::ZERO,
        }
    }

    /// From an arkworks affine point. arkworks 0.6 writes the identity as `(0, 0)`,
    /// which is not on the curve (`0 ≠ b`), so it is recognised without a branch.
    pub fn from_affine(p: &Affine<C::Ark>) -> Self {
        let x = C::coord_to_ct(&p.x);
        let y = C::coord_to_ct(&p.y);
        let inf = x.ct_is_zero() & y.ct_is_zero();
        Self {
            x,
            y: C::F::ct_select(&y, &C::F::ONE, inf),
            z: C::F::ct_select(&C::F::ONE, &C::F::ZERO, inf),
        }
    }

    /// From an arkworks Jacobian point: `(X, Y, Z)` ↦ `(XZ : Y : Z³)`, no inversion.
    pub fn from_projective(p: &Projective<C::Ark>) -> Self {
        let x = C::coord_to_ct(&p.x);
        let y = C::coord_to_ct(&p.y);
        let z = C::coord_to_ct(&p.z);
        let z3 = z.square() * z;
        // arkworks' identity is (1, 1, 0) → (0 : 1 : 0). Any Y works when Z = 0 as
        // long as it is not zero; select 1 to stay canonical.
        let inf = z.ct_is_zero();
        Self {
            x: x * z,
            y: C::F::ct_select(&y, &C::F::ONE, inf),
            z: z3,
        }
    }

    /// To an arkworks Jacobian point `(XZ, YZ², Z)`, no inversion. The identity maps to
    /// arkworks' `(1, 1, 0)`. The coordinates stay secret-derived: call this only when
    /// the point is public, or feed the result only to code that is itself CT.
    pub fn to_projective(self) -> Projective<C::Ark> {
        let inf = self.z.ct_is_zero();
        let x = C::F::ct_select(&(self.x * self.z), &C::F::ONE, inf);
        let y = C::F::ct_select(&(self.y * self.z.square()), &C::F::ONE, inf);
        Projective::new_unchecked(
            C::coord_from_ct(&x),
            C::coord_from_ct(&y),
            C::coord_from_ct(&self.z),
        )
    }

    /// The affine coordinates `(X/Z, Y/Z)` with one Fermat inversion; the identity
    /// gives `(0, 0)` (arkworks' encoding of it) and the returned choice is 1.
    pub fn to_affine_coords(self) -> (C::F, C::F, Choice) {
        let inf = self.z.ct_is_zero();
        let zinv = self.z.ct_invert(); // 0 for the identity
        (self.x * zinv, self.y * zinv, inf)
    }

    /// To an arkworks affine point (constant time, Fermat inversion).
    pub fn to_affine(self) -> Affine<C::Ark> {
        let (x, y, _) = self.to_affine_coords();
        Affine::new_unchecked(C::coord_from_ct(&x), C::coord_from_ct(&y))
    }

    /// 1 for the identity.
    pub fn is_identity(&self) -> Choice {
        self.z.ct_is_zero()
    }

    /// Projective equality: `X1·Z2 = X2·Z1` and `Y1·Z2 = Y2·Z1`.
    pub fn ct_eq(&self, other: &Self) -> Choice {
        (self.x * other.z).ct_eq(&(other.x * self.z))
            & (self.y * other.z).ct_eq(&(other.y * self.z))
    }

    /// `b` if `choice` is 1, else `a`.
    #[inline(always)]
    pub fn ct_select(a: &Self, b: &Self, choice: Choice) -> Self {
        Self {
            x: C::F::ct_select(&a.x, &b.x, choice),
            y: C::F::ct_select(&a.y, &b.y, choice),
            z: C::F::ct_select(&a.z, &b.z, choice),
        }
    }

    /// `−P`.
    #[inline(always)]
    pub fn neg(&self) -> Self {
        Self {
            x: self.x,
            y: -self.y,
            z: self.z,
        }
    }

    /// `−P` if `choice` is 1, else `P` (a masked select of `−Y`).
    #[inline(always)]
    pub fn conditional_neg(&self, choice: Choice) -> Self {
        Self {
            x: self.x,
            y: C::F::ct_select(&self.y, &-self.y, choice),
            z: self.z,
        }
    }

    /// `P + Q`: RCB16 Algorithm 7 (complete addition, `a = 0`), 12M + 2·m_b3.
    pub fn add(&self, other: &Self) -> Self {
        let (x1, y1, z1) = (&self.x, &self.y, &self.z);
        let (x2, y2, z2) = (&other.x, &other.y, &other.z);
        let mut t0 = *x1 * x2; // 1
        let mut t1 = *y1 * y2; // 2
        let mut t2 = *z1 * z2; // 3
        let mut t3 = *x1 + y1; // 4
        let mut t4 = *x2 + y2; // 5
        t3 *= &t4; // 6
        t4 = t0 + t1; // 7
        t3 -= &t4; // 8
        t4 = *y1 + z1; // 9
        let mut x3 = *y2 + z2; // 10
        t4 *= &x3; // 11
        x3 = t1 + t2; // 12
        t4 -= &x3; // 13
        x3 = *x1 + z1; // 14
        let mut y3 = *x2 + z2; // 15
        x3 *= &y3; // 16
        y3 = t0 + t2; // 17
        y3 = x3 - y3; // 18
        x3 = t0.double(); // 19
        t0 += &x3; // 20
        t2 = C::mul_by_b3(&t2); // 21
        let mut z3 = t1 + t2; // 22
        t1 -= &t2; // 23
        y3 = C::mul_by_b3(&y3); // 24
        x3 = t4 * y3; // 25
        t2 = t3 * t1; // 26
        x3 = t2 - x3; // 27
        y3 *= &t0; // 28
        t1 *= &z3; // 29
        y3 = t1 + y3; // 30
        t0 *= &t3; // 31
        z3 *= &t4; // 32
        z3 += &t0; // 33
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// `2P`: RCB16 Algorithm 9 (exception-free doubling, `a = 0`), 6M + 2S + 1·m_b3.
    pub fn double(&self) -> Self {
        let (x, y, z) = (&self.x, &self.y, &self.z);
        let t0 = y.square(); // 1
        let mut z3 = t0.double(); // 2
        z3.double_in_place(); // 3
        z3.double_in_place(); // 4
        let mut t1 = *y * z; // 5
        let mut t2 = z.square(); // 6
        t2 = C::mul_by_b3(&t2); // 7
        let mut x3 = t2 * z3; // 8
        let mut y3 = t0 + t2; // 9
        z3 *= &t1; // 10
        t1 = t2.double(); // 11
        t2 += &t1; // 12
        let t0 = t0 - t2; // 13
        y3 *= &t0; // 14
        y3 += &x3; // 15
        t1 = *x * y; // 16
        x3 = t0 * t1; // 17
        x3.double_in_place(); // 18
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }
}
