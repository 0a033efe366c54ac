//! The optional serde impls (feature `serde`): `cargo test --features serde --test serde`.

#[path = "../common/mod.rs"]
mod common;

mod wire_types;
