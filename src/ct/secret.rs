//! Secret newtypes: the only way the rest of the crate should hold a secret scalar,
//! a secret-derived point or a secret GT element.
//!
//! They implement no arkworks trait — no `Mul` by an arkworks scalar, no
//! `into_affine`, `inverse`, `pow` or `CanonicalSerialize` — so a variable-time
//! arkworks operation cannot be applied to them by accident. Every operation they
//! offer is constant time. A value leaves the secret world only through a method
//! whose name says so:
//!
//! - `publish…` (for values that become public: public keys, ciphertext headers,
//!   signatures): normalised in constant time, then marked public for the valgrind
//!   check (see [`super::declassify`]);
//! - `to_secret_affine` / `to_bytes` / `to_compressed` (for values that stay secret but
//!   must be stored: user-key points as [`SecretAffine`], exported keys, the KEM value
//!   fed to a hash): the result is computed in constant time and is still secret
//!   (`to_affine_secret` returns bare arkworks coordinates, for tests and the check's
//!   harness only): never pass it to arkworks arithmetic or comparisons.
//!
//! All of them zeroize on drop, print as `SecretScalar(..)` etc., and compare only
//! through [`subtle::ConstantTimeEq`].

use core::fmt;
use core::ops::{Add, Mul, Neg, Sub};
use std::sync::OnceLock;

use ark_bls12_381::{Bls12_381, Fr, G1Affine, G2Affine};
use ark_ec::pairing::PairingOutput;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::AffineRepr;
use ark_ff::{AdditiveGroup, Field};
use rand_core::{CryptoRng, RngCore};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::curve::{CtCurve, CtPoint, G1Curve, G2Curve};
use super::declassify::{declassify_choice, declassify_limbs, Declassify};
use super::fields::{fq12_from_ct, fq12_to_ct, fr_from_ct, fr_to_ct, CtField, CtFq12, CtFr};
use super::gt::{fq12_eq, gt_pow, gt_to_bytes};
use super::mul::{msm, msm_public_scalars, mul, FixedBaseTable};
use super::{compress, scalar};

// ---------------------------------------------------------------------------------
// Scalars

/// A secret scalar in Z_r: keys, coins, blinding factors.
#[derive(Clone)]
pub struct SecretScalar(pub(crate) CtFr);

impl SecretScalar {
    /// Zero.
    pub fn zero() -> Self {
        Self(CtFr::ZERO)
    }

