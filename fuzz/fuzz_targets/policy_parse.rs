//! `Policy::parse` on arbitrary UTF-8 never panics, and whatever parses is canonical:
//! parsing the canonical text gives the same policy, and the canonical bytes decode back to it.
#![no_main]

use cipherchart::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(policy) = Policy::parse(text) else {
        return;
    };
    let canonical = policy.to_string();
    let again = Policy::parse(&canonical).expect("the canonical text parses");
    assert_eq!(again, policy, "parse(display(p)) == p");
    assert_eq!(
        again.to_string(),
        canonical,
        "the canonical text is a fixed point"
    );
    let decoded = Policy::from_bytes(&policy.to_bytes()).expect("the canonical bytes decode");
    assert_eq!(decoded, policy, "from_bytes(to_bytes(p)) == p");
    // The compiled LSSS is consistent with the tree: one row per leaf, in leaf order.
    assert_eq!(policy.lsss().rows(), policy.attributes().len());
    let all: Vec<&str> = policy.attributes().iter().map(|a| a.as_str()).collect();
    assert!(
        policy.is_satisfied_by(&all),
        "all leaves satisfy any policy"
    );
    assert!(policy.lsss().reconstruct(&all).is_some(), "and reconstruct");
});
