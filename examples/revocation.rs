//! A nurse leaves the ICU: her key stops opening anything, records sealed before and after
//! (format v3 revocation, `docs/revocation.md` §0).
//!
//! ```text
//! cargo run --release --example revocation
//! ```
//!
//! The story, one function per step:
//! 1. `setup`: the hospital's authority, its notice service (a BLS key every sealer and
//!    storage pins), three ICU nurses with keys issued under the first notice.
//! 2. `fill_store`: a week of ICU records, sealed under the current notice.
//! 3. `revoke`: Carla leaves. The hospital bumps the names she holds; the notice service
//!    signs the new notice; the two nurses who stay get one new key each.
//! 4. `catch_up`: every stored record the bump concerns gets a new header at the new
//!    versions; bodies are untouched. Every step is an entry in the proof chain.
//! 5. `who_reads_what`: Carla's key opens nothing, old or new; the others open everything.
//! 6. `sharing_survives`: the patient shares their discharge letter with the GPs through a
//!    proxy (a format v3 re-key); a GP leaves; the proxy refuses the stale re-key, the
//!    shared copy is caught up, and the grant is re-applied for the GP who stays.

use std::error::Error as StdError;

use cipherchart::{seal_with_notice, Attribute, Authority, Policy, ReKey, SealedRecord, UserKey};
use cipherchart::{BlsSigningKey, Chain, Entry, MemoryStore, NoticeFields};
use cipherchart::{VerifiedNotice, VersionNotice};
use rand_core::OsRng;

type Result<T, E = Box<dyn StdError>> = core::result::Result<T, E>;

/// 2027-01-15T08:00:00Z: a fixed clock, so the run is reproducible.
const T0: u64 = 1_800_000_000;
const NURSE: [&str; 2] = ["role:nurse", "ward:icu"];

struct Hospital {
    authority: Authority,
    notice_key: BlsSigningKey,
    log_key: BlsSigningKey,
    chain: Chain<MemoryStore>,
}

