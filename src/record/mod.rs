//! Sealed records (`docs/security.md` §2 and §5): the FO-KEM over FAME plus a ChaCha20-Poly1305 DEM,
//! streams of chunks for large payloads, and sessions for sensor series.
//!
//! A sealed record carries its re-encryption hops as data (`record/hop.rs`); making them and
//! opening through them is [`crate::pre`]'s job (`UserKey::open` lives there).

mod chain_entry;
pub(crate) mod envelope;
mod frames;
mod header_v3;
pub(crate) mod hop;
pub(crate) mod hop_v3;
pub(crate) mod kem;
pub(crate) mod rewrap;
pub(crate) mod sealed;
pub(crate) mod sealed_v3;
pub(crate) mod session;
pub(crate) mod session_catch_up;
pub(crate) mod session_resealer;
pub(crate) mod session_v3;
pub(crate) mod stream;
pub(crate) mod stream_catch_up;
pub(crate) mod stream_v3;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_v3;
pub(crate) mod trailer;

pub use hop::{GrantRef, MAX_HOPS, MAX_RECORD_OPEN_COST};
pub use sealed::{seal, SealedRecord, MAX_METADATA_LEN, MAX_PAYLOAD_LEN, MAX_RECORD_ID_LEN};
