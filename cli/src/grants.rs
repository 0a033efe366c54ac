//! Sharing through the proxy: `share` (the patient, with the administrator, grants a
//! re-key and a consent token), `reencrypt` (the clinic's proxy transforms sealed files
//! under a verified, unrevoked consent) and `revoke` (a consent, or a person).

use std::io::Write;
use std::path::Path;

use cipherchart::rand_core::OsRng;
use cipherchart::{
    reencrypt_with_consent, Action, Authority, BlsSigningKey, ConsentToken, Entry, EntryDraft,
    Grant, Grantee, KeyFile, Policy, ReKey, RevocationSet, SealedRecord, Window,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::clinic::{now, Clinic};
use crate::commands::{hex, signing_key_path};
use crate::fail::{Context, Failure, Report};
use crate::files::{walk, Pending};
use crate::passphrase::{Admin, KeyHolder};

const DAY: u64 = 86_400;

/// What `share` writes into its output folder.
const REKEY_FILE: &str = "rekey.key";
const CONSENT_TEXT: &str = "consent.txt";
const CONSENT_QR: &str = "consent.svg";

pub struct Share<'a> {
    pub clinic: &'a Path,
    pub key: &'a Path,
    pub attributes: &'a [String],
    pub to: &'a str,
    /// Another clinic (folder or `authority.pub`) whose people `to` names: a referral.
    pub to_clinic: Option<&'a Path>,
    pub purposes: &'a [String],
    pub days: u64,
    pub out: &'a Path,
}

/// The patient's grant: the administrator issues a one-grant delegation key for the
/// patient's attributes naming the patient's signing key; the patient makes the re-key
/// toward `to` and signs a consent token that names it. The re-key goes to the clinic's
/// proxy (a key file under the administrator's passphrase), the token to the recipient.
pub fn share(s: &Share<'_>, admin: &Admin, patient: &KeyHolder) -> Result<Report, Failure> {
    let clinic = Clinic::new(s.clinic);
    let audience = Policy::parse(s.to).context("reading --to")?;
    if s.purposes.is_empty() {
        return Err(Failure::usage(
            "say what the sharing is for: --purpose treatment".into(),
        ));
    }
    if std::fs::symlink_metadata(s.out).is_ok() {
        return Err(Failure::usage(format!(
            "{} exists: choose a new folder",
            s.out.display()
        )));
    }
    let (mut log, signers) = clinic.log_and_signers()?;
    let admin_pass = admin.get(false)?;
    let authority = Authority::read_key_file(clinic.authority_key(), &admin_pass)
        .context("opening the master key")?;
    let patient_pass = patient.get()?;
    // Only the patient consents for their own attributes: their key must hold every one.
    let patient_key = cipherchart::UserKey::read_key_file(s.key, &patient_pass)
        .context("opening the patient's key")?;
    if let Some(missing) = s.attributes.iter().find(|a| !patient_key.has_attribute(a)) {
        return Err(Failure::bad_input(
            format!("{} does not hold {missing}: only its holder can consent to share it", s.key.display()),
            "Give the key of the patient whose files are shared (--key), and only their attributes.",
        ));
    }
    drop(patient_key);
    let patient_sig = BlsSigningKey::read_key_file(signing_key_path(s.key), &patient_pass)
        .context("opening the patient's signing key")?;
    clinic.check_issued(&signers, &patient_sig.public_key(), s.key)?;
    // A referral names people of another clinic, who open with its keys
    // (`docs/federation.md`); otherwise the audience is this clinic's.
    let target = match s.to_clinic {
        Some(path) => Clinic::peer_public_key(path)?,
        None => authority.public_key().clone(),
    };
    let rekey = authority
        .issue_delegation_key(s.attributes, &patient_sig.public_key(), &mut OsRng)
        .context("issuing the delegation key")?
        .rekey_to(&target, &audience, &mut OsRng)
        .context("making the re-key")?;
    let start = now();
    let end = s
        .days
        .checked_mul(DAY)
        .and_then(|d| start.checked_add(d))
        .ok_or_else(|| {
            Failure::bad_input(
                format!("{} days is too long a period", s.days),
                "Give a number of days such as 30 or 365.",
            )
        })?;
    let window = Window::new(start, end).context("the sharing period")?;
    let subject = s.attributes.join(",");
    let grant = Grant::new(subject, Grantee::Policy(audience.clone()), window)
        .purposes(s.purposes.iter().cloned())
        .rekey(&rekey);
    let token =
        ConsentToken::issue(&patient_sig, &grant, &mut OsRng).context("signing the consent")?;
    let text = token.to_text();
    let qr = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| Failure::usage(format!("the consent is too long for a QR code ({e})")))?;
    let svg = qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(320, 320)
        .build();

    std::fs::create_dir_all(s.out).context("creating the output folder")?;
    rekey
        .write_key_file(s.out.join(REKEY_FILE), &admin_pass)
        .context("writing the re-key")?;
    write(&s.out.join(CONSENT_TEXT), format!("{text}\n").as_bytes())?;
    write(&s.out.join(CONSENT_QR), svg.as_bytes())?;
    log.sign_and_append(
        token.grant_entry(start).with_metadata(format!(
            "to={audience}{}; purposes={}",
            referral_note(s.to_clinic, &target),
            s.purposes.join(",")
        )),
        &patient_sig,
    )
    .context("writing to the audit log")?;
    Ok(Report {
        lines: vec![
            format!(
                "Shared {} with: {audience}{} for {} day(s).",
                s.attributes.join(", "),
                referral_note(s.to_clinic, &target),
                s.days
            ),
            format!(
                "Give {} (or the QR code {}) to the recipient.",
                CONSENT_TEXT, CONSENT_QR
            ),
            format!(
                "{} stays with the clinic's proxy (cipherchart reencrypt).",
                REKEY_FILE
            ),
        ],
        json: json!({"ok": true, "out": s.out, "consent": text,
                     "to_clinic": s.to_clinic.map(|_| hex(&target.id())),
                     "revocation_id": token.revocation_ids().first().map(ToString::to_string)}),
    })
}

