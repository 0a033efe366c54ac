//! An outside attack review of passphrase-protected key files (`docs/keyfiles.md`): each
//! test states one attack and the defence the documentation promises. A passing test is a
//! defeated attack; an `#[ignore = "finding KF-n: ..."]` test is a finding, asserting the
//! behaviour the review expects (run them with `--ignored`).
//!
//! Files are crafted with the `age` crate only (a real scrypt recipient around a payload
//! of our choosing), and altered as text where an attack needs a header age would never
//! write: such files fail the header MAC if scrypt runs, so the error kind tells whether a
//! guard refused the stanza before scrypt.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)] // a failed test aborts

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use age::secrecy::SecretString;
use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::limits::{
    KEY_FILE_WORK_FACTOR, MAX_KEY_FILE_LEN, MAX_KEY_FILE_WORK_FACTOR, MIN_KEY_FILE_WORK_FACTOR,
};
use cipherchart::{
    rand_core::OsRng, Authority, BlsSigningKey, DelegationKey, Error, KeyFile, KeyFileError,
    KeyFileOptions, Policy, ReKey, UserKey,
};

use KeyFileError as K;

/// A passphrase distinctive enough to be searched for in error texts.
const PASS: &str = "Zebra-Quartz-7781-passphrase";
const LABEL_USER: &[u8] = b"cipherchart-key-file 1 user-key\n";

fn fast() -> KeyFileOptions {
    KeyFileOptions::new().with_work_factor(15).unwrap()
}

/// Every key type's canonical bytes, and a user-key file at work factor 15.
struct Fixture {
    user: Vec<u8>,
    rekey: Vec<u8>,
    delegation: Vec<u8>,
    master: Vec<u8>,
    bls: Vec<u8>,
    user_file: Vec<u8>,
}

fn fx() -> &'static Fixture {
    static FX: OnceLock<Fixture> = OnceLock::new();
    FX.get_or_init(|| {
        let authority = Authority::setup(&mut OsRng);
        let user = authority
            .issue_key(&["role:nurse", "ward:icu"], &mut OsRng)
            .unwrap();
        let consent = BlsSigningKey::generate(&mut OsRng);
        let delegation = authority
            .issue_delegation_key(&["patient:42"], &consent.public_key(), &mut OsRng)
            .unwrap();
        let to = Policy::parse("role:physician").unwrap();
        let rekey = authority
            .issue_delegation_key(&["patient:42"], &consent.public_key(), &mut OsRng)
            .unwrap()
            .rekey(authority.public_key(), &to, &mut OsRng)
            .unwrap();
        Fixture {
            user: user.to_bytes().to_vec(),
            rekey: rekey.to_bytes().to_vec(),
            delegation: delegation.to_bytes().to_vec(),
            master: authority.to_secret_bytes().to_vec(),
            bls: consent.to_secret_bytes().to_vec(),
            user_file: user.to_key_file_with(PASS, &fast()).unwrap(),
        }
    })
}

fn user_key() -> UserKey {
    UserKey::from_bytes(&fx().user).unwrap()
}

/// An age file with one scrypt stanza around `payload`, as any age tool would write it.
fn craft(payload: &[u8], pass: &str, log_n: u8) -> Vec<u8> {
    let mut r = age::scrypt::Recipient::new(SecretString::from(pass.to_owned()));
    r.set_work_factor(log_n);
    let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient)).unwrap();
    let mut out = Vec::new();
    let mut w = enc.wrap_output(&mut out).unwrap();
    w.write_all(payload).unwrap();
    w.finish().unwrap();
    out
}

fn labelled(label: &[u8], key: &[u8]) -> Vec<u8> {
    [label, key].concat()
}

/// `age -a` of the bytes.
fn armor(file: &[u8]) -> Vec<u8> {
    let mut w =
        age::armor::ArmoredWriter::wrap_output(Vec::new(), age::armor::Format::AsciiArmor).unwrap();
    w.write_all(file).unwrap();
    w.finish().unwrap()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The header's length (through the MAC line's newline).
fn header_len(file: &[u8]) -> usize {
    let mac = find(file, b"\n--- ").unwrap() + 1;
    mac + file[mac..].iter().position(|&b| b == b'\n').unwrap() + 1
}

/// The `-> scrypt <salt> <log n>` line's span (without its newline).
fn stanza_line(file: &[u8]) -> (usize, usize) {
    let start = find(file, b"\n-> scrypt ").unwrap() + 1;
    let end = start + file[start..].iter().position(|&b| b == b'\n').unwrap();
    (start, end)
}

fn with_stanza_line(file: &[u8], line: &str) -> Vec<u8> {
    let (s, e) = stanza_line(file);
    [&file[..s], line.as_bytes(), &file[e..]].concat()
}

/// The file with its stanza's work-factor argument replaced by `arg` (header MAC now stale).
fn with_log_n(file: &[u8], arg: &str) -> Vec<u8> {
    let (s, e) = stanza_line(file);
    let line = std::str::from_utf8(&file[s..e]).unwrap();
    let salt = line.split(' ').nth(2).unwrap();
    with_stanza_line(file, &format!("-> scrypt {salt} {arg}"))
}

fn kind<T>(r: Result<T, Error>) -> KeyFileError {
    match r {
        Err(Error::KeyFile(k)) => k,
        Err(e) => panic!("expected a key-file error, got {e:?}"),
        Ok(_) => panic!("the attack file was accepted"),
    }
}

fn read_user(file: &[u8]) -> KeyFileError {
    kind(UserKey::from_key_file(file, PASS))
}

/// Both the binary and the armored form give `expected`.
fn both_forms(file: &[u8], expected: KeyFileError, what: &str) {
    assert_eq!(read_user(file), expected, "binary: {what}");
    assert_eq!(read_user(&armor(file)), expected, "armored: {what}");
}

fn timed<T>(limit_ms: u64, what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(
        took < Duration::from_millis(limit_ms),
        "{what}: took {took:?}"
    );
    out
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cc-kf-attack-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn io_kind(e: &Error) -> std::io::ErrorKind {
    match e {
        Error::Io(io) => io.kind(),
        other => panic!("expected an io error, got {other:?}"),
    }
}

/// Whether this process ignores file permissions (root): permission tests then prove nothing.
fn privileged(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    fs::create_dir(&probe).unwrap();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o500)).unwrap();
    let can = fs::write(probe.join("x"), b"x").is_ok();
    let _ = fs::remove_file(probe.join("x"));
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o700)).unwrap();
    fs::remove_dir(&probe).unwrap();
    can
}

// ---------------------------------------------------------------------------------------
// (a) Accepting a key it should not
// ---------------------------------------------------------------------------------------

/// Attack: read a user-key file as every other key type. Defence: `wrong_key_type` from
/// the label, for each (never a decode of the user key's bytes as another key).
#[test]
fn a_user_key_file_read_as_any_other_type_is_wrong_key_type() {
    let f = &fx().user_file;
    assert_eq!(kind(ReKey::from_key_file(f, PASS)), K::WrongKeyType);
    assert_eq!(kind(DelegationKey::from_key_file(f, PASS)), K::WrongKeyType);
    assert_eq!(kind(BlsSigningKey::from_key_file(f, PASS)), K::WrongKeyType);
    assert_eq!(kind(Authority::from_key_file(f, PASS)), K::WrongKeyType);
    assert_eq!(
        UserKey::from_key_file(f, PASS).unwrap().to_bytes().to_vec(),
        fx().user
    );
}

