//! Misuse resistance of policies (issue 10, `docs/security.md` §11 "Misuse resistance
//! review"): each test takes one way a hurried user or an attacker might skip a check
//! through the public API, and shows that the library refuses it with a typed error (or
//! that the unsafe thing cannot be written at all). The shared world (an authority, a
//! stranger authority, a patient's and a doctor's key, one record) is `common::misuse`.

#![allow(clippy::unwrap_used)]

use cipherchart::Policy;

#[test]
fn there_is_no_empty_or_always_true_policy() {
    for text in ["", " ", "()", "true", "0 of (a:1, b:2)", "a:1 or", "*"] {
        assert!(Policy::parse(text).is_err(), "{text:?} parsed");
    }
    // A repeated attribute is refused rather than silently merged.
    assert_eq!(
        Policy::parse("a:1 or a:1").err().map(|e| e.code()),
        Some("policy_invalid")
    );
}
