//! NAIBHSC supply chain: a vaccine lot moves manufacturer → distributor → pharmacy, each
//! handler logs a signed custody event (temperature, humidity, location) in the proof
//! chain and prints a QR-ready receipt that anyone verifies offline; a counterfeit lot
//! with a forged event is rejected.
//!
//! ```text
//! cargo run --release --example supply_chain
//! ```
//!
//! Who holds what:
//! - the consortium runs the log (a `FileStore` on disk) and signs checkpoints with its
//!   log key, whose public half is printed on every package insert;
//! - each handler has a BLS key registered with the consortium (public keys listed);
//! - a pharmacist or a patient scanning a QR code has only the receipt text, the log's
//!   public key and the registry of handler keys: no network.

use std::error::Error as StdError;

use cipherchart::{Action, Chain, EntryDraft, FileStore, ProofFile};
use cipherchart::{BlsPublicKey, BlsSigningKey};
use rand_core::OsRng;

type Result<T, E = Box<dyn StdError>> = core::result::Result<T, E>;

const ORIGIN: &str = "naibhsc.example/custody-log";
const LOT: &str = "LOT-2026-0042 mRNA-1273 x 500";
/// Largest binary payload of a version-40 QR code (low error correction).
const QR_BYTES: usize = 2953;

/// A handler registered with the consortium.
struct Handler {
    name: &'static str,
    key: BlsSigningKey,
}

/// One custody event as a handler's sensors and scanner report it.
struct Reading {
    time: u64,
    action: Action,
    temp_c: f32,
    humidity: u8,
    location: &'static str,
}

impl Reading {
    /// The public, signed metadata of the entry (also what the digest covers).
    fn text(&self) -> String {
        format!(
            "temp_c={:.1};humidity={};location={}",
            self.temp_c, self.humidity, self.location
        )
    }
}

