//! BLS signatures, raw (96 bytes) and as a cipherchart object: no panic, canonical
//! decoding in both forms, and both forms hold the same point.
#![no_main]

use cipherchart::BlsSignature;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sig) = BlsSignature::from_bytes(data) {
        assert_eq!(
            &sig.to_bytes()[..],
            data,
            "raw: decode → encode is the identity"
        );
        let obj = BlsSignature::from_object_bytes(&sig.to_object_bytes()).expect("object form");
        assert_eq!(obj.to_bytes(), sig.to_bytes());
    }
    if let Ok(sig) = BlsSignature::from_object_bytes(data) {
        assert_eq!(
            sig.to_object_bytes(),
            data,
            "object: decode → encode is the identity"
        );
    }
});
