//! The deterministic generator of `tests/vectors/cipherchart-v1.json`.
//!
//! Every random choice comes from a ChaCha20 stream seeded per group (SHA-256 of a
//! label), so adding a group never changes the bytes of another. Expected outcomes are
//! what the library does at generation time; the generator also asserts the outcome it
//! means each vector to have (a tampered record must fail, …), so a regression cannot
//! slip into the committed file as a "new expected result".

use cipherchart::chain::merkle::leaf_hash;
use cipherchart::chain::{Action, Chain, Entry, EntryDraft, MemoryStore};
use cipherchart::consent::{
    ConsentToken, Grant, Grantee, Narrowing, RevocationId, RevocationSet, Window,
};
use cipherchart::sig::{fast_aggregate_verify, PublicKey as BlsPk, Signature, SigningKey};
use cipherchart::{seal, Authority, Policy, SealedRecord, UserKey};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::common::{error_json, hx, outcome};

/// The label every group seed derives from; changing it changes every vector.
const SEED_LABEL: &str = "cipherchart-conformance-v1";

fn rng(group: &str) -> ChaCha20Rng {
    let seed: [u8; 32] = Sha256::digest(format!("{SEED_LABEL}/{group}")).into();
    ChaCha20Rng::from_seed(seed)
}

fn ok<T>(r: cipherchart::Result<T>, what: &str) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("generator: {what} failed: {e} ({})", e.code()),
    }
}

/// A copy of `bytes` with byte `at` XOR `mask`.
fn flip(bytes: &[u8], at: usize, mask: u8) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at] ^= mask;
    b
}

/// The first position of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("generator: {needle:?} not found"))
}

/// The user keys: name and attributes.
const USERS: &[(&str, &[&str])] = &[
    (
        "physician_cardiology",
        &["role:physician", "dept:cardiology"],
    ),
    ("nurse_cardiology", &["role:nurse", "dept:cardiology"]),
    ("patient_42", &["patient:42"]),
    (
        "h2_cardiologist",
        &["hospital:h2", "dept:cardiology", "role:physician"],
    ),
    ("h2_researcher", &["role:researcher", "hospital:h2"]),
    ("auditor", &["role:auditor"]),
];

struct Abe {
    authority: Authority,
    users: Vec<(String, UserKey)>,
}

impl Abe {
    fn user(&self, name: &str) -> &UserKey {
        &self
            .users
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no user {name}"))
            .1
    }

    /// Who opens `record`, for every user key.
    fn opens(&self, record: &SealedRecord) -> Value {
        let pk = self.authority.public_key();
        Value::Array(
            self.users
                .iter()
                .map(|(name, key)| {
                    let mut o = Map::new();
                    o.insert("key".into(), json!(name));
                    match key.open(pk, record) {
                        Ok(p) => {
                            o.insert("payload".into(), json!(hx(&p)));
                            o.insert("error".into(), Value::Null);
                        }
                        Err(e) => {
                            o.extend(error_json(&e));
                        }
                    }
                    Value::Object(o)
                })
                .collect(),
        )
    }
}

fn policies() -> Value {
    let valid = [
        ("single", "role:auditor"),
        (
            "or_and",
            "patient:42 or (role:physician and dept:cardiology)",
        ),
        (
            "threshold",
            "2 of (role:physician, dept:cardiology, role:nurse)",
        ),
        (
            "nested",
            "((hospital:h2 and (dept:cardiology or dept:oncology)))",
        ),
        ("flattened", "a:1 and (b:2 and c:3) or d:4"),
        ("quoted", "\"Dr. Müller\" or \"dept:cardio logy\""),
        (
            "mixed",
            "role:researcher and 2 of (hospital:h1, hospital:h2, hospital:h3)",
        ),
    ];
    let probes: &[&[&str]] = &[
        &["role:auditor"],
        &["patient:42"],
        &["role:physician", "dept:cardiology"],
        &["role:physician", "role:nurse"],
        &["dept:cardiology"],
        &["a:1", "b:2", "c:3"],
        &["d:4"],
        &["Dr. Müller"],
        &["role:researcher", "hospital:h1", "hospital:h3"],
        &["role:researcher", "hospital:h2"],
    ];
    let mut out = Vec::new();
    for (name, text) in valid {
        let p = ok(Policy::parse(text), "policy");
        let lsss = p.lsss();
        let rows: Vec<Value> = (0..lsss.rows())
            .map(|i| {
                Value::Array(
                    (0..lsss.columns())
                        .map(|j| match lsss.small_entry(i, j) {
                            Some(v) => json!(v),
                            None => panic!("generator: large LSSS entry in {text}"),
                        })
                        .collect(),
                )
            })
            .collect();
        let rho: Vec<&str> = lsss.attributes().iter().map(|a| a.as_str()).collect();
        let satisfied: Vec<Value> = probes
            .iter()
            .map(|attrs| json!({"attributes": attrs, "expected": p.is_satisfied_by(attrs)}))
            .collect();
        let attributes: Vec<&str> = p.attributes().iter().map(|a| a.as_str()).collect();
        out.push(json!({
            "name": name,
            "error": null,
            "text": text,
            "canonical": p.to_string(),
            "bytes": hx(&p.to_bytes()),
            "attributes": attributes,
            "lsss": {"columns": lsss.columns(), "rows": rows, "rho": rho},
            "satisfied_by": satisfied,
        }));
    }
    let deep = format!("{}a:1{}", "(".repeat(40), ")".repeat(40));
    let invalid: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("double_operator", "a:1 and or b:2".into()),
        ("unclosed", "(a:1 or b:2".into()),
        ("unmatched_close", "a:1 or b:2)".into()),
        ("threshold_out_of_range", "3 of (a:1, b:2)".into()),
        ("threshold_one_child", "1 of (a:1)".into()),
        ("uppercase_keyword", "a:1 AND b:2".into()),
        ("bare_word", "nurse".into()),
        (
            "unquoted_non_ascii",
            "dept:kardiologie or hospital:charité".into(),
        ),
        ("repeated_attribute", "a:1 and (b:2 or a:1)".into()),
        ("too_deep", deep),
    ];
    for (name, text) in invalid {
        let e = match Policy::parse(&text) {
            Ok(_) => panic!("generator: invalid policy {text:?} parsed"),
            Err(e) => e,
        };
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("text".into(), json!(text));
        o.extend(error_json(&e));
        out.push(Value::Object(o));
    }
    // Decoding: only the canonical text is accepted.
    for (name, bytes) in [
        ("non_canonical_spacing", b"a:1  and b:2".to_vec()),
        ("non_canonical_parentheses", b"(a:1)".to_vec()),
    ] {
        let e = match Policy::from_bytes(&bytes) {
            Ok(_) => panic!("generator: non-canonical policy bytes accepted"),
            Err(e) => e,
        };
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("decode".into(), json!(hx(&bytes)));
        o.extend(error_json(&e));
        out.push(Value::Object(o));
    }
    Value::Array(out)
}

