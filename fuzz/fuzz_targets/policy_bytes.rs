//! `Policy::from_bytes` (⟨P⟩, as carried in every header) on arbitrary bytes: no panic,
//! and whatever decodes is byte-for-byte canonical: `to_bytes` gives the input back and
//! parsing the canonical text gives the same policy.
#![no_main]

use cipherchart::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(policy) = Policy::from_bytes(data) else {
        return;
    };
    assert_eq!(
        policy.to_bytes(),
        data,
        "from_bytes accepts only the canonical bytes"
    );
    let again = Policy::parse(policy.as_str()).expect("the canonical text parses");
    assert_eq!(again, policy);
    assert_eq!(policy.lsss().rows(), policy.attributes().len());
});
