//! The chain's file store over arbitrary file contents (written to a scratch file on
//! tmpfs). No panic in `FileStore::open_read_only`, `FileStore::open` (which recovers
//! a torn tail) or `Chain::open` over it. Properties:
//! - the read-only and the recovering open agree on the records kept;
//! - the kept prefix is exactly what a fresh store holding those records would write
//!   (decode → encode is the identity on the kept bytes);
//! - every kept record could have been appended (non-empty, ≤ `MAX_RECORD_LEN`);
//! - after recovery the file is the kept prefix, and the dropped bytes were saved.
#![no_main]

use std::fs;

use cipherchart::Chain;
use cipherchart::{limits::MAX_RECORD_LEN, FileStore, Store};
use cipherchart_fuzz::{all_records, scratch_dir};
use libfuzzer_sys::fuzz_target;

fn clean(dir: &std::path::Path) {
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            let _ = fs::remove_file(e.path());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let dir = scratch_dir();
    clean(dir);
    let path = dir.join("store");
    fs::write(&path, data).expect("write scratch file");

    let ro = FileStore::open_read_only(&path);
    let ro_records = ro
        .as_ref()
        .ok()
        .map(|s| all_records(s).expect("read-only records read back"));
    let rw = FileStore::open(&path);
    assert_eq!(
        ro.is_ok(),
        rw.is_ok(),
        "read-only and recovering open agree: {ro:?} / {rw:?}"
    );
    let (Ok(ro), Ok(rw)) = (ro, rw) else {
        // A file that is not a store is never modified.
        assert_eq!(fs::read(&path).expect("read back"), data);
        return;
    };
    let records = all_records(&rw).expect("records read back");
    assert_eq!(Some(&records), ro_records.as_ref());
    assert_eq!(rw.len(), records.len() as u64);
    for r in &records {
        assert!(
            !r.is_empty() && r.len() <= MAX_RECORD_LEN,
            "a loaded record could not be appended"
        );
    }
    let rec = rw.recovery().clone();
    assert_eq!(rec.records, records.len() as u64);
    if data.len() >= 8 {
        assert_eq!(ro.recovery().kept_bytes, rec.kept_bytes);
        assert_eq!(rec.kept_bytes + rec.dropped_bytes, data.len() as u64);
        let kept = &data[..rec.kept_bytes as usize];
        assert_eq!(
            fs::read(&path).expect("read back"),
            kept,
            "recovery truncates to the kept prefix"
        );
        if rec.dropped_bytes > 0 {
            let saved = rec.saved_to.as_ref().expect("dropped bytes are saved");
            assert_eq!(fs::read(saved).expect("saved"), &data[kept.len()..]);
        }
        // Re-encode: a fresh store with the same records is byte-identical.
        let fresh_path = dir.join("fresh");
        let mut fresh = FileStore::create(&fresh_path).expect("create");
        for r in &records {
            fresh.append(r).expect("append");
        }
        drop(fresh);
        assert_eq!(
            fs::read(&fresh_path).expect("read fresh"),
            kept,
            "encode(decode(file)) == kept prefix"
        );
    }
    drop(ro);
    let _ = Chain::open(rw);
});
