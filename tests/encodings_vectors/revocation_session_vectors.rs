//! The `session_catch_ups` and `session_splits` groups of `tests/vectors/cipherchart-v3.json`
//! (`docs/formats.md`, "Session header v3", "Trailer"): the session under n1 re-wrapped under
//! n2 with its sealer's trailer (the records unchanged, each with its inclusion proof), and
//! the v2 session re-encrypted under n2 (new header, records and trailer); the session under
//! n1 split under n2 after its first record (its progress anchor); who opens each.

use cipherchart::{
    prove_session_record, session_trailer, Authority, PublicKey, SessionHeader, SessionRecord,
    Trailer, UserKey, VerifiedNotice,
};
use serde_json::{json, Value};

use super::{code, hx, seeded, unhex};

/// A session the `sessions` group made: its header, its sealer's trailer (v3) and records.
pub(super) struct Made {
    pub(super) name: &'static str,
    pub(super) header: SessionHeader,
    pub(super) trailer: Option<Trailer>,
    pub(super) records: Vec<SessionRecord>,
}

/// Who opens a caught-up session: per key, the error code and the payloads (text) if every
/// record opened (with proofs for a re-wrapped header, `open` otherwise).
fn opens<'a>(
    pk: &PublicKey,
    keys: impl Iterator<Item = (&'a str, &'a UserKey)>,
    header: &SessionHeader,
    records: &[SessionRecord],
) -> Vec<Value> {
    keys.map(|(name, key)| {
        let out = key.open_session(pk, header).and_then(|o| {
            records
                .iter()
                .enumerate()
                .map(|(i, r)| match header.trailer() {
                    Some(_) => o.open_included(r, &prove_session_record(records, i as u64)?),
                    None => o.open(r),
                })
                .map(|p| p.map(|p| String::from_utf8(p).unwrap()))
                .collect::<Result<Vec<_>, _>>()
        });
        json!({"key": name, "error": code(&out), "payloads": out.ok()})
    })
    .collect()
}

fn proofs_json(records: &[SessionRecord]) -> Vec<Value> {
    (0..records.len() as u64)
        .map(|i| {
            let p = prove_session_record(records, i).unwrap();
            json!({"index": p.index, "size": p.size, "path": p.path.iter().map(|h| hx(h)).collect::<Vec<_>>()})
        })
        .collect()
}

/// The group, by name.
pub(super) fn generate(
    authority: &Authority,
    keys: &[(&str, UserKey)],
    n2v: &VerifiedNotice,
    made: &[Made],
) -> Vec<(&'static str, Value)> {
    let pk = authority.public_key();
    let mut rng = seeded("session_catch_ups");
    let named = |name: &str| made.iter().find(|m| m.name == name).unwrap();
    let n1 = named("session under n1");
    let trailer = n1.trailer.clone().unwrap();
    let rewrapped = authority
        .rewrap_session(&n1.header, &trailer, n2v, &mut rng)
        .unwrap();
    let v2 = named("v2 session");
    let (re, re_records, re_trailer) = authority
        .reencrypt_session(&v2.header, &v2.records, None, n2v, &mut rng)
        .unwrap();
    let catch_ups: Vec<Value> = [
        (
            "session under n1, re-wrapped under n2",
            n1.name,
            "rewrap",
            &rewrapped,
            &n1.records,
            &trailer,
        ),
        (
            "v2 session, re-encrypted under n2",
            v2.name,
            "reencrypt",
            &re,
            &re_records,
            &re_trailer,
        ),
    ]
    .into_iter()
    .map(|(name, from, how, header, records, trailer)| {
        json!({
            "name": name, "session": from, "notice": "n2", "how": how,
            "header": hx(&header.to_bytes()),
            "header_digest": hx(&header.digest()),
            "notice_serial": header.notice_serial(),
            "trailer": hx(&trailer.to_bytes()),
            "carried_trailer": header.trailer().map(|t| hx(&t.to_bytes())),
            "records": records.iter().map(|r| hx(&r.to_bytes())).collect::<Vec<_>>(),
            "proofs": proofs_json(records),
            "opens": opens(pk, keys.iter().map(|(n, k)| (*n, k)), header, records),
        })
    })
    .collect();
    // The session under n1 split after its first record: the prefix re-wrapped with the
    // progress trailer (over record 0), the tail (record 1) re-encrypted.
    let progress = session_trailer(&n1.header, &n1.records[..1]).unwrap();
    let split = authority
        .split_session(&n1.header, &n1.records, &progress, &trailer, n2v, &mut rng)
        .unwrap();
    let keys_by_name = || keys.iter().map(|(n, k)| (*n, k));
    let splits = vec![json!({
        "name": "session under n1, split under n2 after its first record",
        "session": n1.name, "notice": "n2",
        "progress": hx(&progress.to_bytes()),
        "close": hx(&trailer.to_bytes()),
        "prefix": hx(&split.prefix.to_bytes()),
        "tail": hx(&split.tail.to_bytes()),
        "tail_records": split.tail_records.iter().map(|r| hx(&r.to_bytes())).collect::<Vec<_>>(),
        "tail_trailer": hx(&split.tail_trailer.to_bytes()),
        "prefix_opens": opens(pk, keys_by_name(), &split.prefix, &n1.records[..1]),
        "tail_opens": opens(pk, keys_by_name(), &split.tail, &split.tail_records),
    })];
    vec![
        ("session_catch_ups", json!(catch_ups)),
        ("session_splits", json!(splits)),
    ]
}

