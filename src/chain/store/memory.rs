//! The in-memory store.

use super::{Store, MAX_RECORD_LEN};
use crate::error::{Error, Result};

/// Records in a `Vec`, for tests, examples and logs that live as long as the process.
/// Nothing survives the process; use [`FileStore`](super::FileStore) for that.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    records: Vec<Vec<u8>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store holding `records` (for example exported from another store). Nothing is
    /// checked here; [`Chain::open`](crate::chain::Chain::open) checks the entries.
    pub fn from_records(records: Vec<Vec<u8>>) -> Self {
        Self { records }
    }

    /// The records, in order.
    pub fn records(&self) -> &[Vec<u8>] {
        &self.records
    }

    /// Takes the records out.
    pub fn into_records(self) -> Vec<Vec<u8>> {
        self.records
    }
}

impl Store for MemoryStore {
    fn len(&self) -> u64 {
        self.records.len() as u64
    }

    fn append(&mut self, record: &[u8]) -> Result<()> {
        check_record_len(record.len())?;
        self.records.push(record.to_vec());
        Ok(())
    }

    fn get(&self, index: u64) -> Result<Vec<u8>> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.records.get(i))
            .cloned()
            .ok_or(Error::InvalidArgument("record index beyond the store"))
    }

    fn scan(&self, f: &mut dyn FnMut(u64, &[u8]) -> Result<()>) -> Result<()> {
        for (i, r) in self.records.iter().enumerate() {
            f(i as u64, r)?;
        }
        Ok(())
    }
}

/// Both stores take records of 1 … [`MAX_RECORD_LEN`] bytes.
pub(super) fn check_record_len(len: usize) -> Result<()> {
    if len == 0 || len > MAX_RECORD_LEN {
        return Err(Error::InvalidArgument("record is empty or too long"));
    }
    Ok(())
}