/// Attack: a file (crafted by someone who knows the passphrase) whose label names the type
/// the reader asks for but which holds another key's encoding, or a BLS key of the wrong
/// length. Defence: the label must agree with the encoding's tag or length: `malformed`.
#[test]
fn a_label_that_lies_about_the_encoding_is_malformed() {
    let x = fx();
    let lie = |label: &str, key: &[u8]| {
        let l = format!("cipherchart-key-file 1 {label}\n");
        craft(&labelled(l.as_bytes(), key), PASS, 15)
    };
    assert_eq!(read_user(&lie("user-key", &x.rekey)), K::Malformed);
    assert_eq!(read_user(&lie("user-key", &x.master)), K::Malformed);
    assert_eq!(
        kind(ReKey::from_key_file(&lie("rekey", &x.delegation), PASS)),
        K::Malformed
    );
    assert_eq!(
        kind(DelegationKey::from_key_file(
            &lie("delegation-key", &x.rekey),
            PASS
        )),
        K::Malformed
    );
    assert_eq!(
        kind(Authority::from_key_file(&lie("master-key", &x.user), PASS)),
        K::Malformed
    );
    for len in [0, 31, 33, 64] {
        let key: Vec<u8> = x.bls.iter().copied().cycle().take(len).collect();
        assert_eq!(
            kind(BlsSigningKey::from_key_file(
                &lie("bls-signing-key", &key),
                PASS
            )),
            K::Malformed,
            "bls key of {len} bytes"
        );
    }
    // A whole user key after a BLS label: 32 bytes are not the length.
    assert_eq!(
        kind(BlsSigningKey::from_key_file(
            &lie("bls-signing-key", &x.user),
            PASS
        )),
        K::Malformed
    );
}

/// Attack: near-miss labels (byte-for-byte grammar). Defence: each is `malformed`, never a
/// lenient match: CRLF, extra or leading spaces, case, other versions, a BOM, NUL, an
/// unknown type, a missing newline, an empty payload.
#[test]
fn near_miss_labels_are_malformed() {
    let key = &fx().user;
    let variants: &[&[u8]] = &[
        b"cipherchart-key-file 1 user-key\r\n",
        b"cipherchart-key-file 1 user-key \n",
        b"cipherchart-key-file 1  user-key\n",
        b" cipherchart-key-file 1 user-key\n",
        b"cipherchart-key-file 1 User-Key\n",
        b"Cipherchart-key-file 1 user-key\n",
        b"cipherchart-key-file 01 user-key\n",
        b"cipherchart-key-file 2 user-key\n",
        b"\xef\xbb\xbfcipherchart-key-file 1 user-key\n",
        b"cipherchart-key-file 1 user-key\0\n",
        b"cipherchart-key-file 1 user-key2\n",
        b"cipherchart-key-file 1 user-key",
        b"cipherchart-key-file 1\tuser-key\n",
        b"cipherchart-key-file 1 user_key\n",
    ];
    for v in variants {
        let file = craft(&labelled(v, key), PASS, 15);
        assert_eq!(
            read_user(&file),
            K::Malformed,
            "{:?}",
            String::from_utf8_lossy(v)
        );
    }
    // The label alone, an empty payload, a bare key without label.
    assert_eq!(read_user(&craft(LABEL_USER, PASS, 15)), K::Malformed);
    assert_eq!(read_user(&craft(b"", PASS, 15)), K::Malformed);
    assert_eq!(read_user(&craft(key, PASS, 15)), K::Malformed);
}

/// Attack: a correct label and key followed by extra bytes (a second key, padding), or a
/// key cut short. Defence: the key decoder is strict: `invalid_encoding`, never a key.
#[test]
fn bytes_after_or_missing_from_the_key_are_invalid_encoding() {
    let key = &fx().user;
    let long = [key.as_slice(), &[0]].concat();
    let twice = [key.as_slice(), key.as_slice()].concat();
    let short = &key[..key.len() - 1];
    for (what, k) in [
        ("one extra byte", &long[..]),
        ("two keys", &twice),
        ("short", short),
    ] {
        let file = craft(&labelled(LABEL_USER, k), PASS, 15);
        match UserKey::from_key_file(&file, PASS) {
            Err(Error::InvalidEncoding(_)) => {}
            Err(e) => panic!("{what}: {e:?}"),
            Ok(_) => panic!("{what}: accepted"),
        }
    }
    // A BLS label with 32 bytes that are no scalar (above the group order).
    let file = craft(
        &labelled(b"cipherchart-key-file 1 bls-signing-key\n", &[0xff; 32]),
        PASS,
        15,
    );
    assert!(matches!(
        BlsSigningKey::from_key_file(&file, PASS),
        Err(Error::InvalidEncoding(_))
    ));
}

/// Attack: passphrases that are "nearly" right (a trailing newline from a file, other
/// Unicode normalisation, empty, a prefix). Defence: `wrong_passphrase_or_damaged`, binary
/// and armored.
#[test]
fn near_miss_passphrases_are_refused() {
    let file = craft(&labelled(LABEL_USER, &fx().user), "café", 15);
    let armored = armor(&file);
    assert!(UserKey::from_key_file(&file, "café").is_ok());
    assert!(UserKey::from_key_file(&armored, "café").is_ok());
    // NUL is refused outright since KF-5 (scrypt would ignore trailing NULs).
    assert_eq!(
        kind(UserKey::from_key_file(&file, "\0café")),
        K::InvalidPassphrase
    );
    for wrong in ["cafe\u{301}", "café\n", "caf", "", "CAFÉ"] {
        assert_eq!(
            kind(UserKey::from_key_file(&file, wrong)),
            K::WrongPassphraseOrDamaged,
            "{wrong:?}"
        );
    }
    assert_eq!(
        kind(UserKey::from_key_file(&armored, "cafe\u{301}")),
        K::WrongPassphraseOrDamaged
    );
}

/// Attack: graft the scrypt stanza of another file made with the same passphrase (it
/// decrypts, to the other file's key). Defence: the header MAC, keyed by that other file
/// key, fails: `header_mac`. And a header of file A with the payload of file B: `damaged`.
#[test]
fn stanza_and_payload_splicing_between_files_is_refused() {
    let a = &fx().user_file;
    let b = craft(&labelled(LABEL_USER, &fx().user), PASS, 15);
    // Stanza (line and body line) of B into A.
    let (sa, _) = stanza_line(a);
    let (sb, _) = stanza_line(&b);
    let body_end = |f: &[u8], s: usize| {
        let first = s + f[s..].iter().position(|&c| c == b'\n').unwrap() + 1;
        first + f[first..].iter().position(|&c| c == b'\n').unwrap() + 1
    };
    let grafted = [&a[..sa], &b[sb..body_end(&b, sb)], &a[body_end(a, sa)..]].concat();
    assert_eq!(grafted.len(), a.len());
    both_forms(&grafted, K::HeaderMac, "grafted stanza");
    // Header of A, nonce and payload of B.
    let spliced = [&a[..header_len(a)], &b[header_len(&b)..]].concat();
    both_forms(&spliced, K::Damaged, "spliced payload");
}

