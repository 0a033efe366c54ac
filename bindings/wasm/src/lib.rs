//! WebAssembly bindings for cipherchart (work in progress).
