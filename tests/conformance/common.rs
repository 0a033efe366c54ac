//! Shared by the generator and the checker: hex, and errors as JSON fields.

use cipherchart::Error;
use serde_json::{json, Map, Value};

/// Lowercase hex.
pub fn hx(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// `error` (the stable code), and `detail`, `position` (policy syntax) or `index`
/// (chain) where the error has them.
pub fn error_json(e: &Error) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("error".into(), json!(e.code()));
    // The sub-kind (`Error::kind()`): the encoding problem, the limit, the consent refusal
    // or the chain fault.
    if let Some(d) = e.kind() {
        o.insert("detail".into(), json!(d));
    }
    match e {
        Error::PolicySyntax(s) => {
            o.insert("position".into(), json!(s.position));
        }
        Error::Chain(c) => {
            o.insert("index".into(), json!(c.index));
        }
        _ => {}
    }
    o
}

/// `{"error": null}` for success, else [`error_json`].
pub fn outcome<T>(r: cipherchart::Result<T>) -> Map<String, Value> {
    match r {
        Ok(_) => {
            let mut o = Map::new();
            o.insert("error".into(), Value::Null);
            o
        }
        Err(e) => error_json(&e),
    }
}
