//! The deterministic generator of `tests/vectors/cipherchart-v2.json` (wire format v2).
//!
//! Every random choice comes from a ChaCha20 stream seeded per group (SHA-256 of a
//! label), so adding a group never changes the bytes of another. Expected outcomes are
//! what the library does at generation time; the generator also asserts the outcome it
//! means each vector to have (a tampered record must fail, …), so a regression cannot
//! slip into the committed file as a "new expected result".

use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::leaf_hash;
use cipherchart::{
    check_rekey, reencrypt_with_consent, ConsentToken, Grant, Grantee, Narrowing, RevocationId,
    RevocationSet, Window,
};
use cipherchart::{fast_aggregate_verify, BlsPublicKey as BlsPk, BlsSignature, BlsSigningKey};
use cipherchart::{seal, Authority, DelegationKey, Error, Policy, ReKey, SealedRecord, UserKey};
use cipherchart::{Action, Chain, Entry, EntryDraft, MemoryStore};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::common::{error_json, hx, outcome};

/// The label every group seed derives from; changing it changes every vector.
const SEED_LABEL: &str = "cipherchart-conformance-v2";

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

/// A copy of `bytes` with the object header's version byte set to `version`.
fn with_version(bytes: &[u8], version: u8) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[3] = version;
    b
}

/// A copy of `bytes` with `with` written over it at `at`.
fn splice(bytes: &[u8], at: usize, with: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at..at + with.len()].copy_from_slice(with);
    b
}

fn u32_at(bytes: &[u8], at: usize) -> usize {
    u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap_or_default()) as usize
}

/// The offset of the guard flag of key material (user key, delegation key, blinded key
/// of a re-key) that starts at `at`: authority id (32) ‖ u32 count ‖ (u32 len ‖ attribute)*.
fn guard_flag_at(bytes: &[u8], at: usize) -> usize {
    let n = u32_at(bytes, at + 32);
    let mut i = at + 32 + 4;
    for _ in 0..n {
        i += 4 + u32_at(bytes, i);
    }
    i
}

/// The end of the KEM header that starts at `at`: authority (32) ‖ u32 len ‖ policy ‖
/// C0 (3·96) ‖ u32 rows ‖ rows·3·48 ‖ c' (32).
fn kem_end(bytes: &[u8], at: usize) -> usize {
    let policy_end = at + 32 + 4 + u32_at(bytes, at + 32);
    let rows_at = policy_end + 3 * 96;
    rows_at + 4 + u32_at(bytes, rows_at) * 3 * 48 + 32
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
    // Satisfies the first re-key's target policy and no other layer of `ecg_hop1`:
    // v2 opens from the oldest layer a key satisfies, so tampered hops are opened with it.
    (
        "h2_nurse",
        &["hospital:h2", "dept:cardiology", "role:nurse"],
    ),
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
            json!({
                "name": n,
                "attributes": attributes,
                "authority_id": hx(&k.authority()),
                "bytes": hx(&k.to_bytes()),
            })
        })
        .collect();
    let key_errors = vec![
        {
            // The holder guard is the authority's to add, never a caller's.
            let attrs = ["patient:42", "cipherchart:key-holder"];
            let e = authority
                .issue_key(&attrs, &mut r)
                .err()
                .unwrap_or_else(|| panic!("holder guard attribute accepted"));
            let mut o = Map::new();
            o.insert("attributes".into(), json!(attrs));
            o.extend(error_json(&e));
            Value::Object(o)
        },
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
    let mkb = authority.to_secret_bytes().to_vec();
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
        ("public_key_v1", "public_key", with_version(&pkb, 1)),
        ("user_key_v1", "user_key", with_version(&ukb, 1)),
        (
            "user_key_guard_flag_cleared",
            "user_key",
            splice(&ukb, guard_flag_at(&ukb, 4), &[0]),
        ),
        ("master_key_zero_scalar", "master_key", zero_a1),
        ("master_key_scalar_not_reduced", "master_key", big_a1),
    ] {
        let r = match kind {
            "public_key" => cipherchart::PublicKey::from_bytes(&bytes).map(|_| ()),
            "user_key" => UserKey::from_bytes(&bytes).map(|_| ()),
            _ => Authority::from_secret_bytes(&bytes).map(|_| ()),
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
        "master_key": hx(&authority.to_secret_bytes()),
        "user_keys": keys,
        "issue_errors": key_errors,
    });
    (Abe { authority, users }, value)
}

