//! The checker: reads the committed vectors and re-derives every expected output and
//! error with the public API only, as another implementation would.

use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::{
    check_rekey, reencrypt_with_consent, ConsentToken, Narrowing, RevocationId, RevocationSet,
    VerifiedConsent, Window,
};
use cipherchart::{fast_aggregate_verify, BlsPublicKey as BlsPk, BlsSignature, BlsSigningKey};
use cipherchart::{verify_inclusion, Chain, ConsistencyProof, Entry, MemoryStore};
use cipherchart::{
    Authority, Checkpoint, DelegationKey, Error, Policy, ProofFile, PublicKey, ReKey, SealedRecord,
    UserKey,
};
use serde_json::Value;

use super::common::hx;

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("field {k} missing or not a string in {v}"))
}

fn b(v: &Value, k: &str) -> Vec<u8> {
    hex::decode(s(v, k)).unwrap_or_else(|e| panic!("field {k}: bad hex: {e}"))
}

fn u(v: &Value, k: &str) -> u64 {
    v[k].as_u64()
        .unwrap_or_else(|| panic!("field {k} missing or not an integer in {v}"))
}

fn arr<'a>(v: &'a Value, k: &str) -> &'a Vec<Value> {
    v[k].as_array()
        .unwrap_or_else(|| panic!("field {k} missing or not an array"))
}

fn strs(v: &Value, k: &str) -> Vec<String> {
    arr(v, k)
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

fn h32(x: &Value) -> [u8; 32] {
    hex::decode(x.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap()
}

fn name(v: &Value) -> &str {
    v["name"].as_str().unwrap_or("?")
}

/// Asserts that `r` matches the vector's expectation (`error`: null or a code, with
/// `detail`, `position`, `index` when given) and returns the value on success.
fn expect<T>(r: cipherchart::Result<T>, v: &Value, what: &str) -> Option<T> {
    match (&v["error"], r) {
        (Value::Null, Ok(t)) => Some(t),
        (Value::Null, Err(e)) => panic!("{what}: expected success, got {e} ({})", e.code()),
        (Value::String(code), Ok(_)) => panic!("{what}: expected error {code}, got success"),
        (Value::String(code), Err(e)) => {
            assert_eq!(e.code(), code, "{what}: error code ({e})");
            if let Some(d) = v["detail"].as_str() {
                assert_eq!(e.kind().as_deref(), Some(d), "{what}: error detail ({e})");
            }
            match &e {
                Error::PolicySyntax(p) => {
                    assert_eq!(
                        Some(p.position as u64),
                        v["position"].as_u64(),
                        "{what}: position"
                    )
                }
                Error::Chain(c) => {
                    assert_eq!(Some(c.index), v["index"].as_u64(), "{what}: chain index")
                }
                _ => {}
            }
            None
        }
        (other, _) => panic!("{what}: bad error field {other}"),
    }
}

pub fn policies(doc: &Value) {
    let list = arr(doc, "policies");
    assert!(list.len() >= 10);
    for v in list {
        let what = format!("policy {}", name(v));
        if let Some(hexed) = v["decode"].as_str() {
            let r = Policy::from_bytes(&hex::decode(hexed).unwrap());
            assert!(expect(r, v, &what).is_none(), "{what}: must fail");
            continue;
        }
        let Some(p) = expect(Policy::parse(s(v, "text")), v, &what) else {
            continue;
        };
        assert_eq!(p.to_string(), s(v, "canonical"), "{what}: canonical text");
        assert_eq!(p.to_bytes(), b(v, "bytes"), "{what}: bytes");
        assert_eq!(
            Policy::from_bytes(&b(v, "bytes")).unwrap(),
            p,
            "{what}: decode"
        );
        let attrs: Vec<&str> = p.attributes().iter().map(|a| a.as_str()).collect();
        assert_eq!(attrs, strs(v, "attributes"), "{what}: attributes");
        let lsss = p.lsss();
        let l = &v["lsss"];
        assert_eq!(lsss.columns() as u64, u(l, "columns"), "{what}: columns");
        let rows = arr(l, "rows");
        assert_eq!(lsss.rows(), rows.len(), "{what}: rows");
        for (i, row) in rows.iter().enumerate() {
            let row: Vec<i64> = row
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_i64().unwrap())
                .collect();
            let got: Vec<i64> = (0..lsss.columns())
                .map(|j| lsss.small_entry(i, j).unwrap())
                .collect();
            assert_eq!(got, row, "{what}: row {i}");
        }
        let rho: Vec<&str> = lsss.attributes().iter().map(|a| a.as_str()).collect();
        assert_eq!(rho, strs(l, "rho"), "{what}: rho");
        for probe in arr(v, "satisfied_by") {
            let a = strs(probe, "attributes");
            assert_eq!(
                p.is_satisfied_by(&a),
                probe["expected"].as_bool().unwrap(),
                "{what}: satisfied by {a:?}"
            );
            // The LSSS agrees with the tree.
            assert_eq!(lsss.reconstruct(&a).is_some(), p.is_satisfied_by(&a));
        }
    }
}

/// The authority's public key and the user keys by name.
fn keys(doc: &Value) -> (PublicKey, Vec<(String, UserKey)>) {
    let a = &doc["authority"];
    let pk = PublicKey::from_bytes(&b(a, "public_key")).unwrap();
    let users = arr(a, "user_keys")
        .iter()
        .map(|k| {
            (
                name(k).to_owned(),
                UserKey::from_bytes(&b(k, "bytes")).unwrap(),
            )
        })
        .collect();
    (pk, users)
}

fn user<'a>(users: &'a [(String, UserKey)], n: &str) -> &'a UserKey {
    &users.iter().find(|(m, _)| m == n).unwrap().1
}

