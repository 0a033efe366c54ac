//! JavaScript numbers at the boundary: counts, indices and times are `u64` in the core and
//! `number` in JavaScript, exact up to `Number.MAX_SAFE_INTEGER`.

use wasm_bindgen::JsValue;

use crate::errors::to_js_err;

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`, 2^53 − 1).
pub(crate) const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

fn safe_integer(x: f64, why: &'static str) -> Result<u64, JsValue> {
    if x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= MAX_SAFE_INTEGER as f64 {
        Ok(x as u64)
    } else {
        Err(to_js_err(cipherchart::Error::InvalidArgument(why)))
    }
}

/// A count, size or index from a JavaScript number.
pub(crate) fn integer(x: f64) -> Result<u64, JsValue> {
    safe_integer(x, "expected a non-negative safe integer")
}

/// A time in seconds (Unix time, as the core uses) from a JavaScript number.
pub(crate) fn seconds(t: f64) -> Result<u64, JsValue> {
    safe_integer(t, "a time must be a non-negative integer number of seconds")
}
