//! Integrity of the RFC 9380 vector files.
//!
//! The known-answer tests themselves are unit tests of the crate-internal `hash` module
//! (`src/hash/tests/kat.rs`, reading these files with `include_str!`). This test pins the
//! files to the SHA-256 sums recorded in the source's README.txt, so an edited or
//! truncated vector file cannot make those tests pass vacuously.

#![allow(clippy::unwrap_used, clippy::panic)] // a failed test aborts

use std::path::Path;

use sha2::{Digest, Sha256};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/vectors/rfc9380-hash-to-curve"
);

/// (file name, size, sha256) from the README's FILES section.
fn recorded() -> Vec<(String, usize, String)> {
    let readme = std::fs::read_to_string(Path::new(DIR).join("README.txt")).unwrap();
    readme
        .lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let (name, size, sum) = (f.next()?, f.next()?, f.next()?);
            if !name.ends_with(".json") || sum.len() != 64 {
                return None;
            }
            Some((name.to_owned(), size.parse().ok()?, sum.to_owned()))
        })
        .collect()
}

#[test]
fn vector_files_match_the_recorded_sums() {
    let files = recorded();
    assert_eq!(files.len(), 6, "README lists six vector files");
    for (name, size, sum) in files {
        let bytes = std::fs::read(Path::new(DIR).join(&name)).unwrap();
        assert_eq!(bytes.len(), size, "{name}: size");
        assert_eq!(hex::encode(Sha256::digest(&bytes)), sum, "{name}: sha256");
    }
}

#[test]
fn the_files_the_unit_tests_read_are_listed() {
    let names: Vec<String> = recorded().into_iter().map(|(n, _, _)| n).collect();
    for used in [
        "expand_message_xmd_SHA256_38.json",
        "expand_message_xmd_SHA256_256.json",
        "BLS12381G1_XMD-SHA-256_SSWU_RO_.json",
        "BLS12381G2_XMD-SHA-256_SSWU_RO_.json",
    ] {
        assert!(names.iter().any(|n| n == used), "{used} not in README.txt");
    }
}
