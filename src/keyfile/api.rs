//! The public face of key files: [`KeyFile`], implemented by every secret key type, and
//! [`KeyFileOptions`].

use std::path::Path;

use zeroize::Zeroizing;

use super::label::{self, KeyType};
use super::{envelope, files};
use super::{KEY_FILE_WORK_FACTOR, MAX_KEY_FILE_WORK_FACTOR, MIN_KEY_FILE_WORK_FACTOR};
use crate::abe::UserKey;
use crate::error::{Error, KeyFileError, Result};
use crate::pre::{DelegationKey, ReKey};
use crate::sig::BlsSigningKey;

/// How key files are written and read: the scrypt work factor to write with, the highest
/// one to accept when reading, and whether writing may replace an existing file.
///
/// ```
/// use cipherchart::KeyFileOptions;
/// let strong = KeyFileOptions::new().with_work_factor(20)?.with_max_work_factor(20)?;
/// assert_eq!(strong.work_factor(), 20);
/// assert!(KeyFileOptions::new().with_work_factor(14).is_err()); // below the minimum
/// # Ok::<(), cipherchart::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyFileOptions {
    work_factor: u8,
    max_work_factor: u8,
    replace_existing: bool,
}

impl Default for KeyFileOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyFileOptions {
    /// The defaults: write with [`KEY_FILE_WORK_FACTOR`] (18), read up to 18, never
    /// replace an existing file.
    ///
    /// [`KEY_FILE_WORK_FACTOR`]: crate::limits::KEY_FILE_WORK_FACTOR
    pub const fn new() -> Self {
        Self {
            work_factor: KEY_FILE_WORK_FACTOR,
            max_work_factor: KEY_FILE_WORK_FACTOR,
            replace_existing: false,
        }
    }

    /// Writes with scrypt work factor `log_n` (memory `2^log_n` KiB): 15 to 20. Readers
    /// accept above 18 only if they raise their maximum.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] outside 15..=20.
    pub fn with_work_factor(self, log_n: u8) -> Result<Self> {
        check_range(log_n)?;
        Ok(Self {
            work_factor: log_n,
            ..self
        })
    }

    /// Reads files of work factor at most `log_n` (15 to 20; 18 by default). Raise it only
    /// for files you expect: a file's work factor is the memory and time its reader spends
    /// before the passphrase is checked (1 GiB at 20).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] outside 15..=20, or above 18 in WebAssembly (whose
    /// linear memory never shrinks after a large allocation).
    pub fn with_max_work_factor(self, log_n: u8) -> Result<Self> {
        check_range(log_n)?;
        if cfg!(target_arch = "wasm32") && log_n > KEY_FILE_WORK_FACTOR {
            return Err(Error::InvalidArgument(
                "WebAssembly reads key files of work factor at most 18",
            ));
        }
        Ok(Self {
            max_work_factor: log_n,
            ..self
        })
    }

    /// Lets [`KeyFile::write_key_file_with`] replace an existing file (atomically). Off by
    /// default: overwriting a key file by mistake loses the key.
    pub const fn replacing_existing(self, replace: bool) -> Self {
        Self {
            replace_existing: replace,
            ..self
        }
    }

    /// The work factor files are written with.
    pub const fn work_factor(&self) -> u8 {
        self.work_factor
    }

    /// The highest work factor accepted when reading.
    pub const fn max_work_factor(&self) -> u8 {
        self.max_work_factor
    }

    /// Whether writing may replace an existing file.
    pub const fn replaces_existing(&self) -> bool {
        self.replace_existing
    }
}

/// Refuses a passphrase holding NUL: scrypt's PBKDF2 pads the passphrase with zero bytes,
/// so `café` and `café\0` would open the same file (every age implementation shares this;
/// finding KF-5 of `tests/encodings_vectors/keyfile_attacks.rs`). Refused on reading too,
/// so that "a different passphrase" never opens a file.
fn check_passphrase(passphrase: &str) -> Result<()> {
    if passphrase.contains('\0') {
        return Err(KeyFileError::InvalidPassphrase.into());
    }
    Ok(())
}

