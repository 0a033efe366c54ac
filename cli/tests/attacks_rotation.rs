//! An outsider's attacks on the departure flow of `cipherchart` (guide §7 "Rotating the
//! master key", §8 "When someone leaves"): `revoke --person bob`, `init` a new clinic,
//! `rotate --clinic old --new-clinic new <sealed> --out <moved>`, new keys for those who
//! stay. The claim under attack: from then on Bob's old key opens none of the moved files
//! and nothing sealed under the new clinic; both logs record the move; nothing
//! half-written is left; errors are actionable.
//!
//! A passing test is a defeated attack (its doc comment says what was tried). A successful
//! Tests named `limitation_…` pin documented limits. Key files use work factor 15.
//!
//! # Report
//!
//! The core claim holds: Bob's old key opens no moved file and nothing sealed under the new
//! clinic, whichever clinic folder he names (`wrong_authority`, exit 6, nothing written);
//! old grants do not re-encrypt moved files; the same authority twice (even a copied clinic
//! folder) and swapped clinics are refused before anything is written; damaged logs stop
//! `rotate` first; streams are refused, never copied as they are; `rotate` never writes
//! plaintext (even killed) and both logs record each move. The findings are around it:
//!
//! - **ROT-1 (medium, confidentiality after the move).** `seal --clinic <old> --key
//!   <new key>` is accepted: the tool does not check that the signer's key belongs to the
//!   clinic it seals for. A workstation (or a shell history, a script) still pointing at the
//!   old clinic folder seals new files under the old master key with a new-clinic key, with
//!   no warning, and Bob's old key opens them. The old clinic's log gets an entry signed by
//!   a key it never issued, so its `audit` then fails (exit 7).
//!   Reproduce: `a_key_of_the_new_clinic_does_not_seal_under_the_old_one`.
//!   Fix: in `seal` (and `open`, `share`, `revoke --key`) compare the key's authority id with
//!   the clinic's `authority.pub` id and refuse a mismatch with `wrong_authority` (exit 6,
//!   hint "this key belongs to another clinic folder"), before writing anything; better
//!   still, have `rotate` (or a `retire` step) mark the old clinic folder retired, and make
//!   `seal` refuse a retired clinic.
//! - **ROT-2 (medium, integrity/availability of the new log).** Bob's *old* key is accepted as
//!   the signer of the *new* clinic's log: `seal --clinic <new> --key bob.key` succeeds (exit
//!   0) and appends an entry the new clinic's `audit` then rejects ("signed by a key this
//!   clinic never issued", exit 7). A departed person — or anyone who has not yet deleted an
//!   old key, as the guide asks — turns the new clinic's log into a "damaged log" alarm
//!   ("Stop … call whoever audits your records"). Worse, every writer (`seal`, `rotate`, …)
//!   keeps appending after such an entry (exit 0), contrary to §6 "stops every command
//!   until someone looks". Reproduce: `a_departed_persons_old_key_cannot_write_to_the_new_log`,
//!   `writers_stop_after_an_entry_the_audit_rejects`.
//!   Fix: as ROT-1 (refuse a key of another authority before appending), and run the same
//!   signer check `audit` runs (every entry signed by `log.pub` or an issued signer) when a
//!   writer opens the log, refusing with exit 7 as for a damaged log.
//! - **ROT-3 (medium, data loss after an interruption or a failure).** `rotate` builds the
//!   output folder in place under its real name. Ctrl-C (exit 130, no message), a forced
//!   kill, a power cut, or a failure mid-folder (a damaged file, a stream, a file of another
//!   clinic) leave `--out` holding some of the files, which looks like a finished move; the
//!   guide's next step is to delete the old sealed folder. Running the command again is
//!   refused with "folder outputs must be a new folder" and the hint "Nothing half-written
//!   was left behind", which is false here and does not say what to do. (Also: a damaged
//!   record is reported as "only files sealed as records (up to 64 MiB) can be rotated; open
//!   and seal larger ones again: … trailing bytes", which points the wrong way.)
//!   Reproduce: `an_interrupted_rotate_leaves_no_half_moved_folder`,
//!   `a_failed_rotate_leaves_no_half_moved_folder`.
//!   Fix: build the folder under a hidden temporary name (`.moved.<pid>.partial/`) and rename
//!   it only when every file is moved (remove it on Ctrl-C and on any error); check every
//!   input (record type, authority) before writing the first file; when `--out` exists,
//!   say that it may be a half-finished move, to delete it and run `rotate` again.
//! - **ROT-4 (low, silent data loss).** Files in the sealed folder that are not `*.cc`
//!   (notes, a sealed file renamed without `.cc`, stale `.partial` files) are skipped
//!   without a word: "Moved 2 file(s)" and exit 0. The guide then says to delete the old
//!   sealed folder. Reproduce: `rotate_does_not_silently_skip_files`.
//!   Fix: refuse (exit 6, listing them) unless told to skip, or list them as "not moved" in
//!   the text and JSON output.
//! - **ROT-5 (low, a departure recorded for nobody).** `revoke --person` accepts a name
//!   never issued a key (a typo: `bobb`) and the empty name, and says "Recorded that bobb's
//!   access is withdrawn"; the real person's departure is not recorded and nothing warns.
//!   Reproduce: `revoke_person_refuses_a_name_never_issued`.
//!   Fix: refuse (exit 6) a name that no `grant` entry of this clinic's log names, with a hint
//!   listing the names issued; refuse the empty name.
//! - **ROT-6 (low, misleading audit).** A person name with a control character (`revoke
//!   --person $'bob\n…'`) is accepted, and `audit` (text and JSON) shows the entry as
//!   `revoke consent 706572736f6e3a62`, a *consent* revocation with a made-up id (the hex of
//!   `person:b`). No line can be forged (the newline is not printed), but the departure is
//!   misreported. Reproduce: `a_person_name_with_control_characters_is_refused`.
//!   Fix: refuse names with control characters (exit 6); in `audit`, show a subject that is
//!   not printable text escaped, never as a consent id.
//!
//! **Status (lead, same session): all six fixed; the tests above run un-ignored.**
//! - ROT-1, ROT-2: every command that writes to a clinic's log first checks that the
//!   signing key it was given was issued by that clinic (`wrong_authority`, exit 6,
//!   nothing written), and opening the log for writing runs `audit`'s signer check (an
//!   entry by a key the clinic never issued stops every writer, exit 7).
//!   `writers_stop_after_an_entry_the_audit_rejects` now writes the foreign entry with the
//!   library, since the tool no longer lets bob's key write it.
//! - ROT-3: `rotate` checks every input first (each file decodes and was sealed for the old
//!   clinic), then fills the output under a hidden `.<out>.<pid>.partial` folder, renamed
//!   to `<out>` only when every file moved; a failure or Ctrl-C removes it. The kill tests
//!   look for written files in that hidden folder (`written_so_far`).
//! - ROT-4: files that are not `*.cc` are refused, listed by name, before anything moves.
//! - ROT-5, ROT-6: `revoke --person` takes only a name `issue` gave (control characters
//!   and the empty name never are), with a hint pointing at `audit`.
//!
//! Limitation (`limitation_the_old_clinic_keeps_working_after_rotation`): after `rotate`,
//! the old clinic folder keeps issuing keys and sealing with old keys, with nothing saying it
//! was retired; only the guide's "archive the old folder offline" prevents it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::process::Command;
use std::sync::OnceLock;

