//! Federation: two hospitals, each its own attribute authority. Patient 42 of St. Mary's
//! (hospital A) is referred to the cardiologists of Riverside Heart (hospital B): a
//! cross-authority re-key, gated by the patient's consent, lets A's proxy transform the
//! cardiology records so that B's cardiologists open them with B's keys alone. Both
//! hospitals log their side in their own proof chain, and an auditor joins the two.
//!
//! ```text
//! cargo run --release --example federation
//! ```
//!
//! The story, one function per step:
//! 1. `Hospital::new`: two authorities, two chains; the patient's consent key.
//! 2. `seal_chart`: A seals patient 42's chart.
//! 3. `refer`: the patient makes a re-key toward B's cardiologists and a consent token
//!    naming it; A logs the grant.
//! 4. `proxy_transforms`: A's proxy checks the consent and re-encrypts what it permits;
//!    A logs each transformation.
//! 5. `b_receives_and_reads`: B logs what it received; its cardiologist opens with B's key
//!    and the two public keys; others are refused.
//! 6. `audit`: both chains verify, and every referral A logged is one B logged.
//! 7. `revoke`: the patient revokes at A; the proxy refuses the next referral.

use std::error::Error as StdError;

use cipherchart::{reencrypt_with_consent, ConsentToken, Grant, Grantee, RevocationSet, Window};
use cipherchart::{seal, Authority, BlsSigningKey, Policy, ReKey, SealedRecord};
use cipherchart::{Action, Chain, Entry, EntryDraft, MemoryStore};
use rand_core::OsRng;

type Result<T, E = Box<dyn StdError>> = core::result::Result<T, E>;

const DAY: u64 = 86_400;
/// "Now" in the story: 2027-01-15T08:00:00Z.
const NOW: u64 = 1_800_000_000;
const CHART_POLICY: &str = "patient:42 or (role:physician and dept:cardiology)";
/// The audience at hospital B: B's own attribute names, under B's authority.
const RIVERSIDE_CARDIOLOGY: &str = "role:physician and dept:cardiology";

/// Patient 42's chart at A: (record id, public category, content).
const CHART: [(&str, &str, &str); 3] = [
    (
        "p42/ecg",
        "cardiology",
        "12-lead ECG: atrial fibrillation, 112 bpm.",
    ),
    (
        "p42/echo",
        "cardiology",
        "Echocardiogram: LVEF 41 %, dilated left atrium.",
    ),
    (
        "p42/psych",
        "psychiatry",
        "Psychiatric assessment (not for referral).",
    ),
];

/// One hospital: its authority (key service) and its proof chain.
struct Hospital {
    name: &'static str,
    authority: Authority,
    chain: Chain<MemoryStore>,
    /// Signs the hospital's chain entries (its records office or proxy).
    office: BlsSigningKey,
}

impl Hospital {
    fn new(name: &'static str) -> Result<Self> {
        Ok(Self {
            name,
            authority: Authority::setup(&mut OsRng),
            chain: Chain::open(MemoryStore::new())?,
            office: BlsSigningKey::generate(&mut OsRng),
        })
    }
}

fn main() -> Result<()> {
    println!("cipherchart · federation: a referral from St. Mary's to Riverside Heart");
    println!("═══════════════════════════════════════════════════════════════════════");
    step(1, "Two hospitals, two authorities, two proof chains");
    let mut a = Hospital::new("St. Mary's")?;
    let mut b = Hospital::new("Riverside Heart")?;
    let patient = BlsSigningKey::generate(&mut OsRng);
    for h in [&a, &b] {
        explain(&format!(
            "{:<16} authority id {}…",
            h.name,
            hex8(&h.authority.public_key().id())
        ));
    }

    let chart = seal_chart(&a)?;
    let (rekey, token) = refer(&mut a, &b, &patient)?;
    let referred = proxy_transforms(&mut a, &patient, &rekey, &token, &chart)?;
    b_receives_and_reads(&a, &mut b, &referred, &rekey)?;
    audit(&a, &b)?;
    revoke(&mut a, &patient, &rekey, &token, &chart)?;
    Ok(())
}

