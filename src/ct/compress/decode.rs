//! Constant-time decoding of compressed G1/G2 points that are secret (user-key and
//! master-key components), accepting exactly what arkworks' validating decoder accepts.
//!
//! arkworks decompresses with a variable-time square root (Tonelli–Shanks on F_q,
//! a data-dependent `Fq2::sqrt`), picks the sign with an early-exit comparison and
//! checks the subgroup with a double-and-add that skips zeros and an early-out on
//! `[x]P = P`. Here:
//! - the flags are read with masks; the x bytes are range-checked by a borrow chain;
//! - F_q square root: `a^((q+1)/4)` (q ≡ 3 mod 4), the exponent public, then `y² = a`
//!   checked; F_q2 square root: Adj–Rodríguez-Henríquez 2012, Algorithm 9, with both
//!   candidate roots computed and one selected by a mask;
//! - the sign by the same borrow chain as compression (`super::is_largest`) and a
//!   masked negation;
//! - the subgroup checks of ePrint 2021/1130 (as arkworks): G1 `φ(P) = −[x²]P` (with
//!   arkworks' rejection of `[x]P = P ≠ O`), G2 `ψ(P) = [x]P`, by double-and-add over
//!   the public bits of `|x|` with the complete formulas, and projective equality.
//!
//! Two bits come out, both masked: `well_formed` (everything but the subgroup) and
//! `valid` (`well_formed` and in the subgroup). The secret decoders of
//! [`super::decode_secret`] declassify `valid` alone, or, to report the public decoder's
//! error kind for a rejected encoding, `well_formed` then `valid` (a rejected key is public
//! anyway); every other value stays masked.

use ark_bls12_381::{g1, g2};
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ff::{Field, MontFp};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

use super::super::curve::{CtCurve, CtPoint, G1Curve, G2Curve};
use super::super::fields::{fq2_to_ct, fq_to_ct, CtField, CtFq, CtFq2, FqBackend};
use super::is_largest;

/// `|x|` for the BLS12-381 parameter `x = −0xd201000000010000` (public).
const X_ABS: u64 = 0xd201_0000_0001_0000;

/// The modulus `q` (little-endian limbs).
const Q: [u64; 6] = <ark_bls12_381::FqConfig as ark_ff::MontConfig<6>>::MODULUS.0;

/// `q >> k`.
const fn shr(k: u32) -> [u64; 6] {
    let mut out = [0u64; 6];
    let mut i = 0;
    while i < 6 {
        let hi = if i + 1 < 6 { Q[i + 1] << (64 - k) } else { 0 };
        out[i] = (Q[i] >> k) | hi;
        i += 1;
    }
    out
}

/// `a + 1` (no overflow for the values used here).
const fn plus_one(a: [u64; 6]) -> [u64; 6] {
    let mut out = a;
    let mut i = 0;
    let mut carry = 1u64;
    while i < 6 {
        let (s, c) = out[i].overflowing_add(carry);
        out[i] = s;
        carry = c as u64;
        i += 1;
    }
    out
}

/// `(q + 1)/4 = (q >> 2) + 1`, as `q ≡ 3 (mod 4)`.
const Q_PLUS_1_DIV_4: [u64; 6] = plus_one(shr(2));
/// `(q − 3)/4 = q >> 2`.
const Q_MINUS_3_DIV_4: [u64; 6] = shr(2);
/// `(q − 1)/2 = q >> 1`.
const Q_MINUS_1_DIV_2: [u64; 6] = shr(1);

/// β, the cube root of unity of the G1 endomorphism `φ(x, y) = (βx, y)`.
const BETA: CtFq = fq_to_ct(g1::BETA);

/// ψ's coefficients (ark-bls12-381's `P_POWER_ENDOMORPHISM_COEFF_0/1`, private there):
/// `ψ(x, y) = (conj(x)·PSI_X, conj(y)·PSI_Y)`.
const PSI_X: CtFq2 = fq2_to_ct(ark_bls12_381::Fq2::new(
    MontFp!("0"),
    MontFp!("4002409555221667392624310435006688643935503118305586438271171395842971157480381377015405980053539358417135540939437"),
));
const PSI_Y: CtFq2 = fq2_to_ct(ark_bls12_381::Fq2::new(
    MontFp!("2973677408986561043442465346520108879172042883009249989176415018091420807192182638567116318576472649347015917690530"),
    MontFp!("1028732146235106349975324479215795277384839936929757896155643118032610843298655225875571310552543014690878354869257"),
));

