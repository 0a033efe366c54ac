//! Two (or three) hospitals, each its own authority, and a patient of the first.

use cipherchart::{seal, Authority, BlsSigningKey, Policy, ReKey, SealedRecord};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// Patient 42's records at hospital A are sealed under this policy.
pub const CHART_POLICY: &str = "patient:42 or (role:physician and dept:cardiology)";
/// The audience at hospital B that a referral names.
pub const REFERRAL_POLICY: &str = "role:physician and dept:cardiology";

pub struct Network {
    pub a: Authority,
    pub b: Authority,
    pub c: Authority,
    pub patient: BlsSigningKey,
}

impl Network {
    pub fn new(rng: &mut ChaCha20Rng) -> Self {
        Self {
            a: Authority::setup(rng),
            b: Authority::setup(rng),
            c: Authority::setup(rng),
            patient: BlsSigningKey::generate(rng),
        }
    }

    /// A record of patient 42 sealed at A.
    pub fn chart(&self, id: &str, rng: &mut ChaCha20Rng) -> SealedRecord {
        seal(
            self.a.public_key(),
            &Policy::parse(CHART_POLICY).unwrap(),
            id.as_bytes(),
            b"category=cardiology",
            format!("contents of {id}").as_bytes(),
            rng,
        )
        .unwrap()
    }

    /// The patient's referral of what `patient:42` opens at A to `to` at `target`.
    pub fn referral(&self, target: &Authority, to: &str, rng: &mut ChaCha20Rng) -> ReKey {
        self.a
            .issue_delegation_key(&["patient:42"], &self.patient.public_key(), rng)
            .unwrap()
            .rekey_to(target.public_key(), &Policy::parse(to).unwrap(), rng)
            .unwrap()
    }
}
