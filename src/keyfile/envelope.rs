//! age encryption of a key file's payload, the work-factor bounds and the error map
//! (`docs/keyfiles.md`, "Errors").
//!
//! Writing uses `Encryptor::with_recipients` with one scrypt recipient whose work factor
//! is set explicitly: `with_user_passphrase` would pick one by timing the machine (up to
//! 21 or more on a fast one, which small readers cannot afford). Reading sets the
//! identity's maximum on every call (age's default is the machine's speed plus 4, gigabytes
//! on a fast machine) and refuses stanzas below [`MIN_KEY_FILE_WORK_FACTOR`] before any
//! scrypt runs.

use std::cell::Cell;
use std::io::{Read, Write};
use std::iter;

use age::secrecy::SecretString;
use age::DecryptError;
use age_core::format::{FileKey, Stanza};
use zeroize::Zeroizing;

use super::{MAX_KEY_FILE_LEN, MIN_KEY_FILE_WORK_FACTOR};
use crate::error::{Error, KeyFileError, Result};

/// The age stanza tag of a passphrase recipient.
const SCRYPT_TAG: &str = "scrypt";

/// Encrypts `payload` to `passphrase` with scrypt work factor `log_n`: a binary age file.
pub(super) fn encrypt(payload: &[u8], passphrase: &str, log_n: u8) -> Result<Vec<u8>> {
    let mut recipient = age::scrypt::Recipient::new(secret(passphrase));
    // `log_n` was checked against MIN/MAX_KEY_FILE_WORK_FACTOR by the options, so
    // `set_work_factor`'s assertion (0 < log_n < 64) holds.
    recipient.set_work_factor(log_n);
    let encryptor = age::Encryptor::with_recipients(iter::once(&recipient as &dyn age::Recipient))
        .map_err(|_| Error::InvalidArgument("age refused the passphrase recipient"))?;
    // age's overhead: a header of about 200 bytes, 16 bytes of nonce, 16 of tag per 64 KiB.
    let mut out = Vec::with_capacity(payload.len() + 512);
    let mut writer = encryptor.wrap_output(&mut out).map_err(io_error)?;
    writer.write_all(payload).map_err(io_error)?;
    writer.finish().map_err(io_error)?;
    Ok(out)
}

/// Decrypts an age file (binary or armored) with `passphrase`, accepting work factors from
/// [`MIN_KEY_FILE_WORK_FACTOR`] to `max_log_n`: the payload, in a zeroizing buffer.
pub(super) fn decrypt(file: &[u8], passphrase: &str, max_log_n: u8) -> Result<Zeroizing<Vec<u8>>> {
    decrypt_bounded(file, passphrase, MIN_KEY_FILE_WORK_FACTOR, max_log_n)
}

/// [`decrypt`] with the floor as a parameter: the tests lower it to run age's test kit,
/// whose files use work factor 10.
pub(super) fn decrypt_bounded(
    file: &[u8],
    passphrase: &str,
    min_log_n: u8,
    max_log_n: u8,
) -> Result<Zeroizing<Vec<u8>>> {
    if file.len() > MAX_KEY_FILE_LEN {
        return Err(KeyFileError::Malformed.into());
    }
    // `ArmoredReader` passes binary input through and decodes `age -a` output.
    let armored = age::armor::ArmoredReader::new(file);
    let decryptor = age::Decryptor::new_buffered(armored).map_err(|e| map_error(e, None))?;
    if !decryptor.is_scrypt() {
        // An age file for other recipients (X25519, SSH, plugins), or with more than one
        // stanza beside a passphrase: not a key file.
        return Err(KeyFileError::Malformed.into());
    }
    let mut identity = age::scrypt::Identity::new(secret(passphrase));
    identity.set_max_work_factor(max_log_n);
    let guard = FloorGuard {
        inner: identity,
        floor: min_log_n,
        too_low: Cell::new(false),
    };
    let stream = decryptor
        .decrypt(iter::once(&guard as &dyn age::Identity))
        .map_err(|e| map_error(e, Some(guard.too_low.get())))?;
    // The payload is shorter than the file, so this buffer never grows: no copy of the
    // secret is left behind in a freed allocation.
    let mut payload = Zeroizing::new(Vec::with_capacity(file.len()));
    // Read to the end before anything is decoded: age checks the last chunk's tag (and
    // truncation) only there.
    stream
        .take(file.len() as u64)
        .read_to_end(&mut payload)
        .map_err(|_| Error::from(KeyFileError::Damaged))?;
    Ok(payload)
}

/// The passphrase in age's secret type (wiped on drop).
fn secret(passphrase: &str) -> SecretString {
    SecretString::from(passphrase.to_owned())
}

fn io_error(e: std::io::Error) -> Error {
    Error::Io(e.into())
}

/// age's error → cipherchart's (`docs/keyfiles.md`, the error map). `too_low` says whether
/// the floor guard refused the stanza (it reports that as `ExcessiveWork`, the only
/// refusal age's identity trait can carry).
fn map_error(e: DecryptError, too_low: Option<bool>) -> Error {
    let reason = match e {
        DecryptError::DecryptionFailed => KeyFileError::WrongPassphraseOrDamaged,
        DecryptError::InvalidMac => KeyFileError::HeaderMac,
        DecryptError::ExcessiveWork { .. } if too_low == Some(true) => {
            KeyFileError::WorkFactorTooLow
        }
        DecryptError::ExcessiveWork { .. } => KeyFileError::WorkFactorTooHigh,
        // InvalidHeader, UnknownFormat, NoMatchingKeys, KeyDecryptionFailed, and I/O
        // errors while the header is read (bad armor, truncation): not a key file.
        _ => KeyFileError::Malformed,
    };
    reason.into()
}

/// The scrypt identity, refusing stanzas below the minimum work factor before any scrypt
/// runs (age itself accepts any `log N` up to the maximum).
struct FloorGuard {
    inner: age::scrypt::Identity,
    floor: u8,
    too_low: Cell<bool>,
}

impl age::Identity for FloorGuard {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<std::result::Result<FileKey, DecryptError>> {
        if stanza.tag != SCRYPT_TAG {
            return None;
        }
        // age's own parser (in `inner`) enforces the canonical form of the argument; this
        // only needs to recognise a small canonical decimal.
        // Zero is no work factor at all: age refuses it as an invalid header.
        if let Some(log_n) = stanza.args.get(1).and_then(|a| canonical_decimal(a)) {
            if log_n != 0 && log_n < self.floor {
                self.too_low.set(true);
                return Some(Err(DecryptError::ExcessiveWork {
                    required: log_n,
                    target: self.floor,
                }));
            }
        }
        self.inner.unwrap_stanza(stanza)
    }
}

/// A decimal without sign or leading zero, below 100 (scrypt's `log N` is below 64).
fn canonical_decimal(arg: &str) -> Option<u8> {
    let bytes = arg.as_bytes();
    let canonical = !bytes.is_empty()
        && bytes.len() <= 2
        && bytes.iter().all(u8::is_ascii_digit)
        && !(bytes.len() > 1 && bytes[0] == b'0');
    if canonical {
        arg.parse().ok()
    } else {
        None
    }
}

/// The `log N` of the file's scrypt stanza, for tests: parses the binary header's stanza
/// line `-> scrypt <salt> <log N>`.
#[cfg(test)]
pub(super) fn stanza_work_factor(file: &[u8]) -> Option<u8> {
    let text = String::from_utf8_lossy(&file[..file.len().min(400)]);
    let line = text.lines().find(|l| l.starts_with("-> scrypt "))?;
    canonical_decimal(line.split(' ').nth(3)?)
}
