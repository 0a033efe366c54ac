//! Key files: round trips of every key type, each row of the error map, the age test kit's
//! passphrase vectors, and the crash-safe write interrupted at every step.
//!
//! Files are written at work factor 15 (32 MiB, tens of milliseconds) except where the
//! default (18) itself is under test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};

use super::envelope;
use super::files::{Step, FAIL_AT};
use super::label::{self, KeyType};
use super::{KeyFile, KeyFileOptions, KEY_FILE_WORK_FACTOR, MAX_KEY_FILE_LEN};
use crate::abe::{Authority, UserKey};
use crate::error::{Error, KeyFileError};
use crate::pre::{DelegationKey, ReKey};
use crate::sig::BlsSigningKey;
use crate::Policy;

const PASS: &str = "correct horse battery staple";

fn fast() -> KeyFileOptions {
    KeyFileOptions::new().with_work_factor(15).unwrap()
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn authority() -> Authority {
    Authority::setup(&mut rng(1))
}

fn user_key() -> UserKey {
    authority()
        .issue_key(&["role:nurse", "ward:icu"], &mut rng(2))
        .unwrap()
}

fn delegation_key() -> DelegationKey {
    let consent = BlsSigningKey::generate(&mut rng(3));
    authority()
        .issue_delegation_key(&["patient:42"], &consent.public_key(), &mut rng(4))
        .unwrap()
}

fn rekey() -> ReKey {
    let authority = authority();
    let to = Policy::parse("role:physician and hospital:h2").unwrap();
    delegation_key()
        .rekey(authority.public_key(), &to, &mut rng(5))
        .unwrap()
}

fn kit_failure(e: Error) -> KeyFileError {
    match e {
        Error::KeyFile(k) => k,
        other => panic!("expected a key-file error, got {other:?}"),
    }
}

/// A key file's typed error.
fn reason<T: std::fmt::Debug>(result: crate::Result<T>) -> KeyFileError {
    kit_failure(result.expect_err("the key file must be refused"))
}

#[test]
fn every_key_type_round_trips() {
    let o = fast();
    let user = user_key();
    let back = UserKey::from_key_file(&user.to_key_file_with(PASS, &o).unwrap(), PASS).unwrap();
    assert_eq!(*back.to_bytes(), *user.to_bytes());

    let rekey = rekey();
    let back = ReKey::from_key_file(&rekey.to_key_file_with(PASS, &o).unwrap(), PASS).unwrap();
    assert_eq!(*back.to_bytes(), *rekey.to_bytes());

    let delegation = delegation_key();
    let file = delegation.to_key_file_with(PASS, &o).unwrap();
    let back = DelegationKey::from_key_file(&file, PASS).unwrap();
    assert_eq!(*back.to_bytes(), *delegation.to_bytes());

    let bls = BlsSigningKey::generate(&mut rng(6));
    let back =
        BlsSigningKey::from_key_file(&bls.to_key_file_with(PASS, &o).unwrap(), PASS).unwrap();
    assert_eq!(back.public_key(), bls.public_key());
    assert_eq!(*back.to_bytes(), *bls.to_bytes());
}

#[cfg(feature = "hazmat")]
#[test]
fn the_master_key_round_trips_through_hazmat() {
    let authority = authority();
    let file = authority.to_key_file_with(PASS, &fast()).unwrap();
    let back = Authority::from_key_file(&file, PASS).unwrap();
    assert_eq!(back.public_key(), authority.public_key());
    assert_eq!(*back.export_master_key(), *authority.export_master_key());
}

#[test]
fn the_default_work_factor_is_written_into_the_stanza() {
    let file = BlsSigningKey::generate(&mut rng(7))
        .to_key_file(PASS)
        .unwrap();
    assert_eq!(
        envelope::stanza_work_factor(&file),
        Some(KEY_FILE_WORK_FACTOR)
    );
    let file = BlsSigningKey::generate(&mut rng(7))
        .to_key_file_with(PASS, &fast())
        .unwrap();
    assert_eq!(envelope::stanza_work_factor(&file), Some(15));
}

#[test]
fn a_wrong_passphrase_is_refused() {
    let file = user_key().to_key_file_with(PASS, &fast()).unwrap();
    for wrong in [
        "correct horse battery stapl",
        "Correct horse battery staple",
        "x",
    ] {
        assert_eq!(
            reason(UserKey::from_key_file(&file, wrong)),
            KeyFileError::WrongPassphraseOrDamaged
        );
    }
    // Not normalised: a composed and a decomposed é are different passphrases.
    let composed = BlsSigningKey::generate(&mut rng(8))
        .to_key_file_with("caf\u{e9}", &fast())
        .unwrap();
    assert!(BlsSigningKey::from_key_file(&composed, "caf\u{e9}").is_ok());
    assert_eq!(
        reason(BlsSigningKey::from_key_file(&composed, "cafe\u{301}")),
        KeyFileError::WrongPassphraseOrDamaged
    );
}

#[test]
fn an_empty_passphrase_is_refused_when_writing() {
    assert_eq!(
        reason(user_key().to_key_file_with("", &fast())),
        KeyFileError::InvalidPassphrase
    );
}

#[test]
fn another_key_type_is_wrong_key_type() {
    let file = user_key().to_key_file_with(PASS, &fast()).unwrap();
    assert_eq!(
        reason(ReKey::from_key_file(&file, PASS)),
        KeyFileError::WrongKeyType
    );
    assert_eq!(
        reason(DelegationKey::from_key_file(&file, PASS)),
        KeyFileError::WrongKeyType
    );
    assert_eq!(
        reason(BlsSigningKey::from_key_file(&file, PASS)),
        KeyFileError::WrongKeyType
    );
}

#[test]
fn the_label_grammar() {
    let user = user_key().to_bytes();
    let payload = |label: &[u8], key: &[u8]| [label, key].concat();
    // Every known type other than the one asked for: WrongKeyType; the right one parses.
    for &kind in KeyType::ALL {
        for &asked in KeyType::ALL {
            let mut p = Vec::new();
            label::write(kind, &user, &mut p);
            let got = label::parse(&p, asked);
            match (kind == asked, kind) {
                (false, _) => assert_eq!(got, Err(KeyFileError::WrongKeyType.into())),
                (true, KeyType::UserKey) => assert_eq!(got, Ok(&user[..])),
                // A label whose type disagrees with the encoding's tag: the file lies.
                (true, _) => assert_eq!(got, Err(KeyFileError::Malformed.into()), "{kind:?}"),
            }
        }
    }
    let malformed: [&[u8]; 9] = [
        b"",
        b"cipherchart-key-file 1 user-key",     // no newline
        b"cipherchart-key-file 2 user-key\n",   // unknown label version
        b"cipherchart-key-file 1 admin-key\n",  // unknown type
        b"cipherchart-key-file 1 User-Key\n",   // case matters
        b"cipherchart-key-file 1  user-key\n",  // two spaces
        b"cipherchart-key-file 1 user-key\r\n", // CR
        b"cipherchart-key-file  1 user-key\n",
        b"CIPHERCHART-KEY-FILE 1 user-key\n",
    ];
    for label in malformed {
        assert_eq!(
            label::parse(&payload(label, &user), KeyType::UserKey),
            Err(KeyFileError::Malformed.into()),
            "{}",
            String::from_utf8_lossy(label)
        );
    }
    // A BLS key must be exactly 32 bytes after its label.
    for len in [0, 31, 33, 64] {
        let p = payload(b"cipherchart-key-file 1 bls-signing-key\n", &vec![1u8; len]);
        assert_eq!(
            label::parse(&p, KeyType::BlsSigningKey),
            Err(KeyFileError::Malformed.into())
        );
    }
}

#[test]
fn a_label_that_lies_about_the_key_is_malformed_end_to_end() {
    // A re-key's bytes under a user-key label, encrypted properly: the label matches the
    // type asked for, the tag does not.
    let mut payload = Vec::new();
    label::write(KeyType::UserKey, &rekey().to_bytes(), &mut payload);
    let file = envelope::encrypt(&payload, PASS, 15).unwrap();
    assert_eq!(
        reason(UserKey::from_key_file(&file, PASS)),
        KeyFileError::Malformed
    );
    // A right tag with a damaged key inside: the key's own decoder refuses it.
    let mut bytes = user_key().to_bytes().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let mut payload = Vec::new();
    label::write(KeyType::UserKey, &bytes, &mut payload);
    let file = envelope::encrypt(&payload, PASS, 15).unwrap();
    assert!(matches!(
        UserKey::from_key_file(&file, PASS),
        Err(Error::InvalidEncoding(_))
    ));
}

/// The offset of the header's MAC line (`--- `) and of the payload (after the header's
/// newline and the 16-byte nonce).
fn layout(file: &[u8]) -> (usize, usize) {
    let mac = file.windows(4).position(|w| w == b"--- ").unwrap();
    let end = mac + file[mac..].iter().position(|&b| b == b'\n').unwrap() + 1;
    (mac, end + 16)
}

#[test]
fn damage_is_mapped_to_its_reason() {
    let file = user_key().to_key_file_with(PASS, &fast()).unwrap();
    let (mac, payload) = layout(&file);
    let flip = |at: usize| {
        let mut f = file.clone();
        f[at] ^= 0x01;
        f
    };
    // The stanza body (the wrapped file key) is an AEAD under the passphrase's key.
    let stanza_body = file.windows(1).position(|w| w == b"\n").unwrap() + 1;
    let body_line = stanza_body
        + file[stanza_body..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap()
        + 1;
    // Changed to another base64 character (a flipped bit could leave the alphabet, which
    // the header check refuses as malformed before any scrypt).
    let mut body = file.clone();
    body[body_line + 3] = if body[body_line + 3] == b'A' {
        b'B'
    } else {
        b'A'
    };
    assert_eq!(
        reason(UserKey::from_key_file(&body, PASS)),
        KeyFileError::WrongPassphraseOrDamaged
    );
    // The MAC line: `--- ` then base64 of the MAC.
    let m = flip(mac + 6);
    assert!(matches!(
        reason(UserKey::from_key_file(&m, PASS)),
        KeyFileError::HeaderMac | KeyFileError::Malformed
    ));
    // A changed MAC value that is still canonical base64: HeaderMac.
    let mut m = file.clone();
    m[mac + 4] = if m[mac + 4] == b'A' { b'B' } else { b'A' };
    assert_eq!(
        reason(UserKey::from_key_file(&m, PASS)),
        KeyFileError::HeaderMac
    );
    // The nonce and every payload byte.
    for at in [payload - 16, payload, payload + 40, file.len() - 1] {
        assert_eq!(
            reason(UserKey::from_key_file(&flip(at), PASS)),
            KeyFileError::Damaged,
            "byte {at}"
        );
    }
    // Truncation anywhere in the payload, and a byte appended.
    for cut in [payload, payload + 1, file.len() - 17, file.len() - 1] {
        assert_eq!(
            reason(UserKey::from_key_file(&file[..cut], PASS)),
            KeyFileError::Damaged,
            "cut at {cut}"
        );
    }
    let mut longer = file.clone();
    longer.push(0);
    assert_eq!(
        reason(UserKey::from_key_file(&longer, PASS)),
        KeyFileError::Damaged
    );
    // Truncated in the header: not a key file.
    assert_eq!(
        reason(UserKey::from_key_file(&file[..mac], PASS)),
        KeyFileError::Malformed
    );
}

#[test]
fn foreign_and_oversized_files_are_malformed() {
    for bytes in [
        &b""[..],
        b"not an age file",
        b"age-encryption.org/v2\n",
        b"-----BEGIN AGE ENCRYPTED FILE-----\n!!!\n-----END AGE ENCRYPTED FILE-----\n",
    ] {
        assert_eq!(
            reason(UserKey::from_key_file(bytes, PASS)),
            KeyFileError::Malformed
        );
    }
    // An age file for an X25519 recipient, not a passphrase.
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public();
    let x25519 = age::encrypt(&recipient, b"cipherchart-key-file 1 user-key\n").unwrap();
    assert_eq!(
        reason(UserKey::from_key_file(&x25519, PASS)),
        KeyFileError::Malformed
    );
    // Over 1 MiB, refused before any parsing or scrypt.
    let mut big = user_key().to_key_file_with(PASS, &fast()).unwrap();
    big.resize(MAX_KEY_FILE_LEN + 1, 0);
    assert_eq!(
        reason(UserKey::from_key_file(&big, PASS)),
        KeyFileError::Malformed
    );
}

#[test]
fn work_factors_out_of_bounds_are_refused_before_scrypt() {
    let mut payload = Vec::new();
    label::write(
        KeyType::BlsSigningKey,
        &BlsSigningKey::generate(&mut rng(9)).to_bytes()[..],
        &mut payload,
    );
    // Below the floor (another tool's weak settings): refused.
    let weak = envelope::encrypt(&payload, PASS, 14).unwrap();
    assert_eq!(
        reason(BlsSigningKey::from_key_file(&weak, PASS)),
        KeyFileError::WorkFactorTooLow
    );
    // Above the reader's maximum: refused, and allowed once the maximum is raised.
    let at16 = envelope::encrypt(&payload, PASS, 16).unwrap();
    let strict = KeyFileOptions::new().with_max_work_factor(15).unwrap();
    assert_eq!(
        reason(BlsSigningKey::from_key_file_with(&at16, PASS, &strict)),
        KeyFileError::WorkFactorTooHigh
    );
    assert!(BlsSigningKey::from_key_file(&at16, PASS).is_ok());
    // A file asking for log N = 22 (4 GiB) with the default maximum.
    let huge = envelope::encrypt(&payload, PASS, 15).unwrap();
    let text = String::from_utf8_lossy(&huge).into_owned();
    let line = text
        .lines()
        .find(|l| l.starts_with("-> scrypt "))
        .unwrap()
        .to_owned();
    let raised = line.replace(" 15", " 22");
    let huge = [&huge[..], b""].concat();
    let at = huge
        .windows(line.len())
        .position(|w| w == line.as_bytes())
        .unwrap();
    let mut forged = huge[..at].to_vec();
    forged.extend_from_slice(raised.as_bytes());
    forged.extend_from_slice(&huge[at + line.len()..]);
    let started = std::time::Instant::now();
    assert_eq!(
        reason(BlsSigningKey::from_key_file(&forged, PASS)),
        KeyFileError::WorkFactorTooHigh
    );
    // Not a timing claim: a scrypt at 22 would take many seconds and 4 GiB.
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn options_are_range_checked() {
    for bad in [0, 1, 14, 21, 64, 255] {
        assert!(KeyFileOptions::new().with_work_factor(bad).is_err());
        assert!(KeyFileOptions::new().with_max_work_factor(bad).is_err());
    }
    for good in 15..=20 {
        assert_eq!(
            KeyFileOptions::new()
                .with_work_factor(good)
                .unwrap()
                .work_factor(),
            good
        );
        assert_eq!(
            KeyFileOptions::new()
                .with_max_work_factor(good)
                .unwrap()
                .max_work_factor(),
            good
        );
    }
    let d = KeyFileOptions::default();
    assert_eq!(
        (d.work_factor(), d.max_work_factor(), d.replaces_existing()),
        (18, 18, false)
    );
    assert!(KeyFileOptions::new()
        .replacing_existing(true)
        .replaces_existing());
}

#[test]
fn armored_files_are_read() {
    let binary = user_key().to_key_file_with(PASS, &fast()).unwrap();
    let mut armored = Vec::new();
    {
        use std::io::Write;
        let mut w =
            age::armor::ArmoredWriter::wrap_output(&mut armored, age::armor::Format::AsciiArmor)
                .unwrap();
        w.write_all(&binary).unwrap();
        w.finish().unwrap();
    }
    assert!(armored.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
    let back = UserKey::from_key_file(&armored, PASS).unwrap();
    assert_eq!(*back.to_bytes(), *user_key().to_bytes());
    // A damaged armor body is refused, never half-read.
    let mut bad = armored.clone();
    let mid = bad.len() / 2;
    bad[mid] = b'*';
    assert!(UserKey::from_key_file(&bad, PASS).is_err());
}

#[test]
fn the_largest_user_key_fits_in_an_armored_key_file() {
    use crate::limits::{MAX_ATTRIBUTE_LEN, MAX_KEY_ATTRIBUTES};
    let attributes: Vec<String> = (0..MAX_KEY_ATTRIBUTES)
        .map(|i| {
            let name = format!("a:{i:04}-");
            format!("{name}{}", "x".repeat(MAX_ATTRIBUTE_LEN - name.len()))
        })
        .collect();
    let key = authority().issue_key(&attributes, &mut rng(14)).unwrap();
    let binary = key.to_key_file_with(PASS, &fast()).unwrap();
    let mut armored = Vec::new();
    {
        use std::io::Write;
        let mut w =
            age::armor::ArmoredWriter::wrap_output(&mut armored, age::armor::Format::AsciiArmor)
                .unwrap();
        w.write_all(&binary).unwrap();
        w.finish().unwrap();
    }
    assert!(armored.len() <= MAX_KEY_FILE_LEN, "{} bytes", armored.len());
    let back = UserKey::from_key_file(&armored, PASS).unwrap();
    assert_eq!(back.attributes().len(), MAX_KEY_ATTRIBUTES);
}

#[test]
fn errors_never_carry_the_passphrase() {
    let secret = "sentinel-passphrase-0xDEADBEEF";
    let file = user_key().to_key_file_with(secret, &fast()).unwrap();
    for e in [
        UserKey::from_key_file(&file, "wrong").unwrap_err(),
        ReKey::from_key_file(&file, secret).unwrap_err(),
        UserKey::from_key_file(&file[..50], secret).unwrap_err(),
    ] {
        assert!(!format!("{e} {e:?}").contains("sentinel"));
    }
    assert!(!String::from_utf8_lossy(&file).contains("sentinel"));
}

// The age test kit (C2SP CCTV), every passphrase vector.

struct Vector {
    name: String,
    expect: String,
    payload_sha256: Option<String>,
    passphrase: String,
    file: Vec<u8>,
}

fn kit() -> Vec<Vector> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/age-testkit");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".txt") {
            continue;
        }
        let raw = std::fs::read(&path).unwrap();
        let split = raw.windows(2).position(|w| w == b"\n\n").unwrap();
        let head = String::from_utf8(raw[..split].to_vec()).unwrap();
        let field = |k: &str| {
            head.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}: ")))
                .map(str::to_owned)
        };
        out.push(Vector {
            expect: field("expect").unwrap(),
            payload_sha256: field("payload"),
            passphrase: field("passphrase").unwrap(),
            file: raw[split + 2..].to_vec(),
            name,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// What each outcome of the kit maps to (`docs/keyfiles.md`, the error map).
fn expected_reasons(v: &Vector) -> &'static [KeyFileError] {
    match v.expect.as_str() {
        // A stanza that does not parse, or a file with a second stanza: not a key file.
        // A work factor above the maximum: WorkFactorTooHigh.
        "header failure" if v.name == "scrypt_work_factor_23" => &[KeyFileError::WorkFactorTooHigh],
        "header failure" => &[KeyFileError::Malformed],
        // The passphrase does not unwrap the stanza (wrong work factor, tag), or the
        // stanza is not age's lowercase "scrypt" (then the file is not a passphrase file).
        "no match" if v.name == "scrypt_uppercase" => &[KeyFileError::Malformed],
        "no match" => &[KeyFileError::WrongPassphraseOrDamaged],
        other => panic!("{}: unexpected outcome {other}", v.name),
    }
}

#[test]
fn age_testkit_passphrase_vectors_map_to_typed_errors() {
    let vectors = kit();
    assert_eq!(vectors.len(), 25, "the kit's passphrase files");
    for v in &vectors {
        // The kit uses work factor 10: lower the floor to run it, keep the default maximum.
        let got = envelope::decrypt_bounded(&v.file, &v.passphrase, 1, KEY_FILE_WORK_FACTOR);
        if v.expect == "success" {
            let payload = got.unwrap_or_else(|e| panic!("{}: {e:?}", v.name));
            let digest = hex::encode(Sha256::digest(&*payload));
            assert_eq!(Some(digest), v.payload_sha256, "{}", v.name);
        } else {
            let e = kit_failure(got.err().unwrap_or_else(|| panic!("{} must fail", v.name)));
            assert!(expected_reasons(v).contains(&e), "{}: {e:?}", v.name);
        }
    }
}

#[test]
fn age_testkit_success_vector_is_below_the_floor() {
    let v = kit().into_iter().find(|v| v.expect == "success").unwrap();
    assert_eq!(
        reason(UserKey::from_key_file(&v.file, &v.passphrase)),
        KeyFileError::WorkFactorTooLow
    );
}

// On disk.

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let mut random = [0u8; 8];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut random);
        let dir =
            std::env::temp_dir().join(format!("cipherchart-keyfile-{tag}-{}", hex::encode(random)));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn write_and_read_a_key_file() {
    let dir = TempDir::new("rw");
    let path = dir.0.join("nurse.key");
    let key = user_key();
    key.write_key_file_with(&path, PASS, &fast()).unwrap();
    assert_eq!(dir.names(), ["nurse.key"]);
    let back = UserKey::read_key_file(&path, PASS).unwrap();
    assert_eq!(*back.to_bytes(), *key.to_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A missing file is an I/O error; a file over 1 MiB is refused without reading on.
    let missing = UserKey::read_key_file(dir.0.join("absent.key"), PASS).unwrap_err();
    assert!(matches!(missing, Error::Io(e) if e.kind() == std::io::ErrorKind::NotFound));
    let big = dir.0.join("big.key");
    std::fs::write(&big, vec![b'a'; MAX_KEY_FILE_LEN + 1]).unwrap();
    assert_eq!(
        reason(UserKey::read_key_file(&big, PASS)),
        KeyFileError::Malformed
    );
}

#[test]
fn an_existing_key_file_is_never_replaced_unless_asked() {
    let dir = TempDir::new("noclobber");
    let path = dir.0.join("key");
    let first = BlsSigningKey::generate(&mut rng(10));
    let second = BlsSigningKey::generate(&mut rng(11));
    first.write_key_file_with(&path, PASS, &fast()).unwrap();
    let before = std::fs::read(&path).unwrap();
    let refused = second
        .write_key_file_with(&path, PASS, &fast())
        .unwrap_err();
    assert!(matches!(refused, Error::Io(e) if e.kind() == std::io::ErrorKind::AlreadyExists));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the first key is untouched"
    );
    assert_eq!(dir.names(), ["key"], "no temporary file is left");
    let replace = fast().replacing_existing(true);
    second.write_key_file_with(&path, PASS, &replace).unwrap();
    let back = BlsSigningKey::read_key_file(&path, PASS).unwrap();
    assert_eq!(back.public_key(), second.public_key());
    assert_eq!(dir.names(), ["key"]);
}

#[test]
fn an_interrupted_write_leaves_nothing_behind() {
    let dir = TempDir::new("interrupt");
    let key = BlsSigningKey::generate(&mut rng(12));
    let existing = dir.0.join("existing.key");
    key.write_key_file_with(&existing, PASS, &fast()).unwrap();
    let before = std::fs::read(&existing).unwrap();
    for step in [Step::Write, Step::Sync, Step::Publish] {
        for (path, replace) in [(dir.0.join("new.key"), false), (existing.clone(), true)] {
            FAIL_AT.with(|f| f.set(Some(step)));
            let result = key.write_key_file_with(&path, PASS, &fast().replacing_existing(replace));
            FAIL_AT.with(|f| f.set(None));
            assert!(matches!(result, Err(Error::Io(_))), "{step:?}");
            assert_eq!(
                dir.names(),
                ["existing.key"],
                "{step:?}: no new or temporary file"
            );
            assert_eq!(
                std::fs::read(&existing).unwrap(),
                before,
                "{step:?}: target untouched"
            );
        }
    }
}

#[test]
fn a_path_without_a_file_name_is_refused() {
    let dir = TempDir::new("noname");
    let key = BlsSigningKey::generate(&mut rng(13));
    for path in [dir.0.join(".."), PathBuf::from("/")] {
        assert!(matches!(
            key.write_key_file_with(&path, PASS, &fast()),
            Err(Error::InvalidArgument(_))
        ));
    }
    assert!(dir.names().is_empty());
}
