//! Regression tests for what the fuzz targets (`fuzz/`, `docs/fuzzing.md`) found, and a
//! stable-Rust replay of their seed corpora.
//!
//! The seeds in `fuzz/corpus/<target>/` are valid objects made by the library; each must
//! still decode and re-encode to the same bytes. When this fails after a deliberate
//! format change, regenerate them: `cd fuzz && cargo run --example gen_corpus`.
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)] // a failed test aborts

use std::fs;
use std::path::PathBuf;

use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::ConsentToken;
use cipherchart::ConsistencyProof;
use cipherchart::KeyFile;
use cipherchart::{
    Authority, BlsPublicKey, BlsSignature, Checkpoint, Entry, Policy, ProofFile, PublicKey, ReKey,
    Result, SealedRecord, UserKey,
};
use cipherchart::{SessionHeader, SessionRecord};

/// The seeds of one target, by file name.
fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.expect("dir entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, fs::read(&path).expect("seed"))
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no seeds for {target}");
    out
}

/// Every seed of `target` decodes with `decode` to something that re-encodes to it.
fn replay(target: &str, decode: impl Fn(&[u8]) -> Result<Vec<u8>>) {
    for (name, bytes) in seeds(target) {
        let again = decode(&bytes).unwrap_or_else(|e| {
            panic!(
                "fuzz/corpus/{target}/{name} no longer decodes ({e}); if the format changed on \
                 purpose, run `cd fuzz && cargo run --example gen_corpus`"
            )
        });
        assert_eq!(again, bytes, "fuzz/corpus/{target}/{name}: decode → encode");
    }
}

fn text(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|_| cipherchart::EncodingError::InvalidText.into())
}

#[test]
fn seed_corpora_decode_and_round_trip() {
    replay("policy_bytes", |b| Ok(Policy::from_bytes(b)?.to_bytes()));
    replay("public_key", |b| Ok(PublicKey::from_bytes(b)?.to_bytes()));
    replay("user_key", |b| {
        Ok(UserKey::from_bytes(b)?.to_bytes().to_vec())
    });
    replay("master_key", |b| {
        Ok(Authority::from_secret_bytes(b)?.to_secret_bytes().to_vec())
    });
    // Key files carry a random salt: a seed is checked to read, not to re-encode.
    for (name, bytes) in seeds("key_file") {
        UserKey::from_key_file(&bytes, "fuzz")
            .unwrap_or_else(|e| panic!("fuzz/corpus/key_file/{name} no longer reads ({e})"));
    }
    replay("sealed_record", |b| {
        Ok(SealedRecord::from_bytes(b)?.to_bytes())
    });
    replay("version_notice", |b| {
        Ok(cipherchart::VersionNotice::from_bytes(b)?.to_bytes())
    });
    replay("reencrypted_record", |b| {
        Ok(SealedRecord::from_bytes(b)?.to_bytes())
    });
    replay("session_header", |b| {
        Ok(SessionHeader::from_bytes(b)?.to_bytes())
    });
    replay("session_record", |b| {
        Ok(SessionRecord::from_bytes(b)?.to_bytes())
    });
    replay("rekey", |b| Ok(ReKey::from_bytes(b)?.to_bytes().to_vec()));
    replay("bls_signature", |b| match b.len() {
        96 => Ok(BlsSignature::from_bytes(b)?.to_bytes().to_vec()),
        _ => Ok(BlsSignature::from_object_bytes(b)?.to_object_bytes()),
    });
    replay("bls_public_key", |b| match b.len() {
        48 => Ok(BlsPublicKey::from_bytes(b)?.to_bytes().to_vec()),
        _ => Ok(BlsPublicKey::from_object_bytes(b)?.to_object_bytes()),
    });
    replay("consent_token", |b| {
        Ok(ConsentToken::from_bytes(b)?.to_bytes())
    });
    replay("consent_text", |b| {
        Ok(ConsentToken::from_text(text(b)?)?.to_text().into_bytes())
    });
    replay("chain_entry", |b| Ok(Entry::from_bytes(b)?.to_bytes()));
    replay("checkpoint", |b| match Checkpoint::from_bytes(b) {
        Ok(cp) => Ok(cp.to_bytes()),
        Err(_) => Ok(Checkpoint::from_note(text(b)?)?.to_note().into_bytes()),
    });
    replay("consistency_proof", |b| {
        Ok(ConsistencyProof::from_bytes(b)?.to_bytes())
    });
    replay("proof_file", |b| {
        if let Ok(pf) = ProofFile::from_bytes(b) {
            return Ok(pf.to_bytes());
        }
        let t = text(b)?;
        match ProofFile::from_text(t) {
            Ok(pf) => Ok(pf.to_text().into_bytes()),
            Err(_) => Ok(ProofFile::from_tlog_proof(t)?.to_tlog_proof().into_bytes()),
        }
    });
}

/// The stream seeds really open with the fuzz fixture's key: checked where it is cheap,
/// by reading their public header (the full open is the `stream` target's job).
#[test]
fn stream_seeds_have_readable_headers() {
    for (name, bytes) in seeds("stream") {
        let info = cipherchart::read_stream_info(&bytes[..])
            .unwrap_or_else(|e| panic!("fuzz/corpus/stream/{name}: {e}"));
        assert!(info.chunk_size > 0);
    }
}
