//! The clinic demo: a patient's chart sealed with CP-ABE, and a delegation of the
//! cardiology records to another hospital through an untrusted cloud proxy.
//!
//! ```text
//! cargo run --release --example clinic
//! ```
//!
//! The story, one function per step:
//! 1. `setup`: one attribute authority for hospitals h1 and h2 issues keys.
//! 2. `seal_chart`: h1 seals patient 42's records under
//!    `patient:42 or (hospital:h1 and role:physician)` and stores them in the cloud.
//! 3. `delegate_cardiology`: the patient makes a re-encryption key (a "re-key") to
//!    h2's cardiologists and a consent token that names it (cardiology, treatment,
//!    90 days), signed with the patient's BLS key, and hands both to the cloud.
//! 4. `Cloud::share`: the cloud proxy, holding nothing but bytes, verifies the consent
//!    and re-encrypts the cardiology records it permits.
//! 5. `who_reads_what`: every key tries every record; refusals print their error code.
//! 6. `audit`: every manipulation above was logged in the proof chain; the log signs a
//!    checkpoint and hands out a receipt that anyone verifies offline.

use std::error::Error as StdError;

use cipherchart::{reencrypt_with_consent, ConsentToken, Grant, Grantee, RevocationSet, Window};
use cipherchart::{seal, Authority, Policy, PublicKey, ReKey, SealedRecord, UserKey};
use cipherchart::{BlsPublicKey, BlsSigningKey};
use cipherchart::{Chain, Entry as LogEntry, EntryDraft, MemoryStore, ProofFile};
use rand_core::OsRng;
use zeroize::Zeroizing;

type Result<T, E = Box<dyn StdError>> = core::result::Result<T, E>;

/// Who may open the chart as sealed: the patient, or any physician of hospital h1.
const CHART_POLICY: &str = "patient:42 or (hospital:h1 and role:physician)";
/// Who the patient shares cardiology with: physicians of h2's cardiology department.
/// It must not be satisfiable by the proxy's own key (`role:proxy`).
const SHARE_POLICY: &str = "hospital:h2 and dept:cardiology and role:physician";
/// The public category the patient chose to share.
const SHARED_CATEGORY: &str = "cardiology";
/// What the patient consents to: use for treatment.
const PURPOSE: &str = "treatment";
/// "Now" in the story (2026-03-10T09:00:00Z) and the consent's length.
const NOW: u64 = 1_773_133_200;
const CONSENT_DAYS: u64 = 90;

/// One entry of the chart. The id and the category are public (the cloud indexes and
/// selects by them); the content is the encrypted payload.
struct Entry {
    id: &'static str,
    category: &'static str,
    short: &'static str,
    content: &'static str,
}

const CHART: [Entry; 4] = [
    Entry {
        id: "p42/2026-03-02/ecg",
        category: "cardiology",
        short: "ecg",
        content:
            "12-lead ECG: sinus rhythm 68 bpm, PR 160 ms, QRS 92 ms, QTc 412 ms, no ST changes.",
    },
    Entry {
        id: "p42/2026-03-05/echo",
        category: "cardiology",
        short: "echo",
        content: "Echocardiogram: LVEF 58 %, mild mitral regurgitation, normal wall motion.",
    },
    Entry {
        id: "p42/2026-03-02/lab",
        category: "laboratory",
        short: "lab",
        content: "HbA1c 6.1 %, LDL 3.4 mmol/L, creatinine 82 µmol/L.",
    },
    Entry {
        id: "p42/2026-02-20/cxr",
        category: "radiology",
        short: "x-ray",
        content: "Chest X-ray PA/lateral: clear lungs, normal cardiac silhouette.",
    },
];

/// A key holder, and what the demo expects them to open: (originals, shared copies).
struct Person {
    name: &'static str,
    key: UserKey,
    expect: (bool, bool),
}

/// The people of the story.
struct People {
    patient: Person,
    h1_physician: Person,
    h2_cardiologist: Person,
    h2_nurse: Person,
    proxy: Person,
}

