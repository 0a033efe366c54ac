//! Crash-safe writing and bounded reading of key files on disk (`docs/keyfiles.md`,
//! "On disk").
//!
//! A key file is written to a new temporary file in the target's directory (created
//! exclusively, readable by its owner only on Unix, under an unpredictable name), synced,
//! then published under its name, and the directory is synced. Publishing does not
//! replace an existing file unless asked: overwriting a key file by mistake loses a key.
//! On any error before publishing, the temporary file is removed: no partial or stray
//! file is left behind, and the target is untouched.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use rand_core::{OsRng, RngCore};

use super::MAX_KEY_FILE_LEN;
use crate::error::{Error, KeyFileError, Result};

/// The steps of a write before publishing, which the tests interrupt one by one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    Write,
    Sync,
    Publish,
}

#[cfg(test)]
thread_local! {
    /// The step at which the next write on this thread fails (tests only).
    pub(super) static FAIL_AT: std::cell::Cell<Option<Step>> = const { std::cell::Cell::new(None) };
}

/// Fails with an injected I/O error if a test asked for `step` to fail; nothing outside
/// the tests.
#[allow(clippy::unnecessary_wraps, unused_variables)]
fn checkpoint(step: Step) -> std::io::Result<()> {
    #[cfg(test)]
    if FAIL_AT.with(std::cell::Cell::get) == Some(step) {
        return Err(std::io::Error::other("injected failure"));
    }
    Ok(())
}

/// Writes `bytes` to `path` crash-safely; replaces an existing file only if `replace`.
pub(super) fn write_new(path: &Path, bytes: &[u8], replace: bool) -> Result<()> {
    if path.file_name().is_none() {
        return Err(Error::InvalidArgument(
            "a key file path must end in a file name",
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // The temporary name does not repeat the target's, so that a legal long name (up to
    // the file system's 255 bytes) never makes an illegal temporary one.
    let mut random = [0u8; 12];
    OsRng.fill_bytes(&mut random);
    let suffix: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let tmp_name = format!(".cipherchart-key-{suffix}.tmp");
    let tmp = dir.join(tmp_name);

    let file = create_exclusive(&tmp).map_err(io)?;
    let published = fill_and_publish(file, &tmp, path, bytes, replace);
    match published {
        Ok(()) => {
            // Best effort, and never an error: the file is published (and, replacing, the
            // old one is gone), so failing now would report a write that happened. A
            // directory that cannot be opened for reading (mode 0300) is not synced.
            let _ = sync_dir(&dir);
            Ok(())
        }
        Err(e) => {
            // Best effort: the error that matters is `e`. A temporary file that cannot be
            // removed holds only the passphrase-encrypted key.
            let _ = fs::remove_file(&tmp);
            Err(io(e))
        }
    }
}

fn fill_and_publish(
    file: File,
    tmp: &Path,
    path: &Path,
    bytes: &[u8],
    replace: bool,
) -> std::io::Result<()> {
    // The file is closed when `fill` returns, before it is published (Windows cannot
    // rename an open file).
    fill(file, bytes)?;
    checkpoint(Step::Publish)?;
    if replace {
        // Atomic on Unix (rename(2)) and Windows (MoveFileExW with REPLACE_EXISTING).
        fs::rename(tmp, path)
    } else {
        publish_no_clobber(tmp, path)
    }
}

/// Writes and syncs the whole file, then closes it.
fn fill(mut file: File, bytes: &[u8]) -> std::io::Result<()> {
    checkpoint(Step::Write)?;
    file.write_all(bytes)?;
    checkpoint(Step::Sync)?;
    file.sync_all()
}

/// Gives `tmp` the name `path` unless `path` exists: a hard link fails atomically if the
/// name is taken, then the temporary name is removed. File systems without hard links
/// (FAT, some network shares) fall back to a check then a rename, which a concurrent
/// writer could race; `docs/keyfiles.md` says so.
fn publish_no_clobber(tmp: &Path, path: &Path) -> std::io::Result<()> {
    match fs::hard_link(tmp, path) {
        Ok(()) => match fs::remove_file(tmp) {
            Err(e) if e.kind() != ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            if fs::symlink_metadata(path).is_ok() {
                return Err(ErrorKind::AlreadyExists.into());
            }
            fs::rename(tmp, path)
        }
    }
}

#[cfg(unix)]
fn create_exclusive(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create_new(true) // O_CREAT | O_EXCL: never follows or reuses an existing name.
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_exclusive(path: &Path) -> std::io::Result<File> {
    // CREATE_NEW on Windows. The file inherits the directory's access control list.
    OpenOptions::new().write(true).create_new(true).open(path)
}

/// Makes the new directory entry durable (Unix); elsewhere the file's own sync suffices
/// as far as the platform lets a program ask.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Reads a key file of at most [`MAX_KEY_FILE_LEN`] bytes (the file is encrypted: its
/// bytes are not secret).
pub(super) fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    // Only a regular file: opening a FIFO for reading would wait for a writer forever, and
    // a device could be read without end. (A file swapped for a FIFO between this check
    // and the open can still block; that needs write access to the key's directory.)
    if !std::fs::metadata(path).map_err(io)?.is_file() {
        return Err(Error::Io(
            std::io::Error::new(ErrorKind::InvalidInput, "not a regular file").into(),
        ));
    }
    let file = File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE_LEN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > MAX_KEY_FILE_LEN {
        return Err(KeyFileError::Malformed.into());
    }
    Ok(bytes)
}

fn io(e: std::io::Error) -> Error {
    Error::Io(e.into())
}
