//! Conformance vectors of format v3 revocation (`tests/vectors/cipherchart-v3.json`):
//! version notices (valid ones, and ones refused by decoding or by verification), user keys
//! issued under them, v3 sealed records with who opens them, catch-ups, and the v3 record
//! decoder's refusals. Generated here deterministically (ChaCha20 seeded per group) and
//! checked from the committed file with the public API, as the Python
//! (`test_conformance_v3.py`) and JavaScript (`conformance-v3.test.mjs`) suites check it.
//!
//! `CIPHERCHART_REGENERATE_VECTORS=1 cargo test --test encodings_vectors revocation_vectors::`
//! rewrites the file (with `cipherchart-v2.json`, by `scripts/vectors-check`).

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::OnceLock;

use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::{
    seal, seal_with_notice, start_session, start_session_with_notice, Attribute, Authority,
    BlsPublicKey, BlsSigningKey, Error, NoticeFields, Policy, SealedRecord, SessionHeader,
    SessionRecord, UserKey, VerifiedNotice, VersionNotice,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

#[path = "revocation_session_vectors.rs"]
mod sessions;
#[path = "revocation_stream_vectors.rs"]
mod streams;

const ENV: &str = "CIPHERCHART_REGENERATE_VECTORS";
const SEED_LABEL: &str = "cipherchart-conformance-v3";
/// The first notice's time (2027-01-15T08:00:00Z); `now` of every verification is given.
const T0: u64 = 1_800_000_000;

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/cipherchart-v3.json")
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

fn kind<T>(r: &Result<T, Error>) -> Value {
    match r {
        Err(e) => json!(e.kind()),
        Ok(_) => Value::Null,
    }
}

struct Notices {
    key: BlsSigningKey,
    authority: [u8; 32],
}

impl Notices {
    fn sign(&self, serial: u64, bumps: u64, versions: &[(&str, u32)]) -> VersionNotice {
        VersionNotice::sign(
            &self.key,
            &NoticeFields {
                authority: self.authority,
                statement_serial: 0,
                serial,
                issued_at: serial,
                not_after: serial + 3600,
                bump_count: bumps,
                bump_head: if bumps == 0 {
                    [0; 32]
                } else {
                    [bumps as u8; 32]
                },
                versions: versions
                    .iter()
                    .map(|(n, v)| (Attribute::new(n).unwrap(), *v))
                    .collect(),
            },
        )
        .unwrap()
    }
}

fn verify(
    n: &VersionNotice,
    key: &BlsPublicKey,
    now: u64,
    prev: Option<&VersionNotice>,
) -> Result<VerifiedNotice, Error> {
    let prev = prev.map(|p| p.verify(key, p.issued_at(), None).unwrap());
    n.verify(key, now, prev.as_ref())
}

fn generate() -> Value {
    let mut rng = seeded("authority");
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let notices = Notices {
        key: BlsSigningKey::generate(&mut rng),
        authority: pk.id(),
    };
    let nk = notices.key.public_key();
    let other_key = BlsSigningKey::generate(&mut rng);

    // Notices: n0 (nothing bumped), n1 (role:nurse at 1), n2 (role:nurse, dept:icu at 1;
    // two bumps), and refused ones.
    let n0 = notices.sign(T0, 0, &[]);
    let n1 = notices.sign(T0 + 60, 1, &[("role:nurse", 1)]);
    let n2 = notices.sign(T0 + 120, 2, &[("role:nurse", 1), ("dept:icu", 1)]);
    let rollback = notices.sign(T0 + 180, 2, &[("dept:icu", 1)]);
    let jump = notices.sign(T0 + 180, 3, &[("role:nurse", 3), ("dept:icu", 1)]);
    let by_other = VersionNotice::sign(
        &other_key,
        &NoticeFields {
            authority: pk.id(),
            statement_serial: 0,
            serial: T0 + 240,
            issued_at: T0 + 240,
            not_after: T0 + 3840,
            bump_count: 0,
            bump_head: [0; 32],
            versions: vec![],
        },
    )
    .unwrap();
    let named = [
        ("n0", &n0),
        ("n1", &n1),
        ("n2", &n2),
        ("rollback", &rollback),
        ("jump", &jump),
        ("by_other_key", &by_other),
    ];
    let find = |name: &str| {
        named
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .unwrap()
    };
    let verifications: Vec<Value> = [
        ("n0 alone", "n0", None, T0),
        ("n1 after n0", "n1", Some("n0"), T0 + 60),
        ("n2 after n1", "n2", Some("n1"), T0 + 130),
        ("n1 again after n1", "n1", Some("n1"), T0 + 61),
        ("n0 after n1 (older serial)", "n0", Some("n1"), T0 + 70),
        ("n1 expired", "n1", None, T0 + 60 + 3600),
        ("n2 from the future", "n2", None, T0 + 120 - 301),
        ("rollback after n2", "rollback", Some("n2"), T0 + 180),
        ("jump after n2", "jump", Some("n2"), T0 + 180),
        ("signed by another key", "by_other_key", None, T0 + 240),
    ]
    .iter()
    .map(|(name, notice, previous, now)| {
        let r = verify(find(notice), &nk, *now, previous.map(find));
        json!({"name": name, "notice": notice, "previous": previous, "now": now, "error": code(&r)})
    })
    .collect();
    let notice_json: Vec<Value> = named
        .iter()
        .map(|(name, n)| json!({"name": name, "bytes": hx(&n.to_bytes()), "digest": hx(&n.digest()), "serial": n.serial(), "bump_count": n.bump_count(),
            "versions": n.versions().iter().map(|(a, v)| json!([a.as_str(), v])).collect::<Vec<_>>()}))
        .collect();
    // Decoding refusals, by editing n1's bytes: serial 0, serial above issued_at, an empty
    // validity, a version above the bump count, a foreign version byte.
    let b1 = n1.to_bytes();
    let at_serial = 4 + 32 + 8;
    let mut notice_decode_errors = Vec::new();
    let mut refuse = |name: &str, bytes: Vec<u8>| {
        let r = VersionNotice::from_bytes(&bytes);
        assert!(r.is_err(), "{name} must be refused");
        notice_decode_errors.push(
            json!({"name": name, "bytes": hx(&bytes), "error": code(&r), "detail": kind(&r)}),
        );
    };
    let mut b = b1.clone();
    b[at_serial..at_serial + 8].copy_from_slice(&0u64.to_be_bytes());
    refuse("serial 0", b);
    let mut b = b1.clone();
    b[at_serial..at_serial + 8].copy_from_slice(&(T0 + 61).to_be_bytes());
    refuse("serial above issued_at", b);
    let mut b = b1.clone();
    b[at_serial + 16..at_serial + 24].copy_from_slice(&(T0 + 60).to_be_bytes());
    refuse("empty validity", b);
    let mut b = b1.clone();
    b[at_serial + 24..at_serial + 32].copy_from_slice(&0u64.to_be_bytes());
    refuse("bump count 0 with a bump head and a version", b);
    let mut b = b1.clone();
    b[3] = 2;
    refuse("format version 2", b);
    let mut b = b1.clone();
    b.push(0);
    refuse("trailing byte", b);

    // Keys: under n0 (v2 bytes), under n1 and n2 (v3 bytes).
    let mut rng = seeded("keys");
    let n0v = n0.verify(&nk, T0, None).unwrap();
    let n1v = n1.verify(&nk, T0 + 60, None).unwrap();
    let n2v = n2.verify(&nk, T0 + 120, None).unwrap();
    let nurse = ["role:nurse", "dept:icu"];
    let keys: Vec<(&str, UserKey)> = vec![
        (
            "nurse at n0",
            authority.issue_key_under(&n0v, &nurse, &mut rng).unwrap(),
        ),
        (
            "nurse at n1",
            authority.issue_key_under(&n1v, &nurse, &mut rng).unwrap(),
        ),
        (
            "nurse at n2",
            authority.issue_key_under(&n2v, &nurse, &mut rng).unwrap(),
        ),
        (
            "patient at n2",
            authority
                .issue_key_under(&n2v, &["patient:42"], &mut rng)
                .unwrap(),
        ),
    ];
    let keys_json: Vec<Value> = keys
        .iter()
        .map(|(name, k)| json!({"name": name, "bytes": hx(&k.to_bytes()),
            "versioned_attributes": k.versioned_attributes().iter().map(|(a, v)| json!([a.as_str(), v])).collect::<Vec<_>>()}))
        .collect();

    // Records: sealed under each notice, and a v2 record; who opens each.
    let mut rng = seeded("records");
    let policy = Policy::parse("patient:42 or (role:nurse and dept:icu)").unwrap();
    let sealed: Vec<(&str, SealedRecord)> = vec![
        (
            "under n0",
            seal_with_notice(
                pk,
                &n0v,
                &policy,
                b"rec-n0",
                b"ecg",
                b"sealed under n0",
                &mut rng,
            )
            .unwrap(),
        ),
        (
            "under n1",
            seal_with_notice(
                pk,
                &n1v,
                &policy,
                b"rec-n1",
                b"ecg",
                b"sealed under n1",
                &mut rng,
            )
            .unwrap(),
        ),
        (
            "under n2",
            seal_with_notice(
                pk,
                &n2v,
                &policy,
                b"rec-n2",
                b"ecg",
                b"sealed under n2",
                &mut rng,
            )
            .unwrap(),
        ),
        (
            "v2",
            seal(pk, &policy, b"rec-v2", b"ecg", b"sealed in v2", &mut rng).unwrap(),
        ),
    ];
    let opens = |r: &SealedRecord| -> Vec<Value> {
        keys.iter()
            .map(|(k, key)| {
                let out = key.open(pk, r);
                json!({"key": k, "error": code(&out), "payload": out.ok().map(|p| String::from_utf8(p).unwrap())})
            })
            .collect()
    };
    let records_json: Vec<Value> = sealed
        .iter()
        .map(|(name, r)| json!({"name": name, "bytes": hx(&r.to_bytes()), "notice_serial": r.notice_serial(),
            "body_commitment": r.body_commitment().map(|c| hx(&c)), "header_digest": hx(&r.header_digest()),
            "attribute_versions": r.attribute_versions().iter().map(|(a, v)| json!([a.as_str(), v])).collect::<Vec<_>>(),
            "needs_catch_up": {"n1": r.needs_catch_up(&n1v), "n2": r.needs_catch_up(&n2v)},
            "opens": opens(r)}))
        .collect();

    // Catch-ups to n2, and a refused one (a record under n2 back to n1).
    let mut rng = seeded("catch-up");
    let catch_ups: Vec<Value> = sealed
        .iter()
        .filter(|(name, _)| *name != "under n2")
        .map(|(name, r)| {
            let after = authority.rewrap(r, &n2v, &mut rng).unwrap();
            json!({"name": format!("{name} to n2"), "before": name, "notice": "n2", "after": hx(&after.to_bytes()), "opens": opens(&after)})
        })
        .collect();
    let back = authority.rewrap(&sealed[2].1, &n1v, &mut rng);
    assert_eq!(back.as_ref().map(|_| ()), Err(&Error::FutureVersion));

    // v3 record decoding refusals, by editing "under n1".
    let r1 = &sealed[1].1;
    let rb = r1.to_bytes();
    let meta_hash_at = 4 + 4 + r1.record_id().len() + 4 + r1.metadata().len();
    let body_len_at = meta_hash_at + 64;
    let serial_at = body_len_at + 8 + 32;
    let mut record_decode_errors = Vec::new();
    let mut refuse = |name: &str, bytes: Vec<u8>| {
        let r = SealedRecord::from_bytes(&bytes);
        assert!(r.is_err(), "{name}");
        record_decode_errors.push(
            json!({"name": name, "bytes": hx(&bytes), "error": code(&r), "detail": kind(&r)}),
        );
    };
    let mut b = rb.clone();
    b[meta_hash_at] ^= 1;
    refuse("metadata hash", b);
    let mut b = rb.clone();
    b[body_len_at + 7] ^= 1;
    refuse("body length", b);
    let mut b = rb.clone();
    b[serial_at..serial_at + 8].copy_from_slice(&0u64.to_be_bytes());
    refuse("notice serial 0", b);
    let mut b = rb.clone();
    b[serial_at + 8] = 0x80;
    refuse("undefined flag", b);
    let mut b = rb.clone();
    *b.last_mut().unwrap() = 1;
    refuse("a hop count with no hop", b);
    let mut b = rb.clone();
    *b.last_mut().unwrap() = 9;
    refuse("nine hops", b);

    let reencryption = reencryption_vectors(&authority, &sealed[2].1, &n1v, &n2v);

    // Sessions started under n1 and n2 (format v3), and a v2 session; who opens each.
    let mut rng = seeded("sessions");
    let session_policy = Policy::parse("role:nurse and dept:icu").unwrap();
    let mut sessions_json = Vec::new();
    let mut first_v3 = None;
    let mut made = Vec::new();
    for (name, notice) in [
        ("session under n1", Some(&n1v)),
        ("session under n2", Some(&n2v)),
        ("v2 session", None),
    ] {
        let (header, mut sealer) = match notice {
            Some(n) => {
                start_session_with_notice(pk, n, &session_policy, b"bed-7", b"vitals", &mut rng)
                    .unwrap()
            }
            None => start_session(pk, &session_policy, b"bed-7", b"vitals", &mut rng).unwrap(),
        };
        let records: Vec<SessionRecord> =
            [(b"hr".as_slice(), b"72 bpm".as_slice()), (b"spo2", b"97 %")]
                .iter()
                .map(|(m, p)| sealer.seal(m, p).unwrap())
                .collect();
        if first_v3.is_none() && notice.is_some() {
            first_v3 = Some(header.clone());
        }
        let opens: Vec<Value> = keys
            .iter()
            .map(|(k, key)| {
                let out = key.open_session(pk, &header).and_then(|o| {
                    records
                        .iter()
                        .map(|r| o.open(r).map(|p| String::from_utf8(p).unwrap()))
                        .collect::<Result<Vec<_>, _>>()
                });
                json!({"key": k, "error": code(&out), "payloads": out.ok()})
            })
            .collect();
        made.push(sessions::Made {
            name,
            header: header.clone(),
            trailer: sealer.trailer().ok(),
            records: records.clone(),
        });
        sessions_json.push(json!({
            "name": name,
            "header": hx(&header.to_bytes()),
            "notice_serial": header.notice_serial(),
            "attribute_versions": header.attribute_versions().iter().map(|(a, v)| json!([a.as_str(), v])).collect::<Vec<_>>(),
            "records": records.iter().map(|r| hx(&r.to_bytes())).collect::<Vec<_>>(),
            "opens": opens,
        }));
    }
    // v3 session header refusals, by editing the first v3 header.
    let hb = first_v3.unwrap().to_bytes();
    let hash_at = 4 + 4 + 5 + 4 + 6;
    let mut session_decode_errors = Vec::new();
    let mut refuse_session = |name: &str, bytes: Vec<u8>| {
        let r = SessionHeader::from_bytes(&bytes);
        assert!(r.is_err(), "{name}");
        session_decode_errors.push(
            json!({"name": name, "bytes": hx(&bytes), "error": code(&r), "detail": kind(&r)}),
        );
    };
    let mut b = hb.clone();
    b[hash_at] ^= 1;
    refuse_session("metadata hash", b);
    let mut b = hb.clone();
    b[hash_at + 32] = 2;
    refuse_session("trailer flag 2", b);
    let session_groups = sessions::generate(&authority, &keys, &n2v, &made);

    let stream_groups = streams::generate(&authority, &keys, &n1v, &n2v);

    let mut doc = json!({
        "version": 3,
        "generator": format!("cipherchart tests/encodings_vectors/revocation_vectors.rs (ChaCha20Rng seeded with SHA-256(\"{SEED_LABEL}/<group>\"))"),
        "description": "Format v3 revocation (docs/revocation.md §0, docs/formats.md v3 sections): notices, keys under notices, v3 records and their catch-up. Bytes are lowercase hex; errors are Error::code() strings, details Error::kind().",
        "authority": {"public_key": hx(&pk.to_bytes()), "master_key": hx(authority.to_secret_bytes().as_ref()), "notice_key": hx(&nk.to_bytes())},
        "notices": notice_json,
        "notice_verifications": verifications,
        "notice_decode_errors": notice_decode_errors,
        "keys": keys_json,
        "records": records_json,
        "catch_ups": catch_ups,
        "refused_catch_ups": [{"name": "under n2 back to n1", "record": "under n2", "notice": "n1", "error": "future_version"}],
        "record_decode_errors": record_decode_errors,
        "sessions": sessions_json,
        "session_decode_errors": session_decode_errors,
        "reencryption": reencryption,
    });
    for (name, group) in stream_groups.into_iter().chain(session_groups) {
        doc[name] = group;
    }
    doc
}

/// Re-encryption of a v3 record (`docs/formats.md`, "Re-encryption key v3", "Hop v3"): a
/// nurse's grant of "under n2" to the ICU physicians, and a physician's onward grant (its
/// parent the first) to the surgeons; the delegation key, both re-keys with their digests
/// and currency, both re-encrypted records with who opens them, and the decoder's refusals
/// of broken parent links.
fn reencryption_vectors(
    authority: &Authority,
    record: &SealedRecord,
    n1v: &VerifiedNotice,
    n2v: &VerifiedNotice,
) -> Value {
    let pk = authority.public_key();
    let mut rng = seeded("reencryption");
    let consent = BlsSigningKey::generate(&mut rng);
    let delegation = authority
        .issue_delegation_key_under(
            n2v,
            &["role:nurse", "dept:icu"],
            &consent.public_key(),
            &mut rng,
        )
        .unwrap();
    let delegation_bytes = delegation.to_bytes().to_vec();
    let delegation_key_id = delegation.key_id();
    let first = delegation
        .rekey_under(
            pk,
            n2v,
            &Policy::parse("dept:icu and role:physician").unwrap(),
            None,
            &mut rng,
        )
        .unwrap();
    let hop1 = first.reencrypt(record).unwrap();
    let second = authority
        .issue_delegation_key_under(
            n2v,
            &["role:physician", "dept:icu"],
            &consent.public_key(),
            &mut rng,
        )
        .unwrap()
        .rekey_under(
            pk,
            n2v,
            &Policy::parse("role:surgeon").unwrap(),
            hop1.newest_grant(),
            &mut rng,
        )
        .unwrap();
    let hop2 = second.reencrypt(&hop1).unwrap();
    let keys: Vec<(&str, UserKey)> = [
        ("physician at n2", &["role:physician", "dept:icu"][..]),
        ("physician at n0", &["role:physician", "dept:icu"][..]),
        ("surgeon at n2", &["role:surgeon"][..]),
        ("nurse at n2", &["role:nurse", "dept:icu"][..]),
    ]
    .iter()
    .map(|(name, attrs)| {
        let key = if name.ends_with("n0") {
            authority.issue_key(attrs, &mut rng).unwrap()
        } else {
            authority.issue_key_under(n2v, attrs, &mut rng).unwrap()
        };
        (*name, key)
    })
    .collect();
    let opens = |r: &SealedRecord| -> Vec<Value> {
        keys.iter()
            .map(|(k, key)| {
                let out = key.open(pk, r);
                json!({"key": k, "error": code(&out), "payload": out.ok().map(|p| String::from_utf8(p).unwrap())})
            })
            .collect()
    };
    let grant = |g: Option<cipherchart::GrantRef>| g.map(|g| hx(&g.to_bytes()));
    let rekey_json = |name: &str, rk: &cipherchart::ReKey| {
        json!({"name": name, "bytes": hx(&rk.to_bytes()), "digest": hx(&cipherchart::rekey_digest(rk)),
            "delegation_key_id": rk.delegation_key_id().map(|d| hx(&d)),
            "grant": hx(&rk.grant().to_bytes()), "parent": grant(rk.parent()),
            "attribute_versions": rk.attribute_versions().iter().map(|(a, v)| json!([a.as_str(), v])).collect::<Vec<_>>(),
            "target_versions": rk.target_versions().iter().map(|(a, v)| json!([a.as_str(), v])).collect::<Vec<_>>(),
            "check_current": {"n1": code(&rk.check_current(&[n1v])), "n2": code(&rk.check_current(&[n2v]))}})
    };
    let record_json = |name: &str, r: &SealedRecord| {
        json!({"name": name, "bytes": hx(&r.to_bytes()), "hop_count": r.hop_count(),
            "newest_grant": grant(r.newest_grant()), "opens": opens(r)})
    };
    // Refusals, by editing the two-hop record: hop 2's parent link broken or dropped, and
    // a parent on hop 1.
    let b2 = hop2.to_bytes();
    let at = |id: &[u8; 16]| b2.windows(16).position(|w| w == id).unwrap() + 16 + 48;
    let (p1, p2) = (at(&first.grant_id()), at(&second.grant_id()));
    let mut decode_errors = Vec::new();
    let mut refuse = |name: &str, bytes: Vec<u8>| {
        let r = SealedRecord::from_bytes(&bytes);
        assert!(r.is_err(), "{name}");
        decode_errors.push(
            json!({"name": name, "bytes": hx(&bytes), "error": code(&r), "detail": kind(&r)}),
        );
    };
    let mut b = b2.clone();
    b[p2 + 1] ^= 1;
    refuse("hop 2 names another parent", b);
    let mut b = b2.clone();
    b[p2] = 0;
    b.drain(p2 + 1..p2 + 17);
    refuse("hop 2 names no parent", b);
    let mut b = b2.clone();
    b[p1] = 1;
    b.splice(p1 + 1..p1 + 1, first.grant_id());
    refuse("hop 1 names a parent", b);
    let mut b = b2.clone();
    b[p2] = 2;
    refuse("parent flag 2", b);
    let mut rekey_errors = Vec::new();
    let rb = second.to_bytes().to_vec();
    let dkid = second.delegation_key_id().unwrap();
    let generation_at = rb.windows(32).position(|w| w == dkid).unwrap() + 32;
    let mut b = rb.clone();
    b[generation_at + 3] = 1;
    let r = cipherchart::ReKey::from_bytes(&b);
    assert!(r.is_err());
    rekey_errors.push(json!({"name": "generation 1 (renewal not built)", "bytes": hx(&b), "error": code(&r), "detail": kind(&r)}));
    let mut b = rb.clone();
    b[4] ^= 1;
    let r = cipherchart::ReKey::from_bytes(&b);
    assert!(r.is_err());
    rekey_errors.push(json!({"name": "a grant id its delegation key id does not derive", "bytes": hx(&b), "error": code(&r), "detail": kind(&r)}));
    json!({
        "delegation_key": {"bytes": hx(&delegation_bytes), "key_id": hx(&delegation_key_id)},
        "keys": keys.iter().map(|(name, k)| json!({"name": name, "bytes": hx(&k.to_bytes())})).collect::<Vec<_>>(),
        "source_record": "under n2",
        "rekeys": [rekey_json("nurse to icu physicians", &first), rekey_json("physician to surgeons", &second)],
        "records": [record_json("one hop", &hop1), record_json("two hops", &hop2)],
        "record_decode_errors": decode_errors,
        "rekey_decode_errors": rekey_errors,
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
        "{} drifted from a fresh generation: {ENV}=1 cargo test --test encodings_vectors revocation_vectors::, review, commit",
        path().display()
    );
}

/// Every vector, re-derived from the committed file with the public API.
#[test]
fn every_v3_vector_checks() {
    let doc = committed();
    assert_eq!(doc["version"], 3);
    let a = &doc["authority"];
    let pk = cipherchart::PublicKey::from_bytes(&unhex(a, "public_key")).unwrap();
    let authority = Authority::from_secret_bytes(&unhex(a, "master_key")).unwrap();
    assert_eq!(authority.public_key().id(), pk.id());
    let nk = BlsPublicKey::from_bytes(&unhex(a, "notice_key")).unwrap();
    let list = |k: &str| doc[k].as_array().unwrap().clone();
    let by_name = |k: &str, name: &str| -> Value {
        list(k)
            .into_iter()
            .find(|v| v["name"] == name)
            .unwrap_or_else(|| panic!("{k}/{name}"))
    };

    let notice =
        |name: &str| VersionNotice::from_bytes(&unhex(&by_name("notices", name), "bytes")).unwrap();
    for n in list("notices") {
        let decoded = VersionNotice::from_bytes(&unhex(&n, "bytes")).unwrap();
        assert_eq!(decoded.to_bytes(), unhex(&n, "bytes"));
        assert_eq!(hx(&decoded.digest()), n["digest"]);
        assert_eq!(decoded.serial(), n["serial"]);
        let versions: Vec<Value> = decoded
            .versions()
            .iter()
            .map(|(a, v)| json!([a.as_str(), v]))
            .collect();
        assert_eq!(json!(versions), n["versions"]);
    }
    for v in list("notice_verifications") {
        let prev = v["previous"].as_str().map(notice);
        let r = verify(
            &notice(v["notice"].as_str().unwrap()),
            &nk,
            v["now"].as_u64().unwrap(),
            prev.as_ref(),
        );
        assert_eq!(code(&r), v["error"], "{}", v["name"]);
    }
    for v in list("notice_decode_errors") {
        let r = VersionNotice::from_bytes(&unhex(&v, "bytes"));
        assert_eq!(
            (code(&r), kind(&r)),
            (v["error"].clone(), v["detail"].clone()),
            "{}",
            v["name"]
        );
    }
    let verified = |name: &str| {
        let n = notice(name);
        n.verify(&nk, n.issued_at(), None).unwrap()
    };
    let keys: Vec<(String, UserKey)> = list("keys")
        .iter()
        .map(|k| {
            let key = UserKey::from_bytes(&unhex(k, "bytes")).unwrap();
            assert_eq!(key.to_bytes().to_vec(), unhex(k, "bytes"));
            let va: Vec<Value> = key
                .versioned_attributes()
                .iter()
                .map(|(a, v)| json!([a.as_str(), v]))
                .collect();
            assert_eq!(json!(va), k["versioned_attributes"]);
            (k["name"].as_str().unwrap().to_owned(), key)
        })
        .collect();
    let check_opens = |r: &SealedRecord, expected: &Value| {
        for e in expected.as_array().unwrap() {
            let (_, key) = keys.iter().find(|(n, _)| e["key"] == n.as_str()).unwrap();
            let out = key.open(&pk, r);
            assert_eq!(code(&out), e["error"], "{}", e["key"]);
            assert_eq!(
                json!(out.ok().map(|p| String::from_utf8(p).unwrap())),
                e["payload"]
            );
        }
    };
    let record =
        |name: &str| SealedRecord::from_bytes(&unhex(&by_name("records", name), "bytes")).unwrap();
    for v in list("records") {
        let r = SealedRecord::from_bytes(&unhex(&v, "bytes")).unwrap();
        assert_eq!(r.to_bytes(), unhex(&v, "bytes"));
        assert_eq!(json!(r.notice_serial()), v["notice_serial"]);
        assert_eq!(
            json!(r.body_commitment().map(|c| hx(&c))),
            v["body_commitment"]
        );
        assert_eq!(hx(&r.header_digest()), v["header_digest"]);
        let av: Vec<Value> = r
            .attribute_versions()
            .iter()
            .map(|(a, v)| json!([a.as_str(), v]))
            .collect();
        assert_eq!(json!(av), v["attribute_versions"]);
        assert_eq!(
            json!({"n1": r.needs_catch_up(&verified("n1")), "n2": r.needs_catch_up(&verified("n2"))}),
            v["needs_catch_up"]
        );
        check_opens(&r, &v["opens"]);
    }
    for v in list("catch_ups") {
        let before = record(v["before"].as_str().unwrap());
        let after = SealedRecord::from_bytes(&unhex(&v, "after")).unwrap();
        let n = verified(v["notice"].as_str().unwrap());
        assert!(!after.needs_catch_up(&n));
        assert_eq!(after.notice_serial(), Some(n.serial()));
        assert_eq!(
            (after.record_id(), after.metadata()),
            (before.record_id(), before.metadata())
        );
        if before.body_commitment().is_some() {
            assert_eq!(
                after.body_commitment(),
                before.body_commitment(),
                "a v3 body is kept"
            );
        }
        check_opens(&after, &v["opens"]);
        // Another implementation's catch-up of the same record has the same effect.
        let again = authority.rewrap(&before, &n, &mut seeded("check")).unwrap();
        check_opens(&again, &v["opens"]);
    }
    for v in list("refused_catch_ups") {
        let r = authority.rewrap(
            &record(v["record"].as_str().unwrap()),
            &verified(v["notice"].as_str().unwrap()),
            &mut seeded("check"),
        );
        assert_eq!(code(&r), v["error"]);
    }
    for v in list("record_decode_errors") {
        let r = SealedRecord::from_bytes(&unhex(&v, "bytes"));
        assert_eq!(
            (code(&r), kind(&r)),
            (v["error"].clone(), v["detail"].clone()),
            "{}",
            v["name"]
        );
    }
    for v in list("sessions") {
        let header = SessionHeader::from_bytes(&unhex(&v, "header")).unwrap();
        assert_eq!(hx(&header.to_bytes()), v["header"]);
        assert_eq!(json!(header.notice_serial()), v["notice_serial"]);
        let av: Vec<Value> = header
            .attribute_versions()
            .iter()
            .map(|(a, v)| json!([a.as_str(), v]))
            .collect();
        assert_eq!(json!(av), v["attribute_versions"]);
        let records: Vec<SessionRecord> = v["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| SessionRecord::from_bytes(&hex::decode(r.as_str().unwrap()).unwrap()).unwrap())
            .collect();
        for e in v["opens"].as_array().unwrap() {
            let (_, key) = keys.iter().find(|(n, _)| e["key"] == n.as_str()).unwrap();
            let out = key.open_session(&pk, &header).and_then(|o| {
                records
                    .iter()
                    .map(|r| o.open(r).map(|p| String::from_utf8(p).unwrap()))
                    .collect::<Result<Vec<_>, _>>()
            });
            assert_eq!(code(&out), e["error"], "{} {}", v["name"], e["key"]);
            assert_eq!(json!(out.ok()), e["payloads"]);
        }
    }
    for v in list("session_decode_errors") {
        let r = SessionHeader::from_bytes(&unhex(&v, "bytes"));
        assert_eq!(
            (code(&r), kind(&r)),
            (v["error"].clone(), v["detail"].clone()),
            "{}",
            v["name"]
        );
    }
    streams::check(doc, &pk, &keys);
    sessions::check(doc, &pk, &keys);
    check_reencryption(&doc["reencryption"], &pk, &record, &verified);
}

/// The `reencryption` group: every object decodes and re-encodes byte for byte, the
/// re-encryptions are re-derived (deterministic) and opened.
fn check_reencryption(
    g: &Value,
    pk: &cipherchart::PublicKey,
    record: &dyn Fn(&str) -> SealedRecord,
    verified: &dyn Fn(&str) -> VerifiedNotice,
) {
    let d = &g["delegation_key"];
    let delegation = cipherchart::DelegationKey::from_bytes(&unhex(d, "bytes")).unwrap();
    assert_eq!(delegation.to_bytes().to_vec(), unhex(d, "bytes"));
    assert_eq!(hx(&delegation.key_id()), d["key_id"]);
    let keys: Vec<(String, UserKey)> = g["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["name"].as_str().unwrap().to_owned(),
                UserKey::from_bytes(&unhex(k, "bytes")).unwrap(),
            )
        })
        .collect();
    let pairs = |p: Vec<(Attribute, u32)>| {
        json!(p
            .iter()
            .map(|(a, v)| json!([a.as_str(), v]))
            .collect::<Vec<_>>())
    };
    let rekeys: Vec<cipherchart::ReKey> = g["rekeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let rk = cipherchart::ReKey::from_bytes(&unhex(v, "bytes")).unwrap();
            assert_eq!(rk.to_bytes().to_vec(), unhex(v, "bytes"));
            assert!(rk.is_v3());
            assert_eq!(hx(&cipherchart::rekey_digest(&rk)), v["digest"]);
            assert_eq!(
                json!(rk.delegation_key_id().map(|d| hx(&d))),
                v["delegation_key_id"]
            );
            assert_eq!(hx(&rk.grant().to_bytes()), v["grant"]);
            assert_eq!(json!(rk.parent().map(|p| hx(&p.to_bytes()))), v["parent"]);
            assert_eq!(pairs(rk.attribute_versions()), v["attribute_versions"]);
            assert_eq!(pairs(rk.target_versions()), v["target_versions"]);
            for n in ["n1", "n2"] {
                assert_eq!(
                    code(&rk.check_current(&[&verified(n)])),
                    v["check_current"][n],
                    "{n}"
                );
            }
            rk
        })
        .collect();
    assert_eq!(hx(&rekeys[0].delegation_key_id().unwrap()), d["key_id"]);
    let mut below = record(g["source_record"].as_str().unwrap());
    for (v, rk) in g["records"].as_array().unwrap().iter().zip(&rekeys) {
        let r = SealedRecord::from_bytes(&unhex(v, "bytes")).unwrap();
        assert_eq!(r.to_bytes(), unhex(v, "bytes"));
        assert_eq!(json!(r.hop_count()), v["hop_count"]);
        assert_eq!(
            json!(r.newest_grant().map(|g| hx(&g.to_bytes()))),
            v["newest_grant"]
        );
        assert_eq!(
            rk.reencrypt(&below).unwrap().to_bytes(),
            r.to_bytes(),
            "deterministic"
        );
        for e in v["opens"].as_array().unwrap() {
            let (_, key) = keys.iter().find(|(n, _)| e["key"] == n.as_str()).unwrap();
            let out = key.open(pk, &r);
            assert_eq!(code(&out), e["error"], "{} {}", v["name"], e["key"]);
            assert_eq!(
                json!(out.ok().map(|p| String::from_utf8(p).unwrap())),
                e["payload"]
            );
        }
        below = r;
    }
    type Decode = fn(&[u8]) -> Result<(), Error>;
    let decoders: [(&str, Decode); 2] = [
        ("record_decode_errors", |b| {
            SealedRecord::from_bytes(b).map(|_| ())
        }),
        ("rekey_decode_errors", |b| {
            cipherchart::ReKey::from_bytes(b).map(|_| ())
        }),
    ];
    for (k, decode) in decoders {
        for v in g[k].as_array().unwrap() {
            let r = decode(&unhex(v, "bytes"));
            assert_eq!(
                (code(&r), kind(&r)),
                (v["error"].clone(), v["detail"].clone()),
                "{}",
                v["name"]
            );
        }
    }
}
