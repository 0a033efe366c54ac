//! Receipts: proof that one audit-log entry is in the log, for whoever it concerns (a
//! patient, an auditor). `audit --receipt N` signs a checkpoint of the log with the log key
//! and writes entry N's inclusion proof against it as a C2SP tlog-proof text file;
//! `verify-receipt` checks one with the clinic's `log.pub` alone.

use std::io::Write;
use std::path::Path;

use cipherchart::{BlsPublicKey, BlsSigningKey, KeyFile, ProofFile};
use serde_json::json;

use crate::clinic::Clinic;
use crate::commands::{hex, utc};
use crate::fail::{Context, Failure, Report};
use crate::files::Pending;
use crate::passphrase::Admin;

/// Writes the receipt of entry `index` to `out`.
pub fn receipt(dir: &Path, index: u64, out: &Path, admin: &Admin) -> Result<Report, Failure> {
    let clinic = Clinic::new(dir);
    let chain = clinic.log()?;
    if index >= chain.len() {
        return Err(Failure::bad_input(
            format!(
                "the audit log has {} entries: there is no #{index}",
                chain.len()
            ),
            "Run `cipherchart audit` to see the entries and their numbers.",
        ));
    }
    let pass = admin.get(false)?;
    let log_key =
        BlsSigningKey::read_key_file(clinic.log_key(), &pass).context("opening the log key")?;
    let origin = std::fs::read_to_string(clinic.dir.join("clinic.name"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "clinic".to_owned());
    let checkpoint = chain
        .checkpoint(&log_key, &origin)
        .context("signing a checkpoint")?;
    let proof = chain
        .proof_file(index, &checkpoint)
        .context("making the receipt")?;
    let text = proof.to_tlog_proof();
    let what = format!("writing {}", out.display());
    let mut pending = Pending::create(out).context(&what)?;
    pending.file().write_all(text.as_bytes()).context(&what)?;
    pending.publish().context(&what)?;
    Ok(Report {
        lines: vec![
            format!("Wrote the receipt of entry #{index} to {}.", out.display()),
            format!(
                "It proves the entry is in the log of {} entries with root {}.",
                checkpoint.size(),
                hex(checkpoint.root())
            ),
            "Anyone with log.pub can check it: cipherchart verify-receipt.".into(),
        ],
        json: json!({"ok": true, "entry": index, "size": checkpoint.size(), "root": hex(checkpoint.root()), "receipt": text}),
    })
}

/// Checks a receipt against the clinic's log key (`log.pub`, or the clinic folder holding it).
pub fn verify_receipt(log_pub: &Path, file: &Path) -> Result<Report, Failure> {
    let key_path = if log_pub.is_dir() {
        Clinic::new(log_pub).log_pub_path()
    } else {
        log_pub.to_path_buf()
    };
    let bytes = std::fs::read(&key_path).context(&format!("reading {}", key_path.display()))?;
    let key =
        BlsPublicKey::from_bytes(&bytes).context(&format!("reading {}", key_path.display()))?;
    let text = std::fs::read_to_string(file).context(&format!("reading {}", file.display()))?;
    let what = format!("checking {}", file.display());
    let proof = ProofFile::from_tlog_proof(&text).map_err(|e| Failure::receipt(&e, &what))?;
    let entry = proof
        .verify(&key)
        .map_err(|e| Failure::receipt(&e, &what))?;
    let subject = String::from_utf8_lossy(entry.subject()).into_owned();
    Ok(Report {
        lines: vec![
            "The receipt checks: this entry is in the clinic's signed log.".into(),
            format!(
                "#{} {} {} {}, in a log of {} entries",
                entry.sequence(),
                utc(entry.time()),
                entry.action(),
                subject,
                proof.checkpoint().size()
            ),
        ],
        json: json!({"ok": true, "entry": entry.sequence(), "time": entry.time(), "action": entry.action().to_string(),
                     "subject": subject, "size": proof.checkpoint().size(), "root": hex(proof.checkpoint().root())}),
    })
}
