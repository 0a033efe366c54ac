//! The runner both CLI test files share: a temporary clinic folder (`Day`), the binary run
//! in it with every test passphrase in the environment, and the few commands the tests
//! repeat. Key files use work factor 15 to keep the runs short.

// Each test file uses only some of these helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

pub const ADMIN: &str = "clinic admin passphrase";
pub const BOB: &str = "dr bob passphrase";
pub const RITA: &str = "rita reception passphrase";
pub const P42: &str = "patient 42 passphrase";
pub const P43: &str = "patient 43 passphrase";
pub const H2: &str = "h2 physician passphrase";
pub const NEW_ADMIN: &str = "the new administrator passphrase";
pub const WRONG: &str = "not the passphrase";

/// The environment every run gets: a variable per person, named as the tests pass them
/// to `--…-passphrase-env`.
const PASSPHRASES: [(&str, &str); 8] = [
    ("ADMIN_PASS", ADMIN),
    ("BOB_PASS", BOB),
    ("RITA_PASS", RITA),
    ("P42_PASS", P42),
    ("P43_PASS", P43),
    ("H2_PASS", H2),
    ("NEW_ADMIN_PASS", NEW_ADMIN),
    ("WRONG_PASS", WRONG),
];

/// A temporary folder the binary runs in; removed on drop.
pub struct Day {
    pub root: PathBuf,
}

impl Day {
    pub fn new() -> Self {
        Self::named("cipherchart-cli")
    }

    fn named(prefix: &str) -> Self {
        let root = std::env::temp_dir().join(format!(
            "{prefix}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        fs::create_dir_all(&root).unwrap();
        Self { root }
    }

    /// A fresh day holding a copy of the day `build` makes, which runs once per test binary
    /// (in a template folder kept in `cell`). A setup that runs the binary a dozen times (every
    /// key file read or written is a scrypt at work factor 15) then costs each test one copy
    /// of a folder; every test still gets its own folder, and no test sees another's changes.
    pub fn from_template(cell: &'static OnceLock<Day>, build: fn(&Day)) -> Self {
        let template = cell.get_or_init(|| {
            remove_stale_templates();
            let template = Self::named(TEMPLATE_PREFIX);
            build(&template);
            // A copy is only the same day if nothing in it names the folder it is in.
            let root = template.root.to_string_lossy().into_owned();
            for file in template.all_files("") {
                let bytes = fs::read(&file).unwrap_or_default();
                assert!(
                    !bytes.windows(root.len()).any(|w| w == root.as_bytes()),
                    "{file} names its folder: a copy would share it"
                );
            }
            template
        });
        let day = Self::new();
        day.fill_from(template);
        day
    }

    /// Copies everything in `other`'s folder into this (empty) one.
    pub fn fill_from(&self, other: &Day) {
        copy_tree(&other.root, &self.root);
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// `cipherchart` with `args` (paths relative to the day's folder), every passphrase in
    /// the environment, all three streams piped.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cipherchart"));
        cmd.current_dir(&self.root)
            .args(args)
            .envs(PASSPHRASES)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    pub fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        let mut child = self.command(args).spawn().unwrap();
        {
            let mut input = child.stdin.take().unwrap();
            if let Some(bytes) = stdin {
                input.write_all(bytes).unwrap();
            }
        }
        child.wait_with_output().unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(args, None);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Runs with `--json`; returns the exit code and the JSON printed.
    pub fn json(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let mut with_json = vec!["--json"];
        with_json.extend_from_slice(args);
        let out = self.run(&with_json, None);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
            panic!(
                "{args:?}: no JSON; stdout {} stderr {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap_or(-1), v)
    }

    /// A command that must fail with `exit`, a JSON error and a hint a person can act on.
    pub fn fails(&self, args: &[&str], exit: i32) -> serde_json::Value {
        let (code, v) = self.json(args);
        assert_eq!(code, exit, "{args:?}: {v}");
        assert_eq!(v["ok"], false, "{v}");
        assert!(!v["hint"].as_str().unwrap_or("").is_empty(), "{v}");
        v
    }

    /// As [`Day::fails`], and the error is the library's `code` (and `kind`, if given).
    pub fn fails_with(
        &self,
        args: &[&str],
        exit: i32,
        code: &str,
        kind: Option<&str>,
    ) -> serde_json::Value {
        let v = self.fails(args, exit);
        assert_eq!(v["code"], code, "{v}");
        if let Some(kind) = kind {
            assert_eq!(v["kind"], kind, "{v}");
        }
        v
    }

    /// The names in the folder `rel`, sorted.
    pub fn names(&self, rel: &str) -> Vec<String> {
        let mut out: Vec<String> = fs::read_dir(self.path(rel))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        out.sort();
        out
    }

    /// Every file path under `rel` (recursively, hidden ones included), sorted.
    pub fn all_files(&self, rel: &str) -> Vec<String> {
        fn walk(dir: &Path, out: &mut Vec<String>) {
            for e in fs::read_dir(dir).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    walk(&e.path(), out);
                } else {
                    out.push(e.path().to_string_lossy().into_owned());
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.path(rel), &mut out);
        out.sort();
        out
    }

    /// `init` a clinic folder, its administrator passphrase from `ADMIN_PASS`.
    pub fn init(&self, clinic: &str) {
        self.ok(&[
            "init",
            clinic,
            "--work-factor",
            "15",
            "--admin-passphrase-env",
            "ADMIN_PASS",
        ]);
    }

    /// `issue` a key for `attrs` into `out`, its holder's passphrase from `var`.
    pub fn issue(&self, clinic: &str, attrs: &str, out: &str, var: &str) {
        self.ok(&[
            "issue",
            "--clinic",
            clinic,
            "--attributes",
            attrs,
            "--out",
            out,
            "--work-factor",
            "15",
            "--admin-passphrase-env",
            "ADMIN_PASS",
            "--holder-passphrase-env",
            var,
        ]);
    }
}

/// Template folders live as long as their test binary (a static is never dropped); each
/// binary removes those left by binaries that have exited.
const TEMPLATE_PREFIX: &str = "cipherchart-cli-template";

fn remove_stale_templates() {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&format!("{TEMPLATE_PREFIX}-")) else {
            continue;
        };
        let pid = rest.split('-').next().unwrap_or("");
        // Linux: a process that has exited has no /proc entry. Elsewhere, keep them.
        if cfg!(target_os = "linux") && !Path::new("/proc").join(pid).exists() {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Copies the folder `from` into the existing folder `to`: files with their permissions,
/// folders with theirs (set after their content, so a read-only folder is filled first).
fn copy_tree(from: &Path, to: &Path) {
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let kind = e.file_type().unwrap();
        assert!(
            !kind.is_symlink(),
            "templates hold no symlinks: {}",
            src.display()
        );
        if kind.is_dir() {
            fs::create_dir(&dst).unwrap();
            copy_tree(&src, &dst);
            fs::set_permissions(&dst, fs::metadata(&src).unwrap().permissions()).unwrap();
        } else {
            fs::copy(&src, &dst).unwrap();
        }
    }
}

impl Drop for Day {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}