    /// A uniform scalar from 64 bytes of the RNG (wide reduction, statistical
    /// distance 2^-256 from uniform; no rejection loop).
    pub fn random<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut wide = Zeroizing::new([0u8; 64]);
        rng.fill_bytes(wide.as_mut());
        Self::from_bytes_wide(&wide)
    }

    /// A uniform non-zero scalar: [`random`](Self::random) with 0 replaced by 1
    /// through a masked select (no rejection branch). The bias is the probability of
    /// drawing 0, below 2^-254.
    pub fn random_nonzero<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let s = Self::random(rng);
        let z = s.is_zero();
        Self(CtFr::ct_select(&s.0, &CtFr::ONE, z))
    }

    /// `x mod r` for 64 little-endian bytes (the key-generation reduction).
    pub fn from_bytes_wide(bytes: &[u8; 64]) -> Self {
        Self(scalar::fr_from_le_bytes_wide(bytes))
    }

    /// `OS2IP(bytes) mod r` for a 48-byte chunk of `expand_message_xmd` output
    /// (RFC 9380 `hash_to_field`, `L = 48`): hashing a secret to a scalar.
    pub fn from_hash_bytes(bytes: &[u8; 48]) -> Self {
        Self(scalar::fr_from_be_bytes_48(bytes))
    }

    /// Decodes 32 big-endian bytes (the wire format); `None` if the value is not
    /// below r. The range check has no early exit; its outcome (accept or reject) is
    /// public and is declassified before the `Option` branches on it.
    #[track_caller]
    pub fn from_be_bytes(bytes: &[u8; 32]) -> Option<Self> {
        let (s, ok) = scalar::fr_from_be_bytes(bytes);
        declassify_choice(ok).then(|| Self(s))
    }

    /// [`from_be_bytes`](Self::from_be_bytes) without the declassification: the scalar
    /// and 1 if the value is below r (otherwise the scalar is meaningless). For callers
    /// that combine the range check with further checks (e.g. "not zero") into the one
    /// bit they publish.
    pub fn from_be_bytes_ct(bytes: &[u8; 32]) -> (Self, Choice) {
        let (s, ok) = scalar::fr_from_be_bytes(bytes);
        (Self(s), ok)
    }

    /// [`from_be_bytes`](Self::from_be_bytes) for little-endian bytes.
    #[track_caller]
    pub fn from_le_bytes(bytes: &[u8; 32]) -> Option<Self> {
        let (s, ok) = scalar::fr_from_le_bytes(bytes);
        declassify_choice(ok).then(|| Self(s))
    }

    /// Takes an arkworks scalar into the secret world (a limb copy). Use it for scalars
    /// that are already held as `Fr`, until their producer hands out `SecretScalar`.
    pub fn from_fr(s: &Fr) -> Self {
        Self(fr_to_ct(*s))
    }

    /// The inverse, or 0 for 0 (Fermat; no branch). Callers that need a non-zero
    /// input draw it with [`random_nonzero`](Self::random_nonzero) or check
    /// [`is_zero`](Self::is_zero) through [`super::declassify_choice`].
    pub fn invert(&self) -> Self {
        Self(self.0.ct_invert())
    }

    /// 1 if the scalar is zero.
    pub fn is_zero(&self) -> Choice {
        self.0.ct_is_zero()
    }

    /// The canonical 32-byte big-endian encoding (the wire format), still secret.
    pub fn to_be_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(scalar::fr_to_be_bytes(&self.0))
    }

    /// The canonical 32-byte little-endian encoding (arkworks' serialisation), still
    /// secret.
    pub fn to_le_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(scalar::fr_to_le_bytes(&self.0))
    }

    /// The scalar as an arkworks `Fr`, declared public: only for a scalar that the
    /// protocol publishes. Every arkworks operation on the result is variable time.
    #[track_caller]
    pub fn publish_fr(&self) -> Fr {
        let mut v = self.0;
        declassify_limbs(&mut (v.0).0);
        fr_from_ct(v)
    }

    /// The scalar as an arkworks `Fr` that is **still secret**: a stop-gap for code
    /// that still stores `Fr` (e.g. the master key) until it stores `SecretScalar`.
    /// Do not call any arkworks operation on the result.
    pub fn to_fr_secret(&self) -> Fr {
        fr_from_ct(self.0)
    }
}

impl Zeroize for SecretScalar {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}
impl Drop for SecretScalar {
    fn drop(&mut self) {
        self.zeroize();
    }
}
impl ZeroizeOnDrop for SecretScalar {}

impl fmt::Debug for SecretScalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretScalar(..)")
    }
}

impl ConstantTimeEq for SecretScalar {
    fn ct_eq(&self, other: &Self) -> Choice {
        CtField::ct_eq(&self.0, &other.0)
    }
}

impl SecretScalar {
    /// `a` if `choice` is 0, `b` if it is 1. (`subtle::ConditionallySelectable` needs
    /// `Copy`, which a secret must not be.)
    pub fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        Self(CtFr::ct_select(&a.0, &b.0, choice))
    }
}

macro_rules! scalar_op {
    ($tr:ident, $f:ident, $op:tt) => {
        impl $tr<&SecretScalar> for &SecretScalar {
            type Output = SecretScalar;
            fn $f(self, rhs: &SecretScalar) -> SecretScalar {
                SecretScalar(self.0 $op rhs.0)
            }
        }
    };
}
scalar_op!(Add, add, +);
scalar_op!(Sub, sub, -);
scalar_op!(Mul, mul, *);

