//! The `streams`, `stream_decode_errors`, `stream_catch_ups` and `trailer_decode_errors`
//! groups of `tests/vectors/cipherchart-v3.json` (`docs/formats.md`, "Stream v3",
//! "Trailer"): streams sealed under n1 and n2 (format v3) and a v2 stream, in chunks of 8
//! bytes, with their public info and who opens each; the v3 stream header decoder's
//! refusals; the stream under n1 re-wrapped under n2 with its trailer and the v2 stream
//! re-encrypted under n2; the trailer decoder's refusals.

use cipherchart::{
    read_stream_info, seal_stream_with_chunk_size, seal_stream_with_notice, stream_trailer,
    Authority, PublicKey, StreamInfo, Trailer, UserKey, VerifiedNotice,
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
        "header_digest": hx(&info.header_digest),
        "trailer_digest": info.trailer.as_ref().map(|t| hx(&t.digest())),
    })
}

fn trailer_json(t: &Trailer) -> Value {
    json!({
        "bytes": hx(&t.to_bytes()),
        "digest": hx(&t.digest()),
        "id": hx(t.id()),
        "header_digest": hx(&t.header_digest()),
        "key_commitment": hx(&t.key_commitment()),
        "count": t.count(),
        "root": hx(&t.root()),
    })
}

