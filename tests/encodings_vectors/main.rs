//! Encodings and vectors: every decoder's strictness, the conformance vectors, the
//! integrity of the RFC 9380 files (the public hash-to-curve API is run against them in
//! `signatures::hash_to_curve`), fuzz regressions and seed corpora, and `Error` sources.

#[path = "../common/mod.rs"]
mod common;

mod conformance;
mod encodings;
mod error_sources;
mod federation_vectors;
mod fuzz_regressions;
mod hash_vectors;
mod keyfile_attacks;
mod keyfiles;
mod revocation_vectors;
