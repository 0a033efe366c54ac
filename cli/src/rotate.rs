//! `rotate`: move sealed files from an old clinic authority to a new one (a new master
//! key), for example after the old administrator passphrase may have leaked.
//!
//! The path (`docs/guide/small-clinic.md`, "Rotating the master key"): the administrator
//! makes a new clinic folder with `init`, then `rotate` opens every sealed file with a
//! one-off key the old master key issues for exactly that file's policy attributes, and
//! seals the same content under the same policy and name with the new authority's public
//! key. Both audit logs record the move. Staff then get new keys from the new folder
//! (`issue`); the old folder is archived offline. The plaintext passes through this
//! machine's memory only (never to disk), so run it on the administrator's laptop.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use cipherchart::rand_core::OsRng;
use cipherchart::{
    seal, Action, Authority, BlsSigningKey, EntryDraft, KeyFile, SealedRecord, UserKey,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::clinic::{now, Clinic};
use crate::fail::{Context, Failure, Report};
use crate::files::{walk, Pending};
use crate::passphrase::{Admin, NewAdmin};

pub fn rotate(
    old_dir: &Path,
    new_dir: &Path,
    input: &Path,
    out: &Path,
    old_admin: &Admin,
    new_admin: &NewAdmin,
) -> Result<Report, Failure> {
    let old = Clinic::new(old_dir);
    let new = Clinic::new(new_dir);
    let new_pk = new.public_key()?;
    let old_pk = old.public_key()?;
    if new_pk.to_bytes() == old_pk.to_bytes() {
        return Err(Failure::usage(
            "the new clinic folder has the same authority as the old one".into(),
        ));
    }
    let mut old_log = old.log()?;
    let mut new_log = new.log()?;
    let old_pass = old_admin.get(false)?;
    let authority = Authority::read_key_file(old.authority_key(), &old_pass)
        .context("opening the old master key")?;
    let old_signer = BlsSigningKey::read_key_file(old.log_key(), &old_pass)
        .context("opening the old log key")?;
    let new_pass = new_admin.get()?;
    let new_signer = BlsSigningKey::read_key_file(new.log_key(), &new_pass)
        .context("opening the new log key")?;
    if !input.is_dir() {
        return Err(Failure::usage(
            "rotate takes the folder of sealed files".into(),
        ));
    }
    // Every input is checked before anything is written or logged: a folder that cannot
    // move whole does not move at all (review ROT-3, ROT-4).
    let files = walk(input).context("reading the folder")?;
    let (sealed, other): (Vec<String>, Vec<String>) =
        files.into_iter().partition(|f| f.ends_with(".cc"));
    if !other.is_empty() {
        return Err(Failure::bad_input(
            format!(
                "{} file(s) in {} are not sealed files (*.cc) and would not move: {}",
                other.len(),
                input.display(),
                other.join(", ")
            ),
            "Move them out of the folder (or seal them), then run rotate again: the old folder is archived after the move.",
        ));
    }
    for rel in &sealed {
        let src = input.join(rel);
        let what = format!("checking {}", src.display());
        let bytes = std::fs::read(&src).context(&what)?;
        let record = SealedRecord::from_bytes(&bytes).map_err(|e| {
            Failure::from_error(&e, &what).within("a damaged file, or a stream (files over 64 MiB), which rotate cannot move; open and seal a stream again")
        })?;
        if record.authority() != old_pk.id() {
            return Err(Failure::wrong_clinic(format!(
                "{} was not sealed for the clinic in {}",
                src.display(),
                old.dir.display()
            )));
        }
    }
    // Filled under a hidden name, named `out` only when every file moved.
    let folder = crate::files::PendingFolder::create(out).context("choosing the output folder")?;
    // One one-off key per policy, for exactly its attributes; dropped (wiped) at the end.
    let mut keys: HashMap<Vec<u8>, UserKey> = HashMap::new();
    let mut moved = Vec::new();
    let mut progress = crate::progress::Progress::new(sealed.len());
    for rel in sealed {
        progress.next(&rel);
        let src = input.join(&rel);
        let what = format!("moving {}", src.display());
        let bytes = std::fs::read(&src).context(&what)?;
        let record = SealedRecord::from_bytes(&bytes).context(&what)?;
        let policy = record.policy().clone();
        let key = match keys.entry(policy.to_bytes()) {
            std::collections::hash_map::Entry::Occupied(k) => k.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let names: Vec<&str> = policy.attributes().iter().map(|a| a.as_str()).collect();
                v.insert(authority.issue_key(&names, &mut OsRng).context(&what)?)
            }
        };
        let payload = zeroize::Zeroizing::new(key.open(&old_pk, &record).context(&what)?);
        let resealed = seal(
            &new_pk,
            &policy,
            record.record_id(),
            record.metadata(),
            &payload,
            &mut OsRng,
        )
        .context(&what)?;
        let out_bytes = resealed.to_bytes();
        let dst = folder.path().join(&rel);
        let mut pending = Pending::create(&dst).context(&format!("writing {}", dst.display()))?;
        pending.file().write_all(&out_bytes).context(&what)?;
        pending
            .publish()
            .context(&format!("writing {}", dst.display()))?;
        let id = String::from_utf8_lossy(record.record_id()).into_owned();
        let logged = new_log
            .sign_and_append(
                EntryDraft::new(
                    now(),
                    Action::Create,
                    record.record_id(),
                    Sha256::digest(&out_bytes).into(),
                )
                .with_metadata(format!(
                    "moved from the previous authority; old digest={}",
                    crate::commands::hex(&Sha256::digest(&bytes))
                )),
                &new_signer,
            )
            .and_then(|_| {
                old_log.sign_and_append(
                    EntryDraft::new(
                        now(),
                        Action::Update,
                        record.record_id(),
                        Sha256::digest(&bytes).into(),
                    )
                    .with_metadata("moved to the new authority"),
                    &old_signer,
                )
            });
        if let Err(e) = logged {
            let _ = std::fs::remove_file(&dst);
            return Err(Failure::from_error(&e, "writing to the audit logs"));
        }
        moved.push(id);
    }
    folder
        .publish()
        .context(&format!("naming the folder {}", out.display()))?;
    Ok(Report {
        lines: vec![
            format!("Moved {} file(s) to the new authority, under the same policies and names.", moved.len()),
            "Next: issue new keys from the new clinic folder to everyone who stays, then archive the old folder offline.".into(),
            "Files shared earlier through the proxy must be shared again (their grants belong to the old authority).".into(),
        ],
        json: json!({"ok": true, "moved": moved}),
    })
}
