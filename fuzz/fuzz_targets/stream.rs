//! Streams: `read_stream_info` on the header, then `UserKey::open_stream` over the
//! whole input with the fixture's key (header, KEM, chunk frames, STREAM AEAD, and for a
//! re-wrapped v3 header its carried trailer and the frames' root), and `stream_trailer`.
//! No panic; the opened output is never longer than the input; a v3 stream that opens has
//! a trailer (its carried one, if re-wrapped), counting at least one frame.
//!
//! The seed corpus holds multi-chunk streams of the fixture that really open (v2, v3, and
//! a v3 stream re-wrapped with its trailer), so mutations exercise the frame parser, the
//! chunk checks and the trailer, not only the header.
#![no_main]

use cipherchart::{read_stream_info, stream_trailer};
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
    let trailer = stream_trailer(data);
    if first.is_ok() && info.notice_serial.is_some() {
        let trailer = trailer.expect("a v3 stream that opens has a trailer");
        assert!(trailer.count() >= 1);
        if let Some(carried) = &info.trailer {
            assert_eq!(
                &trailer, carried,
                "a re-wrapped stream's trailer is its own"
            );
        }
    }
});
