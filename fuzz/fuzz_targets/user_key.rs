//! `UserKey::from_bytes`: no panic, and every accepted encoding is canonical (sorted,
//! distinct, canonical attributes; valid points), so `to_bytes` gives the input back.
#![no_main]

use cipherchart::UserKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(key) = UserKey::from_bytes(data) else {
        return;
    };
    assert_eq!(&key.to_bytes()[..], data, "decode → encode is the identity");
    let attrs = key.attributes();
    assert!(
        attrs.windows(2).all(|w| w[0] < w[1]),
        "attributes sorted and distinct"
    );
    assert!(attrs.iter().all(|a| key.has_attribute(a.as_str())));
});
