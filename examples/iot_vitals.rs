//! A bedside sensor hub in the spirit of Alam et al.'s IoT health system: it streams
//! patient vitals (heart rate, blood pressure, glucose) together with room readings
//! (temperature, humidity), and one large ECG waveform, all under one policy.
//!
//! - The series uses a **session**: one CP-ABE header (the expensive pairing work) for
//!   the whole session, then a small AEAD record per reading.
//! - The waveform uses a **stream**: one header, then 64 KiB chunks (STREAM
//!   construction), so neither side has to hold it in memory.
//! - When a researcher leaves, the hub seals its next session and stream under the
//!   authority's version notice (format v3): the departed researcher's key opens neither.
//!
//! ```text
//! cargo run --release --example iot_vitals
//! ```
//!
//! The sensor data is simulated from a seeded RNG (the same numbers every run); the
//! keys and ciphertexts use the operating system's RNG.

use std::error::Error as StdError;
use std::time::Instant;

use cipherchart::{
    seal, Attribute, Authority, BlsSigningKey, NoticeFields, Policy, PublicKey, VersionNotice,
};
use cipherchart::{SessionHeader, SessionRecord};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rand_core::OsRng;

type Result<T, E = Box<dyn StdError>> = core::result::Result<T, E>;

/// Who may read the bedside data: the ward's cardiologists, or research staff.
const POLICY: &str = "(role:physician and dept:cardiology) or role:researcher";

/// Rounds of readings, one a minute; each round measures every kind once.
const ROUNDS: usize = 6;
/// The ECG waveform: 16-bit samples (µV) at 500 Hz, 1 MiB in total (≈ 17.5 min).
const ECG_RATE_HZ: usize = 500;
const ECG_BYTES: usize = 1 << 20;

/// The kinds of reading. The kind goes into the record's **public** metadata (a
/// gateway can route and index without a key); the value is the encrypted payload.
#[derive(Clone, Copy)]
struct Kind {
    /// Public metadata of each record of this kind.
    tag: &'static str,
    label: &'static str,
    unit: &'static str,
    /// Decimals shown in the summary table.
    decimals: usize,
}

const KINDS: [Kind; 5] = [
    Kind {
        tag: "heart_rate",
        label: "heart rate",
        unit: "bpm",
        decimals: 0,
    },
    Kind {
        tag: "blood_pressure",
        label: "blood pressure",
        unit: "mmHg",
        decimals: 0,
    },
    Kind {
        tag: "glucose",
        label: "glucose",
        unit: "mmol/L",
        decimals: 1,
    },
    Kind {
        tag: "room_temp",
        label: "room temp.",
        unit: "°C",
        decimals: 1,
    },
    Kind {
        tag: "humidity",
        label: "humidity",
        unit: "%RH",
        decimals: 0,
    },
];

