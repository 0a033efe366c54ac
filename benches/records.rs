//! Placeholder (filled in the next commit).
#![allow(missing_docs)]
fn main() {}
