//! FAME CP-ABE (Agrawal–Chase, CCS 2017, k = 2) on BLS12-381, used as a KEM.
//!
//! This module holds the algebra: Setup and KeyGen ([`Authority`], [`PublicKey`],
//! [`UserKey`]) and the crate-internal EncCore/DecCore. Records never touch it
//! directly: they go through the Fujisaki–Okamoto KEM in [`crate::record`], which is
//! what makes ciphertexts CCA-secure.

mod caches;
pub(crate) mod core;
pub(crate) mod key_material;
mod keys;
pub(crate) mod msm;
mod tables;
pub(crate) mod vattr;

pub use keys::{Authority, PublicKey, UserKey, MAX_KEY_ATTRIBUTES};
