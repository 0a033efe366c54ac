//! The clinic folder: what `init` creates and every other command reads.
//!
//! ```text
//! clinic/
//!   authority.key   the master key (key file, administrator's passphrase)
//!   authority.pub   the authority's public key (public: copy it to every workstation)
//!   log.key         the log's signing key (key file, administrator's passphrase)
//!   log.pub         its public key
//!   audit.log       the proof chain: one signed entry per issue, seal and open
//! ```

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use cipherchart::{BlsPublicKey, Chain, FileStore, PublicKey};

use crate::fail::{Context, Failure};

pub struct Clinic {
    pub dir: PathBuf,
}

impl Clinic {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    pub fn authority_key(&self) -> PathBuf {
        self.dir.join("authority.key")
    }
    pub fn public_key_path(&self) -> PathBuf {
        self.dir.join("authority.pub")
    }
    pub fn log_key(&self) -> PathBuf {
        self.dir.join("log.key")
    }
    pub fn log_pub_path(&self) -> PathBuf {
        self.dir.join("log.pub")
    }
    pub fn log_path(&self) -> PathBuf {
        self.dir.join("audit.log")
    }

    /// The authority's public key, checked (curve, subgroup, format).
    pub fn public_key(&self) -> Result<PublicKey, Failure> {
        let path = self.public_key_path();
        let bytes = std::fs::read(&path).context(&format!("reading {}", path.display()))?;
        PublicKey::from_bytes(&bytes).context(&format!("reading {}", path.display()))
    }

    /// The log's public key.
    pub fn log_public_key(&self) -> Result<BlsPublicKey, Failure> {
        let path = self.log_pub_path();
        let bytes = std::fs::read(&path).context(&format!("reading {}", path.display()))?;
        BlsPublicKey::from_bytes(&bytes).context(&format!("reading {}", path.display()))
    }

    /// The audit log, for appending (one writer at a time; links checked on opening).
    pub fn log(&self) -> Result<Chain<FileStore>, Failure> {
        let path = self.log_path();
        if !path.is_file() {
            return Err(Failure::usage(format!(
                "{} is not a clinic folder (no audit.log): run `cipherchart init` first",
                self.dir.display()
            )));
        }
        // Look before appending: opening for writing would cut a damaged file back to
        // its last good entry (saving the rest aside). Only a torn last write (a crash)
        // is repaired silently; damage stops every command until someone looks.
        self.read_only_store()?;
        let chain = Chain::open_file(&path).context("opening the audit log")?;
        let r = chain.store().recovery();
        if !r.is_clean() {
            // A torn last write (a crash during an earlier command): repaired, and said.
            eprintln!(
                "note: the audit log's last write was incomplete (the computer may have stopped during a command); {} bytes were cut off and saved to {}",
                r.dropped_bytes,
                r.saved_to.as_ref().map_or_else(|| "a file beside the log".to_owned(), |p| p.display().to_string())
            );
        }
        Ok(chain)
    }

    /// The audit log's store, read-only, refused unless complete (a torn last write, from
    /// a crash, is allowed: it was never acknowledged).
    pub fn read_only_store(&self) -> Result<FileStore, Failure> {
        let store = FileStore::open_read_only(self.log_path()).context("opening the audit log")?;
        let r = store.recovery();
        if r.damaged {
            return Err(Failure::log_broken(format!(
                "the audit log is damaged after entry {}: {} bytes do not check",
                r.records, r.dropped_bytes
            )));
        }
        Ok(store)
    }
}

/// Seconds since 1970, for log entries.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