fn abe() -> (Abe, Value) {
    let mut r = rng("abe");
    let authority = Authority::setup(&mut r);
    let users: Vec<(String, UserKey)> = USERS
        .iter()
        .map(|(n, a)| {
            (
                (*n).to_owned(),
                ok(authority.issue_key(a, &mut r), "issue_key"),
            )
        })
        .collect();
    let pk = authority.public_key();
    let keys: Vec<Value> = users
        .iter()
        .map(|(n, k)| {
            let attributes: Vec<&str> = k.attributes().iter().map(|a| a.as_str()).collect();
            json!({"name": n, "attributes": attributes, "bytes": hx(&k.to_bytes())})
        })
        .collect();
    let key_errors = vec![
        {
            let e = authority
                .issue_key(&["role:nurse", ""], &mut r)
                .err()
                .unwrap_or_else(|| panic!("empty attribute accepted"));
            let mut o = Map::new();
            o.insert("attributes".into(), json!(["role:nurse", ""]));
            o.extend(error_json(&e));
            Value::Object(o)
        },
        {
            let none: [&str; 0] = [];
            let e = authority
                .issue_key(&none, &mut r)
                .err()
                .unwrap_or_else(|| panic!("empty key accepted"));
            let mut o = Map::new();
            o.insert("attributes".into(), json!([]));
            o.extend(error_json(&e));
            Value::Object(o)
        },
    ];
    // Keys that must not decode.
    let pkb = pk.to_bytes();
    let ukb = users[0].1.to_bytes().to_vec();
    let mkb = authority.export_master_key_dangerous().to_vec();
    let mut zero_a1 = mkb.clone();
    zero_a1[4..36].fill(0);
    let mut big_a1 = mkb.clone();
    big_a1[4..36].fill(0xff);
    let mut decode_errors = Vec::new();
    for (name, kind, bytes) in [
        (
            "public_key_truncated",
            "public_key",
            pkb[..pkb.len() - 1].to_vec(),
        ),
        (
            "public_key_point_flipped",
            "public_key",
            flip(&pkb, 4 + 50, 0x01),
        ),
        ("public_key_wrong_type", "public_key", ukb.clone()),
        (
            "user_key_trailing_byte",
            "user_key",
            [ukb.as_slice(), &[0]].concat(),
        ),
        (
            "user_key_point_flipped",
            "user_key",
            flip(&ukb, ukb.len() - 10, 0x01),
        ),
        ("master_key_zero_scalar", "master_key", zero_a1),
        ("master_key_scalar_not_reduced", "master_key", big_a1),
    ] {
        let r = match kind {
            "public_key" => cipherchart::PublicKey::from_bytes(&bytes).map(|_| ()),
            "user_key" => UserKey::from_bytes(&bytes).map(|_| ()),
            _ => Authority::import_master_key_dangerous(&bytes).map(|_| ()),
        };
        assert!(r.is_err(), "generator: {name} decoded");
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("kind".into(), json!(kind));
        o.insert("bytes".into(), json!(hx(&bytes)));
        o.extend(outcome(r));
        decode_errors.push(Value::Object(o));
    }
    let value = json!({
        "decode_errors": decode_errors,
        "public_key": hx(&pk.to_bytes()),
        "public_key_id": hx(&pk.id()),
        "master_key": hx(&authority.export_master_key_dangerous()),
        "user_keys": keys,
        "issue_errors": key_errors,
    });
    (Abe { authority, users }, value)
}

