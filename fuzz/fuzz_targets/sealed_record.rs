//! `SealedRecord::from_bytes` (records as sealed and re-encrypted records with hops):
//! no panic, and every accepted encoding is canonical (`to_bytes` gives the input
//! back), with at most `MAX_HOPS` hops and a consistent current policy.
#![no_main]

use cipherchart::limits::MAX_HOPS;
use cipherchart::SealedRecord;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(record) = SealedRecord::from_bytes(data) else {
        return;
    };
    assert_eq!(record.to_bytes(), data, "decode → encode is the identity");
    assert!(record.hop_count() <= MAX_HOPS);
    if record.hop_count() == 0 {
        assert_eq!(record.current_policy(), record.policy());
    }
    let again = SealedRecord::from_bytes(&record.to_bytes()).expect("the encoding decodes");
    assert_eq!(again, record);
});