// ---------------------------------------------------------------------------------------
// (b) Panics, hangs, unbounded work
// ---------------------------------------------------------------------------------------

/// Attack: a stanza asking for more scrypt work than allowed (up to values scrypt or `u8`
/// cannot take). Defence: refused before scrypt runs (fast): `work_factor_too_high`, or
/// `malformed` for a number that is no `u8` (age's parser); same in armor.
#[test]
fn excessive_work_factors_are_refused_before_scrypt() {
    let f = &fx().user_file;
    for arg in [
        "19", "20", "21", "22", "30", "40", "63", "64", "99", "100", "255",
    ] {
        let file = with_log_n(f, arg);
        timed(1000, arg, || both_forms(&file, K::WorkFactorTooHigh, arg));
    }
    for arg in [
        "256",
        "999",
        "18446744073709551616",
        "99999999999999999999999999999",
    ] {
        let file = with_log_n(f, arg);
        let k = timed(1000, arg, || read_user(&file));
        assert!(
            matches!(k, K::Malformed | K::WorkFactorTooHigh),
            "{arg}: {k:?}"
        );
    }
    // A raised maximum moves the bound, not past 20.
    let o = KeyFileOptions::new().with_max_work_factor(20).unwrap();
    let file = with_log_n(f, "21");
    timed(1000, "21 vs 20", || {
        assert_eq!(
            kind(UserKey::from_key_file_with(&file, PASS, &o)),
            K::WorkFactorTooHigh
        );
    });
    let o15 = KeyFileOptions::new().with_max_work_factor(15).unwrap();
    let file16 = craft(&labelled(LABEL_USER, &fx().user), PASS, 16);
    timed(1000, "16 vs 15", || {
        assert_eq!(
            kind(UserKey::from_key_file_with(&file16, PASS, &o15)),
            K::WorkFactorTooHigh
        );
    });
    assert!(UserKey::from_key_file(&file16, PASS).is_ok());
}

/// Attack: a weak stanza (another tool's low work factor) to make brute force cheap, or to
/// slip a file under the floor. Defence: `work_factor_too_low` before scrypt (if scrypt
/// ran, the stale header MAC would say `header_mac`).
#[test]
fn weak_work_factors_are_refused_before_scrypt() {
    let f = &fx().user_file;
    for arg in ["1", "2", "9", "10", "13", "14"] {
        both_forms(&with_log_n(f, arg), K::WorkFactorTooLow, arg);
    }
    // "0" is no valid age work factor at all (age's parser refuses it): refused either way.
    let k = read_user(&with_log_n(f, "0"));
    assert!(matches!(k, K::WorkFactorTooLow | K::Malformed), "0: {k:?}");
    // A real file written at 10 by age (valid MAC): still refused.
    let weak = craft(&labelled(LABEL_USER, &fx().user), PASS, 10);
    both_forms(&weak, K::WorkFactorTooLow, "real file at 10");
}

/// Attack: non-canonical spellings of a work factor, hoping one parser (the floor guard)
/// reads it differently from the other (age): leading zeros, signs, white space, hex,
/// exponent, Unicode digits, NUL. Defence: none reaches scrypt or succeeds: `malformed`.
#[test]
fn non_canonical_work_factor_spellings_are_malformed() {
    let f = &fx().user_file;
    for arg in [
        "015",
        "014",
        "0015",
        "00",
        "09",
        "+15",
        "-15",
        "+9",
        "15 ",
        " 15",
        "\t15",
        "15\t",
        "0x0f",
        "\u{ff11}\u{ff15}",
        "\u{0661}\u{0665}",
        "15\0",
        "",
    ] {
        let file = with_log_n(f, arg);
        let k = timed(1000, arg, || read_user(&file));
        assert_eq!(k, K::Malformed, "{arg:?}");
    }
    // Three arguments whose second is a small number: the floor guard looks at the
    // second argument before age checks the count, so this is `work_factor_too_low`
    // (refused before scrypt all the same; the docs' map would say `malformed`).
    for arg in ["1 5", "9 15", "14 14"] {
        let k = timed(1000, arg, || read_user(&with_log_n(f, arg)));
        assert!(
            matches!(k, K::Malformed | K::WorkFactorTooLow),
            "{arg:?}: {k:?}"
        );
    }
}

/// Attack: the stanza tag in another case or spelling (a guard matching loosely while age
/// matches exactly, or the reverse). Defence: not a passphrase file: `malformed`.
#[test]
fn scrypt_tag_variants_are_malformed() {
    let f = &fx().user_file;
    let (s, e) = stanza_line(f);
    let line = std::str::from_utf8(&f[s..e]).unwrap().to_owned();
    for tag in [
        "Scrypt",
        "SCRYPT",
        "scrypt2",
        "scryp",
        " scrypt",
        "scrypt\u{0}",
    ] {
        let file = with_stanza_line(f, &line.replacen("scrypt", tag, 1));
        both_forms(&file, K::Malformed, tag);
    }
}

/// Attack: extra stanzas beside the scrypt one (grease before and after, a duplicate
/// scrypt stanza, a thousand stanzas), and an scrypt stanza with extra or missing
/// arguments or a body of another length. Defence: age's "scrypt stanza must be alone"
/// and canonical stanza rules: `malformed`, fast.
#[test]
fn extra_stanzas_and_odd_stanza_shapes_are_malformed() {
    let f = &fx().user_file;
    let (s, e) = stanza_line(f);
    let body_end = e + 1 + f[e + 1..].iter().position(|&c| c == b'\n').unwrap() + 1;
    let stanza = &f[s..body_end];
    let grease = b"-> grease-7 a b\nZm9vYmFy\n";
    let after = [&f[..body_end], grease, &f[body_end..]].concat();
    let before = [&f[..s], grease, &f[s..]].concat();
    let dup = [&f[..body_end], stanza, &f[body_end..]].concat();
    both_forms(&after, K::Malformed, "grease after");
    both_forms(&before, K::Malformed, "grease before");
    both_forms(&dup, K::Malformed, "duplicate scrypt");
    let many: Vec<u8> = grease.repeat(1000);
    let lots = [&f[..body_end], &many, &f[body_end..]].concat();
    timed(2000, "1,000 stanzas", || {
        assert_eq!(read_user(&lots), K::Malformed)
    });
    // Three arguments, one argument.
    let line = std::str::from_utf8(&f[s..e]).unwrap();
    assert_eq!(
        read_user(&with_stanza_line(f, &format!("{line} 1"))),
        K::Malformed
    );
    let salt = line.split(' ').nth(2).unwrap();
    assert_eq!(
        read_user(&with_stanza_line(f, &format!("-> scrypt {salt}"))),
        K::Malformed
    );
    // A salt of 15 bytes, and a body of 31 or 33 bytes (lengths age checks before scrypt).
    assert_eq!(
        read_user(&with_stanza_line(
            f,
            &format!("-> scrypt {} 15", &salt[..20])
        )),
        K::Malformed
    );
    let body_line = |b64: &str| [&f[..e + 1], b64.as_bytes(), b"\n", &f[body_end..]].concat();
    let long_body = "A".repeat(64) + "\n" + &"A".repeat(20); // 63 bytes, two lines
    assert_eq!(read_user(&body_line(&"A".repeat(42))), K::Malformed);
    assert_eq!(read_user(&body_line(&"A".repeat(44))), K::Malformed);
    assert_eq!(read_user(&body_line(&long_body)), K::Malformed);
    // A long stanza body (64 KiB of base64 lines; longer ones: KF-4).
    let mut huge = Vec::new();
    for _ in 0..(64 * 1024 / 65) {
        huge.extend_from_slice(&[b'A'; 64]);
        huge.push(b'\n');
    }
    huge.extend_from_slice(b"AAAA\n");
    let hfile = [&f[..e + 1], &huge[..], &f[body_end..]].concat();
    timed(2000, "long stanza body", || {
        assert_eq!(read_user(&hfile), K::Malformed)
    });
}

