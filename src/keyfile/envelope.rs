//! age encryption of a key file's payload, the header check and the error map
//! (`docs/keyfiles.md`, "Work factors" and "Errors").
//!
//! Writing uses `Encryptor::with_recipients` with one scrypt recipient whose work factor
//! is set explicitly: `with_user_passphrase` would pick one by timing the machine (up to
//! 21 or more on a fast one, which small readers cannot afford).
//!
//! Reading checks the header itself before age sees it ([`check_header`]): a key file's
//! header is exactly the version line, one `scrypt` stanza (a canonical salt and work
//! factor, a 32-byte body) and the MAC line, about 150 bytes. Anything else is refused in
//! time linear in a few hundred bytes, and the work factor is compared with the floor and
//! the reader's maximum before any scrypt runs. Two reasons not to leave this to age
//! 0.11: its header parser re-parses the header after each line (quadratic: a 1 MiB file
//! of tiny stanzas takes hours), and its work-factor parser reads the leading digits of
//! an argument and ignores the rest (`10x` runs scrypt at 10). The review that found
//! both is `tests/encodings_vectors/keyfile_attacks.rs` (KF-4, KF-6).

use std::io::{Read, Write};
use std::iter;

use age::secrecy::SecretString;
use age::DecryptError;
use zeroize::Zeroizing;

use super::{MAX_KEY_FILE_LEN, MIN_KEY_FILE_WORK_FACTOR};
use crate::error::{Error, KeyFileError, Result};

/// The first line of an armored age file.
const ARMOR_BEGIN: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";
/// The version line of an age v1 file.
const VERSION_LINE: &[u8] = b"age-encryption.org/v1";
/// The start of a passphrase stanza line.
const SCRYPT_STANZA: &[u8] = b"-> scrypt ";
/// The start of the header's MAC line.
const MAC_LINE: &[u8] = b"--- ";
/// The longest header [`check_header`] reads: the real one is about 150 bytes.
const MAX_HEADER: usize = 512;
/// Base64 (unpadded) lengths of the salt (16 bytes) and the wrapped file key (32 bytes).
const SALT_B64: usize = 22;
const BODY_B64: usize = 43;

/// Encrypts `payload` to `passphrase` with scrypt work factor `log_n`: a binary age file.
pub(super) fn encrypt(payload: &[u8], passphrase: &str, log_n: u8) -> Result<Vec<u8>> {
    let mut recipient = age::scrypt::Recipient::new(secret(passphrase));
    // `log_n` was checked against MIN/MAX_KEY_FILE_WORK_FACTOR by the options, so
    // `set_work_factor`'s assertion (0 < log_n < 64) holds.
    recipient.set_work_factor(log_n);
    let encryptor = age::Encryptor::with_recipients(iter::once(&recipient as &dyn age::Recipient))
        .map_err(|_| Error::InvalidArgument("age refused the passphrase recipient"))?;
    // age's overhead: a header of about 150 bytes, 16 bytes of nonce, 16 of tag per 64 KiB.
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
    let dearmored;
    let binary = if file.starts_with(ARMOR_BEGIN) {
        dearmored = dearmor(file)?;
        &dearmored[..]
    } else {
        file
    };
    check_header(binary, min_log_n, max_log_n)?;
    let decryptor = age::Decryptor::new_buffered(binary).map_err(map_error)?;
    if !decryptor.is_scrypt() {
        // Unreachable after `check_header` (one scrypt stanza), kept as age's own word.
        return Err(KeyFileError::Malformed.into());
    }
    let mut identity = age::scrypt::Identity::new(secret(passphrase));
    identity.set_max_work_factor(max_log_n);
    let stream = decryptor
        .decrypt(iter::once(&identity as &dyn age::Identity))
        .map_err(map_error)?;
    // The payload is shorter than the file, so this buffer never grows: no copy of the
    // secret is left behind in a freed allocation.
    let mut payload = Zeroizing::new(Vec::with_capacity(binary.len()));
    // Read to the end before anything is decoded: age checks the last chunk's tag (and
    // truncation) only there.
    stream
        .take(binary.len() as u64)
        .read_to_end(&mut payload)
        .map_err(|_| Error::from(KeyFileError::Damaged))?;
    Ok(payload)
}

