//! BCES audit: hospitals seal and re-encrypt records, every manipulation is logged in
//! the proof chain; later a rogue insider rewrites one entry, and an auditor holding
//! only anchored checkpoints and receipts finds exactly which one.
//!
//! ```text
//! cargo run --release --example audit
//! ```
//!
//! 1. Hospital h1's EHR seals records (CP-ABE), a cloud proxy re-encrypts one to
//!    hospital h2, staff read records; each step is an entry signed by its actor, and
//!    the actor (or the patient) keeps the receipt (a proof file).
//! 2. Every 3 entries the log signs a checkpoint that a public ledger anchors.
//! 3. Nurse Eve snooped on a VIP's record. Later, with write access to the log file and
//!    the stolen log key, she rewrites her own entry to name a harmless record, re-signs
//!    it with her key and has the log serve a new tree and checkpoint.
//! 4. The log's own loader refuses the file (the next entry no longer links), so Eve
//!    serves a recomputed tree. The auditor brackets the change with consistency proofs
//!    from the anchored checkpoints, then compares the receipts in that range with what
//!    the log serves now: exactly one differs.

use std::error::Error as StdError;

use cipherchart::MerkleTree;
use cipherchart::{seal, Authority, Policy};
use cipherchart::{Action, Chain, Checkpoint, Entry, EntryDraft, FileStore, ProofFile, Store};
use cipherchart::{BlsPublicKey, BlsSigningKey};
use rand_core::OsRng;

type Result<T, E = Box<dyn StdError>> = core::result::Result<T, E>;

const ORIGIN: &str = "h1.example/ehr-audit-log";
const VIP_RECORD: &str = "rec-vip-0001";

fn main() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("cc-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("audit.log");
    let outcome = run(&path);
    std::fs::remove_dir_all(&dir)?;
    outcome
}