/// Checks an `opens` list: for each key, the payload or the error.
fn check_opens(
    pk: &PublicKey,
    users: &[(String, UserKey)],
    rec: &SealedRecord,
    v: &Value,
    what: &str,
) {
    let opens = arr(v, "opens");
    assert_eq!(opens.len(), users.len(), "{what}: one entry per key");
    for o in opens {
        let key = s(o, "key");
        let r = user(users, key).open(pk, rec);
        let w = format!("{what} opened by {key}");
        if o.get("payload").is_some() {
            assert_eq!(r.unwrap(), b(o, "payload"), "{w}: payload");
        } else {
            expect(r, o, &w);
        }
    }
}

pub fn records(doc: &Value) {
    let a = &doc["authority"];
    let (pk, users) = keys(doc);
    assert_eq!(pk.to_bytes(), b(a, "public_key"));
    assert_eq!(pk.id().to_vec(), b(a, "public_key_id"));
    // The master key export re-imports to the same public key.
    let auth = Authority::from_secret_bytes(&b(a, "master_key")).unwrap();
    assert_eq!(auth.public_key(), &pk);
    assert_eq!(auth.to_secret_bytes().to_vec(), b(a, "master_key"));
    for k in arr(a, "user_keys") {
        let key = user(&users, name(k));
        let attrs: Vec<&str> = key.attributes().iter().map(|x| x.as_str()).collect();
        assert_eq!(attrs, strs(k, "attributes"));
        assert_eq!(
            key.authority().to_vec(),
            b(k, "authority_id"),
            "user key authority"
        );
        assert_eq!(key.authority(), pk.id());
        assert_eq!(
            key.to_bytes().to_vec(),
            b(k, "bytes"),
            "user key re-encodes"
        );
    }
    for v in arr(a, "decode_errors") {
        let bytes = b(v, "bytes");
        let r = match s(v, "kind") {
            "public_key" => PublicKey::from_bytes(&bytes).map(|_| ()),
            "user_key" => UserKey::from_bytes(&bytes).map(|_| ()),
            "master_key" => Authority::from_secret_bytes(&bytes).map(|_| ()),
            "delegation_key" => DelegationKey::from_bytes(&bytes).map(|_| ()),
            "rekey" => ReKey::from_bytes(&bytes).map(|_| ()),
            other => panic!("unknown key kind {other}"),
        };
        assert!(!v["error"].is_null());
        expect(r, v, name(v));
    }
    for e in arr(a, "issue_errors") {
        let attrs = strs(e, "attributes");
        let r = auth.issue_key(&attrs, &mut rand::rngs::OsRng);
        expect(r, e, &format!("issue_key {attrs:?}"));
    }
    for v in arr(doc, "sealed_records") {
        let what = format!("record {}", name(v));
        let rec = SealedRecord::from_bytes(&b(v, "bytes")).unwrap();
        assert_eq!(rec.to_bytes(), b(v, "bytes"), "{what}: re-encodes");
        assert_eq!(rec.policy().to_string(), s(v, "policy"), "{what}: policy");
        assert_eq!(rec.record_id(), b(v, "record_id"), "{what}: record id");
        assert_eq!(rec.metadata(), b(v, "metadata"), "{what}: metadata");
        assert_eq!(
            rec.header_digest().to_vec(),
            b(v, "header_digest"),
            "{what}: digest"
        );
        assert_eq!(rec.hop_count(), 0);
        assert_eq!(
            rec.authority().to_vec(),
            b(v, "authority_id"),
            "{what}: authority"
        );
        check_opens(&pk, &users, &rec, v, &what);
        let payload = b(v, "payload");
        assert!(arr(v, "opens")
            .iter()
            .any(|o| o.get("payload").is_some() && b(o, "payload") == payload));
    }
    for v in arr(doc, "tampered_records") {
        let what = format!("tampered record {}", name(v));
        let r = SealedRecord::from_bytes(&b(v, "bytes"));
        match s(v, "fails_at") {
            "decode" => {
                expect(r, v, &what);
            }
            "open" => {
                let rec = r.unwrap_or_else(|e| panic!("{what}: must decode: {e}"));
                expect(user(&users, s(v, "key")).open(&pk, &rec), v, &what);
            }
            other => panic!("{what}: fails_at {other}"),
        }
        assert!(!v["error"].is_null(), "{what}: a tampered record must fail");
    }
}

