//! `SessionHeader::from_bytes`: no panic, every accepted encoding is canonical, and a
//! carried trailer (a header re-wrapped after close) is a session trailer naming the
//! header's session id.
#![no_main]

use cipherchart::{SessionHeader, TrailerKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(header) = SessionHeader::from_bytes(data) else {
        return;
    };
    assert_eq!(header.to_bytes(), data, "decode → encode is the identity");
    let again = SessionHeader::from_bytes(&header.to_bytes()).expect("the encoding decodes");
    assert_eq!(again, header);
    assert_eq!(again.digest(), header.digest());
    if let Some(trailer) = header.trailer() {
        assert_eq!(trailer.kind(), TrailerKind::Session);
        assert_eq!(trailer.id(), header.session_id());
        assert!(
            header.notice_serial().is_some(),
            "only a v3 header carries a trailer"
        );
    }
});