impl Neg for &SecretScalar {
    type Output = SecretScalar;
    fn neg(self) -> SecretScalar {
        SecretScalar(-self.0)
    }
}

// ---------------------------------------------------------------------------------
// Points

/// A secret (or secret-derived) point of G1 or G2, in constant-time projective form.
pub struct SecretPoint<C: CtCurve>(pub(crate) CtPoint<C>);
/// A secret G1 point (user-key components, `g^d` of the master key, `g^sk`…).
pub type SecretG1 = SecretPoint<G1Curve>;
/// A secret G2 point (key anchors `K0`, BLS signatures before publication…).
pub type SecretG2 = SecretPoint<G2Curve>;

impl<C: CtCurve> Clone for SecretPoint<C> {
    fn clone(&self) -> Self {
        Self(self.0)
    }
}

impl<C: CtCurve> SecretPoint<C> {
    /// The identity.
    pub fn identity() -> Self {
        Self(CtPoint::identity())
    }

    /// Takes an affine point (public, or a stored secret such as a user-key component)
    /// into the secret world: a limb copy, no check, no branch.
    pub fn from_affine(p: &Affine<C::Ark>) -> Self {
        Self(CtPoint::from_affine(p))
    }

    /// Takes an arkworks projective point into the secret world (no inversion).
    pub fn from_projective(p: &Projective<C::Ark>) -> Self {
        Self(CtPoint::from_projective(p))
    }

    /// `s·B` for a public (or secret) affine base: variable base, fixed window.
    pub fn mul_base(base: &Affine<C::Ark>, s: &SecretScalar) -> Self {
        Self(mul(&CtPoint::from_affine(base), &s.0))
    }

    /// `s·P` for this secret point.
    pub fn mul(&self, s: &SecretScalar) -> Self {
        Self(mul(&self.0, &s.0))
    }

    /// `Σ s_i·B_i` for public (or secret) affine bases, sharing the doublings. The
    /// number of terms is public. Extra bases or scalars are ignored.
    pub fn multi_mul(bases: &[Affine<C::Ark>], scalars: &[&SecretScalar]) -> Self {
        // The bases may be secret (key points): wipe their copies before the buffer is
        // freed.
        let mut points: Vec<CtPoint<C>> = bases.iter().map(CtPoint::from_affine).collect();
        let s: Vec<&CtFr> = scalars.iter().map(|s| &s.0).collect();
        let r = Self(msm(&points, &s));
        points.iter_mut().for_each(Zeroize::zeroize);
        r
    }

    /// `Σ k_i·B_i` for secret affine bases and **public** scalars (DecCore's
    /// reconstruction coefficients): no masked lookups, no work for zero digits; the
    /// point arithmetic stays constant time ([`msm_public_scalars`]). Extra bases or
    /// scalars are ignored.
    pub fn multi_mul_public_scalars(bases: &[Affine<C::Ark>], scalars: &[Fr]) -> Self {
        let mut points: Vec<CtPoint<C>> = bases.iter().map(CtPoint::from_affine).collect();
        let r = Self(msm_public_scalars(&points, scalars));
        points.iter_mut().for_each(Zeroize::zeroize);
        r
    }

    /// `P + Q`.
    pub fn add(&self, other: &Self) -> Self {
        Self(self.0.add(&other.0))
    }

    /// `P + Q` for a public affine `Q`.
    pub fn add_affine(&self, q: &Affine<C::Ark>) -> Self {
        Self(self.0.add(&CtPoint::from_affine(q)))
    }

    /// `−P`.
    pub fn neg(&self) -> Self {
        Self(self.0.neg())
    }

    /// 1 for the identity.
    pub fn is_identity(&self) -> Choice {
        self.0.is_identity()
    }