/// The delegation keys: decode, re-encode, accessors.
pub fn delegation_keys(doc: &Value) {
    let pk = PublicKey::from_bytes(&b(&doc["authority"], "public_key")).unwrap();
    let bls = bls_keys(doc);
    let list = arr(doc, "delegation_keys");
    assert!(!list.is_empty());
    for v in list {
        let what = format!("delegation key {}", name(v));
        let d = DelegationKey::from_bytes(&b(v, "bytes")).unwrap();
        assert_eq!(d.to_bytes().to_vec(), b(v, "bytes"), "{what}: re-encodes");
        let attrs: Vec<&str> = d.attributes().iter().map(|x| x.as_str()).collect();
        assert_eq!(attrs, strs(v, "attributes"), "{what}: attributes");
        assert_eq!(
            d.delegator(),
            &bls_pk(&bls, s(v, "delegator")),
            "{what}: delegator"
        );
        assert_eq!(
            d.authority().to_vec(),
            b(v, "authority_id"),
            "{what}: authority"
        );
        assert_eq!(d.authority(), pk.id(), "{what}: authority");
    }
}

/// A re-key vector's request, as the checker redoes it: a delegation key for
/// `attributes` naming `delegator`, made into a re-key to `target_policy`.
fn request_rekey(
    auth: &Authority,
    bls: &[(String, BlsSigningKey)],
    v: &Value,
) -> cipherchart::Result<ReKey> {
    let p = Policy::parse(s(v, "target_policy")).unwrap();
    let mut rng = rand::rngs::OsRng;
    auth.issue_delegation_key(
        &strs(v, "attributes"),
        &bls_pk(bls, s(v, "delegator")),
        &mut rng,
    )
    .and_then(|d| d.rekey(auth.public_key(), &p, &mut rng))
}

/// The re-keys of the vectors, by name.
fn rekeys(doc: &Value) -> Vec<(String, ReKey)> {
    arr(doc, "rekeys")
        .iter()
        .filter(|v| v.get("bytes").is_some())
        .map(|v| {
            (
                name(v).to_owned(),
                ReKey::from_bytes(&b(v, "bytes")).unwrap(),
            )
        })
        .collect()
}