/// The binary age file inside an armored one (`age -a`), at most [`MAX_KEY_FILE_LEN`]
/// bytes. Any armor error is `Malformed`.
fn dearmor(file: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(file.len());
    age::armor::ArmoredReader::new(file)
        .take(MAX_KEY_FILE_LEN as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| Error::from(KeyFileError::Malformed))?;
    Ok(out)
}

/// Checks that `file` opens with the header of a passphrase-only age file, and that its
/// work factor is within `min..=max`, reading at most [`MAX_HEADER`] bytes.
///
/// # Errors
///
/// `Malformed` for any other header; `WorkFactorTooLow` / `WorkFactorTooHigh` for a
/// canonical work factor out of bounds (zero is malformed: age refuses it too).
fn check_header(file: &[u8], min: u8, max: u8) -> Result<()> {
    let malformed = || Error::from(KeyFileError::Malformed);
    let head = &file[..file.len().min(MAX_HEADER)];
    let mut lines = head.split(|&b| b == b'\n');
    if lines.next() != Some(VERSION_LINE) {
        return Err(malformed());
    }
    let stanza = lines.next().ok_or_else(malformed)?;
    let args = stanza.strip_prefix(SCRYPT_STANZA).ok_or_else(malformed)?;
    let mut args = args.split(|&b| b == b' ');
    let (Some(salt), Some(log_n), None) = (args.next(), args.next(), args.next()) else {
        return Err(malformed());
    };
    let body = lines.next().ok_or_else(malformed)?;
    let mac = lines.next().ok_or_else(malformed)?;
    // The MAC line must be complete within the bytes read (another newline follows it).
    if lines.next().is_none() || !mac.starts_with(MAC_LINE) {
        return Err(malformed());
    }
    if salt.len() != SALT_B64 || body.len() != BODY_B64 || !is_base64(salt) || !is_base64(body) {
        return Err(malformed());
    }
    match canonical_decimal(log_n) {
        Some(0) | None => Err(malformed()),
        Some(n) if n < min => Err(KeyFileError::WorkFactorTooLow.into()),
        Some(n) if n > max => Err(KeyFileError::WorkFactorTooHigh.into()),
        Some(_) => Ok(()),
    }
}

/// The standard base64 alphabet (age uses it unpadded; canonical encoding of the last
/// character is left to age's own parser).
fn is_base64(text: &[u8]) -> bool {
    text.iter()
        .all(|&c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
}

/// The passphrase in age's secret type (wiped on drop).
fn secret(passphrase: &str) -> SecretString {
    SecretString::from(passphrase.to_owned())
}

fn io_error(e: std::io::Error) -> Error {
    Error::Io(e.into())
}

/// age's error → cipherchart's (`docs/keyfiles.md`, the error map).
fn map_error(e: DecryptError) -> Error {
    let reason = match e {
        DecryptError::DecryptionFailed => KeyFileError::WrongPassphraseOrDamaged,
        DecryptError::InvalidMac => KeyFileError::HeaderMac,
        DecryptError::ExcessiveWork { .. } => KeyFileError::WorkFactorTooHigh,
        // InvalidHeader, UnknownFormat, NoMatchingKeys, KeyDecryptionFailed, and I/O
        // errors while the header is read (truncation): not a key file.
        _ => KeyFileError::Malformed,
    };
    reason.into()
}

/// A decimal without sign or leading zero that fits a byte (scrypt's `log N` is below 64;
/// 64 to 255 are well formed and too high, 256 and above malformed).
fn canonical_decimal(arg: &[u8]) -> Option<u8> {
    let canonical = !arg.is_empty()
        && arg.len() <= 3
        && arg.iter().all(u8::is_ascii_digit)
        && !(arg.len() > 1 && arg[0] == b'0');
    if canonical {
        std::str::from_utf8(arg).ok()?.parse().ok()
    } else {
        None
    }
}

/// The `log N` of the file's scrypt stanza, for tests.
#[cfg(test)]
pub(super) fn stanza_work_factor(file: &[u8]) -> Option<u8> {
    let text = String::from_utf8_lossy(&file[..file.len().min(400)]);
    let line = text.lines().find(|l| l.starts_with("-> scrypt "))?;
    canonical_decimal(line.split(' ').nth(3)?.as_bytes())
}
