//! The constant-time layer against arkworks (feature `ctcheck`):
//! `cargo test --features ctcheck --test constant_time`.

#[path = "../common/mod.rs"]
mod common;

mod against_arkworks;
mod stack_wipe;
mod wipe_review;
