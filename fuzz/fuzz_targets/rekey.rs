//! `ReKey::from_bytes`: no panic, canonical decoding (`to_bytes` gives the input back),
//! and the decoded re-key's own checks (`can_reencrypt`) do not panic on the fixture's
//! records.
#![no_main]

use cipherchart::ReKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(rk) = ReKey::from_bytes(data) else {
        return;
    };
    assert_eq!(&rk.to_bytes()[..], data, "decode → encode is the identity");
    let attrs = rk.attributes();
    assert!(!attrs.is_empty());
    assert!(
        attrs.windows(2).all(|w| w[0] < w[1]),
        "attributes sorted and distinct"
    );
    let again = ReKey::from_bytes(&rk.to_bytes()).expect("the encoding decodes");
    assert_eq!(again.grant_id(), rk.grant_id());
    assert_eq!(again.target_policy(), rk.target_policy());
});