/// Checks the group from the committed file with the public API: the objects decode and
/// re-encode, the trailer is the records', the proofs are the records', a re-wrap's records
/// are the old session's, and who opens each.
pub(super) fn check(doc: &Value, pk: &PublicKey, keys: &[(String, UserKey)]) {
    let records_of = |v: &Value| -> Vec<SessionRecord> {
        v["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| SessionRecord::from_bytes(&hex::decode(r.as_str().unwrap()).unwrap()).unwrap())
            .collect()
    };
    for v in doc["session_catch_ups"].as_array().unwrap() {
        let name = &v["name"];
        let header = SessionHeader::from_bytes(&unhex(v, "header")).unwrap();
        assert_eq!(hx(&header.to_bytes()), v["header"], "{name}");
        assert_eq!(hx(&header.digest()), v["header_digest"], "{name}");
        assert_eq!(json!(header.notice_serial()), v["notice_serial"], "{name}");
        let trailer = Trailer::from_bytes(&unhex(v, "trailer")).unwrap();
        let carried = header.trailer().map(|t| hx(&t.to_bytes()));
        assert_eq!(json!(carried), v["carried_trailer"], "{name}");
        let records = records_of(v);
        assert_eq!(
            session_trailer(&header, &records).unwrap(),
            trailer,
            "{name}"
        );
        assert_eq!(json!(proofs_json(&records)), v["proofs"], "{name}");
        let old = doc["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == v["session"])
            .unwrap();
        if v["how"] == "rewrap" {
            assert_eq!(v["records"], old["records"], "{name}");
            assert_eq!(header.trailer(), Some(&trailer), "{name}");
        }
        let got = opens(
            pk,
            keys.iter().map(|(n, k)| (n.as_str(), k)),
            &header,
            &records,
        );
        same_rows(&got, &v["opens"], name);
    }
    for v in doc["session_splits"].as_array().unwrap() {
        let name = &v["name"];
        let decode = |k: &str| SessionHeader::from_bytes(&unhex(v, k)).unwrap();
        let (prefix, tail) = (decode("prefix"), decode("tail"));
        let progress = Trailer::from_bytes(&unhex(v, "progress")).unwrap();
        let close = Trailer::from_bytes(&unhex(v, "close")).unwrap();
        let tail_trailer = Trailer::from_bytes(&unhex(v, "tail_trailer")).unwrap();
        assert_eq!(hx(&prefix.to_bytes()), v["prefix"], "{name}");
        assert_eq!(prefix.trailer(), Some(&progress), "{name}");
        assert_eq!(tail.trailer(), None, "{name}");
        let old = doc["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == v["session"])
            .unwrap();
        let old_header = SessionHeader::from_bytes(&unhex(old, "header")).unwrap();
        let old_records = records_of(old);
        assert_eq!(session_trailer(&old_header, &old_records).unwrap(), close);
        let s = usize::try_from(progress.count()).unwrap();
        assert_eq!(
            session_trailer(&old_header, &old_records[..s]).unwrap(),
            progress
        );
        let tail_records = records_of(&json!({"records": v["tail_records"]}));
        assert_eq!(session_trailer(&tail, &tail_records).unwrap(), tail_trailer);
        let keys_by_name = || keys.iter().map(|(n, k)| (n.as_str(), k));
        let prefix_rows = opens(pk, keys_by_name(), &prefix, &old_records[..s]);
        same_rows(&prefix_rows, &v["prefix_opens"], name);
        let tail_rows = opens(pk, keys_by_name(), &tail, &tail_records);
        same_rows(&tail_rows, &v["tail_opens"], name);
    }
}

/// The computed rows are the file's, key by key.
fn same_rows(got: &[Value], want: &Value, name: &Value) {
    let want = want.as_array().unwrap();
    assert_eq!(got.len(), want.len(), "{name}");
    for e in want {
        let row = got.iter().find(|g| g["key"] == e["key"]).unwrap();
        assert_eq!(row, e, "{name}");
    }
}
