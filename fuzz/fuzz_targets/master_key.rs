//! `Authority::import_master_key_dangerous` (the master key export): no panic, and
//! every accepted export is canonical (exporting again gives the input back) and
//! yields a public key that itself round-trips.
#![no_main]

use cipherchart::{Authority, PublicKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(authority) = Authority::import_master_key_dangerous(data) else {
        return;
    };
    assert_eq!(
        &authority.export_master_key_dangerous()[..],
        data,
        "import → export is the identity"
    );
    let pk = authority.public_key();
    let decoded = PublicKey::from_bytes(&pk.to_bytes()).expect("a derived public key decodes");
    assert!(&decoded == pk);
});