pub fn reencryption(doc: &Value) {
    let (pk, users) = keys(doc);
    let auth = Authority::from_secret_bytes(&b(&doc["authority"], "master_key")).unwrap();
    let bls = bls_keys(doc);
    let dks = arr(doc, "delegation_keys");
    let mut by_name: Vec<(String, Vec<u8>)> = arr(doc, "sealed_records")
        .iter()
        .map(|v| (name(v).to_owned(), b(v, "bytes")))
        .collect();
    let mut rekeys: Vec<(String, ReKey)> = Vec::new();
    for v in arr(doc, "rekeys") {
        let what = format!("rekey {}", name(v));
        if v.get("bytes").is_none() {
            // A request that must be refused (checked with fresh randomness: the
            // outcome does not depend on it).
            let r = request_rekey(&auth, &bls, v);
            assert!(expect(r, v, &what).is_none(), "{what}: must fail");
            continue;
        }
        let rk = ReKey::from_bytes(&b(v, "bytes")).unwrap();
        assert_eq!(rk.to_bytes().to_vec(), b(v, "bytes"), "{what}: re-encodes");
        assert_eq!(rk.grant_id().to_vec(), b(v, "grant_id"), "{what}: grant id");
        assert_eq!(rk.target_policy().to_string(), s(v, "target_policy"));
        let attrs: Vec<&str> = rk.attributes().iter().map(|x| x.as_str()).collect();
        assert_eq!(attrs, strs(v, "attributes"));
        assert_eq!(
            cipherchart::rekey_digest(&rk).to_vec(),
            b(v, "consent_digest"),
            "{what}: consent digest"
        );
        assert_eq!(
            rk.delegator(),
            &bls_pk(&bls, s(v, "delegator")),
            "{what}: delegator"
        );
        assert_eq!(
            rk.authority().to_vec(),
            b(v, "authority_id"),
            "{what}: authority"
        );
        assert_eq!(rk.authority(), pk.id(), "{what}: authority");
        // Made from the named delegation key: same attributes, delegator and authority.
        let dk = dks
            .iter()
            .find(|d| name(d) == s(v, "delegation_key"))
            .unwrap();
        assert_eq!(
            strs(dk, "attributes"),
            strs(v, "attributes"),
            "{what}: from its delegation key"
        );
        assert_eq!(
            s(dk, "delegator"),
            s(v, "delegator"),
            "{what}: from its delegation key"
        );
        // The same request with fresh randomness is accepted.
        request_rekey(&auth, &bls, v).unwrap();
        rekeys.push((name(v).to_owned(), rk));
    }
    let mut hops = [0usize; 3];
    for v in arr(doc, "reencrypted_records") {
        let what = format!("re-encryption {}", name(v));
        let input = &by_name.iter().find(|(n, _)| n == s(v, "input")).unwrap().1;
        let input = SealedRecord::from_bytes(input).unwrap();
        let rk = &rekeys.iter().find(|(n, _)| n == s(v, "rekey")).unwrap().1;
        // Re-encryption is deterministic: the output must be byte for byte the vector.
        assert_eq!(
            rk.can_reencrypt(&input),
            v["error"].is_null(),
            "{what}: can_reencrypt"
        );
        let Some(out) = expect(rk.reencrypt(&input), v, &what) else {
            continue;
        };
        assert_eq!(out.to_bytes(), b(v, "bytes"), "{what}: output bytes");
        let rec = SealedRecord::from_bytes(&b(v, "bytes")).unwrap();
        assert_eq!(rec.hop_count() as u64, u(v, "hop_count"));
        assert_eq!(
            rec.authority().to_vec(),
            b(v, "authority_id"),
            "{what}: authority"
        );
        hops[rec.hop_count().min(2)] += 1;
        assert_eq!(rec.policy().to_string(), s(v, "policy"));
        assert_eq!(rec.current_policy().to_string(), s(v, "current_policy"));
        check_opens(&pk, &users, &rec, v, &what);
        by_name.push((name(v).to_owned(), b(v, "bytes")));
    }
    assert!(hops[1] >= 1 && hops[2] >= 1, "vectors cover 1 and 2 hops");
}

