//! An RFC 9162 Merkle tree over leaf hashes of your own (`MerkleTree`), and the node hash
//! (`nodeHash`, beside `leafHash`): for ledger code that keeps its own tree or
//! recomputes a root. Public data, in both builds.

use wasm_bindgen::prelude::*;

use crate::chain::hash;
use crate::errors::to_js_err;
use crate::num::integer;
use crate::proofs::{ConsistencyProof, InclusionProof};

/// RFC 9162 interior node hash (`SHA-256(0x01 || left || right)`) of two 32-byte hashes.
///
/// # Errors
/// Throws `InvalidArgument` for a hash that is not 32 bytes.
#[wasm_bindgen(js_name = nodeHash)]
pub fn node_hash(left: &[u8], right: &[u8]) -> Result<Vec<u8>, JsValue> {
    Ok(cipherchart::node_hash(&hash(left)?, &hash(right)?).to_vec())
}

/// An append-only RFC 9162 Merkle tree of 32-byte leaf hashes (`leafHash(data)`), with
/// roots and proofs at any earlier size.
#[wasm_bindgen]
#[derive(Clone, Debug, Default)]
pub struct MerkleTree(cipherchart::MerkleTree);

#[wasm_bindgen]
impl MerkleTree {
    /// The empty tree (its root is SHA-256 of the empty string).
    #[wasm_bindgen(constructor)]
    pub fn new() -> MerkleTree {
        Self::default()
    }

    /// The number of leaves.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> f64 {
        self.0.len() as f64
    }

    /// Appends a leaf hash; returns its index.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a hash that is not 32 bytes.
    pub fn push(
        &mut self,
        #[wasm_bindgen(js_name = leafHash)] leaf_hash: &[u8],
    ) -> Result<f64, JsValue> {
        Ok(self.0.push(hash(leaf_hash)?) as f64)
    }

    /// The leaf hash at `index`.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for an index out of range.
    pub fn leaf(&self, index: f64) -> Result<Vec<u8>, JsValue> {
        self.0
            .leaf(integer(index)?)
            .map(|h| h.to_vec())
            .map_err(to_js_err)
    }

    /// The current root.
    #[wasm_bindgen(getter)]
    pub fn root(&self) -> Vec<u8> {
        self.0.root().to_vec()
    }

    /// The root of the tree of the first `size` leaves.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a size above the length.
    #[wasm_bindgen(js_name = rootAt)]
    pub fn root_at(&self, size: f64) -> Result<Vec<u8>, JsValue> {
        self.0
            .root_at(integer(size)?)
            .map(|h| h.to_vec())
            .map_err(to_js_err)
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves (the current tree when
    /// omitted).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for an index not below the size, or a size above the length.
    #[wasm_bindgen(js_name = inclusionProof)]
    pub fn inclusion_proof(
        &self,
        index: f64,
        size: Option<f64>,
    ) -> Result<InclusionProof, JsValue> {
        let size = size.map_or(Ok(self.0.len()), integer)?;
        self.0
            .inclusion_proof(integer(index)?, size)
            .map(InclusionProof)
            .map_err(to_js_err)
    }

    /// The consistency proof from the tree of `oldSize` leaves to the tree of `newSize` leaves
    /// (the current tree when omitted).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a size of 0, `oldSize` above `newSize`, or a size above
    /// the length.
    #[wasm_bindgen(js_name = consistencyProof)]
    pub fn consistency_proof(
        &self,
        #[wasm_bindgen(js_name = oldSize)] old_size: f64,
        #[wasm_bindgen(js_name = newSize)] new_size: Option<f64>,
    ) -> Result<ConsistencyProof, JsValue> {
        let new_size = new_size.map_or(Ok(self.0.len()), integer)?;
        self.0
            .consistency_proof(integer(old_size)?, new_size)
            .map(ConsistencyProof)
            .map_err(to_js_err)
    }
}
