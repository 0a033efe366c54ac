//! Inclusion proof files (`ProofFile`): the binary form, the base64url text form and the
//! C2SP tlog-proof text, each on the input. No panic; every accepted input is canonical
//! (re-encoding gives it back); verification under the fixture's log key returns
//! (never panics, whatever the index and size).
#![no_main]

use cipherchart::ProofFile;
use cipherchart_fuzz::fixture;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let log_key = fixture().log_key.public_key();
    if let Ok(pf) = ProofFile::from_bytes(data) {
        assert_eq!(
            pf.to_bytes(),
            data,
            "bytes: decode → encode is the identity"
        );
        let again = ProofFile::from_tlog_proof(&pf.to_tlog_proof()).expect("tlog form decodes");
        assert_eq!(again.to_bytes(), data, "the tlog form carries everything");
        let _ = pf.verify(&log_key);
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(pf) = ProofFile::from_text(text) {
        assert_eq!(pf.to_text(), text, "text: decode → encode is the identity");
    }
    if let Ok(pf) = ProofFile::from_tlog_proof(text) {
        assert_eq!(
            pf.to_tlog_proof(),
            text,
            "tlog: decode → encode is the identity"
        );
        let _ = pf.verify(&log_key);
    }
});