/// Attack: oversized inputs (binary, armored, an endless device). Defence: over 1 MiB is
/// `malformed` before any parsing; `read_key_file` stops after 1 MiB + 1 bytes.
#[test]
fn oversized_inputs_are_refused_before_parsing() {
    let mut big = fx().user_file.clone();
    big.resize(MAX_KEY_FILE_LEN + 1, 0);
    timed(200, "1 MiB + 1", || {
        assert_eq!(read_user(&big), K::Malformed)
    });
    // Exactly 1 MiB: parsed (the padding is trailing payload data): damaged, not a key.
    big.truncate(MAX_KEY_FILE_LEN);
    assert_eq!(read_user(&big), K::Damaged);
    // An armored file over 1 MiB of text (a 800 KiB binary file armors to ~1.1 MiB).
    let mut payload = labelled(LABEL_USER, &fx().user);
    payload.resize(800 * 1024, 0);
    let a = armor(&craft(&payload, PASS, 15));
    assert!(a.len() > MAX_KEY_FILE_LEN);
    timed(200, "armored > 1 MiB", || {
        assert_eq!(read_user(&a), K::Malformed)
    });
    let zero = timed(3000, "/dev/zero", || {
        UserKey::read_key_file("/dev/zero", PASS)
    });
    // Not a regular file: refused before it is opened (KF-3's fix).
    assert!(
        matches!(zero, Err(Error::Io(ref e)) if e.kind() == std::io::ErrorKind::InvalidInput),
        "{zero:?}"
    );
}

/// Attack: inputs that are not age files at all (empty, the version line only, a truncated
/// header, another version, random bytes, an armor with no body). Defence: `malformed`, no
/// panic.
#[test]
fn junk_inputs_are_malformed() {
    let f = &fx().user_file;
    let h = header_len(f);
    let mut cases: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"age-encryption.org/v1\n".to_vec(),
        b"age-encryption.org/v2\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 15\n".to_vec(),
        b"-----BEGIN AGE ENCRYPTED FILE-----\n-----END AGE ENCRYPTED FILE-----\n".to_vec(),
        b"-----BEGIN AGE ENCRYPTED FILE-----\n".to_vec(),
        (0..=255u8).cycle().take(5000).collect(),
        f[..h - 1].to_vec(), // no newline after the MAC
        f[..h + 8].to_vec(), // nonce cut short
    ];
    for cut in [1, 10, 22, 30, 60, h / 2] {
        cases.push(f[..cut].to_vec());
    }
    for (i, c) in cases.iter().enumerate() {
        assert_eq!(read_user(c), K::Malformed, "case {i}");
    }
}

/// Attack: armor tricks: CRLF lines, white space around the armor, wrong line width, other
/// case, armor in armor, garbage after the end line, a missing end line, a bad base64
/// character in the payload part. Defence: a valid armor reads like the binary file; any
/// other is refused without a panic, with the kind the binary analogue gets.
#[test]
fn armor_tricks() {
    let f = &fx().user_file;
    let a = armor(f);
    let text = String::from_utf8(a.clone()).unwrap();
    assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"));
    assert!(UserKey::from_key_file(&a, PASS).is_ok());
    // CRLF and trailing white space: valid per the age spec.
    let crlf = text.replace('\n', "\r\n");
    assert!(
        UserKey::from_key_file(crlf.as_bytes(), PASS).is_ok(),
        "CRLF"
    );
    let trailing = format!("{text}\n  \n");
    assert!(
        UserKey::from_key_file(trailing.as_bytes(), PASS).is_ok(),
        "trailing ws"
    );
    // Refused shapes.
    let lower = text.replace("AGE ENCRYPTED FILE", "age encrypted file");
    assert_eq!(read_user(lower.as_bytes()), K::Malformed, "lower case");
    let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    let wide = format!(
        "-----BEGIN AGE ENCRYPTED FILE-----\n{}\n{}\n-----END AGE ENCRYPTED FILE-----\n",
        &b64[..76],
        &b64[76..]
    );
    assert_eq!(read_user(wide.as_bytes()), K::Malformed, "76-column lines");
    assert_eq!(read_user(&armor(&a)), K::Malformed, "armor in armor");
    // Damage to the armor itself, wherever it is: the armor is decoded whole before age
    // parses anything (KF-4's fix), so every armor error is `malformed`.
    let garbage = format!("{text}x\n");
    assert_eq!(
        read_user(garbage.as_bytes()),
        K::Malformed,
        "garbage after END"
    );
    let no_end = text.replace("-----END AGE ENCRYPTED FILE-----\n", "");
    assert_eq!(read_user(no_end.as_bytes()), K::Malformed, "missing END");
    let lines: Vec<&str> = text.lines().collect();
    let mut bad = lines.clone();
    let last_body = lines.len() - 2;
    let broken = format!("!{}", &lines[last_body][1..]);
    bad[last_body] = &broken;
    let bad = bad.join("\n") + "\n";
    assert_eq!(
        read_user(bad.as_bytes()),
        K::Malformed,
        "bad base64 in payload"
    );
}

/// Attack: leading white space or a blank line before the armor (e-mail clients add them).
/// Defence (documented shape): either read like the file or `malformed`, never a panic;
/// recorded here so a change in age's behaviour is noticed.
#[test]
fn leading_white_space_before_the_armor() {
    let text = String::from_utf8(armor(&fx().user_file)).unwrap();
    for prefix in ["\n", "  ", "\r\n"] {
        let r = UserKey::from_key_file(format!("{prefix}{text}").as_bytes(), PASS);
        match r {
            Ok(_) | Err(Error::KeyFile(K::Malformed)) => {}
            Err(e) => panic!("{prefix:?}: {e:?}"),
        }
    }
}

