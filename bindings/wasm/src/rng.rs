//! Randomness: the platform CSPRNG (`crypto.getRandomValues`) through getrandom's `js` backend.

/// The random number generator every randomised binding uses: `OsRng`, which on wasm32 calls
/// `crypto.getRandomValues` in browsers and Node (getrandom's `js` feature, see Cargo.toml).
pub fn rng() -> rand_core::OsRng {
    rand_core::OsRng
}
