//! The `streams` and `stream_decode_errors` groups of `tests/vectors/cipherchart-v3.json`
//! (`docs/formats.md`, "Stream v3"): streams sealed under n1 and n2 (format v3) and a v2
//! stream, in chunks of 8 bytes, with their public info and who opens each; and the v3
//! stream header decoder's refusals.

use cipherchart::{
    read_stream_info, seal_stream_with_chunk_size, seal_stream_with_notice, PublicKey, StreamInfo,
    UserKey, VerifiedNotice,
};
use serde_json::{json, Value};

use super::{code, hx, kind, seeded, unhex};

const PAYLOAD: &[u8] = b"ecg lead II, 250 Hz!";
const POLICY: &str = "role:nurse and dept:icu";
const CHUNK: u32 = 8;

fn info_json(info: &StreamInfo) -> Value {
    json!({
        "stream_id": hx(&info.stream_id),
        "metadata": hx(&info.metadata),
        "chunk_size": info.chunk_size,
        "notice_serial": info.notice_serial,
        "attribute_versions": info.attribute_versions.iter().map(|(a, v)| json!([a.as_str(), v])).collect::<Vec<_>>(),
    })
}

/// Who opens `stream`: per key, the error code and the payload (text) if it opened.
fn opens<'a>(
    pk: &PublicKey,
    keys: impl Iterator<Item = (&'a str, &'a UserKey)>,
    stream: &[u8],
) -> Vec<Value> {
    keys.map(|(name, key)| {
        let mut out = Vec::new();
        let r = key.open_stream(pk, stream, &mut out);
        let payload = r.as_ref().ok().map(|_| String::from_utf8(out).unwrap());
        json!({"key": name, "error": code(&r), "payload": payload})
    })
    .collect()
}

/// The two groups: (`streams`, `stream_decode_errors`).
pub(super) fn generate(
    pk: &PublicKey,
    keys: &[(&str, UserKey)],
    n1v: &VerifiedNotice,
    n2v: &VerifiedNotice,
) -> (Value, Value) {
    let mut rng = seeded("streams");
    let policy = cipherchart::Policy::parse(POLICY).unwrap();
    let mut streams = Vec::new();
    let mut first_v3 = None;
    for (name, notice) in [
        ("stream under n1", Some(n1v)),
        ("stream under n2", Some(n2v)),
        ("v2 stream", None),
    ] {
        let mut bytes = Vec::new();
        match notice {
            Some(n) => seal_stream_with_notice(
                pk, n, &policy, b"ecg-7", b"lead II", CHUNK, PAYLOAD, &mut bytes, &mut rng,
            ),
            None => seal_stream_with_chunk_size(
                pk, &policy, b"ecg-7", b"lead II", CHUNK, PAYLOAD, &mut bytes, &mut rng,
            ),
        }
        .unwrap();
        if first_v3.is_none() && notice.is_some() {
            first_v3 = Some(bytes.clone());
        }
        let info = read_stream_info(&bytes[..]).unwrap();
        streams.push(json!({
            "name": name,
            "bytes": hx(&bytes),
            "info": info_json(&info),
            "opens": opens(pk, keys.iter().map(|(n, k)| (*n, k)), &bytes),
        }));
    }
    // v3 stream header refusals, by editing the first v3 stream.
    let sb = first_v3.unwrap();
    // Object header, body length, chunk size, "ecg-7", "lead II", then the metadata hash.
    let chunk_at = 8;
    let hash_at = chunk_at + 4 + 4 + 5 + 4 + 7;
    let mut errors = Vec::new();
    let mut refuse = |name: &str, bytes: Vec<u8>| {
        let r = read_stream_info(&bytes[..]);
        assert!(r.is_err(), "{name}");
        errors.push(
            json!({"name": name, "bytes": hx(&bytes), "error": code(&r), "detail": kind(&r)}),
        );
    };
    let mut b = sb.clone();
    b[hash_at] ^= 1;
    refuse("metadata hash", b);
    let mut b = sb.clone();
    b[hash_at + 32] = 1;
    refuse("a trailer (not built)", b);
    let mut b = sb.clone();
    b[chunk_at..chunk_at + 4].copy_from_slice(&0u32.to_be_bytes());
    refuse("chunk size 0", b);
    let header_len = 8 + u32::from_be_bytes(sb[4..8].try_into().unwrap()) as usize;
    refuse("truncated header", sb[..header_len - 1].to_vec());
    (json!(streams), json!(errors))
}

/// Checks both groups from the committed file with the public API.
pub(super) fn check(doc: &Value, pk: &PublicKey, keys: &[(String, UserKey)]) {
    for v in doc["streams"].as_array().unwrap() {
        let bytes = unhex(v, "bytes");
        let info = read_stream_info(&bytes[..]).unwrap();
        assert_eq!(info_json(&info), v["info"], "{}", v["name"]);
        let got = opens(pk, keys.iter().map(|(n, k)| (n.as_str(), k)), &bytes);
        for e in v["opens"].as_array().unwrap() {
            let row = got.iter().find(|g| g["key"] == e["key"]).unwrap();
            assert_eq!(row, e, "{}", v["name"]);
        }
    }
    for v in doc["stream_decode_errors"].as_array().unwrap() {
        let r = read_stream_info(&unhex(v, "bytes")[..]);
        assert_eq!(
            (code(&r), kind(&r)),
            (v["error"].clone(), v["detail"].clone()),
            "{}",
            v["name"]
        );
    }
}
