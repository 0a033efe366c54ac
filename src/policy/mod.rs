//! The policy language and its compilation to a linear secret-sharing scheme (work in progress).

/// A parsed, canonical access policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {}

/// A compiled linear secret-sharing scheme (M, ρ).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lsss {}