/// The header length of a stream.
fn header_end(stream: &[u8]) -> usize {
    8 + u32::from_be_bytes(stream[4..8].try_into().unwrap()) as usize
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

/// The four groups, by name.
pub(super) fn generate(
    authority: &Authority,
    keys: &[(&str, UserKey)],
    n1v: &VerifiedNotice,
    n2v: &VerifiedNotice,
) -> Vec<(&'static str, Value)> {
    let pk = authority.public_key();
    let mut rng = seeded("streams");
    let policy = cipherchart::Policy::parse(POLICY).unwrap();
    let mut streams = Vec::new();
    let mut first_v3 = None;
    let mut v2 = None;
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
        if notice.is_none() {
            v2 = Some(bytes.clone());
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
    b[hash_at + 32] = 2;
    refuse("trailer flag 2", b);
    let mut b = sb.clone();
    b[chunk_at..chunk_at + 4].copy_from_slice(&0u32.to_be_bytes());
    refuse("chunk size 0", b);
    let header_len = 8 + u32::from_be_bytes(sb[4..8].try_into().unwrap()) as usize;
    refuse("truncated header", sb[..header_len - 1].to_vec());

    // The catch-ups under n2: the stream under n1 re-wrapped with its trailer, the v2
    // stream re-encrypted.
    let keys_by_name = || keys.iter().map(|(n, k)| (*n, k));
    let mut rng = seeded("stream_catch_ups");
    let trailer = stream_trailer(&sb[..]).unwrap();
    let mut rewrapped = Vec::new();
    authority
        .rewrap_stream(&sb[..], &trailer, n2v, &mut rewrapped, &mut rng)
        .unwrap();
    let v2 = v2.unwrap();
    let mut reencrypted = Vec::new();
    authority
        .reencrypt_stream(&v2[..], None, n2v, &mut reencrypted, &mut rng)
        .unwrap();
    let catch_ups: Vec<Value> = [
        (
            "stream under n1, re-wrapped under n2",
            "stream under n1",
            "rewrap",
            &trailer,
            &rewrapped,
        ),
        (
            "v2 stream, re-encrypted under n2",
            "v2 stream",
            "reencrypt",
            &stream_trailer(&reencrypted[..]).unwrap(),
            &reencrypted,
        ),
    ]
    .into_iter()
    .map(|(name, from, how, trailer, bytes)| {
        json!({
            "name": name, "stream": from, "notice": "n2", "how": how,
            "trailer": trailer_json(trailer),
            "bytes": hx(bytes),
            "info": info_json(&read_stream_info(&bytes[..]).unwrap()),
            "opens": opens(pk, keys_by_name(), bytes),
        })
    })
    .collect();

    // A re-wrapped header's carried trailer: another kind or key commitment.
    let at = rewrapped
        .windows(trailer.to_bytes().len())
        .position(|w| w == trailer.to_bytes())
        .unwrap();
    let mut b = rewrapped[..header_end(&rewrapped)].to_vec();
    b[at + 4] = 1;
    refuse("a carried trailer of a session", b);
    let mut b = rewrapped[..header_end(&rewrapped)].to_vec();
    b[at + 4 + 1 + 4 + 5 + 32] ^= 1;
    refuse("a carried trailer with another key commitment", b);

    // The trailer decoder's refusals, by editing the trailer.
    let tb = trailer.to_bytes();
    let mut trailer_errors = Vec::new();
    let mut refuse_trailer = |name: &str, bytes: Vec<u8>| {
        let r = Trailer::from_bytes(&bytes);
        assert!(r.is_err(), "{name}");
        trailer_errors.push(
            json!({"name": name, "bytes": hx(&bytes), "error": code(&r), "detail": kind(&r)}),
        );
    };
    let count_at = 4 + 1 + 4 + 5 + 32 + 32;
    let mut b = tb.clone();
    b[4] = 3;
    refuse_trailer("kind 3", b);
    let mut b = tb.clone();
    b[count_at..count_at + 8].copy_from_slice(&0u64.to_be_bytes());
    refuse_trailer("a stream trailer with no frame", b);
    let mut b = tb.clone();
    b[3] = 2;
    refuse_trailer("format version 2", b);
    refuse_trailer("truncated", tb[..tb.len() - 1].to_vec());
    let mut b = tb.clone();
    b.push(0);
    refuse_trailer("trailing byte", b);
    vec![
        ("streams", json!(streams)),
        ("stream_decode_errors", json!(errors)),
        ("stream_catch_ups", json!(catch_ups)),
        ("trailer_decode_errors", json!(trailer_errors)),
    ]
}

/// Checks the four groups from the committed file with the public API.
pub(super) fn check(doc: &Value, pk: &PublicKey, keys: &[(String, UserKey)]) {
    let stream_named = |name: &Value| {
        let v = doc["streams"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| &s["name"] == name)
            .unwrap();
        unhex(v, "bytes")
    };
    for v in doc["stream_catch_ups"].as_array().unwrap() {
        let bytes = unhex(v, "bytes");
        let old = stream_named(&v["stream"]);
        let t = &v["trailer"];
        let trailer = Trailer::from_bytes(&unhex(t, "bytes")).unwrap();
        assert_eq!(trailer_json(&trailer), *t, "{}", v["name"]);
        assert_eq!(
            stream_trailer(&bytes[..]).unwrap(),
            trailer,
            "{}",
            v["name"]
        );
        let info = read_stream_info(&bytes[..]).unwrap();
        assert_eq!(info_json(&info), v["info"], "{}", v["name"]);
        if v["how"] == "rewrap" {
            // The frames are the old stream's, byte for byte; the trailer is its own.
            assert_eq!(bytes[header_end(&bytes)..], old[header_end(&old)..]);
            assert_eq!(stream_trailer(&old[..]).unwrap(), trailer);
            assert_eq!(info.trailer.as_ref(), Some(&trailer));
        }
        let got = opens(pk, keys.iter().map(|(n, k)| (n.as_str(), k)), &bytes);
        for e in v["opens"].as_array().unwrap() {
            let row = got.iter().find(|g| g["key"] == e["key"]).unwrap();
            assert_eq!(row, e, "{}", v["name"]);
        }
    }
    for v in doc["trailer_decode_errors"].as_array().unwrap() {
        let r = Trailer::from_bytes(&unhex(v, "bytes"));
        assert_eq!(
            (code(&r), kind(&r)),
            (v["error"].clone(), v["detail"].clone()),
            "{}",
            v["name"]
        );
    }
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
