//! Core errors → JavaScript `Error` subclasses.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    /// Builds the `CipherchartError` subclass for a stable code (see `js/errors.js`).
    #[wasm_bindgen(js_name = _fromNative)]
    fn from_native(code: &str, message: &str, position: Option<u32>) -> JsValue;
}

/// The JavaScript error for a core error: an instance of the `CipherchartError` subclass of
/// its stable code, with `.code`, the core's message, and `.position` for policy syntax errors.
/// Every binding method maps its errors through this one function.
pub fn to_js_err(e: cipherchart::Error) -> JsValue {
    let position = match &e {
        cipherchart::Error::PolicySyntax(s) => u32::try_from(s.position).ok(),
        _ => None,
    };
    from_native(e.code(), &e.to_string(), position)
}
