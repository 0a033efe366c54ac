//! Crash safety of the file store: torn tails at every byte offset, random damage, a
//! writer killed mid-append, read-only readers, foreign files.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)] // a failed test aborts

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cipherchart::{ChainError, ChainErrorKind};
use cipherchart::{EncodingError, Error};
use cipherchart::{FileStore, MemoryStore, Store};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

const HEADER: usize = 8;
const OVERHEAD: usize = 12;

/// A fresh scratch directory in the system's temp dir, removed when dropped.
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One test at a time in this file. Three tests spawn a child process, and a child
/// briefly holds copies of every open file descriptor of this process (from the fork until
/// its exec closes them): a `FileStore` another test thread dropped meanwhile would still
/// hold its lock in the child, and that test's immediate reopen would see `Locked`.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("cc-chain-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

/// The deterministic content of record `i` (lengths vary from 1 to 700 bytes).
fn record(i: u64) -> Vec<u8> {
    let len = 1 + (i as usize * 37) % 700;
    (0..len).map(|j| (i as usize * 31 + j * 7) as u8).collect()
}

/// Builds a store of `n` records and returns the file bytes and record end offsets.
fn build(path: &Path, n: u64) -> (Vec<u8>, Vec<usize>) {
    let mut s = FileStore::create(path).unwrap();
    let mut ends = Vec::new();
    let mut end = HEADER;
    for i in 0..n {
        s.append(&record(i)).unwrap();
        end += record(i).len() + OVERHEAD;
        ends.push(end);
    }
    drop(s);
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(bytes.len(), end);
    (bytes, ends)
}

fn assert_records(s: &FileStore, n: u64) {
    assert_eq!(s.len(), n);
    for i in 0..n {
        assert_eq!(s.get(i).unwrap(), record(i), "record {i}");
    }
    let mut seen = 0;
    s.scan(&mut |i, r| {
        assert_eq!(r, record(i));
        seen += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, n);
}

#[test]
fn round_trip_and_reopen() {
    let _serial = serial();
    let dir = scratch("roundtrip");
    let path = dir.join("log");
    build(&path, 30);
    let mut s = FileStore::open(&path).unwrap();
    assert!(s.recovery().is_clean());
    assert_eq!(s.recovery().records, 30);
    assert_records(&s, 30);
    s.append(&record(30)).unwrap();
    drop(s);
    assert_records(&FileStore::open(&path).unwrap(), 31);
    assert!(matches!(
        FileStore::create(&path),
        Err(Error::Io(e)) if e == std::io::ErrorKind::AlreadyExists
    ));
    assert!(matches!(
        FileStore::open(dir.join("none")),
        Err(Error::Io(e)) if e == std::io::ErrorKind::NotFound
    ));
    let s = FileStore::open_or_create(dir.join("new")).unwrap();
    assert!(s.is_empty() && s.recovery().is_clean());
    assert!(matches!(s.get(0), Err(Error::InvalidArgument(_))));
}

#[test]
fn records_are_bounded() {
    let _serial = serial();
    let dir = scratch("bounds");
    let mut f = FileStore::create(dir.join("log")).unwrap();
    let mut m = MemoryStore::new();
    for s in [&mut f as &mut dyn Store, &mut m] {
        assert!(matches!(s.append(b""), Err(Error::InvalidArgument(_))));
        assert!(matches!(
            s.append(&vec![0; cipherchart::limits::MAX_RECORD_LEN + 1]),
            Err(Error::InvalidArgument(_))
        ));
        s.append(&vec![7; cipherchart::limits::MAX_RECORD_LEN])
            .unwrap();
        assert_eq!(s.len(), 1);
    }
}

/// Cutting the file at every byte offset of its last entries (and of its header) keeps
/// exactly the complete records, saves the rest beside the file and truncates it.
#[test]
fn torn_tail_at_every_offset() {
    let _serial = serial();
    let dir = scratch("torn");
    let (bytes, ends) = build(&dir.join("full"), 12);
    let first_cut = ends[ends.len() - 4]; // the last three records and a bit
    let cuts = (0..=HEADER).chain(first_cut..=bytes.len());
    for cut in cuts {
        let path = dir.join(format!("cut-{cut}"));
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let complete = ends.iter().filter(|&&e| e <= cut).count();
        let kept = if cut < HEADER {
            HEADER
        } else {
            ends.get(complete.wrapping_sub(1))
                .copied()
                .unwrap_or(HEADER)
        };
        let s = FileStore::open(&path).unwrap();
        let rec = s.recovery().clone();
        assert_eq!(rec.records, complete as u64, "cut {cut}");
        assert_eq!(rec.kept_bytes, kept as u64, "cut {cut}");
        let dropped = cut.saturating_sub(kept);
        assert_eq!(rec.dropped_bytes, dropped as u64, "cut {cut}");
        assert!(!rec.damaged, "a cut is never damage (cut {cut})");
        assert_records(&s, complete as u64);
        match &rec.saved_to {
            Some(p) => assert_eq!(std::fs::read(p).unwrap(), &bytes[kept..cut], "cut {cut}"),
            None => assert_eq!(dropped, 0, "cut {cut}"),
        }
        drop(s);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), kept as u64);
        // The recovered store takes appends and reopens clean.
        let mut s = FileStore::open(&path).unwrap();
        assert!(s.recovery().is_clean());
        s.append(&record(complete as u64)).unwrap();
        drop(s);
        assert_records(&FileStore::open(&path).unwrap(), complete as u64 + 1);
    }
}