/// `a^e` by square-and-multiply over the bits of a **public** exponent: the branches
/// depend on `e` only, the field operations are constant time.
fn pow_public<F: Field>(a: &F, e: &[u64; 6]) -> F {
    let mut res = F::ONE;
    for limb in e.iter().rev() {
        for i in (0..64).rev() {
            res.square_in_place();
            if (limb >> i) & 1 == 1 {
                res *= a;
            }
        }
    }
    res
}

/// A square root of `a` in F_q and whether `a` is a square.
pub(crate) fn fq_sqrt(a: &CtFq) -> (CtFq, Choice) {
    let y = pow_public(a, &Q_PLUS_1_DIV_4);
    (y, y.square().ct_eq(a))
}

/// A square root of `a` in F_q2 (`u² = −1`) and whether `a` is a square:
/// Adj–Rodríguez-Henríquez 2012, Algorithm 9, both branches computed.
pub(crate) fn fq2_sqrt(a: &CtFq2) -> (CtFq2, Choice) {
    let a1 = pow_public(a, &Q_MINUS_3_DIV_4);
    let alpha = a1.square() * a; // a^((q−1)/2)
    let x0 = a1 * a;
    // α = −1: x = u·x0.
    let x_u = CtFq2::new(-x0.c1, x0.c0);
    // Otherwise: x = (1 + α)^((q−1)/2)·x0.
    let x_b = pow_public(&(CtFq2::ONE + alpha), &Q_MINUS_1_DIV_2) * x0;
    let x = CtFq2::ct_select(&x_b, &x_u, alpha.ct_eq(&-CtFq2::ONE));
    (x, x.square().ct_eq(a))
}

/// `[|x|]P` by double-and-add over the public bits of `|x|` (complete formulas).
fn mul_by_x_abs<C: super::super::curve::CtCurve>(p: &CtPoint<C>) -> CtPoint<C> {
    let mut acc = CtPoint::<C>::identity();
    for i in (0..64).rev() {
        acc = acc.double();
        if (X_ABS >> i) & 1 == 1 {
            acc = acc.add(p);
        }
    }
    acc
}

/// G1 membership of a point on the curve (arkworks' test, branch-free):
/// not (`[x]P = P` and `P ≠ O`), and `φ(P) = −[x²]P`.
pub(crate) fn g1_in_subgroup(p: &CtPoint<G1Curve>) -> Choice {
    let xp = mul_by_x_abs(p);
    let early_reject = xp.ct_eq(p) & !p.is_identity();
    let minus_x2p = mul_by_x_abs(&xp).neg();
    let phi = CtPoint::<G1Curve> {
        x: p.x * BETA,
        y: p.y,
        z: p.z,
    };
    !early_reject & minus_x2p.ct_eq(&phi)
}

/// G2 membership of a point on the twist (arkworks' test, branch-free):
/// `ψ(P) = [x]P = −[|x|]P`.
pub(crate) fn g2_in_subgroup(p: &CtPoint<G2Curve>) -> Choice {
    let xp = mul_by_x_abs(p).neg();
    let conj = |a: &CtFq2| CtFq2::new(a.c0, -a.c1);
    let psi = CtPoint::<G2Curve> {
        x: conj(&p.x) * PSI_X,
        y: conj(&p.y) * PSI_Y,
        z: conj(&p.z),
    };
    xp.ct_eq(&psi)
}

/// Big-endian bytes → `F_q`, and whether they encode a value below `q`.
fn fq_from_be(bytes: &[u8]) -> (CtFq, Choice) {
    let mut limbs = [0u64; 6];
    for (i, limb) in limbs.iter_mut().enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[40 - 8 * i..48 - 8 * i]);
        *limb = u64::from_be_bytes(b);
    }
    FqBackend::ct_from_canonical(&limbs)
}

/// The Zcash flags of the first byte: (compressed, infinity, sign), and the bytes with
/// the flags cleared.
fn flags<const N: usize>(bytes: &[u8; N]) -> (Choice, Choice, Choice, [u8; N]) {
    let b0 = bytes[0];
    let mut x = *bytes;
    x[0] &= 0x1f;
    (
        Choice::from((b0 >> 7) & 1),
        Choice::from((b0 >> 6) & 1),
        Choice::from((b0 >> 5) & 1),
        x,
    )
}