/// Sealed records, tampered records, re-keys and re-encrypted records.
fn records(abe: &Abe) -> (Value, Value, Value, Value, Vec<SealedRecord>, [u8; 16]) {
    let mut r = rng("records");
    let pk = abe.authority.public_key();
    let specs: [(&str, &str, &[u8], &[u8], &[u8]); 4] = [
        (
            "ecg",
            "patient:42 or (role:physician and dept:cardiology)",
            b"rec-1",
            b"category=cardiology",
            b"sinus rhythm, 72 bpm",
        ),
        (
            "threshold",
            "2 of (role:physician, dept:cardiology, role:nurse)",
            b"rec-2",
            b"category=cardiology",
            b"echo: normal ejection fraction",
        ),
        ("empty_payload", "role:auditor", b"rec-3", b"", b""),
        (
            "binary",
            "\"Dr. Müller\" or patient:42",
            &[0u8, 1, 2, 0xff],
            &[0xfe; 3],
            &[0u8, 0, 0, 7, 0x80],
        ),
    ];
    let mut sealed = Vec::new();
    let mut out = Vec::new();
    for (name, text, id, meta, payload) in specs {
        let p = ok(Policy::parse(text), "policy");
        let s = ok(seal(pk, &p, id, meta, payload, &mut r), "seal");
        let opens = abe.opens(&s);
        out.push(json!({
            "name": name,
            "policy": p.to_string(),
            "record_id": hx(id),
            "metadata": hx(meta),
            "payload": hx(payload),
            "bytes": hx(&s.to_bytes()),
            "header_digest": hx(&s.header_digest()),
            "opens": opens,
        }));
        sealed.push(s);
    }
    let ecg = sealed[0].to_bytes();
    let mut tampered = Vec::new();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        // The encoding ends with the AEAD body (payload ‖ 16-byte tag) and the hop count.
        ("hop_count_flipped", flip(&ecg, ecg.len() - 1, 0x01)),
        ("aead_tag_flipped", flip(&ecg, ecg.len() - 2, 0x01)),
        ("body_byte_flipped", flip(&ecg, ecg.len() - 20, 0x80)),
        (
            "metadata_byte_flipped",
            flip(&ecg, find(&ecg, b"category=") + 3, 0x20),
        ),
        ("header_byte_flipped", {
            // A byte of the KEM header, before the body's length prefix.
            let body = 20 + 16;
            flip(&ecg, ecg.len() - 1 - body - 4 - 1, 0x01)
        }),
        ("truncated", ecg[..ecg.len() - 1].to_vec()),
        ("trailing_byte", [ecg.as_slice(), &[0]].concat()),
        ("wrong_type", pk.to_bytes()),
        ("unsupported_version", flip(&ecg, 3, 0xff)),
        ("empty", Vec::new()),
    ];
    let opener = abe.user("physician_cardiology");
    for (name, bytes) in cases {
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("base".into(), json!("ecg"));
        o.insert("bytes".into(), json!(hx(&bytes)));
        o.insert("key".into(), json!("physician_cardiology"));
        match SealedRecord::from_bytes(&bytes) {
            Err(e) => {
                o.insert("fails_at".into(), json!("decode"));
                o.extend(error_json(&e));
            }
            Ok(s) => {
                let e = match opener.open(pk, &s) {
                    Ok(_) => panic!("generator: tampered record {name} opened"),
                    Err(e) => e,
                };
                o.insert("fails_at".into(), json!("open"));
                o.extend(error_json(&e));
            }
        }
        tampered.push(Value::Object(o));
    }

    // Re-keys: hop 1 from the cardiologist's key to hospital h2's cardiology; hop 2 from
    // an h2 cardiologist to h2's researchers.
    let target1 = ok(Policy::parse("hospital:h2 and dept:cardiology"), "policy");
    let target2 = ok(Policy::parse("role:researcher and hospital:h2"), "policy");
    let rk1 = ok(
        abe.user("physician_cardiology").rekey(
            pk,
            &["role:physician", "dept:cardiology"],
            &target1,
            &mut r,
        ),
        "rekey",
    );
    let rk2 = ok(
        abe.user("h2_cardiologist").rekey(
            pk,
            &["hospital:h2", "dept:cardiology"],
            &target2,
            &mut r,
        ),
        "rekey",
    );
    let mut rekeys = vec![
        rekey_json("to_h2_cardiology", "physician_cardiology", &rk1),
        rekey_json("to_h2_research", "h2_cardiologist", &rk2),
    ];
    for (name, from, attrs, target) in [
        (
            "not_a_subset",
            "nurse_cardiology",
            vec!["role:physician"],
            "a:1",
        ),
        ("empty_subset", "nurse_cardiology", vec![], "a:1"),
        ("empty_attribute", "nurse_cardiology", vec![""], "a:1"),
    ] {
        let p = ok(Policy::parse(target), "policy");
        let e = abe
            .user(from)
            .rekey(pk, &attrs, &p, &mut r)
            .err()
            .unwrap_or_else(|| panic!("generator: bad rekey {name} accepted"));
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("from_key".into(), json!(from));
        o.insert("attributes".into(), json!(attrs));
        o.insert("target_policy".into(), json!(target));
        o.extend(error_json(&e));
        rekeys.push(Value::Object(o));
    }

    let hop1 = ok(rk1.reencrypt(&sealed[0]), "reencrypt");
    let hop2 = ok(rk2.reencrypt(&hop1), "reencrypt");
    let hop1_threshold = ok(rk1.reencrypt(&sealed[1]), "reencrypt");
    let mut re = vec![
        reenc_json(abe, "ecg_hop1", "ecg", "to_h2_cardiology", &hop1),
        reenc_json(abe, "ecg_hop2", "ecg_hop1", "to_h2_research", &hop2),
        reenc_json(
            abe,
            "threshold_hop1",
            "threshold",
            "to_h2_cardiology",
            &hop1_threshold,
        ),
    ];
    for (name, input, rekey, rec, rk) in [
        (
            "auditor_record",
            "empty_payload",
            "to_h2_cardiology",
            &sealed[2],
            &rk1,
        ),
        ("wrong_layer", "ecg", "to_h2_research", &sealed[0], &rk2),
    ] {
        let e = rk
            .reencrypt(rec)
            .err()
            .unwrap_or_else(|| panic!("generator: re-encryption {name} accepted"));
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("input".into(), json!(input));
        o.insert("rekey".into(), json!(rekey));
        o.extend(error_json(&e));
        re.push(Value::Object(o));
    }
    // Tampered re-encrypted records: the hop follows the input record's encoding:
    // grant id (16) ‖ R (576) ‖ capsule.
    let base = ecg.len();
    let h1 = hop1.to_bytes();
    for (name, bytes) in [
        ("hop_grant_id_flipped", flip(&h1, base, 0x01)),
        ("hop_r_flipped", flip(&h1, base + 16 + 300, 0x01)),
        ("hop_capsule_c_prime_flipped", flip(&h1, h1.len() - 1, 0x01)),
    ] {
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("base".into(), json!("ecg_hop1"));
        o.insert("bytes".into(), json!(hx(&bytes)));
        o.insert("key".into(), json!("h2_cardiologist"));
        match SealedRecord::from_bytes(&bytes) {
            Err(e) => {
                o.insert("fails_at".into(), json!("decode"));
                o.extend(error_json(&e));
            }
            Ok(s) => {
                let e = abe
                    .user("h2_cardiologist")
                    .open(pk, &s)
                    .err()
                    .unwrap_or_else(|| panic!("generator: tampered hop {name} opened"));
                o.insert("fails_at".into(), json!("open"));
                o.extend(error_json(&e));
            }
        }
        tampered.push(Value::Object(o));
    }
    let grant_id = rk1.grant_id();
    sealed.push(hop1);
    (
        Value::Array(out),
        Value::Array(tampered),
        Value::Array(rekeys),
        Value::Array(re),
        sealed,
        grant_id,
    )
}

