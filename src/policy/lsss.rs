//! The compiled linear secret-sharing scheme (M, ρ) of a policy.

use core::fmt::Write as _;

use ark_bls12_381::Fr;

use super::attribute::Attribute;
use super::node::PolicyNode;

/// The gate structure of the compiled policy, with leaves as row indices; it drives
/// reconstruction. `Threshold` only holds genuine `1 < k < n` gates (the others
/// compile to `And`/`Or`).
///
/// The gates that own matrix columns record the first of them (`first_column`), so
/// [`Lsss::build_rows`] can rebuild every row from the tree the way the compiler did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Gate {
    Leaf(usize),
    /// n − 1 columns from `first_column`.
    And {
        first_column: usize,
        children: Vec<Gate>,
    },
    Or(Vec<Gate>),
    /// k − 1 columns from `first_column`; child `i` (0-based) evaluates at `x = i + 1`.
    Threshold {
        k: usize,
        first_column: usize,
        children: Vec<Gate>,
    },
}

impl Gate {
    /// The first and last row (leaf) under this gate: leaves are numbered left to
    /// right, so a gate's rows are the contiguous range between them.
    fn row_range(&self) -> (usize, usize) {
        let mut first = self;
        while let Some(c) = first.children().first() {
            first = c;
        }
        let mut last = self;
        while let Some(c) = last.children().last() {
            last = c;
        }
        match (first, last) {
            (Gate::Leaf(a), Gate::Leaf(b)) => (*a, *b),
            _ => (0, 0),
        }
    }

    fn children(&self) -> &[Gate] {
        match self {
            Gate::Leaf(_) => &[],
            Gate::And { children, .. } | Gate::Or(children) | Gate::Threshold { children, .. } => {
                children
            }
        }
    }
}

/// A builder of per-row values that are linear in the row vector, `Σ_j M_ij·P_j` over
/// some group (the FAME row bases), driven by [`Lsss::build_rows`]. The walk follows
/// the compiler's rules, so a value is computed once per gate and shared by all the
/// rows below it (a child's vector is its parent's vector plus the gate's new
/// columns).
pub(crate) trait RowBuilder {
    /// The value of a partial row vector.
    type Value: Clone;
    /// The value of the zero vector.
    fn zero(&mut self) -> Self::Value;
    /// `v + sign·P_column` (`sign` is ±1): Lewko–Waters entries.
    fn add_unit(&mut self, v: &mut Self::Value, column: usize, sign: i8);
    /// `v + Σ_{e=1}^{count} x^e·P_{first+e−1}`: the Liu–Cao–Wong (Vandermonde) columns
    /// of a threshold gate's child at the small evaluation point `x`.
    fn add_powers(&mut self, v: &mut Self::Value, first: usize, count: usize, x: u64);
    /// Row `row`'s vector is complete, with value `v`.
    fn leaf(&mut self, row: usize, v: &Self::Value);
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
    /// [`open_cost`](Lsss::open_cost), computed once at compilation.
    open_cost: u64,
}

impl Lsss {
    pub(crate) fn from_parts(
        columns: usize,
        values: Vec<Fr>,
        small: Vec<Option<i64>>,
        rho: Vec<Attribute>,
        gate: Gate,
    ) -> Lsss {
        let open_cost = super::cost::open_cost(&gate);
        Lsss {
            columns,
            values,
            small,
            rho,
            gate,
            open_cost,
        }
    }

    /// The work to open a record under this policy in the cost model of
    /// [`MAX_POLICY_COST`](super::MAX_POLICY_COST) (`docs/policy.md`, "Open cost"):
    /// the per-row work of decoding, DecCore and the FO recomputation, plus the
    /// small-scalar steps that build the threshold rows' bases. Computed once at
    /// compilation; this call is free.
    pub(crate) fn open_cost(&self) -> u64 {
        self.open_cost
    }

