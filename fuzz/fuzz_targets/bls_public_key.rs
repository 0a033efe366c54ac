//! BLS public keys, raw (48 bytes) and as a cipherchart object: no panic, canonical
//! decoding in both forms, and verifying a fixed signature under any decoded key
//! returns (never panics).
#![no_main]

use cipherchart::BlsPublicKey;
use cipherchart_fuzz::fixture;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(pk) = BlsPublicKey::from_bytes(data) {
        assert_eq!(
            &pk.to_bytes()[..],
            data,
            "raw: decode → encode is the identity"
        );
        let obj = BlsPublicKey::from_object_bytes(&pk.to_object_bytes()).expect("object form");
        assert_eq!(obj.to_bytes(), pk.to_bytes());
        let sig = fixture().patient.sign(b"fuzz");
        let valid = pk.verify(b"fuzz", &sig).is_ok();
        assert_eq!(
            valid,
            pk.to_bytes() == fixture().patient.public_key().to_bytes()
        );
    }
    if let Ok(pk) = BlsPublicKey::from_object_bytes(data) {
        assert_eq!(
            pk.to_object_bytes(),
            data,
            "object: decode → encode is the identity"
        );
    }
});
