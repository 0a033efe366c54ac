//! WebAssembly bindings for cipherchart.
//!
//! Thin newtypes over the core types: every method is one call into `cipherchart`, with names
//! in JavaScript style (`Policy.parse`, `policy.isSatisfiedBy`). Errors are thrown as `Error`
//! subclasses with a stable `.code` (see `js/errors.js`). The npm package is assembled by
//! `scripts/build-wasm`: a `nodejs` build for Node and a `web` build (with `init()`) for
//! browsers, behind one conditional `exports` map.

mod errors;
mod policy;

pub use errors::to_js_err;
pub use policy::Policy;