use cipherchart::rand_core::OsRng;
use cipherchart::{seal, Policy, PublicKey, SealedRecord};
use common::{Day, ADMIN, BOB, NEW_ADMIN, P42, RITA, WRONG};

const POLICY: &str = "patient:42 or (role:physician and dept:cardiology)";

/// The commands the rotation attacks repeat.
impl Day {
    /// `rotate --clinic old --new-clinic new input --out out` with `--json`.
    fn rotate_with(
        &self,
        old: &str,
        new: &str,
        input: &str,
        out: &str,
        old_var: &str,
        new_var: &str,
    ) -> (i32, serde_json::Value) {
        self.json(&rotate_args(old, new, input, out, old_var, new_var))
    }

    fn rotate(&self, input: &str, out: &str) -> (i32, serde_json::Value) {
        self.rotate_with(
            "clinic",
            "clinic2",
            input,
            out,
            "ADMIN_PASS",
            "NEW_ADMIN_PASS",
        )
    }

    /// `open` with `--json`.
    fn open_json(
        &self,
        clinic: &str,
        key: &str,
        var: &str,
        input: &str,
        out: &str,
    ) -> (i32, serde_json::Value) {
        self.json(&[
            "open",
            "--clinic",
            clinic,
            "--key",
            key,
            "--passphrase-env",
            var,
            input,
            "--out",
            out,
        ])
    }

    /// `seal` with `--json`.
    fn seal_json(
        &self,
        clinic: &str,
        key: &str,
        var: &str,
        policy: &str,
        input: &str,
        out: &str,
    ) -> (i32, serde_json::Value) {
        self.json(&[
            "seal",
            "--clinic",
            clinic,
            "--policy",
            policy,
            "--key",
            key,
            "--passphrase-env",
            var,
            input,
            "--out",
            out,
        ])
    }

    /// `audit --json`: exit code and JSON.
    fn audit(&self, clinic: &str) -> (i32, serde_json::Value) {
        self.json(&["audit", "--clinic", clinic])
    }

    /// The (action, subject, by) of every entry of a clinic's log that `audit` accepts.
    fn entries(&self, clinic: &str) -> Vec<(String, String, String)> {
        let (code, v) = self.audit(clinic);
        assert_eq!(code, 0, "audit of {clinic}: {v}");
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["action"].as_str().unwrap().to_owned(),
                    e["subject"].as_str().unwrap().to_owned(),
                    e["by"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    fn revoke_person(&self, clinic: &str, person: &str) -> (i32, serde_json::Value) {
        self.json(&[
            "revoke",
            "--clinic",
            clinic,
            "--person",
            person,
            "--admin-passphrase-env",
            "ADMIN_PASS",
        ])
    }
}

fn rotate_args<'a>(
    old: &'a str,
    new: &'a str,
    input: &'a str,
    out: &'a str,
    old_var: &'a str,
    new_var: &'a str,
) -> Vec<&'a str> {
    vec![
        "rotate",
        "--clinic",
        old,
        "--new-clinic",
        new,
        input,
        "--out",
        out,
        "--admin-passphrase-env",
        old_var,
        "--new-admin-passphrase-env",
        new_var,
    ]
}

/// Guide §8 up to the rotation: the old clinic with bob (cardiology physician), rita
/// (reception) and patient 42; a sealed folder `sealed` (two files, one in a sub-folder);
/// bob's departure recorded; the new clinic `clinic2` (its own administrator passphrase).
fn departure() -> Day {
    static TEMPLATE: OnceLock<Day> = OnceLock::new();
    Day::from_template(&TEMPLATE, build_departure)
}

fn build_departure(day: &Day) {
    day.init("clinic");
    day.issue(
        "clinic",
        "role:physician,dept:cardiology",
        "bob.key",
        "BOB_PASS",
    );
    day.issue("clinic", "role:reception", "rita.key", "RITA_PASS");
    day.issue("clinic", "patient:42", "p42.key", "P42_PASS");
    fs::create_dir_all(day.path("chart/sub")).unwrap();
    fs::write(day.path("chart/ecg.txt"), b"ECG: sinus rhythm").unwrap();
    fs::write(day.path("chart/sub/lab.txt"), b"HbA1c 6.1 %").unwrap();
    let (code, v) = day.seal_json("clinic", "rita.key", "RITA_PASS", POLICY, "chart", "sealed");
    assert_eq!(code, 0, "{v}");
    let (code, v) = day.revoke_person("clinic", "bob");
    assert_eq!(code, 0, "{v}");
    day.ok(&[
        "init",
        "clinic2",
        "--work-factor",
        "15",
        "--admin-passphrase-env",
        "NEW_ADMIN_PASS",
    ]);
}

/// [`departure`], the rotation into `moved`, and carol (bob's successor) with a key of the
/// new clinic.
fn moved() -> Day {
    static TEMPLATE: OnceLock<Day> = OnceLock::new();
    Day::from_template(&TEMPLATE, build_moved)
}

fn build_moved(day: &Day) {
    day.fill_from(&departure());
    let (code, v) = day.rotate("sealed", "moved");
    assert_eq!(code, 0, "{v}");
    issue_new(
        day,
        "role:physician,dept:cardiology",
        "carol.key",
        "H2_PASS",
    );
}

fn issue_new(day: &Day, attrs: &str, out: &str, var: &str) {
    day.ok(&[
        "issue",
        "--clinic",
        "clinic2",
        "--attributes",
        attrs,
        "--out",
        out,
        "--work-factor",
        "15",
        "--admin-passphrase-env",
        "NEW_ADMIN_PASS",
        "--holder-passphrase-env",
        var,
    ]);
}

