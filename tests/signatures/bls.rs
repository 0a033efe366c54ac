//! BLS signatures (`cipherchart::sig`): known answers from outside and properties.
//!
//! Known-answer tests (files in `tests/vectors/bls/`, provenance in its README.txt, pinned
//! by SHA-256 below):
//! * Ethereum consensus-spec-tests: sign, verify, aggregate, fast_aggregate_verify and
//!   aggregate_verify cases of the same ciphersuite (`BLS_SIG_…_POP_`);
//! * Wycheproof `bls_sig_g2_pop_verify_test.json`: valid and invalid signatures with typed
//!   failures (identity, off-curve, off-subgroup, bad flags, truncation, wrong DST);
//! * EIP-2333: `KeyGen` (`HKDF_mod_r`) master and child keys;
//! * aptos-core (blst): proofs of possession, signatures, low-order public keys.
//!
//! Then properties: round trips, every rejection path, aggregation, batches.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed test aborts

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::common::rng;
use ark_bls12_381::{Fq, Fq2, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{BigInteger, PrimeField};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::{
    aggregate_verify, batch_find_invalid, batch_verify, fast_aggregate_verify, BlsPublicKey,
    BlsSignature, BlsSigningKey, UnvalidatedPublicKey, UnvalidatedSignature, POP_DST, SIG_DST,
};
use cipherchart::{EncodingError, Error};
use hkdf::Hkdf;
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/bls");

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s.trim_start_matches("0x")).unwrap()
}

fn key(i: u8) -> BlsSigningKey {
    BlsSigningKey::from_ikm(&[i; 32], b"cipherchart bls tests").unwrap()
}

fn enc(e: EncodingError) -> Error {
    Error::InvalidEncoding(e)
}

/// The raw bytes of an arkworks point in the Zcash compressed format (arkworks writes the
/// same format and does not validate when serialising, so this also encodes points that
/// our decoder must reject).
fn ark_bytes<P: CanonicalSerialize>(p: &P) -> Vec<u8> {
    let mut out = Vec::new();
    p.serialize_compressed(&mut out).unwrap();
    out
}

/// A decimal integer (< 2^256) as 32 big-endian bytes.
fn decimal_to_be32(dec: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for digit in dec.bytes() {
        let mut carry = u32::from(digit - b'0');
        for byte in out.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        assert_eq!(carry, 0, "{dec} does not fit in 32 bytes");
    }
    out
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(DIR).join(rel)).unwrap()
}

fn json(rel: &str) -> serde_json::Value {
    serde_json::from_str(&read(rel)).unwrap()
}

/// One value of a consensus-spec-tests `data.yaml`.
#[derive(Debug)]
enum Yaml {
    Bytes(Vec<u8>),
    List(Vec<Vec<u8>>),
    Bool(bool),
    Null,
}

/// Parses the small YAML subset of the consensus-spec-tests BLS cases: `input:` holding
/// either a list (`- '0x…'`) or `key: '0x…'` / `key:` + list lines, and `output: …`.
/// Keys are flattened (`privkey`, `pubkeys`, …; a top-level list is `input`).
fn parse_case(text: &str) -> BTreeMap<String, Yaml> {
    fn scalar(v: &str) -> Yaml {
        match v {
            "null" => Yaml::Null,
            "[]" => Yaml::List(Vec::new()),
            "true" => Yaml::Bool(true),
            "false" => Yaml::Bool(false),
            quoted => Yaml::Bytes(unhex(quoted.trim_matches('\''))),
        }
    }
    let mut map = BTreeMap::new();
    let mut list_key: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(item) = trimmed.strip_prefix("- ") {
            let k = list_key.clone().expect("list item outside a list");
            match map.entry(k).or_insert_with(|| Yaml::List(Vec::new())) {
                Yaml::List(items) => items.push(unhex(item.trim_matches('\''))),
                other => panic!("list item after scalar {other:?}"),
            }
            continue;
        }
        let (k, v) = trimmed.split_once(':').expect("key: value");
        let v = v.trim();
        if v.is_empty() {
            list_key = Some(k.to_owned());
        } else {
            map.insert(k.to_owned(), scalar(v));
        }
    }
    map
}

/// Decodes keys and a signature and runs `check`; any decode failure counts as "invalid"
/// and must be a typed encoding error.
fn outcome(
    pks: &[Vec<u8>],
    sig: &[u8],
    check: impl FnOnce(&[BlsPublicKey], &BlsSignature) -> cipherchart::Result<()>,
) -> bool {
    let decoded: Result<Vec<BlsPublicKey>, Error> =
        pks.iter().map(|b| BlsPublicKey::from_bytes(b)).collect();
    let (pks, sig) = match (decoded, BlsSignature::from_bytes(sig)) {
        (Ok(p), Ok(s)) => (p, s),
        (Err(e), _) | (_, Err(e)) => {
            assert!(matches!(e, Error::InvalidEncoding(_)), "{e:?}");
            return false;
        }
    };
    match check(&pks, &sig) {
        Ok(()) => true,
        Err(e) => {
            assert_eq!(e, Error::VerificationFailed);
            false
        }
    }
}

// ---------------------------------------------------------------------------------------
// Vector file integrity
// ---------------------------------------------------------------------------------------

/// (path, size, sha256) from the FILES section of README.txt.
fn recorded() -> Vec<(String, usize, String)> {
    read("README.txt")
        .lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let (name, size, sum) = (f.next()?, f.next()?, f.next()?);
            if !(name.ends_with(".yaml") || name.ends_with(".json")) || sum.len() != 64 {
                return None;
            }
            Some((name.to_owned(), size.parse().ok()?, sum.to_owned()))
        })
        .collect()
}

