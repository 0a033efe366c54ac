//! The commands. Each returns a [`Report`] or a [`Failure`]; none leaves a half-written
//! file under a real name (outputs go through [`Pending`]).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use cipherchart::rand_core::OsRng;
use cipherchart::{
    seal as seal_record, seal_stream, Action, Authority, BlsSigningKey, Chain, EntryDraft,
    FileStore, KeyFile, KeyFileOptions, Policy, PublicKey, SealedRecord, UserKey,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::clinic::{now, Clinic};
use crate::fail::{Context, Failure, Report};
use crate::files::{walk, Pending};
use crate::passphrase::{Admin, Holder, KeyHolder};
use crate::progress::Progress;

/// Files up to this size are sealed as records (a proxy can re-encrypt them); larger ones
/// as streams, which are never loaded whole into memory.
const RECORD_FILE_MAX: u64 = 64 << 20;

/// The suffix of sealed files.
const SEALED_SUFFIX: &str = ".cc";

fn key_file_options(work_factor: Option<u8>) -> Result<KeyFileOptions, Failure> {
    match work_factor {
        None => Ok(KeyFileOptions::new()),
        Some(w) => KeyFileOptions::new()
            .with_work_factor(w)
            .context("choosing the work factor"),
    }
}

/// Where a person's log-signing key lives, beside their decryption key.
pub fn signing_key_path(key: &Path) -> PathBuf {
    let mut name = key.as_os_str().to_owned();
    name.push(".sign");
    PathBuf::from(name)
}

pub fn init(
    dir: &Path,
    name: &str,
    work_factor: Option<u8>,
    pass: &Admin,
) -> Result<Report, Failure> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .context("reading the folder")?
            .next()
            .is_some()
    {
        return Err(Failure::usage(format!(
            "{} exists and is not empty: choose a new folder",
            dir.display()
        )));
    }
    let options = key_file_options(work_factor)?;
    let passphrase = pass.get(true)?;
    std::fs::create_dir_all(dir).context("creating the clinic folder")?;
    let clinic = Clinic::new(dir);
    let authority = Authority::setup(&mut OsRng);
    let log_key = BlsSigningKey::generate(&mut OsRng);
    authority
        .write_key_file_with(clinic.authority_key(), &passphrase, &options)
        .context("writing the master key")?;
    log_key
        .write_key_file_with(clinic.log_key(), &passphrase, &options)
        .context("writing the log key")?;
    write_new(
        &clinic.public_key_path(),
        &authority.public_key().to_bytes(),
    )?;
    write_new(&clinic.log_pub_path(), &log_key.public_key().to_bytes())?;
    write_new(&clinic.dir.join("clinic.name"), name.as_bytes())?;
    drop(Chain::open(
        FileStore::create(clinic.log_path()).context("creating the audit log")?,
    ));
    Ok(Report {
        lines: vec![
            format!("Created the clinic folder {}.", dir.display()),
            "Back up authority.key and remember the administrator passphrase: without both, no new keys can be issued.".into(),
            "Copy authority.pub to every computer that seals files.".into(),
        ],
        json: json!({"ok": true, "clinic": dir, "name": name}),
    })
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let what = format!("writing {}", path.display());
    let mut pending = Pending::create(path).context(&what)?;
    pending.file().write_all(bytes).context(&what)?;
    pending.publish().context(&what)
}