/// The second authority: its public key, a user key, a record, a re-key and a delegation
/// key, for the `wrong_authority` vectors.
struct Second {
    authority: Authority,
    key: UserKey,
    record: SealedRecord,
    rekey: ReKey,
    delegation: DelegationKey,
}

fn second_authority(b: &Bls) -> (Second, Value) {
    let mut r = rng("second_authority");
    let authority = Authority::setup(&mut r);
    let pk = authority.public_key();
    let key = ok(authority.issue_key(&["patient:42"], &mut r), "issue_key");
    let p = ok(Policy::parse("patient:42"), "policy");
    let record = ok(
        seal(pk, &p, b"rec-b1", b"", b"second authority record", &mut r),
        "seal",
    );
    let delegator = b.key("patient").public_key();
    let target = ok(Policy::parse("hospital:h2 and dept:cardiology"), "policy");
    let rekey = ok(
        ok(
            authority.issue_delegation_key(&["patient:42"], &delegator, &mut r),
            "delegation key",
        )
        .rekey(pk, &target, &mut r),
        "rekey",
    );
    let delegation = ok(
        authority.issue_delegation_key(&["patient:42"], &delegator, &mut r),
        "delegation key",
    );
    let value = json!({
        "public_key": hx(&pk.to_bytes()),
        "public_key_id": hx(&pk.id()),
        "master_key": hx(&authority.to_secret_bytes()),
    });
    (
        Second {
            authority,
            key,
            record,
            rekey,
            delegation,
        },
        value,
    )
}

/// What `records` makes.
struct Records {
    sealed_json: Value,
    tampered: Value,
    delegation_keys: Value,
    rekeys: Value,
    reencrypted: Value,
    /// `decode_errors` of the kinds `delegation_key` and `rekey`.
    decode_errors: Vec<Value>,
    wrong_authority: Value,
    /// The sealed records, then `ecg_hop1`.
    sealed: Vec<SealedRecord>,
    /// `to_h2_cardiology` (delegator `patient`), `to_h2_research` (`hospital_h2`).
    rk1: ReKey,
    rk2: ReKey,
}

/// One `decode_errors` vector: `bytes` must not decode as `kind`.
fn decode_error(name: &str, kind: &str, bytes: &[u8]) -> Value {
    let r = match kind {
        "delegation_key" => DelegationKey::from_bytes(bytes).map(|_| ()),
        "rekey" => ReKey::from_bytes(bytes).map(|_| ()),
        _ => panic!("generator: kind {kind}"),
    };
    assert!(r.is_err(), "generator: {name} decoded");
    let mut o = Map::new();
    o.insert("name".into(), json!(name));
    o.insert("kind".into(), json!(kind));
    o.insert("bytes".into(), json!(hx(bytes)));
    o.extend(outcome(r));
    Value::Object(o)
}

/// A tampered record vector: `bytes` (a mutation of `base`) must fail to decode or to
/// open with `key`; `detail` is asserted when given.
fn tampered_json(
    abe: &Abe,
    name: &str,
    base: &str,
    key: &str,
    bytes: &[u8],
    detail: Option<&str>,
) -> Value {
    let pk = abe.authority.public_key();
    let mut o = Map::new();
    o.insert("name".into(), json!(name));
    o.insert("base".into(), json!(base));
    o.insert("bytes".into(), json!(hx(bytes)));
    o.insert("key".into(), json!(key));
    let e = match SealedRecord::from_bytes(bytes) {
        Err(e) => {
            o.insert("fails_at".into(), json!("decode"));
            e
        }
        Ok(s) => {
            o.insert("fails_at".into(), json!("open"));
            match abe.user(key).open(pk, &s) {
                Ok(_) => panic!("generator: tampered record {name} opened"),
                Err(e) => e,
            }
        }
    };
    if let Some(d) = detail {
        assert_eq!(e.kind().as_deref(), Some(d), "generator: {name}: {e}");
    }
    o.extend(error_json(&e));
    Value::Object(o)
}