/// A byte changed anywhere after the header loses exactly the record holding it and
/// everything after it (kept aside in the side file); never a damaged record.
#[test]
fn random_damage() {
    let _serial = serial();
    let dir = scratch("damage");
    let (bytes, ends) = build(&dir.join("full"), 40);
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    for trial in 0..300 {
        let pos = rng.gen_range(HEADER..bytes.len());
        let mut damaged = bytes.clone();
        damaged[pos] ^= rng.gen_range(1..=255u8);
        let path = dir.join(format!("trial-{trial}"));
        std::fs::write(&path, &damaged).unwrap();
        let hit = ends.iter().position(|&e| pos < e).unwrap();
        let s = FileStore::open(&path).unwrap();
        assert_eq!(s.recovery().records, hit as u64, "byte {pos}");
        let kept = if hit == 0 { HEADER } else { ends[hit - 1] };
        assert_eq!(s.recovery().dropped_bytes, (bytes.len() - kept) as u64);
        assert_records(&s, hit as u64);
        let saved = std::fs::read(s.recovery().saved_to.as_ref().unwrap()).unwrap();
        assert_eq!(saved, &damaged[kept..]);
    }
}

#[test]
fn damaged_header_is_refused_and_left_alone() {
    let _serial = serial();
    let dir = scratch("header");
    let (bytes, _) = build(&dir.join("full"), 3);
    for pos in 0..HEADER {
        let mut b = bytes.clone();
        b[pos] ^= 0x40;
        let path = dir.join(format!("h-{pos}"));
        std::fs::write(&path, &b).unwrap();
        let want = if pos == 7 {
            EncodingError::UnsupportedVersion
        } else {
            EncodingError::WrongType
        };
        assert_eq!(
            FileStore::open(&path).unwrap_err(),
            Error::InvalidEncoding(want)
        );
        assert_eq!(
            FileStore::open_read_only(&path).unwrap_err(),
            Error::InvalidEncoding(want)
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b,
            "a foreign file is never modified"
        );
    }
    let path = dir.join("short-foreign");
    std::fs::write(&path, b"CCX").unwrap();
    assert_eq!(
        FileStore::open(&path).unwrap_err(),
        Error::InvalidEncoding(EncodingError::WrongType)
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"CCX");
}

