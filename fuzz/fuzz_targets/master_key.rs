//! `Authority::from_secret_bytes` (the master key export, `hazmat::SecretKeyBytes`): no panic, and
//! every accepted export is canonical (exporting again gives the input back) and
//! yields a public key that itself round-trips.
#![no_main]

use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::{Authority, PublicKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(authority) = Authority::from_secret_bytes(data) else {
        return;
    };
    assert_eq!(
        &authority.to_secret_bytes()[..],
        data,
        "import → export is the identity"
    );
    let pk = authority.public_key();
    let decoded = PublicKey::from_bytes(&pk.to_bytes()).expect("a derived public key decodes");
    assert!(&decoded == pk);
});
