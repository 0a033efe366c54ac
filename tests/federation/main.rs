//! Federation: one authority per hospital, and records referred from one to another by a
//! cross-authority re-key (`docs/federation.md`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod attacks;
mod common;
mod referral;
mod refusals;
