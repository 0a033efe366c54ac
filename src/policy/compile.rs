//! Compilation of a policy tree to an LSSS matrix (M, ρ).
//!
//! * AND/OR gates (and `n of n`, `1 of n` thresholds) follow Lewko–Waters
//!   (EUROCRYPT 2011, ePrint 2010/351 App. G): the root gets the vector (1) and a
//!   column counter c = 1; OR passes its vector v to every child; an n-ary AND is
//!   read as `a1 and (a2 and (… and an))`, each binary AND giving its left child
//!   v‖1 and its right child (0,…,0)‖−1 in one new column. Entries are 0 and ±1, and
//!   a minimal satisfying set of rows sums to (1,0,…,0), so γ_i = 1.
//! * Genuine `k of n` gates (1 < k < n) follow Liu–Cao–Wong (ePrint 2010/374): child
//!   i (1-based) gets v‖(i, i², …, i^{k−1}) in k−1 new columns (Shamir sharing
//!   written as matrix rows); reconstruction uses Lagrange coefficients at 0.
//!
//! A gate's new columns are allocated when the gate is reached in a left-to-right
//! depth-first walk, before its children; rows are the leaves in the same order.
//! The result is a pure function of the tree.

use ark_bls12_381::Fr;
use ark_ff::{One, Zero};

use super::attribute::Attribute;
use super::lsss::{Gate, Lsss};
use super::node::PolicyNode;

/// One matrix entry: its value in Z_p and, when it is a small integer, that integer.
#[derive(Clone, Copy, Debug)]
struct Entry {
    value: Fr,
    small: Option<i64>,
}

impl Entry {
    fn int(v: i64) -> Entry {
        Entry {
            value: Fr::from(v),
            small: Some(v),
        }
    }

    /// The powers i, i², …, i^count for the Liu–Cao–Wong columns, computed
    /// incrementally; each is also kept as an integer while it stays below 2^62.
    fn powers(i: u64, count: usize) -> impl Iterator<Item = Entry> {
        let base = Fr::from(i);
        let mut value = Fr::one();
        let mut small = Some(1i64);
        (0..count).map(move |_| {
            value *= base;
            small = small
                .and_then(|s| s.checked_mul(i64::try_from(i).ok()?))
                .filter(|v| v.unsigned_abs() < 1 << 62);
            Entry { value, small }
        })
    }
}

/// A sparse share vector: (column, entry) pairs in increasing column order.
type Vector = Vec<(usize, Entry)>;

#[derive(Debug, Default)]
struct Builder {
    columns: usize,
    rows: Vec<Vector>,
    rho: Vec<Attribute>,
}

/// Compiles a canonical tree (validated by the caller: at most
/// `MAX_POLICY_LEAVES` leaves, bounded depth) to its LSSS.
pub(crate) fn compile(root: &PolicyNode) -> Lsss {
    let mut b = Builder {
        columns: 1,
        ..Builder::default()
    };
    let gate = b.walk(root, vec![(0, Entry::int(1))]);
    let columns = b.columns;
    let mut values = Vec::with_capacity(b.rows.len() * columns);
    let mut small = Vec::with_capacity(b.rows.len() * columns);
    for row in &b.rows {
        let start = values.len();
        values.resize(start + columns, Fr::zero());
        small.resize(start + columns, Some(0));
        for &(col, e) in row {
            if let (Some(v), Some(s)) = (values.get_mut(start + col), small.get_mut(start + col)) {
                *v = e.value;
                *s = e.small;
            }
        }
    }
    Lsss::from_parts(columns, values, small, b.rho, gate)
}

impl Builder {
    fn fresh_columns(&mut self, count: usize) -> usize {
        let first = self.columns;
        self.columns += count;
        first
    }

    fn walk(&mut self, node: &PolicyNode, v: Vector) -> Gate {
        match node {
            PolicyNode::Leaf(a) => {
                self.rows.push(v);
                self.rho.push(a.clone());
                Gate::Leaf(self.rows.len() - 1)
            }
            PolicyNode::Or(children) | PolicyNode::Threshold { k: 1, children } => {
                self.or(children, &v)
            }
            PolicyNode::And(children) => self.and(children, v),
            PolicyNode::Threshold { k, children } if *k == children.len() => self.and(children, v),
            PolicyNode::Threshold { k, children } => self.threshold(*k, children, &v),
        }
    }

    fn or(&mut self, children: &[PolicyNode], v: &Vector) -> Gate {
        Gate::Or(children.iter().map(|c| self.walk(c, v.clone())).collect())
    }

    /// The n-ary AND as n − 1 nested binary ANDs, one new column each: child 1 gets
    /// v‖1, child j (1 < j < n) gets −1 in column j−1 and 1 in column j of the new
    /// block, child n gets −1 in the last new column.
    fn and(&mut self, children: &[PolicyNode], v: Vector) -> Gate {
        let n = children.len();
        let base = self.fresh_columns(n.saturating_sub(1));
        let mut gates = Vec::with_capacity(n);
        let mut first = Some(v);
        for (j, child) in children.iter().enumerate() {
            let mut vector = first.take().unwrap_or_default();
            if j > 0 {
                vector.push((base + j - 1, Entry::int(-1)));
            }
            if j + 1 < n {
                vector.push((base + j, Entry::int(1)));
            }
            gates.push(self.walk(child, vector));
        }
        Gate::And {
            first_column: base,
            children: gates,
        }
    }

    /// Liu–Cao–Wong for 1 < k < n: child i gets v‖(i, i², …, i^{k−1}).
    fn threshold(&mut self, k: usize, children: &[PolicyNode], v: &Vector) -> Gate {
        let base = self.fresh_columns(k - 1);
        let mut gates = Vec::with_capacity(children.len());
        for (index, child) in children.iter().enumerate() {
            let i = index as u64 + 1;
            let mut vector = v.clone();
            vector.extend((base..).zip(Entry::powers(i, k - 1)));
            gates.push(self.walk(child, vector));
        }
        Gate::Threshold {
            k,
            first_column: base,
            children: gates,
        }
    }
}