/// Step 2.
fn seal_chart(a: &Hospital) -> Result<Vec<SealedRecord>> {
    step(
        2,
        "St. Mary's seals patient 42's chart under its own authority",
    );
    let policy = Policy::parse(CHART_POLICY)?;
    CHART
        .iter()
        .map(|(id, category, content)| {
            println!("   sealed  {id:<10} {category}");
            Ok(seal(
                a.authority.public_key(),
                &policy,
                id.as_bytes(),
                format!("category={category}").as_bytes(),
                content.as_bytes(),
                &mut OsRng,
            )?)
        })
        .collect()
}

/// Step 3. The re-key alone would let A's proxy refer everything `patient:42` opens; the
/// consent token says what the patient agreed to, and names that re-key.
fn refer(a: &mut Hospital, b: &Hospital, patient: &BlsSigningKey) -> Result<(ReKey, ConsentToken)> {
    step(
        3,
        "Patient 42 consents to a referral: Riverside's cardiologists, 30 days",
    );
    let audience = Policy::parse(RIVERSIDE_CARDIOLOGY)?;
    let rekey = a
        .authority
        .issue_delegation_key(&["patient:42"], &patient.public_key(), &mut OsRng)?
        .rekey_to(b.authority.public_key(), &audience, &mut OsRng)?;
    explain(&format!(
        "re-key     from {}… to {}… ({RIVERSIDE_CARDIOLOGY})",
        hex8(&rekey.authority()),
        hex8(&rekey.target_authority())
    ));
    let grant = Grant::new(
        "patient-42",
        Grantee::Policy(audience),
        Window::new(NOW, NOW + 30 * DAY)?,
    )
    .categories(["cardiology"])
    .purposes(["treatment"])
    .rekey(&rekey);
    let token = ConsentToken::issue(patient, &grant, &mut OsRng)?;
    a.chain.sign_and_append(token.grant_entry(NOW), patient)?;
    explain("scope      categories = {cardiology}, purposes = {treatment}");
    explain("The grant is logged in St. Mary's chain, signed by the patient.");
    Ok((rekey, token))
}

/// Step 4. A's proxy holds the re-key; it learns nothing of the records.
fn proxy_transforms(
    a: &mut Hospital,
    patient: &BlsSigningKey,
    rekey: &ReKey,
    token: &ConsentToken,
    chart: &[SealedRecord],
) -> Result<Vec<SealedRecord>> {
    step(
        4,
        "St. Mary's proxy checks the consent and re-encrypts what it permits",
    );
    let revoked = RevocationSet::from_chain(&a.chain)?;
    let consent = token.verify(&patient.public_key(), NOW + 3600, &revoked)?;
    let mut out = Vec::new();
    for record in chart {
        let id = String::from_utf8_lossy(record.record_id()).into_owned();
        let category = category_of(record).unwrap_or("?");
        match reencrypt_with_consent(&consent, rekey, record, category, "treatment") {
            Ok(referred) => {
                let entry = Entry::for_reencrypt(&referred, rekey.grant_id(), NOW + 3600);
                a.chain.sign_and_append(entry, &a.office)?;
                println!(
                    "   referred {id:<10} now opens at {}…",
                    hex8(&referred.current_authority())
                );
                out.push(referred);
            }
            Err(e) => println!("   refused  {id:<10} {category:<11} {}", e.code()),
        }
    }
    Ok(out)
}

