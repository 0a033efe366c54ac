//! `PublicKey::from_bytes` (the authority's FAME public key): no panic, and every
//! accepted encoding is the canonical one (`to_bytes` gives the input back).
#![no_main]

use cipherchart::PublicKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(pk) = PublicKey::from_bytes(data) else {
        return;
    };
    assert_eq!(pk.to_bytes(), data, "decode → encode is the identity");
    let again = PublicKey::from_bytes(&pk.to_bytes()).expect("the encoding decodes");
    assert!(again == pk && again.id() == pk.id());
});
