//! Output files written crash-safely: a temporary file beside the target, synced, then
//! given its name only if that name is free. Nothing half-written is ever left under a
//! real name, and nothing existing is overwritten.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files being written, removed by the Ctrl-C handler ([`remove_partials`]).
static PARTIALS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn register(path: &Path) {
    if let Ok(mut list) = PARTIALS.lock() {
        list.push(path.to_path_buf());
    }
}

fn unregister(path: &Path) {
    if let Ok(mut list) = PARTIALS.lock() {
        list.retain(|p| p != path);
    }
}

/// Removes every temporary file still being written (called on Ctrl-C or termination,
/// before the process exits: a half-decrypted file must not linger under a hidden name).
pub fn remove_partials() {
    if let Ok(list) = PARTIALS.lock() {
        for p in list.iter() {
            // A file, or a folder being filled ([`PendingFolder`]).
            let _ = fs::remove_file(p).or_else(|_| fs::remove_dir_all(p));
        }
    }
}

/// A file being written; [`Pending::publish`] gives it its name, dropping it removes it.
pub struct Pending {
    tmp: PathBuf,
    target: PathBuf,
    file: Option<File>,
}

impl Pending {
    /// Starts writing `target` (refused at once if it exists).
    pub fn create(target: &Path) -> io::Result<Self> {
        if fs::symlink_metadata(target).is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{} already exists; nothing is overwritten",
                    target.display()
                ),
            ));
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&dir)?;
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.partial", std::process::id()));
        let tmp = dir.join(tmp_name);
        let file = create_private(&tmp)?;
        register(&tmp);
        Ok(Self {
            tmp,
            target: target.to_path_buf(),
            file: Some(file),
        })
    }

    /// The file to write into.
    pub fn file(&mut self) -> &mut File {
        // Always `Some` until `publish` consumes `self`.
        self.file.as_mut().unwrap_or_else(|| unreachable!())
    }

    /// Syncs the file and gives it its name, failing if the name was taken meanwhile.
    pub fn publish(mut self) -> io::Result<()> {
        if let Some(mut file) = self.file.take() {
            file.flush()?;
            file.sync_all()?;
        }
        match fs::hard_link(&self.tmp, &self.target) {
            Ok(()) => fs::remove_file(&self.tmp)?,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
            // File systems without hard links (a FAT USB stick): check, then rename. A
            // concurrent writer could slip in between; the guide's folders have one writer.
            Err(_) => {
                if fs::symlink_metadata(&self.target).is_ok() {
                    return Err(io::ErrorKind::AlreadyExists.into());
                }
                fs::rename(&self.tmp, &self.target)?;
            }
        }
        sync_parent(&self.target)
    }
}

/// Syncs the folder that holds `path`, so that a new name given to a synced file or
/// folder survives a crash or power loss (the name lives in the folder's own data).
/// Best effort: the name is already given, so a folder that cannot be opened for syncing
/// (no read permission, or a system without folder sync) does not turn the command into a
/// failure.
fn sync_parent(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    #[cfg(unix)]
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// A new file only its owner can read (Unix mode 0600): outputs are opened patient data or
/// sealed files, never meant for other accounts on the machine.
#[cfg(unix)]
fn create_private(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

impl Drop for Pending {
    fn drop(&mut self) {
        // Removes the temporary file unless it was published (then it is already gone).
        let _ = fs::remove_file(&self.tmp);
        unregister(&self.tmp);
    }
}

/// Every file under `root`, as paths relative to it with `/` separators, sorted. Hidden
/// files are included (they are data too), except this tool's own `.partial` files.
///
/// # Errors
///
/// A symbolic link or any other entry that is neither a file nor a folder is an error
/// (`InvalidInput`, naming it), before anything is done: silently skipping it would let a
/// user delete originals that were never sealed, and following it could read or write
/// outside the folder.
pub fn walk(root: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    walk_into(root, "", &mut out)?;
    out.sort();
    Ok(out)
}

fn walk_into(dir: &Path, prefix: &str, out: &mut Vec<String>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(".partial") {
            continue;
        }
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk_into(&entry.path(), &rel, out)?;
        } else if kind.is_file() {
            out.push(rel);
        } else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{rel} is a link or a special file; move it out of the folder or replace it by the file itself"),
            ));
        }
    }
    Ok(())
}

/// Refuses an output folder that already exists: folder outputs are always new, so that
/// nothing in them (a symbolic link to elsewhere, an older file) is written through.
pub fn new_folder(out: &Path) -> io::Result<()> {
    if fs::symlink_metadata(out).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} already exists: folder outputs must be a new folder",
                out.display()
            ),
        ));
    }
    Ok(())
}

/// A new output folder filled under a hidden temporary name beside `target` and given its
/// name by [`PendingFolder::publish`] only when complete; dropping it (a failure) or Ctrl-C
/// removes it. A move that stops half-way thus never looks finished.
pub struct PendingFolder {
    tmp: PathBuf,
    target: PathBuf,
    published: bool,
}

impl PendingFolder {
    /// Starts filling `target`, which must not exist.
    pub fn create(target: &Path) -> io::Result<Self> {
        new_folder(target)?;
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no folder name"))?;
        fs::create_dir_all(&dir)?;
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.partial", std::process::id()));
        let tmp = dir.join(tmp_name);
        fs::create_dir(&tmp)?;
        register(&tmp);
        Ok(Self {
            tmp,
            target: target.to_path_buf(),
            published: false,
        })
    }

    /// Where to write the folder's files meanwhile.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Gives the folder its name, failing if the name was taken meanwhile.
    pub fn publish(mut self) -> io::Result<()> {
        new_folder(&self.target)?;
        // The folder's files were synced as they were written (`Pending::publish`); its
        // own entries, then its new name, are synced here.
        #[cfg(unix)]
        if let Ok(folder) = File::open(&self.tmp) {
            let _ = folder.sync_all();
        }
        fs::rename(&self.tmp, &self.target)?;
        self.published = true;
        sync_parent(&self.target)
    }
}

impl Drop for PendingFolder {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.tmp);
        }
        unregister(&self.tmp);
    }
}

/// Removes a new output folder that a failed command left without any file (only the
/// folders it created on the way), so that running the command again is not refused.
pub fn remove_if_empty(out: &Path) {
    if walk(out).is_ok_and(|files| files.is_empty()) {
        let _ = fs::remove_dir_all(out);
    }
}