fn check_range(log_n: u8) -> Result<()> {
    if (MIN_KEY_FILE_WORK_FACTOR..=MAX_KEY_FILE_WORK_FACTOR).contains(&log_n) {
        Ok(())
    } else {
        Err(Error::InvalidArgument(
            "a key file's work factor must be from 15 to 20",
        ))
    }
}

/// The key types' side of [`KeyFile`], out of callers' reach (a sealed trait: only this
/// crate implements it, and nobody outside can call it).
mod sealed {
    use zeroize::Zeroizing;

    use crate::error::Result;
    use crate::keyfile::label::KeyType;

    pub trait Sealed: Sized {
        /// The type named in the file's label.
        const KEY_TYPE: KeyType;
        /// The key's canonical encoding (secret: in a zeroizing buffer).
        fn key_bytes(&self) -> Zeroizing<Vec<u8>>;
        /// Decodes the key from its canonical encoding, with every check of its decoder.
        fn from_key_bytes(bytes: &[u8]) -> Result<Self>;
    }
}

/// A secret key that can be kept in a passphrase-protected key file (`docs/keyfiles.md`):
/// an [age](https://age-encryption.org/v1) file with a passphrase (scrypt) recipient,
/// holding a label that names the key type and the key's canonical encoding.
///
/// Implemented by [`UserKey`], [`ReKey`], [`DelegationKey`] and [`BlsSigningKey`], and,
/// with the `hazmat` feature, by [`Authority`](crate::Authority) (the master key). Sealed.
///
/// Passphrases are UTF-8 strings used as they are (not normalised); an empty one is
/// refused when writing. Reading the wrong key type, a wrong passphrase, a damaged file or
/// a file asking for too much scrypt work are each a typed [`KeyFileError`].
///
/// ```
/// use cipherchart::{rand_core::OsRng, Authority, KeyFile, KeyFileOptions, UserKey};
///
/// let authority = Authority::setup(&mut OsRng);
/// let key = authority.issue_key(&["role:nurse"], &mut OsRng)?;
/// // The defaults (work factor 18) take about a second; 15 keeps this example short.
/// let fast = KeyFileOptions::new().with_work_factor(15)?;
/// let file = key.to_key_file_with("correct horse battery staple", &fast)?;
/// let back = UserKey::from_key_file(&file, "correct horse battery staple")?;
/// assert_eq!(back.attributes(), key.attributes());
/// assert!(UserKey::from_key_file(&file, "wrong").is_err());
/// # Ok::<(), cipherchart::Error>(())
/// ```
pub trait KeyFile: sealed::Sealed {
    /// This key as key-file bytes (a binary age file), with the default options.
    ///
    /// # Errors
    ///
    /// [`KeyFileError::InvalidPassphrase`] for an empty passphrase.
    fn to_key_file(&self, passphrase: &str) -> Result<Vec<u8>> {
        self.to_key_file_with(passphrase, &KeyFileOptions::new())
    }

    /// This key as key-file bytes, written with `options`' work factor.
    ///
    /// # Errors
    ///
    /// [`KeyFileError::InvalidPassphrase`] for an empty passphrase.
    fn to_key_file_with(&self, passphrase: &str, options: &KeyFileOptions) -> Result<Vec<u8>> {
        check_passphrase(passphrase)?;
        if passphrase.is_empty() {
            return Err(KeyFileError::InvalidPassphrase.into());
        }
        let key = self.key_bytes();
        let mut payload =
            Zeroizing::new(Vec::with_capacity(label::len(Self::KEY_TYPE) + key.len()));
        label::write(Self::KEY_TYPE, &key, &mut payload);
        envelope::encrypt(&payload, passphrase, options.work_factor)
    }

    /// Reads a key from key-file bytes (binary or armored), with the default options.
    ///
    /// # Errors
    ///
    /// A [`KeyFileError`] (`Error::KeyFile`) for a wrong passphrase, a damaged or foreign
    /// file, a work factor out of bounds or another key type; [`Error::InvalidEncoding`]
    /// if the key inside does not decode.
    fn from_key_file(bytes: &[u8], passphrase: &str) -> Result<Self> {
        Self::from_key_file_with(bytes, passphrase, &KeyFileOptions::new())
    }