/// Attack: every single-point damage of the file, binary and armored (the error map of
/// `docs/keyfiles.md` §5): header MAC, salt, wrapped key, nonce, payload bytes, truncation
/// and extension of the payload. Defence: the documented kind, the same in both forms.
#[test]
fn the_error_map_holds_for_binary_and_armored() {
    let f = &fx().user_file;
    let h = header_len(f);
    let flip = |at: usize| {
        let mut g = f.clone();
        g[at] ^= 0x01;
        g
    };
    let (s, e) = stanza_line(f);
    let salt_at = s + "-> scrypt ".len() + 3;
    let body_at = e + 3;
    let mac_at = h - 5;
    // (The MAC is random base64: `case_flip` below keeps any of its characters in the
    // alphabet, so no assumption on which character stands there.)
    let case_flip = |at: usize| {
        let mut g = f.clone();
        g[at] = if g[at].is_ascii_uppercase() {
            g[at].to_ascii_lowercase()
        } else if g[at].is_ascii_lowercase() {
            g[at].to_ascii_uppercase()
        } else if g[at] == b'0' {
            b'1'
        } else {
            b'0'
        };
        g
    };
    both_forms(&case_flip(mac_at), K::HeaderMac, "header MAC");
    both_forms(&case_flip(salt_at), K::WrongPassphraseOrDamaged, "salt");
    both_forms(
        &case_flip(body_at),
        K::WrongPassphraseOrDamaged,
        "wrapped key",
    );
    both_forms(&flip(h), K::Damaged, "nonce");
    both_forms(&flip(h + 20), K::Damaged, "payload");
    both_forms(&flip(f.len() - 1), K::Damaged, "tag");
    both_forms(&f[..f.len() - 1], K::Damaged, "payload cut by one byte");
    both_forms(&f[..h + 16 + 5], K::Damaged, "payload cut short");
    both_forms(&f[..h + 16], K::Damaged, "no payload chunk");
    both_forms(&[f.as_slice(), b"\0"].concat(), K::Damaged, "extended");
    // The header's MAC line changed in a way that does not parse (not base64): malformed.
    let mut g = f.clone();
    g[mac_at] = b'!';
    both_forms(&g, K::Malformed, "MAC not base64");
}

/// Attack: passphrases of odd shape at the reader and writer: 1 MiB long, NUL bytes,
/// control characters, emoji. Defence: they work as given (no truncation at NUL, no panic),
/// and a prefix of a long one is refused.
#[test]
fn odd_passphrases_round_trip_and_do_not_truncate() {
    let key = user_key();
    let long = "p".repeat(1 << 20);
    for pass in ["\u{1f511}\u{200d}", "\t\r\n", long.as_str()] {
        let file = key.to_key_file_with(pass, &fast()).unwrap();
        assert!(UserKey::from_key_file(&file, pass).is_ok());
    }
    // NUL is refused, writing and reading (KF-5: scrypt ignores trailing NULs, so `a`
    // and `a\0` would be one passphrase).
    assert_eq!(
        kind(key.to_key_file_with("a\0b", &fast())),
        K::InvalidPassphrase
    );
    let file = key.to_key_file_with("a", &fast()).unwrap();
    assert_eq!(
        kind(UserKey::from_key_file(&file, "a\0")),
        K::InvalidPassphrase
    );
    // Empty is refused when writing, before any work, and creates no file.
    assert_eq!(
        kind(key.to_key_file_with("", &fast())),
        K::InvalidPassphrase
    );
    let dir = scratch("empty-pass");
    let p = dir.join("k.key");
    assert_eq!(
        kind(key.write_key_file_with(&p, "", &fast())),
        K::InvalidPassphrase
    );
    assert!(entries(&dir).is_empty());
    fs::remove_dir_all(&dir).unwrap();
}

/// Attack: options out of range (a writer at 14 or 21, a reader raised past 20).
/// Defence: `InvalidArgument` when the options are built.
#[test]
fn out_of_range_options_are_invalid_arguments() {
    for n in [0, 1, 14, 21, 64, 255] {
        assert!(matches!(
            KeyFileOptions::new().with_work_factor(n),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            KeyFileOptions::new().with_max_work_factor(n),
            Err(Error::InvalidArgument(_))
        ));
    }
    for n in 15..=20 {
        assert_eq!(
            KeyFileOptions::new()
                .with_work_factor(n)
                .unwrap()
                .work_factor(),
            n
        );
        assert_eq!(
            KeyFileOptions::new()
                .with_max_work_factor(n)
                .unwrap()
                .max_work_factor(),
            n
        );
    }
}

// ---------------------------------------------------------------------------------------
// (d) The file system
// ---------------------------------------------------------------------------------------

/// Attack: write over an existing key file by mistake. Defence: `AlreadyExists`, the old
/// file byte for byte intact, no temporary file left; replacing only when asked.
#[test]
fn an_existing_file_is_not_clobbered() {
    let dir = scratch("clobber");
    let p = dir.join("k.key");
    fs::write(&p, b"old key").unwrap();
    let e = user_key()
        .write_key_file_with(&p, PASS, &fast())
        .unwrap_err();
    assert_eq!(io_kind(&e), std::io::ErrorKind::AlreadyExists);
    assert_eq!(fs::read(&p).unwrap(), b"old key");
    assert_eq!(entries(&dir), ["k.key"]);
    user_key()
        .write_key_file_with(&p, PASS, &fast().replacing_existing(true))
        .unwrap();
    assert!(UserKey::read_key_file(&p, PASS).is_ok());
    assert_eq!(entries(&dir), ["k.key"]);
    fs::remove_dir_all(&dir).unwrap();
}

/// Attack: a symlink planted at the target (pointing at a victim file, or dangling into a
/// directory the attacker wants a file in). Defence: no-clobber refuses (`AlreadyExists`)
/// without following it; replacing swaps the link itself, never writes through it.
#[test]
fn a_symlink_at_the_target_is_never_followed() {
    use std::os::unix::fs::symlink;
    let dir = scratch("symlink");
    let victim = dir.join("victim");
    fs::write(&victim, b"victim").unwrap();
    let link = dir.join("k.key");
    symlink(&victim, &link).unwrap();
    let e = user_key()
        .write_key_file_with(&link, PASS, &fast())
        .unwrap_err();
    assert_eq!(io_kind(&e), std::io::ErrorKind::AlreadyExists);
    assert_eq!(fs::read(&victim).unwrap(), b"victim");
    // Dangling link: nothing is created where it points.
    let dangling = dir.join("d.key");
    let target = dir.join("created-through-link");
    symlink(&target, &dangling).unwrap();
    let e = user_key()
        .write_key_file_with(&dangling, PASS, &fast())
        .unwrap_err();
    assert_eq!(io_kind(&e), std::io::ErrorKind::AlreadyExists);
    assert!(!target.exists());
    // Replacing: the link is replaced by a regular file; the victim is untouched.
    user_key()
        .write_key_file_with(&link, PASS, &fast().replacing_existing(true))
        .unwrap();
    assert!(!fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read(&victim).unwrap(), b"victim");
    assert_eq!(entries(&dir), ["d.key", "k.key", "victim"]);
    fs::remove_dir_all(&dir).unwrap();
}

