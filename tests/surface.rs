//! The Rust column of `bindings/surface.txt`, the one list of the public surface in Rust,
//! Python and JavaScript (the bindings' tests check their columns against the same file).
//!
//! Every Rust path of the list is imported below: a path that does not exist or is not public
//! does not compile. The tests then check that the list and these imports are the same set,
//! that the crate-root types are in `src/lib.rs`'s `pub use` list, that the limits are
//! `limits::ALL` (names and order), that the error rows are `Error::CODES`, and the naming
//! rule between the columns.

use std::collections::BTreeSet;

use cipherchart::{limits, Error};

/// Imports each path (compile-time check) and lists it.
macro_rules! paths {
    ($($($seg:ident)::+),* $(,)?) => {
        $(
            #[allow(unused_imports)]
            use cipherchart::$($seg)::+ as _;
        )*
        const PATHS: &[&str] = &[$(stringify!($($seg)::+)),*];
    };
}

paths!(
    Policy,
    PublicKey,
    Authority,
    UserKey,
    SealedRecord,
    ReKey,
    DelegationKey,
    GrantRef,
    StreamInfo,
    Trailer,
    TrailerKind,
    SessionHeader,
    SessionRecord,
    SessionSealer,
    SessionOpener,
    BlsSigningKey,
    BlsPublicKey,
    BlsSignature,
    UnvalidatedPublicKey,
    UnvalidatedSignature,
    Grant,
    Narrowing,
    ConsentToken,
    VerifiedConsent,
    RevocationSet,
    Selection,
    Scope,
    Window,
    Chain,
    EntryDraft,
    Entry,
    Checkpoint,
    ProofFile,
    InclusionProof,
    ConsistencyProof,
    NoteSignature,
    MerkleTree,
    KeyFileOptions,
    Recovery,
    VersionNotice,
    VerifiedNotice,
    NoticeFields,
    seal,
    seal_with_notice,
    seal_stream,
    seal_stream_with_notice,
    start_session,
    start_session_with_notice,
    read_stream_info,
    stream_trailer,
    session_trailer,
    prove_session_record,
    prove_session_records,
    SplitSession,
    rekey_digest,
    check_rekey,
    reencrypt_with_consent,
    reencrypt_batch_with_consent,
    reencrypt_with_consent_under,
    reencrypt_batch_with_consent_under,
    leaf_hash,
    node_hash,
    verify_inclusion,
    verify_consistency,
    key_id,
    fast_aggregate_verify,
    aggregate_verify,
    batch_verify,
    batch_find_invalid,
    limits::MAX_POLICY_LEAVES,
    limits::MAX_POLICY_DEPTH,
    limits::MAX_POLICY_TEXT_LEN,
    limits::MAX_ATTRIBUTE_LEN,
    limits::MAX_GATE_CHILDREN,
    limits::MAX_POLICY_COST,
    limits::MAX_KEY_ATTRIBUTES,
    limits::MAX_RECORD_ID_LEN,
    limits::MAX_METADATA_LEN,
    limits::MAX_PAYLOAD_LEN,
    limits::MAX_HOPS,
    limits::MAX_RECORD_OPEN_COST,
    limits::DEFAULT_CHUNK_SIZE,
    limits::MAX_CHUNK_SIZE,
    limits::MAX_TOKEN_LEN,
    limits::MAX_BLOCKS,
    limits::MAX_LIST_LEN,
    limits::MAX_LABEL_LEN,
    limits::MAX_CONSENT_SUBJECT_LEN,
    limits::MAX_ENTRY_SUBJECT_LEN,
    limits::MAX_ENTRY_METADATA_LEN,
    limits::MAX_RECORD_LEN,
    limits::MAX_NOTE_LEN,
    limits::MAX_NOTE_SIGNATURES,
    limits::MAX_PROOF_HASHES,
    limits::MIN_IKM_LEN,
    limits::KEY_FILE_WORK_FACTOR,
    limits::MIN_KEY_FILE_WORK_FACTOR,
    limits::MAX_KEY_FILE_WORK_FACTOR,
    limits::MAX_KEY_FILE_LEN,
    EMPTY_ROOT,
    GENESIS,
);

/// One row of the list.
struct Row {
    kind: String,
    rust: String,
    python: String,
    js: String,
}

