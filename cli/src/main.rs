//! `cipherchart`: the command-line tool for a clinic with no programmers
//! (`docs/guide/small-clinic.md`). One folder holds the clinic's authority; commands seal
//! and open files and folders, issue keys to staff, and verify the audit log. Every
//! manipulation is an entry in the clinic's proof chain; every failure prints what to do
//! and exits with a code from the library's stable error codes.

mod clinic;
mod commands;
mod fail;
mod files;
mod grants;
mod passphrase;
mod progress;
mod receipts;
mod rotate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Encrypt patient files so that only the right staff can open them, and keep a signed
/// log of everything done to them.
#[derive(Debug, Parser)]
#[command(name = "cipherchart", version, about, long_about = None)]
struct Cli {
    /// Print results as JSON (for scripts).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a clinic folder: the authority's master key (passphrase-protected), its
    /// public key, the log-signing key and an empty audit log.
    Init {
        /// The folder to create (must not exist yet, or be empty).
        clinic: PathBuf,
        /// A name for the audit log, shown on its checkpoints (e.g. "smith-clinic").
        #[arg(long, default_value = "clinic")]
        name: String,
        /// The scrypt work factor of the key files (15 to 20; 18 by default).
        #[arg(long)]
        work_factor: Option<u8>,
        #[command(flatten)]
        pass: passphrase::Admin,
    },
    /// Issue a key for a person's attributes, protected by their own passphrase.
    Issue {
        /// The clinic folder.
        #[arg(long)]
        clinic: PathBuf,
        /// The person's attributes, comma-separated: `role:physician,dept:cardiology`.
        #[arg(long, value_delimiter = ',', required = true)]
        attributes: Vec<String>,
        /// Where to write the person's key file (never overwritten).
        #[arg(long, short)]
        out: PathBuf,
        /// The scrypt work factor of the key files (15 to 20; 18 by default).
        #[arg(long)]
        work_factor: Option<u8>,
        #[command(flatten)]
        pass: passphrase::Admin,
        #[command(flatten)]
        holder: passphrase::Holder,
    },
    /// Seal a file, a folder (recursively, keeping names) or standard input under a policy.
    Seal {
        /// The clinic folder (only its public key and audit log are used).
        #[arg(long)]
        clinic: PathBuf,
        /// Who may open it: `patient:42 or (role:physician and dept:cardiology)`.
        #[arg(long)]
        policy: String,
        /// Your key file (its `.sign` companion signs the audit log entry).
        #[arg(long)]
        key: PathBuf,
        /// A file or folder; `-` for standard input.
        input: PathBuf,
        /// The sealed file or folder; `-` (or nothing, for standard input) for standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
        #[command(flatten)]
        pass: passphrase::KeyHolder,
    },
    /// Open a sealed file, a folder of them, or standard input with your key.
    Open {
        /// The clinic folder (only its public key and audit log are used).
        #[arg(long)]
        clinic: PathBuf,
        /// Your key file.
        #[arg(long)]
        key: PathBuf,
        /// A sealed file or folder; `-` for standard input.
        input: PathBuf,
        /// Where to write what opens; `-` (or nothing, for standard input) for standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Another clinic whose files were referred to this one (`share --to-clinic`): its
        /// folder or its `authority.pub`. Repeat for several clinics.
        #[arg(long, value_name = "CLINIC")]
        trust: Vec<PathBuf>,
        #[command(flatten)]
        pass: passphrase::KeyHolder,
    },
    /// Share a patient's files with another audience: the administrator and the patient
    /// make a re-key (for the clinic's proxy) and a consent token (text and QR code).
    Share {
        /// The clinic folder.
        #[arg(long)]
        clinic: PathBuf,
        /// The patient's key file (its `.sign` companion signs the consent).
        #[arg(long)]
        key: PathBuf,
        /// What is shared: the patient's attributes, comma-separated (`patient:42`).
        #[arg(long, value_delimiter = ',', required = true)]
        attributes: Vec<String>,
        /// Who may read it: `hospital:h2 and role:physician`.
        #[arg(long)]
        to: String,
        /// Refer to another clinic: `--to` names people of that clinic, who open the files
        /// with its keys. Its folder or its `authority.pub`.
        #[arg(long, value_name = "CLINIC")]
        to_clinic: Option<PathBuf>,
        /// What for, comma-separated (`treatment`).
        #[arg(long, value_delimiter = ',', required = true)]
        purpose: Vec<String>,
        /// For how many days.
        #[arg(long, default_value_t = 30)]
        days: u64,
        /// A new folder for the re-key, the consent and its QR code.
        #[arg(long, short)]
        out: PathBuf,
        #[command(flatten)]
        admin: passphrase::Admin,
        #[command(flatten)]
        pass: passphrase::KeyHolder,
    },
    /// The clinic's proxy: re-encrypt sealed files for a grant's audience, only under its
    /// consent (checked: signed by the patient, in its period, not revoked).
    Reencrypt {
        /// The clinic folder.
        #[arg(long)]
        clinic: PathBuf,
        /// The folder `share` wrote.
        #[arg(long)]
        grant: PathBuf,
        /// The consent presented (default: the grant folder's consent.txt).
        #[arg(long)]
        consent: Option<PathBuf>,
        /// What the files are needed for (must be a purpose of the consent).
        #[arg(long)]
        purpose: String,
        /// A sealed file or a folder of them.
        input: PathBuf,
        /// Where to write the re-encrypted file or folder.
        #[arg(long, short)]
        out: PathBuf,
        #[command(flatten)]
        admin: passphrase::Admin,
    },
    /// Revoke a consent, or record that a person's access is withdrawn.
    Revoke {
        /// The clinic folder.
        #[arg(long)]
        clinic: PathBuf,
        /// The consent to revoke.
        #[arg(long, conflicts_with = "person")]
        consent: Option<PathBuf>,
        /// A person whose access is withdrawn (their key file's name, e.g. `bob`).
        #[arg(long)]
        person: Option<String>,
        /// Sign as this key's holder (the patient); default: the administrator.
        #[arg(long)]
        key: Option<PathBuf>,
        #[command(flatten)]
        admin: passphrase::Admin,
        #[command(flatten)]
        pass: passphrase::KeyHolder,
    },
    /// Move sealed files to a new clinic authority (a new master key) made with `init`:
    /// same policies and names, both audit logs record it. Then issue new keys.
    Rotate {
        /// The old clinic folder.
        #[arg(long)]
        clinic: PathBuf,
        /// The new clinic folder (from `cipherchart init`).
        #[arg(long)]
        new_clinic: PathBuf,
        /// The folder of sealed files.
        input: PathBuf,
        /// A new folder for the files sealed under the new authority.
        #[arg(long, short)]
        out: PathBuf,
        #[command(flatten)]
        admin: passphrase::Admin,
        #[command(flatten)]
        new_admin: passphrase::NewAdmin,
    },
    /// Check the audit log (every signature and link) and list who did what to which file;
    /// with --receipt N, write the receipt of entry N (the administrator signs it).
    Audit {
        /// The clinic folder.
        #[arg(long)]
        clinic: PathBuf,
        /// Write the receipt (inclusion proof and signed checkpoint) of this entry.
        #[arg(long, value_name = "N", requires = "out")]
        receipt: Option<u64>,
        /// Where to write the receipt.
        #[arg(long, short)]
        out: Option<PathBuf>,
        #[command(flatten)]
        admin: passphrase::Admin,
    },
    /// Check a receipt with the clinic's log key alone (a patient's or auditor's check).
    VerifyReceipt {
        /// The clinic's `log.pub`, or the clinic folder.
        #[arg(long)]
        log_key: PathBuf,
        /// The receipt file.
        receipt: PathBuf,
    },
}

