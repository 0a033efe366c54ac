//! The `serde` feature: public wire types round-trip through serde_json (base64 strings)
//! and postcard (bytes) as their canonical encodings, and a tampered value is refused by
//! the same checks as `from_bytes`.
#![cfg(feature = "serde")]
#![allow(clippy::expect_used)]

use cipherchart::rand_core::OsRng;
use cipherchart::{
    seal, Authority, BlsPublicKey, BlsSignature, BlsSigningKey, Policy, SealedRecord,
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

fn round_trip<T>(value: &T, bytes: &[u8])
where
    T: Serialize + DeserializeOwned,
{
    // JSON: a base64 string of the canonical encoding.
    let json = serde_json::to_string(value).expect("json");
    let text: String = serde_json::from_str(&json).expect("a string");
    let back: T = serde_json::from_str(&json).expect("json back");
    assert_eq!(serde_json::to_string(&back).expect("json"), json);
    assert_eq!(text, base64(bytes));
    // postcard: the bytes themselves (length-prefixed).
    let bin = postcard::to_allocvec(value).expect("postcard");
    assert!(bin.ends_with(bytes));
    let back: T = postcard::from_bytes(&bin).expect("postcard back");
    assert_eq!(postcard::to_allocvec(&back).expect("postcard"), bin);
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    policy: Policy,
    record: SealedRecord,
    signer: BlsPublicKey,
    signature: BlsSignature,
}

#[test]
fn wire_types_round_trip_as_their_encodings() {
    let mut rng = OsRng;
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let policy = Policy::parse("role:physician and dept:cardiology").expect("policy");
    let record = seal(pk, &policy, b"r1", b"meta", b"payload", &mut rng).expect("seal");
    let signer = BlsSigningKey::generate(&mut rng);
    let signature = signer.sign(b"m");

    round_trip(pk, &pk.to_bytes());
    // A policy is its canonical text in JSON.
    assert_eq!(
        serde_json::to_string(&policy).expect("json"),
        "\"role:physician and dept:cardiology\""
    );
    let back: Policy =
        serde_json::from_str("\"role:physician and dept:cardiology\"").expect("policy");
    assert_eq!(back, policy);
    let bin = postcard::to_allocvec(&policy).expect("postcard");
    assert_eq!(
        postcard::from_bytes::<Policy>(&bin).expect("policy"),
        policy
    );
    round_trip(&record, &record.to_bytes());
    round_trip(&signer.public_key(), &signer.public_key().to_bytes());
    round_trip(&signature, &signature.to_bytes());

    // Inside a derived struct, and the record still opens after the trip.
    let env = Envelope {
        policy,
        record,
        signer: signer.public_key(),
        signature,
    };
    let json = serde_json::to_string(&env).expect("json");
    let back: Envelope = serde_json::from_str(&json).expect("back");
    let key = authority
        .issue_key(&["role:physician", "dept:cardiology"], &mut rng)
        .expect("key");
    assert_eq!(key.open(pk, &back.record).expect("open"), b"payload");
    assert!(back.signer.verify(b"m", &back.signature).is_ok());
}

#[test]
fn tampered_values_fail_to_deserialize() {
    let mut rng = OsRng;
    let signer = BlsSigningKey::generate(&mut rng);
    let mut bytes = signer.public_key().to_bytes();
    bytes[5] ^= 1; // no longer a point on the curve (or not in the subgroup)
    let bin = serde_bytes_like(&bytes);
    let err = postcard::from_bytes::<BlsPublicKey>(&bin).map(|_| ());
    assert!(err.is_err());

    let policy = Policy::parse("a:b or c:d").expect("policy");
    let mut enc = policy.to_bytes();
    enc.push(b' '); // parses, but is not the canonical text
    let bin = serde_bytes_like(&enc);
    assert!(postcard::from_bytes::<Policy>(&bin).is_err());
    assert!(serde_json::from_str::<Policy>("\"a:b  or c:d\"").is_err());
    assert!(serde_json::from_str::<Policy>("\"(a:b or c:d)\"").is_err());

    // JSON: the error names the type and the decoder's reason.
    let err = serde_json::from_str::<BlsPublicKey>("\"not base64!\"")
        .map(|_| ())
        .expect_err("refused");
    assert!(err.to_string().contains("base64"), "{err}");
    let short = serde_json::to_string(&"AAAA").expect("json");
    let err = serde_json::from_str::<BlsPublicKey>(&short)
        .map(|_| ())
        .expect_err("refused");
    assert!(
        err.to_string()
            .contains("invalid cipherchart BLS public key"),
        "{err}"
    );
    assert!(err.to_string().contains("truncated"), "{err}");
    // Neither a number nor non-canonical base64 (whitespace) is a key.
    assert!(serde_json::from_str::<Policy>("42").is_err());
    let mut spaced = serde_json::to_string(&signer.public_key()).expect("json");
    spaced.insert(2, ' ');
    assert!(serde_json::from_str::<BlsPublicKey>(&spaced).is_err());
    // A tampered record (a flipped ciphertext byte) decodes, then fails to open: the AEAD
    // is the check there, as for from_bytes. A flipped header point is refused here.
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let record = seal(pk, &policy, b"r", b"", b"x", &mut rng).expect("seal");
    let mut enc = record.to_bytes();
    let mid = enc.len() / 2;
    enc[mid] ^= 0xff;
    let json = serde_json::to_string(&base64(&enc)).expect("json");
    assert_eq!(
        serde_json::from_str::<SealedRecord>(&json).is_ok(),
        SealedRecord::from_bytes(&enc).is_ok()
    );
}

/// The bytes as postcard writes a `&[u8]` field (length then bytes), not a sequence.
fn serde_bytes_like(b: &[u8]) -> Vec<u8> {
    struct B<'a>(&'a [u8]);
    impl Serialize for B<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }
    postcard::to_allocvec(&B(b)).expect("postcard")
}

/// Standard padded base64 (RFC 4648 §4), as the serializer writes it.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(c.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(c.get(2).copied().unwrap_or(0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
