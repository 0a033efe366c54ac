//! The rest of the checkpoint and receipt API: signing a checkpoint of any tree
//! (`Checkpoint.sign`, full build), its signature lines (`Checkpoint.signatures`,
//! `NoteSignature`, `keyId`), and a receipt from its parts (`new ProofFile`). Public data.

use wasm_bindgen::prelude::*;

#[cfg(feature = "full")]
use crate::chain::hash;
use crate::chain::{Checkpoint, Entry, ProofFile};
use crate::errors::to_js_err;
#[cfg(feature = "full")]
use crate::num::integer;
use crate::proofs::InclusionProof;
use crate::sig::BlsPublicKey;
#[cfg(feature = "full")]
use crate::sig::BlsSigningKey;

/// One signature line of a checkpoint note: `— <key name> base64(key id ‖ signature)`.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct NoteSignature(pub(crate) cipherchart::NoteSignature);

#[wasm_bindgen]
impl NoteSignature {
    /// The key name.
    #[wasm_bindgen(getter, js_name = keyName)]
    pub fn key_name(&self) -> String {
        self.0.key_name.clone()
    }

    /// The 4-byte key id (`keyId(keyName, key)` for the key that signed).
    #[wasm_bindgen(getter, js_name = keyId)]
    pub fn key_id(&self) -> Vec<u8> {
        self.0.key_id.to_vec()
    }

    /// The signature bytes after the key id.
    #[wasm_bindgen(getter)]
    pub fn signature(&self) -> Vec<u8> {
        self.0.signature.clone()
    }
}

/// The 4-byte key id of a BLS log key under `keyName`, as in checkpoint signature lines.
#[wasm_bindgen(js_name = keyId)]
pub fn key_id(#[wasm_bindgen(js_name = keyName)] key_name: &str, key: &BlsPublicKey) -> Vec<u8> {
    cipherchart::key_id(key_name, &key.0).to_vec()
}

#[wasm_bindgen]
impl Checkpoint {
    /// The note's signature lines, in order (`verify` looks for the log key's among them).
    #[wasm_bindgen(getter)]
    pub fn signatures(&self) -> Vec<NoteSignature> {
        self.0
            .signatures()
            .iter()
            .cloned()
            .map(NoteSignature)
            .collect()
    }
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl Checkpoint {
    /// Signs the checkpoint `(origin, size, root)` of any tree with the log key (a
    /// `Chain` signs its own with `Chain.checkpoint`).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for an origin that is empty, over 255 bytes or holds white
    /// space, `+` or control characters, a bad size or a root that is not 32 bytes.
    pub fn sign(
        origin: &str,
        size: f64,
        root: &[u8],
        #[wasm_bindgen(js_name = logKey)] log_key: &BlsSigningKey,
    ) -> Result<Checkpoint, JsValue> {
        cipherchart::Checkpoint::sign(origin, integer(size)?, hash(root)?, &log_key.0)
            .map(Checkpoint)
            .map_err(to_js_err)
    }
}

#[wasm_bindgen]
impl ProofFile {
    /// A receipt from its parts, checked to belong together (the proof is for the entry's
    /// sequence number and the checkpoint's size); nothing cryptographic is checked until
    /// `verify`.
    ///
    /// # Errors
    /// Throws `InvalidArgument` if the parts do not belong together.
    #[wasm_bindgen(constructor)]
    pub fn new(
        checkpoint: &Checkpoint,
        entry: &Entry,
        proof: &InclusionProof,
    ) -> Result<ProofFile, JsValue> {
        cipherchart::ProofFile::new(checkpoint.0.clone(), entry.0.clone(), proof.0.clone())
            .map(ProofFile)
            .map_err(to_js_err)
    }
}
