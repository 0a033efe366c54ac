//! Conformance vectors (`tests/vectors/cipherchart-v2.json`, wire format v2): generated here,
//! deterministically, and checked here from the committed file, as the Python
//! (`bindings/python/tests/test_conformance.py`) and JavaScript
//! (`bindings/wasm/tests/conformance.test.mjs`) suites check the same file.
//!
//! - `regenerate`: with `CIPHERCHART_REGENERATE_VECTORS=1`, rewrites the file.
//! - `committed_vectors_are_current`: the committed file equals a fresh generation
//!   (fails on drift and names the first differing entry).
//! - `vectors_*`: decode, verify and open every vector of the committed file and
//!   compare outputs and error codes, as another implementation would.
//!
//! The schema is described in `docs/formats.md` ("Conformance vectors") and in
//! `tests/vectors/README.txt`.

// Test code: a failed expectation panics with its vector's name; vector tables are tuples.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::type_complexity
)]

#[path = "../conformance/check.rs"]
mod check;
#[path = "../conformance/common.rs"]
mod common;
#[path = "../conformance/generate.rs"]
mod generate;

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

const ENV: &str = "CIPHERCHART_REGENERATE_VECTORS";

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/cipherchart-v2.json")
}

/// The file's text for a document: pretty JSON, one trailing newline.
fn render(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap();
    s.push('\n');
    s
}

/// One generation per test process (it takes a few seconds).
fn generated() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(generate::generate)
}

fn committed() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let text = std::fs::read_to_string(path()).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run `{ENV}=1 cargo test --test encodings_vectors conformance::regenerate`",
                path().display()
            )
        });
        serde_json::from_str(&text).unwrap()
    })
}

fn regenerating() -> bool {
    std::env::var(ENV).is_ok_and(|v| v == "1")
}

#[test]
fn regenerate() {
    if !regenerating() {
        eprintln!("set {ENV}=1 to rewrite {}", path().display());
        return;
    }
    let text = render(generated());
    assert!(text.len() < 1 << 20, "vectors over 1 MiB: {}", text.len());
    std::fs::write(path(), text).unwrap();
}

/// The first place where two documents differ, as a JSON pointer with names: array
/// elements that carry a `name` are shown by it.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => {
                        if let Some(d) = first_difference(u, v, &format!("{at}/{k}")) {
                            return Some(d);
                        }
                    }
                    (u, v) => {
                        return Some(format!(
                            "{at}/{k}: {} in the committed file, {} in the generation",
                            if u.is_some() { "present" } else { "absent" },
                            if v.is_some() { "present" } else { "absent" }
                        ))
                    }
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                let label = match u.get("name").and_then(Value::as_str) {
                    Some(n) => format!("{at}/{i} ({n})"),
                    None => format!("{at}/{i}"),
                };
                if let Some(d) = first_difference(u, v, &label) {
                    return Some(d);
                }
            }
            (x.len() != y.len()).then(|| {
                format!(
                    "{at}: {} elements in the committed file, {} in the generation",
                    x.len(),
                    y.len()
                )
            })
        }
        _ => (a != b).then(|| {
            let show = |v: &Value| {
                let s = v.to_string();
                if s.len() > 80 {
                    format!("{}…", &s[..80])
                } else {
                    s
                }
            };
            format!("{at}: committed {} != generated {}", show(a), show(b))
        }),
    }
}

#[test]
fn committed_vectors_are_current() {
    if regenerating() {
        return; // `regenerate` is rewriting the file in this run
    }
    let fresh = generated();
    if let Some(d) = first_difference(committed(), fresh, "") {
        panic!(
            "conformance vectors drifted at {d}\n(if the change is intended: \
             `{ENV}=1 cargo test --test encodings_vectors conformance::regenerate`, review the diff,\
             commit)"
        );
    }
    let text = std::fs::read_to_string(path()).unwrap();
    assert!(
        text == render(fresh),
        "same content but different formatting: regenerate the file"
    );
}

#[test]
fn vectors_policies() {
    check::policies(committed());
}

#[test]
fn vectors_keys_and_records() {
    check::records(committed());
}

#[test]
fn vectors_delegation_keys() {
    check::delegation_keys(committed());
}

#[test]
fn vectors_reencryption() {
    check::reencryption(committed());
}

#[test]
fn vectors_wrong_authority() {
    check::wrong_authority(committed());
}

#[test]
fn vectors_consent_gate() {
    check::consent_gate(committed());
}

#[test]
fn vectors_version() {
    assert_eq!(committed()["version"], 2);
}

#[test]
fn vectors_bls() {
    check::bls(committed());
}

#[test]
fn vectors_consent() {
    check::consent(committed());
}

#[test]
fn vectors_chain() {
    check::chain(committed());
}