impl People {
    fn all(&self) -> [&Person; 5] {
        [
            &self.patient,
            &self.h1_physician,
            &self.h2_cardiologist,
            &self.h2_nurse,
            &self.proxy,
        ]
    }
}

fn main() -> Result<()> {
    println!("cipherchart · clinic: sealed records and proxy re-encryption");
    println!("════════════════════════════════════════════════════════════");

    let (authority, people) = setup()?;
    let pk = authority.public_key();

    // The patient's BLS key signs consent; the cloud trusts its public half. Hospital
    // h1 signs what it stores (its audit-log identity).
    let patient_sig = BlsSigningKey::generate(&mut OsRng);
    let h1_sig = BlsSigningKey::generate(&mut OsRng);
    let mut cloud = Cloud::new(patient_sig.public_key())?;
    seal_chart(pk, &mut cloud, &h1_sig)?;

    let (rekey, consent) = delegate_cardiology(&authority, &patient_sig)?;
    // The patient logs the grant itself, so the audit trail shows who consented.
    let token = ConsentToken::from_text(&consent)?;
    cloud.log(token.grant_entry(NOW), &patient_sig)?;
    cloud.install_grant(rekey, consent);

    let shared = cloud.share(SHARED_CATEGORY, PURPOSE, NOW + 3600)?;

    who_reads_what(pk, &people, &cloud.records, &shared)?;
    audit(&cloud)?;
    Ok(())
}

/// Step 6. The cloud's proof chain holds a signed entry for every manipulation: each
/// record h1 stored, the patient's consent grant, each re-encryption. The log signs a
/// checkpoint (what a ledger anchors) and issues a receipt for the last entry: a
/// patient or auditor verifies it offline with only the log's public key.
fn audit(cloud: &Cloud) -> Result<()> {
    step(6, "The audit trail");
    cloud.log.verify_all(None, &mut OsRng)?;
    for i in 0..cloud.log.len() {
        let entry = cloud.log.entry(i)?;
        println!(
            "   #{i:<2} {:<11} {}",
            entry.action(),
            short_subject(entry.subject())
        );
    }
    let checkpoint = cloud.log.checkpoint(&cloud.log_key, LOG_ORIGIN)?;
    explain(&format!(
        "all {} entry signatures, links and the Merkle root verified; checkpoint signed",
        cloud.log.len()
    ));
    let last = cloud.log.len() - 1;
    let receipt = cloud.log.proof_file(last, &checkpoint)?.to_text();
    size_line(
        "receipt",
        receipt.len(),
        "checkpoint + entry + audit path, base64url (QR-sized)",
    );
    // Offline: only the receipt text and the log's public key.
    let entry = ProofFile::from_text(&receipt)?
        .verify(&cloud.log_key.public_key())?
        .clone();
    explain(&format!(
        "receipt verified offline: entry #{} {} of {}",
        entry.sequence(),
        entry.action(),
        short_subject(entry.subject())
    ));
    Ok(())
}

/// The log's origin line in its checkpoints.
const LOG_ORIGIN: &str = "cloud.example/clinic-log";

/// A record id as text, or a short hex prefix for binary subjects (revocation ids).
fn short_subject(subject: &[u8]) -> String {
    match core::str::from_utf8(subject) {
        Ok(s) if !s.is_empty() && s.chars().all(|c| !c.is_control()) => s.to_string(),
        _ => hex(subject),
    }
}

/// Step 1. One authority serves both hospitals (a regional health network): keys from
/// one authority are what make a record sealed at h1 readable at h2 at all.
fn setup() -> Result<(Authority, People)> {
    step(1, "Setup: the health network's attribute authority");
    let authority = Authority::setup(&mut OsRng);
    let pk = authority.public_key();
    explain("The public key lets anyone seal; the master key only issues user keys.");
    size_line("public key", pk.to_bytes().len(), "");

    let issue = |name, attributes: &[&str], expect| -> Result<Person> {
        let key = authority.issue_key(attributes, &mut OsRng)?;
        size_line(
            &format!("key of {name}"),
            key.to_bytes().len(),
            &attributes.join(", "),
        );
        Ok(Person { name, key, expect })
    };
    let people = People {
        patient: issue("patient 42", &["patient:42"], (true, true))?,
        h1_physician: issue(
            "physician at h1",
            &["hospital:h1", "role:physician", "dept:internal"],
            (true, true),
        )?,
        h2_cardiologist: issue(
            "cardiologist at h2",
            &["hospital:h2", "dept:cardiology", "role:physician"],
            (false, true),
        )?,
        h2_nurse: issue(
            "nurse at h2",
            &["hospital:h2", "dept:cardiology", "role:nurse"],
            (false, false),
        )?,
        proxy: issue("cloud proxy", &["role:proxy"], (false, false))?,
    };
    explain("A key is 432 B of group elements plus 144 B per attribute (and framing).");
    Ok((authority, people))
}