    /// The affine point, computed in constant time, **still secret** (for storing key
    /// components as arkworks points). Do not call arkworks arithmetic, comparison or
    /// serialisation on it; use [`SecretPoint::from_affine`] to compute with it again.
    pub fn to_affine_secret(&self) -> Affine<C::Ark> {
        self.0.to_affine()
    }

    /// The affine points of several secret points with one inversion (Montgomery's
    /// trick in constant time; the identity is handled by masks), still secret.
    pub fn batch_to_affine_secret(points: &[Self]) -> Vec<Affine<C::Ark>> {
        batch_normalize(points)
    }

    /// The affine point, declared public: for values the protocol publishes (public
    /// keys, header elements, signatures). Normalised in constant time first: the
    /// projective coordinates themselves are never published.
    #[track_caller]
    pub fn publish(&self) -> Affine<C::Ark> {
        let mut a = self.0.to_affine();
        a.declassify();
        a
    }

    /// [`publish`](Self::publish) for many points with one inversion.
    #[track_caller]
    pub fn batch_publish(points: &[Self]) -> Vec<Affine<C::Ark>> {
        let mut v = batch_normalize(points);
        for a in &mut v {
            a.declassify();
        }
        v
    }
}

/// Constant-time Montgomery batch normalisation. A zero `Z` (the identity) is replaced
/// by 1 before the product and its output forced to `(0, 0)` afterwards, so one
/// identity cannot zero every other result.
fn batch_normalize<C: CtCurve>(points: &[SecretPoint<C>]) -> Vec<Affine<C::Ark>> {
    let n = points.len();
    let mut zs: Vec<C::F> = points
        .iter()
        .map(|p| C::F::ct_select(&p.0.z, &C::F::ONE, p.0.is_identity()))
        .collect();
    // prefix[i] = z_0 ⋯ z_{i-1}
    let mut prefix = Vec::with_capacity(n);
    let mut acc = C::F::ONE;
    for z in &zs {
        prefix.push(acc);
        acc *= z;
    }
    let mut inv = acc.ct_invert();
    let mut out = vec![Affine::<C::Ark>::identity(); n];
    for i in (0..n).rev() {
        let zinv = inv * prefix[i];
        inv *= &zs[i];
        let p = &points[i].0;
        let inf = p.is_identity();
        let mut zinv = zinv;
        let mut x = C::F::ct_select(&(p.x * zinv), &C::F::ZERO, inf);
        let mut y = C::F::ct_select(&(p.y * zinv), &C::F::ZERO, inf);
        out[i] = Affine::new_unchecked(C::coord_from_ct(&x), C::coord_from_ct(&y));
        x.zeroize();
        y.zeroize();
        zinv.zeroize();
    }
    // The secret Z coordinates and partial products live in heap buffers: wipe them
    // before they are freed.
    prefix.iter_mut().for_each(Zeroize::zeroize);
    zs.iter_mut().for_each(Zeroize::zeroize);
    acc.zeroize();
    inv.zeroize();
    out
}

impl SecretG1 {
    /// `s·g` for the standard G1 generator (fixed-base comb).
    pub fn mul_generator(s: &SecretScalar) -> Self {
        Self(g1_generator_table().0.mul(&s.0))
    }

    /// The 48-byte compressed encoding (byte-identical to arkworks'), computed in
    /// constant time; still secret (for exporting key material).
    pub fn to_compressed(&self) -> Zeroizing<[u8; 48]> {
        Zeroizing::new(compress::g1_compress(&self.0))
    }
}

impl SecretG2 {
    /// `s·h` for the standard G2 generator (fixed-base comb).
    pub fn mul_generator(s: &SecretScalar) -> Self {
        Self(g2_generator_table().0.mul(&s.0))
    }

    /// The 96-byte compressed encoding (byte-identical to arkworks'), computed in
    /// constant time; still secret.
    pub fn to_compressed(&self) -> Zeroizing<[u8; 96]> {
        Zeroizing::new(compress::g2_compress(&self.0))
    }
}