/// Attack: a directory at the target path (with and without replacing). Defence: an io
/// error, the directory and its contents intact, no temporary file left.
#[test]
fn a_directory_at_the_target_is_refused_and_left_intact() {
    let dir = scratch("dir-target");
    let p = dir.join("k.key");
    fs::create_dir(&p).unwrap();
    fs::write(p.join("inside"), b"x").unwrap();
    for replace in [false, true] {
        let r = user_key().write_key_file_with(&p, PASS, &fast().replacing_existing(replace));
        assert!(matches!(r, Err(Error::Io(_))), "replace={replace}: {r:?}");
        assert_eq!(entries(&dir), ["k.key"], "replace={replace}");
        assert_eq!(entries(&p), ["inside"]);
    }
    // Reading a directory: an io error, no panic.
    assert!(matches!(
        UserKey::read_key_file(&p, PASS),
        Err(Error::Io(_))
    ));
    fs::remove_dir_all(&dir).unwrap();
}

/// Attack: paths that name no file ("", "/", ".", "..", "x/.."), a trailing slash, a
/// missing parent directory. Defence: an error (never a panic, never a file named
/// something else), nothing created.
#[test]
fn paths_without_a_file_name_or_parent_are_refused() {
    let dir = scratch("paths");
    let key = user_key();
    for p in [
        PathBuf::from(""),
        PathBuf::from("/"),
        PathBuf::from("."),
        PathBuf::from(".."),
        dir.join(".."),
        dir.join("."),
    ] {
        let r = key.write_key_file_with(&p, PASS, &fast());
        assert!(r.is_err(), "{p:?} accepted");
    }
    let r = key.write_key_file_with(dir.join("missing/k.key"), PASS, &fast());
    assert_eq!(io_kind(&r.unwrap_err()), std::io::ErrorKind::NotFound);
    // "k.key/" names a directory: refused, no file and no stray temporary file.
    let slash = PathBuf::from(format!("{}/k.key/", dir.display()));
    assert!(key.write_key_file_with(&slash, PASS, &fast()).is_err());
    assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
    // Reading a missing file is io NotFound.
    let r = UserKey::read_key_file(dir.join("nope"), PASS);
    assert_eq!(io_kind(&r.err().unwrap()), std::io::ErrorKind::NotFound);
    fs::remove_dir_all(&dir).unwrap();
}

/// Attack: relative paths, including a bare file name (no parent: the current
/// directory). Defence: written where named, readable back, nothing stray. The bare name
/// runs in a child process whose current directory is a scratch directory.
#[test]
fn relative_paths_and_bare_names_are_written_where_named() {
    const CHILD: &str = "CC_KF_ATTACK_BARE_NAME";
    if std::env::var_os(CHILD).is_some() {
        user_key()
            .write_key_file_with("bare.key", PASS, &fast())
            .unwrap();
        return;
    }
    let dir = scratch("relative");
    let test = crate::common::test_path(
        module_path!(),
        "relative_paths_and_bare_names_are_written_where_named",
    );
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([test.as_str(), "--exact", "--test-threads=1"])
        .current_dir(&dir)
        .env(CHILD, "1")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(entries(&dir), ["bare.key"]);
    assert!(UserKey::read_key_file(dir.join("bare.key"), PASS).is_ok());
    // A relative path with a parent, from this process's directory.
    let cwd = std::env::current_dir().unwrap();
    let up = "../".repeat(cwd.components().count());
    let rel = PathBuf::from(format!(
        "{up}{}",
        dir.join("sub.key")
            .display()
            .to_string()
            .trim_start_matches('/')
    ));
    assert!(rel.is_relative());
    user_key().write_key_file_with(&rel, PASS, &fast()).unwrap();
    assert_eq!(entries(&dir), ["bare.key", "sub.key"]);
    fs::remove_dir_all(&dir).unwrap();
}

