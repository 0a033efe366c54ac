//! `SessionHeader::from_bytes`: no panic, every accepted encoding is canonical.
#![no_main]

use cipherchart::SessionHeader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(header) = SessionHeader::from_bytes(data) else {
        return;
    };
    assert_eq!(header.to_bytes(), data, "decode → encode is the identity");
    let again = SessionHeader::from_bytes(&header.to_bytes()).expect("the encoding decodes");
    assert_eq!(again, header);
    assert_eq!(again.digest(), header.digest());
});
