//! Passphrase-protected key files: every secret key type, written to and read from an
//! [age](https://age-encryption.org/v1) file with a passphrase (scrypt) recipient
//! (`docs/keyfiles.md`; the design and its reviews: `docs/revocation.md` §8.10, §10, §12).
//!
//! Why age and not a format of our own: it is a published, reviewed file format with
//! independent implementations (Go `age`, `rage`, `typage`), so a clinic can still open its
//! key files with a standard tool if cipherchart is gone, and we invent no cryptography.
//! Inside the age payload is one label line, `cipherchart-key-file 1 <type>\n`, then the
//! key's own canonical encoding (`docs/formats.md`), checked again on decoding.
//!
//! The parts: [`label`] (the inner label's grammar), `envelope` (age encryption, the work
//! factor bounds and the error map), `files` (the crash-safe write and the bounded read)
//! and this module's [`KeyFile`] trait, implemented by each secret key type.

mod label;

#[cfg(feature = "keyfile")]
mod envelope;
#[cfg(feature = "keyfile")]
mod files;
#[cfg(all(test, feature = "keyfile"))]
mod tests;

/// The scrypt work factor (`log2 N`) key files are written with unless the caller picks
/// another: 256 MiB of memory and about a second on a current laptop.
pub const KEY_FILE_WORK_FACTOR: u8 = 18;
/// The lowest work factor written or accepted: files from tools with weaker settings are
/// refused (`WorkFactorTooLow`).
pub const MIN_KEY_FILE_WORK_FACTOR: u8 = 15;
/// The highest work factor a caller may choose for writing or allow for reading (1 GiB
/// of memory). Readers accept at most [`KEY_FILE_WORK_FACTOR`] unless raised.
pub const MAX_KEY_FILE_WORK_FACTOR: u8 = 20;
/// The largest key file read, armored or not: 1 MiB.
pub const MAX_KEY_FILE_LEN: usize = 1 << 20;

#[cfg(feature = "keyfile")]
pub use self::api::{KeyFile, KeyFileOptions};

#[cfg(feature = "keyfile")]
mod api;
