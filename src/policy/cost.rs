//! The open-cost model: how much work a record under a policy can make its opener do.
//!
//! Opening runs DecCore and then the FO check, which recomputes every header row from
//! public row bases `B(i,l,t) = W(ρ(i),l,t) + Σ_j M_ij·U(j,l,t)` (six G1 points per
//! row) and the secret coins. The bases of Liu–Cao–Wong rows have entries `x^e`,
//! powers of the child's small evaluation point `x`; they are built by Horner's rule on
//! `x` (`abe::core`), each step a small-scalar multiplication, and shared between the
//! rows below a gate. The unit is one **step**: one G1 point addition or doubling on
//! public data (about 0.3 µs on the reference machine; `docs/policy.md`, "Open cost").
//!
//! Since issue 19 the FO check compares the rows by one random linear combination
//! instead (`docs/security.md` §2.1): public MSMs over the received points and the
//! policy's hash points, column coefficients in Fr, one constant-time `(s1, s2)`
//! product; no row base is built. That is less work per row and per Vandermonde entry
//! than the model below counts, so the model is kept as an upper bound (it still bounds
//! sealing, which builds every base); `docs/policy.md` §4.1.
//!
//! `open_cost = rows · ROW_STEPS + weighted_rows · THRESHOLD_ROW_STEPS + 6 · base_steps`:
//!
//! * [`ROW_STEPS`]: the fixed work of one row: decoding its three points, hashing its
//!   attribute's six points (uncached), its constant-time `(s1, s2)` products in the FO
//!   recomputation and its share of DecCore (the column points are compiled in for every
//!   column an admitted policy can have, so an open never hashes one; a row comb built
//!   on the way fits in the row's margin: `docs/policy.md` §4.1);
//! * [`THRESHOLD_ROW_STEPS`]: a row below a genuine `k of n` gate has a reconstruction
//!   coefficient γ ≠ 1, and DecCore then multiplies its key and header points by γ;
//!   `weighted_rows` is the most such rows one reconstruction can use (the k costliest
//!   children of each threshold, the costliest child of an OR);
//! * `base_steps`: the additions and doublings of the base builder, counted exactly by
//!   walking the gate tree as the builder does.

use super::lsss::{walk_all, Gate, RowBuilder};

/// Steps that one row costs whatever its entries (see the module documentation):
/// measured as the marginal time of a row in an OR policy with attribute names the
/// opener has not hashed yet (`benches/worst_case.rs`, paired with AND-of-1 opens),
/// divided by the time of a step, rounded up. About 0.75 of an AND-of-1 open, of which
/// hashing the six attribute points is two thirds.
pub(crate) const ROW_STEPS: u64 = 4_000;

/// Extra steps for a row that DecCore weights by γ_i ≠ 1 (below a genuine threshold):
/// three constant-time and three public full-width G1 multiplications.
pub(crate) const THRESHOLD_ROW_STEPS: u64 = 2_500;

/// The fixed work of one header computation whatever its policy (DecCore's pairings,
/// the FO check's `C0` and hashes, a hop's GT exponentiations): a whole AND-of-1 open (5300
/// steps), above the 0.55–0.77 of one measured (`docs/performance.md`, "Worst admitted
/// records"). Counted per
/// header by the record budget (`record::open_cost_bound`), not by [`open_cost`].
pub(crate) const HEADER_STEPS: u64 = 5_300;

/// Bases per row: `l ∈ {1,2,3}`, `t ∈ {1,2}`.
const BASES: u64 = 6;

/// Steps of `x·P` by double-and-add for a small public `x ≥ 1`.
pub(crate) fn mul_small_steps(x: u64) -> u64 {
    let bits = u64::from(64 - x.leading_zeros());
    bits.saturating_sub(1) + u64::from(x.count_ones()).saturating_sub(1)
}

/// Counts the base builder's steps, per base.
#[derive(Default)]
struct Counter {
    steps: u64,
    rows: u64,
}

impl RowBuilder for Counter {
    type Value = ();

    fn zero(&mut self) {}

    fn add_unit(&mut self, _: &mut (), _: usize, _: i8) {
        self.steps += 1;
    }

    /// Horner: `count` multiplications by `x`, `count − 1` additions of a column point,
    /// and one addition to the parent's value.
    fn add_powers(&mut self, _: &mut (), _: usize, count: usize, x: u64) {
        let count = count as u64;
        self.steps = self
            .steps
            .saturating_add(count.saturating_mul(mul_small_steps(x) + 1));
    }

    /// `W + v`.
    fn leaf(&mut self, _: usize, _: &()) {
        self.steps += 1;
        self.rows += 1;
    }
}

/// The most rows with γ ≠ 1 that one reconstruction can use below `gate`: the rows
/// a key uses under a genuine threshold (AND: all children; OR: the costliest child;
/// `k of n`: the k costliest children, every row below them weighted by a Lagrange
/// coefficient).
fn weighted_rows(gate: &Gate, under_threshold: bool) -> u64 {
    match gate {
        Gate::Leaf(_) => u64::from(under_threshold),
        Gate::And { children, .. } => children
            .iter()
            .map(|c| weighted_rows(c, under_threshold))
            .sum(),
        Gate::Or(children) => children
            .iter()
            .map(|c| weighted_rows(c, under_threshold))
            .max()
            .unwrap_or(0),
        Gate::Threshold { k, children, .. } => {
            let mut used: Vec<u64> = children.iter().map(|c| weighted_rows(c, true)).collect();
            used.sort_unstable_by(|a, b| b.cmp(a));
            used.iter().take(*k).sum()
        }
    }
}

/// The open cost of a compiled gate tree (see the module documentation).
pub(crate) fn open_cost(gate: &Gate) -> u64 {
    let mut c = Counter::default();
    walk_all(gate, &mut c);
    c.rows
        .saturating_mul(ROW_STEPS)
        .saturating_add(weighted_rows(gate, false).saturating_mul(THRESHOLD_ROW_STEPS))
        .saturating_add(c.steps.saturating_mul(BASES))
}
