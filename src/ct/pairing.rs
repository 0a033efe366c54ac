//! A constant-time pairing: the optimal ate pairing of BLS12-381 over the CT tower.
//!
//! Decryption pairs secret key points (`K'·Π K_y^γ` in G1, the key's `K0` in G2).
//! arkworks' pairing runs on its branchy `Fq`, and its generic Miller loop, G2
//! preparation and final exponentiation also test their inputs for zero and the
//! identity. This is the same algorithm, ported from ark-ec 0.6's `bls12` module, on
//! [`CtFq12`]:
//!
//! - the G2 line coefficients (`prepare`: arkworks' `G2HomProjective` doubling and
//!   addition steps for an M-type twist) and the Miller loop (`ell` with `mul_by_014`)
//!   branch only on the bits of the public curve parameter `x`;
//! - the final exponentiation (Fuentes-Castañeda et al., as in arkworks) uses a
//!   branch-free `F_q12` inversion (norms down the tower, Fermat in `F_q`), conjugation
//!   for the cyclotomic inverse, and square-and-multiply over the public `x`;
//! - a pair with an identity point contributes 1, as in arkworks, without a branch
//!   (as zkcrypto's `bls12_381` does): an identity input is replaced by the generator
//!   of its group, the pair carries a [`Choice`] "either side is the identity", and
//!   each of its lines is replaced by the line `1` (coefficients `(1, 0, 0)`) under that
//!   mask, so the pair leaves the Miller loop's value unchanged. Nothing about the
//!   inputs is declassified: the same instructions and addresses run for the identity
//!   and for any other point.

use core::fmt;

use ark_bls12_381::{g1, g2, Bls12_381, G1Affine, G2Affine};
use ark_ec::pairing::PairingOutput;
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ff::{
    AdditiveGroup, BitIteratorBE, CyclotomicMultSubgroup, Field, Fp12Config, Fp6, MontFp,
};
use subtle::Choice;
use zeroize::Zeroize;

use super::fields::{
    fq12_from_ct, fq2_to_ct, fq_to_ct, CtField, CtFq, CtFq12, CtFq12Config, CtFq2, CtFq6,
    CtFq6Config,
};
use super::secret::SecretGt;

/// BLS12-381's `x = −0xd201000000010000` (absolute value; `x` is negative).
const X: [u64; 1] = [0xd201_0000_0001_0000];

/// `b' = 4(1 + u)`, the constant of the G2 twist.
const COEFF_B2: CtFq2 = fq2_to_ct(<g2::Config as SWCurveConfig>::COEFF_B);

/// `1/2 = (q + 1)/2` in F_q (a constant instead of a Fermat inversion per point).
const TWO_INV: CtFq = fq_to_ct(MontFp!(
    "2001204777610833696708894912867952078278441409969503942666029068062015825245418932221343814564507832018947136279894"
));

/// The generators, substituted for an identity input (see the module documentation).
const G1_GEN_X: CtFq = fq_to_ct(<g1::Config as SWCurveConfig>::GENERATOR.x);
const G1_GEN_Y: CtFq = fq_to_ct(<g1::Config as SWCurveConfig>::GENERATOR.y);
const G2_GEN_X: CtFq2 = fq2_to_ct(<g2::Config as SWCurveConfig>::GENERATOR.x);
const G2_GEN_Y: CtFq2 = fq2_to_ct(<g2::Config as SWCurveConfig>::GENERATOR.y);

type EllCoeff = (CtFq2, CtFq2, CtFq2);

/// A G2 point prepared for the Miller loop: its line coefficients. For a secret point
/// (a key's `K0`) they are secret too: wiped on drop, redacted in `Debug`.
pub struct CtG2Prepared {
    /// The lines of `q`, or of the generator if `q` is the identity.
    coeffs: Vec<EllCoeff>,
    /// 1 if `q` is the identity (secret for a secret `q`; never branched on).
    infinity: Choice,
}

impl fmt::Debug for CtG2Prepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CtG2Prepared").finish_non_exhaustive()
    }
}

impl Drop for CtG2Prepared {
    fn drop(&mut self) {
        for (a, b, c) in &mut self.coeffs {
            a.zeroize();
            b.zeroize();
            c.zeroize();
        }
    }
}

impl Clone for CtG2Prepared {
    fn clone(&self) -> Self {
        Self {
            coeffs: self.coeffs.clone(),
            infinity: self.infinity,
        }
    }
}

