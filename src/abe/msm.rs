//! `Σ k_i·P_i` over **public** points and **public** scalars, in variable time: the FO
//! check's batched row comparison (three MSMs of `3·rows` points with 128-bit weights,
//! drawn split, below) and DecCore's public header sums.
//!
//! The FO check's weights are drawn as `a + b·λ` with `a`, `b` below 2^64 and `λ` the
//! eigenvalue of G1's endomorphism `φ(x, y) = (β·x, y)` ([`SplitWeight`]), so that
//! `Σ (a_i + b_i·λ)·P_i = Σ a_i·P_i + Σ b_i·φ(P_i)` is one MSM of twice the points with
//! 64-bit scalars ([`msm_split_weights`]): half the windows, so half the bucket sums,
//! for the same number of point additions (GLV's decomposition, with the weights drawn
//! already decomposed). `docs/security.md` §2.1 shows the 2^128 pairs give 2^128
//! distinct weights.
//!
//! arkworks' `VariableBaseMSM::msm` is Pippenger's bucket method over all 255 bits of
//! the scalar field with `2^c` buckets a window. This is the same method (Bernstein et
//! al.'s signed-digit Pippenger, buckets in arkworks' extended-Jacobian `Bucket`) with
//! two changes that matter for 128-bit weights: the windows stop at the widest scalar's
//! top bit instead of bit 255, and signed digits in `[−2^(c−1), 2^(c−1)]` need only
//! `2^(c−1)` buckets, so each window's bucket sum costs half. Measured on this machine
//! (`docs/performance.md`, "Session 29"): 10–25 % less time than arkworks' MSM for 15 to
//! 300 points of 128-bit scalars, and an open of an AND of 50 went from 3.6× to 3.3× the
//! pairing floor. Variable time is fine: every input is public.

use ark_bls12_381::{g1, Fr, G1Affine, G1Projective};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::short_weierstrass::Bucket;
use ark_ec::AffineRepr;
use ark_ff::{AdditiveGroup, BigInteger, PrimeField, Zero};

use crate::error::{Error, Result};

/// `Σ k_i·P_i` (public inputs only). A scalar above `(r − 1)/2` is replaced by its
/// negation on the negated point, so that differences of weights (the FO check's column
/// coefficient halves over entries `−1`) stay about as wide as the weights instead of
/// 255 bits. Zero scalars and identity points are skipped.
///
/// # Errors
///
/// `InvalidArgument` if `bases` and `scalars` differ in length.
pub(crate) fn msm_vartime(bases: &[G1Affine], scalars: &[Fr]) -> Result<G1Projective> {
    if bases.len() != scalars.len() {
        return Err(Error::InvalidArgument(
            "MSM bases and scalars differ in number",
        ));
    }
    let mut points = Vec::with_capacity(bases.len());
    let mut digits_of = Vec::with_capacity(bases.len());
    for (p, k) in bases.iter().zip(scalars) {
        if k.is_zero() || p.is_zero() {
            continue;
        }
        let mut k = k.into_bigint();
        let mut p = *p;
        if k > Fr::MODULUS_MINUS_ONE_DIV_TWO {
            k = (-Fr::from_bigint(k).unwrap_or_default()).into_bigint();
            p = -p;
        }
        points.push(p);
        digits_of.push(k);
    }
    let Some(bits) = digits_of.iter().map(|k| k.num_bits() as usize).max() else {
        return Ok(G1Projective::zero());
    };
    Ok(pippenger(&points, &digits_of, bits))
}

/// A weight `a + b·λ mod r` of the FO check's batched comparison, kept as its two
/// 64-bit halves. `λ` is the eigenvalue of `φ(x, y) = (β·x, y)` on G1 (arkworks'
/// `GLVConfig::LAMBDA` for BLS12-381 G1, `λ = −z² mod r`): `φ(P) = λ·P` for every `P` in
/// G1, and for no point outside it, so the bases must be G1 points (decoded with the
/// subgroup check, or hash-to-curve outputs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SplitWeight {
    /// The integer part `a < 2^64`.
    pub(crate) a: u64,
    /// The coefficient `b < 2^64` of `λ`.
    pub(crate) b: u64,
}

impl SplitWeight {
    /// `a + b·λ` in Fr (the tests' reference; the library never forms it).
    #[cfg(test)]
    pub(crate) fn to_fr(self) -> Fr {
        Fr::from(self.a) + Fr::from(self.b) * <g1::Config as GLVConfig>::LAMBDA
    }
}

