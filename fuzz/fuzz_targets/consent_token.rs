//! `ConsentToken::from_bytes` (the binary form): no panic, canonical decoding, the text
//! form round-trips, and verifying the token (against its own issuer and the fixture's
//! patient key) returns an error or a verified consent, never a panic.
#![no_main]

use cipherchart::{ConsentToken, RevocationSet};
use cipherchart_fuzz::fixture;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(token) = ConsentToken::from_bytes(data) else {
        return;
    };
    assert_eq!(token.to_bytes(), data, "decode → encode is the identity");
    let text = token.to_text();
    let again = ConsentToken::from_text(&text).expect("the text form decodes");
    assert_eq!(again.to_bytes(), data, "text → bytes is the identity");
    let _ = token.revocation_ids();
    let now = 1_500;
    let revoked = RevocationSet::new();
    if let Some(issuer) = token.issuer() {
        let _ = token.verify(&issuer, now, &revoked);
    }
    let _ = token.verify(&fixture().patient.public_key(), now, &revoked);
});
