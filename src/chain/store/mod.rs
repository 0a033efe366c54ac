//! Where a chain keeps its entries: an append-only sequence of opaque records.
//!
//! [`FileStore`] (the default) is an embedded, crash-safe, append-only file;
//! [`MemoryStore`] keeps records in memory for tests and short-lived logs. Any other
//! backend (a database table, an object store) implements [`Store`]. A store knows
//! nothing about entries: [`Chain`](crate::chain::Chain) decodes and checks what it
//! reads back, so a store that returns wrong bytes is caught, not trusted.

mod file;
mod memory;

pub use file::{FileStore, Recovery, MAX_RECORD_LEN};
pub use memory::MemoryStore;

use crate::error::Result;

/// An append-only sequence of records (encoded entries), indexed from 0.
///
/// The contract a backend must keep:
/// - **durability**: when [`Store::append`] returns `Ok`, the record survives a crash
///   of the process or the machine;
/// - **atomicity**: a record is either entirely in the store or not at all; a reader
///   (this process or another) never sees a partial record;
/// - **append-only**: records are never changed or reordered;
/// - **one writer**: a second writer of the same store is refused (for
///   [`FileStore`], [`ChainErrorKind::Locked`](crate::ChainErrorKind::Locked)), or its
///   appends are, rather than overwriting records the first one acknowledged.
pub trait Store {
    /// The number of records.
    fn len(&self) -> u64;

    /// Whether the store is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends one record durably: the record is stored (and, for a persistent store,
    /// on stable storage) when this returns `Ok`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`](crate::Error::Io) if the write fails (nothing is stored then),
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an empty or
    /// oversized record, or [`Error::Chain`](crate::Error::Chain) with
    /// [`ChainErrorKind::Store`](crate::ChainErrorKind::Store) if the store is
    /// read-only or no longer trusts its state, or with
    /// [`ChainErrorKind::FileChanged`](crate::ChainErrorKind::FileChanged) if the store
    /// found that something else wrote to it (nothing is stored then either).
    fn append(&mut self, record: &[u8]) -> Result<()>;

    /// The record at `index`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) if `index ≥ len()`;
    /// an I/O or store error if the record cannot be read back intact.
    fn get(&self, index: u64) -> Result<Vec<u8>>;

    /// Calls `f(index, record)` for every record in order, stopping at the first error.
    /// Backends override it with a streaming read; the default calls [`Store::get`].
    ///
    /// # Errors
    ///
    /// The first error of `f` or of reading.
    fn scan(&self, f: &mut dyn FnMut(u64, &[u8]) -> Result<()>) -> Result<()> {
        for i in 0..self.len() {
            f(i, &self.get(i)?)?;
        }
        Ok(())
    }
}

impl<S: Store + ?Sized> Store for Box<S> {
    fn len(&self) -> u64 {
        (**self).len()
    }
    fn append(&mut self, record: &[u8]) -> Result<()> {
        (**self).append(record)
    }
    fn get(&self, index: u64) -> Result<Vec<u8>> {
        (**self).get(index)
    }
    fn scan(&self, f: &mut dyn FnMut(u64, &[u8]) -> Result<()>) -> Result<()> {
        (**self).scan(f)
    }
}
