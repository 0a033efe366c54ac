//! `cipherchart::hazmat` (feature `hazmat`) against published vectors, through the public
//! API only:
//! * RFC 9380 Appendix J.9.1 / J.10.1: `BLS12381G1_XMD:SHA-256_SSWU_RO_` and `_NU_`,
//!   `BLS12381G2_XMD:SHA-256_SSWU_RO_` and `_NU_` (tests/vectors/rfc9380-hash-to-curve/);
//! * RFC 9380 Appendix K.1: `expand_message_xmd` with SHA-256, 38- and 256-byte DSTs;
//! * Ethereum bls12-381-tests `hash_to_G2` (tests/vectors/bls/bls12-381-tests/hash_to_G2/).
//!
//! The crate's own unit tests run the same RFC files against the internal functions; these
//! check the public, compressed-output wrappers a user would call.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed test aborts

use std::path::Path;

use ark_bls12_381::{Fq, Fq2, G1Affine, G2Affine};
use ark_ff::PrimeField;
use ark_serialize::CanonicalSerialize;
use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::hazmat::{encode_to_g1, encode_to_g2, expand_message_xmd, hash_to_g1, hash_to_g2};
use cipherchart::Error;
use cipherchart::{BlsSigningKey, POP_DST, SIG_DST};
use serde_json::Value;

const RFC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/vectors/rfc9380-hash-to-curve"
);
const ETH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/vectors/bls/bls12-381-tests/hash_to_G2"
);

fn load(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn fq(hex_str: &str) -> Fq {
    Fq::from_be_bytes_mod_order(&hex::decode(hex_str.trim().trim_start_matches("0x")).unwrap())
}

fn fq2(pair: &str) -> Fq2 {
    let (c0, c1) = pair.split_once(',').unwrap();
    Fq2::new(fq(c0), fq(c1))
}

/// The compressed encoding of the vector's affine point (checked to be on the curve and in
/// the subgroup by arkworks' constructor and the encoding round trip).
fn g1_bytes(p: &Value) -> Vec<u8> {
    let pt = G1Affine::new(fq(s(&p["x"])), fq(s(&p["y"])));
    let mut out = Vec::new();
    pt.serialize_compressed(&mut out).unwrap();
    out
}

fn g2_bytes(p: &Value) -> Vec<u8> {
    let pt = G2Affine::new(fq2(s(&p["x"])), fq2(s(&p["y"])));
    let mut out = Vec::new();
    pt.serialize_compressed(&mut out).unwrap();
    out
}

/// Runs one RFC 9380 suite file through `f`; returns the number of vectors.
fn run_suite(
    file: &str,
    suite: &str,
    point: fn(&Value) -> Vec<u8>,
    f: fn(&[u8], &[u8]) -> Vec<u8>,
) -> usize {
    let doc = load(&Path::new(RFC).join(file));
    assert_eq!(s(&doc["ciphersuite"]), suite);
    let dst = s(&doc["dst"]).as_bytes();
    let vectors = doc["vectors"].as_array().unwrap();
    for v in vectors {
        let msg = s(&v["msg"]).as_bytes();
        assert_eq!(
            f(msg, dst),
            point(&v["P"]),
            "{suite} msg {:?}",
            s(&v["msg"])
        );
        // Not vacuous: another message misses.
        assert_ne!(f(b"not the vector's message", dst), point(&v["P"]));
    }
    vectors.len()
}

#[test]
fn rfc9380_hash_to_curve_suites() {
    let n = [
        run_suite(
            "BLS12381G1_XMD-SHA-256_SSWU_RO_.json",
            "BLS12381G1_XMD:SHA-256_SSWU_RO_",
            g1_bytes,
            |m, d| hash_to_g1(m, d).unwrap().to_vec(),
        ),
        run_suite(
            "BLS12381G1_XMD-SHA-256_SSWU_NU_.json",
            "BLS12381G1_XMD:SHA-256_SSWU_NU_",
            g1_bytes,
            |m, d| encode_to_g1(m, d).unwrap().to_vec(),
        ),
        run_suite(
            "BLS12381G2_XMD-SHA-256_SSWU_RO_.json",
            "BLS12381G2_XMD:SHA-256_SSWU_RO_",
            g2_bytes,
            |m, d| hash_to_g2(m, d).unwrap().to_vec(),
        ),
        run_suite(
            "BLS12381G2_XMD-SHA-256_SSWU_NU_.json",
            "BLS12381G2_XMD:SHA-256_SSWU_NU_",
            g2_bytes,
            |m, d| encode_to_g2(m, d).unwrap().to_vec(),
        ),
    ];
    assert_eq!(n, [5, 5, 5, 5]);
}

#[test]
fn rfc9380_expand_message_xmd() {
    let mut n = 0;
    for file in [
        "expand_message_xmd_SHA256_38.json",
        "expand_message_xmd_SHA256_256.json",
    ] {
        let doc = load(&Path::new(RFC).join(file));
        let dst = s(&doc["DST"]).as_bytes();
        for t in doc["tests"].as_array().unwrap() {
            let len =
                usize::from_str_radix(s(&t["len_in_bytes"]).trim_start_matches("0x"), 16).unwrap();
            let got = expand_message_xmd(s(&t["msg"]).as_bytes(), dst, len).unwrap();
            assert_eq!(hex::encode(got), s(&t["uniform_bytes"]), "{file}");
            n += 1;
        }
    }
    assert_eq!(n, 20);
}

#[test]
fn ethereum_hash_to_g2_cases() {
    // bls12-381-tests v0.1.2 hashes under the RFC's G2 RO test tag.
    let dst = b"QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_";
    let mut files: Vec<_> = std::fs::read_dir(ETH)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in &files {
        let case = load(f);
        let msg = s(&case["input"]["msg"]).as_bytes();
        assert_eq!(
            hash_to_g2(msg, dst).unwrap().to_vec(),
            g2_bytes(&case["output"]),
            "{}",
            f.display()
        );
    }
    assert_eq!(files.len(), 4);
}

#[test]
fn hash_to_g2_is_the_signature_hash() {
    // sk = 1 signs H(m) itself, so the hazmat hash under SIG_DST is what BLS signs, and
    // under POP_DST what a proof of possession signs.
    let mut one = [0u8; 32];
    one[31] = 1;
    let sk = BlsSigningKey::from_secret_bytes(&one).unwrap();
    assert_eq!(
        sk.sign(b"abc").to_bytes(),
        hash_to_g2(b"abc", SIG_DST).unwrap()
    );
    assert_eq!(
        sk.prove_possession().to_bytes(),
        hash_to_g2(&sk.public_key().to_bytes(), POP_DST).unwrap()
    );
}

#[test]
fn empty_tags_and_bad_lengths_are_refused() {
    for r in [
        hash_to_g2(b"m", b"").map(|_| ()),
        hash_to_g1(b"m", b"").map(|_| ()),
        encode_to_g2(b"m", b"").map(|_| ()),
        encode_to_g1(b"m", b"").map(|_| ()),
        expand_message_xmd(b"m", b"", 32).map(|_| ()),
        expand_message_xmd(b"m", b"tag", 0).map(|_| ()),
        expand_message_xmd(b"m", b"tag", 8161).map(|_| ()),
    ] {
        assert!(matches!(r, Err(Error::InvalidArgument(_))), "{r:?}");
    }
    assert_eq!(expand_message_xmd(b"m", b"tag", 8160).unwrap().len(), 8160);
}