fn rekey_json(name: &str, from: &str, rk: &cipherchart::ReKey) -> Value {
    let attributes: Vec<&str> = rk.attributes().iter().map(|a| a.as_str()).collect();
    json!({
        "name": name,
        "error": null,
        "from_key": from,
        "attributes": attributes,
        "target_policy": rk.target_policy().to_string(),
        "grant_id": hx(&rk.grant_id()),
        "consent_digest": hx(&cipherchart::consent::rekey_digest(rk)),
        "bytes": hx(&rk.to_bytes()),
    })
}

fn reenc_json(abe: &Abe, name: &str, input: &str, rekey: &str, rec: &SealedRecord) -> Value {
    json!({
        "name": name,
        "error": null,
        "input": input,
        "rekey": rekey,
        "bytes": hx(&rec.to_bytes()),
        "hop_count": rec.hop_count(),
        "policy": rec.policy().to_string(),
        "current_policy": rec.current_policy().to_string(),
        "opens": abe.opens(rec),
    })
}

struct Bls {
    names: Vec<&'static str>,
    keys: Vec<SigningKey>,
}

impl Bls {
    fn key(&self, name: &str) -> &SigningKey {
        let i = self
            .names
            .iter()
            .position(|n| *n == name)
            .unwrap_or_else(|| panic!("no BLS key {name}"));
        &self.keys[i]
    }
}

fn bls() -> (Bls, Value) {
    let mut r = rng("bls");
    let names = vec![
        "patient",
        "hospital_h2",
        "researcher",
        "mallory",
        "log",
        "proxy",
    ];
    let mut keys = Vec::new();
    let mut kj = Vec::new();
    for n in &names {
        let mut ikm = [0u8; 32];
        r.fill_bytes(&mut ikm);
        let info = format!("cipherchart-conformance/{n}");
        let k = ok(SigningKey::from_ikm(&ikm, info.as_bytes()), "from_ikm");
        kj.push(json!({
            "name": n,
            "ikm": hx(&ikm),
            "key_info": hx(info.as_bytes()),
            "secret_key": hx(k.to_bytes_dangerous().as_ref()),
            "public_key": hx(&k.public_key().to_bytes()),
            "proof_of_possession": hx(&k.prove_possession().to_bytes()),
        }));
        keys.push(k);
    }
    let b = Bls { names, keys };
    let m1 = b"consent to share rec-1".as_slice();
    let m2 = b"".as_slice();
    let s1 = b.key("patient").sign(m1);
    let s2 = b.key("patient").sign(m2);
    let s_other = b.key("mallory").sign(m1);
    let mut sigs = Vec::new();
    let mut push = |name: &str, key: &str, msg: &[u8], sig: &Signature| {
        let pk = b.key(key).public_key();
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("public_key".into(), json!(key));
        o.insert("message".into(), json!(hx(msg)));
        o.insert("signature".into(), json!(hx(&sig.to_bytes())));
        o.extend(outcome(pk.verify(msg, sig)));
        sigs.push(Value::Object(o));
    };
    push("valid", "patient", m1, &s1);
    push("valid_empty_message", "patient", m2, &s2);
    push("wrong_message", "patient", b"consent to share rec-2", &s1);
    push("wrong_key", "hospital_h2", m1, &s1);
    push("other_signer", "patient", m1, &s_other);
    push(
        "pop_as_signature",
        "patient",
        m1,
        &b.key("patient").prove_possession(),
    );
    // Aggregates: three keys sign one message.
    let signers = ["patient", "hospital_h2", "researcher"];
    let msg = b"checkpoint witnessed".as_slice();
    let agg = ok(
        Signature::aggregate(
            &signers
                .iter()
                .map(|n| b.key(n).sign(msg))
                .collect::<Vec<_>>(),
        ),
        "aggregate",
    );
    let pks = |ns: &[&str]| -> Vec<BlsPk> { ns.iter().map(|n| b.key(n).public_key()).collect() };
    let mut aggs = Vec::new();
    for (name, ns) in [
        ("valid", &signers[..]),
        ("missing_signer", &signers[..2]),
        (
            "extra_signer",
            &["patient", "hospital_h2", "researcher", "mallory"][..],
        ),
    ] {
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("public_keys".into(), json!(ns));
        o.insert("message".into(), json!(hx(msg)));
        o.insert("signature".into(), json!(hx(&agg.to_bytes())));
        o.extend(outcome(fast_aggregate_verify(&pks(ns), msg, &agg)));
        aggs.push(Value::Object(o));
    }
    // Decoding of raw keys and signatures.
    let pk_bytes = b.key("patient").public_key().to_bytes();
    let sig_bytes = s1.to_bytes();
    let mut identity_pk = [0u8; 48];
    identity_pk[0] = 0xc0;
    let mut identity_sig = [0u8; 96];
    identity_sig[0] = 0xc0;
    let mut decode = Vec::new();
    for (name, kind, bytes) in [
        ("pk_identity", "public_key", identity_pk.to_vec()),
        (
            "pk_uncompressed_flag",
            "public_key",
            flip(&pk_bytes, 0, 0x80),
        ),
        ("pk_not_on_curve", "public_key", flip(&pk_bytes, 47, 0x01)),
        ("pk_truncated", "public_key", pk_bytes[..47].to_vec()),
        ("sig_identity", "signature", identity_sig.to_vec()),
        ("sig_not_on_curve", "signature", flip(&sig_bytes, 95, 0x01)),
        (
            "sig_trailing",
            "signature",
            [sig_bytes.as_slice(), &[0]].concat(),
        ),
    ] {
        let r = if kind == "public_key" {
            BlsPk::from_bytes(&bytes).map(|_| ())
        } else {
            Signature::from_bytes(&bytes).map(|_| ())
        };
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("kind".into(), json!(kind));
        o.insert("bytes".into(), json!(hx(&bytes)));
        o.extend(outcome(r));
        decode.push(Value::Object(o));
    }
    let v = json!({
        "keys": kj,
        "signatures": sigs,
        "fast_aggregate": aggs,
        "decode": decode,
    });
    (b, v)
}

