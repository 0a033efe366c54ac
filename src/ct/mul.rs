//! Constant-time scalar multiplication: signed 4-bit windows, a masked lookup that
//! reads every table entry, complete additions. No branch and no memory address
//! depends on the scalar or on a secret point.
//!
//! A scalar `s < r < 2^255` is recoded into 64 signed digits `d_i ∈ [−8, 8]` with
//! `s = Σ d_i·16^i` (branch-free carries). Each digit selects `|d_i|·P` from the table
//! `{1P, …, 8P}` by scanning all eight entries (digit 0 selects the identity), then
//! conditionally negates it.
//!
//! - Variable base: 63 × (4 doublings + 1 addition) after an 8-entry table.
//! - Several bases at once (Straus): the doublings are shared.
//! - Fixed base ([`FixedBaseTable`]): a public table `(j+1)·16^i·B` for every window
//!   `i`, so a multiplication is 64 lookups and 64 additions, no doublings.
//! - Secret points, **public** scalars ([`msm_public_scalars`]: DecCore's reconstruction
//!   coefficients on a key's components): the scalars' width-5 NAF may decide which
//!   table entry is added and whether anything is (both public), so there is no masked
//!   lookup and no addition for a zero digit; the point arithmetic is the same complete,
//!   branch-free formulas, so nothing depends on the secret points.

use core::fmt;

use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{AffineRepr, CurveGroup};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroize;

use super::curve::{CtCurve, CtPoint};
use super::fields::{CtFr, FrBackend};

/// Number of signed radix-16 digits of a scalar below `2^255`.
pub(crate) const DIGITS: usize = 64;

/// Signed radix-16 recoding: `s = Σ d_i·16^i`, `d_i ∈ [−8, 7]` for `i < 63` and
/// `d_63 ∈ [0, 8]`. The carry is `(d + 8) >> 4`, computed without a branch.
pub(crate) fn recode(s: &CtFr) -> [i8; DIGITS] {
    let limbs = FrBackend::to_canonical(&(s.0).0);
    let mut digits = [0i8; DIGITS];
    let mut carry = 0u8;
    for (i, d) in digits.iter_mut().enumerate() {
        let nibble = ((limbs[i / 16] >> ((i % 16) * 4)) & 0xf) as u8;
        let v = nibble + carry; // 0..=16
        if i == DIGITS - 1 {
            // Public index: the top nibble of s < 2^255 is at most 7, so v ≤ 8.
            *d = v as i8;
        } else {
            carry = (v + 8) >> 4;
            *d = (v as i8).wrapping_sub((carry << 4) as i8);
        }
    }
    digits
}

/// `d·P` for a digit `d ∈ [−8, 8]`, reading all eight entries `table[j] = (j+1)·P`.
#[inline(always)]
pub(crate) fn lookup<C: CtCurve>(table: &[CtPoint<C>; 8], d: i8) -> CtPoint<C> {
    let neg = (d as u8) >> 7; // 1 for negative digits
    let abs = ((d as u8) ^ neg.wrapping_neg()).wrapping_add(neg); // |d|
    let mut acc = CtPoint::identity();
    for (j, entry) in table.iter().enumerate() {
        let hit = abs.ct_eq(&(j as u8 + 1));
        acc = CtPoint::ct_select(&acc, entry, hit);
    }
    acc.conditional_neg(Choice::from(neg))
}

/// `{1P, …, 8P}`.
fn small_multiples<C: CtCurve>(p: &CtPoint<C>) -> [CtPoint<C>; 8] {
    let mut t = [*p; 8];
    t[1] = p.double();
    t[2] = t[1].add(p);
    t[3] = t[1].double();
    t[4] = t[3].add(p);
    t[5] = t[2].double();
    t[6] = t[5].add(p);
    t[7] = t[3].double();
    t
}

/// `s·P` for any point `P` (public or secret) and a secret scalar `s`.
pub fn mul<C: CtCurve>(p: &CtPoint<C>, s: &CtFr) -> CtPoint<C> {
    let mut table = small_multiples(p);
    let mut digits = recode(s);
    let mut acc = lookup(&table, digits[DIGITS - 1]);
    for i in (0..DIGITS - 1).rev() {
        for _ in 0..4 {
            acc = acc.double();
        }
        acc = acc.add(&lookup(&table, digits[i]));
    }
    table.iter_mut().for_each(Zeroize::zeroize);
    digits.zeroize();
    acc
}