/// A reader opened read-only never sees a partial record and never modifies the file.
#[test]
fn read_only_reader_ignores_a_record_being_written() {
    let _serial = serial();
    let dir = scratch("reader");
    let path = dir.join("log");
    let (bytes, ends) = build(&path, 5);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    // Half of the next record, as a writer in the middle of an append leaves it.
    f.write_all(&[0, 0, 1, 0, 9, 9, 9]).unwrap();
    drop(f);
    let r = FileStore::open_read_only(&path).unwrap();
    assert_records(&r, 5);
    assert_eq!(r.recovery().dropped_bytes, 7);
    assert_eq!(r.recovery().saved_to, None);
    assert_eq!(
        std::fs::metadata(&path).unwrap().len() as usize,
        ends[4] + 7
    );
    let mut r = r;
    assert_eq!(
        r.append(b"x"),
        Err(Error::Chain(ChainError {
            index: 5,
            kind: ChainErrorKind::Store
        }))
    );
    assert_eq!(&std::fs::read(&path).unwrap()[..bytes.len()], &bytes[..]);
}

/// Damage after opening is caught when the record is read back.
#[test]
fn damage_after_open_is_caught_on_read() {
    let _serial = serial();
    let dir = scratch("late");
    let path = dir.join("log");
    let (mut bytes, ends) = build(&path, 6);
    let s = FileStore::open(&path).unwrap();
    bytes[ends[2] + 6] ^= 1; // inside record 3
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(s.get(2).unwrap(), record(2));
    let err = Error::Chain(ChainError {
        index: 3,
        kind: ChainErrorKind::Store,
    });
    assert_eq!(s.get(3), Err(err.clone()));
    assert_eq!(s.scan(&mut |_, _| Ok(())), Err(err));
    // A truncated file too.
    std::fs::write(&path, &bytes[..ends[1]]).unwrap();
    assert_eq!(
        s.get(4),
        Err(Error::Chain(ChainError {
            index: 4,
            kind: ChainErrorKind::Store
        }))
    );
}

const CHILD_ENV: &str = "CIPHERCHART_STORE_CHILD";

/// Not a test by itself: the child process of `killed_writer_loses_nothing_acknowledged`
/// (does nothing unless the parent set the environment variable).
#[test]
fn child_writer() {
    let _serial = serial();
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut s = FileStore::open_or_create(&path).unwrap();
    let mut out = std::io::stdout().lock();
    loop {
        let i = s.len();
        // Large records make it likely that the kill lands inside a write.
        let mut r = record(i);
        r.resize(20_000 + (i as usize % 7) * 3_000, i as u8);
        s.append(&r).unwrap();
        writeln!(out, "ack {i}").unwrap();
        out.flush().unwrap();
    }
}

fn expected_child_record(i: u64) -> Vec<u8> {
    let mut r = record(i);
    r.resize(20_000 + (i as usize % 7) * 3_000, i as u8);
    r
}

/// A writer process killed with SIGKILL at random moments loses no record it
/// acknowledged, and the store reopens to exactly complete records.
#[test]
fn killed_writer_loses_nothing_acknowledged() {
    let _serial = serial();
    let dir = scratch("kill");
    let path = dir.join("log");
    let mut acked: Option<u64> = None;
    for round in 0..4u64 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                &crate::common::test_path(module_path!(), "child_writer"),
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let target = 20 + round * 7;
        let mut seen = 0;
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(n) = line.strip_prefix("ack ") {
                acked = Some(n.parse().unwrap());
                seen += 1;
                if seen == target {
                    break;
                }
            }
        }
        child.kill().unwrap();
        // Acknowledgements already printed before the kill count too.
        for line in lines {
            if let Some(n) = line.unwrap().strip_prefix("ack ") {
                acked = Some(n.parse().unwrap());
            }
        }
        child.wait().unwrap();
        let last = acked.expect("the child acknowledged appends");
        let s = FileStore::open(&path).unwrap();
        assert!(
            s.len() > last,
            "round {round}: acknowledged record {last} lost ({} kept)",
            s.len()
        );
        for i in 0..s.len() {
            assert_eq!(s.get(i).unwrap(), expected_child_record(i), "record {i}");
        }
    }
}

