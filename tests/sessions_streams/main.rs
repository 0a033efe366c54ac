//! Session records and streams: round trips, ordering, truncation and tampering.

#[path = "../common/mod.rs"]
mod common;

mod misuse;
mod sessions;
mod streams;