#[test]
fn vector_files_match_the_recorded_sums() {
    let files = recorded();
    assert_eq!(files.len(), 135, "README lists 135 vector files");
    for (name, size, sum) in &files {
        let bytes = std::fs::read(Path::new(DIR).join(name)).unwrap();
        assert_eq!(bytes.len(), *size, "{name}: size");
        assert_eq!(&hex::encode(Sha256::digest(&bytes)), sum, "{name}: sha256");
    }
    // Every case file the tests read is pinned.
    for set in ["consensus-spec-tests", "bls12-381-tests"] {
        for handler in std::fs::read_dir(Path::new(DIR).join(set)).unwrap() {
            let handler = handler.unwrap().path();
            for f in std::fs::read_dir(&handler).unwrap() {
                let f = f.unwrap().path();
                let path = f.strip_prefix(DIR).unwrap().to_string_lossy().into_owned();
                assert!(
                    files.iter().any(|(n, _, _)| *n == path),
                    "{path} not pinned"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Known answers: Ethereum (consensus-spec-tests and bls12-381-tests)
// ---------------------------------------------------------------------------------------

#[test]
fn kat_ethereum_secret_to_public() {
    // The three Ethereum test keys and the public keys their fast_aggregate_verify and
    // verify cases use (the signatures of `sign` verify under these keys).
    for (sk, pk) in [
        (
            "263dbd792f5b1be47ed85f8938c0f29586af0d3ac7b977f21c278fe1462040e3",
            "a491d1b0ecd9bb917989f0e74f0dea0422eac4a873e5e2644f368dffb9a6e20fd6e10c1b77654d067c0618f6e5a7f79a",
        ),
        (
            "47b8192d77bf871b62e87859d653922725724a5c031afeabc60bcef5ff665138",
            "b301803f8b5ac4a1133581fc676dfedc60d891dd5fa99028805e5ea5b08d3491af75d0707adab3b70c6a6a580217bf81",
        ),
        (
            "328388aff0d4a5b7dc9205abd374e7e98f3cd9f3418edb4eafda5fb16473d216",
            "b53d21a4cfd562c469cc81514d4ce5a6b577d8403d32a394dc265dd190b47fa9f829fdd7963afdf972e5e77854051f6f",
        ),
    ] {
        let key = BlsSigningKey::from_secret_bytes(&unhex(sk)).unwrap();
        assert_eq!(key.public_key().to_bytes().to_vec(), unhex(pk));
    }
}

/// One Ethereum case as JSON: `{"input": …, "output": …}`, hex strings as in the files.
/// The YAML cases are converted (bytes become `"0x…"` strings, lists arrays).
fn yaml_to_json(case: &BTreeMap<String, Yaml>) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    fn v(y: &Yaml) -> Value {
        match y {
            Yaml::Bytes(b) => json!(format!("0x{}", hex::encode(b))),
            Yaml::List(l) => l
                .iter()
                .map(|b| json!(format!("0x{}", hex::encode(b))))
                .collect(),
            Yaml::Bool(b) => json!(b),
            Yaml::Null => Value::Null,
        }
    }
    let mut input = Map::new();
    let mut top = Map::new();
    for (k, y) in case {
        match k.as_str() {
            "output" => {
                top.insert("output".into(), v(y));
            }
            "input" => {
                top.insert("input".into(), v(y));
            }
            _ => {
                input.insert(k.clone(), v(y));
            }
        }
    }
    if !input.is_empty() {
        top.insert("input".into(), Value::Object(input));
    }
    Value::Object(top)
}

/// Every Ethereum BLS case file, as (set, handler, case name, case): the consensus-spec-
/// tests YAML files and the bls12-381-tests JSON files, sorted.
fn ethereum_cases() -> Vec<(&'static str, String, String, serde_json::Value)> {
    let mut out = Vec::new();
    for set in ["consensus-spec-tests", "bls12-381-tests"] {
        let root = Path::new(DIR).join(set);
        let mut handlers: Vec<PathBuf> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        handlers.sort();
        for dir in handlers {
            let handler = dir.file_name().unwrap().to_string_lossy().into_owned();
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            for f in files {
                let name = f.file_stem().unwrap().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(&f).unwrap();
                let case = match f.extension().and_then(|e| e.to_str()) {
                    Some("yaml") => yaml_to_json(&parse_case(&text)),
                    Some("json") => serde_json::from_str(&text).unwrap(),
                    other => panic!("{}: unexpected file type {other:?}", f.display()),
                };
                out.push((set, handler.clone(), name, case));
            }
        }
    }
    out
}

fn hex_of(v: &serde_json::Value) -> Vec<u8> {
    unhex(
        v.as_str()
            .unwrap_or_else(|| panic!("not a hex string: {v}")),
    )
}

fn hex_list(v: &serde_json::Value) -> Vec<Vec<u8>> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(hex_of)
        .collect()
}

/// Ethereum's `KeyValidate` on bytes, through the split API: deserialize (the identity
/// decodes), then validate (the identity is refused with the strict decoder's error).
/// Also checks that [`BlsPublicKey::from_bytes`] (decode and validate at once) agrees.
fn key_validate(bytes: &[u8]) -> Option<BlsPublicKey> {
    let split = UnvalidatedPublicKey::from_bytes(bytes).and_then(|k| k.validate());
    let strict = BlsPublicKey::from_bytes(bytes);
    assert_eq!(split, strict, "the split and the strict decoder disagree");
    match split {
        Ok(pk) => Some(pk),
        Err(e) => {
            assert!(matches!(e, Error::InvalidEncoding(_)), "{e:?}");
            None
        }
    }
}

/// A signature as the verifiers take it: deserialized (identity allowed), then validated;
/// `None` if either step refuses it (the identity verifies nothing).
fn usable_signature(bytes: &[u8]) -> Option<BlsSignature> {
    let split = UnvalidatedSignature::from_bytes(bytes).and_then(|s| s.validate());
    assert_eq!(split, BlsSignature::from_bytes(bytes));
    split.ok()
}

/// A verification result as Ethereum's boolean: `Ok` is true; the refusals are typed.
fn verified(r: cipherchart::Result<()>) -> bool {
    match r {
        Ok(()) => true,
        Err(Error::VerificationFailed | Error::InvalidArgument(_)) => false,
        Err(e) => panic!("unexpected error {e:?}"),
    }
}

/// Ethereum's `FastAggregateVerify`: every key passes `KeyValidate`, the signature decodes
/// and is not the identity, at least one key, and the pairing check.
fn eth_fast_aggregate_verify(input: &serde_json::Value) -> bool {
    let msg = hex_of(&input["message"]);
    let Some(pks) = hex_list(&input["pubkeys"])
        .iter()
        .map(|b| key_validate(b))
        .collect::<Option<Vec<BlsPublicKey>>>()
    else {
        return false;
    };
    let Some(sig) = usable_signature(&hex_of(&input["signature"])) else {
        return false;
    };
    verified(fast_aggregate_verify(&pks, &msg, &sig))
}

/// Runs one Ethereum case through the public API; returns false if the handler is not
/// one this file runs (see [`HANDLERS_ELSEWHERE`]).
fn run_ethereum_case(handler: &str, name: &str, case: &serde_json::Value) -> bool {
    let input = &case["input"];
    let output = &case["output"];
    match handler {
        "sign" => {
            let sk = BlsSigningKey::from_secret_bytes(&hex_of(&input["privkey"]));
            if output.is_null() {
                // The zero key: KeyValidate forbids it.
                assert_eq!(sk.unwrap_err(), enc(EncodingError::InvalidScalar), "{name}");
            } else {
                let key = sk.unwrap();
                let msg = hex_of(&input["message"]);
                let sig = key.sign(&msg);
                assert_eq!(sig.to_bytes().to_vec(), hex_of(output), "{name}");
                key.public_key().verify(&msg, &sig).unwrap();
                assert_eq!(
                    key.to_secret_bytes().to_vec(),
                    hex_of(&input["privkey"]),
                    "{name}: key round trip"
                );
            }
        }
        "verify" => {
            let msg = hex_of(&input["message"]);
            let got = match (
                key_validate(&hex_of(&input["pubkey"])),
                usable_signature(&hex_of(&input["signature"])),
            ) {
                (Some(pk), Some(sig)) => verified(pk.verify(&msg, &sig)),
                _ => false,
            };
            assert_eq!(Some(got), output.as_bool(), "{name}");
        }
        "aggregate" => {
            // Ethereum's Aggregate: decode (identity allowed) and sum; only an empty
            // input is refused.
            let sigs: Vec<UnvalidatedSignature> = hex_list(input)
                .iter()
                .map(|b| UnvalidatedSignature::from_bytes(b).unwrap())
                .collect();
            match UnvalidatedSignature::aggregate(&sigs) {
                Ok(agg) => assert_eq!(agg.to_bytes().to_vec(), hex_of(output), "{name}"),
                Err(e) => {
                    assert!(output.is_null(), "{name}: {e:?}");
                    assert!(matches!(e, Error::InvalidArgument(_)), "{name}: {e:?}");
                }
            }
        }
        "fast_aggregate_verify" => {
            assert_eq!(
                Some(eth_fast_aggregate_verify(input)),
                output.as_bool(),
                "{name}"
            );
        }
        "eth_fast_aggregate_verify" => {
            // Altair's eth_fast_aggregate_verify: no keys and the identity signature is
            // true (an empty sync committee); everything else is FastAggregateVerify.
            // The rule is Ethereum's, not the draft's, so it lives here, not in the API.
            let no_keys = hex_list(&input["pubkeys"]).is_empty();
            let identity = UnvalidatedSignature::from_bytes(&hex_of(&input["signature"]))
                .is_ok_and(|s| s.is_identity());
            let got = (no_keys && identity) || eth_fast_aggregate_verify(input);
            assert_eq!(Some(got), output.as_bool(), "{name}");
        }
        "aggregate_verify" => {
            let msgs = hex_list(&input["messages"]);
            let got = match (
                hex_list(&input["pubkeys"])
                    .iter()
                    .map(|b| key_validate(b))
                    .collect::<Option<Vec<BlsPublicKey>>>(),
                usable_signature(&hex_of(&input["signature"])),
            ) {
                (Some(pks), Some(sig)) => {
                    assert_eq!(pks.len(), msgs.len(), "{name}");
                    let pairs: Vec<(BlsPublicKey, &[u8])> = pks
                        .into_iter()
                        .zip(msgs.iter().map(Vec::as_slice))
                        .collect();
                    verified(aggregate_verify(&pairs, &sig))
                }
                _ => false,
            };
            assert_eq!(Some(got), output.as_bool(), "{name}");
        }
        "eth_aggregate_pubkeys" => {
            // Altair: every key passes KeyValidate, at least one, then the sum.
            let pks: Option<Vec<BlsPublicKey>> =
                hex_list(input).iter().map(|b| key_validate(b)).collect();
            match pks.map(|k| BlsPublicKey::aggregate(&k)) {
                Some(Ok(agg)) => assert_eq!(agg.to_bytes().to_vec(), hex_of(output), "{name}"),
                _ => assert!(output.is_null(), "{name}"),
            }
        }
        "deserialization_G1" => {
            // Deserialization only: the identity decodes (and fails KeyValidate later).
            let bytes = hex_of(&input["pubkey"]);
            let got = UnvalidatedPublicKey::from_bytes(&bytes);
            assert_eq!(Some(got.is_ok()), output.as_bool(), "{name}: {got:?}");
            if let Ok(k) = got {
                assert_eq!(k.to_bytes().to_vec(), bytes, "{name}: round trip");
            }
        }
        "deserialization_G2" => {
            let bytes = hex_of(&input["signature"]);
            let got = UnvalidatedSignature::from_bytes(&bytes);
            assert_eq!(Some(got.is_ok()), output.as_bool(), "{name}: {got:?}");
            if let Ok(s) = got {
                assert_eq!(s.to_bytes().to_vec(), bytes, "{name}: round trip");
            }
        }
        _ => return false,
    }
    true
}

/// Handlers run by another test target, with the reason.
const HANDLERS_ELSEWHERE: &[(&str, &str)] = &[(
    "hash_to_G2",
    "hashes under the RFC 9380 test tag QUUX-V01-CS02-…, which only the `hazmat` API \
     accepts: run by tests/signatures/hash_to_curve.rs (`--features hazmat`)",
)];

#[test]
fn kat_ethereum_every_case() {
    let mut per_handler: BTreeMap<String, usize> = BTreeMap::new();
    let mut ran = 0;
    let mut elsewhere = 0;
    for (set, handler, name, case) in ethereum_cases() {
        if run_ethereum_case(&handler, &name, &case) {
            ran += 1;
        } else {
            assert!(
                HANDLERS_ELSEWHERE.iter().any(|(h, _)| *h == handler),
                "{set}/{handler}/{name}: no runner"
            );
            elsewhere += 1;
        }
        *per_handler.entry(format!("{set}/{handler}")).or_default() += 1;
    }
    let want: BTreeMap<String, usize> = [
        ("bls12-381-tests/aggregate", 6),
        ("bls12-381-tests/aggregate_verify", 5),
        ("bls12-381-tests/deserialization_G1", 13),
        ("bls12-381-tests/deserialization_G2", 15),
        ("bls12-381-tests/fast_aggregate_verify", 12),
        ("bls12-381-tests/hash_to_G2", 4),
        ("bls12-381-tests/sign", 10),
        ("bls12-381-tests/verify", 29),
        ("consensus-spec-tests/aggregate", 2),
        ("consensus-spec-tests/aggregate_verify", 3),
        ("consensus-spec-tests/eth_aggregate_pubkeys", 7),
        ("consensus-spec-tests/eth_fast_aggregate_verify", 7),
        ("consensus-spec-tests/fast_aggregate_verify", 5),
        ("consensus-spec-tests/sign", 10),
        ("consensus-spec-tests/verify", 4),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_owned(), n))
    .collect();
    assert_eq!(per_handler, want);
    assert_eq!((ran, elsewhere), (128, 4));
}

#[test]
fn ethereum_identity_cases_follow_the_split() {
    // The three identity cases the issue names, spelled out.
    let mut pk = [0u8; 48];
    pk[0] = 0xc0;
    let mut sig = [0u8; 96];
    sig[0] = 0xc0;
    // The infinity public key deserializes and fails KeyValidate later, with the error the
    // strict decoder gives.
    let decoded = UnvalidatedPublicKey::from_bytes(&pk).unwrap();
    assert!(decoded.is_identity());
    assert_eq!(decoded.to_bytes(), pk);
    assert_eq!(
        decoded.validate().unwrap_err(),
        enc(EncodingError::IdentityPoint)
    );
    assert_eq!(
        BlsPublicKey::from_bytes(&pk).unwrap_err(),
        enc(EncodingError::IdentityPoint)
    );
    // aggregate([infinity]) is the infinity signature, which verifies nothing.
    let inf = UnvalidatedSignature::from_bytes(&sig).unwrap();
    let agg = UnvalidatedSignature::aggregate(&[inf]).unwrap();
    assert_eq!(agg.to_bytes(), sig);
    assert!(agg.is_identity());
    assert_eq!(
        agg.validate().unwrap_err(),
        enc(EncodingError::IdentityPoint)
    );
    assert_eq!(
        BlsSignature::from_bytes(&sig).unwrap_err(),
        enc(EncodingError::IdentityPoint)
    );
    // A signature and its negation aggregate to the identity too (Ethereum's Aggregate),
    // while the strict `BlsSignature::aggregate` still refuses that sum.
    let s = key(3).sign(b"m");
    let mut neg = s.to_bytes();
    neg[0] ^= 0x20;
    let both = [
        UnvalidatedSignature::from(s),
        UnvalidatedSignature::from_bytes(&neg).unwrap(),
    ];
    assert!(UnvalidatedSignature::aggregate(&both)
        .unwrap()
        .is_identity());
    assert!(matches!(
        BlsSignature::aggregate(&[s, BlsSignature::from_bytes(&neg).unwrap()]),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        UnvalidatedSignature::aggregate(&[]),
        Err(Error::InvalidArgument(_))
    ));
    // Valid values convert both ways unchanged.
    let k = key(4).public_key();
    assert_eq!(UnvalidatedPublicKey::from(k).validate().unwrap(), k);
    assert!(!UnvalidatedPublicKey::from(k).is_identity());
    assert_eq!(UnvalidatedSignature::from(s).validate().unwrap(), s);
    // Everything else the strict decoders refuse, the split decoders refuse alike.
    for bad in [
        g1_off_subgroup(),
        g1_off_curve(),
        vec![0xc0; 47],
        vec![0; 48],
    ] {
        assert_eq!(
            UnvalidatedPublicKey::from_bytes(&bad).unwrap_err(),
            BlsPublicKey::from_bytes(&bad).unwrap_err()
        );
    }
    let off = g2_off_subgroup();
    assert_eq!(
        UnvalidatedSignature::from_bytes(&off).unwrap_err(),
        enc(EncodingError::NotInSubgroup)
    );
    assert!(format!("{decoded:?}").starts_with("UnvalidatedBlsPublicKey(c000"));
    assert!(format!("{inf:?}").starts_with("UnvalidatedBlsSignature(c000"));
}

// ---------------------------------------------------------------------------------------
// Known answers: Wycheproof (POP ciphersuite verify)
// ---------------------------------------------------------------------------------------

#[test]
fn kat_wycheproof_pop_verify() {
    let doc = json("wycheproof/bls_sig_g2_pop_verify_test.json");
    let mut seen = 0;
    for group in doc["testGroups"].as_array().unwrap() {
        assert_eq!(
            group["ciphersuite"].as_str().unwrap(),
            "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"
        );
        let pk =
            BlsPublicKey::from_bytes(&unhex(group["publicKey"]["pk"].as_str().unwrap())).unwrap();
        for t in group["tests"].as_array().unwrap() {
            seen += 1;
            let id = t["tcId"].as_u64().unwrap();
            let msg = unhex(t["msg"].as_str().unwrap());
            let raw = unhex(t["sig"].as_str().unwrap());
            let flags: Vec<&str> = t["flags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            let result = BlsSignature::from_bytes(&raw).and_then(|sig| pk.verify(&msg, &sig));
            if t["result"] == "valid" {
                assert_eq!(result, Ok(()), "tcId {id}");
                continue;
            }
            assert_eq!(t["result"], "invalid", "tcId {id}");
            let err = result.unwrap_err();
            // The typed error each kind of bad input must produce.
            let want = match flags[0] {
                "IdentityPoint" => Some(enc(EncodingError::IdentityPoint)),
                "NotOnCurve" | "InvalidFlags" => Some(enc(EncodingError::InvalidPoint)),
                "NotInSubgroup" => Some(enc(EncodingError::NotInSubgroup)),
                "TruncatedSignature" => Some(enc(EncodingError::Truncated)),
                "WrongDST" | "WrongKey" | "SignatureMalleability" => {
                    Some(Error::VerificationFailed)
                }
                // Bit flips: whichever check the flipped point fails first.
                _ => None,
            };
            match want {
                Some(w) => assert_eq!(err, w, "tcId {id} {flags:?}"),
                None => assert!(
                    matches!(err, Error::InvalidEncoding(_) | Error::VerificationFailed),
                    "tcId {id}: {err:?}"
                ),
            }
        }
    }
    assert_eq!(seen, 26);
}

// ---------------------------------------------------------------------------------------
// Known answers: EIP-2333 KeyGen (HKDF_mod_r)
// ---------------------------------------------------------------------------------------

/// EIP-2333 `parent_SK_to_lamport_PK`, to exercise `KeyGen` on the child-key inputs too.
fn lamport_pk(parent_sk: &[u8; 32], index: u32) -> [u8; 32] {
    fn lamport_sk(ikm: &[u8], salt: &[u8]) -> Vec<[u8; 32]> {
        let hk = Hkdf::<Sha256>::new(Some(salt), ikm);
        let mut okm = vec![0u8; 32 * 255];
        hk.expand(b"", &mut okm).unwrap();
        okm.chunks_exact(32)
            .map(|c| c.try_into().unwrap())
            .collect()
    }
    let salt = index.to_be_bytes();
    let not_ikm: Vec<u8> = parent_sk.iter().map(|b| !b).collect();
    let mut all = Sha256::new();
    for chunk in lamport_sk(parent_sk, &salt)
        .iter()
        .chain(lamport_sk(&not_ikm, &salt).iter())
    {
        all.update(Sha256::digest(chunk));
    }
    all.finalize().into()
}

#[test]
fn kat_eip2333_keygen() {
    let doc = json("eip2333_keygen.json");
    let cases = doc["master"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let seed = unhex(c["seed"].as_str().unwrap());
        let master = BlsSigningKey::from_ikm(&seed, b"").unwrap();
        let want = decimal_to_be32(c["master_SK"].as_str().unwrap());
        assert_eq!(*master.to_secret_bytes(), want, "{name}: master_SK");

        let index = u32::try_from(c["child_index"].as_u64().unwrap()).unwrap();
        let compressed = lamport_pk(&master.to_secret_bytes(), index);
        let child = BlsSigningKey::from_ikm(&compressed, b"").unwrap();
        let want = decimal_to_be32(c["child_SK"].as_str().unwrap());
        assert_eq!(*child.to_secret_bytes(), want, "{name}: child_SK");
    }
    let i = &doc["intermediate"];
    let child =
        BlsSigningKey::from_ikm(&unhex(i["compressed_lamport_PK"].as_str().unwrap()), b"").unwrap();
    assert_eq!(
        *child.to_secret_bytes(),
        decimal_to_be32(i["child_SK"].as_str().unwrap())
    );
}

// ---------------------------------------------------------------------------------------
// Known answers: aptos-core (blst min_pk, POP)
// ---------------------------------------------------------------------------------------

#[test]
fn kat_aptos_proofs_of_possession() {
    let doc = json("aptos_pop_and_sign.json");
    let valid = doc["pop_valid"].as_array().unwrap();
    assert_eq!(valid.len(), 5);
    for (i, c) in valid.iter().enumerate() {
        let pk = BlsPublicKey::from_bytes(&unhex(c["pk"].as_str().unwrap())).unwrap();
        let pop = BlsSignature::from_bytes(&unhex(c["pop"].as_str().unwrap())).unwrap();
        pk.verify_possession(&pop).unwrap();
        // A proof of possession is not a message signature on the key's bytes (DSTs differ).
        assert_eq!(
            pk.verify(&pk.to_bytes(), &pop),
            Err(Error::VerificationFailed),
            "{i}"
        );
        // And it is bound to its key.
        let other =
            BlsPublicKey::from_bytes(&unhex(valid[(i + 1) % 5]["pk"].as_str().unwrap())).unwrap();
        assert_eq!(
            other.verify_possession(&pop),
            Err(Error::VerificationFailed)
        );
    }
    for c in doc["pop_invalid"].as_array().unwrap() {
        let got = outcome(
            &[unhex(c["pk"].as_str().unwrap())],
            &unhex(c["pop"].as_str().unwrap()),
            |pks, pop| pks[0].verify_possession(pop),
        );
        assert!(!got, "{}", c["comment"]);
    }
}

#[test]
fn kat_aptos_sign_and_keys() {
    let doc = json("aptos_pop_and_sign.json");
    for c in doc["sign"].as_array().unwrap() {
        let key = BlsSigningKey::from_secret_bytes(&unhex(c["sk"].as_str().unwrap())).unwrap();
        assert_eq!(
            key.public_key().to_bytes().to_vec(),
            unhex(c["pk"].as_str().unwrap())
        );
        let msg = c["msg"].as_str().unwrap().as_bytes();
        let sig = key.sign(msg);
        assert_eq!(sig.to_bytes().to_vec(), unhex(c["sig"].as_str().unwrap()));
        key.public_key().verify(msg, &sig).unwrap();
        assert_eq!(
            key.public_key().verify(b"Bello Aptos!", &sig),
            Err(Error::VerificationFailed)
        );
    }
    for c in doc["public_keys"].as_array().unwrap() {
        let got = BlsPublicKey::from_bytes(&unhex(c["pk"].as_str().unwrap()));
        if c["valid"].as_bool().unwrap() {
            got.unwrap();
        } else {
            assert_eq!(
                got.unwrap_err(),
                enc(EncodingError::NotInSubgroup),
                "{}",
                c["comment"]
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------

#[test]
fn key_gen_rules() {
    assert!(matches!(
        BlsSigningKey::from_ikm(&[1; 31], b""),
        Err(Error::InvalidArgument(_))
    ));
    let a = BlsSigningKey::from_ikm(&[1; 32], b"").unwrap();
    let b = BlsSigningKey::from_ikm(&[1; 32], b"").unwrap();
    let c = BlsSigningKey::from_ikm(&[1; 32], b"other purpose").unwrap();
    let d = BlsSigningKey::from_ikm(&[1; 33], b"").unwrap();
    assert!(bool::from(a.ct_eq(&b)), "KeyGen is deterministic");
    assert!(!bool::from(a.ct_eq(&c)), "key_info separates keys");
    assert!(!bool::from(a.ct_eq(&d)));
    assert_eq!(a.public_key(), b.public_key());
    assert_ne!(a.public_key(), c.public_key());

    let g1 = BlsSigningKey::generate(&mut rng(1));
    let g2 = BlsSigningKey::generate(&mut rng(2));
    assert!(!bool::from(g1.ct_eq(&g2)));
}

proptest! {
    /// The constant-time import (issue 17: a borrow-chain range check and a masked zero
    /// test, one published bit) accepts exactly the big-endian values in `[1, r)`, and
    /// the key it gives is arkworks' scalar: same export bytes, same public key. The
    /// values are drawn near the boundaries too (top limb equal to r's, low bytes free).
    #[test]
    fn secret_key_import_matches_arkworks(
        mut b in any::<[u8; 32]>(),
        near_r in any::<bool>(),
        near_zero in any::<bool>(),
    ) {
        let r_be = Fr::MODULUS.to_bytes_be();
        if near_r {
            b[..24].copy_from_slice(&r_be[..24]);
        }
        if near_zero {
            b[..31].fill(0);
        }
        // b < r iff reducing it mod r and re-encoding gives b back.
        let x = Fr::from_be_bytes_mod_order(&b);
        let reference = (x.into_bigint().to_bytes_be() == b && !ark_ff::Zero::is_zero(&x))
            .then_some(x);
        match (BlsSigningKey::from_secret_bytes(&b), reference) {
            (Ok(k), Some(x)) => {
                prop_assert_eq!(&k.to_secret_bytes()[..], &b[..]);
                prop_assert_eq!(
                    k.public_key().to_bytes().to_vec(),
                    ark_bytes(&(G1Affine::generator() * x).into_affine())
                );
            }
            (Err(e), None) => prop_assert_eq!(e, enc(EncodingError::InvalidScalar)),
            (got, want) => prop_assert!(
                false,
                "import {:?} vs arkworks {:?}",
                got.is_ok(),
                want.is_some()
            ),
        }
    }
}

#[test]
fn secret_key_encoding_is_strict() {
    let r_be = Fr::MODULUS.to_bytes_be();
    assert_eq!(r_be.len(), 32);
    let mut r_minus_1 = r_be.clone();
    r_minus_1[31] -= 1; // r ends in 0x01
    let one = {
        let mut b = [0u8; 32];
        b[31] = 1;
        b
    };
    for ok in [r_minus_1.as_slice(), &one] {
        let k = BlsSigningKey::from_secret_bytes(ok).unwrap();
        assert_eq!(&k.to_secret_bytes()[..], ok);
    }
    assert_eq!(
        BlsSigningKey::from_secret_bytes(&one)
            .unwrap()
            .public_key()
            .to_bytes()
            .to_vec(),
        ark_bytes(&G1Affine::generator()),
        "sk = 1 gives the generator"
    );
    for bad in [vec![0u8; 32], r_be.clone(), vec![0xff; 32]] {
        assert_eq!(
            BlsSigningKey::from_secret_bytes(&bad).unwrap_err(),
            enc(EncodingError::InvalidScalar)
        );
    }
    assert_eq!(
        BlsSigningKey::from_secret_bytes(&[1; 31]).unwrap_err(),
        enc(EncodingError::Truncated)
    );
    assert_eq!(
        BlsSigningKey::from_secret_bytes(&[]).unwrap_err(),
        enc(EncodingError::Truncated)
    );
    assert_eq!(
        BlsSigningKey::from_secret_bytes(&[1; 33]).unwrap_err(),
        enc(EncodingError::TrailingBytes)
    );
}

#[test]
fn debug_output_hides_the_secret() {
    let k = key(9);
    let secret = hex::encode(*k.to_secret_bytes());
    let shown = format!("{k:?}");
    assert!(!shown.contains(&secret), "{shown}");
    assert!(
        shown.contains(&hex::encode(k.public_key().to_bytes())),
        "{shown}"
    );
}

// ---------------------------------------------------------------------------------------
// Sign / verify / proofs of possession
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn sign_verify_round_trip(seed in any::<[u8; 32]>(), msg in prop::collection::vec(any::<u8>(), 0..200)) {
        let k = BlsSigningKey::from_ikm(&seed, b"").unwrap();
        let pk = k.public_key();
        let sig = k.sign(&msg);
        prop_assert_eq!(pk.verify(&msg, &sig), Ok(()));
        // Deterministic, and the raw encodings round-trip.
        prop_assert_eq!(k.sign(&msg), sig);
        prop_assert_eq!(BlsSignature::from_bytes(&sig.to_bytes()).unwrap(), sig);
        prop_assert_eq!(BlsPublicKey::from_bytes(&pk.to_bytes()).unwrap(), pk);

        // Wrong message.
        let mut other = msg.clone();
        other.push(0);
        prop_assert_eq!(pk.verify(&other, &sig), Err(Error::VerificationFailed));
        // Wrong key.
        let k2 = BlsSigningKey::from_ikm(&seed, b"2").unwrap();
        prop_assert_eq!(k2.public_key().verify(&msg, &sig), Err(Error::VerificationFailed));
        // Wrong signature (another message's).
        prop_assert_eq!(pk.verify(&msg, &k.sign(&other)), Err(Error::VerificationFailed));
        // The negated signature (sort bit flipped) is a valid point but not a signature.
        let mut neg = sig.to_bytes();
        neg[0] ^= 0x20;
        let neg = BlsSignature::from_bytes(&neg).unwrap();
        prop_assert_eq!(pk.verify(&msg, &neg), Err(Error::VerificationFailed));
    }
}

#[test]
fn proof_of_possession() {
    let (a, b) = (key(1), key(2));
    let pop_a = a.prove_possession();
    a.public_key().verify_possession(&pop_a).unwrap();
    // Deterministic, bound to the key.
    assert_eq!(a.prove_possession(), pop_a);
    assert_eq!(
        b.public_key().verify_possession(&pop_a),
        Err(Error::VerificationFailed)
    );
    // Domain separation: a message signature on the key's bytes is not a proof, and a
    // proof is not a message signature.
    let sig_on_pk = a.sign(&a.public_key().to_bytes());
    assert_ne!(sig_on_pk, pop_a);
    assert_eq!(
        a.public_key().verify_possession(&sig_on_pk),
        Err(Error::VerificationFailed)
    );
    assert_eq!(
        a.public_key().verify(&a.public_key().to_bytes(), &pop_a),
        Err(Error::VerificationFailed)
    );
    assert_ne!(SIG_DST, POP_DST);
}

#[test]
fn rogue_key_attack_is_stopped_by_proofs_of_possession() {
    // The attacker picks x and publishes pk_r = x·g1 − pk_victim, so that
    // pk_victim + pk_r = x·g1: it can then "co-sign" anything in the victim's name.
    let victim = key(1);
    let x = key(2);
    let victim_pt = G1Affine::deserialize_compressed(&victim.public_key().to_bytes()[..]).unwrap();
    let x_pt = G1Affine::deserialize_compressed(&x.public_key().to_bytes()[..]).unwrap();
    let rogue =
        BlsPublicKey::from_bytes(&ark_bytes(&(x_pt.into_group() - victim_pt).into_affine()))
            .unwrap();
    let msg = b"transfer everything";
    let forged = x.sign(msg);
    // Without proofs of possession the forgery verifies: this is why they are required.
    fast_aggregate_verify(&[victim.public_key(), rogue], msg, &forged).unwrap();
    // The rogue key has no proof of possession: the attacker does not know its scalar, and
    // the proofs it can make (for x) do not verify.
    assert_eq!(
        rogue.verify_possession(&x.prove_possession()),
        Err(Error::VerificationFailed)
    );
    assert_eq!(
        rogue.verify_possession(&victim.prove_possession()),
        Err(Error::VerificationFailed)
    );
}

// ---------------------------------------------------------------------------------------
// Aggregation
// ---------------------------------------------------------------------------------------

#[test]
fn aggregate_and_fast_aggregate_verify() {
    let keys: Vec<BlsSigningKey> = (1..=5).map(key).collect();
    let pks: Vec<BlsPublicKey> = keys.iter().map(BlsSigningKey::public_key).collect();
    let msg = b"consent granted";
    let sigs: Vec<BlsSignature> = keys.iter().map(|k| k.sign(msg)).collect();
    let agg = BlsSignature::aggregate(&sigs).unwrap();
    fast_aggregate_verify(&pks, msg, &agg).unwrap();
    // Order does not matter.
    let mut rev = pks.clone();
    rev.reverse();
    fast_aggregate_verify(&rev, msg, &agg).unwrap();
    // The aggregate key verifies it like one signature.
    BlsPublicKey::aggregate(&pks)
        .unwrap()
        .verify(msg, &agg)
        .unwrap();
    // A missing, extra or wrong signer, or another message, fails.
    assert_eq!(
        fast_aggregate_verify(&pks[..4], msg, &agg),
        Err(Error::VerificationFailed)
    );
    let mut extra = pks.clone();
    extra.push(key(6).public_key());
    assert_eq!(
        fast_aggregate_verify(&extra, msg, &agg),
        Err(Error::VerificationFailed)
    );
    assert_eq!(
        fast_aggregate_verify(&pks, b"consent denied", &agg),
        Err(Error::VerificationFailed)
    );
    let partial = BlsSignature::aggregate(&sigs[..4]).unwrap();
    assert_eq!(
        fast_aggregate_verify(&pks, msg, &partial),
        Err(Error::VerificationFailed)
    );
    // One signature aggregates to itself.
    assert_eq!(BlsSignature::aggregate(&sigs[..1]).unwrap(), sigs[0]);
    // Empty inputs are argument errors.
    assert!(matches!(
        BlsSignature::aggregate(&[]),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        BlsPublicKey::aggregate(&[]),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        fast_aggregate_verify(&[], msg, &agg),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn aggregates_that_cancel_out_are_refused() {
    let k = key(3);
    let mut neg_pk = k.public_key().to_bytes();
    neg_pk[0] ^= 0x20; // −pk: a valid subgroup point
    let neg_pk = BlsPublicKey::from_bytes(&neg_pk).unwrap();
    let pks = [k.public_key(), neg_pk];
    assert!(matches!(
        BlsPublicKey::aggregate(&pks),
        Err(Error::InvalidArgument(_))
    ));
    let sig = k.sign(b"m");
    assert_eq!(
        fast_aggregate_verify(&pks, b"m", &sig),
        Err(Error::VerificationFailed)
    );

    let mut neg_sig = sig.to_bytes();
    neg_sig[0] ^= 0x20;
    let neg_sig = BlsSignature::from_bytes(&neg_sig).unwrap();
    assert!(matches!(
        BlsSignature::aggregate(&[sig, neg_sig]),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn aggregate_verify_distinct_and_repeated_messages() {
    let keys: Vec<BlsSigningKey> = (1..=4).map(key).collect();
    let msgs: [&[u8]; 4] = [b"read 1", b"read 2", b"read 1", b"read 4"]; // one repeat: allowed under POP
    let sigs: Vec<BlsSignature> = keys.iter().zip(msgs).map(|(k, m)| k.sign(m)).collect();
    let agg = BlsSignature::aggregate(&sigs).unwrap();
    let pairs: Vec<(BlsPublicKey, &[u8])> = keys
        .iter()
        .map(BlsSigningKey::public_key)
        .zip(msgs)
        .collect();
    aggregate_verify(&pairs, &agg).unwrap();
    // Swapping two messages between signers breaks it.
    let mut swapped = pairs.clone();
    swapped[0].1 = msgs[1];
    swapped[1].1 = msgs[0];
    assert_eq!(
        aggregate_verify(&swapped, &agg),
        Err(Error::VerificationFailed)
    );
    // Dropping a pair breaks it.
    assert_eq!(
        aggregate_verify(&pairs[..3], &agg),
        Err(Error::VerificationFailed)
    );
    // One pair is plain verification.
    aggregate_verify(&pairs[..1], &sigs[0]).unwrap();
    assert!(matches!(
        aggregate_verify(&[], &agg),
        Err(Error::InvalidArgument(_))
    ));
    // Same key, same message twice: the aggregate is 2·sig.
    let k = &keys[0];
    let twice = BlsSignature::aggregate(&[k.sign(b"x"), k.sign(b"x")]).unwrap();
    aggregate_verify(&[(k.public_key(), b"x"), (k.public_key(), b"x")], &twice).unwrap();
    assert_eq!(
        k.public_key().verify(b"x", &twice),
        Err(Error::VerificationFailed)
    );
}

// ---------------------------------------------------------------------------------------
// Batch verification
// ---------------------------------------------------------------------------------------

const BATCH: usize = 64;

/// 64 valid (key, message, signature) triples, plus a second signature per key on another
/// message for making bad entries.
struct Batch {
    pks: Vec<BlsPublicKey>,
    msgs: Vec<Vec<u8>>,
    sigs: Vec<BlsSignature>,
    other_sigs: Vec<BlsSignature>,
}

fn batch() -> &'static Batch {
    static B: OnceLock<Batch> = OnceLock::new();
    B.get_or_init(|| {
        let keys: Vec<BlsSigningKey> = (0..BATCH as u8).map(key).collect();
        let msgs: Vec<Vec<u8>> = (0..BATCH)
            .map(|i| format!("entry {i}").into_bytes())
            .collect();
        Batch {
            pks: keys.iter().map(BlsSigningKey::public_key).collect(),
            sigs: keys.iter().zip(&msgs).map(|(k, m)| k.sign(m)).collect(),
            other_sigs: keys.iter().map(|k| k.sign(b"something else")).collect(),
            msgs,
        }
    })
}

fn triples(b: &Batch) -> Vec<(BlsPublicKey, &[u8], BlsSignature)> {
    (0..BATCH)
        .map(|i| (b.pks[i], b.msgs[i].as_slice(), b.sigs[i]))
        .collect()
}

#[test]
fn batch_of_valid_signatures_passes() {
    let b = batch();
    let items = triples(b);
    batch_verify(&items, &mut rng(7)).unwrap();
    assert!(batch_find_invalid(&items, &mut rng(8)).is_empty());
    batch_verify(&items[..1], &mut rng(9)).unwrap();
    assert!(matches!(
        batch_verify(&[], &mut rng(9)),
        Err(Error::InvalidArgument(_))
    ));
    assert!(batch_find_invalid(&[], &mut rng(9)).is_empty());
}

#[test]
fn batch_rejects_signatures_that_cancel_out() {
    // Two wrong signatures whose errors cancel in a plain sum (σ0 + δ, σ1 − δ) must still
    // fail: the random weights break the cancellation.
    let b = batch();
    let delta = G2Affine::deserialize_compressed(&b.other_sigs[0].to_bytes()[..]).unwrap();
    let s0 = G2Affine::deserialize_compressed(&b.sigs[0].to_bytes()[..]).unwrap();
    let s1 = G2Affine::deserialize_compressed(&b.sigs[1].to_bytes()[..]).unwrap();
    let bad0 = BlsSignature::from_bytes(&ark_bytes(&(s0 + delta).into_affine())).unwrap();
    let bad1 =
        BlsSignature::from_bytes(&ark_bytes(&(s1.into_group() - delta).into_affine())).unwrap();
    let mut items = triples(b);
    items[0].2 = bad0;
    items[1].2 = bad1;
    // The unweighted aggregate still verifies...
    let pairs: Vec<(BlsPublicKey, &[u8])> = items.iter().map(|(p, m, _)| (*p, *m)).collect();
    let sum = BlsSignature::aggregate(&items.iter().map(|t| t.2).collect::<Vec<_>>()).unwrap();
    aggregate_verify(&pairs, &sum).unwrap();
    // ...but the batch does not, and bisection names both.
    assert_eq!(
        batch_verify(&items, &mut rng(10)),
        Err(Error::VerificationFailed)
    );
    assert_eq!(batch_find_invalid(&items, &mut rng(11)), vec![0, 1]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn batch_with_one_bad_signature_fails(bad in 0..BATCH, kind in 0..3u8, seed in any::<u64>()) {
        let b = batch();
        let mut items = triples(b);
        let other_msg: &[u8] = b"something else";
        match kind {
            // BlsSignature on another message.
            0 => items[bad].2 = b.other_sigs[bad],
            // BlsSignature by another key.
            1 => items[bad].2 = b.sigs[(bad + 1) % BATCH],
            // The message was changed after signing.
            _ => items[bad].1 = other_msg,
        }
        prop_assert_eq!(batch_verify(&items, &mut rng(seed)), Err(Error::VerificationFailed));
        prop_assert_eq!(batch_find_invalid(&items, &mut rng(seed ^ 1)), vec![bad]);
    }
}

// ---------------------------------------------------------------------------------------
// Decoding: typed rejections
// ---------------------------------------------------------------------------------------

/// A point of E1 (x, y) that is on the curve but not in G1, found from small x.
fn g1_off_subgroup() -> Vec<u8> {
    (0u64..)
        .find_map(|x| {
            let p = G1Affine::get_point_from_x_unchecked(Fq::from(x), true)?;
            (!p.is_in_correct_subgroup_assuming_on_curve()).then(|| ark_bytes(&p))
        })
        .unwrap()
}

/// A point of E2 on the curve but not in G2.
fn g2_off_subgroup() -> Vec<u8> {
    (1u64..)
        .find_map(|x| {
            let p = G2Affine::get_point_from_x_unchecked(Fq2::new(Fq::from(x), Fq::from(0)), true)?;
            (!p.is_in_correct_subgroup_assuming_on_curve()).then(|| ark_bytes(&p))
        })
        .unwrap()
}

/// An x-coordinate with no point on E1 (x³ + 4 not a square), as compressed bytes.
fn g1_off_curve() -> Vec<u8> {
    (0u64..)
        .find_map(|x| {
            G1Affine::get_point_from_x_unchecked(Fq::from(x), false)
                .is_none()
                .then(|| {
                    let mut b = Fq::from(x).into_bigint().to_bytes_be();
                    b[0] |= 0x80;
                    b
                })
        })
        .unwrap()
}

#[test]
fn public_key_decoding_is_strict() {
    let pk = key(1).public_key().to_bytes();
    // Identity.
    let mut id = [0u8; 48];
    id[0] = 0xc0;
    assert_eq!(
        BlsPublicKey::from_bytes(&id).unwrap_err(),
        enc(EncodingError::IdentityPoint)
    );
    // On the curve, not in the subgroup (e.g. (0, 2) of order 3).
    assert_eq!(
        BlsPublicKey::from_bytes(&g1_off_subgroup()).unwrap_err(),
        enc(EncodingError::NotInSubgroup)
    );
    // Off the curve.
    assert_eq!(
        BlsPublicKey::from_bytes(&g1_off_curve()).unwrap_err(),
        enc(EncodingError::InvalidPoint)
    );
    // Flag bits: uncompressed, infinity on a point, infinity with sort, identity with junk.
    for (mask, set) in [(0x80, false), (0x40, true)] {
        let mut b = pk;
        if set {
            b[0] |= mask;
        } else {
            b[0] &= !mask;
        }
        assert_eq!(
            BlsPublicKey::from_bytes(&b).unwrap_err(),
            enc(EncodingError::InvalidPoint)
        );
    }
    let mut id_sort = id;
    id_sort[0] |= 0x20;
    assert_eq!(
        BlsPublicKey::from_bytes(&id_sort).unwrap_err(),
        enc(EncodingError::InvalidPoint)
    );
    let mut id_junk = id;
    id_junk[47] = 1;
    assert_eq!(
        BlsPublicKey::from_bytes(&id_junk).unwrap_err(),
        enc(EncodingError::InvalidPoint)
    );
    // x = q (a non-canonical alias of x = 0).
    let mut q = Fq::MODULUS.to_bytes_be();
    q[0] |= 0x80;
    assert_eq!(
        BlsPublicKey::from_bytes(&q).unwrap_err(),
        enc(EncodingError::InvalidPoint)
    );
    // Lengths.
    assert_eq!(
        BlsPublicKey::from_bytes(&pk[..47]).unwrap_err(),
        enc(EncodingError::Truncated)
    );
    assert_eq!(
        BlsPublicKey::from_bytes(&[]).unwrap_err(),
        enc(EncodingError::Truncated)
    );
    let mut long = pk.to_vec();
    long.push(0);
    assert_eq!(
        BlsPublicKey::from_bytes(&long).unwrap_err(),
        enc(EncodingError::TrailingBytes)
    );
}

#[test]
fn signature_decoding_is_strict() {
    let sig = key(1).sign(b"m").to_bytes();
    let mut id = [0u8; 96];
    id[0] = 0xc0;
    assert_eq!(
        BlsSignature::from_bytes(&id).unwrap_err(),
        enc(EncodingError::IdentityPoint)
    );
    assert_eq!(
        BlsSignature::from_bytes(&g2_off_subgroup()).unwrap_err(),
        enc(EncodingError::NotInSubgroup)
    );
    for (mask, set) in [(0x80, false), (0x40, true)] {
        let mut b = sig;
        if set {
            b[0] |= mask;
        } else {
            b[0] &= !mask;
        }
        assert_eq!(
            BlsSignature::from_bytes(&b).unwrap_err(),
            enc(EncodingError::InvalidPoint)
        );
    }
    let mut id_sort = id;
    id_sort[0] |= 0x20;
    assert_eq!(
        BlsSignature::from_bytes(&id_sort).unwrap_err(),
        enc(EncodingError::InvalidPoint)
    );
    // x.c1 = q.
    let mut q = [0u8; 96];
    q[..48].copy_from_slice(&Fq::MODULUS.to_bytes_be());
    q[0] |= 0x80;
    assert_eq!(
        BlsSignature::from_bytes(&q).unwrap_err(),
        enc(EncodingError::InvalidPoint)
    );
    assert_eq!(
        BlsSignature::from_bytes(&sig[..95]).unwrap_err(),
        enc(EncodingError::Truncated)
    );
    let mut long = sig.to_vec();
    long.push(0);
    assert_eq!(
        BlsSignature::from_bytes(&long).unwrap_err(),
        enc(EncodingError::TrailingBytes)
    );
    // A public key is not a signature and vice versa (length).
    assert!(BlsSignature::from_bytes(&key(1).public_key().to_bytes()).is_err());
    assert!(BlsPublicKey::from_bytes(&sig).is_err());
}

#[test]
fn every_bit_flip_of_a_signature_is_rejected() {
    let k = key(4);
    let pk = k.public_key();
    let msg = b"the one message";
    let sig = k.sign(msg).to_bytes();
    let mut decoded_but_wrong = 0;
    for bit in 0..96 * 8 {
        let mut b = sig;
        b[bit / 8] ^= 0x80 >> (bit % 8);
        match BlsSignature::from_bytes(&b) {
            Err(e) => assert!(matches!(e, Error::InvalidEncoding(_)), "bit {bit}: {e:?}"),
            Ok(s) => {
                decoded_but_wrong += 1;
                assert_eq!(
                    pk.verify(msg, &s),
                    Err(Error::VerificationFailed),
                    "bit {bit}"
                );
            }
        }
    }
    // At least the sort-bit flip (−σ) decodes and must be caught by the pairing.
    assert!(decoded_but_wrong >= 1);
}

#[test]
fn every_bit_flip_of_a_public_key_is_rejected() {
    let k = key(5);
    let msg = b"the one message";
    let sig = k.sign(msg);
    let pk = k.public_key().to_bytes();
    for bit in 0..48 * 8 {
        let mut b = pk;
        b[bit / 8] ^= 0x80 >> (bit % 8);
        if let Ok(p) = BlsPublicKey::from_bytes(&b) {
            assert_eq!(
                p.verify(msg, &sig),
                Err(Error::VerificationFailed),
                "bit {bit}"
            );
        }
    }
}

#[test]
fn object_encodings() {
    let k = key(1);
    let pk = k.public_key();
    let sig = k.sign(b"m");
    let pk_obj = pk.to_object_bytes();
    let sig_obj = sig.to_object_bytes();
    assert_eq!(pk_obj.len(), 52);
    assert_eq!(sig_obj.len(), 100);
    assert_eq!(pk_obj[..4], [b'C', b'C', 0x10, 0x02]);
    assert_eq!(sig_obj[..4], [b'C', b'C', 0x11, 0x02]);
    assert_eq!(pk_obj[4..], pk.to_bytes());
    assert_eq!(sig_obj[4..], sig.to_bytes());
    assert_eq!(BlsPublicKey::from_object_bytes(&pk_obj).unwrap(), pk);
    assert_eq!(BlsSignature::from_object_bytes(&sig_obj).unwrap(), sig);
    // Wrong type, version, raw bytes, trailing bytes.
    assert_eq!(
        BlsPublicKey::from_object_bytes(&sig_obj).unwrap_err(),
        enc(EncodingError::WrongType)
    );
    assert_eq!(
        BlsSignature::from_object_bytes(&pk_obj).unwrap_err(),
        enc(EncodingError::WrongType)
    );
    // Format v2: the old version 1 is refused like any unknown version.
    let mut v1 = pk_obj.clone();
    v1[3] = 1;
    assert_eq!(
        BlsPublicKey::from_object_bytes(&v1).unwrap_err(),
        enc(EncodingError::UnsupportedVersion)
    );
    assert!(BlsPublicKey::from_object_bytes(&pk.to_bytes()).is_err());
    let mut long = sig_obj.clone();
    long.push(0);
    assert_eq!(
        BlsSignature::from_object_bytes(&long).unwrap_err(),
        enc(EncodingError::TrailingBytes)
    );
}

#[test]
fn public_values_compare_and_hash_by_encoding() {
    use std::collections::HashSet;
    let set: HashSet<BlsPublicKey> = [
        key(1).public_key(),
        key(2).public_key(),
        key(1).public_key(),
    ]
    .into_iter()
    .collect();
    assert_eq!(set.len(), 2);
    let s = key(1).sign(b"a");
    assert!(bool::from(s.ct_eq(&key(1).sign(b"a"))));
    assert!(!bool::from(s.ct_eq(&key(1).sign(b"b"))));
    assert!(format!("{s:?}").contains(&hex::encode(s.to_bytes())));
    // The generator's public key is g1 itself (sk = 1), so SkToPk = sk·g1.
    let two = {
        let mut b = [0u8; 32];
        b[31] = 2;
        b
    };
    let want = ark_bytes(&(G1Projective::generator() + G1Projective::generator()).into_affine());
    assert_eq!(
        BlsSigningKey::from_secret_bytes(&two)
            .unwrap()
            .public_key()
            .to_bytes()
            .to_vec(),
        want
    );
}
