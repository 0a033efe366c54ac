//! Satisfaction and reconstruction coefficients, computed from the policy tree.
//!
//! Reconstruction never searches the matrix: it walks the gates and makes the
//! minimal choice at each one (OR: the first satisfied child; AND: every child;
//! `k of n`: the first k satisfied children, weighted by their Lagrange coefficients
//! at 0). Coefficients multiply along the path, so for AND/OR-only policies every
//! γ_i is 1 and decryption needs only point additions.

use std::borrow::Cow;
use std::collections::HashSet;

use ark_bls12_381::Fr;
use ark_ff::{Field, One};
use unicode_normalization::{is_nfc, UnicodeNormalization};

use super::lsss::{Gate, Lsss};

impl Lsss {
    /// Whether `attributes` satisfy the policy. Attribute texts are compared after NFC
    /// normalisation; texts that are not valid attributes simply match nothing.
    pub fn is_satisfied_by<S: AsRef<str>>(&self, attributes: &[S]) -> bool {
        satisfied(&self.gate, &self.held_rows(attributes))
    }

    /// The reconstruction coefficients for `attributes`: pairs (i, γ_i), sorted by row
    /// index, with every γ_i ≠ 0, ρ(i) ∈ `attributes` and Σ γ_i·M_i = (1, 0, …, 0)
    /// over Z_p. `None` iff the attributes do not satisfy the policy.
    ///
    /// The choice is minimal per gate and deterministic (see the module notes): for
    /// policies built from `and`/`or` (and `1 of n`, `n of n`) every γ_i is 1.
    pub fn reconstruct<S: AsRef<str>>(&self, attributes: &[S]) -> Option<Vec<(usize, Fr)>> {
        self.reconstruct_rows(&self.held_rows(attributes))
    }

    /// Whether the rows with `held[i]` satisfy the policy (a row index past `held`
    /// is not held). For callers that decide per row, such as a versioned policy
    /// matching name and version (`VersionedPolicy`).
    pub(crate) fn is_satisfied_by_rows(&self, held: &[bool]) -> bool {
        satisfied(&self.gate, held)
    }

    /// [`reconstruct`](Self::reconstruct) over the rows with `held[i]`.
    pub(crate) fn reconstruct_rows(&self, held: &[bool]) -> Option<Vec<(usize, Fr)>> {
        if !satisfied(&self.gate, held) {
            return None;
        }
        let mut out = Vec::new();
        collect(&self.gate, Fr::one(), held, &mut out)?;
        out.sort_by_key(|&(i, _)| i);
        Some(out)
    }

    /// For each row, whether its attribute is among `attributes`.
    fn held_rows<S: AsRef<str>>(&self, attributes: &[S]) -> Vec<bool> {
        let set: HashSet<Cow<'_, str>> = attributes
            .iter()
            .map(|a| {
                let s = a.as_ref();
                if is_nfc(s) {
                    Cow::Borrowed(s)
                } else {
                    Cow::Owned(s.nfc().collect())
                }
            })
            .collect();
        self.attributes()
            .iter()
            .map(|a| set.contains(a.as_str()))
            .collect()
    }
}

fn satisfied(gate: &Gate, held: &[bool]) -> bool {
    match gate {
        Gate::Leaf(i) => held.get(*i).copied().unwrap_or(false),
        Gate::And { children, .. } => children.iter().all(|c| satisfied(c, held)),
        Gate::Or(children) => children.iter().any(|c| satisfied(c, held)),
        Gate::Threshold { k, children, .. } => {
            children
                .iter()
                .filter(|c| satisfied(c, held))
                .take(*k)
                .count()
                == *k
        }
    }
}

/// Appends the rows and coefficients that reconstruct `coefficient` times this
/// gate's share vector. `None` only if the gate is not satisfied.
fn collect(gate: &Gate, coefficient: Fr, held: &[bool], out: &mut Vec<(usize, Fr)>) -> Option<()> {
    match gate {
        Gate::Leaf(i) => {
            if !held.get(*i).copied().unwrap_or(false) {
                return None;
            }
            out.push((*i, coefficient));
        }
        Gate::And { children, .. } => {
            for child in children {
                collect(child, coefficient, held, out)?;
            }
        }
        Gate::Or(children) => {
            let child = children.iter().find(|c| satisfied(c, held))?;
            collect(child, coefficient, held, out)?;
        }
        Gate::Threshold { k, children, .. } => {
            // Evaluation points are the 1-based child positions used by the compiler.
            let chosen: Vec<(u64, &Gate)> = (1u64..)
                .zip(children)
                .filter(|(_, c)| satisfied(c, held))
                .take(*k)
                .collect();
            if chosen.len() < *k {
                return None;
            }
            let points: Vec<u64> = chosen.iter().map(|&(x, _)| x).collect();
            for &(x, child) in &chosen {
                let lambda = lagrange_at_zero(x, &points)?;
                collect(child, coefficient * lambda, held, out)?;
            }
        }
    }
    Some(())
}

/// λ_x = Π_{j ≠ x} j / (j − x): the weight of the share at point x when
/// interpolating a polynomial of degree |points| − 1 at 0. The points are distinct
/// small positive integers, so the denominator is never 0 mod p (the `None` branch
/// is unreachable).
fn lagrange_at_zero(x: u64, points: &[u64]) -> Option<Fr> {
    let mut numerator = Fr::one();
    let mut denominator = Fr::one();
    for &j in points.iter().filter(|&&j| j != x) {
        numerator *= Fr::from(j);
        denominator *= Fr::from(j) - Fr::from(x);
    }
    Some(numerator * denominator.inverse()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lagrange_reconstructs_constant_term() {
        // f(x) = 7 + 3x + 5x²: f(1) = 15, f(3) = 61, f(4) = 99.
        let points = [1u64, 3, 4];
        let shares = [Fr::from(15u64), Fr::from(61u64), Fr::from(99u64)];
        let sum: Fr = points
            .iter()
            .zip(shares)
            .map(|(&x, s)| lagrange_at_zero(x, &points).map_or(Fr::from(0u64), |l| l * s))
            .sum();
        assert_eq!(sum, Fr::from(7u64));
    }
}
