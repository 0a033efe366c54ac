//! A referral between two clinics, each with its own folder and master key
//! (`docs/guide/small-clinic.md`, "Referring a patient to another clinic";
//! `docs/federation.md`): the patient shares with `--to-clinic`, the first clinic's proxy
//! re-encrypts, and the second clinic's physician opens with her own key and `--trust`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;

use common::Day;

#[test]
fn a_patient_is_referred_to_another_clinic() {
    let day = Day::new();
    for (folder, name) in [("smith", "smith-clinic"), ("heart", "heart-centre")] {
        day.ok(&[
            "init",
            folder,
            "--name",
            name,
            "--work-factor",
            "15",
            "--admin-passphrase-env",
            "ADMIN_PASS",
        ]);
    }
    day.issue("smith", "role:reception", "rita.key", "RITA_PASS");
    day.issue("smith", "patient:42", "p42.key", "P42_PASS");
    // The heart centre's physician: a key of the heart centre's own master key.
    day.issue(
        "heart",
        "role:physician,dept:cardiology",
        "hdoc.key",
        "H2_PASS",
    );
    fs::create_dir_all(day.path("chart")).unwrap();
    fs::write(day.path("chart/ecg.txt"), b"ECG: atrial fibrillation").unwrap();
    day.ok(&[
        "seal",
        "--clinic",
        "smith",
        "--policy",
        "patient:42 or role:physician",
        "--key",
        "rita.key",
        "--passphrase-env",
        "RITA_PASS",
        "chart",
        "--out",
        "sealed",
    ]);
    // Without a referral, the heart centre's key is of another clinic.
    day.fails_with(
        &[
            "open",
            "--clinic",
            "heart",
            "--key",
            "hdoc.key",
            "--passphrase-env",
            "H2_PASS",
            "--trust",
            "smith",
            "sealed/ecg.txt.cc",
            "--out",
            "no.txt",
        ],
        6,
        "wrong_authority",
        None,
    );
    // Patient 42 refers the chart to the heart centre's cardiologists.
    let (code, v) = day.json(&[
        "share",
        "--clinic",
        "smith",
        "--key",
        "p42.key",
        "--attributes",
        "patient:42",
        "--to",
        "role:physician and dept:cardiology",
        "--to-clinic",
        "heart/authority.pub",
        "--purpose",
        "treatment",
        "--out",
        "referral",
        "--admin-passphrase-env",
        "ADMIN_PASS",
        "--passphrase-env",
        "P42_PASS",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["to_clinic"].as_str().map(str::len), Some(64), "{v}");
    day.ok(&[
        "reencrypt",
        "--clinic",
        "smith",
        "--grant",
        "referral",
        "--purpose",
        "treatment",
        "sealed",
        "--out",
        "referred",
        "--admin-passphrase-env",
        "ADMIN_PASS",
    ]);
    // The heart centre opens with its own key, trusting the Smith clinic's public key.
    let open = |trust: &[&str], out: &str| {
        let mut args = vec![
            "open",
            "--clinic",
            "heart",
            "--key",
            "hdoc.key",
            "--passphrase-env",
            "H2_PASS",
        ];
        for t in trust {
            args.extend(["--trust", t]);
        }
        args.extend(["referred/ecg.txt.cc", "--out", out]);
        args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
    };
    let args = open(&["smith"], "heart-ecg.txt");
    day.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        fs::read(day.path("heart-ecg.txt")).unwrap(),
        b"ECG: atrial fibrillation"
    );
    // The same with the clinic's public key file instead of its folder.
    let args = open(&["smith/authority.pub"], "heart-ecg-2.txt");
    day.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    // Without --trust the Smith clinic's layer cannot be checked: nothing is written.
    let args = open(&[], "untrusted.txt");
    day.fails_with(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        6,
        "wrong_authority",
        None,
    );
    assert!(!day.path("untrusted.txt").exists());
    // Trusting a file that is no public key is refused before any passphrase is used.
    fs::write(day.path("bogus.pub"), b"not a key").unwrap();
    let args = open(&["bogus.pub"], "bogus.txt");
    day.fails_with(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        6,
        "invalid_encoding",
        None,
    );
    // Both audit logs verify; each logged its side.
    for (folder, action) in [("smith", "re-encrypt"), ("heart", "read")] {
        let (_, v) = day.json(&["audit", "--clinic", folder]);
        let actions: Vec<&str> = v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(actions.contains(&action), "{folder}: {actions:?}");
    }
}
