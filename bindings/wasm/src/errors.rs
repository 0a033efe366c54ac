//! Core errors → JavaScript `Error` subclasses.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    /// Builds the `CipherchartError` subclass for a stable code (see `js/errors.js`).
    #[wasm_bindgen(js_name = _fromNative)]
    fn from_native(
        code: &str,
        message: &str,
        position: Option<f64>,
        kind: Option<String>,
    ) -> JsValue;
}

/// The JavaScript error for a core error: an instance of the `CipherchartError` subclass of
/// its stable code, with `.code`, the core's message, `.kind` (the core's `Error::kind()`),
/// `.position` for policy syntax errors and `.index` for chain errors.
/// Every binding method maps its errors through this one function.
pub fn to_js_err(e: cipherchart::Error) -> JsValue {
    // Both fit a JavaScript number exactly: a byte offset into bounded text, an entry index.
    let position = match &e {
        cipherchart::Error::PolicySyntax(s) => Some(s.position as f64),
        cipherchart::Error::Chain(c) => Some(c.index as f64),
        _ => None,
    };
    from_native(e.code(), &e.to_string(), position, e.kind())
}