/// Consent tokens: valid ones with what they permit, and one of each kind of invalid.
fn consent(b: &Bls, rk_digest: [u8; 32]) -> (Value, ConsentToken) {
    let mut r = rng("consent");
    let patient = b.key("patient");
    let hospital = b.key("hospital_h2");
    let researcher = b.key("researcher");
    let audience = ok(Policy::parse("hospital:h2 and dept:cardiology"), "policy");
    let window = ok(Window::new(1_000, 2_000), "window");
    let t_basic = ok(
        ConsentToken::issue(
            patient,
            &Grant::new("patient-42", Grantee::Policy(audience.clone()), window)
                .categories(["cardiology"])
                .purposes(["treatment", "research"]),
            &mut r,
        ),
        "issue",
    );
    let t_held = ok(
        ConsentToken::issue(
            patient,
            &Grant::new("patient-42", Grantee::Policy(audience), window)
                .records(["rec-1", "rec-2"])
                .purposes(["treatment", "research"])
                .rekey_digest(rk_digest)
                .holder(hospital.public_key()),
            &mut r,
        ),
        "issue",
    );
    let t_held_presented = ok(t_held.present(hospital), "present");
    let narrowing = Narrowing::new()
        .purposes(["research"])
        .records(["rec-1"])
        .window(ok(Window::new(1_100, 1_900), "window"))
        .holder(researcher.public_key());
    let t_att = ok(t_held.attenuate(hospital, &narrowing), "attenuate");
    let t_att_presented = ok(t_att.present(researcher), "present");
    let t_key = ok(
        ConsentToken::issue(
            patient,
            &Grant::new(
                "patient-42",
                Grantee::Key(researcher.public_key()),
                ok(Window::new(0, 4_102_444_800), "window"),
            )
            .categories(["lab"])
            .purposes(["research"]),
            &mut r,
        ),
        "issue",
    );

    // Byte-level variants (layout in docs/formats.md: header (4) ‖ version ‖ count ‖
    // (len32 ‖ payload ‖ signature (96))* ‖ proof flag [‖ proof (96)]).
    let basic = t_basic.to_bytes();
    let tampered_subject = {
        let at = find(&basic, b"patient-42") + 9;
        flip(&basic, at, 0x01)
    };
    let swapped = {
        let b = t_att_presented.to_bytes();
        let len0 = u32::from_be_bytes(b[6..10].try_into().unwrap_or_default()) as usize;
        let block0 = &b[6..10 + len0 + 96];
        let rest = &b[10 + len0 + 96..];
        let len1 = u32::from_be_bytes(rest[..4].try_into().unwrap_or_default()) as usize;
        let block1 = &rest[..4 + len1 + 96];
        [&b[..6], block1, block0, &rest[4 + len1 + 96..]].concat()
    };
    let proof_without_holder = {
        let mut b = basic.clone();
        let last = b.len() - 1;
        b[last] = 1;
        b.extend_from_slice(&patient.sign(b"not a proof").to_bytes());
        b
    };
    let wrong_proof = {
        let b = t_held_presented.to_bytes();
        let cut = b.len() - 96;
        [&b[..cut], &hospital.sign(b"not the proof").to_bytes()[..]].concat()
    };
    let mut revoked_basic = RevocationSet::new();
    let basic_id = t_basic.revocation_ids()[0];
    revoked_basic.insert(basic_id);
    let att_ids = t_att_presented.revocation_ids();

    let patient_pk = patient.public_key();
    let permits_probe: &[(&[u8], &str, &str)] = &[
        (b"rec-1", "cardiology", "treatment"),
        (b"rec-1", "cardiology", "research"),
        (b"rec-2", "cardiology", "research"),
        (b"rec-1", "oncology", "treatment"),
        (b"rec-1", "cardiology", "billing"),
        (b"lab-7", "lab", "research"),
    ];
    let empty: Vec<RevocationId> = Vec::new();
    let cases: Vec<(&str, Vec<u8>, &str, u64, Vec<RevocationId>)> = vec![
        (
            "basic_valid",
            basic.clone(),
            "patient",
            1_500,
            empty.clone(),
        ),
        (
            "basic_at_not_before",
            basic.clone(),
            "patient",
            1_000,
            empty.clone(),
        ),
        (
            "basic_expired",
            basic.clone(),
            "patient",
            2_000,
            empty.clone(),
        ),
        (
            "basic_not_yet_valid",
            basic.clone(),
            "patient",
            999,
            empty.clone(),
        ),
        (
            "basic_wrong_issuer",
            basic.clone(),
            "mallory",
            1_500,
            empty.clone(),
        ),
        (
            "basic_revoked",
            basic.clone(),
            "patient",
            1_500,
            vec![basic_id],
        ),
        (
            "basic_tampered_subject",
            tampered_subject,
            "patient",
            1_500,
            empty.clone(),
        ),
        (
            "basic_proof_without_holder",
            proof_without_holder,
            "patient",
            1_500,
            empty.clone(),
        ),
        (
            "held_missing_proof",
            t_held.to_bytes(),
            "patient",
            1_500,
            empty.clone(),
        ),
        (
            "held_presented",
            t_held_presented.to_bytes(),
            "patient",
            1_500,
            empty.clone(),
        ),
        (
            "held_wrong_proof",
            wrong_proof,
            "patient",
            1_500,
            empty.clone(),
        ),
        (
            "attenuated_missing_proof",
            t_att.to_bytes(),
            "patient",
            1_500,
            empty.clone(),
        ),
        (
            "attenuated_presented",
            t_att_presented.to_bytes(),
            "patient",
            1_500,
            empty.clone(),
        ),
        (
            "attenuated_narrowed_window",
            t_att_presented.to_bytes(),
            "patient",
            1_950,
            empty.clone(),
        ),
        (
            "attenuated_reordered",
            swapped,
            "patient",
            1_500,
            empty.clone(),
        ),
        (
            "attenuated_revoked_block0",
            t_att_presented.to_bytes(),
            "patient",
            1_500,
            vec![att_ids[0]],
        ),
        (
            "attenuated_revoked_block1",
            t_att_presented.to_bytes(),
            "patient",
            1_500,
            vec![att_ids[1]],
        ),
        (
            "key_grantee_valid",
            t_key.to_bytes(),
            "patient",
            1_500,
            empty.clone(),
        ),
        (
            "truncated",
            basic[..basic.len() - 1].to_vec(),
            "patient",
            1_500,
            empty.clone(),
        ),
        (
            "wrong_type",
            patient_pk.to_object_bytes(),
            "patient",
            1_500,
            empty,
        ),
    ];
    let mut tokens = Vec::new();
    for (name, bytes, issuer, now, revoked) in cases {
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("bytes".into(), json!(hx(&bytes)));
        o.insert("issuer".into(), json!(issuer));
        o.insert("now".into(), json!(now));
        o.insert(
            "revoked".into(),
            json!(revoked
                .iter()
                .map(|i| hx(&i.to_bytes()))
                .collect::<Vec<_>>()),
        );
        match ConsentToken::from_bytes(&bytes) {
            Err(e) => {
                o.insert("fails_at".into(), json!("decode"));
                o.extend(error_json(&e));
            }
            Ok(t) => {
                o.insert("text".into(), json!(t.to_text()));
                o.insert("block_count".into(), json!(t.block_count()));
                o.insert("is_presented".into(), json!(t.is_presented()));
                o.insert(
                    "revocation_ids".into(),
                    json!(t
                        .revocation_ids()
                        .iter()
                        .map(|i| hx(&i.to_bytes()))
                        .collect::<Vec<_>>()),
                );
                let mut set = RevocationSet::new();
                for id in &revoked {
                    set.insert(*id);
                }
                match t.verify(&b.key(issuer).public_key(), now, &set) {
                    Err(e) => {
                        o.insert("fails_at".into(), json!("verify"));
                        o.extend(error_json(&e));
                    }
                    Ok(v) => {
                        o.insert("fails_at".into(), Value::Null);
                        o.insert("error".into(), Value::Null);
                        let mut purposes: Vec<&String> = v.purposes().iter().collect();
                        purposes.sort();
                        o.insert("subject".into(), json!(v.subject()));
                        o.insert("purposes".into(), json!(purposes));
                        o.insert(
                            "window".into(),
                            json!([v.window().not_before(), v.window().expiry()]),
                        );
                        o.insert(
                            "rekey_digest".into(),
                            json!(v.rekey_digest().map(|d| hx(d))),
                        );
                        let permits: Vec<Value> = permits_probe
                            .iter()
                            .map(|(id, cat, purpose)| {
                                json!({
                                    "record_id": hx(id),
                                    "category": cat,
                                    "purpose": purpose,
                                    "expected": v.permits(id, cat, purpose),
                                })
                            })
                            .collect();
                        o.insert("permits".into(), Value::Array(permits));
                    }
                }
            }
        }
        tokens.push(Value::Object(o));
    }
    // Attenuations that must be refused.
    let mut att = Vec::new();
    for (name, holder, narrowing) in [
        (
            "widened_purposes",
            "hospital_h2",
            Narrowing::new().purposes(["treatment", "billing"]),
        ),
        (
            "widened_window",
            "hospital_h2",
            Narrowing::new().window(ok(Window::new(500, 1_500), "window")),
        ),
        (
            "wrong_holder",
            "mallory",
            Narrowing::new().purposes(["research"]),
        ),
    ] {
        let e = t_held
            .attenuate(b.key(holder), &narrowing)
            .err()
            .unwrap_or_else(|| panic!("generator: attenuation {name} accepted"));
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("token".into(), json!("held_missing_proof"));
        o.insert("holder".into(), json!(holder));
        o.insert("narrowing".into(), narrowing_json(name));
        o.extend(error_json(&e));
        att.push(Value::Object(o));
    }
    (json!({"tokens": tokens, "attenuations": att}), t_basic)
}

