//! MedBloc-style patient consent: the patient grants a cardiologist 90 days of access to
//! the cardiology records for treatment, the cloud proxy re-encrypts under the token,
//! the patient revokes through the proof chain, and the proxy refuses.
//!
//! ```text
//! cargo run --release --example consent
//! ```
//!
//! The story, one function per step:
//! 1. `setup`: the health network's attribute authority, the patient's and the
//!    cardiologist's keys (ABE keys to read, BLS keys to sign), the proof chain.
//! 2. `seal_chart`: hospital h1 seals the chart; the cloud stores it.
//! 3. `grant`: the patient makes a re-key to h2's cardiologists and a consent token that
//!    names it, logs the grant, and gives the cardiologist the token as a QR code.
//! 4. `Proxy::share`: the cardiologist presents the token; the proxy verifies it against
//!    the revocations in the chain and re-encrypts only what it permits.
//! 5. `read`: the cardiologist opens the shared records.
//! 6. `revoke`: the patient logs a revocation; the proxy refuses the same request.

use std::error::Error as StdError;

use cipherchart::BlsSigningKey;
use cipherchart::{reencrypt_with_consent, ConsentToken, Grant, Grantee, RevocationSet, Window};
use cipherchart::{seal, Authority, Policy, PublicKey, ReKey, SealedRecord, UserKey};
use cipherchart::{Chain, Entry, MemoryStore};
use rand_core::OsRng;

type Result<T, E = Box<dyn StdError>> = core::result::Result<T, E>;

const DAY: u64 = 86_400;
/// "Now" in the story: 2026-03-10T09:00:00Z.
const NOW: u64 = 1_773_133_200;
const CHART_POLICY: &str = "patient:42 or (hospital:h1 and role:physician)";
const CARDIOLOGISTS: &str = "hospital:h2 and dept:cardiology and role:physician";

/// The chart: (record id, public category, content).
const CHART: [(&str, &str, &str); 3] = [
    (
        "p42/2026-03-02/ecg",
        "cardiology",
        "12-lead ECG: sinus rhythm 68 bpm, QTc 412 ms.",
    ),
    (
        "p42/2026-03-05/echo",
        "cardiology",
        "Echocardiogram: LVEF 58 %, mild mitral regurgitation.",
    ),
    (
        "p42/2026-03-02/lab",
        "laboratory",
        "HbA1c 6.1 %, LDL 3.4 mmol/L.",
    ),
];

/// Everyone's keys.
struct Keys {
    authority: Authority,
    /// The patient's BLS key: signs consent tokens and chain entries.
    patient_sig: BlsSigningKey,
    /// The cardiologist at h2: an ABE key to read, a BLS key to hold the token.
    cardiologist: UserKey,
    cardiologist_sig: BlsSigningKey,
    /// The cloud proxy's BLS key (signs its re-encryption log entries).
    proxy_sig: BlsSigningKey,
}

fn main() -> Result<()> {
    println!("cipherchart · consent: a patient grants, the proxy checks, the patient revokes");
    println!("══════════════════════════════════════════════════════════════════════════════");
    let keys = setup()?;
    let pk = keys.authority.public_key();
    let mut chain = Chain::open(MemoryStore::new())?;
    let records = seal_chart(pk)?;

    let (rekey, qr) = grant(&keys, &mut chain)?;
    let proxy = Proxy {
        patient: keys.patient_sig.public_key(),
        rekey,
        records,
    };

    // The cardiologist presents the token: the proof that binds it to her key.
    let presented = ConsentToken::from_text(&qr)?
        .present(&keys.cardiologist_sig)?
        .to_text();
    let shared = proxy.share(4, &presented, "treatment", NOW + DAY, &mut chain, &keys)?;
    read(pk, &keys.cardiologist, &shared)?;

    revoke(&keys, &presented, &mut chain)?;
    match proxy.share(7, &presented, "treatment", NOW + 2 * DAY, &mut chain, &keys) {
        Err(e) => explain(&format!("the proxy refuses: {} ({e})", code(&*e))),
        Ok(_) => return Err("the proxy re-encrypted under a revoked consent".into()),
    }
    chain.verify_all(None, &mut OsRng)?;
    explain(&format!(
        "The chain holds {} signed entries: grant, re-encryptions, revocation.",
        chain.len()
    ));
    Ok(())
}

/// Step 1.
fn setup() -> Result<Keys> {
    step(
        1,
        "Setup: attribute authority, ABE keys, BLS keys, proof chain",
    );
    let authority = Authority::setup(&mut OsRng);
    let cardiologist = authority.issue_key(
        &["hospital:h2", "dept:cardiology", "role:physician"],
        &mut OsRng,
    )?;
    explain("The patient and the cardiologist each also hold a BLS signing key.");
    Ok(Keys {
        authority,
        patient_sig: BlsSigningKey::generate(&mut OsRng),
        cardiologist,
        cardiologist_sig: BlsSigningKey::generate(&mut OsRng),
        proxy_sig: BlsSigningKey::generate(&mut OsRng),
    })
}

/// Step 2.
fn seal_chart(pk: &PublicKey) -> Result<Vec<SealedRecord>> {
    step(2, "Hospital h1 seals patient 42's chart");
    let policy = Policy::parse(CHART_POLICY)?;
    let mut out = Vec::new();
    for (id, category, content) in CHART {
        let metadata = format!("category={category}");
        let record = seal(
            pk,
            &policy,
            id.as_bytes(),
            metadata.as_bytes(),
            content.as_bytes(),
            &mut OsRng,
        )?;
        println!("   sealed  {id:<21} {category}");
        out.push(record);
    }
    Ok(out)
}