/// Homogeneous projective `(X : Y : Z)` on the twist, for the line computations.
struct HomProjective {
    x: CtFq2,
    y: CtFq2,
    z: CtFq2,
}

impl HomProjective {
    /// arkworks' `G2HomProjective::double_in_place` (M-type twist).
    fn double_in_place(&mut self, two_inv: &CtFq) -> EllCoeff {
        let mut a = self.x * self.y;
        a.mul_assign_by_fp(two_inv);
        let b = self.y.square();
        let c = self.z.square();
        let e = COEFF_B2 * (c.double() + c);
        let f = e.double() + e;
        let mut g = b + f;
        g.mul_assign_by_fp(two_inv);
        let h = (self.y + self.z).square() - (b + c);
        let i = e - b;
        let j = self.x.square();
        let e_square = e.square();
        self.x = a * (b - f);
        self.y = g.square() - (e_square.double() + e_square);
        self.z = b * h;
        (i, j.double() + j, -h)
    }

    /// arkworks' `G2HomProjective::add_in_place` (M-type twist), `q = (qx, qy)` affine.
    fn add_in_place(&mut self, qx: &CtFq2, qy: &CtFq2) -> EllCoeff {
        let theta = self.y - (*qy * self.z);
        let lambda = self.x - (*qx * self.z);
        let c = theta.square();
        let d = lambda.square();
        let e = lambda * d;
        let f = self.z * c;
        let g = self.x * d;
        let h = e + f - g.double();
        self.x = lambda * h;
        self.y = theta * (g - h) - (e * self.y);
        self.z *= e;
        let j = theta * qx - (lambda * qy);
        (j, -theta, lambda)
    }
}

impl CtG2Prepared {
    /// The line coefficients of `q` (public or secret; arkworks' affine form, the
    /// identity being `(0, 0)`).
    pub fn new(q: &G2Affine) -> Self {
        let (mut qx, mut qy) = (fq2_to_ct(q.x), fq2_to_ct(q.y));
        // The identity (arkworks' `(0, 0)`) is replaced by the generator, whose lines
        // are computed and then masked out in the Miller loop.
        let infinity = qx.ct_is_zero() & qy.ct_is_zero();
        qx = CtFq2::ct_select(&qx, &G2_GEN_X, infinity);
        qy = CtFq2::ct_select(&qy, &G2_GEN_Y, infinity);
        let two_inv = TWO_INV;
        let mut r = HomProjective {
            x: qx,
            y: qy,
            z: CtFq2::ONE,
        };
        let mut coeffs = Vec::with_capacity(68);
        for bit in BitIteratorBE::new(X).skip(1) {
            coeffs.push(r.double_in_place(&two_inv));
            if bit {
                coeffs.push(r.add_in_place(&qx, &qy));
            }
        }
        r.x.zeroize();
        r.y.zeroize();
        r.z.zeroize();
        qx.zeroize();
        qy.zeroize();
        Self { coeffs, infinity }
    }
}

/// `f · ℓ(P)`: the line with coefficients `c` evaluated at `P = (px, py)`, or `f`
/// unchanged when `skip` is 1 (the line replaced by `(1, 0, 0)`, i.e. the element 1 of
/// `F_q12`, by masks: the same multiplication runs either way).
fn ell(f: &mut CtFq12, c: &EllCoeff, px: &CtFq, py: &CtFq, skip: Choice) {
    let (mut c0, mut c1, mut c2) = *c;
    c2.mul_assign_by_fp(py);
    c1.mul_assign_by_fp(px);
    c0 = CtFq2::ct_select(&c0, &CtFq2::ONE, skip);
    c1 = CtFq2::ct_select(&c1, &CtFq2::ZERO, skip);
    c2 = CtFq2::ct_select(&c2, &CtFq2::ZERO, skip);
    f.mul_by_014(&c0, &c1, &c2);
    c0.zeroize();
    c1.zeroize();
    c2.zeroize();
}