/// Keys, records, re-keys and delegation keys of two authorities.
pub fn wrong_authority(doc: &Value) {
    let first = PublicKey::from_bytes(&b(&doc["authority"], "public_key")).unwrap();
    let sa = &doc["second_authority"];
    let second = PublicKey::from_bytes(&b(sa, "public_key")).unwrap();
    assert_eq!(second.id().to_vec(), b(sa, "public_key_id"));
    assert_ne!(second.id(), first.id());
    let auth = Authority::from_secret_bytes(&b(sa, "master_key")).unwrap();
    assert_eq!(auth.public_key(), &second);
    let pk_of = |v: &Value| match s(v, "public_key") {
        "authority" => &first,
        "second_authority" => &second,
        other => panic!("unknown public key {other}"),
    };
    let mut refused = 0;
    for v in arr(doc, "wrong_authority") {
        let what = format!("wrong authority {}", name(v));
        if v["error"].as_str() == Some("wrong_authority") {
            refused += 1;
        }
        match s(v, "operation") {
            "open" => {
                let key = UserKey::from_bytes(&b(v, "key")).unwrap();
                let rec = SealedRecord::from_bytes(&b(v, "record")).unwrap();
                if let Some(p) = expect(key.open(pk_of(v), &rec), v, &what) {
                    assert_eq!(p, b(v, "payload"), "{what}: payload");
                }
            }
            "reencrypt" => {
                let rk = ReKey::from_bytes(&b(v, "rekey")).unwrap();
                let rec = SealedRecord::from_bytes(&b(v, "record")).unwrap();
                assert_eq!(
                    Some(rk.can_reencrypt(&rec)),
                    v["can_reencrypt"].as_bool(),
                    "{what}"
                );
                expect(rk.reencrypt(&rec), v, &what);
            }
            "rekey" => {
                let d = DelegationKey::from_bytes(&b(v, "delegation_key")).unwrap();
                let p = Policy::parse(s(v, "target_policy")).unwrap();
                expect(d.rekey(pk_of(v), &p, &mut rand::rngs::OsRng), v, &what);
            }
            other => panic!("{what}: unknown operation {other}"),
        }
    }
    assert!(refused >= 3, "vectors cover wrong_authority");
}

fn bls_keys(doc: &Value) -> Vec<(String, BlsSigningKey)> {
    arr(&doc["bls"], "keys")
        .iter()
        .map(|k| {
            (
                name(k).to_owned(),
                BlsSigningKey::from_secret_bytes(&b(k, "secret_key")).unwrap(),
            )
        })
        .collect()
}

fn bls_pk(keys: &[(String, BlsSigningKey)], n: &str) -> BlsPk {
    keys.iter()
        .find(|(m, _)| m == n)
        .unwrap_or_else(|| panic!("no BLS key {n}"))
        .1
        .public_key()
}

pub fn bls(doc: &Value) {
    let bls = &doc["bls"];
    let keys = bls_keys(doc);
    for k in arr(bls, "keys") {
        let sk = BlsSigningKey::from_ikm(&b(k, "ikm"), &b(k, "key_info")).unwrap();
        assert_eq!(sk.to_secret_bytes().to_vec(), b(k, "secret_key"), "KeyGen");
        let pk = BlsPk::from_bytes(&b(k, "public_key")).unwrap();
        assert_eq!(sk.public_key(), pk);
        let pop = BlsSignature::from_bytes(&b(k, "proof_of_possession")).unwrap();
        assert_eq!(sk.prove_possession(), pop, "PoP is deterministic");
        pk.verify_possession(&pop).unwrap();
    }
    for v in arr(bls, "signatures") {
        let what = format!("signature {}", name(v));
        let pk = bls_pk(&keys, s(v, "public_key"));
        let sig = BlsSignature::from_bytes(&b(v, "signature")).unwrap();
        expect(pk.verify(&b(v, "message"), &sig), v, &what);
    }
    for v in arr(bls, "fast_aggregate") {
        let pks: Vec<BlsPk> = strs(v, "public_keys")
            .iter()
            .map(|n| bls_pk(&keys, n))
            .collect();
        let sig = BlsSignature::from_bytes(&b(v, "signature")).unwrap();
        expect(
            fast_aggregate_verify(&pks, &b(v, "message"), &sig),
            v,
            name(v),
        );
    }
    for v in arr(bls, "decode") {
        let bytes = b(v, "bytes");
        let r = match s(v, "kind") {
            "public_key" => BlsPk::from_bytes(&bytes).map(|_| ()),
            _ => BlsSignature::from_bytes(&bytes).map(|_| ()),
        };
        expect(r, v, name(v));
    }
}