/// Step 3. The re-key alone would let the proxy transform the whole chart; the token
/// says what the patient actually agreed to, and names that re-key.
fn grant(keys: &Keys, chain: &mut Chain<MemoryStore>) -> Result<(ReKey, String)> {
    step(
        3,
        "Patient 42 grants h2's cardiologists 90 days of cardiology, for treatment",
    );
    let pk = keys.authority.public_key();
    let audience = Policy::parse(CARDIOLOGISTS)?;
    // A one-grant delegation key for S' = {patient:42}, naming the patient's consent key
    // (the issuer of the token below).
    let rekey = keys
        .authority
        .issue_delegation_key(&["patient:42"], &keys.patient_sig.public_key(), &mut OsRng)?
        .rekey(pk, &audience, &mut OsRng)?;
    let grant = Grant::new(
        "patient-42",
        Grantee::Policy(audience),
        Window::new(NOW, NOW + 90 * DAY)?,
    )
    .categories(["cardiology"])
    .purposes(["treatment"])
    .rekey(&rekey)
    .holder(keys.cardiologist_sig.public_key());
    let token = ConsentToken::issue(&keys.patient_sig, &grant, &mut OsRng)?;
    chain.sign_and_append(token.grant_entry(NOW), &keys.patient_sig)?;
    let qr = token.to_text();
    explain(&format!("grantee    {CARDIOLOGISTS}"));
    explain("scope      categories = {cardiology}, purposes = {treatment}, 90 days");
    explain("bound to   this re-key (digest) and the cardiologist's key (holder)");
    explain(&format!(
        "token      {} B, {} characters of base64url for the QR code:",
        token.to_bytes().len(),
        qr.len()
    ));
    explain(&format!("           {}…", &qr[..60.min(qr.len())]));
    explain(&format!(
        "revocation id {}",
        token.revocation_ids()[0]
            .to_string()
            .get(..16)
            .unwrap_or("")
    ));
    explain("The grant is logged in the proof chain, signed by the patient.");
    Ok((rekey, qr))
}

/// The cloud proxy: holds the re-key and the sealed records, and re-encrypts only
/// under a verified consent.
struct Proxy {
    /// The patient's BLS public key, which the proxy trusts to issue consent.
    patient: cipherchart::BlsPublicKey,
    rekey: ReKey,
    records: Vec<SealedRecord>,
}

impl Proxy {
    /// Steps 4 and 7: verify the presented token against the chain's revocations at
    /// `now`, then re-encrypt every record the consent permits for `purpose`.
    fn share(
        &self,
        n: u32,
        presented: &str,
        purpose: &str,
        now: u64,
        chain: &mut Chain<MemoryStore>,
        keys: &Keys,
    ) -> Result<Vec<SealedRecord>> {
        step(
            n,
            "The cardiologist asks the proxy for the chart (purpose: treatment)",
        );
        let token = ConsentToken::from_text(presented)?;
        let revoked = RevocationSet::from_chain(chain)?;
        let consent = token.verify(&self.patient, now, &revoked)?;
        explain("consent verified: signatures, holder proof, window, revocations");
        let mut shared = Vec::new();
        for record in &self.records {
            let id = String::from_utf8_lossy(record.record_id()).into_owned();
            let category = category_of(record).unwrap_or("?");
            match reencrypt_with_consent(&consent, &self.rekey, record, category, purpose) {
                Ok(out) => {
                    println!("   re-enc  {id:<21} {category}");
                    let entry = Entry::for_reencrypt(&out, self.rekey.grant_id(), now);
                    chain.sign_and_append(entry, &keys.proxy_sig)?;
                    shared.push(out);
                }
                Err(e) => println!("   refuse  {id:<21} {category:<11} {} ({e})", e.code()),
            }
        }
        // The same consent does not stretch to another purpose.
        let research = reencrypt_with_consent(
            &consent,
            &self.rekey,
            &self.records[0],
            "cardiology",
            "research",
        );
        if research.is_ok() {
            return Err("the consent was stretched to research".into());
        }
        explain("(a request for research use of the ECG is refused the same way)");
        Ok(shared)
    }
}

/// Step 5.
fn read(pk: &PublicKey, cardiologist: &UserKey, shared: &[SealedRecord]) -> Result<()> {
    step(5, "The cardiologist reads what was shared");
    for record in shared {
        println!(
            "   · {}",
            String::from_utf8(cardiologist.open(pk, record)?)?
        );
    }
    Ok(())
}

/// Step 6. The patient revokes the grant: a revoke entry naming the token's revocation
/// id, signed by the patient. It covers the token and anything attenuated from it.
fn revoke(keys: &Keys, presented: &str, chain: &mut Chain<MemoryStore>) -> Result<()> {
    step(6, "Patient 42 revokes the consent");
    let token = ConsentToken::from_text(presented)?;
    chain.sign_and_append(token.revoke_entry(NOW + DAY + 3600), &keys.patient_sig)?;
    explain("A revoke entry (subject = revocation id) is appended to the proof chain.");
    // Expiry would have ended it anyway.
    let expired = token.verify(
        &keys.patient_sig.public_key(),
        NOW + 90 * DAY,
        &RevocationSet::new(),
    );
    if expired.is_ok() {
        return Err("an expired consent verified".into());
    }
    Ok(())
}

/// The stable error code, for errors of the library.
fn code(e: &(dyn StdError + 'static)) -> &'static str {
    e.downcast_ref::<cipherchart::Error>()
        .map_or("other", cipherchart::Error::code)
}

/// The public category from a record's metadata (`category=…`).
fn category_of(record: &SealedRecord) -> Option<&str> {
    std::str::from_utf8(record.metadata())
        .ok()?
        .strip_prefix("category=")
}

fn step(n: u32, title: &str) {
    println!("\n{n}. {title}");
}

fn explain(line: &str) {
    println!("   {line}");
}