/// The Miller loop `Π f_{x,Q_i}(P_i)` (before the final exponentiation). A pair with an
/// identity on either side contributes 1 (masked, see the module documentation).
pub fn multi_miller_loop(g1: &[G1Affine], g2: &[&CtG2Prepared]) -> CtFq12 {
    let mut pairs = Vec::with_capacity(g1.len());
    for (p, q) in g1.iter().zip(g2) {
        let (px, py) = (fq_to_ct(p.x), fq_to_ct(p.y));
        let p_zero = px.ct_is_zero() & py.ct_is_zero();
        let px = CtFq::ct_select(&px, &G1_GEN_X, p_zero);
        let py = CtFq::ct_select(&py, &G1_GEN_Y, p_zero);
        pairs.push((px, py, p_zero | q.infinity, q.coeffs.iter()));
    }
    let mut f = CtFq12::ONE;
    for bit in BitIteratorBE::without_leading_zeros(X).skip(1) {
        f.square_in_place();
        for (px, py, skip, coeffs) in pairs.iter_mut() {
            if let Some(c) = coeffs.next() {
                ell(&mut f, c, px, py, *skip);
            }
        }
        if bit {
            for (px, py, skip, coeffs) in pairs.iter_mut() {
                if let Some(c) = coeffs.next() {
                    ell(&mut f, c, px, py, *skip);
                }
            }
        }
    }
    for (px, py, _, _) in &mut pairs {
        px.zeroize();
        py.zeroize();
    }
    // x < 0: conjugate (the cyclotomic inverse; f is unitary up to the final
    // exponentiation's easy part, which arkworks relies on the same way).
    f.conjugate_in_place();
    f
}

/// `a^(-1)` in `F_q6` (0 for 0), without branches: the adjugate over the norm.
fn fq6_invert(a: &CtFq6) -> CtFq6 {
    let nr = |x: CtFq2| <CtFq6Config as ark_ff::Fp6Config>::mul_fp2_by_nonresidue(x);
    let (c0, c1, c2) = (a.c0, a.c1, a.c2);
    let t0 = c0.square() - nr(c1 * c2);
    let t1 = nr(c2.square()) - c0 * c1;
    let t2 = c1.square() - c0 * c2;
    let d = c0 * t0 + nr(c2 * t1 + c1 * t2);
    let di = d.ct_invert();
    Fp6::new(t0 * di, t1 * di, t2 * di)
}

/// `a^(-1)` in `F_q12` (0 for 0), without branches: `(c0 − c1·w)/(c0² − v·c1²)`.
pub(crate) fn fq12_invert(a: &CtFq12) -> CtFq12 {
    let mut v_c1_sq = a.c1.square();
    CtFq12Config::mul_fp6_by_nonresidue_in_place(&mut v_c1_sq);
    let norm = a.c0.square() - v_c1_sq;
    let ni = fq6_invert(&norm);
    CtFq12::new(a.c0 * ni, -(a.c1 * ni))
}

/// `f^x` for the (negative) curve parameter: square-and-multiply over the public bits
/// of `|x|` with cyclotomic squarings, then conjugation.
fn exp_by_x(f: &CtFq12) -> CtFq12 {
    let mut r = *f;
    for bit in BitIteratorBE::without_leading_zeros(X).skip(1) {
        r.cyclotomic_square_in_place();
        if bit {
            r *= f;
        }
    }
    r.conjugate_in_place();
    r
}

fn conj(f: &CtFq12) -> CtFq12 {
    let mut c = *f;
    c.conjugate_in_place();
    c
}

/// The final exponentiation `f^((q^12 − 1)/r)`: arkworks' sequence (ePrint 2020/875)
/// with the branch-free inversion and exponentiation above. A zero input (impossible
/// for a Miller-loop output) gives zero instead of arkworks' `None`.
pub fn final_exponentiation(f: &CtFq12) -> CtFq12 {
    // Easy part: r = f^((q^6 − 1)(q^2 + 1)).
    let f1 = conj(f);
    let f2 = fq12_invert(f);
    let mut r = f1 * f2;
    let f2 = r;
    r.frobenius_map_in_place(2);
    r *= &f2;
    // Hard part.
    let mut y0 = r.cyclotomic_square();
    let mut y1 = exp_by_x(&r);
    let mut y2 = conj(&r);
    y1 *= &y2;
    y2 = exp_by_x(&y1);
    y1 = conj(&y1);
    y1 *= &y2;
    y2 = exp_by_x(&y1);
    y1.frobenius_map_in_place(1);
    y1 *= &y2;
    r *= &y0;
    y0 = exp_by_x(&y1);
    y2 = exp_by_x(&y0);
    y0 = y1;
    y0.frobenius_map_in_place(2);
    y1 = conj(&y1);
    y1 *= &y2;
    y1 *= &y0;
    r *= &y1;
    r
}

