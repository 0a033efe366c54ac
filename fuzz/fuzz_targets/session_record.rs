//! `SessionRecord::from_bytes`, then opening with the fixture's session opener: no
//! panic, canonical decoding, and opening is deterministic. The seed corpus holds
//! records of the fixture's session, which open.
#![no_main]

use cipherchart::SessionRecord;
use cipherchart_fuzz::fixture;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(record) = SessionRecord::from_bytes(data) else {
        return;
    };
    assert_eq!(record.to_bytes(), data, "decode → encode is the identity");
    let opener = &fixture().session_opener;
    let first = opener.open(&record).ok();
    let second = opener.open(&record).ok();
    assert_eq!(first, second, "opening is deterministic");
});