/// ` at the clinic <id>` for a referral to another clinic, else nothing.
fn referral_note(to_clinic: Option<&Path>, target: &cipherchart::PublicKey) -> String {
    to_clinic.map_or_else(String::new, |_| {
        format!(" at the clinic {}…", hex(&target.id()[..4]))
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let what = format!("writing {}", path.display());
    let mut pending = Pending::create(path).context(&what)?;
    pending.file().write_all(bytes).context(&what)?;
    pending.publish().context(&what)
}

fn read_consent(path: &Path) -> Result<ConsentToken, Failure> {
    let text = std::fs::read_to_string(path).context(&format!("reading {}", path.display()))?;
    ConsentToken::from_text(text.trim()).context(&format!("reading {}", path.display()))
}

/// The revocations the proxy honours: those the consent's signers logged (the library's
/// rule), and every revocation the clinic's administrator logged with the log key, which
/// the clinic's own proxy obeys for any consent.
fn clinic_revocations(
    log: &cipherchart::Chain<cipherchart::FileStore>,
    admin: &cipherchart::BlsPublicKey,
) -> Result<RevocationSet, Failure> {
    let what = "reading revocations from the audit log";
    let mut set = RevocationSet::from_chain(log).context(what)?;
    for i in 0..log.len() {
        let e = log.entry(i).context(what)?;
        if e.action() == Action::Revoke && e.actor() == admin {
            if let Ok(id) = cipherchart::RevocationId::from_bytes(e.subject()) {
                e.verify_signature().context(what)?;
                set.insert(id);
            }
        }
    }
    Ok(set)
}

/// The proxy: re-encrypts every sealed file of `input` that the consent permits.
pub fn reencrypt(
    dir: &Path,
    grant: &Path,
    consent: Option<&Path>,
    purpose: &str,
    input: &Path,
    out: &Path,
    admin: &Admin,
) -> Result<Report, Failure> {
    let clinic = Clinic::new(dir);
    let mut log = clinic.log()?;
    let admin_pass = admin.get(false)?;
    let rekey =
        ReKey::read_key_file(grant.join(REKEY_FILE), &admin_pass).context("opening the re-key")?;
    let log_key = BlsSigningKey::read_key_file(clinic.log_key(), &admin_pass)
        .context("opening the log key")?;
    let token = read_consent(&consent.map_or_else(|| grant.join(CONSENT_TEXT), Path::to_path_buf))?;
    let revoked = clinic_revocations(&log, &clinic.log_public_key()?)?;
    let at = now();
    // The consent must be signed by the re-key's delegator (the patient), unexpired and
    // unrevoked; `reencrypt_with_consent` also checks it names this re-key.
    let verified = token
        .verify(rekey.delegator(), at, &revoked)
        .context("checking the consent")?;
    if input.is_dir() {
        crate::files::new_folder(out).context("choosing the output folder")?;
    }
    let files: Vec<String> = if input.is_dir() {
        walk(input)
            .context("reading the folder")?
            .into_iter()
            .filter(|f| f.ends_with(".cc"))
            .collect()
    } else {
        Vec::new()
    };
    let pairs: Vec<(std::path::PathBuf, std::path::PathBuf, String)> = if input.is_dir() {
        files
            .iter()
            .map(|f| (input.join(f), out.join(f), f.clone()))
            .collect()
    } else {
        let name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        vec![(input.to_path_buf(), out.to_path_buf(), name)]
    };
    let mut done = Vec::new();
    for (src, dst, name) in pairs {
        let what = format!("re-encrypting {}", src.display());
        let bytes = std::fs::read(&src).context(&what)?;
        let record = SealedRecord::from_bytes(&bytes).context(&what)?;
        let moved =
            reencrypt_with_consent(&verified, &rekey, &record, "", purpose).context(&what)?;
        let moved_bytes = moved.to_bytes();
        write(&dst, &moved_bytes)?;
        if let Err(f) = log
            .sign_and_append(Entry::for_reencrypt(&moved, rekey.grant_id(), at), &log_key)
            .context("writing to the audit log")
        {
            let _ = std::fs::remove_file(&dst);
            return Err(f);
        }
        done.push(name);
    }
    Ok(Report {
        lines: vec![format!(
            "Re-encrypted {} file(s) for {}.",
            done.len(),
            rekey.target_policy()
        )],
        json: json!({"ok": true, "reencrypted": done, "to": rekey.target_policy().to_string()}),
    })
}

/// Revokes a consent (signed by the patient's key, or by the administrator) or records
/// that a person's access was withdrawn.
pub fn revoke(
    dir: &Path,
    consent: Option<&Path>,
    person: Option<&str>,
    key: Option<&Path>,
    admin: &Admin,
    holder: &KeyHolder,
) -> Result<Report, Failure> {
    let clinic = Clinic::new(dir);
    let (mut log, signers) = clinic.log_and_signers()?;
    let signer = match key {
        Some(k) => {
            let signer = BlsSigningKey::read_key_file(signing_key_path(k), &holder.get()?)
                .context("opening your signing key")?;
            clinic.check_issued(&signers, &signer.public_key(), k)?;
            signer
        }
        None => BlsSigningKey::read_key_file(clinic.log_key(), &admin.get(false)?)
            .context("opening the log key")?,
    };
    match (consent, person) {
        (Some(path), None) => {
            let token = read_consent(path)?;
            // The proxy honours a revocation by the consent's issuer (the patient) or by the
            // clinic's administrator; anyone else's would be logged and do nothing.
            let admin_key = clinic.log_public_key()?;
            let signer_pk = signer.public_key();
            if signer_pk != admin_key && token.issuer() != Some(signer_pk) {
                return Err(Failure::bad_input(
                    "this key did not sign the consent: its revocation would not count".into(),
                    "Revoke with the patient's key (--key) or as the administrator (no --key).",
                ));
            }
            let ids = token.revocation_ids();
            log.sign_and_append(token.revoke_entry(now()), &signer)
                .context("writing to the audit log")?;
            Ok(Report {
                lines: vec!["The consent is revoked: the proxy refuses it from now on.".into()],
                json: json!({"ok": true, "revoked": ids.iter().map(ToString::to_string).collect::<Vec<_>>()}),
            })
        }
        (None, Some(name)) => {
            // Only a name `issue` gave: a typo would record nobody's departure, and a
            // name `audit` cannot show as text would read as something else (ROT-5, ROT-6).
            if !signers.was_issued(name) {
                return Err(Failure::bad_input(
                    format!("no key was issued to {name:?} in this clinic"),
                    "Give the person's name as their key file is named (bob for bob.key); `cipherchart audit` lists every key issued.",
                ));
            }
            let draft = EntryDraft::new(
                now(),
                Action::Revoke,
                format!("person:{name}").into_bytes(),
                Sha256::digest(name.as_bytes()).into(),
            )
            .with_metadata("access withdrawn (organisational: see the guide)");
            log.sign_and_append(draft, &signer)
                .context("writing to the audit log")?;
            // The record alone changes no key: until the clinic moves to a new master key
            // (`rotate`, issuing new keys to everyone else), the person's key still opens
            // what is sealed for their attributes. Say so, and say what to do.
            Ok(Report {
                lines: vec![
                    format!("Recorded that {name}'s access is withdrawn."),
                    format!("If {name} may still have their key file, it keeps opening files sealed for their attributes until you move the clinic to a new master key:"),
                    "  cipherchart init <new clinic folder>".into(),
                    "  cipherchart rotate --clinic <this clinic folder> --new-clinic <new clinic folder> <sealed folder> --out <new sealed folder>".into(),
                    format!("then issue new keys to everyone who stays (not {name}); see docs/guide/small-clinic.md, \"When someone leaves\"."),
                ],
                json: json!({"ok": true, "person": name, "cryptographic": false, "next": "rotate"}),
            })
        }
        _ => Err(Failure::usage(
            "say what to revoke: --consent <consent.txt> or --person <name>".into(),
        )),
    }
}