/// No passphrase of the test appears in a command's output.
fn no_passphrase(out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    for p in [ADMIN, BOB, NEW_ADMIN, P42, RITA, WRONG] {
        assert!(!text.contains(p), "a passphrase is printed: {text}");
    }
}

/// Whether any file under `rel` holds `needle` (plaintext left behind).
fn holds(day: &Day, rel: &str, needle: &[u8]) -> bool {
    day.path(rel).exists()
        && day.all_files(rel).iter().any(|f| {
            fs::read(f)
                .map(|b| b.windows(needle.len()).any(|w| w == needle))
                .unwrap_or(false)
        })
}

/// The files a running `rotate … --out out` has written so far: in `out` once it is named,
/// before that in its hidden temporary folder `.out.<pid>.partial` (which may vanish at any
/// moment: a missing folder is no files).
fn written_so_far(day: &Day, out: &str) -> Vec<String> {
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, found);
            } else {
                found.push(path.to_string_lossy().into_owned());
            }
        }
    }
    let prefix = format!(".{out}.");
    let mut found = Vec::new();
    walk(&day.path(out), &mut found);
    for e in fs::read_dir(&day.root).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(&prefix) && name.ends_with(".partial") {
            walk(&e.path(), &mut found);
        }
    }
    found.sort();
    found
}

// ------------------------------------------------------------ (a) Bob after the move

/// Attack: Bob, with his old key file, its passphrase and read access to the shared
/// folders, opens the moved files — one file, the whole folder, through standard input —
/// naming the new clinic folder or his own old one; and a file carol seals under the new
/// clinic afterwards. Defeated: `wrong_authority`, exit 6, nothing written; carol opens all
/// of them.
#[test]
fn bobs_old_key_opens_no_moved_or_new_file() {
    let day = moved();
    fs::write(day.path("echo.txt"), b"Echo: normal").unwrap();
    let (code, v) = day.seal_json(
        "clinic2",
        "carol.key",
        "H2_PASS",
        "role:physician and dept:cardiology",
        "echo.txt",
        "echo.txt.cc",
    );
    assert_eq!(code, 0, "{v}");
    for clinic in ["clinic", "clinic2"] {
        for (input, out) in [
            ("moved/ecg.txt.cc", "bob.txt"),
            ("moved", "bob-folder"),
            ("echo.txt.cc", "bob-echo.txt"),
        ] {
            let (code, v) = day.open_json(clinic, "bob.key", "BOB_PASS", input, out);
            assert_eq!(
                (code, v["code"].as_str()),
                (6, Some("wrong_authority")),
                "{v}"
            );
            assert!(!day.path(out).exists() || day.all_files(out).is_empty());
        }
        let out = day.run(
            &[
                "open",
                "--clinic",
                clinic,
                "--key",
                "bob.key",
                "--passphrase-env",
                "BOB_PASS",
                "-",
            ],
            Some(&fs::read(day.path("moved/ecg.txt.cc")).unwrap()),
        );
        assert!(!out.status.success());
        assert!(!String::from_utf8_lossy(&out.stdout).contains("sinus"));
    }
    let (code, v) = day.open_json("clinic2", "carol.key", "H2_PASS", "moved", "carol");
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        fs::read(day.path("carol/ecg.txt")).unwrap(),
        b"ECG: sinus rhythm"
    );
    assert_eq!(
        fs::read(day.path("carol/sub/lab.txt")).unwrap(),
        b"HbA1c 6.1 %"
    );
}

/// Attack: Bob (or the old proxy) uses what the old clinic left: the old grant of patient
/// 42 re-encrypting the moved files, through the old clinic folder and through the new one
/// (set up, in the worst case, with the same administrator passphrase, so the old re-key
/// decrypts). Defeated: `wrong_authority` (exit 6) both ways, nothing written.
#[test]
fn old_grants_do_not_reencrypt_moved_files() {
    let day = Day::new();
    day.init("clinic");
    day.issue("clinic", "patient:42", "p42.key", "P42_PASS");
    day.issue("clinic", "role:reception", "rita.key", "RITA_PASS");
    fs::write(day.path("ecg.txt"), b"ECG: sinus rhythm").unwrap();
    fs::create_dir_all(day.path("sealed")).unwrap();
    let (code, v) = day.seal_json(
        "clinic",
        "rita.key",
        "RITA_PASS",
        "patient:42",
        "ecg.txt",
        "sealed/ecg.txt.cc",
    );
    assert_eq!(code, 0, "{v}");
    day.ok(&[
        "share",
        "--clinic",
        "clinic",
        "--key",
        "p42.key",
        "--attributes",
        "patient:42",
        "--to",
        "hospital:h2 and role:physician",
        "--purpose",
        "treatment",
        "--days",
        "30",
        "--out",
        "grant",
        "--admin-passphrase-env",
        "ADMIN_PASS",
        "--passphrase-env",
        "P42_PASS",
    ]);
    // The new clinic with the same administrator passphrase (the worst case).
    day.init("clinic2");
    let (code, v) = day.rotate_with(
        "clinic",
        "clinic2",
        "sealed",
        "moved",
        "ADMIN_PASS",
        "ADMIN_PASS",
    );
    assert_eq!(code, 0, "{v}");
    for (clinic, out) in [("clinic", "for-h2"), ("clinic2", "for-h2-new")] {
        let (code, v) = day.json(&[
            "reencrypt",
            "--clinic",
            clinic,
            "--grant",
            "grant",
            "--purpose",
            "treatment",
            "moved",
            "--out",
            out,
            "--admin-passphrase-env",
            "ADMIN_PASS",
        ]);
        assert_eq!(
            (code, v["code"].as_str()),
            (6, Some("wrong_authority")),
            "{v}"
        );
        assert!(!day.path(out).exists());
    }
}

