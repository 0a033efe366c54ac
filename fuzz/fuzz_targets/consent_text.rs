//! `ConsentToken::from_text` (the compact base64url form for QR codes): no panic, and
//! every accepted text is canonical (`to_text` gives the input back).
#![no_main]

use cipherchart::ConsentToken;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(token) = ConsentToken::from_text(text) else {
        return;
    };
    assert_eq!(token.to_text(), text, "decode → encode is the identity");
    let again = ConsentToken::from_bytes(&token.to_bytes()).expect("the binary form decodes");
    assert_eq!(again.to_text(), text);
});
