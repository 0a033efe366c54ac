//! Constant-time fixed-base tables (combs) of public bases: a public key's sealing bases
//! (`H1`, `H2` in G2, `T1`, `T2` in GT) and the bases of a header row (G1). Multiplying a
//! secret by a fixed public base through a comb reads every entry (masked lookups), so
//! these are as constant time as the variable-base paths they replace, and faster.
//! Which tables are kept, and when a row gets its combs, is [`super::caches`]' job.

use ark_bls12_381::{Fq12, G1Projective};
use ark_ec::CurveGroup;
use ark_ff::{CyclotomicMultSubgroup, Field};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroize;

use crate::abe::PublicKey;
use crate::ct::curve::{CtPoint, G1Curve, G2Curve};
use crate::ct::fields::{fq12_to_ct, CtFq12};
use crate::ct::gt::fq12_select;
use crate::ct::mul::{lookup, recode, DIGITS};
use crate::ct::{Gt, SecretBaseTable, SecretG1, SecretGt, SecretScalar};

/// The six public bases of a header row, `[l][t]`.
pub(super) type RowBases = [[G1Projective; 2]; 3];

/// A constant-time fixed-base comb for a public GT element `f`: row `i` holds
/// `f^((j+1)·16^i)` for `j = 0..8`, so `f^s` is 64 masked lookups (every entry read)
/// and 64 multiplications, with no squaring; negative digits conjugate (the inverse in
/// the cyclotomic subgroup). The same signed radix-16 recoding as the curve combs.
/// 64 · 8 · 576 B = 288 KiB.
pub(super) struct GtTable {
    rows: Vec<[CtFq12; 8]>,
}

impl GtTable {
    /// Built with arkworks' variable-time arithmetic: `f` and its powers are public.
    pub(super) fn new_vartime(f: &Gt) -> Self {
        let mut rows = Vec::with_capacity(DIGITS);
        let mut b: Fq12 = f.0; // f^(16^i)
        for _ in 0..DIGITS {
            let mut row = [fq12_to_ct(b); 8];
            let mut m = b;
            for slot in row.iter_mut().skip(1) {
                m *= &b;
                *slot = fq12_to_ct(m);
            }
            rows.push(row);
            for _ in 0..4 {
                b.cyclotomic_square_in_place();
            }
        }
        Self { rows }
    }

    /// `f^s` for a secret `s`.
    pub(super) fn pow(&self, s: &SecretScalar) -> SecretGt {
        let mut digits = recode(&s.0);
        let mut acc = CtFq12::ONE;
        for (row, &d) in self.rows.iter().zip(&digits) {
            let neg = (d as u8) >> 7; // 1 for negative digits
            let abs = ((d as u8) ^ neg.wrapping_neg()).wrapping_add(neg);
            let mut entry = CtFq12::ONE; // digit 0
            for (j, candidate) in row.iter().enumerate() {
                entry = fq12_select(&entry, candidate, abs.ct_eq(&(j as u8 + 1)));
            }
            let mut inverse = entry;
            inverse.conjugate_in_place();
            entry = fq12_select(&entry, &inverse, Choice::from(neg));
            acc *= &entry;
            entry.zeroize();
            inverse.zeroize();
        }
        digits.zeroize();
        SecretGt(acc)
    }
}

/// Fixed-base tables of one public key's sealing bases: `H1`, `H2` (G2 combs) and `T1`,
/// `T2` (GT combs), 864 KiB in all. Every seal multiplies these four bases by the
/// secret coins, and every FO check `H1` and `H2` (its `C0`).
pub(super) struct KeyTables {
    pub(super) h: [SecretBaseTable<G2Curve>; 2],
    pub(super) t: [GtTable; 2],
}

impl KeyTables {
    /// Built with arkworks' variable-time arithmetic: the key's bases are public (about
    /// 10 ms).
    pub(super) fn new_vartime(pk: &PublicKey) -> Self {
        Self {
            h: [SecretBaseTable::new(&pk.h1), SecretBaseTable::new(&pk.h2)],
            t: [GtTable::new_vartime(&pk.t1), GtTable::new_vartime(&pk.t2)],
        }
    }
}

/// Windows of the row combs: `16^(4k)` for k = 0..16.
const COMB_ROWS: usize = DIGITS / 4;

/// A compact constant-time comb for a public G1 row base `B`: `rows[k][j] =
/// (j+1)·16^(4k)·B`. With the scalar's 64 signed radix-16 digits `d_i` split by
/// `i = 4k + r`, `s·B = Σ_r 16^r Σ_k d_(4k+r)·rows[k]`: 64 masked lookups and additions
/// plus 12 doublings, from 128 points (18 KiB) instead of the 512 of a full comb.
pub(super) struct G1Comb {
    rows: Vec<[CtPoint<G1Curve>; 8]>,
}

impl G1Comb {
    /// Built with arkworks' variable-time arithmetic: `B` is public.
    pub(super) fn new_vartime(base: &G1Projective) -> Self {
        let mut multiples = Vec::with_capacity(COMB_ROWS * 8);
        let mut b = *base; // 16^(4k)·B
        for _ in 0..COMB_ROWS {
            let mut m = b;
            for _ in 0..8 {
                multiples.push(m);
                m += b;
            }
            for _ in 0..16 {
                ark_ff::AdditiveGroup::double_in_place(&mut b);
            }
        }
        let affine = G1Projective::normalize_batch(&multiples);
        let rows = affine
            .chunks_exact(8)
            .map(|c| {
                let mut row = [CtPoint::identity(); 8];
                for (slot, a) in row.iter_mut().zip(c) {
                    *slot = CtPoint::from_affine(a);
                }
                row
            })
            .collect();
        Self { rows }
    }
}

/// `Σ_t s_t·B_t` over two combs, sharing the 12 doublings (the (s1, s2) product of a
/// header row), from the scalars' recodings.
pub(super) fn joint_comb_mul(combs: &[G1Comb; 2], digits: &[[i8; DIGITS]; 2]) -> SecretG1 {
    let mut acc = CtPoint::<G1Curve>::identity();
    for r in (0..4).rev() {
        if r != 3 {
            for _ in 0..4 {
                acc = acc.double();
            }
        }
        for k in 0..COMB_ROWS {
            for (comb, d) in combs.iter().zip(digits) {
                acc = acc.add(&lookup(&comb.rows[k], d[4 * k + r]));
            }
        }
    }
    crate::ct::SecretPoint(acc)
}

/// The combs of one header row: `[l][t]` for the bases `B(i,l,t)` of
/// [`row_bases`](super::core::row_bases). 108 KiB.
pub(super) type RowCombs = [[G1Comb; 2]; 3];

/// The combs of a row from its (public) bases: about 13 ms.
pub(super) fn row_combs_vartime(bases: &RowBases) -> RowCombs {
    bases.map(|pair| pair.map(|b| G1Comb::new_vartime(&b)))
}