fn revoked(v: &Value) -> RevocationSet {
    let mut set = RevocationSet::new();
    for id in arr(v, "revoked") {
        set.insert(RevocationId::from_bytes(&hex::decode(id.as_str().unwrap()).unwrap()).unwrap());
    }
    set
}

pub fn consent(doc: &Value) {
    let keys = bls_keys(doc);
    let c = &doc["consent"];
    let mut kinds = std::collections::BTreeSet::new();
    for v in arr(c, "tokens") {
        let what = format!("token {}", name(v));
        let r = ConsentToken::from_bytes(&b(v, "bytes"));
        if v["fails_at"].as_str() == Some("decode") {
            expect(r, v, &what);
            continue;
        }
        let t = r.unwrap_or_else(|e| panic!("{what}: must decode: {e}"));
        assert_eq!(t.to_bytes(), b(v, "bytes"), "{what}: re-encodes");
        assert_eq!(t.to_text(), s(v, "text"), "{what}: text");
        assert_eq!(ConsentToken::from_text(s(v, "text")).unwrap(), t);
        assert_eq!(t.block_count() as u64, u(v, "block_count"));
        assert_eq!(Some(t.is_presented()), v["is_presented"].as_bool());
        let ids: Vec<String> = t
            .revocation_ids()
            .iter()
            .map(|i| hx(&i.to_bytes()))
            .collect();
        assert_eq!(ids, strs(v, "revocation_ids"), "{what}: revocation ids");
        let r = t.verify(&bls_pk(&keys, s(v, "issuer")), u(v, "now"), &revoked(v));
        if let Some(d) = v["detail"].as_str() {
            kinds.insert(d.to_owned());
        }
        let Some(ok) = expect(r, v, &what) else {
            assert_eq!(v["fails_at"].as_str(), Some("verify"), "{what}: fails_at");
            continue;
        };
        assert_eq!(ok.subject(), s(v, "subject"));
        let mut purposes: Vec<String> = ok.purposes().iter().cloned().collect();
        purposes.sort();
        assert_eq!(purposes, strs(v, "purposes"));
        let w = arr(v, "window");
        assert_eq!(ok.window().not_before(), w[0].as_u64().unwrap());
        assert_eq!(ok.window().expiry(), w[1].as_u64().unwrap());
        assert_eq!(
            ok.rekey_digest().map(|d| hx(d)).as_deref(),
            v["rekey_digest"].as_str()
        );
        for p in arr(v, "permits") {
            assert_eq!(
                ok.permits(&b(p, "record_id"), s(p, "category"), s(p, "purpose")),
                p["expected"].as_bool().unwrap(),
                "{what}: permits {p}"
            );
        }
    }
    for k in [
        "expired",
        "not_yet_valid",
        "wrong_issuer",
        "revoked",
        "missing_proof",
        "bad_chain",
        "reordered",
    ] {
        assert!(kinds.contains(k), "no vector for the consent refusal {k}");
    }
    let tokens = arr(c, "tokens");
    for v in arr(c, "attenuations") {
        let what = format!("attenuation {}", name(v));
        let base = tokens.iter().find(|t| name(t) == s(v, "token")).unwrap();
        let t = ConsentToken::from_bytes(&b(base, "bytes")).unwrap();
        let n = &v["narrowing"];
        let mut narrowing = Narrowing::new();
        if n.get("purposes").is_some() {
            narrowing = narrowing.purposes(strs(n, "purposes"));
        }
        if let Some(w) = n["window"].as_array() {
            narrowing = narrowing
                .window(Window::new(w[0].as_u64().unwrap(), w[1].as_u64().unwrap()).unwrap());
        }
        let holder = &keys.iter().find(|(m, _)| m == s(v, "holder")).unwrap().1;
        assert!(expect(t.attenuate(holder, &narrowing), v, &what).is_none());
    }
}

