//! Re-encrypting many records with one re-key.

use super::rekey::ReKey;
use crate::error::Result;
use crate::record::SealedRecord;

impl ReKey {
    /// Re-encrypts many records with one preparation of the re-key's fixed pairing
    /// inputs; in parallel with the `parallel` feature. Same results as calling
    /// [`reencrypt`](Self::reencrypt) on each, in order.
    pub fn reencrypt_batch(&self, records: &[SealedRecord]) -> Vec<Result<SealedRecord>> {
        let _ = crate::abe::core::DecryptionKey::k0_prepared(&self.material);
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            records.par_iter().map(|r| self.reencrypt(r)).collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            records.iter().map(|r| self.reencrypt(r)).collect()
        }
    }
}
