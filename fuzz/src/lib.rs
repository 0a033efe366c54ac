//! Shared pieces of the fuzz targets and of the seed-corpus generator.
//!
//! Everything here is deterministic: one fixed authority, fixed user and signing keys
//! and a fixed IoT session, all drawn from a ChaCha20 RNG with a constant seed. The
//! seed corpus (`examples/gen_corpus.rs`) is produced from the same fixture, so the
//! targets that go beyond decoding (opening a re-encrypted record, a stream or a session
//! record) start from inputs that really open, and mutations explore the paths around
//! a success rather than only the first rejection.

use std::sync::OnceLock;

use cipherchart::Store;
use cipherchart::{Authority, BlsSigningKey, Policy, PublicKey, UserKey};
use cipherchart::{SessionHeader, SessionOpener, SessionSealer};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// The seed of the fixture's RNG.
pub const FIXTURE_SEED: u64 = 0x6369_7068_6572_6368; // "cipherch"

/// Attributes of the key that opens the fixture's records (the original audience).
pub const ALICE: &[&str] = &["dept:cardiology", "patient:42", "role:physician"];
/// Attributes of the first delegatee (audience of [`POLICY_BOB`]).
pub const BOB: &[&str] = &["hospital:h2", "role:researcher"];
/// Attributes of the second-hop delegatee (audience of [`POLICY_CAROL`]).
pub const CAROL: &[&str] = &["org:audit"];

/// The policy records of the fixture are sealed under.
pub const POLICY_ALICE: &str = "patient:42 or (role:physician and dept:cardiology)";
/// The target policy of the first re-key.
pub const POLICY_BOB: &str = "hospital:h2 and role:researcher";
/// The target policy of the second re-key.
pub const POLICY_CAROL: &str = "org:audit or 2 of (x:1, x:2, x:3)";

/// The session of the fixture (id, metadata).
pub const SESSION_ID: &[u8] = b"bed-12/2026-11-25";
/// The session metadata.
pub const SESSION_META: &[u8] = b"vitals";

/// The fixed objects every target may use.
pub struct Fixture {
    /// The attribute authority.
    pub authority: Authority,
    /// Holds [`ALICE`].
    pub alice: UserKey,
    /// Holds [`BOB`].
    pub bob: UserKey,
    /// Holds [`CAROL`].
    pub carol: UserKey,
    /// A patient's signing key (consent issuer).
    pub patient: BlsSigningKey,
    /// A clinician's signing key (consent holder, chain actor).
    pub clinician: BlsSigningKey,
    /// The log's signing key (checkpoints).
    pub log_key: BlsSigningKey,
    /// The fixed session's header.
    pub session_header: SessionHeader,
    /// [`Fixture::alice`]'s opener of the fixed session.
    pub session_opener: SessionOpener,
}

impl Fixture {
    /// The authority's public key.
    pub fn pk(&self) -> &PublicKey {
        self.authority.public_key()
    }
}

/// A new RNG from the fixture's seed (the fixture's own draws come first).
pub fn fixture_rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(FIXTURE_SEED)
}

/// Builds the fixture from scratch, returning it with the session sealer (the sealer is
/// stateful and secret, so only the corpus generator wants it).
///
/// # Panics
/// Never for these constants (the library accepts them); a panic here is a bug.
pub fn build_fixture() -> (Fixture, SessionSealer) {
    let mut rng = fixture_rng();
    let authority = Authority::setup(&mut rng);
    let alice = authority.issue_key(ALICE, &mut rng).expect("alice");
    let bob = authority.issue_key(BOB, &mut rng).expect("bob");
    let carol = authority.issue_key(CAROL, &mut rng).expect("carol");
    let patient = BlsSigningKey::generate(&mut rng);
    let clinician = BlsSigningKey::generate(&mut rng);
    let log_key = BlsSigningKey::generate(&mut rng);
    let policy = Policy::parse(POLICY_ALICE).expect("policy");
    let (session_header, sealer) = cipherchart::start_session(
        authority.public_key(),
        &policy,
        SESSION_ID,
        SESSION_META,
        &mut rng,
    )
    .expect("session");
    let session_opener = alice
        .open_session(authority.public_key(), &session_header)
        .expect("opener");
    (
        Fixture {
            authority,
            alice,
            bob,
            carol,
            patient,
            clinician,
            log_key,
            session_header,
            session_opener,
        },
        sealer,
    )
}

/// The fixture, built once per process.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| build_fixture().0)
}

/// Reads every record of a store (stopping at the first error, which is returned).
pub fn all_records<S: Store>(store: &S) -> cipherchart::Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    store.scan(&mut |_, r| {
        out.push(r.to_vec());
        Ok(())
    })?;
    Ok(out)
}

/// A scratch directory for targets that need files, unique per process: under
/// `$CIPHERCHART_FUZZ_SCRATCH` if set (`scripts/fuzz-all` sets it and removes it
/// afterwards), else on tmpfs when there is one (the file store calls `fsync`, which
/// is free there), else in the system temp dir.
pub fn scratch_dir() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if let Some(dir) = std::env::var_os("CIPHERCHART_FUZZ_SCRATCH") {
            std::path::PathBuf::from(dir)
        } else if std::path::Path::new("/dev/shm").is_dir() {
            std::path::PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("cipherchart-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    })
}

/// A byte cursor for structured targets: reads past the end give zeros, so every input
/// maps to some structure.
#[derive(Debug)]
pub struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// The next byte (0 past the end).
    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// The next 8 bytes as a big-endian integer.
    pub fn u64(&mut self) -> u64 {
        (0..8).fold(0, |acc, _| (acc << 8) | u64::from(self.byte()))
    }

    /// Whatever is left.
    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }
}