fn run(path: &std::path::Path) -> Result<()> {
    let mut rng = OsRng;
    let authority = Authority::setup(&mut rng);
    let log_key = BlsSigningKey::generate(&mut rng);
    let ehr = BlsSigningKey::generate(&mut rng); // h1's records system
    let proxy = BlsSigningKey::generate(&mut rng); // the cloud proxy
    let dr_bob = BlsSigningKey::generate(&mut rng);
    let eve = BlsSigningKey::generate(&mut rng);
    let names = [
        (ehr.public_key(), "h1-ehr"),
        (proxy.public_key(), "proxy"),
        (dr_bob.public_key(), "dr-bob"),
        (eve.public_key(), "nurse-eve"),
    ];
    let who = |k: &BlsPublicKey| names.iter().find(|(p, _)| p == k).map_or("?", |(_, n)| *n);

    println!("== 1. every manipulation is logged ==");
    let mut chain = Chain::open(FileStore::create(path)?)?;
    let mut ledger: Vec<Checkpoint> = Vec::new(); // anchored checkpoints
    let mut receipts: Vec<ProofFile> = Vec::new(); // what actors and patients kept
    let policy = Policy::parse("patient:p1 or (hospital:h1 and role:physician)")?;
    let mut records = Vec::new();
    for (i, id) in ["rec-0042", VIP_RECORD, "rec-0043", "rec-0044"]
        .iter()
        .enumerate()
    {
        let sealed = seal(
            authority.public_key(),
            &policy,
            id.as_bytes(),
            b"category=cardiology",
            format!("chart {i}").as_bytes(),
            &mut rng,
        )?;
        log(
            &mut chain,
            Entry::for_seal(&sealed, 1_790_000_000 + i as u64),
            &ehr,
            &log_key,
            &mut ledger,
            &mut receipts,
        )?;
        records.push(sealed);
    }
    // The patient of rec-0042 shares it with hospital h2's cardiologists via the proxy.
    // The authority issues a one-grant delegation key naming the patient's consent key.
    let owner_consent = BlsSigningKey::generate(&mut rng);
    let delegation =
        authority.issue_delegation_key(&["patient:p1"], &owner_consent.public_key(), &mut rng)?;
    let rk = delegation.rekey(
        authority.public_key(),
        &Policy::parse("hospital:h2 and dept:cardiology")?,
        &mut rng,
    )?;
    let moved = rk.reencrypt(&records[0])?;
    log(
        &mut chain,
        Entry::for_reencrypt(&moved, rk.grant_id(), 1_790_000_100),
        &proxy,
        &log_key,
        &mut ledger,
        &mut receipts,
    )?;
    // A read is logged with the digest of the exact record bytes that were served.
    let read = |r: &cipherchart::SealedRecord, t: u64| {
        let mut d = Entry::for_seal(r, t);
        d.action = Action::Read;
        d.with_metadata("ward=3")
    };
    let (r42, vip, r43, r44) = (&records[0], &records[1], &records[2], &records[3]);
    log(
        &mut chain,
        read(r43, 1_790_000_200),
        &dr_bob,
        &log_key,
        &mut ledger,
        &mut receipts,
    )?;
    log(
        &mut chain,
        read(vip, 1_790_000_300),
        &eve,
        &log_key,
        &mut ledger,
        &mut receipts,
    )?; // snooping
    log(
        &mut chain,
        read(r44, 1_790_000_400),
        &dr_bob,
        &log_key,
        &mut ledger,
        &mut receipts,
    )?;
    log(
        &mut chain,
        read(r42, 1_790_000_500),
        &dr_bob,
        &log_key,
        &mut ledger,
        &mut receipts,
    )?;
    log(
        &mut chain,
        read(r43, 1_790_000_600),
        &eve,
        &log_key,
        &mut ledger,
        &mut receipts,
    )?;
    for i in 0..chain.len() {
        let e = chain.entry(i)?;
        println!(
            "  #{i:<2} {:<10} {:<10} {}",
            who(e.actor()),
            e.action(),
            String::from_utf8_lossy(e.subject())
        );
    }
    println!(
        "  ledger anchors checkpoints at sizes {:?}",
        ledger.iter().map(Checkpoint::size).collect::<Vec<_>>()
    );
    let log_pk = log_key.public_key();
    chain.verify_all(ledger.last().map(|cp| (cp, &log_pk)), &mut rng)?;
    let n = chain.len();
    drop(chain);

    println!("\n== 2. Eve rewrites her snooping entry ==");
    let store = FileStore::open(path)?;
    let mut entries: Vec<Entry> = (0..store.len())
        .map(|i| Ok(Entry::from_bytes(&store.get(i)?)?))
        .collect::<Result<_>>()?;
    drop(store);
    let k = entries
        .iter()
        .position(|e| e.subject() == VIP_RECORD.as_bytes() && e.action() == Action::Read)
        .ok_or("no snooping entry")?;
    let old = &entries[k];
    // The forgery names a harmless record, with that record's digest, re-signed by Eve.
    let forged = read(&records[3], old.time()).sign(k as u64, *old.prev(), &eve)?;
    entries[k] = forged;
    std::fs::remove_file(path)?;
    let mut rewritten = FileStore::create(path)?;
    for e in &entries {
        rewritten.append(&e.to_bytes())?;
    }
    drop(rewritten);
    println!(
        "  entry #{k} now says: {} read rec-0044",
        who(entries[k].actor())
    );
    match Chain::open(FileStore::open(path)?) {
        Err(e) => println!("  the log's loader refuses the file: {e}"),
        Ok(_) => println!("  the log's loader accepted the file?!"),
    }
    // Eve serves a tree over the rewritten entries and signs it with the stolen key.
    let mut served_tree = MerkleTree::new();
    entries.iter().for_each(|e| {
        served_tree.push(e.leaf_hash());
    });
    let served_cp = Checkpoint::sign(ORIGIN, n, served_tree.root(), &log_key)?;
    println!(
        "  Eve publishes a validly signed checkpoint of size {}",
        served_cp.size()
    );

    println!("\n== 3. the auditor: anchored checkpoints + receipts only ==");
    served_cp.verify(&log_pk)?;
    // Bracket the change: consistency from each anchored checkpoint to the served one.
    let mut lo = 0;
    let mut hi = n;
    for cp in &ledger {
        cp.verify(&log_pk)?;
        let proof = served_tree.consistency_proof(cp.size(), served_cp.size())?;
        let ok = proof.verify(cp.root(), served_cp.root()).is_ok();
        println!(
            "  anchored size {:>2}: consistency {}",
            cp.size(),
            if ok { "ok" } else { "FAILS" }
        );
        if ok {
            lo = lo.max(cp.size());
        } else {
            hi = hi.min(cp.size());
        }
    }
    println!("  the change is among entries #{lo}..#{}", hi - 1);
    // Compare each receipt in that range (verified offline) with what the log serves.
    for r in receipts
        .iter()
        .filter(|r| (lo..hi).contains(&r.entry().sequence()))
    {
        let kept = r.verify(&log_pk)?;
        let i = kept.sequence();
        let served = &entries[i as usize];
        if served.to_bytes() == kept.to_bytes() {
            println!("  #{i}: receipt matches the log");
        } else {
            println!(
                "  #{i}: CHANGED. receipt (checkpoint size {}): {} {} {}; log now: {} {} {}",
                r.checkpoint().size(),
                who(kept.actor()),
                kept.action(),
                String::from_utf8_lossy(kept.subject()),
                who(served.actor()),
                served.action(),
                String::from_utf8_lossy(served.subject()),
            );
        }
    }
    Ok(())
}

/// Appends a draft signed by `actor`, hands back its receipt, and every 3 entries
/// anchors a checkpoint on the ledger.
fn log(
    chain: &mut Chain<FileStore>,
    draft: EntryDraft,
    actor: &BlsSigningKey,
    log_key: &BlsSigningKey,
    ledger: &mut Vec<Checkpoint>,
    receipts: &mut Vec<ProofFile>,
) -> Result<()> {
    let index = chain.sign_and_append(draft, actor)?;
    let cp = chain.checkpoint(log_key, ORIGIN)?;
    receipts.push(chain.proof_file(index, &cp)?);
    if chain.len().is_multiple_of(3) {
        ledger.push(cp);
    }
    Ok(())
}