    /// Reads a key from key-file bytes, accepting work factors up to `options`' maximum.
    ///
    /// # Errors
    ///
    /// As [`from_key_file`](Self::from_key_file).
    fn from_key_file_with(
        bytes: &[u8],
        passphrase: &str,
        options: &KeyFileOptions,
    ) -> Result<Self> {
        check_passphrase(passphrase)?;
        let payload = envelope::decrypt(bytes, passphrase, options.max_work_factor)?;
        Self::from_key_bytes(label::parse(&payload, Self::KEY_TYPE)?)
    }

    /// Writes this key to a new key file at `path` (crash-safe: a temporary file, synced,
    /// then published; never a partial file), with the default options: an existing file
    /// is not replaced.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] (`AlreadyExists` if `path` exists), and as
    /// [`to_key_file`](Self::to_key_file).
    fn write_key_file(&self, path: impl AsRef<Path>, passphrase: &str) -> Result<()> {
        self.write_key_file_with(path, passphrase, &KeyFileOptions::new())
    }

    /// Writes this key to a key file at `path` with `options`.
    ///
    /// # Errors
    ///
    /// As [`write_key_file`](Self::write_key_file).
    fn write_key_file_with(
        &self,
        path: impl AsRef<Path>,
        passphrase: &str,
        options: &KeyFileOptions,
    ) -> Result<()> {
        let bytes = self.to_key_file_with(passphrase, options)?;
        files::write_new(path.as_ref(), &bytes, options.replace_existing)
    }

    /// Reads a key from the key file at `path`, with the default options.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be read, and as
    /// [`from_key_file`](Self::from_key_file) (a file over 1 MiB is `Malformed`).
    fn read_key_file(path: impl AsRef<Path>, passphrase: &str) -> Result<Self> {
        Self::read_key_file_with(path, passphrase, &KeyFileOptions::new())
    }

    /// Reads a key from the key file at `path` with `options`.
    ///
    /// # Errors
    ///
    /// As [`read_key_file`](Self::read_key_file).
    fn read_key_file_with(
        path: impl AsRef<Path>,
        passphrase: &str,
        options: &KeyFileOptions,
    ) -> Result<Self> {
        let bytes = files::read_bounded(path.as_ref())?;
        Self::from_key_file_with(&bytes, passphrase, options)
    }
}

impl KeyFile for UserKey {}

impl sealed::Sealed for UserKey {
    const KEY_TYPE: KeyType = KeyType::UserKey;
    fn key_bytes(&self) -> Zeroizing<Vec<u8>> {
        self.to_bytes()
    }
    fn from_key_bytes(bytes: &[u8]) -> Result<Self> {
        Self::from_bytes(bytes)
    }
}

impl KeyFile for ReKey {}

impl sealed::Sealed for ReKey {
    const KEY_TYPE: KeyType = KeyType::ReKey;
    fn key_bytes(&self) -> Zeroizing<Vec<u8>> {
        self.to_bytes()
    }
    fn from_key_bytes(bytes: &[u8]) -> Result<Self> {
        Self::from_bytes(bytes)
    }
}

impl KeyFile for DelegationKey {}

impl sealed::Sealed for DelegationKey {
    const KEY_TYPE: KeyType = KeyType::DelegationKey;
    fn key_bytes(&self) -> Zeroizing<Vec<u8>> {
        self.to_bytes()
    }
    fn from_key_bytes(bytes: &[u8]) -> Result<Self> {
        Self::from_bytes(bytes)
    }
}

impl KeyFile for BlsSigningKey {}

impl sealed::Sealed for BlsSigningKey {
    const KEY_TYPE: KeyType = KeyType::BlsSigningKey;
    fn key_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.to_bytes().to_vec())
    }
    fn from_key_bytes(bytes: &[u8]) -> Result<Self> {
        Self::from_bytes(bytes)
    }
}

/// The master key: only with the `hazmat` feature, like its raw bytes.
#[cfg(feature = "hazmat")]
impl KeyFile for crate::abe::Authority {}

#[cfg(feature = "hazmat")]
impl sealed::Sealed for crate::abe::Authority {
    const KEY_TYPE: KeyType = KeyType::MasterKey;
    fn key_bytes(&self) -> Zeroizing<Vec<u8>> {
        self.export_master_key()
    }
    fn from_key_bytes(bytes: &[u8]) -> Result<Self> {
        Self::import_master_key(bytes)
    }
}
