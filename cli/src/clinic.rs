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

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use cipherchart::{Action, BlsPublicKey, Chain, Entry, FileStore, PublicKey, Store};

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

    /// Another clinic's authority public key, for a referral (`share --to-clinic`, `open
    /// --trust`): from its folder, or from its `authority.pub` given directly.
    pub fn peer_public_key(path: &Path) -> Result<PublicKey, Failure> {
        if path.is_dir() {
            return Self::new(path).public_key();
        }
        let what = format!("reading {}", path.display());
        let bytes = std::fs::read(path).context(&what)?;
        PublicKey::from_bytes(&bytes).context(&what)
    }

    /// The log's public key.
    pub fn log_public_key(&self) -> Result<BlsPublicKey, Failure> {
        let path = self.log_pub_path();
        let bytes = std::fs::read(&path).context(&format!("reading {}", path.display()))?;
        BlsPublicKey::from_bytes(&bytes).context(&format!("reading {}", path.display()))
    }

    /// The audit log, for appending (one writer at a time; links checked on opening).
    pub fn log(&self) -> Result<Chain<FileStore>, Failure> {
        self.log_and_signers().map(|(chain, _)| chain)
    }

    /// The audit log, for appending, and who may sign it: the walk that checks the signers
    /// on opening is done once and its result kept for [`Clinic::check_issued`].
    pub fn log_and_signers(&self) -> Result<(Chain<FileStore>, Signers), Failure> {
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
        // An entry `audit` would reject (signed by a key this clinic never issued) stops
        // every writer, as damage does (review ROT-2).
        let signers = self.signers(&chain, |_, _, _| {})?;
        let r = chain.store().recovery();
        if !r.is_clean() {
            // A torn last write (a crash during an earlier command): repaired, and said.
            eprintln!(
                "note: the audit log's last write was incomplete (the computer may have stopped during a command); {} bytes were cut off and saved to {}",
                r.dropped_bytes,
                r.saved_to.as_ref().map_or_else(|| "a file beside the log".to_owned(), |p| p.display().to_string())
            );
        }
        Ok((chain, signers))
    }

    /// Who may sign this clinic's log, learned by walking it in order: the log key (the
    /// administrator) and every person an `issue` entry signed by the log key gave a
    /// signing key to, from that entry on. `each` sees every entry with its index and its
    /// signer's name. An entry by anyone else is a broken log (exit 7): a log written by
    /// another clinic's keys is not this clinic's.
    pub fn signers<S: Store>(
        &self,
        chain: &Chain<S>,
        mut each: impl FnMut(u64, &Entry, &str),
    ) -> Result<Signers, Failure> {
        let log_pk = self.log_public_key()?;
        let mut names = HashMap::new();
        let mut people = std::collections::HashSet::new();
        names.insert(log_pk.to_bytes().to_vec(), "administrator".to_owned());
        for i in 0..chain.len() {
            let e = chain.entry(i).context("reading the audit log")?;
            if e.action() == Action::Grant && e.actor() == &log_pk {
                // `issue` writes `…; signer=<hex>` last; take the last one, so text in
                // the attributes cannot stand for it.
                let metadata = String::from_utf8_lossy(e.metadata());
                if let Some(bytes) = metadata
                    .rsplit_once("signer=")
                    .and_then(|(_, hex)| unhex(hex.trim()))
                {
                    names.insert(bytes, subject_text(&e));
                    people.insert(subject_text(&e));
                }
            }
            let Some(who) = names.get(e.actor().to_bytes().as_slice()) else {
                return Err(Failure::log_broken(format!(
                    "entry #{i} is signed by a key this clinic never issued (log.pub or an `issue` entry signed by it)"
                )));
            };
            each(i, &e, who);
        }
        Ok(Signers { names, people })
    }

    /// Refuses a signing key this clinic's log does not know (a key of another clinic
    /// folder, or of the clinic before it moved to a new master key), before anything is
    /// written (review ROT-1).
    pub fn check_issued(
        &self,
        signers: &Signers,
        key: &BlsPublicKey,
        file: &Path,
    ) -> Result<(), Failure> {
        if signers.name_of(key).is_some() {
            return Ok(());
        }
        Err(Failure::wrong_clinic(format!(
            "{} was not issued by the clinic in {}",
            file.display(),
            self.dir.display()
        )))
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

/// The signers a clinic's log knows, by public key.
pub struct Signers {
    names: HashMap<Vec<u8>, String>,
    /// The names `issue` gave people (`bob` for `bob.key`).
    people: std::collections::HashSet<String>,
}

impl Signers {
    /// The name `issue` gave the holder of `key` ("administrator" for the log key).
    pub fn name_of(&self, key: &BlsPublicKey) -> Option<&str> {
        self.names
            .get(key.to_bytes().as_slice())
            .map(String::as_str)
    }

    /// Whether `issue` gave a key to a person of this name.
    pub fn was_issued(&self, person: &str) -> bool {
        self.people.contains(person)
    }
}

/// An entry's subject as audit shows it: text, or for consent grants and revocations
/// (which name a 32-byte revocation id) and anything not printable, `consent <hex>`.
pub fn subject_text(e: &Entry) -> String {
    match std::str::from_utf8(e.subject()) {
        Ok(t) if !t.chars().any(char::is_control) => t.to_owned(),
        _ => format!(
            "consent {}",
            &crate::commands::hex(e.subject())[..16.min(2 * e.subject().len())]
        ),
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Seconds since 1970, for log entries.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