/// Attack: a consent-re-encrypted file (one hop, for h2) in the folder being rotated: does
/// its hop keep pointing to the old authority, or does it widen? Defeated: it is moved
/// under its original policy (`patient:42`), opens for patient 42's new key, not for h2's
/// new key (shared files must be shared again, guide §7), and not for bob.
#[test]
fn a_reencrypted_file_moves_under_its_original_policy() {
    let day = departure();
    day.issue("clinic", "hospital:h2,role:physician", "h2.key", "H2_PASS");
    fs::create_dir_all(day.path("p42")).unwrap();
    fs::write(day.path("p42/ecg.txt"), b"ECG: sinus rhythm").unwrap();
    let (code, v) = day.seal_json(
        "clinic",
        "rita.key",
        "RITA_PASS",
        "patient:42",
        "p42",
        "s42",
    );
    assert_eq!(code, 0, "{v}");
    day.ok(&[
        "share",
        "--clinic",
        "clinic",
        "--key",
        "p42.key",
        "--attributes",
        "patient:42",
        "--to",
        "hospital:h2 and role:physician",
        "--purpose",
        "treatment",
        "--days",
        "30",
        "--out",
        "grant",
        "--admin-passphrase-env",
        "ADMIN_PASS",
        "--passphrase-env",
        "P42_PASS",
    ]);
    day.ok(&[
        "reencrypt",
        "--clinic",
        "clinic",
        "--grant",
        "grant",
        "--purpose",
        "treatment",
        "s42",
        "--out",
        "for-h2",
        "--admin-passphrase-env",
        "ADMIN_PASS",
    ]);
    let (code, v) = day.rotate("for-h2", "moved-h2");
    assert_eq!(code, 0, "{v}");
    issue_new(&day, "patient:42", "p42n.key", "P42_PASS");
    issue_new(&day, "hospital:h2,role:physician", "h2n.key", "H2_PASS");
    let (code, v) = day.open_json("clinic2", "p42n.key", "P42_PASS", "moved-h2", "o42");
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        fs::read(day.path("o42/ecg.txt")).unwrap(),
        b"ECG: sinus rhythm"
    );
    let (code, v) = day.open_json("clinic2", "h2n.key", "H2_PASS", "moved-h2", "oh2");
    assert_eq!(code, 4, "{v}");
    let (code, v) = day.open_json("clinic", "bob.key", "BOB_PASS", "moved-h2", "ob");
    assert_eq!(code, 6, "{v}");
    assert!(!day.path("oh2/ecg.txt").exists() && !day.path("ob/ecg.txt").exists());
}

/// Attack: a file whose inner id is `../escape.txt` or an absolute path, and a swapped
/// file (one record under another's name), in the folder being rotated: does `rotate`
/// write outside `--out`, or launder them into files that open cleanly under their new
/// names? Defeated: outputs take the walked names and stay under `--out`; each moved
/// record keeps its inner id (and its policy), so opening the moved folder is still refused
/// (exit 6, `name_mismatch`) and the swapped file alone too; nothing is written outside.
#[test]
fn rotation_neither_escapes_the_output_nor_launders_a_swap() {
    let day = departure();
    let pk = PublicKey::from_bytes(&fs::read(day.path("clinic/authority.pub")).unwrap()).unwrap();
    let policy = Policy::parse("role:physician").unwrap();
    let abs = day.path("abs-escape.txt").to_string_lossy().into_owned();
    fs::create_dir_all(day.path("odd/sub")).unwrap();
    let mut expected = vec![];
    for (id, stored) in [
        ("../escape.txt", "sub/escape.txt.cc"),
        ("../../escape.txt", "escape.txt.cc"),
        (abs.as_str(), "abs.txt.cc"),
    ] {
        let r = seal(&pk, &policy, id.as_bytes(), b"", b"secret", &mut OsRng).unwrap();
        fs::write(day.path(&format!("odd/{stored}")), r.to_bytes()).unwrap();
        expected.push((stored, id.to_owned()));
    }
    fs::copy(
        day.path("sealed/ecg.txt.cc"),
        day.path("odd/swapped.txt.cc"),
    )
    .unwrap();
    expected.push(("swapped.txt.cc", "ecg.txt".to_owned()));
    let (code, v) = day.rotate("odd", "moved-odd");
    assert!(code == 0 || code == 6, "{v}");
    let new_pk =
        PublicKey::from_bytes(&fs::read(day.path("clinic2/authority.pub")).unwrap()).unwrap();
    if code == 0 {
        for (stored, id) in &expected {
            let bytes = fs::read(day.path(&format!("moved-odd/{stored}"))).unwrap();
            let r = SealedRecord::from_bytes(&bytes).unwrap();
            assert_eq!(r.record_id(), id.as_bytes(), "{stored}");
            assert_eq!(r.authority(), new_pk.id(), "{stored}");
        }
        issue_new(
            &day,
            "role:physician,dept:cardiology",
            "carol.key",
            "H2_PASS",
        );
        let (code, v) = day.open_json("clinic2", "carol.key", "H2_PASS", "moved-odd", "plain");
        assert_eq!(
            (code, v["code"].as_str()),
            (6, Some("name_mismatch")),
            "{v}"
        );
        let (code, v) = day.open_json(
            "clinic2",
            "carol.key",
            "H2_PASS",
            "moved-odd/swapped.txt.cc",
            "x.txt",
        );
        assert_eq!(
            (code, v["code"].as_str()),
            (6, Some("name_mismatch")),
            "{v}"
        );
    }
    assert!(!day.path("escape.txt").exists());
    assert!(!day.path("abs-escape.txt").exists());
    assert!(!day.root.parent().unwrap().join("escape.txt").exists());
    assert!(!day.path("x.txt").exists());
}

// ------------------------------------------------------------ (b) rotate misused

