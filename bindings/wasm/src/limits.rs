//! The core's input bounds and fixed hashes as read-only static properties: `Limits.MAX_HOPS`,
//! `MerkleTree.EMPTY_ROOT`, `ChainEntry.GENESIS` (Python has them as module constants with the
//! same names). Read from the core, so they cannot drift. In both builds.

use wasm_bindgen::prelude::*;

use crate::chain::ChainEntry;
use crate::tree::MerkleTree;
use cipherchart::{abe, chain, policy, record};

/// The core's input bounds, as static read-only properties (`Limits.MAX_POLICY_LEAVES`, …).
/// Inputs past a bound fail with `LimitExceeded` or `InvalidArgument`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Limits;

fn n(x: usize) -> f64 {
    x as f64
}

#[wasm_bindgen]
impl Limits {
    /// Attributes (leaves) in one policy.
    #[wasm_bindgen(getter = MAX_POLICY_LEAVES)]
    pub fn max_policy_leaves() -> f64 {
        n(policy::MAX_POLICY_LEAVES)
    }

    /// Nesting depth of gates in one policy.
    #[wasm_bindgen(getter = MAX_POLICY_DEPTH)]
    pub fn max_policy_depth() -> f64 {
        n(policy::MAX_POLICY_DEPTH)
    }

    /// Bytes of policy text.
    #[wasm_bindgen(getter = MAX_POLICY_TEXT_LEN)]
    pub fn max_policy_text_len() -> f64 {
        n(policy::MAX_POLICY_TEXT_LEN)
    }

    /// Bytes of one attribute.
    #[wasm_bindgen(getter = MAX_ATTRIBUTE_LEN)]
    pub fn max_attribute_len() -> f64 {
        n(policy::MAX_ATTRIBUTE_LEN)
    }

    /// Children of one gate.
    #[wasm_bindgen(getter = MAX_GATE_CHILDREN)]
    pub fn max_gate_children() -> f64 {
        n(policy::MAX_GATE_CHILDREN)
    }

    /// Attributes in one user key.
    #[wasm_bindgen(getter = MAX_KEY_ATTRIBUTES)]
    pub fn max_key_attributes() -> f64 {
        n(abe::MAX_KEY_ATTRIBUTES)
    }

    /// Bytes of a record id.
    #[wasm_bindgen(getter = MAX_RECORD_ID_LEN)]
    pub fn max_record_id_len() -> f64 {
        n(record::MAX_RECORD_ID_LEN)
    }

    /// Bytes of a record's public metadata.
    #[wasm_bindgen(getter = MAX_METADATA_LEN)]
    pub fn max_metadata_len() -> f64 {
        n(record::MAX_METADATA_LEN)
    }

    /// Bytes of one record's payload.
    #[wasm_bindgen(getter = MAX_PAYLOAD_LEN)]
    pub fn max_payload_len() -> f64 {
        n(record::MAX_PAYLOAD_LEN)
    }

    /// Re-encryption hops of one record.
    #[wasm_bindgen(getter = MAX_HOPS)]
    pub fn max_hops() -> f64 {
        n(record::MAX_HOPS)
    }

    /// A stream's chunk size when none is given.
    #[wasm_bindgen(getter = DEFAULT_CHUNK_SIZE)]
    pub fn default_chunk_size() -> f64 {
        f64::from(record::stream::DEFAULT_CHUNK_SIZE)
    }

    /// The largest stream chunk size.
    #[wasm_bindgen(getter = MAX_CHUNK_SIZE)]
    pub fn max_chunk_size() -> f64 {
        f64::from(record::stream::MAX_CHUNK_SIZE)
    }
}

#[wasm_bindgen]
impl MerkleTree {
    /// The root of the empty tree, SHA-256 of the empty string.
    #[wasm_bindgen(getter = EMPTY_ROOT)]
    pub fn empty_root() -> Vec<u8> {
        chain::merkle::EMPTY_ROOT.to_vec()
    }
}

#[wasm_bindgen]
impl ChainEntry {
    /// The `prev` hash of a chain's first entry (32 zero bytes).
    #[wasm_bindgen(getter = GENESIS)]
    pub fn genesis() -> Vec<u8> {
        chain::GENESIS.to_vec()
    }
}
