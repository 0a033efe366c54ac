//! A notice service for tests: it keeps the authority's bumped names, signs a notice per
//! change (serial = issue time, one second apart), and verifies it the way a sealer does.

use std::collections::BTreeMap;

use cipherchart::{
    Attribute, Authority, BlsSigningKey, NoticeFields, UserKey, VerifiedNotice, VersionNotice,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// 2027-01-15T08:00:00Z, the first notice's time.
pub const T0: u64 = 1_800_000_000;

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub struct NoticeService {
    key: BlsSigningKey,
    authority: [u8; 32],
    now: u64,
    bump_count: u64,
    versions: BTreeMap<String, u32>,
    last: Option<VerifiedNotice>,
}

impl NoticeService {
    pub fn new(authority: &Authority, rng: &mut ChaCha20Rng) -> Self {
        Self {
            key: BlsSigningKey::generate(rng),
            authority: authority.public_key().id(),
            now: T0,
            bump_count: 0,
            versions: BTreeMap::new(),
            last: None,
        }
    }

    /// The time of the newest notice.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// A fresh notice at the current versions, verified against the previous one.
    pub fn current(&mut self) -> VerifiedNotice {
        self.now += 1;
        let fields = NoticeFields {
            authority: self.authority,
            statement_serial: 0,
            serial: self.now,
            issued_at: self.now,
            not_after: self.now + 3600,
            bump_count: self.bump_count,
            bump_head: if self.bump_count == 0 {
                [0; 32]
            } else {
                let mut h = [0xbb; 32];
                h[24..].copy_from_slice(&self.bump_count.to_be_bytes());
                h
            },
            versions: self
                .versions
                .iter()
                .map(|(n, v)| (Attribute::new(n).unwrap(), *v))
                .collect(),
        };
        let notice = VersionNotice::sign(&self.key, &fields).unwrap();
        let verified = notice
            .verify(&self.key.public_key(), self.now, self.last.as_ref())
            .unwrap();
        self.last = Some(verified.clone());
        verified
    }

    /// One bump entry raising each of `names` by one, and the notice that reflects it.
    pub fn bump(&mut self, names: &[&str]) -> VerifiedNotice {
        self.bump_count += 1;
        for n in names {
            *self.versions.entry((*n).to_owned()).or_insert(0) += 1;
        }
        self.current()
    }
}

/// A key for `attributes` under `notice`.
pub fn key(
    authority: &Authority,
    notice: &VerifiedNotice,
    attributes: &[&str],
    rng: &mut ChaCha20Rng,
) -> UserKey {
    authority.issue_key_under(notice, attributes, rng).unwrap()
}