    /// Walks the gate tree with `builder`, calling [`RowBuilder::leaf`] for every row
    /// `i` with `wanted(i)`, in row order. Subtrees without a wanted row are skipped,
    /// so one row costs only the gates on its path, and all rows cost each gate once
    /// per child (not once per row below it).
    pub(crate) fn build_rows<B: RowBuilder>(
        &self,
        builder: &mut B,
        wanted: &dyn Fn(usize) -> bool,
    ) {
        // Prefix counts of wanted rows, to test a subtree's row range in O(1).
        let mut prefix = Vec::with_capacity(self.rows() + 1);
        prefix.push(0usize);
        for i in 0..self.rows() {
            let last = prefix.last().copied().unwrap_or(0);
            prefix.push(last + usize::from(wanted(i)));
        }
        let any = |g: &Gate| {
            let (a, b) = g.row_range();
            prefix.get(b + 1).copied().unwrap_or(0) > prefix.get(a).copied().unwrap_or(0)
        };
        if any(&self.gate) {
            walk_from_root(&self.gate, builder, &any);
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
            .map(|a| PolicyNode::Leaf(a.clone()).to_string())
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

/// Walks every row of `gate` (the cost model counts with this).
pub(crate) fn walk_all<B: RowBuilder>(gate: &Gate, builder: &mut B) {
    walk_from_root(gate, builder, &|_| true);
}

/// The root's vector is (1, 0, …, 0).
///
/// The walk is iterative, with the pending gates and their vectors on a heap stack: a
/// recursive walk kept two or three vectors per level in its frames (2.3 KiB a level
/// for the base builder's six G1 points), so a policy nested as deep as the parser
/// admits took 77 KiB of stack inside `open` and `seal`, deeper than the stack wipe
/// around them (`ct::wipe`). Children are pushed in reverse, so rows are still reached
/// in row order, and each gate's children get the same vectors as before.
fn walk_from_root<B: RowBuilder>(gate: &Gate, builder: &mut B, any: &dyn Fn(&Gate) -> bool) {
    let mut root = builder.zero();
    builder.add_unit(&mut root, 0, 1);
    let mut pending: Vec<(&Gate, B::Value)> = vec![(gate, root)];
    let mut children: Vec<(&Gate, B::Value)> = Vec::new();
    while let Some((gate, v)) = pending.pop() {
        expand(gate, v, builder, any, &mut children);
        pending.extend(children.drain(..).rev());
    }
}

/// One step of [`Lsss::build_rows`]: `v` is the value of this gate's vector. A leaf
/// completes its row; any other gate appends its wanted children with their vectors to
/// `children`, in order.
fn expand<'g, B: RowBuilder>(
    gate: &'g Gate,
    v: B::Value,
    b: &mut B,
    any: &dyn Fn(&Gate) -> bool,
    children: &mut Vec<(&'g Gate, B::Value)>,
) {
    match gate {
        Gate::Leaf(i) => b.leaf(*i, &v),
        Gate::Or(all) => {
            for c in all.iter().filter(|c| any(c)) {
                children.push((c, v.clone()));
            }
        }
        Gate::And {
            first_column,
            children: all,
        } => {
            let n = all.len();
            let mut first = Some(v);
            for (j, c) in all.iter().enumerate() {
                let inherited = first.take();
                if !any(c) {
                    continue;
                }
                let mut vector = match inherited {
                    Some(v) => v,
                    None => b.zero(),
                };
                if j > 0 {
                    b.add_unit(&mut vector, first_column + j - 1, -1);
                }
                if j + 1 < n {
                    b.add_unit(&mut vector, first_column + j, 1);
                }
                children.push((c, vector));
            }
        }
        Gate::Threshold {
            k,
            first_column,
            children: all,
        } => {
            for (index, c) in all.iter().enumerate().filter(|(_, c)| any(c)) {
                let mut vector = v.clone();
                b.add_powers(&mut vector, *first_column, k - 1, index as u64 + 1);
                children.push((c, vector));
            }
        }
    }
}
