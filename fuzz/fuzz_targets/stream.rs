//! Streams: `read_stream_info` on the header, then `UserKey::open_stream` over the
//! whole input with the fixture's key (header, KEM, chunk frames, STREAM AEAD). No
//! panic; the opened output is never longer than the input; opening twice gives the
//! same outcome (no hidden state).
//!
//! The seed corpus holds multi-chunk streams of the fixture that really open, so
//! mutations exercise the frame parser and the chunk checks, not only the header.
#![no_main]

use cipherchart::read_stream_info;
use cipherchart_fuzz::fixture;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(info) = read_stream_info(data) else {
        return;
    };
    assert!(info.chunk_size > 0);
    let f = fixture();
    let mut out = Vec::new();
    let first = f.alice.open_stream(f.pk(), data, &mut out);
    if let Ok(opened) = &first {
        assert_eq!(opened, &info, "open_stream reports the header it read");
        assert!(
            out.len() <= data.len(),
            "a stream never opens to more than its size"
        );
    }
});
