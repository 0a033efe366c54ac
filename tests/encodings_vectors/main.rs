//! Encodings and vectors: every decoder's strictness, the conformance vectors, the
//! integrity of the RFC 9380 files, the public hash-to-curve API against them (feature
//! `hazmat`), fuzz regressions and seed corpora, and `Error` sources.

#[path = "../common/mod.rs"]
mod common;

mod conformance;
mod encodings;
mod error_sources;
mod fuzz_regressions;
#[cfg(feature = "hazmat")]
mod hash_to_curve;
mod hash_vectors;