/// Attacks: the same clinic folder twice, a copy of it (same authority, another path), the
/// two clinics swapped, an `--out` that exists, a new clinic folder that is missing or
/// empty, a single file or standard input instead of a folder. Defeated: each is refused
/// (exit 2, 6, 5, 5, 5, 2) with a hint, before anything is written: no output, both logs
/// unchanged.
#[test]
fn rotate_misused_is_refused_before_anything_is_written() {
    let day = departure();
    let copy = Command::new("cp")
        .args(["-r", "clinic", "clinic-copy"])
        .current_dir(&day.root)
        .status()
        .unwrap();
    assert!(copy.success());
    fs::create_dir_all(day.path("exists")).unwrap();
    fs::write(day.path("exists/keep.txt"), b"keep").unwrap();
    fs::create_dir_all(day.path("empty-clinic")).unwrap();
    let logs = |d: &Day| {
        (
            fs::read(d.path("clinic/audit.log")).unwrap(),
            fs::read(d.path("clinic2/audit.log")).unwrap(),
        )
    };
    let before = logs(&day);
    for (old, new, input, out, ov, nv, exit) in [
        (
            "clinic",
            "clinic",
            "sealed",
            "m1",
            "ADMIN_PASS",
            "ADMIN_PASS",
            2,
        ),
        (
            "clinic",
            "clinic-copy",
            "sealed",
            "m2",
            "ADMIN_PASS",
            "ADMIN_PASS",
            2,
        ),
        (
            "clinic2",
            "clinic",
            "sealed",
            "m3",
            "NEW_ADMIN_PASS",
            "ADMIN_PASS",
            6,
        ),
        (
            "clinic",
            "clinic2",
            "sealed",
            "exists",
            "ADMIN_PASS",
            "NEW_ADMIN_PASS",
            5,
        ),
        (
            "clinic",
            "nowhere",
            "sealed",
            "m4",
            "ADMIN_PASS",
            "NEW_ADMIN_PASS",
            5,
        ),
        (
            "clinic",
            "empty-clinic",
            "sealed",
            "m5",
            "ADMIN_PASS",
            "NEW_ADMIN_PASS",
            5,
        ),
        (
            "clinic",
            "clinic2",
            "sealed/ecg.txt.cc",
            "m6.cc",
            "ADMIN_PASS",
            "NEW_ADMIN_PASS",
            2,
        ),
        (
            "clinic",
            "clinic2",
            "-",
            "m7",
            "ADMIN_PASS",
            "NEW_ADMIN_PASS",
            2,
        ),
    ] {
        let v = day.fails(&rotate_args(old, new, input, out, ov, nv), exit);
        if out != "exists" {
            assert!(!day.path(out).exists(), "{out}: {v}");
        }
    }
    assert_eq!(day.names("exists"), ["keep.txt"]);
    assert_eq!(logs(&day), before);
    assert!(!day.all_files(".").iter().any(|f| f.ends_with(".partial")));
}

