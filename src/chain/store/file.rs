//! The embedded crash-safe append-only file store.
//!
//! File layout (`docs/formats.md`, "Chain file store"): an 8-byte header
//! `"CCLOG" 00 00 01`, then records back to back, each
//! `len: u32 ‖ payload (len bytes) ‖ check: fixed[8]` with
//! `check = SHA-256(STORE_RECORD tag ‖ u64 index ‖ u32 len ‖ payload)[..8]`.
//!
//! Why it is crash safe:
//! - an append writes the whole record at the end of the file and calls
//!   `File::sync_data` before it returns, so an acknowledged record is on stable
//!   storage; a failed write is cut off again before the error is returned;
//! - a crash can only leave a *torn tail*: a record cut short, or one whose bytes did
//!   not all reach the disk. Opening for writing scans the file, keeps the longest
//!   prefix of complete records whose length and checksum are valid, copies anything
//!   after it to a side file (`<file>.dropped-<offset>`, never silently deleted) and
//!   truncates the file there, then reports it in a [`Recovery`];
//! - the checksum covers the record's index, so a record duplicated or moved by a
//!   faulty disk or filesystem fails too;
//! - the in-memory record count grows only after the record is durable, and every read
//!   re-checks the checksum, so no reader in this process sees a partial or damaged
//!   record; a reader in another process uses [`FileStore::open_read_only`], which
//!   stops at the last complete record and never modifies the file.
//!
//! One writer at a time: a writer holds an advisory exclusive lock on the file
//! (`File::try_lock`: `flock` on Unix, `LockFileEx` on Windows) for as long as it lives,
//! taken before the file is scanned or recovered, so a second writer — in this process or
//! another — is refused with [`ChainErrorKind::Locked`] and changes nothing. The lock is
//! advisory: a program that ignores it can still write. So before each append the writer
//! checks that the file is still the length it last wrote; if it is not, the append is
//! refused with [`ChainErrorKind::FileChanged`] and nothing is written (reopen to recover).
//! Readers ([`FileStore::open_read_only`]) take no lock and are never refused.

use core::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{BufReader, ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::memory::check_record_len;
use super::Store;
use crate::error::{ChainError, ChainErrorKind, EncodingError, Error, Result};
use crate::hash::dst;

/// The largest record a store accepts (1 MiB; an entry is at most about 67 KB).
pub const MAX_RECORD_LEN: usize = 1 << 20;

/// The file header: magic `CCLOG`, two reserved zero bytes, format version 1.
const FILE_MAGIC: [u8; 8] = *b"CCLOG\x00\x00\x01";
const HEADER: u64 = FILE_MAGIC.len() as u64;
const LEN_BYTES: usize = 4;
const CHECK_BYTES: usize = 8;
/// Per-record overhead: length prefix and checksum.
const OVERHEAD: u64 = (LEN_BYTES + CHECK_BYTES) as u64;

/// What opening a [`FileStore`] found and did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recovery {
    /// Complete, valid records kept.
    pub records: u64,
    /// Bytes of the file kept (header and records).
    pub kept_bytes: u64,
    /// Bytes after the last valid record that were cut off (0 for a clean file).
    /// A read-only open reports them but leaves the file as it is.
    pub dropped_bytes: u64,
    /// Whether the dropped bytes began with a record of valid length that failed its
    /// checksum or had an impossible length (damage), rather than a record cut short
    /// (a torn write). Best effort: a torn write can look like damage.
    pub damaged: bool,
    /// Where the dropped bytes were saved before the file was truncated.
    pub saved_to: Option<PathBuf>,
}

impl Recovery {
    /// Whether the file was complete and undamaged.
    pub fn is_clean(&self) -> bool {
        self.dropped_bytes == 0
    }
}

/// The default [`Store`]: an append-only file with length-prefixed, checksummed
/// records, `fsync` before every acknowledgement and torn-tail recovery on open.
///
/// ```
/// use cipherchart::{FileStore, Store};
/// let dir = std::env::temp_dir().join(format!("cc-doc-store-{}", std::process::id()));
/// let _ = std::fs::remove_file(&dir);
/// let mut store = FileStore::create(&dir)?;
/// store.append(b"first")?;
/// store.append(b"second")?;
/// drop(store);
/// let store = FileStore::open(&dir)?;
/// assert!(store.recovery().is_clean());
/// assert_eq!(store.get(1)?, b"second");
/// # std::fs::remove_file(&dir)?;
/// # Ok::<(), cipherchart::Error>(())
/// ```
pub struct FileStore {
    path: PathBuf,
    /// The write handle, positioned at `end`; `None` when opened read-only.
    writer: Option<File>,
    /// A separate read handle (a clone would share the write position).
    reader: Mutex<File>,
    /// The file offset of every record.
    offsets: Vec<u64>,
    /// The offset just past the last complete record.
    end: u64,
    /// Set when a failed write could not be undone: appends are refused until reopen.
    poisoned: bool,
    recovery: Recovery,
}