/// Step 2. h1's record system seals each entry under the chart policy. Sealing needs
/// only the public key; the id and category stay readable and are authenticated, so
/// the cloud can index them but not alter them.
fn seal_chart(pk: &PublicKey, cloud: &mut Cloud, h1: &BlsSigningKey) -> Result<()> {
    step(2, "Hospital h1 seals patient 42's chart");
    let policy = Policy::parse(CHART_POLICY)?;
    explain(&format!("policy  {CHART_POLICY}"));
    for entry in &CHART {
        let metadata = format!("category={}", entry.category);
        let record = seal(
            pk,
            &policy,
            entry.id.as_bytes(),
            metadata.as_bytes(),
            entry.content.as_bytes(),
            &mut OsRng,
        )?;
        let bytes = record.to_bytes();
        println!(
            "   sealed  {:<21} {:<11} {:>2} B of text → {:>5} B",
            entry.id,
            entry.category,
            entry.content.len(),
            thousands(bytes.len())
        );
        cloud.log(LogEntry::for_seal(&record, NOW), h1)?;
        cloud.store(bytes);
    }
    explain("Per record: the policy text, a KEM header (320 B + 144 B per policy row),");
    explain("the public id and category, the text and a 16 B tag.");
    Ok(())
}

/// Step 3. The patient delegates what `patient:42` opens to h2's cardiologists.
/// The re-key is the patient's key restricted to `S' = {patient:42}` and blinded,
/// plus a capsule under the target policy: the cloud can use it to transform records
/// but cannot open anything with it. Because it transforms *every* record
/// `patient:42` opens, the patient also signs a consent token saying what the cloud
/// may actually share: cardiology, for treatment, for 90 days, with this re-key only.
fn delegate_cardiology(
    authority: &Authority,
    patient_sig: &BlsSigningKey,
) -> Result<(Zeroizing<Vec<u8>>, String)> {
    step(3, "Patient 42 delegates cardiology to h2's cardiologists");
    let to = Policy::parse(SHARE_POLICY)?;
    // A one-grant delegation key for S' = {patient:42}, naming the patient's consent
    // key: only tokens it signs gate the re-key.
    let delegation =
        authority.issue_delegation_key(&["patient:42"], &patient_sig.public_key(), &mut OsRng)?;
    let rekey = delegation.rekey(authority.public_key(), &to, &mut OsRng)?;
    explain(&format!(
        "issue_delegation_key(S' = {{patient:42}}) → rekey(P' = {to})"
    ));
    let bytes = rekey.to_bytes();
    size_line(
        "re-key",
        bytes.len(),
        &format!("grant id {}", hex(&rekey.grant_id())),
    );
    let grant = Grant::new(
        "patient-42",
        Grantee::Policy(to),
        Window::new(NOW, NOW + CONSENT_DAYS * 86_400)?,
    )
    .categories([SHARED_CATEGORY])
    .purposes([PURPOSE])
    .rekey(&rekey);
    let token = ConsentToken::issue(patient_sig, &grant, &mut OsRng)?;
    let text = token.to_text();
    size_line(
        "consent token",
        token.to_bytes().len(),
        &format!("{SHARED_CATEGORY}, {PURPOSE}, {CONSENT_DAYS} days, this re-key"),
    );
    explain(&format!(
        "({} characters as base64url text, QR-code sized)",
        text.len()
    ));
    explain(
        "Only these bytes go to the cloud; the patient's key never leaves the patient's device.",
    );
    Ok((bytes, text))
}

