//! Constant-time exponentiation in GT (the order-r subgroup of `F_q12*`) and the
//! canonical bytes of a secret GT element.
//!
//! arkworks' `PairingOutput * Fr` computes a NAF of the exponent and skips zero
//! digits; `Fq12::pow` is square-and-multiply. Here: the same signed 4-bit recoding
//! as the curve code, a masked lookup over `{f, …, f^8}`, cyclotomic squarings
//! (Granger–Scott, arkworks' generic code over the CT tower), and conjugation for the
//! negative digits (the inverse in the cyclotomic subgroup).

use ark_ff::{CyclotomicMultSubgroup, Field, Fp12, Fp6};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroize;

use super::fields::{CtField, CtFq12, CtFq2, CtFq6, CtFr, FqBackend};
use super::mul::{recode, DIGITS};

/// `b` if `choice` is 1, else `a`, for every coefficient.
pub(crate) fn fq12_select(a: &CtFq12, b: &CtFq12, choice: Choice) -> CtFq12 {
    let s6 = |x: &CtFq6, y: &CtFq6| {
        Fp6::new(
            CtFq2::ct_select(&x.c0, &y.c0, choice),
            CtFq2::ct_select(&x.c1, &y.c1, choice),
            CtFq2::ct_select(&x.c2, &y.c2, choice),
        )
    };
    Fp12::new(s6(&a.c0, &b.c0), s6(&a.c1, &b.c1))
}

/// 1 if the two elements are equal.
pub(crate) fn fq12_eq(a: &CtFq12, b: &CtFq12) -> Choice {
    let e6 = |x: &CtFq6, y: &CtFq6| x.c0.ct_eq(&y.c0) & x.c1.ct_eq(&y.c1) & x.c2.ct_eq(&y.c2);
    e6(&a.c0, &b.c0) & e6(&a.c1, &b.c1)
}

fn conjugate(f: &CtFq12) -> CtFq12 {
    let mut c = *f;
    c.conjugate_in_place();
    c
}

/// `f^d` for a digit `d ∈ [−8, 8]`, reading all of `table[j] = f^(j+1)`.
fn lookup(table: &[CtFq12; 8], d: i8) -> CtFq12 {
    let neg = (d as u8) >> 7;
    let abs = ((d as u8) ^ neg.wrapping_neg()).wrapping_add(neg);
    let mut acc = CtFq12::ONE;
    for (j, entry) in table.iter().enumerate() {
        acc = fq12_select(&acc, entry, abs.ct_eq(&(j as u8 + 1)));
    }
    fq12_select(&acc, &conjugate(&acc), Choice::from(neg))
}

/// `f^s` for `f` in GT (public or secret) and a secret scalar `s`.
///
/// `f` must lie in the cyclotomic subgroup (every GT element does; the wire decoder
/// checks it for received ones): cyclotomic squaring and conjugation-as-inverse are
/// wrong elsewhere.
pub fn gt_pow(f: &CtFq12, s: &CtFr) -> CtFq12 {
    let mut table = [*f; 8];
    for j in 1..8 {
        table[j] = table[j - 1] * f;
    }
    let mut digits = recode(s);
    let mut acc = lookup(&table, digits[DIGITS - 1]);
    for i in (0..DIGITS - 1).rev() {
        for _ in 0..4 {
            acc.cyclotomic_square_in_place();
        }
        acc *= lookup(&table, digits[i]);
    }
    table.iter_mut().for_each(Zeroize::zeroize);
    digits.zeroize();
    acc
}

/// The 576-byte canonical encoding of a GT element (`encoding::gt`): the 12 base-field
/// coefficients `a0.c0 a0.c1 a1.c0 … b2.c1`, each 48 bytes little-endian, computed with
/// the CT Montgomery reduction.
pub fn gt_to_bytes(f: &CtFq12) -> [u8; 576] {
    let (a, b) = (&f.c0, &f.c1);
    let coeffs = [
        a.c0.c0, a.c0.c1, a.c1.c0, a.c1.c1, a.c2.c0, a.c2.c1, //
        b.c0.c0, b.c0.c1, b.c1.c0, b.c1.c1, b.c2.c0, b.c2.c1,
    ];
    let mut out = [0u8; 576];
    for (chunk, c) in out.chunks_exact_mut(48).zip(coeffs.iter()) {
        let limbs = FqBackend::to_canonical(&(c.0).0);
        for (bytes, limb) in chunk.chunks_exact_mut(8).zip(limbs) {
            bytes.copy_from_slice(&limb.to_le_bytes());
        }
    }
    out
}
