//! The compiled linear secret-sharing scheme (M, ρ) of a policy.

use core::fmt::Write as _;

use ark_bls12_381::Fr;

use super::attribute::Attribute;
use super::node::Node;

/// The gate structure of the compiled policy, with leaves as row indices; it drives
/// reconstruction. `Threshold` only holds genuine `1 < k < n` gates (the others
/// compile to `And`/`Or`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Gate {
    Leaf(usize),
    And(Vec<Gate>),
    Or(Vec<Gate>),
    Threshold { k: usize, children: Vec<Gate> },
}

/// A linear secret-sharing scheme (M, ρ) over Z_p (p the BLS12-381 group order),
/// compiled from a [`Policy`](super::Policy).
///
/// Row `i` of the matrix M is [`row(i)`](Lsss::row) and belongs to attribute
/// [`rho(i)`](Lsss::rho); rows follow the policy's leaves left to right. A set of
/// attributes is authorised iff (1, 0, …, 0) is a combination of its rows;
/// [`reconstruct`](Lsss::reconstruct) finds that combination from the policy tree.
///
/// ```
/// use cipherchart::Policy;
/// let p = Policy::parse("patient:42 or (role:physician and dept:cardiology)")?;
/// let m = p.lsss();
/// assert_eq!((m.rows(), m.columns()), (3, 2));
/// assert_eq!(m.rho(1).as_str(), "role:physician");
/// assert_eq!(m.small_entry(2, 1), Some(-1));
/// let gamma = m.reconstruct(&["role:physician", "dept:cardiology"]).expect("satisfied");
/// assert_eq!(gamma.iter().map(|(i, _)| *i).collect::<Vec<_>>(), vec![1, 2]);
/// # Ok::<(), cipherchart::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lsss {
    columns: usize,
    /// Row-major, `rows × columns`.
    values: Vec<Fr>,
    /// The same entries as small integers where they are (Lewko–Waters entries always are).
    small: Vec<Option<i64>>,
    rho: Vec<Attribute>,
    pub(crate) gate: Gate,
}

impl Lsss {
    pub(crate) fn from_parts(
        columns: usize,
        values: Vec<Fr>,
        small: Vec<Option<i64>>,
        rho: Vec<Attribute>,
        gate: Gate,
    ) -> Lsss {
        Lsss {
            columns,
            values,
            small,
            rho,
            gate,
        }
    }

    /// The number of rows (= leaves of the policy).
    pub fn rows(&self) -> usize {
        self.rho.len()
    }

    /// The number of columns: 1 + the number of binary ANDs + Σ (k − 1) over genuine
    /// `k of n` gates. Never more than the number of rows.
    pub fn columns(&self) -> usize {
        self.columns
    }

    /// Row `i` of M over Z_p, of length [`columns()`](Lsss::columns).
    ///
    /// # Panics
    /// If `i >= rows()`, like slice indexing (a caller bug, not bad input).
    pub fn row(&self, i: usize) -> &[Fr] {
        assert!(
            i < self.rows(),
            "LSSS row index {i} out of range ({} rows)",
            self.rows()
        );
        &self.values[i * self.columns..(i + 1) * self.columns]
    }

    /// Entry (i, j) of M as an integer when it is a small one (|v| < 2^62): always for
    /// Lewko–Waters entries (0, ±1), and for Liu–Cao–Wong powers i^e that fit. `None`
    /// for a large entry or an index out of range.
    pub fn small_entry(&self, i: usize, j: usize) -> Option<i64> {
        if i >= self.rows() || j >= self.columns {
            return None;
        }
        self.small.get(i * self.columns + j).copied().flatten()
    }

    /// The attribute ρ(i) that row `i` belongs to.
    ///
    /// # Panics
    /// If `i >= rows()`, like slice indexing (a caller bug, not bad input).
    pub fn rho(&self, i: usize) -> &Attribute {
        &self.rho[i]
    }

    /// ρ as a slice: the attribute of every row, in row order.
    pub fn attributes(&self) -> &[Attribute] {
        &self.rho
    }

    /// A human-readable rendering of M with ρ, one row per line, for demos and
    /// debugging. Small entries are written as integers, others as decimal residues.
    pub fn display_matrix(&self) -> String {
        let names: Vec<String> = self
            .rho
            .iter()
            .map(|a| Node::Leaf(a.clone()).to_string())
            .collect();
        let cells: Vec<Vec<String>> = (0..self.rows())
            .map(|i| {
                (0..self.columns)
                    .map(|j| match self.small_entry(i, j) {
                        Some(v) => v.to_string(),
                        None => self
                            .values
                            .get(i * self.columns + j)
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .collect();
        let width = |j: usize| {
            cells
                .iter()
                .filter_map(|r| r.get(j))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(1)
        };
        let widths: Vec<usize> = (0..self.columns)
            .map(|j| width(j).max(j.to_string().len() + 1))
            .collect();
        let index_width = self.rows().saturating_sub(1).to_string().len().max(1);
        let name_width = names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            .max(4);

        let mut out = String::new();
        let _ = write!(out, "{:>index_width$}  {:<name_width$}   ", "i", "ρ(i)");
        for (j, w) in widths.iter().enumerate() {
            let _ = write!(out, " {:>w$}", format!("c{j}"));
        }
        out.push('\n');
        for (i, (name, row)) in names.iter().zip(&cells).enumerate() {
            let _ = write!(out, "{i:>index_width$}  {name:<name_width$}  [");
            for (cell, w) in row.iter().zip(&widths) {
                let _ = write!(out, " {cell:>w$}");
            }
            out.push_str(" ]\n");
        }
        out
    }
}