/// The cloud: stores sealed records, re-keys and consent tokens, all as bytes, and
/// runs the proxy. It has no key that opens anything and never sees a plaintext.
struct Cloud {
    /// The patient's BLS public key: whose consent the cloud honours.
    patient: BlsPublicKey,
    records: Vec<Vec<u8>>,
    /// (re-key, consent token text) pairs.
    grants: Vec<(Zeroizing<Vec<u8>>, String)>,
    /// Revoked consents (the proof chain's, in a deployment: `RevocationSet::from_chain`).
    revoked: RevocationSet,
    /// The proof chain (a `FileStore` in a deployment: crash-safe, fsynced).
    log: Chain<MemoryStore>,
    /// The log's key, which signs checkpoints.
    log_key: BlsSigningKey,
    /// The cloud's own actor key, which signs the re-encryptions it performs.
    key: BlsSigningKey,
}

impl Cloud {
    fn new(patient: BlsPublicKey) -> Result<Self> {
        Ok(Self {
            patient,
            records: Vec::new(),
            grants: Vec::new(),
            revoked: RevocationSet::new(),
            log: Chain::open(MemoryStore::new())?,
            log_key: BlsSigningKey::generate(&mut OsRng),
            key: BlsSigningKey::generate(&mut OsRng),
        })
    }

    /// Appends a signed entry to the proof chain.
    fn log(&mut self, draft: EntryDraft, actor: &BlsSigningKey) -> Result<()> {
        self.log.sign_and_append(draft, actor)?;
        Ok(())
    }

    fn store(&mut self, record: Vec<u8>) {
        self.records.push(record);
    }

    fn install_grant(&mut self, rekey: Zeroizing<Vec<u8>>, consent: String) {
        self.grants.push((rekey, consent));
    }

    /// Step 4. Re-encrypts, under every installed grant, the stored records of one
    /// public category. The selection is the proxy's duty, not the cryptography's: a
    /// re-key transforms every record its attributes open (here the whole chart), which
    /// is why `S'` should be minimal and why consent is checked first: the proxy only
    /// re-encrypts through `reencrypt_with_consent`, which takes a `VerifiedConsent`.
    fn share(&mut self, category: &str, purpose: &str, now: u64) -> Result<Vec<Vec<u8>>> {
        step(
            4,
            "The cloud proxy verifies the consent and re-encrypts the cardiology records",
        );
        let mut shared = Vec::new();
        let mut log = Vec::new();
        for (grant, consent) in &self.grants {
            // Decoding validates every group element of the re-key.
            let rekey = ReKey::from_bytes(grant)?;
            // Signature, window and revocations; the re-key must be the one it names.
            let token = ConsentToken::from_text(consent)?;
            let consent = token.verify(&self.patient, now, &self.revoked)?;
            explain(&format!(
                "consent of {} verified: {:?} for {:?}",
                consent.subject(),
                consent.scope().categories,
                consent.purposes()
            ));
            for bytes in &self.records {
                let record = SealedRecord::from_bytes(bytes)?;
                let id = text(record.record_id());
                let found = category_of(&record);
                if found != Some(category) {
                    println!(
                        "   skip    {id:<21} {:<11} not in the consent's scope",
                        found.unwrap_or("?")
                    );
                    continue;
                }
                let out_record =
                    reencrypt_with_consent(&consent, &rekey, &record, category, purpose)?;
                log.push(LogEntry::for_reencrypt(&out_record, rekey.grant_id(), now));
                let out = out_record.to_bytes();
                println!(
                    "   re-enc  {id:<21} {category:<11} {:>5} B → {:>5} B (+{} B)",
                    thousands(bytes.len()),
                    thousands(out.len()),
                    thousands(out.len().saturating_sub(bytes.len()))
                );
                shared.push(out);
            }
        }
        for draft in log {
            // Disjoint fields: the chain is mutated, the cloud's key only read.
            self.log.sign_and_append(draft, &self.key)?;
        }
        explain("A re-encrypted record keeps its original layer and gains one hop:");
        explain("R = Z^(1/z) in GT (576 B) and a capsule under P'. Only keys satisfying P'");
        explain("recover z from the capsule; without it R tells the proxy nothing.");
        explain("Trust: the proxy and a delegatee colluding could rebuild the patient's");
        explain("key for S' = {patient:42}; see the `pre` module docs.");
        Ok(shared)
    }
}

