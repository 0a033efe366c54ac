//! Writes the seed corpus of every fuzz target to `fuzz/corpus/<target>/`: a few small,
//! valid objects produced by the library from the fixed fixture (`src/lib.rs`), so the
//! output is the same on every run. `policy_parse` keeps its hand-written seeds.
//!
//! ```sh
//! cd fuzz && cargo run --example gen_corpus
//! ```

use std::fs;
use std::path::{Path, PathBuf};

use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::seal_stream_with_chunk_size;
use cipherchart::{leaf_hash, MerkleTree};
use cipherchart::{seal, Action, Chain, EntryDraft, Policy};
use cipherchart::{
    seal_with_notice, start_session_with_notice, Attribute, BlsSigningKey, NoticeFields,
    VersionNotice,
};
use cipherchart::{ConsentToken, Grant, Grantee, Narrowing, Window};
use cipherchart::{FileStore, MemoryStore};
use cipherchart::{KeyFile, KeyFileOptions};
use cipherchart_fuzz::{build_fixture, BOB, POLICY_ALICE, POLICY_BOB, POLICY_CAROL};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

type Res<T = ()> = Result<T, Box<dyn std::error::Error>>;

struct Out {
    root: PathBuf,
}

impl Out {
    fn put(&self, target: &str, name: &str, bytes: impl AsRef<[u8]>) -> Res {
        let dir = self.root.join(target);
        fs::create_dir_all(&dir)?;
        fs::write(dir.join(name), bytes)?;
        Ok(())
    }

    /// Replaces a target's seeds (stale ones would linger otherwise).
    fn reset(&self, target: &str) -> Res {
        let dir = self.root.join(target);
        if dir.is_dir() {
            fs::remove_dir_all(&dir)?;
        }
        Ok(())
    }
}

const TARGETS: &[&str] = &[
    "bls_public_key",
    "bls_signature",
    "chain_entry",
    "checkpoint",
    "consent_text",
    "consent_token",
    "consistency_proof",
    "file_store",
    "key_file",
    "master_key",
    "merkle_verify",
    "policy_bytes",
    "proof_file",
    "public_key",
    "reencrypted_record",
    "rekey",
    "seal_open",
    "sealed_record",
    "session_header",
    "session_record",
    "stream",
    "user_key",
    "version_notice",
];

