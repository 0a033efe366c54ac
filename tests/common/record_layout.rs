//! A sealed record cut into its fields and put back together (`docs/formats.md`, "Sealed
//! record" and "Hop"), for the attack tests that edit records byte by byte.

use cipherchart::{Error, SealedRecord};

use super::{kem_end, lp, skip_lp, GRANT};

/// A GT element.
pub const GT: usize = 576;

/// A sealed record, cut into its fields (`docs/formats.md`, "Sealed record").
#[derive(Clone, Debug)]
pub struct RecordParts {
    pub id: Vec<u8>,
    pub meta: Vec<u8>,
    pub kem: Vec<u8>,
    pub body: Vec<u8>,
    pub hops: Vec<HopParts>,
}

/// One hop (`docs/formats.md`, "Hop").
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct HopParts {
    pub grant_id: Vec<u8>,
    pub delegator: Vec<u8>,
    pub grant_capsule: Vec<u8>,
    pub record_capsule: Vec<u8>,
    pub masked_r: Vec<u8>,
    pub flag: u8,
    pub grant_r: Vec<u8>,
}

impl HopParts {
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = self.grant_id.clone();
        out.extend_from_slice(&self.delegator);
        out.extend_from_slice(&self.grant_capsule);
        out.extend_from_slice(&self.record_capsule);
        out.extend_from_slice(&self.masked_r);
        out.push(self.flag);
        out.extend_from_slice(&self.grant_r);
        out
    }

    /// The same hop made to sit at a position above 1 (flag 1 and a grant value, here
    /// some valid GT element) or at position 1 (flag 0, no grant value).
    pub fn at_position(mut self, first: bool, gt: &[u8]) -> Self {
        if first {
            self.flag = 0;
            self.grant_r.clear();
        } else if self.flag == 0 {
            self.flag = 1;
            self.grant_r = gt.to_vec();
        }
        self
    }
}

impl RecordParts {
    pub fn of(r: &SealedRecord) -> Self {
        Self::parse(&r.to_bytes())
    }

    pub fn parse(b: &[u8]) -> Self {
        assert_eq!(&b[..4], b"CC\x04\x02");
        let id_end = skip_lp(b, 4);
        let meta_end = skip_lp(b, id_end);
        let k_end = kem_end(b, meta_end);
        let body_end = skip_lp(b, k_end);
        let n = b[body_end];
        let mut at = body_end + 1;
        let mut hops = Vec::new();
        for _ in 0..n {
            let gc_end = kem_end(b, at + GRANT);
            let rc_end = kem_end(b, gc_end);
            let flag = b[rc_end + GT];
            let end = rc_end + GT + 1 + if flag == 1 { GT } else { 0 };
            hops.push(HopParts {
                grant_id: b[at..at + 16].to_vec(),
                delegator: b[at + 16..at + GRANT].to_vec(),
                grant_capsule: b[at + GRANT..gc_end].to_vec(),
                record_capsule: b[gc_end..rc_end].to_vec(),
                masked_r: b[rc_end..rc_end + GT].to_vec(),
                flag,
                grant_r: b[rc_end + GT + 1..end].to_vec(),
            });
            at = end;
        }
        assert_eq!(at, b.len());
        Self {
            id: b[8..id_end].to_vec(),
            meta: b[id_end + 4..meta_end].to_vec(),
            kem: b[meta_end..k_end].to_vec(),
            body: b[k_end + 4..body_end].to_vec(),
            hops,
        }
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut out = b"CC\x04\x02".to_vec();
        out.extend(lp(&self.id));
        out.extend(lp(&self.meta));
        out.extend_from_slice(&self.kem);
        out.extend(lp(&self.body));
        out.push(self.hops.len() as u8);
        for h in &self.hops {
            out.extend(h.bytes());
        }
        out
    }

    pub fn record(&self) -> Result<SealedRecord, Error> {
        SealedRecord::from_bytes(&self.bytes())
    }
}
