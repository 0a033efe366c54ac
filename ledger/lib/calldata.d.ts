// Types of ledger/lib/calldata.mjs: those of `cipherchart/ledger`, which it re-exports from the
// built npm package (bindings/wasm/pkg; source bindings/wasm/js/ledger.d.ts).
export * from '../../bindings/wasm/pkg/ledger/index.js';