/// Attacks: wrong, missing or swapped administrator passphrases (old for new, new for old).
/// Defeated: exit 3 naming which key did not open, nothing written, logs unchanged, and no
/// passphrase printed in text or JSON, on failure or on success.
#[test]
fn wrong_passphrases_write_nothing_and_print_none() {
    let day = departure();
    let before = fs::read(day.path("clinic2/audit.log")).unwrap();
    for (ov, nv, names) in [
        ("ADMIN_PASS", "WRONG_PASS", "new"),
        ("WRONG_PASS", "NEW_ADMIN_PASS", "old"),
        ("NEW_ADMIN_PASS", "ADMIN_PASS", "old"),
    ] {
        for json in [false, true] {
            let mut args = rotate_args("clinic", "clinic2", "sealed", "m", ov, nv);
            if json {
                args.insert(0, "--json");
            }
            let out = day.run(&args, None);
            assert_eq!(out.status.code(), Some(3));
            no_passphrase(&out.stdout);
            no_passphrase(&out.stderr);
            let text = String::from_utf8_lossy(if json { &out.stdout } else { &out.stderr });
            assert!(text.contains(names), "{text}");
            assert!(!day.path("m").exists());
        }
    }
    let out = day.run(
        &rotate_args(
            "clinic",
            "clinic2",
            "sealed",
            "m",
            "ADMIN_PASS",
            "UNSET_VAR",
        ),
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    no_passphrase(&out.stderr);
    assert_eq!(fs::read(day.path("clinic2/audit.log")).unwrap(), before);
    let out = day.ok(&rotate_args(
        "clinic",
        "clinic2",
        "sealed",
        "m",
        "ADMIN_PASS",
        "NEW_ADMIN_PASS",
    ));
    no_passphrase(&out.stdout);
    no_passphrase(&out.stderr);
}

/// Attack: a damaged audit log on either side (a flipped byte in the middle of the old or
/// the new clinic's log). Defeated: `rotate` exits 7 before moving anything; the other
/// log is unchanged and no output is created.
#[test]
fn a_damaged_log_on_either_side_stops_rotate_first() {
    for damaged in ["clinic", "clinic2"] {
        let day = departure();
        let other = if damaged == "clinic" {
            "clinic2"
        } else {
            "clinic"
        };
        // Give the new log an entry, so a byte in its middle can be flipped.
        if damaged == "clinic2" {
            issue_new(&day, "role:reception", "rita2.key", "RITA_PASS");
        }
        let path = day.path(&format!("{damaged}/audit.log"));
        let mut log = fs::read(&path).unwrap();
        log[20] ^= 1;
        fs::write(&path, &log).unwrap();
        let other_before = fs::read(day.path(&format!("{other}/audit.log"))).unwrap();
        let v = day.fails(
            &rotate_args(
                "clinic",
                "clinic2",
                "sealed",
                "moved",
                "ADMIN_PASS",
                "NEW_ADMIN_PASS",
            ),
            7,
        );
        assert_eq!(v["code"], "chain_error", "{v}");
        assert!(!day.path("moved").exists());
        assert_eq!(fs::read(&path).unwrap(), log);
        assert_eq!(
            fs::read(day.path(&format!("{other}/audit.log"))).unwrap(),
            other_before
        );
    }
}

/// Attack: a stream (what `seal -` makes; the guide's files over 64 MiB) in the folder:
/// would `rotate` copy it as it is, leaving a file under the old authority in the moved
/// folder, which Bob's old key opens? Defeated: refused (exit 6) naming the file and saying
/// to open and seal it again; no file under its name in `--out`; nothing in `--out` opens
/// for Bob. (That the folder is left half-moved is ROT-3.)
#[test]
fn a_stream_is_refused_never_copied_as_it_is() {
    let day = departure();
    let out = day.run(
        &[
            "seal",
            "--clinic",
            "clinic",
            "--policy",
            "role:physician and dept:cardiology",
            "--key",
            "rita.key",
            "--passphrase-env",
            "RITA_PASS",
            "-",
        ],
        Some(b"scan: large in real life"),
    );
    assert!(out.status.success());
    fs::write(day.path("sealed/stdin.cc"), &out.stdout).unwrap();
    let (code, v) = day.rotate("sealed", "moved");
    assert_eq!(code, 6, "{v}");
    let message = v["message"].as_str().unwrap();
    assert!(
        message.contains("stdin.cc") && message.contains("seal"),
        "{v}"
    );
    assert!(!day.path("moved/stdin.cc").exists());
    if day.path("moved").exists() {
        for f in day.all_files("moved") {
            let (code, v) = day.open_json("clinic", "bob.key", "BOB_PASS", &f, "bob.txt");
            assert_ne!(code, 0, "{f}: {v}");
        }
    }
    assert!(!holds(&day, "moved", b"scan: large"));
}

// ------------------------------------------------------------ (c) the logs

/// What the logs show: the old log records the departure and one `update` per moved file,
/// the new log one `create` per file (both by the administrator, the same names), both
/// verify; a receipt of a move checks with the new `log.pub` alone; the one-off keys are
/// never written to either clinic folder. Defeated attempts to find a gap.
#[test]
fn both_logs_record_the_move_and_verify() {
    let day = departure();
    let names = |clinic: &str| {
        let mut n = day.names(clinic);
        n.retain(|f| f != "audit.log");
        n
    };
    let (old_files, new_files) = (names("clinic"), names("clinic2"));
    let (code, v) = day.rotate("sealed", "moved");
    assert_eq!(code, 0, "{v}");
    let old = day.entries("clinic");
    assert!(old.contains(&("revoke".into(), "person:bob".into(), "administrator".into())));
    let updates: Vec<&str> = old
        .iter()
        .filter(|e| e.0 == "update" && e.2 == "administrator")
        .map(|e| e.1.as_str())
        .collect();
    let new = day.entries("clinic2");
    let creates: Vec<&str> = new
        .iter()
        .filter(|e| e.0 == "create" && e.2 == "administrator")
        .map(|e| e.1.as_str())
        .collect();
    assert_eq!(updates, ["ecg.txt", "sub/lab.txt"]);
    assert_eq!(creates, updates);
    assert_eq!(new.len(), 2);
    assert_eq!(names("clinic"), old_files);
    assert_eq!(names("clinic2"), new_files);
    day.ok(&[
        "audit",
        "--clinic",
        "clinic2",
        "--receipt",
        "1",
        "--out",
        "receipt.txt",
        "--admin-passphrase-env",
        "NEW_ADMIN_PASS",
    ]);
    day.ok(&[
        "verify-receipt",
        "--log-key",
        "clinic2/log.pub",
        "receipt.txt",
    ]);
    day.fails(
        &[
            "verify-receipt",
            "--log-key",
            "clinic/log.pub",
            "receipt.txt",
        ],
        8,
    );
}

/// Attack: bob, with his old key and its `.sign` companion, writes to the new clinic's log
/// (`seal --clinic clinic2 --key bob.key`, anything he can reach). Finding ROT-2: accepted
/// (exit 0), and the new clinic's `audit` then says the log is damaged (exit 7: "signed by a
/// key this clinic never issued"). Correct: refused with `wrong_authority` (exit 6) before
/// anything is written; the new log still checks.
#[test]
fn a_departed_persons_old_key_cannot_write_to_the_new_log() {
    let day = moved();
    fs::write(day.path("note.txt"), b"bob was here").unwrap();
    let before = fs::read(day.path("clinic2/audit.log")).unwrap();
    let (code, v) = day.seal_json(
        "clinic2",
        "bob.key",
        "BOB_PASS",
        "role:physician",
        "note.txt",
        "note.txt.cc",
    );
    assert_eq!(
        (code, v["code"].as_str()),
        (6, Some("wrong_authority")),
        "{v}"
    );
    assert!(!day.path("note.txt.cc").exists());
    assert_eq!(fs::read(day.path("clinic2/audit.log")).unwrap(), before);
    let (code, v) = day.audit("clinic2");
    assert_eq!(code, 0, "{v}");
}

/// Attack: after an entry `audit` rejects (here bob's old key's, ROT-2), do the other
/// commands stop, as guide §6 says they do for a damaged log? Finding ROT-2: `seal` and
/// `rotate` keep appending (exit 0). Correct: every writer refuses with exit 7 while
/// `audit` does.
#[test]
fn writers_stop_after_an_entry_the_audit_rejects() {
    let day = moved();
    // The tool now refuses bob's key (ROT-2's first part), so the foreign entry is written
    // with the library, as any program with write access to the folder could.
    {
        let mut log = cipherchart::Chain::open_file(day.path("clinic2/audit.log")).unwrap();
        let stranger = cipherchart::BlsSigningKey::generate(&mut OsRng);
        log.sign_and_append(
            cipherchart::EntryDraft::new(1, cipherchart::Action::Create, b"note", [7; 32]),
            &stranger,
        )
        .unwrap();
    }
    let (code, _) = day.audit("clinic2");
    assert_eq!(code, 7);
    fs::write(day.path("next.txt"), b"next").unwrap();
    let (code, v) = day.seal_json(
        "clinic2",
        "carol.key",
        "H2_PASS",
        "role:physician",
        "next.txt",
        "next.txt.cc",
    );
    assert_eq!(code, 7, "{v}");
    let (code, v) = day.rotate("sealed", "moved-again");
    assert_eq!(code, 7, "{v}");
    assert!(!day.path("next.txt.cc").exists() && !day.path("moved-again").exists());
}

/// Attack: a person who stays uses their *new* key with the *old* clinic folder (a
/// workstation not updated, a command from the shell history). Finding ROT-1: the file is
/// sealed under the old master key (exit 0, no warning) and bob's old key opens it; the old
/// log gets an entry its audit rejects. Correct: refused with `wrong_authority` (exit 6),
/// nothing written.
#[test]
fn a_key_of_the_new_clinic_does_not_seal_under_the_old_one() {
    let day = moved();
    fs::create_dir_all(day.path("new")).unwrap();
    fs::write(day.path("new/echo.txt"), b"Echo: normal").unwrap();
    let (code, v) = day.seal_json(
        "clinic",
        "carol.key",
        "H2_PASS",
        "role:physician and dept:cardiology",
        "new/echo.txt",
        "new/echo.txt.cc",
    );
    let (bob, bv) = day.open_json(
        "clinic",
        "bob.key",
        "BOB_PASS",
        "new/echo.txt.cc",
        "bob.txt",
    );
    assert!(
        !day.path("bob.txt").exists(),
        "bob opened a file sealed after the move (exit {bob}: {bv})"
    );
    assert_eq!(
        (code, v["code"].as_str()),
        (6, Some("wrong_authority")),
        "{v}"
    );
    assert!(!day.path("new/echo.txt.cc").exists());
    assert_eq!(day.audit("clinic").0, 0);
}

/// Limitation (guide §7/§8: "archive the old folder offline"): nothing marks the old clinic
/// retired. After the move it still issues keys and seals with old keys, and bob's old key
/// opens what it seals. This pins today's behaviour; a `retire` step (see ROT-1) would
/// change it.
#[test]
fn limitation_the_old_clinic_keeps_working_after_rotation() {
    let day = moved();
    fs::write(day.path("late.txt"), b"sealed with the old folder").unwrap();
    let (code, v) = day.seal_json(
        "clinic",
        "rita.key",
        "RITA_PASS",
        "role:physician and dept:cardiology",
        "late.txt",
        "late.txt.cc",
    );
    assert_eq!(code, 0, "{v}");
    let (code, v) = day.open_json("clinic", "bob.key", "BOB_PASS", "late.txt.cc", "bob.txt");
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        fs::read(day.path("bob.txt")).unwrap(),
        b"sealed with the old folder"
    );
}

