//! `VersionNotice::from_bytes` (format v3, `docs/formats.md` "Version notice (v3)"): no
//! panic; every accepted encoding is canonical (`to_bytes` gives the input back), its
//! names are sorted and unique with versions in `1 ..= bump_count`, and verifying it under
//! a key that did not sign it never succeeds (and never panics, whatever `now`).
#![no_main]

use cipherchart::{BlsSigningKey, VersionNotice};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(notice) = VersionNotice::from_bytes(data) else {
        return;
    };
    assert_eq!(notice.to_bytes(), data, "decode → encode is the identity");
    let versions = notice.versions();
    assert!(
        versions.windows(2).all(|w| w[0].0 < w[1].0),
        "names sorted and unique"
    );
    assert!(versions
        .iter()
        .all(|(_, v)| *v >= 1 && u64::from(*v) <= notice.bump_count()));
    assert!(notice.serial() >= 1 && notice.serial() <= notice.issued_at());
    let stranger = BlsSigningKey::from_ikm(&[7; 32], b"").expect("a valid ikm");
    for now in [0, notice.issued_at(), u64::MAX] {
        assert!(notice.verify(&stranger.public_key(), now, None).is_err());
    }
});