fn main() -> Res {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let out = Out { root };
    for t in TARGETS {
        out.reset(t)?;
    }
    let (f, mut sealer) = build_fixture();
    let pk = f.pk();
    // Objects below draw from their own seeded RNG, after the fixture's.
    let mut rng = ChaCha20Rng::seed_from_u64(2);

    // Policies.
    for (name, text) in [
        ("alice", POLICY_ALICE),
        ("bob", POLICY_BOB),
        ("carol_threshold", POLICY_CAROL),
        ("single", "role:nurse"),
        ("quoted", "\"hospital:charit\u{e9}-berlin\" and \"x y\""),
    ] {
        out.put("policy_bytes", name, Policy::parse(text)?.to_bytes())?;
    }

    // ABE keys.
    out.put("public_key", "pk", pk.to_bytes())?;
    out.put("user_key", "alice", &f.alice.to_bytes()[..])?;
    out.put("user_key", "carol", &f.carol.to_bytes()[..])?;
    out.put("master_key", "export", &f.authority.to_secret_bytes()[..])?;
    // Key files: random salts and file keys (age draws them), so these seeds differ on
    // every run; the replay test checks only that they still read.
    let fast = KeyFileOptions::new().with_work_factor(15)?;
    out.put(
        "key_file",
        "alice",
        f.alice.to_key_file_with("fuzz", &fast)?,
    )?;

    // Records, re-keys and re-encrypted records (0, 1 and 2 hops).
    let alice_policy = Policy::parse(POLICY_ALICE)?;
    let record = seal(
        pk,
        &alice_policy,
        b"rec-1",
        b"ecg",
        b"sinus rhythm",
        &mut rng,
    )?;
    // v2: each grant starts from a one-grant delegation key naming a consent key.
    let rk1 = f
        .authority
        .issue_delegation_key(&["patient:42"], &f.patient.public_key(), &mut rng)?
        .rekey(pk, &Policy::parse(POLICY_BOB)?, &mut rng)?;
    let hop1 = rk1.reencrypt(&record)?;
    let rk2 = f
        .authority
        .issue_delegation_key(BOB, &f.clinician.public_key(), &mut rng)?
        .rekey(pk, &Policy::parse(POLICY_CAROL)?, &mut rng)?;
    let hop2 = rk2.reencrypt(&hop1)?;
    assert_eq!(f.carol.open(pk, &hop2)?, b"sinus rhythm");
    out.put("sealed_record", "plain", record.to_bytes())?;
    out.put("sealed_record", "one_hop", hop1.to_bytes())?;
    out.put("reencrypted_record", "zero_hops", record.to_bytes())?;
    out.put("reencrypted_record", "one_hop", hop1.to_bytes())?;
    out.put("reencrypted_record", "two_hops", hop2.to_bytes())?;
    out.put("rekey", "alice_to_bob", &rk1.to_bytes()[..])?;
    out.put("rekey", "bob_to_carol", &rk2.to_bytes()[..])?;

    // Streams: small chunks, so a seed has several frames.
    for (name, len, chunk) in [
        ("three_chunks", 40usize, 16u32),
        ("empty", 0, 16),
        ("one_chunk", 5, 64),
    ] {
        let payload: Vec<u8> = (0..len as u8).collect();
        let mut sealed = Vec::new();
        seal_stream_with_chunk_size(
            pk,
            &alice_policy,
            b"scan-1",
            b"mri",
            chunk,
            &payload[..],
            &mut sealed,
            &mut rng,
        )?;
        let mut opened = Vec::new();
        f.alice.open_stream(pk, &sealed[..], &mut opened)?;
        assert_eq!(opened, payload);
        out.put("stream", name, sealed)?;
    }

    // Sessions: the fixture's header, records from its sealer.
    out.put("session_header", "fixture", f.session_header.to_bytes())?;
    for (i, (meta, payload)) in [(&b"hr"[..], &b"72 bpm"[..]), (b"spo2", b"98 %"), (b"", b"")]
        .iter()
        .enumerate()
    {
        let r = sealer.seal(meta, payload)?;
        assert_eq!(f.session_opener.open(&r)?, *payload);
        out.put("session_record", &format!("record_{i}"), r.to_bytes())?;
    }

    // BLS.
    let sig = f.patient.sign(b"seed");
    out.put("bls_signature", "raw", sig.to_bytes())?;
    out.put("bls_signature", "object", sig.to_object_bytes())?;
    let bls_pk = f.patient.public_key();
    out.put("bls_public_key", "raw", bls_pk.to_bytes())?;
    out.put("bls_public_key", "object", bls_pk.to_object_bytes())?;

    // Consent tokens: issued (naming a holder), presented, attenuated.
    let grant = Grant::new(
        "patient-42",
        Grantee::Policy(Policy::parse(POLICY_BOB)?),
        Window::new(1_000, 2_000)?,
    )
    .categories(["cardiology"])
    .purposes(["treatment", "research"])
    .holder(f.clinician.public_key());
    let issued = ConsentToken::issue(&f.patient, &grant, &mut rng)?;
    let presented = issued.present(&f.clinician)?;
    let narrowed = issued.attenuate(&f.clinician, &Narrowing::new().purposes(["treatment"]))?;
    for (name, t) in [
        ("issued", &issued),
        ("presented", &presented),
        ("attenuated", &narrowed),
    ] {
        out.put("consent_token", name, t.to_bytes())?;
        out.put("consent_text", name, t.to_text())?;
    }

    // The proof chain: entries, a checkpoint, proofs, a store file.
    let mut chain = Chain::open(MemoryStore::new())?;
    for (i, action) in [Action::Create, Action::Share, Action::Revoke]
        .into_iter()
        .enumerate()
    {
        let draft = EntryDraft::new(
            1_000 + i as u64,
            action,
            format!("rec-{i}").into_bytes(),
            [i as u8; 32],
        )
        .with_metadata(b"m".to_vec());
        chain.sign_and_append(draft, &f.clinician)?;
    }
    out.put("chain_entry", "first", chain.entry(0)?.to_bytes())?;
    out.put("chain_entry", "second", chain.entry(1)?.to_bytes())?;
    let cp = chain.checkpoint(&f.log_key, "example.org/log")?;
    out.put("checkpoint", "note", cp.to_note())?;
    out.put("checkpoint", "binary", cp.to_bytes())?;
    let pf = chain.proof_file(1, &cp)?;
    out.put("proof_file", "binary", pf.to_bytes())?;
    out.put("proof_file", "text", pf.to_text())?;
    out.put("proof_file", "tlog", pf.to_tlog_proof())?;

    let mut tree = MerkleTree::new();
    for i in 0..8u64 {
        tree.push(leaf_hash(&i.to_be_bytes()));
    }
    for (old, new) in [(3u64, 7u64), (4, 8), (1, 2)] {
        out.put(
            "consistency_proof",
            &format!("{old}_{new}"),
            tree.consistency_proof(old, new)?.to_bytes(),
        )?;
    }
    for (index, size) in [(2u64, 7u64), (0, 1), (5, 8)] {
        let mut seed = vec![1, index as u8, size as u8];
        for h in tree.inclusion_proof(index, size)?.path {
            seed.extend_from_slice(&h);
        }
        out.put("merkle_verify", &format!("inclusion_{index}_{size}"), seed)?;
    }
    let mut seed = vec![1, 3, 7];
    for h in tree.consistency_proof(3, 7)?.path {
        seed.extend_from_slice(&h);
    }
    out.put("merkle_verify", "consistency_3_7", seed)?;

    let tmp = std::env::temp_dir().join(format!("cipherchart-gen-corpus-{}", std::process::id()));
    fs::create_dir_all(&tmp)?;
    let store_path = tmp.join("store");
    let _ = fs::remove_file(&store_path);
    let mut file_chain = Chain::open(FileStore::create(&store_path)?)?;
    for i in 0..chain.len() {
        file_chain.append(chain.entry(i)?)?;
    }
    drop(file_chain);
    let bytes = fs::read(&store_path)?;
    out.put("file_store", "three_entries", &bytes)?;
    out.put("file_store", "torn_tail", &bytes[..bytes.len() - 5])?;
    out.put("file_store", "header_only", &bytes[..8])?;
    let mut small = bytes[..8].to_vec();
    for rec in [&b"a"[..], b"bc"] {
        // Opaque records with a wrong checksum: damage, not a torn write.
        small.extend_from_slice(&(rec.len() as u32).to_be_bytes());
        small.extend_from_slice(rec);
        small.extend_from_slice(&[0; 8]);
    }
    out.put("file_store", "damaged", &small)?;
    fs::remove_dir_all(&tmp)?;

    // The structured target: a few byte strings (each maps to some policy and set).
    for i in 0..6 {
        let mut b = vec![0u8; 24];
        rng.fill_bytes(&mut b);
        b[0] = 1 + (i % 2) as u8; // a gate at the root
        out.put("seal_open", &format!("random_{i}"), b)?;
    }

    // Format v3 (revocation): notices, a key at versions, a record sealed under a notice.
    // Their own RNG, so the seeds above do not move.
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let notice_key = BlsSigningKey::generate(&mut rng);
    let t0 = 1_800_000_000;
    let mut notices = Vec::new();
    for (name, serial, bumps, versions) in [
        ("none_bumped", t0, 0u64, vec![]),
        ("one_bump", t0 + 60, 1, vec![("role:nurse", 1u32)]),
        (
            "two_bumps",
            t0 + 120,
            2,
            vec![("role:nurse", 1), ("ward:icu", 2)],
        ),
    ] {
        let fields = NoticeFields {
            authority: pk.id(),
            statement_serial: 0,
            serial,
            issued_at: serial,
            not_after: serial + 3600,
            bump_count: bumps,
            bump_head: if bumps == 0 {
                [0; 32]
            } else {
                [bumps as u8; 32]
            },
            versions: versions
                .iter()
                .map(|(n, v)| Ok((Attribute::new(n)?, *v)))
                .collect::<cipherchart::Result<_>>()?,
        };
        let notice = VersionNotice::sign(&notice_key, &fields)?;
        out.put("version_notice", name, notice.to_bytes())?;
        notices.push(notice.verify(&notice_key.public_key(), serial, None)?);
    }
    let nurse = f
        .authority
        .issue_key_under(&notices[1], &["role:nurse", "ward:icu"], &mut rng)?;
    out.put("user_key", "nurse_v3", &nurse.to_bytes()[..])?;
    let v3 = seal_with_notice(
        pk,
        &notices[2],
        &Policy::parse("role:nurse and ward:icu")?,
        b"rec-v3",
        b"icu",
        b"bp 120/80",
        &mut rng,
    )?;
    out.put("sealed_record", "v3_plain", v3.to_bytes())?;
    // A v3 session (started under a notice) and one of its records.
    let (session, mut sealer) = start_session_with_notice(
        pk,
        &notices[2],
        &Policy::parse("role:nurse")?,
        b"bed-7",
        b"vitals",
        &mut rng,
    )?;
    out.put("session_header", "v3", session.to_bytes())?;
    out.put(
        "session_record",
        "v3",
        sealer.seal(b"hr", b"72 bpm")?.to_bytes(),
    )?;
    // The same session closed and its header re-wrapped with the sealer's trailer (under
    // the same notice): mutations reach the carried trailer.
    let rewrapped = f.authority.rewrap_session(
        &session,
        &sealer.trailer()?,
        &notices[2],
        // Its own RNG, so the seeds drawn after it stay as they were.
        &mut ChaCha20Rng::seed_from_u64(3),
    )?;
    out.put("session_header", "v3_rewrapped", rewrapped.to_bytes())?;
    // Federation: a re-key to another authority and the record it refers there.
    let other = cipherchart::Authority::setup(&mut rng);
    let referral = f
        .authority
        .issue_delegation_key(&["role:nurse"], &notice_key.public_key(), &mut rng)?
        .rekey_to(
            other.public_key(),
            &Policy::parse("role:surgeon")?,
            &mut rng,
        )?;
    out.put("rekey", "cross_authority", &referral.to_bytes()[..])?;
    let plain = seal(
        pk,
        &Policy::parse("role:nurse")?,
        b"rec-fed",
        b"",
        b"referred",
        &mut rng,
    )?;
    out.put(
        "reencrypted_record",
        "cross_authority",
        referral.reencrypt(&plain)?.to_bytes(),
    )?;
    // Format v3 re-encryption: a v3 record under the notice that bumps nothing (the
    // fixture's keys, at version 0, open it), shared to Bob's audience and on to Carol's
    // (the second grant's parent is the first).
    let v3_record = seal_with_notice(
        pk,
        &notices[0],
        &alice_policy,
        b"rec-v3-hops",
        b"ecg",
        b"sinus rhythm",
        &mut rng,
    )?;
    let v3_rk1 = f
        .authority
        .issue_delegation_key_under(
            &notices[0],
            &["patient:42"],
            &f.patient.public_key(),
            &mut rng,
        )?
        .rekey_under(pk, &notices[0], &Policy::parse(POLICY_BOB)?, None, &mut rng)?;
    let v3_hop1 = v3_rk1.reencrypt(&v3_record)?;
    let v3_rk2 = f
        .authority
        .issue_delegation_key_under(&notices[0], BOB, &f.clinician.public_key(), &mut rng)?
        .rekey_under(
            pk,
            &notices[0],
            &Policy::parse(POLICY_CAROL)?,
            v3_hop1.newest_grant(),
            &mut rng,
        )?;
    let v3_hop2 = v3_rk2.reencrypt(&v3_hop1)?;
    assert_eq!(f.carol.open(pk, &v3_hop2)?, b"sinus rhythm");
    out.put("reencrypted_record", "v3_one_hop", v3_hop1.to_bytes())?;
    out.put("reencrypted_record", "v3_two_hops", v3_hop2.to_bytes())?;
    out.put("rekey", "v3_alice_to_bob", &v3_rk1.to_bytes()[..])?;
    out.put("rekey", "v3_bob_to_carol", &v3_rk2.to_bytes()[..])?;

    // A format v3 stream under the notice that bumps nothing, so the fixture's key (every
    // name at version 0) opens it: mutations reach the v3 header and the v3 chunk keys.
    let payload: Vec<u8> = (0..40u8).collect();
    let mut sealed = Vec::new();
    cipherchart::seal_stream_with_notice(
        pk,
        &notices[0],
        &Policy::parse(POLICY_ALICE)?,
        b"scan-v3",
        b"mri",
        16,
        &payload[..],
        &mut sealed,
        &mut rng,
    )?;
    let mut opened = Vec::new();
    f.alice.open_stream(pk, &sealed[..], &mut opened)?;
    assert_eq!(opened, payload);
    // The same stream closed and re-wrapped with its trailer (under the same notice, so the
    // fixture's key still opens it): mutations reach the carried trailer and the root check.
    let trailer = cipherchart::stream_trailer(&sealed[..])?;
    let mut rewrapped = Vec::new();
    f.authority
        .rewrap_stream(&sealed[..], &trailer, &notices[0], &mut rewrapped, &mut rng)?;
    let mut opened = Vec::new();
    f.alice.open_stream(pk, &rewrapped[..], &mut opened)?;
    assert_eq!(opened, payload);
    out.put("stream", "v3_three_chunks", sealed)?;
    out.put("stream", "v3_rewrapped", rewrapped)?;
    Ok(())
}