/// The narrowing of each refused attenuation, as data (mirrors `consent()`).
fn narrowing_json(name: &str) -> Value {
    match name {
        "widened_purposes" => json!({"purposes": ["treatment", "billing"]}),
        "widened_window" => json!({"window": [500, 1_500]}),
        _ => json!({"purposes": ["research"]}),
    }
}

fn chain(b: &Bls, sealed: &[SealedRecord], grant_id: [u8; 16], token: &ConsentToken) -> Value {
    let origin = "hospital.example/log";
    let log = b.key("log");
    let mut chain = ok(Chain::open(MemoryStore::new()), "chain");
    let drafts: Vec<(EntryDraft, &str)> = vec![
        (Entry::for_seal(&sealed[0], 1_000), "hospital_h2"),
        (Entry::for_seal(&sealed[1], 1_001), "hospital_h2"),
        (Entry::for_reencrypt(&sealed[4], grant_id, 1_002), "proxy"),
        (token.grant_entry(1_003), "patient"),
        (
            EntryDraft::for_payload(
                1_004,
                Action::Read,
                b"rec-1".to_vec(),
                b"sinus rhythm, 72 bpm",
            )
            .with_metadata(b"reader=researcher".to_vec()),
            "researcher",
        ),
        (token.revoke_entry(1_005), "patient"),
        (
            EntryDraft::for_payload(
                1_006,
                ok(Action::extension(0x0100), "extension"),
                vec![0u8; 3],
                b"",
            ),
            "hospital_h2",
        ),
    ];
    let mut checkpoints = Vec::new();
    let mut cps = Vec::new();
    for (i, (d, actor)) in drafts.into_iter().enumerate() {
        ok(chain.sign_and_append(d, b.key(actor)), "append");
        if i == 2 {
            cps.push(ok(chain.checkpoint(log, origin), "checkpoint"));
        }
    }
    cps.push(ok(chain.checkpoint(log, origin), "checkpoint"));
    let n = chain.len();
    let entries: Vec<Entry> = (0..n).map(|i| ok(chain.entry(i), "entry")).collect();
    let ej: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "bytes": hx(&e.to_bytes()),
                "sequence": e.sequence(),
                "prev": hx(e.prev()),
                "time": e.time(),
                "actor": hx(&e.actor().to_bytes()),
                "action": e.action().to_string(),
                "action_code": e.action().code(),
                "subject": hx(e.subject()),
                "digest": hx(e.digest()),
                "metadata": hx(e.metadata()),
                "hash": hx(&e.hash()),
                "leaf_hash": hx(&e.leaf_hash()),
            })
        })
        .collect();
    let log_pk = log.public_key();
    for (name, cp, key) in [
        ("size_3", &cps[0], "log"),
        ("size_7", &cps[1], "log"),
        ("wrong_key", &cps[1], "mallory"),
    ] {
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("note".into(), json!(cp.to_note()));
        o.insert("bytes".into(), json!(hx(&cp.to_bytes())));
        o.insert("origin".into(), json!(cp.origin()));
        o.insert("size".into(), json!(cp.size()));
        o.insert("root".into(), json!(hx(cp.root())));
        o.insert("log_key".into(), json!(key));
        o.extend(outcome(cp.verify(&b.key(key).public_key())));
        checkpoints.push(Value::Object(o));
    }
    // A note whose size line was changed: parses, fails the signature.
    let forged = cps[1].to_note().replacen("\n7\n", "\n6\n", 1);
    let mut o = Map::new();
    o.insert("name".into(), json!("forged_size"));
    o.insert("note".into(), json!(forged));
    o.insert("log_key".into(), json!("log"));
    let parsed = cipherchart::Checkpoint::from_note(&forged);
    match parsed {
        Err(e) => {
            o.insert("fails_at".into(), json!("decode"));
            o.extend(error_json(&e));
        }
        Ok(cp) => {
            o.insert("fails_at".into(), json!("verify"));
            o.extend(outcome(cp.verify(&log_pk)));
        }
    }
    checkpoints.push(Value::Object(o));

    let mut inclusion = Vec::new();
    let mut push_incl =
        |name: &str, leaf: [u8; 32], index: u64, size: u64, path: &[[u8; 32]], root: [u8; 32]| {
            let mut o = Map::new();
            o.insert("name".into(), json!(name));
            o.insert("leaf_hash".into(), json!(hx(&leaf)));
            o.insert("index".into(), json!(index));
            o.insert("size".into(), json!(size));
            o.insert(
                "path".into(),
                json!(path.iter().map(|h| hx(h)).collect::<Vec<_>>()),
            );
            o.insert("root".into(), json!(hx(&root)));
            o.extend(outcome(cipherchart::chain::verify_inclusion(
                &leaf, index, size, path, &root,
            )));
            inclusion.push(Value::Object(o));
        };
    for (i, e) in entries.iter().enumerate() {
        let p = ok(chain.prove_inclusion(i as u64), "inclusion");
        push_incl(
            &format!("entry_{i}_size_{n}"),
            e.leaf_hash(),
            p.index,
            p.size,
            &p.path,
            chain.root(),
        );
    }
    let root3 = ok(chain.root_at(3), "root_at");
    let p = ok(chain.prove_inclusion_at(1, 3), "inclusion");
    push_incl(
        "entry_1_size_3",
        entries[1].leaf_hash(),
        1,
        3,
        &p.path,
        root3,
    );
    let p = ok(chain.prove_inclusion(2), "inclusion");
    let root = chain.root();
    push_incl("wrong_index", entries[2].leaf_hash(), 3, n, &p.path, root);
    push_incl("wrong_leaf", entries[3].leaf_hash(), 2, n, &p.path, root);
    let mut bad_path = p.path.clone();
    bad_path[0][0] ^= 1;
    push_incl(
        "path_flipped",
        entries[2].leaf_hash(),
        2,
        n,
        &bad_path,
        root,
    );
    push_incl(
        "path_too_short",
        entries[2].leaf_hash(),
        2,
        n,
        &p.path[1..],
        root,
    );
    push_incl("wrong_root", entries[2].leaf_hash(), 2, n, &p.path, root3);
    push_incl(
        "index_not_below_size",
        entries[2].leaf_hash(),
        n,
        n,
        &p.path,
        root,
    );
    push_incl(
        "raw_data_not_leaf_hash",
        leaf_hash(b"x"),
        2,
        n,
        &p.path,
        root,
    );

    let mut consistency = Vec::new();
    let mut push_cons = |name: &str,
                         old: u64,
                         new: u64,
                         old_root: [u8; 32],
                         new_root: [u8; 32],
                         path: &[[u8; 32]]| {
        let proof = cipherchart::chain::ConsistencyProof {
            old_size: old,
            new_size: new,
            path: path.to_vec(),
        };
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("old_size".into(), json!(old));
        o.insert("new_size".into(), json!(new));
        o.insert("old_root".into(), json!(hx(&old_root)));
        o.insert("new_root".into(), json!(hx(&new_root)));
        o.insert(
            "path".into(),
            json!(path.iter().map(|h| hx(h)).collect::<Vec<_>>()),
        );
        o.insert("bytes".into(), json!(hx(&proof.to_bytes())));
        o.extend(outcome(proof.verify(&old_root, &new_root)));
        consistency.push(Value::Object(o));
    };
    for old in [1u64, 3, 4, 7] {
        let p = ok(chain.prove_consistency(old), "consistency");
        push_cons(
            &format!("size_{old}_to_{n}"),
            old,
            n,
            ok(chain.root_at(old), "root"),
            root,
            &p.path,
        );
    }
    let p = ok(chain.prove_consistency(3), "consistency");
    let mut bad = p.path.clone();
    bad[0][31] ^= 1;
    push_cons("path_flipped", 3, n, root3, root, &bad);
    push_cons(
        "wrong_old_root",
        3,
        n,
        ok(chain.root_at(4), "root"),
        root,
        &p.path,
    );
    push_cons(
        "wrong_new_size",
        3,
        n - 1,
        root3,
        ok(chain.root_at(n - 1), "root"),
        &p.path,
    );
    push_cons("old_size_zero", 0, n, root3, root, &p.path);
    push_cons("old_after_new", n, 3, root, root3, &p.path);

    let mut proof_files = Vec::new();
    for idx in [0u64, 5] {
        let pf = ok(chain.proof_file(idx, &cps[1]), "proof file");
        let bytes = pf.to_bytes();
        let mut o = Map::new();
        o.insert("name".into(), json!(format!("entry_{idx}")));
        o.insert("bytes".into(), json!(hx(&bytes)));
        o.insert("text".into(), json!(pf.to_text()));
        o.insert("log_key".into(), json!("log"));
        o.insert("entry".into(), json!(hx(&entries[idx as usize].to_bytes())));
        o.extend(outcome(pf.verify(&log_pk).map(|_| ())));
        proof_files.push(Value::Object(o));
    }
    let pf = ok(chain.proof_file(1, &cps[1]), "proof file");
    let good = pf.to_bytes();
    // Entry bytes come first (after the 4-byte header and a 4-byte length): flip its
    // time; then a path hash (the entry's encoding, index, size and count precede it).
    let entry_len = entries[1].to_bytes().len();
    let path_at = 8 + entry_len + 8 + 8 + 4;
    for (name, bytes, key) in [
        (
            "entry_time_flipped",
            flip(&good, 8 + ENTRY_TIME_LAST, 0x01),
            "log",
        ),
        ("path_flipped", flip(&good, path_at, 0x01), "log"),
        ("wrong_log_key", good.clone(), "mallory"),
        ("truncated", good[..good.len() - 1].to_vec(), "log"),
    ] {
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("bytes".into(), json!(hx(&bytes)));
        o.insert("log_key".into(), json!(key));
        match cipherchart::ProofFile::from_bytes(&bytes) {
            Err(e) => {
                o.insert("fails_at".into(), json!("decode"));
                o.extend(error_json(&e));
            }
            Ok(pf) => {
                o.insert("fails_at".into(), json!("verify"));
                o.extend(outcome(pf.verify(&b.key(key).public_key()).map(|_| ())));
            }
        }
        proof_files.push(Value::Object(o));
    }

    // Whole stores: the entries' encodings in order, as a verifier loading a log sees
    // them.
    let records: Vec<Vec<u8>> = entries.iter().map(Entry::to_bytes).collect();
    let mut stores = Vec::new();
    let swapped = {
        let mut r = records.clone();
        r.swap(3, 4);
        r
    };
    let dropped = {
        let mut r = records.clone();
        r.remove(2);
        r
    };
    let sig_flipped = {
        let mut r = records.clone();
        let last = r[4].len() - 1;
        r[4] = flip(&r[4], last - 10, 0x01);
        r
    };
    let time_flipped = {
        let mut r = records.clone();
        let t = ENTRY_TIME_LAST;
        r[5] = flip(&r[5], t, 0x01);
        r
    };
    for (name, recs) in [
        ("intact", records.clone()),
        ("swapped_3_4", swapped),
        ("dropped_2", dropped),
        ("entry_4_signature_flipped", sig_flipped),
        ("entry_5_byte_flipped", time_flipped),
    ] {
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert(
            "entries".into(),
            json!(recs.iter().map(|r| hx(r)).collect::<Vec<_>>()),
        );
        let r = Chain::open(MemoryStore::from_records(recs)).map(|c| hx(&c.root()));
        match r {
            Ok(root) => {
                o.insert("root".into(), json!(root));
                o.insert("error".into(), Value::Null);
            }
            Err(e) => {
                o.extend(error_json(&e));
            }
        }
        stores.push(Value::Object(o));
    }
    // Revocation through the log: the token whose revoke entry is logged above.
    let set = ok(RevocationSet::from_chain(&chain), "from_chain");
    let mut rev = Map::new();
    rev.insert("token".into(), json!("basic_valid"));
    rev.insert("now".into(), json!(1_500));
    rev.insert("issuer".into(), json!("patient"));
    rev.extend(outcome(
        token
            .verify(&b.key("patient").public_key(), 1_500, &set)
            .map(|_| ()),
    ));

    json!({
        "origin": origin,
        "log_key": "log",
        "entries": ej,
        "checkpoints": checkpoints,
        "inclusion_proofs": inclusion,
        "consistency_proofs": consistency,
        "proof_files": proof_files,
        "stores": stores,
        "revocation_from_chain": Value::Object(rev),
        "root": hx(&root),
        "size": n,
    })
}