/// Attack: eight concurrent writers to one new name. Defence: without replacing, exactly
/// one wins, the others get `AlreadyExists`, the file is the winner's whole key; with
/// replacing, all succeed and the file is one whole key. No temporary file left.
#[test]
fn concurrent_writers_never_mix_or_leave_strays() {
    let dir = scratch("concurrent");
    let p = dir.join("k.key");
    let authority = Authority::setup(&mut OsRng);
    let keys: Vec<Vec<u8>> = (0..8)
        .map(|i| {
            authority
                .issue_key(&[format!("n:{i}")], &mut OsRng)
                .unwrap()
                .to_bytes()
                .to_vec()
        })
        .collect();
    for replace in [false, true] {
        let _ = fs::remove_file(&p);
        let results: Vec<Result<(), Error>> = std::thread::scope(|s| {
            let handles: Vec<_> = keys
                .iter()
                .map(|k| {
                    let p = &p;
                    s.spawn(move || {
                        UserKey::from_bytes(k).unwrap().write_key_file_with(
                            p,
                            PASS,
                            &fast().replacing_existing(replace),
                        )
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let ok = results.iter().filter(|r| r.is_ok()).count();
        if replace {
            assert_eq!(ok, 8);
        } else {
            assert_eq!(ok, 1);
            for r in results.iter().filter(|r| r.is_err()) {
                assert_eq!(
                    io_kind(r.as_ref().unwrap_err()),
                    std::io::ErrorKind::AlreadyExists
                );
            }
        }
        let got = UserKey::read_key_file(&p, PASS)
            .unwrap()
            .to_bytes()
            .to_vec();
        assert!(keys.contains(&got));
        if !replace {
            let winner = results.iter().position(Result::is_ok).unwrap();
            assert_eq!(got, keys[winner]);
        }
        assert_eq!(entries(&dir), ["k.key"], "replace={replace}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// Attack: read the key file as another local user (group/world-readable mode), in both
/// write modes, whatever the umask allows. Defence: mode 0600.
#[test]
fn key_files_are_mode_0600_in_both_write_modes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("mode");
    let p = dir.join("k.key");
    user_key().write_key_file_with(&p, PASS, &fast()).unwrap();
    assert_eq!(
        fs::metadata(&p).unwrap().permissions().mode() & 0o777,
        0o600
    );
    fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
    user_key()
        .write_key_file_with(&p, PASS, &fast().replacing_existing(true))
        .unwrap();
    assert_eq!(
        fs::metadata(&p).unwrap().permissions().mode() & 0o777,
        0o600
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// Attack: write into a directory the caller may not write to. Defence: io
/// `PermissionDenied`, nothing created. (Skipped when running as root.)
#[test]
fn a_read_only_directory_is_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("ro");
    if privileged(&dir) {
        eprintln!("running with privileges: permission test skipped");
        fs::remove_dir_all(&dir).unwrap();
        return;
    }
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o500)).unwrap();
    let r = user_key().write_key_file_with(dir.join("k.key"), PASS, &fast());
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(
        io_kind(&r.unwrap_err()),
        std::io::ErrorKind::PermissionDenied
    );
    assert!(entries(&dir).is_empty());
    fs::remove_dir_all(&dir).unwrap();
}

/// Attack (KF-1): a directory the writer may write to but not list (mode 0300, a "drop
/// box"). The key file is created and published, then `fsync` of the directory needs to
/// open it for reading and fails. Expected: either success, or an error with no file left;
/// never an error while the key file stays published (a caller then believes the key was
/// not saved, may discard it or retry into `AlreadyExists`). Skipped when running as root.
#[test]
fn an_error_is_never_returned_after_the_file_is_published() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("wx-only");
    if privileged(&dir) {
        eprintln!("running with privileges: permission test skipped");
        fs::remove_dir_all(&dir).unwrap();
        return;
    }
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o300)).unwrap();
    let p = dir.join("k.key");
    let r = user_key().write_key_file_with(&p, PASS, &fast());
    let exists = fs::symlink_metadata(&p).is_ok();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    fs::remove_dir_all(&dir).unwrap();
    assert!(
        r.is_ok() || !exists,
        "error {r:?} but the file was published"
    );
}

/// Attack (KF-2): a target file name of legal length (230 bytes, under NAME_MAX 255).
/// The temporary name adds 30 bytes (`.<name>.<24 hex>.tmp`) and passes NAME_MAX.
/// Expected: a legal name can be written.
#[test]
fn a_long_legal_file_name_can_be_written() {
    let dir = scratch("long-name");
    let p = dir.join("k".repeat(230));
    fs::write(&p, b"probe: the name itself is legal").unwrap();
    fs::remove_file(&p).unwrap();
    let r = user_key().write_key_file_with(&p, PASS, &fast());
    let left = entries(&dir);
    fs::remove_dir_all(&dir).unwrap();
    r.unwrap();
    assert_eq!(left.len(), 1);
}

/// Attack (KF-3): a FIFO (or another non-regular file) planted at the key file's path.
/// `read_key_file` opens it blocking and waits forever for a writer: the reader hangs.
/// Expected: a non-regular file is refused promptly (an io error or `malformed`).
#[test]
fn a_fifo_at_the_path_does_not_hang_the_reader() {
    let dir = scratch("fifo");
    let fifo = dir.join("k.key");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let (tx, rx) = std::sync::mpsc::channel();
    let f2 = fifo.clone();
    let t = std::thread::spawn(move || {
        let r = UserKey::read_key_file(&f2, PASS).map(|_| ());
        let _ = tx.send(r);
    });
    let got = rx.recv_timeout(Duration::from_secs(3));
    if got.is_err() {
        // Unblock the reader: open the FIFO for writing and close it.
        drop(fs::OpenOptions::new().write(true).open(&fifo));
    }
    t.join().unwrap();
    fs::remove_dir_all(&dir).unwrap();
    let r = got.expect("read_key_file hung on a FIFO");
    assert!(r.is_err());
}

// ---------------------------------------------------------------------------------------
// (e) Leaks
// ---------------------------------------------------------------------------------------

/// Attack: find the passphrase or key bytes in an error's `Display`/`Debug`, in the
/// options' `Debug`, or in clear in the file. Defence: none of them carries either.
#[test]
fn no_error_or_file_carries_the_passphrase_or_key() {
    let f = &fx().user_file;
    let key_hex = hex::encode(&fx().user);
    let errors = vec![
        UserKey::from_key_file(f, "wrong").err().unwrap(),
        UserKey::from_key_file(&with_log_n(f, "14"), PASS)
            .err()
            .unwrap(),
        UserKey::from_key_file(&with_log_n(f, "30"), PASS)
            .err()
            .unwrap(),
        ReKey::from_key_file(f, PASS).err().unwrap(),
        UserKey::from_key_file(&f[..f.len() - 1], PASS)
            .err()
            .unwrap(),
        UserKey::from_key_file(b"junk", PASS).err().unwrap(),
        UserKey::read_key_file("/nonexistent/dir/k.key", PASS)
            .err()
            .unwrap(),
        user_key().to_key_file("").err().unwrap(),
        UserKey::from_key_file(
            &craft(
                &labelled(LABEL_USER, &[fx().user.as_slice(), &[0]].concat()),
                PASS,
                15,
            ),
            PASS,
        )
        .err()
        .unwrap(),
    ];
    for e in &errors {
        for text in [format!("{e}"), format!("{e:?}"), format!("{e:#?}")] {
            assert!(!text.contains(PASS), "{text}");
            assert!(!text.contains(&key_hex[..32]), "{text}");
        }
    }
    let o = format!("{:?}", fast());
    assert!(!o.contains(PASS));
    assert!(find(f, PASS.as_bytes()).is_none());
    for w in fx().user.windows(12).step_by(12) {
        assert!(find(f, w).is_none(), "key bytes in clear in the file");
    }
    // And the armored form.
    assert!(find(&armor(f), PASS.as_bytes()).is_none());
}

// ---------------------------------------------------------------------------------------
// (g) Documentation claims
// ---------------------------------------------------------------------------------------

/// Claim: the limits are 18 written by default, 15 minimum, 20 maximum, 1 MiB; new()
/// writes 18 and reads up to 18 and does not replace.
#[test]
fn documented_limits_and_defaults() {
    assert_eq!(KEY_FILE_WORK_FACTOR, 18);
    assert_eq!(MIN_KEY_FILE_WORK_FACTOR, 15);
    assert_eq!(MAX_KEY_FILE_WORK_FACTOR, 20);
    assert_eq!(MAX_KEY_FILE_LEN, 1 << 20);
    let o = KeyFileOptions::new();
    assert_eq!(
        (o.work_factor(), o.max_work_factor(), o.replaces_existing()),
        (18, 18, false)
    );
    assert_eq!(KeyFileOptions::default(), o);
}

/// Claim: cipherchart writes the binary form, one scrypt stanza (16-byte salt, the work
/// factor asked for), and the payload is the label line then the key's encoding; a plain
/// age reader opens it. Default writes carry 18 in the stanza.
#[test]
fn the_file_is_plain_age_with_the_documented_payload() {
    use std::io::Read;
    let f = &fx().user_file;
    assert!(f.starts_with(b"age-encryption.org/v1\n-> scrypt "));
    let (s, e) = stanza_line(f);
    let line = std::str::from_utf8(&f[s..e]).unwrap();
    let args: Vec<&str> = line.split(' ').skip(2).collect();
    assert_eq!(args.len(), 2);
    assert_eq!(args[0].len(), 22); // 16 bytes, unpadded base64
    assert_eq!(args[1], "15");
    assert_eq!(
        f[..header_len(f)]
            .windows(4)
            .filter(|w| w == b"\n-> ")
            .count(),
        1,
        "one stanza"
    );
    let dec = age::Decryptor::new(&f[..]).unwrap();
    let mut id = age::scrypt::Identity::new(SecretString::from(PASS.to_owned()));
    id.set_max_work_factor(15);
    let mut out = Vec::new();
    dec.decrypt(std::iter::once(&id as &dyn age::Identity))
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    assert_eq!(out, labelled(LABEL_USER, &fx().user));
    // The default writes 18 (one scrypt at 18, no read).
    let d = BlsSigningKey::generate(&mut OsRng)
        .to_key_file(PASS)
        .unwrap();
    let (s, e) = stanza_line(&d);
    assert!(std::str::from_utf8(&d[s..e]).unwrap().ends_with(" 18"));
}

/// Claim: a file made by age (`age -p -a`) around such a payload at 15 to 18 reads in
/// cipherchart, armored too; every key type round-trips through its own file.
#[test]
fn age_made_files_and_every_key_type_read_back() {
    let x = fx();
    let a = armor(&craft(&labelled(LABEL_USER, &x.user), PASS, 16));
    assert_eq!(
        UserKey::from_key_file(&a, PASS)
            .unwrap()
            .to_bytes()
            .to_vec(),
        x.user
    );
    let r = ReKey::from_bytes(&x.rekey).unwrap();
    let f = r.to_key_file_with(PASS, &fast()).unwrap();
    assert_eq!(
        ReKey::from_key_file(&f, PASS).unwrap().to_bytes().to_vec(),
        x.rekey
    );
    let d = DelegationKey::from_bytes(&x.delegation).unwrap();
    let f = d.to_key_file_with(PASS, &fast()).unwrap();
    assert_eq!(
        DelegationKey::from_key_file(&f, PASS)
            .unwrap()
            .to_bytes()
            .to_vec(),
        x.delegation
    );
    let b = BlsSigningKey::from_secret_bytes(&x.bls).unwrap();
    let f = b.to_key_file_with(PASS, &fast()).unwrap();
    assert_eq!(
        BlsSigningKey::from_key_file(&armor(&f), PASS)
            .unwrap()
            .to_secret_bytes()
            .to_vec(),
        x.bls
    );
    let m = Authority::from_secret_bytes(&x.master).unwrap();
    let f = m.to_key_file_with(PASS, &fast()).unwrap();
    assert_eq!(
        Authority::from_key_file(&f, PASS)
            .unwrap()
            .to_secret_bytes()
            .to_vec(),
        x.master
    );
}

/// Attack (KF-4): a hostile header under 1 MiB made of many tiny stanzas (`-> a` and an
/// empty body line) or of one stanza with a long body. age's `Header::read_buffered`
/// re-parses the whole header after every line read, so the work is quadratic in the
/// number of header lines: measured here 16 s for 10,000 stanzas (60 KiB), 103 s for
/// 20,000, 411 s for 40,000 (240 KiB); a 1 MiB file extrapolates to about two hours of
/// CPU, binary or armored, before the error. A single 1 MiB stanza body took 10 s.
/// Expected: refused in well under a second (a key file's header is one stanza, under
/// 200 bytes: bound the header, e.g. require `\n--- ` in the first KiB after dearmoring,
/// before handing the bytes to age).
#[test]
fn a_header_of_many_lines_is_refused_quickly() {
    let f = &fx().user_file;
    let (_, e) = stanza_line(f);
    let body_end = e + 1 + f[e + 1..].iter().position(|&c| c == b'\n').unwrap() + 1;
    let tiny = [&f[..body_end], &b"-> a\n\n".repeat(10_000), &f[body_end..]].concat();
    timed(2000, "10,000 tiny stanzas", || {
        assert_eq!(read_user(&tiny), K::Malformed);
    });
    let line: Vec<u8> = [&[b'A'; 64][..], b"\n"].concat();
    let long_body = [&f[..e + 1], &line.repeat(4000), b"AAAA\n", &f[body_end..]].concat();
    timed(2000, "a 260 KiB stanza body", || {
        assert_eq!(read_user(&long_body), K::Malformed);
    });
    let armored = armor(&tiny);
    timed(2000, "armored tiny stanzas", || {
        assert_eq!(read_user(&armored), K::Malformed);
    });
}

/// Attack (KF-5): a different passphrase that opens the file: the right one followed by
/// NUL characters. scrypt's PBKDF2-HMAC-SHA-256 pads the HMAC key with zeros, so `café`,
/// `café\0` and `café\0\0` derive the same key (every age implementation shares this).
/// No loss of entropy, but it contradicts "used exactly as given" (§4). Expected: a
/// passphrase with NUL is refused (`invalid_passphrase`) or does not open the file; or
/// the docs state the equivalence.
#[test]
fn a_passphrase_with_trailing_nuls_is_not_the_same_passphrase() {
    let file = craft(&labelled(LABEL_USER, &fx().user), "café", 15);
    for p in ["café\0", "café\0\0"] {
        let k = kind(UserKey::from_key_file(&file, p));
        assert!(
            matches!(k, K::WrongPassphraseOrDamaged | K::InvalidPassphrase),
            "{p:?}: {k:?}"
        );
    }
}

/// Attack (KF-6): a digit-led work factor with trailing characters (`10x`, `1e1`, `15.0`,
/// `1_5`). The floor guard sees a non-canonical number and defers to age, but age's
/// `decimal_digit_arg` parses the leading digits and ignores the rest (nom's `digit1`
/// without a check that the whole argument was consumed): `10x` runs scrypt at 10 and
/// unwraps the file key. Here the header MAC is stale (the file was edited), so the read
/// ends in `header_mac`; a crafter who knows the passphrase recomputes the MAC over the
/// `10x` line and the file is accepted below the floor of 15 ("refused before scrypt
/// runs", §3). Expected: `malformed` (or `work_factor_too_low`), before scrypt.
/// Fix: in `FloorGuard`, refuse any scrypt stanza whose arguments are not exactly
/// [salt, canonical decimal] instead of deferring to age.
#[test]
fn trailing_characters_after_the_work_factor_do_not_bypass_the_floor() {
    let weak = craft(&labelled(LABEL_USER, &fx().user), PASS, 10);
    for arg in ["10x", "10.0", "10_", "10e0", "10-"] {
        let k = read_user(&with_log_n(&weak, arg));
        assert!(
            matches!(k, K::Malformed | K::WorkFactorTooLow),
            "{arg:?}: {k:?} (scrypt ran at 10 and unwrapped the file key)"
        );
    }
    let f = &fx().user_file;
    for arg in ["1e1", "1_5", "15.0", "15x"] {
        let k = read_user(&with_log_n(f, arg));
        assert!(
            matches!(k, K::Malformed | K::WorkFactorTooLow),
            "{arg:?}: {k:?} (age accepted a non-canonical work factor)"
        );
    }
}

/// The behaviour behind KF-6 as it is today, recorded so a fix shows up: `10x` on a file
/// written at 10 gets through the guard and age's parser and unwraps the file key (only
/// the stale header MAC stops it). Any of the three kinds is a refusal.
#[test]
fn kf6_today_trailing_characters_reach_scrypt() {
    let weak = craft(&labelled(LABEL_USER, &fx().user), PASS, 10);
    let k = read_user(&with_log_n(&weak, "10x"));
    assert!(
        matches!(k, K::HeaderMac | K::Malformed | K::WorkFactorTooLow),
        "{k:?}"
    );
    if k == K::HeaderMac {
        eprintln!("KF-6 still open: `10x` unwrapped the file key at work factor 10");
    }
}