/// `Σ (a_i + b_i·λ)·P_i = Σ a_i·P_i + Σ b_i·φ(P_i)` over public G1 points: one MSM of
/// up to `2n` points with 64-bit scalars. Identity points and zero halves are skipped.
///
/// # Errors
///
/// `InvalidArgument` if `bases` and `weights` differ in length.
pub(crate) fn msm_split_weights(
    bases: &[G1Affine],
    weights: &[SplitWeight],
) -> Result<G1Projective> {
    if bases.len() != weights.len() {
        return Err(Error::InvalidArgument(
            "MSM bases and weights differ in number",
        ));
    }
    let mut points = Vec::with_capacity(2 * bases.len());
    let mut scalars = Vec::with_capacity(2 * bases.len());
    for (p, w) in bases.iter().zip(weights) {
        if p.is_zero() {
            continue;
        }
        if w.a != 0 {
            points.push(*p);
            scalars.push(<Fr as PrimeField>::BigInt::from(w.a));
        }
        if w.b != 0 {
            points.push(<g1::Config as GLVConfig>::endomorphism_affine(p));
            scalars.push(<Fr as PrimeField>::BigInt::from(w.b));
        }
    }
    let Some(bits) = scalars.iter().map(|k| k.num_bits() as usize).max() else {
        return Ok(G1Projective::zero());
    };
    Ok(pippenger(&points, &scalars, bits))
}

/// The window width for `n` terms of at most `bits` bits: the `c` that minimises the
/// cost model `(bits/c + 1)·(n + 1.4·2^c)` (per window, one mixed addition a term and
/// `2·2^(c−1)` bucket additions at about 1.4 mixed additions each). It picks the best
/// of 3–9 measured on this machine for 15 to 300 terms of 64- and 128-bit scalars
/// (or one within 3 % of it).
fn window_bits(n: usize, bits: usize) -> usize {
    let cost = |c: usize| (bits / c + 1) * (10 * n + 14 * (1 << c));
    (2..=15).min_by_key(|&c| cost(c)).unwrap_or(4)
}

/// Signed-digit Pippenger over scalars of at most `bits` bits (all non-zero, below r/2).
fn pippenger(
    points: &[G1Affine],
    scalars: &[<Fr as PrimeField>::BigInt],
    bits: usize,
) -> G1Projective {
    let c = window_bits(points.len(), bits);
    let digits = signed_digits(scalars, bits, c);
    let windows = digits.len() / points.len().max(1);
    let mut buckets = vec![Bucket::<g1::Config>::ZERO; 1 << (c - 1)];
    let mut total = G1Projective::zero();
    for w in (0..windows).rev() {
        for _ in 0..c {
            total.double_in_place();
        }
        buckets.iter_mut().for_each(|b| *b = Bucket::ZERO);
        for (p, d) in points
            .iter()
            .zip(&digits[w * points.len()..(w + 1) * points.len()])
        {
            match d.cmp(&0) {
                core::cmp::Ordering::Greater => buckets[usize::from(d.unsigned_abs()) - 1] += p,
                core::cmp::Ordering::Less => buckets[usize::from(d.unsigned_abs()) - 1] -= p,
                core::cmp::Ordering::Equal => {}
            }
        }
        // Σ_j (j + 1)·bucket_j by running sums from the top bucket down.
        let mut running = Bucket::<g1::Config>::ZERO;
        let mut sum = Bucket::<g1::Config>::ZERO;
        for b in buckets.iter().rev() {
            running += b;
            sum += &running;
        }
        total += &sum;
    }
    total
}

/// The signed base-`2^c` digits of every scalar, window-major (`digits[w·n + i]` is
/// scalar `i`'s digit `w`), each in `[−2^(c−1), 2^(c−1)]`: a digit of `2^(c−1)` or more
/// becomes `digit − 2^c` with a carry into the next window. `bits / c + 1` windows,
/// so the top window holds fewer than `c` bits plus a carry and never carries out (its
/// digit is at most `2^(c−1)`, which is left as it is).
fn signed_digits(scalars: &[<Fr as PrimeField>::BigInt], bits: usize, c: usize) -> Vec<i16> {
    let windows = bits / c + 1;
    let n = scalars.len();
    let half = 1i32 << (c - 1);
    let mut digits = vec![0i16; windows * n];
    for (i, k) in scalars.iter().enumerate() {
        let mut carry = 0i32;
        for w in 0..windows {
            let mut d = window(k, w * c, c) + carry;
            carry = 0;
            if d > half || (d == half && w + 1 < windows) {
                d -= 1 << c;
                carry = 1;
            }
            // |d| ≤ 2^(c−1) ≤ 2^14 for the widths `window_bits` picks (c ≤ 15).
            digits[w * n + i] = i16::try_from(d).unwrap_or_default();
        }
    }
    digits
}