/// Step 5. Every key tries every record: the originals as stored at h1, and the
/// re-encrypted copies delivered to h2. Any outcome other than the expected one
/// aborts the demo with an error.
fn who_reads_what(
    pk: &PublicKey,
    people: &People,
    originals: &[Vec<u8>],
    shared: &[Vec<u8>],
) -> Result<()> {
    step(5, "Who reads what");
    let originals = decode_all(originals)?;
    let shared = decode_all(shared)?;
    let mut header = format!("   {:<22}", "");
    for record in originals.iter().chain(&shared) {
        header.push_str(&format!(" {:>6}", short_name(record)));
    }
    let groups = format!("   {:<22}{:^28}{:^14}", "", "originals", "shared → h2");
    println!("{}", groups.trim_end());
    println!("{header}");
    let mut refusals: Vec<&'static str> = Vec::new();
    for person in people.all() {
        let mut line = format!("   {:<22}", person.name);
        let groups = [(&originals, person.expect.0), (&shared, person.expect.1)];
        for (records, expected) in groups {
            for record in records.iter() {
                let opened = match person.key.open(pk, record) {
                    Ok(plaintext) => {
                        check_content(record, &plaintext)?;
                        true
                    }
                    Err(e) => {
                        refusals.push(e.code());
                        false
                    }
                };
                if opened != expected {
                    return Err(format!(
                        "{} {} {}: unexpected",
                        person.name,
                        if opened { "opened" } else { "could not open" },
                        text(record.record_id())
                    )
                    .into());
                }
                line.push_str(if opened { "      ✓" } else { "      ✗" });
            }
        }
        println!("{line}");
    }
    refusals.sort_unstable();
    refusals.dedup();
    explain(&format!(
        "✗ = error code {}, checked before any pairing.",
        refusals.join(", ")
    ));
    explain("The nurse misses role:physician; the proxy's role:proxy satisfies neither");
    explain("policy; h2's cardiologist opens only the copies re-encrypted for P'.");

    let reader = &people.h2_cardiologist;
    println!("\n   {} reads:", reader.name);
    for record in &shared {
        let plaintext = reader.key.open(pk, record)?;
        println!("   · {}", String::from_utf8(plaintext)?);
    }
    Ok(())
}

fn decode_all(stored: &[Vec<u8>]) -> Result<Vec<SealedRecord>> {
    Ok(stored
        .iter()
        .map(|b| SealedRecord::from_bytes(b))
        .collect::<Result<_, _>>()?)
}

/// The public category from a record's metadata (`category=…`).
fn category_of(record: &SealedRecord) -> Option<&str> {
    std::str::from_utf8(record.metadata())
        .ok()?
        .strip_prefix("category=")
}

/// The chart entry a record was sealed from, found by its public id.
fn entry_of(record: &SealedRecord) -> Option<&'static Entry> {
    CHART.iter().find(|e| e.id.as_bytes() == record.record_id())
}

fn short_name(record: &SealedRecord) -> &'static str {
    entry_of(record).map_or("?", |e| e.short)
}

/// An opened record must give back exactly what was sealed.
fn check_content(record: &SealedRecord, plaintext: &[u8]) -> Result<()> {
    match entry_of(record) {
        Some(e) if e.content.as_bytes() == plaintext => Ok(()),
        _ => Err("an opened record differs from what was sealed".into()),
    }
}

fn step(n: u32, title: &str) {
    println!("\n{n}. {title}");
}

fn explain(line: &str) {
    println!("   {line}");
}

fn size_line(what: &str, bytes: usize, detail: &str) {
    let line = format!("   {what:<26} {:>6} B   {detail}", thousands(bytes));
    println!("{}", line.trim_end());
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        + "…"
}

/// `1048576` → `1,048,576`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
