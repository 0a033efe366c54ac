//! RFC 9162 proofs as values: an inclusion proof (an audit path) and a consistency proof,
//! with the core's wire encoding for the consistency proof. Public data, in both builds.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use crate::chain::{hash, hashes};
use crate::errors::to_js_err;
use crate::num::integer;

fn to_arrays(path: &[[u8; 32]]) -> Vec<Uint8Array> {
    path.iter().map(|h| Uint8Array::from(&h[..])).collect()
}

/// The proof that leaf `index` is in the tree of `size` leaves: its audit path.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct InclusionProof(pub(crate) cipherchart::InclusionProof);

#[wasm_bindgen]
impl InclusionProof {
    /// A proof from its parts (32-byte hashes, the leaf's sibling first).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad number or hash length.
    #[wasm_bindgen(constructor)]
    pub fn new(index: f64, size: f64, path: Vec<Uint8Array>) -> Result<InclusionProof, JsValue> {
        Ok(Self(cipherchart::InclusionProof {
            index: integer(index)?,
            size: integer(size)?,
            path: hashes(&path)?,
        }))
    }

    /// The leaf's index (0-based).
    #[wasm_bindgen(getter)]
    pub fn index(&self) -> f64 {
        self.0.index as f64
    }

    /// The size of the tree the path leads to the root of.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.0.size as f64
    }

    /// The sibling hashes (32 bytes each), the leaf's sibling first.
    #[wasm_bindgen(getter)]
    pub fn path(&self) -> Vec<Uint8Array> {
        to_arrays(&self.0.path)
    }

    /// Checks that `leafHash` is at `index` in the tree of `size` leaves whose root is `root`.
    ///
    /// # Errors
    /// Throws `VerificationFailed`, or `InvalidArgument` (index not below size, bad hash
    /// length).
    pub fn verify(
        &self,
        #[wasm_bindgen(js_name = leafHash)] leaf_hash: &[u8],
        root: &[u8],
    ) -> Result<(), JsValue> {
        self.0
            .verify(&hash(leaf_hash)?, &hash(root)?)
            .map_err(to_js_err)
    }
}

/// The proof that the tree of `oldSize` leaves is a prefix of the tree of `newSize` leaves.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct ConsistencyProof(pub(crate) cipherchart::ConsistencyProof);

#[wasm_bindgen]
impl ConsistencyProof {
    /// A proof from its parts (32-byte hashes in RFC 6962 SUBPROOF order).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad number or hash length.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = oldSize)] old_size: f64,
        #[wasm_bindgen(js_name = newSize)] new_size: f64,
        path: Vec<Uint8Array>,
    ) -> Result<ConsistencyProof, JsValue> {
        Ok(Self(cipherchart::ConsistencyProof {
            old_size: integer(old_size)?,
            new_size: integer(new_size)?,
            path: hashes(&path)?,
        }))
    }

    /// The size of the older tree.
    #[wasm_bindgen(getter, js_name = oldSize)]
    pub fn old_size(&self) -> f64 {
        self.0.old_size as f64
    }

    /// The size of the newer tree.
    #[wasm_bindgen(getter, js_name = newSize)]
    pub fn new_size(&self) -> f64 {
        self.0.new_size as f64
    }

    /// The proof hashes (32 bytes each).
    #[wasm_bindgen(getter)]
    pub fn path(&self) -> Vec<Uint8Array> {
        to_arrays(&self.0.path)
    }

    /// Checks the proof against the two roots (e.g. of two checkpoints of the same log).
    ///
    /// # Errors
    /// Throws `VerificationFailed`, or `InvalidArgument` (old size 0 or above the new size,
    /// bad hash length).
    pub fn verify(
        &self,
        #[wasm_bindgen(js_name = oldRoot)] old_root: &[u8],
        #[wasm_bindgen(js_name = newRoot)] new_root: &[u8],
    ) -> Result<(), JsValue> {
        self.0
            .verify(&hash(old_root)?, &hash(new_root)?)
            .map_err(to_js_err)
    }
}