/// Bits `[start, start + c)` of `k` (zero above its top limb), `c ≤ 16`.
fn window(k: &<Fr as PrimeField>::BigInt, start: usize, c: usize) -> i32 {
    let limbs = k.as_ref();
    let (limb, shift) = (start / 64, start % 64);
    let low = limbs.get(limb).map_or(0, |l| l >> shift);
    let high = match (shift, limbs.get(limb + 1)) {
        (0, _) | (_, None) => 0,
        (s, Some(h)) => h << (64 - s),
    };
    i32::try_from((low | high) & ((1u64 << c) - 1)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use ark_ec::CurveGroup;
    use ark_ff::{BigInteger, Field, One};
    use ark_std::UniformRand;
    use rand::{Rng, SeedableRng};

    use super::*;

    fn naive(bases: &[G1Affine], scalars: &[Fr]) -> G1Projective {
        bases
            .iter()
            .zip(scalars)
            .map(|(p, k)| p.into_group() * k)
            .sum()
    }

    /// The public MSM equals the plain sum of products: no term, one, few and many
    /// terms (every window width from 3 to 8), scalars of 128 bits, full width, above
    /// (r − 1)/2 (the negated-point path) and zero.
    #[test]
    fn msm_vartime_is_the_sum_of_products() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(19);
        for n in [0usize, 1, 2, 3, 31, 32, 64, 65, 100, 200, 600] {
            let bases: Vec<G1Affine> = (0..n)
                .map(|_| G1Projective::rand(&mut rng).into_affine())
                .collect();
            let scalars: Vec<Fr> = (0..n)
                .map(|i| match i % 4 {
                    0 => Fr::from(rng.gen::<u128>()),
                    1 => Fr::rand(&mut rng),
                    2 => -Fr::from(rng.gen::<u128>()),
                    _ => Fr::zero(),
                })
                .collect();
            let got = msm_vartime(&bases, &scalars).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(got, naive(&bases, &scalars), "{n} terms");
            // Only 128-bit scalars: windows stop at bit 128.
            let weights: Vec<Fr> = (0..n).map(|_| Fr::from(rng.gen::<u128>())).collect();
            let got = msm_vartime(&bases, &weights).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(got, naive(&bases, &weights), "{n} weights");
        }
        // The negation's boundary: (r − 1)/2 is kept, (r + 1)/2 = −(r − 1)/2 and r − 1
        // = −1 are negated, beside 1 and 0.
        let half = Fr::from_bigint(Fr::MODULUS_MINUS_ONE_DIV_TWO).unwrap_or_else(|| panic!());
        let edges = [half, half + Fr::one(), -Fr::one(), Fr::one(), Fr::zero()];
        let bases: Vec<G1Affine> = edges
            .iter()
            .map(|_| G1Projective::rand(&mut rng).into_affine())
            .collect();
        for (i, (p, k)) in bases.iter().zip(&edges).enumerate() {
            let got = msm_vartime(&[*p], &[*k]).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(got, p.into_group() * k, "edge {i}");
        }
        let got = msm_vartime(&bases, &edges).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, naive(&bases, &edges), "the edges together");
        assert!(msm_vartime(&[G1Affine::generator()], &[]).is_err());
    }

    /// The cases where a bucket addition meets its own point or its negation (doubling,
    /// cancelling), identity points, and digits at carry boundaries: all-ones scalars
    /// (every window's digit becomes −1 with a carry), runs of `2^(c−1)` and of `c`
    /// ones for `c` from 3 to 8, and powers of two at each bit below 130, at sizes
    /// whose window widths are 3, 5 and 7.
    #[test]
    fn msm_vartime_edge_inputs() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(29);
        let p = G1Projective::rand(&mut rng).into_affine();
        let q = G1Projective::rand(&mut rng).into_affine();
        let cases: Vec<(Vec<G1Affine>, Vec<Fr>)> = vec![
            (vec![p, p, p], vec![Fr::from(5u8); 3]),
            (vec![p, -p], vec![Fr::from(7u8); 2]),
            (vec![p, p], vec![Fr::from(3u8), -Fr::from(3u8)]),
            (
                vec![G1Affine::zero(), p, G1Affine::zero()],
                vec![Fr::from(9u8); 3],
            ),
            (
                vec![p, q],
                vec![Fr::from(u128::MAX), Fr::from(u128::MAX >> 1)],
            ),
            (vec![p; 40], vec![Fr::from(u128::MAX); 40]),
        ];
        for (i, (bases, scalars)) in cases.iter().enumerate() {
            let got = msm_vartime(bases, scalars).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(got, naive(bases, scalars), "case {i}");
        }
        for n in [3usize, 40, 200] {
            for c in 3..=8u32 {
                let patterns = [
                    (1u128 << (c - 1)) * 0x0101_0101_0101_0101_0101_0101_0101_0101,
                    ((1u128 << c) - 1) << 3,
                    (1u128 << (c - 1)) | (1u128 << (2 * c - 1)),
                ];
                let bases: Vec<G1Affine> = (0..n)
                    .map(|_| G1Projective::rand(&mut rng).into_affine())
                    .collect();
                let scalars: Vec<Fr> = (0..n)
                    .map(|i| match i % 4 {
                        3 => Fr::from(2u8).pow([u64::try_from(i % 130).unwrap_or(0)]),
                        j => Fr::from(patterns[j]),
                    })
                    .collect();
                let got = msm_vartime(&bases, &scalars).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(
                    got,
                    naive(&bases, &scalars),
                    "{n} terms, pattern of {c} bits"
                );
            }
        }
    }

    /// `λ` is the eigenvalue of `φ` on G1 (`φ(P) = λ·P`, `λ² + λ + 1 = 0`, `λ = −z²`),
    /// and not on a curve point outside G1: the split-weight MSM needs G1 bases.
    #[test]
    fn lambda_is_the_endomorphism_eigenvalue() {
        let lambda = <g1::Config as GLVConfig>::LAMBDA;
        assert_eq!(lambda * lambda + lambda + Fr::one(), Fr::zero());
        let z = Fr::from(0xd201_0000_0001_0000u64);
        assert_eq!(lambda, -(z * z));
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(31);
        for _ in 0..4 {
            let p = G1Projective::rand(&mut rng).into_affine();
            let phi = <g1::Config as GLVConfig>::endomorphism_affine(&p);
            assert_eq!(phi.into_group(), p * lambda);
        }
        // A curve point outside G1 (the first small x with a point, not cofactor-cleared)
        // is not scaled by λ.
        let outside = (1u64..)
            .find_map(|x| G1Affine::get_point_from_x_unchecked(x.into(), false))
            .filter(|p| !p.is_in_correct_subgroup_assuming_on_curve())
            .unwrap_or_else(|| panic!("a point outside G1"));
        let phi = <g1::Config as GLVConfig>::endomorphism_affine(&outside);
        assert_ne!(phi.into_group(), outside * lambda);
    }

    /// The lattice `{(x, y) : x + y·λ ≡ 0 mod r}` behind the claim that the 2^128 pairs
    /// `(a, b)` give 2^128 distinct weights (`docs/security.md` §2.1): `(z², 1)` and
    /// `(1, 1 − z²)` lie in it and span it (determinant `±r`), they are almost orthogonal
    /// (inner product 1) and both about 2^127.4 long, so the basis is Lagrange-reduced
    /// and no non-zero vector is shorter than about 2^127.4; two pairs with the same
    /// weight would differ by a vector with both entries below 2^64 in absolute value.
    #[test]
    fn split_weights_are_distinct() {
        let lambda = <g1::Config as GLVConfig>::LAMBDA;
        let z2: u128 = 0xd201_0000_0001_0000u128 * 0xd201_0000_0001_0000u128;
        let z2_fr = Fr::from(z2);
        // (z², 1) and (1, 1 − z²) are in the lattice.
        assert_eq!(z2_fr + lambda, Fr::zero());
        assert_eq!(Fr::one() + (Fr::one() - z2_fr) * lambda, Fr::zero());
        // det = z²·(1 − z²) − 1 = −(z⁴ − z² + 1) = −r: z⁴ − z² + 1 is r (the integer).
        let r = modulus_limbs();
        let z2_big = [z2 as u64, (z2 >> 64) as u64, 0, 0];
        assert_eq!(r, poly_r(z2_big));
        // The shorter basis vector (1, 1 − z²) has length above 2^127 > √2·2^64.
        assert!(z2 - 1 > 1u128 << 127);
        // The map is a bijection on a sample: distinct pairs, distinct weights.
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(32);
        let pairs: Vec<SplitWeight> = (0..64)
            .map(|_| SplitWeight {
                a: rng.gen(),
                b: rng.gen(),
            })
            .collect();
        for (i, p) in pairs.iter().enumerate() {
            for q in &pairs[..i] {
                assert_ne!(p.to_fr(), q.to_fr());
            }
        }
    }

    /// r as four little-endian limbs.
    fn modulus_limbs() -> [u64; 4] {
        Fr::MODULUS.0
    }

    /// `t² − t + 1` for `t = z²` (four little-endian limbs; fits: about 2^255).
    fn poly_r(t: [u64; 4]) -> [u64; 4] {
        use ark_ff::BigInt;
        let t = BigInt::<4>(t);
        let mut square = t;
        // t² by schoolbook on the two low limbs (t < 2^128).
        let (a, b) = (u128::from(t.0[0]), u128::from(t.0[1]));
        let lo = a * a;
        let mid = 2 * a * b; // < 2^129: split below
        let hi = b * b;
        let mut limbs = [0u128; 5];
        limbs[0] = lo & u128::from(u64::MAX);
        limbs[1] = (lo >> 64) + (mid & u128::from(u64::MAX));
        limbs[2] = (mid >> 64) + (hi & u128::from(u64::MAX));
        limbs[3] = hi >> 64;
        for i in 0..4 {
            let carry = limbs[i] >> 64;
            limbs[i] &= u128::from(u64::MAX);
            limbs[i + 1] += carry;
        }
        for (d, l) in square.0.iter_mut().zip(limbs) {
            *d = u64::try_from(l).unwrap_or_else(|_| panic!("limb"));
        }
        square.sub_with_borrow(&t);
        square.add_with_carry(&BigInt::from(1u64));
        square.0
    }

    /// `Σ (a + b·λ)·P` by the split MSM equals the plain sum of products, with zero
    /// halves, identity bases, and the length check.
    #[test]
    fn split_weight_msm_is_the_sum_of_products() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(33);
        for n in [0usize, 1, 5, 30, 150] {
            let mut bases: Vec<G1Affine> = (0..n)
                .map(|_| G1Projective::rand(&mut rng).into_affine())
                .collect();
            if n > 2 {
                bases[2] = G1Affine::zero();
            }
            let weights: Vec<SplitWeight> = (0..n)
                .map(|i| SplitWeight {
                    a: if i % 5 == 1 { 0 } else { rng.gen() },
                    b: if i % 7 == 3 { 0 } else { rng.gen() },
                })
                .collect();
            let scalars: Vec<Fr> = weights.iter().map(|w| w.to_fr()).collect();
            let got = msm_split_weights(&bases, &weights).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(got, naive(&bases, &scalars), "{n} terms");
        }
        let g = [G1Affine::generator()];
        assert!(msm_split_weights(&g, &[]).is_err());
        let max = SplitWeight {
            a: u64::MAX,
            b: u64::MAX,
        };
        let got = msm_split_weights(&g, &[max]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, g[0] * max.to_fr());
        // Halves whose top window sits on the boundary: 80 terms of 64 bits take 5-bit
        // windows (64 mod 5 = 4 = c − 1: the top window holds 4 bits plus the carry),
        // with all-ones halves (a carry out of every window) and 2^(c−1) runs.
        assert_eq!(window_bits(80, 64), 5);
        let bases: Vec<G1Affine> = (0..40)
            .map(|_| G1Projective::rand(&mut rng).into_affine())
            .collect();
        let patterns = [u64::MAX, 0x8421_0842_1084_2108, 1 << 63, (1 << 60) | 0x10];
        let weights: Vec<SplitWeight> = (0..40)
            .map(|i| SplitWeight {
                a: patterns[i % 4],
                b: patterns[(i + 1) % 4],
            })
            .collect();
        let scalars: Vec<Fr> = weights.iter().map(|w| w.to_fr()).collect();
        let got = msm_split_weights(&bases, &weights).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, naive(&bases, &scalars), "boundary halves");
    }

    /// The window extraction reads across limb boundaries and past the top limb.
    #[test]
    fn windows_cross_limbs() {
        let k = Fr::from(u128::MAX).into_bigint();
        assert_eq!(window(&k, 60, 8), 0xff);
        assert_eq!(window(&k, 124, 8), 0x0f);
        assert_eq!(window(&k, 250, 8), 0);
        assert_eq!(window(&k, 256, 8), 0);
    }
}