impl fmt::Debug for FileStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileStore")
            .field("path", &self.path)
            .field("records", &self.offsets.len())
            .field("read_only", &self.writer.is_none())
            .field("poisoned", &self.poisoned)
            .finish_non_exhaustive()
    }
}

impl FileStore {
    /// Creates a new, empty store file; fails if `path` exists. The header and the
    /// directory entry are synced before it returns. The store is the file's one writer
    /// until it is dropped, as for [`FileStore::open`].
    ///
    /// # Errors
    ///
    /// [`Error::Io`] (`AlreadyExists` if the file exists).
    pub fn create(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)?;
        lock_writer(&file)?;
        file.write_all(&FILE_MAGIC)?;
        file.sync_all()?;
        sync_parent_dir(path)?;
        Self::from_parts(
            path,
            file,
            Vec::new(),
            HEADER,
            Recovery {
                kept_bytes: HEADER,
                ..Recovery::default()
            },
        )
    }

    /// Opens an existing store for appending, recovering a torn tail: the file is
    /// truncated after the last complete, valid record, and the bytes cut off are
    /// first saved to `<path>.dropped-<offset>`. What happened is in
    /// [`FileStore::recovery`]. The store is the file's one writer until it is dropped
    /// (an exclusive advisory lock, taken before anything is read).
    ///
    /// # Errors
    ///
    /// [`Error::Chain`] with [`ChainErrorKind::Locked`] (index 0) if another writer, in
    /// this process or another, has the file open (nothing is changed then);
    /// [`Error::Io`] (`NotFound` if there is no file); `InvalidEncoding(WrongType)` or
    /// `InvalidEncoding(UnsupportedVersion)` if the file is not a store of this
    /// version (such a file is never modified).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let mut file = OpenOptions::new().read(true).write(true).open(path)?;
        lock_writer(&file)?;
        let file_len = file.metadata()?.len();
        if file_len < HEADER {
            // A crash while creating the file: nothing was ever acknowledged in it.
            check_header_prefix(&mut file, file_len)?;
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            file.write_all(&FILE_MAGIC)?;
            file.sync_all()?;
            return Self::from_parts(
                path,
                file,
                Vec::new(),
                HEADER,
                Recovery {
                    kept_bytes: HEADER,
                    ..Recovery::default()
                },
            );
        }
        let scan = scan_file(&file, file_len)?;
        let mut recovery = scan.recovery(file_len);
        if !recovery.is_clean() {
            recovery.saved_to = Some(save_dropped(path, &mut file, scan.end, file_len)?);
            file.set_len(scan.end)?;
            file.sync_all()?;
        }
        Self::from_parts(path, file, scan.offsets, scan.end, recovery)
    }

    /// Opens an existing store, or creates it if there is no file at `path`.
    ///
    /// # Errors
    ///
    /// As [`FileStore::open`] and [`FileStore::create`].
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Self> {
        match Self::open(path.as_ref()) {
            Err(Error::Io(e)) if e.kind() == ErrorKind::NotFound => Self::create(path),
            other => other,
        }
    }

    /// Opens a store for reading only, for example while another process appends to
    /// it: reads the complete, valid records and ignores anything after them (a record
    /// being written), without modifying the file. [`Store::append`] is refused.
    ///
    /// # Errors
    ///
    /// As [`FileStore::open`].
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let mut file = File::open(path)?;
        let file_len = file.metadata()?.len();
        if file_len < HEADER {
            check_header_prefix(&mut file, file_len)?;
            let reader = Mutex::new(File::open(path)?);
            return Ok(Self {
                path: path.to_path_buf(),
                writer: None,
                reader,
                offsets: Vec::new(),
                end: file_len,
                poisoned: false,
                recovery: Recovery {
                    kept_bytes: file_len,
                    ..Recovery::default()
                },
            });
        }
        let scan = scan_file(&file, file_len)?;
        let recovery = scan.recovery(file_len);
        Ok(Self {
            path: path.to_path_buf(),
            writer: None,
            reader: Mutex::new(file),
            offsets: scan.offsets,
            end: scan.end,
            poisoned: false,
            recovery,
        })
    }

    /// What opening found (clean for a store just created).
    pub fn recovery(&self) -> &Recovery {
        &self.recovery
    }

    /// The path of the store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn from_parts(
        path: &Path,
        mut writer: File,
        offsets: Vec<u64>,
        end: u64,
        mut recovery: Recovery,
    ) -> Result<Self> {
        writer.seek(SeekFrom::Start(end))?;
        recovery.records = offsets.len() as u64;
        Ok(Self {
            path: path.to_path_buf(),
            writer: Some(writer),
            reader: Mutex::new(File::open(path)?),
            offsets,
            end,
            poisoned: false,
            recovery,
        })
    }

    fn store_error(&self, index: u64) -> Error {
        ChainError {
            index,
            kind: ChainErrorKind::Store,
        }
        .into()
    }

    /// Reads and checks record `index` from `r`, positioned at its start.
    fn read_record(r: &mut impl Read, index: u64) -> core::result::Result<Vec<u8>, ReadFault> {
        let mut len = [0u8; LEN_BYTES];
        r.read_exact(&mut len)?;
        let len = u32::from_be_bytes(len) as usize;
        if len == 0 || len > MAX_RECORD_LEN {
            return Err(ReadFault::Damaged);
        }
        let mut payload = vec![0u8; len];
        r.read_exact(&mut payload)?;
        let mut check = [0u8; CHECK_BYTES];
        r.read_exact(&mut check)?;
        if check != checksum(index, &payload) {
            return Err(ReadFault::Damaged);
        }
        Ok(payload)
    }
}

