//! Objects taken from JavaScript arrays: an element is an object of this build (copied
//! through its internal `__copyForBatch`, because wasm-bindgen frees what it converts and
//! the caller keeps its object) or, where the call allows it, the object's encoding.

use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen::{JsCast, JsValue};

/// What an array element is: a copy of an object of this build, or bytes to decode.
pub(crate) enum Item<T> {
    Copy(T),
    Bytes(Vec<u8>),
}

/// The element `value`: a `Uint8Array` (its bytes), or an object with `__copyForBatch`
/// whose copy converts to `T`. `other_build` is the error for an object of the other build
/// (full and verify-only objects cannot be mixed), `expected` for anything else (a freed
/// object included).
pub(crate) fn batch_item<T: TryFromJsValue>(
    value: &JsValue,
    other_build: &'static str,
    expected: &'static str,
) -> Result<Item<T>, cipherchart::Error> {
    if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(Item::Bytes(bytes.to_vec()));
    }
    let copy = js_sys::Reflect::get(value, &JsValue::from_str("__copyForBatch"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(value).ok());
    match copy.map(T::try_from_js_value) {
        Some(Ok(item)) => Ok(Item::Copy(item)),
        // An object of the other build made a copy in that build, which this one cannot use.
        Some(Err(_)) => Err(cipherchart::Error::InvalidArgument(other_build)),
        None => Err(cipherchart::Error::InvalidArgument(expected)),
    }
}
