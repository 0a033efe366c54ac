//! The policy syntax tree and its canonical text form.

use core::fmt;

use super::attribute::Attribute;

/// A node of a policy's syntax tree.
///
/// The tree of a parsed [`Policy`](super::Policy) is canonical: `And` and `Or` have at
/// least two children and never a child of their own kind (same-operator nesting is
/// flattened: `a and (b and c)` is `And[a, b, c]`); a `Threshold` has
/// `1 ≤ k ≤ children.len()` and at least two children, and is kept as written (a
/// `1 of (…)` stays a threshold; it only *compiles* like `Or`).
///
/// The [`Display`](fmt::Display) form writes minimal parentheses (`and` binds tighter
/// than `or`); for a canonical tree it is the canonical policy text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyNode {
    /// One attribute (one LSSS row).
    Leaf(Attribute),
    /// All children must be satisfied.
    And(Vec<PolicyNode>),
    /// At least one child must be satisfied.
    Or(Vec<PolicyNode>),
    /// At least `k` of the children must be satisfied: `k of (a, b, c)`.
    Threshold {
        /// How many children must be satisfied.
        k: usize,
        /// The children, in the order written.
        children: Vec<PolicyNode>,
    },
}

impl PolicyNode {
    /// Calls `f` on every leaf attribute, left to right (LSSS row order).
    pub(crate) fn for_each_leaf<'a>(&'a self, f: &mut impl FnMut(&'a Attribute)) {
        match self {
            PolicyNode::Leaf(a) => f(a),
            PolicyNode::And(children)
            | PolicyNode::Or(children)
            | PolicyNode::Threshold { children, .. } => {
                children.iter().for_each(|c| c.for_each_leaf(f));
            }
        }
    }

    /// The number of gates on the longest root-to-leaf path (a lone leaf has depth 0).
    pub(crate) fn depth(&self) -> usize {
        match self {
            PolicyNode::Leaf(_) => 0,
            PolicyNode::And(children)
            | PolicyNode::Or(children)
            | PolicyNode::Threshold { children, .. } => {
                1 + children.iter().map(PolicyNode::depth).max().unwrap_or(0)
            }
        }
    }
}

/// Binding strength of a node when written as text: the lower, the more a parent
/// must parenthesise it.
fn level(node: &PolicyNode) -> u8 {
    match node {
        PolicyNode::Or(_) => 0,
        PolicyNode::And(_) => 1,
        PolicyNode::Leaf(_) | PolicyNode::Threshold { .. } => 2,
    }
}

fn write_joined(
    f: &mut fmt::Formatter<'_>,
    children: &[PolicyNode],
    sep: &str,
    min_level: u8,
) -> fmt::Result {
    for (i, child) in children.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        if level(child) < min_level {
            write!(f, "({child})")?;
        } else {
            write!(f, "{child}")?;
        }
    }
    Ok(())
}

impl fmt::Display for PolicyNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyNode::Leaf(a) => a.write_policy_form(f),
            // A child of the same kind only occurs in a hand-built, non-canonical tree;
            // parenthesising it keeps the text faithful (it parses back flattened).
            PolicyNode::Or(children) => write_joined(f, children, " or ", 1),
            PolicyNode::And(children) => write_joined(f, children, " and ", 2),
            PolicyNode::Threshold { k, children } => {
                write!(f, "{k} of (")?;
                write_joined(f, children, ", ", 0)?;
                f.write_str(")")
            }
        }
    }
}