fn main() -> Result<()> {
    let mut rng = OsRng;
    println!("cipherchart · IoT vitals (sessions and streams)");
    println!("═══════════════════════════════════════════════\n");

    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let policy = Policy::parse(POLICY)?;
    println!("Policy   {policy}\n");

    let readers = [
        (
            "physician (cardiology)",
            authority.issue_key(&["role:physician", "dept:cardiology"], &mut rng)?,
        ),
        (
            "researcher",
            authority.issue_key(&["role:researcher"], &mut rng)?,
        ),
    ];
    let outsiders = [
        (
            "nurse (cardiology)",
            authority.issue_key(&["role:nurse", "dept:cardiology"], &mut rng)?,
        ),
        (
            "physician (oncology)",
            authority.issue_key(&["role:physician", "dept:oncology"], &mut rng)?,
        ),
    ];

    // ── The sensor hub: one session for the whole series ──────────────────────────
    let mut sim = ChaCha20Rng::seed_from_u64(2026);
    let readings = simulate_readings(&mut sim);
    let (header, records) = seal_series(pk, &policy, &readings)?;
    println!("1. Bedside hub, session {}", text(header.session_id()));
    println!(
        "   {} readings sealed: one CP-ABE header, then one AEAD record per reading",
        records.len()
    );
    print_session_sizes(pk, &policy, &header, &records, &readings)?;

    // ── Readers open the session once, then every record cheaply ──────────────────
    println!("\n2. Who reads the series?");
    let mut opened = Vec::new();
    for (name, key) in &readers {
        let started = Instant::now();
        let opener = key.open_session(pk, &header)?;
        let after_header = started.elapsed();
        let values = records
            .iter()
            .map(|r| opener.open(r))
            .collect::<Result<Vec<_>, _>>()?;
        let total = started.elapsed();
        println!(
            "   ✓ {name:<22} open_session {:>5.1} ms, then {} records in {:>4.0} µs",
            ms(after_header),
            records.len(),
            (total - after_header).as_secs_f64() * 1e6
        );
        opened.push((*name, decode_series(&records, &values)?));
    }
    for (name, key) in &outsiders {
        expect_denied(name, key.open_session(pk, &header).map(|_| ()))?;
    }
    print_summary(&opened);

    // ── The waveform: one stream ──────────────────────────────────────────────────
    println!("\n3. ECG waveform as a stream (lead II, {ECG_RATE_HZ} Hz, 16-bit µV)");
    let ecg = simulate_ecg(&mut sim);
    let mut sealed = Vec::new();
    cipherchart::seal_stream(
        pk,
        &policy,
        b"bed-12/ecg/2026-03-02T08:00",
        b"kind=ecg;lead=II;rate=500Hz;format=i16le-uV",
        &ecg[..],
        &mut sealed,
        &mut rng,
    )?;
    print_stream_sizes(&ecg, &sealed);
    // The stream's header is public: anyone can see what it is and who may read it.
    let info = cipherchart::read_stream_info(&sealed[..])?;
    println!(
        "   public header: {} · {}\n                  policy {}",
        text(&info.stream_id),
        text(&info.metadata),
        info.policy
    );
    for (name, key) in &readers {
        let mut waveform = Vec::with_capacity(ecg.len());
        key.open_stream(pk, &sealed[..], &mut waveform)?;
        if waveform != ecg {
            return Err("the opened waveform differs from the original".into());
        }
        let (beats, bpm) = count_beats(&waveform);
        println!(
            "   ✓ {name:<22} {} B, identical · {beats} R peaks ≈ {bpm:.0} bpm",
            thousands(waveform.len())
        );
    }
    for (name, key) in &outsiders {
        // Opening writes chunk by chunk: on error, whatever was written must be dropped.
        let mut discard = Vec::new();
        expect_denied(
            name,
            key.open_stream(pk, &sealed[..], &mut discard).map(|_| ()),
        )?;
    }

    revocation_step(
        &authority,
        &policy,
        &readings,
        &ecg,
        &sealed,
        (&header, &records),
    )
}