impl<C: CtCurve> Zeroize for SecretPoint<C> {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}
impl<C: CtCurve> Drop for SecretPoint<C> {
    fn drop(&mut self) {
        self.zeroize();
    }
}
impl<C: CtCurve> ZeroizeOnDrop for SecretPoint<C> {}

impl<C: CtCurve> fmt::Debug for SecretPoint<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretPoint(..)")
    }
}

impl<C: CtCurve> ConstantTimeEq for SecretPoint<C> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.0.ct_eq(&other.0)
    }
}

// ---------------------------------------------------------------------------------
// Secret points at rest

/// A secret point stored in affine form: the key components of user keys, delegation
/// keys and re-keys, and the master key's `g^{d_t}` (normalised once, so every later
/// use is a limb copy into [`SecretPoint`], no inversion).
///
/// Like the other secret types it implements no arkworks trait and is not `Copy`, so a
/// stored key point cannot be handed to arkworks arithmetic, comparison or
/// serialisation, nor copied implicitly; it zeroizes on drop, including every element
/// of a `Vec` of them. Compute with it through [`to_point`](Self::to_point); the
/// constant-time pairing takes the affine coordinates through
/// [`expose_secret`](Self::expose_secret).
pub struct SecretAffine<C: CtCurve>(Affine<C::Ark>);
/// A secret G1 point at rest (`K'`, `K_y`, `g^{d_t}`).
pub type SecretG1Affine = SecretAffine<G1Curve>;
/// A secret G2 point at rest (`K0`).
pub type SecretG2Affine = SecretAffine<G2Curve>;

impl<C: CtCurve> SecretAffine<C> {
    /// The identity (a placeholder before a key component is read).
    pub fn identity() -> Self {
        Self(Affine::<C::Ark>::identity())
    }

    /// Wraps an affine point that is secret (computed by
    /// [`SecretPoint::to_affine_secret`], or by a test from known values).
    pub fn new(p: Affine<C::Ark>) -> Self {
        Self(p)
    }

    /// The point in the constant-time projective form (a limb copy, `Z = 1`).
    pub fn to_point(&self) -> SecretPoint<C> {
        SecretPoint::from_affine(&self.0)
    }

    /// The affine coordinates, **still secret**: only for the constant-time layer's
    /// inputs that take arkworks affine points (`ct::multi_pairing`,
    /// `CtG2Prepared::new`). Never pass them to arkworks arithmetic, comparison or
    /// serialisation; wipe any copy (`Zeroizing`).
    pub fn expose_secret(&self) -> &Affine<C::Ark> {
        &self.0
    }
}

impl<C: CtCurve> SecretPoint<C> {
    /// The point normalised in constant time and kept secret, at rest.
    pub fn to_secret_affine(&self) -> SecretAffine<C> {
        SecretAffine(self.0.to_affine())
    }

    /// [`to_secret_affine`](Self::to_secret_affine) for many points with one inversion;
    /// the intermediate buffer is wiped.
    pub fn batch_to_secret_affine(points: &[Self]) -> Vec<SecretAffine<C>> {
        let mut raw = batch_normalize(points);
        let out = raw.iter().map(|a| SecretAffine(*a)).collect();
        raw.zeroize();
        out
    }
}

impl<C: CtCurve> Clone for SecretAffine<C> {
    fn clone(&self) -> Self {
        Self(self.0)
    }
}

impl<C: CtCurve> Zeroize for SecretAffine<C> {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}
impl<C: CtCurve> Drop for SecretAffine<C> {
    fn drop(&mut self) {
        self.zeroize();
    }
}
impl<C: CtCurve> ZeroizeOnDrop for SecretAffine<C> {}

impl<C: CtCurve> fmt::Debug for SecretAffine<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretAffine(..)")
    }
}

impl<C: CtCurve> ConstantTimeEq for SecretAffine<C> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.to_point().ct_eq(&other.to_point())
    }
}

