//! Shared by the generator and the checker: hex, and errors as JSON fields.

use cipherchart::Error;
use serde_json::{json, Map, Value};

/// Lowercase hex.
pub fn hx(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// `CamelCase` (a `Debug` variant name) to `snake_case`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The sub-kind of an error, where the error has a stable one: the encoding problem,
/// the limit, the consent refusal or the chain fault (`snake_case` of the Rust variant).
pub fn detail(e: &Error) -> Option<String> {
    match e {
        Error::InvalidEncoding(k) => Some(snake(&format!("{k:?}"))),
        Error::LimitExceeded(k) => Some(snake(&format!("{k:?}"))),
        Error::Consent(k) => Some(snake(&format!("{k:?}"))),
        Error::Chain(c) => Some(snake(&format!("{:?}", c.kind))),
        _ => None,
    }
}

/// `error` (the stable code), and `detail`, `position` (policy syntax) or `index`
/// (chain) where the error has them.
pub fn error_json(e: &Error) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("error".into(), json!(e.code()));
    if let Some(d) = detail(e) {
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