impl Store for FileStore {
    fn len(&self) -> u64 {
        self.offsets.len() as u64
    }

    fn append(&mut self, record: &[u8]) -> Result<()> {
        check_record_len(record.len())?;
        let index = self.len();
        if self.poisoned {
            return Err(self.store_error(index));
        }
        let Some(file) = self.writer.as_mut() else {
            return Err(self.store_error(index));
        };
        // The lock is advisory: make sure nobody else wrote to (or cut) the file since our
        // last append, or this record would overwrite theirs or leave a gap.
        if file.metadata()?.len() != self.end {
            return Err(ChainError {
                index,
                kind: ChainErrorKind::FileChanged,
            }
            .into());
        }
        let mut buf = Vec::with_capacity(record.len() + OVERHEAD as usize);
        buf.extend_from_slice(&(record.len() as u32).to_be_bytes());
        buf.extend_from_slice(record);
        buf.extend_from_slice(&checksum(index, record));
        if let Err(e) = file.write_all(&buf).and_then(|()| file.sync_data()) {
            // Cut off whatever part of the record was written, so that neither this
            // process nor a later open can take it for an acknowledged record.
            let end = self.end;
            let undo = file
                .set_len(end)
                .and_then(|()| file.seek(SeekFrom::Start(end)).map(drop))
                .and_then(|()| file.sync_data());
            if undo.is_err() {
                self.poisoned = true;
            }
            return Err(e.into());
        }
        self.offsets.push(self.end);
        self.end += buf.len() as u64;
        Ok(())
    }

    fn get(&self, index: u64) -> Result<Vec<u8>> {
        let offset = usize::try_from(index)
            .ok()
            .and_then(|i| self.offsets.get(i))
            .copied()
            .ok_or(Error::InvalidArgument("record index beyond the store"))?;
        let mut reader = self.reader.lock().map_err(|_| self.store_error(index))?;
        reader.seek(SeekFrom::Start(offset))?;
        Self::read_record(&mut *reader, index).map_err(|f| f.into_error(index))
    }

    fn scan(&self, f: &mut dyn FnMut(u64, &[u8]) -> Result<()>) -> Result<()> {
        let mut reader = self.reader.lock().map_err(|_| self.store_error(0))?;
        reader.seek(SeekFrom::Start(HEADER))?;
        let mut buffered = BufReader::with_capacity(1 << 20, &mut *reader);
        for index in 0..self.len() {
            let record =
                Self::read_record(&mut buffered, index).map_err(|e| e.into_error(index))?;
            f(index, &record)?;
        }
        Ok(())
    }
}

/// Takes the exclusive advisory lock of the writer on `file`, without waiting: another
/// writer holding it is [`ChainErrorKind::Locked`]. The lock lasts as long as the handle.
// `File::try_lock` is stable since Rust 1.89: the crate's rust-version.
fn lock_writer(file: &File) -> Result<()> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(TryLockError::WouldBlock) => Err(ChainError {
            index: 0,
            kind: ChainErrorKind::Locked,
        }
        .into()),
        Err(TryLockError::Error(e)) => Err(e.into()),
    }
}

/// Why a record could not be read back.
enum ReadFault {
    Io(std::io::Error),
    Damaged,
}

