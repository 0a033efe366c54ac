//! The policy language: property tests of parsing and its LSSS compilation, and the
//! invisible characters refused in attribute names.

#[path = "../common/mod.rs"]
mod common;

mod invisible_characters;
mod misuse;
mod props;