/// A token vector verified as it says (issuer, now, revocations).
fn verified(doc: &Value, token: &str) -> VerifiedConsent {
    let keys = bls_keys(doc);
    let v = arr(&doc["consent"], "tokens")
        .iter()
        .find(|t| name(t) == token)
        .unwrap_or_else(|| panic!("no token {token}"));
    let t = ConsentToken::from_bytes(&b(v, "bytes")).unwrap();
    t.verify(&bls_pk(&keys, s(v, "issuer")), u(v, "now"), &revoked(v))
        .unwrap_or_else(|e| panic!("token {token} must verify: {e}"))
}

/// The consent gate: `check_rekey`, and re-encryption through a consent.
pub fn consent_gate(doc: &Value) {
    let c = &doc["consent"];
    let rks = rekeys(doc);
    let rekey = |n: &str| &rks.iter().find(|(m, _)| m == n).unwrap().1;
    let (mut passed, mut refused) = (0, 0);
    for v in arr(c, "rekey_checks") {
        let what = format!("rekey check {}", name(v));
        let r = check_rekey(&verified(doc, s(v, "token")), rekey(s(v, "rekey")));
        if r.is_ok() {
            passed += 1;
        } else {
            refused += 1;
        }
        expect(r, v, &what);
    }
    assert!(passed >= 1 && refused >= 1);
    let record = |n: &str| {
        arr(doc, "sealed_records")
            .iter()
            .chain(arr(doc, "reencrypted_records"))
            .find(|r| name(r) == n)
            .map(|r| b(r, "bytes"))
            .unwrap_or_else(|| panic!("no record {n}"))
    };
    for v in arr(c, "gated_reencryptions") {
        let what = format!("gated re-encryption {}", name(v));
        let rec = SealedRecord::from_bytes(&record(s(v, "record"))).unwrap();
        let r = reencrypt_with_consent(
            &verified(doc, s(v, "token")),
            rekey(s(v, "rekey")),
            &rec,
            s(v, "category"),
            s(v, "purpose"),
        );
        if let Some(out) = expect(r, v, &what) {
            assert_eq!(out.to_bytes(), record(s(v, "output")), "{what}: output");
        }
    }
}