/// `Π e(P_i, Q_i)` in constant time. `P_i` may be secret (e.g. the coordinates of a
/// [`SecretAffine`](super::SecretAffine), in a `Zeroizing` array),
/// `Q_i` prepared once with [`CtG2Prepared::new`] (e.g. a key's `K0`). The number of
/// pairs is public; extra points on either side are ignored.
pub fn multi_pairing(g1: &[G1Affine], g2: &[&CtG2Prepared]) -> SecretGt {
    let f = multi_miller_loop(g1, g2);
    SecretGt(final_exponentiation(&f))
}

/// `Π e(P_i, Q_i)` for **public** inputs (signature checks, public-key derivation), by
/// the fastest route on the target: natively arkworks' own pairing; on wasm32 the
/// tower above, whose field multiplication runs on 32-bit limbs there (arkworks'
/// 64-bit limbs pay for emulated 128-bit products: `docs/performance.md`, "WASM").
/// Both give the same value, the identity for an empty or identity-only input, and
/// ignore extra points on either side.
pub fn multi_pairing_vartime(g1: &[G1Affine], g2: &[G2Affine]) -> PairingOutput<Bls12_381> {
    #[cfg(target_arch = "wasm32")]
    {
        multi_pairing_tower(g1, g2)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use ark_ec::pairing::Pairing;
        Bls12_381::multi_pairing(g1.iter().copied(), g2.iter().copied())
    }
}

/// `e(P, Q)` for public inputs: [`multi_pairing_vartime`] with one pair.
pub fn pairing_vartime(p: G1Affine, q: G2Affine) -> PairingOutput<Bls12_381> {
    multi_pairing_vartime(&[p], &[q])
}

/// The wasm32 route of [`multi_pairing_vartime`], compiled everywhere so that native
/// tests compare it with arkworks.
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
pub(crate) fn multi_pairing_tower(g1: &[G1Affine], g2: &[G2Affine]) -> PairingOutput<Bls12_381> {
    let prepared: Vec<CtG2Prepared> = g2.iter().map(CtG2Prepared::new).collect();
    let refs: Vec<&CtG2Prepared> = prepared.iter().collect();
    PairingOutput(fq12_from_ct(final_exponentiation(&multi_miller_loop(
        g1, &refs,
    ))))
}

#[cfg(test)]
mod vartime_tests {
    use ark_bls12_381::{Bls12_381, G1Projective, G2Projective};
    use ark_ec::pairing::Pairing;
    use ark_ec::{AffineRepr, CurveGroup};
    use ark_ff::{UniformRand, Zero};
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    use super::*;

    #[test]
    fn tower_route_equals_arkworks_including_identities() {
        let mut rng = ChaCha20Rng::seed_from_u64(77);
        for n in [0usize, 1, 2, 6] {
            let mut g1: Vec<G1Affine> = (0..n)
                .map(|_| G1Projective::rand(&mut rng).into_affine())
                .collect();
            let mut g2: Vec<G2Affine> = (0..n)
                .map(|_| G2Projective::rand(&mut rng).into_affine())
                .collect();
            let want = Bls12_381::multi_pairing(&g1, &g2);
            assert_eq!(multi_pairing_tower(&g1, &g2), want, "n = {n}");
            assert_eq!(multi_pairing_vartime(&g1, &g2), want, "n = {n}");
            if n >= 2 {
                // An identity on either side drops its pair, as in arkworks.
                g1[0] = G1Affine::zero();
                g2[1] = G2Affine::zero();
                let want = Bls12_381::multi_pairing(&g1, &g2);
                assert_eq!(multi_pairing_tower(&g1, &g2), want, "n = {n}, identities");
            }
        }
        let (p, q) = (G1Affine::generator(), G2Affine::generator());
        assert_eq!(pairing_vartime(p, q), Bls12_381::pairing(p, q));
    }

    #[test]
    fn balanced_product_is_the_identity() {
        // e(P, Q) · e(−P, Q) = 1: what the signature checks test.
        let mut rng = ChaCha20Rng::seed_from_u64(78);
        let p = G1Projective::rand(&mut rng).into_affine();
        let q = G2Projective::rand(&mut rng).into_affine();
        assert!(multi_pairing_tower(&[p, -p], &[q, q]).is_zero());
        assert!(!multi_pairing_tower(&[p, p], &[q, q]).is_zero());
    }

    #[test]
    fn two_inv_is_one_half() {
        assert_eq!(TWO_INV.double(), CtFq::ONE);
    }
}
