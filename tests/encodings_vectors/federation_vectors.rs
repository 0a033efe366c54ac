//! Conformance vectors of federation (`tests/vectors/cipherchart-federation.json`, wire
//! format v2 objects across authorities, `docs/federation.md`): three authorities, a
//! record of the first, cross-authority re-keys, the records they make (re-encryption is
//! deterministic), who opens them with which trusted public keys, and the refusals.
//! Generated here (ChaCha20 seeded per group) and checked from the committed file with
//! the public API, as the Python (`test_conformance_federation.py`) and JavaScript
//! (`conformance-federation.test.mjs`) suites check it.
//!
//! `CIPHERCHART_REGENERATE_VECTORS=1 cargo test --test encodings_vectors federation_vectors::`
//! rewrites the file (`scripts/vectors-check` does, with the others).

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::OnceLock;

use cipherchart::{
    rekey_digest, seal, Authority, BlsSigningKey, Error, Policy, PublicKey, ReKey, SealedRecord,
    UserKey,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const ENV: &str = "CIPHERCHART_REGENERATE_VECTORS";
const SEED_LABEL: &str = "cipherchart-conformance-federation";

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/cipherchart-federation.json")
}

fn seeded(group: &str) -> ChaCha20Rng {
    ChaCha20Rng::from_seed(Sha256::digest(format!("{SEED_LABEL}/{group}")).into())
}

fn hx(b: &[u8]) -> String {
    hex::encode(b)
}

fn unhex(v: &Value, k: &str) -> Vec<u8> {
    hex::decode(v[k].as_str().unwrap_or_else(|| panic!("{k} in {v}"))).unwrap()
}

fn code<T>(r: &Result<T, Error>) -> Value {
    match r {
        Ok(_) => Value::Null,
        Err(e) => json!(e.code()),
    }
}

/// The `n`-th occurrence (0-based) of `from` in `bytes`, replaced by `to`.
fn replace_nth(bytes: &[u8], from: &[u8; 32], to: &[u8; 32], n: usize) -> Vec<u8> {
    let at = bytes
        .windows(32)
        .enumerate()
        .filter(|(_, w)| *w == from)
        .map(|(i, _)| i)
        .nth(n)
        .unwrap();
    let mut out = bytes.to_vec();
    out[at..at + 32].copy_from_slice(to);
    out
}

/// The opens of every (record, key, trusted keys) triple: payload or error code.
const OPENS: &[(&str, &str, &[&str])] = &[
    ("chart", "a_patient_42", &["a"]),
    ("at_b", "b_cardiologist", &["a", "b"]),
    ("at_b", "b_cardiologist", &["b"]),
    ("at_b", "b_cardiologist", &["a"]),
    ("at_b", "a_patient_42", &["a"]),
    ("at_b", "b_patient_42", &["a", "b"]),
    ("at_b", "c_surgeon", &["a", "b", "c"]),
    ("at_c", "c_surgeon", &["a", "b", "c"]),
    ("at_c", "c_surgeon", &["a", "c"]),
    ("at_c", "b_cardiologist", &["a", "b", "c"]),
    ("at_c", "a_patient_42", &["a"]),
];

