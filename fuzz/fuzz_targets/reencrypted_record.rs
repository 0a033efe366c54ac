//! Re-encrypted records (sealed records with hops) decoded and then opened with the
//! fixture's keys (the original audience, the first and the second delegatee): no
//! panic anywhere on the hop-unwinding path, decoding is canonical, and a key that
//! satisfies none of the record's layers is refused before any pairing.
//!
//! The seed corpus holds records of the fixture that really open (0, 1 and 2 hops), so
//! mutations reach the FO checks of every layer.
#![no_main]

use cipherchart::{Error, SealedRecord};
use cipherchart_fuzz::{fixture, ALICE, BOB, CAROL};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(record) = SealedRecord::from_bytes(data) else {
        return;
    };
    assert_eq!(record.to_bytes(), data, "decode → encode is the identity");
    let f = fixture();
    for (key, attrs) in [(&f.alice, ALICE), (&f.bob, BOB), (&f.carol, CAROL)] {
        let satisfies_some_layer = record.policy().is_satisfied_by(attrs)
            || record.current_policy().is_satisfied_by(attrs);
        match key.open(f.pk(), &record) {
            Ok(_) => {}
            Err(Error::PolicyNotSatisfied) => {}
            Err(_) => continue,
        }
        if !satisfies_some_layer && record.hop_count() <= 1 {
            // With at most one hop the layers are the record's and the current one.
            assert!(key.open(f.pk(), &record).is_err());
        }
    }
});
