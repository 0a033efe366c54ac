//! Checkpoints: `Checkpoint::from_note` (the C2SP signed note) on the input as text, and
//! `Checkpoint::from_bytes` on the input as bytes. No panic; every accepted note is
//! canonical (`to_note` gives the input back), every accepted binary form too, and
//! verifying under the fixture's log key returns (never panics).
#![no_main]

use cipherchart::Checkpoint;
use cipherchart_fuzz::fixture;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(note) = std::str::from_utf8(data) {
        if let Ok(cp) = Checkpoint::from_note(note) {
            assert_eq!(cp.to_note(), note, "from_note → to_note is the identity");
            let again = Checkpoint::from_bytes(&cp.to_bytes()).expect("the binary form decodes");
            assert_eq!(again.to_note(), note);
            assert!(cp.note_text().len() < note.len());
            let _ = cp.verify(&fixture().log_key.public_key());
        }
    }
    if let Ok(cp) = Checkpoint::from_bytes(data) {
        assert_eq!(cp.to_bytes(), data, "from_bytes → to_bytes is the identity");
    }
});