/// Step 5.
fn b_receives_and_reads(
    a: &Hospital,
    b: &mut Hospital,
    referred: &[SealedRecord],
    rekey: &ReKey,
) -> Result<()> {
    step(
        5,
        "Riverside Heart receives the referral and its cardiologist reads it",
    );
    // B trusts A's public key from its own configuration (a federation roster, later).
    let trusted = [a.authority.public_key(), b.authority.public_key()];
    let cardiologist = b
        .authority
        .issue_key(&["role:physician", "dept:cardiology"], &mut OsRng)?;
    let nurse = b
        .authority
        .issue_key(&["role:nurse", "dept:cardiology"], &mut OsRng)?;
    for record in referred {
        let received = EntryDraft::for_payload(
            NOW + 7200,
            Action::Share,
            record.record_id(),
            &record.to_bytes(),
        )
        .with_metadata(rekey.grant_id().to_vec());
        b.chain.sign_and_append(received, &b.office)?;
        let text = String::from_utf8(cardiologist.open_federated(&trusted, record)?)?;
        println!("   · {text}");
    }
    let first = referred.first().ok_or("nothing was referred")?;
    let refused = nurse.open_federated(&trusted, first);
    explain(&format!(
        "a Riverside nurse: {}",
        refused.err().map_or("opened (wrong!)", |e| e.code())
    ));
    let without_a = cardiologist.open(b.authority.public_key(), first);
    explain(&format!(
        "the cardiologist without St. Mary's public key: {}",
        without_a.err().map_or("opened (wrong!)", |e| e.code())
    ));
    Ok(())
}

/// Step 6. Each chain verifies on its own; the auditor joins them on record digests.
fn audit(a: &Hospital, b: &Hospital) -> Result<()> {
    step(6, "Audit on both sides");
    a.chain.verify_all(None, &mut OsRng)?;
    b.chain.verify_all(None, &mut OsRng)?;
    let digests = |c: &Chain<MemoryStore>, action: Action| -> Result<Vec<[u8; 32]>> {
        let mut out = Vec::new();
        for i in 0..c.len() {
            let e = c.entry(i)?;
            if e.action() == action {
                out.push(*e.digest());
            }
        }
        Ok(out)
    };
    let sent = digests(&a.chain, Action::ReEncrypt)?;
    let received = digests(&b.chain, Action::Share)?;
    if sent != received {
        return Err("the two chains disagree about the referral".into());
    }
    explain(&format!(
        "St. Mary's chain: {} entries; Riverside's: {}; both verify.",
        a.chain.len(),
        b.chain.len()
    ));
    explain(&format!(
        "{} referrals logged by A are the {} receipts logged by B (same SHA-256 digests).",
        sent.len(),
        received.len()
    ));
    Ok(())
}

/// Step 7.
fn revoke(
    a: &mut Hospital,
    patient: &BlsSigningKey,
    rekey: &ReKey,
    token: &ConsentToken,
    chart: &[SealedRecord],
) -> Result<()> {
    step(7, "Patient 42 withdraws consent at St. Mary's");
    a.chain
        .sign_and_append(token.revoke_entry(NOW + DAY), patient)?;
    let revoked = RevocationSet::from_chain(&a.chain)?;
    match token.verify(&patient.public_key(), NOW + 2 * DAY, &revoked) {
        Err(e) => explain(&format!(
            "the proxy refuses the next referral: {}",
            e.code()
        )),
        Ok(consent) => {
            reencrypt_with_consent(&consent, rekey, &chart[0], "cardiology", "treatment")?;
            return Err("a revoked consent still referred a record".into());
        }
    }
    explain("Records already referred stay readable at Riverside (docs/federation.md §7).");
    Ok(())
}

/// The public category from a record's metadata (`category=…`).
fn category_of(record: &SealedRecord) -> Option<&str> {
    std::str::from_utf8(record.metadata())
        .ok()?
        .strip_prefix("category=")
}

fn hex8(id: &[u8; 32]) -> String {
    id[..4].iter().map(|b| format!("{b:02x}")).collect()
}

fn step(n: u32, title: &str) {
    println!("\n{n}. {title}");
}

fn explain(line: &str) {
    println!("   {line}");
}
