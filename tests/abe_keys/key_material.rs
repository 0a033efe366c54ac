//! Review tests for the shared key body of `UserKey` and `ReKey` (3d9bb2c, 913ec02):
//! the committed conformance vectors (written before the refactor) decode and re-encode
//! byte for byte, every truncation and extension is refused, identity and non-canonical
//! points in each key slot are refused, and fresh keys round-trip and still open.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cipherchart::{seal, Authority, DelegationKey, Error, Policy, ReKey, UserKey};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;

fn doc() -> Value {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/cipherchart-v2.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn hexs(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

fn invalid_encoding(r: Result<impl Sized, Error>) -> bool {
    matches!(r.map(|_| ()), Err(Error::InvalidEncoding(_)))
}

/// Every proper prefix and a one-byte extension of `bytes` is refused with an encoding
/// error.
fn refuses_truncations_and_extensions<T>(bytes: &[u8], decode: impl Fn(&[u8]) -> Result<T, Error>) {
    for len in 0..bytes.len() {
        assert!(
            invalid_encoding(decode(&bytes[..len])),
            "prefix of {len} bytes"
        );
    }
    for extra in [0u8, 1, 0xff] {
        let mut b = bytes.to_vec();
        b.push(extra);
        assert!(invalid_encoding(decode(&b)), "extended by {extra:#x}");
    }
}

#[test]
fn user_key_vectors_round_trip_byte_for_byte() {
    let d = doc();
    let keys = d["authority"]["user_keys"].as_array().unwrap();
    assert!(!keys.is_empty());
    for v in keys {
        let bytes = hexs(&v["bytes"]);
        let k = UserKey::from_bytes(&bytes).unwrap();
        assert_eq!(&k.to_bytes()[..], &bytes[..], "{}", v["name"]);
        let attrs: Vec<String> = v["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_owned())
            .collect();
        let mine: Vec<String> = k
            .attributes()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect();
        assert_eq!(mine, attrs);
    }
}

#[test]
fn rekey_vectors_round_trip_byte_for_byte() {
    let d = doc();
    let mut n = 0;
    for v in d["rekeys"].as_array().unwrap() {
        if v["bytes"].is_null() {
            continue; // a refused re-key request: no bytes
        }
        if !v["error"].is_null() {
            assert!(
                ReKey::from_bytes(&hexs(&v["bytes"])).is_err(),
                "{}",
                v["name"]
            );
            continue;
        }
        let bytes = hexs(&v["bytes"]);
        let k = ReKey::from_bytes(&bytes).unwrap();
        assert_eq!(&k.to_bytes()[..], &bytes[..], "{}", v["name"]);
        n += 1;
    }
    assert!(n >= 2);
}

#[test]
fn truncated_and_extended_keys_are_refused() {
    let d = doc();
    let v = &d["authority"]["user_keys"][0];
    refuses_truncations_and_extensions(&hexs(&v["bytes"]), UserKey::from_bytes);
    let r = d["rekeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["error"].is_null() && !r["bytes"].is_null())
        .unwrap();
    refuses_truncations_and_extensions(&hexs(&r["bytes"]), ReKey::from_bytes);
}

/// The user-key layout (format v2): header (4) ‖ authority id (32) ‖ count32 ‖
/// (len32 ‖ attribute)* ‖ guard flag (1) ‖ K0 (3 × 96) ‖ K' (3 × 48) ‖ K_y (3 × 48 per
/// attribute) ‖ the holder guard's K_y (3 × 48). Each point slot gets the identity, a
/// point with its sign flipped (still valid: must decode, to a different key) and an
/// x ≥ q; the identity and x ≥ q must be refused.
#[test]
fn bad_points_in_every_key_slot_are_refused() {
    let d = doc();
    let v = &d["authority"]["user_keys"][0];
    let bytes = hexs(&v["bytes"]);
    let k = UserKey::from_bytes(&bytes).unwrap();
    let mut at = 4 + 32 + 4;
    for a in k.attributes() {
        at += 4 + a.as_str().len();
    }
    assert_eq!(bytes[at], 1, "a user key carries the guard");
    at += 1;
    let mut slots: Vec<(usize, usize)> = (0..3).map(|i| (at + 96 * i, 96)).collect();
    let g1_start = at + 3 * 96;
    let g1_count = 3 * (1 + k.attributes().len() + 1);
    slots.extend((0..g1_count).map(|i| (g1_start + 48 * i, 48)));
    assert_eq!(g1_start + 48 * g1_count, bytes.len(), "layout");
    for (start, len) in slots {
        let mut b = bytes.clone();
        b[start..start + len].fill(0);
        b[start] = 0xc0;
        assert!(
            invalid_encoding(UserKey::from_bytes(&b)),
            "identity at {start}"
        );
        let mut b = bytes.clone();
        b[start..start + len].fill(0xff);
        b[start] = 0x9f;
        assert!(
            invalid_encoding(UserKey::from_bytes(&b)),
            "x >= q at {start}"
        );
        let mut b = bytes.clone();
        b[start] &= 0x7f; // uncompressed flag
        assert!(invalid_encoding(UserKey::from_bytes(&b)), "flag at {start}");
        let mut b = bytes.clone();
        b[start] ^= 0x20; // the other y: a valid point, a different key
        let other = UserKey::from_bytes(&b).unwrap();
        assert_eq!(&other.to_bytes()[..], &b[..]);
    }
}

#[test]
fn fresh_keys_and_rekeys_round_trip_and_still_work() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let policy = Policy::parse("patient:7 or (hospital:h1 and role:physician)").unwrap();
    let sealed = seal(pk, &policy, b"r", b"m", b"secret", &mut rng).unwrap();
    let key = authority
        .issue_key(&["patient:7", "hospital:h1", "zz:extra"], &mut rng)
        .unwrap();
    let back = UserKey::from_bytes(&key.to_bytes()).unwrap();
    assert_eq!(&back.to_bytes()[..], &key.to_bytes()[..]);
    assert_eq!(back.open(pk, &sealed).unwrap(), b"secret");
    let target = Policy::parse("hospital:h2 and role:physician").unwrap();
    // v2: the re-key comes from a one-grant delegation key for S' = {patient:7}.
    let consent_key = cipherchart::BlsSigningKey::generate(&mut rng).public_key();
    let delegation = authority
        .issue_delegation_key(&["patient:7"], &consent_key, &mut rng)
        .unwrap();
    let d2 = DelegationKey::from_bytes(&delegation.to_bytes()).unwrap();
    assert_eq!(&d2.to_bytes()[..], &delegation.to_bytes()[..]);
    let rk = d2.rekey(pk, &target, &mut rng).unwrap();
    let rk2 = ReKey::from_bytes(&rk.to_bytes()).unwrap();
    assert_eq!(&rk2.to_bytes()[..], &rk.to_bytes()[..]);
    let once = rk2.reencrypt(&sealed).unwrap();
    let h2 = authority
        .issue_key(&["hospital:h2", "role:physician"], &mut rng)
        .unwrap();
    assert_eq!(h2.open(pk, &once).unwrap(), b"secret");
}