/// `Σ s_i·P_i` (Straus: one shared chain of doublings). The number of terms is
/// public; points and scalars may be secret. Extra points or scalars beyond the
/// shorter of the two slices are ignored.
pub fn msm<C: CtCurve>(points: &[CtPoint<C>], scalars: &[&CtFr]) -> CtPoint<C> {
    let n = points.len().min(scalars.len());
    let mut tables: Vec<[CtPoint<C>; 8]> = points[..n].iter().map(small_multiples).collect();
    let mut digits: Vec<[i8; DIGITS]> = scalars[..n].iter().map(|s| recode(s)).collect();
    let mut acc = CtPoint::identity();
    for i in (0..DIGITS).rev() {
        if i != DIGITS - 1 {
            for _ in 0..4 {
                acc = acc.double();
            }
        }
        for (table, d) in tables.iter().zip(&digits) {
            acc = acc.add(&lookup(table, d[i]));
        }
    }
    tables.iter_mut().flatten().for_each(Zeroize::zeroize);
    digits.iter_mut().for_each(Zeroize::zeroize);
    acc
}

/// Width of the NAF in [`msm_public_scalars`]: digits odd in `(−16, 16)`, a table of the
/// eight odd multiples `P, 3P, …, 15P` per point, about 255/6 additions per point.
const PUBLIC_NAF_WIDTH: usize = 5;

/// `Σ k_i·P_i` for **secret** points and **public** scalars (Straus with the scalars'
/// width-5 NAF, one shared chain of doublings). Which additions run and which table
/// entry each adds follow the public scalars only; every operation on the points is a
/// complete, branch-free formula, and the tables are wiped. Extra points or scalars
/// beyond the shorter slice are ignored. Never call it with a secret scalar.
pub fn msm_public_scalars<C: CtCurve>(
    points: &[CtPoint<C>],
    scalars: &[ark_bls12_381::Fr],
) -> CtPoint<C> {
    use ark_ff::{BigInteger, PrimeField};
    let n = points.len().min(scalars.len());
    let mut tables: Vec<[CtPoint<C>; 8]> = points[..n].iter().map(odd_multiples).collect();
    let nafs: Vec<Vec<i64>> = scalars[..n]
        .iter()
        .map(|k| {
            k.into_bigint()
                .find_wnaf(PUBLIC_NAF_WIDTH)
                .unwrap_or_default()
        })
        .collect();
    let top = nafs.iter().map(Vec::len).max().unwrap_or(0);
    let mut acc = CtPoint::identity();
    for i in (0..top).rev() {
        acc = acc.double();
        for (table, naf) in tables.iter().zip(&nafs) {
            // Public: the digit, hence the entry and the sign.
            let d = naf.get(i).copied().unwrap_or(0);
            let entry = usize::try_from(d.unsigned_abs() / 2).unwrap_or(0);
            if d > 0 {
                acc = acc.add(&table[entry]);
            } else if d < 0 {
                acc = acc.add(&table[entry].neg());
            }
        }
    }
    tables.iter_mut().flatten().for_each(Zeroize::zeroize);
    acc
}

/// `{P, 3P, 5P, …, 15P}`.
fn odd_multiples<C: CtCurve>(p: &CtPoint<C>) -> [CtPoint<C>; 8] {
    let mut two = p.double();
    let mut t = [*p; 8];
    for j in 1..8 {
        t[j] = t[j - 1].add(&two);
    }
    two.zeroize();
    t
}

/// A precomputed table for constant-time multiplication of a fixed **public** point
/// (the generators `g`, `h`, or a public key) by secret scalars: row `i` holds
/// `(j+1)·16^i·B` for `j = 0..8`. About 64 additions per multiplication instead of 252
/// doublings and 63 additions; 72 KiB (G1) or 144 KiB (G2) of memory.
pub struct FixedBaseTable<C: CtCurve> {
    rows: Vec<[CtPoint<C>; 8]>,
}

impl<C: CtCurve> fmt::Debug for FixedBaseTable<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FixedBaseTable").finish_non_exhaustive()
    }
}

impl<C: CtCurve> FixedBaseTable<C> {
    /// Builds the table of a public point with arkworks' (variable-time) arithmetic:
    /// the base and its multiples are public.
    pub fn new_vartime(base: &Affine<C::Ark>) -> Self {
        let mut rows = Vec::with_capacity(DIGITS);
        let mut b = base.into_group(); // 16^i·B
        for _ in 0..DIGITS {
            let mut multiples = Vec::with_capacity(8);
            let mut m = b;
            for _ in 0..8 {
                multiples.push(m);
                m += b;
            }
            let affine = Projective::<C::Ark>::normalize_batch(&multiples);
            let mut row = [CtPoint::identity(); 8];
            for (slot, a) in row.iter_mut().zip(&affine) {
                *slot = CtPoint::from_affine(a);
            }
            rows.push(row);
            for _ in 0..4 {
                b = ark_ff::AdditiveGroup::double(&b);
            }
        }
        Self { rows }
    }

    /// `s·B` for a secret scalar `s`: one masked lookup per window, no doublings.
    pub fn mul(&self, s: &CtFr) -> CtPoint<C> {
        let mut digits = recode(s);
        let mut acc = CtPoint::identity();
        for (row, d) in self.rows.iter().zip(&digits) {
            acc = acc.add(&lookup(row, *d));
        }
        digits.zeroize();
        acc
    }
}