fn generate() -> Value {
    let mut rng = seeded("authorities");
    let names = ["a", "b", "c"];
    let auths: Vec<Authority> = names.iter().map(|_| Authority::setup(&mut rng)).collect();
    let by = |n: &str| &auths[names.iter().position(|x| *x == n).unwrap()];
    let authorities: Vec<Value> = names
        .iter()
        .map(|n| {
            json!({
                "name": n,
                "public_key": hx(&by(n).public_key().to_bytes()),
                "public_key_id": hx(&by(n).public_key().id()),
            })
        })
        .collect();

    let mut rng = seeded("user_keys");
    let key_specs: [(&str, &str, &[&str]); 4] = [
        ("a_patient_42", "a", &["patient:42"]),
        (
            "b_cardiologist",
            "b",
            &["role:physician", "dept:cardiology"],
        ),
        ("b_patient_42", "b", &["patient:42"]),
        ("c_surgeon", "c", &["role:surgeon"]),
    ];
    let mut keys = Vec::new();
    let user_keys: Vec<Value> = key_specs
        .iter()
        .map(|(name, auth, attrs)| {
            let k = by(auth).issue_key(attrs, &mut rng).unwrap();
            let v = json!({
                "name": name, "authority": auth, "attributes": attrs,
                "bytes": hx(&k.to_bytes()),
            });
            keys.push((*name, k));
            v
        })
        .collect();
    let key = |n: &str| &keys.iter().find(|(k, _)| *k == n).unwrap().1;

    let mut rng = seeded("records");
    let chart = seal(
        by("a").public_key(),
        &Policy::parse("patient:42 or (role:physician and dept:oncology)").unwrap(),
        b"p42/2027-01-15/ecg",
        b"category=cardiology",
        b"12-lead ECG: sinus rhythm 68 bpm",
        &mut rng,
    )
    .unwrap();

    let mut rng = seeded("rekeys");
    let patient = BlsSigningKey::generate(&mut rng);
    let lead = BlsSigningKey::generate(&mut rng);
    let a_to_b = by("a")
        .issue_delegation_key(&["patient:42"], &patient.public_key(), &mut rng)
        .unwrap()
        .rekey_to(
            by("b").public_key(),
            &Policy::parse("role:physician and dept:cardiology").unwrap(),
            &mut rng,
        )
        .unwrap();
    let b_to_c = by("b")
        .issue_delegation_key(
            &["role:physician", "dept:cardiology"],
            &lead.public_key(),
            &mut rng,
        )
        .unwrap()
        .rekey_to(
            by("c").public_key(),
            &Policy::parse("role:surgeon").unwrap(),
            &mut rng,
        )
        .unwrap();
    let rekey_json = |name: &str, rk: &ReKey, from: &str, to: &str| {
        json!({
            "name": name,
            "bytes": hx(&rk.to_bytes()),
            "authority": from,
            "target_authority": to,
            "target_policy": rk.target_policy().to_string(),
            "grant_id": hx(&rk.grant_id()),
            "consent_digest": hx(&rekey_digest(rk)),
        })
    };
    let rekeys = vec![
        rekey_json("a_to_b", &a_to_b, "a", "b"),
        rekey_json("b_to_c", &b_to_c, "b", "c"),
    ];

    let at_b = a_to_b.reencrypt(&chart).unwrap();
    let at_c = b_to_c.reencrypt(&at_b).unwrap();
    let records = [("chart", &chart), ("at_b", &at_b), ("at_c", &at_c)];
    let record = |n: &str| records.iter().find(|(k, _)| *k == n).unwrap().1;
    let records_json: Vec<Value> = records
        .iter()
        .map(|(n, r)| {
            json!({
                "name": n,
                "bytes": hx(&r.to_bytes()),
                "authority": hx(&r.authority()),
                "current_authority": hx(&r.current_authority()),
                "hop_count": r.hop_count(),
            })
        })
        .collect();
    let mut reencryptions = vec![
        json!({"name": "chart_to_b", "input": "chart", "rekey": "a_to_b", "output": "at_b", "error": null}),
        json!({"name": "at_b_to_c", "input": "at_b", "rekey": "b_to_c", "output": "at_c", "error": null}),
    ];
    for (name, input, rk, rkn) in [
        ("b_rekey_on_a_record", "chart", &b_to_c, "b_to_c"),
        ("a_rekey_on_a_record_at_b", "at_b", &a_to_b, "a_to_b"),
    ] {
        let r = rk.reencrypt(record(input));
        assert_eq!(r.as_ref().err(), Some(&Error::WrongAuthority), "{name}");
        reencryptions.push(json!({
            "name": name, "input": input, "rekey": rkn, "output": null, "error": code(&r),
        }));
    }

    let pk = |n: &str| by(n).public_key();
    let opens: Vec<Value> = OPENS
        .iter()
        .map(|(rec, k, trusted)| {
            let pks: Vec<&PublicKey> = trusted.iter().map(|n| pk(n)).collect();
            let r = key(k).open_federated(&pks, record(rec));
            json!({
                "record": rec, "key": k, "public_keys": trusted,
                "payload": r.as_ref().ok().map(|p| hx(p)), "error": code(&r),
            })
        })
        .collect();

    let (a, b) = (pk("a").id(), pk("b").id());
    let at_b_bytes = at_b.to_bytes();
    let rkb = a_to_b.to_bytes();
    let decode_errors = vec![
        json!({"name": "hop_grant_capsule_of_another_authority", "kind": "sealed_record",
               "bytes": hx(&replace_nth(&at_b_bytes, &b, &a, 0))}),
        json!({"name": "hop_record_capsule_of_another_authority", "kind": "sealed_record",
               "bytes": hx(&replace_nth(&at_b_bytes, &b, &a, 1))}),
        json!({"name": "rekey_capsule_not_of_the_target_public_key", "kind": "rekey",
               "bytes": hx(&replace_nth(&rkb, &b, &a, 0))}),
    ];
    for v in &decode_errors {
        let bytes = unhex(v, "bytes");
        let r = match v["kind"].as_str().unwrap() {
            "rekey" => ReKey::from_bytes(&bytes).map(|_| ()),
            _ => SealedRecord::from_bytes(&bytes).map(|_| ()),
        };
        assert_eq!(
            r,
            Err(Error::InvalidEncoding(
                cipherchart::EncodingError::NonCanonical
            ))
        );
    }
    let decode_errors: Vec<Value> = decode_errors
        .into_iter()
        .map(|mut v| {
            v["error"] = json!("invalid_encoding");
            v["detail"] = json!("non_canonical");
            v
        })
        .collect();

    json!({
        "version": 2,
        "generator": format!("cipherchart tests/encodings_vectors/federation_vectors.rs (ChaCha20Rng seeded with SHA-256(\"{SEED_LABEL}/<group>\"))"),
        "encoding": "bytes are lowercase hex; errors are Error::code() strings",
        "authorities": authorities,
        "user_keys": user_keys,
        "rekeys": rekeys,
        "records": records_json,
        "reencryptions": reencryptions,
        "opens": opens,
        "decode_errors": decode_errors,
    })
}