const CHAIN_CHILD_ENV: &str = "CIPHERCHART_CHAIN_CHILD";

fn chain_draft(i: u64) -> cipherchart::EntryDraft {
    cipherchart::EntryDraft::for_payload(
        1_700_000_000 + i,
        cipherchart::Action::Custody,
        format!("lot-{}", i % 3),
        &i.to_be_bytes(),
    )
}

/// Not a test by itself: the child of `killed_chain_writer_loses_nothing_acknowledged`.
#[test]
fn chain_child_writer() {
    let _serial = serial();
    let Ok(path) = std::env::var(CHAIN_CHILD_ENV) else {
        return;
    };
    let actor = cipherchart::BlsSigningKey::from_ikm(&[5; 32], b"").unwrap();
    let mut chain = cipherchart::Chain::open(FileStore::open_or_create(&path).unwrap()).unwrap();
    let mut out = std::io::stdout().lock();
    loop {
        let i = chain.len();
        chain.sign_and_append(chain_draft(i), &actor).unwrap();
        writeln!(out, "ack {i}").unwrap();
        out.flush().unwrap();
    }
}

/// The same at the chain level: after each kill the chain reopens, every acknowledged
/// entry is there, and the whole chain verifies (links and signatures).
#[test]
fn killed_chain_writer_loses_nothing_acknowledged() {
    let _serial = serial();
    let dir = scratch("chain-kill");
    let path = dir.join("log");
    let mut acked = None;
    for round in 0..3u64 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                &crate::common::test_path(module_path!(), "chain_child_writer"),
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHAIN_CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        for line in lines.by_ref() {
            if let Some(n) = line.unwrap().strip_prefix("ack ") {
                acked = Some(n.parse::<u64>().unwrap());
                seen += 1;
                if seen == 15 + round * 5 {
                    break;
                }
            }
        }
        child.kill().unwrap();
        for line in lines {
            if let Some(n) = line.unwrap().strip_prefix("ack ") {
                acked = Some(n.parse().unwrap());
            }
        }
        child.wait().unwrap();
        let last = acked.unwrap();
        let chain = cipherchart::Chain::open(FileStore::open(&path).unwrap()).unwrap();
        assert!(chain.len() > last, "round {round}: entry {last} lost");
        chain
            .verify_all(None, &mut ChaCha20Rng::seed_from_u64(round))
            .unwrap();
        for i in 0..chain.len() {
            assert_eq!(
                chain.entry(i).unwrap().digest(),
                chain_draft(i).digest.as_slice()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One writer per file (issue 23): a second writer used to open the same file, append at the
// index the first had just used, and overwrite an acknowledged record without any error.

const SECOND_WRITER_ENV: &str = "CIPHERCHART_SECOND_WRITER";

/// Not a test by itself: the second writer of `second_writer_in_another_process_is_refused`.
/// Prints `refused <kind>` if it cannot open the store for writing, else `appended <index>`.
#[test]
fn second_writer_child() {
    let _serial = serial();
    let Ok(path) = std::env::var(SECOND_WRITER_ENV) else {
        return;
    };
    let actor = cipherchart::BlsSigningKey::from_ikm(&[6; 32], b"").unwrap();
    let outcome = cipherchart::Chain::open_file(&path).and_then(|mut chain| {
        let i = chain.len();
        chain.sign_and_append(chain_draft(i), &actor)
    });
    match outcome {
        Ok(i) => println!("appended {i}"),
        Err(Error::Chain(e)) => println!("refused {:?}", e.kind),
        Err(e) => println!("failed {e:?}"),
    }
}

/// A writer in another process is refused while this one holds the file; every entry this
/// process acknowledged is still there and the chain verifies. (On the code before the lock,
/// the child appended entry 1 too and the file kept only one of the two.)
#[test]
fn second_writer_in_another_process_is_refused() {
    let _serial = serial();
    let dir = scratch("second-writer");
    let path = dir.join("log");
    let actor = cipherchart::BlsSigningKey::from_ikm(&[5; 32], b"").unwrap();
    let mut chain = cipherchart::Chain::open_file(&path).unwrap();
    chain.sign_and_append(chain_draft(0), &actor).unwrap();
    let run_child = || {
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                &crate::common::test_path(module_path!(), "second_writer_child"),
                "--nocapture",
                "--test-threads=1",
            ])
            .env(SECOND_WRITER_ENV, &path)
            .stderr(Stdio::null())
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let child = run_child();
    assert!(
        child.contains("refused Locked"),
        "the second writer was not refused: {child}"
    );
    assert_eq!(chain.sign_and_append(chain_draft(1), &actor).unwrap(), 1);
    drop(chain);
    let chain = cipherchart::Chain::open_file(&path).unwrap();
    assert_eq!(chain.len(), 2);
    assert!(chain.store().recovery().is_clean());
    chain
        .verify_all(None, &mut ChaCha20Rng::seed_from_u64(1))
        .unwrap();
    for i in 0..2 {
        assert_eq!(
            chain.entry(i).unwrap().digest(),
            chain_draft(i).digest.as_slice()
        );
    }
    // Once the writer is gone, the next one may open the file.
    drop(chain);
    let child = run_child();
    assert!(child.contains("appended 2"), "{child}");
}

/// In one process too: a second `FileStore` (or `Chain::open_file`) on a file that has a
/// writer is refused with `ChainErrorKind::Locked`, and `create` of an existing file is
/// still `AlreadyExists`. A reader (`open_read_only`) is never refused.
#[test]
fn second_writer_in_this_process_is_refused() {
    let _serial = serial();
    let dir = scratch("second-writer-local");
    let path = dir.join("log");
    let mut first = FileStore::create(&path).unwrap();
    first.append(b"one").unwrap();
    for second in [FileStore::open(&path), FileStore::open_or_create(&path)] {
        assert_eq!(
            second.unwrap_err(),
            Error::Chain(ChainError {
                index: 0,
                kind: ChainErrorKind::Locked
            })
        );
    }
    assert!(matches!(
        cipherchart::Chain::open_file(&path),
        Err(Error::Chain(ChainError {
            kind: ChainErrorKind::Locked,
            ..
        }))
    ));
    let reader = FileStore::open_read_only(&path).unwrap();
    assert_eq!(reader.get(0).unwrap(), b"one");
    first.append(b"two").unwrap();
    drop(first);
    let s = FileStore::open(&path).unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s.get(1).unwrap(), b"two");
}

/// A writer that ignores the lock (another program, an old version, a network file system
/// without locks) grows the file: the next append sees the file is not the length this
/// store last wrote, refuses with `ChainErrorKind::FileChanged` and writes nothing.
#[test]
fn append_refused_when_the_file_changed_underneath() {
    let _serial = serial();
    let dir = scratch("file-changed");
    let path = dir.join("log");
    let mut s = FileStore::create(&path).unwrap();
    s.append(b"one").unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut foreign = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    foreign.write_all(b"foreign bytes").unwrap();
    drop(foreign);
    let after_foreign = std::fs::read(&path).unwrap();
    assert_eq!(
        s.append(b"two").unwrap_err(),
        Error::Chain(ChainError {
            index: 1,
            kind: ChainErrorKind::FileChanged
        })
    );
    assert_eq!(s.len(), 1);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        after_foreign,
        "nothing written"
    );
    // Shrunk underneath (truncated by someone else): refused too.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(before.len() as u64 - 2)
        .unwrap();
    assert!(matches!(
        s.append(b"two"),
        Err(Error::Chain(ChainError {
            kind: ChainErrorKind::FileChanged,
            ..
        }))
    ));
}