/// Flag validity as the public decoder judges it: compressed, no sign on the identity,
/// the identity's x bytes zero, a finite point `finite_ok`.
fn judge(
    compressed: Choice,
    inf: Choice,
    sign: Choice,
    x_zero: Choice,
    finite_ok: Choice,
) -> Choice {
    compressed & !(sign & inf) & ((inf & x_zero) | (!inf & finite_ok))
}

/// A decoded point with its two validity bits (both secret until declassified).
#[allow(missing_debug_implementations)] // secret: no `Debug` at all
pub struct Decoded<C: CtCurve> {
    /// The point (the identity for the identity's encoding; meaningless if invalid).
    pub point: CtPoint<C>,
    /// Flags, canonical `x`, a point with this `x`, canonical sign: all but the
    /// subgroup.
    pub well_formed: Choice,
    /// `well_formed` and in the order-r subgroup: exactly what arkworks accepts.
    pub valid: Choice,
}

/// Decodes a 48-byte compressed G1 point: the point (the identity for the identity's
/// encoding; meaningless when invalid) and its two validity bits, `valid` exactly as
/// arkworks' `deserialize_compressed` decides.
pub fn g1_decompress(bytes: &[u8; 48]) -> Decoded<G1Curve> {
    let (compressed, inf, sign, xb) = flags(bytes);
    let x_zero = xb[..].ct_eq(&[0u8; 48][..]);
    let (x, x_ok) = fq_from_be(&xb);
    let b = fq_to_ct(g1::Config::COEFF_B);
    let (y, y_ok) = fq_sqrt(&(x.square() * x + b));
    // A sign bit on y = 0 is not canonical (the encoder never sets it). No such point
    // exists on BLS12-381 (odd cofactor); checked anyway, as the public decoder does.
    let sign_ok = !(sign & y.ct_is_zero());
    let y = CtFq::ct_select(&y, &-y, is_largest(&y) ^ sign);
    let finite = CtPoint::<G1Curve> { x, y, z: CtFq::ONE };
    let on_curve = x_ok & y_ok & sign_ok;
    let in_subgroup = g1_in_subgroup(&finite);
    let point = CtPoint::ct_select(&finite, &CtPoint::identity(), inf);
    Decoded {
        point,
        well_formed: judge(compressed, inf, sign, x_zero, on_curve),
        valid: judge(compressed, inf, sign, x_zero, on_curve & in_subgroup),
    }
}

/// Decodes a 96-byte compressed G2 point (`x.c1 ‖ x.c0`, the sign of `y.c1`, or of
/// `y.c0` when `y.c1 = 0`), as [`g1_decompress`].
pub fn g2_decompress(bytes: &[u8; 96]) -> Decoded<G2Curve> {
    let (compressed, inf, sign, xb) = flags(bytes);
    let x_zero = xb[..].ct_eq(&[0u8; 96][..]);
    let (c1, c1_ok) = fq_from_be(&xb[..48]);
    let (c0, c0_ok) = fq_from_be(&xb[48..]);
    let x = CtFq2::new(c0, c1);
    let b = fq2_to_ct(g2::Config::COEFF_B);
    let (y, y_ok) = fq2_sqrt(&(x.square() * x + b));
    let sign_ok = !(sign & y.c0.ct_is_zero() & y.c1.ct_is_zero());
    let largest =
        Choice::conditional_select(&is_largest(&y.c1), &is_largest(&y.c0), y.c1.ct_is_zero());
    let y = CtFq2::ct_select(&y, &-y, largest ^ sign);
    let finite = CtPoint::<G2Curve> {
        x,
        y,
        z: CtFq2::ONE,
    };
    let on_curve = c1_ok & c0_ok & y_ok & sign_ok;
    let in_subgroup = g2_in_subgroup(&finite);
    let point = CtPoint::ct_select(&finite, &CtPoint::identity(), inf);
    Decoded {
        point,
        well_formed: judge(compressed, inf, sign, x_zero, on_curve),
        valid: judge(compressed, inf, sign, x_zero, on_curve & in_subgroup),
    }
}