fn render(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap();
    s.push('\n');
    s
}

fn committed() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(&std::fs::read_to_string(path()).unwrap()).unwrap())
}

#[test]
fn regenerate_or_check_drift() {
    let text = render(&generate());
    if std::env::var(ENV).is_ok_and(|v| v == "1") {
        std::fs::write(path(), text).unwrap();
        return;
    }
    assert!(
        std::fs::read_to_string(path()).unwrap() == text,
        "{} drifted from a fresh generation: {ENV}=1 cargo test --test encodings_vectors federation_vectors::, review, commit",
        path().display()
    );
}

/// Every vector, re-derived from the committed file with the public API.
#[test]
fn every_federation_vector_checks() {
    let doc = committed();
    assert_eq!(doc["version"], 2);
    let list = |k: &str| doc[k].as_array().unwrap().clone();
    let find = |k: &str, name: &str| -> Value {
        list(k)
            .into_iter()
            .find(|v| v["name"] == name)
            .unwrap_or_else(|| panic!("{k}/{name}"))
    };
    let pk = |n: &str| {
        let v = find("authorities", n);
        let pk = PublicKey::from_bytes(&unhex(&v, "public_key")).unwrap();
        assert_eq!(hx(&pk.id()), v["public_key_id"]);
        pk
    };
    let id = |n: &str| hx(&pk(n).id());
    let key = |n: &str| UserKey::from_bytes(&unhex(&find("user_keys", n), "bytes")).unwrap();
    let rekey = |n: &str| {
        let v = find("rekeys", n);
        let rk = ReKey::from_bytes(&unhex(&v, "bytes")).unwrap();
        assert_eq!(rk.to_bytes().as_slice(), unhex(&v, "bytes").as_slice());
        assert_eq!(hx(&rk.authority()), id(v["authority"].as_str().unwrap()));
        assert_eq!(
            hx(&rk.target_authority()),
            id(v["target_authority"].as_str().unwrap())
        );
        assert_eq!(rk.target_policy().to_string(), v["target_policy"]);
        assert_eq!(hx(&rk.grant_id()), v["grant_id"]);
        assert_eq!(hx(&rekey_digest(&rk)), v["consent_digest"]);
        rk
    };
    let record = |n: &str| {
        let v = find("records", n);
        let r = SealedRecord::from_bytes(&unhex(&v, "bytes")).unwrap();
        assert_eq!(r.to_bytes(), unhex(&v, "bytes"));
        assert_eq!(hx(&r.authority()), v["authority"]);
        assert_eq!(hx(&r.current_authority()), v["current_authority"]);
        assert_eq!(r.hop_count() as u64, v["hop_count"]);
        r
    };
    for v in list("records") {
        record(v["name"].as_str().unwrap());
    }
    for v in list("reencryptions") {
        let rk = rekey(v["rekey"].as_str().unwrap());
        let input = record(v["input"].as_str().unwrap());
        let r = rk.reencrypt(&input);
        assert_eq!(code(&r), v["error"], "{}", v["name"]);
        assert_eq!(rk.can_reencrypt(&input), v["error"].is_null());
        if let Some(out) = v["output"].as_str() {
            assert_eq!(r.unwrap(), record(out), "{}", v["name"]);
        }
    }
    for v in list("opens") {
        let trusted: Vec<PublicKey> = v["public_keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| pk(n.as_str().unwrap()))
            .collect();
        let refs: Vec<&PublicKey> = trusted.iter().collect();
        let r = key(v["key"].as_str().unwrap())
            .open_federated(&refs, &record(v["record"].as_str().unwrap()));
        assert_eq!(code(&r), v["error"], "{v}");
        if let Some(p) = v["payload"].as_str() {
            assert_eq!(hx(&r.unwrap()), p);
        }
    }
    for v in list("decode_errors") {
        let bytes = unhex(&v, "bytes");
        let r = match v["kind"].as_str().unwrap() {
            "rekey" => ReKey::from_bytes(&bytes).map(|_| ()),
            _ => SealedRecord::from_bytes(&bytes).map(|_| ()),
        };
        assert_eq!(code(&r), v["error"], "{}", v["name"]);
        assert_eq!(json!(r.unwrap_err().kind()), v["detail"], "{}", v["name"]);
    }
}
