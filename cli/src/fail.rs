//! Failures and reports: every error becomes a message a receptionist can act on, an
//! exit code, and (with `--json`) the library's stable error code and kind.

use std::process::ExitCode;

use cipherchart::Error;
use serde_json::{json, Value};

/// What a command did, for the terminal and for `--json`.
#[derive(Debug, Default)]
pub struct Report {
    pub lines: Vec<String>,
    pub json: Value,
}

impl Report {
    pub fn print(&self, json: bool) {
        if json {
            println!("{}", self.json);
        } else {
            for line in &self.lines {
                eprintln!("{line}");
            }
        }
    }
}

/// A failed command.
#[derive(Debug)]
pub struct Failure {
    /// The library's stable error code, or `usage` for a mistake on the command line.
    code: &'static str,
    /// The reason's code (`wrong_passphrase_or_damaged`, …), if the error has one.
    kind: Option<String>,
    /// What happened, in plain words.
    message: String,
    /// What to do about it.
    hint: &'static str,
    exit: u8,
}

/// Exit codes, one per family of error (`docs/guide/small-clinic.md`, "When something
/// goes wrong").
pub mod exit {
    pub const OTHER: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const KEY_FILE: u8 = 3;
    pub const CANNOT_OPEN: u8 = 4;
    pub const FILES: u8 = 5;
    pub const BAD_INPUT: u8 = 6;
    pub const LOG_BROKEN: u8 = 7;
    pub const CONSENT: u8 = 8;
}

impl Failure {
    pub fn usage(message: String) -> Self {
        Self {
            code: "usage",
            kind: None,
            message,
            hint: "Run the command with --help to see how to use it.",
            exit: exit::USAGE,
        }
    }

    /// Input that is not accepted (a number out of range, a key that is not the patient's).
    pub fn bad_input(message: String, hint: &'static str) -> Self {
        Self {
            code: "invalid_argument",
            kind: None,
            message,
            hint,
            exit: exit::BAD_INPUT,
        }
    }

    /// A receipt that does not check (changed, from another log, or not a receipt).
    pub fn receipt(e: &Error, what: &str) -> Self {
        Self {
            code: e.code(),
            kind: e.kind(),
            message: format!("{what}: the receipt does not check: it was changed, or it is from another clinic's log ({e})"),
            hint: "Ask the clinic for a new receipt; check that you used that clinic's log.pub.",
            exit: exit::CONSENT,
        }
    }

    /// The audit log's file is damaged or cut short.
    pub fn log_broken(message: String) -> Self {
        Self {
            code: "chain_error",
            kind: Some("store".to_owned()),
            message,
            hint: "Do not write to the clinic folder. Keep a copy of it and call whoever audits your records.",
            exit: exit::LOG_BROKEN,
        }
    }

    /// A key of another clinic folder (or of this clinic before it moved to a new master
    /// key) given with this one: the library's `wrong_authority`, said for a person.
    pub fn wrong_clinic(message: String) -> Self {
        Self {
            code: "wrong_authority",
            kind: None,
            message,
            hint: "This key belongs to another clinic folder, or to this clinic before it moved to a new master key. Use the key this clinic issued to you with this clinic's folder, or ask the administrator.",
            exit: exit::BAD_INPUT,
        }
    }

    /// A sealed file stored under another name than it was sealed with.
    pub fn name_mismatch(message: String) -> Self {
        Self {
            code: "name_mismatch",
            kind: None,
            message,
            hint: "Someone renamed or swapped sealed files. Get the file again from where it is stored, and tell the administrator.",
            exit: exit::BAD_INPUT,
        }
    }

