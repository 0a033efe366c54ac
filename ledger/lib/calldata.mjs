// cipherchart objects ↔ the ledger contracts' calldata and events: `cipherchart/ledger`, the
// npm package's module (source: bindings/wasm/js/ledger.js; docs/ledger.md), re-exported from
// the built package so that the ledger tests and the example run exactly what users import.
// Build the package first (scripts/build-wasm → bindings/wasm/pkg); without it this import
// fails with ERR_MODULE_NOT_FOUND naming bindings/wasm/pkg/ledger/index.js.
export * from '../../bindings/wasm/pkg/ledger/index.js';
