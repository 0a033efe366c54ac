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
    crate::files::new_folder(out).context("choosing the output folder")?;
    // One one-off key per policy, for exactly its attributes; dropped (wiped) at the end.
    let mut keys: HashMap<Vec<u8>, UserKey> = HashMap::new();
    let mut moved = Vec::new();
    let files: Vec<String> = walk(input)
        .context("reading the folder")?
        .into_iter()
        .filter(|f| f.ends_with(".cc"))
        .collect();
    let mut progress = crate::progress::Progress::new(files.len());
    for rel in files {
        progress.next(&rel);
        let src = input.join(&rel);
        let what = format!("moving {}", src.display());
        let bytes = std::fs::read(&src).context(&what)?;
        let record = SealedRecord::from_bytes(&bytes).map_err(|e| {
            Failure::from_error(&e, &what).within("only files sealed as records (up to 64 MiB) can be rotated; open and seal larger ones again")
        })?;
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
        let dst = out.join(&rel);
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
    Ok(Report {
        lines: vec![
            format!("Moved {} file(s) to the new authority, under the same policies and names.", moved.len()),
            "Next: issue new keys from the new clinic folder to everyone who stays, then archive the old folder offline.".into(),
            "Files shared earlier through the proxy must be shared again (their grants belong to the old authority).".into(),
        ],
        json: json!({"ok": true, "moved": moved}),
    })
}