fn main() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("cc-supply-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let log_key = BlsSigningKey::generate(&mut OsRng);
    let handlers = [
        Handler {
            name: "manufacturer",
            key: BlsSigningKey::generate(&mut OsRng),
        },
        Handler {
            name: "distributor",
            key: BlsSigningKey::generate(&mut OsRng),
        },
        Handler {
            name: "pharmacy",
            key: BlsSigningKey::generate(&mut OsRng),
        },
    ];
    let registry: Vec<(&str, BlsPublicKey)> = handlers
        .iter()
        .map(|h| (h.name, h.key.public_key()))
        .collect();

    println!("== the lot travels; every handler logs and gets a receipt ==");
    let mut chain = Chain::open(FileStore::create(dir.join("custody.log"))?)?;
    let trip: [(usize, Reading); 5] = [
        (
            0,
            Reading {
                time: 1_790_000_000,
                action: Action::Create,
                temp_c: -20.0,
                humidity: 35,
                location: "plant Norwood MA",
            },
        ),
        (
            0,
            Reading {
                time: 1_790_003_600,
                action: Action::Custody,
                temp_c: -19.5,
                humidity: 36,
                location: "dock 4 handover",
            },
        ),
        (
            1,
            Reading {
                time: 1_790_050_000,
                action: Action::Custody,
                temp_c: 4.1,
                humidity: 41,
                location: "truck I-95 mile 112",
            },
        ),
        (
            1,
            Reading {
                time: 1_790_090_000,
                action: Action::Custody,
                temp_c: 4.4,
                humidity: 43,
                location: "hub Newark NJ",
            },
        ),
        (
            2,
            Reading {
                time: 1_790_140_000,
                action: Action::Custody,
                temp_c: 3.9,
                humidity: 40,
                location: "pharmacy Brooklyn NY",
            },
        ),
    ];
    let mut receipts = Vec::new();
    let mut first_checkpoint = None;
    for (who, reading) in &trip {
        let h = &handlers[*who];
        let draft =
            EntryDraft::for_payload(reading.time, reading.action, LOT, reading.text().as_bytes())
                .with_metadata(reading.text());
        let index = chain.sign_and_append(draft, &h.key)?;
        let checkpoint = chain.checkpoint(&log_key, ORIGIN)?;
        first_checkpoint.get_or_insert_with(|| checkpoint.clone());
        let receipt = chain.proof_file(index, &checkpoint)?.to_text();
        println!(
            "{:<12} #{index} {:<8} {}  receipt {} chars{}",
            h.name,
            reading.action,
            reading.text(),
            receipt.len(),
            if receipt.len() <= QR_BYTES {
                " (fits one QR code)"
            } else {
                ""
            }
        );
        receipts.push(receipt);
    }
    println!(
        "\nlast receipt, as printed in the QR code:\n{}\n",
        receipts[4]
    );

    println!("== a patient's phone verifies every receipt offline ==");
    for text in &receipts {
        let (who, entry) = verify_receipt(text, &log_key.public_key(), &registry)?;
        println!(
            "ok  #{} {who:<12} {:<8} {}",
            entry.sequence(),
            entry.action(),
            String::from_utf8_lossy(entry.metadata())
        );
    }
    // The log only grew since the first handover: a consistency proof.
    let first = first_checkpoint.ok_or("no checkpoint")?;
    let latest = chain.checkpoint(&log_key, ORIGIN)?;
    chain
        .prove_consistency(first.size())?
        .verify(first.root(), latest.root())?;
    println!(
        "ok  log at size {} extends the log at size {}",
        latest.size(),
        first.size()
    );

    println!("\n== counterfeits ==");
    // 1. A forger logs a fake "manufactured" event for a counterfeit lot in a log of
    //    their own, signed by their own key and their own log key.
    let forger = BlsSigningKey::generate(&mut OsRng);
    let forger_log = BlsSigningKey::generate(&mut OsRng);
    let mut fake = Chain::open(cipherchart::MemoryStore::new())?;
    let fake_reading = Reading {
        time: 1_790_000_100,
        action: Action::Create,
        temp_c: -20.0,
        humidity: 35,
        location: "plant Norwood MA",
    };
    let i = fake.sign_and_append(
        EntryDraft::for_payload(
            fake_reading.time,
            Action::Create,
            "LOT-2026-0042-X mRNA-1273 x 500",
            fake_reading.text().as_bytes(),
        )
        .with_metadata(fake_reading.text()),
        &forger,
    )?;
    let fake_receipt = fake
        .proof_file(i, &fake.checkpoint(&forger_log, ORIGIN)?)?
        .to_text();
    report(
        "counterfeit lot, forged log",
        verify_receipt(&fake_receipt, &log_key.public_key(), &registry),
    );
    // 2. The same with the real log key stolen: the entry's actor is not a registered handler.
    let i = chain.sign_and_append(
        EntryDraft::for_payload(
            fake_reading.time,
            Action::Create,
            "LOT-2026-0042-X mRNA-1273 x 500",
            fake_reading.text().as_bytes(),
        )
        .with_metadata(fake_reading.text()),
        &forger,
    )?;
    let stolen = chain
        .proof_file(i, &chain.checkpoint(&log_key, ORIGIN)?)?
        .to_text();
    report(
        "counterfeit lot, unregistered actor",
        verify_receipt(&stolen, &log_key.public_key(), &registry),
    );
    // 3. A genuine receipt whose temperature was edited (a cold-chain breach hidden).
    let mut edited = ProofFile::from_text(&receipts[2])?.to_bytes();
    let needle = b"temp_c=4.1";
    let at = edited
        .windows(needle.len())
        .position(|w| w == needle)
        .ok_or("no reading")?;
    edited[at + 7] = b'3';
    let edited = cipherchart::ProofFile::from_bytes(&edited)?.to_text();
    report(
        "genuine receipt, edited temperature",
        verify_receipt(&edited, &log_key.public_key(), &registry),
    );
    // 4. A receipt cut short while scanning.
    report(
        "truncated scan",
        verify_receipt(
            &receipts[4][..receipts[4].len() - 9],
            &log_key.public_key(),
            &registry,
        ),
    );

    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// What a scanner does: decode, verify against the log key, and check that the actor is
/// a registered handler. Returns the handler's name and the verified entry.
fn verify_receipt<'r>(
    text: &str,
    log_key: &BlsPublicKey,
    registry: &'r [(&'r str, BlsPublicKey)],
) -> Result<(&'r str, cipherchart::Entry)> {
    let receipt = ProofFile::from_text(text)?;
    let entry = receipt.verify(log_key)?.clone();
    let who = registry
        .iter()
        .find(|(_, k)| k == entry.actor())
        .map(|(name, _)| *name)
        .ok_or("the event was signed by an unregistered key")?;
    Ok((who, entry))
}

fn report(what: &str, outcome: Result<(&str, cipherchart::Entry)>) {
    match outcome {
        Ok((who, e)) => println!("ACCEPTED?! {what}: #{} by {who}", e.sequence()),
        Err(e) => println!("rejected  {what}: {e}"),
    }
}
