//! Where passphrases come from: the terminal without echo (the default), an environment
//! variable, or a file (`/dev/fd/3` for a file descriptor). Held in wiped buffers.

use std::path::PathBuf;

use clap::Args;
use zeroize::Zeroizing;

use crate::fail::Failure;

/// A passphrase, wiped when dropped.
pub type Secret = Zeroizing<String>;

/// The clinic administrator's passphrase (it protects the master key and the log key).
#[derive(Debug, Args)]
pub struct Admin {
    /// Read the administrator's passphrase from this environment variable.
    #[arg(long, value_name = "VAR")]
    admin_passphrase_env: Option<String>,
    /// Read the administrator's passphrase from the first line of this file (`/dev/fd/3`
    /// for file descriptor 3).
    #[arg(long, value_name = "FILE")]
    admin_passphrase_file: Option<PathBuf>,
}

/// The administrator passphrase of a second (new) clinic folder, for `rotate`.
#[derive(Debug, Args)]
pub struct NewAdmin {
    /// Read the new clinic's administrator passphrase from this environment variable.
    #[arg(long, value_name = "VAR")]
    new_admin_passphrase_env: Option<String>,
    /// Read the new clinic's administrator passphrase from the first line of this file.
    #[arg(long, value_name = "FILE")]
    new_admin_passphrase_file: Option<PathBuf>,
}

impl NewAdmin {
    /// The new clinic's administrator passphrase.
    pub fn get(&self) -> Result<Secret, Failure> {
        read(
            self.new_admin_passphrase_env.as_deref(),
            self.new_admin_passphrase_file.as_ref(),
            "New clinic's administrator passphrase",
            false,
        )
    }
}

/// The passphrase a new key's holder chooses.
#[derive(Debug, Args)]
pub struct Holder {
    /// Read the new key holder's passphrase from this environment variable.
    #[arg(long, value_name = "VAR")]
    holder_passphrase_env: Option<String>,
    /// Read the new key holder's passphrase from the first line of this file.
    #[arg(long, value_name = "FILE")]
    holder_passphrase_file: Option<PathBuf>,
}

/// The passphrase of the user's own key file.
#[derive(Debug, Args)]
pub struct KeyHolder {
    /// Read your key's passphrase from this environment variable.
    #[arg(long, value_name = "VAR")]
    passphrase_env: Option<String>,
    /// Read your key's passphrase from the first line of this file.
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

impl Admin {
    /// The administrator's passphrase; `new` asks twice on a terminal.
    pub fn get(&self, new: bool) -> Result<Secret, Failure> {
        read(
            self.admin_passphrase_env.as_deref(),
            self.admin_passphrase_file.as_ref(),
            "Clinic administrator passphrase",
            new,
        )
    }
}

impl Holder {
    /// The new key holder's passphrase (asked twice on a terminal).
    pub fn get(&self) -> Result<Secret, Failure> {
        read(
            self.holder_passphrase_env.as_deref(),
            self.holder_passphrase_file.as_ref(),
            "New passphrase for the key's holder (they will type it to use the key)",
            true,
        )
    }
}

impl KeyHolder {
    /// The passphrase of the key file.
    pub fn get(&self) -> Result<Secret, Failure> {
        read(
            self.passphrase_env.as_deref(),
            self.passphrase_file.as_ref(),
            "Passphrase of your key",
            false,
        )
    }
}

fn read(
    env: Option<&str>,
    file: Option<&PathBuf>,
    prompt: &str,
    confirm: bool,
) -> Result<Secret, Failure> {
    if let Some(var) = env {
        return std::env::var(var).map(Zeroizing::new).map_err(|_| {
            Failure::usage(format!(
                "the environment variable {var} is not set (or is not valid text)"
            ))
        });
    }
    if let Some(path) = file {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(format!(
                "cannot read the passphrase file {}: {e}",
                path.display()
            ))
        })?);
        let line = text.lines().next().unwrap_or("");
        return Ok(Zeroizing::new(line.to_owned()));
    }
    let first = Zeroizing::new(
        rpassword::prompt_password(format!("{prompt}: ")).map_err(|_| {
            Failure::usage(
                "no terminal to ask for a passphrase: pass it with --…-passphrase-env or --…-passphrase-file"
                    .to_owned(),
            )
        })?,
    );
    if confirm {
        let again = Zeroizing::new(
            rpassword::prompt_password("The same passphrase again: ")
                .map_err(|_| Failure::usage("no terminal to confirm the passphrase".to_owned()))?,
        );
        if *again != *first {
            return Err(Failure::usage(
                "the two passphrases differ; nothing was written".to_owned(),
            ));
        }
    }
    Ok(first)
}
