//! A scripted clinic day, end to end through the binary (`docs/guide/small-clinic.md`):
//! init, issue keys, seal a folder and a file and standard input, open them with the
//! right key, fail with the wrong key, a wrong passphrase, a damaged or swapped file, an
//! existing output, then audit the log. Key files use work factor 15 to keep it short.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::path::Path;

use common::Day;

fn init_and_issue(day: &Day) {
    day.ok(&[
        "init",
        "clinic",
        "--name",
        "smith-clinic",
        "--work-factor",
        "15",
        "--admin-passphrase-env",
        "ADMIN_PASS",
    ]);
    assert_eq!(
        day.names("clinic"),
        [
            "audit.log",
            "authority.key",
            "authority.pub",
            "clinic.name",
            "log.key",
            "log.pub"
        ]
    );
    for (name, attrs, var) in [
        ("bob.key", "role:physician,dept:cardiology", "BOB_PASS"),
        ("rita.key", "role:reception", "RITA_PASS"),
    ] {
        day.issue("clinic", attrs, name, var);
    }
}

#[test]
fn a_clinic_day() {
    let day = Day::new();
    init_and_issue(&day);
    // Rita seals the morning's scans folder for cardiology physicians.
    fs::create_dir_all(day.path("scans/2026-12-07")).unwrap();
    fs::write(
        day.path("scans/2026-12-07/ecg-42.txt"),
        b"sinus rhythm, 72 bpm",
    )
    .unwrap();
    fs::write(day.path("scans/letter.txt"), b"referral letter").unwrap();
    let policy = "role:physician and dept:cardiology";
    day.ok(&[
        "seal",
        "--clinic",
        "clinic",
        "--policy",
        policy,
        "--key",
        "rita.key",
        "--passphrase-env",
        "RITA_PASS",
        "scans",
        "--out",
        "sealed",
    ]);
    assert_eq!(day.names("sealed"), ["2026-12-07", "letter.txt.cc"]);
    assert_eq!(day.names("sealed/2026-12-07"), ["ecg-42.txt.cc"]);
    assert!(!fs::read(day.path("sealed/letter.txt.cc"))
        .unwrap()
        .windows(8)
        .any(|w| w == b"referral"));

    // Bob opens the folder; Rita's key does not satisfy the policy.
    day.ok(&[
        "open",
        "--clinic",
        "clinic",
        "--key",
        "bob.key",
        "--passphrase-env",
        "BOB_PASS",
        "sealed",
        "--out",
        "opened",
    ]);
    assert_eq!(
        fs::read(day.path("opened/2026-12-07/ecg-42.txt")).unwrap(),
        b"sinus rhythm, 72 bpm"
    );
    assert_eq!(
        fs::read(day.path("opened/letter.txt")).unwrap(),
        b"referral letter"
    );
    day.fails_with(
        &[
            "open",
            "--clinic",
            "clinic",
            "--key",
            "rita.key",
            "--passphrase-env",
            "RITA_PASS",
            "sealed/letter.txt.cc",
            "--out",
            "rita.txt",
        ],
        4,
        "policy_not_satisfied",
        None,
    );
    assert!(!day.path("rita.txt").exists(), "nothing written on failure");

    // Standard input to standard output.
    let sealed = day.run(
        &[
            "seal",
            "--clinic",
            "clinic",
            "--policy",
            "role:physician",
            "--key",
            "rita.key",
            "--passphrase-env",
            "RITA_PASS",
            "-",
        ],
        Some(b"phone note: call back patient 42"),
    );
    assert!(
        sealed.status.success(),
        "{}",
        String::from_utf8_lossy(&sealed.stderr)
    );
    let opened = day.run(
        &[
            "open",
            "--clinic",
            "clinic",
            "--key",
            "bob.key",
            "--passphrase-env",
            "BOB_PASS",
            "-",
        ],
        Some(&sealed.stdout),
    );
    assert!(
        opened.status.success(),
        "{}",
        String::from_utf8_lossy(&opened.stderr)
    );
    assert_eq!(opened.stdout, b"phone note: call back patient 42");

    // The audit log lists every step, signed by who did it.
    // A receipt for Bob's read of the ECG, checked with log.pub alone.
    day.ok(&[
        "audit",
        "--clinic",
        "clinic",
        "--receipt",
        "4",
        "--out",
        "receipt.txt",
        "--admin-passphrase-env",
        "ADMIN_PASS",
    ]);
    assert!(fs::read_to_string(day.path("receipt.txt"))
        .unwrap()
        .starts_with("c2sp.org/tlog-proof@v1"));
    let out = day.ok(&[
        "--json",
        "verify-receipt",
        "--log-key",
        "clinic/log.pub",
        "receipt.txt",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["entry"].as_u64(), v["action"].as_str()),
        (Some(4), Some("read"))
    );
    // A receipt edited to name another entry does not check.
    let text = fs::read_to_string(day.path("receipt.txt")).unwrap();
    fs::write(day.path("forged.txt"), text.replace("index 4", "index 3")).unwrap();
    day.fails_with(
        &["verify-receipt", "--log-key", "clinic", "forged.txt"],
        8,
        "invalid_argument",
        None,
    );
    // Checked against another clinic's log key, the genuine receipt does not check.
    day.ok(&[
        "init",
        "other",
        "--work-factor",
        "15",
        "--admin-passphrase-env",
        "ADMIN_PASS",
    ]);
    day.fails_with(
        &["verify-receipt", "--log-key", "other", "receipt.txt"],
        8,
        "verification_failed",
        None,
    );
    let out = day.ok(&["--json", "audit", "--clinic", "clinic"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries = v["entries"].as_array().unwrap();
    let steps: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["subject"].as_str().unwrap().to_owned(),
                e["by"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
    assert_eq!(
        steps,
        [
            s("grant", "bob", "administrator"),
            s("grant", "rita", "administrator"),
            s("create", "2026-12-07/ecg-42.txt", "rita"),
            s("create", "letter.txt", "rita"),
            s("read", "2026-12-07/ecg-42.txt", "bob"),
            s("read", "letter.txt", "bob"),
            s("create", "stdin", "rita"),
            s("read", "stdin", "bob"),
        ]
    );
}

#[test]
fn every_error_a_user_can_hit_says_what_to_do() {
    let day = Day::new();
    init_and_issue(&day);
    fs::write(day.path("note.txt"), b"private note").unwrap();
    let seal = |extra: &[&str]| {
        let mut args = vec![
            "seal",
            "--clinic",
            "clinic",
            "--policy",
            "role:physician",
            "--key",
            "rita.key",
            "--passphrase-env",
            "RITA_PASS",
        ];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    day.ok(&seal(&["note.txt"])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert!(day.path("note.txt.cc").is_file());

    // Wrong passphrase.
    day.fails_with(
        &[
            "open",
            "--clinic",
            "clinic",
            "--key",
            "bob.key",
            "--passphrase-env",
            "WRONG_PASS",
            "note.txt.cc",
            "--out",
            "x.txt",
        ],
        3,
        "key_file_error",
        Some("wrong_passphrase_or_damaged"),
    );
    // The clinic's master key given as a person's key: another kind of key.
    fs::copy(day.path("clinic/authority.key"), day.path("admin.key")).unwrap();
    fs::copy(day.path("bob.key.sign"), day.path("admin.key.sign")).unwrap();
    day.fails_with(
        &[
            "open",
            "--clinic",
            "clinic",
            "--key",
            "admin.key",
            "--passphrase-env",
            "ADMIN_PASS",
            "note.txt.cc",
            "--out",
            "x.txt",
        ],
        3,
        "key_file_error",
        Some("wrong_key_type"),
    );
    // A damaged sealed file.
    let mut bytes = fs::read(day.path("note.txt.cc")).unwrap();
    let body = bytes.len() - 20; // inside the AEAD body
    bytes[body] ^= 1;
    fs::create_dir_all(day.path("damaged")).unwrap();
    fs::write(day.path("damaged/note.txt.cc"), &bytes).unwrap();
    day.fails_with(
        &[
            "open",
            "--clinic",
            "clinic",
            "--key",
            "bob.key",
            "--passphrase-env",
            "BOB_PASS",
            "damaged/note.txt.cc",
            "--out",
            "x.txt",
        ],
        4,
        "decryption_failed",
        None,
    );
    // A truncated one.
    fs::write(day.path("damaged/note.txt.cc"), &bytes[..bytes.len() / 2]).unwrap();
    day.fails_with(
        &[
            "open",
            "--clinic",
            "clinic",
            "--key",
            "bob.key",
            "--passphrase-env",
            "BOB_PASS",
            "damaged/note.txt.cc",
            "--out",
            "x.txt",
        ],
        6,
        "invalid_encoding",
        None,
    );
    // A sealed file renamed (swapped): its sealed name says otherwise.
    fs::copy(day.path("note.txt.cc"), day.path("other.txt.cc")).unwrap();
    day.fails_with(
        &[
            "open",
            "--clinic",
            "clinic",
            "--key",
            "bob.key",
            "--passphrase-env",
            "BOB_PASS",
            "other.txt.cc",
            "--out",
            "x.txt",
        ],
        6,
        "name_mismatch",
        None,
    );
    // An existing output is never overwritten; sealing again refuses.
    day.fails_with(
        &seal(&["note.txt"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        5,
        "io",
        None,
    );
    // A policy typo.
    day.fails_with(
        &[
            "seal",
            "--clinic",
            "clinic",
            "--policy",
            "role:physician and (",
            "--key",
            "rita.key",
            "--passphrase-env",
            "RITA_PASS",
            "note.txt",
            "--out",
            "y.cc",
        ],
        6,
        "policy_syntax",
        None,
    );
    // A work factor out of range: named, with a hint about values (not about policies).
    let v = day.fails_with(
        &[
            "init",
            "clinic-weak",
            "--work-factor",
            "14",
            "--admin-passphrase-env",
            "ADMIN_PASS",
        ],
        6,
        "invalid_argument",
        None,
    );
    assert!(v["hint"].as_str().unwrap().contains("--help"), "{v}");
    // Not a clinic folder.
    day.fails_with(&["audit", "--clinic", "nowhere"], 5, "io", None);
    // A broken audit log: one byte of an entry changed.
    let log = day.path("clinic/audit.log");
    let mut bytes = fs::read(&log).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    fs::write(&log, &bytes).unwrap();
    day.fails_with(&["audit", "--clinic", "clinic"], 7, "chain_error", None);
    assert!(!day.path("x.txt").exists() && !day.path("y.cc").exists());
    let strays: Vec<String> = day
        .names("")
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(strays.is_empty(), "temporary files left: {strays:?}");
}

#[test]
fn no_terminal_and_no_passphrase_option_is_a_clear_error() {
    let day = Day::new();
    let out = day.run(&["init", "clinic"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("passphrase"), "{err}");
    assert!(!Path::new(&day.path("clinic/authority.key")).exists());
}

#[test]
fn sharing_with_another_hospital_under_consent() {
    let day = Day::new();
    init_and_issue(&day);
    for (name, attrs, var) in [
        ("p42.key", "patient:42", "P42_PASS"),
        ("h2doc.key", "hospital:h2,role:physician", "H2_PASS"),
    ] {
        day.issue("clinic", attrs, name, var);
    }
    fs::create_dir_all(day.path("chart")).unwrap();
    fs::write(day.path("chart/ecg.txt"), b"ECG: sinus rhythm").unwrap();
    fs::write(day.path("chart/lab.txt"), b"HbA1c 6.1 %").unwrap();
    day.ok(&[
        "seal",
        "--clinic",
        "clinic",
        "--policy",
        "patient:42 or (role:physician and dept:cardiology)",
        "--key",
        "rita.key",
        "--passphrase-env",
        "RITA_PASS",
        "chart",
        "--out",
        "sealed",
    ]);
    // h2's physician cannot open the chart as sealed.
    day.fails_with(
        &[
            "open",
            "--clinic",
            "clinic",
            "--key",
            "h2doc.key",
            "--passphrase-env",
            "H2_PASS",
            "sealed/ecg.txt.cc",
            "--out",
            "no.txt",
        ],
        4,
        "policy_not_satisfied",
        None,
    );
    // Patient 42, with the administrator, shares for treatment for 30 days.
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
        "grant-h2",
        "--admin-passphrase-env",
        "ADMIN_PASS",
        "--passphrase-env",
        "P42_PASS",
    ]);
    assert_eq!(
        day.names("grant-h2"),
        ["consent.svg", "consent.txt", "rekey.key"]
    );
    assert!(fs::read_to_string(day.path("grant-h2/consent.svg"))
        .unwrap()
        .contains("<svg"));
    // The proxy re-encrypts for treatment; h2's physician opens with h2's key alone.
    day.ok(&[
        "reencrypt",
        "--clinic",
        "clinic",
        "--grant",
        "grant-h2",
        "--purpose",
        "treatment",
        "sealed",
        "--out",
        "shared",
        "--admin-passphrase-env",
        "ADMIN_PASS",
    ]);
    day.ok(&[
        "open",
        "--clinic",
        "clinic",
        "--key",
        "h2doc.key",
        "--passphrase-env",
        "H2_PASS",
        "shared",
        "--out",
        "h2",
    ]);
    assert_eq!(
        fs::read(day.path("h2/ecg.txt")).unwrap(),
        b"ECG: sinus rhythm"
    );
    assert_eq!(fs::read(day.path("h2/lab.txt")).unwrap(), b"HbA1c 6.1 %");
    // Another purpose is refused.
    day.fails_with(
        &[
            "reencrypt",
            "--clinic",
            "clinic",
            "--grant",
            "grant-h2",
            "--purpose",
            "research",
            "sealed/ecg.txt.cc",
            "--out",
            "r.cc",
            "--admin-passphrase-env",
            "ADMIN_PASS",
        ],
        8,
        "consent_error",
        Some("not_permitted"),
    );
    // The patient revokes; the proxy refuses from then on.
    day.ok(&[
        "revoke",
        "--clinic",
        "clinic",
        "--consent",
        "grant-h2/consent.txt",
        "--key",
        "p42.key",
        "--passphrase-env",
        "P42_PASS",
    ]);
    day.fails_with(
        &[
            "reencrypt",
            "--clinic",
            "clinic",
            "--grant",
            "grant-h2",
            "--purpose",
            "treatment",
            "sealed",
            "--out",
            "again",
            "--admin-passphrase-env",
            "ADMIN_PASS",
        ],
        8,
        "consent_error",
        Some("revoked"),
    );
    assert!(!day.path("again").exists() && !day.path("r.cc").exists());
    // A person leaves: recorded, and the tool says what it does not do.
    let out = day.ok(&[
        "--json",
        "revoke",
        "--clinic",
        "clinic",
        "--person",
        "bob",
        "--admin-passphrase-env",
        "ADMIN_PASS",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["cryptographic"], false);
    let out = day.ok(&["--json", "audit", "--clinic", "clinic"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions: Vec<(String, String)> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["by"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let a = |x: &str, y: &str| (x.to_owned(), y.to_owned());
    assert_eq!(
        actions[4..],
        [
            a("create", "rita"),
            a("create", "rita"),
            a("grant", "p42"),
            a("re-encrypt", "administrator"),
            a("re-encrypt", "administrator"),
            a("read", "h2doc"),
            a("read", "h2doc"),
            a("revoke", "p42"),
            a("revoke", "administrator"),
        ]
    );
}

/// Bob leaves and may have kept his key file: the departure is logged, the clinic moves to
/// a new master key leaving him out, and his key then opens neither the moved files nor
/// anything sealed afterwards, while the people who stay (with new keys) open both.
#[test]
fn a_person_who_leaves_is_shut_out_by_rotating_the_master_key() {
    let day = Day::new();
    init_and_issue(&day);
    fs::create_dir_all(day.path("chart/sub")).unwrap();
    fs::write(day.path("chart/ecg.txt"), b"ECG: sinus rhythm").unwrap();
    fs::write(day.path("chart/sub/lab.txt"), b"HbA1c 6.1 %").unwrap();
    day.ok(&[
        "seal",
        "--clinic",
        "clinic",
        "--policy",
        "role:physician and dept:cardiology",
        "--key",
        "rita.key",
        "--passphrase-env",
        "RITA_PASS",
        "chart",
        "--out",
        "sealed",
    ]);
    let out = day.ok(&[
        "--json",
        "revoke",
        "--clinic",
        "clinic",
        "--person",
        "bob",
        "--admin-passphrase-env",
        "ADMIN_PASS",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["next"], "rotate", "{v}");
    // Before the rotation his key still opens what was sealed for his attributes.
    day.ok(&[
        "open",
        "--clinic",
        "clinic",
        "--key",
        "bob.key",
        "--passphrase-env",
        "BOB_PASS",
        "sealed/ecg.txt.cc",
        "--out",
        "before.txt",
    ]);
    day.ok(&[
        "init",
        "clinic2",
        "--work-factor",
        "15",
        "--admin-passphrase-env",
        "NEW_ADMIN_PASS",
    ]);
    day.ok(&[
        "rotate",
        "--clinic",
        "clinic",
        "--new-clinic",
        "clinic2",
        "sealed",
        "--out",
        "moved",
        "--admin-passphrase-env",
        "ADMIN_PASS",
        "--new-admin-passphrase-env",
        "NEW_ADMIN_PASS",
    ]);
    // The people who stay get keys from the new authority (Bob does not): his successor's
    // opens the moved files.
    day.ok(&[
        "issue",
        "--clinic",
        "clinic2",
        "--attributes",
        "role:physician,dept:cardiology",
        "--out",
        "carol.key",
        "--work-factor",
        "15",
        "--admin-passphrase-env",
        "NEW_ADMIN_PASS",
        "--holder-passphrase-env",
        "H2_PASS",
    ]);
    day.ok(&[
        "open",
        "--clinic",
        "clinic2",
        "--key",
        "carol.key",
        "--passphrase-env",
        "H2_PASS",
        "moved",
        "--out",
        "opened",
    ]);
    assert_eq!(
        fs::read(day.path("opened/ecg.txt")).unwrap(),
        b"ECG: sinus rhythm"
    );
    assert_eq!(
        fs::read(day.path("opened/sub/lab.txt")).unwrap(),
        b"HbA1c 6.1 %"
    );
    day.fails_with(
        &[
            "open",
            "--clinic",
            "clinic2",
            "--key",
            "bob.key",
            "--passphrase-env",
            "BOB_PASS",
            "moved/ecg.txt.cc",
            "--out",
            "x.txt",
        ],
        6,
        "wrong_authority",
        None,
    );
    // Nor anything sealed after the move, under the same rule.
    fs::write(day.path("new.txt"), b"Echo: normal").unwrap();
    day.ok(&[
        "seal",
        "--clinic",
        "clinic2",
        "--policy",
        "role:physician and dept:cardiology",
        "--key",
        "carol.key",
        "--passphrase-env",
        "H2_PASS",
        "new.txt",
    ]);
    day.fails_with(
        &[
            "open",
            "--clinic",
            "clinic2",
            "--key",
            "bob.key",
            "--passphrase-env",
            "BOB_PASS",
            "new.txt.cc",
            "--out",
            "y.txt",
        ],
        6,
        "wrong_authority",
        None,
    );
    assert!(!day.path("x.txt").exists() && !day.path("y.txt").exists());
    // Both logs record the move.
    for (clinic, action) in [("clinic", "update"), ("clinic2", "create")] {
        let out = day.ok(&["--json", "audit", "--clinic", clinic]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let n = v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action && e["by"] == "administrator")
            .count();
        assert_eq!(n, 2, "{clinic}");
    }
}