/// Sealed records, tampered records, delegation keys, re-keys and re-encrypted records,
/// and the vectors across two authorities.
fn records(abe: &Abe, b: &Bls, second: &Second) -> Records {
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
            "authority_id": hx(&s.authority()),
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
        ("v1_version", with_version(&ecg, 1)),
        ("empty", Vec::new()),
    ];
    for (name, bytes) in cases {
        tampered.push(tampered_json(
            abe,
            name,
            "ecg",
            "physician_cardiology",
            &bytes,
            (name == "v1_version").then_some("unsupported_version"),
        ));
    }

    // Delegation keys, one per grant, each naming its delegator's consent key: the
    // patient delegates `patient:42` to hospital h2's cardiology; h2 delegates what its
    // cardiology can open to its researchers.
    let target1 = ok(Policy::parse("hospital:h2 and dept:cardiology"), "policy");
    let target2 = ok(Policy::parse("role:researcher and hospital:h2"), "policy");
    let grants = [
        ("patient_42_grant", &["patient:42"][..], "patient"),
        (
            "h2_cardiology_grant",
            &["hospital:h2", "dept:cardiology"][..],
            "hospital_h2",
        ),
    ];
    let mut dks = Vec::new();
    let mut dk_bytes = Vec::new();
    let mut made = Vec::new();
    for (name, attrs, delegator) in grants {
        let d = ok(
            abe.authority
                .issue_delegation_key(attrs, &b.key(delegator).public_key(), &mut r),
            "delegation key",
        );
        assert_eq!(d.authority(), pk.id());
        assert_eq!(d.delegator(), &b.key(delegator).public_key());
        let attributes: Vec<&str> = d.attributes().iter().map(|a| a.as_str()).collect();
        dks.push(json!({
            "name": name,
            "attributes": attributes,
            "delegator": delegator,
            "authority_id": hx(&d.authority()),
            "bytes": hx(&d.to_bytes()),
        }));
        dk_bytes.push(d.to_bytes().to_vec());
        made.push(d);
    }
    let [d1, d2]: [DelegationKey; 2] = made
        .try_into()
        .unwrap_or_else(|_| panic!("generator: two delegation keys"));
    let rk1 = ok(d1.rekey(pk, &target1, &mut r), "rekey");
    let rk2 = ok(d2.rekey(pk, &target2, &mut r), "rekey");
    let mut rekeys = vec![
        rekey_json("to_h2_cardiology", "patient_42_grant", "patient", &rk1),
        rekey_json("to_h2_research", "h2_cardiology_grant", "hospital_h2", &rk2),
    ];
    // Requests that must be refused: issue_delegation_key then rekey.
    for (name, attrs, target) in [
        ("empty_subset", vec![], "a:1"),
        ("empty_attribute", vec!["patient:42", ""], "a:1"),
        (
            "holder_guard_attribute",
            vec!["cipherchart:key-holder"],
            "a:1",
        ),
    ] {
        let p = ok(Policy::parse(target), "policy");
        let e = abe
            .authority
            .issue_delegation_key(&attrs, &b.key("patient").public_key(), &mut r)
            .and_then(|d| d.rekey(pk, &p, &mut r))
            .err()
            .unwrap_or_else(|| panic!("generator: bad rekey {name} accepted"));
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("attributes".into(), json!(attrs));
        o.insert("delegator".into(), json!("patient"));
        o.insert("target_policy".into(), json!(target));
        o.extend(error_json(&e));
        rekeys.push(Value::Object(o));
    }

    let hop1 = ok(rk1.reencrypt(&sealed[0]), "reencrypt");
    // v2: re-encryption is deterministic.
    assert_eq!(
        ok(rk1.reencrypt(&sealed[0]), "reencrypt").to_bytes(),
        hop1.to_bytes()
    );
    let hop2 = ok(rk2.reencrypt(&hop1), "reencrypt");
    let hop1_binary = ok(rk1.reencrypt(&sealed[3]), "reencrypt");
    let mut re = vec![
        reenc_json(abe, "ecg_hop1", "ecg", "to_h2_cardiology", &hop1),
        reenc_json(abe, "ecg_hop2", "ecg_hop1", "to_h2_research", &hop2),
        reenc_json(
            abe,
            "binary_hop1",
            "binary",
            "to_h2_cardiology",
            &hop1_binary,
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
        (
            "threshold_record",
            "threshold",
            "to_h2_cardiology",
            &sealed[1],
            &rk1,
        ),
        ("wrong_layer", "ecg", "to_h2_research", &sealed[0], &rk2),
        (
            "same_grant_twice",
            "ecg_hop1",
            "to_h2_cardiology",
            &hop1,
            &rk1,
        ),
    ] {
        assert!(!rk.can_reencrypt(rec));
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
    // Tampered re-encrypted records. A hop follows the input record's encoding:
    // grant id (16) ‖ delegator (48) ‖ grant capsule ‖ record capsule ‖ R̂ (576) ‖ grant-value flag
    // [‖ Rg (576), hops after the first].
    let base = ecg.len();
    let h1 = hop1.to_bytes();
    let g_end = kem_end(&h1, base + 16 + 48);
    let v_end = kem_end(&h1, g_end);
    assert_eq!(v_end + 576 + 1, h1.len(), "generator: hop layout");
    let h2 = hop2.to_bytes();
    let (h2_g_end, h2_v_end) = {
        let g = kem_end(&h2, h1.len() + 16 + 48);
        (g, kem_end(&h2, g))
    };
    assert_eq!(
        h2_v_end + 576 + 1 + 576,
        h2.len(),
        "generator: hop 2 layout"
    );
    let binary = sealed[3].to_bytes();
    let hb = hop1_binary.to_bytes();
    for (name, bytes, detail) in [
        ("hop_grant_id_flipped", flip(&h1, base, 0x01), None),
        (
            "hop_grant_capsule_c_prime_flipped",
            flip(&h1, g_end - 1, 0x01),
            None,
        ),
        (
            "hop_record_capsule_c_prime_flipped",
            flip(&h1, v_end - 1, 0x01),
            None,
        ),
        ("hop_masked_r_flipped", flip(&h1, v_end + 300, 0x01), None),
        // The grant value is forbidden on hop 1: set the flag and append a well-formed
        // value (hop 2's).
        (
            "hop1_grant_value_flag_set",
            [&h1[..h1.len() - 1], &[1], &h2[h2.len() - 576..]].concat(),
            Some("non_canonical"),
        ),
        // A record capsule under another policy than the hop's grant capsule (hop 2's
        // record capsule, under the research policy).
        (
            "hop_record_capsule_other_policy",
            [&h1[..g_end], &h2[h2_g_end..h2_v_end], &h1[v_end..]].concat(),
            Some("non_canonical"),
        ),
        // The hop of another record of the same grant (`binary_hop1`), copied onto this
        // record: bound to the other record, it opens nothing.
        (
            "hop_copied_from_other_record",
            [&ecg[..base - 1], &[1], &hb[binary.len()..]].concat(),
            None,
        ),
    ] {
        tampered.push(tampered_json(
            abe, name, "ecg_hop1", "h2_nurse", &bytes, detail,
        ));
    }
    for (name, bytes, detail) in [
        // The grant value is required on hop 2: clear the flag and drop the value.
        (
            "hop2_grant_value_flag_cleared",
            [&h2[..h2.len() - 576 - 1], &[0]].concat(),
            Some("non_canonical"),
        ),
        (
            "hop2_grant_value_flipped",
            flip(&h2, h2.len() - 300, 0x01),
            None,
        ),
    ] {
        tampered.push(tampered_json(
            abe,
            name,
            "ecg_hop2",
            "h2_researcher",
            &bytes,
            detail,
        ));
    }

    // Delegation keys and re-keys that must not decode.
    let spk = second.authority.public_key();
    let d = &dk_bytes[0];
    let rkb = rk1.to_bytes().to_vec();
    let pkb = pk.to_bytes();
    // ReKey: header (4) ‖ grant id (16) ‖ blinded key ‖ capsule ‖ u32 len ‖ public key ‖
    // hop key (32) ‖ delegator (48).
    let material_at = 4 + 16;
    let capsule_at = {
        let a = find(&rkb[material_at + 32..], &pk.id()) + material_at + 32;
        assert!(a > guard_flag_at(&rkb, material_at));
        a
    };
    let pk_at = rkb.len() - 48 - 32 - pkb.len();
    assert_eq!(&rkb[pk_at..pk_at + pkb.len()], pkb.as_slice());
    let mut decode_errors = vec![
        decode_error("delegation_key_v1", "delegation_key", &with_version(d, 1)),
        decode_error(
            "delegation_key_guard_flag_set",
            "delegation_key",
            &splice(d, guard_flag_at(d, 4), &[1]),
        ),
        decode_error(
            "delegation_key_wrong_type",
            "delegation_key",
            &abe.user("patient_42").to_bytes(),
        ),
        decode_error(
            "delegation_key_delegator_flipped",
            "delegation_key",
            &flip(d, d.len() - 1, 0x01),
        ),
        decode_error(
            "delegation_key_trailing_byte",
            "delegation_key",
            &[d.as_slice(), &[0]].concat(),
        ),
        decode_error("rekey_v1", "rekey", &with_version(&rkb, 1)),
        decode_error(
            "rekey_guard_flag_set",
            "rekey",
            &splice(&rkb, guard_flag_at(&rkb, material_at), &[1]),
        ),
        // The capsule and the (target) public key of two authorities: the re-key does not
        // decode. (The blinded key may name another authority than they: a
        // cross-authority re-key, `docs/federation.md`; `cipherchart-federation.json`.)
        decode_error(
            "rekey_capsule_authority_other",
            "rekey",
            &splice(&rkb, capsule_at, &spk.id()),
        ),
        decode_error(
            "rekey_public_key_other",
            "rekey",
            &splice(&rkb, pk_at, &spk.to_bytes()),
        ),
        decode_error(
            "rekey_delegator_flipped",
            "rekey",
            &flip(&rkb, rkb.len() - 1, 0x01),
        ),
        decode_error("rekey_truncated", "rekey", &rkb[..rkb.len() - 1]),
    ];
    for v in &mut decode_errors {
        let n = v["name"].as_str().unwrap_or_default();
        let want = if n.ends_with("_v1") {
            Some("unsupported_version")
        } else if n.contains("guard_flag") || n.contains("_other") {
            Some("non_canonical")
        } else {
            None
        };
        if let Some(w) = want {
            assert_eq!(v["detail"].as_str(), Some(w), "generator: {n}: {v}");
        }
    }

    let wrong_authority = wrong_authority(abe, second, &sealed[0], &rk1);
    sealed.push(hop1);
    Records {
        sealed_json: Value::Array(out),
        tampered: Value::Array(tampered),
        delegation_keys: Value::Array(dks),
        rekeys: Value::Array(rekeys),
        reencrypted: Value::Array(re),
        decode_errors,
        wrong_authority,
        sealed,
        rk1,
        rk2,
    }
}

/// Keys, records, re-keys and delegation keys used across two authorities: refused with
/// `wrong_authority` before any pairing (and a control of each operation that succeeds).
/// Each vector is self-contained: `public_key` names the group whose public key is used
/// (`authority` or `second_authority`); keys, records and re-keys are given as bytes.
fn wrong_authority(abe: &Abe, second: &Second, ecg: &SealedRecord, rk1: &ReKey) -> Value {
    let mut r = rng("wrong_authority");
    let first_pk = abe.authority.public_key();
    let second_pk = second.authority.public_key();
    let pk_of = |which: &str| {
        if which == "authority" {
            first_pk
        } else {
            second_pk
        }
    };
    let patient_first = abe.user("patient_42");
    // A user key of the first authority whose authority id was changed: it still
    // decodes (the id is not authenticated by the key) and is refused as another
    // authority's.
    let relabelled = {
        let b = patient_first.to_bytes().to_vec();
        ok(
            UserKey::from_bytes(&splice(&b, 4, &second_pk.id())),
            "relabelled key",
        )
    };
    let mut out = Vec::new();
    let opens: [(&str, &str, &UserKey, &SealedRecord, bool); 5] = [
        (
            "second_key_first_record",
            "authority",
            &second.key,
            ecg,
            false,
        ),
        (
            "second_key_first_record_second_public_key",
            "second_authority",
            &second.key,
            ecg,
            false,
        ),
        (
            "first_key_second_record",
            "authority",
            patient_first,
            &second.record,
            false,
        ),
        (
            "first_key_relabelled_second",
            "authority",
            &relabelled,
            ecg,
            false,
        ),
        (
            "second_key_second_record",
            "second_authority",
            &second.key,
            &second.record,
            true,
        ),
    ];
    for (name, which, key, rec, succeeds) in opens {
        let res = key.open(pk_of(which), rec);
        assert_eq!(res.is_ok(), succeeds, "generator: {name}");
        if !succeeds {
            assert_eq!(res, Err(Error::WrongAuthority), "generator: {name}");
        }
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("operation".into(), json!("open"));
        o.insert("public_key".into(), json!(which));
        o.insert("key".into(), json!(hx(&key.to_bytes())));
        o.insert("record".into(), json!(hx(&rec.to_bytes())));
        match res {
            Ok(p) => {
                o.insert("payload".into(), json!(hx(&p)));
                o.insert("error".into(), Value::Null);
            }
            Err(e) => o.extend(error_json(&e)),
        }
        out.push(Value::Object(o));
    }
    for (name, rk, rec) in [
        ("second_rekey_first_record", &second.rekey, ecg),
        ("first_rekey_second_record", rk1, &second.record),
    ] {
        let res = rk.reencrypt(rec);
        assert_eq!(
            res.as_ref().err(),
            Some(&Error::WrongAuthority),
            "generator: {name}"
        );
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("operation".into(), json!("reencrypt"));
        o.insert("rekey".into(), json!(hx(&rk.to_bytes())));
        o.insert("record".into(), json!(hx(&rec.to_bytes())));
        o.insert("can_reencrypt".into(), json!(rk.can_reencrypt(rec)));
        o.extend(outcome(res));
        out.push(Value::Object(o));
    }
    let target = ok(Policy::parse("role:researcher"), "policy");
    let dk = second.delegation.to_bytes();
    for (name, which, succeeds) in [
        ("second_delegation_key_first_public_key", "authority", false),
        (
            "second_delegation_key_second_public_key",
            "second_authority",
            true,
        ),
    ] {
        let d = ok(DelegationKey::from_bytes(&dk), "delegation key");
        let res = d.rekey(pk_of(which), &target, &mut r);
        assert_eq!(res.is_ok(), succeeds, "generator: {name}");
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("operation".into(), json!("rekey"));
        o.insert("public_key".into(), json!(which));
        o.insert("delegation_key".into(), json!(hx(&dk)));
        o.insert("target_policy".into(), json!(target.to_string()));
        o.extend(outcome(res));
        out.push(Value::Object(o));
    }
    Value::Array(out)
}

fn rekey_json(name: &str, delegation_key: &str, delegator: &str, rk: &ReKey) -> Value {
    let attributes: Vec<&str> = rk.attributes().iter().map(|a| a.as_str()).collect();
    json!({
        "name": name,
        "error": null,
        "delegation_key": delegation_key,
        "delegator": delegator,
        "attributes": attributes,
        "target_policy": rk.target_policy().to_string(),
        "grant_id": hx(&rk.grant_id()),
        "authority_id": hx(&rk.authority()),
        "consent_digest": hx(&cipherchart::rekey_digest(rk)),
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
        "authority_id": hx(&rec.authority()),
        "hop_count": rec.hop_count(),
        "policy": rec.policy().to_string(),
        "current_policy": rec.current_policy().to_string(),
        "opens": abe.opens(rec),
    })
}

struct Bls {
    names: Vec<&'static str>,
    keys: Vec<BlsSigningKey>,
}

impl Bls {
    fn key(&self, name: &str) -> &BlsSigningKey {
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
        let k = ok(BlsSigningKey::from_ikm(&ikm, info.as_bytes()), "from_ikm");
        kj.push(json!({
            "name": n,
            "ikm": hx(&ikm),
            "key_info": hx(info.as_bytes()),
            "secret_key": hx(k.to_secret_bytes().as_ref()),
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
    let mut push = |name: &str, key: &str, msg: &[u8], sig: &BlsSignature| {
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
        BlsSignature::aggregate(
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
            BlsSignature::from_bytes(&bytes).map(|_| ())
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
fn consent(b: &Bls, rk1: &ReKey, rk2: &ReKey, ecg: &SealedRecord) -> (Value, ConsentToken) {
    let rk_digest = cipherchart::rekey_digest(rk1);
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
    // v2: a consent gates a re-key only if its issuer is the re-key's delegator. Mallory
    // copies the (public) digest of the patient's re-key into a consent of her own; the
    // hospital, delegator of the second re-key, consents to it.
    let t_non_delegator = ok(
        ConsentToken::issue(
            b.key("mallory"),
            &Grant::new(
                "patient-42",
                Grantee::Policy(rk1.target_policy().clone()),
                window,
            )
            .purposes(["treatment", "research"])
            .rekey_digest(rk_digest),
            &mut r,
        ),
        "issue",
    );
    let t_rk2 = ok(
        ConsentToken::issue(
            hospital,
            &Grant::new(
                "patient-42",
                Grantee::Policy(rk2.target_policy().clone()),
                window,
            )
            .records(["rec-1"])
            .purposes(["research"])
            .rekey(rk2),
            &mut r,
        ),
        "issue",
    );
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
            empty.clone(),
        ),
        (
            "rekey_by_non_delegator",
            t_non_delegator.to_bytes(),
            "mallory",
            1_500,
            empty.clone(),
        ),
        (
            "rekey2_by_delegator",
            t_rk2.to_bytes(),
            "hospital_h2",
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
    // The consent gate (v2): `check_rekey` of a verified token (verified as its vector
    // says: issuer, now, no revocation) and a re-key.
    let rekeys = [("to_h2_cardiology", rk1), ("to_h2_research", rk2)];
    let verified = |token: &str| {
        let v = tokens
            .iter()
            .find(|t| t["name"] == token)
            .unwrap_or_else(|| panic!("generator: no token {token}"));
        assert!(v["revoked"].as_array().is_some_and(Vec::is_empty));
        let bytes = hex::decode(v["bytes"].as_str().unwrap_or_default()).unwrap_or_default();
        let t = ok(ConsentToken::from_bytes(&bytes), "token");
        let issuer = v["issuer"].as_str().unwrap_or_default();
        let now = v["now"].as_u64().unwrap_or_default();
        ok(
            t.verify(&b.key(issuer).public_key(), now, &RevocationSet::new()),
            "verify",
        )
    };
    let rekey = |name: &str| {
        rekeys
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("generator: no re-key {name}"))
            .1
    };
    let mut checks = Vec::new();
    for (name, token, rk, passes) in [
        (
            "delegator_names_rekey",
            "held_presented",
            "to_h2_cardiology",
            true,
        ),
        (
            "attenuated_delegator_names_rekey",
            "attenuated_presented",
            "to_h2_cardiology",
            true,
        ),
        (
            "hospital_names_its_rekey",
            "rekey2_by_delegator",
            "to_h2_research",
            true,
        ),
        ("no_rekey_digest", "basic_valid", "to_h2_cardiology", false),
        (
            "other_rekey_digest",
            "held_presented",
            "to_h2_research",
            false,
        ),
        (
            "issuer_not_delegator",
            "rekey_by_non_delegator",
            "to_h2_cardiology",
            false,
        ),
        (
            "key_grantee_no_digest",
            "key_grantee_valid",
            "to_h2_cardiology",
            false,
        ),
    ] {
        let res = check_rekey(&verified(token), rekey(rk));
        assert_eq!(res.is_ok(), passes, "generator: rekey check {name}");
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("token".into(), json!(token));
        o.insert("rekey".into(), json!(rk));
        o.extend(outcome(res));
        checks.push(Value::Object(o));
    }
    // Gated re-encryption: the consent gate, then the record's id, category and purpose,
    // then the (deterministic) re-encryption, whose output is pinned by name.
    let mut gated = Vec::new();
    for (name, token, rk, category, purpose, output) in [
        (
            "permitted",
            "held_presented",
            "to_h2_cardiology",
            "cardiology",
            "research",
            Some("ecg_hop1"),
        ),
        (
            "purpose_not_permitted",
            "held_presented",
            "to_h2_cardiology",
            "cardiology",
            "billing",
            None,
        ),
        (
            "issuer_not_delegator",
            "rekey_by_non_delegator",
            "to_h2_cardiology",
            "cardiology",
            "research",
            None,
        ),
    ] {
        let res = reencrypt_with_consent(&verified(token), rekey(rk), ecg, category, purpose);
        assert_eq!(res.is_ok(), output.is_some(), "generator: gated {name}");
        if let Ok(out) = &res {
            assert_eq!(
                out.to_bytes(),
                ok(rekey(rk).reencrypt(ecg), "reencrypt").to_bytes()
            );
        }
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("token".into(), json!(token));
        o.insert("rekey".into(), json!(rk));
        o.insert("record".into(), json!("ecg"));
        o.insert("category".into(), json!(category));
        o.insert("purpose".into(), json!(purpose));
        o.insert("output".into(), json!(output));
        o.extend(outcome(res));
        gated.push(Value::Object(o));
    }
    (
        json!({
            "tokens": tokens,
            "attenuations": att,
            "rekey_checks": checks,
            "gated_reencryptions": gated,
        }),
        t_basic,
    )
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
            o.extend(outcome(cipherchart::verify_inclusion(
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
        let proof = cipherchart::ConsistencyProof {
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
    let (abe, mut abe_json) = abe();
    let (b, bls_json) = bls();
    let (second, second_json) = second_authority(&b);
    let recs = records(&abe, &b, &second);
    if let Some(list) = abe_json["decode_errors"].as_array_mut() {
        list.extend(recs.decode_errors.iter().cloned());
    }
    let (consent_json, basic_token) = consent(&b, &recs.rk1, &recs.rk2, &recs.sealed[0]);
    let chain_json = chain(&b, &recs.sealed, recs.rk1.grant_id(), &basic_token);
    json!({
        "version": 2,
        "generator": format!(
            "cipherchart tests/conformance/generate.rs (ChaCha20Rng seeded with SHA-256(\"{SEED_LABEL}/<group>\"))"
        ),
        "encoding": "bytes are lowercase hex; texts are UTF-8 strings; errors are Error::code() strings",
        "policies": policies(),
        "authority": abe_json,
        "second_authority": second_json,
        "sealed_records": recs.sealed_json,
        "tampered_records": recs.tampered,
        "delegation_keys": recs.delegation_keys,
        "rekeys": recs.rekeys,
        "reencrypted_records": recs.reencrypted,
        "wrong_authority": recs.wrong_authority,
        "bls": bls_json,
        "consent": consent_json,
        "chain": chain_json,
    })
}