/// Step 4: a researcher leaves. The authority's notice service bumps `role:researcher`;
/// the hub, on its next notice refresh, ends its session and stream and starts new ones
/// under the notice (format v3), so the departed researcher's key opens nothing sealed
/// from then on, while the remaining researcher opens with a key issued under the notice
/// and the physicians, whose names were not bumped, keep theirs (`docs/revocation.md`).
/// The stored series of step 1 and waveform of step 3 are caught up too: both are format
/// v2, so the authority re-encrypts them whole under the notice (a closed v3 session or
/// stream would only have its header re-wrapped, with the trailer its sealer logged at
/// close), and the departed researcher's key stops opening the stored copies.
fn revocation_step(
    authority: &Authority,
    policy: &Policy,
    readings: &[Reading],
    ecg: &[u8],
    stored: &[u8],
    (stored_header, stored_records): (&SessionHeader, &[SessionRecord]),
) -> Result<()> {
    let mut rng = OsRng;
    let pk = authority.public_key();
    println!("\n4. A researcher leaves: role:researcher is revoked (a version notice)");
    let notice_key = BlsSigningKey::generate(&mut rng);
    let now = 1_800_000_000;
    let notice = VersionNotice::sign(
        &notice_key,
        &NoticeFields {
            authority: pk.id(),
            statement_serial: 0,
            serial: now,
            issued_at: now,
            not_after: now + 3600,
            bump_count: 1,
            bump_head: [1; 32],
            versions: vec![(Attribute::new("role:researcher")?, 1)],
        },
    )?
    .verify(&notice_key.public_key(), now, None)?;
    // The hub verified the notice (signature, freshness, no rollback) before using it.
    let (header, mut sealer) = cipherchart::start_session_with_notice(
        pk,
        &notice,
        policy,
        b"bed-12/2026-03-02T09:00",
        b"ward=cardiology;bed=12",
        &mut rng,
    )?;
    let records = readings
        .iter()
        .map(|r| sealer.seal(r.kind.tag.as_bytes(), r.payload().as_bytes()))
        .collect::<Result<Vec<_>, _>>()?;
    // The hub closes the session when the series ends and logs its trailer (the header's
    // digest, the count and Merkle root of the records): the anchor that lets the
    // authority re-wrap the header, not re-encrypt the records, at a later revocation.
    let trailer = sealer.close()?;
    let _close_entry = cipherchart::Entry::for_session_close(&trailer, now)?;
    let mut stream = Vec::new();
    cipherchart::seal_stream_with_notice(
        pk,
        &notice,
        policy,
        b"bed-12/ecg/2026-03-02T09:00",
        b"kind=ecg;lead=II;rate=500Hz;format=i16le-uV",
        cipherchart::limits::DEFAULT_CHUNK_SIZE,
        ecg,
        &mut stream,
        &mut rng,
    )?;
    println!(
        "   new session and stream under notice {} (role:researcher at version 1); the session \
         closed with {} records in its trailer",
        notice.serial(),
        trailer.count()
    );
    let departed = authority.issue_key(&["role:researcher"], &mut rng)?; // from before the bump
    let physician = authority.issue_key(&["role:physician", "dept:cardiology"], &mut rng)?;
    let remaining = authority.issue_key_under(&notice, &["role:researcher"], &mut rng)?;
    for (name, key) in [
        ("physician (unchanged)", &physician),
        ("researcher (new key)", &remaining),
    ] {
        let opener = key.open_session(pk, &header)?;
        let n = records
            .iter()
            .map(|r| opener.open(r))
            .collect::<Result<Vec<_>, _>>()?
            .len();
        let mut waveform = Vec::with_capacity(ecg.len());
        key.open_stream(pk, &stream[..], &mut waveform)?;
        if waveform != ecg {
            return Err("the opened waveform differs from the original".into());
        }
        println!("   ✓ {name:<22} {n} readings and the waveform");
    }
    expect_denied(
        "departed researcher",
        departed.open_session(pk, &header).map(|_| ()),
    )?;
    expect_denied(
        "departed researcher",
        departed
            .open_stream(pk, &stream[..], std::io::sink())
            .map(|_| ()),
    )?;

    // The stored 08:00 series: selected by the notice, re-encrypted whole (format v2).
    if !stored_header.needs_catch_up(&notice) {
        return Err("the stored series should need a catch-up".into());
    }
    let (new_header, new_records, new_trailer) =
        authority.reencrypt_session(stored_header, stored_records, None, &notice, &mut rng)?;
    let _catch_up_entry =
        cipherchart::Entry::for_session_catch_up(stored_header, &new_header, now)?;
    println!(
        "   stored 08:00 series caught up: {} records re-encrypted under notice {}",
        new_trailer.count(),
        new_header.notice_serial().unwrap_or_default()
    );
    let opener = remaining.open_session(pk, &new_header)?;
    let n = new_records
        .iter()
        .map(|r| opener.open(r))
        .collect::<Result<Vec<_>, _>>()?
        .len();
    println!("   ✓ {:<22} {n} caught-up readings", "researcher (new key)");
    expect_denied(
        "departed researcher",
        departed.open_session(pk, &new_header).map(|_| ()),
    )?;

    // The stored 08:00 waveform: selected by the notice, caught up by the authority.
    let before = cipherchart::read_stream_info(stored)?;
    if !before.needs_catch_up(&notice) {
        return Err("the stored waveform should need a catch-up".into());
    }
    let mut caught_up = Vec::new();
    let after = authority.reencrypt_stream(stored, None, &notice, &mut caught_up, &mut rng)?;
    println!(
        "   stored 08:00 waveform caught up: re-encrypted under notice {} ({} B)",
        after.notice_serial.unwrap_or_default(),
        thousands(caught_up.len())
    );
    let mut waveform = Vec::with_capacity(ecg.len());
    remaining.open_stream(pk, &caught_up[..], &mut waveform)?;
    if waveform != ecg {
        return Err("the caught-up waveform differs from the original".into());
    }
    println!("   ✓ {:<22} the caught-up waveform", "researcher (new key)");
    expect_denied(
        "departed researcher",
        departed
            .open_stream(pk, &caught_up[..], std::io::sink())
            .map(|_| ()),
    )?;
    Ok(())
}

