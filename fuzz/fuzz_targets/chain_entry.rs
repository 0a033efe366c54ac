//! `Entry::from_bytes` (a proof-chain entry): no panic, canonical decoding, stable
//! hashes, and signature verification returns (never panics).
#![no_main]

use cipherchart::Entry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(entry) = Entry::from_bytes(data) else {
        return;
    };
    assert_eq!(entry.to_bytes(), data, "decode → encode is the identity");
    let again = Entry::from_bytes(&entry.to_bytes()).expect("the encoding decodes");
    assert_eq!(again.hash(), entry.hash());
    assert_eq!(again.leaf_hash(), entry.leaf_hash());
    let _ = entry.verify_signature();
});