impl From<std::io::Error> for ReadFault {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

impl ReadFault {
    fn into_error(self, index: u64) -> Error {
        match self {
            // The file is shorter than a record we acknowledged: someone truncated it.
            Self::Io(e) if e.kind() == ErrorKind::UnexpectedEof => ChainError {
                index,
                kind: ChainErrorKind::Store,
            }
            .into(),
            Self::Io(e) => e.into(),
            Self::Damaged => ChainError {
                index,
                kind: ChainErrorKind::Store,
            }
            .into(),
        }
    }
}

/// The checksum of record `index`.
fn checksum(index: u64, payload: &[u8]) -> [u8; CHECK_BYTES] {
    let mut h = Sha256::new();
    h.update(dst::STORE_RECORD);
    h.update(index.to_be_bytes());
    h.update((payload.len() as u32).to_be_bytes());
    h.update(payload);
    let d = h.finalize();
    let mut out = [0u8; CHECK_BYTES];
    out.copy_from_slice(&d[..CHECK_BYTES]);
    out
}

/// The result of scanning a store file from its header.
struct Scan {
    offsets: Vec<u64>,
    end: u64,
    damaged: bool,
}

impl Scan {
    fn recovery(&self, file_len: u64) -> Recovery {
        Recovery {
            records: self.offsets.len() as u64,
            kept_bytes: self.end,
            dropped_bytes: file_len - self.end,
            damaged: self.damaged,
            saved_to: None,
        }
    }
}

/// Checks the header of a file of at least `HEADER` bytes and finds the longest prefix
/// of complete, valid records.
fn scan_file(file: &File, file_len: u64) -> Result<Scan> {
    let mut r = BufReader::with_capacity(1 << 20, file);
    r.seek(SeekFrom::Start(0))?;
    let mut magic = [0u8; FILE_MAGIC.len()];
    r.read_exact(&mut magic)?;
    check_magic(&magic)?;
    let mut scan = Scan {
        offsets: Vec::new(),
        end: HEADER,
        damaged: false,
    };
    loop {
        let rest = file_len - scan.end;
        if rest == 0 {
            return Ok(scan);
        }
        if rest < LEN_BYTES as u64 {
            return Ok(scan); // torn inside the length prefix
        }
        let mut len = [0u8; LEN_BYTES];
        r.read_exact(&mut len)?;
        let len = u64::from(u32::from_be_bytes(len));
        if len == 0 || len > MAX_RECORD_LEN as u64 {
            scan.damaged = true;
            return Ok(scan);
        }
        if rest < len + OVERHEAD {
            return Ok(scan); // torn: the record is cut short
        }
        let mut payload = vec![0u8; len as usize];
        r.read_exact(&mut payload)?;
        let mut check = [0u8; CHECK_BYTES];
        r.read_exact(&mut check)?;
        let index = scan.offsets.len() as u64;
        if check != checksum(index, &payload) {
            scan.damaged = true;
            return Ok(scan);
        }
        scan.offsets.push(scan.end);
        scan.end += len + OVERHEAD;
    }
}

fn check_magic(magic: &[u8; 8]) -> Result<()> {
    if magic[..7] != FILE_MAGIC[..7] {
        return Err(EncodingError::WrongType.into());
    }
    if magic[7] != FILE_MAGIC[7] {
        return Err(EncodingError::UnsupportedVersion.into());
    }
    Ok(())
}

/// A file shorter than the header must be a prefix of it (a creation cut short).
fn check_header_prefix(file: &mut File, file_len: u64) -> Result<()> {
    let mut head = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    file.take(file_len).read_to_end(&mut head)?;
    if !FILE_MAGIC.starts_with(&head) {
        return Err(EncodingError::WrongType.into());
    }
    Ok(())
}

/// Copies `[from, to)` of `file` to a new side file next to `path` and syncs it.
fn save_dropped(path: &Path, file: &mut File, from: u64, to: u64) -> Result<PathBuf> {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".dropped-{from}"));
    let base = PathBuf::from(name);
    let mut target = base.clone();
    let mut n = 1u32;
    let mut out = loop {
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
        {
            Ok(f) => break f,
            Err(e) if e.kind() == ErrorKind::AlreadyExists && n < 1000 => {
                let mut name = base.as_os_str().to_owned();
                name.push(format!("-{n}"));
                target = PathBuf::from(name);
                n += 1;
            }
            Err(e) => return Err(e.into()),
        }
    };
    file.seek(SeekFrom::Start(from))?;
    std::io::copy(&mut (&*file).take(to - from), &mut out)?;
    out.sync_all()?;
    sync_parent_dir(path)?;
    Ok(target)
}

/// Makes a new directory entry durable (POSIX needs an fsync of the directory).
#[cfg(unix)]
fn sync_parent_dir(path: &Path) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(parent)?.sync_all()?;
    Ok(())
}

/// Other platforms have no directory fsync; their file systems order the entry.
#[cfg(not(unix))]
fn sync_parent_dir(_path: &Path) -> Result<()> {
    Ok(())
}