pub fn issue(
    dir: &Path,
    attributes: &[String],
    out: &Path,
    work_factor: Option<u8>,
    pass: &Admin,
    holder: &Holder,
) -> Result<Report, Failure> {
    let clinic = Clinic::new(dir);
    let options = key_file_options(work_factor)?;
    let mut log = clinic.log()?;
    let admin = pass.get(false)?;
    let authority = Authority::read_key_file(clinic.authority_key(), &admin)
        .context("opening the master key")?;
    let log_key =
        BlsSigningKey::read_key_file(clinic.log_key(), &admin).context("opening the log key")?;
    let key = authority
        .issue_key(attributes, &mut OsRng)
        .context("issuing the key")?;
    let signer = BlsSigningKey::generate(&mut OsRng);
    let holder_pass = holder.get()?;
    let sign_path = signing_key_path(out);
    key.write_key_file_with(out, &holder_pass, &options)
        .context(&format!("writing {}", out.display()))?;
    if let Err(f) = signer
        .write_key_file_with(&sign_path, &holder_pass, &options)
        .context(&format!("writing {}", sign_path.display()))
    {
        let _ = std::fs::remove_file(out);
        return Err(f);
    }
    let holder_id = signer.public_key().to_bytes();
    let subject = out
        .file_stem()
        .map_or_else(|| "key".into(), |s| s.to_string_lossy().into_owned());
    let draft = EntryDraft::new(
        now(),
        Action::Grant,
        subject.as_bytes(),
        Sha256::digest(holder_id).into(),
    )
    .with_metadata(format!(
        "issued key; attributes={}; signer={}",
        attributes.join(","),
        hex(&holder_id)
    ));
    if let Err(f) = log
        .sign_and_append(draft, &log_key)
        .context("writing to the audit log")
    {
        let _ = std::fs::remove_file(out);
        let _ = std::fs::remove_file(&sign_path);
        return Err(f);
    }
    Ok(Report {
        lines: vec![
            format!(
                "Issued a key for {} to {}.",
                attributes.join(", "),
                out.display()
            ),
            format!(
                "Its log-signing key is {}. Give both files to their holder.",
                sign_path.display()
            ),
        ],
        json: json!({"ok": true, "key": out, "signing_key": sign_path, "attributes": attributes}),
    })
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A person at work: their decryption key (for `open`), their log-signing key, the clinic.
struct Staff {
    pk: PublicKey,
    /// Other clinics whose referred files this one opens (`open --trust`).
    peers: Vec<PublicKey>,
    signer: BlsSigningKey,
    log: Chain<FileStore>,
}

impl Staff {
    fn load(dir: &Path, key: &Path, passphrase: &str) -> Result<Self, Failure> {
        let clinic = Clinic::new(dir);
        let pk = clinic.public_key()?;
        let sign_path = signing_key_path(key);
        let signer = BlsSigningKey::read_key_file(&sign_path, passphrase)
            .context(&format!("opening your signing key {}", sign_path.display()))?;
        let (log, signers) = clinic.log_and_signers()?;
        clinic.check_issued(&signers, &signer.public_key(), key)?;
        Ok(Self {
            pk,
            peers: Vec::new(),
            signer,
            log,
        })
    }

    fn record(
        &mut self,
        action: Action,
        subject: &str,
        digest: [u8; 32],
        detail: String,
    ) -> Result<(), Failure> {
        let draft =
            EntryDraft::new(now(), action, subject.as_bytes(), digest).with_metadata(detail);
        self.log
            .sign_and_append(draft, &self.signer)
            .map(|_| ())
            .context("writing to the audit log")
    }
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A reader that hashes what passes through it.
struct HashingReader<R> {
    inner: R,
    hash: Sha256,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

pub fn seal(
    dir: &Path,
    policy_text: &str,
    key: &Path,
    input: &Path,
    out: Option<&Path>,
    pass: &KeyHolder,
) -> Result<Report, Failure> {
    let policy = Policy::parse(policy_text).context("reading the policy")?;
    let passphrase = pass.get()?;
    let mut staff = Staff::load(dir, key, &passphrase)?;
    let mut sealed = Vec::new();
    if input == Path::new("-") {
        let stdout = io::stdout();
        let digest = match out {
            None => seal_stdin(&staff, &policy, stdout.lock())?,
            Some(p) if p == Path::new("-") => seal_stdin(&staff, &policy, stdout.lock())?,
            Some(p) => {
                let what = format!("writing {}", p.display());
                let mut pending = Pending::create(p).context(&what)?;
                let digest = seal_stdin(&staff, &policy, pending.file())?;
                pending.publish().context(&what)?;
                digest
            }
        };
        staff.record(
            Action::Create,
            "stdin",
            digest,
            format!("sealed standard input; policy={policy}"),
        )?;
        sealed.push("stdin".to_owned());
    } else if input.is_dir() {
        sealed = each_file_of_folder(input, out, "sealing", |rel, out| {
            let dst = out.join(format!("{rel}{SEALED_SUFFIX}"));
            seal_file(&mut staff, &policy, &input.join(rel), &dst, rel)?;
            Ok(Some(rel.to_owned()))
        })?;
    } else {
        let name = input
            .file_name()
            .ok_or_else(|| Failure::usage("the input has no file name".into()))?
            .to_string_lossy()
            .into_owned();
        if out == Some(Path::new("-")) {
            return Err(Failure::usage(
                "to write to standard output, read from standard input: `… - < file`".into(),
            ));
        }
        let dst = out.map_or_else(|| with_suffix(input), Path::to_path_buf);
        seal_file(&mut staff, &policy, input, &dst, &name)?;
        sealed.push(name);
    }
    Ok(Report {
        lines: vec![format!(
            "Sealed {} file(s) for: {policy_text}",
            sealed.len()
        )],
        json: json!({"ok": true, "sealed": sealed, "policy": policy.to_string()}),
    })
}

fn with_suffix(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(SEALED_SUFFIX);
    PathBuf::from(name)
}

fn seal_stdin<W: Write>(staff: &Staff, policy: &Policy, out: W) -> Result<[u8; 32], Failure> {
    let mut hashing = Hashing {
        inner: out,
        hash: Sha256::new(),
    };
    seal_stream(
        &staff.pk,
        policy,
        b"stdin",
        b"",
        io::stdin().lock(),
        &mut hashing,
        &mut OsRng,
    )
    .context("sealing standard input")?;
    hashing.flush().context("writing the output")?;
    Ok(hashing.hash.finalize().into())
}

/// Seals one file as `id` (its name relative to what was sealed) into `dst`, then logs it.
fn seal_file(
    staff: &mut Staff,
    policy: &Policy,
    src: &Path,
    dst: &Path,
    id: &str,
) -> Result<(), Failure> {
    let what = format!("sealing {}", src.display());
    let size = std::fs::metadata(src).context(&what)?.len();
    let mut pending = Pending::create(dst).context(&format!("writing {}", dst.display()))?;
    let digest: [u8; 32] = if size <= RECORD_FILE_MAX {
        let payload = std::fs::read(src).context(&what)?;
        let record = seal_record(&staff.pk, policy, id.as_bytes(), b"", &payload, &mut OsRng)
            .context(&what)?;
        let bytes = record.to_bytes();
        pending.file().write_all(&bytes).context(&what)?;
        Sha256::digest(&bytes).into()
    } else {
        let file = std::fs::File::open(src).context(&what)?;
        let mut hashing = Hashing {
            inner: pending.file(),
            hash: Sha256::new(),
        };
        seal_stream(
            &staff.pk,
            policy,
            id.as_bytes(),
            b"",
            BufReader::new(file),
            &mut hashing,
            &mut OsRng,
        )
        .context(&what)?;
        hashing.hash.finalize().into()
    };
    pending
        .publish()
        .context(&format!("writing {}", dst.display()))?;
    if let Err(f) = staff.record(
        Action::Create,
        id,
        digest,
        format!("sealed; policy={policy}"),
    ) {
        let _ = std::fs::remove_file(dst);
        return Err(f);
    }
    Ok(())
}

pub fn open(
    dir: &Path,
    key: &Path,
    input: &Path,
    out: Option<&Path>,
    trust: &[PathBuf],
    pass: &KeyHolder,
) -> Result<Report, Failure> {
    // Read before the passphrase is asked: a wrong path costs no typing.
    let peers = trust
        .iter()
        .map(|p| Clinic::peer_public_key(p))
        .collect::<Result<Vec<_>, _>>()?;
    let passphrase = pass.get()?;
    let user = UserKey::read_key_file(key, &passphrase)
        .context(&format!("opening your key {}", key.display()))?;
    let mut staff = Staff::load(dir, key, &passphrase)?;
    staff.peers = peers;
    let mut opened = Vec::new();
    if input == Path::new("-") {
        let digest = match out {
            Some(p) if p != Path::new("-") => {
                let what = format!("writing {}", p.display());
                let mut pending = Pending::create(p).context(&what)?;
                let (digest, _) =
                    open_reader(&staff, &user, io::stdin().lock(), pending.file(), None)?;
                // Log first, publish second: an open that cannot be logged leaves no plaintext.
                staff.record(
                    Action::Read,
                    "stdin",
                    digest,
                    "opened standard input".into(),
                )?;
                pending.publish().context(&what)?;
                digest
            }
            _ => {
                let digest =
                    open_reader(&staff, &user, io::stdin().lock(), io::stdout().lock(), None)?.0;
                staff.record(
                    Action::Read,
                    "stdin",
                    digest,
                    "opened standard input".into(),
                )?;
                digest
            }
        };
        let _ = digest;
        opened.push("stdin".to_owned());
    } else if input.is_dir() {
        opened = each_file_of_folder(input, out, "opening", |rel, out| {
            // Only sealed files are opened; anything else in the folder is not ours.
            let Some(plain) = rel.strip_suffix(SEALED_SUFFIX) else {
                return Ok(None);
            };
            open_file(
                &mut staff,
                &user,
                &input.join(rel),
                &out.join(plain),
                Expected::Path(plain),
            )?;
            Ok(Some(plain.to_owned()))
        })?;
    } else {
        let name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let plain = name
            .strip_suffix(SEALED_SUFFIX)
            .ok_or_else(|| {
                Failure::usage(format!(
                    "{} does not end in {SEALED_SUFFIX}",
                    input.display()
                ))
            })?
            .to_owned();
        if out == Some(Path::new("-")) {
            return Err(Failure::usage(
                "to write to standard output, read from standard input: `… - < file`".into(),
            ));
        }
        let dst = out.map_or_else(|| input.with_file_name(&plain), Path::to_path_buf);
        open_file(&mut staff, &user, input, &dst, Expected::FileName(&plain))?;
        opened.push(plain);
    }
    Ok(Report {
        lines: vec![format!("Opened {} file(s).", opened.len())],
        json: json!({"ok": true, "opened": opened}),
    })
}

fn open_file(
    staff: &mut Staff,
    user: &UserKey,
    src: &Path,
    dst: &Path,
    expected: Expected<'_>,
) -> Result<(), Failure> {
    let what = format!("opening {}", src.display());
    let file = std::fs::File::open(src).context(&what)?;
    let mut pending = Pending::create(dst).context(&format!("writing {}", dst.display()))?;
    let (digest, id) = open_reader(
        staff,
        user,
        BufReader::new(file),
        pending.file(),
        Some(expected),
    )
    .map_err(|f| f.within(&what))?;
    // Log first, publish second: an open that cannot be logged leaves no plaintext.
    staff.record(Action::Read, &id, digest, "opened".into())?;
    pending
        .publish()
        .context(&format!("writing {}", dst.display()))
}

/// Opens a record or a stream from `input` into `output`; checks that its sealed name is
/// `expected` (a renamed or swapped file is refused). Returns the digest of the sealed bytes.
fn open_reader<R: BufRead, W: Write>(
    staff: &Staff,
    user: &UserKey,
    input: R,
    mut output: W,
    expected: Option<Expected<'_>>,
) -> Result<([u8; 32], String), Failure> {
    let mut reader = HashingReader {
        inner: input,
        hash: Sha256::new(),
    };
    let mut head = [0u8; 4];
    reader
        .read_exact(&mut head)
        .context("reading the sealed file")?;
    let id = match head {
        [b'C', b'C', 0x04, _] => {
            let mut bytes = head.to_vec();
            reader
                .read_to_end(&mut bytes)
                .context("reading the sealed file")?;
            let record = SealedRecord::from_bytes(&bytes).context("reading the sealed file")?;
            let id = String::from_utf8_lossy(record.record_id()).into_owned();
            check_name(&id, expected)?;
            // This clinic's public key first, then the clinics it trusts for referrals.
            let trusted: Vec<&PublicKey> =
                core::iter::once(&staff.pk).chain(&staff.peers).collect();
            let payload = user
                .open_federated(&trusted, &record)
                .context("decrypting")?;
            output.write_all(&payload).context("writing the output")?;
            id
        }
        [b'C', b'C', 0x06, _] => {
            let chained = io::Cursor::new(head).chain(&mut reader);
            let info = user
                .open_stream(&staff.pk, chained, &mut output)
                .context("opening")?;
            let id = String::from_utf8_lossy(&info.stream_id).into_owned();
            check_name(&id, expected)?;
            id
        }
        _ => {
            return Err(Failure::usage(
                "this is not a file sealed by cipherchart".to_owned(),
            ))
        }
    };
    output.flush().context("writing the output")?;
    Ok((reader.hash.finalize().into(), id))
}

/// The name a sealed file must have been sealed with.
#[derive(Clone, Copy)]
enum Expected<'a> {
    /// Opening a folder: the file's path relative to it, exactly.
    Path(&'a str),
    /// Opening one file: a file sealed as part of a folder has its relative path as its
    /// name (`sub/x.txt`), so only the last component can be compared with the file name.
    FileName(&'a str),
}

fn check_name(id: &str, expected: Option<Expected<'_>>) -> Result<(), Failure> {
    let (ok, e) = match expected {
        None => return Ok(()),
        Some(Expected::Path(e)) => (id == e, e),
        Some(Expected::FileName(e)) => (id.rsplit('/').next() == Some(e), e),
    };
    match Some(e) {
        Some(e) if !ok => Err(Failure::name_mismatch(format!(
            "this file was sealed as \"{id}\" but is stored as \"{e}\": it was renamed or swapped; nothing was written"
        ))),
        _ => Ok(()),
    }
}

pub fn audit(dir: &Path) -> Result<Report, Failure> {
    let clinic = Clinic::new(dir);
    let store = clinic.read_only_store()?;
    let r = store.recovery();
    if !r.is_clean() {
        return Err(Failure::log_broken(format!(
            "the audit log ends with an incomplete entry after entry {} ({} bytes): a command was interrupted, or the end was cut off",
            r.records, r.dropped_bytes
        )));
    }
    let chain = Chain::open(store).context("checking the audit log")?;
    chain
        .verify_all(None, &mut OsRng)
        .context("checking the audit log's signatures")?;
    let mut lines = vec![format!(
        "The audit log has {} entries; every signature and link checks.",
        chain.len()
    )];
    let mut entries = Vec::new();
    clinic.signers(&chain, |i, e, who| {
        let metadata = String::from_utf8_lossy(e.metadata()).into_owned();
        let subject = crate::clinic::subject_text(e);
        lines.push(format!(
            "#{i:<4} {} {:<10} {:<24} by {who}",
            utc(e.time()),
            e.action().to_string(),
            subject
        ));
        entries.push(json!({"index": i, "time": e.time(), "utc": utc(e.time()), "action": e.action().to_string(),
                            "subject": subject, "by": who, "digest": hex(e.digest()), "metadata": metadata}));
    })?;
    Ok(Report {
        lines,
        json: json!({"ok": true, "entries": entries, "root": hex(&chain.root())}),
    })
}

/// `YYYY-MM-DD HH:MM UTC` for seconds since 1970 (Howard Hinnant's days-to-civil).
pub fn utc(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// Runs `each` on every file under `input` (relative names, in `walk`'s order) with a
/// progress line, into `out`, which must be a new folder; returns the names `each`
/// reports done. A failure stops the run and removes `out` if nothing is left in it.
fn each_file_of_folder(
    input: &Path,
    out: Option<&Path>,
    verb: &str,
    mut each: impl FnMut(&str, &Path) -> Result<Option<String>, Failure>,
) -> Result<Vec<String>, Failure> {
    let out =
        out.ok_or_else(|| Failure::usage(format!("{verb} a folder needs --out <new folder>")))?;
    crate::files::new_folder(out).context("choosing the output folder")?;
    let files = walk(input).context("reading the folder")?;
    let mut progress = Progress::new(files.len());
    let mut done = Vec::new();
    for rel in files {
        progress.next(&rel);
        match each(&rel, out) {
            Ok(Some(name)) => done.push(name),
            Ok(None) => {}
            Err(f) => {
                crate::files::remove_if_empty(out);
                return Err(f);
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(super::utc(1_796_609_396), "2026-12-07 02:09 UTC");
        assert_eq!(super::utc(4_107_542_400), "2100-03-01 00:00 UTC");
    }
}
