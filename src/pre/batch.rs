//! Re-encrypting many records with one re-key.

use super::rekey::ReKey;
use crate::ct::after_wiping_stack;
use crate::error::Result;
use crate::record::SealedRecord;

impl ReKey {
    /// Re-encrypts many records with one preparation of the re-key's fixed pairing
    /// inputs; in parallel with the `parallel` feature. Same results as calling
    /// [`reencrypt`](Self::reencrypt) on each, in order.
    pub fn reencrypt_batch(&self, records: &[SealedRecord]) -> Vec<Result<SealedRecord>> {
        // The lines of the secret `K0`, prepared once for every record, on the caller's
        // stack (the records may be re-encrypted on the workers'): wiped like the rest.
        after_wiping_stack(|| {
            let _ = crate::abe::core::DecryptionKey::k0_prepared(&*self.material);
        });
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
