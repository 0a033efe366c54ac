//! `KeyFile::from_key_file` (passphrase-protected key files, `docs/keyfiles.md`) on any
//! bytes: a typed error or a key, never a panic, and never a key of the wrong type. The
//! seeds are real key files (work factor 15, passphrase "fuzz"), so mutations reach age's
//! header parser, the work-factor guard, the payload and the label; most cost one scrypt.
#![no_main]

use cipherchart::{BlsSigningKey, Error, KeyFile, ReKey, UserKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match UserKey::from_key_file(data, "fuzz") {
        Ok(key) => {
            // A key accepted from a file is a canonical user key.
            let bytes = key.to_bytes();
            assert_eq!(
                &UserKey::from_bytes(&bytes).expect("re-decodes").to_bytes()[..],
                &bytes[..]
            );
            // The same file is never also a re-key or a BLS key.
            assert!(ReKey::from_key_file(data, "fuzz").is_err());
            assert!(BlsSigningKey::from_key_file(data, "fuzz").is_err());
        }
        Err(Error::KeyFile(_) | Error::InvalidEncoding(_)) => {}
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
});