/// One simulated reading: its kind and its values (blood pressure has two).
struct Reading {
    kind: Kind,
    values: Vec<f64>,
}

impl Reading {
    /// The payload: the values as text, as a small sensor would send them.
    fn payload(&self) -> String {
        self.values
            .iter()
            .map(|v| format!("{v:.*}", self.kind.decimals))
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// ROUNDS rounds of every kind of reading: plausible values with a little drift.
fn simulate_readings(sim: &mut ChaCha20Rng) -> Vec<Reading> {
    let mut readings = Vec::with_capacity(ROUNDS * KINDS.len());
    let (mut hr, mut sys, mut dia, mut glu) = (72.0, 118.0, 76.0, 5.4);
    let (mut temp, mut hum) = (22.0, 45.0);
    for _ in 0..ROUNDS {
        hr = f64::clamp(hr + sim.gen_range(-4.0..4.0), 58.0, 95.0);
        sys = f64::clamp(sys + sim.gen_range(-5.0..5.0), 100.0, 140.0);
        dia = f64::clamp(dia + sim.gen_range(-3.0..3.0), 60.0, 90.0);
        glu = f64::clamp(glu + sim.gen_range(-0.3..0.4), 3.9, 9.0);
        temp += sim.gen_range(-0.2..0.2);
        hum = f64::clamp(hum + sim.gen_range(-1.5..1.5), 30.0, 60.0);
        let values = [vec![hr], vec![sys, dia], vec![glu], vec![temp], vec![hum]];
        for (kind, values) in KINDS.iter().zip(values) {
            // Round as the sensor reports, so the table shows what was sent.
            let scale = 10f64.powi(kind.decimals as i32);
            let values = values.iter().map(|v| (v * scale).round() / scale).collect();
            readings.push(Reading {
                kind: *kind,
                values,
            });
        }
    }
    readings
}

/// The hub's side: start a session (one KEM header) and seal each reading with its
/// own subkey. The session key never leaves the sealer.
fn seal_series(
    pk: &PublicKey,
    policy: &Policy,
    readings: &[Reading],
) -> Result<(SessionHeader, Vec<SessionRecord>)> {
    let (header, mut sealer) = cipherchart::start_session(
        pk,
        policy,
        b"bed-12/2026-03-02T08:00",
        b"hub=bedside-7;ward=cardiology",
        &mut OsRng,
    )?;
    let records = readings
        .iter()
        .map(|r| sealer.seal(r.kind.tag.as_bytes(), r.payload().as_bytes()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((header, records))
}

/// Session costs, and what sealing each reading on its own would cost instead.
fn print_session_sizes(
    pk: &PublicKey,
    policy: &Policy,
    header: &SessionHeader,
    records: &[SessionRecord],
    readings: &[Reading],
) -> Result<()> {
    let sizes: Vec<usize> = records.iter().map(|r| r.to_bytes().len()).collect();
    let payload_sizes: Vec<usize> = readings.iter().map(|r| r.payload().len()).collect();
    let payloads: usize = payload_sizes.iter().sum();
    let total: usize = sizes.iter().sum();
    let range = |v: &[usize]| {
        let min = v.iter().min().copied().unwrap_or(0);
        let max = v.iter().max().copied().unwrap_or(0);
        format!("{min}–{max}")
    };
    let header_len = header.to_bytes().len();
    println!(
        "   session header    {:>6} B (once per session)",
        thousands(header_len)
    );
    println!(
        "   per record        {} B (payload {} B + kind + sequence number + 16 B tag + framing)",
        range(&sizes),
        range(&payload_sizes)
    );
    println!(
        "   whole series      {:>6} B for {payloads} B of readings",
        thousands(header_len + total)
    );
    // For contrast: a reading sealed as a standalone record carries its own header.
    let alone = seal(pk, policy, b"bed-12/hr/0", b"heart_rate", b"72", &mut OsRng)?;
    let alone = alone.to_bytes().len();
    println!(
        "   (one reading sealed alone with seal(): {} B; all {} that way: {} B)",
        thousands(alone),
        records.len(),
        thousands(alone * records.len())
    );
    Ok(())
}

/// The opened series, in reading order: (kind tag, values).
type Series = Vec<(String, Vec<f64>)>;

/// A reader's side: the kind comes from the public metadata, the values from the
/// decrypted payload.
fn decode_series(records: &[SessionRecord], payloads: &[Vec<u8>]) -> Result<Series> {
    records
        .iter()
        .zip(payloads)
        .map(|(record, payload)| {
            let kind = String::from_utf8(record.metadata().to_vec())?;
            let values = std::str::from_utf8(payload)?
                .split('/')
                .map(str::parse::<f64>)
                .collect::<Result<Vec<_>, _>>()?;
            Ok((kind, values))
        })
        .collect()
}

/// Min / mean / max per kind, side by side for each reader.
fn print_summary(opened: &[(&str, Series)]) {
    let mut names = format!("   {:<15} {:<7} {:>2}", "reading", "unit", "n");
    let mut columns = format!("   {:<26}", "");
    for (name, _) in opened {
        names.push_str(&format!("   {name:<23}"));
        columns.push_str(&format!("   {:>7} {:>7} {:>7}", "min", "mean", "max"));
    }
    println!("\n{}\n{}", names.trim_end(), columns.trim_end());
    for kind in &KINDS {
        let mut line = String::new();
        for (i, (_, series)) in opened.iter().enumerate() {
            let of_kind: Vec<&Vec<f64>> = series
                .iter()
                .filter(|(tag, _)| tag == kind.tag)
                .map(|(_, v)| v)
                .collect();
            if i == 0 {
                let n = of_kind.len();
                line = format!("   {:<15} {:<7} {n:>2}", kind.label, kind.unit);
            }
            let [min, mean, max] = summarize(&of_kind, kind.decimals);
            line.push_str(&format!("   {min:>7} {mean:>7} {max:>7}"));
        }
        println!("{line}");
    }
}

/// `[min, mean, max]`, component-wise (blood pressure shows as `sys/dia`).
fn summarize(values: &[&Vec<f64>], decimals: usize) -> [String; 3] {
    let components = values.first().map_or(0, |v| v.len());
    let mut parts: [Vec<String>; 3] = Default::default();
    for c in 0..components {
        let column: Vec<f64> = values.iter().filter_map(|v| v.get(c).copied()).collect();
        let min = column.iter().copied().fold(f64::INFINITY, f64::min);
        let max = column.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mean = column.iter().sum::<f64>() / column.len().max(1) as f64;
        for (part, value) in parts.iter_mut().zip([min, mean, max]) {
            part.push(format!("{value:.decimals$}"));
        }
    }
    parts.map(|p| p.join("/"))
}

/// A synthetic lead-II ECG: P-QRS-T complexes as Gaussian bumps, a varying RR interval,
/// baseline wander and noise. Little-endian i16 samples in µV.
fn simulate_ecg(sim: &mut ChaCha20Rng) -> Vec<u8> {
    // (offset from the R peak in s, amplitude in µV, width in s)
    const WAVES: [(f64, f64, f64); 5] = [
        (-0.17, 150.0, 0.025),
        (-0.03, -120.0, 0.010),
        (0.00, 1100.0, 0.012),
        (0.03, -250.0, 0.010),
        (0.25, 300.0, 0.045),
    ];
    let samples = ECG_BYTES / 2;
    let dt = 1.0 / ECG_RATE_HZ as f64;
    let mut out = Vec::with_capacity(ECG_BYTES);
    // R-peak times: ~72 bpm with some heart-rate variability.
    let mut peaks = vec![0.3];
    while peaks.last().copied().unwrap_or(0.0) < samples as f64 * dt + 1.0 {
        let rr = 60.0 / 72.0 + sim.gen_range(-0.06..0.06);
        peaks.push(peaks.last().copied().unwrap_or(0.0) + rr);
    }
    let mut beat = 0;
    for i in 0..samples {
        let t = i as f64 * dt;
        // Move to the R peak nearest to t.
        while beat + 1 < peaks.len() && peaks[beat + 1] - t < t - peaks[beat] {
            beat += 1;
        }
        let r = peaks[beat];
        let mut v: f64 = WAVES
            .iter()
            .map(|(at, amp, width)| amp * (-((t - r - at) / width).powi(2) / 2.0).exp())
            .sum();
        v += 40.0 * (std::f64::consts::TAU * 0.25 * t).sin() + sim.gen_range(-15.0..15.0);
        out.extend_from_slice(&(v.round() as i16).to_le_bytes());
    }
    out
}

/// Counts R peaks (upward crossings of 600 µV) and the mean heart rate they imply.
fn count_beats(waveform: &[u8]) -> (usize, f64) {
    let samples: Vec<i16> = waveform
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
    let beats = samples
        .windows(2)
        .filter(|w| w[0] < 600 && w[1] >= 600)
        .count();
    let minutes = samples.len() as f64 / ECG_RATE_HZ as f64 / 60.0;
    (beats, beats as f64 / minutes)
}

fn print_stream_sizes(ecg: &[u8], sealed: &[u8]) {
    let chunk = cipherchart::limits::DEFAULT_CHUNK_SIZE as usize;
    let chunks = ecg.len().div_ceil(chunk).max(1);
    let overhead = sealed.len().saturating_sub(ecg.len());
    // Each chunk is framed as flag (1 B) + length (4 B) + ciphertext with a 16 B tag.
    let header = overhead.saturating_sub(chunks * 21);
    println!(
        "   {} B of samples → {} B sealed: +{} B ({:.2} %)",
        thousands(ecg.len()),
        thousands(sealed.len()),
        thousands(overhead),
        100.0 * overhead as f64 / ecg.len() as f64
    );
    println!(
        "   = stream header {} B + {chunks} chunks × 21 B (frame 5 B + tag 16 B)",
        thousands(header)
    );
}

/// Prints a refusal with its stable error code; an unexpected success is an error.
fn expect_denied(who: &str, outcome: cipherchart::Result<()>) -> Result<()> {
    match outcome {
        Ok(()) => Err(format!("{who} opened data the policy denies").into()),
        Err(e) => {
            println!("   ✗ {who:<22} {}", e.code());
            Ok(())
        }
    }
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
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