/// The offset of the last byte of `time` in an entry's encoding: header (4), version
/// (1), sequence (8), previous hash (32), time (8).
const ENTRY_TIME_LAST: usize = 4 + 1 + 8 + 32 + 7;

/// Generates the whole document.
pub fn generate() -> Value {
    let (abe, abe_json) = abe();
    let (records, tampered, rekeys, reencrypted, sealed, grant_id) = records(&abe);
    let (b, bls_json) = bls();
    let rk_digest: [u8; 32] = {
        let rks = rekeys
            .as_array()
            .and_then(|a| a.first())
            .cloned()
            .unwrap_or_default();
        let hexd = rks["consent_digest"].as_str().unwrap_or_default();
        hex::decode(hexd)
            .ok()
            .and_then(|v| v.try_into().ok())
            .unwrap_or_else(|| panic!("generator: rekey digest"))
    };
    let (consent_json, basic_token) = consent(&b, rk_digest);
    let chain_json = chain(&b, &sealed, grant_id, &basic_token);
    json!({
        "version": 1,
        "generator": format!(
            "cipherchart tests/conformance.rs (ChaCha20Rng seeded with SHA-256(\"{SEED_LABEL}/<group>\"))"
        ),
        "encoding": "bytes are lowercase hex; texts are UTF-8 strings; errors are Error::code() strings",
        "policies": policies(),
        "authority": abe_json,
        "sealed_records": records,
        "tampered_records": tampered,
        "rekeys": rekeys,
        "reencrypted_records": reencrypted,
        "bls": bls_json,
        "consent": consent_json,
        "chain": chain_json,
    })
}