impl Hospital {
    /// The notice service: signs the full map of bumped names and verifies it as a sealer
    /// would (against the previous notice, so a rollback is refused).
    fn notice(
        &self,
        serial: u64,
        bumps: u64,
        versions: &[(&str, u32)],
        previous: Option<&VerifiedNotice>,
    ) -> Result<VerifiedNotice> {
        let fields = NoticeFields {
            authority: self.authority.public_key().id(),
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
        let notice = VersionNotice::sign(&self.notice_key, &fields)?;
        Ok(notice.verify(&self.notice_key.public_key(), serial, previous)?)
    }
}

/// The patient's grant of `letter`'s audience to the GPs, made under `notice` from a
/// fresh delegation key (the patient's consent key names the delegator).
fn share_with_gps(h: &Hospital, notice: &VerifiedNotice, consent: &BlsSigningKey) -> Result<ReKey> {
    let pk = h.authority.public_key();
    Ok(h.authority
        .issue_delegation_key_under(notice, &["patient:7"], &consent.public_key(), &mut OsRng)?
        .rekey_under(pk, notice, &Policy::parse("role:gp")?, None, &mut OsRng)?)
}

fn sharing_survives(h: &mut Hospital, n1: &VerifiedNotice, letter: &SealedRecord) -> Result<()> {
    let pk = h.authority.public_key();
    let consent = BlsSigningKey::generate(&mut OsRng);
    let grant = share_with_gps(h, n1, &consent)?;
    grant.check_current(&[n1])?;
    let shared = grant.reencrypt(letter)?;
    let dora = h.authority.issue_key_under(n1, &["role:gp"], &mut OsRng)?;
    let eli = h.authority.issue_key_under(n1, &["role:gp"], &mut OsRng)?;
    println!(
        "6. the patient shares the letter with the GPs: Dora reads it ({}), Eli reads it ({})",
        dora.open(pk, &shared).is_ok(),
        eli.open(pk, &shared).is_ok()
    );
    // Eli leaves: role:gp is bumped (with the nurses' names as they are).
    let n2 = h.notice(
        T0 + 1200,
        2,
        &[("role:nurse", 1), ("ward:icu", 1), ("role:gp", 1)],
        Some(n1),
    )?;
    h.chain
        .sign_and_append(Entry::for_notice(n2.notice(), T0 + 1200)?, &h.log_key)?;
    let refused = grant.check_current(&[&n2]).err().map_or("", |e| e.code());
    println!(
        "   Eli leaves (notice {}): the proxy refuses the old grant ({refused})",
        n2.serial()
    );
    // The shared copy is caught up (its hop's layer names role:gp), which drops the hop;
    // the proxy re-applies the grant with a re-key made under the new notice.
    assert!(shared.needs_catch_up(&n2));
    let caught_up = h.authority.rewrap(&shared, &n2, &mut OsRng)?;
    h.chain.sign_and_append(
        Entry::for_catch_up(&shared, &caught_up, T0 + 1260)?,
        &h.log_key,
    )?;
    let renewed = share_with_gps(h, &n2, &consent)?;
    renewed.check_current(&[&n2])?;
    let reshared = renewed.reencrypt(&caught_up)?;
    let dora = h.authority.issue_key_under(&n2, &["role:gp"], &mut OsRng)?;
    assert!(eli.open(pk, &reshared).is_err());
    println!(
        "   re-applied under notice {}: Dora (new key) reads it ({}), Eli: {}",
        n2.serial(),
        dora.open(pk, &reshared).is_ok(),
        eli.open(pk, &reshared).err().map_or("", |e| e.code())
    );
    h.chain.verify_all(None, &mut OsRng)?;
    Ok(())
}

/// Each nurse's name and current key.
type Nurses = Vec<(&'static str, UserKey)>;

fn setup() -> Result<(Hospital, VerifiedNotice, Nurses)> {
    let hospital = Hospital {
        authority: Authority::setup(&mut OsRng),
        notice_key: BlsSigningKey::generate(&mut OsRng),
        log_key: BlsSigningKey::generate(&mut OsRng),
        chain: Chain::open(MemoryStore::new())?,
    };
    let n0 = hospital.notice(T0, 0, &[], None)?;
    let mut nurses = Vec::new();
    for name in ["Ana", "Ben", "Carla"] {
        nurses.push((
            name,
            hospital
                .authority
                .issue_key_under(&n0, &NURSE, &mut OsRng)?,
        ));
    }
    println!(
        "1. authority, notice service and 3 ICU nurses (keys under notice {})",
        n0.serial()
    );
    Ok((hospital, n0, nurses))
}

fn fill_store(h: &Hospital, n0: &VerifiedNotice) -> Result<Vec<SealedRecord>> {
    let icu = Policy::parse("role:nurse and ward:icu")?;
    let own = Policy::parse("patient:7")?;
    let mut store = Vec::new();
    for day in 1..=7 {
        let id = format!("icu/bed-4/day-{day}");
        let payload = format!("day {day}: hr 72, spo2 97%");
        store.push(seal_with_notice(
            h.authority.public_key(),
            n0,
            &icu,
            id.as_bytes(),
            b"icu",
            payload.as_bytes(),
            &mut OsRng,
        )?);
    }
    store.push(seal_with_notice(
        h.authority.public_key(),
        n0,
        &own,
        b"patient-7/letter",
        b"",
        b"discharge letter",
        &mut OsRng,
    )?);
    println!("2. {} records stored", store.len());
    Ok(store)
}

fn revoke(
    h: &mut Hospital,
    n0: &VerifiedNotice,
    nurses: &mut [(&str, UserKey)],
) -> Result<VerifiedNotice> {
    // Carla holds role:nurse and ward:icu: one bump raises both.
    let n1 = h.notice(T0 + 600, 1, &[("role:nurse", 1), ("ward:icu", 1)], Some(n0))?;
    let mut reissued = 0;
    for (name, key) in nurses.iter_mut().filter(|(n, _)| *n != "Carla") {
        *key = h.authority.issue_key_under(&n1, &NURSE, &mut OsRng)?;
        reissued += 1;
        println!("   new key for {name}: {} bytes", key.to_bytes().len());
    }
    h.chain
        .sign_and_append(Entry::for_notice(n1.notice(), T0 + 600)?, &h.log_key)?;
    h.chain.sign_and_append(
        Entry::for_key_update(n1.notice(), reissued, T0 + 600),
        &h.log_key,
    )?;
    println!(
        "3. Carla revoked: notice {} bumps role:nurse and ward:icu; {reissued} keys re-issued",
        n1.serial()
    );
    Ok(n1)
}

fn catch_up(h: &mut Hospital, n1: &VerifiedNotice, store: &mut [SealedRecord]) -> Result<()> {
    let mut caught_up = 0;
    for record in store.iter_mut().filter(|r| r.needs_catch_up(n1)) {
        let new = h.authority.rewrap(record, n1, &mut OsRng)?;
        assert_eq!(
            new.body_commitment(),
            record.body_commitment(),
            "the body is kept"
        );
        h.chain
            .sign_and_append(Entry::for_catch_up(record, &new, T0 + 660)?, &h.log_key)?;
        *record = new;
        caught_up += 1;
    }
    h.chain.verify_all(None, &mut OsRng)?;
    println!(
        "4. {caught_up} of {} stored records caught up; the chain ({} entries) verifies",
        store.len(),
        h.chain.len()
    );
    Ok(())
}

fn who_reads_what(
    h: &Hospital,
    n1: &VerifiedNotice,
    nurses: &[(&str, UserKey)],
    store: &[SealedRecord],
) -> Result<()> {
    let pk = h.authority.public_key();
    let icu = Policy::parse("role:nurse and ward:icu")?;
    let tonight = seal_with_notice(
        pk,
        n1,
        &icu,
        b"icu/bed-4/day-8",
        b"icu",
        b"day 8: hr 70",
        &mut OsRng,
    )?;
    let icu_records: Vec<&SealedRecord> = store
        .iter()
        .filter(|r| r.metadata() == b"icu")
        .chain([&tonight])
        .collect();
    println!(
        "5. who reads the {} ICU records (7 stored and caught up, 1 sealed after):",
        icu_records.len()
    );
    for (name, key) in nurses {
        let opened = icu_records
            .iter()
            .filter(|r| key.open(pk, r).is_ok())
            .count();
        println!("   {name:<5} opens {opened} of {}", icu_records.len());
        if *name == "Carla" {
            assert_eq!(opened, 0);
            println!(
                "         ({})",
                key.open(pk, &tonight).err().map_or("", |e| e.code())
            );
        }
    }
    Ok(())
}

fn main() -> Result<()> {
    let (mut hospital, n0, mut nurses) = setup()?;
    let mut store = fill_store(&hospital, &n0)?;
    let n1 = revoke(&mut hospital, &n0, &mut nurses)?;
    catch_up(&mut hospital, &n1, &mut store)?;
    who_reads_what(&hospital, &n1, &nurses, &store)?;
    let letter = store.last().ok_or("the store holds the letter")?;
    sharing_survives(&mut hospital, &n1, letter)
}
