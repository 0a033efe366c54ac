//! RFC 9380 known-answer tests: Appendix K (expand_message_xmd, SHA-256, 38- and 256-byte
//! DSTs) and Appendix J.9.1 / J.10.1 (BLS12-381 G1 and G2 `XMD:SHA-256_SSWU_RO_`).

use ark_bls12_381::{Fq, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};
use serde_json::Value;

use super::unhex;
use crate::hash::{expand_message_xmd, hash_to_g1, hash_to_g2};

const XMD_38: &str =
    include_str!("../../../tests/vectors/rfc9380-hash-to-curve/expand_message_xmd_SHA256_38.json");
const XMD_256: &str =
    include_str!("../../../tests/vectors/rfc9380-hash-to-curve/expand_message_xmd_SHA256_256.json");
const G1_RO: &str = include_str!(
    "../../../tests/vectors/rfc9380-hash-to-curve/BLS12381G1_XMD-SHA-256_SSWU_RO_.json"
);
const G2_RO: &str = include_str!(
    "../../../tests/vectors/rfc9380-hash-to-curve/BLS12381G2_XMD-SHA-256_SSWU_RO_.json"
);

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("bad vector file: {e}"))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// Runs every test of one expand_message_xmd file; returns how many ran.
fn run_xmd_file(text: &str) -> usize {
    let file = parse(text);
    let dst = s(&file["DST"]).as_bytes();
    let tests = file["tests"]
        .as_array()
        .unwrap_or_else(|| panic!("no tests"));
    for t in tests {
        let msg = s(&t["msg"]).as_bytes();
        let len = usize::from_str_radix(s(&t["len_in_bytes"]).trim_start_matches("0x"), 16)
            .unwrap_or_else(|e| panic!("bad length: {e}"));
        let want = unhex(s(&t["uniform_bytes"]));
        assert_eq!(want.len(), len);
        let got = expand_message_xmd(&[msg], dst, len).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            hex::encode(&got),
            hex::encode(&want),
            "msg {:?} len {len}",
            s(&t["msg"])
        );
        // The same message split into parts (including empty ones) hashes the same.
        let cut = msg.len() / 3;
        let parts: [&[u8]; 4] = [&msg[..cut], &[], &msg[cut..2 * cut], &msg[2 * cut..]];
        let split = expand_message_xmd(&parts, dst, len).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(split, want);
    }
    tests.len()
}

#[test]
fn expand_message_xmd_rfc9380_k1_dst_38() {
    let file = parse(XMD_38);
    assert_eq!(s(&file["DST"]).len(), 38);
    assert_eq!(run_xmd_file(XMD_38), 10);
}

#[test]
fn expand_message_xmd_rfc9380_k1_dst_256_uses_the_oversize_rule() {
    let file = parse(XMD_256);
    assert_eq!(
        s(&file["DST"]).len(),
        256,
        "this set exercises RFC 9380 §5.3.3"
    );
    assert_eq!(run_xmd_file(XMD_256), 10);
}

/// The big-endian bytes of a base-field element, as hex without leading zeros trimmed.
fn fq_hex(x: &Fq) -> String {
    hex::encode(x.into_bigint().to_bytes_be())
}

/// The vector's field element (hex with `0x`) left-padded to 48 bytes.
fn want_fq(v: &str) -> String {
    let bytes = unhex(v);
    let mut padded = vec![0u8; 48 - bytes.len()];
    padded.extend_from_slice(&bytes);
    hex::encode(padded)
}

#[test]
fn hash_to_g1_rfc9380_j91_vectors() {
    let file = parse(G1_RO);
    assert_eq!(s(&file["ciphersuite"]), "BLS12381G1_XMD:SHA-256_SSWU_RO_");
    let dst = s(&file["dst"]).as_bytes();
    let vectors = file["vectors"]
        .as_array()
        .unwrap_or_else(|| panic!("no vectors"));
    assert_eq!(vectors.len(), 5);
    for v in vectors {
        let msg = s(&v["msg"]).as_bytes();
        let p: G1Affine = hash_to_g1(dst, msg).unwrap_or_else(|e| panic!("{e}"));
        let (x, y) = p.xy().unwrap_or_else(|| panic!("identity"));
        assert_eq!(
            fq_hex(&x),
            want_fq(s(&v["P"]["x"])),
            "x for msg {:?}",
            s(&v["msg"])
        );
        assert_eq!(
            fq_hex(&y),
            want_fq(s(&v["P"]["y"])),
            "y for msg {:?}",
            s(&v["msg"])
        );
        // Our expand_message_xmd (L = 64, the conformant case) reproduces the suite's
        // hash_to_field outputs u[0], u[1] too.
        let uniform = expand_message_xmd(&[msg], dst, 128).unwrap_or_else(|e| panic!("{e}"));
        for (i, chunk) in uniform.chunks_exact(64).enumerate() {
            let u = Fq::from_be_bytes_mod_order(chunk);
            assert_eq!(fq_hex(&u), want_fq(s(&v["u"][i])));
        }
    }
}

#[test]
fn hash_to_g2_rfc9380_j101_vectors() {
    let file = parse(G2_RO);
    assert_eq!(s(&file["ciphersuite"]), "BLS12381G2_XMD:SHA-256_SSWU_RO_");
    let dst = s(&file["dst"]).as_bytes();
    let vectors = file["vectors"]
        .as_array()
        .unwrap_or_else(|| panic!("no vectors"));
    assert_eq!(vectors.len(), 5);
    for v in vectors {
        let msg = s(&v["msg"]).as_bytes();
        let p: G2Affine = hash_to_g2(dst, msg).unwrap_or_else(|e| panic!("{e}"));
        let (x, y) = p.xy().unwrap_or_else(|| panic!("identity"));
        for (got, want) in [(x, &v["P"]["x"]), (y, &v["P"]["y"])] {
            let (c0, c1) = s(want).split_once(',').unwrap_or_else(|| panic!("not Fq2"));
            assert_eq!(fq_hex(&got.c0), want_fq(c0), "msg {:?}", s(&v["msg"]));
            assert_eq!(fq_hex(&got.c1), want_fq(c1), "msg {:?}", s(&v["msg"]));
        }
    }
}

#[test]
fn a_wrong_dst_or_message_misses_the_vector() {
    // Guards against a comparison that passes vacuously.
    let file = parse(G1_RO);
    let v = &file["vectors"][1];
    let want = want_fq(s(&v["P"]["x"]));
    let other_dst = hash_to_g1(
        b"QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_NU_",
        b"abc",
    );
    let other_msg = hash_to_g1(s(&file["dst"]).as_bytes(), b"abd");
    for p in [other_dst, other_msg] {
        let p = p.unwrap_or_else(|e| panic!("{e}"));
        let (x, _) = p.xy().unwrap_or_else(|| panic!("identity"));
        assert_ne!(fq_hex(&x), want);
    }
}
