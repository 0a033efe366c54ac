//! The core's bounds and fixed hashes, for the package's constant exports (`MAX_HOPS`,
//! `EMPTY_ROOT`, `GENESIS`, …; Python has them as module constants with the same names). The
//! limits are looped from the core's one table (`cipherchart::limits::ALL`), so they cannot
//! drift: `scripts/wasm-package.mjs` calls `_constants()` once at packaging time and writes
//! each as an `export const` with its doc. In both builds.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

use cipherchart::limits;

fn constant(name: &str, value: &JsValue, doc: &str) -> JsValue {
    Array::of3(&JsValue::from_str(name), value, &JsValue::from_str(doc)).into()
}

/// Every constant of the package as `[name, value, doc]`: the limits of the core's table
/// (numbers) and the two fixed hashes (32-byte `Uint8Array`s). Not part of the public API.
#[wasm_bindgen(js_name = _constants, unchecked_return_type = "Array<[string, number | Uint8Array, string]>")]
pub fn constants() -> Array {
    let hashes: [(&str, &[u8], &str); 2] = [
        (
            "EMPTY_ROOT",
            &cipherchart::EMPTY_ROOT,
            "The root of the empty Merkle tree, SHA-256 of the empty string.",
        ),
        (
            "GENESIS",
            &cipherchart::GENESIS,
            "The `prev` hash of a chain's first entry (32 zero bytes).",
        ),
    ];
    limits::ALL
        .iter()
        // Every bound is at most 2^53 (the core's table test): exact as a number.
        .map(|l| constant(l.name, &JsValue::from_f64(l.value as f64), l.doc))
        .chain(
            hashes
                .iter()
                .map(|(name, hash, doc)| constant(name, &Uint8Array::from(*hash).into(), doc)),
        )
        .collect()
}

/// The stable error codes of the core (`cipherchart::Error::CODES`), for the tests that check
/// `ERROR_CLASSES` against them. Not part of the public API.
#[wasm_bindgen(js_name = _errorCodes)]
pub fn error_codes() -> Vec<String> {
    cipherchart::Error::CODES
        .iter()
        .map(|c| (*c).to_owned())
        .collect()
}
