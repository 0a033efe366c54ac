//! The DST table: well formed, distinct, prefix-free.

use crate::hash::{dst, DST_FAME_G1};

#[test]
fn tags_are_versioned_short_and_distinct() {
    for (i, a) in dst::ALL.iter().enumerate() {
        assert!(
            a.starts_with(b"CIPHERCHART-V01-"),
            "{}",
            String::from_utf8_lossy(a)
        );
        assert!(
            a.len() <= 255,
            "RFC 9380 DSTs longer than 255 bytes get hashed"
        );
        for b in &dst::ALL[i + 1..] {
            assert_ne!(a, b);
            // Prefix-free, so that a tag used as a raw prefix cannot extend into another.
            assert!(!a.starts_with(b) && !b.starts_with(a));
        }
    }
    assert_eq!(dst::ALL.len(), 41);
}

#[test]
fn suite_names_are_where_a_suite_is_used() {
    assert_eq!(DST_FAME_G1, dst::FAME_G1);
    assert!(DST_FAME_G1.ends_with(b"-with-BLS12381G1_XMD:SHA-256_SSWU_RO_"));
    for xmd in [
        dst::FO_COINS,
        dst::FO_MASK,
        dst::FO_CHECK_WEIGHTS,
        dst::REKEY_BLIND,
        dst::FO_COINS_V3,
        dst::REKEY_BLIND_V3,
    ] {
        assert!(xmd.ends_with(b"-with-expander-SHA256-128"));
    }
    for hkdf in [dst::KDF, dst::SESSION_SUBKEY, dst::KEY_WRAP, dst::BODY_KEY] {
        assert!(hkdf.ends_with(b"-with-HKDF-SHA256"));
    }
}