fn main() -> ExitCode {
    // Ctrl-C (and SIGTERM): remove partial outputs, then exit 130 as shells expect.
    let _ = ctrlc::set_handler(|| {
        files::remove_partials();
        std::process::exit(130);
    });
    let cli = Cli::parse();
    let json = cli.json;
    let outcome = match cli.command {
        Command::Init {
            clinic,
            name,
            work_factor,
            pass,
        } => commands::init(&clinic, &name, work_factor, &pass),
        Command::Issue {
            clinic,
            attributes,
            out,
            work_factor,
            pass,
            holder,
        } => commands::issue(&clinic, &attributes, &out, work_factor, &pass, &holder),
        Command::Seal {
            clinic,
            policy,
            key,
            input,
            out,
            pass,
        } => commands::seal(&clinic, &policy, &key, &input, out.as_deref(), &pass),
        Command::Open {
            clinic,
            key,
            input,
            out,
            trust,
            pass,
        } => commands::open(&clinic, &key, &input, out.as_deref(), &trust, &pass),
        Command::Share {
            clinic,
            key,
            attributes,
            to,
            to_clinic,
            purpose,
            days,
            out,
            admin,
            pass,
        } => grants::share(
            &grants::Share {
                clinic: &clinic,
                key: &key,
                attributes: &attributes,
                to: &to,
                to_clinic: to_clinic.as_deref(),
                purposes: &purpose,
                days,
                out: &out,
            },
            &admin,
            &pass,
        ),
        Command::Reencrypt {
            clinic,
            grant,
            consent,
            purpose,
            input,
            out,
            admin,
        } => grants::reencrypt(
            &clinic,
            &grant,
            consent.as_deref(),
            &purpose,
            &input,
            &out,
            &admin,
        ),
        Command::Revoke {
            clinic,
            consent,
            person,
            key,
            admin,
            pass,
        } => grants::revoke(
            &clinic,
            consent.as_deref(),
            person.as_deref(),
            key.as_deref(),
            &admin,
            &pass,
        ),
        Command::Rotate {
            clinic,
            new_clinic,
            input,
            out,
            admin,
            new_admin,
        } => rotate::rotate(&clinic, &new_clinic, &input, &out, &admin, &new_admin),
        Command::Audit {
            clinic,
            receipt,
            out,
            admin,
        } => match (receipt, out) {
            (Some(n), Some(out)) => receipts::receipt(&clinic, n, &out, &admin),
            _ => commands::audit(&clinic),
        },
        Command::VerifyReceipt { log_key, receipt } => receipts::verify_receipt(&log_key, &receipt),
    };
    match outcome {
        Ok(report) => {
            report.print(json);
            ExitCode::SUCCESS
        }
        Err(failure) => failure.print(json),
    }
}