    /// An error of the library while doing `what` (e.g. "opening the key file dr-bob.key").
    pub fn from_error(e: &Error, what: &str) -> Self {
        let kind = e.kind();
        let (message, hint, exit) = match (e.code(), kind.as_deref()) {
            ("key_file_error", Some("wrong_passphrase_or_damaged")) => (
                "the passphrase is wrong, or the key file is damaged",
                "Type the passphrase again (it is case-sensitive). If it keeps failing, restore the key file from its backup.",
                exit::KEY_FILE,
            ),
            ("key_file_error", Some("wrong_key_type")) => (
                "this file holds another kind of key",
                "Check that you gave the right file: a person's key for --key, the clinic folder for --clinic.",
                exit::KEY_FILE,
            ),
            ("key_file_error", Some("invalid_passphrase")) => (
                "this passphrase cannot be used (it is empty)",
                "Choose a passphrase of several words.",
                exit::KEY_FILE,
            ),
            ("key_file_error", Some("malformed")) => (
                "this is not a cipherchart key file",
                "Check that you gave the right file.",
                exit::KEY_FILE,
            ),
            ("key_file_error", _) => (
                "the key file is damaged or was written with settings this tool refuses",
                "Restore the key file from its backup.",
                exit::KEY_FILE,
            ),
            ("policy_not_satisfied", _) => (
                "your key does not open this file: it was sealed for other people",
                "Ask the person who sealed it, or the clinic administrator, who may open it.",
                exit::CANNOT_OPEN,
            ),
            ("decryption_failed", _) => (
                "the sealed file is damaged, was changed, or was sealed by another clinic",
                "Get the file again from where it is stored; if it is the only copy, report it to the administrator.",
                exit::CANNOT_OPEN,
            ),
            ("wrong_authority", _) => (
                "the key or file belongs to another clinic",
                "Use the clinic folder and keys that belong together. A file another clinic referred to yours opens with --trust and that clinic's folder (or its authority.pub).",
                exit::BAD_INPUT,
            ),
            ("io", _) => (
                "a file or folder could not be read or written",
                "Check the name, that the disk is not full, and that you may write there. Nothing half-written was left behind.",
                exit::FILES,
            ),
            ("consent_error", Some("revoked")) => (
                "the consent was revoked",
                "Ask the patient for a new consent.",
                exit::CONSENT,
            ),
            ("consent_error", Some("expired" | "not_yet_valid")) => (
                "the consent is outside its sharing period",
                "Ask the patient for a new consent.",
                exit::CONSENT,
            ),
            ("consent_error", _) => (
                "the consent does not allow this (another purpose, another file, or another re-key)",
                "Check the purpose you gave; ask the patient for a consent that covers it.",
                exit::CONSENT,
            ),
            ("verification_failed", _) => (
                "a signature does not check: the consent or the log was changed or signed by someone else",
                "Get the consent again from the patient.",
                exit::CONSENT,
            ),
            ("chain_error", _) => (
                "the audit log is broken: an entry was changed, removed or damaged",
                "Do not write to the clinic folder. Keep a copy of it and call whoever audits your records.",
                exit::LOG_BROKEN,
            ),
            (
                "policy_syntax" | "policy_invalid" | "invalid_attribute" | "limit_exceeded",
                _,
            ) => (
                "what you typed is not accepted",
                "Attributes look like role:physician; policies like patient:42 or (role:physician and dept:cardiology).",
                exit::BAD_INPUT,
            ),
            // A value out of range (a work factor, a period): the message names it.
            ("invalid_argument", _) => (
                "a value you gave is not accepted",
                "Check the value the message names; `cipherchart <command> --help` lists the ranges.",
                exit::BAD_INPUT,
            ),
            ("invalid_encoding", _) => (
                "this file is not what the command expects, or it is damaged",
                "Check that you gave the right file.",
                exit::BAD_INPUT,
            ),
            _ => (
                "the operation failed",
                "Report this message to the administrator.",
                exit::OTHER,
            ),
        };
        Self {
            code: e.code(),
            kind,
            message: format!("{what}: {message} ({e})"),
            hint,
            exit,
        }
    }

    /// The same failure, its message prefixed with where it happened.
    pub fn within(mut self, what: &str) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }

    pub fn print(&self, json: bool) -> ExitCode {
        if json {
            println!(
                "{}",
                json!({"ok": false, "code": self.code, "kind": self.kind,
                       "message": self.message, "hint": self.hint, "exit": self.exit})
            );
        } else {
            eprintln!("error: {}", self.message);
            eprintln!("what to do: {}", self.hint);
        }
        ExitCode::from(self.exit)
    }
}

/// `result.context("opening …")`: maps a library error to a [`Failure`].
pub trait Context<T> {
    fn context(self, what: &str) -> Result<T, Failure>;
}

impl<T> Context<T> for Result<T, Error> {
    fn context(self, what: &str) -> Result<T, Failure> {
        self.map_err(|e| Failure::from_error(&e, what))
    }
}

impl<T> Context<T> for std::io::Result<T> {
    fn context(self, what: &str) -> Result<T, Failure> {
        self.map_err(|e| Failure::from_error(&Error::from(e), what))
    }
}