/// Tests compare key material with `assert_eq!`; outside tests only `ct_eq` exists.
#[cfg(test)]
impl<C: CtCurve> PartialEq for SecretAffine<C> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

// ---------------------------------------------------------------------------------
// Fixed-base tables

/// A [`FixedBaseTable`] for secret scalars, returning secret points.
pub struct SecretBaseTable<C: CtCurve>(FixedBaseTable<C>);

impl<C: CtCurve> fmt::Debug for SecretBaseTable<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretBaseTable").finish_non_exhaustive()
    }
}

impl<C: CtCurve> SecretBaseTable<C> {
    /// The table of a public point (built with variable-time arithmetic: the point is
    /// public). Worth it from about three multiplications by the same base.
    pub fn new(base: &Affine<C::Ark>) -> Self {
        Self(FixedBaseTable::new_vartime(base))
    }

    /// `s·B`.
    pub fn mul(&self, s: &SecretScalar) -> SecretPoint<C> {
        SecretPoint(self.0.mul(&s.0))
    }
}

/// The fixed-base table of the standard G1 generator `g` (built once, 72 KiB).
pub fn g1_generator_table() -> &'static SecretBaseTable<G1Curve> {
    static TABLE: OnceLock<SecretBaseTable<G1Curve>> = OnceLock::new();
    TABLE.get_or_init(|| SecretBaseTable::new(&G1Affine::generator()))
}

/// The fixed-base table of the standard G2 generator `h` (built once, 144 KiB).
pub fn g2_generator_table() -> &'static SecretBaseTable<G2Curve> {
    static TABLE: OnceLock<SecretBaseTable<G2Curve>> = OnceLock::new();
    TABLE.get_or_init(|| SecretBaseTable::new(&G2Affine::generator()))
}

// ---------------------------------------------------------------------------------
// GT

/// A GT element arkworks represents as `PairingOutput<Bls12_381>`.
pub type Gt = PairingOutput<Bls12_381>;

/// A secret element of GT (the KEM value `Z = T1^s1·T2^s2`, `R^z`…).
#[derive(Clone)]
pub struct SecretGt(pub(crate) CtFq12);

impl SecretGt {
    /// Takes a GT element into the secret world (limb copies).
    pub fn from_gt(f: &Gt) -> Self {
        Self(fq12_to_ct(f.0))
    }

    /// `f^s` for a public (or secret) GT element `f` and a secret scalar.
    pub fn pow_base(f: &Gt, s: &SecretScalar) -> Self {
        Self(gt_pow(&fq12_to_ct(f.0), &s.0))
    }

    /// `self^s`.
    pub fn pow(&self, s: &SecretScalar) -> Self {
        Self(gt_pow(&self.0, &s.0))
    }

    /// The group operation (multiplication in `F_q12`; arkworks writes GT additively).
    pub fn mul(&self, other: &Self) -> Self {
        Self(self.0 * other.0)
    }

    /// The 576-byte canonical encoding (`encoding::gt`), still secret (for hashing
    /// into the KEM mask).
    pub fn to_bytes(&self) -> Zeroizing<[u8; 576]> {
        Zeroizing::new(gt_to_bytes(&self.0))
    }

    /// As an arkworks GT element, declared public.
    #[track_caller]
    pub fn publish(&self) -> Gt {
        let mut f = PairingOutput(fq12_from_ct(self.0));
        f.declassify();
        f
    }
}

impl Zeroize for SecretGt {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}
impl Drop for SecretGt {
    fn drop(&mut self) {
        self.zeroize();
    }
}
impl ZeroizeOnDrop for SecretGt {}

impl fmt::Debug for SecretGt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretGt(..)")
    }
}

impl ConstantTimeEq for SecretGt {
    fn ct_eq(&self, other: &Self) -> Choice {
        fq12_eq(&self.0, &other.0)
    }
}