pub fn chain(doc: &Value) {
    let keys = bls_keys(doc);
    let c = &doc["chain"];
    let entries: Vec<Entry> = arr(c, "entries")
        .iter()
        .map(|v| Entry::from_bytes(&b(v, "bytes")).unwrap())
        .collect();
    for (e, v) in entries.iter().zip(arr(c, "entries")) {
        assert_eq!(e.to_bytes(), b(v, "bytes"));
        assert_eq!(e.sequence(), u(v, "sequence"));
        assert_eq!(e.prev().to_vec(), b(v, "prev"));
        assert_eq!(e.time(), u(v, "time"));
        assert_eq!(e.actor().to_bytes().to_vec(), b(v, "actor"));
        assert_eq!(e.action().to_string(), s(v, "action"));
        assert_eq!(u64::from(e.action().code()), u(v, "action_code"));
        assert_eq!(e.subject(), b(v, "subject"));
        assert_eq!(e.digest().to_vec(), b(v, "digest"));
        assert_eq!(e.metadata(), b(v, "metadata"));
        assert_eq!(e.hash().to_vec(), b(v, "hash"));
        assert_eq!(e.leaf_hash().to_vec(), b(v, "leaf_hash"));
        e.verify_signature().unwrap();
    }
    let chain = Chain::open(MemoryStore::from_records(
        entries.iter().map(Entry::to_bytes).collect(),
    ))
    .unwrap();
    assert_eq!(chain.len(), u(c, "size"));
    assert_eq!(chain.root().to_vec(), b(c, "root"));
    for v in arr(c, "checkpoints") {
        let what = format!("checkpoint {}", name(v));
        let r = Checkpoint::from_note(s(v, "note"));
        if v["fails_at"].as_str() == Some("decode") {
            expect(r, v, &what);
            continue;
        }
        let cp = r.unwrap();
        if v.get("bytes").is_some() {
            assert_eq!(cp.to_bytes(), b(v, "bytes"));
            assert_eq!(Checkpoint::from_bytes(&b(v, "bytes")).unwrap(), cp);
            assert_eq!(cp.to_note(), s(v, "note"));
            assert_eq!(cp.origin(), s(v, "origin"));
            assert_eq!(cp.size(), u(v, "size"));
            assert_eq!(cp.root().to_vec(), b(v, "root"));
            assert_eq!(chain.root_at(cp.size()).unwrap().to_vec(), b(v, "root"));
        }
        expect(cp.verify(&bls_pk(&keys, s(v, "log_key"))), v, &what);
    }
    for v in arr(c, "inclusion_proofs") {
        let path: Vec<[u8; 32]> = arr(v, "path").iter().map(h32).collect();
        let r = verify_inclusion(
            &h32(&v["leaf_hash"]),
            u(v, "index"),
            u(v, "size"),
            &path,
            &h32(&v["root"]),
        );
        expect(r, v, &format!("inclusion {}", name(v)));
    }
    for v in arr(c, "consistency_proofs") {
        let what = format!("consistency {}", name(v));
        let p = ConsistencyProof::from_bytes(&b(v, "bytes")).unwrap();
        assert_eq!(p.old_size, u(v, "old_size"));
        assert_eq!(p.new_size, u(v, "new_size"));
        let path: Vec<[u8; 32]> = arr(v, "path").iter().map(h32).collect();
        assert_eq!(p.path, path);
        expect(
            p.verify(&h32(&v["old_root"]), &h32(&v["new_root"])),
            v,
            &what,
        );
    }
    for v in arr(c, "proof_files") {
        let what = format!("proof file {}", name(v));
        let r = ProofFile::from_bytes(&b(v, "bytes"));
        if v["fails_at"].as_str() == Some("decode") {
            expect(r, v, &what);
            continue;
        }
        let pf = r.unwrap();
        if let Some(text) = v["text"].as_str() {
            assert_eq!(pf.to_text(), text);
            assert_eq!(
                ProofFile::from_text(text).unwrap().to_bytes(),
                b(v, "bytes")
            );
        }
        let r = pf
            .verify(&bls_pk(&keys, s(v, "log_key")))
            .map(|e| e.to_bytes());
        if let Some(entry) = expect(r, v, &what) {
            assert_eq!(entry, b(v, "entry"), "{what}: entry");
        }
    }
    for v in arr(c, "stores") {
        let what = format!("store {}", name(v));
        let recs: Vec<Vec<u8>> = arr(v, "entries")
            .iter()
            .map(|x| hex::decode(x.as_str().unwrap()).unwrap())
            .collect();
        let r = Chain::open(MemoryStore::from_records(recs)).map(|c| c.root());
        if let Some(root) = expect(r, v, &what) {
            assert_eq!(root.to_vec(), b(v, "root"));
        }
    }
    // Revocation logged in the chain.
    let v = &c["revocation_from_chain"];
    let token = arr(&doc["consent"], "tokens")
        .iter()
        .find(|t| name(t) == s(v, "token"))
        .unwrap();
    let t = ConsentToken::from_bytes(&b(token, "bytes")).unwrap();
    let set = RevocationSet::from_chain(&chain).unwrap();
    expect(
        t.verify(&bls_pk(&keys, s(v, "issuer")), u(v, "now"), &set),
        v,
        "revocation from chain",
    );
}