// ------------------------------------------------------------ (d) interruptions, failures

/// A folder of `n` small files sealed for cardiology, under `many` (takes rotate ~50 ms a
/// file here).
fn many(day: &Day, n: usize) {
    fs::create_dir_all(day.path("plain-many")).unwrap();
    for i in 0..n {
        fs::write(
            day.path(&format!("plain-many/f{i:03}.txt")),
            format!("patient data {i}"),
        )
        .unwrap();
    }
    let (code, v) = day.seal_json(
        "clinic",
        "rita.key",
        "RITA_PASS",
        "role:physician and dept:cardiology",
        "plain-many",
        "many",
    );
    assert_eq!(code, 0, "{v}");
    fs::remove_dir_all(day.path("plain-many")).unwrap();
}

/// Starts `rotate many --out out`, waits until a few files are written, then sends `signal`.
fn interrupt(day: &Day, out: &str, signal: &str) {
    let mut child = day
        .command(&rotate_args(
            "clinic",
            "clinic2",
            "many",
            out,
            "ADMIN_PASS",
            "NEW_ADMIN_PASS",
        ))
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while written_so_far(day, out).len() < 5 && start.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    let _ = child.wait();
}

/// Attack: kill `rotate` (SIGKILL, as a power cut) mid-folder, several times at different
/// moments. Defeated as far as secrecy goes: nothing under `--out` (real or `.partial`
/// files) holds plaintext (every file there is a sealed object or empty); both logs still
/// check and record about as many moves as there are files (each kill may catch one move
/// in flight).
#[test]
fn a_killed_rotate_leaves_no_plaintext_and_logs_that_agree() {
    let day = departure();
    many(&day, 60);
    for (i, wait) in [5usize, 20].iter().enumerate() {
        let out = format!("killed{i}");
        let mut child = day
            .command(&rotate_args(
                "clinic",
                "clinic2",
                "many",
                &out,
                "ADMIN_PASS",
                "NEW_ADMIN_PASS",
            ))
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        while written_so_far(&day, &out).len() < *wait && start.elapsed().as_secs() < 30 {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        child.kill().unwrap();
        let _ = child.wait();
        assert!(
            !day.path(&out).exists(),
            "a killed rotate left {out} under its real name"
        );
        for f in written_so_far(&day, &out) {
            assert!(
                !fs::read(&f)
                    .unwrap()
                    .windows(12)
                    .any(|w| w == b"patient data"),
                "plaintext in {f}"
            );
            let bytes = fs::read(&f).unwrap();
            assert!(bytes.is_empty() || bytes.starts_with(b"CC"), "{f}");
        }
    }
    // Both logs still check, and agree on how many moves happened (±1 in flight).
    let updates = day
        .entries("clinic")
        .iter()
        .filter(|e| e.0 == "update")
        .count();
    let creates = day
        .entries("clinic2")
        .iter()
        .filter(|e| e.0 == "create")
        .count();
    // What was written: in the hidden folders a kill leaves (never under the real name).
    let complete = ["killed0", "killed1"]
        .iter()
        .flat_map(|o| written_so_far(&day, o))
        .filter(|f| !f.ends_with(".partial"))
        .count();
    assert!(creates.abs_diff(updates) <= 2, "{creates} vs {updates}");
    assert!(complete.abs_diff(creates) <= 2, "{complete} vs {creates}");
}

/// Attack: Ctrl-C (SIGINT, which the guide says cleans up) and a forced kill mid-folder, then
/// the command run again. Finding ROT-3: `--out` stays under its real name with some of the
/// files (it looks like a finished move; the guide's next step deletes the old folder), and
/// the re-run is refused with "folder outputs must be a new folder … Nothing half-written was
/// left behind". Correct: no `--out` after the interruption (built under a temporary name and
/// renamed when complete), so the same command, run again, moves every file.
#[test]
fn an_interrupted_rotate_leaves_no_half_moved_folder() {
    let day = departure();
    many(&day, 60);
    for signal in ["-INT", "-KILL"] {
        interrupt(&day, "moved", signal);
        if day.path("moved").exists() {
            // At least the re-run must say what to do with it.
            let v = day.fails(
                &rotate_args(
                    "clinic",
                    "clinic2",
                    "many",
                    "moved",
                    "ADMIN_PASS",
                    "NEW_ADMIN_PASS",
                ),
                5,
            );
            let hint = v["hint"].as_str().unwrap();
            assert!(!hint.contains("Nothing half-written"), "{v}");
            panic!(
                "{signal}: a half-moved folder ({} of 60 files) is left as `moved`",
                day.all_files("moved").len()
            );
        }
        let (code, v) = day.rotate("many", "moved");
        assert_eq!(code, 0, "{v}");
        assert_eq!(day.all_files("moved").len(), 60);
        fs::remove_dir_all(day.path("moved")).unwrap();
    }
}

/// Attack: a failure mid-folder — a damaged file, a file of another clinic, a stream — after
/// files that moved. Finding ROT-3: the error is right (exit 6, naming the file), but
/// `--out` is left with the files moved before it, under the real name. Correct: every input
/// is checked before the first file is written (or the partial folder removed), so no
/// `--out` is left and a fixed folder moves with the same command.
#[test]
fn a_failed_rotate_leaves_no_half_moved_folder() {
    let day = departure();
    // A file of another clinic, named to be walked after the good ones.
    day.init("other");
    day.issue("other", "role:reception", "o.key", "RITA_PASS");
    fs::write(day.path("zz.txt"), b"other clinic").unwrap();
    let (code, v) = day.seal_json(
        "other",
        "o.key",
        "RITA_PASS",
        "role:physician",
        "zz.txt",
        "zz.txt.cc",
    );
    assert_eq!(code, 0, "{v}");
    let mut damaged = fs::read(day.path("sealed/ecg.txt.cc")).unwrap();
    damaged.extend_from_slice(b"xx");
    for (name, bytes) in [
        ("zz.txt.cc", fs::read(day.path("zz.txt.cc")).unwrap()),
        ("zz-damaged.txt.cc", damaged),
    ] {
        let dir = format!("with-{name}");
        Command::new("cp")
            .args(["-r", "sealed", &dir])
            .current_dir(&day.root)
            .status()
            .unwrap();
        fs::write(day.path(&format!("{dir}/{name}")), bytes).unwrap();
        let out = format!("moved-{name}");
        let (code, v) = day.rotate(&dir, &out);
        assert_eq!(code, 6, "{v}");
        assert!(v["message"].as_str().unwrap().contains(name), "{v}");
        assert!(
            !day.path(&out).exists(),
            "{name}: half-moved {out} left: {:?}",
            day.all_files(&out)
        );
    }
}

/// Attack: files in the sealed folder that are not `*.cc` — a note, a sealed file renamed
/// without `.cc`, a stale `.partial` from an interrupted `seal`. Finding ROT-4: skipped
/// silently ("Moved 2 file(s)", exit 0); the guide then says to delete the old folder.
/// Correct: refuse, naming them, or report them as not moved (text and JSON).
#[test]
fn rotate_does_not_silently_skip_files() {
    let day = departure();
    fs::write(day.path("sealed/notes.txt"), b"handwritten notes").unwrap();
    fs::copy(day.path("sealed/ecg.txt.cc"), day.path("sealed/ecg-copy")).unwrap();
    let out = day.run(
        &rotate_args(
            "clinic",
            "clinic2",
            "sealed",
            "moved",
            "ADMIN_PASS",
            "NEW_ADMIN_PASS",
        ),
        None,
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for skipped in ["notes.txt", "ecg-copy"] {
        assert!(text.contains(skipped), "{skipped} not reported: {text}");
    }
}

// ------------------------------------------------------------ (e) revoke --person

/// Attack: `revoke --person` of a name never issued a key (a typo of `bob`), and of the
/// empty name. Finding ROT-5: both accepted ("Recorded that bobb's access is withdrawn",
/// exit 0). Correct: refused (exit 6) with a hint naming who holds keys, nothing logged.
#[test]
fn revoke_person_refuses_a_name_never_issued() {
    let day = departure();
    let before = fs::read(day.path("clinic/audit.log")).unwrap();
    for name in ["bobb", ""] {
        let (code, v) = day.revoke_person("clinic", name);
        assert_eq!(code, 6, "{name:?}: {v}");
        assert!(!v["hint"].as_str().unwrap_or("").is_empty(), "{v}");
    }
    assert_eq!(fs::read(day.path("clinic/audit.log")).unwrap(), before);
}

/// Attack: a person name carrying a newline and a forged audit line, or terminal escapes,
/// to forge or hide lines in `audit`'s text output. Defeated as far as forging goes: no
/// control character reaches the output, no forged line appears, and an over-long name is
/// refused (exit 6) without writing.
#[test]
fn audit_lines_cannot_be_forged_through_a_person_name() {
    let day = departure();
    let forged =
        "bob\n#9    2026-12-07 05:25 UTC grant      mallory                  by administrator";
    for name in [forged, "\u{1b}[2J\u{1b}[31mred", "x\rgrant mallory"] {
        let _ = day.revoke_person("clinic", name);
    }
    let (code, v) = day.revoke_person("clinic", &"a".repeat(2000));
    assert_eq!(code, 6, "{v}");
    let out = day.ok(&["audit", "--clinic", "clinic"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("mallory"), "{text}");
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
    let (code, v) = day.audit("clinic");
    assert_eq!(code, 0);
    for e in v["entries"].as_array().unwrap() {
        assert_ne!(e["subject"], "mallory");
    }
}

/// Attack: the same names as above, read back: how does `audit` show them? Finding ROT-6:
/// accepted, then shown (text and JSON) as `revoke consent 706572736f6e3a62` — a consent
/// revocation with an id made of the name's bytes — instead of a person's departure.
/// Correct: such names are refused (exit 6) and nothing is logged.
#[test]
fn a_person_name_with_control_characters_is_refused() {
    let day = departure();
    let before = fs::read(day.path("clinic/audit.log")).unwrap();
    let (code, v) = day.revoke_person("clinic", "bob\nsmith");
    let (_, audit) = day.audit("clinic");
    let shown = audit["entries"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .to_string();
    assert_eq!(code, 6, "accepted ({v}), shown as {shown}");
    assert_eq!(fs::read(day.path("clinic/audit.log")).unwrap(), before);
}

/// Attack: rotate a folder under a policy with a threshold and an `or`: is the
/// one-off key "for exactly that file's rule" right for every policy shape, and is the policy
/// kept exactly? Defeated: the moved file opens for a new key that satisfies the threshold,
/// not for one that does not, nor for bob; `open` reports the same policy text.
#[test]
fn policies_of_every_shape_survive_the_move() {
    let day = departure();
    let policy = "2 of (role:physician, dept:cardiology, site:zurich) or patient:42";
    fs::create_dir_all(day.path("t")).unwrap();
    fs::write(day.path("t/x.txt"), b"threshold").unwrap();
    let (code, v) = day.seal_json("clinic", "rita.key", "RITA_PASS", policy, "t", "st");
    assert_eq!(code, 0, "{v}");
    let (code, v) = day.rotate("st", "mt");
    assert_eq!(code, 0, "{v}");
    issue_new(&day, "dept:cardiology,site:zurich", "two.key", "H2_PASS");
    issue_new(&day, "site:zurich", "one.key", "P42_PASS");
    let (code, v) = day.open_json("clinic2", "two.key", "H2_PASS", "mt", "o2");
    assert_eq!(code, 0, "{v}");
    assert_eq!(fs::read(day.path("o2/x.txt")).unwrap(), b"threshold");
    let (code, v) = day.open_json("clinic2", "one.key", "P42_PASS", "mt", "o1");
    assert_eq!(code, 4, "{v}");
    let (code, v) = day.open_json("clinic", "bob.key", "BOB_PASS", "mt", "ob");
    assert_eq!(code, 6, "{v}");
    assert!(!day.path("o1/x.txt").exists() && !day.path("ob/x.txt").exists());
}
