//! Random policy-tree shapes for the property tests of the policy language, sealed records
//! and re-encryption: gates of 2 or more children (AND, OR, `k of (…)`) over leaves each
//! test names itself.

use proptest::prelude::*;

/// A policy tree shape; each test gives the leaves their attributes when it builds the
/// policy (left to right).
#[derive(Clone, Debug)]
pub enum Shape {
    Leaf,
    And(Vec<Shape>),
    Or(Vec<Shape>),
    /// The threshold seed is reduced into `1..=n` (so 1-of-n and n-of-n occur too).
    Threshold(usize, Vec<Shape>),
}

impl Shape {
    /// The number of leaves.
    pub fn leaves(&self) -> usize {
        match self {
            Shape::Leaf => 1,
            Shape::And(c) | Shape::Or(c) | Shape::Threshold(_, c) => {
                c.iter().map(Shape::leaves).sum()
            }
        }
    }
}

/// Shapes of at most `depth` levels of gates, about `size` nodes in all, 2 to
/// `max_children` children per gate (proptest's `prop_recursive` parameters).
pub fn shapes(depth: u32, size: u32, max_children: u32) -> impl Strategy<Value = Shape> {
    Just(Shape::Leaf).prop_recursive(depth, size, max_children, move |inner| {
        let children = prop::collection::vec(inner, 2..=max_children as usize);
        prop_oneof![
            children.clone().prop_map(Shape::And),
            children.clone().prop_map(Shape::Or),
            (any::<usize>(), children).prop_map(|(k, c)| Shape::Threshold(k, c)),
        ]
    })
}