fn rows() -> Vec<Row> {
    let text = include_str!("../bindings/surface.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(c.len(), 5, "five columns: {l}");
            assert!(c[4] == "y" || c[4] == "n", "verify column: {l}");
            Row {
                kind: c[0].to_owned(),
                rust: c[1].to_owned(),
                python: c[2].to_owned(),
                js: c[3].to_owned(),
            }
        })
        .collect()
}

fn last(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    for (i, part) in snake.split('_').enumerate() {
        let mut chars = part.chars();
        match (i, chars.next()) {
            (0, Some(c)) => out.push(c),
            (_, Some(c)) => out.extend(c.to_uppercase()),
            (_, None) => {}
        }
        out.extend(chars);
    }
    out
}

#[test]
fn the_list_names_exactly_the_imported_paths() {
    let listed: BTreeSet<String> = rows()
        .into_iter()
        .filter(|r| r.kind != "error" && r.rust != "-")
        .map(|r| r.rust)
        .collect();
    let imported: BTreeSet<String> = PATHS.iter().map(|p| p.replace(' ', "")).collect();
    assert_eq!(listed, imported);
}

#[test]
fn every_row_has_one_path_in_the_pub_use_list() {
    // One path per item: a type, function or constant is at the crate root, through
    // src/lib.rs's one `pub use` list (every module is private); only the bounds live in
    // the public `limits` module.
    let lib = include_str!("../src/lib.rs");
    let mut exported = BTreeSet::new();
    for stmt in lib.split(';') {
        let Some(start) = stmt.find("pub use ") else {
            continue;
        };
        let stmt = &stmt[start + "pub use ".len()..];
        for item in stmt.split([',', '{', '}']) {
            let item = item.trim();
            assert!(!item.contains(" as "), "renamed at the root: {item}");
            exported.insert(last(item).to_owned());
        }
    }
    assert!(
        !lib.lines()
            .any(|l| l.starts_with("pub mod ")
                && !matches!(l, "pub mod limits;" | "pub mod hazmat;")),
        "a public module besides limits and hazmat"
    );
    for r in rows() {
        if r.kind == "error" || r.rust == "-" || r.rust.starts_with("limits::") {
            continue;
        }
        assert!(!r.rust.contains("::"), "{}: not at the crate root", r.rust);
        assert!(
            exported.contains(&r.rust),
            "{} is not in src/lib.rs's pub use list",
            r.rust
        );
    }
}

#[test]
fn limits_are_the_core_table() {
    let listed: Vec<String> = rows()
        .into_iter()
        .filter(|r| r.rust.starts_with("limits::"))
        .map(|r| last(&r.rust).to_owned())
        .collect();
    let table: Vec<&str> = limits::ALL.iter().map(|l| l.name).collect();
    assert_eq!(listed, table);
}

#[test]
fn errors_are_the_core_codes() {
    let codes: Vec<String> = rows()
        .into_iter()
        .filter(|r| r.kind == "error" && r.rust != "Error" && r.rust != "Error::CODES")
        .map(|r| r.rust)
        .collect();
    assert_eq!(codes, Error::CODES);
}

#[test]
fn one_name_per_concept() {
    let mut seen = BTreeSet::new();
    for r in rows() {
        // A row with no Python name (`-`) is a Rust-only concept: no JavaScript name either.
        if r.python == "-" {
            assert_eq!(
                r.js, "-",
                "{}: a JavaScript name without a Python one",
                r.rust
            );
            assert_ne!(r.rust, "-", "a row with no name in any language");
            continue;
        }
        assert!(seen.insert(r.python.clone()), "{} listed twice", r.python);
        let expected_js = match r.kind.as_str() {
            "type" | "const" => {
                if r.rust != "-" {
                    assert_eq!(r.python, last(&r.rust), "{}", r.rust);
                }
                r.python.clone()
            }
            "fn" => {
                if r.rust != "-" {
                    assert_eq!(r.python, last(&r.rust), "{}", r.rust);
                }
                camel(&r.python)
            }
            "error" => r.python.clone(),
            other => panic!("unknown kind {other}"),
        };
        if r.js != "-" {
            assert_eq!(r.js, expected_js, "{}", r.python);
        }
    }
}
